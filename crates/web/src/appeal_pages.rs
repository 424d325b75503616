//! Omprövning and the förvaltningsrätt on the caseworker's pages: reconsidering a decision item by item
//! (`/beslut/{id}/omprova`), the appeal's page with what went to the court (`/overklagande/{id}`), recording the
//! court's judgment and carrying it out. Also the household page's list of decisions with how each was replaced,
//! and the decision letter's lines saying what a decision replaces and why. Texts in Swedish and English here
//! ([`CourtTexts`]), beside the pages that use them.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use app::AppError;
use app::access::Permission;
use app::domain::appeal::{
    AppealMet, AppealStatus, Change, ChangeKind, CourtOutcome, DisadvantageGround, ForwardedKind,
    appeal_deadline,
};
use app::domain::decision::{DecisionItem, Outcome};
use app::domain::{AppealId, DecisionId};
use app::norm::Money;
use app::reconsidering::ReconsiderRequest;
use app::views::{AppealCase, ChangeView, DecisionView, HouseholdOverview, Judgment};
use jiff::civil::Date;

use crate::case_pages::app_error;
use crate::decision_pages::{appeal_status, outcome_label};
use crate::i18n::{Lang, Texts};
use crate::lang::PageLang;
use crate::pages::{NavUser, render};
use crate::router::AppState;
use crate::session::Signed;

// --- texts ---------------------------------------------------------------------------------------------------------

/// The texts of these pages, in Swedish and English.
#[derive(Debug)]
pub struct CourtTexts {
    pub reconsider_title: &'static str,
    pub reconsider_intro: &'static str,
    pub reconsider_link: &'static str,
    pub item: &'static str,
    pub new_outcome: &'static str,
    pub new_granted: &'static str,
    pub item_reasons: &'static str,
    pub change_reasons: &'static str,
    pub change_reasons_hint: &'static str,
    pub appeal_legend: &'static str,
    pub met_fully: &'static str,
    pub met_partly: &'static str,
    pub unchanged_hint: &'static str,
    pub disadvantage_legend: &'static str,
    pub disadvantage_hint: &'static str,
    pub no_ground: &'static str,
    pub ground_reservation: &'static str,
    pub ground_compelling: &'static str,
    pub ground_wrong_information: &'static str,
    pub ground_statement: &'static str,
    pub make_new_decision: &'static str,
    pub not_current: &'static str,
    pub appeal_title: &'static str,
    pub appealed_decision: &'static str,
    pub now_against: &'static str,
    pub appellant_grounds: &'static str,
    pub open_appeal: &'static str,
    pub forwarded_on: &'static str,
    pub documents_sent: &'static str,
    pub doc_decision: &'static str,
    /// "nr" before a decision's reference number.
    pub decision_no_short: &'static str,
    pub doc_appeal: &'static str,
    pub doc_attachment: &'static str,
    pub doc_removed: &'static str,
    pub judgment_title: &'static str,
    pub judgment_outcome: &'static str,
    pub judged_on: &'static str,
    pub court_reasons: &'static str,
    pub record_judgment: &'static str,
    pub court_bifall: &'static str,
    pub court_delvis: &'static str,
    pub court_avslag: &'static str,
    pub court_aterforvisning: &'static str,
    pub court_andrat: &'static str,
    pub carry_out_title: &'static str,
    pub carry_out_intro: &'static str,
    pub decide_again_title: &'static str,
    pub decide_again_intro: &'static str,
    pub new_decision_reasons: &'static str,
    pub carried_out_by: &'static str,
    pub decision_stands: &'static str,
    pub decisions_title: &'static str,
    pub decision_no: &'static str,
    /// The link to the household's page (households are named by their people, never by a number).
    pub household_page: &'static str,
    pub replaces: &'static str,
    pub replaced_by: &'static str,
    pub how_replaced: &'static str,
    pub by_reconsideration: &'static str,
    pub by_judgment: &'static str,
    pub by_correction: &'static str,
    pub court_outcome: &'static str,
    pub queue_to_carry_out: &'static str,
    pub queue_decide_again: &'static str,
    pub error_outcome: &'static str,
    pub error_amount: &'static str,
    pub error_negative: &'static str,
    pub error_bifall: &'static str,
    pub error_delvis: &'static str,
    pub error_avslag: &'static str,
    pub error_reasons: &'static str,
    pub error_date: &'static str,
    pub error_conflict: &'static str,
    pub letter_replaces_reconsideration: &'static str,
    pub letter_replaces_judgment: &'static str,
    pub letter_change_reasons: &'static str,
    pub letter_ground: &'static str,
}

