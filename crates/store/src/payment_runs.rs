//! A unit's payment run: which decided amounts are still unpaid, creating a batch with all of them in one
//! transaction, and the list of batches with their totals and the people who prepared and approved them.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

use domain::decision::Purpose;
use domain::payment::BatchStatus;
use domain::{Actor, BatchId, DecisionId, HouseholdId, UnitId};
use jiff::civil::Date;
use norm::Money;
use serde_json::json;
use sqlx::Row;

use crate::error::{Result, StoreError};
use crate::model::{BatchView, PaymentView};
use crate::money_flow::{add_decision, load_batch};
use crate::names::{ActorName, HouseholdPerson, actor_names, household_people};
use crate::sql::{SqlStore, date_text, micros, parse, parse_date};

/// One batch as the list of payment runs shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchSummary {
    pub id: BatchId,
    pub status: BatchStatus,
    pub pay_date: Date,
    pub payments: i64,
    /// Sum of the payments that are not stopped.
    pub total: Money,
    pub created_by: Option<String>,
    pub approved_by: Option<String>,
    /// Who recorded the bank's confirmation (`None` before it, and for runs paid before it was recorded).
    pub paid_by: Option<String>,
}

/// One payment as the run's page shows it: the household it goes to, the month and the decided item's purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentLine {
    pub payment: PaymentView,
    pub household: HouseholdId,
    pub month: String,
    pub purpose: Purpose,
}

/// A run with its payments in words: each household's people, and the names of who prepared, approved and
/// confirmed it. Read in one transaction with its `batch.read` record, which lists the households shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunLines {
    pub batch: BatchView,
    pub lines: Vec<PaymentLine>,
    pub people: BTreeMap<HouseholdId, Vec<HouseholdPerson>>,
    pub names: Vec<ActorName>,
}

pub trait PaymentRuns: Send + Sync {
    /// Current decisions with a granted amount and no live payment, for households in `units`, that still have
    /// something to pay: a total above what the application's earlier decisions already paid (a decision that
    /// replaced a paid one pays only the difference, and one that lowered the amount pays nothing and is not listed;
    /// reclaiming the excess is a separate återkrav).
    fn payable_decisions(&self, units: &[UnitId]) -> impl Future<Output = Result<Vec<DecisionId>>> + Send;
    /// Creates a batch and adds the decisions to it in one transaction: a run is created whole or not at all.
    fn create_payment_run(
        &self,
        actor: &Actor,
        pay_date: Date,
        decisions: &[DecisionId],
    ) -> impl Future<Output = Result<BatchView>> + Send;
    /// The newest batches first.
    fn batch_summaries(&self, limit: i64) -> impl Future<Output = Result<Vec<BatchSummary>>> + Send;
    fn batch_summary(&self, batch: BatchId) -> impl Future<Output = Result<BatchSummary>> + Send;
    /// A run's payments with their households' people and purposes (audited as `batch.read` with the households).
    fn payment_run_lines(
        &self,
        actor: &Actor,
        batch: BatchId,
    ) -> impl Future<Output = Result<RunLines>> + Send;
    /// The names and roles of the people who prepared, approved and confirmed runs (staff and accounts only: no
    /// personal data of applicants, so no audit record).
    fn run_people_names(&self, whos: &[String]) -> impl Future<Output = Result<Vec<ActorName>>> + Send;
}

const SUMMARY: &str = "SELECT b.id, b.status, b.pay_date, b.created_by, b.approved_by, b.paid_by, \
     CAST(COUNT(p.id) AS BIGINT) AS payments, \
     CAST(COALESCE(SUM(CASE WHEN p.status <> 'stopped' THEN p.amount ELSE 0 END), 0) AS BIGINT) AS total \
     FROM payment_batches b LEFT JOIN payments p ON p.batch_id = b.id";

fn summary(r: &sqlx::any::AnyRow) -> Result<BatchSummary> {
    let status: String = r.try_get("status")?;
    let pay_date: String = r.try_get("pay_date")?;
    Ok(BatchSummary {
        id: BatchId(r.try_get("id")?),
        status: parse(&status)?,
        pay_date: parse_date(&pay_date)?,
        payments: r.try_get("payments")?,
        total: Money::from_ore(r.try_get("total")?),
        created_by: r.try_get("created_by")?,
        approved_by: r.try_get("approved_by")?,
        paid_by: r.try_get("paid_by")?,
    })
}

