//! The JSON shapes of the API (`/api/v1`), with their OpenAPI schemas, mapped from the store's and the engine's views.
//!
//! The domain and engine crates stay free of OpenAPI concerns: the calc-contract types are mirrored here, and each
//! mirror is built by destructuring the original, so a new field in `app::norm::contract` fails to compile until the
//! API (and its document) says what to do with it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use app::Actor;
use app::access::permissions;
use app::domain::decision::{DecisionItem, FrozenCalculation};
use app::norm::contract::{
    CalcRequest, CalcResponse, CostsIn, IncomeIn, IncomeKind, LineOut, MemberIn, NormAdjustmentIn, Role,
};
use app::views::{ApplicationView, DecisionView, HouseholdOverview, MemberView, QueueItem};

/// Every error: one line saying what went wrong (for bad calc input, the field and the reason).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: String,
    /// Set on 500 only: quote it to support; the server log has the details under this id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
}

/// Who is signed in and what their role allows.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Me {
    pub username: String,
    pub display_name: String,
    /// The role code, e.g. `caseworker`, `board_member`.
    pub role: String,
    /// The role's permissions, e.g. `read_case`, `decide`.
    pub permissions: Vec<String>,
}

impl From<&Actor> for Me {
    fn from(a: &Actor) -> Me {
        Me {
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            role: a.role.as_str().to_owned(),
            permissions: permissions(a.role)
                .iter()
                .map(|p| crate::case_pages::permission_code(*p).to_owned())
                .collect(),
        }
    }
}

/// An open application in the work queue.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QueueEntry {
    pub application: i64,
    pub household: i64,
    /// The month applied for, `YYYY-MM`.
    pub month: String,
    pub status: String,
    /// `YYYY-MM-DD`.
    pub received_on: String,
    /// Members' names; a person with protected identity shows as "Skyddad identitet" unless the caller has a grant.
    pub members: Vec<String>,
}

impl From<QueueItem> for QueueEntry {
    fn from(i: QueueItem) -> QueueEntry {
        QueueEntry {
            application: i.application.get(),
            household: i.household.get(),
            month: i.month.to_string(),
            status: i.status,
            received_on: i.received_on.to_string(),
            members: i.members.into_iter().map(|(_, name, _)| name).collect(),
        }
    }
}

/// A household with its members and its applications month by month.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Household {
    pub id: i64,
    pub unit: i64,
    pub members: Vec<Member>,
    /// Oldest month first.
    pub applications: Vec<Application>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Member {
    pub name: String,
    /// `YYYYMMDD-NNNN`.
    pub personnummer: String,
    /// `adult` or `child`.
    pub role: String,
    pub protected_identity: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Application {
    pub id: i64,
    pub month: String,
    pub status: String,
    pub received_on: String,
    /// The decision in force for the month, if decided.
    pub decision: Option<i64>,
}

impl From<HouseholdOverview> for Household {
    fn from(h: HouseholdOverview) -> Household {
        Household {
            id: h.id.get(),
            unit: h.unit.get(),
            members: h.members.iter().map(Member::from).collect(),
            applications: h.applications.iter().map(Application::from).collect(),
        }
    }
}

impl From<&MemberView> for Member {
    fn from(m: &MemberView) -> Member {
        Member {
            name: m.person.name.clone(),
            personnummer: m.person.pnr.to_string(),
            role: role_code(m.role).to_owned(),
            protected_identity: m.person.protection.is_protected(),
        }
    }
}

impl From<&ApplicationView> for Application {
    fn from(a: &ApplicationView) -> Application {
        Application {
            id: a.id.get(),
            month: a.month.to_string(),
            status: a.status.as_str().to_owned(),
            received_on: a.received_on.to_string(),
            decision: a.current_decision.map(app::domain::DecisionId::get),
        }
    }
}

/// A decision: its items, and the calculation frozen when it was made.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Decision {
    pub id: i64,
    pub application: i64,
    /// The decision this one replaced (after an appeal or a correction).
    pub replaces: Option<i64>,
    pub items: Vec<Item>,
    /// In öre (1 kr = 100 öre).
    pub total_granted_ore: i64,
    pub decided_by: String,
    /// RFC 3339.
    pub decided_at: String,
    /// `YYYY-MM-DD`, once served on the applicant.
    pub served_on: Option<String>,
    pub calculation: Option<Calculation>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Item {
    pub what: String,
    /// `bifall`, `delvis_bifall` or `avslag`.
    pub outcome: String,
    pub applied_ore: i64,
    pub granted_ore: i64,
    pub reasons: String,
    pub legal_basis: String,
}

/// The engine's input and output exactly as they were when the decision was made.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Calculation {
    pub rule_table: String,
    pub rule_table_version: String,
    pub request: CalcRequestDto,
    pub response: CalcResponseDto,
}