pub const SV: CourtTexts = CourtTexts {
    reconsider_title: "Ompröva beslut",
    reconsider_intro: "Ett ändrat beslut blir ett nytt beslut som ersätter det gamla. Ange för varje beslutspunkt det nya utfallet, beviljat belopp och motiveringen. Lagrummet följer med från det ursprungliga beslutet.",
    reconsider_link: "Ompröva beslutet",
    item: "Beslutspunkt",
    new_outcome: "Nytt utfall",
    new_granted: "Beviljat belopp i hela kronor",
    item_reasons: "Motivering",
    change_reasons: "Skäl för ändringen",
    change_reasons_hint: "Skälen står i det nya beslutet (högst 5 000 tecken).",
    appeal_legend: "Hur ändringen tillgodoser överklagandet",
    met_fully: "Helt: överklagandet faller (45 § förvaltningslagen)",
    met_partly: "Delvis: överklagandet går vidare och gäller nu det nya beslutet",
    unchanged_hint: "Om beslutet inte ändras överlämnas överklagandet till förvaltningsrätten från överklagandets sida.",
    disadvantage_legend: "Ändring till den enskildes nackdel",
    disadvantage_hint: "Krävs när ett belopp sänks: välj grunden i 39 § förvaltningslagen och beskriv hur den är uppfylld.",
    no_ground: "Ingen (ändringen är inte till nackdel)",
    ground_reservation: "Beslutet innehåller ett förbehåll om ändring (39 § första stycket 1)",
    ground_compelling: "Tvingande skäl av säkerhet, hälsa eller miljö (39 § första stycket 2)",
    ground_wrong_information: "Beslutet grundades på oriktiga eller vilseledande uppgifter från den enskilde (39 § första stycket 3)",
    ground_statement: "Hur grunden är uppfylld i ärendet",
    make_new_decision: "Fatta nytt beslut",
    not_current: "Beslutet har redan ersatts av ett annat beslut och kan inte omprövas.",
    appeal_title: "Överklagande",
    appealed_decision: "Överklagat beslut",
    now_against: "Gäller nu beslut",
    appellant_grounds: "Den enskildes skäl",
    open_appeal: "Öppna överklagandet",
    forwarded_on: "Överlämnat till förvaltningsrätten",
    documents_sent: "Handlingar som skickades med",
    doc_decision: "Beslut",
    decision_no_short: "nr",
    doc_appeal: "Överklagandet",
    doc_attachment: "Bilaga till ansökan",
    doc_removed: "borttagen",
    judgment_title: "Förvaltningsrättens dom",
    judgment_outcome: "Domens utgång",
    judged_on: "Domens datum",
    court_reasons: "Domskälen i korthet",
    record_judgment: "Registrera domen",
    court_bifall: "Bifall",
    court_delvis: "Delvis bifall",
    court_avslag: "Avslag",
    court_aterforvisning: "Återförvisning",
    court_andrat: "Ändrat",
    carry_out_title: "Verkställ domen",
    carry_out_intro: "Domen verkställs med ett nytt beslut som ersätter det överklagade. Ange de belopp som förvaltningsrätten har bestämt för varje beslutspunkt.",
    decide_again_title: "Besluta på nytt efter återförvisning",
    decide_again_intro: "Förvaltningsrätten har visat ärendet åter. Det nya beslutet ersätter det överklagade.",
    new_decision_reasons: "Motivering till det nya beslutet",
    carried_out_by: "Verkställd genom beslut",
    decision_stands: "Beslutet står fast.",
    decisions_title: "Beslut och överklaganden",
    decision_no: "Beslut nr",
    household_page: "Hushållets sida",
    replaces: "Ersätter",
    replaced_by: "Ersatt av",
    how_replaced: "Varför",
    by_reconsideration: "Omprövning",
    by_judgment: "Förvaltningsrättens dom",
    by_correction: "Ändrat beslut",
    court_outcome: "Domstolens utgång",
    queue_to_carry_out: "Dom att verkställa",
    queue_decide_again: "Besluta på nytt (återförvisat)",
    error_outcome: "Välj utfall",
    error_amount: "Ange beloppet i hela kronor",
    error_negative: "Beloppet får inte vara negativt",
    error_bifall: "Vid bifall är beviljat belopp detsamma som det ansökta",
    error_delvis: "Vid delvis bifall är beviljat belopp större än noll och mindre än det ansökta",
    error_avslag: "Vid avslag beviljas ingenting",
    error_reasons: "Skriv en motivering",
    error_date: "Ange datumet som ÅÅÅÅ-MM-DD",
    error_conflict: "Någon annan har ändrat ärendet. Läs om sidan och försök igen.",
    letter_replaces_reconsideration: "Detta beslut ersätter beslut {old} efter omprövning (37–39 §§ förvaltningslagen).",
    letter_replaces_judgment: "Detta beslut ersätter beslut {old} och verkställer förvaltningsrättens dom {date} ({outcome}).",
    letter_change_reasons: "Skäl för ändringen",
    letter_ground: "Beslutet ändras till din nackdel med stöd av {basis}: {statement}",
};

