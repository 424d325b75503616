//! Swedish public holidays and the rule that moves a deadline off a weekend or holiday.
//!
//! Lag (1930:173) om beräkning av lagstadgad tid: when the last day of a time limit falls on a Saturday, Sunday,
//! public holiday, midsummer eve, Christmas eve or New Year's eve, the limit extends to the next working day.

use jiff::Span;
use jiff::civil::{Date, Weekday};

/// Easter Sunday (Gregorian, the anonymous "Meeus/Jones/Butcher" algorithm).
fn easter_sunday(year: i16) -> Option<Date> {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

fn plus_days(d: Date, n: i64) -> Option<Date> {
    d.checked_add(Span::new().days(n)).ok()
}

/// True for Saturdays, Sundays, public holidays and the eves the law treats like them.
pub fn is_non_working_day(d: Date) -> bool {
    if matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) {
        return true;
    }
    let fixed = matches!(
        (d.month(), d.day()),
        (1, 1) | (1, 6) | (5, 1) | (6, 6) | (12, 24) | (12, 25) | (12, 26) | (12, 31)
    );
    // Midsummer eve: the Friday between 19 and 25 June.
    let midsummer_eve = d.month() == 6 && (19..=25).contains(&d.day()) && d.weekday() == Weekday::Friday;
    let movable = easter_sunday(d.year()).is_some_and(|easter| {
        [-2, 1, 39]
            .into_iter()
            .filter_map(|n| plus_days(easter, n))
            .any(|h| h == d)
    });
    fixed || midsummer_eve || movable
}

/// The first working day on or after `d`.
pub fn next_working_day(d: Date) -> Date {
    let mut day = d;
    // At most a handful of consecutive non-working days (Christmas to the weekend); the bound only guards the loop.
    for _ in 0..14 {
        if !is_non_working_day(day) {
            return day;
        }
        match plus_days(day, 1) {
            Some(next) => day = next,
            None => return day,
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn easter_and_holidays() {
        assert_eq!(easter_sunday(2026), Some(date(2026, 4, 5)));
        assert_eq!(easter_sunday(2025), Some(date(2025, 4, 20)));
        assert!(is_non_working_day(date(2026, 4, 3))); // Good Friday
        assert!(is_non_working_day(date(2026, 4, 6))); // Easter Monday
        assert!(is_non_working_day(date(2026, 5, 14))); // Ascension
        assert!(is_non_working_day(date(2026, 6, 19))); // Midsummer eve
        assert!(is_non_working_day(date(2026, 12, 24)));
        assert!(!is_non_working_day(date(2026, 3, 16))); // an ordinary Monday
        assert_eq!(next_working_day(date(2026, 12, 24)), date(2026, 12, 28));
        assert_eq!(next_working_day(date(2026, 3, 16)), date(2026, 3, 16));
    }
}
