//! Gallring per SoL 16 kap.: a dry-run report, then the run itself on exactly the reported persons and households,
//! both audited with counts only (a gallring record names nobody).
//!
//! The rules, as this store applies them on a date `on`:
//! - A person's *last activity* is the latest of: their last journal note, their last attached document, the last
//!   fact recorded about them, and their registration. Instants are turned into dates in UTC (at most a day from
//!   Swedish local time, which cannot matter for a five-year limit checked by date).
//! - A person is *due* when `on` is at or after the fifth anniversary of their last activity.
//! - *Research sample*: persons born on the 5th, 15th or 25th of a month (for a samordningsnummer, the real day)
//!   are kept whole, log records included.
//! - *Live data* (the person is kept): the person is named in any believed membership record of a household (whatever
//!   its validity period: when in doubt we keep) that has an application still open (received, under
//!   investigation or decided), an appeal still open on any of its decisions, or an återkrav claim with money still
//!   outstanding.
//! - Deleting a person deletes their journal notes, documents, facts that name them, protected-identity grants,
//!   their e-service account (with its sessions, external identities, units, grants and sign-in attempts) and the
//!   person row.
//! - A *household* is gallrad when none of its persons (anyone a fact of it has ever named) is left after the run,
//!   nothing of it is live, and `on` is at least five years after its registration and its last application. Each
//!   application becomes a statistics row (`household_month_statistics`: month, unit, adults, children, household
//!   type, status, granted and paid amounts); the declarations, frozen calculations, decision reasons, appeal
//!   grounds, claim reasons, follow-ups, the household's remaining facts and documents go. The household,
//!   applications, decisions, decision items (what and under which law), payments and claims stay: they are the
//!   board's accounts and hold no person.
//! - *Logs*: a record of either log about a gallrad person (its subject, or the person acting in the e-service)
//!   loses its content once it is older than the policy's log retention; its place, `at`, digest and hash stay, so
//!   both chains still verify. A gallrad person's id waits in `gallring_log_pending` while records about them keep
//!   their content, and is then forgotten too.

use std::collections::{BTreeMap, BTreeSet};

use domain::fact::FactValue;
use domain::gallring::{HouseholdShape, is_due, is_research_sample, log_cutoff};
use domain::{Actor, HouseholdId, PersonId, Personnummer};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use norm::Month;
use serde_json::json;
use sqlx::{AnyConnection, Row};

use crate::error::{Result, StoreError};
use crate::model::{AuditLog, AuditVerdict, GallringOutcome, GallringPolicy, GallringReport};
use crate::sql::{SqlStore, date_text, from_micros, micros, parse, parse_date};

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

/// `(id)` rows of a query, as a set.
async fn ids(conn: &mut AnyConnection, sql: &str) -> Result<BTreeSet<i64>> {
    sqlx::query(sql)
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| r.try_get::<i64, _>("id").map_err(StoreError::from))
        .collect()
}

/// Households with live data: an open application, an open appeal, or an återkrav claim with money outstanding.
const LIVE_HOUSEHOLDS: &str = "SELECT h.id FROM households h WHERE \
       EXISTS (SELECT 1 FROM applications a WHERE a.household_id = h.id \
               AND a.status IN ('received', 'under_investigation', 'decided')) \
       OR EXISTS (SELECT 1 FROM claims c WHERE c.household_id = h.id AND c.outstanding > 0) \
       OR EXISTS (SELECT 1 FROM appeals ap JOIN decisions d ON d.id = ap.decision_id \
                  JOIN applications a ON a.id = d.application_id \
                  WHERE a.household_id = h.id \
                  AND ap.status IN ('received', 'in_time', 'forwarded_to_court'))";

