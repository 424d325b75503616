//! `/stegforflyttning`: what moves people, in aggregate, for unit managers, controllers, board members and
//! administrators. A month range (and a unit manager's own unit) in the address; the transition matrix, rates by
//! step and by activity, time to self-sufficiency as Kaplan-Meier curves, the share of periods over three months
//! and re-entry after an exit. Every table is built once as a [`Table`] that the page shows and that
//! `?format=csv&tabell=...` downloads; the charts are SVG drawn here from the same figures, with the table as their
//! text alternative. Small counts are suppressed by the use case (`app::ladder_stats`), never here.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use app::AppError;
use app::access::Role;
use app::domain::UnitId;
use app::domain::progression::analysis::{
    Analysis, Cell, CohortLabel, Cohorts, Disclosure, Rate, RateRow, TransitionMatrix,
};
use app::domain::progression::{ActivityKind, ExitReason};
use app::ladder_stats::{LadderReport, LadderStatsRequest, MAX_MONTHS, default_range};
use app::norm::Month;

use crate::case_pages::app_error;
use crate::i18n::{Lang, Texts};
use crate::ladder_stats_texts::LadderStatsTexts;
use crate::lang::PageLang;
use crate::pages::{NavUser, render};
use crate::review_pages::csv_cell;
use crate::router::AppState;
use crate::session::Signed;

pub const PATH: &str = "/stegforflyttning";

/// The downloadable tables: (address key, file name).
const TABLES: [(&str, &str); 8] = [
    ("overgangar", "overgangar"),
    ("manader", "overgangar-per-manad"),
    ("steg", "andelar-per-steg"),
    ("aktiviteter", "andelar-per-aktivitet"),
    ("kohorter", "tid-till-egen-forsorjning"),
    ("kurvor", "kaplan-meier-kurvor"),
    ("tre-manader", "perioder-over-tre-manader"),
    ("aterkomst", "aterkomst-efter-avslut"),
];

/// A table as the page shows it and the CSV holds it: headers and rows of text in the reader's language.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub key: &'static str,
    pub caption: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// The CSV link (with the page's range).
    pub csv_href: String,
}

impl Table {
    pub fn csv(&self) -> String {
        let mut out = String::new();
        for line in std::iter::once(&self.headers).chain(&self.rows) {
            out.push_str(&line.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","));
            out.push_str("\r\n");
        }
        out
    }
}

/// A horizontal grouped bar chart's geometry (numbers already formatted for the SVG).
#[derive(Debug, Clone, Default)]
pub struct BarChart {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub width: u32,
    pub height: u32,
    pub label_x: u32,
    pub groups: Vec<(String, String)>,
    pub bars: Vec<Bar>,
    pub ticks: Vec<Tick>,
    pub legend: Vec<Legend>,
    pub axis_top: u32,
    pub axis_bottom: u32,
}

#[derive(Debug, Clone)]
pub struct Bar {
    pub x: String,
    pub y: String,
    pub w: String,
    pub h: String,
    pub fill: &'static str,
    pub text_x: String,
    pub text_y: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Tick {
    pub x: String,
    pub y: String,
    pub x2: String,
    pub y2: String,
    pub label_x: String,
    pub label_y: String,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct Legend {
    pub x: String,
    pub y: String,
    pub fill: &'static str,
    pub dash: &'static str,
    pub text_x: String,
    pub text_y: String,
    pub label: String,
}

/// The Kaplan-Meier chart: one step path per cohort.
#[derive(Debug, Clone, Default)]
pub struct CurveChart {
    pub title: String,
    pub desc: String,
    pub width: u32,
    pub height: u32,
    pub left: u32,
    pub right: u32,
    pub top: u32,
    pub bottom: u32,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    /// (path, colour, dash pattern)
    pub paths: Vec<(String, &'static str, &'static str)>,
    pub legend: Vec<Legend>,
    pub x_label: String,
    pub y_label: String,
}

/// Colours with enough contrast on white, and dash patterns so that the series differ without colour too.
const COLOURS: [&str; 6] = ["#1d4e89", "#b5451b", "#2e7d32", "#6a1b9a", "#795548", "#00695c"];
const DASHES: [&str; 6] = ["", "6 3", "2 3", "8 3 2 3", "1 2", "10 4"];

#[derive(Debug, Template)]
#[template(path = "ladder_stats.html")]
pub struct LadderStatsPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub lt: &'static LadderStatsTexts,
    pub user: Option<NavUser>,
    pub here: String,
    pub from: String,
    pub to: String,
    pub half_years: bool,
    /// (value, name, selected) for a unit manager's unit filter; empty for other roles.
    pub units: Vec<(String, String, bool)>,
    pub errors: Vec<(&'static str, &'static str)>,
    pub report: Option<ReportView>,
}

impl LadderStatsPage {
    pub fn error(&self, field: &str) -> Option<&'static str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| *m)
    }
}

