//! The OpenID Connect client for sign-in through the municipality's provider, on the `openidconnect` crate: discovery
//! (lazily, on first use, kept for an hour and again after a refused token, so the server starts and local sign-in
//! works while the provider is down), the Authorization Code flow with PKCE (S256), state and nonce, and the code
//! exchange whose ID token the crate verifies: signature against the provider's published keys, issuer, audience,
//! expiry (by the application's clock) and nonce.
//!
//! The same client serves the staff's provider (`[oidc]`) and the applicants' e-identification broker (`[eid]`),
//! each as its own [`Provider`]: they differ only in registration and in the claim that is read.
//!
//! What to do with the subject it vouches for is the application core's (`app::external_auth`,
//! `app::citizen_auth`).

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreErrorResponseType, CoreGenderClaim, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreProviderMetadata, CoreResponseType,
    CoreRevocableToken, CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenFields, IssuerUrl, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope, StandardErrorResponse,
    StandardTokenResponse, TokenResponse, reqwest,
};
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use crate::config::{EidConfig, OidcConfig, SubjectClaim};

/// The ID token's claims beyond the standard ones, by name: a broker's personnummer claim is one of them
/// (`https://id.oidc.se/claim/personalIdentityNumber`, `personal_number`, ...), and which one is configuration.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct OtherClaims {
    #[serde(flatten)]
    claims: serde_json::Map<String, serde_json::Value>,
}

impl AdditionalClaims for OtherClaims {}

type IdFields = IdTokenFields<
    OtherClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

/// The client as discovery makes it (authorization endpoint set, token and user-info endpoints as published),
/// keeping the ID token's other claims.
type Client = openidconnect::Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    StandardTokenResponse<IdFields, CoreTokenType>,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Which claim of the verified ID token names the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    Sub,
    PreferredUsername,
    /// Another claim, by name, whose value is a string (a broker's personnummer claim).
    Named(String),
}

/// A provider's registration and the claim read from its ID tokens: from `[oidc]` or `[eid]`.
#[derive(Clone)]
pub struct Settings {
    pub issuer_url: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub redirect_url: String,
    pub scopes: Vec<String>,
    pub claim: Claim,
}

/// The client secret is never printed.
impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("issuer_url", &self.issuer_url)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("redirect_url", &self.redirect_url)
            .field("scopes", &self.scopes)
            .field("claim", &self.claim)
            .finish()
    }
}

impl From<&OidcConfig> for Settings {
    fn from(c: &OidcConfig) -> Settings {
        Settings {
            issuer_url: c.issuer_url.clone(),
            client_id: c.client_id.clone(),
            client_secret: c.client_secret.clone(),
            redirect_url: c.redirect_url.clone(),
            scopes: c.scopes.clone(),
            claim: match c.subject_claim {
                SubjectClaim::Sub => Claim::Sub,
                SubjectClaim::PreferredUsername => Claim::PreferredUsername,
            },
        }
    }
}

impl From<&EidConfig> for Settings {
    fn from(c: &EidConfig) -> Settings {
        Settings {
            issuer_url: c.issuer_url.clone(),
            client_id: c.client_id.clone(),
            client_secret: c.client_secret.clone(),
            redirect_url: c.redirect_url.clone(),
            scopes: c.scopes.clone(),
            claim: Claim::Named(c.personnummer_claim.clone()),
        }
    }
}

/// How long discovered metadata and keys are used before they are read again.
const DISCOVERY_LIFETIME: SignedDuration = SignedDuration::from_hours(1);

/// A call to the provider that takes longer than this fails (and the page says so) rather than hanging.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a sign-in through the provider failed. The messages name no person and no token.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("the HTTP client could not be set up: {0}")]
    Setup(String),
    #[error("the provider could not be reached or its discovery document was refused: {0}")]
    Unreachable(String),
    #[error("the provider refused the code: {0}")]
    Exchange(String),
    #[error("the provider's answer has no ID token")]
    NoIdToken,
    #[error("the ID token was refused: {0}")]
    Token(String),
    /// The claim is missing or not a string. Its name only: never its value.
    #[error("the ID token has no {0} claim")]
    NoSubject(String),
}

/// Where to send the browser, and what to keep on the server until it comes back.
#[derive(Debug)]
pub struct Authorization {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// The configured provider and what discovery found out about it.
pub struct Provider {
    config: Settings,
    issuer: IssuerUrl,
    redirect: RedirectUrl,
    http: reqwest::Client,
    discovered: Mutex<Option<(Client, Timestamp)>>,
}

/// The secret is in the configuration, whose Debug hides it; the client is not printed at all.
impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("issuer", &self.issuer.as_str())
            .finish_non_exhaustive()
    }
}

