//! Use cases about applications, decisions, appeals and återkrav claims.

use std::collections::BTreeMap;

use domain::appeal::{AppealStatus, CourtOutcome, ForwardedKind};
use domain::application::{ApplicationEvent, ApplicationStatus};
use domain::decision::{DecisionItem, NewDecision, Outcome, Purpose};
use domain::recovery::{self, ClaimEvent};
use domain::{Actor, AppealId, ApplicationId, ClaimId, DecisionId, DomainError, HouseholdId, PersonId};
use jiff::civil::Date;
use norm::{Money, Month};
use serde_json::json;
use sqlx::{AnyConnection, Row};

use crate::audit::{both_logs, record_from_row};
use crate::error::{Result, StoreError};
use crate::model::{AppealView, ApplicationView, AuditRecord, ClaimView, DecisionView, MonthDecision};
use crate::packed::Columns;
use crate::sql::{
    SqlStore, Tx, date_text, from_micros, micros, parse, parse_date, placeholders, require, require_ids,
    unique_as_duplicate,
};

const APP_COLUMNS: &str = "id, household_id, month, status, received_on, current_decision_id, version";

pub(crate) const APP_NAMES: [&str; 7] = [
    "id",
    "household_id",
    "month",
    "status",
    "received_on",
    "current_decision_id",
    "version",
];

pub(crate) fn application_from_row(row: &impl Columns) -> Result<ApplicationView> {
    Ok(ApplicationView {
        id: ApplicationId(row.int("id")?),
        household: HouseholdId(row.int("household_id")?),
        month: parse::<Month>(&row.text("month")?)?,
        status: parse::<ApplicationStatus>(&row.text("status")?)?,
        received_on: parse_date(&row.text("received_on")?)?,
        current_decision: row.opt_int("current_decision_id")?.map(DecisionId),
        version: row.int("version")?,
    })
}

pub(crate) async fn load_application(conn: &mut AnyConnection, id: ApplicationId) -> Result<ApplicationView> {
    let sql = format!("SELECT {APP_COLUMNS} FROM applications WHERE id = $1");
    let row = sqlx::query(&sql)
        .bind(id.get())
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound {
            what: "ansökan",
            id: id.get(),
        })?;
    application_from_row(&row)
}

/// Moves an application by `event` if it is still at `expected_version`; returns the new state.
pub(crate) async fn transition(
    tx: &mut Tx,
    id: ApplicationId,
    expected_version: i64,
    event: ApplicationEvent,
    decision: Option<DecisionId>,
) -> Result<ApplicationView> {
    let mut app = load_application(tx.conn(), id).await?;
    if app.version != expected_version {
        return Err(StoreError::Conflict(
            "ansökan har ändrats av någon annan; läs om den och försök igen",
        ));
    }
    let status = app.status.apply(event)?;
    let current = decision.or(app.current_decision);
    let done = sqlx::query(
        "UPDATE applications SET status = $1, current_decision_id = $2, version = version + 1 \
         WHERE id = $3 AND version = $4",
    )
    .bind(status.as_str())
    .bind(current.map(DecisionId::get))
    .bind(id.get())
    .bind(expected_version)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Conflict(
            "ansökan har ändrats av någon annan; läs om den och försök igen",
        ));
    }
    app.status = status;
    app.current_decision = current;
    app.version += 1;
    Ok(app)
}

pub(crate) async fn receive_application(
    s: &SqlStore,
    actor: &Actor,
    household: HouseholdId,
    month: Month,
    received_on: Date,
) -> Result<ApplicationView> {
    let mut tx = s.begin().await?;
    let app = receive_in_tx(&mut tx, actor, household, month, received_on, None).await?;
    tx.commit().await?;
    Ok(app)
}

