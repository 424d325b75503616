//! The audit chain: each record's hash covers the previous record's hash and a digest of the record's own canonical
//! form, so changing, removing or inserting any record breaks every link after it, while gallring can remove a
//! record's content and keep its place: the digest stays, and the chain still verifies.
//!
//! Two formulas, told apart by the head's `digest_from` (the first seq written after migration 0013):
//! - from `digest_from` on: `hash = sha256(prev_hash || content_digest)`, `content_digest = sha256(canonical)`;
//! - before it (legacy): `hash = sha256(prev_hash || canonical)`. A legacy record whose content gallring removed
//!   has no digest to recompute its hash from: its hash is taken as stored and is still bound by the next link.

use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::error::Result;
use crate::model::{AuditLog, AuditRecord, AuditVerdict};
use crate::sql::{SqlStore, from_micros};

/// The hash before the first record.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields a record's hash covers, in a fixed order.
pub(crate) struct Canonical {
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: Option<i64>,
    pub page: String,
    pub detail: String,
}

fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    hex::encode(h.finalize())
}

/// The link of the current formula: sha256(prev_hash || content_digest), hex.
pub(crate) fn link_hash(prev_hash: &str, content_digest: &str) -> String {
    sha256_hex(&[prev_hash.as_bytes(), content_digest.as_bytes()])
}

impl Canonical {
    /// The canonical form: a JSON array of plain values, unambiguous (strings are quoted and escaped) and stable
    /// across versions.
    fn canonical(&self) -> String {
        serde_json::json!([
            self.seq,
            self.at,
            self.actor,
            self.action,
            self.subject,
            self.page,
            self.detail
        ])
        .to_string()
    }

    /// sha256(canonical form), hex: what gallring keeps of a record whose content it removes.
    pub fn digest(&self) -> String {
        sha256_hex(&[self.canonical().as_bytes()])
    }

    /// The record's hash as written now: (digest, [`link_hash`]).
    pub fn hash(&self, prev_hash: &str) -> (String, String) {
        let digest = self.digest();
        let hash = link_hash(prev_hash, &digest);
        (digest, hash)
    }

    /// The hash of a record written before migration 0013: sha256(prev_hash || canonical form), hex.
    pub fn legacy_hash(&self, prev_hash: &str) -> String {
        sha256_hex(&[prev_hash.as_bytes(), self.canonical().as_bytes()])
    }
}

/// What a stored record's own hash check found.
fn check_record(
    row: &sqlx::any::AnyRow,
    seq: i64,
    prev_hash: &str,
    digest_from: i64,
) -> Result<Option<String>> {
    let actor: Option<String> = row.try_get("actor")?;
    let action: Option<String> = row.try_get("action")?;
    let subject: Option<i64> = row.try_get("subject_person")?;
    let page: Option<String> = row.try_get("page")?;
    let detail: Option<String> = row.try_get("detail_json")?;
    let digest: Option<String> = row.try_get("content_digest")?;
    let stored_hash: String = row.try_get("hash")?;
    let record = match (actor, action, page, detail) {
        (Some(actor), Some(action), Some(page), Some(detail)) => Some(Canonical {
            seq,
            at: row.try_get("at")?,
            actor,
            action,
            subject,
            page,
            detail,
        }),
        (None, None, None, None) if subject.is_none() => None,
        _ => return Ok(Some("postens innehåll är delvis borttaget".into())),
    };
    let problem = if seq >= digest_from {
        match (record, digest) {
            (_, None) => Some("postens kontrollsumma saknas".into()),
            (Some(r), Some(d)) if r.digest() != d => Some("postens innehåll har ändrats".into()),
            (_, Some(d)) if link_hash(prev_hash, &d) != stored_hash => {
                Some("postens innehåll har ändrats".into())
            }
            _ => None,
        }
    } else {
        match record {
            Some(r) if r.legacy_hash(prev_hash) != stored_hash => Some("postens innehåll har ändrats".into()),
            // A gallrad legacy record: its hash is bound by the next record's link.
            _ => None,
        }
    };
    Ok(problem)
}

const PAGE: i64 = 5_000;

