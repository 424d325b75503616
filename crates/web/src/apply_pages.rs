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
use app::applying::{
    ApplicationForm, ApplicationStart, Attachment, AttachmentProblem, FormMember, MemberFacts,
    assistance_household, attachment_problems,
};
use app::domain::document::{DocumentKind, MAX_ATTACHMENTS, MAX_DOCUMENT_BYTES};
use app::norm::Month;
use app::norm::contract::{CostsIn, IncomeKind, Role};

use crate::amount::kronor_or_zero;
use crate::case_pages::app_error;
use crate::i18n::{Lang, Texts};
use crate::lang::PageLang;
use crate::pages::{NavUser, render};
use crate::router::AppState;
use crate::session::Signed;

#[derive(Debug)]
pub struct AmountField {
    pub name: String,
    pub label: &'static str,
    pub value: String,
    pub error: Option<String>,
}

/// A checkbox of a member's section.
#[derive(Debug)]
pub struct Check {
    pub name: String,
    pub checked: bool,
}

/// One member's part of the form: their name (masked when protected) and role, never an id.
#[derive(Debug)]
pub struct MemberSection {
    /// The section's anchor (`m2`): the member's place in the list.
    pub id: String,
    pub heading: String,
    /// A child, when the applicant may apply without them (other adults live in the household).
    pub supported: Option<Check>,
    /// A child aged 0-6: lunch outside the home five days a week.
    pub lunch: Option<Check>,
    pub fields: Vec<AmountField>,
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
    /// (value, name) of the other adults the applicant may name as their partner.
    pub partners: Vec<(String, String)>,
    /// The value chosen ("" for none).
    pub partner: String,
    pub partner_error: Option<String>,
    pub months: Vec<String>,
    pub month: String,
    pub month_error: Option<String>,
    pub sections: Vec<MemberSection>,
    pub cost_fields: Vec<AmountField>,
    /// The household's incomes (not any one member's).
    pub income_fields: Vec<AmountField>,
    pub incomes_error: Option<String>,
    pub assets: AmountField,
    pub slots: Vec<AttachmentSlot>,
    /// (value, label) of the kinds an applicant sends.
    pub kinds: Vec<(&'static str, &'static str)>,
    /// A problem with the attachments as a whole (too many, too large together).
    pub attachments_error: Option<String>,
    /// Files were sent but the page is shown again: the browser does not keep them.
    pub choose_again: bool,
    /// The error summary: each field once, with the message shown next to it.
    pub errors: Vec<(String, String)>,
    /// The amount inputs' `maxlength`.
    pub max_amount_chars: usize,
}

