//! The audit chain: each record's hash covers the previous record's hash and the record's own canonical form, so
//! changing, removing or inserting any record breaks every link after it.

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

impl Canonical {
    /// sha256(prev_hash || canonical JSON array of the fields), hex.
    pub fn hash(&self, prev_hash: &str) -> String {
        // A JSON array of plain values: unambiguous (strings are quoted and escaped) and stable across versions.
        let canonical = serde_json::json!([
            self.seq,
            self.at,
            self.actor,
            self.action,
            self.subject,
            self.page,
            self.detail
        ])
        .to_string();
        let mut h = Sha256::new();
        h.update(prev_hash.as_bytes());
        h.update(canonical.as_bytes());
        hex::encode(h.finalize())
    }
}

const PAGE: i64 = 5_000;

/// Recomputes one log's chain from the first record up to the head as it was when the check started (records
/// appended while checking are left for the next check), and compares the last hash with the head.
pub(crate) async fn verify(store: &SqlStore, log: AuditLog) -> Result<AuditVerdict> {
    let head = sqlx::query(&format!("SELECT seq, hash FROM {} WHERE id = 1", log.head()))
        .fetch_one(store.pool())
        .await?;
    let head_seq: i64 = head.try_get("seq")?;
    let head_hash: String = head.try_get("hash")?;
    let mut prev_hash = GENESIS.to_owned();
    let mut prev_seq = 0_i64;
    while prev_seq < head_seq {
        let sql = format!(
            "SELECT seq, at, actor, action, subject_person, page, detail_json, prev_hash, hash \
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
            let record = Canonical {
                seq,
                at: row.try_get("at")?,
                actor: row.try_get("actor")?,
                action: row.try_get("action")?,
                subject: row.try_get("subject_person")?,
                page: row.try_get("page")?,
                detail: row.try_get("detail_json")?,
            };
            let stored_hash: String = row.try_get("hash")?;
            if record.hash(&prev_hash) != stored_hash {
                return Ok(AuditVerdict::Broken {
                    seq,
                    reason: "postens innehåll har ändrats".into(),
                });
            }
            prev_hash = stored_hash;
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
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        subject_person: row
            .try_get::<Option<i64>, _>("subject_person")?
            .map(domain::PersonId),
        page: row.try_get("page")?,
        detail_json: row.try_get("detail_json")?,
    })
}