impl From<DecisionView> for Decision {
    fn from(d: DecisionView) -> Decision {
        Decision {
            id: d.id.get(),
            application: d.application.get(),
            replaces: d.replaces.map(app::domain::DecisionId::get),
            items: d.items.into_iter().map(Item::from).collect(),
            total_granted_ore: d.total_granted.ore(),
            decided_by: d.decided_by,
            decided_at: d.decided_at.to_string(),
            served_on: d.served_on.map(|s| s.to_string()),
            calculation: d.calculation.map(Calculation::from),
        }
    }
}

impl From<DecisionItem> for Item {
    fn from(i: DecisionItem) -> Item {
        Item {
            what: i.what,
            outcome: i.outcome.as_str().to_owned(),
            applied_ore: i.applied.ore(),
            granted_ore: i.granted.ore(),
            reasons: i.reasons,
            legal_basis: i.legal_basis,
        }
    }
}

impl From<FrozenCalculation> for Calculation {
    fn from(c: FrozenCalculation) -> Calculation {
        Calculation {
            rule_table: c.rule_table,
            rule_table_version: c.rule_table_version,
            request: c.request.into(),
            response: c.response.into(),
        }
    }
}

// --- The calc contract (`shared/domain/calc-contract.md`), mirrored for the document. Amounts in whole kronor. ---

/// One household and one month. Unknown fields are refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalcRequestDto {
    /// `YYYY-MM`.
    #[schema(example = "2026-03")]
    pub month: String,
    pub members: Vec<MemberInDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub couple: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_household_size: Option<i64>,
    #[serde(default)]
    pub costs: CostsInDto,
    #[serde(default)]
    pub incomes: Vec<IncomeInDto>,
    #[serde(default)]
    pub assets: i64,
    /// `YYYY-MM-DD`, the day the decision is made (default: the first day of `month`): the law in force that day
    /// gives the legal bases quoted; the amounts follow `month`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "2026-03-04")]
    pub decided_on: Option<String>,
    /// The norm raised or lowered for special reasons (SoL 12:7).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub norm_adjustments: Vec<NormAdjustmentInDto>,
}

