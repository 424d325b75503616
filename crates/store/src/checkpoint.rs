//! Checkpoints that anchor the two audit chains outside the database.
//!
//! A hash chain stored in the database proves nothing to someone who can write the database: they can change a
//! record and recompute every later hash. On SQLite they can also put back an older copy of the read log's file,
//! whose chain is intact, only shorter. So at intervals the server takes a *checkpoint*: both chain heads (sequence
//! number and hash), numbered and signed with an Ed25519 key kept outside the database, appended as one JSON line to
//! a file the database user cannot rewrite (see `app::checkpoints`). The main database records the same heads
//! (`audit_checkpoints`), so a read log behind a head the main database has seen shows even without the file.
//!
//! [`Checkpoints::verify_checkpoints`] then compares the chains with every checkpoint: each one's signature must hold,
//! and each head it names must still be in its chain with the same hash. A head beyond the chain's end means the log
//! was rolled back (or cut short); a different hash at that record means it was rewritten at or before it.
//!
//! Signing, the line format and the comparison do no IO; reading the key file and the directory is the caller's.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::error::{Result, StoreError};
use crate::model::AuditLog;
use crate::sql::{SqlStore, from_micros, micros};

/// Names the format of the signed bytes, so a signature over anything else can never pass as a checkpoint's.
const DOMAIN: &str = "stegvis-audit-checkpoint-1";

/// A chain's head: the last record's sequence number and hash (seq 0 and the genesis hash for an empty log).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainHead {
    pub seq: i64,
    pub hash: String,
}

/// Both chains' heads at one instant, numbered from 1 in the order they were taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub number: i64,
    /// Whole microseconds, as the database stores instants.
    pub at: Timestamp,
    pub changes: ChainHead,
    pub reads: ChainHead,
}

impl Checkpoint {
    /// The bytes the signature covers: a JSON array of plain values in a fixed order, like a chain record's
    /// canonical form (unambiguous, and stable as long as the domain tag stays).
    pub fn canonical(&self) -> Vec<u8> {
        serde_json::json!([
            DOMAIN,
            self.number,
            micros(self.at),
            self.changes.seq,
            self.changes.hash,
            self.reads.seq,
            self.reads.hash
        ])
        .to_string()
        .into_bytes()
    }

    pub fn sign(&self, key: &CheckpointKey) -> SignedCheckpoint {
        SignedCheckpoint {
            checkpoint: self.clone(),
            signature: hex::encode(key.0.sign(&self.canonical()).to_bytes()),
        }
    }

    fn head(&self, log: AuditLog) -> &ChainHead {
        match log {
            AuditLog::Changes => &self.changes,
            AuditLog::Reads => &self.reads,
        }
    }
}

/// A checkpoint as published: one JSON line, `{"number":..,"at":..,"changes":{..},"reads":{..},"signature":".."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedCheckpoint {
    #[serde(flatten)]
    pub checkpoint: Checkpoint,
    /// Ed25519 over [`Checkpoint::canonical`], hex.
    pub signature: String,
}

impl SignedCheckpoint {
    /// The line to append (without its newline).
    pub fn to_line(&self) -> String {
        // Serialising plain strings and integers cannot fail; an empty line would be reported as unreadable.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Whether one of `keys` signed exactly this checkpoint.
    pub fn verifies(&self, keys: &[PublicKey]) -> bool {
        let Some(signature) = hex::decode(&self.signature)
            .ok()
            .and_then(|b| Signature::from_slice(&b).ok())
        else {
            return false;
        };
        let message = self.checkpoint.canonical();
        keys.iter()
            .any(|k| k.0.verify_strict(&message, &signature).is_ok())
    }
}

/// The secret key that signs checkpoints: 32 bytes kept outside the database. `Debug` never shows it.
#[derive(Clone)]
pub struct CheckpointKey(SigningKey);

impl std::fmt::Debug for CheckpointKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("CheckpointKey")
            .field(&self.public().to_hex())
            .finish()
    }
}

impl CheckpointKey {
    pub fn from_seed(seed: &[u8; 32]) -> CheckpointKey {
        CheckpointKey(SigningKey::from_bytes(seed))
    }

