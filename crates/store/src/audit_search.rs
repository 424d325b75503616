//! The auditor's reads of the access log: a filtered, paginated search and the log extract for one person. Both
//! are themselves audited (`audit.search`, `audit.extract`), in the same transaction as the read.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

use domain::{Actor, HouseholdId, PersonId, Personnummer};
use jiff::Timestamp;
use serde_json::json;
use sqlx::Row;

use crate::audit::{both_logs, record_from_row};
use crate::error::Result;
use crate::model::{AuditLog, AuditRecord};
use crate::names::{ActorName, HouseholdPerson, PersonName, actor_names, household_people, person_names};
use crate::sql::{SqlStore, micros};

/// The most records one search page returns, whatever the caller asks for.
pub const MAX_PAGE: i64 = 500;

/// Who the searched records are about: a person id, or a personnummer resolved to one inside the search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectRef {
    Id(PersonId),
    Pnr(Personnummer),
}

/// A search of the audit log. Every filter that is set must match; unset filters match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Records whose `subject_person` is this person.
    pub subject: Option<SubjectRef>,
    /// The `actor` column exactly, e.g. `staff:12`, `account:3`, `person:7`.
    pub actor: Option<String>,
    /// Records whose action starts with this text, e.g. `auth.` or `household.read`.
    pub action_prefix: Option<String>,
    /// From this instant (inclusive).
    pub from: Option<Timestamp>,
    /// Up to this instant (exclusive).
    pub to: Option<Timestamp>,
    /// Page size, clamped to 1..=[`MAX_PAGE`].
    pub limit: i64,
    pub offset: i64,
}

/// One page of search results, newest first, and how many records match in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPage {
    pub records: Vec<AuditRecord>,
    pub total: i64,
    /// The person the subject filter resolved to (`None` if no filter, or no such personnummer).
    pub subject: Option<PersonId>,
    /// The names the records refer to, read with them (for the application core to mask).
    pub names: LogNames,
}

/// Whom a page of log records names: the actors, the subject persons, and the households in the details. Read in
/// the same transaction as the records and covered by its `audit.search` / `audit.extract` record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogNames {
    pub actors: Vec<ActorName>,
    pub persons: Vec<PersonName>,
    pub households: BTreeMap<HouseholdId, Vec<HouseholdPerson>>,
}

/// The households a record's detail names (`household`, or the list `households`).
pub fn detail_households(detail: &str) -> Vec<i64> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(detail) else {
        return Vec::new();
    };
    let mut out: Vec<i64> = value
        .get("household")
        .and_then(serde_json::Value::as_i64)
        .into_iter()
        .collect();
    if let Some(list) = value.get("households").and_then(serde_json::Value::as_array) {
        out.extend(list.iter().filter_map(serde_json::Value::as_i64));
    }
    out
}

/// The names for these records (see [`LogNames`]).
async fn log_names(conn: &mut sqlx::AnyConnection, records: &[AuditRecord]) -> Result<LogNames> {
    let actors = actor_names(&mut *conn, records.iter().map(|r| r.actor.as_str())).await?;
    let persons: BTreeSet<i64> = records
        .iter()
        .filter_map(|r| r.subject_person.map(PersonId::get))
        .collect();
    let persons = person_names(&mut *conn, &persons).await?;
    let households: BTreeSet<i64> = records
        .iter()
        .flat_map(|r| detail_households(&r.detail_json))
        .collect();
    let households = household_people(&mut *conn, &households).await?;
    Ok(LogNames {
        actors,
        persons,
        households,
    })
}

/// The log extract for one person, oldest first. It holds every record whose subject is the person, and every
/// record whose detail names (as `household`, or in the list `households`) a household the person has ever been
/// recorded as a member of: the work-queue listings that showed their name, decisions, payments and other changes
/// to the household's case. Records about other members of the household alone (with them as subject) are not
/// included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonExtract {
    pub person: PersonId,
    pub households: Vec<HouseholdId>,
    pub records: Vec<AuditRecord>,
    /// The names the records refer to (the person's own among them), read with them.
    pub names: LogNames,
}

