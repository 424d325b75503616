//! The demo's step progression, from the generated history: each adult's register reason per month, an assessment
//! when a period on assistance starts and whenever their step changes, their plan per period with its activities,
//! attendance for the last weeks of running activities, and an exit with its reason when the household's
//! assistance ends. Stored in one import (one transaction, `store::ProgressionImports`).
//!
//! What the generator does not say is derived from the ids, deterministically: the person's own rating, the
//! obstacles (from the register reason, easing on higher steps), the provider, and the weeks' attendance (most weeks
//! in full; some sick, some absent without an acceptable reason). The most recent week is left unrecorded for a
//! third of the activities, so the coach has attendance to record.

use std::collections::BTreeMap;

use domain::progression::plan::week_of;
use domain::progression::{
    Absence, ActivityKind, ActivityPlan, Assessment, AttendanceWeek, ExitReason, Forsorjningshinder, Ladder,
    LifeArea, ObstacleLevel, SanctionGround,
};
use domain::{Actor, HouseholdId, PersonId, Who};
use jiff::Span;
use jiff::civil::Date;
use norm::Month;
use store::{
    ImportCounts, ImportedActivity, ImportedAssessment, ImportedExit, ImportedPlan, ImportedReason,
    NewSanction, ProgressionImport, ProgressionImports, Progressions, Sanctions, SqlStore,
};

use super::casework::Stored;
use super::{SeedError, first_day};

/// Weeks of attendance the demo holds before today's week.
const ATTENDANCE_WEEKS: i64 = 13;

/// Builds and stores the import; returns what was stored.
pub(super) async fn seed(
    store: &SqlStore,
    town: &synth::Municipality,
    stored: &Stored<'_>,
    system: &Actor,
    today: Date,
    current: Month,
) -> Result<ImportCounts, SeedError> {
    let ladder = Ladder::default_ladder();
    let ladder_from = first_day(town.config.first_month)?;
    let mut batch = ProgressionImport::default();
    let mut open_plan: BTreeMap<PersonId, usize> = BTreeMap::new();
    for case in &town.cases {
        let Some(&household) = stored.households.get(&case.household) else {
            continue;
        };
        for spell in &case.spells {
            let months: Vec<&synth::AssistanceMonth> = case
                .months
                .iter()
                .filter(|m| m.month >= spell.start && spell.end.is_none_or(|e| m.month <= e))
                .filter(|m| m.month < current || (m.month == current && m.application_received <= today))
                .collect();
            let ended_on = match (spell.end, spell.exit) {
                (Some(end), Some(reason)) => {
                    Some(last_day(end)?).filter(|d| *d <= today).map(|d| (d, reason))
                }
                _ => None,
            };
            for plan in &spell.plans {
                let Some(&person) = stored.persons.get(&plan.person) else {
                    continue;
                };
                let by = staff_who(stored, plan.caseworker);
                add_months(
                    &mut batch,
                    &ladder,
                    person,
                    household,
                    plan.person,
                    &months,
                    &by,
                    today,
                )?;
                if plan.created > today {
                    continue;
                }
                let activities = plan
                    .activities
                    .iter()
                    .filter_map(|a| activity(a, plan.created, today, person).transpose())
                    .collect::<Result<Vec<_>, SeedError>>()?;
                let closed_on = ended_on.map(|(d, _)| d.max(plan.created));
                if closed_on.is_none() {
                    // At most one open plan a person: an earlier open one (a period cut off in the history) closes.
                    if let Some(i) = open_plan.insert(person, batch.plans.len())
                        && let Some(earlier) = batch.plans.get_mut(i)
                    {
                        earlier.closed_on = Some(plan.created.max(earlier.made_on));
                    }
                }
                batch.plans.push(ImportedPlan {
                    person,
                    household,
                    goal: plan.goal.clone(),
                    made_on: plan.created,
                    job_coach: plan.job_coach.and_then(|c| stored.staff.get(&c).map(|s| s.0)),
                    closed_on,
                    by: plan
                        .job_coach
                        .map_or_else(|| by.clone(), |c| staff_who(stored, c)),
                    activities: activities
                        .into_iter()
                        .map(|(activity, attendance)| ImportedActivity {
                            activity,
                            attendance,
                            by: by.clone(),
                        })
                        .collect(),
                });
                if let Some((exited_on, reason)) = ended_on {
                    batch.exits.push(ImportedExit {
                        person,
                        household,
                        exited_on,
                        reason: exit_reason(reason),
                        by: by.clone(),
                    });
                }
            }
        }
    }
    Ok(store.import_progression(system, ladder_from, &batch).await?)
}