#[derive(Debug)]
pub struct ReportView {
    pub suppressed: bool,
    pub ladder_changed: bool,
    pub observed_until: String,
    pub any_month: bool,
    pub matrix: Table,
    pub months: Table,
    pub steps: Table,
    pub step_chart: BarChart,
    pub activities: Table,
    pub activity_chart: BarChart,
    pub cohorts: Table,
    pub curve_chart: Option<CurveChart>,
    pub over3: Table,
    pub over3_sentence: String,
    pub reentry: Table,
    /// The curves' points as CSV.
    pub curves_href: String,
}

/// The address's parameters as typed.
#[derive(Debug, Clone, Default)]
struct Params {
    from: String,
    to: String,
    half: bool,
    unit: String,
    csv: Option<String>,
}

type FieldErrors = Vec<(&'static str, &'static str)>;

fn parse(pairs: &[(String, String)], lt: &'static LadderStatsTexts) -> (Params, FieldErrors) {
    let mut p = Params::default();
    let mut errors = Vec::new();
    let mut format_csv = false;
    let mut table = None;
    for (k, v) in pairs {
        let v = v.trim();
        match k.as_str() {
            "fran" => p.from = v.chars().take(20).collect(),
            "till" => p.to = v.chars().take(20).collect(),
            "kohort" => match v {
                "" | "ar" => {}
                "halvar" => p.half = true,
                _ => errors.push(("kohort", lt.bad_cohorts)),
            },
            "enhet" => p.unit = v.chars().take(20).collect(),
            "format" => format_csv = v == "csv",
            "tabell" => table = Some(v.to_owned()),
            _ => {}
        }
    }
    if format_csv {
        match table {
            Some(t) if TABLES.iter().any(|(k, _)| *k == t) => p.csv = Some(t),
            _ => errors.push(("tabell", lt.bad_table)),
        }
    }
    (p, errors)
}

fn month_of(text: &str) -> Option<Month> {
    // `<input type="month">` sends YYYY-MM; nothing else is a month here.
    (text.len() == 7).then(|| text.parse().ok()).flatten()
}

fn query_string(req: &LadderStatsRequest) -> String {
    let mut q = format!("fran={}&till={}", req.from, req.to);
    if req.cohorts == Cohorts::HalfYear {
        q.push_str("&kohort=halvar");
    }
    if let Some(u) = req.unit {
        q.push_str(&format!("&enhet={}", u.get()));
    }
    q
}

