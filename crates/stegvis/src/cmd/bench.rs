//! `stegvis bench norm`: throughput of the calculation engine on a deterministic synthetic population in memory.
//!
//! Only the calculation is timed: the population is generated and validated first. `--export` writes the same
//! population as contract JSON Lines, so another engine (benches/openfisca) can compute the very same households.

use std::fs;
use std::hint::black_box;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use norm::contract::{CalcRequest, CostsIn, IncomeIn, IncomeKind, MemberIn, Role};
use norm::{Guidelines, Month, Population, ResponseWriter, RuleBook};

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    target: BenchTarget,
}

#[derive(Debug, clap::Subcommand)]
enum BenchTarget {
    /// The försörjningsstöd calculation (norm crate).
    Norm(NormArgs),
    /// The board's ladder page (`/stegforflyttning`) against the same matrix in SQL alone.
    Ladder(super::bench_ladder::LadderBenchArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Mode {
    /// Totals only (the bulk path: no texts, no allocation).
    Totals,
    /// With explanation lines, written as the contract's response JSON into a reused buffer.
    Lines,
    /// With explanation lines, as a `CalcResponse` value per household.
    #[value(name = "lines_struct")]
    LinesStruct,
}

#[derive(Debug, clap::Args)]
struct NormArgs {
    /// Number of household-months in the synthetic population.
    #[arg(long, default_value_t = 1_000_000)]
    households: usize,
    /// Also time the full calculation with explanation lines (Swedish texts, the contract's response): the
    /// modes `lines` and `lines_struct` after `totals`.
    #[arg(long)]
    lines: bool,
    /// Exactly which modes to time, comma-separated (`totals`, `lines`, `lines_struct`); overrides --lines.
    #[arg(long, value_delimiter = ',', value_enum)]
    modes: Vec<Mode>,
    /// Seed of the population generator.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Repeat the timed loop until at least this many seconds have passed (steadier figures).
    #[arg(long, default_value_t = 1.0)]
    min_seconds: f64,
    /// Write the population as contract JSON Lines to this file (for the OpenFisca comparison).
    #[arg(long, value_name = "FILE.jsonl")]
    export: Option<PathBuf>,
}

pub fn run(args: BenchArgs) -> ExitCode {
    let result = match args.target {
        BenchTarget::Norm(a) => bench_norm(&a),
        BenchTarget::Ladder(a) => super::bench_ladder::run(&a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("stegvis bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// xorshift64*: tiny, deterministic, and the same algorithm can be written in any language.
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `lo..=hi` (bias is irrelevant for a benchmark population).
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = u64::try_from(hi - lo + 1).unwrap_or(1).max(1);
        lo + i64::try_from(self.next() % span).unwrap_or(0)
    }

    fn chance(&mut self, percent: i64) -> bool {
        self.range(0, 99) < percent
    }
}

/// One synthetic household-month: 1-3 adults, 0-6 children (rarely up to 9), a month in 2021-2026, typical costs
/// and incomes, some in jobbstimulans, a few with assets or in a household community.
fn household(rng: &mut Rng) -> anyhow::Result<CalcRequest> {
    let year = u16::try_from(rng.range(2021, 2026))?;
    let month = Month::new(year, u8::try_from(rng.range(1, 12))?)?;
    let n_adults = match rng.range(0, 99) {
        0..=54 => 1,
        55..=96 => 2,
        _ => 3,
    };
    let n_children = match rng.range(0, 99) {
        0..=44 => 0,
        45..=94 => rng.range(1, 3),
        _ => rng.range(4, 9),
    };
    let mut members = Vec::new();
    for i in 0..n_adults {
        let mwa = rng.range(0, 30);
        let from = if mwa >= 6 && rng.chance(50) {
            month.plus(-i32::try_from(rng.range(0, 30))?)
        } else {
            None
        };
        members.push(MemberIn {
            id: format!("a{i}"),
            role: Role::Adult,
            age: rng.range(18, 70),
            lunch_outside_home: false,
            months_with_assistance: mwa,
            jobbstimulans_from: from,
        });
    }
    for i in 0..n_children {
        let age = rng.range(0, 20);
        members.push(MemberIn {
            id: format!("c{i}"),
            role: Role::Child,
            age,
            lunch_outside_home: age <= 6 && rng.chance(70),
            months_with_assistance: 0,
            jobbstimulans_from: None,
        });
    }
    let size = members.len();
    let shared_household_size = (size == 1 && rng.chance(8)).then(|| rng.range(2, 5));
    let mut incomes = Vec::new();
    for i in 0..n_adults {
        if rng.chance(35) {
            incomes.push(IncomeIn {
                member: Some(format!("a{i}")),
                kind: IncomeKind::Salary,
                amount: rng.range(500, 20_000),
                earned_earlier_this_year: None,
            });
        }
        if rng.chance(20) {
            incomes.push(IncomeIn {
                member: Some(format!("a{i}")),
                kind: IncomeKind::UnemploymentBenefit,
                amount: rng.range(2000, 12_000),
                earned_earlier_this_year: None,
            });
        }
    }
    if n_children > 0 {
        incomes.push(IncomeIn {
            member: None,
            kind: IncomeKind::ChildAllowance,
            amount: 1250 * n_children,
            earned_earlier_this_year: None,
        });
        if rng.chance(10) {
            incomes.push(IncomeIn {
                member: Some("c0".into()),
                kind: IncomeKind::Salary,
                amount: rng.range(500, 8000),
                earned_earlier_this_year: Some(rng.range(0, 70_000)),
            });
        }
    }
    if rng.chance(30) {
        incomes.push(IncomeIn {
            member: None,
            kind: IncomeKind::HousingAllowance,
            amount: rng.range(500, 4000),
            earned_earlier_this_year: None,
        });
    }
    if rng.chance(5) {
        incomes.push(IncomeIn {
            member: Some("a0".into()),
            kind: IncomeKind::DisabilityCompensation,
            amount: rng.range(500, 2000),
            earned_earlier_this_year: None,
        });
    }
    let size_kr = i64::try_from(size)?;
    Ok(CalcRequest {
        month,
        couple: (n_adults == 2).then(|| rng.chance(80)),
        members,
        shared_household_size,
        costs: CostsIn {
            rent: rng.range(2500, 5000) + 900 * size_kr,
            electricity: rng.range(150, 600),
            home_insurance: rng.range(80, 250),
            work_travel: if rng.chance(15) { rng.range(200, 1000) } else { 0 },
            union_fees: if rng.chance(10) { rng.range(100, 500) } else { 0 },
        },
        incomes,
        assets: if rng.chance(3) { rng.range(1000, 20_000) } else { 0 },
        // the OpenFisca model computes neither: the benchmark's households keep the contract's first shape
        decided_on: None,
        norm_adjustments: Vec::new(),
    })
}

fn population(n: usize, seed: u64) -> anyhow::Result<Vec<CalcRequest>> {
    let mut rng = Rng::new(seed);
    (0..n).map(|_| household(&mut rng)).collect()
}

// A monotonic clock only measures durations here; the project's ban on reading wall-clock time (clippy.toml) is
// about dates in rules and decisions, and does not cover `Instant`.
fn now() -> Instant {
    Instant::now()
}

/// CPU time this thread has run, in nanoseconds (Linux `/proc/thread-self/schedstat`), to tell the engine's speed
/// from time lost to other processes on a shared machine. `None` where unavailable.
fn cpu_ns() -> Option<u64> {
    fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[derive(Debug)]
struct Timing {
    /// Household-months per second of the median pass (robust against other processes on a shared machine).
    per_s: f64,
    /// Over all passes together.
    mean_per_s: f64,
    /// Per second of this thread's CPU time, all passes.
    per_cpu_s: Option<f64>,
    passes: usize,
    checksum: i64,
}

/// Runs `pass` over the population until `min` has passed (at least once).
fn timed(n: usize, min: Duration, mut pass: impl FnMut() -> anyhow::Result<i64>) -> anyhow::Result<Timing> {
    let cpu0 = cpu_ns();
    let start = now();
    let mut secs = Vec::new();
    let mut checksum = 0i64;
    loop {
        let t = now();
        checksum = checksum.wrapping_add(black_box(pass()?));
        secs.push(t.elapsed().as_secs_f64());
        if start.elapsed() >= min {
            break;
        }
    }
    let total = start.elapsed().as_secs_f64();
    let passes = secs.len();
    let done = n as f64 * passes as f64;
    let per_cpu_s = match (cpu0, cpu_ns()) {
        (Some(a), Some(b)) if b > a => Some(done / ((b - a) as f64 / 1e9)),
        _ => None,
    };
    secs.sort_by(f64::total_cmp);
    let median = secs.get(passes / 2).copied().unwrap_or(total);
    Ok(Timing {
        per_s: n as f64 / median,
        mean_per_s: done / total,
        per_cpu_s,
        passes,
        checksum: checksum / i64::try_from(passes)?,
    })
}

fn report(out: &mut impl Write, mode: &str, n: usize, t: &Timing) -> io::Result<()> {
    let cpu = t
        .per_cpu_s
        .map(|c| format!(" households_per_cpu_s={c:.0}"))
        .unwrap_or_default();
    writeln!(
        out,
        "mode={mode} households={n} passes={} assistance_total_kr={} households_per_s={:.0} mean_households_per_s={:.0}{cpu}",
        t.passes, t.checksum, t.per_s, t.mean_per_s
    )
}

fn bench_norm(a: &NormArgs) -> anyhow::Result<()> {
    anyhow::ensure!(a.households > 0, "--households must be at least 1");
    let book = RuleBook::standard();
    let reqs = population(a.households, a.seed)?;
    if let Some(path) = &a.export {
        let f = fs::File::create(path).with_context(|| format!("writing {}", path.display()))?;
        let mut w = BufWriter::new(f);
        for r in &reqs {
            serde_json::to_writer(&mut w, r)?;
            writeln!(w)?;
        }
        w.flush()?;
    }
    // Validation is not part of the timed calculation: the population is validated once, into flat storage.
    let pop = Population::from_requests(&reqs)
        .map_err(|e| anyhow::anyhow!("generated household is invalid: {e}"))?;
    let min = Duration::from_secs_f64(a.min_seconds.max(0.0));
    let mut out = io::stdout().lock();

    let modes = if !a.modes.is_empty() {
        a.modes.clone()
    } else if a.lines {
        vec![Mode::Totals, Mode::Lines, Mode::LinesStruct]
    } else {
        vec![Mode::Totals]
    };

    if modes.contains(&Mode::Totals) {
        let t = timed(a.households, min, || {
            let mut sum = 0i64;
            for hh in pop.iter() {
                sum += norm::calculate_totals_view(&book, hh)?.assistance.ore();
            }
            Ok(sum / 100)
        })?;
        report(&mut out, "totals", a.households, &t)?;
    }

    let no_guidelines = Guidelines::none();
    if modes.contains(&Mode::Lines) {
        // With explanation lines, as bulk output: each household's full response JSON (every line's Swedish text
        // and legal basis) written into a reused buffer, as `stegvis calc --batch` does.
        let mut writer = ResponseWriter::new();
        let mut buf = String::with_capacity(1 << 16);
        let mut bytes = 0usize;
        let t = timed(a.households, min, || {
            let mut sum = 0i64;
            for hh in pop.iter() {
                buf.clear();
                sum += writer
                    .write(&book, hh, &no_guidelines, &mut buf)?
                    .assistance
                    .ore();
                bytes += black_box(buf.len());
            }
            Ok(sum / 100)
        })?;
        report(&mut out, "lines", a.households, &t)?;
        black_box(bytes);
    }
    if modes.contains(&Mode::LinesStruct) {
        // The same with a `CalcResponse` value per household (owned strings per line), for library callers.
        let t = timed(a.households, min, || {
            let mut sum = 0i64;
            for hh in pop.iter() {
                let resp = black_box(norm::explain_view(&book, hh, &no_guidelines)?);
                sum += resp.assistance;
            }
            Ok(sum)
        })?;
        report(&mut out, "lines_struct", a.households, &t)?;
    }
    Ok(())
}
