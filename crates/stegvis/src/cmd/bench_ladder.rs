//! `stegvis bench ladder`: the board's ladder page (`/stegforflyttning`) for a town of a given size, against the
//! alternative a controller with database access would use: the transition matrix in SQL alone.
//!
//! Until the synthetic town stores its ladder (the seed's `import_progression`), the ladder data comes from a
//! bench-only generator written straight into a fresh SQLite file: adults on assistance (7 % of the inhabitants
//! over the years 2021-2026), periods on the default six-step ladder with quarterly assessments, step changes,
//! exits by reason, re-entries and one activity per period. An existing file is reused as it is (a town built by
//! `stegvis synth` once it has ladder data, or an earlier run's). Timed, each `--repeat` times (min and median):
//! the use case as a board member (the store's one statement, the analysis, suppression), the whole page (the use
//! case, its tables, charts and HTML), and the alternative: the range's summed transition matrix in one SQL
//! statement.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use app::domain::progression::analysis::Cohorts;
use app::ladder_stats::LadderStatsRequest;
use app::{App, FixedClock};
use norm::Month;
use store::SqlStore;
use store::ladder_bench;

#[derive(Debug, clap::Args)]
pub struct LadderBenchArgs {
    /// Inhabitants of the generated town (the demo town has 86,500).
    #[arg(long, default_value_t = 86_500)]
    inhabitants: u32,
    /// The SQLite file: generated when it does not exist, reused as it is when it does.
    #[arg(long)]
    db: PathBuf,
    /// Timed runs of each measurement.
    #[arg(long, default_value_t = 5)]
    repeat: usize,
    /// Seed of the generator.
    #[arg(long, default_value_t = 13)]
    seed: u64,
}

/// The instant the benchmark's town is seen at: the range is the twelve months before it.
const NOW: &str = "2026-12-03T10:00:00Z";

pub fn run(args: &LadderBenchArgs) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("kunde inte starta körmiljön")?;
    runtime.block_on(bench(args))
}

async fn bench(args: &LadderBenchArgs) -> anyhow::Result<()> {
    let fresh = !args.db.exists();
    let url = format!("sqlite://{}?mode=rwc", args.db.display());
    let store = SqlStore::connect(&url)
        .await
        .context("kunde inte öppna databasen")?;
    if fresh {
        let started = Instant::now();
        ladder_bench::generate(&store, args.inhabitants, args.seed).await?;
        say(&format!("generated in {:.1} s", started.elapsed().as_secs_f64()));
    }
    for (table, label) in [
        ("persons", "persons"),
        ("assessments", "assessments"),
        ("ladder_exits", "exits"),
        ("activities", "activities"),
    ] {
        let n = ladder_bench::count(&store, table).await?;
        say(&format!("{label}: {n}"));
    }
    let clock = Arc::new(FixedClock::new(NOW.parse()?));
    let app = App::new(store.clone(), clock, web::Config::default().policy());
    let board = app::Actor {
        account_id: 1,
        username: "bench".into(),
        display_name: "Bench".into(),
        role: app::Role::BoardMember,
        staff: None,
        person: None,
        units: Default::default(),
        protected_grants: Default::default(),
    };
    let req = LadderStatsRequest {
        from: Month::new(2025, 12)?,
        to: Month::new(2026, 11)?,
        cohorts: Cohorts::Year,
        unit: None,
    };
    let mut times = Vec::new();
    let mut report = None;
    for _ in 0..args.repeat.max(1) {
        let started = Instant::now();
        report = Some(app.ladder_stats(&board, &req).await?);
        times.push(started.elapsed());
    }
    let persons = report
        .as_ref()
        .and_then(|r| r.analysis.total.at_start.count())
        .unwrap_or(0);
    say(&format!(
        "use case (board member, 2025-12..2026-11): {}; {persons} person-months in the matrix",
        stats(&mut times)
    ));
    let mut times = Vec::new();
    for _ in 0..args.repeat.max(1) {
        let started = Instant::now();
        let r = app.ladder_stats(&board, &req).await?;
        let html = web::ladder_stats_pages::page_html(&r, web::i18n::Lang::Sv)?;
        std::hint::black_box(html);
        times.push(started.elapsed());
    }
    say(&format!(
        "page (use case, tables, charts, HTML): {}",
        stats(&mut times)
    ));
    let mut times = Vec::new();
    let mut sql_total = 0;
    for _ in 0..args.repeat.max(1) {
        let started = Instant::now();
        sql_total = ladder_bench::sql_matrix(&store).await?;
        times.push(started.elapsed());
    }
    say(&format!(
        "SQL alone, the summed transition matrix only: {}; {sql_total} person-months",
        stats(&mut times)
    ));
    store.close().await;
    Ok(())
}

fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// "min X ms, median Y ms" of the runs.
fn stats(times: &mut [Duration]) -> String {
    times.sort();
    let ms = |d: Option<&Duration>| format!("{:.0}", d.map_or(0.0, |d| d.as_secs_f64() * 1000.0));
    format!(
        "min {} ms, median {} ms",
        ms(times.first()),
        ms(times.get(times.len() / 2))
    )
}
