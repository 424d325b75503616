//! Attachments (bilagor) that came with an online application: stored with the application in its transaction,
//! listed per application or per person, and read one at a time. Every listing and every read of a file is a read of
//! personal data and appends an audit record; the access facts a permission check needs are read without one.

use domain::document::{DocumentKind, DocumentMeta, MAX_ATTACHMENTS};
use domain::{Actor, ApplicationId, DocumentId, DomainError, HouseholdId, PersonId};
use jiff::Timestamp;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::sql::{SqlStore, Tx, from_micros, micros, parse, require};
use crate::worklists::{HouseholdAccess, Worklists};

/// A file to store with an application: whose it is, what it is, and its content (checked with
/// [`DocumentMeta::check`] before anything is written).
#[derive(Clone)]
pub struct NewDocument {
    /// The person the document is about and who sent it (the applicant).
    pub person: PersonId,
    pub kind: DocumentKind,
    pub file_name: String,
    pub mime: String,
    pub content: Vec<u8>,
}

/// Never prints the file name (free text, may name a person or an illness) or the content.
impl std::fmt::Debug for NewDocument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewDocument")
            .field("person", &self.person)
            .field("kind", &self.kind)
            .field("mime", &self.mime)
            .field("size", &self.content.len())
            .finish_non_exhaustive()
    }
}

/// A stored attachment as lists show it (no content).
#[derive(Clone, PartialEq, Eq)]
pub struct DocumentInfo {
    pub id: DocumentId,
    pub application: ApplicationId,
    pub person: PersonId,
    pub kind: DocumentKind,
    pub file_name: String,
    pub mime: String,
    pub size: u64,
    pub attached_at: Timestamp,
}

/// Never prints the file name.
impl std::fmt::Debug for DocumentInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocumentInfo")
            .field("id", &self.id)
            .field("application", &self.application)
            .field("person", &self.person)
            .field("kind", &self.kind)
            .field("mime", &self.mime)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

/// An attachment with its content, for download.
#[derive(Clone, PartialEq, Eq)]
pub struct DocumentFile {
    pub info: DocumentInfo,
    pub content: Vec<u8>,
}

impl std::fmt::Debug for DocumentFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocumentFile")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

/// What a permission check needs to know about an attachment: whose it is and the household of its application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentAccess {
    pub document: DocumentId,
    pub person: PersonId,
    pub application: ApplicationId,
    pub household: HouseholdAccess,
}

const INFO_COLUMNS: &str =
    "d.id, d.application_id, d.person_id, d.kind, d.file_name, d.mime, d.size, d.attached_at";

fn info_from_row(row: &AnyRow) -> Result<DocumentInfo> {
    let kind: String = row.try_get("kind")?;
    let size: i64 = row.try_get("size")?;
    Ok(DocumentInfo {
        id: DocumentId(row.try_get("id")?),
        application: ApplicationId(row.try_get("application_id")?),
        person: PersonId(row.try_get("person_id")?),
        kind: parse(&kind)?,
        file_name: row.try_get("file_name")?,
        mime: row.try_get("mime")?,
        size: u64::try_from(size).map_err(StoreError::corrupt)?,
        attached_at: from_micros(row.try_get("attached_at")?)?,
    })
}

/// Checks every file (count, name, type, content, size) before the first write; the first problem is the error.
pub(crate) fn check_all(documents: &[NewDocument]) -> Result<Vec<DocumentMeta>> {
    if documents.len() > MAX_ATTACHMENTS {
        return Err(DomainError::Invalid {
            field: "bilagor",
            reason: "för många bilagor",
        }
        .into());
    }
    documents
        .iter()
        .map(|d| {
            if !d.kind.sent_by_applicants() {
                return Err(DomainError::Invalid {
                    field: "dokumenttyp",
                    reason: "en sökande skickar underlag eller intyg",
                }
                .into());
            }
            Ok(DocumentMeta::check(d.kind, &d.file_name, &d.mime, &d.content)?)
        })
        .collect()
}

