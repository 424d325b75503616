//! The monthly calculation: riksnorm + reasonable costs − counted income − assets, never below zero.
//!
//! Written once against [`Sink`], so the bulk path ([`calculate_totals`]) and the explained path ([`calculate`])
//! are the same rules. All amounts are whole kronor held as öre: the two roundings (jobbstimulans rounds the
//! disregard up, a household-community share rounds half up) happen where the rule says.

use crate::contract::{CalcRequest, CalcResponse, IncomeKind};
use crate::explain::{
    ChildAge, Explained, MemberRef, Part, Piece, Quiet, Sink, TableItem, TextOut, Voice, text,
};
use crate::guidelines::Guidelines;
use crate::household::{Adults, Household, HouseholdRef, IncomeClass, InputError, Member, MemberKind};
use crate::ruleset::{Adjustment, Bases, Parts, RuleBook, RuleSet};
use crate::tables::{ChildBand, YearTable};
use crate::{Money, Month};

/// The totals of one household-month, whole kronor (as öre).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub norm: Money,
    pub reasonable_costs: Money,
    pub counted_income: Money,
    pub assets: Money,
    /// `max(0, norm + reasonable_costs − counted_income − assets)`.
    pub assistance: Money,
}

static NO_GUIDELINES: Guidelines = Guidelines {
    rent_ceilings: Vec::new(),
};

/// The jobbstimulans disregard, in months since its start.
pub const JOBBSTIMULANS_MONTHS: i32 = 24;
/// Consecutive months with försörjningsstöd needed before the disregard starts.
pub const JOBBSTIMULANS_QUALIFYING: u16 = 6;

/// Whether the 25 % disregard applies to an adult's salary this month, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jobbstimulans {
    /// Applies in a 24-month period that started in `from`. `started_now`: the period starts this month (the
    /// caller should record `from`).
    Applies { from: Month, started_now: bool },
    /// Fewer than six consecutive months with assistance.
    NotYet { months: u16 },
    /// The period that started in `from` has ended and six new consecutive months have not yet passed.
    Ended { from: Month, new_months: u16 },
}

/// Whether the 25 % disregard applies: the same rule as [`jobbstimulans`], written without branches for the bulk
/// path (a unit test checks the two agree on every combination in a wide range).
#[inline]
pub fn jobbstimulans_applies(month: Month, months_with_assistance: u16, from: Option<Month>) -> bool {
    let recorded = from.is_some();
    let since = from.map_or(0, |f| f.months_until(month));
    let after_end = (since - JOBBSTIMULANS_MONTHS).max(0);
    let new_months = i32::from(months_with_assistance).min(after_end);
    let qualified = i32::from(months_with_assistance) >= i32::from(JOBBSTIMULANS_QUALIFYING);
    (recorded & ((since < JOBBSTIMULANS_MONTHS) | (new_months >= i32::from(JOBBSTIMULANS_QUALIFYING))))
        | (!recorded & qualified)
}

/// The jobbstimulans rule (SoL 12:8, before 2025-07 SoL 4:1 b) for one adult in one month.
pub fn jobbstimulans(month: Month, months_with_assistance: u16, from: Option<Month>) -> Jobbstimulans {
    match from {
        // The clock runs from the first month even if the household leaves assistance in between.
        Some(f) if f.months_until(month) < JOBBSTIMULANS_MONTHS => Jobbstimulans::Applies {
            from: f,
            started_now: false,
        },
        Some(f) => {
            // Only months with assistance after the period ended count towards a new period.
            let since_end = f.months_until(month).saturating_sub(JOBBSTIMULANS_MONTHS);
            let new_months = months_with_assistance.min(u16::try_from(since_end).unwrap_or(u16::MAX));
            if new_months >= JOBBSTIMULANS_QUALIFYING {
                Jobbstimulans::Applies {
                    from: month,
                    started_now: true,
                }
            } else {
                Jobbstimulans::Ended { from: f, new_months }
            }
        }
        None if months_with_assistance >= JOBBSTIMULANS_QUALIFYING => Jobbstimulans::Applies {
            from: month,
            started_now: true,
        },
        None => Jobbstimulans::NotYet {
            months: months_with_assistance,
        },
    }
}

#[cold]
fn negative_norm(before: Money, after: Money) -> InputError {
    InputError::new(
        "norm_adjustments",
        format!(
            "would make the norm negative ({} kr before the adjustments, {} kr after)",
            before.kronor_rounded(),
            after.kronor_rounded()
        ),
    )
}

pub(crate) fn overflow(_: crate::money::Overflow) -> InputError {
    InputError::new("input", "amounts are too large to add up")
}

/// `amount × 25 %` rounded up to whole kronor (the disregard favours the person).
#[inline]
fn quarter_rounded_up(amount: Money) -> Money {
    // Amounts are validated non-negative whole kronor.
    let kronor = amount.ore().max(0) / 100;
    Money::from_ore((kronor + 3) / 4 * 100)
}

