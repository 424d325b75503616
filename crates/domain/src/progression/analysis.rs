//! What moves people, in aggregate: the monthly transition matrix between ladder steps, step-up and exit rates by
//! step and by activity, time to self-sufficiency as Kaplan-Meier curves by cohort, the share of ladder periods
//! lasting more than three months, and re-entry after an exit. Pure: compact per-person histories and a month range
//! in, figures out; no IO, no clock (the last day observed is an input).
//!
//! Definitions (each figure's page states the same in words):
//! - A person is **on the ladder** on a day from an assessment until their next exit; the exit day itself is off
//!   the ladder. An assessment on an exit's day belongs to the period the exit ends; an assessment after an exit
//!   starts a new period. An exit with no open period is ignored.
//! - The **step** on a day is the latest assessment's step on or before it ([`super::ladder::step_on`]).
//! - **Transition matrix**: for each month whose last day has been observed, every person on the ladder on its
//!   first day, by that step, and where they were on its last day: on a step, or exited (by the reason of the last
//!   exit in the month). The range's matrix is the sum of the months' (person-months).
//! - **Rates** per person-month at risk: of the person-months starting on a step (or with an activity of a kind
//!   running on the month's first day, or with none), the share ending on a higher step (step-up), the share ending
//!   exited (exit), and exited to work or studies. These are associations, not effects: who gets an activity is not
//!   random.
//! - **Time to self-sufficiency** (Kaplan-Meier) of periods starting in the range, by the cohort of their start:
//!   the event is an exit to work or studies ([`ExitReason::is_self_sufficiency`]); another exit, or a period still
//!   open on the last day observed, is censored then. Time in days; "3 months" on the curve's table is 91 days.
//! - **Over three months**: of the periods starting in the range whose first three calendar months have been
//!   observed, the share not ended within them.
//! - **Re-entry**: of the exits in the range whose 3 (12) months after have been observed, the share with a new
//!   assessment within 3 (12) calendar months ([`Reentry::classify`]).
//! - **Small counts**: with [`Disclosure::Suppressed`] any count of 1-4 persons is shown as "fewer than 5"
//!   ([`Cell::FewerThanFive`]), and so is a rate whose denominator is under 5 or whose numerator is 1-4 (it would
//!   give the hidden count back). Zero is shown.

use jiff::civil::Date;
use norm::Month;
use serde::{Serialize, Serializer};

use super::exit::{ExitReason, Reentry};
use super::ladder::{StepNo, step_on};
use super::plan::ActivityKind;

/// The smallest count of persons shown to a reader who may not see personal data.
pub const MIN_SHOWN: u32 = 5;

/// The Kaplan-Meier table's checkpoints: (months, days).
pub const KM_CHECKPOINTS: [(u8, i32); 4] = [(3, 91), (6, 183), (12, 365), (24, 730)];

/// Whether small counts are shown as they are (the system's own use) or suppressed (every reader who may not see
/// personal data). The one helper every figure goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Disclosure {
    Exact,
    Suppressed,
}

/// A count of persons (or person-months) as it may be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Count(u32),
    /// 1-4, not shown.
    FewerThanFive,
}

impl Cell {
    /// The number, when it may be shown.
    pub fn count(self) -> Option<u32> {
        match self {
            Cell::Count(n) => Some(n),
            Cell::FewerThanFive => None,
        }
    }
}

impl Serialize for Cell {
    /// A number, or `null` when suppressed.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Count(n) => s.serialize_u32(*n),
            Cell::FewerThanFive => s.serialize_none(),
        }
    }
}

/// A share: its numerator as a cell and the share itself, `None` when suppressed or when nobody was at risk.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    pub events: Cell,
    pub share: Option<f64>,
}

impl Disclosure {
    pub fn cell(self, n: u32) -> Cell {
        match self {
            Disclosure::Suppressed if (1..MIN_SHOWN).contains(&n) => Cell::FewerThanFive,
            _ => Cell::Count(n),
        }
    }

    /// `events` of `at_risk` as a share.
    pub fn rate(self, events: u32, at_risk: u32) -> Rate {
        let hidden =
            self == Disclosure::Suppressed && (at_risk < MIN_SHOWN || (1..MIN_SHOWN).contains(&events));
        Rate {
            events: self.cell(events),
            share: (!hidden && at_risk > 0).then(|| f64::from(events) / f64::from(at_risk)),
        }
    }
}

/// An activity of a person's plan: its kind and the days it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivitySpan {
    pub kind: ActivityKind,
    pub starts_on: Date,
    /// The last day; `None` while open.
    pub ends_on: Option<Date>,
}

impl ActivitySpan {
    fn runs_on(&self, day: Date) -> bool {
        self.starts_on <= day && self.ends_on.is_none_or(|end| day <= end)
    }
}

/// One person's history as the analysis needs it (no id, no name): assessments' days and steps, exits with their
/// reason, and activities. Any order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    pub assessments: Vec<(Date, StepNo)>,
    pub exits: Vec<(Date, ExitReason)>,
    pub activities: Vec<ActivitySpan>,
}

