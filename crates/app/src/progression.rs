//! The ladder work per person (issue #13): the ladder's versions (the administrator's), assessments, plans with
//! activities and weekly attendance, exits and the register's försörjningshinder (job coaches and caseworkers), the
//! job coach's caseload, and the applicant's own plan.
//!
//! Who may do what (docs/pending/ladder-work.md):
//! - reading a person's path needs `ReadCase`, writing needs `EditPlan`;
//! - a job coach reaches the persons whose open plan they follow, and the persons of households in their units;
//!   a caseworker (and a unit manager, reading) the persons of households in their units; an auditor reads all;
//!   "households" are the person's current ones, or all they belonged to when they belong to none now;
//! - a person with protected identity needs an explicit grant, as `may_read_household` asks;
//! - the administrator (`ManageUsers`) makes ladder versions; anyone signed in may read the ladder (no personal
//!   data);
//! - an applicant reads only their own plan (`ApplyOwn`, the account's own person).
//!
//! Every refusal is recorded as `access.denied`. Input is checked through `domain::progression` before anything is
//! written; dates are checked against today by the application's clock.

use domain::progression::ladder::version_on;
use domain::progression::{
    Absence, ActivityKind, ActivityPlan, Assessment, AttendanceWeek, ExitReason, Forsorjningshinder, Ladder,
    LadderStep, LadderVersion, LifeArea, ObstacleLevel,
};
use domain::{
    ActivityId, AssessmentId, DomainError, ExitId, HouseholdId, LadderVersionId, PersonId, PlanId, StaffId,
};
use jiff::civil::Date;
use norm::Month;
pub use store::progression::DEFAULT_LADDER_FROM;
use store::progression::runs_in_week;
use store::{Caseload, PersonAccess, PersonPath, PlanView, Progressions, StoreError};

use crate::access::{Actor, Denied, Permission, Role};
use crate::service::{App, AppError};

/// Persons on one page of the coach's caseload.
pub const CASELOAD_PAGE: i64 = 50;

/// What an assessment form holds, before it is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAssessment {
    pub assessed_on: Date,
    pub step: u8,
    pub own_step: Option<u8>,
    pub obstacles: Vec<(LifeArea, ObstacleLevel)>,
}

/// What a new activity holds, before it is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewActivity {
    pub kind: ActivityKind,
    pub provider: String,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub hours_per_week: u8,
}

/// A week's attendance as typed, before it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewAttendance {
    pub week_start: Date,
    pub hours_attended: u8,
    pub hours_absent: u8,
    pub absence: Option<Absence>,
}

/// What the applicant sees of their own ladder work: the open plan (goal, activities with dates, hours, provider and
/// their own attendance) and their latest step with its name and description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnPlan {
    pub plan: Option<PlanView>,
    /// (step number, the step, of how many steps)
    pub step: Option<(u8, LadderStep, u8)>,
}

/// The person's path with what the page may offer: whether the actor may write.
#[derive(Debug, Clone)]
pub struct PathView {
    pub path: PersonPath,
    pub can_edit: bool,
    /// The job coaches a plan may be followed by (the actor's units'): (staff, name).
    pub coaches: Vec<(StaffId, String)>,
    /// The version in force today.
    pub ladder_today: LadderVersion,
}

fn invalid(e: DomainError) -> AppError {
    match e {
        DomainError::Invalid { field, reason } => AppError::Invalid {
            field,
            reason: reason.to_owned(),
        },
        other => AppError::Invalid {
            field: "formulär",
            reason: other.to_string(),
        },
    }
}

fn field(field: &'static str, reason: &str) -> AppError {
    AppError::Invalid {
        field,
        reason: reason.to_owned(),
    }
}

/// The store's refusal of input as a field error; anything else as itself.
fn store_invalid(e: StoreError) -> AppError {
    match e {
        StoreError::Domain(d) => invalid(d),
        other => other.into(),
    }
}

/// May `actor` reach this person's ladder work with `permission`? (See the module's rules.)
pub fn judge_person(actor: &Actor, access: &PersonAccess, permission: Permission) -> Result<(), Denied> {
    actor.require(permission)?;
    if actor.role == Role::Applicant {
        return Err(Denied::Role);
    }
    let follows = actor.role == Role::JobCoach
        && actor.staff.is_some()
        && access.open_plan.and_then(|(_, coach)| coach) == actor.staff;
    let any_current = access.households.iter().any(|h| h.current);
    let in_units = access
        .households
        .iter()
        .filter(|h| h.current || !any_current)
        .any(|h| actor.units.contains(&h.unit));
    if !(follows || in_units || actor.role == Role::Auditor) {
        return Err(Denied::Unit);
    }
    if access.protected && !actor.protected_grants.contains(&access.person) {
        return Err(Denied::ProtectedIdentity);
    }
    Ok(())
}

