//! Step-progression records brought in in bulk (a history from an earlier system, the synthetic town): the
//! register's reasons per adult and month, assessments, plans with their activities and weekly attendance, and exits.
//! One transaction: everything is stored, or nothing. Each person's records get one `progression.import` audit record
//! naming what was stored about them (counts only: the free text never enters the audit detail).
//!
//! Also the ladder versions every assessment refers to ([`ensure_ladder`], [`ladder_versions`]): the product's default
//! ladder is stored as version 1 the first time a version is needed.

use std::collections::BTreeMap;
use std::future::Future;

use domain::progression::ladder::{Ladder, LadderStep, LadderVersion, version_on};
use domain::progression::{ActivityPlan, Assessment, AttendanceWeek, ExitReason, Forsorjningshinder};
use domain::{Actor, DomainError, HouseholdId, PersonId, StaffId, Who, text};
use jiff::civil::Date;
use norm::Month;
use serde_json::json;
use sqlx::{AnyConnection, Row};

use crate::error::{Result, StoreError};
use crate::sql::{AuditEntry, SqlStore, Tx, date_text, micros, parse_date, placeholders, require_ids};

/// A register reason (försörjningshinder) of one adult in one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedReason {
    pub person: PersonId,
    pub household: HouseholdId,
    pub month: Month,
    pub reason: Forsorjningshinder,
    pub by: Who,
}

/// An assessment of one adult, checked against the ladder in force on its day when stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedAssessment {
    pub person: PersonId,
    pub household: HouseholdId,
    pub assessment: Assessment,
    pub by: Who,
}

/// An activity of an imported plan with the weeks of attendance recorded for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedActivity {
    pub activity: ActivityPlan,
    pub attendance: Vec<AttendanceWeek>,
    pub by: Who,
}

/// A plan of one adult; `closed_on` set for a plan of an ended period. At most one open plan per person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedPlan {
    pub person: PersonId,
    pub household: HouseholdId,
    pub goal: String,
    pub made_on: Date,
    pub job_coach: Option<StaffId>,
    pub closed_on: Option<Date>,
    pub by: Who,
    pub activities: Vec<ImportedActivity>,
}

/// An exit of one adult from the ladder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedExit {
    pub person: PersonId,
    pub household: HouseholdId,
    pub exited_on: Date,
    pub reason: ExitReason,
    pub by: Who,
}

/// Everything one import stores.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgressionImport {
    pub reasons: Vec<ImportedReason>,
    pub assessments: Vec<ImportedAssessment>,
    pub plans: Vec<ImportedPlan>,
    pub exits: Vec<ImportedExit>,
}

/// What an import stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub reasons: usize,
    pub assessments: usize,
    pub plans: usize,
    pub activities: usize,
    pub attendance_weeks: usize,
    pub exits: usize,
}

pub trait ProgressionImports: Send + Sync {
    /// Stores `batch` in one transaction. If no ladder version exists yet, the default ladder is stored as version 1
    /// in force from `ladder_from` (the first day the history needs). Unknown persons, households or coaches, a step
    /// missing from the ladder in force on the assessment's day, a blank or over-long goal, a second open plan of a
    /// person, or a reason recorded twice for a person and month: an error, and nothing is stored.
    fn import_progression(
        &self,
        actor: &Actor,
        ladder_from: Date,
        batch: &ProgressionImport,
    ) -> impl Future<Output = Result<ImportCounts>> + Send;
    /// Every ladder version, oldest first (not personal data; not audited).
    fn ladder_versions(&self) -> impl Future<Output = Result<Vec<LadderVersion>>> + Send;
}

