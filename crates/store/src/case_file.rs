//! The household's case file as the caseworker's household page reads it: members over time, month by month the
//! applications with their decisions, payments and appeals, återkrav claims, the journal and the follow-ups.
//!
//! Everything is read by ONE statement (one packed list per kind of record, see [`crate::packed`]): one
//! consistent snapshot, and one round trip to the database instead of a dozen, which is what keeps the page fast
//! under many users. The read is recorded before anything is returned: one audit record per person shown, in the
//! read log.

use std::collections::{BTreeMap, BTreeSet};

use domain::decision::Outcome;
use domain::fact::{self, FactValue};
use domain::payment::PaymentStatus;
use domain::{Actor, ApplicationId, BatchId, DecisionId, HouseholdId, PersonId, UnitId};
use jiff::civil::Date;
use norm::Money;
use serde_json::json;

use crate::error::{Result, StoreError};
use crate::follow_ups::{FOLLOW_UP_NAMES, follow_up_from_row};
use crate::model::{
    DecisionSummary, FollowUpView, HouseholdOverview, MemberView, MembershipView, PaymentSummary,
};
use crate::packed::{Columns, List, PackedRow, fetch_lists};
use crate::people::{FACT_NAMES, NOTE_NAMES, PERSON_NAMES, fact_from_row, note_from_row, person_from_row};
use crate::records::{
    APP_NAMES, APPEAL_NAMES, CLAIM_NAMES, appeal_from_row, application_from_row, claim_from_row,
};
use crate::sql::{SqlStore, from_micros, parse, parse_date};
use crate::worklists::HouseholdAccess;

/// Named row sets the lists share, computed once per statement (both databases materialise a CTE that is used more
/// than once): `members`, everyone who has been a member (believed records) of household `$1`; `hd`, the
/// household's decisions; `who`, everyone named as having decided, written or followed up (`staff:12`,
/// `account:3`). Sharing them instead of repeating their joins in each list makes the statement about a quarter
/// cheaper.
const SHARED: &str = "WITH members AS (SELECT person_id FROM facts WHERE household_id = $1 \
     AND fact_key LIKE 'member:%' AND superseded_at IS NULL), \
     hd AS (SELECT d.id, d.application_id, d.replaces, d.total_granted, d.decided_by, d.decided_at, d.served_on \
     FROM decisions d JOIN applications a ON a.id = d.application_id WHERE a.household_id = $1), \
     who AS (SELECT decided_by AS w FROM hd \
     UNION SELECT written_by FROM journal_notes WHERE person_id IN (SELECT person_id FROM members) \
     UNION SELECT created_by FROM follow_ups WHERE household_id = $1 \
     UNION SELECT done_by FROM follow_ups WHERE household_id = $1 AND done_by IS NOT NULL)";

const UNIT_NAMES: [&str; 2] = ["unit_id", "name"];
pub(crate) const DECISION_NAMES: [&str; 9] = [
    "id",
    "application_id",
    "replaces",
    "total_granted",
    "decided_by",
    "decided_at",
    "served_on",
    "lowest",
    "highest",
];
const PAYMENT_NAMES: [&str; 6] = ["id", "decision_id", "batch_id", "amount", "status", "pay_date"];
const WHO_NAMES: [&str; 2] = ["who", "name"];
const CHANGE_NAMES: [&str; 2] = ["decision_id", "kind"];

