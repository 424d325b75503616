//! The SQL implementation's plumbing: connecting, migrations, transactions that hold the audit chain head, and
//! conversions between column values and domain types.

use std::str::FromStr;
use std::sync::Arc;

use domain::Actor;
use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyConnection, AnyPool, Executor};

use crate::audit;
use crate::error::{Result, StoreError};
use crate::failpoints::FailPoints;
use crate::model::AuditLog;
use crate::read_log::ReadLog;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::UnknownBackend)
        }
    }
}

/// How to open the store. `Debug` hides the URL (it may hold a password).
#[derive(Clone)]
pub struct StoreConfig {
    /// `sqlite://PATH?mode=rwc` or `postgres://user@host/db`.
    pub url: String,
    /// Connections in the pool. Each is a SQLite handle with its own page cache and memory map (or a PostgreSQL
    /// backend process), so this bounds the store's memory together with the two sizes below.
    pub max_connections: u32,
    /// SQLite's page cache per connection, in KiB. With the memory map below, reads hit the map and this cache
    /// holds mostly pages being written; SQLite's own default (2 MiB) made explicit.
    pub sqlite_cache_kib: u32,
    /// How much of the SQLite file each connection maps into memory, in MiB. Mapped pages are the operating
    /// system's page cache, shared with every other mapping of the file and given back under memory pressure; the
    /// process's resident size counts them once per connection that touched them, so `max_connections ×
    /// sqlite_mmap_mib` is the bound on that part of the resident size, not memory taken from anyone.
    pub sqlite_mmap_mib: u32,
    /// Test hook; leave at its default in production.
    pub fail_points: FailPoints,
}

impl std::fmt::Debug for StoreConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreConfig")
            .field("url", &"<dolt>")
            .field("max_connections", &self.max_connections)
            .field("sqlite_cache_kib", &self.sqlite_cache_kib)
            .field("sqlite_mmap_mib", &self.sqlite_mmap_mib)
            .finish_non_exhaustive()
    }
}

impl StoreConfig {
    /// 4 connections: 3, 4 and 8 measured no different in speed under 50 users, and each SQLite connection maps
    /// the file on its own, so 8 doubled the resident size (docs/benchmarks.md, "Memory").
    pub const DEFAULT_MAX_CONNECTIONS: u32 = 4;
    pub const DEFAULT_SQLITE_CACHE_KIB: u32 = 2048;
    /// 256 MiB covers the demo town's file several times over; a larger municipality's hot pages (this year's
    /// applications, sessions, the indexes) fit too, and the rest comes through the page cache.
    pub const DEFAULT_SQLITE_MMAP_MIB: u32 = 256;

    pub fn new(url: impl Into<String>) -> StoreConfig {
        StoreConfig {
            url: url.into(),
            max_connections: StoreConfig::DEFAULT_MAX_CONNECTIONS,
            sqlite_cache_kib: StoreConfig::DEFAULT_SQLITE_CACHE_KIB,
            sqlite_mmap_mib: StoreConfig::DEFAULT_SQLITE_MMAP_MIB,
            fail_points: FailPoints::default(),
        }
    }
}

/// The store on SQLite or PostgreSQL.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
    pub(crate) fail: FailPoints,
    /// Writers queue here, in this process, before they ask the database for its write lock. On SQLite this turns
    /// lock contention into a fair async queue instead of the busy handler's sleep-and-retry, which under load adds
    /// tens of milliseconds per waiting writer. Other processes are still kept apart by the database's own lock.
    writer: Arc<tokio::sync::Mutex<()>>,
    /// The read log's appends queue here (they never wait for the writers of changes: another file, another chain).
    read_log_writer: Arc<tokio::sync::Mutex<()>>,
    /// Records of personal-data reads waiting for the next group commit (see [`crate::read_log`]).
    pub(crate) reads: Arc<ReadLog>,
}

impl SqlStore {
    /// Opens the database at `url` and applies pending migrations.
    pub async fn connect(url: &str) -> Result<SqlStore> {
        SqlStore::connect_with(StoreConfig::new(url)).await
    }

