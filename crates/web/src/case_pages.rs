//! The household page, with its forms (follow-ups, journal notes), and forwarding an appeal from the queue (the
//! queue itself is `queue_pages`, the start pages `start_pages`).

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
use app::domain::journal::NoteKind;
use app::domain::{AppealId, FollowUpId, HouseholdId, PersonId};
use app::norm::Money;
use app::views::HouseholdOverview;
use jiff::civil::Date;

use crate::decision_pages::{appeal_status, outcome_label};
use crate::i18n::{Lang, Texts};
use crate::lang::PageLang;
use crate::pages::{NavUser, error_page, internal_error, render};
use crate::router::AppState;
use crate::session::Signed;

// --- the household page ------------------------------------------------------------------------------------------

#[derive(Debug)]
pub struct MemberRow {
    pub id: i64,
    pub name: String,
    pub pnr: String,
    pub role: &'static str,
    pub protected: bool,
    /// For an adult: the link text to their path on the ladder (`ladder_pages`).
    pub ladder_link: Option<&'static str>,
}

#[derive(Debug)]
pub struct MembershipRow {
    pub name: String,
    pub pnr: String,
    pub role: &'static str,
    pub from: String,
    pub to: Option<String>,
}

/// One month of the household's history: the application, its current decision, what was paid and any appeal.
#[derive(Debug)]
pub struct MonthRow {
    pub application: i64,
    pub month: String,
    pub received: String,
    pub status: &'static str,
    pub decision: Option<i64>,
    pub outcome: &'static str,
    pub granted: String,
    pub replaces: Option<i64>,
    pub paid: String,
    pub pay_date: String,
    /// Payments not (yet) paid out: "väntar", "stoppad" or "skickad till banken".
    pub payment_note: Option<&'static str>,
    pub appeal: Option<&'static str>,
    pub year: u16,
}

/// A year's months on the household page, folded: the current year and the latest year with months are open.
#[derive(Debug)]
pub struct YearGroup {
    pub year: u16,
    pub open: bool,
    pub months: Vec<MonthRow>,
}

/// Newest year first, each year's months newest first (as `rows` come).
fn by_year(rows: Vec<MonthRow>, this_year: i16) -> Vec<YearGroup> {
    let mut years: Vec<YearGroup> = Vec::new();
    for row in rows {
        match years.last_mut() {
            Some(group) if group.year == row.year => group.months.push(row),
            _ => years.push(YearGroup {
                year: row.year,
                open: false,
                months: vec![row],
            }),
        }
    }
    let latest = years.iter().map(|g| g.year).max();
    for group in &mut years {
        group.open = Some(group.year) == latest || i32::from(group.year) == i32::from(this_year);
    }
    years
}

/// The household named by its people: the current members, else everyone who has been a member.
fn household_name(h: &HouseholdOverview) -> String {
    let mut names: Vec<&str> = h.members.iter().map(|m| m.person.name.as_str()).collect();
    if names.is_empty() {
        for m in &h.membership {
            if !names.contains(&m.person.name.as_str()) {
                names.push(m.person.name.as_str());
            }
        }
    }
    names.join(", ")
}

#[derive(Debug)]
pub struct ClaimRow {
    pub reason: String,
    pub amount: String,
    pub outstanding: String,
}

#[derive(Debug)]
pub struct FollowUpRow {
    pub id: i64,
    pub due: String,
    pub overdue: bool,
    pub reason: String,
    pub created_by: String,
    /// (who, when) once done.
    pub done: Option<(String, String)>,
}

#[derive(Debug)]
pub struct NoteRow {
    pub id: i64,
    pub at: String,
    pub written_by: String,
    pub person: String,
    /// "Rättelse av anteckning 12" and the like.
    pub kind: Option<String>,
    pub text: String,
}

