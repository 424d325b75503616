//! The ladder work's use cases and who may do what (issue #13): a job coach reaches the persons whose open plan they
//! follow, not another coach's; a caseworker their units' households, not another unit's, nor a protected person
//! without a grant; a unit manager reads but does not write; the administrator makes ladder versions; an applicant
//! sees only their own plan. Refusals are recorded as `access.denied`; bad input writes nothing.

use std::collections::BTreeSet;
use std::sync::Arc;

use app::access::Denied;
use app::progression::{NewActivity, NewAssessment, NewAttendance};
use app::{Actor, App, AppError, FixedClock, Policy};
use domain::progression::{ActivityKind, LadderStep, LifeArea, ObstacleLevel};
use domain::role::Role;
use domain::{PersonId, Personnummer, ProtectedIdentity, StaffId, UnitId};
use jiff::SignedDuration;
use jiff::civil::{Date, date};
use norm::contract::Role as MemberRole;
use store::{NewPerson, SqlStore, Store};

fn policy() -> Policy {
    Policy {
        throttle: app::auth::Throttle {
            max_failures: 5,
            window: SignedDuration::from_mins(15),
            max_delay: SignedDuration::from_mins(15),
        },
        session_idle: SignedDuration::from_mins(30),
        session_absolute: SignedDuration::from_hours(12),
        demo_mode: false,
        second_person_above: norm::Money::ZERO,
    }
}

/// A valid personnummer for a birth date and serial (the Luhn check digit computed).
fn pnr(birth: Date, serial: u16) -> Personnummer {
    let s = format!(
        "{:04}{:02}{:02}{serial:03}",
        birth.year(),
        birth.month(),
        birth.day()
    );
    let ten: Vec<u32> = s[2..].chars().map(|c| c.to_digit(10).unwrap()).collect();
    let sum: u32 = ten
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let p = d * if i % 2 == 0 { 2 } else { 1 };
            p / 10 + p % 10
        })
        .sum();
    Personnummer::from_canonical(&format!("{s}{}", (10 - sum % 10) % 10)).unwrap()
}

fn staff(id: StaffId, role: Role, units: &[UnitId]) -> Actor {
    Actor {
        account_id: 1000 + id.get(),
        username: format!("s{id}"),
        display_name: format!("Personal {id}"),
        role,
        staff: Some(id),
        person: None,
        units: units.iter().copied().collect(),
        protected_grants: BTreeSet::new(),
    }
}

fn applicant(person: PersonId) -> Actor {
    Actor {
        account_id: 100 + person.get(),
        username: format!("p{person}"),
        display_name: "Sökande".into(),
        role: Role::Applicant,
        staff: None,
        person: Some(person),
        units: BTreeSet::new(),
        protected_grants: BTreeSet::new(),
    }
}

async fn count(s: &SqlStore, sql: &str) -> i64 {
    let row = sqlx::query(sql).fetch_one(s.pool()).await.unwrap();
    sqlx::Row::try_get::<i64, _>(&row, 0).unwrap()
}

struct Town {
    app: App,
    store: SqlStore,
    path: std::path::PathBuf,
    unit_a: UnitId,
    unit_b: UnitId,
    /// Anna (unit A), Bo (unit B), Cilla (unit A, protected identity).
    anna: PersonId,
    bo: PersonId,
    cilla: PersonId,
    coach1: StaffId,
    coach2: StaffId,
}

