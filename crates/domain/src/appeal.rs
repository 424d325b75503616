//! Appeals (överklagande, SoL 35:1, FL 44-46 §§): the three-week limit counted from the day the person was served
//! the decision, reconsideration by the board, forwarding to the förvaltningsrätt, and the court's outcome.

use std::str::FromStr;

use jiff::Span;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::calendar::next_working_day;
use crate::error::DomainError;

/// The last day an appeal may reach the board: three weeks (21 days) after the day the decision was served,
/// moved to the next working day when that day is a weekend or holiday (lag 1930:173). An appeal received on the
/// last day is in time.
pub fn appeal_deadline(served_on: Date) -> Option<Date> {
    served_on
        .checked_add(Span::new().days(21))
        .ok()
        .map(next_working_day)
}

/// How many days the board gives itself to reconsider an appeal in time or forward it to the förvaltningsrätt.
/// FL 46 § says only "skyndsamt" (promptly); a week is the board's own routine, shown in the work queue as the date to
/// act by, not a statutory limit.
pub const FORWARD_WITHIN_DAYS: i64 = 7;

/// The day by which an appeal received on `received_on` should have been reconsidered or forwarded.
pub fn forward_by(received_on: Date) -> Option<Date> {
    received_on
        .checked_add(Span::new().days(FORWARD_WITHIN_DAYS))
        .ok()
}

/// Whether an appeal received on `received_on` is in time for a decision served on `served_on`.
pub fn is_in_time(served_on: Date, received_on: Date) -> bool {
    appeal_deadline(served_on).is_some_and(|last| received_on <= last)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CourtOutcome {
    /// The court rejects the appeal: the decision stands.
    Avslag,
    /// The court changes the decision: the board makes a new decision accordingly.
    Andrat,
    /// The court sends the case back (återförvisar): the board decides again.
    Aterforvisat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealStatus {
    Received,
    /// Checked and in time.
    InTime,
    /// Arrived too late: dismissed (avvisat).
    DismissedLate,
    /// The board changed its decision as asked (FL 46 §): the appeal lapses, a new decision exists.
    Reconsidered,
    ForwardedToCourt,
    Judged(CourtOutcome),
}

impl AppealStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AppealStatus::Received => "received",
            AppealStatus::InTime => "in_time",
            AppealStatus::DismissedLate => "dismissed_late",
            AppealStatus::Reconsidered => "reconsidered",
            AppealStatus::ForwardedToCourt => "forwarded_to_court",
            AppealStatus::Judged(CourtOutcome::Avslag) => "judged_avslag",
            AppealStatus::Judged(CourtOutcome::Andrat) => "judged_andrat",
            AppealStatus::Judged(CourtOutcome::Aterforvisat) => "judged_aterforvisat",
        }
    }

    /// The first step: check the time limit.
    pub fn check_time(self, served_on: Date, received_on: Date) -> Result<AppealStatus, DomainError> {
        match self {
            AppealStatus::Received if is_in_time(served_on, received_on) => Ok(AppealStatus::InTime),
            AppealStatus::Received => Ok(AppealStatus::DismissedLate),
            _ => Err(DomainError::IllegalTransition {
                from: self.as_str(),
                to: "in_time",
            }),
        }
    }

    /// The board changes its decision as the person asked; only after the time check.
    pub fn reconsider(self) -> Result<AppealStatus, DomainError> {
        match self {
            AppealStatus::InTime => Ok(AppealStatus::Reconsidered),
            _ => Err(DomainError::IllegalTransition {
                from: self.as_str(),
                to: "reconsidered",
            }),
        }
    }

    pub fn forward(self) -> Result<AppealStatus, DomainError> {
        match self {
            AppealStatus::InTime => Ok(AppealStatus::ForwardedToCourt),
            _ => Err(DomainError::IllegalTransition {
                from: self.as_str(),
                to: "forwarded_to_court",
            }),
        }
    }

    pub fn judge(self, outcome: CourtOutcome) -> Result<AppealStatus, DomainError> {
        match self {
            AppealStatus::ForwardedToCourt => Ok(AppealStatus::Judged(outcome)),
            _ => Err(DomainError::IllegalTransition {
                from: self.as_str(),
                to: "judged",
            }),
        }
    }

    /// Whether the outcome obliges the board to make a new decision that replaces the appealed one.
    pub const fn needs_new_decision(self) -> bool {
        matches!(
            self,
            AppealStatus::Reconsidered
                | AppealStatus::Judged(CourtOutcome::Andrat | CourtOutcome::Aterforvisat)
        )
    }

    /// Still being handled (live data for gallring).
    pub const fn is_open(self) -> bool {
        matches!(
            self,
            AppealStatus::Received | AppealStatus::InTime | AppealStatus::ForwardedToCourt
        )
    }
}

