//! The applicant's view: what an applicant reads of the households they have belonged to, and nothing else. The
//! applications and decisions of the months in which they were a member (not the household's history from before
//! they joined, nor after they left), the names of those who were members in each of those months (a member with
//! protected identity masked, unless it is the applicant), and the attachments they sent themselves.
//!
//! Read by ONE statement (one packed list per kind of record, see [`crate::packed`]) that selects only those rows:
//! what is masked never leaves the database. The read is recorded before anything is returned, and the record lists
//! exactly what is returned (the households, applications, decisions and documents, one record per person named).
//!
//! "Member during a month" is [`domain::membership::overlaps`]; the statement's filter is the same rule written in
//! SQL (dates are `YYYY-MM-DD` text, months `YYYY-MM`), and every row is checked against the domain rule again here.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

use domain::fact::Validity;
use domain::membership::member_during;
use domain::{
    Actor, AppealId, ApplicationId, DecisionId, DocumentId, HouseholdId, PersonId, Personnummer,
    ProtectedIdentity,
};
use norm::Month;
use norm::contract::Role;
use serde_json::json;
use sqlx::Row;

use crate::applicant_extras::{MonthExtras, extras};
use crate::case_file::{DECISION_NAMES, decision_from_row};
use crate::documents::DocumentInfo;
use crate::error::{Result, StoreError};
use crate::model::{ApplicationView, DecisionSummary, PersonView};
use crate::packed::{Columns, List, PackedRow, fetch_lists};
use crate::records::{APP_NAMES, application_from_row};
use crate::sql::{Backend, SqlStore, from_micros, parse, parse_date};

/// What the view is read for: the applicant's own pages (every month, with their attachments), or one decision's
/// letter (that decision, the unit, who decided, and the members of its month: the letter is addressed to the adults
/// and its calculation names each member).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicantScope {
    Everything,
    Decision(DecisionId),
    /// One application's receipt: its month only, with what was declared and the attachments sent.
    Application(ApplicationId),
    /// One appeal's receipt: the appealed decision's month only, with the appeal's words and its additions.
    Appeal(AppealId),
}

/// A member of the household during a month, as the applicant may see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthMember {
    pub role: Role,
    /// `None`: a person with protected identity (not the applicant). Nothing of them is read: no id, name or number.
    pub person: Option<PersonView>,
}

/// One month's application in the applicant's view, with its decisions and who belonged to the household that month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicantMonth {
    pub application: ApplicationView,
    /// The application's decisions (replaced ones too), earliest first; only the asked-for one in a letter's view.
    pub decisions: Vec<DecisionSummary>,
    /// Everyone who was a member during the month (a letter's view too: its calculation names the children): the
    /// applicant and other shown persons in id order, then masked ones.
    pub members: Vec<MonthMember>,
    /// When it arrived, what was declared (a receipt only), the decisions' appeals and payments (not in a letter's
    /// view).
    pub extras: MonthExtras,
}

/// Everything the applicant's pages may show (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicantView {
    pub person: PersonId,
    /// Month by month, earliest first.
    pub months: Vec<ApplicantMonth>,
    /// The attachments the applicant sent with those months' applications, oldest first (not in a letter's view).
    pub documents: Vec<DocumentInfo>,
    /// The unit of each household shown (a letter's view only).
    pub units: BTreeMap<HouseholdId, String>,
    /// Names of those who decided (`staff:12`, `account:3`; a letter's view only).
    pub names: BTreeMap<String, String>,
}

/// What an applicant's access to a decision depends on: its application's month and household, and the applicant's
/// own membership periods in that household (ids and dates only; reading it is not audited).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembershipAccess {
    pub household: HouseholdId,
    pub month: Month,
    pub periods: Vec<Validity>,
}

impl MembershipAccess {
    /// Whether the applicant was a member of the household during the decision's month.
    pub fn member(&self) -> bool {
        member_during(&self.periods, self.month)
    }
}

pub trait ApplicantViews: Send + Sync {
    /// The applicant's view of `person` (see the module documentation), recorded in the read log as one
    /// `applicant.read` record per person named (the applicant's own when nobody is), each listing every household,
    /// application, decision and document returned.
    fn applicant_view(
        &self,
        actor: &Actor,
        person: PersonId,
        scope: ApplicantScope,
    ) -> impl Future<Output = Result<ApplicantView>> + Send;
    /// The facts an applicant's access to a decision is checked by. [`StoreError::NotFound`] if there is no such
    /// decision.
    fn decision_membership(
        &self,
        person: PersonId,
        decision: DecisionId,
    ) -> impl Future<Output = Result<MembershipAccess>> + Send;
}

