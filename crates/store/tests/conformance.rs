//! The store conformance suite: every test runs on SQLite (a fresh temp file) and, when `TEST_DATABASE_URL` is set,
//! on a fresh PostgreSQL database created for the test and dropped afterwards.

#[cfg(test)]
mod support {
    use std::path::PathBuf;

    use domain::decision::{DecisionItem, NewDecision, Outcome};
    use domain::{Actor, HouseholdId, PersonId, Personnummer, ProtectedIdentity, StaffId, UnitId};
    use jiff::Timestamp;
    use jiff::civil::{Date, date};
    use norm::Money;
    use norm::contract::Role;
    use sqlx::{Connection, Executor, Row};
    use store::{Backend, FailPoints, NewPerson, SqlStore, Store, StoreConfig};

    pub struct TestDb {
        pub store: SqlStore,
        pub url: String,
        cleanup: Cleanup,
    }

    enum Cleanup {
        File(PathBuf),
        Postgres { admin_url: String, name: String },
    }

    fn unique() -> String {
        uuid::Uuid::new_v4().simple().to_string()
    }

    pub async fn sqlite(fail: FailPoints) -> TestDb {
        let path = std::env::temp_dir().join(format!("stegvis-test-{}.db", unique()));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let store = SqlStore::connect_with(StoreConfig {
            fail_points: fail,
            ..StoreConfig::new(url.clone())
        })
        .await
        .unwrap();
        TestDb {
            store,
            url,
            cleanup: Cleanup::File(path),
        }
    }

    pub async fn postgres(admin_url: &str, fail: FailPoints) -> TestDb {
        sqlx::any::install_default_drivers();
        let name = format!("t_{}", unique());
        let mut admin = sqlx::AnyConnection::connect(admin_url).await.unwrap();
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap();
        admin.close().await.unwrap();
        let (base, _) = admin_url.rsplit_once('/').unwrap();
        let url = format!("{base}/{name}");
        let store = SqlStore::connect_with(StoreConfig {
            fail_points: fail,
            ..StoreConfig::new(url.clone())
        })
        .await
        .unwrap();
        TestDb {
            store,
            url,
            cleanup: Cleanup::Postgres {
                admin_url: admin_url.to_owned(),
                name,
            },
        }
    }

    /// One fresh database per available backend.
    pub async fn backends_with(fail: impl Fn() -> FailPoints) -> Vec<TestDb> {
        let mut dbs = vec![sqlite(fail()).await];
        if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
            dbs.push(postgres(&url, fail()).await);
        }
        dbs
    }

    pub async fn backends() -> Vec<TestDb> {
        backends_with(FailPoints::default).await
    }

    impl TestDb {
        pub async fn finish(self) {
            self.store.close().await;
            match self.cleanup {
                Cleanup::File(path) => {
                    for suffix in ["", "-wal", "-shm", "-readlog", "-readlog-wal", "-readlog-shm"] {
                        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                    }
                }
                Cleanup::Postgres { admin_url, name } => {
                    let mut admin = sqlx::AnyConnection::connect(&admin_url).await.unwrap();
                    admin
                        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                        .await
                        .unwrap();
                    admin.close().await.unwrap();
                }
            }
        }
    }

    /// Row counts of every table, to prove that a refused call wrote nothing.
    pub async fn counts(s: &SqlStore) -> Vec<(String, i64)> {
        let mut out = vec![];
        for t in [
            "org_units",
            "staff",
            "persons",
            "households",
            "facts",
            "applications",
            "decisions",
            "decision_items",
            "payment_batches",
            "payments",
            "appeals",
            "appeal_additions",
            "claims",
            "claim_events",
            "journal_notes",
            "documents",
            "follow_ups",
            "audit_log",
        ] {
            let row = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {t}"))
                .fetch_one(s.pool())
                .await
                .unwrap();
            out.push((t.to_owned(), row.try_get::<i64, _>("n").unwrap()));
        }
        out
    }

    pub async fn count(s: &SqlStore, sql: &str) -> i64 {
        let row = sqlx::query(sql).fetch_one(s.pool()).await.unwrap();
        row.try_get::<i64, _>(0).unwrap()
    }

    pub fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    pub fn actor(at: &str) -> Actor {
        Actor::staff(StaffId(1), "test", ts(at))
    }

    pub const TODAY: Date = date(2026, 3, 15);

    /// A valid personnummer for a birth date and serial.
    pub fn pnr(birth: Date, serial: u16) -> Personnummer {
        let s = format!(
            "{:04}{:02}{:02}{serial:03}",
            birth.year(),
            birth.month(),
            birth.day()
        );
        let ten: Vec<u32> = s[2..].chars().map(|c| c.to_digit(10).unwrap()).collect();
        let sum: u32 = ten
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let p = d * if i % 2 == 0 { 2 } else { 1 };
                p / 10 + p % 10
            })
            .sum();
        let check = (10 - sum % 10) % 10;
        Personnummer::from_canonical(&format!("{s}{check}")).unwrap()
    }

    pub fn kr(n: i64) -> Money {
        Money::from_kronor(n).unwrap()
    }

    pub fn bifall(amount: i64) -> DecisionItem {
        DecisionItem {
            purpose: Default::default(),
            what: "Försörjningsstöd".into(),
            outcome: Outcome::Bifall,
            applied: kr(amount),
            granted: kr(amount),
            reasons: "Beräknat enligt riksnormen och skäliga kostnader".into(),
            legal_basis: "SoL 12:1".into(),
        }
    }

    pub fn decision(amounts: &[i64]) -> NewDecision {
        NewDecision {
            deductions: Default::default(),
            items: amounts.iter().map(|a| bifall(*a)).collect(),
            calculation: None,
            replaces: None,
        }
    }

    /// A unit, and a household of one adult born on `birth`.
    pub async fn household(
        s: &SqlStore,
        a: &Actor,
        birth: Date,
        serial: u16,
    ) -> (UnitId, PersonId, HouseholdId) {
        let unit = s.create_unit(a, "Team Nord").await.unwrap();
        let p = s
            .register_person(
                a,
                NewPerson {
                    pnr: pnr(birth, serial),
                    name: "Test Testsson".into(),
                    protection: ProtectedIdentity::None,
                },
            )
            .await
            .unwrap();
        let h = s
            .register_household(a, unit, &[(p, Role::Adult)], date(2026, 1, 1))
            .await
            .unwrap();
        (unit, p, h)
    }

    pub fn is_sqlite(s: &SqlStore) -> bool {
        s.backend() == Backend::Sqlite
    }
}

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            for db in support::backends().await {
                cases::$name(&db.store).await;
                db.finish().await;
            }
        }
    )*};
}

conformance!(
    persons_are_registered_once_and_lookups_are_audited,
    bad_input_gives_a_typed_error_and_writes_nothing,
    the_application_lifecycle_refuses_illegal_moves,
    two_caseworkers_cannot_overwrite_each_other,
    a_changed_decision_is_a_new_decision,
    facts_keep_both_time_axes,
    reads_of_personal_data_are_audited,
    the_audit_chain_detects_tampering,
    payments_are_made_exactly_once,
    appeals_follow_the_time_limit_and_the_court,
    claims_repayments_and_waivers,
    the_journal_is_append_only,
    documents_are_checked,
    gallring_reports_then_deletes_exactly_the_report,
    a_month_of_decisions_is_stored_all_or_nothing,
);

