//! Sign-in accounts, sessions and sign-in attempts: the storage side of authentication.
//!
//! The policy (argon2id, throttling, session lifetime) lives in `app`; here is only what is stored and audited.
//! Session tokens are stored as SHA-256 hashes. Creating accounts, changing grants and every sign-in (successful or
//! not) write audit records in the same transaction.

use std::collections::BTreeSet;
use std::future::Future;

use domain::role::Role;
use domain::{Actor, DomainError, PersonId, StaffId, UnitId};
use jiff::Timestamp;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::sql::{Backend, SqlStore, from_micros, micros, parse, require, unique_as_duplicate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct AccountId(pub i64);

/// What an administrator (or the demo builder) gives to create an account.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub staff: Option<StaffId>,
    /// For applicants: the person they are.
    pub person: Option<PersonId>,
    /// An argon2id PHC string (never a password).
    pub password_hash: String,
    pub units: Vec<UnitId>,
}

/// An account as sign-in and permission checks need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub staff: Option<StaffId>,
    pub person: Option<PersonId>,
    pub password_hash: String,
    pub active: bool,
    pub units: BTreeSet<UnitId>,
    pub protected_grants: BTreeSet<PersonId>,
    /// Made for the demo (password `demo`): signs in only when the server runs in demo mode.
    pub demo: bool,
}

impl Account {
    /// Whether the account has a local password at all: an applicant account made at a sign-in with
    /// e-legitimation has none (its hash is empty), and no password ever verifies against it.
    pub fn has_password(&self) -> bool {
        !self.password_hash.is_empty()
    }
}

/// A live session: who, the CSRF token bound to it, and when it was last used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub account: Account,
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub last_seen: Timestamp,
}

/// Failed sign-ins (password checked and wrong) seen from one side: how many, and when the last one was.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failures {
    pub count: u32,
    pub last: Option<Timestamp>,
}

/// What the throttle needs to know about a sign-in attempt's past, read in one statement. Attempts refused by the
/// throttle before their password was checked are not failures here.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SignInHistory {
    /// Failures for the username since `since` and after its last successful sign-in, from every address.
    pub user: Failures,
    /// The same, from this client address only.
    pub user_here: Failures,
    /// Failures from this client address since `since`, for any username.
    pub address: Failures,
    /// The username has signed in successfully from this address since `usual_since`.
    pub usual_address: bool,
}

/// One sign-in attempt as it is recorded.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    pub username: &'a str,
    /// The client's network address as text; `None` when the caller has none (a test, a command).
    pub client: Option<&'a str>,
    /// Refused by the throttle before the password was checked.
    pub throttled: bool,
}

