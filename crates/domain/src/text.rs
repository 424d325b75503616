//! Free text from forms and searches: one check for every field, so that every field has a length limit and none
//! stores NUL or other control characters.
//!
//! Each field is a [`TextField`] constant stating its limit; the message for a text that is too long names the
//! limit (a test checks that each message carries its own number). Control characters (C0, DEL and C1) are refused
//! because they break CSV exports, log lines, PDF letters and PostgreSQL (which refuses NUL in text); a multi-line
//! field allows line breaks and tabs, which a `<textarea>` sends.

use crate::error::DomainError;

/// One free-text field: its name in messages, its limit and whether it may span lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextField {
    /// The field as messages name it (Swedish).
    pub field: &'static str,
    /// The most characters (Unicode scalar values, after trimming) accepted.
    pub max_chars: usize,
    /// Whether line breaks (`\n`, `\r`) and tabs are allowed.
    pub multi_line: bool,
    /// The message for a text over the limit; it states the limit.
    pub too_long: &'static str,
}

/// The reasons of a decision item (FL 32 §): a caseworker's explanation, several paragraphs at most.
pub const DECISION_REASONS: TextField = TextField {
    field: "reasons",
    max_chars: 5_000,
    multi_line: true,
    too_long: "motiveringen får vara högst 5 000 tecken",
};

/// A journal note; longer material belongs in an attached document.
pub const JOURNAL_NOTE: TextField = TextField {
    field: "anteckning",
    max_chars: 20_000,
    multi_line: true,
    too_long: "anteckningen får vara högst 20 000 tecken",
};

/// The applicant's grounds for an appeal, in their own words.
pub const APPEAL_GROUNDS: TextField = TextField {
    field: "grounds",
    max_chars: 5_000,
    multi_line: true,
    too_long: "skriv varför du överklagar med högst 5 000 tecken",
};

/// A follow-up's reason: it names what to do, the journal holds the story.
pub const FOLLOW_UP_REASON: TextField = TextField {
    field: "anledning",
    max_chars: 300,
    multi_line: false,
    too_long: "högst 300 tecken",
};

/// The auditor's search fields (an actor such as `account:3`, an action prefix, a person reference, a date).
pub const SEARCH_FIELD: TextField = TextField {
    field: "sökfält",
    max_chars: 200,
    multi_line: false,
    too_long: "sökfältet får vara högst 200 tecken",
};

/// Names of units, staff and persons, and an account's display name.
pub const NAME: TextField = TextField {
    field: "namn",
    max_chars: 200,
    multi_line: false,
    too_long: "namnet får vara högst 200 tecken",
};

/// Why the caseworker established a fact other than the one declared: short, the journal holds the story.
pub const CORRECTION_REASON: TextField = TextField {
    field: "reason",
    max_chars: 1_000,
    multi_line: true,
    too_long: "skälet får vara högst 1 000 tecken",
};

/// Which attachment, register or conversation a fact was established from ("Hyresavi mars", "SSBTEK 3 mars").
pub const FACT_SOURCE: TextField = TextField {
    field: "source_detail",
    max_chars: 200,
    multi_line: false,
    too_long: "källan får beskrivas med högst 200 tecken",
};

/// What a decision item is for, in the caseworker's words ("Tandvård enligt kostnadsförslag 12 mars").
pub const ITEM_DESCRIPTION: TextField = TextField {
    field: "what",
    max_chars: 200,
    multi_line: false,
    too_long: "beskrivningen får vara högst 200 tecken",
};

/// A ladder step's name ("Arbetsnära").
pub const STEP_NAME: TextField = TextField {
    field: "stegnamn",
    max_chars: 80,
    multi_line: false,
    too_long: "stegets namn får vara högst 80 tecken",
};

/// What a ladder step means, so that two coaches rate a person alike.
pub const STEP_DESCRIPTION: TextField = TextField {
    field: "beskrivning",
    max_chars: 1_000,
    multi_line: true,
    too_long: "beskrivningen får vara högst 1 000 tecken",
};

/// The goal of an individual plan, in the adult's and coach's words.
pub const PLAN_GOAL: TextField = TextField {
    field: "mal",
    max_chars: 1_000,
    multi_line: true,
    too_long: "målet får vara högst 1 000 tecken",
};

/// Who runs an activity ("Komvux Kristianstad", "Arbetsförmedlingen").
pub const ACTIVITY_PROVIDER: TextField = TextField {
    field: "anordnare",
    max_chars: 200,
    multi_line: false,
    too_long: "anordnaren får vara högst 200 tecken",
};

/// Why a coach proposes a sanction, or why a caseworker decides or dismisses it.
pub const SANCTION_REASON: TextField = TextField {
    field: "skal",
    max_chars: 2_000,
    multi_line: true,
    too_long: "skälet får vara högst 2 000 tecken",
};

