//! `stegvis serve`: load the configuration and serve the web application until Ctrl-C, taking checkpoints of the
//! audit chains at start, every `audit_checkpoint_minutes` and at shutdown.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use app::checkpoints::Anchor;
use web::Config;
use web::router::AppState;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Configuration file (TOML); see stegvis.example.toml. Environment variables STEGVIS_* override it.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

pub fn run(args: &ServeArgs) -> Result<()> {
    let config = Config::load(args.config.as_deref(), &|name| std::env::var(name).ok())?;
    serve(config)
}

/// Serve with an already loaded configuration (also used by `stegvis demo`).
pub fn serve(config: Config) -> Result<()> {
    let anchor = config
        .checkpoint_anchor()
        .context("audit_checkpoint_key: cannot read the checkpoint signing key")?;
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        let store = store::SqlStore::connect_with(store::StoreConfig {
            max_connections: config.database_max_connections,
            sqlite_cache_kib: config.sqlite_cache_kib,
            sqlite_mmap_mib: config.sqlite_mmap_mib,
            ..store::StoreConfig::new(config.database_url.clone())
        })
            .await
            .context("cannot open the database")?;
        let app = app::App::new(store, super::clock::from_env()?, config.policy())
            .with_guidelines(config.guidelines.clone())
            .with_requirements(config.aktivitetskrav.requirements());
        let every = Duration::from_secs(u64::from(config.audit_checkpoint_minutes) * 60);
        let checkpoints = match &anchor {
            // A checkpoint directory that cannot be written stops the start, rather than running unanchored.
            Some(anchor) => {
                super::audit::take_checkpoint(&app, anchor).await?;
                Some(tokio::spawn(every_interval(app.clone(), anchor.clone(), every)))
            }
            None => {
                tracing::warn!(
                    "audit checkpoints are off: set audit_checkpoint_dir and audit_checkpoint_key (see \
                     stegvis.example.toml); without them a rewritten audit chain cannot be told from a true one"
                );
                None
            }
        };
        let address = listener.local_addr()?;
        tracing::info!(%address, "serving");
        eprintln!("stegvis: http://{address}/");
        let state = AppState::new(config, app.clone()).context("preparing the OpenID Connect client")?;
        let router = web::router(Arc::new(state));
        // The peer's address reaches the handlers (sign-in throttling per client address; see `trusted_proxies`
        // for a server behind a reverse proxy).
        let served = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            // If the signal handler cannot be installed we simply run until killed.
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("serving");
        if let (Some(task), Some(anchor)) = (checkpoints, &anchor) {
            task.abort();
            // The last word before stopping: whatever was logged since the last checkpoint is anchored too.
            super::audit::take_checkpoint(&app, anchor).await?;
        }
        served
    })
}

/// Takes a checkpoint every `every` (the first after one interval: one was just taken at start). A failure is
/// logged and tried again at the next tick; the server keeps serving.
async fn every_interval(app: app::App, anchor: Anchor, every: Duration) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(e) = super::audit::take_checkpoint(&app, &anchor).await {
            tracing::error!(error = %format!("{e:#}"), "audit checkpoint failed");
        }
    }
}
