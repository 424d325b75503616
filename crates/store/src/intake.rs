//! What an applicant declared with a monthly application: the calc-contract input the caseworker's calculation
//! starts from, and the attachments (bilagor) sent with it. Stored with the application in one transaction; reading
//! either is a read of personal data (incomes, certificates) and is audited.

use std::future::Future;

use domain::application::ApplicationStatus;
use domain::{Actor, AppealId, ApplicationId, DecisionId, DocumentId, DomainError, HouseholdId, PersonId};
use norm::contract::CalcRequest;
use serde_json::json;
use sqlx::Row;

use jiff::civil::Date;

use crate::documents::{self, DocumentAccess, DocumentFile, DocumentInfo, NewDocument};
use crate::error::{Result, StoreError};
use crate::model::{AppealAddition, AppealView, ApplicationView};
use crate::records::{appeal_from_row, load_appeal, receive_appeal_in_tx, receive_in_tx};
use crate::sql::{SqlStore, from_micros, micros, parse};
use crate::worklists::{HouseholdAccess, Worklists};

pub trait Intake: Send + Sync {
    /// An application made online: received with what the applicant declared, in one transaction. The declared
    /// month must be the application's month.
    fn apply(
        &self,
        actor: &Actor,
        household: HouseholdId,
        received_on: Date,
        request: &CalcRequest,
    ) -> impl Future<Output = Result<ApplicationView>> + Send;
    /// An online application with its attachments, all in one transaction with an audit record each: every file is
    /// checked (at most [`domain::document::MAX_ATTACHMENTS`], type, content, size, name) before anything is
    /// written, and a failure anywhere stores neither the application nor any document.
    fn apply_with_documents(
        &self,
        actor: &Actor,
        household: HouseholdId,
        received_on: Date,
        request: &CalcRequest,
        documents: &[NewDocument],
    ) -> impl Future<Output = Result<(ApplicationView, Vec<DocumentId>)>> + Send;
    /// The attachments that came with an application, oldest first (an audited read when there are any).
    fn application_documents(
        &self,
        actor: &Actor,
        application: ApplicationId,
    ) -> impl Future<Output = Result<Vec<DocumentInfo>>> + Send;
    /// The attachments a person sent with any of their applications, oldest first (an audited read when there are
    /// any): the applicant's own pages.
    fn documents_sent_by(
        &self,
        actor: &Actor,
        person: PersonId,
    ) -> impl Future<Output = Result<Vec<DocumentInfo>>> + Send;
    /// Whose an attachment is and the access facts of its application's household (ids and flags only; not
    /// audited). Only documents that came with an application are found.
    fn document_access(&self, document: DocumentId) -> impl Future<Output = Result<DocumentAccess>> + Send;
    /// One attachment with its content (an audited read, subject the person).
    fn read_document(
        &self,
        actor: &Actor,
        document: DocumentId,
    ) -> impl Future<Output = Result<DocumentFile>> + Send;
    /// Stores the declared input of an application that is not yet decided (audited).
    fn attach_request(
        &self,
        actor: &Actor,
        application: ApplicationId,
        request: &CalcRequest,
    ) -> impl Future<Output = Result<()>> + Send;
    /// The declared input, if any (an audited read).
    fn application_request(
        &self,
        actor: &Actor,
        application: ApplicationId,
    ) -> impl Future<Output = Result<Option<CalcRequest>>> + Send;
    /// An appeal made in the e-service, with the appellant's grounds (1-5,000 characters). The decision must have
    /// been served; the three-week limit is checked as for any appeal. A decision is appealed once: when it already
    /// has an appeal, the text is stored as an addition to that appeal (`appeal.addition`, append-only) and that
    /// appeal is returned.
    fn appeal_online(
        &self,
        actor: &Actor,
        decision: DecisionId,
        received_on: Date,
        grounds: &str,
    ) -> impl Future<Output = Result<AppealView>> + Send;
    /// The additions to an appeal, oldest first (free text: the caller has checked access and audits the read).
    fn appeal_additions(&self, appeal: AppealId) -> impl Future<Output = Result<Vec<AppealAddition>>> + Send;
    /// The appeals of a decision, oldest first.
    fn appeals_of(&self, decision: DecisionId) -> impl Future<Output = Result<Vec<AppealView>>> + Send;
    /// The access facts of the household an application belongs to (ids and flags only; not audited).
    fn application_access(
        &self,
        application: ApplicationId,
    ) -> impl Future<Output = Result<HouseholdAccess>> + Send;
}