/// `amount ÷ n` rounded to whole kronor, halves up.
#[inline]
fn share_rounded(amount: Money, n: i64) -> Money {
    let per = n.saturating_mul(100).max(1);
    Money::from_ore((amount.ore() + per / 2).div_euclid(per) * 100)
}

/// An income's name in the text's language.
struct IncomeName(IncomeKind);

impl Piece for IncomeName {
    fn put(&self, w: &mut TextOut<'_>) {
        if w.en() {
            w.str(income_name_en(self.0));
        } else {
            w.str(income_name(self.0));
        }
    }
}

/// The English name of an income kind, as its lines write it (also for pages that list incomes).
pub fn income_name_en(kind: IncomeKind) -> &'static str {
    match kind {
        IncomeKind::Salary => "Salary",
        IncomeKind::UnemploymentBenefit => "Unemployment benefit",
        IncomeKind::ActivitySupport => "Activity support",
        IncomeKind::SicknessBenefit => "Sickness benefit",
        IncomeKind::ParentalBenefit => "Parental benefit",
        IncomeKind::SicknessCompensation => "Sickness or activity compensation",
        IncomeKind::ChildAllowance => "Child allowance and large-family supplement",
        IncomeKind::MaintenanceSupport => "Maintenance support",
        IncomeKind::HousingAllowance => "Housing allowance",
        IncomeKind::StudentAid => "Student aid",
        IncomeKind::EstablishmentBenefit => "Establishment benefit",
        IncomeKind::Pension => "Pension",
        IncomeKind::TaxRefund => "Tax refund",
        IncomeKind::OtherCounted => "Other income",
        IncomeKind::DisabilityCompensation => "Tax-free compensation for disability",
        IncomeKind::ExemptGrant => "Small one-off grant from a foundation or fund",
        IncomeKind::OtherExempt => "Other income that does not count",
    }
}

/// The Swedish name of an income kind, as its lines write it (also for pages that list incomes).
pub fn income_name(kind: IncomeKind) -> &'static str {
    match kind {
        IncomeKind::Salary => "Lön",
        IncomeKind::UnemploymentBenefit => "Arbetslöshetsersättning",
        IncomeKind::ActivitySupport => "Aktivitetsstöd",
        IncomeKind::SicknessBenefit => "Sjukpenning",
        IncomeKind::ParentalBenefit => "Föräldrapenning",
        IncomeKind::SicknessCompensation => "Sjuk- eller aktivitetsersättning",
        IncomeKind::ChildAllowance => "Barnbidrag och flerbarnstillägg",
        IncomeKind::MaintenanceSupport => "Underhållsstöd",
        IncomeKind::HousingAllowance => "Bostadsbidrag",
        IncomeKind::StudentAid => "Studiemedel",
        IncomeKind::EstablishmentBenefit => "Etableringsersättning",
        IncomeKind::Pension => "Pension",
        IncomeKind::TaxRefund => "Skatteåterbäring",
        IncomeKind::OtherCounted => "Annan inkomst",
        IncomeKind::DisabilityCompensation => "Skattefri ersättning vid funktionsnedsättning",
        IncomeKind::ExemptGrant => "Mindre engångsbidrag från stiftelse eller fond",
        IncomeKind::OtherExempt => "Annan inkomst som inte räknas",
    }
}

/// " (a)" after an income's name when it belongs to a member (their name when the voice has one).
struct Who<'a>(Option<&'a str>);

impl Piece for Who<'_> {
    fn put(&self, w: &mut TextOut<'_>) {
        if let Some(id) = self.0 {
            text!(w, " (", MemberRef(id), ")");
        }
    }
}

/// "1 person" / "3 personer" ("3 persons"), formatted without allocating.
struct Persons(usize);

impl Piece for Persons {
    fn put(&self, w: &mut TextOut<'_>) {
        if self.0 == 1 {
            text!(w, "1 person");
        } else if w.en() {
            text!(w, self.0, " persons");
        } else {
            text!(w, self.0, " personer");
        }
    }
}

fn persons(n: usize) -> Persons {
    Persons(n)
}

