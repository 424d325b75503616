//! Payments in batches. A decided amount is paid exactly once: each payment carries an idempotency key derived from
//! the decision and item, and the store enforces it with unique constraints. A payment can be stopped until its
//! batch is exported. Exporting makes the bank file; the money is paid only when the payment officer records the
//! bank's confirmation of the run (`Paid`), and only then are its applications paid.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::ids::DecisionId;
use norm::Money;

/// The one key under which a decision's item may be paid. The same item always yields the same key, so a retried
/// or replayed batch finds the payment that already exists instead of creating a second one.
pub fn idempotency_key(decision: DecisionId, item_no: i64) -> String {
    format!("decision:{decision}:item:{item_no}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchStatus {
    Open,
    Approved,
    /// The bank file is made and sent: the money has not reached anyone yet.
    Exported,
    /// The bank has confirmed the run: the money is paid.
    Paid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Created and waiting in a batch.
    Pending,
    /// Stopped before export; never paid out.
    Stopped,
    /// Sent to the bank file.
    Exported,
}

impl BatchStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            BatchStatus::Open => "open",
            BatchStatus::Approved => "approved",
            BatchStatus::Exported => "exported",
            BatchStatus::Paid => "paid",
        }
    }

    /// open → approved → exported, nothing else.
    pub fn approve(self) -> Result<BatchStatus, DomainError> {
        match self {
            BatchStatus::Open => Ok(BatchStatus::Approved),
            _ => Err(DomainError::IllegalTransition {
                from: self.as_str(),
                to: "approved",
            }),
        }
    }

    pub fn export(self) -> Result<BatchStatus, DomainError> {
        match self {
            BatchStatus::Approved => Ok(BatchStatus::Exported),
            _ => Err(DomainError::IllegalTransition {
                from: self.as_str(),
                to: "exported",
            }),
        }
    }

    /// exported → paid, when the bank has confirmed the run.
    pub fn confirm_paid(self) -> Result<BatchStatus, DomainError> {
        match self {
            BatchStatus::Exported => Ok(BatchStatus::Paid),
            _ => Err(DomainError::IllegalTransition {
                from: self.as_str(),
                to: "paid",
            }),
        }
    }

    /// Payments may be added only while the batch is open.
    pub const fn accepts_payments(self) -> bool {
        matches!(self, BatchStatus::Open)
    }
}

impl PaymentStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Pending => "pending",
            PaymentStatus::Stopped => "stopped",
            PaymentStatus::Exported => "exported",
        }
    }

    /// Only a pending payment can be stopped: once exported, the money has left.
    pub fn stop(self) -> Result<PaymentStatus, DomainError> {
        match self {
            PaymentStatus::Pending => Ok(PaymentStatus::Stopped),
            _ => Err(DomainError::IllegalTransition {
                from: self.as_str(),
                to: "stopped",
            }),
        }
    }
}

impl FromStr for BatchStatus {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<BatchStatus, DomainError> {
        [
            BatchStatus::Open,
            BatchStatus::Approved,
            BatchStatus::Exported,
            BatchStatus::Paid,
        ]
        .into_iter()
        .find(|b| b.as_str() == s)
        .ok_or(DomainError::Invalid {
            field: "utbetalningsomgång",
            reason: "okänd status",
        })
    }
}

impl FromStr for PaymentStatus {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<PaymentStatus, DomainError> {
        [
            PaymentStatus::Pending,
            PaymentStatus::Stopped,
            PaymentStatus::Exported,
        ]
        .into_iter()
        .find(|b| b.as_str() == s)
        .ok_or(DomainError::Invalid {
            field: "utbetalning",
            reason: "okänd status",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_and_payments_move_one_way() {
        let b = BatchStatus::Open.approve().unwrap();
        assert!(!b.accepts_payments());
        assert_eq!(b.export().unwrap(), BatchStatus::Exported);
        assert!(BatchStatus::Open.export().is_err());
        assert!(BatchStatus::Exported.approve().is_err());
        // Paid only after export, once.
        assert_eq!(BatchStatus::Exported.confirm_paid().unwrap(), BatchStatus::Paid);
        assert!(BatchStatus::Approved.confirm_paid().is_err());
        assert!(BatchStatus::Paid.confirm_paid().is_err());
        assert!(BatchStatus::Paid.export().is_err());
        assert_eq!(PaymentStatus::Pending.stop().unwrap(), PaymentStatus::Stopped);
        assert!(PaymentStatus::Exported.stop().is_err());
        assert!(PaymentStatus::Stopped.stop().is_err());
        assert_eq!(idempotency_key(DecisionId(7), 2), "decision:7:item:2");
        assert_eq!(
            idempotency_key(DecisionId(7), 2),
            idempotency_key(DecisionId(7), 2)
        );
        for s in [
            PaymentStatus::Pending,
            PaymentStatus::Stopped,
            PaymentStatus::Exported,
        ] {
            assert_eq!(s.as_str().parse::<PaymentStatus>().unwrap(), s);
        }
        for s in [
            BatchStatus::Open,
            BatchStatus::Approved,
            BatchStatus::Exported,
            BatchStatus::Paid,
        ] {
            assert_eq!(s.as_str().parse::<BatchStatus>().unwrap(), s);
        }
    }
}

/// Who may approve a payment batch: above `second_person_above`, someone other than the one who prepared it
/// (the four-eyes rule). `None` means no threshold applies (e.g. importing a paid history).
pub fn check_approval(
    prepared_by: &str,
    approved_by: &str,
    total: Money,
    second_person_above: Option<Money>,
) -> Result<(), DomainError> {
    match second_person_above {
        Some(limit) if total > limit && prepared_by == approved_by => Err(DomainError::Invalid {
            field: "attest",
            reason: "omgången är över beloppsgränsen och ska attesteras av en annan person än den som skapade den",
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod four_eyes_tests {
    use super::*;

    #[test]
    fn a_second_person_approves_above_the_limit() {
        let limit = Some(Money::from_ore(10_000_000));
        let big = Money::from_ore(10_000_001);
        let small = Money::from_ore(10_000_000);
        assert!(check_approval("staff:1", "staff:1", big, limit).is_err());
        assert!(check_approval("staff:1", "staff:2", big, limit).is_ok());
        assert!(
            check_approval("staff:1", "staff:1", small, limit).is_ok(),
            "at the limit one person suffices"
        );
        assert!(check_approval("staff:1", "staff:1", big, None).is_ok());
    }
}
