//! Municipal guidelines: dated, optional parameters such as a rent ceiling by household size.
//!
//! They are not law: when a cost exceeds a configured ceiling the engine accepts the ceiling, says so on the line,
//! and asks the caseworker (a finding) to check whether special reasons justify the full cost.

use serde::{Deserialize, Serialize};

use crate::{Money, Month};

/// The municipality's guideline parameters. The default is none at all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guidelines {
    #[serde(default)]
    pub rent_ceilings: Vec<RentCeiling>,
}

/// A rent ceiling valid for a span of months, by household size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RentCeiling {
    /// Name of the decision it comes from, quoted on the line (e.g. "Riktlinjer ekonomiskt bistånd 2026").
    pub name: String,
    pub from: Month,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Month>,
    /// Ceiling in whole kronor for 1, 2, 3, ... persons; the last entry applies to all larger households.
    pub by_size_kronor: Vec<i64>,
}

/// A guideline could not be used: bad configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("guidelines: {0}")]
pub struct GuidelineError(pub String);

impl Guidelines {
    pub fn none() -> Guidelines {
        Guidelines::default()
    }

    /// Checks amounts and overlaps once, when the configuration is loaded.
    pub fn validate(&self) -> Result<(), GuidelineError> {
        for (i, c) in self.rent_ceilings.iter().enumerate() {
            if c.by_size_kronor.is_empty() {
                return Err(GuidelineError(format!(
                    "rent_ceilings[{i}].by_size_kronor must not be empty"
                )));
            }
            if c.by_size_kronor
                .iter()
                .any(|k| *k < 0 || Money::from_kronor(*k).is_err())
            {
                return Err(GuidelineError(format!(
                    "rent_ceilings[{i}].by_size_kronor must be non-negative kronor"
                )));
            }
            if c.until.is_some_and(|u| u < c.from) {
                return Err(GuidelineError(format!("rent_ceilings[{i}].until is before from")));
            }
            for (j, d) in self.rent_ceilings.iter().enumerate().skip(i + 1) {
                let end = |r: &RentCeiling| r.until.unwrap_or(Month::MAX);
                if c.from <= end(d) && d.from <= end(c) {
                    return Err(GuidelineError(format!("rent_ceilings[{i}] and [{j}] overlap")));
                }
            }
        }
        Ok(())
    }

    /// The rent ceiling for a month and household size, with the guideline's name.
    #[inline]
    pub fn rent_ceiling(&self, month: Month, size: usize) -> Option<(&str, Money)> {
        if self.rent_ceilings.is_empty() {
            return None;
        }
        let c = self
            .rent_ceilings
            .iter()
            .find(|c| c.from <= month && c.until.is_none_or(|u| month <= u))?;
        let k = c
            .by_size_kronor
            .get(size.saturating_sub(1))
            .or_else(|| c.by_size_kronor.last())?;
        Some((c.name.as_str(), Money::from_kronor(*k).ok()?))
    }
}
