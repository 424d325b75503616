//! Checkpoints of the audit chains on every backend: a clean database verifies against them; a chain rewritten
//! with every later hash recomputed, a read log put back to an older state, and a checkpoint with a bad signature
//! are each named; a checkpoint that could not be published is not recorded.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test code: a failure should panic"
)]

use domain::journal::NoteKind;
use domain::{Actor, HouseholdId, StaffId};
use jiff::civil::date;
use sha2::{Digest, Sha256};
use sqlx::{Executor, Row};
use store::{
    AuditLog, AuditVerdict, Checkpoint, CheckpointFinding, CheckpointKey, Checkpoints, SqlStore, Store,
    StoreError, Witness,
};

use super::support::{TODAY, actor, backends, count, household, is_sqlite, ts};

fn key() -> CheckpointKey {
    CheckpointKey::from_seed(&[11; 32])
}

/// Takes a checkpoint and "publishes" it into `lines` (standing in for the append-only file).
async fn checkpoint(
    s: &SqlStore,
    at: &str,
    lines: &mut Vec<String>,
    key: &CheckpointKey,
) -> Option<Checkpoint> {
    s.record_checkpoint(ts(at), |c| {
        lines.push(c.sign(key).to_line());
        Ok(())
    })
    .await
    .unwrap()
}

/// A caseworker opens the one-person household: one read-log record.
async fn read(s: &SqlStore, h: HouseholdId, at: &str) {
    let reader = Actor::staff(StaffId(7), "household/overview", ts(at));
    s.household_overview(&reader, h, TODAY).await.unwrap();
}

async fn note(s: &SqlStore, a: &Actor, person: domain::PersonId, text: &str) {
    s.append_journal(a, person, NoteKind::Note, text).await.unwrap();
}

async fn hash_at(s: &SqlStore, table: &str, seq: i64) -> String {
    sqlx::query(&format!("SELECT hash FROM {table} WHERE seq = $1"))
        .bind(seq)
        .fetch_one(s.pool())
        .await
        .unwrap()
        .get("hash")
}

/// Lifts the append-only triggers of a log, as someone with full rights over the database could.
async fn lift_triggers(s: &SqlStore, log: AuditLog) {
    let stmts: &[&str] = match (is_sqlite(s), log) {
        (true, AuditLog::Changes) => &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ],
        (true, AuditLog::Reads) => &[
            "DROP TRIGGER readlog.read_log_no_update",
            "DROP TRIGGER readlog.read_log_no_delete",
        ],
        (false, AuditLog::Changes) => &["ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update"],
        (false, AuditLog::Reads) => &["ALTER TABLE readlog.read_log DISABLE TRIGGER read_log_no_update"],
    };
    for stmt in stmts {
        s.pool().execute(*stmt).await.unwrap();
    }
}

/// Changes record `seq` of the change log and recomputes every later link and the head, by the chain's published
/// formula (sha256 of the previous hash's hex followed by the JSON array of the fields), so that the chain alone
/// looks intact.
async fn rewrite_changes(s: &SqlStore, seq: i64, detail: &str) {
    lift_triggers(s, AuditLog::Changes).await;
    let rows = sqlx::query(
        "SELECT seq, at, actor, action, subject_person, page, detail_json, prev_hash FROM audit_log \
         WHERE seq >= $1 ORDER BY seq",
    )
    .bind(seq)
    .fetch_all(s.pool())
    .await
    .unwrap();
    let mut prev: String = rows[0].get("prev_hash");
    for row in &rows {
        let n: i64 = row.get("seq");
        let detail = if n == seq {
            detail.to_owned()
        } else {
            row.get("detail_json")
        };
        let canonical = serde_json::json!([
            n,
            row.get::<i64, _>("at"),
            row.get::<String, _>("actor"),
            row.get::<String, _>("action"),
            row.get::<Option<i64>, _>("subject_person"),
            row.get::<String, _>("page"),
            detail
        ])
        .to_string();
        // The chain's formula (store::audit): hash = sha256(prev_hash || content_digest), both hex, with
        // content_digest = sha256(canonical content). Whoever can write the database can recompute both.
        let digest = hex::encode(Sha256::digest(canonical.as_bytes()));
        let hash = hex::encode(
            Sha256::new()
                .chain_update(prev.as_bytes())
                .chain_update(digest.as_bytes())
                .finalize(),
        );
        sqlx::query(
            "UPDATE audit_log SET detail_json = $1, content_digest = $2, prev_hash = $3, hash = $4 WHERE seq = $5",
        )
        .bind(detail)
        .bind(digest)
        .bind(prev.clone())
            .bind(hash.clone())
            .bind(n)
            .execute(s.pool())
            .await
            .unwrap();
        prev = hash;
    }
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(prev)
        .execute(s.pool())
        .await
        .unwrap();
}

