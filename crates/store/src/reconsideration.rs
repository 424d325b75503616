//! Omprövning and the förvaltningsrätt: the board changes its own or an appealed decision (FL 37-39, 45 §§), records
//! the court's judgment, and carries it out. Each change is a new decision that replaces the current one
//! (`decisions.replaces`), with a `decision_changes` row saying why; payments follow from the replacing decision alone
//! (only what is due beyond what was already paid on the application's earlier decisions, see `money_flow`).

use std::future::Future;

use domain::appeal::{
    AppealMet, AppealStatus, COURT_REASONS, Change, ChangeKind, CourtOutcome, DisadvantageGround,
    ForwardedKind, changes_anything, check_judgment_date, is_to_disadvantage,
};
use domain::decision::{DecisionItem, NewDecision};
use domain::{Actor, AppealId, DecisionId, DomainError, HouseholdId};
use jiff::civil::Date;
use norm::{Money, Month};
use serde::Serialize;
use serde_json::json;
use sqlx::{AnyConnection, Row};

use crate::error::{Result, StoreError};
use crate::model::{AppealView, DecisionView};
use crate::records::{decide_in_tx, load_appeal, load_application, load_decision};
use crate::sql::{SqlStore, Tx, date_text, parse, parse_date};

/// The statuses of judgments the board still has to carry out (when no new decision is recorded on the appeal):
/// SQL text for an `IN (...)` list, from [`AppealStatus::as_str`].
pub(crate) const TO_CARRY_OUT: &str =
    "'judged_bifall', 'judged_delvis_bifall', 'judged_andrat', 'judged_aterforvisat'";

/// Why a decision replaced another, as its letter and page tell it.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct ChangeView {
    pub kind: ChangeKind,
    pub replaces: DecisionId,
    /// The appeal it answered (a reconsidered appeal, or the appeal the court judged).
    pub appeal: Option<AppealId>,
    /// The reasons for the change (free text: never logged).
    pub reasons: String,
    /// For a change to the person's disadvantage: the FL 39 § ground and how it applies.
    pub ground: Option<DisadvantageGround>,
    pub ground_statement: Option<String>,
    /// For a judgment carried out: the court's outcome and the day of the judgment.
    pub court: Option<(CourtOutcome, Option<Date>)>,
}

/// Never prints the reasons.
impl std::fmt::Debug for ChangeView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangeView")
            .field("kind", &self.kind)
            .field("replaces", &self.replaces)
            .field("appeal", &self.appeal)
            .field("ground", &self.ground)
            .finish_non_exhaustive()
    }
}

/// A reconsideration: the decision to change (the application's current one), the new items, why, and for an
/// appealed decision how the change meets the appeal.
#[derive(Clone)]
pub struct Reconsider {
    pub decision: DecisionId,
    /// The application's version the caseworker read.
    pub expected_version: i64,
    pub items: Vec<DecisionItem>,
    pub change: Change,
    pub appeal: Option<(AppealId, AppealMet)>,
}

/// Never prints the reasons.
impl std::fmt::Debug for Reconsider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reconsider")
            .field("decision", &self.decision)
            .field("appeal", &self.appeal)
            .finish_non_exhaustive()
    }
}

/// The court's judgment as the caseworker records it.
#[derive(Clone)]
pub struct Judgment {
    pub outcome: CourtOutcome,
    pub judged_on: Date,
    /// The court's reasons in brief.
    pub reasons: String,
}

/// Never prints the reasons.
impl std::fmt::Debug for Judgment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Judgment")
            .field("outcome", &self.outcome)
            .field("judged_on", &self.judged_on)
            .finish_non_exhaustive()
    }
}

/// One document that went to the court with the appeal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForwardedDocument {
    pub kind: ForwardedKind,
    /// The decision's, appeal's or attachment's id.
    pub id: i64,
    /// An attachment's file name; `None` for the others, and for an attachment removed since (gallring).
    pub file_name: Option<String>,
}