impl App {
    fn today_of(ctx: &domain::Actor) -> Date {
        ctx.at.to_zoned(jiff::tz::TimeZone::UTC).date()
    }

    /// Checks the actor may reach the person (refusals audited; an unknown person is "not found" for those who may
    /// read cases, a refusal for others); returns the audit context and the access facts.
    async fn person_checked(
        &self,
        actor: &Actor,
        person: PersonId,
        page: &str,
        permission: Permission,
    ) -> Result<(domain::Actor, PersonAccess), AppError> {
        let ctx = self.audit_ctx(actor, page);
        if let Err(denied) = actor.require(permission) {
            self.enforce(&ctx, page, Err(denied)).await?;
        }
        let access = match self.store.person_access(person).await {
            Ok(a) => a,
            Err(StoreError::NotFound { .. }) if actor.require(Permission::ReadCase).is_err() => {
                self.enforce(&ctx, page, Err(Denied::Role)).await?;
                return Err(AppError::Denied(Denied::Role));
            }
            Err(e) => return Err(e.into()),
        };
        self.enforce(&ctx, page, judge_person(actor, &access, permission))
            .await?;
        Ok((ctx, access))
    }

    /// The household a write about the person is recorded under.
    fn household_of(actor: &Actor, access: &PersonAccess) -> Result<HouseholdId, AppError> {
        access
            .household_for(&actor.units)
            .ok_or_else(|| field("person", "personen tillhör inget hushåll"))
    }

    /// Every ladder version, oldest first (the default as version 1 until one is stored). Not personal data: anyone
    /// signed in may read it.
    pub async fn ladder_versions(&self, _actor: &Actor) -> Result<Vec<LadderVersion>, AppError> {
        Ok(self.store.ladder_versions().await?)
    }

    /// A new ladder version in force from `valid_from` (today or later: a version never changes the past; old
    /// assessments keep their version). The administrator's.
    pub async fn create_ladder_version(
        &self,
        actor: &Actor,
        valid_from: Date,
        steps: Vec<LadderStep>,
    ) -> Result<LadderVersionId, AppError> {
        let page = "admin/stege";
        let ctx = self.audit_ctx(actor, page);
        self.enforce(&ctx, page, actor.require(Permission::ManageUsers))
            .await?;
        let ladder = Ladder::new(steps).map_err(invalid)?;
        if valid_from < Self::today_of(&ctx) {
            return Err(field("datum", "en ny version kan gälla från i dag eller senare"));
        }
        match self.store.create_ladder_version(&ctx, valid_from, &ladder).await {
            Err(StoreError::Conflict(why)) => Err(field("datum", why)),
            other => Ok(other?),
        }
    }

    /// A person's path on the ladder, with what the page may offer the actor.
    pub async fn person_path(&self, actor: &Actor, person: PersonId) -> Result<PathView, AppError> {
        let page = format!("person/{person}/steg");
        let (ctx, _) = self
            .person_checked(actor, person, &page, Permission::ReadCase)
            .await?;
        let path = self.store.person_path(&ctx, person, false).await?;
        let today = Self::today_of(&ctx);
        let ladder_today = version_on(&path.versions, today)
            .or(path.versions.last())
            .cloned()
            .ok_or_else(|| AppError::Internal("ingen stege".to_owned()))?;
        let units: Vec<_> = actor.units.iter().copied().collect();
        Ok(PathView {
            can_edit: actor.require(Permission::EditPlan).is_ok(),
            coaches: self.store.job_coaches(&units).await?,
            ladder_today,
            path,
        })
    }

    /// Records an assessment, checked against the ladder version in force on its day.
    pub async fn record_assessment(
        &self,
        actor: &Actor,
        person: PersonId,
        new: NewAssessment,
    ) -> Result<AssessmentId, AppError> {
        let page = format!("person/{person}/steg");
        let (ctx, access) = self
            .person_checked(actor, person, &page, Permission::EditPlan)
            .await?;
        let versions = self.store.ladder_versions().await?;
        let version = version_on(&versions, new.assessed_on)
            .ok_or_else(|| field("datum", "ingen version av stegen gällde den dagen"))?;
        let assessment = Assessment::new(
            &version.ladder,
            new.assessed_on,
            Self::today_of(&ctx),
            new.step,
            new.own_step,
            &new.obstacles,
        )
        .map_err(invalid)?;
        let household = Self::household_of(actor, &access)?;
        Ok(self
            .store
            .record_assessment(
                &ctx,
                person,
                household,
                LadderVersionId(version.number),
                &assessment,
            )
            .await?)
    }