    pub async fn connect_with(config: StoreConfig) -> Result<SqlStore> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(&config.url)?;
        let options = AnyConnectOptions::from_str(&config.url)?;
        // Every connection to an in-memory SQLite database opens a database of its own: keep to one.
        let in_memory = backend == Backend::Sqlite
            && (config.url.contains(":memory:") || config.url.contains("mode=memory"));
        let max = if in_memory {
            1
        } else {
            config.max_connections.max(1)
        };
        // A SQLite connection is a local file handle that cannot go stale; pinging it before every use costs a
        // round trip to its worker thread for nothing. PostgreSQL connections can be cut by the server: test them.
        let mut pool_options = AnyPoolOptions::new()
            .max_connections(max)
            .test_before_acquire(backend == Backend::Postgres);
        if in_memory {
            // Closing the only connection would drop the database.
            pool_options = pool_options
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None);
        }
        let attach = read_log_attach(&config.url, in_memory)?;
        let cache = format!("PRAGMA cache_size = -{}", config.sqlite_cache_kib);
        let mmap = format!(
            "PRAGMA mmap_size = {}",
            u64::from(config.sqlite_mmap_mib) * 1024 * 1024
        );
        let pool = pool_options
            .after_connect(move |conn, _meta| {
                let attach = attach.clone();
                let cache = cache.clone();
                let mmap = mmap.clone();
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the one writer; busy_timeout makes writers queue instead of
                        // failing; foreign keys are off by default in SQLite.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        // Pages through a memory map instead of read(2): a page missing from a connection's cache
                        // (after any commit, every connection's cache starts over) costs a memory access, not a
                        // system call and a copy. The read log is attached here too (see `read_log_attach`).
                        conn.execute(mmap.as_str()).await?;
                        conn.execute(cache.as_str()).await?;
                        conn.execute(attach.as_str()).await?;
                        conn.execute("PRAGMA readlog.journal_mode = WAL").await?;
                        conn.execute("PRAGMA readlog.synchronous = NORMAL").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        match backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
        }
        // The read log is created by a migration; a read log file that has gone missing since (a copied main file
        // without its companion) must stop the store rather than start an empty, unchained log.
        // A missing table or row is a missing log; any other error (a connection opened while SQLite recovers
        // the log's WAL answers "busy" once in a while) is retried a few times and then reported as itself, not
        // mistaken for a missing log.
        let mut attempt = 0;
        loop {
            match sqlx::query("SELECT seq FROM readlog.read_head WHERE id = 1")
                .fetch_optional(&pool)
                .await
            {
                Ok(Some(_)) => break,
                Ok(None) => return Err(StoreError::ReadLogMissing),
                Err(e) if e.to_string().contains("no such table") => return Err(StoreError::ReadLogMissing),
                Err(e) if attempt >= 4 => return Err(e.into()),
                Err(_) => {
                    attempt += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                }
            }
        }
        Ok(SqlStore {
            pool,
            backend,
            fail: config.fail_points,
            writer: Arc::new(tokio::sync::Mutex::new(())),
            read_log_writer: Arc::new(tokio::sync::Mutex::new(())),
            reads: Arc::new(ReadLog::default()),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool, for tests and tools that inspect rows directly. Use cases never need it.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Waits for this process's writer queue: for single writes outside a use-case transaction.
    pub(crate) async fn write_lock(&self) -> tokio::sync::OwnedMutexGuard<()> {
        self.writer.clone().lock_owned().await
    }

    /// Begins a write transaction holding the audit chain head, so audit appends are serialised across
    /// connections and processes. SQLite: `BEGIN IMMEDIATE` takes the write lock at once (no lock upgrade that could
    /// fail later). PostgreSQL: the head row is locked `FOR UPDATE`. Reads of personal data are recorded in the read
    /// log instead ([`SqlStore::record_read`]), so they never wait here.
    pub(crate) async fn begin(&self) -> Result<Tx> {
        let writer = self.writer.clone().lock_owned().await;
        let (mut inner, lock) = match self.backend {
            Backend::Sqlite => (self.pool.begin_with("BEGIN IMMEDIATE").await?, ""),
            Backend::Postgres => (self.pool.begin().await?, " FOR UPDATE"),
        };
        let sql = format!("SELECT seq, hash FROM audit_head WHERE id = 1{lock}");
        let row = sqlx::query(&sql).fetch_one(&mut *inner).await?;
        let seq: i64 = sqlx::Row::try_get(&row, "seq")?;
        let hash: String = sqlx::Row::try_get(&row, "hash")?;
        Ok(Tx {
            inner,
            log: AuditLog::Changes,
            seq,
            hash,
            dirty: false,
            fail: self.fail.clone(),
            _writer: writer,
        })
    }

    /// Waits for this process's queue of read-log appends and returns its guard (the group commit of reads holds
    /// it while it appends).
    pub(crate) async fn read_log_turn(&self) -> tokio::sync::OwnedMutexGuard<()> {
        self.read_log_writer.clone().lock_owned().await
    }

    /// Begins a transaction on the read log, holding its chain head. SQLite: a deferred transaction (an immediate
    /// one would lock the main file too), which only this process's read-log queue ever upgrades to a write.
    /// PostgreSQL: the head row is locked `FOR UPDATE`.
    pub(crate) async fn begin_read_log(&self, turn: tokio::sync::OwnedMutexGuard<()>) -> Result<Tx> {
        let lock = match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        };
        let mut inner = self.pool.begin().await?;
        let sql = format!(
            "SELECT seq, hash FROM {} WHERE id = 1{lock}",
            AuditLog::Reads.head()
        );
        let row = sqlx::query(&sql).fetch_one(&mut *inner).await?;
        Ok(Tx {
            inner,
            log: AuditLog::Reads,
            seq: sqlx::Row::try_get(&row, "seq")?,
            hash: sqlx::Row::try_get(&row, "hash")?,
            dirty: false,
            fail: self.fail.clone(),
            _writer: turn,
        })
    }
}

impl SqlStore {
    /// Begins a read-only transaction: one consistent snapshot for the reads of a page, beside the one writer
    /// (SQLite in WAL mode) or any number of them (PostgreSQL). Personal data read here leaves the store only after
    /// [`SqlStore::record_read`] has committed the record of the read.
    pub(crate) async fn begin_read(&self) -> Result<ReadTx> {
        let inner = match self.backend {
            // Deferred: the snapshot starts at the first read and takes no write lock.
            Backend::Sqlite => self.pool.begin().await?,
            Backend::Postgres => {
                self.pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await?
            }
        };
        Ok(ReadTx { inner })
    }
}

/// A read-only transaction (see [`SqlStore::begin_read`]).
pub(crate) struct ReadTx {
    inner: sqlx::Transaction<'static, Any>,
}

impl ReadTx {
    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }

    /// Ends the snapshot. Nothing was written, so ending it cannot lose anything.
    pub(crate) async fn finish(self) -> Result<()> {
        self.inner.commit().await?;
        Ok(())
    }
}

