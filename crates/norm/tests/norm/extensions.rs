//! The contract's extensions of issue #11: the decision date (`decided_on`), norm adjustments for special reasons
//! (`norm_adjustments`) and the household community for any household (`shared_household_size`). Every figure is
//! worked out by hand from `crates/norm/data/riksnorm.csv`; the comments quote the table values used.

use std::sync::Arc;

use norm::contract::{CalcRequest, CalcResponse};
use norm::explain::Part;
use norm::ruleset::{Adjustment, Parts};
use norm::tables::YearTable;
use norm::{Date, Guidelines, Household, Money, Population, ResponseWriter, RuleBook, RuleModule};

use super::golden::{assert_consistent, assert_stream_matches};

fn req(json: &str) -> CalcRequest {
    norm::parse_request(json).unwrap()
}

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

/// The full calculation, checked the ways every answer must hold: lines add up, the streamed JSON is serde's, the
/// bulk totals and the flat population storage agree.
fn calc(json: &str) -> CalcResponse {
    let book = RuleBook::standard();
    let r = req(json);
    let out = norm::calculate(&book, &r).unwrap();
    assert_consistent(&out);
    assert_stream_matches(&book, &r, &Guidelines::none(), &out);
    let hh = Household::from_request(&r).unwrap();
    let totals = norm::calculate_totals(&book, &hh).unwrap();
    assert_eq!(totals.norm.ore(), out.norm * 100);
    assert_eq!(totals.assistance.ore(), out.assistance * 100);
    let other = req(r#"{"month":"2024-02","members":[{"id":"x","role":"adult","age":50}]}"#);
    let pop = Population::from_requests([&other, &r, &other]).unwrap();
    let view = pop.get(1).unwrap();
    assert_eq!(norm::calculate_totals_view(&book, view).unwrap(), totals);
    assert_eq!(norm::explain_view(&book, view, &Guidelines::none()).unwrap(), out);
    let mut writer = ResponseWriter::new();
    let mut streamed = String::new();
    writer
        .write(&book, view, &Guidelines::none(), &mut streamed)
        .unwrap();
    assert_eq!(streamed, serde_json::to_string(&out).unwrap());
    out
}

fn line<'r>(r: &'r CalcResponse, text: &str) -> &'r norm::contract::LineOut {
    r.lines
        .iter()
        .find(|l| l.text == text)
        .unwrap_or_else(|| panic!("no line {text:?} in {:#?}", r.lines))
}

const SINGLE_2025_06: &str =
    r#""month": "2025-06", "members": [{"id": "a", "role": "adult", "age": 40}], "costs": {"rent": 5000}"#;

// --- decided_on ---

#[test]
fn a_june_month_decided_in_july_quotes_the_new_law_with_the_old_months_amounts() {
    // 2025 table: adult_single 3910, common_1 1270 → norm 5180; rent 5000 → assistance 10 180 either way.
    let before = calc(&format!("{{{SINGLE_2025_06}}}"));
    let after = calc(&format!(r#"{{{SINGLE_2025_06}, "decided_on": "2025-07-03"}}"#));
    for r in [&before, &after] {
        assert_eq!(r.rule_table, "riksnorm 2025 (official)");
        assert_eq!((r.norm, r.reasonable_costs, r.assistance), (5180, 5000, 10_180));
    }
    assert_eq!(before.rule_set, "sol-2001-453");
    assert_eq!(
        line(&before, "Personliga kostnader, ensamstående vuxen (a)").basis,
        "SoL 4:3, SoF 2 a §"
    );
    assert_eq!(line(&before, "Hyra").basis, "SoL 4:3");
    assert_eq!(after.rule_set, "sol-2025-400");
    assert_eq!(
        line(&after, "Personliga kostnader, ensamstående vuxen (a)").basis,
        "SoL 12:7, SoF 12:2"
    );
    assert_eq!(
        line(&after, "Hushållsgemensamma kostnader, 1 person").basis,
        "SoL 12:7, SoF 12:2"
    );
    assert_eq!(line(&after, "Hyra").basis, "SoL 12:7");
    // the lines differ in their basis only
    let strip = |r: &CalcResponse| {
        r.lines
            .iter()
            .map(|l| (l.text.clone(), l.amount))
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&before), strip(&after));
}

#[test]
fn a_july_month_decided_in_june_quotes_the_old_law() {
    // A decision made ahead of the month, before 2025-07-01: SoL 2001:453 on the lines, 2025 amounts (adult_single
    // 3910 + common_1 1270 = 5180).
    let r = calc(
        r#"{"month": "2025-07", "members": [{"id": "a", "role": "adult", "age": 40}], "decided_on": "2025-06-25",
            "incomes": [{"member": "a", "kind": "salary", "amount": 1000}]}"#,
    );
    assert_eq!(r.rule_set, "sol-2001-453");
    assert_eq!(r.norm, 5180);
    assert!(
        r.lines.iter().all(|l| l.basis.starts_with("SoL 4:")),
        "{:#?}",
        r.lines
    );
    // the salary (no jobbstimulans yet) is counted under the old law's basis
    assert_eq!(r.lines.last().unwrap().basis, "SoL 4:1");
}

