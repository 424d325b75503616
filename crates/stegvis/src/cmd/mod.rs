//! Subcommands. Each lives in its own module; this file only lists and dispatches them.

mod bench;
mod calc;
mod serve;

use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Calculate försörjningsstöd for one household and month (calc contract), or a batch.
    Calc(calc::CalcArgs),
    /// Serve the web application.
    Serve(serve::ServeArgs),
    /// Benchmarks (e.g. `bench norm --households N`).
    Bench(bench::BenchArgs),
}

pub fn run(command: Command) -> ExitCode {
    match command {
        // calc has its own exit statuses (2 for bad input), as the calc contract says.
        Command::Calc(args) => calc::run(args),
        Command::Serve(args) => exit(serve::run(&args)),
        Command::Bench(args) => bench::run(args),
    }
}

/// Commands without special exit statuses: 0, or 1 with the error chain on stderr.
fn exit(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("stegvis: {err:#}");
            ExitCode::FAILURE
        }
    }
}
