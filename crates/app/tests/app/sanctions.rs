//! Sanction proposals under 12 kap. 5 § SoL and the activity requirement through the application core (issue #13):
//! every path of a proposal (propose, duplicate, decide by reduction, refusal or dismissal, decide twice, wrong role,
//! another unit, a coach without the person), each with its audit record, and the requirement's flag.
//!
//! The town: one adult (Alva Ek) in unit Nord, decisions granted for December 2025 - February 2026, the March
//! application under investigation; an open plan followed by coach Jo with SFI (20 h a week) and a week of
//! 2026-03-02 recorded with 8 hours' unexcused absence; the clock at 2026-03-10.

use std::collections::BTreeSet;
use std::sync::Arc;

use app::access::Denied;
use app::deciding::{DecisionForm, Reduction, Verdict};
use app::sanctions::{Proposal, SanctionChoice};
use app::{Actor, App, AppError, FixedClock};
use domain::decision::{DecisionItem, NewDecision, Outcome, Purpose};
use domain::progression::{RequirementKind, SanctionOutcome};
use domain::role::Role;
use domain::{ActivityId, ApplicationId, PersonId, ProtectedIdentity, SanctionId, StaffId, UnitId};
use jiff::civil::date;
use norm::{Money, Month};
use store::{Intake, MonthDecision, NewPerson, SqlStore, Store};

fn kr(n: i64) -> Money {
    Money::from_kronor(n).unwrap()
}

fn actor(id: i64, role: Role, unit: UnitId, staff: Option<StaffId>) -> Actor {
    Actor {
        account_id: id,
        username: format!("u{id}"),
        display_name: format!("U {id}"),
        role,
        staff,
        person: None,
        units: BTreeSet::from([unit]),
        protected_grants: BTreeSet::new(),
    }
}

async fn n(s: &SqlStore, sql: &str) -> i64 {
    let row = sqlx::query(sql).fetch_one(s.pool()).await.unwrap();
    sqlx::Row::try_get::<i64, _>(&row, 0).unwrap()
}

async fn exec(s: &SqlStore, sql: &str) {
    sqlx::query(sql).execute(s.pool()).await.unwrap();
}

/// Audit records of `action` about `person`.
async fn audited(s: &SqlStore, action: &str, person: PersonId) -> i64 {
    n(
        s,
        &format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND subject_person = {}",
            person.get()
        ),
    )
    .await
}

struct Town {
    app: App,
    store: SqlStore,
    north: UnitId,
    south: UnitId,
    person: PersonId,
    /// Coach Jo, who follows Alva's plan (from unit Syd), and coach Bo of unit Syd, who does not.
    jo: Actor,
    bo: Actor,
    kim: Actor,
    /// The March application under investigation, and its version.
    march: ApplicationId,
    version: i64,
    sfi: ActivityId,
    /// A second activity of the plan, without attendance.
    practice: ActivityId,
}

fn month_decision(household: domain::HouseholdId, month: &str) -> (Month, MonthDecision) {
    let m: Month = month.parse().unwrap();
    let item = DecisionItem {
        purpose: Purpose::Forsorjningsstod,
        what: format!("Försörjningsstöd {m}"),
        outcome: Outcome::Bifall,
        applied: kr(5_000),
        granted: kr(5_000),
        reasons: "Beräknat enligt riksnormen".into(),
        legal_basis: "SoL 12:1".into(),
    };
    (
        m,
        MonthDecision {
            household,
            received_on: date(2026, 3, 1),
            decision: NewDecision {
                items: vec![item],
                calculation: None,
                replaces: None,
                deductions: Money::ZERO,
            },
        },
    )
}

