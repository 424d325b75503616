//! `App`: the use cases the web and API call. Each takes the signed-in actor first, checks a permission, and lets
//! the store write the audit record in the same transaction as the change or read.

use std::sync::Arc;

use domain::Who;
use jiff::SignedDuration;
use store::{Account, AccountStore, Attempt, SqlStore};

use crate::access::{Actor, Denied};
use crate::auth::{Throttle, verify_password};
use crate::clock::Clock;

/// Why a use case did not go through. The web layer maps each to a status code and a safe message.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Denied(#[from] Denied),
    /// The record does not exist (or, for whoever may not know it exists, is refused as if it did not).
    #[error("{what} finns inte")]
    NotFound { what: &'static str },
    /// Someone else changed the record since it was read, or the request contradicts its current state; nothing
    /// was written.
    #[error("konflikt: {0}")]
    Conflict(&'static str),
    /// A domain rule refused the input or the transition; nothing was written. The message is the rule's own.
    #[error(transparent)]
    Rejected(domain::DomainError),
    /// The store failed (database, read log, corrupt data): a 500 with an operation id, the cause logged once.
    #[error(transparent)]
    Unavailable(store::StoreError),
    /// Too many failures lately: the try was not checked; `retry_after` says when the next one will be.
    #[error("för många misslyckade inloggningar; försök igen senare")]
    Throttled { retry_after: SignedDuration },
    #[error("fel användarnamn eller lösenord")]
    BadCredentials,
    /// The right password of an applicant account, outside demo mode: applicants sign in with e-legitimation.
    #[error("sökande loggar in med e-legitimation")]
    ApplicantPasswordRefused,
    /// A form value the use case refuses; nothing was written.
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("{0}")]
    Internal(String),
}

/// The store's errors in the application's words: web and the API see only [`AppError`], never the store's type.
impl From<store::StoreError> for AppError {
    fn from(e: store::StoreError) -> AppError {
        use store::StoreError as S;
        match e {
            S::Domain(e) => AppError::Rejected(e),
            S::NotFound { what, .. } => AppError::NotFound { what },
            S::Conflict(why) => AppError::Conflict(why),
            S::Duplicate(what) => AppError::Conflict(what),
            other => AppError::Unavailable(other),
        }
    }
}

/// How sessions and sign-in behave; from the server configuration.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub throttle: Throttle,
    pub session_idle: SignedDuration,
    /// A session ends this long after sign-in, however busy (the absolute lifetime).
    pub session_absolute: SignedDuration,
    /// Demo mode: demo accounts (and the password `demo`) sign in only then, and so do applicants with a local
    /// password; everywhere else applicants sign in with e-legitimation (`citizen_auth`).
    pub demo_mode: bool,
    /// A payment run above this total is approved by someone other than the person who prepared it.
    pub second_person_above: norm::Money,
}

#[derive(Debug, Clone)]
pub struct App {
    /// Private: every read and change goes through a use case that checks permissions and writes the audit record.
    pub(crate) store: SqlStore,
    pub clock: Arc<dyn Clock>,
    pub policy: Policy,
    /// The municipality's guidelines (rent ceilings by household size); none unless configured
    /// ([`App::with_guidelines`]).
    pub(crate) guidelines: Arc<norm::Guidelines>,
    /// The activity requirement's rules switched on ([`App::with_requirements`]); by default the municipality's
    /// activity guarantee only (`crate::sanctions`).
    pub(crate) requirements: Arc<domain::progression::Requirements>,
}

/// A fresh session: the cookie token and the CSRF token bound to it.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
}

/// The signed-in actor and the CSRF token of their session.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub actor: Actor,
    pub csrf_token: String,
}

impl App {
    /// The application over a store, a clock and the server's policy. The store stays inside: callers hold their own
    /// handle only where they own the process (the binary's commands, tests that arrange data).
    pub fn new(store: SqlStore, clock: Arc<dyn Clock>, policy: Policy) -> App {
        App {
            store,
            clock,
            policy,
            guidelines: Arc::new(norm::Guidelines::none()),
            requirements: Arc::new(domain::progression::Requirements::configured(true, false)),
        }
    }

    /// The audit context for an action by `actor` on `page`, now.
    pub fn audit_ctx(&self, actor: &Actor, page: &str) -> domain::Actor {
        domain::Actor {
            who: actor.who(),
            page: page.to_owned(),
            at: self.clock.now(),
        }
    }

    /// Passes an access check through, or records the refusal for the auditors (`access.denied`) and returns it.
    pub(crate) async fn enforce(
        &self,
        ctx: &domain::Actor,
        page: &str,
        check: Result<(), Denied>,
    ) -> Result<(), AppError> {
        match check {
            Ok(()) => Ok(()),
            Err(denied) => {
                store::Worklists::record_denied(&self.store, ctx, page, None).await?;
                Err(AppError::Denied(denied))
            }
        }
    }

