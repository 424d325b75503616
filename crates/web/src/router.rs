//! Routes and the state they share.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::config::Config;
use crate::i18n::Lang;
use crate::pages::{ErrorPage, StartPage, render};
use crate::security;

#[derive(Debug)]
pub struct AppState {
    pub config: Config,
    pub app: app::App,
}

/// `?lang=en` switches language for one page; the choice is carried in links.
#[derive(Debug, Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

impl LangQuery {
    fn lang(&self) -> Lang {
        self.lang.as_deref().and_then(Lang::from_code).unwrap_or_default()
    }
}

pub fn router(state: Arc<AppState>) -> Router {
    let mut router = Router::new()
        .route("/", get(start))
        .route("/healthz", get(|| async { "ok" }))
        .route("/static/style.css", get(stylesheet))
        .fallback(not_found)
        .with_state(state);
    for layer in security::header_layers() {
        router = router.layer(layer);
    }
    router
}

async fn start(State(state): State<Arc<AppState>>, Query(q): Query<LangQuery>) -> Response {
    let lang = q.lang();
    render(
        StatusCode::OK,
        &StartPage {
            lang,
            t: lang.texts(),
            demo_mode: state.config.demo_mode,
        },
    )
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/style.css"),
    )
        .into_response()
}

async fn not_found(Query(q): Query<LangQuery>) -> Response {
    let lang = q.lang();
    let t = lang.texts();
    render(
        StatusCode::NOT_FOUND,
        &ErrorPage {
            lang,
            t,
            heading: t.not_found,
            operation_id: None,
        },
    )
}
