//! Reads that the caseworker's pages need and that span households: the work queue, and the access facts a
//! permission check needs before any personal data is read.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

use domain::{Actor, AppealId, ApplicationId, DecisionId, HouseholdId, PersonId, ProtectedIdentity, UnitId};
use jiff::civil::Date;
use norm::Month;
use serde_json::json;
use sqlx::Row;

use crate::error::{Result, StoreError};
use crate::follow_ups::{FOLLOW_UP_NAMES, follow_up_from_row};
use crate::model::{AppealView, FollowUpView};
use crate::records::appeal_from_row;
use crate::sql::{SqlStore, date_text, parse, parse_date};

/// What a permission check needs to know about a household: its unit and which of the persons who have been its
/// members have protected identity.
/// Ids and flags only, no personal data, so reading it is not audited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdAccess {
    pub household: HouseholdId,
    pub unit: UnitId,
    pub protected_members: Vec<PersonId>,
    /// Everyone who has been a member (believed records), in id order.
    pub persons: Vec<PersonId>,
}

/// One open application in the queue, with the names of the household's members (protected ones flagged).
#[derive(Clone, PartialEq, Eq)]
pub struct QueueItem {
    pub application: ApplicationId,
    pub household: HouseholdId,
    pub month: Month,
    pub status: String,
    pub received_on: Date,
    pub version: i64,
    /// (person, name, protected) in person-id order.
    pub members: Vec<(PersonId, String, bool)>,
}

/// Never prints names.
impl std::fmt::Debug for QueueItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueueItem")
            .field("application", &self.application)
            .field("household", &self.household)
            .field("month", &self.month)
            .finish_non_exhaustive()
    }
}

/// An open follow-up in the queue, with the household's current members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpItem {
    pub follow_up: FollowUpView,
    pub members: Vec<(PersonId, String, bool)>,
}

/// An appeal waiting for the board, with the appealed month and the household's current members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppealItem {
    pub appeal: AppealView,
    pub household: HouseholdId,
    pub month: Month,
    pub members: Vec<(PersonId, String, bool)>,
}

/// The caseworker's work queue (see [`Worklists::work_queue`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkQueue {
    pub applications: Vec<QueueItem>,
    pub follow_ups: Vec<FollowUpItem>,
    pub appeals: Vec<AppealItem>,
}

impl WorkQueue {
    /// Every household the queue names, with repeats.
    pub fn households(&self) -> impl Iterator<Item = HouseholdId> + '_ {
        self.applications
            .iter()
            .map(|a| a.household)
            .chain(self.follow_ups.iter().map(|f| f.follow_up.household))
            .chain(self.appeals.iter().map(|a| a.household))
    }

    /// Every member listed anywhere in the queue, mutably (the app masks protected names).
    pub fn members_mut(&mut self) -> impl Iterator<Item = &mut (PersonId, String, bool)> + '_ {
        self.applications
            .iter_mut()
            .flat_map(|a| a.members.iter_mut())
            .chain(self.follow_ups.iter_mut().flat_map(|f| f.members.iter_mut()))
            .chain(self.appeals.iter_mut().flat_map(|a| a.members.iter_mut()))
    }
}

pub trait Worklists: Send + Sync {
    fn household_access(
        &self,
        household: HouseholdId,
    ) -> impl Future<Output = Result<HouseholdAccess>> + Send;
    /// The work of households in `units`: open applications (received or under investigation), oldest first;
    /// open follow-ups due by `follow_ups_until` (overdue ones included), soonest first; appeals waiting for the
    /// board, oldest first; at most `limit` of each. The listing is a read of personal data: one audit record names
    /// the households shown.
    fn work_queue(
        &self,
        actor: &Actor,
        units: &[UnitId],
        limit: i64,
        follow_ups_until: Date,
    ) -> impl Future<Output = Result<WorkQueue>> + Send;
    /// The access facts of the household a decision belongs to.
    fn decision_access(&self, decision: DecisionId) -> impl Future<Output = Result<HouseholdAccess>> + Send;
    /// The access facts of the household whose decision an appeal is about.
    fn appeal_access(&self, appeal: AppealId) -> impl Future<Output = Result<HouseholdAccess>> + Send;
    /// The households a person is a current member of (an applicant's own household).
    fn households_of(&self, person: PersonId) -> impl Future<Output = Result<Vec<HouseholdId>>> + Send;
    /// Records a refused attempt to read or change something (the auditor's log shows it).
    fn record_denied(
        &self,
        actor: &Actor,
        what: &str,
        subject: Option<PersonId>,
    ) -> impl Future<Output = Result<()>> + Send;
}

