//! Storage for stegvis: the [`Store`] trait, shaped by the case-management use cases, and its one implementation
//! [`SqlStore`] that runs on SQLite (the embedded default) and PostgreSQL (production) through sqlx's `Any` driver.
//!
//! Invariants every use case keeps:
//! - every change, and every read of personal data, appends an audit record in the same transaction; the records
//!   form a SHA-256 hash chain ([`Store::verify_audit_chain`] names the first broken link);
//! - bad input (an invalid personnummer, a negative amount, an unknown id, an illegal transition) gives a typed
//!   [`StoreError`] and writes nothing, not even an audit record;
//! - writes to an application carry the version the caller read; a stale version is [`StoreError::Conflict`];
//! - a decided item is paid at most once (unique constraints on the decision item and its idempotency key).
//!
//! Time is an input: every use case takes a [`domain::Actor`] with the instant it happens at.

mod accounts;
mod applicant_extras;
mod applicant_view;
mod application_basis;
mod audit;
mod audit_search;
pub mod bench;
mod case_file;
mod checkpoint;
mod citizen_sign_in;
mod documents;
mod error;
mod external_sign_in;
mod failpoints;
mod follow_ups;
mod gallring;
mod intake;
mod investigation;
mod model;
mod money_flow;
mod names;
mod packed;
mod payment_runs;
mod people;
pub mod progression;
mod progression_import;
mod queue;
mod read_log;
mod reconsideration;
mod records;
mod sql;
mod store_impl;
mod worklists;

use std::future::Future;

use domain::appeal::CourtOutcome;
use domain::decision::NewDecision;
use domain::document::DocumentKind;
use domain::fact::{FactRecord, FactValue, Validity};
use domain::journal::NoteKind;
use domain::role::Role as StaffRole;
use domain::{
    Actor, AppealId, ApplicationId, BatchId, ClaimId, DecisionId, DocumentId, FactId, HouseholdId, NoteId,
    PaymentId, PersonId, Personnummer, StaffId, UnitId,
};
use jiff::Timestamp;
use jiff::civil::Date;
use norm::contract::Role;
use norm::{Money, Month};

pub use accounts::{
    Account, AccountId, AccountStore, Attempt, Failures, NewAccount, Session, SignInHistory, token_hash,
};
pub use applicant_extras::{ApplicantAppeal, MonthExtras};
pub use applicant_view::{
    ApplicantMonth, ApplicantScope, ApplicantView, ApplicantViews, MembershipAccess, MonthMember,
};
pub use application_basis::{ApplicationBases, ApplicationBasis, AssistanceHistory};
pub use audit_search::{
    AuditPage, AuditQuery, AuditSearch, LogNames, MAX_PAGE, PersonExtract, SubjectRef, detail_households,
};
pub use case_file::SealedCaseFile;
pub use checkpoint::{
    ChainHead, Checkpoint, CheckpointFinding, CheckpointKey, CheckpointReport, Checkpoints, PublicKey,
    SignedCheckpoint, Witness, parse_published,
};
pub use citizen_sign_in::{CitizenAccounts, CitizenOutcome, CitizenSignIn};
pub use documents::{DocumentAccess, DocumentFile, DocumentInfo, NewDocument};
pub use error::{Result, StoreError};
pub use external_sign_in::{ExternalLink, ExternalSignIn, MAX_EXTERNAL_ID_CHARS, PendingLogin};
pub use failpoints::FailPoints;
pub use follow_ups::FollowUps;
pub use intake::Intake;
pub use investigation::{CorrectionView, InvestigationRecord, Investigations};
pub use model::*;
pub use names::{ActorName, HouseholdPerson, PersonName};
pub use payment_runs::{BatchSummary, PaymentLine, PaymentRuns, RunLines};
pub use progression::{
    ActivityRef, ActivityView, AssessmentView, AttendanceDue, AttendanceView, Caseload, CaseloadPerson,
    ExitView, NextAction, PersonAccess, PersonHousehold, PersonPath, PlanView, Progressions, ProposalToMake,
};
pub use progression_import::{
    ImportCounts, ImportedActivity, ImportedAssessment, ImportedExit, ImportedPlan, ImportedReason,
    ProgressionImport, ProgressionImports,
};
pub use queue::{
    AssignmentFacts, OPEN_STATUSES, QueueEntry, QueueKind, QueuePage, QueueQuery, QueueSearch, QueueSort,
    QueueSubject, QueueView, Queues, ViewCounts, Workload,
};
pub use reconsideration::{AppealCase, ChangeView, ForwardedDocument, Judgment, Reconsider, Reconsideration};
pub use sql::{Backend, SqlStore, StoreConfig, read_log_path};
pub use worklists::{AppealItem, FollowUpItem, HouseholdAccess, QueueItem, WorkQueue, Worklists};

