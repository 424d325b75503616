//! The rarer events drawn over the stored history: appeals of monthly decisions and recoveries of overpaid months.

use jiff::Span;
use jiff::civil::{Date, Weekday};
use norm::contract::{IncomeIn, IncomeKind};
use norm::{Money, Month};

use crate::config::SynthError;
use crate::model::{Appeal, AppealGround, Case, Recovery};
use crate::rng::{Rand, between, chance, weighted_index};

/// Appeals per household-month on assistance: a few a month in the default town.
const APPEAL_RATE: f64 = 0.0015;
/// Share of appeals that arrive after the three-week limit.
const LATE_SHARE: f64 = 0.15;
/// Recoveries per household-month: about one a month in the default town.
const RECOVERY_RATE: f64 = 0.0012;

fn add_days(d: Date, days: i64) -> Result<Date, SynthError> {
    d.checked_add(Span::new().days(days))
        .map_err(|e| SynthError::Date(e.to_string()))
}

pub(crate) fn appeals(rng: &mut Rand, cases: &[Case]) -> Result<Vec<Appeal>, SynthError> {
    const GROUNDS: [AppealGround; 4] = [
        AppealGround::RentNotAccepted,
        AppealGround::IncomeCounted,
        AppealGround::ReductionForRefusal,
        AppealGround::OneOffNeedRefused,
    ];
    let mut out = Vec::new();
    for case in cases {
        for m in &case.months {
            if !chance(rng, APPEAL_RATE) {
                continue;
            }
            // The decision reaches the person one to four days after it was made, on a weekday; the deadline
            // (three weeks later) is then a weekday too.
            let mut served = add_days(m.decided, between(rng, 1, 4))?;
            served = match served.weekday() {
                Weekday::Saturday => add_days(served, 2)?,
                Weekday::Sunday => add_days(served, 1)?,
                _ => served,
            };
            // On time: 2-21 days. Late: at least five days after the limit, so that no holiday that extends the
            // limit could make a "late" appeal timely.
            let days = if chance(rng, LATE_SHARE) {
                between(rng, 26, 45)
            } else {
                between(rng, 2, 21)
            };
            let ground = weighted_index(rng, &[0.35, 0.25, 0.15, 0.25])
                .and_then(|i| GROUNDS.get(i))
                .copied()
                .unwrap_or(AppealGround::OneOffNeedRefused);
            out.push(Appeal {
                household: case.household,
                month: m.month,
                ground,
                served,
                received: add_days(served, days)?,
            });
        }
    }
    Ok(out)
}

pub(crate) fn recoveries(
    rng: &mut Rand,
    cases: &[Case],
    last_month: Month,
) -> Result<Vec<Recovery>, SynthError> {
    let mut out = Vec::new();
    for case in cases {
        for m in &case.months {
            if !chance(rng, RECOVERY_RATE) {
                continue;
            }
            // Found out two to eight months later (a control against other authorities' data, README §5).
            let Some(found) = m.month.plus(i32::try_from(between(rng, 2, 8)).unwrap_or(2)) else {
                continue;
            };
            if found > last_month {
                continue;
            }
            let Some(adult) = m.request.members.first() else {
                continue;
            };
            let amount = between(rng, 1_500, 9_000);
            let decided = Date::new(
                i16::try_from(found.year()).unwrap_or(2000),
                i8::try_from(found.month()).unwrap_or(1),
                i8::try_from(between(rng, 1, 28)).unwrap_or(1),
            )
            .map_err(|e| SynthError::Date(e.to_string()))?;
            out.push(Recovery {
                household: case.household,
                month: m.month,
                undeclared_income: IncomeIn {
                    member: Some(adult.id.clone()),
                    kind: IncomeKind::Salary,
                    amount,
                    earned_earlier_this_year: None,
                },
                // At most 9,000 kr: no overflow possible.
                undeclared_amount: Money::from_ore(amount * 100),
                decided,
                waived: chance(rng, 0.1),
            });
        }
    }
    Ok(out)
}