    /// A new plan with its goal; a job coach who makes it follows it unless another coach is chosen.
    pub async fn create_plan(
        &self,
        actor: &Actor,
        person: PersonId,
        goal: &str,
        made_on: Date,
        job_coach: Option<StaffId>,
    ) -> Result<PlanId, AppError> {
        let page = format!("person/{person}/steg");
        let (ctx, access) = self
            .person_checked(actor, person, &page, Permission::EditPlan)
            .await?;
        let goal = domain::text::PLAN_GOAL.check(goal).map_err(invalid)?;
        if goal.is_empty() {
            return Err(field("mal", "skriv planeringens mål"));
        }
        if made_on > Self::today_of(&ctx) {
            return Err(field("datum", "planeringen kan inte upprättas i förväg"));
        }
        let coach = match (job_coach, actor.role) {
            (None, Role::JobCoach) => actor.staff,
            (other, _) => other,
        };
        if let Some(c) = coach {
            let units: Vec<_> = actor.units.iter().copied().collect();
            let known = self.store.job_coaches(&units).await?;
            if !known.iter().any(|(id, _)| *id == c) && Some(c) != actor.staff {
                return Err(field("jobbcoach", "välj en jobbcoach i din enhet"));
            }
        }
        if access.open_plan.is_some() {
            return Err(field("mal", "personen har redan en öppen planering"));
        }
        let household = Self::household_of(actor, &access)?;
        match self
            .store
            .create_plan(&ctx, person, household, goal, made_on, coach)
            .await
        {
            Err(StoreError::Conflict(why)) => Err(field("mal", why)),
            other => other.map_err(store_invalid),
        }
    }

    /// Closes an open plan (its running activities end the same day).
    pub async fn close_plan(
        &self,
        actor: &Actor,
        plan: PlanId,
        closed_on: Date,
    ) -> Result<PersonId, AppError> {
        let (person, _, open, made_on) = self.store.plan_access(plan).await?;
        let page = format!("person/{person}/steg");
        let (ctx, _) = self
            .person_checked(actor, person, &page, Permission::EditPlan)
            .await?;
        if !open {
            return Err(field("avslut", "planeringen är redan avslutad"));
        }
        if closed_on > Self::today_of(&ctx) || closed_on < made_on {
            return Err(field(
                "avslut",
                "planeringen avslutas i dag eller tidigare, inte före den upprättades",
            ));
        }
        self.store
            .close_plan(&ctx, plan, closed_on)
            .await
            .map_err(store_invalid)?;
        Ok(person)
    }

    /// An activity of the person's open plan.
    pub async fn add_activity(
        &self,
        actor: &Actor,
        plan: PlanId,
        new: NewActivity,
    ) -> Result<(PersonId, ActivityId), AppError> {
        let (person, _, open, _) = self.store.plan_access(plan).await?;
        let page = format!("person/{person}/steg");
        let (ctx, _) = self
            .person_checked(actor, person, &page, Permission::EditPlan)
            .await?;
        let activity = ActivityPlan::new(
            new.kind,
            &new.provider,
            new.starts_on,
            new.ends_on,
            new.hours_per_week,
        )
        .map_err(invalid)?;
        if !open {
            return Err(field("anordnare", "planeringen är avslutad"));
        }
        let id = self
            .store
            .add_activity(&ctx, plan, &activity)
            .await
            .map_err(store_invalid)?;
        Ok((person, id))
    }

    /// Sets an activity's last day.
    pub async fn end_activity(
        &self,
        actor: &Actor,
        activity: ActivityId,
        ends_on: Date,
    ) -> Result<PersonId, AppError> {
        let found = self.store.activity_ref(activity).await?;
        let page = format!("person/{}/steg", found.person);
        let (ctx, _) = self
            .person_checked(actor, found.person, &page, Permission::EditPlan)
            .await?;
        let a = &found.activity;
        ActivityPlan::new(a.kind, &a.provider, a.starts_on, Some(ends_on), a.hours_per_week)
            .map_err(invalid)?;
        self.store
            .end_activity(&ctx, activity, ends_on)
            .await
            .map_err(store_invalid)?;
        Ok(found.person)
    }

