//! Sign-in through the municipality's OpenID Connect provider, the policy: a started sign-in lives ten minutes and
//! is used once; the provider's subject signs in only the local account an administrator linked it to (nothing is
//! ever created from a provider's claims); a deactivated account is refused; every attempt, refused or not, is a
//! sign-in record and an audit record like a local sign-in; only administrators link and unlink.
//!
//! The protocol (discovery, PKCE, the ID token's signature, issuer, audience, expiry and nonce) is the web crate's
//! (`web::oidc`, with the `openidconnect` crate); it calls these use cases with what the provider has vouched for.

use domain::Who;
use jiff::SignedDuration;
use store::{
    AccountId, AccountStore, ExternalLink, ExternalSignIn, MAX_EXTERNAL_ID_CHARS, PendingLogin, StoreError,
};

use crate::access::{Actor, Permission};
use crate::review::{AdminError, Problem};
use crate::service::{App, AppError, NewSession, actor_of};

/// How long a sign-in started at the provider may take to come back.
pub const PENDING_LOGIN_LIFETIME: SignedDuration = SignedDuration::from_mins(10);

/// What a sign-in attempt is recorded under: never a local username (those cannot contain `:`), so external
/// attempts do not count towards a local account's throttling.
fn attempt_name(subject: Option<&str>) -> String {
    match subject {
        Some(s) => format!("oidc:{s}"),
        None => "oidc".to_owned(),
    }
}

/// Why an external sign-in was refused. The web layer words each for the sign-in page.
#[derive(Debug, thiserror::Error)]
pub enum ExternalSignInError {
    /// The provider's subject is not linked to any account here.
    #[error("det externa kontot är inte kopplat till något konto")]
    NotLinked,
    /// The linked account is deactivated.
    #[error("kontot är inaktiverat")]
    Inactive,
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for ExternalSignInError {
    fn from(e: StoreError) -> ExternalSignInError {
        ExternalSignInError::App(e.into())
    }
}

/// A started sign-in as the web layer makes it: random values, never chosen by the browser.
#[derive(Debug, Clone)]
pub struct StartedSignIn {
    pub issuer: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// A local path (the web layer has checked it).
    pub next: String,
}

impl App {
    fn sign_in_ctx(&self, who: Who) -> domain::Actor {
        domain::Actor {
            who,
            page: "login/oidc".into(),
            at: self.clock.now(),
        }
    }

    /// Keeps a started sign-in on the server until the provider sends the browser back (at most
    /// [`PENDING_LOGIN_LIFETIME`]).
    pub async fn begin_external_sign_in(&self, started: StartedSignIn) -> Result<(), AppError> {
        let now = self.clock.now();
        let login = PendingLogin {
            state: started.state,
            issuer: started.issuer,
            nonce: started.nonce,
            pkce_verifier: started.pkce_verifier,
            next: started.next,
            created_at: now,
            expires_at: now.checked_add(PENDING_LOGIN_LIFETIME).unwrap_or(now),
        };
        Ok(self.store.store_pending_login(&login).await?)
    }

    /// Takes the started sign-in for the `state` the provider sent back: once only, and not after it expired.
    pub async fn take_external_sign_in(&self, state: &str) -> Result<Option<PendingLogin>, AppError> {
        Ok(self.store.take_pending_login(state, self.clock.now()).await?)
    }

    /// Records a refused external sign-in (a sign-in record and `auth.login_failed`), with the subject if the
    /// provider vouched for one.
    pub async fn record_external_refusal(&self, subject: Option<&str>) -> Result<(), AppError> {
        let ctx = self.sign_in_ctx(Who::System("inloggning".into()));
        Ok(self
            .store
            .record_login(&ctx, &attempt_name(subject), None)
            .await?)
    }

    /// Signs in the account linked to (issuer, subject), which the provider has vouched for in a verified ID token.
    /// The session is made exactly as for a local sign-in (the same sign-in record and `auth.login` audit record).
    pub async fn sign_in_external(
        &self,
        issuer: &str,
        subject: &str,
        new_token: &(dyn Fn() -> String + Sync),
    ) -> Result<NewSession, ExternalSignInError> {
        let account = self.store.account_by_external(issuer, subject).await?;
        let account = match account {
            Some(a) if a.active => a,
            refused => {
                self.record_external_refusal(Some(subject)).await?;
                return Err(match refused {
                    Some(_) => ExternalSignInError::Inactive,
                    None => ExternalSignInError::NotLinked,
                });
            }
        };
        let session = NewSession {
            token: new_token(),
            csrf_token: new_token(),
        };
        let ctx = self.sign_in_ctx(actor_of(&account).who());
        self.store
            .record_login(
                &ctx,
                &attempt_name(Some(subject)),
                Some((&session.token, &session.csrf_token, account.id)),
            )
            .await?;
        Ok(session)
    }

