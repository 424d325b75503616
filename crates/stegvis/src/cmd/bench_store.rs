//! `stegvis bench-store`: how long storing a month's decisions takes, on SQLite or PostgreSQL, against the naive
//! one-transaction-per-step baseline (see docs/benchmarks.md).

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;

#[derive(Debug, clap::Args)]
pub struct BenchStoreArgs {
    /// Antal hushåll
    #[arg(long, default_value_t = 1000)]
    households: usize,
    /// Tom: en tillfällig SQLite-fil. postgres://...: en tillfällig databas på den servern (skapas och tas bort).
    #[arg(long)]
    db: Option<String>,
}

pub fn run(args: BenchStoreArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("kunde inte starta körmiljön")?;
    let r = runtime
        .block_on(store::bench::run(args.db.as_deref(), args.households))
        .context("mätningen misslyckades")?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "backend:            {:?}", r.backend)?;
    writeln!(out, "households:         {}", r.households)?;
    writeln!(out, "setup (not timed):  {:.3} s", r.setup_secs)?;
    writeln!(
        out,
        "decide_month:       {:.3} s  (one transaction, application + decision + audit each)",
        r.month_secs
    )?;
    writeln!(
        out,
        "naive baseline:     {:.3} s  (receive, investigate, decide: 3 transactions each)",
        r.naive_secs
    )?;
    writeln!(
        out,
        "audit verify:       {:.3} s  ({} records)",
        r.verify_secs, r.audit_records
    )?;
    Ok(ExitCode::SUCCESS)
}
