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

/// A `next` value with a control character: refused with 400 (never passed on into a `Location` header, where it
/// would be an invalid header value, nor accepted with the browser's view of tabs and newlines, which it deletes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadNext;

impl IntoResponse for BadNext {
    fn into_response(self) -> Response {
        (
            StatusCode::BAD_REQUEST,
            "Ogiltig adress att gå vidare till (styrtecken). / Invalid address to continue to (control characters).",
        )
            .into_response()
    }
}

/// Where to go after sign-in: a path on this site, never another site.
///
/// Only a site-relative path is accepted (`/` then anything but a second `/` or `\`). Browsers follow the WHATWG URL
/// parser, which deletes tabs and newlines anywhere, strips leading control characters and spaces, and reads `\` as
/// `/`: so `/<TAB>/host`, `/\host` and ` //host` all lead to `host`. A value with a control character is
/// [`BadNext`]; anything else that is not plainly site-relative (`//host`, `\\host`, `https:host`, ...), also once
/// percent-decoded (`/%2F/host`, `/%5Chost`, a double-encoded `%2509`), becomes `/`. The path returned has every byte
/// outside printable ASCII percent-encoded, so it is always a valid `Location` header.
pub fn next_target(next: Option<&str>) -> Result<String, BadNext> {
    let Some(next) = next.filter(|n| !n.is_empty()) else {
        return Ok("/".to_owned());
    };
    if next.chars().any(char::is_control) {
        return Err(BadNext);
    }
    // The value itself and its percent-decoded forms (a double encoding is decoded twice) must all be site-relative.
    let mut form = next.to_owned();
    for _ in 0..3 {
        if !site_relative(&form) {
            return Ok("/".to_owned());
        }
        let decoded = percent_decode(&form);
        if decoded == form {
            break;
        }
        form = decoded;
    }
    if !site_relative(&form) {
        return Ok("/".to_owned());
    }
    let mut out = String::with_capacity(next.len());
    for b in next.bytes() {
        if b.is_ascii_graphic() {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Ok(out)
}

/// A path that every browser resolves against this site: starts with one `/`, has no `\` (read as `/` in the
/// path) and no control character (deleted or refused).
fn site_relative(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !s.contains('\\')
        && !s.chars().any(char::is_control)
}

/// `%XX` sequences decoded (invalid ones kept as they are); bytes that do not form UTF-8 become U+FFFD.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// [`next_target`] for a value this service stored itself: never refused, anything unusable becomes `/`.
pub fn safe_next(next: Option<&str>) -> String {
    next_target(next).unwrap_or_else(|BadNext| "/".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_site_relative_paths_pass() {
        for (given, expected) in [
            (None, Ok("/")),
            (Some(""), Ok("/")),
            (Some("/hem"), Ok("/hem")),
            (
                Some("/granskning?actor=account%3A3&from=2026-01-01"),
                Ok("/granskning?actor=account%3A3&from=2026-01-01"),
            ),
            (Some("/hushall/1#journal"), Ok("/hushall/1#journal")),
            (Some("/s\u{f6}k a"), Ok("/s%C3%B6k%20a")),
            (Some("//evil.example"), Ok("/")),
            (Some("/\\evil.example"), Ok("/")),
            (Some("\\\\evil.example"), Ok("/")),
            (Some("\\/evil.example"), Ok("/")),
            (Some("https:evil.example"), Ok("/")),
            (Some("https://evil.example"), Ok("/")),
            (Some("evil.example"), Ok("/")),
            (Some(" //evil.example"), Ok("/")),
            (Some("/%2F/evil.example"), Ok("/")),
            (Some("/%2f/evil.example"), Ok("/")),
            (Some("/%5Cevil.example"), Ok("/")),
            (Some("/%09/evil.example"), Ok("/")),
            (Some("/%2509/evil.example"), Ok("/")),
            (Some("/%252F/evil.example"), Ok("/")),
            (Some("/\t/evil.example"), Err(BadNext)),
            (Some("/\n/evil.example"), Err(BadNext)),
            (Some("/\r\n/evil.example"), Err(BadNext)),
            (Some("/hem\0"), Err(BadNext)),
            (Some("/hem\u{7f}"), Err(BadNext)),
            (Some("/hem\u{85}"), Err(BadNext)),
        ] {
            assert_eq!(next_target(given), expected.map(str::to_owned), "{given:?}");
        }
    }
}
