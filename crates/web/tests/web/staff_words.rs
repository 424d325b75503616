//! Staff pages in words (issue #12): the styled error page for a bad address, payment runs with names and the
//! bank's confirmation before "paid", the auditor's log in words, Swedish local time, the household page folded by
//! year and named by its people, admin pages without codes.

use crate::support::*;

/// The text between `<main` and `</main>`: what a reader sees of the page (the header's links and the form
/// values' codes are elsewhere or in attributes).
fn main_text(body: &str) -> String {
    let start = body.find("<main").unwrap_or(0);
    let end = body.find("</main>").unwrap_or(body.len());
    let mut out = String::new();
    let mut in_tag = false;
    for c in body[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[tokio::test]
async fn a_bad_address_or_query_gives_the_styled_error_page_in_the_readers_language() {
    let f = fixture().await;
    let kim = session(&f.router, "kim").await;
    for path in ["/hushall/abc", "/beslut/xyz", "/ansokan/1.5"] {
        let r = get(&f.router, path, &kim).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(
            r.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{path}"
        );
        assert!(r.body.contains("<html lang=\"sv\""), "{path}: {}", r.body);
        assert!(
            r.body.contains("Adressen eller uppgifterna går inte att läsa"),
            "{path}"
        );
        assert!(
            !r.body.contains("Invalid URL") && !r.body.contains("Cannot parse"),
            "{path}"
        );
    }
    // English by ?lang=en and by the cookie.
    let r = get(&f.router, "/hushall/abc?lang=en", &kim).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("The address or the values cannot be read"),
        "{}",
        r.body
    );
    let r = get(&f.router, "/beslut/xyz", &format!("{kim}; stegvis_lang=en")).await;
    assert!(
        r.body.contains("The address or the values cannot be read"),
        "{}",
        r.body
    );

    // A query value that does not parse (the auditor's page offset).
    let rev = session(&f.router, "rev").await;
    let r = get(&f.router, "/granskning?offset=abc", &rev).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Adressen eller uppgifterna går inte att läsa"));
    assert!(!r.body.contains("Failed to deserialize"));

    // A page that does not take a POST.
    let r = post(&f.router, "/granskning", &kim, "x=1").await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        r.body.contains("Sidan går inte att använda på det sättet"),
        "{}",
        r.body
    );

    // The JSON API keeps its own answers: never the HTML page.
    let r = get(&f.router, "/api/v1/households/abc", &kim).await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert!(!r.body.contains("<html"), "{}", r.body);
}

