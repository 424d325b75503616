//! Personnummer and samordningsnummer as a validated type, and protected identity (skyddad identitet).
//!
//! A personnummer is `YYMMDD-NNNC` (10 digits) or `YYYYMMDDNNNC` (12 digits). `C` is a Luhn check digit over the
//! ten digits `YYMMDDNNN`. With ten digits the century is not written: it is the latest century that puts the birth
//! date on or before a reference date, and a `+` instead of `-` means the person has turned 100 (one century
//! earlier). A samordningsnummer is the same with 60 added to the day of birth.
//!
//! Neither `Debug` nor error messages ever contain the number: it must not end up in logs.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a string is not a valid personnummer or samordningsnummer. Never carries the input itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PersonnummerError {
    #[error("personnumret ska skrivas ÅÅMMDD-NNNK, ÅÅMMDD+NNNK eller ÅÅÅÅMMDDNNNK")]
    Format,
    #[error("personnumret har fel kontrollsiffra")]
    CheckDigit,
    #[error("personnumret innehåller inget giltigt födelsedatum")]
    Date,
    #[error("personnumret anger ett födelsedatum i framtiden")]
    Future,
}

/// A valid Swedish personnummer or samordningsnummer with its century resolved.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Personnummer {
    birth: Date,
    serial: u16,
    check: u8,
    coordination: bool,
}

impl fmt::Debug for Personnummer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Personnummer(<dolt>)")
    }
}

/// `YYYYMMDD-NNNC`, the form shown to caseworkers.
impl fmt::Display for Personnummer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}{:02}{:02}-{:03}{}",
            self.birth.year(),
            self.birth.month(),
            self.written_day(),
            self.serial,
            self.check
        )
    }
}

fn digits(s: &str) -> Option<Vec<u8>> {
    s.bytes().map(|b| b.is_ascii_digit().then(|| b - b'0')).collect()
}

/// Luhn over `YYMMDDNNN`: weights 2,1,2,...; the digits of each product are summed.
fn luhn_check_digit(nine: &[u8]) -> u8 {
    let sum: u32 = nine
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let p = u32::from(d) * if i % 2 == 0 { 2 } else { 1 };
            p / 10 + p % 10
        })
        .sum();
    // `sum % 10` is below 10, so the cast cannot truncate.
    ((10 - sum % 10) % 10) as u8
}

fn num(ds: &[u8]) -> u32 {
    ds.iter().fold(0, |acc, &d| acc * 10 + u32::from(d))
}

