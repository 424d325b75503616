//! The caseload simulation: month by month, households enter assistance (driven by unemployment), stay (two latent
//! groups with duration dependence), progress on the ladder, and leave; recent leavers re-enter more often.

use std::collections::BTreeMap;

use jiff::civil::Date;
use norm::Month;
use rand::Rng;

use crate::config::{Config, Dynamics, SynthError};
use crate::economy::{self, AdultIn, AdultIncome, SpellEconomy};
use crate::model::{
    Activity, ActivityKind, AdultMonth, AssistanceMonth, Case, ExitReason, Forsorjningshinder, Household,
    LADDER_STEPS, LatentGroup, MemberRole, Plan, Spell, Staff, StaffId, StaffRole, UnitId,
};
use crate::population::{HouseholdType, Population};
use crate::rng::{Rand, between, chance, pick, poisson, weighted_index};

/// Mix of household types among new recipients (Socialstyrelsen's statistics: most are single adults without
/// children, about a quarter single parents, the rest couples, mostly with children).
const RECIPIENT_MIX: [(HouseholdType, f64); 4] = [
    (HouseholdType::Single, 0.58),
    (HouseholdType::Couple, 0.06),
    (HouseholdType::SingleParent, 0.24),
    (HouseholdType::CoupleWithChildren, 0.12),
];

/// A leaver counts as recent (eligible for re-entry) for this many months.
const RECENT_MONTHS: i32 = 12;
/// Re-entry weight falls by a factor e every this many months since the exit.
const REENTRY_DECAY_MONTHS: f64 = 4.0;
/// Longest elapsed duration considered for the initial stock and for expected durations.
const MAX_DURATION: u32 = 600;
/// Months of a jobbstimulans window (domain README §3).
const JOBBSTIMULANS_MONTHS: i32 = 24;

/// Monthly exit hazard after `duration` months on assistance (duration ≥ 1).
pub(crate) fn hazard(d: &Dynamics, group: LatentGroup, duration: u32) -> f64 {
    let base = match group {
        LatentGroup::Fast => d.fast_exit_hazard,
        LatentGroup::Slow => d.slow_exit_hazard,
    };
    let months = f64::from(duration.saturating_sub(1).min(24));
    base * (-d.duration_dependence * months / 12.0).exp()
}

/// `S(k)`: probability that a spell lasts more than `k` months, for k = 0..MAX_DURATION.
fn survival(d: &Dynamics, group: LatentGroup) -> Vec<f64> {
    let mut s = Vec::with_capacity(MAX_DURATION as usize + 1);
    let mut p = 1.0;
    s.push(p);
    for k in 1..=MAX_DURATION {
        p *= 1.0 - hazard(d, group, k);
        s.push(p);
    }
    s
}

/// Expected spell length in months of a new spell (mixture of both groups).
pub(crate) fn expected_duration(d: &Dynamics) -> f64 {
    let fast: f64 = survival(d, LatentGroup::Fast).iter().sum();
    let slow: f64 = survival(d, LatentGroup::Slow).iter().sum();
    d.fast_share * fast + (1.0 - d.fast_share) * slow
}

#[derive(Debug)]
struct AdultState {
    /// Index into `Household::members`.
    member: usize,
    /// Index among the household's adults (for the jobbstimulans clock).
    adult_no: usize,
    reason: Forsorjningshinder,
    months_in_reason: u32,
    step: u8,
    /// The highest step this adult reaches in this spell: obstacles (health, language, debts) keep many in the
    /// slow group from climbing all the way.
    max_step: u8,
    income: AdultIncome,
    plan: Plan,
}

#[derive(Debug)]
struct Active {
    start: Month,
    group: LatentGroup,
    caseworker: StaffId,
    adults: Vec<AdultState>,
    economy: SpellEconomy,
}