#[derive(Debug, Template)]
#[template(path = "household.html")]
pub struct HouseholdPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub user: Option<NavUser>,
    pub here: String,
    pub id: i64,
    /// The household named by its people.
    pub name: String,
    pub unit_name: String,
    pub csrf_token: String,
    pub can_edit: bool,
    pub members: Vec<MemberRow>,
    pub membership: Vec<MembershipRow>,
    /// The months, folded by year.
    pub years: Vec<YearGroup>,
    pub claims: Vec<ClaimRow>,
    pub open_follow_ups: Vec<FollowUpRow>,
    pub done_follow_ups: Vec<FollowUpRow>,
    pub notes: Vec<NoteRow>,
    /// (person id, name) for the journal form's choice.
    pub note_persons: Vec<(i64, String)>,
    pub form: HouseholdForms,
    /// Omprövning and the court: every decision, how it was replaced, its appeals (`appeal_pages`).
    pub ct: &'static crate::appeal_pages::CourtTexts,
    pub decision_rows: Vec<crate::appeal_pages::DecisionRow>,
    /// Sanction proposals and the activity requirement per adult (`sanction_pages`).
    pub st: &'static crate::sanction_texts::SanctionTexts,
    pub sanctions: crate::sanction_pages::HouseholdSection,
}

