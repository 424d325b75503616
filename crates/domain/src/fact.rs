//! Household facts over two time axes: when a fact was true (validity) and when we recorded it.
//!
//! A *change of circumstances* adds a record with a new validity period: the past stays as it was. A *correction*
//! says we had recorded something wrong: it supersedes an earlier record from the moment the correction is recorded,
//! so "what did we know on 1 March" still answers with the old, wrong value, while "what do we know now" answers
//! with the corrected one. Decisions are reproducible because both questions can be asked.

use jiff::Timestamp;
use jiff::civil::Date;
use norm::Money;
use norm::contract::{IncomeKind, Role};
use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::ids::{FactId, PersonId};

/// When a fact holds: from `from` (inclusive) to `to` (exclusive), or open-ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validity {
    pub from: Date,
    pub to: Option<Date>,
}

impl Validity {
    pub fn new(from: Date, to: Option<Date>) -> Result<Validity, DomainError> {
        if to.is_some_and(|t| t <= from) {
            return Err(DomainError::Validity);
        }
        Ok(Validity { from, to })
    }

    pub fn open(from: Date) -> Validity {
        Validity { from, to: None }
    }

    pub fn contains(&self, d: Date) -> bool {
        self.from <= d && self.to.is_none_or(|t| d < t)
    }
}

/// What a household fact says. The `key` groups records about the same thing, so that a later validity period
/// replaces an earlier one for that thing only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FactValue {
    /// A person belongs to the household in a role.
    Member { person: PersonId, role: Role },
    /// The household lives as a couple (one `adult_couple` norm amount).
    Couple { couple: bool },
    /// Monthly rent.
    Rent { amount: Money },
    /// Monthly household electricity.
    Electricity { amount: Money },
    /// A recurring monthly income of one member.
    Income {
        person: PersonId,
        income: IncomeKind,
        amount: Money,
    },
}

impl FactValue {
    /// The slot this value occupies: one member, one income of one person, the rent...
    pub fn key(&self) -> String {
        match self {
            FactValue::Member { person, .. } => format!("member:{person}"),
            FactValue::Couple { .. } => "couple".to_owned(),
            FactValue::Rent { .. } => "rent".to_owned(),
            FactValue::Electricity { .. } => "electricity".to_owned(),
            FactValue::Income { person, income, .. } => {
                let kind = serde_json::to_value(income)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                format!("income:{person}:{kind}")
            }
        }
    }

    /// The person a fact is about, if any (used for gallring and the audit trail).
    pub fn person(&self) -> Option<PersonId> {
        match self {
            FactValue::Member { person, .. } | FactValue::Income { person, .. } => Some(*person),
            _ => None,
        }
    }

    /// Amounts must not be negative.
    pub fn validate(&self) -> Result<(), DomainError> {
        let amount = match self {
            FactValue::Rent { amount }
            | FactValue::Electricity { amount }
            | FactValue::Income { amount, .. } => Some(*amount),
            _ => None,
        };
        if amount.is_some_and(Money::is_negative) {
            return Err(DomainError::Amount {
                field: "fakta",
                reason: "beloppet får inte vara negativt",
            });
        }
        Ok(())
    }
}

/// One recorded fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactRecord {
    pub id: FactId,
    pub value: FactValue,
    pub valid: Validity,
    pub recorded_at: Timestamp,
    /// Set when this record corrects an earlier one.
    pub corrects: Option<FactId>,
    /// Set when a later correction superseded this record (the correction's `recorded_at`).
    pub superseded_at: Option<Timestamp>,
}

impl FactRecord {
    /// Whether we believed this record at `known_at`.
    pub fn believed_at(&self, known_at: Timestamp) -> bool {
        self.recorded_at <= known_at && self.superseded_at.is_none_or(|s| known_at < s)
    }
}