pub trait AccountStore: Send + Sync {
    /// Creates an account (audited). A taken username is [`StoreError::Duplicate`].
    fn create_account(
        &self,
        actor: &Actor,
        account: NewAccount,
    ) -> impl Future<Output = Result<AccountId>> + Send;
    /// The account with this username, for sign-in. Not a read of personal data: no audit record.
    fn account_by_username(&self, username: &str) -> impl Future<Output = Result<Option<Account>>> + Send;
    fn accounts(&self) -> impl Future<Output = Result<Vec<Account>>> + Send;
    /// Failed sign-ins for `username` since `since` (the throttle window).
    fn failed_logins_since(
        &self,
        username: &str,
        since: Timestamp,
    ) -> impl Future<Output = Result<u32>> + Send;
    /// Records a sign-in attempt and its audit record. On success, also stores the new session.
    fn record_login(
        &self,
        actor: &Actor,
        username: &str,
        session: Option<(&str, &str, AccountId)>,
    ) -> impl Future<Output = Result<()>> + Send;
    /// The throttle's view of a new attempt for `username` from `client` (see [`SignInHistory`]).
    fn sign_in_history(
        &self,
        username: &str,
        client: Option<&str>,
        since: Timestamp,
        usual_since: Timestamp,
    ) -> impl Future<Output = Result<SignInHistory>> + Send;
    /// Records a sign-in attempt with its client address, and its audit record (`auth.login`, or
    /// `auth.login_failed` saying whether the throttle refused it). On success, also stores the new session.
    fn record_attempt(
        &self,
        actor: &Actor,
        attempt: Attempt<'_>,
        session: Option<(&str, &str, AccountId)>,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Marks an account as the demo's (audited): it signs in only in demo mode.
    fn mark_demo_account(&self, actor: &Actor, account: AccountId)
    -> impl Future<Output = Result<()>> + Send;
    /// As [`AccountStore::session`], and the session must also have been created at or after `created_since`
    /// (the absolute lifetime).
    fn session_within(
        &self,
        token: &str,
        idle_since: Timestamp,
        created_since: Timestamp,
        now: Timestamp,
    ) -> impl Future<Output = Result<Option<Session>>> + Send;
    /// The session for a cookie token that was used within `idle_since`; refreshes `last_seen` to `now`.
    fn session(
        &self,
        token: &str,
        idle_since: Timestamp,
        now: Timestamp,
    ) -> impl Future<Output = Result<Option<Session>>> + Send;
    /// Ends a session (sign-out, audited).
    fn end_session(&self, actor: &Actor, token: &str) -> impl Future<Output = Result<()>> + Send;
    /// Grants (or revokes) an account the right to see one person with protected identity (audited).
    fn set_protected_grant(
        &self,
        actor: &Actor,
        account: AccountId,
        person: PersonId,
        granted: bool,
    ) -> impl Future<Output = Result<()>> + Send;
    /// The persons an account has a protected-identity grant for, by name, for the administrator's page: one
    /// `person.lookup` record per person in the same transaction (their names and numbers are shown).
    fn granted_persons(
        &self,
        actor: &Actor,
        account: AccountId,
    ) -> impl Future<Output = Result<Vec<crate::PersonView>>> + Send;
    /// Deactivates (or reactivates) an account (audited). Deactivating ends every session of the account.
    fn set_account_active(
        &self,
        actor: &Actor,
        account: AccountId,
        active: bool,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Replaces the units an account works in (audited). Unknown units are `NotFound` and change nothing.
    fn set_account_units(
        &self,
        actor: &Actor,
        account: AccountId,
        units: &[UnitId],
    ) -> impl Future<Output = Result<()>> + Send;
    /// Every organisation unit, by id: (id, name). Not personal data: no audit record.
    fn units(&self) -> impl Future<Output = Result<Vec<(UnitId, String)>>> + Send;
}

/// The stored form of a session token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn role_text(role: Role) -> String {
    role.as_str().to_owned()
}

/// The columns an [`Account`] is read from, for an `accounts` table aliased `a`: its own, and its units and
/// protected-identity grants aggregated into comma-separated lists, so that every account read is one statement
/// (the session check runs on every signed-in request).
pub(crate) fn account_columns(backend: Backend) -> String {
    let list = |column: &str, table: &str| match backend {
        Backend::Sqlite => {
            format!("(SELECT group_concat({column}, ',') FROM {table} x WHERE x.account_id = a.id)")
        }
        Backend::Postgres => {
            format!(
                "(SELECT string_agg(CAST({column} AS TEXT), ',') FROM {table} x WHERE x.account_id = a.id)"
            )
        }
    };
    format!(
        "a.id, a.username, a.display_name, a.role, a.staff_id, a.person_id, a.password_hash, a.active, a.demo, \
         {} AS unit_ids, {} AS grant_ids",
        list("unit_id", "account_units"),
        list("person_id", "protected_grants"),
    )
}

/// An account from a row read with [`account_columns`].
pub(crate) fn account_from_row(row: &AnyRow) -> Result<Account> {
    let ids = |column: &str| -> Result<BTreeSet<i64>> {
        row.try_get::<Option<String>, _>(column)?
            .unwrap_or_default()
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<i64>().map_err(StoreError::corrupt))
            .collect()
    };
    let role: String = row.try_get("role")?;
    Ok(Account {
        id: AccountId(row.try_get("id")?),
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: parse::<Role>(&role)?,
        staff: row.try_get::<Option<i64>, _>("staff_id")?.map(StaffId),
        person: row.try_get::<Option<i64>, _>("person_id")?.map(PersonId),
        password_hash: row.try_get("password_hash")?,
        active: row.try_get::<i64, _>("active")? != 0,
        units: ids("unit_ids")?.into_iter().map(UnitId).collect(),
        protected_grants: ids("grant_ids")?.into_iter().map(PersonId).collect(),
        demo: row.try_get::<i64, _>("demo")? != 0,
    })
}

/// How stale a session's recorded last use may get before a request writes it again.
const SESSION_TOUCH_INTERVAL: jiff::SignedDuration = jiff::SignedDuration::from_secs(60);