/// Runs the rules of `rs` for one household and returns the four parts. `b` are the legal bases the lines quote:
/// the law in force on the decision date, which may be another rule set's than `rs` (whose table and modules
/// follow the month).
#[inline(always)]
pub(crate) fn run<S: Sink>(
    table: &YearTable,
    rs: &RuleSet,
    b: &Bases,
    hh: HouseholdRef<'_>,
    guidelines: &Guidelines,
    sink: &mut S,
) -> Result<Parts, InputError> {
    let mut norm = Money::ZERO;

    // Personal costs of the adults.
    let n_adults = usize::from(hh.n_adults);
    // The amount is chosen without a branch (the bulk path meets couples and singles at random); the
    // explanation then says which rule it was.
    let (couple, single) = (table.adult_couple, table.adult_single);
    let singles = single
        .money
        .checked_mul(i64::from(hh.n_adults))
        .map_err(overflow)?;
    let is_couple = hh.adults == Adults::Couple;
    let c = i64::from(is_couple);
    let adults_amount = Money::from_ore(couple.money.ore() * c + singles.ore() * (1 - c));
    norm = norm.checked_add(adults_amount).map_err(overflow)?;
    if S::EXPLAIN {
        if is_couple {
            sink.used(couple.provenance, TableItem::AdultCouple);
            sink.line(Part::Norm, couple.money, &b.norm, |w| {
                if w.en() {
                    text!(w, "Personal costs, spouses or cohabiting partners")
                } else {
                    text!(w, "Personliga kostnader, makar eller sambor")
                }
            });
        } else {
            for (i, _) in hh.members.iter().enumerate().filter(|(_, m)| m.is_adult()) {
                sink.used(single.provenance, TableItem::AdultSingle);
                sink.line(Part::Norm, single.money, &b.norm, |w| {
                    let id = MemberRef(hh.ids().get(i).map_or("?", String::as_str));
                    match (w.en(), n_adults == 1) {
                        (false, true) => text!(w, "Personliga kostnader, ensamstående vuxen (", id, ")"),
                        (false, false) => {
                            text!(w, "Personliga kostnader, vuxen som inte lever i par (", id, ")")
                        }
                        (true, true) => text!(w, "Personal costs, single adult (", id, ")"),
                        (true, false) => text!(w, "Personal costs, adult not living as a couple (", id, ")"),
                    }
                });
            }
            if n_adults > 2 {
                sink.finding(|w| {
                    if w.en() {
                        return text!(
                            w,
                            "The household has ",
                            n_adults,
                            " adults and all are counted as single. More than two adults are normally separate \
                             assistance households in a household community: spouses or cohabiting partners apply \
                             together (with their children), and every other adult, for example an adult child or a \
                             lodger, applies alone with their share of the household community's household-common \
                             costs. Check who belongs to the same household and split the calculation."
                        );
                    }
                    text!(
                        w,
                        "Hushållet har ",
                        n_adults,
                        " vuxna och alla räknas som ensamstående. Fler än två vuxna är normalt skilda \
                         biståndshushåll i en hushållsgemenskap: makar eller sambor söker tillsammans (med sina \
                         barn), och varje annan vuxen, till exempel ett vuxet barn eller en inneboende, söker för sig \
                         själv med sin andel av hushållsgemenskapens hushållsgemensamma kostnader. Kontrollera vilka \
                         som hör till samma hushåll och dela upp beräkningen."
                    )
                });
            }
        }
    }

    // Personal costs of the children, by age band. The amounts are summed by each member's table slot
    // (branch-free; adults read zero); the explanation walks the children for their lines.
    let children = match hh.packed_slots {
        Some(packed) => table.packed_slots_money(packed),
        None => {
            let mut sum = Money::ZERO;
            for m in hh.members {
                sum = sum.checked_add(table.slot_money(m.slot)).map_err(overflow)?;
            }
            sum
        }
    };
    norm = norm.checked_add(children).map_err(overflow)?;
    for (i, m) in hh.members.iter().enumerate() {
        if !S::EXPLAIN {
            break;
        }
        let Member {
            age,
            kind: MemberKind::Child { band, lunch_out },
            ..
        } = *m
        else {
            continue;
        };
        let a = table.child(band, lunch_out);
        sink.used(a.provenance, TableItem::Child(band, lunch_out));
        sink.line(Part::Norm, a.money, &b.norm, |w| {
            let id = MemberRef(hh.ids().get(i).map_or("?", String::as_str));
            if w.en() {
                let who = if band == ChildBand::Age19To20 {
                    "school student"
                } else {
                    "child"
                };
                let lunch_text = if lunch_out {
                    ", eats lunch outside the home five days a week"
                } else {
                    ""
                };
                return text!(
                    w,
                    "Personal costs, ",
                    who,
                    " (",
                    id,
                    "), ",
                    age,
                    " years, age group ",
                    ChildAge(band),
                    lunch_text
                );
            }
            let who = if band == ChildBand::Age19To20 {
                "skolungdom"
            } else {
                "barn"
            };
            let lunch_text = if lunch_out {
                ", äter lunch utanför hemmet fem dagar i veckan"
            } else {
                ""
            };
            text!(
                w,
                "Personliga kostnader, ",
                who,
                " (",
                id,
                "), ",
                age,
                " år, åldersgrupp ",
                band.label(),
                lunch_text
            )
        });
        if band == ChildBand::Age19To20 {
            sink.finding(|w| {
                let id = MemberRef(hh.ids().get(i).map_or("?", String::as_str));
                if w.en() {
                    return text!(
                        w,
                        id,
                        " is ",
                        age,
                        ": the norm for ages 19–20 applies only to young people who are at school, live at home \
                         and whom the parents have a duty to support. Check the schooling."
                    );
                }
                text!(
                    w,
                    id,
                    " är ",
                    age,
                    " år: normen för 19–20 år gäller bara ungdom som går i skolan, bor hemma och som \
                     föräldrarna har försörjningsplikt för. Kontrollera skolgången."
                )
            });
        }
    }

    // Household-common costs: for the household's size, or its share of a larger household community's.
    let size = hh.size();
    match hh.shared_household_size {
        None => {
            let common = table.common(size).map_err(overflow)?;
            sink.used(common.provenance, TableItem::Common(size));
            sink.line(Part::Norm, common.money, &b.norm, |w| {
                if size > crate::tables::COMMON_ROWS {
                    let step = table.common_step().unwrap_or(Money::ZERO);
                    if w.en() {
                        return text!(
                            w,
                            "Household-common costs, ",
                            persons(size),
                            " (7 persons and ",
                            size - crate::tables::COMMON_ROWS,
                            " × ",
                            step,
                            " for each person beyond seven)"
                        );
                    }
                    text!(
                        w,
                        "Hushållsgemensamma kostnader, ",
                        persons(size),
                        " (7 personer och ",
                        size - crate::tables::COMMON_ROWS,
                        " × ",
                        step,
                        " för varje person utöver sju)"
                    )
                } else if w.en() {
                    text!(w, "Household-common costs, ", persons(size))
                } else {
                    text!(w, "Hushållsgemensamma kostnader, ", persons(size))
                }
            });
            norm = norm.checked_add(common.money).map_err(overflow)?;
        }
        Some(n) => {
            // common cost for the community's size × own members ÷ community size, rounded to whole kronor, halves
            // up (for one person alone: common ÷ size, the rule the contract first had).
            let community = usize::from(n);
            let common = table.common(community).map_err(overflow)?;
            sink.used(common.provenance, TableItem::Common(community));
            let own = i64::try_from(size).map_err(|_| overflow(crate::money::Overflow))?;
            let share = share_rounded(common.money.checked_mul(own).map_err(overflow)?, i64::from(n));
            sink.line(Part::Norm, share, &b.norm, |w| {
                if w.en() {
                    text!(
                        w,
                        "Share of household-common costs in a household community of ",
                        persons(community),
                        ": ",
                        common.money
                    );
                    if size == 1 {
                        text!(w, " ÷ ", n, ", rounded to whole kronor");
                    } else {
                        text!(
                            w,
                            " × ",
                            size,
                            " ÷ ",
                            n,
                            " for the household's ",
                            persons(size),
                            ", rounded to whole kronor"
                        );
                    }
                    return;
                }
                text!(
                    w,
                    "Andel av hushållsgemensamma kostnader i en hushållsgemenskap med ",
                    persons(community),
                    ": ",
                    common.money
                );
                if size == 1 {
                    text!(w, " ÷ ", n, ", avrundat till hela kronor");
                } else {
                    text!(
                        w,
                        " × ",
                        size,
                        " ÷ ",
                        n,
                        " för hushållets ",
                        persons(size),
                        ", avrundat till hela kronor"
                    );
                }
            });
            norm = norm.checked_add(share).map_err(overflow)?;
        }
    }

    // The norm raised (shall) or lowered (may) for special reasons, each its own reasoned line.
    if !hh.norm_adjustments.is_empty() {
        let before = norm;
        for adj in hh.norm_adjustments {
            let raised = !adj.amount.is_negative();
            sink.line(Part::Norm, adj.amount, &b.special_reasons, |w| {
                if w.en() {
                    return text!(
                        w,
                        if raised { "Norm raised" } else { "Norm lowered" },
                        " for special reasons",
                        Who(adj.member.map(|m| hh.id(m))),
                        ": ",
                        &adj.reason
                    );
                }
                text!(
                    w,
                    if raised { "Förhöjd norm" } else { "Sänkt norm" },
                    " av särskilda skäl",
                    Who(adj.member.map(|m| hh.id(m))),
                    ": ",
                    &adj.reason
                )
            });
            norm = norm.checked_add(adj.amount).map_err(overflow)?;
        }
        if norm.is_negative() {
            return Err(negative_norm(before, norm));
        }
        if hh.norm_adjustments.iter().any(|a| a.amount.is_negative()) {
            sink.finding(|w| {
                if w.en() {
                    return text!(
                        w,
                        "The norm is lowered for special reasons. A lowering is a decision of partial refusal: give \
                         the reasons in the decision and say how to appeal."
                    );
                }
                text!(
                    w,
                    "Normen är sänkt av särskilda skäl. En sänkning är ett beslut om delvis avslag: motivera skälen \
                     i beslutet och upplys om hur man överklagar."
                )
            });
        }
    }

    // Reasonable actual costs.
    let c = hh.costs();
    let mut rent = hh.rent;
    let size = hh.size();
    if let Some((name, ceiling)) = guidelines.rent_ceiling(hh.month, size)
        && rent > ceiling
    {
        sink.line(Part::ReasonableCosts, ceiling, &b.costs, |w| {
            if w.en() {
                return text!(
                    w,
                    "Rent ",
                    c.rent,
                    ", accepted at ",
                    ceiling,
                    " under the municipality's guideline for ",
                    persons(size),
                    " (",
                    name,
                    ")"
                );
            }
            text!(
                w,
                "Hyra ",
                c.rent,
                ", godtas med ",
                ceiling,
                " enligt kommunens riktlinje för ",
                persons(size),
                " (",
                name,
                ")"
            )
        });
        sink.finding(|w| {
            if w.en() {
                return text!(
                    w,
                    "The rent ",
                    c.rent,
                    " is higher than the guideline's ceiling ",
                    ceiling,
                    " for ",
                    persons(size),
                    " (",
                    name,
                    "); ",
                    ceiling,
                    " has been accepted. Consider whether there are special reasons to accept the whole rent, or \
                     whether the household should be given time to find a cheaper home."
                );
            }
            text!(
                w,
                "Hyran ",
                c.rent,
                " är högre än riktlinjens tak ",
                ceiling,
                " för ",
                persons(size),
                " (",
                name,
                "); ",
                ceiling,
                " har godtagits. Pröva om \
                 det finns särskilda skäl att godta hela hyran, eller om hushållet ska få tid att skaffa en \
                 billigare bostad."
            )
        });
        rent = ceiling;
    } else if rent > Money::ZERO {
        sink.line(Part::ReasonableCosts, rent, &b.costs, |w| {
            let word = if w.en() { "Rent" } else { "Hyra" };
            text!(w, word)
        });
    }
    if S::EXPLAIN {
        for (amount, sv, en) in [
            (c.electricity, "Hushållsel", "Household electricity"),
            (c.home_insurance, "Hemförsäkring", "Home insurance"),
            (c.work_travel, "Arbetsresor", "Travel to work"),
            (
                c.union_fees,
                "Avgift till fackförening och arbetslöshetskassa",
                "Trade union and unemployment fund fees",
            ),
        ] {
            if amount > Money::ZERO {
                sink.line(Part::ReasonableCosts, amount, &b.costs, |w| {
                    let word = if w.en() { en } else { sv };
                    text!(w, word)
                });
            }
        }
    }
    // The other costs were summed at validation (their lines above add up to the same).
    let reasonable_costs = rent.checked_add(hh.other_costs).map_err(overflow)?;

    // Incomes. Those counted in full were summed at validation; the bulk path only walks the salaries, which have
    // rules of their own. The explanation walks all of them (and its lines add up to the same total).
    let mut counted_income = if S::EXPLAIN { Money::ZERO } else { hh.plain_income };
    let walk = if S::EXPLAIN { hh.incomes() } else { hh.specials };
    for inc in walk {
        let who = || Who(inc.member.map(|m| hh.id(m)));
        let name = IncomeName(inc.kind);
        let counted = match inc.class {
            IncomeClass::Counted => {
                sink.line(Part::CountedIncome, inc.amount, &b.income, |w| {
                    text!(w, name, who())
                });
                inc.amount
            }
            IncomeClass::Exempt => {
                sink.line(Part::CountedIncome, Money::ZERO, &b.income, |w| {
                    if w.en() {
                        text!(w, name, who(), " ", inc.amount, ", does not count as income")
                    } else {
                        text!(w, name, who(), " ", inc.amount, ", räknas inte som inkomst")
                    }
                });
                Money::ZERO
            }
            IncomeClass::AdultSalary {
                months_with_assistance,
                jobbstimulans_from,
            } if !S::EXPLAIN => {
                // Bulk path: the same rule without branches (random data defeats branch prediction).
                let applies = jobbstimulans_applies(hh.month, months_with_assistance, jobbstimulans_from);
                let disregard = quarter_rounded_up(inc.amount);
                inc.amount
                    .checked_sub(Money::from_ore(disregard.ore() * i64::from(applies)))
                    .map_err(overflow)?
            }
            IncomeClass::AdultSalary {
                months_with_assistance,
                jobbstimulans_from,
            } => match jobbstimulans(hh.month, months_with_assistance, jobbstimulans_from) {
                Jobbstimulans::Applies { from, started_now } => {
                    let disregard = quarter_rounded_up(inc.amount);
                    let counted = inc.amount.checked_sub(disregard).map_err(overflow)?;
                    sink.line(Part::CountedIncome, counted, &b.jobbstimulans, |w| {
                        if w.en() {
                            return text!(
                                w,
                                name,
                                who(),
                                " ",
                                inc.amount,
                                ", 25 % jobbstimulans disregard (",
                                disregard,
                                ") not counted"
                            );
                        }
                        text!(
                            w,
                            name,
                            who(),
                            " ",
                            inc.amount,
                            ", 25 % jobbstimulans (",
                            disregard,
                            ") undantas"
                        )
                    });
                    if started_now {
                        sink.finding(|w| {
                            let who = MemberRef(inc.member.map_or("?", |m| hh.id(m)));
                            let until = from.plus(JOBBSTIMULANS_MONTHS - 1).unwrap_or(Month::MAX);
                            if w.en() {
                                return text!(
                                    w,
                                    "Jobbstimulans starts for ",
                                    who,
                                    " this month (",
                                    hh.month,
                                    "). Record the starting month: the rule applies for 24 months, up to and \
                                     including ",
                                    until,
                                    "."
                                );
                            }
                            text!(
                                w,
                                "Jobbstimulans börjar gälla för ",
                                who,
                                " denna månad (",
                                hh.month,
                                "). Registrera startmånaden: regeln \
                                 gäller i 24 månader, till och med ",
                                until,
                                "."
                            )
                        });
                    }
                    counted
                }
                Jobbstimulans::NotYet { months } => {
                    sink.line(Part::CountedIncome, inc.amount, &b.income, |w| {
                        if w.en() {
                            return text!(
                                w,
                                name,
                                who(),
                                ", jobbstimulans does not apply yet: ",
                                months,
                                " of 6 consecutive months with financial assistance"
                            );
                        }
                        text!(
                            w,
                            name,
                            who(),
                            ", jobbstimulans gäller inte ännu: ",
                            months,
                            " av 6 månader i följd med \
                             försörjningsstöd"
                        )
                    });
                    inc.amount
                }
                Jobbstimulans::Ended { from, new_months } => {
                    sink.line(Part::CountedIncome, inc.amount, &b.income, |w| {
                        if w.en() {
                            return text!(
                                w,
                                name,
                                who(),
                                ", jobbstimulans from ",
                                from,
                                " has applied for 24 months; ",
                                new_months,
                                " of 6 new consecutive months with financial assistance"
                            );
                        }
                        text!(
                            w,
                            name,
                            who(),
                            ", jobbstimulans från ",
                            from,
                            " har gällt i 24 månader; ",
                            new_months,
                            " av 6 nya \
                             månader i följd med försörjningsstöd"
                        )
                    });
                    inc.amount
                }
            },
            IncomeClass::ChildSalary => {
                // Only the part of the year's work income above one prisbasbelopp counts.
                let pbb = table.prisbasbelopp;
                let room = pbb
                    .checked_sub(inc.earned_earlier_this_year)
                    .map_err(overflow)?
                    .max(Money::ZERO);
                let counted = inc.amount.checked_sub(room).map_err(overflow)?.max(Money::ZERO);
                sink.line(Part::CountedIncome, counted, &b.child_income, |w| {
                    let earlier = inc.earned_earlier_this_year;
                    if w.en() {
                        if counted == Money::ZERO {
                            return text!(
                                w,
                                name,
                                who(),
                                " ",
                                inc.amount,
                                ", a child's earned income within the prisbasbelopp ",
                                pbb,
                                " for ",
                                hh.month.year(),
                                " (earlier this year ",
                                earlier,
                                "), does not count"
                            );
                        }
                        return text!(
                            w,
                            name,
                            who(),
                            " ",
                            inc.amount,
                            ", a child's earned income: the part above the prisbasbelopp ",
                            pbb,
                            " for ",
                            hh.month.year(),
                            " counts (earlier this year ",
                            earlier,
                            ")"
                        );
                    }
                    if counted == Money::ZERO {
                        text!(
                            w,
                            name,
                            who(),
                            " ",
                            inc.amount,
                            ", barns arbetsinkomst inom prisbasbeloppet ",
                            pbb,
                            " för ",
                            hh.month.year(),
                            " (tidigare i år \
                             ",
                            earlier,
                            "), räknas inte"
                        )
                    } else {
                        text!(
                            w,
                            name,
                            who(),
                            " ",
                            inc.amount,
                            ", barns arbetsinkomst: den del som överstiger prisbasbeloppet ",
                            pbb,
                            " för ",
                            hh.month.year(),
                            " \
                             räknas (tidigare i år ",
                            earlier,
                            ")"
                        )
                    }
                });
                counted
            }
        };
        counted_income = counted_income.checked_add(counted).map_err(overflow)?;
    }

    // Assets are used before assistance.
    if hh.assets > Money::ZERO {
        sink.line(Part::Assets, hh.assets, &b.assets, |w| {
            if w.en() {
                text!(w, "Assets to be used first")
            } else {
                text!(w, "Tillgångar som ska användas först")
            }
        });
    }

    let mut parts = Parts {
        norm,
        reasonable_costs,
        counted_income,
        assets: hh.assets,
    };

    // Rule modules of the rule set (reforms): each adjustment is a line and moves its part.
    for module in &rs.modules {
        for adj in module.adjust(hh, table, &parts).map_err(overflow)? {
            let slot = match adj.part {
                Part::Norm => &mut parts.norm,
                Part::ReasonableCosts => &mut parts.reasonable_costs,
                Part::CountedIncome => &mut parts.counted_income,
                Part::Assets => &mut parts.assets,
            };
            *slot = slot.checked_add(adj.amount).map_err(overflow)?;
            let Adjustment { text, basis, .. } = adj;
            sink.line(adj.part, adj.amount, &basis, |w| text!(w, &text));
        }
    }
    Ok(parts)
}

