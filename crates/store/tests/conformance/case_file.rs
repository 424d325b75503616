//! The household's case file, follow-ups (bevakningar), the work queue and the read log: what the caseworker's
//! household page and work queue read, and that every such read is recorded before anything is returned.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test code: a failure should panic"
)]

use domain::appeal::AppealStatus;
use domain::decision::Outcome;
use domain::fact::{FactValue, Validity};
use domain::follow_up::FollowUpReason;
use domain::journal::NoteKind;
use domain::role::Role as StaffRole;
use domain::{Actor, FollowUpId, HouseholdId, ProtectedIdentity};
use jiff::civil::date;
use norm::Month;
use norm::contract::Role;
use store::{
    AccountStore, AuditVerdict, FailPoints, FollowUps, NewPerson, SqlStore, Store, StoreError, Worklists,
};

use super::support::{
    TODAY, actor, backends, backends_with, count, counts, decision, household, is_sqlite, kr, pnr, sqlite,
};

fn month(m: u8) -> Month {
    Month::new(2026, m).unwrap()
}

fn reason(text: &str) -> FollowUpReason {
    FollowUpReason::new(text).unwrap()
}

async fn reads(s: &SqlStore, action: &str) -> i64 {
    count(
        s,
        &format!("SELECT COUNT(*) FROM readlog.read_log WHERE action = '{action}'"),
    )
    .await
}

/// A decided, served and paid March, with an appeal against it.
async fn decided_march(s: &SqlStore, a: &Actor, h: HouseholdId) -> domain::DecisionId {
    let app = s.receive_application(a, h, month(3), TODAY).await.unwrap();
    let app = s.start_investigation(a, app.id, app.version).await.unwrap();
    let d = s.decide(a, app.id, app.version, decision(&[5000])).await.unwrap();
    s.serve_decision(a, d.id, date(2026, 3, 16)).await.unwrap();
    d.id
}

