//! The applicant's online application for a month: the household's members come from the register, the figures
//! and the attachments (bilagor) from the applicant; the engine validates the whole input and every file is checked
//! before anything is stored.
//!
//! The form reads only what it needs ([`store::ApplicationBases`]): the registered household's members now, the
//! months applied for, and each member's own assistance history. From them and the form the declaration gives the
//! engine every fact: each member's own incomes by kind (a child's salary with what the child earned earlier in the
//! year), lunch outside the home for children 0-6, usable assets, every cost of the contract, each adult's
//! consecutive months with assistance actually granted (> 0 kr) and paid, and the jobbstimulans start carried
//! forward or started now.
//!
//! Whose assistance household: the register knows members and their roles (adult, child), not who is whose partner
//! or parent. The applicant names their partner among the other adults (or none); the applicant's assistance
//! household is the applicant, that partner and the registered children (all of them when the applicant is the
//! only adult or applies with a partner, otherwise the children the applicant says they support). Every other adult
//! (an adult child, a lodger) is an assistance household of their own and applies for themselves. When the
//! assistance household is smaller than the registered household, `shared_household_size` is the number of
//! persons in the dwelling. So no request ever holds more than two adults.

use std::collections::BTreeSet;

use domain::document::{DocumentKind, DocumentMeta, MAX_ATTACHMENTS};
use domain::{DomainError, PersonId};
use jiff::civil::Date;
use norm::contract::{CalcRequest, CalcResponse, CostsIn, IncomeIn, IncomeKind, MemberIn, Role};
use norm::rules::Jobbstimulans;
use norm::{Guidelines, Month};
use store::{ApplicationBases, ApplicationBasis, ApplicationView, Intake, NewDocument};

use crate::access::{Actor, Denied, Permission};
use crate::service::{App, AppError};

/// What the applicant fills in, whole kronor. Members are referred to by their position in
/// [`ApplicationStart::members`] (the order the form lists them in), never by an id.
#[derive(Debug, Clone)]
pub struct ApplicationForm {
    pub month: Month,
    /// The other adult the applicant is married to, a registered partner of, or cohabiting with (sambo): a position
    /// in the form's member list. `None`: the applicant applies without a partner.
    pub partner: Option<usize>,
    /// What each member declares, in the form's order (missing entries declare nothing).
    pub members: Vec<MemberFacts>,
    /// Incomes that belong to no one member (child allowance, housing allowance, maintenance support...).
    pub household_incomes: Vec<(IncomeKind, i64)>,
    pub costs: CostsIn,
    /// Usable assets (savings, shares, a vehicle that can be sold), counted in full.
    pub assets: i64,
    /// Files sent with the application, in the order of the form.
    pub attachments: Vec<Attachment>,
}

/// An empty form for the first month the type knows (callers set the month).
impl Default for ApplicationForm {
    fn default() -> ApplicationForm {
        ApplicationForm {
            month: Month::MIN,
            partner: None,
            members: Vec::new(),
            household_incomes: Vec::new(),
            costs: CostsIn::default(),
            assets: 0,
            attachments: Vec::new(),
        }
    }
}

/// One member's part of the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberFacts {
    /// (kind, amount) of the member's own incomes this month.
    pub incomes: Vec<(IncomeKind, i64)>,
    /// A child's salary earlier this calendar year (the prisbasbelopp rule).
    pub earned_earlier_this_year: i64,
    /// A child aged 0-6 eats lunch outside the home (preschool, school) five days a week.
    pub lunch_outside_home: bool,
    /// A child the applicant supports: asked only when the applicant applies without a partner while other adults
    /// live in the household (see [`assistance_household`]).
    pub supported: bool,
}

/// A member of the applicant's registered household as the form shows them: by name (a protected co-member's name
/// masked), never by an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormMember {
    pub name: String,
    pub role: Role,
    /// The applicant themself.
    pub me: bool,
    /// Age on the first day of the first month open for applications.
    pub age: i64,
    /// A child who is 0-6 years old in one of the open months: the form asks about lunch outside the home.
    pub lunch_question: bool,
}

