//! Synthetic personnummer: a real calendar date, a serial number in the 9xx range and a valid Luhn check digit.

use jiff::civil::Date;

use crate::model::Sex;

/// The Luhn check digit over the ten-digit form's first nine digits (`YYMMDDNNN`), as Skatteverket computes it.
pub fn luhn_check_digit(nine_digits: &[u8; 9]) -> u8 {
    let sum: u32 = nine_digits
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let p = u32::from(d) * if i % 2 == 0 { 2 } else { 1 };
            p / 10 + p % 10
        })
        .sum();
    // `sum % 10` is below 10, so the result always fits in a digit.
    u8::try_from((10 - sum % 10) % 10).unwrap_or(0)
}

/// `YYYYMMDD-NNNC`. `serial` is 0-999; its last digit must be odd for men and even for women (checked by the
/// caller's choice of serial, see [`serial_for`]).
pub fn format(birth: Date, serial: u16) -> String {
    let yy = u8::try_from(birth.year().rem_euclid(100)).unwrap_or(0);
    let mm = u8::try_from(birth.month()).unwrap_or(0);
    let dd = u8::try_from(birth.day()).unwrap_or(0);
    let serial = serial % 1000;
    let s = [
        yy / 10,
        yy % 10,
        mm / 10,
        mm % 10,
        dd / 10,
        dd % 10,
        u8::try_from(serial / 100).unwrap_or(0),
        u8::try_from(serial / 10 % 10).unwrap_or(0),
        u8::try_from(serial % 10).unwrap_or(0),
    ];
    let check = luhn_check_digit(&s);
    format!("{:04}{:02}{:02}-{:03}{}", birth.year(), mm, dd, serial, check)
}

/// Serial number `900 + 2k (+1 for men)`: the 9xx range marks our synthetic numbers in the product's own data; the
/// third digit's parity carries the sex as in real numbers. `k` is 0-49.
pub fn serial_for(sex: Sex, k: u16) -> u16 {
    900 + 2 * (k % 50) + u16::from(sex == Sex::Male)
}

/// True when the 12-digit form has a valid check digit (for tests and for callers that want to check).
pub fn is_valid(pnr: &str) -> bool {
    let digits: Vec<u8> = pnr.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
    if digits.len() != 12 {
        return false;
    }
    let mut nine = [0u8; 9];
    for (slot, d) in nine.iter_mut().zip(digits.iter().skip(2)) {
        *slot = *d;
    }
    digits.get(11) == Some(&luhn_check_digit(&nine))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digit_matches_known_example() {
        // Skatteverket's documented example: 811218-9876 has check digit 6.
        assert_eq!(luhn_check_digit(&[8, 1, 1, 2, 1, 8, 9, 8, 7]), 6);
        let d = Date::new(1981, 12, 18).unwrap();
        assert_eq!(format(d, 987), "19811218-9876");
        assert!(is_valid("19811218-9876"));
        assert!(!is_valid("19811218-9875"));
    }

    #[test]
    fn serial_parity_carries_sex() {
        for k in 0..50 {
            assert_eq!(serial_for(Sex::Male, k) % 2, 1);
            assert_eq!(serial_for(Sex::Female, k) % 2, 0);
            assert!((900..1000).contains(&serial_for(Sex::Male, k)));
        }
    }
}
