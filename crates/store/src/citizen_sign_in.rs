//! Sign-in with e-legitimation (BankID, Freja eID through the municipality's broker), the storage side: the person
//! found by the verified personnummer, their applicant account (made at the first sign-in, with no password), the
//! session and the audit records, all in one transaction; and the audit record of a refused attempt.
//!
//! The policy (which claim, what a refusal says) lives in `app::citizen_auth`; the protocol in `web::oidc`. The
//! personnummer is only a search key here: it is never in an audit detail, a sign-in record or an account's
//! username. Only applicant accounts are ever found through a person; a staff account that happens to name a person
//! is never signed in this way.

use std::future::Future;

use domain::role::Role;
use domain::{Actor, PersonId, Personnummer, ProtectedIdentity, Who};
use jiff::Timestamp;
use serde_json::json;
use sqlx::Row;

use crate::accounts::{AccountId, token_hash};
use crate::error::Result;
use crate::sql::{SqlStore, micros, parse, unique_as_duplicate};

/// One sign-in with e-legitimation, as the application core prepares it.
#[derive(Debug, Clone, Copy)]
pub struct CitizenSignIn<'a> {
    /// The personnummer the broker vouched for (already validated).
    pub pnr: &'a Personnummer,
    pub at: Timestamp,
    /// The page the audit records name.
    pub page: &'a str,
    /// The username of the account made at the person's first sign-in: random, never derived from the person.
    pub new_username: &'a str,
    /// The account's display name for a person with protected identity: their name is never copied to an account,
    /// whose name shows wherever the account has acted.
    pub protected_name: &'a str,
    /// The new session's cookie token (stored as its hash) and CSRF token.
    pub session_token: &'a str,
    pub csrf_token: &'a str,
}

/// What became of a sign-in with e-legitimation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CitizenOutcome {
    /// Signed in: the session is stored. `created` when the applicant account was made now.
    SignedIn {
        account: AccountId,
        person: PersonId,
        created: bool,
    },
    /// No person in the register has this personnummer: only the refusal's audit record was written.
    UnknownPerson,
    /// The person's applicant account is deactivated: only the refusal's audit record was written.
    Inactive,
}

pub trait CitizenAccounts: Send + Sync {
    /// Signs in the person with this personnummer as an applicant (see [`CitizenSignIn`]), in one transaction:
    /// their applicant account (made now, without a password, if they have none; its display name refreshed from
    /// the register), the session, and the audit records (`account.create` the first time, `auth.login`), or the
    /// refusal's `auth.login_failed` alone.
    fn sign_in_citizen(
        &self,
        sign_in: CitizenSignIn<'_>,
    ) -> impl Future<Output = Result<CitizenOutcome>> + Send;
    /// Records a sign-in with e-legitimation refused before a person was looked up (`auth.login_failed`, with the
    /// reason, a fixed word chosen by the caller).
    fn record_citizen_refusal(
        &self,
        actor: &Actor,
        reason: &'static str,
    ) -> impl Future<Output = Result<()>> + Send;
}

/// The audit detail of a refusal: the method and the reason, never who.
fn refusal(reason: &str) -> serde_json::Value {
    json!({ "method": "eid", "reason": reason })
}

impl CitizenAccounts for SqlStore {
    async fn sign_in_citizen(&self, s: CitizenSignIn<'_>) -> Result<CitizenOutcome> {
        let system = Actor {
            who: Who::System("inloggning".into()),
            page: s.page.to_owned(),
            at: s.at,
        };
        let mut tx = self.begin().await?;
        let person = sqlx::query("SELECT id, name, protection FROM persons WHERE pnr = $1")
            .bind(s.pnr.canonical())
            .fetch_optional(tx.conn())
            .await?;
        let Some(person) = person else {
            tx.audit(&system, "auth.login_failed", None, refusal("unknown_person"))
                .await?;
            tx.commit().await?;
            return Ok(CitizenOutcome::UnknownPerson);
        };
        let person_id = PersonId(person.try_get("id")?);
        let protection = parse::<ProtectedIdentity>(&person.try_get::<String, _>("protection")?)?;
        let display_name = if protection.is_protected() {
            s.protected_name.to_owned()
        } else {
            person.try_get("name")?
        };
        let account = sqlx::query(
            "SELECT id, active FROM accounts WHERE person_id = $1 AND role = $2 ORDER BY id LIMIT 1",
        )
        .bind(person_id.get())
        .bind(Role::Applicant.as_str())
        .fetch_optional(tx.conn())
        .await?;
        let applicant = Actor {
            who: Who::Person(person_id),
            page: s.page.to_owned(),
            at: s.at,
        };
        let (account, created) = match account {
            Some(row) if row.try_get::<i64, _>("active")? == 0 => {
                let id: i64 = row.try_get("id")?;
                let detail = json!({ "method": "eid", "reason": "inactive", "account": id });
                tx.audit(&system, "auth.login_failed", Some(person_id), detail)
                    .await?;
                tx.commit().await?;
                return Ok(CitizenOutcome::Inactive);
            }
            Some(row) => {
                let id: i64 = row.try_get("id")?;
                // The register is the source of the name, and protection may have been granted since last time.
                sqlx::query("UPDATE accounts SET display_name = $1 WHERE id = $2 AND display_name <> $1")
                    .bind(display_name)
                    .bind(id)
                    .execute(tx.conn())
                    .await?;
                (id, false)
            }
            None => {
                // No password: an empty hash never verifies (`Account::has_password`).
                let row = sqlx::query(
                    "INSERT INTO accounts (username, display_name, role, staff_id, person_id, password_hash, active, \
                     created_at) VALUES ($1, $2, $3, NULL, $4, '', 1, $5) RETURNING id",
                )
                .bind(s.new_username.to_owned())
                .bind(display_name)
                .bind(Role::Applicant.as_str())
                .bind(person_id.get())
                .bind(micros(s.at))
                .fetch_one(tx.conn())
                .await
                .map_err(|e| unique_as_duplicate(e, "kontot finns redan"))?;
                let id: i64 = row.try_get("id")?;
                tx.audit(
                    &applicant,
                    "account.create",
                    Some(person_id),
                    json!({ "account": id, "role": Role::Applicant.as_str(), "method": "eid" }),
                )
                .await?;
                (id, true)
            }
        };
        sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, last_seen) VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(token_hash(s.session_token))
        .bind(account)
        .bind(s.csrf_token.to_owned())
        .bind(micros(s.at))
        .execute(tx.conn())
        .await?;
        tx.audit(
            &applicant,
            "auth.login",
            Some(person_id),
            json!({ "account": account, "method": "eid" }),
        )
        .await?;
        tx.commit().await?;
        Ok(CitizenOutcome::SignedIn {
            account: AccountId(account),
            person: person_id,
            created,
        })
    }

    async fn record_citizen_refusal(&self, actor: &Actor, reason: &'static str) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.audit(actor, "auth.login_failed", None, refusal(reason))
            .await?;
        tx.commit().await
    }
}