pub async fn page(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let lt = LadderStatsTexts::of(lang.0);
    let t = lang.texts();
    let actor = &signed.signed_in.actor;
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    let today = state.app.clock.now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let (defaults_from, defaults_to) = default_range(today);
    let (p, mut errors) = parse(&pairs, lt);
    let from = if p.from.is_empty() {
        Some(defaults_from)
    } else {
        month_of(&p.from)
    };
    let to = if p.to.is_empty() {
        Some(defaults_to)
    } else {
        month_of(&p.to)
    };
    if from.is_none() {
        errors.push(("fran", lt.bad_month));
    }
    if to.is_none() {
        errors.push(("till", lt.bad_month));
    }
    let unit = if p.unit.is_empty() {
        None
    } else {
        match p.unit.parse::<i64>() {
            Ok(id) if actor.role == Role::UnitManager => Some(UnitId(id)),
            _ => {
                errors.push(("enhet", lt.bad_unit));
                None
            }
        }
    };
    let mut view = LadderStatsPage {
        lang: lang.0,
        t,
        lt,
        user: user.clone(),
        here: PATH.to_owned(),
        from: from.map_or(p.from.clone(), |m| m.to_string()),
        to: to.map_or(p.to.clone(), |m| m.to_string()),
        half_years: p.half,
        units: Vec::new(),
        errors: Vec::new(),
        report: None,
    };
    let (Some(from), Some(to)) = (from, to) else {
        view.errors = errors;
        return render(StatusCode::BAD_REQUEST, &view);
    };
    if from > to {
        errors.push(("fran", range_text(lang.0, RangeProblem::Order)));
    } else if from.months_until(to) >= MAX_MONTHS {
        errors.push(("fran", range_text(lang.0, RangeProblem::TooLong)));
    }
    if !errors.is_empty() {
        view.errors = errors;
        return render(StatusCode::BAD_REQUEST, &view);
    }
    let req = LadderStatsRequest {
        from,
        to,
        cohorts: if p.half { Cohorts::HalfYear } else { Cohorts::Year },
        unit,
    };
    let report = match state.app.ladder_stats(actor, &req).await {
        Ok(r) => r,
        Err(AppError::Invalid { field, .. }) => {
            let field = if field == "till" { "till" } else { "fran" };
            let problem = if field == "till" {
                RangeProblem::NotOver
            } else {
                RangeProblem::Order
            };
            view.errors = vec![(field, range_text(lang.0, problem))];
            return render(StatusCode::BAD_REQUEST, &view);
        }
        Err(e) => return app_error(e, lang, user, PATH),
    };
    view.units = report
        .units
        .iter()
        .map(|(id, name)| (id.get().to_string(), name.clone(), report.unit == Some(*id)))
        .collect();
    let shown = report_view(&report, lang.0, &query_string(&req));
    if let Some(key) = &p.csv {
        let table = match key.as_str() {
            "overgangar" => shown.matrix,
            "manader" => shown.months,
            "steg" => shown.steps,
            "aktiviteter" => shown.activities,
            "kohorter" => shown.cohorts,
            "tre-manader" => shown.over3,
            "aterkomst" => shown.reentry,
            _ => curve_table(&report, lang.0),
        };
        let name = TABLES
            .iter()
            .find(|(k, _)| k == key)
            .map_or("tabell", |(_, n)| *n);
        let disposition = format!("attachment; filename=\"stegforflyttning-{name}-{from}-{to}.csv\"");
        return (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            // A byte order mark, so that spreadsheets read the file as UTF-8 (å, ä, ö in the headers).
            format!("\u{feff}{}", table.csv()),
        )
            .into_response();
    }
    view.report = Some(shown);
    render(StatusCode::OK, &view)
}

/// The page's HTML for a report, as a reader without form errors sees it (the benchmark times this beside the use
/// case).
pub fn page_html(report: &LadderReport, lang: Lang) -> Result<String, askama::Error> {
    let (from, to) = (report.analysis.from.to_string(), report.analysis.to.to_string());
    let query = format!("fran={from}&till={to}");
    LadderStatsPage {
        lang,
        t: lang.texts(),
        lt: LadderStatsTexts::of(lang),
        user: None,
        here: PATH.to_owned(),
        from,
        to,
        half_years: false,
        units: Vec::new(),
        errors: Vec::new(),
        report: Some(report_view(report, lang, &query)),
    }
    .render()
}