#[inline(always)]
pub(crate) fn totals_of(parts: &Parts) -> Result<Totals, InputError> {
    let before = parts
        .norm
        .checked_add(parts.reasonable_costs)
        .and_then(|m| m.checked_sub(parts.counted_income))
        .and_then(|m| m.checked_sub(parts.assets))
        .map_err(overflow)?;
    Ok(Totals {
        norm: parts.norm,
        reasonable_costs: parts.reasonable_costs,
        counted_income: parts.counted_income,
        assets: parts.assets,
        assistance: before.max(Money::ZERO),
    })
}

fn no_table(book: &RuleBook, rs: &RuleSet, month: Month) -> InputError {
    let covered = book
        .years(&rs.series)
        .map(|(a, b)| format!(" ({} covers {a}-{b})", rs.series))
        .unwrap_or_default();
    InputError::new("month", format!("{month} has no rule table{covered}"))
}

#[inline]
pub(crate) fn resolve(book: &RuleBook, month: Month) -> Result<(&RuleSet, &YearTable), InputError> {
    match book.resolve(month) {
        Some(found) => Ok(found),
        None => Err(unresolved(book, month)),
    }
}

#[cold]
fn unresolved(book: &RuleBook, month: Month) -> InputError {
    match book.rule_set_for(month) {
        Some(rs) => no_table(book, rs, month),
        None => InputError::new("month", format!("{month} has no rule set")),
    }
}

