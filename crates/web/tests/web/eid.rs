//! Sign-in with e-legitimation for applicants, against the fake OpenID provider of `oidc.rs` standing in for the
//! municipality's e-identification broker: the person found by the personnummer claim signs in to *Mina sidor*
//! (their applicant account made at the first sign-in, without a password); someone not in the register gets a page
//! saying so and nothing but the audit record; a malformed, wrong or missing claim, a replay and a wrong nonce are
//! refused; staff are never signed in this way; the personnummer is in no audit record or account; and applicants'
//! passwords work only in demo mode.

use domain::PersonId;
use openidconnect::url::Url;
use web::config::{EidConfig, OidcConfig};

use crate::oidc::{CLIENT_ID, CLIENT_SECRET, EID_REDIRECT, FakeProvider};
use crate::support::*;

/// The OIDC Sweden claim, the default.
const CLAIM: &str = "https://id.oidc.se/claim/personalIdentityNumber";
/// What the broker is asked for by default: openid and the OIDC Sweden personnummer scope.
const SCOPE: &str = "openid https://id.oidc.se/scope/naturalPersonNumber";
/// Alva Ek, the fixture's household member, who has the applicant account "ann".
const ALVA: &str = "198005171239";
/// 19900101-1239: Luhn over 900101123 with weights 2,1,2,...: 18→9, 0, 0, 1, 0, 1, 2, 2, 6 = 21, check digit
/// (10 - 21 % 10) % 10 = 9. Not in the fixture's register until a test puts someone there.
const BO: &str = "199001011239";

fn eid_config(provider: &FakeProvider) -> EidConfig {
    EidConfig {
        issuer_url: provider.issuer.clone(),
        client_id: CLIENT_ID.into(),
        client_secret: Some(CLIENT_SECRET.into()),
        redirect_url: EID_REDIRECT.into(),
        ..EidConfig::default()
    }
}

async fn eid_fixture(provider: &FakeProvider) -> Fixture {
    let eid = eid_config(provider);
    fixture_with(move |c| c.eid = Some(eid)).await
}

fn claims(pairs: &[(&str, serde_json::Value)]) -> serde_json::Map<String, serde_json::Value> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

fn pnr_claim(pnr: &str) -> serde_json::Map<String, serde_json::Value> {
    claims(&[(CLAIM, serde_json::json!(pnr))])
}

fn state_of(location: &str) -> String {
    Url::parse(location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned()
}

/// Starts a sign-in: the broker's authorization URL, and the cookie header that carries the state back.
async fn start(router: &Router) -> (String, String) {
    let r = get(router, "/login/eid", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.headers[header::LOCATION].to_str().unwrap().to_owned();
    let state = r.cookies()["stegvis_eid_state"].clone();
    assert_eq!(state_of(&location), state);
    (location, format!("stegvis_eid_state={state}"))
}

async fn callback(router: &Router, code: &str, state: &str, cookie: &str) -> Reply {
    get(
        router,
        &format!("/login/eid/callback?code={code}&state={state}"),
        cookie,
    )
    .await
}

/// The whole round: start, the person signs in at the broker with these claims, the callback.
async fn sign_in_with(
    f: &Fixture,
    provider: &FakeProvider,
    with: serde_json::Map<String, serde_json::Value>,
) -> Reply {
    let (location, cookie) = start(&f.router).await;
    let code = provider.grant(&location, "eid-subject", None, with, SCOPE);
    callback(&f.router, &code, &state_of(&location), &cookie).await
}

/// Rows in the tables a sign-in may write to: (sessions, accounts, audit_log, login_attempts, persons).
async fn sign_in_rows(store: &SqlStore) -> [i64; 5] {
    [
        rows(store, "sessions").await,
        rows(store, "accounts").await,
        rows(store, "audit_log").await,
        rows(store, "login_attempts").await,
        rows(store, "persons").await,
    ]
}

/// The latest audit records, newest first: (actor, action, subject person, detail).
async fn last_audit(store: &SqlStore, n: i64) -> Vec<(String, String, Option<i64>, String)> {
    use sqlx::Row;
    sqlx::query("SELECT actor, action, subject_person, detail_json FROM audit_log ORDER BY seq DESC LIMIT $1")
        .bind(n)
        .fetch_all(store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.try_get("actor").unwrap(),
                r.try_get("action").unwrap(),
                r.try_get("subject_person").unwrap(),
                r.try_get("detail_json").unwrap(),
            )
        })
        .collect()
}

