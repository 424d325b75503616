//! `stegvis demo`: build the synthetic municipality into an embedded SQLite file (or reuse it) and serve the
//! application with the demo accounts.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use app::seed::{DEMO_APPLICANTS, DEMO_STAFF_ACCOUNTS};
use store::{AccountStore, SqlStore};

use super::{build_town, serve};

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// The SQLite file; built if missing, reused if it exists.
    #[arg(long, default_value = "stegvis-demo.sqlite")]
    db: PathBuf,
    /// Port on 127.0.0.1.
    #[arg(long, default_value_t = 8080)]
    port: u16,
}

pub fn run(args: DemoArgs) -> Result<ExitCode> {
    let clock = super::clock::from_env()?;
    let url = build_town::sqlite_url(&args.db);
    if args.db.exists() {
        eprintln!("återanvänder {}", args.db.display());
        check_is_demo(&url)?;
    } else {
        let started = std::time::Instant::now();
        let (today, _) = build_town::today(clock.as_ref());
        let config = synth::Config::kristianstad(build_town::month_of(today)?);
        let report = build_town::build_sqlite(&args.db, &config, clock.as_ref())?;
        build_town::print_report(&report);
        eprintln!("demokommunen byggdes på {:.1} s", started.elapsed().as_secs_f64());
    }
    eprintln!("Demokonton (lösenord: demo):");
    for (username, role) in DEMO_STAFF_ACCOUNTS {
        eprintln!("  {username:<12} {}", role.label_sv());
    }
    for n in 1..=DEMO_APPLICANTS {
        eprintln!("  sokande{n:<5} Sökande");
    }
    let config = web::Config {
        listen: SocketAddr::from(([127, 0, 0, 1], args.port)),
        database_url: url,
        // Plain HTTP on loopback: a Secure cookie would never be sent back.
        secure_cookies: false,
        demo_mode: true,
        ..web::Config::default()
    };
    serve::serve(config).map(|()| ExitCode::SUCCESS)
}

/// A reused file must be a demo database: it has the demo caseworker account.
fn check_is_demo(url: &str) -> Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("kunde inte starta körmiljön")?;
    runtime.block_on(async {
        let store = SqlStore::connect(url)
            .await
            .context("kunde inte öppna databasen")?;
        let found = store.account_by_username("handlaggare").await?;
        store.close().await;
        if found.is_none() {
            bail!("databasen är ingen demodatabas (kontot handlaggare saknas); välj en annan fil med --db");
        }
        Ok(())
    })
}
