//! The auditor's pages (search the access log, a person's log extract as a page and as CSV, the chain check) and
//! the administrator's pages (accounts, units, protected-identity grants). Permission checks and audit records are
//! in `app::review`; here is only parsing, validation messages and rendering.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;

use app::AppError;
use app::checkpoints::{CheckpointFinding, CheckpointSource, Witness};
use app::domain::{PersonId, Personnummer, UnitId};
use app::review::{AccountInput, AdminError, FieldProblems, LogWords, Problem};
use app::views::{Account, AccountId, AuditLog, AuditQuery, AuditRecord, AuditVerdict, SubjectRef};

use crate::case_pages::app_error;
use crate::i18n::{Lang, Texts};
use crate::lang::PageLang;
use crate::pages::{NavUser, render, role_label};
use crate::router::AppState;
use crate::session::Signed;

/// Search results per page.
const PAGE_SIZE: i64 = 50;
/// The largest offset a search link may ask for.
const MAX_OFFSET: i64 = 1_000_000_000;

/// Validation messages of a form: (field id, message), in form order.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<(&'static str, &'static str)>);

impl Errors {
    /// The message for one field, if it has one.
    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, m)| *m)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn from_problems(problems: &FieldProblems, t: &'static Texts) -> Errors {
        Errors(
            problems
                .iter()
                .map(|(field, p)| {
                    let msg = match p {
                        Problem::Missing => t.error_missing,
                        Problem::Invalid => t.error_invalid,
                        Problem::Taken if *field == "subject" => t.error_subject_taken,
                        Problem::Taken => t.error_taken,
                        Problem::TooShort => t.error_too_short,
                        Problem::TooLong => t.error_too_long,
                        Problem::NameTooLong => t.error_search_too_long,
                        Problem::Unknown => t.error_unknown,
                        Problem::NotProtected => t.error_not_protected,
                    };
                    (*field, msg)
                })
                .collect(),
        )
    }
}

/// One audit record as a table row, in words: who by name and role, the event, the subject by name, the details
/// as labelled fields (see `audit_words`).
#[derive(Debug)]
pub struct LogRow {
    /// Which log the record is in (its `seq` counts within it).
    pub log: &'static str,
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: &'static str,
    /// The subject person: (id for the extract's link, name as shown).
    pub subject: Option<(i64, String)>,
    pub page: String,
    pub detail: Vec<crate::audit_words::Field>,
}

impl LogRow {
    fn from_record(r: &AuditRecord, words: &LogWords, lang: PageLang) -> LogRow {
        let t = lang.texts();
        LogRow {
            log: match r.log {
                AuditLog::Changes => t.log_changes_short,
                AuditLog::Reads => t.log_reads_short,
            },
            seq: r.seq,
            at: crate::time::second(r.at),
            actor: crate::payment_pages::doer(&r.actor, &words.doers, lang),
            action: crate::audit_words::event(&r.action, lang.0),
            subject: r
                .subject_person
                .map(|p| (p.get(), crate::audit_words::person(p, words, lang))),
            page: r.page.clone(),
            detail: crate::audit_words::fields(&r.detail_json, words, lang),
        }
    }
}

#[derive(Debug)]
pub struct SearchResults {
    pub total: i64,
    pub first: i64,
    pub last: i64,
    pub rows: Vec<LogRow>,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
}

#[derive(Debug, Template)]
#[template(path = "review_search.html")]
pub struct SearchPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub user: Option<NavUser>,
    pub here: String,
    pub form: SearchForm,
    pub errors: Errors,
    pub results: Option<SearchResults>,
    /// Whose actions to list: (who, "Name (Role)").
    pub actors: Vec<(String, String)>,
    pub st: &'static crate::staff_texts::StaffTexts,
}

#[derive(Debug, Template)]
#[template(path = "review_extract.html")]
pub struct ExtractPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub user: Option<NavUser>,
    pub here: String,
    pub person: i64,
    /// The person by name (masked as protected identity requires).
    pub person_name: String,
    pub households: String,
    pub rows: Vec<LogRow>,
}

#[derive(Debug, Template)]
#[template(path = "review_chain.html")]
pub struct ChainPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub user: Option<NavUser>,
    pub here: String,
    pub chains: Vec<ChainRow>,
    /// Whether signed checkpoints are configured (else only the database's own are compared).
    pub signed_configured: bool,
    pub signed: usize,
    pub recorded: usize,
    /// The newest signed checkpoint: its number and instant.
    pub last_signed: Option<(i64, String)>,
    /// What the comparison with the checkpoints found, worded for the page's language.
    pub findings: Vec<String>,
}

