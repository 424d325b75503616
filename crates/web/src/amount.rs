//! Amounts as people type them, for every amount field of every form: "6500", "6 500", "6500 kr", "6 500,00",
//! "6 500 kr", "6500:-", with ordinary, non-breaking or narrow non-breaking spaces between the thousands.
//!
//! Whole kronor only: an amount with öre ("6 500,50") is refused with a message saying so, because the calculation
//! (the calc contract) and the decision's items are in whole kronor; rounding what someone typed would change their
//! figure without telling them (see `docs/pending/citizen.md`). ",00" and ",0" are accepted as whole kronor.

use app::norm::Money;

use crate::i18n::Lang;

/// The largest amount a form takes, whole kronor (far above any monthly figure; keeps öre inside `i64`).
pub const MAX_KRONOR: i64 = 999_999_999;

/// The most characters an amount field takes (the inputs' `maxlength`): "999 999 999,00 kr" with room to spare.
pub const MAX_CHARS: usize = 20;

/// Why a typed amount was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountProblem {
    /// Nothing typed where an amount is required.
    Empty,
    /// Not a number in any spelling we accept.
    Format,
    /// Öre other than zero.
    Ore,
    /// A minus sign.
    Negative,
    /// Above [`MAX_KRONOR`], or longer than [`MAX_CHARS`].
    TooLarge,
}

/// Whole kronor as typed; `Err(Empty)` when nothing is typed.
pub fn parse_kronor(text: &str) -> Result<i64, AmountProblem> {
    if text.chars().count() > MAX_CHARS {
        return Err(AmountProblem::TooLarge);
    }
    let t = text.trim();
    if t.is_empty() {
        return Err(AmountProblem::Empty);
    }
    if t.starts_with(['-', '−']) {
        return Err(AmountProblem::Negative);
    }
    let t = t
        .strip_suffix(":-")
        .or_else(|| t.strip_suffix("kr"))
        .or_else(|| t.strip_suffix("SEK"))
        .unwrap_or(t);
    let t: String = t
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    let whole = match t.split_once([',', '.']) {
        None => t.as_str(),
        Some((w, "00" | "0")) => w,
        // Two decimals (or one) are öre; any other decimals are no spelling of an amount we know ("6.500").
        Some((_, f)) if (1..=2).contains(&f.len()) && f.chars().all(|c| c.is_ascii_digit()) => {
            return Err(AmountProblem::Ore);
        }
        Some(_) => return Err(AmountProblem::Format),
    };
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) {
        return Err(AmountProblem::Format);
    }
    match whole.parse::<i64>() {
        Ok(n) if n <= MAX_KRONOR => Ok(n),
        _ => Err(AmountProblem::TooLarge),
    }
}

/// Whole kronor as typed, 0 when nothing is typed (an optional field of the application form).
pub fn kronor_or_zero(text: &str) -> Result<i64, AmountProblem> {
    match parse_kronor(text) {
        Err(AmountProblem::Empty) => Ok(0),
        other => other,
    }
}

/// An amount as typed, as money.
pub fn parse_money(text: &str) -> Result<Money, AmountProblem> {
    let kronor = parse_kronor(text)?;
    Money::from_kronor(kronor).map_err(|_| AmountProblem::TooLarge)
}

impl AmountProblem {
    /// The message shown next to the field and in the error summary; it names the field (`label`, as on the form)
    /// and says what to type instead.
    pub fn message(self, lang: Lang, label: &str) -> String {
        let sv = matches!(lang, Lang::Sv);
        let what = match (self, sv) {
            (AmountProblem::Empty, true) => "skriv ett belopp i hela kronor, till exempel 6 500",
            (AmountProblem::Empty, false) => "enter an amount in whole kronor, for example 6 500",
            (AmountProblem::Format, true) => "skriv beloppet med siffror i hela kronor, till exempel 6 500",
            (AmountProblem::Format, false) => "enter the amount in figures, whole kronor, for example 6 500",
            (AmountProblem::Ore, true) => "skriv beloppet i hela kronor, utan ören, till exempel 6 500",
            (AmountProblem::Ore, false) => "enter the amount in whole kronor, without öre, for example 6 500",
            (AmountProblem::Negative, true) => "beloppet kan inte vara negativt",
            (AmountProblem::Negative, false) => "the amount cannot be negative",
            (AmountProblem::TooLarge, true) => "beloppet kan vara högst 999 999 999 kr",
            (AmountProblem::TooLarge, false) => "the amount can be at most 999 999 999 kr",
        };
        format!("{label}: {what}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every spelling the issue names, worked by hand: the digits without the spaces and the unit.
    #[test]
    fn accepted_spellings() {
        for (typed, kronor) in [
            ("6500", 6_500),
            ("6 500", 6_500),
            ("6500 kr", 6_500),
            ("6500kr", 6_500),
            ("6 500 kr", 6_500),
            ("6 500,00", 6_500),
            ("6 500,0", 6_500),
            ("6500.00", 6_500),
            ("6500:-", 6_500),
            ("6 500:-", 6_500),
            ("6\u{a0}500", 6_500),
            ("6\u{a0}500\u{a0}kr", 6_500),
            ("6\u{202f}500", 6_500),
            ("  6 500  ", 6_500),
            ("6 500 SEK", 6_500),
            ("0", 0),
            ("999 999 999", 999_999_999),
        ] {
            assert_eq!(parse_kronor(typed), Ok(kronor), "{typed:?}");
        }
    }

    #[test]
    fn refused_spellings_say_why() {
        for (typed, problem) in [
            ("", AmountProblem::Empty),
            ("   ", AmountProblem::Empty),
            ("6 500,50", AmountProblem::Ore),
            ("6500.5", AmountProblem::Ore),
            ("-5", AmountProblem::Negative),
            ("−5", AmountProblem::Negative),
            ("tio", AmountProblem::Format),
            ("1e3", AmountProblem::Format),
            ("6.500", AmountProblem::Format),
            ("6,5,0", AmountProblem::Format),
            ("kr", AmountProblem::Format),
            ("1 000 000 000", AmountProblem::TooLarge),
            ("123456789012345678901", AmountProblem::TooLarge),
        ] {
            assert_eq!(parse_kronor(typed), Err(problem), "{typed:?}");
        }
    }

    #[test]
    fn an_empty_optional_field_is_zero() {
        assert_eq!(kronor_or_zero(""), Ok(0));
        assert_eq!(kronor_or_zero("6 500 kr"), Ok(6_500));
        assert_eq!(kronor_or_zero("6 500,50"), Err(AmountProblem::Ore));
    }

    #[test]
    fn money_is_in_ore() {
        // 6 500 kr = 650 000 öre.
        assert_eq!(parse_money("6 500 kr").map(Money::ore), Ok(650_000));
    }

    #[test]
    fn messages_name_the_field() {
        assert_eq!(
            AmountProblem::Ore.message(Lang::Sv, "Hyra"),
            "Hyra: skriv beloppet i hela kronor, utan ören, till exempel 6 500"
        );
        assert_eq!(
            AmountProblem::TooLarge.message(Lang::En, "Rent"),
            "Rent: the amount can be at most 999 999 999 kr"
        );
    }
}