impl PaymentRuns for SqlStore {
    async fn payable_decisions(&self, units: &[UnitId]) -> Result<Vec<DecisionId>> {
        if units.is_empty() {
            return Ok(Vec::new());
        }
        // Unit ids are integers we hold, never user text.
        let unit_list = units
            .iter()
            .map(|u| u.get().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT a.current_decision_id AS id FROM applications a \
             JOIN households h ON h.id = a.household_id \
             JOIN decisions d ON d.id = a.current_decision_id \
             WHERE a.status = 'decided' AND d.total_granted > 0 AND h.unit_id IN ({unit_list}) \
             AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.decision_id = d.id AND p.status <> 'stopped') \
             AND d.total_granted > (SELECT COALESCE(SUM(p.amount), 0) FROM payments p \
             JOIN decisions e ON e.id = p.decision_id \
             WHERE e.application_id = d.application_id AND p.status <> 'stopped') \
             ORDER BY a.received_on, a.id"
        );
        sqlx::query(&sql)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| Ok(DecisionId(r.try_get("id")?)))
            .collect()
    }

    async fn create_payment_run(
        &self,
        actor: &Actor,
        pay_date: Date,
        decisions: &[DecisionId],
    ) -> Result<BatchView> {
        if decisions.is_empty() {
            return Err(domain::DomainError::Invalid {
                field: "utbetalning",
                reason: "det finns inget att betala ut",
            }
            .into());
        }
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "INSERT INTO payment_batches (status, pay_date, created_at, created_by) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(BatchStatus::Open.as_str())
        .bind(date_text(pay_date))
        .bind(micros(actor.at))
        .bind(actor.who.to_string())
        .fetch_one(tx.conn())
        .await?;
        let batch = BatchId(row.try_get("id")?);
        tx.audit(
            actor,
            "batch.create",
            None,
            json!({ "batch": batch, "pay_date": date_text(pay_date) }),
        )
        .await?;
        for &decision in decisions {
            add_decision(&mut tx, actor, batch, decision).await?;
        }
        let view = load_batch(tx.conn(), batch).await?;
        tx.commit().await?;
        Ok(view)
    }

    async fn batch_summaries(&self, limit: i64) -> Result<Vec<BatchSummary>> {
        let sql = format!(
            "{SUMMARY} GROUP BY b.id, b.status, b.pay_date, b.created_by, b.approved_by, b.paid_by ORDER BY b.id DESC LIMIT $1"
        );
        sqlx::query(&sql)
            .bind(limit.max(0))
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(summary)
            .collect()
    }

    async fn batch_summary(&self, batch: BatchId) -> Result<BatchSummary> {
        let sql = format!(
            "{SUMMARY} WHERE b.id = $1 GROUP BY b.id, b.status, b.pay_date, b.created_by, b.approved_by, b.paid_by"
        );
        let row = sqlx::query(&sql)
            .bind(batch.get())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound {
                what: "utbetalningsomgång",
                id: batch.get(),
            })?;
        summary(&row)
    }

    async fn payment_run_lines(&self, actor: &Actor, batch: BatchId) -> Result<RunLines> {
        let mut tx = self.begin().await?;
        let view = load_batch(tx.conn(), batch).await?;
        let rows = sqlx::query(
            "SELECT p.id, a.household_id, a.month, i.purpose FROM payments p \
             JOIN decisions d ON d.id = p.decision_id JOIN applications a ON a.id = d.application_id \
             LEFT JOIN decision_items i ON i.decision_id = p.decision_id AND i.item_no = p.item_no \
             WHERE p.batch_id = $1 ORDER BY p.id",
        )
        .bind(batch.get())
        .fetch_all(tx.conn())
        .await?;
        let by_id: BTreeMap<i64, &PaymentView> = view.payments.iter().map(|p| (p.id.get(), p)).collect();
        let mut lines = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let Some(&payment) = by_id.get(&id) else {
                continue;
            };
            let purpose: Option<String> = r.try_get("purpose")?;
            lines.push(PaymentLine {
                payment: payment.clone(),
                household: HouseholdId(r.try_get("household_id")?),
                month: r.try_get("month")?,
                purpose: purpose.as_deref().map(parse).transpose()?.unwrap_or_default(),
            });
        }
        let households: BTreeSet<i64> = lines.iter().map(|l| l.household.get()).collect();
        let people = household_people(tx.conn(), &households).await?;
        let row = sqlx::query("SELECT created_by, approved_by, paid_by FROM payment_batches WHERE id = $1")
            .bind(batch.get())
            .fetch_one(tx.conn())
            .await?;
        let whos: Vec<String> = ["created_by", "approved_by", "paid_by"]
            .into_iter()
            .map(|c| row.try_get::<Option<String>, _>(c))
            .collect::<std::result::Result<Vec<_>, _>>()?
            .into_iter()
            .flatten()
            .collect();
        let names = actor_names(tx.conn(), whos.iter().map(String::as_str)).await?;
        tx.audit(
            actor,
            "batch.read",
            None,
            json!({ "batch": batch, "households": households }),
        )
        .await?;
        tx.commit().await?;
        Ok(RunLines {
            batch: view,
            lines,
            people,
            names,
        })
    }

    async fn run_people_names(&self, whos: &[String]) -> Result<Vec<ActorName>> {
        let mut conn = self.pool().acquire().await?;
        // Only staff and accounts: an applicant never prepares or approves a run.
        let staff = whos
            .iter()
            .map(String::as_str)
            .filter(|w| w.starts_with("staff:") || w.starts_with("account:"));
        actor_names(&mut conn, staff).await
    }
}
