//! The applicant's online application for a month: the household's members come from the register, the figures
//! from the applicant; the engine validates the whole input before anything is stored.

use domain::application::ApplicationStatus;
use jiff::civil::Date;
use norm::Month;
use norm::contract::{CalcRequest, CostsIn, IncomeIn, IncomeKind, MemberIn, Role};
use store::{ApplicationView, HouseholdOverview, Intake, Store, Worklists};

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
        Ok(self.store.household_overview(&ctx, household, today).await?)
    }

    /// Receives the month's application with its declaration, or refuses it with the field at fault; nothing is
    /// stored unless the whole input is valid.
    pub async fn apply_online(
        &self,
        actor: &Actor,
        form: ApplicationForm,
    ) -> Result<ApplicationView, AppError> {
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
        Ok(self.store.apply(&ctx, household.id, today, &request).await?)
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