pub(crate) fn table_in<'b>(
    book: &'b RuleBook,
    rs: &RuleSet,
    month: Month,
) -> Result<&'b YearTable, InputError> {
    book.table(&rs.series, month.year())
        .ok_or_else(|| no_table(book, rs, month))
}

/// Totals only, with the rule set in force for the household's month and no guidelines: the bulk path. It builds
/// no text and does not allocate.
pub fn calculate_totals(book: &RuleBook, hh: &Household) -> Result<Totals, InputError> {
    calculate_totals_view(book, hh.view())
}

/// [`calculate_totals`] for a borrowed household, e.g. one of a [`crate::household::Population`].
#[inline]
pub fn calculate_totals_view(book: &RuleBook, hh: HouseholdRef<'_>) -> Result<Totals, InputError> {
    let (rs, table) = resolve(book, hh.month)?;
    // The decision date only changes the legal bases quoted, never a total: no law lookup here.
    totals_of(&run(table, rs, &rs.bases, hh, &NO_GUIDELINES, &mut Quiet)?)
}

/// Totals only, for a given rule set and guidelines (e.g. to simulate a proposal over a population).
pub fn calculate_totals_in(
    book: &RuleBook,
    rs: &RuleSet,
    hh: HouseholdRef<'_>,
    guidelines: &Guidelines,
) -> Result<Totals, InputError> {
    let table = table_in(book, rs, hh.month)?;
    totals_of(&run(table, rs, &rs.bases, hh, guidelines, &mut Quiet)?)
}

