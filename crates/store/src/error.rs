//! The store's error type: typed, so callers can tell bad input from a conflict from a broken database.

use domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A domain rule refused the input or the transition (nothing was written).
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The id does not exist (nothing was written).
    #[error("{what} {id} finns inte")]
    NotFound { what: &'static str, id: i64 },
    /// Someone else changed the record since it was read (optimistic concurrency), or the request contradicts the
    /// current state (a decision that is no longer current). Nothing was written; reload and try again.
    #[error("konflikt: {0}")]
    Conflict(&'static str),
    /// The same thing already exists (e.g. a personnummer already registered). Nothing was written.
    #[error("finns redan: {0}")]
    Duplicate(&'static str),
    /// A test-only failure injected at a named point (see [`crate::FailPoints`]).
    #[error("injicerat fel vid {0}")]
    Injected(&'static str),
    /// Stored data that cannot be read back into domain types: a bug or a tampered database.
    #[error("lagrade data är ogiltiga: {0}")]
    Corrupt(String),
    /// The read log (on SQLite a file beside the database, `…-readlog`) is missing although the database says it
    /// was created: the database was copied or restored without it.
    #[error("läsloggen saknas (SQLite: filen som slutar på -readlog ska ligga bredvid databasen)")]
    ReadLogMissing,
    /// The read log's file beside a SQLite database could not be created.
    #[error("läsloggens fil kunde inte skapas: {0}")]
    ReadLogFile(String),
    /// The record of a read of personal data could not be committed, so the data is not shown.
    #[error("läsningen kunde inte loggas")]
    ReadNotRecorded,
    /// A checkpoint of the audit chains could not be published outside the database (signed and appended to the
    /// checkpoint file); the database did not record it either.
    #[error("kontrollpunkten kunde inte publiceras: {0}")]
    CheckpointNotPublished(String),
    #[error("databasfel")]
    Database(#[from] sqlx::Error),
    #[error("migrering misslyckades")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("okänd databas-URL (använd sqlite:// eller postgres://)")]
    UnknownBackend,
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    pub(crate) fn corrupt(what: impl std::fmt::Display) -> StoreError {
        StoreError::Corrupt(what.to_string())
    }
}
