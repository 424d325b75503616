//! The caseworker's queue (`/arenden`): three views (mine, the units' unassigned, all), one kind of work at a time,
//! filters, sort, search and pages, all carried in the address so that a page can be bookmarked and sent back to;
//! and the assignment forms (take, hand back, a unit manager's assign).

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use app::AppError;
use app::access::{Permission, Role};
use app::domain::appeal::{AppealStatus, CourtOutcome, appeal_deadline, forward_by};
use app::domain::{ApplicationId, StaffId};
use app::norm::Month;
use app::queue::{QueueRequest, ViewChoice};
use app::views::{QueueEntry, QueueKind, QueueSort, QueueSubject};

use crate::case_pages::app_error;
use crate::decision_pages::appeal_status;
use crate::i18n::{Lang, Texts};
use crate::lang::PageLang;
use crate::pages::{NavUser, render};
use crate::queue_texts::QueueTexts;
use crate::router::AppState;
use crate::session::Signed;

/// The queue's address parameters as typed, and the request they make once checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueParams {
    pub vy: String,
    pub typ: String,
    pub status: String,
    pub manad: String,
    pub sen: bool,
    pub sok: String,
    pub sortera: String,
    pub sida: i64,
    /// Only households the activity requirement flags (issue #13).
    pub aktivitetskrav: bool,
}

/// The parameters' names: anything else in the address is ignored.
const VIEWS: [(&str, ViewChoice); 3] = [
    ("mina", ViewChoice::Mine),
    ("ej-tilldelade", ViewChoice::Unassigned),
    ("alla", ViewChoice::All),
];
const KINDS: [(&str, QueueKind); 3] = [
    ("ansokningar", QueueKind::Applications),
    ("bevakningar", QueueKind::FollowUps),
    ("overklaganden", QueueKind::Appeals),
];
const STATUSES: [(&str, &str); 2] = [
    ("inkommen", "received"),
    ("under-utredning", "under_investigation"),
];
const SORTS: [(&str, QueueSort); 3] = [
    ("vantat", QueueSort::Waiting),
    ("inkommen", QueueSort::Received),
    ("manad", QueueSort::Month),
];
const MAX_PAGE: i64 = 10_000;

fn lookup<T: Copy>(table: &[(&str, T)], value: &str) -> Option<T> {
    table.iter().find(|(k, _)| *k == value).map(|(_, v)| *v)
}