pub const EN: CourtTexts = CourtTexts {
    reconsider_title: "Reconsider decision",
    reconsider_intro: "A changed decision is a new decision that replaces the old one. For each item, give the new outcome, the amount granted and the reasons. The legal basis is kept from the original decision.",
    reconsider_link: "Reconsider the decision",
    item: "Item",
    new_outcome: "New outcome",
    new_granted: "Amount granted in whole kronor",
    item_reasons: "Reasons",
    change_reasons: "Reasons for the change",
    change_reasons_hint: "The reasons are part of the new decision (at most 5,000 characters).",
    appeal_legend: "How the change meets the appeal",
    met_fully: "In full: the appeal lapses (section 45 of the Administrative Procedure Act)",
    met_partly: "In part: the appeal goes on, now against the new decision",
    unchanged_hint: "If the decision is not changed, forward the appeal to the administrative court from the appeal's page.",
    disadvantage_legend: "Change to the person's disadvantage",
    disadvantage_hint: "Required when an amount is lowered: choose the ground in section 39 of the Administrative Procedure Act and state how it applies.",
    no_ground: "None (the change is not to the person's disadvantage)",
    ground_reservation: "The decision reserves the right to change it (section 39, first paragraph, point 1)",
    ground_compelling: "Compelling reasons of safety, health or the environment (point 2)",
    ground_wrong_information: "The decision was based on wrong or misleading information from the person (point 3)",
    ground_statement: "How the ground applies in this case",
    make_new_decision: "Make the new decision",
    not_current: "The decision has already been replaced and cannot be reconsidered.",
    appeal_title: "Appeal",
    appealed_decision: "Appealed decision",
    now_against: "Now against decision",
    appellant_grounds: "The person's grounds",
    open_appeal: "Open the appeal",
    forwarded_on: "Forwarded to the administrative court",
    documents_sent: "Documents sent with it",
    doc_decision: "Decision",
    decision_no_short: "no.",
    doc_appeal: "The appeal",
    doc_attachment: "Attachment to the application",
    doc_removed: "removed",
    judgment_title: "The administrative court's judgment",
    judgment_outcome: "Outcome",
    judged_on: "Date of the judgment",
    court_reasons: "The court's reasons in brief",
    record_judgment: "Record the judgment",
    court_bifall: "Granted",
    court_delvis: "Granted in part",
    court_avslag: "Rejected",
    court_aterforvisning: "Referred back",
    court_andrat: "Changed",
    carry_out_title: "Carry out the judgment",
    carry_out_intro: "The judgment is carried out with a new decision that replaces the appealed one. Give the amounts the court set for each item.",
    decide_again_title: "Decide again after referral",
    decide_again_intro: "The court has referred the case back. The new decision replaces the appealed one.",
    new_decision_reasons: "Reasons for the new decision",
    carried_out_by: "Carried out by decision",
    decision_stands: "The decision stands.",
    decisions_title: "Decisions and appeals",
    decision_no: "Decision no.",
    household_page: "The household's page",
    replaces: "Replaces",
    replaced_by: "Replaced by",
    how_replaced: "Why",
    by_reconsideration: "Reconsideration",
    by_judgment: "The court's judgment",
    by_correction: "Changed decision",
    court_outcome: "Court outcome",
    queue_to_carry_out: "Judgment to carry out",
    queue_decide_again: "Decide again (referred back)",
    error_outcome: "Choose an outcome",
    error_amount: "Give the amount in whole kronor",
    error_negative: "The amount cannot be negative",
    error_bifall: "When granted in full, the amount granted is the amount applied for",
    error_delvis: "When granted in part, the amount is more than zero and less than applied for",
    error_avslag: "When refused, nothing is granted",
    error_reasons: "Write the reasons",
    error_date: "Give the date as YYYY-MM-DD",
    error_conflict: "Someone else has changed the case. Reload the page and try again.",
    letter_replaces_reconsideration: "This decision replaces decision {old} after reconsideration (sections 37–39 of the Administrative Procedure Act).",
    letter_replaces_judgment: "This decision replaces decision {old} and carries out the administrative court's judgment of {date} ({outcome}).",
    letter_change_reasons: "Reasons for the change",
    letter_ground: "The decision is changed to your disadvantage on the ground of {basis}: {statement}",
};

pub fn court_texts(lang: Lang) -> &'static CourtTexts {
    match lang {
        Lang::Sv => &SV,
        Lang::En => &EN,
    }
}

