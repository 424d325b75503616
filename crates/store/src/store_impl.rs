//! `impl Store for SqlStore`: each use case delegates to the module that implements it.

use domain::appeal::CourtOutcome;
use domain::application::ApplicationEvent;
use domain::decision::NewDecision;
use domain::document::DocumentKind;
use domain::fact::{FactRecord, FactValue, Validity};
use domain::journal::NoteKind;
use domain::recovery::ClaimEvent;
use domain::role::Role as StaffRole;
use domain::{
    Actor, AppealId, ApplicationId, BatchId, ClaimId, DecisionId, DocumentId, FactId, HouseholdId, NoteId,
    PaymentId, PersonId, Personnummer, StaffId, UnitId,
};
use jiff::Timestamp;
use jiff::civil::Date;
use norm::contract::Role;
use norm::{Money, Month};

use crate::error::Result;
use crate::model::*;
use crate::{SealedCaseFile, SqlStore, Store, audit, case_file, gallring, money_flow, people, records};

impl Store for SqlStore {
    async fn create_unit(&self, actor: &Actor, name: &str) -> Result<UnitId> {
        people::create_unit(self, actor, name).await
    }
    async fn create_staff(
        &self,
        actor: &Actor,
        unit: UnitId,
        name: &str,
        role: StaffRole,
    ) -> Result<StaffId> {
        people::create_staff(self, actor, unit, name, role).await
    }
    async fn register_person(&self, actor: &Actor, person: NewPerson) -> Result<PersonId> {
        people::register_person(self, actor, person).await
    }
    async fn set_postal_addresses(
        &self,
        actor: &Actor,
        addresses: &[(PersonId, domain::person::PostalAddress)],
    ) -> Result<()> {
        people::set_postal_addresses(self, actor, addresses).await
    }
    async fn postal_address(
        &self,
        actor: &Actor,
        person: PersonId,
    ) -> Result<Option<domain::person::PostalAddress>> {
        people::postal_address(self, actor, person).await
    }
    async fn find_person(&self, actor: &Actor, pnr: &Personnummer) -> Result<Option<PersonView>> {
        people::find_person(self, actor, pnr).await
    }
    async fn register_household(
        &self,
        actor: &Actor,
        unit: UnitId,
        members: &[(PersonId, Role)],
        valid_from: Date,
    ) -> Result<HouseholdId> {
        people::register_household(self, actor, unit, members, valid_from).await
    }
    async fn record_fact(
        &self,
        actor: &Actor,
        household: HouseholdId,
        value: FactValue,
        valid: Validity,
    ) -> Result<FactId> {
        people::record_fact(self, actor, household, value, valid).await
    }
    async fn correct_fact(
        &self,
        actor: &Actor,
        fact: FactId,
        value: FactValue,
        valid: Validity,
    ) -> Result<FactId> {
        people::correct_fact(self, actor, fact, value, valid).await
    }
    async fn facts_as_of(
        &self,
        actor: &Actor,
        household: HouseholdId,
        valid_at: Date,
        known_at: Timestamp,
    ) -> Result<Vec<FactRecord>> {
        people::facts_as_of(self, actor, household, valid_at, known_at).await
    }
    async fn household_overview(
        &self,
        actor: &Actor,
        household: HouseholdId,
        on: Date,
    ) -> Result<HouseholdOverview> {
        let file = case_file::read_case_file(self, household).await?;
        case_file::open_case_file(self, actor, file, on).await
    }
    async fn read_case_file(&self, household: HouseholdId) -> Result<SealedCaseFile> {
        case_file::read_case_file(self, household).await
    }
    async fn open_case_file(
        &self,
        actor: &Actor,
        file: SealedCaseFile,
        on: Date,
    ) -> Result<HouseholdOverview> {
        case_file::open_case_file(self, actor, file, on).await
    }
    async fn receive_application(
        &self,
        actor: &Actor,
        household: HouseholdId,
        month: Month,
        received_on: Date,
    ) -> Result<ApplicationView> {
        records::receive_application(self, actor, household, month, received_on).await
    }
    async fn start_investigation(
        &self,
        actor: &Actor,
        application: ApplicationId,
        expected_version: i64,
    ) -> Result<ApplicationView> {
        let e = ApplicationEvent::StartInvestigation;
        records::simple_transition(
            self,
            actor,
            application,
            expected_version,
            e,
            "application.investigate",
        )
        .await
    }
    async fn withdraw_application(
        &self,
        actor: &Actor,
        application: ApplicationId,
        expected_version: i64,
    ) -> Result<ApplicationView> {
        let e = ApplicationEvent::Withdraw;
        records::simple_transition(
            self,
            actor,
            application,
            expected_version,
            e,
            "application.withdraw",
        )
        .await
    }
    async fn close_application(
        &self,
        actor: &Actor,
        application: ApplicationId,
        expected_version: i64,
    ) -> Result<ApplicationView> {
        let e = ApplicationEvent::Close;
        records::simple_transition(self, actor, application, expected_version, e, "application.close").await
    }
    async fn decide(
        &self,
        actor: &Actor,
        application: ApplicationId,
        expected_version: i64,
        decision: NewDecision,
    ) -> Result<DecisionView> {
        records::decide(self, actor, application, expected_version, decision).await
    }
    async fn decide_month(
        &self,
        actor: &Actor,
        month: Month,
        decisions: &[MonthDecision],
    ) -> Result<Vec<DecisionId>> {
        records::decide_month(self, actor, month, decisions).await
    }
    async fn serve_decision(&self, actor: &Actor, decision: DecisionId, served_on: Date) -> Result<()> {
        records::serve_decision(self, actor, decision, served_on).await
    }
    async fn decision(&self, actor: &Actor, decision: DecisionId) -> Result<DecisionView> {
        records::decision(self, actor, decision).await
    }
    async fn application(&self, actor: &Actor, application: ApplicationId) -> Result<ApplicationView> {
        records::application(self, actor, application).await
    }
    async fn create_payment_batch(&self, actor: &Actor, pay_date: Date) -> Result<BatchId> {
        money_flow::create_payment_batch(self, actor, pay_date).await
    }
    async fn add_to_batch(
        &self,
        actor: &Actor,
        batch: BatchId,
        decision: DecisionId,
    ) -> Result<Vec<PaymentView>> {
        money_flow::add_to_batch(self, actor, batch, decision).await
    }
    async fn add_many_to_batch(
        &self,
        actor: &Actor,
        batch: BatchId,
        decisions: &[DecisionId],
    ) -> Result<Vec<PaymentView>> {
        money_flow::add_many_to_batch(self, actor, batch, decisions).await
    }
    async fn stop_payment(&self, actor: &Actor, payment: PaymentId) -> Result<PaymentView> {
        money_flow::stop_payment(self, actor, payment).await
    }
    async fn approve_batch(
        &self,
        actor: &Actor,
        batch: BatchId,
        second_person_above: Option<Money>,
    ) -> Result<BatchView> {
        money_flow::approve_batch(self, actor, batch, second_person_above).await
    }
    async fn export_batch(&self, actor: &Actor, batch: BatchId) -> Result<BatchView> {
        money_flow::export_batch(self, actor, batch).await
    }
    async fn confirm_batch_paid(&self, actor: &Actor, batch: BatchId) -> Result<BatchView> {
        money_flow::confirm_batch_paid(self, actor, batch).await
    }
    async fn batch(&self, actor: &Actor, batch: BatchId) -> Result<BatchView> {
        money_flow::batch(self, actor, batch).await
    }
    async fn receive_appeal(
        &self,
        actor: &Actor,
        decision: DecisionId,
        received_on: Date,
    ) -> Result<AppealView> {
        records::receive_appeal(self, actor, decision, received_on).await
    }
    async fn reconsider_appeal(
        &self,
        actor: &Actor,
        appeal: AppealId,
        expected_version: i64,
        decision: NewDecision,
    ) -> Result<AppealView> {
        records::reconsider_appeal(self, actor, appeal, expected_version, decision).await
    }
    async fn forward_appeal(&self, actor: &Actor, appeal: AppealId) -> Result<AppealView> {
        records::forward_appeal(self, actor, appeal).await
    }
    async fn record_court_outcome(
        &self,
        actor: &Actor,
        appeal: AppealId,
        outcome: CourtOutcome,
        new_decision: Option<(i64, NewDecision)>,
    ) -> Result<AppealView> {
        records::record_court_outcome(self, actor, appeal, outcome, new_decision).await
    }
    async fn create_claim(
        &self,
        actor: &Actor,
        household: HouseholdId,
        decision: Option<DecisionId>,
        amount: Money,
        reason: &str,
    ) -> Result<ClaimView> {
        records::create_claim(self, actor, household, decision, amount, reason).await
    }
    async fn record_repayment(&self, actor: &Actor, claim: ClaimId, amount: Money) -> Result<ClaimView> {
        records::claim_event(self, actor, claim, ClaimEvent::Repayment(amount)).await
    }
    async fn waive_claim(&self, actor: &Actor, claim: ClaimId, amount: Money) -> Result<ClaimView> {
        records::claim_event(self, actor, claim, ClaimEvent::Waiver(amount)).await
    }
    async fn append_journal(
        &self,
        actor: &Actor,
        person: PersonId,
        kind: NoteKind,
        text: &str,
    ) -> Result<NoteId> {
        people::append_journal(self, actor, person, kind, text).await
    }
    async fn append_journal_many(&self, notes: &[NewNote]) -> Result<Vec<NoteId>> {
        people::append_journal_many(self, notes).await
    }
    async fn journal(&self, actor: &Actor, person: PersonId) -> Result<Vec<NoteView>> {
        people::journal(self, actor, person).await
    }
    async fn attach_document(
        &self,
        actor: &Actor,
        person: PersonId,
        kind: DocumentKind,
        file_name: &str,
        mime: &str,
        content: &[u8],
    ) -> Result<DocumentId> {
        people::attach_document(self, actor, person, kind, file_name, mime, content).await
    }
    async fn verify_read_chain(&self) -> Result<AuditVerdict> {
        audit::verify(self, AuditLog::Reads).await
    }
    async fn verify_audit_chain(&self) -> Result<AuditVerdict> {
        audit::verify(self, AuditLog::Changes).await
    }
    async fn audit_trail(&self, actor: &Actor, person: PersonId) -> Result<Vec<AuditRecord>> {
        records::audit_trail(self, actor, person).await
    }
    async fn gallring_report(
        &self,
        actor: &Actor,
        on: Date,
        policy: GallringPolicy,
    ) -> Result<GallringReport> {
        gallring::report(self, actor, on, policy).await
    }
    async fn gallring_execute(&self, actor: &Actor, report: &GallringReport) -> Result<GallringOutcome> {
        gallring::execute(self, actor, report).await
    }
}
