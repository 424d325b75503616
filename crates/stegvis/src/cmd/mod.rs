//! Subcommands. Each lives in its own module; this file only lists and dispatches them.

mod audit;
mod bench;
mod bench_ladder;
mod bench_store;
mod build_town;
mod calc;
mod clock;
mod demo;
mod gallring;
mod ladder;
mod serve;
mod synth;

use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Calculate försörjningsstöd for one household and month (calc contract), or a batch.
    Calc(calc::CalcArgs),
    /// Build the synthetic municipality into an embedded SQLite file (or reuse it) and serve the application.
    Demo(demo::DemoArgs),
    /// Serve the web application.
    Serve(serve::ServeArgs),
    /// Generate a synthetic municipality of any size into a new SQLite file.
    Synth(synth::SynthArgs),
    /// The audit log: verify the hash chain.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Gallring per SoL 16 kap. (a dry run unless --execute is given).
    Gallring(gallring::GallringArgs),
    /// The ladder's transition matrix and exit rate by step for a month range, as JSON.
    Ladder(ladder::LadderArgs),
    /// Benchmarks of the calculation engine (e.g. `bench norm --households N`).
    Bench(bench::BenchArgs),
    /// Benchmark: storing a month's decisions with audit records (docs/benchmarks.md).
    BenchStore(bench_store::BenchStoreArgs),
}

pub fn run(command: Command) -> ExitCode {
    match command {
        // calc has its own exit statuses (2 for bad input), as the calc contract says.
        Command::Calc(args) => calc::run(args),
        Command::Demo(args) => exit(demo::run(args)),
        Command::Serve(args) => exit(serve::run(&args).map(|()| ExitCode::SUCCESS)),
        Command::Synth(args) => exit(synth::run(args)),
        Command::Audit(c) => exit(audit::run(c)),
        Command::Gallring(a) => exit(gallring::run(a)),
        // ladder has its own exit statuses (2 for bad arguments).
        Command::Ladder(a) => ladder::run(a),
        Command::Bench(args) => bench::run(args),
        Command::BenchStore(a) => exit(bench_store::run(a)),
    }
}

/// Commands that report their own status, or fail with the error chain on stderr and status 1.
fn exit(result: anyhow::Result<ExitCode>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("stegvis: {err:#}");
            ExitCode::FAILURE
        }
    }
}
