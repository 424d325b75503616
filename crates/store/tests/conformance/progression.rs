//! The ladder work per person (issue #13) on both databases: ladder versions (the default stored first), every
//! single-item write with its audit record, refusals that write nothing, a person's path with its read record, and
//! the job coach's caseload (steps, next actions, attendance to record, absences to propose about).

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test code: a failure should panic"
)]

use domain::progression::{
    Absence, ActivityKind, ActivityPlan, Assessment, AttendanceWeek, ExitReason, Forsorjningshinder, Ladder,
    LadderStep, LifeArea, ObstacleLevel,
};
use domain::role::Role as StaffRole;
use domain::{LadderVersionId, PersonId};
use jiff::civil::date;
use norm::Month;
use store::progression::DEFAULT_LADDER_FROM;
use store::{NextAction, Progressions, SqlStore, Store, StoreError};

use super::support::{actor, backends, count, household};

fn three_steps() -> Ladder {
    let s = |sv: &str, en: &str| LadderStep {
        name_sv: sv.into(),
        name_en: en.into(),
        description_sv: String::new(),
        description_en: String::new(),
    };
    Ladder::new(vec![
        s("Långt bort", "Far"),
        s("Nära", "Close"),
        s("Egen försörjning", "Self-sufficient"),
    ])
    .unwrap()
}

async fn audits(s: &SqlStore, action: &str) -> i64 {
    count(
        s,
        &format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}'"),
    )
    .await
}

async fn reads(s: &SqlStore, action: &str) -> i64 {
    count(
        s,
        &format!("SELECT COUNT(*) FROM readlog.read_log WHERE action = '{action}'"),
    )
    .await
}

async fn rows(s: &SqlStore) -> Vec<i64> {
    let mut out = vec![];
    for t in [
        "ladder_versions",
        "ladder_steps",
        "assessments",
        "plans",
        "activities",
        "attendance",
        "ladder_exits",
        "adult_month_reasons",
        "audit_log",
    ] {
        out.push(count(s, &format!("SELECT COUNT(*) FROM {t}")).await);
    }
    out
}

