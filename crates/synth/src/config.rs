//! What to generate: town size, seed, the months covered, the unemployment series and the caseload dynamics.

use std::collections::BTreeMap;

use norm::Month;
use serde::{Deserialize, Serialize};

/// Everything that determines a synthetic municipality. The same `Config` always gives the same output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Config {
    /// Shown in the product, e.g. "Kristianstad (syntetisk)".
    pub name: String,
    /// Persons listed in the population register (some are born during the period covered).
    pub inhabitants: u32,
    pub seed: u64,
    /// First month with stored assistance records (2021-01: the first year the riksnorm tables cover).
    pub first_month: Month,
    /// The "current month": last month with records. An input, never read from a clock. The engine needs a
    /// riksnorm table for every month from `first_month` to here (today 2021-2026).
    pub last_month: Month,
    /// Registered unemployment that drives the inflow to assistance.
    pub unemployment: UnemploymentSeries,
    pub dynamics: Dynamics,
}

/// Caseload dynamics (domain README §8). Defaults are calibrated so that the default town meets the targets in the
/// crate documentation; change them for scenarios.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dynamics {
    /// Households on assistance in a month per inhabitant, in the steady state at `reference_unemployment`.
    /// Kristianstad: ~750 of 86,500 (domain README §9: 650-800 households a month).
    pub stock_per_inhabitant: f64,
    /// Unemployment (percent) at which the steady-state stock is `stock_per_inhabitant × inhabitants`.
    pub reference_unemployment: f64,
    /// Inflow ∝ (unemployment / reference)^elasticity. No published value fits every period (README §8).
    pub unemployment_elasticity: f64,
    /// Months between a change in unemployment and its effect on inflow.
    pub unemployment_lag_months: u32,
    /// Share of new spells that belong to the fast-exit group.
    pub fast_share: f64,
    /// Monthly exit hazard of the fast group in its first month (README §8: 25-40 %).
    pub fast_exit_hazard: f64,
    /// Monthly exit hazard of the slow group in its first month (README §8: 2-5 %).
    pub slow_exit_hazard: f64,
    /// Duration dependence: the hazard after `d` months is `h × exp(−k × min(d−1, 24) / 12)`, so the chance of
    /// staying rises with time on assistance.
    pub duration_dependence: f64,
    /// Share of entrants who are households that left assistance within the last 12 months.
    pub reentry_share: f64,
    /// Months simulated before `first_month` (not stored) so that the first stored month has a realistic mix of
    /// spell durations.
    pub burn_in_months: u32,
}

/// The defaults were found by running the default town for several seeds (`cargo test -p synth --release --
/// --ignored --nocapture` prints the figures). What they mean together: most entrants (95.5 %) are fast leavers
/// whose spells last about two months; the few slow entrants stay for years and make up most of the monthly
/// stock. This is what the national figures imply: about 40 % long-term with only ~6.5 months per household-year
/// is only possible when a small group stays very long. The fast group's hazard starts at 45 % and is about 40 %
/// on average over its spells (README §8: roughly 25-40 %); the slow group's is 2 %, falling towards 0.9 %.
/// `stock_per_inhabitant` is set a little below the 750 aimed at because the burn-in starts at 2021's higher
/// unemployment, which the slow group remembers for years.
impl Default for Dynamics {
    fn default() -> Dynamics {
        Dynamics {
            stock_per_inhabitant: 700.0 / 86_500.0,
            reference_unemployment: 10.4,
            unemployment_elasticity: 0.8,
            unemployment_lag_months: 2,
            fast_share: 0.955,
            fast_exit_hazard: 0.45,
            slow_exit_hazard: 0.02,
            duration_dependence: 0.8,
            reentry_share: 0.2,
            burn_in_months: 60,
        }
    }
}

/// Registered unemployment in percent, month by month; between points the last value holds, before the first
/// point the first value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnemploymentSeries {
    points: BTreeMap<Month, f64>,
}

impl UnemploymentSeries {
    /// A series from (month, percent) points. Every value must be a finite positive percentage.
    pub fn from_points<I: IntoIterator<Item = (Month, f64)>>(
        points: I,
    ) -> Result<UnemploymentSeries, SynthError> {
        let points: BTreeMap<Month, f64> = points.into_iter().collect();
        if points.is_empty() {
            return Err(SynthError::Unemployment("serien är tom".to_owned()));
        }
        if let Some((m, v)) = points
            .iter()
            .find(|(_, v)| !v.is_finite() || **v <= 0.0 || **v >= 100.0)
        {
            return Err(SynthError::Unemployment(format!(
                "{m}: {v} är ingen andel i procent"
            )));
        }
        Ok(UnemploymentSeries { points })
    }

    /// The same rate every month.
    pub fn constant(percent: f64) -> Result<UnemploymentSeries, SynthError> {
        let start = Month::new(1900, 1).map_err(|e| SynthError::Unemployment(e.to_string()))?;
        UnemploymentSeries::from_points([(start, percent)])
    }