#[test]
fn the_default_decision_date_is_the_first_of_the_month_and_changes_nothing() {
    let book = RuleBook::standard();
    for month in ["2021-04", "2025-06", "2025-07", "2026-03"] {
        let base = format!(
            r#""month": "{month}", "members": [{{"id": "a", "role": "adult", "age": 34, "months_with_assistance": 7}},
                {{"id": "c", "role": "child", "age": 4, "lunch_outside_home": true}}],
                "costs": {{"rent": 7800}}, "incomes": [{{"member": "a", "kind": "salary", "amount": 12000}}]"#
        );
        let default = norm::calculate(&book, &req(&format!("{{{base}}}"))).unwrap();
        for day in ["01", "15", "28"] {
            let explicit = norm::calculate(
                &book,
                &req(&format!(r#"{{{base}, "decided_on": "{month}-{day}"}}"#)),
            )
            .unwrap();
            assert_eq!(explicit, default, "{month}-{day}");
        }
        // an input without the new fields serializes as before: a frozen input keeps its exact bytes
        let json = serde_json::to_string(&req(&format!("{{{base}}}"))).unwrap();
        assert!(
            !json.contains("decided_on") && !json.contains("norm_adjustments"),
            "{json}"
        );
    }
}

#[test]
fn law_on_gives_the_legal_bases_of_a_decisions_items_by_date() {
    let book = RuleBook::standard();
    let old = book.law_on(date("2025-06-30")).unwrap();
    assert_eq!(old.name, "sol-2001-453");
    let b = &old.bases;
    assert_eq!(
        (
            b.right.as_str(),
            b.discretionary.as_str(),
            b.refused_activity.as_str(),
            b.special_reasons.as_str()
        ),
        ("SoL 4:1", "SoL 4:2", "SoL 4:5", "SoL 4:3")
    );
    let new = book.law_on(date("2025-07-01")).unwrap();
    assert_eq!(new.name, "sol-2025-400");
    let b = &new.bases;
    assert_eq!(
        (
            b.right.as_str(),
            b.discretionary.as_str(),
            b.refused_activity.as_str(),
            b.special_reasons.as_str()
        ),
        ("SoL 12:1", "SoL 12:2", "SoL 12:5", "SoL 12:7")
    );
    assert_eq!(book.law_on(date("1900-01-01")).unwrap().name, "sol-2001-453");
    assert_eq!(book.law_on(date("2030-12-31")).unwrap().name, "sol-2025-400");
}

/// A reform's module in force by date from 2026-07: norm plus costs capped at 6000 kr.
#[derive(Debug)]
struct Cap;

impl RuleModule for Cap {
    fn name(&self) -> &str {
        "tak"
    }
    fn adjust(
        &self,
        _: norm::HouseholdRef<'_>,
        _: &YearTable,
        parts: &Parts,
    ) -> Result<Vec<Adjustment>, norm::money::Overflow> {
        let cap = Money::from_kronor(6000)?;
        let need = parts.norm.checked_add(parts.reasonable_costs)?;
        Ok(if need > cap {
            vec![Adjustment {
                part: Part::ReasonableCosts,
                amount: cap.checked_sub(need)?,
                text: "Tak".into(),
                basis: "reform".into(),
            }]
        } else {
            Vec::new()
        })
    }
}

#[test]
fn a_reforms_modules_follow_the_month_and_its_bases_the_decision_date() {
    let mut book = RuleBook::standard();
    let mut reform = book.rule_set("sol-2025-400").unwrap().clone();
    reform.name = "reform-2026-07".into();
    reform.from = "2026-07".parse().unwrap();
    reform.bases.norm = "Reform 1".into();
    reform.modules.push(Arc::new(Cap));
    book.add_rule_set(reform, true);
    let calc_in = |json: &str| {
        let r = req(json);
        let out = norm::calculate(&book, &r).unwrap();
        assert_stream_matches(&book, &r, &Guidelines::none(), &out);
        out
    };
    // 2026: adult_single 3940 + common_1 1280 = 5220; rent 4000 → need 9220, capped at 6000 by the reform.
    let one = r#""members": [{"id": "a", "role": "adult", "age": 40}], "costs": {"rent": 4000}"#;
    // July under the reform, decided in June: the cap applies (the month's module), June's law is quoted.
    let july = calc_in(&format!(
        r#"{{"month": "2026-07", {one}, "decided_on": "2026-06-20"}}"#
    ));
    assert_eq!(july.assistance, 6000);
    assert_eq!(july.rule_set, "sol-2025-400");
    assert_eq!(
        line(&july, "Hushållsgemensamma kostnader, 1 person").basis,
        "SoL 12:7, SoF 12:2"
    );
    assert_eq!(line(&july, "Tak").basis, "reform");
    // June before the reform, decided in July: no cap (June's rules), the reform's law and bases quoted.
    let june = calc_in(&format!(
        r#"{{"month": "2026-06", {one}, "decided_on": "2026-07-02"}}"#
    ));
    assert_eq!(june.assistance, 9220);
    assert_eq!(june.rule_set, "reform-2026-07");
    assert_eq!(
        line(&june, "Hushållsgemensamma kostnader, 1 person").basis,
        "Reform 1"
    );
    // A rule set picked by name stays picked when the decision date's law is the month's.
    let old = book.rule_set("sol-2001-453").unwrap();
    let picked = norm::calculate_in(
        &book,
        old,
        &req(&format!(
            r#"{{"month": "2026-03", {one}, "decided_on": "2026-03-09"}}"#
        )),
        &Guidelines::none(),
    )
    .unwrap();
    assert_eq!(picked.rule_set, "sol-2001-453");
}

// --- norm_adjustments ---

#[test]
fn a_raised_norm_is_its_own_line_with_the_special_reasons_basis() {
    // 2026: adult_single 3940 + common_1 1280 = 5220, raised by 450 → 5670; rent 6000 → 11 670.
    let r = calc(
        r#"{"month": "2026-03", "members": [{"id": "a", "role": "adult", "age": 40}], "costs": {"rent": 6000},
            "norm_adjustments": [{"member": "a", "amount": 450, "reason": "Fördyrad kost enligt läkarintyg"}]}"#,
    );
    assert_eq!((r.norm, r.assistance), (5670, 11_670));
    let l = line(
        &r,
        "Förhöjd norm av särskilda skäl (a): Fördyrad kost enligt läkarintyg",
    );
    assert_eq!(
        (l.part.as_str(), l.amount, l.basis.as_str()),
        ("norm", 450, "SoL 12:7")
    );
    assert!(r.findings.is_empty(), "{:?}", r.findings);
}

