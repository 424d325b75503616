//! What the store's use cases take and return. Domain types where they exist; these add ids and stored state.

use std::collections::BTreeMap;

use domain::appeal::AppealStatus;
use domain::application::ApplicationStatus;
use domain::decision::{DecisionItem, FrozenCalculation};
use domain::fact::FactRecord;
use domain::journal::NoteKind;
use domain::payment::{BatchStatus, PaymentStatus};
use domain::{
    AppealId, ApplicationId, BatchId, ClaimId, DecisionId, FollowUpId, HouseholdId, NoteId, PaymentId,
    PersonId, Personnummer, ProtectedIdentity, UnitId, Who,
};
use jiff::Timestamp;
use jiff::civil::Date;
use norm::contract::Role;
use norm::{Money, Month};
use serde::Serialize;

/// A journal note written by `actor` (who and when), for [`crate::Store::append_journal_many`].
#[derive(Clone)]
pub struct NewNote {
    pub actor: domain::Actor,
    pub person: PersonId,
    pub kind: NoteKind,
    pub text: String,
}

/// Never prints the text (free text must not reach logs).
impl std::fmt::Debug for NewNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewNote")
            .field("person", &self.person)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// A follow-up set by `actor`, for [`crate::FollowUps::create_follow_ups`].
#[derive(Clone)]
pub struct NewFollowUp {
    pub actor: domain::Actor,
    pub household: HouseholdId,
    pub due_on: Date,
    pub reason: domain::follow_up::FollowUpReason,
}

/// Never prints the reason (free text must not reach logs).
impl std::fmt::Debug for NewFollowUp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewFollowUp")
            .field("household", &self.household)
            .field("due_on", &self.due_on)
            .finish_non_exhaustive()
    }
}

/// A person to register.
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub pnr: Personnummer,
    pub name: String,
    pub protection: ProtectedIdentity,
}

impl NewPerson {
    /// Builds a person from form input: an invalid personnummer is a typed error. `today` resolves the century of a
    /// ten-digit number.
    pub fn parse(
        pnr: &str,
        name: &str,
        protection: ProtectedIdentity,
        today: Date,
    ) -> crate::Result<NewPerson> {
        let pnr = Personnummer::parse(pnr, today).map_err(domain::DomainError::from)?;
        Ok(NewPerson {
            pnr,
            name: name.to_owned(),
            protection,
        })
    }
}

#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct PersonView {
    pub id: PersonId,
    pub pnr: Personnummer,
    pub name: String,
    pub protection: ProtectedIdentity,
}

/// Never prints the name or number (they must not reach logs).
impl std::fmt::Debug for PersonView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonView")
            .field("id", &self.id)
            .field("protection", &self.protection)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberView {
    pub person: PersonView,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApplicationView {
    pub id: ApplicationId,
    pub household: HouseholdId,
    pub month: Month,
    pub status: ApplicationStatus,
    pub received_on: Date,
    pub current_decision: Option<DecisionId>,
    /// Pass back to the next write on this application (optimistic concurrency).
    pub version: i64,
}

/// Everything a caseworker's household page needs, as known now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HouseholdOverview {
    pub id: HouseholdId,
    pub unit: UnitId,
    pub unit_name: String,
    /// Members whose membership is valid on `on`.
    pub members: Vec<MemberView>,
    /// Members over time: every believed membership period, earliest first.
    pub membership: Vec<MembershipView>,
    /// Facts valid on `on` as known at the actor's instant.
    pub facts: Vec<FactRecord>,
    /// Month by month, earliest first.
    pub applications: Vec<ApplicationView>,
    /// Every decision of the household's applications (replaced ones too), earliest first.
    pub decisions: Vec<DecisionSummary>,
    /// Every payment of those decisions.
    pub payments: Vec<PaymentSummary>,
    pub appeals: Vec<AppealView>,
    pub claims: Vec<ClaimView>,
    /// Journal notes about anyone who has been a member, newest first.
    pub journal: Vec<NoteView>,
    /// Follow-ups, open ones first by due date, then done ones newest first.
    pub follow_ups: Vec<FollowUpView>,
    /// Display names of the staff and accounts named as `decided_by`, `written_by` or `created_by` above (keyed
    /// by the stored `staff:12` / `account:3` form).
    pub names: BTreeMap<String, String>,
    /// Why a decision replaced another (omprövning, the court's judgment), by decision, in id order.
    pub changes: Vec<(DecisionId, domain::appeal::ChangeKind)>,
    pub on: Date,
}

