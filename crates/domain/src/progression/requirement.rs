//! The activity requirement as a dated, switchable rule: the municipality's activity guarantee (from 2024-01-01) and
//! the proposed national aktivitetskrav (from 2026-07-01, domain README §6). Both say the same thing: once a
//! household has been on assistance for [`AFTER_CONSECUTIVE_MONTHS`] consecutive months, each adult should normally
//! have full-time activities ([`FULL_TIME_HOURS`] a week). The product never acts on it by itself: it *flags* the
//! adults whose open plan's running activities add up to less, so that a coach or caseworker can see to it.
//!
//! Definitions (the figures on the queue and the workload page state them):
//! - a month *on assistance* is a calendar month for which the household's application has a current decision
//!   granting more than 0 kr;
//! - the *consecutive months* on a day are the longest run of such months ending with the day's month or the month
//!   before it (the current month's application is often still undecided: that does not break the run);
//! - an adult's *weekly hours* on a day are the hours a week of their open plan's activities running that day (no
//!   open plan: 0 hours).

use jiff::civil::Date;
use norm::Month;
use serde::{Deserialize, Serialize};

pub use super::plan::FULL_TIME_HOURS;

/// Months on assistance after which the requirement applies (both rules).
pub const AFTER_CONSECUTIVE_MONTHS: u8 = 3;

/// Which rule a flag comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequirementKind {
    /// The municipality's own promise of an activity for every recipient (2024).
    ActivityGuarantee,
    /// The proposed national aktivitetskrav (from 2026-07-01; status uncertain, so switchable).
    Aktivitetskrav,
}

impl RequirementKind {
    pub const fn label_sv(self) -> &'static str {
        match self {
            RequirementKind::ActivityGuarantee => "Kommunens aktivitetsgaranti",
            RequirementKind::Aktivitetskrav => "Aktivitetskravet (föreslaget)",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            RequirementKind::ActivityGuarantee => "The municipality's activity guarantee",
            RequirementKind::Aktivitetskrav => "The activity requirement (proposed)",
        }
    }
}

/// One rule: in force from `from` (and until `until`, inclusive, when given).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirementRule {
    pub kind: RequirementKind,
    pub from: Date,
    pub until: Option<Date>,
    pub after_consecutive_months: u8,
    pub full_time_hours: u8,
}

impl RequirementRule {
    /// The municipality's activity guarantee, from 2024-01-01.
    pub const fn activity_guarantee() -> RequirementRule {
        RequirementRule {
            kind: RequirementKind::ActivityGuarantee,
            from: jiff::civil::date(2024, 1, 1),
            until: None,
            after_consecutive_months: AFTER_CONSECUTIVE_MONTHS,
            full_time_hours: FULL_TIME_HOURS,
        }
    }

    /// The proposed national aktivitetskrav, from 2026-07-01.
    pub const fn aktivitetskrav() -> RequirementRule {
        RequirementRule {
            kind: RequirementKind::Aktivitetskrav,
            from: jiff::civil::date(2026, 7, 1),
            until: None,
            after_consecutive_months: AFTER_CONSECUTIVE_MONTHS,
            full_time_hours: FULL_TIME_HOURS,
        }
    }

    pub fn in_force(&self, day: Date) -> bool {
        self.from <= day && self.until.is_none_or(|u| day <= u)
    }

    /// Whether this rule flags an adult on `day`: in force, the household's run of months on assistance long
    /// enough, the adult's weekly hours below full time.
    pub fn flags(&self, day: Date, consecutive_months: u32, weekly_hours: u32) -> bool {
        self.in_force(day)
            && consecutive_months >= u32::from(self.after_consecutive_months)
            && weekly_hours < u32::from(self.full_time_hours)
    }
}

/// The rules switched on in the municipality's configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirements {
    pub rules: Vec<RequirementRule>,
}

impl Requirements {
    /// The two rules, each on or off.
    pub fn configured(activity_guarantee: bool, aktivitetskrav: bool) -> Requirements {
        let mut rules = Vec::new();
        if activity_guarantee {
            rules.push(RequirementRule::activity_guarantee());
        }
        if aktivitetskrav {
            rules.push(RequirementRule::aktivitetskrav());
        }
        Requirements { rules }
    }

    /// The rules in force on `day`.
    pub fn in_force(&self, day: Date) -> Vec<RequirementRule> {
        self.rules.iter().copied().filter(|r| r.in_force(day)).collect()
    }

    /// The rules that flag an adult on `day` (empty: not flagged).
    pub fn flagged_by(&self, day: Date, consecutive_months: u32, weekly_hours: u32) -> Vec<RequirementKind> {
        self.rules
            .iter()
            .filter(|r| r.flags(day, consecutive_months, weekly_hours))
            .map(|r| r.kind)
            .collect()
    }

