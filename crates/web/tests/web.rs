//! HTTP-level tests of the web shell: security headers, language, error pages.
#![allow(clippy::unwrap_used, reason = "test helpers: a failure should panic")]

use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;
use web::router::AppState;
use web::{Config, router};

async fn get(path: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    let state = Arc::new(AppState {
        config: Config {
            demo_mode: true,
            ..Config::default()
        },
    });
    let res = router(state)
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = to_bytes(res.into_body(), 1 << 20).await.unwrap();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    for path in ["/", "/no-such-page", "/healthz"] {
        let (_, headers, _) = get(path).await;
        let csp = headers
            .get(header::CONTENT_SECURITY_POLICY)
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert_eq!(headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
        assert_eq!(headers.get(header::X_FRAME_OPTIONS).unwrap(), "DENY");
        assert_eq!(headers.get(header::CACHE_CONTROL).unwrap(), "no-store", "{path}");
    }
}

#[tokio::test]
async fn start_page_is_swedish_with_english_available() {
    let (status, _, body) = get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<html lang=\"sv\">"));
    assert!(body.contains("Logga in") && body.contains("Demokonton"));
    let (_, _, body) = get("/?lang=en").await;
    assert!(body.contains("<html lang=\"en\">") && body.contains("Sign in"));
}

#[tokio::test]
async fn unknown_pages_get_a_404_page_not_a_blank() {
    let (status, _, body) = get("/hushall/999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("Sidan finns inte."));
}

#[tokio::test]
async fn stylesheet_may_be_cached() {
    let (status, headers, body) = get("/static/style.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers
            .get(header::CACHE_CONTROL)
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("public")
    );
    assert!(body.contains(":root"));
}
