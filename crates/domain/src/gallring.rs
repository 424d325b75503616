//! Gallring (SoL 16 kap., earlier 12 kap.): a person's records are deleted five years after the last note, unless
//! they are kept for research (persons born on the 5th, 15th or 25th of a month, as most municipalities do) or
//! other live data about the person remain. What counts as live is decided by the store (it knows the data); this
//! module holds the date rules, the logs' own retention rule, and what a gallrad household's months keep for
//! statistics (its size and type, never who was in it).

use jiff::Span;
use jiff::civil::Date;
use norm::contract::Role;
use serde::Deserialize;

/// Years after the last note before the records are deleted.
pub const RETENTION_YEARS: i64 = 5;

/// Days of birth whose records are kept for research.
pub const RESEARCH_BIRTH_DAYS: [i8; 3] = [5, 15, 25];

/// Whether a person born on `birth` belongs to the research sample (for a samordningsnummer, the real day).
pub fn is_research_sample(birth: Date) -> bool {
    RESEARCH_BIRTH_DAYS.contains(&birth.day())
}

/// Whether records whose last note was made on `last_note` are due for deletion on `on`: on or after the fifth
/// anniversary of the note.
pub fn is_due(last_note: Date, on: Date) -> bool {
    last_note
        .checked_add(Span::new().years(RETENTION_YEARS))
        .is_ok_and(|due| on >= due)
}

/// Years a log record about a gallrad person is kept before its content is removed, unless configured otherwise:
/// as long as the case file itself, so that a complaint about who read the file can still be looked into.
pub const DEFAULT_LOG_RETENTION_YEARS: i64 = 5;

/// The first day whose log records are still kept when the logs are gallrad on `on` with `years` of retention:
/// records from before that day lose their content. `None` when `years` is negative or the date is out of range.
pub fn log_cutoff(on: Date, years: i64) -> Option<Date> {
    if years < 0 {
        return None;
    }
    on.checked_sub(Span::new().years(years)).ok()
}

/// What a household's month keeps for statistics once its case file is gallrad: how many adults and children.
/// Enough for "households with assistance" per month and year, long-term assistance and amounts per household type;
/// nothing about who they were.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HouseholdShape {
    pub adults: i64,
    pub children: i64,
}

/// The household types of the statistics: by the number of adults and whether there are children. Gender and
/// marital status are not kept (they would come from the personnummer and the facts, which go).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HouseholdType {
    OneAdult,
    OneAdultWithChildren,
    TwoOrMoreAdults,
    TwoOrMoreAdultsWithChildren,
    /// No adult recorded (only children, or nobody): kept so that no month disappears from the counts.
    Other,
}

impl HouseholdType {
    pub fn as_str(self) -> &'static str {
        match self {
            HouseholdType::OneAdult => "one_adult",
            HouseholdType::OneAdultWithChildren => "one_adult_with_children",
            HouseholdType::TwoOrMoreAdults => "two_or_more_adults",
            HouseholdType::TwoOrMoreAdultsWithChildren => "two_or_more_adults_with_children",
            HouseholdType::Other => "other",
        }
    }
}

/// Just the members' roles of a declaration or a frozen calculation's input (everything else is ignored).
#[derive(Deserialize)]
struct MembersOnly {
    members: Vec<RoleOnly>,
}

#[derive(Deserialize)]
struct RoleOnly {
    role: Role,
}

#[derive(Deserialize)]
struct FrozenOnly {
    request: MembersOnly,
}

impl HouseholdShape {
    pub fn from_roles(roles: impl IntoIterator<Item = Role>) -> HouseholdShape {
        roles.into_iter().fold(HouseholdShape::default(), |mut s, r| {
            match r {
                Role::Adult => s.adults += 1,
                Role::Child => s.children += 1,
            }
            s
        })
    }

    /// The shape of a stored declaration (calc-contract request JSON) or frozen calculation (its `request`);
    /// `None` when the text is neither.
    pub fn from_stored_json(text: &str) -> Option<HouseholdShape> {
        let members = serde_json::from_str::<FrozenOnly>(text)
            .map(|f| f.request)
            .or_else(|_| serde_json::from_str::<MembersOnly>(text))
            .ok()?;
        Some(HouseholdShape::from_roles(
            members.members.into_iter().map(|m| m.role),
        ))
    }

    pub fn household_type(self) -> HouseholdType {
        match (self.adults, self.children > 0) {
            (0, _) => HouseholdType::Other,
            (1, false) => HouseholdType::OneAdult,
            (1, true) => HouseholdType::OneAdultWithChildren,
            (_, false) => HouseholdType::TwoOrMoreAdults,
            (_, true) => HouseholdType::TwoOrMoreAdultsWithChildren,
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn five_years_after_the_last_note() {
        assert!(!is_due(date(2021, 3, 15), date(2026, 3, 14)));
        assert!(is_due(date(2021, 3, 15), date(2026, 3, 15)));
        // Leap day: the anniversary in a common year is 28 February (jiff clamps).
        assert!(is_due(date(2020, 2, 29), date(2025, 2, 28)));
        assert!(is_research_sample(date(1980, 1, 5)));
        assert!(is_research_sample(date(1980, 1, 15)));
        assert!(is_research_sample(date(1980, 1, 25)));
        assert!(!is_research_sample(date(1980, 1, 6)));
    }

    #[test]
    fn the_logs_cutoff_is_the_retention_before_the_day() {
        assert_eq!(log_cutoff(date(2026, 3, 15), 5), Some(date(2021, 3, 15)));
        assert_eq!(log_cutoff(date(2026, 3, 15), 0), Some(date(2026, 3, 15)));
        assert_eq!(log_cutoff(date(2026, 3, 15), -1), None);
    }

    #[test]
    fn a_household_keeps_its_size_and_type_only() {
        // A frozen calculation: the request's two adults and one child; the other fields are ignored.
        let frozen = r#"{"request":{"month":"2026-03","members":[{"id":"a","role":"adult","age":40},
            {"id":"b","role":"adult","age":38},{"id":"c","role":"child","age":7}]},"response":{},"rule_table":"x"}"#;
        let shape = HouseholdShape::from_stored_json(frozen);
        assert_eq!(
            shape,
            Some(HouseholdShape {
                adults: 2,
                children: 1
            })
        );
        assert_eq!(
            shape.map(HouseholdShape::household_type),
            Some(HouseholdType::TwoOrMoreAdultsWithChildren)
        );
        // A declaration is the request itself.
        let declaration = r#"{"month":"2026-03","members":[{"id":"a","role":"adult","age":40}]}"#;
        assert_eq!(
            HouseholdShape::from_stored_json(declaration).map(HouseholdShape::household_type),
            Some(HouseholdType::OneAdult)
        );
        assert_eq!(HouseholdShape::from_stored_json("{}"), None);
        assert_eq!(HouseholdShape::default().household_type(), HouseholdType::Other);
        assert_eq!(
            HouseholdShape {
                adults: 1,
                children: 2
            }
            .household_type(),
            HouseholdType::OneAdultWithChildren
        );
    }
}
