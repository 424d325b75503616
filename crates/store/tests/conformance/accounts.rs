//! Accounts, sessions and sign-in attempts, on every backend.

#![allow(clippy::unwrap_used, reason = "test code: a failure should panic")]

use domain::Who;
use domain::role::Role;
use store::{AccountStore, Attempt, Failures, NewAccount, SignInHistory, SqlStore, Store, StoreError};

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

/// The throttle's view of the attempts: per username since its last success, per username and address, per
/// address, and whether the address is the user's usual one. Throttled attempts are recorded but are no failures.
async fn attempts_are_counted_per_user_and_per_address(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    let id = s
        .create_account(&a, account("kim", Role::Caseworker, vec![]))
        .await
        .unwrap();
    let at = |t: &str| domain::Actor {
        who: Who::System("inloggning".into()),
        page: "login".into(),
        at: ts(t),
    };
    let attempt = |username, client, throttled| Attempt {
        username,
        client,
        throttled,
    };
    let desk = Some("192.0.2.10");
    let far = Some("198.51.100.66");
    // 09:00 Kim signs in at the desk; 09:05 and 09:06 two failures for Kim from far away, 09:07 one for "bo" from
    // there, 09:08 a throttled try from there; 09:09 a failure for Kim without an address.
    s.record_attempt(
        &at("2026-03-15T09:00:00Z"),
        attempt("kim", desk, false),
        Some(("t", "c", id)),
    )
    .await
    .unwrap();
    for (t, user, client, throttled) in [
        ("2026-03-15T09:05:00Z", "kim", far, false),
        ("2026-03-15T09:06:00Z", "KIM", far, false),
        ("2026-03-15T09:07:00Z", "bo", far, false),
        ("2026-03-15T09:08:00Z", "kim", far, true),
        ("2026-03-15T09:09:00Z", "kim", None, false),
    ] {
        s.record_attempt(&at(t), attempt(user, client, throttled), None)
            .await
            .unwrap();
    }
    let since = ts("2026-03-15T08:55:00Z");
    let usual_since = ts("2026-01-01T00:00:00Z");
    let failures = |count, last: &str| Failures {
        count,
        last: Some(ts(last)),
    };
    assert_eq!(
        s.sign_in_history("kim", far, since, usual_since).await.unwrap(),
        SignInHistory {
            user: failures(3, "2026-03-15T09:09:00Z"),
            user_here: failures(2, "2026-03-15T09:06:00Z"),
            address: failures(3, "2026-03-15T09:07:00Z"),
            usual_address: false,
        }
    );
    assert_eq!(
        s.sign_in_history("kim", desk, since, usual_since).await.unwrap(),
        SignInHistory {
            user: failures(3, "2026-03-15T09:09:00Z"),
            user_here: Failures::default(),
            address: Failures::default(),
            usual_address: true,
        }
    );
    // The window from 09:06:30: Kim's failure without an address (09:09) and bo's from far away (09:07) are left.
    let late = s
        .sign_in_history("kim", far, ts("2026-03-15T09:06:30Z"), usual_since)
        .await
        .unwrap();
    assert_eq!(
        (late.user.count, late.user_here.count, late.address.count),
        (1, 0, 1)
    );
    // Without an address only the username's count applies (no shared "no address" bucket) ...
    let h = s.sign_in_history("kim", None, since, usual_since).await.unwrap();
    assert_eq!(
        (h.user.count, h.user_here.count, h.address.count, h.usual_address),
        (3, 0, 0, false)
    );
    // ... and a success before `usual_since` makes no usual address.
    let h = s
        .sign_in_history("kim", desk, since, ts("2026-03-15T09:01:00Z"))
        .await
        .unwrap();
    assert!(!h.usual_address);
    // A new success starts Kim's count again (failures after it only).
    s.record_attempt(
        &at("2026-03-15T09:10:00Z"),
        attempt("kim", desk, false),
        Some(("t2", "c2", id)),
    )
    .await
    .unwrap();
    let h = s.sign_in_history("kim", far, since, usual_since).await.unwrap();
    assert_eq!((h.user.count, h.address.count), (0, 3));
    // Every attempt is audited; the throttled one says so.
    assert_eq!(
        count(
            s,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'auth.login_failed' AND detail_json LIKE '%throttled%'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            s,
            "SELECT COUNT(*) FROM login_attempts WHERE client = '198.51.100.66'"
        )
        .await,
        4
    );
}

/// The absolute lifetime: a session created before `created_since` is over, however recently used.
async fn sessions_have_an_absolute_lifetime_and_demo_accounts_are_marked(s: &SqlStore) {
    let a = actor("2026-03-15T08:00:00Z");
    let id = s
        .create_account(&a, account("kim", Role::Caseworker, vec![]))
        .await
        .unwrap();
    assert!(!s.account_by_username("kim").await.unwrap().unwrap().demo);
    s.record_login(&a, "kim", Some(("token", "csrf", id)))
        .await
        .unwrap();
    let idle_since = ts("2026-03-15T19:30:00Z");
    let now = ts("2026-03-15T19:59:00Z");
    // Touched at 19:59 (within the idle limit) ...
    assert!(
        s.session("token", ts("2026-03-15T07:59:00Z"), now)
            .await
            .unwrap()
            .is_some()
    );
    // ... and created at 08:00: live if sessions from 08:00 on count, over if only those from 08:00:01.
    assert!(
        s.session_within("token", idle_since, ts("2026-03-15T08:00:00Z"), now)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        s.session_within("token", idle_since, ts("2026-03-15T08:00:01Z"), now)
            .await
            .unwrap()
            .is_none()
    );
    s.mark_demo_account(&a, id).await.unwrap();
    assert!(s.account_by_username("kim").await.unwrap().unwrap().demo);
    assert_eq!(
        count(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'account.demo'").await,
        1
    );
    assert!(matches!(
        s.mark_demo_account(&a, store::AccountId(999)).await,
        Err(StoreError::NotFound { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_attempts_and_session_lifetime() {
    for db in backends().await {
        attempts_are_counted_per_user_and_per_address(&db.store).await;
        db.finish().await;
    }
    for db in backends().await {
        sessions_have_an_absolute_lifetime_and_demo_accounts_are_marked(&db.store).await;
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_and_sessions() {
    for db in backends().await {
        sessions_live_until_idle_and_end_on_sign_out(&db.store).await;
        bad_accounts_are_refused_and_write_nothing(&db.store).await;
        db.finish().await;
    }
}