#[derive(Debug, Default)]
struct HouseholdState {
    active: Option<Active>,
    last_exit: Option<Month>,
    moved: Option<Month>,
    /// First month of each adult's current or last jobbstimulans window; it outlives the spell.
    jobbstimulans_from: [Option<Month>; 2],
}

/// What the simulation hands back.
#[derive(Debug)]
pub(crate) struct History {
    pub cases: Vec<Case>,
    pub moved_out: Vec<(usize, Month)>,
}

struct Sim<'a> {
    cfg: &'a Config,
    households: &'a [Household],
    state: Vec<HouseholdState>,
    active: Vec<usize>,
    /// Leavers of the last [`RECENT_MONTHS`] months, by exit month.
    recent: BTreeMap<Month, Vec<usize>>,
    pools: Vec<Vec<usize>>,
    caseworkers: BTreeMap<UnitId, Vec<StaffId>>,
    job_coaches: Vec<StaffId>,
    cases: BTreeMap<usize, Case>,
    moved_out: Vec<(usize, Month)>,
}

pub(crate) fn simulate(
    cfg: &Config,
    pop: &Population,
    staff: &[Staff],
    rng: &mut Rand,
) -> Result<History, SynthError> {
    let d = &cfg.dynamics;
    let burn_in = i32::try_from(d.burn_in_months).unwrap_or(0);
    let sim_start = cfg
        .first_month
        .plus(-burn_in)
        .ok_or_else(|| SynthError::Dynamics("inkörningsperioden börjar före år 1900".to_owned()))?;
    let mut caseworkers: BTreeMap<UnitId, Vec<StaffId>> = BTreeMap::new();
    for s in staff.iter().filter(|s| s.role == StaffRole::Caseworker) {
        caseworkers.entry(s.unit).or_default().push(s.id);
    }
    let pools = RECIPIENT_MIX
        .iter()
        .map(|(t, _)| {
            pop.types
                .iter()
                .enumerate()
                .filter(|(_, ht)| *ht == t)
                .map(|(i, _)| i)
                .collect()
        })
        .collect();
    let mut sim = Sim {
        cfg,
        households: &pop.households,
        state: pop.households.iter().map(|_| HouseholdState::default()).collect(),
        active: Vec::new(),
        recent: BTreeMap::new(),
        pools,
        caseworkers,
        job_coaches: staff
            .iter()
            .filter(|s| s.role == StaffRole::JobCoach)
            .map(|s| s.id)
            .collect(),
        cases: BTreeMap::new(),
        moved_out: Vec::new(),
    };

    let target_stock = d.stock_per_inhabitant * f64::from(cfg.inhabitants);
    let base_inflow = target_stock / expected_duration(d);
    sim.initial_stock(rng, sim_start, target_stock);

    let mut t = sim_start;
    loop {
        if t > sim_start {
            let lagged = t
                .plus(-i32::try_from(d.unemployment_lag_months).unwrap_or(0))
                .unwrap_or(t);
            let ratio = cfg.unemployment.at(lagged) / d.reference_unemployment;
            let lambda = base_inflow * ratio.powf(d.unemployment_elasticity);
            let n = poisson(rng, lambda);
            for _ in 0..n {
                sim.enter(rng, t);
            }
        }
        let order = std::mem::take(&mut sim.active);
        let mut still = Vec::with_capacity(order.len());
        for h in order {
            if sim.month(rng, h, t)? {
                still.push(h);
            }
        }
        sim.active = still;
        sim.recent.retain(|exit, _| exit.months_until(t) < RECENT_MONTHS);
        if t >= cfg.last_month {
            break;
        }
        t = t.next().unwrap_or(cfg.last_month);
    }
    // Spells still running in the last month.
    for h in std::mem::take(&mut sim.active) {
        sim.close(h, None, None);
    }
    Ok(History {
        cases: sim.cases.into_values().collect(),
        moved_out: sim.moved_out,
    })
}

