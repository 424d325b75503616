//! Security headers on every response, and the CSRF token helpers every state-changing form uses.

use axum::http::{HeaderName, HeaderValue, header};
use rand::RngCore;
use subtle::ConstantTimeEq;
use tower_http::set_header::SetResponseHeaderLayer;

/// No inline scripts or styles, nothing from other origins, no framing. Pages work without JavaScript; the little
/// script there is (none yet) would be served from `/static`.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'";

/// The headers set on every response, as (name, value).
pub fn headers() -> [(HeaderName, HeaderValue); 7] {
    [
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        (
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
        // Personal data must not linger in shared caches or the browser's back-forward cache.
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ]
}

/// One layer per header; `if_not_present` lets a handler (e.g. static files) choose its own caching.
pub fn header_layers() -> Vec<SetResponseHeaderLayer<HeaderValue>> {
    headers()
        .into_iter()
        .map(|(name, value)| SetResponseHeaderLayer::if_not_present(name, value))
        .collect()
}

/// 256 random bits from the operating system, hex encoded: session ids and CSRF tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Constant-time comparison so that a token cannot be guessed byte by byte from response times.
pub fn tokens_match(expected: &str, given: &str) -> bool {
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_compared_exactly() {
        let a = random_token();
        let b = random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(tokens_match(&a, &a.clone()));
        assert!(!tokens_match(&a, &b));
        assert!(!tokens_match(&a, ""));
        assert!(!tokens_match("", ""));
    }
}
