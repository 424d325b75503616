//! `stegvis audit`: `verify` recomputes both logs' hash chains (changes, reads), names the first broken link, and
//! compares the chains with the signed checkpoints (a rewritten chain, a rolled-back read log, a bad signature);
//! `keygen` makes a checkpoint signing key; `checkpoint` takes a checkpoint now (for a cron job or before a backup).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use app::checkpoints::{self, Anchor, CheckpointDir, PublicKey, SignedCheckpoint};
use store::{AuditVerdict, Checkpoints, SqlStore, Store};

/// The database of `stegvis demo`; `mode=rw` so that verifying a mistyped path fails instead of creating a file.
pub const DEFAULT_DB: &str = "sqlite://stegvis-demo.sqlite?mode=rw";

#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Kontrollera hashkedjorna i ändringsloggen och läsloggen, och jämför dem med kontrollpunkterna
    Verify {
        /// Databas-URL (sqlite://SÖKVÄG eller postgres://...)
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
        /// Katalogen med de signerade kontrollpunkterna (audit_checkpoint_dir)
        #[arg(long, requires = "public_keys")]
        checkpoints: Option<PathBuf>,
        /// Den publika nyckeln kontrollpunkterna är signerade med (NYCKEL.pub från `audit keygen`); kan upprepas
        /// när nyckeln har bytts
        #[arg(long = "public-key", requires = "checkpoints")]
        public_keys: Vec<PathBuf>,
    },
    /// Skapa en nyckel att signera kontrollpunkter med (FIL) och dess publika nyckel (FIL.pub)
    Keygen {
        /// Nyckelfilen; skrivs aldrig över
        #[arg(long)]
        out: PathBuf,
    },
    /// Ta en kontrollpunkt nu: signera båda kedjornas huvuden och lägg till dem i katalogen
    Checkpoint {
        /// Databas-URL (sqlite://SÖKVÄG eller postgres://...)
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
        /// Katalogen kontrollpunkterna läggs till i (audit_checkpoint_dir)
        #[arg(long)]
        dir: PathBuf,
        /// Signeringsnyckelns fil (audit_checkpoint_key)
        #[arg(long)]
        key: PathBuf,
    },
}

pub fn run(command: AuditCommand) -> anyhow::Result<ExitCode> {
    match command {
        AuditCommand::Verify {
            db,
            checkpoints,
            public_keys,
        } => verify(&db, checkpoints, &public_keys),
        AuditCommand::Keygen { out } => {
            let key = checkpoints::create_key(&out).context("kunde inte skapa nyckeln")?;
            let public = checkpoints::public_key_path(&out);
            let mut stdout = std::io::stdout().lock();
            writeln!(
                stdout,
                "nyckel: {} (håll den hemlig, utanför databasen)",
                out.display()
            )?;
            writeln!(
                stdout,
                "publik nyckel: {} ({})",
                public.display(),
                key.public().to_hex()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Checkpoint { db, dir, key } => {
            let anchor = Anchor {
                key: checkpoints::load_key(&key).context("kunde inte läsa nyckeln")?,
                dir: CheckpointDir::new(dir),
            };
            let runtime = tokio::runtime::Runtime::new().context("kunde inte starta körmiljön")?;
            let taken = runtime.block_on(async {
                let store = SqlStore::connect(&db)
                    .await
                    .context("kunde inte öppna databasen")?;
                let app = app::App::new(
                    store.clone(),
                    super::clock::from_env()?,
                    web::Config::default().policy(),
                );
                let taken = take_checkpoint(&app, &anchor).await;
                store.close().await;
                taken
            })?;
            let mut stdout = std::io::stdout().lock();
            match taken {
                Some(c) => writeln!(stdout, "kontrollpunkt {} tagen", c.checkpoint.number)?,
                None => writeln!(stdout, "inget nytt sedan förra kontrollpunkten")?,
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Takes a checkpoint and also writes it to the log (`RUST_LOG=stegvis::audit_checkpoint=info`), so that it can
/// reach the system journal too: only sequence numbers, hashes and the signature, never personal data.
pub async fn take_checkpoint(app: &app::App, anchor: &Anchor) -> anyhow::Result<Option<SignedCheckpoint>> {
    let taken = app
        .take_checkpoint(anchor)
        .await
        .context("kunde inte ta en kontrollpunkt av granskningsloggarna")?;
    if let Some(signed) = &taken {
        let c = &signed.checkpoint;
        tracing::info!(
            target: "stegvis::audit_checkpoint",
            number = c.number,
            at = %c.at,
            changes_seq = c.changes.seq,
            changes_hash = %c.changes.hash,
            reads_seq = c.reads.seq,
            reads_hash = %c.reads.hash,
            signature = %signed.signature,
            "audit checkpoint"
        );
    }
    Ok(taken)
}

fn verify(db: &str, dir: Option<PathBuf>, public_keys: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let keys: Vec<PublicKey> = public_keys
        .iter()
        .map(|p| checkpoints::load_public_key(p))
        .collect::<Result<_, _>>()
        .context("kunde inte läsa den publika nyckeln")?;
    let published = match &dir {
        Some(dir) => {
            if !dir.is_dir() {
                bail!("{}: ingen katalog", dir.display());
            }
            CheckpointDir::new(dir)
                .read()
                .context("kunde inte läsa kontrollpunkterna")?
        }
        None => String::new(),
    };
    let runtime = tokio::runtime::Runtime::new().context("kunde inte starta körmiljön")?;
    let (verdicts, report) = runtime.block_on(async {
        let store = SqlStore::connect(db)
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
        let report = store
            .verify_checkpoints(&published, &keys)
            .await
            .context("kunde inte jämföra med kontrollpunkterna")?;
        store.close().await;
        anyhow::Ok(([("ändringsloggen", changes), ("läsloggen", reads)], report))
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
    if dir.is_none() {
        writeln!(
            out,
            "obs: inga signerade kontrollpunkter angavs (--checkpoints, --public-key); jämför bara med databasens"
        )?;
    } else if report.signed == 0 {
        writeln!(out, "obs: katalogen har inga kontrollpunkter med giltig signatur")?;
    }
    for finding in &report.findings {
        writeln!(out, "FEL: {finding}")?;
        intact = false;
    }
    if report.findings.is_empty() {
        let last = report
            .last_signed
            .map(|c| format!(", den senaste nummer {} från {}", c.number, c.at))
            .unwrap_or_default();
        writeln!(
            out,
            "ok: kedjorna stämmer med {} signerade kontrollpunkter{last} och med databasens {}",
            report.signed, report.recorded
        )?;
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
        let verify = || {
            run(AuditCommand::Verify {
                db: url.clone(),
                checkpoints: None,
                public_keys: vec![],
            })
            .unwrap()
        };
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
