//! The investigation (utredning): the caseworker establishes the facts a decision rests on.
//!
//! The applicant declares; the caseworker checks against attachments, registers and conversations, and corrects or
//! completes any fact with a reason and a source. Nothing declared is overwritten: the declaration stays as it was
//! sent, each correction is kept with when and by whom it was made (the transaction time), about the application's
//! month (the valid time), and the established input is the declaration with the corrections applied in order
//! ([`establish`]). A later correction of the same fact supersedes an earlier one; both stay on record.

use std::fmt;

use norm::Month;
use norm::contract::{CalcRequest, IncomeIn, IncomeKind, NormAdjustmentIn, Role};
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// One fact of the engine's input that a caseworker can establish. Members are named by their id in the
/// declaration (never shown: pages and letters name the person).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "fact", rename_all = "snake_case")]
pub enum Fact {
    /// A reasonable cost, whole kronor for the month.
    Cost { cost: CostKind },
    /// One kind of income, whole kronor for the month; of a member (a salary always is) or of the household.
    Income {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<String>,
        kind: IncomeKind,
    },
    /// A child's work income earlier in the calendar year (the prisbasbelopp rule).
    EarnedEarlierThisYear { member: String },
    /// Usable assets, counted in full.
    Assets,
    /// A child 0-6 eats lunch outside the home five days a week.
    Lunch { member: String },
    /// The first month the jobbstimulans rule applied to an adult (or none).
    JobbstimulansFrom { member: String },
    /// An adult's consecutive months with försörjningsstöd right before the month.
    MonthsWithAssistance { member: String },
    /// Whether the two adults are married or sambo.
    Couple,
    /// The number of persons in a larger household community the household lives in (or none).
    SharedHouseholdSize,
    /// The norm raised (positive) or lowered (negative) for special reasons (SoL 12:7 second paragraph), for a
    /// member or the household; the correction's reason is the special reason quoted on the calculation's line.
    NormAdjustment {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<String>,
    },
}

/// The costs the calculation accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostKind {
    Rent,
    Electricity,
    HomeInsurance,
    WorkTravel,
    UnionFees,
}

impl CostKind {
    pub const ALL: [CostKind; 5] = [
        CostKind::Rent,
        CostKind::Electricity,
        CostKind::HomeInsurance,
        CostKind::WorkTravel,
        CostKind::UnionFees,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            CostKind::Rent => "rent",
            CostKind::Electricity => "electricity",
            CostKind::HomeInsurance => "home_insurance",
            CostKind::WorkTravel => "work_travel",
            CostKind::UnionFees => "union_fees",
        }
    }

    pub fn parse(s: &str) -> Option<CostKind> {
        CostKind::ALL.into_iter().find(|c| c.as_str() == s)
    }

    fn of(self, r: &CalcRequest) -> i64 {
        match self {
            CostKind::Rent => r.costs.rent,
            CostKind::Electricity => r.costs.electricity,
            CostKind::HomeInsurance => r.costs.home_insurance,
            CostKind::WorkTravel => r.costs.work_travel,
            CostKind::UnionFees => r.costs.union_fees,
        }
    }

    fn slot(self, r: &mut CalcRequest) -> &mut i64 {
        match self {
            CostKind::Rent => &mut r.costs.rent,
            CostKind::Electricity => &mut r.costs.electricity,
            CostKind::HomeInsurance => &mut r.costs.home_insurance,
            CostKind::WorkTravel => &mut r.costs.work_travel,
            CostKind::UnionFees => &mut r.costs.union_fees,
        }
    }
}

/// A fact's value, as declared or established.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum FactValue {
    /// Whole kronor, never negative.
    Kronor(i64),
    Yes(bool),
    Month(Option<Month>),
    Count(i64),
    /// Whole kronor, signed: a raise or a lowering (0: none).
    Adjustment(i64),
}

