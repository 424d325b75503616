//! The ladder work per person (issue #13): ladder versions, assessments, individual plans with activities and weekly
//! attendance, exits, and the register's försörjningshinder per adult and month; a person's whole path read at
//! once, and the job coach's caseload.
//!
//! Every write is one transaction with its audit record (`ladder.version`, `assessment.record`, `plan.create`,
//! `plan.close`, `activity.add`, `activity.end`, `attendance.record`, `exit.record`, `reason.record`), whose subject
//! is the person, so that gallring empties the record's content with the person. Details hold ids, dates and hours,
//! never the plan's goal or a provider (free text). Reads of a person's path and of a caseload are recorded in the
//! read log before they are returned (`progression.read`, `progression.own_read`, `caseload.read`).
//!
//! A person's step is never stored: it is the step of their latest assessment. The application core checks input
//! through `domain::progression` before calling here; this module checks only what needs the database (the ladder
//! version in force on the day, one open plan per person, the activity belongs to an open plan).

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

use domain::progression::plan::week_of;
use domain::progression::{
    Absence, ActivityKind, ActivityPlan, Assessment, AttendanceWeek, ExitReason, Forsorjningshinder, Ladder,
    LadderStep, LadderVersion, LifeArea, ObstacleLevel,
};
use domain::{
    ActivityId, Actor, AssessmentId, ExitId, HouseholdId, LadderVersionId, PersonId, PlanId,
    ProtectedIdentity, StaffId, UnitId,
};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use norm::Month;
use serde_json::json;
use sqlx::{AnyConnection, Row};

use crate::error::{Result, StoreError};
use crate::sql::{SqlStore, Tx, date_text, from_micros, micros, parse, parse_date, require};

/// The day the product's default ladder is in force from when it is stored the first time a version is needed: early
/// enough that every assessment a municipality records falls under a version.
pub const DEFAULT_LADDER_FROM: Date = jiff::civil::date(2000, 1, 1);

/// Days after an assessment when the next one is due.
pub const REASSESS_AFTER_DAYS: i64 = 90;
/// An activity ending within this many days is an action due (a follow-up or a next activity).
pub const ENDING_WITHIN_DAYS: i64 = 14;
/// How many full weeks back the caseload looks for attendance not yet recorded.
pub const ATTENDANCE_WEEKS: i64 = 4;

/// One household the person belongs or belonged to, for the permission check (ids and flags only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonHousehold {
    pub household: HouseholdId,
    pub unit: UnitId,
    /// A member now (an open membership period).
    pub current: bool,
    pub adult: bool,
}

/// What a permission check on a person's ladder work needs: their protection, their households with units, and who
/// follows their open plan. Ids and flags only, so reading it is not audited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonAccess {
    pub person: PersonId,
    pub protected: bool,
    /// Current memberships first, then by household id.
    pub households: Vec<PersonHousehold>,
    /// The open plan and the coach who follows it.
    pub open_plan: Option<(PlanId, Option<StaffId>)>,
}

impl PersonAccess {
    /// The household the person's ladder work is recorded under: the current one in `units` if any, else any
    /// current one, else the latest.
    pub fn household_for(&self, units: &BTreeSet<UnitId>) -> Option<HouseholdId> {
        self.households
            .iter()
            .find(|h| h.current && units.contains(&h.unit))
            .or_else(|| self.households.iter().find(|h| h.current))
            .or_else(|| self.households.iter().max_by_key(|h| h.household))
            .map(|h| h.household)
    }
}

/// Where a plan or an activity belongs, for the permission check (ids only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityRef {
    pub person: PersonId,
    pub plan: PlanId,
    pub household: HouseholdId,
    pub plan_open: bool,
    pub id: ActivityId,
    pub activity: ActivityPlan,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentView {
    pub id: AssessmentId,
    pub assessed_on: Date,
    pub ladder_version: LadderVersionId,
    pub step: u8,
    pub own_step: Option<u8>,
    pub obstacles: BTreeMap<LifeArea, ObstacleLevel>,
    /// `staff:12` as stored; named through [`PersonPath::names`].
    pub assessed_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceView {
    pub week: AttendanceWeek,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityView {
    pub id: ActivityId,
    pub activity: ActivityPlan,
    /// Oldest week first.
    pub attendance: Vec<AttendanceView>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanView {
    pub id: PlanId,
    pub household: HouseholdId,
    pub goal: String,
    pub made_on: Date,
    pub job_coach: Option<StaffId>,
    pub closed_on: Option<Date>,
    /// By start date.
    pub activities: Vec<ActivityView>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitView {
    pub id: ExitId,
    pub exited_on: Date,
    pub reason: ExitReason,
}

/// A person's path on the ladder, everything in date order (oldest first).
#[derive(Clone, PartialEq, Eq)]
pub struct PersonPath {
    pub person: PersonId,
    pub name: String,
    pub protected: bool,
    /// Every ladder version (not only those used), oldest first; the default as version 1 when none is stored.
    pub versions: Vec<LadderVersion>,
    pub assessments: Vec<AssessmentView>,
    pub plans: Vec<PlanView>,
    pub exits: Vec<ExitView>,
    pub reasons: Vec<(Month, Forsorjningshinder)>,
    /// `staff:12` → name, for everyone who recorded something here, and the coaches.
    pub names: BTreeMap<String, String>,
}

/// Never prints the name.
impl std::fmt::Debug for PersonPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonPath")
            .field("person", &self.person)
            .field("assessments", &self.assessments.len())
            .field("plans", &self.plans.len())
            .finish_non_exhaustive()
    }
}

impl PersonPath {
    /// The open plan, if any.
    pub fn open_plan(&self) -> Option<&PlanView> {
        self.plans.iter().find(|p| p.closed_on.is_none())
    }

    /// The latest assessment.
    pub fn latest(&self) -> Option<&AssessmentView> {
        self.assessments.iter().max_by_key(|a| (a.assessed_on, a.id))
    }

    /// The version an assessment was made on.
    pub fn version(&self, id: LadderVersionId) -> Option<&LadderVersion> {
        self.versions.iter().find(|v| v.number == id.get())
    }
}

/// What the coach should do next for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextAction {
    /// An assessment: never assessed (due from the plan's day) or [`REASSESS_AFTER_DAYS`] after the last one.
    Assess { due: Date },
    /// A running activity ends within [`ENDING_WITHIN_DAYS`] days (or has ended this week).
    ActivityEnds {
        activity: ActivityId,
        kind: ActivityKind,
        on: Date,
    },
    /// The open plan has no running or coming activity.
    NoActivities,
}

impl NextAction {
    /// The day it is due (no activity: due now).
    pub fn due(&self, today: Date) -> Date {
        match self {
            NextAction::Assess { due } => *due,
            NextAction::ActivityEnds { on, .. } => *on,
            NextAction::NoActivities => today,
        }
    }
}

/// A week of a running activity with no attendance recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceDue {
    pub activity: ActivityId,
    pub kind: ActivityKind,
    pub planned_hours: u8,
    pub week_start: Date,
}

