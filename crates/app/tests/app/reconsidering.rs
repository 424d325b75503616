//! Omprövning and the court through the application core: `Decide` (or `ReadCase` for the appeal's page) within
//! the household's unit, refusals recorded as `access.denied` with nothing changed, changes audited.

use std::collections::BTreeSet;
use std::sync::Arc;

use app::access::Denied;
use app::reconsidering::ReconsiderRequest;
use app::{Actor, App, AppError, FixedClock};
use domain::appeal::{AppealMet, Change, ChangeKind, CourtOutcome};
use domain::decision::{DecisionItem, NewDecision, Outcome};
use domain::role::Role;
use domain::{AppealId, DecisionId, ProtectedIdentity, UnitId};
use jiff::civil::date;
use norm::{Money, Month};
use store::{Judgment, NewPerson, SqlStore, Store};

fn kr(n: i64) -> Money {
    Money::from_kronor(n).unwrap()
}

fn item(outcome: Outcome, granted: i64) -> DecisionItem {
    DecisionItem {
        purpose: Default::default(),
        what: "Försörjningsstöd mars 2026".into(),
        outcome,
        applied: kr(6200),
        granted: kr(granted),
        reasons: "Hyran godtas upp till riktlinjen".into(),
        legal_basis: "SoL 12:1".into(),
    }
}

fn actor(id: i64, role: Role, unit: UnitId) -> Actor {
    Actor {
        account_id: id,
        username: format!("u{id}"),
        display_name: format!("U {id}"),
        role,
        staff: None,
        person: None,
        units: BTreeSet::from([unit]),
        protected_grants: BTreeSet::new(),
    }
}

async fn n(s: &SqlStore, sql: &str) -> i64 {
    let row = sqlx::query(sql).fetch_one(s.pool()).await.unwrap();
    sqlx::Row::try_get::<i64, _>(&row, 0).unwrap()
}

