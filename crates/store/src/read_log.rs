//! Records of personal-data reads, appended by group commit.
//!
//! A page that shows personal data reads it in a read-only transaction (many run at once) and then hands the
//! records of that read to [`SqlStore::record_read`], which returns only when they are committed to the audit
//! chain: the data never leaves the store without its record. Concurrent readers' records are appended together,
//! in one write transaction, by whichever reader gets the writer queue first. Fifty users reading at once therefore
//! cost one chain append, not fifty one after the other, which is what keeps a page view fast on SQLite's single
//! writer.

use domain::{Actor, PersonId};
use tokio::sync::oneshot;

use crate::error::{Result, StoreError};
use crate::sql::{AuditEntry, SqlStore};

/// The records of one read, and where to say whether they were committed.
struct Pending {
    actor: Actor,
    action: String,
    entries: Vec<(Option<PersonId>, serde_json::Value)>,
    committed: oneshot::Sender<bool>,
}

/// Reads waiting for the next group commit.
#[derive(Default)]
pub(crate) struct ReadLog {
    pending: std::sync::Mutex<Vec<Pending>>,
}

impl std::fmt::Debug for ReadLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadLog").finish_non_exhaustive()
    }
}

impl ReadLog {
    fn push(&self, p: Pending) {
        // A poisoned lock only means another thread panicked while pushing; the vector itself is intact.
        self.pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(p);
    }

    fn take(&self) -> Vec<Pending> {
        std::mem::take(
            &mut *self
                .pending
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }
}

impl SqlStore {
    /// Records that `actor` read personal data: one audit record per entry (subject, detail), committed before
    /// this returns. An error means the read must not be shown.
    pub(crate) async fn record_read(
        &self,
        actor: &Actor,
        action: &str,
        entries: Vec<(Option<PersonId>, serde_json::Value)>,
    ) -> Result<()> {
        let (committed, outcome) = oneshot::channel();
        self.reads.push(Pending {
            actor: actor.clone(),
            action: action.to_owned(),
            entries,
            committed,
        });
        let turn = self.read_log_turn().await;
        let batch = self.reads.take();
        if batch.is_empty() {
            // An earlier reader took ours along with theirs.
            drop(turn);
        } else {
            // Appended in a task of its own, so that a request cancelled meanwhile (a closed browser tab) cannot
            // abandon the other readers' records halfway.
            let store = self.clone();
            tokio::spawn(async move {
                let ok = match store.append_reads(turn, &batch).await {
                    Ok(()) => true,
                    Err(e) => {
                        tracing::error!(error = %e, records = batch.len(), "appending read records failed");
                        false
                    }
                };
                for p in batch {
                    // The reader may have gone away; its record is committed all the same.
                    let _ = p.committed.send(ok);
                }
            });
        }
        match outcome.await {
            Ok(true) => Ok(()),
            _ => Err(StoreError::ReadNotRecorded),
        }
    }

    async fn append_reads(&self, turn: tokio::sync::OwnedMutexGuard<()>, batch: &[Pending]) -> Result<()> {
        let mut tx = self.begin_read_log(turn).await?;
        let entries: Vec<AuditEntry<'_>> = batch
            .iter()
            .flat_map(|p| {
                p.entries.iter().map(|(subject, detail)| AuditEntry {
                    actor: &p.actor,
                    action: &p.action,
                    subject: *subject,
                    detail,
                })
            })
            .collect();
        tx.fail_point("read_log.append")?;
        tx.audit_entries(&entries).await?;
        tx.commit().await
    }
}
