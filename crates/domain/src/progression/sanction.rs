//! Sanctions under 12 kap. 5 § SoL: when an adult is absent without an acceptable reason or refuses an activity, the
//! coach may *propose* that continued försörjningsstöd be reduced or refused. Only a caseworker decides, as an item of
//! a decision with reasons and appeal instructions, or dismisses the proposal with a reason. Never an automatic cut.

use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// What the proposal rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SanctionGround {
    /// Absent without an acceptable reason.
    UnexcusedAbsence,
    /// Refused an offered activity.
    Refusal,
}

impl SanctionGround {
    pub const ALL: [SanctionGround; 2] = [SanctionGround::UnexcusedAbsence, SanctionGround::Refusal];

    pub const fn as_str(self) -> &'static str {
        match self {
            SanctionGround::UnexcusedAbsence => "unexcused_absence",
            SanctionGround::Refusal => "refusal",
        }
    }

    pub fn parse(code: &str) -> Option<SanctionGround> {
        SanctionGround::ALL.into_iter().find(|g| g.as_str() == code)
    }

    pub const fn label_sv(self) -> &'static str {
        match self {
            SanctionGround::UnexcusedAbsence => "Frånvaro utan godtagbart skäl",
            SanctionGround::Refusal => "Avböjt erbjuden aktivitet",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            SanctionGround::UnexcusedAbsence => "Absence without acceptable reason",
            SanctionGround::Refusal => "Refused an offered activity",
        }
    }
}

/// What the caseworker decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SanctionOutcome {
    /// Continued försörjningsstöd reduced (a 12 kap. 5 § reduction item).
    Reduce,
    /// Continued försörjningsstöd refused for the month.
    Refuse,
    /// Not imposed: the caseworker found an acceptable reason or the ground did not hold.
    Dismiss,
}

impl SanctionOutcome {
    pub const ALL: [SanctionOutcome; 3] = [
        SanctionOutcome::Reduce,
        SanctionOutcome::Refuse,
        SanctionOutcome::Dismiss,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            SanctionOutcome::Reduce => "reduce",
            SanctionOutcome::Refuse => "refuse",
            SanctionOutcome::Dismiss => "dismiss",
        }
    }

    pub fn parse(code: &str) -> Option<SanctionOutcome> {
        SanctionOutcome::ALL.into_iter().find(|o| o.as_str() == code)
    }
}

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SanctionStatus {
    Proposed,
    Decided(SanctionOutcome),
}

impl SanctionStatus {
    /// A proposal is decided once; deciding it again is refused.
    pub fn decide(self, outcome: SanctionOutcome) -> Result<SanctionStatus, DomainError> {
        match self {
            SanctionStatus::Proposed => Ok(SanctionStatus::Decided(outcome)),
            SanctionStatus::Decided(_) => Err(DomainError::IllegalTransition {
                from: "avgjort förslag",
                to: "avgjort igen",
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proposal_is_decided_once() {
        let decided = SanctionStatus::Proposed
            .decide(SanctionOutcome::Reduce)
            .expect("first");
        assert_eq!(decided, SanctionStatus::Decided(SanctionOutcome::Reduce));
        assert!(decided.decide(SanctionOutcome::Dismiss).is_err());
        for g in SanctionGround::ALL {
            assert_eq!(SanctionGround::parse(g.as_str()), Some(g));
        }
        for o in SanctionOutcome::ALL {
            assert_eq!(SanctionOutcome::parse(o.as_str()), Some(o));
        }
    }
}