/// The cutoff instant of the logs (microseconds): records before it are old enough to lose their content.
fn log_cutoff_micros(on: Date, policy: GallringPolicy) -> Result<i64> {
    let day = log_cutoff(on, policy.log_retention_years).ok_or(StoreError::Domain(
        domain::DomainError::Invalid {
            field: "loggarnas gallringsfrist",
            reason: "antalet år ska vara noll eller fler",
        },
    ))?;
    let instant = day
        .to_zoned(TimeZone::UTC)
        .map_err(StoreError::corrupt)?
        .timestamp();
    Ok(micros(instant))
}

async fn compute(conn: &mut AnyConnection, on: Date, policy: GallringPolicy) -> Result<GallringReport> {
    let cutoff = log_cutoff_micros(on, policy)?;
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
    // The ladder work about a person is activity too (issue #13).
    for sql in [
        "SELECT person_id, MAX(recorded_at) AS last_at FROM assessments GROUP BY person_id",
        "SELECT person_id, MAX(created_at) AS last_at FROM plans GROUP BY person_id",
        "SELECT person_id, MAX(recorded_at) AS last_at FROM ladder_exits GROUP BY person_id",
        "SELECT person_id, MAX(recorded_at) AS last_at FROM adult_month_reasons GROUP BY person_id",
    ] {
        latest(conn, sql, &mut last).await?;
    }
    let live_households = ids(conn, LIVE_HOUSEHOLDS).await?;
    let mut members: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    let mut live: BTreeSet<i64> = BTreeSet::new();
    for row in sqlx::query(
        "SELECT DISTINCT household_id, person_id, \
         CASE WHEN fact_key LIKE 'member:%' AND superseded_at IS NULL THEN 1 ELSE 0 END AS believed_member \
         FROM facts WHERE person_id IS NOT NULL",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        let h: i64 = row.try_get("household_id")?;
        let p: i64 = row.try_get("person_id")?;
        let member: i64 = row.try_get("believed_member")?;
        members.entry(h).or_default().insert(p);
        if member == 1 && live_households.contains(&h) {
            live.insert(p);
        }
    }
    let mut report = GallringReport {
        on,
        policy,
        due: vec![],
        kept_for_research: vec![],
        kept_live: vec![],
        households: vec![],
        change_records: 0,
        read_records: 0,
    };
    let persons = sqlx::query("SELECT id, pnr FROM persons ORDER BY id")
        .fetch_all(&mut *conn)
        .await?;
    let mut remaining: BTreeSet<i64> = BTreeSet::new();
    for row in persons {
        let id: i64 = row.try_get("id")?;
        let pnr: String = row.try_get("pnr")?;
        remaining.insert(id);
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
            remaining.remove(&id);
        }
    }
    // Households: nobody of theirs left after this run, nothing live, and their own last activity five years back.
    let mut household_last: BTreeMap<i64, Date> = BTreeMap::new();
    for row in sqlx::query("SELECT id, registered_at FROM households WHERE gallrad_on IS NULL")
        .fetch_all(&mut *conn)
        .await?
    {
        let registered = from_micros(row.try_get("registered_at")?)?
            .to_zoned(TimeZone::UTC)
            .date();
        household_last.insert(row.try_get("id")?, registered);
    }
    for row in sqlx::query(
        "SELECT household_id, MAX(received_on) AS last_on FROM applications GROUP BY household_id",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        let h: i64 = row.try_get("household_id")?;
        let received = parse_date(&row.try_get::<String, _>("last_on")?)?;
        if let Some(d) = household_last.get_mut(&h) {
            *d = (*d).max(received);
        }
    }
    for (h, last_day) in household_last {
        let nobody_left = members
            .get(&h)
            .is_none_or(|ps| ps.iter().all(|p| !remaining.contains(p)));
        if nobody_left && !live_households.contains(&h) && is_due(last_day, on) {
            report.households.push(HouseholdId(h));
        }
    }
    // Log records: those of the persons due now, and of persons gallrad earlier whose records were too young.
    let mut whose: Vec<(i64, Option<i64>)> = report.due.iter().map(|p| (p.get(), None)).collect();
    whose.extend(pending(conn).await?.into_iter().map(|(p, at)| (p, Some(at))));
    let (changes, reads) = redact_logs(conn, &whose, cutoff, false).await?;
    report.change_records = changes;
    report.read_records = reads;
    Ok(report)
}