/// One period of one person's membership of a household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MembershipView {
    pub person: PersonView,
    pub role: Role,
    pub from: Date,
    /// Last day; `None` while it lasts.
    pub to: Option<Date>,
}

/// A decision as the household's history lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionSummary {
    pub id: DecisionId,
    pub application: ApplicationId,
    pub replaces: Option<DecisionId>,
    /// The decision as a whole (see [`domain::decision::Outcome::overall`]); `None` without items.
    pub outcome: Option<domain::decision::Outcome>,
    pub total_granted: Money,
    pub decided_by: String,
    pub decided_at: Timestamp,
    pub served_on: Option<Date>,
}

/// A payment as the household's history lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentSummary {
    pub decision: DecisionId,
    pub batch: BatchId,
    pub amount: Money,
    pub status: PaymentStatus,
    pub pay_date: Date,
}

/// A follow-up (bevakning) of a household. `Debug` leaves out the reason (free text).
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct FollowUpView {
    pub id: FollowUpId,
    pub household: HouseholdId,
    pub due_on: Date,
    pub reason: String,
    pub created_by: String,
    pub created_at: Timestamp,
    /// Who marked it done, and when.
    pub done: Option<(String, Timestamp)>,
}

impl std::fmt::Debug for FollowUpView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FollowUpView")
            .field("id", &self.id)
            .field("household", &self.household)
            .field("due_on", &self.due_on)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionView {
    pub id: DecisionId,
    pub application: ApplicationId,
    pub replaces: Option<DecisionId>,
    pub items: Vec<DecisionItem>,
    /// What is paid out: the items' accepted need less `deductions` and any reduction.
    pub total_granted: Money,
    /// The household's own means (counted income, usable assets) taken from the accepted need.
    pub deductions: Money,
    pub decided_by: String,
    pub decided_at: Timestamp,
    pub served_on: Option<Date>,
    pub calculation: Option<FrozenCalculation>,
    /// Why this decision replaced another (omprövning, the court's judgment); `None` for a first decision and for
    /// a plain correction. Read by the decision use case (`Store::decision`), not by the payment paths.
    pub change: Option<crate::reconsideration::ChangeView>,
}