impl fmt::Display for FactValue {
    /// Neutral formatting for logs and tests; pages and letters format with their own words.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FactValue::Kronor(k) => write!(f, "{k} kr"),
            FactValue::Yes(b) => write!(f, "{}", if *b { "ja" } else { "nej" }),
            FactValue::Month(Some(m)) => write!(f, "{m}"),
            FactValue::Month(None) => write!(f, "–"),
            FactValue::Count(n) => write!(f, "{n}"),
            FactValue::Adjustment(k) => write!(f, "{k:+} kr"),
        }
    }
}

/// Where the caseworker established a fact from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactSource {
    /// An attachment (bilaga) sent with the application or later.
    Attachment,
    /// A register or another authority (SSBTEK, Försäkringskassan, Skatteverket, ...).
    Register,
    /// A conversation with the applicant (a meeting or a call), noted in the journal.
    Conversation,
}

impl FactSource {
    pub const ALL: [FactSource; 3] = [
        FactSource::Attachment,
        FactSource::Register,
        FactSource::Conversation,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            FactSource::Attachment => "attachment",
            FactSource::Register => "register",
            FactSource::Conversation => "conversation",
        }
    }

    pub fn parse(s: &str) -> Option<FactSource> {
        FactSource::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub const fn label_sv(self) -> &'static str {
        match self {
            FactSource::Attachment => "bilaga",
            FactSource::Register => "register eller annan myndighet",
            FactSource::Conversation => "samtal med den sökande",
        }
    }
}

/// A correction as the caseworker proposes it, checked by [`Correction::validate`] before it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub fact: Fact,
    pub value: FactValue,
    /// Why the established value differs from (or completes) the declaration.
    pub reason: String,
    pub source: FactSource,
    /// Which attachment, register or conversation ("Hyresavi mars", "Samtal 4 mars").
    pub source_detail: String,
}

/// A fact whose established value differs from the declared one, with the latest correction's reason and source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactChange {
    pub fact: Fact,
    pub declared: FactValue,
    pub established: FactValue,
    pub reason: String,
    pub source: FactSource,
    pub source_detail: String,
}

impl Correction {
    /// The reason and source are required and within their limits; the value fits the fact; the fact names a
    /// member of the declaration where it names one. Returns the correction with its texts trimmed.
    pub fn validate(mut self, declared: &CalcRequest) -> Result<Correction, DomainError> {
        let reason = crate::text::CORRECTION_REASON.check(&self.reason)?;
        if reason.is_empty() {
            return Err(DomainError::Invalid {
                field: "reason",
                reason: "ange varför uppgiften ändras",
            });
        }
        self.reason = reason.to_owned();
        self.source_detail = crate::text::FACT_SOURCE.check(&self.source_detail)?.to_owned();
        if self.source_detail.is_empty() {
            return Err(DomainError::Invalid {
                field: "source_detail",
                reason: "ange vilken bilaga, vilket register eller vilket samtal uppgiften kommer från",
            });
        }
        self.fact.check_member(declared)?;
        if self.fact == Fact::Couple && declared.members.iter().filter(|m| m.role == Role::Adult).count() != 2
        {
            return Err(DomainError::Invalid {
                field: "fact",
                reason: "sambo eller gift gäller bara ett hushåll med två vuxna",
            });
        }
        let fits = matches!(
            (&self.fact, &self.value),
            (
                Fact::Cost { .. } | Fact::Income { .. } | Fact::EarnedEarlierThisYear { .. } | Fact::Assets,
                FactValue::Kronor(_)
            ) | (Fact::Lunch { .. } | Fact::Couple, FactValue::Yes(_))
                | (Fact::JobbstimulansFrom { .. }, FactValue::Month(_))
                | (Fact::MonthsWithAssistance { .. }, FactValue::Count(_))
                | (Fact::SharedHouseholdSize, FactValue::Count(_))
                | (Fact::NormAdjustment { .. }, FactValue::Adjustment(_))
        );
        if !fits {
            return Err(DomainError::Invalid {
                field: "value",
                reason: "värdet passar inte uppgiften",
            });
        }
        if matches!(self.fact, Fact::NormAdjustment { .. })
            && (self.reason.chars().count() > 300 || self.reason.chars().any(char::is_control))
        {
            // The reason is quoted on the calculation's line: one line, as the engine takes it.
            return Err(DomainError::Invalid {
                field: "reason",
                reason: "skälet för en höjd eller sänkt norm står på beräkningens rad: en rad, högst 300 tecken",
            });
        }
        match self.value {
            FactValue::Adjustment(k) if !(-1_000_000..=1_000_000).contains(&k) => Err(DomainError::Amount {
                field: "value",
                reason: "ange en höjning eller sänkning mellan -1 000 000 och 1 000 000 kronor",
            }),
            FactValue::Kronor(k) if !(0..=10_000_000).contains(&k) => Err(DomainError::Amount {
                field: "value",
                reason: "ange ett belopp mellan 0 och 10 000 000 kronor",
            }),
            FactValue::Count(n) if !(0..=1_000).contains(&n) => Err(DomainError::Invalid {
                field: "value",
                reason: "ange ett antal mellan 0 och 1 000",
            }),
            _ => Ok(self),
        }
    }
}

