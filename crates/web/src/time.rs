//! Instants and dates as people in Sweden read them: Europe/Stockholm local time (CET in winter, CEST in summer).
//!
//! Every page and the letter format instants here, so that no page shows UTC by mistake. The time zone database is
//! compiled into the binary (jiff's `tzdb-bundle-always`, see the workspace manifest): a server without
//! `/usr/share/zoneinfo` still finds Europe/Stockholm. The machine's own database is preferred when it has the zone
//! (it may be newer); the compiled-in one is the fallback, never UTC.

use std::sync::LazyLock;

use jiff::civil::Date;
use jiff::tz::{TimeZone, TimeZoneDatabase};
use jiff::{Timestamp, Zoned};

/// The zone's name in the time zone database.
pub const ZONE: &str = "Europe/Stockholm";

/// Europe/Stockholm from the machine's database, else from the one compiled in. `None` only if neither has it,
/// which the tests below rule out for the compiled-in one.
static STOCKHOLM: LazyLock<Option<TimeZone>> = LazyLock::new(|| {
    jiff::tz::db()
        .get(ZONE)
        .or_else(|_| TimeZoneDatabase::bundled().get(ZONE))
        .ok()
});

/// An instant in Swedish local time. If the zone could not be found at all (impossible with the compiled-in
/// database), the result is in UTC and every formatted text says so ("UTC"), so it is never silently wrong.
pub fn local(at: Timestamp) -> Zoned {
    match STOCKHOLM.as_ref() {
        Some(tz) => at.to_zoned(tz.clone()),
        None => at.to_zoned(TimeZone::UTC),
    }
}

/// " UTC" when the zone is missing, so a formatted text never passes UTC off as Swedish time.
fn suffix() -> &'static str {
    if STOCKHOLM.is_some() { "" } else { " UTC" }
}

/// The Swedish calendar date an instant falls on.
pub fn date(at: Timestamp) -> Date {
    local(at).date()
}

/// `2026-01-16 00:30`: an instant to the minute, Swedish time.
pub fn minute(at: Timestamp) -> String {
    format!("{}{}", local(at).strftime("%Y-%m-%d %H:%M"), suffix())
}

/// `2026-01-16 00:30:05`: an instant to the second, Swedish time (the auditor's log).
pub fn second(at: Timestamp) -> String {
    format!("{}{}", local(at).strftime("%Y-%m-%d %H:%M:%S"), suffix())
}

/// The first instant of a Swedish calendar day (midnight local time), for filters that take days.
pub fn day_start(day: Date) -> Option<Timestamp> {
    match STOCKHOLM.as_ref() {
        Some(tz) => day.to_zoned(tz.clone()).ok().map(|z| z.timestamp()),
        None => day.to_zoned(TimeZone::UTC).ok().map(|z| z.timestamp()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_in_database_has_stockholm() {
        // Holds on a machine without /usr/share/zoneinfo: the bundle is always compiled in.
        assert!(TimeZoneDatabase::bundled().get(ZONE).is_ok());
        assert!(STOCKHOLM.is_some());
    }

    #[test]
    fn a_winter_evening_in_utc_is_the_next_day_in_sweden() {
        // 15 January: CET = UTC+1, so 23:30 UTC is 00:30 on the 16th.
        let at: Timestamp = "2026-01-15T23:30:00Z".parse().unwrap();
        assert_eq!(minute(at), "2026-01-16 00:30");
        assert_eq!(second(at), "2026-01-16 00:30:00");
        assert_eq!(date(at).to_string(), "2026-01-16");
    }

    #[test]
    fn a_summer_evening_in_utc_is_two_hours_later_in_sweden() {
        // 15 July: CEST = UTC+2, so 23:30 UTC is 01:30 on the 16th; 21:59 UTC is still the 15th (23:59).
        let at: Timestamp = "2026-07-15T23:30:00Z".parse().unwrap();
        assert_eq!(minute(at), "2026-07-16 01:30");
        assert_eq!(date(at).to_string(), "2026-07-16");
        let before: Timestamp = "2026-07-15T21:59:00Z".parse().unwrap();
        assert_eq!(minute(before), "2026-07-15 23:59");
    }

    #[test]
    fn a_swedish_day_starts_at_local_midnight() {
        // Midnight CET on 16 January is 23:00 UTC on the 15th; midnight CEST on 16 July is 22:00 UTC on the 15th.
        let winter = day_start(jiff::civil::date(2026, 1, 16)).unwrap();
        assert_eq!(winter.to_string(), "2026-01-15T23:00:00Z");
        let summer = day_start(jiff::civil::date(2026, 7, 16)).unwrap();
        assert_eq!(summer.to_string(), "2026-07-15T22:00:00Z");
    }
}