fn date_in(month: Month, day: i64) -> Result<Date, SynthError> {
    let day = day.clamp(1, i64::from(month.days()));
    Date::new(
        i16::try_from(month.year()).unwrap_or(2000),
        i8::try_from(month.month()).unwrap_or(1),
        i8::try_from(day).unwrap_or(1),
    )
    .map_err(|e| SynthError::Date(e.to_string()))
}

fn draw_reason(rng: &mut Rand, group: LatentGroup, has_baby: bool) -> Forsorjningshinder {
    use Forsorjningshinder as F;
    const REASONS: [Forsorjningshinder; 9] = [
        F::UnemployedNoBenefit,
        F::UnemployedInsufficientBenefit,
        F::UnemployedAwaitingBenefit,
        F::UnemployedEstablishmentBenefit,
        F::SocialReasons,
        F::SickListedWithCertificate,
        F::InsufficientSicknessCompensation,
        F::WorkingInsufficientIncome,
        F::ParentalLeave,
    ];
    // About half unemployed overall (domain README §7); social and health reasons dominate the slow group.
    let weights: [f64; 9] = match group {
        LatentGroup::Fast => [0.25, 0.12, 0.18, 0.05, 0.04, 0.10, 0.02, 0.16, 0.08],
        LatentGroup::Slow => [0.30, 0.06, 0.02, 0.08, 0.24, 0.14, 0.08, 0.06, 0.02],
    };
    let r = weighted_index(rng, &weights)
        .and_then(|i| REASONS.get(i))
        .copied()
        .unwrap_or(F::UnemployedNoBenefit);
    if r == F::ParentalLeave && !has_baby {
        F::UnemployedNoBenefit
    } else {
        r
    }
}

fn initial_step(rng: &mut Rand, reason: Forsorjningshinder) -> u8 {
    use Forsorjningshinder as F;
    let (lo, hi) = match reason {
        F::SocialReasons | F::SickListedWithCertificate | F::InsufficientSicknessCompensation => (1, 2),
        F::UnemployedEstablishmentBenefit => (1, 3),
        F::UnemployedNoBenefit | F::UnemployedInsufficientBenefit | F::UnemployedAwaitingBenefit => (2, 4),
        F::ParentalLeave => (3, 3),
        F::WorkingInsufficientIncome => (4, 5),
    };
    u8::try_from(between(rng, lo, hi)).unwrap_or(1)
}

fn first_activity(reason: Forsorjningshinder) -> Option<(ActivityKind, u8)> {
    use Forsorjningshinder as F;
    match reason {
        F::UnemployedNoBenefit | F::UnemployedInsufficientBenefit | F::UnemployedAwaitingBenefit => {
            Some((ActivityKind::JobSearch, 20))
        }
        F::UnemployedEstablishmentBenefit => Some((ActivityKind::Sfi, 15)),
        F::SocialReasons | F::SickListedWithCertificate | F::InsufficientSicknessCompensation => {
            Some((ActivityKind::HealthRehabilitation, 8))
        }
        F::WorkingInsufficientIncome => Some((ActivityKind::JobSearch, 5)),
        F::ParentalLeave => None,
    }
}

fn plan_goal(reason: Forsorjningshinder) -> &'static str {
    use Forsorjningshinder as F;
    match reason {
        F::UnemployedNoBenefit | F::UnemployedInsufficientBenefit | F::UnemployedAwaitingBenefit => {
            "Arbete som gör hushållet självförsörjande"
        }
        F::UnemployedEstablishmentBenefit => "Godkänd sfi och praktik inom ett yrke",
        F::SocialReasons => "Stabil vardag och klarlagd arbetsförmåga",
        F::SickListedWithCertificate => "Återgång i arbete eller rätt ersättning vid sjukdom",
        F::InsufficientSicknessCompensation => "Rätt ersättning från Försäkringskassan",
        F::WorkingInsufficientIncome => "Fler arbetstimmar eller högre lön",
        F::ParentalLeave => "Arbete eller studier efter föräldraledigheten",
    }
}

