//! A person's path on the ladder (`/person/{id}/steg`, linked from the household page for each adult): steps over
//! time as a server-drawn SVG chart with its table, assessments with the own rating and obstacles by life area, the
//! plan with its goal and activities with their weekly attendance, exits and re-entries, and the register's reason
//! by month; with the forms that record each (CSRF-checked, problems next to their fields, nothing stored on bad
//! input). Also the administrator's ladder (`/admin/stege`) and the applicant's own plan (`/mina-sidor/planering`).

use std::collections::BTreeMap;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use app::AppError;
use app::domain::progression::plan::week_of;
use app::domain::progression::{
    Absence, ActivityKind, ExitReason, Forsorjningshinder, LadderStep, LadderVersion, LifeArea,
    ObstacleLevel, Reentry,
};
use app::domain::{ActivityId, PersonId, PlanId, StaffId};
use app::norm::Month;
use app::progression::{NewActivity, NewAssessment, NewAttendance, PathView};
use app::views::{ActivityView, PlanView};
use jiff::civil::Date;

use crate::case_pages::app_error;
use crate::i18n::{Lang, Texts};
use crate::ladder_texts::LadderTexts;
use crate::lang::PageLang;
use crate::pages::{NavUser, render};
use crate::router::AppState;
use crate::session::Signed;

// --- what the forms held, and their problems ----------------------------------------------------------------------

/// What was typed into the page's forms (by field id) and the problems (field id, message).
#[derive(Debug, Default)]
pub struct LadderForms {
    pub errors: Vec<(String, String)>,
    pub values: BTreeMap<String, String>,
}

impl LadderForms {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// The error of a form that is repeated per activity (`field-{id}`).
    pub fn error_at(&self, field: &str, id: impl std::borrow::Borrow<i64>) -> Option<&str> {
        self.error(&format!("{field}-{}", id.borrow()))
    }

    /// The level chosen for a life area on the assessment form.
    pub fn obstacle(&self, code: &str) -> &str {
        self.value(&format!("bed-hinder_{code}"))
    }

    pub fn value(&self, field: &str) -> &str {
        self.values.get(field).map_or("", String::as_str)
    }

    pub fn value_at(&self, field: &str, id: impl std::borrow::Borrow<i64>) -> &str {
        self.value(&format!("{field}-{}", id.borrow()))
    }

    fn keep(&mut self, field: impl Into<String>, value: &str) {
        self.values.insert(field.into(), value.to_owned());
    }

    fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push((field.into(), message.into()));
    }
}

// --- the chart ----------------------------------------------------------------------------------------------------

const CHART_W: i64 = 640;
const CHART_H: i64 = 240;
const LEFT: i64 = 44;
const RIGHT: i64 = 12;
const TOP: i64 = 12;
const BOTTOM: i64 = 36;

/// The steps over time, drawn as a step line from assessment to assessment (months on x, steps on y).
#[derive(Debug)]
pub struct Chart {
    pub width: i64,
    pub height: i64,
    /// The step line's path.
    pub path: String,
    /// (x, y) of each assessment.
    pub points: Vec<(i64, i64)>,
    /// (y, label) of each step.
    pub y_ticks: Vec<(i64, u8)>,
    /// (x, label) of the months labelled.
    pub x_ticks: Vec<(i64, String)>,
    pub left: i64,
    pub right: i64,
    pub top: i64,
    pub bottom: i64,
}

fn month_of(d: Date) -> Option<Month> {
    Month::new(u16::try_from(d.year()).ok()?, u8::try_from(d.month()).ok()?).ok()
}

fn months_between(a: Month, b: Month) -> i64 {
    (i64::from(b.year()) - i64::from(a.year())) * 12 + i64::from(b.month()) - i64::from(a.month())
}

