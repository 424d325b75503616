//! Sessions in the browser: the session cookie, the signed-in extractor, and CSRF checks on every form post.
//!
//! The cookie holds a random 256-bit token (HttpOnly, SameSite=Lax, Secure unless configured off for a loopback
//! demo); the database holds only its hash. Before sign-in, a double-submit cookie protects the login form.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};

use app::service::SignedIn;

use crate::router::AppState;
use crate::security::tokens_match;

pub const SESSION_COOKIE: &str = "stegvis_session";
pub const LOGIN_CSRF_COOKIE: &str = "stegvis_login_csrf";

pub fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    let mut c = Cookie::new(name, value);
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    c.set_secure(secure);
    c.set_path("/");
    c
}

pub fn removal(name: &'static str) -> Cookie<'static> {
    let mut c = Cookie::from(name);
    c.set_path("/");
    c
}

/// The signed-in user of a page request. Missing or expired sessions redirect to the sign-in page.
#[derive(Debug, Clone)]
pub struct Signed {
    pub signed_in: SignedIn,
    pub token: String,
}

impl Signed {
    /// Checks the hidden `csrf_token` field of a posted form against the session's token.
    pub fn check_csrf(&self, given: &str) -> Result<(), CsrfRejected> {
        if tokens_match(&self.signed_in.csrf_token, given) {
            Ok(())
        } else {
            Err(CsrfRejected)
        }
    }
}

/// A posted form whose CSRF token does not match the session's: refused, nothing changed.
#[derive(Debug, Clone, Copy)]
pub struct CsrfRejected;

impl IntoResponse for CsrfRejected {
    fn into_response(self) -> Response {
        (
            StatusCode::FORBIDDEN,
            "Formuläret har gått ut. Ladda om sidan och försök igen.",
        )
            .into_response()
    }
}

impl FromRequestParts<Arc<AppState>> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Signed, Response> {
        let jar = CookieJar::from_headers(&parts.headers);
        let to_login = || {
            let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
            let wants_json = parts
                .headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("application/json"))
                || parts.uri.path().starts_with("/api/");
            if wants_json {
                (
                    StatusCode::UNAUTHORIZED,
                    axum::Json(serde_json::json!({"error": "inte inloggad"})),
                )
                    .into_response()
            } else {
                Redirect::to(&format!("/login?next={}", urlencode(next))).into_response()
            }
        };
        let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) else {
            return Err(to_login());
        };
        match state.app.session(&token).await {
            Ok(Some(signed_in)) => Ok(Signed { signed_in, token }),
            Ok(None) => Err(to_login()),
            Err(err) if parts.uri.path().starts_with("/api/") => {
                Err(crate::api::handlers::internal_error(&err))
            }
            Err(err) => Err(crate::pages::internal_error(&err)),
        }
    }
}

/// Percent-encodes a path for the `next` parameter (only our own paths ever go there).
pub(crate) fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A safe place to go after sign-in: only a local path, never another site.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => "/",
    }
}
