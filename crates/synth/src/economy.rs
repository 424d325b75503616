//! A household's costs and incomes on assistance, and the month's `CalcRequest` built from them.

use norm::Month;
use norm::contract::{CalcRequest, CostsIn, IncomeIn, IncomeKind, MemberIn, Role};

use crate::model::{Forsorjningshinder, MemberRole, Person};
use crate::rng::{Rand, between, chance, normalish};

/// Rent guideline ceilings by household size (domain README §3: 4,500-9,300 kr), at the 2024 level.
const RENT_CEILING: [i64; 6] = [4_500, 6_000, 7_200, 8_100, 8_800, 9_300];

/// Rent level relative to 2021 (yearly increases of the Swedish negotiated rents, rounded).
fn rent_index(year: u16) -> f64 {
    match year {
        ..=2020 => 0.98_f64.powi(i32::from(2021_u16.saturating_sub(year))),
        2021 => 1.00,
        2022 => 1.02,
        2023 => 1.06,
        2024 => 1.11,
        2025 => 1.15,
        2026 => 1.18,
        _ => 1.18 * 1.03_f64.powi(i32::from(year - 2026)),
    }
}

/// Household electricity relative to a normal month: winter is dearer, and electricity area SE4 (Skåne) had the
/// price spike of autumn 2021 to spring 2023.
fn electricity_factor(month: Month) -> f64 {
    let season = match month.month() {
        12 | 1 | 2 => 1.4,
        3 | 11 => 1.2,
        4 | 10 => 1.0,
        _ => 0.75,
    };
    let price = match (month.year(), month.month()) {
        (2021, 9..=12) => 1.4,
        (2022, _) => 1.7,
        (2023, 1..=3) => 1.5,
        _ => 1.0,
    };
    season * price
}

/// Riksnorm 2021 (the lowest year of `riksnorm.csv`), used only to keep drawn incomes below the household's need so
/// that every stored month is one with assistance. The engine computes the real amount.
fn norm_floor_2021(adults: usize, children: &[(i16, bool)]) -> i64 {
    let personal_adults = match adults {
        0 => 0,
        1 => 3_160,
        _ => 5_700,
    };
    let personal_children: i64 = children
        .iter()
        .map(|&(age, lunch_out)| match (age, lunch_out) {
            (0, false) => 2_180,
            (0, true) => 2_050,
            (1..=2, false) => 2_440,
            (1..=2, true) => 2_240,
            (3, false) => 2_170,
            (3, true) => 1_990,
            (4..=6, false) => 2_440,
            (4..=6, true) => 2_170,
            (7..=10, _) => 3_060,
            (11..=14, _) => 3_520,
            (15..=18, _) => 3_970,
            _ => 4_000,
        })
        .sum();
    const COMMON: [i64; 7] = [1_020, 1_130, 1_420, 1_610, 1_860, 2_100, 2_270];
    let size = adults + children.len();
    let common = match COMMON.get(size.saturating_sub(1)) {
        Some(c) => *c,
        None => 2_270 + 170 * i64::try_from(size - 7).unwrap_or(0),
    };
    personal_adults + personal_children + common
}

/// Barnbidrag (1,250 kr per child under 16) plus flerbarnstillägg by the number of children with barnbidrag or
/// studiebidrag (Försäkringskassan's table since 2018: 2 → 150, 3 → 730, 4 → 1,740, 5 → 2,990, then +1,250 each).
fn child_allowance(children_under_16: i64, children_total: i64) -> i64 {
    let supplement = match children_total {
        ..=1 => 0,
        2 => 150,
        3 => 730,
        4 => 1_740,
        5 => 2_990,
        n => 2_990 + 1_250 * (n - 5),
    };
    1_250 * children_under_16 + supplement
}

/// Underhållsstöd per child and month: 1,673 kr; from 2022-02 higher for older children (1,823 for 11-14, 2,223
/// for 15 and over). Approximate: check Försäkringskassan's table before relying on it.
fn maintenance_support(month: Month, age: i16) -> i64 {
    let from_2022_02 = month >= Month::new(2022, 2).unwrap_or(month);
    match age {
        11..=14 if from_2022_02 => 1_823,
        15.. if from_2022_02 => 2_223,
        _ => 1_673,
    }
}

/// What an adult brings in while on assistance: set when the spell starts.
#[derive(Debug, Clone)]
pub(crate) struct AdultIncome {
    /// Net monthly salary, 0 when not working.
    pub salary: i64,
    pub benefit: Option<(IncomeKind, i64)>,
}