/// The full contract calculation with explanation lines, the rule set in force for the month, no guidelines.
pub fn calculate(book: &RuleBook, req: &CalcRequest) -> Result<CalcResponse, InputError> {
    calculate_with(book, req, &NO_GUIDELINES)
}

/// The full calculation with the municipality's guidelines.
pub fn calculate_with(
    book: &RuleBook,
    req: &CalcRequest,
    guidelines: &Guidelines,
) -> Result<CalcResponse, InputError> {
    let hh = Household::from_request(req)?;
    explain_view(book, hh.view(), guidelines)
}

/// The full calculation under a chosen rule set (by name via [`RuleBook::rule_set`]).
pub fn calculate_in(
    book: &RuleBook,
    rs: &RuleSet,
    req: &CalcRequest,
    guidelines: &Guidelines,
) -> Result<CalcResponse, InputError> {
    let hh = Household::from_request(req)?;
    let table = table_in(book, rs, hh.month)?;
    let law = law(book, rs, hh.view())?;
    respond(table, rs, law, hh.view(), guidelines, Voice::default())
}

/// The full calculation with lines for an already validated household (no second validation), the rule set in
/// force for its month.
pub fn explain_view(
    book: &RuleBook,
    hh: HouseholdRef<'_>,
    guidelines: &Guidelines,
) -> Result<CalcResponse, InputError> {
    explain_view_voiced(book, hh, guidelines, Voice::default())
}

