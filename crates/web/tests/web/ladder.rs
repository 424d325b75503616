//! The ladder pages (issue #13): the person's path and its forms (a bad value is shown next to its field and stores
//! nothing; a form without the session's CSRF token is refused), the job coach's start page, the administrator's
//! ladder and the applicant's own plan.

use crate::support::*;

async fn rows(store: &SqlStore, table: &str) -> i64 {
    let row = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
        .fetch_one(store.pool())
        .await
        .unwrap();
    sqlx::Row::try_get(&row, "n").unwrap()
}

#[tokio::test]
async fn the_forms_store_good_input_and_show_bad_input_next_to_its_field() {
    let f = fixture().await;
    let kim = session(&f.router, "kim").await;
    let path = format!("/person/{}/steg", f.person);
    // The household page links each adult's path.
    let household = get(&f.router, &format!("/hushall/{}", f.household), &kim).await;
    assert!(
        household.body.contains(&format!("href=\"{path}\"")),
        "{}",
        household.body
    );
    let page = get(&f.router, &path, &kim).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Stegförflyttning") && page.body.contains("Alva Ek"));
    let csrf = page.hidden("csrf_token");
    // Another unit's caseworker is refused.
    let lo = session(&f.router, "lo").await;
    assert_eq!(get(&f.router, &path, &lo).await.status, StatusCode::FORBIDDEN);

    // An assessment: without the CSRF token refused; a bad date shown next to its field; nothing stored.
    let refused = post(
        &f.router,
        &format!("{path}/bedomning"),
        &kim,
        "csrf_token=fel&datum=2026-03-02&steg=2",
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let bad = post(
        &f.router,
        &format!("{path}/bedomning"),
        &kim,
        &format!("csrf_token={csrf}&datum=2-mars&steg=2&hinder_language=major"),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("id=\"bed-datum-error\""), "{}", bad.body);
    assert!(bad.body.contains("Ange ett datum som ÅÅÅÅ-MM-DD"));
    // A step the ladder does not have: the domain's words, next to the step.
    let bad = post(
        &f.router,
        &format!("{path}/bedomning"),
        &kim,
        &format!("csrf_token={csrf}&datum=2026-03-02&steg=9"),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("id=\"bed-steg-error\"") && bad.body.contains("steget finns inte på stegen"));
    assert_eq!(rows(&f.store, "assessments").await, 0);
    let ok = post(
        &f.router,
        &format!("{path}/bedomning"),
        &kim,
        &format!(
            "csrf_token={csrf}&datum=2026-03-02&steg=2&eget_steg=3&hinder_language=major&hinder_debts=some"
        ),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(rows(&f.store, "assessments").await, 1);

    // A plan: an empty goal is refused next to the goal.
    let bad = post(
        &f.router,
        &format!("{path}/planering"),
        &kim,
        &format!("csrf_token={csrf}&mal=+&datum=2026-03-02&jobbcoach="),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("id=\"plan-mal-error\""), "{}", bad.body);
    assert_eq!(rows(&f.store, "plans").await, 0);
    let ok = post(
        &f.router,
        &format!("{path}/planering"),
        &kim,
        &format!("csrf_token={csrf}&mal=Arbete+inom+v%C3%A5rden&datum=2026-03-02&jobbcoach="),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = get(&f.router, &path, &kim).await;
    let plan = page.hidden("planering");

    // An activity: hours that are not a number.
    let bad = post(
        &f.router,
        &format!("{path}/aktivitet"),
        &kim,
        &format!("csrf_token={csrf}&planering={plan}&slag=sfi&anordnare=Komvux&start=2026-02-23&slut=&timmar=m%C3%A5nga"),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("id=\"akt-timmar-error\"") && bad.body.contains("Ange ett heltal"));
    assert_eq!(rows(&f.store, "activities").await, 0);
    let ok = post(
        &f.router,
        &format!("{path}/aktivitet"),
        &kim,
        &format!(
            "csrf_token={csrf}&planering={plan}&slag=sfi&anordnare=Komvux&start=2026-02-23&slut=&timmar=20"
        ),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = get(&f.router, &path, &kim).await;
    let activity = page.hidden("aktivitet");

    // Attendance: a Tuesday is not a week's Monday; an absence needs its reason.
    let bad = post(
        &f.router,
        &format!("{path}/narvaro"),
        &kim,
        &format!("csrf_token={csrf}&aktivitet={activity}&vecka=2026-02-24&narvaro=20&franvaro=0&skal="),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("veckan anges med sin måndag"), "{}", bad.body);
    let bad = post(
        &f.router,
        &format!("{path}/narvaro"),
        &kim,
        &format!("csrf_token={csrf}&aktivitet={activity}&vecka=2026-02-23&narvaro=16&franvaro=4&skal="),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("ange skälet till frånvaron"), "{}", bad.body);
    assert_eq!(rows(&f.store, "attendance").await, 0);
    let ok = post(
        &f.router,
        &format!("{path}/narvaro"),
        &kim,
        &format!(
            "csrf_token={csrf}&aktivitet={activity}&vecka=2026-02-23&narvaro=16&franvaro=4&skal=unexcused"
        ),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(rows(&f.store, "attendance").await, 1);

    // An exit without a reason, a month that is not a month; then both right.
    let bad = post(
        &f.router,
        &format!("{path}/avslut"),
        &kim,
        &format!("csrf_token={csrf}&datum=2026-03-01&skal="),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("id=\"ut-skal-error\""));
    let bad = post(
        &f.router,
        &format!("{path}/hinder"),
        &kim,
        &format!("csrf_token={csrf}&manad=mars&skal=social_reasons"),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("id=\"hind-manad-error\""));
    assert_eq!(
        rows(&f.store, "ladder_exits").await + rows(&f.store, "adult_month_reasons").await,
        0
    );
    for (form, body) in [
        ("avslut", "datum=2026-03-01&skal=work"),
        ("hinder", "manad=2026-03&skal=social_reasons"),
    ] {
        let ok = post(
            &f.router,
            &format!("{path}/{form}"),
            &kim,
            &format!("csrf_token={csrf}&{body}"),
        )
        .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{form}: {}", ok.body);
    }
    // The page shows it all in words, in both languages.
    let page = get(&f.router, &path, &kim).await;
    for words in [
        "Stabiliserar sin situation",
        "Svenska språket: Stort hinder",
        "Arbete inom vården",
        "Komvux",
        "Frånvaro utan godtagbart skäl",
        "Arbete",
        "Sociala skäl",
        "<svg",
    ] {
        assert!(page.body.contains(words), "{words}");
    }
    let english = get(&f.router, &format!("{path}?lang=en"), &kim).await;
    assert!(english.body.contains("Stabilising") && english.body.contains("Steps over time"));

    // The applicant sees their own plan, their step and their attendance.
    let ann = session(&f.router, "ann").await;
    let own = get(&f.router, "/mina-sidor/planering", &ann).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    assert!(own.body.contains("Arbete inom vården") && own.body.contains("Steg 2 av 6"));
    assert_eq!(get(&f.router, &path, &ann).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_coach_starts_on_their_people_and_the_administrator_keeps_the_ladder() {
    let f = fixture().await;
    let jo = session(&f.router, "jo").await;
    let home = get(&f.router, "/hem", &jo).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Mina deltagare"), "{}", home.body);

    let adm = session(&f.router, "adm").await;
    let page = get(&f.router, "/admin/stege", &adm).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Långt från arbetsmarknaden"));
    let csrf = page.hidden("csrf_token");
    // Two steps are too few; nothing is stored.
    let two = "namn_sv_1=A&namn_en_1=A&namn_sv_2=B&namn_en_2=B";
    let bad = post(
        &f.router,
        "/admin/stege",
        &adm,
        &format!("csrf_token={csrf}&giltig_fran=2026-04-01&{two}"),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("id=\"stege-steg-error\""), "{}", bad.body);
    assert_eq!(
        post(
            &f.router,
            "/admin/stege",
            &adm,
            &format!("csrf_token=fel&giltig_fran=2026-04-01&{two}")
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let ok = post(
        &f.router,
        "/admin/stege",
        &adm,
        &format!("csrf_token={csrf}&giltig_fran=2026-04-01&{two}&namn_sv_3=C&namn_en_3=C"),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    // The default was stored as the first version, then the new one.
    assert_eq!(rows(&f.store, "ladder_versions").await, 2);
    let kim = session(&f.router, "kim").await;
    assert_eq!(
        get(&f.router, "/admin/stege", &kim).await.status,
        StatusCode::FORBIDDEN
    );
}
