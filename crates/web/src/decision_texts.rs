//! The words of the investigation and the whole decision, in Swedish and English: facts, income kinds, sources,
//! decision purposes and the forms' labels. Kept beside `i18n` so the application page's vocabulary lives in one
//! place; a missing translation is a compile error here too.

use app::domain::decision::Purpose;
use app::domain::investigation::{CostKind, FactSource};
use app::norm::contract::IncomeKind;

use crate::i18n::Lang;

/// Every fixed text of the investigation and decision forms.
#[derive(Debug)]
pub struct DecisionTexts {
    /// The language these texts are in (for the labels chosen by value).
    pub lang: Lang,
    pub facts_heading: &'static str,
    pub facts_intro: &'static str,
    pub fact: &'static str,
    pub declared: &'static str,
    pub established: &'static str,
    pub basis_for_change: &'static str,
    pub changed: &'static str,
    pub corrections_heading: &'static str,
    pub recorded: &'static str,
    pub correct_heading: &'static str,
    pub correct_intro: &'static str,
    pub member: &'static str,
    pub whole_household: &'static str,
    pub income_kind: &'static str,
    pub value: &'static str,
    pub value_hint: &'static str,
    pub reason: &'static str,
    pub reason_hint: &'static str,
    pub source: &'static str,
    pub source_detail: &'static str,
    pub source_detail_hint: &'static str,
    pub save_correction: &'static str,
    pub adult: &'static str,
    pub child: &'static str,
    pub years: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub none: &'static str,
    pub fact_income: &'static str,
    pub fact_earlier: &'static str,
    pub fact_assets: &'static str,
    pub fact_lunch: &'static str,
    pub fact_jobbstimulans: &'static str,
    pub fact_months: &'static str,
    pub fact_couple: &'static str,
    pub fact_shared: &'static str,
    pub fact_norm_adjustment: &'static str,
    pub calculation_established: &'static str,
    pub decision_heading: &'static str,
    pub decision_intro: &'static str,
    pub verdict: &'static str,
    pub verdict_calculated: &'static str,
    pub verdict_refuse: &'static str,
    pub reasons: &'static str,
    pub reasons_hint: &'static str,
    pub extra_heading: &'static str,
    pub extra_intro: &'static str,
    pub extra_row: &'static str,
    pub purpose: &'static str,
    pub choose: &'static str,
    pub description: &'static str,
    pub applied: &'static str,
    pub granted: &'static str,
    pub item_reasons: &'static str,
    pub reduction_heading: &'static str,
    pub reduction_intro: &'static str,
    pub reduction_amount: &'static str,
    pub reduction_reasons: &'static str,
    pub decide: &'static str,
    pub deductions: &'static str,
    pub to_pay: &'static str,
    pub changed_facts: &'static str,
}

impl DecisionTexts {
    pub const fn of(lang: Lang) -> &'static DecisionTexts {
        match lang {
            Lang::Sv => &SV,
            Lang::En => &EN,
        }
    }

    pub const fn cost(&self, c: CostKind) -> &'static str {
        let sv = matches!(self.lang, Lang::Sv);
        match (c, sv) {
            (CostKind::Rent, true) => "Hyra",
            (CostKind::Electricity, true) => "Hushållsel",
            (CostKind::HomeInsurance, true) => "Hemförsäkring",
            (CostKind::WorkTravel, true) => "Arbetsresor",
            (CostKind::UnionFees, true) => "Fackföreningsavgift och a-kassa",
            (CostKind::Rent, false) => "Rent",
            (CostKind::Electricity, false) => "Household electricity",
            (CostKind::HomeInsurance, false) => "Home insurance",
            (CostKind::WorkTravel, false) => "Work travel",
            (CostKind::UnionFees, false) => "Union and unemployment fund fees",
        }
    }

    pub const fn income(&self, k: IncomeKind) -> &'static str {
        let sv = matches!(self.lang, Lang::Sv);
        if sv {
            match k {
                IncomeKind::Salary => "Lön",
                IncomeKind::UnemploymentBenefit => "Arbetslöshetsersättning",
                IncomeKind::ActivitySupport => "Aktivitetsstöd",
                IncomeKind::SicknessBenefit => "Sjukpenning",
                IncomeKind::ParentalBenefit => "Föräldrapenning",
                IncomeKind::SicknessCompensation => "Sjuk- eller aktivitetsersättning",
                IncomeKind::ChildAllowance => "Barnbidrag och flerbarnstillägg",
                IncomeKind::MaintenanceSupport => "Underhållsstöd",
                IncomeKind::HousingAllowance => "Bostadsbidrag",
                IncomeKind::StudentAid => "Studiemedel",
                IncomeKind::EstablishmentBenefit => "Etableringsersättning",
                IncomeKind::Pension => "Pension",
                IncomeKind::TaxRefund => "Skatteåterbäring",
                IncomeKind::OtherCounted => "Annan inkomst",
                IncomeKind::DisabilityCompensation => "Skattefri ersättning vid funktionsnedsättning",
                IncomeKind::ExemptGrant => "Mindre engångsbidrag från stiftelse eller fond",
                IncomeKind::OtherExempt => "Annan inkomst som inte räknas",
            }
        } else {
            match k {
                IncomeKind::Salary => "Salary",
                IncomeKind::UnemploymentBenefit => "Unemployment benefit",
                IncomeKind::ActivitySupport => "Activity support",
                IncomeKind::SicknessBenefit => "Sickness benefit",
                IncomeKind::ParentalBenefit => "Parental benefit",
                IncomeKind::SicknessCompensation => "Sickness or activity compensation",
                IncomeKind::ChildAllowance => "Child allowance",
                IncomeKind::MaintenanceSupport => "Maintenance support",
                IncomeKind::HousingAllowance => "Housing allowance",
                IncomeKind::StudentAid => "Student aid",
                IncomeKind::EstablishmentBenefit => "Establishment benefit",
                IncomeKind::Pension => "Pension",
                IncomeKind::TaxRefund => "Tax refund",
                IncomeKind::OtherCounted => "Other income",
                IncomeKind::DisabilityCompensation => "Tax-free disability compensation",
                IncomeKind::ExemptGrant => "Small one-off grant from a foundation",
                IncomeKind::OtherExempt => "Other income not counted",
            }
        }
    }

    pub const fn source(&self, s: FactSource) -> &'static str {
        let sv = matches!(self.lang, Lang::Sv);
        match (s, sv) {
            (FactSource::Attachment, true) => "Bilaga",
            (FactSource::Register, true) => "Register eller annan myndighet",
            (FactSource::Conversation, true) => "Samtal med den sökande",
            (FactSource::Attachment, false) => "Attachment",
            (FactSource::Register, false) => "Register or another authority",
            (FactSource::Conversation, false) => "Conversation with the applicant",
        }
    }

    pub const fn purpose(&self, p: Purpose) -> &'static str {
        if matches!(self.lang, Lang::Sv) {
            p.label_sv()
        } else {
            p.label_en()
        }
    }
}