async fn town() -> Town {
    let path = std::env::temp_dir().join(format!("stegvis-app-{}.db", uuid::Uuid::new_v4().simple()));
    let s = SqlStore::connect(&format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .unwrap();
    let a = store::system_actor("test", "setup", "2026-03-02T08:00:00Z".parse().unwrap());
    let north = s.create_unit(&a, "Nord").await.unwrap();
    let south = s.create_unit(&a, "Syd").await.unwrap();
    let jo_staff = s
        .create_staff(&a, north, "Jo Coach", Role::JobCoach)
        .await
        .unwrap();
    let bo_staff = s
        .create_staff(&a, north, "Bo Coach", Role::JobCoach)
        .await
        .unwrap();
    let kim_staff = s
        .create_staff(&a, north, "Kim Berg", Role::Caseworker)
        .await
        .unwrap();
    let person = s
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
        .register_household(
            &a,
            north,
            &[(person, norm::contract::Role::Adult)],
            date(2025, 1, 1),
        )
        .await
        .unwrap();
    for month in ["2025-12", "2026-01", "2026-02"] {
        let (m, d) = month_decision(h, month);
        s.decide_month(&a, m, &[d]).await.unwrap();
    }
    let march = s
        .receive_application(&a, h, Month::new(2026, 3).unwrap(), date(2026, 3, 2))
        .await
        .unwrap();
    let declared: norm::contract::CalcRequest = serde_json::from_str(&format!(
        r#"{{"month": "2026-03", "members": [{{"id": "P{person}", "role": "adult", "age": 45}}],
            "costs": {{"rent": 5200, "electricity": 300}}, "incomes": [{{"kind": "housing_allowance", "amount": 700}}]}}"#
    ))
    .unwrap();
    s.attach_request(&a, march.id, &declared).await.unwrap();
    let march = s.start_investigation(&a, march.id, march.version).await.unwrap();
    exec(
        &s,
        &format!(
            "INSERT INTO plans (id, person_id, household_id, goal, made_on, job_coach_id, created_by, created_at) \
             VALUES (1, {person}, {h}, 'Arbete inom ett år', '2026-01-10', {jo_staff}, 'staff:{jo_staff}', 0)"
        ),
    )
    .await;
    exec(
        &s,
        "INSERT INTO activities (id, plan_id, kind, provider, starts_on, ends_on, hours_per_week, created_by, created_at) \
         VALUES (1, 1, 'sfi', 'Komvux Nord', '2026-01-12', NULL, 20, 'staff:1', 0), \
         (2, 1, 'work_practice', 'Verkstaden', '2026-04-01', NULL, 20, 'staff:1', 0)",
    )
    .await;
    exec(
        &s,
        "INSERT INTO attendance (activity_id, week_start, hours_attended, hours_absent, absence, recorded_by, recorded_at) \
         VALUES (1, '2026-03-02', 12, 8, 'unexcused', 'staff:1', 0), (1, '2026-02-23', 16, 4, 'sick', 'staff:1', 0)",
    )
    .await;
    let clock = Arc::new(FixedClock::new("2026-03-10T09:00:00Z".parse().unwrap()));
    let app = App::new(s.clone(), clock, policy());
    Town {
        app,
        store: s,
        north,
        south,
        person,
        jo: actor(1, Role::JobCoach, south, Some(jo_staff)),
        bo: actor(2, Role::JobCoach, south, Some(bo_staff)),
        kim: actor(3, Role::Caseworker, north, Some(kim_staff)),
        march: march.id,
        version: march.version,
        sfi: ActivityId(1),
        practice: ActivityId(2),
    }
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

fn week(t: &Town) -> Proposal {
    Proposal {
        person: t.person,
        activity: t.sfi,
        week: Some(date(2026, 3, 2)),
        reason: "Uteblev tre dagar utan att höra av sig.".into(),
    }
}

async fn proposals(s: &SqlStore) -> i64 {
    n(s, "SELECT COUNT(*) FROM sanction_proposals").await
}

#[tokio::test]
async fn a_coach_proposes_from_an_unexcused_week_once_and_the_record_says_so() {
    let t = town().await;
    let id = t.app.propose_sanction(&t.jo, &week(&t)).await.unwrap();
    assert_eq!(proposals(&t.store).await, 1);
    assert_eq!(audited(&t.store, "sanction.propose", t.person).await, 1);
    let view = t.app.sanction(&t.kim, id).await.unwrap();
    assert_eq!(view.ground, domain::progression::SanctionGround::UnexcusedAbsence);
    assert_eq!(view.hours_absent, Some(8));
    assert_eq!(view.proposed_by_name.as_deref(), Some("Jo Coach"));
    // The free text never enters the audit detail.
    assert_eq!(
        n(
            &t.store,
            "SELECT COUNT(*) FROM audit_log WHERE detail_json LIKE '%Uteblev%'"
        )
        .await,
        0
    );

    // The same activity and week again: a conflict, nothing more stored or recorded.
    let again = t.app.propose_sanction(&t.kim, &week(&t)).await;
    assert!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");
    assert_eq!(proposals(&t.store).await, 1);
    assert_eq!(audited(&t.store, "sanction.propose", t.person).await, 1);

    // A refusal of the activity as a whole (no week): one open at a time.
    let refusal = Proposal {
        activity: t.practice,
        week: None,
        ..week(&t)
    };
    let r = t.app.propose_sanction(&t.jo, &refusal).await.unwrap();
    assert_eq!(
        t.app.sanction(&t.kim, r).await.unwrap().ground,
        domain::progression::SanctionGround::Refusal
    );
    assert!(matches!(
        t.app.propose_sanction(&t.jo, &refusal).await,
        Err(AppError::Conflict(_))
    ));
    assert_eq!(proposals(&t.store).await, 2);
}

