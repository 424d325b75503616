//! Generating a synthetic municipality and storing it, with progress on the terminal. Shared by `demo` and `synth`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use app::Clock;
use indicatif::{ProgressBar, ProgressStyle};
use jiff::Timestamp;
use jiff::civil::Date;
use norm::Month;
use store::SqlStore;

/// The day a build is for (UTC) and the instant its audit records carry.
pub fn today(clock: &dyn Clock) -> (Date, Timestamp) {
    let now = clock.now();
    (now.to_zoned(jiff::tz::TimeZone::UTC).date(), now)
}

pub fn month_of(day: Date) -> Result<Month> {
    Ok(Month::new(
        u16::try_from(day.year())?,
        u8::try_from(day.month())?,
    )?)
}

pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

/// Builds `config`'s town into a new SQLite file at `path`. The build goes into a temporary file next to it that
/// is renamed into place only when everything is stored, so an interrupted build never leaves a half-built database.
pub fn build_sqlite(path: &Path, config: &synth::Config, clock: &dyn Clock) -> Result<app::seed::SeedReport> {
    if path.exists() {
        bail!(
            "{} finns redan; ta bort filen eller välj en annan med --db",
            path.display()
        );
    }
    let partial = partial_path(path);
    remove_sqlite(&partial);
    let report = build_into(&partial, config, clock);
    match report {
        Ok(report) => {
            // The read log first: the main file appearing is what says the build is complete.
            std::fs::rename(read_log_of(&partial), read_log_of(path))
                .with_context(|| format!("kunde inte flytta läsloggen för {}", partial.display()))?;
            std::fs::rename(&partial, path).with_context(|| {
                format!("kunde inte flytta {} till {}", partial.display(), path.display())
            })?;
            Ok(report)
        }
        Err(e) => {
            remove_sqlite(&partial);
            Err(e)
        }
    }
}

fn build_into(path: &Path, config: &synth::Config, clock: &dyn Clock) -> Result<app::seed::SeedReport> {
    let (today, at) = today(clock);
    let terminal = std::io::stderr().is_terminal();
    if !terminal {
        eprintln!("genererar kommunen");
    }
    let spinner = ProgressBar::new_spinner().with_message("genererar kommunen");
    spinner.enable_steady_tick(Duration::from_millis(120));
    let town = synth::generate(config).context("kunde inte generera kommunen")?;
    let generated = format!(
        "genererade {} invånare i {} hushåll, {} med ekonomiskt bistånd",
        config.inhabitants,
        town.households.len(),
        town.cases.len()
    );
    if !terminal {
        eprintln!("{generated}");
    }
    spinner.finish_with_message(generated);

    let runtime = tokio::runtime::Runtime::new().context("kunde inte starta körmiljön")?;
    runtime.block_on(async {
        let store = SqlStore::connect(&sqlite_url(path))
            .await
            .context("kunde inte öppna databasen")?;
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        // A bar needs a terminal (indicatif draws nothing otherwise); a log or a pipe gets a line per phase and
        // per quarter of it instead, so that nobody watches 45 silent seconds.
        let mut lines = (!terminal).then(ProgressLines::default);
        let mut progress = |what: &str, done: u64, total: u64| {
            bar.set_message(what.to_owned());
            bar.set_length(total);
            bar.set_position(done);
            if let Some(line) = lines.as_mut().and_then(|lines| lines.step(what, done, total)) {
                eprintln!("{line}");
            }
        };
        let hash = |password: &str| app::auth::hash_password(password).map_err(|e| e.to_string());
        let report = app::seed::build(&store, &town, today, at, &hash, &mut progress).await;
        bar.finish_and_clear();
        store.close().await;
        Ok(report?)
    })
}

/// Progress as plain lines, for output that is not a terminal: one when a phase starts, one at each quarter.
#[derive(Debug, Default)]
struct ProgressLines {
    phase: String,
    quarter: u64,
}

impl ProgressLines {
    fn step(&mut self, what: &str, done: u64, total: u64) -> Option<String> {
        if what != self.phase {
            self.phase = what.to_owned();
            self.quarter = 0;
            return Some(format!("  {what}: 0/{total}"));
        }
        let quarter = done.saturating_mul(4).checked_div(total).unwrap_or(4);
        (quarter > self.quarter).then(|| {
            self.quarter = quarter;
            format!("  {what}: {done}/{total}")
        })
    }
}

fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".building");
    path.with_file_name(name)
}

/// The read log's file beside an SQLite database (see `store::read_log_path`).
fn read_log_of(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_os_string();
    p.push("-readlog");
    PathBuf::from(p)
}

/// Removes an SQLite file, its read log and their WAL companions, ignoring files that are not there.
fn remove_sqlite(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-readlog", "-readlog-wal", "-readlog-shm"] {
        let mut p = path.as_os_str().to_os_string();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

pub fn print_report(report: &app::seed::SeedReport) {
    eprintln!(
        "lagrade {} hushåll ({} personer), {} beslut, {} utbetalningar, {} öppna ansökningar, {} överklaganden, \
         {} återkrav, {} journalanteckningar, {} bevakningar, {} konton",
        report.households,
        report.persons,
        report.decisions,
        report.payments,
        report.open_applications,
        report.appeals,
        report.claims,
        report.journal_notes,
        report.follow_ups,
        report.accounts
    );
    let p = &report.progression;
    eprintln!(
        "stegförflyttning: {} bedömningar, {} planer med {} aktiviteter och {} veckors närvaro, {} avslut, \
         {} försörjningshinder per vuxen och månad, {} förslag om nedsättning",
        p.assessments,
        p.plans,
        p.activities,
        p.attendance_weeks,
        p.exits,
        p.reasons,
        report.sanction_proposals
    );
}

#[cfg(test)]
mod tests {
    use super::ProgressLines;

    #[test]
    fn a_line_when_a_phase_starts_and_at_each_quarter() {
        let mut lines = ProgressLines::default();
        let said: Vec<String> = [
            ("beslut", 0, 8),
            ("beslut", 1, 8),
            ("beslut", 2, 8),
            ("beslut", 3, 8),
            ("beslut", 8, 8),
        ]
        .into_iter()
        .filter_map(|(what, done, total)| lines.step(what, done, total))
        .collect();
        // 2/8 is the first quarter; 3/8 is still in it; 8/8 jumps to the fourth.
        assert_eq!(said, ["  beslut: 0/8", "  beslut: 2/8", "  beslut: 8/8"]);
        assert_eq!(
            lines.step("betalningar", 0, 0).as_deref(),
            Some("  betalningar: 0/0")
        );
    }
}