impl AccountStore for SqlStore {
    async fn create_account(&self, actor: &Actor, a: NewAccount) -> Result<AccountId> {
        let username = a.username.trim().to_lowercase();
        if username.is_empty()
            || username.len() > 64
            || !username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')
        {
            return Err(DomainError::Invalid {
                field: "username",
                reason: "1-64 tecken: a-z, 0-9, punkt, bindestreck eller understreck",
            }
            .into());
        }
        if !a.password_hash.starts_with("$argon2id$") {
            return Err(DomainError::Invalid {
                field: "password_hash",
                reason: "måste vara en argon2id-hash",
            }
            .into());
        }
        let name = domain::org::check_name("display_name", &a.display_name)?;
        let mut tx = self.begin().await?;
        if let Some(staff) = a.staff {
            require(tx.conn(), "staff", "personal", staff.get()).await?;
        }
        if let Some(person) = a.person {
            require(tx.conn(), "persons", "person", person.get()).await?;
        }
        for unit in &a.units {
            require(tx.conn(), "org_units", "enhet", unit.get()).await?;
        }
        let row = sqlx::query(
            "INSERT INTO accounts (username, display_name, role, staff_id, person_id, password_hash, active, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7) RETURNING id",
        )
        .bind(username.clone())
        .bind(name)
        .bind(role_text(a.role))
        .bind(a.staff.map(StaffId::get))
        .bind(a.person.map(PersonId::get))
        .bind(a.password_hash)
        .bind(micros(actor.at))
        .fetch_one(tx.conn())
        .await
        .map_err(|e| unique_as_duplicate(e, "användarnamnet är upptaget"))?;
        let id: i64 = row.try_get("id")?;
        for unit in &a.units {
            sqlx::query("INSERT INTO account_units (account_id, unit_id) VALUES ($1, $2)")
                .bind(id)
                .bind(unit.get())
                .execute(tx.conn())
                .await?;
        }
        tx.audit(
            actor,
            "account.create",
            a.person,
            json!({ "account": id, "role": role_text(a.role) }),
        )
        .await?;
        tx.commit().await?;
        Ok(AccountId(id))
    }

    async fn account_by_username(&self, username: &str) -> Result<Option<Account>> {
        let sql = format!(
            "SELECT {} FROM accounts a WHERE a.username = $1",
            account_columns(self.backend())
        );
        sqlx::query(&sql)
            .bind(username.trim().to_lowercase())
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(account_from_row)
            .transpose()
    }

    async fn accounts(&self) -> Result<Vec<Account>> {
        let sql = format!(
            "SELECT {} FROM accounts a ORDER BY a.username",
            account_columns(self.backend())
        );
        sqlx::query(&sql)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(account_from_row)
            .collect()
    }

