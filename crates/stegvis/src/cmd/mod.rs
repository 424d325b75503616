//! Subcommands. Each lives in its own module; this file only lists and dispatches them.

mod serve;

use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Serve the web application.
    Serve(serve::ServeArgs),
}

pub fn run(command: Command) -> ExitCode {
    let result = match command {
        Command::Serve(args) => serve::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("stegvis: {err:#}");
            ExitCode::FAILURE
        }
    }
}
