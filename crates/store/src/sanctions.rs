//! Sanction proposals under 12 kap. 5 § SoL (issue #13): a coach's proposal from a week's unexcused absence or a
//! refusal (`sanction.propose`), the caseworker's outcome, either carried into the household's decision in the
//! decision's own transaction or a dismissal with reasons (`sanction.decide`), and the reads of them
//! (`sanction.read`). Also the activity requirement's flag in SQL (`domain::progression::requirement`): the
//! conditions the queue filters by and the workload counts with, and each adult's weekly hours for the household
//! page.
//!
//! Free text (the coach's reason, the caseworker's reasons) never enters an audit detail.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

use domain::decision::NewDecision;
use domain::progression::{Absence, ActivityKind, SanctionGround, SanctionOutcome};
use domain::{
    ActivityId, Actor, ApplicationId, DecisionId, HouseholdId, PersonId, ProtectedIdentity, SanctionId,
    StaffId, UnitId,
};
use jiff::Timestamp;
use jiff::civil::Date;
use norm::Month;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::error::{Result, StoreError};
use crate::model::DecisionView;
use crate::sql::{SqlStore, date_text, from_micros, micros, parse, parse_date, unique_as_duplicate};

/// A proposal as the coach makes it (checked by the application core).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSanction {
    pub person: PersonId,
    pub household: HouseholdId,
    pub activity: ActivityId,
    /// The week's Monday; `None` for a refusal of the activity as a whole.
    pub week: Option<Date>,
    pub ground: SanctionGround,
    pub reason: String,
}

/// What a permission check and the proposal's checks need about a person, an activity and a week: ids and codes
/// only, no personal data (not audited).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SanctionSubject {
    /// The person's open plan and the coach who follows it (`None`: no open plan).
    pub open_plan: Option<Option<StaffId>>,
    /// Whose plan the activity belongs to, and whether that plan is open (`None`: no such activity).
    pub activity: Option<(PersonId, bool)>,
    /// The week's attendance at the activity: its absence kind (`None`: nothing recorded for the week).
    pub absence: Option<Option<Absence>>,
}

/// What deciding a proposal needs to check first: ids and state only (not audited).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SanctionFacts {
    pub id: SanctionId,
    pub person: PersonId,
    pub household: HouseholdId,
    pub decided: bool,
}

/// One proposal with what the pages show about it. Holds names and free text: never log it.
#[derive(Clone, PartialEq, Eq)]
pub struct SanctionView {
    pub id: SanctionId,
    pub person: PersonId,
    pub person_name: String,
    pub protected: bool,
    pub household: HouseholdId,
    pub activity: ActivityId,
    pub activity_kind: ActivityKind,
    pub provider: String,
    pub week: Option<Date>,
    /// The week's recorded hours absent and why (when the proposal rests on a week).
    pub hours_absent: Option<i64>,
    pub absence: Option<Absence>,
    pub ground: SanctionGround,
    pub reason: String,
    /// `staff:12` and the name, when a person proposed it.
    pub proposed_by: String,
    pub proposed_by_name: Option<String>,
    pub proposed_at: Timestamp,
    pub outcome: Option<SanctionOutcome>,
    pub outcome_reason: Option<String>,
    pub decision: Option<DecisionId>,
    /// `staff:12` and the name of who decided.
    pub decided_by: Option<String>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<Timestamp>,
}

/// Never prints names or free text.
impl std::fmt::Debug for SanctionView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SanctionView")
            .field("id", &self.id)
            .field("household", &self.household)
            .field("ground", &self.ground)
            .field("outcome", &self.outcome)
            .finish_non_exhaustive()
    }
}

/// The proposal form's context: the person, the activity and the week as recorded. Holds a name: never log it.
#[derive(Clone, PartialEq, Eq)]
pub struct ProposalContext {
    pub person_name: String,
    pub activity_kind: ActivityKind,
    pub provider: String,
    pub hours_per_week: i64,
    /// (hours attended, hours absent, why) for the week, when one is given and recorded.
    pub week: Option<(i64, i64, Option<Absence>)>,
}

impl std::fmt::Debug for ProposalContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProposalContext")
            .field("activity_kind", &self.activity_kind)
            .finish_non_exhaustive()
    }
}

