//! The investigation's record: corrections kept beside the declaration, only while the application is under
//! investigation, with its version moving, an audit record naming the fact but never its value or reason, and rows
//! the database refuses to change.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure should panic"
)]

use domain::DomainError;
use domain::investigation::{Correction, CostKind, Fact, FactSource, FactValue};
use jiff::civil::date;
use norm::Month;
use norm::contract::{CalcRequest, CostsIn, MemberIn, Role};
use store::{Intake, Investigations, Store, StoreError};

use super::support::{actor, backends, count, household};

fn declared() -> CalcRequest {
    CalcRequest {
        month: Month::new(2026, 3).unwrap(),
        members: vec![MemberIn {
            id: "a".into(),
            role: Role::Adult,
            age: 45,
            lunch_outside_home: false,
            months_with_assistance: 0,
            jobbstimulans_from: None,
        }],
        couple: None,
        shared_household_size: None,
        costs: CostsIn {
            rent: 5000,
            ..CostsIn::default()
        },
        incomes: Vec::new(),
        assets: 0,
        decided_on: None,
        norm_adjustments: Vec::new(),
    }
}

fn rent(kr: i64, reason: &str) -> Correction {
    Correction {
        fact: Fact::Cost { cost: CostKind::Rent },
        value: FactValue::Kronor(kr),
        reason: reason.into(),
        source: FactSource::Attachment,
        source_detail: "Hyresavi mars".into(),
    }
}

#[tokio::test]
async fn corrections_are_kept_beside_the_declaration_and_audited_without_their_text() {
    for db in backends().await {
        let s = &db.store;
        let a = actor("2026-03-10T09:00:00Z");
        let (_, _, h) = household(s, &a, date(1981, 4, 4), 41).await;
        let app = s.apply(&a, h, date(2026, 3, 2), &declared()).await.unwrap();
        let rows = || count(s, "SELECT COUNT(*) FROM application_corrections");

        // Not under investigation yet: refused, nothing stored.
        let e = s
            .correct_application_fact(&a, app.id, app.version, rent(4600, "Hyresavi"))
            .await
            .unwrap_err();
        assert!(
            matches!(
                e,
                StoreError::Domain(DomainError::Invalid { field: "ansokan", .. })
            ),
            "{e:?}"
        );
        let app = s.start_investigation(&a, app.id, app.version).await.unwrap();
        // No reason, a stale version: refused, nothing stored, the version unchanged.
        let e = s
            .correct_application_fact(&a, app.id, app.version, rent(4600, "  "))
            .await
            .unwrap_err();
        assert!(
            matches!(
                e,
                StoreError::Domain(DomainError::Invalid { field: "reason", .. })
            ),
            "{e:?}"
        );
        let e = s
            .correct_application_fact(&a, app.id, app.version - 1, rent(4600, "Hyresavi"))
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
        assert_eq!(rows().await, 0);
        assert_eq!(s.application(&a, app.id).await.unwrap().version, app.version);

        let first = s
            .correct_application_fact(&a, app.id, app.version, rent(4600, "Hyresavin visar 4 600 kr"))
            .await
            .unwrap();
        assert_eq!(first.version, app.version + 1);
        let second = s
            .correct_application_fact(&a, app.id, first.version, rent(4700, "Ny avi med höjd hyra"))
            .await
            .unwrap();
        assert_eq!(second.version, app.version + 2);

        // The declaration stays as sent; both corrections are kept, oldest first.
        let record = s.investigation(&a, app.id).await.unwrap();
        assert_eq!(record.declared.unwrap().costs.rent, 5000);
        let values: Vec<FactValue> = record
            .corrections
            .iter()
            .map(|c| c.correction.value.clone())
            .collect();
        assert_eq!(values, [FactValue::Kronor(4600), FactValue::Kronor(4700)]);
        assert_eq!(record.corrections[1].correction.reason, "Ny avi med höjd hyra");

        // Each correction has an audit record naming the fact, never its value or the caseworker's words.
        let details: Vec<String> =
            sqlx::query("SELECT detail_json FROM audit_log WHERE action = 'application.correct'")
                .fetch_all(s.pool())
                .await
                .unwrap()
                .iter()
                .map(|r| sqlx::Row::try_get::<String, _>(r, "detail_json").unwrap())
                .collect();
        assert_eq!(details.len(), 2);
        for d in &details {
            assert!(d.contains("rent"), "{d}");
            assert!(
                !d.contains("4600") && !d.contains("Hyresavi") && !d.contains("avi"),
                "{d}"
            );
        }
        // The database refuses to change a correction.
        assert!(
            sqlx::query("UPDATE application_corrections SET reason = 'x'")
                .execute(s.pool())
                .await
                .is_err()
        );
        db.finish().await;
    }
}
