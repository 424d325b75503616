//! Accounts, sessions and sign-in attempts, on every backend.

#![allow(clippy::unwrap_used, reason = "test code: a failure should panic")]

use domain::Who;
use domain::role::Role;
use store::{AccountStore, NewAccount, SqlStore, Store, StoreError};

use super::support::{actor, backends, count, household, ts};
use jiff::civil::date;

/// A syntactically valid argon2id PHC string (the store never checks passwords, only stores hashes).
const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";

fn account(username: &str, role: Role, units: Vec<domain::UnitId>) -> NewAccount {
    NewAccount {
        username: username.into(),
        display_name: "Kim Handläggare".into(),
        role,
        staff: None,
        person: None,
        password_hash: HASH.into(),
        units,
    }
}

async fn sessions_live_until_idle_and_end_on_sign_out(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    let (unit, person, _) = household(s, &a, date(1980, 5, 17), 123).await;
    let id = s
        .create_account(&a, account("Kim", Role::Caseworker, vec![unit]))
        .await
        .unwrap();
    assert!(matches!(
        s.create_account(&a, account("kim", Role::Caseworker, vec![]))
            .await,
        Err(StoreError::Duplicate(_))
    ));

    let found = s.account_by_username(" KIM ").await.unwrap().unwrap();
    assert_eq!(
        (found.id, found.role, found.username.as_str()),
        (id, Role::Caseworker, "kim")
    );
    assert!(found.units.contains(&unit) && found.active);

    // A failed and a successful sign-in, both recorded and audited.
    let login = domain::Actor {
        who: Who::System("inloggning".into()),
        page: "login".into(),
        at: ts("2026-03-15T09:01:00Z"),
    };
    let before = count(s, "SELECT COUNT(*) FROM audit_log").await;
    s.record_login(&login, "kim", None).await.unwrap();
    assert_eq!(
        s.failed_logins_since("kim", ts("2026-03-15T09:00:00Z"))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        s.failed_logins_since("kim", ts("2026-03-15T09:02:00Z"))
            .await
            .unwrap(),
        0
    );
    s.record_login(&login, "kim", Some(("token-1", "csrf-1", id)))
        .await
        .unwrap();
    assert_eq!(count(s, "SELECT COUNT(*) FROM audit_log").await, before + 2);
    // Only the hash of the token is stored.
    assert_eq!(
        count(s, "SELECT COUNT(*) FROM sessions WHERE token_hash = 'token-1'").await,
        0
    );

    let live = s
        .session("token-1", ts("2026-03-15T09:00:00Z"), ts("2026-03-15T09:20:00Z"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((live.account.id, live.csrf_token.as_str()), (id, "csrf-1"));
    assert!(
        s.session("other", ts("2026-03-15T09:00:00Z"), ts("2026-03-15T09:20:00Z"))
            .await
            .unwrap()
            .is_none()
    );
    // Last used 09:20; a session idle since before 09:21 has expired.
    assert!(
        s.session("token-1", ts("2026-03-15T09:21:00Z"), ts("2026-03-15T10:00:00Z"))
            .await
            .unwrap()
            .is_none()
    );

    // A grant for a protected person shows up on the account.
    s.set_protected_grant(&a, id, person, true).await.unwrap();
    assert!(
        s.account_by_username("kim")
            .await
            .unwrap()
            .unwrap()
            .protected_grants
            .contains(&person)
    );
    // The session carries the account as the account lookup gives it: units and grants too.
    s.record_login(&login, "kim", Some(("token-3", "csrf-3", id)))
        .await
        .unwrap();
    let live = s
        .session("token-3", ts("2026-03-15T09:00:00Z"), ts("2026-03-15T09:20:30Z"))
        .await
        .unwrap()
        .unwrap();
    let looked_up = s.account_by_username("kim").await.unwrap().unwrap();
    assert_eq!(live.account, looked_up);
    assert!(live.account.units.contains(&unit) && live.account.protected_grants.contains(&person));
    s.set_protected_grant(&a, id, person, false).await.unwrap();
    assert!(
        s.account_by_username("kim")
            .await
            .unwrap()
            .unwrap()
            .protected_grants
            .is_empty()
    );

    s.record_login(&login, "kim", Some(("token-2", "csrf-2", id)))
        .await
        .unwrap();
    s.end_session(&a, "token-2").await.unwrap();
    assert!(
        s.session("token-2", ts("2026-03-15T09:00:00Z"), ts("2026-03-15T09:05:00Z"))
            .await
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        s.verify_audit_chain().await.unwrap(),
        store::AuditVerdict::Intact { .. }
    ));
}

async fn bad_accounts_are_refused_and_write_nothing(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    let before =
        count(s, "SELECT COUNT(*) FROM accounts").await + count(s, "SELECT COUNT(*) FROM audit_log").await;
    for bad in [
        account("", Role::Caseworker, vec![]),
        account("has space", Role::Caseworker, vec![]),
        NewAccount {
            password_hash: "plaintext".into(),
            ..account("ok", Role::Caseworker, vec![])
        },
        account("ok", Role::Caseworker, vec![domain::UnitId(999)]),
    ] {
        assert!(s.create_account(&a, bad).await.is_err());
    }
    let after =
        count(s, "SELECT COUNT(*) FROM accounts").await + count(s, "SELECT COUNT(*) FROM audit_log").await;
    assert_eq!(before, after);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_and_sessions() {
    for db in backends().await {
        sessions_live_until_idle_and_end_on_sign_out(&db.store).await;
        bad_accounts_are_refused_and_write_nothing(&db.store).await;
        db.finish().await;
    }
}