impl Fact {
    /// The member the fact is about, if any.
    pub fn member(&self) -> Option<&str> {
        match self {
            Fact::Income { member, .. } | Fact::NormAdjustment { member } => member.as_deref(),
            Fact::EarnedEarlierThisYear { member }
            | Fact::Lunch { member }
            | Fact::JobbstimulansFrom { member }
            | Fact::MonthsWithAssistance { member } => Some(member),
            Fact::Cost { .. } | Fact::Assets | Fact::Couple | Fact::SharedHouseholdSize => None,
        }
    }

    fn check_member(&self, r: &CalcRequest) -> Result<(), DomainError> {
        let Some(id) = self.member() else {
            if matches!(
                self,
                Fact::Income {
                    kind: IncomeKind::Salary,
                    ..
                }
            ) {
                return Err(DomainError::Invalid {
                    field: "member",
                    reason: "en lön hör till en person i hushållet",
                });
            }
            return Ok(());
        };
        let member = r
            .members
            .iter()
            .find(|m| m.id == id)
            .ok_or(DomainError::Invalid {
                field: "member",
                reason: "personen finns inte i ansökan",
            })?;
        let wrong_role = match self {
            Fact::EarnedEarlierThisYear { .. } | Fact::Lunch { .. } => member.role != Role::Child,
            Fact::JobbstimulansFrom { .. } | Fact::MonthsWithAssistance { .. } => member.role != Role::Adult,
            _ => false,
        };
        if wrong_role {
            return Err(DomainError::Invalid {
                field: "member",
                reason: "uppgiften gäller inte den personen (vuxen eller barn)",
            });
        }
        Ok(())
    }

    /// The fact's value in an input (0, false or none when the input does not mention it).
    pub fn value_in(&self, r: &CalcRequest) -> FactValue {
        let member = |id: &str| r.members.iter().find(|m| m.id == id);
        match self {
            Fact::Cost { cost } => FactValue::Kronor(cost.of(r)),
            Fact::Income { member: who, kind } => FactValue::Kronor(
                r.incomes
                    .iter()
                    .filter(|i| i.kind == *kind && i.member == *who)
                    .map(|i| i.amount)
                    .fold(0_i64, i64::saturating_add),
            ),
            Fact::EarnedEarlierThisYear { member: who } => FactValue::Kronor(
                r.incomes
                    .iter()
                    .find(|i| i.kind == IncomeKind::Salary && i.member.as_deref() == Some(who))
                    .and_then(|i| i.earned_earlier_this_year)
                    .unwrap_or(0),
            ),
            Fact::Assets => FactValue::Kronor(r.assets),
            Fact::Lunch { member: who } => FactValue::Yes(member(who).is_some_and(|m| m.lunch_outside_home)),
            Fact::JobbstimulansFrom { member: who } => {
                FactValue::Month(member(who).and_then(|m| m.jobbstimulans_from))
            }
            Fact::MonthsWithAssistance { member: who } => {
                FactValue::Count(member(who).map_or(0, |m| m.months_with_assistance))
            }
            Fact::Couple => FactValue::Yes(r.couple.unwrap_or(false)),
            Fact::SharedHouseholdSize => FactValue::Count(r.shared_household_size.unwrap_or(0)),
            Fact::NormAdjustment { member: who } => FactValue::Adjustment(
                r.norm_adjustments
                    .iter()
                    .filter(|a| a.member == *who)
                    .map(|a| a.amount)
                    .fold(0_i64, i64::saturating_add),
            ),
        }
    }

