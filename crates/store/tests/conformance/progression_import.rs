//! The bulk import of step-progression records (issue #13): all or nothing, the default ladder stored once as
//! version 1, one audit record per person with counts only, and the checks against the ladder in force.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure should panic"
)]

use domain::progression::{
    Absence, ActivityKind, ActivityPlan, Assessment, AttendanceWeek, ExitReason, Forsorjningshinder, Ladder,
    LifeArea, ObstacleLevel,
};
use domain::role::Role as StaffRole;
use domain::{DomainError, Who};
use jiff::civil::date;
use norm::Month;
use store::{
    ImportedActivity, ImportedAssessment, ImportedExit, ImportedPlan, ImportedReason, ProgressionImport,
    ProgressionImports, SqlStore, Store, StoreError,
};

use super::support::{actor, backends, count, counts, household};

pub async fn an_import_is_stored_whole_with_one_audit_record_per_person(s: &SqlStore) {
    let a = actor("2026-12-01T08:00:00Z");
    let (unit, anna, h) = household(s, &a, date(1985, 4, 2), 11).await;
    let coach = s
        .create_staff(&a, unit, "Coach Cecilia", StaffRole::JobCoach)
        .await
        .unwrap();
    let ladder = Ladder::default_ladder();
    let today = date(2026, 12, 1);
    let by = Who::Staff(coach);
    let assessment = |day, step, own| ImportedAssessment {
        person: anna,
        household: h,
        assessment: Assessment::new(
            &ladder,
            day,
            today,
            step,
            own,
            &[(LifeArea::Language, ObstacleLevel::Major)],
        )
        .unwrap(),
        by: by.clone(),
    };
    let sfi = ActivityPlan::new(ActivityKind::Sfi, "Komvux", date(2026, 9, 1), None, 15).unwrap();
    let weeks = vec![
        AttendanceWeek::new(date(2026, 11, 16), today, 15, 0, None, 15).unwrap(),
        AttendanceWeek::new(date(2026, 11, 23), today, 9, 6, Some(Absence::Unexcused), 15).unwrap(),
    ];
    let batch = ProgressionImport {
        reasons: vec![
            ImportedReason {
                person: anna,
                household: h,
                month: Month::new(2026, 10).unwrap(),
                reason: Forsorjningshinder::UnemployedNoBenefit,
                by: by.clone(),
            },
            ImportedReason {
                person: anna,
                household: h,
                month: Month::new(2026, 11).unwrap(),
                reason: Forsorjningshinder::UnemployedNoBenefit,
                by: by.clone(),
            },
        ],
        assessments: vec![
            assessment(date(2026, 9, 1), 2, Some(3)),
            assessment(date(2026, 11, 20), 3, None),
        ],
        plans: vec![
            ImportedPlan {
                person: anna,
                household: h,
                goal: "Arbete inom vården".into(),
                made_on: date(2025, 1, 10),
                job_coach: None,
                closed_on: Some(date(2025, 6, 30)),
                by: by.clone(),
                activities: vec![],
            },
            ImportedPlan {
                person: anna,
                household: h,
                goal: "Klara sfi D och söka undersköterskeutbildning".into(),
                made_on: date(2026, 9, 1),
                job_coach: Some(coach),
                closed_on: None,
                by: by.clone(),
                activities: vec![ImportedActivity {
                    activity: sfi,
                    attendance: weeks,
                    by: by.clone(),
                }],
            },
        ],
        exits: vec![ImportedExit {
            person: anna,
            household: h,
            exited_on: date(2025, 6, 30),
            reason: ExitReason::Work,
            by: by.clone(),
        }],
    };
    let audit_before = count(s, "SELECT COUNT(*) FROM audit_log").await;
    let c = s.import_progression(&a, date(2021, 1, 1), &batch).await.unwrap();
    assert_eq!(
        (
            c.reasons,
            c.assessments,
            c.plans,
            c.activities,
            c.attendance_weeks,
            c.exits
        ),
        (2, 2, 2, 1, 2, 1)
    );
    // The default ladder was stored as version 1 (one `ladder.version` record) and one record names Anna.
    let versions = s.ladder_versions().await.unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(
        (versions[0].number, versions[0].valid_from),
        (1, date(2021, 1, 1))
    );
    assert_eq!(versions[0].ladder, ladder);
    assert_eq!(count(s, "SELECT COUNT(*) FROM audit_log").await, audit_before + 2);
    let detail: String = sqlx::query_scalar(
        "SELECT detail_json FROM audit_log WHERE action = 'progression.import' AND subject_person = $1",
    )
    .bind(anna.get())
    .fetch_one(s.pool())
    .await
    .unwrap();
    assert!(
        detail.contains("\"attendance_weeks\":2") && !detail.contains("sfi") && !detail.contains("vården")
    );
    assert_eq!(
        count(s, "SELECT COUNT(*) FROM assessments WHERE ladder_version = 1 AND obstacles = '{\"language\":\"major\"}'")
            .await,
        2
    );
    assert_eq!(
        count(
            s,
            "SELECT COUNT(*) FROM attendance WHERE absence = 'unexcused' AND hours_absent = 6"
        )
        .await,
        1
    );

    // A second import reuses the ladder; a second open plan for Anna refuses the whole batch.
    let before = counts(s).await;
    let progression_rows =
        count(s, "SELECT COUNT(*) FROM plans").await + count(s, "SELECT COUNT(*) FROM ladder_exits").await;
    let again = ProgressionImport {
        exits: vec![ImportedExit {
            person: anna,
            household: h,
            exited_on: date(2026, 12, 1),
            reason: ExitReason::Studies,
            by: by.clone(),
        }],
        plans: vec![ImportedPlan {
            person: anna,
            household: h,
            goal: "Ett andra öppet mål".into(),
            made_on: date(2026, 11, 1),
            job_coach: None,
            closed_on: None,
            by: by.clone(),
            activities: vec![],
        }],
        ..ProgressionImport::default()
    };
    assert!(matches!(
        s.import_progression(&a, date(2021, 1, 1), &again).await,
        Err(StoreError::Duplicate(_))
    ));
    assert_eq!(counts(s).await, before);
    assert_eq!(
        count(s, "SELECT COUNT(*) FROM plans").await + count(s, "SELECT COUNT(*) FROM ladder_exits").await,
        progression_rows
    );

    // A blank goal, an unknown person and a reason twice for the same month: refused, nothing written.
    let blank = ProgressionImport {
        plans: vec![ImportedPlan {
            goal: "  ".into(),
            closed_on: Some(date(2026, 11, 30)),
            ..again.plans[0].clone()
        }],
        ..ProgressionImport::default()
    };
    assert!(matches!(
        s.import_progression(&a, date(2021, 1, 1), &blank).await,
        Err(StoreError::Domain(DomainError::Invalid { field: "mal", .. }))
    ));
    let stranger = ProgressionImport {
        exits: vec![ImportedExit {
            person: domain::PersonId(9_999),
            ..again.exits[0].clone()
        }],
        ..ProgressionImport::default()
    };
    assert!(matches!(
        s.import_progression(&a, date(2021, 1, 1), &stranger).await,
        Err(StoreError::NotFound { .. })
    ));
    let twice = ProgressionImport {
        reasons: vec![batch.reasons[0].clone()],
        ..ProgressionImport::default()
    };
    assert!(matches!(
        s.import_progression(&a, date(2021, 1, 1), &twice).await,
        Err(StoreError::Duplicate(_))
    ));
    assert_eq!(counts(s).await, before);
    assert_eq!(s.ladder_versions().await.unwrap().len(), 1);
}

