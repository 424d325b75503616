//! An adult's individual plan (planering mot självförsörjning): a goal and activities with dates, hours per week and
//! a provider, and attendance recorded week by week.
//!
//! Attendance is recorded per activity and ISO week (the week's Monday): hours attended, and hours absent with the
//! kind of absence. An absence without an acceptable reason, or a refused activity, is what a sanction proposal
//! under 12 kap. 5 § SoL may rest on ([`Absence::may_ground_sanction`]); sickness or another accepted reason never is.

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::text;

/// Hours a week that count as full time (the aktivitetskrav's "normally full-time activities", domain README §6).
pub const FULL_TIME_HOURS: u8 = 40;

/// What kind of activity: the categories the issue names, which the statistics compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// Svenska för invandrare.
    Sfi,
    /// Komvux, folkhögskola, other studies.
    Studies,
    /// Arbetspraktik or arbetsträning required under 12 kap. 4 § SoL.
    WorkPractice,
    /// Organised job search (jobbsökaraktivitet).
    JobSearch,
    /// Health and rehabilitation.
    Rehabilitation,
    /// Employment with a wage subsidy or other support.
    SubsidisedEmployment,
    Other,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 7] = [
        ActivityKind::Sfi,
        ActivityKind::Studies,
        ActivityKind::WorkPractice,
        ActivityKind::JobSearch,
        ActivityKind::Rehabilitation,
        ActivityKind::SubsidisedEmployment,
        ActivityKind::Other,
    ];

    /// The stored code (never shown on a page).
    pub const fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Sfi => "sfi",
            ActivityKind::Studies => "studies",
            ActivityKind::WorkPractice => "work_practice",
            ActivityKind::JobSearch => "job_search",
            ActivityKind::Rehabilitation => "rehabilitation",
            ActivityKind::SubsidisedEmployment => "subsidised_employment",
            ActivityKind::Other => "other",
        }
    }

    pub fn parse(code: &str) -> Option<ActivityKind> {
        ActivityKind::ALL.into_iter().find(|k| k.as_str() == code)
    }

    pub const fn label_sv(self) -> &'static str {
        match self {
            ActivityKind::Sfi => "Svenska för invandrare (sfi)",
            ActivityKind::Studies => "Studier",
            ActivityKind::WorkPractice => "Arbetspraktik (12 kap. 4 § SoL)",
            ActivityKind::JobSearch => "Jobbsökande",
            ActivityKind::Rehabilitation => "Rehabilitering",
            ActivityKind::SubsidisedEmployment => "Anställning med stöd",
            ActivityKind::Other => "Annan aktivitet",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            ActivityKind::Sfi => "Swedish for immigrants (sfi)",
            ActivityKind::Studies => "Studies",
            ActivityKind::WorkPractice => "Work practice (ch. 12 s. 4 SoL)",
            ActivityKind::JobSearch => "Job search",
            ActivityKind::Rehabilitation => "Rehabilitation",
            ActivityKind::SubsidisedEmployment => "Subsidised employment",
            ActivityKind::Other => "Other activity",
        }
    }
}

/// A checked activity of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityPlan {
    pub kind: ActivityKind,
    pub provider: String,
    pub starts_on: Date,
    /// The last day; `None` while it has no planned end.
    pub ends_on: Option<Date>,
    /// Planned hours a week, 1..=[`FULL_TIME_HOURS`].
    pub hours_per_week: u8,
}

impl ActivityPlan {
    pub fn new(
        kind: ActivityKind,
        provider: &str,
        starts_on: Date,
        ends_on: Option<Date>,
        hours_per_week: u8,
    ) -> Result<ActivityPlan, DomainError> {
        let provider = text::ACTIVITY_PROVIDER.check(provider)?;
        if provider.is_empty() {
            return Err(DomainError::Invalid {
                field: "anordnare",
                reason: "ange vem som anordnar aktiviteten",
            });
        }
        if !(1..=FULL_TIME_HOURS).contains(&hours_per_week) {
            return Err(DomainError::Invalid {
                field: "timmar",
                reason: "timmar per vecka ska vara mellan 1 och 40",
            });
        }
        if ends_on.is_some_and(|end| end < starts_on) {
            return Err(DomainError::Invalid {
                field: "slutdatum",
                reason: "slutdatum ligger före startdatum",
            });
        }
        Ok(ActivityPlan {
            kind,
            provider: provider.to_owned(),
            starts_on,
            ends_on,
            hours_per_week,
        })
    }

    /// Whether the activity runs on `day`.
    pub fn runs_on(&self, day: Date) -> bool {
        self.starts_on <= day && self.ends_on.is_none_or(|end| day <= end)
    }
}

/// Why hours were missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Absence {
    /// Ill (the person's own sickness).
    Sick,
    /// Care of a sick child (vård av barn).
    ChildSick,
    /// Another reason the coach accepted (an appointment, a job interview).
    Accepted,
    /// Absent without an acceptable reason.
    Unexcused,
    /// Refused to take part.
    Refused,
}

