//! Sign-in with e-legitimation on every backend: the person found by personnummer, their applicant account made
//! once and reused, staff accounts never found, refusals that store only their audit record, no personnummer kept
//! outside the register.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test code: a failure should panic"
)]

use domain::role::Role;
use domain::{PersonId, Personnummer, ProtectedIdentity};
use jiff::civil::date;
use store::{
    AccountStore, CitizenAccounts, CitizenOutcome, CitizenSignIn, NewAccount, NewPerson, SqlStore, Store,
    StoreError,
};

use super::support::{actor, backends, count, pnr, ts};

const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";

fn sign_in<'a>(number: &'a Personnummer, username: &'a str, token: &'a str) -> CitizenSignIn<'a> {
    CitizenSignIn {
        pnr: number,
        at: ts("2026-03-15T09:00:00Z"),
        page: "login/eid",
        new_username: username,
        protected_name: "Skyddad identitet",
        session_token: token,
        csrf_token: "csrf",
    }
}

/// (sessions, accounts, audit_log, login_attempts)
async fn rows(s: &SqlStore) -> [i64; 4] {
    [
        count(s, "SELECT COUNT(*) FROM sessions").await,
        count(s, "SELECT COUNT(*) FROM accounts").await,
        count(s, "SELECT COUNT(*) FROM audit_log").await,
        count(s, "SELECT COUNT(*) FROM login_attempts").await,
    ]
}

async fn person(s: &SqlStore, number: Personnummer, name: &str, protection: ProtectedIdentity) -> PersonId {
    s.register_person(
        &actor("2026-03-15T08:00:00Z"),
        NewPerson {
            pnr: number,
            name: name.into(),
            protection,
        },
    )
    .await
    .unwrap()
}

