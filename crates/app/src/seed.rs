//! Builds a synthetic municipality (`synth`) into a store the way the real system would have stored it: units,
//! staff and accounts, persons and households, every month's application, calculation (through the engine),
//! decision and payment run, and the appeals and recoveries of the generated history.
//!
//! Months before `today`'s month are decided, paid and exported. Applications for `today`'s month are received but
//! not yet decided, so the caseworkers' queue has work in it. Every write goes through the store's use cases, so the
//! audit chain covers the whole history.

use std::collections::BTreeMap;

use domain::decision::{DecisionItem, FrozenCalculation, NewDecision, Outcome};
use domain::role::Role;
use domain::{Actor, DecisionId, HouseholdId, PersonId, Personnummer, ProtectedIdentity, StaffId, UnitId};
use jiff::Timestamp;
use jiff::civil::Date;
use norm::contract::{CalcRequest, CalcResponse};
use norm::{Money, Month, RuleBook};
use store::{
    AccountStore, Intake, MonthDecision, NewAccount, NewPerson, Queues, SqlStore, Store, StoreError,
};
use synth::{Municipality, StaffRole as SynthRole};

mod address;
mod casework;
mod progression;

/// The demo sign-ins (password `demo`, demo mode only), with the role each one has.
pub const DEMO_STAFF_ACCOUNTS: [(&str, Role); 7] = [
    ("handlaggare", Role::Caseworker),
    ("coach", Role::JobCoach),
    ("chef", Role::UnitManager),
    ("controller", Role::Controller),
    ("politiker", Role::BoardMember),
    ("revisor", Role::Auditor),
    ("admin", Role::Administrator),
];
/// How many of this month's open applications the demo caseworker has at the start.
pub const DEMO_ASSIGNED: usize = 12;
/// Appeals that arrived longer ago than this have been handled in the demo's history; newer ones are open.
const OPEN_APPEAL_DAYS: i64 = 35;
/// In the demo's history the förvaltningsrätt judges a forwarded appeal this many days after it was forwarded.
const COURT_DAYS: i64 = 90;
/// Open sanction proposals the demo coach has made (from weeks absent without an acceptable reason).
const DEMO_PROPOSALS: usize = 3;
/// Applicants `sokande1` .. `sokande5`.
pub const DEMO_APPLICANTS: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("beräkningen för hushåll {household} {month}: {message}")]
    Calculation {
        household: i64,
        month: Month,
        message: String,
    },
    #[error("ogiltiga syntetiska data: {0}")]
    Invalid(String),
    #[error("lösenordshash: {0}")]
    Hash(String),
}

/// What was stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub units: usize,
    pub staff: usize,
    pub accounts: usize,
    pub persons: usize,
    pub households: usize,
    pub decisions: usize,
    pub payments: usize,
    pub open_applications: usize,
    pub appeals: usize,
    pub claims: usize,
    pub journal_notes: usize,
    pub follow_ups: usize,
    /// Register reasons, assessments, plans, activities, attendance weeks and exits.
    pub progression: store::ImportCounts,
    pub sanction_proposals: usize,
}

/// Progress of a long build: (what, done, total).
pub type Progress<'a> = &'a mut dyn FnMut(&str, u64, u64);