/// Every field, for the test that each message states its limit.
pub const ALL: [TextField; 14] = [
    DECISION_REASONS,
    JOURNAL_NOTE,
    APPEAL_GROUNDS,
    FOLLOW_UP_REASON,
    SEARCH_FIELD,
    NAME,
    CORRECTION_REASON,
    FACT_SOURCE,
    ITEM_DESCRIPTION,
    STEP_NAME,
    STEP_DESCRIPTION,
    PLAN_GOAL,
    ACTIVITY_PROVIDER,
    SANCTION_REASON,
];

/// Why a text was refused, before it is turned into the caller's error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    TooLong,
    ControlCharacter,
}

impl TextField {
    /// The text trimmed, or why it is refused. An empty text passes (whether a field is required is its caller's
    /// rule).
    pub fn check<'a>(&self, text: &'a str) -> Result<&'a str, DomainError> {
        self.problem(text).map_err(|p| self.error(p))
    }

    /// As [`TextField::check`], with the problem as a value (for forms that choose their own message).
    pub fn problem<'a>(&self, text: &'a str) -> Result<&'a str, TextProblem> {
        let t = text.trim();
        // The control characters first: a NUL-stuffed text is an attack, not a long text.
        if t.chars().any(|c| self.refuses(c)) {
            return Err(TextProblem::ControlCharacter);
        }
        // Counting stops at the limit, so a huge text costs no more than a text at the limit. A line break is one
        // character, as a browser's `maxlength` counts it, though the form sends it as CR LF.
        if t.chars().filter(|c| *c != '\r').nth(self.max_chars).is_some() {
            return Err(TextProblem::TooLong);
        }
        Ok(t)
    }

    /// The domain error for a problem of this field.
    pub fn error(&self, problem: TextProblem) -> DomainError {
        DomainError::Invalid {
            field: self.field,
            reason: match problem {
                TextProblem::TooLong => self.too_long,
                TextProblem::ControlCharacter => CONTROL_CHARACTER,
            },
        }
    }

    fn refuses(&self, c: char) -> bool {
        c.is_control() && !(self.multi_line && matches!(c, '\n' | '\r' | '\t'))
    }
}

/// The message for a text with a control character.
pub const CONTROL_CHARACTER: &str = "texten innehåller otillåtna tecken (styrtecken)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_states_its_own_limit() {
        for f in ALL {
            // Swedish thousands are grouped with a space: 20 000.
            let n = f.max_chars.to_string();
            let grouped = if n.len() > 3 {
                format!("{} {}", &n[..n.len() - 3], &n[n.len() - 3..])
            } else {
                n.clone()
            };
            assert!(
                f.too_long.contains(&grouped),
                "{}: {} does not say {grouped}",
                f.field,
                f.too_long
            );
        }
    }

    #[test]
    fn limits_count_characters_and_control_characters_are_refused() {
        // 300 characters of "å" are 600 bytes: the limit is in characters.
        assert_eq!(
            FOLLOW_UP_REASON.check(&"å".repeat(300)).unwrap().chars().count(),
            300
        );
        assert!(FOLLOW_UP_REASON.check(&"å".repeat(301)).is_err());
        assert_eq!(FOLLOW_UP_REASON.check("  Planen  "), Ok("Planen"));
        for bad in ["a\0b", "a\u{7}b", "a\u{7f}b", "a\u{85}b", "a\u{1b}[31mb"] {
            assert_eq!(
                JOURNAL_NOTE.problem(bad),
                Err(TextProblem::ControlCharacter),
                "{bad:?}"
            );
        }
        // Line breaks and tabs only where the field is multi-line.
        assert!(JOURNAL_NOTE.check("rad ett\r\nrad två\tslut").is_ok());
        // CR LF counts as one character: 2 500 line breaks and 2 500 letters fit in 5 000.
        assert!(APPEAL_GROUNDS.check(&"a\r\n".repeat(2_500)).is_ok());
        assert!(
            APPEAL_GROUNDS
                .check(&format!("{}b", "a\r\n".repeat(2_500)))
                .is_err()
        );
        assert_eq!(
            FOLLOW_UP_REASON.problem("rad ett\nrad två"),
            Err(TextProblem::ControlCharacter)
        );
        assert_eq!(SEARCH_FIELD.problem("a\tb"), Err(TextProblem::ControlCharacter));
        // Trailing newlines of a textarea are trimmed, not refused.
        assert_eq!(SEARCH_FIELD.check("account:3\n"), Ok("account:3"));
        match NAME.check(&"x".repeat(201)) {
            Err(DomainError::Invalid { reason, .. }) => assert!(reason.contains("200")),
            other => panic!("{other:?}"),
        }
    }
}
