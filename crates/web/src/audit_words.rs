//! The auditor's log in words: every event code the product writes as a Swedish and English phrase, and a
//! record's details as labelled fields (households by their people, amounts in kronor, times in Swedish time,
//! statuses in words) instead of raw JSON. The test at the end finds every code written in `store` and `app` and
//! checks that it has a phrase here.

use std::collections::BTreeMap;

use app::domain::{HouseholdId, PersonId};
use app::names::Doer;
#[cfg(test)]
use app::names::Shown;
use app::review::LogWords;

use crate::i18n::Lang;
use crate::lang::PageLang;
use crate::payment_pages::{doer, shown};

/// (code, Swedish, English) for every event the product records.
pub const EVENTS: &[(&str, &str, &str)] = &[
    ("access.denied", "Åtkomst nekad", "Access refused"),
    ("account.activate", "Konto aktiverat", "Account activated"),
    ("account.create", "Konto skapat", "Account created"),
    ("account.deactivate", "Konto inaktiverat", "Account deactivated"),
    ("account.demo", "Demokonto skapat", "Demo account created"),
    (
        "account.external_link",
        "Extern inloggning kopplad till konto",
        "External sign-in linked",
    ),
    (
        "account.external_unlink",
        "Extern inloggning borttagen från konto",
        "External sign-in unlinked",
    ),
    (
        "account.units",
        "Kontots enheter ändrade",
        "Account's units changed",
    ),
    ("appeal.carry_out", "Dom verkställd", "Judgment carried out"),
    (
        "appeal.forward",
        "Överklagande överlämnat till förvaltningsrätten",
        "Appeal forwarded to the court",
    ),
    (
        "appeal.judged",
        "Överklagande avgjort av domstol",
        "Appeal decided by the court",
    ),
    ("appeal.judgment", "Dom registrerad", "Judgment recorded"),
    ("appeal.read", "Överklagande läst", "Appeal read"),
    ("appeal.receive", "Överklagande mottaget", "Appeal received"),
    (
        "appeal.addition",
        "Komplettering till överklagande mottagen",
        "Addition to an appeal received",
    ),
    (
        "application.assign",
        "Ansökan tilldelad handläggare",
        "Application assigned to a caseworker",
    ),
    (
        "appeal.reconsider",
        "Överklagat beslut omprövat",
        "Appealed decision reconsidered",
    ),
    ("applicant.read", "Mina sidor lästa", "My pages read"),
    ("application.close", "Ansökan avslutad", "Application closed"),
    (
        "application.correct",
        "Uppgift i ansökan rättad",
        "Fact in application corrected",
    ),
    (
        "application.investigate",
        "Utredning påbörjad",
        "Investigation started",
    ),
    ("application.read", "Ansökan läst", "Application read"),
    ("application.receive", "Ansökan mottagen", "Application received"),
    (
        "application.request",
        "Sökandens uppgifter sparade",
        "Applicant's declaration stored",
    ),
    (
        "application.withdraw",
        "Ansökan återkallad",
        "Application withdrawn",
    ),
    (
        "application_form.read",
        "Underlag för ansökan läst",
        "Application form basis read",
    ),
    (
        "audit.extract",
        "Loggutdrag för en person",
        "Log extract for a person",
    ),
    ("audit.read", "Logg läst", "Log read"),
    ("audit.search", "Sökning i loggen", "Log searched"),
    ("auth.login", "Inloggning", "Signed in"),
    ("auth.login_failed", "Misslyckad inloggning", "Failed sign-in"),
    ("auth.logout", "Utloggning", "Signed out"),
    (
        "batch.approve",
        "Utbetalningsomgång attesterad",
        "Payment run approved",
    ),
    ("batch.create", "Utbetalningsomgång skapad", "Payment run created"),
    (
        "batch.export",
        "Utbetalningsfil skickad till banken",
        "Payment file sent to the bank",
    ),
    (
        "batch.paid",
        "Utbetalning bekräftad av banken",
        "Payment confirmed by the bank",
    ),
    ("batch.read", "Utbetalningsomgång läst", "Payment run read"),
    ("claim.create", "Återkrav registrerat", "Recovery claim recorded"),
    ("decision.create", "Beslut fattat", "Decision made"),
    ("decision.read", "Beslut läst", "Decision read"),
    ("decision.reconsider", "Beslut omprövat", "Decision reconsidered"),
    ("decision.serve", "Beslut delgivet", "Decision served"),
    ("document.attach", "Bilaga sparad", "Attachment stored"),
    ("document.list", "Bilagor listade", "Attachments listed"),
    ("document.read", "Bilaga öppnad", "Attachment opened"),
    ("fact.correct", "Uppgift rättad", "Fact corrected"),
    ("fact.record", "Uppgift registrerad", "Fact recorded"),
    ("facts.read", "Uppgifter lästa", "Facts read"),
    ("follow_up.create", "Bevakning skapad", "Follow-up created"),
    (
        "follow_up.done",
        "Bevakning klarmarkerad",
        "Follow-up marked done",
    ),
    (
        "gallring.execute",
        "Gallring genomförd",
        "Records cleared (gallring)",
    ),
    (
        "gallring.report",
        "Gallringsrapport tagen",
        "Gallring report made",
    ),
    (
        "grant.protected",
        "Behörighet till person med skyddad identitet given",
        "Protected-identity grant given",
    ),
    (
        "grant.protected_revoke",
        "Behörighet till person med skyddad identitet återkallad",
        "Protected-identity grant revoked",
    ),
    (
        "household.read",
        "Hushållets akt läst",
        "Household's case file read",
    ),
    (
        "household.register",
        "Hushåll registrerat",
        "Household registered",
    ),
    (
        "journal.append",
        "Journalanteckning skriven",
        "Journal note written",
    ),
    ("journal.read", "Journal läst", "Journal read"),
    ("payment.create", "Utbetalning skapad", "Payment created"),
    ("payment.stop", "Utbetalning stoppad", "Payment stopped"),
    (
        "person.address",
        "Postadress registrerad",
        "Postal address recorded",
    ),
    ("person.address.read", "Postadress läst", "Postal address read"),
    ("person.lookup", "Person sökt i registret", "Person looked up"),
    ("person.register", "Person registrerad", "Person registered"),
    ("queue.read", "Arbetskö läst", "Work queue read"),
    (
        "sanction.decide",
        "Förslag om nedsättning avgjort",
        "Proposal to reduce decided",
    ),
    (
        "sanction.propose",
        "Förslag om nedsättning (12 kap. 5 § SoL) lämnat",
        "Proposal to reduce (ch. 12 s. 5 SoL) made",
    ),
    (
        "sanction.read",
        "Förslag om nedsättning läst",
        "Proposal to reduce read",
    ),
    ("staff.create", "Personal registrerad", "Staff member registered"),
    (
        "statistics.read",
        "Statistik läst (endast summor)",
        "Statistics read (totals only)",
    ),
    ("unit.create", "Enhet skapad", "Unit created"),
    // The ladder work per person (issue #13).
    ("ladder.version", "Ny version av stegen", "New ladder version"),
    (
        "assessment.record",
        "Stegbedömning registrerad",
        "Step assessment recorded",
    ),
    ("plan.create", "Planering upprättad", "Plan made"),
    ("plan.close", "Planering avslutad", "Plan closed"),
    ("activity.add", "Aktivitet tillagd", "Activity added"),
    (
        "activity.end",
        "Aktivitetens sista dag satt",
        "Activity's last day set",
    ),
    (
        "attendance.record",
        "Närvaro registrerad eller rättad",
        "Attendance recorded or corrected",
    ),
    (
        "exit.record",
        "Avslut från stegen registrerat",
        "Exit from the ladder recorded",
    ),
    (
        "reason.record",
        "Försörjningshinder registrerat",
        "Reason for assistance recorded",
    ),
    (
        "progression.import",
        "Stegförflyttning inläst",
        "Step progression imported",
    ),
    (
        "progression.read",
        "Stegförflyttning läst",
        "Step progression read",
    ),
    (
        "progression.own_read",
        "Egen planering läst i e-tjänsten",
        "Own plan read in the e-service",
    ),
    (
        "caseload.read",
        "Jobbcoachens deltagare lästa",
        "Job coach's participants read",
    ),
];

