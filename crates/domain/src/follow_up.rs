//! Follow-ups (bevakningar): a caseworker's note to look at a household again by a date — a plan to review, a
//! certificate that runs out, a promised document. Open follow-ups due soon are listed in the work queue.

use jiff::Span;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// The longest reason accepted (characters): a follow-up names what to do, the journal holds the story.
pub const MAX_REASON_CHARS: usize = crate::text::FOLLOW_UP_REASON.max_chars;

/// How far ahead the work queue looks: follow-ups due within this many days (and every overdue one) are listed.
pub const QUEUE_HORIZON_DAYS: i64 = 14;

/// A follow-up's reason, checked: not blank, not longer than [`MAX_REASON_CHARS`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpReason(String);

impl FollowUpReason {
    pub fn new(text: &str) -> Result<FollowUpReason, DomainError> {
        let text = crate::text::FOLLOW_UP_REASON.check(text)?;
        if text.is_empty() {
            return Err(DomainError::Invalid {
                field: "anledning",
                reason: "skriv vad som ska följas upp",
            });
        }
        Ok(FollowUpReason(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks the date a new follow-up is due: not in the past, and within two years (a later date is a typing error
/// more often than a plan).
pub fn check_due(due_on: Date, today: Date) -> Result<Date, DomainError> {
    if due_on < today {
        return Err(DomainError::Invalid {
            field: "datum",
            reason: "datumet har redan passerat",
        });
    }
    let latest = today.checked_add(Span::new().years(2)).unwrap_or(today);
    if due_on > latest {
        return Err(DomainError::Invalid {
            field: "datum",
            reason: "högst två år fram i tiden",
        });
    }
    Ok(due_on)
}

/// The last due date the work queue shows on `today`.
pub fn queue_until(today: Date) -> Date {
    today
        .checked_add(Span::new().days(QUEUE_HORIZON_DAYS))
        .unwrap_or(today)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn a_reason_is_needed_and_kept_short() {
        assert_eq!(
            FollowUpReason::new("  Följ upp planeringen ").unwrap().as_str(),
            "Följ upp planeringen"
        );
        assert!(FollowUpReason::new("   ").is_err());
        assert!(FollowUpReason::new(&"å".repeat(300)).is_ok());
        assert!(FollowUpReason::new(&"å".repeat(301)).is_err());
    }

    #[test]
    fn a_follow_up_is_due_from_today_up_to_two_years_ahead() {
        let today = date(2026, 11, 23);
        assert!(check_due(today, today).is_ok());
        assert!(check_due(date(2026, 11, 22), today).is_err());
        assert!(check_due(date(2028, 11, 23), today).is_ok());
        assert!(check_due(date(2028, 11, 24), today).is_err());
        assert_eq!(queue_until(today), date(2026, 12, 7));
    }
}
