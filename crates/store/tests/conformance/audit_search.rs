//! The auditor's search and per-person extract, and the administrator's account changes, on every backend.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test code: a failure should panic"
)]

use domain::role::Role;
use domain::{Actor, StaffId, UnitId};
use jiff::civil::date;
use store::{
    AccountStore, AuditQuery, AuditSearch, AuditVerdict, NewAccount, SqlStore, Store, StoreError, SubjectRef,
};

use super::support::{actor, backends, count, household, pnr, ts};

const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";

fn query() -> AuditQuery {
    AuditQuery {
        limit: 50,
        ..AuditQuery::default()
    }
}

async fn the_log_is_searched_by_person_actor_action_and_period(s: &SqlStore) {
    let early = actor("2026-03-01T09:00:00Z");
    let (_, person, household_id) = household(s, &early, date(1980, 5, 17), 123).await;
    let other = Actor::staff(StaffId(2), "test", ts("2026-03-10T09:00:00Z"));
    let (_, second, second_household) = household(s, &other, date(1975, 2, 3), 456).await;
    let reviewer = Actor::staff(StaffId(9), "granskning", ts("2026-03-20T09:00:00Z"));

    // By person id and by personnummer: the same records, all about that person, newest first.
    let by_id = s
        .search_audit(
            &reviewer,
            &AuditQuery {
                subject: Some(SubjectRef::Id(person)),
                ..query()
            },
        )
        .await
        .unwrap();
    assert!(!by_id.records.is_empty());
    assert!(by_id.records.iter().all(|r| r.subject_person == Some(person)));
    assert!(by_id.records.windows(2).all(|w| w[0].seq > w[1].seq));
    let by_pnr = s
        .search_audit(
            &reviewer,
            &AuditQuery {
                subject: Some(SubjectRef::Pnr(pnr(date(1980, 5, 17), 123))),
                ..query()
            },
        )
        .await
        .unwrap();
    // The first search's own record is about the person too, so the second finds one more.
    assert_eq!(by_pnr.total, by_id.total + 1);
    assert_eq!(by_pnr.subject, Some(person));
    let nobody = s
        .search_audit(
            &reviewer,
            &AuditQuery {
                subject: Some(SubjectRef::Pnr(pnr(date(1990, 1, 1), 1))),
                ..query()
            },
        )
        .await
        .unwrap();
    assert_eq!((nobody.total, nobody.subject), (0, None));

    // By actor and action prefix.
    let by_actor = s
        .search_audit(
            &reviewer,
            &AuditQuery {
                actor: Some("staff:2".into()),
                ..query()
            },
        )
        .await
        .unwrap();
    assert!(by_actor.total >= 3);
    assert!(by_actor.records.iter().all(|r| r.actor == "staff:2"));
    let by_action = s
        .search_audit(
            &reviewer,
            &AuditQuery {
                action_prefix: Some("unit.".into()),
                ..query()
            },
        )
        .await
        .unwrap();
    assert_eq!(by_action.total, 2);
    // Wildcards in the prefix are literal.
    let wild = s
        .search_audit(
            &reviewer,
            &AuditQuery {
                action_prefix: Some("%".into()),
                ..query()
            },
        )
        .await
        .unwrap();
    assert_eq!(wild.total, 0);

    // By period: only the second household's records fall between the 5th and the 15th.
    let period = s
        .search_audit(
            &reviewer,
            &AuditQuery {
                from: Some(ts("2026-03-05T00:00:00Z")),
                to: Some(ts("2026-03-15T00:00:00Z")),
                ..query()
            },
        )
        .await
        .unwrap();
    assert_eq!(period.total, by_actor.total);
    assert!(period.records.iter().all(|r| r.actor == "staff:2"));

    // Pagination: pages of one, in order, covering the total.
    let page = |offset| AuditQuery {
        actor: Some("staff:2".into()),
        limit: 1,
        offset,
        ..AuditQuery::default()
    };
    let first = s.search_audit(&reviewer, &page(0)).await.unwrap();
    let next = s.search_audit(&reviewer, &page(1)).await.unwrap();
    assert_eq!((first.records.len(), next.records.len()), (1, 1));
    assert!(first.records[0].seq > next.records[0].seq);

    // Every search is itself a record.
    let searches = count(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'audit.search'").await;
    assert_eq!(searches, 9);

    // The extract: records about the person and records naming their household, not the other person's.
    let month = norm::Month::new(2026, 3).unwrap();
    s.receive_application(&other, household_id, month, date(2026, 3, 10))
        .await
        .unwrap();
    s.receive_application(&other, second_household, month, date(2026, 3, 10))
        .await
        .unwrap();
    let extract = s.audit_extract(&reviewer, person).await.unwrap();
    let received: Vec<_> = extract
        .records
        .iter()
        .filter(|r| r.action == "application.receive")
        .collect();
    assert_eq!(received.len(), 1);
    assert!(
        received[0]
            .detail_json
            .contains(&format!("\"household\":{}", household_id.get()))
    );
    assert_eq!(extract.households, vec![household_id]);
    assert!(extract.records.windows(2).all(|w| w[0].at <= w[1].at));
    assert!(extract.records.iter().any(|r| r.action == "household.register"));
    assert!(extract.records.iter().all(|r| r.subject_person != Some(second)));
    assert!(
        extract
            .records
            .iter()
            .any(|r| r.action == "audit.search" && r.subject_person == Some(person))
    );
    assert!(matches!(
        s.audit_extract(&reviewer, domain::PersonId(999_999)).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.verify_audit_chain().await.unwrap(),
        AuditVerdict::Intact { .. }
    ));
}

async fn accounts_are_deactivated_and_their_units_replaced(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    let north = s.create_unit(&a, "Nord").await.unwrap();
    let south = s.create_unit(&a, "Syd").await.unwrap();
    let id = s
        .create_account(
            &a,
            NewAccount {
                username: "kim".into(),
                display_name: "Kim".into(),
                role: Role::Caseworker,
                staff: None,
                person: None,
                password_hash: HASH.into(),
                units: vec![north],
            },
        )
        .await
        .unwrap();
    let units = s.units().await.unwrap();
    assert_eq!(
        units[units.len() - 2..],
        [(north, "Nord".to_owned()), (south, "Syd".to_owned())]
    );

    s.set_account_units(&a, id, &[south, north, south]).await.unwrap();
    let kim = s.account_by_username("kim").await.unwrap().unwrap();
    assert_eq!(kim.units.into_iter().collect::<Vec<_>>(), vec![north, south]);

    // An unknown unit changes nothing, not even the audit log.
    let before = count(s, "SELECT COUNT(*) FROM audit_log").await;
    assert!(matches!(
        s.set_account_units(&a, id, &[UnitId(999)]).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.set_account_active(&a, store::AccountId(999), false).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(count(s, "SELECT COUNT(*) FROM audit_log").await, before);
    assert_eq!(
        s.account_by_username("kim").await.unwrap().unwrap().units.len(),
        2
    );

    // Deactivating ends the account's sessions.
    s.record_login(&a, "kim", Some(("token", "csrf", id)))
        .await
        .unwrap();
    assert!(
        s.session("token", ts("2026-03-15T08:00:00Z"), ts("2026-03-15T09:01:00Z"))
            .await
            .unwrap()
            .is_some()
    );
    s.set_account_active(&a, id, false).await.unwrap();
    assert!(!s.account_by_username("kim").await.unwrap().unwrap().active);
    assert_eq!(count(s, "SELECT COUNT(*) FROM sessions").await, 0);
    assert_eq!(
        count(
            s,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'account.deactivate'"
        )
        .await,
        1
    );
    s.set_account_active(&a, id, true).await.unwrap();
    assert!(s.account_by_username("kim").await.unwrap().unwrap().active);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_search_and_account_admin() {
    for db in backends().await {
        the_log_is_searched_by_person_actor_action_and_period(&db.store).await;
        accounts_are_deactivated_and_their_units_replaced(&db.store).await;
        db.finish().await;
    }
}