/// Current members: membership facts still valid and not superseded.
const CURRENT_MEMBERS: &str = "SELECT f.household_id, p.id AS person_id, p.name, p.protection FROM facts f \
     JOIN persons p ON p.id = f.person_id \
     WHERE f.fact_key LIKE 'member:%' AND f.superseded_at IS NULL AND f.valid_to IS NULL";

impl Worklists for SqlStore {
    async fn household_access(&self, household: HouseholdId) -> Result<HouseholdAccess> {
        // One statement: the household's unit, and the protection of everyone who has been a member (the household
        // page shows members over time, so a former member's protection counts too). No member: one row of NULLs.
        let rows = sqlx::query(
            "SELECT DISTINCT h.unit_id, p.id AS person_id, p.protection FROM households h \
             LEFT JOIN facts f ON f.household_id = h.id AND f.fact_key LIKE 'member:%' \
             AND f.superseded_at IS NULL \
             LEFT JOIN persons p ON p.id = f.person_id \
             WHERE h.id = $1 ORDER BY p.id",
        )
        .bind(household.get())
        .fetch_all(self.pool())
        .await?;
        let first = rows.first().ok_or(StoreError::NotFound {
            what: "hushåll",
            id: household.get(),
        })?;
        let mut protected_members = Vec::new();
        let mut persons = Vec::new();
        for r in &rows {
            let Some(person) = r.try_get::<Option<i64>, _>("person_id")?.map(PersonId) else {
                continue;
            };
            persons.push(person);
            let protection: String = r.try_get("protection")?;
            if parse::<ProtectedIdentity>(&protection)?.is_protected() {
                protected_members.push(person);
            }
        }
        Ok(HouseholdAccess {
            household,
            unit: UnitId(first.try_get("unit_id")?),
            protected_members,
            persons,
        })
    }

