//! Decisions (beslut), item by item, with the calculation frozen as it was when the decision was made.
//!
//! Förvaltningslagen 31-33 §§: a decision is documented, gives reasons and tells the person how to appeal. Every item
//! that is not granted in full is itself appealable, so each item carries its own reasons and legal basis.
//! A decision is never edited: changing it creates a new decision whose `replaces` names the old one.

use std::str::FromStr;

use norm::Money;
use norm::contract::{CalcRequest, CalcResponse};
use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::ids::DecisionId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Bifall,
    DelvisBifall,
    Avslag,
}

impl Outcome {
    /// The decision as a whole: bifall when every item was granted as applied, avslag when every item was
    /// refused, delvis bifall otherwise. `None` for a decision without items.
    pub fn overall(items: impl IntoIterator<Item = Outcome>) -> Option<Outcome> {
        items
            .into_iter()
            .reduce(|a, b| if a == b { a } else { Outcome::DelvisBifall })
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Bifall => "bifall",
            Outcome::DelvisBifall => "delvis_bifall",
            Outcome::Avslag => "avslag",
        }
    }
}

impl FromStr for Outcome {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Outcome, DomainError> {
        [Outcome::Bifall, Outcome::DelvisBifall, Outcome::Avslag]
            .into_iter()
            .find(|o| o.as_str() == s)
            .ok_or(DomainError::Invalid {
                field: "utfall",
                reason: "okänt utfall",
            })
    }
}

/// One item of a decision: what was applied for, what was granted, why, and under which law.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionItem {
    /// What the item is, e.g. "Försörjningsstöd mars 2026" or "Glasögon".
    pub what: String,
    pub outcome: Outcome,
    pub applied: Money,
    pub granted: Money,
    pub reasons: String,
    /// E.g. "SoL 12:1".
    pub legal_basis: String,
}

impl DecisionItem {
    /// Checks the item against its outcome: bifall grants what was applied for, avslag grants nothing, delvis
    /// bifall something in between; amounts are never negative; reasons and legal basis are required (FL 32 §).
    pub fn validate(&self) -> Result<(), DomainError> {
        if self.what.trim().is_empty() {
            return Err(DomainError::Invalid {
                field: "beslutspunkt",
                reason: "saknar beskrivning",
            });
        }
        if self.applied.is_negative() || self.granted.is_negative() {
            return Err(DomainError::Amount {
                field: "beslutspunkt",
                reason: "beloppet får inte vara negativt",
            });
        }
        let ok = match self.outcome {
            Outcome::Bifall => self.granted == self.applied,
            Outcome::DelvisBifall => self.granted > Money::ZERO && self.granted < self.applied,
            Outcome::Avslag => self.granted == Money::ZERO,
        };
        if !ok {
            return Err(DomainError::Amount {
                field: "beslutspunkt",
                reason: "beviljat belopp stämmer inte med utfallet",
            });
        }
        if crate::text::DECISION_REASONS.check(&self.reasons)?.is_empty() {
            return Err(DomainError::Invalid {
                field: "motivering",
                reason: "ett beslut ska motiveras",
            });
        }
        if self.legal_basis.trim().is_empty() {
            return Err(DomainError::Invalid {
                field: "lagrum",
                reason: "lagrum saknas",
            });
        }
        Ok(())
    }
}

/// The calculation exactly as it was run for the decision: input, output and the rule table's name and version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrozenCalculation {
    pub request: CalcRequest,
    pub response: CalcResponse,
    pub rule_table: String,
    pub rule_table_version: String,
}

/// A decision as proposed by a caseworker, validated before anything is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDecision {
    pub items: Vec<DecisionItem>,
    pub calculation: Option<FrozenCalculation>,
    /// The decision this one replaces (reconsideration, court judgment, correction).
    pub replaces: Option<DecisionId>,
}

impl NewDecision {
    pub fn validate(&self) -> Result<(), DomainError> {
        if self.items.is_empty() {
            return Err(DomainError::Invalid {
                field: "beslut",
                reason: "minst en beslutspunkt krävs",
            });
        }
        self.items.iter().try_for_each(DecisionItem::validate)?;
        self.total_granted()?;
        Ok(())
    }

    pub fn total_granted(&self) -> Result<Money, DomainError> {
        Money::checked_sum(self.items.iter().map(|i| i.granted)).map_err(|_| DomainError::Amount {
            field: "beslut",
            reason: "summan är för stor",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_is_bifall_or_avslag_only_when_every_item_is() {
        use Outcome::*;
        assert_eq!(Outcome::overall([Bifall, Bifall]), Some(Bifall));
        assert_eq!(Outcome::overall([Avslag]), Some(Avslag));
        assert_eq!(Outcome::overall([Bifall, Avslag]), Some(DelvisBifall));
        assert_eq!(Outcome::overall([Avslag, Bifall, Avslag]), Some(DelvisBifall));
        assert_eq!(Outcome::overall([DelvisBifall, DelvisBifall]), Some(DelvisBifall));
        assert_eq!(Outcome::overall([]), None);
    }

    pub(crate) fn item(outcome: Outcome, applied: i64, granted: i64) -> DecisionItem {
        DecisionItem {
            what: "Försörjningsstöd".into(),
            outcome,
            applied: Money::from_kronor(applied).unwrap(),
            granted: Money::from_kronor(granted).unwrap(),
            reasons: "Beräknat enligt riksnormen".into(),
            legal_basis: "SoL 12:1".into(),
        }
    }

    #[test]
    fn outcome_and_amount_must_agree() {
        assert!(item(Outcome::Bifall, 100, 100).validate().is_ok());
        assert!(item(Outcome::Bifall, 100, 90).validate().is_err());
        assert!(item(Outcome::DelvisBifall, 100, 90).validate().is_ok());
        assert!(item(Outcome::DelvisBifall, 100, 100).validate().is_err());
        assert!(item(Outcome::DelvisBifall, 100, 0).validate().is_err());
        assert!(item(Outcome::Avslag, 100, 0).validate().is_ok());
        assert!(item(Outcome::Avslag, 100, 1).validate().is_err());
        assert!(item(Outcome::Bifall, -5, -5).validate().is_err());
        let mut no_reason = item(Outcome::Avslag, 100, 0);
        no_reason.reasons = " ".into();
        assert!(no_reason.validate().is_err());
    }

    #[test]
    fn a_decision_needs_items_and_sums_them() {
        let empty = NewDecision {
            items: vec![],
            calculation: None,
            replaces: None,
        };
        assert!(empty.validate().is_err());
        let d = NewDecision {
            items: vec![
                item(Outcome::Bifall, 100, 100),
                item(Outcome::DelvisBifall, 50, 20),
            ],
            calculation: None,
            replaces: Some(DecisionId(4)),
        };
        d.validate().unwrap();
        assert_eq!(d.total_granted().unwrap(), Money::from_kronor(120).unwrap());
        for o in [Outcome::Bifall, Outcome::DelvisBifall, Outcome::Avslag] {
            assert_eq!(o.as_str().parse::<Outcome>().unwrap(), o);
        }
    }
}