/// The chart of `ratings` (day, step) on a ladder of `top` steps, up to `today`.
pub fn chart(ratings: &[(Date, u8)], top: u8, today: Date) -> Option<Chart> {
    let first = ratings.iter().map(|(d, _)| *d).min()?;
    let last = ratings.iter().map(|(d, _)| *d).max()?.max(today);
    let (m0, m1) = (month_of(first)?, month_of(last)?);
    let months = months_between(m0, m1) + 1;
    let plot_w = CHART_W - LEFT - RIGHT;
    let plot_h = CHART_H - TOP - BOTTOM;
    let top = i64::from(top.max(2));
    let x = |d: Date| {
        let m = month_of(d).map_or(0, |md| months_between(m0, md));
        let days = i64::from(d.days_in_month());
        LEFT + (m * days + i64::from(d.day()) - 1) * plot_w / (months * days).max(1)
    };
    let y = |step: u8| TOP + (top - i64::from(step)) * plot_h / (top - 1);
    let mut sorted: Vec<(Date, u8)> = ratings.to_vec();
    sorted.sort();
    let points: Vec<(i64, i64)> = sorted.iter().map(|(d, s)| (x(*d), y(*s))).collect();
    let mut path = String::new();
    for (i, (px, py)) in points.iter().enumerate() {
        if i == 0 {
            path.push_str(&format!("M {px} {py}"));
        } else {
            path.push_str(&format!(" H {px} V {py}"));
        }
    }
    path.push_str(&format!(" H {}", x(last)));
    let every = (months / 12 + 1).max(1);
    let x_ticks = (0..months)
        .filter(|i| i % every == 0)
        .filter_map(|i| {
            let m = m0.plus(i32::try_from(i).ok()?)?;
            let d = Date::new(i16::try_from(m.year()).ok()?, i8::try_from(m.month()).ok()?, 1).ok()?;
            Some((x(d), m.to_string()))
        })
        .collect();
    let y_ticks = (1..=u8::try_from(top).unwrap_or(9)).map(|s| (y(s), s)).collect();
    Some(Chart {
        width: CHART_W,
        height: CHART_H,
        path,
        points,
        y_ticks,
        x_ticks,
        left: LEFT,
        right: CHART_W - RIGHT,
        top: TOP,
        bottom: CHART_H - BOTTOM,
    })
}

// --- the page -----------------------------------------------------------------------------------------------------

#[derive(Debug)]
pub struct AssessmentRow {
    pub day: String,
    pub step: String,
    pub own: String,
    /// (life area, level)
    pub obstacles: Vec<(&'static str, &'static str)>,
    pub by: String,
    pub version_from: String,
}

#[derive(Debug)]
pub struct AttendanceRow {
    pub week: String,
    pub attended: u8,
    pub absent: u8,
    pub reason: &'static str,
    pub by: String,
}

#[derive(Debug)]
pub struct ActivityRow {
    pub id: i64,
    pub kind: &'static str,
    pub provider: String,
    pub from: String,
    pub to: String,
    pub hours: u8,
    /// Not ended before today: the end and attendance forms are offered.
    pub running: bool,
    pub attendance: Vec<AttendanceRow>,
    /// The latest full week it ran, for the attendance form.
    pub default_week: String,
}

#[derive(Debug)]
pub struct PlanBlock {
    pub id: i64,
    pub goal: String,
    pub made_on: String,
    pub coach: String,
    pub closed_on: Option<String>,
    pub activities: Vec<ActivityRow>,
}

#[derive(Debug)]
pub struct ExitRow {
    pub day: String,
    pub reason: &'static str,
    pub reentry: &'static str,
}

#[derive(Debug, Template)]
#[template(path = "ladder_person.html")]
pub struct PersonStepsPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub lt: &'static LadderTexts,
    pub user: Option<NavUser>,
    pub here: String,
    pub person: i64,
    pub name: String,
    pub protected: bool,
    pub csrf_token: String,
    pub can_edit: bool,
    pub chart: Option<Chart>,
    /// Newest first.
    pub assessments: Vec<AssessmentRow>,
    pub plan: Option<PlanBlock>,
    pub earlier_plans: Vec<PlanBlock>,
    pub exits: Vec<ExitRow>,
    /// (month, reason), newest first.
    pub reasons: Vec<(String, &'static str)>,
    /// The ladder in force today: (step, "n: name").
    pub steps_today: Vec<(u8, String)>,
    pub areas: Vec<(&'static str, &'static str)>,
    pub levels: Vec<(&'static str, &'static str)>,
    pub kinds: Vec<(&'static str, &'static str)>,
    pub absences: Vec<(&'static str, &'static str)>,
    pub exit_reasons: Vec<(&'static str, &'static str)>,
    pub hinders: Vec<(&'static str, &'static str)>,
    pub coaches: Vec<(i64, String)>,
    pub today: String,
    pub this_month: String,
    pub form: LadderForms,
}

/// `staff:12` as a name, or a plain word when the name is not known.
fn who(w: &str, names: &BTreeMap<String, String>, t: &'static Texts) -> String {
    match names.get(w) {
        Some(n) => n.clone(),
        None if w.starts_with("system:") => t.system_user.to_owned(),
        None => String::new(),
    }
}

fn step_label(v: Option<&LadderVersion>, step: u8, lang: Lang) -> String {
    let name = v
        .and_then(|v| v.ladder.steps().get(usize::from(step).checked_sub(1)?))
        .map(|s| match lang {
            Lang::Sv => s.name_sv.clone(),
            Lang::En => s.name_en.clone(),
        });
    match name {
        Some(n) => format!("{step}: {n}"),
        None => step.to_string(),
    }
}

