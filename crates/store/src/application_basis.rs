//! What the applicant's online form needs, and nothing more: the applicant's current household with its members
//! on a day, the months the household has applied for, and each member's own assistance history (the months in which
//! a household they belonged to was granted more than 0 kr and paid, and the jobbstimulans start recorded in the
//! decisions of those households' months). Not the case file: no journal, no follow-ups, no other money.
//!
//! "Granted and paid" for a month: the application's current decision grants more than 0 kr and a payment of one of
//! its decisions was exported to the bank. A refusal, a 0-kr decision, an undecided or an unpaid month is not one.
//! "Member during a month" is [`domain::membership::member_during`] over the person's periods in that household, so
//! a person who moved between households keeps their months.
//!
//! The read is recorded in the read log before anything is returned: one `application_form.read` record per member
//! returned, listing the household, the persons and the months used.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

use domain::decision::FrozenCalculation;
use domain::fact::{FactValue, Validity};
use domain::membership::member_during;
use domain::{Actor, HouseholdId, PersonId};
use jiff::civil::Date;
use norm::Month;
use serde_json::json;
use sqlx::Row;

use crate::error::{Result, StoreError};
use crate::model::MemberView;
use crate::people::person_from_row;
use crate::sql::{SqlStore, parse, parse_date};

/// One person's assistance history as the form's declaration needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssistanceHistory {
    /// Months in which a household the person belonged to (during that month) was granted more than 0 kr and paid.
    pub paid_months: BTreeSet<Month>,
    /// Each decided month's recorded jobbstimulans start for this person (the frozen input's `jobbstimulans_from`
    /// for the member `P<person id>`), by the month decided. Only decisions that carry a frozen input count.
    pub jobbstimulans_starts: BTreeMap<Month, Month>,
}

/// The form's basis (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationBasis {
    pub household: HouseholdId,
    /// Members on the day asked for, in person-id order. Names are as registered: the caller masks protected
    /// co-members before showing them.
    pub members: Vec<MemberView>,
    /// Months the household has an application for (any status).
    pub applied_months: BTreeSet<Month>,
    /// Each member's own history.
    pub history: BTreeMap<PersonId, AssistanceHistory>,
}

pub trait ApplicationBases: Send + Sync {
    /// The basis of `person`'s online application on day `on` (an audited read). [`StoreError::NotFound`] if the
    /// person belongs to no household now.
    fn application_basis(
        &self,
        actor: &Actor,
        person: PersonId,
        on: Date,
    ) -> impl Future<Output = Result<ApplicationBasis>> + Send;
}

impl ApplicationBases for SqlStore {
    async fn application_basis(&self, actor: &Actor, person: PersonId, on: Date) -> Result<ApplicationBasis> {
        let mut conn = self.pool().acquire().await?;
        let household = sqlx::query(
            "SELECT household_id FROM facts WHERE person_id = $1 AND fact_key LIKE 'member:%' \
             AND superseded_at IS NULL AND valid_to IS NULL ORDER BY household_id",
        )
        .bind(person.get())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound {
            what: "hushåll",
            id: person.get(),
        })?;
        let household = HouseholdId(household.try_get("household_id")?);

        // The members on `on`: the believed membership record of each person whose period contains the day.
        let rows = sqlx::query(
            "SELECT p.id, p.pnr, p.name, p.protection, f.value_json, f.valid_from, f.valid_to FROM facts f \
             JOIN persons p ON p.id = f.person_id \
             WHERE f.household_id = $1 AND f.fact_key LIKE 'member:%' AND f.superseded_at IS NULL \
             ORDER BY p.id, f.valid_from",
        )
        .bind(household.get())
        .fetch_all(&mut *conn)
        .await?;
        let mut members: BTreeMap<PersonId, MemberView> = BTreeMap::new();
        for r in &rows {
            let from: String = r.try_get("valid_from")?;
            let to: Option<String> = r.try_get("valid_to")?;
            let valid = Validity {
                from: parse_date(&from)?,
                to: to.as_deref().map(parse_date).transpose()?,
            };
            if !valid.contains(on) {
                continue;
            }
            let value: String = r.try_get("value_json")?;
            let FactValue::Member { role, .. } =
                serde_json::from_str::<FactValue>(&value).map_err(StoreError::corrupt)?
            else {
                continue;
            };
            let person = person_from_row(r)?;
            members.insert(person.id, MemberView { person, role });
        }

