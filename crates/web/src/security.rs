//! Security headers on every response, the CSRF token helpers every state-changing form uses, and the client's
//! network address (for sign-in throttling).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
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

/// The client's network address, for sign-in throttling: the address of the connection, unless that is one of the
/// configured `trusted_proxies`, in which case `X-Forwarded-For` is read from the right (the end the proxies
/// appended to) and the first address that is not a trusted proxy is the client. Without trusted proxies the header
/// is ignored: anyone can send it, and believing it would let a guesser pick a fresh address for every try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub Option<IpAddr>);

impl ClientAddr {
    /// As text for the store, `None` when the server was not started with connection info (the router in tests).
    pub fn text(&self) -> Option<String> {
        self.0.map(|ip| ip.to_canonical().to_string())
    }
}

impl FromRequestParts<Arc<crate::router::AppState>> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<crate::router::AppState>,
    ) -> Result<ClientAddr, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        Ok(ClientAddr(client_address(
            peer,
            &forwarded.join(","),
            &state.config.trusted_proxies,
        )))
    }
}

/// See [`ClientAddr`]. A malformed entry ends the walk: the last trusted hop is then the best address known.
pub fn client_address(peer: Option<IpAddr>, forwarded_for: &str, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = peer?.to_canonical();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|t| t.to_canonical() == *ip);
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let mut client = peer;
    for entry in forwarded_for.rsplit(',').map(str::trim).filter(|e| !e.is_empty()) {
        let Ok(ip) = entry.parse::<IpAddr>().map(|ip| ip.to_canonical()) else {
            break;
        };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    Some(client)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let proxy = ip("10.0.0.1");
        let client = ip("203.0.113.7");
        // No trusted proxies: the header is ignored, whatever it says.
        assert_eq!(client_address(Some(client), "198.51.100.1", &[]), Some(client));
        assert_eq!(client_address(Some(proxy), "198.51.100.1", &[]), Some(proxy));
        // From a trusted proxy: the rightmost address that is not a trusted proxy (the left part is the client's
        // own claim and can be anything).
        assert_eq!(
            client_address(Some(proxy), "1.2.3.4, 203.0.113.7", &[proxy]),
            Some(client)
        );
        assert_eq!(
            client_address(
                Some(proxy),
                "1.2.3.4, 203.0.113.7, 10.0.0.2",
                &[proxy, ip("10.0.0.2")]
            ),
            Some(client)
        );
        // A client that is not a trusted proxy cannot name another address.
        assert_eq!(client_address(Some(client), "1.2.3.4", &[proxy]), Some(client));
        // Malformed or missing: the proxy itself.
        assert_eq!(client_address(Some(proxy), "nonsense", &[proxy]), Some(proxy));
        assert_eq!(client_address(Some(proxy), "", &[proxy]), Some(proxy));
        // IPv4-mapped IPv6 is the same address.
        assert_eq!(
            client_address(Some(ip("::ffff:10.0.0.1")), "203.0.113.7", &[proxy]),
            Some(client)
        );
        assert_eq!(client_address(None, "203.0.113.7", &[proxy]), None);
    }

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
