//! The applicant's receipts: after sending an application or an appeal, and again from *Mina sidor*. What was sent
//! (the month, the figures, the attachments' names; the appeal's words, its additions and the decision it
//! concerns), when it was received, and what happens next. The use cases check that the applicant may read it
//! (`App::application_receipt`, `App::appeal_receipt`) and record the read.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use app::applicant::{AppealReceipt, ApplicationReceipt, Whose};
use app::domain::{AppealId, ApplicationId};
use jiff::Timestamp;
use jiff::civil::Date;

use crate::apply_pages::{cost_label, income_label};
use crate::case_pages::app_error;
use crate::citizen_texts::{CitizenTexts, DECISION_DAYS};
use crate::decision_pages::kronor;
use crate::i18n::{Lang, Texts};
use crate::lang::PageLang;
use crate::pages::{NavUser, render};
use crate::router::AppState;
use crate::session::Signed;

/// When something was received, as the receipt shows it: the Swedish local time when it is known, else the day.
// time: switch to `crate::time` when it lands; until then as the investigation page formats its times.
pub fn received_text(at: Option<Timestamp>, on: Date) -> String {
    let tz = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap_or(jiff::tz::TimeZone::UTC);
    at.map_or_else(
        || on.to_string(),
        |at| at.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M").to_string(),
    )
}

/// `?skickad=1`: the receipt is shown right after sending (it says so); opened from *Mina sidor* it does not.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Sent {
    skickad: Option<String>,
}

#[derive(Debug, Template)]
#[template(path = "receipt.html")]
pub struct ApplicationReceiptPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub ct: &'static CitizenTexts,
    pub user: Option<NavUser>,
    pub here: String,
    pub just_sent: bool,
    pub month: String,
    pub received: String,
    pub status: &'static str,
    /// (label, amount)
    pub costs: Vec<(String, String)>,
    pub incomes: Vec<(String, String)>,
    pub assets: Option<String>,
    pub attachments: Vec<String>,
    pub next: String,
}

#[derive(Debug, Template)]
#[template(path = "appeal_receipt.html")]
pub struct AppealReceiptPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub ct: &'static CitizenTexts,
    pub user: Option<NavUser>,
    pub here: String,
    /// The first sending, or an addition.
    pub just_sent: Option<&'static str>,
    pub decision: i64,
    pub month: String,
    pub decided_on: String,
    pub received: String,
    pub status: &'static str,
    pub grounds: Option<String>,
    /// (received, text)
    pub additions: Vec<(String, String)>,
}

pub async fn application(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Query(sent): Query<Sent>,
) -> Response {
    let here = format!("/mina-sidor/ansokan/{id}");
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    match state
        .app
        .application_receipt(&signed.signed_in.actor, ApplicationId(id))
        .await
    {
        Ok(r) => render(
            StatusCode::OK,
            &application_page(&r, lang.0, user, here, sent.skickad.is_some()),
        ),
        Err(e) => app_error(e, lang, user, &here),
    }
}

fn application_page(
    r: &ApplicationReceipt,
    lang: Lang,
    user: Option<NavUser>,
    here: String,
    just_sent: bool,
) -> ApplicationReceiptPage {
    let t = lang.texts();
    let ct = CitizenTexts::of(lang);
    let costs = r
        .costs
        .as_ref()
        .map(|c| {
            [
                ("rent", c.rent),
                ("electricity", c.electricity),
                ("home_insurance", c.home_insurance),
                ("work_travel", c.work_travel),
                ("union_fees", c.union_fees),
            ]
            .into_iter()
            .filter(|(_, amount)| *amount != 0)
            .map(|(name, amount)| (cost_label(name, t).to_owned(), kronor(amount)))
            .collect()
        })
        .unwrap_or_default();
    let incomes = r
        .incomes
        .iter()
        .filter(|i| i.amount != 0 || i.earned_earlier_this_year.is_some_and(|e| e != 0))
        .map(|i| {
            let whose = match &i.whose {
                Whose::Household => ct.household,
                Whose::Named(name) => name.as_str(),
                Whose::Protected => t.protected_identity,
            };
            let mut amount = kronor(i.amount);
            if let Some(earlier) = i.earned_earlier_this_year.filter(|e| *e != 0) {
                amount = format!("{amount} ({} {})", kronor(earlier), ct.earned_earlier);
            }
            (format!("{} ({whose})", income_label(i.kind, t)), amount)
        })
        .collect();
    ApplicationReceiptPage {
        lang,
        t,
        ct,
        user,
        here,
        just_sent,
        month: r.application.month.to_string(),
        received: received_text(r.received_at, r.application.received_on),
        status: t.application_status(r.application.status.as_str()),
        costs,
        incomes,
        assets: (r.assets != 0).then(|| kronor(r.assets)),
        attachments: r.attachments.clone(),
        next: format!(
            "{} {DECISION_DAYS} {}",
            ct.application_next.0, ct.application_next.1
        ),
    }
}

