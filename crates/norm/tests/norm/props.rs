//! Property tests: the invariants of the calculation over generated households.

use norm::contract::{CalcRequest, CostsIn, IncomeIn, IncomeKind, MemberIn, NormAdjustmentIn, Role};
use norm::{Date, Household, Month, RuleBook};
use proptest::prelude::*;

use super::golden::assert_consistent;

const KINDS: [IncomeKind; 17] = [
    IncomeKind::Salary,
    IncomeKind::UnemploymentBenefit,
    IncomeKind::ActivitySupport,
    IncomeKind::SicknessBenefit,
    IncomeKind::ParentalBenefit,
    IncomeKind::SicknessCompensation,
    IncomeKind::ChildAllowance,
    IncomeKind::MaintenanceSupport,
    IncomeKind::HousingAllowance,
    IncomeKind::StudentAid,
    IncomeKind::EstablishmentBenefit,
    IncomeKind::Pension,
    IncomeKind::TaxRefund,
    IncomeKind::OtherCounted,
    IncomeKind::DisabilityCompensation,
    IncomeKind::ExemptGrant,
    IncomeKind::OtherExempt,
];

const REASONS: [&str; 4] = [
    "Fördyrad kost enligt läkarintyg",
    "Särskilda skäl \"enligt beslut\"",
    "a\\b",
    "  Kost  ",
];

fn adult(i: usize, age: i64, mwa: i64, from_back: Option<i32>, month: Month) -> MemberIn {
    MemberIn {
        id: format!("v{i}"),
        role: Role::Adult,
        age,
        lunch_outside_home: false,
        months_with_assistance: mwa,
        jobbstimulans_from: from_back.and_then(|b| month.plus(-b)),
    }
}

fn child(i: usize, age: i64, lunch: bool) -> MemberIn {
    MemberIn {
        id: format!("b{i}"),
        role: Role::Child,
        age,
        lunch_outside_home: lunch,
        months_with_assistance: 0,
        jobbstimulans_from: None,
    }
}

prop_compose! {
    fn month()(y in 2021u16..=2026, m in 1u8..=12) -> Month { Month::new(y, m).unwrap() }
}

prop_compose! {
    fn request()(
        month in month(),
        adults in prop::collection::vec((18i64..=90, 0i64..=40, prop::option::of(0i32..=40)), 1..=3),
        couple in any::<bool>(),
        children in prop::collection::vec((0i64..=20, any::<bool>()), 0..=9),
        shared in prop::option::of(1i64..=4),
        // a decision date up to 40 months before or after the month (so across the law change of 2025-07-01)
        decided in prop::option::of((-40i32..=40, 1u8..=28)),
        // lowerings stay small: the smallest norm generated (one adult sharing a community of 5 in 2021:
        // 3160 + 1860 ÷ 5) is far above 3 × 1000
        adjustments in prop::collection::vec(
            (prop::option::of(0usize..12), prop_oneof![-1000i64..=-1, 1i64..=2000], 0usize..4),
            0..=3,
        ),
        costs in (0i64..=15_000, 0i64..=800, 0i64..=400, 0i64..=1500, 0i64..=600),
        incomes in prop::collection::vec((0usize..17, 0i64..=30_000, prop::option::of(0usize..12), 0i64..=80_000), 0..=6),
        assets in prop_oneof![Just(0i64), 0i64..=20_000],
    ) -> CalcRequest {
        let mut members: Vec<MemberIn> = adults
            .iter()
            .enumerate()
            .map(|(i, (age, mwa, from))| adult(i, *age, *mwa, *from, month))
            .collect();
        members.extend(children.iter().enumerate().map(|(i, (age, lunch))| child(i, *age, *lunch)));
        let n_adults = adults.len();
        let incomes = incomes
            .into_iter()
            .map(|(k, amount, who, earlier)| {
                let kind = KINDS[k];
                // salary needs a member; others may have one
                let member = match (kind, who) {
                    (IncomeKind::Salary, w) => Some(w.unwrap_or(0) % members.len()),
                    (_, w) => w.map(|w| w % members.len()),
                };
                let is_child = member.is_some_and(|m| members[m].role == Role::Child);
                IncomeIn {
                    member: member.map(|m| members[m].id.clone()),
                    kind,
                    amount,
                    earned_earlier_this_year: (kind == IncomeKind::Salary && is_child).then_some(earlier),
                }
            })
            .collect();
        let decided_on = decided.map(|(k, day)| {
            let m = month.plus(k).unwrap();
            Date::new(m.year(), m.month(), day).unwrap()
        });
        let norm_adjustments: Vec<NormAdjustmentIn> = adjustments
            .into_iter()
            .map(|(who, amount, r)| NormAdjustmentIn {
                member: who.map(|w| members[w % members.len()].id.clone()),
                amount,
                // free text: quotes and backslashes must be escaped like serde_json does
                reason: REASONS[r].to_owned(),
            })
            .collect();
        // any household may share a larger household community
        let shared_household_size = shared.map(|k| members.len() as i64 + k);
        CalcRequest {
            month,
            members,
            couple: match n_adults { 2 => Some(couple), 1 => Some(false).filter(|_| couple), _ => None },
            shared_household_size,
            costs: CostsIn { rent: costs.0, electricity: costs.1, home_insurance: costs.2, work_travel: costs.3, union_fees: costs.4 },
            incomes,
            assets,
            decided_on,
            norm_adjustments,
        }
    }
}

