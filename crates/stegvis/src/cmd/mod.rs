//! Subcommands. Each lives in its own module; this file only lists and dispatches them.

mod audit;
mod bench_store;
mod gallring;

use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Granskningsloggen
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Gallring enligt SoL 16 kap. (provkörning om inte --execute anges)
    Gallring(gallring::GallringArgs),
    /// Mät lagringen av en månads beslut (docs/benchmarks.md)
    BenchStore(bench_store::BenchStoreArgs),
}

pub fn run(command: Command) -> ExitCode {
    let result = match command {
        Command::Audit(c) => audit::run(c),
        Command::Gallring(a) => gallring::run(a),
        Command::BenchStore(a) => bench_store::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "fel: {e:#}");
            ExitCode::from(2)
        }
    }
}