/// The use cases of the system of record. Each call is one transaction.
pub trait Store: Send + Sync {
    // --- organisation -------------------------------------------------------------------------------------------
    fn create_unit(&self, actor: &Actor, name: &str) -> impl Future<Output = Result<UnitId>> + Send;
    fn create_staff(
        &self,
        actor: &Actor,
        unit: UnitId,
        name: &str,
        role: StaffRole,
    ) -> impl Future<Output = Result<StaffId>> + Send;

    // --- persons and households ---------------------------------------------------------------------------------
    /// Registers a person; a personnummer already registered is [`StoreError::Duplicate`].
    fn register_person(
        &self,
        actor: &Actor,
        person: NewPerson,
    ) -> impl Future<Output = Result<PersonId>> + Send;
    /// Records postal addresses from register data in one transaction (an audited change per person); nothing is
    /// written if one person is unknown.
    fn set_postal_addresses(
        &self,
        actor: &Actor,
        addresses: &[(PersonId, domain::person::PostalAddress)],
    ) -> impl Future<Output = Result<()>> + Send;
    /// A person's postal address for a letter (an audited read); `None` when none is stored.
    fn postal_address(
        &self,
        actor: &Actor,
        person: PersonId,
    ) -> impl Future<Output = Result<Option<domain::person::PostalAddress>>> + Send;
    /// Looks a person up by personnummer (an audited read).
    fn find_person(
        &self,
        actor: &Actor,
        pnr: &Personnummer,
    ) -> impl Future<Output = Result<Option<PersonView>>> + Send;
    /// A new household whose members hold their roles from `valid_from`.
    fn register_household(
        &self,
        actor: &Actor,
        unit: UnitId,
        members: &[(PersonId, Role)],
        valid_from: Date,
    ) -> impl Future<Output = Result<HouseholdId>> + Send;
    /// A change of circumstances: a new validity period for a fact (the past is kept as it was).
    fn record_fact(
        &self,
        actor: &Actor,
        household: HouseholdId,
        value: FactValue,
        valid: Validity,
    ) -> impl Future<Output = Result<FactId>> + Send;
    /// A correction: `fact` was recorded wrong; it is superseded from the actor's instant by the new record.
    fn correct_fact(
        &self,
        actor: &Actor,
        fact: FactId,
        value: FactValue,
        valid: Validity,
    ) -> impl Future<Output = Result<FactId>> + Send;
    /// The household's facts valid on `valid_at` as known at `known_at` (an audited read).
    fn facts_as_of(
        &self,
        actor: &Actor,
        household: HouseholdId,
        valid_at: Date,
        known_at: Timestamp,
    ) -> impl Future<Output = Result<Vec<FactRecord>>> + Send;
    /// The caseworker's household page: members over time, applications, decisions, payments, appeals, claims,
    /// journal and follow-ups (an audited read: one record per person shown).
    fn household_overview(
        &self,
        actor: &Actor,
        household: HouseholdId,
        on: Date,
    ) -> impl Future<Output = Result<HouseholdOverview>> + Send;
    /// The case file read in one statement and sealed: only its access facts can be looked at, so that the
    /// application core can check access before [`Store::open_case_file`] (not audited: nothing personal is
    /// available from it).
    fn read_case_file(&self, household: HouseholdId) -> impl Future<Output = Result<SealedCaseFile>> + Send;
    /// Opens a sealed case file for `actor`: records the read (one record per person shown) and then returns it.
    fn open_case_file(
        &self,
        actor: &Actor,
        file: SealedCaseFile,
        on: Date,
    ) -> impl Future<Output = Result<HouseholdOverview>> + Send;