    /// The external subjects linked to an account.
    pub async fn admin_external_links(
        &self,
        actor: &Actor,
        id: AccountId,
    ) -> Result<Vec<ExternalLink>, AppError> {
        let page = format!("admin/anvandare/{}", id.0);
        self.require_audited(actor, Permission::ManageUsers, &page)
            .await?;
        Ok(self.store.external_links(id).await?)
    }

    /// Links an external subject (as typed) at `issuer` to an account. Checked completely before anything is
    /// written: a missing, too long or malformed subject, or one already linked, comes back on the `subject` field.
    pub async fn admin_link_external(
        &self,
        actor: &Actor,
        id: AccountId,
        issuer: &str,
        subject: &str,
    ) -> Result<(), AdminError> {
        let page = format!("admin/anvandare/{}", id.0);
        self.require_audited(actor, Permission::ManageUsers, &page)
            .await?;
        let subject = check_subject(subject)?;
        if self.store.account_by_external(issuer, subject).await?.is_some() {
            return Err(AdminError::Invalid(vec![("subject", Problem::Taken)]));
        }
        let ctx = self.audit_ctx(actor, &page);
        match self.store.link_external(&ctx, id, issuer, subject).await {
            Ok(()) => Ok(()),
            // Linked by someone else between the check and the insert.
            Err(StoreError::Duplicate(_)) => Err(AdminError::Invalid(vec![("subject", Problem::Taken)])),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes a link of the account; a subject the account is not linked to is `Unknown` on the `subject` field.
    pub async fn admin_unlink_external(
        &self,
        actor: &Actor,
        id: AccountId,
        issuer: &str,
        subject: &str,
    ) -> Result<(), AdminError> {
        let page = format!("admin/anvandare/{}", id.0);
        self.require_audited(actor, Permission::ManageUsers, &page)
            .await?;
        let subject = check_subject(subject)?;
        // The account must exist (404 otherwise), like the other forms of the page.
        self.admin_account(actor, id).await?;
        let ctx = self.audit_ctx(actor, &page);
        match self.store.unlink_external(&ctx, id, issuer, subject).await {
            Err(StoreError::NotFound {
                what: "extern identitet",
                ..
            }) => Err(AdminError::Invalid(vec![("subject", Problem::Unknown)])),
            other => Ok(other?),
        }
    }
}

/// A subject as an administrator typed it: surrounding spaces removed, 1-255 characters, no control characters.
fn check_subject(subject: &str) -> Result<&str, AdminError> {
    let subject = subject.trim();
    let problem = if subject.is_empty() {
        Some(Problem::Missing)
    } else if subject.chars().count() > MAX_EXTERNAL_ID_CHARS {
        Some(Problem::TooLong)
    } else if subject.chars().any(char::is_control) {
        Some(Problem::Invalid)
    } else {
        None
    };
    match problem {
        Some(p) => Err(AdminError::Invalid(vec![("subject", p)])),
        None => Ok(subject),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_are_trimmed_and_limited() {
        assert_eq!(check_subject("  k-123 ").ok(), Some("k-123"));
        let problem = |s: &str| match check_subject(s) {
            Err(AdminError::Invalid(p)) => p,
            _ => vec![],
        };
        assert_eq!(problem("   "), [("subject", Problem::Missing)]);
        assert_eq!(problem(&"x".repeat(256)), [("subject", Problem::TooLong)]);
        assert!(check_subject(&"x".repeat(255)).is_ok());
        assert_eq!(problem("a\tb"), [("subject", Problem::Invalid)]);
    }

    #[test]
    fn external_attempts_never_share_a_local_username() {
        assert_eq!(attempt_name(Some("kim")), "oidc:kim");
        assert_eq!(attempt_name(None), "oidc");
    }
}
