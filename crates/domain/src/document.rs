//! Attached documents: only a few types are accepted, up to a size limit, and the content must look like its type
//! (a file called PDF that is not a PDF is refused).

use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// 10 MiB: large enough for scanned bank statements, small enough to keep the database sane.
pub const MAX_DOCUMENT_BYTES: u64 = 10 * 1024 * 1024;

/// Attachments one online application may carry: enough for each adult's bank statement, the rent notice and a
/// certificate, while one request stays within what the server reads into memory (files times the size limit).
pub const MAX_ATTACHMENTS: usize = 5;

/// Accepted MIME types and the bytes each must start with.
const ALLOWED: [(&str, &[u8]); 3] = [
    ("application/pdf", b"%PDF-"),
    ("image/png", b"\x89PNG\r\n\x1a\n"),
    ("image/jpeg", b"\xff\xd8\xff"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Application form, bank statement, rent notice, etc. supplied by the person.
    Underlag,
    /// A decision letter or other letter from the board.
    Skrivelse,
    /// A certificate (e.g. medical).
    Intyg,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 3] = [
        DocumentKind::Underlag,
        DocumentKind::Skrivelse,
        DocumentKind::Intyg,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Underlag => "underlag",
            DocumentKind::Skrivelse => "skrivelse",
            DocumentKind::Intyg => "intyg",
        }
    }

    /// What an applicant may send: their own papers and certificates, never a letter from the board.
    pub const fn sent_by_applicants(self) -> bool {
        matches!(self, DocumentKind::Underlag | DocumentKind::Intyg)
    }
}

impl std::str::FromStr for DocumentKind {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<DocumentKind, DomainError> {
        DocumentKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(DomainError::Invalid {
                field: "dokumenttyp",
                reason: "okänd typ av dokument",
            })
    }
}

/// A document's checked metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentMeta {
    pub kind: DocumentKind,
    pub file_name: String,
    pub mime: String,
    pub size: u64,
}

impl DocumentMeta {
    /// Checks type, size and content; `content` is the whole file.
    pub fn check(
        kind: DocumentKind,
        file_name: &str,
        mime: &str,
        content: &[u8],
    ) -> Result<DocumentMeta, DomainError> {
        let name = file_name.trim();
        // 255 bytes is what file systems allow; a control character (NUL, a newline) has no place in a name and
        // would break the Content-Disposition header and CSV exports.
        if name.is_empty()
            || name.len() > 255
            || name.contains(['/', '\\'])
            || name.chars().any(char::is_control)
        {
            return Err(DomainError::Invalid {
                field: "filnamn",
                reason: "ogiltigt filnamn",
            });
        }
        let magic = ALLOWED
            .iter()
            .find(|(m, _)| *m == mime)
            .map(|(_, magic)| *magic)
            .ok_or_else(|| DomainError::DocumentType(mime.to_owned()))?;
        let size = u64::try_from(content.len()).unwrap_or(u64::MAX);
        if size > MAX_DOCUMENT_BYTES {
            return Err(DomainError::DocumentSize {
                size,
                max: MAX_DOCUMENT_BYTES,
            });
        }
        if !content.starts_with(magic) {
            return Err(DomainError::DocumentContent(mime.to_owned()));
        }
        Ok(DocumentMeta {
            kind,
            file_name: name.to_owned(),
            mime: mime.to_owned(),
            size,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_size_and_content_are_checked() {
        let pdf = b"%PDF-1.7 rest".to_vec();
        let m = DocumentMeta::check(DocumentKind::Underlag, "hyra.pdf", "application/pdf", &pdf).unwrap();
        assert_eq!(m.size, 13);
        assert!(matches!(
            DocumentMeta::check(DocumentKind::Underlag, "a.exe", "application/x-msdownload", &pdf),
            Err(DomainError::DocumentType(_))
        ));
        assert!(matches!(
            DocumentMeta::check(DocumentKind::Underlag, "a.png", "image/png", &pdf),
            Err(DomainError::DocumentContent(_))
        ));
        let mut big = b"%PDF-".to_vec();
        big.resize(usize::try_from(MAX_DOCUMENT_BYTES).unwrap() + 1, 0);
        assert!(matches!(
            DocumentMeta::check(DocumentKind::Underlag, "big.pdf", "application/pdf", &big),
            Err(DomainError::DocumentSize { .. })
        ));
        assert!(DocumentMeta::check(DocumentKind::Underlag, "../x.pdf", "application/pdf", &pdf).is_err());
    }

    #[test]
    fn kinds_round_trip_and_applicants_never_send_letters() {
        for kind in DocumentKind::ALL {
            assert_eq!(kind.as_str().parse::<DocumentKind>(), Ok(kind));
        }
        assert!("brev".parse::<DocumentKind>().is_err());
        assert!(!DocumentKind::Skrivelse.sent_by_applicants());
        assert!(DocumentKind::Underlag.sent_by_applicants() && DocumentKind::Intyg.sent_by_applicants());
    }
}