impl ProgressionImports for SqlStore {
    async fn import_progression(
        &self,
        actor: &Actor,
        ladder_from: Date,
        batch: &ProgressionImport,
    ) -> Result<ImportCounts> {
        let goals = check_goals(batch)?;
        let mut tx = self.begin().await?;
        let conn = tx.conn();
        require_ids(conn, "persons", "person", every_person(batch)).await?;
        require_ids(conn, "households", "hushåll", every_household(batch)).await?;
        require_ids(
            conn,
            "staff",
            "personal",
            batch.plans.iter().filter_map(|p| p.job_coach.map(StaffId::get)),
        )
        .await?;
        ensure_ladder(&mut tx, actor, ladder_from).await?;
        let versions = ladder_versions_in(tx.conn()).await?;

        let mut counts = ImportCounts::default();
        let mut per_person: BTreeMap<PersonId, ImportCounts> = BTreeMap::new();
        insert_reasons(tx.conn(), &batch.reasons, actor).await?;
        for r in &batch.reasons {
            per_person.entry(r.person).or_default().reasons += 1;
        }
        counts.reasons = batch.reasons.len();
        insert_assessments(tx.conn(), &versions, &batch.assessments, actor).await?;
        for a in &batch.assessments {
            per_person.entry(a.person).or_default().assessments += 1;
        }
        counts.assessments = batch.assessments.len();
        for (plan, goal) in batch.plans.iter().zip(&goals) {
            let (activities, weeks) = insert_plan(tx.conn(), plan, goal, actor).await?;
            let c = per_person.entry(plan.person).or_default();
            c.plans += 1;
            c.activities += activities;
            c.attendance_weeks += weeks;
            counts.plans += 1;
            counts.activities += activities;
            counts.attendance_weeks += weeks;
        }
        insert_exits(tx.conn(), &batch.exits, actor).await?;
        for e in &batch.exits {
            per_person.entry(e.person).or_default().exits += 1;
        }
        counts.exits = batch.exits.len();

        let details: Vec<(PersonId, serde_json::Value)> = per_person
            .iter()
            .map(|(p, c)| {
                (
                    *p,
                    json!({
                        "reasons": c.reasons,
                        "assessments": c.assessments,
                        "plans": c.plans,
                        "activities": c.activities,
                        "attendance_weeks": c.attendance_weeks,
                        "exits": c.exits,
                    }),
                )
            })
            .collect();
        let entries: Vec<AuditEntry<'_>> = details
            .iter()
            .map(|(p, d)| AuditEntry {
                actor,
                action: "progression.import",
                subject: Some(*p),
                detail: d,
            })
            .collect();
        tx.audit_entries(&entries).await?;
        tx.commit().await?;
        Ok(counts)
    }

    async fn ladder_versions(&self) -> Result<Vec<LadderVersion>> {
        let mut tx = self.begin_read().await?;
        ladder_versions_in(tx.conn()).await
    }
}

/// Rows per multi-row statement: at most seven parameters a row keeps far below both databases' limits.
const ROWS_PER_STATEMENT: usize = 500;

fn check_goals(batch: &ProgressionImport) -> Result<Vec<String>> {
    batch
        .plans
        .iter()
        .map(|p| {
            let goal = text::PLAN_GOAL.check(&p.goal)?;
            if goal.is_empty() {
                return Err(DomainError::Invalid {
                    field: "mal",
                    reason: "planen behöver ett mål",
                }
                .into());
            }
            if p.closed_on.is_some_and(|c| c < p.made_on) {
                return Err(DomainError::Invalid {
                    field: "avslutad",
                    reason: "planen avslutas före den gjordes",
                }
                .into());
            }
            Ok(goal.to_owned())
        })
        .collect()
}

fn every_person(b: &ProgressionImport) -> impl Iterator<Item = i64> + '_ {
    b.reasons
        .iter()
        .map(|r| r.person)
        .chain(b.assessments.iter().map(|a| a.person))
        .chain(b.plans.iter().map(|p| p.person))
        .chain(b.exits.iter().map(|e| e.person))
        .map(PersonId::get)
}

fn every_household(b: &ProgressionImport) -> impl Iterator<Item = i64> + '_ {
    b.reasons
        .iter()
        .map(|r| r.household)
        .chain(b.assessments.iter().map(|a| a.household))
        .chain(b.plans.iter().map(|p| p.household))
        .chain(b.exits.iter().map(|e| e.household))
        .map(HouseholdId::get)
}