impl Personnummer {
    /// Parses any of the written forms. `reference` (usually today, supplied by the caller) resolves the century
    /// of a ten-digit number and rejects birth dates in the future.
    pub fn parse(input: &str, reference: Date) -> Result<Personnummer, PersonnummerError> {
        let s = input.trim();
        let (body, plus) = match s.len() {
            10 | 12 => (s.to_owned(), false),
            11 | 13 => {
                let sep_at = s.len() - 5;
                let sep = s.as_bytes().get(sep_at).copied();
                let plus = match sep {
                    Some(b'-') => false,
                    Some(b'+') if s.len() == 11 => true,
                    _ => return Err(PersonnummerError::Format),
                };
                let (a, b) = (s.get(..sep_at), s.get(sep_at + 1..));
                match (a, b) {
                    (Some(a), Some(b)) => (format!("{a}{b}"), plus),
                    _ => return Err(PersonnummerError::Format),
                }
            }
            _ => return Err(PersonnummerError::Format),
        };
        let ds = digits(&body).ok_or(PersonnummerError::Format)?;
        let (century_digits, ten) = if ds.len() == 12 {
            ds.split_at(2)
        } else {
            ds.split_at(0)
        };
        let [y1, y2, m1, m2, d1, d2, s1, s2, s3, c] =
            <[u8; 10]>::try_from(ten).map_err(|_| PersonnummerError::Format)?;
        if luhn_check_digit(&[y1, y2, m1, m2, d1, d2, s1, s2, s3]) != c {
            return Err(PersonnummerError::CheckDigit);
        }
        let yy = num(&[y1, y2]);
        let month = num(&[m1, m2]);
        let mut day = num(&[d1, d2]);
        let coordination = day > 60;
        if coordination {
            day -= 60;
        }
        let month = i8::try_from(month).map_err(|_| PersonnummerError::Date)?;
        let day = i8::try_from(day).map_err(|_| PersonnummerError::Date)?;
        let year = if century_digits.is_empty() {
            let ref_year = i32::from(reference.year());
            let yy = i32::try_from(yy).map_err(|_| PersonnummerError::Format)?;
            let mut year = ref_year - (ref_year - yy).rem_euclid(100);
            // Born later in the reference year's calendar than the reference date: one century earlier.
            if (month, day) > (reference.month(), reference.day()) && year == ref_year {
                year -= 100;
            }
            if plus {
                year -= 100;
            }
            year
        } else {
            i32::try_from(num(century_digits) * 100 + yy).map_err(|_| PersonnummerError::Format)?
        };
        let year = i16::try_from(year).map_err(|_| PersonnummerError::Date)?;
        let birth = Date::new(year, month, day).map_err(|_| PersonnummerError::Date)?;
        if birth > reference {
            return Err(PersonnummerError::Future);
        }
        Ok(Personnummer {
            birth,
            serial: u16::try_from(num(&[s1, s2, s3])).map_err(|_| PersonnummerError::Format)?,
            check: c,
            coordination,
        })
    }

    /// Parses the stored form `YYYYMMDDNNNC` (twelve digits, century explicit, no reference date needed).
    pub fn from_canonical(s: &str) -> Result<Personnummer, PersonnummerError> {
        if s.len() != 12 {
            return Err(PersonnummerError::Format);
        }
        // The maximum date only guards against "future"; the stored form carries its century.
        Personnummer::parse(s, Date::MAX)
    }

    /// `YYYYMMDDNNNC`: the form stored in the database (unique per person).
    pub fn canonical(&self) -> String {
        format!(
            "{:04}{:02}{:02}{:03}{}",
            self.birth.year(),
            self.birth.month(),
            self.written_day(),
            self.serial,
            self.check
        )
    }

    /// The real date of birth (for a samordningsnummer: the written day minus 60).
    pub const fn birth_date(&self) -> Date {
        self.birth
    }

    pub const fn is_samordningsnummer(&self) -> bool {
        self.coordination
    }

    /// Age in whole years on `date`.
    pub fn age_on(&self, date: Date) -> i16 {
        let years = date.year() - self.birth.year();
        if (date.month(), date.day()) < (self.birth.month(), self.birth.day()) {
            years - 1
        } else {
            years
        }
    }

    fn written_day(&self) -> i8 {
        if self.coordination {
            self.birth.day() + 60
        } else {
            self.birth.day()
        }
    }
}

/// Serialised as the canonical twelve digits.
impl Serialize for Personnummer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.canonical())
    }
}

impl<'de> Deserialize<'de> for Personnummer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Personnummer, D::Error> {
        let s = String::deserialize(d)?;
        Personnummer::from_canonical(&s).map_err(serde::de::Error::custom)
    }
}

/// Skyddad identitet: the three levels Skatteverket uses. Anything but `None` needs extra care: the person's
/// details are shown only where needed and every read is flagged in the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProtectedIdentity {
    #[default]
    None,
    /// Sekretessmarkering: a warning flag in the population register.
    Sekretessmarkering,
    /// Skyddad folkbokföring: the real address is hidden.
    SkyddadFolkbokforing,
    /// Fingerade personuppgifter: the person lives under an assumed identity.
    FingeradePersonuppgifter,
}