    // --- applications and decisions -----------------------------------------------------------------------------
    fn receive_application(
        &self,
        actor: &Actor,
        household: HouseholdId,
        month: Month,
        received_on: Date,
    ) -> impl Future<Output = Result<ApplicationView>> + Send;
    fn start_investigation(
        &self,
        actor: &Actor,
        application: ApplicationId,
        expected_version: i64,
    ) -> impl Future<Output = Result<ApplicationView>> + Send;
    fn withdraw_application(
        &self,
        actor: &Actor,
        application: ApplicationId,
        expected_version: i64,
    ) -> impl Future<Output = Result<ApplicationView>> + Send;
    /// Closes a decided application with nothing (more) to pay.
    fn close_application(
        &self,
        actor: &Actor,
        application: ApplicationId,
        expected_version: i64,
    ) -> impl Future<Output = Result<ApplicationView>> + Send;
    /// Decides an application under investigation, or (with `decision.replaces` = the current decision) replaces
    /// its decision. A stale `expected_version` is [`StoreError::Conflict`] and writes nothing.
    fn decide(
        &self,
        actor: &Actor,
        application: ApplicationId,
        expected_version: i64,
        decision: NewDecision,
    ) -> impl Future<Output = Result<DecisionView>> + Send;
    /// Stores a month's decisions for many households in one transaction: for each, the application is received,
    /// investigated and decided, with an audit record each. All or nothing.
    fn decide_month(
        &self,
        actor: &Actor,
        month: Month,
        decisions: &[MonthDecision],
    ) -> impl Future<Output = Result<Vec<DecisionId>>> + Send;
    /// Records the day the person was served the decision (starts the appeal period).
    fn serve_decision(
        &self,
        actor: &Actor,
        decision: DecisionId,
        served_on: Date,
    ) -> impl Future<Output = Result<()>> + Send;
    fn decision(
        &self,
        actor: &Actor,
        decision: DecisionId,
    ) -> impl Future<Output = Result<DecisionView>> + Send;
    fn application(
        &self,
        actor: &Actor,
        application: ApplicationId,
    ) -> impl Future<Output = Result<ApplicationView>> + Send;

    // --- payments -------------------------------------------------------------------------------------------------
    fn create_payment_batch(
        &self,
        actor: &Actor,
        pay_date: Date,
    ) -> impl Future<Output = Result<BatchId>> + Send;
    /// Creates the payments for a decision's granted items in an open batch. Idempotent: an item that already has
    /// a payment (in any batch, in any state) gets no second one; the existing payment is returned. For a decision
    /// that replaces another, only the difference to what was already paid for the item is paid.
    fn add_to_batch(
        &self,
        actor: &Actor,
        batch: BatchId,
        decision: DecisionId,
    ) -> impl Future<Output = Result<Vec<PaymentView>>> + Send;
    /// Adds many decisions to a batch in one transaction: all are added, or none.
    fn add_many_to_batch(
        &self,
        actor: &Actor,
        batch: BatchId,
        decisions: &[DecisionId],
    ) -> impl Future<Output = Result<Vec<PaymentView>>> + Send;
    /// Stops a payment before its batch is exported.
    fn stop_payment(
        &self,
        actor: &Actor,
        payment: PaymentId,
    ) -> impl Future<Output = Result<PaymentView>> + Send;
    /// Approves an open batch. Above `second_person_above` the approver must be someone other than the person who
    /// created the batch (checked in the same transaction); `None` applies no such rule.
    fn approve_batch(
        &self,
        actor: &Actor,
        batch: BatchId,
        second_person_above: Option<Money>,
    ) -> impl Future<Output = Result<BatchView>> + Send;
    /// Exports an approved batch: the bank file is made, pending payments become exported (stopped ones are left
    /// out). Their applications are not paid yet. Exporting an exported batch again returns it unchanged.
    fn export_batch(&self, actor: &Actor, batch: BatchId) -> impl Future<Output = Result<BatchView>> + Send;
    /// Records the bank's confirmation of an exported batch: the batch and its applications become paid
    /// (`batch.paid`). Confirming again returns it unchanged; an unexported batch is refused.
    fn confirm_batch_paid(
        &self,
        actor: &Actor,
        batch: BatchId,
    ) -> impl Future<Output = Result<BatchView>> + Send;
    fn batch(&self, actor: &Actor, batch: BatchId) -> impl Future<Output = Result<BatchView>> + Send;

