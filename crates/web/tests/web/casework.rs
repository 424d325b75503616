//! The caseworker's household page (case file, follow-ups, journal) and work queue (follow-ups and appeals with
//! their deadlines) over HTTP: what is shown, who may change it, and that bad input stores nothing.

use crate::support::*;

async fn read_records(store: &SqlStore, action: &str) -> i64 {
    use sqlx::Row;
    sqlx::query(&format!(
        "SELECT COUNT(*) AS n FROM readlog.read_log WHERE action = '{action}'"
    ))
    .fetch_one(store.pool())
    .await
    .unwrap()
    .try_get("n")
    .unwrap()
}

#[tokio::test]
async fn the_household_page_shows_the_case_file_and_each_read_is_logged() {
    let f = fixture().await;
    let path = format!("/hushall/{}", f.household);
    let kim = session(&f.router, "kim").await;
    let before = read_records(&f.store, "household.read").await;
    let page = get(&f.router, &path, &kim).await;
    assert_eq!(page.status, StatusCode::OK);
    for shown in [
        "Alva Ek",
        "Medlemmar över tid",
        "2026-01-01",
        // February decided, March received: month by month, newest first.
        "2026-02",
        "2026-03",
        &format!("/beslut/{}", f.decision),
        "Inga öppna bevakningar.",
        &format!("action=\"{path}/bevakning\""),
        &format!("action=\"{path}/journal\""),
    ] {
        assert!(page.body.contains(shown), "{shown}");
    }
    assert!(page.body.find("2026-03").unwrap() < page.body.find(">2026-02<").unwrap());
    assert_eq!(read_records(&f.store, "household.read").await, before + 1);

    // A job coach reads the case file but has no forms to change it.
    let jo = session(&f.router, "jo").await;
    let page = get(&f.router, &path, &jo).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Alva Ek") && !page.body.contains(&format!("{path}/bevakning")));
    assert_eq!(read_records(&f.store, "household.read").await, before + 2);
}