async fn town() -> Town {
    let path = std::env::temp_dir().join(format!("stegvis-ladder-{}.db", uuid::Uuid::new_v4().simple()));
    let store = SqlStore::connect(&format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .unwrap();
    let a = store::system_actor("test", "setup", "2026-03-01T08:00:00Z".parse().unwrap());
    let unit_a = store.create_unit(&a, "Team Nord").await.unwrap();
    let unit_b = store.create_unit(&a, "Team Syd").await.unwrap();
    let coach1 = store
        .create_staff(&a, unit_a, "Jonna Jobbcoach", Role::JobCoach)
        .await
        .unwrap();
    let coach2 = store
        .create_staff(&a, unit_a, "Otto Annancoach", Role::JobCoach)
        .await
        .unwrap();
    let mut people = Vec::new();
    for (serial, name, protection, unit) in [
        (11, "Anna Först", ProtectedIdentity::None, unit_a),
        (12, "Bo Söder", ProtectedIdentity::None, unit_b),
        (
            13,
            "Cilla Skyddad",
            ProtectedIdentity::SkyddadFolkbokforing,
            unit_a,
        ),
    ] {
        let p = store
            .register_person(
                &a,
                NewPerson {
                    pnr: pnr(date(1984, 5, 17), serial),
                    name: name.into(),
                    protection,
                },
            )
            .await
            .unwrap();
        store
            .register_household(&a, unit, &[(p, MemberRole::Adult)], date(2026, 1, 1))
            .await
            .unwrap();
        people.push(p);
    }
    let clock = Arc::new(FixedClock::new("2026-03-15T09:00:00Z".parse().unwrap()));
    let app = App::new(store.clone(), clock, policy());
    Town {
        app,
        store,
        path,
        unit_a,
        unit_b,
        anna: people[0],
        bo: people[1],
        cilla: people[2],
        coach1,
        coach2,
    }
}

fn assessment(day: Date, step: u8) -> NewAssessment {
    NewAssessment {
        assessed_on: day,
        step,
        own_step: Some(3),
        obstacles: vec![(LifeArea::Language, ObstacleLevel::Major)],
    }
}

async fn denials(s: &SqlStore) -> i64 {
    count(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied'").await
}

#[tokio::test]
async fn who_may_reach_a_persons_ladder_work() {
    let t = town().await;
    let caseworker_a = staff(StaffId(90), Role::Caseworker, &[t.unit_a]);
    let caseworker_b = staff(StaffId(91), Role::Caseworker, &[t.unit_b]);
    // Job coaches here have no units of their own: they reach a person only by following their plan.
    let coach1 = staff(t.coach1, Role::JobCoach, &[]);
    let coach2 = staff(t.coach2, Role::JobCoach, &[]);
    let manager = staff(StaffId(92), Role::UnitManager, &[t.unit_a]);

    // The caseworker of Anna's unit makes her plan, followed by coach 1, and assesses her.
    let plan = t
        .app
        .create_plan(
            &caseworker_a,
            t.anna,
            "Arbete inom vården",
            date(2026, 3, 1),
            Some(t.coach1),
        )
        .await
        .unwrap();
    t.app
        .record_assessment(&caseworker_a, t.anna, assessment(date(2026, 3, 2), 2))
        .await
        .unwrap();

    // Coach 1 follows the plan: reads the path, adds an activity and records a week.
    let path = t.app.person_path(&coach1, t.anna).await.unwrap();
    assert!(path.can_edit);
    assert_eq!(path.path.open_plan().map(|p| p.id), Some(plan));
    let (_, activity) = t
        .app
        .add_activity(
            &coach1,
            plan,
            NewActivity {
                kind: ActivityKind::Sfi,
                provider: "Komvux".into(),
                starts_on: date(2026, 3, 2),
                ends_on: None,
                hours_per_week: 20,
            },
        )
        .await
        .unwrap();
    t.app
        .record_attendance(
            &coach1,
            activity,
            NewAttendance {
                week_start: date(2026, 3, 2),
                hours_attended: 20,
                hours_absent: 0,
                absence: None,
            },
        )
        .await
        .unwrap();
    let load = t.app.caseload(&coach1, 0).await.unwrap();
    assert_eq!(
        load.persons.iter().map(|p| p.person).collect::<Vec<_>>(),
        [t.anna]
    );

    // Refused, each recorded: the other coach, the other unit's caseworker, the protected person without a grant,
    // a unit manager writing, a caseworker asking for a coach's caseload.
    let before = denials(&t.store).await;
    let refused = |r: Result<_, AppError>| matches!(r, Err(AppError::Denied(_)));
    assert!(matches!(
        t.app.person_path(&coach2, t.anna).await,
        Err(AppError::Denied(Denied::Unit))
    ));
    assert!(refused(
        t.app
            .record_assessment(&coach2, t.anna, assessment(date(2026, 3, 3), 3))
            .await
            .map(|_| ())
    ));
    assert!(matches!(
        t.app.person_path(&caseworker_b, t.anna).await,
        Err(AppError::Denied(Denied::Unit))
    ));
    assert!(matches!(
        t.app.person_path(&caseworker_a, t.cilla).await,
        Err(AppError::Denied(Denied::ProtectedIdentity))
    ));
    assert!(t.app.person_path(&manager, t.anna).await.is_ok());
    assert!(matches!(
        t.app
            .record_exit(
                &manager,
                t.anna,
                date(2026, 3, 10),
                domain::progression::ExitReason::Work
            )
            .await,
        Err(AppError::Denied(Denied::Role))
    ));
    assert!(refused(t.app.caseload(&caseworker_a, 0).await.map(|_| ())));
    assert_eq!(denials(&t.store).await, before + 6);
    // Coach 2 follows nobody: an empty caseload.
    assert!(t.app.caseload(&coach2, 0).await.unwrap().persons.is_empty());
    // Bo's own unit's caseworker reaches him.
    assert!(t.app.person_path(&caseworker_b, t.bo).await.is_ok());

    // The applicant sees their own plan and latest step, never another's path.
    let anna = applicant(t.anna);
    let own = t.app.my_plan(&anna).await.unwrap();
    assert_eq!(
        own.plan.as_ref().map(|p| p.goal.as_str()),
        Some("Arbete inom vården")
    );
    assert_eq!(own.plan.as_ref().map(|p| p.activities.len()), Some(1));
    // Step 2 of the default ladder's six: "Stabiliserar sin situation".
    assert_eq!(
        own.step.as_ref().map(|(n, s, of)| (*n, s.name_sv.as_str(), *of)),
        Some((2, "Stabiliserar sin situation", 6))
    );
    assert!(refused(t.app.person_path(&anna, t.anna).await.map(|_| ())));
    assert!(refused(t.app.person_path(&anna, t.bo).await.map(|_| ())));
    let bo = applicant(t.bo);
    assert!(t.app.my_plan(&bo).await.unwrap().plan.is_none());
    assert!(refused(t.app.my_plan(&coach1).await.map(|_| ())));
    assert_eq!(
        count(
            &t.store,
            "SELECT COUNT(*) FROM readlog.read_log WHERE action = 'progression.own_read'"
        )
        .await,
        2
    );
    let _ = std::fs::remove_file(&t.path);
}

#[tokio::test]
async fn bad_input_writes_nothing_and_only_the_administrator_makes_versions() {
    let t = town().await;
    let caseworker_a = staff(StaffId(90), Role::Caseworker, &[t.unit_a]);
    let admin = Actor {
        role: Role::Administrator,
        staff: None,
        ..staff(StaffId(93), Role::Administrator, &[])
    };
    let writes = "SELECT (SELECT COUNT(*) FROM assessments) + (SELECT COUNT(*) FROM plans) \
                  + (SELECT COUNT(*) FROM ladder_versions) + (SELECT COUNT(*) FROM audit_log)";
    let before = count(&t.store, writes).await;
    // Step 9 is not on the six-step ladder; tomorrow is in the future; a plan without a goal; an unknown coach.
    for r in [
        t.app
            .record_assessment(&caseworker_a, t.anna, assessment(date(2026, 3, 2), 9))
            .await
            .map(|_| ()),
        t.app
            .record_assessment(&caseworker_a, t.anna, assessment(date(2026, 3, 16), 2))
            .await
            .map(|_| ()),
        t.app
            .create_plan(&caseworker_a, t.anna, "  ", date(2026, 3, 1), None)
            .await
            .map(|_| ()),
        t.app
            .create_plan(&caseworker_a, t.anna, "Mål", date(2026, 3, 1), Some(StaffId(777)))
            .await
            .map(|_| ()),
    ] {
        assert!(matches!(r, Err(AppError::Invalid { .. })), "{r:?}");
    }
    assert_eq!(count(&t.store, writes).await, before);

    let steps = |n: usize| {
        (1..=n)
            .map(|i| LadderStep {
                name_sv: format!("Steg {i}"),
                name_en: format!("Step {i}"),
                description_sv: String::new(),
                description_en: String::new(),
            })
            .collect::<Vec<_>>()
    };
    // Not from a day in the past, not two steps, not by a caseworker.
    assert!(matches!(
        t.app
            .create_ladder_version(&admin, date(2026, 3, 1), steps(4))
            .await,
        Err(AppError::Invalid { field: "datum", .. })
    ));
    assert!(matches!(
        t.app
            .create_ladder_version(&admin, date(2026, 4, 1), steps(2))
            .await,
        Err(AppError::Invalid { .. })
    ));
    assert!(matches!(
        t.app
            .create_ladder_version(&caseworker_a, date(2026, 4, 1), steps(4))
            .await,
        Err(AppError::Denied(Denied::Role))
    ));
    t.app
        .create_ladder_version(&admin, date(2026, 4, 1), steps(4))
        .await
        .unwrap();
    let versions = t.app.ladder_versions(&admin).await.unwrap();
    assert_eq!(
        versions.iter().map(|v| v.ladder.len()).collect::<Vec<_>>(),
        [6, 4]
    );
    // An assessment is checked against the version in force on its day: step 6 exists on 2 March (six steps).
    t.app
        .record_assessment(&caseworker_a, t.anna, assessment(date(2026, 3, 2), 6))
        .await
        .unwrap();
    let _ = std::fs::remove_file(&t.path);
}
