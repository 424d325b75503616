//! Validated input: a `CalcRequest` parsed into amounts in öre and member indices, or an error naming the field.
//!
//! Everything the contract calls bad input is refused here, so the rules never see an impossible household.

use std::fmt;

use crate::contract::{CalcRequest, CostsIn, IncomeKind, NormAdjustmentIn, Role};
use crate::tables::{ChildBand, member_slot};
use crate::{Date, Money, Month};

/// Bad input: the field (as a JSON path, e.g. `members[1].age`) and what is wrong with it.
///
/// `Display` is the one line the CLI prints: `members[1].age must be 0-120`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InputError {
    pub field: String,
    pub message: String,
}

impl InputError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> InputError {
        InputError {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.field, self.message)
    }
}

/// Any single amount above this is refused: no household has it, and the bound makes overflow impossible.
pub const MAX_AMOUNT_KRONOR: i64 = 1_000_000_000;
/// Largest household accepted (the table extends above 7 persons; this only stops absurd input).
pub const MAX_MEMBERS: usize = 50;
/// Largest household community for `shared_household_size`.
pub const MAX_SHARED_SIZE: u8 = 50;
/// Most norm adjustments accepted for one household-month.
pub const MAX_NORM_ADJUSTMENTS: usize = 20;
/// Longest reason of a norm adjustment, in characters (Unicode scalar values, after trimming).
pub const MAX_REASON_CHARS: usize = 300;
/// Most incomes accepted for one household-month.
pub const MAX_INCOMES: usize = 1000;
/// Longest run of months with assistance accepted (100 years).
pub const MAX_MONTHS_WITH_ASSISTANCE: i64 = 1200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberKind {
    Adult {
        /// Consecutive months with försörjningsstöd right before the month.
        months_with_assistance: u16,
        /// First month the 25 % rule applied to this person, if recorded.
        jobbstimulans_from: Option<Month>,
    },
    Child {
        /// The riksnorm age band (ages above 20 are refused for children).
        band: ChildBand,
        /// Lunch outside the home five days a week *and* an age band where that lowers the amount (0-6).
        lunch_out: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    pub age: u8,
    /// Where the member's personal amount is in each year's table ([`crate::tables::member_slot`]).
    pub slot: u8,
    pub kind: MemberKind,
}

impl Member {
    pub const fn is_adult(&self) -> bool {
        matches!(self.kind, MemberKind::Adult { .. })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Costs {
    pub rent: Money,
    pub electricity: Money,
    pub home_insurance: Money,
    pub work_travel: Money,
    pub union_fees: Money,
}

/// Which income rule applies, decided once at validation from the kind and the member it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncomeClass {
    /// Counted in full.
    Counted,
    /// Listed, never counted.
    Exempt,
    /// An adult's salary: the jobbstimulans rule may disregard 25 %. Carries the adult's facts the rule needs.
    AdultSalary {
        months_with_assistance: u16,
        jobbstimulans_from: Option<Month>,
    },
    /// A child's salary: only the part above the year's prisbasbelopp counts.
    ChildSalary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Income {
    pub class: IncomeClass,
    /// Index into `Household::members`.
    pub member: Option<u16>,
    pub kind: IncomeKind,
    pub amount: Money,
    /// A child's work income earlier this calendar year (zero otherwise).
    pub earned_earlier_this_year: Money,
}

/// The norm raised (positive amount) or lowered (negative) for special reasons, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormAdjustment {
    /// Index into `Household::members` of the member it concerns, if any.
    pub member: Option<u16>,
    /// Never zero; whole kronor.
    pub amount: Money,
    /// The reason, trimmed: one line, 1-300 characters, no control characters.
    pub reason: String,
}

/// How the adults' personal costs are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adults {
    /// Two adults living as a couple: one couple amount.
    Couple,
    /// Every adult gets the single amount.
    Singles,
}

/// One household for one month, validated. Build it with [`Household::from_request`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Household {
    pub month: Month,
    pub members: Vec<Member>,
    /// Member ids, same order as `members` (only the explanation needs them).
    pub ids: Vec<String>,
    pub adults: Adults,
    /// Number of adults (1 to `MAX_MEMBERS`).
    pub n_adults: u8,
    /// Members' table slots one per 4 bits when there are at most eight members (unused ones are adults' slot),
    /// so the bulk path sums the personal amounts in a fixed loop; `None` for larger households.
    pub packed_slots: Option<u32>,
    /// The household lives in a household community of this many persons (more than its own members) and gets
    /// its share of the community's household-common costs.
    pub shared_household_size: Option<u8>,
    pub costs: Costs,
    /// Electricity, home insurance, work travel and union fees summed (rent alone may meet a guideline ceiling).
    pub other_costs: Money,
    pub incomes: Vec<Income>,
    /// Sum of the incomes counted in full (class `Counted`), so the bulk path need not walk them.
    pub plain_income: Money,
    /// The incomes with a rule of their own (adults' and children's salaries), copied out of `incomes` in the
    /// same order, so the bulk path walks only these.
    pub specials: Vec<Income>,
    pub assets: Money,
    /// The day the decision is made (the first day of `month` unless the input says otherwise): it picks the law
    /// whose legal bases the lines quote.
    pub decided_on: Date,
    /// Raises and lowerings of the norm for special reasons, in input order.
    pub norm_adjustments: Vec<NormAdjustment>,
}

