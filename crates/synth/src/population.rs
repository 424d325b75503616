//! The population register: households of Swedish-town sizes and ages, synthetic names and personnummer, and the
//! units and staff of the labour and welfare administration.

use std::collections::HashSet;

use jiff::Span;
use jiff::civil::Date;
use norm::Month;

use crate::config::{Config, SynthError};
use crate::model::{
    Area, Household, HouseholdId, MemberRole, Person, PersonId, Sex, Staff, StaffId, StaffRole, Unit, UnitId,
    UnitKind,
};
use crate::names;
use crate::personnummer;
use crate::rng::{Rand, between, chance, pick, weighted_index};

/// Household types; the share of each among all households follows SCB's household statistics for a Swedish town
/// (about 40 % one person, mean size about 2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HouseholdType {
    Single,
    Couple,
    SingleParent,
    CoupleWithChildren,
}

const TYPE_SHARES: [(HouseholdType, f64); 4] = [
    (HouseholdType::Single, 0.40),
    (HouseholdType::Couple, 0.27),
    (HouseholdType::SingleParent, 0.08),
    (HouseholdType::CoupleWithChildren, 0.25),
];

/// Share of households with skyddad identitet: "a few" (Sweden: roughly 0.2 % of persons).
const PROTECTED_SHARE: f64 = 0.002;

/// Share of children aged 1-6 who eat lunch at preschool five days a week.
const PRESCHOOL_SHARE: f64 = 0.85;

pub(crate) const UNIT_NORTH: UnitId = UnitId(0);
pub(crate) const UNIT_SOUTH: UnitId = UnitId(1);
pub(crate) const UNIT_LABOUR: UnitId = UnitId(2);

/// The register plus, per household, its type (for the recipient mix).
#[derive(Debug)]
pub(crate) struct Population {
    pub households: Vec<Household>,
    pub types: Vec<HouseholdType>,
}

struct PersonFactory {
    next_id: u32,
    used: HashSet<(i16, i8, i8, u16)>,
}

impl PersonFactory {
    fn person(
        &mut self,
        rng: &mut Rand,
        birth: Date,
        sex: Sex,
        family_name: &str,
        role: MemberRole,
    ) -> Person {
        let given = match sex {
            Sex::Female => pick(rng, names::FEMALE),
            Sex::Male => pick(rng, names::MALE),
        }
        .copied()
        .unwrap_or("Alex");
        // Draw a free serial for the date; with 50 per sex and date a clash is rare even for a million persons,
        // and after 50 clashes the next day is tried.
        let mut date = birth;
        let mut serial = personnummer::serial_for(sex, 0);
        'search: for _ in 0..30 {
            let start = u16::try_from(between(rng, 0, 49)).unwrap_or(0);
            for step in 0..50 {
                let s = personnummer::serial_for(sex, (start + step) % 50);
                if self.used.insert((date.year(), date.month(), date.day(), s)) {
                    serial = s;
                    break 'search;
                }
            }
            date = date.tomorrow().unwrap_or(date);
        }
        let id = PersonId(self.next_id);
        self.next_id += 1;
        Person {
            id,
            personnummer: personnummer::format(date, serial),
            given_name: given.to_owned(),
            family_name: family_name.to_owned(),
            birth_date: date,
            sex,
            role,
            protected_identity: false,
            preschool: false,
        }
    }
}

fn first_day(month: Month) -> Result<Date, SynthError> {
    Date::new(
        i16::try_from(month.year()).unwrap_or(2000),
        i8::try_from(month.month()).unwrap_or(1),
        1,
    )
    .map_err(|e| SynthError::Date(e.to_string()))
}

/// A birth date `age` full years before `reference` (plus up to a year more), or, for negative ages, a date
/// after it (a child born during the period).
fn birth_date(rng: &mut Rand, reference: Date, age_years: i64, latest: Date) -> Date {
    let days = age_years * 365 + between(rng, 0, 364);
    let d = if days >= 0 {
        reference.checked_sub(Span::new().days(days))
    } else {
        reference.checked_add(Span::new().days(-days))
    }
    .unwrap_or(reference);
    d.min(latest)
}

