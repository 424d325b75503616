//! The caseworker's queue (issue #12): assignment with its audit record and continuity, and the queue's pages
//! filtered, sorted, searched and paged in SQL, with one read record for what a page returns.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure should panic"
)]

use domain::follow_up::FollowUpReason;
use domain::role::Role as StaffRole;
use domain::{ApplicationId, HouseholdId, PersonId, ProtectedIdentity, StaffId, UnitId};
use jiff::civil::{Date, date};
use norm::Month;
use norm::contract::Role;
use store::{
    AccountStore, FollowUps, NewAccount, NewPerson, QueueKind, QueueQuery, QueueSearch, QueueSort,
    QueueSubject, QueueView, Queues, SqlStore, Store, StoreError,
};

use super::support::{actor, backends, count, pnr};

const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";

fn month(m: u8) -> Month {
    Month::new(2026, m).unwrap()
}

async fn person(s: &SqlStore, name: &str, serial: u16, protection: ProtectedIdentity) -> PersonId {
    s.register_person(
        &actor("2026-01-01T09:00:00Z"),
        NewPerson {
            pnr: pnr(date(1980, 1, 1), serial),
            name: name.into(),
            protection,
        },
    )
    .await
    .unwrap()
}

async fn caseworker(s: &SqlStore, unit: UnitId, name: &str, username: &str) -> StaffId {
    let a = actor("2026-01-01T09:00:00Z");
    let staff = s
        .create_staff(&a, unit, name, StaffRole::Caseworker)
        .await
        .unwrap();
    s.create_account(
        &a,
        NewAccount {
            username: username.into(),
            display_name: name.into(),
            role: StaffRole::Caseworker,
            staff: Some(staff),
            person: None,
            password_hash: HASH.into(),
            units: vec![unit],
        },
    )
    .await
    .unwrap();
    staff
}

fn query(units: &[UnitId], view: QueueView) -> QueueQuery {
    QueueQuery {
        units: units.to_vec(),
        view,
        me: match view {
            QueueView::Mine(s) => Some(s),
            _ => None,
        },
        kind: QueueKind::Applications,
        status: None,
        month: None,
        before: None,
        follow_ups_until: date(2026, 3, 29),
        search: None,
        grants: vec![],
        sort: QueueSort::Waiting,
        offset: 0,
        limit: 25,
        requirement: None,
        requirement_only: false,
    }
}

fn ids(page: &store::QueuePage) -> Vec<ApplicationId> {
    page.entries
        .iter()
        .map(|e| match &e.subject {
            QueueSubject::Application { id, .. } => *id,
            other => panic!("not an application: {other:?}"),
        })
        .collect()
}

async fn reads(s: &SqlStore) -> i64 {
    count(
        s,
        "SELECT COUNT(*) FROM readlog.read_log WHERE action = 'queue.read'",
    )
    .await
}

async fn assigns(s: &SqlStore) -> i64 {
    count(
        s,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'application.assign'",
    )
    .await
}

struct Town {
    unit: UnitId,
    other_unit: UnitId,
    k1: StaffId,
    k2: StaffId,
    anna: PersonId,
    cecilia: PersonId,
    h1: HouseholdId,
    h2: HouseholdId,
    a1: ApplicationId,
    a2: ApplicationId,
    a4: ApplicationId,
}

