//! The OpenID Connect client for sign-in through the municipality's provider, on the `openidconnect` crate: discovery
//! (lazily, on first use, kept for an hour and again after a refused token, so the server starts and local sign-in
//! works while the provider is down), the Authorization Code flow with PKCE (S256), state and nonce, and the code
//! exchange whose ID token the crate verifies: signature against the provider's published keys, issuer, audience,
//! expiry (by the application's clock) and nonce.
//!
//! What to do with the subject it vouches for is the application core's (`app::external_auth`).

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use openidconnect::core::{CoreClient, CoreProviderMetadata, CoreResponseType};
use openidconnect::{
    AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RequestTokenError, Scope, TokenResponse, reqwest,
};
use tokio::sync::Mutex;

use crate::config::{OidcConfig, SubjectClaim};

/// The client as discovery makes it: authorization endpoint set, token and user-info endpoints as published.
type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

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
    #[error("the ID token has no {0} claim")]
    NoSubject(&'static str),
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
    config: OidcConfig,
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
    pub fn new(config: &OidcConfig) -> Result<Provider, OidcError> {
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
            config: config.clone(),
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
        let client = CoreClient::from_provider_metadata(
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

    /// Exchanges the code (with the PKCE verifier) for tokens and returns the configured subject claim of the
    /// verified ID token.
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
        match self.config.subject_claim {
            SubjectClaim::Sub => Ok(claims.subject().as_str().to_owned()),
            SubjectClaim::PreferredUsername => claims
                .preferred_username()
                .map(|u| u.as_str().to_owned())
                .ok_or(OidcError::NoSubject("preferred_username")),
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
