//! The auditor's and the administrator's use cases: searching the access log, the log extract for one person,
//! verifying the audit chain; accounts, units and protected-identity grants.
//!
//! Every use case checks the permission first and records a refusal as `access.denied`. Administrator input is
//! validated here, completely, before anything is written; problems come back per field so the form can show each
//! next to its field.

use std::collections::BTreeMap;

use domain::role::Role;
use domain::{HouseholdId, PersonId, Personnummer, UnitId};
use store::{
    Account, AccountId, AccountStore, AuditPage, AuditQuery, AuditSearch, AuditVerdict, CheckpointReport,
    LogNames, NewAccount, PersonExtract, Store, StoreError,
};

use crate::access::{Actor, Permission};
use crate::auth::hash_password;
use crate::checkpoints::CheckpointSource;
use crate::names::{Doer, Shown, doers, household_people, shown};
use crate::service::{App, AppError};

/// Shown to administrators instead of an applicant account's display name, which is a person's name: managing
/// accounts does not include reading personal data.
pub const APPLICANT_NAME_HIDDEN: &str = "Sökande (namnet visas inte)";

/// An account as an administrator may see it.
fn for_admin(mut a: Account) -> Account {
    if a.role == Role::Applicant {
        a.display_name = APPLICANT_NAME_HIDDEN.to_owned();
    }
    a
}

/// The shortest initial password an administrator may set.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// What is wrong with one field of an administrator's form. The web layer words it in the user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Nothing was entered.
    Missing,
    /// Not of the right form (e.g. a username with spaces).
    Invalid,
    /// The username is already taken.
    Taken,
    /// The password is shorter than [`MIN_PASSWORD_CHARS`].
    TooShort,
    /// Longer than the field allows.
    TooLong,
    /// A name longer than [`domain::text::NAME`] allows (200 characters).
    NameTooLong,
    /// The unit, person or account does not exist.
    Unknown,
    /// A protected-identity grant for a person who has no protected identity.
    NotProtected,
}

/// A person an account may see despite their protected identity, as the administrator's page lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantedPerson {
    pub personnummer: String,
    pub name: String,
}

/// (form field name, problem), in the order of the form.
pub type FieldProblems = Vec<(&'static str, Problem)>;

/// An administrator's use case refused: bad input (nothing stored) or any other error.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("ogiltiga uppgifter i formuläret")]
    Invalid(FieldProblems),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for AdminError {
    fn from(e: StoreError) -> AdminError {
        AdminError::App(e.into())
    }
}

/// An account as the administrator fills it in.
#[derive(Debug, Clone, Default)]
pub struct AccountInput {
    pub username: String,
    pub display_name: String,
    /// The stored form of the role (`caseworker`, ...).
    pub role: String,
    pub units: Vec<UnitId>,
    pub password: String,
}

fn valid_username(u: &str) -> bool {
    !u.is_empty()
        && u.len() <= 64
        && u.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')
}

/// The verdicts on the two hash-chained logs, and how they compare with the checkpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCheck {
    pub changes: AuditVerdict,
    pub reads: AuditVerdict,
    pub checkpoints: CheckpointReport,
}

/// The names a page of log records refers to, as the auditor may see them (protected persons masked unless the
/// auditor has a grant): who acted (by `staff:2`), the subject persons, and the households in the details.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogWords {
    pub doers: BTreeMap<String, Doer>,
    pub persons: BTreeMap<PersonId, Shown>,
    pub households: BTreeMap<HouseholdId, Vec<Shown>>,
}

fn log_words(actor: &Actor, names: LogNames) -> LogWords {
    LogWords {
        doers: doers(actor, &names.actors),
        persons: names.persons.iter().map(|p| (p.id, shown(actor, p))).collect(),
        households: names
            .households
            .iter()
            .map(|(h, people)| (*h, household_people(actor, people)))
            .collect(),
    }
}

impl App {
    /// Checks a permission; a refusal is audited (`access.denied`) before it is returned. For handlers that must
    /// refuse before they say anything about the input.
    pub async fn require_audited(
        &self,
        actor: &Actor,
        permission: Permission,
        page: &str,
    ) -> Result<(), AppError> {
        self.enforce(&self.audit_ctx(actor, page), page, actor.require(permission))
            .await
    }

    /// Searches the access log, newest first (the search is itself audited).
    pub async fn search_access_log(
        &self,
        actor: &Actor,
        query: &AuditQuery,
    ) -> Result<(AuditPage, LogWords), AppError> {
        self.require_audited(actor, Permission::ReadAccessLog, "granskning")
            .await?;
        // The same limits as the page's fields: an over-long prefix would otherwise reach the database as a
        // pattern too complex for it, and a NUL is refused by PostgreSQL.
        for (field, value) in [("actor", &query.actor), ("action", &query.action_prefix)] {
            if let Some(v) = value {
                domain::text::SEARCH_FIELD
                    .check(v)
                    .map_err(|e| AppError::Invalid {
                        field,
                        reason: e.to_string(),
                    })?;
            }
        }
        let ctx = self.audit_ctx(actor, "granskning");
        let mut page = self.store.search_audit(&ctx, query).await?;
        // The unmasked names never leave the application core.
        let words = log_words(actor, std::mem::take(&mut page.names));
        Ok((page, words))
    }

