//! A calendar date (`YYYY-MM-DD`): the day a decision is made, which picks the law and its legal bases.
//!
//! A tiny civil date of our own rather than a date library: the engine only needs to read, validate, compare and
//! print a day, and must stay pure (a general date library with default features reads the system's time zone
//! database). Years run 1900-9999 like [`Month`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Month;

/// A valid Gregorian calendar day between 1900-01-01 and 9999-12-31. Ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    month: Month,
    day: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("must be a date written YYYY-MM-DD, got {0:?}")]
    Format(String),
    #[error("{0:?} is not a date")]
    NoSuchDay(String),
}

impl Date {
    pub fn new(year: u16, month: u8, day: u8) -> Result<Date, DateError> {
        let text = || format!("{year:04}-{month:02}-{day:02}");
        let month = Month::new(year, month).map_err(|_| DateError::NoSuchDay(text()))?;
        if day == 0 || day > month.days() {
            return Err(DateError::NoSuchDay(text()));
        }
        Ok(Date { month, day })
    }

    /// The first day of a month (the default decision date of a calculation for that month).
    pub const fn first_of(month: Month) -> Date {
        Date { month, day: 1 }
    }

    /// The month the day lies in.
    pub const fn month(self) -> Month {
        self.month
    }

    pub const fn year(self) -> u16 {
        self.month.year()
    }

    /// Day of the month, 1-31.
    pub const fn day(self) -> u8 {
        self.day
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut b = crate::fastfmt::Buf::<10>::new();
        b.push_u64(u64::from(self.month.year()), 4);
        b.push(b"-");
        b.push_u64(u64::from(self.month.month()), 2);
        b.push(b"-");
        b.push_u64(u64::from(self.day), 2);
        f.write_str(b.as_str())
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Date, DateError> {
        let bad = || DateError::Format(s.to_owned());
        let mut parts = s.split('-');
        let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        if y.len() != 4
            || m.len() != 2
            || d.len() != 2
            || !y
                .bytes()
                .chain(m.bytes())
                .chain(d.bytes())
                .all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let year: u16 = y.parse().map_err(|_| bad())?;
        let month: u8 = m.parse().map_err(|_| bad())?;
        let day: u8 = d.parse().map_err(|_| bad())?;
        Date::new(year, month, day).map_err(|_| DateError::NoSuchDay(s.to_owned()))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_valid_days_and_prints_them_back() {
        for good in [
            "2025-07-01",
            "2024-02-29",
            "2000-02-29",
            "1900-01-01",
            "9999-12-31",
            "2026-04-30",
        ] {
            let d: Date = good.parse().unwrap();
            assert_eq!(d.to_string(), good);
        }
        let d: Date = "2025-07-03".parse().unwrap();
        assert_eq!(
            (d.year(), d.month(), d.day()),
            (2025, Month::new(2025, 7).unwrap(), 3)
        );
        assert_eq!(
            Date::first_of(Month::new(2026, 3).unwrap()).to_string(),
            "2026-03-01"
        );
    }

    #[test]
    fn refuses_days_that_do_not_exist_and_bad_formats() {
        for no_such_day in [
            "2026-02-30",
            "2025-02-29",
            "1900-02-29",
            "2026-04-31",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "1899-12-31",
        ] {
            assert_eq!(
                no_such_day.parse::<Date>(),
                Err(DateError::NoSuchDay(no_such_day.to_owned())),
                "{no_such_day}"
            );
        }
        for bad in [
            "2026-2-03",
            "2026-02",
            "26-02-03",
            "2026/02/03",
            "",
            "2026-02-03-01",
            "2026-02-3",
            "+026-02-03",
            "2026-02-0a",
        ] {
            assert_eq!(
                bad.parse::<Date>(),
                Err(DateError::Format(bad.to_owned())),
                "{bad}"
            );
        }
    }

    #[test]
    fn orders_by_time() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert!(d("2025-06-30") < d("2025-07-01"));
        assert!(d("2025-07-01") < d("2025-07-02"));
        assert!(d("2024-12-31") < d("2025-01-01"));
    }
}