/// Everything the appeal's page shows.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct AppealCase {
    pub appeal: AppealView,
    /// The appellant's own words (e-service appeals).
    pub grounds: Option<String>,
    /// What the appellant sent later on the same decision, oldest first.
    pub additions: Vec<crate::model::AppealAddition>,
    pub household: HouseholdId,
    pub month: Month,
    /// The application's version and current decision, for the forms that replace it.
    pub application_version: i64,
    pub current_decision: Option<DecisionView>,
    pub appealed: DecisionView,
    pub documents: Vec<ForwardedDocument>,
    pub court_reasons: Option<String>,
}

/// Never prints free text.
impl std::fmt::Debug for AppealCase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppealCase")
            .field("appeal", &self.appeal)
            .field("household", &self.household)
            .finish_non_exhaustive()
    }
}

pub trait Reconsideration: Send + Sync {
    /// Omprövning: a new decision that replaces the application's current decision, with the reasons (and, to the
    /// person's disadvantage, the FL 39 § ground). With an appeal: met in full, the appeal lapses (status
    /// reconsidered); in part, it goes on against the new decision. A decision with an appeal waiting for the board
    /// must say how the change meets it. Nothing changed, or bad input: a typed error and nothing written.
    fn reconsider(
        &self,
        actor: &Actor,
        r: &Reconsider,
    ) -> impl Future<Output = Result<(DecisionView, Option<AppealView>)>> + Send;
    /// Records the court's judgment on a forwarded appeal: once only, dated not before the forwarding nor after the
    /// actor's day.
    fn record_judgment(
        &self,
        actor: &Actor,
        appeal: AppealId,
        judgment: &Judgment,
    ) -> impl Future<Output = Result<AppealView>> + Send;
    /// Carries out a judgment that changes the decision (bifall, delvis bifall) or sends the case back
    /// (återförvisning): a new decision replacing the application's current one, with the court's amounts. Once only.
    fn carry_out_judgment(
        &self,
        actor: &Actor,
        appeal: AppealId,
        expected_version: i64,
        items: Vec<DecisionItem>,
        reasons: &str,
    ) -> impl Future<Output = Result<(DecisionView, AppealView)>> + Send;
    /// The appeal with its decisions, forwarded documents and judgment (an audited read).
    fn appeal_case(&self, actor: &Actor, appeal: AppealId)
    -> impl Future<Output = Result<AppealCase>> + Send;
}

fn invalid(field: &'static str, reason: &'static str) -> StoreError {
    DomainError::Invalid { field, reason }.into()
}

pub(crate) async fn load_change(
    conn: &mut AnyConnection,
    decision: DecisionId,
) -> Result<Option<ChangeView>> {
    let Some(r) = sqlx::query(
        "SELECT c.kind, c.replaces, c.appeal_id, c.reasons, c.ground, c.ground_statement, ap.status, ap.judged_on \
         FROM decision_changes c LEFT JOIN appeals ap ON ap.id = c.appeal_id WHERE c.decision_id = $1",
    )
    .bind(decision.get())
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let kind = parse::<ChangeKind>(&r.try_get::<String, _>("kind")?)?;
    let status = r
        .try_get::<Option<String>, _>("status")?
        .map(|s| parse::<AppealStatus>(&s))
        .transpose()?;
    let judged_on = r
        .try_get::<Option<String>, _>("judged_on")?
        .as_deref()
        .map(parse_date)
        .transpose()?;
    Ok(Some(ChangeView {
        kind,
        replaces: DecisionId(r.try_get("replaces")?),
        appeal: r.try_get::<Option<i64>, _>("appeal_id")?.map(AppealId),
        reasons: r.try_get("reasons")?,
        ground: r
            .try_get::<Option<String>, _>("ground")?
            .map(|g| parse::<DisadvantageGround>(&g))
            .transpose()?,
        ground_statement: r.try_get("ground_statement")?,
        court: match (kind, status) {
            (ChangeKind::Judgment, Some(AppealStatus::Judged(o))) => Some((o, judged_on)),
            _ => None,
        },
    }))
}