/// One log's verdict: intact with its record count, or its first broken link.
#[derive(Debug)]
pub struct ChainRow {
    pub name: &'static str,
    pub intact: Option<i64>,
    pub broken: Option<(i64, String)>,
}

/// An account as the administrator's list shows it.
#[derive(Debug)]
pub struct AccountRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub active: bool,
    pub units: String,
    /// The persons the account may see despite protected identity: (personnummer, name).
    pub grants: Vec<(String, String)>,
}

/// A unit as a checkbox.
#[derive(Debug)]
pub struct UnitBox {
    pub id: i64,
    pub name: String,
    pub checked: bool,
}

#[derive(Debug, Template)]
#[template(path = "admin_users.html")]
pub struct UsersPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub user: Option<NavUser>,
    pub here: String,
    pub accounts: Vec<AccountRow>,
    pub units: Vec<UnitBox>,
    /// (stored form, label, selected)
    pub roles: Vec<(&'static str, &'static str, bool)>,
    pub username: String,
    pub display_name: String,
    pub errors: Errors,
}

#[derive(Debug, Template)]
#[template(path = "admin_user.html")]
pub struct UserPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub user: Option<NavUser>,
    pub here: String,
    pub account: AccountRow,
    pub units: Vec<UnitBox>,
    pub person: String,
    /// Sign-in with the municipal account: whether it is configured, the account's links (issuer, subject), and
    /// the subject as typed in the link form.
    pub oidc_enabled: bool,
    pub external_links: Vec<(String, String)>,
    pub subject: String,
    pub errors: Errors,
    pub saved: bool,
}

#[derive(Debug, Template)]
#[template(path = "admin_units.html")]
pub struct UnitsPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub user: Option<NavUser>,
    pub here: String,
    pub units: Vec<(i64, String)>,
    pub name: String,
    pub errors: Errors,
}

// --- the auditor ------------------------------------------------------------------------------------------------

/// The search form as typed; missing fields are empty.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct SearchForm {
    pub person: String,
    pub actor: String,
    pub action: String,
    pub from: String,
    pub to: String,
    pub offset: i64,
}

impl SearchForm {
    /// The query string of this search at another offset.
    fn href(&self, offset: i64) -> String {
        format!(
            "/granskning?person={}&actor={}&action={}&from={}&to={}&offset={offset}",
            enc(&self.person),
            enc(&self.actor),
            enc(&self.action),
            enc(&self.from),
            enc(&self.to)
        )
    }
}

/// Percent-encodes a query-string value.
fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(char::from(b)),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A person id (digits) or a personnummer (with or without century and separator).
fn parse_subject(input: &str, today: Date) -> Option<SubjectRef> {
    let s = input.trim();
    if !s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit()) {
        return s
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(|n| SubjectRef::Id(PersonId(n)));
    }
    Personnummer::parse(s, today).ok().map(SubjectRef::Pnr)
}

/// The start of a Swedish calendar day (midnight Swedish time); `next_day` gives the start of the following day
/// (an inclusive "to" date).
fn day_start(input: &str, next_day: bool) -> Option<Timestamp> {
    let d: Date = input.trim().parse().ok()?;
    let d = if next_day { d.tomorrow().ok()? } else { d };
    crate::time::day_start(d)
}

