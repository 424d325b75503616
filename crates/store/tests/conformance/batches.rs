//! A month's payment run: many decisions into one batch, all or nothing, never paid twice.

#![allow(clippy::unwrap_used, reason = "test code: a failure should panic")]

use domain::DecisionId;
use jiff::civil::date;
use norm::Month;
use store::{MonthDecision, SqlStore, Store};

use super::support::{actor, backends, count, counts, decision, household};

async fn many_decisions_enter_a_batch_together_or_not_at_all(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    let mut month = vec![];
    for i in 0..5_u16 {
        let (_, _, h) = household(s, &a, date(1979, 2, 7), 200 + i).await;
        month.push(MonthDecision {
            household: h,
            received_on: date(2026, 3, 2),
            decision: decision(&[5000]),
        });
    }
    let ids = s
        .decide_month(&a, Month::new(2026, 3).unwrap(), &month)
        .await
        .unwrap();

    // One unknown decision spoils the whole run: nothing is added.
    let batch = s.create_payment_batch(&a, date(2026, 3, 25)).await.unwrap();
    let before = counts(s).await;
    let mut with_unknown = ids.clone();
    with_unknown.push(DecisionId(987_654));
    assert!(s.add_many_to_batch(&a, batch, &with_unknown).await.is_err());
    assert_eq!(counts(s).await, before);

    let paid = s.add_many_to_batch(&a, batch, &ids).await.unwrap();
    assert_eq!(paid.len(), 5);
    // Adding the same decisions again creates nothing new.
    let again = s.add_many_to_batch(&a, batch, &ids).await.unwrap();
    assert_eq!(
        again.iter().map(|p| p.id).collect::<Vec<_>>(),
        paid.iter().map(|p| p.id).collect::<Vec<_>>()
    );
    assert_eq!(count(s, "SELECT COUNT(*) FROM payments").await, 5);
    assert_eq!(
        count(s, "SELECT CAST(SUM(amount) AS BIGINT) FROM payments").await,
        5 * 5000 * 100
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches() {
    for db in backends().await {
        many_decisions_enter_a_batch_together_or_not_at_all(&db.store).await;
        db.finish().await;
    }
}
