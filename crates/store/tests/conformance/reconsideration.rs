//! Omprövning and the förvaltningsrätt: a change is a new decision replacing the old with its reasons; an appeal met
//! in full lapses, met in part goes on against the new decision; forwarding records the documents; the court's
//! judgment is recorded once, dated between the forwarding and today, and carried out as a new decision; a replacing
//! decision pays only what is due beyond what was already paid.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure should panic"
)]

use domain::appeal::{
    AppealMet, AppealStatus, Change, ChangeKind, CourtOutcome, DisadvantageGround, ForwardedKind,
};
use domain::decision::{DecisionItem, NewDecision, Outcome};
use domain::{Actor, AppealId, DecisionId, DomainError, UnitId};
use jiff::civil::{Date, date};
use norm::Month;
use store::{Judgment, PaymentRuns, Reconsider, Reconsideration, SqlStore, Store, StoreError, Worklists};

use super::support::{actor, backends, count, counts, household, kr};

fn item(outcome: Outcome, applied: i64, granted: i64) -> DecisionItem {
    DecisionItem {
        purpose: Default::default(),
        what: "Försörjningsstöd mars 2026".into(),
        outcome,
        applied: kr(applied),
        granted: kr(granted),
        reasons: "Hyran godtas upp till riktlinjen".into(),
        legal_basis: "SoL 12:1".into(),
    }
}

fn change(reasons: &str) -> Change {
    Change {
        kind: ChangeKind::Reconsideration,
        reasons: reasons.into(),
        ground: None,
    }
}

/// Every table this feature writes, with the rest of the suite's tables: a refused call changes none of them.
async fn all_counts(s: &SqlStore) -> Vec<(String, i64)> {
    let mut c = counts(s).await;
    for t in ["decision_changes", "appeal_documents"] {
        c.push((t.into(), count(s, &format!("SELECT COUNT(*) FROM {t}")).await));
    }
    // The appeals' state, not only their number.
    c.push((
        "appeal state".into(),
        count(
            s,
            "SELECT COUNT(*) FROM appeals WHERE status <> 'in_time' OR against_decision_id IS NOT NULL \
             OR judged_on IS NOT NULL OR new_decision_id IS NOT NULL",
        )
        .await,
    ));
    c
}

/// A household (its own unit) with a decided application for March 2026: one item, delvis bifall of 5,000 of the
/// 6,200 kr applied for. Returns the unit, the decision and the application's version after deciding.
async fn decided(s: &SqlStore, a: &Actor, serial: u16) -> (UnitId, DecisionId, i64) {
    let (unit, _, h) = household(s, a, date(1979, 5, 3), serial).await;
    let app = s
        .receive_application(a, h, Month::new(2026, 3).unwrap(), date(2026, 3, 2))
        .await
        .unwrap();
    let app = s.start_investigation(a, app.id, app.version).await.unwrap();
    let d = s
        .decide(
            a,
            app.id,
            app.version,
            NewDecision {
                deductions: Default::default(),
                items: vec![item(Outcome::DelvisBifall, 6200, 5000)],
                calculation: None,
                replaces: None,
            },
        )
        .await
        .unwrap();
    (unit, d.id, app.version + 1)
}

/// The decision served on 2026-03-02 and appealed in time on 2026-03-10.
async fn appealed(s: &SqlStore, a: &Actor, d: DecisionId) -> AppealId {
    s.serve_decision(a, d, date(2026, 3, 2)).await.unwrap();
    let ap = s.receive_appeal(a, d, date(2026, 3, 10)).await.unwrap();
    assert_eq!(ap.status, AppealStatus::InTime);
    ap.id
}