/// The event in words; an unknown code (from a newer version) reads as "other event", never as the code.
pub fn event(code: &str, lang: Lang) -> &'static str {
    let found = EVENTS.iter().find(|(c, _, _)| *c == code);
    match (found, lang) {
        (Some((_, sv, _)), Lang::Sv) => sv,
        (Some((_, _, en)), Lang::En) => en,
        (None, Lang::Sv) => "Annan händelse",
        (None, Lang::En) => "Other event",
    }
}

/// (detail key, Swedish, English) for the fields a record's detail holds.
const FIELDS: &[(&str, &str, &str)] = &[
    ("household", "Hushåll", "Household"),
    ("households", "Hushåll", "Households"),
    ("application", "Ansökan", "Application"),
    ("applications", "Ansökningar", "Applications"),
    ("decision", "Beslut", "Decision"),
    ("decisions", "Beslut", "Decisions"),
    ("new_decision", "Nytt beslut", "New decision"),
    ("replaces", "Ersätter beslut", "Replaces decision"),
    ("batch", "Utbetalningsomgång", "Payment run"),
    ("payment", "Utbetalning", "Payment"),
    ("payments", "Utbetalningar", "Payments"),
    ("appeal", "Överklagande", "Appeal"),
    ("claim", "Återkrav", "Recovery claim"),
    ("document", "Bilaga", "Attachment"),
    ("documents", "Bilagor", "Attachments"),
    ("follow_up", "Bevakning", "Follow-up"),
    ("note", "Anteckning", "Note"),
    ("notes", "Anteckningar", "Notes"),
    ("account", "Konto", "Account"),
    ("accounts", "Konton", "Accounts"),
    ("unit", "Enhet", "Unit"),
    ("units", "Enheter", "Units"),
    ("staff", "Personal", "Staff"),
    ("persons", "Personer", "Persons"),
    ("status", "Status", "Status"),
    ("total", "Belopp", "Amount"),
    ("amount", "Belopp", "Amount"),
    ("pay_date", "Utbetalningsdag", "Pay date"),
    ("served_on", "Delgivet", "Served"),
    ("due_on", "Förfallodag", "Due"),
    ("valid_at", "Gäller från", "Valid from"),
    ("on", "Dag", "Day"),
    ("from", "Från", "From"),
    ("to", "Till", "To"),
    ("records", "Antal poster", "Records"),
    ("ladder_version", "Version av stegen", "Ladder version"),
    ("valid_from", "Gäller från", "In force from"),
    ("steps", "Antal steg", "Steps"),
    ("assessment", "Bedömning", "Assessment"),
    ("step", "Steg", "Step"),
    ("plan", "Planering", "Plan"),
    ("activity", "Aktivitet", "Activity"),
    ("activities", "Aktiviteter", "Activities"),
    ("assessments", "Bedömningar", "Assessments"),
    ("plans", "Planeringar", "Plans"),
    ("hours", "Timmar per vecka", "Hours per week"),
    ("week", "Vecka från", "Week from"),
    ("hours_attended", "Närvaro (timmar)", "Attended (hours)"),
    ("hours_absent", "Frånvaro (timmar)", "Absent (hours)"),
    (
        "old_hours_attended",
        "Tidigare närvaro (timmar)",
        "Earlier attended (hours)",
    ),
    (
        "old_hours_absent",
        "Tidigare frånvaro (timmar)",
        "Earlier absent (hours)",
    ),
    ("earlier_end", "Tidigare sista dag", "Earlier last day"),
    ("exit", "Avslut", "Exit"),
    ("month", "Månad", "Month"),
    ("replaced", "Ersatte tidigare", "Replaced an earlier one"),
    ("offset", "Från post", "From record"),
    ("actor", "Användare", "User"),
    ("action", "Händelse", "Event"),
    ("role", "Roll", "Role"),
    ("method", "Sätt", "Method"),
    ("reason", "Skäl", "Reason"),
    ("throttled", "Fördröjd", "Delayed"),
    ("found", "Hittad", "Found"),
    ("protected", "Skyddad identitet", "Protected identity"),
    ("protection", "Skyddad identitet", "Protected identity"),
    ("kind", "Slag", "Kind"),
    ("mime", "Filtyp", "File type"),
    ("size", "Storlek (byte)", "Size (bytes)"),
    ("fact", "Uppgift", "Fact"),
    ("corrects", "Rättar", "Corrects"),
    ("corrections", "Rättelser", "Corrections"),
    ("outcome", "Utfall", "Outcome"),
    ("met", "Bifallet", "Met"),
    ("what", "Avser", "Concerns"),
    ("issuer", "Inloggningstjänst", "Sign-in service"),
    ("key", "Nyckel", "Key"),
    ("ground", "Grund", "Ground"),
    ("sanction", "Förslag om nedsättning", "Proposal to reduce"),
    ("sanction_ground", "Grund", "Ground"),
    ("sanction_outcome", "Utfall", "Outcome"),
    ("week", "Vecka", "Week"),
    ("activity", "Aktivitet", "Activity"),
    ("applied_months", "Sökta månader", "Months applied for"),
    ("history_months", "Månader i historiken", "Months in the history"),
    ("facts", "Uppgifter", "Facts"),
    ("statistics", "Statistikrader", "Statistics rows"),
    ("report", "Rapport", "Report"),
    ("until", "Till och med", "Up to and including"),
    ("histories", "Personer i underlaget", "Persons in the basis"),
    ("due", "Förfallna", "Due"),
    ("kept_for_research", "Sparade för forskning", "Kept for research"),
    ("kept_live", "Fortfarande aktuella", "Still current"),
    ("change_records", "Ändringsposter", "Change records"),
    ("read_records", "Läsposter", "Read records"),
    (
        "log_retention_years",
        "Loggarnas gallringsfrist (år)",
        "Log retention (years)",
    ),
];