/// A new application for the month, with what the applicant declared if they applied online.
pub(crate) async fn receive_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    household: HouseholdId,
    month: Month,
    received_on: Date,
    request: Option<&norm::contract::CalcRequest>,
) -> Result<ApplicationView> {
    require(tx.conn(), "households", "hushåll", household.get()).await?;
    let request_json = request
        .map(serde_json::to_string)
        .transpose()
        .map_err(StoreError::corrupt)?;
    let sql = format!(
        "INSERT INTO applications (household_id, month, status, received_on, version, request_json, received_at) \
         VALUES ($1, $2, $3, $4, 1, $5, $6) RETURNING {APP_COLUMNS}"
    );
    let row = sqlx::query(&sql)
        .bind(household.get())
        .bind(month.to_string())
        .bind(ApplicationStatus::Received.as_str())
        .bind(date_text(received_on))
        .bind(request_json)
        .bind(crate::sql::micros(actor.at))
        .fetch_one(tx.conn())
        .await
        .map_err(|e| unique_as_duplicate(e, "hushållet har redan en ansökan för månaden"))?;
    let app = application_from_row(&row)?;
    tx.audit(
        actor,
        "application.receive",
        None,
        json!({ "household": household, "application": app.id }),
    )
    .await?;
    crate::queue::continue_assignment(tx, actor, household, app.id).await?;
    Ok(app)
}

pub(crate) async fn simple_transition(
    s: &SqlStore,
    actor: &Actor,
    id: ApplicationId,
    expected_version: i64,
    event: ApplicationEvent,
    action: &str,
) -> Result<ApplicationView> {
    let mut tx = s.begin().await?;
    let app = transition(&mut tx, id, expected_version, event, None).await?;
    tx.audit(
        actor,
        action,
        None,
        json!({ "household": app.household, "application": id, "status": app.status.as_str() }),
    )
    .await?;
    tx.commit().await?;
    Ok(app)
}

/// Checks what can be checked without the database.
fn validate_decision(d: &NewDecision, month: Option<Month>) -> Result<()> {
    d.validate()?;
    if let (Some(calc), Some(month)) = (&d.calculation, month)
        && (calc.request.month != month || calc.response.month != month)
    {
        return Err(DomainError::Invalid {
            field: "beräkning",
            reason: "beräkningen gäller en annan månad",
        }
        .into());
    }
    Ok(())
}

