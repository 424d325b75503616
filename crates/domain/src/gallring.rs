//! Gallring (SoL 16 kap., earlier 12 kap.): a person's records are deleted five years after the last note, unless
//! they are kept for research (persons born on the 5th, 15th or 25th of a month, as most municipalities do) or
//! other live data about the person remain. What counts as live is decided by the store (it knows the data); this
//! module holds the date rules.

use jiff::Span;
use jiff::civil::Date;

/// Years after the last note before the records are deleted.
pub const RETENTION_YEARS: i64 = 5;

/// Days of birth whose records are kept for research.
pub const RESEARCH_BIRTH_DAYS: [i8; 3] = [5, 15, 25];

/// Whether a person born on `birth` belongs to the research sample (for a samordningsnummer, the real day).
pub fn is_research_sample(birth: Date) -> bool {
    RESEARCH_BIRTH_DAYS.contains(&birth.day())
}

/// Whether records whose last note was made on `last_note` are due for deletion on `on`: on or after the fifth
/// anniversary of the note.
pub fn is_due(last_note: Date, on: Date) -> bool {
    last_note
        .checked_add(Span::new().years(RETENTION_YEARS))
        .is_ok_and(|due| on >= due)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn five_years_after_the_last_note() {
        assert!(!is_due(date(2021, 3, 15), date(2026, 3, 14)));
        assert!(is_due(date(2021, 3, 15), date(2026, 3, 15)));
        // Leap day: the anniversary in a common year is 28 February (jiff clamps).
        assert!(is_due(date(2020, 2, 29), date(2025, 2, 28)));
        assert!(is_research_sample(date(1980, 1, 5)));
        assert!(is_research_sample(date(1980, 1, 15)));
        assert!(is_research_sample(date(1980, 1, 25)));
        assert!(!is_research_sample(date(1980, 1, 6)));
    }
}