/// Asserts that a refused sign-in wrote exactly one audit record, `auth.login_failed` with this reason, and
/// nothing else: no session, account or sign-in row.
async fn only_the_refusal_was_audited(store: &SqlStore, before: [i64; 5], reason: &str) {
    let [sessions, accounts, audit, attempts, persons] = before;
    assert_eq!(
        sign_in_rows(store).await,
        [sessions, accounts, audit + 1, attempts, persons]
    );
    let last = last_audit(store, 1).await;
    assert_eq!(
        last[0],
        (
            "system:inloggning".to_owned(),
            "auth.login_failed".to_owned(),
            None,
            format!("{{\"method\":\"eid\",\"reason\":\"{reason}\"}}")
        )
    );
}

/// No audit record, sign-in record or account holds any of these personnummer, in any written form: none holds
/// its birth date's six digits `YYMMDD`, which every form contains.
async fn no_personnummer_stored_outside_the_register(store: &SqlStore, numbers: &[&str]) {
    use sqlx::Row;
    for pnr in numbers {
        let ten = &pnr[2..8];
        for sql in [
            "SELECT COUNT(*) AS n FROM audit_log WHERE detail_json LIKE $1 OR actor LIKE $1 OR page LIKE $1",
            "SELECT COUNT(*) AS n FROM login_attempts WHERE username LIKE $1",
            "SELECT COUNT(*) AS n FROM accounts WHERE username LIKE $1 OR display_name LIKE $1",
        ] {
            let n: i64 = sqlx::query(sql)
                .bind(format!("%{ten}%"))
                .fetch_one(store.pool())
                .await
                .unwrap()
                .try_get("n")
                .unwrap();
            assert_eq!(n, 0, "{sql}");
        }
    }
}

/// Registers someone in household of their own in the unit "Nord"; their person id.
async fn register(f: &Fixture, pnr: &str, name: &str, protection: ProtectedIdentity) -> PersonId {
    let a = Actor::system("test", "setup", "2026-03-02T08:00:00Z".parse().unwrap());
    let north = f.store.units().await.unwrap()[0].0;
    let person = f
        .store
        .register_person(
            &a,
            NewPerson::parse(pnr, name, protection, date(2026, 3, 2)).unwrap(),
        )
        .await
        .unwrap();
    f.store
        .register_household(
            &a,
            north,
            &[(person, norm::contract::Role::Adult)],
            date(2026, 1, 1),
        )
        .await
        .unwrap();
    person
}

async fn accounts_of(store: &SqlStore, person: PersonId) -> Vec<store::Account> {
    store
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.person == Some(person))
        .collect()
}

