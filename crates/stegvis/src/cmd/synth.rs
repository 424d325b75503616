//! `stegvis synth`: generate a synthetic municipality of any size and store it in a new SQLite database.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use super::build_town;

#[derive(Debug, clap::Args)]
pub struct SynthArgs {
    /// Number of inhabitants (the default town is Kristianstad-sized).
    #[arg(long, default_value_t = 86_500, value_parser = clap::value_parser!(u32).range(1_000..=1_000_000))]
    inhabitants: u32,
    /// Seed: the same seed gives the same municipality.
    #[arg(long, default_value_t = 1290)]
    seed: u64,
    /// The SQLite file to create (must not exist).
    #[arg(long)]
    db: PathBuf,
}

pub fn run(args: SynthArgs) -> Result<ExitCode> {
    let clock = super::clock::from_env()?;
    let (today, _) = build_town::today(clock.as_ref());
    let mut config = synth::Config::kristianstad(build_town::month_of(today)?);
    config.inhabitants = args.inhabitants;
    config.seed = args.seed;
    let report = build_town::build_sqlite(&args.db, &config, clock.as_ref())?;
    build_town::print_report(&report);
    Ok(ExitCode::SUCCESS)
}
