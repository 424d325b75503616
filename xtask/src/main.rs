//! Project checks that are easier to keep in Rust than in shell: `cargo xtask purity`, `cargo xtask boundary`,
//! `cargo xtask tidy`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Crates that must stay pure: no IO, no clock, no async runtime in their dependency tree.
const PURE_CRATES: &[&str] = &["norm", "domain", "forecast", "synth"];
/// Dependencies that mean IO, a database, a network or a runtime.
const FORBIDDEN_IN_PURE: &[&str] = &[
    "sqlx",
    "tokio",
    "axum",
    "hyper",
    "reqwest",
    "mio",
    "libsqlite3-sys",
];
/// Calls that read the clock or touch the file system; only allowed in comments.
const FORBIDDEN_CALLS: &[&str] = &[
    "SystemTime::now",
    "Instant::now",
    "Timestamp::now",
    "Zoned::now",
    "std::fs::",
    "std::net::",
    "std::env::",
];

fn main() -> Result<()> {
    let task = std::env::args().nth(1).unwrap_or_default();
    match task.as_str() {
        "purity" => purity(),
        "boundary" => boundary(),
        "tidy" => tidy(),
        _ => bail!("usage: cargo xtask <purity|boundary|tidy>"),
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn purity() -> Result<()> {
    let root = root();
    let mut problems = Vec::new();
    for krate in PURE_CRATES {
        let dir = root.join("crates").join(krate);
        if !dir.exists() {
            continue;
        }
        let out = Command::new(env!("CARGO"))
            .args([
                "tree",
                "--quiet",
                "--edges",
                "normal",
                "--prefix",
                "none",
                "--package",
                krate,
            ])
            .current_dir(&root)
            .output()
            .context("running cargo tree")?;
        if !out.status.success() {
            bail!(
                "cargo tree -p {krate} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let name = line.split_whitespace().next().unwrap_or_default();
            if FORBIDDEN_IN_PURE.contains(&name) {
                problems.push(format!("{krate} depends on {name}"));
            }
        }
        for file in rust_files(&dir.join("src"))? {
            let text = std::fs::read_to_string(&file)?;
            for (no, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                for call in FORBIDDEN_CALLS {
                    if code.contains(call) {
                        problems.push(format!("{}:{}: {call} in a pure crate", file.display(), no + 1));
                    }
                }
            }
        }
    }
    report("purity", problems)
}

/// Our crates the web layer may not depend on directly: it reaches the use cases, their views and their one error
/// type through `app` (which re-exports the pure crates), so permission checks and audit records cannot be bypassed.
const HIDDEN_FROM_WEB: &[&str] = &["store", "domain", "norm", "synth", "forecast", "sqlx"];

/// `crates/web` depends on `crates/app` only: checked in its manifest's normal dependencies (through cargo tree) and in
/// its source (no path into the store, the database driver or the pure crates except through `app::`).
fn boundary() -> Result<()> {
    let root = root();
    let mut problems = Vec::new();
    let out = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--quiet",
            "--edges",
            "normal",
            "--prefix",
            "none",
            "--depth",
            "1",
            "--package",
            "web",
        ])
        .current_dir(&root)
        .output()
        .context("running cargo tree")?;
    if !out.status.success() {
        bail!(
            "cargo tree -p web failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for line in String::from_utf8_lossy(&out.stdout).lines().skip(1) {
        let name = line.split_whitespace().next().unwrap_or_default();
        if HIDDEN_FROM_WEB.contains(&name) {
            problems.push(format!("web depends on {name}; go through app"));
        }
    }
    for file in rust_files(&root.join("crates/web/src"))? {
        let text = std::fs::read_to_string(&file)?;
        for (no, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for path in ["store::", "sqlx::", "domain::", "norm::", "synth::"] {
                let named = code.match_indices(path).any(|(at, _)| {
                    let before = code.get(..at).and_then(|b| b.chars().last());
                    !matches!(before, Some(c) if c.is_alphanumeric() || c == '_' || c == ':')
                });
                if named {
                    problems.push(format!("{}:{}: {path} in the web layer", file.display(), no + 1));
                }
            }
        }
    }
    report("boundary", problems)
}

/// Every Rust source file starts with a `//!` line that says what it is for.
fn tidy() -> Result<()> {
    let root = root();
    let mut problems = Vec::new();
    for dir in [root.join("crates"), root.join("xtask")] {
        for file in rust_files(&dir)? {
            let text = std::fs::read_to_string(&file)?;
            if !text.trim_start().starts_with("//!") {
                problems.push(format!("{} does not start with a //! line", file.display()));
            }
        }
    }
    report("tidy", problems)
}

fn report(check: &str, problems: Vec<String>) -> Result<()> {
    if problems.is_empty() {
        eprintln!("xtask {check}: ok");
        return Ok(());
    }
    for p in &problems {
        eprintln!("{p}");
    }
    bail!("xtask {check}: {} problem(s)", problems.len())
}

fn rust_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if path.is_dir() {
                if name != "target" && name != "node_modules" {
                    stack.push(path);
                }
            } else if name.ends_with(".rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}