fn amount(field: impl FnOnce() -> String, kronor: i64) -> Result<Money, InputError> {
    if kronor < 0 {
        return Err(InputError::new(field(), "must not be negative"));
    }
    if kronor > MAX_AMOUNT_KRONOR {
        return Err(InputError::new(field(), "must be at most 1000000000"));
    }
    Money::from_kronor(kronor).map_err(|_| InputError::new(field(), "is too large"))
}

/// The one check of a norm adjustment's reason, as `domain::text` checks free text (which `norm` cannot use:
/// `domain` depends on `norm`): trimmed, no control characters, 1-300 characters.
fn reason(field: &str, text: &str) -> Result<String, InputError> {
    let t = text.trim();
    if t.chars().any(char::is_control) {
        return Err(InputError::new(
            field,
            "must not contain control characters (such as line breaks or tabs)",
        ));
    }
    if t.is_empty() {
        return Err(InputError::new(field, "must not be empty"));
    }
    if t.chars().nth(MAX_REASON_CHARS).is_some() {
        return Err(InputError::new(field, "must be at most 300 characters"));
    }
    Ok(t.to_owned())
}

fn norm_adjustments(
    adjustments: &[NormAdjustmentIn],
    ids: &[String],
) -> Result<Vec<NormAdjustment>, InputError> {
    if adjustments.len() > MAX_NORM_ADJUSTMENTS {
        return Err(InputError::new(
            "norm_adjustments",
            "must have at most 20 entries",
        ));
    }
    let mut out = Vec::with_capacity(adjustments.len());
    for (i, a) in adjustments.iter().enumerate() {
        let field = |name: &str| format!("norm_adjustments[{i}].{name}");
        let member = match &a.member {
            None => None,
            Some(id) => {
                let idx = ids
                    .iter()
                    .position(|m| m == id)
                    .ok_or_else(|| InputError::new(field("member"), format!("{id:?} is not a member")))?;
                Some(u16::try_from(idx).map_err(|_| InputError::new(field("member"), "out of range"))?)
            }
        };
        if a.amount == 0 {
            return Err(InputError::new(
                field("amount"),
                "must not be 0 (positive raises the norm, negative lowers it)",
            ));
        }
        if a.amount.unsigned_abs() > MAX_AMOUNT_KRONOR.unsigned_abs() {
            return Err(InputError::new(
                field("amount"),
                "must be between -1000000000 and 1000000000",
            ));
        }
        let amount =
            Money::from_kronor(a.amount).map_err(|_| InputError::new(field("amount"), "is too large"))?;
        out.push(NormAdjustment {
            member,
            amount,
            reason: reason(&field("reason"), &a.reason)?,
        });
    }
    Ok(out)
}

fn costs(c: &CostsIn) -> Result<Costs, InputError> {
    Ok(Costs {
        rent: amount(|| "costs.rent".into(), c.rent)?,
        electricity: amount(|| "costs.electricity".into(), c.electricity)?,
        home_insurance: amount(|| "costs.home_insurance".into(), c.home_insurance)?,
        work_travel: amount(|| "costs.work_travel".into(), c.work_travel)?,
        union_fees: amount(|| "costs.union_fees".into(), c.union_fees)?,
    })
}

