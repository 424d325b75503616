//! Payment runs: the list with a form for a new run, and one run with approve, export and stop.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use app::AppError;
use app::access::Permission;
use app::domain::payment::{BatchStatus, PaymentStatus};
use app::domain::{BatchId, PaymentId};
use app::paying::RUNS_LISTED;
use app::views::BatchSummary;

use crate::case_pages::app_error;
use crate::i18n::{Lang, Texts};
use crate::lang::PageLang;
use crate::pages::{NavUser, render};
use crate::router::AppState;
use crate::session::Signed;

#[derive(Debug)]
pub struct RunRow {
    pub id: i64,
    pub pay_date: String,
    pub status: &'static str,
    pub count: i64,
    pub total: String,
    pub prepared_by: String,
    pub approved_by: String,
}

#[derive(Debug, Template)]
#[template(path = "runs.html")]
pub struct RunsPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub user: Option<NavUser>,
    pub here: String,
    pub limit: i64,
    pub runs: Vec<RunRow>,
    pub can_prepare: bool,
    pub csrf_token: String,
    pub pay_date: String,
    pub pay_date_error: Option<String>,
    pub errors: Vec<(&'static str, String)>,
}

#[derive(Debug)]
pub struct PaymentRow {
    pub id: i64,
    pub decision: i64,
    pub amount: String,
    pub status: &'static str,
    pub stoppable: bool,
}

#[derive(Debug, Template)]
#[template(path = "run.html")]
pub struct RunPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub user: Option<NavUser>,
    pub here: String,
    pub run: RunRow,
    pub payments: Vec<PaymentRow>,
    pub can_approve: bool,
    pub can_export: bool,
    pub csrf_token: String,
    pub errors: Vec<String>,
}

pub async fn list(State(state): State<Arc<AppState>>, lang: PageLang, signed: Signed) -> Response {
    runs_page(&state, &signed, lang, String::new(), None, StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewRunForm {
    csrf_token: String,
    pay_date: String,
}

pub async fn create(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Form(f): Form<NewRunForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    let Ok(pay_date) = f.pay_date.trim().parse::<jiff::civil::Date>() else {
        let msg = lang.texts().pay_date_hint.to_owned();
        return runs_page(
            &state,
            &signed,
            lang,
            f.pay_date,
            Some(msg),
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    match state
        .app
        .prepare_payment_run(&signed.signed_in.actor, pay_date)
        .await
    {
        Ok(run) => Redirect::to(&format!("/utbetalningar/{}", run.id)).into_response(),
        Err(AppError::Invalid { reason, .. }) => {
            runs_page(
                &state,
                &signed,
                lang,
                f.pay_date,
                Some(reason),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => app_error(
            e,
            lang,
            Some(NavUser::new(&signed.signed_in, lang.0)),
            "/utbetalningar",
        ),
    }
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
) -> Response {
    run_page(&state, &signed, lang, id, Vec::new(), StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsrfOnly {
    csrf_token: String,
}

/// `attest` (approve) or `export`, the two steps of a run after it is prepared.
pub async fn step(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path((id, step)): Path<(i64, String)>,
    Form(f): Form<CsrfOnly>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    let actor = &signed.signed_in.actor;
    let result = match step.as_str() {
        "attest" => state
            .app
            .approve_payment_run(actor, BatchId(id))
            .await
            .map(|_| ()),
        "export" => state.app.export_payment_run(actor, BatchId(id)).await.map(|_| ()),
        _ => return crate::pages::error_page(StatusCode::NOT_FOUND, lang.0, None, "/utbetalningar"),
    };
    after_action(&state, &signed, lang, id, result).await
}

pub async fn stop(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path((id, payment)): Path<(i64, i64)>,
    Form(f): Form<CsrfOnly>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    let result = state
        .app
        .stop_payment(&signed.signed_in.actor, PaymentId(payment))
        .await
        .map(|_| ());
    after_action(&state, &signed, lang, id, result).await
}

/// Back to the run on success; a refused step (wrong state, the four-eyes rule) is shown on the run's page.
async fn after_action(
    state: &AppState,
    signed: &Signed,
    lang: PageLang,
    id: i64,
    result: Result<(), AppError>,
) -> Response {
    match result {
        Ok(()) => Redirect::to(&format!("/utbetalningar/{id}")).into_response(),
        Err(AppError::Rejected(e)) => {
            run_page(state, signed, lang, id, vec![e.to_string()], StatusCode::CONFLICT).await
        }
        Err(e) => app_error(
            e,
            lang,
            Some(NavUser::new(&signed.signed_in, lang.0)),
            &format!("/utbetalningar/{id}"),
        ),
    }
}

async fn runs_page(
    state: &AppState,
    signed: &Signed,
    lang: PageLang,
    pay_date: String,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let t = lang.texts();
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    match state.app.payment_runs(&signed.signed_in.actor).await {
        Ok(runs) => {
            let page = RunsPage {
                lang: lang.0,
                t,
                user,
                here: "/utbetalningar".to_owned(),
                limit: RUNS_LISTED,
                runs: runs.iter().map(|r| run_row(r, t)).collect(),
                can_prepare: signed
                    .signed_in
                    .actor
                    .require(Permission::PreparePayments)
                    .is_ok(),
                csrf_token: signed.signed_in.csrf_token.clone(),
                pay_date,
                errors: error.iter().map(|e| ("pay_date", e.clone())).collect(),
                pay_date_error: error,
            };
            render(status, &page)
        }
        Err(e) => app_error(e, lang, user, "/utbetalningar"),
    }
}

async fn run_page(
    state: &AppState,
    signed: &Signed,
    lang: PageLang,
    id: i64,
    errors: Vec<String>,
    status: StatusCode,
) -> Response {
    let t = lang.texts();
    let here = format!("/utbetalningar/{id}");
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    let actor = &signed.signed_in.actor;
    match state.app.payment_run(actor, BatchId(id)).await {
        Ok((summary, view)) => {
            let prepare = actor.require(Permission::PreparePayments).is_ok();
            let approve = actor.require(Permission::ApprovePayments).is_ok();
            let payments = view
                .payments
                .iter()
                .map(|p| PaymentRow {
                    id: p.id.get(),
                    decision: p.decision.get(),
                    amount: p.amount.to_string(),
                    status: match p.status {
                        PaymentStatus::Pending => t.payment_pending,
                        PaymentStatus::Stopped => t.payment_stopped,
                        PaymentStatus::Exported => t.payment_exported,
                    },
                    stoppable: prepare
                        && p.status == PaymentStatus::Pending
                        && view.status != BatchStatus::Exported,
                })
                .collect();
            let page = RunPage {
                lang: lang.0,
                t,
                user,
                here,
                can_approve: approve && summary.status == BatchStatus::Open,
                can_export: approve && summary.status == BatchStatus::Approved,
                run: run_row(&summary, t),
                payments,
                csrf_token: signed.signed_in.csrf_token.clone(),
                errors,
            };
            render(status, &page)
        }
        Err(e) => app_error(e, lang, user, &here),
    }
}

fn run_row(r: &BatchSummary, t: &'static Texts) -> RunRow {
    RunRow {
        id: r.id.get(),
        pay_date: r.pay_date.to_string(),
        status: match r.status {
            BatchStatus::Open => t.batch_open,
            BatchStatus::Approved => t.batch_approved,
            BatchStatus::Exported => t.batch_exported,
        },
        count: r.payments,
        total: r.total.to_string(),
        prepared_by: r.created_by.clone().unwrap_or_default(),
        approved_by: r.approved_by.clone().unwrap_or_default(),
    }
}
