//! The generated municipality as plain data: units, staff, households and persons, and the assistance history.

use jiff::civil::Date;
use norm::contract::CalcRequest;
use norm::{Money, Month};
use serde::{Deserialize, Serialize};

use crate::config::Config;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u32);
    };
}

id_type!(
    /// Index of a unit in `Municipality::units`.
    UnitId
);
id_type!(
    /// Index of a staff member in `Municipality::staff`.
    StaffId
);
id_type!(
    /// Index of a household in `Municipality::households`.
    HouseholdId
);
id_type!(
    /// Unique over all persons of the municipality.
    PersonId
);

impl PersonId {
    /// The member id used in `CalcRequest`s (`P` + the number): never the personnummer.
    pub fn member_id(self) -> String {
        format!("P{}", self.0)
    }
}

/// Everything `synth::generate` produces. Ordered (vectors sorted by id or month): the same config serialises to
/// the same bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Municipality {
    pub config: Config,
    pub units: Vec<Unit>,
    pub staff: Vec<Staff>,
    pub households: Vec<Household>,
    /// One per household that had assistance in at least one month from `first_month` to `last_month`, by
    /// household id.
    pub cases: Vec<Case>,
    pub appeals: Vec<Appeal>,
    pub recoveries: Vec<Recovery>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub id: UnitId,
    pub name: String,
    pub kind: UnitKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// A unit handling economic assistance for a part of the municipality.
    EconomicAssistance,
    LabourMarket,
    Management,
    Board,
    Audit,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staff {
    pub id: StaffId,
    pub given_name: String,
    pub family_name: String,
    /// A login name, unique: given.family plus a number.
    pub username: String,
    pub role: StaffRole,
    pub unit: UnitId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    Caseworker,
    JobCoach,
    UnitManager,
    Controller,
    BoardMember,
    Auditor,
    Administrator,
}

impl StaffRole {
    pub const ALL: [StaffRole; 7] = [
        StaffRole::Caseworker,
        StaffRole::JobCoach,
        StaffRole::UnitManager,
        StaffRole::Controller,
        StaffRole::BoardMember,
        StaffRole::Auditor,
        StaffRole::Administrator,
    ];
}

/// A part of the town; each area belongs to one economic-assistance unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    pub name: String,
    pub postcode: String,
    pub unit: UnitId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Household {
    pub id: HouseholdId,
    /// Street and number (synthetic street names).
    pub address: String,
    pub area: Area,
    /// Adults first, then children by birth date. Children born during the period are listed from the start:
    /// use [`Household::composition`] for who lives there in a given month.
    pub members: Vec<Person>,
    /// The month the household moved away from the municipality (only set after assistance ended for that reason).
    pub moved_out: Option<Month>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    /// 12 digits `YYYYMMDD-NNNC` with a valid Luhn check digit; synthetic (see the crate documentation).
    pub personnummer: String,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Date,
    pub sex: Sex,
    /// Adult of the household (parent, partner) or a child living at home.
    pub role: MemberRole,
    /// Skyddad identitet (sekretessmarkering): handle with extra care, never show the address.
    pub protected_identity: bool,
    /// Children aged 1-6: eats lunch at preschool five days a week (riksnorm's lower child amount).
    pub preschool: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberRole {
    Adult,
    Child,
}

/// A child counts as a member of the household until the month before the 19th birthday: after upper
/// secondary school we assume the young adult leaves home (or applies on their own).
pub const CHILD_LEAVES_HOME_AT: i16 = 19;

impl Person {
    /// Completed years on the first day of `month`; a child born during `month` is 0. `None` before birth.
    pub fn age_in(&self, month: Month) -> Option<i16> {
        let (by, bm) = (self.birth_date.year(), self.birth_date.month());
        let (y, m) = (
            i16::try_from(month.year()).ok()?,
            i8::try_from(month.month()).ok()?,
        );
        if (by, bm) > (y, m) {
            return None;
        }
        // Born on the 1st of this month or earlier in the year: the birthday has passed by the 1st.
        let had_birthday = (bm, self.birth_date.day()) <= (m, 1);
        let age = y - by - if had_birthday { 0 } else { 1 };
        Some(age.max(0))
    }
}

impl Household {
    /// Who lives in the household in `month`, with their age: adults, then children born by then and younger
    /// than [`CHILD_LEAVES_HOME_AT`].
    pub fn composition(&self, month: Month) -> Vec<(&Person, i16)> {
        self.members
            .iter()
            .filter_map(|p| {
                let age = p.age_in(month)?;
                match p.role {
                    MemberRole::Adult => Some((p, age)),
                    MemberRole::Child if age < CHILD_LEAVES_HOME_AT => Some((p, age)),
                    MemberRole::Child => None,
                }
            })
            .collect()
    }

    pub fn adults(&self) -> impl Iterator<Item = &Person> {
        self.members.iter().filter(|p| p.role == MemberRole::Adult)
    }

    pub fn protected_identity(&self) -> bool {
        self.members.iter().any(|p| p.protected_identity)
    }
}

/// The assistance history of one household.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub household: HouseholdId,
    /// The economic-assistance unit of the household's area.
    pub unit: UnitId,
    /// Spells in time order. A spell may start before `first_month` (its earlier months are not stored).
    pub spells: Vec<Spell>,
    /// One per month on assistance from `first_month` to `last_month`, in month order.
    pub months: Vec<AssistanceMonth>,
}

