//! Gallring per SoL 16 kap.: a dry-run report, then deletion of exactly the reported persons, both audited.
//!
//! The rules, as this store applies them on a date `on`:
//! - A person's *last activity* is the latest of: their last journal note, their last attached document, the last
//!   fact recorded about them, and their registration. Instants are turned into dates in UTC (at most a day from
//!   Swedish local time, which cannot matter for a five-year limit checked by date).
//! - A person is *due* when `on` is at or after the fifth anniversary of their last activity.
//! - *Research sample*: persons born on the 5th, 15th or 25th of a month (for a samordningsnummer, the real day)
//!   are kept.
//! - *Live data* (the person is kept): the person is named in any believed membership record of a household (whatever
//!   its validity period: when in doubt we keep) that has an application still open (received, under
//!   investigation or decided), an appeal still open on any of its decisions, or an återkrav claim with money still
//!   outstanding.
//! - Deleting a person deletes their journal notes, documents, facts that name them, and the person row. Households,
//!   applications, decisions and payments name no person and are kept (they are the board's accounts). The audit
//!   trail keeps the person's id (never their number or name) and is never deleted. Follow-ups (free text about a
//!   household) are deleted once no member of their household is left.

use std::collections::{BTreeMap, BTreeSet};

use domain::gallring::{is_due, is_research_sample};
use domain::{Actor, PersonId, Personnummer};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde_json::json;
use sqlx::{AnyConnection, Row};

use crate::error::{Result, StoreError};
use crate::model::{GallringOutcome, GallringReport};
use crate::sql::{SqlStore, date_text, from_micros};

/// Adds `(person, micros)` rows into the latest-activity map.
async fn latest(conn: &mut AnyConnection, sql: &str, into: &mut BTreeMap<i64, i64>) -> Result<()> {
    for row in sqlx::query(sql).fetch_all(conn).await? {
        let p: i64 = row.try_get("person_id")?;
        let at: i64 = row.try_get("last_at")?;
        into.entry(p)
            .and_modify(|cur| *cur = (*cur).max(at))
            .or_insert(at);
    }
    Ok(())
}

async fn compute(conn: &mut AnyConnection, on: Date) -> Result<GallringReport> {
    let mut last: BTreeMap<i64, i64> = BTreeMap::new();
    latest(
        conn,
        "SELECT id AS person_id, registered_at AS last_at FROM persons",
        &mut last,
    )
    .await?;
    latest(
        conn,
        "SELECT person_id, MAX(written_at) AS last_at FROM journal_notes GROUP BY person_id",
        &mut last,
    )
    .await?;
    latest(
        conn,
        "SELECT person_id, MAX(attached_at) AS last_at FROM documents GROUP BY person_id",
        &mut last,
    )
    .await?;
    latest(
        conn,
        "SELECT person_id, MAX(recorded_at) AS last_at FROM facts WHERE person_id IS NOT NULL GROUP BY person_id",
        &mut last,
    )
    .await?;
    let live: BTreeSet<i64> = sqlx::query(
        "SELECT DISTINCT f.person_id FROM facts f \
         WHERE f.person_id IS NOT NULL AND f.fact_key LIKE 'member:%' AND f.superseded_at IS NULL AND ( \
           EXISTS (SELECT 1 FROM applications a WHERE a.household_id = f.household_id \
                   AND a.status IN ('received', 'under_investigation', 'decided')) \
           OR EXISTS (SELECT 1 FROM claims c WHERE c.household_id = f.household_id AND c.outstanding > 0) \
           OR EXISTS (SELECT 1 FROM appeals ap JOIN decisions d ON d.id = ap.decision_id \
                      JOIN applications a ON a.id = d.application_id \
                      WHERE a.household_id = f.household_id \
                      AND ap.status IN ('received', 'in_time', 'forwarded_to_court')))",
    )
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| r.try_get::<i64, _>("person_id"))
    .collect::<Result<_, _>>()?;
    let mut report = GallringReport {
        on,
        due: vec![],
        kept_for_research: vec![],
        kept_live: vec![],
    };
    let persons = sqlx::query("SELECT id, pnr FROM persons ORDER BY id")
        .fetch_all(&mut *conn)
        .await?;
    for row in persons {
        let id: i64 = row.try_get("id")?;
        let pnr: String = row.try_get("pnr")?;
        let Some(&last_at) = last.get(&id) else { continue };
        let last_day = from_micros(last_at)?.to_zoned(TimeZone::UTC).date();
        if !is_due(last_day, on) {
            continue;
        }
        let birth = Personnummer::from_canonical(&pnr)
            .map_err(StoreError::corrupt)?
            .birth_date();
        if is_research_sample(birth) {
            report.kept_for_research.push(PersonId(id));
        } else if live.contains(&id) {
            report.kept_live.push(PersonId(id));
        } else {
            report.due.push(PersonId(id));
        }
    }
    Ok(report)
}

pub(crate) async fn report(s: &SqlStore, actor: &Actor, on: Date) -> Result<GallringReport> {
    let mut tx = s.begin().await?;
    let report = compute(tx.conn(), on).await?;
    tx.audit(
        actor,
        "gallring.report",
        None,
        json!({
            "on": date_text(on),
            "due": report.due,
            "kept_for_research": report.kept_for_research.len(),
            "kept_live": report.kept_live.len(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

pub(crate) async fn execute(
    s: &SqlStore,
    actor: &Actor,
    expected: &GallringReport,
) -> Result<GallringOutcome> {
    let mut tx = s.begin().await?;
    let now = compute(tx.conn(), expected.on).await?;
    if now.due != expected.due {
        return Err(StoreError::Conflict(
            "uppgifterna har ändrats sedan gallringsrapporten; gör en ny rapport",
        ));
    }
    let mut outcome = GallringOutcome {
        persons: 0,
        notes: 0,
        documents: 0,
        facts: 0,
    };
    for person in &now.due {
        let mut counts = [0_u64; 3];
        for (i, table) in ["journal_notes", "documents", "facts"].into_iter().enumerate() {
            let sql = format!("DELETE FROM {table} WHERE person_id = $1");
            let n = sqlx::query(&sql)
                .bind(person.get())
                .execute(tx.conn())
                .await?
                .rows_affected();
            if let Some(c) = counts.get_mut(i) {
                *c = n;
            }
        }
        sqlx::query("DELETE FROM persons WHERE id = $1")
            .bind(person.get())
            .execute(tx.conn())
            .await?;
        let [notes, documents, facts] = counts.map(|c| i64::try_from(c).unwrap_or(i64::MAX));
        tx.audit(
            actor,
            "gallring.delete",
            Some(*person),
            json!({ "on": date_text(expected.on), "notes": notes, "documents": documents, "facts": facts }),
        )
        .await?;
        outcome.persons += 1;
        outcome.notes += notes;
        outcome.documents += documents;
        outcome.facts += facts;
    }
    // A follow-up's reason is free text about the household: it goes when nobody of the household is left.
    let follow_ups = sqlx::query(
        "DELETE FROM follow_ups WHERE household_id NOT IN \
         (SELECT household_id FROM facts WHERE person_id IS NOT NULL)",
    )
    .execute(tx.conn())
    .await?
    .rows_affected();
    tx.audit(
        actor,
        "gallring.execute",
        None,
        json!({ "on": date_text(expected.on), "persons": outcome.persons, "follow_ups": follow_ups }),
    )
    .await?;
    tx.commit().await?;
    Ok(outcome)
}
