//! The store benchmark behind `stegvis bench-store`: a month's decisions for N households, stored the way the
//! system does it (one transaction, `Store::decide_month`) and the naive way (each use case on its own: receive,
//! investigate, decide, three transactions per household). Both write the same rows and audit records.

use std::time::Instant;

use domain::decision::{DecisionItem, NewDecision, Outcome};
use domain::{Actor, HouseholdId, Personnummer, ProtectedIdentity, StaffId};
use jiff::Timestamp;
use jiff::civil::date;
use norm::contract::Role;
use norm::{Money, Month};
use sqlx::{Connection, Executor};

use crate::Store;
use crate::error::{Result, StoreError};
use crate::model::{AuditVerdict, MonthDecision, NewPerson};
use crate::sql::{Backend, SqlStore};

/// The measured figures, in seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchReport {
    pub backend: Backend,
    pub households: usize,
    /// Setting up the households (not part of the measurement).
    pub setup_secs: f64,
    /// `decide_month`: one transaction, application + decision + audit record per household.
    pub month_secs: f64,
    /// The naive baseline: receive, investigate and decide as three transactions per household.
    pub naive_secs: f64,
    /// Verifying the whole audit chain afterwards.
    pub verify_secs: f64,
    pub audit_records: i64,
}

/// A fixed instant: benchmark data is synthetic and must not depend on the clock.
fn at() -> Result<Timestamp> {
    "2026-03-15T09:00:00Z".parse().map_err(StoreError::corrupt)
}

/// A valid synthetic personnummer: birth date from `i`, serial from `i`.
fn synthetic_pnr(i: usize) -> Result<Personnummer> {
    let day = i8::try_from(i % 28 + 1).map_err(StoreError::corrupt)?;
    let month = i8::try_from(i / 28 % 12 + 1).map_err(StoreError::corrupt)?;
    let year = 1950 + i16::try_from(i / 336 % 50).map_err(StoreError::corrupt)?;
    let serial = i % 1000;
    let body = format!("{:02}{month:02}{day:02}{serial:03}", year % 100);
    let sum: u32 = body
        .chars()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(k, d)| {
            let p = d * if k % 2 == 0 { 2 } else { 1 };
            p / 10 + p % 10
        })
        .sum();
    let check = (10 - sum % 10) % 10;
    Personnummer::from_canonical(&format!("{year:04}{month:02}{day:02}{serial:03}{check}"))
        .map_err(StoreError::corrupt)
}

fn month_decision(i: usize) -> Result<NewDecision> {
    let amount = Money::from_kronor(4000 + i64::try_from(i % 5000).map_err(StoreError::corrupt)?)
        .map_err(StoreError::corrupt)?;
    Ok(NewDecision {
        deductions: Default::default(),
        items: vec![DecisionItem {
            purpose: Default::default(),
            what: "Försörjningsstöd".into(),
            outcome: Outcome::Bifall,
            applied: amount,
            granted: amount,
            reasons: "Beräknat enligt riksnormen och skäliga kostnader".into(),
            legal_basis: "SoL 12:1".into(),
        }],
        calculation: None,
        replaces: None,
    })
}

/// A fresh database for the run: a temporary SQLite file, or a scratch database on the PostgreSQL server of
/// `base_url` (created and dropped here).
enum Scratch {
    File(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

async fn scratch(base_url: Option<&str>) -> Result<(String, Scratch)> {
    let tag = std::process::id();
    match base_url {
        Some(url) if Backend::from_url(url)? == Backend::Postgres => {
            sqlx::any::install_default_drivers();
            let name = format!("stegvis_bench_{tag}");
            let mut admin = sqlx::AnyConnection::connect(url).await?;
            admin
                .execute(format!("DROP DATABASE IF EXISTS {name}").as_str())
                .await?;
            admin.execute(format!("CREATE DATABASE {name}").as_str()).await?;
            admin.close().await?;
            let (base, _) = url.rsplit_once('/').ok_or(StoreError::UnknownBackend)?;
            Ok((
                format!("{base}/{name}"),
                Scratch::Postgres {
                    admin_url: url.to_owned(),
                    name,
                },
            ))
        }
        _ => {
            let path = std::env::temp_dir().join(format!("stegvis-bench-{tag}.sqlite"));
            let _ = std::fs::remove_file(&path);
            Ok((
                format!("sqlite://{}?mode=rwc", path.display()),
                Scratch::File(path),
            ))
        }
    }
}

async fn drop_scratch(s: Scratch) -> Result<()> {
    match s {
        Scratch::File(path) => {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
        Scratch::Postgres { admin_url, name } => {
            let mut admin = sqlx::AnyConnection::connect(&admin_url).await?;
            admin
                .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await?;
            admin.close().await?;
        }
    }
    Ok(())
}

async fn households(s: &SqlStore, actor: &Actor, n: usize) -> Result<Vec<HouseholdId>> {
    let unit = s.create_unit(actor, "Bench").await?;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let pnr = synthetic_pnr(i)?;
        let person = s
            .register_person(
                actor,
                NewPerson {
                    pnr,
                    name: format!("Person {i}"),
                    protection: ProtectedIdentity::None,
                },
            )
            .await?;
        out.push(
            s.register_household(actor, unit, &[(person, Role::Adult)], date(2026, 1, 1))
                .await?,
        );
    }
    Ok(out)
}

/// Runs the benchmark on a fresh database (see [`BenchReport`]).
pub async fn run(base_url: Option<&str>, n: usize) -> Result<BenchReport> {
    let (url, scratch_db) = scratch(base_url).await?;
    let result = measure(&url, n).await;
    drop_scratch(scratch_db).await?;
    result
}

async fn measure(url: &str, n: usize) -> Result<BenchReport> {
    let s = SqlStore::connect(url).await?;
    let actor = Actor::staff(StaffId(1), "bench", at()?);
    let t = Instant::now();
    let hs = households(&s, &actor, n).await?;
    let setup_secs = t.elapsed().as_secs_f64();

    let march = Month::new(2026, 3).map_err(StoreError::corrupt)?;
    let month: Vec<MonthDecision> = hs
        .iter()
        .enumerate()
        .map(|(i, h)| {
            Ok(MonthDecision {
                household: *h,
                received_on: date(2026, 3, 2),
                decision: month_decision(i)?,
            })
        })
        .collect::<Result<_>>()?;
    let t = Instant::now();
    let ids = s.decide_month(&actor, march, &month).await?;
    let month_secs = t.elapsed().as_secs_f64();
    if ids.len() != n {
        return Err(StoreError::Corrupt(format!(
            "{} beslut i stället för {n}",
            ids.len()
        )));
    }

    let april = Month::new(2026, 4).map_err(StoreError::corrupt)?;
    let t = Instant::now();
    for (i, h) in hs.iter().enumerate() {
        let app = s.receive_application(&actor, *h, april, date(2026, 4, 2)).await?;
        let app = s.start_investigation(&actor, app.id, app.version).await?;
        s.decide(&actor, app.id, app.version, month_decision(i)?).await?;
    }
    let naive_secs = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let verdict = s.verify_audit_chain().await?;
    let verify_secs = t.elapsed().as_secs_f64();
    let audit_records = match verdict {
        AuditVerdict::Intact { records } => records,
        AuditVerdict::Broken { seq, reason } => {
            return Err(StoreError::Corrupt(format!(
                "granskningskedjan bruten vid {seq}: {reason}"
            )));
        }
    };
    let backend = s.backend();
    s.close().await;
    Ok(BenchReport {
        backend,
        households: n,
        setup_secs,
        month_secs,
        naive_secs,
        verify_secs,
        audit_records,
    })
}