/// [`explain_view`] with its lines and findings worded in `voice` (a language, members by name). The totals are
/// the same whatever the voice; only the contract's voice (the default) gives the contract's texts, so use this
/// for pages and letters, never for the calc contract's output.
pub fn explain_view_voiced(
    book: &RuleBook,
    hh: HouseholdRef<'_>,
    guidelines: &Guidelines,
    voice: Voice<'_>,
) -> Result<CalcResponse, InputError> {
    let (rs, table) = resolve(book, hh.month)?;
    let law = law(book, rs, hh)?;
    respond(table, rs, law, hh, guidelines, voice)
}

/// [`calculate_with`] worded in `voice` (see [`explain_view_voiced`]).
pub fn calculate_voiced(
    book: &RuleBook,
    req: &CalcRequest,
    guidelines: &Guidelines,
    voice: Voice<'_>,
) -> Result<CalcResponse, InputError> {
    let hh = Household::from_request(req)?;
    explain_view_voiced(book, hh.view(), guidelines, voice)
}

/// The rule set whose name and legal bases a calculation quotes: the law in force on the household's decision
/// date ([`RuleBook::law_on`]). When that is the very rule set in force for the month, the calculation's own rule
/// set `rs` is kept (it may have been picked by name), so the default decision date, the first day of the month,
/// never changes an answer.
pub(crate) fn law<'b>(
    book: &'b RuleBook,
    rs: &'b RuleSet,
    hh: HouseholdRef<'_>,
) -> Result<&'b RuleSet, InputError> {
    let day = hh.decided_on();
    if day.month() == hh.month {
        return Ok(rs);
    }
    let on_day = book
        .law_on(day)
        .ok_or_else(|| InputError::new("decided_on", format!("{day} has no rule set in force")))?;
    match book.rule_set_for(hh.month) {
        Some(for_month) if std::ptr::eq(for_month, on_day) => Ok(rs),
        _ => Ok(on_day),
    }
}