pub async fn search(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Query(form): Query<SearchForm>,
) -> Response {
    let t = lang.texts();
    let here = "/granskning".to_owned();
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    let today = crate::time::date(state.app.clock.now());
    let mut errors = Errors::default();
    // Every field within its limit and free of control characters before anything else is looked at.
    for (field, value) in [
        ("person", &form.person),
        ("actor", &form.actor),
        ("action", &form.action),
        ("from", &form.from),
        ("to", &form.to),
    ] {
        match app::domain::text::SEARCH_FIELD.problem(value) {
            Ok(_) => {}
            Err(app::domain::text::TextProblem::TooLong) => errors.0.push((field, t.error_search_too_long)),
            Err(app::domain::text::TextProblem::ControlCharacter) => {
                errors.0.push((field, t.error_control_characters))
            }
        }
    }
    let checked = |field: &str| errors.get(field).is_none();
    let (person_ok, from_ok, to_ok) = (checked("person"), checked("from"), checked("to"));
    let subject = match form.person.trim() {
        _ if !person_ok => None,
        "" => None,
        p => {
            let parsed = parse_subject(p, today);
            if parsed.is_none() {
                errors.0.push(("person", t.error_person_ref));
            }
            parsed
        }
    };
    let mut period = |field: &'static str, value: &str, next_day: bool| match value.trim() {
        "" => None,
        _ if (field == "from" && !from_ok) || (field == "to" && !to_ok) => None,
        v => {
            let parsed = day_start(v, next_day);
            if parsed.is_none() {
                errors.0.push((field, t.error_date));
            }
            parsed
        }
    };
    let from = period("from", &form.from, false);
    let to = period("to", &form.to, true);
    if !errors.is_empty() {
        // Still a refusal for those who may not search, before saying anything about the input.
        if let Err(e) = state
            .app
            .require_audited(
                &signed.signed_in.actor,
                app::Permission::ReadAccessLog,
                "granskning",
            )
            .await
        {
            return app_error(e, lang, user, &here);
        }
        let actors = actor_choices(&state, &signed, lang).await;
        let page = SearchPage {
            lang: lang.0,
            t,
            user,
            here,
            form,
            errors,
            results: None,
            actors,
            st: crate::staff_texts::StaffTexts::of(lang.0),
        };
        return render(StatusCode::BAD_REQUEST, &page);
    }
    let query = AuditQuery {
        subject,
        actor: Some(form.actor.clone()),
        action_prefix: Some(form.action.clone()),
        from,
        to,
        limit: PAGE_SIZE,
        // Far beyond any log, and far from overflowing the page arithmetic below.
        offset: form.offset.clamp(0, MAX_OFFSET),
    };
    let (found, words) = match state.app.search_access_log(&signed.signed_in.actor, &query).await {
        Ok(found) => found,
        Err(e) => return app_error(e, lang, user, &here),
    };
    let actors = actor_choices(&state, &signed, lang).await;
    let offset = query.offset;
    let shown = i64::try_from(found.records.len()).unwrap_or(0);
    let results = SearchResults {
        total: found.total,
        first: if shown == 0 { 0 } else { offset + 1 },
        last: offset + shown,
        rows: found
            .records
            .iter()
            .map(|r| LogRow::from_record(r, &words, lang))
            .collect(),
        prev_href: (offset > 0).then(|| form.href((offset - PAGE_SIZE).max(0))),
        next_href: (offset + shown < found.total).then(|| form.href(offset + PAGE_SIZE)),
    };
    let page = SearchPage {
        lang: lang.0,
        t,
        user,
        here,
        form,
        errors,
        results: Some(results),
        actors,
        st: crate::staff_texts::StaffTexts::of(lang.0),
    };
    render(StatusCode::OK, &page)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ExtractQuery {
    format: String,
}

