//! Small, allocation-free number formatting for the texts and JSON the engine writes in bulk.
//!
//! `core::fmt` is general and comparatively slow per call; explanation texts format several numbers per line and
//! a country's worth of households per run, so amounts, months and counts go through this stack buffer instead.

use std::fmt;

/// A fixed stack buffer of UTF-8 text.
#[derive(Debug)]
pub(crate) struct Buf<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Buf<N> {
    pub(crate) const fn new() -> Self {
        Buf {
            bytes: [0; N],
            len: 0,
        }
    }

    /// Appends bytes; silently truncates at capacity (callers size the buffer for the largest value).
    pub(crate) fn push(&mut self, s: &[u8]) {
        for b in s {
            if let Some(slot) = self.bytes.get_mut(self.len) {
                *slot = *b;
                self.len += 1;
            }
        }
    }

    /// Appends the decimal digits of `v`, zero-padded to at least `width` digits.
    pub(crate) fn push_u64(&mut self, v: u64, width: usize) {
        let mut digits = [b'0'; 20];
        let mut n = 0;
        let mut k = v;
        loop {
            if let Some(d) = digits.get_mut(19 - n) {
                *d = b'0' + (k % 10) as u8;
            }
            n += 1;
            k /= 10;
            if k == 0 || n >= 20 {
                break;
            }
        }
        let n = n.max(width).min(20);
        self.push(digits.get(20 - n..).unwrap_or_default());
    }

    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(self.bytes.get(..self.len).unwrap_or_default()).unwrap_or_default()
    }
}

impl<const N: usize> fmt::Display for Buf<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Appends the digits of `v` to a string.
pub(crate) fn push_u64(out: &mut String, v: u64) {
    push_u64_padded(out, v, 1);
}

/// Appends the digits of `v`, zero-padded to at least `width` digits.
pub(crate) fn push_u64_padded(out: &mut String, v: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut n = 0;
    let mut k = v;
    loop {
        if let Some(d) = digits.get_mut(19 - n) {
            *d = b'0' + (k % 10) as u8;
        }
        n += 1;
        k /= 10;
        if k == 0 || n >= 20 {
            break;
        }
    }
    let n = n.max(width).min(20);
    for d in digits.get(20 - n..).unwrap_or_default() {
        out.push(char::from(*d));
    }
}

/// Appends an amount in Swedish form, `12 345 kr` or `12 345,50 kr` (narrow no-break space between thousands),
/// exactly as `Money`'s `Display`.
pub(crate) fn push_money(out: &mut String, m: crate::Money) {
    let ore_total = m.ore();
    if ore_total < 0 {
        out.push('−');
    }
    let abs = ore_total.unsigned_abs();
    let (kronor, ore) = (abs / 100, abs % 100);
    let mut digits = [b'0'; 20];
    let mut n = 0;
    let mut k = kronor;
    loop {
        if let Some(d) = digits.get_mut(19 - n) {
            *d = b'0' + (k % 10) as u8;
        }
        n += 1;
        k /= 10;
        if k == 0 || n >= 20 {
            break;
        }
    }
    for (i, d) in digits.get(20 - n..).unwrap_or_default().iter().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(char::from(*d));
    }
    if ore != 0 {
        out.push(',');
        push_u64_padded(out, ore, 2);
    }
    out.push_str(" kr");
}

/// Appends an integer to a string (JSON numbers).
pub(crate) fn push_i64(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    push_u64(out, v.unsigned_abs());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        for v in [0i64, 7, -7, 10, 999, 1000, 123_456_789, i64::MAX, i64::MIN, -100] {
            let mut s = String::new();
            push_i64(&mut s, v);
            assert_eq!(s, v.to_string());
        }
        let mut b = Buf::<8>::new();
        b.push_u64(7, 4);
        assert_eq!(b.as_str(), "0007");
        for ore in [
            0i64,
            1,
            99,
            100,
            150,
            100_000,
            123_456_789,
            -50,
            -123_456_700,
            99_999_999_999,
        ] {
            let mut s = String::new();
            push_money(&mut s, crate::Money::from_ore(ore));
            assert_eq!(s, crate::Money::from_ore(ore).to_string(), "{ore}");
        }
    }
}