async fn a_clean_database_with_checkpoints_verifies(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    let (_, p, h) = household(s, &a, date(1980, 2, 7), 21).await;
    read(s, h, "2026-03-15T10:00:00Z").await;
    let mut lines = vec![];
    let first = checkpoint(s, "2026-03-15T10:15:00Z", &mut lines, &key())
        .await
        .unwrap();
    // The heads as they are: the change log's last record, and the one read so far.
    let changes = count(s, "SELECT COUNT(*) FROM audit_log").await;
    assert_eq!(first.number, 1);
    assert_eq!(first.at, ts("2026-03-15T10:15:00Z"));
    assert_eq!(first.changes.seq, changes);
    assert_eq!(first.changes.hash, hash_at(s, "audit_log", changes).await);
    assert_eq!(first.reads.seq, 1);
    assert_eq!(first.reads.hash, hash_at(s, "readlog.read_log", 1).await);
    // Nothing logged since: nothing new to anchor.
    assert_eq!(
        checkpoint(s, "2026-03-15T10:30:00Z", &mut lines, &key()).await,
        None
    );
    note(s, &a, p, "Besök").await;
    read(s, h, "2026-03-15T10:40:00Z").await;
    let second = checkpoint(s, "2026-03-15T10:45:00Z", &mut lines, &key())
        .await
        .unwrap();
    // One journal note (one change record) and one more read since the first.
    assert_eq!(
        (second.number, second.changes.seq, second.reads.seq),
        (2, changes + 1, 2)
    );
    assert_eq!(
        s.recorded_checkpoints().await.unwrap(),
        vec![first, second.clone()]
    );
    let report = s
        .verify_checkpoints(&lines.join("\n"), &[key().public()])
        .await
        .unwrap();
    assert_eq!(report.findings, vec![]);
    assert_eq!((report.signed, report.recorded), (2, 2));
    assert_eq!(report.last_signed, Some(second));
    // The database's record of the checkpoints is append-only.
    assert!(
        sqlx::query("UPDATE audit_checkpoints SET reads_seq = 0")
            .execute(s.pool())
            .await
            .is_err()
    );
    assert!(
        sqlx::query("DELETE FROM audit_checkpoints")
            .execute(s.pool())
            .await
            .is_err()
    );
}