#[cfg(test)]
mod cases {
    use domain::appeal::{AppealStatus, CourtOutcome};
    use domain::application::ApplicationStatus;
    use domain::decision::{DecisionItem, FrozenCalculation, NewDecision, Outcome};
    use domain::document::DocumentKind;
    use domain::fact::{FactValue, Validity};
    use domain::journal::NoteKind;
    use domain::payment::{BatchStatus, PaymentStatus};
    use domain::{
        Actor, ApplicationId, DecisionId, DomainError, HouseholdId, NoteId, PersonId, ProtectedIdentity,
        UnitId,
    };
    use jiff::civil::date;
    use norm::contract::{CalcRequest, CalcResponse, MemberIn, Role};
    use norm::{Money, Month};
    use sqlx::Executor;
    use store::{AuditVerdict, GallringPolicy, MonthDecision, NewPerson, SqlStore, Store, StoreError};

    use super::support::*;

    fn march() -> Month {
        Month::new(2026, 3).unwrap()
    }

    pub async fn persons_are_registered_once_and_lookups_are_audited(s: &SqlStore) {
        let a = actor("2026-03-15T09:00:00Z");
        let person = NewPerson {
            pnr: pnr(date(1981, 12, 18), 987),
            name: "Anna".into(),
            protection: ProtectedIdentity::SkyddadFolkbokforing,
        };
        let id = s.register_person(&a, person.clone()).await.unwrap();
        assert!(matches!(
            s.register_person(&a, person.clone()).await,
            Err(StoreError::Duplicate(_))
        ));
        let found = s.find_person(&a, &person.pnr).await.unwrap().unwrap();
        assert_eq!(
            (found.id, found.name.as_str(), found.protection),
            (id, "Anna", ProtectedIdentity::SkyddadFolkbokforing)
        );
        assert!(
            s.find_person(&a, &pnr(date(1990, 1, 2), 1))
                .await
                .unwrap()
                .is_none()
        );
        let trail = s.audit_trail(&a, id).await.unwrap();
        let actions: Vec<&str> = trail.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(actions, ["person.register", "person.lookup"]);
        // The trail holds ids, never the number or the name.
        assert!(
            trail
                .iter()
                .all(|r| !r.detail_json.contains("19811218") && !r.detail_json.contains("Anna"))
        );
    }