fn calc(book: &RuleBook, req: &CalcRequest) -> norm::contract::CalcResponse {
    norm::calculate(book, req).unwrap_or_else(|e| panic!("{e} for {req:?}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn valid_and_never_negative_and_lines_add_up(req in request()) {
        let book = RuleBook::standard();
        let r = calc(&book, &req);
        prop_assert!(r.assistance >= 0);
        assert_consistent(&r);
        // the fast path agrees with the explained path
        let t = norm::calculate_totals(&book, &Household::from_request(&req).unwrap()).unwrap();
        prop_assert_eq!(t.assistance.ore(), r.assistance * 100);
        prop_assert_eq!(t.norm.ore(), r.norm * 100);
        prop_assert_eq!(t.reasonable_costs.ore(), r.reasonable_costs * 100);
        prop_assert_eq!(t.counted_income.ore(), r.counted_income * 100);
        // and through the flat population storage, among other households, with lines too
        let other: CalcRequest = norm::parse_request(
            r#"{"month":"2024-02","members":[{"id":"x","role":"adult","age":50}],"costs":{"rent":4000}}"#,
        ).unwrap();
        let pop = norm::Population::from_requests([&other, &req, &other]).unwrap();
        prop_assert_eq!(pop.len(), 3);
        let view = pop.get(1).unwrap();
        prop_assert_eq!(norm::calculate_totals_view(&book, view).unwrap(), t);
        prop_assert_eq!(&norm::explain_view(&book, view, &norm::Guidelines::none()).unwrap(), &r);
    }

    #[test]
    fn streamed_json_equals_serde(req in request()) {
        let book = RuleBook::standard();
        let r = calc(&book, &req);
        super::golden::assert_stream_matches(&book, &req, &norm::Guidelines::none(), &r);
    }

    #[test]
    fn same_input_same_output(req in request()) {
        let book = RuleBook::standard();
        let a = calc(&book, &req);
        let b = calc(&RuleBook::standard(), &req.clone());
        prop_assert_eq!(&a, &b);
        // and through JSON, as the CLI sees it
        let json = serde_json::to_string(&req).unwrap();
        let c = calc(&book, &norm::parse_request(&json).unwrap());
        prop_assert_eq!(a, c);
    }

    #[test]
    fn more_counted_income_never_raises_assistance(req in request(), which in any::<prop::sample::Index>(), extra in 1i64..=20_000, kind in 0usize..14) {
        let book = RuleBook::standard();
        let before = calc(&book, &req);
        // raise an existing income ...
        if !req.incomes.is_empty() {
            let mut more = req.clone();
            let i = which.index(more.incomes.len());
            more.incomes[i].amount += extra;
            prop_assert!(calc(&book, &more).assistance <= before.assistance);
        }
        // ... or add a new counted one
        let mut more = req.clone();
        let kind = KINDS[kind];
        more.incomes.push(IncomeIn {
            member: Some(more.members[0].id.clone()),
            kind,
            amount: extra,
            earned_earlier_this_year: None,
        });
        let after = calc(&book, &more);
        prop_assert!(after.assistance <= before.assistance);
        prop_assert!(after.counted_income >= before.counted_income);
    }

    #[test]
    fn adding_a_member_never_lowers_the_norm(req in request(), age in 0i64..=20, lunch in any::<bool>(), adult_age in 18i64..=80) {
        prop_assume!(req.shared_household_size.is_none());
        let book = RuleBook::standard();
        let before = calc(&book, &req).norm;
        let mut with_child = req.clone();
        with_child.members.push(child(99, age, lunch));
        prop_assert!(calc(&book, &with_child).norm >= before);

        let mut with_adult = req.clone();
        with_adult.members.push(adult(99, adult_age, 0, None, req.month));
        let adults = with_adult.members.iter().filter(|m| m.role == Role::Adult).count();
        // two adults must say whether they are a couple; more than two must not
        for couple in [Some(true), Some(false)] {
            with_adult.couple = if adults == 2 { couple } else { None };
            prop_assert!(calc(&book, &with_adult).norm >= before);
        }
    }

    #[test]
    fn the_decision_date_changes_only_the_legal_bases(req in request()) {
        let book = RuleBook::standard();
        let r = calc(&book, &req);
        let mut by_default = req.clone();
        by_default.decided_on = None;
        let d = calc(&book, &by_default);
        // the same figures, lines and findings, whatever the day
        prop_assert_eq!((r.norm, r.reasonable_costs, r.counted_income, r.assets, r.assistance),
            (d.norm, d.reasonable_costs, d.counted_income, d.assets, d.assistance));
        prop_assert_eq!(&r.rule_table, &d.rule_table);
        let texts = |x: &norm::contract::CalcResponse| {
            x.lines.iter().map(|l| (l.part.clone(), l.text.clone(), l.amount)).collect::<Vec<_>>()
        };
        prop_assert_eq!(texts(&r), texts(&d));
        prop_assert_eq!(&r.findings, &d.findings);
        // the first day of the month is the default, exactly
        let mut first = req.clone();
        first.decided_on = Some(Date::first_of(req.month));
        prop_assert_eq!(&calc(&book, &first), &d);
        // every line quotes the law in force on the decision day
        let day = req.decided_on.unwrap_or(Date::first_of(req.month));
        let new_law = day >= Date::new(2025, 7, 1).unwrap();
        prop_assert_eq!(&r.rule_set, if new_law { "sol-2025-400" } else { "sol-2001-453" });
        for l in &r.lines {
            prop_assert!(l.basis.starts_with(if new_law { "SoL 12:" } else { "SoL 4:" }), "{:?}", l);
        }
    }
}
