//! Caseworker use cases: the work queue and the household page, with unit and protected-identity checks before
//! any personal data is read.

use domain::follow_up;
use domain::{DecisionId, HouseholdId};
use store::{
    AppealView, DecisionView, HouseholdAccess, HouseholdOverview, Intake, Store, WorkQueue, Worklists,
};

use crate::access::{Actor, Denied, Permission};
use crate::service::{App, AppError};

/// Shown instead of the name of a person with protected identity to someone without a grant.
pub const PROTECTED_NAME: &str = "Skyddad identitet";

/// How many items of each kind (applications, follow-ups, appeals) one queue page shows.
pub const QUEUE_LIMIT: i64 = 200;

impl App {
    /// The actor's work queue: open applications, follow-ups due within [`follow_up::QUEUE_HORIZON_DAYS`] (and
    /// overdue ones), and appeals waiting for the board, in the actor's units. Names of protected persons are
    /// masked unless the actor has a grant for that person.
    pub async fn work_queue(&self, actor: &Actor) -> Result<WorkQueue, AppError> {
        let ctx = self.audit_ctx(actor, "arenden");
        self.enforce(&ctx, "arenden", actor.require(Permission::ReadCase))
            .await?;
        let units: Vec<_> = actor.units.iter().copied().collect();
        let today = ctx.at.to_zoned(jiff::tz::TimeZone::UTC).date();
        let mut queue = self
            .store
            .work_queue(&ctx, &units, QUEUE_LIMIT, follow_up::queue_until(today))
            .await?;
        for (person, name, protected) in queue.members_mut() {
            if *protected && !actor.protected_grants.contains(person) {
                *name = PROTECTED_NAME.to_owned();
            }
        }
        Ok(queue)
    }

    /// The household page: members over time, month by month the applications with their decisions, payments and
    /// appeals, återkrav, journal and follow-ups. Refused access is recorded for the auditors and reveals nothing
    /// about the household.
    pub async fn household(
        &self,
        actor: &Actor,
        household: HouseholdId,
    ) -> Result<HouseholdOverview, AppError> {
        let page = format!("hushall/{household}");
        if actor.require(Permission::ReadCase).is_err() {
            // Refused by role: nothing of the household is read at all; the usual check records the refusal.
            return self
                .household_checked(actor, household, &page, Permission::ReadCase)
                .await
                .and(Err(AppError::Denied(Denied::Role)));
        }
        // The case file and who may read it come from one statement; nothing in it is available until the check
        // has passed and the read is recorded (`Store::open_case_file`).
        let (file, access) = match self.store.read_case_file(household).await {
            Ok(file) => {
                let access = file.access().clone();
                (Some(file), Ok(access))
            }
            Err(e) => (None, Err(e)),
        };
        let (ctx, _) = self
            .access_checked(actor, &page, Permission::ReadCase, access)
            .await?;
        // Without a file the lookup failed, and the check above has already returned that error.
        let file = file.ok_or(AppError::Denied(Denied::Role))?;
        let today = ctx.at.to_zoned(jiff::tz::TimeZone::UTC).date();
        Ok(self.store.open_case_file(&ctx, file, today).await?)
    }

    /// Checks `permission` and that the actor may read the household (unit, grants, or an applicant's own), before
    /// anything personal is read; a refusal is audited. Returns the audit context and the household's access facts.
    pub(crate) async fn household_checked(
        &self,
        actor: &Actor,
        household: HouseholdId,
        page: &str,
        permission: Permission,
    ) -> Result<(domain::Actor, Option<HouseholdAccess>), AppError> {
        self.access_checked(
            actor,
            page,
            permission,
            self.store.household_access(household).await,
        )
        .await
    }

    /// [`App::household_checked`] for access facts the caller has looked up (through a decision, an appeal...).
    pub(crate) async fn access_checked(
        &self,
        actor: &Actor,
        page: &str,
        permission: Permission,
        access: store::Result<HouseholdAccess>,
    ) -> Result<(domain::Actor, Option<HouseholdAccess>), AppError> {
        let ctx = self.audit_ctx(actor, page);
        if let Err(denied) = actor.require(permission) {
            self.enforce(&ctx, page, Err(denied)).await?;
        }
        let (check, found) = self.judge_access(actor, access).await?;
        self.enforce(&ctx, page, check).await?;
        Ok((ctx, found))
    }

