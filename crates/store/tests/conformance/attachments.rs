//! Attachments (bilagor) sent with an online application: stored with it or not at all, listed per application and
//! per person, read with an audit record, and deleted with their person at gallring.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test code: a failure should panic"
)]

use domain::document::{DocumentKind, MAX_ATTACHMENTS, MAX_DOCUMENT_BYTES};
use domain::{DocumentId, DomainError, PersonId};
use jiff::civil::date;
use norm::Month;
use norm::contract::CalcRequest;
use store::{FailPoints, GallringPolicy, Intake, NewDocument, SqlStore, Store, StoreError};

use super::support::{actor, backends, backends_with, count, counts, household};

fn request(month: &str) -> CalcRequest {
    serde_json::from_str(&format!(
        r#"{{"month": "{month}", "members": [{{"id": "a", "role": "adult", "age": 40}}], "costs": {{"rent": 5000}}}}"#
    ))
    .unwrap()
}

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

fn file(person: PersonId, kind: DocumentKind, name: &str, mime: &str, content: &[u8]) -> NewDocument {
    NewDocument {
        person,
        kind,
        file_name: name.to_owned(),
        mime: mime.to_owned(),
        content: content.to_vec(),
    }
}

fn statement(person: PersonId) -> NewDocument {
    file(
        person,
        DocumentKind::Underlag,
        "kontoutdrag mars.pdf",
        "application/pdf",
        PDF,
    )
}

async fn audited(s: &SqlStore, action: &str) -> i64 {
    count(
        s,
        &format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}'"),
    )
    .await
}

async fn an_application_and_its_attachments_are_stored_together(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    let (unit, p, h) = household(s, &a, date(1986, 6, 6), 401).await;
    let before = counts(s).await;
    let (app, ids) = s
        .apply_with_documents(
            &a,
            h,
            date(2026, 3, 15),
            &request("2026-03"),
            &[
                statement(p),
                file(p, DocumentKind::Intyg, "läkarintyg.png", "image/png", PNG),
            ],
        )
        .await
        .unwrap();
    assert_eq!(ids.len(), 2);
    let now = counts(s).await;
    let grown = |table: &str| {
        let rows = |all: &[(String, i64)]| all.iter().find(|(t, _)| t == table).unwrap().1;
        rows(&now) - rows(&before)
    };
    assert_eq!(grown("applications"), 1);
    assert_eq!(grown("documents"), 2);
    // One record for the application, one per attachment, in the same chain.
    assert_eq!(grown("audit_log"), 3);
    assert_eq!(
        count(
            s,
            &format!(
                "SELECT COUNT(*) FROM documents WHERE application_id = {} AND person_id = {}",
                app.id.get(),
                p.get()
            )
        )
        .await,
        2
    );

    let listed = s.application_documents(&a, app.id).await.unwrap();
    assert_eq!(listed.iter().map(|d| d.id).collect::<Vec<_>>(), ids);
    assert_eq!(
        listed
            .iter()
            .map(|d| (d.file_name.as_str(), d.kind, d.mime.as_str(), d.size))
            .collect::<Vec<_>>(),
        [
            (
                "kontoutdrag mars.pdf",
                DocumentKind::Underlag,
                "application/pdf",
                PDF.len() as u64
            ),
            (
                "läkarintyg.png",
                DocumentKind::Intyg,
                "image/png",
                PNG.len() as u64
            ),
        ]
    );
    assert!(
        listed
            .iter()
            .all(|d| d.application == app.id && d.person == p && d.attached_at == a.at)
    );
    assert_eq!(s.documents_sent_by(&a, p).await.unwrap(), listed);
    assert_eq!(audited(s, "document.list").await, 2, "both listings are reads");

    let access = s.document_access(ids[1]).await.unwrap();
    assert_eq!(
        (
            access.person,
            access.application,
            access.household.household,
            access.household.unit
        ),
        (p, app.id, h, unit)
    );
    let reads = audited(s, "document.read").await;
    let png = s.read_document(&a, ids[1]).await.unwrap();
    assert_eq!(png.content, PNG);
    assert_eq!(png.info, listed[1]);
    assert_eq!(audited(s, "document.read").await, reads + 1);
    assert_eq!(
        count(
            s,
            &format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'document.read' AND subject_person = {}",
                p.get()
            )
        )
        .await,
        1,
        "the read names the person"
    );
    assert!(matches!(
        s.verify_audit_chain().await.unwrap(),
        store::AuditVerdict::Intact { .. }
    ));
}

