//! Reads that the caseworker's pages need and that span households: the work queue, and the access facts a
//! permission check needs before any personal data is read.

use std::collections::BTreeMap;
use std::future::Future;

use domain::{Actor, ApplicationId, DecisionId, HouseholdId, PersonId, ProtectedIdentity, UnitId};
use jiff::civil::Date;
use norm::Month;
use serde_json::json;
use sqlx::Row;

use crate::error::{Result, StoreError};
use crate::sql::{SqlStore, parse, parse_date};

/// What a permission check needs to know about a household: its unit and which members have protected identity.
/// Ids and flags only, no personal data, so reading it is not audited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdAccess {
    pub household: HouseholdId,
    pub unit: UnitId,
    pub protected_members: Vec<PersonId>,
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

pub trait Worklists: Send + Sync {
    fn household_access(
        &self,
        household: HouseholdId,
    ) -> impl Future<Output = Result<HouseholdAccess>> + Send;
    /// Open applications (received or under investigation) of households in `units`, oldest first. The listing is
    /// a read of personal data: one audit record names the households shown.
    fn work_queue(
        &self,
        actor: &Actor,
        units: &[UnitId],
        limit: i64,
    ) -> impl Future<Output = Result<Vec<QueueItem>>> + Send;
    /// The access facts of the household a decision belongs to.
    fn decision_access(&self, decision: DecisionId) -> impl Future<Output = Result<HouseholdAccess>> + Send;
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
        let row = sqlx::query("SELECT unit_id FROM households WHERE id = $1")
            .bind(household.get())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound {
                what: "hushåll",
                id: household.get(),
            })?;
        let sql = format!("{CURRENT_MEMBERS} AND f.household_id = $1 ORDER BY p.id");
        let mut protected_members = Vec::new();
        for r in sqlx::query(&sql)
            .bind(household.get())
            .fetch_all(self.pool())
            .await?
        {
            let protection: String = r.try_get("protection")?;
            if parse::<ProtectedIdentity>(&protection)?.is_protected() {
                protected_members.push(PersonId(r.try_get("person_id")?));
            }
        }
        Ok(HouseholdAccess {
            household,
            unit: UnitId(row.try_get("unit_id")?),
            protected_members,
        })
    }

    async fn work_queue(&self, actor: &Actor, units: &[UnitId], limit: i64) -> Result<Vec<QueueItem>> {
        if units.is_empty() {
            return Ok(Vec::new());
        }
        // Unit ids are integers we hold, never user text: safe to inline.
        let unit_list = units
            .iter()
            .map(|u| u.get().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let mut tx = self.begin().await?;
        let sql = format!(
            "SELECT a.id, a.household_id, a.month, a.status, a.received_on, a.version FROM applications a \
             JOIN households h ON h.id = a.household_id \
             WHERE a.status IN ('received', 'under_investigation') AND h.unit_id IN ({unit_list}) \
             ORDER BY a.received_on, a.id LIMIT $1"
        );
        let rows = sqlx::query(&sql).bind(limit.max(0)).fetch_all(tx.conn()).await?;
        let mut items = Vec::with_capacity(rows.len());
        for r in &rows {
            let month: String = r.try_get("month")?;
            let received: String = r.try_get("received_on")?;
            items.push(QueueItem {
                application: ApplicationId(r.try_get("id")?),
                household: HouseholdId(r.try_get("household_id")?),
                month: parse(&month)?,
                status: r.try_get("status")?,
                received_on: parse_date(&received)?,
                version: r.try_get("version")?,
                members: Vec::new(),
            });
        }
        if !items.is_empty() {
            let ids = items
                .iter()
                .map(|i| i.household.get().to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!("{CURRENT_MEMBERS} AND f.household_id IN ({ids}) ORDER BY p.id");
            let mut members: BTreeMap<i64, Vec<(PersonId, String, bool)>> = BTreeMap::new();
            for r in sqlx::query(&sql).fetch_all(tx.conn()).await? {
                let protection: String = r.try_get("protection")?;
                members.entry(r.try_get("household_id")?).or_default().push((
                    PersonId(r.try_get("person_id")?),
                    r.try_get("name")?,
                    parse::<ProtectedIdentity>(&protection)?.is_protected(),
                ));
            }
            for item in &mut items {
                item.members = members.remove(&item.household.get()).unwrap_or_default();
            }
            let households: Vec<i64> = items.iter().map(|i| i.household.get()).collect();
            tx.audit(actor, "queue.read", None, json!({ "households": households }))
                .await?;
        }
        tx.commit().await?;
        Ok(items)
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