/// One raise (positive amount) or lowering (negative) of the norm for special reasons, whole kronor, never 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NormAdjustmentInDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    pub amount: i64,
    /// At most 300 characters, one line.
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleDto {
    Adult,
    Child,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberInDto {
    pub id: String,
    pub role: RoleDto,
    pub age: i64,
    #[serde(default)]
    pub lunch_outside_home: bool,
    #[serde(default)]
    pub months_with_assistance: i64,
    /// `YYYY-MM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jobbstimulans_from: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CostsInDto {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IncomeKindDto {
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
    DisabilityCompensation,
    ExemptGrant,
    OtherExempt,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncomeInDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    pub kind: IncomeKindDto,
    pub amount: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earned_earlier_this_year: Option<i64>,
}

/// The figures and the explanation, whole kronor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CalcResponseDto {
    pub month: String,
    pub rule_table: String,
    pub rule_table_version: String,
    pub rule_set: String,
    pub norm: i64,
    pub reasonable_costs: i64,
    pub counted_income: i64,
    pub assets: i64,
    pub assistance: i64,
    pub lines: Vec<LineOutDto>,
    pub findings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LineOutDto {
    /// `norm`, `reasonable_costs`, `counted_income` or `assets`.
    pub part: String,
    pub text: String,
    pub amount: i64,
    pub basis: String,
}

impl From<CalcRequest> for CalcRequestDto {
    fn from(r: CalcRequest) -> CalcRequestDto {
        let CalcRequest {
            month,
            members,
            couple,
            shared_household_size,
            costs,
            incomes,
            assets,
            decided_on,
            norm_adjustments,
        } = r;
        let CostsIn {
            rent,
            electricity,
            home_insurance,
            work_travel,
            union_fees,
        } = costs;
        CalcRequestDto {
            month: month.to_string(),
            members: members.into_iter().map(MemberInDto::from).collect(),
            couple,
            shared_household_size,
            costs: CostsInDto {
                rent,
                electricity,
                home_insurance,
                work_travel,
                union_fees,
            },
            incomes: incomes.into_iter().map(IncomeInDto::from).collect(),
            assets,
            decided_on: decided_on.map(|d| d.to_string()),
            norm_adjustments: norm_adjustments
                .into_iter()
                .map(
                    |NormAdjustmentIn {
                         member,
                         amount,
                         reason,
                     }| NormAdjustmentInDto {
                        member,
                        amount,
                        reason,
                    },
                )
                .collect(),
        }
    }
}

impl From<MemberIn> for MemberInDto {
    fn from(m: MemberIn) -> MemberInDto {
        let MemberIn {
            id,
            role,
            age,
            lunch_outside_home,
            months_with_assistance,
            jobbstimulans_from,
        } = m;
        MemberInDto {
            id,
            role: match role {
                Role::Adult => RoleDto::Adult,
                Role::Child => RoleDto::Child,
            },
            age,
            lunch_outside_home,
            months_with_assistance,
            jobbstimulans_from: jobbstimulans_from.map(|m| m.to_string()),
        }
    }
}

impl From<IncomeIn> for IncomeInDto {
    fn from(i: IncomeIn) -> IncomeInDto {
        let IncomeIn {
            member,
            kind,
            amount,
            earned_earlier_this_year,
        } = i;
        IncomeInDto {
            member,
            kind: kind.into(),
            amount,
            earned_earlier_this_year,
        }
    }
}

impl From<IncomeKind> for IncomeKindDto {
    fn from(k: IncomeKind) -> IncomeKindDto {
        use IncomeKindDto as D;
        match k {
            IncomeKind::Salary => D::Salary,
            IncomeKind::UnemploymentBenefit => D::UnemploymentBenefit,
            IncomeKind::ActivitySupport => D::ActivitySupport,
            IncomeKind::SicknessBenefit => D::SicknessBenefit,
            IncomeKind::ParentalBenefit => D::ParentalBenefit,
            IncomeKind::SicknessCompensation => D::SicknessCompensation,
            IncomeKind::ChildAllowance => D::ChildAllowance,
            IncomeKind::MaintenanceSupport => D::MaintenanceSupport,
            IncomeKind::HousingAllowance => D::HousingAllowance,
            IncomeKind::StudentAid => D::StudentAid,
            IncomeKind::EstablishmentBenefit => D::EstablishmentBenefit,
            IncomeKind::Pension => D::Pension,
            IncomeKind::TaxRefund => D::TaxRefund,
            IncomeKind::OtherCounted => D::OtherCounted,
            IncomeKind::DisabilityCompensation => D::DisabilityCompensation,
            IncomeKind::ExemptGrant => D::ExemptGrant,
            IncomeKind::OtherExempt => D::OtherExempt,
        }
    }
}

impl From<CalcResponse> for CalcResponseDto {
    fn from(r: CalcResponse) -> CalcResponseDto {
        let CalcResponse {
            month,
            rule_table,
            rule_table_version,
            rule_set,
            norm,
            reasonable_costs,
            counted_income,
            assets,
            assistance,
            lines,
            findings,
        } = r;
        CalcResponseDto {
            month: month.to_string(),
            rule_table,
            rule_table_version,
            rule_set,
            norm,
            reasonable_costs,
            counted_income,
            assets,
            assistance,
            lines: lines
                .into_iter()
                .map(
                    |LineOut {
                         part,
                         text,
                         amount,
                         basis,
                     }| LineOutDto {
                        part,
                        text,
                        amount,
                        basis,
                    },
                )
                .collect(),
            findings,
        }
    }
}

fn role_code(r: Role) -> &'static str {
    match r {
        Role::Adult => "adult",
        Role::Child => "child",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documented request shape reads and writes the contract's JSON exactly as the engine's own type does.
    #[test]
    fn the_request_mirror_matches_the_contract() -> Result<(), serde_json::Error> {
        let json = r#"{"month": "2026-03",
          "members": [{"id": "a", "role": "adult", "age": 34, "months_with_assistance": 7,
                       "jobbstimulans_from": "2026-01"}, {"id": "c", "role": "child", "age": 4,
                       "lunch_outside_home": true}],
          "couple": false, "shared_household_size": 3,
          "costs": {"rent": 7800, "electricity": 350, "home_insurance": 180, "work_travel": 20, "union_fees": 10},
          "incomes": [{"member": "a", "kind": "salary", "amount": 12000},
                      {"member": "c", "kind": "salary", "amount": 500, "earned_earlier_this_year": 0},
                      {"kind": "other_exempt", "amount": 5}],
          "assets": 40, "decided_on": "2026-03-04",
          "norm_adjustments": [{"member": "c", "amount": 450, "reason": "Fördyrad kost"},
                               {"amount": -300, "reason": "Fri lunch"}]}"#;
        let engine: CalcRequest = serde_json::from_str(json)?;
        let mirror: CalcRequestDto = serde_json::from_str(json)?;
        assert_eq!(CalcRequestDto::from(engine.clone()), mirror);
        assert_eq!(serde_json::to_value(&mirror)?, serde_json::to_value(&engine)?);
        Ok(())
    }
}
