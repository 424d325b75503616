//! The applicant's use cases over a real store (SQLite always, PostgreSQL too when `TEST_DATABASE_URL` is set):
//! Mina sidor, a decision and its letter follow membership month by month, and refusals are recorded.

use std::collections::BTreeSet;
use std::sync::Arc;

use app::access::Denied;
use app::{Actor, App, AppError, FixedClock, Policy};
use domain::decision::{DecisionItem, NewDecision, Outcome};
use domain::fact::{FactValue, Validity};
use domain::role::Role;
use domain::{DecisionId, PersonId, ProtectedIdentity};
use jiff::SignedDuration;
use jiff::civil::date;
use norm::Month;
use norm::contract::Role as MemberRole;
use sqlx::{Connection, Executor};
use store::{NewPerson, SqlStore, Store};

/// Where a test's database is, to drop it afterwards.
enum Db {
    File(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

impl Db {
    async fn drop_it(self) {
        match self {
            Db::File(path) => {
                for suffix in ["", "-wal", "-shm", "-readlog", "-readlog-wal", "-readlog-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Db::Postgres { admin_url, name } => {
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

/// A fresh store per backend: SQLite always, PostgreSQL when `TEST_DATABASE_URL` is set.
async fn stores() -> Vec<(SqlStore, Db)> {
    let path = std::env::temp_dir().join(format!("stegvis-app-{}.db", uuid::Uuid::new_v4().simple()));
    let sqlite = SqlStore::connect(&format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .unwrap();
    let mut out = vec![(sqlite, Db::File(path))];
    if let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") {
        sqlx::any::install_default_drivers();
        let name = format!("t_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::AnyConnection::connect(&admin_url).await.unwrap();
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap();
        admin.close().await.unwrap();
        let (base, _) = admin_url.rsplit_once('/').unwrap();
        let store = SqlStore::connect(&format!("{base}/{name}")).await.unwrap();
        out.push((store, Db::Postgres { admin_url, name }));
    }
    out
}

fn policy() -> Policy {
    Policy {
        throttle: app::auth::Throttle {
            max_failures: 5,
            window: SignedDuration::from_mins(15),
            max_delay: SignedDuration::from_mins(15),
        },
        session_idle: SignedDuration::from_mins(30),
        session_absolute: SignedDuration::from_hours(12),
        demo_mode: false,
        second_person_above: norm::Money::ZERO,
    }
}

fn applicant(person: PersonId) -> Actor {
    Actor {
        account_id: 100 + person.get(),
        username: format!("p{person}"),
        display_name: "Sökande".into(),
        role: Role::Applicant,
        staff: None,
        person: Some(person),
        units: BTreeSet::new(),
        protected_grants: BTreeSet::new(),
    }
}

fn item(kr: i64) -> NewDecision {
    let amount = norm::Money::from_kronor(kr).unwrap();
    NewDecision {
        deductions: Default::default(),
        items: vec![DecisionItem {
            purpose: Default::default(),
            what: "Försörjningsstöd".into(),
            outcome: Outcome::Bifall,
            applied: amount,
            granted: amount,
            reasons: "Beräknat enligt riksnormen".into(),
            legal_basis: "SoL 12:1".into(),
        }],
        calculation: None,
        replaces: None,
    }
}

/// Anna has been a member since 1 January; Bo joined on 1 March. February and March are decided.
async fn household(s: &SqlStore) -> (PersonId, PersonId, DecisionId, DecisionId) {
    let a = store::system_actor("test", "setup", "2026-03-20T08:00:00Z".parse().unwrap());
    let unit = s.create_unit(&a, "Team Nord").await.unwrap();
    let mut people = Vec::new();
    for (pnr, name) in [("19800517-1239", "Anna Först"), ("19910202-0022", "Bo Sen")] {
        people.push(
            s.register_person(
                &a,
                NewPerson::parse(pnr, name, ProtectedIdentity::None, date(2026, 3, 20)).unwrap(),
            )
            .await
            .unwrap(),
        );
    }
    let (anna, bo) = (people[0], people[1]);
    let h = s
        .register_household(&a, unit, &[(anna, MemberRole::Adult)], date(2026, 1, 1))
        .await
        .unwrap();
    s.record_fact(
        &a,
        h,
        FactValue::Member {
            person: bo,
            role: MemberRole::Adult,
        },
        Validity::open(date(2026, 3, 1)),
    )
    .await
    .unwrap();
    let mut decided = Vec::new();
    for m in [2, 3] {
        let app = s
            .receive_application(&a, h, Month::new(2026, m).unwrap(), date(2026, 3, 2))
            .await
            .unwrap();
        let app = s.start_investigation(&a, app.id, app.version).await.unwrap();
        decided.push(s.decide(&a, app.id, app.version, item(8000)).await.unwrap().id);
    }
    (anna, bo, decided[0], decided[1])
}

async fn denials(s: &SqlStore) -> i64 {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'access.denied'")
        .fetch_one(s.pool())
        .await
        .unwrap();
    sqlx::Row::try_get(&row, "n").unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_applicant_reads_the_months_of_their_membership() {
    for (store, db) in stores().await {
        let app = App::new(
            store.clone(),
            Arc::new(FixedClock::new("2026-03-20T09:00:00Z".parse().unwrap())),
            policy(),
        );
        let (anna, bo, february, march) = household(&store).await;

        // Bo's pages: March only (he joined on 1 March), with both of that month's members.
        let mine = app.my_pages(&applicant(bo)).await.unwrap();
        let months: Vec<(String, Vec<String>)> = mine
            .months
            .iter()
            .map(|m| {
                (
                    m.application.month.to_string(),
                    m.members
                        .iter()
                        .map(|p| p.person.as_ref().unwrap().name.clone())
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            months,
            [(
                "2026-03".to_owned(),
                vec!["Anna Först".to_owned(), "Bo Sen".to_owned()]
            )]
        );
        // Anna's: both months; in February she was the only member.
        let annas = app.my_pages(&applicant(anna)).await.unwrap();
        assert_eq!(annas.months.len(), 2);
        assert_eq!(annas.months[0].members.len(), 1);

        // February's decision is refused to Bo exactly like one that does not exist, and both are recorded.
        let before = denials(&store).await;
        let refused = app.decision(&applicant(bo), february).await.unwrap_err();
        let missing = app
            .decision(&applicant(bo), DecisionId(march.get() + 50))
            .await
            .unwrap_err();
        assert!(matches!(refused, AppError::Denied(Denied::Role)), "{refused}");
        assert!(matches!(missing, AppError::Denied(Denied::Role)), "{missing}");
        assert!(matches!(
            app.decision_letter(&applicant(bo), february).await,
            Err(AppError::Denied(Denied::Role))
        ));
        assert_eq!(denials(&store).await, before + 3);

        // March is his: the decision, served on opening, and the letter to that month's adults.
        let d = app.decision(&applicant(bo), march).await.unwrap();
        assert_eq!(d.served_on, Some(date(2026, 3, 20)));
        let letter = app.decision_letter(&applicant(bo), march).await.unwrap();
        assert_eq!(letter.month, Some(Month::new(2026, 3).unwrap()));
        assert_eq!(letter.unit, "Team Nord");
        let names: Vec<&str> = letter.addressees.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Anna Först", "Bo Sen"]);
        // February's letter, read by Anna, names February's adults: Anna alone.
        let letter = app.decision_letter(&applicant(anna), february).await.unwrap();
        let names: Vec<&str> = letter.addressees.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Anna Först"]);
        // Someone who never belonged to the household reads none of it.
        let stranger = PersonId(bo.get() + 1000);
        assert!(
            app.my_pages(&applicant(stranger))
                .await
                .unwrap()
                .months
                .is_empty()
        );
        assert!(app.decision(&applicant(stranger), march).await.is_err());
        store.close().await;
        db.drop_it().await;
    }
}
