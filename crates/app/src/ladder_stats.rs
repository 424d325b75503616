//! What moves people, in aggregate (issue #13): the ladder's transition matrix, rates by step and by activity,
//! time to self-sufficiency and re-entry, for the roles with `ReadAggregates` (unit manager, controller, board
//! member, administrator), and for the command line as a system actor.
//!
//! Aggregates only, never a person: the store hands over histories without ids and the pure analysis
//! (`domain::progression::analysis`) makes the figures. Small counts (1-4 persons) and rates resting on them are
//! suppressed for every reader of the page, unit managers included: a cell of 1-4 in one's own unit can point at a
//! person one knows, and the page's CSV files travel. Only the command line, run by whoever holds the database
//! itself, gets exact counts. Each read writes one `statistics.read` record (the store's), and a refusal
//! `access.denied`.

use domain::progression::analysis::{self, Analysis, Cohorts, Disclosure, Query};
use domain::progression::ladder::version_on;
use domain::{UnitId, Who};
use jiff::civil::Date;
use norm::Month;
use store::{AccountStore, LadderStats, LadderStatsQuery};

use crate::access::{Actor, Denied, Permission, Role};
use crate::service::{App, AppError};

/// The report's name in its `statistics.read` record.
const REPORT: &str = "stegförflyttning";

/// The longest range one request may cover.
pub const MAX_MONTHS: i32 = 60;

/// What the reader asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LadderStatsRequest {
    pub from: Month,
    pub to: Month,
    pub cohorts: Cohorts,
    /// A unit manager's own unit to look at; `None`: the whole municipality.
    pub unit: Option<UnitId>,
}

/// The figures with the words needed to show them.
#[derive(Debug, Clone, PartialEq)]
pub struct LadderReport {
    pub analysis: Analysis,
    /// (Swedish, English) names of steps 1..=`analysis.steps`: the ladder version in force on the last day
    /// observed; "Steg N" where no version has the step.
    pub step_names: Vec<(String, String)>,
    /// More than one ladder version was in force during the range (the names are the latest version's).
    pub ladder_changed: bool,
    pub today: Date,
    /// The units a unit manager may choose among, by name; empty for the other roles.
    pub units: Vec<(UnitId, String)>,
    pub unit: Option<UnitId>,
}

/// The default range: the twelve months before the current one.
pub fn default_range(today: Date) -> (Month, Month) {
    let this = Month::new(
        u16::try_from(today.year()).unwrap_or(2026),
        u8::try_from(today.month()).unwrap_or(1),
    )
    .unwrap_or(Month::MIN);
    let to = this.prev().unwrap_or(this);
    (to.plus(-11).unwrap_or(to), to)
}

fn check_range(req: &LadderStatsRequest, today: Date) -> Result<(), AppError> {
    if req.from > req.to {
        return Err(AppError::Invalid {
            field: "fran",
            reason: "första månaden ligger efter den sista".to_owned(),
        });
    }
    if req.from.months_until(req.to) >= MAX_MONTHS {
        return Err(AppError::Invalid {
            field: "fran",
            reason: format!("välj högst {MAX_MONTHS} månader"),
        });
    }
    let (_, last_over) = default_range(today);
    if req.to > last_over {
        return Err(AppError::Invalid {
            field: "till",
            reason: "den sista månaden är inte slut än".to_owned(),
        });
    }
    Ok(())
}

impl App {
    /// The ladder's figures for a reader with `ReadAggregates`, small counts suppressed. A unit manager may narrow
    /// them to one of their units; no one else chooses a unit.
    pub async fn ladder_stats(
        &self,
        actor: &Actor,
        req: &LadderStatsRequest,
    ) -> Result<LadderReport, AppError> {
        let ctx = self.audit_ctx(actor, "stegforflyttning");
        self.enforce(
            &ctx,
            "stegforflyttning",
            actor.require(Permission::ReadAggregates),
        )
        .await?;
        let unit_check = match req.unit {
            None => Ok(()),
            Some(u) if actor.role == Role::UnitManager && actor.units.contains(&u) => Ok(()),
            Some(_) => Err(Denied::Unit),
        };
        self.enforce(&ctx, "stegforflyttning", unit_check).await?;
        let units = if actor.role == Role::UnitManager {
            self.store
                .units()
                .await?
                .into_iter()
                .filter(|(id, _)| actor.units.contains(id))
                .collect()
        } else {
            Vec::new()
        };
        let mut report = self
            .ladder_report(&ctx, REPORT, req, Disclosure::Suppressed)
            .await?;
        report.units = units;
        Ok(report)
    }

