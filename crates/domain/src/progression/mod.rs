//! Step progression (stegförflyttning): the ladder an adult on assistance climbs towards their own income, the
//! assessments that place them on it, their individual plan with activities and weekly attendance, sanction
//! proposals under 12 kap. 5 § SoL, and exits with their reason.
//!
//! Where a person stands is never stored as a "current step": it is the step of their latest assessment on a day
//! ([`ladder::step_on`]), so every figure can be recomputed for any earlier day. A person is *on the ladder* from an
//! assessment until their next exit; an assessment after an exit starts a new period (a re-entry, [`exit`]).

pub mod analysis;
pub mod assessment;
pub mod exit;
pub mod hinder;
pub mod ladder;
pub mod plan;
pub mod requirement;
pub mod sanction;

pub use assessment::{Assessment, LifeArea, ObstacleLevel};
pub use exit::{ExitReason, Reentry};
pub use hinder::Forsorjningshinder;
pub use ladder::{Ladder, LadderStep, LadderVersion, StepNo};
pub use plan::{Absence, ActivityKind, ActivityPlan, AttendanceWeek, FULL_TIME_HOURS};
pub use requirement::{RequirementKind, RequirementRule, Requirements};
pub use sanction::{SanctionGround, SanctionOutcome, SanctionStatus};