impl ProtectedIdentity {
    pub const fn is_protected(self) -> bool {
        !matches!(self, ProtectedIdentity::None)
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            ProtectedIdentity::None => "none",
            ProtectedIdentity::Sekretessmarkering => "sekretessmarkering",
            ProtectedIdentity::SkyddadFolkbokforing => "skyddad_folkbokforing",
            ProtectedIdentity::FingeradePersonuppgifter => "fingerade_personuppgifter",
        }
    }
}

impl FromStr for ProtectedIdentity {
    type Err = crate::DomainError;

    fn from_str(s: &str) -> Result<ProtectedIdentity, crate::DomainError> {
        Ok(match s {
            "none" => ProtectedIdentity::None,
            "sekretessmarkering" => ProtectedIdentity::Sekretessmarkering,
            "skyddad_folkbokforing" => ProtectedIdentity::SkyddadFolkbokforing,
            "fingerade_personuppgifter" => ProtectedIdentity::FingeradePersonuppgifter,
            _ => {
                return Err(crate::DomainError::Invalid {
                    field: "skyddad identitet",
                    reason: "okänd nivå",
                });
            }
        })
    }
}

/// A person's postal address as the population register holds it (folkbokföringsadress): the street line, the
/// postcode and the town. A person with skyddad folkbokföring has none in the register's open part; their post goes
/// through Skatteverket (see [`PostalAddress::letter_lines`]).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostalAddress {
    /// "Storgatan 12 B", possibly with "c/o" or a flat number.
    pub street: String,
    /// Five digits, printed "123 45".
    pub postcode: String,
    /// "Västerby".
    pub town: String,
}

/// Never prints the address (it must not reach logs).
impl fmt::Debug for PostalAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostalAddress").finish_non_exhaustive()
    }
}

/// How a letter is addressed to a person with skyddad folkbokföring: Skatteverket forwards it (särskild
/// postförmedling) without the sender learning where the person lives.
pub const FORWARDED_BY_SKATTEVERKET: [&str; 2] = ["c/o Skatteverket", "Särskild postförmedling"];

