//! The applicant's declared input travels with the application until it is decided.

#![allow(clippy::unwrap_used, reason = "test code: a failure should panic")]

use jiff::civil::date;
use norm::Month;
use norm::contract::CalcRequest;
use store::{Intake, SqlStore, Store};

use super::support::{actor, backends, count, counts, decision, household};

fn request(month: &str) -> CalcRequest {
    serde_json::from_str(&format!(
        r#"{{"month": "{month}", "members": [{{"id": "a", "role": "adult", "age": 40}}], "costs": {{"rent": 5000}}}}"#
    ))
    .unwrap()
}

async fn the_declared_input_is_kept_until_the_decision(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    let (_, _, h) = household(s, &a, date(1986, 6, 6), 301).await;
    let app = s
        .receive_application(&a, h, Month::new(2026, 3).unwrap(), date(2026, 3, 1))
        .await
        .unwrap();
    assert_eq!(s.application_request(&a, app.id).await.unwrap(), None);

    let before = counts(s).await;
    assert!(
        s.attach_request(&a, app.id, &request("2026-04")).await.is_err(),
        "another month"
    );
    assert_eq!(counts(s).await, before);

    let audit = count(s, "SELECT COUNT(*) FROM audit_log").await;
    s.attach_request(&a, app.id, &request("2026-03")).await.unwrap();
    assert_eq!(
        s.application_request(&a, app.id).await.unwrap(),
        Some(request("2026-03"))
    );
    assert_eq!(
        count(s, "SELECT COUNT(*) FROM audit_log").await,
        audit + 2,
        "the write and the read are audited"
    );
    assert_eq!(s.application_access(app.id).await.unwrap().household, h);

    let app = s.start_investigation(&a, app.id, app.version).await.unwrap();
    s.decide(&a, app.id, app.version, decision(&[5000]))
        .await
        .unwrap();
    let before = counts(s).await;
    assert!(
        s.attach_request(&a, app.id, &request("2026-03")).await.is_err(),
        "decided: frozen"
    );
    assert_eq!(counts(s).await, before);
}

async fn an_online_application_arrives_with_its_declaration_once_a_month(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    let (_, _, h) = household(s, &a, date(1991, 9, 9), 302).await;
    let app = s
        .apply(&a, h, date(2026, 3, 15), &request("2026-03"))
        .await
        .unwrap();
    assert_eq!(app.month, Month::new(2026, 3).unwrap());
    assert_eq!(
        s.application_request(&a, app.id).await.unwrap(),
        Some(request("2026-03"))
    );
    let before = counts(s).await;
    assert!(matches!(
        s.apply(&a, h, date(2026, 3, 16), &request("2026-03")).await,
        Err(store::StoreError::Duplicate(_))
    ));
    assert!(
        s.apply(
            &a,
            domain::HouseholdId(777_777),
            date(2026, 3, 16),
            &request("2026-04")
        )
        .await
        .is_err()
    );
    assert_eq!(counts(s).await, before);
}

async fn an_online_appeal_keeps_the_appellants_words_and_the_time_limit(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    let (_, _, h) = household(s, &a, date(1979, 4, 4), 303).await;
    let app = s
        .apply(&a, h, date(2026, 3, 2), &request("2026-03"))
        .await
        .unwrap();
    let app = s.start_investigation(&a, app.id, app.version).await.unwrap();
    let d = s
        .decide(&a, app.id, app.version, decision(&[5000]))
        .await
        .unwrap();
    let before = counts(s).await;
    assert!(
        s.appeal_online(&a, d.id, date(2026, 3, 10), "Hyran ska godtas")
            .await
            .is_err(),
        "not served yet"
    );
    s.serve_decision(&a, d.id, date(2026, 3, 5)).await.unwrap();
    let before_appeal = counts(s).await;
    assert_ne!(before, before_appeal);
    assert!(
        s.appeal_online(&a, d.id, date(2026, 3, 10), "   ").await.is_err(),
        "no grounds"
    );
    assert_eq!(counts(s).await, before_appeal);
    let appeal = s
        .appeal_online(&a, d.id, date(2026, 3, 10), "Hyran ska godtas i sin helhet")
        .await
        .unwrap();
    assert_eq!(s.appeals_of(d.id).await.unwrap(), vec![appeal.clone()]);
    assert_eq!(
        count(
            s,
            "SELECT COUNT(*) FROM appeals WHERE grounds = 'Hyran ska godtas i sin helhet'"
        )
        .await,
        1
    );
    // 21 days after being served is in time; the 27th is late but still received, for the board to refuse (on
    // another decision: a decision is appealed once, see `receipts.rs`).
    let (_, _, h2) = household(s, &a, date(1979, 4, 5), 304).await;
    let app2 = s
        .apply(&a, h2, date(2026, 3, 2), &request("2026-03"))
        .await
        .unwrap();
    let app2 = s.start_investigation(&a, app2.id, app2.version).await.unwrap();
    let d2 = s
        .decide(&a, app2.id, app2.version, decision(&[5000]))
        .await
        .unwrap();
    s.serve_decision(&a, d2.id, date(2026, 3, 5)).await.unwrap();
    let late = s
        .appeal_online(&a, d2.id, date(2026, 4, 1), "Sent")
        .await
        .unwrap();
    assert_ne!(late.status, appeal.status);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intake() {
    for db in backends().await {
        the_declared_input_is_kept_until_the_decision(&db.store).await;
        an_online_application_arrives_with_its_declaration_once_a_month(&db.store).await;
        an_online_appeal_keeps_the_appellants_words_and_the_time_limit(&db.store).await;
        db.finish().await;
    }
}
