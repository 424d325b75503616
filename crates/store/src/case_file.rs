//! The household's case file as the caseworker's household page reads it: members over time, month by month the
//! applications with their decisions, payments and appeals, återkrav claims, the journal and the follow-ups.
//!
//! One read-only transaction gives the page one consistent snapshot; a handful of statements (one per kind of
//! record, never one per row) keep the page fast under many users. The read is recorded before anything is
//! returned: one audit record per person shown.

use std::collections::{BTreeMap, BTreeSet};

use domain::decision::Outcome;
use domain::fact::{self, FactValue};
use domain::payment::PaymentStatus;
use domain::{Actor, ApplicationId, BatchId, DecisionId, HouseholdId, PersonId, UnitId};
use jiff::civil::Date;
use norm::Money;
use serde_json::json;
use sqlx::{AnyConnection, Row};

use crate::error::{Result, StoreError};
use crate::follow_ups::{FOLLOW_UP_COLUMNS, follow_up_from_row};
use crate::model::{
    AppealView, DecisionSummary, FollowUpView, HouseholdOverview, MemberView, MembershipView, NoteView,
    PaymentSummary, PersonView,
};
use crate::people::{household_facts, note_from_row, person_from_row};
use crate::records::{CLAIM_COLUMNS, appeal_from_row, applications_of, claim_from_row};
use crate::sql::{SqlStore, from_micros, parse, parse_date};

pub(crate) async fn household_overview(
    s: &SqlStore,
    actor: &Actor,
    household: HouseholdId,
    on: Date,
) -> Result<HouseholdOverview> {
    let mut rx = s.begin_read().await?;
    let conn = rx.conn();
    let row = sqlx::query(
        "SELECT h.unit_id, u.name FROM households h JOIN org_units u ON u.id = h.unit_id WHERE h.id = $1",
    )
    .bind(household.get())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound {
        what: "hushåll",
        id: household.get(),
    })?;
    let unit = UnitId(row.try_get("unit_id")?);
    let unit_name: String = row.try_get("name")?;

    let all = household_facts(&mut *conn, household).await?;
    // Believed membership periods (a corrected record is replaced by its correction).
    let periods: Vec<_> = all
        .iter()
        .filter(|f| f.superseded_at.is_none())
        .filter_map(|f| match f.value {
            FactValue::Member { person, role } => Some((person, role, f.valid)),
            _ => None,
        })
        .collect();
    let ids: BTreeSet<PersonId> = periods.iter().map(|(p, _, _)| *p).collect();
    let persons = persons_by_id(&mut *conn, &ids).await?;
    let person = |id: PersonId| {
        persons
            .iter()
            .find(|p| p.id == id)
            .cloned()
            .ok_or(StoreError::NotFound {
                what: "person",
                id: id.get(),
            })
    };
    let mut membership = Vec::with_capacity(periods.len());
    for (p, role, valid) in &periods {
        membership.push(MembershipView {
            person: person(*p)?,
            role: *role,
            from: valid.from,
            to: valid.to,
        });
    }
    membership.sort_by_key(|m| (m.from, m.person.id));
    let facts: Vec<_> = fact::as_of(&all, on, actor.at).into_iter().cloned().collect();
    let mut members = Vec::new();
    for f in &facts {
        if let FactValue::Member { person: p, role } = f.value {
            members.push(MemberView {
                person: person(p)?,
                role,
            });
        }
    }

    let applications = applications_of(&mut *conn, household).await?;
    let decisions = decisions_of(&mut *conn, household).await?;
    let payments = payments_of(&mut *conn, household).await?;
    let appeals = appeals_of_household(&mut *conn, household).await?;
    let claims = {
        let sql = format!("SELECT {CLAIM_COLUMNS} FROM claims WHERE household_id = $1 ORDER BY id");
        let rows = sqlx::query(&sql)
            .bind(household.get())
            .fetch_all(&mut *conn)
            .await?;
        rows.iter().map(claim_from_row).collect::<Result<Vec<_>>>()?
    };
    let journal = journal_of(&mut *conn, &ids).await?;
    let follow_ups = follow_ups_of(&mut *conn, household).await?;
    let mut named: BTreeSet<&str> = BTreeSet::new();
    named.extend(decisions.iter().map(|d| d.decided_by.as_str()));
    named.extend(journal.iter().map(|n| n.written_by.as_str()));
    for f in &follow_ups {
        named.insert(&f.created_by);
        if let Some((who, _)) = &f.done {
            named.insert(who);
        }
    }
    let names = display_names(&mut *conn, &named).await?;
    rx.finish().await?;

    let protected = persons.iter().any(|p| p.protection.is_protected());
    let detail = json!({ "household": household, "protected": protected });
    let entries = if ids.is_empty() {
        vec![(None, detail)]
    } else {
        ids.iter().map(|p| (Some(*p), detail.clone())).collect()
    };
    s.record_read(actor, "household.read", entries).await?;
    Ok(HouseholdOverview {
        id: household,
        unit,
        unit_name,
        members,
        membership,
        facts,
        applications,
        decisions,
        payments,
        appeals,
        claims,
        journal,
        follow_ups,
        names,
        on,
    })
}