/// The person's believed membership periods (`mine`); the applications of the months they overlap (`apps`, only the
/// asked-for decision's in a letter's view, `$2` ≠ 0; only a receipt's application, `$3` or `$4` ≠ 0); those
/// applications' decisions (`hd`); and who was a member of the household during each of those months (`peers`). `$1` is the person, `$2` the decision or 0, `$3` a receipt's
/// application or 0, `$4` a receipt's appeal or 0.
fn shared(backend: Backend) -> String {
    // The role, out of the membership fact's JSON, so that nothing else of a masked person's record is selected.
    let role = match backend {
        Backend::Sqlite => "json_extract(f.value_json, '$.role')",
        Backend::Postgres => "(CAST(f.value_json AS json) ->> 'role')",
    };
    // A period overlaps a month: it starts in the month or before (its `YYYY-MM` is not later), and it ends after the
    // month's first day (`valid_to` is the first day it no longer holds).
    let overlaps = |period: &str, month: &str| {
        format!(
            "substr({period}.valid_from, 1, 7) <= {month}.month \
             AND ({period}.valid_to IS NULL OR {period}.valid_to > ({month}.month || '-01'))"
        )
    };
    format!(
        "WITH mine AS (SELECT household_id, valid_from, valid_to FROM facts \
         WHERE person_id = $1 AND fact_key LIKE 'member:%' AND superseded_at IS NULL), \
         apps AS (SELECT DISTINCT a.id, a.household_id, a.month FROM applications a \
         JOIN mine ON mine.household_id = a.household_id WHERE {mine_overlaps} \
         AND ($2 = 0 OR a.id IN (SELECT application_id FROM decisions WHERE id = $2)) \
         AND ($3 = 0 OR a.id = $3) \
         AND ($4 = 0 OR a.id IN (SELECT d.application_id FROM appeals ap JOIN decisions d ON d.id = ap.decision_id \
         WHERE ap.id = $4))), \
         hd AS (SELECT d.id, d.application_id, d.replaces, d.total_granted, d.decided_by, d.decided_at, d.served_on \
         FROM decisions d WHERE d.application_id IN (SELECT id FROM apps) AND ($2 = 0 OR d.id = $2)), \
         peers AS (SELECT DISTINCT apps.id AS application_id, f.person_id, {role} AS role FROM apps \
         JOIN facts f ON f.household_id = apps.household_id AND f.fact_key LIKE 'member:%' \
         AND f.superseded_at IS NULL WHERE {peers_overlap})",
        mine_overlaps = overlaps("mine", "a"),
        peers_overlap = overlaps("f", "apps"),
    )
}

const PERIOD_NAMES: [&str; 3] = ["household_id", "valid_from", "valid_to"];
const PEER_NAMES: [&str; 6] = ["application_id", "role", "person_id", "pnr", "name", "protection"];
const DOCUMENT_NAMES: [&str; 8] = [
    "id",
    "application_id",
    "person_id",
    "kind",
    "file_name",
    "mime",
    "size",
    "attached_at",
];
const UNIT_NAMES: [&str; 2] = ["household_id", "name"];
const WHO_NAMES: [&str; 2] = ["who", "name"];

/// The view's lists, in the order [`applicant_view`] takes them apart.
fn lists() -> Vec<List<'static>> {
    let mut lists = own_lists();
    lists.extend(crate::applicant_extras::lists());
    lists
}