/// What the application form needs to be shown and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationStart {
    /// The registered household's members now, in the form's order.
    pub members: Vec<FormMember>,
    /// Months open for an application and not yet applied for.
    pub months: Vec<Month>,
}

impl ApplicationStart {
    /// Whether the form must ask which children the applicant supports: the applicant has no partner in the
    /// household and other adults live there (their own assistance households).
    pub fn asks_support(&self, partner: Option<usize>) -> bool {
        partner.is_none() && self.members.iter().filter(|m| m.role == Role::Adult).count() > 1
    }
}

/// Who belongs to the applicant's assistance household, by position in the form's list (see the module
/// documentation of the rule): the applicant; the partner they name; the registered children, all of them when the
/// applicant is the only adult or applies with a partner, otherwise those the applicant says they support. Every
/// other adult is an assistance household of their own in the same household community.
pub fn assistance_household(
    members: &[(Role, bool)],
    partner: Option<usize>,
    supported: &dyn Fn(usize) -> bool,
) -> Vec<bool> {
    let adults = members.iter().filter(|(r, _)| *r == Role::Adult).count();
    let all_children = partner.is_some() || adults <= 1;
    members
        .iter()
        .enumerate()
        .map(|(i, (role, me))| match role {
            Role::Adult => *me || partner == Some(i),
            Role::Child => all_children || supported(i),
        })
        .collect()
}

/// A file the applicant attaches, as the browser sent it.
#[derive(Clone)]
pub struct Attachment {
    pub kind: DocumentKind,
    pub file_name: String,
    /// The type the browser declared; the content must match it.
    pub mime: String,
    pub content: Vec<u8>,
}

/// Never prints the file name (it may name a person or an illness) or the content.
impl std::fmt::Debug for Attachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachment")
            .field("kind", &self.kind)
            .field("mime", &self.mime)
            .field("size", &self.content.len())
            .finish_non_exhaustive()
    }
}

/// Why an attachment is refused, for a message next to its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentProblem {
    /// More than [`MAX_ATTACHMENTS`] files.
    TooMany,
    /// Not something an applicant sends (a letter is the board's).
    Kind,
    /// Empty, too long, or with a path in it.
    Name,
    /// Not PDF, PNG or JPEG.
    Type,
    /// No content at all.
    Empty,
    /// The content is not what the type says (a renamed file).
    Content,
    /// Larger than [`domain::document::MAX_DOCUMENT_BYTES`].
    Size,
}

impl AttachmentProblem {
    /// In Swedish, for callers without texts of their own.
    pub const fn reason(self) -> &'static str {
        match self {
            AttachmentProblem::TooMany => "för många bilagor",
            AttachmentProblem::Kind => "välj underlag eller intyg",
            AttachmentProblem::Name => "filen saknar ett giltigt namn",
            AttachmentProblem::Type => "filen måste vara PDF, PNG eller JPEG",
            AttachmentProblem::Empty => "filen är tom",
            AttachmentProblem::Content => "filens innehåll stämmer inte med filtypen",
            AttachmentProblem::Size => "filen är större än 10 MB",
        }
    }
}

/// Every problem with the attachments, by position: the files past the limit, and each file the domain's document
/// check refuses. Empty when all may be stored.
pub fn attachment_problems(attachments: &[Attachment]) -> Vec<(usize, AttachmentProblem)> {
    attachments
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let problem = if i >= MAX_ATTACHMENTS {
                Some(AttachmentProblem::TooMany)
            } else if !a.kind.sent_by_applicants() {
                Some(AttachmentProblem::Kind)
            } else {
                match DocumentMeta::check(a.kind, &a.file_name, &a.mime, &a.content) {
                    Ok(_) => None,
                    Err(DomainError::DocumentType(_)) => Some(AttachmentProblem::Type),
                    Err(DomainError::DocumentSize { .. }) => Some(AttachmentProblem::Size),
                    Err(DomainError::DocumentContent(_)) if a.content.is_empty() => {
                        Some(AttachmentProblem::Empty)
                    }
                    Err(DomainError::DocumentContent(_)) => Some(AttachmentProblem::Content),
                    Err(_) => Some(AttachmentProblem::Name),
                }
            };
            problem.map(|p| (i, p))
        })
        .collect()
}

