//! Subcommands. Each lives in its own module; this file only lists and dispatches them.

mod audit;
mod bench;
mod bench_store;
mod calc;
mod gallring;
mod serve;

use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Calculate försörjningsstöd for one household and month (calc contract), or a batch.
    Calc(calc::CalcArgs),
    /// Serve the web application.
    Serve(serve::ServeArgs),
    /// The audit log: verify the hash chain.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Gallring per SoL 16 kap. (a dry run unless --execute is given).
    Gallring(gallring::GallringArgs),
    /// Benchmarks of the calculation engine (e.g. `bench norm --households N`).
    Bench(bench::BenchArgs),
    /// Benchmark: storing a month's decisions with audit records (docs/benchmarks.md).
    BenchStore(bench_store::BenchStoreArgs),
}

pub fn run(command: Command) -> ExitCode {
    match command {
        // calc has its own exit statuses (2 for bad input), as the calc contract says.
        Command::Calc(args) => calc::run(args),
        Command::Serve(args) => exit(serve::run(&args).map(|()| ExitCode::SUCCESS)),
        Command::Audit(c) => exit(audit::run(c)),
        Command::Gallring(a) => exit(gallring::run(a)),
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
