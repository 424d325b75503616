//! Lines and findings in another voice: English, and members named by the caller instead of by their ids. The
//! expected texts are written out by hand from the Swedish golden cases (10, 22, 04, 32) with the same figures.

use std::collections::HashMap;

use norm::contract::CalcResponse;
use norm::{Guidelines, Lang, Namer, RuleBook, Voice};

/// A thin space groups thousands in amounts (as in the Swedish lines).
const NNBSP: &str = "\u{202f}";

fn run(json: &str, lang: Lang, names: Option<&dyn Namer>) -> CalcResponse {
    let req = norm::parse_request(json).unwrap();
    norm::calculate_voiced(
        &RuleBook::standard(),
        &req,
        &Guidelines::none(),
        Voice::new(lang, names),
    )
    .unwrap()
}

fn texts(r: &CalcResponse) -> Vec<&str> {
    r.lines.iter().map(|l| l.text.as_str()).collect()
}

fn names() -> HashMap<String, String> {
    HashMap::from([
        ("P13111".to_owned(), "Sara Lind".to_owned()),
        ("P13112".to_owned(), "Alva Lind".to_owned()),
    ])
}

const YOUTH: &str = r#"{"month": "2026-08", "members": [{"id": "P13111", "role": "adult", "age": 50},
    {"id": "P13112", "role": "child", "age": 19}], "costs": {"rent": 6500},
    "incomes": [{"member": "P13112", "kind": "student_aid", "amount": 1250}]}"#;

#[test]
fn swedish_lines_name_members_instead_of_ids() {
    let names = names();
    let r = run(YOUTH, Lang::Sv, Some(&names));
    assert_eq!(
        texts(&r),
        [
            "Personliga kostnader, ensamstående vuxen (Sara Lind)",
            "Personliga kostnader, skolungdom (Alva Lind), 19 år, åldersgrupp 19–20 år",
            "Hushållsgemensamma kostnader, 2 personer",
            "Hyra",
            "Studiemedel (Alva Lind)",
        ]
    );
    assert_eq!(
        r.findings,
        [
            "Alva Lind är 19 år: normen för 19–20 år gäller bara ungdom som går i skolan, bor hemma och som \
          föräldrarna har försörjningsplikt för. Kontrollera skolgången."
        ]
    );
    // The totals do not depend on the voice: 3940 + 5000 + 1410 + 6500 − 1250 = 15600 (golden case 10).
    assert_eq!(r.assistance, 15600);
    let json = serde_json::to_string(&r).unwrap();
    assert!(
        !json.contains("P1311"),
        "no id is left when every member has a name: {json}"
    );
}

#[test]
fn english_lines_with_names() {
    let names = names();
    let r = run(YOUTH, Lang::En, Some(&names));
    assert_eq!(
        texts(&r),
        [
            "Personal costs, single adult (Sara Lind)",
            "Personal costs, school student (Alva Lind), 19 years, age group 19–20 years",
            "Household-common costs, 2 persons",
            "Rent",
            "Student aid (Alva Lind)",
        ]
    );
    assert_eq!(
        r.findings,
        [
            "Alva Lind is 19: the norm for ages 19–20 applies only to young people who are at school, live at home \
          and whom the parents have a duty to support. Check the schooling."
        ]
    );
    // The legal bases are citations and stay as they are.
    assert_eq!(r.lines[0].basis, "SoL 12:7, SoF 12:2");
    assert_eq!(r.assistance, 15600);
}

#[test]
fn a_member_without_a_name_keeps_the_id() {
    let only_adult = HashMap::from([("P13111".to_owned(), "Sara Lind".to_owned())]);
    let r = run(YOUTH, Lang::En, Some(&only_adult));
    assert_eq!(r.lines[0].text, "Personal costs, single adult (Sara Lind)");
    assert_eq!(r.lines[4].text, "Student aid (P13112)");
}

#[test]
fn english_jobbstimulans_line_and_finding() {
    // Golden case 22: salary 7 000 kr, a quarter (1 750 kr) disregarded, 5 250 kr counted; the period starts
    // 2026-04 and runs 24 months, to 2028-03.
    let names = HashMap::from([("a".to_owned(), "Omar".to_owned())]);
    let r = run(
        r#"{"month": "2026-04", "members": [{"id": "a", "role": "adult", "age": 29, "months_with_assistance": 6}],
            "costs": {"rent": 5200}, "incomes": [{"member": "a", "kind": "salary", "amount": 7000}]}"#,
        Lang::En,
        Some(&names),
    );
    assert_eq!(
        r.lines[3].text,
        format!("Salary (Omar) 7{NNBSP}000 kr, 25 % jobbstimulans disregard (1{NNBSP}750 kr) not counted")
    );
    assert_eq!(r.lines[3].amount, 5250);
    assert_eq!(
        r.findings,
        [
            "Jobbstimulans starts for Omar this month (2026-04). Record the starting month: the rule applies for 24 \
          months, up to and including 2028-03."
        ]
    );
}

#[test]
fn english_findings_for_derived_amounts_and_a_surplus() {
    // Golden case 04 (2024's derived table) and 32 (salary 24 000 kr against a need of 15 510 kr: 8 490 kr over).
    let derived = run(
        r#"{"month": "2024-04", "members": [{"id": "a", "role": "adult", "age": 38}, {"id": "b", "role": "child", "age": 9}]}"#,
        Lang::En,
        None,
    );
    assert_eq!(
        derived.findings,
        [
            "National norm 2024: the amounts for single adult; child 7–10 years; household-common costs for 2 persons \
          are derived (the previous year's amount raised by the government's percentage and rounded up to whole \
          tens of kronor), not read in the ordinance. Check the amounts against the ordinance before deciding."
        ]
    );
    let surplus = run(
        r#"{"month": "2026-02", "members": [{"id": "a", "role": "adult", "age": 35}, {"id": "b", "role": "adult", "age": 33}],
            "couple": true, "costs": {"rent": 7000}, "incomes": [{"member": "a", "kind": "salary", "amount": 24000}]}"#,
        Lang::En,
        None,
    );
    assert_eq!(
        surplus.lines[0].text,
        "Personal costs, spouses or cohabiting partners"
    );
    assert_eq!(
        surplus.lines[3].text,
        "Salary (a), jobbstimulans does not apply yet: 0 of 6 consecutive months with financial assistance"
    );
    assert_eq!(
        surplus.findings,
        [format!(
            "Income and assets exceed the need by 8{NNBSP}490 kr this month, so no financial assistance is paid. \
             Whether the surplus is to count as income in the coming months is for the municipality's practice to \
             decide (see HFD 2017 ref. 51)."
        )]
    );
}

#[test]
fn the_default_voice_is_the_contract() {
    // Same bytes as `calculate`: Swedish, members by id.
    let req = norm::parse_request(YOUTH).unwrap();
    let book = RuleBook::standard();
    let plain = norm::calculate(&book, &req).unwrap();
    let voiced = norm::calculate_voiced(&book, &req, &Guidelines::none(), Voice::default()).unwrap();
    assert_eq!(plain, voiced);
    assert_eq!(
        plain.lines[1].text,
        "Personliga kostnader, skolungdom (P13112), 19 år, åldersgrupp 19–20 år"
    );
}