#[derive(Debug, Clone, Copy)]
enum RangeProblem {
    Order,
    TooLong,
    NotOver,
}

fn range_text(lang: Lang, p: RangeProblem) -> &'static str {
    match (lang, p) {
        (Lang::Sv, RangeProblem::Order) => "Den första månaden ligger efter den sista.",
        (Lang::En, RangeProblem::Order) => "The first month is after the last.",
        (Lang::Sv, RangeProblem::TooLong) => "Välj högst 60 månader.",
        (Lang::En, RangeProblem::TooLong) => "Choose at most 60 months.",
        (Lang::Sv, RangeProblem::NotOver) => "Den sista månaden är inte slut än: välj en tidigare månad.",
        (Lang::En, RangeProblem::NotOver) => "The last month is not over yet: choose an earlier month.",
    }
}

fn cell(c: Cell, lt: &LadderStatsTexts) -> String {
    match c {
        Cell::Count(n) => n.to_string(),
        Cell::FewerThanFive => lt.fewer_than_5.to_owned(),
    }
}

/// A share as a percentage with one decimal in the reader's way ("12,5 %", "12.5%"); "–" when not shown.
pub fn percent(share: Option<f64>, lang: Lang) -> String {
    match share {
        None => "–".to_owned(),
        Some(s) => {
            let text = format!("{:.1}", s * 100.0);
            match lang {
                Lang::Sv => format!("{} %", text.replace('.', ",")),
                Lang::En => format!("{text}%"),
            }
        }
    }
}

fn reason_label(r: ExitReason, lang: Lang) -> &'static str {
    match lang {
        Lang::Sv => r.label_sv(),
        Lang::En => r.label_en(),
    }
}

fn kind_label(k: Option<ActivityKind>, lang: Lang, lt: &LadderStatsTexts) -> &'static str {
    match (k, lang) {
        (None, _) => lt.no_activity,
        (Some(k), Lang::Sv) => k.label_sv(),
        (Some(k), Lang::En) => k.label_en(),
    }
}

fn step_label(n: u8, names: &[(String, String)], lang: Lang) -> String {
    let name = names
        .get(usize::from(n).saturating_sub(1))
        .map(|(sv, en)| match lang {
            Lang::Sv => sv.as_str(),
            Lang::En => en.as_str(),
        });
    match name {
        Some(name) => format!("{n}. {name}"),
        None => n.to_string(),
    }
}

fn cohort_label(c: CohortLabel, lt: &LadderStatsTexts) -> String {
    match c.half {
        None => c.year.to_string(),
        Some(h) => format!("{} {} {h}", c.year, lt.half),
    }
}

fn matrix_headers(
    a: &Analysis,
    names: &[(String, String)],
    lang: Lang,
    lt: &LadderStatsTexts,
) -> Vec<String> {
    let mut h = vec![lt.from_step.to_owned(), lt.at_start.to_owned()];
    h.extend((1..=a.steps).map(|n| format!("{}: {}", lt.at_end_on, step_label(n, names, lang))));
    h.extend(
        ExitReason::ALL
            .iter()
            .map(|r| format!("{}: {}", lt.exited, reason_label(*r, lang))),
    );
    h.push(lt.exited_total.to_owned());
    h
}

fn matrix_rows(
    m: &TransitionMatrix,
    names: &[(String, String)],
    lang: Lang,
    lt: &LadderStatsTexts,
) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = m
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![step_label(r.from, names, lang), cell(r.at_start, lt)];
            row.extend(r.to_step.iter().map(|c| cell(*c, lt)));
            row.extend(r.to_exit.iter().map(|(_, c)| cell(*c, lt)));
            row.push(cell(r.exited, lt));
            row
        })
        .collect();
    let width = rows.first().map_or(2, Vec::len);
    let mut total = vec![lt.total.to_owned(), cell(m.at_start, lt)];
    total.resize(width, String::new());
    rows.push(total);
    rows
}