pub fn court_outcome_label(o: CourtOutcome, ct: &'static CourtTexts) -> &'static str {
    match o {
        CourtOutcome::Bifall => ct.court_bifall,
        CourtOutcome::DelvisBifall => ct.court_delvis,
        CourtOutcome::Avslag => ct.court_avslag,
        CourtOutcome::Aterforvisat => ct.court_aterforvisning,
        CourtOutcome::Andrat => ct.court_andrat,
    }
}

fn ground_label(g: DisadvantageGround, ct: &'static CourtTexts) -> &'static str {
    match g {
        DisadvantageGround::Reservation => ct.ground_reservation,
        DisadvantageGround::CompellingReasons => ct.ground_compelling,
        DisadvantageGround::WrongInformation => ct.ground_wrong_information,
    }
}

// --- the letter ------------------------------------------------------------------------------------------------------

/// What the letter says about a decision that replaced another: which, why, and on which ground.
pub(crate) fn letter_lines(change: &ChangeView, lang: Lang) -> (String, Vec<(String, String)>) {
    let ct = court_texts(lang);
    let lead = match (change.kind, change.court) {
        (ChangeKind::Judgment, Some((outcome, on))) => ct
            .letter_replaces_judgment
            .replace("{old}", &change.replaces.to_string())
            .replace("{date}", &on.map(|d| d.to_string()).unwrap_or_default())
            .replace("{outcome}", &court_outcome_label(outcome, ct).to_lowercase()),
        _ => ct
            .letter_replaces_reconsideration
            .replace("{old}", &change.replaces.to_string()),
    };
    let mut sections = vec![(ct.letter_change_reasons.to_owned(), change.reasons.clone())];
    if let (Some(g), Some(statement)) = (change.ground, &change.ground_statement) {
        sections.push((
            String::new(),
            ct.letter_ground
                .replace("{basis}", g.legal_basis())
                .replace("{statement}", statement),
        ));
    }
    (lead, sections)
}

// --- the forms' input ------------------------------------------------------------------------------------------------

/// One item of a form that replaces a decision: the old item's fixed parts and what was typed.
#[derive(Debug, Clone)]
pub struct ItemInput {
    pub no: usize,
    pub what: String,
    pub applied: String,
    pub legal_basis: String,
    pub outcome: String,
    pub granted: String,
    pub reasons: String,
    /// The fields' ids (and names): `outcome-1`, `granted-1`, `reasons-1`.
    pub oid: String,
    pub gid: String,
    pub rid: String,
}

impl ItemInput {
    fn new(no: usize, old: &DecisionItem, outcome: String, granted: String, reasons: String) -> ItemInput {
        ItemInput {
            no,
            what: old.what.clone(),
            applied: old.applied.to_string(),
            legal_basis: old.legal_basis.clone(),
            outcome,
            granted,
            reasons,
            oid: format!("outcome-{no}"),
            gid: format!("granted-{no}"),
            rid: format!("reasons-{no}"),
        }
    }
}

/// The items as the form first shows them: the old decision's values.
fn item_inputs(d: &DecisionView) -> Vec<ItemInput> {
    (1..)
        .zip(&d.items)
        .map(|(no, i)| {
            ItemInput::new(
                no,
                i,
                i.outcome.as_str().to_owned(),
                kronor_text(i.granted),
                i.reasons.clone(),
            )
        })
        .collect()
}

/// Whole kronor as the form's amount field shows them (no spaces or unit).
fn kronor_text(m: Money) -> String {
    (m.ore() / 100).to_string()
}

/// The posted form's pairs (several fields per item, so not a fixed struct).
type Pairs = Vec<(String, String)>;

fn field<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// Reads the items from the form against the old decision's items: each keeps what it is and its legal basis, and
/// takes the new outcome, amount and reasons. Problems go into `errors` next to their fields.
fn read_items(
    pairs: &Pairs,
    old: &[DecisionItem],
    ct: &'static CourtTexts,
    errors: &mut Vec<(String, String)>,
) -> (Vec<ItemInput>, Vec<DecisionItem>) {
    let mut inputs = Vec::new();
    let mut items = Vec::new();
    for (no, o) in (1..).zip(old) {
        let input = ItemInput::new(
            no,
            o,
            field(pairs, &format!("outcome-{no}")).to_owned(),
            field(pairs, &format!("granted-{no}")).trim().to_owned(),
            field(pairs, &format!("reasons-{no}")).to_owned(),
        );
        let outcome = input.outcome.parse::<Outcome>().ok();
        if outcome.is_none() {
            errors.push((format!("outcome-{no}"), ct.error_outcome.to_owned()));
        }
        let granted = parse_kronor(&input.granted);
        match (&granted, outcome) {
            (Err(msg), _) => errors.push((format!("granted-{no}"), msg(ct).to_owned())),
            (Ok(g), Some(outcome)) => {
                let wrong = match outcome {
                    Outcome::Bifall if *g != o.applied => Some(ct.error_bifall),
                    Outcome::DelvisBifall if *g <= Money::ZERO || *g >= o.applied => Some(ct.error_delvis),
                    Outcome::Avslag if *g != Money::ZERO => Some(ct.error_avslag),
                    _ => None,
                };
                if let Some(msg) = wrong {
                    errors.push((format!("granted-{no}"), msg.to_owned()));
                }
            }
            (Ok(_), None) => {}
        }
        if input.reasons.trim().is_empty() {
            errors.push((format!("reasons-{no}"), ct.error_reasons.to_owned()));
        }
        if let (Some(outcome), Ok(granted)) = (outcome, granted) {
            let mut item = o.clone();
            item.outcome = outcome;
            item.granted = granted;
            item.reasons = input.reasons.clone();
            items.push(item);
        }
        inputs.push(input);
    }
    (inputs, items)
}

type Problem = fn(&'static CourtTexts) -> &'static str;

/// An amount as typed (`crate::amount`: "6 500", "6500 kr", "6 500,00"...), whole kronor; negative amounts are
/// refused with their own message.
fn parse_kronor(text: &str) -> Result<Money, Problem> {
    crate::amount::parse_money(text).map_err(|p| match p {
        crate::amount::AmountProblem::Negative => (|ct: &'static CourtTexts| ct.error_negative) as Problem,
        _ => |ct: &'static CourtTexts| ct.error_amount,
    })
}

// --- the reconsideration page ---------------------------------------------------------------------------------------

#[derive(Debug, Template)]
#[template(path = "reconsider.html")]
pub struct ReconsiderPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub ct: &'static CourtTexts,
    pub user: Option<NavUser>,
    pub here: String,
    pub csrf_token: String,
    pub id: i64,
    pub household_link: Option<String>,
    pub month: String,
    pub current: bool,
    pub version: i64,
    /// The appeal waiting for the board against this decision: (id, received on).
    pub appeal: Option<(i64, String)>,
    pub items: Vec<ItemInput>,
    pub grounds: Vec<(&'static str, &'static str)>,
    pub outcomes: Vec<(&'static str, &'static str)>,
    pub form: ChangeForm,
}

/// The decision-level fields of the reconsideration form, and the problems (field id, message).
#[derive(Debug, Default)]
pub struct ChangeForm {
    pub errors: Vec<(String, String)>,
    pub change_reasons: String,
    pub met: String,
    pub ground: String,
    pub ground_statement: String,
}

impl ChangeForm {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

fn outcome_options(t: &'static Texts) -> Vec<(&'static str, &'static str)> {
    [Outcome::Bifall, Outcome::DelvisBifall, Outcome::Avslag]
        .into_iter()
        .map(|o| (o.as_str(), outcome_label(o, t)))
        .collect()
}

pub async fn reconsider_form(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
) -> Response {
    reconsider_page(
        &state,
        &signed,
        lang,
        id,
        None,
        ChangeForm::default(),
        StatusCode::OK,
    )
    .await
}

async fn reconsider_page(
    state: &AppState,
    signed: &Signed,
    lang: PageLang,
    id: i64,
    items: Option<Vec<ItemInput>>,
    form: ChangeForm,
    status: StatusCode,
) -> Response {
    let here = format!("/beslut/{id}/omprova");
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    let actor = &signed.signed_in.actor;
    let case = match state.app.reconsideration_case(actor, DecisionId(id)).await {
        Ok(c) => c,
        Err(e) => return app_error(e, lang, user, &here),
    };
    let t = lang.texts();
    let ct = court_texts(lang.0);
    let current = case.application.current_decision == Some(case.decision.id);
    let appeal = case
        .waiting_appeal()
        .map(|a| (a.id.get(), a.received_on.to_string()));
    let page = ReconsiderPage {
        lang: lang.0,
        t,
        ct,
        user,
        here,
        csrf_token: signed.signed_in.csrf_token.clone(),
        id,
        household_link: Some(format!("/hushall/{}", case.application.household)),
        month: case.application.month.to_string(),
        current,
        version: case.application.version,
        appeal,
        items: items.unwrap_or_else(|| item_inputs(&case.decision)),
        grounds: DisadvantageGround::ALL
            .into_iter()
            .map(|g| (g.as_str(), ground_label(g, ct)))
            .collect(),
        outcomes: outcome_options(t),
        form,
    };
    render(status, &page)
}

pub async fn reconsider(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Response {
    if let Err(refused) = signed.check_csrf(field(&pairs, "csrf_token")) {
        return refused.into_response();
    }
    let here = format!("/beslut/{id}/omprova");
    let actor = &signed.signed_in.actor;
    let ct = court_texts(lang.0);
    // The old items, read through the same checked use case as the page.
    let case = match state.app.reconsideration_case(actor, DecisionId(id)).await {
        Ok(c) => c,
        Err(e) => return app_error(e, lang, Some(NavUser::new(&signed.signed_in, lang.0)), &here),
    };
    let mut form = ChangeForm {
        change_reasons: field(&pairs, "change_reasons").to_owned(),
        met: field(&pairs, "met").to_owned(),
        ground: field(&pairs, "ground").to_owned(),
        ground_statement: field(&pairs, "ground_statement").to_owned(),
        ..ChangeForm::default()
    };
    let (inputs, items) = read_items(&pairs, &case.decision.items, ct, &mut form.errors);
    if form.change_reasons.trim().is_empty() {
        form.errors
            .push(("change_reasons".to_owned(), ct.error_reasons.to_owned()));
    }
    let ground = match form.ground.as_str() {
        "" => None,
        g => match g.parse::<DisadvantageGround>() {
            Ok(g) => Some((g, form.ground_statement.clone())),
            Err(_) => {
                form.errors
                    .push(("ground".to_owned(), ct.error_outcome.to_owned()));
                None
            }
        },
    };
    let appeal = match (case.waiting_appeal(), form.met.parse::<AppealMet>()) {
        (Some(a), Ok(met)) => Some((a.id, met)),
        _ => None,
    };
    let version = field(&pairs, "version").parse::<i64>().unwrap_or(-1);
    if !form.errors.is_empty() {
        return reconsider_page(
            &state,
            &signed,
            lang,
            id,
            Some(inputs),
            form,
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    let request = ReconsiderRequest {
        expected_version: version,
        items,
        change: Change {
            kind: ChangeKind::Reconsideration,
            reasons: form.change_reasons.clone(),
            ground,
        },
        appeal,
    };
    match state.app.reconsider(actor, DecisionId(id), request).await {
        Ok((new, _)) => Redirect::to(&format!("/beslut/{}", new.id)).into_response(),
        Err(e) => match form_refusal(e, "items", ct) {
            Ok((message, status)) => {
                form.errors.push(message);
                reconsider_page(&state, &signed, lang, id, Some(inputs), form, status).await
            }
            Err(e) => app_error(e, lang, Some(NavUser::new(&signed.signed_in, lang.0)), &here),
        },
    }
}

// --- the appeal's page ----------------------------------------------------------------------------------------------

#[derive(Debug, Template)]
#[template(path = "appeal.html")]
pub struct AppealPage {
    pub lang: Lang,
    pub t: &'static Texts,
    pub ct: &'static CourtTexts,
    pub user: Option<NavUser>,
    pub here: String,
    pub csrf_token: String,
    pub id: i64,
    pub household: i64,
    pub month: String,
    pub received: String,
    pub served: String,
    pub last_day: String,
    pub status: &'static str,
    pub grounds: Option<String>,
    /// The appellant's additions on the same decision: (received, text), oldest first.
    pub additions: Vec<(String, String)>,
    pub additions_heading: &'static str,
    pub appealed: i64,
    pub against: Option<i64>,
    pub forwarded_on: Option<String>,
    /// (link, label)
    pub documents: Vec<(Option<String>, String)>,
    /// (outcome, date, reasons)
    pub judgment: Option<(&'static str, String, String)>,
    pub decision_stands: bool,
    pub new_decision: Option<i64>,
    pub can_reconsider: bool,
    pub reconsider_target: i64,
    pub can_forward: bool,
    pub can_judge: bool,
    /// The carry-out form's heading and introduction, when there is a judgment to carry out.
    pub carry_out: Option<(&'static str, &'static str)>,
    pub version: i64,
    pub items: Vec<ItemInput>,
    pub outcomes: Vec<(&'static str, &'static str)>,
    pub court_outcomes: Vec<(&'static str, &'static str)>,
    pub form: AppealForms,
}

/// What was typed into the appeal page's forms, and the problems (field id, message).
#[derive(Debug, Default)]
pub struct AppealForms {
    pub errors: Vec<(String, String)>,
    pub outcome: String,
    pub judged_on: String,
    pub court_reasons: String,
    pub change_reasons: String,
}

impl AppealForms {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

pub async fn appeal(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
) -> Response {
    appeal_page(
        &state,
        &signed,
        lang,
        id,
        None,
        AppealForms::default(),
        StatusCode::OK,
    )
    .await
}

async fn appeal_page(
    state: &AppState,
    signed: &Signed,
    lang: PageLang,
    id: i64,
    items: Option<Vec<ItemInput>>,
    form: AppealForms,
    status: StatusCode,
) -> Response {
    let here = format!("/overklagande/{id}");
    let user = Some(NavUser::new(&signed.signed_in, lang.0));
    let actor = &signed.signed_in.actor;
    match state.app.appeal_case(actor, AppealId(id)).await {
        Ok(case) => {
            let can_decide = actor.require(Permission::Decide).is_ok();
            let page = appeal_view(&case, lang, can_decide, items, form);
            render(
                status,
                &AppealPage {
                    user,
                    here,
                    csrf_token: signed.signed_in.csrf_token.clone(),
                    ..page
                },
            )
        }
        Err(e) => app_error(e, lang, user, &here),
    }
}

fn appeal_view(
    case: &AppealCase,
    lang: PageLang,
    can_decide: bool,
    items: Option<Vec<ItemInput>>,
    form: AppealForms,
) -> AppealPage {
    let t = lang.texts();
    let ct = court_texts(lang.0);
    let a = &case.appeal;
    let documents = case
        .documents
        .iter()
        .map(|d| match d.kind {
            ForwardedKind::Decision => (
                Some(format!("/beslut/{}", d.id)),
                format!("{} {} {}", ct.doc_decision, ct.decision_no_short, d.id),
            ),
            ForwardedKind::Appeal => (None, ct.doc_appeal.to_owned()),
            ForwardedKind::Attachment => match &d.file_name {
                Some(name) => (
                    Some(format!("/dokument/{}", d.id)),
                    format!("{}: {name}", ct.doc_attachment),
                ),
                None => (None, format!("{} ({})", ct.doc_attachment, ct.doc_removed)),
            },
        })
        .collect();
    let judgment = match (a.status, a.judged_on) {
        (AppealStatus::Judged(o), on) => Some((
            court_outcome_label(o, ct),
            on.map(|d| d.to_string()).unwrap_or_default(),
            case.court_reasons.clone().unwrap_or_default(),
        )),
        _ => None,
    };
    let current = case.current_decision.as_ref();
    let to_carry_out = match a.status {
        AppealStatus::Judged(o) if o.needs_new_decision() && a.new_decision.is_none() => Some(o),
        _ => None,
    };
    let carry_out = to_carry_out.filter(|_| can_decide).map(|o| {
        if o == CourtOutcome::Aterforvisat {
            (ct.decide_again_title, ct.decide_again_intro)
        } else {
            (ct.carry_out_title, ct.carry_out_intro)
        }
    });
    AppealPage {
        lang: lang.0,
        t,
        ct,
        user: None,
        here: String::new(),
        csrf_token: String::new(),
        id: a.id.get(),
        household: case.household.get(),
        month: case.month.to_string(),
        received: a.received_on.to_string(),
        served: a.served_on.to_string(),
        last_day: appeal_deadline(a.served_on)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        status: appeal_status(a.status, t),
        grounds: case.grounds.clone(),
        additions: case
            .additions
            .iter()
            .map(|x| {
                (
                    crate::receipt_pages::received_text(Some(x.received_at), a.received_on),
                    x.text.clone(),
                )
            })
            .collect(),
        additions_heading: crate::citizen_texts::CitizenTexts::of(lang.0).additions,
        appealed: a.decision.get(),
        against: a.against_decision.map(DecisionId::get),
        forwarded_on: a.forwarded_on.map(|d| d.to_string()),
        documents,
        judgment,
        decision_stands: a.status == AppealStatus::Judged(CourtOutcome::Avslag),
        new_decision: a.new_decision.map(DecisionId::get),
        can_reconsider: can_decide
            && a.status == AppealStatus::InTime
            && current.is_some_and(|d| d.id == a.target()),
        reconsider_target: a.target().get(),
        can_forward: can_decide && a.status == AppealStatus::InTime,
        can_judge: can_decide && a.status == AppealStatus::ForwardedToCourt,
        carry_out,
        version: case.application_version,
        items: items.unwrap_or_else(|| current.map(item_inputs).unwrap_or_default()),
        outcomes: outcome_options(t),
        court_outcomes: CourtOutcome::RECORDABLE
            .into_iter()
            .map(|o| (o.as_str(), court_outcome_label(o, ct)))
            .collect(),
        form,
    }
}

/// The court's judgment: outcome, date (not before the forwarding, not in the future) and reasons in brief.
pub async fn record_judgment(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Response {
    if let Err(refused) = signed.check_csrf(field(&pairs, "csrf_token")) {
        return refused.into_response();
    }
    let ct = court_texts(lang.0);
    let mut form = AppealForms {
        outcome: field(&pairs, "outcome").to_owned(),
        judged_on: field(&pairs, "judged_on").trim().to_owned(),
        court_reasons: field(&pairs, "court_reasons").to_owned(),
        ..AppealForms::default()
    };
    let outcome = form.outcome.parse::<CourtOutcome>().ok();
    if outcome.is_none() {
        form.errors
            .push(("outcome".to_owned(), ct.error_outcome.to_owned()));
    }
    let judged_on = form.judged_on.parse::<Date>().ok();
    if judged_on.is_none() {
        form.errors
            .push(("judged_on".to_owned(), ct.error_date.to_owned()));
    }
    if form.court_reasons.trim().is_empty() {
        form.errors
            .push(("court_reasons".to_owned(), ct.error_reasons.to_owned()));
    }
    let (Some(outcome), Some(judged_on), true) = (outcome, judged_on, form.errors.is_empty()) else {
        return appeal_page(&state, &signed, lang, id, None, form, StatusCode::BAD_REQUEST).await;
    };
    let judgment = Judgment {
        outcome,
        judged_on,
        reasons: form.court_reasons.clone(),
    };
    match state
        .app
        .record_judgment(&signed.signed_in.actor, AppealId(id), &judgment)
        .await
    {
        Ok(_) => Redirect::to(&format!("/overklagande/{id}")).into_response(),
        Err(e) => match form_refusal(e, "outcome", ct) {
            Ok((message, status)) => {
                form.errors.push(message);
                appeal_page(&state, &signed, lang, id, None, form, status).await
            }
            Err(e) => app_error(
                e,
                lang,
                Some(NavUser::new(&signed.signed_in, lang.0)),
                &format!("/overklagande/{id}"),
            ),
        },
    }
}

/// Carries out a judgment (or decides again after återförvisning): the new amounts item by item.
pub async fn carry_out(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Response {
    if let Err(refused) = signed.check_csrf(field(&pairs, "csrf_token")) {
        return refused.into_response();
    }
    let here = format!("/overklagande/{id}");
    let actor = &signed.signed_in.actor;
    let ct = court_texts(lang.0);
    let case = match state.app.appeal_case(actor, AppealId(id)).await {
        Ok(c) => c,
        Err(e) => return app_error(e, lang, Some(NavUser::new(&signed.signed_in, lang.0)), &here),
    };
    let mut form = AppealForms {
        change_reasons: field(&pairs, "change_reasons").to_owned(),
        ..AppealForms::default()
    };
    let old = case
        .current_decision
        .as_ref()
        .map(|d| d.items.clone())
        .unwrap_or_default();
    let (inputs, items) = read_items(&pairs, &old, ct, &mut form.errors);
    if form.change_reasons.trim().is_empty() {
        form.errors
            .push(("change_reasons".to_owned(), ct.error_reasons.to_owned()));
    }
    if !form.errors.is_empty() {
        return appeal_page(
            &state,
            &signed,
            lang,
            id,
            Some(inputs),
            form,
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    let version = field(&pairs, "version").parse::<i64>().unwrap_or(-1);
    match state
        .app
        .carry_out_judgment(actor, AppealId(id), version, items, &form.change_reasons)
        .await
    {
        Ok((new, _)) => Redirect::to(&format!("/beslut/{}", new.id)).into_response(),
        Err(e) => match form_refusal(e, "items", ct) {
            Ok((message, status)) => {
                form.errors.push(message);
                appeal_page(&state, &signed, lang, id, Some(inputs), form, status).await
            }
            Err(e) => app_error(e, lang, Some(NavUser::new(&signed.signed_in, lang.0)), &here),
        },
    }
}

/// A form's refusal as the message for a field and the page's status: a field error (400), or someone else acted
/// first (409, shown at `conflict_field`); any other error goes to the error page.
fn form_refusal(
    e: AppError,
    conflict_field: &str,
    ct: &CourtTexts,
) -> Result<((String, String), StatusCode), AppError> {
    match e {
        AppError::Invalid { field, reason } => Ok(((field.to_owned(), reason), StatusCode::BAD_REQUEST)),
        AppError::Conflict(_) => Ok((
            (conflict_field.to_owned(), ct.error_conflict.to_owned()),
            StatusCode::CONFLICT,
        )),
        other => Err(other),
    }
}

// --- the household page's list of decisions -------------------------------------------------------------------------

/// One decision of the household, with how it came about and what became of it.
#[derive(Debug)]
pub struct DecisionRow {
    pub id: i64,
    pub month: String,
    pub outcome: &'static str,
    pub granted: String,
    pub replaces: Option<i64>,
    pub why: &'static str,
    pub replaced_by: Option<i64>,
    /// (appeal id, status, court outcome)
    pub appeals: Vec<(i64, &'static str, &'static str)>,
    pub can_reconsider: bool,
}

/// Every decision of the household, newest first: what it replaces and why, what replaced it, its appeals with their
/// status and the court's outcome. `can_decide` offers omprövning of the current ones.
pub fn decision_rows(h: &HouseholdOverview, lang: Lang, can_decide: bool) -> Vec<DecisionRow> {
    let t = lang.texts();
    let ct = court_texts(lang);
    h.decisions
        .iter()
        .rev()
        .map(|d| {
            let app = h.applications.iter().find(|a| a.id == d.application);
            let why = match h.changes.iter().find(|(id, _)| *id == d.id).map(|(_, k)| *k) {
                Some(ChangeKind::Reconsideration) => ct.by_reconsideration,
                Some(ChangeKind::Judgment) => ct.by_judgment,
                None if d.replaces.is_some() => ct.by_correction,
                None => "",
            };
            let appeals = h
                .appeals
                .iter()
                .filter(|a| a.decision == d.id || a.against_decision == Some(d.id))
                .map(|a| {
                    let court = match a.status {
                        AppealStatus::Judged(o) => court_outcome_label(o, ct),
                        _ => "",
                    };
                    (a.id.get(), appeal_status(a.status, t), court)
                })
                .collect();
            DecisionRow {
                id: d.id.get(),
                month: app.map(|a| a.month.to_string()).unwrap_or_default(),
                outcome: d.outcome.map(|o| outcome_label(o, t)).unwrap_or(""),
                granted: d.total_granted.to_string(),
                replaces: d.replaces.map(DecisionId::get),
                why,
                replaced_by: h
                    .decisions
                    .iter()
                    .find(|x| x.replaces == Some(d.id))
                    .map(|x| x.id.get()),
                appeals,
                can_reconsider: can_decide && app.is_some_and(|a| a.current_decision == Some(d.id)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_whole_kronor_and_never_negative() {
        assert_eq!(parse_kronor("6200").ok(), Money::from_kronor(6200).ok());
        assert_eq!(parse_kronor(" 6 200 kr ").ok(), Money::from_kronor(6200).ok());
        assert_eq!(parse_kronor("-5").err().map(|p| p(&SV)), Some(SV.error_negative));
        assert_eq!(parse_kronor("12,50").err().map(|p| p(&SV)), Some(SV.error_amount));
        assert_eq!(parse_kronor("").err().map(|p| p(&SV)), Some(SV.error_amount));
    }

    #[test]
    fn the_letter_says_what_a_decision_replaces_and_why() {
        let court = ChangeView {
            kind: ChangeKind::Judgment,
            replaces: DecisionId(7),
            appeal: Some(AppealId(3)),
            reasons: "Hela hyran är skälig".into(),
            ground: None,
            ground_statement: None,
            court: Some((CourtOutcome::Bifall, Some(jiff::civil::date(2026, 4, 15)))),
        };
        let (lead, sections) = letter_lines(&court, Lang::Sv);
        assert_eq!(
            lead,
            "Detta beslut ersätter beslut 7 och verkställer förvaltningsrättens dom 2026-04-15 (bifall)."
        );
        assert_eq!(
            sections,
            [("Skäl för ändringen".to_owned(), "Hela hyran är skälig".to_owned())]
        );
        let lower = ChangeView {
            kind: ChangeKind::Reconsideration,
            ground: Some(DisadvantageGround::WrongInformation),
            ground_statement: Some("Uppgav fel hyra".into()),
            court: None,
            ..court
        };
        let (lead, sections) = letter_lines(&lower, Lang::En);
        assert!(lead.starts_with("This decision replaces decision 7 after reconsideration"));
        assert_eq!(
            sections.last().map(|s| s.1.as_str()),
            Some(
                "The decision is changed to your disadvantage on the ground of FL 39 § första stycket 3: Uppgav fel hyra"
            )
        );
    }
}
