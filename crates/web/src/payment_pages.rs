//! Payment runs: the list with a form for a new run, and one run with approve, export (the bank file), the bank's
//! confirmation (paid) and stop. Payments are shown in words: payee, household by its people, purpose, amount.

use std::collections::BTreeMap;
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
use app::names::{Doer, Shown};
use app::paying::RUNS_LISTED;
use app::views::BatchSummary;

use crate::case_pages::app_error;
use crate::decision_texts::DecisionTexts;
use crate::i18n::{Lang, Texts};
use crate::lang::PageLang;
use crate::pages::{NavUser, render};
use crate::router::AppState;
use crate::session::Signed;
use crate::staff_texts::StaffTexts;

#[derive(Debug)]
pub struct RunRow {
    pub id: i64,
    pub pay_date: String,
    pub status: &'static str,
    pub count: i64,
    pub total: String,
    pub prepared_by: String,
    pub approved_by: String,
    pub paid_by: String,
}

#[derive(Debug, Template)]
#[template(path = "runs.html")]
pub struct RunsPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub st: &'static StaffTexts,
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
    pub household: i64,
    /// The first of the household's people (masked where protected identity requires).
    pub payee: String,
    /// The household named by its people.
    pub household_name: String,
    /// The decided item's purpose in words.
    pub purpose: &'static str,
    pub month: String,
    pub amount: String,
    pub status: &'static str,
    pub stoppable: bool,
}

#[derive(Debug, Template)]
#[template(path = "run.html")]
pub struct RunPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub st: &'static StaffTexts,
    pub dt: &'static DecisionTexts,
    pub user: Option<NavUser>,
    pub here: String,
    pub run: RunRow,
    pub payments: Vec<PaymentRow>,
    pub can_approve: bool,
    pub can_export: bool,
    pub can_confirm: bool,
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

/// `attest` (approve), `export` (the bank file) or `betald` (the bank's confirmation), the steps of a run after it
/// is prepared.
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
        "betald" => state
            .app
            .confirm_payment_run_paid(actor, BatchId(id))
            .await
            .map(|_| ()),
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
        Ok(list) => {
            let page = RunsPage {
                lang: lang.0,
                t,
                st: StaffTexts::of(lang.0),
                user,
                here: "/utbetalningar".to_owned(),
                limit: RUNS_LISTED,
                runs: list.runs.iter().map(|r| run_row(r, &list.doers, lang)).collect(),
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
        Ok(run) => {
            let st = StaffTexts::of(lang.0);
            let dt = DecisionTexts::of(lang.0);
            let prepare = actor.require(Permission::PreparePayments).is_ok();
            let approve = actor.require(Permission::ApprovePayments).is_ok();
            let paid = run.batch.status == BatchStatus::Paid;
            let payments = run
                .lines
                .iter()
                .map(|l| {
                    let p = &l.payment;
                    let names: Vec<&str> = l.people.iter().map(|s| shown(s, t)).collect();
                    PaymentRow {
                        id: p.id.get(),
                        decision: p.decision.get(),
                        household: l.household.get(),
                        payee: names.first().copied().unwrap_or_default().to_owned(),
                        household_name: names.join(", "),
                        purpose: dt.purpose(l.purpose),
                        month: l.month.clone(),
                        amount: p.amount.to_string(),
                        status: match p.status {
                            PaymentStatus::Pending => t.payment_pending,
                            PaymentStatus::Stopped => t.payment_stopped,
                            PaymentStatus::Exported if paid => st.payment_paid,
                            PaymentStatus::Exported => st.payment_exported,
                        },
                        stoppable: prepare
                            && p.status == PaymentStatus::Pending
                            && matches!(run.batch.status, BatchStatus::Open | BatchStatus::Approved),
                    }
                })
                .collect();
            let summary = &run.summary;
            let page = RunPage {
                lang: lang.0,
                t,
                st,
                dt,
                user,
                here,
                can_approve: approve && summary.status == BatchStatus::Open,
                can_export: approve && summary.status == BatchStatus::Approved,
                can_confirm: approve && summary.status == BatchStatus::Exported,
                run: run_row(summary, &run.doers, lang),
                payments,
                csrf_token: signed.signed_in.csrf_token.clone(),
                errors,
            };
            render(status, &page)
        }
        Err(e) => app_error(e, lang, user, &here),
    }
}

fn run_row(r: &BatchSummary, doers: &BTreeMap<String, Doer>, lang: PageLang) -> RunRow {
    let t = lang.texts();
    let st = StaffTexts::of(lang.0);
    let who = |w: &Option<String>| w.as_deref().map(|w| doer(w, doers, lang)).unwrap_or_default();
    RunRow {
        id: r.id.get(),
        pay_date: r.pay_date.to_string(),
        status: match r.status {
            BatchStatus::Open => t.batch_open,
            BatchStatus::Approved => t.batch_approved,
            BatchStatus::Exported => st.batch_exported,
            BatchStatus::Paid => st.batch_paid,
        },
        count: r.payments,
        total: r.total.to_string(),
        prepared_by: who(&r.created_by),
        approved_by: who(&r.approved_by),
        paid_by: who(&r.paid_by),
    }
}

/// A name as a page shows it: the name, or "protected identity".
pub(crate) fn shown<'a>(s: &'a Shown, t: &'static Texts) -> &'a str {
    match s {
        Shown::Name(n) => n,
        Shown::Protected => t.protected_identity,
    }
}

/// Who did something, in words: "Kim Berg (Handläggare)". An id the store could not name (a removed account)
/// is not shown as a code: it reads as an unknown person.
pub(crate) fn doer(who: &str, doers: &BTreeMap<String, Doer>, lang: PageLang) -> String {
    let t = lang.texts();
    match doers.get(who) {
        Some(d) => match d.role {
            Some(role) => format!(
                "{} ({})",
                shown(&d.name, t),
                crate::pages::role_label(role, lang.0)
            ),
            None => shown(&d.name, t).to_owned(),
        },
        None if who.starts_with("system:") => crate::staff_texts::StaffTexts::of(lang.0).system.to_owned(),
        None => crate::staff_texts::StaffTexts::of(lang.0)
            .unknown_person
            .to_owned(),
    }
}