/// Months an applicant may apply for on `today`: this month and the next.
pub fn months_open(today: Date) -> Vec<Month> {
    let this = u16::try_from(today.year())
        .ok()
        .zip(u8::try_from(today.month()).ok())
        .and_then(|(y, m)| Month::new(y, m).ok());
    this.into_iter()
        .flat_map(|m| [Some(m), m.next()])
        .flatten()
        .collect()
}

/// The first day of a month, as the register's ages are computed on it.
fn first_day(month: Month) -> Option<Date> {
    domain::membership::first_day(month)
}

impl App {
    /// The municipality's guidelines (rent ceilings by household size), from the configuration.
    pub fn guidelines(&self) -> &Guidelines {
        &self.guidelines
    }

    /// The app with the municipality's guidelines (validated by the configuration before).
    #[must_use]
    pub fn with_guidelines(mut self, guidelines: Guidelines) -> App {
        self.guidelines = std::sync::Arc::new(guidelines);
        self
    }

    /// The engine's calculation with the rule book and the municipality's guidelines.
    pub fn calculate_for_decision(&self, request: &CalcRequest) -> Result<CalcResponse, norm::InputError> {
        norm::calculate_with(crate::deciding::rules(), request, &self.guidelines)
    }

    /// The basis of the applicant's form: only what the form needs (an audited read, one record per member).
    async fn application_basis(&self, actor: &Actor) -> Result<(ApplicationBasis, Date), AppError> {
        actor.require(Permission::ApplyOwn)?;
        let person = actor.person.ok_or(Denied::Role)?;
        let ctx = self.audit_ctx(actor, "ansok");
        let today = ctx.at.to_zoned(jiff::tz::TimeZone::UTC).date();
        let basis = match self.store.application_basis(&ctx, person, today).await {
            Err(store::StoreError::NotFound { .. }) => {
                return Err(AppError::Invalid {
                    field: "hushall",
                    reason: "du finns inte registrerad i något hushåll; kontakta kommunen".to_owned(),
                });
            }
            other => other?,
        };
        Ok((basis, today))
    }

    /// The applicant's household as the form lists it, and the months they may still apply for (their own data;
    /// an audited read of the members, the months applied for and nothing else).
    pub async fn application_start(&self, actor: &Actor) -> Result<ApplicationStart, AppError> {
        let (basis, today) = self.application_basis(actor).await?;
        Ok(start_of(&basis, actor, today))
    }

    /// Receives the month's application with its declaration and attachments, or refuses it with the field at
    /// fault; nothing is stored unless the whole input is valid, and the application and its files are stored in
    /// one transaction.
    pub async fn apply_online(
        &self,
        actor: &Actor,
        form: ApplicationForm,
    ) -> Result<ApplicationView, AppError> {
        actor.require(Permission::ApplyOwn)?;
        let person = actor.person.ok_or(Denied::Role)?;
        // The files are checked before anything else is read or written.
        if let Some((_, problem)) = attachment_problems(&form.attachments).first() {
            return Err(AppError::Invalid {
                field: "attachments",
                reason: problem.reason().to_owned(),
            });
        }
        let (basis, today) = self.application_basis(actor).await?;
        let ctx = self.audit_ctx(actor, "ansok");
        if !months_open(today).contains(&form.month) {
            return Err(AppError::Invalid {
                field: "month",
                reason: "du kan ansöka för innevarande eller nästa månad".to_owned(),
            });
        }
        if basis.applied_months.contains(&form.month) {
            return Err(AppError::Invalid {
                field: "month",
                reason: "det finns redan en ansökan för månaden".to_owned(),
            });
        }
        let request = declaration(&basis, person, &form)?;
        // The engine checks every figure (negative amounts, ages, couples) before anything is stored.
        self.calculate_for_decision(&request)
            .map_err(|e| AppError::Invalid {
                field: "incomes",
                reason: e.to_string(),
            })?;
        let documents: Vec<NewDocument> = form
            .attachments
            .into_iter()
            .map(|a| NewDocument {
                person,
                kind: a.kind,
                file_name: a.file_name,
                mime: a.mime,
                content: a.content,
            })
            .collect();
        let (application, _) = self
            .store
            .apply_with_documents(&ctx, basis.household, today, &request, &documents)
            .await?;
        Ok(application)
    }
}

