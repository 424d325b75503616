//! The `stegvis` command line: one binary for every job (see `stegvis --help`).

mod cmd;

use std::process::ExitCode;

use clap::Parser;

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
    cmd::run(cli.command)
}