    /// The same figures for the command line, as the system actor `who`, with exact counts (whoever runs it holds
    /// the database). Audited like the page.
    pub async fn ladder_stats_for_system(
        &self,
        who: &str,
        req: &LadderStatsRequest,
    ) -> Result<LadderReport, AppError> {
        let ctx = domain::Actor {
            who: Who::System(who.to_owned()),
            page: "cli/ladder".to_owned(),
            at: self.clock.now(),
        };
        self.ladder_report(&ctx, REPORT, req, Disclosure::Exact).await
    }

    async fn ladder_report(
        &self,
        ctx: &domain::Actor,
        report: &'static str,
        req: &LadderStatsRequest,
        disclosure: Disclosure,
    ) -> Result<LadderReport, AppError> {
        let today = ctx.at.to_zoned(jiff::tz::TimeZone::UTC).date();
        check_range(req, today)?;
        let from = Date::new(
            i16::try_from(req.from.year()).unwrap_or(i16::MAX),
            i8::try_from(req.from.month()).unwrap_or(1),
            1,
        )
        .map_err(|_| AppError::Invalid {
            field: "fran",
            reason: "ogiltig månad".to_owned(),
        })?;
        // The last day observed: yesterday (today is not over).
        let until = today.yesterday().unwrap_or(today);
        let read = self
            .store
            .ladder_histories(
                ctx,
                &LadderStatsQuery {
                    report,
                    from,
                    until,
                    units: req.unit.map(|u| vec![u]),
                },
            )
            .await?;
        let in_force: Vec<_> = read
            .versions
            .iter()
            .filter(|v| {
                v.valid_from <= until
                    && (v.valid_from > from
                        || version_on(&read.versions, from).is_some_and(|f| f.number == v.number))
            })
            .collect();
        let steps = in_force.iter().map(|v| v.ladder.len()).max().unwrap_or(0);
        let analysis = analysis::analyse(
            &read.histories,
            &Query {
                from: req.from,
                to: req.to,
                until,
                steps,
                cohorts: req.cohorts,
                disclosure,
            },
        );
        let latest = version_on(&read.versions, until);
        let step_names = (1..=analysis.steps)
            .map(|n| {
                latest
                    .and_then(|v| {
                        let step = domain::progression::StepNo::new(n).ok()?;
                        v.ladder.step(step)
                    })
                    .map_or_else(
                        || (format!("Steg {n}"), format!("Step {n}")),
                        |s| (s.name_sv.clone(), s.name_en.clone()),
                    )
            })
            .collect();
        Ok(LadderReport {
            analysis,
            step_names,
            ladder_changed: in_force.len() > 1,
            today,
            units: Vec::new(),
            unit: req.unit,
        })
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn req(from: (u16, u8), to: (u16, u8)) -> LadderStatsRequest {
        LadderStatsRequest {
            from: Month::new(from.0, from.1).expect("month"),
            to: Month::new(to.0, to.1).expect("month"),
            cohorts: Cohorts::Year,
            unit: None,
        }
    }

    #[test]
    fn the_range_must_be_in_order_short_enough_and_over() {
        let today = date(2026, 12, 3);
        assert_eq!(
            default_range(today),
            (Month::new(2025, 12).expect("m"), Month::new(2026, 11).expect("m"))
        );
        assert!(check_range(&req((2026, 1), (2026, 11)), today).is_ok());
        assert!(matches!(
            check_range(&req((2026, 5), (2026, 4)), today),
            Err(AppError::Invalid { field: "fran", .. })
        ));
        assert!(matches!(
            check_range(&req((2021, 11), (2026, 11)), today),
            Err(AppError::Invalid { field: "fran", .. })
        ));
        assert!(check_range(&req((2021, 12), (2026, 11)), today).is_ok());
        assert!(matches!(
            check_range(&req((2026, 1), (2026, 12)), today),
            Err(AppError::Invalid { field: "till", .. })
        ));
    }
}
