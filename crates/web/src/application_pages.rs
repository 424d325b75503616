//! The caseworker's application page: what was declared, the engine's calculation line by line, starting the
//! investigation and deciding with the version that was read.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use std::collections::BTreeMap;

use app::deciding::{ApplicationCase, DecisionForm, ExtraItem, MAX_EXTRA_ITEMS, Reduction, Verdict};
use app::domain::ApplicationId;
use app::domain::application::ApplicationStatus;
use app::domain::decision::Purpose;
use app::domain::investigation::{Correction, CostKind, Fact, FactSource, FactValue};
use app::norm::contract::{CalcRequest, IncomeKind, Role};
use app::norm::{Money, Month};
use app::{AppError, SignedIn};

use crate::amount::parse_kronor;
use crate::case_pages::app_error;
use crate::decision_pages::{calc_parts, kronor, norm_lang};
use crate::decision_texts::{DecisionTexts, INCOME_KINDS};
use crate::document_pages::{DocumentRow, document_row};
use crate::i18n::{Lang, Texts};
use crate::lang::PageLang;
use crate::pages::{NavUser, render};
use crate::router::AppState;
use crate::session::Signed;

/// One fact as the page lists it: declared, established, and why it changed.
#[derive(Debug)]
pub struct FactRow {
    pub label: String,
    pub declared: String,
    pub established: String,
    pub changed: bool,
    pub why: String,
}

/// One correction in the investigation's record.
#[derive(Debug)]
pub struct CorrectionRow {
    pub when: String,
    pub label: String,
    pub value: String,
    pub reason: String,
    pub source: String,
}

/// One line of the established calculation, marked when it differs from the declaration's.
#[derive(Debug)]
pub struct LineRow {
    pub text: String,
    pub amount: String,
    pub basis: String,
    pub changed: bool,
}

/// A part of the calculation with its lines.
#[derive(Debug)]
pub struct PartRows {
    pub heading: &'static str,
    pub total: String,
    pub lines: Vec<LineRow>,
}

/// A choice in a select: (value, label, selected).
pub type Choice = (String, String, bool);

/// What was typed into the correction form, kept when the page is shown again.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CorrectForm {
    csrf_token: String,
    version: String,
    fact: String,
    member: String,
    income_kind: String,
    value: String,
    reason: String,
    source: String,
    source_detail: String,
}

/// A livsföring row as typed.
#[derive(Debug, Default, Clone)]
pub struct ExtraRow {
    pub n: usize,
    pub purposes: Vec<Choice>,
    pub what: String,
    pub applied: String,
    pub granted: String,
    pub reasons: String,
}