async fn insert_change(
    tx: &mut Tx,
    decision: DecisionId,
    replaces: DecisionId,
    change: &Change,
    appeal: Option<AppealId>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO decision_changes (decision_id, replaces, kind, appeal_id, reasons, ground, ground_statement) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(decision.get())
    .bind(replaces.get())
    .bind(change.kind.as_str())
    .bind(appeal.map(AppealId::get))
    .bind(change.reasons.clone())
    .bind(change.ground.as_ref().map(|(g, _)| g.as_str()))
    .bind(change.ground.as_ref().map(|(_, s)| s.clone()))
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// An appeal waiting for the board whose target is `decision`, if any.
async fn waiting_appeal(conn: &mut AnyConnection, decision: DecisionId) -> Result<Option<AppealId>> {
    let row = sqlx::query(
        "SELECT id FROM appeals WHERE status IN ('received', 'in_time') \
         AND COALESCE(against_decision_id, decision_id) = $1 ORDER BY id",
    )
    .bind(decision.get())
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| r.try_get("id")).transpose()?.map(AppealId))
}

async fn reconsider(
    s: &SqlStore,
    actor: &Actor,
    r: &Reconsider,
) -> Result<(DecisionView, Option<AppealView>)> {
    // What can be checked without the database first.
    NewDecision {
        items: r.items.clone(),
        calculation: None,
        replaces: Some(r.decision),
        deductions: Money::ZERO,
    }
    .validate()?;
    let mut tx = s.begin().await?;
    let old = load_decision(tx.conn(), r.decision).await?;
    let app = load_application(tx.conn(), old.application).await?;
    if app.current_decision != Some(old.id) {
        return Err(StoreError::Conflict(
            "beslutet har redan ersatts av ett annat beslut",
        ));
    }
    if !changes_anything(&old.items, &r.items) {
        return Err(invalid(
            "items",
            "inget har ändrats: ett beslut som står fast ersätts inte (ett överklagande överlämnas då)",
        ));
    }
    let disadvantage = is_to_disadvantage(&old.items, &r.items);
    let change = Change {
        kind: ChangeKind::Reconsideration,
        ..r.change.clone()
    }
    .checked(disadvantage)?;
    let appeal = match r.appeal {
        Some((id, met)) => {
            let ap = load_appeal(tx.conn(), id).await?;
            if ap.target() != old.id {
                return Err(invalid("met", "överklagandet gäller ett annat beslut"));
            }
            let status = match met {
                AppealMet::Fully => ap.status.reconsider()?,
                AppealMet::Partly => ap.status.reconsider_in_part()?,
            };
            Some((ap, met, status))
        }
        None => {
            if waiting_appeal(tx.conn(), old.id).await?.is_some() {
                return Err(invalid(
                    "met",
                    "beslutet är överklagat: ange om ändringen tillgodoser överklagandet helt eller delvis",
                ));
            }
            None
        }
    };
    // The items are the old decision's, changed: the household's own means stay as the old decision took them.
    let d = NewDecision {
        items: r.items.clone(),
        calculation: old.calculation.clone(),
        replaces: Some(old.id),
        deductions: old.deductions,
    };
    let new = decide_in_tx(&mut tx, actor, old.application, r.expected_version, &d).await?;
    insert_change(
        &mut tx,
        new.id,
        old.id,
        &change,
        appeal.as_ref().map(|(a, ..)| a.id),
    )
    .await?;
    tx.audit(
        actor,
        "decision.reconsider",
        None,
        json!({
            "household": app.household, "decision": new.id, "replaces": old.id, "to_disadvantage": disadvantage,
            "ground": change.ground.as_ref().map(|(g, _)| g.as_str()),
        }),
    )
    .await?;
    let appeal = match appeal {
        Some((mut ap, met, status)) => {
            let sql = match met {
                AppealMet::Fully => "UPDATE appeals SET status = $1, new_decision_id = $2 WHERE id = $3",
                AppealMet::Partly => "UPDATE appeals SET status = $1, against_decision_id = $2 WHERE id = $3",
            };
            sqlx::query(sql)
                .bind(status.as_str())
                .bind(new.id.get())
                .bind(ap.id.get())
                .execute(tx.conn())
                .await?;
            tx.audit(
                actor,
                "appeal.reconsider",
                None,
                json!({ "appeal": ap.id, "new_decision": new.id, "met": met.as_str() }),
            )
            .await?;
            ap.status = status;
            match met {
                AppealMet::Fully => ap.new_decision = Some(new.id),
                AppealMet::Partly => ap.against_decision = Some(new.id),
            }
            Some(ap)
        }
        None => None,
    };
    let mut view = new;
    view.change = load_change(tx.conn(), view.id).await?;
    tx.commit().await?;
    Ok((view, appeal))
}

