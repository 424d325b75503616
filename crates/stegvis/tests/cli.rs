//! The `stegvis` binary end to end: `calc` (file, stdin, batch, guidelines, bad input), `bench norm`, and the audit
//! checkpoints (`audit keygen`, `audit checkpoint`, `audit verify` against them).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers outside #[test] functions: a broken fixture should fail the test loudly"
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn stegvis(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stegvis"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    // A command that reads a file instead may exit before it reads stdin: a closed pipe is then no error.
    if let Err(e) = pipe.write_all(stdin.unwrap_or("").as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The four shared examples, from the copy in the repository and (when present) from the shared folder.
fn example_dirs() -> Vec<PathBuf> {
    let mut dirs = vec![repo_root().join("crates/norm/tests/golden/shared")];
    let shared = repo_root().join("../shared/domain/calc-examples");
    if shared.is_dir() {
        dirs.push(shared);
    }
    dirs
}

fn tmp(name: &str, content: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

#[test]
fn shared_examples_through_the_binary() {
    for dir in example_dirs() {
        let mut n = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            n += 1;
            let expected = std::fs::read_to_string(path.with_extension("expected")).unwrap();
            let out = stegvis(&["calc", path.to_str().unwrap()], None);
            let stdout = String::from_utf8(out.stdout).unwrap();
            let stderr = String::from_utf8(out.stderr).unwrap();
            if let Some(msg) = expected.trim_end().strip_prefix("error (exit status 2): ") {
                assert_eq!(out.status.code(), Some(2), "{}", path.display());
                assert!(stdout.is_empty(), "nothing on stdout");
                assert_eq!(stderr, format!("{msg}\n"), "one line naming the field");
            } else {
                assert_eq!(out.status.code(), Some(0), "{}: {stderr}", path.display());
                let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
                let got = format!(
                    "norm={} reasonable_costs={} counted_income={} assets={} assistance={}",
                    v["norm"], v["reasonable_costs"], v["counted_income"], v["assets"], v["assistance"]
                );
                assert_eq!(got, expected.trim_end(), "{}", path.display());
                assert!(
                    v["lines"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .all(|l| l["basis"].is_string())
                );
            }
        }
        assert_eq!(n, 4, "{}", dir.display());
    }
}

const SINGLE: &str = r#"{"month": "2026-01", "members": [{"id": "a", "role": "adult", "age": 40}],
 "costs": {"rent": 5900, "electricity": 250, "home_insurance": 120}, "incomes": []}"#;

#[test]
fn stdin_gives_the_same_as_a_file() {
    let from_stdin = stegvis(&["calc", "-"], Some(SINGLE));
    let from_file = stegvis(&["calc", tmp("single.json", SINGLE).to_str().unwrap()], None);
    assert_eq!(from_stdin.status.code(), Some(0));
    assert_eq!(from_stdin.stdout, from_file.stdout);
    let v: serde_json::Value = serde_json::from_slice(&from_stdin.stdout).unwrap();
    assert_eq!(v["assistance"], 11490);
    assert_eq!(v["rule_table"], "riksnorm 2026 (official)");
}

#[test]
fn bad_input_exits_2_with_one_line_naming_the_field() {
    for (input, msg) in [
        (
            r#"{"month":"2026-01","members":[{"id":"a","role":"adult","age":140}]}"#,
            "members[0].age must be 0-120\n",
        ),
        (
            r#"{"month":"2019-01","members":[{"id":"a","role":"adult","age":40}]}"#,
            "month 2019-01 has no rule table (riksnorm covers 2021-2026)\n",
        ),
        (
            r#"{"month":"2026-01","members":[{"id":"a","role":"adult","age":40}],"incomes":[{"member":"b","kind":"pension","amount":1}]}"#,
            "incomes[0].member \"b\" is not a member\n",
        ),
    ] {
        let out = stegvis(&["calc", "-"], Some(input));
        assert_eq!(out.status.code(), Some(2), "{input}");
        assert!(out.stdout.is_empty());
        assert_eq!(String::from_utf8(out.stderr).unwrap(), msg);
    }
    let out = stegvis(
        &["calc", "-"],
        Some("{\"month\": \"2026-01\", \"members\": [], \"extra\": 1}"),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1);
    assert!(err.contains("unknown field `extra`"), "{err}");
}

#[test]
fn batch_keeps_order_and_reports_bad_lines_in_place() {
    let bad = r#"{"month":"2026-02","members":[{"id":"a","role":"adult","age":29},{"id":"b","role":"adult","age":30}]}"#;
    let family = std::fs::read_to_string(repo_root().join("crates/norm/tests/golden/shared/02-family.json"))
        .unwrap()
        .replace('\n', " ");
    let input = format!("{}\n{bad}\n{family}\n", SINGLE.replace('\n', " "));
    let out = stegvis(
        &["calc", "--batch", tmp("batch.jsonl", &input).to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["assistance"], 11490);
    assert_eq!(
        lines[1],
        serde_json::json!({"line": 2, "error": "couple must be given when there are two adults"})
    );
    assert_eq!(lines[2]["assistance"], 10530);
    // the batch output of a line is exactly the single calculation's output
    let single = stegvis(&["calc", "-"], Some(SINGLE));
    assert_eq!(
        stdout.lines().next().unwrap(),
        String::from_utf8(single.stdout).unwrap().trim_end()
    );
    // stdin works for batches too
    let from_stdin = stegvis(&["calc", "--batch", "-"], Some(&input));
    assert_eq!(String::from_utf8(from_stdin.stdout).unwrap(), stdout);
}

#[test]
fn guidelines_cap_the_rent_with_a_finding() {
    let g = tmp(
        "guidelines.json",
        r#"{"rent_ceilings":[{"name":"Riktlinje 2026","from":"2026-01","by_size_kronor":[5000,6500]}]}"#,
    );
    let out = stegvis(&["calc", "--guidelines", g.to_str().unwrap(), "-"], Some(SINGLE));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["reasonable_costs"], 5000 + 250 + 120);
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn bench_norm_prints_throughput_and_exports_the_population() {
    let export = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli/pop.jsonl");
    let out = stegvis(
        &[
            "bench",
            "norm",
            "--households",
            "300",
            "--lines",
            "--min-seconds",
            "0",
            "--export",
            export.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let modes: Vec<&str> = stdout.lines().collect();
    assert_eq!(modes.len(), 3, "{stdout}");
    for line in &modes {
        let rate: f64 = line
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix("households_per_s="))
            .unwrap()
            .parse()
            .unwrap();
        assert!(rate > 0.0);
    }
    // the exported population is valid contract input, and the batch gives the same total as the bench
    let batch = stegvis(&["calc", "--batch", export.to_str().unwrap()], None);
    let total: i64 = String::from_utf8(batch.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["assistance"]
                .as_i64()
                .unwrap()
        })
        .sum();
    assert!(
        modes[0].contains(&format!("assistance_total_kr={total} ")),
        "{stdout} vs {total}"
    );
}

#[test]
fn a_rule_set_can_be_chosen_by_name() {
    let new = stegvis(&["calc", "-"], Some(SINGLE));
    let old = stegvis(&["calc", "--rule-set", "sol-2001-453", "-"], Some(SINGLE));
    let (new, old): (serde_json::Value, serde_json::Value) = (
        serde_json::from_slice(&new.stdout).unwrap(),
        serde_json::from_slice(&old.stdout).unwrap(),
    );
    assert_eq!(new["rule_set"], "sol-2025-400");
    assert_eq!(old["rule_set"], "sol-2001-453");
    assert_eq!(old["lines"][0]["basis"], "SoL 4:3, SoF 2 a §");
    assert_eq!(old["assistance"], new["assistance"]);
    let batch = stegvis(
        &["calc", "--rule-set", "sol-2001-453", "--batch", "-"],
        Some(&SINGLE.replace('\n', " ")),
    );
    let line: serde_json::Value = serde_json::from_slice(&batch.stdout).unwrap();
    assert_eq!(line, old);
    let unknown = stegvis(&["calc", "--rule-set", "nope", "-"], Some(SINGLE));
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        String::from_utf8(unknown.stderr)
            .unwrap()
            .contains("no rule set named \"nope\"")
    );
}

/// A build whose output is not a terminal says what it is doing, line by line; an empty `STEGVIS_FIXED_NOW` is the
/// system clock, not an error.
#[test]
fn synth_prints_progress_lines_to_a_pipe_and_an_empty_fixed_now_is_unset() {
    let db = std::env::temp_dir().join(format!("stegvis-cli-synth-{}.sqlite", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_stegvis"))
        .args(["synth", "--inhabitants", "1500", "--db"])
        .arg(&db)
        .env("STEGVIS_FIXED_NOW", "")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.lines().any(|l| l == "genererar kommunen"), "{stderr}");
    // Progress lines: two spaces, a phase, a colon, done/total.
    let progress = stderr
        .lines()
        .filter(|l| {
            l.strip_prefix("  ")
                .and_then(|rest| rest.rsplit_once(": "))
                .and_then(|(_, n)| n.split_once('/'))
                .is_some_and(|(a, b)| a.parse::<u64>().is_ok() && b.parse::<u64>().is_ok())
        })
        .count();
    assert!(progress >= 2, "{stderr}");
    for suffix in ["", "-wal", "-shm", "-readlog", "-readlog-wal", "-readlog-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

// --- audit checkpoints ------------------------------------------------------------------------------------------

/// A fresh directory for one test's database, key and checkpoints.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("checkpoints")).unwrap();
    dir
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

/// A SQLite database in `dir` with a unit and a one-person household (three change records) and `reads` reads of
/// the household (one read-log record each). Returns its URL and the household.
fn town(dir: &Path, reads: usize) -> (String, domain::HouseholdId) {
    use store::Store;
    let url = format!("sqlite://{}?mode=rwc", dir.join("town.db").display());
    let h = runtime().block_on(async {
        let s = store::SqlStore::connect(&url).await.unwrap();
        let a = domain::Actor::system("test", "test", "2026-03-15T09:00:00Z".parse().unwrap());
        let unit = s.create_unit(&a, "Enhet").await.unwrap();
        let person = s
            .register_person(
                &a,
                store::NewPerson {
                    pnr: domain::Personnummer::parse("811218-9876", jiff::civil::date(2026, 3, 15)).unwrap(),
                    name: "Test".into(),
                    protection: domain::ProtectedIdentity::None,
                },
            )
            .await
            .unwrap();
        let h = s
            .register_household(
                &a,
                unit,
                &[(person, norm::contract::Role::Adult)],
                jiff::civil::date(2026, 1, 1),
            )
            .await
            .unwrap();
        s.close().await;
        h
    });
    read_household(&url, h, reads, "2026-03-15T10:00:00Z");
    (url, h)
}

/// `n` reads of the household page at `at` (one read-log record each).
fn read_household(url: &str, h: domain::HouseholdId, n: usize, at: &str) {
    use store::Store;
    runtime().block_on(async {
        let s = store::SqlStore::connect(url).await.unwrap();
        let reader = domain::Actor::staff(domain::StaffId(7), "household/overview", at.parse().unwrap());
        for _ in 0..n {
            s.household_overview(&reader, h, jiff::civil::date(2026, 3, 15))
                .await
                .unwrap();
        }
        s.close().await;
    });
}

/// Runs a command that must succeed and returns its stdout.
fn stegvis_ok(args: &[&str]) -> String {
    let out = stegvis(args, None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `audit verify` with the checkpoints of `dir`: (exit status, stdout).
fn verify_with_checkpoints(url: &str, dir: &Path, public_key: &Path) -> (Option<i32>, String) {
    let out = stegvis(
        &[
            "audit",
            "verify",
            "--db",
            url,
            "--checkpoints",
            dir.join("checkpoints").to_str().unwrap(),
            "--public-key",
            public_key.to_str().unwrap(),
        ],
        None,
    );
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

fn keygen(path: &Path) {
    stegvis_ok(&["audit", "keygen", "--out", path.to_str().unwrap()]);
}

fn take_checkpoint(url: &str, dir: &Path, key: &Path) -> String {
    stegvis_ok(&[
        "audit",
        "checkpoint",
        "--db",
        url,
        "--dir",
        dir.join("checkpoints").to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
    ])
}

#[test]
fn a_clean_database_verifies_against_its_checkpoints() {
    let dir = scratch("anchor-clean");
    let key = dir.join("checkpoint.key");
    keygen(&key);
    let public = dir.join("checkpoint.key.pub");
    assert_eq!(
        std::fs::read_to_string(&public).unwrap().trim().len(),
        64,
        "hex of 32 bytes"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the key is readable by its owner only: {mode:o}");
    }
    // A key file is never overwritten.
    let before = std::fs::read(&key).unwrap();
    let again = stegvis(&["audit", "keygen", "--out", key.to_str().unwrap()], None);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(std::fs::read(&key).unwrap(), before);

    let (url, h) = town(&dir, 1);
    assert_eq!(take_checkpoint(&url, &dir, &key), "kontrollpunkt 1 tagen\n");
    assert_eq!(
        take_checkpoint(&url, &dir, &key),
        "inget nytt sedan förra kontrollpunkten\n"
    );
    read_household(&url, h, 1, "2026-03-15T11:00:00Z");
    assert_eq!(take_checkpoint(&url, &dir, &key), "kontrollpunkt 2 tagen\n");
    let (status, stdout) = verify_with_checkpoints(&url, &dir, &public);
    assert_eq!(status, Some(0), "{stdout}");
    // Three change records (unit, person, household) and two reads.
    assert!(
        stdout.contains("ok: ändringsloggen är hel (3 poster)\n"),
        "{stdout}"
    );
    assert!(stdout.contains("ok: läsloggen är hel (2 poster)\n"), "{stdout}");
    assert!(
        stdout.contains("ok: kedjorna stämmer med 2 signerade kontrollpunkter, den senaste nummer 2"),
        "{stdout}"
    );
    assert!(stdout.contains("och med databasens 2\n"), "{stdout}");
    let lines = std::fs::read_to_string(dir.join("checkpoints/checkpoints.jsonl")).unwrap();
    assert_eq!(lines.lines().count(), 2, "one line per checkpoint:\n{lines}");
}

#[test]
fn verify_names_a_rewritten_chain() {
    use sha2::Digest;
    let dir = scratch("anchor-rewritten");
    let key = dir.join("checkpoint.key");
    keygen(&key);
    let (url, _) = town(&dir, 0);
    take_checkpoint(&url, &dir, &key);
    // Record 2 (the person's registration) changed, records 2-3 and the head recomputed by the chain's formula.
    runtime().block_on(async {
        use sqlx::Row;
        let s = store::SqlStore::connect(&url).await.unwrap();
        sqlx::query("DROP TRIGGER audit_log_no_update")
            .execute(s.pool())
            .await
            .unwrap();
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, subject_person, page, detail_json, prev_hash FROM audit_log \
             WHERE seq >= 2 ORDER BY seq",
        )
        .fetch_all(s.pool())
        .await
        .unwrap();
        let mut prev: String = rows[0].get("prev_hash");
        for row in &rows {
            let seq: i64 = row.get("seq");
            let page = if seq == 2 {
                "annan".to_owned()
            } else {
                row.get("page")
            };
            let canonical = serde_json::json!([
                seq,
                row.get::<i64, _>("at"),
                row.get::<String, _>("actor"),
                row.get::<String, _>("action"),
                row.get::<Option<i64>, _>("subject_person"),
                page,
                row.get::<String, _>("detail_json")
            ])
            .to_string();
            // The chain's formula (store::audit): hash = sha256(prev_hash || content_digest), both hex, and
            // content_digest = sha256(canonical content): an attacker who can write the database recomputes both.
            let digest = hex::encode(sha2::Sha256::digest(canonical.as_bytes()));
            let hash = hex::encode(
                sha2::Sha256::new()
                    .chain_update(prev.as_bytes())
                    .chain_update(digest.as_bytes())
                    .finalize(),
            );
            sqlx::query(
                "UPDATE audit_log SET page = $1, content_digest = $2, prev_hash = $3, hash = $4 WHERE seq = $5",
            )
            .bind(page)
            .bind(digest)
            .bind(prev.clone())
            .bind(hash.clone())
            .bind(seq)
                .execute(s.pool())
                .await
                .unwrap();
            prev = hash;
        }
        sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
            .bind(prev)
            .execute(s.pool())
            .await
            .unwrap();
        s.close().await;
    });
    let (status, stdout) = verify_with_checkpoints(&url, &dir, &dir.join("checkpoint.key.pub"));
    assert_eq!(status, Some(1), "{stdout}");
    // The chain itself looks whole; the checkpoint of its head (record 3) does not match it.
    assert!(
        stdout.contains("ok: ändringsloggen är hel (3 poster)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "FEL: ändringsloggen har skrivits om vid eller före post 3: posten har en annan hash än i den \
             signerade kontrollpunkten nummer 1\n"
        ),
        "{stdout}"
    );
}

#[test]
fn verify_names_a_rolled_back_read_log() {
    let dir = scratch("anchor-rolled-back");
    let key = dir.join("checkpoint.key");
    keygen(&key);
    let (url, h) = town(&dir, 1);
    // A copy of the read log as it is now, one record long: the file and its write-ahead log, if SQLite kept one.
    let files = |name: &str| ["", "-wal"].map(|suffix| dir.join(format!("{name}{suffix}")));
    let copy = |from: &str, to: &str| {
        for (from, to) in files(from).iter().zip(files(to)) {
            let _ = std::fs::remove_file(&to);
            if from.exists() {
                std::fs::copy(from, to).unwrap();
            }
        }
        let _ = std::fs::remove_file(dir.join(format!("{to}-shm")));
    };
    copy("town.db-readlog", "readlog-copy");
    read_household(&url, h, 2, "2026-03-15T11:00:00Z");
    take_checkpoint(&url, &dir, &key);
    // Put back.
    copy("readlog-copy", "town.db-readlog");
    let (status, stdout) = verify_with_checkpoints(&url, &dir, &dir.join("checkpoint.key.pub"));
    assert_eq!(status, Some(1), "{stdout}");
    assert!(stdout.contains("ok: läsloggen är hel (1 poster)\n"), "{stdout}");
    assert!(
        stdout.contains(
            "FEL: läsloggen har rullats tillbaka: den slutar vid post 1, men den signerade kontrollpunkten \
             nummer 1 såg post 3"
        ),
        "{stdout}"
    );
}

#[test]
fn verify_reports_a_checkpoint_with_a_bad_signature() {
    let dir = scratch("anchor-bad-signature");
    let (key, other) = (dir.join("checkpoint.key"), dir.join("other.key"));
    keygen(&key);
    keygen(&other);
    let (url, _) = town(&dir, 0);
    // Signed with a key that is not the one the auditor trusts.
    take_checkpoint(&url, &dir, &other);
    let (status, stdout) = verify_with_checkpoints(&url, &dir, &dir.join("checkpoint.key.pub"));
    assert_eq!(status, Some(1), "{stdout}");
    assert!(
        stdout.contains("FEL: kontrollpunkt 1 har en ogiltig signatur"),
        "{stdout}"
    );
    assert!(
        stdout.contains("obs: katalogen har inga kontrollpunkter med giltig signatur"),
        "{stdout}"
    );
}

/// A valid personnummer (canonical twelve digits) for a birth date and serial: the Luhn check digit over the last
/// nine digits written and the serial.
fn personnummer(birth: &str, serial: u16) -> domain::Personnummer {
    let s = format!("{birth}{serial:03}");
    let sum: u32 = s[2..]
        .chars()
        .enumerate()
        .map(|(i, c)| {
            let p = c.to_digit(10).unwrap() * if i % 2 == 0 { 2 } else { 1 };
            p / 10 + p % 10
        })
        .sum();
    domain::Personnummer::from_canonical(&format!("{s}{}", (10 - sum % 10) % 10)).unwrap()
}

#[test]
fn gallring_reports_then_removes_the_household_and_the_chains_verify() {
    use store::Store;
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("gallring-{}.sqlite", std::process::id()));
    for suffix in ["", "-wal", "-shm", "-readlog", "-readlog-wal", "-readlog-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    // One person (born on the 6th: not in the research sample) with a household and a note, all in 2019.
    runtime.block_on(async {
        let s = store::SqlStore::connect(&url).await.unwrap();
        let a = domain::Actor::system("test", "cli", "2019-06-03T10:00:00Z".parse().unwrap());
        let unit = s.create_unit(&a, "Team").await.unwrap();
        let p = s
            .register_person(
                &a,
                store::NewPerson {
                    pnr: personnummer("19700106", 31),
                    name: "Cecilia Clisson".into(),
                    protection: domain::ProtectedIdentity::None,
                },
            )
            .await
            .unwrap();
        s.register_household(
            &a,
            unit,
            &[(p, norm::contract::Role::Adult)],
            "2019-06-01".parse().unwrap(),
        )
        .await
        .unwrap();
        s.append_journal(&a, p, domain::journal::NoteKind::Note, "Cecilia har flyttat")
            .await
            .unwrap();
        s.close().await;
    });
    let persons = || {
        runtime.block_on(async {
            let s = store::SqlStore::connect(&url).await.unwrap();
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM persons")
                .fetch_one(s.pool())
                .await
                .unwrap();
            s.close().await;
            n
        })
    };
    let db = format!("sqlite://{}?mode=rw", path.display());
    let dry = stegvis(&["gallring", "--date", "2026-03-15", "--db", &db], None);
    let text = String::from_utf8(dry.stdout).unwrap();
    assert_eq!(
        dry.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    assert!(text.contains("ska gallras:                 1"), "{text}");
    assert!(text.contains("hushåll att gallra:          1"), "{text}");
    assert!(text.contains("Provkörning: inget raderat"), "{text}");
    assert_eq!(persons(), 1, "a dry run deletes nothing");

    // A negative log retention is refused and changes nothing.
    let bad = stegvis(
        &[
            "gallring",
            "--date",
            "2026-03-15",
            "--execute",
            "--logg-ar=-1",
            "--db",
            &db,
        ],
        None,
    );
    assert_ne!(bad.status.code(), Some(0));
    assert_eq!(persons(), 1);

    let run = stegvis(
        &[
            "gallring",
            "--date",
            "2026-03-15",
            "--execute",
            "--logg-ar",
            "5",
            "--db",
            &db,
        ],
        None,
    );
    let text = String::from_utf8(run.stdout).unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        text.contains("Raderat: 1 personer, 1 journalanteckningar"),
        "{text}"
    );
    // The household never applied: no month to keep as statistics.
    assert!(
        text.contains("Gallrat: 1 hushåll (0 månader sparade som statistik)"),
        "{text}"
    );
    assert_eq!(persons(), 0);
    let verify = stegvis(&["audit", "verify", "--db", &db], None);
    assert_eq!(
        verify.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
    for suffix in ["", "-wal", "-shm", "-readlog", "-readlog-wal", "-readlog-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

// --- the ladder's statistics ------------------------------------------------------------------------------------

/// A valid personnummer born 1980-01-01 with this serial (the Luhn check digit computed).
fn pnr(serial: u16) -> domain::Personnummer {
    let s = format!("19800101{serial:03}");
    let sum: u32 = s[2..]
        .chars()
        .map(|c| c.to_digit(10).unwrap())
        .enumerate()
        .map(|(i, d)| {
            let p = d * if i % 2 == 0 { 2 } else { 1 };
            p / 10 + p % 10
        })
        .sum();
    domain::Personnummer::from_canonical(&format!("{s}{}", (10 - sum % 10) % 10)).unwrap()
}

/// (day, step) of an assessment and (day, reason) of an exit.
type Rating = (&'static str, u8);
type Exit = (&'static str, &'static str);

/// A database with a three-step ladder and three persons' histories (see the test for the figures).
fn ladder_town(dir: &Path) -> String {
    use store::Store;
    let url = format!("sqlite://{}?mode=rwc", dir.join("ladder.db").display());
    runtime().block_on(async {
        let s = store::SqlStore::connect(&url).await.unwrap();
        let a = domain::Actor::system("test", "test", "2026-01-01T09:00:00Z".parse().unwrap());
        let unit = s.create_unit(&a, "Enhet").await.unwrap();
        let exec = |sql: String| {
            let pool = s.pool().clone();
            async move { sqlx::query(&sql).execute(&pool).await.unwrap() }
        };
        exec("INSERT INTO ladder_versions (id, valid_from, created_by, created_at) VALUES (1, '2025-01-01', 'test', 0)".into()).await;
        for n in 1..=3 {
            exec(format!(
                "INSERT INTO ladder_steps (version_id, step, name_sv, name_en, description_sv, description_en) \
                 VALUES (1, {n}, 'Steg {n}', 'Step {n}', '', '')"
            ))
            .await;
        }
        let histories: [(&[Rating], Option<Exit>); 3] = [
            (&[("2025-11-10", 1), ("2026-01-20", 2)], None),
            (&[("2025-12-01", 2)], Some(("2026-01-15", "work"))),
            (&[("2026-01-05", 3)], Some(("2026-02-05", "moved"))),
        ];
        for (i, (assessments, exit)) in histories.iter().enumerate() {
            let p = s
                .register_person(
                    &a,
                    store::NewPerson {
                        pnr: pnr(u16::try_from(i).unwrap() + 1),
                        name: "Test".into(),
                        protection: domain::ProtectedIdentity::None,
                    },
                )
                .await
                .unwrap();
            let h = s
                .register_household(&a, unit, &[(p, norm::contract::Role::Adult)], jiff::civil::date(2025, 1, 1))
                .await
                .unwrap();
            for (day, step) in *assessments {
                exec(format!(
                    "INSERT INTO assessments (person_id, household_id, assessed_on, ladder_version, step, own_step, \
                     obstacles, assessed_by, recorded_at) VALUES ({}, {}, '{day}', 1, {step}, NULL, '{{}}', 'test', 0)",
                    p.get(),
                    h.get()
                ))
                .await;
            }
            if let Some((day, reason)) = exit {
                exec(format!(
                    "INSERT INTO ladder_exits (person_id, household_id, exited_on, reason, recorded_by, recorded_at) \
                     VALUES ({}, {}, '{day}', '{reason}', 'test', 0)",
                    p.get(),
                    h.get()
                ))
                .await;
            }
        }
        s.close().await;
    });
    url
}

fn statistics_reads(url: &str) -> i64 {
    runtime().block_on(async {
        let s = store::SqlStore::connect(url).await.unwrap();
        let row = sqlx::query("SELECT COUNT(*) FROM readlog.read_log WHERE action = 'statistics.read'")
            .fetch_one(s.pool())
            .await
            .unwrap();
        s.close().await;
        sqlx::Row::try_get::<i64, _>(&row, 0).unwrap()
    })
}

fn ladder(url: &str, from: &str, to: &str, format: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stegvis"))
        .args([
            "ladder", "--db", url, "--from", from, "--to", to, "--format", format,
        ])
        .env("STEGVIS_FIXED_NOW", "2027-04-01T10:00:00Z")
        .output()
        .unwrap()
}

#[test]
fn ladder_prints_the_transition_matrix_and_exit_rates_and_refuses_bad_arguments() {
    let dir = scratch("ladder");
    let url = ladder_town(&dir).replace("mode=rwc", "mode=rw");
    let out = ladder(&url, "2026-01", "2026-02", "json");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // January, on the ladder on 1 Jan: the first person (step 1, up to 2 on 20 Jan) and the second (step 2, exits
    // to work on 15 Jan); the third starts on 5 Jan. February: the first (step 2, stays) and the third (step 3,
    // moves away 5 Feb).
    let jan = &v["months"][0]["matrix"]["rows"];
    assert_eq!(v["months"][0]["month"], "2026-01");
    assert_eq!(jan[0]["at_start"], 1);
    assert_eq!(jan[0]["at_end_on_step"]["2"], 1);
    assert_eq!(jan[1]["exited"]["work"], 1);
    let total = &v["total"]["rows"];
    assert_eq!(v["total"]["at_start"], 4);
    assert_eq!(total[1]["at_start"], 2);
    assert_eq!(total[1]["at_end_on_step"]["2"], 1);
    assert_eq!(total[1]["exited_total"], 1);
    assert_eq!(total[2]["exited"]["moved"], 1);
    // Exit rate by step: step 1 0 of 1, step 2 1 of 2, step 3 1 of 1.
    let rates = &v["exit_rate_by_step"];
    assert_eq!(rates[0]["exit_rate"], 0.0);
    assert_eq!(rates[1]["exit_rate"], 0.5);
    assert_eq!(rates[1]["person_months"], 2);
    assert_eq!(rates[2]["exit_rate"], 1.0);
    assert_eq!(v["steps"][2]["name_sv"], "Steg 3");
    assert_eq!(statistics_reads(&url), 1, "one read record for the run");

    // Bad arguments: one line on stderr, status 2, nothing on stdout and no read.
    for (from, to, format) in [
        ("2026-13", "2026-02", "json"),
        ("2026-01", "februari", "json"),
        ("2026-03", "2026-02", "json"),
        ("2026-01", "2027-04", "json"),
        ("2026-01", "2026-02", "csv"),
    ] {
        let out = ladder(&url, from, to, format);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{from} {to} {format}: {stderr}");
        assert!(out.stdout.is_empty());
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("stegvis ladder: --"), "{stderr}");
    }
    assert_eq!(statistics_reads(&url), 1, "nothing read for bad arguments");
}
