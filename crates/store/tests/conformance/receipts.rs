//! Receipts and *Mina sidor* (issue #12): a decision is appealed once (later words are additions to the same appeal,
//! append-only, audited); the applicant's view returns when an application and an appeal arrived, what was
//! declared and the appeal's words only for a receipt, only to a member of that month, and whether each decision has
//! been paid.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test code: a failure should panic"
)]

use domain::document::DocumentKind;
use domain::{Actor, PersonId, ProtectedIdentity};
use jiff::civil::date;
use norm::Month;
use norm::contract::CalcRequest;
use store::{
    ApplicantScope, ApplicantViews, Intake, NewDocument, NewPerson, PaymentRuns, Reconsideration, SqlStore,
    Store,
};

use super::support::{actor, backends, count, counts, decision, household, pnr, ts};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n";

fn request() -> CalcRequest {
    serde_json::from_str(
        r#"{"month": "2026-03", "members": [{"id": "a", "role": "adult", "age": 40}], "costs": {"rent": 6500}}"#,
    )
    .unwrap()
}

fn applicant(p: PersonId, at: &str) -> Actor {
    Actor {
        who: domain::Who::Person(p),
        page: "mina-sidor".into(),
        at: ts(at),
    }
}

async fn a_decision_is_appealed_once_and_later_words_are_additions(s: &SqlStore) {
    let staff = actor("2026-03-02T08:00:00Z");
    let (_, p, h) = household(s, &staff, date(1979, 4, 4), 401).await;
    let (app, _) = s
        .apply_with_documents(
            &applicant(p, "2026-03-02T08:15:00Z"),
            h,
            date(2026, 3, 2),
            &request(),
            &[NewDocument {
                person: p,
                kind: DocumentKind::Underlag,
                file_name: "hyresavi mars.pdf".into(),
                mime: "application/pdf".into(),
                content: PDF.to_vec(),
            }],
        )
        .await
        .unwrap();
    let app = s.start_investigation(&staff, app.id, app.version).await.unwrap();
    let d = s
        .decide(&staff, app.id, app.version, decision(&[5000]))
        .await
        .unwrap();
    s.serve_decision(&staff, d.id, date(2026, 3, 5)).await.unwrap();

    let first = s
        .appeal_online(
            &applicant(p, "2026-03-10T09:30:00Z"),
            d.id,
            date(2026, 3, 10),
            "Hyran ska godtas",
        )
        .await
        .unwrap();
    // Nothing is stored for a second submission without words.
    let before = counts(s).await;
    assert!(
        s.appeal_online(
            &applicant(p, "2026-03-12T14:00:00Z"),
            d.id,
            date(2026, 3, 12),
            " "
        )
        .await
        .is_err()
    );
    assert_eq!(counts(s).await, before);
    let second = s
        .appeal_online(
            &applicant(p, "2026-03-12T14:00:00Z"),
            d.id,
            date(2026, 3, 12),
            "Här är hyresavin",
        )
        .await
        .unwrap();
    assert_eq!(second.id, first.id, "the same appeal");
    assert_eq!(
        s.appeals_of(d.id).await.unwrap().len(),
        1,
        "one appeal per decision"
    );
    assert_eq!(count(s, "SELECT COUNT(*) FROM appeal_additions").await, 1);
    assert_eq!(
        count(
            s,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'appeal.addition'"
        )
        .await,
        1
    );
    // Append-only on both backends.
    assert!(
        sqlx::query("UPDATE appeal_additions SET text = 'ändrat'")
            .execute(s.pool())
            .await
            .is_err()
    );

    // The caseworker's appeal page has the addition with its own time.
    let case = s.appeal_case(&staff, first.id).await.unwrap();
    assert_eq!(case.grounds.as_deref(), Some("Hyran ska godtas"));
    assert_eq!(case.additions.len(), 1);
    assert_eq!(case.additions[0].text, "Här är hyresavin");
    assert_eq!(case.additions[0].received_at, ts("2026-03-12T14:00:00Z"));

    // The application's receipt: when it arrived, what was declared, the attachment; for the applicant only.
    let reader = applicant(p, "2026-03-20T10:00:00Z");
    let receipt = s
        .applicant_view(&reader, p, ApplicantScope::Application(app.id))
        .await
        .unwrap();
    assert_eq!(receipt.months.len(), 1);
    let month = &receipt.months[0];
    assert_eq!(month.extras.received_at, Some(ts("2026-03-02T08:15:00Z")));
    assert_eq!(month.extras.declaration, Some(request()));
    assert_eq!(receipt.documents.len(), 1);
    assert_eq!(receipt.documents[0].file_name, "hyresavi mars.pdf");
    // The appeal: its words and additions only in its own receipt.
    assert_eq!(month.extras.appeals.len(), 1);
    assert_eq!(month.extras.appeals[0].grounds, None);
    let appeal = s
        .applicant_view(&reader, p, ApplicantScope::Appeal(first.id))
        .await
        .unwrap();
    let a = &appeal.months[0].extras.appeals[0];
    assert_eq!(a.grounds.as_deref(), Some("Hyran ska godtas"));
    assert_eq!(a.received_at, Some(ts("2026-03-10T09:30:00Z")));
    assert_eq!(
        a.additions.iter().map(|x| x.text.as_str()).collect::<Vec<_>>(),
        ["Här är hyresavin"]
    );
    assert_eq!(
        appeal.months[0].extras.declaration, None,
        "not the application's receipt"
    );

    // Someone who was never a member gets nothing back.
    let other = s
        .register_person(
            &staff,
            NewPerson {
                pnr: pnr(date(1990, 1, 1), 402),
                name: "Någon Annan".into(),
                protection: ProtectedIdentity::None,
            },
        )
        .await
        .unwrap();
    for scope in [
        ApplicantScope::Application(app.id),
        ApplicantScope::Appeal(first.id),
    ] {
        let view = s
            .applicant_view(&applicant(other, "2026-03-20T10:00:00Z"), other, scope)
            .await
            .unwrap();
        assert!(view.months.is_empty() && view.documents.is_empty());
    }

    // Paid: nothing before the payment run is exported; then the run's pay date.
    let everything = s
        .applicant_view(&reader, p, ApplicantScope::Everything)
        .await
        .unwrap();
    assert!(everything.months[0].extras.paid_on.is_empty());
    let run = s
        .create_payment_run(&staff, date(2026, 3, 25), &[d.id])
        .await
        .unwrap();
    s.approve_batch(&staff, run.id, None).await.unwrap();
    let everything = s
        .applicant_view(&reader, p, ApplicantScope::Everything)
        .await
        .unwrap();
    assert!(
        everything.months[0].extras.paid_on.is_empty(),
        "approved is not paid"
    );
    s.export_batch(&staff, run.id).await.unwrap();
    let everything = s
        .applicant_view(&reader, p, ApplicantScope::Everything)
        .await
        .unwrap();
    assert!(
        everything.months[0].extras.paid_on.is_empty(),
        "exported (the bank file made) is not yet paid"
    );
    s.confirm_batch_paid(&staff, run.id).await.unwrap();
    let everything = s
        .applicant_view(&reader, p, ApplicantScope::Everything)
        .await
        .unwrap();
    assert_eq!(
        everything.months[0].extras.paid_on.get(&d.id),
        Some(&date(2026, 3, 25))
    );
    assert_eq!(
        everything.months[0].application.month,
        Month::new(2026, 3).unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receipts() {
    for db in backends().await {
        a_decision_is_appealed_once_and_later_words_are_additions(&db.store).await;
        db.finish().await;
    }
}