pub trait AuditSearch: Send + Sync {
    /// Searches the log, newest first (audited as `audit.search` with the filters, never a personnummer).
    fn search_audit(
        &self,
        actor: &Actor,
        query: &AuditQuery,
    ) -> impl Future<Output = Result<AuditPage>> + Send;
    /// The log extract for one person (audited as `audit.extract`). An unknown person is `NotFound`.
    fn audit_extract(
        &self,
        actor: &Actor,
        person: PersonId,
    ) -> impl Future<Output = Result<PersonExtract>> + Send;
    /// The staff and staff-side accounts by name, for choosing whose actions to search (no applicants, so no
    /// personal data of theirs and no audit record).
    fn log_actors(&self) -> impl Future<Output = Result<Vec<ActorName>>> + Send;
}

/// A bound value of the dynamically built search.
enum Bind {
    Int(i64),
    Text(String),
}

/// `LIKE` pattern for a prefix, with the wildcards of the user's text escaped (escape character `\`).
fn prefix_pattern(prefix: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + 1);
    for c in prefix.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Does a record's detail name one of these households?
fn names_household(detail: &str, households: &BTreeSet<i64>) -> bool {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(detail) else {
        return false;
    };
    let single = value
        .get("household")
        .and_then(serde_json::Value::as_i64)
        .is_some_and(|h| households.contains(&h));
    let listed = value
        .get("households")
        .and_then(serde_json::Value::as_array)
        .is_some_and(|list| {
            list.iter()
                .filter_map(serde_json::Value::as_i64)
                .any(|h| households.contains(&h))
        });
    single || listed
}