pub async fn extract(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Query(q): Query<ExtractQuery>,
) -> Response {
    let t = lang.texts();
    let here = format!("/granskning/person/{id}");
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    let (extract, words) = match state
        .app
        .access_log_extract(&signed.signed_in.actor, PersonId(id))
        .await
    {
        Ok(x) => x,
        Err(e) => return app_error(e, lang, user, &here),
    };
    if q.format == "csv" {
        // The readable columns first (in the reader's language), then the codes as recorded, for tools.
        let st = crate::staff_texts::StaffTexts::of(lang.0);
        let mut csv = format!(
            "{},{},{},{},{},{},{},{},log,seq,at_utc,actor,action,subject_person,page,detail\r\n",
            csv_cell(t.log_seq),
            csv_cell(t.log_at),
            csv_cell(t.log_user_col),
            csv_cell(t.log_action_col),
            csv_cell(t.log_subject),
            csv_cell(t.log_page),
            csv_cell(t.log_detail),
            csv_cell(st.log_which),
        );
        for r in &extract.records {
            let row = LogRow::from_record(r, &words, lang);
            let detail = row
                .detail
                .iter()
                .map(|f| format!("{}: {}", f.label, f.value))
                .collect::<Vec<_>>()
                .join("; ");
            let cells = [
                row.seq.to_string(),
                row.at,
                row.actor,
                row.action.to_owned(),
                row.subject.map(|s| s.1).unwrap_or_default(),
                row.page.clone(),
                detail,
                row.log.to_owned(),
                r.log.as_str().to_owned(),
                row.seq.to_string(),
                r.at.to_string(),
                r.actor.clone(),
                r.action.clone(),
                r.subject_person.map(|s| s.to_string()).unwrap_or_default(),
                row.page,
                r.detail_json.clone(),
            ];
            csv.push_str(&cells.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","));
            csv.push_str("\r\n");
        }
        let disposition = format!("attachment; filename=\"loggutdrag-person-{id}.csv\"");
        return (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            csv,
        )
            .into_response();
    }
    let page = ExtractPage {
        lang: lang.0,
        t,
        user,
        here,
        person: id,
        person_name: crate::audit_words::person(PersonId(id), &words, lang),
        households: extract
            .households
            .iter()
            .map(|h| {
                words
                    .households
                    .get(h)
                    .map(|people| {
                        people
                            .iter()
                            .map(|p| crate::payment_pages::shown(p, t))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default()
            })
            .filter(|names| !names.is_empty())
            .collect::<Vec<_>>()
            .join("; "),
        rows: extract
            .records
            .iter()
            .map(|r| LogRow::from_record(r, &words, lang))
            .collect(),
    };
    render(StatusCode::OK, &page)
}

/// The search form's choice of whose actions to list. An empty list if it cannot be read (the search itself was
/// allowed, so this is not a refusal; the field then offers only "anyone").
async fn actor_choices(state: &AppState, signed: &Signed, lang: PageLang) -> Vec<(String, String)> {
    match state.app.log_actors(&signed.signed_in.actor).await {
        Ok(doers) => crate::audit_words::actor_choices(&doers, lang),
        Err(e) => {
            tracing::warn!(error = %e, "the search's list of users could not be read");
            Vec::new()
        }
    }
}

/// A CSV cell: always quoted, quotes doubled, and a leading formula character neutralised with a `'` so that a
/// spreadsheet never runs text from the log as a formula. Tab and carriage return count too: spreadsheets skip them
/// before looking for `=` (OWASP's list for CSV injection). This is the only CSV the product writes; a new export
/// goes through this function.
pub(crate) fn csv_cell(s: &str) -> String {
    let guarded = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    format!("\"{}\"", guarded.replace('"', "\"\""))
}

pub async fn chain(State(state): State<Arc<AppState>>, lang: PageLang, signed: Signed) -> Response {
    let here = "/granskning/kedja".to_owned();
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    let source = match state.config.checkpoint_anchor() {
        Ok(anchor) => anchor.as_ref().map(CheckpointSource::from),
        Err(e) => return app_error(AppError::Internal(e.to_string()), lang, user, &here),
    };
    let verdict = match state
        .app
        .verify_access_log(&signed.signed_in.actor, source.as_ref())
        .await
    {
        Ok(v) => v,
        Err(e) => return app_error(e, lang, user, &here),
    };
    let t = lang.texts();
    let chain = |name: &'static str, v: AuditVerdict| match v {
        AuditVerdict::Intact { records } => ChainRow {
            name,
            intact: Some(records),
            broken: None,
        },
        AuditVerdict::Broken { seq, reason } => ChainRow {
            name,
            intact: None,
            broken: Some((seq, reason)),
        },
    };
    let page = ChainPage {
        lang: lang.0,
        t,
        user,
        here,
        chains: vec![
            chain(t.log_changes, verdict.changes),
            chain(t.log_reads, verdict.reads),
        ],
        signed_configured: source.is_some(),
        signed: verdict.checkpoints.signed,
        recorded: verdict.checkpoints.recorded,
        last_signed: verdict
            .checkpoints
            .last_signed
            .as_ref()
            .map(|c| (c.number, crate::time::second(c.at))),
        findings: verdict
            .checkpoints
            .findings
            .iter()
            .map(|f| finding_text(f, lang.0))
            .collect(),
    };
    render(StatusCode::OK, &page)
}

