//! Money as integer öre with checked arithmetic. Floats never touch an amount.

use std::fmt;

use crate::fastfmt::Buf;

use serde::{Deserialize, Serialize};

/// An amount of Swedish money in öre (1 krona = 100 öre). May be negative (a balance, a correction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(i64);

/// An arithmetic result left the range of `i64` öre (about ±92 billion billion kronor): always a bug or hostile input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("belopp utanför giltigt intervall")]
pub struct Overflow;

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_ore(ore: i64) -> Money {
        Money(ore)
    }

    /// Whole kronor, as the calc contract speaks at its edge.
    pub fn from_kronor(kronor: i64) -> Result<Money, Overflow> {
        kronor.checked_mul(100).map(Money).ok_or(Overflow)
    }

    pub const fn ore(self) -> i64 {
        self.0
    }

    /// Whole kronor, rounding half away from zero (öre amounts only arise from percentages).
    pub const fn kronor_rounded(self) -> i64 {
        let q = self.0 / 100;
        let r = self.0 % 100;
        if r >= 50 {
            q + 1
        } else if r <= -50 {
            q - 1
        } else {
            q
        }
    }

    pub fn checked_add(self, other: Money) -> Result<Money, Overflow> {
        self.0.checked_add(other.0).map(Money).ok_or(Overflow)
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, Overflow> {
        self.0.checked_sub(other.0).map(Money).ok_or(Overflow)
    }

    pub fn checked_mul(self, factor: i64) -> Result<Money, Overflow> {
        self.0.checked_mul(factor).map(Money).ok_or(Overflow)
    }

    /// Sum of many amounts; fails on overflow rather than wrapping.
    pub fn checked_sum<I: IntoIterator<Item = Money>>(items: I) -> Result<Money, Overflow> {
        items.into_iter().try_fold(Money::ZERO, Money::checked_add)
    }

    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn max(self, other: Money) -> Money {
        if self.0 >= other.0 { self } else { other }
    }

    pub fn min(self, other: Money) -> Money {
        if self.0 <= other.0 { self } else { other }
    }
}

/// Swedish formatting: `12 345 kr` or `12 345,50 kr` (narrow no-break space between thousands).
///
/// Formats into a stack buffer: explanation texts format many amounts, and this must not allocate.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Built in a stack buffer and written once: sign (3 bytes), 20 digits with 6 group separators (3 bytes
        // each), ",öö" and " kr".
        let mut out = Buf::<64>::new();
        if self.0 < 0 {
            out.push("−".as_bytes());
        }
        let abs = self.0.unsigned_abs();
        let kronor = abs / 100;
        let ore = abs % 100;
        let mut digits = Buf::<20>::new();
        digits.push_u64(kronor, 1);
        let d = digits.as_str().as_bytes();
        for (i, b) in d.iter().enumerate() {
            let left = d.len() - i;
            if i > 0 && left.is_multiple_of(3) {
                out.push("\u{202f}".as_bytes());
            }
            out.push(&[*b]);
        }
        if ore != 0 {
            out.push(b",");
            out.push_u64(ore, 2);
        }
        out.push(b" kr");
        f.write_str(out.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_swedish() {
        assert_eq!(Money::from_ore(1_234_500).to_string(), "12\u{202f}345 kr");
        assert_eq!(Money::from_ore(-50).to_string(), "−0,50 kr");
        assert_eq!(Money::from_ore(100).to_string(), "1 kr");
        assert_eq!(
            Money::from_ore(123_456_789).to_string(),
            "1\u{202f}234\u{202f}567,89 kr"
        );
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(Money::from_ore(150).kronor_rounded(), 2);
        assert_eq!(Money::from_ore(149).kronor_rounded(), 1);
        assert_eq!(Money::from_ore(-150).kronor_rounded(), -2);
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        assert_eq!(
            Money::from_ore(i64::MAX).checked_add(Money::from_ore(1)),
            Err(Overflow)
        );
        assert_eq!(Money::from_kronor(i64::MAX / 10), Err(Overflow));
        assert_eq!(
            Money::checked_sum([Money::from_ore(1), Money::from_ore(2)]),
            Ok(Money::from_ore(3))
        );
    }
}
