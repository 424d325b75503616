//! `stegvis audit verify`: recomputes both logs' hash chains (changes, reads) and names the first broken link.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use store::{AuditVerdict, SqlStore, Store};

/// The database of `stegvis demo`; `mode=rw` so that verifying a mistyped path fails instead of creating a file.
pub const DEFAULT_DB: &str = "sqlite://stegvis-demo.sqlite?mode=rw";

#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Kontrollera hashkedjorna i ändringsloggen och läsloggen
    Verify {
        /// Databas-URL (sqlite://SÖKVÄG eller postgres://...)
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
}

pub fn run(command: AuditCommand) -> anyhow::Result<ExitCode> {
    let AuditCommand::Verify { db } = command;
    let runtime = tokio::runtime::Runtime::new().context("kunde inte starta körmiljön")?;
    let verdicts = runtime.block_on(async {
        let store = SqlStore::connect(&db)
            .await
            .context("kunde inte öppna databasen")?;
        let changes = store
            .verify_audit_chain()
            .await
            .context("kunde inte läsa ändringsloggen")?;
        let reads = store
            .verify_read_chain()
            .await
            .context("kunde inte läsa läsloggen")?;
        store.close().await;
        anyhow::Ok([("ändringsloggen", changes), ("läsloggen", reads)])
    })?;
    let mut out = std::io::stdout().lock();
    let mut intact = true;
    for (name, verdict) in verdicts {
        match verdict {
            AuditVerdict::Intact { records } => {
                writeln!(out, "ok: {name} är hel ({records} poster)")?;
            }
            AuditVerdict::Broken { seq, reason } => {
                writeln!(
                    out,
                    "BRUTEN: {name}: första felaktiga länken är post {seq}: {reason}"
                )?;
                intact = false;
            }
        }
    }
    Ok(if intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[cfg(test)]
mod tests {
    use domain::Actor;
    use store::NewPerson;

    use super::*;

    #[test]
    fn verify_passes_then_names_the_tampered_record() {
        let path = std::env::temp_dir().join(format!("stegvis-cli-audit-{}.db", std::process::id()));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let s = SqlStore::connect(&url).await.unwrap();
            let a = Actor::system("test", "test", "2026-03-15T09:00:00Z".parse().unwrap());
            let pnr = domain::Personnummer::parse("811218-9876", jiff::civil::date(2026, 3, 15)).unwrap();
            let p = NewPerson {
                pnr,
                name: "Test".into(),
                protection: domain::ProtectedIdentity::None,
            };
            s.register_person(&a, p).await.unwrap();
            s.create_unit(&a, "Enhet").await.unwrap();
            s.close().await;
        });
        let verify = || run(AuditCommand::Verify { db: url.clone() }).unwrap();
        assert_eq!(verify(), ExitCode::SUCCESS);
        rt.block_on(async {
            let s = SqlStore::connect(&url).await.unwrap();
            for stmt in [
                "DROP TRIGGER audit_log_no_update",
                "UPDATE audit_log SET page = 'x' WHERE seq = 1",
            ] {
                sqlx::query(stmt).execute(s.pool()).await.unwrap();
            }
            assert!(matches!(
                s.verify_audit_chain().await.unwrap(),
                AuditVerdict::Broken { seq: 1, .. }
            ));
            s.close().await;
        });
        assert_eq!(verify(), ExitCode::FAILURE);
        for suffix in ["", "-wal", "-shm", "-readlog", "-readlog-wal", "-readlog-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
