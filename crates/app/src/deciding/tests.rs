//! The whole decision built from the declaration, the established facts and the form, with every figure worked
//! out by hand from the 2026 riksnorm (crates/norm/data/riksnorm.csv: adult_single 3,940, common_1 1,280).

use domain::investigation::{Correction, CostKind, Fact, FactSource, FactValue};
use norm::Month;
use norm::contract::{CostsIn, IncomeIn, IncomeKind, MemberIn, Role};

use super::*;

fn kr(k: i64) -> Money {
    Money::from_kronor(k).unwrap()
}

/// A single adult, March 2026: rent 8,000, electricity 300, unemployment benefit `benefit`.
fn single(benefit: i64) -> CalcRequest {
    CalcRequest {
        month: Month::new(2026, 3).unwrap(),
        members: vec![MemberIn {
            id: "a".into(),
            role: Role::Adult,
            age: 34,
            lunch_outside_home: false,
            months_with_assistance: 0,
            jobbstimulans_from: None,
        }],
        couple: None,
        shared_household_size: None,
        costs: CostsIn {
            rent: 8_000,
            electricity: 300,
            ..CostsIn::default()
        },
        incomes: vec![IncomeIn {
            member: Some("a".into()),
            kind: IncomeKind::UnemploymentBenefit,
            amount: benefit,
            earned_earlier_this_year: None,
        }],
        assets: 0,
        decided_on: None,
        norm_adjustments: Vec::new(),
    }
}

fn rent_to_7500() -> Correction {
    Correction {
        fact: Fact::Cost { cost: CostKind::Rent },
        value: FactValue::Kronor(7_500),
        reason: "Hyresavin visar 7 500 kr".into(),
        source: FactSource::Attachment,
        source_detail: "Hyresavi mars".into(),
    }
}

fn form(verdict: Verdict, reasons: &str) -> DecisionForm {
    DecisionForm {
        verdict,
        reasons: reasons.into(),
        extra: Vec::new(),
        reduction: None,
        sanction: None,
    }
}

/// Builds the decision as the use case does, decided on `on`.
fn decide(
    f: &DecisionForm,
    declared: &CalcRequest,
    corrections: &[Correction],
    on: Date,
) -> Result<NewDecision, AppError> {
    let established = investigation::establish(declared, corrections);
    let changes = investigation::changes(declared, corrections);
    let before = norm::calculate(rules(), declared).unwrap();
    let after = norm::calculate(rules(), &established).unwrap();
    whole_decision(f, declared, &before, &established, &after, &changes, on)
}

fn summary(d: &NewDecision) -> Vec<(Purpose, Outcome, Money, Money)> {
    d.items
        .iter()
        .map(|i| (i.purpose, i.outcome, i.applied, i.granted))
        .collect()
}

const MARCH: Date = jiff::civil::date(2026, 3, 4);

#[test]
fn a_corrected_rent_is_a_partial_refusal_with_the_investigations_reason() {
    let d = decide(
        &form(Verdict::AsCalculated, ""),
        &single(2_000),
        &[rent_to_7500()],
        MARCH,
    )
    .unwrap();
    // Norm 3,940 + 1,280 = 5,220; rent 8,000 applied, 7,500 established; electricity 300; income 2,000.
    assert_eq!(
        summary(&d),
        [
            (Purpose::Forsorjningsstod, Outcome::Bifall, kr(5_220), kr(5_220)),
            (Purpose::Boende, Outcome::DelvisBifall, kr(8_000), kr(7_500)),
            (Purpose::Hushallsel, Outcome::Bifall, kr(300), kr(300)),
        ]
    );
    assert_eq!(d.deductions, kr(2_000));
    // Paid: 5,220 + 7,500 + 300 − 2,000 = 11,020; the income is taken from the riksnorm item first.
    assert_eq!(d.total_granted().unwrap(), kr(11_020));
    assert_eq!(d.payable().unwrap(), [kr(3_220), kr(7_500), kr(300)]);
    let rent = &d.items[1];
    assert!(
        rent.reasons.contains("Hyresavin visar 7 500 kr"),
        "{}",
        rent.reasons
    );
    assert!(rent.reasons.contains("Hyresavi mars"), "{}", rent.reasons);
    assert_eq!(rent.legal_basis, "SoL (2025:400) 12 kap. 1 §");
}

#[test]
fn extra_needs_and_a_reduction_are_items_of_their_own() {
    let mut f = form(Verdict::AsCalculated, "");
    f.extra.push(ExtraItem {
        purpose: Purpose::Tandvard,
        what: "Tandvård enligt kostnadsförslag".into(),
        applied: kr(3_000),
        granted: kr(2_000),
        reasons: "Akut behandling godtas; estetisk behandling ingår inte i skälig levnadsnivå.".into(),
    });
    f.reduction = Some(Reduction {
        amount: kr(1_000),
        reasons: "Du avböjde anvisad praktik den 2 mars utan godtagbart skäl.".into(),
    });
    let d = decide(&f, &single(2_000), &[], MARCH).unwrap();
    // Need: 5,220 + 8,000 + 300 + 2,000 (dental granted) = 15,520; less income 2,000 and the reduction 1,000.
    assert_eq!(d.total_granted().unwrap(), kr(12_520));
    let dental = &d.items[3];
    assert_eq!(
        (dental.purpose, dental.outcome),
        (Purpose::Tandvard, Outcome::DelvisBifall)
    );
    let reduction = &d.items[4];
    assert_eq!(
        (reduction.purpose, reduction.outcome, reduction.applied),
        (Purpose::Nedsattning, Outcome::Avslag, kr(1_000))
    );
    assert_eq!(reduction.legal_basis, "SoL (2025:400) 12 kap. 5 §");
    // So the decision may grant more than the norm calculation (11,520 here) when such items are granted.
    assert!(d.total_granted().unwrap() > kr(5_220 + 8_000 + 300 - 2_000));
}

