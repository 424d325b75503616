//! The words of the staff pages added for the working day (issue #12): the error page's headings for a bad
//! address or form, payment runs in words, the auditor's log in words. Swedish and English side by side, so a
//! missing translation is a compile error.

use crate::i18n::Lang;

/// Fixed texts of the staff pages.
#[derive(Debug)]
pub struct StaffTexts {
    /// The error page's heading when the address or a form value could not be read (400, 415, 422).
    pub bad_request: &'static str,
    /// ... and when the page does not take that kind of request (405).
    pub method_not_allowed: &'static str,
    /// Payment runs: a run whose bank file is made, and one the bank has confirmed.
    pub batch_exported: &'static str,
    pub batch_paid: &'static str,
    pub payment_exported: &'static str,
    pub payment_paid: &'static str,
    pub payee: &'static str,
    pub purpose: &'static str,
    pub paid_by: &'static str,
    pub confirm_paid: &'static str,
    pub confirm_paid_hint: &'static str,
    /// Who did something when it was a scheduled or command-line job.
    pub system: &'static str,
    /// Who did something when the account can no longer be named.
    pub unknown_person: &'static str,
    /// The extract's CSV: the column saying which log a record is in.
    pub log_which: &'static str,
    /// The search's choice of user: everyone.
    pub anyone: &'static str,
}

const SV: StaffTexts = StaffTexts {
    bad_request: "Adressen eller uppgifterna går inte att läsa",
    method_not_allowed: "Sidan går inte att använda på det sättet",
    batch_exported: "Skickad till banken",
    batch_paid: "Utbetald",
    payment_exported: "Skickad till banken",
    payment_paid: "Utbetald",
    payee: "Mottagare",
    purpose: "Avser",
    paid_by: "Utbetalning bekräftad av",
    confirm_paid: "Banken har betalat ut",
    confirm_paid_hint: "Registrera när banken har bekräftat omgången. Först då räknas ansökningarna som utbetalda.",
    system: "Systemet (automatiskt)",
    unknown_person: "Okänd användare",
    log_which: "Logg",
    anyone: "Alla användare",
};

const EN: StaffTexts = StaffTexts {
    bad_request: "The address or the values cannot be read",
    method_not_allowed: "The page cannot be used that way",
    batch_exported: "Sent to the bank",
    batch_paid: "Paid",
    payment_exported: "Sent to the bank",
    payment_paid: "Paid",
    payee: "Payee",
    purpose: "For",
    paid_by: "Payment confirmed by",
    confirm_paid: "The bank has paid",
    confirm_paid_hint: "Record this when the bank has confirmed the run. Only then do the applications count as paid.",
    system: "The system (automatic)",
    unknown_person: "Unknown user",
    log_which: "Log",
    anyone: "All users",
};

impl StaffTexts {
    pub const fn of(lang: Lang) -> &'static StaffTexts {
        match lang {
            Lang::Sv => &SV,
            Lang::En => &EN,
        }
    }
}