/// Stores the default ladder as version 1 in force from `valid_from` when no version exists yet (audited as
/// `ladder.version`). Inside the caller's transaction.
pub(crate) async fn ensure_ladder(tx: &mut Tx, actor: &Actor, valid_from: Date) -> Result<()> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM ladder_versions")
        .fetch_one(tx.conn())
        .await?;
    if row.try_get::<i64, _>("n")? > 0 {
        return Ok(());
    }
    let version = insert_ladder_version(tx.conn(), actor, valid_from, &Ladder::default_ladder()).await?;
    tx.audit(
        actor,
        "ladder.version",
        None,
        json!({ "version": version, "valid_from": date_text(valid_from), "steps": Ladder::default_ladder().len() }),
    )
    .await
}

/// Inserts a ladder version with its steps; returns its number. The caller audits.
pub(crate) async fn insert_ladder_version(
    conn: &mut AnyConnection,
    actor: &Actor,
    valid_from: Date,
    ladder: &Ladder,
) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO ladder_versions (valid_from, created_by, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(date_text(valid_from))
    .bind(actor.who.to_string())
    .bind(micros(actor.at))
    .fetch_one(&mut *conn)
    .await?;
    let version: i64 = row.try_get("id")?;
    let sql = format!(
        "INSERT INTO ladder_steps (version_id, step, name_sv, name_en, description_sv, description_en) VALUES {}",
        placeholders(ladder.steps().len(), 6)
    );
    let mut q = sqlx::query(&sql);
    for (i, s) in ladder.steps().iter().enumerate() {
        q = q
            .bind(version)
            .bind(i64::try_from(i + 1).unwrap_or(i64::MAX))
            .bind(s.name_sv.clone())
            .bind(s.name_en.clone())
            .bind(s.description_sv.clone())
            .bind(s.description_en.clone());
    }
    q.execute(&mut *conn).await?;
    Ok(version)
}

/// Every ladder version with its steps, oldest first.
pub(crate) async fn ladder_versions_in(conn: &mut AnyConnection) -> Result<Vec<LadderVersion>> {
    let rows = sqlx::query(
        "SELECT v.id, v.valid_from, s.step, s.name_sv, s.name_en, s.description_sv, s.description_en \
         FROM ladder_versions v JOIN ladder_steps s ON s.version_id = v.id ORDER BY v.id, s.step",
    )
    .fetch_all(conn)
    .await?;
    let mut versions: Vec<(i64, Date, Vec<LadderStep>)> = Vec::new();
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        let step = LadderStep {
            name_sv: r.try_get("name_sv")?,
            name_en: r.try_get("name_en")?,
            description_sv: r.try_get("description_sv")?,
            description_en: r.try_get("description_en")?,
        };
        match versions.last_mut() {
            Some((last, _, steps)) if *last == id => steps.push(step),
            _ => versions.push((
                id,
                parse_date(&r.try_get::<String, _>("valid_from")?)?,
                vec![step],
            )),
        }
    }
    versions
        .into_iter()
        .map(|(number, valid_from, steps)| {
            Ok(LadderVersion {
                number,
                valid_from,
                ladder: Ladder::new(steps).map_err(StoreError::corrupt)?,
            })
        })
        .collect()
}

async fn insert_reasons(conn: &mut AnyConnection, reasons: &[ImportedReason], actor: &Actor) -> Result<()> {
    for chunk in reasons.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO adult_month_reasons (person_id, month, household_id, reason, recorded_by, recorded_at) \
             VALUES {}",
            placeholders(chunk.len(), 6)
        );
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = q
                .bind(r.person.get())
                .bind(r.month.to_string())
                .bind(r.household.get())
                .bind(r.reason.as_str())
                .bind(r.by.to_string())
                .bind(micros(actor.at));
        }
        q.execute(&mut *conn).await.map_err(|e| {
            crate::sql::unique_as_duplicate(e, "försörjningshindret är redan registrerat för månaden")
        })?;
    }
    Ok(())
}

