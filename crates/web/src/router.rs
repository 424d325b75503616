//! Routes and the state they share.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::config::Config;
use crate::lang::PageLang;
use crate::pages::error_page;
use crate::{
    api, appeal_pages, application_pages, apply_pages, auth_pages, case_pages, coach_pages, decision_pages,
    document_pages, eid_pages, ladder_pages, ladder_stats_pages, lang, oidc, oidc_pages, payment_pages,
    queue_pages, receipt_pages, review_pages, security, start_pages,
};

#[derive(Debug)]
pub struct AppState {
    pub config: Config,
    pub app: app::App,
    /// The municipality's OpenID provider, when `[oidc]` is configured (contacted on first use, not here).
    pub oidc: Option<oidc::Provider>,
    /// The e-identification broker for applicants, when `[eid]` is configured (contacted on first use, not here).
    pub eid: Option<oidc::Provider>,
}

impl AppState {
    /// The shared state of the routes; prepares (but does not contact) the OpenID provider and the
    /// e-identification broker if they are configured.
    pub fn new(config: Config, app: app::App) -> Result<AppState, oidc::OidcError> {
        let oidc = config.oidc.as_ref().map(oidc::Provider::new).transpose()?;
        let eid = config.eid.as_ref().map(oidc::Provider::new).transpose()?;
        Ok(AppState {
            config,
            app,
            oidc,
            eid,
        })
    }
}

pub fn router(state: Arc<AppState>) -> Router {
    let mut router = Router::new()
        .route("/", get(start_pages::root))
        .route("/utloggad", get(start_pages::signed_out))
        .route("/login", get(auth_pages::form).post(auth_pages::submit))
        .route(oidc_pages::START_PATH, get(oidc_pages::start))
        .route(oidc_pages::CALLBACK_PATH, get(oidc_pages::callback))
        .route(eid_pages::START_PATH, get(eid_pages::start))
        .route(eid_pages::CALLBACK_PATH, get(eid_pages::callback))
        .route("/logout", post(auth_pages::logout))
        .route("/hem", get(start_pages::home))
        .route("/arenden", get(queue_pages::queue))
        .route("/ansokan/{id}/ta", post(queue_pages::take))
        .route("/ansokan/{id}/lamna", post(queue_pages::hand_back))
        .route("/ansokan/{id}/tilldela", post(queue_pages::assign))
        .route("/hushall/{id}", get(case_pages::household))
        .route("/hushall/{id}/bevakning", post(case_pages::add_follow_up))
        .route("/hushall/{id}/journal", post(case_pages::add_note))
        .route("/bevakning/{id}/klar", post(case_pages::complete_follow_up))
        .route("/overklagande/{id}/overlamna", post(case_pages::forward_appeal))
        .route("/overklagande/{id}", get(appeal_pages::appeal))
        .route("/overklagande/{id}/dom", post(appeal_pages::record_judgment))
        .route("/overklagande/{id}/verkstall", post(appeal_pages::carry_out))
        .route(
            "/beslut/{id}/omprova",
            get(appeal_pages::reconsider_form).post(appeal_pages::reconsider),
        )
        .route("/ansokan/{id}", get(application_pages::show))
        .route("/ansokan/{id}/utred", post(application_pages::start))
        .route("/ansokan/{id}/beslut", post(application_pages::decide))
        .route("/ansokan/{id}/uppgift", post(application_pages::correct))
        .route("/beslut/{id}", get(decision_pages::decision))
        .route("/beslut/{id}/overklaga", post(decision_pages::appeal))
        .route("/beslut/{id}/brev.pdf", get(decision_pages::letter))
        .route(
            "/utbetalningar",
            get(payment_pages::list).post(payment_pages::create),
        )
        .route("/utbetalningar/{id}", get(payment_pages::show))
        .route("/utbetalningar/{id}/{step}", post(payment_pages::step))
        .route("/utbetalningar/{id}/stoppa/{payment}", post(payment_pages::stop))
        .route("/mina-sidor", get(decision_pages::mine))
        .route("/mina-sidor/ansokan/{id}", get(receipt_pages::application))
        .route("/mina-sidor/overklagande/{id}", get(receipt_pages::appeal))
        .route(
            "/ansok",
            get(apply_pages::form)
                .post(apply_pages::submit)
                // The application carries its attachments: room for every file at its limit (axum's default is 2 MB).
                .layer(DefaultBodyLimit::max(apply_pages::BODY_LIMIT)),
        )
        .route("/dokument/{id}", get(document_pages::download))
        .route(ladder_stats_pages::PATH, get(ladder_stats_pages::page))
        .route("/granskning", get(review_pages::search))
        .route("/granskning/person/{id}", get(review_pages::extract))
        .route("/granskning/kedja", get(review_pages::chain))
        .route(
            "/admin/anvandare",
            get(review_pages::users).post(review_pages::create_user),
        )
        .route(
            "/admin/anvandare/{id}",
            get(review_pages::user).post(review_pages::change_user),
        )
        .route(
            "/admin/enheter",
            get(review_pages::units).post(review_pages::create_unit),
        )
        // The ladder work per person (issue #13).
        .route("/person/{id}/steg", get(ladder_pages::person_steps))
        .route("/person/{id}/steg/bedomning", post(ladder_pages::add_assessment))
        .route("/person/{id}/steg/planering", post(ladder_pages::add_plan))
        .route(
            "/person/{id}/steg/avsluta-planering",
            post(ladder_pages::close_plan),
        )
        .route("/person/{id}/steg/aktivitet", post(ladder_pages::add_activity))
        .route(
            "/person/{id}/steg/avsluta-aktivitet",
            post(ladder_pages::end_activity),
        )
        .route("/person/{id}/steg/narvaro", post(ladder_pages::record_attendance))
        .route("/person/{id}/steg/avslut", post(ladder_pages::record_exit))
        .route("/person/{id}/steg/hinder", post(ladder_pages::record_reason))
        .route("/jobbcoach", get(coach_pages::coach))
        .route(
            "/admin/stege",
            get(ladder_pages::admin_ladder).post(ladder_pages::create_ladder_version),
        )
        .route("/mina-sidor/planering", get(ladder_pages::my_plan))
        .route("/sprak/{code}", get(lang::switch))
        .route("/healthz", get(|| async { "ok" }))
        .route("/static/style.css", get(stylesheet))
        .merge(api::routes())
        .merge(crate::sanction_pages::routes())
        .fallback(not_found)
        .with_state(state)
        .layer(axum::middleware::from_fn(styled_rejections))
        .layer(axum::middleware::from_fn(limit_query));
    for layer in security::header_layers() {
        router = router.layer(layer);
    }
    router
}

