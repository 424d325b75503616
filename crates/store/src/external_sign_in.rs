//! Sign-in through an external OpenID Connect provider, the storage side: the administrator's links from an
//! external subject (issuer, subject) to a local account, and the sign-ins started at the provider but not yet
//! finished (state, nonce and PKCE verifier, kept on the server, used once, refused when expired).
//!
//! The policy (who may link, what a refused sign-in says) lives in `app::external_auth`; the protocol in `web::oidc`.
//! Linking and unlinking write audit records in the same transaction. The subject never enters an audit detail: at
//! some providers it is a personnummer.

use std::future::Future;

use domain::Actor;
use jiff::Timestamp;
use serde_json::json;
use sqlx::Row;

use crate::accounts::{Account, AccountId, account_columns, account_from_row, token_hash};
use crate::error::{Result, StoreError};
use crate::sql::{SqlStore, from_micros, micros, require, unique_as_duplicate};

/// The longest issuer URL or subject stored (OpenID Connect limits `sub` to 255 ASCII characters).
pub const MAX_EXTERNAL_ID_CHARS: usize = 255;

/// One link from an external subject to a local account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalLink {
    pub issuer: String,
    pub subject: String,
    pub account: AccountId,
    /// Who linked it (the audit form of the actor) and when.
    pub linked_by: String,
    pub linked_at: Timestamp,
}

/// A sign-in started at the provider. `state` is the random value the provider sends back; only its hash is the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingLogin {
    pub state: String,
    pub issuer: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// The local path to go to after sign-in.
    pub next: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

pub trait ExternalSignIn: Send + Sync {
    /// Links an external subject to an account (audited, `account.external_link`). An unknown account is
    /// `NotFound`; a subject already linked (to this or another account) is `Duplicate`. Nothing is written then.
    fn link_external(
        &self,
        actor: &Actor,
        account: AccountId,
        issuer: &str,
        subject: &str,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Removes a link of this account (audited, `account.external_unlink`); `NotFound` if the account has no such
    /// link.
    fn unlink_external(
        &self,
        actor: &Actor,
        account: AccountId,
        issuer: &str,
        subject: &str,
    ) -> impl Future<Output = Result<()>> + Send;
    /// The links of one account, by issuer and subject. Not personal data of a client: no audit record.
    fn external_links(&self, account: AccountId) -> impl Future<Output = Result<Vec<ExternalLink>>> + Send;
    /// The account linked to (issuer, subject), for sign-in (active or not: the caller refuses inactive ones).
    fn account_by_external(
        &self,
        issuer: &str,
        subject: &str,
    ) -> impl Future<Output = Result<Option<Account>>> + Send;
    /// Stores a started sign-in; pending sign-ins expired by `login.created_at` are deleted on the way.
    fn store_pending_login(&self, login: &PendingLogin) -> impl Future<Output = Result<()>> + Send;
    /// Takes the started sign-in for `state`: it is deleted whether or not it has expired, so it can be used at
    /// most once. `None` if there is none, or it expired before `now`.
    fn take_pending_login(
        &self,
        state: &str,
        now: Timestamp,
    ) -> impl Future<Output = Result<Option<PendingLogin>>> + Send;
}

fn check_ids(issuer: &str, subject: &str) -> Result<()> {
    let ok = |s: &str| {
        !s.is_empty() && s.chars().count() <= MAX_EXTERNAL_ID_CHARS && !s.chars().any(char::is_control)
    };
    if !ok(issuer) {
        return Err(domain::DomainError::Invalid {
            field: "issuer",
            reason: "1-255 tecken utan styrtecken",
        }
        .into());
    }
    if !ok(subject) {
        return Err(domain::DomainError::Invalid {
            field: "subject",
            reason: "1-255 tecken utan styrtecken",
        }
        .into());
    }
    Ok(())
}

impl ExternalSignIn for SqlStore {
    async fn link_external(
        &self,
        actor: &Actor,
        account: AccountId,
        issuer: &str,
        subject: &str,
    ) -> Result<()> {
        check_ids(issuer, subject)?;
        let mut tx = self.begin().await?;
        require(tx.conn(), "accounts", "konto", account.0).await?;
        sqlx::query(
            "INSERT INTO external_identities (issuer, subject, account_id, linked_by, linked_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(issuer.to_owned())
        .bind(subject.to_owned())
        .bind(account.0)
        .bind(actor.who.to_string())
        .bind(micros(actor.at))
        .execute(tx.conn())
        .await
        .map_err(|e| unique_as_duplicate(e, "den externa identiteten är redan kopplad"))?;
        tx.audit(
            actor,
            "account.external_link",
            None,
            json!({ "account": account.0, "issuer": issuer }),
        )
        .await?;
        tx.commit().await
    }

    async fn unlink_external(
        &self,
        actor: &Actor,
        account: AccountId,
        issuer: &str,
        subject: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        require(tx.conn(), "accounts", "konto", account.0).await?;
        let gone = sqlx::query(
            "DELETE FROM external_identities WHERE account_id = $1 AND issuer = $2 AND subject = $3",
        )
        .bind(account.0)
        .bind(issuer.to_owned())
        .bind(subject.to_owned())
        .execute(tx.conn())
        .await?
        .rows_affected();
        if gone == 0 {
            // Dropping the transaction rolls it back: nothing was written.
            return Err(StoreError::NotFound {
                what: "extern identitet",
                id: account.0,
            });
        }
        tx.audit(
            actor,
            "account.external_unlink",
            None,
            json!({ "account": account.0, "issuer": issuer }),
        )
        .await?;
        tx.commit().await
    }

    async fn external_links(&self, account: AccountId) -> Result<Vec<ExternalLink>> {
        sqlx::query(
            "SELECT issuer, subject, account_id, linked_by, linked_at FROM external_identities \
             WHERE account_id = $1 ORDER BY issuer, subject",
        )
        .bind(account.0)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(ExternalLink {
                issuer: r.try_get("issuer")?,
                subject: r.try_get("subject")?,
                account: AccountId(r.try_get("account_id")?),
                linked_by: r.try_get("linked_by")?,
                linked_at: from_micros(r.try_get("linked_at")?)?,
            })
        })
        .collect()
    }