fn adult_age(rng: &mut Rand, t: HouseholdType) -> i64 {
    match t {
        HouseholdType::Single => match weighted_index(rng, &[0.25, 0.40, 0.35]) {
            Some(0) => between(rng, 19, 29),
            Some(1) => between(rng, 30, 64),
            _ => between(rng, 65, 95),
        },
        HouseholdType::Couple => match weighted_index(rng, &[0.30, 0.35, 0.35]) {
            Some(0) => between(rng, 22, 39),
            Some(1) => between(rng, 40, 64),
            _ => between(rng, 65, 90),
        },
        HouseholdType::SingleParent => between(rng, 21, 54),
        HouseholdType::CoupleWithChildren => between(rng, 23, 54),
    }
}

fn child_count(rng: &mut Rand, t: HouseholdType) -> i64 {
    match t {
        HouseholdType::Single | HouseholdType::Couple => 0,
        // Mean about 1.6 children.
        HouseholdType::SingleParent => match weighted_index(rng, &[0.52, 0.35, 0.10, 0.03]) {
            Some(i) => i64::try_from(i).unwrap_or(0) + 1,
            None => 1,
        },
        // Mean about 1.9 children; a few large families.
        HouseholdType::CoupleWithChildren => {
            match weighted_index(rng, &[0.38, 0.42, 0.14, 0.04, 0.015, 0.005]) {
                Some(i) => i64::try_from(i).unwrap_or(0) + 1,
                None => 1,
            }
        }
    }
}

pub(crate) fn generate_population(cfg: &Config, rng: &mut Rand) -> Result<Population, SynthError> {
    let reference = first_day(cfg.first_month)?;
    let latest = first_day(cfg.last_month)?;
    let period_years = i64::from(cfg.first_month.months_until(cfg.last_month)) / 12;
    let area_weights: Vec<f64> = names::AREAS.iter().map(|a| f64::from(a.3)).collect();
    let type_weights: Vec<f64> = TYPE_SHARES.iter().map(|t| t.1).collect();
    let target = usize::try_from(cfg.inhabitants).unwrap_or(usize::MAX);

    let mut factory = PersonFactory {
        next_id: 0,
        used: HashSet::with_capacity(target),
    };
    let mut households = Vec::with_capacity(target / 2);
    let mut types = Vec::with_capacity(target / 2);
    let mut persons = 0usize;
    while persons < target {
        let t = weighted_index(rng, &type_weights)
            .and_then(|i| TYPE_SHARES.get(i))
            .map_or(HouseholdType::Single, |t| t.0);
        let family = pick(rng, names::FAMILY).copied().unwrap_or("Svensson");
        let mut members = Vec::new();
        let first_age = adult_age(rng, t);
        let first_sex = match t {
            HouseholdType::SingleParent if chance(rng, 0.8) => Sex::Female,
            _ if chance(rng, 0.5) => Sex::Female,
            _ => Sex::Male,
        };
        let b = birth_date(rng, reference, first_age, latest);
        members.push(factory.person(rng, b, first_sex, family, MemberRole::Adult));
        if matches!(t, HouseholdType::Couple | HouseholdType::CoupleWithChildren) {
            let age = (first_age + between(rng, -4, 4)).max(19);
            let sex = if chance(rng, 0.95) {
                match first_sex {
                    Sex::Female => Sex::Male,
                    Sex::Male => Sex::Female,
                }
            } else {
                first_sex
            };
            let partner_family = if chance(rng, 0.5) {
                family
            } else {
                pick(rng, names::FAMILY).copied().unwrap_or(family)
            };
            let b = birth_date(rng, reference, age, latest);
            members.push(factory.person(rng, b, sex, partner_family, MemberRole::Adult));
        }
        // Children: aged up to 18 at the start, a few born during the period (negative age).
        let max_child_age = (first_age - 19).clamp(0, 18);
        for _ in 0..child_count(rng, t) {
            let age = between(rng, -period_years.min(3), max_child_age);
            let sex = if chance(rng, 0.5) { Sex::Female } else { Sex::Male };
            let b = birth_date(rng, reference, age, latest);
            let mut child = factory.person(rng, b, sex, family, MemberRole::Child);
            child.preschool = chance(rng, PRESCHOOL_SHARE);
            members.push(child);
        }
        // Adults first (the first adult stays first), then children oldest first.
        if let Some(rest) = members.get_mut(1..) {
            rest.sort_by_key(|p| (p.role == MemberRole::Child, p.birth_date));
        }
        if chance(rng, PROTECTED_SHARE) {
            for m in &mut members {
                m.protected_identity = true;
            }
        }
        let area = weighted_index(rng, &area_weights)
            .and_then(|i| names::AREAS.get(i))
            .or_else(|| names::AREAS.first());
        let (area_name, postcode, north) = area.map_or(("Centrum", "291 31", true), |a| (a.0, a.1, a.2));
        let street = pick(rng, names::STREETS).copied().unwrap_or("Storgatan");
        persons += members.len();
        let id = HouseholdId(u32::try_from(households.len()).unwrap_or(u32::MAX));
        households.push(Household {
            id,
            address: format!("{street} {}", between(rng, 1, 60)),
            area: Area {
                name: area_name.to_owned(),
                postcode: postcode.to_owned(),
                unit: if north { UNIT_NORTH } else { UNIT_SOUTH },
            },
            members,
            moved_out: None,
        });
        types.push(t);
    }
    Ok(Population { households, types })
}