impl PostalAddress {
    /// The address from register data: each part trimmed, with a length limit and no control characters; the
    /// postcode five digits (a space inside is allowed, as it is written).
    pub fn parse(street: &str, postcode: &str, town: &str) -> Result<PostalAddress, crate::DomainError> {
        let invalid = |field, reason| crate::DomainError::Invalid { field, reason };
        let street = crate::text::NAME.check(street)?;
        let town = crate::text::NAME.check(town)?;
        if street.is_empty() || town.is_empty() {
            return Err(invalid("adress", "gatuadress och ort behövs"));
        }
        let digits: String = postcode.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != 5 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(invalid("postnummer", "postnumret ska vara fem siffror"));
        }
        Ok(PostalAddress {
            street: street.to_owned(),
            postcode: digits,
            town: town.to_owned(),
        })
    }

    /// The postcode as it is written: "123 45".
    pub fn postcode_written(&self) -> String {
        let (a, b) = self.postcode.split_at(self.postcode.len().min(3));
        format!("{a} {b}")
    }

    /// The lines under the name on a letter to a person with `protection`: the address itself, or for skyddad
    /// folkbokföring (and fingerade personuppgifter, whose real address is hidden too) Skatteverket's forwarding,
    /// never the address, whatever is stored.
    pub fn letter_lines(address: Option<&PostalAddress>, protection: ProtectedIdentity) -> Vec<String> {
        match protection {
            ProtectedIdentity::SkyddadFolkbokforing | ProtectedIdentity::FingeradePersonuppgifter => {
                FORWARDED_BY_SKATTEVERKET
                    .iter()
                    .map(|l| (*l).to_owned())
                    .collect()
            }
            ProtectedIdentity::None | ProtectedIdentity::Sekretessmarkering => address
                .map(|a| {
                    vec![
                        a.street.clone(),
                        format!("{} {}", a.postcode_written(), a.town.to_uppercase()),
                    ]
                })
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use proptest::prelude::*;

    use super::*;

    const REF: Date = date(2026, 3, 15);

    #[test]
    fn accepts_skatteverkets_example_in_every_form() {
        // Skatteverket's published test number 811218-9876.
        for form in [
            "811218-9876",
            "8112189876",
            "198112189876",
            "19811218-9876",
            " 811218-9876 ",
        ] {
            let p = Personnummer::parse(form, REF).unwrap();
            assert_eq!(p.birth_date(), date(1981, 12, 18), "{form}");
            assert_eq!(p.canonical(), "198112189876");
            assert_eq!(p.to_string(), "19811218-9876");
            assert!(!p.is_samordningsnummer());
        }
    }

    #[test]
    fn rejects_bad_check_digit_format_and_dates() {
        use PersonnummerError::*;
        assert_eq!(Personnummer::parse("811218-9875", REF), Err(CheckDigit));
        assert_eq!(Personnummer::parse("811218/9876", REF), Err(Format));
        assert_eq!(Personnummer::parse("81121-89876", REF), Err(Format));
        assert_eq!(Personnummer::parse("8112189876x", REF), Err(Format));
        assert_eq!(Personnummer::parse("", REF), Err(Format));
        assert_eq!(Personnummer::parse("19811218+9876", REF), Err(Format));
        // 2023-02-29 does not exist; check digit made valid so the date is what fails.
        let nine = [2, 3, 0, 2, 2, 9, 1, 2, 3];
        let s = format!("230229-123{}", luhn_check_digit(&nine));
        assert_eq!(Personnummer::parse(&s, REF), Err(Date));
        // 12-digit number born after the reference date.
        let nine = [2, 6, 1, 2, 2, 4, 1, 2, 3];
        let s = format!("20261224123{}", luhn_check_digit(&nine));
        assert_eq!(Personnummer::parse(&s, REF), Err(Future));
    }

    #[test]
    fn resolves_century_and_plus() {
        let check = |nine: [u8; 9]| luhn_check_digit(&nine);
        // Born 2020-01-01: a ten-digit 200101 on 2026-03-15 is 2020, not 1920.
        let c = check([2, 0, 0, 1, 0, 1, 0, 0, 2]);
        let p = Personnummer::parse(&format!("200101-002{c}"), REF).unwrap();
        assert_eq!(p.birth_date(), date(2020, 1, 1));
        // ... and with `+` the same digits mean 1920 (the person is over 100).
        let p = Personnummer::parse(&format!("200101+002{c}"), REF).unwrap();
        assert_eq!(p.birth_date(), date(1920, 1, 1));
        assert_eq!(p.age_on(REF), 106);
        // Born 26-12-24 ten digits, reference 2026-03-15: the birthday lies after the reference, so 1926.
        let c = check([2, 6, 1, 2, 2, 4, 0, 0, 2]);
        let p = Personnummer::parse(&format!("261224-002{c}"), REF).unwrap();
        assert_eq!(p.birth_date(), date(1926, 12, 24));
        // Born on the reference date itself: this century.
        let c = check([2, 6, 0, 3, 1, 5, 0, 0, 2]);
        let p = Personnummer::parse(&format!("260315-002{c}"), REF).unwrap();
        assert_eq!(p.birth_date(), REF);
        assert_eq!(p.age_on(REF), 0);
    }

    #[test]
    fn samordningsnummer_adds_sixty_to_the_day() {
        let c = luhn_check_digit(&[7, 0, 1, 0, 6, 3, 1, 2, 3]);
        let s = format!("701063-123{c}");
        let p = Personnummer::parse(&s, REF).unwrap();
        assert!(p.is_samordningsnummer());
        assert_eq!(p.birth_date(), date(1970, 10, 3));
        assert_eq!(p.canonical(), format!("19701063123{c}"));
        assert_eq!(Personnummer::from_canonical(&p.canonical()).unwrap(), p);
        // day 92 = 32: no such date.
        let c = luhn_check_digit(&[7, 0, 1, 0, 9, 2, 1, 2, 3]);
        assert_eq!(
            Personnummer::parse(&format!("701092-123{c}"), REF),
            Err(PersonnummerError::Date)
        );
    }

    #[test]
    fn debug_and_errors_never_show_the_number() {
        let p = Personnummer::parse("811218-9876", REF).unwrap();
        assert!(!format!("{p:?}").contains("811218"));
        let e = Personnummer::parse("811218-9875", REF).unwrap_err();
        assert!(!e.to_string().contains("811218"));
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, "\"198112189876\"");
        assert_eq!(serde_json::from_str::<Personnummer>(&json).unwrap(), p);
    }

    #[test]
    fn protected_identity_round_trips() {
        for p in [
            ProtectedIdentity::None,
            ProtectedIdentity::Sekretessmarkering,
            ProtectedIdentity::SkyddadFolkbokforing,
            ProtectedIdentity::FingeradePersonuppgifter,
        ] {
            assert_eq!(p.as_str().parse::<ProtectedIdentity>().unwrap(), p);
        }
        assert!(!ProtectedIdentity::None.is_protected());
        assert!(ProtectedIdentity::SkyddadFolkbokforing.is_protected());
    }

    proptest! {
        /// Every valid number survives printing in any form and parsing back; one wrong digit is always caught.
        #[test]
        fn round_trip_and_single_digit_errors(
            days in 0i32..40_000, serial in 0u16..1000, coord in any::<bool>(), pos in 0usize..10, delta in 1u8..10,
        ) {
            let birth = REF.checked_sub(jiff::Span::new().days(days)).unwrap();
            let day = if coord { birth.day() + 60 } else { birth.day() };
            let yy = birth.year() % 100;
            let ten_wo_check = format!("{yy:02}{:02}{day:02}{serial:03}", birth.month());
            let nine = digits(&ten_wo_check).unwrap();
            let c = luhn_check_digit(&nine);
            let sep = if REF.year() - birth.year() >= 100 && (REF.month(), REF.day()) >= (birth.month(), birth.day())
                || REF.year() - birth.year() > 100 { '+' } else { '-' };
            let short = format!("{}{sep}{}{c}", &ten_wo_check[..6], &ten_wo_check[6..]);
            let p = Personnummer::parse(&short, REF).unwrap();
            prop_assert_eq!(p.birth_date(), birth);
            prop_assert_eq!(Personnummer::parse(&p.canonical(), REF).unwrap(), p);
            prop_assert_eq!(Personnummer::from_canonical(&p.canonical()).unwrap(), p);
            // Change one digit of the ten: Luhn detects every single-digit error.
            let mut ds = nine.clone();
            ds.push(c);
            ds[pos] = (ds[pos] + delta) % 10;
            let s: String = ds.iter().map(|d| char::from(b'0' + d)).collect();
            prop_assert!(Personnummer::parse(&s, REF).is_err());
        }
    }

    #[test]
    fn a_postal_address_is_checked_and_never_printed_for_skyddad_folkbokforing() {
        let a = PostalAddress::parse(" Storgatan 12 B ", "123 45", "Västerby").unwrap();
        assert_eq!(a.postcode, "12345");
        // The Swedish way: the postcode with a space, the town in capitals.
        assert_eq!(
            PostalAddress::letter_lines(Some(&a), ProtectedIdentity::None),
            ["Storgatan 12 B", "123 45 VÄSTERBY"]
        );
        assert_eq!(
            PostalAddress::letter_lines(Some(&a), ProtectedIdentity::SkyddadFolkbokforing),
            ["c/o Skatteverket", "Särskild postförmedling"]
        );
        assert_eq!(
            PostalAddress::letter_lines(None, ProtectedIdentity::None),
            Vec::<String>::new()
        );
        assert!(PostalAddress::parse("Storgatan 1", "1234", "Västerby").is_err());
        assert!(PostalAddress::parse("", "12345", "Västerby").is_err());
        assert!(PostalAddress::parse("Storgatan\u{0}1", "12345", "Västerby").is_err());
        assert!(!format!("{a:?}").contains("Storgatan"));
    }
}