/// What was typed into the household page's forms, and the problems with it (field id, message).
#[derive(Debug, Default)]
pub struct HouseholdForms {
    pub errors: Vec<(&'static str, String)>,
    pub due: String,
    pub reason: String,
    pub note_person: String,
    pub note_text: String,
}

impl HouseholdForms {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
}

pub async fn household(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
) -> Response {
    household_page(
        &state,
        &signed,
        lang,
        id,
        HouseholdForms::default(),
        StatusCode::OK,
    )
    .await
}

async fn household_page(
    state: &AppState,
    signed: &Signed,
    lang: PageLang,
    id: i64,
    form: HouseholdForms,
    status: StatusCode,
) -> Response {
    let here = format!("/hushall/{id}");
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    let actor = &signed.signed_in.actor;
    match state.app.household(actor, HouseholdId(id)).await {
        Ok(h) => {
            let page = household_view(&h, lang, today(state), form);
            let can_decide = actor.require(Permission::Decide).is_ok();
            let sanctions = match state.app.household_sanctions(actor, HouseholdId(id)).await {
                Ok(v) => {
                    let names = h
                        .members
                        .iter()
                        .map(|m| (m.person.id.get(), m.person.name.clone()))
                        .collect();
                    crate::sanction_pages::household_section(&v, &names, &signed.signed_in, lang.0)
                }
                Err(e) => return app_error(e, lang, user, &here),
            };
            render(
                status,
                &HouseholdPage {
                    user,
                    here,
                    csrf_token: signed.signed_in.csrf_token.clone(),
                    can_edit: actor.require(Permission::EditCase).is_ok(),
                    decision_rows: crate::appeal_pages::decision_rows(&h, lang.0, can_decide),
                    sanctions,
                    ..page
                },
            )
        }
        Err(e) => app_error(e, lang, user, &here),
    }
}

/// The page's content from the case file; `user`, `here`, `csrf_token` and `can_edit` are the caller's.
fn household_view(h: &HouseholdOverview, lang: PageLang, today: Date, form: HouseholdForms) -> HouseholdPage {
    let t = lang.texts();
    let role = |r: app::norm::contract::Role| match r {
        app::norm::contract::Role::Adult => t.adult,
        app::norm::contract::Role::Child => t.child,
    };
    let who = |w: &str| display_who(w, &h.names, t);
    let members = h
        .members
        .iter()
        .map(|m| MemberRow {
            id: m.person.id.get(),
            name: m.person.name.clone(),
            pnr: m.person.pnr.to_string(),
            role: role(m.role),
            protected: m.person.protection.is_protected(),
            ladder_link: (m.role == app::norm::contract::Role::Adult)
                .then_some(crate::ladder_texts::LadderTexts::of(lang.0).step_link),
        })
        .collect();
    let membership = h
        .membership
        .iter()
        .map(|m| MembershipRow {
            name: m.person.name.clone(),
            pnr: m.person.pnr.to_string(),
            role: role(m.role),
            from: m.from.to_string(),
            to: m.to.map(|d| d.to_string()),
        })
        .collect();
    let mut note_persons: Vec<(i64, String)> = Vec::new();
    for m in &h.membership {
        if !note_persons.iter().any(|(id, _)| *id == m.person.id.get()) {
            note_persons.push((m.person.id.get(), m.person.name.clone()));
        }
    }
    let person_name = |p: PersonId| {
        h.membership
            .iter()
            .find(|m| m.person.id == p)
            .map(|m| m.person.name.clone())
            .unwrap_or_default()
    };
    let (open, done): (Vec<_>, Vec<_>) = h.follow_ups.iter().partition(|f| f.done.is_none());
    let follow_up_row = |f: &app::views::FollowUpView| FollowUpRow {
        id: f.id.get(),
        due: f.due_on.to_string(),
        overdue: f.done.is_none() && f.due_on < today,
        reason: f.reason.clone(),
        created_by: who(&f.created_by),
        done: f
            .done
            .as_ref()
            .map(|(by, at)| (who(by), date_of(*at).to_string())),
    };
    HouseholdPage {
        lang: lang.0,
        t,
        user: None,
        here: String::new(),
        id: h.id.get(),
        name: household_name(h),
        unit_name: h.unit_name.clone(),
        csrf_token: String::new(),
        can_edit: false,
        members,
        membership,
        years: by_year(month_rows(h, lang), today.year()),
        claims: h
            .claims
            .iter()
            .map(|c| ClaimRow {
                reason: c.reason.clone(),
                amount: c.amount.to_string(),
                outstanding: c.outstanding.to_string(),
            })
            .collect(),
        open_follow_ups: open.into_iter().map(follow_up_row).collect(),
        done_follow_ups: done.into_iter().map(follow_up_row).collect(),
        notes: h
            .journal
            .iter()
            .map(|n| NoteRow {
                id: n.id.get(),
                at: crate::time::minute(n.written_at),
                written_by: who(&n.written_by),
                person: person_name(n.person),
                kind: match n.kind {
                    NoteKind::Note => None,
                    NoteKind::Correction { corrects } => Some(format!("{} {corrects}", t.note_correction)),
                    NoteKind::Objection { regarding } => Some(format!("{} {regarding}", t.note_objection)),
                },
                text: n.text.clone(),
            })
            .collect(),
        note_persons,
        form,
        ct: crate::appeal_pages::court_texts(lang.0),
        decision_rows: Vec::new(),
        st: crate::sanction_texts::SanctionTexts::of(lang.0),
        sanctions: crate::sanction_pages::HouseholdSection::default(),
    }
}

/// Newest month first: each application with its current decision, what was paid on it, and its latest appeal.
fn month_rows(h: &HouseholdOverview, lang: PageLang) -> Vec<MonthRow> {
    let t = lang.texts();
    h.applications
        .iter()
        .rev()
        .map(|a| {
            let decision = a
                .current_decision
                .and_then(|d| h.decisions.iter().find(|x| x.id == d));
            let payments: Vec<_> = decision
                .map(|d| h.payments.iter().filter(|p| p.decision == d.id).collect())
                .unwrap_or_default();
            let exported: Vec<_> = payments
                .iter()
                .filter(|p| p.status == app::domain::payment::PaymentStatus::Exported)
                .collect();
            let paid = Money::checked_sum(exported.iter().map(|p| p.amount));
            let payment_note = if payments
                .iter()
                .any(|p| p.status == app::domain::payment::PaymentStatus::Pending)
            {
                Some(t.payment_waiting)
            } else if payments
                .iter()
                .any(|p| p.status == app::domain::payment::PaymentStatus::Stopped)
            {
                Some(t.payment_was_stopped)
            } else if !exported.is_empty() && a.status != app::domain::application::ApplicationStatus::Paid {
                // The bank file is made, the bank has not confirmed: not paid yet.
                Some(crate::staff_texts::StaffTexts::of(lang.0).payment_exported)
            } else {
                None
            };
            let application_decisions: Vec<_> = h
                .decisions
                .iter()
                .filter(|d| d.application == a.id)
                .map(|d| d.id)
                .collect();
            let appeal = h
                .appeals
                .iter()
                .rev()
                .find(|ap| application_decisions.contains(&ap.decision))
                .map(|ap| appeal_status(ap.status, t));
            MonthRow {
                application: a.id.get(),
                month: a.month.to_string(),
                received: a.received_on.to_string(),
                status: t.application_status(a.status.as_str()),
                decision: decision.map(|d| d.id.get()),
                outcome: decision
                    .and_then(|d| d.outcome)
                    .map(|o| outcome_label(o, t))
                    .unwrap_or(""),
                granted: decision.map(|d| d.total_granted.to_string()).unwrap_or_default(),
                replaces: decision.and_then(|d| d.replaces).map(|d| d.get()),
                paid: match paid {
                    Ok(sum) if !exported.is_empty() => sum.to_string(),
                    _ => String::new(),
                },
                pay_date: exported
                    .iter()
                    .map(|p| p.pay_date)
                    .max()
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                payment_note,
                appeal,
                year: a.month.year(),
            }
        })
        .collect()
}

/// A stored `staff:12` / `account:3` / `system:demo` as a reader wants to see it.
fn display_who(who: &str, names: &BTreeMap<String, String>, t: &'static Texts) -> String {
    if let Some(name) = names.get(who) {
        return name.clone();
    }
    match who.split_once(':') {
        Some(("system", name)) => format!("{} ({name})", t.system_user),
        _ => who.to_owned(),
    }
}

// --- the household page's forms ----------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FollowUpForm {
    csrf_token: String,
    due: String,
    reason: String,
}