fn invalid_field(e: StoreError) -> &'static str {
    match e {
        StoreError::Domain(DomainError::Invalid { field, .. }) => field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

async fn actions(s: &SqlStore) -> Vec<String> {
    sqlx::query("SELECT action FROM audit_log ORDER BY seq")
        .fetch_all(s.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| sqlx::Row::try_get::<String, _>(r, "action").unwrap())
        .collect()
}

async fn the_board_reconsiders_its_own_decision(s: &SqlStore) {
    let a = actor("2026-03-20T09:00:00Z");
    let (_, d1, v) = decided(s, &a, 11).await;
    let raise = |granted: i64, outcome: Outcome| Reconsider {
        decision: d1,
        expected_version: v,
        items: vec![item(outcome, 6200, granted)],
        change: change("Hyresavtalet visar att hela hyran är skälig"),
        appeal: None,
    };
    let before = all_counts(s).await;
    // Nothing changed, no reasons, a negative amount, a stale version: refused, nothing written.
    let same = raise(5000, Outcome::DelvisBifall);
    assert_eq!(invalid_field(s.reconsider(&a, &same).await.unwrap_err()), "items");
    let mut no_reasons = raise(6200, Outcome::Bifall);
    no_reasons.change.reasons = "  ".into();
    assert_eq!(
        invalid_field(s.reconsider(&a, &no_reasons).await.unwrap_err()),
        "change_reasons"
    );
    let negative = raise(-100, Outcome::DelvisBifall);
    assert!(matches!(
        s.reconsider(&a, &negative).await,
        Err(StoreError::Domain(DomainError::Amount { .. }))
    ));
    let stale = Reconsider {
        expected_version: v - 1,
        ..raise(6200, Outcome::Bifall)
    };
    assert!(matches!(
        s.reconsider(&a, &stale).await,
        Err(StoreError::Conflict(_))
    ));
    // Lower (5,000 → 4,000) is to the person's disadvantage: only on a ground of FL 39 §, stated.
    let lower = raise(4000, Outcome::DelvisBifall);
    assert_eq!(
        invalid_field(s.reconsider(&a, &lower).await.unwrap_err()),
        "ground"
    );
    assert_eq!(all_counts(s).await, before);

    let (d2, appeal) = s.reconsider(&a, &raise(6200, Outcome::Bifall)).await.unwrap();
    assert!(
        actions(s)
            .await
            .ends_with(&["decision.create".into(), "decision.reconsider".into()])
    );
    assert!(appeal.is_none());
    assert_eq!(d2.replaces, Some(d1));
    // The item keeps its legal basis; 6,200 granted in full.
    assert_eq!(
        (d2.items[0].legal_basis.as_str(), d2.total_granted),
        ("SoL 12:1", kr(6200))
    );
    let c = s.decision(&a, d2.id).await.unwrap().change.unwrap();
    assert_eq!(
        (c.kind, c.replaces, c.appeal, c.ground),
        (ChangeKind::Reconsideration, d1, None, None)
    );
    assert_eq!(c.reasons, "Hyresavtalet visar att hela hyran är skälig");
    // The replaced decision cannot be reconsidered again.
    assert!(matches!(
        s.reconsider(&a, &raise(6100, Outcome::DelvisBifall)).await,
        Err(StoreError::Conflict(_))
    ));

    // Down again, on the ground that the person gave wrong information.
    let mut lower = Reconsider {
        decision: d2.id,
        expected_version: v + 1,
        items: vec![item(Outcome::DelvisBifall, 6200, 4000)],
        change: change("Hyran är 4 000 kr enligt hyresvärden"),
        appeal: None,
    };
    lower.change.ground = Some((DisadvantageGround::WrongInformation, " ".into()));
    assert_eq!(
        invalid_field(s.reconsider(&a, &lower).await.unwrap_err()),
        "ground_statement"
    );
    lower.change.ground = Some((
        DisadvantageGround::WrongInformation,
        "Uppgav 6 200 kr i hyra; hyresvärden uppger 4 000 kr".into(),
    ));
    let (d3, _) = s.reconsider(&a, &lower).await.unwrap();
    let c = s.decision(&a, d3.id).await.unwrap().change.unwrap();
    assert_eq!(c.ground, Some(DisadvantageGround::WrongInformation));
    assert!(c.ground_statement.unwrap().contains("hyresvärden"));
}

async fn an_appeal_met_in_full_lapses_and_in_part_goes_on(s: &SqlStore) {
    let a = actor("2026-03-20T09:00:00Z");
    // In part: 5,000 → 5,600 of the 6,200 asked for.
    let (_, d1, v) = decided(s, &a, 21).await;
    let ap = appealed(s, &a, d1).await;
    let mut partly = Reconsider {
        decision: d1,
        expected_version: v,
        items: vec![item(Outcome::DelvisBifall, 6200, 5600)],
        change: change("Elkostnaden godtas"),
        appeal: None,
    };
    // The decision is appealed: the change must say how it meets the appeal.
    let before = all_counts(s).await;
    assert_eq!(invalid_field(s.reconsider(&a, &partly).await.unwrap_err()), "met");
    assert_eq!(all_counts(s).await, before);
    partly.appeal = Some((ap, AppealMet::Partly));
    let (d2, appeal) = s.reconsider(&a, &partly).await.unwrap();
    let appeal = appeal.unwrap();
    assert_eq!(
        (appeal.status, appeal.against_decision, appeal.target()),
        (AppealStatus::InTime, Some(d2.id), d2.id)
    );
    assert_eq!(
        s.decision(&a, d2.id).await.unwrap().change.unwrap().appeal,
        Some(ap)
    );
    // The appeal is listed on the new decision too, and still waits in the queue to be forwarded.
    use store::Intake;
    assert!(s.appeals_of(d2.id).await.unwrap().iter().any(|x| x.id == ap));
    // Forwarded with the documents: the appealed decision, the one it is now against, the appeal.
    let fwd = s.forward_appeal(&a, ap).await.unwrap();
    assert_eq!(
        (fwd.status, fwd.forwarded_on),
        (AppealStatus::ForwardedToCourt, Some(date(2026, 3, 20)))
    );
    let case = s.appeal_case(&a, ap).await.unwrap();
    let docs: Vec<(ForwardedKind, i64)> = case.documents.iter().map(|d| (d.kind, d.id)).collect();
    assert_eq!(
        docs,
        [
            (ForwardedKind::Decision, d1.get()),
            (ForwardedKind::Decision, d2.id.get()),
            (ForwardedKind::Appeal, ap.get())
        ]
    );
    assert_eq!(case.current_decision.unwrap().id, d2.id);

    // In full: the appeal lapses (FL 45 §) and cannot be forwarded.
    let (_, e1, w) = decided(s, &a, 22).await;
    let ap2 = appealed(s, &a, e1).await;
    let full = Reconsider {
        decision: e1,
        expected_version: w,
        items: vec![item(Outcome::Bifall, 6200, 6200)],
        change: change("Hela hyran godtas"),
        appeal: Some((ap2, AppealMet::Fully)),
    };
    let (e2, appeal) = s.reconsider(&a, &full).await.unwrap();
    let appeal = appeal.unwrap();
    assert_eq!(
        (appeal.status, appeal.new_decision),
        (AppealStatus::Reconsidered, Some(e2.id))
    );
    assert!(matches!(
        s.forward_appeal(&a, ap2).await,
        Err(StoreError::Domain(DomainError::IllegalTransition { .. }))
    ));
    let acts = actions(s).await;
    assert!(acts.ends_with(&[
        "decision.create".into(),
        "decision.reconsider".into(),
        "appeal.reconsider".into()
    ]));
}

async fn forwarded(s: &SqlStore, a: &Actor, serial: u16) -> (UnitId, DecisionId, i64, AppealId) {
    let (unit, d, v) = decided(s, a, serial).await;
    let ap = appealed(s, a, d).await;
    s.forward_appeal(a, ap).await.unwrap();
    (unit, d, v, ap)
}

fn judgment(outcome: CourtOutcome, on: Date) -> Judgment {
    Judgment {
        outcome,
        judged_on: on,
        reasons: "Hela hyran är en skälig kostnad".into(),
    }
}

async fn the_courts_judgment_is_recorded_once_and_carried_out(s: &SqlStore) {
    // Forwarded on 2026-03-20; the judgment is recorded on 2026-05-04.
    let a = actor("2026-03-20T09:00:00Z");
    let (unit, d1, v, ap) = forwarded(s, &a, 31).await;
    let later = actor("2026-05-04T09:00:00Z");
    let before = all_counts(s).await;
    for (bad, field) in [
        (judgment(CourtOutcome::Bifall, date(2026, 3, 19)), "judged_on"),
        (judgment(CourtOutcome::Bifall, date(2026, 5, 5)), "judged_on"),
        (
            Judgment {
                reasons: " ".into(),
                ..judgment(CourtOutcome::Bifall, date(2026, 4, 28))
            },
            "court_reasons",
        ),
        (judgment(CourtOutcome::Andrat, date(2026, 4, 28)), "outcome"),
    ] {
        let e = s.record_judgment(&later, ap, &bad).await.unwrap_err();
        assert_eq!(invalid_field(e), field);
    }
    assert_eq!(all_counts(s).await, before);
    let judged = s
        .record_judgment(&later, ap, &judgment(CourtOutcome::Bifall, date(2026, 3, 20)))
        .await
        .unwrap();
    assert_eq!(
        (judged.status, judged.judged_on),
        (
            AppealStatus::Judged(CourtOutcome::Bifall),
            Some(date(2026, 3, 20))
        )
    );
    // A second judgment on the same appeal is refused and changes nothing.
    let before = all_counts(s).await;
    assert!(matches!(
        s.record_judgment(&later, ap, &judgment(CourtOutcome::Avslag, date(2026, 4, 1)))
            .await,
        Err(StoreError::Domain(DomainError::IllegalTransition { .. }))
    ));
    assert_eq!(all_counts(s).await, before);
    // The queue lists it as a judgment to carry out.
    let queue = s.work_queue(&later, &[unit], 50, date(2026, 5, 4)).await.unwrap();
    assert!(queue.appeals.iter().any(|x| x.appeal.id == ap));

    // Carried out: the court set 6,200 (bifall). Unchanged amounts or a negative one are refused.
    let same = vec![item(Outcome::DelvisBifall, 6200, 5000)];
    assert_eq!(
        invalid_field(
            s.carry_out_judgment(&later, ap, v, same, "Enligt domen")
                .await
                .unwrap_err()
        ),
        "items"
    );
    let negative = vec![item(Outcome::DelvisBifall, 6200, -1)];
    assert!(
        s.carry_out_judgment(&later, ap, v, negative, "Enligt domen")
            .await
            .is_err()
    );
    assert_eq!(all_counts(s).await, before);
    let (d2, appeal) = s
        .carry_out_judgment(
            &later,
            ap,
            v,
            vec![item(Outcome::Bifall, 6200, 6200)],
            "Förvaltningsrätten bifaller överklagandet",
        )
        .await
        .unwrap();
    assert!(
        actions(s)
            .await
            .ends_with(&["decision.create".into(), "appeal.carry_out".into()])
    );
    assert_eq!((d2.replaces, appeal.new_decision), (Some(d1), Some(d2.id)));
    let c = s.decision(&a, d2.id).await.unwrap().change.unwrap();
    assert_eq!(
        (c.kind, c.appeal, c.court),
        (
            ChangeKind::Judgment,
            Some(ap),
            Some((CourtOutcome::Bifall, Some(date(2026, 3, 20))))
        )
    );
    // Once only; and no longer in the queue.
    assert!(matches!(
        s.carry_out_judgment(&later, ap, v + 1, vec![item(Outcome::Bifall, 6200, 6200)], "x")
            .await,
        Err(StoreError::Conflict(_))
    ));
    let queue = s.work_queue(&later, &[unit], 50, date(2026, 5, 4)).await.unwrap();
    assert!(!queue.appeals.iter().any(|x| x.appeal.id == ap));

    // Avslag: the decision stands, nothing to carry out.
    let (_, e1, w, ap2) = forwarded(s, &a, 32).await;
    s.record_judgment(&later, ap2, &judgment(CourtOutcome::Avslag, date(2026, 4, 30)))
        .await
        .unwrap();
    assert!(matches!(
        s.carry_out_judgment(&later, ap2, w, vec![item(Outcome::Bifall, 6200, 6200)], "x")
            .await,
        Err(StoreError::Domain(DomainError::IllegalTransition { .. }))
    ));
    let app = s.decision(&a, e1).await.unwrap().application;
    assert_eq!(s.application(&a, app).await.unwrap().current_decision, Some(e1));

    // Återförvisning: the case goes back to the caseworker, who decides again (the same amounts are allowed).
    let (unit3, f1, x, ap3) = forwarded(s, &a, 33).await;
    s.record_judgment(
        &later,
        ap3,
        &judgment(CourtOutcome::Aterforvisat, date(2026, 4, 30)),
    )
    .await
    .unwrap();
    let queue = s
        .work_queue(&later, &[unit3], 50, date(2026, 5, 4))
        .await
        .unwrap();
    assert!(queue.appeals.iter().any(|q| q.appeal.id == ap3));
    let (f2, _) = s
        .carry_out_judgment(
            &later,
            ap3,
            x,
            vec![item(Outcome::DelvisBifall, 6200, 5000)],
            "Ny utredning av hyran efter återförvisning",
        )
        .await
        .unwrap();
    assert_eq!(f2.replaces, Some(f1));
}

async fn a_replacing_decision_pays_only_what_is_due_beyond_what_was_paid(s: &SqlStore) {
    let a = actor("2026-03-20T09:00:00Z");
    let (unit, d1, v, ap) = forwarded(s, &a, 41).await;
    // 5,000 paid on the appealed decision.
    let run = s
        .create_payment_run(
            &a,
            date(2026, 3, 25),
            &s.payable_decisions(&[unit]).await.unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(run.total_payable().unwrap(), kr(5000));
    s.approve_batch(&a, run.id, None).await.unwrap();
    s.export_batch(&a, run.id).await.unwrap();
    s.confirm_batch_paid(&a, run.id).await.unwrap();
    assert!(s.payable_decisions(&[unit]).await.unwrap().is_empty());
    // The court sets 6,200: the next run pays 6,200 − 5,000 = 1,200, once.
    let later = actor("2026-05-04T09:00:00Z");
    s.record_judgment(&later, ap, &judgment(CourtOutcome::Bifall, date(2026, 4, 28)))
        .await
        .unwrap();
    let (d2, _) = s
        .carry_out_judgment(
            &later,
            ap,
            v + 1,
            vec![item(Outcome::Bifall, 6200, 6200)],
            "Enligt domen",
        )
        .await
        .unwrap();
    assert_eq!(s.payable_decisions(&[unit]).await.unwrap(), [d2.id]);
    let run2 = s
        .create_payment_run(&later, date(2026, 5, 25), &[d2.id])
        .await
        .unwrap();
    assert_eq!(run2.payments.len(), 1);
    assert_eq!(
        (run2.payments[0].decision, run2.payments[0].amount),
        (d2.id, kr(1200))
    );
    s.approve_batch(&later, run2.id, None).await.unwrap();
    s.export_batch(&later, run2.id).await.unwrap();
    s.confirm_batch_paid(&later, run2.id).await.unwrap();
    assert!(s.payable_decisions(&[unit]).await.unwrap().is_empty());
    // Adding it again pays nothing more; the old decision cannot be paid at all.
    let b = s.create_payment_batch(&later, date(2026, 5, 26)).await.unwrap();
    let again = s.add_to_batch(&later, b, d2.id).await.unwrap();
    assert_eq!(again.iter().map(|p| p.amount).collect::<Vec<_>>(), [kr(1200)]);
    assert_eq!(again[0].batch, run2.id, "the existing payment, not a new one");
    assert!(matches!(
        s.add_to_batch(&later, b, d1).await,
        Err(StoreError::Conflict(_))
    ));
    let paid = count(
        s,
        &format!(
            "SELECT CAST(SUM(p.amount) AS BIGINT) FROM payments p JOIN decisions d ON d.id = p.decision_id \
             WHERE d.application_id = (SELECT application_id FROM decisions WHERE id = {})",
            d1.get()
        ),
    )
    .await;
    assert_eq!(paid, kr(6200).ore());

    // A lower amount creates no payment and is not listed for a run (återkrav is a separate step).
    let (unit2, e1, w) = decided(s, &a, 42).await;
    let run = s.create_payment_run(&a, date(2026, 3, 25), &[e1]).await.unwrap();
    s.approve_batch(&a, run.id, None).await.unwrap();
    s.export_batch(&a, run.id).await.unwrap();
    s.confirm_batch_paid(&a, run.id).await.unwrap();
    let mut lower = Reconsider {
        decision: e1,
        expected_version: w + 1,
        items: vec![item(Outcome::DelvisBifall, 6200, 4000)],
        change: change("Hyran är lägre"),
        appeal: None,
    };
    lower.change.ground = Some((
        DisadvantageGround::WrongInformation,
        "Hyresavtalet visar 4 000 kr".into(),
    ));
    let (e2, _) = s.reconsider(&a, &lower).await.unwrap();
    assert!(s.payable_decisions(&[unit2]).await.unwrap().is_empty());
    let b = s.create_payment_batch(&a, date(2026, 3, 26)).await.unwrap();
    assert!(s.add_to_batch(&a, b, e2.id).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconsideration_and_court() {
    for db in backends().await {
        the_board_reconsiders_its_own_decision(&db.store).await;
        an_appeal_met_in_full_lapses_and_in_part_goes_on(&db.store).await;
        the_courts_judgment_is_recorded_once_and_carried_out(&db.store).await;
        a_replacing_decision_pays_only_what_is_due_beyond_what_was_paid(&db.store).await;
        db.finish().await;
    }
}
