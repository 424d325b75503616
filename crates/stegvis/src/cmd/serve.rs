//! `stegvis serve`: load the configuration and serve the web application until Ctrl-C.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
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
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        let store = store::SqlStore::connect(&config.database_url)
            .await
            .context("cannot open the database")?;
        let app = app::App {
            store,
            clock: super::clock::from_env()?,
            policy: config.policy(),
        };
        let address = listener.local_addr()?;
        tracing::info!(%address, "serving");
        eprintln!("stegvis: http://{address}/");
        let state = AppState::new(config, app).context("preparing the OpenID Connect client")?;
        let app = web::router(Arc::new(state));
        // The peer's address reaches the handlers (sign-in throttling per client address; see `trusted_proxies`
        // for a server behind a reverse proxy).
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            // If the signal handler cannot be installed we simply run until killed.
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("serving")
    })
}
