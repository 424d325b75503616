//! A reproducible synthetic municipality: population register, staff and the economic-assistance history.
//!
//! `synth::generate(&Config::kristianstad(last_month))` builds a Kristianstad-sized town (86,500 inhabitants, about
//! 40,000 households) with monthly assistance records from 2021-01 up to `last_month`. The crate is pure: no IO, no
//! clock; the "current month" is an input. The same config (including the seed) always gives byte-identical output
//! (`ChaCha8Rng`, only ordered collections in the output). The loader stores the output and runs each month's
//! [`norm::contract::CalcRequest`] through the engine to make the decisions and payments.
//!
//! # For the loader
//! - `units`, `staff`, `households` (with `members`): the register. Persons with `protected_identity` need the
//!   product's extra care; `Household::composition(month)` says who lives there in a month.
//! - Per [`Case`] and [`AssistanceMonth`]: the application (received on `application_received`), the decision made
//!   on `decided` from the engine's answer to `request`, and the payment on `paid` of the engine's `assistance`.
//!   `adults` gives each adult's försörjningshinder and ladder step for the month; members in `request` are named
//!   by [`PersonId::member_id`].
//! - [`Spell`]s give start, end, exit reason and the plans with their activities.
//! - [`Appeal`]s point at a household-month's decision; [`Recovery`]s carry the undeclared income: the wrongly
//!   paid amount is the month's assistance minus the engine's answer with that income added to `request.incomes`.
//!
//! # No real person's data
//! Everything is drawn at random. Names come from short lists of common Swedish given and family names; birth
//! dates are real calendar dates; personnummer are `YYYYMMDD-9NNC` with a valid Luhn check digit: the serial
//! number is always in the 900-999 range (odd last serial digit for men, even for women), which marks them as ours
//! in the product's data. Such numbers can coincide with a real person's number, as any valid number can, but
//! nothing about that person is used: the name, address, household and history attached to it are synthetic.
//! Street names are made up; area names and the postcode range are the town's.
//!
//! # Calibration targets (default town, 2021-01 to 2026-11)
//! | figure | target | source |
//! |---|---|---|
//! | households with assistance in a month | 650-850 every month | domain README §9 (650-800; 802 in Nov 2017; 1.3-1.5 % of adults) |
//! | adult recipients long-term (≥ 10 months of a calendar year) | 40-60 % | README §7 (Sweden ~40 %) |
//! | months on assistance per household-year | 6-7 | README §7 (Sweden ~6.5) |
//! | households with assistance during a year | about 1,200-1,600 | README §9 |
//! | inflow | rises with unemployment | README §8 |
//! `crates/synth/tests/calibration.rs` checks them for several seeds.
//!
//! # Modelling choices
//! - **Population**: household types in SCB-like shares (40 % one person, 27 % couples, 8 % single parents, 25 %
//!   couples with children); ages by type; some children are born during the period. A child lives at home until
//!   the month before turning 19 ([`model::CHILD_LEAVES_HOME_AT`]). A few households have skyddad identitet.
//! - **Entry**: each month `Poisson(λ)` households enter, `λ = λ₀ (u(t − lag) / u_ref)^ε` with `u` the
//!   unemployment series ([`UnemploymentSeries`]) and `λ₀` set so that the steady-state stock at `u_ref` is
//!   `stock_per_inhabitant × inhabitants`. Entrants follow the recipient mix (58 % single adults, 24 % single
//!   parents, 12 % couples with children, 6 % couples) among households whose adults are 18-66; a share
//!   (`reentry_share`) are households that left within the last year, more likely the more recently they left.
//! - **Duration**: every spell belongs to a fast group (exit hazard 45 %/month at the start, about 40 % on
//!   average) or a slow group (2 %/month), README §8; the hazard falls with time on assistance (duration
//!   dependence, [`Dynamics::duration_dependence`]). Only 4.5 % of entrants are slow, but they make up most of the
//!   monthly stock: that is what 40 % long-term with 6.5 months per household-year implies. A burn-in (60 months, not stored)
//!   that starts from a steady-state stock gives the first stored month a realistic spread of durations, so spells
//!   can start before `first_month`.
//! - **Economy**: rents near the guideline ceilings by household size (4,500-9,300 kr, indexed by year), household
//!   electricity with season and the 2022 price spike, home insurance; incomes by the adult's reason
//!   (försörjningshinder): unemployment benefit, establishment benefit, sickness benefit/compensation, parental
//!   benefit, part-time salary; child allowance with large-family supplement, studiebidrag, maintenance support,
//!   housing allowance. Counted income is kept below 90 % of a conservative norm + costs so that every stored
//!   month is one with assistance. Amounts are whole kronor at the contract edge.
//! - **Jobbstimulans**: tracked per adult across spells (the 24-month clock runs on after an exit), sent as
//!   `jobbstimulans_from`; `months_with_assistance` = months of the current spell before the month.
//! - **Ladder, plans, exits**: five ladder steps (the product's own), one plan per adult and spell with
//!   activities that change as the adult climbs; exits with a reason that depends on group and step.
//! - **Appeals and recoveries**: a few per month, drawn over the stored household-months (some appeals late).

pub mod config;
mod dynamics;
mod economy;
mod events;
pub mod model;
mod names;
pub mod personnummer;
mod population;
mod rng;
mod stats;

pub use config::{Config, Dynamics, SynthError, UnemploymentSeries};
pub use model::*;
pub use stats::LONG_TERM_MONTHS;

use rand::SeedableRng;

use crate::rng::Rand;

/// Independent random streams, so that changing one part (say, the staff list) leaves the others as they were.
const STREAM_POPULATION: u64 = 1;
const STREAM_STAFF: u64 = 2;
const STREAM_DYNAMICS: u64 = 3;
const STREAM_EVENTS: u64 = 4;

fn stream(seed: u64, stream: u64) -> Rand {
    let mut rng = Rand::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// Builds the municipality described by `cfg`.
pub fn generate(cfg: &Config) -> Result<Municipality, SynthError> {
    cfg.validate()?;
    let mut population = population::generate_population(cfg, &mut stream(cfg.seed, STREAM_POPULATION))?;
    let (units, staff) = population::generate_staff(cfg, &mut stream(cfg.seed, STREAM_STAFF));
    let history = dynamics::simulate(cfg, &population, &staff, &mut stream(cfg.seed, STREAM_DYNAMICS))?;
    for (h, month) in history.moved_out {
        if let Some(hh) = population.households.get_mut(h) {
            hh.moved_out = Some(month);
        }
    }
    let mut events_rng = stream(cfg.seed, STREAM_EVENTS);
    let appeals = events::appeals(&mut events_rng, &history.cases)?;
    let recoveries = events::recoveries(&mut events_rng, &history.cases, cfg.last_month)?;
    Ok(Municipality {
        config: cfg.clone(),
        units,
        staff,
        households: population.households,
        cases: history.cases,
        appeals,
        recoveries,
    })
}
