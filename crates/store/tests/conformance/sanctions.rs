//! Sanction proposals under 12 kap. 5 § SoL and the activity requirement's SQL, on every backend (issue #13): one
//! proposal per activity and week, decided once (with a decision in its transaction, or dismissed), audited without
//! its free text; the requirement's flag counted as the rule says (3 months granted, under 40 hours).

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure should panic"
)]

use domain::progression::{SanctionGround, SanctionOutcome};
use domain::{ActivityId, SanctionId};
use jiff::civil::date;
use norm::Month;
use store::{MonthDecision, NewSanction, RequirementCheck, Sanctions, Store, StoreError};

use super::support::{actor, backends, count, decision, household};

#[tokio::test]
async fn proposals_are_made_once_decided_once_and_the_requirement_counts_as_defined() {
    for db in backends().await {
        let s = &db.store;
        let a = actor("2026-03-10T09:00:00Z");
        let (unit, p, h) = household(s, &a, date(1981, 4, 4), 41).await;
        // Granted: December, January, February (the test's hand count: a run of 3 ending with the month before).
        for m in ["2025-12", "2026-01", "2026-02"] {
            let month: Month = m.parse().unwrap();
            s.decide_month(
                &a,
                month,
                &[MonthDecision {
                    household: h,
                    received_on: date(2026, 3, 1),
                    decision: decision(&[5_000]),
                }],
            )
            .await
            .unwrap();
        }
        for sql in [
            format!(
                "INSERT INTO plans (id, person_id, household_id, goal, made_on, job_coach_id, created_by, created_at) \
                 VALUES (1, {p}, {h}, 'Arbete', '2026-01-10', NULL, 'system:test', 0)"
            ),
            "INSERT INTO activities (id, plan_id, kind, provider, starts_on, ends_on, hours_per_week, created_by, \
             created_at) VALUES (1, 1, 'sfi', 'Komvux', '2026-01-12', NULL, 25, 'system:test', 0), \
             (2, 1, 'job_search', 'Jobbtorget', '2026-01-12', '2026-02-28', 15, 'system:test', 0)"
                .to_owned(),
            "INSERT INTO attendance (activity_id, week_start, hours_attended, hours_absent, absence, recorded_by, \
             recorded_at) VALUES (1, '2026-03-02', 17, 8, 'unexcused', 'system:test', 0)"
                .to_owned(),
        ] {
            sqlx::query(&sql).execute(s.pool()).await.unwrap();
        }
        let check = RequirementCheck {
            day: date(2026, 3, 10),
            month: Month::new(2026, 3).unwrap(),
            thresholds: vec![(3, 40)],
        };
        // On 2026-03-10 only SFI runs (25 h; job search ended 28 February): 25 < 40, one adult flagged.
        assert_eq!(s.requirement_count(&[unit], &check).await.unwrap(), 1);
        let read = s.household_sanctions(&a, h, date(2026, 3, 10)).await.unwrap();
        assert_eq!(read.adult_hours, [(p, 25)]);
        assert_eq!(read.granted_months.len(), 3);
        // On 2026-02-27 both run: 25 + 15 = 40 h, not flagged.
        let february = RequirementCheck {
            day: date(2026, 2, 27),
            month: Month::new(2026, 2).unwrap(),
            thresholds: vec![(3, 40)],
        };
        // February: a run of 3 ending with February (Dec, Jan, Feb), but 40 hours: nobody.
        assert_eq!(s.requirement_count(&[unit], &february).await.unwrap(), 0);
        // Four months asked for: December - February is only 3.
        let four = RequirementCheck {
            thresholds: vec![(4, 40)],
            ..check.clone()
        };
        assert_eq!(s.requirement_count(&[unit], &four).await.unwrap(), 0);

        let new = NewSanction {
            person: p,
            household: h,
            activity: ActivityId(1),
            week: Some(date(2026, 3, 2)),
            ground: SanctionGround::UnexcusedAbsence,
            reason: "Uteblev".into(),
        };
        let id = s.propose_sanction(&a, &new).await.unwrap();
        let e = s.propose_sanction(&a, &new).await.unwrap_err();
        assert!(matches!(e, StoreError::Duplicate(_)), "{e:?}");
        let refusal = NewSanction {
            activity: ActivityId(2),
            week: None,
            ground: SanctionGround::Refusal,
            ..new.clone()
        };
        let r = s.propose_sanction(&a, &refusal).await.unwrap();
        assert!(matches!(
            s.propose_sanction(&a, &refusal).await.unwrap_err(),
            StoreError::Duplicate(_)
        ));
        assert_eq!(count(s, "SELECT COUNT(*) FROM sanction_proposals").await, 2);
        assert_eq!(
            count(
                s,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'sanction.propose'"
            )
            .await,
            2
        );
        assert_eq!(
            count(
                s,
                "SELECT COUNT(*) FROM audit_log WHERE detail_json LIKE '%Uteblev%'"
            )
            .await,
            0
        );
        let view = s.sanction(&a, id).await.unwrap();
        assert_eq!(
            (view.hours_absent, view.ground),
            (Some(8), SanctionGround::UnexcusedAbsence)
        );

        // Dismissed once; a refusal can be proposed again once the first is decided.
        s.dismiss_sanction(&a, r, "Godtagbart skäl").await.unwrap();
        assert!(matches!(
            s.dismiss_sanction(&a, r, "Igen").await.unwrap_err(),
            StoreError::Conflict(_)
        ));
        s.propose_sanction(&a, &refusal).await.unwrap();

        // Carried into March's decision: decision and proposal in one transaction; a decided one stops it whole.
        let march = s
            .receive_application(&a, h, Month::new(2026, 3).unwrap(), date(2026, 3, 2))
            .await
            .unwrap();
        let march = s.start_investigation(&a, march.id, march.version).await.unwrap();
        let decisions = || count(s, "SELECT COUNT(*) FROM decisions");
        let before = decisions().await;
        let e = s
            .decide_with_sanctions(
                &a,
                march.id,
                march.version,
                decision(&[5_000]),
                &[id, r],
                SanctionOutcome::Reduce,
                "Skäl",
            )
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
        assert_eq!(decisions().await, before);
        let d = s
            .decide_with_sanctions(
                &a,
                march.id,
                march.version,
                decision(&[5_000]),
                &[id],
                SanctionOutcome::Reduce,
                "Skäl",
            )
            .await
            .unwrap();
        let view = s.sanction(&a, id).await.unwrap();
        assert_eq!(view.outcome, Some(SanctionOutcome::Reduce));
        assert_eq!(view.decision, Some(d.id));
        assert_eq!(
            count(
                s,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'sanction.decide'"
            )
            .await,
            2
        );
        let _ = SanctionId(0);
        db.finish().await;
    }
}
