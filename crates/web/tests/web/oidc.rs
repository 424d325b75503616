//! Sign-in through the municipality's OpenID Connect provider, against a fake provider run inside the test (an axum
//! server on 127.0.0.1 with discovery, a JWKS of an RSA key made at test time, and a token endpoint that checks the
//! PKCE verifier and signs ID tokens, with any extra claims a test asks for): the whole flow, every refusal, a
//! provider that is down, and the administrator's link form. The same fake stands in for the applicants'
//! e-identification broker (`eid.rs`).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use axum::extract::State;
use jiff::Timestamp;
use openidconnect::core::{
    CoreGenderClaim, CoreJsonWebKeySet, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreRsaPrivateSigningKey,
};
use openidconnect::url::Url;
use openidconnect::{
    AdditionalClaims, Audience, EndUserUsername, IdToken, IdTokenClaims, IssuerUrl, JsonWebKeyId, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, PrivateSigningKey, StandardClaims, SubjectIdentifier,
};
use rsa::pkcs1::{EncodeRsaPrivateKey, LineEnding};
use store::ExternalSignIn;
use web::config::{OidcConfig, SubjectClaim};

use crate::support::*;

pub(crate) const CLIENT_ID: &str = "stegvis-test";
pub(crate) const CLIENT_SECRET: &str = "client-secret-for-tests";
const REDIRECT: &str = "http://127.0.0.1:8080/login/oidc/callback";
pub(crate) const EID_REDIRECT: &str = "http://127.0.0.1:8080/login/eid/callback";

/// Claims the fake provider adds to an ID token beyond the standard ones (a broker's personnummer claim).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub(crate) struct ExtraClaims {
    #[serde(flatten)]
    claims: serde_json::Map<String, serde_json::Value>,
}

impl AdditionalClaims for ExtraClaims {}

type TestIdToken =
    IdToken<ExtraClaims, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm>;

/// One RSA key for the whole test binary (making one takes a moment).
fn key_pem() -> &'static str {
    static PEM: OnceLock<String> = OnceLock::new();
    PEM.get_or_init(|| {
        let key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
        key.to_pkcs1_pem(LineEnding::LF).unwrap().to_string()
    })
}

/// What the fake provider's authorization endpoint would have granted: who signed in, for which sign-in.
struct Grant {
    subject: String,
    nonce: String,
    challenge: String,
    claims: serde_json::Map<String, serde_json::Value>,
}

struct ProviderState {
    issuer: String,
    /// The one callback registered for the client (the staff's or the applicants').
    redirect: &'static str,
    key: CoreRsaPrivateSigningKey,
    /// The provider's clock: the instant ID tokens are issued at.
    now: Timestamp,
    grants: Mutex<HashMap<String, Grant>>,
    next_code: Mutex<u32>,
}

/// A fake OpenID provider on a free loopback port.
pub(crate) struct FakeProvider {
    pub(crate) issuer: String,
    state: Arc<ProviderState>,
}

impl FakeProvider {
    pub(crate) async fn start() -> FakeProvider {
        FakeProvider::start_for(REDIRECT).await
    }

    /// The fake as the applicants' e-identification broker: its client's callback is `/login/eid/callback`.
    pub(crate) async fn start_eid() -> FakeProvider {
        FakeProvider::start_for(EID_REDIRECT).await
    }

