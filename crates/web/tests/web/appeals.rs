//! Appeals in the e-service.

use crate::support::*;

#[tokio::test]
async fn an_applicant_appeals_a_decision_served_in_the_e_service() {
    let f = fixture().await;
    let path = format!("/beslut/{}", f.decision);
    let ann = session(&f.router, "ann").await;
    let page = get(&f.router, &path, &ann).await;
    // Opening it in the e-service serves it: the three weeks run from today (the fixture's clock, 2026-03-02).
    assert!(page.body.contains("Delgivet 2026-03-02") && page.body.contains("Överklaga beslutet"));
    let csrf = page.hidden("csrf_token");
    let before = rows(&f.store, "appeals").await;
    let r = post(
        &f.router,
        &format!("{path}/overklaga"),
        &ann,
        &format!("csrf_token={csrf}&grounds=++"),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Skriv varför du överklagar") && r.body.contains("aria-invalid"));
    assert_eq!(rows(&f.store, "appeals").await, before);
    let r = post(
        &f.router,
        &format!("{path}/overklaga"),
        &ann,
        "csrf_token=fel&grounds=Hyran",
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let ok = format!("csrf_token={csrf}&grounds=Hyran+ska+godtas+i+sin+helhet");
    let r = post(&f.router, &format!("{path}/overklaga"), &ann, &ok).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(rows(&f.store, "appeals").await, before + 1);
    let page = get(&f.router, &path, &ann).await;
    assert!(
        page.body.contains("Överklaganden") && page.body.contains("Inkommet i tid"),
        "{}",
        page.body
    );

    // The caseworker sees the appeal on the decision but cannot appeal on the applicant's behalf here.
    let kim = session(&f.router, "kim").await;
    let page = get(&f.router, &path, &kim).await;
    assert!(page.body.contains("Inkommet i tid") && !page.body.contains("Skicka överklagandet"));
    let kim_csrf = page.hidden("csrf_token");
    let r = post(
        &f.router,
        &format!("{path}/overklaga"),
        &kim,
        &format!("csrf_token={kim_csrf}&grounds=x"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(rows(&f.store, "appeals").await, before + 1);
}
