//! A calendar month (`YYYY-MM`), the unit every rule and decision is computed for.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar month between year 1900 and 9999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: u16,
    month: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MonthError {
    #[error("månad måste skrivas ÅÅÅÅ-MM, fick {0:?}")]
    Format(String),
    #[error("månad utanför giltigt intervall: {0:?}")]
    Range(String),
}

impl Month {
    /// The earliest month the type holds (1900-01), e.g. the open start of a rule set.
    pub const MIN: Month = Month { year: 1900, month: 1 };
    /// The latest month the type holds (9999-12).
    pub const MAX: Month = Month {
        year: 9999,
        month: 12,
    };

    pub fn new(year: u16, month: u8) -> Result<Month, MonthError> {
        if !(1900..=9999).contains(&year) || !(1..=12).contains(&month) {
            return Err(MonthError::Range(format!("{year:04}-{month:02}")));
        }
        Ok(Month { year, month })
    }

    pub const fn year(self) -> u16 {
        self.year
    }

    /// 1 = January.
    pub const fn month(self) -> u8 {
        self.month
    }

    /// Months since year 0, for differences and ordering.
    pub const fn index(self) -> i32 {
        self.year as i32 * 12 + (self.month as i32 - 1)
    }

    fn from_index(index: i32) -> Option<Month> {
        let year = u16::try_from(index.div_euclid(12)).ok()?;
        let month = u8::try_from(index.rem_euclid(12) + 1).ok()?;
        Month::new(year, month).ok()
    }

    /// The month `n` months later (negative: earlier); `None` outside 1900-9999.
    pub fn plus(self, n: i32) -> Option<Month> {
        Month::from_index(self.index().checked_add(n)?)
    }

    pub fn next(self) -> Option<Month> {
        self.plus(1)
    }

    pub fn prev(self) -> Option<Month> {
        self.plus(-1)
    }

    /// `later - self` in months (negative when `later` is earlier).
    pub const fn months_until(self, later: Month) -> i32 {
        later.index() - self.index()
    }

    /// Number of days in the month (Gregorian).
    pub const fn days(self) -> u8 {
        match self.month {
            2 if (self.year.is_multiple_of(4) && !self.year.is_multiple_of(100))
                || self.year.is_multiple_of(400) =>
            {
                29
            }
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Every explanation line and response prints months: keep it off `core::fmt`'s padding machinery.
        let mut b = crate::fastfmt::Buf::<8>::new();
        b.push_u64(u64::from(self.year), 4);
        b.push(b"-");
        b.push_u64(u64::from(self.month), 2);
        f.write_str(b.as_str())
    }
}

impl FromStr for Month {
    type Err = MonthError;

    fn from_str(s: &str) -> Result<Month, MonthError> {
        let bad = || MonthError::Format(s.to_owned());
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: u16 = y.parse().map_err(|_| bad())?;
        let month: u8 = m.parse().map_err(|_| bad())?;
        Month::new(year, month).map_err(|_| MonthError::Range(s.to_owned()))
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Month, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let m: Month = "2025-07".parse().unwrap();
        assert_eq!((m.year(), m.month()), (2025, 7));
        assert_eq!(m.to_string(), "2025-07");
        for bad in [
            "2025-7",
            "2025-13",
            "2025-00",
            "25-07",
            "2025/07",
            "",
            "2025-07-01",
            "+025-07",
        ] {
            assert!(bad.parse::<Month>().is_err(), "{bad}");
        }
    }

    #[test]
    fn arithmetic_crosses_years() {
        let m = Month::new(2025, 12).unwrap();
        assert_eq!(m.next().unwrap(), Month::new(2026, 1).unwrap());
        assert_eq!(m.plus(-12).unwrap(), Month::new(2024, 12).unwrap());
        assert_eq!(Month::new(2024, 1).unwrap().months_until(m), 23);
        assert_eq!(Month::new(2024, 2).unwrap().days(), 29);
        assert_eq!(Month::new(1900, 2).unwrap().days(), 28);
        assert!(Month::new(1900, 1).unwrap().prev().is_none());
    }
}