fn key_of<T: Copy + PartialEq>(table: &[(&'static str, T)], value: T) -> &'static str {
    table
        .iter()
        .find(|(_, v)| *v == value)
        .map(|(k, _)| *k)
        .unwrap_or("")
}

/// Messages for the fields of a form: (field id, message).
pub type FieldErrors = Vec<(&'static str, &'static str)>;

/// Checks the address: a bad value is a message for its field (field id, message) and nothing is listed.
pub fn parse_params(
    pairs: &[(String, String)],
    qt: &'static QueueTexts,
) -> (QueueParams, Result<QueueRequest, FieldErrors>) {
    let mut p = QueueParams::default();
    let mut errors = Vec::new();
    let mut req = QueueRequest {
        page: 1,
        ..QueueRequest::default()
    };
    for (k, v) in pairs {
        let v = v.trim();
        match k.as_str() {
            "vy" => {
                p.vy = v.to_owned();
                match lookup(&VIEWS, v) {
                    Some(view) => req.view = view,
                    None => errors.push(("vy", qt.bad_view)),
                }
            }
            "typ" => {
                p.typ = v.to_owned();
                match lookup(&KINDS, v) {
                    Some(kind) => req.kind = kind,
                    None => errors.push(("typ", qt.bad_kind)),
                }
            }
            "status" if !v.is_empty() => {
                p.status = v.to_owned();
                match lookup(&STATUSES, v) {
                    Some(s) => req.status = Some(s.to_owned()),
                    None => errors.push(("status", qt.bad_status)),
                }
            }
            "manad" if !v.is_empty() => {
                p.manad = v.to_owned();
                match v.parse::<Month>() {
                    Ok(m) => req.month = Some(m),
                    Err(_) => errors.push(("manad", qt.bad_month)),
                }
            }
            "sen" if !v.is_empty() => {
                if v == "1" {
                    p.sen = true;
                    req.late = true;
                } else {
                    errors.push(("sen", qt.bad_late));
                }
            }
            "aktivitetskrav" if !v.is_empty() => {
                if v == "1" {
                    p.aktivitetskrav = true;
                    req.requirement_only = true;
                } else {
                    errors.push(("aktivitetskrav", qt.bad_requirement));
                }
            }
            "sok" => {
                p.sok = v.to_owned();
                req.search = v.to_owned();
            }
            "sortera" if !v.is_empty() => {
                p.sortera = v.to_owned();
                match lookup(&SORTS, v) {
                    Some(s) => req.sort = s,
                    None => errors.push(("sortera", qt.bad_sort)),
                }
            }
            "sida" if !v.is_empty() => match v.parse::<i64>() {
                Ok(n) if (1..=MAX_PAGE).contains(&n) => {
                    p.sida = n;
                    req.page = n;
                }
                _ => errors.push(("sida", qt.bad_page)),
            },
            _ => {}
        }
    }
    if errors.is_empty() {
        (p, Ok(req))
    } else {
        (p, Err(errors))
    }
}

/// The address of a queue page for a request (canonical: only what differs from the defaults).
pub fn href(req: &QueueRequest, view: ViewChoice, kind: QueueKind, page: i64) -> String {
    let mut parts = vec![format!("vy={}", key_of(&VIEWS, view))];
    if kind != QueueKind::Applications {
        parts.push(format!("typ={}", key_of(&KINDS, kind)));
    }
    // Filters carry over between views of the same kind; a different kind starts afresh.
    if kind == req.kind {
        if let Some(s) = &req.status {
            let key = STATUSES
                .iter()
                .find(|(_, v)| v == s)
                .map(|(k, _)| *k)
                .unwrap_or("");
            parts.push(format!("status={key}"));
        }
        if let Some(m) = req.month {
            parts.push(format!("manad={m}"));
        }
        if req.late {
            parts.push("sen=1".to_owned());
        }
        if req.requirement_only {
            parts.push("aktivitetskrav=1".to_owned());
        }
        if !req.search.is_empty() {
            parts.push(format!("sok={}", crate::session::urlencode(&req.search)));
        }
        if req.sort != QueueSort::Waiting {
            parts.push(format!("sortera={}", key_of(&SORTS, req.sort)));
        }
    }
    if page > 1 {
        parts.push(format!("sida={page}"));
    }
    format!("/arenden?{}", parts.join("&"))
}

#[derive(Debug)]
pub struct Row {
    /// The application (applications), follow-up or appeal id, for forms and links.
    pub id: i64,
    pub household: i64,
    /// The household named by its applicant (masked where protected identity requires), and how many more.
    pub applicant: String,
    pub others: usize,
    pub members: String,
    pub day: String,
    pub days: i64,
    pub month: String,
    pub status: &'static str,
    pub late: bool,
    pub assignee: Option<String>,
    pub mine: bool,
    pub assigned_id: Option<i64>,
    /// Follow-ups: the reason. Appeals: the decision appealed.
    pub reason: String,
    pub decision: i64,
    pub last_day: String,
    pub can_forward: bool,
    /// A unit manager's choice of caseworkers for this row: (staff id, name, currently assigned).
    pub options: Vec<(i64, String, bool)>,
    /// An adult of the household is below full time under the activity requirement.
    pub requirement_flag: bool,
    /// The household's open sanction proposals.
    pub open_sanctions: i64,
}

#[derive(Debug, Template)]
#[template(path = "queue.html")]
pub struct QueuePage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub qt: &'static QueueTexts,
    pub user: Option<NavUser>,
    pub here: String,
    pub csrf_token: String,
    pub params: QueueParams,
    /// (field id, message)
    pub errors: Vec<(&'static str, String)>,
    /// (href, label, count, current) for the three views.
    pub views: Vec<(String, &'static str, i64, bool)>,
    /// (href, label, current) for the three kinds.
    pub kinds: Vec<(String, &'static str, bool)>,
    pub kind: &'static str,
    pub heading: String,
    pub late_definition: &'static str,
    pub rows: Vec<Row>,
    pub page: i64,
    pub pages: i64,
    pub previous: Option<String>,
    pub next: Option<String>,
    /// The canonical query of this page, for the forms to come back to.
    pub back: String,
    pub can_take: bool,
    pub can_decide: bool,
    /// A unit manager's choice of caseworkers: (staff id, name).
    pub caseworkers: Vec<(i64, String)>,
    /// The activity requirement's and the sanction proposals' words (`sanction_texts`).
    pub st: &'static crate::sanction_texts::SanctionTexts,
}

impl QueuePage {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
}

pub async fn queue(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    queue_page(&state, &signed, lang, &pairs, None).await
}

/// The queue page for the address's parameters, with a message from a form (status 409 or 400) if any.
pub async fn queue_page(
    state: &AppState,
    signed: &Signed,
    lang: PageLang,
    pairs: &[(String, String)],
    message: Option<(StatusCode, &'static str, String)>,
) -> Response {
    let qt = QueueTexts::of(lang.0);
    let t = lang.texts();
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    let actor = &signed.signed_in.actor;
    let (params, checked) = parse_params(pairs, qt);
    let mut page = QueuePage {
        lang: lang.0,
        t,
        qt,
        user: user.clone(),
        here: "/arenden".to_owned(),
        csrf_token: signed.signed_in.csrf_token.clone(),
        params,
        errors: Vec::new(),
        views: Vec::new(),
        kinds: Vec::new(),
        kind: "ansokningar",
        heading: qt.heading.to_owned(),
        late_definition: qt.late_applications,
        rows: Vec::new(),
        page: 1,
        pages: 0,
        previous: None,
        next: None,
        back: String::new(),
        can_take: actor.role == Role::Caseworker && actor.staff.is_some(),
        can_decide: actor.require(Permission::Decide).is_ok(),
        caseworkers: Vec::new(),
        st: crate::sanction_texts::SanctionTexts::of(lang.0),
    };
    let mut status = StatusCode::OK;
    if let Some((code, field, msg)) = message {
        status = code;
        page.errors.push((field, msg));
    }
    let req = match checked {
        Ok(req) => req,
        Err(errors) => {
            // Refused by role first: someone who may not read cases learns nothing from a bad address either.
            if let Err(e) = actor.require(Permission::ReadCase) {
                return app_error(AppError::Denied(e), lang, user, "/arenden");
            }
            page.errors
                .extend(errors.into_iter().map(|(f, m)| (f, m.to_owned())));
            return render(StatusCode::BAD_REQUEST, &page);
        }
    };
    let answer = match state.app.queue(actor, &req).await {
        Ok(a) => a,
        Err(AppError::Invalid { field, reason }) => {
            page.errors.push((field, reason));
            return render(StatusCode::BAD_REQUEST, &page);
        }
        Err(e) => return app_error(e, lang, user, "/arenden"),
    };
    page.caseworkers = match state.app.assignable_caseworkers(actor).await {
        Ok(c) => c.into_iter().map(|(s, n)| (s.get(), n)).collect(),
        Err(e) => return app_error(e, lang, user, "/arenden"),
    };
    let counts = answer.page.counts;
    let view_label = |v: ViewChoice| match v {
        ViewChoice::Mine => qt.view_mine,
        ViewChoice::Unassigned => qt.view_unassigned,
        ViewChoice::All => qt.view_all,
    };
    page.views = VIEWS
        .iter()
        .map(|(_, v)| {
            let n = match v {
                ViewChoice::Mine => counts.mine,
                ViewChoice::Unassigned => counts.unassigned,
                ViewChoice::All => counts.all,
            };
            (href(&req, *v, req.kind, 1), view_label(*v), n, *v == req.view)
        })
        .collect();
    page.kinds = KINDS
        .iter()
        .map(|(_, k)| {
            let label = match k {
                QueueKind::Applications => qt.kind_applications,
                QueueKind::FollowUps => qt.kind_follow_ups,
                QueueKind::Appeals => qt.kind_appeals,
            };
            (href(&req, req.view, *k, 1), label, *k == req.kind)
        })
        .collect();
    page.kind = key_of(&KINDS, req.kind);
    page.late_definition = match req.kind {
        QueueKind::Applications => qt.late_applications,
        QueueKind::FollowUps => qt.late_follow_ups,
        QueueKind::Appeals => qt.late_appeals,
    };
    let kind_label = match req.kind {
        QueueKind::Applications => qt.kind_applications,
        QueueKind::FollowUps => qt.kind_follow_ups,
        QueueKind::Appeals => qt.kind_appeals,
    };
    page.heading = format!(
        "{}: {} ({})",
        view_label(req.view),
        kind_label.to_lowercase(),
        answer.total
    );
    page.page = req.page;
    page.pages = answer.pages;
    page.previous = (req.page > 1).then(|| href(&req, req.view, req.kind, req.page - 1));
    page.next = (req.page < answer.pages).then(|| href(&req, req.view, req.kind, req.page + 1));
    page.back = href(&req, req.view, req.kind, req.page)
        .trim_start_matches("/arenden?")
        .to_owned();
    let late_before = app::queue::late_before(answer.today);
    let me = actor.staff;
    page.rows = answer
        .page
        .entries
        .iter()
        .map(|e| {
            let mut r = row(e, answer.today, late_before, me, t, lang.0);
            r.options = page
                .caseworkers
                .iter()
                .map(|(id, name)| (*id, name.clone(), r.assigned_id == Some(*id)))
                .collect();
            r
        })
        .collect();
    render(status, &page)
}

fn row(
    e: &QueueEntry,
    today: jiff::civil::Date,
    late_before: jiff::civil::Date,
    me: Option<StaffId>,
    t: &'static Texts,
    lang: Lang,
) -> Row {
    let applicant = e
        .members
        .first()
        .map(|(_, n, _)| n.clone())
        .unwrap_or_else(|| "–".to_owned());
    let mut r = Row {
        id: 0,
        household: e.household.get(),
        applicant,
        others: e.members.len().saturating_sub(1),
        members: e
            .members
            .iter()
            .map(|(_, n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        day: e.day.to_string(),
        days: (today - e.day).get_days().into(),
        month: e.month.map(|m| m.to_string()).unwrap_or_default(),
        status: "",
        late: false,
        assignee: e.assignee.as_ref().map(|(_, n)| n.clone()),
        mine: me.is_some() && e.assignee.as_ref().map(|(s, _)| *s) == me,
        assigned_id: e.assignee.as_ref().map(|(s, _)| s.get()),
        reason: String::new(),
        decision: 0,
        last_day: String::new(),
        can_forward: false,
        options: Vec::new(),
        requirement_flag: e.requirement_flag,
        open_sanctions: e.open_sanctions,
    };
    match &e.subject {
        QueueSubject::Application { id, .. } => {
            r.id = id.get();
            r.status = t.application_status(&e.status);
            r.late = e.day < late_before;
        }
        QueueSubject::FollowUp(f) => {
            r.id = f.id.get();
            r.reason = f.reason.clone();
            r.late = f.due_on < today;
        }
        QueueSubject::Appeal(a) => {
            r.id = a.id.get();
            r.decision = a.decision.get();
            r.last_day = appeal_deadline(a.served_on)
                .map(|d| d.to_string())
                .unwrap_or_else(|| "–".to_owned());
            let by = forward_by(a.received_on);
            r.reason = by.map(|d| d.to_string()).unwrap_or_else(|| "–".to_owned());
            r.late = by.is_some_and(|d| d < today);
            r.status = match a.status {
                AppealStatus::Judged(CourtOutcome::Aterforvisat) => {
                    crate::appeal_pages::court_texts(lang).queue_decide_again
                }
                AppealStatus::Judged(_) => crate::appeal_pages::court_texts(lang).queue_to_carry_out,
                s => appeal_status(s, t),
            };
            r.can_forward = a.status == AppealStatus::InTime;
        }
    }
    r
}

// --- assignment ------------------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AssignForm {
    csrf_token: String,
    /// The queue's query to come back to.
    tillbaka: String,
    /// The unit manager's choice: a staff id, or empty for nobody.
    handlaggare: String,
}

/// Back to the queue page the form was on (its parameters checked again; anything odd goes to the default page).
fn back_to(state_query: &str, qt: &'static QueueTexts) -> (String, Vec<(String, String)>) {
    let pairs: Vec<(String, String)> = serde_urlencoded_pairs(state_query);
    match parse_params(&pairs, qt).1 {
        Ok(req) => (href(&req, req.view, req.kind, req.page), pairs),
        Err(_) => ("/arenden".to_owned(), Vec::new()),
    }
}

fn serde_urlencoded_pairs(q: &str) -> Vec<(String, String)> {
    axum::extract::Query::<Vec<(String, String)>>::try_from_uri(
        &format!("/arenden?{q}")
            .parse()
            .unwrap_or_else(|_| axum::http::Uri::from_static("/arenden")),
    )
    .map(|q| q.0)
    .unwrap_or_default()
}

async fn assigned(
    state: &AppState,
    signed: &Signed,
    lang: PageLang,
    form: &AssignForm,
    result: Result<(), AppError>,
) -> Response {
    let qt = QueueTexts::of(lang.0);
    let (target, pairs) = back_to(&form.tillbaka, qt);
    match result {
        Ok(()) => Redirect::to(&target).into_response(),
        Err(AppError::Conflict(_)) => {
            queue_page(
                state,
                signed,
                lang,
                &pairs,
                Some((StatusCode::CONFLICT, "lista", qt.taken_by_other.to_owned())),
            )
            .await
        }
        Err(AppError::Invalid { .. }) => {
            queue_page(
                state,
                signed,
                lang,
                &pairs,
                Some((StatusCode::BAD_REQUEST, "lista", qt.bad_assignee.to_owned())),
            )
            .await
        }
        Err(e) => app_error(e, lang, Some(NavUser::new(&signed.signed_in, lang.0)), "/arenden"),
    }
}

/// A caseworker takes an unassigned application.
pub async fn take(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(f): Form<AssignForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    let result = state
        .app
        .take_application(&signed.signed_in.actor, ApplicationId(id))
        .await;
    assigned(&state, &signed, lang, &f, result).await
}

/// A caseworker hands back their own application.
pub async fn hand_back(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(f): Form<AssignForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    let result = state
        .app
        .hand_back_application(&signed.signed_in.actor, ApplicationId(id))
        .await;
    assigned(&state, &signed, lang, &f, result).await
}

/// A unit manager assigns an application to a caseworker of its unit (or to nobody).
pub async fn assign(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(f): Form<AssignForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    let to = match f.handlaggare.trim() {
        "" => Ok(None),
        s => s.parse::<i64>().map(|n| Some(StaffId(n))),
    };
    let result = match to {
        Ok(to) => {
            state
                .app
                .assign_application(&signed.signed_in.actor, ApplicationId(id), to)
                .await
        }
        Err(_) => Err(AppError::Invalid {
            field: "handlaggare",
            reason: String::new(),
        }),
    };
    assigned(&state, &signed, lang, &f, result).await
}