async fn a_rewritten_chain_is_named(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    let (_, p, _) = household(s, &a, date(1981, 3, 8), 22).await;
    let mut lines = vec![];
    let first = checkpoint(s, "2026-03-15T09:15:00Z", &mut lines, &key())
        .await
        .unwrap();
    for i in 0..3 {
        note(s, &a, p, &format!("Anteckning {i}")).await;
    }
    let second = checkpoint(s, "2026-03-15T09:30:00Z", &mut lines, &key())
        .await
        .unwrap();
    // Three notes, three records, after the first checkpoint.
    assert_eq!(second.changes.seq, first.changes.seq + 3);
    // The middle note's record is changed and every later hash recomputed.
    rewrite_changes(s, first.changes.seq + 2, r#"{"note":"ändrad"}"#).await;
    // The chain alone cannot tell...
    assert_eq!(
        s.verify_audit_chain().await.unwrap(),
        AuditVerdict::Intact {
            records: second.changes.seq
        }
    );
    // ... the checkpoints can: the second no longer matches, the first still does, so the change lies between.
    let report = s
        .verify_checkpoints(&lines.join("\n"), &[key().public()])
        .await
        .unwrap();
    let rewritten = CheckpointFinding::Rewritten {
        log: AuditLog::Changes,
        witness: Witness::Signed,
        number: 2,
        seq: second.changes.seq,
        after: first.changes.seq,
    };
    assert_eq!(report.findings, vec![rewritten.clone()]);
    let text = rewritten.to_string();
    assert!(
        text.starts_with(&format!(
            "ändringsloggen har skrivits om vid eller före post {}",
            second.changes.seq
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("efter post {}", first.changes.seq)),
        "{text}"
    );
}

/// Puts the read log back to its state when `read_log_path` was copied to `backup` (SQLite: the older file itself;
/// PostgreSQL: the records after `seq` removed and the head set back, which is what restoring it amounts to).
async fn roll_back_reads(s: SqlStore, url: &str, backup: Option<&str>, seq: i64) -> SqlStore {
    match backup {
        Some(backup) => {
            s.close().await;
            let path = store::read_log_path(url).unwrap();
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
                if std::path::Path::new(&format!("{backup}{suffix}")).exists() {
                    std::fs::copy(format!("{backup}{suffix}"), format!("{path}{suffix}")).unwrap();
                }
            }
            SqlStore::connect(url).await.unwrap()
        }
        None => {
            lift_triggers(&s, AuditLog::Reads).await;
            let hash = hash_at(&s, "readlog.read_log", seq).await;
            sqlx::query("DELETE FROM readlog.read_log WHERE seq > $1")
                .bind(seq)
                .execute(s.pool())
                .await
                .unwrap();
            sqlx::query("UPDATE readlog.read_head SET seq = $1, hash = $2 WHERE id = 1")
                .bind(seq)
                .bind(hash)
                .execute(s.pool())
                .await
                .unwrap();
            s
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolled_back_read_log_is_named() {
    for db in backends().await {
        // Its own connections only: on SQLite the files are copied while no connection has them open.
        db.store.close().await;
        let s = SqlStore::connect(&db.url).await.unwrap();
        let a = actor("2026-03-15T09:00:00Z");
        let (_, _, h) = household(&s, &a, date(1982, 4, 9), 23).await;
        read(&s, h, "2026-03-15T10:00:00Z").await;
        let mut lines = vec![];
        checkpoint(&s, "2026-03-15T10:15:00Z", &mut lines, &key())
            .await
            .unwrap();
        // A copy of the read log as it is now, one record long.
        let backup = if is_sqlite(&s) {
            s.close().await;
            let path = store::read_log_path(&db.url).unwrap();
            for suffix in ["", "-wal"] {
                if std::path::Path::new(&format!("{path}{suffix}")).exists() {
                    std::fs::copy(format!("{path}{suffix}"), format!("{path}.old{suffix}")).unwrap();
                }
            }
            Some(format!("{path}.old"))
        } else {
            None
        };
        let s = SqlStore::connect(&db.url).await.unwrap();
        read(&s, h, "2026-03-15T11:00:00Z").await;
        read(&s, h, "2026-03-15T11:05:00Z").await;
        let second = checkpoint(&s, "2026-03-15T11:15:00Z", &mut lines, &key())
            .await
            .unwrap();
        assert_eq!(second.reads.seq, 3);
        let s = roll_back_reads(s, &db.url, backup.as_deref(), 1).await;
        // The older read log is a whole chain of its own...
        assert_eq!(
            s.verify_read_chain().await.unwrap(),
            AuditVerdict::Intact { records: 1 }
        );
        // ... one that ends before the head the second checkpoint saw: the signed one says so, and so does the
        // main database's own record, even without the checkpoint file.
        let rolled_back = |witness| CheckpointFinding::RolledBack {
            log: AuditLog::Reads,
            witness,
            number: 2,
            seen: 3,
            now: 1,
        };
        let report = s
            .verify_checkpoints(&lines.join("\n"), &[key().public()])
            .await
            .unwrap();
        assert_eq!(report.findings, vec![rolled_back(Witness::Signed)]);
        assert!(
            report.findings[0]
                .to_string()
                .starts_with("läsloggen har rullats tillbaka: den slutar vid post 1, men den signerade kontrollpunkten nummer 2 såg post 3")
        );
        let report = s.verify_checkpoints("", &[]).await.unwrap();
        assert_eq!(report.findings, vec![rolled_back(Witness::MainDatabase)]);
        // Reading on from the older copy gives other records 2 and 3 (later instants), so once it is as long again
        // the rollback shows as a difference at the second checkpoint's head, after the first one's.
        read(&s, h, "2026-03-16T08:00:00Z").await;
        read(&s, h, "2026-03-16T08:05:00Z").await;
        let report = s
            .verify_checkpoints(&lines.join("\n"), &[key().public()])
            .await
            .unwrap();
        assert_eq!(
            report.findings,
            vec![CheckpointFinding::Rewritten {
                log: AuditLog::Reads,
                witness: Witness::Signed,
                number: 2,
                seq: 3,
                after: 1
            }]
        );
        s.close().await;
        if let Some(backup) = backup {
            for suffix in ["", "-wal"] {
                let _ = std::fs::remove_file(format!("{backup}{suffix}"));
            }
        }
        db.finish().await;
    }
}

async fn a_checkpoint_with_a_bad_signature_is_reported(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    let (_, p, _) = household(s, &a, date(1983, 5, 10), 24).await;
    let mut lines = vec![];
    checkpoint(s, "2026-03-15T09:15:00Z", &mut lines, &key())
        .await
        .unwrap();
    note(s, &a, p, "Besök").await;
    let forger = CheckpointKey::from_seed(&[12; 32]);
    checkpoint(s, "2026-03-15T09:30:00Z", &mut lines, &forger)
        .await
        .unwrap();
    // The first checkpoint again, its change log head moved on by one: the signature no longer covers it.
    let altered = lines[0].replacen("\"changes\":{\"seq\":", "\"changes\":{\"seq\":1", 1);
    assert_ne!(altered, lines[0]);
    lines.push(altered);
    // A line torn by a crash mid-write.
    lines.push("{\"number\":3,\"at\":".to_owned());
    let report = s
        .verify_checkpoints(&lines.join("\n"), &[key().public()])
        .await
        .unwrap();
    assert_eq!(
        report.findings,
        vec![
            CheckpointFinding::Unreadable { line: 4 },
            CheckpointFinding::BadSignature { number: 2 },
            CheckpointFinding::BadSignature { number: 1 },
        ]
    );
    assert_eq!(
        report.signed, 1,
        "only the first line is signed by the trusted key"
    );
    assert!(
        report.findings[1]
            .to_string()
            .starts_with("kontrollpunkt 2 har en ogiltig signatur")
    );
    // With the other key trusted as well (a key that was replaced), the second verifies too.
    let report = s
        .verify_checkpoints(&lines[..2].join("\n"), &[key().public(), forger.public()])
        .await
        .unwrap();
    assert_eq!((report.signed, report.findings), (2, vec![]));
}

async fn a_checkpoint_not_published_is_not_recorded(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    household(s, &a, date(1984, 6, 11), 25).await;
    let failed = s
        .record_checkpoint(ts("2026-03-15T09:15:00Z"), |_| Err("disk full".to_owned()))
        .await;
    assert!(
        matches!(failed, Err(StoreError::CheckpointNotPublished(ref e)) if e == "disk full"),
        "{failed:?}"
    );
    assert_eq!(s.recorded_checkpoints().await.unwrap(), vec![]);
    let mut lines = vec![];
    let c = checkpoint(s, "2026-03-15T09:20:00Z", &mut lines, &key())
        .await
        .unwrap();
    assert_eq!(c.number, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkpoints_anchor_the_chains() {
    for db in backends().await {
        a_clean_database_with_checkpoints_verifies(&db.store).await;
        db.finish().await;
    }
    for db in backends().await {
        a_rewritten_chain_is_named(&db.store).await;
        db.finish().await;
    }
    for db in backends().await {
        a_checkpoint_with_a_bad_signature_is_reported(&db.store).await;
        db.finish().await;
    }
    for db in backends().await {
        a_checkpoint_not_published_is_not_recorded(&db.store).await;
        db.finish().await;
    }
}
