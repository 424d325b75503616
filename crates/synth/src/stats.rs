//! The figures the generator is calibrated against, computed from the stored history (domain README §7, §9).

use std::collections::{BTreeMap, BTreeSet};

use norm::Month;

use crate::model::{Municipality, PersonId};

/// Monthly long-term threshold: at least this many months with assistance during a calendar year (README §7).
pub const LONG_TERM_MONTHS: u32 = 10;

impl Municipality {
    /// Households with assistance, month by month (every month of the period, zeros included).
    pub fn monthly_stock(&self) -> BTreeMap<Month, u32> {
        let mut out = BTreeMap::new();
        let mut m = self.config.first_month;
        while m <= self.config.last_month {
            out.insert(m, 0);
            match m.next() {
                Some(n) => m = n,
                None => break,
            }
        }
        for case in &self.cases {
            for rec in &case.months {
                if let Some(n) = out.get_mut(&rec.month) {
                    *n += 1;
                }
            }
        }
        out
    }

    /// Spells starting in each month of the period (new and returning households).
    pub fn monthly_inflow(&self) -> BTreeMap<Month, u32> {
        let mut out: BTreeMap<Month, u32> = self.monthly_stock().keys().map(|m| (*m, 0)).collect();
        for case in &self.cases {
            for spell in &case.spells {
                if let Some(n) = out.get_mut(&spell.start) {
                    *n += 1;
                }
            }
        }
        out
    }

    /// Per calendar year: (households with assistance at some time, total household-months).
    pub fn household_years(&self) -> BTreeMap<u16, (u32, u32)> {
        let mut out: BTreeMap<u16, (u32, u32)> = BTreeMap::new();
        for case in &self.cases {
            let mut per_year: BTreeMap<u16, u32> = BTreeMap::new();
            for rec in &case.months {
                *per_year.entry(rec.month.year()).or_default() += 1;
            }
            for (year, months) in per_year {
                let e = out.entry(year).or_default();
                e.0 += 1;
                e.1 += months;
            }
        }
        out
    }

    /// Mean months with assistance per household and calendar year (README §7: about 6.5 in Sweden).
    pub fn mean_months_per_household_year(&self, year: u16) -> Option<f64> {
        let (households, months) = *self.household_years().get(&year)?;
        (households > 0).then(|| f64::from(months) / f64::from(households))
    }

    /// Share of adults with assistance during `year` who had it in at least [`LONG_TERM_MONTHS`] months of it
    /// (README §7: about 40 % in Sweden).
    pub fn long_term_share(&self, year: u16) -> Option<f64> {
        let mut months: BTreeMap<PersonId, u32> = BTreeMap::new();
        for case in &self.cases {
            for rec in case.months.iter().filter(|r| r.month.year() == year) {
                let adults: BTreeSet<PersonId> = rec.adults.iter().map(|a| a.person).collect();
                for p in adults {
                    *months.entry(p).or_default() += 1;
                }
            }
        }
        let all = months.len();
        let long = months.values().filter(|m| **m >= LONG_TERM_MONTHS).count();
        (all > 0).then(|| long as f64 / all as f64)
    }
}