/// One audit record to append: who (and on which page, when), what, about whom.
pub(crate) struct AuditEntry<'a> {
    pub actor: &'a Actor,
    pub action: &'a str,
    pub subject: Option<domain::PersonId>,
    pub detail: &'a serde_json::Value,
}

/// Ten parameters a row: 900 rows stay well inside SQLite's (32,766) and PostgreSQL's (65,535) parameter limits.
const AUDIT_ROWS_PER_STATEMENT: usize = 900;

/// A write transaction plus the audit chain head it holds.
pub(crate) struct Tx {
    inner: sqlx::Transaction<'static, Any>,
    /// The log this transaction appends to: changes, except for the read log's group commit.
    log: AuditLog,
    seq: i64,
    hash: String,
    dirty: bool,
    fail: FailPoints,
    /// Declared last so it is released after the transaction has ended.
    _writer: tokio::sync::OwnedMutexGuard<()>,
}

impl Tx {
    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }

    /// The chain head this transaction holds: (seq, hash) of its log's last record, including its own appends.
    pub(crate) fn head(&self) -> (i64, &str) {
        (self.seq, &self.hash)
    }

    pub(crate) fn fail_point(&self, point: &'static str) -> Result<()> {
        self.fail.check(point)
    }

    /// Appends one audit record to the chain inside this transaction.
    pub(crate) async fn audit(
        &mut self,
        actor: &Actor,
        action: &str,
        subject: Option<domain::PersonId>,
        detail: serde_json::Value,
    ) -> Result<()> {
        let seq = self.seq + 1;
        let record = audit::Canonical {
            seq,
            at: micros(actor.at),
            actor: actor.who.to_string(),
            action: action.to_owned(),
            subject: subject.map(domain::PersonId::get),
            page: actor.page.clone(),
            detail: detail.to_string(),
        };
        let (digest, hash) = record.hash(&self.hash);
        let sql = format!(
            "INSERT INTO {} (seq, at, actor, action, subject_person, page, detail_json, content_digest, prev_hash, \
             hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            self.log.table()
        );
        sqlx::query(&sql)
            .bind(seq)
            .bind(record.at)
            .bind(record.actor)
            .bind(record.action)
            .bind(record.subject)
            .bind(record.page)
            .bind(record.detail)
            .bind(digest)
            .bind(self.hash.clone())
            .bind(hash.clone())
            .execute(&mut *self.inner)
            .await?;
        self.seq = seq;
        self.hash = hash;
        self.dirty = true;
        Ok(())
    }

    /// Appends many audit records of one actor and action (bulk use cases); same chain as [`Tx::audit`].
    pub(crate) async fn audit_many(
        &mut self,
        actor: &Actor,
        action: &str,
        entries: &[(Option<domain::PersonId>, serde_json::Value)],
    ) -> Result<()> {
        let entries: Vec<AuditEntry<'_>> = entries
            .iter()
            .map(|(subject, detail)| AuditEntry {
                actor,
                action,
                subject: *subject,
                detail,
            })
            .collect();
        self.audit_entries(&entries).await
    }

    /// Appends audit records with as few statements as the databases' parameter limits allow; same chain as
    /// [`Tx::audit`].
    pub(crate) async fn audit_entries(&mut self, entries: &[AuditEntry<'_>]) -> Result<()> {
        for chunk in entries.chunks(AUDIT_ROWS_PER_STATEMENT) {
            let mut rows = Vec::with_capacity(chunk.len());
            let (mut seq, mut prev) = (self.seq, self.hash.clone());
            for e in chunk {
                seq += 1;
                let record = audit::Canonical {
                    seq,
                    at: micros(e.actor.at),
                    actor: e.actor.who.to_string(),
                    action: e.action.to_owned(),
                    subject: e.subject.map(domain::PersonId::get),
                    page: e.actor.page.clone(),
                    detail: e.detail.to_string(),
                };
                let (digest, hash) = record.hash(&prev);
                rows.push((record, digest, std::mem::replace(&mut prev, hash.clone()), hash));
            }
            let values: Vec<String> = (0..rows.len())
                .map(|r| {
                    let ps: Vec<String> = (1..=10).map(|c| format!("${}", r * 10 + c)).collect();
                    format!("({})", ps.join(", "))
                })
                .collect();
            let sql = format!(
                "INSERT INTO {} (seq, at, actor, action, subject_person, page, detail_json, content_digest, \
                 prev_hash, hash) VALUES {}",
                self.log.table(),
                values.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for (record, digest, prev_hash, hash) in rows {
                q = q
                    .bind(record.seq)
                    .bind(record.at)
                    .bind(record.actor)
                    .bind(record.action)
                    .bind(record.subject)
                    .bind(record.page)
                    .bind(record.detail)
                    .bind(digest)
                    .bind(prev_hash)
                    .bind(hash);
            }
            q.execute(&mut *self.inner).await?;
            self.seq = seq;
            self.hash = prev;
            self.dirty = true;
        }
        Ok(())
    }

    /// Moves the chain head and commits.
    pub(crate) async fn commit(mut self) -> Result<()> {
        if self.dirty {
            let sql = format!("UPDATE {} SET seq = $1, hash = $2 WHERE id = 1", self.log.head());
            sqlx::query(&sql)
                .bind(self.seq)
                .bind(self.hash.clone())
                .execute(&mut *self.inner)
                .await?;
        }
        self.inner.commit().await?;
        Ok(())
    }
}

/// The `ATTACH` statement of a SQLite connection's read log: the file beside the main one (`X` → `X-readlog`,
/// like SQLite's own `X-wal`), or a memory database beside an in-memory one. Keeping reads in a file of their own
/// means recording a read never changes the main file, so the other connections keep their page caches.
///
/// An attached file is opened with the main file's access mode, which may not allow creating it: so the file is
/// created here, empty (an empty file is an empty SQLite database), whenever the main file exists or may be
/// created. A read log that goes missing later is caught after the migrations ([`StoreError::ReadLogMissing`]).
fn read_log_attach(url: &str, in_memory: bool) -> Result<String> {
    if in_memory {
        return Ok("ATTACH DATABASE ':memory:' AS readlog".to_owned());
    }
    let (Some(main), Some(path)) = (sqlite_path(url), read_log_path(url)) else {
        return Ok(String::new());
    };
    let may_create = url.contains("mode=rwc") || std::path::Path::new(main).exists();
    if may_create && !std::path::Path::new(&path).exists() {
        std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| StoreError::ReadLogFile(format!("{path}: {e}")))?;
    }
    Ok(format!(
        "ATTACH DATABASE '{}' AS readlog",
        path.replace('\'', "''")
    ))
}

