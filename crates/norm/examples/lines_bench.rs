//! A quick measure of the explained path on the golden cases' households, repeated: household-months per second
//! with lines as `CalcResponse` values (`explain_view`) and as response JSON (`ResponseWriter`), and the same
//! worded in English with members named. Single-threaded, release build:
//! `cargo run --release -p norm --example lines_bench`. Compare runs on the same machine only.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a measuring tool"
)]

use std::time::Instant;

use norm::{Guidelines, Household, RuleBook};

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/cases");
    let mut households = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".json") || name.ends_with(".guidelines.json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        if let Ok(req) = norm::parse_request(&text)
            && let Ok(hh) = Household::from_request(&req)
            && norm::calculate(&RuleBook::standard(), &req).is_ok()
        {
            households.push(hh);
        }
    }
    let book = RuleBook::standard();
    let none = Guidelines::none();
    let rounds = 20_000;
    let n = (households.len() * rounds) as f64;
    let best = |f: &mut dyn FnMut() -> u64| {
        (0..5)
            .map(|_| {
                let start = Instant::now();
                let sink = f();
                std::hint::black_box(sink);
                n / start.elapsed().as_secs_f64()
            })
            .fold(0.0, f64::max)
    };
    let structs = best(&mut || {
        let mut s = 0u64;
        for _ in 0..rounds {
            for hh in &households {
                s += norm::explain_view(&book, hh.view(), &none).unwrap().lines.len() as u64;
            }
        }
        s
    });
    let mut writer = norm::ResponseWriter::new();
    let mut out = String::new();
    let json = best(&mut || {
        let mut s = 0u64;
        for _ in 0..rounds {
            for hh in &households {
                out.clear();
                writer.write(&book, hh.view(), &none, &mut out).unwrap();
                s += out.len() as u64;
            }
        }
        s
    });
    println!("households {} x {rounds}", households.len());
    println!("lines_struct (explain_view): {:.2} M/s", structs / 1e6);
    println!("lines (ResponseWriter JSON): {:.2} M/s", json / 1e6);
    voiced(&book, &households, rounds, n);
}

// VOICED-START
fn voiced(book: &RuleBook, households: &[Household], rounds: usize, n: f64) {
    use std::collections::HashMap;
    let none = Guidelines::none();
    let mut names: HashMap<String, String> = HashMap::new();
    for hh in households {
        for id in hh.view().ids() {
            names.insert(id.clone(), format!("Namn {id}"));
        }
    }
    let voice = norm::Voice::new(norm::Lang::En, Some(&names));
    let best = (0..5)
        .map(|_| {
            let start = Instant::now();
            let mut s = 0u64;
            for _ in 0..rounds {
                for hh in households {
                    s += norm::explain_view_voiced(book, hh.view(), &none, voice)
                        .unwrap()
                        .lines
                        .len() as u64;
                }
            }
            std::hint::black_box(s);
            n / start.elapsed().as_secs_f64()
        })
        .fold(0.0, f64::max);
    println!(
        "lines_struct in English, named (explain_view_voiced): {:.2} M/s",
        best / 1e6
    );
}
// VOICED-END
