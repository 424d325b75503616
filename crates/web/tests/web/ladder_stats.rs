//! The ladder's statistics page (`/stegforflyttning`): who may open it, what it shows (aggregates, small counts
//! suppressed), the CSV files, and bad addresses.

use crate::support::*;

async fn exec(store: &SqlStore, sql: &str) {
    sqlx::query(sql).execute(store.pool()).await.unwrap();
}

/// One person on a three-step ladder in the fixture's range (2025-03..2026-02 on 2 March 2026): assessed on step 2
/// in June 2025, up to step 3 in August, exits to work in October.
async fn ladder(f: &Fixture) {
    exec(&f.store, "INSERT INTO ladder_versions (id, valid_from, created_by, created_at) VALUES (1, '2025-01-01', 'test', 0)").await;
    for (n, name) in [(1, "Långt ifrån"), (2, "På väg"), (3, "Nära arbete")] {
        exec(
            &f.store,
            &format!(
                "INSERT INTO ladder_steps (version_id, step, name_sv, name_en, description_sv, description_en) \
                 VALUES (1, {n}, '{name}', 'Step {n}', '', '')"
            ),
        )
        .await;
    }
    for (day, step) in [("2025-06-01", 2), ("2025-08-10", 3)] {
        exec(
            &f.store,
            &format!(
                "INSERT INTO assessments (person_id, household_id, assessed_on, ladder_version, step, own_step, \
                 obstacles, assessed_by, recorded_at) VALUES ({}, {}, '{day}', 1, {step}, NULL, '{{}}', 'test', 0)",
                f.person, f.household
            ),
        )
        .await;
    }
    exec(
        &f.store,
        &format!(
            "INSERT INTO ladder_exits (person_id, household_id, exited_on, reason, recorded_by, recorded_at) \
             VALUES ({}, {}, '2025-10-01', 'work', 'test', 0)",
            f.person, f.household
        ),
    )
    .await;
}

#[tokio::test]
async fn the_ladder_statistics_are_for_aggregate_readers_only_with_small_counts_suppressed() {
    let f = fixture().await;
    ladder(&f).await;
    for user in ["pol", "cid", "mia", "adm"] {
        let cookie = session(&f.router, user).await;
        let r = get(&f.router, "/stegforflyttning", &cookie).await;
        assert_eq!(r.status, StatusCode::OK, "{user}: {}", r.body);
        assert!(r.body.contains("Övergångar mellan stegen"), "{user}");
        assert!(r.body.contains("samband, inte effekter"), "{user}");
        // One person: every non-zero count is "fewer than 5", for the unit manager too; never a name.
        assert!(r.body.contains("färre än 5"), "{user}");
        assert!(r.body.contains("<svg"), "{user}");
        assert!(r.body.contains("2. På väg"), "{user}");
        assert!(!r.body.contains("Alva") && !r.body.contains("19800517"), "{user}");
        // The start page links to it.
        let home = get(&f.router, "/hem", &cookie).await;
        assert!(home.body.contains("href=\"/stegforflyttning\""), "{user}");
    }
    let denied_before = rows_where(&f.store, "audit_log", "action = 'access.denied'").await;
    for user in ["kim", "jo", "rev", "ann"] {
        let cookie = session(&f.router, user).await;
        let r = get(&f.router, "/stegforflyttning", &cookie).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}");
    }
    assert_eq!(
        rows_where(&f.store, "audit_log", "action = 'access.denied'").await,
        denied_before + 4
    );
    // One read record per page shown (four readers), none for the refusals.
    assert_eq!(
        rows_where(&f.store, "readlog.read_log", "action = 'statistics.read'").await,
        4
    );
}

#[tokio::test]
async fn every_table_downloads_as_csv_and_bad_addresses_are_named() {
    let f = fixture().await;
    ladder(&f).await;
    let cookie = session(&f.router, "pol").await;
    for table in [
        "overgangar",
        "manader",
        "steg",
        "aktiviteter",
        "kohorter",
        "kurvor",
        "tre-manader",
        "aterkomst",
    ] {
        let r = get(
            &f.router,
            &format!("/stegforflyttning?fran=2025-03&till=2026-02&format=csv&tabell={table}"),
            &cookie,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{table}");
        assert_eq!(r.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
        assert!(
            r.body.starts_with('\u{feff}'),
            "{table}: UTF-8 with a byte order mark"
        );
    }
    let r = get(
        &f.router,
        "/stegforflyttning?fran=2025-03&till=2026-02&format=csv&tabell=overgangar",
        &cookie,
    )
    .await;
    assert!(
        r.body
            .contains("\"Steg vid månadens början\",\"Personer vid månadens början\"")
    );
    assert!(r.body.contains("\"Avslutade: Arbete\""));
    // The steps' rows: June-September on step 2 or 3, then the exit; all fewer than 5.
    assert!(r.body.contains("\"2. På väg\",\"färre än 5\""), "{}", r.body);

    for (query, message) in [
        ("fran=2025-13", "Skriv månaden som ÅÅÅÅ-MM"),
        (
            "fran=2026-02&till=2025-03",
            "Den första månaden ligger efter den sista",
        ),
        ("fran=2025-03&till=2026-03", "Den sista månaden är inte slut än"),
        ("fran=2020-01&till=2026-02", "Välj högst 60 månader"),
        ("enhet=1", "Välj en av dina enheter"),
        ("format=csv&tabell=personer", "Det finns ingen sådan tabell"),
    ] {
        let r = get(&f.router, &format!("/stegforflyttning?{query}"), &cookie).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(r.body.contains(message), "{query}: {}", r.body);
    }
    let en = get(&f.router, "/stegforflyttning?lang=en", &cookie).await;
    assert!(en.body.contains("Transitions between steps") && en.body.contains("fewer than 5"));

    // A unit manager may narrow the figures to their own unit, no one else's.
    let mia = session(&f.router, "mia").await;
    let units: Vec<i64> = sqlx::query(
        "SELECT au.unit_id FROM account_units au JOIN accounts a ON a.id = au.account_id WHERE a.username = 'mia'",
    )
    .fetch_all(f.store.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| sqlx::Row::try_get(r, 0).unwrap())
    .collect();
    let own = units[0];
    let r = get(&f.router, &format!("/stegforflyttning?enhet={own}"), &mia).await;
    assert_eq!(r.status, StatusCode::OK);
    let other = get(&f.router, "/stegforflyttning?enhet=999", &mia).await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
}

async fn rows_where(store: &SqlStore, table: &str, condition: &str) -> i64 {
    use sqlx::Row;
    sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table} WHERE {condition}"))
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}
