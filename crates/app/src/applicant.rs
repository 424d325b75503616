//! What an applicant reads: the months in which they belonged to a household (their applications and decisions,
//! with the names of that month's members), their own letters and their own attachments; never the caseworker's
//! case file. Every page reads the applicant's view (`store::ApplicantViews`), whose read-log record lists exactly
//! what it returned.

use domain::{AppealId, ApplicationId, DecisionId};
use jiff::Timestamp;
use norm::Month;
use norm::contract::{CostsIn, IncomeKind};
use store::{ApplicantScope, ApplicantView, ApplicantViews, ApplicationView, DecisionSummary};

use crate::access::{Actor, Denied, Permission};
use crate::service::{App, AppError};

pub use store::{AppealAddition, ApplicantAppeal, ApplicantMonth, MonthExtras, MonthMember};

/// Whose an income on a receipt is, named as the applicant may see them: never an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Whose {
    /// The household's (child allowance, housing allowance...).
    Household,
    /// A member, by name.
    Named(String),
    /// A member with protected identity (not the applicant): masked.
    Protected,
}

/// One declared income, whole kronor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredIncome {
    pub whose: Whose,
    pub kind: IncomeKind,
    pub amount: i64,
    /// A child's salary earlier in the year, when declared.
    pub earned_earlier_this_year: Option<i64>,
}

/// What the applicant sent with an application, for its receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationReceipt {
    pub application: ApplicationView,
    /// `None` for applications stored before receipts (the day is then `application.received_on`).
    pub received_at: Option<Timestamp>,
    /// `None` when nothing was declared (an application registered by a caseworker, or gallrad).
    pub costs: Option<CostsIn>,
    pub incomes: Vec<DeclaredIncome>,
    pub assets: i64,
    /// The attachments' file names, in the order sent.
    pub attachments: Vec<String>,
}

/// An appeal (with its additions) and the decision it concerns, for its receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppealReceipt {
    pub appeal: ApplicantAppeal,
    pub month: Month,
    pub decision: DecisionSummary,
}

impl App {
    /// *Mina sidor*: the months in which the applicant belonged to a household, earliest first, each with its
    /// application, decisions and who were members that month (a member with protected identity masked unless it
    /// is the applicant), and the attachments the applicant sent with them. A former member keeps their own months;
    /// a new member sees nothing from before they joined.
    pub async fn my_pages(&self, actor: &Actor) -> Result<ApplicantView, AppError> {
        actor.require(Permission::ApplyOwn)?;
        let person = actor.person.ok_or(Denied::Role)?;
        let ctx = self.audit_ctx(actor, "mina-sidor");
        Ok(self
            .store
            .applicant_view(&ctx, person, ApplicantScope::Everything)
            .await?)
    }

    /// An application's receipt: the month, the figures and attachments sent, when it arrived. Only for an applicant
    /// who was a member of the application's household during its month (the view's own rule, so the applicant
    /// who sent it and their partner); the read is the applicant's view (`applicant.read`), a refusal is recorded
    /// (`access.denied`) and says nothing about whether the application exists.
    pub async fn application_receipt(
        &self,
        actor: &Actor,
        application: ApplicationId,
    ) -> Result<ApplicationReceipt, AppError> {
        let page = format!("mina-sidor/ansokan/{application}");
        let view = self
            .receipt_view(actor, &page, ApplicantScope::Application(application))
            .await?;
        let Some(month) = view.months.iter().find(|m| m.application.id == application) else {
            return Err(self.refuse(actor, &page).await);
        };
        let name_of = |member: Option<&String>| match member {
            None => Whose::Household,
            Some(id) => month
                .members
                .iter()
                .filter_map(|m| m.person.as_ref())
                .find(|p| format!("P{}", p.id.get()) == *id)
                .map_or(Whose::Protected, |p| Whose::Named(p.name.clone())),
        };
        let declaration = month.extras.declaration.as_ref();
        Ok(ApplicationReceipt {
            application: month.application.clone(),
            received_at: month.extras.received_at,
            costs: declaration.map(|d| d.costs.clone()),
            incomes: declaration
                .map(|d| {
                    d.incomes
                        .iter()
                        .map(|i| DeclaredIncome {
                            whose: name_of(i.member.as_ref()),
                            kind: i.kind,
                            amount: i.amount,
                            earned_earlier_this_year: i.earned_earlier_this_year,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            assets: declaration.map_or(0, |d| d.assets),
            attachments: view
                .documents
                .iter()
                .filter(|d| d.application == application)
                .map(|d| d.file_name.clone())
                .collect(),
        })
    }

    /// An appeal's receipt: the appellant's words, each addition with its time, the decision it concerns. Access as
    /// for the decision itself (membership during its month), read and refused as [`App::application_receipt`].
    pub async fn appeal_receipt(&self, actor: &Actor, appeal: AppealId) -> Result<AppealReceipt, AppError> {
        let page = format!("mina-sidor/overklagande/{appeal}");
        let view = self
            .receipt_view(actor, &page, ApplicantScope::Appeal(appeal))
            .await?;
        let found = view.months.iter().find_map(|m| {
            let a = m.extras.appeals.iter().find(|a| a.id == appeal)?;
            let d = m.decisions.iter().find(|d| d.id == a.decision)?;
            Some(AppealReceipt {
                appeal: a.clone(),
                month: m.application.month,
                decision: d.clone(),
            })
        });
        match found {
            Some(receipt) => Ok(receipt),
            None => Err(self.refuse(actor, &page).await),
        }
    }

    async fn receipt_view(
        &self,
        actor: &Actor,
        page: &str,
        scope: ApplicantScope,
    ) -> Result<ApplicantView, AppError> {
        actor.require(Permission::ApplyOwn)?;
        let person = actor.person.ok_or(Denied::Role)?;
        let ctx = self.audit_ctx(actor, page);
        Ok(self.store.applicant_view(&ctx, person, scope).await?)
    }

    /// Records a refused receipt (`access.denied`) and returns the refusal (or the error recording it).
    async fn refuse(&self, actor: &Actor, page: &str) -> AppError {
        let ctx = self.audit_ctx(actor, page);
        match self.enforce(&ctx, page, Err(Denied::Role)).await {
            Err(e) => e,
            Ok(()) => AppError::Denied(Denied::Role),
        }
    }

    /// Whether the applicant may read a decision: only if they were a member of its household during the month it
    /// is for (`domain::membership::member_during`). A decision that does not exist is refused the same way, so
    /// that an applicant cannot learn which decisions exist. Reads ids and dates only; not audited.
    pub(crate) async fn applicant_may_read_decision(
        &self,
        actor: &Actor,
        decision: DecisionId,
    ) -> Result<Result<(), Denied>, AppError> {
        let Some(person) = actor.person else {
            return Ok(Err(Denied::Role));
        };
        match self.store.decision_membership(person, decision).await {
            Ok(access) if access.member() => Ok(Ok(())),
            Ok(_) | Err(store::StoreError::NotFound { .. }) => Ok(Err(Denied::Role)),
            Err(e) => Err(e.into()),
        }
    }

    /// The applicant's view for one decision's letter (the decision, its month's adults, the unit and who decided),
    /// read after the decision itself has been checked and read.
    pub(crate) async fn applicant_letter_view(
        &self,
        actor: &Actor,
        decision: DecisionId,
        page: &str,
    ) -> Result<ApplicantView, AppError> {
        let person = actor.person.ok_or(Denied::Role)?;
        let ctx = self.audit_ctx(actor, page);
        Ok(self
            .store
            .applicant_view(&ctx, person, ApplicantScope::Decision(decision))
            .await?)
    }
}
