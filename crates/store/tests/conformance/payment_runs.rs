//! Payment runs: only unpaid decided amounts, created whole or not at all, approved by a second person above the
//! limit.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test code: a failure should panic"
)]

use domain::decision::Purpose;
use domain::payment::BatchStatus;
use domain::role::Role;
use domain::{Actor, DecisionId, StaffId};
use jiff::civil::date;
use norm::Month;
use store::{AuditSearch, MonthDecision, PaymentRuns, SqlStore, Store};

use super::support::{actor, backends, counts, decision, household, kr, ts};

async fn a_run_pays_what_is_unpaid_and_needs_a_second_person_above_the_limit(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    let mut month = vec![];
    let mut unit = None;
    for i in 0..3_u16 {
        let (u, _, h) = household(s, &a, date(1975, 3, 8), 400 + i).await;
        unit.get_or_insert(u);
        month.push(MonthDecision {
            household: h,
            received_on: date(2026, 3, 2),
            decision: decision(&[6000]),
        });
    }
    let unit = unit.unwrap();
    // household() makes one unit per household; take the decisions of all three units.
    let ids = s
        .decide_month(&a, Month::new(2026, 3).unwrap(), &month)
        .await
        .unwrap();
    let all_units: Vec<_> = {
        let mut v = vec![];
        for d in &ids {
            let app = s.decision(&a, *d).await.unwrap().application;
            let h = s.application(&a, app).await.unwrap().household;
            v.push(s.household_overview(&a, h, date(2026, 3, 15)).await.unwrap().unit);
        }
        v
    };
    assert_eq!(s.payable_decisions(&[unit]).await.unwrap().len(), 1);
    let payable = s.payable_decisions(&all_units).await.unwrap();
    assert_eq!(payable.len(), 3);

    // Nothing, or an unknown decision: refused, and no batch is left behind.
    let before = counts(s).await;
    assert!(s.create_payment_run(&a, date(2026, 3, 25), &[]).await.is_err());
    let mut bad = payable.clone();
    bad.push(DecisionId(424_242));
    assert!(s.create_payment_run(&a, date(2026, 3, 25), &bad).await.is_err());
    assert_eq!(counts(s).await, before);

    let run = s
        .create_payment_run(&a, date(2026, 3, 25), &payable)
        .await
        .unwrap();
    assert_eq!(run.payments.len(), 3);
    assert!(
        s.payable_decisions(&all_units).await.unwrap().is_empty(),
        "paid decisions are not payable again"
    );

    let summary = s.batch_summary(run.id).await.unwrap();
    assert_eq!(
        (summary.payments, summary.total, summary.status),
        (3, kr(18_000), BatchStatus::Open)
    );
    assert_eq!(summary.created_by.as_deref(), Some("staff:1"));

    // 18,000 kr is above a 10,000 kr limit: the one who prepared may not approve.
    assert!(s.approve_batch(&a, run.id, Some(kr(10_000))).await.is_err());
    assert_eq!(s.batch_summary(run.id).await.unwrap().status, BatchStatus::Open);
    let other = Actor::staff(StaffId(2), "test", ts("2026-03-15T10:00:00Z"));
    s.approve_batch(&other, run.id, Some(kr(10_000))).await.unwrap();
    let summary = s.batch_summary(run.id).await.unwrap();
    assert_eq!(
        (summary.status, summary.approved_by.as_deref()),
        (BatchStatus::Approved, Some("staff:2"))
    );
    assert_eq!(s.batch_summaries(10).await.unwrap()[0].id, run.id);
}

/// The run's page in words: each payment's household with its people and the item's purpose, and the names of who
/// prepared and approved, read with one `batch.read` record that lists the households.
async fn a_run_is_read_with_its_households_people_purposes_and_names(s: &SqlStore) {
    let setup = actor("2026-03-15T09:00:00Z");
    let (unit, person, h) = household(s, &setup, date(1975, 3, 8), 500).await;
    let kim = s
        .create_staff(&setup, unit, "Kim Berg", Role::Caseworker)
        .await
        .unwrap();
    let mia = s
        .create_staff(&setup, unit, "Mia Holm", Role::UnitManager)
        .await
        .unwrap();
    let by_kim = Actor::staff(kim, "test", ts("2026-03-15T10:00:00Z"));
    let ids = s
        .decide_month(
            &setup,
            Month::new(2026, 3).unwrap(),
            &[MonthDecision {
                household: h,
                received_on: date(2026, 3, 2),
                decision: decision(&[6000, 800]),
            }],
        )
        .await
        .unwrap();
    let run = s
        .create_payment_run(&by_kim, date(2026, 3, 25), &ids)
        .await
        .unwrap();
    s.approve_batch(
        &Actor::staff(mia, "test", ts("2026-03-15T11:00:00Z")),
        run.id,
        None,
    )
    .await
    .unwrap();
    let reads_before =
        super::support::count(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'batch.read'").await;
    let lines = s.payment_run_lines(&by_kim, run.id).await.unwrap();
    assert_eq!(lines.lines.len(), 2, "one payment per item");
    for line in &lines.lines {
        assert_eq!((line.household, line.month.as_str()), (h, "2026-03"));
        assert_eq!(line.purpose, Purpose::Forsorjningsstod);
    }
    let people = &lines.people[&h];
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].person.id, person);
    assert_eq!(people[0].person.name, "Test Testsson");
    assert!(people[0].adult && people[0].current && !people[0].person.protected);
    let mut names: Vec<(String, String, Option<Role>)> = lines
        .names
        .iter()
        .map(|n| (n.who.clone(), n.name.clone(), n.role))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            (
                format!("staff:{kim}"),
                "Kim Berg".to_owned(),
                Some(Role::Caseworker)
            ),
            (
                format!("staff:{mia}"),
                "Mia Holm".to_owned(),
                Some(Role::UnitManager)
            ),
        ]
    );
    assert_eq!(
        super::support::count(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'batch.read'").await,
        reads_before + 1
    );
    // The list's names: staff only, whatever else is asked for.
    let listed = s
        .run_people_names(&[format!("staff:{mia}"), format!("person:{}", person.get())])
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, "Mia Holm");
    // The auditor's choice of users: both staff, no applicant.
    let actors = s.log_actors().await.unwrap();
    assert!(actors.iter().any(|a| a.name == "Kim Berg") && actors.iter().any(|a| a.name == "Mia Holm"));
    assert!(!actors.iter().any(|a| a.name == "Test Testsson"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payment_runs() {
    for db in backends().await {
        a_run_pays_what_is_unpaid_and_needs_a_second_person_above_the_limit(&db.store).await;
        a_run_is_read_with_its_households_people_purposes_and_names(&db.store).await;
        db.finish().await;
    }
}