    async fn failed_logins_since(&self, username: &str, since: Timestamp) -> Result<u32> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM login_attempts WHERE username = $1 AND at >= $2 AND success = 0",
        )
        .bind(username.trim().to_lowercase())
        .bind(micros(since))
        .fetch_one(self.pool())
        .await?;
        let n: i64 = row.try_get("n")?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    async fn record_login(
        &self,
        actor: &Actor,
        username: &str,
        session: Option<(&str, &str, AccountId)>,
    ) -> Result<()> {
        let attempt = Attempt {
            username,
            client: None,
            throttled: false,
        };
        self.record_attempt(actor, attempt, session).await
    }

    async fn sign_in_history(
        &self,
        username: &str,
        client: Option<&str>,
        since: Timestamp,
        usual_since: Timestamp,
    ) -> Result<SignInHistory> {
        // One statement: the four answers are sub-selects over the two indexes (username, at) and (client, at).
        // Without an address ($2 = '', which no stored address is; NULL equals nothing) only the username's count
        // applies: attempts with no address (external sign-ins, tests) must not form one bucket that slows every
        // user down together.
        let failures = |filter: &str| {
            format!(
                "(SELECT COUNT(*) FROM login_attempts WHERE {filter} AND success = 0 AND throttled = 0 AND at >= $3), \
                 (SELECT MAX(at) FROM login_attempts WHERE {filter} AND success = 0 AND throttled = 0 AND at >= $3)"
            )
        };
        let after_success =
            "at > COALESCE((SELECT MAX(at) FROM login_attempts WHERE username = $1 AND success = 1), -1)";
        let user = format!("username = $1 AND {after_success}");
        let user_here = format!("username = $1 AND client = $2 AND {after_success}");
        let sql = format!(
            "SELECT {}, {}, {}, \
             (SELECT COUNT(*) FROM login_attempts WHERE username = $1 AND client = $2 \
              AND success = 1 AND at >= $4) AS usual",
            failures(&user),
            failures(&user_here),
            failures("client = $2"),
        );
        let row = sqlx::query(&sql)
            .bind(username.trim().to_lowercase())
            .bind(client.unwrap_or("").to_owned())
            .bind(micros(since))
            .bind(micros(usual_since))
            .fetch_one(self.pool())
            .await?;
        let failures_at = |count: usize, last: usize| -> Result<Failures> {
            let n: i64 = row.try_get(count)?;
            let last: Option<i64> = row.try_get(last)?;
            Ok(Failures {
                count: u32::try_from(n).unwrap_or(u32::MAX),
                last: last.map(from_micros).transpose()?,
            })
        };
        let usual: i64 = row.try_get("usual")?;
        Ok(SignInHistory {
            user: failures_at(0, 1)?,
            user_here: failures_at(2, 3)?,
            address: failures_at(4, 5)?,
            usual_address: usual > 0,
        })
    }

    async fn record_attempt(
        &self,
        actor: &Actor,
        attempt: Attempt<'_>,
        session: Option<(&str, &str, AccountId)>,
    ) -> Result<()> {
        let username = attempt.username.trim().to_lowercase();
        // An address is at most 45 characters (IPv6 with an IPv4 tail); anything else is cut, never refused.
        let client = attempt
            .client
            .map(|c| c.chars().filter(|c| !c.is_control()).take(64).collect::<String>())
            .filter(|c| !c.is_empty());
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO login_attempts (username, at, success, client, throttled) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(username.chars().take(64).collect::<String>())
        .bind(micros(actor.at))
        .bind(i64::from(session.is_some()))
        .bind(client)
        .bind(i64::from(attempt.throttled))
        .execute(tx.conn())
        .await?;
        match session {
            Some((token, csrf, account)) => {
                sqlx::query(
                    "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, last_seen) VALUES ($1, $2, $3, $4, $4)",
                )
                .bind(token_hash(token))
                .bind(account.0)
                .bind(csrf.to_owned())
                .bind(micros(actor.at))
                .execute(tx.conn())
                .await?;
                tx.audit(actor, "auth.login", None, json!({ "account": account.0 }))
                    .await?;
            }
            None if attempt.throttled => {
                tx.audit(actor, "auth.login_failed", None, json!({ "throttled": true }))
                    .await?
            }
            None => tx.audit(actor, "auth.login_failed", None, json!({})).await?,
        }
        tx.commit().await
    }

    async fn mark_demo_account(&self, actor: &Actor, account: AccountId) -> Result<()> {
        let mut tx = self.begin().await?;
        require(tx.conn(), "accounts", "konto", account.0).await?;
        sqlx::query("UPDATE accounts SET demo = 1 WHERE id = $1")
            .bind(account.0)
            .execute(tx.conn())
            .await?;
        tx.audit(actor, "account.demo", None, json!({ "account": account.0 }))
            .await?;
        tx.commit().await
    }

    async fn session(&self, token: &str, idle_since: Timestamp, now: Timestamp) -> Result<Option<Session>> {
        self.session_within(token, idle_since, Timestamp::MIN, now).await
    }

    async fn session_within(
        &self,
        token: &str,
        idle_since: Timestamp,
        created_since: Timestamp,
        now: Timestamp,
    ) -> Result<Option<Session>> {
        let mut conn = self.pool().acquire().await?;
        let hash = token_hash(token);
        // The session and its account (with units and grants) in one statement: this runs on every signed-in
        // request, and each statement is a round trip (on SQLite, to the connection's own thread).
        let sql = format!(
            "SELECT {}, s.csrf_token, s.created_at, s.last_seen FROM sessions s JOIN accounts a ON a.id = s.account_id \
             WHERE s.token_hash = $1 AND s.last_seen >= $2 AND s.created_at >= $3 AND a.active = 1",
            account_columns(self.backend())
        );
        let Some(row) = sqlx::query(&sql)
            .bind(hash.clone())
            .bind(micros(idle_since))
            .bind(micros(created_since))
            .fetch_optional(&mut *conn)
            .await?
        else {
            return Ok(None);
        };
        let account = account_from_row(&row)?;
        let mut last_seen = from_micros(row.try_get("last_seen")?)?;
        // Sessions expire after minutes of idleness, so a last-use time a minute old is exact enough; writing it on
        // every request would make every page view a database write.
        if now.duration_since(last_seen) >= SESSION_TOUCH_INTERVAL {
            let _writer = self.write_lock().await;
            sqlx::query("UPDATE sessions SET last_seen = $1 WHERE token_hash = $2")
                .bind(micros(now))
                .bind(hash)
                .execute(&mut *conn)
                .await?;
            last_seen = now;
        }
        Ok(Some(Session {
            account,
            csrf_token: row.try_get("csrf_token")?,
            created_at: from_micros(row.try_get("created_at")?)?,
            last_seen,
        }))
    }

    async fn end_session(&self, actor: &Actor, token: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(token))
            .execute(tx.conn())
            .await?;
        tx.audit(actor, "auth.logout", None, json!({})).await?;
        tx.commit().await
    }

    async fn set_protected_grant(
        &self,
        actor: &Actor,
        account: AccountId,
        person: PersonId,
        granted: bool,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        require(tx.conn(), "accounts", "konto", account.0).await?;
        require(tx.conn(), "persons", "person", person.get()).await?;
        if granted {
            sqlx::query(
                "INSERT INTO protected_grants (account_id, person_id, granted_by, granted_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (account_id, person_id) DO NOTHING",
            )
            .bind(account.0)
            .bind(person.get())
            .bind(actor.who.to_string())
            .bind(micros(actor.at))
            .execute(tx.conn())
            .await?;
        } else {
            sqlx::query("DELETE FROM protected_grants WHERE account_id = $1 AND person_id = $2")
                .bind(account.0)
                .bind(person.get())
                .execute(tx.conn())
                .await?;
        }
        let action = if granted {
            "grant.protected"
        } else {
            "grant.protected_revoke"
        };
        tx.audit(actor, action, Some(person), json!({ "account": account.0 }))
            .await?;
        tx.commit().await
    }

    async fn granted_persons(&self, actor: &Actor, account: AccountId) -> Result<Vec<crate::PersonView>> {
        let mut tx = self.begin().await?;
        require(tx.conn(), "accounts", "konto", account.0).await?;
        let rows = sqlx::query(
            "SELECT p.id, p.pnr, p.name, p.protection FROM protected_grants g JOIN persons p ON p.id = g.person_id \
             WHERE g.account_id = $1 ORDER BY p.name, p.id",
        )
        .bind(account.0)
        .fetch_all(tx.conn())
        .await?;
        let people = rows
            .iter()
            .map(crate::people::person_from_row)
            .collect::<Result<Vec<_>>>()?;
        let details: Vec<_> = people
            .iter()
            .map(|p| {
                (
                    Some(p.id),
                    json!({ "found": true, "protected": p.protection.is_protected(), "account": account.0 }),
                )
            })
            .collect();
        tx.audit_many(actor, "person.lookup", &details).await?;
        tx.commit().await?;
        Ok(people)
    }

    async fn set_account_active(&self, actor: &Actor, account: AccountId, active: bool) -> Result<()> {
        let mut tx = self.begin().await?;
        require(tx.conn(), "accounts", "konto", account.0).await?;
        sqlx::query("UPDATE accounts SET active = $1 WHERE id = $2")
            .bind(i64::from(active))
            .bind(account.0)
            .execute(tx.conn())
            .await?;
        if !active {
            sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                .bind(account.0)
                .execute(tx.conn())
                .await?;
        }
        let action = if active {
            "account.activate"
        } else {
            "account.deactivate"
        };
        tx.audit(actor, action, None, json!({ "account": account.0 }))
            .await?;
        tx.commit().await
    }

    async fn set_account_units(&self, actor: &Actor, account: AccountId, units: &[UnitId]) -> Result<()> {
        let units: BTreeSet<UnitId> = units.iter().copied().collect();
        let mut tx = self.begin().await?;
        require(tx.conn(), "accounts", "konto", account.0).await?;
        for unit in &units {
            require(tx.conn(), "org_units", "enhet", unit.get()).await?;
        }
        sqlx::query("DELETE FROM account_units WHERE account_id = $1")
            .bind(account.0)
            .execute(tx.conn())
            .await?;
        for unit in &units {
            sqlx::query("INSERT INTO account_units (account_id, unit_id) VALUES ($1, $2)")
                .bind(account.0)
                .bind(unit.get())
                .execute(tx.conn())
                .await?;
        }
        let ids: Vec<i64> = units.iter().map(|u| u.get()).collect();
        tx.audit(
            actor,
            "account.units",
            None,
            json!({ "account": account.0, "units": ids }),
        )
        .await?;
        tx.commit().await
    }

    async fn units(&self) -> Result<Vec<(UnitId, String)>> {
        sqlx::query("SELECT id, name FROM org_units ORDER BY id")
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| Ok((UnitId(r.try_get("id")?), r.try_get("name")?)))
            .collect()
    }
}
