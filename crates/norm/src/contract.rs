//! The JSON shapes of `../shared/domain/calc-contract.md`: one household, one month in; figures and explanation out.
//!
//! These types only describe the wire format (whole kronor). Validation into the engine's own types, and the
//! calculation itself, live elsewhere in this crate.

use serde::{Deserialize, Serialize};

use crate::{Date, Month};

/// One household and one month, as the contract's input JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalcRequest {
    pub month: Month,
    pub members: Vec<MemberIn>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub couple: Option<bool>,
    /// The size of the household community (bostadsgemenskap) the household lives in, when it is larger than the
    /// household itself: the household then gets its share of the community's household-common costs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_household_size: Option<i64>,
    #[serde(default)]
    pub costs: CostsIn,
    #[serde(default)]
    pub incomes: Vec<IncomeIn>,
    #[serde(default)]
    pub assets: i64,
    /// Extension of the contract: the day the decision is made (default: the first day of `month`). The law in
    /// force on that day gives the legal basis quoted on every line; the amounts still follow `month`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<Date>,
    /// Extension of the contract: the norm raised (shall) or lowered (may) for special reasons (SoL 12:7, before
    /// 2025-07 SoL 4:3), each a reasoned line of its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub norm_adjustments: Vec<NormAdjustmentIn>,
}

/// One raise or lowering of the norm for special reasons, as the contract's input JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NormAdjustmentIn {
    /// The member it concerns, if it concerns one (e.g. a medically required diet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// Whole kronor per month: positive raises the norm, negative lowers it; never 0.
    pub amount: i64,
    /// The special reasons, quoted on the line (at most 300 characters, one line).
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Adult,
    Child,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberIn {
    pub id: String,
    pub role: Role,
    pub age: i64,
    #[serde(default)]
    pub lunch_outside_home: bool,
    #[serde(default)]
    pub months_with_assistance: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jobbstimulans_from: Option<Month>,
}

/// Reasonable actual costs accepted for the month, whole kronor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostsIn {
    #[serde(default)]
    pub rent: i64,
    #[serde(default)]
    pub electricity: i64,
    #[serde(default)]
    pub home_insurance: i64,
    #[serde(default)]
    pub work_travel: i64,
    #[serde(default)]
    pub union_fees: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncomeKind {
    // counted
    Salary,
    UnemploymentBenefit,
    ActivitySupport,
    SicknessBenefit,
    ParentalBenefit,
    SicknessCompensation,
    ChildAllowance,
    MaintenanceSupport,
    HousingAllowance,
    StudentAid,
    EstablishmentBenefit,
    Pension,
    TaxRefund,
    OtherCounted,
    // exempt
    DisabilityCompensation,
    ExemptGrant,
    OtherExempt,
}

impl IncomeKind {
    /// Exempt kinds are listed in the explanation but never reduce assistance.
    pub const fn is_exempt(self) -> bool {
        matches!(
            self,
            IncomeKind::DisabilityCompensation | IncomeKind::ExemptGrant | IncomeKind::OtherExempt
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncomeIn {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    pub kind: IncomeKind,
    pub amount: i64,
    /// A child's work income earlier in the same calendar year (for the prisbasbelopp rule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earned_earlier_this_year: Option<i64>,
}

/// The contract's output JSON (exit status 0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalcResponse {
    pub month: Month,
    pub rule_table: String,
    /// Version hash of the table data used (extension of the contract: lets a decision be reproduced later).
    #[serde(default)]
    pub rule_table_version: String,
    /// Name of the rule set that is the law in force on the decision date (`decided_on`, by default the first day
    /// of `month`), e.g. `sol-2025-400`: the legal bases on the lines are its. The amounts follow `month` and may
    /// come from another rule set's table when the decision is made under a newer law than the month's (extension
    /// of the contract).
    #[serde(default)]
    pub rule_set: String,
    pub norm: i64,
    pub reasonable_costs: i64,
    pub counted_income: i64,
    pub assets: i64,
    pub assistance: i64,
    pub lines: Vec<LineOut>,
    pub findings: Vec<String>,
}

impl CalcResponse {
    /// A readable breakdown (one line per explained amount, grouped by part), for golden tests and people.
    pub fn breakdown(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} · {} · {} (version {})",
            self.month, self.rule_set, self.rule_table, self.rule_table_version
        );
        for (part, total) in [
            ("norm", self.norm),
            ("reasonable_costs", self.reasonable_costs),
            ("counted_income", self.counted_income),
            ("assets", self.assets),
        ] {
            let _ = writeln!(out, "{part:<17}{total:>9}");
            for l in self.lines.iter().filter(|l| l.part == part) {
                let _ = writeln!(out, "  {:>8}  {}  [{}]", l.amount, l.text, l.basis);
            }
        }
        let _ = writeln!(out, "{:<17}{:>9}", "assistance", self.assistance);
        for f in &self.findings {
            let _ = writeln!(out, "! {f}");
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineOut {
    pub part: String,
    pub text: String,
    pub amount: i64,
    pub basis: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_contract_example() {
        let json = r#"{
          "month": "2026-03",
          "members": [
            {"id": "a", "role": "adult", "age": 34, "months_with_assistance": 7, "jobbstimulans_from": "2026-01"},
            {"id": "b", "role": "adult", "age": 31},
            {"id": "c", "role": "child", "age": 4, "lunch_outside_home": true}
          ],
          "couple": true,
          "shared_household_size": null,
          "costs": {"rent": 7800, "electricity": 350, "home_insurance": 180, "work_travel": 0, "union_fees": 0},
          "incomes": [
            {"member": "a", "kind": "salary", "amount": 12000},
            {"kind": "child_allowance", "amount": 1250},
            {"member": "c", "kind": "salary", "amount": 500, "earned_earlier_this_year": 0}
          ],
          "assets": 0
        }"#;
        let req: CalcRequest = serde_json::from_str(json).unwrap();
        assert_eq!(req.members.len(), 3);
        assert_eq!(
            req.members[0].jobbstimulans_from,
            Some(Month::new(2026, 1).unwrap())
        );
        assert_eq!(req.costs.rent, 7800);
        assert!(IncomeKind::ExemptGrant.is_exempt() && !IncomeKind::Salary.is_exempt());
        assert!(serde_json::from_str::<CalcRequest>(r#"{"month":"2026-01","members":[],"x":1}"#).is_err());
    }
}