async fn insert_decision(
    tx: &mut Tx,
    actor: &Actor,
    app: ApplicationId,
    d: &NewDecision,
) -> Result<DecisionId> {
    let total = d.total_granted()?;
    let calc_json = d
        .calculation
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(StoreError::corrupt)?;
    let row = sqlx::query(
        "INSERT INTO decisions (application_id, replaces, decided_by, decided_at, total_granted, calculation_json, \
         rule_table, rule_table_version, deductions) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(app.get())
    .bind(d.replaces.map(DecisionId::get))
    .bind(actor.who.to_string())
    .bind(micros(actor.at))
    .bind(total.ore())
    .bind(calc_json)
    .bind(d.calculation.as_ref().map(|c| c.rule_table.clone()))
    .bind(d.calculation.as_ref().map(|c| c.rule_table_version.clone()))
    .bind(d.deductions.ore())
    .fetch_one(tx.conn())
    .await
    .map_err(|e| match unique_as_duplicate(e, "") {
        StoreError::Duplicate(_) => StoreError::Conflict("beslutet har redan ersatts av ett annat"),
        other => other,
    })?;
    let id = DecisionId(row.try_get("id")?);
    for (no, item) in (1_i64..).zip(&d.items) {
        sqlx::query(
            "INSERT INTO decision_items (decision_id, item_no, what, outcome, applied, granted, reasons, legal_basis, \
             purpose) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id.get())
        .bind(no)
        .bind(item.what.clone())
        .bind(item.outcome.as_str())
        .bind(item.applied.ore())
        .bind(item.granted.ore())
        .bind(item.reasons.clone())
        .bind(item.legal_basis.clone())
        .bind(item.purpose.as_str())
        .execute(tx.conn())
        .await?;
    }
    Ok(id)
}

/// The decision use case inside a caller's transaction (shared with appeals).
pub(crate) async fn decide_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    application: ApplicationId,
    expected_version: i64,
    d: &NewDecision,
) -> Result<DecisionView> {
    let app = load_application(tx.conn(), application).await?;
    validate_decision(d, Some(app.month))?;
    if app.version != expected_version {
        return Err(StoreError::Conflict(
            "ansökan har ändrats av någon annan; läs om den och försök igen",
        ));
    }
    let event = match d.replaces {
        Some(old) if Some(old) == app.current_decision => ApplicationEvent::Redecide,
        Some(_) => {
            return Err(StoreError::Conflict(
                "beslutet som ersätts är inte ansökans gällande beslut",
            ));
        }
        None => ApplicationEvent::Decide,
    };
    // Check the move before writing anything.
    app.status.apply(event)?;
    let id = insert_decision(tx, actor, application, d).await?;
    let mut app = transition(tx, application, expected_version, event, Some(id)).await?;
    if d.total_granted()? == Money::ZERO {
        // Nothing to pay: the application has run its course (an appeal or a reconsideration may still reopen it
        // with a new decision), so the queue and gallring see it as finished.
        app = transition(tx, application, app.version, ApplicationEvent::Close, None).await?;
    }
    tx.audit(
        actor,
        "decision.create",
        None,
        json!({ "household": app.household, "application": application, "decision": id, "replaces": d.replaces }),
    )
    .await?;
    load_decision(tx.conn(), id).await
}

pub(crate) async fn decide(
    s: &SqlStore,
    actor: &Actor,
    application: ApplicationId,
    expected_version: i64,
    d: NewDecision,
) -> Result<DecisionView> {
    validate_decision(&d, None)?;
    let mut tx = s.begin().await?;
    let view = decide_in_tx(&mut tx, actor, application, expected_version, &d).await?;
    tx.commit().await?;
    Ok(view)
}

pub(crate) async fn decide_month(
    s: &SqlStore,
    actor: &Actor,
    month: Month,
    items: &[MonthDecision],
) -> Result<Vec<DecisionId>> {
    for m in items {
        validate_decision(&m.decision, Some(month))?;
        if m.decision.replaces.is_some() {
            return Err(DomainError::Invalid {
                field: "beslut",
                reason: "ett nytt månadsbeslut ersätter inget",
            }
            .into());
        }
    }
    // The lifecycle a new application goes through here, checked by the same rules as the single use cases.
    let status = ApplicationStatus::Received
        .apply(ApplicationEvent::StartInvestigation)?
        .apply(ApplicationEvent::Decide)?;
    let mut tx = s.begin().await?;
    require_ids(
        tx.conn(),
        "households",
        "hushåll",
        items.iter().map(|m| m.household.get()),
    )
    .await?;
    // Multi-row statements, a chunk of households at a time: a few dozen round trips instead of thousands.
    let mut ids = Vec::with_capacity(items.len());
    for chunk in items.chunks(MONTH_CHUNK) {
        let sql = format!(
            "INSERT INTO applications (household_id, month, status, received_on, version) VALUES {} \
             RETURNING id, household_id",
            placeholders(chunk.len(), 5)
        );
        let mut q = sqlx::query(&sql);
        for m in chunk {
            q = q
                .bind(m.household.get())
                .bind(month.to_string())
                .bind(status.as_str())
                .bind(date_text(m.received_on))
                .bind(1_i64);
        }
        let rows = q
            .fetch_all(tx.conn())
            .await
            .map_err(|e| unique_as_duplicate(e, "hushållet har redan en ansökan för månaden"))?;
        // One application per household and month (a unique constraint), so the household identifies the row.
        let mut app_of = BTreeMap::new();
        for r in &rows {
            app_of.insert(r.try_get::<i64, _>("household_id")?, r.try_get::<i64, _>("id")?);
        }
        let apps: Vec<i64> = chunk
            .iter()
            .map(|m| {
                app_of
                    .get(&m.household.get())
                    .copied()
                    .ok_or(StoreError::corrupt("ansökan saknas efter insättning"))
            })
            .collect::<Result<_>>()?;

        let sql = format!(
            "INSERT INTO decisions (application_id, decided_by, decided_at, total_granted, calculation_json, rule_table, \
             rule_table_version, deductions) VALUES {} RETURNING id, application_id",
            placeholders(chunk.len(), 8)
        );
        let mut q = sqlx::query(&sql);
        for (m, app) in chunk.iter().zip(&apps) {
            let d = &m.decision;
            let calc_json = d
                .calculation
                .as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(StoreError::corrupt)?;
            q = q
                .bind(*app)
                .bind(actor.who.to_string())
                .bind(micros(actor.at))
                .bind(d.total_granted()?.ore())
                .bind(calc_json)
                .bind(d.calculation.as_ref().map(|c| c.rule_table.clone()))
                .bind(d.calculation.as_ref().map(|c| c.rule_table_version.clone()))
                .bind(d.deductions.ore());
        }
        let mut decision_of = BTreeMap::new();
        for r in q.fetch_all(tx.conn()).await? {
            decision_of.insert(r.try_get::<i64, _>("application_id")?, r.try_get::<i64, _>("id")?);
        }
        let decisions: Vec<i64> = apps
            .iter()
            .map(|a| {
                decision_of
                    .get(a)
                    .copied()
                    .ok_or(StoreError::corrupt("beslut saknas efter insättning"))
            })
            .collect::<Result<_>>()?;

        let rows: Vec<(i64, i64, &DecisionItem)> = chunk
            .iter()
            .zip(&decisions)
            .flat_map(|(m, d)| {
                (1_i64..)
                    .zip(&m.decision.items)
                    .map(move |(no, item)| (*d, no, item))
            })
            .collect();
        for part in rows.chunks(MONTH_CHUNK) {
            let sql = format!(
                "INSERT INTO decision_items (decision_id, item_no, what, outcome, applied, granted, reasons, legal_basis, \
                 purpose) VALUES {}",
                placeholders(part.len(), 9)
            );
            let mut q = sqlx::query(&sql);
            for (d, no, item) in part {
                q = q
                    .bind(*d)
                    .bind(*no)
                    .bind(item.what.clone())
                    .bind(item.outcome.as_str())
                    .bind(item.applied.ore())
                    .bind(item.granted.ore())
                    .bind(item.reasons.clone())
                    .bind(item.legal_basis.clone())
                    .bind(item.purpose.as_str());
            }
            q.execute(tx.conn()).await?;
        }

        let sql = format!(
            "UPDATE applications SET current_decision_id = \
             (SELECT d.id FROM decisions d WHERE d.application_id = applications.id) WHERE id IN ({})",
            placeholders(1, apps.len())
                .trim_start_matches('(')
                .trim_end_matches(')')
        );
        let mut q = sqlx::query(&sql);
        for a in &apps {
            q = q.bind(*a);
        }
        q.execute(tx.conn()).await?;

        let entries: Vec<(Option<domain::PersonId>, serde_json::Value)> = chunk
            .iter()
            .zip(apps.iter().zip(&decisions))
            .map(|(m, (a, d))| {
                (
                    None,
                    json!({ "household": m.household, "application": a, "decision": d }),
                )
            })
            .collect();
        tx.audit_many(actor, "decision.create", &entries).await?;
        ids.extend(decisions.into_iter().map(DecisionId));
    }
    tx.commit().await?;
    Ok(ids)
}

/// Households per multi-row statement in `decide_month` (at most 8 parameters a row: far below both databases'
/// parameter limits).
const MONTH_CHUNK: usize = 200;

pub(crate) async fn load_decision(conn: &mut AnyConnection, id: DecisionId) -> Result<DecisionView> {
    let row = sqlx::query(
        "SELECT id, application_id, replaces, decided_by, decided_at, served_on, total_granted, calculation_json, \
         deductions FROM decisions WHERE id = $1",
    )
    .bind(id.get())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound { what: "beslut", id: id.get() })?;
    let items = sqlx::query(
        "SELECT what, outcome, applied, granted, reasons, legal_basis, purpose FROM decision_items \
         WHERE decision_id = $1 ORDER BY item_no",
    )
    .bind(id.get())
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        let outcome: String = r.try_get("outcome")?;
        let purpose: String = r.try_get("purpose")?;
        Ok(DecisionItem {
            purpose: parse::<Purpose>(&purpose)?,
            what: r.try_get("what")?,
            outcome: parse::<Outcome>(&outcome)?,
            applied: Money::from_ore(r.try_get("applied")?),
            granted: Money::from_ore(r.try_get("granted")?),
            reasons: r.try_get("reasons")?,
            legal_basis: r.try_get("legal_basis")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let served: Option<String> = row.try_get("served_on")?;
    let calc: Option<String> = row.try_get("calculation_json")?;
    Ok(DecisionView {
        id,
        application: ApplicationId(row.try_get("application_id")?),
        replaces: row.try_get::<Option<i64>, _>("replaces")?.map(DecisionId),
        items,
        total_granted: Money::from_ore(row.try_get("total_granted")?),
        deductions: Money::from_ore(row.try_get("deductions")?),
        decided_by: row.try_get("decided_by")?,
        decided_at: from_micros(row.try_get("decided_at")?)?,
        served_on: served.as_deref().map(parse_date).transpose()?,
        calculation: calc
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(StoreError::corrupt)?,
        change: None,
    })
}

pub(crate) async fn serve_decision(
    s: &SqlStore,
    actor: &Actor,
    id: DecisionId,
    served_on: Date,
) -> Result<()> {
    let mut tx = s.begin().await?;
    let d = load_decision(tx.conn(), id).await?;
    match d.served_on {
        Some(day) if day == served_on => return Ok(()),
        Some(_) => return Err(StoreError::Conflict("beslutet är redan delgivet ett annat datum")),
        None => {}
    }
    sqlx::query("UPDATE decisions SET served_on = $1 WHERE id = $2")
        .bind(date_text(served_on))
        .bind(id.get())
        .execute(tx.conn())
        .await?;
    tx.audit(
        actor,
        "decision.serve",
        None,
        json!({ "decision": id, "served_on": date_text(served_on) }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn decision(s: &SqlStore, actor: &Actor, id: DecisionId) -> Result<DecisionView> {
    let mut tx = s.begin().await?;
    let mut d = load_decision(tx.conn(), id).await?;
    d.change = crate::reconsideration::load_change(tx.conn(), id).await?;
    tx.audit(
        actor,
        "decision.read",
        None,
        json!({ "decision": id, "application": d.application }),
    )
    .await?;
    tx.commit().await?;
    Ok(d)
}

pub(crate) async fn application(s: &SqlStore, actor: &Actor, id: ApplicationId) -> Result<ApplicationView> {
    let mut tx = s.begin().await?;
    let app = load_application(tx.conn(), id).await?;
    tx.audit(
        actor,
        "application.read",
        None,
        json!({ "application": id, "household": app.household }),
    )
    .await?;
    tx.commit().await?;
    Ok(app)
}

// --- appeals ----------------------------------------------------------------------------------------------------

pub(crate) const APPEAL_NAMES: [&str; 9] = [
    "id",
    "decision_id",
    "received_on",
    "served_on",
    "status",
    "new_decision_id",
    "against_decision_id",
    "forwarded_on",
    "judged_on",
];

/// [`APPEAL_NAMES`] as a column list, with a table alias such as `ap.` (or none).
pub(crate) fn appeal_columns(prefix: &str) -> String {
    APPEAL_NAMES
        .iter()
        .map(|n| format!("{prefix}{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn appeal_from_row(row: &impl Columns) -> Result<AppealView> {
    Ok(AppealView {
        id: AppealId(row.int("id")?),
        decision: DecisionId(row.int("decision_id")?),
        received_on: parse_date(&row.text("received_on")?)?,
        served_on: parse_date(&row.text("served_on")?)?,
        status: parse::<AppealStatus>(&row.text("status")?)?,
        new_decision: row.opt_int("new_decision_id")?.map(DecisionId),
        against_decision: row.opt_int("against_decision_id")?.map(DecisionId),
        forwarded_on: row
            .opt_text("forwarded_on")?
            .as_deref()
            .map(parse_date)
            .transpose()?,
        judged_on: row
            .opt_text("judged_on")?
            .as_deref()
            .map(parse_date)
            .transpose()?,
    })
}

pub(crate) async fn load_appeal(conn: &mut AnyConnection, id: AppealId) -> Result<AppealView> {
    let sql = format!("SELECT {} FROM appeals WHERE id = $1", appeal_columns(""));
    let row = sqlx::query(&sql)
        .bind(id.get())
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound {
            what: "överklagande",
            id: id.get(),
        })?;
    appeal_from_row(&row)
}

async fn set_appeal(
    tx: &mut Tx,
    id: AppealId,
    status: AppealStatus,
    new_decision: Option<DecisionId>,
) -> Result<()> {
    sqlx::query("UPDATE appeals SET status = $1, new_decision_id = $2 WHERE id = $3")
        .bind(status.as_str())
        .bind(new_decision.map(DecisionId::get))
        .bind(id.get())
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub(crate) async fn receive_appeal(
    s: &SqlStore,
    actor: &Actor,
    decision: DecisionId,
    received_on: Date,
) -> Result<AppealView> {
    let mut tx = s.begin().await?;
    let appeal = receive_appeal_in_tx(&mut tx, actor, decision, received_on, None).await?;
    tx.commit().await?;
    Ok(appeal)
}

/// Receives an appeal, checking the three-week limit against the date the decision was served; `grounds` are the
/// appellant's own words when they appealed in the e-service.
pub(crate) async fn receive_appeal_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    decision: DecisionId,
    received_on: Date,
    grounds: Option<&str>,
) -> Result<AppealView> {
    let d = load_decision(tx.conn(), decision).await?;
    let served = d.served_on.ok_or(DomainError::Invalid {
        field: "överklagande",
        reason: "beslutet är inte delgivet",
    })?;
    if received_on < served {
        return Err(DomainError::Invalid {
            field: "överklagande",
            reason: "inkom före delgivningen",
        }
        .into());
    }
    let status = AppealStatus::Received.check_time(served, received_on)?;
    let sql = format!(
        "INSERT INTO appeals (decision_id, received_on, served_on, status, grounds, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {}",
        appeal_columns("")
    );
    let row = sqlx::query(&sql)
        .bind(decision.get())
        .bind(date_text(received_on))
        .bind(date_text(served))
        .bind(status.as_str())
        .bind(grounds.map(str::to_owned))
        .bind(crate::sql::micros(actor.at))
        .fetch_one(tx.conn())
        .await?;
    let appeal = appeal_from_row(&row)?;
    tx.audit(
        actor,
        "appeal.receive",
        None,
        json!({ "appeal": appeal.id, "decision": decision, "status": status.as_str() }),
    )
    .await?;
    Ok(appeal)
}

/// A new decision that replaces the appealed one, inside the appeal's transaction.
async fn replace_appealed(
    tx: &mut Tx,
    actor: &Actor,
    appeal: &AppealView,
    expected_version: i64,
    mut d: NewDecision,
) -> Result<DecisionId> {
    match d.replaces {
        None => d.replaces = Some(appeal.decision),
        Some(r) if r == appeal.decision => {}
        Some(_) => {
            return Err(DomainError::Invalid {
                field: "beslut",
                reason: "ska ersätta det överklagade beslutet",
            }
            .into());
        }
    }
    let old = load_decision(tx.conn(), appeal.decision).await?;
    Ok(decide_in_tx(tx, actor, old.application, expected_version, &d)
        .await?
        .id)
}

pub(crate) async fn reconsider_appeal(
    s: &SqlStore,
    actor: &Actor,
    id: AppealId,
    expected_version: i64,
    d: NewDecision,
) -> Result<AppealView> {
    d.validate()?;
    let mut tx = s.begin().await?;
    let mut appeal = load_appeal(tx.conn(), id).await?;
    let status = appeal.status.reconsider()?;
    let new = replace_appealed(&mut tx, actor, &appeal, expected_version, d).await?;
    set_appeal(&mut tx, id, status, Some(new)).await?;
    tx.audit(
        actor,
        "appeal.reconsider",
        None,
        json!({ "appeal": id, "new_decision": new }),
    )
    .await?;
    tx.commit().await?;
    appeal.status = status;
    appeal.new_decision = Some(new);
    Ok(appeal)
}

/// Forwards the appeal to the förvaltningsrätt "with the documents" (FL 46 §): records the day and which documents
/// went with it: the appealed decision, the decision it now is against after a reconsideration in part, the appeal,
/// and the attachments of the application.
pub(crate) async fn forward_appeal(s: &SqlStore, actor: &Actor, id: AppealId) -> Result<AppealView> {
    let mut tx = s.begin().await?;
    let mut appeal = load_appeal(tx.conn(), id).await?;
    let status = appeal.status.forward()?;
    let appealed = load_decision(tx.conn(), appeal.decision).await?;
    let mut documents = vec![(ForwardedKind::Decision, appeal.decision.get())];
    if let Some(against) = appeal.against_decision {
        documents.push((ForwardedKind::Decision, against.get()));
    }
    documents.push((ForwardedKind::Appeal, id.get()));
    for r in sqlx::query("SELECT id FROM documents WHERE application_id = $1 ORDER BY id")
        .bind(appealed.application.get())
        .fetch_all(tx.conn())
        .await?
    {
        documents.push((ForwardedKind::Attachment, r.try_get("id")?));
    }
    for (no, (kind, ref_id)) in (1_i64..).zip(&documents) {
        sqlx::query(
            "INSERT INTO appeal_documents (appeal_id, item_no, kind, ref_id) VALUES ($1, $2, $3, $4)",
        )
        .bind(id.get())
        .bind(no)
        .bind(kind.as_str())
        .bind(*ref_id)
        .execute(tx.conn())
        .await?;
    }
    let today = actor.at.to_zoned(jiff::tz::TimeZone::UTC).date();
    sqlx::query("UPDATE appeals SET status = $1, forwarded_on = $2 WHERE id = $3")
        .bind(status.as_str())
        .bind(date_text(today))
        .bind(id.get())
        .execute(tx.conn())
        .await?;
    tx.audit(
        actor,
        "appeal.forward",
        None,
        json!({ "appeal": id, "documents": documents.len() }),
    )
    .await?;
    tx.commit().await?;
    appeal.status = status;
    appeal.forwarded_on = Some(today);
    Ok(appeal)
}

pub(crate) async fn record_court_outcome(
    s: &SqlStore,
    actor: &Actor,
    id: AppealId,
    outcome: CourtOutcome,
    new_decision: Option<(i64, NewDecision)>,
) -> Result<AppealView> {
    if let Some((_, d)) = &new_decision {
        d.validate()?;
    }
    let mut tx = s.begin().await?;
    let mut appeal = load_appeal(tx.conn(), id).await?;
    let status = appeal.status.judge(outcome)?;
    let new = match (status.needs_new_decision(), new_decision) {
        (true, Some((version, d))) => Some(replace_appealed(&mut tx, actor, &appeal, version, d).await?),
        (true, None) => {
            return Err(DomainError::Invalid {
                field: "dom",
                reason: "domen kräver ett nytt beslut",
            }
            .into());
        }
        (false, Some(_)) => {
            return Err(DomainError::Invalid {
                field: "dom",
                reason: "domen ändrar inte beslutet",
            }
            .into());
        }
        (false, None) => None,
    };
    set_appeal(&mut tx, id, status, new).await?;
    tx.audit(
        actor,
        "appeal.judged",
        None,
        json!({ "appeal": id, "status": status.as_str(), "new_decision": new }),
    )
    .await?;
    tx.commit().await?;
    appeal.status = status;
    appeal.new_decision = new;
    Ok(appeal)
}

// --- återkrav -----------------------------------------------------------------------------------------------------

pub(crate) const CLAIM_NAMES: [&str; 6] = [
    "id",
    "household_id",
    "decision_id",
    "amount",
    "outstanding",
    "reason",
];

pub(crate) fn claim_from_row(row: &impl Columns) -> Result<ClaimView> {
    Ok(ClaimView {
        id: ClaimId(row.int("id")?),
        household: HouseholdId(row.int("household_id")?),
        decision: row.opt_int("decision_id")?.map(DecisionId),
        amount: Money::from_ore(row.int("amount")?),
        outstanding: Money::from_ore(row.int("outstanding")?),
        reason: row.text("reason")?,
    })
}

async fn load_claim(conn: &mut AnyConnection, id: ClaimId) -> Result<ClaimView> {
    let sql = format!("SELECT {} FROM claims WHERE id = $1", CLAIM_NAMES.join(", "));
    let row = sqlx::query(&sql)
        .bind(id.get())
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound {
            what: "återkrav",
            id: id.get(),
        })?;
    claim_from_row(&row)
}

pub(crate) async fn create_claim(
    s: &SqlStore,
    actor: &Actor,
    household: HouseholdId,
    decision: Option<DecisionId>,
    amount: Money,
    reason: &str,
) -> Result<ClaimView> {
    recovery::outstanding(amount, &[])?;
    if reason.trim().is_empty() {
        return Err(DomainError::Invalid {
            field: "återkrav",
            reason: "skäl saknas",
        }
        .into());
    }
    let mut tx = s.begin().await?;
    require(tx.conn(), "households", "hushåll", household.get()).await?;
    if let Some(d) = decision {
        require(tx.conn(), "decisions", "beslut", d.get()).await?;
    }
    let row = sqlx::query(
        "INSERT INTO claims (household_id, decision_id, amount, outstanding, reason, created_at) \
         VALUES ($1, $2, $3, $3, $4, $5) RETURNING id",
    )
    .bind(household.get())
    .bind(decision.map(DecisionId::get))
    .bind(amount.ore())
    .bind(reason.trim().to_owned())
    .bind(micros(actor.at))
    .fetch_one(tx.conn())
    .await?;
    let id = ClaimId(row.try_get("id")?);
    tx.audit(
        actor,
        "claim.create",
        None,
        json!({ "claim": id, "household": household, "amount": amount.ore() }),
    )
    .await?;
    tx.commit().await?;
    Ok(ClaimView {
        id,
        household,
        decision,
        amount,
        outstanding: amount,
        reason: reason.trim().to_owned(),
    })
}

pub(crate) async fn claim_event(
    s: &SqlStore,
    actor: &Actor,
    id: ClaimId,
    event: ClaimEvent,
) -> Result<ClaimView> {
    let mut tx = s.begin().await?;
    let mut claim = load_claim(tx.conn(), id).await?;
    let left = recovery::apply(claim.outstanding, event)?;
    let (kind, amount) = match event {
        ClaimEvent::Repayment(a) => ("repayment", a),
        ClaimEvent::Waiver(a) => ("waiver", a),
    };
    sqlx::query("INSERT INTO claim_events (claim_id, kind, amount, at) VALUES ($1, $2, $3, $4)")
        .bind(id.get())
        .bind(kind)
        .bind(amount.ore())
        .bind(micros(actor.at))
        .execute(tx.conn())
        .await?;
    sqlx::query("UPDATE claims SET outstanding = $1 WHERE id = $2")
        .bind(left.ore())
        .bind(id.get())
        .execute(tx.conn())
        .await?;
    tx.audit(
        actor,
        &format!("claim.{kind}"),
        None,
        json!({ "claim": id, "amount": amount.ore(), "outstanding": left.ore() }),
    )
    .await?;
    tx.commit().await?;
    claim.outstanding = left;
    Ok(claim)
}

pub(crate) async fn audit_trail(s: &SqlStore, actor: &Actor, person: PersonId) -> Result<Vec<AuditRecord>> {
    let mut tx = s.begin().await?;
    let sql = format!(
        "{} ORDER BY at, log, seq",
        both_logs(" WHERE subject_person = $1")
    );
    let rows = sqlx::query(&sql).bind(person.get()).fetch_all(tx.conn()).await?;
    let records = rows.iter().map(record_from_row).collect::<Result<Vec<_>>>()?;
    tx.audit(
        actor,
        "audit.read",
        Some(person),
        json!({ "records": records.len() }),
    )
    .await?;
    tx.commit().await?;
    Ok(records)
}