/// The activity requirement as a query tests it: the day, its month, and the (months, hours) thresholds of the
/// rules in force (`domain::progression::Requirements::thresholds`). No thresholds: nobody is flagged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequirementCheck {
    pub day: Date,
    pub month: Month,
    pub thresholds: Vec<(u8, u8)>,
}

/// A household's proposals and what the activity requirement needs about it, read as one audited read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HouseholdSanctions {
    /// Every proposal about the household, newest first.
    pub proposals: Vec<SanctionView>,
    /// The months with a current decision granting more than 0 kr.
    pub granted_months: BTreeSet<Month>,
    /// Each current adult member's weekly hours of running activities on the day (0 without an open plan).
    pub adult_hours: Vec<(PersonId, i64)>,
}

pub trait Sanctions: Send + Sync {
    /// The facts the proposal's checks need (not audited: ids and codes only).
    fn sanction_subject(
        &self,
        person: PersonId,
        activity: ActivityId,
        week: Option<Date>,
    ) -> impl Future<Output = Result<SanctionSubject>> + Send;
    /// The proposal form's context (an audited read, `sanction.read`).
    fn proposal_context(
        &self,
        actor: &Actor,
        person: PersonId,
        activity: ActivityId,
        week: Option<Date>,
    ) -> impl Future<Output = Result<ProposalContext>> + Send;
    /// Stores a proposal (`sanction.propose`). A second proposal for the same activity and week, or a second open
    /// refusal of the same activity, is [`StoreError::Duplicate`] and writes nothing.
    fn propose_sanction(
        &self,
        actor: &Actor,
        proposal: &NewSanction,
    ) -> impl Future<Output = Result<SanctionId>> + Send;
    fn sanction_facts(&self, id: SanctionId) -> impl Future<Output = Result<SanctionFacts>> + Send;
    /// Dismisses an open proposal with the caseworker's reasons (`sanction.decide`); a decided one is a conflict.
    fn dismiss_sanction(
        &self,
        actor: &Actor,
        id: SanctionId,
        reasons: &str,
    ) -> impl Future<Output = Result<()>> + Send;
    /// One proposal (an audited read).
    fn sanction(&self, actor: &Actor, id: SanctionId) -> impl Future<Output = Result<SanctionView>> + Send;
    /// The household's proposals, months with assistance and adults' hours on `day` (an audited read when it
    /// returns a proposal or an adult).
    fn household_sanctions(
        &self,
        actor: &Actor,
        household: HouseholdId,
        day: Date,
    ) -> impl Future<Output = Result<HouseholdSanctions>> + Send;
    /// Decides an application as [`crate::Store::decide`] does and, in the same transaction, marks the proposals
    /// decided by it (`outcome`, the caseworker's `reasons`, the decision). A proposal already decided, or of
    /// another household, is a conflict and nothing is written.
    #[allow(
        clippy::too_many_arguments,
        reason = "the decision's arguments and the proposals it carries"
    )]
    fn decide_with_sanctions(
        &self,
        actor: &Actor,
        application: ApplicationId,
        expected_version: i64,
        decision: NewDecision,
        proposals: &[SanctionId],
        outcome: SanctionOutcome,
        reasons: &str,
    ) -> impl Future<Output = Result<DecisionView>> + Send;
    /// Adults flagged by the activity requirement in the units' households (figures only).
    fn requirement_count(
        &self,
        units: &[UnitId],
        check: &RequirementCheck,
    ) -> impl Future<Output = Result<i64>> + Send;
}

const VIEW_SELECT: &str = "SELECT sp.id, sp.person_id, sp.household_id, sp.activity_id, sp.week_start, sp.ground, \
     sp.reason, sp.proposed_by, sp.proposed_at, sp.outcome, sp.outcome_reason, sp.decision_id, sp.decided_by, \
     sp.decided_at, p.name, p.protection, ac.kind, ac.provider, wk.hours_absent, wk.absence \
     FROM sanction_proposals sp JOIN persons p ON p.id = sp.person_id \
     LEFT JOIN activities ac ON ac.id = sp.activity_id \
     LEFT JOIN attendance wk ON wk.activity_id = sp.activity_id AND wk.week_start = sp.week_start";

