//! Investigating and deciding one month's application: the engine's calculation from what the applicant declared,
//! and the caseworker's decision item by item, stored with the version they read.

use std::sync::LazyLock;

use domain::ApplicationId;
use domain::decision::{DecisionItem, FrozenCalculation, NewDecision, Outcome};
use norm::contract::{CalcRequest, CalcResponse};
use norm::{Money, RuleBook};
use store::{ApplicationView, DecisionView, DocumentInfo, Intake, Store};

use crate::access::{Actor, Permission};
use crate::service::{App, AppError};

/// The rule tables are embedded data; parsed once per process.
static RULES: LazyLock<RuleBook> = LazyLock::new(RuleBook::standard);

/// The rule book every use case calculates with.
pub fn rules() -> &'static RuleBook {
    &RULES
}

/// One application as the caseworker works on it.
#[derive(Debug, Clone)]
pub struct ApplicationCase {
    pub application: ApplicationView,
    /// What the applicant declared, if the application carries it.
    pub request: Option<CalcRequest>,
    /// The engine's calculation of the declared input, or why it could not be made.
    pub calculation: Option<Result<CalcResponse, String>>,
    /// The attachments sent with the application, oldest first.
    pub documents: Vec<DocumentInfo>,
}

/// The caseworker's decision on the month's försörjningsstöd.
#[derive(Debug, Clone)]
pub struct DecisionForm {
    pub outcome: Outcome,
    /// For delvis bifall: what is granted. Bifall grants the calculated amount, avslag nothing.
    pub granted: Option<Money>,
    pub reasons: String,
}

impl App {
    /// The application with its declared input and the engine's calculation (an audited read).
    pub async fn application_case(
        &self,
        actor: &Actor,
        id: ApplicationId,
    ) -> Result<ApplicationCase, AppError> {
        let page = format!("ansokan/{id}");
        let ctx = self.checked(actor, id, &page, Permission::ReadCase).await?;
        let application = self.store.application(&ctx, id).await?;
        let request = self.store.application_request(&ctx, id).await?;
        let calculation = request
            .as_ref()
            .map(|r| norm::calculate(&RULES, r).map_err(|e| e.to_string()));
        let documents = self.store.application_documents(&ctx, id).await?;
        Ok(ApplicationCase {
            application,
            request,
            calculation,
            documents,
        })
    }

    pub async fn start_investigation(
        &self,
        actor: &Actor,
        id: ApplicationId,
        version: i64,
    ) -> Result<ApplicationView, AppError> {
        let ctx = self
            .checked(actor, id, &format!("ansokan/{id}"), Permission::Decide)
            .await?;
        Ok(self.store.start_investigation(&ctx, id, version).await?)
    }

    /// Decides with the calculation made now from the stored declaration (never from figures posted by the
    /// browser), frozen into the decision with the rule table's version.
    pub async fn decide_application(
        &self,
        actor: &Actor,
        id: ApplicationId,
        version: i64,
        form: DecisionForm,
    ) -> Result<DecisionView, AppError> {
        let ctx = self
            .checked(actor, id, &format!("ansokan/{id}"), Permission::Decide)
            .await?;
        let request = self
            .store
            .application_request(&ctx, id)
            .await?
            .ok_or(AppError::Invalid {
                field: "ansokan",
                reason: "ansökan saknar uppgifter att beräkna".to_owned(),
            })?;
        let response = norm::calculate(&RULES, &request).map_err(|e| AppError::Invalid {
            field: "ansokan",
            reason: e.to_string(),
        })?;
        let applied = Money::from_kronor(response.assistance).map_err(|e| AppError::Invalid {
            field: "ansokan",
            reason: e.to_string(),
        })?;
        let granted = match form.outcome {
            Outcome::Bifall => applied,
            Outcome::Avslag => Money::ZERO,
            Outcome::DelvisBifall => form.granted.ok_or(AppError::Invalid {
                field: "granted",
                reason: "ange beviljat belopp".to_owned(),
            })?,
        };
        if form.outcome == Outcome::DelvisBifall && !(granted > Money::ZERO && granted < applied) {
            return Err(AppError::Invalid {
                field: "granted",
                reason: format!("beviljat belopp ska vara mer än 0 och mindre än beräknade {applied}"),
            });
        }
        let typed_reasons =
            domain::text::DECISION_REASONS
                .check(&form.reasons)
                .map_err(|e| AppError::Invalid {
                    field: "reasons",
                    reason: match e {
                        domain::DomainError::Invalid { reason, .. } => reason.to_owned(),
                        other => other.to_string(),
                    },
                })?;
        if form.outcome != Outcome::Bifall && typed_reasons.is_empty() {
            return Err(AppError::Invalid {
                field: "reasons",
                reason: "motivera varför ansökan inte beviljas i sin helhet".to_owned(),
            });
        }
        let reasons = if typed_reasons.is_empty() {
            "Behovet är beräknat enligt riksnormen och skäliga kostnader, minus inkomster.".to_owned()
        } else {
            typed_reasons.to_owned()
        };
        let legal_basis = if response.rule_set.contains("2025-400") {
            "SoL 12:1"
        } else {
            "SoL 4:1"
        };
        let decision = NewDecision {
            items: vec![DecisionItem {
                what: format!("Försörjningsstöd {}", request.month),
                outcome: form.outcome,
                applied,
                granted,
                reasons,
                legal_basis: legal_basis.to_owned(),
            }],
            calculation: Some(FrozenCalculation {
                rule_table: response.rule_table.clone(),
                rule_table_version: response.rule_table_version.clone(),
                request,
                response,
            }),
            replaces: None,
        };
        Ok(self.store.decide(&ctx, id, version, decision).await?)
    }

    /// Checks the permission and the household's unit and grants before anything personal is read; refusals are
    /// audited. Returns the audit context for the use case.
    async fn checked(
        &self,
        actor: &Actor,
        id: ApplicationId,
        page: &str,
        permission: Permission,
    ) -> Result<domain::Actor, AppError> {
        let ctx = self.audit_ctx(actor, page);
        let check = match actor.require(permission) {
            Err(denied) => Err(denied),
            Ok(()) => match self.store.application_access(id).await {
                Ok(access) => actor.may_read_household(access.unit, &access.protected_members),
                Err(e) => return Err(e.into()),
            },
        };
        self.enforce(&ctx, page, check).await?;
        Ok(ctx)
    }
}