async fn record_judgment(s: &SqlStore, actor: &Actor, id: AppealId, j: &Judgment) -> Result<AppealView> {
    if !CourtOutcome::RECORDABLE.contains(&j.outcome) {
        return Err(invalid("outcome", "välj domens utgång"));
    }
    let reasons = COURT_REASONS.check(&j.reasons)?.to_owned();
    if reasons.is_empty() {
        return Err(invalid("court_reasons", "skriv domskälen i korthet"));
    }
    let mut tx = s.begin().await?;
    let mut ap = load_appeal(tx.conn(), id).await?;
    let status = ap.status.judge(j.outcome)?;
    let today = actor.at.to_zoned(jiff::tz::TimeZone::UTC).date();
    // Appeals forwarded before the day was recorded: the day it arrived is the earliest it can have been forwarded.
    check_judgment_date(j.judged_on, ap.forwarded_on.unwrap_or(ap.received_on), today)?;
    let done = sqlx::query(
        "UPDATE appeals SET status = $1, judged_on = $2, court_reasons = $3 WHERE id = $4 AND status = $5",
    )
    .bind(status.as_str())
    .bind(date_text(j.judged_on))
    .bind(reasons)
    .bind(id.get())
    .bind(ap.status.as_str())
    .execute(tx.conn())
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Conflict("överklagandet har ändrats av någon annan"));
    }
    tx.audit(
        actor,
        "appeal.judgment",
        None,
        json!({ "appeal": id, "outcome": j.outcome.as_str(), "judged_on": date_text(j.judged_on) }),
    )
    .await?;
    tx.commit().await?;
    ap.status = status;
    ap.judged_on = Some(j.judged_on);
    Ok(ap)
}

async fn carry_out_judgment(
    s: &SqlStore,
    actor: &Actor,
    id: AppealId,
    expected_version: i64,
    items: Vec<DecisionItem>,
    reasons: &str,
) -> Result<(DecisionView, AppealView)> {
    let change = Change {
        kind: ChangeKind::Judgment,
        reasons: reasons.to_owned(),
        ground: None,
    }
    .checked(false)?;
    let mut tx = s.begin().await?;
    let mut ap = load_appeal(tx.conn(), id).await?;
    let outcome = match ap.status {
        AppealStatus::Judged(o) if o.needs_new_decision() => o,
        other => {
            return Err(DomainError::IllegalTransition {
                from: other.as_str(),
                to: "verkställd",
            }
            .into());
        }
    };
    if ap.new_decision.is_some() {
        return Err(StoreError::Conflict("domen är redan verkställd"));
    }
    let target = load_decision(tx.conn(), ap.target()).await?;
    let app = load_application(tx.conn(), target.application).await?;
    // The application's current decision is replaced: normally the one appealed (or reconsidered in part).
    let current = app
        .current_decision
        .ok_or(StoreError::corrupt("ansökan saknar gällande beslut"))?;
    let old = load_decision(tx.conn(), current).await?;
    let d = NewDecision {
        items,
        calculation: old.calculation.clone(),
        replaces: Some(old.id),
        deductions: old.deductions,
    };
    d.validate()?;
    if outcome != CourtOutcome::Aterforvisat && !changes_anything(&old.items, &d.items) {
        return Err(invalid(
            "items",
            "domen ändrar beslutet: ange de belopp som förvaltningsrätten har bestämt",
        ));
    }
    let new = decide_in_tx(&mut tx, actor, old.application, expected_version, &d).await?;
    insert_change(&mut tx, new.id, old.id, &change, Some(id)).await?;
    sqlx::query("UPDATE appeals SET new_decision_id = $1 WHERE id = $2 AND new_decision_id IS NULL")
        .bind(new.id.get())
        .bind(id.get())
        .execute(tx.conn())
        .await?;
    tx.audit(
        actor,
        "appeal.carry_out",
        None,
        json!({ "appeal": id, "household": app.household, "new_decision": new.id, "replaces": old.id }),
    )
    .await?;
    let mut view = new;
    view.change = load_change(tx.conn(), view.id).await?;
    tx.commit().await?;
    ap.new_decision = Some(view.id);
    Ok((view, ap))
}