/// Stores `town` into `store`. `today` decides which month is still open; `at` is the instant every audit record of
/// the build carries. `hash` hashes the demo password (argon2id from [`crate::auth`]).
pub async fn build(
    store: &SqlStore,
    town: &Municipality,
    today: Date,
    at: Timestamp,
    hash: &dyn Fn(&str) -> Result<String, String>,
    progress: Progress<'_>,
) -> Result<SeedReport, SeedError> {
    let actor = Actor::system("demo", "seed", at);
    let mut report = SeedReport::default();
    let current = Month::new(
        u16::try_from(today.year()).map_err(|e| SeedError::Invalid(e.to_string()))?,
        u8::try_from(today.month()).map_err(|e| SeedError::Invalid(e.to_string()))?,
    )
    .map_err(|e| SeedError::Invalid(e.to_string()))?;

    // Organisation.
    let mut units = BTreeMap::new();
    for u in &town.units {
        units.insert(u.id, store.create_unit(&actor, &u.name).await?);
    }
    report.units = units.len();
    let mut staff = BTreeMap::new();
    for s in &town.staff {
        let unit = *units
            .get(&s.unit)
            .ok_or_else(|| SeedError::Invalid(format!("enhet {:?}", s.unit)))?;
        let name = format!("{} {}", s.given_name, s.family_name);
        let id = store.create_staff(&actor, unit, &name, role_of(s.role)).await?;
        staff.insert(s.id, (id, unit, name, role_of(s.role)));
    }
    report.staff = staff.len();

    // Persons and households: only those who ever applied are known to the social services.
    let households: BTreeMap<_, _> = town.households.iter().map(|h| (h.id, h)).collect();
    let mut stored_households: BTreeMap<synth::HouseholdId, HouseholdId> = BTreeMap::new();
    let mut stored_persons: BTreeMap<synth::PersonId, PersonId> = BTreeMap::new();
    let total = town.cases.len() as u64;
    let mut addresses = Vec::new();
    for (n, case) in town.cases.iter().enumerate() {
        let h = households
            .get(&case.household)
            .ok_or_else(|| SeedError::Invalid(format!("hushåll {:?}", case.household)))?;
        let first = case.months.first().map(|m| m.month).unwrap_or(current);
        let last = case.months.last().map(|m| m.month).unwrap_or(current);
        // The register holds the household as it was at its latest application: children who have since left
        // home are not members any more. Each month's decision keeps that month's composition in its frozen input.
        let mut members = Vec::new();
        for (p, _) in h.composition(last) {
            let pnr = Personnummer::from_canonical(&p.personnummer.replace('-', ""))
                .map_err(|e| SeedError::Invalid(e.to_string()))?;
            let protection = if p.protected_identity {
                ProtectedIdentity::SkyddadFolkbokforing
            } else {
                ProtectedIdentity::None
            };
            let name = format!("{} {}", p.given_name, p.family_name);
            let id = store
                .register_person(
                    &actor,
                    NewPerson {
                        pnr,
                        name,
                        protection,
                    },
                )
                .await?;
            stored_persons.insert(p.id, id);
            // The register's address, for the letters' address block; none for a hidden address. Stored for all
            // at once below: one transaction, not one per person.
            if protection == ProtectedIdentity::None
                && let Some(address) = address::household_address(n, &town.config.name)
            {
                addresses.push((id, address));
            }
            let role = match p.role {
                synth::MemberRole::Adult => norm::contract::Role::Adult,
                synth::MemberRole::Child => norm::contract::Role::Child,
            };
            members.push((id, role));
        }
        let unit = *units
            .get(&case.unit)
            .ok_or_else(|| SeedError::Invalid(format!("enhet {:?}", case.unit)))?;
        let id = store
            .register_household(&actor, unit, &members, first_day(first)?)
            .await?;
        stored_households.insert(case.household, id);
        if n % 100 == 0 {
            progress("hushåll", n as u64, total);
        }
    }
    store.set_postal_addresses(&actor, &addresses).await?;
    progress("hushåll", total, total);
    report.households = stored_households.len();
    report.persons = stored_persons.len();

    // Every month's applications and decisions, then that month's payment run.
    let book = RuleBook::standard();
    let mut by_month: BTreeMap<Month, Vec<(&synth::Case, &synth::AssistanceMonth)>> = BTreeMap::new();
    for case in &town.cases {
        for m in &case.months {
            by_month.entry(m.month).or_default().push((case, m));
        }
    }
    let mut decisions: BTreeMap<(synth::HouseholdId, Month), DecisionId> = BTreeMap::new();
    // This month's applications, still open, by unit: some go to the demo caseworker below.
    let mut open_applications: Vec<(UnitId, domain::ApplicationId)> = Vec::new();
    let months = by_month.len() as u64;
    for (i, (month, rows)) in by_month.iter().enumerate() {
        progress("månader", i as u64, months);
        if *month > current {
            continue;
        }
        if *month == current {
            for (case, m) in rows {
                let h = household_id(&stored_households, case.household)?;
                if m.application_received <= today {
                    let a = actor_on(&actor, m.application_received);
                    let app = store
                        .receive_application(&a, h, *month, m.application_received)
                        .await?;
                    // What the applicant declared: the caseworker's calculation starts from it.
                    store.attach_request(&a, app.id, &m.request).await?;
                    report.open_applications += 1;
                    if let Some(&unit) = units.get(&case.unit) {
                        open_applications.push((unit, app.id));
                    }
                }
            }
            continue;
        }
        let mut batch = Vec::with_capacity(rows.len());
        for (case, m) in rows {
            let response = norm::calculate(&book, &m.request).map_err(|e| SeedError::Calculation {
                household: i64::from(case.household.0),
                month: *month,
                message: e.to_string(),
            })?;
            batch.push(MonthDecision {
                household: household_id(&stored_households, case.household)?,
                received_on: m.application_received,
                decision: decision_for(&m.request, response)?,
            });
        }
        let decided_at = rows.iter().map(|(_, m)| m.decided).max().unwrap_or(today);
        let ids = store
            .decide_month(&actor_on(&actor, decided_at), *month, &batch)
            .await?;
        for ((case, _), id) in rows.iter().zip(&ids) {
            decisions.insert((case.household, *month), *id);
        }
        report.decisions += ids.len();
        let pay_date = rows.iter().map(|(_, m)| m.paid).max().unwrap_or(today);
        let pay_actor = actor_on(&actor, pay_date);
        let run = store.create_payment_batch(&pay_actor, pay_date).await?;
        report.payments += store.add_many_to_batch(&pay_actor, run, &ids).await?.len();
        store.approve_batch(&pay_actor, run, None).await?;
        store.export_batch(&pay_actor, run).await?;
        // Past months were paid: the bank confirmed them.
        store.confirm_batch_paid(&pay_actor, run).await?;
    }
    progress("månader", months, months);

    // Appeals of decisions that exist (served on the day the person received them).
    for appeal in &town.appeals {
        let Some(&decision) = decisions.get(&(appeal.household, appeal.month)) else {
            continue;
        };
        let a = actor_on(&actor, appeal.received);
        store.serve_decision(&a, decision, appeal.served).await?;
        let received = store.receive_appeal(&a, decision, appeal.received).await?;
        report.appeals += 1;
        handle_old_appeal(store, &actor, received, today).await?;
    }

    // Recoveries: the amount wrongly paid is the month's assistance minus the assistance with the undeclared income.
    for r in &town.recoveries {
        let (Some(&decision), Some(case)) = (
            decisions.get(&(r.household, r.month)),
            town.cases.iter().find(|c| c.household == r.household),
        ) else {
            continue;
        };
        let Some(m) = case.months.iter().find(|m| m.month == r.month) else {
            continue;
        };
        let paid = norm::calculate(&book, &m.request).map_err(|e| calc_error(r.household, r.month, e))?;
        let mut with_income = m.request.clone();
        with_income.incomes.push(r.undeclared_income.clone());
        let due = norm::calculate(&book, &with_income).map_err(|e| calc_error(r.household, r.month, e))?;
        let amount = Money::from_kronor(paid.assistance - due.assistance)
            .map_err(|e| SeedError::Invalid(e.to_string()))?;
        if amount <= Money::ZERO {
            continue;
        }
        let a = actor_on(&actor, r.decided);
        let h = household_id(&stored_households, r.household)?;
        let claim = store
            .create_claim(
                &a,
                h,
                Some(decision),
                amount,
                "Inkomst som inte redovisades i ansökan",
            )
            .await?;
        if r.waived {
            store.waive_claim(&a, claim.id, amount).await?;
        }
        report.claims += 1;
    }

    // The casework around the money: plans and exits in the journal, the next plan review as a follow-up.
    let stored = casework::Stored {
        households: &stored_households,
        persons: &stored_persons,
        staff: &staff,
    };
    (report.journal_notes, report.follow_ups) =
        casework::seed(store, town, &stored, &actor, today, current).await?;
    progress("stegförflyttning", 0, 1);
    report.progression = progression::seed(store, town, &stored, &actor, today, current).await?;
    progress("stegförflyttning", 1, 1);

    // Sign-ins for the demo. The demo applicants live in the demo caseworker's unit, so that one can follow an
    // application from the e-service to the decision with the demo accounts.
    let mut caseworker_unit = None;
    let mut demo_caseworker = None;
    let mut demo_coach = None;
    for (username, role) in DEMO_STAFF_ACCOUNTS {
        let member = staff
            .values()
            .find(|(_, _, _, r)| *r == role)
            .ok_or_else(|| SeedError::Invalid(format!("ingen personal med rollen {}", role.as_str())))?;
        let (staff_id, unit, name, _) = member.clone();
        if role == Role::Caseworker {
            caseworker_unit = Some(unit);
        }
        if role == Role::Caseworker {
            demo_caseworker = Some(staff_id);
        }
        if role == Role::JobCoach {
            demo_coach = Some(staff_id);
        }
        let units_for = account_units(role, unit, &town.units, &units);
        create_demo_account(
            store,
            &actor,
            hash,
            username,
            &name,
            role,
            Some(staff_id),
            None,
            units_for,
        )
        .await?;
        report.accounts += 1;
    }
    // "Mina ärenden" is not empty at the first sign-in: the oldest of this month's applications in the demo
    // caseworker's unit are theirs; the rest stay unassigned for the queue's "Ej tilldelade".
    if let (Some(staff_id), Some(unit)) = (demo_caseworker, caseworker_unit) {
        for (_, app) in open_applications
            .iter()
            .filter(|(u, _)| *u == unit)
            .take(DEMO_ASSIGNED)
        {
            store
                .assign_application(&actor, *app, None, Some(staff_id))
                .await?;
        }
    }
    if let Some(coach) = demo_coach {
        report.sanction_proposals =
            progression::propose_for_demo(store, &actor, coach, today, DEMO_PROPOSALS).await?;
    }
    let mut applicants = 0;
    for case in town
        .cases
        .iter()
        .filter(|c| c.months.last().is_some_and(|m| m.month == current))
        .filter(|c| units.get(&c.unit).copied() == caseworker_unit)
    {
        if applicants == DEMO_APPLICANTS {
            break;
        }
        let Some(h) = households.get(&case.household) else {
            continue;
        };
        if h.protected_identity() {
            continue;
        }
        let Some(adult) = h.adults().next() else { continue };
        let Some(&person) = stored_persons.get(&adult.id) else {
            continue;
        };
        applicants += 1;
        let name = format!("{} {}", adult.given_name, adult.family_name);
        let username = format!("sokande{applicants}");
        create_demo_account(
            store,
            &actor,
            hash,
            &username,
            &name,
            Role::Applicant,
            None,
            Some(person),
            vec![],
        )
        .await?;
        report.accounts += 1;
    }
    Ok(report)
}