/// A period on the ladder: from an assessment to the exit that ended it (if any).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: Date,
    pub end: Option<(Date, ExitReason)>,
}

impl History {
    /// The periods on the ladder, oldest first (see the module's definitions).
    pub fn periods(&self) -> Vec<Period> {
        let mut assessed: Vec<Date> = self.assessments.iter().map(|(d, _)| *d).collect();
        assessed.sort_unstable();
        let mut exits = self.exits.clone();
        exits.sort_unstable();
        let mut periods = Vec::new();
        let mut open: Option<Date> = None;
        let mut exits = exits.into_iter().peekable();
        for day in assessed {
            // Exits before this assessment close the open period (the first of them) or are ignored.
            while let Some(&(e, reason)) = exits.peek() {
                if e >= day {
                    break;
                }
                if let Some(start) = open.take() {
                    periods.push(Period {
                        start,
                        end: Some((e, reason)),
                    });
                }
                exits.next();
            }
            if open.is_none() {
                open = Some(day);
            }
        }
        if let Some(start) = open {
            let end = exits.next();
            periods.push(Period { start, end });
        }
        periods
    }
}

/// Where a person on the ladder on a month's first day was on its last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Step(StepNo),
    Exited(ExitReason),
    /// Off the ladder without an exit in the month (cannot happen with consistent data; not counted).
    Unknown,
}

fn on_ladder(periods: &[Period], day: Date) -> bool {
    periods
        .iter()
        .any(|p| p.start <= day && p.end.is_none_or(|(e, _)| day < e))
}

/// How cohorts are formed: by the calendar year or half-year the period started in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cohorts {
    #[default]
    Year,
    HalfYear,
}

/// What to analyse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Query {
    pub from: Month,
    pub to: Month,
    /// The last day observed (today, or earlier): months ending after it are left out, periods still open on it
    /// are censored on it.
    pub until: Date,
    /// The ladder's number of steps (the most of the versions in force); a step above it widens the matrix.
    pub steps: u8,
    pub cohorts: Cohorts,
    pub disclosure: Disclosure,
}