/// The longest query string accepted (bytes, as sent). Every field behind a query has a limit of its own (the
/// search fields 200 characters, see `app::domain::text`); this one keeps a huge address from reaching any handler.
pub const MAX_QUERY_BYTES: usize = 8 * 1024;

/// Refuses an over-long query string with 400 and a message, before any handler or extractor sees it.
async fn limit_query(lang: PageLang, req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    if req.uri().query().is_some_and(|q| q.len() > MAX_QUERY_BYTES) {
        return (StatusCode::BAD_REQUEST, lang.texts().error_query_too_long).into_response();
    }
    next.run(req).await
}

/// axum answers an extractor's refusal (a `Path`, `Query` or `Form` value that does not parse, a wrong method or
/// content type) with a short English plain-text body. On a page that becomes the styled error page in the reader's
/// language, with the same status; the JSON API (`/api/`) keeps its own answers. One layer instead of a wrapper
/// around every extractor: a handler added later is covered without doing anything. A handler's own plain-text
/// refusal (the CSRF and `next` refusals, which word themselves) is told apart by axum's wording and left alone.
async fn styled_rejections(
    lang: PageLang,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let here = req.uri().path().to_owned();
    let response = next.run(req).await;
    if !maybe_rejection(&response) {
        return response;
    }
    let (parts, body) = response.into_parts();
    // axum's refusals are one short line; anything longer is not one of them.
    let Ok(bytes) = axum::body::to_bytes(body, 4096).await else {
        return error_page(parts.status, lang.0, None, &here);
    };
    if is_axum_rejection(&bytes) {
        return error_page(parts.status, lang.0, None, &here);
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// A client error answered in plain text, or a wrong method's empty answer (axum gives it no content type).
fn maybe_rejection(response: &Response) -> bool {
    let status = response.status();
    let content_type = response.headers().get(header::CONTENT_TYPE);
    let plain = content_type
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    let bare = content_type.is_none() && status == StatusCode::METHOD_NOT_ALLOWED;
    status.is_client_error() && (plain || bare)
}

/// The beginnings of axum's own refusal texts (axum 0.8 `extract::rejection`), and the empty 405.
fn is_axum_rejection(body: &[u8]) -> bool {
    const AXUM: [&[u8]; 4] = [
        b"Invalid URL",
        b"Failed to deserialize",
        b"Form requests must have",
        b"Expected request with",
    ];
    body.is_empty() || AXUM.iter().any(|p| body.starts_with(p))
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

async fn not_found(lang: PageLang, uri: Uri) -> Response {
    error_page(StatusCode::NOT_FOUND, lang.0, None, uri.path())
}