/// Consecutive months with försörjningsstöd.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spell {
    pub start: Month,
    /// Last month on assistance; `None` while the spell continues in `last_month`.
    pub end: Option<Month>,
    pub exit: Option<ExitReason>,
    /// The latent group the spell was drawn from (the generator's truth; a real system never knows it).
    pub latent_group: LatentGroup,
    pub caseworker: StaffId,
    /// One plan per adult, made in the spell's first month.
    pub plans: Vec<Plan>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LatentGroup {
    Fast,
    Slow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitReason {
    Work,
    Studies,
    OtherBenefit,
    Moved,
    Unknown,
}

impl ExitReason {
    pub const fn label_sv(self) -> &'static str {
        match self {
            ExitReason::Work => "Arbete",
            ExitReason::Studies => "Studier",
            ExitReason::OtherBenefit => "Annan ersättning",
            ExitReason::Moved => "Flyttat",
            ExitReason::Unknown => "Okänd orsak",
        }
    }
}

/// One household-month on assistance: the application and the engine's exact input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssistanceMonth {
    pub month: Month,
    /// The application for this month arrived on this day (in the month).
    pub application_received: Date,
    /// The day the decision was made (on or after `application_received`, in the month).
    pub decided: Date,
    /// The day of payment (on or after `decided`, in the month).
    pub paid: Date,
    pub caseworker: StaffId,
    /// One entry per adult: reason and ladder step.
    pub adults: Vec<AdultMonth>,
    /// The calculation input as the engine takes it (members by `PersonId::member_id`).
    pub request: CalcRequest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdultMonth {
    pub person: PersonId,
    pub reason: Forsorjningshinder,
    /// Step on the progression ladder, 1 (far from work) to [`LADDER_STEPS`] (close to work).
    pub ladder_step: u8,
}

/// Number of steps of the default ladder (the product's own, domain README §10).
pub const LADDER_STEPS: u8 = 5;

/// The default ladder's step names, index 0 = step 1.
pub const LADDER_STEP_NAMES: [&str; LADDER_STEPS as usize] = [
    "Kartläggning",
    "Motivation och stabilitet",
    "Arbetsförberedande insats",
    "Arbetsträning och praktik",
    "Arbetsnära",
];

/// The reason an adult cannot support the household (försörjningshinder), by the main categories of
/// Socialstyrelsen's register of economic assistance (domain README §10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Forsorjningshinder {
    UnemployedNoBenefit,
    UnemployedInsufficientBenefit,
    UnemployedAwaitingBenefit,
    UnemployedEstablishmentBenefit,
    SocialReasons,
    SickListedWithCertificate,
    InsufficientSicknessCompensation,
    WorkingInsufficientIncome,
    ParentalLeave,
}

