//! `stegvis calc`: the calculation contract on the command line (one household from a file or stdin, or a batch).
//!
//! Bad input exits with status 2, prints nothing on stdout and one line on stderr naming the field. In a batch a bad
//! line becomes `{"line": N, "error": "..."}` in its place and the others are still calculated.

use std::fs;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use norm::{Guidelines, ResponseWriter, RuleBook, RuleSet};

#[derive(Debug, clap::Args)]
pub struct CalcArgs {
    /// Input JSON file (one household, one month), or `-` for stdin.
    #[arg(required_unless_present = "batch", conflicts_with = "batch")]
    file: Option<PathBuf>,
    /// A JSON Lines file with one input per line (`-` for stdin); writes one output per line.
    #[arg(long, value_name = "FILE.jsonl")]
    batch: Option<PathBuf>,
    /// Calculate under this rule set instead of the one in force for the month (e.g. `sol-2001-453`,
    /// `sol-2025-400`). An input whose `decided_on` falls under another law than its month still quotes the law
    /// of that day.
    #[arg(long, value_name = "NAME")]
    rule_set: Option<String>,
    /// Municipal guidelines (JSON, e.g. rent ceilings by household size) to apply.
    #[arg(long, value_name = "FILE.json")]
    guidelines: Option<PathBuf>,
}

const BAD_INPUT: u8 = 2;

fn read_all(path: &Path) -> anyhow::Result<String> {
    if path == Path::new("-") {
        let mut s = String::new();
        io::stdin().read_to_string(&mut s).context("reading stdin")?;
        Ok(s)
    } else {
        fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
    }
}

fn load_guidelines(path: Option<&Path>) -> anyhow::Result<Guidelines> {
    let Some(path) = path else {
        return Ok(Guidelines::none());
    };
    let g: Guidelines = serde_json::from_str(&read_all(path)?)
        .with_context(|| format!("reading guidelines {}", path.display()))?;
    g.validate()?;
    Ok(g)
}

pub fn run(args: CalcArgs) -> ExitCode {
    match try_run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("stegvis calc: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn try_run(args: &CalcArgs) -> anyhow::Result<ExitCode> {
    let book = RuleBook::standard();
    let guidelines = load_guidelines(args.guidelines.as_deref())?;
    let rule_set = match &args.rule_set {
        None => None,
        Some(name) => {
            let known: Vec<&str> = book.rule_sets().map(|r| r.name.as_str()).collect();
            Some(
                book.rule_set(name)
                    .with_context(|| format!("no rule set named {name:?} (known: {})", known.join(", ")))?,
            )
        }
    };
    if let Some(batch) = &args.batch {
        return batch_run(&book, rule_set, &guidelines, batch);
    }
    let Some(file) = &args.file else {
        anyhow::bail!("give FILE, `-` or --batch FILE.jsonl");
    };
    let input = read_all(file)?;
    let result = norm::parse_request(&input).and_then(|req| match rule_set {
        Some(rs) => norm::calculate_in(&book, rs, &req, &guidelines),
        None => norm::calculate_with(&book, &req, &guidelines),
    });
    match result {
        Ok(resp) => {
            let mut out = io::stdout().lock();
            serde_json::to_writer(&mut out, &resp)?;
            writeln!(out)?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{e}");
            Ok(ExitCode::from(BAD_INPUT))
        }
    }
}

#[derive(serde::Serialize)]
struct LineError {
    line: usize,
    error: String,
}

fn batch_run(
    book: &RuleBook,
    rule_set: Option<&RuleSet>,
    guidelines: &Guidelines,
    path: &Path,
) -> anyhow::Result<ExitCode> {
    let reader: Box<dyn BufRead> = if path == Path::new("-") {
        Box::new(io::stdin().lock())
    } else {
        let f = fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
        Box::new(BufReader::new(f))
    };
    let mut out = BufWriter::new(io::stdout().lock());
    // The streamed writer produces the same bytes as serializing `calculate_with`'s response, without building it.
    let mut writer = ResponseWriter::new();
    let mut buf = String::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("reading {}", path.display()))?;
        buf.clear();
        let done = norm::household_from_json(&line).and_then(|hh| match rule_set {
            Some(rs) => writer.write_in(book, rs, hh.view(), guidelines, &mut buf),
            None => writer.write(book, hh.view(), guidelines, &mut buf),
        });
        match done {
            Ok(_) => out.write_all(buf.as_bytes())?,
            Err(e) => serde_json::to_writer(
                &mut out,
                &LineError {
                    line: i + 1,
                    error: e.to_string(),
                },
            )?,
        }
        writeln!(out)?;
    }
    out.flush()?;
    // Bad lines are reported in place; the batch itself ran.
    Ok(ExitCode::SUCCESS)
}
