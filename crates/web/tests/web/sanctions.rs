//! Sanction proposals under 12 kap. 5 § SoL on the web (issue #13): the coach's form (bad input gives a field error
//! and stores nothing; a missing CSRF token is refused), the proposal's page and its dismissal, the household page's
//! section, and the decision form carrying a proposal into the month's decision, whose letter states the ground,
//! the reasons and how to appeal.

use app::domain::{ApplicationId, DecisionId, SanctionId, UnitId};
use web::letter::layout::Block;

use crate::support::*;

async fn count(store: &SqlStore, sql: &str) -> i64 {
    let row = sqlx::query(sql).fetch_one(store.pool()).await.unwrap();
    sqlx::Row::try_get::<i64, _>(&row, 0).unwrap()
}

/// An open plan for the fixture's adult with SFI 20 h a week, and the week of 2026-02-23 with 8 hours' unexcused
/// absence (the fixture's clock is 2026-03-02).
async fn plan(f: &Fixture) {
    for sql in [
        format!(
            "INSERT INTO plans (id, person_id, household_id, goal, made_on, job_coach_id, created_by, created_at) \
             VALUES (1, {}, {}, 'Arbete', '2026-01-10', NULL, 'system:test', 0)",
            f.person, f.household
        ),
        "INSERT INTO activities (id, plan_id, kind, provider, starts_on, ends_on, hours_per_week, created_by, \
         created_at) VALUES (1, 1, 'sfi', 'Komvux Nord', '2026-01-12', NULL, 20, 'system:test', 0)"
            .to_owned(),
        "INSERT INTO attendance (activity_id, week_start, hours_attended, hours_absent, absence, recorded_by, \
         recorded_at) VALUES (1, '2026-02-23', 12, 8, 'unexcused', 'system:test', 0)"
            .to_owned(),
    ] {
        sqlx::query(&sql).execute(f.store.pool()).await.unwrap();
    }
}

fn letter_text(blocks: &[Block]) -> String {
    let mut out = Vec::new();
    for b in blocks {
        match b {
            Block::Heading { text, .. } | Block::Paragraph { text, .. } => out.push(text.clone()),
            Block::List { items } => out.extend(items.iter().cloned()),
            Block::Table(t) => {
                for r in &t.rows {
                    out.extend(r.cells.iter().cloned());
                }
            }
        }
    }
    out.join("\n")
}

