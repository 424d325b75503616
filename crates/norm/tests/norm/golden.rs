//! Golden cases: each `golden/cases/*.json` (with an optional `*.guidelines.json`) is calculated and its readable
//! breakdown compared with the checked-in `*.expected`. `UPDATE_GOLDEN=1 cargo test -p norm` rewrites them (then
//! read the diff: a golden file is only as good as its review).

use std::fs;
use std::path::{Path, PathBuf};

use norm::contract::{CalcRequest, CalcResponse};
use norm::{Guidelines, RuleBook};

fn dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(sub)
}

fn cases(sub: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir(sub))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "json") && !p.to_string_lossy().ends_with(".guidelines.json")
        })
        .collect();
    v.sort();
    v
}

/// Lines must add up to each total, and the assistance must follow from the totals.
pub fn assert_consistent(r: &CalcResponse) {
    for (part, total) in [
        ("norm", r.norm),
        ("reasonable_costs", r.reasonable_costs),
        ("counted_income", r.counted_income),
        ("assets", r.assets),
    ] {
        let sum: i64 = r.lines.iter().filter(|l| l.part == part).map(|l| l.amount).sum();
        assert_eq!(sum, total, "lines of {part} add up to its total");
    }
    assert_eq!(
        r.assistance,
        (r.norm + r.reasonable_costs - r.counted_income - r.assets).max(0)
    );
}

/// The streamed JSON of the bulk path must be byte for byte serde's serialization of the response.
pub fn assert_stream_matches(book: &RuleBook, req: &CalcRequest, guidelines: &Guidelines, r: &CalcResponse) {
    let hh = norm::Household::from_request(req).unwrap();
    let mut writer = norm::ResponseWriter::new();
    let mut out = String::new();
    // twice through the same writer: its buffers must be reset between households
    writer.write(book, hh.view(), guidelines, &mut out).unwrap();
    out.clear();
    writer.write(book, hh.view(), guidelines, &mut out).unwrap();
    assert_eq!(out, serde_json::to_string(r).unwrap());
}

fn check(input_json: &str, guidelines: &Guidelines) -> String {
    let book = RuleBook::standard();
    let parsed = norm::parse_request(input_json);
    match parsed
        .clone()
        .and_then(|req| norm::calculate_with(&book, &req, guidelines))
    {
        Ok(r) => {
            assert_consistent(&r);
            assert_stream_matches(&book, &parsed.unwrap(), guidelines, &r);
            r.breakdown()
        }
        Err(e) => format!("error: {e}\n"),
    }
}

#[test]
fn golden_cases() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    let all = cases("cases");
    assert!(all.len() >= 30, "at least 30 golden cases");
    for path in all {
        let input = fs::read_to_string(&path).unwrap();
        let g_path = path.with_extension("guidelines.json");
        let guidelines: Guidelines = if g_path.exists() {
            let g: Guidelines = serde_json::from_str(&fs::read_to_string(&g_path).unwrap()).unwrap();
            g.validate().unwrap();
            g
        } else {
            Guidelines::none()
        };
        let got = check(&input, &guidelines);
        let expected_path = path.with_extension("expected");
        if update {
            fs::write(&expected_path, &got).unwrap();
            continue;
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            failures.push(format!("--- {}\n{got}", expected_path.display()));
        }
    }
    assert!(failures.is_empty(), "golden mismatches:\n{}", failures.join("\n"));
}

/// The four shared examples of the contract, in their own one-line format.
#[test]
fn shared_contract_examples() {
    let book = RuleBook::standard();
    let all = cases("shared");
    assert_eq!(all.len(), 4);
    for path in all {
        let input = fs::read_to_string(&path).unwrap();
        let got = match norm::parse_request(&input).and_then(|req| norm::calculate(&book, &req)) {
            Ok(r) => {
                assert_consistent(&r);
                format!(
                    "norm={} reasonable_costs={} counted_income={} assets={} assistance={}",
                    r.norm, r.reasonable_costs, r.counted_income, r.assets, r.assistance
                )
            }
            Err(e) => format!("error (exit status 2): {e}"),
        };
        let expected = fs::read_to_string(path.with_extension("expected")).unwrap();
        assert_eq!(got, expected.trim_end(), "{}", path.display());
    }
}

/// Ids are free text: quotes, backslashes and control characters must be escaped like serde_json does.
#[test]
fn odd_ids_are_escaped_in_streamed_json() {
    let book = RuleBook::standard();
    let json = r#"{"month":"2023-05","members":[{"id":"a\"b\\c\n\u0001ö","role":"adult","age":30,"months_with_assistance":9},
        {"id":"x/y","role":"child","age":19}],
        "incomes":[{"member":"a\"b\\c\n\u0001ö","kind":"salary","amount":30000}]}"#;
    let req = norm::parse_request(json).unwrap();
    let r = norm::calculate(&book, &req).unwrap();
    assert!(r.findings.len() >= 3, "{:?}", r.findings);
    assert_stream_matches(&book, &req, &Guidelines::none(), &r);
}
