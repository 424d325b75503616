//! Rule sets and the rule book: which law, legal bases, table series and extra rule modules apply to a month.
//!
//! The standard book has two rule sets, SoL 2001:453 (until 2025-06) and SoL 2025:400 (from 2025-07), both on the
//! `riksnorm` table series. A proposed reform is added as data (a table series via [`RuleBook::add_series`]) plus a
//! [`RuleSet`] that may carry small [`RuleModule`]s; the core calculation does not change.

use std::fmt;
use std::sync::Arc;

use crate::Month;
use crate::household::HouseholdRef;
use crate::money::Overflow;
use crate::tables::{self, TableError, YearTable};

/// The legal basis quoted on each kind of explanation line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bases {
    /// Riksnorm amounts (personal and household-common costs).
    pub norm: String,
    /// Reasonable actual costs (rent, electricity, ...).
    pub costs: String,
    /// Counted income and exempt income.
    pub income: String,
    /// A salary counted under the jobbstimulans disregard (income basis and the disregard's own).
    pub jobbstimulans: String,
    /// Children's and school youth's own work income.
    pub child_income: String,
    /// Assets to be used first.
    pub assets: String,
    /// The right to assistance for living costs and other needs (SoL 12:1, before 2025-07 4:1): the usual basis
    /// of a decision item on försörjningsstöd.
    pub right: String,
    /// Discretionary assistance beyond the right (SoL 12:2, before 2025-07 4:2).
    pub discretionary: String,
    /// Refusal or reduction of continued försörjningsstöd after a refused activity (SoL 12:5, before 2025-07 4:5).
    pub refused_activity: String,
    /// A norm level raised or lowered for special reasons (SoL 12:7, before 2025-07 4:3): the basis of the lines
    /// of `norm_adjustments`.
    pub special_reasons: String,
}

impl Bases {
    /// Every basis text, for checks that must see them all.
    pub fn all(&self) -> [&str; 10] {
        [
            &self.norm,
            &self.costs,
            &self.income,
            &self.jobbstimulans,
            &self.child_income,
            &self.assets,
            &self.right,
            &self.discretionary,
            &self.refused_activity,
            &self.special_reasons,
        ]
    }
}

/// The four parts of the calculation, in öre, that rule modules may adjust.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Parts {
    pub norm: crate::Money,
    pub reasonable_costs: crate::Money,
    pub counted_income: crate::Money,
    pub assets: crate::Money,
}

/// One adjustment a rule module made: added to a part, explained in Swedish with its basis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adjustment {
    pub part: crate::explain::Part,
    pub amount: crate::Money,
    pub text: String,
    pub basis: String,
}

/// A small rule added by a rule set (e.g. a reform's cap). It sees the validated household, the year's table and
/// the parts computed so far, and returns adjustments; the engine adds them to the parts and to the explanation,
/// so lines always add up to the totals.
pub trait RuleModule: fmt::Debug + Send + Sync {
    fn name(&self) -> &str;
    fn adjust(
        &self,
        household: HouseholdRef<'_>,
        table: &YearTable,
        parts: &Parts,
    ) -> Result<Vec<Adjustment>, Overflow>;
}

/// A set of rules valid for a span of months.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// Stable name to pick it by (`sol-2025-400`).
    pub name: String,
    /// Human title (Swedish).
    pub title: String,
    /// First month it applies to.
    pub from: Month,
    /// Last month it applies to, if it ends.
    pub until: Option<Month>,
    /// Which table series it reads (`riksnorm`).
    pub series: String,
    pub bases: Bases,
    /// Extra rules, applied in order after the standard calculation.
    pub modules: Vec<Arc<dyn RuleModule>>,
}

impl RuleSet {
    pub fn covers(&self, month: Month) -> bool {
        month >= self.from && self.until.is_none_or(|u| month <= u)
    }
}

/// A named series of yearly tables (the standard riksnorm, or a reform's amounts).
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub years: Vec<YearTable>,
}

/// All tables and rule sets the engine knows. Built once, shared read-only.
#[derive(Debug, Clone)]
pub struct RuleBook {
    series: Vec<Series>,
    /// Rule sets chosen by month are the ones marked `by_date`; named ones may be picked explicitly.
    rule_sets: Vec<(RuleSet, bool)>,
    /// For each rule set, the index of its series in `series` (resolved once: the bulk path must not compare
    /// names per household).
    series_of: Vec<Option<usize>>,
    /// `resolve` answers for every month of the years any series covers, precomputed: (rule set, index into
    /// `flat`), `None` where nothing applies. Starts at month index `by_month_base`.
    by_month: Vec<Option<(u16, u16)>>,
    by_month_base: i32,
    /// Every series' tables side by side, so the bulk path reaches a month's table in one step.
    flat: Vec<YearTable>,
    /// Per rule set: none of its texts (name, bases) needs escaping in JSON and it has no modules, so the
    /// streamed JSON may copy texts as they are.
    plain: Vec<bool>,
}