impl Intake for SqlStore {
    async fn apply(
        &self,
        actor: &Actor,
        household: HouseholdId,
        received_on: Date,
        request: &CalcRequest,
    ) -> Result<ApplicationView> {
        let (app, _) = self
            .apply_with_documents(actor, household, received_on, request, &[])
            .await?;
        Ok(app)
    }

    async fn apply_with_documents(
        &self,
        actor: &Actor,
        household: HouseholdId,
        received_on: Date,
        request: &CalcRequest,
        documents: &[NewDocument],
    ) -> Result<(ApplicationView, Vec<DocumentId>)> {
        let checked = documents::check_all(documents)?;
        let mut tx = self.begin().await?;
        let app = receive_in_tx(
            &mut tx,
            actor,
            household,
            request.month,
            received_on,
            Some(request),
        )
        .await?;
        tx.fail_point("apply.after_application")?;
        let ids = documents::insert_in_tx(&mut tx, actor, app.id, household, documents, &checked).await?;
        tx.commit().await?;
        Ok((app, ids))
    }

    async fn application_documents(
        &self,
        actor: &Actor,
        application: ApplicationId,
    ) -> Result<Vec<DocumentInfo>> {
        documents::of_application(self, actor, application).await
    }

    async fn documents_sent_by(&self, actor: &Actor, person: PersonId) -> Result<Vec<DocumentInfo>> {
        documents::sent_by(self, actor, person).await
    }

    async fn document_access(&self, document: DocumentId) -> Result<DocumentAccess> {
        documents::access(self, document).await
    }

    async fn read_document(&self, actor: &Actor, document: DocumentId) -> Result<DocumentFile> {
        documents::read(self, actor, document).await
    }

    async fn attach_request(
        &self,
        actor: &Actor,
        application: ApplicationId,
        request: &CalcRequest,
    ) -> Result<()> {
        let text = serde_json::to_string(request).map_err(StoreError::corrupt)?;
        let mut tx = self.begin().await?;
        let row = sqlx::query("SELECT household_id, month, status FROM applications WHERE id = $1")
            .bind(application.get())
            .fetch_optional(tx.conn())
            .await?
            .ok_or(StoreError::NotFound {
                what: "ansökan",
                id: application.get(),
            })?;
        let status: String = row.try_get("status")?;
        let status = parse::<ApplicationStatus>(&status)?;
        if !matches!(
            status,
            ApplicationStatus::Received | ApplicationStatus::UnderInvestigation
        ) {
            return Err(DomainError::Invalid {
                field: "ansökan",
                reason: "uppgifterna kan inte ändras efter beslut",
            }
            .into());
        }
        let month: String = row.try_get("month")?;
        if month != request.month.to_string() {
            return Err(DomainError::Invalid {
                field: "month",
                reason: "månaden stämmer inte med ansökan",
            }
            .into());
        }
        sqlx::query("UPDATE applications SET request_json = $1 WHERE id = $2")
            .bind(text)
            .bind(application.get())
            .execute(tx.conn())
            .await?;
        let household: i64 = row.try_get("household_id")?;
        tx.audit(
            actor,
            "application.request",
            None,
            json!({ "application": application, "household": household }),
        )
        .await?;
        tx.commit().await
    }