/// How a household's exit hazard scales with its best-placed adult's step: below 1 far from work, above 1 close to
/// it. Centred on the middle step so that the stock calibrated by [`hazard`] moves little.
fn step_exit_factor(step: u8) -> f64 {
    match step {
        0 | 1 => 0.70,
        2 => 0.85,
        3 => 1.0,
        4 => 1.2,
        _ => 1.35,
    }
}

/// How the exit hazard goes with the running activity of the best-placed adult (none: parental leave, or between
/// activities). Work-like activities go with more exits; health and language activities with fewer.
fn activity_exit_factor(kind: Option<ActivityKind>) -> f64 {
    match kind {
        Some(ActivityKind::SubsidisedEmployment) => 1.3,
        Some(ActivityKind::WorkPractice) => 1.15,
        Some(ActivityKind::JobSearch) => 1.05,
        Some(ActivityKind::AdultEducation) => 1.0,
        Some(ActivityKind::WorkTraining) => 0.95,
        Some(ActivityKind::Sfi) => 0.85,
        Some(ActivityKind::HealthRehabilitation) => 0.8,
        None => 0.9,
    }
}

fn is_labour_market(kind: ActivityKind) -> bool {
    matches!(
        kind,
        ActivityKind::JobSearch
            | ActivityKind::WorkPractice
            | ActivityKind::WorkTraining
            | ActivityKind::SubsidisedEmployment
    )
}