#[test]
fn a_lowered_norm_is_its_own_line_and_asks_for_reasons() {
    // 2026: adult_couple 7100 + common_2 1410 = 8510, lowered by 300 → 8210, raised by 120 → 8330.
    let r = calc(
        r#"{"month": "2026-03", "couple": true,
            "members": [{"id": "a", "role": "adult", "age": 40}, {"id": "b", "role": "adult", "age": 38}],
            "norm_adjustments": [{"amount": -300, "reason": "  Fri kost under praktiken  "},
                                 {"member": "b", "amount": 120, "reason": "Kläder i särskild storlek"}]}"#,
    );
    assert_eq!((r.norm, r.assistance), (8330, 8330));
    // the reason is trimmed
    let l = line(&r, "Sänkt norm av särskilda skäl: Fri kost under praktiken");
    assert_eq!((l.amount, l.basis.as_str()), (-300, "SoL 12:7"));
    assert_eq!(
        line(
            &r,
            "Förhöjd norm av särskilda skäl (b): Kläder i särskild storlek"
        )
        .amount,
        120
    );
    assert_eq!(r.findings.len(), 1);
    assert!(
        r.findings[0].starts_with("Normen är sänkt av särskilda skäl."),
        "{:?}",
        r.findings
    );
}

#[test]
fn an_adjustment_quotes_the_law_of_the_decision_date() {
    // 2025: adult_single 3910 + common_1 1270 = 5180, raised by 200 → 5380 (rent 5000 → 10 380).
    let adjustment = r#""norm_adjustments": [{"amount": 200, "reason": "Fördyrad kost"}]"#;
    let old = calc(&format!("{{{SINGLE_2025_06}, {adjustment}}}"));
    let new = calc(&format!(
        r#"{{{SINGLE_2025_06}, {adjustment}, "decided_on": "2025-07-03"}}"#
    ));
    for (r, basis) in [(&old, "SoL 4:3"), (&new, "SoL 12:7")] {
        assert_eq!((r.norm, r.assistance), (5380, 10_380));
        assert_eq!(
            line(r, "Förhöjd norm av särskilda skäl: Fördyrad kost").basis,
            basis
        );
    }
}