/// The file of a SQLite URL (`sqlite://PATH?...` or `sqlite:PATH`), `None` for other URLs.
fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    Some(rest.split('?').next().unwrap_or(rest))
}

/// The read log's file for a SQLite URL (`sqlite://PATH?...` or `sqlite:PATH`), `None` for other URLs.
pub fn read_log_path(url: &str) -> Option<String> {
    sqlite_path(url).map(|path| format!("{path}-readlog"))
}

// --- conversions ----------------------------------------------------------------------------------------------------

pub(crate) fn micros(ts: Timestamp) -> i64 {
    ts.as_microsecond()
}

pub(crate) fn from_micros(us: i64) -> Result<Timestamp> {
    Timestamp::from_microsecond(us).map_err(StoreError::corrupt)
}

pub(crate) fn date_text(d: Date) -> String {
    d.to_string()
}

pub(crate) fn parse_date(s: &str) -> Result<Date> {
    s.parse().map_err(StoreError::corrupt)
}

pub(crate) fn parse<T: FromStr>(s: &str) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    s.parse().map_err(StoreError::corrupt)
}

/// Maps a unique-constraint violation to [`StoreError::Duplicate`], anything else to a database error.
pub(crate) fn unique_as_duplicate(e: sqlx::Error, what: &'static str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate(what),
        _ => StoreError::Database(e),
    }
}

