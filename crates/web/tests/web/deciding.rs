//! The decision page and a caseworker deciding with the engine's calculation.

use crate::support::*;

#[tokio::test]
async fn a_decision_shows_every_line_of_the_calculation_and_how_to_appeal() {
    let f = fixture().await;
    let path = format!("/beslut/{}", f.decision);
    let kim = session(&f.router, "kim").await;
    let r = get(&f.router, &path, &kim).await;
    assert_eq!(r.status, StatusCode::OK);
    for text in [
        "Så räknades beloppet fram",
        "Personliga kostnader",
        "Hushållsgemensamma kostnader, 1 person",
        "Hyra",
        "Bostadsbidrag",
        "Bifall",
        "SoL 12:1",
        "riksnorm 2026 (official)",
        "Så överklagar du",
        "inom tre veckor",
    ] {
        assert!(r.body.contains(text), "{text}");
    }
    // 3,940 + 1,280 + 5,200 + 300 − 700 = 10,020 kr.
    assert!(r.body.contains("10\u{202f}020 kr"), "{}", r.body);

    // The applicant reads their own decision from their own pages; others are refused.
    let ann = session(&f.router, "ann").await;
    let mine = get(&f.router, "/mina-sidor", &ann).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.body.contains(&format!("href=\"{path}\"")) && mine.body.contains("2026-03"));
    assert_eq!(get(&f.router, &path, &ann).await.status, StatusCode::OK);
    for user in ["pol", "lo", "cid"] {
        let cookie = session(&f.router, user).await;
        let r = get(&f.router, &path, &cookie).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}");
        assert!(!r.body.contains("10\u{202f}020"), "{user}");
    }
    assert_eq!(
        get(&f.router, "/mina-sidor", &kim).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_caseworker_investigates_and_decides_with_the_engines_calculation() {
    let f = fixture().await;
    let path = format!("/ansokan/{}", f.application);
    let kim = session(&f.router, "kim").await;
    let page = get(&f.router, &path, &kim).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Uppgifter i ansökan") && page.body.contains("10\u{202f}020 kr"));
    assert!(page.body.contains("Påbörja utredning") && !page.body.contains("name=\"outcome\""));
    let csrf = page.hidden("csrf_token");
    let version = page.hidden("version");

    // Without the CSRF token nothing moves.
    let r = post(
        &f.router,
        &format!("{path}/utred"),
        &kim,
        &format!("csrf_token=x&version={version}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post(
        &f.router,
        &format!("{path}/utred"),
        &kim,
        &format!("csrf_token={csrf}&version={version}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    let page = get(&f.router, &path, &kim).await;
    assert!(
        page.body.contains("name=\"outcome\""),
        "the decision form is shown under investigation"
    );
    let version = page.hidden("version");
    let before = decisions(&f.store).await;
    // Bad input: a message next to the field, and nothing stored.
    for (form, field_message) in [
        ("outcome=delvis_bifall&granted=&reasons=x", "ange beviljat belopp"),
        (
            "outcome=delvis_bifall&granted=20000&reasons=x",
            "mindre än beräknade",
        ),
        ("outcome=delvis_bifall&granted=tio&reasons=x", "hela kronor"),
        ("outcome=avslag&granted=&reasons=", "motivera"),
        ("outcome=&granted=&reasons=", "välj bifall"),
    ] {
        let body = format!("csrf_token={csrf}&version={version}&{form}");
        let r = post(&f.router, &format!("{path}/beslut"), &kim, &body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{form}");
        assert!(
            r.body.contains(field_message) && r.body.contains("error-summary"),
            "{form}: {}",
            r.body
        );
        assert_eq!(decisions(&f.store).await, before, "{form}");
    }
    // A stale version (someone else acted since) is refused without overwriting.
    let stale = format!("csrf_token={csrf}&version=0&outcome=bifall&granted=&reasons=");
    let r = post(&f.router, &format!("{path}/beslut"), &kim, &stale).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(decisions(&f.store).await, before);

    let ok = format!(
        "csrf_token={csrf}&version={version}&outcome=delvis_bifall&granted=9000&reasons=Hyran+över+riktvärdet"
    );
    let r = post(&f.router, &format!("{path}/beslut"), &kim, &ok).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r
        .headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(decisions(&f.store).await, before + 1);
    let d = get(&f.router, &location, &kim).await;
    assert!(
        d.body.contains("Delvis bifall")
            && d.body.contains("9\u{202f}000 kr")
            && d.body.contains("Hyran över riktvärdet")
    );

    // Deciding again with the old version is a conflict, not a second decision.
    let r = post(&f.router, &format!("{path}/beslut"), &kim, &ok).await;
    assert_ne!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(decisions(&f.store).await, before + 1);

    for user in ["lo", "pol", "ann"] {
        let cookie = session(&f.router, user).await;
        assert_eq!(
            get(&f.router, &path, &cookie).await.status,
            StatusCode::FORBIDDEN,
            "{user}"
        );
    }
}
