//! Use cases over a real store (a fresh SQLite file per test): sign-in, throttling, sessions.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test code: a failure should panic"
)]

#[path = "app/applicant.rs"]
mod applicant;

use std::sync::Arc;

use app::auth::{Throttle, hash_password};
use app::{App, AppError, FixedClock, Policy};
use domain::role::Role;
use jiff::{SignedDuration, Timestamp};
use store::{AccountStore, NewAccount, SqlStore, Store};

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

async fn app_with_account() -> (App, Arc<FixedClock>, std::path::PathBuf) {
    let path = std::env::temp_dir().join(format!("stegvis-app-{}.db", uuid::Uuid::new_v4().simple()));
    let store = SqlStore::connect(&format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .unwrap();
    let clock = Arc::new(FixedClock::new(ts("2026-03-02T08:00:00Z")));
    let setup = store::system_actor("test", "setup", app::Clock::now(clock.as_ref()));
    let unit = store.create_unit(&setup, "Team Syd").await.unwrap();
    store
        .create_account(
            &setup,
            NewAccount {
                username: "kim".into(),
                display_name: "Kim Berg".into(),
                role: Role::Caseworker,
                staff: None,
                person: None,
                password_hash: hash_password("rätt lösenord").unwrap(),
                units: vec![unit],
            },
        )
        .await
        .unwrap();
    let policy = Policy {
        throttle: Throttle {
            max_failures: 3,
            window: SignedDuration::from_mins(15),
        },
        session_idle: SignedDuration::from_mins(30),
        second_person_above: norm::Money::ZERO,
        applicant_passwords: false,
    };
    let app = App::new(store, clock.clone(), policy);
    (app, clock, path)
}

/// Distinct tokens across the whole test binary (the web layer uses OS randomness instead).
fn tokens() -> impl Fn() -> String {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    || format!("token-{}", N.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
}

#[tokio::test]
async fn sign_in_opens_a_session_that_expires_when_idle() {
    let (app, clock, path) = app_with_account().await;
    let session = app.sign_in("kim", "rätt lösenord", &tokens()).await.unwrap();
    let signed = app.session(&session.token).await.unwrap().unwrap();
    assert_eq!(
        (signed.actor.username.as_str(), signed.actor.role),
        ("kim", Role::Caseworker)
    );
    assert_eq!(signed.csrf_token, session.csrf_token);
    assert_ne!(session.token, session.csrf_token);

    clock.set(ts("2026-03-02T08:29:00Z"));
    assert!(
        app.session(&session.token).await.unwrap().is_some(),
        "used 29 minutes later: still live"
    );
    clock.set(ts("2026-03-02T09:00:00Z"));
    assert!(
        app.session(&session.token).await.unwrap().is_none(),
        "idle 31 minutes: expired"
    );

    let again = app.sign_in("kim", "rätt lösenord", &tokens()).await.unwrap();
    app.sign_out(
        &app.session(&again.token).await.unwrap().unwrap().actor,
        &again.token,
    )
    .await
    .unwrap();
    assert!(app.session(&again.token).await.unwrap().is_none());
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn wrong_passwords_are_refused_and_then_throttled() {
    let (app, clock, path) = app_with_account().await;
    assert!(matches!(
        app.sign_in("kim", "fel", &tokens()).await,
        Err(AppError::BadCredentials)
    ));
    assert!(matches!(
        app.sign_in("ingen", "fel", &tokens()).await,
        Err(AppError::BadCredentials)
    ));
    assert!(matches!(
        app.sign_in("kim", "fel", &tokens()).await,
        Err(AppError::BadCredentials)
    ));
    assert!(matches!(
        app.sign_in("kim", "fel", &tokens()).await,
        Err(AppError::BadCredentials)
    ));
    // Three failures within the window: even the right password is refused now.
    assert!(matches!(
        app.sign_in("kim", "rätt lösenord", &tokens()).await,
        Err(AppError::Throttled)
    ));
    clock.set(ts("2026-03-02T08:16:00Z"));
    assert!(app.sign_in("kim", "rätt lösenord", &tokens()).await.is_ok());
    // Every attempt is in the audit log, and the chain holds.
    // The app keeps its store to itself; the test opens the same file to look.
    let store = SqlStore::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let n: i64 = sqlx_count(&store).await;
    assert!(n >= 6, "{n}");
    assert!(matches!(
        store.verify_audit_chain().await.unwrap(),
        store::AuditVerdict::Intact { .. }
    ));
    let _ = std::fs::remove_file(path);
}

async fn sqlx_count(store: &SqlStore) -> i64 {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE 'auth.%'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    sqlx::Row::try_get(&row, "n").unwrap()
}
