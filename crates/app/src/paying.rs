//! Payment runs as the caseworkers and their managers work with them: prepare a run of the unit's unpaid decided
//! amounts, stop a payment before export, approve (a second person above the limit), export (the bank file), and
//! record the bank's confirmation (only then are the applications paid).

use std::collections::BTreeMap;

use domain::decision::Purpose;
use domain::{BatchId, HouseholdId, PaymentId};
use jiff::civil::Date;
use store::{BatchSummary, BatchView, PaymentRuns, PaymentView, Store};

use crate::access::{Actor, Denied, Permission};
use crate::names::{Doer, Shown, doers, household_people};
use crate::service::{App, AppError};

/// The list of runs with the names of who prepared, approved and confirmed them (keyed by `staff:2`).
#[derive(Debug, Clone)]
pub struct RunList {
    pub runs: Vec<BatchSummary>,
    pub doers: BTreeMap<String, Doer>,
}

/// One payment in words: to whom, for which household, month and purpose.
#[derive(Debug, Clone)]
pub struct RunLine {
    pub payment: PaymentView,
    pub household: HouseholdId,
    pub month: String,
    pub purpose: Purpose,
    /// The household's people (current members, adults first), masked where protected identity requires; the
    /// first is the payee.
    pub people: Vec<Shown>,
}

/// A run as its page shows it.
#[derive(Debug, Clone)]
pub struct RunView {
    pub summary: BatchSummary,
    pub batch: BatchView,
    pub lines: Vec<RunLine>,
    pub doers: BTreeMap<String, Doer>,
}

/// How many runs the list shows.
pub const RUNS_LISTED: i64 = 50;

impl App {
    /// The newest runs (no personal data: ids, dates, totals, the staff who prepared, approved and confirmed).
    pub async fn payment_runs(&self, actor: &Actor) -> Result<RunList, AppError> {
        self.require_any(
            actor,
            &[Permission::PreparePayments, Permission::ApprovePayments],
            "utbetalningar",
        )
        .await?;
        let runs = self.store.batch_summaries(RUNS_LISTED).await?;
        let whos: Vec<String> = runs
            .iter()
            .flat_map(|r| [&r.created_by, &r.approved_by, &r.paid_by])
            .flatten()
            .cloned()
            .collect();
        let names = self.store.run_people_names(&whos).await?;
        Ok(RunList {
            runs,
            doers: doers(actor, &names),
        })
    }

    /// A run with its payments: each household named by its people, the purpose and amount (audited as
    /// `batch.read` with the households shown).
    pub async fn payment_run(&self, actor: &Actor, batch: BatchId) -> Result<RunView, AppError> {
        let page = format!("utbetalningar/{batch}");
        self.require_any(
            actor,
            &[Permission::PreparePayments, Permission::ApprovePayments],
            &page,
        )
        .await?;
        let ctx = self.audit_ctx(actor, &page);
        let summary = self.store.batch_summary(batch).await?;
        let read = self.store.payment_run_lines(&ctx, batch).await?;
        let lines = read
            .lines
            .into_iter()
            .map(|l| RunLine {
                people: read
                    .people
                    .get(&l.household)
                    .map(|p| household_people(actor, p))
                    .unwrap_or_default(),
                payment: l.payment,
                household: l.household,
                month: l.month,
                purpose: l.purpose,
            })
            .collect();
        Ok(RunView {
            summary,
            batch: read.batch,
            lines,
            doers: doers(actor, &read.names),
        })
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

    /// Records that the bank has confirmed an exported run: the money is paid, and so are its applications
    /// (`batch.paid`). Until then an application says decided, not paid. The bank's own answer file comes later;
    /// for now the payment officer (who may approve) records the confirmation.
    pub async fn confirm_payment_run_paid(
        &self,
        actor: &Actor,
        batch: BatchId,
    ) -> Result<BatchView, AppError> {
        self.require_any(actor, &[Permission::ApprovePayments], "utbetalningar")
            .await?;
        Ok(self
            .store
            .confirm_batch_paid(&self.audit_ctx(actor, "utbetalningar"), batch)
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