    /// The staff and staff-side accounts by name and role, for the search's choice of whose actions to list.
    pub async fn log_actors(&self, actor: &Actor) -> Result<BTreeMap<String, Doer>, AppError> {
        self.require_audited(actor, Permission::ReadAccessLog, "granskning")
            .await?;
        Ok(doers(actor, &self.store.log_actors().await?))
    }

    /// The log extract for one person (see [`store::PersonExtract`] for what it includes). Audited.
    pub async fn access_log_extract(
        &self,
        actor: &Actor,
        person: PersonId,
    ) -> Result<(PersonExtract, LogWords), AppError> {
        let page = format!("granskning/person/{person}");
        self.require_audited(actor, Permission::ReadAccessLog, &page)
            .await?;
        let ctx = self.audit_ctx(actor, &page);
        let mut extract = self.store.audit_extract(&ctx, person).await?;
        let words = log_words(actor, std::mem::take(&mut extract.names));
        Ok((extract, words))
    }

    /// Recomputes both logs' hash chains (changes, and reads of personal data): each intact with its record count,
    /// or its first broken link; then compares them with the checkpoints published to `source` and recorded in the
    /// database (a rewritten chain, a rolled-back log, a checkpoint with a bad signature).
    pub async fn verify_access_log(
        &self,
        actor: &Actor,
        source: Option<&CheckpointSource>,
    ) -> Result<ChainCheck, AppError> {
        self.require_audited(actor, Permission::ReadAccessLog, "granskning/kedja")
            .await?;
        Ok(ChainCheck {
            changes: self.store.verify_audit_chain().await?,
            reads: self.store.verify_read_chain().await?,
            checkpoints: self.compare_with_checkpoints(source).await?,
        })
    }

    /// Every account, by username.
    pub async fn admin_accounts(&self, actor: &Actor) -> Result<Vec<Account>, AppError> {
        self.require_audited(actor, Permission::ManageUsers, "admin/anvandare")
            .await?;
        Ok(self.store.accounts().await?.into_iter().map(for_admin).collect())
    }

    /// One account, or `NotFound`.
    pub async fn admin_account(&self, actor: &Actor, id: AccountId) -> Result<Account, AppError> {
        let page = format!("admin/anvandare/{}", id.0);
        self.require_audited(actor, Permission::ManageUsers, &page)
            .await?;
        self.store
            .accounts()
            .await?
            .into_iter()
            .find(|a| a.id == id)
            .map(for_admin)
            .ok_or(AppError::NotFound { what: "konto" })
    }

    /// Every organisation unit: (id, name).
    pub async fn admin_units(&self, actor: &Actor) -> Result<Vec<(UnitId, String)>, AppError> {
        self.require_audited(actor, Permission::ManageUsers, "admin/enheter")
            .await?;
        Ok(self.store.units().await?)
    }

    /// Creates a staff account with an initial password (stored as an argon2id hash). Every field is checked
    /// before anything is written; a taken username is reported on the username field.
    pub async fn admin_create_account(
        &self,
        actor: &Actor,
        input: AccountInput,
    ) -> Result<AccountId, AdminError> {
        self.require_audited(actor, Permission::ManageUsers, "admin/anvandare")
            .await?;
        let mut problems = FieldProblems::new();
        let username = input.username.trim().to_lowercase();
        if username.is_empty() {
            problems.push(("username", Problem::Missing));
        } else if !valid_username(&username) {
            problems.push(("username", Problem::Invalid));
        } else if self.store.account_by_username(&username).await?.is_some() {
            problems.push(("username", Problem::Taken));
        }
        let display_name = input.display_name.trim().to_owned();
        match domain::text::NAME.problem(&display_name) {
            Ok("") => problems.push(("display_name", Problem::Missing)),
            Ok(_) => {}
            Err(domain::text::TextProblem::TooLong) => problems.push(("display_name", Problem::NameTooLong)),
            Err(domain::text::TextProblem::ControlCharacter) => {
                problems.push(("display_name", Problem::Invalid))
            }
        }
        // Applicants sign in as a person; their accounts are not made here.
        let role = match input.role.trim() {
            "" => {
                problems.push(("role", Problem::Missing));
                None
            }
            r => match r.parse::<Role>() {
                Ok(role) if role != Role::Applicant => Some(role),
                _ => {
                    problems.push(("role", Problem::Invalid));
                    None
                }
            },
        };
        let known: Vec<UnitId> = self.store.units().await?.into_iter().map(|(u, _)| u).collect();
        if input.units.iter().any(|u| !known.contains(u)) {
            problems.push(("units", Problem::Unknown));
        }
        if input.password.is_empty() {
            problems.push(("password", Problem::Missing));
        } else if input.password.chars().count() < MIN_PASSWORD_CHARS {
            problems.push(("password", Problem::TooShort));
        }
        let Some(role) = role.filter(|_| problems.is_empty()) else {
            return Err(AdminError::Invalid(problems));
        };
        let password_hash = hash_password(&input.password).map_err(|e| AppError::Internal(e.to_string()))?;
        let ctx = self.audit_ctx(actor, "admin/anvandare");
        let account = NewAccount {
            username,
            display_name,
            role,
            staff: None,
            person: None,
            password_hash,
            units: input.units,
        };
        match self.store.create_account(&ctx, account).await {
            Ok(id) => Ok(id),
            // Someone took the name between the check and the insert.
            Err(StoreError::Duplicate(_)) => Err(AdminError::Invalid(vec![("username", Problem::Taken)])),
            Err(e) => Err(e.into()),
        }
    }

