//! Page templates (compiled and auto-escaped by askama) and the page chrome they share. Handlers fill these;
//! nothing builds HTML by hand.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use app::SignedIn;
use app::access::{Permission, Role};

use crate::i18n::{Lang, Texts};

/// The signed-in user as the page header shows them, with the links their role can use.
#[derive(Debug, Clone)]
pub struct NavUser {
    pub display_name: String,
    pub role_label: &'static str,
    pub csrf_token: String,
    /// (href, label)
    pub links: Vec<(&'static str, &'static str)>,
}

impl NavUser {
    pub fn new(signed: &SignedIn, lang: Lang) -> NavUser {
        let t = lang.texts();
        let actor = &signed.actor;
        let mut links = Vec::new();
        // The job coach's working view comes with a later issue; their start page says what they can do meanwhile.
        if actor.require(Permission::ReadCase).is_ok()
            && !actor.units.is_empty()
            && actor.role != Role::JobCoach
        {
            links.push(("/arenden", t.work_queue));
        }
        if actor.require(Permission::PreparePayments).is_ok()
            || actor.require(Permission::ApprovePayments).is_ok()
        {
            links.push(("/utbetalningar", t.payments));
        }
        if actor.require(Permission::ApplyOwn).is_ok() {
            links.push(("/mina-sidor", t.my_pages));
            links.push((
                "/mina-sidor/planering",
                crate::ladder_texts::LadderTexts::of(lang).my_plan,
            ));
            links.push(("/ansok", t.apply));
        }
        // What moves people on the ladder, in aggregate (issue #13): every role that reads aggregates.
        if actor.require(Permission::ReadAggregates).is_ok() {
            links.push((
                crate::ladder_stats_pages::PATH,
                crate::ladder_stats_texts::LadderStatsTexts::of(lang).heading,
            ));
        }
        if actor.require(Permission::ReadAccessLog).is_ok() {
            links.push(("/granskning", t.access_log));
        }
        if actor.require(Permission::ManageUsers).is_ok() {
            links.push(("/admin/anvandare", t.users));
            links.push(("/admin/enheter", t.units_label));
            links.push((
                "/admin/stege",
                crate::ladder_texts::LadderTexts::of(lang).ladder_link,
            ));
        }
        NavUser {
            display_name: actor.display_name.clone(),
            role_label: role_label(actor.role, lang),
            csrf_token: signed.csrf_token.clone(),
            links,
        }
    }
}

pub fn role_label(role: Role, lang: Lang) -> &'static str {
    match lang {
        Lang::Sv => role.label_sv(),
        Lang::En => role.label_en(),
    }
}

#[derive(Debug, Template)]
#[template(path = "start.html")]
pub struct StartPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub user: Option<NavUser>,
    pub here: String,
    pub demo_mode: bool,
}

#[derive(Debug, Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub user: Option<NavUser>,
    pub here: String,
    pub heading: &'static str,
    pub operation_id: Option<String>,
}

#[derive(Debug, Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub user: Option<NavUser>,
    pub here: String,
    pub demo_mode: bool,
    /// Sign-in through the municipality's provider, when configured: (button text, link).
    pub oidc: Option<(String, String)>,
    /// Sign-in with e-legitimation for applicants, when configured: the link.
    pub eid: Option<String>,
    pub csrf_token: String,
    pub next: String,
    pub username: String,
    pub username_error: Option<&'static str>,
    pub password_error: Option<&'static str>,
    /// (field id, message) for the error summary.
    pub errors: Vec<(&'static str, &'static str)>,
}

/// After a sign-in with e-legitimation by someone who is not in the register: what to do instead.
#[derive(Debug, Template)]
#[template(path = "eid_unknown.html")]
pub struct EidUnknownPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub user: Option<NavUser>,
    pub here: String,
}

#[derive(Debug)]
pub struct ApplicationRow {
    pub month: String,
    pub received: String,
    pub status: &'static str,
    pub decision: Option<i64>,
}

#[derive(Debug)]
pub struct ItemRow {
    pub what: String,
    pub outcome: &'static str,
    pub applied: String,
    pub granted: String,
    pub reasons: String,
    pub legal_basis: String,
}

/// One part of the calculation (norm, costs, income, assets) with its lines: (text, amount, basis).
#[derive(Debug)]
pub struct CalcPart {
    pub heading: &'static str,
    pub total: String,
    pub lines: Vec<(String, String, String)>,
}

#[derive(Debug, Template)]
#[template(path = "decision.html")]
pub struct DecisionPage {
    pub changed_facts_heading: &'static str,
    /// The investigation's changes of declared facts, as sentences.
    pub changed_facts: Vec<String>,
    /// (label, amount) of the own means taken from the accepted need, when there are any.
    pub deductions: Option<(&'static str, String)>,
    /// (label, amount) paid out.
    pub to_pay: (&'static str, String),
    pub lang: Lang,
    pub t: &'static Texts,
    pub user: Option<NavUser>,
    pub here: String,
    pub id: i64,
    pub served_on: Option<String>,
    /// (received, status)
    pub appeals: Vec<(String, &'static str)>,
    pub can_appeal: bool,
    pub csrf_token: String,
    pub grounds: String,
    /// The appeal field's hint: its limit, and that a second submission is added to the appeal.
    pub appeal_hint: &'static str,
    pub appeal_error: Option<String>,
    pub month: String,
    pub decided_on: String,
    pub rule_table: Option<String>,
    pub items: Vec<ItemRow>,
    pub parts: Vec<CalcPart>,
    pub assistance: String,
    pub findings: Vec<String>,
}

#[derive(Debug, Template)]
#[template(path = "mine.html")]
pub struct MinePage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub user: Option<NavUser>,
    pub here: String,
    pub ct: &'static crate::citizen_texts::CitizenTexts,
    /// Each month's application with the names of the household's members that month, the attachments the
    /// applicant sent, the decisions with their amounts and payments, and the appeals.
    pub applications: Vec<crate::receipt_pages::MineMonth>,
}

/// An error page for a status (404, 403) in the user's language.
pub fn error_page(status: StatusCode, lang: Lang, user: Option<NavUser>, here: &str) -> Response {
    let t = lang.texts();
    let heading = match status {
        StatusCode::NOT_FOUND => t.not_found,
        StatusCode::FORBIDDEN => t.forbidden,
        StatusCode::METHOD_NOT_ALLOWED => crate::staff_texts::StaffTexts::of(lang).method_not_allowed,
        s if s.is_client_error() => crate::staff_texts::StaffTexts::of(lang).bad_request,
        _ => t.server_error,
    };
    render(
        status,
        &ErrorPage {
            lang,
            t,
            user,
            here: here.to_owned(),
            heading,
            operation_id: None,
        },
    )
}

/// 500 with an operation id the user can quote; the cause is logged once, here, with the same id.
pub fn internal_error(err: &dyn std::fmt::Display) -> Response {
    let operation_id = crate::security::random_token()
        .chars()
        .take(12)
        .collect::<String>();
    tracing::error!(%operation_id, error = %err, "request failed");
    let t = Lang::Sv.texts();
    let page = ErrorPage {
        lang: Lang::Sv,
        t,
        user: None,
        here: "/".to_owned(),
        heading: t.server_error,
        operation_id: Some(operation_id),
    };
    match page.render() {
        Ok(html) => (StatusCode::INTERNAL_SERVER_ERROR, Html(html)).into_response(),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "Internt fel").into_response(),
    }
}

/// Render a template, or answer 500 without leaking the cause (it is logged once, here).
pub fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(err) => internal_error(&err),
    }
}