async fn a_bad_attachment_stores_neither_the_application_nor_any_document(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    let (_, p, h) = household(s, &a, date(1991, 9, 9), 402).await;
    let mut big = b"%PDF-".to_vec();
    big.resize(usize::try_from(MAX_DOCUMENT_BYTES).unwrap() + 1, b' ');
    let cases: Vec<(&str, NewDocument)> = vec![
        (
            "wrong type",
            file(
                p,
                DocumentKind::Underlag,
                "program.exe",
                "application/x-msdownload",
                b"MZ",
            ),
        ),
        (
            "fake PDF",
            file(
                p,
                DocumentKind::Underlag,
                "falsk.pdf",
                "application/pdf",
                b"MZ\x90\0",
            ),
        ),
        (
            "too big",
            file(p, DocumentKind::Underlag, "stor.pdf", "application/pdf", &big),
        ),
        (
            "empty name",
            file(p, DocumentKind::Underlag, "  ", "application/pdf", PDF),
        ),
        (
            "a letter is the board's, not the applicant's",
            file(p, DocumentKind::Skrivelse, "brev.pdf", "application/pdf", PDF),
        ),
        (
            "unknown person",
            file(
                PersonId(987_654),
                DocumentKind::Underlag,
                "a.pdf",
                "application/pdf",
                PDF,
            ),
        ),
    ];
    let before = counts(s).await;
    for (what, bad) in cases {
        // The bad file comes last, after a good one: nothing of either is kept.
        let e = s
            .apply_with_documents(
                &a,
                h,
                date(2026, 3, 15),
                &request("2026-03"),
                &[statement(p), bad],
            )
            .await;
        assert!(e.is_err(), "{what}");
        assert_eq!(counts(s).await, before, "{what}");
    }
    let too_many = vec![statement(p); MAX_ATTACHMENTS + 1];
    assert!(matches!(
        s.apply_with_documents(&a, h, date(2026, 3, 15), &request("2026-03"), &too_many)
            .await,
        Err(StoreError::Domain(DomainError::Invalid { .. }))
    ));
    assert_eq!(counts(s).await, before, "too many");
    // The domain's own errors come through typed.
    assert!(matches!(
        s.apply_with_documents(
            &a,
            h,
            date(2026, 3, 15),
            &request("2026-03"),
            &[file(p, DocumentKind::Intyg, "intyg.png", "image/png", PDF)]
        )
        .await,
        Err(StoreError::Domain(DomainError::DocumentContent(_)))
    ));
    // Exactly the limit is fine.
    let (_, ids) = s
        .apply_with_documents(
            &a,
            h,
            date(2026, 3, 15),
            &request("2026-03"),
            &vec![statement(p); MAX_ATTACHMENTS],
        )
        .await
        .unwrap();
    assert_eq!(ids.len(), MAX_ATTACHMENTS);
}

