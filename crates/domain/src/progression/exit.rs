//! Exits from the ladder with their reason, and re-entry: an adult who exits and is assessed again (a new period on
//! the ladder) within 3 or 12 months of the exit has re-entered.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Why an adult left assistance and the ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitReason {
    Work,
    Studies,
    /// Another benefit took over (sickness or activity compensation, pension, unemployment benefit).
    OtherBenefit,
    /// Moved away from the municipality.
    Moved,
    Other,
}

impl ExitReason {
    pub const ALL: [ExitReason; 5] = [
        ExitReason::Work,
        ExitReason::Studies,
        ExitReason::OtherBenefit,
        ExitReason::Moved,
        ExitReason::Other,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ExitReason::Work => "work",
            ExitReason::Studies => "studies",
            ExitReason::OtherBenefit => "other_benefit",
            ExitReason::Moved => "moved",
            ExitReason::Other => "other",
        }
    }

    pub fn parse(code: &str) -> Option<ExitReason> {
        ExitReason::ALL.into_iter().find(|r| r.as_str() == code)
    }

    /// Work and studies are the person's own support: the events "time to self-sufficiency" counts. Another
    /// benefit, a move or an unknown reason ends the observation without it (censored).
    pub const fn is_self_sufficiency(self) -> bool {
        matches!(self, ExitReason::Work | ExitReason::Studies)
    }

    pub const fn label_sv(self) -> &'static str {
        match self {
            ExitReason::Work => "Arbete",
            ExitReason::Studies => "Studier",
            ExitReason::OtherBenefit => "Annan ersättning",
            ExitReason::Moved => "Flyttat",
            ExitReason::Other => "Annat skäl",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            ExitReason::Work => "Work",
            ExitReason::Studies => "Studies",
            ExitReason::OtherBenefit => "Other benefit",
            ExitReason::Moved => "Moved away",
            ExitReason::Other => "Other reason",
        }
    }
}

/// How soon after an exit a person came back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Reentry {
    /// Assessed again on or before the day three calendar months after the exit.
    WithinThreeMonths,
    /// Later than that but on or before the day twelve months after.
    WithinTwelveMonths,
    Later,
}

impl Reentry {
    /// Classifies a return on `back_on` after an exit on `exited_on`; `None` if it is not after the exit.
    pub fn classify(exited_on: Date, back_on: Date) -> Option<Reentry> {
        if back_on <= exited_on {
            return None;
        }
        let months = |n: i64| {
            exited_on
                .checked_add(jiff::Span::new().months(n))
                .unwrap_or(exited_on)
        };
        Some(if back_on <= months(3) {
            Reentry::WithinThreeMonths
        } else if back_on <= months(12) {
            Reentry::WithinTwelveMonths
        } else {
            Reentry::Later
        })
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn reentry_counts_calendar_months_from_the_exit() {
        let exit = date(2026, 1, 31);
        assert_eq!(Reentry::classify(exit, date(2026, 1, 31)), None);
        // 31 January + 3 months is clamped to 30 April.
        assert_eq!(
            Reentry::classify(exit, date(2026, 4, 30)),
            Some(Reentry::WithinThreeMonths)
        );
        assert_eq!(
            Reentry::classify(exit, date(2026, 5, 1)),
            Some(Reentry::WithinTwelveMonths)
        );
        assert_eq!(
            Reentry::classify(exit, date(2027, 1, 31)),
            Some(Reentry::WithinTwelveMonths)
        );
        assert_eq!(Reentry::classify(exit, date(2027, 2, 1)), Some(Reentry::Later));
        for r in ExitReason::ALL {
            assert_eq!(ExitReason::parse(r.as_str()), Some(r));
        }
        assert!(ExitReason::Work.is_self_sufficiency() && !ExitReason::Moved.is_self_sufficiency());
    }
}