#[tokio::test]
async fn bad_proposals_are_refused_on_their_field_and_store_nothing() {
    let t = town().await;
    let sick = Proposal {
        week: Some(date(2026, 2, 23)),
        ..week(&t)
    };
    let no_reason = Proposal {
        reason: "  ".into(),
        ..week(&t)
    };
    let tuesday = Proposal {
        week: Some(date(2026, 3, 3)),
        ..week(&t)
    };
    let unrecorded = Proposal {
        week: Some(date(2026, 3, 9)),
        ..week(&t)
    };
    for (p, field) in [
        (sick, "vecka"),
        (no_reason, "skal"),
        (tuesday, "vecka"),
        (unrecorded, "vecka"),
    ] {
        match t.app.propose_sanction(&t.jo, &p).await {
            Err(AppError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert_eq!(proposals(&t.store).await, 0);
    assert_eq!(audited(&t.store, "sanction.propose", t.person).await, 0);
}

#[tokio::test]
async fn only_those_who_may_propose_do_and_refusals_are_recorded() {
    let t = town().await;
    let denied_before = n(
        &t.store,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied'",
    )
    .await;
    // A coach of another unit who does not follow the person's plan.
    assert!(matches!(
        t.app.propose_sanction(&t.bo, &week(&t)).await,
        Err(AppError::Denied(Denied::Unit))
    ));
    // A caseworker of another unit.
    let lo = actor(4, Role::Caseworker, t.south, None);
    assert!(matches!(
        t.app.propose_sanction(&lo, &week(&t)).await,
        Err(AppError::Denied(Denied::Unit))
    ));
    // Roles without EditPlan.
    for role in [Role::UnitManager, Role::BoardMember, Role::Auditor] {
        assert!(matches!(
            t.app
                .propose_sanction(&actor(5, role, t.north, None), &week(&t))
                .await,
            Err(AppError::Denied(_))
        ));
    }
    assert_eq!(proposals(&t.store).await, 0);
    let denied = n(
        &t.store,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied'",
    )
    .await;
    assert_eq!(denied - denied_before, 5);
    // A coach of the household's unit may propose without following the plan (as for the other ladder work), and
    // so may a caseworker of the unit.
    let unit_coach = actor(7, Role::JobCoach, t.north, None);
    t.app.propose_sanction(&unit_coach, &week(&t)).await.unwrap();
    assert_eq!(proposals(&t.store).await, 1);
}

fn decision_form(amount: i64, reasons: &str, outcome: SanctionOutcome, ids: Vec<SanctionId>) -> DecisionForm {
    DecisionForm {
        verdict: Verdict::AsCalculated,
        reasons: String::new(),
        extra: Vec::new(),
        reduction: Some(Reduction {
            amount: kr(amount),
            reasons: reasons.into(),
        }),
        sanction: Some(SanctionChoice {
            proposals: ids,
            outcome,
        }),
    }
}

#[tokio::test]
async fn a_caseworker_decides_a_reduction_in_the_months_decision_once() {
    let t = town().await;
    let id = t.app.propose_sanction(&t.jo, &week(&t)).await.unwrap();
    let case = t.app.application_case(&t.kim, t.march).await.unwrap();
    assert_eq!(case.open_sanctions.len(), 1);

    // A coach may not decide.
    let refused = t
        .app
        .decide_application(
            &t.jo,
            t.march,
            t.version,
            decision_form(1_000, "Skälet godtas inte.", SanctionOutcome::Reduce, vec![id]),
        )
        .await;
    assert!(matches!(refused, Err(AppError::Denied(_))), "{refused:?}");

    let d = t
        .app
        .decide_application(
            &t.kim,
            t.march,
            t.version,
            decision_form(
                1_000,
                "Du har inte hört av dig och inget godtagbart skäl finns.",
                SanctionOutcome::Reduce,
                vec![id],
            ),
        )
        .await
        .unwrap();
    // Need 5,220 + 5,200 + 300 = 10,720, less the housing allowance 700 and the reduction 1,000: 9,020 kr.
    assert_eq!(d.total_granted, kr(9_020));
    let item = d
        .items
        .iter()
        .find(|i| i.purpose == Purpose::Nedsattning)
        .unwrap();
    assert_eq!(item.applied, kr(1_000));
    assert_eq!(item.legal_basis, "SoL (2025:400) 12 kap. 5 §");
    // The letter's reasons state the ground (who, what, which activity and week) and the caseworker's reasons.
    for text in [
        "Grund enligt 12 kap. 5 § socialtjänstlagen",
        "Alva Ek",
        "frånvaro utan godtagbart skäl",
        "Komvux Nord",
        "vecka 10",
        "8 timmar frånvaro",
        "inget godtagbart skäl finns",
    ] {
        assert!(item.reasons.contains(text), "{text}: {}", item.reasons);
    }
    let view = t.app.sanction(&t.kim, id).await.unwrap();
    assert_eq!(view.outcome, Some(SanctionOutcome::Reduce));
    assert_eq!(view.decision, Some(d.id));
    assert_eq!(
        view.outcome_reason.as_deref(),
        Some("Du har inte hört av dig och inget godtagbart skäl finns.")
    );
    assert_eq!(audited(&t.store, "sanction.decide", t.person).await, 1);

    // Decided once: dismissing it, or carrying it into another decision, is a conflict and changes nothing.
    assert!(matches!(
        t.app.dismiss_sanction(&t.kim, id, "Ändrat mig").await,
        Err(AppError::Conflict(_))
    ));
    assert_eq!(audited(&t.store, "sanction.decide", t.person).await, 1);
    assert_eq!(
        t.app.sanction(&t.kim, id).await.unwrap().outcome,
        Some(SanctionOutcome::Reduce)
    );
}

#[tokio::test]
async fn a_refusal_withholds_the_riksnorm_and_a_stale_proposal_stops_the_whole_decision() {
    let t = town().await;
    let id = t.app.propose_sanction(&t.jo, &week(&t)).await.unwrap();
    // Dismissed meanwhile by a colleague: the decision that would carry it is refused whole.
    t.app
        .dismiss_sanction(&t.kim, id, "Läkarintyg har kommit in.")
        .await
        .unwrap();
    let before = n(&t.store, "SELECT COUNT(*) FROM decisions").await;
    let stale = t
        .app
        .decide_application(
            &t.kim,
            t.march,
            t.version,
            decision_form(0, "Skälet godtas inte.", SanctionOutcome::Refuse, vec![id]),
        )
        .await;
    assert!(matches!(stale, Err(AppError::Conflict(_))), "{stale:?}");
    assert_eq!(n(&t.store, "SELECT COUNT(*) FROM decisions").await, before);

    let refusal = Proposal {
        activity: t.practice,
        week: None,
        reason: "Tackade nej till praktikplatsen.".into(),
        ..week(&t)
    };
    let r = t.app.propose_sanction(&t.jo, &refusal).await.unwrap();
    let d = t
        .app
        .decide_application(
            &t.kim,
            t.march,
            t.version,
            decision_form(
                0,
                "Inget godtagbart skäl att avböja.",
                SanctionOutcome::Refuse,
                vec![r],
            ),
        )
        .await
        .unwrap();
    // The whole riksnorm (3,940 + 1,280 = 5,220) is withheld; rent and electricity less the allowance are paid:
    // 5,200 + 300 − 700 = 4,800 kr.
    let item = d
        .items
        .iter()
        .find(|i| i.purpose == Purpose::Nedsattning)
        .unwrap();
    assert_eq!(item.applied, kr(5_220));
    assert!(item.what.starts_with("Vägran"), "{}", item.what);
    assert_eq!(d.total_granted, kr(4_800));
    assert_eq!(
        t.app.sanction(&t.kim, r).await.unwrap().outcome,
        Some(SanctionOutcome::Refuse)
    );
}

#[tokio::test]
async fn a_caseworker_of_the_unit_dismisses_with_reasons() {
    let t = town().await;
    let id = t.app.propose_sanction(&t.jo, &week(&t)).await.unwrap();
    let lo = actor(4, Role::Caseworker, t.south, None);
    assert!(matches!(
        t.app.dismiss_sanction(&lo, id, "Skäl").await,
        Err(AppError::Denied(Denied::Unit))
    ));
    assert!(matches!(
        t.app.dismiss_sanction(&t.jo, id, "Skäl").await,
        Err(AppError::Denied(Denied::Role))
    ));
    assert!(matches!(
        t.app.dismiss_sanction(&t.kim, id, " ").await,
        Err(AppError::Invalid { field: "skal", .. })
    ));
    assert_eq!(audited(&t.store, "sanction.decide", t.person).await, 0);
    t.app
        .dismiss_sanction(&t.kim, id, "Sjukintyg för veckan.")
        .await
        .unwrap();
    let v = t.app.sanction(&t.kim, id).await.unwrap();
    assert_eq!(v.outcome, Some(SanctionOutcome::Dismiss));
    assert_eq!(v.decision, None);
    assert_eq!(audited(&t.store, "sanction.decide", t.person).await, 1);
    assert!(matches!(
        t.app.dismiss_sanction(&t.kim, id, "Igen").await,
        Err(AppError::Conflict(_))
    ));
}

#[tokio::test]
async fn three_months_on_assistance_and_half_time_flag_the_adult_everywhere() {
    let t = town().await;
    // December, January and February granted; on 2026-03-10 March is undecided: a run of 3 ending in February.
    // Alva's running activities: SFI 20 h (work practice starts in April): 20 < 40, flagged by the guarantee.
    let v = t
        .app
        .household_sanctions(&t.kim, store_household(&t).await)
        .await
        .unwrap();
    assert_eq!(v.consecutive_months, 3);
    assert_eq!(v.adults.len(), 1);
    assert_eq!(v.adults[0].hours, 20);
    assert_eq!(v.adults[0].flagged_by, [RequirementKind::ActivityGuarantee]);
    // The queue marks the household and filters by it; the workload counts one adult.
    let mut req = app::queue::QueueRequest {
        view: app::queue::ViewChoice::All,
        page: 1,
        ..Default::default()
    };
    let page = t.app.queue(&t.kim, &req).await.unwrap();
    assert!(page.page.entries.iter().all(|e| e.requirement_flag));
    req.requirement_only = true;
    assert_eq!(t.app.queue(&t.kim, &req).await.unwrap().total, 1);
    let mia = actor(6, Role::UnitManager, t.north, None);
    assert_eq!(t.app.unit_workload(&mia).await.unwrap().0.requirement_flagged, 1);

    // Full time (the practice moved to start now: 20 + 20 = 40 h): nobody is flagged.
    exec(
        &t.store,
        "UPDATE activities SET starts_on = '2026-03-01' WHERE id = 2",
    )
    .await;
    let v = t
        .app
        .household_sanctions(&t.kim, store_household(&t).await)
        .await
        .unwrap();
    assert_eq!(v.adults[0].hours, 40);
    assert!(v.adults[0].flagged_by.is_empty());
    assert_eq!(t.app.queue(&t.kim, &req).await.unwrap().total, 0);
    assert_eq!(t.app.unit_workload(&mia).await.unwrap().0.requirement_flagged, 0);

    // Back to 20 h, but the rules switched off: nobody is flagged, and the filter lists nothing.
    exec(
        &t.store,
        "UPDATE activities SET starts_on = '2026-04-01' WHERE id = 2",
    )
    .await;
    let off = t
        .app
        .clone()
        .with_requirements(domain::progression::Requirements::configured(false, false));
    assert_eq!(off.queue(&t.kim, &req).await.unwrap().total, 0);
    assert!(
        off.household_sanctions(&t.kim, store_household(&t).await)
            .await
            .unwrap()
            .adults[0]
            .flagged_by
            .is_empty()
    );
    // Two months only (December's decision refused to nothing): not yet.
    exec(
        &t.store,
        "UPDATE decisions SET total_granted = 0 WHERE application_id = \
         (SELECT id FROM applications WHERE month = '2025-12')",
    )
    .await;
    let v = t
        .app
        .household_sanctions(&t.kim, store_household(&t).await)
        .await
        .unwrap();
    assert_eq!(v.consecutive_months, 2);
    assert!(v.adults[0].flagged_by.is_empty());
    assert_eq!(t.app.queue(&t.kim, &req).await.unwrap().total, 0);
}

async fn store_household(t: &Town) -> domain::HouseholdId {
    domain::HouseholdId(n(&t.store, "SELECT id FROM households").await)
}