#[tokio::test]
async fn a_registered_person_signs_in_to_mina_sidor_and_gets_an_account_without_a_password_the_first_time() {
    let provider = FakeProvider::start_eid().await;
    let f = eid_fixture(&provider).await;
    let bo = register(&f, BO, "Bo Ström", ProtectedIdentity::None).await;

    // The sign-in page offers e-legitimation as a plain link (no JavaScript), before the local form.
    let page = get(&f.router, "/login", "").await;
    assert!(page.body.contains("href=\"/login/eid\""), "{}", page.body);
    assert!(page.body.contains("Logga in med e-legitimation"));
    assert!(page.body.find("/login/eid") < page.body.find("name=\"password\""));

    let r = get(&f.router, "/login/eid", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let set_cookie = r.headers[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(
        set_cookie.starts_with("stegvis_eid_state=")
            && set_cookie.contains("HttpOnly")
            && set_cookie.contains("SameSite=Lax")
            && set_cookie.contains("Path=/login/eid"),
        "{set_cookie}"
    );
    assert_eq!(rows(&f.store, "pending_external_logins").await, 1);

    // First sign-in: one account (applicant, the person, no password), one session, two audit records
    // (account.create and auth.login, both by the person), no sign-in row (nothing to throttle here).
    let before = sign_in_rows(&f.store).await;
    let r = sign_in_with(&f, &provider, pnr_claim(BO)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.headers[header::LOCATION], "/mina-sidor");
    let [sessions, accounts, audit, attempts, persons] = before;
    assert_eq!(
        sign_in_rows(&f.store).await,
        [sessions + 1, accounts + 1, audit + 2, attempts, persons]
    );
    // The sign-in was taken; the one started above and never finished waits to expire.
    assert_eq!(rows(&f.store, "pending_external_logins").await, 1);
    let made = accounts_of(&f.store, bo).await;
    assert_eq!(made.len(), 1);
    let account = &made[0];
    assert_eq!(account.role, Role::Applicant);
    assert_eq!(account.display_name, "Bo Ström");
    assert!(!account.has_password() && account.staff.is_none() && account.units.is_empty());
    assert!(account.username.starts_with("e-leg-"), "{}", account.username);
    let person = format!("person:{}", bo.get());
    assert_eq!(
        last_audit(&f.store, 2).await,
        [
            (
                person.clone(),
                "auth.login".to_owned(),
                Some(bo.get()),
                format!("{{\"account\":{},\"method\":\"eid\"}}", account.id.0)
            ),
            (
                person.clone(),
                "account.create".to_owned(),
                Some(bo.get()),
                format!(
                    "{{\"account\":{},\"method\":\"eid\",\"role\":\"applicant\"}}",
                    account.id.0
                )
            ),
        ]
    );

    // The session is an applicant's: Mina sidor, not the caseworkers' queue.
    let session = format!("stegvis_session={}", r.cookies()["stegvis_session"]);
    let mine = get(&f.router, "/mina-sidor", &session).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    assert!(mine.body.contains("Bo Ström"));
    assert_eq!(
        get(&f.router, "/arenden", &session).await.status,
        StatusCode::FORBIDDEN
    );

    // The next sign-in uses the same account: a session and one audit record more, no new account.
    let before = sign_in_rows(&f.store).await;
    let r = sign_in_with(&f, &provider, pnr_claim(BO)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let [sessions, accounts, audit, attempts, persons] = before;
    assert_eq!(
        sign_in_rows(&f.store).await,
        [sessions + 1, accounts, audit + 1, attempts, persons]
    );
    assert_eq!(accounts_of(&f.store, bo).await.len(), 1);

    // The account has no password, so no password signs it in, even in demo mode (which the fixture is in).
    let r = sign_in(&f.router, &account.username, "").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = sign_in(&f.router, &account.username, "hemligt").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(!r.cookies().contains_key("stegvis_session"));

    no_personnummer_stored_outside_the_register(&f.store, &[BO]).await;
}

#[tokio::test]
async fn a_person_with_an_applicant_account_signs_in_as_that_account() {
    let provider = FakeProvider::start_eid().await;
    let f = eid_fixture(&provider).await;
    let ann = f.store.account_by_username("ann").await.unwrap().unwrap();
    let before = sign_in_rows(&f.store).await;
    let r = sign_in_with(&f, &provider, pnr_claim(ALVA)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let [sessions, accounts, audit, attempts, persons] = before;
    assert_eq!(
        sign_in_rows(&f.store).await,
        [sessions + 1, accounts, audit + 1, attempts, persons]
    );
    let last = last_audit(&f.store, 1).await;
    assert_eq!(
        last[0].3,
        format!("{{\"account\":{},\"method\":\"eid\"}}", ann.id.0)
    );
    // The display name now comes from the register ("Test ann" was the fixture's).
    let ann = f.store.account_by_username("ann").await.unwrap().unwrap();
    assert_eq!(ann.display_name, "Alva Ek");
    let session = format!("stegvis_session={}", r.cookies()["stegvis_session"]);
    let mine = get(&f.router, "/mina-sidor", &session).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.body.contains("Alva Ek"), "{}", mine.body);
    // The March application of the fixture's household is on Mina sidor.
    assert!(mine.body.contains("2026-03"), "{}", mine.body);
    no_personnummer_stored_outside_the_register(&f.store, &[ALVA]).await;
}

#[tokio::test]
async fn someone_not_in_the_register_is_told_so_and_only_the_audit_record_is_stored() {
    let provider = FakeProvider::start_eid().await;
    let f = eid_fixture(&provider).await;
    let (location, cookie) = start(&f.router).await;
    let code = provider.grant(&location, "eid-subject", None, pnr_claim(BO), SCOPE);
    let before = sign_in_rows(&f.store).await;
    let r = callback(&f.router, &code, &state_of(&location), &cookie).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.body.contains("<h1>Vi hittar inga ärenden för dig</h1>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("ansöka om ekonomiskt bistånd"));
    assert!(r.body.contains("kontaktcenter"));
    assert!(!r.body.contains(BO) && !r.body.contains("19900101-1239"));
    assert!(!r.cookies().contains_key("stegvis_session"));
    only_the_refusal_was_audited(&f.store, before, "unknown_person").await;
    assert_eq!(rows(&f.store, "pending_external_logins").await, 0);
    no_personnummer_stored_outside_the_register(&f.store, &[BO]).await;

    // In English too.
    let (location, cookie) = start(&f.router).await;
    let code = provider.grant(&location, "eid-subject", None, pnr_claim(BO), SCOPE);
    let r = callback(
        &f.router,
        &code,
        &state_of(&location),
        &format!("{cookie}; stegvis_lang=en"),
    )
    .await;
    assert!(
        r.body.contains("We cannot find any matters for you"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn a_malformed_or_wrong_personnummer_claim_is_refused() {
    let provider = FakeProvider::start_eid().await;
    let f = eid_fixture(&provider).await;
    // Alva's number with the check digit 8 (it is 9), the dashed and ten-digit forms (the century is not a
    // broker's to leave out), letters, and nothing.
    for claim in ["198005171238", "19800517-1239", "8005171239", "19800517123X", ""] {
        let before = sign_in_rows(&f.store).await;
        let r = sign_in_with(&f, &provider, pnr_claim(claim)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{claim}");
        assert!(
            r.body.contains("gav inget giltigt personnummer"),
            "{claim}: {}",
            r.body
        );
        assert!(r.body.contains("href=\"/login/eid\""));
        assert!(!r.cookies().contains_key("stegvis_session"));
        only_the_refusal_was_audited(&f.store, before, "invalid_personnummer").await;
    }
    no_personnummer_stored_outside_the_register(&f.store, &[ALVA]).await;
}

#[tokio::test]
async fn a_missing_claim_is_refused_and_the_claim_name_is_configurable() {
    let provider = FakeProvider::start_eid().await;
    let f = eid_fixture(&provider).await;
    // No claim; the number under another claim's name; the number as a JSON number rather than a string.
    for with in [
        claims(&[]),
        claims(&[("personal_number", serde_json::json!(ALVA))]),
        claims(&[(CLAIM, serde_json::json!(198_005_171_239_i64))]),
    ] {
        let before = sign_in_rows(&f.store).await;
        let r = sign_in_with(&f, &provider, with.clone()).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{with:?}");
        assert!(r.body.contains("gav inget giltigt personnummer"), "{}", r.body);
        only_the_refusal_was_audited(&f.store, before, "missing_claim").await;
    }

    // A broker that calls it personal_number, configured so (and asking for its own scope).
    let provider = FakeProvider::start_eid().await;
    let mut eid = eid_config(&provider);
    eid.personnummer_claim = "personal_number".into();
    eid.scopes = vec!["profile".into()];
    let f = fixture_with(move |c| c.eid = Some(eid)).await;
    let (location, cookie) = start(&f.router).await;
    let code = provider.grant(
        &location,
        "eid-subject",
        None,
        claims(&[("personal_number", serde_json::json!(ALVA))]),
        "openid profile",
    );
    let r = callback(&f.router, &code, &state_of(&location), &cookie).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.headers[header::LOCATION], "/mina-sidor");
}

#[tokio::test]
async fn a_replayed_callback_and_a_wrong_nonce_are_refused() {
    let provider = FakeProvider::start_eid().await;
    let f = eid_fixture(&provider).await;
    let (location, cookie) = start(&f.router).await;
    let code = provider.grant(&location, "eid-subject", None, pnr_claim(ALVA), SCOPE);
    let state = state_of(&location);
    let r = callback(&f.router, &code, &state, &cookie).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The same callback again: the started sign-in was used.
    let before = sign_in_rows(&f.store).await;
    let r = callback(&f.router, &code, &state, &cookie).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Inloggningen hann gå ut"), "{}", r.body);
    assert!(!r.cookies().contains_key("stegvis_session"));
    only_the_refusal_was_audited(&f.store, before, "expired").await;

    // An ID token with another sign-in's nonce: the crate refuses it.
    let (location, cookie) = start(&f.router).await;
    let code = provider.grant(
        &location,
        "eid-subject",
        Some("someone-elses-nonce"),
        pnr_claim(ALVA),
        SCOPE,
    );
    let before = sign_in_rows(&f.store).await;
    let r = callback(&f.router, &code, &state_of(&location), &cookie).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        r.body.contains("Inloggningen med e-legitimation misslyckades"),
        "{}",
        r.body
    );
    assert!(!r.cookies().contains_key("stegvis_session"));
    only_the_refusal_was_audited(&f.store, before, "token_refused").await;

    // A state that is not this browser's, and a cancelled sign-in.
    let (location, _) = start(&f.router).await;
    let before = sign_in_rows(&f.store).await;
    let r = callback(
        &f.router,
        "code",
        &state_of(&location),
        "stegvis_eid_state=forged",
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    only_the_refusal_was_audited(&f.store, before, "expired").await;
    let (location, cookie) = start(&f.router).await;
    let before = sign_in_rows(&f.store).await;
    let r = get(
        &f.router,
        &format!(
            "/login/eid/callback?error=access_denied&state={}",
            state_of(&location)
        ),
        &cookie,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        r.body.contains("Inloggningen med e-legitimation avbröts"),
        "{}",
        r.body
    );
    only_the_refusal_was_audited(&f.store, before, "cancelled").await;
}

#[tokio::test]
async fn staff_are_never_signed_in_by_personnummer() {
    let staff_provider = FakeProvider::start().await;
    let provider = FakeProvider::start_eid().await;
    let (oidc, eid): (OidcConfig, EidConfig) = (staff_provider.config(), eid_config(&provider));
    let f = fixture_with(move |c| {
        c.oidc = Some(oidc);
        c.eid = Some(eid);
    })
    .await;
    // A caseworker who is also in the register, with a staff account that names their person record.
    let kim = register(&f, BO, "Kim Ek", ProtectedIdentity::None).await;
    let a = Actor::system("test", "setup", "2026-03-02T08:00:00Z".parse().unwrap());
    let north = f.store.units().await.unwrap()[0].0;
    let staff = f
        .store
        .create_account(
            &a,
            NewAccount {
                username: "kim.ek".into(),
                display_name: "Kim Ek".into(),
                role: Role::Caseworker,
                staff: None,
                person: Some(kim),
                password_hash: hash_password("hemligt").unwrap(),
                units: vec![north],
            },
        )
        .await
        .unwrap();

    // Signing in with e-legitimation gives an applicant session on an applicant account of its own, never the
    // staff account.
    let r = sign_in_with(&f, &provider, pnr_claim(BO)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let accounts = accounts_of(&f.store, kim).await;
    assert_eq!(accounts.len(), 2);
    let applicant = accounts.iter().find(|a| a.id != staff).unwrap();
    assert_eq!(applicant.role, Role::Applicant);
    let last = last_audit(&f.store, 1).await;
    assert_eq!(
        last[0].3,
        format!("{{\"account\":{},\"method\":\"eid\"}}", applicant.id.0)
    );
    let session = format!("stegvis_session={}", r.cookies()["stegvis_session"]);
    assert_eq!(
        get(&f.router, "/arenden", &session).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(&f.router, "/mina-sidor", &session).await.status,
        StatusCode::OK
    );

    // A staff sign-in started at the staff provider is not finished at the applicants' callback, even with its
    // state put into the applicants' cookie.
    let r = get(&f.router, "/login/oidc", "").await;
    let staff_state = r.cookies()["stegvis_oidc_state"].clone();
    let before = sign_in_rows(&f.store).await;
    let r = callback(
        &f.router,
        "code",
        &staff_state,
        &format!("stegvis_eid_state={staff_state}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    only_the_refusal_was_audited(&f.store, before, "expired").await;
}

#[tokio::test]
async fn a_person_with_protected_identity_signs_in_and_their_name_is_not_copied_anywhere() {
    let provider = FakeProvider::start_eid().await;
    let f = eid_fixture(&provider).await;
    let hidden = register(&f, BO, "Dold Person", ProtectedIdentity::SkyddadFolkbokforing).await;
    let r = sign_in_with(&f, &provider, pnr_claim(BO)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.headers[header::LOCATION], "/mina-sidor");
    let account = accounts_of(&f.store, hidden).await.remove(0);
    assert_eq!(account.display_name, "Skyddad identitet");
    let session = format!("stegvis_session={}", r.cookies()["stegvis_session"]);
    assert_eq!(
        get(&f.router, "/mina-sidor", &session).await.status,
        StatusCode::OK
    );
    // The administrator's list of accounts does not show the name either.
    let adm = session_with(&f.router, "adm", "hemligt").await;
    let users = get(&f.router, "/admin/anvandare", &adm).await;
    assert!(!users.body.contains("Dold Person"));
    use sqlx::Row;
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE detail_json LIKE '%Dold%'")
        .fetch_one(f.store.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(n, 0);
    no_personnummer_stored_outside_the_register(&f.store, &[BO]).await;
}

#[tokio::test]
async fn applicant_passwords_are_refused_outside_demo_mode_and_allowed_in_it() {
    // Outside demo mode, with e-legitimation configured: the right password is refused with a pointer to it.
    let provider = FakeProvider::start_eid().await;
    let eid = eid_config(&provider);
    let f = fixture_with(move |c| {
        c.demo_mode = false;
        c.eid = Some(eid);
    })
    .await;
    let before = [
        rows(&f.store, "sessions").await,
        rows(&f.store, "login_attempts").await,
    ];
    let r = sign_in(&f.router, "ann", "hemligt").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(
        r.body.contains("Som sökande loggar du in med e-legitimation"),
        "{}",
        r.body
    );
    assert!(r.body.contains("href=\"#eid\""), "{}", r.body);
    assert!(!r.cookies().contains_key("stegvis_session"));
    // A failed sign-in like any other (it counts towards the throttle), no session.
    assert_eq!(
        [
            rows(&f.store, "sessions").await,
            rows(&f.store, "login_attempts").await
        ],
        [before[0], before[1] + 1]
    );
    // A wrong password is just a wrong password (the message does not tell whose account it is).
    let r = sign_in(&f.router, "ann", "fel").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(!r.body.contains("e-legitimation (BankID"));
    // Staff still sign in with their passwords.
    assert_eq!(
        sign_in(&f.router, "kim", "hemligt").await.status,
        StatusCode::SEE_OTHER
    );
    // In English.
    let form = get(&f.router, "/login", "stegvis_lang=en").await;
    let csrf = form.cookies()["stegvis_login_csrf"].clone();
    let r = post(
        &f.router,
        "/login",
        &format!("stegvis_login_csrf={csrf}; stegvis_lang=en"),
        &format!("username=ann&password=hemligt&csrf_token={csrf}&next=/"),
    )
    .await;
    assert!(
        r.body
            .contains("As an applicant you sign in with e-identification"),
        "{}",
        r.body
    );

    // In demo mode (the fixture's default) the demo's applicant signs in with the password.
    let f = fixture().await;
    let r = sign_in(&f.router, "ann", "hemligt").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn without_an_eid_section_there_is_no_button_and_no_route_and_a_broker_that_is_down_is_said_so() {
    let f = fixture().await;
    assert!(!get(&f.router, "/login", "").await.body.contains("/login/eid"));
    assert_eq!(
        get(&f.router, "/login/eid", "").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&f.router, "/login/eid/callback?code=x&state=y", "")
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // A port that nobody listens on any more.
    let issuer = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let eid = EidConfig {
        issuer_url: issuer,
        client_id: CLIENT_ID.into(),
        redirect_url: EID_REDIRECT.into(),
        ..EidConfig::default()
    };
    let f = fixture_with(move |c| c.eid = Some(eid)).await;
    let before = rows(&f.store, "pending_external_logins").await;
    let r = get(&f.router, "/login/eid", "").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.body.contains("går inte att nå just nu"), "{}", r.body);
    assert!(r.body.contains("name=\"password\""));
    assert_eq!(rows(&f.store, "pending_external_logins").await, before);
}