impl Absence {
    pub const ALL: [Absence; 5] = [
        Absence::Sick,
        Absence::ChildSick,
        Absence::Accepted,
        Absence::Unexcused,
        Absence::Refused,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Absence::Sick => "sick",
            Absence::ChildSick => "child_sick",
            Absence::Accepted => "accepted",
            Absence::Unexcused => "unexcused",
            Absence::Refused => "refused",
        }
    }

    pub fn parse(code: &str) -> Option<Absence> {
        Absence::ALL.into_iter().find(|a| a.as_str() == code)
    }

    /// Only an absence without an acceptable reason or a refusal may ground a 12 kap. 5 § proposal.
    pub const fn may_ground_sanction(self) -> bool {
        matches!(self, Absence::Unexcused | Absence::Refused)
    }

    pub const fn label_sv(self) -> &'static str {
        match self {
            Absence::Sick => "Sjuk",
            Absence::ChildSick => "Vård av sjukt barn",
            Absence::Accepted => "Annat godtagbart skäl",
            Absence::Unexcused => "Frånvaro utan godtagbart skäl",
            Absence::Refused => "Avböjt att delta",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            Absence::Sick => "Sick",
            Absence::ChildSick => "Care of a sick child",
            Absence::Accepted => "Other acceptable reason",
            Absence::Unexcused => "Absent without acceptable reason",
            Absence::Refused => "Refused to take part",
        }
    }
}

/// One week's attendance at one activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceWeek {
    /// The week's Monday.
    pub week_start: Date,
    pub hours_attended: u8,
    pub hours_absent: u8,
    /// Why hours were missed; required when `hours_absent` > 0, absent otherwise.
    pub absence: Option<Absence>,
}

impl AttendanceWeek {
    /// Checks a week for an activity planned at `planned_hours` a week: the day is a Monday, the week is not in the
    /// future (`today`), hours add up to at most the plan plus a day's overtime (8 h), and an absence has a reason.
    pub fn new(
        week_start: Date,
        today: Date,
        hours_attended: u8,
        hours_absent: u8,
        absence: Option<Absence>,
        planned_hours: u8,
    ) -> Result<AttendanceWeek, DomainError> {
        if week_start.weekday() != Weekday::Monday {
            return Err(DomainError::Invalid {
                field: "vecka",
                reason: "veckan anges med sin måndag",
            });
        }
        if week_start > today {
            return Err(DomainError::Invalid {
                field: "vecka",
                reason: "närvaro kan inte registreras i förväg",
            });
        }
        if u16::from(hours_attended) + u16::from(hours_absent) > u16::from(planned_hours) + 8 {
            return Err(DomainError::Invalid {
                field: "timmar",
                reason: "fler timmar än aktiviteten har",
            });
        }
        match (hours_absent, absence) {
            (0, Some(_)) => Err(DomainError::Invalid {
                field: "franvaro",
                reason: "ange frånvarotimmar eller ta bort skälet",
            }),
            (1.., None) => Err(DomainError::Invalid {
                field: "franvaro",
                reason: "ange skälet till frånvaron",
            }),
            _ => Ok(AttendanceWeek {
                week_start,
                hours_attended,
                hours_absent,
                absence,
            }),
        }
    }
}

/// The Monday of the ISO week `day` falls in.
pub fn week_of(day: Date) -> Date {
    let back = i64::from(day.weekday().to_monday_zero_offset());
    day.checked_sub(jiff::Span::new().days(back)).unwrap_or(day)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn an_activity_needs_a_provider_sensible_hours_and_dates_in_order() {
        let d = date(2026, 11, 2);
        assert!(ActivityPlan::new(ActivityKind::Sfi, "Komvux", d, None, 15).is_ok());
        assert!(ActivityPlan::new(ActivityKind::Sfi, " ", d, None, 15).is_err());
        assert!(ActivityPlan::new(ActivityKind::Sfi, "Komvux", d, None, 0).is_err());
        assert!(ActivityPlan::new(ActivityKind::Sfi, "Komvux", d, None, 41).is_err());
        assert!(ActivityPlan::new(ActivityKind::Sfi, "Komvux", d, Some(date(2026, 11, 1)), 10).is_err());
        let a = ActivityPlan::new(ActivityKind::Sfi, "Komvux", d, Some(date(2026, 11, 30)), 10).expect("ok");
        assert!(
            a.runs_on(date(2026, 11, 30)) && !a.runs_on(date(2026, 12, 1)) && !a.runs_on(date(2026, 11, 1))
        );
    }

    #[test]
    fn attendance_is_weekly_from_monday_and_an_absence_has_a_reason() {
        let monday = date(2026, 11, 23);
        let today = date(2026, 12, 3);
        assert!(AttendanceWeek::new(monday, today, 20, 0, None, 20).is_ok());
        assert!(AttendanceWeek::new(date(2026, 11, 24), today, 20, 0, None, 20).is_err());
        assert!(AttendanceWeek::new(date(2026, 12, 7), today, 0, 0, None, 20).is_err());
        assert!(AttendanceWeek::new(monday, today, 12, 8, None, 20).is_err());
        assert!(AttendanceWeek::new(monday, today, 20, 0, Some(Absence::Sick), 20).is_err());
        assert!(AttendanceWeek::new(monday, today, 25, 4, Some(Absence::Sick), 20).is_err());
        let w = AttendanceWeek::new(monday, today, 12, 8, Some(Absence::Unexcused), 20).expect("ok");
        assert!(w.absence.is_some_and(Absence::may_ground_sanction));
        assert!(!Absence::Sick.may_ground_sanction());
        assert_eq!(week_of(date(2026, 12, 3)), date(2026, 11, 30));
        assert_eq!(week_of(date(2026, 11, 30)), date(2026, 11, 30));
        for k in ActivityKind::ALL {
            assert_eq!(ActivityKind::parse(k.as_str()), Some(k));
        }
        for a in Absence::ALL {
            assert_eq!(Absence::parse(a.as_str()), Some(a));
        }
    }
}