fn year_in(years: &[YearTable], year: u16) -> Option<&YearTable> {
    years.iter().find(|t| t.year == year)
}

fn month(y: u16, m: u8) -> Month {
    // Both constants are valid months; the fallback only satisfies the type.
    Month::new(y, m).unwrap_or(Month::MIN)
}

impl RuleBook {
    /// The embedded riksnorm 2021-2026 and prisbasbelopp, with the rule sets of SoL 2001:453 and SoL 2025:400.
    #[expect(
        clippy::expect_used,
        reason = "the embedded tables are compile-time data checked by the crate's tests; failing here is a build defect"
    )]
    pub fn standard() -> RuleBook {
        RuleBook::from_csv(tables::RIKSNORM_CSV, tables::PRISBASBELOPP_CSV)
            .expect("embedded rule tables are valid")
    }

    /// The standard rule sets over a given riksnorm and prisbasbelopp (e.g. a municipality's updated copy).
    pub fn from_csv(riksnorm_csv: &str, prisbasbelopp_csv: &str) -> Result<RuleBook, TableError> {
        let years = tables::parse_tables(riksnorm_csv, prisbasbelopp_csv)?;
        let series = vec![Series {
            name: "riksnorm".into(),
            years,
        }];
        let old = RuleSet {
            name: "sol-2001-453".into(),
            title: "Socialtjänstlagen (2001:453) 4 kap.".into(),
            from: Month::MIN,
            until: Some(month(2025, 6)),
            series: "riksnorm".into(),
            bases: Bases {
                norm: "SoL 4:3, SoF 2 a §".into(),
                costs: "SoL 4:3".into(),
                income: "SoL 4:1".into(),
                jobbstimulans: "SoL 4:1, SoL 4:1 b".into(),
                child_income: "SoL 4:1 a".into(),
                assets: "SoL 4:1".into(),
                right: "SoL 4:1".into(),
                discretionary: "SoL 4:2".into(),
                refused_activity: "SoL 4:5".into(),
                special_reasons: "SoL 4:3".into(),
            },
            modules: Vec::new(),
        };
        let new = RuleSet {
            name: "sol-2025-400".into(),
            title: "Socialtjänstlagen (2025:400) 12 kap.".into(),
            from: month(2025, 7),
            until: None,
            series: "riksnorm".into(),
            bases: Bases {
                norm: "SoL 12:7, SoF 12:2".into(),
                costs: "SoL 12:7".into(),
                income: "SoL 12:1".into(),
                jobbstimulans: "SoL 12:1, SoL 12:8".into(),
                child_income: "SoL 12:9".into(),
                assets: "SoL 12:1".into(),
                right: "SoL 12:1".into(),
                discretionary: "SoL 12:2".into(),
                refused_activity: "SoL 12:5".into(),
                special_reasons: "SoL 12:7".into(),
            },
            modules: Vec::new(),
        };
        let mut book = RuleBook {
            series,
            rule_sets: vec![(old, true), (new, true)],
            series_of: Vec::new(),
            by_month: Vec::new(),
            by_month_base: 0,
            flat: Vec::new(),
            plain: Vec::new(),
        };
        book.reindex();
        Ok(book)
    }

    /// Whether a rule set of this book has only texts that JSON can carry unescaped (see `plain`).
    pub(crate) fn plain_texts(&self, rs: &RuleSet) -> bool {
        self.rule_sets
            .iter()
            .position(|(r, _)| std::ptr::eq(r, rs))
            .and_then(|i| self.plain.get(i))
            .copied()
            .unwrap_or(false)
    }

    fn reindex(&mut self) {
        let needs_escape = |s: &str| s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\');
        self.plain = self
            .rule_sets
            .iter()
            .map(|(r, _)| {
                r.modules.is_empty()
                    && !needs_escape(&r.name)
                    && !r.bases.all().iter().any(|s| needs_escape(s))
            })
            .collect();
        self.series_of = self
            .rule_sets
            .iter()
            .map(|(r, _)| self.series.iter().position(|s| s.name == r.series))
            .collect();
        let years = self.series.iter().flat_map(|s| s.years.iter().map(|t| t.year));
        let (lo, hi) = years.fold((u16::MAX, 0), |(lo, hi), y| (lo.min(y), hi.max(y)));
        self.by_month.clear();
        self.flat = self.series.iter().flat_map(|s| s.years.iter().cloned()).collect();
        let starts: Vec<usize> = self
            .series
            .iter()
            .scan(0, |acc, s| {
                let start = *acc;
                *acc += s.years.len();
                Some(start)
            })
            .collect();
        let (Ok(first), Ok(last)) = (Month::new(lo, 1), Month::new(hi, 12)) else {
            return;
        };
        self.by_month_base = first.index();
        let mut m = Some(first);
        while let Some(month) = m.filter(|m| *m <= last) {
            self.by_month.push(self.resolve_slow(month).and_then(|(r, s, y)| {
                let flat = starts.get(s)? + y;
                Some((u16::try_from(r).ok()?, u16::try_from(flat).ok()?))
            }));
            m = month.next();
        }
    }

    /// (rule set, series, year) indices for a month, searching.
    fn resolve_slow(&self, month: Month) -> Option<(usize, usize, usize)> {
        let (r, _) = self
            .rule_sets
            .iter()
            .enumerate()
            .rev()
            .find(|(_, (r, by_date))| *by_date && r.covers(month))?;
        let s = self.series_of.get(r).copied().flatten()?;
        let years = &self.series.get(s)?.years;
        let y = years.iter().position(|t| t.year == month.year())?;
        Some((r, s, y))
    }

    /// Adds (or replaces) a table series, e.g. a reform's amounts, read from CSVs of the standard format.
    pub fn add_series(
        &mut self,
        name: &str,
        riksnorm_csv: &str,
        prisbasbelopp_csv: &str,
    ) -> Result<(), TableError> {
        let mut years = tables::parse_tables(riksnorm_csv, prisbasbelopp_csv)?;
        for t in &mut years {
            t.label = t.label_in(name);
        }
        self.series.retain(|s| s.name != name);
        self.series.push(Series {
            name: name.to_owned(),
            years,
        });
        self.reindex();
        Ok(())
    }

    /// Adds a rule set. With `by_date` it takes over the months it covers (the latest added wins), otherwise it is
    /// only used when picked by name (a proposal to simulate).
    pub fn add_rule_set(&mut self, rule_set: RuleSet, by_date: bool) {
        self.rule_sets.retain(|(r, _)| r.name != rule_set.name);
        self.rule_sets.push((rule_set, by_date));
        self.reindex();
    }

    /// The rule set in force for a month with its table for the month's year: the bulk path (an index lookup for
    /// the years the tables cover, a search otherwise). `None` when there is no rule set or no table.
    #[inline]
    pub fn resolve(&self, month: Month) -> Option<(&RuleSet, &YearTable)> {
        let i = usize::try_from(month.index().wrapping_sub(self.by_month_base)).unwrap_or(usize::MAX);
        match self.by_month.get(i) {
            Some(Some((r, t))) => {
                let (rs, _) = self.rule_sets.get(usize::from(*r))?;
                Some((rs, self.flat.get(usize::from(*t))?))
            }
            Some(None) => None,
            None => {
                let (r, s, y) = self.resolve_slow(month)?;
                let (rs, _) = self.rule_sets.get(r)?;
                Some((rs, self.series.get(s)?.years.get(y)?))
            }
        }
    }

    /// The rule set in force for a month.
    pub fn rule_set_for(&self, month: Month) -> Option<&RuleSet> {
        self.rule_sets
            .iter()
            .rev()
            .find(|(r, by_date)| *by_date && r.covers(month))
            .map(|(r, _)| r)
    }

    /// The law in force on a day: the rule set chosen by date whose months include the day (laws change on the
    /// first of a month, as SoL 2025:400 did on 2025-07-01). Its name and [`Bases`] are what a decision made that
    /// day quotes, whatever month it is for: e.g. `law_on(2025-07-03)` is `sol-2025-400` (bases "SoL 12:…") also
    /// for a decision about June 2025. `None` only for a book with no rule set for that day.
    pub fn law_on(&self, day: crate::Date) -> Option<&RuleSet> {
        self.rule_set_for(day.month())
    }

    /// A rule set by its name.
    pub fn rule_set(&self, name: &str) -> Option<&RuleSet> {
        self.rule_sets
            .iter()
            .find(|(r, _)| r.name == name)
            .map(|(r, _)| r)
    }

    pub fn rule_sets(&self) -> impl Iterator<Item = &RuleSet> {
        self.rule_sets.iter().map(|(r, _)| r)
    }

    /// The year's table of a series.
    pub fn table(&self, series: &str, year: u16) -> Option<&YearTable> {
        year_in(&self.series.iter().find(|s| s.name == series)?.years, year)
    }

    /// Years covered by a series (for error messages).
    pub fn years(&self, series: &str) -> Option<(u16, u16)> {
        let s = self.series.iter().find(|s| s.name == series)?;
        Some((s.years.first()?.year, s.years.last()?.year))
    }
}
