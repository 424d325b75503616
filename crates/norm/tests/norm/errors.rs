//! Bad input: every error case of the calc contract gives one line naming the field.

use norm::RuleBook;

fn err(json: &str) -> String {
    let book = RuleBook::standard();
    match norm::parse_request(json).and_then(|req| norm::calculate(&book, &req)) {
        Ok(r) => panic!("expected an error, got {r:?}"),
        Err(e) => {
            let line = e.to_string();
            assert!(!line.contains('\n'), "one line: {line}");
            line
        }
    }
}

const ADULT: &str = r#"{"id": "a", "role": "adult", "age": 40}"#;

fn with_members(members: &str, rest: &str) -> String {
    format!(r#"{{"month": "2026-03", "members": [{members}]{rest}}}"#)
}

#[test]
fn month_errors() {
    assert_eq!(
        err(r#"{"month": "2020-12", "members": [{"id": "a", "role": "adult", "age": 40}]}"#),
        "month 2020-12 has no rule table (riksnorm covers 2021-2026)"
    );
    assert_eq!(
        err(r#"{"month": "2027-01", "members": [{"id": "a", "role": "adult", "age": 40}]}"#),
        "month 2027-01 has no rule table (riksnorm covers 2021-2026)"
    );
    let e = err(r#"{"month": "2026-3", "members": []}"#);
    assert!(e.starts_with("month is invalid: "), "{e}");
    let e = err(r#"{"members": []}"#);
    assert!(e.contains("missing field `month`"), "{e}");
}

#[test]
fn member_errors() {
    assert_eq!(
        err(&with_members("", "")),
        "members must include at least one adult"
    );
    assert_eq!(
        err(&with_members(r#"{"id": "c", "role": "child", "age": 5}"#, "")),
        "members must include at least one adult"
    );
    let e = err(r#"{"month": "2026-03"}"#);
    assert!(e.contains("missing field `members`"), "{e}");
    let e = err(&with_members(r#"{"id": "a", "role": "boss", "age": 40}"#, ""));
    assert!(
        e.starts_with("members[0].role is invalid: unknown variant `boss`"),
        "{e}"
    );
    assert_eq!(
        err(&with_members(
            &format!(r#"{ADULT}, {{"id": "b", "role": "child", "age": 121}}"#),
            ""
        )),
        "members[1].age must be 0-120"
    );
    assert_eq!(
        err(&with_members(r#"{"id": "a", "role": "adult", "age": -1}"#, "")),
        "members[0].age must be 0-120"
    );
    assert_eq!(
        err(&with_members(
            &format!(r#"{ADULT}, {{"id": "b", "role": "child", "age": 21}}"#),
            ""
        )),
        "members[1].age must be 0-20 for a child"
    );
    assert_eq!(
        err(&with_members(
            &format!(r#"{ADULT}, {{"id": "a", "role": "child", "age": 3}}"#),
            ""
        )),
        r#"members[1].id "a" is already used by members[0]"#
    );
    assert_eq!(
        err(&with_members(r#"{"id": " ", "role": "adult", "age": 40}"#, "")),
        "members[0].id must not be empty"
    );
    let e = err(&with_members(
        r#"{"id": "a", "role": "adult", "age": 40, "shoe_size": 44}"#,
        "",
    ));
    assert!(
        e.starts_with("members[0] is invalid: unknown field `shoe_size`") || e.contains("shoe_size"),
        "{e}"
    );
    assert_eq!(
        err(&with_members(
            r#"{"id": "a", "role": "adult", "age": 40, "months_with_assistance": -2}"#,
            ""
        )),
        "members[0].months_with_assistance must not be negative"
    );
    assert_eq!(
        err(&with_members(
            &format!(r#"{ADULT}, {{"id": "c", "role": "child", "age": 3, "months_with_assistance": 2}}"#),
            ""
        )),
        "members[1].months_with_assistance applies to adults only"
    );
    assert_eq!(
        err(&with_members(
            r#"{"id": "a", "role": "adult", "age": 40, "jobbstimulans_from": "2026-04"}"#,
            ""
        )),
        "members[0].jobbstimulans_from must not be after month (2026-03)"
    );
}

#[test]
fn couple_errors() {
    // The shared example 04 expects exactly this message.
    let two = format!(r#"{ADULT}, {{"id": "b", "role": "adult", "age": 38}}"#);
    assert_eq!(
        err(&with_members(&two, "")),
        "couple must be given when there are two adults"
    );
    let three = format!(r#"{two}, {{"id": "c", "role": "adult", "age": 20}}"#);
    assert_eq!(
        err(&with_members(&three, r#", "couple": true"#)),
        "couple must not be given when there are more than two adults"
    );
    assert_eq!(
        err(&with_members(ADULT, r#", "couple": true"#)),
        "couple cannot be true with only one adult"
    );
}

#[test]
fn shared_household_errors() {
    let with_child = format!(r#"{ADULT}, {{"id": "c", "role": "child", "age": 3}}"#);
    // the community must be larger than the household itself
    for size in [2, 1] {
        let expected = if size == 1 {
            "shared_household_size must be 2-50".to_owned()
        } else {
            "shared_household_size must be larger than the household's own 2 members (the household community \
             includes them)"
                .to_owned()
        };
        assert_eq!(
            err(&with_members(
                &with_child,
                &format!(r#", "shared_household_size": {size}"#)
            )),
            expected
        );
    }
    let three = format!(r#"{with_child}, {{"id": "d", "role": "child", "age": 5}}"#);
    assert_eq!(
        err(&with_members(&three, r#", "shared_household_size": 2"#)),
        "shared_household_size must be larger than the household's own 3 members (the household community \
         includes them)"
    );
    assert_eq!(
        err(&with_members(ADULT, r#", "shared_household_size": 1"#)),
        "shared_household_size must be 2-50"
    );
    assert_eq!(
        err(&with_members(ADULT, r#", "shared_household_size": 51"#)),
        "shared_household_size must be 2-50"
    );
}

#[test]
fn decided_on_errors() {
    for bad in [
        "2026-02-30",
        "2025-02-29",
        "2026-04-31",
        "2026-13-01",
        "2026-00-01",
        "1899-12-31",
    ] {
        let e = err(&with_members(ADULT, &format!(r#", "decided_on": "{bad}""#)));
        assert!(
            e.starts_with(&format!(r#"decided_on is invalid: "{bad}" is not a date"#)),
            "{e}"
        );
    }
    for bad in ["2026-3-01", "2026-03", "03/09/2026", ""] {
        let e = err(&with_members(ADULT, &format!(r#", "decided_on": "{bad}""#)));
        assert!(
            e.starts_with(&format!(
                r#"decided_on is invalid: must be a date written YYYY-MM-DD, got "{bad}""#
            )),
            "{e}"
        );
    }
    let e = err(&with_members(ADULT, r#", "decided_on": 20260309"#));
    assert!(e.starts_with("decided_on is invalid: invalid type"), "{e}");
}

fn adjustment(json: &str) -> String {
    with_members(ADULT, &format!(r#", "norm_adjustments": [{json}]"#))
}

#[test]
fn norm_adjustment_errors() {
    assert_eq!(
        err(&adjustment(r#"{"amount": 0, "reason": "Skäl"}"#)),
        "norm_adjustments[0].amount must not be 0 (positive raises the norm, negative lowers it)"
    );
    for amount in ["1000000001", "-1000000001"] {
        assert_eq!(
            err(&adjustment(&format!(
                r#"{{"amount": {amount}, "reason": "Skäl"}}"#
            ))),
            "norm_adjustments[0].amount must be between -1000000000 and 1000000000"
        );
    }
    assert_eq!(
        err(&adjustment(r#"{"member": "z", "amount": 100, "reason": "Skäl"}"#)),
        r#"norm_adjustments[0].member "z" is not a member"#
    );
    // JSON escapes: the reason holds a real line break or control character
    for empty in ["", "   ", "\\n"] {
        assert_eq!(
            err(&adjustment(&format!(r#"{{"amount": 100, "reason": "{empty}"}}"#))),
            "norm_adjustments[0].reason must not be empty"
        );
    }
    for control in [
        "rad ett\\nrad två",
        "a\\tb",
        "a\\u0000b",
        "a\\u007fb",
        "a\\u0085b",
    ] {
        assert_eq!(
            err(&adjustment(&format!(
                r#"{{"amount": 100, "reason": "{control}"}}"#
            ))),
            "norm_adjustments[0].reason must not contain control characters (such as line breaks or tabs)"
        );
    }
    // 300 characters pass (counted as characters, not bytes: "ä" is two bytes), 301 do not
    let book = RuleBook::standard();
    let at_limit = "ä".repeat(300);
    let ok = norm::parse_request(&adjustment(&format!(
        r#"{{"amount": 100, "reason": "{at_limit}"}}"#
    )))
    .and_then(|req| norm::calculate(&book, &req));
    assert!(ok.is_ok(), "{ok:?}");
    assert_eq!(
        err(&adjustment(&format!(
            r#"{{"amount": 100, "reason": "{at_limit}ä"}}"#
        ))),
        "norm_adjustments[0].reason must be at most 300 characters"
    );
    // the second entry is named by its index
    assert_eq!(
        err(&with_members(
            ADULT,
            r#", "norm_adjustments": [{"amount": 100, "reason": "Skäl"}, {"amount": 0, "reason": "Skäl"}]"#
        )),
        "norm_adjustments[1].amount must not be 0 (positive raises the norm, negative lowers it)"
    );
    let many: Vec<&str> = std::iter::repeat_n(r#"{"amount": 1, "reason": "Skäl"}"#, 21).collect();
    assert_eq!(
        err(&with_members(
            ADULT,
            &format!(r#", "norm_adjustments": [{}]"#, many.join(","))
        )),
        "norm_adjustments must have at most 20 entries"
    );
    // 2026-03: adult_single 3940 + common_1 1280 = 5220; lowered by 6000 it would be −780
    assert_eq!(
        err(&adjustment(r#"{"amount": -6000, "reason": "Skäl"}"#)),
        "norm_adjustments would make the norm negative (5220 kr before the adjustments, -780 kr after)"
    );
    let e = err(&adjustment(r#"{"amount": 100}"#));
    assert!(
        e.starts_with("norm_adjustments[0]") && e.contains("missing field `reason`"),
        "{e}"
    );
    let e = err(&adjustment(r#"{"amount": 100, "reason": "Skäl", "why": "x"}"#));
    assert!(
        e.starts_with("norm_adjustments[0]") && e.contains("unknown field `why`"),
        "{e}"
    );
    let e = err(&adjustment(r#"{"amount": 1.5, "reason": "Skäl"}"#));
    assert!(e.starts_with("norm_adjustments[0].amount is invalid"), "{e}");
}

#[test]
fn unknown_fields_and_kinds() {
    let e = err(&with_members(ADULT, r#", "pets": 2"#));
    assert!(e.contains("unknown field `pets`"), "{e}");
    let e = err(&with_members(ADULT, r#", "costs": {"rent": 100, "yacht": 5}"#));
    assert!(
        e.starts_with("costs") && e.contains("unknown field `yacht`"),
        "{e}"
    );
    let e = err(&with_members(
        ADULT,
        r#", "incomes": [{"kind": "lottery", "amount": 5}]"#,
    ));
    assert!(
        e.starts_with("incomes[0].kind is invalid: unknown variant `lottery`"),
        "{e}"
    );
    let e = err(&with_members(
        ADULT,
        r#", "incomes": [{"kind": "pension", "amount": 5, "note": "x"}]"#,
    ));
    assert!(
        e.starts_with("incomes[0]") && e.contains("unknown field `note`"),
        "{e}"
    );
    let e = err(&with_members(ADULT, r#", "assets": "lots""#));
    assert!(e.starts_with("assets is invalid: invalid type"), "{e}");
    let e = err("not json");
    assert!(e.starts_with("input is invalid: "), "{e}");
}

#[test]
fn negative_amounts() {
    for (rest, field) in [
        (r#", "costs": {"rent": -1}"#, "costs.rent"),
        (r#", "costs": {"electricity": -1}"#, "costs.electricity"),
        (r#", "costs": {"home_insurance": -1}"#, "costs.home_insurance"),
        (r#", "costs": {"work_travel": -1}"#, "costs.work_travel"),
        (r#", "costs": {"union_fees": -1}"#, "costs.union_fees"),
        (
            r#", "incomes": [{"kind": "pension", "amount": -5}]"#,
            "incomes[0].amount",
        ),
        (r#", "assets": -100"#, "assets"),
    ] {
        assert_eq!(
            err(&with_members(ADULT, rest)),
            format!("{field} must not be negative")
        );
    }
    assert_eq!(
        err(&with_members(ADULT, r#", "assets": 1000000001"#)),
        "assets must be at most 1000000000"
    );
    let child = format!(r#"{ADULT}, {{"id": "c", "role": "child", "age": 16}}"#);
    assert_eq!(
        err(&with_members(
            &child,
            r#", "incomes": [{"member": "c", "kind": "salary", "amount": 5, "earned_earlier_this_year": -1}]"#
        )),
        "incomes[0].earned_earlier_this_year must not be negative"
    );
}

#[test]
fn income_member_errors() {
    assert_eq!(
        err(&with_members(
            ADULT,
            r#", "incomes": [{"member": "z", "kind": "pension", "amount": 5}]"#
        )),
        r#"incomes[0].member "z" is not a member"#
    );
    assert_eq!(
        err(&with_members(
            ADULT,
            r#", "incomes": [{"kind": "salary", "amount": 5}]"#
        )),
        "incomes[0].member must be given for salary"
    );
    assert_eq!(
        err(&with_members(
            ADULT,
            r#", "incomes": [{"member": "a", "kind": "salary", "amount": 5, "earned_earlier_this_year": 3}]"#
        )),
        "incomes[0].earned_earlier_this_year applies only to a child's salary"
    );
}

#[test]
fn size_limits() {
    let many_members: Vec<String> = (0..51)
        .map(|i| format!(r#"{{"id": "m{i}", "role": "adult", "age": 30}}"#))
        .collect();
    assert_eq!(
        err(&with_members(&many_members.join(","), "")),
        "members must have at most 50 persons"
    );
    let incomes: Vec<&str> = std::iter::repeat_n(r#"{"kind": "pension", "amount": 1}"#, 1001).collect();
    assert_eq!(
        err(&with_members(
            ADULT,
            &format!(r#", "incomes": [{}]"#, incomes.join(","))
        )),
        "incomes must have at most 1000 entries"
    );
}