/// A recorded absence without an acceptable reason (or a refusal) with no sanction proposal yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalToMake {
    pub activity: ActivityId,
    pub kind: ActivityKind,
    pub week_start: Date,
    pub hours_absent: u8,
    pub absence: Absence,
}

/// One person the coach follows.
#[derive(Clone, PartialEq, Eq)]
pub struct CaseloadPerson {
    pub person: PersonId,
    pub name: String,
    pub protected: bool,
    pub household: HouseholdId,
    pub plan: PlanId,
    /// (day, version, step) of the latest assessment.
    pub step: Option<(Date, LadderVersionId, u8)>,
    /// Soonest first.
    pub next_actions: Vec<NextAction>,
    pub attendance_due: Vec<AttendanceDue>,
    pub proposals_to_make: Vec<ProposalToMake>,
}

impl std::fmt::Debug for CaseloadPerson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaseloadPerson")
            .field("person", &self.person)
            .field("step", &self.step)
            .field("next_actions", &self.next_actions)
            .finish_non_exhaustive()
    }
}

/// A page of the coach's caseload (by name), with the total and the ladder versions the steps refer to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caseload {
    pub persons: Vec<CaseloadPerson>,
    pub total: i64,
    pub versions: Vec<LadderVersion>,
}

pub trait Progressions: Send + Sync {
    /// Every stored ladder version, oldest first; the product's default as version 1 (not stored) when there is none.
    fn ladder_versions(&self) -> impl Future<Output = Result<Vec<LadderVersion>>> + Send;
    /// A new ladder version in force from `valid_from` (the default is stored first when none is). A version from
    /// the same day as an existing one is a conflict. Audited (`ladder.version`).
    fn create_ladder_version(
        &self,
        actor: &Actor,
        valid_from: Date,
        ladder: &Ladder,
    ) -> impl Future<Output = Result<LadderVersionId>> + Send;
    /// Ids and flags for a permission check on a person's ladder work (not audited).
    fn person_access(&self, person: PersonId) -> impl Future<Output = Result<PersonAccess>> + Send;
    /// The plan an id belongs to, as the activity reference without an activity: (person, household, open).
    fn plan_access(
        &self,
        plan: PlanId,
    ) -> impl Future<Output = Result<(PersonId, HouseholdId, bool, Date)>> + Send;
    /// An activity with its plan's person (not audited: ids, dates and hours the permission check and validation
    /// need).
    fn activity_ref(&self, activity: ActivityId) -> impl Future<Output = Result<ActivityRef>> + Send;
    /// The job coaches of the given units, by name: (staff, name).
    fn job_coaches(&self, units: &[UnitId]) -> impl Future<Output = Result<Vec<(StaffId, String)>>> + Send;
    /// Records an assessment checked against version `version`, which must still be the version in force on its
    /// day (else a conflict). Audited (`assessment.record`).
    fn record_assessment(
        &self,
        actor: &Actor,
        person: PersonId,
        household: HouseholdId,
        version: LadderVersionId,
        assessment: &Assessment,
    ) -> impl Future<Output = Result<AssessmentId>> + Send;
    /// A new plan; a person with an open plan already is a conflict. Audited (`plan.create`).
    fn create_plan(
        &self,
        actor: &Actor,
        person: PersonId,
        household: HouseholdId,
        goal: &str,
        made_on: Date,
        job_coach: Option<StaffId>,
    ) -> impl Future<Output = Result<PlanId>> + Send;
    /// Closes an open plan on `closed_on`; its activities still running then end that day. Audited (`plan.close`).
    fn close_plan(
        &self,
        actor: &Actor,
        plan: PlanId,
        closed_on: Date,
    ) -> impl Future<Output = Result<()>> + Send;
    /// An activity of an open plan. Audited (`activity.add`).
    fn add_activity(
        &self,
        actor: &Actor,
        plan: PlanId,
        activity: &ActivityPlan,
    ) -> impl Future<Output = Result<ActivityId>> + Send;
    /// Sets an activity's last day. Audited (`activity.end`, with the earlier end).
    fn end_activity(
        &self,
        actor: &Actor,
        activity: ActivityId,
        ends_on: Date,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Records (or corrects) a week's attendance. A correction is audited with the old and the new hours; the same
    /// figures again change nothing and write nothing. Audited (`attendance.record`).
    fn record_attendance(
        &self,
        actor: &Actor,
        activity: ActivityId,
        week: &AttendanceWeek,
    ) -> impl Future<Output = Result<()>> + Send;
    /// An exit with its reason. Audited (`exit.record`).
    fn record_exit(
        &self,
        actor: &Actor,
        person: PersonId,
        household: HouseholdId,
        exited_on: Date,
        reason: ExitReason,
    ) -> impl Future<Output = Result<ExitId>> + Send;
    /// The register's försörjningshinder for an adult and month (replaces an earlier one). Audited
    /// (`reason.record`).
    fn record_reason(
        &self,
        actor: &Actor,
        person: PersonId,
        household: HouseholdId,
        month: Month,
        reason: Forsorjningshinder,
    ) -> impl Future<Output = Result<()>> + Send;
    /// A person's path; recorded in the read log (`progression.read`, or `progression.own_read` when `own`: the
    /// applicant reading their own) before it is returned.
    fn person_path(
        &self,
        actor: &Actor,
        person: PersonId,
        own: bool,
    ) -> impl Future<Output = Result<PersonPath>> + Send;
    /// The persons whose open plan `coach` follows, by name, `limit` from `offset`; one read-log record per person
    /// listed (`caseload.read`).
    fn caseload(
        &self,
        actor: &Actor,
        coach: StaffId,
        today: Date,
        limit: i64,
        offset: i64,
    ) -> impl Future<Output = Result<Caseload>> + Send;
}

/// Stores the product's default ladder as the first version, in force from `valid_from`, when no version is stored.
/// Inside the caller's transaction, with its audit record (`ladder.version`).
pub(crate) async fn ensure_ladder(tx: &mut Tx, actor: &Actor, valid_from: Date) -> Result<()> {
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM ladder_versions")
        .fetch_one(tx.conn())
        .await?
        .try_get("n")?;
    if n == 0 {
        insert_version(tx, actor, valid_from, &Ladder::default_ladder()).await?;
    }
    Ok(())
}

async fn insert_version(
    tx: &mut Tx,
    actor: &Actor,
    valid_from: Date,
    ladder: &Ladder,
) -> Result<LadderVersionId> {
    let row = sqlx::query(
        "INSERT INTO ladder_versions (valid_from, created_by, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(date_text(valid_from))
    .bind(actor.who.to_string())
    .bind(micros(actor.at))
    .fetch_one(tx.conn())
    .await?;
    let id = LadderVersionId(row.try_get("id")?);
    for (n, s) in (1_i64..).zip(ladder.steps()) {
        sqlx::query(
            "INSERT INTO ladder_steps (version_id, step, name_sv, name_en, description_sv, description_en) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id.get())
        .bind(n)
        .bind(s.name_sv.clone())
        .bind(s.name_en.clone())
        .bind(s.description_sv.clone())
        .bind(s.description_en.clone())
        .execute(tx.conn())
        .await?;
    }
    tx.audit(
        actor,
        "ladder.version",
        None,
        json!({ "ladder_version": id, "valid_from": date_text(valid_from), "steps": ladder.len() }),
    )
    .await?;
    Ok(id)
}

pub(crate) async fn read_versions(conn: &mut AnyConnection) -> Result<Vec<LadderVersion>> {
    let versions = sqlx::query("SELECT id, valid_from FROM ladder_versions ORDER BY valid_from, id")
        .fetch_all(&mut *conn)
        .await?;
    if versions.is_empty() {
        return Ok(vec![LadderVersion {
            number: 1,
            valid_from: DEFAULT_LADDER_FROM,
            ladder: Ladder::default_ladder(),
        }]);
    }
    let steps = sqlx::query(
        "SELECT version_id, step, name_sv, name_en, description_sv, description_en FROM ladder_steps \
         ORDER BY version_id, step",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut by_version: BTreeMap<i64, Vec<LadderStep>> = BTreeMap::new();
    for r in steps {
        by_version
            .entry(r.try_get("version_id")?)
            .or_default()
            .push(LadderStep {
                name_sv: r.try_get("name_sv")?,
                name_en: r.try_get("name_en")?,
                description_sv: r.try_get("description_sv")?,
                description_en: r.try_get("description_en")?,
            });
    }
    versions
        .iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            let ladder =
                Ladder::new(by_version.remove(&id).unwrap_or_default()).map_err(StoreError::corrupt)?;
            Ok(LadderVersion {
                number: id,
                valid_from: parse_date(&r.try_get::<String, _>("valid_from")?)?,
                ladder,
            })
        })
        .collect()
}

/// Integers we hold, never user text, as an SQL list.
fn id_list(ids: impl IntoIterator<Item = i64>) -> String {
    ids.into_iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn small(n: i64, what: &str) -> Result<u8> {
    u8::try_from(n).map_err(|_| StoreError::corrupt(format!("{what} utanför sitt intervall")))
}

fn activity_from_row(r: &sqlx::any::AnyRow) -> Result<(ActivityId, PlanId, ActivityPlan)> {
    let kind: String = r.try_get("kind")?;
    let ends: Option<String> = r.try_get("ends_on")?;
    Ok((
        ActivityId(r.try_get("id")?),
        PlanId(r.try_get("plan_id")?),
        ActivityPlan {
            kind: ActivityKind::parse(&kind).ok_or_else(|| StoreError::corrupt("okänd aktivitet"))?,
            provider: r.try_get("provider")?,
            starts_on: parse_date(&r.try_get::<String, _>("starts_on")?)?,
            ends_on: ends.as_deref().map(parse_date).transpose()?,
            hours_per_week: small(r.try_get("hours_per_week")?, "timmar")?,
        },
    ))
}

fn attendance_from_row(r: &sqlx::any::AnyRow) -> Result<(ActivityId, AttendanceView)> {
    let absence: Option<String> = r.try_get("absence")?;
    Ok((
        ActivityId(r.try_get("activity_id")?),
        AttendanceView {
            week: AttendanceWeek {
                week_start: parse_date(&r.try_get::<String, _>("week_start")?)?,
                hours_attended: small(r.try_get("hours_attended")?, "timmar")?,
                hours_absent: small(r.try_get("hours_absent")?, "timmar")?,
                absence: absence
                    .as_deref()
                    .map(|a| Absence::parse(a).ok_or_else(|| StoreError::corrupt("okänd frånvaro")))
                    .transpose()?,
            },
            recorded_by: r.try_get("recorded_by")?,
            recorded_at: from_micros(r.try_get("recorded_at")?)?,
        },
    ))
}

const ACTIVITY_COLUMNS: &str = "id, plan_id, kind, provider, starts_on, ends_on, hours_per_week";
const ATTENDANCE_COLUMNS: &str =
    "activity_id, week_start, hours_attended, hours_absent, absence, recorded_by, recorded_at";

/// The person's household (a believed membership, any time): refuses a household they never belonged to.
async fn require_member(conn: &mut AnyConnection, person: PersonId, household: HouseholdId) -> Result<()> {
    require(conn, "persons", "person", person.get()).await?;
    require(conn, "households", "hushåll", household.get()).await?;
    let n: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM facts WHERE household_id = $1 AND person_id = $2 \
         AND fact_key LIKE 'member:%' AND superseded_at IS NULL",
    )
    .bind(household.get())
    .bind(person.get())
    .fetch_one(&mut *conn)
    .await?
    .try_get("n")?;
    if n == 0 {
        return Err(StoreError::Conflict("personen har inte tillhört hushållet"));
    }
    Ok(())
}

impl Progressions for SqlStore {
    async fn ladder_versions(&self) -> Result<Vec<LadderVersion>> {
        let mut conn = self.pool().acquire().await?;
        read_versions(&mut conn).await
    }

    async fn create_ladder_version(
        &self,
        actor: &Actor,
        valid_from: Date,
        ladder: &Ladder,
    ) -> Result<LadderVersionId> {
        let mut tx = self.begin().await?;
        ensure_ladder(&mut tx, actor, DEFAULT_LADDER_FROM).await?;
        let same: i64 = sqlx::query("SELECT COUNT(*) AS n FROM ladder_versions WHERE valid_from = $1")
            .bind(date_text(valid_from))
            .fetch_one(tx.conn())
            .await?
            .try_get("n")?;
        if same > 0 {
            return Err(StoreError::Conflict("en version gäller redan från den dagen"));
        }
        let id = insert_version(&mut tx, actor, valid_from, ladder).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn person_access(&self, person: PersonId) -> Result<PersonAccess> {
        let mut conn = self.pool().acquire().await?;
        let row = sqlx::query("SELECT protection FROM persons WHERE id = $1")
            .bind(person.get())
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound {
                what: "person",
                id: person.get(),
            })?;
        let protected = parse::<ProtectedIdentity>(&row.try_get::<String, _>("protection")?)?.is_protected();
        let mut households: Vec<PersonHousehold> = Vec::new();
        for r in sqlx::query(
            "SELECT f.household_id, h.unit_id, f.value_json, \
             CASE WHEN f.valid_to IS NULL THEN 1 ELSE 0 END AS current_member \
             FROM facts f JOIN households h ON h.id = f.household_id \
             WHERE f.person_id = $1 AND f.fact_key LIKE 'member:%' AND f.superseded_at IS NULL \
             ORDER BY f.household_id",
        )
        .bind(person.get())
        .fetch_all(&mut *conn)
        .await?
        {
            let household = HouseholdId(r.try_get("household_id")?);
            let value: String = r.try_get("value_json")?;
            let adult = matches!(
                serde_json::from_str::<domain::fact::FactValue>(&value).map_err(StoreError::corrupt)?,
                domain::fact::FactValue::Member {
                    role: norm::contract::Role::Adult,
                    ..
                }
            );
            let current = r.try_get::<i64, _>("current_member")? == 1;
            if let Some(seen) = households.iter_mut().find(|h| h.household == household) {
                seen.current |= current;
                seen.adult |= adult;
            } else {
                households.push(PersonHousehold {
                    household,
                    unit: UnitId(r.try_get("unit_id")?),
                    current,
                    adult,
                });
            }
        }
        households.sort_by_key(|h| (!h.current, h.household));
        let open_plan =
            sqlx::query("SELECT id, job_coach_id FROM plans WHERE person_id = $1 AND closed_on IS NULL")
                .bind(person.get())
                .fetch_optional(&mut *conn)
                .await?
                .map(|r| -> Result<_> {
                    Ok((
                        PlanId(r.try_get("id")?),
                        r.try_get::<Option<i64>, _>("job_coach_id")?.map(StaffId),
                    ))
                })
                .transpose()?;
        Ok(PersonAccess {
            person,
            protected,
            households,
            open_plan,
        })
    }

    async fn plan_access(&self, plan: PlanId) -> Result<(PersonId, HouseholdId, bool, Date)> {
        let r = sqlx::query("SELECT person_id, household_id, closed_on, made_on FROM plans WHERE id = $1")
            .bind(plan.get())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound {
                what: "planering",
                id: plan.get(),
            })?;
        Ok((
            PersonId(r.try_get("person_id")?),
            HouseholdId(r.try_get("household_id")?),
            r.try_get::<Option<String>, _>("closed_on")?.is_none(),
            parse_date(&r.try_get::<String, _>("made_on")?)?,
        ))
    }

    async fn activity_ref(&self, activity: ActivityId) -> Result<ActivityRef> {
        let r = sqlx::query(
            "SELECT a.id, a.plan_id, a.kind, a.provider, a.starts_on, a.ends_on, a.hours_per_week, \
             p.person_id, p.household_id, p.closed_on FROM activities a JOIN plans p ON p.id = a.plan_id \
             WHERE a.id = $1",
        )
        .bind(activity.get())
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound {
            what: "aktivitet",
            id: activity.get(),
        })?;
        let (id, plan, activity) = activity_from_row(&r)?;
        Ok(ActivityRef {
            person: PersonId(r.try_get("person_id")?),
            plan,
            household: HouseholdId(r.try_get("household_id")?),
            plan_open: r.try_get::<Option<String>, _>("closed_on")?.is_none(),
            id,
            activity,
        })
    }