#[test]
fn a_norm_may_be_lowered_to_zero_but_not_below() {
    let book = RuleBook::standard();
    // 2026: adult_single 3940 + common_1 1280 = 5220.
    let with = |amount: i64| {
        req(&format!(
            r#"{{"month": "2026-03", "members": [{{"id": "a", "role": "adult", "age": 40}}], "costs": {{"rent": 3000}},
                "norm_adjustments": [{{"amount": {amount}, "reason": "Skäl"}}]}}"#
        ))
    };
    let zero = norm::calculate(&book, &with(-5220)).unwrap();
    assert_eq!((zero.norm, zero.assistance), (0, 3000));
    let e = norm::calculate(&book, &with(-5221)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "norm_adjustments would make the norm negative (5220 kr before the adjustments, -1 kr after)"
    );
    // the bulk path refuses it the same way rather than computing a negative norm
    let hh = Household::from_request(&with(-5221)).unwrap();
    assert_eq!(norm::calculate_totals(&book, &hh).unwrap_err(), e);
    let mut out = String::new();
    assert_eq!(
        ResponseWriter::new()
            .write(&book, hh.view(), &Guidelines::none(), &mut out)
            .unwrap_err(),
        e
    );
    assert!(out.is_empty());
}

// --- shared_household_size for any household ---

#[test]
fn a_couple_living_with_their_adult_child_shares_the_community_of_three() {
    // The adult child applies alone elsewhere; the couple's household is 2 of a community of 3.
    // 2026: adult_couple 7100; common_3 1790 × 2 ÷ 3 = 1193.33 → 1193; norm 7100 + 1193 = 8293. Rent 4000 → 12 293.
    let r = calc(
        r#"{"month": "2026-03", "couple": true, "shared_household_size": 3,
            "members": [{"id": "a", "role": "adult", "age": 52}, {"id": "b", "role": "adult", "age": 50}],
            "costs": {"rent": 4000}}"#,
    );
    assert_eq!((r.norm, r.assistance), (8293, 12_293));
    assert_eq!(r.lines.len(), 3, "{:#?}", r.lines);
    assert_eq!(line(&r, "Personliga kostnader, makar eller sambor").amount, 7100);
    let share = line(
        &r,
        "Andel av hushållsgemensamma kostnader i en hushållsgemenskap med 3 personer: 1\u{202f}790 kr × 2 ÷ 3 för \
         hushållets 2 personer, avrundat till hela kronor",
    );
    assert_eq!((share.amount, share.basis.as_str()), (1193, "SoL 12:7, SoF 12:2"));
}