/// Gallrad persons whose log records were not all old enough yet, with the instant they were gallrad.
async fn pending(conn: &mut AnyConnection) -> Result<Vec<(i64, i64)>> {
    sqlx::query("SELECT person_id, gallrad_at FROM gallring_log_pending ORDER BY person_id")
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("person_id")?, r.try_get("gallrad_at")?)))
        .collect()
}

/// Counts (`write` false) or removes the content of (`write` true) the log records about `whose` (person id, and
/// the instant they were gallrad: records after it are about someone else who got the id) older than `cutoff`.
/// Returns (change-log records, read-log records).
async fn redact_logs(
    conn: &mut AnyConnection,
    whose: &[(i64, Option<i64>)],
    cutoff: i64,
    write: bool,
) -> Result<(i64, i64)> {
    let mut counts = [0_i64; 2];
    for (i, log) in [AuditLog::Changes, AuditLog::Reads].into_iter().enumerate() {
        let table = log.table();
        for &(person, gallrad_at) in whose {
            let until = gallrad_at.map_or(cutoff, |g| g.saturating_add(1).min(cutoff));
            // Two statements, so that each uses its index (subject, actor); the second leaves out what the first
            // has (a person acting on their own case is its subject too), so that a count is what a run changes.
            for (column, other) in [
                ("subject_person", ""),
                ("actor", " AND (subject_person IS NULL OR subject_person <> $3)"),
            ] {
                let filter = format!("WHERE {column} = $1 AND at < $2{other}");
                let sql = if write {
                    format!(
                        "UPDATE {table} SET actor = NULL, action = NULL, subject_person = NULL, page = NULL, \
                         detail_json = NULL {filter}"
                    )
                } else {
                    format!("SELECT COUNT(*) AS n FROM {table} {filter}")
                };
                let q = sqlx::query(&sql);
                let q = if column == "actor" {
                    q.bind(format!("person:{person}")).bind(until).bind(person)
                } else {
                    q.bind(person).bind(until)
                };
                let n = if write {
                    i64::try_from(q.execute(&mut *conn).await?.rows_affected()).unwrap_or(i64::MAX)
                } else {
                    q.fetch_one(&mut *conn).await?.try_get::<i64, _>("n")?
                };
                if let Some(c) = counts.get_mut(i) {
                    *c += n;
                }
            }
        }
    }
    let [changes, reads] = counts;
    Ok((changes, reads))
}

pub(crate) async fn report(
    s: &SqlStore,
    actor: &Actor,
    on: Date,
    policy: GallringPolicy,
) -> Result<GallringReport> {
    let mut tx = s.begin().await?;
    let report = compute(tx.conn(), on, policy).await?;
    tx.audit(actor, "gallring.report", None, report_detail(&report))
        .await?;
    tx.commit().await?;
    Ok(report)
}

/// The audit detail of a report: counts only, so that the log names no gallrad person.
fn report_detail(report: &GallringReport) -> serde_json::Value {
    json!({
        "on": date_text(report.on),
        "log_retention_years": report.policy.log_retention_years,
        "due": report.due.len(),
        "kept_for_research": report.kept_for_research.len(),
        "kept_live": report.kept_live.len(),
        "households": report.households.len(),
        "change_records": report.change_records,
        "read_records": report.read_records,
    })
}

