//! Where each role starts: `/` and `/hem` lead a signed-in person to the page for their work (the caseworker's
//! queue, the auditor's log search, the administrator's users, the applicant's own pages), the unit manager to their
//! units' workload and the job coach to a page saying what they can do today. After signing out: a page that says so.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;

use app::access::Role;

use crate::case_pages::app_error;
use crate::i18n::{Lang, Texts};
use crate::lang::PageLang;
use crate::pages::{NavUser, StartPage, internal_error, render, role_label};
use crate::queue_texts::QueueTexts;
use crate::router::AppState;
use crate::session::{SESSION_COOKIE, Signed};

/// The page a role works from (where `/` and the sign-in lead). `/hem` is the caseworker's queue ("Mina ärenden"),
/// the unit manager's workload, the job coach's page, and for the other roles a page of links to their work.
pub fn start_path(role: Role) -> &'static str {
    match role {
        Role::Caseworker => "/hem",
        Role::Auditor => "/granskning",
        Role::Administrator => "/admin/anvandare",
        Role::Applicant => "/mina-sidor",
        Role::UnitManager | Role::JobCoach | Role::Controller | Role::BoardMember => "/hem",
    }
}

/// `/`: the public start page, or for someone signed in their start page.
pub async fn root(State(state): State<Arc<AppState>>, lang: PageLang, jar: CookieJar) -> Response {
    if let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) {
        match state.app.session(&token).await {
            Ok(Some(signed_in)) => return Redirect::to(start_path(signed_in.actor.role)).into_response(),
            Ok(None) => {}
            Err(e) => return internal_error(&e),
        }
    }
    render(
        StatusCode::OK,
        &StartPage {
            lang: lang.0,
            t: lang.texts(),
            user: None,
            here: "/".to_owned(),
            demo_mode: state.config.demo_mode,
        },
    )
}

#[derive(Debug, Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub qt: &'static QueueTexts,
    pub user: Option<NavUser>,
    pub here: String,
    pub display_name: String,
    pub role_label: &'static str,
    pub coach: bool,
    /// The unit manager's figures, when this is their page.
    pub workload: Option<WorkloadView>,
    pub st: &'static crate::sanction_texts::SanctionTexts,
    /// The ladder's statistics (`/stegforflyttning`) for a unit manager: the link's words.
    pub ladder_stats: Option<&'static str>,
}

#[derive(Debug)]
pub struct WorkloadView {
    /// (status label, open applications)
    pub by_status: Vec<(&'static str, i64)>,
    pub total: i64,
    pub late: i64,
    pub unassigned: i64,
    pub unassigned_late: i64,
    /// (caseworker's name, assigned open applications, late among them)
    pub per_caseworker: Vec<(String, i64, i64)>,
    /// Adults below full time under the activity requirement (issue #13).
    pub requirement_flagged: i64,
}

/// `/hem`: the caseworker's "Mina ärenden", the unit manager's workload, the job coach's page, or links to the
/// role's work. It answers every role with a page (never a redirect), so the "Start" link always shows something.
pub async fn home(State(state): State<Arc<AppState>>, lang: PageLang, signed: Signed) -> Response {
    let actor = &signed.signed_in.actor;
    if actor.role == Role::Caseworker {
        let mine = [("vy".to_owned(), "mina".to_owned())];
        return crate::queue_pages::queue_page(&state, &signed, lang, &mine, None).await;
    }
    if actor.role == Role::JobCoach {
        // The job coach's working view (`coach_pages`).
        return crate::coach_pages::coach_home(&state, &signed, lang, 0).await;
    }
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    let t = lang.texts();
    let workload = if actor.role == Role::UnitManager {
        match state.app.unit_workload(actor).await {
            Ok((w, _)) => Some(WorkloadView {
                by_status: w
                    .by_status
                    .iter()
                    .map(|(s, n)| (t.application_status(s), *n))
                    .collect(),
                total: w.by_status.iter().map(|(_, n)| n).sum(),
                late: w.late,
                unassigned: w.unassigned,
                unassigned_late: w.unassigned_late,
                requirement_flagged: w.requirement_flagged,
                per_caseworker: w
                    .per_caseworker
                    .into_iter()
                    .map(|(_, name, n, late)| (name, n, late))
                    .collect(),
            }),
            Err(e) => return app_error(e, lang, user, "/hem"),
        }
    } else {
        None
    };
    render(
        StatusCode::OK,
        &HomePage {
            lang: lang.0,
            t,
            qt: QueueTexts::of(lang.0),
            user,
            here: "/hem".to_owned(),
            display_name: actor.display_name.clone(),
            role_label: role_label(actor.role, lang.0),
            coach: actor.role == Role::JobCoach,
            ladder_stats: (actor.role == Role::UnitManager)
                .then(|| crate::ladder_stats_texts::LadderStatsTexts::of(lang.0).heading),
            workload,
            st: crate::sanction_texts::SanctionTexts::of(lang.0),
        },
    )
}

#[derive(Debug, Template)]
#[template(path = "signed_out.html")]
pub struct SignedOutPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub qt: &'static QueueTexts,
    pub user: Option<NavUser>,
    pub here: String,
}

/// `/utloggad`: where signing out leads.
pub async fn signed_out(lang: PageLang) -> Response {
    render(
        StatusCode::OK,
        &SignedOutPage {
            lang: lang.0,
            t: lang.texts(),
            qt: QueueTexts::of(lang.0),
            user: None,
            here: "/utloggad".to_owned(),
        },
    )
}
