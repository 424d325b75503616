//! Names for the staff pages, read inside the caller's transaction (so inside its audit record): who did something
//! (`staff:2`, `account:5`, `person:7` as a name and a role) and whom a household is (its people, with their
//! protection, for the application core to mask). Never used on its own: a read of personal data must be recorded.

use std::collections::{BTreeMap, BTreeSet};

use domain::role::Role;
use domain::{HouseholdId, PersonId, ProtectedIdentity};
use sqlx::{AnyConnection, Row};

use crate::error::{Result, StoreError};
use crate::sql::parse;

/// The one who did something, as the audit log's `actor` column and the payment runs name them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorName {
    /// `staff:2`, `account:5`, `person:7`.
    pub who: String,
    pub name: String,
    pub role: Option<Role>,
    /// An applicant acting on their own case: the person, so that a protected one can be masked.
    pub person: Option<PersonId>,
    pub protected: bool,
}

/// A person by name, with their protection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName {
    pub id: PersonId,
    pub name: String,
    pub protected: bool,
}

/// A member of a household, to name the household by its people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdPerson {
    pub person: PersonName,
    pub adult: bool,
    /// A member now (not only earlier).
    pub current: bool,
}

/// Integers we hold, never user text, as an SQL list.
fn id_list(ids: &BTreeSet<i64>) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
}

fn protected(r: &sqlx::any::AnyRow) -> Result<bool> {
    let protection: String = r.try_get("protection")?;
    Ok(parse::<ProtectedIdentity>(&protection)?.is_protected())
}

/// The names and roles of the `who` values given (unknown and `system:` ones are left out).
pub(crate) async fn actor_names<'a>(
    conn: &mut AnyConnection,
    whos: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<ActorName>> {
    let (mut staff, mut accounts, mut persons) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for who in whos {
        let Some((kind, id)) = who.split_once(':') else {
            continue;
        };
        let Ok(id) = id.parse::<i64>() else { continue };
        match kind {
            "staff" => staff.insert(id),
            "account" => accounts.insert(id),
            "person" => persons.insert(id),
            _ => false,
        };
    }
    let mut out = Vec::new();
    if !staff.is_empty() {
        let sql = format!(
            "SELECT id, name, role FROM staff WHERE id IN ({})",
            id_list(&staff)
        );
        for r in sqlx::query(&sql).fetch_all(&mut *conn).await? {
            let role: String = r.try_get("role")?;
            out.push(ActorName {
                who: format!("staff:{}", r.try_get::<i64, _>("id")?),
                name: r.try_get("name")?,
                role: role.parse().ok(),
                person: None,
                protected: false,
            });
        }
    }
    if !accounts.is_empty() {
        let sql = format!(
            "SELECT id, display_name, role FROM accounts WHERE id IN ({})",
            id_list(&accounts)
        );
        for r in sqlx::query(&sql).fetch_all(&mut *conn).await? {
            let role: String = r.try_get("role")?;
            out.push(ActorName {
                who: format!("account:{}", r.try_get::<i64, _>("id")?),
                name: r.try_get("display_name")?,
                role: role.parse().ok(),
                person: None,
                protected: false,
            });
        }
    }
    for p in person_names(conn, &persons).await? {
        out.push(ActorName {
            who: format!("person:{}", p.id),
            name: p.name,
            role: Some(Role::Applicant),
            person: Some(p.id),
            protected: p.protected,
        });
    }
    Ok(out)
}

/// The persons' names and protection.
pub(crate) async fn person_names(conn: &mut AnyConnection, ids: &BTreeSet<i64>) -> Result<Vec<PersonName>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, name, protection FROM persons WHERE id IN ({}) ORDER BY id",
        id_list(ids)
    );
    sqlx::query(&sql)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(PersonName {
                id: PersonId(r.try_get("id")?),
                name: r.try_get("name")?,
                protected: protected(r)?,
            })
        })
        .collect()
}

/// Everyone who has been a member of each household (believed records), current members and adults first.
pub(crate) async fn household_people(
    conn: &mut AnyConnection,
    households: &BTreeSet<i64>,
) -> Result<BTreeMap<HouseholdId, Vec<HouseholdPerson>>> {
    let mut out: BTreeMap<HouseholdId, Vec<HouseholdPerson>> = BTreeMap::new();
    if households.is_empty() {
        return Ok(out);
    }
    let sql = format!(
        "SELECT f.household_id, p.id, p.name, p.protection, f.value_json, \
         CASE WHEN f.valid_to IS NULL THEN 1 ELSE 0 END AS current_member FROM facts f \
         JOIN persons p ON p.id = f.person_id \
         WHERE f.household_id IN ({}) AND f.fact_key LIKE 'member:%' AND f.superseded_at IS NULL \
         ORDER BY f.household_id, p.id",
        id_list(households)
    );
    for r in sqlx::query(&sql).fetch_all(&mut *conn).await? {
        let household = HouseholdId(r.try_get("household_id")?);
        let value: String = r.try_get("value_json")?;
        let adult =
            match serde_json::from_str::<domain::fact::FactValue>(&value).map_err(StoreError::corrupt)? {
                domain::fact::FactValue::Member { role, .. } => role == norm::contract::Role::Adult,
                _ => false,
            };
        let current = r.try_get::<i64, _>("current_member")? == 1;
        let person = PersonName {
            id: PersonId(r.try_get("id")?),
            name: r.try_get("name")?,
            protected: protected(&r)?,
        };
        let list = out.entry(household).or_default();
        // A person with several membership periods counts once, as a current member if any period is open.
        if let Some(seen) = list.iter_mut().find(|m| m.person.id == person.id) {
            seen.current |= current;
            seen.adult |= adult;
        } else {
            list.push(HouseholdPerson {
                person,
                adult,
                current,
            });
        }
    }
    for list in out.values_mut() {
        list.sort_by_key(|m| (!m.current, !m.adult, m.person.id));
    }
    Ok(out)
}

/// Everyone on the staff side who can appear as an actor in the log: staff records, and accounts that are neither
/// staff nor applicants (administrators, auditors), by name. For the auditor's choice of whose actions to list.
pub(crate) async fn staff_actors(conn: &mut AnyConnection) -> Result<Vec<ActorName>> {
    let rows = sqlx::query(
        "SELECT 'staff:' || CAST(id AS TEXT) AS who, name, role FROM staff \
         UNION ALL SELECT 'account:' || CAST(id AS TEXT) AS who, display_name AS name, role FROM accounts \
         WHERE staff_id IS NULL AND person_id IS NULL ORDER BY name, who",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let role: String = r.try_get("role")?;
            Ok(ActorName {
                who: r.try_get("who")?,
                name: r.try_get("name")?,
                role: role.parse().ok(),
                person: None,
                protected: false,
            })
        })
        .collect()
}