#[tokio::test]
async fn a_follow_up_with_bad_input_is_refused_next_to_its_field_and_nothing_is_stored() {
    let f = fixture().await;
    let path = format!("/hushall/{}", f.household);
    let kim = session(&f.router, "kim").await;
    let csrf = get(&f.router, &path, &kim).await.hidden("csrf_token");
    let target = format!("{path}/bevakning");
    for (form, message, field) in [
        (
            "due=2026-13-01&reason=Hyresavi",
            "Ange datum som ÅÅÅÅ-MM-DD",
            "due",
        ),
        ("due=&reason=", "Ange datum som ÅÅÅÅ-MM-DD", "due"),
        // The fixture's clock says 2026-03-02.
        (
            "due=2026-03-01&reason=Hyresavi",
            "datumet har redan passerat",
            "due",
        ),
        (
            "due=2029-01-01&reason=Hyresavi",
            "högst två år fram i tiden",
            "due",
        ),
        (
            "due=2026-03-10&reason=+++",
            "skriv vad som ska följas upp",
            "reason",
        ),
    ] {
        let r = post(&f.router, &target, &kim, &format!("csrf_token={csrf}&{form}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{form}");
        assert!(r.body.contains(message), "{form}: {message}");
        assert!(
            r.body.contains(&format!("id=\"{field}-error\"")) && r.body.contains("aria-invalid=\"true\""),
            "{form}"
        );
        // What was typed is kept.
        assert!(r.body.contains("Alva Ek"));
        assert_eq!(rows(&f.store, "follow_ups").await, 0, "{form}");
    }
    let long = "x".repeat(301);
    let r = post(
        &f.router,
        &target,
        &kim,
        &format!("csrf_token={csrf}&due=2026-03-10&reason={long}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("högst 300 tecken"));
    // No CSRF token, or the wrong one: refused, nothing stored.
    let r = post(
        &f.router,
        &target,
        &kim,
        "csrf_token=fel&due=2026-03-10&reason=Hyresavi",
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A job coach and a caseworker of another unit may not add one.
    for user in ["jo", "lo"] {
        let cookie = session(&f.router, user).await;
        let their_csrf = get(&f.router, "/hem", &cookie).await.hidden("csrf_token");
        let r = post(
            &f.router,
            &target,
            &cookie,
            &format!("csrf_token={their_csrf}&due=2026-03-10&reason=Hyresavi"),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}");
        assert!(!r.body.contains("Alva"), "{user}");
    }
    assert_eq!(rows(&f.store, "follow_ups").await, 0);
}

#[tokio::test]
async fn a_follow_up_is_listed_in_the_queue_until_it_is_done() {
    let f = fixture().await;
    let path = format!("/hushall/{}", f.household);
    let kim = session(&f.router, "kim").await;
    let csrf = get(&f.router, &path, &kim).await.hidden("csrf_token");
    let r = post(
        &f.router,
        &format!("{path}/bevakning"),
        &kim,
        &format!("csrf_token={csrf}&due=2026-03-10&reason=Hyresavi+f%C3%B6r+april"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Later than the queue's two weeks: on the household page, not in the queue.
    let r = post(
        &f.router,
        &format!("{path}/bevakning"),
        &kim,
        &format!("csrf_token={csrf}&due=2026-06-01&reason=Planen+ses+%C3%B6ver"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = get(&f.router, &path, &kim).await;
    assert!(page.body.contains("Hyresavi för april") && page.body.contains("Planen ses över"));
    assert!(page.body.contains("Test kim"), "the creator is named");
    let queue = get(&f.router, "/arenden?vy=alla&typ=bevakningar", &kim).await;
    assert!(
        queue.body.contains("Alla i mina enheter: bevakningar (1)"),
        "{}",
        queue.body
    );
    assert!(queue.body.contains("Hyresavi för april") && !queue.body.contains("Planen ses över"));

    // Done: off the queue and among the done ones on the household page.
    let id: i64 = {
        use sqlx::Row;
        sqlx::query("SELECT id FROM follow_ups WHERE due_on = '2026-03-10'")
            .fetch_one(f.store.pool())
            .await
            .unwrap()
            .try_get("id")
            .unwrap()
    };
    let jo = session(&f.router, "jo").await;
    let jo_csrf = get(&f.router, "/hem", &jo).await.hidden("csrf_token");
    let r = post(
        &f.router,
        &format!("/bevakning/{id}/klar"),
        &jo,
        &format!("csrf_token={jo_csrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a job coach cannot mark it done");
    let r = post(
        &f.router,
        &format!("/bevakning/{id}/klar"),
        &kim,
        &format!("csrf_token={csrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers[header::LOCATION],
        format!("/hushall/{}#bevakningar", f.household).as_str()
    );
    let queue = get(&f.router, "/arenden?vy=alla&typ=bevakningar", &kim).await;
    assert!(queue.body.contains("Alla i mina enheter: bevakningar (0)") && !queue.body.contains("Hyresavi"));
    let page = get(&f.router, &path, &kim).await;
    assert!(page.body.contains("<summary>") && page.body.contains("Hyresavi för april"));
    // A second click changes nothing.
    let done = rows(&f.store, "audit_log WHERE action = 'follow_up.done'").await;
    let r = post(
        &f.router,
        &format!("/bevakning/{id}/klar"),
        &kim,
        &format!("csrf_token={csrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        rows(&f.store, "audit_log WHERE action = 'follow_up.done'").await,
        done
    );
    // An unknown follow-up is not found.
    let r = post(
        &f.router,
        "/bevakning/999/klar",
        &kim,
        &format!("csrf_token={csrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_journal_note_needs_a_member_and_a_text() {
    let f = fixture().await;
    let path = format!("/hushall/{}", f.household);
    let kim = session(&f.router, "kim").await;
    let page = get(&f.router, &path, &kim).await;
    let csrf = page.hidden("csrf_token");
    let member = {
        use sqlx::Row;
        sqlx::query("SELECT id FROM persons WHERE name = 'Alva Ek'")
            .fetch_one(f.store.pool())
            .await
            .unwrap()
            .try_get::<i64, _>("id")
            .unwrap()
    };
    let outsider = f
        .store
        .register_person(
            &Actor::system("test", "setup", "2026-03-02T08:00:00Z".parse().unwrap()),
            NewPerson::parse(
                "19900101-0017",
                "Utom Hushållet",
                ProtectedIdentity::None,
                date(2026, 3, 2),
            )
            .unwrap(),
        )
        .await
        .unwrap();
    let target = format!("{path}/journal");
    let notes = rows(&f.store, "journal_notes").await;
    for (form, message, field) in [
        ("person=&text=Samtal".to_owned(), "Välj person", "note-person"),
        (format!("person={member}&text=++"), "", "note-text"),
        (
            format!("person={}&text=Samtal", outsider.get()),
            "",
            "note-person",
        ),
    ] {
        let r = post(&f.router, &target, &kim, &format!("csrf_token={csrf}&{form}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{form}");
        assert!(r.body.contains(message), "{form}");
        assert!(
            r.body.contains(&format!("id=\"{field}-error\"")),
            "{form}: {}",
            r.body
        );
        assert_eq!(rows(&f.store, "journal_notes").await, notes, "{form}");
    }
    let jo = session(&f.router, "jo").await;
    let jo_csrf = get(&f.router, "/hem", &jo).await.hidden("csrf_token");
    let r = post(
        &f.router,
        &target,
        &jo,
        &format!("csrf_token={jo_csrf}&person={member}&text=Samtal"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(rows(&f.store, "journal_notes").await, notes);

    let r = post(
        &f.router,
        &target,
        &kim,
        &format!("csrf_token={csrf}&person={member}&text=Telefonsamtal+om+hyran"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(rows(&f.store, "journal_notes").await, notes + 1);
    let page = get(&f.router, &path, &kim).await;
    assert!(page.body.contains("Telefonsamtal om hyran") && page.body.contains("Test kim"));
}

#[tokio::test]
async fn the_queue_lists_appeals_with_their_deadlines_and_a_caseworker_forwards_one() {
    let f = fixture().await;
    let a = Actor::system("test", "setup", "2026-03-02T08:00:00Z".parse().unwrap());
    let decision = domain::DecisionId(f.decision);
    f.store
        .serve_decision(&a, decision, date(2026, 2, 20))
        .await
        .unwrap();
    let appeal = f
        .store
        .receive_appeal(&a, decision, date(2026, 2, 23))
        .await
        .unwrap();
    let kim = session(&f.router, "kim").await;
    let queue = get(&f.router, "/arenden?vy=alla&typ=overklaganden", &kim).await;
    assert!(queue.body.contains("Överklaganden"), "{}", queue.body);
    // Served 20 February: the last day to appeal is three weeks later; forwarded within a week of receipt.
    assert!(queue.body.contains("2026-03-13"), "appeal deadline");
    assert!(queue.body.contains("2026-03-02"), "forward-by date");
    let form = format!("/overklagande/{}/overlamna", appeal.id);
    assert!(queue.body.contains(&form));
    let csrf = queue.hidden("csrf_token");

    // A job coach may not forward; a wrong token is refused; neither changes the appeal.
    let jo = session(&f.router, "jo").await;
    let jo_csrf = get(&f.router, "/hem", &jo).await.hidden("csrf_token");
    assert_eq!(
        post(&f.router, &form, &jo, &format!("csrf_token={jo_csrf}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(&f.router, &form, &kim, "csrf_token=fel").await.status,
        StatusCode::FORBIDDEN
    );
    let status = || async {
        use sqlx::Row;
        sqlx::query("SELECT status FROM appeals")
            .fetch_one(f.store.pool())
            .await
            .unwrap()
            .try_get::<String, _>("status")
            .unwrap()
    };
    assert_eq!(status().await, "in_time");

    let r = post(&f.router, &form, &kim, &format!("csrf_token={csrf}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(status().await, "forwarded_to_court");
    let queue = get(&f.router, "/arenden?vy=alla&typ=overklaganden", &kim).await;
    assert!(!queue.body.contains(&form));
    // Forwarding it again is a clear refusal on the queue page, and changes nothing.
    let r = post(&f.router, &form, &kim, &format!("csrf_token={csrf}")).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("role=\"alert\""), "{}", r.body);
    assert_eq!(status().await, "forwarded_to_court");
    // The household page shows the appeal's state on its month.
    let page = get(&f.router, &format!("/hushall/{}", f.household), &kim).await;
    assert!(page.body.contains("Överlämnat till förvaltningsrätten"));
}