/// The error summary links to each field once, with the first message found for it (the one shown next to the
/// field), in the order the problems were found.
pub fn summary(errors: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut seen = std::collections::BTreeSet::new();
    errors
        .into_iter()
        .filter(|(field, _)| seen.insert(field.clone()))
        .collect()
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

/// Incomes that belong to the household rather than to one member.
const HOUSEHOLD_INCOMES: [(&str, IncomeKind); 3] = [
    ("child_allowance", IncomeKind::ChildAllowance),
    ("housing_allowance", IncomeKind::HousingAllowance),
    ("maintenance_support", IncomeKind::MaintenanceSupport),
];

/// An adult's own incomes: every other kind of the calc contract.
const ADULT_INCOMES: [(&str, IncomeKind); 14] = [
    ("salary", IncomeKind::Salary),
    ("unemployment_benefit", IncomeKind::UnemploymentBenefit),
    ("activity_support", IncomeKind::ActivitySupport),
    ("sickness_benefit", IncomeKind::SicknessBenefit),
    ("parental_benefit", IncomeKind::ParentalBenefit),
    ("sickness_compensation", IncomeKind::SicknessCompensation),
    ("establishment_benefit", IncomeKind::EstablishmentBenefit),
    ("student_aid", IncomeKind::StudentAid),
    ("pension", IncomeKind::Pension),
    ("tax_refund", IncomeKind::TaxRefund),
    ("other_counted", IncomeKind::OtherCounted),
    ("disability_compensation", IncomeKind::DisabilityCompensation),
    ("exempt_grant", IncomeKind::ExemptGrant),
    ("other_exempt", IncomeKind::OtherExempt),
];

/// A child's own incomes (the child's salary has a rule of its own; studiehjälp counts as student aid).
const CHILD_INCOMES: [(&str, IncomeKind); 4] = [
    ("salary", IncomeKind::Salary),
    ("student_aid", IncomeKind::StudentAid),
    ("other_counted", IncomeKind::OtherCounted),
    ("other_exempt", IncomeKind::OtherExempt),
];

pub(crate) fn cost_label(name: &str, t: &'static Texts) -> &'static str {
    match name {
        "rent" => t.rent,
        "electricity" => t.electricity,
        "home_insurance" => t.home_insurance,
        "work_travel" => t.work_travel,
        _ => t.union_fees,
    }
}

pub(crate) fn income_label(kind: IncomeKind, t: &'static Texts) -> &'static str {
    match kind {
        IncomeKind::Salary => t.income_salary,
        IncomeKind::UnemploymentBenefit => t.income_unemployment,
        IncomeKind::ActivitySupport => t.income_activity_support,
        IncomeKind::SicknessBenefit => t.income_sickness,
        IncomeKind::ParentalBenefit => t.income_parental,
        IncomeKind::SicknessCompensation => t.income_sickness_compensation,
        IncomeKind::ChildAllowance => t.income_child_allowance,
        IncomeKind::HousingAllowance => t.income_housing,
        IncomeKind::MaintenanceSupport => t.income_maintenance,
        IncomeKind::StudentAid => t.income_student,
        IncomeKind::EstablishmentBenefit => t.income_establishment,
        IncomeKind::Pension => t.income_pension,
        IncomeKind::TaxRefund => t.income_tax_refund,
        IncomeKind::OtherCounted => t.income_other,
        IncomeKind::DisabilityCompensation => t.income_disability,
        IncomeKind::ExemptGrant => t.income_exempt_grant,
        IncomeKind::OtherExempt => t.income_other_exempt,
    }
}

/// A member's fields are named by their place in the list (`m2_salary`), never by an id.
fn member_field(n: usize, name: &str) -> String {
    format!("m{n}_{name}")
}

fn member_incomes(role: Role) -> &'static [(&'static str, IncomeKind)] {
    match role {
        Role::Adult => &ADULT_INCOMES,
        Role::Child => &CHILD_INCOMES,
    }
}

/// The form's posted values, read field by field with a message next to each bad one.
struct Reader<'a> {
    fields: &'a BTreeMap<String, String>,
    lang: Lang,
    errors: Vec<(String, String)>,
}

impl Reader<'_> {
    fn given(&self, name: &str) -> String {
        self.fields
            .get(name)
            .map(|v| v.trim().replace([' ', '\u{a0}', '\u{202f}'], ""))
            .unwrap_or_default()
    }

    /// Whole kronor, 0 when empty; anything `crate::amount` refuses gets a message naming the field (`label`, cut
    /// at its first colon, as the form shows it).
    fn amount(&mut self, name: &str, label: &str) -> i64 {
        let raw = self.fields.get(name).map(String::as_str).unwrap_or_default();
        match kronor_or_zero(raw) {
            Ok(n) => n,
            Err(problem) => {
                let label = label.split(':').next().unwrap_or(label).trim();
                self.errors
                    .push((name.to_owned(), problem.message(self.lang, label)));
                0
            }
        }
    }

    fn checked(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }
}

