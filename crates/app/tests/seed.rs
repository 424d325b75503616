//! The synthetic town stored through the use cases: everything generated is there, consistent, paid once, and
//! covered by an intact audit chain.

#![allow(clippy::unwrap_used, reason = "test code: a failure should panic")]

use jiff::civil::date;
use norm::Month;
use store::{AccountStore, AuditVerdict, SqlStore, Store};

async fn scalar(store: &SqlStore, sql: &str) -> i64 {
    let row = sqlx::query(sql).fetch_one(store.pool()).await.unwrap();
    sqlx::Row::try_get(&row, 0).unwrap()
}

#[tokio::test]
async fn a_small_town_is_stored_completely_and_consistently() {
    let mut config = synth::Config::kristianstad(Month::new(2026, 11).unwrap());
    config.inhabitants = 3_000;
    config.seed = 11;
    let town = synth::generate(&config).unwrap();
    let path = std::env::temp_dir().join(format!("stegvis-seed-{}.db", uuid::Uuid::new_v4().simple()));
    let store = SqlStore::connect(&format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .unwrap();
    let today = date(2026, 11, 23);
    let at = "2026-11-23T08:00:00Z".parse().unwrap();
    // A cheap stand-in for argon2 keeps the test fast; the real hash is tested in `auth`.
    let hash = |_: &str| {
        Ok("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA".to_owned())
    };
    let mut steps = Vec::new();
    let report = app::seed::build(&store, &town, today, at, &hash, &mut |what, done, total| {
        steps.push((what.to_owned(), done, total));
    })
    .await
    .unwrap();

    let current = Month::new(2026, 11).unwrap();
    let past_months: usize = town
        .cases
        .iter()
        .map(|c| c.months.iter().filter(|m| m.month < current).count())
        .sum();
    assert_eq!(report.households, town.cases.len());
    assert_eq!(report.decisions, past_months);
    assert_eq!(
        report.payments, past_months,
        "one payment per decided month, all granted"
    );
    assert_eq!(
        scalar(&store, "SELECT COUNT(*) FROM decisions").await as usize,
        past_months
    );
    assert_eq!(
        scalar(&store, "SELECT COUNT(*) FROM payments").await as usize,
        past_months
    );
    assert_eq!(
        scalar(&store, "SELECT COUNT(*) FROM applications WHERE status = 'paid'").await as usize,
        past_months
    );
    assert_eq!(
        scalar(
            &store,
            "SELECT COUNT(*) FROM applications WHERE status = 'received'"
        )
        .await as usize,
        report.open_applications
    );
    assert!(report.open_applications > 0, "the queue has work");
    // Every decision froze its calculation with the rule table's version.
    assert_eq!(
        scalar(
            &store,
            "SELECT COUNT(*) FROM decisions WHERE rule_table_version IS NULL"
        )
        .await,
        0
    );
    // Payments add up to the engine's figures: the sum of all granted amounts.
    assert_eq!(
        scalar(&store, "SELECT CAST(SUM(amount) AS BIGINT) FROM payments").await,
        scalar(&store, "SELECT CAST(SUM(total_granted) AS BIGINT) FROM decisions").await
    );
    // The casework around the money: a note per plan made (and per exit), a follow-up per ongoing household.
    let plans: usize = town
        .cases
        .iter()
        .flat_map(|c| &c.spells)
        .flat_map(|s| &s.plans)
        .filter(|p| p.created <= today)
        .count();
    assert!(report.journal_notes > 0 && report.journal_notes <= plans + town.cases.len() * 4);
    assert_eq!(
        scalar(&store, "SELECT COUNT(*) FROM journal_notes").await as usize,
        report.journal_notes
    );
    assert!(
        scalar(
            &store,
            "SELECT COUNT(*) FROM journal_notes WHERE body LIKE 'Planering upprättad. Mål: %'"
        )
        .await
            > 0
    );
    assert!(
        scalar(
            &store,
            "SELECT COUNT(*) FROM journal_notes WHERE body LIKE 'Försörjningsstödet avslutas efter %'"
        )
        .await
            > 0
    );
    let ongoing = town
        .cases
        .iter()
        .filter(|c| c.months.last().is_some_and(|m| m.month == current))
        .count();
    assert!(report.follow_ups > 0 && report.follow_ups <= ongoing);
    // Open, due from ten days ago at the earliest, and at most one quarter ahead.
    assert_eq!(
        scalar(
            &store,
            "SELECT COUNT(*) FROM follow_ups WHERE done_at IS NULL AND due_on >= '2026-11-13' AND due_on <= '2027-02-23'"
        )
        .await as usize,
        report.follow_ups
    );
    // Step progression, counted straight from the generated history: a register reason for every adult-month of
    // a month decided or applied for by today, and an exit for every adult of a spell that ended by today.
    let reasons: usize = town
        .cases
        .iter()
        .flat_map(|c| &c.months)
        .filter(|m| m.month < current || m.application_received <= today)
        .map(|m| m.adults.len())
        .sum();
    let exits: usize = town
        .cases
        .iter()
        .flat_map(|c| &c.spells)
        .filter(|s| s.exit.is_some() && s.end.is_some_and(|e| e < current))
        .map(|s| s.plans.len())
        .sum();
    let p = report.progression;
    assert_eq!((p.reasons, p.exits), (reasons, exits));
    assert_eq!(
        scalar(&store, "SELECT COUNT(*) FROM adult_month_reasons").await as usize,
        reasons
    );
    // At least one assessment per adult and period with a stored month; one plan per adult and period.
    assert!(p.assessments >= p.plans / 2 && p.plans > 0 && p.activities > 0 && p.attendance_weeks > 0);
    assert_eq!(scalar(&store, "SELECT COUNT(*) FROM ladder_versions").await, 1);
    // Nobody has two open plans, and the demo coach follows people.
    assert_eq!(
        scalar(&store, "SELECT COUNT(*) FROM (SELECT person_id FROM plans WHERE closed_on IS NULL GROUP BY person_id HAVING COUNT(*) > 1) t").await,
        0
    );
    assert!(
        scalar(
            &store,
            "SELECT COUNT(*) FROM plans p JOIN accounts a ON a.staff_id = p.job_coach_id \
             WHERE a.username = 'coach' AND p.closed_on IS NULL"
        )
        .await
            > 0
    );
    // The demo coach has proposed sanctions for absences without an acceptable reason, and they are open.
    assert_eq!(
        scalar(
            &store,
            "SELECT COUNT(*) FROM sanction_proposals WHERE outcome IS NULL AND week_start IS NOT NULL"
        )
        .await as usize,
        report.sanction_proposals
    );
    assert!(report.sanction_proposals > 0);
    assert_eq!(report.accounts, 12);
    for name in [
        "handlaggare",
        "coach",
        "chef",
        "controller",
        "politiker",
        "revisor",
        "admin",
        "sokande1",
    ] {
        assert!(store.account_by_username(name).await.unwrap().is_some(), "{name}");
    }
    assert!(matches!(
        store.verify_audit_chain().await.unwrap(),
        AuditVerdict::Intact { .. }
    ));
    assert!(
        steps
            .iter()
            .any(|(what, done, total)| what == "månader" && done == total)
    );
    store.close().await;
    for suffix in ["", "-wal", "-shm", "-readlog", "-readlog-wal", "-readlog-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}
