//! The caseworker's queue (issue #12): who an application is assigned to, and the queue's pages, filtered, sorted,
//! searched and paged in SQL so that a page costs the same with ten or ten thousand open items.
//!
//! Assignment is a column of `applications` (migration 0019); every change writes `application.assign` in the same
//! transaction. A household's new application is assigned in its receiving transaction to whoever has the household's
//! open (else latest) assigned application, when that person is still an active caseworker of the household's unit.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

use domain::{Actor, ApplicationId, HouseholdId, PersonId, Personnummer, ProtectedIdentity, StaffId, UnitId};
use jiff::civil::Date;
use norm::Month;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::follow_ups::{FOLLOW_UP_NAMES, follow_up_from_row};
use crate::model::{AppealView, FollowUpView};
use crate::records::appeal_from_row;
use crate::sql::{SqlStore, Tx, date_text, parse, parse_date};

/// The statuses of an application still waiting for its decision.
pub const OPEN_STATUSES: [&str; 2] = ["received", "under_investigation"];
const OPEN: &str = "('received', 'under_investigation')";

/// Whose items a queue page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueView {
    /// Assigned to this member of staff.
    Mine(StaffId),
    /// Assigned to nobody yet.
    Unassigned,
    /// Everything in the units.
    All,
}

/// Which kind of work a queue page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueueKind {
    #[default]
    Applications,
    FollowUps,
    Appeals,
}

/// The order of a queue page. Follow-ups are always listed by due date, soonest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueueSort {
    /// Longest waiting first (oldest received).
    #[default]
    Waiting,
    /// Newest received first.
    Received,
    /// By the month applied for, then longest waiting.
    Month,
}

/// A search of the queue: an exact personnummer, or the start of a name (of the whole name or of any of its words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueSearch {
    Pnr(Personnummer),
    /// Never printed in logs (`Debug` of the query shows only that there is one).
    NamePrefix(String),
}

/// One page of the queue, asked for by the app after its permission checks.
#[derive(Clone, PartialEq, Eq)]
pub struct QueueQuery {
    pub units: Vec<UnitId>,
    pub view: QueueView,
    /// The reader: whose items the "mine" count counts, whichever view is listed.
    pub me: Option<StaffId>,
    pub kind: QueueKind,
    /// Applications only: `received` or `under_investigation`.
    pub status: Option<String>,
    /// Applications and appeals: the month applied for (appealed).
    pub month: Option<Month>,
    /// Only items received (follow-ups: due) before this day: the late ones, as the app defines late per kind.
    pub before: Option<Date>,
    /// Follow-ups due on or before this day are listed (overdue ones included).
    pub follow_ups_until: Date,
    pub search: Option<QueueSearch>,
    /// Protected persons the reader may find by name.
    pub grants: Vec<PersonId>,
    pub sort: QueueSort,
    /// 0-based offset and page size.
    pub offset: i64,
    pub limit: i64,
    /// The activity requirement's rules in force today (issue #13): rows are marked by it; `None` when no rule is.
    pub requirement: Option<crate::sanctions::RequirementCheck>,
    /// Only households with an adult the activity requirement flags.
    pub requirement_only: bool,
}

/// Never prints the search.
impl std::fmt::Debug for QueueQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueueQuery")
            .field("units", &self.units)
            .field("view", &self.view)
            .field("kind", &self.kind)
            .field("searching", &self.search.is_some())
            .finish_non_exhaustive()
    }
}

/// What one row of the queue is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueSubject {
    Application { id: ApplicationId, version: i64 },
    FollowUp(FollowUpView),
    Appeal(AppealView),
}

