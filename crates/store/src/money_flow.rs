//! Payment batches and payments: a decided item is paid at most once, whatever fails when.
//!
//! Exactly-once rests on three things: each payment's idempotency key is derived from the decision and item (so a
//! retry finds the existing payment), `UNIQUE(decision_id, item_no)` and `UNIQUE(idempotency_key)` in the schema
//! (so even a buggy retry cannot insert twice), and one transaction per use case (so an interruption leaves either
//! all or none of a step's writes). The fail points let the tests interrupt every step.

use domain::application::{ApplicationEvent, ApplicationStatus};
use domain::payment::{BatchStatus, PaymentStatus, idempotency_key};
use domain::{Actor, BatchId, DecisionId, PaymentId};
use jiff::civil::Date;
use norm::Money;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::error::{Result, StoreError};
use crate::model::{BatchView, PaymentView};
use crate::records::{load_application, load_decision};
use crate::sql::{SqlStore, Tx, date_text, micros, parse, parse_date};

const PAYMENT_COLUMNS: &str = "id, batch_id, decision_id, item_no, amount, status, idempotency_key";

fn payment_from_row(row: &AnyRow) -> Result<PaymentView> {
    let status: String = row.try_get("status")?;
    Ok(PaymentView {
        id: PaymentId(row.try_get("id")?),
        batch: BatchId(row.try_get("batch_id")?),
        decision: DecisionId(row.try_get("decision_id")?),
        item_no: row.try_get("item_no")?,
        amount: Money::from_ore(row.try_get("amount")?),
        status: parse::<PaymentStatus>(&status)?,
        idempotency_key: row.try_get("idempotency_key")?,
    })
}

pub(crate) async fn load_batch(conn: &mut AnyConnection, id: BatchId) -> Result<BatchView> {
    let row = sqlx::query("SELECT status, pay_date FROM payment_batches WHERE id = $1")
        .bind(id.get())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound {
            what: "utbetalningsomgång",
            id: id.get(),
        })?;
    let status: String = row.try_get("status")?;
    let pay_date: String = row.try_get("pay_date")?;
    let sql = format!("SELECT {PAYMENT_COLUMNS} FROM payments WHERE batch_id = $1 ORDER BY id");
    let payments = sqlx::query(&sql)
        .bind(id.get())
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(payment_from_row)
        .collect::<Result<Vec<_>>>()?;
    Ok(BatchView {
        id,
        status: parse::<BatchStatus>(&status)?,
        pay_date: parse_date(&pay_date)?,
        payments,
    })
}

