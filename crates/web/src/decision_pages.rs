//! Decisions as caseworkers and applicants read them: items, the calculation line by line, how to appeal; and the
//! applicant's own list of months.

use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use app::AppError;
use app::access::Permission;
use app::domain::appeal::AppealStatus;

use app::domain::DecisionId;
use app::domain::decision::Outcome;
use app::norm::Money;
use app::norm::contract::CalcResponse;
use app::views::ApplicationView;

use crate::case_pages::app_error;
use crate::i18n::Texts;
use crate::lang::PageLang;
use crate::pages::{
    ApplicationRow, CalcPart, DecisionPage, ItemRow, MinePage, NavUser, internal_error, render,
};
use crate::router::AppState;
use crate::session::Signed;

pub async fn decision(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
) -> Response {
    decision_page(&state, &signed, lang, id, String::new(), None, StatusCode::OK).await
}

/// The decision letter as a PDF, for exactly those who may read the decision page: the permission check, the
/// audit records and serving the decision on the applicant happen in `App::decision_letter`.
pub async fn letter(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
) -> Response {
    let here = format!("/beslut/{id}/brev.pdf");
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    let letter = match state
        .app
        .decision_letter(&signed.signed_in.actor, DecisionId(id))
        .await
    {
        Ok(letter) => letter,
        Err(e) => return app_error(e, lang, user, &here),
    };
    // Laying out and drawing a letter is CPU work (milliseconds, more for a long calculation): keep it off the
    // threads that serve other requests.
    let shown = state.app.letter_calculation(&letter, norm_lang(lang.0));
    let board = state.config.municipality.board_name.clone();
    let rendered = tokio::task::spawn_blocking(move || {
        crate::letter::decision_letter(&letter, shown.as_ref(), &board, lang.0)
    })
    .await;
    match rendered {
        Ok(Ok(pdf)) => {
            let disposition = format!("inline; filename=\"{}\"", pdf.file_name);
            (
                [
                    (header::CONTENT_TYPE, "application/pdf"),
                    (header::CONTENT_DISPOSITION, disposition.as_str()),
                    (header::CACHE_CONTROL, "no-store"),
                    // The pages' policy forbids plugins (`default-src 'none'`), which can keep a browser from showing
                    // a PDF inline; this one allows only the document itself.
                    (header::CONTENT_SECURITY_POLICY, PDF_CONTENT_SECURITY_POLICY),
                ],
                pdf.bytes,
            )
                .into_response()
        }
        Ok(Err(e)) => internal_error(&e),
        Err(e) => internal_error(&e),
    }
}

const PDF_CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; object-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AppealForm {
    csrf_token: String,
    grounds: String,
}

