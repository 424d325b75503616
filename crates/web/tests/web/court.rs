//! Omprövning and the förvaltningsrätt on the caseworker's pages: bad input is shown next to its field and changes
//! nothing (row counts compared); good input makes the new decision, which the household page lists.

use crate::support::*;

/// Row counts of everything these forms write, and the appeals' judgment state. (Not the audit log: showing the
/// form again with its errors is itself an audited read.)
async fn snapshot(store: &SqlStore) -> Vec<i64> {
    let mut out = vec![];
    for t in [
        "decisions",
        "decision_items",
        "decision_changes",
        "appeals",
        "appeal_documents",
        "payments",
    ] {
        out.push(rows(store, t).await);
    }
    out.push(
        rows(
            store,
            "appeals WHERE judged_on IS NOT NULL OR new_decision_id IS NOT NULL",
        )
        .await,
    );
    out
}

#[tokio::test]
async fn reconsidering_a_decision_refuses_bad_input_and_then_replaces_it() {
    let f = fixture().await;
    let kim = session(&f.router, "kim").await;
    let path = format!("/beslut/{}/omprova", f.decision);
    let page = get(&f.router, &path, &kim).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Ompröva beslut") && page.body.contains("name=\"granted-1\""));
    let csrf = page.hidden("csrf_token");
    let version = page.hidden("version");
    let base =
        format!("csrf_token={csrf}&version={version}&outcome-1=delvis_bifall&reasons-1=Hyran+s%C3%A4nks");

    // A negative amount and no reasons for the change: both shown next to their fields, nothing written.
    let before = snapshot(&f.store).await;
    let r = post(
        &f.router,
        &path,
        &kim,
        &format!("{base}&granted-1=-5&change_reasons="),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("id=\"granted-1-error\"") && r.body.contains("Beloppet får inte vara negativt"));
    assert!(r.body.contains("id=\"change_reasons-error\"") && r.body.contains("Skriv en motivering"));
    assert_eq!(snapshot(&f.store).await, before);

    // Lower, to the person's disadvantage, without a ground of FL 39 §: refused at the ground's field.
    let lower = format!("{base}&granted-1=1000&change_reasons=Hyran+%C3%A4r+l%C3%A4gre");
    let r = post(&f.router, &path, &kim, &lower).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("id=\"ground-error\"") && r.body.contains("39 § förvaltningslagen"),
        "{}",
        r.body
    );
    assert_eq!(snapshot(&f.store).await, before);
    // A ground without saying how it applies.
    let r = post(
        &f.router,
        &path,
        &kim,
        &format!("{lower}&ground=oriktiga_uppgifter&ground_statement="),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("id=\"ground_statement-error\""));
    assert_eq!(snapshot(&f.store).await, before);
    // A bad CSRF token is refused outright.
    let r = post(&f.router, &path, &kim, &lower.replace(&csrf, "fel")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let ok = format!("{lower}&ground=oriktiga_uppgifter&ground_statement=Uppgav+fel+hyra");
    let r = post(&f.router, &path, &kim, &ok).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(decisions(&f.store).await, before[0] + 1);
    // The household page lists both decisions: the new one replaces the old after omprövning.
    let page = get(&f.router, &format!("/hushall/{}", f.household), &kim).await;
    assert!(page.body.contains("Beslut och överklaganden") && page.body.contains("Omprövning"));
    assert!(page.body.contains("Ersatt av"));
    // The old decision is no longer current: its form says so and a second post conflicts.
    let page = get(&f.router, &path, &kim).await;
    assert!(page.body.contains("har redan ersatts"));

    // A job coach may not reconsider.
    let jo = session(&f.router, "jo").await;
    assert_eq!(get(&f.router, &path, &jo).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_courts_judgment_is_checked_recorded_once_and_carried_out() {
    let f = fixture().await;
    let a = Actor::system("test", "setup", "2026-03-02T09:00:00Z".parse().unwrap());
    let d = domain::DecisionId(f.decision);
    f.store.serve_decision(&a, d, date(2026, 3, 2)).await.unwrap();
    let appeal = f.store.receive_appeal(&a, d, date(2026, 3, 2)).await.unwrap();
    let kim = session(&f.router, "kim").await;
    let path = format!("/overklagande/{}", appeal.id);
    let page = get(&f.router, &path, &kim).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("Ompröva beslutet") && page.body.contains("Överlämna till förvaltningsrätten")
    );
    let csrf = page.hidden("csrf_token");
    // Forwarded on 2026-03-02 (the fixture's clock) with the documents.
    let r = post(
        &f.router,
        &format!("{path}/overlamna"),
        &kim,
        &format!("csrf_token={csrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = get(&f.router, &path, &kim).await;
    assert!(page.body.contains("Handlingar som skickades med"));
    assert!(page.body.contains(&format!("Beslut nr {}", f.decision)) && page.body.contains("Överklagandet"));

    let fwd: Option<String> = sqlx::Row::try_get(
        &sqlx::query("SELECT forwarded_on FROM appeals")
            .fetch_one(f.store.pool())
            .await
            .unwrap(),
        "forwarded_on",
    )
    .unwrap();
    assert_eq!(fwd.as_deref(), Some("2026-03-02"));
    // The judgment is recorded on 2026-04-20.
    f.clock.set("2026-04-20T10:00:00Z".parse().unwrap());
    // Weeks later: a new session.
    let kim = session(&f.router, "kim").await;
    let csrf = get(&f.router, &path, &kim).await.hidden("csrf_token");
    let before = snapshot(&f.store).await;
    let judge = |outcome: &str, on: &str, reasons: &str| {
        format!("csrf_token={csrf}&outcome={outcome}&judged_on={on}&court_reasons={reasons}")
    };
    for (form, field, message) in [
        (
            judge("bifall", "2026-03-01", "Sk%C3%A4lig+hyra"),
            "judged_on",
            "före överlämnandet",
        ),
        (
            judge("bifall", "2026-04-21", "Sk%C3%A4lig+hyra"),
            "judged_on",
            "framtiden",
        ),
        (
            judge("bifall", "15%2F4+2026", "Sk%C3%A4lig+hyra"),
            "judged_on",
            "ÅÅÅÅ-MM-DD",
        ),
        (
            judge("bifall", "2026-04-15", "+"),
            "court_reasons",
            "Skriv en motivering",
        ),
        (
            judge("", "2026-04-15", "Sk%C3%A4lig+hyra"),
            "outcome",
            "Välj utfall",
        ),
    ] {
        let r = post(&f.router, &format!("{path}/dom"), &kim, &form).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{form}");
        assert!(
            r.body.contains(&format!("id=\"{field}-error\"")),
            "{form}: {}",
            r.body
        );
        assert!(r.body.contains(message), "{form}: {message}");
        assert_eq!(snapshot(&f.store).await, before, "{form}");
    }
    let r = post(
        &f.router,
        &format!("{path}/dom"),
        &kim,
        &judge("bifall", "2026-04-15", "Sk%C3%A4lig+hyra"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A second judgment on the same appeal: a message, nothing changed.
    let before = snapshot(&f.store).await;
    let r = post(
        &f.router,
        &format!("{path}/dom"),
        &kim,
        &judge("avslag", "2026-04-16", "Annat"),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("en dom kan bara registreras en gång"),
        "{}",
        r.body
    );
    assert_eq!(snapshot(&f.store).await, before);

    // The queue lists the judgment to carry out.
    let queue = get(&f.router, "/arenden?vy=alla&typ=overklaganden", &kim).await;
    assert!(queue.body.contains("Dom att verkställa"));

    // Carrying it out: a negative amount is refused next to its field; then the court's amount.
    let page = get(&f.router, &path, &kim).await;
    assert!(page.body.contains("Verkställ domen"));
    let version = page.hidden("version");
    let carry = |granted: &str| {
        format!(
            "csrf_token={csrf}&version={version}&outcome-1=delvis_bifall&granted-1={granted}\
             &reasons-1=Enligt+domen&change_reasons=F%C3%B6rvaltningsr%C3%A4tten+bifaller"
        )
    };
    let r = post(&f.router, &format!("{path}/verkstall"), &kim, &carry("-1")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("id=\"granted-1-error\""));
    assert_eq!(snapshot(&f.store).await, before);
    let r = post(&f.router, &format!("{path}/verkstall"), &kim, &carry("100")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(decisions(&f.store).await, before[0] + 1);
    let page = get(&f.router, &path, &kim).await;
    assert!(page.body.contains("Verkställd genom beslut") && !page.body.contains("Verkställ domen"));
    let household = get(&f.router, &format!("/hushall/{}", f.household), &kim).await;
    assert!(household.body.contains("Förvaltningsrättens dom") && household.body.contains("Bifall"));
}
