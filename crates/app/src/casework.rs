//! The caseworker's writes from the household page and the work queue: follow-ups (bevakningar), journal notes, and
//! forwarding an appeal to the förvaltningsrätt. Each checks the permission and the household's unit and grants
//! before anything is written; the store audits the change in the same transaction.

use domain::follow_up::{self, FollowUpReason};
use domain::journal::NoteKind;
use domain::{AppealId, DomainError, FollowUpId, HouseholdId, NoteId, PersonId};
use jiff::civil::Date;
use store::{AppealView, FollowUpView, FollowUps, Store, StoreError, Worklists};

use crate::access::{Actor, Permission};
use crate::service::{App, AppError};

impl App {
    /// A new follow-up of the household, due on `due_on` (today or later, within two years).
    pub async fn create_follow_up(
        &self,
        actor: &Actor,
        household: HouseholdId,
        due_on: Date,
        reason: &str,
    ) -> Result<FollowUpView, AppError> {
        let page = format!("hushall/{household}");
        let (ctx, _) = self
            .household_checked(actor, household, &page, Permission::EditCase)
            .await?;
        let today = ctx.at.to_zoned(jiff::tz::TimeZone::UTC).date();
        let reason = FollowUpReason::new(reason).map_err(invalid)?;
        let due_on = follow_up::check_due(due_on, today).map_err(invalid)?;
        Ok(self
            .store
            .create_follow_up(&ctx, household, due_on, &reason)
            .await?)
    }

    /// Marks a follow-up done.
    pub async fn complete_follow_up(&self, actor: &Actor, id: FollowUpId) -> Result<FollowUpView, AppError> {
        let access = match self.store.follow_up_household(id).await {
            Ok(household) => self.store.household_access(household).await,
            Err(e) => Err(e),
        };
        let (ctx, _) = self
            .access_checked(actor, &format!("bevakning/{id}"), Permission::EditCase, access)
            .await?;
        Ok(self.store.complete_follow_up(&ctx, id).await?)
    }

    /// A journal note about one of the persons who have been members of the household.
    pub async fn add_journal_note(
        &self,
        actor: &Actor,
        household: HouseholdId,
        person: PersonId,
        text: &str,
    ) -> Result<NoteId, AppError> {
        let page = format!("hushall/{household}");
        let (ctx, access) = self
            .household_checked(actor, household, &page, Permission::EditCase)
            .await?;
        if !access.is_some_and(|a| a.persons.contains(&person)) {
            return Err(AppError::Invalid {
                field: "person",
                reason: "välj en person i hushållet".to_owned(),
            });
        }
        match self
            .store
            .append_journal(&ctx, person, NoteKind::Note, text)
            .await
        {
            Err(StoreError::Domain(e)) => Err(invalid(e)),
            other => Ok(other?),
        }
    }

    /// Forwards an appeal that was in time to the förvaltningsrätt (FL 46 §).
    pub async fn forward_appeal(&self, actor: &Actor, appeal: AppealId) -> Result<AppealView, AppError> {
        let access = self.store.appeal_access(appeal).await;
        let (ctx, _) = self
            .access_checked(
                actor,
                &format!("overklagande/{appeal}"),
                Permission::Decide,
                access,
            )
            .await?;
        match self.store.forward_appeal(&ctx, appeal).await {
            Err(StoreError::Domain(DomainError::IllegalTransition { .. })) => Err(AppError::Invalid {
                field: "overklagande",
                reason: "överklagandet kan inte överlämnas i sitt nuvarande skede".to_owned(),
            }),
            other => Ok(other?),
        }
    }
}

/// A domain refusal of form input, as the field error the page shows.
fn invalid(e: DomainError) -> AppError {
    match e {
        DomainError::Invalid { field, reason } => AppError::Invalid {
            field,
            reason: reason.to_owned(),
        },
        other => AppError::Invalid {
            field: "formulär",
            reason: other.to_string(),
        },
    }
}
