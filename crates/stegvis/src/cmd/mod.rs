//! Subcommands. Each lives in its own module; this file only lists and dispatches them.

mod bench;
mod calc;

use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Calculate försörjningsstöd for one household and month (calc contract), or a batch.
    Calc(calc::CalcArgs),
    /// Benchmarks (e.g. `bench norm --households N`).
    Bench(bench::BenchArgs),
}

pub fn run(command: Command) -> ExitCode {
    match command {
        Command::Calc(args) => calc::run(args),
        Command::Bench(args) => bench::run(args),
    }
}
