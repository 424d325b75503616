//! Typed ids: an `ApplicationId` can never be passed where a `DecisionId` is expected.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    )*};
}

id_type!(
    /// A person known to the board (applicant, partner, child, other household member).
    PersonId,
    /// A household: the unit that applies and is decided for.
    HouseholdId,
    /// An organisation unit (e.g. a team of caseworkers).
    UnitId,
    /// A member of staff.
    StaffId,
    /// One household's application for one month.
    ApplicationId,
    /// A decision (beslut); a changed decision is a new one that replaces the old.
    DecisionId,
    /// One payment of one decided item.
    PaymentId,
    /// A payment batch (utbetalningsomgång).
    BatchId,
    /// An appeal (överklagande) of a decision.
    AppealId,
    /// An återkrav claim.
    ClaimId,
    /// A journal note.
    NoteId,
    /// An attached document.
    DocumentId,
    /// A recorded household fact (one row of the bitemporal history).
    FactId,
    /// A follow-up (bevakning): something to look at again by a date.
    FollowUpId,
    /// A version of the ladder (stegmodell): the steps in force from a date.
    LadderVersionId,
    /// An assessment of an adult's step and obstacles.
    AssessmentId,
    /// An adult's individual plan (planering mot självförsörjning).
    PlanId,
    /// An activity of a plan.
    ActivityId,
    /// An adult's exit from the ladder (and from assistance), with its reason.
    ExitId,
    /// A job coach's proposal to reduce or refuse assistance under 12 kap. 5 § SoL.
    SanctionId,
);