pub(crate) fn draw_adult_income(rng: &mut Rand, reason: Forsorjningshinder) -> AdultIncome {
    use Forsorjningshinder as F;
    let benefit = match reason {
        F::UnemployedInsufficientBenefit => {
            Some((IncomeKind::UnemploymentBenefit, between(rng, 4_000, 10_500)))
        }
        F::UnemployedEstablishmentBenefit => {
            Some((IncomeKind::EstablishmentBenefit, between(rng, 5_200, 6_500)))
        }
        F::SickListedWithCertificate if chance(rng, 0.6) => {
            Some((IncomeKind::SicknessBenefit, between(rng, 3_000, 9_000)))
        }
        F::InsufficientSicknessCompensation => {
            Some((IncomeKind::SicknessCompensation, between(rng, 5_000, 9_500)))
        }
        F::ParentalLeave => Some((IncomeKind::ParentalBenefit, between(rng, 5_500, 7_000))),
        _ => None,
    };
    let salary = match reason {
        F::WorkingInsufficientIncome => between(rng, 4_000, 14_000),
        // Some others have a little work on the side (extra hours, odd jobs).
        F::UnemployedNoBenefit | F::UnemployedInsufficientBenefit | F::SocialReasons if chance(rng, 0.08) => {
            between(rng, 1_500, 6_000)
        }
        _ => 0,
    };
    AdultIncome { salary, benefit }
}

/// Costs and household-level incomes: drawn when a spell starts, indexed month by month.
#[derive(Debug, Clone)]
pub(crate) struct SpellEconomy {
    rent_2021: f64,
    electricity_base: f64,
    insurance: i64,
    housing_allowance_factor: Option<f64>,
    young_single_housing_allowance: i64,
    maintenance_support: bool,
    work_travel: i64,
    union_fees: i64,
    first_month_assets: i64,
    first_month: Month,
}

pub(crate) fn draw_spell_economy(
    rng: &mut Rand,
    start: Month,
    size: usize,
    single_parent: bool,
    has_children: bool,
    young_single: bool,
    anyone_working: bool,
) -> SpellEconomy {
    let ceiling = RENT_CEILING
        .get(size.saturating_sub(1))
        .or(RENT_CEILING.last())
        .copied()
        .unwrap_or(9_300);
    // Most rents sit just under the guideline; a few young adults rent a room for less.
    let share = if young_single && chance(rng, 0.2) {
        0.55 + 0.15 * rng_unit(rng)
    } else {
        0.75 + 0.25 * rng_unit(rng)
    };
    let rent_2021 = ceiling as f64 * share / rent_index(2024);
    let size_f = size as f64;
    SpellEconomy {
        rent_2021,
        electricity_base: if chance(rng, 0.8) {
            220.0 + 70.0 * size_f + 25.0 * normalish(rng)
        } else {
            0.0 // included in the rent
        },
        insurance: if chance(rng, 0.7) {
            100 + 25 * i64::try_from(size).unwrap_or(1) + between(rng, -20, 40)
        } else {
            0
        },
        housing_allowance_factor: (has_children && chance(rng, 0.75)).then(|| 0.8 + 0.4 * rng_unit(rng)),
        young_single_housing_allowance: if young_single && chance(rng, 0.2) {
            between(rng, 400, 1_200)
        } else {
            0
        },
        maintenance_support: single_parent && chance(rng, 0.8),
        work_travel: if anyone_working && chance(rng, 0.5) {
            between(rng, 400, 900)
        } else {
            0
        },
        union_fees: if anyone_working && chance(rng, 0.3) {
            between(rng, 150, 350)
        } else {
            0
        },
        first_month_assets: if chance(rng, 0.15) {
            between(rng, 200, 3_000)
        } else {
            0
        },
        first_month: start,
    }
}

fn rng_unit(rng: &mut Rand) -> f64 {
    use rand::Rng;
    rng.gen_range(0.0..1.0)
}

/// One adult as the request needs them.
#[derive(Debug, Clone)]
pub(crate) struct AdultIn {
    pub member_id: String,
    pub age: i16,
    pub months_with_assistance: i64,
    pub jobbstimulans_from: Option<Month>,
    pub income: AdultIncome,
}