/// The lists of the case file, in the order [`open_case_file`] takes them apart (over the row sets of [`SHARED`]).
fn lists() -> Vec<List<'static>> {
    let columns = |names: &[&str], prefix: &str| {
        names
            .iter()
            .map(|n| format!("{prefix}{n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    vec![
        List {
            names: &UNIT_NAMES,
            select: "SELECT h.unit_id, u.name FROM households h JOIN org_units u ON u.id = h.unit_id \
                     WHERE h.id = $1"
                .to_owned(),
        },
        List {
            names: &FACT_NAMES,
            select: format!("SELECT {} FROM facts WHERE household_id = $1", columns(&FACT_NAMES, "")),
        },
        List {
            names: &PERSON_NAMES,
            select: format!(
                "SELECT {} FROM persons WHERE id IN (SELECT person_id FROM members)",
                columns(&PERSON_NAMES, "")
            ),
        },
        List {
            names: &APP_NAMES,
            select: format!(
                "SELECT {} FROM applications WHERE household_id = $1",
                columns(&APP_NAMES, "")
            ),
        },
        List {
            names: &DECISION_NAMES,
            // The lowest and highest item outcome decide the overall outcome: equal means every item had it. Each
            // is one seek in the (decision_id, outcome) index.
            select: "SELECT hd.id, hd.application_id, hd.replaces, hd.total_granted, hd.decided_by, hd.decided_at, \
                     hd.served_on, \
                     (SELECT MIN(i.outcome) FROM decision_items i WHERE i.decision_id = hd.id) AS lowest, \
                     (SELECT MAX(i.outcome) FROM decision_items i WHERE i.decision_id = hd.id) AS highest FROM hd"
                .to_owned(),
        },
        List {
            names: &PAYMENT_NAMES,
            select: "SELECT p.id, p.decision_id, p.batch_id, p.amount, p.status, b.pay_date FROM hd \
                     JOIN payments p ON p.decision_id = hd.id JOIN payment_batches b ON b.id = p.batch_id"
                .to_owned(),
        },
        List {
            names: &APPEAL_NAMES,
            select: format!(
                "SELECT {} FROM hd JOIN appeals ap ON ap.decision_id = hd.id",
                columns(&APPEAL_NAMES, "ap.")
            ),
        },
        List {
            names: &CLAIM_NAMES,
            select: format!(
                "SELECT {} FROM claims WHERE household_id = $1",
                columns(&CLAIM_NAMES, "")
            ),
        },
        List {
            names: &NOTE_NAMES,
            select: format!(
                "SELECT {} FROM journal_notes WHERE person_id IN (SELECT person_id FROM members)",
                columns(&NOTE_NAMES, "")
            ),
        },
        List {
            names: &FOLLOW_UP_NAMES,
            select: format!(
                "SELECT {} FROM follow_ups WHERE household_id = $1",
                columns(&FOLLOW_UP_NAMES, "")
            ),
        },
        List {
            names: &WHO_NAMES,
            // The ids are parsed out of `who`, so that staff and accounts are found by their keys.
            select: "SELECT 'staff:' || CAST(id AS TEXT) AS who, name FROM staff \
                     WHERE id IN (SELECT CAST(substr(w, 7) AS BIGINT) FROM who WHERE w LIKE 'staff:%') \
                     UNION ALL SELECT 'account:' || CAST(id AS TEXT) AS who, display_name AS name FROM accounts \
                     WHERE id IN (SELECT CAST(substr(w, 9) AS BIGINT) FROM who WHERE w LIKE 'account:%')"
                .to_owned(),
        },
        List {
            names: &CHANGE_NAMES,
            select: "SELECT c.decision_id, c.kind FROM hd JOIN decision_changes c ON c.decision_id = hd.id"
                .to_owned(),
        },
    ]
}

/// A household's case file as read from the database, sealed: what it holds cannot be looked at, only who may
/// read it ([`SealedCaseFile::access`]: the unit and everyone who has been a member, with their protection, from
/// the same snapshot). [`crate::Store::open_case_file`] opens it and records the read first; so the application
/// core checks access without a second round trip to the database, and nothing personal is available before it has.
pub struct SealedCaseFile {
    access: HouseholdAccess,
    lists: Vec<Vec<PackedRow<'static>>>,
}

impl SealedCaseFile {
    pub fn access(&self) -> &HouseholdAccess {
        &self.access
    }
}

/// Never prints the contents.
impl std::fmt::Debug for SealedCaseFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealedCaseFile")
            .field("access", &self.access)
            .finish_non_exhaustive()
    }
}

pub(crate) async fn read_case_file(s: &SqlStore, household: HouseholdId) -> Result<SealedCaseFile> {
    let mut conn = s.pool().acquire().await?;
    let lists = fetch_lists(&mut conn, s.backend(), SHARED, &lists(), &[household.get()]).await?;
    drop(conn);
    let (Some(unit), Some(persons)) = (lists.first(), lists.get(2)) else {
        return Err(StoreError::corrupt("fel antal listor"));
    };
    let unit = unit.first().ok_or(StoreError::NotFound {
        what: "hushåll",
        id: household.get(),
    })?;
    let mut everyone = persons
        .iter()
        .map(|r| {
            let p = person_from_row(r)?;
            Ok((p.id, p.protection.is_protected()))
        })
        .collect::<Result<Vec<_>>>()?;
    everyone.sort();
    let access = HouseholdAccess {
        household,
        unit: UnitId(unit.int("unit_id")?),
        protected_members: everyone.iter().filter(|(_, p)| *p).map(|(id, _)| *id).collect(),
        persons: everyone.iter().map(|(id, _)| *id).collect(),
    };
    Ok(SealedCaseFile { access, lists })
}