impl AuditSearch for SqlStore {
    async fn search_audit(&self, actor: &Actor, query: &AuditQuery) -> Result<AuditPage> {
        let mut tx = self.begin().await?;
        let subject = match &query.subject {
            None => None,
            Some(SubjectRef::Id(p)) => Some(Some(*p)),
            Some(SubjectRef::Pnr(pnr)) => Some(
                sqlx::query("SELECT id FROM persons WHERE pnr = $1")
                    .bind(pnr.canonical())
                    .fetch_optional(tx.conn())
                    .await?
                    .map(|r| r.try_get::<i64, _>("id").map(PersonId))
                    .transpose()?,
            ),
        };
        let mut conditions = Vec::new();
        let mut binds = Vec::new();
        if subject == Some(None) {
            // A personnummer nobody has: nothing matches.
            conditions.push("1 = 0".to_owned());
        }
        let mut add = |condition: &str, bind: Bind| {
            binds.push(bind);
            conditions.push(condition.replace('?', &format!("${}", binds.len())));
        };
        if let Some(Some(p)) = subject {
            add("subject_person = ?", Bind::Int(p.get()));
        }
        if let Some(a) = query.actor.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            add("actor = ?", Bind::Text(a.to_owned()));
        }
        if let Some(p) = query
            .action_prefix
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            add("action LIKE ? ESCAPE '\\'", Bind::Text(prefix_pattern(p)));
        }
        if let Some(from) = query.from {
            add("at >= ?", Bind::Int(micros(from)));
        }
        if let Some(to) = query.to {
            add("at < ?", Bind::Int(micros(to)));
        }
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conditions.join(" AND "))
        };
        let limit = query.limit.clamp(1, MAX_PAGE);
        let offset = query.offset.max(0);

        let count_sql = format!(
            "SELECT (SELECT COUNT(*) FROM {}{filter}) + (SELECT COUNT(*) FROM {}{filter}) AS n",
            AuditLog::Changes.table(),
            AuditLog::Reads.table()
        );
        let mut count = sqlx::query(&count_sql);
        for b in &binds {
            count = match b {
                Bind::Int(i) => count.bind(*i),
                Bind::Text(t) => count.bind(t.clone()),
            };
        }
        let total: i64 = count.fetch_one(tx.conn()).await?.try_get("n")?;

        let n = binds.len();
        let list_sql = format!(
            "{} ORDER BY at DESC, log DESC, seq DESC LIMIT ${} OFFSET ${}",
            both_logs(&filter),
            n + 1,
            n + 2
        );
        let mut list = sqlx::query(&list_sql);
        for b in &binds {
            list = match b {
                Bind::Int(i) => list.bind(*i),
                Bind::Text(t) => list.bind(t.clone()),
            };
        }
        let rows = list.bind(limit).bind(offset).fetch_all(tx.conn()).await?;
        let records = rows.iter().map(record_from_row).collect::<Result<Vec<_>>>()?;

        let subject = subject.flatten();
        let names = log_names(tx.conn(), &records).await?;
        tx.audit(
            actor,
            "audit.search",
            subject,
            json!({
                "actor": query.actor,
                "action": query.action_prefix,
                "from": query.from.map(micros),
                "to": query.to.map(micros),
                "offset": offset,
                "records": records.len(),
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(AuditPage {
            records,
            total,
            subject,
            names,
        })
    }

    async fn log_actors(&self) -> Result<Vec<ActorName>> {
        let mut conn = self.pool().acquire().await?;
        crate::names::staff_actors(&mut conn).await
    }

    async fn audit_extract(&self, actor: &Actor, person: PersonId) -> Result<PersonExtract> {
        let mut tx = self.begin().await?;
        crate::sql::require(tx.conn(), "persons", "person", person.get()).await?;
        let households: BTreeSet<i64> = sqlx::query(
            "SELECT DISTINCT household_id FROM facts WHERE fact_key LIKE 'member:%' AND person_id = $1",
        )
        .bind(person.get())
        .fetch_all(tx.conn())
        .await?
        .iter()
        .map(|r| r.try_get::<i64, _>("household_id"))
        .collect::<std::result::Result<_, _>>()?;
        // Candidates by SQL (a cheap text match on the compact JSON the chain stores: `"household":4,` or
        // `"household":4}`, and any list of households), the exact test on the parsed detail in Rust: the JSON
        // functions of SQLite and PostgreSQL differ. Household ids are integers read above, never user text.
        let mut candidates = vec![
            "subject_person = $1".to_owned(),
            "detail_json LIKE '%\"households\":[%'".to_owned(),
        ];
        for h in &households {
            candidates.push(format!(
                "detail_json LIKE '%\"household\":{h},%' OR detail_json LIKE '%\"household\":{h}}}%'"
            ));
        }
        let sql = format!(
            "{} ORDER BY at, log, seq",
            both_logs(&format!(" WHERE {}", candidates.join(" OR ")))
        );
        let rows = sqlx::query(&sql).bind(person.get()).fetch_all(tx.conn()).await?;
        let mut records = Vec::new();
        for row in &rows {
            let record = record_from_row(row)?;
            if record.subject_person == Some(person) || names_household(&record.detail_json, &households) {
                records.push(record);
            }
        }
        let mut names = log_names(tx.conn(), &records).await?;
        if !names.persons.iter().any(|p| p.id == person) {
            names
                .persons
                .extend(person_names(tx.conn(), &BTreeSet::from([person.get()])).await?);
        }
        for (h, people) in household_people(tx.conn(), &households).await? {
            names.households.entry(h).or_insert(people);
        }
        tx.audit(
            actor,
            "audit.extract",
            Some(person),
            json!({ "records": records.len(), "households": households }),
        )
        .await?;
        tx.commit().await?;
        Ok(PersonExtract {
            person,
            households: households.into_iter().map(HouseholdId).collect(),
            records,
            names,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_escape_wildcards() {
        assert_eq!(prefix_pattern("auth."), "auth.%");
        assert_eq!(prefix_pattern("a_b%c\\"), "a\\_b\\%c\\\\%");
    }

    #[test]
    fn households_are_found_in_the_detail() {
        let hh: BTreeSet<i64> = [4].into();
        assert!(names_household(r#"{"household": 4}"#, &hh));
        assert!(names_household(r#"{"households": [1, 4]}"#, &hh));
        assert!(!names_household(r#"{"household": 40}"#, &hh));
        assert!(!names_household("not json", &hh));
    }
}