fn respond(
    table: &YearTable,
    rs: &RuleSet,
    law: &RuleSet,
    hh: HouseholdRef<'_>,
    guidelines: &Guidelines,
    voice: Voice<'_>,
) -> Result<CalcResponse, InputError> {
    let mut ex = Explained::voiced(hh.members.len() + hh.incomes().len() + 8, voice);
    let parts = run(table, rs, &law.bases, hh, guidelines, &mut ex)?;
    let totals = totals_of(&parts)?;
    let before = parts
        .norm
        .checked_add(parts.reasonable_costs)
        .and_then(|m| m.checked_sub(parts.counted_income))
        .and_then(|m| m.checked_sub(parts.assets))
        .map_err(overflow)?;
    let mut findings = ex.provenance_findings(table.year);
    findings.append(&mut ex.findings);
    if before.is_negative() {
        let surplus = Money::ZERO.checked_sub(before).map_err(overflow)?;
        findings.push(crate::explain::to_string(voice, |w| {
            crate::explain::surplus_finding(w, surplus)
        }));
    }
    Ok(CalcResponse {
        month: hh.month,
        rule_table: table.label.clone(),
        rule_table_version: table.version_hex.clone(),
        rule_set: law.name.clone(),
        norm: totals.norm.kronor_rounded(),
        reasonable_costs: totals.reasonable_costs.kronor_rounded(),
        counted_income: totals.counted_income.kronor_rounded(),
        assets: totals.assets.kronor_rounded(),
        assistance: totals.assistance.kronor_rounded(),
        lines: ex.lines,
        findings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    #[test]
    fn jobbstimulans_window() {
        assert_eq!(
            jobbstimulans(m("2026-03"), 5, None),
            Jobbstimulans::NotYet { months: 5 }
        );
        assert_eq!(
            jobbstimulans(m("2026-03"), 6, None),
            Jobbstimulans::Applies {
                from: m("2026-03"),
                started_now: true
            }
        );
        // 24 months: 2024-03 .. 2026-02 inclusive
        assert!(matches!(
            jobbstimulans(m("2026-02"), 0, Some(m("2024-03"))),
            Jobbstimulans::Applies {
                started_now: false,
                ..
            }
        ));
        assert!(matches!(
            jobbstimulans(m("2026-03"), 30, Some(m("2024-03"))),
            Jobbstimulans::Ended { new_months: 0, .. }
        ));
        assert!(matches!(
            jobbstimulans(m("2026-09"), 30, Some(m("2024-03"))),
            Jobbstimulans::Applies {
                started_now: true,
                ..
            }
        ));
        assert!(matches!(
            jobbstimulans(m("2026-09"), 5, Some(m("2024-03"))),
            Jobbstimulans::Ended { new_months: 5, .. }
        ));
    }

    #[test]
    fn branch_free_jobbstimulans_agrees() {
        let month = m("2026-06");
        for mwa in 0..40u16 {
            for back in -1..60 {
                let from = if back < 0 { None } else { month.plus(-back) };
                let applies = matches!(jobbstimulans(month, mwa, from), Jobbstimulans::Applies { .. });
                assert_eq!(applies, jobbstimulans_applies(month, mwa, from), "{mwa} {back}");
            }
        }
    }

    #[test]
    fn roundings() {
        assert_eq!(
            quarter_rounded_up(Money::from_ore(900_000)),
            Money::from_ore(225_000)
        );
        assert_eq!(
            quarter_rounded_up(Money::from_ore(100_100)),
            Money::from_ore(25_100)
        ); // 250.25 -> 251
        assert_eq!(
            share_rounded(Money::from_ore(179_000), 3),
            Money::from_ore(59_700)
        ); // 596.67 -> 597
        assert_eq!(
            share_rounded(Money::from_ore(141_000), 4),
            Money::from_ore(35_300)
        ); // 352.5 -> 353
        assert_eq!(
            share_rounded(Money::from_ore(141_000), 3),
            Money::from_ore(47_000)
        );
    }
}