/// Unit Nord: h1 (Bo, a child registered first, and Anna, the adult) with April received 1 March and May received
/// 14 March; h2 (Cecilia, protected) with April received 12 March. Unit Syd: h3 with April received 5 March.
async fn town(s: &SqlStore) -> Town {
    let a = actor("2026-03-15T09:00:00Z");
    let unit = s.create_unit(&a, "Team Nord").await.unwrap();
    let other_unit = s.create_unit(&a, "Team Syd").await.unwrap();
    let k2 = caseworker(s, unit, "Berit Ek", "berit").await;
    let k1 = caseworker(s, unit, "Alva Ek", "alva").await;
    let bo = person(s, "Bo Andersson", 11, ProtectedIdentity::None).await;
    let anna = person(s, "Anna Andersson", 12, ProtectedIdentity::None).await;
    let cecilia = person(s, "Cecilia Dahl", 13, ProtectedIdentity::SkyddadFolkbokforing).await;
    let dan = person(s, "Dan Ek", 14, ProtectedIdentity::None).await;
    let start = date(2026, 1, 1);
    let h1 = s
        .register_household(&a, unit, &[(bo, Role::Child), (anna, Role::Adult)], start)
        .await
        .unwrap();
    let h2 = s
        .register_household(&a, unit, &[(cecilia, Role::Adult)], start)
        .await
        .unwrap();
    let h3 = s
        .register_household(&a, other_unit, &[(dan, Role::Adult)], start)
        .await
        .unwrap();
    let receive = |h: HouseholdId, m: u8, day: Date| {
        let a = a.clone();
        async move { s.receive_application(&a, h, month(m), day).await.unwrap().id }
    };
    let a1 = receive(h1, 4, date(2026, 3, 1)).await;
    let a2 = receive(h2, 4, date(2026, 3, 12)).await;
    receive(h3, 4, date(2026, 3, 5)).await;
    let a4 = receive(h1, 5, date(2026, 3, 14)).await;
    Town {
        unit,
        other_unit,
        k1,
        k2,
        anna,
        cecilia,
        h1,
        h2,
        a1,
        a2,
        a4,
    }
}