async fn appeal_case(s: &SqlStore, actor: &Actor, id: AppealId) -> Result<AppealCase> {
    let mut tx = s.begin().await?;
    let appeal = load_appeal(tx.conn(), id).await?;
    let row = sqlx::query("SELECT grounds, court_reasons FROM appeals WHERE id = $1")
        .bind(id.get())
        .fetch_one(tx.conn())
        .await?;
    let grounds: Option<String> = row.try_get("grounds")?;
    let court_reasons: Option<String> = row.try_get("court_reasons")?;
    let additions = crate::intake::additions_of(tx.conn(), id).await?;
    let mut appealed = load_decision(tx.conn(), appeal.decision).await?;
    appealed.change = load_change(tx.conn(), appealed.id).await?;
    let app = load_application(tx.conn(), appealed.application).await?;
    let current_decision = match app.current_decision {
        Some(d) => {
            let mut view = load_decision(tx.conn(), d).await?;
            view.change = load_change(tx.conn(), d).await?;
            Some(view)
        }
        None => None,
    };
    let mut documents = Vec::new();
    for r in sqlx::query(
        "SELECT ad.kind, ad.ref_id, doc.file_name FROM appeal_documents ad \
         LEFT JOIN documents doc ON ad.kind = 'attachment' AND doc.id = ad.ref_id \
         WHERE ad.appeal_id = $1 ORDER BY ad.item_no",
    )
    .bind(id.get())
    .fetch_all(tx.conn())
    .await?
    {
        documents.push(ForwardedDocument {
            kind: parse::<ForwardedKind>(&r.try_get::<String, _>("kind")?)?,
            id: r.try_get("ref_id")?,
            file_name: r.try_get("file_name")?,
        });
    }
    tx.audit(
        actor,
        "appeal.read",
        None,
        json!({ "appeal": id, "household": app.household }),
    )
    .await?;
    tx.commit().await?;
    Ok(AppealCase {
        appeal,
        grounds,
        additions,
        household: app.household,
        month: app.month,
        application_version: app.version,
        current_decision,
        appealed,
        documents,
        court_reasons,
    })
}

impl Reconsideration for SqlStore {
    async fn reconsider(&self, actor: &Actor, r: &Reconsider) -> Result<(DecisionView, Option<AppealView>)> {
        reconsider(self, actor, r).await
    }

    async fn record_judgment(
        &self,
        actor: &Actor,
        appeal: AppealId,
        judgment: &Judgment,
    ) -> Result<AppealView> {
        record_judgment(self, actor, appeal, judgment).await
    }

    async fn carry_out_judgment(
        &self,
        actor: &Actor,
        appeal: AppealId,
        expected_version: i64,
        items: Vec<DecisionItem>,
        reasons: &str,
    ) -> Result<(DecisionView, AppealView)> {
        carry_out_judgment(self, actor, appeal, expected_version, items, reasons).await
    }

    async fn appeal_case(&self, actor: &Actor, appeal: AppealId) -> Result<AppealCase> {
        appeal_case(self, actor, appeal).await
    }
}
