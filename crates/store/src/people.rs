//! Use cases about organisation, persons, households and their facts, journal notes and documents.

use std::collections::BTreeSet;

use domain::document::{DocumentKind, DocumentMeta};
use domain::fact::{self, FactRecord, FactValue, Validity};
use domain::journal::{NoteKind, NoteText};
use domain::org::check_name;
use domain::role::Role as StaffRole;
use domain::{
    Actor, DocumentId, DomainError, FactId, HouseholdId, NoteId, PersonId, Personnummer, ProtectedIdentity,
    StaffId, UnitId,
};
use jiff::Timestamp;
use jiff::civil::Date;
use norm::contract::Role;
use serde_json::json;
use sqlx::{AnyConnection, Row};

use crate::error::{Result, StoreError};
use crate::model::{NewNote, NewPerson, NoteView, PersonView};
use crate::packed::Columns;
use crate::sql::{
    SqlStore, Tx, date_text, from_micros, micros, parse, parse_date, require, unique_as_duplicate,
};

pub(crate) async fn create_unit(s: &SqlStore, actor: &Actor, name: &str) -> Result<UnitId> {
    let name = check_name("enhetens namn", name)?;
    let mut tx = s.begin().await?;
    let row = sqlx::query("INSERT INTO org_units (name) VALUES ($1) RETURNING id")
        .bind(name)
        .fetch_one(tx.conn())
        .await?;
    let id = UnitId(row.try_get("id")?);
    tx.audit(actor, "unit.create", None, json!({ "unit": id }))
        .await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn create_staff(
    s: &SqlStore,
    actor: &Actor,
    unit: UnitId,
    name: &str,
    role: StaffRole,
) -> Result<StaffId> {
    let name = check_name("personalens namn", name)?;
    let role = role.as_str().to_owned();
    let mut tx = s.begin().await?;
    require(tx.conn(), "org_units", "enhet", unit.get()).await?;
    let row = sqlx::query("INSERT INTO staff (unit_id, name, role) VALUES ($1, $2, $3) RETURNING id")
        .bind(unit.get())
        .bind(name)
        .bind(role.clone())
        .fetch_one(tx.conn())
        .await?;
    let id = StaffId(row.try_get("id")?);
    tx.audit(
        actor,
        "staff.create",
        None,
        json!({ "staff": id, "unit": unit, "role": role }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn register_person(s: &SqlStore, actor: &Actor, p: NewPerson) -> Result<PersonId> {
    let name = check_name("namn", &p.name)?;
    let mut tx = s.begin().await?;
    let row = sqlx::query(
        "INSERT INTO persons (pnr, name, protection, registered_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(p.pnr.canonical())
    .bind(name)
    .bind(p.protection.as_str())
    .bind(micros(actor.at))
    .fetch_one(tx.conn())
    .await
    .map_err(|e| unique_as_duplicate(e, "personnumret är redan registrerat"))?;
    let id = PersonId(row.try_get("id")?);
    tx.audit(
        actor,
        "person.register",
        Some(id),
        json!({ "protection": p.protection.as_str() }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Records postal addresses from register data, all in one transaction (an audited change per person; the
/// address is not in the record). One transaction for many because a register load brings thousands at once.
pub(crate) async fn set_postal_addresses(
    s: &SqlStore,
    actor: &Actor,
    addresses: &[(PersonId, domain::person::PostalAddress)],
) -> Result<()> {
    let mut tx = s.begin().await?;
    for (person, address) in addresses {
        let json = serde_json::to_string(address).map_err(StoreError::corrupt)?;
        let done = sqlx::query("UPDATE persons SET postal_address = $1 WHERE id = $2")
            .bind(json)
            .bind(person.get())
            .execute(tx.conn())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                what: "person",
                id: person.get(),
            });
        }
        tx.audit(actor, "person.address", Some(*person), json!({}))
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The person's postal address for a letter (an audited read; `None` when none is stored).
pub(crate) async fn postal_address(
    s: &SqlStore,
    actor: &Actor,
    person: PersonId,
) -> Result<Option<domain::person::PostalAddress>> {
    let mut tx = s.begin().await?;
    let row = sqlx::query("SELECT postal_address FROM persons WHERE id = $1")
        .bind(person.get())
        .fetch_optional(tx.conn())
        .await?;
    let text: Option<String> = match &row {
        Some(r) => r.try_get("postal_address")?,
        None => None,
    };
    let address = text
        .map(|t| serde_json::from_str(&t).map_err(StoreError::corrupt))
        .transpose()?;
    tx.audit(
        actor,
        "person.address.read",
        Some(person),
        json!({ "found": address.is_some() }),
    )
    .await?;
    tx.commit().await?;
    Ok(address)
}

pub(crate) const PERSON_NAMES: [&str; 4] = ["id", "pnr", "name", "protection"];

pub(crate) fn person_from_row(row: &impl Columns) -> Result<PersonView> {
    Ok(PersonView {
        id: PersonId(row.int("id")?),
        pnr: Personnummer::from_canonical(&row.text("pnr")?).map_err(StoreError::corrupt)?,
        name: row.text("name")?,
        protection: parse::<ProtectedIdentity>(&row.text("protection")?)?,
    })
}

pub(crate) async fn find_person(
    s: &SqlStore,
    actor: &Actor,
    pnr: &Personnummer,
) -> Result<Option<PersonView>> {
    let mut tx = s.begin().await?;
    let row = sqlx::query("SELECT id, pnr, name, protection FROM persons WHERE pnr = $1")
        .bind(pnr.canonical())
        .fetch_optional(tx.conn())
        .await?;
    let person = row.as_ref().map(person_from_row).transpose()?;
    let detail = match &person {
        Some(p) => json!({ "found": true, "protected": p.protection.is_protected() }),
        None => json!({ "found": false }),
    };
    tx.audit(actor, "person.lookup", person.as_ref().map(|p| p.id), detail)
        .await?;
    tx.commit().await?;
    Ok(person)
}

/// Inserts one fact record (the caller has validated it).
async fn insert_fact(
    tx: &mut Tx,
    actor: &Actor,
    household: HouseholdId,
    value: &FactValue,
    valid: Validity,
    corrects: Option<FactId>,
) -> Result<FactId> {
    let json = serde_json::to_string(value).map_err(StoreError::corrupt)?;
    let row = sqlx::query(
        "INSERT INTO facts (household_id, person_id, fact_key, value_json, valid_from, valid_to, recorded_at, \
         recorded_by, corrects) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(household.get())
    .bind(value.person().map(PersonId::get))
    .bind(value.key())
    .bind(json)
    .bind(date_text(valid.from))
    .bind(valid.to.map(date_text))
    .bind(micros(actor.at))
    .bind(actor.who.to_string())
    .bind(corrects.map(FactId::get))
    .fetch_one(tx.conn())
    .await?;
    Ok(FactId(row.try_get("id")?))
}

pub(crate) async fn register_household(
    s: &SqlStore,
    actor: &Actor,
    unit: UnitId,
    members: &[(PersonId, Role)],
    valid_from: Date,
) -> Result<HouseholdId> {
    if members.is_empty() {
        return Err(DomainError::Invalid {
            field: "hushåll",
            reason: "minst en medlem krävs",
        }
        .into());
    }
    let distinct: BTreeSet<PersonId> = members.iter().map(|(p, _)| *p).collect();
    if distinct.len() != members.len() {
        return Err(DomainError::Invalid {
            field: "hushåll",
            reason: "samma person finns två gånger",
        }
        .into());
    }
    let mut tx = s.begin().await?;
    require(tx.conn(), "org_units", "enhet", unit.get()).await?;
    for (p, _) in members {
        require(tx.conn(), "persons", "person", p.get()).await?;
    }
    let row = sqlx::query("INSERT INTO households (unit_id, registered_at) VALUES ($1, $2) RETURNING id")
        .bind(unit.get())
        .bind(micros(actor.at))
        .fetch_one(tx.conn())
        .await?;
    let id = HouseholdId(row.try_get("id")?);
    for (person, role) in members {
        let value = FactValue::Member {
            person: *person,
            role: *role,
        };
        let fact = insert_fact(&mut tx, actor, id, &value, Validity::open(valid_from), None).await?;
        tx.audit(
            actor,
            "household.register",
            Some(*person),
            json!({ "household": id, "fact": fact }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn record_fact(
    s: &SqlStore,
    actor: &Actor,
    household: HouseholdId,
    value: FactValue,
    valid: Validity,
) -> Result<FactId> {
    value.validate()?;
    let valid = Validity::new(valid.from, valid.to)?;
    let mut tx = s.begin().await?;
    require(tx.conn(), "households", "hushåll", household.get()).await?;
    if let Some(p) = value.person() {
        require(tx.conn(), "persons", "person", p.get()).await?;
    }
    let id = insert_fact(&mut tx, actor, household, &value, valid, None).await?;
    tx.audit(
        actor,
        "fact.record",
        value.person(),
        json!({ "household": household, "fact": id, "key": value.key() }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn correct_fact(
    s: &SqlStore,
    actor: &Actor,
    fact: FactId,
    value: FactValue,
    valid: Validity,
) -> Result<FactId> {
    value.validate()?;
    let valid = Validity::new(valid.from, valid.to)?;
    let mut tx = s.begin().await?;
    let row =
        sqlx::query("SELECT household_id, fact_key, recorded_at, superseded_at FROM facts WHERE id = $1")
            .bind(fact.get())
            .fetch_optional(tx.conn())
            .await?
            .ok_or(StoreError::NotFound {
                what: "uppgift",
                id: fact.get(),
            })?;
    let household = HouseholdId(row.try_get("household_id")?);
    let key: String = row.try_get("fact_key")?;
    let recorded_at: i64 = row.try_get("recorded_at")?;
    let superseded_at: Option<i64> = row.try_get("superseded_at")?;
    if superseded_at.is_some() {
        return Err(StoreError::Conflict("uppgiften är redan rättad"));
    }
    if key != value.key() {
        return Err(DomainError::Invalid {
            field: "rättelse",
            reason: "rättelsen gäller en annan sorts uppgift",
        }
        .into());
    }
    if micros(actor.at) < recorded_at {
        return Err(DomainError::Invalid {
            field: "rättelse",
            reason: "rättelsen är äldre än uppgiften",
        }
        .into());
    }
    sqlx::query("UPDATE facts SET superseded_at = $1 WHERE id = $2")
        .bind(micros(actor.at))
        .bind(fact.get())
        .execute(tx.conn())
        .await?;
    let id = insert_fact(&mut tx, actor, household, &value, valid, Some(fact)).await?;
    tx.audit(
        actor,
        "fact.correct",
        value.person(),
        json!({ "household": household, "fact": id, "corrects": fact }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) const FACT_NAMES: [&str; 7] = [
    "id",
    "value_json",
    "valid_from",
    "valid_to",
    "recorded_at",
    "corrects",
    "superseded_at",
];

pub(crate) fn fact_from_row(row: &impl Columns) -> Result<FactRecord> {
    Ok(FactRecord {
        id: FactId(row.int("id")?),
        value: serde_json::from_str(&row.text("value_json")?).map_err(StoreError::corrupt)?,
        valid: Validity {
            from: parse_date(&row.text("valid_from")?)?,
            to: row.opt_text("valid_to")?.as_deref().map(parse_date).transpose()?,
        },
        recorded_at: from_micros(row.int("recorded_at")?)?,
        corrects: row.opt_int("corrects")?.map(FactId),
        superseded_at: row.opt_int("superseded_at")?.map(from_micros).transpose()?,
    })
}

async fn household_facts(conn: &mut AnyConnection, household: HouseholdId) -> Result<Vec<FactRecord>> {
    let rows = sqlx::query(
        "SELECT id, value_json, valid_from, valid_to, recorded_at, corrects, superseded_at FROM facts \
         WHERE household_id = $1 ORDER BY id",
    )
    .bind(household.get())
    .fetch_all(conn)
    .await?;
    rows.iter().map(fact_from_row).collect()
}

/// Everyone who has ever been recorded as a member (the persons a read of the household concerns).
async fn household_persons(conn: &mut AnyConnection, household: HouseholdId) -> Result<Vec<PersonId>> {
    let rows = sqlx::query(
        "SELECT DISTINCT person_id FROM facts WHERE household_id = $1 AND person_id IS NOT NULL ORDER BY person_id",
    )
    .bind(household.get())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok(PersonId(r.try_get("person_id")?)))
        .collect()
}

/// One audit record per person concerned (or one without a subject when there is nobody).
async fn audit_read(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    persons: &[PersonId],
    detail: serde_json::Value,
) -> Result<()> {
    if persons.is_empty() {
        return tx.audit(actor, action, None, detail).await;
    }
    for p in persons {
        tx.audit(actor, action, Some(*p), detail.clone()).await?;
    }
    Ok(())
}

pub(crate) async fn facts_as_of(
    s: &SqlStore,
    actor: &Actor,
    household: HouseholdId,
    valid_at: Date,
    known_at: Timestamp,
) -> Result<Vec<FactRecord>> {
    let mut tx = s.begin().await?;
    require(tx.conn(), "households", "hushåll", household.get()).await?;
    let all = household_facts(tx.conn(), household).await?;
    let facts: Vec<FactRecord> = fact::as_of(&all, valid_at, known_at)
        .into_iter()
        .cloned()
        .collect();
    let persons = household_persons(tx.conn(), household).await?;
    let detail =
        json!({ "household": household, "valid_at": date_text(valid_at), "known_at": known_at.to_string() });
    audit_read(&mut tx, actor, "facts.read", &persons, detail).await?;
    tx.commit().await?;
    Ok(facts)
}

pub(crate) async fn append_journal(
    s: &SqlStore,
    actor: &Actor,
    person: PersonId,
    kind: NoteKind,
    text: &str,
) -> Result<NoteId> {
    let text = NoteText::new(text)?;
    let mut tx = s.begin().await?;
    let id = append_note_in(&mut tx, actor, person, kind, &text).await?;
    tx.commit().await?;
    Ok(id)
}

/// Many notes (a history brought in from elsewhere) in one transaction: all are appended, or none.
pub(crate) async fn append_journal_many(s: &SqlStore, notes: &[NewNote]) -> Result<Vec<NoteId>> {
    let texts = notes
        .iter()
        .map(|n| NoteText::new(&n.text))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let mut tx = s.begin().await?;
    let mut ids = Vec::with_capacity(notes.len());
    for (n, text) in notes.iter().zip(&texts) {
        ids.push(append_note_in(&mut tx, &n.actor, n.person, n.kind, text).await?);
    }
    tx.commit().await?;
    Ok(ids)
}

async fn append_note_in(
    tx: &mut Tx,
    actor: &Actor,
    person: PersonId,
    kind: NoteKind,
    text: &NoteText,
) -> Result<NoteId> {
    require(tx.conn(), "persons", "person", person.get()).await?;
    if let Some(target) = kind.refers_to() {
        let row = sqlx::query("SELECT person_id FROM journal_notes WHERE id = $1")
            .bind(target.get())
            .fetch_optional(tx.conn())
            .await?
            .ok_or(StoreError::NotFound {
                what: "journalanteckning",
                id: target.get(),
            })?;
        if PersonId(row.try_get("person_id")?) != person {
            return Err(DomainError::Invalid {
                field: "journalanteckning",
                reason: "gäller en annan person",
            }
            .into());
        }
    }
    let row = sqlx::query(
        "INSERT INTO journal_notes (person_id, kind, refers_to, body, written_by, written_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(person.get())
    .bind(kind.as_str())
    .bind(kind.refers_to().map(NoteId::get))
    .bind(text.as_str().to_owned())
    .bind(actor.who.to_string())
    .bind(micros(actor.at))
    .fetch_one(tx.conn())
    .await?;
    let id = NoteId(row.try_get("id")?);
    tx.audit(
        actor,
        "journal.append",
        Some(person),
        json!({ "note": id, "kind": kind.as_str() }),
    )
    .await?;
    Ok(id)
}

pub(crate) const NOTE_NAMES: [&str; 7] = [
    "id",
    "person_id",
    "kind",
    "refers_to",
    "body",
    "written_by",
    "written_at",
];

pub(crate) fn note_from_row(r: &impl Columns) -> Result<NoteView> {
    Ok(NoteView {
        id: NoteId(r.int("id")?),
        person: PersonId(r.int("person_id")?),
        kind: NoteKind::from_parts(&r.text("kind")?, r.opt_int("refers_to")?.map(NoteId))
            .map_err(StoreError::corrupt)?,
        text: r.text("body")?,
        written_by: r.text("written_by")?,
        written_at: from_micros(r.int("written_at")?)?,
    })
}

pub(crate) async fn journal(s: &SqlStore, actor: &Actor, person: PersonId) -> Result<Vec<NoteView>> {
    let mut tx = s.begin().await?;
    require(tx.conn(), "persons", "person", person.get()).await?;
    let rows = sqlx::query(
        "SELECT id, person_id, kind, refers_to, body, written_by, written_at FROM journal_notes \
         WHERE person_id = $1 ORDER BY id",
    )
    .bind(person.get())
    .fetch_all(tx.conn())
    .await?;
    let notes = rows.iter().map(note_from_row).collect::<Result<Vec<_>>>()?;
    tx.audit(
        actor,
        "journal.read",
        Some(person),
        json!({ "notes": notes.len() }),
    )
    .await?;
    tx.commit().await?;
    Ok(notes)
}

pub(crate) async fn attach_document(
    s: &SqlStore,
    actor: &Actor,
    person: PersonId,
    kind: DocumentKind,
    file_name: &str,
    mime: &str,
    content: &[u8],
) -> Result<DocumentId> {
    let meta = DocumentMeta::check(kind, file_name, mime, content)?;
    let size = i64::try_from(meta.size).map_err(StoreError::corrupt)?;
    let mut tx = s.begin().await?;
    require(tx.conn(), "persons", "person", person.get()).await?;
    let row = sqlx::query(
        "INSERT INTO documents (person_id, kind, file_name, mime, size, content, attached_by, attached_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(person.get())
    .bind(meta.kind.as_str())
    .bind(meta.file_name.clone())
    .bind(meta.mime.clone())
    .bind(size)
    .bind(content.to_vec())
    .bind(actor.who.to_string())
    .bind(micros(actor.at))
    .fetch_one(tx.conn())
    .await?;
    let id = DocumentId(row.try_get("id")?);
    tx.audit(
        actor,
        "document.attach",
        Some(person),
        json!({ "document": id, "mime": meta.mime, "size": size }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