async fn versions_are_kept_and_the_default_comes_first(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    // Nothing stored: the default is shown as version 1, in force from the default's day.
    let shown = s.ladder_versions().await.unwrap();
    assert_eq!(shown.len(), 1);
    assert_eq!((shown[0].number, shown[0].valid_from), (1, DEFAULT_LADDER_FROM));
    assert_eq!(shown[0].ladder, Ladder::default_ladder());
    assert_eq!(count(s, "SELECT COUNT(*) FROM ladder_versions").await, 0);

    let v = s
        .create_ladder_version(&a, date(2026, 6, 1), &three_steps())
        .await
        .unwrap();
    // The default was stored first (version 1, six steps), then the new one (three steps).
    assert_eq!(v, LadderVersionId(2));
    let all = s.ladder_versions().await.unwrap();
    assert_eq!(
        all.iter()
            .map(|v| (v.number, v.valid_from, v.ladder.len()))
            .collect::<Vec<_>>(),
        [(1, DEFAULT_LADDER_FROM, 6), (2, date(2026, 6, 1), 3)]
    );
    assert_eq!(all[1].ladder, three_steps());
    assert_eq!(audits(s, "ladder.version").await, 2);
    // A second version from the same day is refused and writes nothing.
    let before = rows(s).await;
    assert!(matches!(
        s.create_ladder_version(&a, date(2026, 6, 1), &three_steps())
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(rows(s).await, before);
}

async fn every_write_is_audited_and_the_path_reads_back(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    let today = date(2026, 3, 15);
    let (unit, p, h) = household(s, &a, date(1985, 2, 6), 11).await;
    let coach = s
        .create_staff(&a, unit, "Jonna Jobbcoach", StaffRole::JobCoach)
        .await
        .unwrap();
    let ladder = Ladder::default_ladder();
    let obstacles = [
        (LifeArea::Language, ObstacleLevel::Major),
        (LifeArea::Housing, ObstacleLevel::None),
    ];
    let first = Assessment::new(&ladder, date(2026, 1, 10), today, 2, Some(3), &obstacles).unwrap();
    let id = s
        .record_assessment(&a, p, h, LadderVersionId(1), &first)
        .await
        .unwrap();
    assert_eq!(
        count(s, "SELECT COUNT(*) FROM ladder_versions").await,
        1,
        "the default stored"
    );
    // A version that is not the one in force on the day is refused: nothing written.
    let before = rows(s).await;
    assert!(matches!(
        s.record_assessment(&a, p, h, LadderVersionId(7), &first).await,
        Err(StoreError::Conflict(_))
    ));
    // A household the person never belonged to is refused.
    let (_, _, other) = household(s, &a, date(1990, 4, 4), 12).await;
    let before_other = rows(s).await;
    assert!(matches!(
        s.record_assessment(&a, p, other, LadderVersionId(1), &first)
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(rows(s).await, before_other);
    assert_eq!(before.len(), 9);

    let plan = s
        .create_plan(&a, p, h, "Arbete inom vården", date(2026, 1, 10), Some(coach))
        .await
        .unwrap();
    let before = rows(s).await;
    assert!(matches!(
        s.create_plan(&a, p, h, "Ett andra mål", date(2026, 1, 11), None)
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(rows(s).await, before, "one open plan per person");
    let sfi = ActivityPlan::new(ActivityKind::Sfi, "Komvux", date(2026, 2, 2), None, 20).unwrap();
    let activity = s.add_activity(&a, plan, &sfi).await.unwrap();
    // Attendance: a week, its correction (audited with the old hours), and the same figures again (nothing).
    let monday = date(2026, 2, 16);
    let week = AttendanceWeek::new(monday, today, 20, 0, None, 20).unwrap();
    s.record_attendance(&a, activity, &week).await.unwrap();
    let corrected = AttendanceWeek::new(monday, today, 16, 4, Some(Absence::Unexcused), 20).unwrap();
    s.record_attendance(&a, activity, &corrected).await.unwrap();
    s.record_attendance(&a, activity, &corrected).await.unwrap();
    assert_eq!(audits(s, "attendance.record").await, 2);
    let detail =
        sqlx::query("SELECT detail_json FROM audit_log WHERE action = 'attendance.record' ORDER BY seq DESC")
            .fetch_one(s.pool())
            .await
            .unwrap();
    let detail: String = sqlx::Row::try_get(&detail, "detail_json").unwrap();
    let detail: serde_json::Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(
        (
            &detail["old_hours_attended"],
            &detail["old_hours_absent"],
            &detail["hours_attended"],
            &detail["hours_absent"]
        ),
        (
            &serde_json::json!(20),
            &serde_json::json!(0),
            &serde_json::json!(16),
            &serde_json::json!(4)
        )
    );
    s.end_activity(&a, activity, date(2026, 3, 20)).await.unwrap();
    assert!(matches!(
        s.end_activity(&a, activity, date(2026, 1, 1)).await,
        Err(StoreError::Domain(_))
    ));
    s.record_exit(&a, p, h, date(2026, 3, 1), ExitReason::Work)
        .await
        .unwrap();
    let march = Month::new(2026, 3).unwrap();
    s.record_reason(&a, p, h, march, Forsorjningshinder::UnemployedNoBenefit)
        .await
        .unwrap();
    // The month's reason is replaced, not added.
    s.record_reason(&a, p, h, march, Forsorjningshinder::SocialReasons)
        .await
        .unwrap();
    for (action, n) in [
        ("assessment.record", 1),
        ("plan.create", 1),
        ("activity.add", 1),
        ("activity.end", 1),
        ("exit.record", 1),
        ("reason.record", 2),
    ] {
        assert_eq!(audits(s, action).await, n, "{action}");
    }
    // Every record names the person (so that gallring empties it with them) and never the goal or provider.
    assert_eq!(
        count(
            s,
            &format!(
                "SELECT COUNT(*) FROM audit_log WHERE action IN ('assessment.record', 'plan.create', \
                 'activity.add', 'activity.end', 'attendance.record', 'exit.record', 'reason.record') \
                 AND subject_person = {}",
                p.get()
            )
        )
        .await,
        9
    );
    assert_eq!(
        count(
            s,
            "SELECT COUNT(*) FROM audit_log WHERE detail_json LIKE '%vården%' OR detail_json LIKE '%Komvux%'"
        )
        .await,
        0
    );

    let path = s.person_path(&a, p, false).await.unwrap();
    assert_eq!(reads(s, "progression.read").await, 1);
    assert_eq!(path.assessments.len(), 1);
    assert_eq!(path.assessments[0].id, id);
    assert_eq!(
        (path.assessments[0].step, path.assessments[0].own_step),
        (2, Some(3))
    );
    assert_eq!(path.assessments[0].obstacles.len(), 2);
    assert_eq!(
        path.names.get(&format!("staff:{coach}")).map(String::as_str),
        Some("Jonna Jobbcoach")
    );
    let open = path.open_plan().unwrap();
    assert_eq!(
        (open.id, open.goal.as_str(), open.job_coach),
        (plan, "Arbete inom vården", Some(coach))
    );
    assert_eq!(open.activities.len(), 1);
    assert_eq!(open.activities[0].activity.ends_on, Some(date(2026, 3, 20)));
    assert_eq!(open.activities[0].attendance.len(), 1);
    assert_eq!(open.activities[0].attendance[0].week, corrected);
    assert_eq!(path.exits.len(), 1);
    assert_eq!(path.exits[0].reason, ExitReason::Work);
    assert_eq!(path.reasons, [(march, Forsorjningshinder::SocialReasons)]);

    // Closing the plan ends what still runs after that day; a closed plan takes no activity and is not closed
    // twice.
    s.close_plan(&a, plan, date(2026, 3, 15)).await.unwrap();
    let path = s.person_path(&a, p, true).await.unwrap();
    assert_eq!(reads(s, "progression.own_read").await, 1);
    assert!(path.open_plan().is_none());
    assert_eq!(
        path.plans[0].activities[0].activity.ends_on,
        Some(date(2026, 3, 15))
    );
    let before = rows(s).await;
    assert!(matches!(
        s.add_activity(&a, plan, &sfi).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.close_plan(&a, plan, date(2026, 3, 15)).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(rows(s).await, before);
    // A new plan after the closed one is allowed.
    s.create_plan(&a, p, h, "Studier", date(2026, 3, 15), None)
        .await
        .unwrap();
    let access = s.person_access(p).await.unwrap();
    assert_eq!(access.households.len(), 1);
    assert!(access.households[0].current && access.households[0].adult);
    assert_eq!(access.open_plan.map(|(_, c)| c), Some(None));
    assert!(matches!(
        s.person_access(PersonId(99_999)).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(
        s.job_coaches(&[unit]).await.unwrap(),
        [(coach, "Jonna Jobbcoach".to_owned())]
    );
}

async fn the_caseload_shows_steps_actions_weeks_and_proposals(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    // Sunday 15 March 2026: this week began Monday 9 March; the last four full weeks began 9, 16, 23 February
    // and 2 March.
    let today = date(2026, 3, 15);
    let (unit, p, h) = household(s, &a, date(1985, 2, 6), 21).await;
    let (_, q, hq) = household(s, &a, date(1979, 9, 9), 22).await;
    let coach = s
        .create_staff(&a, unit, "Jonna Jobbcoach", StaffRole::JobCoach)
        .await
        .unwrap();
    let other = s
        .create_staff(&a, unit, "Otto Annancoach", StaffRole::JobCoach)
        .await
        .unwrap();
    let ladder = Ladder::default_ladder();
    let assessed = Assessment::new(&ladder, date(2026, 1, 10), today, 3, None, &[]).unwrap();
    s.record_assessment(&a, p, h, LadderVersionId(1), &assessed)
        .await
        .unwrap();
    let plan = s
        .create_plan(&a, p, h, "Mål", date(2026, 1, 10), Some(coach))
        .await
        .unwrap();
    // Another coach's person is not on the list.
    s.create_plan(&a, q, hq, "Mål", date(2026, 1, 10), Some(other))
        .await
        .unwrap();
    // Runs from Monday 2 February to Friday 20 March: in each of the four weeks.
    let sfi = ActivityPlan::new(
        ActivityKind::Sfi,
        "Komvux",
        date(2026, 2, 2),
        Some(date(2026, 3, 20)),
        20,
    )
    .unwrap();
    let activity = s.add_activity(&a, plan, &sfi).await.unwrap();
    let unexcused =
        AttendanceWeek::new(date(2026, 2, 16), today, 16, 4, Some(Absence::Unexcused), 20).unwrap();
    let sick = AttendanceWeek::new(date(2026, 2, 23), today, 12, 8, Some(Absence::Sick), 20).unwrap();
    s.record_attendance(&a, activity, &unexcused).await.unwrap();
    s.record_attendance(&a, activity, &sick).await.unwrap();

    let load = s.caseload(&a, coach, today, 50, 0).await.unwrap();
    assert_eq!(load.total, 1);
    assert_eq!(load.persons.len(), 1);
    let me = &load.persons[0];
    assert_eq!((me.person, me.plan), (p, plan));
    assert_eq!(me.step, Some((date(2026, 1, 10), LadderVersionId(1), 3)));
    // The activity ends 20 March (within 14 days of the 15th); the next assessment is due 90 days after 10
    // January: 10 April. Soonest first.
    assert_eq!(
        me.next_actions,
        [
            NextAction::ActivityEnds {
                activity,
                kind: ActivityKind::Sfi,
                on: date(2026, 3, 20)
            },
            NextAction::Assess {
                due: date(2026, 4, 10)
            },
        ]
    );
    // Weeks of 9 February and 2 March have no attendance; 16 and 23 February have.
    assert_eq!(
        me.attendance_due.iter().map(|w| w.week_start).collect::<Vec<_>>(),
        [date(2026, 2, 9), date(2026, 3, 2)]
    );
    // Only the unexcused absence is a proposal to make (sickness is an acceptable reason).
    assert_eq!(me.proposals_to_make.len(), 1);
    assert_eq!(
        (
            me.proposals_to_make[0].week_start,
            me.proposals_to_make[0].hours_absent
        ),
        (date(2026, 2, 16), 4)
    );
    assert_eq!(reads(s, "caseload.read").await, 1);
    // Once a proposal exists for the week, it is no longer one to make.
    sqlx::query(
        "INSERT INTO sanction_proposals (person_id, household_id, activity_id, week_start, ground, reason, \
         proposed_by, proposed_at) VALUES ($1, $2, $3, '2026-02-16', 'unexcused_absence', 'x', 'staff:1', 0)",
    )
    .bind(p.get())
    .bind(h.get())
    .bind(activity.get())
    .execute(s.pool())
    .await
    .unwrap();
    let load = s.caseload(&a, coach, today, 50, 0).await.unwrap();
    assert!(load.persons[0].proposals_to_make.is_empty());
    // An empty page still records the read (with no person).
    let none = s.caseload(&a, coach, today, 50, 50).await.unwrap();
    assert!(none.persons.is_empty() && none.total == 1);
    assert_eq!(reads(s, "caseload.read").await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progression() {
    for db in backends().await {
        versions_are_kept_and_the_default_comes_first(&db.store).await;
        db.finish().await;
    }
    for db in backends().await {
        every_write_is_audited_and_the_path_reads_back(&db.store).await;
        db.finish().await;
    }
    for db in backends().await {
        the_caseload_shows_steps_actions_weeks_and_proposals(&db.store).await;
        db.finish().await;
    }
}
