//! Sanctions under 12 kap. 5 § SoL (issue #13) and the activity requirement's flag.
//!
//! A job coach (or a caseworker) *proposes* from a recorded week whose absence was unexcused or refused, or from a
//! refusal of a planned activity as a whole (`sanction.propose`). Nothing is cut by that: a caseworker decides, in
//! the household's decision for the month (the reduction item, or a refusal of the riksnorm in full, with the
//! caseworker's reasons and the proposal's ground in the letter: [`SanctionChoice`] on the decision form, stored in
//! the decision's transaction), or dismisses the proposal with reasons (`sanction.decide`). A decided proposal is
//! never decided again (a conflict).
//!
//! Who may: proposing needs `EditPlan` and the household's unit (and protected-identity grants); a job coach also
//! for a person whose open plan they follow in another unit, as for the coach's other ladder work. Deciding needs
//! `Decide` within the unit. Refusals are recorded as
//! `access.denied`, like every use case's.
//!
//! The activity requirement (the municipality's activity guarantee, the proposed aktivitetskrav: dated rules, each
//! switchable in the configuration) flags every adult of a household on assistance three consecutive months whose
//! open plan's running activities add up to less than full time (`domain::progression::requirement`).

use std::sync::Arc;

use domain::progression::requirement::{self, RequirementKind, Requirements};
use domain::progression::{Absence, SanctionGround, SanctionOutcome};
use domain::{ActivityId, HouseholdId, PersonId, SanctionId};
use jiff::civil::{Date, Weekday};
use norm::Money;
use store::{
    NewSanction, ProposalContext, RequirementCheck, SanctionSubject, SanctionView, Sanctions, Worklists,
};

use crate::access::{Actor, Denied, Permission, Role};
use crate::deciding::{DecisionForm, Reduction, Verdict};
use crate::service::{App, AppError};

/// A proposal as the coach's form gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub person: PersonId,
    pub activity: ActivityId,
    /// The week's Monday; `None`: the person refused the activity as a whole.
    pub week: Option<Date>,
    pub reason: String,
}

/// The proposals a decision carries out, and how: reduce (the reduction item's typed amount) or refuse (the
/// riksnorm in full). Dismissing is its own use case ([`App::dismiss_sanction`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SanctionChoice {
    pub proposals: Vec<SanctionId>,
    pub outcome: SanctionOutcome,
}

/// One adult of the household and the activity requirement on the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdultRequirement {
    pub person: PersonId,
    /// Weekly hours of the open plan's activities running today.
    pub hours: i64,
    /// The rules that flag the adult (empty: not flagged).
    pub flagged_by: Vec<RequirementKind>,
}

/// The household page's part: proposals and the activity requirement per adult.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HouseholdSanctionView {
    pub proposals: Vec<SanctionView>,
    /// Consecutive months on assistance today (the rule's definition).
    pub consecutive_months: u32,
    pub adults: Vec<AdultRequirement>,
    /// The rules in force today.
    pub rules_in_force: Vec<RequirementKind>,
}

impl App {
    /// The municipality's activity requirement rules (`[aktivitetskrav]` in the configuration).
    pub fn with_requirements(mut self, requirements: Requirements) -> App {
        self.requirements = Arc::new(requirements);
        self
    }

    /// The rules configured.
    pub fn requirements(&self) -> &Requirements {
        &self.requirements
    }

    /// The rules in force on `day` as a query tests them; `None` when no rule is in force.
    pub(crate) fn requirement_check(&self, day: Date) -> Option<RequirementCheck> {
        let thresholds = self.requirements.thresholds(day);
        if thresholds.is_empty() {
            return None;
        }
        Some(RequirementCheck {
            day,
            month: requirement::month_of(day)?,
            thresholds,
        })
    }

    fn today(&self, ctx: &domain::Actor) -> Date {
        ctx.at.to_zoned(jiff::tz::TimeZone::UTC).date()
    }

