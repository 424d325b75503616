//! The application core: who is acting, what time it is, and what they are allowed to do.
//!
//! Use cases take the acting user first, check a permission here, and have the store write the audit record in the
//! same transaction as the change or read. HTTP handlers and CLI commands never decide permissions themselves.

pub mod access;
pub mod applicant;
pub mod applying;
pub mod auth;
pub mod calc;
pub mod cases;
pub mod casework;
pub mod checkpoints;
pub mod citizen_auth;
pub mod clock;
pub mod deciding;
pub mod documents;
pub mod external_auth;
pub mod ladder_stats;
pub mod letters;
pub mod names;
pub mod paying;
pub mod progression;
pub mod queue;
pub mod reconsidering;
pub mod review;
pub mod sanctions;
pub mod seed;
pub mod service;
pub mod shown;

pub use access::{Actor, Permission, Role};
pub use clock::{Clock, FixedClock, SystemClock};
pub use service::{App, AppError, NewSession, Policy, SignedIn};

// The pure crates, re-exported so that `web` depends on `app` alone (checked by `cargo xtask boundary`): their types
// are the vocabulary of the use cases' arguments and views.
pub use domain;
pub use norm;

/// The read models the use cases return. They are built by the store's statements; `app` hands them on unchanged, so
/// the web layer names them through here and never depends on the store.
pub mod views {
    pub use store::{
        Account, AccountId, ApplicantView, ApplicationView, AuditLog, AuditQuery, AuditRecord, AuditVerdict,
        BatchSummary, DecisionView, DocumentInfo, FollowUpView, HouseholdOverview, MemberView, QueueItem,
        SubjectRef, WorkQueue,
    };
    // The caseworker's queue (`queue`).
    pub use store::{QueueEntry, QueueKind, QueuePage, QueueSort, QueueSubject, ViewCounts, Workload};
    // Omprövning and the förvaltningsrätt (`reconsidering`).
    pub use store::{AppealCase, AppealView, ChangeView, ForwardedDocument, Judgment};
    // The ladder work per person (`progression`).
    pub use store::progression::{ATTENDANCE_WEEKS, ENDING_WITHIN_DAYS, REASSESS_AFTER_DAYS};
    pub use store::{
        ActivityView, AssessmentView, AttendanceDue, AttendanceView, Caseload, CaseloadPerson, ExitView,
        NextAction, PersonPath, PlanView, ProposalToMake,
    };
    // Sanction proposals under 12 kap. 5 § SoL (`sanctions`).
    pub use store::{ProposalContext, SanctionView};
}