/// Whether a row with this id exists.
pub(crate) async fn exists(conn: &mut AnyConnection, table: &'static str, id: i64) -> Result<bool> {
    let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_one(conn).await?;
    let n: i64 = sqlx::Row::try_get(&row, "n")?;
    Ok(n > 0)
}

pub(crate) async fn require(
    conn: &mut AnyConnection,
    table: &'static str,
    what: &'static str,
    id: i64,
) -> Result<()> {
    if exists(conn, table, id).await? {
        Ok(())
    } else {
        Err(StoreError::NotFound { what, id })
    }
}

/// `($1, $2), ($3, $4)` for `rows` rows of `cols` parameters: one multi-row statement instead of a round trip a row.
pub(crate) fn placeholders(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let ps: Vec<String> = (1..=cols).map(|c| format!("${}", r * cols + c)).collect();
            format!("({})", ps.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks many ids of `table` with a few queries instead of one per id; the first missing id is `NotFound`.
pub(crate) async fn require_ids(
    conn: &mut AnyConnection,
    table: &'static str,
    what: &'static str,
    ids: impl Iterator<Item = i64>,
) -> Result<()> {
    let wanted: Vec<i64> = ids
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for chunk in wanted.chunks(500) {
        let params: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT id FROM {table} WHERE id IN ({})", params.join(", "));
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        let found: std::collections::BTreeSet<i64> = q
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| sqlx::Row::try_get::<i64, _>(r, "id"))
            .collect::<std::result::Result<_, _>>()?;
        if let Some(missing) = chunk.iter().find(|id| !found.contains(id)) {
            return Err(StoreError::NotFound { what, id: *missing });
        }
    }
    Ok(())
}