fn field_label(key: &str, lang: Lang) -> &'static str {
    let found = FIELDS.iter().find(|(k, _, _)| *k == key);
    match (found, lang) {
        (Some((_, sv, _)), Lang::Sv) => sv,
        (Some((_, _, en)), Lang::En) => en,
        (None, Lang::Sv) => "Övrigt",
        (None, Lang::En) => "Other",
    }
}

/// How many names of a listed household are shown before "and N more".
const LISTED: usize = 5;

/// One labelled field of a record's detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: &'static str,
    pub value: String,
}

/// A household named by its people, or "a household" when the log's names hold none (a gallrad household).
fn household(h: i64, words: &LogWords, lang: PageLang) -> String {
    let t = lang.texts();
    match words.households.get(&HouseholdId(h)) {
        Some(people) if !people.is_empty() => {
            people.iter().map(|p| shown(p, t)).collect::<Vec<_>>().join(", ")
        }
        _ => match lang.0 {
            Lang::Sv => "(hushåll utan namn i registret)".to_owned(),
            Lang::En => "(household with no name on record)".to_owned(),
        },
    }
}

/// A number of things: "3".
fn count(list: &[serde_json::Value]) -> String {
    list.len().to_string()
}

/// A value in words for its key.
fn value(key: &str, v: &serde_json::Value, words: &LogWords, lang: PageLang) -> String {
    use serde_json::Value;
    let yes_no = |b: bool| match (b, lang.0) {
        (true, Lang::Sv) => "ja",
        (false, Lang::Sv) => "nej",
        (true, Lang::En) => "yes",
        (false, Lang::En) => "no",
    };
    match (key, v) {
        ("household", Value::Number(n)) => n.as_i64().map(|h| household(h, words, lang)).unwrap_or_default(),
        ("households", Value::Array(list)) => {
            let mut names: Vec<String> = list
                .iter()
                .filter_map(Value::as_i64)
                .take(LISTED)
                .map(|h| household(h, words, lang))
                .collect();
            if list.len() > LISTED {
                names.push(match lang.0 {
                    Lang::Sv => format!("och {} till", list.len() - LISTED),
                    Lang::En => format!("and {} more", list.len() - LISTED),
                });
            }
            names.join("; ")
        }
        ("total" | "amount", Value::Number(n)) => n
            .as_i64()
            .map(|ore| app::norm::Money::from_ore(ore).to_string())
            .unwrap_or_default(),
        ("from" | "to", Value::Number(n)) => n
            .as_i64()
            .and_then(|us| jiff::Timestamp::from_microsecond(us).ok())
            .map(crate::time::second)
            .unwrap_or_default(),
        ("status", Value::String(s)) => lang.texts().application_status(s).to_owned(),
        ("sanction_ground", Value::String(s)) => app::domain::progression::SanctionGround::parse(s)
            .map(|g| {
                crate::sanction_texts::SanctionTexts::of(lang.0)
                    .ground(g)
                    .to_owned()
            })
            .unwrap_or_default(),
        ("sanction_outcome", Value::String(s)) => app::domain::progression::SanctionOutcome::parse(s)
            .map(|o| {
                crate::sanction_texts::SanctionTexts::of(lang.0)
                    .outcome(Some(o))
                    .to_owned()
            })
            .unwrap_or_default(),
        // A count of persons behind a statistics read, not a reference number.
        ("histories", Value::Number(n)) => n.to_string(),
        ("actor", Value::String(s)) => doer(s, &words.doers, lang),
        ("action", Value::String(s)) => {
            if EVENTS.iter().any(|(c, _, _)| c == s) {
                event(s, lang.0).to_owned()
            } else {
                // A prefix the auditor typed, as typed.
                s.clone()
            }
        }
        ("role", Value::String(s)) => s
            .parse::<app::domain::role::Role>()
            .map(|r| crate::pages::role_label(r, lang.0).to_owned())
            .unwrap_or_default(),
        // Counts and hours of the ladder work are figures, not reference numbers.
        (
            "step" | "steps" | "hours" | "hours_attended" | "hours_absent" | "old_hours_attended"
            | "old_hours_absent" | "activities" | "assessments" | "plans",
            Value::Number(n),
        ) => n.to_string(),
        (_, Value::Array(list)) => count(list),
        (_, Value::Bool(b)) => yes_no(*b).to_owned(),
        // Numbers of their own pages (application, decision, payment run) are reference numbers, as the letter and
        // the run's page call them ("nr 12"), not a bare figure.
        (_, Value::Number(n)) => format!("{} {n}", number_word(lang)),
        (_, Value::String(s)) => s.clone(),
        (_, Value::Null) => "–".to_owned(),
        (_, Value::Object(_)) => String::new(),
    }
}