/// An appeal older than [`OPEN_APPEAL_DAYS`] is history, not work: one that came in time was forwarded to the
/// förvaltningsrätt within the week and, once [`COURT_DAYS`] have passed, judged (avslag: the decision stands). So
/// the queue shows this month's and last month's appeals, as a real one would, and not one from years ago.
async fn handle_old_appeal(
    store: &SqlStore,
    system: &Actor,
    appeal: store::AppealView,
    today: Date,
) -> Result<(), SeedError> {
    let days = |n: i64| jiff::Span::new().days(n);
    let open_from = today
        .checked_sub(days(OPEN_APPEAL_DAYS))
        .map_err(|e| SeedError::Invalid(e.to_string()))?;
    if appeal.received_on >= open_from || appeal.status != domain::appeal::AppealStatus::InTime {
        return Ok(());
    }
    let forwarded = appeal
        .received_on
        .checked_add(days(domain::appeal::FORWARD_WITHIN_DAYS))
        .map_err(|e| SeedError::Invalid(e.to_string()))?;
    store
        .forward_appeal(&actor_on(system, forwarded), appeal.id)
        .await?;
    let judged = forwarded
        .checked_add(days(COURT_DAYS))
        .map_err(|e| SeedError::Invalid(e.to_string()))?;
    if judged < today {
        store
            .record_court_outcome(
                &actor_on(system, judged),
                appeal.id,
                domain::appeal::CourtOutcome::Avslag,
                None,
            )
            .await?;
    }
    Ok(())
}

