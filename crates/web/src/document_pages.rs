//! Attachments (bilagor) as pages list them, and their download: served as a file to save, never to be rendered by
//! the browser as a page of ours, and never cached.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use app::domain::DocumentId;
use app::domain::document::DocumentKind;
use app::views::DocumentInfo;

use crate::case_pages::app_error;
use crate::i18n::Texts;
use crate::lang::PageLang;
use crate::pages::NavUser;
use crate::router::AppState;
use crate::session::Signed;

/// One attachment in a list: the file name links to its download.
#[derive(Debug)]
pub struct DocumentRow {
    pub id: i64,
    pub file_name: String,
    pub kind: &'static str,
    pub size: String,
    pub attached: String,
}

pub fn document_row(d: &DocumentInfo, t: &'static Texts) -> DocumentRow {
    DocumentRow {
        id: d.id.get(),
        file_name: d.file_name.clone(),
        kind: kind_label(d.kind, t),
        size: size_text(d.size, t),
        attached: crate::time::minute(d.attached_at),
    }
}

pub fn kind_label(kind: DocumentKind, t: &'static Texts) -> &'static str {
    match kind {
        DocumentKind::Underlag => t.kind_underlag,
        DocumentKind::Intyg => t.kind_intyg,
        DocumentKind::Skrivelse => t.kind_skrivelse,
    }
}

/// Bytes as people read them: "512 B", "24 kB", "3,4 MB" (the decimal mark of the language).
pub fn size_text(bytes: u64, t: &'static Texts) -> String {
    const KIB: u64 = 1024;
    if bytes < KIB {
        format!("{bytes} B")
    } else if bytes < KIB * KIB {
        format!("{} kB", bytes.div_ceil(KIB))
    } else {
        let tenths = bytes.saturating_mul(10).div_ceil(KIB * KIB);
        format!("{}{}{} MB", tenths / 10, t.decimal_mark, tenths % 10)
    }
}

/// `GET /dokument/{id}`: the file, for whoever may read it (the use case decides and audits).
pub async fn download(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    signed: Signed,
    Path(id): Path<i64>,
) -> Response {
    let here = format!("/dokument/{id}");
    match state.app.document(&signed.signed_in.actor, DocumentId(id)).await {
        Ok(file) => {
            let disposition = HeaderValue::from_str(&content_disposition(&file.info.file_name))
                .unwrap_or(HeaderValue::from_static("attachment"));
            (
                StatusCode::OK,
                [
                    (header::CONTENT_TYPE, served_type(&file.info.mime)),
                    (header::CONTENT_DISPOSITION, disposition),
                    (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                    (
                        header::X_CONTENT_TYPE_OPTIONS,
                        HeaderValue::from_static("nosniff"),
                    ),
                ],
                file.content,
            )
                .into_response()
        }
        Err(e) => app_error(e, lang, Some(NavUser::new(&signed.signed_in, lang.0)), &here),
    }
}

/// The stored type, which the store only accepts from the domain's short list; anything else is served as bytes.
fn served_type(mime: &str) -> HeaderValue {
    match mime {
        "application/pdf" => HeaderValue::from_static("application/pdf"),
        "image/png" => HeaderValue::from_static("image/png"),
        "image/jpeg" => HeaderValue::from_static("image/jpeg"),
        _ => HeaderValue::from_static("application/octet-stream"),
    }
}

/// `attachment` with the file name twice: a plain ASCII fallback (anything else, quotes and backslashes included,
/// becomes `_`) and the exact UTF-8 name percent-encoded (RFC 6266 / RFC 8187), so "hyresavi maj.pdf" and
/// "läkarintyg.pdf" arrive as they were sent and no name can break out of the header.
pub fn content_disposition(file_name: &str) -> String {
    let fallback: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ' | '(' | ')') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let fallback = match fallback.trim() {
        "" => "bilaga",
        name => name,
    };
    let mut encoded = String::with_capacity(file_name.len() * 3);
    for b in file_name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, SV};

    #[test]
    fn file_names_cannot_break_out_of_the_header() {
        assert_eq!(
            content_disposition("hyresavi maj.pdf"),
            "attachment; filename=\"hyresavi maj.pdf\"; filename*=UTF-8''hyresavi%20maj.pdf"
        );
        assert_eq!(
            content_disposition("läkar\"intyg\r\n.pdf"),
            "attachment; filename=\"l_kar_intyg__.pdf\"; filename*=UTF-8''l%C3%A4kar%22intyg%0D%0A.pdf"
        );
        assert_eq!(
            content_disposition("åäö"),
            "attachment; filename=\"___\"; filename*=UTF-8''%C3%A5%C3%A4%C3%B6"
        );
        assert!(HeaderValue::from_str(&content_disposition("a\u{0}b;c=\"d\".pdf")).is_ok());
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size_text(512, &SV), "512 B");
        assert_eq!(size_text(1025, &SV), "2 kB");
        assert_eq!(size_text(3 * 1024 * 1024 + 400 * 1024, &SV), "3,4 MB");
        assert_eq!(size_text(10 * 1024 * 1024, &EN), "10.0 MB");
    }
}