/// A record's detail as labelled fields, in the order written. Keys with nothing to say are left out.
pub fn fields(detail_json: &str, words: &LogWords, lang: PageLang) -> Vec<Field> {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(detail_json) else {
        return Vec::new();
    };
    map.iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| Field {
            label: field_label(k, lang.0),
            value: value(k, v, words, lang),
        })
        .filter(|f| !f.value.is_empty())
        .collect()
}

/// The subject person by name (masked as protected identity requires).
pub fn person(p: PersonId, words: &LogWords, lang: PageLang) -> String {
    let t = lang.texts();
    words
        .persons
        .get(&p)
        .map(|s| shown(s, t).to_owned())
        .unwrap_or_else(|| match lang.0 {
            Lang::Sv => "(person utan namn i registret)".to_owned(),
            Lang::En => "(person with no name on record)".to_owned(),
        })
}

/// The choice of whose actions to list: (who, "Name (Role)"), by name.
pub fn actor_choices(doers: &BTreeMap<String, Doer>, lang: PageLang) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = doers.keys().map(|w| (w.clone(), doer(w, doers, lang))).collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// The word before a reference number ("nr 12" / "no. 12").
fn number_word(lang: PageLang) -> &'static str {
    match lang.0 {
        Lang::Sv => "nr",
        Lang::En => "no.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every string literal `"word.word"` in the store's and the application core's sources that is an event code:
    /// fail points, file names and table names are told apart by where and how they are written.
    fn written_codes() -> std::collections::BTreeSet<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        let mut dirs = vec![root.join("store/src"), root.join("app/src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push(path);
                }
            }
        }
        let mut codes = std::collections::BTreeSet::new();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for line in text.lines() {
                if line.contains("fail_point(")
                    || line.contains("fail.check(")
                    || line.trim_start().starts_with("//")
                {
                    continue;
                }
                for literal in line.split('"').skip(1).step_by(2) {
                    let Some((a, b)) = literal.split_once('.') else {
                        continue;
                    };
                    let word =
                        |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_lowercase() || c == b'_');
                    let file_name =
                        ["pdf", "jsonl", "exe", "png", "txt", "sqlite", "key", "pub"].contains(&b);
                    // `readlog.x` is a table; a one- or two-letter name before the dot is an SQL alias (`a.month`).
                    let table = a == "readlog" || a.len() <= 2;
                    let failpoint = b.starts_with("before_") || b.starts_with("after_");
                    if word(a) && word(b) && !file_name && !table && !failpoint {
                        codes.insert(literal.to_owned());
                    }
                }
            }
        }
        codes
    }

    #[test]
    fn every_event_code_written_has_words() {
        let codes = written_codes();
        // The scan finds the codes: a sample of them, so that a broken scan cannot pass by finding nothing.
        for sample in [
            "household.read",
            "batch.paid",
            "auth.login_failed",
            "access.denied",
        ] {
            assert!(codes.contains(sample), "the scan should find {sample}");
        }
        let missing: Vec<&String> = codes
            .iter()
            .filter(|c| !EVENTS.iter().any(|(e, _, _)| e == c))
            .collect();
        assert!(missing.is_empty(), "event codes without words: {missing:?}");
    }

    #[test]
    fn details_read_as_labelled_fields() {
        let mut words = LogWords::default();
        words.households.insert(
            HouseholdId(4),
            vec![Shown::Name("Alva Ek".into()), Shown::Protected],
        );
        let sv = PageLang(Lang::Sv);
        let f = fields(
            r#"{"batch":7,"household":4,"payments":[1,2,3],"total":1002000,"status":"paid"}"#,
            &words,
            sv,
        );
        let mut pairs: Vec<(&str, &str)> = f.iter().map(|f| (f.label, f.value.as_str())).collect();
        pairs.sort();
        // 1,002,000 öre is 10,020 kr (narrow no-break space as thousands separator).
        assert_eq!(
            pairs,
            [
                ("Belopp", "10\u{202f}020 kr"),
                ("Hushåll", "Alva Ek, Skyddad identitet"),
                ("Status", "Utbetald"),
                ("Utbetalningar", "3"),
                ("Utbetalningsomgång", "nr 7"),
            ]
        );
        assert_eq!(event("household.read", Lang::En), "Household's case file read");
        assert_eq!(event("no.such", Lang::Sv), "Annan händelse");
    }
}