    async fn start_for(redirect: &'static str) -> FakeProvider {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(ProviderState {
            issuer: issuer.clone(),
            redirect,
            key: CoreRsaPrivateSigningKey::from_pem(key_pem(), Some(JsonWebKeyId::new("k1".into()))).unwrap(),
            now: "2026-03-02T08:00:00Z".parse().unwrap(),
            grants: Mutex::new(HashMap::new()),
            next_code: Mutex::new(0),
        });
        let app = axum::Router::new()
            .route("/.well-known/openid-configuration", axum::routing::get(discovery))
            .route("/jwks", axum::routing::get(jwks))
            .route("/token", axum::routing::post(token))
            .with_state(state.clone());
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        FakeProvider { issuer, state }
    }

    /// The `[oidc]` section for this provider.
    pub(crate) fn config(&self) -> OidcConfig {
        OidcConfig {
            issuer_url: self.issuer.clone(),
            client_id: CLIENT_ID.into(),
            client_secret: Some(CLIENT_SECRET.into()),
            redirect_url: REDIRECT.into(),
            ..OidcConfig::default()
        }
    }

    /// The person `subject` signs in at the provider for the sign-in whose authorization URL is `location`; the
    /// provider will put `nonce` (the request's own, unless a test says otherwise) into the ID token. The code.
    fn authorize(&self, location: &str, subject: &str, nonce: Option<&str>) -> String {
        assert_eq!(self.state.redirect, REDIRECT);
        self.grant(location, subject, nonce, serde_json::Map::new(), "openid profile")
    }

    /// As [`FakeProvider::authorize`], for the e-identification broker: the ID token will also carry `claims`, and
    /// the request must ask for `scope`.
    pub(crate) fn grant(
        &self,
        location: &str,
        subject: &str,
        nonce: Option<&str>,
        claims: serde_json::Map<String, serde_json::Value>,
        scope: &str,
    ) -> String {
        let url = Url::parse(location).unwrap();
        let q: HashMap<String, String> = url.query_pairs().into_owned().collect();
        assert!(
            location.starts_with(&format!("{}/authorize?", self.issuer)),
            "{location}"
        );
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], CLIENT_ID);
        assert_eq!(q["redirect_uri"], self.state.redirect);
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["scope"], scope);
        let mut n = self.state.next_code.lock().unwrap();
        *n += 1;
        let code = format!("code-{n}");
        self.state.grants.lock().unwrap().insert(
            code.clone(),
            Grant {
                subject: subject.into(),
                nonce: nonce.unwrap_or(&q["nonce"]).into(),
                challenge: q["code_challenge"].clone(),
                claims,
            },
        );
        code
    }
}

async fn discovery(State(p): State<Arc<ProviderState>>) -> axum::Json<serde_json::Value> {
    let i = &p.issuer;
    axum::Json(serde_json::json!({
        "issuer": i,
        "authorization_endpoint": format!("{i}/authorize"),
        "token_endpoint": format!("{i}/token"),
        "jwks_uri": format!("{i}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
    }))
}

async fn jwks(State(p): State<Arc<ProviderState>>) -> axum::Json<CoreJsonWebKeySet> {
    axum::Json(CoreJsonWebKeySet::new(vec![p.key.as_verification_key()]))
}

/// The token endpoint: the client's credentials, a code used once, and the PKCE verifier that matches its challenge.
async fn token(
    State(p): State<Arc<ProviderState>>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let refuse = |error: &str| {
        (
            StatusCode::BAD_REQUEST,
            axum::Json(serde_json::json!({ "error": error })),
        )
            .into_response()
    };
    let basic = format!(
        "Basic {}",
        base64_standard(format!("{CLIENT_ID}:{CLIENT_SECRET}").as_bytes())
    );
    if headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) != Some(basic.as_str()) {
        return refuse("invalid_client");
    }
    if form.get("grant_type").map(String::as_str) != Some("authorization_code")
        || form.get("redirect_uri").map(String::as_str) != Some(p.redirect)
    {
        return refuse("invalid_request");
    }
    let Some(grant) = form.get("code").and_then(|c| p.grants.lock().unwrap().remove(c)) else {
        return refuse("invalid_grant");
    };
    let verifier = PkceCodeVerifier::new(form.get("code_verifier").cloned().unwrap_or_default());
    if PkceCodeChallenge::from_code_verifier_sha256(&verifier).as_str() != grant.challenge {
        return refuse("invalid_grant");
    }
    let at = |t: Timestamp| chrono::DateTime::from_timestamp(t.as_second(), 0).unwrap();
    let expires = p.now.checked_add(jiff::SignedDuration::from_mins(5)).unwrap();
    let claims = IdTokenClaims::new(
        IssuerUrl::new(p.issuer.clone()).unwrap(),
        vec![Audience::new(CLIENT_ID.into())],
        at(expires),
        at(p.now),
        StandardClaims::<CoreGenderClaim>::new(SubjectIdentifier::new(grant.subject.clone()))
            .set_preferred_username(Some(EndUserUsername::new(format!("{}@kommun", grant.subject)))),
        ExtraClaims { claims: grant.claims },
    )
    .set_nonce(Some(Nonce::new(grant.nonce)));
    let id_token = TestIdToken::new(
        claims,
        &p.key,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        None,
        None,
    )
    .unwrap();
    axum::Json(serde_json::json!({
        "access_token": "access-token",
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": id_token,
    }))
    .into_response()
}

