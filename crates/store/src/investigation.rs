//! The investigation's record: the caseworker's corrections of an application's declared facts, each with its
//! reason and source, kept beside the declaration (never over it). Writing one is a change of the application
//! (its version moves, so a decision made on a stale reading is refused); reading them is a read of personal data.

use std::future::Future;

use domain::application::ApplicationStatus;
use domain::investigation::{Correction, Fact, FactSource, FactValue};
use domain::{Actor, ApplicationId, DomainError};
use jiff::Timestamp;
use norm::contract::CalcRequest;
use serde_json::json;
use sqlx::Row;

use crate::error::{Result, StoreError};
use crate::model::ApplicationView;
use crate::records::load_application;
use crate::sql::{SqlStore, from_micros, micros};

/// A correction as stored: what the caseworker established, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrectionView {
    pub correction: Correction,
    /// The transaction time: when the fact was established in the system.
    pub recorded_at: Timestamp,
}

/// The declaration and the corrections made to it, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvestigationRecord {
    pub declared: Option<CalcRequest>,
    pub corrections: Vec<CorrectionView>,
}

pub trait Investigations: Send + Sync {
    /// Records a correction of a fact of an application under investigation, checked against its declaration,
    /// with an audit record (which names the fact, never its value or reason); moves the application's version.
    /// A stale `expected_version` is [`StoreError::Conflict`] and writes nothing.
    fn correct_application_fact(
        &self,
        actor: &Actor,
        application: ApplicationId,
        expected_version: i64,
        correction: Correction,
    ) -> impl Future<Output = Result<ApplicationView>> + Send;
    /// The declaration and every correction, oldest first (one audited read).
    fn investigation(
        &self,
        actor: &Actor,
        application: ApplicationId,
    ) -> impl Future<Output = Result<InvestigationRecord>> + Send;
}

/// The fact's kind for audit details: which fact, without a value.
fn fact_kind(fact: &Fact) -> serde_json::Value {
    serde_json::to_value(fact).unwrap_or(serde_json::Value::Null)
}

impl Investigations for SqlStore {
    async fn correct_application_fact(
        &self,
        actor: &Actor,
        application: ApplicationId,
        expected_version: i64,
        correction: Correction,
    ) -> Result<ApplicationView> {
        let mut tx = self.begin().await?;
        let app = load_application(tx.conn(), application).await?;
        if app.version != expected_version {
            return Err(StoreError::Conflict(
                "ansökan har ändrats av någon annan; läs om den och försök igen",
            ));
        }
        if app.status != ApplicationStatus::UnderInvestigation {
            return Err(DomainError::Invalid {
                field: "ansokan",
                reason: "uppgifter kan bara fastställas medan ansökan utreds",
            }
            .into());
        }
        let row = sqlx::query("SELECT request_json FROM applications WHERE id = $1")
            .bind(application.get())
            .fetch_one(tx.conn())
            .await?;
        let declared: CalcRequest = row
            .try_get::<Option<String>, _>("request_json")?
            .map(|t| serde_json::from_str(&t))
            .transpose()
            .map_err(StoreError::corrupt)?
            .ok_or(DomainError::Invalid {
                field: "ansokan",
                reason: "ansökan saknar uppgifter att utreda",
            })?;
        let correction = correction.validate(&declared)?;
        sqlx::query(
            "INSERT INTO application_corrections (application_id, fact_json, value_json, reason, source, \
             source_detail, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(application.get())
        .bind(serde_json::to_string(&correction.fact).map_err(StoreError::corrupt)?)
        .bind(serde_json::to_string(&correction.value).map_err(StoreError::corrupt)?)
        .bind(correction.reason.clone())
        .bind(correction.source.as_str())
        .bind(correction.source_detail.clone())
        .bind(actor.who.to_string())
        .bind(micros(actor.at))
        .execute(tx.conn())
        .await?;
        let done =
            sqlx::query("UPDATE applications SET version = version + 1 WHERE id = $1 AND version = $2")
                .bind(application.get())
                .bind(expected_version)
                .execute(tx.conn())
                .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(
                "ansökan har ändrats av någon annan; läs om den och försök igen",
            ));
        }
        tx.audit(
            actor,
            "application.correct",
            None,
            json!({ "household": app.household, "application": application, "fact": fact_kind(&correction.fact) }),
        )
        .await?;
        let view = load_application(tx.conn(), application).await?;
        tx.commit().await?;
        Ok(view)
    }

    async fn investigation(&self, actor: &Actor, application: ApplicationId) -> Result<InvestigationRecord> {
        let mut tx = self.begin().await?;
        let row = sqlx::query("SELECT household_id, request_json FROM applications WHERE id = $1")
            .bind(application.get())
            .fetch_optional(tx.conn())
            .await?
            .ok_or(StoreError::NotFound {
                what: "ansökan",
                id: application.get(),
            })?;
        let declared = row
            .try_get::<Option<String>, _>("request_json")?
            .map(|t| serde_json::from_str(&t))
            .transpose()
            .map_err(StoreError::corrupt)?;
        let household: i64 = row.try_get("household_id")?;
        let corrections = sqlx::query(
            "SELECT fact_json, value_json, reason, source, source_detail, recorded_at \
             FROM application_corrections WHERE application_id = $1 ORDER BY id",
        )
        .bind(application.get())
        .fetch_all(tx.conn())
        .await?
        .iter()
        .map(|r| {
            let fact: String = r.try_get("fact_json")?;
            let value: String = r.try_get("value_json")?;
            let source: String = r.try_get("source")?;
            Ok(CorrectionView {
                correction: Correction {
                    fact: serde_json::from_str::<Fact>(&fact).map_err(StoreError::corrupt)?,
                    value: serde_json::from_str::<FactValue>(&value).map_err(StoreError::corrupt)?,
                    reason: r.try_get("reason")?,
                    source: FactSource::parse(&source).ok_or(StoreError::corrupt("okänd källa"))?,
                    source_detail: r.try_get("source_detail")?,
                },
                recorded_at: from_micros(r.try_get("recorded_at")?)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        tx.audit(
            actor,
            "application.read",
            None,
            json!({ "application": application, "household": household, "corrections": corrections.len() }),
        )
        .await?;
        tx.commit().await?;
        Ok(InvestigationRecord {
            declared,
            corrections,
        })
    }
}