impl Forsorjningshinder {
    pub const fn label_sv(self) -> &'static str {
        match self {
            Forsorjningshinder::UnemployedNoBenefit => "Arbetslös – ingen ersättning",
            Forsorjningshinder::UnemployedInsufficientBenefit => "Arbetslös – otillräcklig ersättning",
            Forsorjningshinder::UnemployedAwaitingBenefit => "Arbetslös – väntar på ersättning",
            Forsorjningshinder::UnemployedEstablishmentBenefit => "Arbetslös med etableringsersättning",
            Forsorjningshinder::SocialReasons => "Sociala skäl – nedsatt eller oklar arbetsförmåga",
            Forsorjningshinder::SickListedWithCertificate => "Sjukskriven med läkarintyg",
            Forsorjningshinder::InsufficientSicknessCompensation => {
                "Otillräcklig sjuk- eller aktivitetsersättning"
            }
            Forsorjningshinder::WorkingInsufficientIncome => "Arbetar – otillräcklig inkomst",
            Forsorjningshinder::ParentalLeave => "Föräldraledig – otillräcklig föräldrapenning",
        }
    }

    pub const fn is_unemployed(self) -> bool {
        matches!(
            self,
            Forsorjningshinder::UnemployedNoBenefit
                | Forsorjningshinder::UnemployedInsufficientBenefit
                | Forsorjningshinder::UnemployedAwaitingBenefit
                | Forsorjningshinder::UnemployedEstablishmentBenefit
        )
    }
}

/// A plan for one adult (planering mot självförsörjning) with its activities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub person: PersonId,
    pub created: Date,
    pub caseworker: StaffId,
    /// A job coach from the labour-market unit, when the plan includes labour-market activities.
    pub job_coach: Option<StaffId>,
    pub goal: String,
    pub activities: Vec<Activity>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub kind: ActivityKind,
    pub start: Month,
    /// Last month of the activity; `None` while it continues in `last_month`.
    pub end: Option<Month>,
    pub hours_per_week: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    JobSearch,
    Sfi,
    AdultEducation,
    WorkPractice,
    WorkTraining,
    HealthRehabilitation,
    SubsidisedEmployment,
}

impl ActivityKind {
    pub const fn label_sv(self) -> &'static str {
        match self {
            ActivityKind::JobSearch => "Jobbsökaraktivitet",
            ActivityKind::Sfi => "Svenska för invandrare (sfi)",
            ActivityKind::AdultEducation => "Studier inom Komvux",
            ActivityKind::WorkPractice => "Arbetspraktik",
            ActivityKind::WorkTraining => "Arbetsträning",
            ActivityKind::HealthRehabilitation => "Hälso- och rehabiliteringsinsats",
            ActivityKind::SubsidisedEmployment => "Anställning med stöd",
        }
    }
}

/// An appeal (överklagande) of the decision for one household-month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appeal {
    pub household: HouseholdId,
    /// The month whose decision is appealed.
    pub month: Month,
    pub ground: AppealGround,
    /// The day the person received the decision (delgivning).
    pub served: Date,
    /// The day the appeal reached the municipality.
    pub received: Date,
}

impl Appeal {
    /// Last day for the appeal: three weeks after the person received the decision (domain README §4). A limit
    /// ending on a weekend or holiday moves to the next working day under förvaltningslagen; the generator avoids
    /// such borderline cases (see `appeals`), so this plain date is enough to tell late appeals here.
    pub fn deadline(&self) -> Option<Date> {
        self.served.checked_add(jiff::Span::new().days(21)).ok()
    }

    pub fn is_late(&self) -> bool {
        self.deadline().is_some_and(|d| self.received > d)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealGround {
    /// Rent above the guideline not accepted in full.
    RentNotAccepted,
    /// An income counted that the person says should not be.
    IncomeCounted,
    /// Reduced for refusing an activity without acceptable reason (SoL 12:5).
    ReductionForRefusal,
    /// A one-off need (livsföring i övrigt) refused.
    OneOffNeedRefused,
}

/// A recovery (återkrav) of assistance paid because an income was not declared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recovery {
    pub household: HouseholdId,
    /// The month that was overpaid.
    pub month: Month,
    /// The income that was not declared. The amount wrongly paid is the month's assistance minus the assistance
    /// with this income counted: the loader computes it through the engine.
    pub undeclared_income: norm::contract::IncomeIn,
    pub undeclared_amount: Money,
    /// The day the board decided on the recovery.
    pub decided: Date,
    /// The board waived (efterger) the claim.
    pub waived: bool,
}
