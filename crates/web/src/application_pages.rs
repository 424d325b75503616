//! The caseworker's application page: what was declared, the engine's calculation line by line, starting the
//! investigation and deciding with the version that was read.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use app::deciding::{ApplicationCase, DecisionForm};
use app::domain::ApplicationId;
use app::domain::application::ApplicationStatus;
use app::domain::decision::Outcome;
use app::norm::Money;
use app::norm::contract::{CalcRequest, Role};
use app::{AppError, SignedIn};

use crate::case_pages::app_error;
use crate::decision_pages::{calc_parts, kronor};
use crate::document_pages::{DocumentRow, document_row};
use crate::i18n::{Lang, Texts};
use crate::lang::PageLang;
use crate::pages::{CalcPart, NavUser, render};
use crate::router::AppState;
use crate::session::Signed;

/// What the applicant declared, as the page lists it.
#[derive(Debug)]
pub struct Declared {
    /// (member, role, age)
    pub members: Vec<(String, &'static str, i64)>,
    /// (cost or income, amount)
    pub costs: Vec<(String, String)>,
}

#[derive(Debug, Template)]
#[template(path = "application.html")]
pub struct ApplicationPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub user: Option<NavUser>,
    pub here: String,
    pub id: i64,
    pub household: i64,
    pub month: String,
    pub status: &'static str,
    pub received: String,
    pub version: i64,
    pub csrf_token: String,
    pub declared: Option<Declared>,
    pub calc_error: Option<String>,
    pub parts: Vec<CalcPart>,
    pub assistance: String,
    pub findings: Vec<String>,
    pub decision: Option<i64>,
    /// The attachments sent with the application.
    pub documents: Vec<DocumentRow>,
    pub can_start: bool,
    pub can_decide: bool,
    pub errors: Vec<(&'static str, String)>,
    pub granted_error: Option<String>,
    pub reasons_error: Option<String>,
    pub form_outcome: String,
    pub form_granted: String,
    pub form_reasons: String,
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
) -> Response {
    let here = format!("/ansokan/{id}");
    match state
        .app
        .application_case(&signed.signed_in.actor, ApplicationId(id))
        .await
    {
        Ok(case) => render(StatusCode::OK, &page(&case, &signed.signed_in, lang, here)),
        Err(e) => app_error(e, lang, Some(NavUser::new(&signed.signed_in, lang.0)), &here),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct VersionForm {
    csrf_token: String,
    version: String,
}

pub async fn start(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(f): Form<VersionForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    let here = format!("/ansokan/{id}");
    let Ok(version) = f.version.parse::<i64>() else {
        return (StatusCode::BAD_REQUEST, "version saknas").into_response();
    };
    match state
        .app
        .start_investigation(&signed.signed_in.actor, ApplicationId(id), version)
        .await
    {
        Ok(_) => Redirect::to(&here).into_response(),
        Err(e) => rerender_with_error(&state, &signed, lang, id, e, None).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecideForm {
    csrf_token: String,
    version: String,
    outcome: String,
    granted: String,
    reasons: String,
}

pub async fn decide(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    let Ok(version) = f.version.parse::<i64>() else {
        return (StatusCode::BAD_REQUEST, "version saknas").into_response();
    };
    let outcome = match f.outcome.as_str() {
        "bifall" => Some(Outcome::Bifall),
        "delvis_bifall" => Some(Outcome::DelvisBifall),
        "avslag" => Some(Outcome::Avslag),
        _ => None,
    };
    let granted = f.granted.trim().replace([' ', '\u{a0}', '\u{202f}'], "");
    let granted = if granted.is_empty() {
        Ok(None)
    } else {
        granted
            .parse::<i64>()
            .ok()
            .and_then(|kr| Money::from_kronor(kr).ok())
            .map(Some)
            .ok_or(())
    };
    let form_error = match (outcome, &granted) {
        (None, _) => Some(AppError::Invalid {
            field: "outcome",
            reason: "välj bifall, delvis bifall eller avslag".to_owned(),
        }),
        (_, Err(())) => Some(AppError::Invalid {
            field: "granted",
            reason: "ange beloppet i hela kronor".to_owned(),
        }),
        _ => None,
    };
    let result = match (form_error, outcome, granted) {
        (Some(e), _, _) => Err(e),
        (None, Some(outcome), Ok(granted)) => {
            let form = DecisionForm {
                outcome,
                granted,
                reasons: f.reasons.clone(),
            };
            state
                .app
                .decide_application(&signed.signed_in.actor, ApplicationId(id), version, form)
                .await
        }
        _ => Err(AppError::Internal("unreachable form state".to_owned())),
    };
    match result {
        Ok(d) => Redirect::to(&format!("/beslut/{}", d.id)).into_response(),
        Err(e) => rerender_with_error(&state, &signed, lang, id, e, Some(&f)).await,
    }
}

/// Shows the page again with the message next to the field (or at the top), keeping what was typed.
async fn rerender_with_error(
    state: &AppState,
    signed: &Signed,
    lang: PageLang,
    id: i64,
    error: AppError,
    form: Option<&DecideForm>,
) -> Response {
    let t = lang.texts();
    let here = format!("/ansokan/{id}");
    let (field, message, status) = match &error {
        AppError::Invalid { field, reason } => (*field, reason.clone(), StatusCode::BAD_REQUEST),
        AppError::Conflict(_) => ("outcome", t.conflict.to_owned(), StatusCode::CONFLICT),
        AppError::Rejected(e) => ("outcome", e.to_string(), StatusCode::BAD_REQUEST),
        _ => return app_error(error, lang, Some(NavUser::new(&signed.signed_in, lang.0)), &here),
    };
    match state
        .app
        .application_case(&signed.signed_in.actor, ApplicationId(id))
        .await
    {
        Ok(case) => {
            let mut p = page(&case, &signed.signed_in, lang, here);
            match field {
                "granted" => p.granted_error = Some(message.clone()),
                "reasons" => p.reasons_error = Some(message.clone()),
                _ => {}
            }
            let anchor = match field {
                "granted" => "granted",
                "reasons" => "reasons",
                _ => "outcome",
            };
            p.errors.push((anchor, message));
            if let Some(f) = form {
                p.form_outcome = f.outcome.clone();
                p.form_granted = f.granted.clone();
                p.form_reasons = f.reasons.clone();
            }
            render(status, &p)
        }
        Err(e) => app_error(e, lang, Some(NavUser::new(&signed.signed_in, lang.0)), &here),
    }
}

fn page(case: &ApplicationCase, signed: &SignedIn, lang: PageLang, here: String) -> ApplicationPage {
    let t = lang.texts();
    let a = &case.application;
    let may_decide = signed.actor.require(app::access::Permission::Decide).is_ok();
    let (calc_error, parts, assistance, findings) = match &case.calculation {
        Some(Ok(r)) => (None, calc_parts(r, t), kronor(r.assistance), r.findings.clone()),
        Some(Err(e)) => (Some(e.clone()), Vec::new(), String::new(), Vec::new()),
        None => (None, Vec::new(), String::new(), Vec::new()),
    };
    ApplicationPage {
        lang: lang.0,
        t,
        user: Some(NavUser::new(signed, lang.0)),
        here,
        id: a.id.get(),
        household: a.household.get(),
        month: a.month.to_string(),
        status: t.application_status(a.status.as_str()),
        received: a.received_on.to_string(),
        version: a.version,
        csrf_token: signed.csrf_token.clone(),
        declared: case.request.as_ref().map(|r| declared(r, t)),
        calc_error,
        parts,
        assistance,
        findings,
        decision: a.current_decision.map(|d| d.get()),
        documents: case.documents.iter().map(|d| document_row(d, t)).collect(),
        can_start: may_decide && a.status == ApplicationStatus::Received,
        can_decide: may_decide
            && a.status == ApplicationStatus::UnderInvestigation
            && matches!(case.calculation, Some(Ok(_))),
        errors: Vec::new(),
        granted_error: None,
        reasons_error: None,
        form_outcome: "bifall".to_owned(),
        form_granted: String::new(),
        form_reasons: String::new(),
    }
}

fn declared(r: &CalcRequest, t: &'static Texts) -> Declared {
    let members = r
        .members
        .iter()
        .map(|m| {
            (
                m.id.clone(),
                if m.role == Role::Adult { t.adult } else { t.child },
                m.age,
            )
        })
        .collect();
    let mut costs: Vec<(String, String)> = [
        (t.rent, r.costs.rent),
        (t.electricity, r.costs.electricity),
        (t.home_insurance, r.costs.home_insurance),
        (t.work_travel, r.costs.work_travel),
        (t.union_fees, r.costs.union_fees),
    ]
    .into_iter()
    .filter(|(_, v)| *v != 0)
    .map(|(k, v)| (k.to_owned(), kronor(v)))
    .collect();
    for income in &r.incomes {
        let kind = serde_json::to_value(income.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let who = income
            .member
            .as_deref()
            .map(|m| format!(" ({m})"))
            .unwrap_or_default();
        costs.push((format!("{}: {kind}{who}", t.incomes), kronor(income.amount)));
    }
    Declared { members, costs }
}