    /// Records (or corrects) a week's attendance at an activity that ran that week.
    pub async fn record_attendance(
        &self,
        actor: &Actor,
        activity: ActivityId,
        new: NewAttendance,
    ) -> Result<PersonId, AppError> {
        let found = self.store.activity_ref(activity).await?;
        let page = format!("person/{}/steg", found.person);
        let (ctx, _) = self
            .person_checked(actor, found.person, &page, Permission::EditPlan)
            .await?;
        let week = AttendanceWeek::new(
            new.week_start,
            Self::today_of(&ctx),
            new.hours_attended,
            new.hours_absent,
            new.absence,
            found.activity.hours_per_week,
        )
        .map_err(invalid)?;
        if !runs_in_week(&found.activity, week.week_start) {
            return Err(field("vecka", "aktiviteten pågick inte den veckan"));
        }
        self.store
            .record_attendance(&ctx, activity, &week)
            .await
            .map_err(store_invalid)?;
        Ok(found.person)
    }

    /// An exit from the ladder with its reason.
    pub async fn record_exit(
        &self,
        actor: &Actor,
        person: PersonId,
        exited_on: Date,
        reason: ExitReason,
    ) -> Result<ExitId, AppError> {
        let page = format!("person/{person}/steg");
        let (ctx, access) = self
            .person_checked(actor, person, &page, Permission::EditPlan)
            .await?;
        if exited_on > Self::today_of(&ctx) {
            return Err(field("datum", "ett avslut kan inte registreras i förväg"));
        }
        let household = Self::household_of(actor, &access)?;
        self.store
            .record_exit(&ctx, person, household, exited_on, reason)
            .await
            .map_err(store_invalid)
    }

    /// The register's försörjningshinder for an adult and a month (this month or earlier).
    pub async fn record_reason(
        &self,
        actor: &Actor,
        person: PersonId,
        month: Month,
        reason: Forsorjningshinder,
    ) -> Result<(), AppError> {
        let page = format!("person/{person}/steg");
        let (ctx, access) = self
            .person_checked(actor, person, &page, Permission::EditPlan)
            .await?;
        let today = Self::today_of(&ctx);
        let this_month = Month::new(
            u16::try_from(today.year()).unwrap_or(0),
            u8::try_from(today.month()).unwrap_or(1),
        )
        .map_err(|e| AppError::Internal(e.to_string()))?;
        if month > this_month {
            return Err(field("manad", "en kommande månad kan inte registreras"));
        }
        if !access.households.iter().any(|h| h.adult) {
            return Err(field("manad", "försörjningshinder registreras för vuxna"));
        }
        let household = Self::household_of(actor, &access)?;
        self.store
            .record_reason(&ctx, person, household, month, reason)
            .await
            .map_err(store_invalid)
    }

    /// The job coach's caseload: the persons whose open plan they follow, by name, a page of [`CASELOAD_PAGE`] from
    /// `page` (0-based). Protected names are masked unless the coach has a grant.
    pub async fn caseload(&self, actor: &Actor, page: i64) -> Result<Caseload, AppError> {
        let where_ = "hem/coach";
        let ctx = self.audit_ctx(actor, where_);
        let check = actor.require(Permission::EditPlan).and_then(|()| {
            if actor.role == Role::JobCoach {
                Ok(())
            } else {
                Err(Denied::Role)
            }
        });
        self.enforce(&ctx, where_, check).await?;
        let today = Self::today_of(&ctx);
        let Some(coach) = actor.staff else {
            // An account without a staff record follows no plan: nothing personal to read.
            return Ok(Caseload {
                persons: Vec::new(),
                total: 0,
                versions: self.store.ladder_versions().await?,
            });
        };
        let offset = page.max(0).saturating_mul(CASELOAD_PAGE);
        let mut load = self
            .store
            .caseload(&ctx, coach, today, CASELOAD_PAGE, offset)
            .await?;
        for p in &mut load.persons {
            if p.protected && !actor.protected_grants.contains(&p.person) {
                p.name = crate::cases::PROTECTED_NAME.to_owned();
            }
        }
        Ok(load)
    }

    /// The applicant's own plan and latest step (`progression.own_read`).
    pub async fn my_plan(&self, actor: &Actor) -> Result<OwnPlan, AppError> {
        actor.require(Permission::ApplyOwn)?;
        let person = actor.person.ok_or(Denied::Role)?;
        let ctx = self.audit_ctx(actor, "mina-sidor/planering");
        let path = self.store.person_path(&ctx, person, true).await?;
        let step = path.latest().and_then(|a| {
            let version = path.version(a.ladder_version)?;
            let s = domain::progression::StepNo::new(a.step).ok()?;
            Some((a.step, version.ladder.step(s)?.clone(), version.ladder.len()))
        });
        Ok(OwnPlan {
            plan: path.open_plan().cloned(),
            step,
        })
    }
}
