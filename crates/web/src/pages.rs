//! Page templates (compiled and auto-escaped by askama). Handlers fill these; nothing builds HTML by hand.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::i18n::{Lang, Texts};

#[derive(Debug, Template)]
#[template(path = "start.html")]
pub struct StartPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub demo_mode: bool,
}

#[derive(Debug, Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub heading: &'static str,
    pub operation_id: Option<String>,
}

/// Render a template, or answer 500 without leaking the cause (it is logged once, here).
pub fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Internt fel").into_response()
        }
    }
}