    /// A stylised series for Kristianstad: registered unemployment 16-64 around 11 % in 2021 (README §9:
    /// 9.5-11.7 % in 2019-2022), falling during the 2022 recovery, rising again in the 2023-2025 downturn. Not
    /// official monthly figures: replace with Arbetsförmedlingen's series for real planning.
    pub fn kristianstad() -> UnemploymentSeries {
        const POINTS: &[(u16, u8, f64)] = &[
            (2021, 1, 11.4),
            (2021, 4, 11.2),
            (2021, 7, 10.9),
            (2021, 10, 10.6),
            (2022, 1, 10.3),
            (2022, 4, 10.0),
            (2022, 7, 9.7),
            (2022, 10, 9.6),
            (2023, 1, 9.7),
            (2023, 4, 9.8),
            (2023, 7, 10.0),
            (2023, 10, 10.2),
            (2024, 1, 10.4),
            (2024, 4, 10.6),
            (2024, 7, 10.8),
            (2024, 10, 10.9),
            (2025, 1, 11.0),
            (2025, 4, 11.0),
            (2025, 7, 10.9),
            (2025, 10, 10.8),
            (2026, 1, 10.7),
            (2026, 4, 10.6),
        ];
        let points = POINTS
            .iter()
            .filter_map(|&(y, m, v)| Month::new(y, m).ok().map(|month| (month, v)))
            .collect();
        UnemploymentSeries { points }
    }

    /// Every value multiplied by `factor` (scenarios: "unemployment 20 % higher").
    pub fn scaled(&self, factor: f64) -> Result<UnemploymentSeries, SynthError> {
        UnemploymentSeries::from_points(self.points.iter().map(|(m, v)| (*m, v * factor)))
    }

    /// The rate that applies in `month`.
    pub fn at(&self, month: Month) -> f64 {
        self.points
            .range(..=month)
            .next_back()
            .or_else(|| self.points.iter().next())
            .map_or(0.0, |(_, v)| *v)
    }

    pub fn points(&self) -> impl Iterator<Item = (Month, f64)> + '_ {
        self.points.iter().map(|(m, v)| (*m, *v))
    }
}

impl Config {
    /// The default: a Kristianstad-sized town (86,500 inhabitants, about 40,000 households) with history from
    /// 2021-01 up to `last_month`.
    pub fn kristianstad(last_month: Month) -> Config {
        Config {
            name: "Kristianstad (syntetisk)".to_owned(),
            inhabitants: 86_500,
            seed: 1290,
            first_month: Month::new(2021, 1).unwrap_or(last_month),
            last_month,
            unemployment: UnemploymentSeries::kristianstad(),
            dynamics: Dynamics::default(),
        }
    }

    /// Checks what `generate` relies on.
    pub fn validate(&self) -> Result<(), SynthError> {
        if !(MIN_INHABITANTS..=MAX_INHABITANTS).contains(&self.inhabitants) {
            return Err(SynthError::Inhabitants(self.inhabitants));
        }
        if self.last_month < self.first_month {
            return Err(SynthError::Months {
                first: self.first_month,
                last: self.last_month,
            });
        }
        let d = &self.dynamics;
        let probabilities = [
            ("fast_share", d.fast_share),
            ("fast_exit_hazard", d.fast_exit_hazard),
            ("slow_exit_hazard", d.slow_exit_hazard),
            ("reentry_share", d.reentry_share),
        ];
        for (name, p) in probabilities {
            if !(0.0..=1.0).contains(&p) {
                return Err(SynthError::Dynamics(format!("{name} = {p} ligger inte i 0-1")));
            }
        }
        if d.fast_exit_hazard <= 0.0 || d.slow_exit_hazard <= 0.0 {
            return Err(SynthError::Dynamics(
                "utflödesrisken måste vara större än 0".to_owned(),
            ));
        }
        let positive = [
            ("stock_per_inhabitant", d.stock_per_inhabitant),
            ("reference_unemployment", d.reference_unemployment),
        ];
        for (name, v) in positive {
            if !v.is_finite() || v <= 0.0 || v > 100.0 {
                return Err(SynthError::Dynamics(format!("{name} = {v} måste vara positivt")));
            }
        }
        if d.stock_per_inhabitant > 0.2 {
            return Err(SynthError::Dynamics(
                "stock_per_inhabitant över 0,2 är orimligt".to_owned(),
            ));
        }
        if !d.unemployment_elasticity.is_finite()
            || !(0.0..=5.0).contains(&d.unemployment_elasticity)
            || !d.duration_dependence.is_finite()
            || !(0.0..=5.0).contains(&d.duration_dependence)
        {
            return Err(SynthError::Dynamics(
                "elasticitet och durationsberoende måste ligga i 0-5".to_owned(),
            ));
        }
        if d.burn_in_months > 240 || d.unemployment_lag_months > 36 {
            return Err(SynthError::Dynamics(
                "inkörningsperiod högst 240 månader, fördröjning högst 36".to_owned(),
            ));
        }
        Ok(())
    }
}

pub const MIN_INHABITANTS: u32 = 1_000;
pub const MAX_INHABITANTS: u32 = 1_000_000;

/// A configuration `generate` cannot work with.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SynthError {
    #[error("antal invånare måste vara {MIN_INHABITANTS}-{MAX_INHABITANTS}, fick {0}")]
    Inhabitants(u32),
    #[error("sista månaden {last} ligger före första månaden {first}")]
    Months { first: Month, last: Month },
    #[error("arbetslöshetsserien: {0}")]
    Unemployment(String),
    #[error("dynamiken: {0}")]
    Dynamics(String),
    #[error("ett datum gick inte att bilda: {0}")]
    Date(String),
}