fn plan_block(
    p: &PlanView,
    names: &BTreeMap<String, String>,
    lt: &'static LadderTexts,
    t: &'static Texts,
    today: Date,
) -> PlanBlock {
    let coach = p
        .job_coach
        .map(|c| who(&format!("staff:{c}"), names, t))
        .unwrap_or_else(|| lt.no_coach.to_owned());
    PlanBlock {
        id: p.id.get(),
        goal: p.goal.clone(),
        made_on: p.made_on.to_string(),
        coach,
        closed_on: p.closed_on.map(|d| d.to_string()),
        activities: p
            .activities
            .iter()
            .map(|a| activity_row(a, names, lt, t, today))
            .collect(),
    }
}

fn activity_row(
    a: &ActivityView,
    names: &BTreeMap<String, String>,
    lt: &'static LadderTexts,
    t: &'static Texts,
    today: Date,
) -> ActivityRow {
    let plan = &a.activity;
    let last_full = week_of(today)
        .checked_sub(jiff::Span::new().days(7))
        .unwrap_or(today);
    let default_week = match plan.ends_on {
        Some(end) if end < last_full => week_of(end),
        _ => last_full,
    }
    .max(week_of(plan.starts_on));
    ActivityRow {
        id: a.id.get(),
        kind: lt.kind(plan.kind),
        provider: plan.provider.clone(),
        from: plan.starts_on.to_string(),
        to: plan
            .ends_on
            .map_or_else(|| lt.ongoing.to_owned(), |d| d.to_string()),
        hours: plan.hours_per_week,
        running: plan.ends_on.is_none_or(|end| end >= today),
        attendance: a
            .attendance
            .iter()
            .rev()
            .map(|w| AttendanceRow {
                week: w.week.week_start.to_string(),
                attended: w.week.hours_attended,
                absent: w.week.hours_absent,
                reason: w.week.absence.map_or("", |x| lt.absence(x)),
                by: who(&w.recorded_by, names, t),
            })
            .collect(),
        default_week: default_week.to_string(),
    }
}

fn build_page(view: &PathView, lang: PageLang, today: Date, form: LadderForms) -> PersonStepsPage {
    let t = lang.texts();
    let lt = LadderTexts::of(lang.0);
    let path = &view.path;
    let assessments = path
        .assessments
        .iter()
        .rev()
        .map(|a| {
            let v = path.version(a.ladder_version);
            AssessmentRow {
                day: a.assessed_on.to_string(),
                step: step_label(v, a.step, lang.0),
                own: a
                    .own_step
                    .map_or_else(|| lt.no_own_step.to_owned(), |s| step_label(v, s, lang.0)),
                obstacles: a
                    .obstacles
                    .iter()
                    .map(|(area, level)| (lt.life_area(*area), lt.level(*level)))
                    .collect(),
                by: who(&a.assessed_by, &path.names, t),
                version_from: v.map(|v| v.valid_from.to_string()).unwrap_or_default(),
            }
        })
        .collect();
    let ratings: Vec<(Date, u8)> = path.assessments.iter().map(|a| (a.assessed_on, a.step)).collect();
    let top = path
        .assessments
        .iter()
        .filter_map(|a| path.version(a.ladder_version).map(|v| v.ladder.len()))
        .chain(std::iter::once(view.ladder_today.ladder.len()))
        .max()
        .unwrap_or(6);
    let exits = path
        .exits
        .iter()
        .rev()
        .map(|e| {
            let back = path
                .assessments
                .iter()
                .map(|a| a.assessed_on)
                .filter(|d| *d > e.exited_on)
                .min()
                .and_then(|d| Reentry::classify(e.exited_on, d));
            ExitRow {
                day: e.exited_on.to_string(),
                reason: lt.exit_reason(e.reason),
                reentry: lt.reentry_label(back),
            }
        })
        .collect();
    let steps_today = view
        .ladder_today
        .ladder
        .steps()
        .iter()
        .zip(1_u8..)
        .map(|(s, n)| {
            let name = match lang.0 {
                Lang::Sv => &s.name_sv,
                Lang::En => &s.name_en,
            };
            (n, format!("{n}: {name}"))
        })
        .collect();
    PersonStepsPage {
        lang: lang.0,
        t,
        lt,
        user: None,
        here: format!("/person/{}/steg", path.person),
        person: path.person.get(),
        name: path.name.clone(),
        protected: path.protected,
        csrf_token: String::new(),
        can_edit: view.can_edit,
        chart: chart(&ratings, top, today),
        assessments,
        plan: path.open_plan().map(|p| plan_block(p, &path.names, lt, t, today)),
        earlier_plans: path
            .plans
            .iter()
            .rev()
            .filter(|p| p.closed_on.is_some())
            .map(|p| plan_block(p, &path.names, lt, t, today))
            .collect(),
        exits,
        reasons: path
            .reasons
            .iter()
            .rev()
            .map(|(m, r)| (m.to_string(), lt.hinder(*r)))
            .collect(),
        steps_today,
        areas: LifeArea::ALL
            .iter()
            .map(|a| (a.as_str(), lt.life_area(*a)))
            .collect(),
        levels: ObstacleLevel::ALL
            .iter()
            .map(|l| (l.as_str(), lt.level(*l)))
            .collect(),
        kinds: ActivityKind::ALL
            .iter()
            .map(|k| (k.as_str(), lt.kind(*k)))
            .collect(),
        absences: Absence::ALL
            .iter()
            .map(|a| (a.as_str(), lt.absence(*a)))
            .collect(),
        exit_reasons: ExitReason::ALL
            .iter()
            .map(|r| (r.as_str(), lt.exit_reason(*r)))
            .collect(),
        hinders: Forsorjningshinder::ALL
            .iter()
            .map(|h| (h.as_str(), lt.hinder(*h)))
            .collect(),
        coaches: view.coaches.iter().map(|(id, n)| (id.get(), n.clone())).collect(),
        today: today.to_string(),
        this_month: month_of(today).map(|m| m.to_string()).unwrap_or_default(),
        form,
    }
}