async fn insert_assessments(
    conn: &mut AnyConnection,
    versions: &[LadderVersion],
    items: &[ImportedAssessment],
    actor: &Actor,
) -> Result<()> {
    let mut rows = Vec::with_capacity(items.len());
    for a in items {
        let day = a.assessment.assessed_on;
        let version = version_on(versions, day).ok_or(DomainError::Invalid {
            field: "datum",
            reason: "ingen stege gällde den dagen",
        })?;
        version.ladder.check_step(a.assessment.step.get())?;
        if let Some(own) = a.assessment.own_step {
            version.ladder.check_step(own.get())?;
        }
        rows.push((a, version.number));
    }
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO assessments (person_id, household_id, assessed_on, ladder_version, step, own_step, \
             obstacles, assessed_by, recorded_at) VALUES {}",
            placeholders(chunk.len(), 9)
        );
        let mut q = sqlx::query(&sql);
        for (a, version) in chunk {
            q = q
                .bind(a.person.get())
                .bind(a.household.get())
                .bind(date_text(a.assessment.assessed_on))
                .bind(*version)
                .bind(i64::from(a.assessment.step.get()))
                .bind(a.assessment.own_step.map(|s| i64::from(s.get())))
                .bind(a.assessment.obstacles_json())
                .bind(a.by.to_string())
                .bind(micros(actor.at));
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// One plan, then its activities, then their attendance weeks; returns (activities, weeks) stored.
async fn insert_plan(
    conn: &mut AnyConnection,
    plan: &ImportedPlan,
    goal: &str,
    actor: &Actor,
) -> Result<(usize, usize)> {
    let row = sqlx::query(
        "INSERT INTO plans (person_id, household_id, goal, made_on, job_coach_id, closed_on, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(plan.person.get())
    .bind(plan.household.get())
    .bind(goal.to_owned())
    .bind(date_text(plan.made_on))
    .bind(plan.job_coach.map(StaffId::get))
    .bind(plan.closed_on.map(date_text))
    .bind(plan.by.to_string())
    .bind(micros(actor.at))
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| crate::sql::unique_as_duplicate(e, "personen har redan en öppen plan"))?;
    let plan_id: i64 = row.try_get("id")?;
    let mut weeks = 0;
    for a in &plan.activities {
        let act = &a.activity;
        let row = sqlx::query(
            "INSERT INTO activities (plan_id, kind, provider, starts_on, ends_on, hours_per_week, created_by, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(plan_id)
        .bind(act.kind.as_str())
        .bind(act.provider.clone())
        .bind(date_text(act.starts_on))
        .bind(act.ends_on.map(date_text))
        .bind(i64::from(act.hours_per_week))
        .bind(a.by.to_string())
        .bind(micros(actor.at))
        .fetch_one(&mut *conn)
        .await?;
        let activity_id: i64 = row.try_get("id")?;
        for chunk in a.attendance.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO attendance (activity_id, week_start, hours_attended, hours_absent, absence, recorded_by, \
                 recorded_at) VALUES {}",
                placeholders(chunk.len(), 7)
            );
            let mut q = sqlx::query(&sql);
            for w in chunk {
                q = q
                    .bind(activity_id)
                    .bind(date_text(w.week_start))
                    .bind(i64::from(w.hours_attended))
                    .bind(i64::from(w.hours_absent))
                    .bind(w.absence.map(|x| x.as_str().to_owned()))
                    .bind(a.by.to_string())
                    .bind(micros(actor.at));
            }
            q.execute(&mut *conn).await.map_err(|e| {
                crate::sql::unique_as_duplicate(e, "närvaron för veckan är redan registrerad")
            })?;
            weeks += chunk.len();
        }
    }
    Ok((plan.activities.len(), weeks))
}

async fn insert_exits(conn: &mut AnyConnection, exits: &[ImportedExit], actor: &Actor) -> Result<()> {
    for chunk in exits.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO ladder_exits (person_id, household_id, exited_on, reason, recorded_by, recorded_at) VALUES {}",
            placeholders(chunk.len(), 6)
        );
        let mut q = sqlx::query(&sql);
        for e in chunk {
            q = q
                .bind(e.person.get())
                .bind(e.household.get())
                .bind(date_text(e.exited_on))
                .bind(e.reason.as_str())
                .bind(e.by.to_string())
                .bind(micros(actor.at));
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}