    pub async fn bad_input_gives_a_typed_error_and_writes_nothing(s: &SqlStore) {
        let a = actor("2026-03-15T09:00:00Z");
        let (unit, person, h) = household(s, &a, date(1980, 1, 6), 1).await;
        let app = s.receive_application(&a, h, march(), TODAY).await.unwrap();
        let before = counts(s).await;

        // Invalid personnummer at the boundary.
        let bad = NewPerson::parse("811218-9875", "Anna", ProtectedIdentity::None, TODAY);
        assert!(matches!(
            bad,
            Err(StoreError::Domain(DomainError::Personnummer(_)))
        ));
        // Negative amounts.
        let rent = FactValue::Rent {
            amount: Money::from_ore(-100),
        };
        let e = s
            .record_fact(&a, h, rent, Validity::open(TODAY))
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Domain(DomainError::Amount { .. })), "{e}");
        let mut d = decision(&[100]);
        d.items[0].granted = Money::from_ore(-1);
        d.items[0].applied = Money::from_ore(-1);
        assert!(matches!(
            s.decide(&a, app.id, app.version, d).await,
            Err(StoreError::Domain(_))
        ));
        assert!(matches!(
            s.create_claim(&a, h, None, kr(-5), "fel").await,
            Err(StoreError::Domain(_))
        ));
        // Unknown ids.
        let e = s
            .register_household(&a, unit, &[(PersonId(9999), Role::Adult)], TODAY)
            .await
            .unwrap_err();
        assert!(
            matches!(
                e,
                StoreError::NotFound {
                    what: "person",
                    id: 9999
                }
            ),
            "{e}"
        );
        let e = s
            .register_household(&a, UnitId(777), &[(person, Role::Adult)], TODAY)
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::NotFound { id: 777, .. }), "{e}");
        assert!(matches!(
            s.decide(&a, ApplicationId(4242), 1, decision(&[1])).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            s.receive_application(&a, HouseholdId(55), march(), TODAY).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            s.append_journal(&a, PersonId(31337), NoteKind::Note, "x").await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            s.household_overview(&a, HouseholdId(55), TODAY).await,
            Err(StoreError::NotFound { .. })
        ));
        // Empty texts, bad documents.
        assert!(matches!(
            s.append_journal(&a, person, NoteKind::Note, "  ").await,
            Err(StoreError::Domain(_))
        ));
        let e = s
            .attach_document(
                &a,
                person,
                DocumentKind::Underlag,
                "x.exe",
                "application/x-msdownload",
                b"MZ",
            )
            .await;
        assert!(matches!(e, Err(StoreError::Domain(DomainError::DocumentType(_)))));
        // A duplicate month.
        assert!(matches!(
            s.receive_application(&a, h, march(), TODAY).await,
            Err(StoreError::Duplicate(_))
        ));

        assert_eq!(counts(s).await, before);
    }

    pub async fn the_application_lifecycle_refuses_illegal_moves(s: &SqlStore) {
        let a = actor("2026-03-15T09:00:00Z");
        let (_, _, h) = household(s, &a, date(1980, 1, 6), 1).await;
        let app = s.receive_application(&a, h, march(), TODAY).await.unwrap();
        assert_eq!((app.status, app.version), (ApplicationStatus::Received, 1));
        // Cannot decide before investigating.
        let e = s.decide(&a, app.id, 1, decision(&[5000])).await.unwrap_err();
        assert!(
            matches!(e, StoreError::Domain(DomainError::IllegalTransition { .. })),
            "{e}"
        );
        let app = s.start_investigation(&a, app.id, 1).await.unwrap();
        assert_eq!(
            (app.status, app.version),
            (ApplicationStatus::UnderInvestigation, 2)
        );

        let request = CalcRequest {
            month: march(),
            members: vec![MemberIn {
                id: "a".into(),
                role: Role::Adult,
                age: 46,
                lunch_outside_home: false,
                months_with_assistance: 0,
                jobbstimulans_from: None,
            }],
            couple: None,
            shared_household_size: None,
            costs: Default::default(),
            incomes: vec![],
            assets: 0,
            decided_on: None,
            norm_adjustments: Vec::new(),
        };
        let response = CalcResponse {
            month: march(),
            rule_table: "riksnorm 2026".into(),
            rule_table_version: "2026.1".into(),
            rule_set: "sol-2025-400".into(),
            norm: 4180,
            reasonable_costs: 0,
            counted_income: 0,
            assets: 0,
            assistance: 4180,
            lines: vec![],
            findings: vec![],
        };
        let mut d = decision(&[4180]);
        d.calculation = Some(FrozenCalculation {
            changes: Default::default(),
            request,
            response,
            rule_table: "riksnorm 2026".into(),
            rule_table_version: "2026.1".into(),
        });
        let dv = s.decide(&a, app.id, 2, d.clone()).await.unwrap();
        assert_eq!(dv.total_granted, kr(4180));
        assert_eq!(dv.calculation, d.calculation);
        assert_eq!(dv.items, d.items);
        let app = s.application(&a, app.id).await.unwrap();
        assert_eq!(
            (app.status, app.current_decision, app.version),
            (ApplicationStatus::Decided, Some(dv.id), 3)
        );
        // A decided application cannot be withdrawn or decided afresh.
        assert!(matches!(
            s.withdraw_application(&a, app.id, 3).await,
            Err(StoreError::Domain(_))
        ));
        assert!(matches!(
            s.decide(&a, app.id, 3, decision(&[1])).await,
            Err(StoreError::Domain(_))
        ));
        // A calculation for another month is refused.
        let (_, _, h2) = household(s, &a, date(1980, 2, 6), 2).await;
        let app2 = s
            .receive_application(&a, h2, Month::new(2026, 4).unwrap(), TODAY)
            .await
            .unwrap();
        let app2 = s.start_investigation(&a, app2.id, 1).await.unwrap();
        assert!(matches!(
            s.decide(&a, app2.id, app2.version, d).await,
            Err(StoreError::Domain(_))
        ));
        // Withdrawn is final; an avslag is closed, not paid.
        let w = s.withdraw_application(&a, app2.id, app2.version).await.unwrap();
        assert_eq!(w.status, ApplicationStatus::Withdrawn);
        let (_, _, h3) = household(s, &a, date(1980, 3, 6), 3).await;
        let app3 = s.receive_application(&a, h3, march(), TODAY).await.unwrap();
        let app3 = s.start_investigation(&a, app3.id, 1).await.unwrap();
        let avslag = NewDecision {
            deductions: Default::default(),
            items: vec![DecisionItem {
                purpose: Default::default(),
                outcome: Outcome::Avslag,
                granted: Money::ZERO,
                ..bifall(3000)
            }],
            calculation: None,
            replaces: None,
        };
        // A decision that grants nothing closes its application in the same transaction (decision 74).
        s.decide(&a, app3.id, app3.version, avslag).await.unwrap();
        let closed = s.application(&a, app3.id).await.unwrap();
        assert_eq!(closed.status, ApplicationStatus::Closed);
        assert!(
            s.close_application(&a, app3.id, closed.version).await.is_err(),
            "a closed application is not closed twice"
        );
    }

    async fn investigated(s: &SqlStore, a: &Actor, birth_month: i8) -> (HouseholdId, ApplicationId, i64) {
        let (_, _, h) = household(
            s,
            a,
            date(1980, birth_month, 6),
            u16::try_from(birth_month).unwrap(),
        )
        .await;
        let app = s.receive_application(a, h, march(), TODAY).await.unwrap();
        let app = s.start_investigation(a, app.id, app.version).await.unwrap();
        (h, app.id, app.version)
    }

    pub async fn two_caseworkers_cannot_overwrite_each_other(s: &SqlStore) {
        let a = actor("2026-03-15T09:00:00Z");
        let (_, app, v) = investigated(s, &a, 1).await;
        // Both read version v; the first decision wins, the second is a conflict and writes nothing.
        s.decide(&a, app, v, decision(&[5000])).await.unwrap();
        let before = counts(s).await;
        let e = s.decide(&a, app, v, decision(&[6000])).await.unwrap_err();
        assert!(matches!(e, StoreError::Conflict(_)), "{e}");
        assert_eq!(counts(s).await, before);

        // Truly concurrent: two tasks race on the same version; exactly one wins.
        let (_, app, v) = investigated(s, &a, 2).await;
        let (s1, s2) = (s.clone(), s.clone());
        let (a1, a2) = (a.clone(), a.clone());
        let t1 = tokio::spawn(async move { s1.decide(&a1, app, v, decision(&[100])).await });
        let t2 = tokio::spawn(async move { s2.decide(&a2, app, v, decision(&[200])).await });
        let (r1, r2) = (t1.await.unwrap(), t2.await.unwrap());
        assert_eq!(u8::from(r1.is_ok()) + u8::from(r2.is_ok()), 1, "{r1:?} {r2:?}");
        assert!(matches!(r1.err().or(r2.err()), Some(StoreError::Conflict(_))));
        assert_eq!(
            count(
                s,
                &format!(
                    "SELECT COUNT(*) FROM decisions WHERE application_id = {}",
                    app.get()
                )
            )
            .await,
            1
        );
    }

    pub async fn a_changed_decision_is_a_new_decision(s: &SqlStore) {
        let a = actor("2026-03-15T09:00:00Z");
        let (_, app, v) = investigated(s, &a, 1).await;
        let first = s.decide(&a, app, v, decision(&[5000])).await.unwrap();
        let mut change = decision(&[5500]);
        change.replaces = Some(first.id);
        let second = s.decide(&a, app, v + 1, change.clone()).await.unwrap();
        assert_eq!(second.replaces, Some(first.id));
        // The old decision is unchanged.
        assert_eq!(s.decision(&a, first.id).await.unwrap(), first);
        let view = s.application(&a, app).await.unwrap();
        assert_eq!(view.current_decision, Some(second.id));
        // Replacing a decision that is no longer current is a conflict.
        let e = s.decide(&a, app, view.version, change).await.unwrap_err();
        assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    }

    pub async fn facts_keep_both_time_axes(s: &SqlStore) {
        let jan = actor("2026-01-05T10:00:00Z");
        let (_, _, h) = household(s, &jan, date(1980, 1, 6), 1).await;
        let rent = |kr_: i64| FactValue::Rent { amount: kr(kr_) };
        let first = s
            .record_fact(&jan, h, rent(7000), Validity::open(date(2026, 1, 1)))
            .await
            .unwrap();
        // A change of circumstances from April, learned in March.
        let mar = actor("2026-03-20T10:00:00Z");
        s.record_fact(&mar, h, rent(7500), Validity::open(date(2026, 4, 1)))
            .await
            .unwrap();
        // A correction in February: January's rent was really 6800.
        let feb = actor("2026-02-10T09:00:00Z");
        s.correct_fact(&feb, first, rent(6800), Validity::open(date(2026, 1, 1)))
            .await
            .unwrap();
        assert!(matches!(
            s.correct_fact(&feb, first, rent(1), Validity::open(date(2026, 1, 1)))
                .await,
            Err(StoreError::Conflict(_))
        ));
        let now = ts("2026-05-01T00:00:00Z");
        let rent_of = |facts: Vec<domain::fact::FactRecord>| {
            facts.into_iter().find_map(|f| match f.value {
                FactValue::Rent { amount } => Some(amount),
                _ => None,
            })
        };
        let mar_ref = &mar;
        let r = |d, known| async move { rent_of(s.facts_as_of(mar_ref, h, d, known).await.unwrap()) };
        assert_eq!(r(date(2026, 1, 15), now).await, Some(kr(6800)));
        assert_eq!(
            r(date(2026, 1, 15), ts("2026-02-01T00:00:00Z")).await,
            Some(kr(7000))
        );
        assert_eq!(r(date(2026, 4, 15), now).await, Some(kr(7500)));
        assert_eq!(
            r(date(2026, 4, 15), ts("2026-03-01T00:00:00Z")).await,
            Some(kr(6800))
        );
        // The membership recorded at registration is there too.
        let facts = s.facts_as_of(&mar, h, date(2026, 2, 1), now).await.unwrap();
        assert!(facts.iter().any(|f| matches!(
            f.value,
            FactValue::Member {
                role: Role::Adult,
                ..
            }
        )));
    }

    pub async fn reads_of_personal_data_are_audited(s: &SqlStore) {
        let a = actor("2026-03-15T09:00:00Z");
        let unit = s.create_unit(&a, "Team Syd").await.unwrap();
        let p1 = s
            .register_person(
                &a,
                NewPerson {
                    pnr: pnr(date(1985, 5, 6), 11),
                    name: "Vuxen".into(),
                    protection: ProtectedIdentity::None,
                },
            )
            .await
            .unwrap();
        let p2 = s
            .register_person(
                &a,
                NewPerson {
                    pnr: pnr(date(2015, 7, 8), 12),
                    name: "Barn".into(),
                    protection: ProtectedIdentity::None,
                },
            )
            .await
            .unwrap();
        let h = s
            .register_household(
                &a,
                unit,
                &[(p1, Role::Adult), (p2, Role::Child)],
                date(2026, 1, 1),
            )
            .await
            .unwrap();
        let reader = Actor::staff(
            domain::StaffId(7),
            "household/overview",
            ts("2026-03-16T08:00:00Z"),
        );
        let changes = count(s, "SELECT COUNT(*) FROM audit_log").await;
        let before = count(s, "SELECT COUNT(*) FROM readlog.read_log").await;
        let o = s.household_overview(&reader, h, TODAY).await.unwrap();
        assert_eq!(o.members.len(), 2);
        // One record per person shown, in the read log; the change log is untouched by a read.
        assert_eq!(
            count(s, "SELECT COUNT(*) FROM readlog.read_log").await,
            before + 2
        );
        assert_eq!(count(s, "SELECT COUNT(*) FROM audit_log").await, changes);
        assert_eq!(
            s.verify_read_chain().await.unwrap(),
            AuditVerdict::Intact { records: before + 2 }
        );
        for p in [p1, p2] {
            let trail = s.audit_trail(&a, p).await.unwrap();
            let read = trail.iter().find(|r| r.action == "household.read").unwrap();
            assert_eq!(
                (read.actor.as_str(), read.page.as_str()),
                ("staff:7", "household/overview")
            );
            assert_eq!(read.at, reader.at);
        }
    }

    pub async fn the_audit_chain_detects_tampering(s: &SqlStore) {
        let a = actor("2026-03-15T09:00:00Z");
        let (_, p, _) = household(s, &a, date(1980, 1, 6), 1).await;
        for i in 0..3 {
            s.append_journal(&a, p, NoteKind::Note, &format!("Anteckning {i}"))
                .await
                .unwrap();
        }
        let n = count(s, "SELECT COUNT(*) FROM audit_log").await;
        assert_eq!(
            s.verify_audit_chain().await.unwrap(),
            AuditVerdict::Intact { records: n }
        );
        // The database itself refuses to change the trail...
        assert!(
            sqlx::query("UPDATE audit_log SET detail_json = '{}' WHERE seq = 3")
                .execute(s.pool())
                .await
                .is_err()
        );
        assert!(
            sqlx::query("DELETE FROM audit_log WHERE seq = 3")
                .execute(s.pool())
                .await
                .is_err()
        );
        // ... and someone who gets round that is caught by the chain.
        let off = if is_sqlite(s) {
            "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete"
        } else {
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update"
        };
        for stmt in off.split("; ") {
            s.pool().execute(stmt).await.unwrap();
        }
        let original: String = sqlx::query_scalar("SELECT detail_json FROM audit_log WHERE seq = 4")
            .fetch_one(s.pool())
            .await
            .unwrap();
        let set_detail = |detail: String| async move {
            sqlx::query("UPDATE audit_log SET detail_json = $1 WHERE seq = 4")
                .bind(detail)
                .execute(s.pool())
                .await
                .unwrap();
        };
        set_detail(r#"{"note":1}"#.to_owned()).await;
        match s.verify_audit_chain().await.unwrap() {
            AuditVerdict::Broken { seq, .. } => assert_eq!(seq, 4),
            v => panic!("tampering not detected: {v:?}"),
        }
        set_detail(original).await;
        assert_eq!(
            s.verify_audit_chain().await.unwrap(),
            AuditVerdict::Intact { records: n }
        );
        // Removing the last record leaves a consistent chain, but not the one the head names.
        sqlx::query(&format!("DELETE FROM audit_log WHERE seq = {n}"))
            .execute(s.pool())
            .await
            .unwrap();
        match s.verify_audit_chain().await.unwrap() {
            AuditVerdict::Broken { seq, .. } => assert_eq!(seq, n),
            v => panic!("truncation not detected: {v:?}"),
        }
        // Removing one in the middle names the missing record.
        sqlx::query("DELETE FROM audit_log WHERE seq = 2")
            .execute(s.pool())
            .await
            .unwrap();
        match s.verify_audit_chain().await.unwrap() {
            AuditVerdict::Broken { seq, .. } => assert_eq!(seq, 2),
            v => panic!("gap not detected: {v:?}"),
        }
    }

    /// Decided applications for `amounts.len()` households, each with one item.
    pub(super) async fn decided(s: &SqlStore, a: &Actor, amounts: &[i64]) -> Vec<DecisionId> {
        let mut out = vec![];
        for (i, amount) in amounts.iter().enumerate() {
            let (_, app, v) = investigated(s, a, i8::try_from(i % 12 + 1).unwrap()).await;
            out.push(s.decide(a, app, v, decision(&[*amount])).await.unwrap().id);
        }
        out
    }

    pub async fn payments_are_made_exactly_once(s: &SqlStore) {
        let a = actor("2026-03-15T09:00:00Z");
        let ds = decided(s, &a, &[5000, 6000, 7000]).await;
        let batch = s.create_payment_batch(&a, date(2026, 3, 25)).await.unwrap();
        let mut first = vec![];
        for d in &ds {
            first.extend(s.add_to_batch(&a, batch, *d).await.unwrap());
        }
        // Adding again is a no-op returning the same payments.
        for d in &ds {
            let again = s.add_to_batch(&a, batch, *d).await.unwrap();
            assert_eq!(again.len(), 1);
            assert!(first.contains(&again[0]));
        }
        assert_eq!(count(s, "SELECT COUNT(*) FROM payments").await, 3);
        // Stop one before export.
        let stopped = s.stop_payment(&a, first[1].id).await.unwrap();
        assert_eq!(stopped.status, PaymentStatus::Stopped);
        assert!(matches!(
            s.stop_payment(&a, first[1].id).await,
            Err(StoreError::Domain(_))
        ));
        // Cannot export before approval; approve twice is harmless.
        assert!(matches!(
            s.export_batch(&a, batch).await,
            Err(StoreError::Domain(_))
        ));
        s.approve_batch(&a, batch, None).await.unwrap();
        s.approve_batch(&a, batch, None).await.unwrap();
        assert!(matches!(
            s.add_to_batch(&a, batch, ds[0]).await,
            Err(StoreError::Domain(_))
        ));
        let exported = s.export_batch(&a, batch).await.unwrap();
        assert_eq!(exported.total_payable().unwrap(), kr(12000));
        assert_eq!(s.export_batch(&a, batch).await.unwrap(), exported);
        let statuses: Vec<PaymentStatus> = exported.payments.iter().map(|p| p.status).collect();
        assert_eq!(
            statuses,
            [
                PaymentStatus::Exported,
                PaymentStatus::Stopped,
                PaymentStatus::Exported
            ]
        );
        assert!(matches!(
            s.stop_payment(&a, first[0].id).await,
            Err(StoreError::Domain(_))
        ));
        // The file is made, the money not yet paid: the application stays decided until the bank confirms.
        let app0 = s.decision(&a, ds[0]).await.unwrap().application;
        assert_eq!(
            s.application(&a, app0).await.unwrap().status,
            ApplicationStatus::Decided
        );
        let batch_open = s.create_payment_batch(&a, date(2026, 4, 20)).await.unwrap();
        assert!(matches!(
            s.confirm_batch_paid(&a, batch_open).await,
            Err(StoreError::Domain(_))
        ));
        let paid = s.confirm_batch_paid(&a, batch).await.unwrap();
        assert_eq!(paid.status, BatchStatus::Paid);
        assert_eq!(s.confirm_batch_paid(&a, batch).await.unwrap(), paid);
        assert_eq!(
            s.application(&a, app0).await.unwrap().status,
            ApplicationStatus::Paid
        );
        // The stopped payment's application was not paid.
        let app1 = s.decision(&a, ds[1]).await.unwrap().application;
        assert_eq!(
            s.application(&a, app1).await.unwrap().status,
            ApplicationStatus::Decided
        );
        assert_eq!(
            count(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'batch.paid'").await,
            1
        );
        // A later batch does not pay the same decision again.
        let batch2 = s.create_payment_batch(&a, date(2026, 4, 25)).await.unwrap();
        let again = s.add_to_batch(&a, batch2, ds[0]).await.unwrap();
        assert_eq!(again, vec![exported.payments[0].clone()]);
        assert_eq!(count(s, "SELECT COUNT(*) FROM payments").await, 3);
        // A new decision raising the amount pays only the difference.
        let app = s.application(&a, app0).await.unwrap();
        let mut raise = decision(&[5600]);
        raise.replaces = Some(ds[0]);
        let d2 = s.decide(&a, app0, app.version, raise).await.unwrap();
        assert!(matches!(
            s.add_to_batch(&a, batch2, ds[0]).await,
            Err(StoreError::Conflict(_))
        ));
        let diff = s.add_to_batch(&a, batch2, d2.id).await.unwrap();
        assert_eq!(diff.iter().map(|p| p.amount).collect::<Vec<_>>(), [kr(600)]);
        // A closed application cannot be paid, whatever its decision says.
        let (_, app_c, v) = investigated(s, &a, 9).await;
        let d = s.decide(&a, app_c, v, decision(&[100])).await.unwrap();
        s.close_application(&a, app_c, v + 1).await.unwrap();
        let e = s.add_to_batch(&a, batch2, d.id).await.unwrap_err();
        assert!(
            matches!(
                e,
                StoreError::Domain(DomainError::IllegalTransition { from: "closed", .. })
            ),
            "{e}"
        );
    }

    pub async fn appeals_follow_the_time_limit_and_the_court(s: &SqlStore) {
        let a = actor("2026-03-15T09:00:00Z");
        let ds = decided(s, &a, &[5000, 6000, 7000]).await;
        // Not yet served: no appeal can be registered.
        assert!(matches!(
            s.receive_appeal(&a, ds[0], date(2026, 3, 10)).await,
            Err(StoreError::Domain(_))
        ));
        for d in &ds {
            s.serve_decision(&a, *d, date(2026, 3, 2)).await.unwrap();
        }
        assert!(matches!(
            s.serve_decision(&a, ds[0], date(2026, 3, 3)).await,
            Err(StoreError::Conflict(_))
        ));
        // Day 21 (Monday 23 March) is in time, day 22 is not.
        let late = s.receive_appeal(&a, ds[0], date(2026, 3, 24)).await.unwrap();
        assert_eq!(late.status, AppealStatus::DismissedLate);
        assert!(matches!(
            s.forward_appeal(&a, late.id).await,
            Err(StoreError::Domain(_))
        ));
        let ok = s.receive_appeal(&a, ds[1], date(2026, 3, 23)).await.unwrap();
        assert_eq!(ok.status, AppealStatus::InTime);
        // The court changes the decision: a new decision replaces the appealed one.
        let fwd = s.forward_appeal(&a, ok.id).await.unwrap();
        assert_eq!(fwd.status, AppealStatus::ForwardedToCourt);
        assert!(matches!(
            s.record_court_outcome(&a, ok.id, CourtOutcome::Andrat, None)
                .await,
            Err(StoreError::Domain(_))
        ));
        let app1 = s.decision(&a, ds[1]).await.unwrap().application;
        let v = s.application(&a, app1).await.unwrap().version;
        let judged = s
            .record_court_outcome(&a, ok.id, CourtOutcome::Andrat, Some((v, decision(&[6500]))))
            .await
            .unwrap();
        let new = judged.new_decision.unwrap();
        assert_eq!(s.decision(&a, new).await.unwrap().replaces, Some(ds[1]));
        assert_eq!(s.application(&a, app1).await.unwrap().current_decision, Some(new));
        // Reconsideration by the board.
        let ok2 = s.receive_appeal(&a, ds[2], date(2026, 3, 10)).await.unwrap();
        let app2 = s.decision(&a, ds[2]).await.unwrap().application;
        let v2 = s.application(&a, app2).await.unwrap().version;
        let rec = s
            .reconsider_appeal(&a, ok2.id, v2, decision(&[7100]))
            .await
            .unwrap();
        assert_eq!(rec.status, AppealStatus::Reconsidered);
        assert!(matches!(
            s.forward_appeal(&a, ok2.id).await,
            Err(StoreError::Domain(_))
        ));
    }

    pub async fn claims_repayments_and_waivers(s: &SqlStore) {
        let a = actor("2026-03-15T09:00:00Z");
        let ds = decided(s, &a, &[5000]).await;
        let app = s.decision(&a, ds[0]).await.unwrap().application;
        let h = s.application(&a, app).await.unwrap().household;
        let c = s
            .create_claim(&a, h, Some(ds[0]), kr(1000), "Felaktigt utbetalt, SoL 33 kap.")
            .await
            .unwrap();
        assert_eq!(
            s.record_repayment(&a, c.id, kr(300)).await.unwrap().outstanding,
            kr(700)
        );
        assert_eq!(
            s.waive_claim(&a, c.id, kr(200)).await.unwrap().outstanding,
            kr(500)
        );
        let before = counts(s).await;
        assert!(matches!(
            s.record_repayment(&a, c.id, kr(501)).await,
            Err(StoreError::Domain(_))
        ));
        assert!(matches!(
            s.waive_claim(&a, c.id, kr(0)).await,
            Err(StoreError::Domain(_))
        ));
        assert!(matches!(
            s.record_repayment(&a, domain::ClaimId(99), kr(1)).await,
            Err(StoreError::NotFound { .. })
        ));
        assert_eq!(counts(s).await, before);
        assert_eq!(
            s.record_repayment(&a, c.id, kr(500)).await.unwrap().outstanding,
            Money::ZERO
        );
    }

    pub async fn the_journal_is_append_only(s: &SqlStore) {
        let a = actor("2026-03-15T09:00:00Z");
        let (_, p, _) = household(s, &a, date(1980, 1, 6), 1).await;
        let (_, other, _) = household(s, &a, date(1981, 1, 6), 2).await;
        let n1 = s
            .append_journal(&a, p, NoteKind::Note, "Besök på kontoret.")
            .await
            .unwrap();
        let n2 = s
            .append_journal(
                &a,
                p,
                NoteKind::Correction { corrects: n1 },
                "Rättelse: besöket var per telefon.",
            )
            .await
            .unwrap();
        let n3 = s
            .append_journal(
                &a,
                p,
                NoteKind::Objection { regarding: n1 },
                "Personen invänder mot beskrivningen.",
            )
            .await
            .unwrap();
        let notes = s.journal(&a, p).await.unwrap();
        assert_eq!(notes.iter().map(|n| n.id).collect::<Vec<_>>(), [n1, n2, n3]);
        assert_eq!(notes[0].text, "Besök på kontoret.");
        assert_eq!(notes[1].kind, NoteKind::Correction { corrects: n1 });
        // A correction must refer to a note about the same person, and to a note that exists.
        assert!(matches!(
            s.append_journal(&a, other, NoteKind::Correction { corrects: n1 }, "x")
                .await,
            Err(StoreError::Domain(_))
        ));
        assert!(matches!(
            s.append_journal(
                &a,
                p,
                NoteKind::Objection {
                    regarding: NoteId(999)
                },
                "x"
            )
            .await,
            Err(StoreError::NotFound { .. })
        ));
        // The database refuses edits.
        assert!(
            sqlx::query("UPDATE journal_notes SET body = 'ändrad'")
                .execute(s.pool())
                .await
                .is_err()
        );
        assert_eq!(s.journal(&a, p).await.unwrap()[0].text, "Besök på kontoret.");
    }

    pub async fn documents_are_checked(s: &SqlStore) {
        let a = actor("2026-03-15T09:00:00Z");
        let (_, p, _) = household(s, &a, date(1980, 1, 6), 1).await;
        s.attach_document(
            &a,
            p,
            DocumentKind::Underlag,
            "hyresavi.pdf",
            "application/pdf",
            b"%PDF-1.7\n...",
        )
        .await
        .unwrap();
        let before = counts(s).await;
        let e = s
            .attach_document(&a, p, DocumentKind::Intyg, "intyg.png", "image/png", b"%PDF-1.7")
            .await;
        assert!(matches!(
            e,
            Err(StoreError::Domain(DomainError::DocumentContent(_)))
        ));
        let big = [b"%PDF-".as_slice(), &vec![0_u8; 10 * 1024 * 1024]].concat();
        let e = s
            .attach_document(&a, p, DocumentKind::Underlag, "stor.pdf", "application/pdf", &big)
            .await;
        assert!(matches!(
            e,
            Err(StoreError::Domain(DomainError::DocumentSize { .. }))
        ));
        assert_eq!(counts(s).await, before);
        assert_eq!(
            count(s, "SELECT CAST(SUM(size) AS BIGINT) FROM documents").await,
            12
        );
    }

    pub async fn gallring_reports_then_deletes_exactly_the_report(s: &SqlStore) {
        let old = actor("2019-06-01T10:00:00Z");
        let unit = s.create_unit(&old, "Team Väst").await.unwrap();
        let mut people = vec![];
        // due; research sample (born on the 15th); live (open application); recent note.
        for (birth, serial) in [
            (date(1970, 1, 6), 1),
            (date(1970, 1, 15), 2),
            (date(1970, 1, 7), 3),
            (date(1970, 1, 8), 4),
        ] {
            let p = s
                .register_person(
                    &old,
                    NewPerson {
                        pnr: pnr(birth, serial),
                        name: "Namn".into(),
                        protection: ProtectedIdentity::None,
                    },
                )
                .await
                .unwrap();
            s.append_journal(&old, p, NoteKind::Note, "Anteckning")
                .await
                .unwrap();
            people.push(p);
        }
        s.attach_document(
            &old,
            people[0],
            DocumentKind::Underlag,
            "a.pdf",
            "application/pdf",
            b"%PDF-1",
        )
        .await
        .unwrap();
        let h = s
            .register_household(&old, unit, &[(people[0], Role::Adult)], date(2019, 6, 1))
            .await
            .unwrap();
        let h_live = s
            .register_household(&old, unit, &[(people[2], Role::Adult)], date(2019, 6, 1))
            .await
            .unwrap();
        s.receive_application(&old, h_live, Month::new(2019, 6).unwrap(), date(2019, 6, 1))
            .await
            .unwrap();
        let recent = actor("2024-02-01T10:00:00Z");
        s.append_journal(&recent, people[3], NoteKind::Note, "Ny kontakt")
            .await
            .unwrap();

        let a = actor("2026-03-15T09:00:00Z");
        let before = counts(s).await;
        let report = s
            .gallring_report(&a, date(2026, 1, 1), GallringPolicy::default())
            .await
            .unwrap();
        assert_eq!(report.due, [people[0]]);
        assert_eq!(report.kept_for_research, [people[1]]);
        assert_eq!(report.kept_live, [people[2]]);
        // The dry run changed nothing but the audit trail.
        let after: Vec<_> = counts(s)
            .await
            .into_iter()
            .filter(|(t, _)| t != "audit_log")
            .collect();
        assert_eq!(
            after,
            before
                .into_iter()
                .filter(|(t, _)| t != "audit_log")
                .collect::<Vec<_>>()
        );
        // Five years minus a day: nobody is due yet.
        assert!(
            s.gallring_report(&a, date(2024, 5, 31), GallringPolicy::default())
                .await
                .unwrap()
                .due
                .is_empty()
        );

        let outcome = s.gallring_execute(&a, &report).await.unwrap();
        assert_eq!(
            (outcome.persons, outcome.notes, outcome.documents, outcome.facts),
            (1, 1, 1, 1)
        );
        // The household of the one gallrad person goes with them: it never applied, so no month to keep.
        assert_eq!((outcome.households, outcome.statistics), (1, 0));
        assert_eq!(
            count(
                s,
                &format!("SELECT COUNT(*) FROM persons WHERE id = {}", people[0].get())
            )
            .await,
            0
        );
        assert_eq!(count(s, "SELECT COUNT(*) FROM persons").await, 3);
        // The household's accounts stay; the audit trail records the run, naming nobody.
        assert_eq!(
            count(
                s,
                &format!("SELECT COUNT(*) FROM households WHERE id = {}", h.get())
            )
            .await,
            1
        );
        assert_eq!(
            count(
                s,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'gallring.execute' AND subject_person IS NULL"
            )
            .await,
            1
        );
        assert!(matches!(
            s.verify_audit_chain().await.unwrap(),
            AuditVerdict::Intact { .. }
        ));
        // A stale report deletes nothing.
        let mut stale = report.clone();
        stale.due.push(people[3]);
        assert!(matches!(
            s.gallring_execute(&a, &stale).await,
            Err(StoreError::Conflict(_))
        ));
        assert_eq!(count(s, "SELECT COUNT(*) FROM persons").await, 3);
    }

    pub async fn a_month_of_decisions_is_stored_all_or_nothing(s: &SqlStore) {
        let a = actor("2026-03-15T09:00:00Z");
        let mut batch = vec![];
        for i in 0..20_u16 {
            let (_, _, h) = household(s, &a, date(1980, 1, 6), i + 1).await;
            batch.push(MonthDecision {
                household: h,
                received_on: date(2026, 3, 2),
                decision: decision(&[4000 + i64::from(i)]),
            });
        }
        let audit_before = count(s, "SELECT COUNT(*) FROM audit_log").await;
        let ids = s.decide_month(&a, march(), &batch).await.unwrap();
        assert_eq!(ids.len(), 20);
        assert_eq!(
            count(s, "SELECT COUNT(*) FROM audit_log").await,
            audit_before + 20
        );
        let app = s.decision(&a, ids[3]).await.unwrap().application;
        let view = s.application(&a, app).await.unwrap();
        assert_eq!(
            (view.status, view.current_decision),
            (ApplicationStatus::Decided, Some(ids[3]))
        );
        // A second run for the same month fails on the first duplicate and writes nothing at all.
        let before = counts(s).await;
        let mut again = batch.clone();
        again.rotate_left(5);
        assert!(matches!(
            s.decide_month(&a, march(), &again).await,
            Err(StoreError::Duplicate(_))
        ));
        let mut unknown = batch.clone();
        unknown[11].household = HouseholdId(123_456);
        let e = s
            .decide_month(&a, Month::new(2026, 4).unwrap(), &unknown)
            .await
            .unwrap_err();
        assert!(
            matches!(
                e,
                StoreError::NotFound {
                    what: "hushåll",
                    id: 123_456
                }
            ),
            "{e}"
        );
        let mut bad = batch.clone();
        bad[7].decision.items[0].granted = Money::from_ore(-1);
        assert!(matches!(
            s.decide_month(&a, Month::new(2026, 4).unwrap(), &bad).await,
            Err(StoreError::Domain(_))
        ));
        assert_eq!(counts(s).await, before);
        assert!(matches!(
            s.verify_audit_chain().await.unwrap(),
            AuditVerdict::Intact { .. }
        ));
    }
}

/// Reliability: payment batches interrupted at every step, and a process killed mid-batch.
#[cfg(test)]
mod reliability {
    use std::collections::BTreeSet;
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};

    use domain::application::ApplicationStatus;
    use domain::payment::{BatchStatus, PaymentStatus};
    use domain::{Actor, BatchId, DecisionId};
    use jiff::civil::date;
    use norm::Month;
    use store::{AuditVerdict, FailPoints, MonthDecision, SqlStore, Store, StoreError};

    use super::cases::decided;
    use super::support::*;

    /// Runs `step` until it succeeds; an injected failure is retried, anything else fails the test.
    async fn retry<T, F: AsyncFnMut() -> Result<T, StoreError>>(
        mut step: F,
        injected: &mut Vec<&'static str>,
    ) -> T {
        for _ in 0..5 {
            match step().await {
                Ok(v) => return v,
                Err(StoreError::Injected(point)) => injected.push(point),
                Err(e) => panic!("unexpected error: {e}"),
            }
        }
        panic!("step kept failing")
    }

    /// The batch run: add three decisions, stop the second payment, approve, export; every step retried.
    async fn run_batch(s: &SqlStore, a: &Actor, ds: &[DecisionId], batch: BatchId) -> Vec<&'static str> {
        let mut injected = vec![];
        for d in ds {
            retry(async || s.add_to_batch(a, batch, *d).await, &mut injected).await;
        }
        let b = s.batch(a, batch).await.unwrap();
        let second = b.payments.iter().find(|p| p.decision == ds[1]).unwrap().id;
        retry(async || s.stop_payment(a, second).await, &mut injected).await;
        retry(async || s.approve_batch(a, batch, None).await, &mut injected).await;
        retry(async || s.export_batch(a, batch).await, &mut injected).await;
        retry(async || s.confirm_batch_paid(a, batch).await, &mut injected).await;
        injected
    }

    async fn assert_paid_exactly_once(s: &SqlStore, a: &Actor, ds: &[DecisionId], batch: BatchId) {
        let b = s.batch(a, batch).await.unwrap();
        assert_eq!(b.status, BatchStatus::Paid);
        assert_eq!(b.payments.len(), 3, "one payment per decided item");
        let per_decision: BTreeSet<DecisionId> = b.payments.iter().map(|p| p.decision).collect();
        assert_eq!(per_decision.len(), 3);
        assert_eq!(b.total_payable().unwrap(), kr(5000 + 7000));
        for (d, status, app_status) in [
            (ds[0], PaymentStatus::Exported, ApplicationStatus::Paid),
            (ds[1], PaymentStatus::Stopped, ApplicationStatus::Decided),
            (ds[2], PaymentStatus::Exported, ApplicationStatus::Paid),
        ] {
            assert_eq!(
                b.payments.iter().find(|p| p.decision == d).unwrap().status,
                status
            );
            let app = s.decision(a, d).await.unwrap().application;
            assert_eq!(s.application(a, app).await.unwrap().status, app_status);
        }
        assert_eq!(
            count(s, "SELECT COUNT(*) FROM decisions").await,
            3,
            "no decision lost"
        );
        assert!(matches!(
            s.verify_audit_chain().await.unwrap(),
            AuditVerdict::Intact { .. }
        ));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_batch_interrupted_at_every_step_pays_exactly_once() {
        let a = actor("2026-03-15T09:00:00Z");
        // First a clean run, to learn every fail point the batch passes.
        let fp = FailPoints::recording();
        let db = sqlite(fp.clone()).await;
        let ds = decided(&db.store, &a, &[5000, 6000, 7000]).await;
        let batch = db
            .store
            .create_payment_batch(&a, date(2026, 3, 25))
            .await
            .unwrap();
        assert!(run_batch(&db.store, &a, &ds, batch).await.is_empty());
        assert_paid_exactly_once(&db.store, &a, &ds, batch).await;
        db.finish().await;
        let points: BTreeSet<&'static str> = fp.seen().into_iter().collect();
        assert!(points.len() >= 10, "{points:?}");

        // Then one run per point (and backend) with a failure injected there.
        for point in points {
            let fps: std::sync::Mutex<Vec<FailPoints>> = Default::default();
            let dbs = backends_with(|| {
                let f = FailPoints::default();
                fps.lock().unwrap().push(f.clone());
                f
            })
            .await;
            for (db, fp) in dbs.into_iter().zip(fps.into_inner().unwrap()) {
                let s = &db.store;
                let ds = decided(s, &a, &[5000, 6000, 7000]).await;
                let batch = s.create_payment_batch(&a, date(2026, 3, 25)).await.unwrap();
                fp.arm(point);
                let injected = run_batch(s, &a, &ds, batch).await;
                assert_eq!(injected, [point], "the failure at {point} was injected once");
                assert_paid_exactly_once(s, &a, &ds, batch).await;
                db.finish().await;
            }
        }
    }

    const CHILD_DB: &str = "STEGVIS_TEST_CHILD_DB";
    const CHILD_BATCH: &str = "STEGVIS_TEST_CHILD_BATCH";

    /// Not a test on its own: the child process of `a_process_killed_mid_batch_loses_nothing`, which runs this
    /// binary again with only this test selected and the database in the environment.
    #[tokio::test]
    #[ignore = "run as a child process by a_process_killed_mid_batch_loses_nothing"]
    async fn child_adds_every_decision_to_the_batch() {
        let (Ok(url), Ok(batch)) = (std::env::var(CHILD_DB), std::env::var(CHILD_BATCH)) else {
            return;
        };
        let s = SqlStore::connect(&url).await.unwrap();
        let a = actor("2026-03-20T09:00:00Z");
        let batch = BatchId(batch.parse().unwrap());
        let ids = sqlx::query_scalar::<_, i64>("SELECT id FROM decisions ORDER BY id")
            .fetch_all(s.pool())
            .await
            .unwrap();
        let mut out = std::io::stdout();
        for (n, id) in ids.into_iter().enumerate() {
            let paid = s.add_to_batch(&a, batch, DecisionId(id)).await.unwrap();
            assert_eq!(paid.len(), 1);
            writeln!(out, "added {}", n + 1).unwrap();
            out.flush().unwrap();
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_process_killed_mid_batch_loses_nothing() {
        const N: usize = 300;
        let db = sqlite(FailPoints::default()).await;
        let s = &db.store;
        let a = actor("2026-03-15T09:00:00Z");
        let mut month = vec![];
        for i in 0..N {
            let (_, _, h) = household(s, &a, date(1980, 1, 6), u16::try_from(i + 1).unwrap()).await;
            month.push(MonthDecision {
                household: h,
                received_on: date(2026, 3, 2),
                decision: decision(&[4000 + i64::try_from(i).unwrap()]),
            });
        }
        let ds = s
            .decide_month(&a, Month::new(2026, 3).unwrap(), &month)
            .await
            .unwrap();
        let batch = s.create_payment_batch(&a, date(2026, 3, 25)).await.unwrap();
        let url = s.pool().connect_options().database_url.to_string();

        // Kill the child three times at different points, then let a fourth run finish.
        let mut kills = 0;
        for kill_after in [10, 60, 150, usize::MAX] {
            let mut child = Command::new(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "reliability::child_adds_every_decision_to_the_batch",
                    "--ignored",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(CHILD_DB, &url)
                .env(CHILD_BATCH, batch.get().to_string())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let stdout = child.stdout.take().unwrap();
            let mut killed = false;
            for line in BufReader::new(stdout).lines() {
                let line = line.unwrap();
                if line
                    .strip_prefix("added ")
                    .and_then(|n| n.parse::<usize>().ok())
                    .is_some_and(|n| n >= kill_after)
                {
                    child.kill().unwrap(); // SIGKILL: no cleanup, possibly mid-transaction
                    killed = true;
                    break;
                }
            }
            let status = child.wait().unwrap();
            if killed {
                kills += 1;
                assert!(!status.success());
                // After each kill: at most one payment per decision, no decision lost, the chain intact.
                let pairs = count(s, "SELECT COUNT(DISTINCT decision_id) FROM payments").await;
                assert_eq!(count(s, "SELECT COUNT(*) FROM payments").await, pairs);
                assert!(pairs >= i64::try_from(kill_after).unwrap());
                assert_eq!(
                    count(s, "SELECT COUNT(*) FROM decisions").await,
                    i64::try_from(N).unwrap()
                );
                assert!(matches!(
                    s.verify_audit_chain().await.unwrap(),
                    AuditVerdict::Intact { .. }
                ));
            } else {
                assert!(status.success(), "the last run completes");
            }
        }
        assert_eq!(kills, 3);
        let b = s.batch(&a, batch).await.unwrap();
        assert_eq!(b.payments.len(), N);
        let paid: BTreeSet<DecisionId> = b.payments.iter().map(|p| p.decision).collect();
        assert_eq!(paid, ds.iter().copied().collect());
        let expected: i64 = (0..N).map(|i| 4000 + i64::try_from(i).unwrap()).sum();
        assert_eq!(b.total_payable().unwrap(), kr(expected));
        s.approve_batch(&a, batch, None).await.unwrap();
        assert_eq!(
            s.export_batch(&a, batch).await.unwrap().total_payable().unwrap(),
            kr(expected)
        );
        db.finish().await;
    }
}

/// The embedded default also works fully in memory (one connection, as every connection would open its own).
#[cfg(test)]
#[tokio::test]
async fn an_in_memory_store_keeps_its_data_across_calls() {
    use store::{AuditVerdict, SqlStore, Store};
    let s = SqlStore::connect("sqlite::memory:").await.unwrap();
    let a = support::actor("2026-03-15T09:00:00Z");
    let unit = s.create_unit(&a, "Enhet").await.unwrap();
    s.create_staff(&a, unit, "Handläggare", domain::role::Role::Caseworker)
        .await
        .unwrap();
    assert_eq!(
        s.verify_audit_chain().await.unwrap(),
        AuditVerdict::Intact { records: 2 }
    );
}

#[path = "conformance/accounts.rs"]
mod accounts;
#[path = "conformance/applicant_view.rs"]
mod applicant_view;
#[path = "conformance/attachments.rs"]
mod attachments;
#[path = "conformance/audit_search.rs"]
mod audit_search;
#[path = "conformance/batches.rs"]
mod batches;
#[path = "conformance/case_file.rs"]
mod case_file;
#[path = "conformance/checkpoints.rs"]
mod checkpoints;
#[path = "conformance/citizen_sign_in.rs"]
mod citizen_sign_in;
#[path = "conformance/external_sign_in.rs"]
mod external_sign_in;
#[path = "conformance/gallring.rs"]
mod gallring;
#[path = "conformance/intake.rs"]
mod intake;
#[path = "conformance/investigation.rs"]
mod investigation;
#[path = "conformance/payment_runs.rs"]
mod payment_runs;
#[path = "conformance/progression.rs"]
mod progression;
#[path = "conformance/progression_import.rs"]
mod progression_import;
#[path = "conformance/queue.rs"]
mod queue;
#[path = "conformance/receipts.rs"]
mod receipts;
#[path = "conformance/reconsideration.rs"]
mod reconsideration;