fn today(state: &AppState) -> Date {
    crate::time::date(state.app.clock.now())
}

/// `/person/{id}/steg`.
pub async fn person_steps(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
) -> Response {
    person_page(&state, &signed, lang, id, LadderForms::default(), StatusCode::OK).await
}

async fn person_page(
    state: &AppState,
    signed: &Signed,
    lang: PageLang,
    id: i64,
    form: LadderForms,
    status: StatusCode,
) -> Response {
    let here = format!("/person/{id}/steg");
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    match state.app.person_path(&signed.signed_in.actor, PersonId(id)).await {
        Ok(view) => {
            let page = build_page(&view, lang, today(state), form);
            render(
                status,
                &PersonStepsPage {
                    user,
                    csrf_token: signed.signed_in.csrf_token.clone(),
                    ..page
                },
            )
        }
        Err(e) => app_error(e, lang, user, &here),
    }
}

/// After a use case: back to the page's section, or the page again with the problem next to its field.
#[expect(
    clippy::too_many_arguments,
    reason = "one call per form; a struct would only rename the arguments"
)]
async fn outcome<T>(
    state: &AppState,
    signed: &Signed,
    lang: PageLang,
    person: i64,
    result: Result<T, AppError>,
    mut form: LadderForms,
    field_of: impl Fn(&str) -> String,
    done: String,
) -> Response {
    match result {
        Ok(_) => Redirect::to(&done).into_response(),
        Err(AppError::Invalid { field, reason }) => {
            form.fail(field_of(field), reason);
            person_page(state, signed, lang, person, form, StatusCode::BAD_REQUEST).await
        }
        Err(AppError::Conflict(why)) => {
            form.fail(field_of(""), why);
            person_page(state, signed, lang, person, form, StatusCode::CONFLICT).await
        }
        Err(AppError::Rejected(e)) => {
            form.fail(field_of(""), e.to_string());
            person_page(state, signed, lang, person, form, StatusCode::BAD_REQUEST).await
        }
        Err(e) => app_error(
            e,
            lang,
            Some(NavUser::new(&signed.signed_in, lang.0)),
            &format!("/person/{person}/steg"),
        ),
    }
}

fn date_field(s: &str) -> Option<Date> {
    s.trim().parse().ok()
}

fn number(s: &str) -> Option<u8> {
    let s = s.trim();
    if s.is_empty() { Some(0) } else { s.parse().ok() }
}

// --- the forms ----------------------------------------------------------------------------------------------------