fn code<T>(text: &str, parsed: Option<T>) -> Result<T> {
    parsed.ok_or_else(|| StoreError::corrupt(format!("okänd kod {text}")))
}

fn view_from_row(r: &AnyRow) -> Result<SanctionView> {
    let ground: String = r.try_get("ground")?;
    let outcome: Option<String> = r.try_get("outcome")?;
    let kind: Option<String> = r.try_get("kind")?;
    let kind = kind.unwrap_or_default();
    let absence: Option<String> = r.try_get("absence")?;
    let protection: String = r.try_get("protection")?;
    Ok(SanctionView {
        id: SanctionId(r.try_get("id")?),
        person: PersonId(r.try_get("person_id")?),
        person_name: r.try_get("name")?,
        protected: parse::<ProtectedIdentity>(&protection)?.is_protected(),
        household: HouseholdId(r.try_get("household_id")?),
        activity: ActivityId(r.try_get::<Option<i64>, _>("activity_id")?.unwrap_or_default()),
        activity_kind: code(&kind, ActivityKind::parse(&kind))?,
        provider: r.try_get::<Option<String>, _>("provider")?.unwrap_or_default(),
        week: r
            .try_get::<Option<String>, _>("week_start")?
            .as_deref()
            .map(parse_date)
            .transpose()?,
        hours_absent: r.try_get("hours_absent")?,
        absence: absence
            .as_deref()
            .map(|a| code(a, Absence::parse(a)))
            .transpose()?,
        ground: code(&ground, SanctionGround::parse(&ground))?,
        reason: r.try_get("reason")?,
        proposed_by: r.try_get("proposed_by")?,
        proposed_by_name: None,
        proposed_at: from_micros(r.try_get("proposed_at")?)?,
        outcome: outcome
            .as_deref()
            .map(|o| code(o, SanctionOutcome::parse(o)))
            .transpose()?,
        outcome_reason: r.try_get("outcome_reason")?,
        decision: r.try_get::<Option<i64>, _>("decision_id")?.map(DecisionId),
        decided_by: r.try_get("decided_by")?,
        decided_by_name: None,
        decided_at: r
            .try_get::<Option<i64>, _>("decided_at")?
            .map(from_micros)
            .transpose()?,
    })
}

/// Fills in the names of who proposed and who decided (read in the caller's transaction).
async fn name_actors(conn: &mut AnyConnection, views: &mut [SanctionView]) -> Result<()> {
    let whos: Vec<String> = views
        .iter()
        .flat_map(|v| [Some(v.proposed_by.as_str()), v.decided_by.as_deref()])
        .flatten()
        .map(str::to_owned)
        .collect();
    let names: BTreeMap<String, String> = crate::names::actor_names(conn, whos.iter().map(String::as_str))
        .await?
        .into_iter()
        .map(|a| (a.who, a.name))
        .collect();
    for v in views {
        v.proposed_by_name = names.get(&v.proposed_by).cloned();
        v.decided_by_name = v.decided_by.as_ref().and_then(|w| names.get(w).cloned());
    }
    Ok(())
}

// --- the activity requirement in SQL -----------------------------------------------------------------------------

/// Whether household `h` had a current decision granting more than 0 kr for `month` (a month we format ourselves,
/// never user text: inlined).
fn granted_sql(h: &str, month: Month) -> String {
    format!(
        "EXISTS (SELECT 1 FROM applications ga JOIN decisions gd ON gd.id = ga.current_decision_id \
         WHERE ga.household_id = {h} AND ga.month = '{month}' AND gd.total_granted > 0)"
    )
}

/// A run of at least `n` granted months ending with the check's month or the month before: months M-1 .. M-(n-1)
/// granted, and M or M-n.
fn run_sql(check: &RequirementCheck, n: u8, h: &str) -> String {
    let at = |k: i32| check.month.plus(-k);
    let mut parts: Vec<String> = Vec::new();
    for k in 1..i32::from(n) {
        match at(k) {
            Some(m) => parts.push(granted_sql(h, m)),
            None => return "(1 = 0)".to_owned(),
        }
    }
    let ends = [Some(check.month), at(i32::from(n))]
        .into_iter()
        .flatten()
        .map(|m| granted_sql(h, m))
        .collect::<Vec<_>>()
        .join(" OR ");
    parts.push(format!("({ends})"));
    format!("({})", parts.join(" AND "))
}

