//! Omprövning and the förvaltningsrätt as the caseworker works with them: reconsidering the board's own or an
//! appealed decision (FL 37-39, 45 §§), the appeal's page with what was forwarded to the court, recording the court's
//! judgment and carrying it out. Reads need `ReadCase`, changes `Decide`; both within the household's unit and
//! grants, refusals audited; the store writes the audit records in the change's transaction.

use domain::appeal::{AppealMet, Change};
use domain::decision::DecisionItem;
use domain::{AppealId, DecisionId, DomainError};
use store::{
    AppealCase, AppealView, ApplicationView, DecisionView, Intake, Judgment, Reconsider, Reconsideration,
    Store, StoreError, Worklists,
};

use crate::access::{Actor, Permission};
use crate::service::{App, AppError};

/// A decision as the reconsideration form shows it: the decision, its application (for the version to send back)
/// and its appeals.
#[derive(Debug, Clone)]
pub struct ReconsiderationCase {
    pub decision: DecisionView,
    pub application: ApplicationView,
    pub appeals: Vec<AppealView>,
}

impl ReconsiderationCase {
    /// The appeal waiting for the board against this decision, whose handling the change has to state.
    pub fn waiting_appeal(&self) -> Option<&AppealView> {
        self.appeals.iter().find(|a| {
            a.target() == self.decision.id
                && matches!(
                    a.status,
                    domain::appeal::AppealStatus::Received | domain::appeal::AppealStatus::InTime
                )
        })
    }
}

/// What the caseworker asks for when reconsidering.
#[derive(Clone)]
pub struct ReconsiderRequest {
    pub expected_version: i64,
    /// The new items: the old decision's items in the same order, each with its new outcome, amount and reasons.
    pub items: Vec<DecisionItem>,
    pub change: Change,
    pub appeal: Option<(AppealId, AppealMet)>,
}

/// Never prints the reasons (free text must not reach logs).
impl std::fmt::Debug for ReconsiderRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReconsiderRequest")
            .field("expected_version", &self.expected_version)
            .field("appeal", &self.appeal)
            .finish_non_exhaustive()
    }
}

impl App {
    /// The decision with what reconsidering it needs (an audited read; `Decide` is required, as for the change).
    pub async fn reconsideration_case(
        &self,
        actor: &Actor,
        decision: DecisionId,
    ) -> Result<ReconsiderationCase, AppError> {
        let ctx = self
            .decision_checked_for(actor, decision, Permission::Decide)
            .await?;
        let view = self.store.decision(&ctx, decision).await?;
        let application = self.store.application(&ctx, view.application).await?;
        let appeals = self.store.appeals_of(decision).await?;
        Ok(ReconsiderationCase {
            decision: view,
            application,
            appeals,
        })
    }

    /// Omprövning: a new decision replacing `decision` (see [`store::Reconsideration::reconsider`]).
    pub async fn reconsider(
        &self,
        actor: &Actor,
        decision: DecisionId,
        request: ReconsiderRequest,
    ) -> Result<(DecisionView, Option<AppealView>), AppError> {
        let ctx = self
            .decision_checked_for(actor, decision, Permission::Decide)
            .await?;
        let r = Reconsider {
            decision,
            expected_version: request.expected_version,
            items: request.items,
            change: request.change,
            appeal: request.appeal,
        };
        self.store
            .reconsider(&ctx, &r)
            .await
            .map_err(|e| form_error(e, "met", "överklagandet kan inte omprövas i sitt nuvarande skede"))
    }

    /// The appeal's page: the appeal, the decisions, what was forwarded, the judgment (an audited read).
    pub async fn appeal_case(&self, actor: &Actor, appeal: AppealId) -> Result<AppealCase, AppError> {
        let ctx = self.appeal_checked(actor, appeal, Permission::ReadCase).await?;
        Ok(self.store.appeal_case(&ctx, appeal).await?)
    }

    /// Records the förvaltningsrätt's judgment on a forwarded appeal.
    pub async fn record_judgment(
        &self,
        actor: &Actor,
        appeal: AppealId,
        judgment: &Judgment,
    ) -> Result<AppealView, AppError> {
        let ctx = self.appeal_checked(actor, appeal, Permission::Decide).await?;
        self.store
            .record_judgment(&ctx, appeal, judgment)
            .await
            .map_err(|e| {
                form_error(
                    e,
                    "outcome",
                    "en dom kan bara registreras en gång, på ett överklagande som har överlämnats",
                )
            })
    }

    /// Carries out a judgment that changes the decision or sends the case back: a new decision with the court's
    /// amounts, replacing the application's current decision.
    pub async fn carry_out_judgment(
        &self,
        actor: &Actor,
        appeal: AppealId,
        expected_version: i64,
        items: Vec<DecisionItem>,
        reasons: &str,
    ) -> Result<(DecisionView, AppealView), AppError> {
        let ctx = self.appeal_checked(actor, appeal, Permission::Decide).await?;
        self.store
            .carry_out_judgment(&ctx, appeal, expected_version, items, reasons)
            .await
            .map_err(|e| form_error(e, "items", "domen kan inte verkställas i sitt nuvarande skede"))
    }

    async fn appeal_checked(
        &self,
        actor: &Actor,
        appeal: AppealId,
        permission: Permission,
    ) -> Result<domain::Actor, AppError> {
        let access = self.store.appeal_access(appeal).await;
        let (ctx, _) = self
            .access_checked(actor, &format!("overklagande/{appeal}"), permission, access)
            .await?;
        Ok(ctx)
    }

    async fn decision_checked_for(
        &self,
        actor: &Actor,
        decision: DecisionId,
        permission: Permission,
    ) -> Result<domain::Actor, AppError> {
        let access = self.store.decision_access(decision).await;
        let (ctx, _) = self
            .access_checked(actor, &format!("beslut/{decision}/omprova"), permission, access)
            .await?;
        Ok(ctx)
    }
}

/// A refusal of form input as the field error the page shows: the rule's field and message; an illegal step of
/// the appeal's lifecycle as `transition_field` with `transition_reason`; an item's amount or reasons as `items`.
fn form_error(e: StoreError, transition_field: &'static str, transition_reason: &str) -> AppError {
    match e {
        StoreError::Domain(DomainError::Invalid { field, reason }) => AppError::Invalid {
            field: match field {
                "beslutspunkt" | "motivering" | "lagrum" | "beslut" => "items",
                other => other,
            },
            reason: reason.to_owned(),
        },
        StoreError::Domain(DomainError::Amount { reason, .. }) => AppError::Invalid {
            field: "items",
            reason: reason.to_owned(),
        },
        StoreError::Domain(DomainError::IllegalTransition { .. }) => AppError::Invalid {
            field: transition_field,
            reason: transition_reason.to_owned(),
        },
        other => other.into(),
    }
}