    async fn account_by_external(&self, issuer: &str, subject: &str) -> Result<Option<Account>> {
        let sql = format!(
            "SELECT {} FROM external_identities e JOIN accounts a ON a.id = e.account_id \
             WHERE e.issuer = $1 AND e.subject = $2",
            account_columns(self.backend())
        );
        sqlx::query(&sql)
            .bind(issuer.to_owned())
            .bind(subject.to_owned())
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(account_from_row)
            .transpose()
    }

    async fn store_pending_login(&self, login: &PendingLogin) -> Result<()> {
        // Not a change of the municipality's data, so no audit record, and no need to hold the audit chain head:
        // only this process's writer queue (SQLite allows one writer).
        let _writer = self.write_lock().await;
        sqlx::query("DELETE FROM pending_external_logins WHERE expires_at < $1")
            .bind(micros(login.created_at))
            .execute(self.pool())
            .await?;
        sqlx::query(
            "INSERT INTO pending_external_logins \
             (state_hash, issuer, nonce, pkce_verifier, next_path, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(token_hash(&login.state))
        .bind(login.issuer.clone())
        .bind(login.nonce.clone())
        .bind(login.pkce_verifier.clone())
        .bind(login.next.clone())
        .bind(micros(login.created_at))
        .bind(micros(login.expires_at))
        .execute(self.pool())
        .await
        .map_err(|e| unique_as_duplicate(e, "inloggningen är redan påbörjad"))?;
        Ok(())
    }

    async fn take_pending_login(&self, state: &str, now: Timestamp) -> Result<Option<PendingLogin>> {
        // One statement: two callbacks with the same state cannot both get the row.
        let _writer = self.write_lock().await;
        let row = sqlx::query(
            "DELETE FROM pending_external_logins WHERE state_hash = $1 \
             RETURNING issuer, nonce, pkce_verifier, next_path, created_at, expires_at",
        )
        .bind(token_hash(state))
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        let login = PendingLogin {
            state: state.to_owned(),
            issuer: r.try_get("issuer")?,
            nonce: r.try_get("nonce")?,
            pkce_verifier: r.try_get("pkce_verifier")?,
            next: r.try_get("next_path")?,
            created_at: from_micros(r.try_get("created_at")?)?,
            expires_at: from_micros(r.try_get("expires_at")?)?,
        };
        Ok((login.expires_at >= now).then_some(login))
    }
}