/// The form's view of the basis: names (a protected co-member masked), roles, ages; no ids.
fn start_of(basis: &ApplicationBasis, actor: &Actor, today: Date) -> ApplicationStart {
    let open: Vec<Month> = months_open(today);
    let first = open.first().copied().and_then(first_day).unwrap_or(today);
    let members = basis
        .members
        .iter()
        .map(|m| {
            let me = actor.person == Some(m.person.id);
            let ages: Vec<i64> = open
                .iter()
                .filter_map(|month| first_day(*month))
                .map(|d| i64::from(m.person.pnr.age_on(d)))
                .collect();
            FormMember {
                name: if m.person.protection.is_protected() && !me {
                    crate::cases::PROTECTED_NAME.to_owned()
                } else {
                    m.person.name.clone()
                },
                role: m.role,
                me,
                age: i64::from(m.person.pnr.age_on(first)),
                lunch_question: m.role == Role::Child && ages.iter().any(|a| *a <= 6),
            }
        })
        .collect();
    ApplicationStart {
        members,
        months: open
            .into_iter()
            .filter(|m| !basis.applied_months.contains(m))
            .collect(),
    }
}

fn invalid(field: &'static str, reason: &str) -> AppError {
    AppError::Invalid {
        field,
        reason: reason.to_owned(),
    }
}

/// The engine's id of a member in the stored request: internal, never shown on a page.
fn member_id(person: PersonId) -> String {
    format!("P{person}")
}

/// The engine's input: the applicant's assistance household from the register (see [`assistance_household`]) with
/// ages in the month, each member's own incomes and facts from the form, the adults' months with assistance and
/// jobbstimulans start from their own history.
pub fn declaration(
    basis: &ApplicationBasis,
    me: PersonId,
    form: &ApplicationForm,
) -> Result<CalcRequest, AppError> {
    let first = first_day(form.month).ok_or_else(|| invalid("month", "månaden finns inte"))?;
    let no_facts = MemberFacts::default();
    let facts = |i: usize| form.members.get(i).unwrap_or(&no_facts);
    if form.members.len() > basis.members.len() {
        return Err(invalid(
            "members",
            "hushållet har ändrats; ladda om sidan och fyll i igen",
        ));
    }
    let roles: Vec<(Role, bool)> = basis
        .members
        .iter()
        .map(|m| (m.role, m.person.id == me))
        .collect();
    if !roles.iter().any(|(_, is_me)| *is_me) {
        return Err(invalid("hushall", "du finns inte registrerad i hushållet"));
    }
    if let Some(p) = form.partner
        && !roles
            .get(p)
            .is_some_and(|(role, is_me)| *role == Role::Adult && !is_me)
    {
        return Err(invalid("partner", "välj en annan vuxen i hushållet, eller ingen"));
    }
    let included = assistance_household(&roles, form.partner, &|i| facts(i).supported);
    for amount in [
        form.costs.rent,
        form.costs.electricity,
        form.costs.home_insurance,
        form.costs.work_travel,
        form.costs.union_fees,
        form.assets,
    ] {
        if amount < 0 {
            return Err(invalid("costs", "belopp får inte vara negativa"));
        }
    }

    let mut members = Vec::new();
    let mut incomes = Vec::new();
    for (i, m) in basis.members.iter().enumerate() {
        let f = facts(i);
        let declared = f.incomes.iter().any(|(_, a)| *a != 0) || f.earned_earlier_this_year != 0;
        if !included.get(i).copied().unwrap_or(false) {
            if declared {
                return Err(invalid(
                    "members",
                    "fyll bara i inkomster för dem som ingår i din ansökan",
                ));
            }
            continue;
        }
        let id = member_id(m.person.id);
        let age = i64::from(m.person.pnr.age_on(first));
        let earns = f.incomes.iter().any(|(k, a)| *k == IncomeKind::Salary && *a > 0);
        let (months_with_assistance, jobbstimulans_from) = match m.role {
            Role::Adult => {
                let history = basis.history.get(&m.person.id);
                let months = consecutive_months(history.map(|h| &h.paid_months), form.month);
                let carried =
                    history.and_then(|h| h.jobbstimulans_starts.range(..form.month).map(|(_, s)| *s).max());
                (months, jobbstimulans_start(form.month, months, carried, earns))
            }
            Role::Child => (0, None),
        };
        for &(kind, amount) in &f.incomes {
            if amount == 0 {
                continue;
            }
            if amount < 0 || f.earned_earlier_this_year < 0 {
                return Err(invalid("incomes", "belopp får inte vara negativa"));
            }
            incomes.push(IncomeIn {
                member: Some(id.clone()),
                kind,
                amount,
                earned_earlier_this_year: (m.role == Role::Child && kind == IncomeKind::Salary)
                    .then_some(f.earned_earlier_this_year),
            });
        }
        members.push(MemberIn {
            id,
            role: m.role,
            age,
            lunch_outside_home: m.role == Role::Child && age <= 6 && f.lunch_outside_home,
            months_with_assistance,
            jobbstimulans_from,
        });
    }
    for &(kind, amount) in &form.household_incomes {
        if amount == 0 {
            continue;
        }
        if amount < 0 {
            return Err(invalid("incomes", "belopp får inte vara negativa"));
        }
        if kind == IncomeKind::Salary {
            return Err(invalid("incomes", "lön anges för den som har den"));
        }
        incomes.push(IncomeIn {
            member: None,
            kind,
            amount,
            earned_earlier_this_year: None,
        });
    }
    let adults = members.iter().filter(|m| m.role == Role::Adult).count();
    let dwelling = basis.members.len();
    Ok(CalcRequest {
        month: form.month,
        couple: (adults == 2).then_some(form.partner.is_some()),
        // The assistance household lives in a larger household community: the rest are assistance households
        // of their own (an adult child, a lodger, an adult without a partner).
        shared_household_size: (members.len() < dwelling)
            .then(|| i64::try_from(dwelling).unwrap_or(i64::MAX)),
        members,
        costs: form.costs.clone(),
        incomes,
        assets: form.assets,
        decided_on: None,
        norm_adjustments: Vec::new(),
    })
}