    /// Checks who may propose for `person`: `EditPlan`, the household's unit and grants, and for a job coach the
    /// person's open plan followed by them. A refusal is recorded. Returns the person's household and the facts.
    async fn may_propose(
        &self,
        ctx: &domain::Actor,
        actor: &Actor,
        person: PersonId,
        activity: ActivityId,
        week: Option<Date>,
    ) -> Result<(HouseholdId, SanctionSubject), AppError> {
        let page = ctx.page.clone();
        self.enforce(ctx, &page, actor.require(Permission::EditPlan))
            .await?;
        let household = self
            .store
            .households_of(person)
            .await?
            .into_iter()
            .next()
            .ok_or(AppError::NotFound { what: "person" })?;
        let access = self.store.household_access(household).await?;
        let subject = self.store.sanction_subject(person, activity, week).await?;
        // As the coach's other ladder work (`progression::judge_person`): a job coach reaches the persons whose open
        // plan they follow, and their units' households; everyone else their units' households.
        let check = reaches(
            actor,
            access.unit,
            &access.protected_members,
            follows(actor, &subject),
        );
        self.enforce(ctx, &page, check).await?;
        Ok((household, subject))
    }

    /// The proposal form's context: the person, the activity and the week as recorded (an audited read).
    pub async fn sanction_form(
        &self,
        actor: &Actor,
        person: PersonId,
        activity: ActivityId,
        week: Option<Date>,
    ) -> Result<ProposalContext, AppError> {
        let ctx = self.audit_ctx(actor, &format!("person/{person}/sanktion"));
        let (_, subject) = self.may_propose(&ctx, actor, person, activity, week).await?;
        if subject.activity.map(|(p, _)| p) != Some(person) {
            return Err(AppError::NotFound { what: "aktivitet" });
        }
        Ok(self.store.proposal_context(&ctx, person, activity, week).await?)
    }

    /// A coach's proposal under 12 kap. 5 § SoL: from a week whose absence was unexcused or refused, or (no week)
    /// from a refusal of the activity. The reason is required. A second proposal for the activity and week is a
    /// conflict. Nothing is cut: a caseworker decides.
    pub async fn propose_sanction(&self, actor: &Actor, p: &Proposal) -> Result<SanctionId, AppError> {
        let ctx = self.audit_ctx(actor, &format!("person/{}/sanktion", p.person));
        let (household, subject) = self
            .may_propose(&ctx, actor, p.person, p.activity, p.week)
            .await?;
        let ground = proposal_ground(&subject, p)?;
        let reason = domain::text::SANCTION_REASON
            .check(&p.reason)
            .map_err(|e| invalid_from(e, "skal"))?;
        if reason.is_empty() {
            return Err(AppError::Invalid {
                field: "skal",
                reason: "skriv vad som hänt och varför skälet inte godtas".to_owned(),
            });
        }
        let new = NewSanction {
            person: p.person,
            household,
            activity: p.activity,
            week: p.week,
            ground,
            reason: reason.to_owned(),
        };
        Ok(self.store.propose_sanction(&ctx, &new).await?)
    }

    /// Checks `Decide` within the proposal's household's unit (a refusal recorded); returns the household.
    async fn may_decide_sanction(
        &self,
        ctx: &domain::Actor,
        actor: &Actor,
        id: SanctionId,
        permission: Permission,
    ) -> Result<store::SanctionFacts, AppError> {
        let page = ctx.page.clone();
        self.enforce(ctx, &page, actor.require(permission)).await?;
        let facts = self.store.sanction_facts(id).await?;
        let access = self.store.household_access(facts.household).await?;
        let check = if permission == Permission::Decide {
            actor.may_read_household(access.unit, &access.protected_members)
        } else {
            // Reading it: also the coach who follows the person's plan from another unit.
            let subject = self
                .store
                .sanction_subject(facts.person, ActivityId(0), None)
                .await?;
            reaches(
                actor,
                access.unit,
                &access.protected_members,
                follows(actor, &subject),
            )
        };
        self.enforce(ctx, &page, check).await?;
        Ok(facts)
    }

