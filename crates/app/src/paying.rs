//! Payment runs as the caseworkers and their managers work with them: prepare a run of the unit's unpaid decided
//! amounts, stop a payment before export, approve (a second person above the limit), export.

use domain::{BatchId, PaymentId};
use jiff::civil::Date;
use store::{BatchSummary, BatchView, PaymentRuns, PaymentView, Store};

use crate::access::{Actor, Denied, Permission};
use crate::service::{App, AppError};

/// How many runs the list shows.
pub const RUNS_LISTED: i64 = 50;

impl App {
    /// The newest runs (no personal data: ids, dates, totals, who prepared and approved).
    pub async fn payment_runs(&self, actor: &Actor) -> Result<Vec<BatchSummary>, AppError> {
        self.require_any(
            actor,
            &[Permission::PreparePayments, Permission::ApprovePayments],
            "utbetalningar",
        )
        .await?;
        Ok(self.store.batch_summaries(RUNS_LISTED).await?)
    }

    /// A run with its payments (household and decision ids, amounts, status).
    pub async fn payment_run(
        &self,
        actor: &Actor,
        batch: BatchId,
    ) -> Result<(BatchSummary, BatchView), AppError> {
        let page = format!("utbetalningar/{batch}");
        self.require_any(
            actor,
            &[Permission::PreparePayments, Permission::ApprovePayments],
            &page,
        )
        .await?;
        let ctx = self.audit_ctx(actor, &page);
        let summary = self.store.batch_summary(batch).await?;
        Ok((summary, self.store.batch(&ctx, batch).await?))
    }

    /// A run of every unpaid decided amount in the actor's units, created whole or not at all.
    pub async fn prepare_payment_run(&self, actor: &Actor, pay_date: Date) -> Result<BatchView, AppError> {
        self.require_any(actor, &[Permission::PreparePayments], "utbetalningar")
            .await?;
        let ctx = self.audit_ctx(actor, "utbetalningar");
        let today = ctx.at.to_zoned(jiff::tz::TimeZone::UTC).date();
        if pay_date < today {
            return Err(AppError::Invalid {
                field: "pay_date",
                reason: "utbetalningsdagen har redan passerat".to_owned(),
            });
        }
        let units: Vec<_> = actor.units.iter().copied().collect();
        let decisions = self.store.payable_decisions(&units).await?;
        if decisions.is_empty() {
            return Err(AppError::Invalid {
                field: "pay_date",
                reason: "det finns inga beslut att betala ut".to_owned(),
            });
        }
        Ok(self.store.create_payment_run(&ctx, pay_date, &decisions).await?)
    }

    pub async fn stop_payment(&self, actor: &Actor, payment: PaymentId) -> Result<PaymentView, AppError> {
        self.require_any(actor, &[Permission::PreparePayments], "utbetalningar")
            .await?;
        Ok(self
            .store
            .stop_payment(&self.audit_ctx(actor, "utbetalningar"), payment)
            .await?)
    }

    /// Approves a run; above the configured limit the approver must not be the one who prepared it.
    pub async fn approve_payment_run(&self, actor: &Actor, batch: BatchId) -> Result<BatchView, AppError> {
        self.require_any(actor, &[Permission::ApprovePayments], "utbetalningar")
            .await?;
        let ctx = self.audit_ctx(actor, "utbetalningar");
        Ok(self
            .store
            .approve_batch(&ctx, batch, Some(self.policy.second_person_above))
            .await?)
    }

    pub async fn export_payment_run(&self, actor: &Actor, batch: BatchId) -> Result<BatchView, AppError> {
        self.require_any(actor, &[Permission::ApprovePayments], "utbetalningar")
            .await?;
        Ok(self
            .store
            .export_batch(&self.audit_ctx(actor, "utbetalningar"), batch)
            .await?)
    }

    /// One of the permissions, or a refusal recorded for the auditors.
    async fn require_any(&self, actor: &Actor, any: &[Permission], page: &str) -> Result<(), AppError> {
        let check = if any.iter().any(|p| actor.require(*p).is_ok()) {
            Ok(())
        } else {
            Err(Denied::Role)
        };
        self.enforce(&self.audit_ctx(actor, page), page, check).await
    }
}