        let applied_months = sqlx::query("SELECT month FROM applications WHERE household_id = $1")
            .bind(household.get())
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| parse::<Month>(&r.try_get::<String, _>("month")?))
            .collect::<Result<BTreeSet<Month>>>()?;

        // Each member's history over every household they have belonged to.
        let mut history = BTreeMap::new();
        for &member in members.keys() {
            history.insert(member, person_history(&mut conn, member).await?);
        }
        drop(conn);

        let members: Vec<MemberView> = members.into_values().collect();
        let detail = json!({
            "household": household,
            "persons": members.iter().map(|m| m.person.id).collect::<Vec<_>>(),
            "applied_months": applied_months.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "history_months": history
                .iter()
                .map(|(p, h): (&PersonId, &AssistanceHistory)| {
                    (p.to_string(), h.paid_months.iter().map(ToString::to_string).collect::<Vec<_>>())
                })
                .collect::<BTreeMap<_, _>>(),
        });
        let entries = members
            .iter()
            .map(|m| (Some(m.person.id), detail.clone()))
            .collect();
        self.record_read(actor, "application_form.read", entries).await?;
        Ok(ApplicationBasis {
            household,
            members,
            applied_months,
            history,
        })
    }
}

/// One row per (membership period, application, decision) of every household the person has belonged to.
async fn person_history(conn: &mut sqlx::AnyConnection, person: PersonId) -> Result<AssistanceHistory> {
    let rows = sqlx::query(
        "SELECT f.household_id, f.valid_from, f.valid_to, a.month, a.current_decision_id, \
         d.id AS decision_id, d.total_granted, d.calculation_json, \
         (SELECT COUNT(*) FROM payments p JOIN decisions pd ON pd.id = p.decision_id \
          WHERE pd.application_id = a.id AND p.status = 'exported') AS exported \
         FROM facts f \
         JOIN applications a ON a.household_id = f.household_id \
         LEFT JOIN decisions d ON d.application_id = a.id \
         WHERE f.person_id = $1 AND f.fact_key LIKE 'member:%' AND f.superseded_at IS NULL",
    )
    .bind(person.get())
    .fetch_all(&mut *conn)
    .await?;
    let mut periods: BTreeMap<i64, BTreeSet<(Date, Option<Date>)>> = BTreeMap::new();
    for r in &rows {
        let from: String = r.try_get("valid_from")?;
        let to: Option<String> = r.try_get("valid_to")?;
        periods
            .entry(r.try_get("household_id")?)
            .or_default()
            .insert((parse_date(&from)?, to.as_deref().map(parse_date).transpose()?));
    }
    let periods: BTreeMap<i64, Vec<Validity>> = periods
        .into_iter()
        .map(|(h, p)| (h, p.into_iter().map(|(from, to)| Validity { from, to }).collect()))
        .collect();
    let id = format!("P{person}");
    let mut history = AssistanceHistory::default();
    for r in &rows {
        let household: i64 = r.try_get("household_id")?;
        let month = parse::<Month>(&r.try_get::<String, _>("month")?)?;
        if !periods.get(&household).is_some_and(|p| member_during(p, month)) {
            continue;
        }
        let decision: Option<i64> = r.try_get("decision_id")?;
        let current: Option<i64> = r.try_get("current_decision_id")?;
        let granted: Option<i64> = r.try_get("total_granted")?;
        let exported: i64 = r.try_get("exported")?;
        if decision.is_some() && decision == current && granted.unwrap_or(0) > 0 && exported > 0 {
            history.paid_months.insert(month);
        }
        let calculation: Option<String> = r.try_get("calculation_json")?;
        // A frozen input that no longer parses (an older contract) says nothing about the start; it is skipped
        // rather than refusing the applicant's form.
        let start = calculation
            .as_deref()
            .and_then(|c| serde_json::from_str::<FrozenCalculation>(c).ok())
            .and_then(|c| c.request.members.into_iter().find(|m| m.id == id))
            .and_then(|m| m.jobbstimulans_from);
        if let Some(start) = start {
            let latest = history.jobbstimulans_starts.entry(month).or_insert(start);
            *latest = (*latest).max(start);
        }
    }
    Ok(history)
}