/// The posted form as the use case takes it (without the attachments), and each bad field with its message.
fn read_declaration(
    fields: &BTreeMap<String, String>,
    start: &ApplicationStart,
    lang: Lang,
) -> (Option<Month>, ApplicationForm, Vec<(String, String)>) {
    let t = lang.texts();
    let mut r = Reader {
        fields,
        lang,
        errors: Vec::new(),
    };
    let mut cost = |name: &str| r.amount(name, cost_label(name, t));
    let costs = CostsIn {
        rent: cost("rent"),
        electricity: cost("electricity"),
        home_insurance: cost("home_insurance"),
        work_travel: cost("work_travel"),
        union_fees: cost("union_fees"),
    };
    let assets = r.amount("assets", t.apply_assets_label);
    let household_incomes = HOUSEHOLD_INCOMES
        .iter()
        .map(|(name, kind)| (*kind, r.amount(name, income_label(*kind, t))))
        .collect();
    let partner = match r.given("partner").as_str() {
        "" | "0" => None,
        v => match v.parse::<usize>().ok().and_then(|n| n.checked_sub(1)) {
            Some(i)
                if start
                    .members
                    .get(i)
                    .is_some_and(|m| m.role == Role::Adult && !m.me) =>
            {
                Some(i)
            }
            _ => {
                r.errors.push(("partner".to_owned(), t.error_partner.to_owned()));
                None
            }
        },
    };
    let mut members = Vec::new();
    for (i, m) in start.members.iter().enumerate() {
        let n = i + 1;
        // The same label is in every member's section: the message names the member too.
        let named = |label: &str| format!("{} ({})", label, m.name);
        let incomes: Vec<(IncomeKind, i64)> = member_incomes(m.role)
            .iter()
            .map(|(name, kind)| {
                (
                    *kind,
                    r.amount(&member_field(n, name), &named(income_label(*kind, t))),
                )
            })
            .collect();
        let earned_earlier_this_year = match m.role {
            Role::Child => r.amount(&member_field(n, "earlier"), &named(t.apply_earlier)),
            Role::Adult => 0,
        };
        members.push(MemberFacts {
            incomes,
            earned_earlier_this_year,
            lunch_outside_home: m.lunch_question && r.checked(&member_field(n, "lunch")),
            supported: r.checked(&member_field(n, "supported")),
        });
    }
    // Incomes of someone outside the applicant's assistance household: the message goes next to their first field.
    let roles: Vec<(Role, bool)> = start.members.iter().map(|m| (m.role, m.me)).collect();
    let included = assistance_household(&roles, partner, &|i| {
        members.get(i).is_some_and(|f: &MemberFacts| f.supported)
    });
    for (i, (m, f)) in start.members.iter().zip(&members).enumerate() {
        if included.get(i).copied().unwrap_or(true) {
            continue;
        }
        let first = member_incomes(m.role)
            .iter()
            .zip(&f.incomes)
            .find(|(_, (_, a))| *a != 0)
            .map(|((name, _), _)| member_field(i + 1, name))
            .or_else(|| (f.earned_earlier_this_year != 0).then(|| member_field(i + 1, "earlier")));
        if let Some(field) = first
            && !r.errors.iter().any(|(f, _)| *f == field)
        {
            r.errors.push((field, t.error_not_in_application.to_owned()));
        }
    }
    let month = r.given("month").parse::<Month>().ok();
    if month.is_none() {
        r.errors.push(("month".to_owned(), t.error_month.to_owned()));
    }
    let form = ApplicationForm {
        month: month.unwrap_or(Month::MIN),
        partner,
        members,
        household_incomes,
        costs,
        assets,
        attachments: Vec::new(),
    };
    (month, form, r.errors)
}

pub async fn form(State(state): State<Arc<AppState>>, lang: PageLang, signed: Signed) -> Response {
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    let start = match state.app.application_start(&signed.signed_in.actor).await {
        Ok(s) => s,
        Err(e) => return app_error(e, lang, user, "/ansok"),
    };
    page(
        &signed,
        lang,
        &start,
        &BTreeMap::new(),
        Vec::new(),
        false,
        StatusCode::OK,
    )
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
    if let Err(refused) = signed.check_csrf(fields.get("csrf_token").map(String::as_str).unwrap_or_default())
    {
        return refused.into_response();
    }
    let user = || Some(NavUser::new(&signed.signed_in, lang.0));
    let start = match state.app.application_start(&signed.signed_in.actor).await {
        Ok(s) => s,
        Err(e) => return app_error(e, lang, user(), "/ansok"),
    };
    let (month, mut form, mut errors) = read_declaration(fields, &start, lang.0);
    let (attachments, attachment_errors) = attachments_of(&posted, t);
    errors.extend(attachment_errors.into_iter().map(|(f, m)| (f.to_owned(), m)));
    match posted.cut_off {
        Some(StatusCode::PAYLOAD_TOO_LARGE) => {
            errors.push((ATTACHMENTS.to_owned(), t.error_attachments_too_large.to_owned()))
        }
        Some(_) => errors.push((ATTACHMENTS.to_owned(), t.error_form_unreadable.to_owned())),
        None => {}
    }
    if errors.is_empty() && month.is_some() {
        form.attachments = attachments;
        match state.app.apply_online(&signed.signed_in.actor, form).await {
            Ok(application) => {
                let receipt = format!("/mina-sidor/ansokan/{}?skickad=1", application.id.get());
                return Redirect::to(&receipt).into_response();
            }
            Err(AppError::Invalid { field, reason }) => errors.push((
                match field {
                    "month" => "month",
                    ATTACHMENTS => ATTACHMENTS,
                    "partner" => "partner",
                    _ => "incomes",
                }
                .to_owned(),
                crate::citizen_texts::sentence_case(&reason),
            )),
            Err(e) => return app_error(e, lang, user(), "/ansok"),
        }
    }
    let choose_again = !posted.files.is_empty() || posted.cut_off.is_some();
    let status = match posted.cut_off {
        Some(StatusCode::PAYLOAD_TOO_LARGE) => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::BAD_REQUEST,
    };
    page(&signed, lang, &start, fields, errors, choose_again, status)
}