/// The household's facts on date `valid_at` as known at instant `known_at`: for each key, the believed record
/// whose validity contains the date; if several do, the one with the latest start (a newer change of
/// circumstances), then the latest recorded.
pub fn as_of(records: &[FactRecord], valid_at: Date, known_at: Timestamp) -> Vec<&FactRecord> {
    let mut best: std::collections::BTreeMap<String, &FactRecord> = std::collections::BTreeMap::new();
    for r in records
        .iter()
        .filter(|r| r.believed_at(known_at) && r.valid.contains(valid_at))
    {
        let key = r.value.key();
        let replace = best
            .get(&key)
            .is_none_or(|cur| (r.valid.from, r.recorded_at) > (cur.valid.from, cur.recorded_at));
        if replace {
            best.insert(key, r);
        }
    }
    best.into_values().collect()
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn rent(id: i64, kr: i64, from: Date, recorded: &str) -> FactRecord {
        FactRecord {
            id: FactId(id),
            value: FactValue::Rent {
                amount: Money::from_kronor(kr).unwrap(),
            },
            valid: Validity::open(from),
            recorded_at: ts(recorded),
            corrects: None,
            superseded_at: None,
        }
    }

    fn rent_on(records: &[FactRecord], d: Date, known: &str) -> Option<i64> {
        as_of(records, d, ts(known))
            .into_iter()
            .find_map(|r| match r.value {
                FactValue::Rent { amount } => Some(amount.ore() / 100),
                _ => None,
            })
    }

    #[test]
    fn a_change_of_circumstances_keeps_the_past() {
        let records = vec![
            rent(1, 7000, date(2026, 1, 1), "2026-01-05T10:00:00Z"),
            rent(2, 7500, date(2026, 4, 1), "2026-03-20T10:00:00Z"),
        ];
        assert_eq!(
            rent_on(&records, date(2026, 2, 1), "2026-05-01T00:00:00Z"),
            Some(7000)
        );
        assert_eq!(
            rent_on(&records, date(2026, 4, 1), "2026-05-01T00:00:00Z"),
            Some(7500)
        );
        // Before we learned about the rise, April looked like 7000.
        assert_eq!(
            rent_on(&records, date(2026, 4, 1), "2026-03-01T00:00:00Z"),
            Some(7000)
        );
    }

    #[test]
    fn a_correction_changes_what_we_know_not_what_we_knew() {
        let mut records = vec![rent(1, 7000, date(2026, 1, 1), "2026-01-05T10:00:00Z")];
        // On 10 Feb we learn the rent was 6800 all along.
        records[0].superseded_at = Some(ts("2026-02-10T09:00:00Z"));
        let mut fixed = rent(2, 6800, date(2026, 1, 1), "2026-02-10T09:00:00Z");
        fixed.corrects = Some(FactId(1));
        records.push(fixed);
        assert_eq!(
            rent_on(&records, date(2026, 1, 15), "2026-02-01T00:00:00Z"),
            Some(7000)
        );
        assert_eq!(
            rent_on(&records, date(2026, 1, 15), "2026-02-11T00:00:00Z"),
            Some(6800)
        );
        assert_eq!(
            rent_on(&records, date(2025, 12, 31), "2026-02-11T00:00:00Z"),
            None
        );
    }

    #[test]
    fn validity_and_amounts_are_checked() {
        assert_eq!(
            Validity::new(date(2026, 2, 1), Some(date(2026, 2, 1))),
            Err(DomainError::Validity)
        );
        let v = Validity::new(date(2026, 2, 1), Some(date(2026, 3, 1))).unwrap();
        assert!(v.contains(date(2026, 2, 28)) && !v.contains(date(2026, 3, 1)));
        assert!(
            FactValue::Rent {
                amount: Money::from_ore(-1)
            }
            .validate()
            .is_err()
        );
        let income = FactValue::Income {
            person: PersonId(3),
            income: IncomeKind::Salary,
            amount: Money::from_ore(100),
        };
        assert_eq!(income.key(), "income:3:salary");
        assert_eq!(income.person(), Some(PersonId(3)));
    }
}