/// Standard base64 with padding (HTTP Basic), small enough to write out here.
fn base64_standard(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The fixture with sign-in through `provider` turned on.
pub(crate) async fn oidc_fixture(provider: &FakeProvider) -> Fixture {
    let oidc = provider.config();
    fixture_with(move |c| c.oidc = Some(oidc)).await
}

/// Starts a sign-in: the provider's authorization URL, and the cookie header that carries the state back.
async fn start(router: &Router) -> (String, String) {
    let r = get(router, "/login/oidc", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.headers[header::LOCATION].to_str().unwrap().to_owned();
    let state = r.cookies()["stegvis_oidc_state"].clone();
    (location, format!("stegvis_oidc_state={state}"))
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

async fn callback(router: &Router, code: &str, state: &str, cookie: &str) -> Reply {
    get(
        router,
        &format!("/login/oidc/callback?code={code}&state={state}"),
        cookie,
    )
    .await
}

/// Rows in the tables a sign-in writes to: (sessions, login_attempts, audit_log, external_identities, accounts).
async fn sign_in_rows(store: &SqlStore) -> [i64; 5] {
    [
        rows(store, "sessions").await,
        rows(store, "login_attempts").await,
        rows(store, "audit_log").await,
        rows(store, "external_identities").await,
        rows(store, "accounts").await,
    ]
}

/// Asserts that a refused callback wrote only the failed sign-in (its attempt row and its audit record).
async fn only_a_failed_sign_in_was_recorded(store: &SqlStore, before: [i64; 5]) {
    let [sessions, attempts, audit, links, accounts] = before;
    assert_eq!(
        sign_in_rows(store).await,
        [sessions, attempts + 1, audit + 1, links, accounts]
    );
    let row = sqlx::query("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(
        sqlx::Row::try_get::<String, _>(&row, 0).unwrap(),
        "auth.login_failed"
    );
}

async fn account_id(store: &SqlStore, username: &str) -> store::AccountId {
    store.account_by_username(username).await.unwrap().unwrap().id
}

fn setup_actor() -> Actor {
    Actor::system("test", "setup", "2026-03-02T08:00:00Z".parse().unwrap())
}

async fn link(f: &Fixture, provider: &FakeProvider, username: &str, subject: &str) {
    let id = account_id(&f.store, username).await;
    f.store
        .link_external(&setup_actor(), id, &provider.issuer, subject)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_linked_subject_signs_in_as_its_account_with_a_database_session() {
    let provider = FakeProvider::start().await;
    let f = oidc_fixture(&provider).await;
    link(&f, &provider, "kim", "anst-4711").await;

    // The sign-in page offers the provider beside the local form, as a plain link (no JavaScript).
    let page = get(&f.router, "/login", "").await;
    assert!(page.body.contains("href=\"/login/oidc\""), "{}", page.body);
    assert!(page.body.contains("Logga in med kommunens konto"));
    assert!(page.body.contains("name=\"password\""));
    let page = get(&f.router, "/login?next=/arenden", "").await;
    assert!(
        page.body.contains("href=\"/login/oidc?next=/arenden\""),
        "{}",
        page.body
    );

    let r = get(&f.router, "/login/oidc?next=/arenden", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let set_cookie = r.headers[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(
        set_cookie.contains("HttpOnly")
            && set_cookie.contains("SameSite=Lax")
            && set_cookie.contains("Path=/login/oidc"),
        "{set_cookie}"
    );
    let location = r.headers[header::LOCATION].to_str().unwrap().to_owned();
    let state = r.cookies()["stegvis_oidc_state"].clone();
    assert_eq!(state_of(&location), state);
    // State, nonce and verifier are kept on the server, the state only as a hash.
    assert_eq!(rows(&f.store, "pending_external_logins").await, 1);

    let before = sign_in_rows(&f.store).await;
    let code = provider.authorize(&location, "anst-4711", None);
    let r = callback(&f.router, &code, &state, &format!("stegvis_oidc_state={state}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.headers[header::LOCATION], "/arenden");
    // One session, one sign-in record, one audit record, exactly as a local sign-in; the pending sign-in is gone.
    let [sessions, attempts, audit, links, accounts] = before;
    assert_eq!(
        sign_in_rows(&f.store).await,
        [sessions + 1, attempts + 1, audit + 1, links, accounts]
    );
    assert_eq!(rows(&f.store, "pending_external_logins").await, 0);
    let row = sqlx::query("SELECT action, detail_json, page FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_one(f.store.pool())
        .await
        .unwrap();
    let kim = account_id(&f.store, "kim").await;
    assert_eq!(sqlx::Row::try_get::<String, _>(&row, 0).unwrap(), "auth.login");
    assert_eq!(
        sqlx::Row::try_get::<String, _>(&row, 1).unwrap(),
        format!("{{\"account\":{}}}", kim.0)
    );
    assert_eq!(sqlx::Row::try_get::<String, _>(&row, 2).unwrap(), "login/oidc");

    // The session is an ordinary one: kim's pages, and sign-out ends it.
    let session = format!("stegvis_session={}", r.cookies()["stegvis_session"]);
    let home = get(&f.router, "/arenden", &session).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Test kim"), "{}", home.body);

    // The same callback again (a replay) is refused: the state was used.
    let before = sign_in_rows(&f.store).await;
    let r = callback(&f.router, &code, &state, &format!("stegvis_oidc_state={state}")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Inloggningen hann gå ut"), "{}", r.body);
    assert!(!r.cookies().contains_key("stegvis_session"));
    only_a_failed_sign_in_was_recorded(&f.store, before).await;
}

#[tokio::test]
async fn the_preferred_username_can_be_the_claim_that_is_linked() {
    let provider = FakeProvider::start().await;
    let mut oidc = provider.config();
    oidc.subject_claim = SubjectClaim::PreferredUsername;
    let f = fixture_with(move |c| c.oidc = Some(oidc)).await;
    link(&f, &provider, "jo", "anst-7@kommun").await;
    let (location, cookie) = start(&f.router).await;
    let code = provider.authorize(&location, "anst-7", None);
    let r = callback(&f.router, &code, &state_of(&location), &cookie).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.headers[header::LOCATION], "/hem");
}

#[tokio::test]
async fn an_unknown_subject_is_refused_and_nothing_is_created() {
    let provider = FakeProvider::start().await;
    let f = oidc_fixture(&provider).await;
    let (location, cookie) = start(&f.router).await;
    let before = sign_in_rows(&f.store).await;
    let code = provider.authorize(&location, "nobody-here", None);
    let r = callback(&f.router, &code, &state_of(&location), &cookie).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("inte kopplat till något konto"), "{}", r.body);
    assert!(r.body.contains("Inget konto har skapats"));
    // The sign-in page again, local sign-in included.
    assert!(r.body.contains("name=\"password\""));
    assert!(!r.cookies().contains_key("stegvis_session"));
    only_a_failed_sign_in_was_recorded(&f.store, before).await;
    let row = sqlx::query("SELECT username, success FROM login_attempts ORDER BY id DESC LIMIT 1")
        .fetch_one(f.store.pool())
        .await
        .unwrap();
    assert_eq!(
        sqlx::Row::try_get::<String, _>(&row, 0).unwrap(),
        "oidc:nobody-here"
    );
    assert_eq!(sqlx::Row::try_get::<i64, _>(&row, 1).unwrap(), 0);
}

#[tokio::test]
async fn a_wrong_nonce_or_state_is_refused() {
    let provider = FakeProvider::start().await;
    let f = oidc_fixture(&provider).await;
    link(&f, &provider, "kim", "anst-4711").await;

    // The ID token carries another sign-in's nonce: the crate refuses it.
    let (location, cookie) = start(&f.router).await;
    let before = sign_in_rows(&f.store).await;
    let code = provider.authorize(&location, "anst-4711", Some("someone-elses-nonce"));
    let r = callback(&f.router, &code, &state_of(&location), &cookie).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        r.body
            .contains("Inloggningen via kommunens inloggningstjänst misslyckades"),
        "{}",
        r.body
    );
    assert!(!r.cookies().contains_key("stegvis_session"));
    only_a_failed_sign_in_was_recorded(&f.store, before).await;

    // A state that is not this browser's (login CSRF: someone else's sign-in), or none at all.
    let (location, cookie) = start(&f.router).await;
    let (other_location, _) = start(&f.router).await;
    let code = provider.authorize(&other_location, "anst-4711", None);
    for (state, cookie) in [
        (state_of(&other_location), cookie.clone()),
        (state_of(&location), "stegvis_oidc_state=forged".to_owned()),
        (state_of(&other_location), String::new()),
        (String::new(), cookie.clone()),
    ] {
        let before = sign_in_rows(&f.store).await;
        let r = callback(&f.router, &code, &state, &cookie).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{state} {cookie}");
        assert!(r.body.contains("Inloggningen hann gå ut"));
        assert!(!r.cookies().contains_key("stegvis_session"));
        only_a_failed_sign_in_was_recorded(&f.store, before).await;
    }
}

#[tokio::test]
async fn an_expired_sign_in_is_refused() {
    let provider = FakeProvider::start().await;
    let f = oidc_fixture(&provider).await;
    link(&f, &provider, "kim", "anst-4711").await;
    let (location, cookie) = start(&f.router).await;
    let code = provider.authorize(&location, "anst-4711", None);
    // Eleven minutes later: a started sign-in lives ten.
    f.clock.set("2026-03-02T08:11:00Z".parse().unwrap());
    let before = sign_in_rows(&f.store).await;
    let r = callback(&f.router, &code, &state_of(&location), &cookie).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Inloggningen hann gå ut"), "{}", r.body);
    assert!(!r.cookies().contains_key("stegvis_session"));
    only_a_failed_sign_in_was_recorded(&f.store, before).await;
    assert_eq!(rows(&f.store, "pending_external_logins").await, 0);
}

#[tokio::test]
async fn a_deactivated_account_is_refused() {
    let provider = FakeProvider::start().await;
    let f = oidc_fixture(&provider).await;
    link(&f, &provider, "kim", "anst-4711").await;
    let kim = account_id(&f.store, "kim").await;
    f.store
        .set_account_active(&setup_actor(), kim, false)
        .await
        .unwrap();
    let (location, cookie) = start(&f.router).await;
    let before = sign_in_rows(&f.store).await;
    let code = provider.authorize(&location, "anst-4711", None);
    let r = callback(&f.router, &code, &state_of(&location), &cookie).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("Kontot är inaktiverat"), "{}", r.body);
    assert!(!r.cookies().contains_key("stegvis_session"));
    only_a_failed_sign_in_was_recorded(&f.store, before).await;
}

#[tokio::test]
async fn an_error_from_the_provider_is_shown_and_the_state_is_used_up() {
    let provider = FakeProvider::start().await;
    let f = oidc_fixture(&provider).await;
    let (location, cookie) = start(&f.router).await;
    let state = state_of(&location);
    let before = sign_in_rows(&f.store).await;
    let r = get(
        &f.router,
        &format!("/login/oidc/callback?error=access_denied&error_description=User+cancelled&state={state}"),
        &cookie,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        r.body
            .contains("Inloggningen avbröts hos kommunens inloggningstjänst"),
        "{}",
        r.body
    );
    // The provider's own words are not shown (they are not ours to vouch for).
    assert!(!r.body.contains("User cancelled"));
    assert!(r.body.contains("name=\"password\""));
    only_a_failed_sign_in_was_recorded(&f.store, before).await;
    assert_eq!(rows(&f.store, "pending_external_logins").await, 0);

    // Any other error code, in English.
    let (location, cookie) = start(&f.router).await;
    let r = get(
        &f.router,
        &format!(
            "/login/oidc/callback?error=server_error&state={}",
            state_of(&location)
        ),
        &format!("{cookie}; stegvis_lang=en"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        r.body.contains("Signing in through the municipality") && r.body.contains("sign-in service failed"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn with_the_provider_down_the_server_serves_and_local_sign_in_works() {
    // A port that nobody listens on any more.
    let issuer = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let oidc = OidcConfig {
        issuer_url: issuer,
        client_id: CLIENT_ID.into(),
        client_secret: None,
        redirect_url: REDIRECT.into(),
        button_label: Some("Kommunens konto".into()),
        ..OidcConfig::default()
    };
    let f = fixture_with(move |c| c.oidc = Some(oidc)).await;
    let page = get(&f.router, "/login", "").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Kommunens konto"));

    let before = rows(&f.store, "pending_external_logins").await;
    let r = get(&f.router, "/login/oidc", "").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.body.contains("går inte att nå just nu"), "{}", r.body);
    assert!(r.body.contains("name=\"password\""));
    assert_eq!(rows(&f.store, "pending_external_logins").await, before);

    // The page it shows has a working local form: its CSRF cookie and field match.
    let csrf = r.cookies()["stegvis_login_csrf"].clone();
    assert_eq!(r.hidden("csrf_token"), csrf);
    let signed = post(
        &f.router,
        "/login",
        &format!("stegvis_login_csrf={csrf}"),
        &format!("username=kim&password=hemligt&csrf_token={csrf}&next=/"),
    )
    .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    assert!(signed.cookies().contains_key("stegvis_session"));
}

#[tokio::test]
async fn without_an_oidc_section_there_is_no_button_and_no_route() {
    let f = fixture().await;
    assert!(!get(&f.router, "/login", "").await.body.contains("/login/oidc"));
    assert_eq!(
        get(&f.router, "/login/oidc", "").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&f.router, "/login/oidc/callback?code=x&state=y", "")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn administrators_link_and_unlink_with_field_errors_for_bad_input() {
    let provider = FakeProvider::start().await;
    let f = oidc_fixture(&provider).await;
    let adm = session(&f.router, "adm").await;
    let kim = account_id(&f.store, "kim").await.0;
    let path = format!("/admin/anvandare/{kim}");
    let page = get(&f.router, &path, &adm).await;
    assert!(
        page.body.contains("Inloggning med kommunens konto"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Inga kopplingar."));
    let csrf = page.hidden("csrf_token");

    // Empty, too long, with a control character: the problem next to the field, nothing stored.
    let too_long = "x".repeat(256);
    for (subject, message) in [
        ("", "Fältet måste fyllas i"),
        ("+++", "Fältet måste fyllas i"),
        (too_long.as_str(), "Högst 255 tecken"),
        ("a%09b", "Uppgiften har fel form"),
    ] {
        let before = (
            admin_rows(&f.store).await,
            rows(&f.store, "external_identities").await,
        );
        let r = post(
            &f.router,
            &path,
            &adm,
            &format!("csrf_token={csrf}&action=link&subject={subject}"),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{subject}");
        assert!(r.body.contains("id=\"subject-error\""), "{subject}: {}", r.body);
        assert!(r.body.contains(message), "{subject}: {message}");
        assert!(r.body.contains("aria-invalid=\"true\""));
        assert_eq!(
            (
                admin_rows(&f.store).await,
                rows(&f.store, "external_identities").await
            ),
            before,
            "{subject}"
        );
    }
    let wrong_csrf = post(
        &f.router,
        &path,
        &adm,
        "csrf_token=wrong&action=link&subject=anst-1",
    )
    .await;
    assert_eq!(wrong_csrf.status, StatusCode::FORBIDDEN);
    assert_eq!(rows(&f.store, "external_identities").await, 0);

    // A good subject is linked to the configured issuer (never one from the form), and audited.
    let audit = rows(&f.store, "audit_log").await;
    let r = post(
        &f.router,
        &path,
        &adm,
        &format!("csrf_token={csrf}&action=link&subject=+anst-4711+&issuer=https://evil.example"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(rows(&f.store, "audit_log").await, audit + 1);
    let links = f.store.external_links(store::AccountId(kim)).await.unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(
        (links[0].issuer.as_str(), links[0].subject.as_str()),
        (provider.issuer.as_str(), "anst-4711")
    );
    let page = get(&f.router, &path, &adm).await;
    assert!(page.body.contains("anst-4711"));

    // The same subject for another account is taken.
    let lo = account_id(&f.store, "lo").await.0;
    let r = post(
        &f.router,
        &format!("/admin/anvandare/{lo}"),
        &adm,
        &format!("csrf_token={csrf}&action=link&subject=anst-4711"),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("id=\"subject-error\""));
    assert!(r.body.contains("Användar-id:t är redan kopplat till ett konto"));
    assert_eq!(rows(&f.store, "external_identities").await, 1);

    // The linked person signs in; after unlinking they are refused.
    let (location, cookie) = start(&f.router).await;
    let code = provider.authorize(&location, "anst-4711", None);
    let r = callback(&f.router, &code, &state_of(&location), &cookie).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let issuer = provider.issuer.clone();
    let r = post(
        &f.router,
        &path,
        &adm,
        &format!("csrf_token={csrf}&action=unlink&issuer={issuer}&subject=anst-4711"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(rows(&f.store, "external_identities").await, 0);
    let (location, cookie) = start(&f.router).await;
    let code = provider.authorize(&location, "anst-4711", None);
    let r = callback(&f.router, &code, &state_of(&location), &cookie).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Unlinking what is not linked: a problem on the field, nothing written.
    let audit = rows(&f.store, "audit_log").await;
    let r = post(
        &f.router,
        &path,
        &adm,
        &format!("csrf_token={csrf}&action=unlink&issuer={issuer}&subject=anst-4711"),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(rows(&f.store, "audit_log").await, audit);
}

#[tokio::test]
async fn only_administrators_link_external_subjects() {
    let provider = FakeProvider::start().await;
    let f = oidc_fixture(&provider).await;
    let kim = account_id(&f.store, "kim").await.0;
    for user in ["kim", "lo", "jo", "mia", "rev", "ann", "pol", "cid"] {
        let cookie = session(&f.router, user).await;
        let csrf = get(&f.router, "/hem", &cookie).await.hidden("csrf_token");
        for action in ["link", "unlink"] {
            let r = post(
                &f.router,
                &format!("/admin/anvandare/{kim}"),
                &cookie,
                &format!(
                    "csrf_token={csrf}&action={action}&subject=anst-1&issuer={}",
                    provider.issuer
                ),
            )
            .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{user} {action}");
        }
    }
    assert_eq!(rows(&f.store, "external_identities").await, 0);
    // Each refusal was audited as access.denied, in the application core.
    let row = sqlx::query("SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied'")
        .fetch_one(f.store.pool())
        .await
        .unwrap();
    assert_eq!(sqlx::Row::try_get::<i64, _>(&row, 0).unwrap(), 16);
}