/// One household's decision in a month's bulk run ([`crate::Store::decide_month`]).
#[derive(Debug, Clone)]
pub struct MonthDecision {
    pub household: HouseholdId,
    pub received_on: Date,
    pub decision: domain::decision::NewDecision,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentView {
    pub id: PaymentId,
    pub batch: BatchId,
    pub decision: DecisionId,
    pub item_no: i64,
    pub amount: Money,
    pub status: PaymentStatus,
    pub idempotency_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchView {
    pub id: BatchId,
    pub status: BatchStatus,
    pub pay_date: Date,
    pub payments: Vec<PaymentView>,
}

impl BatchView {
    /// The sum of the payments that will be (or were) paid out: stopped ones excluded.
    pub fn total_payable(&self) -> Result<Money, norm::money::Overflow> {
        Money::checked_sum(
            self.payments
                .iter()
                .filter(|p| p.status != PaymentStatus::Stopped)
                .map(|p| p.amount),
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppealView {
    pub id: AppealId,
    pub decision: DecisionId,
    pub received_on: Date,
    pub served_on: Date,
    pub status: AppealStatus,
    pub new_decision: Option<DecisionId>,
    /// After a reconsideration that met the appeal in part: the new decision the appeal now is against.
    pub against_decision: Option<DecisionId>,
    /// The day it was forwarded to the förvaltningsrätt.
    pub forwarded_on: Option<Date>,
    /// The day of the court's judgment.
    pub judged_on: Option<Date>,
}

impl AppealView {
    /// The decision the appeal is against now: the appealed one, or the one that replaced it in part.
    pub fn target(&self) -> DecisionId {
        self.against_decision.unwrap_or(self.decision)
    }
}

/// What the applicant sent later on a decision they had already appealed: an addition to the same appeal, in their
/// own words, with its own time. `Debug` leaves out the text (free text).
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct AppealAddition {
    pub appeal: AppealId,
    pub text: String,
    pub received_at: Timestamp,
}

impl std::fmt::Debug for AppealAddition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppealAddition")
            .field("appeal", &self.appeal)
            .field("received_at", &self.received_at)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct ClaimView {
    pub id: ClaimId,
    pub household: HouseholdId,
    pub decision: Option<DecisionId>,
    pub amount: Money,
    pub outstanding: Money,
    /// Why the money is reclaimed (free text: never logged).
    pub reason: String,
}

/// Never prints the reason (free text must not reach logs).
impl std::fmt::Debug for ClaimView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClaimView")
            .field("id", &self.id)
            .field("household", &self.household)
            .field("amount", &self.amount)
            .field("outstanding", &self.outstanding)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteView {
    pub id: NoteId,
    pub person: PersonId,
    pub kind: NoteKind,
    pub text: String,
    pub written_by: String,
    pub written_at: Timestamp,
}

/// The result of checking the audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum AuditVerdict {
    /// Every record links to the one before and the head matches the last record.
    Intact { records: i64 },
    /// The first record (by sequence number) that does not verify, and why.
    Broken { seq: i64, reason: String },
}

/// The two hash-chained logs. Changes (and the board's own actions: sign-ins, refusals, searches) are recorded in
/// the same transaction as the change; reads of personal data in a log of their own, committed before the data is
/// shown (see `read_log`). Each has its own sequence numbers and chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditLog {
    Changes,
    Reads,
}

impl AuditLog {
    pub const fn as_str(self) -> &'static str {
        match self {
            AuditLog::Changes => "changes",
            AuditLog::Reads => "reads",
        }
    }

    pub fn parse(s: &str) -> Option<AuditLog> {
        [AuditLog::Changes, AuditLog::Reads]
            .into_iter()
            .find(|l| l.as_str() == s)
    }

    /// The table the log lives in (the read log in its own schema: an attached file on SQLite).
    pub(crate) const fn table(self) -> &'static str {
        match self {
            AuditLog::Changes => "audit_log",
            AuditLog::Reads => "readlog.read_log",
        }
    }

    /// The table holding the log's chain head.
    pub(crate) const fn head(self) -> &'static str {
        match self {
            AuditLog::Changes => "audit_head",
            AuditLog::Reads => "readlog.read_head",
        }
    }
}

/// One audit record as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    /// Which log it is in; `seq` counts within that log.
    pub log: AuditLog,
    pub seq: i64,
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub subject_person: Option<PersonId>,
    pub page: String,
    pub detail_json: String,
}

/// How a gallring run treats the logs (configurable; the case files follow SoL's five years).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GallringPolicy {
    /// A log record about a gallrad person loses its content once it is this many years old (counted back from
    /// the gallring date); younger ones wait for a later run.
    pub log_retention_years: i64,
}

impl Default for GallringPolicy {
    fn default() -> GallringPolicy {
        GallringPolicy {
            log_retention_years: domain::gallring::DEFAULT_LOG_RETENTION_YEARS,
        }
    }
}

/// Who is due for gallring on a date (a dry run). See [`crate::Store::gallring_report`] for the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GallringReport {
    pub on: Date,
    pub policy: GallringPolicy,
    /// Persons whose records would be deleted, in id order.
    pub due: Vec<PersonId>,
    /// Due by date but kept: born on the 5th, 15th or 25th (research sample).
    pub kept_for_research: Vec<PersonId>,
    /// Due by date but kept: other live data remain.
    pub kept_live: Vec<PersonId>,
    /// Households whose case file would be gallrad (no person of theirs left, nothing live, five years since their
    /// last application), in id order: their months are kept as statistics, the rest goes.
    pub households: Vec<HouseholdId>,
    /// Change-log records whose content would be removed.
    pub change_records: i64,
    /// Read-log records whose content would be removed.
    pub read_records: i64,
}

/// What a gallring run deleted or anonymised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GallringOutcome {
    pub persons: i64,
    pub notes: i64,
    pub documents: i64,
    pub facts: i64,
    /// The persons' own e-service accounts (with their sessions, external identities and sign-in attempts).
    pub accounts: i64,
    pub households: i64,
    /// Months kept as statistics rows.
    pub statistics: i64,
    pub change_records: i64,
    pub read_records: i64,
}

/// Convenience used by the CLI and tests: a system actor.
pub fn system_actor(name: &str, page: &str, at: Timestamp) -> domain::Actor {
    domain::Actor {
        who: Who::System(name.to_owned()),
        page: page.to_owned(),
        at,
    }
}
