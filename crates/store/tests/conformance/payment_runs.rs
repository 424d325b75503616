//! Payment runs: only unpaid decided amounts, created whole or not at all, approved by a second person above the
//! limit.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test code: a failure should panic"
)]

use domain::payment::BatchStatus;
use domain::{Actor, DecisionId, StaffId};
use jiff::civil::date;
use norm::Month;
use store::{MonthDecision, PaymentRuns, SqlStore, Store};

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payment_runs() {
    for db in backends().await {
        a_run_pays_what_is_unpaid_and_needs_a_second_person_above_the_limit(&db.store).await;
        db.finish().await;
    }
}
