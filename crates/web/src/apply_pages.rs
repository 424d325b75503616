//! The applicant's online application form: one page, errors next to each field, nothing stored unless all of it
//! is valid.

use std::collections::BTreeMap;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use app::AppError;
use app::applying::{ApplicationForm, months_open};
use norm::Month;
use norm::contract::{CostsIn, IncomeKind, Role};

use crate::case_pages::app_error;
use crate::i18n::{Lang, Texts};
use crate::lang::PageLang;
use crate::pages::{NavUser, render};
use crate::router::AppState;
use crate::session::Signed;

#[derive(Debug)]
pub struct AmountField {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    pub error: Option<&'static str>,
}

#[derive(Debug, Template)]
#[template(path = "apply.html")]
pub struct ApplyPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub user: Option<NavUser>,
    pub here: String,
    pub csrf_token: String,
    /// (name, role)
    pub members: Vec<(String, &'static str)>,
    pub two_adults: bool,
    pub months: Vec<String>,
    pub month: String,
    pub month_error: Option<String>,
    pub couple: bool,
    pub cost_fields: Vec<AmountField>,
    pub income_fields: Vec<AmountField>,
    pub errors: Vec<(&'static str, String)>,
}

const COSTS: [&str; 5] = [
    "rent",
    "electricity",
    "home_insurance",
    "work_travel",
    "union_fees",
];
const INCOMES: [(&str, IncomeKind); 10] = [
    ("salary", IncomeKind::Salary),
    ("unemployment_benefit", IncomeKind::UnemploymentBenefit),
    ("sickness_benefit", IncomeKind::SicknessBenefit),
    ("parental_benefit", IncomeKind::ParentalBenefit),
    ("child_allowance", IncomeKind::ChildAllowance),
    ("housing_allowance", IncomeKind::HousingAllowance),
    ("maintenance_support", IncomeKind::MaintenanceSupport),
    ("student_aid", IncomeKind::StudentAid),
    ("pension", IncomeKind::Pension),
    ("other_counted", IncomeKind::OtherCounted),
];

fn cost_label(name: &str, t: &'static Texts) -> &'static str {
    match name {
        "rent" => t.rent,
        "electricity" => t.electricity,
        "home_insurance" => t.home_insurance,
        "work_travel" => t.work_travel,
        _ => t.union_fees,
    }
}

fn income_label(kind: IncomeKind, t: &'static Texts) -> &'static str {
    match kind {
        IncomeKind::Salary => t.income_salary,
        IncomeKind::UnemploymentBenefit => t.income_unemployment,
        IncomeKind::SicknessBenefit => t.income_sickness,
        IncomeKind::ParentalBenefit => t.income_parental,
        IncomeKind::ChildAllowance => t.income_child_allowance,
        IncomeKind::HousingAllowance => t.income_housing,
        IncomeKind::MaintenanceSupport => t.income_maintenance,
        IncomeKind::StudentAid => t.income_student,
        IncomeKind::Pension => t.income_pension,
        _ => t.income_other,
    }
}

pub async fn form(State(state): State<Arc<AppState>>, lang: PageLang, signed: Signed) -> Response {
    page(
        &state,
        &signed,
        lang,
        &BTreeMap::new(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn submit(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Response {
    let t = lang.texts();
    let given = |k: &str| {
        fields
            .get(k)
            .map(|v| v.trim().replace([' ', '\u{a0}', '\u{202f}'], ""))
            .unwrap_or_default()
    };
    if let Err(refused) = signed.check_csrf(fields.get("csrf_token").map(String::as_str).unwrap_or_default())
    {
        return refused.into_response();
    }
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let mut amount = |name: &'static str| -> i64 {
        let v = given(name);
        if v.is_empty() {
            return 0;
        }
        match v.parse::<i64>() {
            Ok(n) if n >= 0 => n,
            _ => {
                errors.push((name, t.error_amount.to_owned()));
                0
            }
        }
    };
    let costs = CostsIn {
        rent: amount("rent"),
        electricity: amount("electricity"),
        home_insurance: amount("home_insurance"),
        work_travel: amount("work_travel"),
        union_fees: amount("union_fees"),
    };
    let incomes: Vec<(IncomeKind, i64)> = INCOMES.iter().map(|(name, kind)| (*kind, amount(name))).collect();
    let month = given("month").parse::<Month>();
    if month.is_err() {
        errors.push(("month", t.error_month.to_owned()));
    }
    if let (true, Ok(month)) = (errors.is_empty(), month) {
        let form = ApplicationForm {
            month,
            couple: fields.contains_key("couple"),
            costs,
            incomes,
        };
        match state.app.apply_online(&signed.signed_in.actor, form).await {
            Ok(_) => return Redirect::to("/mina-sidor").into_response(),
            Err(AppError::Invalid { field, reason }) => {
                errors.push((if field == "month" { "month" } else { "incomes" }, reason))
            }
            Err(e) => return app_error(e, lang, Some(NavUser::new(&signed.signed_in, lang.0)), "/ansok"),
        }
    }
    page(&state, &signed, lang, &fields, errors, StatusCode::BAD_REQUEST).await
}

async fn page(
    state: &AppState,
    signed: &Signed,
    lang: PageLang,
    fields: &BTreeMap<String, String>,
    errors: Vec<(&'static str, String)>,
    status: StatusCode,
) -> Response {
    let t = lang.texts();
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    let household = match state.app.my_household(&signed.signed_in.actor).await {
        Ok(h) => h,
        Err(e) => return app_error(e, lang, user, "/ansok"),
    };
    let today = state.app.clock.now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let months: Vec<String> = months_open(today).iter().map(ToString::to_string).collect();
    let error_for = |name: &str| errors.iter().find(|(f, _)| *f == name).map(|_| t.error_amount);
    let value = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let page = ApplyPage {
        lang: lang.0,
        t,
        user,
        here: "/ansok".to_owned(),
        csrf_token: signed.signed_in.csrf_token.clone(),
        members: household
            .members
            .iter()
            .map(|m| {
                (
                    m.person.name.clone(),
                    if m.role == Role::Adult { t.adult } else { t.child },
                )
            })
            .collect(),
        two_adults: household.members.iter().filter(|m| m.role == Role::Adult).count() == 2,
        month: fields
            .get("month")
            .cloned()
            .or_else(|| months.first().cloned())
            .unwrap_or_default(),
        months,
        month_error: errors.iter().find(|(f, _)| *f == "month").map(|(_, m)| m.clone()),
        couple: fields.contains_key("couple"),
        cost_fields: COSTS
            .iter()
            .map(|n| AmountField {
                name: n,
                label: cost_label(n, t),
                value: value(n),
                error: error_for(n),
            })
            .collect(),
        income_fields: INCOMES
            .iter()
            .map(|(n, k)| AmountField {
                name: n,
                label: income_label(*k, t),
                value: value(n),
                error: error_for(n),
            })
            .collect(),
        errors,
    };
    render(status, &page)
}