/// Person `p`'s weekly hours of running activities of their open plan on the check's day.
fn hours_sql(check: &RequirementCheck, p: &str) -> String {
    let day = date_text(check.day);
    format!(
        "COALESCE((SELECT SUM(wa.hours_per_week) FROM plans wp JOIN activities wa ON wa.plan_id = wp.id \
         WHERE wp.person_id = {p} AND wp.closed_on IS NULL AND wa.starts_on <= '{day}' \
         AND (wa.ends_on IS NULL OR wa.ends_on >= '{day}')), 0)"
    )
}

/// Whether adult `p` of household `h` is flagged by some rule in force.
fn adult_flagged_sql(check: &RequirementCheck, p: &str, h: &str) -> String {
    if check.thresholds.is_empty() {
        return "(1 = 0)".to_owned();
    }
    let hours = hours_sql(check, p);
    let any = check
        .thresholds
        .iter()
        .map(|(n, full)| format!("({} AND {hours} < {full})", run_sql(check, *n, h)))
        .collect::<Vec<_>>()
        .join(" OR ");
    format!("({any})")
}

/// The current adult members of household `h` (alias `af`).
const ADULTS: &str = "SELECT af.person_id FROM facts af WHERE af.fact_key LIKE 'member:%' \
     AND af.superseded_at IS NULL AND af.valid_to IS NULL AND af.value_json LIKE '%\"adult\"%'";

/// Whether household `h` (an SQL expression) has an adult flagged by the activity requirement: what the queue's
/// filter tests.
pub(crate) fn household_flagged_sql(check: &RequirementCheck, h: &str) -> String {
    format!(
        "EXISTS ({ADULTS} AND af.household_id = {h} AND {})",
        adult_flagged_sql(check, "af.person_id", h)
    )
}

/// For the queue's rows: which of `households` have a flagged adult, and how many open proposals each has.
pub(crate) async fn household_marks(
    conn: &mut AnyConnection,
    households: &BTreeSet<i64>,
    check: Option<&RequirementCheck>,
) -> Result<BTreeMap<i64, (bool, i64)>> {
    let mut out: BTreeMap<i64, (bool, i64)> = BTreeMap::new();
    if households.is_empty() {
        return Ok(out);
    }
    let list = households
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let flagged = match check {
        Some(c) => household_flagged_sql(c, "h.id"),
        None => "(1 = 0)".to_owned(),
    };
    let sql = format!(
        "SELECT h.id, CASE WHEN {flagged} THEN 1 ELSE 0 END AS flagged, \
         (SELECT COUNT(*) FROM sanction_proposals sp WHERE sp.household_id = h.id AND sp.outcome IS NULL) AS open_n \
         FROM households h WHERE h.id IN ({list})"
    );
    for r in sqlx::query(&sql).fetch_all(&mut *conn).await? {
        let flagged: i64 = r.try_get("flagged")?;
        out.insert(r.try_get("id")?, (flagged == 1, r.try_get("open_n")?));
    }
    Ok(out)
}