    /// One proposal (`ReadCase` within the unit; an audited read).
    pub async fn sanction(&self, actor: &Actor, id: SanctionId) -> Result<SanctionView, AppError> {
        let ctx = self.audit_ctx(actor, &format!("sanktion/{id}"));
        self.may_decide_sanction(&ctx, actor, id, Permission::ReadCase)
            .await?;
        Ok(self.store.sanction(&ctx, id).await?)
    }

    /// The caseworker dismisses a proposal with reasons (not imposed). A decided proposal is a conflict.
    pub async fn dismiss_sanction(
        &self,
        actor: &Actor,
        id: SanctionId,
        reasons: &str,
    ) -> Result<(), AppError> {
        let ctx = self.audit_ctx(actor, &format!("sanktion/{id}"));
        let facts = self
            .may_decide_sanction(&ctx, actor, id, Permission::Decide)
            .await?;
        if facts.decided {
            return Err(AppError::Conflict("förslaget är redan avgjort"));
        }
        let reasons = domain::text::SANCTION_REASON
            .check(reasons)
            .map_err(|e| invalid_from(e, "skal"))?;
        if reasons.is_empty() {
            return Err(AppError::Invalid {
                field: "skal",
                reason: "skriv varför förslaget inte leder till någon nedsättning".to_owned(),
            });
        }
        Ok(self.store.dismiss_sanction(&ctx, id, reasons).await?)
    }

    /// The household page's part: its proposals and the activity requirement per adult today (an audited read,
    /// after the household's access check).
    pub async fn household_sanctions(
        &self,
        actor: &Actor,
        household: HouseholdId,
    ) -> Result<HouseholdSanctionView, AppError> {
        let ctx = self.audit_ctx(actor, &format!("hushall/{household}"));
        let access = self.store.household_access(household).await?;
        self.enforce(
            &ctx,
            &format!("hushall/{household}"),
            actor.may_read_household(access.unit, &access.protected_members),
        )
        .await?;
        let today = self.today(&ctx);
        let read = self.store.household_sanctions(&ctx, household, today).await?;
        let months = requirement::consecutive_months(&read.granted_months, today);
        let adults = read
            .adult_hours
            .iter()
            .map(|(person, hours)| AdultRequirement {
                person: *person,
                hours: *hours,
                flagged_by: self.requirements.flagged_by(
                    today,
                    months,
                    u32::try_from((*hours).max(0)).unwrap_or(u32::MAX),
                ),
            })
            .collect();
        Ok(HouseholdSanctionView {
            proposals: read.proposals,
            consecutive_months: months,
            adults,
            rules_in_force: self.requirements.in_force(today).iter().map(|r| r.kind).collect(),
        })
    }

    /// The grounds of the proposals a decision carries out, as the letter states them; each must be open and of
    /// the application's household (else a conflict: someone decided it meanwhile).
    pub(crate) async fn sanction_grounds(
        &self,
        ctx: &domain::Actor,
        household: HouseholdId,
        choice: &SanctionChoice,
    ) -> Result<Vec<String>, AppError> {
        if choice.proposals.is_empty() {
            return Err(AppError::Invalid {
                field: "sanction",
                reason: "välj vilket förslag beslutet gäller".to_owned(),
            });
        }
        let mut grounds = Vec::new();
        for id in &choice.proposals {
            let view = self.store.sanction(ctx, *id).await?;
            if view.household != household {
                return Err(AppError::NotFound { what: "förslag" });
            }
            if view.outcome.is_some() {
                return Err(AppError::Conflict("förslaget är redan avgjort"));
            }
            grounds.push(ground_sentence(&view));
        }
        Ok(grounds)
    }
}

/// Whether a job coach follows the person's open plan.
fn follows(actor: &Actor, subject: &SanctionSubject) -> bool {
    actor.role == Role::JobCoach && actor.staff.is_some() && subject.open_plan.flatten() == actor.staff
}