    async fn application_request(
        &self,
        actor: &Actor,
        application: ApplicationId,
    ) -> Result<Option<CalcRequest>> {
        let mut tx = self.begin().await?;
        let row = sqlx::query("SELECT household_id, request_json FROM applications WHERE id = $1")
            .bind(application.get())
            .fetch_optional(tx.conn())
            .await?
            .ok_or(StoreError::NotFound {
                what: "ansökan",
                id: application.get(),
            })?;
        let text: Option<String> = row.try_get("request_json")?;
        let request = text
            .map(|t| serde_json::from_str(&t))
            .transpose()
            .map_err(StoreError::corrupt)?;
        let household: i64 = row.try_get("household_id")?;
        tx.audit(
            actor,
            "application.read",
            None,
            json!({ "application": application, "household": household }),
        )
        .await?;
        tx.commit().await?;
        Ok(request)
    }

    async fn appeal_online(
        &self,
        actor: &Actor,
        decision: DecisionId,
        received_on: Date,
        grounds: &str,
    ) -> Result<AppealView> {
        let grounds = domain::text::APPEAL_GROUNDS.check(grounds)?;
        if grounds.is_empty() {
            return Err(DomainError::Invalid {
                field: "grounds",
                reason: "skriv varför du överklagar (högst 5 000 tecken)",
            }
            .into());
        }
        let mut tx = self.begin().await?;
        // A decision is appealed once: a later submission on it (or on the decision that replaced it in part,
        // which the appeal is now against) is an addition to that appeal, with its own time.
        let existing: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM appeals WHERE decision_id = $1 OR against_decision_id = $1 ORDER BY id LIMIT 1",
        )
        .bind(decision.get())
        .fetch_optional(tx.conn())
        .await?;
        let appeal = match existing {
            Some(id) => {
                let id = AppealId(id);
                sqlx::query(
                    "INSERT INTO appeal_additions (appeal_id, text, received_at) VALUES ($1, $2, $3)",
                )
                .bind(id.get())
                .bind(grounds)
                .bind(micros(actor.at))
                .execute(tx.conn())
                .await?;
                tx.audit(
                    actor,
                    "appeal.addition",
                    None,
                    json!({ "appeal": id, "decision": decision }),
                )
                .await?;
                load_appeal(tx.conn(), id).await?
            }
            None => receive_appeal_in_tx(&mut tx, actor, decision, received_on, Some(grounds)).await?,
        };
        tx.commit().await?;
        Ok(appeal)
    }

    async fn appeal_additions(&self, appeal: AppealId) -> Result<Vec<AppealAddition>> {
        additions_of(self.pool(), appeal).await
    }

    async fn appeals_of(&self, decision: DecisionId) -> Result<Vec<AppealView>> {
        // An appeal reconsidered in part is against the new decision too.
        let sql = format!(
            "SELECT {} FROM appeals WHERE decision_id = $1 OR against_decision_id = $1 ORDER BY id",
            crate::records::appeal_columns("")
        );
        sqlx::query(&sql)
            .bind(decision.get())
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(appeal_from_row)
            .collect()
    }

    async fn application_access(&self, application: ApplicationId) -> Result<HouseholdAccess> {
        let row = sqlx::query("SELECT household_id FROM applications WHERE id = $1")
            .bind(application.get())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound {
                what: "ansökan",
                id: application.get(),
            })?;
        self.household_access(HouseholdId(row.try_get("household_id")?))
            .await
    }
}

/// The additions to an appeal, oldest first.
pub(crate) async fn additions_of<'c, E>(conn: E, appeal: AppealId) -> Result<Vec<AppealAddition>>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query("SELECT text, received_at FROM appeal_additions WHERE appeal_id = $1 ORDER BY id")
        .bind(appeal.get())
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| {
            Ok(AppealAddition {
                appeal,
                text: r.try_get("text")?,
                received_at: from_micros(r.try_get("received_at")?)?,
            })
        })
        .collect()
}