/// The applicant's appeal: back to the decision, which lists it; bad input is shown next to the field.
pub async fn appeal(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(f): Form<AppealForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    // Whether this is an addition to an earlier appeal, for the receipt's first line (the use case decides, this
    // only words it).
    let appealed_before = state
        .app
        .appeals_of(&signed.signed_in.actor, DecisionId(id))
        .await
        .is_ok_and(|a| !a.is_empty());
    match state
        .app
        .appeal(&signed.signed_in.actor, DecisionId(id), &f.grounds)
        .await
    {
        // The receipt; a second submission on the same decision was added to its appeal.
        Ok(appeal) => {
            let sent = if appealed_before { "komplettering" } else { "1" };
            Redirect::to(&format!(
                "/mina-sidor/overklagande/{}?skickad={sent}",
                appeal.id.get()
            ))
            .into_response()
        }
        Err(AppError::Invalid { reason, .. }) => {
            decision_page(
                &state,
                &signed,
                lang,
                id,
                f.grounds,
                Some(crate::citizen_texts::sentence_case(&reason)),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => app_error(
            e,
            lang,
            Some(NavUser::new(&signed.signed_in, lang.0)),
            &format!("/beslut/{id}"),
        ),
    }
}

async fn decision_page(
    state: &AppState,
    signed: &Signed,
    lang: PageLang,
    id: i64,
    grounds: String,
    appeal_error: Option<String>,
    status: StatusCode,
) -> Response {
    let t = lang.texts();
    let here = format!("/beslut/{id}");
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    let actor = &signed.signed_in.actor;
    // The decision with the names of its month's members, so that the calculation names them (masked where the
    // reader may not see a protected person).
    let read = match state.app.decision_page(actor, DecisionId(id)).await {
        Ok(read) => read,
        Err(e) => return app_error(e, lang, user, &here),
    };
    let shown = state.app.letter_calculation(&read, norm_lang(lang.0));
    let d = &read.decision;
    let appeals: Vec<(String, &'static str)> = match state.app.appeals_of(actor, DecisionId(id)).await {
        Ok(a) => a
            .iter()
            .map(|a| (a.received_on.to_string(), appeal_status(a.status, t)))
            .collect(),
        Err(e) => return app_error(e, lang, user, &here),
    };
    let ct = crate::citizen_texts::CitizenTexts::of(lang.0);
    let appeal_hint = if appeals.is_empty() {
        ct.grounds_hint
    } else {
        ct.grounds_addition_hint
    };
    let items = d
        .items
        .iter()
        .map(|i| ItemRow {
            what: i.what.clone(),
            outcome: outcome_label(i.outcome, t),
            applied: i.applied.to_string(),
            granted: i.granted.to_string(),
            reasons: i.reasons.clone(),
            legal_basis: i.legal_basis.clone(),
        })
        .collect();
    let (month, parts, assistance, findings, rule_table) = match &shown {
        Some(c) => {
            let r = &c.response;
            let table = format!("{} ({} {})", c.rule_table, t.letter_version, c.rule_table_version);
            (
                r.month.to_string(),
                calc_parts(r, t),
                kronor(r.assistance),
                r.findings.clone(),
                Some(table),
            )
        }
        None => (
            String::new(),
            Vec::new(),
            d.total_granted.to_string(),
            Vec::new(),
            None,
        ),
    };
    let decided_on = crate::time::date(d.decided_at).to_string();
    let dt = crate::decision_texts::DecisionTexts::of(lang.0);
    let changed_facts = d
        .calculation
        .as_ref()
        .map(|c| crate::application_pages::change_sentences(&c.changes, &c.request, dt))
        .unwrap_or_default();
    let deductions = (d.deductions > Money::ZERO).then(|| (dt.deductions, d.deductions.to_string()));
    let page = DecisionPage {
        changed_facts_heading: dt.changed_facts,
        changed_facts,
        deductions,
        to_pay: (dt.to_pay, d.total_granted.to_string()),
        lang: lang.0,
        t,
        user,
        here,
        id,
        served_on: d.served_on.map(|s| s.to_string()),
        appeals,
        can_appeal: actor.require(Permission::ApplyOwn).is_ok(),
        csrf_token: signed.signed_in.csrf_token.clone(),
        grounds,
        appeal_hint,
        appeal_error,
        month,
        decided_on,
        rule_table,
        items,
        parts,
        assistance,
        findings,
    };
    render(status, &page)
}

/// *Mina sidor*: the months in which the applicant belonged to a household, newest first, with who belonged to it
/// that month and what the applicant sent; exactly what the applicant's view returned (`App::my_pages`).
pub async fn mine(State(state): State<Arc<AppState>>, lang: PageLang, signed: Signed) -> Response {
    let t = lang.texts();
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    let actor = &signed.signed_in.actor;
    match state.app.my_pages(actor).await {
        Ok(view) => render(
            StatusCode::OK,
            &MinePage {
                lang: lang.0,
                t,
                ct: crate::citizen_texts::CitizenTexts::of(lang.0),
                user,
                here: "/mina-sidor".to_owned(),
                applications: crate::receipt_pages::mine_months(&view, lang.0),
            },
        ),
        Err(e) => app_error(e, lang, user, "/mina-sidor"),
    }
}

pub fn application_row(a: &ApplicationView, t: &'static Texts) -> ApplicationRow {
    ApplicationRow {
        month: a.month.to_string(),
        received: a.received_on.to_string(),
        status: t.application_status(a.status.as_str()),
        decision: a.current_decision.map(DecisionId::get),
    }
}

/// The engine's language for a page's.
pub(crate) fn norm_lang(lang: crate::i18n::Lang) -> app::norm::Lang {
    match lang {
        crate::i18n::Lang::Sv => app::norm::Lang::Sv,
        crate::i18n::Lang::En => app::norm::Lang::En,
    }
}

/// The calculation's lines grouped by part (norm, costs, income, assets), each with its total.
pub(crate) fn calc_parts(r: &CalcResponse, t: &'static Texts) -> Vec<CalcPart> {
    let part = |key: &str, heading: &'static str, total: i64| CalcPart {
        heading,
        total: kronor(total),
        lines: r
            .lines
            .iter()
            .filter(|l| l.part == key)
            .map(|l| (l.text.clone(), kronor(l.amount), l.basis.clone()))
            .collect(),
    };
    vec![
        part("norm", t.part_norm, r.norm),
        part("reasonable_costs", t.part_costs, r.reasonable_costs),
        part("counted_income", t.part_income, r.counted_income),
        part("assets", t.part_assets, r.assets),
    ]
}

pub(crate) fn appeal_status(s: AppealStatus, t: &'static Texts) -> &'static str {
    match s {
        AppealStatus::Received => t.appeal_received,
        AppealStatus::InTime => t.appeal_in_time,
        AppealStatus::DismissedLate => t.appeal_late,
        AppealStatus::Reconsidered => t.appeal_reconsidered,
        AppealStatus::ForwardedToCourt => t.appeal_forwarded,
        AppealStatus::Judged(_) => t.appeal_judged,
    }
}

pub(crate) fn outcome_label(o: Outcome, t: &'static Texts) -> &'static str {
    match o {
        Outcome::Bifall => t.outcome_bifall,
        Outcome::DelvisBifall => t.outcome_delvis,
        Outcome::Avslag => t.outcome_avslag,
    }
}

/// Whole kronor at the contract's edge, shown the Swedish way.
pub(crate) fn kronor(amount: i64) -> String {
    Money::from_kronor(amount)
        .map(|m| m.to_string())
        .unwrap_or_else(|_| format!("{amount} kr"))
}
