//! Sanction proposals under 12 kap. 5 § SoL (issue #13): the coach's proposal form
//! (`/person/{id}/sanktion/ny?aktivitet=..&vecka=..`, linked from the coach's attendance page), the proposal's page
//! with the caseworker's dismissal (`/sanktion/{id}`), the household page's section (proposals and the activity
//! requirement per adult) and the rows the decision form offers. Words in `sanction_texts`.

use std::collections::BTreeMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use jiff::civil::Date;
use serde::Deserialize;

use app::access::Permission;
use app::domain::{ActivityId, PersonId, SanctionId};
use app::sanctions::{HouseholdSanctionView, Proposal};
use app::views::{ProposalContext, SanctionView};
use app::{AppError, SignedIn};

use crate::case_pages::app_error;
use crate::i18n::{Lang, Texts};
use crate::lang::PageLang;
use crate::pages::{NavUser, render};
use crate::router::AppState;
use crate::sanction_texts::SanctionTexts;
use crate::session::Signed;

/// The routes of this module, merged into the site's router.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/person/{id}/sanktion/ny", get(form).post(propose))
        .route("/sanktion/{id}", get(show))
        .route("/sanktion/{id}/avskriv", post(dismiss))
}

// --- the proposal form -----------------------------------------------------------------------------------------

#[derive(Debug, Template)]
#[template(path = "sanction_new.html")]
pub struct NewPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub st: &'static SanctionTexts,
    pub user: Option<NavUser>,
    pub here: String,
    pub csrf_token: String,
    pub person: i64,
    pub person_name: String,
    pub activity_id: i64,
    pub activity: String,
    /// The week's Monday as given (empty: a refusal without a week).
    pub week: String,
    /// "Vecka 47 (från 2026-11-16)".
    pub week_label: String,
    /// "12 timmar närvarande, 8 timmar frånvarande: Frånvaro utan godtagbart skäl".
    pub week_hours: String,
    pub reason: String,
    /// (field id, message)
    pub errors: Vec<(&'static str, String)>,
}

impl NewPage {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
}

/// The form's address parameters: the activity (required) and the week's Monday (optional).
fn params(pairs: &[(String, String)]) -> Result<(ActivityId, Option<Date>), (&'static str, &'static str)> {
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    };
    let activity = value("aktivitet")
        .parse::<i64>()
        .map(ActivityId)
        .map_err(|_| ("aktivitet", "välj en aktivitet i planeringen"))?;
    let week = match value("vecka") {
        "" => None,
        w => Some(
            w.parse::<Date>()
                .map_err(|_| ("vecka", "ange veckan med sin måndag, till exempel 2026-11-16"))?,
        ),
    };
    Ok((activity, week))
}

fn week_label(week: Option<Date>, st: &SanctionTexts) -> String {
    week.map(|w| format!("{} {} ({})", st.week, w.iso_week_date().week(), w))
        .unwrap_or_default()
}

