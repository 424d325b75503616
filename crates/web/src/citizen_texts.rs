//! The applicant's words for receipts, *Mina sidor*'s amounts and payments, and the appeal form's hints, in Swedish
//! and English (a missing translation is a compile error). Kept beside `i18n` so the receipts' vocabulary lives in
//! one place.

use crate::i18n::Lang;

/// How many days a decision on an application normally takes, as the receipt promises it (the municipality's
/// service promise; see `docs/pending/citizen.md`).
pub const DECISION_DAYS: u32 = 14;

/// A message as a sentence: its first letter capitalised ("du kan ansöka..." from a use case becomes "Du kan
/// ansöka..."), the rest as written.
pub fn sentence_case(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[derive(Debug)]
pub struct CitizenTexts {
    pub application_receipt: &'static str,
    pub application_sent: &'static str,
    pub appeal_receipt: &'static str,
    pub appeal_sent: &'static str,
    pub addition_sent: &'static str,
    pub applied_for: &'static str,
    pub received_at: &'static str,
    pub what_you_sent: &'static str,
    pub incomes: &'static str,
    pub household: &'static str,
    pub earned_earlier: &'static str,
    pub assets: &'static str,
    pub nothing_declared: &'static str,
    pub no_attachments: &'static str,
    pub what_next: &'static str,
    /// Before and after the number of days.
    pub application_next: (&'static str, &'static str),
    pub appeal_next: &'static str,
    pub appeal_concerns: &'static str,
    pub decided: &'static str,
    pub your_words: &'static str,
    pub addition: &'static str,
    pub additions: &'static str,
    pub back_to_mine: &'static str,
    pub receipt: &'static str,
    pub amount: &'static str,
    pub payment: &'static str,
    pub paid_on: &'static str,
    pub to_be_paid: &'static str,
    pub appeal_of: &'static str,
    pub grounds_hint: &'static str,
    pub grounds_addition_hint: &'static str,
}

impl CitizenTexts {
    pub fn of(lang: Lang) -> &'static CitizenTexts {
        match lang {
            Lang::Sv => &SV,
            Lang::En => &EN,
        }
    }
}

pub static SV: CitizenTexts = CitizenTexts {
    application_receipt: "Kvitto på din ansökan",
    application_sent: "Din ansökan är skickad.",
    appeal_receipt: "Kvitto på ditt överklagande",
    appeal_sent: "Ditt överklagande är skickat.",
    addition_sent: "Din komplettering är skickad och har lagts till ditt överklagande.",
    applied_for: "Ekonomiskt bistånd för",
    received_at: "Mottagen",
    what_you_sent: "Det här skickade du",
    incomes: "Inkomster",
    household: "Hushållet",
    earned_earlier: "tidigare i år",
    assets: "Tillgångar",
    nothing_declared: "Inga belopp angivna.",
    no_attachments: "Inga bilagor.",
    what_next: "Vad händer nu",
    application_next: (
        "En handläggare utreder din ansökan och hör av sig om något behöver kompletteras. Du får normalt ett beslut inom",
        "dagar. Beslutet visas på Mina sidor.",
    ),
    appeal_next: "Nämnden prövar först om beslutet ska ändras. Om det inte ändras så som du vill, skickar nämnden ditt överklagande till förvaltningsrätten inom en vecka. Du kan komplettera ditt överklagande från beslutet.",
    appeal_concerns: "Överklagandet gäller beslutet om ekonomiskt bistånd för",
    decided: "fattat",
    your_words: "Det här skrev du",
    addition: "Komplettering",
    additions: "Kompletteringar",
    back_to_mine: "Till Mina sidor",
    receipt: "Kvitto",
    amount: "Belopp",
    payment: "Utbetalning",
    paid_on: "Utbetald",
    to_be_paid: "Betalas ut",
    appeal_of: "Överklagande",
    grounds_hint: "Högst 5 000 tecken.",
    grounds_addition_hint: "Du har redan överklagat beslutet. Det du skickar nu läggs till ditt överklagande. Högst 5 000 tecken.",
};

pub static EN: CitizenTexts = CitizenTexts {
    application_receipt: "Receipt for your application",
    application_sent: "Your application has been sent.",
    appeal_receipt: "Receipt for your appeal",
    appeal_sent: "Your appeal has been sent.",
    addition_sent: "Your addition has been sent and added to your appeal.",
    applied_for: "Economic assistance for",
    received_at: "Received",
    what_you_sent: "What you sent",
    incomes: "Incomes",
    household: "The household",
    earned_earlier: "earlier this year",
    assets: "Assets",
    nothing_declared: "No amounts given.",
    no_attachments: "No attachments.",
    what_next: "What happens next",
    application_next: (
        "A caseworker investigates your application and contacts you if anything needs to be added. You normally get a decision within",
        "days. The decision is shown on My pages.",
    ),
    appeal_next: "The board first considers whether to change the decision. If it is not changed as you want, the board sends your appeal to the administrative court within a week. You can add to your appeal from the decision.",
    appeal_concerns: "The appeal concerns the decision on economic assistance for",
    decided: "made",
    your_words: "What you wrote",
    addition: "Addition",
    additions: "Additions",
    back_to_mine: "To My pages",
    receipt: "Receipt",
    amount: "Amount",
    payment: "Payment",
    paid_on: "Paid",
    to_be_paid: "To be paid",
    appeal_of: "Appeal",
    grounds_hint: "At most 5,000 characters.",
    grounds_addition_hint: "You have already appealed the decision. What you send now is added to your appeal. At most 5,000 characters.",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_start_with_a_capital() {
        assert_eq!(sentence_case("du kan ansöka"), "Du kan ansöka");
        assert_eq!(sentence_case("överklagande"), "Överklagande");
        assert_eq!(sentence_case(""), "");
    }
}
