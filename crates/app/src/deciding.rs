//! Investigating and deciding one month's application: the declaration, the facts the caseworker established with
//! reasons and sources, the engine's calculation of both, and the whole decision item by item (the riksnorm, each
//! reasonable cost, needs for livsföring i övrigt, a reduction under SoL 12:5), stored with the version they read.

use std::sync::LazyLock;

use domain::ApplicationId;
use domain::decision::{DecisionItem, FrozenCalculation, NewDecision, Outcome, Purpose};
use domain::investigation::{self, Correction, CostKind, FactChange};
use jiff::civil::Date;
use norm::contract::{CalcRequest, CalcResponse, LineOut};
use norm::{Money, RuleBook};
use store::{ApplicationView, CorrectionView, DecisionView, DocumentInfo, Intake, Investigations, Store};

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
    pub declared: Option<CalcRequest>,
    /// The caseworker's corrections, oldest first.
    pub corrections: Vec<CorrectionView>,
    /// The declaration with the corrections applied: what the decision rests on.
    pub established: Option<CalcRequest>,
    /// The facts whose established value differs from the declared one.
    pub changes: Vec<FactChange>,
    /// The engine's calculation of the declaration, or why it could not be made.
    pub declared_calculation: Option<Result<CalcResponse, String>>,
    /// The engine's calculation of the established facts with the municipality's guidelines.
    pub calculation: Option<Result<CalcResponse, String>>,
    /// The attachments sent with the application, oldest first.
    pub documents: Vec<DocumentInfo>,
    /// The open sanction proposals about the household's members (issue #13), for the decision form.
    pub open_sanctions: Vec<store::SanctionView>,
}

impl ApplicationCase {
    /// Whether a line of the established calculation differs from the declaration's (a line with the same part,
    /// text and amount in both is unchanged).
    pub fn line_changed(&self, line: &LineOut) -> bool {
        match &self.declared_calculation {
            Some(Ok(declared)) => !declared
                .lines
                .iter()
                .any(|l| l.part == line.part && l.text == line.text && l.amount == line.amount),
            _ => false,
        }
    }
}

/// How the caseworker decides the month's calculated items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The riksnorm and each reasonable cost as established and calculated (an item is partly or wholly refused
    /// where the established amount is below the declared one).
    AsCalculated,
    /// The whole application is refused (for example: not at the labour market's disposal, assets to use first).
    RefuseAll,
}

/// A need for livsföring i övrigt decided in the same decision.
#[derive(Debug, Clone)]
pub struct ExtraItem {
    pub purpose: Purpose,
    /// In the caseworker's words ("Glasögon enligt optikerns kostnadsförslag").
    pub what: String,
    pub applied: Money,
    pub granted: Money,
    pub reasons: String,
}

/// A refusal or reduction under SoL 12:5, proposed by a job coach or found by the caseworker; always decided here.
#[derive(Debug, Clone)]
pub struct Reduction {
    pub amount: Money,
    pub reasons: String,
}

/// The caseworker's whole decision on the month's application.
#[derive(Debug, Clone)]
pub struct DecisionForm {
    pub verdict: Verdict,
    /// Reasons for the calculated items that are not granted in full (added to the reasons the investigation
    /// already gives, such as a corrected fact or a guideline's ceiling).
    pub reasons: String,
    pub extra: Vec<ExtraItem>,
    pub reduction: Option<Reduction>,
    /// Job coaches' proposals under 12 kap. 5 § this decision carries out through its reduction (issue #13;
    /// `crate::sanctions`): their grounds are added to the reduction's reasons and they are marked decided in the
    /// decision's transaction.
    pub sanction: Option<crate::sanctions::SanctionChoice>,
}

/// The most extra items one decision takes from the form.
pub const MAX_EXTRA_ITEMS: usize = 5;

impl App {
    /// The application with its declaration, the established facts and the engine's calculation of both (an
    /// audited read).
    pub async fn application_case(
        &self,
        actor: &Actor,
        id: ApplicationId,
    ) -> Result<ApplicationCase, AppError> {
        self.application_case_in(actor, id, norm::Lang::Sv).await
    }