impl Sanctions for SqlStore {
    async fn sanction_subject(
        &self,
        person: PersonId,
        activity: ActivityId,
        week: Option<Date>,
    ) -> Result<SanctionSubject> {
        let mut rx = self.begin_read().await?;
        let conn = rx.conn();
        let mut s = SanctionSubject::default();
        if let Some(r) =
            sqlx::query("SELECT job_coach_id FROM plans WHERE person_id = $1 AND closed_on IS NULL")
                .bind(person.get())
                .fetch_optional(&mut *conn)
                .await?
        {
            s.open_plan = Some(r.try_get::<Option<i64>, _>("job_coach_id")?.map(StaffId));
        }
        if let Some(r) = sqlx::query(
            "SELECT pl.person_id, CASE WHEN pl.closed_on IS NULL THEN 1 ELSE 0 END AS open_n FROM activities ac \
             JOIN plans pl ON pl.id = ac.plan_id WHERE ac.id = $1",
        )
        .bind(activity.get())
        .fetch_optional(&mut *conn)
        .await?
        {
            s.activity = Some((
                PersonId(r.try_get("person_id")?),
                r.try_get::<i64, _>("open_n")? == 1,
            ));
        }
        if let Some(week) = week
            && let Some(r) =
                sqlx::query("SELECT absence FROM attendance WHERE activity_id = $1 AND week_start = $2")
                    .bind(activity.get())
                    .bind(date_text(week))
                    .fetch_optional(&mut *conn)
                    .await?
        {
            let absence: Option<String> = r.try_get("absence")?;
            s.absence = Some(
                absence
                    .as_deref()
                    .map(|a| code(a, Absence::parse(a)))
                    .transpose()?,
            );
        }
        rx.finish().await?;
        Ok(s)
    }