/// The names of the staff and accounts among `who` (stored as `staff:12` or `account:3`), in two statements at
/// most. Anything else (`system:demo`, `person:7`) is left for the page to word.
async fn display_names(conn: &mut AnyConnection, who: &BTreeSet<&str>) -> Result<BTreeMap<String, String>> {
    let mut staff = BTreeSet::new();
    let mut accounts = BTreeSet::new();
    for w in who {
        if let Some(id) = w.strip_prefix("staff:").and_then(|n| n.parse::<i64>().ok()) {
            staff.insert(id);
        } else if let Some(id) = w.strip_prefix("account:").and_then(|n| n.parse::<i64>().ok()) {
            accounts.insert(id);
        }
    }
    let mut names = BTreeMap::new();
    for (prefix, ids, sql) in [
        ("staff", &staff, "SELECT id, name FROM staff WHERE id IN"),
        (
            "account",
            &accounts,
            "SELECT id, display_name AS name FROM accounts WHERE id IN",
        ),
    ] {
        if ids.is_empty() {
            continue;
        }
        // Parsed integers, never user text: safe to inline.
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        for r in sqlx::query(&format!("{sql} ({list})"))
            .fetch_all(&mut *conn)
            .await?
        {
            let id: i64 = r.try_get("id")?;
            names.insert(format!("{prefix}:{id}"), r.try_get("name")?);
        }
    }
    Ok(names)
}

/// Person ids are integers this store holds, never user text: safe to inline in an `IN` list.
fn id_list(ids: &BTreeSet<PersonId>) -> String {
    ids.iter()
        .map(|p| p.get().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

async fn persons_by_id(conn: &mut AnyConnection, ids: &BTreeSet<PersonId>) -> Result<Vec<PersonView>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, pnr, name, protection FROM persons WHERE id IN ({}) ORDER BY id",
        id_list(ids)
    );
    let rows = sqlx::query(&sql).fetch_all(conn).await?;
    rows.iter().map(person_from_row).collect()
}