/// Recomputes one log's chain from the first record up to the head as it was when the check started (records
/// appended while checking are left for the next check), and compares the last hash with the head. A record whose
/// content gallring removed is checked by its kept digest.
pub(crate) async fn verify(store: &SqlStore, log: AuditLog) -> Result<AuditVerdict> {
    let head = sqlx::query(&format!(
        "SELECT seq, hash, digest_from FROM {} WHERE id = 1",
        log.head()
    ))
    .fetch_one(store.pool())
    .await?;
    let head_seq: i64 = head.try_get("seq")?;
    let head_hash: String = head.try_get("hash")?;
    let digest_from: i64 = head.try_get("digest_from")?;
    let mut prev_hash = GENESIS.to_owned();
    let mut prev_seq = 0_i64;
    while prev_seq < head_seq {
        let sql = format!(
            "SELECT seq, at, actor, action, subject_person, page, detail_json, content_digest, prev_hash, hash \
             FROM {} WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3",
            log.table()
        );
        let rows = sqlx::query(&sql)
            .bind(prev_seq)
            .bind(head_seq)
            .bind(PAGE)
            .fetch_all(store.pool())
            .await?;
        if rows.is_empty() {
            break;
        }
        for row in rows {
            let seq: i64 = row.try_get("seq")?;
            if seq != prev_seq + 1 {
                return Ok(AuditVerdict::Broken {
                    seq: prev_seq + 1,
                    reason: format!("post {} saknas (nästa post är {seq})", prev_seq + 1),
                });
            }
            let stored_prev: String = row.try_get("prev_hash")?;
            if stored_prev != prev_hash {
                return Ok(AuditVerdict::Broken {
                    seq,
                    reason: "länken till föregående post stämmer inte".into(),
                });
            }
            if let Some(reason) = check_record(&row, seq, &prev_hash, digest_from)? {
                return Ok(AuditVerdict::Broken { seq, reason });
            }
            prev_hash = row.try_get("hash")?;
            prev_seq = seq;
        }
    }
    if prev_seq != head_seq {
        return Ok(AuditVerdict::Broken {
            seq: prev_seq + 1,
            reason: format!("kedjans huvud anger {head_seq} poster men loggen slutar vid {prev_seq}"),
        });
    }
    if head_hash != prev_hash {
        return Ok(AuditVerdict::Broken {
            seq: prev_seq,
            reason: "kedjans huvud stämmer inte med sista posten".into(),
        });
    }
    Ok(AuditVerdict::Intact { records: prev_seq })
}

/// The columns [`record_from_row`] reads, besides `log`.
pub(crate) const RECORD_COLUMNS: &str = "seq, at, actor, action, subject_person, page, detail_json";

/// The records of both logs that match `filter` (`""` or ` WHERE ...`, the same placeholders in both halves), each
/// row naming its log in a `log` column, for the caller to order.
pub(crate) fn both_logs(filter: &str) -> String {
    format!(
        "SELECT '{}' AS log, {RECORD_COLUMNS} FROM {}{filter} UNION ALL SELECT '{}' AS log, {RECORD_COLUMNS} FROM {}{filter}",
        AuditLog::Changes.as_str(),
        AuditLog::Changes.table(),
        AuditLog::Reads.as_str(),
        AuditLog::Reads.table(),
    )
}

/// A record from a row of [`both_logs`].
pub(crate) fn record_from_row(row: &sqlx::any::AnyRow) -> Result<AuditRecord> {
    let log: String = row.try_get("log")?;
    let log = AuditLog::parse(&log).ok_or_else(|| crate::error::StoreError::corrupt(log))?;
    Ok(AuditRecord {
        log,
        seq: row.try_get("seq")?,
        at: from_micros(row.try_get("at")?)?,
        // A record whose content gallring removed shows as empty: its place and time stay.
        actor: row.try_get::<Option<String>, _>("actor")?.unwrap_or_default(),
        action: row.try_get::<Option<String>, _>("action")?.unwrap_or_default(),
        subject_person: row
            .try_get::<Option<i64>, _>("subject_person")?
            .map(domain::PersonId),
        page: row.try_get::<Option<String>, _>("page")?.unwrap_or_default(),
        detail_json: row
            .try_get::<Option<String>, _>("detail_json")?
            .unwrap_or_default(),
    })
}
