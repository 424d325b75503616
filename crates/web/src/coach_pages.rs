//! The job coach's working view, their start page (`/hem`, further pages at `/jobbcoach?sida=N`): the people whose
//! open plan they follow grouped by step, the next action due for each, the attendance weeks to record (a form per
//! activity and week) and the absences to make a sanction proposal about (links to the proposal form).

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use app::domain::progression::LadderVersion;
use app::domain::progression::ladder::version_on;
use app::progression::CASELOAD_PAGE;
use app::views::{Caseload, NextAction};
use jiff::civil::Date;

use crate::case_pages::app_error;
use crate::i18n::{Lang, Texts};
use crate::ladder_texts::LadderTexts;
use crate::lang::PageLang;
use crate::pages::{NavUser, render};
use crate::router::AppState;
use crate::session::Signed;

#[derive(Debug)]
pub struct CoachRow {
    pub person: i64,
    pub name: String,
    /// The next action and its day, in words.
    pub next: Vec<String>,
    pub overdue: bool,
    pub last: String,
}

#[derive(Debug)]
pub struct StepGroup {
    pub label: String,
    pub people: Vec<CoachRow>,
}

#[derive(Debug)]
pub struct AttendanceTodo {
    pub person: i64,
    pub name: String,
    pub activity: i64,
    pub kind: &'static str,
    pub week: String,
    pub planned: u8,
}

#[derive(Debug)]
pub struct ProposalTodo {
    pub name: String,
    pub kind: &'static str,
    pub week: String,
    pub absence: &'static str,
    pub hours: u8,
    pub href: String,
}

#[derive(Debug, Template)]
#[template(path = "coach.html")]
pub struct CoachPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub lt: &'static LadderTexts,
    pub user: Option<NavUser>,
    pub here: String,
    pub display_name: String,
    pub role_label: &'static str,
    pub csrf_token: String,
    pub groups: Vec<StepGroup>,
    pub attendance: Vec<AttendanceTodo>,
    pub absences: Vec<(&'static str, &'static str)>,
    pub proposals: Vec<ProposalTodo>,
    pub total: i64,
    /// (first, last) shown, 1-based.
    pub range: (i64, i64),
    /// Links to the pages before and after.
    pub previous: Option<String>,
    pub next: Option<String>,
}

fn step_name(versions: &[LadderVersion], today: Date, step: u8, lang: Lang) -> String {
    let lt = LadderTexts::of(lang);
    let name = version_on(versions, today)
        .and_then(|v| v.ladder.steps().get(usize::from(step).checked_sub(1)?))
        .map(|s| match lang {
            Lang::Sv => s.name_sv.clone(),
            Lang::En => s.name_en.clone(),
        });
    match name {
        Some(n) => format!("{} {step}: {n}", lt.step_word),
        None => format!("{} {step}", lt.step_word),
    }
}

fn action_words(a: &NextAction, today: Date, lt: &'static LadderTexts) -> String {
    match a {
        NextAction::Assess { due } if *due < today => format!("{} {due}", lt.assess_overdue),
        NextAction::Assess { due } => format!("{} {due}", lt.assess_due),
        NextAction::ActivityEnds { kind, on, .. } => format!("{} {} {on}", lt.kind(*kind), lt.ends_on),
        NextAction::NoActivities => lt.plan_without_activity.to_owned(),
    }
}

/// The page from a caseload read at `today`.
pub fn build(
    load: &Caseload,
    lang: Lang,
    today: Date,
) -> (Vec<StepGroup>, Vec<AttendanceTodo>, Vec<ProposalTodo>) {
    let lt = LadderTexts::of(lang);
    let mut groups: Vec<(Option<u8>, StepGroup)> = Vec::new();
    let mut attendance = Vec::new();
    let mut proposals = Vec::new();
    for p in &load.persons {
        let step = p.step.map(|(_, _, s)| s);
        let row = CoachRow {
            person: p.person.get(),
            name: p.name.clone(),
            next: p
                .next_actions
                .iter()
                .take(3)
                .map(|a| action_words(a, today, lt))
                .collect(),
            overdue: p.next_actions.iter().any(|a| a.due(today) < today),
            last: p.step.map(|(d, _, _)| d.to_string()).unwrap_or_default(),
        };
        match groups.iter_mut().find(|(s, _)| *s == step) {
            Some((_, g)) => g.people.push(row),
            None => groups.push((
                step,
                StepGroup {
                    label: match step {
                        Some(s) => step_name(&load.versions, today, s, lang),
                        None => lt.not_assessed.to_owned(),
                    },
                    people: vec![row],
                },
            )),
        }
        for a in &p.attendance_due {
            attendance.push(AttendanceTodo {
                person: p.person.get(),
                name: p.name.clone(),
                activity: a.activity.get(),
                kind: lt.kind(a.kind),
                week: a.week_start.to_string(),
                planned: a.planned_hours,
            });
        }
        for x in &p.proposals_to_make {
            proposals.push(ProposalTodo {
                name: p.name.clone(),
                kind: lt.kind(x.kind),
                week: x.week_start.to_string(),
                absence: lt.absence(x.absence),
                hours: x.hours_absent,
                href: format!(
                    "/person/{}/sanktion/ny?aktivitet={}&vecka={}",
                    p.person, x.activity, x.week_start
                ),
            });
        }
    }
    // Not assessed first, then step 1 upwards.
    groups.sort_by_key(|(s, _)| *s);
    (
        groups.into_iter().map(|(_, g)| g).collect(),
        attendance,
        proposals,
    )
}

/// The coach's working view, page `page` (0-based).
pub async fn coach_home(state: &AppState, signed: &Signed, lang: PageLang, page: i64) -> Response {
    let actor = &signed.signed_in.actor;
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    let here = if page == 0 {
        "/hem".to_owned()
    } else {
        format!("/jobbcoach?sida={page}")
    };
    let load = match state.app.caseload(actor, page).await {
        Ok(l) => l,
        Err(e) => return app_error(e, lang, user, &here),
    };
    let today = crate::time::date(state.app.clock.now());
    let (groups, attendance, proposals) = build(&load, lang.0, today);
    let lt = LadderTexts::of(lang.0);
    let first = page * CASELOAD_PAGE;
    let shown = i64::try_from(load.persons.len()).unwrap_or(0);
    render(
        StatusCode::OK,
        &CoachPage {
            lang: lang.0,
            t: lang.texts(),
            lt,
            user,
            here,
            display_name: actor.display_name.clone(),
            role_label: crate::pages::role_label(actor.role, lang.0),
            csrf_token: signed.signed_in.csrf_token.clone(),
            groups,
            attendance,
            absences: app::domain::progression::Absence::ALL
                .iter()
                .map(|a| (a.as_str(), lt.absence(*a)))
                .collect(),
            proposals,
            total: load.total,
            range: (first + 1, first + shown),
            previous: match page {
                0 => None,
                1 => Some("/hem".to_owned()),
                p => Some(format!("/jobbcoach?sida={}", p - 1)),
            },
            next: (first + shown < load.total).then(|| format!("/jobbcoach?sida={}", page + 1)),
        },
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PageQuery {
    sida: i64,
}

/// `/jobbcoach?sida=N`: a further page of the coach's people.
pub async fn coach(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Query(q): Query<PageQuery>,
) -> Response {
    coach_home(&state, &signed, lang, q.sida.clamp(0, 10_000)).await
}