impl Household {
    /// Validates the contract input. Whether a rule table exists for the month is checked by the calculation,
    /// which knows the rule book.
    pub fn from_request(req: &CalcRequest) -> Result<Household, InputError> {
        if req.members.len() > MAX_MEMBERS {
            return Err(InputError::new("members", "must have at most 50 persons"));
        }
        let mut members = Vec::with_capacity(req.members.len());
        let mut ids: Vec<String> = Vec::with_capacity(req.members.len());
        for (i, m) in req.members.iter().enumerate() {
            let field = |name: &str| format!("members[{i}].{name}");
            if m.id.trim().is_empty() {
                return Err(InputError::new(field("id"), "must not be empty"));
            }
            if let Some(j) = ids.iter().position(|id| *id == m.id) {
                return Err(InputError::new(
                    field("id"),
                    format!("{:?} is already used by members[{j}]", m.id),
                ));
            }
            let age = u8::try_from(m.age)
                .ok()
                .filter(|a| *a <= 120)
                .ok_or_else(|| InputError::new(field("age"), "must be 0-120"))?;
            if m.months_with_assistance < 0 {
                return Err(InputError::new(
                    field("months_with_assistance"),
                    "must not be negative",
                ));
            }
            let kind = match m.role {
                Role::Adult => {
                    let months_with_assistance = u16::try_from(m.months_with_assistance)
                        .ok()
                        .filter(|n| i64::from(*n) <= MAX_MONTHS_WITH_ASSISTANCE)
                        .ok_or_else(|| {
                            InputError::new(field("months_with_assistance"), "must be at most 1200")
                        })?;
                    if let Some(from) = m.jobbstimulans_from
                        && from > req.month
                    {
                        return Err(InputError::new(
                            field("jobbstimulans_from"),
                            format!("must not be after month ({})", req.month),
                        ));
                    }
                    MemberKind::Adult {
                        months_with_assistance,
                        jobbstimulans_from: m.jobbstimulans_from,
                    }
                }
                Role::Child => {
                    if age > 20 {
                        return Err(InputError::new(field("age"), "must be 0-20 for a child"));
                    }
                    if m.months_with_assistance != 0 {
                        return Err(InputError::new(
                            field("months_with_assistance"),
                            "applies to adults only",
                        ));
                    }
                    if m.jobbstimulans_from.is_some() {
                        return Err(InputError::new(
                            field("jobbstimulans_from"),
                            "applies to adults only",
                        ));
                    }
                    let band = ChildBand::for_age(age)
                        .ok_or_else(|| InputError::new(field("age"), "must be 0-20 for a child"))?;
                    MemberKind::Child {
                        band,
                        lunch_out: m.lunch_outside_home && band.has_lunch_rule(),
                    }
                }
            };
            let slot = match kind {
                MemberKind::Child { band, lunch_out } => member_slot(Some((band, lunch_out))),
                MemberKind::Adult { .. } => member_slot(None),
            };
            members.push(Member { age, slot, kind });
            ids.push(m.id.clone());
        }

        let n_adults = members.iter().filter(|m| m.is_adult()).count();
        if n_adults == 0 {
            return Err(InputError::new("members", "must include at least one adult"));
        }
        let adults = match (n_adults, req.couple) {
            (2, Some(true)) => Adults::Couple,
            (2, Some(false)) | (1, None | Some(false)) => Adults::Singles,
            (2, None) => {
                return Err(InputError::new(
                    "couple",
                    "must be given when there are two adults",
                ));
            }
            (1, Some(true)) => return Err(InputError::new("couple", "cannot be true with only one adult")),
            (_, Some(_)) => {
                return Err(InputError::new(
                    "couple",
                    "must not be given when there are more than two adults",
                ));
            }
            (_, None) => Adults::Singles,
        };

        let shared_household_size = match req.shared_household_size {
            None => None,
            Some(n) => {
                let n = u8::try_from(n)
                    .ok()
                    .filter(|n| (2..=MAX_SHARED_SIZE).contains(n))
                    .ok_or_else(|| InputError::new("shared_household_size", "must be 2-50"))?;
                // A household community is larger than the household: of equal size there is nothing to share.
                if usize::from(n) <= members.len() {
                    return Err(InputError::new(
                        "shared_household_size",
                        format!(
                            "must be larger than the household's own {} members (the household community includes \
                             them)",
                            members.len()
                        ),
                    ));
                }
                Some(n)
            }
        };

        if req.incomes.len() > MAX_INCOMES {
            return Err(InputError::new("incomes", "must have at most 1000 entries"));
        }
        let mut incomes = Vec::with_capacity(req.incomes.len());
        for (i, inc) in req.incomes.iter().enumerate() {
            let field = |name: &str| format!("incomes[{i}].{name}");
            let member = match &inc.member {
                None if inc.kind == IncomeKind::Salary => {
                    return Err(InputError::new(field("member"), "must be given for salary"));
                }
                None => None,
                Some(id) => {
                    let idx = ids
                        .iter()
                        .position(|m| m == id)
                        .ok_or_else(|| InputError::new(field("member"), format!("{id:?} is not a member")))?;
                    Some(u16::try_from(idx).map_err(|_| InputError::new(field("member"), "out of range"))?)
                }
            };
            let money = amount(|| field("amount"), inc.amount)?;
            let is_child_salary = inc.kind == IncomeKind::Salary
                && member
                    .and_then(|m| members.get(usize::from(m)))
                    .is_some_and(|m| !m.is_adult());
            let earned_earlier_this_year = match inc.earned_earlier_this_year {
                None => Money::ZERO,
                Some(_) if !is_child_salary => {
                    return Err(InputError::new(
                        field("earned_earlier_this_year"),
                        "applies only to a child's salary",
                    ));
                }
                Some(k) => amount(|| field("earned_earlier_this_year"), k)?,
            };
            let class = if inc.kind.is_exempt() {
                IncomeClass::Exempt
            } else if is_child_salary {
                IncomeClass::ChildSalary
            } else if inc.kind == IncomeKind::Salary {
                match member.and_then(|m| members.get(usize::from(m))).map(|m| m.kind) {
                    Some(MemberKind::Adult {
                        months_with_assistance,
                        jobbstimulans_from,
                    }) => IncomeClass::AdultSalary {
                        months_with_assistance,
                        jobbstimulans_from,
                    },
                    // Salary always names a member (checked above) and a child's salary is handled before.
                    _ => IncomeClass::Counted,
                }
            } else {
                IncomeClass::Counted
            };
            incomes.push(Income {
                class,
                member,
                kind: inc.kind,
                amount: money,
                earned_earlier_this_year,
            });
        }

        let plain_income = Money::checked_sum(
            incomes
                .iter()
                .filter(|i| i.class == IncomeClass::Counted)
                .map(|i| i.amount),
        )
        .map_err(|_| InputError::new("incomes", "add up to too much"))?;
        let specials: Vec<Income> = incomes
            .iter()
            .filter(|i| {
                matches!(
                    i.class,
                    IncomeClass::AdultSalary { .. } | IncomeClass::ChildSalary
                )
            })
            .copied()
            .collect();
        let packed_slots = (members.len() <= 8).then(|| {
            members
                .iter()
                .map(|m| m.slot)
                .chain(std::iter::repeat(crate::tables::ADULT_SLOT))
                .take(8)
                .enumerate()
                .fold(0u32, |acc, (k, slot)| acc | (u32::from(slot & 15) << (4 * k)))
        });
        let costs = costs(&req.costs)?;
        let other_costs = Money::checked_sum([
            costs.electricity,
            costs.home_insurance,
            costs.work_travel,
            costs.union_fees,
        ])
        .map_err(|_| InputError::new("costs", "add up to too much"))?;
        let norm_adjustments = norm_adjustments(&req.norm_adjustments, &ids)?;
        Ok(Household {
            month: req.month,
            packed_slots,
            members,
            ids,
            adults,
            n_adults: u8::try_from(n_adults)
                .map_err(|_| InputError::new("members", "has too many adults"))?,
            shared_household_size,
            costs,
            other_costs,
            incomes,
            plain_income,
            specials,
            assets: amount(|| "assets".into(), req.assets)?,
            decided_on: req.decided_on.unwrap_or(Date::first_of(req.month)),
            norm_adjustments,
        })
    }