/// Stores checked attachments with an application inside the caller's transaction, one audit record each.
pub(crate) async fn insert_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    application: ApplicationId,
    household: HouseholdId,
    documents: &[NewDocument],
    checked: &[DocumentMeta],
) -> Result<Vec<DocumentId>> {
    let mut ids = Vec::with_capacity(documents.len());
    for (document, meta) in documents.iter().zip(checked) {
        require(tx.conn(), "persons", "person", document.person.get()).await?;
        let size = i64::try_from(meta.size).map_err(StoreError::corrupt)?;
        let row = sqlx::query(
            "INSERT INTO documents \
             (person_id, kind, file_name, mime, size, content, attached_by, attached_at, application_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(document.person.get())
        .bind(meta.kind.as_str())
        .bind(meta.file_name.clone())
        .bind(meta.mime.clone())
        .bind(size)
        .bind(document.content.clone())
        .bind(actor.who.to_string())
        .bind(micros(actor.at))
        .bind(application.get())
        .fetch_one(tx.conn())
        .await?;
        let id = DocumentId(row.try_get("id")?);
        tx.audit(
            actor,
            "document.attach",
            Some(document.person),
            json!({
                "document": id,
                "application": application,
                "household": household,
                "kind": meta.kind.as_str(),
                "mime": meta.mime,
                "size": size,
            }),
        )
        .await?;
        tx.fail_point("apply.after_document")?;
        ids.push(id);
    }
    Ok(ids)
}

/// The attachments of one application, oldest first; audited when there is anything to read.
pub(crate) async fn of_application(
    s: &SqlStore,
    actor: &Actor,
    application: ApplicationId,
) -> Result<Vec<DocumentInfo>> {
    let mut tx = s.begin().await?;
    let row = sqlx::query("SELECT household_id FROM applications WHERE id = $1")
        .bind(application.get())
        .fetch_optional(tx.conn())
        .await?
        .ok_or(StoreError::NotFound {
            what: "ansökan",
            id: application.get(),
        })?;
    let household: i64 = row.try_get("household_id")?;
    let sql = format!("SELECT {INFO_COLUMNS} FROM documents d WHERE d.application_id = $1 ORDER BY d.id");
    let documents = sqlx::query(&sql)
        .bind(application.get())
        .fetch_all(tx.conn())
        .await?
        .iter()
        .map(info_from_row)
        .collect::<Result<Vec<_>>>()?;
    // A list with nothing in it reads no personal data.
    if !documents.is_empty() {
        let ids: Vec<DocumentId> = documents.iter().map(|d| d.id).collect();
        tx.audit(
            actor,
            "document.list",
            None,
            json!({ "application": application, "household": household, "documents": ids }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(documents)
}

/// The attachments a person sent with their applications, oldest first; audited when there is anything to read.
pub(crate) async fn sent_by(s: &SqlStore, actor: &Actor, person: PersonId) -> Result<Vec<DocumentInfo>> {
    let mut tx = s.begin().await?;
    let sql = format!(
        "SELECT {INFO_COLUMNS} FROM documents d \
         WHERE d.person_id = $1 AND d.application_id IS NOT NULL ORDER BY d.id"
    );
    let documents = sqlx::query(&sql)
        .bind(person.get())
        .fetch_all(tx.conn())
        .await?
        .iter()
        .map(info_from_row)
        .collect::<Result<Vec<_>>>()?;
    if !documents.is_empty() {
        let ids: Vec<DocumentId> = documents.iter().map(|d| d.id).collect();
        tx.audit(actor, "document.list", Some(person), json!({ "documents": ids }))
            .await?;
    }
    tx.commit().await?;
    Ok(documents)
}

/// Whose an attachment is and which household's application it came with (ids and flags only; not audited).
/// A document that came with no application is not served here: [`StoreError::NotFound`].
pub(crate) async fn access(s: &SqlStore, document: DocumentId) -> Result<DocumentAccess> {
    let row = sqlx::query(
        "SELECT d.person_id, d.application_id, a.household_id FROM documents d \
         JOIN applications a ON a.id = d.application_id WHERE d.id = $1",
    )
    .bind(document.get())
    .fetch_optional(s.pool())
    .await?
    .ok_or(StoreError::NotFound {
        what: "dokument",
        id: document.get(),
    })?;
    Ok(DocumentAccess {
        document,
        person: PersonId(row.try_get("person_id")?),
        application: ApplicationId(row.try_get("application_id")?),
        household: s
            .household_access(HouseholdId(row.try_get("household_id")?))
            .await?,
    })
}

/// One attachment with its content: a read of the person's data, audited in the same transaction.
pub(crate) async fn read(s: &SqlStore, actor: &Actor, document: DocumentId) -> Result<DocumentFile> {
    let mut tx = s.begin().await?;
    let sql = format!(
        "SELECT {INFO_COLUMNS}, d.content, a.household_id FROM documents d \
         JOIN applications a ON a.id = d.application_id WHERE d.id = $1"
    );
    let row = sqlx::query(&sql)
        .bind(document.get())
        .fetch_optional(tx.conn())
        .await?
        .ok_or(StoreError::NotFound {
            what: "dokument",
            id: document.get(),
        })?;
    let info = info_from_row(&row)?;
    let content: Vec<u8> = row.try_get("content")?;
    let household: i64 = row.try_get("household_id")?;
    tx.audit(
        actor,
        "document.read",
        Some(info.person),
        json!({ "document": document, "application": info.application, "household": household }),
    )
    .await?;
    tx.commit().await?;
    Ok(DocumentFile { info, content })
}