/// The household's unit (or, for a following coach, the person), and grants for its protected members.
fn reaches(actor: &Actor, unit: domain::UnitId, protected: &[PersonId], follows: bool) -> Result<(), Denied> {
    actor.require(Permission::ReadCase)?;
    if !(follows || actor.role == Role::Auditor || actor.units.contains(&unit)) {
        return Err(Denied::Unit);
    }
    if protected.iter().any(|p| !actor.protected_grants.contains(p)) {
        return Err(Denied::ProtectedIdentity);
    }
    Ok(())
}

/// What the proposal rests on, from the week's recorded absence, or a refusal when there is no week.
fn proposal_ground(subject: &SanctionSubject, p: &Proposal) -> Result<SanctionGround, AppError> {
    let bad = |field: &'static str, reason: &str| AppError::Invalid {
        field,
        reason: reason.to_owned(),
    };
    match subject.activity {
        Some((person, _)) if person == p.person => {}
        _ => return Err(AppError::NotFound { what: "aktivitet" }),
    }
    if subject.activity.is_some_and(|(_, open)| !open) {
        return Err(bad("aktivitet", "aktiviteten hör till en avslutad planering"));
    }
    let Some(week) = p.week else {
        return Ok(SanctionGround::Refusal);
    };
    if week.weekday() != Weekday::Monday {
        return Err(bad("vecka", "veckan anges med sin måndag"));
    }
    match subject.absence {
        None => Err(bad("vecka", "ingen närvaro är registrerad för veckan")),
        Some(Some(Absence::Unexcused)) => Ok(SanctionGround::UnexcusedAbsence),
        Some(Some(Absence::Refused)) => Ok(SanctionGround::Refusal),
        Some(_) => Err(bad(
            "vecka",
            "veckans frånvaro har ett godtagbart skäl: ett förslag kräver frånvaro utan godtagbart skäl eller att personen avböjt",
        )),
    }
}

fn invalid_from(e: domain::DomainError, field: &'static str) -> AppError {
    AppError::Invalid {
        field,
        reason: match e {
            domain::DomainError::Invalid { reason, .. } | domain::DomainError::Amount { reason, .. } => {
                reason.to_owned()
            }
            other => other.to_string(),
        },
    }
}

/// The ground as the decision's reasons state it: who, what, which activity and week.
pub fn ground_sentence(v: &SanctionView) -> String {
    let week = v
        .week
        .map(|w| {
            let hours = v
                .hours_absent
                .map(|h| format!(", {h} timmar frånvaro"))
                .unwrap_or_default();
            format!(" vecka {} (från {w}){hours}", w.iso_week_date().week())
        })
        .unwrap_or_default();
    format!(
        "Grund enligt 12 kap. 5 § socialtjänstlagen: {} – {} ({}, {}){week}.",
        v.person_name,
        v.ground.label_sv().to_lowercase(),
        v.activity_kind.label_sv(),
        v.provider
    )
}

/// The decision form with the chosen proposals carried into its reduction: reduce keeps the typed amount, refuse
/// withholds the whole granted riksnorm (`norm`); the reasons are the proposals' grounds and then the caseworker's.
/// Returns the form to decide and the caseworker's own reasons (kept with each proposal).
pub(crate) fn carry_into(
    form: DecisionForm,
    choice: &SanctionChoice,
    grounds: &[String],
    norm: Money,
) -> Result<(DecisionForm, String), AppError> {
    let bad = |field: &'static str, reason: &str| AppError::Invalid {
        field,
        reason: reason.to_owned(),
    };
    if form.verdict == Verdict::RefuseAll {
        return Err(bad(
            "sanction",
            "ett förslag enligt 12 kap. 5 § verkställs med nedsättning eller vägran av riksnormen, inte med avslag på hela ansökan",
        ));
    }
    let typed = form.reduction.clone();
    let reasons = typed
        .as_ref()
        .map(|r| r.reasons.trim().to_owned())
        .unwrap_or_default();
    if reasons.is_empty() {
        return Err(bad(
            "reduction_reasons",
            "motivera beslutet: varför skälet inte godtas och hur nedsättningen är bestämd",
        ));
    }
    let amount = match choice.outcome {
        SanctionOutcome::Reduce => typed.map(|r| r.amount).unwrap_or(Money::ZERO),
        SanctionOutcome::Refuse => norm,
        SanctionOutcome::Dismiss => {
            return Err(bad("sanction", "välj nedsättning eller vägran"));
        }
    };
    if amount <= Money::ZERO {
        return Err(bad(
            "reduction_amount",
            "ange nedsättningen i hela kronor, till exempel 1 000",
        ));
    }
    let mut text = grounds.join(" ");
    text.push(' ');
    text.push_str(&reasons);
    Ok((
        DecisionForm {
            reduction: Some(Reduction {
                amount,
                reasons: text,
            }),
            ..form
        },
        reasons,
    ))
}