async fn the_case_file_holds_the_household_over_time(s: &SqlStore) {
    let a = actor("2026-03-20T09:00:00Z");
    let (unit, adult, h) = household(s, &a, date(1984, 4, 4), 501).await;
    let staff = s
        .create_staff(&a, unit, "Karin Handläggare", StaffRole::Caseworker)
        .await
        .unwrap();
    let a = Actor::staff(staff, "Karin Handläggare", a.at);
    // A child who lived in the household from February to April.
    let child = s
        .register_person(
            &a,
            NewPerson {
                pnr: pnr(date(2015, 5, 5), 502),
                name: "Ella Testsson".into(),
                protection: ProtectedIdentity::None,
            },
        )
        .await
        .unwrap();
    let period = Validity::new(date(2026, 2, 1), Some(date(2026, 4, 30))).unwrap();
    s.record_fact(
        &a,
        h,
        FactValue::Member {
            person: child,
            role: Role::Child,
        },
        period,
    )
    .await
    .unwrap();
    let d = decided_march(s, &a, h).await;
    let appeal = s.receive_appeal(&a, d, date(2026, 3, 20)).await.unwrap();
    let batch = s.create_payment_batch(&a, date(2026, 3, 25)).await.unwrap();
    s.add_to_batch(&a, batch, d).await.unwrap();
    s.create_claim(&a, h, Some(d), kr(1200), "Felaktigt utbetald hyra")
        .await
        .unwrap();
    let note = s
        .append_journal(&a, child, NoteKind::Note, "Skolan har hört av sig.")
        .await
        .unwrap();
    let later = s
        .create_follow_up(&a, h, date(2026, 6, 1), &reason("Följ upp planen"))
        .await
        .unwrap();
    let sooner = s
        .create_follow_up(&a, h, date(2026, 4, 1), &reason("Intyg går ut"))
        .await
        .unwrap();
    let done = s
        .create_follow_up(&a, h, date(2026, 3, 25), &reason("Kontoutdrag"))
        .await
        .unwrap();
    // Marked done by someone signed in with an account (named by the account's display name).
    let account = s
        .create_account(
            &a,
            store::NewAccount {
                username: "lisa".into(),
                display_name: "Lisa Kontosson".into(),
                role: StaffRole::Caseworker,
                staff: None,
                person: None,
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
                units: vec![unit],
            },
        )
        .await
        .unwrap();
    let by_account = Actor {
        who: domain::Who::Account(account.0),
        ..a.clone()
    };
    s.complete_follow_up(&by_account, done.id).await.unwrap();

    // Sealed, the case file shows only who may read it: the same access facts as the separate lookup, former
    // members included; reading it records nothing.
    let sealed = s.read_case_file(h).await.unwrap();
    assert_eq!(sealed.access(), &s.household_access(h).await.unwrap());
    assert_eq!(sealed.access().persons, [adult, child]);
    assert!(!format!("{sealed:?}").contains("Ella"));
    assert_eq!(reads(s, "household.read").await, 0);
    drop(sealed);

    let changes_before = count(s, "SELECT COUNT(*) FROM audit_log").await;
    let file = s.household_overview(&a, h, date(2026, 3, 20)).await.unwrap();
    assert_eq!(
        (file.id, file.unit, file.unit_name.as_str()),
        (h, unit, "Team Nord")
    );
    // Members over time: both periods, earliest first; both are members in March.
    let periods: Vec<_> = file
        .membership
        .iter()
        .map(|m| (m.person.id, m.role, m.from, m.to))
        .collect();
    assert_eq!(
        periods,
        [
            (adult, Role::Adult, date(2026, 1, 1), None),
            (child, Role::Child, date(2026, 2, 1), Some(date(2026, 4, 30))),
        ]
    );
    assert_eq!(file.members.len(), 2);
    // Month by month: the application, its decision, payment, appeal; the claim.
    assert_eq!(file.applications.len(), 1);
    assert_eq!(file.applications[0].month, month(3));
    assert_eq!(file.decisions.len(), 1);
    assert_eq!(
        (
            file.decisions[0].id,
            file.decisions[0].outcome,
            file.decisions[0].total_granted
        ),
        (d, Some(Outcome::Bifall), kr(5000))
    );
    assert_eq!(file.decisions[0].served_on, Some(date(2026, 3, 16)));
    assert_eq!(file.payments.len(), 1);
    assert_eq!(
        (file.payments[0].decision, file.payments[0].amount),
        (d, kr(5000))
    );
    assert_eq!(file.appeals.len(), 1);
    assert_eq!(
        (file.appeals[0].id, file.appeals[0].status),
        (appeal.id, AppealStatus::InTime)
    );
    assert_eq!(file.claims.len(), 1);
    assert_eq!(file.claims[0].outstanding, kr(1200));
    // The journal of anyone who has been a member; follow-ups open first by due date, then done ones.
    assert_eq!(file.journal.len(), 1);
    assert_eq!((file.journal[0].id, file.journal[0].person), (note, child));
    let order: Vec<FollowUpId> = file.follow_ups.iter().map(|f| f.id).collect();
    assert_eq!(order, [sooner.id, later.id, done.id]);
    assert!(file.follow_ups[2].done.is_some());
    // Who decided and wrote, by name.
    assert_eq!(
        file.names
            .get(&format!("staff:{}", staff.get()))
            .map(String::as_str),
        Some("Karin Handläggare")
    );
    assert_eq!(
        file.names
            .get(&format!("account:{}", account.0))
            .map(String::as_str),
        Some("Lisa Kontosson")
    );
    assert_eq!(file.names.len(), 2);

    // After the child moved out: one current member, both periods and the child's journal still in the file.
    let june = s.household_overview(&a, h, date(2026, 6, 1)).await.unwrap();
    assert_eq!(june.members.len(), 1);
    assert_eq!(june.membership.len(), 2);
    assert_eq!(june.journal.len(), 1);

    // Each read: one record per person shown, in the read log; the change log is untouched by reading.
    assert_eq!(reads(s, "household.read").await, 4);
    assert_eq!(
        count(
            s,
            &format!(
                "SELECT COUNT(*) FROM readlog.read_log WHERE action = 'household.read' AND subject_person = {}",
                child.get()
            )
        )
        .await,
        2
    );
    assert_eq!(count(s, "SELECT COUNT(*) FROM audit_log").await, changes_before);
    assert!(matches!(
        s.verify_read_chain().await.unwrap(),
        AuditVerdict::Intact { records: 4 }
    ));

    // An unknown household is not found, and nothing is recorded as read.
    assert!(matches!(
        s.household_overview(&a, HouseholdId(h.get() + 1000), TODAY).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(reads(s, "household.read").await, 4);
}

async fn a_follow_up_is_done_once(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    let (_, _, h) = household(s, &a, date(1979, 7, 7), 511).await;
    let f = s
        .create_follow_up(&a, h, date(2026, 4, 1), &reason("Hyresavi för april"))
        .await
        .unwrap();
    assert_eq!(
        (f.household, f.due_on, f.done.clone()),
        (h, date(2026, 4, 1), None)
    );
    assert_eq!(s.follow_up_household(f.id).await.unwrap(), h);
    let b = actor("2026-03-16T10:00:00Z");
    let done = s.complete_follow_up(&b, f.id).await.unwrap();
    assert_eq!(done.done, Some(("staff:1".to_owned(), b.at)));

    // Again: a conflict that changes nothing; unknown ids are not found and change nothing.
    let before = counts(s).await;
    assert!(matches!(
        s.complete_follow_up(&b, f.id).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.complete_follow_up(&b, FollowUpId(f.id.get() + 99)).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.create_follow_up(&b, HouseholdId(h.get() + 99), date(2026, 4, 1), &reason("x"))
            .await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.follow_up_household(FollowUpId(f.id.get() + 99)).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(counts(s).await, before);
    assert_eq!(count(s, "SELECT COUNT(*) FROM follow_ups").await, 1);

    // Both changes are audited; the reason (free text) is not in the audit detail.
    let audited = count(
        s,
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('follow_up.create', 'follow_up.done')",
    )
    .await;
    assert_eq!(audited, 2);
    assert_eq!(
        count(
            s,
            "SELECT COUNT(*) FROM audit_log WHERE detail_json LIKE '%Hyresavi%'"
        )
        .await,
        0
    );
}

async fn the_work_queue_lists_applications_follow_ups_and_appeals(s: &SqlStore) {
    let a = actor("2026-03-20T09:00:00Z");
    let (unit, _, h) = household(s, &a, date(1975, 1, 15), 521).await;
    let (other_unit, _, other) = household(s, &a, date(1976, 2, 16), 522).await;
    let d = decided_march(s, &a, h).await;
    let appeal = s.receive_appeal(&a, d, date(2026, 3, 20)).await.unwrap();
    let april = s
        .receive_application(&a, h, month(4), date(2026, 3, 18))
        .await
        .unwrap();
    s.receive_application(&a, other, month(4), date(2026, 3, 17))
        .await
        .unwrap();
    // Written on 1 March for the 10th: overdue by the 20th.
    let early = actor("2026-03-01T09:00:00Z");
    let overdue = s
        .create_follow_up(&early, h, date(2026, 3, 10), &reason("Försenad"))
        .await
        .unwrap();
    let soon = s
        .create_follow_up(&a, h, date(2026, 3, 25), &reason("Snart"))
        .await
        .unwrap();
    s.create_follow_up(&a, h, date(2026, 5, 1), &reason("Långt fram"))
        .await
        .unwrap();
    let done = s
        .create_follow_up(&a, h, date(2026, 3, 22), &reason("Klar"))
        .await
        .unwrap();
    s.complete_follow_up(&a, done.id).await.unwrap();
    s.create_follow_up(&a, other, date(2026, 3, 21), &reason("Annan enhet"))
        .await
        .unwrap();

    let until = date(2026, 4, 3);
    let q = s.work_queue(&a, &[unit], 50, until).await.unwrap();
    let apps: Vec<_> = q.applications.iter().map(|i| (i.application, i.month)).collect();
    assert_eq!(apps, [(april.id, month(4))]);
    assert_eq!(q.applications[0].members.len(), 1);
    assert_eq!(q.applications[0].members[0].1, "Test Testsson");
    let due: Vec<FollowUpId> = q.follow_ups.iter().map(|f| f.follow_up.id).collect();
    assert_eq!(due, [overdue.id, soon.id]);
    assert_eq!(q.appeals.len(), 1);
    assert_eq!(
        (q.appeals[0].appeal.id, q.appeals[0].household, q.appeals[0].month),
        (appeal.id, h, month(3))
    );
    // The listing is one read record naming the households shown.
    assert_eq!(reads(s, "queue.read").await, 1);

    // Both units: the other household's application and follow-up too; the limit applies per section.
    let both = s.work_queue(&a, &[unit, other_unit], 1, until).await.unwrap();
    assert_eq!(both.applications.len(), 1);
    assert_eq!(both.applications[0].household, other);
    assert_eq!(both.follow_ups.len(), 1);
    assert_eq!(both.follow_ups[0].follow_up.id, overdue.id);

    // No units: nothing listed and nothing read.
    let none = s.work_queue(&a, &[], 50, until).await.unwrap();
    assert!(none.applications.is_empty() && none.follow_ups.is_empty() && none.appeals.is_empty());
    assert_eq!(reads(s, "queue.read").await, 2);
}

async fn concurrent_reads_are_all_recorded_in_one_chain(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    let (_, _, h) = household(s, &a, date(1988, 8, 8), 531).await;
    let readers: Vec<_> = (0..24)
        .map(|i| {
            let s = s.clone();
            let who = Actor::staff(domain::StaffId(100 + i), "läsare", a.at);
            tokio::spawn(async move { s.household_overview(&who, h, TODAY).await.map(|f| f.id) })
        })
        .collect();
    for r in readers {
        assert_eq!(r.await.unwrap().unwrap(), h);
    }
    assert_eq!(reads(s, "household.read").await, 24);
    assert_eq!(
        count(s, "SELECT COUNT(DISTINCT actor) FROM readlog.read_log").await,
        24
    );
    assert!(matches!(
        s.verify_read_chain().await.unwrap(),
        AuditVerdict::Intact { records: 24 }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_case_file_holds_the_household_over_time_on_every_backend() {
    for db in backends().await {
        the_case_file_holds_the_household_over_time(&db.store).await;
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follow_up_is_done_once_on_every_backend() {
    for db in backends().await {
        a_follow_up_is_done_once(&db.store).await;
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_work_queue_lists_applications_follow_ups_and_appeals_on_every_backend() {
    for db in backends().await {
        the_work_queue_lists_applications_follow_ups_and_appeals(&db.store).await;
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reads_are_all_recorded_in_one_chain_on_every_backend() {
    for db in backends().await {
        concurrent_reads_are_all_recorded_in_one_chain(&db.store).await;
        db.finish().await;
    }
}

/// A read whose record cannot be committed is not shown: the caller gets an error, not the data.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_that_cannot_be_recorded_is_not_shown() {
    let fail = FailPoints::default();
    for db in backends_with(|| fail.clone()).await {
        let s = &db.store;
        let a = actor("2026-03-15T09:00:00Z");
        let (_, _, h) = household(s, &a, date(1990, 10, 10), 541).await;
        s.household_overview(&a, h, TODAY).await.unwrap();
        fail.arm("read_log.append");
        assert!(matches!(
            s.household_overview(&a, h, TODAY).await,
            Err(StoreError::ReadNotRecorded)
        ));
        assert_eq!(reads(s, "household.read").await, 1);
        // The next read is recorded again, and the chain is whole.
        s.household_overview(&a, h, TODAY).await.unwrap();
        assert_eq!(reads(s, "household.read").await, 2);
        assert!(matches!(
            s.verify_read_chain().await.unwrap(),
            AuditVerdict::Intact { records: 2 }
        ));
        db.finish().await;
    }
}

/// On SQLite the read log is a file beside the database; a database whose read log has gone missing (copied
/// without it) refuses to open rather than start a new, unchained log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_without_its_read_log_refuses_to_open() {
    let db = sqlite(FailPoints::default()).await;
    assert!(is_sqlite(&db.store));
    let url = db.url.clone();
    let log = store::read_log_path(&url).unwrap();
    assert!(std::path::Path::new(&log).exists());
    db.store.close().await;
    std::fs::remove_file(&log).unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{log}{suffix}"));
    }
    assert!(matches!(
        SqlStore::connect(&url).await,
        Err(StoreError::ReadLogMissing)
    ));
    db.finish().await;
}

async fn a_history_is_brought_in_whole_or_not_at_all(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    let (_, p, h) = household(s, &a, date(1983, 3, 3), 551).await;
    let note = |text: &str, person| store::NewNote {
        actor: a.clone(),
        person,
        kind: NoteKind::Note,
        text: text.to_owned(),
    };
    let follow_up = |household| store::NewFollowUp {
        actor: a.clone(),
        household,
        due_on: date(2026, 4, 1),
        reason: reason("Uppföljning av planeringen"),
    };
    let before = counts(s).await;
    // One blank note, or one about an unknown person: nothing is appended.
    assert!(matches!(
        s.append_journal_many(&[note("Planering upprättad", p), note("  ", p)])
            .await,
        Err(StoreError::Domain(_))
    ));
    assert!(matches!(
        s.append_journal_many(&[
            note("Planering upprättad", p),
            note("x", domain::PersonId(p.get() + 50))
        ])
        .await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.create_follow_ups(&[follow_up(h), follow_up(HouseholdId(h.get() + 50))])
            .await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(counts(s).await, before);
    assert_eq!(count(s, "SELECT COUNT(*) FROM follow_ups").await, 0);

    let notes = s
        .append_journal_many(&[note("Planering upprättad", p), note("Avslutat: arbete", p)])
        .await
        .unwrap();
    let ups = s.create_follow_ups(&[follow_up(h), follow_up(h)]).await.unwrap();
    assert_eq!((notes.len(), ups.len()), (2, 2));
    let file = s.household_overview(&a, h, TODAY).await.unwrap();
    assert_eq!(file.journal.len(), 2);
    assert_eq!(file.follow_ups.len(), 2);
    // One audit record per note and per follow-up.
    assert_eq!(
        count(
            s,
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('journal.append', 'follow_up.create')"
        )
        .await,
        4
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_history_is_brought_in_whole_or_not_at_all_on_every_backend() {
    for db in backends().await {
        a_history_is_brought_in_whole_or_not_at_all(&db.store).await;
        db.finish().await;
    }
}

async fn a_sealed_case_file_names_protected_members_like_the_access_lookup(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    let (_, _, h) = household(s, &a, date(1970, 12, 12), 561).await;
    let secret = s
        .register_person(
            &a,
            NewPerson {
                pnr: pnr(date(1972, 2, 2), 562),
                name: "Skyddad Person".into(),
                protection: ProtectedIdentity::SkyddadFolkbokforing,
            },
        )
        .await
        .unwrap();
    // A protected person who lived in the household in January only.
    s.record_fact(
        &a,
        h,
        FactValue::Member {
            person: secret,
            role: Role::Adult,
        },
        Validity::new(date(2026, 1, 1), Some(date(2026, 1, 31))).unwrap(),
    )
    .await
    .unwrap();
    let sealed = s.read_case_file(h).await.unwrap();
    assert_eq!(sealed.access().protected_members, [secret]);
    assert_eq!(sealed.access(), &s.household_access(h).await.unwrap());
    assert!(matches!(
        s.read_case_file(HouseholdId(h.get() + 77)).await,
        Err(StoreError::NotFound { .. })
    ));
    // Opened, it is the same file the one-call read gives, and the read is recorded.
    let opened = s.open_case_file(&a, sealed, TODAY).await.unwrap();
    assert_eq!(opened, s.household_overview(&a, h, TODAY).await.unwrap());
    assert_eq!(reads(s, "household.read").await, 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sealed_case_file_names_protected_members_like_the_access_lookup_on_every_backend() {
    for db in backends().await {
        a_sealed_case_file_names_protected_members_like_the_access_lookup(&db.store).await;
        db.finish().await;
    }
}
