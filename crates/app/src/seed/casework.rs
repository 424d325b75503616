//! The generated casework of the demo: a journal note when a plan is made and when assistance ends, and for each
//! household still on assistance a follow-up (bevakning) of its plan at the next quarterly review.
//!
//! Everything is written in two all-or-nothing batches (one per kind), so that thousands of notes cost one
//! transaction each instead of one transaction per note.

use std::collections::BTreeMap;

use domain::follow_up::FollowUpReason;
use domain::journal::NoteKind;
use domain::{Actor, HouseholdId, PersonId, StaffId};
use jiff::Span;
use jiff::civil::Date;
use norm::Month;
use store::{FollowUps, NewFollowUp, NewNote, SqlStore, Store};

use super::{SeedError, actor_on, first_day};

/// How often a plan is reviewed (Socialstyrelsen's handbook asks for regular follow-up; the demo says quarterly).
const REVIEW_MONTHS: i64 = 3;
/// Reviews this many days overdue are still open in the demo, so the queue shows what an overdue one looks like.
const OVERDUE_DAYS: i64 = 10;

/// Where the stored ids of the generated records are.
pub(super) struct Stored<'a> {
    pub households: &'a BTreeMap<synth::HouseholdId, HouseholdId>,
    pub persons: &'a BTreeMap<synth::PersonId, PersonId>,
    pub staff: &'a BTreeMap<synth::StaffId, (StaffId, domain::UnitId, String, domain::role::Role)>,
}

/// Writes the notes and follow-ups; returns how many of each.
pub(super) async fn seed(
    store: &SqlStore,
    town: &synth::Municipality,
    stored: &Stored<'_>,
    system: &Actor,
    today: Date,
    current: Month,
) -> Result<(usize, usize), SeedError> {
    let mut notes = Vec::new();
    let mut follow_ups = Vec::new();
    for case in &town.cases {
        let Some(&household) = stored.households.get(&case.household) else {
            continue;
        };
        let on_assistance_now = case.months.last().is_some_and(|m| m.month == current);
        for spell in &case.spells {
            let mut next_review: Option<(Date, Actor, &str)> = None;
            for plan in &spell.plans {
                let Some(&person) = stored.persons.get(&plan.person) else {
                    // A member who has since left the household is not in the register.
                    continue;
                };
                if plan.created > today {
                    continue;
                }
                let author = staff_actor(stored, plan.caseworker, system, plan.created);
                notes.push(NewNote {
                    actor: author.clone(),
                    person,
                    kind: NoteKind::Note,
                    text: plan_note(plan),
                });
                if spell.end.is_none() && on_assistance_now {
                    let (last, due) = review_around(plan.created, today)?;
                    if next_review.as_ref().is_none_or(|(d, _, _)| due < *d) {
                        let by = staff_actor(stored, plan.caseworker, system, last);
                        next_review = Some((due, by, plan.goal.as_str()));
                    }
                }
            }
            if let Some((due_on, actor, goal)) = next_review {
                let reason = FollowUpReason::new(&format!("Följ upp planeringen: {goal}"))
                    .map_err(|e| SeedError::Invalid(e.to_string()))?;
                follow_ups.push(NewFollowUp {
                    actor,
                    household,
                    due_on,
                    reason,
                });
            }
            if let (Some(end), Some(exit)) = (spell.end, spell.exit) {
                let Some(next) = end.next() else { continue };
                let day = first_day(next)?;
                let first_adult = spell
                    .plans
                    .iter()
                    .find_map(|p| stored.persons.get(&p.person).copied());
                // Written on the first day after the last month on assistance, if that day has come.
                if let (true, Some(person)) = (day <= today, first_adult) {
                    notes.push(NewNote {
                        actor: staff_actor(stored, spell.caseworker, system, day),
                        person,
                        kind: NoteKind::Note,
                        text: format!(
                            "Försörjningsstödet avslutas efter {end}. Orsak: {}.",
                            exit.label_sv()
                        ),
                    });
                }
            }
        }
    }
    // Oldest first, so that note ids follow the dates as they would have in real use.
    notes.sort_by_key(|n| n.actor.at);
    let written = store.append_journal_many(&notes).await?.len();
    let set = store.create_follow_ups(&follow_ups).await?.len();
    Ok((written, set))
}

/// The plan as the caseworker wrote it down: the goal and the agreed activities.
fn plan_note(plan: &synth::Plan) -> String {
    let activities = plan
        .activities
        .iter()
        .map(|a| {
            format!(
                "{} från {}, {} timmar i veckan",
                a.kind.label_sv(),
                a.start,
                a.hours_per_week
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let coach = if plan.job_coach.is_some() {
        " Jobbcoach från arbetsmarknadsenheten är kopplad."
    } else {
        ""
    };
    if activities.is_empty() {
        format!("Planering upprättad. Mål: {}.{coach}", plan.goal)
    } else {
        format!(
            "Planering upprättad. Mål: {}. Insatser: {activities}.{coach}",
            plan.goal
        )
    }
}

/// The latest review on or before today, and the next one still open: the first quarterly review date after the
/// plan that is no more than [`OVERDUE_DAYS`] in the past.
fn review_around(created: Date, today: Date) -> Result<(Date, Date), SeedError> {
    let earliest_open = today
        .checked_sub(Span::new().days(OVERDUE_DAYS))
        .map_err(|e| SeedError::Invalid(e.to_string()))?;
    let mut last = created;
    for k in 1..=400 {
        let due = created
            .checked_add(Span::new().months(REVIEW_MONTHS * k))
            .map_err(|e| SeedError::Invalid(e.to_string()))?;
        if due >= earliest_open {
            return Ok((last.min(today), due));
        }
        last = due;
    }
    Err(SeedError::Invalid(format!(
        "planen från {created} saknar nästa uppföljning"
    )))
}

/// The staff member as an actor on `day` (the system's actor when the generated staff id is unknown).
fn staff_actor(stored: &Stored<'_>, who: synth::StaffId, system: &Actor, day: Date) -> Actor {
    let base = match stored.staff.get(&who) {
        Some((id, ..)) => Actor::staff(*id, system.page.clone(), system.at),
        None => system.clone(),
    };
    actor_on(&base, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_next_review_is_quarterly_from_the_plan_and_may_be_a_little_overdue() {
        let today = date(2026, 12, 2);
        assert_eq!(
            review_around(date(2026, 9, 1), today).unwrap(),
            (date(2026, 9, 1), date(2026, 12, 1))
        );
        // 1 Nov + 3 months: the first review is in February; made today, nothing has been reviewed yet.
        assert_eq!(
            review_around(date(2026, 11, 1), today).unwrap(),
            (date(2026, 11, 1), date(2027, 2, 1))
        );
        // More than ten days overdue moves on to the next quarter.
        assert_eq!(
            review_around(date(2026, 8, 20), today).unwrap(),
            (date(2026, 11, 20), date(2027, 2, 20))
        );
    }
}