fn page(
    signed: &Signed,
    lang: PageLang,
    start: &ApplicationStart,
    fields: &BTreeMap<String, String>,
    errors: Vec<(String, String)>,
    choose_again: bool,
    status: StatusCode,
) -> Response {
    let t = lang.texts();
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    let months: Vec<String> = start.months.iter().map(ToString::to_string).collect();
    let error_for = |name: &str| errors.iter().find(|(f, _)| f == name).map(|(_, m)| m.clone());
    let value = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let field = |name: String, label: &'static str| AmountField {
        value: value(&name),
        error: error_for(&name),
        name,
        label,
    };
    let partner = fields.get("partner").cloned().unwrap_or_default();
    let adults: Vec<(usize, &FormMember)> = start
        .members
        .iter()
        .enumerate()
        .filter(|(_, m)| m.role == Role::Adult && !m.me)
        .map(|(i, m)| (i + 1, m))
        .collect();
    let asks_support = start.asks_support(None);
    let sections: Vec<MemberSection> = start
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let n = i + 1;
            let role = if m.role == Role::Adult { t.adult } else { t.child };
            MemberSection {
                id: format!("m{n}"),
                heading: if m.me {
                    format!("{} ({}, {})", m.name, t.apply_me, role)
                } else {
                    format!("{} ({role}, {} år)", m.name, m.age)
                },
                supported: (m.role == Role::Child && asks_support).then(|| Check {
                    name: member_field(n, "supported"),
                    checked: fields.contains_key(&member_field(n, "supported")),
                }),
                lunch: m.lunch_question.then(|| Check {
                    name: member_field(n, "lunch"),
                    checked: fields.contains_key(&member_field(n, "lunch")),
                }),
                fields: member_incomes(m.role)
                    .iter()
                    .map(|(name, kind)| field(member_field(n, name), income_label(*kind, t)))
                    .chain(
                        (m.role == Role::Child).then(|| field(member_field(n, "earlier"), t.apply_earlier)),
                    )
                    .collect(),
            }
        })
        .collect();
    let page = ApplyPage {
        lang: lang.0,
        t,
        user,
        here: "/ansok".to_owned(),
        csrf_token: signed.signed_in.csrf_token.clone(),
        members: start
            .members
            .iter()
            .map(|m| {
                (
                    m.name.clone(),
                    if m.role == Role::Adult { t.adult } else { t.child },
                )
            })
            .collect(),
        partners: adults
            .iter()
            .map(|(n, m)| (n.to_string(), m.name.clone()))
            .collect(),
        partner,
        partner_error: error_for("partner"),
        month: fields
            .get("month")
            .cloned()
            .or_else(|| months.first().cloned())
            .unwrap_or_default(),
        months,
        month_error: error_for("month"),
        sections,
        cost_fields: COSTS
            .iter()
            .map(|n| field((*n).to_owned(), cost_label(n, t)))
            .collect(),
        income_fields: HOUSEHOLD_INCOMES
            .iter()
            .map(|(n, k)| field((*n).to_owned(), income_label(*k, t)))
            .collect(),
        incomes_error: error_for("incomes"),
        assets: field("assets".to_owned(), t.apply_assets_label),
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
                error: error_for(file),
            })
            .collect(),
        kinds: vec![
            (DocumentKind::Underlag.as_str(), t.kind_underlag),
            (DocumentKind::Intyg.as_str(), t.kind_intyg),
        ],
        attachments_error: error_for(ATTACHMENTS),
        choose_again,
        errors: summary(errors),
        max_amount_chars: crate::amount::MAX_CHARS,
    };
    render(status, &page)
}