#[tokio::test]
async fn a_proposal_is_made_on_its_form_and_bad_input_stores_nothing() {
    let f = fixture().await;
    plan(&f).await;
    let kim = session(&f.router, "kim").await;
    let path = format!("/person/{}/sanktion/ny", f.person);
    let form = get(&f.router, &format!("{path}?aktivitet=1&vecka=2026-02-23"), &kim).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    for text in [
        "Alva Ek",
        "Svenska för invandrare",
        "Komvux Nord",
        "Vecka 9",
        "8 timmar frånvarande",
    ] {
        assert!(form.body.contains(text), "{text}");
    }
    let csrf = form.hidden("csrf_token");
    let proposals = "SELECT COUNT(*) FROM sanction_proposals";

    // No reason: the message next to the field, nothing stored.
    let r = post(
        &f.router,
        &path,
        &kim,
        &format!("csrf_token={csrf}&aktivitet=1&vecka=2026-02-23&skal=+"),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("id=\"skal-error\""), "{}", r.body);
    // A week with nothing recorded: on the week.
    let r = post(
        &f.router,
        &path,
        &kim,
        &format!("csrf_token={csrf}&aktivitet=1&vecka=2026-02-16&skal=Uteblev"),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("ingen närvaro är registrerad"), "{}", r.body);
    // Without the CSRF token: refused.
    let r = post(
        &f.router,
        &path,
        &kim,
        "csrf_token=x&aktivitet=1&vecka=2026-02-23&skal=Uteblev",
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(count(&f.store, proposals).await, 0);

    // Another unit's caseworker and the board member may not even see the form.
    for user in ["lo", "pol"] {
        let cookie = session(&f.router, user).await;
        let r = get(
            &f.router,
            &format!("{path}?aktivitet=1&vecka=2026-02-23"),
            &cookie,
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}");
        assert!(!r.body.contains("Komvux"), "{user}");
    }

    let r = post(
        &f.router,
        &path,
        &kim,
        &format!("csrf_token={csrf}&aktivitet=1&vecka=2026-02-23&skal=Uteblev+utan+att+h%C3%B6ra+av+sig"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(count(&f.store, proposals).await, 1);
    let page = r.headers[header::LOCATION].to_str().unwrap().to_owned();
    // A second for the same week: a conflict on the form.
    let again = post(
        &f.router,
        &path,
        &kim,
        &format!("csrf_token={csrf}&aktivitet=1&vecka=2026-02-23&skal=Igen"),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(count(&f.store, proposals).await, 1);

    // The proposal's page and the household page show it; dismissing needs reasons.
    let shown = get(&f.router, &page, &kim).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains("Uteblev utan att höra av sig") && shown.body.contains("Skriv av förslaget"));
    let household = get(&f.router, &format!("/hushall/{}", f.household), &kim).await;
    assert!(
        household.body.contains("Väntar på handläggarens beslut"),
        "{}",
        household.body
    );
    assert!(household.body.contains("Aktivitetskrav"));
    let r = post(
        &f.router,
        &format!("{page}/avskriv"),
        &kim,
        &format!("csrf_token={csrf}&skal="),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("id=\"skal-error\""));
    let r = post(
        &f.router,
        &format!("{page}/avskriv"),
        &kim,
        "csrf_token=x&skal=Sjuk",
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        count(
            &f.store,
            "SELECT COUNT(*) FROM sanction_proposals WHERE outcome IS NOT NULL"
        )
        .await,
        0
    );
    let r = post(
        &f.router,
        &format!("{page}/avskriv"),
        &kim,
        &format!("csrf_token={csrf}&skal=Sjukintyg+har+kommit+in"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let again = post(
        &f.router,
        &format!("{page}/avskriv"),
        &kim,
        &format!("csrf_token={csrf}&skal=Igen"),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        get(&f.router, &page, &kim)
            .await
            .body
            .contains("Avskrivet utan nedsättning")
    );
}

#[tokio::test]
async fn the_decision_form_carries_a_proposal_and_the_letter_states_ground_reasons_and_appeal() {
    let f = fixture().await;
    plan(&f).await;
    let kim = session(&f.router, "kim").await;
    let path = format!("/person/{}/sanktion/ny", f.person);
    let form = get(&f.router, &format!("{path}?aktivitet=1&vecka=2026-02-23"), &kim).await;
    let csrf = form.hidden("csrf_token");
    let r = post(
        &f.router,
        &path,
        &kim,
        &format!("csrf_token={csrf}&aktivitet=1&vecka=2026-02-23&skal=Uteblev"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let id = count(&f.store, "SELECT id FROM sanction_proposals").await;

    let application = format!("/ansokan/{}", f.application);
    let page = get(&f.router, &application, &kim).await;
    let version = page.hidden("version");
    let r = post(
        &f.router,
        &format!("{application}/utred"),
        &kim,
        &format!("csrf_token={csrf}&version={version}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = get(&f.router, &application, &kim).await;
    assert!(
        page.body.contains(&format!("name=\"sanction_{id}\"")),
        "{}",
        page.body
    );
    let version = page.hidden("version");

    // Checked without saying how: a field error, nothing decided.
    let before = decisions(&f.store).await;
    let r = post(
        &f.router,
        &format!("{application}/beslut"),
        &kim,
        &format!(
            "csrf_token={csrf}&version={version}&outcome=bifall&reasons=&sanction_{id}=1&reduction_amount=1000&reduction_reasons=Inget+sk%C3%A4l"
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("id=\"sanction-error\""), "{}", r.body);
    assert_eq!(decisions(&f.store).await, before);

    let r = post(
        &f.router,
        &format!("{application}/beslut"),
        &kim,
        &format!(
            "csrf_token={csrf}&version={version}&outcome=bifall&reasons=&sanction_{id}=1&sanction_outcome=reduce&reduction_amount=1000&reduction_reasons=Inget+godtagbart+sk%C3%A4l+har+angetts."
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let decision: i64 = r.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .trim_start_matches("/beslut/")
        .parse()
        .unwrap();
    assert_eq!(
        count(
            &f.store,
            &format!("SELECT COUNT(*) FROM sanction_proposals WHERE outcome = 'reduce' AND decision_id = {decision}")
        )
        .await,
        1
    );

    // The letter's content: the item, its ground and reasons, and the appeal instructions for it.
    let unit = count(&f.store, "SELECT unit_id FROM households").await;
    let actor = app::Actor {
        account_id: 1,
        username: "kim".into(),
        display_name: "Kim".into(),
        role: Role::Caseworker,
        staff: None,
        person: None,
        units: [UnitId(unit)].into_iter().collect(),
        protected_grants: Default::default(),
    };
    let app = App::new(f.store.clone(), f.clock.clone(), Config::default().policy());
    let letter = app.decision_letter(&actor, DecisionId(decision)).await.unwrap();
    let text = letter_text(&web::letter::content(
        &letter,
        None,
        "Nämnden",
        web::i18n::Lang::Sv,
    ));
    for expected in [
        "Nedsättning av försörjningsstödet 2026-03",
        "SoL (2025:400) 12 kap. 5 §",
        "Grund enligt 12 kap. 5 § socialtjänstlagen: Alva Ek",
        "Komvux Nord",
        "Inget godtagbart skäl har angetts.",
        "Så överklagar du",
        "inom tre veckor",
        "Beslutet om nedsättning eller vägran enligt 12 kap. 5 § socialtjänstlagen",
        "35 kap. 1 § socialtjänstlagen (2025:400)",
    ] {
        assert!(text.contains(expected), "{expected}:\n{text}");
    }
    // The proposal is decided: the decision form no longer offers it, and it cannot be dismissed.
    assert!(
        !get(&f.router, &application, &kim)
            .await
            .body
            .contains(&format!("sanction_{id}"))
    );
    let dismiss = app.dismiss_sanction(&actor, SanctionId(id), "Ändrat").await;
    assert!(matches!(dismiss, Err(app::AppError::Conflict(_))), "{dismiss:?}");
    let _ = ApplicationId(f.application);
}

#[tokio::test]
async fn the_queue_filters_by_the_activity_requirement_and_the_manager_sees_the_count() {
    let f = fixture().await;
    let kim = session(&f.router, "kim").await;
    // One granted month (February): not three in a row, so nothing is flagged.
    let r = get(&f.router, "/arenden?vy=alla&aktivitetskrav=1", &kim).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Bara hushåll med aktivitetskrav"), "{}", r.body);
    assert!(r.body.contains("(0)"), "{}", r.body);
    let bad = get(&f.router, "/arenden?vy=alla&aktivitetskrav=ja", &kim).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let mia = session(&f.router, "mia").await;
    let home = get(&f.router, "/hem", &mia).await;
    assert!(
        home.body.contains("Aktivitetskrav under heltid (0)"),
        "{}",
        home.body
    );
}