/// A household in unit "Nord" with a decision (5,000 of 6,200 kr), served and appealed in time.
async fn setup() -> (App, SqlStore, UnitId, UnitId, DecisionId, i64, AppealId) {
    let path = std::env::temp_dir().join(format!("stegvis-app-{}.db", uuid::Uuid::new_v4().simple()));
    let s = SqlStore::connect(&format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .unwrap();
    let a = store::system_actor("test", "setup", "2026-03-02T08:00:00Z".parse().unwrap());
    let north = s.create_unit(&a, "Nord").await.unwrap();
    let south = s.create_unit(&a, "Syd").await.unwrap();
    let p = s
        .register_person(
            &a,
            NewPerson::parse(
                "19800517-1239",
                "Alva Ek",
                ProtectedIdentity::None,
                date(2026, 3, 2),
            )
            .unwrap(),
        )
        .await
        .unwrap();
    let h = s
        .register_household(&a, north, &[(p, norm::contract::Role::Adult)], date(2026, 1, 1))
        .await
        .unwrap();
    let app = s
        .receive_application(&a, h, Month::new(2026, 3).unwrap(), date(2026, 3, 2))
        .await
        .unwrap();
    let app = s.start_investigation(&a, app.id, app.version).await.unwrap();
    let d = s
        .decide(
            &a,
            app.id,
            app.version,
            NewDecision {
                deductions: Default::default(),
                items: vec![item(Outcome::DelvisBifall, 5000)],
                calculation: None,
                replaces: None,
            },
        )
        .await
        .unwrap();
    s.serve_decision(&a, d.id, date(2026, 3, 2)).await.unwrap();
    let ap = s.receive_appeal(&a, d.id, date(2026, 3, 5)).await.unwrap();
    let clock = Arc::new(FixedClock::new("2026-03-10T09:00:00Z".parse().unwrap()));
    let app_core = App::new(s.clone(), clock, policy());
    (app_core, s, north, south, d.id, app.version + 1, ap.id)
}

fn policy() -> app::Policy {
    app::Policy {
        throttle: app::auth::Throttle {
            max_failures: 5,
            window: jiff::SignedDuration::from_mins(15),
            max_delay: jiff::SignedDuration::from_mins(15),
        },
        session_idle: jiff::SignedDuration::from_mins(30),
        session_absolute: jiff::SignedDuration::from_hours(12),
        demo_mode: false,
        second_person_above: Money::ZERO,
    }
}

fn request(version: i64, granted: i64, met: Option<(AppealId, AppealMet)>) -> ReconsiderRequest {
    ReconsiderRequest {
        expected_version: version,
        items: vec![item(Outcome::DelvisBifall, granted)],
        change: Change {
            kind: ChangeKind::Reconsideration,
            reasons: "Elkostnaden godtas".into(),
            ground: None,
        },
        appeal: met,
    }
}

#[tokio::test]
async fn only_a_caseworker_of_the_unit_reconsiders_and_records_judgments() {
    let (app, s, north, south, d, v, ap) = setup().await;
    let coach = actor(2, Role::JobCoach, north);
    let other = actor(3, Role::Caseworker, south);
    let kim = actor(1, Role::Caseworker, north);
    let decisions = n(&s, "SELECT COUNT(*) FROM decisions").await;

    // A job coach reads cases but does not decide; a caseworker of another unit reads nothing of it.
    let e = app
        .reconsider(&coach, d, request(v, 5600, Some((ap, AppealMet::Partly))))
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Denied(Denied::Role)), "{e}");
    let e = app
        .reconsider(&other, d, request(v, 5600, Some((ap, AppealMet::Partly))))
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Denied(Denied::Unit)), "{e}");
    assert!(matches!(
        app.reconsideration_case(&coach, d).await,
        Err(AppError::Denied(Denied::Role))
    ));
    assert_eq!(n(&s, "SELECT COUNT(*) FROM decisions").await, decisions);
    assert_eq!(
        n(
            &s,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied'"
        )
        .await,
        3
    );

    // The job coach may read the appeal's page; the read is audited.
    let case = app.appeal_case(&coach, ap).await.unwrap();
    assert_eq!(case.appealed.id, d);
    assert_eq!(
        n(
            &s,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'appeal.read' AND actor = 'account:2'"
        )
        .await,
        1
    );

    // The caseworker's change without saying how it meets the appeal: a field error, nothing written.
    let e = app.reconsider(&kim, d, request(v, 5600, None)).await.unwrap_err();
    assert!(matches!(e, AppError::Invalid { field: "met", .. }), "{e}");
    let (d2, appeal) = app
        .reconsider(&kim, d, request(v, 5600, Some((ap, AppealMet::Partly))))
        .await
        .unwrap();
    assert_eq!(
        (d2.replaces, appeal.unwrap().against_decision),
        (Some(d), Some(d2.id))
    );
    assert_eq!(
        n(
            &s,
            "SELECT COUNT(*) FROM audit_log WHERE actor = 'account:1' \
             AND action IN ('decision.create', 'decision.reconsider', 'appeal.reconsider')"
        )
        .await,
        3
    );

    // Forwarded, then the judgment: refused to the coach and the other unit, dated checks for the caseworker.
    app.forward_appeal(&kim, ap).await.unwrap();
    let judgment = |on| Judgment {
        outcome: CourtOutcome::Bifall,
        judged_on: on,
        reasons: "Hela hyran är skälig".into(),
    };
    for (who, denied) in [(&coach, Denied::Role), (&other, Denied::Unit)] {
        let e = app
            .record_judgment(who, ap, &judgment(date(2026, 3, 10)))
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Denied(d) if d == denied), "{e}");
    }
    // The clock says 2026-03-10: tomorrow is in the future.
    let e = app
        .record_judgment(&kim, ap, &judgment(date(2026, 3, 11)))
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            AppError::Invalid {
                field: "judged_on",
                ..
            }
        ),
        "{e}"
    );
    app.record_judgment(&kim, ap, &judgment(date(2026, 3, 10)))
        .await
        .unwrap();
    let e = app
        .record_judgment(&kim, ap, &judgment(date(2026, 3, 10)))
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Invalid { field: "outcome", .. }), "{e}");
    assert_eq!(
        n(
            &s,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'appeal.judgment'"
        )
        .await,
        1
    );

    // Carrying it out: the coach is refused, the caseworker makes the new decision.
    let e = app
        .carry_out_judgment(
            &coach,
            ap,
            v + 1,
            vec![item(Outcome::Bifall, 6200)],
            "Enligt domen",
        )
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Denied(Denied::Role)), "{e}");
    let (d3, _) = app
        .carry_out_judgment(&kim, ap, v + 1, vec![item(Outcome::Bifall, 6200)], "Enligt domen")
        .await
        .unwrap();
    assert_eq!(d3.replaces, Some(d2.id));
    assert_eq!(
        n(
            &s,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'appeal.carry_out' AND actor = 'account:1'"
        )
        .await,
        1
    );
    assert_eq!(
        n(
            &s,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied'"
        )
        .await,
        6
    );
}
