//! The `stegvis` command line: one binary for every job (see `stegvis --help`).

mod cmd;

use std::process::ExitCode;

use clap::Parser;

/// Explanation lines and JSON allocate many small strings per household; mimalloc serves them several times
/// faster than the system allocator (see docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "stegvis",
    version,
    about = "Ekonomiskt bistånd och stegförflyttning för en kommun"
)]
struct Cli {
    #[command(subcommand)]
    command: cmd::Command,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Logs go to stderr so that commands like `calc` keep stdout for their JSON; RUST_LOG picks the level.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    cmd::run(cli.command)
}