#[test]
fn refusing_everything_needs_reasons_and_grants_nothing() {
    let e = decide(&form(Verdict::RefuseAll, " "), &single(2_000), &[], MARCH).unwrap_err();
    assert!(matches!(e, AppError::Invalid { field: "reasons", .. }), "{e:?}");
    let d = decide(
        &form(Verdict::RefuseAll, "Du har tillgångar som ska användas först."),
        &single(2_000),
        &[],
        MARCH,
    )
    .unwrap();
    assert!(
        d.items
            .iter()
            .all(|i| i.outcome == Outcome::Avslag && i.granted == Money::ZERO)
    );
    assert_eq!(d.total_granted().unwrap(), Money::ZERO);
}

#[test]
fn own_means_above_the_need_refuse_every_item_with_the_reason() {
    // Need 5,220 + 8,000 + 300 = 13,520 < income 20,000.
    let d = decide(&form(Verdict::AsCalculated, ""), &single(20_000), &[], MARCH).unwrap();
    assert!(d.items.iter().all(|i| i.outcome == Outcome::Avslag));
    assert!(
        d.items[0].reasons.contains("täcker behovet"),
        "{}",
        d.items[0].reasons
    );
    assert_eq!(d.total_granted().unwrap(), Money::ZERO);
}

#[test]
fn bad_extra_items_and_reductions_are_refused_with_their_field() {
    let base = single(2_000);
    let mut f = form(Verdict::AsCalculated, "");
    f.extra.push(ExtraItem {
        purpose: Purpose::Boende,
        what: String::new(),
        applied: kr(100),
        granted: kr(100),
        reasons: "x".into(),
    });
    assert!(matches!(
        decide(&f, &base, &[], MARCH),
        Err(AppError::Invalid { field: "extra", .. })
    ));
    f.extra[0].purpose = Purpose::Glasogon;
    f.extra[0].granted = kr(200);
    assert!(matches!(
        decide(&f, &base, &[], MARCH),
        Err(AppError::Invalid { field: "extra", .. })
    ));
    f.extra[0].granted = kr(100);
    f.extra[0].reasons = String::new();
    assert!(matches!(
        decide(&f, &base, &[], MARCH),
        Err(AppError::Invalid { field: "extra", .. })
    ));
    f.extra.clear();
    f.reduction = Some(Reduction {
        amount: kr(5_221),
        reasons: "Avböjd praktik".into(),
    });
    assert!(matches!(
        decide(&f, &base, &[], MARCH),
        Err(AppError::Invalid {
            field: "reduction_amount",
            ..
        })
    ));
    f.reduction = Some(Reduction {
        amount: kr(100),
        reasons: String::new(),
    });
    assert!(matches!(
        decide(&f, &base, &[], MARCH),
        Err(AppError::Invalid {
            field: "reduction_reasons",
            ..
        })
    ));
}

#[test]
fn the_legal_basis_follows_the_decision_date() {
    let d = decide(
        &form(Verdict::AsCalculated, ""),
        &single(2_000),
        &[],
        jiff::civil::date(2025, 6, 30),
    )
    .unwrap();
    assert!(
        d.items
            .iter()
            .all(|i| i.legal_basis == "SoL (2001:453) 4 kap. 1 §")
    );
}

#[test]
fn a_rent_above_the_guidelines_ceiling_is_partly_refused_with_the_guideline_as_reason() {
    // The municipality's ceiling for one person is 6,000 kr; the declared rent 8,000 kr.
    let guidelines = norm::Guidelines {
        rent_ceilings: vec![norm::RentCeiling {
            name: "Riktlinjer 2026".into(),
            from: Month::new(2026, 1).unwrap(),
            until: None,
            by_size_kronor: vec![6_000, 7_000],
        }],
    };
    let declared = single(2_000);
    let before = norm::calculate_with(rules(), &declared, &guidelines).unwrap();
    let d = whole_decision(
        &form(Verdict::AsCalculated, ""),
        &declared,
        &before,
        &declared,
        &before,
        &[],
        MARCH,
    )
    .unwrap();
    let rent = &d.items[1];
    assert_eq!(
        (rent.purpose, rent.outcome, rent.applied, rent.granted),
        (Purpose::Boende, Outcome::DelvisBifall, kr(8_000), kr(6_000))
    );
    assert!(rent.reasons.contains("riktlinje"), "{}", rent.reasons);
    // 5,220 + 6,000 + 300 − 2,000 = 9,520.
    assert_eq!(d.total_granted().unwrap(), kr(9_520));
}
