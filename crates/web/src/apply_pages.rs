//! The applicant's online application form: one page posted as `multipart/form-data` (it works without
//! JavaScript) with up to five attachments, errors next to each field, nothing stored unless all of it is valid.

use std::collections::BTreeMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use app::AppError;
use app::applying::{ApplicationForm, Attachment, AttachmentProblem, attachment_problems, months_open};
use app::domain::document::{DocumentKind, MAX_ATTACHMENTS, MAX_DOCUMENT_BYTES};
use app::norm::Month;
use app::norm::contract::{CostsIn, IncomeKind, Role};

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

/// One file input with its kind.
#[derive(Debug)]
pub struct AttachmentSlot {
    pub number: usize,
    pub file: &'static str,
    pub kind: &'static str,
    pub kind_value: String,
    pub error: Option<String>,
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
    pub slots: Vec<AttachmentSlot>,
    /// (value, label) of the kinds an applicant sends.
    pub kinds: Vec<(&'static str, &'static str)>,
    /// A problem with the attachments as a whole (too many, too large together).
    pub attachments_error: Option<String>,
    /// Files were sent but the page is shown again: the browser does not keep them.
    pub choose_again: bool,
    pub errors: Vec<(&'static str, String)>,
}

/// The form's file inputs and their kind selects, one pair per attachment the domain allows.
const SLOTS: [(&str, &str); MAX_ATTACHMENTS] = [
    ("file_1", "kind_1"),
    ("file_2", "kind_2"),
    ("file_3", "kind_3"),
    ("file_4", "kind_4"),
    ("file_5", "kind_5"),
];

/// The error summary's anchor for problems with the attachments as a whole.
const ATTACHMENTS: &str = "attachments";

/// The most one posted application may weigh: every file at its limit, plus a mebibyte for the form's other fields
/// and the multipart framing. The router sets it on this route only; a larger request is cut off while it is read
/// and answered with the form and a message.
pub const BODY_LIMIT: usize = MAX_ATTACHMENTS * (MAX_DOCUMENT_BYTES as usize) + 1024 * 1024;

/// A file as posted. Content past the size limit is not kept: one byte more is enough to refuse it.
struct PostedFile {
    /// The name of the form field (`file_1`...), to put the message next to it.
    field: String,
    file_name: String,
    mime: String,
    content: Vec<u8>,
}

/// What the browser sent: the text fields, the files, and whether reading stopped early.
struct Posted {
    fields: BTreeMap<String, String>,
    files: Vec<PostedFile>,
    /// Reading stopped: the request was larger than [`BODY_LIMIT`] (413) or malformed. What was read is kept.
    cut_off: Option<StatusCode>,
}

async fn read_form(mut multipart: Multipart) -> Posted {
    let mut posted = Posted {
        fields: BTreeMap::new(),
        files: Vec::new(),
        cut_off: None,
    };
    let keep = usize::try_from(MAX_DOCUMENT_BYTES)
        .unwrap_or(usize::MAX)
        .saturating_add(1);
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                posted.cut_off = Some(e.status());
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        let Some(file_name) = field.file_name().map(str::to_owned) else {
            match field.text().await {
                Ok(value) => {
                    posted.fields.insert(name, value);
                    continue;
                }
                Err(e) => {
                    posted.cut_off = Some(e.status());
                    break;
                }
            }
        };
        let mime = field.content_type().unwrap_or_default().to_owned();
        let mut content = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    let room = keep.saturating_sub(content.len());
                    content.extend_from_slice(chunk.get(..room.min(chunk.len())).unwrap_or_default());
                }
                Ok(None) => break,
                Err(e) => {
                    posted.cut_off = Some(e.status());
                    return posted;
                }
            }
        }
        // A file input left empty arrives as a part with neither a name nor content.
        if file_name.is_empty() && content.is_empty() {
            continue;
        }
        posted.files.push(PostedFile {
            field: name,
            mime: declared_type(&mime, &file_name),
            file_name: base_name(&file_name).to_owned(),
            content,
        });
    }
    posted
}

/// Some browsers send a Windows path as the file name; only its last part is the name.
fn base_name(file_name: &str) -> &str {
    file_name.rsplit(['/', '\\']).next().unwrap_or(file_name)
}

/// The type the browser declared, or, when it declared none (`application/octet-stream`), the one the file's
/// extension names. The domain's check then requires the content to match it.
fn declared_type(mime: &str, file_name: &str) -> String {
    let mime = mime
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if !mime.is_empty() && mime != "application/octet-stream" {
        return mime;
    }
    let extension = file_name
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match extension.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        _ => "application/octet-stream",
    }
    .to_owned()
}

