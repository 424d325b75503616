//! `stegvis demo`: build the synthetic municipality into an embedded SQLite file (or reuse it) and serve the
//! application with the demo accounts.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
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
    let reused = args.db.exists();
    if reused {
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
    let (checkpoint_dir, checkpoint_key) = demo_checkpoints(&args.db, !reused)?;
    let config = web::Config {
        listen: SocketAddr::from(([127, 0, 0, 1], args.port)),
        database_url: url,
        // Plain HTTP on loopback: a Secure cookie would never be sent back.
        secure_cookies: false,
        demo_mode: true,
        audit_checkpoint_dir: Some(checkpoint_dir),
        audit_checkpoint_key: Some(checkpoint_key),
        // Illustrative rent ceilings, so the demo shows how a guideline meets a high rent.
        guidelines: web::config::demo_guidelines(),
        municipality: web::config::demo_municipality(),
        ..web::Config::default()
    };
    serve::serve(config).map(|()| ExitCode::SUCCESS)
}

/// The demo signs its audit checkpoints with a key of its own beside the database (`X-checkpoint.key`, made on
/// first use) and appends them in a directory beside it (`X-checkpoints/`). A real server keeps both where the
/// database's user cannot rewrite them; on a demo machine that is the same user, which is fine for showing it.
/// A newly built town has new chains, so checkpoints left from an earlier demo database are removed (`fresh`).
fn demo_checkpoints(db: &Path, fresh: bool) -> Result<(PathBuf, PathBuf)> {
    let beside = |suffix: &str| {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    let (dir, key) = (beside("-checkpoints"), beside("-checkpoint.key"));
    std::fs::create_dir_all(&dir).with_context(|| format!("kunde inte skapa {}", dir.display()))?;
    let old = app::checkpoints::CheckpointDir::new(&dir).file();
    if fresh && old.exists() {
        std::fs::remove_file(&old).with_context(|| format!("kunde inte ta bort {}", old.display()))?;
    }
    if !key.exists() {
        app::checkpoints::create_key(&key).context("kunde inte skapa demots signeringsnyckel")?;
        eprintln!(
            "kontrollpunkterna signeras med {} (publik nyckel: {})",
            key.display(),
            app::checkpoints::public_key_path(&key).display()
        );
    }
    Ok((dir, key))
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
