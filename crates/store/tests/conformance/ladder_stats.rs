//! The ladder's statistics read (issue #13): who is in a range's histories, what each history holds, the unit
//! filter, and one `statistics.read` record per call.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test code: a failure should panic"
)]

use domain::progression::analysis::History;
use domain::progression::{ActivityKind, ExitReason, StepNo};
use domain::{HouseholdId, PersonId, ProtectedIdentity, UnitId};
use jiff::civil::date;
use norm::contract::Role;
use store::{LadderStats, LadderStatsQuery, NewPerson, SqlStore, Store};

use super::support::{actor, backends, count, pnr};

async fn exec(s: &SqlStore, sql: &str) {
    sqlx::query(sql).execute(s.pool()).await.unwrap();
}

async fn adult(s: &SqlStore, unit: UnitId, serial: u16) -> (PersonId, HouseholdId) {
    let a = actor("2026-01-01T09:00:00Z");
    let p = s
        .register_person(
            &a,
            NewPerson {
                pnr: pnr(date(1980, 1, 1), serial),
                name: "Test Testsson".into(),
                protection: ProtectedIdentity::None,
            },
        )
        .await
        .unwrap();
    let h = s
        .register_household(&a, unit, &[(p, Role::Adult)], date(2025, 1, 1))
        .await
        .unwrap();
    (p, h)
}

async fn assess(s: &SqlStore, (p, h): (PersonId, HouseholdId), day: &str, step: u8) {
    exec(
        s,
        &format!(
            "INSERT INTO assessments (person_id, household_id, assessed_on, ladder_version, step, own_step, \
             obstacles, assessed_by, recorded_at) VALUES ({}, {}, '{day}', 1, {step}, NULL, '{{}}', 'staff:1', 0)",
            p.get(),
            h.get()
        ),
    )
    .await;
}

async fn exit(s: &SqlStore, (p, h): (PersonId, HouseholdId), day: &str, reason: &str) {
    exec(
        s,
        &format!(
            "INSERT INTO ladder_exits (person_id, household_id, exited_on, reason, recorded_by, recorded_at) \
             VALUES ({}, {}, '{day}', '{reason}', 'staff:1', 0)",
            p.get(),
            h.get()
        ),
    )
    .await;
}

async fn activity(
    s: &SqlStore,
    plan: i64,
    (p, h): (PersonId, HouseholdId),
    kind: &str,
    from: &str,
    to: &str,
) {
    exec(
        s,
        &format!(
            "INSERT INTO plans (id, person_id, household_id, goal, made_on, job_coach_id, closed_on, created_by, \
             created_at) VALUES ({plan}, {}, {}, 'Arbete', '{from}', NULL, NULL, 'staff:1', 0)",
            p.get(),
            h.get()
        ),
    )
    .await;
    exec(
        s,
        &format!(
            "INSERT INTO activities (plan_id, kind, provider, starts_on, ends_on, hours_per_week, created_by, \
             created_at) VALUES ({plan}, '{kind}', 'Kommunen', '{from}', '{to}', 20, 'staff:1', 0)"
        ),
    )
    .await;
}

fn sorted(mut h: Vec<History>) -> Vec<History> {
    for x in &mut h {
        x.assessments.sort();
    }
    h
}

fn step(n: u8) -> StepNo {
    StepNo::new(n).unwrap()
}

async fn the_statistics_read_returns_the_range_s_histories_and_records_one_read(s: &SqlStore) {
    let a = actor("2026-04-01T09:00:00Z");
    let north = s.create_unit(&a, "Nord").await.unwrap();
    let south = s.create_unit(&a, "Syd").await.unwrap();
    exec(s, "INSERT INTO ladder_versions (id, valid_from, created_by, created_at) VALUES (1, '2025-01-01', 'staff:1', 0)").await;
    for (n, name) in [(1, "Långt ifrån"), (2, "På väg"), (3, "Nära")] {
        exec(
            s,
            &format!(
                "INSERT INTO ladder_steps (version_id, step, name_sv, name_en, description_sv, description_en) \
                 VALUES (1, {n}, '{name}', 'Step {n}', '', '')"
            ),
        )
        .await;
    }
    // p1: on the ladder since November (open when the range starts), sfi December-January.
    let p1 = adult(s, north, 1).await;
    assess(s, p1, "2025-11-10", 1).await;
    assess(s, p1, "2026-02-01", 2).await;
    activity(s, 1, p1, "sfi", "2025-12-01", "2026-01-31").await;
    // p2: a period that ended in September 2025: not in the range, nor is its activity.
    let p2 = adult(s, north, 2).await;
    assess(s, p2, "2025-06-01", 2).await;
    exit(s, p2, "2025-09-01", "work").await;
    activity(s, 2, p2, "job_search", "2025-06-01", "2026-06-30").await;
    // p3: starts in February, exits to studies 1 March, back in May (after the last day observed: not read).
    let p3 = adult(s, south, 3).await;
    assess(s, p3, "2026-02-10", 3).await;
    exit(s, p3, "2026-03-01", "studies").await;
    assess(s, p3, "2026-05-01", 2).await;
    // p4: exits on the range's first day (an exit in the range: re-entry counts it).
    let p4 = adult(s, south, 4).await;
    assess(s, p4, "2025-12-01", 1).await;
    exit(s, p4, "2026-01-01", "moved").await;

    let query = |units: Option<Vec<UnitId>>| LadderStatsQuery {
        report: "stegförflyttning",
        from: date(2026, 1, 1),
        until: date(2026, 3, 31),
        units,
    };
    let all = s.ladder_histories(&a, &query(None)).await.unwrap();
    assert_eq!(
        sorted(all.histories),
        vec![
            History {
                assessments: vec![(date(2025, 11, 10), step(1)), (date(2026, 2, 1), step(2))],
                exits: vec![],
                activities: vec![domain::progression::analysis::ActivitySpan {
                    kind: ActivityKind::Sfi,
                    starts_on: date(2025, 12, 1),
                    ends_on: Some(date(2026, 1, 31)),
                }],
            },
            History {
                assessments: vec![(date(2026, 2, 10), step(3))],
                exits: vec![(date(2026, 3, 1), ExitReason::Studies)],
                activities: vec![],
            },
            History {
                assessments: vec![(date(2025, 12, 1), step(1))],
                exits: vec![(date(2026, 1, 1), ExitReason::Moved)],
                activities: vec![],
            },
        ]
    );
    assert_eq!(all.versions.len(), 1);
    assert_eq!(all.versions[0].ladder.len(), 3);
    assert_eq!(all.versions[0].ladder.steps()[1].name_sv, "På väg");

    let south_only = s.ladder_histories(&a, &query(Some(vec![south]))).await.unwrap();
    assert_eq!(south_only.histories.len(), 2);
    let none = s.ladder_histories(&a, &query(Some(vec![]))).await.unwrap();
    assert!(none.histories.is_empty());

    // One read record per call, naming the report and how many histories, never a person.
    assert_eq!(
        count(
            s,
            "SELECT COUNT(*) FROM readlog.read_log WHERE action = 'statistics.read'"
        )
        .await,
        3
    );
    assert_eq!(
        count(
            s,
            "SELECT COUNT(*) FROM readlog.read_log WHERE action = 'statistics.read' AND subject_person IS NULL \
             AND detail_json LIKE '%\"histories\":3%' AND detail_json LIKE '%stegförflyttning%'"
        )
        .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ladder_statistics_read_on_every_backend() {
    for db in backends().await {
        the_statistics_read_returns_the_range_s_histories_and_records_one_read(&db.store).await;
        db.finish().await;
    }
}