pub async fn appeal(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Query(sent): Query<Sent>,
) -> Response {
    let here = format!("/mina-sidor/overklagande/{id}");
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    match state
        .app
        .appeal_receipt(&signed.signed_in.actor, AppealId(id))
        .await
    {
        Ok(r) => render(
            StatusCode::OK,
            &appeal_page(&r, lang.0, user, here, sent.skickad.as_deref()),
        ),
        Err(e) => app_error(e, lang, user, &here),
    }
}

fn appeal_page(
    r: &AppealReceipt,
    lang: Lang,
    user: Option<NavUser>,
    here: String,
    sent: Option<&str>,
) -> AppealReceiptPage {
    let t = lang.texts();
    let ct = CitizenTexts::of(lang);
    let a = &r.appeal;
    AppealReceiptPage {
        lang,
        t,
        ct,
        user,
        here,
        just_sent: sent.map(|s| {
            if s == "komplettering" {
                ct.addition_sent
            } else {
                ct.appeal_sent
            }
        }),
        decision: r.decision.id.get(),
        month: r.month.to_string(),
        // time: the decision's day, as the decision page shows it.
        decided_on: r
            .decision
            .decided_at
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date()
            .to_string(),
        received: received_text(a.received_at, a.received_on),
        status: crate::decision_pages::appeal_status(a.status, t),
        grounds: a.grounds.clone(),
        additions: a
            .additions
            .iter()
            .map(|x| (received_text(Some(x.received_at), a.received_on), x.text.clone()))
            .collect(),
    }
}

/// One month on *Mina sidor*.
#[derive(Debug)]
pub struct MineMonth {
    pub row: crate::pages::ApplicationRow,
    /// The application's id, for its receipt's link.
    pub application: i64,
    pub members: Vec<String>,
    pub documents: Vec<crate::document_pages::DocumentRow>,
    pub decisions: Vec<MineDecision>,
    /// (appeal id, received), for the appeals' receipts.
    pub appeals: Vec<(i64, String)>,
}

/// A decision on *Mina sidor*: its amount and whether it is paid.
#[derive(Debug)]
pub struct MineDecision {
    pub id: i64,
    pub amount: String,
    /// "Utbetald 2026-11-25", "Betalas ut", or nothing when there is nothing to pay (avslag).
    pub payment: Option<String>,
}

/// The months of the applicant's view as *Mina sidor* lists them, newest first.
pub fn mine_months(view: &app::views::ApplicantView, lang: Lang) -> Vec<MineMonth> {
    let t = lang.texts();
    let ct = CitizenTexts::of(lang);
    view.months
        .iter()
        .rev()
        .map(|m| MineMonth {
            row: crate::decision_pages::application_row(&m.application, t),
            application: m.application.id.get(),
            members: m
                .members
                .iter()
                .map(|p| {
                    p.person
                        .as_ref()
                        .map_or_else(|| t.protected_identity.to_owned(), |p| p.name.clone())
                })
                .collect(),
            documents: view
                .documents
                .iter()
                .filter(|d| d.application == m.application.id)
                .map(|d| crate::document_pages::document_row(d, t))
                .collect(),
            decisions: m
                .decisions
                .iter()
                .map(|d| MineDecision {
                    id: d.id.get(),
                    amount: d.total_granted.to_string(),
                    payment: match m.extras.paid_on.get(&d.id) {
                        Some(day) => Some(format!("{} {day}", ct.paid_on)),
                        None if d.total_granted > app::norm::Money::ZERO => Some(ct.to_be_paid.to_owned()),
                        None => None,
                    },
                })
                .collect(),
            appeals: m
                .extras
                .appeals
                .iter()
                .map(|a| (a.id.get(), received_text(a.received_at, a.received_on)))
                .collect(),
        })
        .collect()
}
