//! Use cases over a real store (a fresh SQLite file per test): sign-in, throttling, sessions.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test code: a failure should panic"
)]

#[path = "app/applicant.rs"]
mod applicant;
#[path = "app/golden.rs"]
mod golden;
#[path = "app/progression.rs"]
mod progression;
#[path = "app/reconsidering.rs"]
mod reconsidering;
#[path = "app/sanctions.rs"]
mod sanctions;

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
            max_delay: SignedDuration::from_mins(15),
        },
        session_idle: SignedDuration::from_mins(30),
        session_absolute: SignedDuration::from_hours(12),
        demo_mode: false,
        second_person_above: norm::Money::ZERO,
    };
    let app = App::new(store, clock.clone(), policy);
    (app, clock, path)
}

/// The test's own handle on the app's database file (the app keeps its store to itself).
async fn store_at(path: &std::path::Path) -> SqlStore {
    SqlStore::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap()
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
    // Three failures for the username within the window (without an address only the username counts): the next
    // try, even with the right password, must wait (1 s after the third failure, see `Throttle`).
    assert!(matches!(
        app.sign_in("kim", "rätt lösenord", &tokens()).await,
        Err(AppError::Throttled { .. })
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

#[tokio::test]
async fn a_session_ends_twelve_hours_after_sign_in_however_busy() {
    let (app, clock, path) = app_with_account().await;
    let session = app.sign_in("kim", "rätt lösenord", &tokens()).await.unwrap();
    // Used every 20 minutes (well inside the 30-minute idle limit): 35 times, until 19:40 ...
    let mut at = ts("2026-03-02T08:00:00Z");
    for _ in 0..35 {
        at = at.checked_add(SignedDuration::from_mins(20)).unwrap();
        clock.set(at);
        assert!(app.session(&session.token).await.unwrap().is_some(), "{at}");
    }
    assert_eq!(at, ts("2026-03-02T19:40:00Z"));
    // ... signed in at 08:00, so 12 h end at 20:00: live a second before, over a second after, though last used at
    // 19:40 (20 minutes: not idle).
    clock.set(ts("2026-03-02T19:59:59Z"));
    assert!(app.session(&session.token).await.unwrap().is_some());
    clock.set(ts("2026-03-02T20:00:01Z"));
    assert!(app.session(&session.token).await.unwrap().is_none());
    // Signing in again gives a new twelve hours.
    let again = app.sign_in("kim", "rätt lösenord", &tokens()).await.unwrap();
    assert!(app.session(&again.token).await.unwrap().is_some());
    let _ = std::fs::remove_file(path);
}

/// Five wrong passwords for a known user from another address do not lock the user out at their usual address.
#[tokio::test]
async fn failures_from_elsewhere_do_not_lock_out_a_known_user() {
    let (app, clock, path) = app_with_account().await;
    let desk = Some("192.0.2.10");
    let stranger = Some("198.51.100.66");
    // Kim has signed in from the desk before: that makes it Kim's usual address.
    app.sign_in_from("kim", "rätt lösenord", desk, &tokens())
        .await
        .unwrap();
    clock.set(ts("2026-03-02T09:00:00Z"));
    // Five requests from a stranger: three free failures, then the throttle (max_failures is 3 in this fixture).
    let mut refused = Vec::new();
    for _ in 0..5 {
        refused.push(
            match app.sign_in_from("kim", "gissning", stranger, &tokens()).await {
                Err(AppError::BadCredentials) => "fel",
                Err(AppError::Throttled { .. }) => "strypt",
                other => panic!("{:?}", other.map(|_| ())),
            },
        );
    }
    assert_eq!(refused, ["fel", "fel", "fel", "strypt", "strypt"]);
    // The same second, Kim at the desk with the right password: in.
    assert!(
        app.sign_in_from("kim", "rätt lösenord", desk, &tokens())
            .await
            .is_ok()
    );

    // Kim's success just now also started the username's count again: the stranger's failures before it no longer
    // slow Kim down anywhere, and a new failure from elsewhere is the first of three free ones.
    assert!(matches!(
        app.sign_in_from("kim", "gissning", Some("198.51.100.67"), &tokens())
            .await,
        Err(AppError::BadCredentials)
    ));
    assert!(
        app.sign_in_from("kim", "rätt lösenord", Some("192.0.2.99"), &tokens())
            .await
            .is_ok()
    );

    // Every attempt is recorded with its address, and audited (the throttled ones say so).
    let from_stranger = count(
        &store_at(&path).await,
        "SELECT COUNT(*) AS n FROM login_attempts WHERE client = '198.51.100.66'",
    )
    .await;
    assert_eq!(from_stranger, 5);
    let throttled = count(
        &store_at(&path).await,
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'auth.login_failed' AND detail_json LIKE '%throttled%'",
    )
    .await;
    assert_eq!(throttled, 2);
    let _ = std::fs::remove_file(path);
}

/// Guessing from one address, whatever the usernames, waits longer and longer: 1 s, 2 s, 4 s after the free tries.
#[tokio::test]
async fn guessing_from_one_address_slows_down() {
    let (app, clock, path) = app_with_account().await;
    let guesser = Some("203.0.113.5");
    let start = ts("2026-03-02T09:00:00Z");
    clock.set(start);
    let try_once = |user: &'static str| {
        let app = app.clone();
        async move { app.sign_in_from(user, "gissning", guesser, &tokens()).await }
    };
    // Three free failures (max_failures = 3), spread over usernames: the address counts, not the name.
    for user in ["kim", "anna", "bo"] {
        assert!(matches!(try_once(user).await, Err(AppError::BadCredentials)));
    }
    // Failure number 3 owes 2^(3-3) = 1 s.
    let wait = |r: Result<app::NewSession, AppError>| match r {
        Err(AppError::Throttled { retry_after }) => retry_after.as_secs(),
        other => panic!("{:?}", other.map(|_| ())),
    };
    assert_eq!(wait(try_once("kim").await), 1);
    clock.set(ts("2026-03-02T09:00:01Z"));
    assert!(matches!(try_once("kim").await, Err(AppError::BadCredentials)));
    // Four failures: 2 s after the last one (09:00:01), so 1 s is left at 09:00:02.
    assert_eq!(wait(try_once("cid").await), 2);
    clock.set(ts("2026-03-02T09:00:02Z"));
    assert_eq!(wait(try_once("cid").await), 1);
    clock.set(ts("2026-03-02T09:00:03Z"));
    assert!(matches!(try_once("cid").await, Err(AppError::BadCredentials)));
    // Five failures: 4 s. The refused tries in between did not make it longer.
    assert_eq!(wait(try_once("kim").await), 4);
    // Even Kim's right password waits here (this is not Kim's usual address) ...
    assert!(matches!(
        app.sign_in_from("kim", "rätt lösenord", guesser, &tokens()).await,
        Err(AppError::Throttled { .. })
    ));
    // ... but not from another address, and the guesser's refused tries are recorded, not checked.
    assert!(
        app.sign_in_from("kim", "rätt lösenord", Some("192.0.2.10"), &tokens())
            .await
            .is_ok()
    );
    let checked = count(
        &store_at(&path).await,
        "SELECT COUNT(*) AS n FROM login_attempts WHERE client = '203.0.113.5' AND throttled = 0",
    )
    .await;
    assert_eq!(checked, 5);
    let _ = std::fs::remove_file(path);
}

/// Outside demo mode, an account made for the demo and the password `demo` are refused like a wrong password.
#[tokio::test]
async fn demo_accounts_sign_in_only_in_demo_mode() {
    let (mut app, _clock, path) = app_with_account().await;
    let setup = store::system_actor("demo", "seed", app::Clock::now(app.clock.as_ref()));
    let demo_hash = hash_password("demo").unwrap();
    let mut ids = Vec::new();
    for username in ["handlaggare", "gammal"] {
        ids.push(
            store_at(&path)
                .await
                .create_account(
                    &setup,
                    NewAccount {
                        username: username.into(),
                        display_name: "Demo".into(),
                        role: Role::Caseworker,
                        staff: None,
                        person: None,
                        password_hash: demo_hash.clone(),
                        units: vec![],
                    },
                )
                .await
                .unwrap(),
        );
    }
    // "handlaggare" is marked as the demo's; "gammal" is not, but its password is "demo".
    store_at(&path)
        .await
        .mark_demo_account(&setup, ids[0])
        .await
        .unwrap();
    for username in ["handlaggare", "gammal"] {
        assert!(
            matches!(
                app.sign_in(username, "demo", &tokens()).await,
                Err(AppError::BadCredentials)
            ),
            "{username}"
        );
    }
    assert!(app.sign_in("kim", "rätt lösenord", &tokens()).await.is_ok());
    app.policy.demo_mode = true;
    for username in ["handlaggare", "gammal"] {
        assert!(
            app.sign_in(username, "demo", &tokens()).await.is_ok(),
            "{username}"
        );
    }
    let _ = std::fs::remove_file(path);
}

async fn count(store: &SqlStore, sql: &str) -> i64 {
    let row = sqlx::query(sql).fetch_one(store.pool()).await.unwrap();
    sqlx::Row::try_get(&row, "n").unwrap()
}