    /// Signs in with a local account, without a client address (tests, commands): only the username's throttling
    /// count applies. The web uses [`App::sign_in_from`].
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
        new_token: &(dyn Fn() -> String + Sync),
    ) -> Result<NewSession, AppError> {
        self.sign_in_from(username, password, None, new_token).await
    }

    /// Signs in with a local account from a client address. Throttled per address and per username with growing
    /// delays ([`Throttle`]); every attempt is recorded (with the address) and audited. Outside demo mode, demo
    /// accounts and the password `demo` are refused like a wrong password. `new_token` supplies random tokens (the
    /// web layer's OS randomness), keeping this crate testable.
    pub async fn sign_in_from(
        &self,
        username: &str,
        password: &str,
        client: Option<&str>,
        new_token: &(dyn Fn() -> String + Sync),
    ) -> Result<NewSession, AppError> {
        let now = self.clock.now();
        let system = domain::Actor {
            who: Who::System("inloggning".into()),
            page: "login".into(),
            at: now,
        };
        let throttle = self.policy.throttle;
        let history = self
            .store
            .sign_in_history(
                username,
                client,
                throttle.window_start(now),
                throttle.usual_since(now),
            )
            .await?;
        let attempt = |throttled| Attempt {
            username,
            client,
            throttled,
        };
        if let Err(retry_after) = throttle.check(&history, now) {
            self.store.record_attempt(&system, attempt(true), None).await?;
            return Err(AppError::Throttled { retry_after });
        }
        let account = self.store.account_by_username(username).await?;
        // The demo's convenience stops at demo mode: its accounts and its password are refused elsewhere, before
        // the password is checked (the time taken is the same as for a missing account).
        let demo_refused =
            !self.policy.demo_mode && (password == DEMO_PASSWORD || account.as_ref().is_some_and(|a| a.demo));
        let ok = match &account {
            Some(a) if a.active && a.has_password() && !demo_refused => {
                verify_password(password, &a.password_hash).map_err(|e| AppError::Internal(e.to_string()))?
            }
            _ => {
                // The result is always "no"; only the time it takes matters.
                let _ = verify_password(password, DUMMY_HASH);
                false
            }
        };
        match account {
            // Checked after the password, so that only someone who knows it learns that the account is an
            // applicant's; the attempt counts as a failure (it opens no session).
            Some(a) if ok && a.role == domain::role::Role::Applicant && !self.policy.demo_mode => {
                self.store.record_login(&system, username, None).await?;
                Err(AppError::ApplicantPasswordRefused)
            }
            Some(a) if ok => {
                let session = NewSession {
                    token: new_token(),
                    csrf_token: new_token(),
                };
                let ctx = domain::Actor {
                    who: actor_of(&a).who(),
                    page: "login".into(),
                    at: now,
                };
                self.store
                    .record_attempt(
                        &ctx,
                        attempt(false),
                        Some((&session.token, &session.csrf_token, a.id)),
                    )
                    .await?;
                Ok(session)
            }
            _ => {
                self.store.record_attempt(&system, attempt(false), None).await?;
                Err(AppError::BadCredentials)
            }
        }
    }

    /// The signed-in actor for a session cookie, if the session is live.
    pub async fn session(&self, token: &str) -> Result<Option<SignedIn>, AppError> {
        let now = self.clock.now();
        let idle_since = now.checked_sub(self.policy.session_idle).unwrap_or(now);
        let created_since = now.checked_sub(self.policy.session_absolute).unwrap_or(now);
        Ok(self
            .store
            .session_within(token, idle_since, created_since, now)
            .await?
            .map(|s| SignedIn {
                actor: actor_of(&s.account),
                csrf_token: s.csrf_token,
            }))
    }

    pub async fn sign_out(&self, actor: &Actor, token: &str) -> Result<(), AppError> {
        Ok(self
            .store
            .end_session(&self.audit_ctx(actor, "logout"), token)
            .await?)
    }
}

/// The demo accounts' password (`seed`), refused outside demo mode whatever the account.
pub const DEMO_PASSWORD: &str = "demo";

/// An argon2id hash (of a password nobody knows) that sign-in verifies against when the username does not exist,
/// so that a missing account takes as long as a wrong password.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c3RlZ3Zpcy1kdW1teQ$5ZxAmTgyvJaTNiWaHUvIWL4AEUhTxn6S0nJ4XhzS3JA";

pub fn actor_of(a: &Account) -> Actor {
    Actor {
        account_id: a.id.0,
        username: a.username.clone(),
        display_name: a.display_name.clone(),
        role: a.role,
        staff: a.staff,
        person: a.person,
        units: a.units.clone(),
        protected_grants: a.protected_grants.clone(),
    }
}
