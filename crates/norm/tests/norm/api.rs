//! The library API: rule sets by date and by name, reform modules, extra table series, guidelines.

use std::sync::Arc;

use norm::contract::CalcRequest;
use norm::explain::Part;
use norm::household::Household;
use norm::ruleset::{Adjustment, Parts};
use norm::tables::YearTable;
use norm::{Guidelines, Money, Month, RentCeiling, RuleBook, RuleModule};

fn req(json: &str) -> CalcRequest {
    norm::parse_request(json).unwrap()
}

fn m(s: &str) -> Month {
    s.parse().unwrap()
}

#[test]
fn rule_set_switches_on_2025_07() {
    let book = RuleBook::standard();
    assert_eq!(book.rule_set_for(m("2025-06")).unwrap().name, "sol-2001-453");
    assert_eq!(book.rule_set_for(m("2025-07")).unwrap().name, "sol-2025-400");
    assert_eq!(book.rule_set_for(m("2021-01")).unwrap().name, "sol-2001-453");
    assert!(book.rule_set("sol-2025-400").is_some());
    assert!(book.rule_set("nonexistent").is_none());
}

#[test]
fn output_records_table_and_version() {
    let book = RuleBook::standard();
    let r = norm::calculate(
        &book,
        &req(r#"{"month":"2026-01","members":[{"id":"a","role":"adult","age":40}]}"#),
    )
    .unwrap();
    assert_eq!(r.rule_table, "riksnorm 2026 (official)");
    assert_eq!(r.rule_set, "sol-2025-400");
    assert_eq!(r.rule_table_version.len(), 16);
    assert!(r.findings.is_empty());
    let json = serde_json::to_value(&r).unwrap();
    for key in [
        "month",
        "rule_table",
        "norm",
        "reasonable_costs",
        "counted_income",
        "assets",
        "assistance",
        "lines",
        "findings",
    ] {
        assert!(json.get(key).is_some(), "{key}");
    }
}

/// A reform in the shape of the proposed bidragstak: norm plus costs capped per household size. Written as a
/// module outside the crate, to show that a reform needs no change to the core.
#[derive(Debug)]
struct Cap(Money);

impl RuleModule for Cap {
    fn name(&self) -> &str {
        "bidragstak"
    }
    fn adjust(
        &self,
        _: norm::HouseholdRef<'_>,
        _: &YearTable,
        parts: &Parts,
    ) -> Result<Vec<Adjustment>, norm::money::Overflow> {
        let need = parts.norm.checked_add(parts.reasonable_costs)?;
        if need <= self.0 {
            return Ok(Vec::new());
        }
        Ok(vec![Adjustment {
            part: Part::ReasonableCosts,
            amount: self.0.checked_sub(need)?,
            text: format!("Bidragstak {}", self.0),
            basis: "förslag 2027".into(),
        }])
    }
}

#[test]
fn a_reform_is_a_rule_set_with_a_module_and_its_own_series() {
    let mut book = RuleBook::standard();
    // the reform's amounts: 2027 as data (here the 2026 amounts relabelled)
    let csv_2027: String = norm::tables::RIKSNORM_CSV
        .lines()
        .filter(|l| l.starts_with("2026,"))
        .map(|l| format!("2027{}\n", &l[4..]))
        .collect();
    book.add_series("reform-2027", &csv_2027, "2027,60000\n").unwrap();
    let mut rs = book.rule_set("sol-2025-400").unwrap().clone();
    rs.name = "bidragstak-2027".into();
    rs.from = m("2027-01");
    rs.series = "reform-2027".into();
    rs.modules
        .push(Arc::new(Cap(Money::from_kronor(10_000).unwrap())));
    book.add_rule_set(rs, false);

    let r =
        req(r#"{"month":"2027-02","members":[{"id":"a","role":"adult","age":40}],"costs":{"rent":7000}}"#);
    // not in force by date: 2027 has no standard table
    assert!(norm::calculate(&book, &r).is_err());
    // picked by name it applies
    let rs = book.rule_set("bidragstak-2027").unwrap();
    let out = norm::calculate_in(&book, rs, &r, &Guidelines::none()).unwrap();
    assert_eq!(out.rule_table, "reform-2027 2027 (official)");
    assert_eq!(out.norm + out.reasonable_costs, 10_000);
    assert_eq!(out.assistance, 10_000);
    let sum: i64 = out
        .lines
        .iter()
        .filter(|l| l.part == "reasonable_costs")
        .map(|l| l.amount)
        .sum();
    assert_eq!(sum, out.reasonable_costs);
    assert!(out.lines.iter().any(|l| l.text == "Bidragstak 10\u{202f}000 kr"));
    let hh = Household::from_request(&r).unwrap();
    let t = norm::calculate_totals_in(&book, rs, hh.view(), &Guidelines::none()).unwrap();
    assert_eq!(t.assistance, Money::from_kronor(10_000).unwrap());
}

#[test]
fn guidelines_apply_only_in_their_months_and_are_validated() {
    let g = Guidelines {
        rent_ceilings: vec![RentCeiling {
            name: "Riktlinje 2026".into(),
            from: m("2026-01"),
            until: Some(m("2026-12")),
            by_size_kronor: vec![5000],
        }],
    };
    g.validate().unwrap();
    let book = RuleBook::standard();
    let in_2026 = norm::calculate_with(
        &book,
        &req(r#"{"month":"2026-05","members":[{"id":"a","role":"adult","age":40}],"costs":{"rent":6000}}"#),
        &g,
    )
    .unwrap();
    assert_eq!(in_2026.reasonable_costs, 5000);
    assert_eq!(in_2026.findings.len(), 1);
    let in_2025 = norm::calculate_with(
        &book,
        &req(r#"{"month":"2025-05","members":[{"id":"a","role":"adult","age":40}],"costs":{"rent":6000}}"#),
        &g,
    )
    .unwrap();
    assert_eq!(in_2025.reasonable_costs, 6000);
    assert!(in_2025.findings.is_empty());

    let mut overlapping = g.clone();
    overlapping.rent_ceilings.push(RentCeiling {
        name: "x".into(),
        from: m("2026-06"),
        until: None,
        by_size_kronor: vec![1],
    });
    assert!(overlapping.validate().is_err());
    let empty = Guidelines {
        rent_ceilings: vec![RentCeiling {
            name: "x".into(),
            from: m("2026-01"),
            until: None,
            by_size_kronor: vec![],
        }],
    };
    assert!(empty.validate().is_err());
}

#[test]
fn custom_tables_can_be_loaded_and_bad_ones_refused() {
    assert!(RuleBook::from_csv(norm::tables::RIKSNORM_CSV, norm::tables::PRISBASBELOPP_CSV).is_ok());
    assert!(RuleBook::from_csv("2026,adult_single,1,official\n", "2026,1\n").is_err());
}
