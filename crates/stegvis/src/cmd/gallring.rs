//! `stegvis gallring`: who is due for deletion under SoL 16 kap. on a date (dry run), and with `--execute` the
//! deletion of exactly that set: persons, their households' case files (kept as statistics rows) and the content of
//! old log records about them. Both are audited, with counts only.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use domain::Actor;
use jiff::Timestamp;
use jiff::civil::Date;
use store::{GallringPolicy, SqlStore, Store};

#[derive(Debug, clap::Args)]
pub struct GallringArgs {
    /// Datum gallringen avser (ÅÅÅÅ-MM-DD)
    #[arg(long)]
    date: Date,
    /// Radera på riktigt (annars bara en rapport)
    #[arg(long)]
    execute: bool,
    /// Hur många år loggposter om en gallrad person sparas innan deras innehåll tas bort
    #[arg(long, default_value_t = domain::gallring::DEFAULT_LOG_RETENTION_YEARS)]
    logg_ar: i64,
    /// Databas-URL (sqlite://SÖKVÄG eller postgres://...)
    #[arg(long, default_value = super::audit::DEFAULT_DB)]
    db: String,
}

/// The instant recorded in the audit trail for this run: the command line is where real time enters.
#[expect(
    clippy::disallowed_methods,
    reason = "the CLI is the edge where the clock is read, once per run"
)]
fn now() -> Timestamp {
    Timestamp::now()
}

pub fn run(args: GallringArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("kunde inte starta körmiljön")?;
    let page = if args.execute {
        "cli/gallring/execute"
    } else {
        "cli/gallring/report"
    };
    let actor = Actor::system("gallring", page, now());
    let mut out = std::io::stdout().lock();
    runtime.block_on(async {
        let store = SqlStore::connect(&args.db)
            .await
            .context("kunde inte öppna databasen")?;
        let report = store
            .gallring_report(
                &actor,
                args.date,
                GallringPolicy {
                    log_retention_years: args.logg_ar,
                },
            )
            .await
            .context("gallringsrapporten misslyckades")?;
        writeln!(out, "Gallring per {} (SoL 16 kap.)", report.on)?;
        writeln!(out, "  ska gallras:                 {}", report.due.len())?;
        writeln!(
            out,
            "  sparas, forskningsurval:     {}",
            report.kept_for_research.len()
        )?;
        writeln!(out, "  sparas, pågående ärende:     {}", report.kept_live.len())?;
        writeln!(out, "  hushåll att gallra:          {}", report.households.len())?;
        writeln!(
            out,
            "  loggposter att tömma:        {} i ändringsloggen, {} i läsloggen (äldre än {} år)",
            report.change_records, report.read_records, report.policy.log_retention_years
        )?;
        let ids: Vec<String> = report.due.iter().map(ToString::to_string).collect();
        writeln!(
            out,
            "  person-id: {}",
            if ids.is_empty() {
                "-".to_owned()
            } else {
                ids.join(", ")
            }
        )?;
        if args.execute {
            let done = store
                .gallring_execute(&actor, &report)
                .await
                .context("gallringen misslyckades")?;
            writeln!(
                out,
                "Raderat: {} personer, {} journalanteckningar, {} dokument, {} uppgifter, {} konton",
                done.persons, done.notes, done.documents, done.facts, done.accounts
            )?;
            writeln!(
                out,
                "Gallrat: {} hushåll ({} månader sparade som statistik), {} + {} loggposter tömda",
                done.households, done.statistics, done.change_records, done.read_records
            )?;
        } else {
            writeln!(
                out,
                "Provkörning: inget raderat. Kör med --execute för att radera."
            )?;
        }
        store.close().await;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}