impl Sim<'_> {
    /// Households on assistance when the simulation starts: group shares and elapsed durations as in the steady
    /// state, so the burn-in only has to settle the details.
    fn initial_stock(&mut self, rng: &mut Rand, start: Month, target: f64) {
        let d = &self.cfg.dynamics;
        let fast = survival(d, LatentGroup::Fast);
        let slow = survival(d, LatentGroup::Slow);
        let fast_mass = d.fast_share * fast.iter().sum::<f64>();
        let slow_mass = (1.0 - d.fast_share) * slow.iter().sum::<f64>();
        let ratio = self.cfg.unemployment.at(start) / d.reference_unemployment;
        let n = (target * ratio.powf(d.unemployment_elasticity)).round() as u32;
        for _ in 0..n {
            let (group, weights) = if chance(rng, fast_mass / (fast_mass + slow_mass)) {
                (LatentGroup::Fast, &fast)
            } else {
                (LatentGroup::Slow, &slow)
            };
            let elapsed = weighted_index(rng, weights).unwrap_or(0);
            let spell_start = start.plus(-i32::try_from(elapsed).unwrap_or(0)).unwrap_or(start);
            if let Some(h) = self.pick_fresh(rng, start) {
                self.start_spell(rng, h, spell_start, group, start);
            }
        }
    }

    fn enter(&mut self, rng: &mut Rand, t: Month) {
        let reentry = !self.recent.is_empty() && chance(rng, self.cfg.dynamics.reentry_share);
        let h = if reentry {
            self.pick_recent(rng, t).or_else(|| self.pick_fresh(rng, t))
        } else {
            self.pick_fresh(rng, t)
        };
        if let Some(h) = h {
            let group = if chance(rng, self.cfg.dynamics.fast_share) {
                LatentGroup::Fast
            } else {
                LatentGroup::Slow
            };
            self.start_spell(rng, h, t, group, t);
        }
    }

    fn eligible(&self, h: usize, t: Month) -> bool {
        let Some(state) = self.state.get(h) else {
            return false;
        };
        let Some(hh) = self.households.get(h) else {
            return false;
        };
        state.active.is_none()
            && state.moved.is_none()
            && hh
                .adults()
                .all(|p| p.age_in(t).is_some_and(|a| (18..=66).contains(&a)))
    }

    fn pick_fresh(&mut self, rng: &mut Rand, t: Month) -> Option<usize> {
        let weights: Vec<f64> = RECIPIENT_MIX.iter().map(|m| m.1).collect();
        let ty = weighted_index(rng, &weights)?;
        let pool = self.pools.get(ty)?;
        let wants_children = matches!(
            RECIPIENT_MIX.get(ty).map(|m| m.0),
            Some(HouseholdType::SingleParent | HouseholdType::CoupleWithChildren)
        );
        for _ in 0..40 {
            let h = *pick(rng, pool)?;
            let recently_left = self
                .state
                .get(h)
                .and_then(|s| s.last_exit)
                .is_some_and(|e| e.months_until(t) < RECENT_MONTHS);
            if recently_left || !self.eligible(h, t) {
                continue;
            }
            let has_children = self
                .households
                .get(h)
                .is_some_and(|hh| hh.composition(t).iter().any(|(p, _)| p.role == MemberRole::Child));
            if wants_children && !has_children {
                continue;
            }
            return Some(h);
        }
        None
    }

    /// A household that left recently, more likely the more recently it left: first the exit month (weighted by
    /// the number of leavers then and the decay), then a leaver of that month. Needs at least one month off
    /// assistance: otherwise the "two spells" would be one.
    fn pick_recent(&mut self, rng: &mut Rand, t: Month) -> Option<usize> {
        let months: Vec<Month> = self.recent.keys().copied().collect();
        let weights: Vec<f64> = months
            .iter()
            .map(|exit| {
                let since = exit.months_until(t);
                let n = self.recent.get(exit).map_or(0, Vec::len);
                if since >= 2 {
                    n as f64 * (-f64::from(since) / REENTRY_DECAY_MONTHS).exp()
                } else {
                    0.0
                }
            })
            .collect();
        for _ in 0..20 {
            let exit = *months.get(weighted_index(rng, &weights)?)?;
            let bucket = self.recent.get(&exit)?;
            let i = rng.gen_range(0..bucket.len().max(1));
            let h = *bucket.get(i)?;
            if self.eligible(h, t) {
                if let Some(bucket) = self.recent.get_mut(&exit) {
                    bucket.swap_remove(i);
                }
                return Some(h);
            }
        }
        None
    }

    /// Starts a spell in `start`; `seen` is the month the household is drawn in (later than `start` for the
    /// initial stock, whose spells began before the simulation).
    fn start_spell(&mut self, rng: &mut Rand, h: usize, start: Month, group: LatentGroup, seen: Month) {
        let Some(hh) = self.households.get(h) else {
            return;
        };
        let composition = hh.composition(seen);
        let has_baby = composition
            .iter()
            .any(|(p, age)| p.role == MemberRole::Child && *age < 2);
        let caseworker = self
            .caseworkers
            .get(&hh.area.unit)
            .and_then(|c| pick(rng, c))
            .copied()
            .unwrap_or(StaffId(0));
        let mut adults = Vec::new();
        let mut adult_no = 0;
        for (member, p) in hh.members.iter().enumerate() {
            if p.role != MemberRole::Adult {
                continue;
            }
            let reason = draw_reason(rng, group, has_baby);
            let step = initial_step(rng, reason);
            let max_step = match group {
                LatentGroup::Fast => LADDER_STEPS,
                LatentGroup::Slow => u8::try_from(between(rng, 2, 4)).unwrap_or(3).max(step),
            };
            let activity = first_activity(reason).map(|(kind, hours)| Activity {
                kind,
                start,
                end: None,
                hours_per_week: hours,
            });
            let job_coach = activity
                .as_ref()
                .filter(|a| is_labour_market(a.kind))
                .and_then(|_| pick(rng, &self.job_coaches).copied());
            let created = date_in(start, between(rng, 5, 28)).unwrap_or(Date::MIN);
            adults.push(AdultState {
                member,
                adult_no,
                reason,
                months_in_reason: 0,
                step,
                max_step,
                income: economy::draw_adult_income(rng, reason),
                plan: Plan {
                    person: p.id,
                    created,
                    caseworker,
                    job_coach,
                    goal: plan_goal(reason).to_owned(),
                    activities: activity.into_iter().collect(),
                },
            });
            adult_no += 1;
        }
        let children = composition
            .iter()
            .filter(|(p, _)| p.role == MemberRole::Child)
            .count();
        let youngest_adult = composition
            .iter()
            .filter(|(p, _)| p.role == MemberRole::Adult)
            .map(|(_, a)| *a)
            .min()
            .unwrap_or(40);
        let anyone_working = adults.iter().any(|a| a.income.salary > 0);
        let econ = economy::draw_spell_economy(
            rng,
            start,
            composition.len().max(1),
            adults.len() == 1 && children > 0,
            children > 0,
            adults.len() == 1 && children == 0 && youngest_adult < 29,
            anyone_working,
        );
        if let Some(state) = self.state.get_mut(h) {
            state.active = Some(Active {
                start,
                group,
                caseworker,
                adults,
                economy: econ,
            });
            self.active.push(h);
        }
    }

    /// One month for one household on assistance: update, record (from `first_month`), maybe exit. Returns true
    /// while the household stays on assistance.
    fn month(&mut self, rng: &mut Rand, h: usize, t: Month) -> Result<bool, SynthError> {
        let cfg = self.cfg;
        let Some(hh) = self.households.get(h) else {
            return Ok(false);
        };
        let Some(state) = self.state.get_mut(h) else {
            return Ok(false);
        };
        let Some(active) = state.active.as_mut() else {
            return Ok(false);
        };
        let composition = hh.composition(t);
        let children = economy::children_of(&composition);
        let has_baby = children.iter().any(|(_, age)| *age < 2);
        let mwa = i64::from(active.start.months_until(t));
        let up = match active.group {
            LatentGroup::Fast => 0.12,
            LatentGroup::Slow => 0.03,
        };

        let mut adults_in = Vec::with_capacity(active.adults.len());
        let mut adult_months = Vec::with_capacity(active.adults.len());
        for a in &mut active.adults {
            // Reasons change: benefits decided, parental leave ends.
            a.months_in_reason += 1;
            if a.reason == Forsorjningshinder::UnemployedAwaitingBenefit && a.months_in_reason > 2 {
                a.reason = if chance(rng, 0.7) {
                    Forsorjningshinder::UnemployedInsufficientBenefit
                } else {
                    Forsorjningshinder::UnemployedNoBenefit
                };
                a.months_in_reason = 0;
                a.income.benefit =
                    (a.reason == Forsorjningshinder::UnemployedInsufficientBenefit).then(|| {
                        (
                            norm::contract::IncomeKind::UnemploymentBenefit,
                            between(rng, 4_000, 10_500),
                        )
                    });
            }
            if a.reason == Forsorjningshinder::ParentalLeave && !has_baby {
                a.reason = Forsorjningshinder::UnemployedNoBenefit;
                a.months_in_reason = 0;
                a.income.benefit = None;
            }
            // Ladder: small steps up, now and then one back.
            if a.step < a.max_step && chance(rng, up) {
                a.step += 1;
                let current = a.plan.activities.last().map(|x| x.kind);
                let next = match a.step {
                    4 if !current.is_some_and(|k| {
                        matches!(k, ActivityKind::WorkPractice | ActivityKind::WorkTraining)
                    }) =>
                    {
                        Some(match active.group {
                            LatentGroup::Fast => (ActivityKind::WorkPractice, 30),
                            LatentGroup::Slow => (ActivityKind::WorkTraining, 20),
                        })
                    }
                    5 if chance(rng, 0.3) => Some((ActivityKind::SubsidisedEmployment, 40)),
                    _ => None,
                };
                if let Some((kind, hours)) = next {
                    if let Some(last) = a.plan.activities.last_mut()
                        && last.end.is_none()
                    {
                        last.end = t.prev().filter(|p| *p >= last.start).or(Some(t));
                    }
                    a.plan.activities.push(Activity {
                        kind,
                        start: t,
                        end: None,
                        hours_per_week: hours,
                    });
                    if a.plan.job_coach.is_none() {
                        a.plan.job_coach = pick(rng, &self.job_coaches).copied();
                    }
                }
            } else if a.step > 1 && chance(rng, 0.015) {
                a.step -= 1;
            }
            // Jobbstimulans clock (per person; it runs on after the spell ends).
            let slot = state.jobbstimulans_from.get_mut(a.adult_no);
            let from = jobbstimulans(slot, t, mwa, a.income.salary > 0);
            if t >= cfg.first_month
                && let Some((p, age)) = composition
                    .iter()
                    .find(|(p, _)| hh.members.get(a.member) == Some(*p))
            {
                adults_in.push(AdultIn {
                    member_id: p.id.member_id(),
                    age: *age,
                    months_with_assistance: mwa,
                    jobbstimulans_from: from,
                    income: a.income.clone(),
                });
                adult_months.push(AdultMonth {
                    person: p.id,
                    reason: a.reason,
                    ladder_step: a.step,
                });
            }
        }

        if t >= cfg.first_month {
            let first = t == active.start;
            let received_day = if first {
                between(rng, 1, 25)
            } else {
                between(rng, 1, 12)
            };
            let decided_day = received_day + between(rng, 0, 5);
            let paid_day = decided_day + between(rng, 0, 2);
            let request = economy::build_request(rng, t, &active.economy, &adults_in, &children);
            let record = AssistanceMonth {
                month: t,
                application_received: date_in(t, received_day)?,
                decided: date_in(t, decided_day)?,
                paid: date_in(t, paid_day)?,
                caseworker: active.caseworker,
                adults: adult_months,
                request,
            };
            self.cases
                .entry(h)
                .or_insert_with(|| Case {
                    household: hh.id,
                    unit: hh.area.unit,
                    spells: Vec::new(),
                    months: Vec::new(),
                })
                .months
                .push(record);
        }

        if t >= cfg.last_month {
            return Ok(true);
        }
        let duration = u32::try_from(mwa + 1).unwrap_or(1);
        let top_step = active.adults.iter().map(|a| a.step).max().unwrap_or(1);
        // Who is closest to work carries the household out: higher steps leave faster, and the activity that adult
        // is in goes with more or fewer exits (the statistics page shows this association; it is not an effect).
        let lead = active.adults.iter().max_by_key(|a| a.step);
        let activity = lead
            .and_then(|a| a.plan.activities.last())
            .filter(|x| x.end.is_none())
            .map(|x| x.kind);
        let factor = step_exit_factor(top_step) * activity_exit_factor(activity);
        if !chance(
            rng,
            (hazard(&cfg.dynamics, active.group, duration) * factor).min(0.95),
        ) {
            return Ok(true);
        }
        // Work, studies, other benefit, moved, unknown.
        let weights: [f64; 5] = match (active.group, top_step >= 4) {
            (LatentGroup::Fast, true) => [0.55, 0.08, 0.17, 0.06, 0.14],
            (LatentGroup::Fast, false) => [0.35, 0.10, 0.25, 0.08, 0.22],
            (LatentGroup::Slow, true) => [0.40, 0.08, 0.22, 0.08, 0.22],
            (LatentGroup::Slow, false) => [0.15, 0.08, 0.35, 0.10, 0.32],
        };
        const EXITS: [ExitReason; 5] = [
            ExitReason::Work,
            ExitReason::Studies,
            ExitReason::OtherBenefit,
            ExitReason::Moved,
            ExitReason::Unknown,
        ];
        let reason = weighted_index(rng, &weights)
            .and_then(|i| EXITS.get(i))
            .copied()
            .unwrap_or(ExitReason::Unknown);
        self.close(h, Some(t), Some(reason));
        Ok(false)
    }

    /// Ends (or, with `end = None`, cuts off at `last_month`) the household's spell and stores it if it reaches
    /// into the stored period.
    fn close(&mut self, h: usize, end: Option<Month>, exit: Option<ExitReason>) {
        let first_month = self.cfg.first_month;
        let Some(state) = self.state.get_mut(h) else {
            return;
        };
        let Some(active) = state.active.take() else {
            return;
        };
        if let Some(t) = end {
            state.last_exit = Some(t);
            self.recent.entry(t).or_default().push(h);
            if exit == Some(ExitReason::Moved) {
                state.moved = Some(t);
                self.moved_out.push((h, t));
            }
        }
        if end.is_some_and(|t| t < first_month) {
            return;
        }
        let plans = active
            .adults
            .into_iter()
            .map(|a| {
                let mut plan = a.plan;
                if let Some(last) = plan.activities.last_mut()
                    && last.end.is_none()
                {
                    last.end = end;
                }
                plan
            })
            .collect();
        let Some(hh) = self.households.get(h) else {
            return;
        };
        self.cases
            .entry(h)
            .or_insert_with(|| Case {
                household: hh.id,
                unit: hh.area.unit,
                spells: Vec::new(),
                months: Vec::new(),
            })
            .spells
            .push(Spell {
                start: active.start,
                end,
                exit,
                latent_group: active.group,
                caseworker: active.caseworker,
                plans,
            });
    }
}

