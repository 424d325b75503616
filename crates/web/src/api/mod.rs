//! The JSON API under `/api/v1` and its OpenAPI document at `/api/openapi.json`.
//!
//! The same use cases as the pages, through the same `app` calls, so permission checks and audit records are the
//! pages' own. The route list below is the one source for both the router and the document test.

use std::sync::Arc;

use axum::Router;
use axum::routing::{MethodRouter, any, get, post};

use crate::router::AppState;

pub mod dto;
pub mod handlers;
pub mod openapi;

/// One `/api/v1` route: method, path (axum and OpenAPI spell `{id}` the same way) and handler.
type Route = (&'static str, &'static str, MethodRouter<Arc<AppState>>);

fn v1() -> Vec<Route> {
    vec![
        ("post", "/api/v1/calc", post(handlers::calc)),
        ("get", "/api/v1/me", get(handlers::me)),
        ("get", "/api/v1/queue", get(handlers::queue)),
        ("get", "/api/v1/households/{id}", get(handlers::household)),
        ("get", "/api/v1/decisions/{id}", get(handlers::decision)),
    ]
}

/// The method and path of every `/api/v1` route the router serves, as the OpenAPI document must list them.
pub fn v1_routes() -> Vec<(&'static str, &'static str)> {
    v1().into_iter().map(|(m, p, _)| (m, p)).collect()
}

/// The API's routes, merged into the application router.
pub fn routes() -> Router<Arc<AppState>> {
    let mut router = Router::new()
        .route("/api/openapi.json", get(openapi::document))
        // Unknown API paths answer JSON, not the HTML error page.
        .route("/api/{*rest}", any(handlers::not_found));
    for (_, path, handler) in v1() {
        router = router.route(path, handler);
    }
    router
}
