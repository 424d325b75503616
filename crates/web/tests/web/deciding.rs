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
        "Riksnormen 2026 (fastställd)",
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

/// Rows in the investigation's record.
async fn corrections(store: &SqlStore) -> i64 {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM application_corrections")
        .fetch_one(store.pool())
        .await
        .unwrap();
    sqlx::Row::try_get(&row, "n").unwrap()
}

fn enc(s: &str) -> String {
    s.replace(' ', "+")
}

#[tokio::test]
async fn a_caseworker_investigates_corrects_a_fact_and_decides_the_whole_decision() {
    // The fixture's application: a single adult, March 2026, rent 5,200, electricity 300, housing allowance 700.
    // Riksnorm 2026: adult_single 3,940 + common_1 1,280 = 5,220; declared need 5,220 + 5,500 − 700 = 10,020.
    let f = fixture().await;
    let path = format!("/ansokan/{}", f.application);
    let kim = session(&f.router, "kim").await;
    let page = get(&f.router, &path, &kim).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Uppgifter") && page.body.contains("10\u{202f}020 kr"));
    assert!(page.body.contains("Påbörja utredning") && !page.body.contains("name=\"outcome\""));
    // Members are named by role, number and age, never by the engine's internal member id.
    assert!(page.body.contains("Vuxen 1, "), "{}", page.body);
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
    assert!(page.body.contains("name=\"outcome\"") && page.body.contains("Fastställ en uppgift"));
    let version = page.hidden("version");

    // Bad corrections: a message next to the field, nothing stored, the version unchanged.
    let rent = "fact=cost%3Arent&member=&income_kind=&source=attachment";
    for (form, message) in [
        (
            "fact=&value=1&reason=x&source=attachment&source_detail=y",
            "välj vilken uppgift",
        ),
        (
            &*format!("{rent}&value=4800&reason=&source_detail=Hyresavi"),
            "ange varför",
        ),
        (
            &*format!("{rent}&value=4800&reason=Avi&source_detail="),
            "vilken bilaga",
        ),
        (
            &*format!("{rent}&value=fyra&reason=Avi&source_detail=Avi"),
            "hela kronor",
        ),
        (
            "fact=lunch&member=&value=ja&reason=x&source=register&source_detail=y",
            "vilken person",
        ),
        (
            "fact=lunch&member=0&value=ja&reason=x&source=register&source_detail=y",
            "vuxen eller barn",
        ),
        (
            "fact=cost%3Arent&member=&value=4800&reason=x&source=&source_detail=y",
            "välj underlag",
        ),
    ] {
        let body = format!("csrf_token={csrf}&version={version}&{form}");
        let r = post(&f.router, &format!("{path}/uppgift"), &kim, &body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{form}");
        assert!(
            r.body.contains(message) && r.body.contains("error-summary"),
            "{form}: {message}"
        );
        assert_eq!(corrections(&f.store).await, 0, "{form}");
    }
    assert_eq!(get(&f.router, &path, &kim).await.hidden("version"), version);

    // The rent established from the attachment: 4,800 instead of the declared 5,200 (typed as people type it).
    let body = format!(
        "csrf_token={csrf}&version={version}&{rent}&value=4+800+kr&reason={}&source_detail={}",
        enc("Hyresavin visar 4 800 kr"),
        enc("Hyresavi mars")
    );
    let r = post(&f.router, &format!("{path}/uppgift"), &kim, &body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(corrections(&f.store).await, 1);
    let page = get(&f.router, &path, &kim).await;
    // 5,220 + 4,800 + 300 − 700 = 9,620; the rent line is marked as changed, the declaration is still shown.
    assert!(page.body.contains("9\u{202f}620 kr"), "{}", page.body);
    assert!(
        page.body.contains("(ändrad)")
            && page.body.contains("5\u{202f}200 kr")
            && page.body.contains("Hyresavin visar 4 800 kr")
    );
    let version = page.hidden("version");

    let before = decisions(&f.store).await;
    for (form, message) in [
        ("outcome=avslag&reasons=", "motivera"),
        ("outcome=&reasons=", "välj utfall"),
        (
            "outcome=bifall&purpose_1=tandvard&applied_1=&granted_1=&item_reasons_1=x",
            "behov 1",
        ),
        (
            "outcome=bifall&purpose_2=boende&applied_2=100&granted_2=100&item_reasons_2=x",
            "livsföring",
        ),
        (
            "outcome=bifall&purpose_1=glasogon&applied_1=100&granted_1=200&item_reasons_1=x",
            "större än sökt",
        ),
        (
            "outcome=bifall&reduction_amount=tio&reduction_reasons=x",
            "hela kronor",
        ),
        (
            "outcome=bifall&reduction_amount=500&reduction_reasons=",
            "motivera nedsättningen",
        ),
        (
            "outcome=bifall&reduction_amount=6000&reduction_reasons=x",
            "högst riksnormen",
        ),
    ] {
        let body = format!("csrf_token={csrf}&version={version}&{form}");
        let r = post(&f.router, &format!("{path}/beslut"), &kim, &body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{form}");
        assert!(
            r.body.contains(message) && r.body.contains("error-summary"),
            "{form}: {message}"
        );
        assert_eq!(decisions(&f.store).await, before, "{form}");
    }
    // A stale version (someone else acted since) is refused without overwriting.
    let stale = format!("csrf_token={csrf}&version=0&outcome=bifall&reasons=");
    let r = post(&f.router, &format!("{path}/beslut"), &kim, &stale).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(decisions(&f.store).await, before);

    let ok = format!(
        "csrf_token={csrf}&version={version}&outcome=bifall&reasons=&purpose_1=tandvard&what_1={}&applied_1=2+500&granted_1=2000&item_reasons_1={}",
        enc("Tandvård enligt kostnadsförslag"),
        enc("Akut behandling godtas")
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
    // Paid: 5,220 + 4,800 + 300 + 2,000 − 700 = 11,620.
    for text in [
        "Delvis bifall",
        "Tandvård enligt kostnadsförslag",
        "Akut behandling godtas",
        "Avgår egna inkomster och tillgångar: 700 kr",
        "11\u{202f}620 kr",
        "Uppgifter som ändrats i utredningen",
        "Hyresavin visar 4 800 kr",
        "SoL (2025:400) 12 kap. 1 §",
    ] {
        assert!(d.body.contains(text), "{text}: {}", d.body);
    }

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
        let r = post(&f.router, &format!("{path}/uppgift"), &cookie, &body).await;
        assert_ne!(r.status, StatusCode::SEE_OTHER, "{user}");
    }
    assert_eq!(corrections(&f.store).await, 1);
}