/// A checkpoint finding in the page's language (the Swedish wording is the store's own).
fn finding_text(f: &CheckpointFinding, lang: Lang) -> String {
    if lang == Lang::Sv {
        return f.to_string();
    }
    let log = |l: AuditLog| match l {
        AuditLog::Changes => "the change log",
        AuditLog::Reads => "the read log",
    };
    let witness = |w: Witness| match w {
        Witness::Signed => "signed checkpoint",
        Witness::MainDatabase => "the database's checkpoint",
    };
    match f {
        CheckpointFinding::Unreadable { line } => {
            format!("line {line} of the checkpoint file is not a checkpoint")
        }
        CheckpointFinding::BadSignature { number } => format!(
            "checkpoint {number} has an invalid signature (forged, altered, or signed with another key)"
        ),
        CheckpointFinding::RolledBack {
            log: l,
            witness: w,
            number,
            seen,
            now,
        } => format!(
            "{} has been rolled back: it ends at record {now}, but {} {number} saw record {seen} (an older copy was \
             put back, or records were removed from the end)",
            log(*l),
            witness(*w)
        ),
        CheckpointFinding::Rewritten {
            log: l,
            witness: w,
            number,
            seq,
            after,
        } => {
            let mut text = format!(
                "{} has been rewritten at or before record {seq}: the record's hash differs from {} {number}",
                log(*l),
                witness(*w)
            );
            if *after > 0 {
                text.push_str(&format!(
                    " (the change lies after record {after}, which an earlier checkpoint confirms)"
                ));
            }
            if *l == AuditLog::Reads {
                text.push_str("; or an older copy was put back and has grown since");
            }
            text
        }
    }
}

// --- the administrator ------------------------------------------------------------------------------------------

fn account_row(a: &Account, units: &[(UnitId, String)], lang: Lang) -> AccountRow {
    AccountRow {
        id: a.id.0,
        username: a.username.clone(),
        display_name: a.display_name.clone(),
        role: role_label(a.role, lang),
        active: a.active,
        units: units
            .iter()
            .filter(|(u, _)| a.units.contains(u))
            .map(|(_, name)| name.clone())
            .collect::<Vec<_>>()
            .join(", "),
        grants: Vec::new(),
    }
}

fn unit_boxes(units: &[(UnitId, String)], checked: &[UnitId]) -> Vec<UnitBox> {
    units
        .iter()
        .map(|(u, name)| UnitBox {
            id: u.get(),
            name: name.clone(),
            checked: checked.contains(u),
        })
        .collect()
}

/// A posted form as (name, value) pairs: checkbox groups repeat a name.
type Pairs = Vec<(String, String)>;

fn field<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// The checked units; a value that is not a number counts as an unknown unit (id 0 never exists).
fn checked_units(pairs: &Pairs) -> Vec<UnitId> {
    pairs
        .iter()
        .filter(|(k, _)| k == "units")
        .map(|(_, v)| UnitId(v.parse().unwrap_or(0)))
        .collect()
}

/// The account list with the create form, filled with what was typed and the problems found.
async fn users_page(
    state: &AppState,
    lang: PageLang,
    signed: &Signed,
    typed: &Pairs,
    errors: Errors,
) -> Result<UsersPage, AppError> {
    let actor = &signed.signed_in.actor;
    let accounts = state.app.admin_accounts(actor).await?;
    let units = state.app.admin_units(actor).await?;
    let selected_role = field(typed, "role");
    Ok(UsersPage {
        lang: lang.0,
        t: lang.texts(),
        user: Some(NavUser::new(&signed.signed_in, lang.0)),
        here: "/admin/anvandare".to_owned(),
        accounts: accounts.iter().map(|a| account_row(a, &units, lang.0)).collect(),
        units: unit_boxes(&units, &checked_units(typed)),
        roles: app::domain::role::Role::ALL
            .into_iter()
            .filter(|r| *r != app::domain::role::Role::Applicant)
            .map(|r| (r.as_str(), role_label(r, lang.0), r.as_str() == selected_role))
            .collect(),
        username: field(typed, "username").to_owned(),
        display_name: field(typed, "display_name").to_owned(),
        errors,
    })
}

pub async fn users(State(state): State<Arc<AppState>>, lang: PageLang, signed: Signed) -> Response {
    match users_page(&state, lang, &signed, &Pairs::new(), Errors::default()).await {
        Ok(page) => render(StatusCode::OK, &page),
        Err(e) => {
            let user = Some(NavUser::new(&signed.signed_in, lang.0));
            app_error(e, lang, user, "/admin/anvandare")
        }
    }
}