impl FromStr for AppealStatus {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<AppealStatus, DomainError> {
        use AppealStatus as A;
        [
            A::Received,
            A::InTime,
            A::DismissedLate,
            A::Reconsidered,
            A::ForwardedToCourt,
            A::Judged(CourtOutcome::Avslag),
            A::Judged(CourtOutcome::Andrat),
            A::Judged(CourtOutcome::Aterforvisat),
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
        .ok_or(DomainError::Invalid {
            field: "överklagande",
            reason: "okänd status",
        })
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn day_21_is_in_time_day_22_is_not() {
        // Served Monday 2026-03-02; day 21 is Monday 2026-03-23.
        let served = date(2026, 3, 2);
        assert_eq!(appeal_deadline(served), Some(date(2026, 3, 23)));
        assert!(is_in_time(served, date(2026, 3, 23)));
        assert!(!is_in_time(served, date(2026, 3, 24)));
        assert!(is_in_time(served, served));
    }

    #[test]
    fn a_deadline_on_a_weekend_or_holiday_moves_to_the_next_working_day() {
        // Served Saturday 2026-03-07: day 21 is Saturday 03-28, so Monday 03-30 is still in time.
        assert_eq!(appeal_deadline(date(2026, 3, 7)), Some(date(2026, 3, 30)));
        // Served 2026-12-03: day 21 is Christmas eve (Thursday); 25-27 are holidays/weekend; Monday 28th.
        assert_eq!(appeal_deadline(date(2026, 12, 3)), Some(date(2026, 12, 28)));
    }

    #[test]
    fn an_appeal_is_to_be_forwarded_within_a_week_of_arriving() {
        assert_eq!(forward_by(date(2026, 3, 10)), Some(date(2026, 3, 17)));
        assert_eq!(forward_by(date(2026, 12, 28)), Some(date(2027, 1, 4)));
    }

    #[test]
    fn the_appeal_lifecycle() {
        let served = date(2026, 3, 2);
        let late = AppealStatus::Received
            .check_time(served, date(2026, 4, 1))
            .unwrap();
        assert_eq!(late, AppealStatus::DismissedLate);
        assert!(late.forward().is_err() && !late.is_open());
        let ok = AppealStatus::Received
            .check_time(served, date(2026, 3, 10))
            .unwrap();
        assert_eq!(ok, AppealStatus::InTime);
        assert!(ok.reconsider().unwrap().needs_new_decision());
        let judged = ok.forward().unwrap().judge(CourtOutcome::Andrat).unwrap();
        assert!(judged.needs_new_decision() && !judged.is_open());
        assert!(
            !ok.forward()
                .unwrap()
                .judge(CourtOutcome::Avslag)
                .unwrap()
                .needs_new_decision()
        );
        assert!(AppealStatus::Received.forward().is_err());
        assert!(ok.check_time(served, served).is_err());
        assert_eq!("judged_andrat".parse::<AppealStatus>().unwrap(), judged);
    }
}