#[derive(Debug, Template)]
#[template(path = "application.html")]
pub struct ApplicationPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub d: &'static DecisionTexts,
    pub user: Option<NavUser>,
    pub here: String,
    pub id: i64,
    pub household: i64,
    pub month: String,
    pub status: &'static str,
    pub received: String,
    pub version: i64,
    pub csrf_token: String,
    pub has_declaration: bool,
    /// The declaration's members, by role, number and age.
    pub members: Vec<String>,
    pub facts: Vec<FactRow>,
    pub corrections: Vec<CorrectionRow>,
    pub calc_error: Option<String>,
    pub parts: Vec<PartRows>,
    pub assistance: String,
    pub findings: Vec<String>,
    pub decision: Option<i64>,
    /// The attachments sent with the application.
    pub documents: Vec<DocumentRow>,
    pub can_start: bool,
    pub can_decide: bool,
    pub errors: Vec<(&'static str, String)>,
    /// Messages next to fields, by field name.
    pub field_errors: Vec<(&'static str, String)>,
    // The correction form.
    pub fact_choices: Vec<Choice>,
    pub member_choices: Vec<Choice>,
    pub income_choices: Vec<Choice>,
    pub source_choices: Vec<Choice>,
    pub form_value: String,
    pub form_reason: String,
    pub form_source_detail: String,
    // The decision form.
    pub form_verdict: String,
    pub form_reasons: String,
    pub extra_rows: Vec<ExtraRow>,
    pub form_reduction_amount: String,
    pub form_reduction_reasons: String,
    /// The household's open sanction proposals, to carry into the decision (`sanction_pages`).
    pub st: &'static crate::sanction_texts::SanctionTexts,
    pub sanction_rows: Vec<crate::sanction_pages::DecisionFormRow>,
    pub form_sanction_outcome: String,
}

impl ApplicationPage {
    /// The message for a field, if any.
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.field_errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
) -> Response {
    let here = format!("/ansokan/{id}");
    match state
        .app
        .application_case_in(&signed.signed_in.actor, ApplicationId(id), norm_lang(lang.0))
        .await
    {
        Ok(case) => render(StatusCode::OK, &page(&case, &signed.signed_in, lang, here)),
        Err(e) => app_error(e, lang, Some(NavUser::new(&signed.signed_in, lang.0)), &here),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct VersionForm {
    csrf_token: String,
    version: String,
}

pub async fn start(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(f): Form<VersionForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    let here = format!("/ansokan/{id}");
    let Ok(version) = f.version.parse::<i64>() else {
        return (StatusCode::BAD_REQUEST, "version saknas").into_response();
    };
    match state
        .app
        .start_investigation(&signed.signed_in.actor, ApplicationId(id), version)
        .await
    {
        Ok(_) => Redirect::to(&here).into_response(),
        Err(e) => rerender_with_error(&state, &signed, lang, id, e, Posted::None).await,
    }
}

/// The decision form as posted: the verdict on the calculated items, reasons, up to [`MAX_EXTRA_ITEMS`] needs for
/// livsföring i övrigt (`purpose_1`, `what_1`, `applied_1`, `granted_1`, `item_reasons_1`, ...) and a reduction.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecideForm {
    csrf_token: String,
    version: String,
    outcome: String,
    reasons: String,
    reduction_amount: String,
    reduction_reasons: String,
    /// `reduce` or `refuse`, for the proposals checked (`sanction_{id}`).
    sanction_outcome: String,
    #[serde(flatten)]
    rest: BTreeMap<String, String>,
}

/// Rows of livsföring needs the form offers.
const EXTRA_ROWS: usize = 3;

impl DecideForm {
    fn field(&self, name: &str, n: usize) -> &str {
        self.rest.get(&format!("{name}_{n}")).map_or("", String::as_str)
    }

    /// The form as the use case takes it, or the first field at fault.
    fn parse(&self) -> Result<DecisionForm, AppError> {
        let verdict = match self.outcome.as_str() {
            "bifall" => Verdict::AsCalculated,
            "avslag" => Verdict::RefuseAll,
            _ => {
                return Err(AppError::Invalid {
                    field: "outcome",
                    reason: "välj utfall: enligt beräkningen eller avslag".to_owned(),
                });
            }
        };
        let mut extra = Vec::new();
        for n in 1..=EXTRA_ROWS.min(MAX_EXTRA_ITEMS) {
            let (purpose, what, applied, granted, reasons) = (
                self.field("purpose", n),
                self.field("what", n),
                self.field("applied", n),
                self.field("granted", n),
                self.field("item_reasons", n),
            );
            if [purpose, what, applied, granted, reasons]
                .iter()
                .all(|f| f.trim().is_empty())
            {
                continue;
            }
            let field = extra_field(n);
            let purpose = purpose.parse::<Purpose>().map_err(|_| AppError::Invalid {
                field,
                reason: format!("behov {n}: välj ändamål"),
            })?;
            let amount = |text: &str, what: &str| {
                parse_kronor(text)
                    .ok()
                    .and_then(|k| Money::from_kronor(k).ok())
                    .ok_or(AppError::Invalid {
                        field,
                        reason: format!("behov {n}: ange {what} i hela kronor, till exempel 2 500"),
                    })
            };
            extra.push(ExtraItem {
                purpose,
                what: what.to_owned(),
                applied: amount(applied, "sökt belopp")?,
                granted: amount(granted, "beviljat belopp")?,
                reasons: reasons.to_owned(),
            });
        }
        let sanction = self.sanction_choice()?;
        let refusing = sanction
            .as_ref()
            .is_some_and(|c| c.outcome == app::domain::progression::SanctionOutcome::Refuse);
        let reduction = if self.reduction_amount.trim().is_empty() && self.reduction_reasons.trim().is_empty()
        {
            None
        } else if refusing && self.reduction_amount.trim().is_empty() {
            // A refusal withholds the whole riksnorm: the amount is the use case's, not typed.
            Some(Reduction {
                amount: Money::ZERO,
                reasons: self.reduction_reasons.clone(),
            })
        } else {
            let amount = parse_kronor(&self.reduction_amount)
                .ok()
                .and_then(|k| Money::from_kronor(k).ok())
                .ok_or(AppError::Invalid {
                    field: "reduction_amount",
                    reason: "ange nedsättningen i hela kronor, till exempel 1 000".to_owned(),
                })?;
            Some(Reduction {
                amount,
                reasons: self.reduction_reasons.clone(),
            })
        };
        Ok(DecisionForm {
            verdict,
            reasons: self.reasons.clone(),
            extra,
            reduction,
            sanction,
        })
    }

    /// The proposals checked (`sanction_{id}`) and how they are decided.
    fn sanction_choice(&self) -> Result<Option<app::sanctions::SanctionChoice>, AppError> {
        use app::domain::progression::SanctionOutcome;
        let proposals: Vec<app::domain::SanctionId> = self
            .rest
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .filter_map(|(k, _)| k.strip_prefix("sanction_")?.parse::<i64>().ok())
            .map(app::domain::SanctionId)
            .collect();
        if proposals.is_empty() {
            return Ok(None);
        }
        let outcome = match self.sanction_outcome.as_str() {
            "reduce" => SanctionOutcome::Reduce,
            "refuse" => SanctionOutcome::Refuse,
            _ => {
                return Err(AppError::Invalid {
                    field: "sanction",
                    reason: "välj nedsättning eller vägran för förslaget".to_owned(),
                });
            }
        };
        Ok(Some(app::sanctions::SanctionChoice { proposals, outcome }))
    }
}

/// The anchor of a livsföring row (the domain reports "extra" for any of them; the form names the row).
fn extra_field(n: usize) -> &'static str {
    match n {
        1 => "extra_1",
        2 => "extra_2",
        _ => "extra_3",
    }
}

pub async fn decide(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    let Ok(version) = f.version.parse::<i64>() else {
        return (StatusCode::BAD_REQUEST, "version saknas").into_response();
    };
    let result = match f.parse() {
        Ok(form) => {
            state
                .app
                .decide_application(&signed.signed_in.actor, ApplicationId(id), version, form)
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(d) => Redirect::to(&format!("/beslut/{}", d.id)).into_response(),
        Err(e) => rerender_with_error(&state, &signed, lang, id, e, Posted::Decision(&f)).await,
    }
}

pub async fn correct(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(f): Form<CorrectForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    let Ok(version) = f.version.parse::<i64>() else {
        return (StatusCode::BAD_REQUEST, "version saknas").into_response();
    };
    let here = format!("/ansokan/{id}");
    // The members are named by their place in the declaration, never by an id: read it to map them back.
    let case = match state
        .app
        .application_case(&signed.signed_in.actor, ApplicationId(id))
        .await
    {
        Ok(case) => case,
        Err(e) => return app_error(e, lang, Some(NavUser::new(&signed.signed_in, lang.0)), &here),
    };
    let result = match (&case.declared, correction_of(&f, case.declared.as_ref())) {
        (Some(_), Ok(c)) => {
            state
                .app
                .correct_fact(&signed.signed_in.actor, ApplicationId(id), version, c)
                .await
        }
        (None, _) => Err(AppError::Invalid {
            field: "fact",
            reason: "ansökan saknar uppgifter att utreda".to_owned(),
        }),
        (_, Err(e)) => Err(e),
    };
    match result {
        Ok(_) => Redirect::to(&format!("{here}#uppgifter")).into_response(),
        Err(e) => rerender_with_error(&state, &signed, lang, id, e, Posted::Correction(&f)).await,
    }
}

/// The correction the form describes, or the field at fault.
fn correction_of(f: &CorrectForm, declared: Option<&CalcRequest>) -> Result<Correction, AppError> {
    let bad = |field: &'static str, reason: &str| AppError::Invalid {
        field,
        reason: reason.to_owned(),
    };
    let member = if f.member.is_empty() {
        None
    } else {
        let at: usize = f.member.parse().map_err(|_| bad("member", "välj en person"))?;
        Some(
            declared
                .and_then(|d| d.members.get(at))
                .map(|m| m.id.clone())
                .ok_or(bad("member", "välj en person i ansökan"))?,
        )
    };
    let needs_member = || {
        member
            .clone()
            .ok_or(bad("member", "välj vilken person uppgiften gäller"))
    };
    let fact = match f.fact.as_str() {
        "" => return Err(bad("fact", "välj vilken uppgift som ska fastställas")),
        "assets" => Fact::Assets,
        "couple" => Fact::Couple,
        "shared_household_size" => Fact::SharedHouseholdSize,
        "norm_adjustment" => Fact::NormAdjustment { member },
        "lunch" => Fact::Lunch {
            member: needs_member()?,
        },
        "earned_earlier" => Fact::EarnedEarlierThisYear {
            member: needs_member()?,
        },
        "jobbstimulans_from" => Fact::JobbstimulansFrom {
            member: needs_member()?,
        },
        "months_with_assistance" => Fact::MonthsWithAssistance {
            member: needs_member()?,
        },
        "income" => {
            let kind = INCOME_KINDS
                .into_iter()
                .find(|k| income_code(*k) == f.income_kind)
                .ok_or(bad("income_kind", "välj inkomstslag"))?;
            Fact::Income { member, kind }
        }
        other => match other.strip_prefix("cost:").and_then(CostKind::parse) {
            Some(cost) => Fact::Cost { cost },
            None => return Err(bad("fact", "välj vilken uppgift som ska fastställas")),
        },
    };
    let v = f.value.trim().to_lowercase();
    let value = match &fact {
        Fact::Lunch { .. } | Fact::Couple => match v.as_str() {
            "ja" | "yes" => FactValue::Yes(true),
            "nej" | "no" => FactValue::Yes(false),
            _ => return Err(bad("value", "skriv ja eller nej")),
        },
        Fact::JobbstimulansFrom { .. } => {
            if v.is_empty() || v == "-" || v == "–" || v == "ingen" || v == "none" {
                FactValue::Month(None)
            } else {
                FactValue::Month(Some(v.parse::<Month>().map_err(|_| {
                    bad(
                        "value",
                        "skriv månaden som ÅÅÅÅ-MM, till exempel 2026-03, eller lämna tomt",
                    )
                })?))
            }
        }
        Fact::NormAdjustment { .. } => {
            let (sign, digits) = match v.strip_prefix('-').or_else(|| v.strip_prefix('−')) {
                Some(rest) => (-1, rest),
                None => (1, v.strip_prefix('+').unwrap_or(&v)),
            };
            FactValue::Adjustment(parse_kronor(digits).ok().map(|k| sign * k).ok_or(bad(
                "value",
                "skriv höjningen som 450 eller sänkningen som -300 kronor",
            ))?)
        }
        Fact::MonthsWithAssistance { .. } | Fact::SharedHouseholdSize => FactValue::Count(
            v.parse::<i64>()
                .map_err(|_| bad("value", "skriv ett antal med siffror, till exempel 7"))?,
        ),
        _ => FactValue::Kronor(
            parse_kronor(&v).map_err(|_| bad("value", "skriv beloppet i hela kronor, till exempel 6 500"))?,
        ),
    };
    let source = FactSource::parse(&f.source).ok_or(bad("source", "välj underlag"))?;
    Ok(Correction {
        fact,
        value,
        reason: f.reason.clone(),
        source,
        source_detail: f.source_detail.clone(),
    })
}

/// The stored code of an income kind (the contract's own name).
fn income_code(k: IncomeKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// What was posted, so the page shows it again.
enum Posted<'a> {
    None,
    Correction(&'a CorrectForm),
    Decision(&'a DecideForm),
}

/// The anchor a field's error links to.
fn anchor(field: &'static str) -> &'static str {
    match field {
        "fact" | "member" | "income_kind" | "value" | "reason" | "source" | "source_detail" | "reasons"
        | "reduction_amount" | "reduction_reasons" | "extra_1" | "extra_2" | "extra_3" | "sanction" => field,
        "extra" | "what" => "extra_1",
        _ => "outcome",
    }
}

/// Shows the page again with the message next to the field (or at the top), keeping what was typed.
async fn rerender_with_error(
    state: &AppState,
    signed: &Signed,
    lang: PageLang,
    id: i64,
    error: AppError,
    posted: Posted<'_>,
) -> Response {
    let t = lang.texts();
    let here = format!("/ansokan/{id}");
    let (field, message, status) = match &error {
        AppError::Invalid { field, reason } => (*field, reason.clone(), StatusCode::BAD_REQUEST),
        AppError::Conflict(_) => ("outcome", t.conflict.to_owned(), StatusCode::CONFLICT),
        AppError::Rejected(e) => ("outcome", e.to_string(), StatusCode::BAD_REQUEST),
        _ => return app_error(error, lang, Some(NavUser::new(&signed.signed_in, lang.0)), &here),
    };
    match state
        .app
        .application_case_in(&signed.signed_in.actor, ApplicationId(id), norm_lang(lang.0))
        .await
    {
        Ok(case) => {
            let mut p = page(&case, &signed.signed_in, lang, here);
            // A correction's "reasons" and a decision's are different fields.
            let field = match (&posted, field) {
                (Posted::Correction(_), "outcome") => "fact",
                (Posted::Decision(_), "reason") => "reasons",
                (Posted::Decision(_), "what") => "extra_1",
                _ => field,
            };
            let at = anchor(field);
            p.field_errors.push((at, message.clone()));
            p.errors.push((at, message));
            match posted {
                Posted::Correction(f) => {
                    select(&mut p.fact_choices, &f.fact);
                    select(&mut p.member_choices, &f.member);
                    select(&mut p.income_choices, &f.income_kind);
                    select(&mut p.source_choices, &f.source);
                    p.form_value = f.value.clone();
                    p.form_reason = f.reason.clone();
                    p.form_source_detail = f.source_detail.clone();
                }
                Posted::Decision(f) => {
                    p.form_verdict = f.outcome.clone();
                    p.form_reasons = f.reasons.clone();
                    p.form_reduction_amount = f.reduction_amount.clone();
                    p.form_reduction_reasons = f.reduction_reasons.clone();
                    p.form_sanction_outcome = f.sanction_outcome.clone();
                    for r in &mut p.sanction_rows {
                        r.checked = f.rest.get(&r.field).is_some_and(|v| !v.trim().is_empty());
                    }
                    for row in &mut p.extra_rows {
                        select(&mut row.purposes, f.field("purpose", row.n));
                        row.what = f.field("what", row.n).to_owned();
                        row.applied = f.field("applied", row.n).to_owned();
                        row.granted = f.field("granted", row.n).to_owned();
                        row.reasons = f.field("item_reasons", row.n).to_owned();
                    }
                }
                Posted::None => {}
            }
            render(status, &p)
        }
        Err(e) => app_error(e, lang, Some(NavUser::new(&signed.signed_in, lang.0)), &here),
    }
}

fn select(choices: &mut [Choice], value: &str) {
    for c in choices {
        c.2 = c.0 == value;
    }
}

/// How a member is named on the page: by role, number and age, never by an id.
fn member_labels(r: &CalcRequest, d: &DecisionTexts) -> Vec<String> {
    let (mut adults, mut children) = (0, 0);
    r.members
        .iter()
        .map(|m| {
            let (word, n) = if m.role == Role::Adult {
                adults += 1;
                (d.adult, adults)
            } else {
                children += 1;
                (d.child, children)
            };
            format!("{word} {n}, {} {}", m.age, d.years)
        })
        .collect()
}

/// A fact's name, with the member it concerns.
pub(crate) fn fact_label(fact: &Fact, r: &CalcRequest, d: &DecisionTexts) -> String {
    let labels = member_labels(r, d);
    let who = |id: &str| {
        r.members
            .iter()
            .position(|m| m.id == id)
            .and_then(|at| labels.get(at))
            .cloned()
            .unwrap_or_default()
    };
    match fact {
        Fact::Cost { cost } => d.cost(*cost).to_owned(),
        Fact::Income {
            member: Some(m),
            kind,
        } => format!("{}: {} ({})", d.fact_income, d.income(*kind), who(m)),
        Fact::Income { member: None, kind } => format!("{}: {}", d.fact_income, d.income(*kind)),
        Fact::EarnedEarlierThisYear { member } => format!("{} ({})", d.fact_earlier, who(member)),
        Fact::Assets => d.fact_assets.to_owned(),
        Fact::Lunch { member } => format!("{} ({})", d.fact_lunch, who(member)),
        Fact::JobbstimulansFrom { member } => format!("{} ({})", d.fact_jobbstimulans, who(member)),
        Fact::MonthsWithAssistance { member } => format!("{} ({})", d.fact_months, who(member)),
        Fact::Couple => d.fact_couple.to_owned(),
        Fact::SharedHouseholdSize => d.fact_shared.to_owned(),
        Fact::NormAdjustment { member: Some(m) } => format!("{} ({})", d.fact_norm_adjustment, who(m)),
        Fact::NormAdjustment { member: None } => d.fact_norm_adjustment.to_owned(),
    }
}

pub(crate) fn value_text(v: &FactValue, d: &DecisionTexts) -> String {
    match v {
        FactValue::Kronor(k) => kronor(*k),
        FactValue::Yes(true) => d.yes.to_owned(),
        FactValue::Yes(false) => d.no.to_owned(),
        FactValue::Month(Some(m)) => m.to_string(),
        FactValue::Month(None) => d.none.to_owned(),
        FactValue::Count(n) => n.to_string(),
        FactValue::Adjustment(k) if *k < 0 => format!("−{}", kronor(-k)),
        FactValue::Adjustment(k) => format!("+{}", kronor(*k)),
    }
}

/// Every fact the declaration or the investigation mentions, in a fixed order.
fn facts_of(declared: &CalcRequest, established: &CalcRequest) -> Vec<Fact> {
    let mut facts: Vec<Fact> = CostKind::ALL
        .into_iter()
        .map(|cost| Fact::Cost { cost })
        .collect();
    for r in [declared, established] {
        for i in &r.incomes {
            let f = Fact::Income {
                member: i.member.clone(),
                kind: i.kind,
            };
            if !facts.contains(&f) {
                facts.push(f);
            }
        }
    }
    facts.push(Fact::Assets);
    for m in &declared.members {
        if m.role == Role::Adult {
            facts.push(Fact::MonthsWithAssistance { member: m.id.clone() });
            facts.push(Fact::JobbstimulansFrom { member: m.id.clone() });
        } else if m.age <= 6 {
            facts.push(Fact::Lunch { member: m.id.clone() });
        }
    }
    if declared.members.iter().filter(|m| m.role == Role::Adult).count() == 2 {
        facts.push(Fact::Couple);
    }
    facts.push(Fact::SharedHouseholdSize);
    for r in [declared, established] {
        for a in &r.norm_adjustments {
            let f = Fact::NormAdjustment {
                member: a.member.clone(),
            };
            if !facts.contains(&f) {
                facts.push(f);
            }
        }
    }
    facts
}

fn page(case: &ApplicationCase, signed: &SignedIn, lang: PageLang, here: String) -> ApplicationPage {
    let t = lang.texts();
    let d = DecisionTexts::of(lang.0);
    let a = &case.application;
    let may_decide = signed.actor.require(app::access::Permission::Decide).is_ok();
    let (calc_error, parts, assistance, findings) = match &case.calculation {
        Some(Ok(r)) => (
            None,
            calc_parts(r, t)
                .into_iter()
                .map(|p| PartRows {
                    heading: p.heading,
                    total: p.total,
                    lines: Vec::new(),
                })
                .zip(["norm", "reasonable_costs", "counted_income", "assets"])
                .map(|(mut p, key)| {
                    p.lines = r
                        .lines
                        .iter()
                        .filter(|l| l.part == key)
                        .map(|l| LineRow {
                            text: l.text.clone(),
                            amount: kronor(l.amount),
                            basis: l.basis.clone(),
                            changed: case.line_changed(l),
                        })
                        .collect();
                    p
                })
                .collect(),
            kronor(r.assistance),
            r.findings.clone(),
        ),
        Some(Err(e)) => (Some(e.clone()), Vec::new(), String::new(), Vec::new()),
        None => (None, Vec::new(), String::new(), Vec::new()),
    };
    let (facts, corrections, member_choices) = match (&case.declared, &case.established) {
        (Some(declared), Some(established)) => {
            let facts = facts_of(declared, established)
                .into_iter()
                .filter_map(|f| {
                    let (before, after) = (f.value_in(declared), f.value_in(established));
                    let change = case.changes.iter().find(|c| c.fact == f);
                    // Facts that are empty in both are left out, except the costs the form always asks for.
                    let empty = |v: &FactValue| {
                        matches!(
                            v,
                            FactValue::Kronor(0) | FactValue::Count(0) | FactValue::Month(None)
                        )
                    };
                    if empty(&before) && empty(&after) && !matches!(f, Fact::Cost { cost: CostKind::Rent }) {
                        return None;
                    }
                    Some(FactRow {
                        label: fact_label(&f, declared, d),
                        declared: value_text(&before, d),
                        established: value_text(&after, d),
                        changed: change.is_some(),
                        why: change
                            .map(|c| format!("{} ({}: {})", c.reason, d.source(c.source), c.source_detail))
                            .unwrap_or_default(),
                    })
                })
                .collect();
            let corrections = case
                .corrections
                .iter()
                .map(|c| CorrectionRow {
                    when: local_time(c.recorded_at),
                    label: fact_label(&c.correction.fact, declared, d),
                    value: value_text(&c.correction.value, d),
                    reason: c.correction.reason.clone(),
                    source: format!(
                        "{}: {}",
                        d.source(c.correction.source),
                        c.correction.source_detail
                    ),
                })
                .collect();
            let mut members: Vec<Choice> = vec![(String::new(), d.whole_household.to_owned(), false)];
            members.extend(
                member_labels(declared, d)
                    .into_iter()
                    .enumerate()
                    .map(|(at, label)| (at.to_string(), label, false)),
            );
            (facts, corrections, members)
        }
        _ => (Vec::new(), Vec::new(), Vec::new()),
    };
    let mut fact_choices: Vec<Choice> = vec![(String::new(), d.choose.to_owned(), false)];
    fact_choices.extend(
        CostKind::ALL
            .into_iter()
            .map(|c| (format!("cost:{}", c.as_str()), d.cost(c).to_owned(), false)),
    );
    fact_choices.extend(
        [
            ("income", d.fact_income),
            ("assets", d.fact_assets),
            ("lunch", d.fact_lunch),
            ("earned_earlier", d.fact_earlier),
            ("months_with_assistance", d.fact_months),
            ("jobbstimulans_from", d.fact_jobbstimulans),
            ("couple", d.fact_couple),
            ("shared_household_size", d.fact_shared),
            ("norm_adjustment", d.fact_norm_adjustment),
        ]
        .into_iter()
        .map(|(v, l)| (v.to_owned(), l.to_owned(), false)),
    );
    let mut income_choices: Vec<Choice> = vec![(String::new(), d.choose.to_owned(), false)];
    income_choices.extend(
        INCOME_KINDS
            .into_iter()
            .map(|k| (income_code(k), d.income(k).to_owned(), false)),
    );
    let mut source_choices: Vec<Choice> = vec![(String::new(), d.choose.to_owned(), false)];
    source_choices.extend(
        FactSource::ALL
            .into_iter()
            .map(|s| (s.as_str().to_owned(), d.source(s).to_owned(), false)),
    );
    let purposes = {
        let mut v: Vec<Choice> = vec![(String::new(), d.choose.to_owned(), false)];
        v.extend(
            Purpose::ALL
                .into_iter()
                .filter(|p| p.is_livsforing())
                .map(|p| (p.as_str().to_owned(), d.purpose(p).to_owned(), false)),
        );
        v
    };
    let investigating = a.status == ApplicationStatus::UnderInvestigation;
    ApplicationPage {
        lang: lang.0,
        t,
        d,
        user: Some(NavUser::new(signed, lang.0)),
        here,
        id: a.id.get(),
        household: a.household.get(),
        month: a.month.to_string(),
        status: t.application_status(a.status.as_str()),
        received: a.received_on.to_string(),
        version: a.version,
        csrf_token: signed.csrf_token.clone(),
        has_declaration: case.declared.is_some(),
        members: case
            .declared
            .as_ref()
            .map(|r| member_labels(r, d))
            .unwrap_or_default(),
        facts,
        corrections,
        calc_error,
        parts,
        assistance,
        findings,
        decision: a.current_decision.map(|d| d.get()),
        documents: case.documents.iter().map(|doc| document_row(doc, t)).collect(),
        can_start: may_decide && a.status == ApplicationStatus::Received,
        can_decide: may_decide && investigating && matches!(case.calculation, Some(Ok(_))),
        errors: Vec::new(),
        field_errors: Vec::new(),
        fact_choices,
        member_choices,
        income_choices,
        source_choices,
        form_value: String::new(),
        form_reason: String::new(),
        form_source_detail: String::new(),
        form_verdict: "bifall".to_owned(),
        form_reasons: String::new(),
        extra_rows: (1..=EXTRA_ROWS)
            .map(|n| ExtraRow {
                n,
                purposes: purposes.clone(),
                ..ExtraRow::default()
            })
            .collect(),
        form_reduction_amount: String::new(),
        form_reduction_reasons: String::new(),
        st: crate::sanction_texts::SanctionTexts::of(lang.0),
        sanction_rows: crate::sanction_pages::decision_form_rows(&case.open_sanctions, signed, lang.0),
        form_sanction_outcome: String::new(),
    }
}

/// An instant as Swedish local time, to the minute.
fn local_time(at: jiff::Timestamp) -> String {
    crate::time::minute(at)
}

/// The investigation's changes as sentences, for the decision page and the letter: "Hyra: uppgett 8 000 kr,
/// fastställt 7 500 kr. Hyresavin visar 7 500 kr (Bilaga: Hyresavi mars)."
pub(crate) fn change_sentences(
    changes: &[app::domain::investigation::FactChange],
    request: &CalcRequest,
    d: &DecisionTexts,
) -> Vec<String> {
    changes
        .iter()
        .map(|c| {
            format!(
                "{}: {} {}, {} {}. {} ({}: {}).",
                fact_label(&c.fact, request, d),
                d.declared.to_lowercase(),
                value_text(&c.declared, d),
                d.established.to_lowercase(),
                value_text(&c.established, d),
                c.reason,
                d.source(c.source),
                c.source_detail
            )
        })
        .collect()
}