#[test]
fn a_single_parent_in_a_community_rounds_the_share_half_up() {
    // 2026: adult_single 3940, child_4_6 3060, child_7_10 3820; common_4 2030 × 3 ÷ 4 = 1522.5 → 1523 (halves up).
    // norm 3940 + 3060 + 3820 + 1523 = 12 343.
    let r = calc(
        r#"{"month": "2026-03", "shared_household_size": 4,
            "members": [{"id": "a", "role": "adult", "age": 35}, {"id": "c", "role": "child", "age": 5},
                        {"id": "d", "role": "child", "age": 8}]}"#,
    );
    assert_eq!(r.norm, 12_343);
    assert_eq!(r.lines.last().unwrap().amount, 1523);
}

#[test]
fn a_single_adult_in_a_community_keeps_the_first_rule() {
    // 2026: adult_single 3940; common_3 1790 ÷ 3 = 596.67 → 597 (the existing golden case 13); × 1 changes nothing.
    let r = calc(
        r#"{"month": "2026-01", "shared_household_size": 3, "members": [{"id": "a", "role": "adult", "age": 23}]}"#,
    );
    assert_eq!(r.norm, 4537);
    line(
        &r,
        "Andel av hushållsgemensamma kostnader i en hushållsgemenskap med 3 personer: 1\u{202f}790 kr ÷ 3, avrundat \
         till hela kronor",
    );
}

#[test]
fn a_large_community_extends_the_common_table() {
    // 2026: a couple and two children (ages 2, 12) in a community of 9. common_9 = common_7 2830 + 2 × (2830 −
    // 2640 = 190) = 3210; share 3210 × 4 ÷ 9 = 1426.67 → 1427. norm 7100 + 3060 + 4390 + 1427 = 15 977.
    let r = calc(
        r#"{"month": "2026-03", "couple": true, "shared_household_size": 9,
            "members": [{"id": "a", "role": "adult", "age": 40}, {"id": "b", "role": "adult", "age": 41},
                        {"id": "c", "role": "child", "age": 2}, {"id": "d", "role": "child", "age": 12}]}"#,
    );
    assert_eq!(r.norm, 15_977);
    assert_eq!(r.lines.last().unwrap().amount, 1427);
}

#[test]
fn all_three_extensions_together() {
    // Month 2025-06 decided on 2025-07-03: 2025 amounts, SoL 12 bases. A couple with a child of 3 (lunch at home)
    // in a community of 4: adult_couple 7050 + child_3 2700 + common_4 2010 × 3 ÷ 4 = 1507.5 → 1508; raised by
    // 450 for a diet: norm 7050 + 2700 + 1508 + 450 = 11 708. Child allowance 1250 counted → 10 458.
    let r = calc(
        r#"{"month": "2025-06", "decided_on": "2025-07-03", "couple": true, "shared_household_size": 4,
            "members": [{"id": "a", "role": "adult", "age": 30}, {"id": "b", "role": "adult", "age": 29},
                        {"id": "c", "role": "child", "age": 3}],
            "incomes": [{"kind": "child_allowance", "amount": 1250}],
            "norm_adjustments": [{"member": "c", "amount": 450, "reason": "Glutenfri kost enligt läkarintyg"}]}"#,
    );
    assert_eq!((r.norm, r.counted_income, r.assistance), (11_708, 1250, 10_458));
    assert_eq!(r.rule_set, "sol-2025-400");
    assert_eq!(r.rule_table, "riksnorm 2025 (official)");
    assert_eq!(
        line(
            &r,
            "Förhöjd norm av särskilda skäl (c): Glutenfri kost enligt läkarintyg"
        )
        .basis,
        "SoL 12:7"
    );
    assert!(
        r.lines.iter().all(|l| l.basis.starts_with("SoL 12:")),
        "{:#?}",
        r.lines
    );
}

#[test]
fn more_than_two_adults_are_told_to_be_separate_households() {
    let r = calc(
        r#"{"month": "2026-01", "members": [{"id": "a", "role": "adult", "age": 52},
            {"id": "b", "role": "adult", "age": 50}, {"id": "c", "role": "adult", "age": 22}]}"#,
    );
    // the contract's behaviour is kept: three single amounts (3 × 3940) and common_3 1790
    assert_eq!(r.norm, 3 * 3940 + 1790);
    assert_eq!(r.findings.len(), 1);
    assert!(
        r.findings[0].contains("Fler än två vuxna är normalt skilda biståndshushåll i en hushållsgemenskap"),
        "{:?}",
        r.findings
    );
}