pub(crate) async fn open_case_file(
    s: &SqlStore,
    actor: &Actor,
    file: SealedCaseFile,
    on: Date,
) -> Result<HouseholdOverview> {
    let household = file.access.household;
    let [
        unit,
        facts,
        persons,
        applications,
        decisions,
        payments,
        appeals,
        claims,
        journal,
        follow_ups,
        names,
        changes,
    ]: [Vec<PackedRow<'_>>; 12] = file
        .lists
        .try_into()
        .map_err(|_| StoreError::corrupt("fel antal listor"))?;
    let unit_row = unit.first().ok_or(StoreError::NotFound {
        what: "hushåll",
        id: household.get(),
    })?;
    let unit_id = UnitId(unit_row.int("unit_id")?);
    let unit_name = unit_row.text("name")?;

    let mut all = facts.iter().map(fact_from_row).collect::<Result<Vec<_>>>()?;
    all.sort_by_key(|f| f.id);
    let persons = persons.iter().map(person_from_row).collect::<Result<Vec<_>>>()?;
    let person = |id: PersonId| {
        persons
            .iter()
            .find(|p| p.id == id)
            .cloned()
            .ok_or(StoreError::NotFound {
                what: "person",
                id: id.get(),
            })
    };
    // Believed membership periods (a corrected record is replaced by its correction).
    let mut membership = Vec::new();
    for f in all.iter().filter(|f| f.superseded_at.is_none()) {
        if let FactValue::Member { person: p, role } = f.value {
            membership.push(MembershipView {
                person: person(p)?,
                role,
                from: f.valid.from,
                to: f.valid.to,
            });
        }
    }
    membership.sort_by_key(|m| (m.from, m.person.id));
    let facts: Vec<_> = fact::as_of(&all, on, actor.at).into_iter().cloned().collect();
    let mut members = Vec::new();
    for f in &facts {
        if let FactValue::Member { person: p, role } = f.value {
            members.push(MemberView {
                person: person(p)?,
                role,
            });
        }
    }

    let mut applications = applications
        .iter()
        .map(application_from_row)
        .collect::<Result<Vec<_>>>()?;
    applications.sort_by_key(|a| (a.month, a.id));
    let mut decisions = decisions
        .iter()
        .map(decision_from_row)
        .collect::<Result<Vec<_>>>()?;
    decisions.sort_by_key(|d| d.id);
    let mut payments = payments
        .iter()
        .map(|r| Ok((r.int("id")?, payment_from_row(r)?)))
        .collect::<Result<Vec<_>>>()?;
    payments.sort_by_key(|(id, _)| *id);
    let payments = payments.into_iter().map(|(_, p)| p).collect();
    let mut appeals = appeals.iter().map(appeal_from_row).collect::<Result<Vec<_>>>()?;
    appeals.sort_by_key(|a| a.id);
    let mut claims = claims.iter().map(claim_from_row).collect::<Result<Vec<_>>>()?;
    claims.sort_by_key(|c| c.id);
    let mut journal = journal.iter().map(note_from_row).collect::<Result<Vec<_>>>()?;
    // Newest first.
    journal.sort_by_key(|n| std::cmp::Reverse(n.id));
    let mut follow_ups = follow_ups
        .iter()
        .map(follow_up_from_row)
        .collect::<Result<Vec<_>>>()?;
    sort_follow_ups(&mut follow_ups);
    let names = names
        .iter()
        .map(|r| Ok((r.text("who")?, r.text("name")?)))
        .collect::<Result<BTreeMap<_, _>>>()?;
    let mut changes = changes
        .iter()
        .map(|r| {
            Ok((
                DecisionId(r.int("decision_id")?),
                parse::<domain::appeal::ChangeKind>(&r.text("kind")?)?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    changes.sort_by_key(|(d, _)| *d);

    let ids: BTreeSet<PersonId> = persons.iter().map(|p| p.id).collect();
    let protected = persons.iter().any(|p| p.protection.is_protected());
    let detail = json!({ "household": household, "protected": protected });
    let entries = if ids.is_empty() {
        vec![(None, detail)]
    } else {
        ids.iter().map(|p| (Some(*p), detail.clone())).collect()
    };
    s.record_read(actor, "household.read", entries).await?;
    Ok(HouseholdOverview {
        id: household,
        unit: unit_id,
        unit_name,
        members,
        membership,
        facts,
        applications,
        decisions,
        payments,
        appeals,
        claims,
        journal,
        follow_ups,
        names,
        changes,
        on,
    })
}

pub(crate) fn decision_from_row(r: &PackedRow<'_>) -> Result<DecisionSummary> {
    let outcomes = [r.opt_text("lowest")?, r.opt_text("highest")?]
        .into_iter()
        .flatten()
        .map(|o| parse::<Outcome>(&o))
        .collect::<Result<Vec<_>>>()?;
    Ok(DecisionSummary {
        id: DecisionId(r.int("id")?),
        application: ApplicationId(r.int("application_id")?),
        replaces: r.opt_int("replaces")?.map(DecisionId),
        outcome: Outcome::overall(outcomes),
        total_granted: Money::from_ore(r.int("total_granted")?),
        decided_by: r.text("decided_by")?,
        decided_at: from_micros(r.int("decided_at")?)?,
        served_on: r.opt_text("served_on")?.as_deref().map(parse_date).transpose()?,
    })
}

fn payment_from_row(r: &PackedRow<'_>) -> Result<PaymentSummary> {
    Ok(PaymentSummary {
        decision: DecisionId(r.int("decision_id")?),
        batch: BatchId(r.int("batch_id")?),
        amount: Money::from_ore(r.int("amount")?),
        status: parse::<PaymentStatus>(&r.text("status")?)?,
        pay_date: parse_date(&r.text("pay_date")?)?,
    })
}

/// Open ones first, soonest due first; then done ones, most recently done first.
fn sort_follow_ups(all: &mut [FollowUpView]) {
    all.sort_by(|a, b| match (&a.done, &b.done) {
        (None, None) => (a.due_on, a.id).cmp(&(b.due_on, b.id)),
        (None, Some(_)) => std::cmp::Ordering::Less,
        (Some(_), None) => std::cmp::Ordering::Greater,
        (Some((_, x)), Some((_, y))) => y.cmp(x),
    });
}