/// The run of the fixture's February decision: prepared by kim, approved and exported by mia. Returns its path.
async fn exported_run(f: &Fixture) -> (String, String, String) {
    let kim = session(&f.router, "kim").await;
    let csrf = get(&f.router, "/utbetalningar", &kim).await.hidden("csrf_token");
    let r = post(
        &f.router,
        "/utbetalningar",
        &kim,
        &format!("csrf_token={csrf}&pay_date=2026-03-25"),
    )
    .await;
    let run = r.headers[header::LOCATION].to_str().unwrap().to_owned();
    let mia = session(&f.router, "mia").await;
    let mia_csrf = get(&f.router, &run, &mia).await.hidden("csrf_token");
    for step in ["attest", "export"] {
        let r = post(
            &f.router,
            &format!("{run}/{step}"),
            &mia,
            &format!("csrf_token={mia_csrf}"),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{step}: {}", r.body);
    }
    (run, mia, mia_csrf)
}

#[tokio::test]
async fn a_run_names_payee_household_purpose_and_people_and_is_paid_only_when_the_bank_confirms() {
    let f = fixture().await;
    let (run, mia, mia_csrf) = exported_run(&f).await;
    let kim = session(&f.router, "kim").await;
    let page = get(&f.router, &run, &kim).await;
    let text = main_text(&page.body);
    // Payee and household by name, the purpose in words, the amount (10,020 kr: the fixture's February).
    assert!(text.contains("Alva Ek"), "{text}");
    assert!(text.contains("Försörjningsstöd"), "{text}");
    assert!(text.contains("10\u{202f}020 kr"), "{text}");
    // Who prepared and who approved, by name and role, never as `account:3`.
    assert!(text.contains("Test kim (Handläggare)"), "{text}");
    assert!(text.contains("Test mia (Enhetschef)"), "{text}");
    assert!(!text.contains("account:") && !text.contains("staff:"), "{text}");
    // Exported: sent to the bank, not paid; the application is still decided.
    assert!(
        text.contains("Skickad till banken") && !text.contains("Utbetald"),
        "{text}"
    );
    let household = format!("/hushall/{}", f.household);
    let h = main_text(&get(&f.router, &household, &kim).await.body);
    assert!(!h.contains("Utbetald"), "{h}");
    assert!(h.contains("Skickad till banken"), "{h}");
    let list = main_text(&get(&f.router, "/utbetalningar", &kim).await.body);
    assert!(
        list.contains("Test mia (Enhetschef)") && list.contains("Skickad till banken"),
        "{list}"
    );

    // A job coach may not record the bank's confirmation; nothing changes.
    let jo = session(&f.router, "jo").await;
    let jo_csrf = get(&f.router, "/hem", &jo).await.hidden("csrf_token");
    let r = post(
        &f.router,
        &format!("{run}/betald"),
        &jo,
        &format!("csrf_token={jo_csrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!main_text(&get(&f.router, &run, &kim).await.body).contains("Utbetald"));

    // The unit manager records it: now the run and the application are paid, and the log says who.
    let r = post(
        &f.router,
        &format!("{run}/betald"),
        &mia,
        &format!("csrf_token={mia_csrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let text = main_text(&get(&f.router, &run, &kim).await.body);
    assert!(text.contains("Utbetald"), "{text}");
    assert!(
        text.contains("Utbetalning bekräftad av") && text.contains("Test mia (Enhetschef)"),
        "{text}"
    );
    let h = main_text(&get(&f.router, &household, &kim).await.body);
    assert!(h.contains("Utbetald"), "{h}");
    let row = sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'batch.paid'")
        .fetch_one(f.store.pool())
        .await
        .unwrap();
    assert_eq!(sqlx::Row::try_get::<i64, _>(&row, "n").unwrap(), 1);
    // Confirming again changes nothing (a retry after a lost answer).
    let r = post(
        &f.router,
        &format!("{run}/betald"),
        &mia,
        &format!("csrf_token={mia_csrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_auditors_log_names_people_and_events_in_words_in_swedish_time() {
    let f = fixture().await;
    let kim = session(&f.router, "kim").await;
    // kim reads the household at 08:00 UTC on 2 March: 09:00 Swedish time (CET = UTC+1).
    assert_eq!(
        get(&f.router, &format!("/hushall/{}", f.household), &kim)
            .await
            .status,
        StatusCode::OK
    );
    let rev = session(&f.router, "rev").await;
    let page = get(&f.router, "/granskning", &rev).await;
    assert_eq!(page.status, StatusCode::OK);
    // The user picker offers kim by name; its value is what the search filters by.
    let option = page
        .body
        .split("<option ")
        .find(|o| o.contains("Test kim (Handläggare)"))
        .expect("kim is offered");
    let who = option.split('"').nth(1).unwrap().to_owned();
    let r = get(
        &f.router,
        &format!("/granskning?actor={who}&action=household.read"),
        &rev,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let text = main_text(&r.body);
    assert!(text.contains("Test kim (Handläggare)"), "{text}");
    assert!(text.contains("Hushållets akt läst"), "{text}");
    assert!(
        text.contains("Alva Ek"),
        "the subject and the household by name: {text}"
    );
    assert!(text.contains("2026-03-02 09:00:00"), "Swedish time: {text}");
    assert!(text.contains("Tidpunkt (svensk tid)"), "{text}");
    for code in ["household.read", "staff:", "account:", "{\""] {
        assert!(!text.contains(code), "{code} in {text}");
    }

    // The extract as CSV: readable columns, with the codes in extra columns for tools.
    let person = sqlx::query("SELECT id FROM persons")
        .fetch_one(f.store.pool())
        .await
        .unwrap();
    let person: i64 = sqlx::Row::try_get(&person, "id").unwrap();
    let csv = get(
        &f.router,
        &format!("/granskning/person/{person}?format=csv"),
        &rev,
    )
    .await;
    let header_line = csv.body.lines().next().unwrap();
    assert!(header_line.contains("Tidpunkt (svensk tid)"), "{header_line}");
    assert!(header_line.contains("action"), "{header_line}");
    assert!(csv.body.contains("Hushållets akt läst") && csv.body.contains("household.read"));
    let extract = main_text(
        &get(&f.router, &format!("/granskning/person/{person}"), &rev)
            .await
            .body,
    );
    assert!(
        extract.contains("Alva Ek") && extract.contains("Hushållets akt läst"),
        "{extract}"
    );
}

#[tokio::test]
async fn the_period_filter_reads_swedish_days() {
    let f = fixture().await;
    // 23:30 UTC on 2 March is 00:30 on 3 March in Sweden (CET = UTC+1).
    f.clock.set("2026-03-02T23:30:00Z".parse().unwrap());
    let kim = session(&f.router, "kim").await;
    get(&f.router, &format!("/hushall/{}", f.household), &kim).await;
    let rev = session(&f.router, "rev").await;
    let on = |day: &str| format!("/granskning?action=household.read&from={day}&to={day}");
    let third = main_text(&get(&f.router, &on("2026-03-03"), &rev).await.body);
    assert!(third.contains("2026-03-03 00:30:00"), "{third}");
    let second = main_text(&get(&f.router, &on("2026-03-02"), &rev).await.body);
    assert!(!second.contains("Hushållets akt läst"), "{second}");
}

#[tokio::test]
async fn the_household_page_is_named_by_its_people_and_folds_its_months_by_year() {
    let f = fixture().await;
    let a = Actor::system("test", "setup", "2026-03-02T08:00:00Z".parse().unwrap());
    // A month in 2024 as well: 2026 (this year and the latest) is open, 2024 folded.
    f.store
        .receive_application(
            &a,
            domain::HouseholdId(f.household),
            norm::Month::new(2024, 11).unwrap(),
            date(2024, 11, 1),
        )
        .await
        .unwrap();
    let kim = session(&f.router, "kim").await;
    let page = get(&f.router, &format!("/hushall/{}", f.household), &kim).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<h1>Alva Ek"), "{}", page.body);
    assert!(!main_text(&page.body).contains(&format!("Hushåll {}", f.household)));
    assert!(
        page.body.contains("<details class=\"year\" open>"),
        "{}",
        page.body
    );
    let closed = page.body.find("<details class=\"year\">").expect("2024 folded");
    let open = page.body.find("<details class=\"year\" open>").unwrap();
    assert!(open < closed, "newest year first");
    assert!(page.body[closed..].contains("2024-11"));
}

#[tokio::test]
async fn admin_pages_show_no_codes() {
    let f = fixture().await;
    let adm = session(&f.router, "adm").await;
    let units = main_text(&get(&f.router, "/admin/enheter", &adm).await.body);
    assert!(units.contains("Nord") && !units.contains(" Id "), "{units}");
    let users = main_text(&get(&f.router, "/admin/anvandare", &adm).await.body);
    assert!(
        users.contains("Handläggare") && users.contains("Granskare"),
        "{users}"
    );
    for code in ["caseworker", "unit_manager", "auditor"] {
        assert!(!users.contains(code), "{code} in {users}");
    }
}
