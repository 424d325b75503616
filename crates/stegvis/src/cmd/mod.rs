//! Subcommands. Each lives in its own module; this file only lists and dispatches them.

use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {}

pub fn run(command: Command) -> ExitCode {
    match command {}
}