/// The demo coach proposes a sanction for the first `n` absences without an acceptable reason among the people
/// they follow (the caseload's "proposals to make"), so the caseworker's decision form has proposals to decide. The
/// caseload is read as the system (the read log says the demo's build read it, not the coach).
pub(super) async fn propose_for_demo(
    store: &SqlStore,
    system: &Actor,
    coach: domain::StaffId,
    today: Date,
    n: usize,
) -> Result<usize, SeedError> {
    let caseload = store.caseload(system, coach, today, 500, 0).await?;
    let by = super::actor_on(&Actor::staff(coach, system.page.clone(), system.at), today);
    let mut made = 0;
    for p in &caseload.persons {
        if made == n {
            break;
        }
        let Some(week) = p.proposals_to_make.first() else {
            continue;
        };
        let ground = if week.absence == Absence::Refused {
            SanctionGround::Refusal
        } else {
            SanctionGround::UnexcusedAbsence
        };
        let proposal = NewSanction {
            person: p.person,
            household: p.household,
            activity: week.activity,
            week: Some(week.week_start),
            ground,
            reason:
                "Uteblev utan att höra av sig trots påminnelse. Vi har pratat om vad frånvaron kan leda till."
                    .to_owned(),
        };
        store.propose_sanction(&by, &proposal).await?;
        made += 1;
    }
    Ok(made)
}

/// The register reason of every month, and an assessment in the first month and whenever the step changes.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site; the arguments are the loop's current values"
)]
fn add_months(
    batch: &mut ProgressionImport,
    ladder: &Ladder,
    person: PersonId,
    household: HouseholdId,
    generated: synth::PersonId,
    months: &[&synth::AssistanceMonth],
    by: &Who,
    today: Date,
) -> Result<(), SeedError> {
    let mut last_step = None;
    for (i, m) in months.iter().enumerate() {
        let Some(adult) = m.adults.iter().find(|a| a.person == generated) else {
            continue;
        };
        let reason = register_reason(adult.reason);
        batch.reasons.push(ImportedReason {
            person,
            household,
            month: m.month,
            reason,
            by: by.clone(),
        });
        if last_step == Some(adult.ladder_step) {
            continue;
        }
        let day = if last_step.is_none() {
            m.application_received
        } else {
            m.decided
        }
        .min(today);
        last_step = Some(adult.ladder_step);
        let seed = person.get().unsigned_abs().wrapping_add(i as u64);
        let own = match seed % 5 {
            0 => None,
            1 => Some(adult.ladder_step.saturating_add(1).min(ladder.len())),
            2 => Some(adult.ladder_step.saturating_sub(1).max(1)),
            _ => Some(adult.ladder_step),
        };
        let assessment = Assessment::new(
            ladder,
            day,
            today,
            adult.ladder_step,
            own,
            &obstacles(reason, adult.ladder_step),
        )
        .map_err(|e| SeedError::Invalid(e.to_string()))?;
        batch.assessments.push(ImportedAssessment {
            person,
            household,
            assessment,
            by: by.clone(),
        });
    }
    Ok(())
}

/// An activity from the generated plan (none if it has not started by today), with its attendance.
fn activity(
    a: &synth::Activity,
    plan_made: Date,
    today: Date,
    person: PersonId,
) -> Result<Option<(ActivityPlan, Vec<AttendanceWeek>)>, SeedError> {
    let starts_on = first_day(a.start)?.max(plan_made);
    if starts_on > today {
        return Ok(None);
    }
    let ends_on = match a.end {
        Some(end) => Some(last_day(end)?.max(starts_on)),
        None => None,
    };
    let kind = activity_kind(a.kind);
    let plan = ActivityPlan::new(
        kind,
        provider(kind),
        starts_on,
        ends_on,
        a.hours_per_week.clamp(1, 40),
    )
    .map_err(|e| SeedError::Invalid(e.to_string()))?;
    let mut weeks = Vec::new();
    let this_week = week_of(today);
    // A third of the activities have last week still to record.
    let skip_last = person.get() % 3 == 0;
    for back in (1..=ATTENDANCE_WEEKS).rev() {
        if back == 1 && skip_last {
            continue;
        }
        let monday = this_week
            .checked_sub(Span::new().weeks(back))
            .map_err(|e| SeedError::Invalid(e.to_string()))?;
        let friday = monday.checked_add(Span::new().days(4)).unwrap_or(monday);
        if !(plan.runs_on(monday) && plan.runs_on(friday)) {
            continue;
        }
        let h = plan.hours_per_week;
        let roll = (person
            .get()
            .unsigned_abs()
            .wrapping_mul(31)
            .wrapping_add(back.unsigned_abs() * 17))
            % 100;
        let (absent, why) = match roll {
            0..80 => (0, None),
            80..88 => (h.div_ceil(5), Some(Absence::Sick)),
            88..92 => (h.div_ceil(5), Some(Absence::ChildSick)),
            92..96 => (h.div_ceil(5), Some(Absence::Accepted)),
            96..99 => (h.div_ceil(2), Some(Absence::Unexcused)),
            _ => (h, Some(Absence::Refused)),
        };
        let week = AttendanceWeek::new(monday, today, h - absent, absent, why, h)
            .map_err(|e| SeedError::Invalid(e.to_string()))?;
        weeks.push(week);
    }
    Ok(Some((plan, weeks)))
}