fn problem_text(problem: AttachmentProblem, t: &'static Texts) -> &'static str {
    match problem {
        AttachmentProblem::TooMany => t.error_attachments_too_many,
        AttachmentProblem::Kind => t.error_attachment_kind,
        AttachmentProblem::Name => t.error_attachment_name,
        AttachmentProblem::Type => t.error_attachment_type,
        AttachmentProblem::Empty => t.error_attachment_empty,
        AttachmentProblem::Content => t.error_attachment_content,
        AttachmentProblem::Size => t.error_attachment_size,
    }
}

/// The posted files as the use case takes them, with a message for each one that cannot be sent: next to its own
/// field, or on the attachments as a whole for what belongs to no field (too many files).
fn attachments_of(posted: &Posted, t: &'static Texts) -> (Vec<Attachment>, Vec<(&'static str, String)>) {
    let mut errors = Vec::new();
    let mut attachments = Vec::new();
    let mut anchors = Vec::new();
    for file in &posted.files {
        let slot = SLOTS.iter().find(|(f, _)| *f == file.field);
        let anchor = slot.map_or(ATTACHMENTS, |(f, _)| *f);
        let kind = slot
            .and_then(|(_, k)| posted.fields.get(*k))
            .and_then(|k| k.parse::<DocumentKind>().ok());
        match kind {
            Some(kind) => {
                attachments.push(Attachment {
                    kind,
                    file_name: file.file_name.clone(),
                    mime: file.mime.clone(),
                    content: file.content.clone(),
                });
                anchors.push(anchor);
            }
            None if slot.is_none() => errors.push((ATTACHMENTS, t.error_attachments_too_many.to_owned())),
            None => errors.push((anchor, t.error_attachment_kind.to_owned())),
        }
    }
    for (i, problem) in attachment_problems(&attachments) {
        let anchor = match problem {
            AttachmentProblem::TooMany => ATTACHMENTS,
            _ => anchors.get(i).copied().unwrap_or(ATTACHMENTS),
        };
        if !errors.iter().any(|(a, _)| *a == anchor) {
            errors.push((anchor, problem_text(problem, t).to_owned()));
        }
    }
    (attachments, errors)
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
        false,
        StatusCode::OK,
    )
    .await
}

pub async fn submit(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let t = lang.texts();
    let multipart = match multipart {
        Ok(m) => m,
        Err(rejection) => return rejection.into_response(),
    };
    let posted = read_form(multipart).await;
    let fields = &posted.fields;
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
    let (attachments, attachment_errors) = attachments_of(&posted, t);
    errors.extend(attachment_errors);
    match posted.cut_off {
        Some(StatusCode::PAYLOAD_TOO_LARGE) => {
            errors.push((ATTACHMENTS, t.error_attachments_too_large.to_owned()))
        }
        Some(_) => errors.push((ATTACHMENTS, t.error_form_unreadable.to_owned())),
        None => {}
    }
    if let (true, Ok(month)) = (errors.is_empty(), month) {
        let form = ApplicationForm {
            month,
            couple: fields.contains_key("couple"),
            costs,
            incomes,
            attachments,
        };
        match state.app.apply_online(&signed.signed_in.actor, form).await {
            Ok(_) => return Redirect::to("/mina-sidor").into_response(),
            Err(AppError::Invalid { field, reason }) => errors.push((
                match field {
                    "month" => "month",
                    ATTACHMENTS => ATTACHMENTS,
                    _ => "incomes",
                },
                reason,
            )),
            Err(e) => return app_error(e, lang, Some(NavUser::new(&signed.signed_in, lang.0)), "/ansok"),
        }
    }
    let choose_again = !posted.files.is_empty() || posted.cut_off.is_some();
    let status = match posted.cut_off {
        Some(StatusCode::PAYLOAD_TOO_LARGE) => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::BAD_REQUEST,
    };
    page(&state, &signed, lang, fields, errors, choose_again, status).await
}

async fn page(
    state: &AppState,
    signed: &Signed,
    lang: PageLang,
    fields: &BTreeMap<String, String>,
    errors: Vec<(&'static str, String)>,
    choose_again: bool,
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
        slots: SLOTS
            .iter()
            .enumerate()
            .map(|(i, (file, kind))| AttachmentSlot {
                number: i + 1,
                file,
                kind,
                kind_value: fields
                    .get(*kind)
                    .cloned()
                    .unwrap_or_else(|| DocumentKind::Underlag.as_str().to_owned()),
                error: errors.iter().find(|(f, _)| f == file).map(|(_, m)| m.clone()),
            })
            .collect(),
        kinds: vec![
            (DocumentKind::Underlag.as_str(), t.kind_underlag),
            (DocumentKind::Intyg.as_str(), t.kind_intyg),
        ],
        attachments_error: errors
            .iter()
            .find(|(f, _)| *f == ATTACHMENTS)
            .map(|(_, m)| m.clone()),
        choose_again,
        errors,
    };
    render(status, &page)
}