fn rate_cells(r: &RateRow, lang: Lang, lt: &LadderStatsTexts) -> Vec<String> {
    let rate = |x: &Rate| (cell(x.events, lt), percent(x.share, lang));
    let (up, up_rate) = rate(&r.step_up);
    let (exit, exit_rate) = rate(&r.exit);
    let (ss, ss_rate) = rate(&r.self_sufficient);
    vec![cell(r.at_risk, lt), up, up_rate, exit, exit_rate, ss, ss_rate]
}

fn rate_headers(first: &str, lt: &LadderStatsTexts) -> Vec<String> {
    [
        first,
        lt.person_months,
        lt.step_ups,
        lt.step_up_rate,
        lt.exits,
        lt.exit_rate,
        lt.self_sufficient,
        lt.self_sufficient_rate,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

fn table(
    key: &'static str,
    caption: &str,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    query: &str,
) -> Table {
    Table {
        key,
        caption: caption.to_owned(),
        headers,
        rows,
        csv_href: format!("{PATH}?{query}&format=csv&tabell={key}"),
    }
}

/// Every table and chart of the page from the use case's report.
pub fn report_view(report: &LadderReport, lang: Lang, query: &str) -> ReportView {
    let lt = LadderStatsTexts::of(lang);
    let a = &report.analysis;
    let names = &report.step_names;

    let matrix = table(
        "overgangar",
        lt.matrix_heading,
        matrix_headers(a, names, lang, lt),
        matrix_rows(&a.total, names, lang, lt),
        query,
    );
    let mut month_headers = vec![lt.month.to_owned()];
    month_headers.extend(matrix_headers(a, names, lang, lt));
    let month_rows = a
        .months
        .iter()
        .flat_map(|m| {
            matrix_rows(&m.matrix, names, lang, lt)
                .into_iter()
                .map(move |row| {
                    std::iter::once(m.month.to_string())
                        .chain(row)
                        .collect::<Vec<String>>()
                })
        })
        .collect();
    let months = table("manader", lt.per_month, month_headers, month_rows, query);

    let steps = table(
        "steg",
        lt.step_rates_heading,
        rate_headers(lt.step, lt),
        a.by_step
            .iter()
            .map(|s| {
                std::iter::once(step_label(s.step, names, lang))
                    .chain(rate_cells(&s.rates, lang, lt))
                    .collect()
            })
            .collect(),
        query,
    );
    let step_chart = bar_chart(
        "diagram-steg",
        lt.step_rates_heading,
        lt.chart_rates_desc,
        a.by_step
            .iter()
            .map(|s| (step_label(s.step, names, lang), &s.rates))
            .collect(),
        lang,
        lt,
    );
    let activities = table(
        "aktiviteter",
        lt.activity_heading,
        rate_headers(lt.activity, lt),
        a.by_activity
            .iter()
            .map(|r| {
                std::iter::once(kind_label(r.kind, lang, lt).to_owned())
                    .chain(rate_cells(&r.rates, lang, lt))
                    .collect()
            })
            .collect(),
        query,
    );
    let activity_chart = bar_chart(
        "diagram-aktiviteter",
        lt.activity_heading,
        lt.chart_rates_desc,
        a.by_activity
            .iter()
            .map(|r| (kind_label(r.kind, lang, lt).to_owned(), &r.rates))
            .collect(),
        lang,
        lt,
    );

    let mut cohort_headers = vec![
        lt.cohort.to_owned(),
        lt.periods.to_owned(),
        lt.events.to_owned(),
        lt.censored.to_owned(),
    ];
    let checkpoints = a
        .cohorts
        .first()
        .map(|c| c.checkpoints.iter().map(|k| k.months).collect::<Vec<_>>())
        .unwrap_or_default();
    for m in &checkpoints {
        cohort_headers.push(format!("{} {m} {}", lt.share_after, lt.months_word));
        cohort_headers.push(format!("{} {m} {}", lt.at_risk_after, lt.months_word));
    }
    let cohorts = table(
        "kohorter",
        lt.km_heading,
        cohort_headers,
        a.cohorts
            .iter()
            .map(|c| {
                let mut row = vec![
                    cohort_label(c.cohort, lt),
                    cell(c.periods, lt),
                    cell(c.events, lt),
                    cell(c.censored, lt),
                ];
                for k in &c.checkpoints {
                    row.push(percent(k.share, lang));
                    row.push(cell(k.at_risk, lt));
                }
                row
            })
            .collect(),
        query,
    );
    let curve_chart = curve_chart(report, lang, lt);

    let o = &a.over_three_months;
    let over3 = table(
        "tre-manader",
        lt.over3_heading,
        vec![
            lt.over3_observable.to_owned(),
            lt.over3_over.to_owned(),
            lt.over3_share.to_owned(),
        ],
        vec![vec![
            cell(o.observable, lt),
            cell(o.over.events, lt),
            percent(o.over.share, lang),
        ]],
        query,
    );
    let over3_sentence = format!("{}: {}", lt.over3_share, percent(o.over.share, lang));

    let reentry = table(
        "aterkomst",
        lt.reentry_heading,
        vec![
            lt.exit_reason.to_owned(),
            lt.exits.to_owned(),
            lt.observable_3.to_owned(),
            lt.within_3.to_owned(),
            lt.observable_12.to_owned(),
            lt.within_12.to_owned(),
        ],
        a.reentry
            .iter()
            .map(|r| {
                vec![
                    r.reason
                        .map_or(lt.all_reasons, |x| reason_label(x, lang))
                        .to_owned(),
                    cell(r.exits, lt),
                    cell(r.observable_3, lt),
                    percent(r.within_3.share, lang),
                    cell(r.observable_12, lt),
                    percent(r.within_12.share, lang),
                ]
            })
            .collect(),
        query,
    );
    ReportView {
        suppressed: a.disclosure == Disclosure::Suppressed,
        ladder_changed: report.ladder_changed,
        observed_until: a.until.to_string(),
        any_month: !a.months.is_empty(),
        matrix,
        months,
        steps,
        step_chart,
        activities,
        activity_chart,
        cohorts,
        curve_chart,
        over3,
        over3_sentence,
        reentry,
        curves_href: format!("{PATH}?{query}&format=csv&tabell=kurvor"),
    }
}

/// The curves' points as a table (CSV only): cohort, day, share self-sufficient, still followed.
fn curve_table(report: &LadderReport, lang: Lang) -> Table {
    let lt = LadderStatsTexts::of(lang);
    let day = match lang {
        Lang::Sv => "Dagar sedan periodens start",
        Lang::En => "Days since the period's start",
    };
    Table {
        key: "kurvor",
        caption: lt.km_heading.to_owned(),
        headers: vec![
            lt.cohort.to_owned(),
            day.to_owned(),
            lt.km_axis_y.to_owned(),
            lt.at_risk_after.to_owned(),
        ],
        rows: report
            .analysis
            .cohorts
            .iter()
            .flat_map(|c| {
                c.curve.iter().map(move |s| {
                    vec![
                        cohort_label(c.cohort, lt),
                        s.day.to_string(),
                        percent(Some(s.share), lang),
                        s.at_risk.to_string(),
                    ]
                })
            })
            .collect(),
        csv_href: String::new(),
    }
}

fn f(x: f64) -> String {
    format!("{x:.1}")
}

/// Step-up and exit shares per group as horizontal bars (two per group), scaled to the largest shown share.
fn bar_chart(
    id: &str,
    title: &str,
    desc: &str,
    groups: Vec<(String, &RateRow)>,
    lang: Lang,
    lt: &LadderStatsTexts,
) -> BarChart {
    const LABEL_W: f64 = 250.0;
    const PLOT_W: f64 = 300.0;
    const BAR_H: f64 = 12.0;
    const GROUP_H: f64 = 36.0;
    const TOP: f64 = 40.0;
    let max = groups
        .iter()
        .flat_map(|(_, r)| [r.step_up.share, r.exit.share])
        .flatten()
        .fold(0.0_f64, f64::max);
    // Round the scale up to a whole ten per cent (at least 10 %).
    let scale = ((max * 10.0).ceil() / 10.0).clamp(0.1, 1.0);
    let series = [
        (lt.step_up_rate, COLOURS[0], DASHES[0]),
        (lt.exit_rate, COLOURS[1], DASHES[0]),
    ];
    let mut bars = Vec::new();
    let mut labels = Vec::new();
    for (i, (label, rates)) in groups.iter().enumerate() {
        let y0 = TOP + GROUP_H * i as f64;
        labels.push((f(y0 + BAR_H + 2.0), label.clone()));
        for (j, (share, (_, fill, _))) in [rates.step_up.share, rates.exit.share]
            .iter()
            .zip(series)
            .enumerate()
        {
            let y = y0 + BAR_H * j as f64;
            let w = share.map_or(0.0, |s| PLOT_W * s / scale);
            bars.push(Bar {
                x: f(LABEL_W),
                y: f(y),
                w: f(w),
                h: f(BAR_H - 1.0),
                fill,
                text_x: f(LABEL_W + w + 4.0),
                text_y: f(y + BAR_H - 2.0),
                text: percent(*share, lang),
            });
        }
    }
    let bottom = TOP + GROUP_H * groups.len() as f64;
    let ticks = [0.0, 0.5, 1.0]
        .iter()
        .map(|k| {
            let x = LABEL_W + PLOT_W * k;
            Tick {
                x: f(x),
                y: f(TOP - 4.0),
                x2: f(x),
                y2: f(bottom),
                label_x: f(x),
                label_y: f(bottom + 14.0),
                label: percent(Some(scale * k), lang),
            }
        })
        .collect();
    let legend = series
        .iter()
        .enumerate()
        .map(|(j, (label, fill, dash))| {
            let x = LABEL_W + 160.0 * j as f64;
            Legend {
                x: f(x),
                y: f(8.0),
                fill,
                dash,
                text_x: f(x + 16.0),
                text_y: f(18.0),
                label: (*label).to_owned(),
            }
        })
        .collect();
    BarChart {
        id: id.to_owned(),
        title: title.to_owned(),
        desc: desc.to_owned(),
        width: (LABEL_W + PLOT_W + 70.0) as u32,
        height: (bottom + 24.0) as u32,
        label_x: (LABEL_W - 6.0) as u32,
        groups: labels,
        bars,
        ticks,
        legend,
        axis_top: (TOP - 4.0) as u32,
        axis_bottom: bottom as u32,
    }
}

/// The Kaplan-Meier curves as step paths: share self-sufficient (0-100 %) against months since the start.
fn curve_chart(report: &LadderReport, lang: Lang, lt: &LadderStatsTexts) -> Option<CurveChart> {
    let cohorts: Vec<_> = report
        .analysis
        .cohorts
        .iter()
        .filter(|c| !c.curve.is_empty())
        .collect();
    if cohorts.is_empty() {
        return None;
    }
    let (width, height, left, right, top, bottom) = (640_u32, 320_u32, 56_u32, 20_u32, 40_u32, 48_u32);
    let plot_w = f64::from(width - left - right);
    let plot_h = f64::from(height - top - bottom);
    let last_day = cohorts
        .iter()
        .flat_map(|c| c.curve.iter().map(|s| s.day))
        .max()
        .unwrap_or(365);
    // Whole quarters on the axis, at least a year.
    let quarters = (f64::from(last_day.max(365)) / 91.3).ceil().max(4.0);
    let x_max = quarters * 91.3;
    let step_months = if quarters > 16.0 {
        12
    } else if quarters > 8.0 {
        6
    } else {
        3
    };
    let x = |day: f64| f64::from(left) + plot_w * (day / x_max).min(1.0);
    let y = |share: f64| f64::from(top) + plot_h * (1.0 - share);
    let bottom_y = f64::from(height - bottom);
    let mut x_ticks = Vec::new();
    let mut m = 0;
    while f64::from(m) * 30.44 <= x_max + 1.0 {
        let xx = x(f64::from(m) * 30.44);
        x_ticks.push(Tick {
            x: f(xx),
            y: f(bottom_y),
            x2: f(xx),
            y2: f(bottom_y + 5.0),
            label_x: f(xx),
            label_y: f(bottom_y + 18.0),
            label: m.to_string(),
        });
        m += step_months;
    }
    let y_ticks = [0.0, 0.25, 0.5, 0.75, 1.0]
        .iter()
        .map(|s| Tick {
            x: f(f64::from(left)),
            y: f(y(*s)),
            x2: f(f64::from(width - right)),
            y2: f(y(*s)),
            label_x: f(f64::from(left) - 6.0),
            label_y: f(y(*s) + 4.0),
            label: percent(Some(*s), lang),
        })
        .collect();
    let mut paths = Vec::new();
    let mut legend = Vec::new();
    for (i, c) in cohorts.iter().enumerate() {
        let colour = COLOURS.get(i % COLOURS.len()).copied().unwrap_or("#000");
        let dash = DASHES.get(i % DASHES.len()).copied().unwrap_or("");
        let mut d = format!("M{} {}", f(x(0.0)), f(y(0.0)));
        for s in &c.curve {
            d.push_str(&format!(" H{} V{}", f(x(f64::from(s.day))), f(y(s.share))));
        }
        paths.push((d, colour, dash));
        let lx = f64::from(left) + 110.0 * (i % 5) as f64;
        let ly = 8.0 + 14.0 * (i / 5) as f64;
        legend.push(Legend {
            x: f(lx),
            y: f(ly),
            fill: colour,
            dash,
            text_x: f(lx + 26.0),
            text_y: f(ly + 9.0),
            label: cohort_label(c.cohort, lt),
        });
    }
    Some(CurveChart {
        title: lt.km_heading.to_owned(),
        desc: lt.km_chart_desc.to_owned(),
        width,
        height,
        left,
        right,
        top,
        bottom,
        x_ticks,
        y_ticks,
        paths,
        legend,
        x_label: lt.km_axis_x.to_owned(),
        y_label: lt.km_axis_y.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_read_the_reader_s_way_and_csv_cells_are_quoted() {
        assert_eq!(percent(Some(0.125), Lang::Sv), "12,5 %");
        assert_eq!(percent(Some(0.125), Lang::En), "12.5%");
        assert_eq!(percent(None, Lang::Sv), "–");
        let t = Table {
            headers: vec!["Steg".into(), "Andel".into()],
            rows: vec![vec!["1. Långt".into(), "färre än 5".into()]],
            ..Table::default()
        };
        assert_eq!(t.csv(), "\"Steg\",\"Andel\"\r\n\"1. Långt\",\"färre än 5\"\r\n");
    }

    #[test]
    fn the_address_is_checked_field_by_field() {
        let lt = LadderStatsTexts::of(Lang::Sv);
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect()
        };
        let (p, e) = parse(&pairs(&[("fran", "2026-01"), ("kohort", "halvar")]), lt);
        assert!(e.is_empty() && p.half && p.from == "2026-01");
        let (_, e) = parse(
            &pairs(&[("kohort", "x"), ("format", "csv"), ("tabell", "nej")]),
            lt,
        );
        assert_eq!(e, vec![("kohort", lt.bad_cohorts), ("tabell", lt.bad_table)]);
        assert_eq!(month_of("2026-01"), Month::new(2026, 1).ok());
        assert_eq!(month_of("2026-1"), None);
        assert_eq!(month_of("januari"), None);
    }
}