    /// Deactivates an account (its sessions end at once) or activates it again.
    pub async fn admin_set_active(&self, actor: &Actor, id: AccountId, active: bool) -> Result<(), AppError> {
        let page = format!("admin/anvandare/{}", id.0);
        self.require_audited(actor, Permission::ManageUsers, &page)
            .await?;
        let ctx = self.audit_ctx(actor, &page);
        Ok(self.store.set_account_active(&ctx, id, active).await?)
    }

    /// Replaces the units an account works in.
    pub async fn admin_set_units(
        &self,
        actor: &Actor,
        id: AccountId,
        units: &[UnitId],
    ) -> Result<(), AdminError> {
        let page = format!("admin/anvandare/{}", id.0);
        self.require_audited(actor, Permission::ManageUsers, &page)
            .await?;
        let ctx = self.audit_ctx(actor, &page);
        match self.store.set_account_units(&ctx, id, units).await {
            Err(StoreError::NotFound { what: "enhet", .. }) => {
                Err(AdminError::Invalid(vec![("units", Problem::Unknown)]))
            }
            other => Ok(other?),
        }
    }

    /// Grants or revokes an account's access to one person with protected identity. `person` is the personnummer
    /// as typed (the administrator knows whom by number, never by an internal id); the lookup is audited. Only a
    /// person with protected identity can be granted: for anyone else a grant would mean nothing.
    pub async fn admin_set_grant(
        &self,
        actor: &Actor,
        id: AccountId,
        person: &str,
        granted: bool,
    ) -> Result<(), AdminError> {
        let page = format!("admin/anvandare/{}", id.0);
        self.require_audited(actor, Permission::ManageUsers, &page)
            .await?;
        let ctx = self.audit_ctx(actor, &page);
        let today = ctx.at.to_zoned(jiff::tz::TimeZone::UTC).date();
        let pnr = match person.trim() {
            "" => return Err(AdminError::Invalid(vec![("person", Problem::Missing)])),
            p => Personnummer::parse(p, today)
                .map_err(|_| AdminError::Invalid(vec![("person", Problem::Invalid)]))?,
        };
        let Some(found) = self.store.find_person(&ctx, &pnr).await? else {
            return Err(AdminError::Invalid(vec![("person", Problem::Unknown)]));
        };
        if granted && !found.protection.is_protected() {
            return Err(AdminError::Invalid(vec![("person", Problem::NotProtected)]));
        }
        match self.store.set_protected_grant(&ctx, id, found.id, granted).await {
            Err(StoreError::NotFound { what: "person", .. }) => {
                Err(AdminError::Invalid(vec![("person", Problem::Unknown)]))
            }
            other => Ok(other?),
        }
    }

    /// The persons an account has a protected-identity grant for, by personnummer and name (an audited read).
    pub async fn admin_account_grants(
        &self,
        actor: &Actor,
        id: AccountId,
    ) -> Result<Vec<GrantedPerson>, AppError> {
        let page = format!("admin/anvandare/{}", id.0);
        self.require_audited(actor, Permission::ManageUsers, &page)
            .await?;
        let ctx = self.audit_ctx(actor, &page);
        Ok(self
            .store
            .granted_persons(&ctx, id)
            .await?
            .into_iter()
            .map(|p| GrantedPerson {
                personnummer: p.pnr.to_string(),
                name: p.name,
            })
            .collect())
    }

    /// Creates an organisation unit.
    pub async fn admin_create_unit(&self, actor: &Actor, name: &str) -> Result<UnitId, AdminError> {
        self.require_audited(actor, Permission::ManageUsers, "admin/enheter")
            .await?;
        let name = match domain::text::NAME.problem(name) {
            Ok("") => return Err(AdminError::Invalid(vec![("name", Problem::Missing)])),
            Ok(name) => name,
            Err(domain::text::TextProblem::TooLong) => {
                return Err(AdminError::Invalid(vec![("name", Problem::NameTooLong)]));
            }
            Err(domain::text::TextProblem::ControlCharacter) => {
                return Err(AdminError::Invalid(vec![("name", Problem::Invalid)]));
            }
        };
        let ctx = self.audit_ctx(actor, "admin/enheter");
        Ok(self.store.create_unit(&ctx, name).await?)
    }
}
