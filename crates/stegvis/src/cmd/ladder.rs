//! `stegvis ladder --db URL --from YYYY-MM --to YYYY-MM --format json`: the ladder's transition matrix (persons by
//! step on each month's first day, and where they were on its last day, exits by reason included) and the exit rate
//! by step, as JSON on stdout. It runs the same use case as the board's page (`App::ladder_stats_for_system`) as
//! the system actor `stegforflyttning`, with one `statistics.read` record; its counts are exact (whoever runs it
//! holds the database). Bad arguments: one line on stderr, exit status 2, nothing read or written.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use app::AppError;
use app::domain::progression::ExitReason;
use app::domain::progression::analysis::{Analysis, Cell, Cohorts, TransitionMatrix};
use app::ladder_stats::LadderStatsRequest;
use norm::Month;
use serde_json::{Value, json};
use store::SqlStore;

#[derive(Debug, clap::Args)]
pub struct LadderArgs {
    /// Databas-URL (sqlite://SÖKVÄG eller postgres://...)
    #[arg(long, default_value = super::audit::DEFAULT_DB)]
    db: String,
    /// Första månaden (ÅÅÅÅ-MM)
    #[arg(long)]
    from: String,
    /// Sista månaden (ÅÅÅÅ-MM), en månad som är slut
    #[arg(long)]
    to: String,
    /// Utdataformat: json
    #[arg(long, default_value = "json")]
    format: String,
}

/// A bad argument: the one line to print.
fn month(flag: &str, text: &str) -> Result<Month, String> {
    text.trim()
        .parse::<Month>()
        .map_err(|_| format!("{flag}: skriv månaden som ÅÅÅÅ-MM, fick {text:?}"))
}

fn bad(line: &str) -> ExitCode {
    eprintln!("stegvis ladder: {line}");
    ExitCode::from(2)
}

pub fn run(args: LadderArgs) -> ExitCode {
    let req = match (month("--from", &args.from), month("--to", &args.to)) {
        (Ok(from), Ok(to)) => LadderStatsRequest {
            from,
            to,
            cohorts: Cohorts::Year,
            unit: None,
        },
        (Err(e), _) | (_, Err(e)) => return bad(&e),
    };
    if args.format != "json" {
        return bad(&format!("--format: bara json stöds, fick {:?}", args.format));
    }
    match try_run(&args, &req) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(line)) => bad(&line),
        Err(e) => {
            eprintln!("stegvis ladder: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Ok(Err(line)): the use case refused the arguments.
fn try_run(args: &LadderArgs, req: &LadderStatsRequest) -> anyhow::Result<Result<(), String>> {
    let runtime = tokio::runtime::Runtime::new().context("kunde inte starta körmiljön")?;
    let report = runtime.block_on(async {
        let store = SqlStore::connect(&args.db)
            .await
            .context("kunde inte öppna databasen")?;
        let app = app::App::new(
            store.clone(),
            super::clock::from_env()?,
            web::Config::default().policy(),
        );
        let report = app.ladder_stats_for_system("stegforflyttning", req).await;
        store.close().await;
        anyhow::Ok(report)
    })?;
    let report = match report {
        Ok(r) => r,
        Err(AppError::Invalid { field, reason }) => {
            let flag = if field == "till" { "--to" } else { "--from" };
            return Ok(Err(format!("{flag}: {reason}")));
        }
        Err(e) => return Err(anyhow::Error::new(e).context("statistiken kunde inte läsas")),
    };
    let out = to_json(&report.analysis, &report.step_names);
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, &out)?;
    writeln!(stdout)?;
    Ok(Ok(()))
}

fn cell(c: Cell) -> Value {
    c.count().map_or(Value::Null, Value::from)
}

fn matrix(m: &TransitionMatrix) -> Value {
    let rows: Vec<Value> = m
        .rows
        .iter()
        .map(|r| {
            let to_step: serde_json::Map<String, Value> = r
                .to_step
                .iter()
                .enumerate()
                .map(|(i, c)| ((i + 1).to_string(), cell(*c)))
                .collect();
            let exited: serde_json::Map<String, Value> = r
                .to_exit
                .iter()
                .map(|(reason, c)| (reason.as_str().to_owned(), cell(*c)))
                .collect();
            json!({
                "step": r.from,
                "at_start": cell(r.at_start),
                "at_end_on_step": to_step,
                "exited": exited,
                "exited_total": cell(r.exited),
            })
        })
        .collect();
    json!({ "at_start": cell(m.at_start), "rows": rows })
}

/// The command's JSON: the months' matrices, their sum and the exit rate by step, with the definitions.
fn to_json(a: &Analysis, names: &[(String, String)]) -> Value {
    let steps: Vec<Value> = names
        .iter()
        .enumerate()
        .map(|(i, (sv, en))| json!({ "step": i + 1, "name_sv": sv, "name_en": en }))
        .collect();
    let months: Vec<Value> = a
        .months
        .iter()
        .map(|m| json!({ "month": m.month.to_string(), "matrix": matrix(&m.matrix) }))
        .collect();
    let exit_rates: Vec<Value> = a
        .by_step
        .iter()
        .map(|s| {
            json!({
                "step": s.step,
                "person_months": cell(s.rates.at_risk),
                "exits": cell(s.rates.exit.events),
                "exit_rate": s.rates.exit.share,
                "exits_to_work_or_studies": cell(s.rates.self_sufficient.events),
                "step_ups": cell(s.rates.step_up.events),
                "step_up_rate": s.rates.step_up.share,
            })
        })
        .collect();
    json!({
        "from": a.from.to_string(),
        "to": a.to.to_string(),
        "observed_until": a.until.to_string(),
        "exit_reasons": ExitReason::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        "definitions": {
            "matrix": "For each month: persons on the ladder on its first day, by their step (the latest \
                       assessment on or before it), and where each was on its last day: on a step, or exited (the \
                       reason of their last exit in the month). The total is the sum of the months (person-months).",
            "exit_rate": "Exits in the month per person-month on the step on the month's first day. An \
                          association, not an effect.",
            "suppressed": "Exact counts: small counts are not suppressed in this command's output.",
        },
        "steps": steps,
        "months": months,
        "total": matrix(&a.total),
        "exit_rate_by_step": exit_rates,
    })
}