    /// The seed as 64 hex digits (what a key file holds).
    pub fn seed_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }
}

/// The public half, which is all that verifying needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// 64 hex digits.
    pub fn from_hex(text: &str) -> Option<PublicKey> {
        let bytes: [u8; 32] = hex::decode(text.trim()).ok()?.try_into().ok()?;
        VerifyingKey::from_bytes(&bytes).ok().map(PublicKey)
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }
}

/// Who vouches for a head: a signed checkpoint from the published file, or the main database's own record of it
/// (unsigned: it catches a read log put back beside an untouched main file, not a rewritten main file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Witness {
    Signed,
    MainDatabase,
}

impl Witness {
    fn text(self) -> &'static str {
        match self {
            Witness::Signed => "den signerade kontrollpunkten",
            Witness::MainDatabase => "huvuddatabasens kontrollpunkt",
        }
    }
}

/// Something the comparison with the checkpoints found. At most one of each kind per log is reported: the
/// earliest record that differs, and the furthest head the log no longer reaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum CheckpointFinding {
    /// A published line that is no checkpoint (`line` counts from 1).
    Unreadable { line: usize },
    /// A published checkpoint whose signature none of the trusted keys made: forged, altered, or signed with a key
    /// that was not given.
    BadSignature { number: i64 },
    /// The log ends before a head the checkpoint saw: an older copy was put back, or records were cut off the end.
    RolledBack {
        log: AuditLog,
        witness: Witness,
        number: i64,
        seen: i64,
        now: i64,
    },
    /// The record at a checkpoint's head has another hash than the checkpoint's: the log was rewritten at or before
    /// record `seq` and after record `after` (the last one an earlier checkpoint still confirms; 0: from the start).
    Rewritten {
        log: AuditLog,
        witness: Witness,
        number: i64,
        seq: i64,
        after: i64,
    },
}

fn log_name(log: AuditLog) -> &'static str {
    match log {
        AuditLog::Changes => "ändringsloggen",
        AuditLog::Reads => "läsloggen",
    }
}

impl std::fmt::Display for CheckpointFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CheckpointFinding::Unreadable { line } => {
                write!(f, "rad {line} i kontrollpunktsfilen är ingen kontrollpunkt")
            }
            CheckpointFinding::BadSignature { number } => write!(
                f,
                "kontrollpunkt {number} har en ogiltig signatur (förfalskad, ändrad eller signerad med en annan nyckel)"
            ),
            CheckpointFinding::RolledBack {
                log: AuditLog::Reads,
                witness,
                number,
                seen,
                now,
            } => write!(
                f,
                "läsloggen har rullats tillbaka: den slutar vid post {now}, men {} nummer {number} såg post {seen} \
                 (en äldre kopia har lagts tillbaka eller poster har tagits bort från slutet)",
                witness.text()
            ),
            CheckpointFinding::RolledBack {
                log: AuditLog::Changes,
                witness,
                number,
                seen,
                now,
            } => write!(
                f,
                "ändringsloggen har rullats tillbaka: den slutar vid post {now}, men {} nummer {number} såg post \
                 {seen} (databasen har återställts från en äldre kopia eller poster har tagits bort från slutet)",
                witness.text()
            ),
            CheckpointFinding::Rewritten {
                log,
                witness,
                number,
                seq,
                after,
            } => {
                write!(
                    f,
                    "{} har skrivits om vid eller före post {seq}: posten har en annan hash än i {} nummer {number}",
                    log_name(*log),
                    witness.text()
                )?;
                if *after > 0 {
                    write!(
                        f,
                        " (ändringen ligger efter post {after}, som en tidigare kontrollpunkt bekräftar)"
                    )?;
                }
                if *log == AuditLog::Reads {
                    write!(f, "; eller så har en äldre kopia lagts tillbaka och fyllts på")?;
                }
                Ok(())
            }
        }
    }
}

/// What comparing the chains with the checkpoints found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckpointReport {
    /// Published checkpoints whose signature holds (each compared with the chains).
    pub signed: usize,
    /// Checkpoints the main database recorded.
    pub recorded: usize,
    /// The newest checkpoint with a valid signature.
    pub last_signed: Option<Checkpoint>,
    /// Empty when every checkpoint agrees with the chains.
    pub findings: Vec<CheckpointFinding>,
}