/// Deletes one person and everything that is theirs; returns (notes, documents, facts, accounts) deleted.
async fn delete_person(conn: &mut AnyConnection, person: PersonId) -> Result<[i64; 4]> {
    let accounts = sqlx::query("SELECT id, username FROM accounts WHERE person_id = $1")
        .bind(person.get())
        .fetch_all(&mut *conn)
        .await?;
    for account in &accounts {
        let id: i64 = account.try_get("id")?;
        let username: String = account.try_get("username")?;
        for table in [
            "sessions",
            "external_identities",
            "account_units",
            "protected_grants",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE account_id = $1"))
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
        sqlx::query("DELETE FROM login_attempts WHERE username = $1")
            .bind(username)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM accounts WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("DELETE FROM protected_grants WHERE person_id = $1")
        .bind(person.get())
        .execute(&mut *conn)
        .await?;
    delete_ladder_work(conn, "person_id", person.get()).await?;
    let mut counts = [0_i64; 4];
    for (i, table) in ["journal_notes", "documents", "facts"].into_iter().enumerate() {
        let n = sqlx::query(&format!("DELETE FROM {table} WHERE person_id = $1"))
            .bind(person.get())
            .execute(&mut *conn)
            .await?
            .rows_affected();
        if let Some(c) = counts.get_mut(i) {
            *c = i64::try_from(n).unwrap_or(i64::MAX);
        }
    }
    if let Some(c) = counts.get_mut(3) {
        *c = i64::try_from(accounts.len()).unwrap_or(i64::MAX);
    }
    sqlx::query("DELETE FROM persons WHERE id = $1")
        .bind(person.get())
        .execute(&mut *conn)
        .await?;
    Ok(counts)
}

/// Deletes the ladder work (issue #13) recorded about a person or under a household (`column` is `person_id` or
/// `household_id`): sanction proposals, attendance, activities, plans, assessments, exits and the register's reasons.
/// Nothing of it is kept as statistics: the months are.
async fn delete_ladder_work(conn: &mut AnyConnection, column: &'static str, id: i64) -> Result<()> {
    let plans = format!("SELECT id FROM plans WHERE {column} = $1");
    let activities = format!("SELECT id FROM activities WHERE plan_id IN ({plans})");
    for sql in [
        format!("DELETE FROM sanction_proposals WHERE {column} = $1 OR activity_id IN ({activities})"),
        format!("DELETE FROM attendance WHERE activity_id IN ({activities})"),
        format!("DELETE FROM activities WHERE plan_id IN ({plans})"),
        format!("DELETE FROM plans WHERE {column} = $1"),
        format!("DELETE FROM assessments WHERE {column} = $1"),
        format!("DELETE FROM ladder_exits WHERE {column} = $1"),
        format!("DELETE FROM adult_month_reasons WHERE {column} = $1"),
    ] {
        sqlx::query(&sql).bind(id).execute(&mut *conn).await?;
    }
    Ok(())
}

/// The household's size in a month: the frozen calculation's input, else the declaration, else the believed
/// membership facts valid on the month's first day.
async fn shape_of(
    conn: &mut AnyConnection,
    household: i64,
    month: Month,
    stored: [Option<String>; 2],
) -> Result<HouseholdShape> {
    if let Some(shape) = stored
        .iter()
        .flatten()
        .find_map(|t| HouseholdShape::from_stored_json(t))
    {
        return Ok(shape);
    }
    let first = format!("{:04}-{:02}-01", month.year(), month.month());
    let rows = sqlx::query(
        "SELECT value_json FROM facts WHERE household_id = $1 AND fact_key LIKE 'member:%' \
         AND superseded_at IS NULL AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2)",
    )
    .bind(household)
    .bind(first)
    .fetch_all(&mut *conn)
    .await?;
    let mut roles = vec![];
    for row in rows {
        let value: FactValue =
            serde_json::from_str(&row.try_get::<String, _>("value_json")?).map_err(StoreError::corrupt)?;
        if let FactValue::Member { role, .. } = value {
            roles.push(role);
        }
    }
    Ok(HouseholdShape::from_roles(roles))
}

/// Keeps each month of the household as a statistics row; returns how many.
async fn keep_statistics(conn: &mut AnyConnection, household: HouseholdId) -> Result<i64> {
    let apps = sqlx::query(
        "SELECT a.id, a.month, a.status, a.request_json, h.unit_id, d.calculation_json, d.total_granted \
         FROM applications a JOIN households h ON h.id = a.household_id \
         LEFT JOIN decisions d ON d.id = a.current_decision_id \
         WHERE a.household_id = $1 ORDER BY a.month",
    )
    .bind(household.get())
    .fetch_all(&mut *conn)
    .await?;
    let mut n = 0;
    for app in apps {
        let id: i64 = app.try_get("id")?;
        let month_text: String = app.try_get("month")?;
        let month: Month = parse(&month_text)?;
        let shape = shape_of(
            conn,
            household.get(),
            month,
            [app.try_get("calculation_json")?, app.try_get("request_json")?],
        )
        .await?;
        let paid = sqlx::query(
            "SELECT CAST(COALESCE(SUM(p.amount), 0) AS BIGINT) AS paid FROM payments p \
             JOIN decisions d ON d.id = p.decision_id WHERE d.application_id = $1 AND p.status = 'exported'",
        )
        .bind(id)
        .fetch_one(&mut *conn)
        .await?
        .try_get::<i64, _>("paid")?;
        sqlx::query(
            "INSERT INTO household_month_statistics \
             (application_id, household_id, unit_id, month, adults, children, household_type, status, granted, paid) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id)
        .bind(household.get())
        .bind(app.try_get::<i64, _>("unit_id")?)
        .bind(month_text)
        .bind(shape.adults)
        .bind(shape.children)
        .bind(shape.household_type().as_str())
        .bind(app.try_get::<String, _>("status")?)
        .bind(app.try_get::<Option<i64>, _>("total_granted")?.unwrap_or(0))
        .bind(paid)
        .execute(&mut *conn)
        .await?;
        n += 1;
    }
    Ok(n)
}

/// Removes everything of a household's case file but its accounts (see the module's rules).
/// The stored codes of the purposes whose item descriptions are free text.
const LIVSFORING: &str =
    "'tandvard', 'glasogon', 'mobler_hemutrustning', 'lakarvard_medicin', 'ovrig_livsforing'";

async fn gallra_household(conn: &mut AnyConnection, household: HouseholdId, on: Date) -> Result<()> {
    const APPS: &str = "SELECT id FROM applications WHERE household_id = $1";
    const DECISIONS: &str = "SELECT d.id FROM decisions d JOIN applications a ON a.id = d.application_id \
                             WHERE a.household_id = $1";
    for sql in [
        "UPDATE applications SET request_json = NULL WHERE household_id = $1".to_owned(),
        format!("UPDATE decisions SET calculation_json = NULL WHERE application_id IN ({APPS})"),
        format!("UPDATE decision_items SET reasons = '' WHERE decision_id IN ({DECISIONS})"),
        // A need for livsföring i övrigt is described in the caseworker's words; its purpose stays (statistics).
        format!(
            "UPDATE decision_items SET what = '' WHERE purpose IN ({LIVSFORING}) AND decision_id IN ({DECISIONS})"
        ),
        format!("DELETE FROM application_corrections WHERE application_id IN ({APPS})"),
        format!("UPDATE appeals SET grounds = NULL WHERE decision_id IN ({DECISIONS})"),
        format!(
            "DELETE FROM appeal_additions WHERE appeal_id IN \
             (SELECT id FROM appeals WHERE decision_id IN ({DECISIONS}))"
        ),
        format!("UPDATE appeals SET court_reasons = NULL WHERE decision_id IN ({DECISIONS})"),
        format!(
            "UPDATE decision_changes SET reasons = '', ground_statement = NULL WHERE decision_id IN ({DECISIONS})"
        ),
        "UPDATE claims SET reason = '' WHERE household_id = $1".to_owned(),
        "DELETE FROM follow_ups WHERE household_id = $1".to_owned(),
        format!("DELETE FROM documents WHERE application_id IN ({APPS})"),
        "DELETE FROM facts WHERE household_id = $1".to_owned(),
    ] {
        sqlx::query(&sql)
            .bind(household.get())
            .execute(&mut *conn)
            .await?;
    }
    delete_ladder_work(conn, "household_id", household.get()).await?;
    sqlx::query("UPDATE households SET gallrad_on = $1 WHERE id = $2")
        .bind(date_text(on))
        .bind(household.get())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) async fn execute(
    s: &SqlStore,
    actor: &Actor,
    expected: &GallringReport,
) -> Result<GallringOutcome> {
    // Content is removed only from logs that verify: gallring must not hide a tampered record behind a removal.
    for verdict in [
        crate::audit::verify(s, AuditLog::Changes).await?,
        crate::audit::verify(s, AuditLog::Reads).await?,
    ] {
        if let AuditVerdict::Broken { .. } = verdict {
            return Err(StoreError::Conflict(
                "en loggkedja är bruten; gallra inte förrän det är utrett (stegvis audit verify)",
            ));
        }
    }
    // The read log is changed too: hold its writer turn, so that no group commit waits on our lock meanwhile.
    let _reads = s.read_log_turn().await;
    let mut tx = s.begin().await?;
    let now = compute(tx.conn(), expected.on, expected.policy).await?;
    if now.due != expected.due || now.households != expected.households {
        return Err(StoreError::Conflict(
            "uppgifterna har ändrats sedan gallringsrapporten; gör en ny rapport",
        ));
    }
    let mut outcome = GallringOutcome {
        persons: 0,
        notes: 0,
        documents: 0,
        facts: 0,
        accounts: 0,
        households: 0,
        statistics: 0,
        change_records: 0,
        read_records: 0,
    };
    // Statistics first: a month's size may come from the membership facts that go with the persons.
    for household in &now.households {
        outcome.statistics += keep_statistics(tx.conn(), *household).await?;
    }
    let gallrad_at = micros(actor.at);
    for person in &now.due {
        let [notes, documents, facts, accounts] = delete_person(tx.conn(), *person).await?;
        sqlx::query("INSERT INTO gallring_log_pending (person_id, gallrad_at) VALUES ($1, $2)")
            .bind(person.get())
            .bind(gallrad_at)
            .execute(tx.conn())
            .await?;
        outcome.persons += 1;
        outcome.notes += notes;
        outcome.documents += documents;
        outcome.facts += facts;
        outcome.accounts += accounts;
    }
    for household in &now.households {
        gallra_household(tx.conn(), *household, expected.on).await?;
        outcome.households += 1;
    }
    let cutoff = log_cutoff_micros(expected.on, expected.policy)?;
    let whose: Vec<(i64, Option<i64>)> = pending(tx.conn())
        .await?
        .into_iter()
        .map(|(p, at)| (p, Some(at)))
        .collect();
    let (changes, reads) = redact_logs(tx.conn(), &whose, cutoff, true).await?;
    outcome.change_records = changes;
    outcome.read_records = reads;
    // A person is forgotten once no record about them keeps its content (nothing new can be written about them).
    for (person, gallrad_at) in whose {
        if redact_logs(tx.conn(), &[(person, gallrad_at)], i64::MAX, false).await? == (0, 0) {
            sqlx::query("DELETE FROM gallring_log_pending WHERE person_id = $1")
                .bind(person)
                .execute(tx.conn())
                .await?;
        }
    }
    tx.audit(
        actor,
        "gallring.execute",
        None,
        json!({
            "on": date_text(expected.on),
            "log_retention_years": expected.policy.log_retention_years,
            "persons": outcome.persons,
            "notes": outcome.notes,
            "documents": outcome.documents,
            "facts": outcome.facts,
            "accounts": outcome.accounts,
            "households": outcome.households,
            "statistics": outcome.statistics,
            "change_records": outcome.change_records,
            "read_records": outcome.read_records,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(outcome)
}