async fn attachments_are_listed_per_application(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    let (_, p, h) = household(s, &a, date(1979, 4, 4), 403).await;
    let (march, march_docs) = s
        .apply_with_documents(&a, h, date(2026, 3, 2), &request("2026-03"), &[statement(p)])
        .await
        .unwrap();
    let (april, april_docs) = s
        .apply_with_documents(
            &a,
            h,
            date(2026, 3, 20),
            &request("2026-04"),
            &[
                file(
                    p,
                    DocumentKind::Underlag,
                    "hyresavi april.pdf",
                    "application/pdf",
                    PDF,
                ),
                file(p, DocumentKind::Intyg, "intyg.png", "image/png", PNG),
            ],
        )
        .await
        .unwrap();
    let (_, _, other_household) = household(s, &a, date(1979, 4, 5), 404).await;
    let none = s
        .apply(&a, other_household, date(2026, 3, 2), &request("2026-03"))
        .await
        .unwrap();
    // A document on the person's file that came with no application is neither listed nor served here.
    let loose = s
        .attach_document(&a, p, DocumentKind::Underlag, "lös.pdf", "application/pdf", PDF)
        .await
        .unwrap();

    let ids = |docs: Vec<store::DocumentInfo>| docs.into_iter().map(|d| d.id).collect::<Vec<DocumentId>>();
    assert_eq!(
        ids(s.application_documents(&a, march.id).await.unwrap()),
        march_docs
    );
    assert_eq!(
        ids(s.application_documents(&a, april.id).await.unwrap()),
        april_docs
    );
    let lists = audited(s, "document.list").await;
    assert!(s.application_documents(&a, none.id).await.unwrap().is_empty());
    assert_eq!(
        audited(s, "document.list").await,
        lists,
        "an empty list reads nothing"
    );
    assert_eq!(
        ids(s.documents_sent_by(&a, p).await.unwrap()),
        [march_docs.clone(), april_docs.clone()].concat()
    );
    assert!(matches!(
        s.document_access(loose).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.read_document(&a, loose).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.document_access(DocumentId(999_999)).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.application_documents(&a, domain::ApplicationId(999_999)).await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn gallring_deletes_attachments_with_their_person_and_keeps_the_application(s: &SqlStore) {
    let old = actor("2019-06-03T10:00:00Z");
    let (_, p, h) = household(s, &old, date(1970, 1, 6), 405).await;
    let (app, _) = s
        .apply_with_documents(&old, h, date(2019, 6, 3), &request("2019-06"), &[statement(p)])
        .await
        .unwrap();
    // A withdrawn application is no live data: the person is due five years on.
    s.withdraw_application(&old, app.id, app.version).await.unwrap();
    let a = actor("2026-03-15T09:00:00Z");
    let report = s
        .gallring_report(&a, date(2026, 1, 1), GallringPolicy::default())
        .await
        .unwrap();
    assert!(report.due.contains(&p), "{report:?}");
    let outcome = s.gallring_execute(&a, &report).await.unwrap();
    assert_eq!(outcome.documents, 1);
    assert_eq!(
        count(
            s,
            &format!(
                "SELECT COUNT(*) FROM documents WHERE application_id = {}",
                app.id.get()
            )
        )
        .await,
        0
    );
    assert_eq!(
        count(
            s,
            &format!("SELECT COUNT(*) FROM applications WHERE id = {}", app.id.get())
        )
        .await,
        1
    );
    assert!(s.application_documents(&a, app.id).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments() {
    for db in backends().await {
        an_application_and_its_attachments_are_stored_together(&db.store).await;
        a_bad_attachment_stores_neither_the_application_nor_any_document(&db.store).await;
        attachments_are_listed_per_application(&db.store).await;
        gallring_deletes_attachments_with_their_person_and_keeps_the_application(&db.store).await;
        db.finish().await;
    }
}

/// A failure after the application row, or after the first of two documents, rolls everything back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_halfway_through_an_application_leaves_nothing() {
    for point in ["apply.after_application", "apply.after_document"] {
        let fps: std::sync::Mutex<Vec<FailPoints>> = Default::default();
        let dbs = backends_with(|| {
            let f = FailPoints::default();
            fps.lock().unwrap().push(f.clone());
            f
        })
        .await;
        for (db, fp) in dbs.into_iter().zip(fps.into_inner().unwrap()) {
            let s = &db.store;
            let a = actor("2026-03-15T09:00:00Z");
            let (_, p, h) = household(s, &a, date(1986, 6, 6), 406).await;
            let before = counts(s).await;
            fp.arm(point);
            let documents = [statement(p), statement(p)];
            assert!(matches!(
                s.apply_with_documents(&a, h, date(2026, 3, 15), &request("2026-03"), &documents)
                    .await,
                Err(StoreError::Injected(_))
            ));
            assert_eq!(counts(s).await, before, "{point}");
            // Once the failure has passed, the same application goes through whole.
            let (app, ids) = s
                .apply_with_documents(&a, h, date(2026, 3, 15), &request("2026-03"), &documents)
                .await
                .unwrap();
            assert_eq!(app.month, Month::new(2026, 3).unwrap());
            assert_eq!(ids.len(), 2);
            assert!(matches!(
                s.verify_audit_chain().await.unwrap(),
                store::AuditVerdict::Intact { .. }
            ));
            db.finish().await;
        }
    }
}