    async fn job_coaches(&self, units: &[UnitId]) -> Result<Vec<(StaffId, String)>> {
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id, name FROM staff WHERE role = 'job_coach' AND unit_id IN ({}) ORDER BY name, id",
            id_list(units.iter().map(|u| u.get()))
        );
        sqlx::query(&sql)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| Ok((StaffId(r.try_get("id")?), r.try_get("name")?)))
            .collect()
    }

    async fn record_assessment(
        &self,
        actor: &Actor,
        person: PersonId,
        household: HouseholdId,
        version: LadderVersionId,
        assessment: &Assessment,
    ) -> Result<AssessmentId> {
        let mut tx = self.begin().await?;
        require_member(tx.conn(), person, household).await?;
        ensure_ladder(&mut tx, actor, DEFAULT_LADDER_FROM).await?;
        let versions = read_versions(tx.conn()).await?;
        let in_force = domain::progression::ladder::version_on(&versions, assessment.assessed_on);
        if in_force.map(|v| v.number) != Some(version.get()) {
            return Err(StoreError::Conflict(
                "stegen har ändrats; ladda om sidan och bedöm igen",
            ));
        }
        let row = sqlx::query(
            "INSERT INTO assessments (person_id, household_id, assessed_on, ladder_version, step, own_step, \
             obstacles, assessed_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(person.get())
        .bind(household.get())
        .bind(date_text(assessment.assessed_on))
        .bind(version.get())
        .bind(i32::from(assessment.step.get()))
        .bind(assessment.own_step.map(|s| i32::from(s.get())))
        .bind(assessment.obstacles_json())
        .bind(actor.who.to_string())
        .bind(micros(actor.at))
        .fetch_one(tx.conn())
        .await?;
        let id = AssessmentId(row.try_get("id")?);
        tx.audit(
            actor,
            "assessment.record",
            Some(person),
            json!({
                "household": household,
                "assessment": id,
                "ladder_version": version,
                "on": date_text(assessment.assessed_on),
                "step": assessment.step.get(),
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn create_plan(
        &self,
        actor: &Actor,
        person: PersonId,
        household: HouseholdId,
        goal: &str,
        made_on: Date,
        job_coach: Option<StaffId>,
    ) -> Result<PlanId> {
        let goal = domain::text::PLAN_GOAL.check(goal).map_err(StoreError::Domain)?;
        let mut tx = self.begin().await?;
        require_member(tx.conn(), person, household).await?;
        if let Some(coach) = job_coach {
            require(tx.conn(), "staff", "jobbcoach", coach.get()).await?;
        }
        let row = sqlx::query(
            "INSERT INTO plans (person_id, household_id, goal, made_on, job_coach_id, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(person.get())
        .bind(household.get())
        .bind(goal.to_owned())
        .bind(date_text(made_on))
        .bind(job_coach.map(StaffId::get))
        .bind(actor.who.to_string())
        .bind(micros(actor.at))
        .fetch_one(tx.conn())
        .await
        .map_err(|e| match crate::sql::unique_as_duplicate(e, "öppen planering") {
            StoreError::Duplicate(_) => StoreError::Conflict("personen har redan en öppen planering"),
            other => other,
        })?;
        let id = PlanId(row.try_get("id")?);
        tx.audit(
            actor,
            "plan.create",
            Some(person),
            json!({
                "household": household,
                "plan": id,
                "on": date_text(made_on),
                "staff": job_coach,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn close_plan(&self, actor: &Actor, plan: PlanId, closed_on: Date) -> Result<()> {
        let mut tx = self.begin().await?;
        let r = sqlx::query("SELECT person_id, household_id, made_on, closed_on FROM plans WHERE id = $1")
            .bind(plan.get())
            .fetch_optional(tx.conn())
            .await?
            .ok_or(StoreError::NotFound {
                what: "planering",
                id: plan.get(),
            })?;
        if r.try_get::<Option<String>, _>("closed_on")?.is_some() {
            return Err(StoreError::Conflict("planeringen är redan avslutad"));
        }
        let made_on = parse_date(&r.try_get::<String, _>("made_on")?)?;
        if closed_on < made_on {
            return Err(StoreError::Domain(domain::DomainError::Invalid {
                field: "datum",
                reason: "planeringen kan inte avslutas före den upprättades",
            }));
        }
        let person = PersonId(r.try_get("person_id")?);
        let household = HouseholdId(r.try_get("household_id")?);
        let day = date_text(closed_on);
        sqlx::query("UPDATE plans SET closed_on = $1 WHERE id = $2")
            .bind(day.clone())
            .bind(plan.get())
            .execute(tx.conn())
            .await?;
        // Activities still running after the plan's last day end with it (one that starts later ends the day it
        // starts: it never ran).
        let ended = sqlx::query(
            "UPDATE activities SET ends_on = CASE WHEN starts_on > $1 THEN starts_on ELSE $1 END \
             WHERE plan_id = $2 AND (ends_on IS NULL OR ends_on > $1)",
        )
        .bind(day.clone())
        .bind(plan.get())
        .execute(tx.conn())
        .await?
        .rows_affected();
        tx.audit(
            actor,
            "plan.close",
            Some(person),
            json!({ "household": household, "plan": plan, "on": day, "activities": ended }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn add_activity(&self, actor: &Actor, plan: PlanId, activity: &ActivityPlan) -> Result<ActivityId> {
        let provider = domain::text::ACTIVITY_PROVIDER
            .check(&activity.provider)
            .map_err(StoreError::Domain)?;
        let mut tx = self.begin().await?;
        let r = sqlx::query("SELECT person_id, household_id, closed_on FROM plans WHERE id = $1")
            .bind(plan.get())
            .fetch_optional(tx.conn())
            .await?
            .ok_or(StoreError::NotFound {
                what: "planering",
                id: plan.get(),
            })?;
        if r.try_get::<Option<String>, _>("closed_on")?.is_some() {
            return Err(StoreError::Conflict("planeringen är avslutad"));
        }
        let person = PersonId(r.try_get("person_id")?);
        let household = HouseholdId(r.try_get("household_id")?);
        let row = sqlx::query(
            "INSERT INTO activities (plan_id, kind, provider, starts_on, ends_on, hours_per_week, created_by, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(plan.get())
        .bind(activity.kind.as_str())
        .bind(provider.to_owned())
        .bind(date_text(activity.starts_on))
        .bind(activity.ends_on.map(date_text))
        .bind(i32::from(activity.hours_per_week))
        .bind(actor.who.to_string())
        .bind(micros(actor.at))
        .fetch_one(tx.conn())
        .await?;
        let id = ActivityId(row.try_get("id")?);
        tx.audit(
            actor,
            "activity.add",
            Some(person),
            json!({
                "household": household,
                "plan": plan,
                "activity": id,
                "from": date_text(activity.starts_on),
                "to": activity.ends_on.map(date_text),
                "hours": activity.hours_per_week,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn end_activity(&self, actor: &Actor, activity: ActivityId, ends_on: Date) -> Result<()> {
        let mut tx = self.begin().await?;
        let r = sqlx::query(
            "SELECT a.starts_on, a.ends_on, p.person_id, p.household_id FROM activities a \
             JOIN plans p ON p.id = a.plan_id WHERE a.id = $1",
        )
        .bind(activity.get())
        .fetch_optional(tx.conn())
        .await?
        .ok_or(StoreError::NotFound {
            what: "aktivitet",
            id: activity.get(),
        })?;
        let starts_on = parse_date(&r.try_get::<String, _>("starts_on")?)?;
        if ends_on < starts_on {
            return Err(StoreError::Domain(domain::DomainError::Invalid {
                field: "slutdatum",
                reason: "slutdatum ligger före startdatum",
            }));
        }
        let earlier: Option<String> = r.try_get("ends_on")?;
        sqlx::query("UPDATE activities SET ends_on = $1 WHERE id = $2")
            .bind(date_text(ends_on))
            .bind(activity.get())
            .execute(tx.conn())
            .await?;
        tx.audit(
            actor,
            "activity.end",
            Some(PersonId(r.try_get("person_id")?)),
            json!({
                "household": r.try_get::<i64, _>("household_id")?,
                "activity": activity,
                "to": date_text(ends_on),
                "earlier_end": earlier,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn record_attendance(
        &self,
        actor: &Actor,
        activity: ActivityId,
        week: &AttendanceWeek,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let r = sqlx::query(
            "SELECT p.person_id, p.household_id FROM activities a JOIN plans p ON p.id = a.plan_id WHERE a.id = $1",
        )
        .bind(activity.get())
        .fetch_optional(tx.conn())
        .await?
        .ok_or(StoreError::NotFound {
            what: "aktivitet",
            id: activity.get(),
        })?;
        let person = PersonId(r.try_get("person_id")?);
        let household: i64 = r.try_get("household_id")?;
        let day = date_text(week.week_start);
        let sql =
            format!("SELECT {ATTENDANCE_COLUMNS} FROM attendance WHERE activity_id = $1 AND week_start = $2");
        let old = sqlx::query(&sql)
            .bind(activity.get())
            .bind(day.clone())
            .fetch_optional(tx.conn())
            .await?
            .map(|r| attendance_from_row(&r))
            .transpose()?;
        let absence = week.absence.map(Absence::as_str);
        match &old {
            Some((_, o)) if o.week == *week => return Ok(()),
            Some(_) => {
                sqlx::query(
                    "UPDATE attendance SET hours_attended = $1, hours_absent = $2, absence = $3, recorded_by = $4, \
                     recorded_at = $5 WHERE activity_id = $6 AND week_start = $7",
                )
                .bind(i32::from(week.hours_attended))
                .bind(i32::from(week.hours_absent))
                .bind(absence)
                .bind(actor.who.to_string())
                .bind(micros(actor.at))
                .bind(activity.get())
                .bind(day.clone())
                .execute(tx.conn())
                .await?;
            }
            None => {
                sqlx::query(
                    "INSERT INTO attendance (activity_id, week_start, hours_attended, hours_absent, absence, \
                     recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(activity.get())
                .bind(day.clone())
                .bind(i32::from(week.hours_attended))
                .bind(i32::from(week.hours_absent))
                .bind(absence)
                .bind(actor.who.to_string())
                .bind(micros(actor.at))
                .execute(tx.conn())
                .await?;
            }
        }
        let mut detail = json!({
            "household": household,
            "activity": activity,
            "week": day,
            "hours_attended": week.hours_attended,
            "hours_absent": week.hours_absent,
        });
        if let (Some((_, o)), Some(map)) = (&old, detail.as_object_mut()) {
            map.insert("old_hours_attended".into(), json!(o.week.hours_attended));
            map.insert("old_hours_absent".into(), json!(o.week.hours_absent));
        }
        tx.audit(actor, "attendance.record", Some(person), detail).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn record_exit(
        &self,
        actor: &Actor,
        person: PersonId,
        household: HouseholdId,
        exited_on: Date,
        reason: ExitReason,
    ) -> Result<ExitId> {
        let mut tx = self.begin().await?;
        require_member(tx.conn(), person, household).await?;
        let row = sqlx::query(
            "INSERT INTO ladder_exits (person_id, household_id, exited_on, reason, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(person.get())
        .bind(household.get())
        .bind(date_text(exited_on))
        .bind(reason.as_str())
        .bind(actor.who.to_string())
        .bind(micros(actor.at))
        .fetch_one(tx.conn())
        .await?;
        let id = ExitId(row.try_get("id")?);
        tx.audit(
            actor,
            "exit.record",
            Some(person),
            json!({ "household": household, "exit": id, "on": date_text(exited_on) }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn record_reason(
        &self,
        actor: &Actor,
        person: PersonId,
        household: HouseholdId,
        month: Month,
        reason: Forsorjningshinder,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        require_member(tx.conn(), person, household).await?;
        let month_text = month.to_string();
        let replaced = sqlx::query("DELETE FROM adult_month_reasons WHERE person_id = $1 AND month = $2")
            .bind(person.get())
            .bind(month_text.clone())
            .execute(tx.conn())
            .await?
            .rows_affected();
        sqlx::query(
            "INSERT INTO adult_month_reasons (person_id, month, household_id, reason, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(person.get())
        .bind(month_text.clone())
        .bind(household.get())
        .bind(reason.as_str())
        .bind(actor.who.to_string())
        .bind(micros(actor.at))
        .execute(tx.conn())
        .await?;
        tx.audit(
            actor,
            "reason.record",
            Some(person),
            json!({ "household": household, "month": month_text, "replaced": replaced > 0 }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn person_path(&self, actor: &Actor, person: PersonId, own: bool) -> Result<PersonPath> {
        let mut tx = self.begin_read().await?;
        let conn = tx.conn();
        let row = sqlx::query("SELECT name, protection FROM persons WHERE id = $1")
            .bind(person.get())
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound {
                what: "person",
                id: person.get(),
            })?;
        let name: String = row.try_get("name")?;
        let protected = parse::<ProtectedIdentity>(&row.try_get::<String, _>("protection")?)?.is_protected();
        let versions = read_versions(&mut *conn).await?;
        let mut assessments = Vec::new();
        for r in sqlx::query(
            "SELECT id, assessed_on, ladder_version, step, own_step, obstacles, assessed_by FROM assessments \
             WHERE person_id = $1 ORDER BY assessed_on, id",
        )
        .bind(person.get())
        .fetch_all(&mut *conn)
        .await?
        {
            assessments.push(AssessmentView {
                id: AssessmentId(r.try_get("id")?),
                assessed_on: parse_date(&r.try_get::<String, _>("assessed_on")?)?,
                ladder_version: LadderVersionId(r.try_get("ladder_version")?),
                step: small(r.try_get::<i64, _>("step")?, "steg")?,
                own_step: r
                    .try_get::<Option<i64>, _>("own_step")?
                    .map(|s| small(s, "steg"))
                    .transpose()?,
                obstacles: Assessment::parse_obstacles(&r.try_get::<String, _>("obstacles")?)
                    .map_err(StoreError::corrupt)?,
                assessed_by: r.try_get("assessed_by")?,
            });
        }
        let mut plans = Vec::new();
        for r in sqlx::query(
            "SELECT id, household_id, goal, made_on, job_coach_id, closed_on FROM plans WHERE person_id = $1 \
             ORDER BY made_on, id",
        )
        .bind(person.get())
        .fetch_all(&mut *conn)
        .await?
        {
            plans.push(PlanView {
                id: PlanId(r.try_get("id")?),
                household: HouseholdId(r.try_get("household_id")?),
                goal: r.try_get("goal")?,
                made_on: parse_date(&r.try_get::<String, _>("made_on")?)?,
                job_coach: r.try_get::<Option<i64>, _>("job_coach_id")?.map(StaffId),
                closed_on: r
                    .try_get::<Option<String>, _>("closed_on")?
                    .as_deref()
                    .map(parse_date)
                    .transpose()?,
                activities: Vec::new(),
            });
        }
        if !plans.is_empty() {
            let list = id_list(plans.iter().map(|p| p.id.get()));
            let sql = format!(
                "SELECT {ACTIVITY_COLUMNS} FROM activities WHERE plan_id IN ({list}) ORDER BY starts_on, id"
            );
            let activities = sqlx::query(&sql).fetch_all(&mut *conn).await?;
            let mut by_activity: BTreeMap<ActivityId, Vec<AttendanceView>> = BTreeMap::new();
            let sql = format!(
                "SELECT {ATTENDANCE_COLUMNS} FROM attendance WHERE activity_id IN \
                 (SELECT id FROM activities WHERE plan_id IN ({list})) ORDER BY week_start"
            );
            for r in sqlx::query(&sql).fetch_all(&mut *conn).await? {
                let (a, view) = attendance_from_row(&r)?;
                by_activity.entry(a).or_default().push(view);
            }
            for r in &activities {
                let (id, plan, activity) = activity_from_row(r)?;
                if let Some(p) = plans.iter_mut().find(|p| p.id == plan) {
                    p.activities.push(ActivityView {
                        id,
                        activity,
                        attendance: by_activity.remove(&id).unwrap_or_default(),
                    });
                }
            }
        }
        let mut exits = Vec::new();
        for r in sqlx::query(
            "SELECT id, exited_on, reason FROM ladder_exits WHERE person_id = $1 ORDER BY exited_on, id",
        )
        .bind(person.get())
        .fetch_all(&mut *conn)
        .await?
        {
            let reason: String = r.try_get("reason")?;
            exits.push(ExitView {
                id: ExitId(r.try_get("id")?),
                exited_on: parse_date(&r.try_get::<String, _>("exited_on")?)?,
                reason: ExitReason::parse(&reason).ok_or_else(|| StoreError::corrupt("okänt skäl"))?,
            });
        }
        let mut reasons = Vec::new();
        for r in
            sqlx::query("SELECT month, reason FROM adult_month_reasons WHERE person_id = $1 ORDER BY month")
                .bind(person.get())
                .fetch_all(&mut *conn)
                .await?
        {
            let reason: String = r.try_get("reason")?;
            reasons.push((
                parse::<Month>(&r.try_get::<String, _>("month")?)?,
                Forsorjningshinder::parse(&reason)
                    .ok_or_else(|| StoreError::corrupt("okänt försörjningshinder"))?,
            ));
        }
        let mut whos: BTreeSet<String> = assessments.iter().map(|a| a.assessed_by.clone()).collect();
        whos.extend(
            plans
                .iter()
                .filter_map(|p| p.job_coach.map(|c| format!("staff:{c}"))),
        );
        whos.extend(
            plans
                .iter()
                .flat_map(|p| p.activities.iter())
                .flat_map(|a| a.attendance.iter())
                .map(|w| w.recorded_by.clone()),
        );
        let names = crate::names::actor_names(&mut *conn, whos.iter().map(String::as_str))
            .await?
            .into_iter()
            .map(|a| (a.who, a.name))
            .collect();
        tx.finish().await?;
        let households: BTreeSet<i64> = plans.iter().map(|p| p.household.get()).collect();
        self.record_read(
            actor,
            if own {
                "progression.own_read"
            } else {
                "progression.read"
            },
            vec![(
                Some(person),
                json!({
                    "households": households,
                    "assessments": assessments.len(),
                    "plans": plans.len(),
                    "protected": protected,
                }),
            )],
        )
        .await?;
        Ok(PersonPath {
            person,
            name,
            protected,
            versions,
            assessments,
            plans,
            exits,
            reasons,
            names,
        })
    }

    async fn caseload(
        &self,
        actor: &Actor,
        coach: StaffId,
        today: Date,
        limit: i64,
        offset: i64,
    ) -> Result<Caseload> {
        let mut tx = self.begin_read().await?;
        let conn = tx.conn();
        let versions = read_versions(&mut *conn).await?;
        let total: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM plans WHERE job_coach_id = $1 AND closed_on IS NULL")
                .bind(coach.get())
                .fetch_one(&mut *conn)
                .await?
                .try_get("n")?;
        let rows = sqlx::query(
            "SELECT pl.id, pl.person_id, pl.household_id, pl.made_on, p.name, p.protection FROM plans pl \
             JOIN persons p ON p.id = pl.person_id WHERE pl.job_coach_id = $1 AND pl.closed_on IS NULL \
             ORDER BY p.name, p.id LIMIT $2 OFFSET $3",
        )
        .bind(coach.get())
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await?;
        let mut persons = Vec::with_capacity(rows.len());
        let mut made: BTreeMap<PlanId, Date> = BTreeMap::new();
        for r in &rows {
            let plan = PlanId(r.try_get("id")?);
            made.insert(plan, parse_date(&r.try_get::<String, _>("made_on")?)?);
            persons.push(CaseloadPerson {
                person: PersonId(r.try_get("person_id")?),
                name: r.try_get("name")?,
                protected: parse::<ProtectedIdentity>(&r.try_get::<String, _>("protection")?)?.is_protected(),
                household: HouseholdId(r.try_get("household_id")?),
                plan,
                step: None,
                next_actions: Vec::new(),
                attendance_due: Vec::new(),
                proposals_to_make: Vec::new(),
            });
        }
        if !persons.is_empty() {
            let person_list = id_list(persons.iter().map(|p| p.person.get()));
            let plan_list = id_list(persons.iter().map(|p| p.plan.get()));
            // The latest assessment of each person (the latest day, the latest recorded that day).
            let sql = format!(
                "SELECT person_id, assessed_on, ladder_version, step, id FROM assessments \
                 WHERE person_id IN ({person_list}) ORDER BY person_id, assessed_on, id"
            );
            let mut latest: BTreeMap<PersonId, (Date, LadderVersionId, u8)> = BTreeMap::new();
            for r in sqlx::query(&sql).fetch_all(&mut *conn).await? {
                latest.insert(
                    PersonId(r.try_get("person_id")?),
                    (
                        parse_date(&r.try_get::<String, _>("assessed_on")?)?,
                        LadderVersionId(r.try_get("ladder_version")?),
                        small(r.try_get::<i64, _>("step")?, "steg")?,
                    ),
                );
            }
            let sql = format!(
                "SELECT {ACTIVITY_COLUMNS} FROM activities WHERE plan_id IN ({plan_list}) ORDER BY starts_on, id"
            );
            let activities = sqlx::query(&sql)
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(activity_from_row)
                .collect::<Result<Vec<_>>>()?;
            let weeks = recent_weeks(today);
            let first_week = weeks.first().copied().unwrap_or(today);
            let mut recorded: BTreeMap<(ActivityId, Date), AttendanceWeek> = BTreeMap::new();
            if !activities.is_empty() {
                let activity_list = id_list(activities.iter().map(|(id, _, _)| id.get()));
                let sql = format!(
                    "SELECT {ATTENDANCE_COLUMNS} FROM attendance WHERE activity_id IN ({activity_list}) \
                     AND week_start >= $1"
                );
                let earliest = activities
                    .iter()
                    .map(|(_, _, a)| week_of(a.starts_on))
                    .min()
                    .unwrap_or(first_week);
                for r in sqlx::query(&sql)
                    .bind(date_text(earliest))
                    .fetch_all(&mut *conn)
                    .await?
                {
                    let (a, view) = attendance_from_row(&r)?;
                    recorded.insert((a, view.week.week_start), view.week);
                }
            }
            let mut proposed: BTreeSet<(ActivityId, Date)> = BTreeSet::new();
            if !activities.is_empty() {
                let activity_list = id_list(activities.iter().map(|(id, _, _)| id.get()));
                let sql = format!(
                    "SELECT activity_id, week_start FROM sanction_proposals WHERE activity_id IN ({activity_list}) \
                     AND week_start IS NOT NULL"
                );
                for r in sqlx::query(&sql).fetch_all(&mut *conn).await? {
                    proposed.insert((
                        ActivityId(r.try_get("activity_id")?),
                        parse_date(&r.try_get::<String, _>("week_start")?)?,
                    ));
                }
            }
            for p in &mut persons {
                p.step = latest.get(&p.person).copied();
                let mine: Vec<&(ActivityId, PlanId, ActivityPlan)> =
                    activities.iter().filter(|(_, plan, _)| *plan == p.plan).collect();
                let made_on = made.get(&p.plan).copied().unwrap_or(today);
                p.next_actions = next_actions(
                    today,
                    made_on,
                    p.step.map(|(d, _, _)| d),
                    mine.iter().map(|(id, _, a)| (*id, a)),
                );
                for (id, _, a) in &mine {
                    for week in &weeks {
                        if runs_in_week(a, *week) && !recorded.contains_key(&(*id, *week)) {
                            p.attendance_due.push(AttendanceDue {
                                activity: *id,
                                kind: a.kind,
                                planned_hours: a.hours_per_week,
                                week_start: *week,
                            });
                        }
                    }
                }
                for ((activity, week), w) in &recorded {
                    let Some((_, _, a)) = mine.iter().find(|(id, _, _)| id == activity) else {
                        continue;
                    };
                    if let Some(absence) = w.absence.filter(|x| x.may_ground_sanction())
                        && !proposed.contains(&(*activity, *week))
                    {
                        p.proposals_to_make.push(ProposalToMake {
                            activity: *activity,
                            kind: a.kind,
                            week_start: *week,
                            hours_absent: w.hours_absent,
                            absence,
                        });
                    }
                }
            }
        }
        tx.finish().await?;
        let entries = persons
            .iter()
            .map(|p| {
                (
                    Some(p.person),
                    json!({ "household": p.household, "plan": p.plan }),
                )
            })
            .collect::<Vec<_>>();
        let entries = if entries.is_empty() {
            vec![(None, json!({ "persons": 0 }))]
        } else {
            entries
        };
        self.record_read(actor, "caseload.read", entries).await?;
        Ok(Caseload {
            persons,
            total,
            versions,
        })
    }
}

/// The Mondays of the last [`ATTENDANCE_WEEKS`] full weeks before `today`'s week, oldest first.
pub fn recent_weeks(today: Date) -> Vec<Date> {
    let this = week_of(today);
    (1..=ATTENDANCE_WEEKS)
        .rev()
        .filter_map(|k| this.checked_sub((7 * k).days()).ok())
        .collect()
}

/// Whether an activity runs on any day of the week starting `monday`.
pub fn runs_in_week(a: &ActivityPlan, monday: Date) -> bool {
    let sunday = monday.checked_add(6.days()).unwrap_or(monday);
    a.starts_on <= sunday && a.ends_on.is_none_or(|end| end >= monday)
}

/// What is due for a person with an open plan made on `made_on`: the next assessment ([`REASSESS_AFTER_DAYS`] after
/// the last, or from the plan's day when never assessed), activities ending within [`ENDING_WITHIN_DAYS`] (from a
/// week back, so one that just ended still shows), and a plan with nothing running or coming. Soonest first.
pub fn next_actions<'a>(
    today: Date,
    made_on: Date,
    last_assessed: Option<Date>,
    activities: impl Iterator<Item = (ActivityId, &'a ActivityPlan)>,
) -> Vec<NextAction> {
    let mut out = vec![NextAction::Assess {
        due: match last_assessed {
            Some(d) => d.checked_add(REASSESS_AFTER_DAYS.days()).unwrap_or(d),
            None => made_on,
        },
    }];
    let horizon = today.checked_add(ENDING_WITHIN_DAYS.days()).unwrap_or(today);
    let week_back = today.checked_sub(7.days()).unwrap_or(today);
    let mut current = false;
    for (id, a) in activities {
        if a.ends_on.is_none_or(|end| end >= today) {
            current = true;
        }
        if let Some(end) = a.ends_on
            && end >= week_back
            && end <= horizon
        {
            out.push(NextAction::ActivityEnds {
                activity: id,
                kind: a.kind,
                on: end,
            });
        }
    }
    if !current {
        out.push(NextAction::NoActivities);
    }
    out.sort_by_key(|a| a.due(today));
    out
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn activity(starts: Date, ends: Option<Date>) -> ActivityPlan {
        ActivityPlan::new(ActivityKind::Sfi, "Komvux", starts, ends, 20).expect("valid")
    }

    #[test]
    fn the_last_four_full_weeks_are_the_weeks_before_this_one() {
        // Thursday 3 December 2026 is in the week of Monday 30 November; the four before start 2, 9, 16, 23 Nov.
        assert_eq!(
            recent_weeks(date(2026, 12, 3)),
            [
                date(2026, 11, 2),
                date(2026, 11, 9),
                date(2026, 11, 16),
                date(2026, 11, 23)
            ]
        );
        let a = activity(date(2026, 11, 12), Some(date(2026, 11, 16)));
        assert!(!runs_in_week(&a, date(2026, 11, 2)));
        assert!(runs_in_week(&a, date(2026, 11, 9)));
        assert!(runs_in_week(&a, date(2026, 11, 16)));
        assert!(!runs_in_week(&a, date(2026, 11, 23)));
    }

    #[test]
    fn next_actions_are_the_assessment_endings_and_an_empty_plan() {
        let today = date(2026, 12, 3);
        // Assessed 1 September: due 90 days later, 30 November. An activity ending 10 December (within 14 days).
        let ending = activity(date(2026, 9, 1), Some(date(2026, 12, 10)));
        let far = activity(date(2026, 9, 1), Some(date(2027, 3, 1)));
        let got = next_actions(
            today,
            date(2026, 8, 1),
            Some(date(2026, 9, 1)),
            [(ActivityId(1), &ending), (ActivityId(2), &far)].into_iter(),
        );
        assert_eq!(
            got,
            [
                NextAction::Assess {
                    due: date(2026, 11, 30)
                },
                NextAction::ActivityEnds {
                    activity: ActivityId(1),
                    kind: ActivityKind::Sfi,
                    on: date(2026, 12, 10)
                },
            ]
        );
        // Never assessed, no activities: assess from the plan's day, and nothing runs.
        let got = next_actions(today, date(2026, 11, 20), None, std::iter::empty());
        assert_eq!(
            got,
            [
                NextAction::Assess {
                    due: date(2026, 11, 20)
                },
                NextAction::NoActivities
            ]
        );
    }
}