    /// The distinct (months, hours) thresholds of the rules in force on `day`: what a query must test.
    pub fn thresholds(&self, day: Date) -> Vec<(u8, u8)> {
        let mut t: Vec<(u8, u8)> = self
            .in_force(day)
            .iter()
            .map(|r| (r.after_consecutive_months, r.full_time_hours))
            .collect();
        t.sort_unstable();
        t.dedup();
        t
    }
}

/// The month a day falls in.
pub fn month_of(day: Date) -> Option<Month> {
    let year = u16::try_from(day.year()).ok()?;
    let month = u8::try_from(day.month()).ok()?;
    Month::new(year, month).ok()
}

/// The consecutive months on assistance on `day` (see the module's definitions), from the months with a granted
/// decision.
pub fn consecutive_months(granted: &std::collections::BTreeSet<Month>, day: Date) -> u32 {
    let Some(current) = month_of(day) else {
        return 0;
    };
    let start = if granted.contains(&current) {
        Some(current)
    } else {
        current.prev().filter(|m| granted.contains(m))
    };
    let mut n = 0;
    let mut at = start;
    while let Some(m) = at.filter(|m| granted.contains(m)) {
        n += 1;
        at = m.prev();
    }
    n
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use jiff::civil::date;

    use super::*;

    fn months(list: &[(u16, u8)]) -> BTreeSet<Month> {
        list.iter().map(|(y, m)| Month::new(*y, *m).unwrap()).collect()
    }

    #[test]
    fn the_run_ends_with_this_month_or_the_month_before() {
        let day = date(2026, 12, 3);
        // Sep, Oct, Nov granted; December not yet decided: 3 (the run ends with the month before).
        assert_eq!(
            consecutive_months(&months(&[(2026, 9), (2026, 10), (2026, 11)]), day),
            3
        );
        // Oct, Nov, Dec: 3, ending with this month.
        assert_eq!(
            consecutive_months(&months(&[(2026, 10), (2026, 11), (2026, 12)]), day),
            3
        );
        // Only Oct and Nov: 2. A gap (Aug, Oct, Nov) is still 2.
        assert_eq!(consecutive_months(&months(&[(2026, 10), (2026, 11)]), day), 2);
        assert_eq!(
            consecutive_months(&months(&[(2026, 8), (2026, 10), (2026, 11)]), day),
            2
        );
        // Sep, Oct granted but not November: the household left assistance; nothing ends with Nov or Dec: 0.
        assert_eq!(consecutive_months(&months(&[(2026, 9), (2026, 10)]), day), 0);
        // Over the turn of the year: Nov 2026 - Jan 2027 on 2027-01-15 is 3.
        assert_eq!(
            consecutive_months(&months(&[(2026, 11), (2026, 12), (2027, 1)]), date(2027, 1, 15)),
            3
        );
    }

    #[test]
    fn three_months_and_under_forty_hours_are_flagged_while_a_rule_is_in_force() {
        let both = Requirements::configured(true, true);
        let day = date(2026, 12, 3);
        // Boundaries worked by hand: 2 months is not yet, 3 is; 39 hours is under full time, 40 is not.
        assert!(both.flagged_by(day, 2, 0).is_empty());
        assert_eq!(
            both.flagged_by(day, 3, 39),
            [
                RequirementKind::ActivityGuarantee,
                RequirementKind::Aktivitetskrav
            ]
        );
        assert!(both.flagged_by(day, 3, 40).is_empty());
        assert!(both.flagged_by(day, 12, 40).is_empty());
        // The national rule before its start date (2026-06-30): only the guarantee flags.
        assert_eq!(
            both.flagged_by(date(2026, 6, 30), 3, 20),
            [RequirementKind::ActivityGuarantee]
        );
        assert_eq!(
            both.flagged_by(date(2026, 7, 1), 3, 20),
            [
                RequirementKind::ActivityGuarantee,
                RequirementKind::Aktivitetskrav
            ]
        );
        // The guarantee before 2024-01-01: nothing in force.
        assert!(both.flagged_by(date(2023, 12, 31), 6, 0).is_empty());
        // A rule switched off never flags.
        let none = Requirements::configured(false, false);
        assert!(none.flagged_by(day, 3, 0).is_empty());
        assert!(none.thresholds(day).is_empty());
        let national = Requirements::configured(false, true);
        assert!(national.flagged_by(date(2026, 6, 30), 3, 0).is_empty());
        assert_eq!(national.flagged_by(day, 3, 0), [RequirementKind::Aktivitetskrav]);
        // Both rules in force with the same thresholds: one test for a query.
        assert_eq!(both.thresholds(day), [(3, 40)]);
        // An end date: in force through it, not after.
        let ended = RequirementRule {
            until: Some(date(2026, 12, 31)),
            ..RequirementRule::activity_guarantee()
        };
        assert!(ended.flags(date(2026, 12, 31), 3, 0) && !ended.flags(date(2027, 1, 1), 3, 0));
    }
}