/// One row of a transition matrix: the persons on `from` on the first day and where they were on the last.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransitionRow {
    pub from: u8,
    pub at_start: Cell,
    /// Index 0 = step 1.
    pub to_step: Vec<Cell>,
    /// In [`ExitReason::ALL`] order.
    pub to_exit: Vec<(ExitReason, Cell)>,
    /// Exited for any reason.
    pub exited: Cell,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransitionMatrix {
    pub rows: Vec<TransitionRow>,
    pub at_start: Cell,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthTransitions {
    pub month: Month,
    pub matrix: TransitionMatrix,
}

/// Step-up and exit rates of a group of person-months.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RateRow {
    /// Person-months at risk.
    pub at_risk: Cell,
    pub step_up: Rate,
    pub exit: Rate,
    /// Exits to work or studies.
    pub self_sufficient: Rate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepRates {
    pub step: u8,
    pub rates: RateRow,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityRates {
    /// `None`: no activity running on the month's first day.
    pub kind: Option<ActivityKind>,
    pub rates: RateRow,
}

/// A cohort's label: the year, and the half (1 or 2) when cohorts are half-years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CohortLabel {
    pub year: i16,
    pub half: Option<u8>,
}

/// A drop of the Kaplan-Meier curve: after the events on `day`, `share` of the cohort has become self-sufficient
/// (1 − S(t)), with `at_risk` periods still observed on that day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct KmStep {
    pub day: i32,
    pub share: f64,
    pub at_risk: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct KmCheckpoint {
    pub months: u8,
    pub days: i32,
    /// Periods still observed (neither ended nor censored before) on the day.
    pub at_risk: Cell,
    /// 1 − S(t): the share who became self-sufficient by then; `None` when fewer than 5 are at risk.
    pub share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CohortCurve {
    pub cohort: CohortLabel,
    pub periods: Cell,
    pub events: Cell,
    pub censored: Cell,
    /// The curve's steps; with suppression, only while at least 5 are at risk.
    pub curve: Vec<KmStep>,
    pub checkpoints: Vec<KmCheckpoint>,
}

/// The share of periods lasting more than three months.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverThreeMonths {
    /// Periods started in the range with their first three months observed.
    pub observable: Cell,
    /// Of those, not ended within three months.
    pub over: Rate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReentryRow {
    /// `None`: every reason.
    pub reason: Option<ExitReason>,
    pub exits: Cell,
    /// Exits with three months observed after them, and the share back within three months.
    pub observable_3: Cell,
    pub within_3: Rate,
    pub observable_12: Cell,
    pub within_12: Rate,
}

/// Every figure of the analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub from: Month,
    pub to: Month,
    pub until: Date,
    pub steps: u8,
    pub disclosure: Disclosure,
    /// Months in the range whose last day was observed (the others are left out).
    pub months: Vec<MonthTransitions>,
    pub total: TransitionMatrix,
    pub by_step: Vec<StepRates>,
    pub by_activity: Vec<ActivityRates>,
    pub cohorts: Vec<CohortCurve>,
    pub over_three_months: OverThreeMonths,
    pub reentry: Vec<ReentryRow>,
}

fn first_day(m: Month) -> Option<Date> {
    Date::new(i16::try_from(m.year()).ok()?, i8::try_from(m.month()).ok()?, 1).ok()
}

fn last_day(m: Month) -> Option<Date> {
    Date::new(
        i16::try_from(m.year()).ok()?,
        i8::try_from(m.month()).ok()?,
        i8::try_from(m.days()).ok()?,
    )
    .ok()
}

fn plus_months(day: Date, n: i64) -> Date {
    day.checked_add(jiff::Span::new().months(n)).unwrap_or(Date::MAX)
}

/// Exact counts of a matrix: `steps` rows of `steps` step columns and one column per exit reason.
#[derive(Debug, Clone)]
struct Counts {
    steps: usize,
    at_start: Vec<u32>,
    cells: Vec<u32>,
}

impl Counts {
    fn new(steps: usize) -> Counts {
        Counts {
            steps,
            at_start: vec![0; steps],
            cells: vec![0; steps * (steps + ExitReason::ALL.len())],
        }
    }

    fn width(&self) -> usize {
        self.steps + ExitReason::ALL.len()
    }

    fn add(&mut self, from: StepNo, end: End) {
        let row = usize::from(from.get()).saturating_sub(1);
        let column = match end {
            End::Step(s) => usize::from(s.get()).saturating_sub(1),
            End::Exited(r) => self.steps + ExitReason::ALL.iter().position(|x| *x == r).unwrap_or(0),
            End::Unknown => return,
        };
        let width = self.width();
        if let Some(n) = self.at_start.get_mut(row) {
            *n += 1;
        }
        if let Some(n) = self.cells.get_mut(row * width + column) {
            *n += 1;
        }
    }

    fn get(&self, row: usize, column: usize) -> u32 {
        self.cells.get(row * self.width() + column).copied().unwrap_or(0)
    }

    fn merge(&mut self, other: &Counts) {
        for (a, b) in self.at_start.iter_mut().zip(&other.at_start) {
            *a += b;
        }
        for (a, b) in self.cells.iter_mut().zip(&other.cells) {
            *a += b;
        }
    }

    fn shown(&self, d: Disclosure) -> TransitionMatrix {
        let rows = (0..self.steps)
            .map(|row| {
                let exits: Vec<u32> = (0..ExitReason::ALL.len())
                    .map(|i| self.get(row, self.steps + i))
                    .collect();
                TransitionRow {
                    from: u8::try_from(row + 1).unwrap_or(u8::MAX),
                    at_start: d.cell(self.at_start.get(row).copied().unwrap_or(0)),
                    to_step: (0..self.steps).map(|c| d.cell(self.get(row, c))).collect(),
                    to_exit: ExitReason::ALL
                        .iter()
                        .zip(&exits)
                        .map(|(r, n)| (*r, d.cell(*n)))
                        .collect(),
                    exited: d.cell(exits.iter().sum()),
                }
            })
            .collect();
        TransitionMatrix {
            rows,
            at_start: d.cell(self.at_start.iter().sum()),
        }
    }
}

/// Exact counts behind a [`RateRow`].
#[derive(Debug, Clone, Copy, Default)]
struct RateCounts {
    at_risk: u32,
    step_up: u32,
    exit: u32,
    self_sufficient: u32,
}

impl RateCounts {
    fn add(&mut self, from: StepNo, end: End) {
        if end == End::Unknown {
            return;
        }
        self.at_risk += 1;
        match end {
            End::Step(s) if s > from => self.step_up += 1,
            End::Exited(r) => {
                self.exit += 1;
                if r.is_self_sufficiency() {
                    self.self_sufficient += 1;
                }
            }
            _ => {}
        }
    }

    fn shown(&self, d: Disclosure) -> RateRow {
        RateRow {
            at_risk: d.cell(self.at_risk),
            step_up: d.rate(self.step_up, self.at_risk),
            exit: d.rate(self.exit, self.at_risk),
            self_sufficient: d.rate(self.self_sufficient, self.at_risk),
        }
    }
}

fn cohort_of(day: Date, by: Cohorts) -> CohortLabel {
    CohortLabel {
        year: day.year(),
        half: match by {
            Cohorts::Year => None,
            Cohorts::HalfYear => Some(if day.month() <= 6 { 1 } else { 2 }),
        },
    }
}

/// A period's observed time in days and whether it ended in self-sufficiency.
fn km_curve(times: &mut [(i32, bool)], d: Disclosure) -> (Vec<KmStep>, Vec<KmCheckpoint>) {
    times.sort_unstable_by_key(|(t, _)| *t);
    let total = u32::try_from(times.len()).unwrap_or(u32::MAX);
    let mut survival = 1.0_f64;
    let mut curve = Vec::new();
    let mut i = 0;
    let mut gone = 0_u32;
    while let Some(&(t, _)) = times.get(i) {
        let same: Vec<&(i32, bool)> = times.iter().skip(i).take_while(|(u, _)| *u == t).collect();
        let events = u32::try_from(same.iter().filter(|(_, e)| *e).count()).unwrap_or(0);
        let at_risk = total - gone;
        if events > 0 && at_risk > 0 {
            survival *= 1.0 - f64::from(events) / f64::from(at_risk);
            curve.push(KmStep {
                day: t,
                share: 1.0 - survival,
                at_risk,
            });
        }
        let n = same.len();
        gone += u32::try_from(n).unwrap_or(0);
        i += n;
    }
    let checkpoints = KM_CHECKPOINTS
        .iter()
        .map(|&(months, days)| {
            let at_risk = u32::try_from(times.iter().filter(|(t, _)| *t >= days).count()).unwrap_or(0);
            let shown = at_risk > 0 && (d == Disclosure::Exact || at_risk >= MIN_SHOWN);
            // 1 − S(t): the curve's value after its last drop on or before the day.
            let share = curve
                .iter()
                .take_while(|s| s.day <= days)
                .last()
                .map_or(0.0, |s| s.share);
            KmCheckpoint {
                months,
                days,
                at_risk: d.cell(at_risk),
                share: shown.then_some(share),
            }
        })
        .collect();
    if d == Disclosure::Suppressed {
        curve.retain(|s| s.at_risk >= MIN_SHOWN);
    }
    (curve, checkpoints)
}

/// Runs the analysis over `histories` (see the module's definitions).
pub fn analyse(histories: &[History], q: &Query) -> Analysis {
    let d = q.disclosure;
    let max_step = histories
        .iter()
        .flat_map(|h| h.assessments.iter().map(|(_, s)| s.get()))
        .max()
        .unwrap_or(0);
    let steps = usize::from(q.steps.max(max_step));
    let periods: Vec<Vec<Period>> = histories.iter().map(History::periods).collect();
    let range_start = first_day(q.from).unwrap_or(Date::MIN);
    let range_end = last_day(q.to).unwrap_or(Date::MAX).min(q.until);

    // Months: the matrix and the rates.
    let mut months = Vec::new();
    let mut total = Counts::new(steps);
    let mut by_step: Vec<RateCounts> = vec![RateCounts::default(); steps];
    let mut by_kind: Vec<RateCounts> = vec![RateCounts::default(); ActivityKind::ALL.len() + 1];
    let mut month = Some(q.from);
    while let Some(m) = month.filter(|m| *m <= q.to) {
        month = m.next();
        let (Some(first), Some(last)) = (first_day(m), last_day(m)) else {
            continue;
        };
        if last > q.until {
            continue;
        }
        let mut counts = Counts::new(steps);
        for (h, ps) in histories.iter().zip(&periods) {
            if !on_ladder(ps, first) {
                continue;
            }
            let Some(from) = step_on(&h.assessments, first) else {
                continue;
            };
            let end = if on_ladder(ps, last) {
                step_on(&h.assessments, last).map_or(End::Unknown, End::Step)
            } else {
                h.exits
                    .iter()
                    .filter(|(e, _)| first < *e && *e <= last)
                    .max_by_key(|(e, _)| *e)
                    .map_or(End::Unknown, |(_, r)| End::Exited(*r))
            };
            counts.add(from, end);
            if let Some(r) = by_step.get_mut(usize::from(from.get()).saturating_sub(1)) {
                r.add(from, end);
            }
            let mut any = false;
            for (i, kind) in ActivityKind::ALL.iter().enumerate() {
                if h.activities.iter().any(|a| a.kind == *kind && a.runs_on(first)) {
                    any = true;
                    if let Some(r) = by_kind.get_mut(i) {
                        r.add(from, end);
                    }
                }
            }
            if !any && let Some(r) = by_kind.last_mut() {
                r.add(from, end);
            }
        }
        total.merge(&counts);
        months.push(MonthTransitions {
            month: m,
            matrix: counts.shown(d),
        });
    }

    // Periods started in the range: Kaplan-Meier by cohort and the share over three months.
    let mut cohorts: std::collections::BTreeMap<CohortLabel, Vec<(i32, bool)>> = Default::default();
    let (mut observable, mut over) = (0_u32, 0_u32);
    for p in periods.iter().flatten() {
        if p.start < range_start || p.start > range_end {
            continue;
        }
        let (stop, event) = match p.end {
            Some((e, r)) if e <= q.until => (e, r.is_self_sufficiency()),
            _ => (q.until, false),
        };
        let days = (stop - p.start).get_days();
        cohorts
            .entry(cohort_of(p.start, q.cohorts))
            .or_default()
            .push((days, event));
        let three = plus_months(p.start, 3);
        if three <= q.until {
            observable += 1;
            if p.end.is_none_or(|(e, _)| e > three) {
                over += 1;
            }
        }
    }
    let cohorts = cohorts
        .into_iter()
        .map(|(cohort, mut times)| {
            let n = u32::try_from(times.len()).unwrap_or(u32::MAX);
            let events = u32::try_from(times.iter().filter(|(_, e)| *e).count()).unwrap_or(0);
            let (curve, checkpoints) = km_curve(&mut times, d);
            CohortCurve {
                cohort,
                periods: d.cell(n),
                events: d.cell(events),
                censored: d.cell(n - events),
                curve,
                checkpoints,
            }
        })
        .collect();

    // Exits in the range and re-entry after them.
    let mut reentry = vec![[0_u32; 5]; ExitReason::ALL.len() + 1];
    for (h, ps) in histories.iter().zip(&periods) {
        for (e, reason) in ps.iter().filter_map(|p| p.end) {
            if e < range_start || e > range_end {
                continue;
            }
            let back = h
                .assessments
                .iter()
                .map(|(a, _)| *a)
                .filter(|a| *a > e && *a <= q.until)
                .min()
                .and_then(|a| Reentry::classify(e, a));
            let obs3 = plus_months(e, 3) <= q.until;
            let obs12 = plus_months(e, 12) <= q.until;
            let within3 = back == Some(Reentry::WithinThreeMonths);
            let within12 = within3 || back == Some(Reentry::WithinTwelveMonths);
            let figures = [
                1,
                u32::from(obs3),
                u32::from(obs3 && within3),
                u32::from(obs12),
                u32::from(obs12 && within12),
            ];
            let i = ExitReason::ALL.iter().position(|r| *r == reason).unwrap_or(0);
            for row in [0, i + 1] {
                if let Some(acc) = reentry.get_mut(row) {
                    for (a, f) in acc.iter_mut().zip(figures) {
                        *a += f;
                    }
                }
            }
        }
    }
    let reasons = std::iter::once(None).chain(ExitReason::ALL.into_iter().map(Some));
    let reentry = reasons
        .zip(reentry)
        .map(|(reason, [exits, o3, w3, o12, w12])| ReentryRow {
            reason,
            exits: d.cell(exits),
            observable_3: d.cell(o3),
            within_3: d.rate(w3, o3),
            observable_12: d.cell(o12),
            within_12: d.rate(w12, o12),
        })
        .collect();

    let kinds = ActivityKind::ALL
        .into_iter()
        .map(Some)
        .chain(std::iter::once(None));
    Analysis {
        from: q.from,
        to: q.to,
        until: q.until,
        steps: u8::try_from(steps).unwrap_or(u8::MAX),
        disclosure: d,
        months,
        total: total.shown(d),
        by_step: by_step
            .iter()
            .enumerate()
            .map(|(i, r)| StepRates {
                step: u8::try_from(i + 1).unwrap_or(u8::MAX),
                rates: r.shown(d),
            })
            .collect(),
        by_activity: kinds
            .zip(&by_kind)
            .map(|(kind, r)| ActivityRates {
                kind,
                rates: r.shown(d),
            })
            .collect(),
        cohorts,
        over_three_months: OverThreeMonths {
            observable: d.cell(observable),
            over: d.rate(over, observable),
        },
        reentry,
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn step(n: u8) -> StepNo {
        StepNo::new(n).expect("step")
    }

    fn activity(kind: ActivityKind, starts_on: Date, ends_on: Option<Date>) -> ActivitySpan {
        ActivitySpan {
            kind,
            starts_on,
            ends_on,
        }
    }

    /// The fixed dataset: a three-step ladder, January and February 2026, observed until 31 March 2027.
    fn town() -> Vec<History> {
        vec![
            // A: on step 1 since November, step 2 on 20 Jan, step 3 on 15 Feb, exits to work in May. Sfi until 31 Jan.
            History {
                assessments: vec![
                    (date(2026, 2, 15), step(3)),
                    (date(2025, 11, 10), step(1)),
                    (date(2026, 1, 20), step(2)),
                ],
                exits: vec![(date(2026, 5, 1), ExitReason::Work)],
                activities: vec![activity(
                    ActivityKind::Sfi,
                    date(2025, 12, 1),
                    Some(date(2026, 1, 31)),
                )],
            },
            // B: step 2 since December, exits to work 15 Jan, back on step 2 on 10 Feb (a re-entry), exits to studies
            // 20 March. Job search from 1 Jan, open.
            History {
                assessments: vec![(date(2025, 12, 1), step(2)), (date(2026, 2, 10), step(2))],
                exits: vec![
                    (date(2026, 3, 20), ExitReason::Studies),
                    (date(2026, 1, 15), ExitReason::Work),
                ],
                activities: vec![activity(ActivityKind::JobSearch, date(2026, 1, 1), None)],
            },
            // C: step 1 from 1 Jan (assessed on the first day), never exits, no activity.
            History {
                assessments: vec![(date(2026, 1, 1), step(1))],
                ..History::default()
            },
            // D: step 3 from 5 Jan, moves away 5 Feb. Work practice 10 Jan - 31 March.
            History {
                assessments: vec![(date(2026, 1, 5), step(3))],
                exits: vec![(date(2026, 2, 5), ExitReason::Moved)],
                activities: vec![activity(
                    ActivityKind::WorkPractice,
                    date(2026, 1, 10),
                    Some(date(2026, 3, 31)),
                )],
            },
            // E: step 2 on 1 Feb, down to step 1 on 20 Feb, exits to work 30 June. No activity.
            History {
                assessments: vec![(date(2026, 2, 1), step(2)), (date(2026, 2, 20), step(1))],
                exits: vec![(date(2026, 6, 30), ExitReason::Work)],
                activities: vec![],
            },
            // F: an exit without any assessment: no period, ignored everywhere.
            History {
                exits: vec![(date(2026, 1, 10), ExitReason::Other)],
                ..History::default()
            },
            // G: a period in 2024, long over: in no figure.
            History {
                assessments: vec![(date(2024, 6, 1), step(2))],
                exits: vec![(date(2024, 12, 1), ExitReason::OtherBenefit)],
                activities: vec![],
            },
        ]
    }

    fn query(disclosure: Disclosure) -> Query {
        Query {
            from: Month::new(2026, 1).expect("month"),
            to: Month::new(2026, 2).expect("month"),
            until: date(2027, 3, 31),
            steps: 3,
            cohorts: Cohorts::Year,
            disclosure,
        }
    }

    fn counts(cells: &[Cell]) -> Vec<u32> {
        cells.iter().map(|c| c.count().expect("exact")).collect()
    }

    /// (from, at start, to steps 1-3, to exits in ExitReason::ALL order: work, studies, other benefit, moved, other)
    fn row(m: &TransitionMatrix, from: usize) -> (u32, Vec<u32>, Vec<u32>) {
        let r = m.rows.get(from - 1).expect("row");
        let exits: Vec<Cell> = r.to_exit.iter().map(|(_, c)| *c).collect();
        (
            r.at_start.count().expect("exact"),
            counts(&r.to_step),
            counts(&exits),
        )
    }

    fn share(r: &Rate) -> f64 {
        r.share.expect("shown")
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn periods_end_at_the_next_exit_and_an_assessment_after_it_starts_a_new_one() {
        let t = town();
        let b = t.get(1).expect("B").periods();
        assert_eq!(
            b,
            vec![
                Period {
                    start: date(2025, 12, 1),
                    end: Some((date(2026, 1, 15), ExitReason::Work))
                },
                Period {
                    start: date(2026, 2, 10),
                    end: Some((date(2026, 3, 20), ExitReason::Studies))
                },
            ]
        );
        assert_eq!(t.get(5).expect("F").periods(), Vec::<Period>::new());
        // An assessment on the exit's day belongs to the period the exit ends.
        let h = History {
            assessments: vec![(date(2026, 1, 1), step(1)), (date(2026, 1, 9), step(2))],
            exits: vec![(date(2026, 1, 9), ExitReason::Work)],
            activities: vec![],
        };
        assert_eq!(
            h.periods(),
            vec![Period {
                start: date(2026, 1, 1),
                end: Some((date(2026, 1, 9), ExitReason::Work))
            }]
        );
    }

    #[test]
    fn the_transition_matrix_by_hand() {
        let a = analyse(&town(), &query(Disclosure::Exact));
        assert_eq!(a.steps, 3);
        assert_eq!(a.months.len(), 2);
        let jan = &a.months.first().expect("jan").matrix;
        // January, on the ladder on 1 Jan: A (step 1), B (step 2), C (step 1); D starts 5 Jan, E in Feb.
        // Step 1: A ends on step 2 (assessed 20 Jan), C stays on 1. Step 2: B exited to work on 15 Jan.
        assert_eq!(row(jan, 1), (2, vec![1, 1, 0], vec![0, 0, 0, 0, 0]));
        assert_eq!(row(jan, 2), (1, vec![0, 0, 0], vec![1, 0, 0, 0, 0]));
        assert_eq!(row(jan, 3), (0, vec![0, 0, 0], vec![0, 0, 0, 0, 0]));
        assert_eq!(jan.at_start, Cell::Count(3));
        let feb = &a.months.get(1).expect("feb").matrix;
        // February, on 1 Feb: A (2), C (1), D (3), E (2, assessed that day); B is off until 10 Feb.
        // Step 1: C stays. Step 2: A up to 3 (15 Feb), E down to 1 (20 Feb). Step 3: D moved away 5 Feb.
        assert_eq!(row(feb, 1), (1, vec![1, 0, 0], vec![0, 0, 0, 0, 0]));
        assert_eq!(row(feb, 2), (2, vec![1, 0, 1], vec![0, 0, 0, 0, 0]));
        assert_eq!(row(feb, 3), (1, vec![0, 0, 0], vec![0, 0, 0, 1, 0]));
        assert_eq!(feb.rows.get(2).expect("3").exited, Cell::Count(1));
        // The range: the sum of the months (person-months).
        assert_eq!(row(&a.total, 1), (3, vec![2, 1, 0], vec![0, 0, 0, 0, 0]));
        assert_eq!(row(&a.total, 2), (3, vec![1, 0, 1], vec![1, 0, 0, 0, 0]));
        assert_eq!(row(&a.total, 3), (1, vec![0, 0, 0], vec![0, 0, 0, 1, 0]));
        assert_eq!(a.total.at_start, Cell::Count(7));
    }

    #[test]
    fn rates_by_step_and_by_activity_by_hand() {
        let a = analyse(&town(), &query(Disclosure::Exact));
        let s = |n: usize| &a.by_step.get(n - 1).expect("step").rates;
        // Step 1: A in Jan (up), C in Jan and Feb (stay): 3 person-months, 1 step-up, no exit.
        assert_eq!(s(1).at_risk, Cell::Count(3));
        assert!(close(share(&s(1).step_up), 1.0 / 3.0));
        assert!(close(share(&s(1).exit), 0.0));
        // Step 2: B in Jan (exit to work), A in Feb (up), E in Feb (down): 3, 1 up, 1 exit, 1 to work or studies.
        assert_eq!(s(2).at_risk, Cell::Count(3));
        assert!(close(share(&s(2).step_up), 1.0 / 3.0));
        assert!(close(share(&s(2).exit), 1.0 / 3.0));
        assert!(close(share(&s(2).self_sufficient), 1.0 / 3.0));
        // Step 3: D in Feb, moved away: 1 person-month, exit 1/1, none to work or studies.
        assert_eq!(s(3).at_risk, Cell::Count(1));
        assert!(close(share(&s(3).exit), 1.0));
        assert!(close(share(&s(3).self_sufficient), 0.0));
        let k =
            |kind: Option<ActivityKind>| &a.by_activity.iter().find(|r| r.kind == kind).expect("kind").rates;
        // On 1 Jan A has sfi (up), B job search (exit to work); on 1 Feb D has work practice (moved away).
        assert_eq!(k(Some(ActivityKind::Sfi)).at_risk, Cell::Count(1));
        assert!(close(share(&k(Some(ActivityKind::Sfi)).step_up), 1.0));
        assert!(close(
            share(&k(Some(ActivityKind::JobSearch)).self_sufficient),
            1.0
        ));
        assert!(close(share(&k(Some(ActivityKind::WorkPractice)).exit), 1.0));
        assert!(close(
            share(&k(Some(ActivityKind::WorkPractice)).self_sufficient),
            0.0
        ));
        // Nobody had studies: no person-months, no share.
        assert_eq!(k(Some(ActivityKind::Studies)).at_risk, Cell::Count(0));
        assert_eq!(k(Some(ActivityKind::Studies)).exit.share, None);
        // No activity: C in Jan, A in Feb (sfi ended 31 Jan; up), C in Feb, E in Feb (down): 4, 1 up, 0 exits.
        assert_eq!(k(None).at_risk, Cell::Count(4));
        assert!(close(share(&k(None).step_up), 0.25));
        assert!(close(share(&k(None).exit), 0.0));
    }

    #[test]
    fn kaplan_meier_and_the_share_over_three_months_by_hand() {
        let a = analyse(&town(), &query(Disclosure::Exact));
        // Periods started in Jan-Feb 2026 (one cohort, 2026): B's second (10 Feb - 20 March, studies: event at
        // 18 + 20 = 38 days), C's (1 Jan, open: censored on 31 March 2027 after 365 + 89 = 454 days), D's (5 Jan - 5
        // Feb, moved: censored at 31 days), E's (1 Feb - 30 June, work: event at 28 + 31 + 30 + 31 + 29 = 149 days).
        // A's period started in 2025.
        assert_eq!(a.cohorts.len(), 1);
        let c = a.cohorts.first().expect("cohort");
        assert_eq!(
            c.cohort,
            CohortLabel {
                year: 2026,
                half: None
            }
        );
        assert_eq!(
            (c.periods, c.events, c.censored),
            (Cell::Count(4), Cell::Count(2), Cell::Count(2))
        );
        // Sorted: 31 censored, 38 event, 149 event, 454 censored.
        // t = 38: 3 at risk, 1 event: S = 2/3, share self-sufficient 1/3.
        // t = 149: 2 at risk, 1 event: S = 2/3 × 1/2 = 1/3, share 2/3.
        assert_eq!(c.curve.len(), 2);
        let (p1, p2) = (c.curve.first().expect("1"), c.curve.get(1).expect("2"));
        assert_eq!((p1.day, p1.at_risk, p2.day, p2.at_risk), (38, 3, 149, 2));
        assert!(close(p1.share, 1.0 / 3.0) && close(p2.share, 2.0 / 3.0));
        // Checkpoints: 91 days: at risk 149 and 454 (2), share 1/3; 183 and 365: only 454 at risk (1), share 2/3;
        // 730: nobody at risk, no value.
        let cp: Vec<(i32, Option<u32>, Option<f64>)> = c
            .checkpoints
            .iter()
            .map(|k| (k.days, k.at_risk.count(), k.share))
            .collect();
        assert_eq!(cp.len(), 4);
        assert_eq!(cp.first().map(|x| (x.0, x.1)), Some((91, Some(2))));
        assert!(close(cp.first().and_then(|x| x.2).expect("91"), 1.0 / 3.0));
        assert!(close(cp.get(1).and_then(|x| x.2).expect("183"), 2.0 / 3.0));
        assert_eq!(cp.get(2).map(|x| x.1), Some(Some(1)));
        assert_eq!(cp.get(3).map(|x| (x.1, x.2)), Some((Some(0), None)));
        // Over three months: B (ended 20 Mar, before 10 May: no), C (open on 1 Apr: yes), D (ended 5 Feb: no),
        // E (open on 1 May, ended 30 June: yes): 2 of 4.
        assert_eq!(a.over_three_months.observable, Cell::Count(4));
        assert!(close(share(&a.over_three_months.over), 0.5));
    }

    #[test]
    fn half_year_cohorts_split_by_the_start_day() {
        let mut q = query(Disclosure::Exact);
        q.cohorts = Cohorts::HalfYear;
        q.from = Month::new(2025, 11).expect("month");
        let a = analyse(&town(), &q);
        // A started 10 Nov 2025 (2025 H2), B's first 1 Dec 2025 (H2), the rest in 2026 H1.
        let labels: Vec<(i16, Option<u8>, Option<u32>)> = a
            .cohorts
            .iter()
            .map(|c| (c.cohort.year, c.cohort.half, c.periods.count()))
            .collect();
        assert_eq!(labels, vec![(2025, Some(2), Some(2)), (2026, Some(1), Some(4))]);
    }

    #[test]
    fn reentry_by_hand() {
        let a = analyse(&town(), &query(Disclosure::Exact));
        // Exits in Jan-Feb that ended a period: B's on 15 Jan (work; back 10 Feb: within 3 months) and D's on 5 Feb
        // (moved; never back). F's exit ended no period. Both have 12 months observed by 31 March 2027.
        let r = |reason: Option<ExitReason>| a.reentry.iter().find(|r| r.reason == reason).expect("row");
        let all = r(None);
        assert_eq!(
            (all.exits, all.observable_3, all.observable_12),
            (Cell::Count(2), Cell::Count(2), Cell::Count(2))
        );
        assert!(close(share(&all.within_3), 0.5) && close(share(&all.within_12), 0.5));
        let work = r(Some(ExitReason::Work));
        assert_eq!(work.exits, Cell::Count(1));
        assert!(close(share(&work.within_3), 1.0));
        assert!(close(share(&r(Some(ExitReason::Moved)).within_12), 0.0));
        assert_eq!(r(Some(ExitReason::Other)).exits, Cell::Count(0));
    }

    #[test]
    fn a_month_not_yet_over_is_left_out() {
        let mut q = query(Disclosure::Exact);
        q.until = date(2026, 2, 27);
        let a = analyse(&town(), &q);
        assert_eq!(a.months.len(), 1);
        assert_eq!(a.total.at_start, Cell::Count(3));
    }

    #[test]
    fn small_counts_are_suppressed_with_one_helper() {
        let d = Disclosure::Suppressed;
        assert_eq!(d.cell(0), Cell::Count(0));
        assert_eq!(d.cell(4), Cell::FewerThanFive);
        assert_eq!(d.cell(5), Cell::Count(5));
        assert_eq!(Disclosure::Exact.cell(1), Cell::Count(1));
        // A rate is hidden when its denominator is under 5, or its numerator is 1-4 (which it would give back).
        assert_eq!(d.rate(0, 4).share, None);
        assert_eq!(d.rate(0, 5).share, Some(0.0));
        assert_eq!(d.rate(1, 10).share, None);
        assert_eq!(d.rate(5, 10).share, Some(0.5));
        assert_eq!(Disclosure::Exact.rate(1, 2).share, Some(0.5));
        // The fixed town is small: only the 7 person-months in all survive (and zeros), no rate, no curve.
        let a = analyse(&town(), &query(Disclosure::Suppressed));
        assert_eq!(a.total.at_start, Cell::Count(7));
        assert_eq!(
            a.total.rows.iter().map(|r| r.at_start).collect::<Vec<_>>(),
            vec![Cell::FewerThanFive; 3]
        );
        assert_eq!(
            a.total.rows.first().map(|r| r.to_step.clone()),
            Some(vec![Cell::FewerThanFive, Cell::FewerThanFive, Cell::Count(0)])
        );
        assert!(a.by_step.iter().all(|s| s.rates.step_up.share.is_none()));
        assert!(a.cohorts.iter().all(|c| c.curve.is_empty()));
        assert!(
            serde_json::to_string(&a)
                .expect("json")
                .contains("\"at_start\":null")
        );
    }
}
