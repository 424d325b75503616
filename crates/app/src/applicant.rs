//! What an applicant reads: the months in which they belonged to a household (their applications and decisions,
//! with the names of that month's members), their own letters and their own attachments; never the caseworker's
//! case file. Every page reads the applicant's view (`store::ApplicantViews`), whose read-log record lists exactly
//! what it returned.

use domain::DecisionId;
use store::{ApplicantScope, ApplicantView, ApplicantViews};

use crate::access::{Actor, Denied, Permission};
use crate::service::{App, AppError};

pub use store::{ApplicantMonth, MonthMember};

impl App {
    /// *Mina sidor*: the months in which the applicant belonged to a household, earliest first, each with its
    /// application, decisions and who were members that month (a member with protected identity masked unless it
    /// is the applicant), and the attachments the applicant sent with them. A former member keeps their own months;
    /// a new member sees nothing from before they joined.
    pub async fn my_pages(&self, actor: &Actor) -> Result<ApplicantView, AppError> {
        actor.require(Permission::ApplyOwn)?;
        let person = actor.person.ok_or(Denied::Role)?;
        let ctx = self.audit_ctx(actor, "mina-sidor");
        Ok(self
            .store
            .applicant_view(&ctx, person, ApplicantScope::Everything)
            .await?)
    }

    /// Whether the applicant may read a decision: only if they were a member of its household during the month it
    /// is for (`domain::membership::member_during`). A decision that does not exist is refused the same way, so
    /// that an applicant cannot learn which decisions exist. Reads ids and dates only; not audited.
    pub(crate) async fn applicant_may_read_decision(
        &self,
        actor: &Actor,
        decision: DecisionId,
    ) -> Result<Result<(), Denied>, AppError> {
        let Some(person) = actor.person else {
            return Ok(Err(Denied::Role));
        };
        match self.store.decision_membership(person, decision).await {
            Ok(access) if access.member() => Ok(Ok(())),
            Ok(_) | Err(store::StoreError::NotFound { .. }) => Ok(Err(Denied::Role)),
            Err(e) => Err(e.into()),
        }
    }

    /// The applicant's view for one decision's letter (the decision, its month's adults, the unit and who decided),
    /// read after the decision itself has been checked and read.
    pub(crate) async fn applicant_letter_view(
        &self,
        actor: &Actor,
        decision: DecisionId,
        page: &str,
    ) -> Result<ApplicantView, AppError> {
        let person = actor.person.ok_or(Denied::Role)?;
        let ctx = self.audit_ctx(actor, page);
        Ok(self
            .store
            .applicant_view(&ctx, person, ApplicantScope::Decision(decision))
            .await?)
    }
}