fn activity_kind(k: synth::ActivityKind) -> ActivityKind {
    match k {
        synth::ActivityKind::JobSearch => ActivityKind::JobSearch,
        synth::ActivityKind::Sfi => ActivityKind::Sfi,
        synth::ActivityKind::AdultEducation => ActivityKind::Studies,
        synth::ActivityKind::WorkPractice | synth::ActivityKind::WorkTraining => ActivityKind::WorkPractice,
        synth::ActivityKind::HealthRehabilitation => ActivityKind::Rehabilitation,
        synth::ActivityKind::SubsidisedEmployment => ActivityKind::SubsidisedEmployment,
    }
}

/// Who runs an activity of a kind in the demo town.
fn provider(k: ActivityKind) -> &'static str {
    match k {
        ActivityKind::Sfi | ActivityKind::Studies => "Komvux",
        ActivityKind::WorkPractice => "Arbetsmarknadsenheten",
        ActivityKind::JobSearch => "Arbetsmarknadsenhetens jobbtorg",
        ActivityKind::Rehabilitation => "Samordningsförbundet",
        ActivityKind::SubsidisedEmployment => "Arbetsförmedlingen",
        ActivityKind::Other => "Arbetsmarknadsenheten",
    }
}

fn register_reason(r: synth::Forsorjningshinder) -> Forsorjningshinder {
    use synth::Forsorjningshinder as S;
    match r {
        S::UnemployedNoBenefit => Forsorjningshinder::UnemployedNoBenefit,
        S::UnemployedInsufficientBenefit => Forsorjningshinder::UnemployedInsufficientBenefit,
        S::UnemployedAwaitingBenefit => Forsorjningshinder::UnemployedAwaitingBenefit,
        S::UnemployedEstablishmentBenefit => Forsorjningshinder::UnemployedEstablishmentBenefit,
        S::SocialReasons => Forsorjningshinder::SocialReasons,
        S::SickListedWithCertificate => Forsorjningshinder::SickListedWithCertificate,
        S::InsufficientSicknessCompensation => Forsorjningshinder::InsufficientSicknessCompensation,
        S::WorkingInsufficientIncome => Forsorjningshinder::WorkingInsufficientIncome,
        S::ParentalLeave => Forsorjningshinder::ParentalLeave,
    }
}

fn exit_reason(r: synth::ExitReason) -> ExitReason {
    match r {
        synth::ExitReason::Work => ExitReason::Work,
        synth::ExitReason::Studies => ExitReason::Studies,
        synth::ExitReason::OtherBenefit => ExitReason::OtherBenefit,
        synth::ExitReason::Moved => ExitReason::Moved,
        synth::ExitReason::Unknown => ExitReason::Other,
    }
}

/// The obstacles a reason points to; a major obstacle is rated "some" once the person has climbed to step 4.
fn obstacles(reason: Forsorjningshinder, step: u8) -> Vec<(LifeArea, ObstacleLevel)> {
    use Forsorjningshinder as F;
    use LifeArea as A;
    let major = if step >= 4 {
        ObstacleLevel::Some
    } else {
        ObstacleLevel::Major
    };
    let some = ObstacleLevel::Some;
    let mut areas = match reason {
        F::UnemployedEstablishmentBenefit => vec![
            (A::Language, major),
            (A::WorkExperience, some),
            (A::Education, some),
        ],
        F::SocialReasons => vec![(A::MentalHealth, major), (A::Network, some), (A::Debts, some)],
        F::SickListedWithCertificate => vec![(A::PhysicalHealth, major)],
        F::InsufficientSicknessCompensation => vec![(A::PhysicalHealth, major), (A::MentalHealth, some)],
        F::WorkingInsufficientIncome => vec![(A::Childcare, some)],
        F::ParentalLeave => vec![(A::Childcare, major)],
        F::UnemployedNoBenefit
        | F::UnemployedInsufficientBenefit
        | F::UnemployedAwaitingBenefit
        | F::Other => {
            vec![(A::WorkExperience, some), (A::DigitalSkills, some)]
        }
    };
    areas.push((A::Housing, ObstacleLevel::None));
    areas
}

fn staff_who(stored: &Stored<'_>, who: synth::StaffId) -> Who {
    stored
        .staff
        .get(&who)
        .map_or_else(|| Who::System("demo".to_owned()), |s| Who::Staff(s.0))
}

fn last_day(m: Month) -> Result<Date, SeedError> {
    Ok(first_day(m)?.last_of_month())
}