    /// [`App::application_case`] with the calculations worded in `lang` and members by name (read with the
    /// household's members, an audited read; a protected member the actor has no grant for is masked).
    pub async fn application_case_in(
        &self,
        actor: &Actor,
        id: ApplicationId,
        lang: norm::Lang,
    ) -> Result<ApplicationCase, AppError> {
        let page = format!("ansokan/{id}");
        let ctx = self.checked(actor, id, &page, Permission::ReadCase).await?;
        let application = self.store.application(&ctx, id).await?;
        // Everyone who has ever been a member is in the overview's membership, so the day only has to be valid.
        let on = domain::membership::first_day(application.month)
            .unwrap_or_else(|| ctx.at.to_zoned(jiff::tz::TimeZone::UTC).date());
        let household = self
            .store
            .household_overview(&ctx, application.household, on)
            .await?;
        let names = crate::shown::MemberNames::new(
            actor,
            lang,
            household
                .membership
                .iter()
                .map(|m| (m.person.id, m.person.name.as_str(), m.person.protection)),
        );
        let mut record = self.store.investigation(&ctx, id).await?;
        // The page shows the calculation as a decision made today would quote it.
        let today = norm_date(ctx.at.to_zoned(jiff::tz::TimeZone::UTC).date())?;
        if let Some(d) = record.declared.as_mut() {
            d.decided_on = Some(today);
        }
        let corrections: Vec<Correction> = record.corrections.iter().map(|c| c.correction.clone()).collect();
        let established = record
            .declared
            .as_ref()
            .map(|d| investigation::establish(d, &corrections));
        let changes = record
            .declared
            .as_ref()
            .map(|d| investigation::changes(d, &corrections))
            .unwrap_or_default();
        let declared_calculation = record
            .declared
            .as_ref()
            .map(|r| self.calculate_shown(r, lang, &names).map_err(|e| e.to_string()));
        let calculation = established
            .as_ref()
            .map(|r| self.calculate_shown(r, lang, &names).map_err(|e| e.to_string()));
        let documents = self.store.application_documents(&ctx, id).await?;
        let open_sanctions = store::Sanctions::household_sanctions(
            &self.store,
            &ctx,
            application.household,
            ctx.at.to_zoned(jiff::tz::TimeZone::UTC).date(),
        )
        .await?
        .proposals
        .into_iter()
        .filter(|p| p.outcome.is_none())
        .collect();
        Ok(ApplicationCase {
            open_sanctions,
            application,
            declared: record.declared,
            corrections: record.corrections,
            established,
            changes,
            declared_calculation,
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

    /// Establishes one fact of an application under investigation with a reason and a source. Nothing declared is
    /// overwritten; the established input must still be one the engine can calculate, or nothing is stored.
    pub async fn correct_fact(
        &self,
        actor: &Actor,
        id: ApplicationId,
        version: i64,
        correction: Correction,
    ) -> Result<ApplicationView, AppError> {
        let ctx = self
            .checked(actor, id, &format!("ansokan/{id}"), Permission::Decide)
            .await?;
        let record = self.store.investigation(&ctx, id).await?;
        let declared = record.declared.ok_or(AppError::Invalid {
            field: "ansokan",
            reason: "ansökan saknar uppgifter att utreda".to_owned(),
        })?;
        let correction = correction.validate(&declared).map_err(invalid)?;
        let mut all: Vec<Correction> = record.corrections.into_iter().map(|c| c.correction).collect();
        all.push(correction.clone());
        let established = investigation::establish(&declared, &all);
        self.calculate_for_decision(&established)
            .map_err(|e| AppError::Invalid {
                field: "value",
                reason: format!("uppgiften går inte att beräkna: {e}"),
            })?;
        Ok(self
            .store
            .correct_application_fact(&ctx, id, version, correction)
            .await?)
    }

    /// Decides with the calculation made now from the established facts (never from figures posted by the
    /// browser), frozen into the decision with the rule table's version; each item carries the legal basis in force
    /// on the decision date.
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
        let decided_on = ctx.at.to_zoned(jiff::tz::TimeZone::UTC).date();
        let record = self.store.investigation(&ctx, id).await?;
        let declared = record.declared.ok_or(AppError::Invalid {
            field: "ansokan",
            reason: "ansökan saknar uppgifter att beräkna".to_owned(),
        })?;
        let corrections: Vec<Correction> = record.corrections.into_iter().map(|c| c.correction).collect();
        // Both calculations quote the law in force on the decision date (the amounts follow the month).
        let on = norm_date(decided_on)?;
        let declared = CalcRequest {
            decided_on: Some(on),
            ..declared
        };
        let established = investigation::establish(&declared, &corrections);
        let changes = investigation::changes(&declared, &corrections);
        let before = self
            .calculate_for_decision(&declared)
            .map_err(|e| AppError::Invalid {
                field: "ansokan",
                reason: e.to_string(),
            })?;
        let response = self
            .calculate_for_decision(&established)
            .map_err(|e| AppError::Invalid {
                field: "ansokan",
                reason: e.to_string(),
            })?;
        // Proposals under 12:5 carried out by this decision: their grounds go into the reduction's reasons.
        let (form, carried) = match form.sanction.clone() {
            None => (form, None),
            Some(choice) => {
                let household = self.store.application_access(id).await?.household;
                let grounds = self.sanction_grounds(&ctx, household, &choice).await?;
                let norm = kronor(response.norm, "ansokan")?;
                let (form, own) = crate::sanctions::carry_into(form, &choice, &grounds, norm)?;
                (form, Some((choice, own)))
            }
        };
        let decision = whole_decision(
            &form,
            &declared,
            &before,
            &established,
            &response,
            &changes,
            decided_on,
        )?;
        let mut decision = NewDecision {
            calculation: Some(FrozenCalculation {
                changes,
                rule_table: response.rule_table.clone(),
                rule_table_version: response.rule_table_version.clone(),
                request: established,
                response,
            }),
            ..decision
        };
        match carried {
            None => Ok(self.store.decide(&ctx, id, version, decision).await?),
            Some((choice, own)) => {
                if choice.outcome == domain::progression::SanctionOutcome::Refuse {
                    crate::sanctions::name_refusal(&mut decision, declared.month);
                }
                Ok(store::Sanctions::decide_with_sanctions(
                    &self.store,
                    &ctx,
                    id,
                    version,
                    decision,
                    &choice.proposals,
                    choice.outcome,
                    &own,
                )
                .await?)
            }
        }
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

/// A civil date as the engine's contract takes it.
fn norm_date(d: Date) -> Result<norm::Date, AppError> {
    let (y, m, day) = (
        u16::try_from(d.year()).ok(),
        u8::try_from(d.month()).ok(),
        u8::try_from(d.day()).ok(),
    );
    y.zip(m)
        .zip(day)
        .and_then(|((y, m), day)| norm::Date::new(y, m, day).ok())
        .ok_or(AppError::Internal(
            "the decision date is outside the engine's range".to_owned(),
        ))
}

/// A domain refusal as a form error on its field.
fn invalid(e: domain::DomainError) -> AppError {
    match e {
        domain::DomainError::Invalid { field, reason } | domain::DomainError::Amount { field, reason } => {
            AppError::Invalid {
                field,
                reason: reason.to_owned(),
            }
        }
        other => AppError::Invalid {
            field: "value",
            reason: other.to_string(),
        },
    }
}

fn kronor(k: i64, field: &'static str) -> Result<Money, AppError> {
    Money::from_kronor(k.max(0)).map_err(|e| AppError::Invalid {
        field,
        reason: e.to_string(),
    })
}

/// The outcome an item's amounts say: all granted, nothing, or part.
fn outcome_of(applied: Money, granted: Money) -> Outcome {
    if granted >= applied {
        Outcome::Bifall
    } else if granted == Money::ZERO {
        Outcome::Avslag
    } else {
        Outcome::DelvisBifall
    }
}

/// The reasons the investigation gives for a fact: what was declared, what was established, why and from where.
fn change_reason(c: &FactChange) -> String {
    format!(
        "Uppgiften har ändrats från {} till {}: {} (underlag: {}, {}).",
        c.declared,
        c.established,
        c.reason,
        c.source.label_sv(),
        c.source_detail
    )
}

/// Builds the decision's items from the two calculations and the form (pure, so it is tested without a store).
fn whole_decision(
    form: &DecisionForm,
    declared: &CalcRequest,
    before: &CalcResponse,
    established: &CalcRequest,
    after: &CalcResponse,
    changes: &[FactChange],
    decided_on: Date,
) -> Result<NewDecision, AppError> {
    let typed = domain::text::DECISION_REASONS
        .check(&form.reasons)
        .map_err(invalid)?;
    let month = declared.month;
    let mut items = Vec::new();

    // The riksnorm: the applied amount is the norm the declaration gives; a raised norm is granted as applied.
    let norm_applied = kronor(before.norm.max(after.norm), "ansokan")?;
    let norm_granted = kronor(after.norm, "ansokan")?;
    let norm_reasons: Vec<String> = changes
        .iter()
        .filter(|c| {
            matches!(
                c.fact,
                investigation::Fact::Lunch { .. }
                    | investigation::Fact::Couple
                    | investigation::Fact::SharedHouseholdSize
                    | investigation::Fact::NormAdjustment { .. }
            )
        })
        .map(change_reason)
        .collect();
    items.push((
        Purpose::Forsorjningsstod,
        format!("Försörjningsstöd enligt riksnormen {month}"),
        norm_applied,
        norm_granted,
        norm_reasons,
    ));

    // Each reasonable cost: applied as declared, granted as established and accepted (a rent above the
    // guideline's ceiling is accepted up to the ceiling).
    let accepted_other: i64 = [
        established.costs.electricity,
        established.costs.home_insurance,
        established.costs.work_travel,
        established.costs.union_fees,
    ]
    .iter()
    .sum();
    let accepted_rent = after.reasonable_costs.saturating_sub(accepted_other).max(0);
    let ceiling_finding = after.findings.iter().find(|f| f.starts_with("Hyran")).cloned();
    for (cost, purpose, accepted) in [
        (CostKind::Rent, Purpose::Boende, accepted_rent),
        (
            CostKind::Electricity,
            Purpose::Hushallsel,
            established.costs.electricity,
        ),
        (
            CostKind::HomeInsurance,
            Purpose::Hemforsakring,
            established.costs.home_insurance,
        ),
        (
            CostKind::WorkTravel,
            Purpose::Arbetsresor,
            established.costs.work_travel,
        ),
        (
            CostKind::UnionFees,
            Purpose::Fackavgift,
            established.costs.union_fees,
        ),
    ] {
        let fact = investigation::Fact::Cost { cost };
        let declared_amount = match fact.value_in(declared) {
            investigation::FactValue::Kronor(k) => k,
            _ => 0,
        };
        if declared_amount == 0 && accepted == 0 {
            continue;
        }
        let granted = kronor(accepted, "ansokan")?;
        let applied = kronor(declared_amount, "ansokan")?.max(granted);
        let mut reasons: Vec<String> = changes
            .iter()
            .filter(|c| c.fact == fact)
            .map(change_reason)
            .collect();
        if cost == CostKind::Rent
            && let Some(f) = &ceiling_finding
        {
            reasons.push(format!(
                "Hyran godtas upp till kommunens riktlinje för ett hushåll av den här storleken. {}",
                f.split(';').next().unwrap_or(f)
            ));
        }
        items.push((
            purpose,
            format!("{} {month}", purpose.label_sv()),
            applied,
            granted,
            reasons,
        ));
    }

    let refuse_all = form.verdict == Verdict::RefuseAll;
    if refuse_all && typed.is_empty() {
        return Err(AppError::Invalid {
            field: "reasons",
            reason: "motivera varför ansökan avslås".to_owned(),
        });
    }
    let mut out: Vec<DecisionItem> = Vec::new();
    let standard = "Behovet är beräknat enligt riksnormen och skäliga kostnader.";
    for (purpose, what, applied, granted, auto) in items {
        let granted = if refuse_all { Money::ZERO } else { granted };
        let outcome = outcome_of(applied, granted);
        let mut reasons = auto;
        if !typed.is_empty() {
            reasons.push(typed.to_owned());
        }
        if outcome != Outcome::Bifall && reasons.is_empty() {
            return Err(AppError::Invalid {
                field: "reasons",
                reason: format!(
                    "motivera varför {} inte beviljas i sin helhet",
                    purpose.label_sv().to_lowercase()
                ),
            });
        }
        let reasons = if reasons.is_empty() {
            standard.to_owned()
        } else {
            reasons.join(" ")
        };
        out.push(DecisionItem {
            purpose,
            what,
            outcome,
            applied: if outcome == Outcome::Bifall {
                granted
            } else {
                applied
            },
            granted,
            reasons,
            legal_basis: purpose.legal_basis(decided_on).to_owned(),
        });
    }

    for (n, extra) in form.extra.iter().enumerate().take(MAX_EXTRA_ITEMS) {
        if !extra.purpose.is_livsforing() {
            return Err(AppError::Invalid {
                field: "extra",
                reason: format!("rad {}: välj ett behov inom livsföring i övrigt", n + 1),
            });
        }
        let what = domain::text::ITEM_DESCRIPTION
            .check(&extra.what)
            .map_err(invalid)?;
        let reasons = domain::text::DECISION_REASONS
            .check(&extra.reasons)
            .map_err(invalid)?;
        if extra.applied <= Money::ZERO || extra.granted.is_negative() {
            return Err(AppError::Invalid {
                field: "extra",
                reason: format!("rad {}: ange sökt belopp större än 0 och beviljat belopp", n + 1),
            });
        }
        if extra.granted > extra.applied {
            return Err(AppError::Invalid {
                field: "extra",
                reason: format!("rad {}: beviljat belopp kan inte vara större än sökt", n + 1),
            });
        }
        let granted = if refuse_all { Money::ZERO } else { extra.granted };
        let outcome = outcome_of(extra.applied, granted);
        if reasons.is_empty() {
            return Err(AppError::Invalid {
                field: "extra",
                reason: format!("rad {}: motivera beslutet", n + 1),
            });
        }
        out.push(DecisionItem {
            purpose: extra.purpose,
            what: if what.is_empty() {
                extra.purpose.label_sv().to_owned()
            } else {
                what.to_owned()
            },
            outcome,
            applied: extra.applied,
            granted,
            reasons: reasons.to_owned(),
            legal_basis: extra.purpose.legal_basis(decided_on).to_owned(),
        });
    }

    // The household's own means.
    let deductions = kronor(after.counted_income.saturating_add(after.assets), "ansokan")?;

    if let Some(r) = &form.reduction {
        let reasons = domain::text::DECISION_REASONS
            .check(&r.reasons)
            .map_err(invalid)?;
        if reasons.is_empty() {
            return Err(AppError::Invalid {
                field: "reduction_reasons",
                reason:
                    "motivera nedsättningen: vilken planerad insats som avböjts och varför skälet inte godtas"
                        .to_owned(),
            });
        }
        if refuse_all {
            return Err(AppError::Invalid {
                field: "reduction_amount",
                reason: "en nedsättning görs inte när hela ansökan avslås".to_owned(),
            });
        }
        if r.amount <= Money::ZERO || r.amount > norm_granted {
            return Err(AppError::Invalid {
                field: "reduction_amount",
                reason: format!("nedsättningen ska vara större än 0 och högst riksnormen {norm_granted}"),
            });
        }
        out.push(DecisionItem {
            purpose: Purpose::Nedsattning,
            what: format!("Nedsättning av försörjningsstödet {month}"),
            outcome: Outcome::Avslag,
            applied: r.amount,
            granted: Money::ZERO,
            reasons: reasons.to_owned(),
            legal_basis: Purpose::Nedsattning.legal_basis(decided_on).to_owned(),
        });
    }

    let mut decision = NewDecision {
        items: out,
        calculation: None,
        replaces: None,
        deductions,
    };
    decision.validate().map_err(invalid)?;
    if !refuse_all && decision.total_granted().map_err(invalid)? == Money::ZERO {
        // Own means cover the whole need: nothing is granted, and the letter says why.
        if decision.items.iter().any(|i| i.purpose == Purpose::Nedsattning) {
            return Err(AppError::Invalid {
                field: "reduction_amount",
                reason: "hushållets inkomster täcker behovet; en nedsättning har ingen verkan".to_owned(),
            });
        }
        let why = format!(
            "Hushållets inkomster och tillgångar ({}) täcker behovet denna månad.",
            deductions
        );
        for item in &mut decision.items {
            item.outcome = Outcome::Avslag;
            item.granted = Money::ZERO;
            item.reasons = format!("{why} {}", item.reasons);
        }
        decision.validate().map_err(invalid)?;
    }
    Ok(decision)
}

#[cfg(test)]
mod tests;