/// The jobbstimulans start month to send for an adult in month `t` (domain README §3): a window of 24 months
/// opens in the first month with work income after six consecutive months on assistance; after it closes, six new
/// consecutive months are needed. An expired window is still sent so the engine does not open one by default.
fn jobbstimulans(slot: Option<&mut Option<Month>>, t: Month, mwa: i64, has_salary: bool) -> Option<Month> {
    let slot = slot?;
    match *slot {
        Some(f) if f.months_until(t) < JOBBSTIMULANS_MONTHS => Some(f),
        Some(f) => {
            let closed = f.plus(JOBBSTIMULANS_MONTHS).unwrap_or(f);
            if has_salary && mwa >= 6 && closed.months_until(t) >= 6 {
                *slot = Some(t);
            }
            *slot
        }
        None => {
            if has_salary && mwa >= 6 {
                *slot = Some(t);
            }
            *slot
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hazard_falls_with_duration() {
        let d = Dynamics::default();
        assert!(hazard(&d, LatentGroup::Slow, 1) > hazard(&d, LatentGroup::Slow, 13));
        assert!(hazard(&d, LatentGroup::Fast, 1) > hazard(&d, LatentGroup::Slow, 1));
        assert_eq!(
            hazard(&d, LatentGroup::Slow, 25),
            hazard(&d, LatentGroup::Slow, 60)
        );
    }

    #[test]
    fn jobbstimulans_window_opens_and_needs_six_new_months() {
        let m = |y, mo| Month::new(y, mo).unwrap();
        let mut slot = None;
        // Five months before: nothing; sixth with salary: opens.
        assert_eq!(jobbstimulans(Some(&mut slot), m(2022, 1), 5, true), None);
        assert_eq!(jobbstimulans(Some(&mut slot), m(2022, 2), 6, false), None);
        assert_eq!(
            jobbstimulans(Some(&mut slot), m(2022, 3), 7, true),
            Some(m(2022, 3))
        );
        // Runs 24 months regardless of assistance.
        assert_eq!(
            jobbstimulans(Some(&mut slot), m(2024, 2), 0, true),
            Some(m(2022, 3))
        );
        // Closed in 2024-03: the old start is still sent until six new months have passed.
        assert_eq!(
            jobbstimulans(Some(&mut slot), m(2024, 6), 30, true),
            Some(m(2022, 3))
        );
        assert_eq!(
            jobbstimulans(Some(&mut slot), m(2024, 9), 33, true),
            Some(m(2024, 9))
        );
    }
}
