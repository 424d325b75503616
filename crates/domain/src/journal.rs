//! Journal notes (SoL 14 kap.): append-only. A correction is a new note that refers to the one it corrects; the
//! person's objection to a note is recorded as a note of its own.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::ids::NoteId;

/// The longest note text accepted (characters); longer material belongs in an attached document.
pub const MAX_NOTE_CHARS: usize = crate::text::JOURNAL_NOTE.max_chars;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NoteKind {
    Note,
    /// Corrects an earlier note, which stays as it was.
    Correction {
        corrects: NoteId,
    },
    /// The person objects to what a note says (the objection is recorded, the note is not changed).
    Objection {
        regarding: NoteId,
    },
}

impl NoteKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            NoteKind::Note => "note",
            NoteKind::Correction { .. } => "correction",
            NoteKind::Objection { .. } => "objection",
        }
    }

    /// The note this one refers to, if any.
    pub const fn refers_to(self) -> Option<NoteId> {
        match self {
            NoteKind::Note => None,
            NoteKind::Correction { corrects: id } | NoteKind::Objection { regarding: id } => Some(id),
        }
    }

    /// Rebuilds the kind from its stored parts.
    pub fn from_parts(kind: &str, refers_to: Option<NoteId>) -> Result<NoteKind, DomainError> {
        let bad = DomainError::Invalid {
            field: "journalanteckning",
            reason: "okänd typ",
        };
        match (kind, refers_to) {
            ("note", None) => Ok(NoteKind::Note),
            ("correction", Some(id)) => Ok(NoteKind::Correction { corrects: id }),
            ("objection", Some(id)) => Ok(NoteKind::Objection { regarding: id }),
            _ => Err(bad),
        }
    }
}

/// A note's text, checked: not blank, not longer than [`MAX_NOTE_CHARS`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NoteText(String);

impl NoteText {
    pub fn new(text: &str) -> Result<NoteText, DomainError> {
        let t = crate::text::JOURNAL_NOTE.check(text)?;
        if t.is_empty() {
            return Err(DomainError::Invalid {
                field: "anteckning",
                reason: "texten är tom",
            });
        }
        Ok(NoteText(t.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for NoteText {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<NoteText, DomainError> {
        NoteText::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_checked_and_kinds_round_trip() {
        assert!(NoteText::new("  ").is_err());
        assert!(NoteText::new(&"x".repeat(MAX_NOTE_CHARS + 1)).is_err());
        assert_eq!(NoteText::new(" Besök ").unwrap().as_str(), "Besök");
        for k in [
            NoteKind::Note,
            NoteKind::Correction { corrects: NoteId(1) },
            NoteKind::Objection { regarding: NoteId(2) },
        ] {
            assert_eq!(NoteKind::from_parts(k.as_str(), k.refers_to()).unwrap(), k);
        }
        assert!(NoteKind::from_parts("correction", None).is_err());
        assert!(NoteKind::from_parts("note", Some(NoteId(1))).is_err());
    }
}