#[expect(clippy::too_many_arguments, reason = "one page's parts")]
fn new_page(
    signed: &SignedIn,
    lang: PageLang,
    person: i64,
    activity: ActivityId,
    week: Option<Date>,
    context: &ProposalContext,
    reason: String,
    errors: Vec<(&'static str, String)>,
) -> NewPage {
    let st = SanctionTexts::of(lang.0);
    let week_hours = context
        .week
        .map(|(attended, absent, why)| {
            let mut s = format!(
                "{attended} {} {}, {absent} {} {}",
                st.hours, st.attended, st.hours, st.absent
            );
            if let Some(a) = why {
                s.push_str(&format!(": {}", st.absence(a)));
            }
            s
        })
        .unwrap_or_default();
    NewPage {
        lang: lang.0,
        t: lang.texts(),
        st,
        user: Some(NavUser::new(signed, lang.0)),
        here: format!("/person/{person}/sanktion/ny"),
        csrf_token: signed.csrf_token.clone(),
        person,
        person_name: context.person_name.clone(),
        activity_id: activity.get(),
        activity: format!(
            "{}, {} ({} {})",
            st.activity(context.activity_kind),
            context.provider,
            context.hours_per_week,
            st.hours
        ),
        week: week.map(|w| w.to_string()).unwrap_or_default(),
        week_label: week_label(week, st),
        week_hours,
        reason,
        errors,
    }
}

pub async fn form(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(person): Path<i64>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let here = format!("/person/{person}/sanktion/ny");
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    let (activity, week) = match params(&pairs) {
        Ok(p) => p,
        Err(_) => return crate::pages::error_page(StatusCode::BAD_REQUEST, lang.0, user, &here),
    };
    match state
        .app
        .sanction_form(&signed.signed_in.actor, PersonId(person), activity, week)
        .await
    {
        Ok(context) => render(
            StatusCode::OK,
            &new_page(
                &signed.signed_in,
                lang,
                person,
                activity,
                week,
                &context,
                String::new(),
                Vec::new(),
            ),
        ),
        Err(e) => app_error(e, lang, user, &here),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProposeForm {
    csrf_token: String,
    aktivitet: String,
    vecka: String,
    skal: String,
}

pub async fn propose(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(person): Path<i64>,
    Form(f): Form<ProposeForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    let here = format!("/person/{person}/sanktion/ny");
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    let pairs = [
        ("aktivitet".to_owned(), f.aktivitet.clone()),
        ("vecka".to_owned(), f.vecka.clone()),
    ];
    let (activity, week) = match params(&pairs) {
        Ok(p) => p,
        Err(_) => return crate::pages::error_page(StatusCode::BAD_REQUEST, lang.0, user, &here),
    };
    let actor = &signed.signed_in.actor;
    let proposal = Proposal {
        person: PersonId(person),
        activity,
        week,
        reason: f.skal.clone(),
    };
    let (status, message) = match state.app.propose_sanction(actor, &proposal).await {
        Ok(id) => return Redirect::to(&format!("/sanktion/{id}")).into_response(),
        Err(AppError::Invalid { field, reason }) => (StatusCode::BAD_REQUEST, (field_anchor(field), reason)),
        Err(AppError::Conflict(why)) => (StatusCode::CONFLICT, ("skal", why.to_owned())),
        Err(e) => return app_error(e, lang, user, &here),
    };
    match state
        .app
        .sanction_form(actor, PersonId(person), activity, week)
        .await
    {
        Ok(context) => render(
            status,
            &new_page(
                &signed.signed_in,
                lang,
                person,
                activity,
                week,
                &context,
                f.skal.clone(),
                vec![message],
            ),
        ),
        Err(e) => app_error(e, lang, user, &here),
    }
}

/// The field a use case's message belongs next to.
fn field_anchor(field: &'static str) -> &'static str {
    match field {
        "vecka" | "aktivitet" => field,
        _ => "skal",
    }
}

// --- the proposal's page and the dismissal -------------------------------------------------------------------

#[derive(Debug, Template)]
#[template(path = "sanction.html")]
pub struct ProposalPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub st: &'static SanctionTexts,
    pub user: Option<NavUser>,
    pub here: String,
    pub csrf_token: String,
    pub id: i64,
    pub row: ProposalRow,
    pub can_dismiss: bool,
    pub reasons: String,
    pub errors: Vec<(&'static str, String)>,
}

impl ProposalPage {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
}

/// A proposal as pages show it.
#[derive(Debug, Clone)]
pub struct ProposalRow {
    pub id: i64,
    pub household: i64,
    pub person: String,
    pub ground: &'static str,
    pub activity: String,
    pub week: String,
    pub week_hours: String,
    pub reason: String,
    pub proposed_by: String,
    pub proposed_on: String,
    pub open: bool,
    pub status: &'static str,
    pub decided_by: String,
    pub decided_on: String,
    pub outcome_reason: String,
    pub decision: Option<i64>,
}

/// Masks a protected person's name for a reader without the grant.
fn shown_name(v: &SanctionView, signed: &SignedIn, t: &'static Texts) -> String {
    if v.protected && !signed.actor.protected_grants.contains(&v.person) {
        t.protected_identity.to_owned()
    } else {
        v.person_name.clone()
    }
}

pub fn proposal_row(v: &SanctionView, signed: &SignedIn, lang: Lang) -> ProposalRow {
    let st = SanctionTexts::of(lang);
    let t = lang.texts();
    let week_hours = match (v.hours_absent, v.absence) {
        (Some(h), Some(a)) => format!("{h} {} {}: {}", st.hours, st.absent, st.absence(a)),
        (Some(h), None) => format!("{h} {} {}", st.hours, st.absent),
        _ => String::new(),
    };
    ProposalRow {
        id: v.id.get(),
        household: v.household.get(),
        person: shown_name(v, signed, t),
        ground: st.ground(v.ground),
        activity: format!("{}, {}", st.activity(v.activity_kind), v.provider),
        week: week_label(v.week, st),
        week_hours,
        reason: v.reason.clone(),
        proposed_by: v
            .proposed_by_name
            .clone()
            .unwrap_or_else(|| t.system_user.to_owned()),
        proposed_on: crate::time::date(v.proposed_at).to_string(),
        open: v.outcome.is_none(),
        status: st.outcome(v.outcome),
        decided_by: v.decided_by_name.clone().unwrap_or_default(),
        decided_on: v
            .decided_at
            .map(|at| crate::time::date(at).to_string())
            .unwrap_or_default(),
        outcome_reason: v.outcome_reason.clone().unwrap_or_default(),
        decision: v.decision.map(|d| d.get()),
    }
}

async fn proposal_page(
    state: &AppState,
    signed: &Signed,
    lang: PageLang,
    id: i64,
    reasons: String,
    errors: Vec<(&'static str, String)>,
    status: StatusCode,
) -> Response {
    let here = format!("/sanktion/{id}");
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    let actor = &signed.signed_in.actor;
    match state.app.sanction(actor, SanctionId(id)).await {
        Ok(v) => {
            let row = proposal_row(&v, &signed.signed_in, lang.0);
            render(
                status,
                &ProposalPage {
                    lang: lang.0,
                    t: lang.texts(),
                    st: SanctionTexts::of(lang.0),
                    user,
                    here,
                    csrf_token: signed.signed_in.csrf_token.clone(),
                    id,
                    can_dismiss: row.open && actor.require(Permission::Decide).is_ok(),
                    row,
                    reasons,
                    errors,
                },
            )
        }
        Err(e) => app_error(e, lang, user, &here),
    }
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
) -> Response {
    proposal_page(
        &state,
        &signed,
        lang,
        id,
        String::new(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DismissForm {
    csrf_token: String,
    skal: String,
}

pub async fn dismiss(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(f): Form<DismissForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    let st = SanctionTexts::of(lang.0);
    match state
        .app
        .dismiss_sanction(&signed.signed_in.actor, SanctionId(id), &f.skal)
        .await
    {
        Ok(()) => Redirect::to(&format!("/sanktion/{id}")).into_response(),
        Err(AppError::Invalid { reason, .. }) => {
            proposal_page(
                &state,
                &signed,
                lang,
                id,
                f.skal.clone(),
                vec![("skal", reason)],
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(AppError::Conflict(_)) => {
            proposal_page(
                &state,
                &signed,
                lang,
                id,
                String::new(),
                vec![("status", st.already_decided.to_owned())],
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => app_error(
            e,
            lang,
            Some(NavUser::new(&signed.signed_in, lang.0)),
            &format!("/sanktion/{id}"),
        ),
    }
}

// --- the household page's section ------------------------------------------------------------------------------

/// One adult and the activity requirement today.
#[derive(Debug, Clone)]
pub struct AdultRow {
    pub name: String,
    pub hours: i64,
    pub flagged: bool,
    /// The rules that flag them, in words.
    pub rules: String,
}

/// The household page's section.
#[derive(Debug, Default)]
pub struct HouseholdSection {
    pub proposals: Vec<ProposalRow>,
    pub months: u32,
    pub adults: Vec<AdultRow>,
    /// The rules in force today, in words (empty: none).
    pub rules_in_force: String,
}

/// The section from the use case's answer; `names` are the household's members as the page shows them.
pub fn household_section(
    v: &HouseholdSanctionView,
    names: &BTreeMap<i64, String>,
    signed: &SignedIn,
    lang: Lang,
) -> HouseholdSection {
    let st = SanctionTexts::of(lang);
    HouseholdSection {
        proposals: v
            .proposals
            .iter()
            .map(|p| proposal_row(p, signed, lang))
            .collect(),
        months: v.consecutive_months,
        adults: v
            .adults
            .iter()
            .map(|a| AdultRow {
                name: names.get(&a.person.get()).cloned().unwrap_or_default(),
                hours: a.hours,
                flagged: !a.flagged_by.is_empty(),
                rules: a
                    .flagged_by
                    .iter()
                    .map(|r| st.rule(*r))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
            .collect(),
        rules_in_force: v
            .rules_in_force
            .iter()
            .map(|r| st.rule(*r))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// An open proposal as the decision form lists it, with its checkbox's name.
#[derive(Debug, Clone)]
pub struct DecisionFormRow {
    pub row: ProposalRow,
    /// `sanction_{id}`
    pub field: String,
    pub checked: bool,
}

/// The decision form's rows for the application's open proposals.
pub fn decision_form_rows(open: &[SanctionView], signed: &SignedIn, lang: Lang) -> Vec<DecisionFormRow> {
    open.iter()
        .map(|v| DecisionFormRow {
            row: proposal_row(v, signed, lang),
            field: format!("sanction_{}", v.id.get()),
            checked: false,
        })
        .collect()
}