/// A new follow-up; problems are shown next to their fields and nothing is stored.
pub async fn add_follow_up(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(f): Form<FollowUpForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    let t = lang.texts();
    let mut form = HouseholdForms {
        due: f.due.trim().to_owned(),
        reason: f.reason.clone(),
        ..HouseholdForms::default()
    };
    let Ok(due) = form.due.parse::<Date>() else {
        form.errors.push(("due", t.error_date.to_owned()));
        if f.reason.trim().is_empty() {
            form.errors.push(("reason", t.error_missing.to_owned()));
        }
        return household_page(&state, &signed, lang, id, form, StatusCode::BAD_REQUEST).await;
    };
    match state
        .app
        .create_follow_up(&signed.signed_in.actor, HouseholdId(id), due, &f.reason)
        .await
    {
        Ok(_) => Redirect::to(&format!("/hushall/{id}#bevakningar")).into_response(),
        Err(AppError::Invalid { field, reason }) => {
            let field = if field == "datum" { "due" } else { "reason" };
            form.errors.push((field, reason));
            household_page(&state, &signed, lang, id, form, StatusCode::BAD_REQUEST).await
        }
        Err(e) => app_error(
            e,
            lang,
            Some(NavUser::new(&signed.signed_in, lang.0)),
            &format!("/hushall/{id}"),
        ),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsrfOnly {
    csrf_token: String,
}

/// Marks a follow-up done, then back to the page it was done from (the household page or the queue).
pub async fn complete_follow_up(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    match state
        .app
        .complete_follow_up(&signed.signed_in.actor, FollowUpId(id))
        .await
    {
        Ok(view) => Redirect::to(&format!("/hushall/{}#bevakningar", view.household)).into_response(),
        Err(AppError::Conflict(_)) => {
            // Done already (by someone else, or a second click): nothing to do.
            Redirect::to("/arenden").into_response()
        }
        Err(e) => app_error(e, lang, Some(NavUser::new(&signed.signed_in, lang.0)), "/arenden"),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NoteForm {
    csrf_token: String,
    person: String,
    text: String,
}

/// A journal note about one of the household's members; problems next to their fields, nothing stored.
pub async fn add_note(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(f): Form<NoteForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    let t = lang.texts();
    let mut form = HouseholdForms {
        note_person: f.person.clone(),
        note_text: f.text.clone(),
        ..HouseholdForms::default()
    };
    let Ok(person) = f.person.parse::<i64>() else {
        form.errors.push(("note-person", t.choose_person.to_owned()));
        if f.text.trim().is_empty() {
            form.errors.push(("note-text", t.error_missing.to_owned()));
        }
        return household_page(&state, &signed, lang, id, form, StatusCode::BAD_REQUEST).await;
    };
    match state
        .app
        .add_journal_note(
            &signed.signed_in.actor,
            HouseholdId(id),
            PersonId(person),
            &f.text,
        )
        .await
    {
        Ok(_) => Redirect::to(&format!("/hushall/{id}#journal")).into_response(),
        Err(AppError::Invalid { field, reason }) => {
            let field = if field == "person" {
                "note-person"
            } else {
                "note-text"
            };
            form.errors.push((field, reason));
            household_page(&state, &signed, lang, id, form, StatusCode::BAD_REQUEST).await
        }
        Err(e) => app_error(
            e,
            lang,
            Some(NavUser::new(&signed.signed_in, lang.0)),
            &format!("/hushall/{id}"),
        ),
    }
}

/// Forwards an appeal to the förvaltningsrätt from the work queue.
pub async fn forward_appeal(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    match state
        .app
        .forward_appeal(&signed.signed_in.actor, AppealId(id))
        .await
    {
        Ok(_) => Redirect::to("/arenden?vy=alla&typ=overklaganden").into_response(),
        Err(AppError::Invalid { reason, .. }) => {
            let pairs = [
                ("vy".to_owned(), "alla".to_owned()),
                ("typ".to_owned(), "overklaganden".to_owned()),
            ];
            let message = Some((StatusCode::CONFLICT, "lista", reason));
            crate::queue_pages::queue_page(&state, &signed, lang, &pairs, message).await
        }
        Err(e) => app_error(e, lang, Some(NavUser::new(&signed.signed_in, lang.0)), "/arenden"),
    }
}

// --- shared -------------------------------------------------------------------------------------------------------

/// Refusals are 403 pages, unknown records 404, anything else 500 with an operation id.
pub(crate) fn app_error(e: AppError, lang: PageLang, user: Option<NavUser>, here: &str) -> Response {
    match e {
        AppError::Denied(_) => error_page(StatusCode::FORBIDDEN, lang.0, user, here),
        AppError::NotFound { .. } => error_page(StatusCode::NOT_FOUND, lang.0, user, here),
        other => internal_error(&other),
    }
}

pub(crate) fn permission_code(p: Permission) -> &'static str {
    match p {
        Permission::ApplyOwn => "apply_own",
        Permission::ReadCase => "read_case",
        Permission::EditCase => "edit_case",
        Permission::Decide => "decide",
        Permission::PreparePayments => "prepare_payments",
        Permission::ApprovePayments => "approve_payments",
        Permission::EditPlan => "edit_plan",
        Permission::ReadAggregates => "read_aggregates",
        Permission::ReadUnitCosts => "read_unit_costs",
        Permission::ReadAccessLog => "read_access_log",
        Permission::ManageUsers => "manage_users",
    }
}

/// Today's date in Sweden by the application's clock.
fn today(state: &AppState) -> Date {
    date_of(state.app.clock.now())
}

fn date_of(at: jiff::Timestamp) -> Date {
    crate::time::date(at)
}