    /// Sets the fact in an input. The value has been checked to fit ([`Correction::validate`]); `reason` is the
    /// correction's, which a norm adjustment quotes.
    fn set(&self, r: &mut CalcRequest, value: &FactValue, reason: &str) {
        match (self, value) {
            (Fact::NormAdjustment { member }, FactValue::Adjustment(k)) => {
                r.norm_adjustments.retain(|a| a.member != *member);
                if *k != 0 {
                    r.norm_adjustments.push(NormAdjustmentIn {
                        member: member.clone(),
                        amount: *k,
                        reason: reason.to_owned(),
                    });
                }
            }
            (Fact::Cost { cost }, FactValue::Kronor(k)) => *cost.slot(r) = *k,
            (Fact::Income { member, kind }, FactValue::Kronor(k)) => {
                let earlier = r
                    .incomes
                    .iter()
                    .find(|i| i.kind == *kind && i.member == *member)
                    .and_then(|i| i.earned_earlier_this_year);
                r.incomes.retain(|i| !(i.kind == *kind && i.member == *member));
                if *k > 0 {
                    r.incomes.push(IncomeIn {
                        member: member.clone(),
                        kind: *kind,
                        amount: *k,
                        earned_earlier_this_year: earlier,
                    });
                }
            }
            (Fact::EarnedEarlierThisYear { member }, FactValue::Kronor(k)) => {
                let salary = r
                    .incomes
                    .iter_mut()
                    .find(|i| i.kind == IncomeKind::Salary && i.member.as_deref() == Some(member));
                match salary {
                    Some(i) => i.earned_earlier_this_year = Some(*k),
                    // Earlier earnings without a salary this month change nothing in the calculation; kept as a
                    // zero salary so the established fact is not lost.
                    None => r.incomes.push(IncomeIn {
                        member: Some(member.clone()),
                        kind: IncomeKind::Salary,
                        amount: 0,
                        earned_earlier_this_year: Some(*k),
                    }),
                }
            }
            (Fact::Assets, FactValue::Kronor(k)) => r.assets = *k,
            (Fact::Lunch { member }, FactValue::Yes(b)) => {
                if let Some(m) = r.members.iter_mut().find(|m| m.id == *member) {
                    m.lunch_outside_home = *b;
                }
            }
            (Fact::JobbstimulansFrom { member }, FactValue::Month(from)) => {
                if let Some(m) = r.members.iter_mut().find(|m| m.id == *member) {
                    m.jobbstimulans_from = *from;
                }
            }
            (Fact::MonthsWithAssistance { member }, FactValue::Count(n)) => {
                if let Some(m) = r.members.iter_mut().find(|m| m.id == *member) {
                    m.months_with_assistance = *n;
                }
            }
            (Fact::Couple, FactValue::Yes(b))
                if r.members.iter().filter(|m| m.role == Role::Adult).count() == 2 =>
            {
                r.couple = Some(*b);
            }
            (Fact::SharedHouseholdSize, FactValue::Count(n)) => {
                r.shared_household_size = (*n > 0).then_some(*n);
            }
            _ => {}
        }
    }
}

/// The established input: the declaration with the corrections applied in the order they were made.
pub fn establish(declared: &CalcRequest, corrections: &[Correction]) -> CalcRequest {
    let mut r = declared.clone();
    for c in corrections {
        c.fact.set(&mut r, &c.value, &c.reason);
    }
    r
}