/// Consecutive months right before `month` in which the person's household was granted more than 0 kr and paid.
pub fn consecutive_months(paid: Option<&BTreeSet<Month>>, month: Month) -> i64 {
    let mut n = 0;
    let mut m = month.prev();
    while let Some(cur) = m
        && paid.is_some_and(|p| p.contains(&cur))
    {
        n += 1;
        m = cur.prev();
    }
    n
}

/// The jobbstimulans start to declare for an adult: the start carried from their decisions while its 24 months
/// run (and after they ended, so the engine can count the six new months), or this month when the rule starts to
/// apply now (six consecutive months) and the person earns a salary: every decision then freezes it.
pub fn jobbstimulans_start(month: Month, months: i64, carried: Option<Month>, earns: bool) -> Option<Month> {
    let months = u16::try_from(months.clamp(0, i64::from(u16::MAX))).unwrap_or(u16::MAX);
    match norm::rules::jobbstimulans(month, months, carried) {
        Jobbstimulans::Applies {
            from,
            started_now: false,
        } => Some(from),
        Jobbstimulans::Applies {
            from,
            started_now: true,
        } => {
            if earns {
                Some(from)
            } else {
                carried
            }
        }
        Jobbstimulans::Ended { from, .. } => Some(from),
        Jobbstimulans::NotYet { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(kind: DocumentKind, name: &str, mime: &str, content: &[u8]) -> Attachment {
        Attachment {
            kind,
            file_name: name.to_owned(),
            mime: mime.to_owned(),
            content: content.to_vec(),
        }
    }

    fn month(y: u16, m: u8) -> Month {
        Month::new(y, m).unwrap()
    }

    fn member(id: i64, pnr: &str, role: Role) -> store::MemberView {
        store::MemberView {
            person: store::PersonView {
                id: PersonId(id),
                pnr: domain::Personnummer::from_canonical(pnr).unwrap(),
                name: format!("Person {id}"),
                protection: domain::ProtectedIdentity::None,
            },
            role,
        }
    }

    fn paid(from: Month, until: Month) -> BTreeSet<Month> {
        let mut out = BTreeSet::new();
        let mut m = from;
        while m <= until {
            out.insert(m);
            m = m.next().unwrap();
        }
        out
    }

    /// A couple (ids 11 and 12) with a 4-year-old (13) and a 16-year-old (14), applying for 2026-03.
    fn family() -> ApplicationBasis {
        let mut history = std::collections::BTreeMap::new();
        // The applicant: six months granted and paid in a row before March.
        history.insert(
            PersonId(11),
            store::AssistanceHistory {
                paid_months: paid(month(2025, 9), month(2026, 2)),
                jobbstimulans_starts: Default::default(),
            },
        );
        // The partner: a start recorded in 2025-06's decision (within its 24 months in March 2026), and only
        // February paid; 2025-12 is paid but January is not, so the run is one month.
        history.insert(
            PersonId(12),
            store::AssistanceHistory {
                paid_months: [month(2025, 12), month(2026, 2)].into_iter().collect(),
                jobbstimulans_starts: [(month(2025, 6), month(2025, 5))].into_iter().collect(),
            },
        );
        ApplicationBasis {
            household: domain::HouseholdId(7),
            members: vec![
                // 1986-05-17: 39 on 2026-03-01.
                member(11, "198605172389", Role::Adult),
                // 1988-11-30: 37.
                member(12, "198811309288", Role::Adult),
                // 2021-06-10: 4.
                member(13, "202106102383", Role::Child),
                // 2009-07-01: 16.
                member(14, "200907012389", Role::Child),
            ],
            applied_months: [month(2026, 2)].into_iter().collect(),
            history,
        }
    }

    #[test]
    fn the_form_maps_to_the_engine_field_by_field() {
        let basis = family();
        let form = ApplicationForm {
            month: month(2026, 3),
            partner: Some(1),
            members: vec![
                MemberFacts {
                    incomes: vec![(IncomeKind::Salary, 9000), (IncomeKind::TaxRefund, 0)],
                    ..MemberFacts::default()
                },
                MemberFacts {
                    incomes: vec![
                        (IncomeKind::ParentalBenefit, 4000),
                        (IncomeKind::Salary, 2000),
                        (IncomeKind::DisabilityCompensation, 1200),
                    ],
                    ..MemberFacts::default()
                },
                MemberFacts {
                    lunch_outside_home: true,
                    ..MemberFacts::default()
                },
                MemberFacts {
                    incomes: vec![(IncomeKind::Salary, 3000)],
                    earned_earlier_this_year: 12000,
                    // Only a child of 0-6 eats "lunch outside the home" in the rules; ignored at 16.
                    lunch_outside_home: true,
                    ..MemberFacts::default()
                },
            ],
            household_incomes: vec![
                (IncomeKind::ChildAllowance, 2650),
                (IncomeKind::HousingAllowance, 0),
            ],
            costs: CostsIn {
                rent: 8200,
                electricity: 400,
                home_insurance: 180,
                work_travel: 600,
                union_fees: 320,
            },
            assets: 1500,
            attachments: Vec::new(),
        };
        let expected = CalcRequest {
            month: month(2026, 3),
            members: vec![
                MemberIn {
                    id: "P11".into(),
                    role: Role::Adult,
                    age: 39,
                    lunch_outside_home: false,
                    months_with_assistance: 6,
                    // Six months and a salary: the rule starts now and the start is recorded.
                    jobbstimulans_from: Some(month(2026, 3)),
                },
                MemberIn {
                    id: "P12".into(),
                    role: Role::Adult,
                    age: 37,
                    lunch_outside_home: false,
                    months_with_assistance: 1,
                    // Carried from the decision of 2025-06.
                    jobbstimulans_from: Some(month(2025, 5)),
                },
                MemberIn {
                    id: "P13".into(),
                    role: Role::Child,
                    age: 4,
                    lunch_outside_home: true,
                    months_with_assistance: 0,
                    jobbstimulans_from: None,
                },
                MemberIn {
                    id: "P14".into(),
                    role: Role::Child,
                    age: 16,
                    lunch_outside_home: false,
                    months_with_assistance: 0,
                    jobbstimulans_from: None,
                },
            ],
            couple: Some(true),
            shared_household_size: None,
            costs: CostsIn {
                rent: 8200,
                electricity: 400,
                home_insurance: 180,
                work_travel: 600,
                union_fees: 320,
            },
            incomes: vec![
                IncomeIn {
                    member: Some("P11".into()),
                    kind: IncomeKind::Salary,
                    amount: 9000,
                    earned_earlier_this_year: None,
                },
                IncomeIn {
                    member: Some("P12".into()),
                    kind: IncomeKind::ParentalBenefit,
                    amount: 4000,
                    earned_earlier_this_year: None,
                },
                IncomeIn {
                    member: Some("P12".into()),
                    kind: IncomeKind::Salary,
                    amount: 2000,
                    earned_earlier_this_year: None,
                },
                IncomeIn {
                    member: Some("P12".into()),
                    kind: IncomeKind::DisabilityCompensation,
                    amount: 1200,
                    earned_earlier_this_year: None,
                },
                IncomeIn {
                    member: Some("P14".into()),
                    kind: IncomeKind::Salary,
                    amount: 3000,
                    earned_earlier_this_year: Some(12000),
                },
                IncomeIn {
                    member: None,
                    kind: IncomeKind::ChildAllowance,
                    amount: 2650,
                    earned_earlier_this_year: None,
                },
            ],
            assets: 1500,
            decided_on: None,
            norm_adjustments: Vec::new(),
        };
        assert_eq!(declaration(&basis, PersonId(11), &form).unwrap(), expected);

        // Without the partner the applicant applies alone with the children they support (here: the 4-year-old)
        // in a community of four; the partner's incomes then belong to no one in the application.
        let mut alone = form.clone();
        alone.partner = None;
        assert!(matches!(
            declaration(&basis, PersonId(11), &alone),
            Err(AppError::Invalid { field: "members", .. })
        ));
        alone.members[1] = MemberFacts::default();
        alone.members[2].supported = true;
        alone.members[3] = MemberFacts::default();
        let request = declaration(&basis, PersonId(11), &alone).unwrap();
        let ids: Vec<&str> = request.members.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["P11", "P13"]);
        assert_eq!((request.couple, request.shared_household_size), (None, Some(4)));

        // A partner who is a child, oneself, or no one listed is refused; so are negative amounts.
        for p in [2, 0, 9] {
            let mut bad = form.clone();
            bad.partner = Some(p);
            assert!(
                matches!(
                    declaration(&basis, PersonId(11), &bad),
                    Err(AppError::Invalid { field: "partner", .. })
                ),
                "{p}"
            );
        }
        let mut bad = form.clone();
        bad.costs.rent = -1;
        assert!(declaration(&basis, PersonId(11), &bad).is_err());
        let mut bad = form;
        bad.household_incomes.push((IncomeKind::Salary, 100));
        assert!(declaration(&basis, PersonId(11), &bad).is_err());
    }

    #[test]
    fn months_with_assistance_count_only_the_run_right_before_the_month() {
        let m = month(2026, 3);
        assert_eq!(consecutive_months(None, m), 0);
        assert_eq!(
            consecutive_months(Some(&paid(month(2025, 1), month(2026, 2))), m),
            14
        );
        // A gap in January: February alone.
        let mut gap = paid(month(2025, 6), month(2026, 2));
        gap.remove(&month(2026, 1));
        assert_eq!(consecutive_months(Some(&gap), m), 1);
        // Nothing in February: none, however long the run before.
        assert_eq!(
            consecutive_months(Some(&paid(month(2025, 1), month(2026, 1))), m),
            0
        );
    }

    #[test]
    fn the_jobbstimulans_window_ends_after_24_months() {
        // Started in 2024-04: 2026-03 is month 24 (months_until = 23), still within.
        let from = month(2024, 4);
        assert_eq!(
            jobbstimulans_start(month(2026, 3), 0, Some(from), true),
            Some(from)
        );
        assert!(norm::rules::jobbstimulans_applies(month(2026, 3), 0, Some(from)));
        // 2026-04 is month 25: ended; the start is still declared so that the engine counts six new months.
        assert_eq!(
            jobbstimulans_start(month(2026, 4), 3, Some(from), true),
            Some(from)
        );
        assert!(!norm::rules::jobbstimulans_applies(month(2026, 4), 3, Some(from)));
        // Six new consecutive months after the end (2026-04 .. 2026-09 paid): a new period starts in 2026-10.
        assert_eq!(
            jobbstimulans_start(month(2026, 10), 6, Some(from), true),
            Some(month(2026, 10))
        );
        // Without a salary it does not start; the old start stays.
        assert_eq!(
            jobbstimulans_start(month(2026, 10), 6, Some(from), false),
            Some(from)
        );
        // Never started: five months are not enough, six are (with a salary).
        assert_eq!(jobbstimulans_start(month(2026, 3), 5, None, true), None);
        assert_eq!(
            jobbstimulans_start(month(2026, 3), 6, None, true),
            Some(month(2026, 3))
        );
        assert_eq!(jobbstimulans_start(month(2026, 3), 6, None, false), None);
        // The clock runs without assistance: started 2025-01, no months since, still within in 2026-03.
        assert_eq!(
            jobbstimulans_start(month(2026, 3), 0, Some(month(2025, 1)), false),
            Some(month(2025, 1))
        );
    }

    #[test]
    fn the_assistance_household_never_holds_more_than_two_adults() {
        let (a, c) = (Role::Adult, Role::Child);
        // A couple with an adult child and a minor: the couple and the minor; the adult child is on their own.
        let members = [(a, true), (a, false), (a, false), (c, false)];
        assert_eq!(
            assistance_household(&members, Some(1), &|_| false),
            [true, true, false, true]
        );
        // The adult child applying: alone, the minor is not theirs unless they say they support them.
        let members = [(a, false), (a, false), (a, true), (c, false)];
        assert_eq!(
            assistance_household(&members, None, &|_| false),
            [false, false, true, false]
        );
        // The only adult: every child.
        assert_eq!(
            assistance_household(&[(a, true), (c, false), (c, false)], None, &|_| false),
            [true, true, true]
        );
    }

    #[test]
    fn each_bad_attachment_is_named_with_its_problem() {
        let pdf = file(DocumentKind::Underlag, "hyra.pdf", "application/pdf", b"%PDF-1.7");
        assert!(attachment_problems(std::slice::from_ref(&pdf)).is_empty());
        let mut big = b"%PDF-".to_vec();
        big.resize(
            usize::try_from(domain::document::MAX_DOCUMENT_BYTES).unwrap_or(0) + 1,
            0,
        );
        let files = [
            pdf.clone(),
            file(DocumentKind::Underlag, "a.exe", "application/x-msdownload", b"MZ"),
            file(DocumentKind::Intyg, "falsk.pdf", "application/pdf", b"MZ"),
            file(DocumentKind::Underlag, "tom.pdf", "application/pdf", b""),
            file(DocumentKind::Underlag, "stor.pdf", "application/pdf", &big),
            file(DocumentKind::Underlag, " ", "application/pdf", b"%PDF-1.7"),
            file(
                DocumentKind::Skrivelse,
                "brev.pdf",
                "application/pdf",
                b"%PDF-1.7",
            ),
        ];
        assert_eq!(
            attachment_problems(&files),
            [
                (1, AttachmentProblem::Type),
                (2, AttachmentProblem::Content),
                (3, AttachmentProblem::Empty),
                (4, AttachmentProblem::Size),
                (5, AttachmentProblem::TooMany),
                (6, AttachmentProblem::TooMany),
            ]
        );
        let six = vec![pdf; MAX_ATTACHMENTS + 1];
        assert_eq!(
            attachment_problems(&six),
            [(MAX_ATTACHMENTS, AttachmentProblem::TooMany)]
        );
        let name = [file(DocumentKind::Underlag, " ", "application/pdf", b"%PDF-1.7")];
        assert_eq!(attachment_problems(&name), [(0, AttachmentProblem::Name)]);
        let letter = [file(
            DocumentKind::Skrivelse,
            "brev.pdf",
            "application/pdf",
            b"%PDF-1.7",
        )];
        assert_eq!(attachment_problems(&letter), [(0, AttachmentProblem::Kind)]);
    }
}
