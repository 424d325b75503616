//! The audit chains' checkpoints outside the database: the signing key's file, the directory the signed checkpoints
//! are appended to, and the use cases that take a checkpoint and compare the chains with them (the format and the
//! comparison are in `store::checkpoint`).
//!
//! The point is that the database user can rewrite neither: the key file is readable by the server only, and the
//! checkpoint file is append-only for it (`chattr +a` on the file and its directory, or a directory owned by another
//! user that the server may only append to). Someone who rewrites the database then cannot make the checkpoints
//! agree with it.

use std::io::Write;
use std::path::{Path, PathBuf};

use rand::RngCore;
use store::Checkpoints as _;
pub use store::{
    AuditLog, Checkpoint, CheckpointFinding, CheckpointKey, CheckpointReport, PublicKey, SignedCheckpoint,
    Witness,
};

use crate::service::{App, AppError};

/// The file in the checkpoint directory that checkpoints are appended to, one JSON line each.
pub const CHECKPOINT_FILE: &str = "checkpoints.jsonl";

/// A key file, a public key file or the checkpoint file could not be used. Names the path, never the key.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointFileError {
    #[error("{path}: {reason}")]
    Io { path: String, reason: String },
    #[error("{path}: ingen nyckel ({expected})")]
    NotAKey { path: String, expected: &'static str },
}

fn io_error(path: &Path, e: &std::io::Error) -> CheckpointFileError {
    CheckpointFileError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// Reads the signing key: 64 hex digits (what `stegvis audit keygen` writes, or `openssl rand -hex 32`), or the 32
/// bytes themselves (`head -c 32 /dev/urandom`).
pub fn load_key(path: &Path) -> Result<CheckpointKey, CheckpointFileError> {
    let bytes = std::fs::read(path).map_err(|e| io_error(path, &e))?;
    let seed: Option<[u8; 32]> = match <[u8; 32]>::try_from(bytes.as_slice()) {
        Ok(raw) => Some(raw),
        Err(_) => std::str::from_utf8(&bytes)
            .ok()
            .and_then(|text| hex::decode(text.trim()).ok())
            .and_then(|b| b.try_into().ok()),
    };
    seed.map(|s| CheckpointKey::from_seed(&s))
        .ok_or_else(|| CheckpointFileError::NotAKey {
            path: path.display().to_string(),
            expected: "64 hexadecimala tecken eller 32 byte",
        })
}

/// Reads a public key file: 64 hex digits (the `.pub` file `stegvis audit keygen` writes beside the key).
pub fn load_public_key(path: &Path) -> Result<PublicKey, CheckpointFileError> {
    let text = std::fs::read_to_string(path).map_err(|e| io_error(path, &e))?;
    PublicKey::from_hex(&text).ok_or_else(|| CheckpointFileError::NotAKey {
        path: path.display().to_string(),
        expected: "en publik Ed25519-nyckel, 64 hexadecimala tecken",
    })
}

/// The public key file beside a key file: `KEY.pub`.
pub fn public_key_path(key: &Path) -> PathBuf {
    let mut name = key.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

/// Makes a new signing key from the operating system's randomness: the key file (readable by its owner only; an
/// existing file is never overwritten) and the public key beside it (`KEY.pub`), which is what auditors verify with.
pub fn create_key(path: &Path) -> Result<CheckpointKey, CheckpointFileError> {
    let mut seed = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut seed);
    let key = CheckpointKey::from_seed(&seed);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| io_error(path, &e))?;
    writeln!(file, "{}", key.seed_hex())
        .and_then(|()| file.sync_all())
        .map_err(|e| io_error(path, &e))?;
    let public = public_key_path(path);
    std::fs::write(&public, format!("{}\n", key.public().to_hex())).map_err(|e| io_error(&public, &e))?;
    Ok(key)
}

/// The directory checkpoints are published to.
#[derive(Debug, Clone)]
pub struct CheckpointDir {
    dir: PathBuf,
}

impl CheckpointDir {
    pub fn new(dir: impl Into<PathBuf>) -> CheckpointDir {
        CheckpointDir { dir: dir.into() }
    }

    pub fn file(&self) -> PathBuf {
        self.dir.join(CHECKPOINT_FILE)
    }