    /// The check for a household found (or not) by id, for a use case that records the refusal itself. Someone
    /// without the right to read cases must not learn whether a household or decision exists, so for them "not
    /// found" is a refusal too.
    pub(crate) async fn access_check(
        &self,
        actor: &Actor,
        access: store::Result<HouseholdAccess>,
    ) -> Result<Result<(), Denied>, AppError> {
        Ok(self.judge_access(actor, access).await?.0)
    }

    async fn judge_access(
        &self,
        actor: &Actor,
        access: store::Result<HouseholdAccess>,
    ) -> Result<(Result<(), Denied>, Option<HouseholdAccess>), AppError> {
        match access {
            Ok(access) => Ok((self.may_read(actor, &access).await?, Some(access))),
            Err(store::StoreError::NotFound { .. }) if actor.require(Permission::ReadCase).is_err() => {
                Ok((Err(Denied::Role), None))
            }
            Err(e) => Err(e.into()),
        }
    }
}

impl App {
    /// A decision with its frozen calculation: for staff who may read the household, and for an applicant who is a
    /// member of it. Refusals are audited and say nothing about whether the decision exists.
    pub async fn decision(&self, actor: &Actor, decision: DecisionId) -> Result<DecisionView, AppError> {
        let ctx = self.decision_checked(actor, decision).await?;
        let mut view = self.store.decision(&ctx, decision).await?;
        // Digital delivery: the first time the applicant opens the decision in the e-service, it is served; the
        // three weeks for an appeal run from that day.
        if view.served_on.is_none() && actor.require(Permission::ApplyOwn).is_ok() {
            let today = ctx.at.to_zoned(jiff::tz::TimeZone::UTC).date();
            self.store.serve_decision(&ctx, decision, today).await?;
            view.served_on = Some(today);
        }
        Ok(view)
    }

    /// The appeals of a decision, for whoever may read the decision.
    pub async fn appeals_of(&self, actor: &Actor, decision: DecisionId) -> Result<Vec<AppealView>, AppError> {
        self.decision_checked(actor, decision).await?;
        Ok(self.store.appeals_of(decision).await?)
    }

    /// The applicant appeals their own decision in the e-service, in their own words.
    pub async fn appeal(
        &self,
        actor: &Actor,
        decision: DecisionId,
        grounds: &str,
    ) -> Result<AppealView, AppError> {
        actor.require(Permission::ApplyOwn)?;
        let ctx = self.decision_checked(actor, decision).await?;
        let today = ctx.at.to_zoned(jiff::tz::TimeZone::UTC).date();
        match self.store.appeal_online(&ctx, decision, today, grounds).await {
            Err(store::StoreError::Domain(domain::DomainError::Invalid { field, reason })) => {
                Err(AppError::Invalid {
                    field,
                    reason: reason.to_owned(),
                })
            }
            other => Ok(other?),
        }
    }

    /// Checks that the actor may read the decision (staff by unit and grants, an applicant by membership during the
    /// decision's month, see [`App::applicant_may_read_decision`]); refusals are audited and say nothing about
    /// whether the decision exists.
    async fn decision_checked(&self, actor: &Actor, decision: DecisionId) -> Result<domain::Actor, AppError> {
        let page = format!("beslut/{decision}");
        if actor.require(Permission::ApplyOwn).is_ok() {
            let ctx = self.audit_ctx(actor, &page);
            let check = self.applicant_may_read_decision(actor, decision).await?;
            self.enforce(&ctx, &page, check).await?;
            return Ok(ctx);
        }
        let access = self.store.decision_access(decision).await;
        let (ctx, _) = self
            .access_checked(actor, &page, Permission::ReadCase, access)
            .await?;
        Ok(ctx)
    }

    /// Staff read by unit and grants. An applicant never reads a household as a whole: their pages read the
    /// applicant's view (`App::my_pages`), and a decision is checked by membership during its month.
    async fn may_read(
        &self,
        actor: &Actor,
        access: &HouseholdAccess,
    ) -> Result<Result<(), Denied>, AppError> {
        if actor.require(Permission::ApplyOwn).is_ok() {
            return Ok(Err(Denied::Role));
        }
        Ok(actor.may_read_household(access.unit, &access.protected_members))
    }
}