/// A new assessment: `datum`, `steg`, `eget_steg` and `hinder_{area}` per life area.
pub async fn add_assessment(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map_or("", |(_, v)| v.as_str())
    };
    if let Err(refused) = signed.check_csrf(get("csrf_token")) {
        return refused.into_response();
    }
    let lt = LadderTexts::of(lang.0);
    let mut form = LadderForms::default();
    for (k, v) in &fields {
        if k != "csrf_token" {
            form.keep(format!("bed-{k}"), v);
        }
    }
    let day = date_field(get("datum"));
    let step = get("steg").trim().parse::<u8>().ok();
    let own = match get("eget_steg").trim() {
        "" => Some(None),
        s => s.parse::<u8>().ok().map(Some),
    };
    let mut obstacles = Vec::new();
    for area in LifeArea::ALL {
        match get(&format!("hinder_{}", area.as_str())).trim() {
            "" => {}
            code => match ObstacleLevel::parse(code) {
                Some(level) => obstacles.push((area, level)),
                None => form.fail("bed-hinder", lt.error_choose),
            },
        }
    }
    if day.is_none() {
        form.fail("bed-datum", lt.error_date);
    }
    if step.is_none() {
        form.fail("bed-steg", lt.error_choose);
    }
    if own.is_none() {
        form.fail("bed-eget", lt.error_choose);
    }
    let (Some(assessed_on), Some(step), Some(own_step), true) = (day, step, own, form.errors.is_empty())
    else {
        return person_page(&state, &signed, lang, id, form, StatusCode::BAD_REQUEST).await;
    };
    let result = state
        .app
        .record_assessment(
            &signed.signed_in.actor,
            PersonId(id),
            NewAssessment {
                assessed_on,
                step,
                own_step,
                obstacles,
            },
        )
        .await;
    let field_of = |f: &str| {
        match f {
            "steg" => "bed-steg",
            "hinder" => "bed-hinder",
            _ => "bed-datum",
        }
        .to_owned()
    };
    outcome(
        &state,
        &signed,
        lang,
        id,
        result,
        form,
        field_of,
        format!("/person/{id}/steg#bedomningar"),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PlanForm {
    csrf_token: String,
    mal: String,
    datum: String,
    jobbcoach: String,
}

/// A new plan with its goal.
pub async fn add_plan(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(f): Form<PlanForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    let lt = LadderTexts::of(lang.0);
    let mut form = LadderForms::default();
    form.keep("plan-mal", &f.mal);
    form.keep("plan-datum", &f.datum);
    form.keep("plan-coach", &f.jobbcoach);
    let coach = match f.jobbcoach.trim() {
        "" => Some(None),
        s => s.parse::<i64>().ok().map(|c| Some(StaffId(c))),
    };
    let day = date_field(&f.datum);
    if day.is_none() {
        form.fail("plan-datum", lt.error_date);
    }
    if coach.is_none() {
        form.fail("plan-coach", lt.error_choose);
    }
    let (Some(made_on), Some(coach)) = (day, coach) else {
        return person_page(&state, &signed, lang, id, form, StatusCode::BAD_REQUEST).await;
    };
    let result = state
        .app
        .create_plan(&signed.signed_in.actor, PersonId(id), &f.mal, made_on, coach)
        .await;
    let field_of = |f: &str| {
        match f {
            "datum" => "plan-datum",
            "jobbcoach" => "plan-coach",
            _ => "plan-mal",
        }
        .to_owned()
    };
    outcome(
        &state,
        &signed,
        lang,
        id,
        result,
        form,
        field_of,
        format!("/person/{id}/steg#planering"),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ClosePlanForm {
    csrf_token: String,
    planering: String,
    datum: String,
}

/// Closes the open plan.
pub async fn close_plan(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(f): Form<ClosePlanForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    let lt = LadderTexts::of(lang.0);
    let mut form = LadderForms::default();
    form.keep("avslut-datum", &f.datum);
    let (Some(day), Ok(plan)) = (date_field(&f.datum), f.planering.trim().parse::<i64>()) else {
        form.fail("avslut-datum", lt.error_date);
        return person_page(&state, &signed, lang, id, form, StatusCode::BAD_REQUEST).await;
    };
    let result = state
        .app
        .close_plan(&signed.signed_in.actor, PlanId(plan), day)
        .await;
    outcome(
        &state,
        &signed,
        lang,
        id,
        result,
        form,
        |_| "avslut-datum".to_owned(),
        format!("/person/{id}/steg#planering"),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActivityForm {
    csrf_token: String,
    planering: String,
    slag: String,
    anordnare: String,
    start: String,
    slut: String,
    timmar: String,
}

/// An activity of the open plan.
pub async fn add_activity(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(f): Form<ActivityForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    let lt = LadderTexts::of(lang.0);
    let mut form = LadderForms::default();
    for (k, v) in [
        ("akt-slag", &f.slag),
        ("akt-anordnare", &f.anordnare),
        ("akt-start", &f.start),
        ("akt-slut", &f.slut),
        ("akt-timmar", &f.timmar),
    ] {
        form.keep(k, v);
    }
    let kind = ActivityKind::parse(f.slag.trim());
    let starts = date_field(&f.start);
    let ends = match f.slut.trim() {
        "" => Some(None),
        s => s.parse::<Date>().ok().map(Some),
    };
    let hours = f.timmar.trim().parse::<u8>().ok();
    let plan = f.planering.trim().parse::<i64>().ok();
    if kind.is_none() {
        form.fail("akt-slag", lt.error_choose);
    }
    if starts.is_none() {
        form.fail("akt-start", lt.error_date);
    }
    if ends.is_none() {
        form.fail("akt-slut", lt.error_date);
    }
    if hours.is_none() {
        form.fail("akt-timmar", lt.error_number);
    }
    let (Some(kind), Some(starts_on), Some(ends_on), Some(hours_per_week), Some(plan)) =
        (kind, starts, ends, hours, plan)
    else {
        if plan.is_none() && form.errors.is_empty() {
            form.fail("akt-slag", lt.error_choose);
        }
        return person_page(&state, &signed, lang, id, form, StatusCode::BAD_REQUEST).await;
    };
    let result = state
        .app
        .add_activity(
            &signed.signed_in.actor,
            PlanId(plan),
            NewActivity {
                kind,
                provider: f.anordnare.clone(),
                starts_on,
                ends_on,
                hours_per_week,
            },
        )
        .await;
    let field_of = |f: &str| {
        match f {
            "timmar" => "akt-timmar",
            "slutdatum" => "akt-slut",
            "anordnare" => "akt-anordnare",
            _ => "akt-start",
        }
        .to_owned()
    };
    outcome(
        &state,
        &signed,
        lang,
        id,
        result,
        form,
        field_of,
        format!("/person/{id}/steg#aktiviteter"),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EndActivityForm {
    csrf_token: String,
    aktivitet: String,
    datum: String,
}

/// Sets an activity's last day.
pub async fn end_activity(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(f): Form<EndActivityForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    let lt = LadderTexts::of(lang.0);
    let Ok(activity) = f.aktivitet.trim().parse::<i64>() else {
        return person_page(
            &state,
            &signed,
            lang,
            id,
            LadderForms::default(),
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    let key = format!("slut-{activity}");
    let mut form = LadderForms::default();
    form.keep(key.clone(), &f.datum);
    let Some(day) = date_field(&f.datum) else {
        form.fail(key, lt.error_date);
        return person_page(&state, &signed, lang, id, form, StatusCode::BAD_REQUEST).await;
    };
    let result = state
        .app
        .end_activity(&signed.signed_in.actor, ActivityId(activity), day)
        .await;
    outcome(
        &state,
        &signed,
        lang,
        id,
        result,
        form,
        |_| key.clone(),
        format!("/person/{id}/steg#aktiviteter"),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AttendanceForm {
    csrf_token: String,
    aktivitet: String,
    vecka: String,
    narvaro: String,
    franvaro: String,
    skal: String,
    /// `hem`: the form was on the job coach's start page, which a saved week goes back to.
    tillbaka: String,
}

/// Records (or corrects) a week's attendance, from the person's page or the coach's start page.
pub async fn record_attendance(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(f): Form<AttendanceForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    let lt = LadderTexts::of(lang.0);
    let Ok(activity) = f.aktivitet.trim().parse::<i64>() else {
        return person_page(
            &state,
            &signed,
            lang,
            id,
            LadderForms::default(),
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    let key = |k: &str| format!("{k}-{activity}");
    let mut form = LadderForms::default();
    form.keep(key("narv-vecka"), &f.vecka);
    form.keep(key("narv-tim"), &f.narvaro);
    form.keep(key("narv-fr"), &f.franvaro);
    form.keep(key("narv-skal"), &f.skal);
    let week = date_field(&f.vecka);
    let attended = number(&f.narvaro);
    let absent = number(&f.franvaro);
    let absence = match f.skal.trim() {
        "" => Some(None),
        s => Absence::parse(s).map(Some),
    };
    if week.is_none() {
        form.fail(key("narv-vecka"), lt.error_date);
    }
    if attended.is_none() {
        form.fail(key("narv-tim"), lt.error_number);
    }
    if absent.is_none() {
        form.fail(key("narv-fr"), lt.error_number);
    }
    if absence.is_none() {
        form.fail(key("narv-skal"), lt.error_choose);
    }
    let (Some(week_start), Some(hours_attended), Some(hours_absent), Some(absence)) =
        (week, attended, absent, absence)
    else {
        return person_page(&state, &signed, lang, id, form, StatusCode::BAD_REQUEST).await;
    };
    let result = state
        .app
        .record_attendance(
            &signed.signed_in.actor,
            ActivityId(activity),
            NewAttendance {
                week_start,
                hours_attended,
                hours_absent,
                absence,
            },
        )
        .await;
    let field_of = |f: &str| match f {
        "timmar" => key("narv-tim"),
        "franvaro" => key("narv-skal"),
        _ => key("narv-vecka"),
    };
    let done = if f.tillbaka == "hem" {
        "/hem#narvaro".to_owned()
    } else {
        format!("/person/{id}/steg#aktiviteter")
    };
    outcome(&state, &signed, lang, id, result, form, field_of, done).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ExitForm {
    csrf_token: String,
    datum: String,
    skal: String,
}

/// An exit with its reason.
pub async fn record_exit(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(f): Form<ExitForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    let lt = LadderTexts::of(lang.0);
    let mut form = LadderForms::default();
    form.keep("ut-datum", &f.datum);
    form.keep("ut-skal", &f.skal);
    let day = date_field(&f.datum);
    let reason = ExitReason::parse(f.skal.trim());
    if day.is_none() {
        form.fail("ut-datum", lt.error_date);
    }
    if reason.is_none() {
        form.fail("ut-skal", lt.error_choose);
    }
    let (Some(day), Some(reason)) = (day, reason) else {
        return person_page(&state, &signed, lang, id, form, StatusCode::BAD_REQUEST).await;
    };
    let result = state
        .app
        .record_exit(&signed.signed_in.actor, PersonId(id), day, reason)
        .await;
    outcome(
        &state,
        &signed,
        lang,
        id,
        result,
        form,
        |_| "ut-datum".to_owned(),
        format!("/person/{id}/steg#avslut"),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReasonForm {
    csrf_token: String,
    manad: String,
    skal: String,
}

/// The register's försörjningshinder for a month.
pub async fn record_reason(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(f): Form<ReasonForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    let lt = LadderTexts::of(lang.0);
    let mut form = LadderForms::default();
    form.keep("hind-manad", &f.manad);
    form.keep("hind-skal", &f.skal);
    let month = f.manad.trim().parse::<Month>().ok();
    let reason = Forsorjningshinder::parse(f.skal.trim());
    if month.is_none() {
        form.fail("hind-manad", lt.error_month);
    }
    if reason.is_none() {
        form.fail("hind-skal", lt.error_choose);
    }
    let (Some(month), Some(reason)) = (month, reason) else {
        return person_page(&state, &signed, lang, id, form, StatusCode::BAD_REQUEST).await;
    };
    let result = state
        .app
        .record_reason(&signed.signed_in.actor, PersonId(id), month, reason)
        .await;
    outcome(
        &state,
        &signed,
        lang,
        id,
        result,
        form,
        |_| "hind-manad".to_owned(),
        format!("/person/{id}/steg#hinder"),
    )
    .await
}

// --- the administrator's ladder -----------------------------------------------------------------------------------

/// One version as the page shows it.
#[derive(Debug)]
pub struct VersionBlock {
    pub valid_from: String,
    pub in_force: bool,
    /// Only the default, before anything is stored.
    pub unstored: bool,
    /// (step, name sv, name en, description sv, description en)
    pub steps: Vec<(u8, String, String, String, String)>,
}

#[derive(Debug, Template)]
#[template(path = "admin_ladder.html")]
pub struct AdminLadderPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub lt: &'static LadderTexts,
    pub user: Option<NavUser>,
    pub here: String,
    pub csrf_token: String,
    /// Newest first.
    pub versions: Vec<VersionBlock>,
    /// The form's nine rows: (row, name sv, name en, description sv, description en).
    pub rows: Vec<(usize, String, String, String, String)>,
    pub valid_from: String,
    pub form: LadderForms,
}

/// Rows on the form: room for the most steps a ladder may have.
const FORM_ROWS: usize = 9;

async fn admin_page(
    state: &AppState,
    signed: &Signed,
    lang: PageLang,
    typed: Option<(String, Vec<LadderStep>)>,
    form: LadderForms,
    status: StatusCode,
) -> Response {
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    let actor = &signed.signed_in.actor;
    if let Err(denied) = actor.require(app::access::Permission::ManageUsers) {
        return app_error(AppError::Denied(denied), lang, user, "/admin/stege");
    }
    let versions = match state.app.ladder_versions(actor).await {
        Ok(v) => v,
        Err(e) => return app_error(e, lang, user, "/admin/stege"),
    };
    let today = today(state);
    let in_force = app::domain::progression::ladder::version_on(&versions, today).map(|v| v.number);
    let unstored = versions.len() == 1
        && versions
            .first()
            .is_some_and(|v| v.ladder == app::domain::progression::Ladder::default_ladder() && v.number == 1);
    let blocks: Vec<VersionBlock> = versions
        .iter()
        .rev()
        .map(|v| VersionBlock {
            valid_from: v.valid_from.to_string(),
            in_force: Some(v.number) == in_force,
            unstored: unstored && v.valid_from == app::progression::DEFAULT_LADDER_FROM,
            steps: v
                .ladder
                .steps()
                .iter()
                .zip(1_u8..)
                .map(|(s, n)| {
                    (
                        n,
                        s.name_sv.clone(),
                        s.name_en.clone(),
                        s.description_sv.clone(),
                        s.description_en.clone(),
                    )
                })
                .collect(),
        })
        .collect();
    let (valid_from, steps) = typed.unwrap_or_else(|| {
        let current = versions
            .iter()
            .find(|v| Some(v.number) == in_force)
            .or(versions.last())
            .map(|v| v.ladder.steps().to_vec())
            .unwrap_or_default();
        (String::new(), current)
    });
    let rows = (0..FORM_ROWS)
        .map(|i| match steps.get(i) {
            Some(s) => (
                i + 1,
                s.name_sv.clone(),
                s.name_en.clone(),
                s.description_sv.clone(),
                s.description_en.clone(),
            ),
            None => (i + 1, String::new(), String::new(), String::new(), String::new()),
        })
        .collect();
    render(
        status,
        &AdminLadderPage {
            lang: lang.0,
            t: lang.texts(),
            lt: LadderTexts::of(lang.0),
            user,
            here: "/admin/stege".to_owned(),
            csrf_token: signed.signed_in.csrf_token.clone(),
            versions: blocks,
            rows,
            valid_from,
            form,
        },
    )
}

/// `/admin/stege`: the versions and the form for a new one.
pub async fn admin_ladder(State(state): State<Arc<AppState>>, lang: PageLang, signed: Signed) -> Response {
    admin_page(
        &state,
        &signed,
        lang,
        None,
        LadderForms::default(),
        StatusCode::OK,
    )
    .await
}

/// A new ladder version from the form's rows (empty rows left out).
pub async fn create_ladder_version(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map_or("", |(_, v)| v.as_str())
    };
    if let Err(refused) = signed.check_csrf(get("csrf_token")) {
        return refused.into_response();
    }
    let lt = LadderTexts::of(lang.0);
    let steps: Vec<LadderStep> = (1..=FORM_ROWS)
        .map(|i| LadderStep {
            name_sv: get(&format!("namn_sv_{i}")).to_owned(),
            name_en: get(&format!("namn_en_{i}")).to_owned(),
            description_sv: get(&format!("beskrivning_sv_{i}")).to_owned(),
            description_en: get(&format!("beskrivning_en_{i}")).to_owned(),
        })
        .filter(|s| {
            [&s.name_sv, &s.name_en, &s.description_sv, &s.description_en]
                .iter()
                .any(|t| !t.trim().is_empty())
        })
        .collect();
    let valid_from = get("giltig_fran").to_owned();
    let mut form = LadderForms::default();
    let Some(day) = date_field(&valid_from) else {
        form.fail("stege-datum", lt.error_date);
        return admin_page(
            &state,
            &signed,
            lang,
            Some((valid_from, steps)),
            form,
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    match state
        .app
        .create_ladder_version(&signed.signed_in.actor, day, steps.clone())
        .await
    {
        Ok(_) => Redirect::to("/admin/stege").into_response(),
        Err(AppError::Invalid { field, reason }) => {
            form.fail(
                if field == "datum" {
                    "stege-datum"
                } else {
                    "stege-steg"
                },
                reason,
            );
            admin_page(
                &state,
                &signed,
                lang,
                Some((valid_from, steps)),
                form,
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => app_error(
            e,
            lang,
            Some(NavUser::new(&signed.signed_in, lang.0)),
            "/admin/stege",
        ),
    }
}

// --- the applicant's own plan -------------------------------------------------------------------------------------

#[derive(Debug, Template)]
#[template(path = "my_plan.html")]
pub struct MyPlanPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub lt: &'static LadderTexts,
    pub user: Option<NavUser>,
    pub here: String,
    /// (step, of, name, description)
    pub step: Option<(u8, u8, String, String)>,
    pub plan: Option<PlanBlock>,
}

/// `/mina-sidor/planering`: the applicant's own plan, activities, attendance and step.
pub async fn my_plan(State(state): State<Arc<AppState>>, lang: PageLang, signed: Signed) -> Response {
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    let here = "/mina-sidor/planering";
    let lt = LadderTexts::of(lang.0);
    let t = lang.texts();
    match state.app.my_plan(&signed.signed_in.actor).await {
        Ok(own) => {
            let today = today(&state);
            let no_names = BTreeMap::new();
            let plan = own.plan.as_ref().map(|p| {
                let mut block = plan_block(p, &no_names, lt, t, today);
                // The applicant sees who follows the plan only as "a job coach": names of staff stay with staff.
                block.coach = String::new();
                block
            });
            let step = own.step.map(|(n, s, of)| match lang.0 {
                Lang::Sv => (n, of, s.name_sv, s.description_sv),
                Lang::En => (n, of, s.name_en, s.description_en),
            });
            render(
                StatusCode::OK,
                &MyPlanPage {
                    lang: lang.0,
                    t,
                    lt,
                    user,
                    here: here.to_owned(),
                    step,
                    plan,
                },
            )
        }
        Err(e) => app_error(e, lang, user, here),
    }
}