    async fn proposal_context(
        &self,
        actor: &Actor,
        person: PersonId,
        activity: ActivityId,
        week: Option<Date>,
    ) -> Result<ProposalContext> {
        let mut rx = self.begin_read().await?;
        let conn = rx.conn();
        let row = sqlx::query(
            "SELECT p.name, ac.kind, ac.provider, ac.hours_per_week FROM activities ac \
             JOIN plans pl ON pl.id = ac.plan_id JOIN persons p ON p.id = pl.person_id \
             WHERE ac.id = $1 AND pl.person_id = $2",
        )
        .bind(activity.get())
        .bind(person.get())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound {
            what: "aktivitet",
            id: activity.get(),
        })?;
        let kind: String = row.try_get("kind")?;
        let mut context = ProposalContext {
            person_name: row.try_get("name")?,
            activity_kind: code(&kind, ActivityKind::parse(&kind))?,
            provider: row.try_get("provider")?,
            hours_per_week: row.try_get("hours_per_week")?,
            week: None,
        };
        if let Some(week) = week
            && let Some(r) = sqlx::query(
                "SELECT hours_attended, hours_absent, absence FROM attendance \
                 WHERE activity_id = $1 AND week_start = $2",
            )
            .bind(activity.get())
            .bind(date_text(week))
            .fetch_optional(&mut *conn)
            .await?
        {
            let absence: Option<String> = r.try_get("absence")?;
            context.week = Some((
                r.try_get("hours_attended")?,
                r.try_get("hours_absent")?,
                absence
                    .as_deref()
                    .map(|a| code(a, Absence::parse(a)))
                    .transpose()?,
            ));
        }
        rx.finish().await?;
        self.record_read(
            actor,
            "sanction.read",
            vec![(Some(person), json!({ "activity": activity }))],
        )
        .await?;
        Ok(context)
    }

    async fn propose_sanction(&self, actor: &Actor, p: &NewSanction) -> Result<SanctionId> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "INSERT INTO sanction_proposals (person_id, household_id, activity_id, week_start, ground, reason, \
             proposed_by, proposed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(p.person.get())
        .bind(p.household.get())
        .bind(p.activity.get())
        .bind(p.week.map(date_text))
        .bind(p.ground.as_str())
        .bind(p.reason.as_str())
        .bind(actor.who.to_string())
        .bind(micros(actor.at))
        .fetch_one(tx.conn())
        .await
        .map_err(|e| unique_as_duplicate(e, "ett förslag för aktiviteten och veckan finns redan"))?;
        let id = SanctionId(row.try_get("id")?);
        tx.audit(
            actor,
            "sanction.propose",
            Some(p.person),
            json!({
                "household": p.household,
                "sanction": id,
                "sanction_ground": p.ground.as_str(),
                "week": p.week.map(date_text),
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn sanction_facts(&self, id: SanctionId) -> Result<SanctionFacts> {
        let r = sqlx::query("SELECT person_id, household_id, outcome FROM sanction_proposals WHERE id = $1")
            .bind(id.get())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound {
                what: "förslag",
                id: id.get(),
            })?;
        Ok(SanctionFacts {
            id,
            person: PersonId(r.try_get("person_id")?),
            household: HouseholdId(r.try_get("household_id")?),
            decided: r.try_get::<Option<String>, _>("outcome")?.is_some(),
        })
    }

    async fn dismiss_sanction(&self, actor: &Actor, id: SanctionId, reasons: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let facts = mark_decided(&mut tx, actor, id, None, SanctionOutcome::Dismiss, reasons).await?;
        tx.audit(
            actor,
            "sanction.decide",
            Some(facts.person),
            json!({
                "household": facts.household,
                "sanction": id,
                "sanction_outcome": SanctionOutcome::Dismiss.as_str(),
            }),
        )
        .await?;
        tx.commit().await
    }

    async fn sanction(&self, actor: &Actor, id: SanctionId) -> Result<SanctionView> {
        let mut rx = self.begin_read().await?;
        let conn = rx.conn();
        let row = sqlx::query(&format!("{VIEW_SELECT} WHERE sp.id = $1"))
            .bind(id.get())
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound {
                what: "förslag",
                id: id.get(),
            })?;
        let mut views = vec![view_from_row(&row)?];
        name_actors(conn, &mut views).await?;
        rx.finish().await?;
        let view = views.pop().ok_or(StoreError::corrupt("förslaget försvann"))?;
        self.record_read(
            actor,
            "sanction.read",
            vec![(
                Some(view.person),
                json!({ "household": view.household, "sanction": id }),
            )],
        )
        .await?;
        Ok(view)
    }

    async fn household_sanctions(
        &self,
        actor: &Actor,
        household: HouseholdId,
        day: Date,
    ) -> Result<HouseholdSanctions> {
        let mut rx = self.begin_read().await?;
        let conn = rx.conn();
        let rows = sqlx::query(&format!(
            "{VIEW_SELECT} WHERE sp.household_id = $1 ORDER BY sp.proposed_at DESC, sp.id DESC"
        ))
        .bind(household.get())
        .fetch_all(&mut *conn)
        .await?;
        let mut proposals = rows.iter().map(view_from_row).collect::<Result<Vec<_>>>()?;
        name_actors(&mut *conn, &mut proposals).await?;
        let mut granted_months = BTreeSet::new();
        for r in sqlx::query(
            "SELECT a.month FROM applications a JOIN decisions d ON d.id = a.current_decision_id \
             WHERE a.household_id = $1 AND d.total_granted > 0",
        )
        .bind(household.get())
        .fetch_all(&mut *conn)
        .await?
        {
            granted_months.insert(parse::<Month>(&r.try_get::<String, _>("month")?)?);
        }
        let check = RequirementCheck {
            day,
            month: domain::progression::requirement::month_of(day)
                .ok_or(StoreError::corrupt("dagen ligger utanför kalendern"))?,
            thresholds: Vec::new(),
        };
        let sql = format!("{ADULTS} AND af.household_id = $1 ORDER BY af.person_id",).replace(
            "SELECT af.person_id FROM",
            &format!(
                "SELECT af.person_id, {} AS hours FROM",
                hours_sql(&check, "af.person_id")
            ),
        );
        let mut adult_hours = Vec::new();
        for r in sqlx::query(&sql)
            .bind(household.get())
            .fetch_all(&mut *conn)
            .await?
        {
            adult_hours.push((PersonId(r.try_get("person_id")?), r.try_get("hours")?));
        }
        rx.finish().await?;
        let mut persons: BTreeSet<PersonId> = proposals.iter().map(|p| p.person).collect();
        persons.extend(adult_hours.iter().map(|(p, _)| *p));
        if !persons.is_empty() {
            self.record_read(
                actor,
                "sanction.read",
                persons
                    .into_iter()
                    .map(|p| (Some(p), json!({ "household": household })))
                    .collect(),
            )
            .await?;
        }
        Ok(HouseholdSanctions {
            proposals,
            granted_months,
            adult_hours,
        })
    }

    async fn decide_with_sanctions(
        &self,
        actor: &Actor,
        application: ApplicationId,
        expected_version: i64,
        decision: NewDecision,
        proposals: &[SanctionId],
        outcome: SanctionOutcome,
        reasons: &str,
    ) -> Result<DecisionView> {
        if outcome == SanctionOutcome::Dismiss || proposals.is_empty() {
            return Err(StoreError::Domain(domain::DomainError::Invalid {
                field: "sanction",
                reason: "ett beslut verkställer en nedsättning eller vägran",
            }));
        }
        let mut tx = self.begin().await?;
        let view =
            crate::records::decide_in_tx(&mut tx, actor, application, expected_version, &decision).await?;
        let household: i64 = sqlx::query("SELECT household_id FROM applications WHERE id = $1")
            .bind(application.get())
            .fetch_one(tx.conn())
            .await?
            .try_get("household_id")?;
        for id in proposals {
            let facts = mark_decided(&mut tx, actor, *id, Some(view.id), outcome, reasons).await?;
            if facts.household.get() != household {
                return Err(StoreError::Conflict("förslaget gäller ett annat hushåll"));
            }
            tx.audit(
                actor,
                "sanction.decide",
                Some(facts.person),
                json!({
                    "household": facts.household,
                    "sanction": id,
                    "sanction_outcome": outcome.as_str(),
                    "decision": view.id,
                }),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(view)
    }

    async fn requirement_count(&self, units: &[UnitId], check: &RequirementCheck) -> Result<i64> {
        if units.is_empty() || check.thresholds.is_empty() {
            return Ok(0);
        }
        let units = units
            .iter()
            .map(|u| u.get().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT COUNT(DISTINCT af.person_id) AS n FROM facts af JOIN households h ON h.id = af.household_id \
             WHERE h.unit_id IN ({units}) AND af.fact_key LIKE 'member:%' AND af.superseded_at IS NULL \
             AND af.valid_to IS NULL AND af.value_json LIKE '%\"adult\"%' AND {}",
            adult_flagged_sql(check, "af.person_id", "h.id")
        );
        let row = sqlx::query(&sql).fetch_one(self.pool()).await?;
        Ok(row.try_get("n")?)
    }
}

/// Marks an open proposal decided; a decided one is a conflict, an unknown one not found.
async fn mark_decided(
    tx: &mut crate::sql::Tx,
    actor: &Actor,
    id: SanctionId,
    decision: Option<DecisionId>,
    outcome: SanctionOutcome,
    reasons: &str,
) -> Result<SanctionFacts> {
    let done = sqlx::query(
        "UPDATE sanction_proposals SET outcome = $1, outcome_reason = $2, decision_id = $3, decided_by = $4, \
         decided_at = $5 WHERE id = $6 AND outcome IS NULL",
    )
    .bind(outcome.as_str())
    .bind(reasons)
    .bind(decision.map(DecisionId::get))
    .bind(actor.who.to_string())
    .bind(micros(actor.at))
    .bind(id.get())
    .execute(tx.conn())
    .await?;
    if done.rows_affected() != 1 {
        crate::sql::require(tx.conn(), "sanction_proposals", "förslag", id.get()).await?;
        return Err(StoreError::Conflict("förslaget är redan avgjort"));
    }
    let r = sqlx::query("SELECT person_id, household_id FROM sanction_proposals WHERE id = $1")
        .bind(id.get())
        .fetch_one(tx.conn())
        .await?;
    Ok(SanctionFacts {
        id,
        person: PersonId(r.try_get("person_id")?),
        household: HouseholdId(r.try_get("household_id")?),
        decided: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_run_condition_tests_the_months_the_rule_names() {
        // December 2026, three months: November and October granted, and December or September.
        let check = RequirementCheck {
            day: jiff::civil::date(2026, 12, 3),
            month: Month::new(2026, 12).unwrap(),
            thresholds: vec![(3, 40)],
        };
        let sql = run_sql(&check, 3, "h.id");
        for m in ["2026-11", "2026-10", "2026-12", "2026-09"] {
            assert!(sql.contains(&format!("'{m}'")), "{m}: {sql}");
        }
        assert!(!sql.contains("'2026-08'"));
        assert!(adult_flagged_sql(&check, "af.person_id", "h.id").contains("< 40"));
        let none = RequirementCheck {
            thresholds: Vec::new(),
            ..check
        };
        assert_eq!(adult_flagged_sql(&none, "x", "y"), "(1 = 0)");
    }
}