async fn the_person_signs_in_on_the_account_made_the_first_time(s: &SqlStore) {
    let alva_pnr = pnr(date(1980, 5, 17), 123);
    let alva = person(s, alva_pnr, "Alva Ek", ProtectedIdentity::None).await;
    let [sessions, accounts, audit, attempts] = rows(s).await;
    let first = s
        .sign_in_citizen(sign_in(&alva_pnr, "e-leg-1", "token-1"))
        .await
        .unwrap();
    let CitizenOutcome::SignedIn {
        account,
        person,
        created: true,
    } = first
    else {
        panic!("{first:?}");
    };
    assert_eq!(person, alva);
    // One account, one session, account.create and auth.login; no sign-in row.
    assert_eq!(rows(s).await, [sessions + 1, accounts + 1, audit + 2, attempts]);
    let made = s.account_by_username("e-leg-1").await.unwrap().unwrap();
    assert_eq!(made.id, account);
    assert_eq!(
        (made.role, made.person, made.display_name.as_str(), made.active),
        (Role::Applicant, Some(alva), "Alva Ek", true)
    );
    assert!(!made.has_password());
    // The session opens as that account.
    let session = s
        .session("token-1", ts("2026-03-15T08:59:00Z"), ts("2026-03-15T09:00:00Z"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(session.account.id, account);

    // Again: the same account (the second username is not used), a session and one audit record more.
    let again = s
        .sign_in_citizen(sign_in(&alva_pnr, "e-leg-2", "token-2"))
        .await
        .unwrap();
    assert_eq!(
        again,
        CitizenOutcome::SignedIn {
            account,
            person: alva,
            created: false
        }
    );
    assert_eq!(rows(s).await, [sessions + 2, accounts + 1, audit + 3, attempts]);
    assert!(s.account_by_username("e-leg-2").await.unwrap().is_none());

    // The personnummer (its ten digits after the century) is in no audit record or account.
    assert_eq!(
        count(
            s,
            "SELECT COUNT(*) FROM audit_log WHERE detail_json LIKE '%800517%' OR actor LIKE '%800517%'"
        )
        .await,
        0
    );

    // Deactivated: refused, and only the refusal's audit record is written.
    s.set_account_active(&actor("2026-03-15T09:01:00Z"), account, false)
        .await
        .unwrap();
    let before = rows(s).await;
    let refused = s
        .sign_in_citizen(sign_in(&alva_pnr, "e-leg-3", "token-3"))
        .await
        .unwrap();
    assert_eq!(refused, CitizenOutcome::Inactive);
    let [sessions, accounts, audit, attempts] = before;
    assert_eq!(rows(s).await, [sessions, accounts, audit + 1, attempts]);
}

async fn nobody_unknown_and_no_staff_account_is_signed_in(s: &SqlStore) {
    // Not in the register: one audit record, nothing else.
    let nobody = pnr(date(1990, 1, 1), 123);
    let before = rows(s).await;
    assert_eq!(
        s.sign_in_citizen(sign_in(&nobody, "e-leg-9", "token-9"))
            .await
            .unwrap(),
        CitizenOutcome::UnknownPerson
    );
    let [sessions, accounts, audit, attempts] = before;
    assert_eq!(rows(s).await, [sessions, accounts, audit + 1, attempts]);
    let row =
        sqlx::query("SELECT action, detail_json, subject_person FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_one(s.pool())
            .await
            .unwrap();
    use sqlx::Row;
    assert_eq!(row.try_get::<String, _>("action").unwrap(), "auth.login_failed");
    assert_eq!(
        row.try_get::<String, _>("detail_json").unwrap(),
        "{\"method\":\"eid\",\"reason\":\"unknown_person\"}"
    );
    assert_eq!(row.try_get::<Option<i64>, _>("subject_person").unwrap(), None);

    // A member of staff whose account names their person record gets an applicant account of their own.
    let kim_pnr = pnr(date(1985, 2, 3), 456);
    let kim = person(s, kim_pnr, "Kim Ek", ProtectedIdentity::None).await;
    let staff = s
        .create_account(
            &actor("2026-03-15T08:00:00Z"),
            NewAccount {
                username: "kim".into(),
                display_name: "Kim Ek".into(),
                role: Role::Caseworker,
                staff: None,
                person: Some(kim),
                password_hash: HASH.into(),
                units: vec![],
            },
        )
        .await
        .unwrap();
    let outcome = s
        .sign_in_citizen(sign_in(&kim_pnr, "e-leg-kim", "token-kim"))
        .await
        .unwrap();
    let CitizenOutcome::SignedIn {
        account,
        created: true,
        ..
    } = outcome
    else {
        panic!("{outcome:?}");
    };
    assert_ne!(account, staff);
    let session = s
        .session(
            "token-kim",
            ts("2026-03-15T08:59:00Z"),
            ts("2026-03-15T09:00:00Z"),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(session.account.role, Role::Applicant);

    // A second applicant account for the same person cannot be made (migration 0015), whoever tries.
    let duplicate = s
        .create_account(
            &actor("2026-03-15T08:00:00Z"),
            NewAccount {
                username: "kim-2".into(),
                display_name: "Kim Ek".into(),
                role: Role::Applicant,
                staff: None,
                person: Some(kim),
                password_hash: HASH.into(),
                units: vec![],
            },
        )
        .await;
    assert!(
        matches!(duplicate, Err(StoreError::Duplicate(_))),
        "{duplicate:?}"
    );

    // Protected identity: the name is not copied to the account.
    let hidden_pnr = pnr(date(1970, 7, 7), 789);
    let hidden = person(
        s,
        hidden_pnr,
        "Dold Person",
        ProtectedIdentity::SkyddadFolkbokforing,
    )
    .await;
    s.sign_in_citizen(sign_in(&hidden_pnr, "e-leg-hidden", "token-hidden"))
        .await
        .unwrap();
    let made = s.account_by_username("e-leg-hidden").await.unwrap().unwrap();
    assert_eq!(
        (made.person, made.display_name.as_str()),
        (Some(hidden), "Skyddad identitet")
    );

    // A refusal before any person is known: the reason, nothing else.
    let before = rows(s).await;
    s.record_citizen_refusal(&actor("2026-03-15T09:00:00Z"), "missing_claim")
        .await
        .unwrap();
    let [sessions, accounts, audit, attempts] = before;
    assert_eq!(rows(s).await, [sessions, accounts, audit + 1, attempts]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn citizen_sign_in() {
    for db in backends().await {
        the_person_signs_in_on_the_account_made_the_first_time(&db.store).await;
        nobody_unknown_and_no_staff_account_is_signed_in(&db.store).await;
        db.finish().await;
    }
}