fn role_of(role: SynthRole) -> Role {
    match role {
        SynthRole::Caseworker => Role::Caseworker,
        SynthRole::JobCoach => Role::JobCoach,
        SynthRole::UnitManager => Role::UnitManager,
        SynthRole::Controller => Role::Controller,
        SynthRole::BoardMember => Role::BoardMember,
        SynthRole::Auditor => Role::Auditor,
        SynthRole::Administrator => Role::Administrator,
    }
}

/// Which units' households an account sees: a caseworker and a unit manager their own unit; a job coach works
/// across the economic-assistance units; the other roles need no unit (they see aggregates or read by role).
fn account_units(
    role: Role,
    own: UnitId,
    synth_units: &[synth::Unit],
    stored: &BTreeMap<synth::UnitId, UnitId>,
) -> Vec<UnitId> {
    match role {
        Role::Caseworker => vec![own],
        Role::UnitManager | Role::JobCoach => synth_units
            .iter()
            .filter(|u| u.kind == synth::UnitKind::EconomicAssistance)
            .filter_map(|u| stored.get(&u.id).copied())
            .collect(),
        _ => vec![],
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call site; a struct would only rename the arguments"
)]
async fn create_demo_account(
    store: &SqlStore,
    actor: &Actor,
    hash: &dyn Fn(&str) -> Result<String, String>,
    username: &str,
    name: &str,
    role: Role,
    staff: Option<StaffId>,
    person: Option<PersonId>,
    units: Vec<UnitId>,
) -> Result<(), SeedError> {
    let password_hash = hash(crate::service::DEMO_PASSWORD).map_err(SeedError::Hash)?;
    let account = NewAccount {
        username: username.to_owned(),
        display_name: name.to_owned(),
        role,
        staff,
        person,
        password_hash,
        units,
    };
    let id = store.create_account(actor, account).await?;
    // Marked, so that it signs in only when the server runs in demo mode.
    store.mark_demo_account(actor, id).await?;
    Ok(())
}