/// One row of a queue page.
#[derive(Clone, PartialEq, Eq)]
pub struct QueueEntry {
    pub subject: QueueSubject,
    pub household: HouseholdId,
    /// The month applied for (appealed); none for a follow-up.
    pub month: Option<Month>,
    /// Received (application, appeal) or due (follow-up).
    pub day: Date,
    /// The application's status (applications only).
    pub status: String,
    /// Who has it: the application's assignee (an appeal: the appealed application's; a follow-up: the household's
    /// latest application's), with their name.
    pub assignee: Option<(StaffId, String)>,
    /// The household's current members (person, name, protected), adults first, then by id: the first is the
    /// applicant the household is named by.
    pub members: Vec<(PersonId, String, bool)>,
    /// An adult of the household is flagged by the activity requirement (issue #13).
    pub requirement_flag: bool,
    /// The household's open sanction proposals under 12 kap. 5 § SoL.
    pub open_sanctions: i64,
}

/// Never prints names.
impl std::fmt::Debug for QueueEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueueEntry")
            .field("subject", &self.subject)
            .field("household", &self.household)
            .finish_non_exhaustive()
    }
}

/// How many items each view holds with the page's filters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ViewCounts {
    pub mine: i64,
    pub unassigned: i64,
    pub all: i64,
}

/// One page of the queue and the counts of its views.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueuePage {
    pub entries: Vec<QueueEntry>,
    pub counts: ViewCounts,
}

/// What a permission check on an assignment needs: ids and a status only, no personal data (not audited).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentFacts {
    pub application: ApplicationId,
    pub household: HouseholdId,
    pub unit: UnitId,
    pub open: bool,
    pub assigned_to: Option<StaffId>,
}

/// A unit's open applications: by status, late, and per caseworker. Figures only, no personal data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Workload {
    /// (status, open applications), statuses in [`OPEN_STATUSES`] order.
    pub by_status: Vec<(String, i64)>,
    /// Open applications received before the day the app calls late.
    pub late: i64,
    pub unassigned: i64,
    pub unassigned_late: i64,
    /// (caseworker, name, assigned open applications, late among them), every active caseworker of the units.
    pub per_caseworker: Vec<(StaffId, String, i64, i64)>,
    /// Adults of the units' households flagged by the activity requirement (issue #13; filled by the app).
    pub requirement_flagged: i64,
}

pub trait Queues: Send + Sync {
    /// One page of the queue (see [`QueueQuery`]). The rows returned are a read of personal data: one read record
    /// names their households (none when the page is empty).
    fn queue_page(&self, actor: &Actor, query: &QueueQuery)
    -> impl Future<Output = Result<QueuePage>> + Send;
    fn assignment_facts(
        &self,
        application: ApplicationId,
    ) -> impl Future<Output = Result<AssignmentFacts>> + Send;
    /// The active caseworker accounts' staff of a unit, by name.
    fn unit_caseworkers(&self, unit: UnitId) -> impl Future<Output = Result<Vec<(StaffId, String)>>> + Send;
    /// Changes an open application's assignee from `from` to `to` (an `application.assign` record). Someone else
    /// changed it first, or it was decided meanwhile: [`StoreError::Conflict`], nothing written.
    fn assign_application(
        &self,
        actor: &Actor,
        application: ApplicationId,
        from: Option<StaffId>,
        to: Option<StaffId>,
    ) -> impl Future<Output = Result<()>> + Send;
    /// The units' workload; `late_before`: an application received before this day is late.
    fn workload(&self, units: &[UnitId], late_before: Date) -> impl Future<Output = Result<Workload>> + Send;
}

/// Unit ids are integers we hold, never user text: safe to inline.
fn id_list(ids: impl Iterator<Item = i64>) -> String {
    let list = ids.map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
    if list.is_empty() { "NULL".to_owned() } else { list }
}

/// A statement with its values bound in order.
#[derive(Default)]
struct Bound {
    values: Vec<String>,
}

impl Bound {
    /// A placeholder for a text value.
    fn text(&mut self, v: String) -> String {
        self.values.push(v);
        format!("${}", self.values.len())
    }
}