/// Units and staff, scaled with the expected caseload (about 35 households per caseworker).
pub(crate) fn generate_staff(cfg: &Config, rng: &mut Rand) -> (Vec<Unit>, Vec<Staff>) {
    let units = vec![
        (
            UNIT_NORTH,
            "Ekonomiskt bistånd Nord",
            UnitKind::EconomicAssistance,
        ),
        (UNIT_SOUTH, "Ekonomiskt bistånd Syd", UnitKind::EconomicAssistance),
        (UNIT_LABOUR, "Arbetsmarknad", UnitKind::LabourMarket),
        (UnitId(3), "Förvaltningsledning och stab", UnitKind::Management),
        (UnitId(4), "Arbete och välfärdsnämnden", UnitKind::Board),
        (UnitId(5), "Revisionen", UnitKind::Audit),
    ];
    let units: Vec<Unit> = units
        .into_iter()
        .map(|(id, name, kind)| Unit {
            id,
            name: name.to_owned(),
            kind,
        })
        .collect();

    let stock = cfg.dynamics.stock_per_inhabitant * f64::from(cfg.inhabitants);
    let count = |per: f64, min: u32| -> u32 {
        // Float-to-int `as` saturates; the value is small and non-negative here.
        let n = (stock / per).round() as u32;
        n.max(min)
    };
    let caseworkers_per_unit = count(70.0, 2);
    let managers_per_unit = caseworkers_per_unit.div_ceil(12);
    let plan: Vec<(UnitId, StaffRole, u32)> = vec![
        (UNIT_NORTH, StaffRole::UnitManager, managers_per_unit),
        (UNIT_NORTH, StaffRole::Caseworker, caseworkers_per_unit),
        (UNIT_SOUTH, StaffRole::UnitManager, managers_per_unit),
        (UNIT_SOUTH, StaffRole::Caseworker, caseworkers_per_unit),
        (UNIT_LABOUR, StaffRole::UnitManager, 1),
        (UNIT_LABOUR, StaffRole::JobCoach, count(90.0, 1)),
        (UnitId(3), StaffRole::UnitManager, 1),
        (UnitId(3), StaffRole::Controller, count(750.0, 1)),
        (UnitId(3), StaffRole::Administrator, count(400.0, 1)),
        (UnitId(4), StaffRole::BoardMember, 11),
        (UnitId(5), StaffRole::Auditor, 3),
    ];
    let mut staff = Vec::new();
    for (unit, role, n) in plan {
        for _ in 0..n {
            let female = chance(rng, 0.7);
            let given = pick(rng, if female { names::FEMALE } else { names::MALE })
                .copied()
                .unwrap_or("Alex");
            let family = pick(rng, names::FAMILY).copied().unwrap_or("Svensson");
            let id = StaffId(u32::try_from(staff.len()).unwrap_or(u32::MAX));
            staff.push(Staff {
                id,
                given_name: given.to_owned(),
                family_name: family.to_owned(),
                username: format!("{}.{}{}", ascii_login(given), ascii_login(family), id.0),
                role,
                unit,
            });
        }
    }
    (units, staff)
}

fn ascii_login(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'å' | 'ä' | 'Å' | 'Ä' => 'a',
            'ö' | 'Ö' => 'o',
            'é' | 'É' => 'e',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}