    // --- appeals and återkrav -------------------------------------------------------------------------------------
    /// Registers an appeal and checks the time limit against the day the decision was served.
    fn receive_appeal(
        &self,
        actor: &Actor,
        decision: DecisionId,
        received_on: Date,
    ) -> impl Future<Output = Result<AppealView>> + Send;
    /// The board changes its decision as asked: a new decision replacing the appealed one; the appeal lapses.
    fn reconsider_appeal(
        &self,
        actor: &Actor,
        appeal: AppealId,
        expected_version: i64,
        decision: NewDecision,
    ) -> impl Future<Output = Result<AppealView>> + Send;
    fn forward_appeal(
        &self,
        actor: &Actor,
        appeal: AppealId,
    ) -> impl Future<Output = Result<AppealView>> + Send;
    /// The court's judgment. When it changes the decision or sends it back, `new_decision` (with the application's
    /// expected version) is required and replaces the appealed decision.
    fn record_court_outcome(
        &self,
        actor: &Actor,
        appeal: AppealId,
        outcome: CourtOutcome,
        new_decision: Option<(i64, NewDecision)>,
    ) -> impl Future<Output = Result<AppealView>> + Send;
    fn create_claim(
        &self,
        actor: &Actor,
        household: HouseholdId,
        decision: Option<DecisionId>,
        amount: Money,
        reason: &str,
    ) -> impl Future<Output = Result<ClaimView>> + Send;
    fn record_repayment(
        &self,
        actor: &Actor,
        claim: ClaimId,
        amount: Money,
    ) -> impl Future<Output = Result<ClaimView>> + Send;
    /// Eftergift: the board waives (part of) the claim.
    fn waive_claim(
        &self,
        actor: &Actor,
        claim: ClaimId,
        amount: Money,
    ) -> impl Future<Output = Result<ClaimView>> + Send;

    // --- journal and documents ------------------------------------------------------------------------------------
    /// Appends a note; corrections and objections must refer to a note about the same person.
    fn append_journal(
        &self,
        actor: &Actor,
        person: PersonId,
        kind: NoteKind,
        text: &str,
    ) -> impl Future<Output = Result<NoteId>> + Send;
    /// Many notes in one transaction (a history brought in from elsewhere, the demo's generated one): every note
    /// is checked as [`Store::append_journal`] checks it, and all are appended or none.
    fn append_journal_many(&self, notes: &[NewNote]) -> impl Future<Output = Result<Vec<NoteId>>> + Send;
    fn journal(&self, actor: &Actor, person: PersonId) -> impl Future<Output = Result<Vec<NoteView>>> + Send;
    fn attach_document(
        &self,
        actor: &Actor,
        person: PersonId,
        kind: DocumentKind,
        file_name: &str,
        mime: &str,
        content: &[u8],
    ) -> impl Future<Output = Result<DocumentId>> + Send;

    // --- audit and gallring ---------------------------------------------------------------------------------------
    /// Recomputes the change log's hash chain and names the first broken link.
    fn verify_audit_chain(&self) -> impl Future<Output = Result<AuditVerdict>> + Send;
    /// The same check of the read log's chain (records of reads of personal data).
    fn verify_read_chain(&self) -> impl Future<Output = Result<AuditVerdict>> + Send;
    /// The audit records about one person, oldest first (itself an audited read).
    fn audit_trail(
        &self,
        actor: &Actor,
        person: PersonId,
    ) -> impl Future<Output = Result<Vec<AuditRecord>>> + Send;
    /// Dry run: who is due for gallring on `on`. Audited (counts only: the record names nobody). The rules: a person
    /// is due on or after the fifth anniversary of their last activity (latest journal note, document, fact about
    /// them, or registration); persons born on the 5th, 15th or 25th are kept whole (research sample); so are
    /// persons with *live data*, i.e. named in a believed membership record of a household with an open
    /// application, an open appeal, or an återkrav claim with money outstanding. Deletion removes the person's
    /// notes, documents, facts, e-service account and the person. A household none of whose persons is left (and
    /// with nothing live, five years after its last application) is gallrad too: each month becomes a statistics
    /// row (size and type, status, amounts, unit), its declarations, frozen calculations, decision reasons, appeal
    /// grounds, claim reasons, follow-ups and remaining facts go; households, applications, decisions and payments
    /// stay as the board's accounts. Log records about a gallrad person older than the policy's retention lose
    /// their content (place, digest and hash stay, so both chains still verify).
    fn gallring_report(
        &self,
        actor: &Actor,
        on: Date,
        policy: GallringPolicy,
    ) -> impl Future<Output = Result<GallringReport>> + Send;
    /// Deletes exactly the persons and gallrar exactly the households in `report`. If the report no longer matches
    /// the data (recomputed in the same transaction), or a log's chain is broken, nothing is changed and the result
    /// is [`StoreError::Conflict`]. Audited (counts only).
    fn gallring_execute(
        &self,
        actor: &Actor,
        report: &GallringReport,
    ) -> impl Future<Output = Result<GallringOutcome>> + Send;
}