    /// A borrowed view, the form the rules read.
    pub fn view(&self) -> HouseholdRef<'_> {
        HouseholdRef {
            month: self.month,
            members: &self.members,
            adults: self.adults,
            n_adults: self.n_adults,
            packed_slots: self.packed_slots,
            shared_household_size: self.shared_household_size,
            rent: self.costs.rent,
            other_costs: self.other_costs,
            plain_income: self.plain_income,
            specials: &self.specials,
            assets: self.assets,
            norm_adjustments: &self.norm_adjustments,
            cold: Cold::One(self),
        }
    }

    /// Number of persons in the household.
    pub fn size(&self) -> usize {
        self.members.len()
    }
}

/// A validated household, borrowed: from a [`Household`] or from a [`Population`]'s flat storage.
///
/// What the bulk path reads is at hand; the lists only the explanation needs (ids, all incomes, each cost) are
/// found on demand, so a bulk pass does not pay for them.
#[derive(Debug, Clone, Copy)]
pub struct HouseholdRef<'a> {
    pub month: Month,
    pub members: &'a [Member],
    pub adults: Adults,
    pub n_adults: u8,
    pub packed_slots: Option<u32>,
    pub shared_household_size: Option<u8>,
    pub rent: Money,
    pub other_costs: Money,
    pub plain_income: Money,
    /// The salaries (incomes with a rule of their own), in input order.
    pub specials: &'a [Income],
    pub assets: Money,
    /// Raises and lowerings of the norm for special reasons (empty for almost every household).
    pub norm_adjustments: &'a [NormAdjustment],
    cold: Cold<'a>,
}

