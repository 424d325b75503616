//! Återkrav (SoL 33 kap.): claims for wrongly paid assistance, repayments and waivers (eftergift).
//!
//! The outstanding balance is the claim minus repayments minus waivers; neither may take it below zero.

use norm::Money;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimEvent {
    Repayment(Money),
    Waiver(Money),
}

/// The outstanding balance of a claim after `events`, refusing any event that is not positive or exceeds what is
/// still owed.
pub fn outstanding(claim: Money, events: &[ClaimEvent]) -> Result<Money, DomainError> {
    if claim <= Money::ZERO {
        return Err(DomainError::Amount {
            field: "återkrav",
            reason: "beloppet ska vara större än noll",
        });
    }
    events.iter().try_fold(claim, |left, e| apply(left, *e))
}

/// The balance after one more event.
pub fn apply(left: Money, event: ClaimEvent) -> Result<Money, DomainError> {
    let (ClaimEvent::Repayment(amount) | ClaimEvent::Waiver(amount)) = event;
    if amount <= Money::ZERO {
        return Err(DomainError::Amount {
            field: "återbetalning",
            reason: "beloppet ska vara större än noll",
        });
    }
    if amount > left {
        return Err(DomainError::Amount {
            field: "återbetalning",
            reason: "beloppet är större än skulden",
        });
    }
    left.checked_sub(amount).map_err(|_| DomainError::Amount {
        field: "återkrav",
        reason: "beloppet är för stort",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kr(n: i64) -> Money {
        Money::from_kronor(n).unwrap()
    }

    #[test]
    fn repayments_and_waivers_reduce_the_balance() {
        let events = [ClaimEvent::Repayment(kr(300)), ClaimEvent::Waiver(kr(200))];
        assert_eq!(outstanding(kr(1000), &events).unwrap(), kr(500));
        assert_eq!(outstanding(kr(500), &events).unwrap(), Money::ZERO);
        assert!(outstanding(kr(400), &events).is_err());
        assert!(outstanding(Money::ZERO, &[]).is_err());
        assert!(apply(kr(100), ClaimEvent::Repayment(kr(-1))).is_err());
        assert!(apply(kr(100), ClaimEvent::Waiver(Money::ZERO)).is_err());
    }
}