/// A refusal under 12:5 names its item so (the reduction item withholds the whole riksnorm).
pub(crate) fn name_refusal(decision: &mut domain::decision::NewDecision, month: norm::Month) {
    for item in &mut decision.items {
        if item.purpose == domain::decision::Purpose::Nedsattning {
            item.what = format!("Vägran av fortsatt försörjningsstöd enligt riksnormen {month}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(verdict: Verdict, reduction: Option<(i64, &str)>) -> DecisionForm {
        DecisionForm {
            verdict,
            reasons: String::new(),
            extra: Vec::new(),
            reduction: reduction.map(|(k, r)| Reduction {
                amount: Money::from_kronor(k).unwrap(),
                reasons: r.into(),
            }),
            sanction: None,
        }
    }

    #[test]
    fn a_proposal_is_carried_as_a_reduction_or_a_refusal_of_the_riksnorm() {
        let grounds = vec!["Grund: frånvaro.".to_owned()];
        let reduce = SanctionChoice {
            proposals: vec![SanctionId(1)],
            outcome: SanctionOutcome::Reduce,
        };
        let norm = Money::from_kronor(5_220).unwrap();
        let (f, own) = carry_into(
            form(Verdict::AsCalculated, Some((1_000, "Inget godtagbart skäl."))),
            &reduce,
            &grounds,
            norm,
        )
        .unwrap();
        let r = f.reduction.unwrap();
        assert_eq!(r.amount, Money::from_kronor(1_000).unwrap());
        assert_eq!(r.reasons, "Grund: frånvaro. Inget godtagbart skäl.");
        assert_eq!(own, "Inget godtagbart skäl.");
        // Refuse: the whole riksnorm (5,220 kr), whatever amount was typed.
        let refuse = SanctionChoice {
            outcome: SanctionOutcome::Refuse,
            ..reduce.clone()
        };
        let (f, _) = carry_into(
            form(Verdict::AsCalculated, Some((0, "Skäl."))),
            &refuse,
            &grounds,
            norm,
        )
        .unwrap();
        assert_eq!(f.reduction.unwrap().amount, norm);
        // Reasons required; a reduction needs an amount; not with a refusal of the whole application.
        assert!(matches!(
            carry_into(
                form(Verdict::AsCalculated, Some((1_000, " "))),
                &reduce,
                &grounds,
                norm
            ),
            Err(AppError::Invalid {
                field: "reduction_reasons",
                ..
            })
        ));
        assert!(matches!(
            carry_into(
                form(Verdict::AsCalculated, Some((0, "Skäl"))),
                &reduce,
                &grounds,
                norm
            ),
            Err(AppError::Invalid {
                field: "reduction_amount",
                ..
            })
        ));
        assert!(matches!(
            carry_into(
                form(Verdict::RefuseAll, Some((1_000, "Skäl"))),
                &reduce,
                &grounds,
                norm
            ),
            Err(AppError::Invalid {
                field: "sanction",
                ..
            })
        ));
    }
}