/// `LIKE` patterns that match a name, or a word of it, starting with `q` as typed and capitalised (SQLite compares
/// ASCII letters without case, PostgreSQL with; names are stored capitalised).
fn name_patterns(q: &str) -> Vec<String> {
    let escaped: String = q
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    let mut chars = escaped.chars();
    let capital: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    let mut forms = vec![escaped];
    if !forms.contains(&capital) {
        forms.push(capital);
    }
    forms
        .iter()
        .flat_map(|f| [format!("{f}%"), format!("% {f}%")])
        .collect()
}

/// The SQL of one kind: what it selects and from where, the base condition, and the expressions filters use.
struct KindSql {
    select: String,
    from: &'static str,
    base: String,
    owner: &'static str,
    day: &'static str,
    month: Option<&'static str>,
    order: &'static str,
}

fn kind_sql(q: &QueueQuery, b: &mut Bound) -> KindSql {
    let units = id_list(q.units.iter().map(|u| u.get()));
    match q.kind {
        QueueKind::Applications => KindSql {
            select: "a.id, a.version, a.household_id, a.month, a.status, a.received_on AS day, a.assigned_to AS owner"
                .to_owned(),
            from: "applications a JOIN households h ON h.id = a.household_id",
            base: format!("a.status IN {OPEN} AND h.unit_id IN ({units})"),
            owner: "a.assigned_to",
            day: "a.received_on",
            month: Some("a.month"),
            order: match q.sort {
                QueueSort::Waiting => "a.received_on, a.id",
                QueueSort::Received => "a.received_on DESC, a.id DESC",
                QueueSort::Month => "a.month, a.received_on, a.id",
            },
        },
        QueueKind::FollowUps => {
            let until = b.text(date_text(q.follow_ups_until));
            KindSql {
                select: format!(
                    "{}, f.due_on AS day, {FOLLOW_UP_OWNER} AS owner",
                    FOLLOW_UP_NAMES
                        .iter()
                        .map(|c| format!("f.{c}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                from: "follow_ups f JOIN households h ON h.id = f.household_id",
                base: format!("f.done_at IS NULL AND f.due_on <= {until} AND h.unit_id IN ({units})"),
                owner: FOLLOW_UP_OWNER,
                day: "f.due_on",
                month: None,
                order: "f.due_on, f.id",
            }
        }
        QueueKind::Appeals => KindSql {
            select: format!(
                "{}, a.household_id, a.month, ap.received_on AS day, a.assigned_to AS owner",
                crate::records::appeal_columns("ap.")
            ),
            from: "appeals ap JOIN decisions d ON d.id = ap.decision_id \
                   JOIN applications a ON a.id = d.application_id JOIN households h ON h.id = a.household_id",
            // Waiting for the board: the time check, then reconsider or forward; or a judgment to carry out.
            base: format!(
                "(ap.status IN ('received', 'in_time') OR (ap.status IN ({}) AND ap.new_decision_id IS NULL)) \
                 AND h.unit_id IN ({units})",
                crate::reconsideration::TO_CARRY_OUT
            ),
            owner: "a.assigned_to",
            day: "ap.received_on",
            month: Some("a.month"),
            order: match q.sort {
                QueueSort::Waiting => "ap.received_on, ap.id",
                QueueSort::Received => "ap.received_on DESC, ap.id DESC",
                QueueSort::Month => "a.month, ap.received_on, ap.id",
            },
        },
    }
}

/// A follow-up belongs to whoever has the household's latest application.
const FOLLOW_UP_OWNER: &str = "(SELECT a2.assigned_to FROM applications a2 WHERE a2.household_id = f.household_id \
     ORDER BY a2.month DESC, a2.id DESC LIMIT 1)";

/// The filters every view shares (everything but whose items).
fn filters(q: &QueueQuery, k: &KindSql, b: &mut Bound) -> String {
    let mut sql = k.base.clone();
    if let (QueueKind::Applications, Some(status)) = (q.kind, &q.status) {
        sql.push_str(&format!(" AND a.status = {}", b.text(status.clone())));
    }
    if let (Some(col), Some(month)) = (k.month, q.month) {
        sql.push_str(&format!(" AND {col} = {}", b.text(month.to_string())));
    }
    if let Some(before) = q.before {
        sql.push_str(&format!(" AND {} < {}", k.day, b.text(date_text(before))));
    }
    if q.requirement_only {
        match &q.requirement {
            Some(check) => sql.push_str(&format!(
                " AND {}",
                crate::sanctions::household_flagged_sql(check, "h.id")
            )),
            None => sql.push_str(" AND 1 = 0"),
        }
    }
    match &q.search {
        None => {}
        Some(QueueSearch::Pnr(pnr)) => {
            let p = b.text(pnr.canonical());
            sql.push_str(&format!(" AND EXISTS ({SEARCH_MEMBERS} AND sp.pnr = {p})"));
        }
        Some(QueueSearch::NamePrefix(name)) => {
            let likes = name_patterns(name)
                .into_iter()
                .map(|p| format!("sp.name LIKE {} ESCAPE '\\'", b.text(p)))
                .collect::<Vec<_>>()
                .join(" OR ");
            // A protected person is found by name only by someone with a grant for them.
            let grants = id_list(q.grants.iter().map(|p| p.get()));
            sql.push_str(&format!(
                " AND EXISTS ({SEARCH_MEMBERS} AND ({likes}) AND (sp.protection = 'none' OR sp.id IN ({grants})))"
            ));
        }
    }
    sql
}

const SEARCH_MEMBERS: &str = "SELECT 1 FROM facts sf JOIN persons sp ON sp.id = sf.person_id \
     WHERE sf.household_id = h.id AND sf.fact_key LIKE 'member:%' AND sf.superseded_at IS NULL \
     AND sf.valid_to IS NULL";

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    b: &'q Bound,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for v in &b.values {
        query = query.bind(v.as_str());
    }
    query
}

fn entry_from_row(kind: QueueKind, r: &AnyRow) -> Result<QueueEntry> {
    let day: String = r.try_get("day")?;
    let owner: Option<i64> = r.try_get("owner")?;
    let assignee = owner.map(|o| (StaffId(o), String::new()));
    let month = |r: &AnyRow| -> Result<Month> { parse(&r.try_get::<String, _>("month")?) };
    Ok(match kind {
        QueueKind::Applications => QueueEntry {
            subject: QueueSubject::Application {
                id: ApplicationId(r.try_get("id")?),
                version: r.try_get("version")?,
            },
            household: HouseholdId(r.try_get("household_id")?),
            month: Some(month(r)?),
            day: parse_date(&day)?,
            status: r.try_get("status")?,
            assignee,
            members: Vec::new(),
            requirement_flag: false,
            open_sanctions: 0,
        },
        QueueKind::FollowUps => {
            let f = follow_up_from_row(r)?;
            QueueEntry {
                household: f.household,
                subject: QueueSubject::FollowUp(f),
                month: None,
                day: parse_date(&day)?,
                status: String::new(),
                assignee,
                members: Vec::new(),
                requirement_flag: false,
                open_sanctions: 0,
            }
        }
        QueueKind::Appeals => QueueEntry {
            subject: QueueSubject::Appeal(appeal_from_row(r)?),
            household: HouseholdId(r.try_get("household_id")?),
            month: Some(month(r)?),
            day: parse_date(&day)?,
            status: String::new(),
            assignee,
            members: Vec::new(),
            requirement_flag: false,
            open_sanctions: 0,
        },
    })
}

impl Queues for SqlStore {
    async fn queue_page(&self, actor: &Actor, q: &QueueQuery) -> Result<QueuePage> {
        if q.units.is_empty() {
            return Ok(QueuePage::default());
        }
        let mut b = Bound::default();
        let k = kind_sql(q, &mut b);
        let mut where_ = filters(q, &k, &mut b);
        // Nobody has staff id -1: a reader without a staff record has nothing of their own.
        let me = q.me.map_or(-1, StaffId::get);
        let count_sql = format!(
            "SELECT COUNT(*) AS all_n, \
             COALESCE(SUM(CASE WHEN {owner} = {me} THEN 1 ELSE 0 END), 0) AS mine_n, \
             COALESCE(SUM(CASE WHEN {owner} IS NULL THEN 1 ELSE 0 END), 0) AS unassigned_n \
             FROM {from} WHERE {where_}",
            owner = k.owner,
            from = k.from,
        );
        match q.view {
            QueueView::Mine(s) => where_.push_str(&format!(" AND {} = {}", k.owner, s.get())),
            QueueView::Unassigned => where_.push_str(&format!(" AND {} IS NULL", k.owner)),
            QueueView::All => {}
        }
        let page_sql = format!(
            "SELECT {select} FROM {from} WHERE {where_} ORDER BY {order} LIMIT {limit} OFFSET {offset}",
            select = k.select,
            from = k.from,
            order = k.order,
            limit = q.limit.clamp(0, 500),
            offset = q.offset.max(0),
        );
        let mut rx = self.begin_read().await?;
        let conn = rx.conn();
        let row = bind_all(sqlx::query(&count_sql), &b)
            .fetch_one(&mut *conn)
            .await?;
        let counts = ViewCounts {
            all: row.try_get("all_n")?,
            mine: row.try_get("mine_n")?,
            unassigned: row.try_get("unassigned_n")?,
        };
        let rows = bind_all(sqlx::query(&page_sql), &b).fetch_all(&mut *conn).await?;
        let mut entries = rows
            .iter()
            .map(|r| entry_from_row(q.kind, r))
            .collect::<Result<Vec<_>>>()?;
        let owners: BTreeSet<i64> = entries
            .iter()
            .filter_map(|e| e.assignee.as_ref().map(|(s, _)| s.get()))
            .collect();
        if !owners.is_empty() {
            let sql = format!(
                "SELECT id, name FROM staff WHERE id IN ({})",
                id_list(owners.iter().copied())
            );
            let mut names = BTreeMap::new();
            for r in sqlx::query(&sql).fetch_all(&mut *conn).await? {
                names.insert(r.try_get::<i64, _>("id")?, r.try_get::<String, _>("name")?);
            }
            for e in &mut entries {
                if let Some((s, name)) = &mut e.assignee
                    && let Some(n) = names.get(&s.get())
                {
                    name.clone_from(n);
                }
            }
        }
        let households: BTreeSet<i64> = entries.iter().map(|e| e.household.get()).collect();
        if households.is_empty() {
            rx.finish().await?;
            return Ok(QueuePage { entries, counts });
        }
        let sql = format!(
            "SELECT f.household_id, p.id AS person_id, p.name, p.protection, \
             CASE WHEN f.value_json LIKE '%\"child\"%' THEN 1 ELSE 0 END AS is_child FROM facts f \
             JOIN persons p ON p.id = f.person_id \
             WHERE f.fact_key LIKE 'member:%' AND f.superseded_at IS NULL AND f.valid_to IS NULL \
             AND f.household_id IN ({}) ORDER BY is_child, p.id",
            id_list(households.iter().copied())
        );
        let mut members: BTreeMap<i64, Vec<(PersonId, String, bool)>> = BTreeMap::new();
        for r in sqlx::query(&sql).fetch_all(&mut *conn).await? {
            let protection: String = r.try_get("protection")?;
            members.entry(r.try_get("household_id")?).or_default().push((
                PersonId(r.try_get("person_id")?),
                r.try_get("name")?,
                parse::<ProtectedIdentity>(&protection)?.is_protected(),
            ));
        }
        let marks =
            crate::sanctions::household_marks(&mut *conn, &households, q.requirement.as_ref()).await?;
        rx.finish().await?;
        for e in &mut entries {
            e.members = members.get(&e.household.get()).cloned().unwrap_or_default();
            if let Some((flag, open)) = marks.get(&e.household.get()) {
                e.requirement_flag = *flag;
                e.open_sanctions = *open;
            }
        }
        let households: Vec<i64> = households.into_iter().collect();
        self.record_read(
            actor,
            "queue.read",
            vec![(None, json!({ "households": households }))],
        )
        .await?;
        Ok(QueuePage { entries, counts })
    }

    async fn assignment_facts(&self, application: ApplicationId) -> Result<AssignmentFacts> {
        let row = sqlx::query(
            "SELECT a.household_id, a.status, a.assigned_to, h.unit_id FROM applications a \
             JOIN households h ON h.id = a.household_id WHERE a.id = $1",
        )
        .bind(application.get())
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound {
            what: "ansökan",
            id: application.get(),
        })?;
        let status: String = row.try_get("status")?;
        Ok(AssignmentFacts {
            application,
            household: HouseholdId(row.try_get("household_id")?),
            unit: UnitId(row.try_get("unit_id")?),
            open: OPEN_STATUSES.contains(&status.as_str()),
            assigned_to: row.try_get::<Option<i64>, _>("assigned_to")?.map(StaffId),
        })
    }

    async fn unit_caseworkers(&self, unit: UnitId) -> Result<Vec<(StaffId, String)>> {
        sqlx::query(
            "SELECT DISTINCT s.id, s.name FROM accounts ac JOIN account_units au ON au.account_id = ac.id \
             JOIN staff s ON s.id = ac.staff_id \
             WHERE au.unit_id = $1 AND ac.active = 1 AND ac.role = 'caseworker' ORDER BY s.name, s.id",
        )
        .bind(unit.get())
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| Ok((StaffId(r.try_get("id")?), r.try_get("name")?)))
        .collect()
    }

    async fn assign_application(
        &self,
        actor: &Actor,
        application: ApplicationId,
        from: Option<StaffId>,
        to: Option<StaffId>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let was = match from {
            Some(s) => format!("= {}", s.get()),
            None => "IS NULL".to_owned(),
        };
        let sql = format!(
            "UPDATE applications SET assigned_to = $1 WHERE id = $2 AND status IN {OPEN} AND assigned_to {was}"
        );
        let done = sqlx::query(&sql)
            .bind(to.map(StaffId::get))
            .bind(application.get())
            .execute(tx.conn())
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(
                "ansökan har fått en annan handläggare eller är redan beslutad",
            ));
        }
        tx.audit(
            actor,
            "application.assign",
            None,
            json!({ "application": application, "from": from, "to": to }),
        )
        .await?;
        tx.commit().await
    }

    async fn workload(&self, units: &[UnitId], late_before: Date) -> Result<Workload> {
        let units = id_list(units.iter().map(|u| u.get()));
        // A date we format ourselves ('YYYY-MM-DD'), never user text: inlined like the unit ids, so that the one
        // value is not bound once per use.
        let late = format!("'{}'", date_text(late_before));
        let mut rx = self.begin_read().await?;
        let conn = rx.conn();
        let mut w = Workload::default();
        let by_status = sqlx::query(&format!(
            "SELECT a.status, COUNT(*) AS n, \
             COALESCE(SUM(CASE WHEN a.received_on < {late} THEN 1 ELSE 0 END), 0) AS late_n, \
             COALESCE(SUM(CASE WHEN a.assigned_to IS NULL THEN 1 ELSE 0 END), 0) AS free_n, \
             COALESCE(SUM(CASE WHEN a.assigned_to IS NULL AND a.received_on < {late} THEN 1 ELSE 0 END), 0) AS free_late \
             FROM applications a JOIN households h ON h.id = a.household_id \
             WHERE a.status IN {OPEN} AND h.unit_id IN ({units}) GROUP BY a.status"
        ))
        .fetch_all(&mut *conn)
        .await?;
        for status in OPEN_STATUSES {
            let mut n = 0;
            for r in by_status.iter() {
                if r.try_get::<String, _>("status")? == status {
                    n = r.try_get("n")?;
                    w.late += r.try_get::<i64, _>("late_n")?;
                    w.unassigned += r.try_get::<i64, _>("free_n")?;
                    w.unassigned_late += r.try_get::<i64, _>("free_late")?;
                }
            }
            w.by_status.push((status.to_owned(), n));
        }
        let per = sqlx::query(&format!(
            "SELECT s.id, s.name, \
             (SELECT COUNT(*) FROM applications a JOIN households h ON h.id = a.household_id \
              WHERE a.assigned_to = s.id AND a.status IN {OPEN} AND h.unit_id IN ({units})) AS n, \
             (SELECT COUNT(*) FROM applications a JOIN households h ON h.id = a.household_id \
              WHERE a.assigned_to = s.id AND a.status IN {OPEN} AND h.unit_id IN ({units}) \
              AND a.received_on < {late}) AS late_n \
             FROM staff s WHERE s.id IN (SELECT ac.staff_id FROM accounts ac \
              JOIN account_units au ON au.account_id = ac.id \
              WHERE ac.active = 1 AND ac.role = 'caseworker' AND au.unit_id IN ({units})) \
             ORDER BY s.name, s.id"
        ))
        .fetch_all(&mut *conn)
        .await?;
        for r in per {
            w.per_caseworker.push((
                StaffId(r.try_get("id")?),
                r.try_get("name")?,
                r.try_get("n")?,
                r.try_get("late_n")?,
            ));
        }
        rx.finish().await?;
        Ok(w)
    }
}