impl Provider {
    /// Prepares the client; contacts nobody (the configuration has been validated).
    pub fn new(config: impl Into<Settings>) -> Result<Provider, OidcError> {
        let config: Settings = config.into();
        let issuer =
            IssuerUrl::new(config.issuer_url.clone()).map_err(|e| OidcError::Setup(e.to_string()))?;
        let redirect =
            RedirectUrl::new(config.redirect_url.clone()).map_err(|e| OidcError::Setup(e.to_string()))?;
        let http = reqwest::Client::builder()
            // Following redirects would let a provider's answer send this server anywhere (SSRF).
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .build()
            .map_err(|e| OidcError::Setup(e.to_string()))?;
        Ok(Provider {
            config,
            issuer,
            redirect,
            http,
            discovered: Mutex::new(None),
        })
    }

    /// The issuer as configured: the key of the administrators' links.
    pub fn issuer(&self) -> &str {
        &self.config.issuer_url
    }

    /// The client from discovery, discovering again when it is older than [`DISCOVERY_LIFETIME`] or was dropped.
    async fn client(&self, now: Timestamp) -> Result<Client, OidcError> {
        let mut discovered = self.discovered.lock().await;
        if let Some((client, at)) = discovered.as_ref()
            && now.duration_since(*at) < DISCOVERY_LIFETIME
        {
            return Ok(client.clone());
        }
        let metadata = CoreProviderMetadata::discover_async(self.issuer.clone(), &self.http)
            .await
            .map_err(|e| OidcError::Unreachable(error_chain(&e)))?;
        let client = Client::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            self.config.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(self.redirect.clone());
        *discovered = Some((client.clone(), now));
        Ok(client)
    }

    /// Forgets the discovered keys, so that the next sign-in reads them again (the provider may have rotated them).
    async fn forget(&self) {
        *self.discovered.lock().await = None;
    }

    /// Starts a sign-in: the provider's authorization URL with fresh random state, nonce and PKCE challenge.
    pub async fn authorize(&self, now: Timestamp) -> Result<Authorization, OidcError> {
        let client = self.client(now).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client.authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        );
        for scope in &self.config.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
        Ok(Authorization {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Exchanges the code (with the PKCE verifier) for tokens and returns the configured claim of the verified ID
    /// token.
    pub async fn subject(
        &self,
        now: Timestamp,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<String, OidcError> {
        let client = self.client(now).await?;
        let request = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcError::Unreachable(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()));
        let response = request.request_async(&self.http).await.map_err(|e| match e {
            RequestTokenError::ServerResponse(r) => OidcError::Exchange(r.error().to_string()),
            RequestTokenError::Request(e) => OidcError::Unreachable(error_chain(&e)),
            RequestTokenError::Parse(e, _) => OidcError::Exchange(format!("unreadable answer: {e}")),
            RequestTokenError::Other(e) => OidcError::Exchange(e),
        })?;
        let id_token = response.id_token().ok_or(OidcError::NoIdToken)?;
        let at = chrono_instant(now);
        let verifier = client.id_token_verifier().set_time_fn(move || at);
        let claims = match id_token.claims(&verifier, &Nonce::new(nonce.to_owned())) {
            Ok(claims) => claims,
            Err(e) => {
                self.forget().await;
                return Err(OidcError::Token(e.to_string()));
            }
        };
        match &self.config.claim {
            Claim::Sub => Ok(claims.subject().as_str().to_owned()),
            Claim::PreferredUsername => claims
                .preferred_username()
                .map(|u| u.as_str().to_owned())
                .ok_or_else(|| OidcError::NoSubject("preferred_username".to_owned())),
            Claim::Named(name) => claims
                .additional_claims()
                .claims
                .get(name)
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| OidcError::NoSubject(name.clone())),
        }
    }
}

/// The application's instant as the verifier's clock wants it (falling back to the epoch, which refuses every token,
/// for an instant chrono cannot hold).
fn chrono_instant(now: Timestamp) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(
        now.as_second(),
        u32::try_from(now.subsec_nanosecond()).unwrap_or(0),
    )
    .unwrap_or_default()
}

/// An error with its causes, on one line (the HTTP client's top-level message alone rarely says what went wrong).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}
