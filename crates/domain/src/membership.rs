//! Membership of a household month by month: who belonged to it during a month, which is what an applicant may read
//! (the decisions and applications of the months they belonged to the household, and the names of those who
//! belonged to it that month).
//!
//! A membership period is a [`Validity`]: from its first day, up to (not including) its `to` day. A person is a
//! member *during* a month when their period overlaps the month by at least one day: joining on the 31st or leaving
//! after the 1st makes them a member of that month, leaving on the 1st (the period ends before it) does not.

use jiff::civil::Date;
use norm::Month;

use crate::fact::Validity;

/// The first day of the month (`None` only outside the calendar's range, which [`Month`] already excludes).
pub fn first_day(month: Month) -> Option<Date> {
    let year = i16::try_from(month.year()).ok()?;
    let m = i8::try_from(month.month()).ok()?;
    Date::new(year, m, 1).ok()
}

/// Whether the period overlaps `month` by at least one day.
pub fn overlaps(period: &Validity, month: Month) -> bool {
    let Some(first) = first_day(month) else {
        return false;
    };
    // The period starts before the next month begins (the last month the type holds has no next: open above).
    let starts_in_time = match month.next().and_then(first_day) {
        Some(next) => period.from < next,
        None => true,
    };
    // It ends after the month's first day (`to` is the first day it no longer holds).
    let ends_in_time = period.to.is_none_or(|to| to > first);
    starts_in_time && ends_in_time
}

/// Whether someone with these membership periods (of one household) was a member during `month`.
pub fn member_during(periods: &[Validity], month: Month) -> bool {
    periods.iter().any(|p| overlaps(p, month))
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn month(y: u16, m: u8) -> Month {
        Month::new(y, m).unwrap()
    }

    fn period(from: Date, to: Option<Date>) -> Validity {
        Validity::new(from, to).unwrap()
    }

    #[test]
    fn the_first_day_of_a_month() {
        assert_eq!(first_day(month(2026, 3)), Some(date(2026, 3, 1)));
        assert_eq!(first_day(month(2024, 12)), Some(date(2024, 12, 1)));
    }

    #[test]
    fn one_day_of_overlap_makes_a_member_of_the_month() {
        let march = month(2026, 3);
        // Joined on the last day of March: a member of March, not of February.
        let joined = period(date(2026, 3, 31), None);
        assert!(overlaps(&joined, march));
        assert!(!overlaps(&joined, month(2026, 2)));
        assert!(overlaps(&joined, month(2027, 1)), "open-ended: every later month");
        // Joined on 1 April: not a member of March.
        assert!(!overlaps(&period(date(2026, 4, 1), None), march));
        // Left with `to` = 2 March: the 1st of March is inside the period, so March counts.
        assert!(overlaps(&period(date(2025, 6, 1), Some(date(2026, 3, 2))), march));
        // Left with `to` = 1 March: the period ended on 28 February; March does not count, February does.
        let left = period(date(2025, 6, 1), Some(date(2026, 3, 1)));
        assert!(!overlaps(&left, march));
        assert!(overlaps(&left, month(2026, 2)));
        // A period inside the month.
        assert!(overlaps(
            &period(date(2026, 3, 10), Some(date(2026, 3, 20))),
            march
        ));
        // A period around the month.
        assert!(overlaps(&period(date(2025, 1, 1), Some(date(2027, 1, 1))), march));
    }

    #[test]
    fn the_year_boundary_and_the_last_month() {
        // Joined 31 December: December counts, the November before does not; January after does.
        let joined = period(date(2025, 12, 31), None);
        assert!(overlaps(&joined, month(2025, 12)));
        assert!(!overlaps(&joined, month(2025, 11)));
        assert!(overlaps(&joined, month(2026, 1)));
        // December 9999 has no next month: a period that started by then overlaps it.
        assert!(overlaps(&period(date(9999, 12, 5), None), month(9999, 12)));
    }

    #[test]
    fn any_of_several_periods_counts() {
        // Member January-February, away in March, back from 15 April.
        let periods = [
            period(date(2026, 1, 1), Some(date(2026, 3, 1))),
            period(date(2026, 4, 15), None),
        ];
        let during: Vec<u8> = (1..=5)
            .filter(|m| member_during(&periods, month(2026, *m)))
            .collect();
        assert_eq!(during, [1, 2, 4, 5]);
        assert!(!member_during(&[], month(2026, 1)));
    }
}
