//! The applicant's online application for a month: the household's members come from the register, the figures
//! and the attachments (bilagor) from the applicant; the engine validates the whole input and every file is checked
//! before anything is stored.

use domain::DomainError;
use domain::application::ApplicationStatus;
use domain::document::{DocumentKind, DocumentMeta, MAX_ATTACHMENTS};
use jiff::civil::Date;
use norm::Month;
use norm::contract::{CalcRequest, CostsIn, IncomeIn, IncomeKind, MemberIn, Role};
use store::{ApplicationView, HouseholdOverview, Intake, NewDocument, Store, Worklists};

use crate::access::{Actor, Denied, Permission};
use crate::service::{App, AppError};

/// What the applicant fills in, whole kronor. Incomes are per kind for the household; a salary is the applicant's.
#[derive(Debug, Clone)]
pub struct ApplicationForm {
    pub month: Month,
    /// Married or sambo with the other adult (asked only when the household has two adults).
    pub couple: bool,
    pub costs: CostsIn,
    /// (kind, amount) for the kinds the form asks about.
    pub incomes: Vec<(IncomeKind, i64)>,
    /// Files sent with the application, in the order of the form.
    pub attachments: Vec<Attachment>,
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

impl App {
    /// The applicant's household as the form shows it (their own data; an audited read).
    pub async fn my_household(&self, actor: &Actor) -> Result<HouseholdOverview, AppError> {
        actor.require(Permission::ApplyOwn)?;
        let person = actor.person.ok_or(Denied::Role)?;
        let ctx = self.audit_ctx(actor, "ansok");
        let today = ctx.at.to_zoned(jiff::tz::TimeZone::UTC).date();
        let household =
            self.store
                .households_of(person)
                .await?
                .into_iter()
                .next()
                .ok_or(AppError::Invalid {
                    field: "hushall",
                    reason: "du finns inte registrerad i något hushåll; kontakta kommunen".to_owned(),
                })?;
        let mut overview = self.store.household_overview(&ctx, household, today).await?;
        // The form lists the members by name: a member with protected identity is not the applicant's to read
        // (unless it is the applicant).
        for m in overview
            .members
            .iter_mut()
            .map(|m| &mut m.person)
            .chain(overview.membership.iter_mut().map(|m| &mut m.person))
        {
            if m.protection.is_protected() && m.id != person {
                m.name = crate::cases::PROTECTED_NAME.to_owned();
            }
        }
        Ok(overview)
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
        let household = self.my_household(actor).await?;
        let ctx = self.audit_ctx(actor, "ansok");
        let today = ctx.at.to_zoned(jiff::tz::TimeZone::UTC).date();
        if !months_open(today).contains(&form.month) {
            return Err(AppError::Invalid {
                field: "month",
                reason: "du kan ansöka för innevarande eller nästa månad".to_owned(),
            });
        }
        if household.applications.iter().any(|a| a.month == form.month) {
            return Err(AppError::Invalid {
                field: "month",
                reason: "det finns redan en ansökan för månaden".to_owned(),
            });
        }
        let request = declaration(&household, actor, &form, today)?;
        // The engine checks every figure (negative amounts, ages, couples) before anything is stored.
        norm::calculate(crate::deciding::rules(), &request).map_err(|e| AppError::Invalid {
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
            .apply_with_documents(&ctx, household.id, today, &request, &documents)
            .await?;
        Ok(application)
    }
}

/// The engine's input: members from the register with their ages in the month, figures from the form.
fn declaration(
    household: &HouseholdOverview,
    actor: &Actor,
    form: &ApplicationForm,
    today: Date,
) -> Result<CalcRequest, AppError> {
    let first_day = Date::new(
        i16::try_from(form.month.year()).unwrap_or(i16::MAX),
        i8::try_from(form.month.month()).unwrap_or(1),
        1,
    )
    .unwrap_or(today);
    let months_with_assistance = consecutive_months_with_assistance(household, form.month);
    let members: Vec<MemberIn> = household
        .members
        .iter()
        .map(|m| MemberIn {
            id: format!("P{}", m.person.id),
            role: m.role,
            age: i64::from(m.person.pnr.age_on(first_day)),
            lunch_outside_home: false,
            months_with_assistance: if m.role == Role::Adult {
                months_with_assistance
            } else {
                0
            },
            jobbstimulans_from: None,
        })
        .collect();
    let adults = members.iter().filter(|m| m.role == Role::Adult).count();
    let me = actor.person.map(|p| format!("P{p}"));
    let mut incomes = Vec::new();
    for &(kind, amount) in &form.incomes {
        if amount == 0 {
            continue;
        }
        if amount < 0 {
            return Err(AppError::Invalid {
                field: "incomes",
                reason: "belopp får inte vara negativa".to_owned(),
            });
        }
        let member = (kind == IncomeKind::Salary).then(|| me.clone()).flatten();
        incomes.push(IncomeIn {
            member,
            kind,
            amount,
            earned_earlier_this_year: None,
        });
    }
    Ok(CalcRequest {
        month: form.month,
        members,
        couple: (adults == 2).then_some(form.couple),
        shared_household_size: None,
        costs: form.costs.clone(),
        incomes,
        assets: 0,
        decided_on: None,
        norm_adjustments: Vec::new(),
    })
}

/// Consecutive months right before `month` with a decided or paid application (the jobbstimulans count).
fn consecutive_months_with_assistance(household: &HouseholdOverview, month: Month) -> i64 {
    let mut n = 0;
    let mut m = month.prev();
    while let Some(cur) = m {
        let had = household.applications.iter().any(|a| {
            a.month == cur && matches!(a.status, ApplicationStatus::Decided | ApplicationStatus::Paid)
        });
        if !had {
            break;
        }
        n += 1;
        m = cur.prev();
    }
    n
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