    async fn work_queue(
        &self,
        actor: &Actor,
        units: &[UnitId],
        limit: i64,
        follow_ups_until: Date,
    ) -> Result<WorkQueue> {
        if units.is_empty() {
            return Ok(WorkQueue::default());
        }
        // Unit ids are integers we hold, never user text: safe to inline.
        let unit_list = units
            .iter()
            .map(|u| u.get().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let mut rx = self.begin_read().await?;
        let conn = rx.conn();
        let sql = format!(
            "SELECT a.id, a.household_id, a.month, a.status, a.received_on, a.version FROM applications a \
             JOIN households h ON h.id = a.household_id \
             WHERE a.status IN ('received', 'under_investigation') AND h.unit_id IN ({unit_list}) \
             ORDER BY a.received_on, a.id LIMIT $1"
        );
        let rows = sqlx::query(&sql).bind(limit.max(0)).fetch_all(&mut *conn).await?;
        let mut queue = WorkQueue::default();
        for r in &rows {
            let month: String = r.try_get("month")?;
            let received: String = r.try_get("received_on")?;
            queue.applications.push(QueueItem {
                application: ApplicationId(r.try_get("id")?),
                household: HouseholdId(r.try_get("household_id")?),
                month: parse(&month)?,
                status: r.try_get("status")?,
                received_on: parse_date(&received)?,
                version: r.try_get("version")?,
                members: Vec::new(),
            });
        }
        let sql = format!(
            "SELECT {} FROM follow_ups f JOIN households h ON h.id = f.household_id \
             WHERE f.done_at IS NULL AND f.due_on <= $1 AND h.unit_id IN ({unit_list}) \
             ORDER BY f.due_on, f.id LIMIT $2",
            FOLLOW_UP_NAMES
                .iter()
                .map(|c| format!("f.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for r in sqlx::query(&sql)
            .bind(date_text(follow_ups_until))
            .bind(limit.max(0))
            .fetch_all(&mut *conn)
            .await?
        {
            queue.follow_ups.push(FollowUpItem {
                follow_up: follow_up_from_row(&r)?,
                members: Vec::new(),
            });
        }
        // Appeals waiting for the board: the time check, then reconsider or forward to the court.
        // Judgments to carry out too: the court changed the decision or sent the case back, and the board has not
        // yet made the new decision.
        let sql = format!(
            "SELECT {}, a.household_id, a.month FROM appeals ap \
             JOIN decisions d ON d.id = ap.decision_id JOIN applications a ON a.id = d.application_id \
             JOIN households h ON h.id = a.household_id \
             WHERE (ap.status IN ('received', 'in_time') OR (ap.status IN ({}) AND ap.new_decision_id IS NULL)) \
             AND h.unit_id IN ({unit_list}) \
             ORDER BY ap.received_on, ap.id LIMIT $1",
            crate::records::appeal_columns("ap."),
            crate::reconsideration::TO_CARRY_OUT
        );
        for r in sqlx::query(&sql).bind(limit.max(0)).fetch_all(&mut *conn).await? {
            let month: String = r.try_get("month")?;
            queue.appeals.push(AppealItem {
                appeal: appeal_from_row(&r)?,
                household: HouseholdId(r.try_get("household_id")?),
                month: parse(&month)?,
                members: Vec::new(),
            });
        }
        let households: BTreeSet<i64> = queue.households().map(HouseholdId::get).collect();
        if households.is_empty() {
            rx.finish().await?;
            return Ok(queue);
        }
        let ids = households
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("{CURRENT_MEMBERS} AND f.household_id IN ({ids}) ORDER BY p.id");
        let mut members: BTreeMap<i64, Vec<(PersonId, String, bool)>> = BTreeMap::new();
        for r in sqlx::query(&sql).fetch_all(&mut *conn).await? {
            let protection: String = r.try_get("protection")?;
            members.entry(r.try_get("household_id")?).or_default().push((
                PersonId(r.try_get("person_id")?),
                r.try_get("name")?,
                parse::<ProtectedIdentity>(&protection)?.is_protected(),
            ));
        }
        rx.finish().await?;
        let of = |h: HouseholdId| members.get(&h.get()).cloned().unwrap_or_default();
        for item in &mut queue.applications {
            item.members = of(item.household);
        }
        for item in &mut queue.follow_ups {
            item.members = of(item.follow_up.household);
        }
        for item in &mut queue.appeals {
            item.members = of(item.household);
        }
        let households: Vec<i64> = households.into_iter().collect();
        self.record_read(
            actor,
            "queue.read",
            vec![(None, json!({ "households": households }))],
        )
        .await?;
        Ok(queue)
    }

    async fn decision_access(&self, decision: DecisionId) -> Result<HouseholdAccess> {
        let row = sqlx::query(
            "SELECT a.household_id FROM decisions d JOIN applications a ON a.id = d.application_id WHERE d.id = $1",
        )
        .bind(decision.get())
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound { what: "beslut", id: decision.get() })?;
        self.household_access(HouseholdId(row.try_get("household_id")?))
            .await
    }

    async fn appeal_access(&self, appeal: AppealId) -> Result<HouseholdAccess> {
        let row = sqlx::query(
            "SELECT a.household_id FROM appeals ap JOIN decisions d ON d.id = ap.decision_id \
             JOIN applications a ON a.id = d.application_id WHERE ap.id = $1",
        )
        .bind(appeal.get())
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound {
            what: "överklagande",
            id: appeal.get(),
        })?;
        self.household_access(HouseholdId(row.try_get("household_id")?))
            .await
    }

    async fn households_of(&self, person: PersonId) -> Result<Vec<HouseholdId>> {
        let sql = format!("{CURRENT_MEMBERS} AND f.person_id = $1 ORDER BY f.household_id");
        sqlx::query(&sql)
            .bind(person.get())
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| Ok(HouseholdId(r.try_get("household_id")?)))
            .collect()
    }

    async fn record_denied(&self, actor: &Actor, what: &str, subject: Option<PersonId>) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.audit(actor, "access.denied", subject, json!({ "what": what }))
            .await?;
        tx.commit().await
    }
}
