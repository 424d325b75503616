//! Follow-ups (bevakningar) of a household: created with a due date and a reason, marked done once. Both are
//! audited; the reason is free text and never enters the audit detail or a log.

use std::future::Future;

use domain::follow_up::FollowUpReason;
use domain::{Actor, FollowUpId, HouseholdId};
use jiff::civil::Date;
use serde_json::json;
use sqlx::Row;

use crate::error::{Result, StoreError};
use crate::model::{FollowUpView, NewFollowUp};
use crate::packed::Columns;
use crate::sql::{SqlStore, Tx, date_text, from_micros, micros, parse_date, require};

pub(crate) const FOLLOW_UP_NAMES: [&str; 8] = [
    "id",
    "household_id",
    "due_on",
    "reason",
    "created_by",
    "created_at",
    "done_by",
    "done_at",
];

pub(crate) fn follow_up_from_row(r: &impl Columns) -> Result<FollowUpView> {
    let done = match (r.opt_text("done_by")?, r.opt_int("done_at")?) {
        (Some(who), Some(at)) => Some((who, from_micros(at)?)),
        _ => None,
    };
    Ok(FollowUpView {
        id: FollowUpId(r.int("id")?),
        household: HouseholdId(r.int("household_id")?),
        due_on: parse_date(&r.text("due_on")?)?,
        reason: r.text("reason")?,
        created_by: r.text("created_by")?,
        created_at: from_micros(r.int("created_at")?)?,
        done,
    })
}

pub trait FollowUps: Send + Sync {
    /// A new open follow-up of the household (the caller has checked the date against today).
    fn create_follow_up(
        &self,
        actor: &Actor,
        household: HouseholdId,
        due_on: Date,
        reason: &FollowUpReason,
    ) -> impl Future<Output = Result<FollowUpView>> + Send;
    /// Many follow-ups in one transaction (a history brought in from elsewhere): all are created, or none.
    fn create_follow_ups(
        &self,
        items: &[NewFollowUp],
    ) -> impl Future<Output = Result<Vec<FollowUpId>>> + Send;
    /// Marks an open follow-up done; one already done is a conflict and changes nothing.
    fn complete_follow_up(
        &self,
        actor: &Actor,
        follow_up: FollowUpId,
    ) -> impl Future<Output = Result<FollowUpView>> + Send;
    /// The household a follow-up belongs to (an id only: what a permission check needs, not audited).
    fn follow_up_household(&self, follow_up: FollowUpId) -> impl Future<Output = Result<HouseholdId>> + Send;
}

impl FollowUps for SqlStore {
    async fn create_follow_up(
        &self,
        actor: &Actor,
        household: HouseholdId,
        due_on: Date,
        reason: &FollowUpReason,
    ) -> Result<FollowUpView> {
        let mut tx = self.begin().await?;
        let id = insert_follow_up(&mut tx, actor, household, due_on, reason).await?;
        tx.commit().await?;
        Ok(FollowUpView {
            id,
            household,
            due_on,
            reason: reason.as_str().to_owned(),
            created_by: actor.who.to_string(),
            created_at: actor.at,
            done: None,
        })
    }

    async fn create_follow_ups(&self, items: &[NewFollowUp]) -> Result<Vec<FollowUpId>> {
        let mut tx = self.begin().await?;
        let mut ids = Vec::with_capacity(items.len());
        for f in items {
            ids.push(insert_follow_up(&mut tx, &f.actor, f.household, f.due_on, &f.reason).await?);
        }
        tx.commit().await?;
        Ok(ids)
    }

    async fn complete_follow_up(&self, actor: &Actor, follow_up: FollowUpId) -> Result<FollowUpView> {
        let mut tx = self.begin().await?;
        let done =
            sqlx::query("UPDATE follow_ups SET done_by = $1, done_at = $2 WHERE id = $3 AND done_at IS NULL")
                .bind(actor.who.to_string())
                .bind(micros(actor.at))
                .bind(follow_up.get())
                .execute(tx.conn())
                .await?;
        if done.rows_affected() != 1 {
            require(tx.conn(), "follow_ups", "bevakning", follow_up.get()).await?;
            return Err(StoreError::Conflict("bevakningen är redan klarmarkerad"));
        }
        let sql = format!(
            "SELECT {} FROM follow_ups WHERE id = $1",
            FOLLOW_UP_NAMES.join(", ")
        );
        let view = follow_up_from_row(
            &sqlx::query(&sql)
                .bind(follow_up.get())
                .fetch_one(tx.conn())
                .await?,
        )?;
        tx.audit(
            actor,
            "follow_up.done",
            None,
            json!({ "household": view.household, "follow_up": follow_up }),
        )
        .await?;
        tx.commit().await?;
        Ok(view)
    }

    async fn follow_up_household(&self, follow_up: FollowUpId) -> Result<HouseholdId> {
        let row = sqlx::query("SELECT household_id FROM follow_ups WHERE id = $1")
            .bind(follow_up.get())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound {
                what: "bevakning",
                id: follow_up.get(),
            })?;
        Ok(HouseholdId(row.try_get("household_id")?))
    }
}

async fn insert_follow_up(
    tx: &mut Tx,
    actor: &Actor,
    household: HouseholdId,
    due_on: Date,
    reason: &FollowUpReason,
) -> Result<FollowUpId> {
    require(tx.conn(), "households", "hushåll", household.get()).await?;
    let row = sqlx::query(
        "INSERT INTO follow_ups (household_id, due_on, reason, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(household.get())
    .bind(date_text(due_on))
    .bind(reason.as_str().to_owned())
    .bind(actor.who.to_string())
    .bind(micros(actor.at))
    .fetch_one(tx.conn())
    .await?;
    let id = FollowUpId(row.try_get("id")?);
    tx.audit(
        actor,
        "follow_up.create",
        None,
        json!({ "household": household, "follow_up": id, "due_on": date_text(due_on) }),
    )
    .await?;
    Ok(id)
}