pub async fn create_user(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Form(pairs): Form<Pairs>,
) -> Response {
    if let Err(refused) = signed.check_csrf(field(&pairs, "csrf_token")) {
        return refused.into_response();
    }
    let user = || Some(NavUser::new(&signed.signed_in, lang.0));
    let input = AccountInput {
        username: field(&pairs, "username").to_owned(),
        display_name: field(&pairs, "display_name").to_owned(),
        role: field(&pairs, "role").to_owned(),
        units: checked_units(&pairs),
        password: field(&pairs, "password").to_owned(),
    };
    match state
        .app
        .admin_create_account(&signed.signed_in.actor, input)
        .await
    {
        Ok(id) => Redirect::to(&format!("/admin/anvandare/{}?sparat=1", id.0)).into_response(),
        Err(AdminError::Invalid(problems)) => {
            let errors = Errors::from_problems(&problems, lang.texts());
            match users_page(&state, lang, &signed, &pairs, errors).await {
                Ok(page) => render(StatusCode::BAD_REQUEST, &page),
                Err(e) => app_error(e, lang, user(), "/admin/anvandare"),
            }
        }
        Err(AdminError::App(e)) => app_error(e, lang, user(), "/admin/anvandare"),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SavedQuery {
    sparat: Option<String>,
}

/// What was typed into the account page's text fields, to show again with their problems.
#[derive(Debug, Default)]
struct Typed {
    person: String,
    subject: String,
}

async fn user_page(
    state: &AppState,
    lang: PageLang,
    signed: &Signed,
    id: i64,
    typed: Typed,
    errors: Errors,
    saved: bool,
) -> Result<UserPage, AppError> {
    let actor = &signed.signed_in.actor;
    let account = state.app.admin_account(actor, AccountId(id)).await?;
    let units = state.app.admin_units(actor).await?;
    let external_links = state
        .app
        .admin_external_links(actor, AccountId(id))
        .await?
        .into_iter()
        .map(|l| (l.issuer, l.subject))
        .collect();
    let grants = state
        .app
        .admin_account_grants(actor, AccountId(id))
        .await?
        .into_iter()
        .map(|g| (g.personnummer, g.name))
        .collect();
    let checked: Vec<UnitId> = account.units.iter().copied().collect();
    Ok(UserPage {
        lang: lang.0,
        t: lang.texts(),
        user: Some(NavUser::new(&signed.signed_in, lang.0)),
        here: format!("/admin/anvandare/{id}"),
        account: AccountRow {
            grants,
            ..account_row(&account, &units, lang.0)
        },
        units: unit_boxes(&units, &checked),
        person: typed.person,
        oidc_enabled: state.oidc.is_some(),
        external_links,
        subject: typed.subject,
        errors,
        saved,
    })
}

pub async fn user(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> Response {
    match user_page(
        &state,
        lang,
        &signed,
        id,
        Typed::default(),
        Errors::default(),
        q.sparat.is_some(),
    )
    .await
    {
        Ok(page) => render(StatusCode::OK, &page),
        Err(e) => {
            let user = Some(NavUser::new(&signed.signed_in, lang.0));
            app_error(e, lang, user, &format!("/admin/anvandare/{id}"))
        }
    }
}

/// One form on the account page: `action` is `units`, `deactivate`, `activate`, `grant`, `revoke`, `link` (an
/// external subject at the configured provider) or `unlink` (a subject at the issuer given).
pub async fn change_user(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Response {
    if let Err(refused) = signed.check_csrf(field(&pairs, "csrf_token")) {
        return refused.into_response();
    }
    let here = format!("/admin/anvandare/{id}");
    let user = || Some(NavUser::new(&signed.signed_in, lang.0));
    let actor = &signed.signed_in.actor;
    let account = AccountId(id);
    let person = field(&pairs, "person");
    let subject = field(&pairs, "subject");
    let result = match field(&pairs, "action") {
        "units" => {
            state
                .app
                .admin_set_units(actor, account, &checked_units(&pairs))
                .await
        }
        "deactivate" => state
            .app
            .admin_set_active(actor, account, false)
            .await
            .map_err(AdminError::from),
        "activate" => state
            .app
            .admin_set_active(actor, account, true)
            .await
            .map_err(AdminError::from),
        "grant" => state.app.admin_set_grant(actor, account, person, true).await,
        "revoke" => state.app.admin_set_grant(actor, account, person, false).await,
        // Links are made to the configured provider only; the issuer is never taken from the form.
        "link" => match &state.oidc {
            Some(provider) => {
                state
                    .app
                    .admin_link_external(actor, account, provider.issuer(), subject)
                    .await
            }
            None => return StatusCode::BAD_REQUEST.into_response(),
        },
        "unlink" => {
            state
                .app
                .admin_unlink_external(actor, account, field(&pairs, "issuer"), subject)
                .await
        }
        _ => return StatusCode::BAD_REQUEST.into_response(),
    };
    match result {
        Ok(()) => Redirect::to(&format!("{here}?sparat=1")).into_response(),
        Err(AdminError::Invalid(problems)) => {
            let errors = Errors::from_problems(&problems, lang.texts());
            let typed = Typed {
                person: person.to_owned(),
                subject: subject.to_owned(),
            };
            match user_page(&state, lang, &signed, id, typed, errors, false).await {
                Ok(page) => render(StatusCode::BAD_REQUEST, &page),
                Err(e) => app_error(e, lang, user(), &here),
            }
        }
        Err(AdminError::App(e)) => app_error(e, lang, user(), &here),
    }
}

async fn units_page(
    state: &AppState,
    lang: PageLang,
    signed: &Signed,
    name: String,
    errors: Errors,
) -> Result<UnitsPage, AppError> {
    let units = state.app.admin_units(&signed.signed_in.actor).await?;
    Ok(UnitsPage {
        lang: lang.0,
        t: lang.texts(),
        user: Some(NavUser::new(&signed.signed_in, lang.0)),
        here: "/admin/enheter".to_owned(),
        units: units.into_iter().map(|(u, n)| (u.get(), n)).collect(),
        name,
        errors,
    })
}

pub async fn units(State(state): State<Arc<AppState>>, lang: PageLang, signed: Signed) -> Response {
    match units_page(&state, lang, &signed, String::new(), Errors::default()).await {
        Ok(page) => render(StatusCode::OK, &page),
        Err(e) => {
            let user = Some(NavUser::new(&signed.signed_in, lang.0));
            app_error(e, lang, user, "/admin/enheter")
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UnitForm {
    name: String,
    csrf_token: String,
}

pub async fn create_unit(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Form(f): Form<UnitForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    let user = || Some(NavUser::new(&signed.signed_in, lang.0));
    match state
        .app
        .admin_create_unit(&signed.signed_in.actor, &f.name)
        .await
    {
        Ok(_) => Redirect::to("/admin/enheter").into_response(),
        Err(AdminError::Invalid(problems)) => {
            let errors = Errors::from_problems(&problems, lang.texts());
            match units_page(&state, lang, &signed, f.name, errors).await {
                Ok(page) => render(StatusCode::BAD_REQUEST, &page),
                Err(e) => app_error(e, lang, user(), "/admin/enheter"),
            }
        }
        Err(AdminError::App(e)) => app_error(e, lang, user(), "/admin/enheter"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_never_formulas() {
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(1)"), "\"'=HYPERLINK(1)\"");
        assert_eq!(csv_cell("-1"), "\"'-1\"");
    }

    #[test]
    fn a_person_is_an_id_or_a_personnummer() {
        let today = jiff::civil::date(2026, 3, 2);
        assert_eq!(parse_subject("42", today), Some(SubjectRef::Id(PersonId(42))));
        assert_eq!(parse_subject("0", today), None);
        assert!(matches!(
            parse_subject("19800517-1239", today),
            Some(SubjectRef::Pnr(_))
        ));
        assert_eq!(parse_subject("19800517-1230", today), None);
        assert_eq!(parse_subject("abc", today), None);
    }

    #[test]
    fn a_to_date_includes_the_whole_day() {
        // Swedish days: midnight CET (UTC+1) on 2 March is 23:00 UTC on 1 March.
        let from = day_start("2026-03-02", false);
        let to = day_start("2026-03-02", true);
        assert_eq!(from, Some("2026-03-01T23:00:00Z".parse().unwrap()));
        assert_eq!(to, Some("2026-03-02T23:00:00Z".parse().unwrap()));
        assert_eq!(day_start("2026-02-30", false), None);
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        for (cell, expected) in [
            ("=1+1", "\"'=1+1\""),
            ("+46", "\"'+46\""),
            ("-2", "\"'-2\""),
            ("@SUM(A1)", "\"'@SUM(A1)\""),
            ("\t=1", "\"'\t=1\""),
            ("\r=1", "\"'\r=1\""),
            ("account:3", "\"account:3\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            (" =1", "\" =1\""),
        ] {
            assert_eq!(csv_cell(cell), expected, "{cell:?}");
        }
    }
}