/// Parses a published file: its checkpoints, and a finding for each line that is none (blank lines are skipped;
/// a torn last line after a crash shows as unreadable, which is the truth).
pub fn parse_published(text: &str) -> (Vec<SignedCheckpoint>, Vec<CheckpointFinding>) {
    let mut checkpoints = vec![];
    let mut findings = vec![];
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<SignedCheckpoint>(line) {
            Ok(c) => checkpoints.push(c),
            Err(_) => findings.push(CheckpointFinding::Unreadable { line: i + 1 }),
        }
    }
    (checkpoints, findings)
}

/// One head a witness vouches for.
struct Pin<'a> {
    witness: Witness,
    number: i64,
    head: &'a ChainHead,
}

/// Compares one log with the heads vouched for (pure): `now` is the log's current head seq, `hashes` the stored
/// hash of each pinned record the log still has.
fn compare(
    log: AuditLog,
    pins: &[Pin<'_>],
    now: i64,
    hashes: &BTreeMap<i64, String>,
    findings: &mut Vec<CheckpointFinding>,
) {
    // The furthest head beyond the end (signed witnesses first at equal seq: they are the stronger evidence).
    let beyond = pins
        .iter()
        .filter(|p| p.head.seq > now)
        .max_by_key(|p| (p.head.seq, p.witness == Witness::Signed));
    if let Some(p) = beyond {
        findings.push(CheckpointFinding::RolledBack {
            log,
            witness: p.witness,
            number: p.number,
            seen: p.head.seq,
            now,
        });
    }
    let matches =
        |p: &&Pin<'_>| p.head.seq == 0 || hashes.get(&p.head.seq).is_some_and(|h| *h == p.head.hash);
    let differs = pins
        .iter()
        .filter(|p| p.head.seq <= now && !matches(p))
        .min_by_key(|p| (p.head.seq, p.witness != Witness::Signed));
    if let Some(p) = differs {
        let after = pins
            .iter()
            .filter(|q| q.head.seq < p.head.seq && matches(q))
            .map(|q| q.head.seq)
            .max()
            .unwrap_or(0);
        findings.push(CheckpointFinding::Rewritten {
            log,
            witness: p.witness,
            number: p.number,
            seq: p.head.seq,
            after,
        });
    }
}

/// Taking and checking checkpoints.
pub trait Checkpoints: Send + Sync {
    /// Takes a checkpoint of both chain heads at `at`, numbered after the last one, and records it in the main
    /// database; `publish` (which signs and appends it outside the database) runs before the record is committed,
    /// so the database never keeps a checkpoint that was not published. `None` when neither head has moved since
    /// the last checkpoint (nothing new to anchor). Holds the change log's writer lock while it runs: keep
    /// `publish` short.
    fn record_checkpoint<F>(
        &self,
        at: Timestamp,
        publish: F,
    ) -> impl Future<Output = Result<Option<Checkpoint>>> + Send
    where
        F: FnOnce(&Checkpoint) -> std::result::Result<(), String> + Send;
    /// The checkpoints the main database recorded, oldest first.
    fn recorded_checkpoints(&self) -> impl Future<Output = Result<Vec<Checkpoint>>> + Send;
    /// Compares both chains with the published checkpoints (the text of the checkpoint file; empty when there is
    /// none) signed by one of `keys`, and with the heads the main database recorded. Does not recompute the chains
    /// themselves: that is [`crate::Store::verify_audit_chain`] and [`crate::Store::verify_read_chain`].
    fn verify_checkpoints(
        &self,
        published: &str,
        keys: &[PublicKey],
    ) -> impl Future<Output = Result<CheckpointReport>> + Send;
}

const CHECKPOINT_COLUMNS: &str = "number, at, changes_seq, changes_hash, reads_seq, reads_hash";

fn checkpoint_from_row(row: &sqlx::any::AnyRow) -> Result<Checkpoint> {
    Ok(Checkpoint {
        number: row.try_get("number")?,
        at: from_micros(row.try_get("at")?)?,
        changes: ChainHead {
            seq: row.try_get("changes_seq")?,
            hash: row.try_get("changes_hash")?,
        },
        reads: ChainHead {
            seq: row.try_get("reads_seq")?,
            hash: row.try_get("reads_hash")?,
        },
    })
}

/// Pinned records fetched per statement (one parameter each; far inside both databases' limits).
const HASHES_PER_STATEMENT: usize = 500;

/// The stored hash of each of `seqs` that the log has.
async fn hashes_at(store: &SqlStore, log: AuditLog, seqs: &BTreeSet<i64>) -> Result<BTreeMap<i64, String>> {
    let seqs: Vec<i64> = seqs.iter().copied().collect();
    let mut out = BTreeMap::new();
    for chunk in seqs.chunks(HASHES_PER_STATEMENT) {
        let params: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT seq, hash FROM {} WHERE seq IN ({})",
            log.table(),
            params.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for seq in chunk {
            q = q.bind(*seq);
        }
        for row in q.fetch_all(store.pool()).await? {
            out.insert(row.try_get("seq")?, row.try_get("hash")?);
        }
    }
    Ok(out)
}

async fn head_seq(store: &SqlStore, log: AuditLog) -> Result<i64> {
    let sql = format!("SELECT seq FROM {} WHERE id = 1", log.head());
    let row = sqlx::query(&sql).fetch_one(store.pool()).await?;
    Ok(row.try_get("seq")?)
}

impl Checkpoints for SqlStore {
    async fn record_checkpoint<F>(&self, at: Timestamp, publish: F) -> Result<Option<Checkpoint>>
    where
        F: FnOnce(&Checkpoint) -> std::result::Result<(), String> + Send,
    {
        // The change log's write transaction: its head cannot move meanwhile, and checkpoints are numbered one
        // after the other even when two servers share a database.
        let mut tx = self.begin().await?;
        let (seq, hash) = tx.head();
        let changes = ChainHead {
            seq,
            hash: hash.to_owned(),
        };
        let row = sqlx::query(&format!(
            "SELECT seq, hash FROM {} WHERE id = 1",
            AuditLog::Reads.head()
        ))
        .fetch_one(tx.conn())
        .await?;
        let reads = ChainHead {
            seq: row.try_get("seq")?,
            hash: row.try_get("hash")?,
        };
        let last = sqlx::query(&format!(
            "SELECT {CHECKPOINT_COLUMNS} FROM audit_checkpoints ORDER BY number DESC LIMIT 1"
        ))
        .fetch_optional(tx.conn())
        .await?
        .map(|row| checkpoint_from_row(&row))
        .transpose()?;
        if last
            .as_ref()
            .is_some_and(|l| l.changes == changes && l.reads == reads)
        {
            return Ok(None);
        }
        let checkpoint = Checkpoint {
            number: last.map_or(1, |l| l.number + 1),
            // The database keeps microseconds: the signed instant must be the one read back.
            at: from_micros(micros(at))?,
            changes,
            reads,
        };
        sqlx::query(
            "INSERT INTO audit_checkpoints (number, at, changes_seq, changes_hash, reads_seq, reads_hash) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(checkpoint.number)
        .bind(micros(checkpoint.at))
        .bind(checkpoint.changes.seq)
        .bind(checkpoint.changes.hash.clone())
        .bind(checkpoint.reads.seq)
        .bind(checkpoint.reads.hash.clone())
        .execute(tx.conn())
        .await?;
        tx.fail_point("checkpoint.publish")?;
        publish(&checkpoint).map_err(StoreError::CheckpointNotPublished)?;
        tx.commit().await?;
        Ok(Some(checkpoint))
    }

    async fn recorded_checkpoints(&self) -> Result<Vec<Checkpoint>> {
        sqlx::query(&format!(
            "SELECT {CHECKPOINT_COLUMNS} FROM audit_checkpoints ORDER BY number"
        ))
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(checkpoint_from_row)
        .collect()
    }

    async fn verify_checkpoints(&self, published: &str, keys: &[PublicKey]) -> Result<CheckpointReport> {
        let (signed, mut findings) = parse_published(published);
        let mut valid = vec![];
        for c in signed {
            if c.verifies(keys) {
                valid.push(c.checkpoint);
            } else {
                findings.push(CheckpointFinding::BadSignature {
                    number: c.checkpoint.number,
                });
            }
        }
        let recorded = self.recorded_checkpoints().await?;
        for log in [AuditLog::Changes, AuditLog::Reads] {
            let pins: Vec<Pin<'_>> = valid
                .iter()
                .map(|c| (Witness::Signed, c))
                .chain(recorded.iter().map(|c| (Witness::MainDatabase, c)))
                .map(|(witness, c)| Pin {
                    witness,
                    number: c.number,
                    head: c.head(log),
                })
                .collect();
            let now = head_seq(self, log).await?;
            let wanted: BTreeSet<i64> = pins
                .iter()
                .map(|p| p.head.seq)
                .filter(|s| *s > 0 && *s <= now)
                .collect();
            let hashes = hashes_at(self, log, &wanted).await?;
            compare(log, &pins, now, &hashes, &mut findings);
        }
        Ok(CheckpointReport {
            signed: valid.len(),
            recorded: recorded.len(),
            last_signed: valid.into_iter().max_by_key(|c| c.number),
            findings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checkpoint() -> Checkpoint {
        Checkpoint {
            number: 3,
            at: "2026-03-15T09:00:00.123456Z".parse().unwrap(),
            changes: ChainHead {
                seq: 12,
                hash: "ab".repeat(32),
            },
            reads: ChainHead {
                seq: 40,
                hash: "cd".repeat(32),
            },
        }
    }

    #[test]
    fn a_signed_line_round_trips_and_any_change_breaks_the_signature() {
        let key = CheckpointKey::from_seed(&[7; 32]);
        let other = CheckpointKey::from_seed(&[8; 32]);
        let signed = checkpoint().sign(&key);
        let (parsed, bad) = parse_published(&format!("{}\n\nnot json\n", signed.to_line()));
        assert_eq!(parsed, vec![signed.clone()]);
        assert_eq!(bad, vec![CheckpointFinding::Unreadable { line: 3 }]);
        assert!(signed.verifies(&[key.public()]));
        assert!(
            signed.verifies(&[other.public(), key.public()]),
            "any trusted key"
        );
        assert!(!signed.verifies(&[other.public()]));
        assert!(!signed.verifies(&[]));
        let mut moved = signed.clone();
        moved.checkpoint.reads.seq = 39;
        assert!(!moved.verifies(&[key.public()]));
        let mut garbled = signed;
        garbled.signature = "00".into();
        assert!(!garbled.verifies(&[key.public()]));
        assert_eq!(PublicKey::from_hex(&key.public().to_hex()), Some(key.public()));
        assert!(
            !format!("{key:?}").contains(&key.seed_hex()),
            "Debug shows only the public key"
        );
    }

    #[test]
    fn the_comparison_names_the_earliest_rewrite_and_the_furthest_rollback() {
        let h = |seq: i64, hash: &str| ChainHead {
            seq,
            hash: hash.to_owned(),
        };
        let heads = [h(5, "a5"), h(9, "a9"), h(14, "a14"), h(20, "a20")];
        let pins: Vec<Pin<'_>> = heads
            .iter()
            .zip(1..)
            .map(|(head, number)| Pin {
                witness: Witness::Signed,
                number,
                head,
            })
            .collect();
        // The log now ends at 16 and records 9 and 14 have other hashes: rewritten after 5 (still confirmed), at or
        // before 9 (the earliest that differs); rolled back from 20 (checkpoint 4) to 16.
        let hashes: BTreeMap<i64, String> = [(5, "a5"), (9, "x9"), (14, "x14")]
            .into_iter()
            .map(|(s, h)| (s, h.to_owned()))
            .collect();
        let mut findings = vec![];
        compare(AuditLog::Changes, &pins, 16, &hashes, &mut findings);
        assert_eq!(
            findings,
            vec![
                CheckpointFinding::RolledBack {
                    log: AuditLog::Changes,
                    witness: Witness::Signed,
                    number: 4,
                    seen: 20,
                    now: 16
                },
                CheckpointFinding::Rewritten {
                    log: AuditLog::Changes,
                    witness: Witness::Signed,
                    number: 2,
                    seq: 9,
                    after: 5
                },
            ]
        );
    }
}
