//! The applicant's online application.

use crate::support::*;

#[tokio::test]
async fn an_applicant_applies_online_and_the_caseworker_sees_the_declaration() {
    let f = fixture().await;
    let ann = session(&f.router, "ann").await;
    let page = get(&f.router, "/ansok", &ann).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Alva Ek") && page.body.contains("<option value=\"2026-04\""));
    let csrf = page.hidden("csrf_token");
    let before = applications(&f.store).await;
    for (form, message) in [
        ("month=2026-04&rent=femtusen", "Ange beloppet i hela kronor"),
        ("month=2026-04&rent=-5", "Ange beloppet i hela kronor"),
        ("month=2026-03&rent=5000", "redan en ansökan"),
        ("month=2027-09&rent=5000", "innevarande eller nästa månad"),
        ("month=&rent=5000", "Välj en månad"),
    ] {
        let r = post_form_multipart(&f.router, "/ansok", &ann, &format!("csrf_token={csrf}&{form}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{form}");
        assert!(
            r.body.contains(message) && r.body.contains("error-summary"),
            "{form}: {}",
            r.body
        );
        assert_eq!(applications(&f.store).await, before, "{form}");
    }
    let ok =
        format!("csrf_token={csrf}&month=2026-04&rent=5+200&electricity=300&housing_allowance=700&salary=");
    let r = post_form_multipart(&f.router, "/ansok", &ann, &ok).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(applications(&f.store).await, before + 1);
    let mine = get(&f.router, "/mina-sidor", &ann).await;
    assert!(mine.body.contains("2026-04") && mine.body.contains("Inkommen"));

    // The caseworker finds it in the queue and sees the engine's calculation of what was declared.
    let kim = session(&f.router, "kim").await;
    let queue = get(&f.router, "/arenden", &kim).await;
    let marker = "<a href=\"/ansokan/";
    let ids: Vec<&str> = queue
        .body
        .match_indices(marker)
        .map(|(i, _)| &queue.body[i + marker.len()..])
        .collect();
    let newest = ids
        .iter()
        .map(|s| s.split('"').next().unwrap().parse::<i64>().unwrap())
        .max()
        .unwrap();
    let page = get(&f.router, &format!("/ansokan/{newest}"), &kim).await;
    assert!(
        page.body.contains("2026-04") && page.body.contains("10\u{202f}020 kr"),
        "{}",
        page.body
    );
}