pub async fn assignment_is_audited_checked_against_the_current_assignee_and_continued(s: &SqlStore) {
    let t = town(s).await;
    let a = actor("2026-03-15T10:00:00Z");
    assert_eq!(assigns(s).await, 0);
    let facts = s.assignment_facts(t.a1).await.unwrap();
    assert_eq!(
        (facts.unit, facts.household, facts.open, facts.assigned_to),
        (t.unit, t.h1, true, None)
    );

    s.assign_application(&a, t.a1, None, Some(t.k1)).await.unwrap();
    assert_eq!(s.assignment_facts(t.a1).await.unwrap().assigned_to, Some(t.k1));
    assert_eq!(assigns(s).await, 1);
    // Someone who read it as unassigned a moment ago gets a conflict, and nothing is written.
    assert!(matches!(
        s.assign_application(&a, t.a1, None, Some(t.k2)).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(assigns(s).await, 1);
    assert_eq!(s.assignment_facts(t.a1).await.unwrap().assigned_to, Some(t.k1));

    // Continuity: h1's next application goes to Alva, who has h1's open April; h2 had nobody, so neither has its
    // June. Each continued assignment is recorded too.
    let june = s
        .receive_application(&a, t.h1, month(6), date(2026, 3, 15))
        .await
        .unwrap();
    assert_eq!(s.assignment_facts(june.id).await.unwrap().assigned_to, Some(t.k1));
    assert_eq!(assigns(s).await, 2);
    let other = s
        .receive_application(&a, t.h2, month(6), date(2026, 3, 15))
        .await
        .unwrap();
    assert_eq!(s.assignment_facts(other.id).await.unwrap().assigned_to, None);
    assert_eq!(assigns(s).await, 2);

    // Handed back: unassigned again.
    s.assign_application(&a, t.a1, Some(t.k1), None).await.unwrap();
    assert_eq!(s.assignment_facts(t.a1).await.unwrap().assigned_to, None);
    assert_eq!(assigns(s).await, 3);

    // The unit's caseworkers, by name; none in a unit without caseworker accounts.
    assert_eq!(
        s.unit_caseworkers(t.unit).await.unwrap(),
        [(t.k1, "Alva Ek".to_owned()), (t.k2, "Berit Ek".to_owned())]
    );
    assert!(s.unit_caseworkers(t.other_unit).await.unwrap().is_empty());
    assert!(matches!(
        s.assignment_facts(ApplicationId(9999)).await,
        Err(StoreError::NotFound { .. })
    ));
}

pub async fn the_queue_is_filtered_searched_and_paged_in_the_store(s: &SqlStore) {
    let t = town(s).await;
    let a = actor("2026-03-15T10:00:00Z");
    s.assign_application(&a, t.a1, None, Some(t.k1)).await.unwrap();
    let units = [t.unit];

    // Mine: Alva's April; the counts are of every view with the same filters (Syd's application is not counted).
    let mine = s
        .queue_page(&a, &query(&units, QueueView::Mine(t.k1)))
        .await
        .unwrap();
    assert_eq!(ids(&mine), [t.a1]);
    assert_eq!(
        (mine.counts.mine, mine.counts.unassigned, mine.counts.all),
        (1, 2, 3)
    );
    assert_eq!(mine.entries[0].assignee, Some((t.k1, "Alva Ek".to_owned())));
    // The household is named by its adult first, though the child has the lower id.
    let names: Vec<&str> = mine.entries[0].members.iter().map(|m| m.1.as_str()).collect();
    assert_eq!(names, ["Anna Andersson", "Bo Andersson"]);
    assert_eq!(reads(s).await, 1);

    // Unassigned, newest first: May (14 March) before Cecilia's April (12 March).
    let free = s
        .queue_page(
            &a,
            &QueueQuery {
                sort: QueueSort::Received,
                ..query(&units, QueueView::Unassigned)
            },
        )
        .await
        .unwrap();
    assert_eq!(ids(&free), [t.a4, t.a2]);
    // By month: the two Aprils (oldest first) before May.
    let by_month = s
        .queue_page(
            &a,
            &QueueQuery {
                sort: QueueSort::Month,
                ..query(&units, QueueView::All)
            },
        )
        .await
        .unwrap();
    assert_eq!(ids(&by_month), [t.a1, t.a2, t.a4]);

    // Pages: one a page, the second is Cecilia's; the counts stay those of the whole view.
    let second = s
        .queue_page(
            &a,
            &QueueQuery {
                offset: 1,
                limit: 1,
                ..query(&units, QueueView::All)
            },
        )
        .await
        .unwrap();
    assert_eq!(ids(&second), [t.a2]);
    assert_eq!(second.counts.all, 3);

    // Filters: late (received before 10 March) is April of h1 only; May only; a status nobody has: nothing.
    let late = s
        .queue_page(
            &a,
            &QueueQuery {
                before: Some(date(2026, 3, 10)),
                me: Some(t.k1),
                ..query(&units, QueueView::All)
            },
        )
        .await
        .unwrap();
    assert_eq!(ids(&late), [t.a1]);
    assert_eq!(
        (late.counts.mine, late.counts.unassigned, late.counts.all),
        (1, 0, 1)
    );
    let may = s
        .queue_page(
            &a,
            &QueueQuery {
                month: Some(month(5)),
                ..query(&units, QueueView::All)
            },
        )
        .await
        .unwrap();
    assert_eq!(ids(&may), [t.a4]);
    let reads_before = reads(s).await;
    let none = s
        .queue_page(
            &a,
            &QueueQuery {
                status: Some("under_investigation".into()),
                ..query(&units, QueueView::All)
            },
        )
        .await
        .unwrap();
    assert!(none.entries.is_empty() && none.counts.all == 0);
    // An empty page read nobody's data: no read record.
    assert_eq!(reads(s).await, reads_before);

    // Search by the start of a word of the name, in lower case: both of h1's applications.
    let search = |q: QueueSearch, grants: Vec<PersonId>| QueueQuery {
        search: Some(q),
        grants,
        ..query(&units, QueueView::All)
    };
    let by_name = s
        .queue_page(&a, &search(QueueSearch::NamePrefix("and".into()), vec![]))
        .await
        .unwrap();
    assert_eq!(ids(&by_name), [t.a1, t.a4]);
    // A LIKE wildcard typed into the search matches only itself.
    let wild = s
        .queue_page(&a, &search(QueueSearch::NamePrefix("%".into()), vec![]))
        .await
        .unwrap();
    assert!(wild.entries.is_empty());
    // Cecilia has protected identity: not found by name without a grant, found with one.
    let hidden = s
        .queue_page(&a, &search(QueueSearch::NamePrefix("Cec".into()), vec![]))
        .await
        .unwrap();
    assert!(hidden.entries.is_empty() && hidden.counts.all == 0);
    let granted = s
        .queue_page(
            &a,
            &search(QueueSearch::NamePrefix("Cec".into()), vec![t.cecilia]),
        )
        .await
        .unwrap();
    assert_eq!(ids(&granted), [t.a2]);
    // Her exact personnummer finds her application (the page masks her name, as the app does for every row).
    let by_pnr = s
        .queue_page(&a, &search(QueueSearch::Pnr(pnr(date(1980, 1, 1), 13)), vec![]))
        .await
        .unwrap();
    assert_eq!(ids(&by_pnr), [t.a2]);
    assert!(by_pnr.entries[0].members[0].2, "flagged as protected");
    let by_anna = s
        .queue_page(&a, &search(QueueSearch::Pnr(pnr(date(1980, 1, 1), 12)), vec![]))
        .await
        .unwrap();
    assert_eq!(ids(&by_anna), [t.a1, t.a4]);
    assert_eq!(by_anna.entries[0].members[0].0, t.anna);

    // Follow-ups belong to whoever has the household's latest application (h1's May: nobody yet).
    s.create_follow_up(&a, t.h1, date(2026, 3, 20), &FollowUpReason::new("Ring").unwrap())
        .await
        .unwrap();
    let fq = |view| QueueQuery {
        kind: QueueKind::FollowUps,
        ..query(&units, view)
    };
    let mine_f = s.queue_page(&a, &fq(QueueView::Mine(t.k1))).await.unwrap();
    assert!(mine_f.entries.is_empty());
    assert_eq!((mine_f.counts.unassigned, mine_f.counts.all), (1, 1));
    s.assign_application(&a, t.a4, None, Some(t.k1)).await.unwrap();
    let mine_f = s.queue_page(&a, &fq(QueueView::Mine(t.k1))).await.unwrap();
    assert_eq!(mine_f.entries.len(), 1);
    assert_eq!(mine_f.entries[0].household, t.h1);

    // The workload: three open, received; late before 10 March: h1's April (Alva's); one unassigned (Cecilia's).
    let w = s.workload(&units, date(2026, 3, 10)).await.unwrap();
    assert_eq!(
        w.by_status,
        [("received".to_owned(), 3), ("under_investigation".to_owned(), 0)]
    );
    assert_eq!((w.late, w.unassigned, w.unassigned_late), (1, 1, 0));
    assert_eq!(
        w.per_caseworker,
        [
            (t.k1, "Alva Ek".to_owned(), 2, 1),
            (t.k2, "Berit Ek".to_owned(), 0, 0)
        ]
    );
    // Another unit's household is never listed.
    let _ = t.h2;
    let syd = s
        .queue_page(&a, &query(&[t.other_unit], QueueView::All))
        .await
        .unwrap();
    assert_eq!(syd.counts.all, 1);
    assert!(
        syd.entries
            .iter()
            .all(|e| e.household != t.h1 && e.household != t.h2)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_caseworkers_queue_on_every_backend() {
    for db in backends().await {
        assignment_is_audited_checked_against_the_current_assignee_and_continued(&db.store).await;
        db.finish().await;
    }
    for db in backends().await {
        the_queue_is_filtered_searched_and_paged_in_the_store(&db.store).await;
        db.finish().await;
    }
}