pub async fn an_assessment_before_the_first_ladder_is_refused(s: &SqlStore) {
    let a = actor("2026-12-01T08:00:00Z");
    let (_, anna, h) = household(s, &a, date(1990, 7, 7), 12).await;
    let ladder = Ladder::default_ladder();
    let early = ProgressionImport {
        assessments: vec![ImportedAssessment {
            person: anna,
            household: h,
            assessment: Assessment::new(&ladder, date(2020, 5, 5), date(2026, 12, 1), 1, None, &[]).unwrap(),
            by: Who::System("import".into()),
        }],
        ..ProgressionImport::default()
    };
    assert!(matches!(
        s.import_progression(&a, date(2021, 1, 1), &early).await,
        Err(StoreError::Domain(DomainError::Invalid { field: "datum", .. }))
    ));
    // Nothing stayed, not even the default ladder of the refused transaction.
    assert_eq!(count(s, "SELECT COUNT(*) FROM ladder_versions").await, 0);
    assert_eq!(count(s, "SELECT COUNT(*) FROM assessments").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_progression_import_on_every_backend() {
    for db in backends().await {
        an_import_is_stored_whole_with_one_audit_record_per_person(&db.store).await;
        db.finish().await;
    }
    for db in backends().await {
        an_assessment_before_the_first_ladder_is_refused(&db.store).await;
        db.finish().await;
    }
}
