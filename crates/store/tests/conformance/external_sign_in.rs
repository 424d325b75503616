//! Links from an external OpenID Connect subject to a local account, and started external sign-ins, on every backend.

#![allow(clippy::unwrap_used, reason = "test code: a failure should panic")]

use domain::role::Role;
use store::{AccountStore, ExternalSignIn, NewAccount, PendingLogin, SqlStore, StoreError};

use super::support::{actor, backends, count, ts};

const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
const ISSUER: &str = "https://login.kommun.example";

fn account(username: &str) -> NewAccount {
    NewAccount {
        username: username.into(),
        display_name: "Kim Handläggare".into(),
        role: Role::Caseworker,
        staff: None,
        person: None,
        password_hash: HASH.into(),
        units: vec![],
    }
}

async fn audit_rows(s: &SqlStore) -> i64 {
    count(s, "SELECT COUNT(*) FROM audit_log").await
}

async fn links(s: &SqlStore) -> i64 {
    count(s, "SELECT COUNT(*) FROM external_identities").await
}

async fn a_subject_is_linked_to_one_account_and_audited(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    let kim = s.create_account(&a, account("kim")).await.unwrap();
    let lo = s.create_account(&a, account("lo")).await.unwrap();
    assert_eq!(s.account_by_external(ISSUER, "k-123").await.unwrap(), None);

    let before = audit_rows(s).await;
    s.link_external(&a, kim, ISSUER, "k-123").await.unwrap();
    assert_eq!(audit_rows(s).await, before + 1);
    // The subject is never in the audit detail (it may be a personnummer at some providers).
    assert_eq!(
        count(
            s,
            "SELECT COUNT(*) FROM audit_log WHERE detail_json LIKE '%k-123%'"
        )
        .await,
        0
    );
    let found = s.account_by_external(ISSUER, "k-123").await.unwrap().unwrap();
    assert_eq!((found.id, found.username.as_str()), (kim, "kim"));
    // The same subject at another issuer is someone else; subjects are compared exactly.
    assert_eq!(
        s.account_by_external("https://other.example", "k-123")
            .await
            .unwrap(),
        None
    );
    assert_eq!(s.account_by_external(ISSUER, "K-123").await.unwrap(), None);

    // A subject is linked to at most one account; a refused link writes nothing.
    let before = (links(s).await, audit_rows(s).await);
    for (to, subject) in [(lo, "k-123"), (kim, "k-123")] {
        assert!(matches!(
            s.link_external(&a, to, ISSUER, subject).await,
            Err(StoreError::Duplicate(_))
        ));
    }
    assert!(matches!(
        s.link_external(&a, store::AccountId(999), ISSUER, "new").await,
        Err(StoreError::NotFound { .. })
    ));
    let too_long = "x".repeat(256);
    for (issuer, subject) in [
        (ISSUER, ""),
        ("", "s"),
        (ISSUER, too_long.as_str()),
        (ISSUER, "a\nb"),
    ] {
        assert!(matches!(
            s.link_external(&a, kim, issuer, subject).await,
            Err(StoreError::Domain(_))
        ));
    }
    assert_eq!((links(s).await, audit_rows(s).await), before);

    // One account may have several links; they are listed by issuer and subject.
    s.link_external(&a, kim, ISSUER, "k-000").await.unwrap();
    let listed: Vec<String> = s
        .external_links(kim)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.subject)
        .collect();
    assert_eq!(listed, ["k-000", "k-123"]);
    assert!(s.external_links(lo).await.unwrap().is_empty());

    // Unlinking: only a link the account has; audited.
    let before = audit_rows(s).await;
    assert!(matches!(
        s.unlink_external(&a, lo, ISSUER, "k-123").await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(audit_rows(s).await, before);
    s.unlink_external(&a, kim, ISSUER, "k-123").await.unwrap();
    assert_eq!(audit_rows(s).await, before + 1);
    assert_eq!(s.account_by_external(ISSUER, "k-123").await.unwrap(), None);

    // A deactivated account is still found: the policy refuses it with its own message.
    s.set_account_active(&a, kim, false).await.unwrap();
    let found = s.account_by_external(ISSUER, "k-000").await.unwrap().unwrap();
    assert!(!found.active);
}

fn pending(state: &str, created: &str, expires: &str) -> PendingLogin {
    PendingLogin {
        state: state.into(),
        issuer: ISSUER.into(),
        nonce: format!("nonce-{state}"),
        pkce_verifier: format!("verifier-{state}"),
        next: "/arenden".into(),
        created_at: ts(created),
        expires_at: ts(expires),
    }
}

async fn a_started_sign_in_is_taken_once_and_not_after_it_expires(s: &SqlStore) {
    let one = pending("state-1", "2026-03-15T09:00:00Z", "2026-03-15T09:10:00Z");
    s.store_pending_login(&one).await.unwrap();
    // Only the hash of the state is stored.
    assert_eq!(
        count(
            s,
            "SELECT COUNT(*) FROM pending_external_logins WHERE state_hash = 'state-1'"
        )
        .await,
        0
    );
    assert!(matches!(
        s.store_pending_login(&one).await,
        Err(StoreError::Duplicate(_))
    ));
    assert_eq!(
        s.take_pending_login("other", ts("2026-03-15T09:01:00Z"))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        s.take_pending_login("state-1", ts("2026-03-15T09:01:00Z"))
            .await
            .unwrap(),
        Some(one)
    );
    // Used once: a replay finds nothing.
    assert_eq!(
        s.take_pending_login("state-1", ts("2026-03-15T09:01:00Z"))
            .await
            .unwrap(),
        None
    );

    // An expired one is refused, and gone too.
    let two = pending("state-2", "2026-03-15T09:00:00Z", "2026-03-15T09:10:00Z");
    s.store_pending_login(&two).await.unwrap();
    assert_eq!(
        s.take_pending_login("state-2", ts("2026-03-15T09:10:01Z"))
            .await
            .unwrap(),
        None
    );
    assert_eq!(count(s, "SELECT COUNT(*) FROM pending_external_logins").await, 0);

    // Starting a sign-in clears the ones that expired before it.
    s.store_pending_login(&pending(
        "state-3",
        "2026-03-15T09:00:00Z",
        "2026-03-15T09:10:00Z",
    ))
    .await
    .unwrap();
    s.store_pending_login(&pending(
        "state-4",
        "2026-03-15T09:20:00Z",
        "2026-03-15T09:30:00Z",
    ))
    .await
    .unwrap();
    assert_eq!(count(s, "SELECT COUNT(*) FROM pending_external_logins").await, 1);
    assert!(
        s.take_pending_login("state-4", ts("2026-03-15T09:21:00Z"))
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn external_sign_in() {
    for db in backends().await {
        a_subject_is_linked_to_one_account_and_audited(&db.store).await;
        a_started_sign_in_is_taken_once_and_not_after_it_expires(&db.store).await;
        db.finish().await;
    }
}
