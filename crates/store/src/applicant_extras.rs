//! The parts of the applicant's view that receipts and *Mina sidor* add to it (issue #12): when each application
//! arrived and, for one application's receipt, what was declared; the appeals of the months' decisions, with the
//! appellant's own words and additions for one appeal's receipt; and whether each decision has been paid. They are
//! lists of the view's one statement ([`crate::applicant_view`]), selected by the same months of membership.

use std::collections::BTreeMap;

use domain::appeal::AppealStatus;
use domain::{AppealId, ApplicationId, DecisionId};
use jiff::Timestamp;
use jiff::civil::Date;
use norm::contract::CalcRequest;

use crate::error::{Result, StoreError};
use crate::model::AppealAddition;
use crate::packed::{Columns, List, PackedRow};
use crate::sql::{from_micros, parse, parse_date};

/// Which payments count as paid out: sent in the bank file of a run whose payment the bank has confirmed. A file
/// made and sent is not yet money in anyone's account (the run's `paid` state, migration 0022).
const PAID: &str = "p.status = 'exported' AND b.status = 'paid'";

/// An appeal of one of the applicant's decisions, as the applicant may see it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApplicantAppeal {
    pub id: AppealId,
    /// The appealed decision.
    pub decision: DecisionId,
    pub received_on: Date,
    /// When it arrived; `None` for appeals stored before receipts (migration 0021) and for paper appeals.
    pub received_at: Option<Timestamp>,
    pub status: AppealStatus,
    /// The appellant's own words: only in the appeal's receipt view (`None` otherwise, and for paper appeals).
    pub grounds: Option<String>,
    /// What they sent later on the same decision, oldest first: only in the appeal's receipt view.
    pub additions: Vec<AppealAddition>,
}

/// Never prints free text.
impl std::fmt::Debug for ApplicantAppeal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApplicantAppeal")
            .field("id", &self.id)
            .field("decision", &self.decision)
            .field("received_on", &self.received_on)
            .field("status", &self.status)
            .field("additions", &self.additions.len())
            .finish_non_exhaustive()
    }
}

/// What the receipts and *Mina sidor* add to one month of the view.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonthExtras {
    /// When the application arrived (online applications stored since migration 0021).
    pub received_at: Option<Timestamp>,
    /// What the applicant declared: only in the application's receipt view.
    pub declaration: Option<CalcRequest>,
    /// The appeals of the month's decisions, oldest first.
    pub appeals: Vec<ApplicantAppeal>,
    /// The day each fully paid decision was paid out (the latest pay date of its payments). A decision that is
    /// not here has nothing paid yet, or nothing to pay.
    pub paid_on: BTreeMap<DecisionId, Date>,
}

const RECEIVED_NAMES: [&str; 3] = ["id", "received_at", "request_json"];
const APPEAL_NAMES: [&str; 6] = [
    "id",
    "decision_id",
    "received_on",
    "received_at",
    "status",
    "grounds",
];
const ADDITION_NAMES: [&str; 3] = ["appeal_id", "text", "received_at"];
const PAYMENT_NAMES: [&str; 4] = ["decision_id", "live", "paid", "paid_on"];

/// The extra lists, after the view's own. `$2` is the letter's decision (0: none), `$3` the application of a
/// receipt (0: none), `$4` the appeal of a receipt (0: none); `apps` and `hd` are the view's months and decisions.
/// A letter's view reads none of them.
pub(crate) fn lists() -> Vec<List<'static>> {
    vec![
        List {
            names: &RECEIVED_NAMES,
            select: "SELECT a.id, a.received_at, CASE WHEN a.id = $3 THEN a.request_json END AS request_json \
                     FROM applications a WHERE $2 = 0 AND a.id IN (SELECT id FROM apps)"
                .to_owned(),
        },
        List {
            names: &APPEAL_NAMES,
            select: "SELECT ap.id, ap.decision_id, ap.received_on, ap.received_at, ap.status, \
                     CASE WHEN ap.id = $4 THEN ap.grounds END AS grounds FROM appeals ap \
                     WHERE $2 = 0 AND ap.decision_id IN (SELECT id FROM hd)"
                .to_owned(),
        },
        List {
            names: &ADDITION_NAMES,
            select: "SELECT ad.appeal_id, ad.text, ad.received_at FROM appeal_additions ad \
                     WHERE $4 <> 0 AND ad.appeal_id = $4 \
                     AND ad.appeal_id IN (SELECT ap.id FROM appeals ap WHERE ap.decision_id IN (SELECT id FROM hd))"
                .to_owned(),
        },
        List {
            names: &PAYMENT_NAMES,
            select: format!(
                "SELECT p.decision_id, COUNT(*) AS live, SUM(CASE WHEN {PAID} THEN 1 ELSE 0 END) AS paid, \
                 MAX(CASE WHEN {PAID} THEN b.pay_date END) AS paid_on \
                 FROM payments p JOIN payment_batches b ON b.id = p.batch_id \
                 WHERE $2 = 0 AND p.status <> 'stopped' AND p.decision_id IN (SELECT id FROM hd) \
                 GROUP BY p.decision_id"
            ),
        },
    ]
}

/// The extra lists taken apart, month by month (by application), for the applications and decisions the view
/// kept. `decisions` maps each kept decision to its application.
pub(crate) fn extras(
    rows: [Vec<PackedRow<'_>>; 4],
    decisions: &BTreeMap<DecisionId, ApplicationId>,
) -> Result<BTreeMap<ApplicationId, MonthExtras>> {
    let [received, appeals, additions, payments] = rows;
    let mut out: BTreeMap<ApplicationId, MonthExtras> = BTreeMap::new();
    for r in &received {
        let month = out.entry(ApplicationId(r.int("id")?)).or_default();
        month.received_at = r.opt_int("received_at")?.map(from_micros).transpose()?;
        month.declaration = r
            .opt_text("request_json")?
            .map(|t| serde_json::from_str(&t))
            .transpose()
            .map_err(StoreError::corrupt)?;
    }
    let mut additions = additions
        .iter()
        .map(|r| {
            Ok(AppealAddition {
                appeal: AppealId(r.int("appeal_id")?),
                text: r.text("text")?,
                received_at: from_micros(r.int("received_at")?)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    additions.sort_by_key(|a| a.received_at);
    for r in &appeals {
        let id = AppealId(r.int("id")?);
        let decision = DecisionId(r.int("decision_id")?);
        let Some(application) = decisions.get(&decision) else {
            continue;
        };
        out.entry(*application)
            .or_default()
            .appeals
            .push(ApplicantAppeal {
                id,
                decision,
                received_on: parse_date(&r.text("received_on")?)?,
                received_at: r.opt_int("received_at")?.map(from_micros).transpose()?,
                status: parse::<AppealStatus>(&r.text("status")?)?,
                grounds: r.opt_text("grounds")?,
                additions: additions.iter().filter(|a| a.appeal == id).cloned().collect(),
            });
    }
    for r in &payments {
        let decision = DecisionId(r.int("decision_id")?);
        let (Some(application), Some(paid_on)) = (decisions.get(&decision), r.opt_text("paid_on")?) else {
            continue;
        };
        // Paid only when every payment that is not stopped has been paid.
        if r.int("paid")? == r.int("live")? {
            out.entry(*application)
                .or_default()
                .paid_on
                .insert(decision, parse_date(&paid_on)?);
        }
    }
    for month in out.values_mut() {
        month.appeals.sort_by_key(|a| a.id);
    }
    Ok(out)
}