/// The facts whose established value differs from the declared one, each with its latest correction's reason and
/// source, in the order the facts were first corrected. A fact corrected back to what was declared is not a change.
pub fn changes(declared: &CalcRequest, corrections: &[Correction]) -> Vec<FactChange> {
    let established = establish(declared, corrections);
    let mut seen: Vec<&Fact> = Vec::new();
    for c in corrections {
        if !seen.contains(&&c.fact) {
            seen.push(&c.fact);
        }
    }
    seen.into_iter()
        .filter_map(|fact| {
            let latest = corrections.iter().rev().find(|c| c.fact == *fact)?;
            let (before, after) = (fact.value_in(declared), fact.value_in(&established));
            (before != after).then(|| FactChange {
                fact: fact.clone(),
                declared: before,
                established: after,
                reason: latest.reason.clone(),
                source: latest.source,
                source_detail: latest.source_detail.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use norm::contract::{CostsIn, MemberIn};

    use super::*;

    fn member(id: &str, role: Role, age: i64) -> MemberIn {
        MemberIn {
            id: id.to_owned(),
            role,
            age,
            lunch_outside_home: false,
            months_with_assistance: 0,
            jobbstimulans_from: None,
        }
    }

    fn declared() -> CalcRequest {
        CalcRequest {
            month: Month::new(2026, 3).unwrap(),
            members: vec![member("a", Role::Adult, 34), member("c", Role::Child, 4)],
            couple: None,
            shared_household_size: None,
            costs: CostsIn {
                rent: 8_000,
                electricity: 300,
                ..CostsIn::default()
            },
            incomes: vec![IncomeIn {
                member: None,
                kind: IncomeKind::ChildAllowance,
                amount: 1_250,
                earned_earlier_this_year: None,
            }],
            assets: 0,
            decided_on: None,
            norm_adjustments: Vec::new(),
        }
    }

    fn fix(fact: Fact, value: FactValue, reason: &str) -> Correction {
        Correction {
            fact,
            value,
            reason: reason.to_owned(),
            source: FactSource::Attachment,
            source_detail: "Hyresavi mars".to_owned(),
        }
    }

    #[test]
    fn corrections_apply_in_order_and_the_declaration_stays() {
        let d = declared();
        let rent = Fact::Cost { cost: CostKind::Rent };
        let salary = Fact::Income {
            member: Some("a".into()),
            kind: IncomeKind::Salary,
        };
        let lunch = Fact::Lunch { member: "c".into() };
        let corrections = vec![
            fix(rent.clone(), FactValue::Kronor(7_500), "Hyresavin visar 7 500 kr"),
            fix(
                salary.clone(),
                FactValue::Kronor(4_200),
                "Lönespecifikation saknades i ansökan",
            ),
            fix(lunch.clone(), FactValue::Yes(true), "Barnet går i förskola"),
            fix(rent.clone(), FactValue::Kronor(7_600), "Ny avi med höjd hyra"),
        ];
        let e = establish(&d, &corrections);
        assert_eq!(e.costs.rent, 7_600, "the later correction of the same fact wins");
        assert_eq!(
            e.costs.electricity, 300,
            "what was not corrected stays as declared"
        );
        assert!(e.members[1].lunch_outside_home);
        assert_eq!(
            e.incomes
                .iter()
                .find(|i| i.kind == IncomeKind::Salary)
                .map(|i| i.amount),
            Some(4_200)
        );
        assert_eq!(d.costs.rent, 8_000, "the declaration is not changed");

        let ch = changes(&d, &corrections);
        assert_eq!(ch.len(), 3);
        assert_eq!(ch[0].fact, rent);
        assert_eq!(ch[0].declared, FactValue::Kronor(8_000));
        assert_eq!(ch[0].established, FactValue::Kronor(7_600));
        assert_eq!(
            ch[0].reason, "Ny avi med höjd hyra",
            "the latest reason explains the change"
        );
        assert_eq!(ch[1].fact, salary);
        assert_eq!(ch[2].established, FactValue::Yes(true));
    }

    #[test]
    fn a_fact_corrected_back_is_no_change_and_a_zero_income_is_removed() {
        let d = declared();
        let allowance = Fact::Income {
            member: None,
            kind: IncomeKind::ChildAllowance,
        };
        let corrections = vec![
            fix(
                allowance.clone(),
                FactValue::Kronor(0),
                "Barnbidraget betalas till den andra föräldern",
            ),
            fix(
                Fact::Cost { cost: CostKind::Rent },
                FactValue::Kronor(7_000),
                "fel",
            ),
            fix(
                Fact::Cost { cost: CostKind::Rent },
                FactValue::Kronor(8_000),
                "rättat tillbaka",
            ),
        ];
        let e = establish(&d, &corrections);
        assert!(e.incomes.is_empty());
        let ch = changes(&d, &corrections);
        assert_eq!(ch.len(), 1);
        assert_eq!(ch[0].fact, allowance);
    }

    #[test]
    fn a_raised_norm_is_an_adjustment_with_the_corrections_reason() {
        let d = declared();
        let raise = Correction {
            fact: Fact::NormAdjustment {
                member: Some("a".into()),
            },
            value: FactValue::Adjustment(450),
            reason: "Fördyrad kost enligt läkarintyg".into(),
            source: FactSource::Attachment,
            source_detail: "Läkarintyg 1 mars".into(),
        }
        .validate(&d)
        .unwrap();
        let e = establish(&d, std::slice::from_ref(&raise));
        assert_eq!(e.norm_adjustments.len(), 1);
        assert_eq!(e.norm_adjustments[0].amount, 450);
        assert_eq!(e.norm_adjustments[0].reason, "Fördyrad kost enligt läkarintyg");
        // Set to 0 later: no adjustment, and no change against the declaration.
        let undo = Correction {
            value: FactValue::Adjustment(0),
            ..raise.clone()
        };
        assert!(
            establish(&d, &[raise.clone(), undo.clone()])
                .norm_adjustments
                .is_empty()
        );
        assert!(changes(&d, &[raise.clone(), undo]).is_empty());
        // The reason goes on the calculation's line: one line, 300 characters.
        let long = Correction {
            reason: "x".repeat(301),
            ..raise
        };
        assert!(long.validate(&d).is_err());
    }

    #[test]
    fn bad_corrections_are_refused_with_the_field() {
        let d = declared();
        let rent = Fact::Cost { cost: CostKind::Rent };
        let field = |c: Correction| match c.validate(&d) {
            Err(DomainError::Invalid { field, .. } | DomainError::Amount { field, .. }) => field,
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert_eq!(field(fix(rent.clone(), FactValue::Kronor(7_000), "  ")), "reason");
        assert_eq!(
            field(fix(rent.clone(), FactValue::Kronor(7_000), &"x".repeat(1_001))),
            "reason"
        );
        let mut no_source = fix(rent.clone(), FactValue::Kronor(7_000), "avi");
        no_source.source_detail = String::new();
        assert_eq!(field(no_source), "source_detail");
        assert_eq!(field(fix(rent.clone(), FactValue::Kronor(-1), "avi")), "value");
        assert_eq!(field(fix(rent, FactValue::Yes(true), "avi")), "value");
        assert_eq!(
            field(fix(
                Fact::Lunch { member: "a".into() },
                FactValue::Yes(true),
                "förskola"
            )),
            "member",
            "lunch is a child's fact"
        );
        assert_eq!(
            field(fix(
                Fact::Lunch { member: "x".into() },
                FactValue::Yes(true),
                "förskola"
            )),
            "member"
        );
        assert_eq!(
            field(fix(
                Fact::Income {
                    member: None,
                    kind: IncomeKind::Salary
                },
                FactValue::Kronor(100),
                "lön"
            )),
            "member"
        );
        let ok = fix(
            Fact::Cost { cost: CostKind::Rent },
            FactValue::Kronor(7_000),
            "  Hyresavi  ",
        )
        .validate(&d)
        .unwrap();
        assert_eq!(ok.reason, "Hyresavi", "texts are trimmed");
    }
}