/// Every income kind, in the order the forms list them.
pub const INCOME_KINDS: [IncomeKind; 17] = [
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

static SV: DecisionTexts = DecisionTexts {
    lang: Lang::Sv,
    facts_heading: "Uppgifter",
    facts_intro: "Det sökande uppgav och det som är fastställt i utredningen. Ändrade uppgifter är markerade.",
    fact: "Uppgift",
    declared: "Uppgett",
    established: "Fastställt",
    basis_for_change: "Skäl och underlag",
    changed: "ändrad",
    corrections_heading: "Utredningens ändringar",
    recorded: "Registrerad",
    correct_heading: "Fastställ en uppgift",
    correct_intro: "Rätta eller komplettera en uppgift. Det som sökande uppgav finns kvar, och beräkningen görs om.",
    member: "Person",
    whole_household: "Hela hushållet",
    income_kind: "Inkomstslag (för inkomster)",
    value: "Fastställt värde",
    value_hint: "Belopp i kronor per månad (till exempel 6 500), ja eller nej, en månad som 2026-03, ett antal, eller en höjd (450) eller sänkt (-300) norm.",
    reason: "Skäl",
    reason_hint: "Varför uppgiften ändras. Högst 1 000 tecken.",
    source: "Underlag",
    source_detail: "Vilket underlag",
    source_detail_hint: "Till exempel Hyresavi mars eller Samtal 4 mars. Högst 200 tecken.",
    save_correction: "Spara uppgiften",
    adult: "Vuxen",
    child: "Barn",
    years: "år",
    yes: "ja",
    no: "nej",
    none: "–",
    fact_income: "Inkomst",
    fact_earlier: "Barnets arbetsinkomst tidigare i år",
    fact_assets: "Tillgångar",
    fact_lunch: "Lunch utanför hemmet",
    fact_jobbstimulans: "Jobbstimulans från månad",
    fact_months: "Månader i följd med försörjningsstöd",
    fact_couple: "Gifta eller sambor",
    fact_shared: "Personer i hushållsgemenskapen",
    fact_norm_adjustment: "Höjd eller sänkt norm av särskilda skäl",
    calculation_established: "Beräkning på fastställda uppgifter",
    decision_heading: "Beslut",
    decision_intro: "Riksnormen och varje skälig kostnad blir egna beslutspunkter. En kostnad som fastställts lägre än sökande uppgav avslås delvis med utredningens skäl.",
    verdict: "Utfall",
    verdict_calculated: "Enligt beräkningen på fastställda uppgifter",
    verdict_refuse: "Avslag på hela ansökan",
    reasons: "Motivering",
    reasons_hint: "Krävs vid avslag och när en punkt inte beviljas helt utan skäl från utredningen. Högst 5 000 tecken.",
    extra_heading: "Livsföring i övrigt",
    extra_intro: "Behov utöver riksnormen, till exempel tandvård, glasögon eller möbler. Lämna raden tom om den inte behövs.",
    extra_row: "Behov",
    purpose: "Ändamål",
    choose: "Välj",
    description: "Beskrivning",
    applied: "Sökt belopp (kr)",
    granted: "Beviljat belopp (kr)",
    item_reasons: "Motivering för behovet",
    reduction_heading: "Nedsättning (12 kap. 5 § SoL)",
    reduction_intro: "Om sökande utan godtagbart skäl har avböjt en planerad insats. Görs aldrig automatiskt.",
    reduction_amount: "Nedsättning (kr)",
    reduction_reasons: "Motivering för nedsättningen",
    decide: "Besluta",
    deductions: "Avgår egna inkomster och tillgångar",
    to_pay: "Att betala ut",
    changed_facts: "Uppgifter som ändrats i utredningen",
};

static EN: DecisionTexts = DecisionTexts {
    lang: Lang::En,
    facts_heading: "Facts",
    facts_intro: "What the applicant declared and what the investigation established. Changed facts are marked.",
    fact: "Fact",
    declared: "Declared",
    established: "Established",
    basis_for_change: "Reason and source",
    changed: "changed",
    corrections_heading: "The investigation's changes",
    recorded: "Recorded",
    correct_heading: "Establish a fact",
    correct_intro: "Correct or complete a fact. What the applicant declared is kept, and the calculation runs again.",
    member: "Person",
    whole_household: "The whole household",
    income_kind: "Kind of income (for incomes)",
    value: "Established value",
    value_hint: "An amount in kronor a month (for example 6 500), yes or no, a month such as 2026-03, a number, or a raised (450) or lowered (-300) standard.",
    reason: "Reason",
    reason_hint: "Why the fact changes. At most 1,000 characters.",
    source: "Source",
    source_detail: "Which source",
    source_detail_hint: "For example Rent notice March or Call 4 March. At most 200 characters.",
    save_correction: "Save the fact",
    adult: "Adult",
    child: "Child",
    years: "years",
    yes: "yes",
    no: "no",
    none: "–",
    fact_income: "Income",
    fact_earlier: "The child's earnings earlier this year",
    fact_assets: "Assets",
    fact_lunch: "Lunch outside the home",
    fact_jobbstimulans: "Work incentive from month",
    fact_months: "Consecutive months with assistance",
    fact_couple: "Married or cohabiting",
    fact_shared: "Persons in the household community",
    fact_norm_adjustment: "Standard raised or lowered for special reasons",
    calculation_established: "Calculation on the established facts",
    decision_heading: "Decision",
    decision_intro: "The national standard and each reasonable cost become items of their own. A cost established lower than declared is partly refused with the investigation's reason.",
    verdict: "Outcome",
    verdict_calculated: "As calculated on the established facts",
    verdict_refuse: "Refuse the whole application",
    reasons: "Reasons",
    reasons_hint: "Required when refusing, and when an item is not granted in full without a reason from the investigation. At most 5,000 characters.",
    extra_heading: "Other living costs",
    extra_intro: "Needs beyond the national standard, such as dental care, glasses or furniture. Leave a row empty if not needed.",
    extra_row: "Need",
    purpose: "Purpose",
    choose: "Choose",
    description: "Description",
    applied: "Amount applied for (SEK)",
    granted: "Amount granted (SEK)",
    item_reasons: "Reasons for the need",
    reduction_heading: "Reduction (SoL chapter 12 section 5)",
    reduction_intro: "When the applicant refused a planned activity without acceptable reason. Never automatic.",
    reduction_amount: "Reduction (SEK)",
    reduction_reasons: "Reasons for the reduction",
    decide: "Decide",
    deductions: "Less own income and assets",
    to_pay: "To be paid",
    changed_facts: "Facts changed in the investigation",
};

/// Parses an amount as people type it: "6 500", "6500 kr", "6 500,00", "6500:-". Whole kronor; öre other than
/// zero, signs and anything else give `None`.
pub fn parse_kronor(text: &str) -> Option<i64> {
    let t: String = text
        .trim()
        .trim_end_matches(":-")
        .trim_end_matches("kr")
        .trim_end_matches("SEK")
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    let whole = match t.split_once([',', '.']) {
        Some((w, "00" | "0")) => w.to_owned(),
        Some(_) => return None,
        None => t,
    };
    if whole.is_empty() || whole.len() > 12 || !whole.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    whole.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_as_people_type_them() {
        for (typed, kr) in [
            ("6500", Some(6_500)),
            ("6 500", Some(6_500)),
            ("6\u{a0}500 kr", Some(6_500)),
            ("6500kr", Some(6_500)),
            ("6 500,00", Some(6_500)),
            ("6500.00", Some(6_500)),
            ("6500:-", Some(6_500)),
            ("0", Some(0)),
            ("6 500,50", None),
            ("-5", None),
            ("tio", None),
            ("", None),
            ("1e3", None),
            ("9999999999999", None),
        ] {
            assert_eq!(parse_kronor(typed), kr, "{typed:?}");
        }
    }
}