fn own_lists() -> Vec<List<'static>> {
    let columns = |names: &[&str], prefix: &str| {
        names
            .iter()
            .map(|n| format!("{prefix}{n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    // A member of the month is shown unless they have protected identity and are not the applicant; for a masked
    // member only the role is selected.
    let shown = "(p.protection = 'none' OR p.id = $1)";
    vec![
        List {
            names: &PERIOD_NAMES,
            select: "SELECT household_id, valid_from, valid_to FROM mine".to_owned(),
        },
        List {
            names: &APP_NAMES,
            select: format!(
                "SELECT {} FROM applications a WHERE a.id IN (SELECT id FROM apps)",
                columns(&APP_NAMES, "a.")
            ),
        },
        List {
            names: &DECISION_NAMES,
            select: "SELECT hd.id, hd.application_id, hd.replaces, hd.total_granted, hd.decided_by, hd.decided_at, \
                     hd.served_on, \
                     (SELECT MIN(i.outcome) FROM decision_items i WHERE i.decision_id = hd.id) AS lowest, \
                     (SELECT MAX(i.outcome) FROM decision_items i WHERE i.decision_id = hd.id) AS highest FROM hd"
                .to_owned(),
        },
        List {
            names: &PEER_NAMES,
            select: format!(
                "SELECT peers.application_id, peers.role, \
                 CASE WHEN {shown} THEN p.id END AS person_id, CASE WHEN {shown} THEN p.pnr END AS pnr, \
                 CASE WHEN {shown} THEN p.name END AS name, CASE WHEN {shown} THEN p.protection END AS protection \
                 FROM peers JOIN persons p ON p.id = peers.person_id"
            ),
        },
        List {
            names: &DOCUMENT_NAMES,
            select: format!(
                "SELECT {} FROM documents d WHERE $2 = 0 AND d.person_id = $1 \
                 AND d.application_id IN (SELECT id FROM apps)",
                columns(&DOCUMENT_NAMES, "d.")
            ),
        },
        List {
            names: &UNIT_NAMES,
            select: "SELECT h.id AS household_id, u.name FROM households h JOIN org_units u ON u.id = h.unit_id \
                     WHERE $2 <> 0 AND h.id IN (SELECT household_id FROM apps)"
                .to_owned(),
        },
        List {
            names: &WHO_NAMES,
            select: "SELECT 'staff:' || CAST(id AS TEXT) AS who, name FROM staff WHERE $2 <> 0 AND id IN \
                     (SELECT CAST(substr(decided_by, 7) AS BIGINT) FROM hd WHERE decided_by LIKE 'staff:%') \
                     UNION ALL SELECT 'account:' || CAST(id AS TEXT) AS who, display_name AS name FROM accounts \
                     WHERE $2 <> 0 AND id IN \
                     (SELECT CAST(substr(decided_by, 9) AS BIGINT) FROM hd WHERE decided_by LIKE 'account:%')"
                .to_owned(),
        },
    ]
}

fn role_from(text: &str) -> Result<Role> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(StoreError::corrupt)
}

fn peer_from_row(r: &PackedRow<'_>) -> Result<(ApplicationId, MonthMember)> {
    let person = match r.opt_int("person_id")? {
        Some(id) => Some(PersonView {
            id: PersonId(id),
            pnr: Personnummer::from_canonical(&r.text("pnr")?).map_err(StoreError::corrupt)?,
            name: r.text("name")?,
            protection: parse::<ProtectedIdentity>(&r.text("protection")?)?,
        }),
        None => None,
    };
    Ok((
        ApplicationId(r.int("application_id")?),
        MonthMember {
            role: role_from(&r.text("role")?)?,
            person,
        },
    ))
}

fn document_from_row(r: &PackedRow<'_>) -> Result<DocumentInfo> {
    Ok(DocumentInfo {
        id: DocumentId(r.int("id")?),
        application: ApplicationId(r.int("application_id")?),
        person: PersonId(r.int("person_id")?),
        kind: parse(&r.text("kind")?)?,
        file_name: r.text("file_name")?,
        mime: r.text("mime")?,
        size: u64::try_from(r.int("size")?).map_err(StoreError::corrupt)?,
        attached_at: from_micros(r.int("attached_at")?)?,
    })
}

fn validity_from_row(r: &PackedRow<'_>) -> Result<(HouseholdId, Validity)> {
    Ok((
        HouseholdId(r.int("household_id")?),
        Validity {
            from: parse_date(&r.text("valid_from")?)?,
            to: r.opt_text("valid_to")?.as_deref().map(parse_date).transpose()?,
        },
    ))
}

impl ApplicantViews for SqlStore {
    async fn applicant_view(
        &self,
        actor: &Actor,
        person: PersonId,
        scope: ApplicantScope,
    ) -> Result<ApplicantView> {
        let (decision, application, appeal) = match scope {
            ApplicantScope::Everything => (0, 0, 0),
            ApplicantScope::Decision(d) => (d.get(), 0, 0),
            ApplicantScope::Application(a) => (0, a.get(), 0),
            ApplicantScope::Appeal(a) => (0, 0, a.get()),
        };
        let mut conn = self.pool().acquire().await?;
        let lists = fetch_lists(
            &mut conn,
            self.backend(),
            &shared(self.backend()),
            &lists(),
            &[person.get(), decision, application, appeal],
        )
        .await?;
        drop(conn);
        let [
            periods,
            applications,
            decisions,
            peers,
            documents,
            units,
            names,
            received,
            appeals,
            additions,
            payments,
        ]: [Vec<PackedRow<'_>>; 11] = lists
            .try_into()
            .map_err(|_| StoreError::corrupt("fel antal listor"))?;

        let mut mine: BTreeMap<HouseholdId, Vec<Validity>> = BTreeMap::new();
        for r in &periods {
            let (household, period) = validity_from_row(r)?;
            mine.entry(household).or_default().push(period);
        }
        // The statement selected the months by the same rule; checking again here keeps the domain's rule the one
        // that decides.
        let mut applications = applications
            .iter()
            .map(application_from_row)
            .collect::<Result<Vec<_>>>()?;
        applications.retain(|a| mine.get(&a.household).is_some_and(|p| member_during(p, a.month)));
        applications.sort_by_key(|a| (a.month, a.id));
        let kept: BTreeSet<ApplicationId> = applications.iter().map(|a| a.id).collect();

        let mut decisions = decisions
            .iter()
            .map(decision_from_row)
            .collect::<Result<Vec<_>>>()?;
        decisions.retain(|d| kept.contains(&d.application));
        decisions.sort_by_key(|d| d.id);
        let mut peers = peers.iter().map(peer_from_row).collect::<Result<Vec<_>>>()?;
        peers.retain(|(a, _)| kept.contains(a));
        // Shown persons in id order, masked ones last.
        peers.sort_by_key(|(a, m)| (*a, m.person.is_none(), m.person.as_ref().map(|p| p.id)));
        peers.dedup_by(|x, y| x.0 == y.0 && x.1.person.is_some() && x.1.person == y.1.person);
        let of_decision: BTreeMap<DecisionId, ApplicationId> =
            decisions.iter().map(|d| (d.id, d.application)).collect();
        let mut extras = extras([received, appeals, additions, payments], &of_decision)?;

        let months: Vec<ApplicantMonth> = applications
            .into_iter()
            .map(|application| ApplicantMonth {
                decisions: decisions
                    .iter()
                    .filter(|d| d.application == application.id)
                    .cloned()
                    .collect(),
                members: peers
                    .iter()
                    .filter(|(a, _)| *a == application.id)
                    .map(|(_, m)| m.clone())
                    .collect(),
                extras: extras.remove(&application.id).unwrap_or_default(),
                application,
            })
            .collect();
        let mut documents = documents
            .iter()
            .map(document_from_row)
            .collect::<Result<Vec<_>>>()?;
        documents.retain(|d| d.person == person && kept.contains(&d.application));
        documents.sort_by_key(|d| d.id);
        let units = units
            .iter()
            .map(|r| Ok((HouseholdId(r.int("household_id")?), r.text("name")?)))
            .collect::<Result<BTreeMap<_, _>>>()?;
        let names = names
            .iter()
            .map(|r| Ok((r.text("who")?, r.text("name")?)))
            .collect::<Result<BTreeMap<_, _>>>()?;

        // The record lists exactly what is returned: one per person named (their name or number is on the page).
        let households: BTreeSet<HouseholdId> = months.iter().map(|m| m.application.household).collect();
        let detail = json!({
            "households": households,
            "applications": months.iter().map(|m| m.application.id).collect::<Vec<_>>(),
            "decisions": months.iter().flat_map(|m| m.decisions.iter().map(|d| d.id)).collect::<Vec<_>>(),
            "documents": documents.iter().map(|d| d.id).collect::<Vec<_>>(),
            "appeals": months.iter().flat_map(|m| m.extras.appeals.iter().map(|a| a.id)).collect::<Vec<_>>(),
        });
        let named: BTreeSet<PersonId> = months
            .iter()
            .flat_map(|m| m.members.iter().filter_map(|p| p.person.as_ref().map(|p| p.id)))
            .collect();
        let entries = if named.is_empty() {
            vec![(Some(person), detail)]
        } else {
            named.into_iter().map(|p| (Some(p), detail.clone())).collect()
        };
        self.record_read(actor, "applicant.read", entries).await?;
        Ok(ApplicantView {
            person,
            months,
            documents,
            units,
            names,
        })
    }

    async fn decision_membership(&self, person: PersonId, decision: DecisionId) -> Result<MembershipAccess> {
        let rows = sqlx::query(
            "SELECT a.household_id, a.month, f.valid_from, f.valid_to FROM decisions d \
             JOIN applications a ON a.id = d.application_id \
             LEFT JOIN facts f ON f.household_id = a.household_id AND f.person_id = $1 \
             AND f.fact_key LIKE 'member:%' AND f.superseded_at IS NULL \
             WHERE d.id = $2",
        )
        .bind(person.get())
        .bind(decision.get())
        .fetch_all(self.pool())
        .await?;
        let first = rows.first().ok_or(StoreError::NotFound {
            what: "beslut",
            id: decision.get(),
        })?;
        let month: String = first.try_get("month")?;
        let mut periods = Vec::new();
        for r in &rows {
            let Some(from) = r.try_get::<Option<String>, _>("valid_from")? else {
                continue;
            };
            let to: Option<String> = r.try_get("valid_to")?;
            periods.push(Validity {
                from: parse_date(&from)?,
                to: to.as_deref().map(parse_date).transpose()?,
            });
        }
        Ok(MembershipAccess {
            household: HouseholdId(first.try_get("household_id")?),
            month: parse(&month)?,
            periods,
        })
    }
}