    /// Appends one line and waits until it is on disk. Opened for appending only (`O_APPEND`), which is all an
    /// append-only file allows; the whole line goes in one write, so lines never interleave.
    pub fn append(&self, line: &str) -> Result<(), CheckpointFileError> {
        let path = self.file();
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .map_err(|e| io_error(&path, &e))?;
        file.write_all(format!("{line}\n").as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(|e| io_error(&path, &e))
    }

    /// The published checkpoints as text; empty when none has been published yet.
    pub fn read(&self) -> Result<String, CheckpointFileError> {
        let path = self.file();
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
            Err(e) => Err(io_error(&path, &e)),
        }
    }
}

/// What the server signs and publishes checkpoints with.
#[derive(Debug, Clone)]
pub struct Anchor {
    pub key: CheckpointKey,
    pub dir: CheckpointDir,
}

/// Where checkpoints are read from to verify, and the keys trusted to have signed them.
#[derive(Debug, Clone)]
pub struct CheckpointSource {
    pub dir: CheckpointDir,
    pub keys: Vec<PublicKey>,
}

impl From<&Anchor> for CheckpointSource {
    fn from(anchor: &Anchor) -> CheckpointSource {
        CheckpointSource {
            dir: anchor.dir.clone(),
            keys: vec![anchor.key.public()],
        }
    }
}

impl App {
    /// Takes a checkpoint of both audit chains now: signs it, appends it to the checkpoint file, and records it in
    /// the database (which keeps it only if the append succeeded). `None` when nothing was logged since the last one.
    pub async fn take_checkpoint(&self, anchor: &Anchor) -> Result<Option<SignedCheckpoint>, AppError> {
        let mut published = None;
        let taken = self
            .store
            .record_checkpoint(self.clock.now(), |checkpoint| {
                let signed = checkpoint.sign(&anchor.key);
                anchor.dir.append(&signed.to_line()).map_err(|e| e.to_string())?;
                published = Some(signed);
                Ok(())
            })
            .await?;
        Ok(taken.and(published))
    }

    /// Compares both chains with the published checkpoints of `source` (none: only with the heads the database
    /// recorded at each checkpoint).
    pub async fn compare_with_checkpoints(
        &self,
        source: Option<&CheckpointSource>,
    ) -> Result<CheckpointReport, AppError> {
        let (published, keys) = match source {
            Some(s) => (
                s.dir.read().map_err(|e| AppError::Internal(e.to_string()))?,
                s.keys.as_slice(),
            ),
            None => (String::new(), &[][..]),
        };
        Ok(self.store.verify_checkpoints(&published, keys).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("stegvis-checkpoints-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn key_files_in_hex_or_raw_and_a_made_key_is_never_overwritten() {
        let dir = scratch("keys");
        let made = dir.join("k");
        let key = create_key(&made).unwrap();
        assert_eq!(load_key(&made).unwrap().public(), key.public());
        assert_eq!(load_public_key(&public_key_path(&made)).unwrap(), key.public());
        assert!(matches!(create_key(&made), Err(CheckpointFileError::Io { .. })));
        assert_eq!(load_key(&made).unwrap().public(), key.public(), "unchanged");
        // The 32 bytes themselves, or hex with surrounding whitespace (`openssl rand -hex 32`), give the same key.
        let raw = dir.join("raw");
        std::fs::write(&raw, [5_u8; 32]).unwrap();
        let text = dir.join("text");
        std::fs::write(&text, format!("  {}\n", "05".repeat(32))).unwrap();
        let expected = CheckpointKey::from_seed(&[5; 32]).public();
        assert_eq!(load_key(&raw).unwrap().public(), expected);
        assert_eq!(load_key(&text).unwrap().public(), expected);
        for junk in ["", "05", &"zz".repeat(32)] {
            std::fs::write(&text, junk).unwrap();
            assert!(
                matches!(load_key(&text), Err(CheckpointFileError::NotAKey { .. })),
                "{junk:?}"
            );
        }
        assert!(matches!(
            load_key(&dir.join("missing")),
            Err(CheckpointFileError::Io { .. })
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn lines_are_appended_and_read_back_in_order() {
        let dir = CheckpointDir::new(scratch("dir"));
        assert_eq!(dir.read().unwrap(), "", "nothing published yet");
        dir.append("{\"number\":1}").unwrap();
        dir.append("{\"number\":2}").unwrap();
        assert_eq!(dir.read().unwrap(), "{\"number\":1}\n{\"number\":2}\n");
        let missing = CheckpointDir::new(dir.file().join("no-such-dir"));
        assert!(
            missing.append("x").is_err(),
            "a directory that is not there is an error, not created"
        );
    }
}