/// The decision for a calculated month: one item, granted in full (the generated households all qualify).
fn decision_for(request: &CalcRequest, response: CalcResponse) -> Result<NewDecision, SeedError> {
    let amount = Money::from_kronor(response.assistance).map_err(|e| SeedError::Invalid(e.to_string()))?;
    let basis = if response.rule_set.contains("2025-400") {
        "SoL 12:1"
    } else {
        "SoL 4:1"
    };
    let (outcome, reasons) = if amount > Money::ZERO {
        (
            Outcome::Bifall,
            "Behovet är beräknat enligt riksnormen och skäliga kostnader, minus inkomster.",
        )
    } else {
        (
            Outcome::Avslag,
            "Inkomsterna täcker riksnormen och de skäliga kostnaderna.",
        )
    };
    Ok(NewDecision {
        deductions: Default::default(),
        items: vec![DecisionItem {
            purpose: Default::default(),
            what: format!("Försörjningsstöd {}", request.month),
            outcome,
            applied: amount,
            granted: amount,
            reasons: reasons.to_owned(),
            legal_basis: basis.to_owned(),
        }],
        calculation: Some(FrozenCalculation {
            changes: Default::default(),
            rule_table: response.rule_table.clone(),
            rule_table_version: response.rule_table_version.clone(),
            request: request.clone(),
            response,
        }),
        replaces: None,
    })
}

fn household_id(
    map: &BTreeMap<synth::HouseholdId, HouseholdId>,
    h: synth::HouseholdId,
) -> Result<HouseholdId, SeedError> {
    map.get(&h)
        .copied()
        .ok_or_else(|| SeedError::Invalid(format!("hushåll {h:?} saknas")))
}

fn first_day(m: Month) -> Result<Date, SeedError> {
    Date::new(
        i16::try_from(m.year()).unwrap_or(i16::MAX),
        i8::try_from(m.month()).unwrap_or(1),
        1,
    )
    .map_err(|e| SeedError::Invalid(e.to_string()))
}

/// The same system actor, at noon UTC of the given day: the history's audit records carry the day it happened.
fn actor_on(actor: &Actor, day: Date) -> Actor {
    let at = day
        .to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp())
        .unwrap_or(actor.at);
    Actor {
        at: at.checked_add(jiff::SignedDuration::from_hours(12)).unwrap_or(at),
        ..actor.clone()
    }
}

fn calc_error(household: synth::HouseholdId, month: Month, e: norm::InputError) -> SeedError {
    SeedError::Calculation {
        household: i64::from(household.0),
        month,
        message: e.to_string(),
    }
}
