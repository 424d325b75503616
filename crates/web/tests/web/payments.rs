//! Payment runs: prepared by one person, approved by another.

use crate::support::*;

#[tokio::test]
async fn a_payment_run_is_prepared_by_one_person_and_approved_by_another() {
    let f = fixture().await;
    let kim = session(&f.router, "kim").await;
    let page = get(&f.router, "/utbetalningar", &kim).await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = page.hidden("csrf_token");
    let batches = |store: SqlStore| async move {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM payment_batches")
            .fetch_one(store.pool())
            .await
            .unwrap();
        sqlx::Row::try_get::<i64, _>(&row, "n").unwrap()
    };
    for (date, message) in [("25/3", "ÅÅÅÅ-MM-DD"), ("2026-02-25", "redan passerat")] {
        let r = post(
            &f.router,
            "/utbetalningar",
            &kim,
            &format!("csrf_token={csrf}&pay_date={date}"),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{date}");
        assert!(
            r.body.contains(message) && r.body.contains("aria-invalid"),
            "{date}"
        );
        assert_eq!(batches(f.store.clone()).await, 0);
    }
    let r = post(
        &f.router,
        "/utbetalningar",
        &kim,
        &format!("csrf_token={csrf}&pay_date=2026-03-25"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let run = r
        .headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let page = get(&f.router, &run, &kim).await;
    assert!(page.body.contains("10\u{202f}020 kr") && page.body.contains(&format!("/beslut/{}", f.decision)));
    // Nothing more to pay: a second run is refused.
    let r = post(
        &f.router,
        "/utbetalningar",
        &kim,
        &format!("csrf_token={csrf}&pay_date=2026-03-25"),
    )
    .await;
    assert!(r.body.contains("inga beslut att betala ut"));

    // 10,020 kr is above the 5,000 kr limit: the one who prepared may not approve.
    let r = post(
        &f.router,
        &format!("{run}/attest"),
        &kim,
        &format!("csrf_token={csrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("annan person"));
    let mia = session(&f.router, "mia").await;
    let mia_csrf = get(&f.router, &run, &mia).await.hidden("csrf_token");
    let r = post(
        &f.router,
        &format!("{run}/attest"),
        &mia,
        &format!("csrf_token={mia_csrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = post(
        &f.router,
        &format!("{run}/export"),
        &mia,
        &format!("csrf_token={mia_csrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = get(&f.router, &run, &kim).await;
    assert!(page.body.contains("Skickad till banken") && !page.body.contains("stoppa"));

    for user in ["pol", "ann", "cid"] {
        let cookie = session(&f.router, user).await;
        assert_eq!(
            get(&f.router, "/utbetalningar", &cookie).await.status,
            StatusCode::FORBIDDEN,
            "{user}"
        );
        assert_eq!(
            get(&f.router, &run, &cookie).await.status,
            StatusCode::FORBIDDEN,
            "{user}"
        );
    }
}