/// Builds the month's engine input. `children` are (person, age) of the children living at home.
pub(crate) fn build_request(
    rng: &mut Rand,
    month: Month,
    economy: &SpellEconomy,
    adults: &[AdultIn],
    children: &[(&Person, i16)],
) -> CalcRequest {
    let lunch: Vec<(i16, bool)> = children
        .iter()
        .map(|(p, age)| (*age, p.preschool && (1..=6).contains(age)))
        .collect();
    let year = month.year();
    let rent = (economy.rent_2021 * rent_index(year)).round() as i64;
    let electricity = (economy.electricity_base * electricity_factor(month))
        .round()
        .max(0.0) as i64;
    let costs = CostsIn {
        rent,
        electricity,
        home_insurance: economy.insurance,
        work_travel: if adults.iter().any(|a| a.income.salary > 0) {
            economy.work_travel
        } else {
            0
        },
        union_fees: if adults.iter().any(|a| a.income.salary > 0) {
            economy.union_fees
        } else {
            0
        },
    };

    // Household-level incomes.
    let mut incomes = Vec::new();
    let under_16 = i64::try_from(children.iter().filter(|(_, a)| *a < 16).count()).unwrap_or(0);
    let total_children = i64::try_from(children.len()).unwrap_or(0);
    // A lone 16-18-year-old gets studiebidrag (below), no barnbidrag and no supplement.
    let allowance = child_allowance(under_16, total_children);
    if allowance > 0 {
        incomes.push(income(None, IncomeKind::ChildAllowance, allowance));
    }
    // Studiebidrag for 16-18-year-olds in upper secondary school, paid September-June.
    let school_youth = i64::try_from(children.iter().filter(|(_, a)| *a >= 16).count()).unwrap_or(0);
    if school_youth > 0 && !matches!(month.month(), 7 | 8) {
        incomes.push(income(None, IncomeKind::StudentAid, 1_250 * school_youth));
    }
    if economy.maintenance_support && total_children > 0 {
        let amount: i64 = children
            .iter()
            .map(|(_, age)| maintenance_support(month, *age))
            .sum();
        incomes.push(income(None, IncomeKind::MaintenanceSupport, amount));
    }
    if let Some(f) = economy.housing_allowance_factor.filter(|_| total_children > 0) {
        let amount = (f * (1_300.0 + 700.0 * total_children.min(3) as f64)).round() as i64;
        incomes.push(income(None, IncomeKind::HousingAllowance, amount));
    } else if economy.young_single_housing_allowance > 0 && adults.iter().all(|a| a.age < 29) {
        incomes.push(income(
            None,
            IncomeKind::HousingAllowance,
            economy.young_single_housing_allowance,
        ));
    }

    // Adults' incomes vary a little from month to month (hours, days of benefit).
    let mut personal: Vec<(usize, IncomeKind, i64)> = Vec::new();
    for (i, a) in adults.iter().enumerate() {
        if a.income.salary > 0 {
            let v = (a.income.salary as f64 * (1.0 + 0.05 * normalish(rng))).round() as i64;
            personal.push((i, IncomeKind::Salary, v.max(100)));
        }
        if let Some((kind, amount)) = a.income.benefit {
            personal.push((i, kind, amount));
        }
    }
    // Keep the household in need: counted income at most 90 % of a conservative estimate of norm + costs.
    let floor = norm_floor_2021(adults.len(), &lunch)
        + costs.rent
        + costs.electricity
        + costs.home_insurance
        + costs.work_travel
        + costs.union_fees;
    let assets = if month == economy.first_month {
        economy.first_month_assets
    } else {
        0
    };
    // Usable assets are counted in full, so they eat into the same margin as income.
    let limit = (floor * 9 / 10 - assets).max(0);
    let fixed: i64 = incomes.iter().map(|i: &IncomeIn| i.amount).sum();
    let mut excess = fixed + personal.iter().map(|p| p.2).sum::<i64>() - limit;
    for p in personal.iter_mut().rev() {
        if excess <= 0 {
            break;
        }
        let cut = excess.min(p.2);
        p.2 -= cut;
        excess -= cut;
    }
    for (i, kind, amount) in personal {
        if amount > 0
            && let Some(a) = adults.get(i)
        {
            incomes.push(income(Some(a.member_id.clone()), kind, amount));
        }
    }

    let mut members: Vec<MemberIn> = adults
        .iter()
        .map(|a| MemberIn {
            id: a.member_id.clone(),
            role: Role::Adult,
            age: i64::from(a.age),
            lunch_outside_home: false,
            months_with_assistance: a.months_with_assistance,
            jobbstimulans_from: a.jobbstimulans_from,
        })
        .collect();
    members.extend(
        children
            .iter()
            .zip(&lunch)
            .map(|((p, age), (_, lunch_out))| MemberIn {
                id: p.id.member_id(),
                role: Role::Child,
                age: i64::from(*age),
                lunch_outside_home: *lunch_out,
                months_with_assistance: 0,
                jobbstimulans_from: None,
            }),
    );
    CalcRequest {
        month,
        members,
        couple: (adults.len() == 2).then_some(true),
        shared_household_size: None,
        costs,
        incomes,
        assets,
        decided_on: None,
        norm_adjustments: Vec::new(),
    }
}

fn income(member: Option<String>, kind: IncomeKind, amount: i64) -> IncomeIn {
    IncomeIn {
        member,
        kind,
        amount,
        earned_earlier_this_year: None,
    }
}

/// Children (role child) of a composition.
pub(crate) fn children_of<'a>(composition: &[(&'a Person, i16)]) -> Vec<(&'a Person, i16)> {
    composition
        .iter()
        .filter(|(p, _)| p.role == MemberRole::Child)
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_allowance_follows_the_table() {
        assert_eq!(child_allowance(1, 1), 1_250);
        assert_eq!(child_allowance(2, 2), 2_650);
        assert_eq!(child_allowance(3, 3), 4_480);
        assert_eq!(child_allowance(4, 4), 6_740);
        assert_eq!(child_allowance(5, 5), 9_240);
        // A 17-year-old counts for the supplement but gets studiebidrag, not barnbidrag.
        assert_eq!(child_allowance(1, 2), 1_400);
    }

    #[test]
    fn norm_floor_matches_riksnorm_2021() {
        // One adult: 3,160 + common_1 1,020.
        assert_eq!(norm_floor_2021(1, &[]), 4_180);
        // Couple with a 4-year-old at preschool: 5,700 + 2,170 + common_3 1,420.
        assert_eq!(norm_floor_2021(2, &[(4, true)]), 9_290);
    }
}