/// Where the explanation-only lists are.
#[derive(Debug, Clone, Copy)]
enum Cold<'a> {
    One(&'a Household),
    Many(&'a Population, usize),
}

impl<'a> HouseholdRef<'a> {
    /// Number of persons in the household.
    pub fn size(&self) -> usize {
        self.members.len()
    }

    /// Member ids, same order as `members`.
    pub fn ids(&self) -> &'a [String] {
        match self.cold {
            Cold::One(h) => &h.ids,
            Cold::Many(p, i) => p
                .heads
                .get(i)
                .map_or(&[], |h| slice(&p.ids, h.members, usize::from(h.n_members))),
        }
    }

    /// All incomes, in input order.
    pub fn incomes(&self) -> &'a [Income] {
        match self.cold {
            Cold::One(h) => &h.incomes,
            Cold::Many(p, i) => p
                .heads
                .get(i)
                .map_or(&[], |h| slice(&p.incomes, h.incomes, usize::from(h.n_incomes))),
        }
    }

    /// Each cost as given.
    pub fn costs(&self) -> &'a Costs {
        match self.cold {
            Cold::One(h) => &h.costs,
            Cold::Many(p, i) => p.costs.get(i).unwrap_or(&NO_COSTS),
        }
    }

    /// The day the decision is made (only the explanation's legal bases depend on it).
    pub fn decided_on(&self) -> Date {
        match self.cold {
            Cold::One(h) => h.decided_on,
            Cold::Many(p, i) => p.decided.get(i).copied().unwrap_or(Date::first_of(self.month)),
        }
    }

    /// The member's id for explanation texts.
    pub fn id(&self, index: u16) -> &'a str {
        self.ids().get(usize::from(index)).map_or("?", String::as_str)
    }
}

#[inline]
fn slice<T>(v: &[T], start: u32, len: usize) -> &[T] {
    let start = start as usize;
    v.get(start..start + len).unwrap_or_default()
}

/// Per household of a [`Population`]: what the bulk path reads, packed into 64 bytes (memory traffic, not
/// arithmetic, limits a pass over millions of households), and where its members and incomes lie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Head {
    month: Month,
    adults: Adults,
    n_adults: u8,
    /// 0: not in a household community.
    shared: u8,
    n_members: u8,
    /// `NOT_PACKED` when the household has more than eight members.
    packed_slots: u32,
    rent: Money,
    other_costs: Money,
    plain_income: Money,
    assets: Money,
    members: u32,
    incomes: u32,
    specials: u32,
    n_incomes: u16,
    n_specials: u16,
    /// Norm adjustments (at most `MAX_NORM_ADJUSTMENTS`); where they start is cold (`adjust_start`), read only
    /// when there are any.
    n_adjustments: u8,
}

const NOT_PACKED: u32 = u32::MAX;

static NO_COSTS: Costs = Costs {
    rent: Money::ZERO,
    electricity: Money::ZERO,
    home_insurance: Money::ZERO,
    work_travel: Money::ZERO,
    union_fees: Money::ZERO,
};

/// Many validated households in flat storage (members and incomes of all households in two arrays), for bulk
/// recalculation: walking it reads memory in order instead of chasing two heap allocations per household.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Population {
    heads: Vec<Head>,
    /// Cold: only the explanation reads the costs one by one.
    costs: Vec<Costs>,
    members: Vec<Member>,
    ids: Vec<String>,
    incomes: Vec<Income>,
    specials: Vec<Income>,
    /// Cold: each household's decision date (only the explanation reads it).
    decided: Vec<Date>,
    /// Cold: where each household's norm adjustments start in `adjustments`.
    adjust_start: Vec<u32>,
    adjustments: Vec<NormAdjustment>,
}

