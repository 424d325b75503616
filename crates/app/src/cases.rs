//! Caseworker use cases: the work queue and the household page, with unit and protected-identity checks before
//! any personal data is read.

use domain::HouseholdId;
use store::{HouseholdOverview, QueueItem, Store, Worklists};

use crate::access::{Actor, Denied, Permission};
use crate::service::{App, AppError};

/// Shown instead of the name of a person with protected identity to someone without a grant.
pub const PROTECTED_NAME: &str = "Skyddad identitet";

/// How many open applications one queue page shows.
pub const QUEUE_LIMIT: i64 = 200;

impl App {
    /// Open applications in the actor's units, oldest first. Names of protected persons are masked unless the
    /// actor has a grant for that person.
    pub async fn work_queue(&self, actor: &Actor) -> Result<Vec<QueueItem>, AppError> {
        let ctx = self.audit_ctx(actor, "arenden");
        if let Err(denied) = actor.require(Permission::ReadCase) {
            self.store.record_denied(&ctx, "arenden", None).await?;
            return Err(denied.into());
        }
        let units: Vec<_> = actor.units.iter().copied().collect();
        let mut items = self.store.work_queue(&ctx, &units, QUEUE_LIMIT).await?;
        for item in &mut items {
            for (person, name, protected) in &mut item.members {
                if *protected && !actor.protected_grants.contains(person) {
                    *name = PROTECTED_NAME.to_owned();
                }
            }
        }
        Ok(items)
    }

    /// The household page: members, and month by month the applications with their decisions. Refused access is
    /// recorded for the auditors and reveals nothing about the household.
    pub async fn household(
        &self,
        actor: &Actor,
        household: HouseholdId,
    ) -> Result<HouseholdOverview, AppError> {
        let page = format!("hushall/{household}");
        let ctx = self.audit_ctx(actor, &page);
        let check = match self.store.household_access(household).await {
            Ok(access) => actor.may_read_household(access.unit, &access.protected_members),
            // Someone without the right to read cases must not learn whether a household exists.
            Err(store::StoreError::NotFound { .. }) if actor.require(Permission::ReadCase).is_err() => {
                Err(Denied::Role)
            }
            Err(e) => return Err(e.into()),
        };
        if let Err(denied) = check {
            self.store.record_denied(&ctx, &page, None).await?;
            return Err(denied.into());
        }
        let today = ctx.at.to_zoned(jiff::tz::TimeZone::UTC).date();
        Ok(self.store.household_overview(&ctx, household, today).await?)
    }
}