pub(crate) async fn create_payment_batch(s: &SqlStore, actor: &Actor, pay_date: Date) -> Result<BatchId> {
    let mut tx = s.begin().await?;
    let row = sqlx::query(
        "INSERT INTO payment_batches (status, pay_date, created_at, created_by) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(BatchStatus::Open.as_str())
    .bind(date_text(pay_date))
    .bind(micros(actor.at))
    .bind(actor.who.to_string())
    .fetch_one(tx.conn())
    .await?;
    let id = BatchId(row.try_get("id")?);
    tx.audit(
        actor,
        "batch.create",
        None,
        json!({ "batch": id, "pay_date": date_text(pay_date) }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn add_to_batch(
    s: &SqlStore,
    actor: &Actor,
    batch: BatchId,
    decision: DecisionId,
) -> Result<Vec<PaymentView>> {
    add_many_to_batch(s, actor, batch, &[decision]).await
}

/// Adds every decision's unpaid granted items to the batch in one transaction (all or nothing): a month's payment
/// run. Each decision gets its own audit record, as if added one by one.
pub(crate) async fn add_many_to_batch(
    s: &SqlStore,
    actor: &Actor,
    batch: BatchId,
    decisions: &[DecisionId],
) -> Result<Vec<PaymentView>> {
    let mut tx = s.begin().await?;
    let b = load_batch(tx.conn(), batch).await?;
    if !b.status.accepts_payments() {
        return Err(domain::DomainError::IllegalTransition {
            from: b.status.as_str(),
            to: "ny utbetalning",
        }
        .into());
    }
    let mut out = Vec::new();
    for &decision in decisions {
        out.extend(add_decision(&mut tx, actor, batch, decision).await?);
    }
    tx.fail_point("add_to_batch.before_commit")?;
    tx.commit().await?;
    s.fail.check("add_to_batch.after_commit")?;
    Ok(out)
}

pub(crate) async fn add_decision(
    tx: &mut Tx,
    actor: &Actor,
    batch: BatchId,
    decision: DecisionId,
) -> Result<Vec<PaymentView>> {
    let d = load_decision(tx.conn(), decision).await?;
    let app = load_application(tx.conn(), d.application).await?;
    if app.current_decision != Some(decision) {
        return Err(StoreError::Conflict("beslutet har ersatts av ett nyare beslut"));
    }
    if app.status != ApplicationStatus::Paid {
        // An undecided application cannot be paid: the lifecycle refuses the move.
        app.status.apply(ApplicationEvent::Pay)?;
    }
    let mut out = Vec::new();
    let mut created = Vec::new();
    // A decision that replaces another pays only what the application's earlier decisions did not already pay,
    // counted over the whole decision (a new decision may order or split its items differently).
    let row = sqlx::query(
        "SELECT CAST(COALESCE(SUM(p.amount), 0) AS BIGINT) AS paid FROM payments p \
         JOIN decisions d ON d.id = p.decision_id \
         WHERE d.application_id = $1 AND p.status <> 'stopped' AND p.decision_id <> $2",
    )
    .bind(d.application.get())
    .bind(decision.get())
    .fetch_one(tx.conn())
    .await?;
    let paid_before = Money::from_ore(row.try_get("paid")?);
    let mut due = d
        .total_granted
        .checked_sub(paid_before)
        .map_err(StoreError::corrupt)?;
    let payable = domain::decision::payable_amounts(&d.items, d.deductions)?;
    for (no, share) in (1_i64..).zip(payable) {
        if share <= Money::ZERO {
            continue;
        }
        let key = idempotency_key(decision, no);
        let sql = format!("SELECT {PAYMENT_COLUMNS} FROM payments WHERE idempotency_key = $1");
        if let Some(row) = sqlx::query(&sql)
            .bind(key.clone())
            .fetch_optional(tx.conn())
            .await?
        {
            let existing = payment_from_row(&row)?;
            due = due.checked_sub(existing.amount).map_err(StoreError::corrupt)?;
            out.push(existing);
            continue;
        }
        let amount = share.min(due);
        if amount <= Money::ZERO {
            continue;
        }
        due = due.checked_sub(amount).map_err(StoreError::corrupt)?;
        tx.fail_point("add_to_batch.before_insert")?;
        let sql = format!(
            "INSERT INTO payments (batch_id, decision_id, item_no, amount, idempotency_key, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {PAYMENT_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(batch.get())
            .bind(decision.get())
            .bind(no)
            .bind(amount.ore())
            .bind(key)
            .bind(PaymentStatus::Pending.as_str())
            .bind(micros(actor.at))
            .fetch_one(tx.conn())
            .await?;
        tx.fail_point("add_to_batch.after_insert")?;
        let p = payment_from_row(&row)?;
        created.push(p.id);
        out.push(p);
    }
    if !created.is_empty() {
        tx.audit(
            actor,
            "payment.create",
            None,
            json!({ "batch": batch, "decision": decision, "household": app.household, "payments": created }),
        )
        .await?;
    }
    Ok(out)
}

pub(crate) async fn stop_payment(s: &SqlStore, actor: &Actor, id: PaymentId) -> Result<PaymentView> {
    let mut tx = s.begin().await?;
    let sql = format!("SELECT {PAYMENT_COLUMNS} FROM payments WHERE id = $1");
    let row = sqlx::query(&sql)
        .bind(id.get())
        .fetch_optional(tx.conn())
        .await?
        .ok_or(StoreError::NotFound {
            what: "utbetalning",
            id: id.get(),
        })?;
    let mut p = payment_from_row(&row)?;
    let status = p.status.stop()?;
    tx.fail_point("stop_payment.before_update")?;
    sqlx::query("UPDATE payments SET status = $1 WHERE id = $2 AND status = $3")
        .bind(status.as_str())
        .bind(id.get())
        .bind(PaymentStatus::Pending.as_str())
        .execute(tx.conn())
        .await?;
    tx.fail_point("stop_payment.after_update")?;
    tx.audit(
        actor,
        "payment.stop",
        None,
        json!({ "payment": id, "batch": p.batch, "decision": p.decision }),
    )
    .await?;
    tx.commit().await?;
    p.status = status;
    Ok(p)
}

pub(crate) async fn approve_batch(
    s: &SqlStore,
    actor: &Actor,
    id: BatchId,
    second_person_above: Option<Money>,
) -> Result<BatchView> {
    let mut tx = s.begin().await?;
    let mut b = load_batch(tx.conn(), id).await?;
    // Approving twice is a no-op, so a retry after a lost reply is safe.
    if b.status == BatchStatus::Approved {
        return Ok(b);
    }
    let status = b.status.approve()?;
    // Checked inside the transaction that approves, so the total cannot change in between.
    let row = sqlx::query("SELECT created_by FROM payment_batches WHERE id = $1")
        .bind(id.get())
        .fetch_one(tx.conn())
        .await?;
    let prepared_by: Option<String> = row.try_get("created_by")?;
    let total = b.total_payable().map_err(StoreError::corrupt)?;
    let approver = actor.who.to_string();
    domain::payment::check_approval(
        prepared_by.as_deref().unwrap_or_default(),
        &approver,
        total,
        second_person_above,
    )?;
    tx.fail_point("approve_batch.before_update")?;
    sqlx::query("UPDATE payment_batches SET status = $1, approved_by = $3 WHERE id = $2")
        .bind(status.as_str())
        .bind(id.get())
        .bind(approver)
        .execute(tx.conn())
        .await?;
    tx.fail_point("approve_batch.after_update")?;
    tx.audit(actor, "batch.approve", None, json!({ "batch": id }))
        .await?;
    tx.commit().await?;
    s.fail.check("approve_batch.after_commit")?;
    b.status = status;
    Ok(b)
}

pub(crate) async fn export_batch(s: &SqlStore, actor: &Actor, id: BatchId) -> Result<BatchView> {
    let mut tx = s.begin().await?;
    let b = load_batch(tx.conn(), id).await?;
    if b.status == BatchStatus::Exported {
        return Ok(b);
    }
    let status = b.status.export()?;
    tx.fail_point("export_batch.before_payments")?;
    sqlx::query("UPDATE payments SET status = $1 WHERE batch_id = $2 AND status = $3")
        .bind(PaymentStatus::Exported.as_str())
        .bind(id.get())
        .bind(PaymentStatus::Pending.as_str())
        .execute(tx.conn())
        .await?;
    tx.fail_point("export_batch.after_payments")?;
    // The applications are not paid yet: the file is made, the bank has not confirmed ([`confirm_batch_paid`]).
    sqlx::query("UPDATE payment_batches SET status = $1, exported_at = $2 WHERE id = $3")
        .bind(status.as_str())
        .bind(micros(actor.at))
        .bind(id.get())
        .execute(tx.conn())
        .await?;
    tx.fail_point("export_batch.after_batch")?;
    let b = load_batch(tx.conn(), id).await?;
    let total = b.total_payable().map_err(StoreError::corrupt)?;
    tx.audit(
        actor,
        "batch.export",
        None,
        json!({ "batch": id, "payments": b.payments.len(), "total": total.ore() }),
    )
    .await?;
    tx.commit().await?;
    s.fail.check("export_batch.after_commit")?;
    Ok(b)
}

/// Records the bank's confirmation of an exported batch: the batch is paid, and so is every application whose
/// current decision was paid in it. Confirming a paid batch again returns it unchanged (a retry is safe).
pub(crate) async fn confirm_batch_paid(s: &SqlStore, actor: &Actor, id: BatchId) -> Result<BatchView> {
    let mut tx = s.begin().await?;
    let b = load_batch(tx.conn(), id).await?;
    if b.status == BatchStatus::Paid {
        return Ok(b);
    }
    let status = b.status.confirm_paid()?;
    // Every application still decided whose current decision was paid in this batch becomes paid, in one statement
    // (a run holds hundreds of applications; one round trip each made the demo's history slow). The move is checked
    // by the same state machine as a single transition.
    let paid_status = ApplicationStatus::Decided.apply(ApplicationEvent::Pay)?;
    tx.fail_point("confirm_batch_paid.before_application")?;
    sqlx::query(
        "UPDATE applications SET status = $1, version = version + 1 \
         WHERE status = $2 AND current_decision_id IN \
         (SELECT decision_id FROM payments WHERE batch_id = $3 AND status = $4)",
    )
    .bind(paid_status.as_str())
    .bind(ApplicationStatus::Decided.as_str())
    .bind(id.get())
    .bind(PaymentStatus::Exported.as_str())
    .execute(tx.conn())
    .await?;
    sqlx::query("UPDATE payment_batches SET status = $1, paid_at = $2, paid_by = $3 WHERE id = $4")
        .bind(status.as_str())
        .bind(micros(actor.at))
        .bind(actor.who.to_string())
        .bind(id.get())
        .execute(tx.conn())
        .await?;
    let b = load_batch(tx.conn(), id).await?;
    let total = b.total_payable().map_err(StoreError::corrupt)?;
    tx.audit(
        actor,
        "batch.paid",
        None,
        json!({ "batch": id, "payments": b.payments.len(), "total": total.ore() }),
    )
    .await?;
    tx.commit().await?;
    Ok(b)
}

pub(crate) async fn batch(s: &SqlStore, actor: &Actor, id: BatchId) -> Result<BatchView> {
    let mut tx = s.begin().await?;
    let b = load_batch(tx.conn(), id).await?;
    tx.audit(actor, "batch.read", None, json!({ "batch": id }))
        .await?;
    tx.commit().await?;
    Ok(b)
}