async fn decisions_of(conn: &mut AnyConnection, household: HouseholdId) -> Result<Vec<DecisionSummary>> {
    // The lowest and highest item outcome decide the decision's overall outcome: equal means every item had it.
    let rows = sqlx::query(
        "SELECT d.id, d.application_id, d.replaces, d.total_granted, d.decided_by, d.decided_at, d.served_on, \
         MIN(i.outcome) AS lowest, MAX(i.outcome) AS highest \
         FROM decisions d JOIN applications a ON a.id = d.application_id \
         LEFT JOIN decision_items i ON i.decision_id = d.id \
         WHERE a.household_id = $1 \
         GROUP BY d.id, d.application_id, d.replaces, d.total_granted, d.decided_by, d.decided_at, d.served_on \
         ORDER BY d.id",
    )
    .bind(household.get())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let lowest: Option<String> = r.try_get("lowest")?;
            let highest: Option<String> = r.try_get("highest")?;
            let outcomes = [lowest, highest]
                .into_iter()
                .flatten()
                .map(|o| parse::<Outcome>(&o))
                .collect::<Result<Vec<_>>>()?;
            let served: Option<String> = r.try_get("served_on")?;
            Ok(DecisionSummary {
                id: DecisionId(r.try_get("id")?),
                application: ApplicationId(r.try_get("application_id")?),
                replaces: r.try_get::<Option<i64>, _>("replaces")?.map(DecisionId),
                outcome: Outcome::overall(outcomes),
                total_granted: Money::from_ore(r.try_get("total_granted")?),
                decided_by: r.try_get("decided_by")?,
                decided_at: from_micros(r.try_get("decided_at")?)?,
                served_on: served.as_deref().map(parse_date).transpose()?,
            })
        })
        .collect()
}

async fn payments_of(conn: &mut AnyConnection, household: HouseholdId) -> Result<Vec<PaymentSummary>> {
    let rows = sqlx::query(
        "SELECT p.decision_id, p.batch_id, p.amount, p.status, b.pay_date FROM payments p \
         JOIN payment_batches b ON b.id = p.batch_id \
         JOIN decisions d ON d.id = p.decision_id JOIN applications a ON a.id = d.application_id \
         WHERE a.household_id = $1 ORDER BY p.id",
    )
    .bind(household.get())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let status: String = r.try_get("status")?;
            let pay_date: String = r.try_get("pay_date")?;
            Ok(PaymentSummary {
                decision: DecisionId(r.try_get("decision_id")?),
                batch: BatchId(r.try_get("batch_id")?),
                amount: Money::from_ore(r.try_get("amount")?),
                status: parse::<PaymentStatus>(&status)?,
                pay_date: parse_date(&pay_date)?,
            })
        })
        .collect()
}

async fn appeals_of_household(conn: &mut AnyConnection, household: HouseholdId) -> Result<Vec<AppealView>> {
    let rows = sqlx::query(
        "SELECT ap.id, ap.decision_id, ap.received_on, ap.served_on, ap.status, ap.new_decision_id FROM appeals ap \
         JOIN decisions d ON d.id = ap.decision_id JOIN applications a ON a.id = d.application_id \
         WHERE a.household_id = $1 ORDER BY ap.id",
    )
    .bind(household.get())
    .fetch_all(conn)
    .await?;
    rows.iter().map(appeal_from_row).collect()
}

async fn journal_of(conn: &mut AnyConnection, persons: &BTreeSet<PersonId>) -> Result<Vec<NoteView>> {
    if persons.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, person_id, kind, refers_to, body, written_by, written_at FROM journal_notes \
         WHERE person_id IN ({}) ORDER BY id DESC",
        id_list(persons)
    );
    let rows = sqlx::query(&sql).fetch_all(conn).await?;
    rows.iter().map(note_from_row).collect()
}

async fn follow_ups_of(conn: &mut AnyConnection, household: HouseholdId) -> Result<Vec<FollowUpView>> {
    let sql = format!("SELECT {FOLLOW_UP_COLUMNS} FROM follow_ups WHERE household_id = $1");
    let rows = sqlx::query(&sql).bind(household.get()).fetch_all(conn).await?;
    let mut all = rows.iter().map(follow_up_from_row).collect::<Result<Vec<_>>>()?;
    // Open ones first, soonest due first; then done ones, most recently done first.
    all.sort_by(|a, b| match (&a.done, &b.done) {
        (None, None) => (a.due_on, a.id).cmp(&(b.due_on, b.id)),
        (None, Some(_)) => std::cmp::Ordering::Less,
        (Some(_), None) => std::cmp::Ordering::Greater,
        (Some((_, x)), Some((_, y))) => y.cmp(x),
    });
    Ok(all)
}