impl Population {
    pub fn new() -> Population {
        Population::default()
    }

    /// Adds a validated household.
    pub fn push(&mut self, hh: &Household) -> Result<(), InputError> {
        let too_many = || InputError::new("population", "has more than 4 billion members or incomes");
        let start = |len: usize| u32::try_from(len).map_err(|_| too_many());
        let count = |len: usize| u16::try_from(len).map_err(|_| too_many());
        let head = Head {
            month: hh.month,
            adults: hh.adults,
            n_adults: hh.n_adults,
            shared: hh.shared_household_size.unwrap_or(0),
            n_members: u8::try_from(hh.members.len()).map_err(|_| too_many())?,
            packed_slots: hh.packed_slots.unwrap_or(NOT_PACKED),
            rent: hh.costs.rent,
            other_costs: hh.other_costs,
            plain_income: hh.plain_income,
            assets: hh.assets,
            members: start(self.members.len())?,
            incomes: start(self.incomes.len())?,
            specials: start(self.specials.len())?,
            n_incomes: count(hh.incomes.len())?,
            n_specials: count(hh.specials.len())?,
            n_adjustments: u8::try_from(hh.norm_adjustments.len()).map_err(|_| too_many())?,
        };
        let adjust_start = start(self.adjustments.len())?;
        self.heads.push(head);
        self.costs.push(hh.costs);
        self.members.extend_from_slice(&hh.members);
        self.ids.extend_from_slice(&hh.ids);
        self.incomes.extend_from_slice(&hh.incomes);
        self.specials.extend_from_slice(&hh.specials);
        self.decided.push(hh.decided_on);
        self.adjust_start.push(adjust_start);
        self.adjustments.extend_from_slice(&hh.norm_adjustments);
        Ok(())
    }

    /// Validates and adds every request; the first bad one is an error naming its index.
    pub fn from_requests<'r>(
        reqs: impl IntoIterator<Item = &'r CalcRequest>,
    ) -> Result<Population, InputError> {
        let mut p = Population::new();
        for (n, req) in reqs.into_iter().enumerate() {
            let hh = Household::from_request(req)
                .map_err(|e| InputError::new(format!("[{n}].{}", e.field), e.message))?;
            p.push(&hh)?;
        }
        Ok(p)
    }

    pub fn len(&self) -> usize {
        self.heads.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heads.is_empty()
    }

    #[inline]
    fn view(&self, index: usize, h: &Head) -> HouseholdRef<'_> {
        HouseholdRef {
            month: h.month,
            members: slice(&self.members, h.members, usize::from(h.n_members)),
            adults: h.adults,
            n_adults: h.n_adults,
            packed_slots: (h.packed_slots != NOT_PACKED).then_some(h.packed_slots),
            shared_household_size: (h.shared != 0).then_some(h.shared),
            rent: h.rent,
            other_costs: h.other_costs,
            plain_income: h.plain_income,
            specials: slice(&self.specials, h.specials, usize::from(h.n_specials)),
            assets: h.assets,
            norm_adjustments: if h.n_adjustments == 0 {
                &[]
            } else {
                let start = self.adjust_start.get(index).copied().unwrap_or(u32::MAX);
                slice(&self.adjustments, start, usize::from(h.n_adjustments))
            },
            cold: Cold::Many(self, index),
        }
    }

    pub fn get(&self, index: usize) -> Option<HouseholdRef<'_>> {
        self.heads.get(index).map(|h| self.view(index, h))
    }

    #[inline]
    pub fn iter(&self) -> impl ExactSizeIterator<Item = HouseholdRef<'_>> {
        self.heads.iter().enumerate().map(|(i, h)| self.view(i, h))
    }
}

/// Reads the contract's input JSON; errors name the field (`members[0].age is invalid: ...`).
pub fn parse_request(json: &str) -> Result<CalcRequest, InputError> {
    // Good input is parsed directly; only bad input pays for tracking the path to the failing field.
    if let Ok(req) = serde_json::from_str(json) {
        return Ok(req);
    }
    let de = &mut serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path.is_empty() || path == "." {
            "input".to_owned()
        } else {
            path
        };
        InputError::new(field, format!("is invalid: {}", e.inner()))
    })
}

/// Parses and validates in one step.
pub fn household_from_json(json: &str) -> Result<Household, InputError> {
    Household::from_request(&parse_request(json)?)
}