/// Continuity: a household's new application goes to whoever has the household's open application, else its
/// latest assigned one, while they are an active caseworker of the household's unit. Called in the receiving
/// transaction; writes `application.assign` when it assigns.
pub(crate) async fn continue_assignment(
    tx: &mut Tx,
    actor: &Actor,
    household: HouseholdId,
    application: ApplicationId,
) -> Result<()> {
    let row = sqlx::query(&format!(
        "SELECT prev.assigned_to FROM applications prev \
         JOIN households h ON h.id = prev.household_id \
         WHERE prev.household_id = $1 AND prev.id <> $2 AND prev.assigned_to IS NOT NULL \
         AND EXISTS (SELECT 1 FROM accounts ac JOIN account_units au ON au.account_id = ac.id \
           WHERE ac.staff_id = prev.assigned_to AND ac.active = 1 AND ac.role = 'caseworker' \
           AND au.unit_id = h.unit_id) \
         ORDER BY CASE WHEN prev.status IN {OPEN} THEN 0 ELSE 1 END, prev.month DESC, prev.id DESC LIMIT 1"
    ))
    .bind(household.get())
    .bind(application.get())
    .fetch_optional(tx.conn())
    .await?;
    let Some(row) = row else { return Ok(()) };
    let to: i64 = row.try_get("assigned_to")?;
    sqlx::query("UPDATE applications SET assigned_to = $1 WHERE id = $2")
        .bind(to)
        .bind(application.get())
        .execute(tx.conn())
        .await?;
    tx.audit(
        actor,
        "application.assign",
        None,
        json!({ "application": application, "from": null, "to": to, "continuity": true }),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_patterns_match_the_name_or_a_word_as_typed_and_capitalised() {
        assert_eq!(name_patterns("and"), ["and%", "% and%", "And%", "% And%"]);
        // Already capitalised: no repeat. LIKE's own characters are escaped.
        assert_eq!(name_patterns("A_"), ["A\\_%", "% A\\_%"]);
    }
}
