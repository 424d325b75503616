//! The domain's error type: what a rule refused, in words a caseworker understands (Swedish).

use crate::person::PersonnummerError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error(transparent)]
    Personnummer(#[from] PersonnummerError),
    #[error("otillåten övergång: {from} kan inte bli {to}")]
    IllegalTransition { from: &'static str, to: &'static str },
    #[error("ogiltigt belopp för {field}: {reason}")]
    Amount {
        field: &'static str,
        reason: &'static str,
    },
    #[error("ogiltigt värde för {field}: {reason}")]
    Invalid {
        field: &'static str,
        reason: &'static str,
    },
    #[error("ogiltig giltighetsperiod: slutet ligger inte efter början")]
    Validity,
    #[error("dokumentet har otillåten typ {0}")]
    DocumentType(String),
    #[error("dokumentet är för stort: {size} byte, högst {max} byte")]
    DocumentSize { size: u64, max: u64 },
    #[error("dokumentets innehåll stämmer inte med typen {0}")]
    DocumentContent(String),
}
