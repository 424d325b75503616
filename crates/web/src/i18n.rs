//! Swedish first, English available. Texts are struct fields, so a missing translation is a compile error.

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Sv,
    En,
}

impl Texts {
    /// The label of an application status as stored (`received`, `under_investigation`, ...).
    pub fn application_status(&self, status: &str) -> &'static str {
        match status {
            "received" => self.status_received,
            "under_investigation" => self.status_under_investigation,
            "decided" => self.status_decided,
            "paid" => self.status_paid,
            "closed" => self.status_closed,
            "withdrawn" => self.status_withdrawn,
            _ => self.status,
        }
    }
}

impl Lang {
    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "sv" => Some(Lang::Sv),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub const fn code(self) -> &'static str {
        match self {
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }

    pub const fn texts(self) -> &'static Texts {
        match self {
            Lang::Sv => &SV,
            Lang::En => &EN,
        }
    }
}

/// Every fixed text of the user interface.
#[derive(Debug)]
pub struct Texts {
    pub product: &'static str,
    pub skip_to_content: &'static str,
    pub other_language: &'static str,
    pub other_language_code: &'static str,
    pub sign_in: &'static str,
    pub sign_out: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub there_is_a_problem: &'static str,
    pub start_intro: &'static str,
    pub demo_accounts: &'static str,
    pub demo_password_note: &'static str,
    pub not_found: &'static str,
    pub forbidden: &'static str,
    pub server_error: &'static str,
    pub operation_id: &'static str,
    pub signed_in_as: &'static str,
    pub start: &'static str,
    pub work_queue: &'static str,
    pub household: &'static str,
    pub members: &'static str,
    pub name: &'static str,
    pub personnummer: &'static str,
    pub role: &'static str,
    pub adult: &'static str,
    pub child: &'static str,
    pub month: &'static str,
    pub status: &'static str,
    pub received: &'static str,
    pub applications: &'static str,
    pub open_household: &'static str,
    pub queue_intro: &'static str,
    pub queue_empty: &'static str,
    pub error_username_missing: &'static str,
    pub error_password_missing: &'static str,
    pub error_bad_credentials: &'static str,
    pub error_throttled: &'static str,
    pub error_form_expired: &'static str,
    pub home_intro: &'static str,
    pub no_pages_yet: &'static str,
    pub your_permissions: &'static str,
    pub protected_identity: &'static str,
    pub status_received: &'static str,
    pub status_under_investigation: &'static str,
    pub status_decided: &'static str,
    pub status_paid: &'static str,
    pub status_closed: &'static str,
    pub status_withdrawn: &'static str,
    pub unit: &'static str,
}

pub static SV: Texts = Texts {
    product: "Stegvis – ekonomiskt bistånd",
    skip_to_content: "Hoppa till innehållet",
    other_language: "English",
    other_language_code: "en",
    sign_in: "Logga in",
    sign_out: "Logga ut",
    username: "Användarnamn",
    password: "Lösenord",
    there_is_a_problem: "Det finns ett problem",
    start_intro: "Handläggning av ekonomiskt bistånd månad för månad, och stegförflyttning mot egen försörjning.",
    demo_accounts: "Demokonton",
    demo_password_note: "Alla demokonton har lösenordet demo. Uppgifterna är påhittade.",
    not_found: "Sidan finns inte.",
    forbidden: "Du har inte behörighet till den här sidan.",
    server_error: "Något gick fel. Försök igen om en stund.",
    operation_id: "Ärende-id för felanmälan",
    signed_in_as: "Inloggad som",
    start: "Start",
    work_queue: "Ärendekö",
    household: "Hushåll",
    members: "Medlemmar",
    name: "Namn",
    personnummer: "Personnummer",
    role: "Roll",
    adult: "Vuxen",
    child: "Barn",
    month: "Månad",
    status: "Status",
    received: "Inkom",
    applications: "Ansökningar och beslut",
    open_household: "Öppna hushållet",
    queue_intro: "Nya ansökningar och ansökningar under utredning i dina enheter, äldst först.",
    queue_empty: "Inga öppna ansökningar.",
    error_username_missing: "Ange användarnamn",
    error_password_missing: "Ange lösenord",
    error_bad_credentials: "Fel användarnamn eller lösenord",
    error_throttled: "För många misslyckade försök. Vänta en stund och försök igen.",
    error_form_expired: "Formuläret har gått ut. Försök igen.",
    home_intro: "Välj vad du vill göra.",
    no_pages_yet: "Sidorna för din roll är under uppbyggnad; dina behörigheter visas nedan.",
    your_permissions: "Dina behörigheter",
    protected_identity: "Skyddad identitet",
    status_received: "Inkommen",
    status_under_investigation: "Under utredning",
    status_decided: "Beslutad",
    status_paid: "Utbetald",
    status_closed: "Avslutad",
    status_withdrawn: "Återtagen",
    unit: "Enhet",
};

pub static EN: Texts = Texts {
    product: "Stegvis – economic assistance",
    skip_to_content: "Skip to content",
    other_language: "Svenska",
    other_language_code: "sv",
    sign_in: "Sign in",
    sign_out: "Sign out",
    username: "Username",
    password: "Password",
    there_is_a_problem: "There is a problem",
    start_intro: "Economic assistance month by month, and step-by-step progression towards self-sufficiency.",
    demo_accounts: "Demo accounts",
    demo_password_note: "Every demo account has the password demo. All data is made up.",
    not_found: "Page not found.",
    forbidden: "You are not allowed to see this page.",
    server_error: "Something went wrong. Please try again shortly.",
    operation_id: "Reference for reporting the error",
    signed_in_as: "Signed in as",
    start: "Home",
    work_queue: "Work queue",
    household: "Household",
    members: "Members",
    name: "Name",
    personnummer: "Personal identity number",
    role: "Role",
    adult: "Adult",
    child: "Child",
    month: "Month",
    status: "Status",
    received: "Received",
    applications: "Applications and decisions",
    open_household: "Open household",
    queue_intro: "New applications and applications under investigation in your units, oldest first.",
    queue_empty: "No open applications.",
    error_username_missing: "Enter your username",
    error_password_missing: "Enter your password",
    error_bad_credentials: "Wrong username or password",
    error_throttled: "Too many failed attempts. Wait a while and try again.",
    error_form_expired: "The form has expired. Please try again.",
    home_intro: "Choose what you want to do.",
    no_pages_yet: "The pages for your role are being built; your permissions are listed below.",
    your_permissions: "Your permissions",
    protected_identity: "Protected identity",
    status_received: "Received",
    status_under_investigation: "Under investigation",
    status_decided: "Decided",
    status_paid: "Paid",
    status_closed: "Closed",
    status_withdrawn: "Withdrawn",
    unit: "Unit",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for lang in [Lang::Sv, Lang::En] {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
            assert_ne!(lang.texts().other_language_code, lang.code());
        }
        assert_eq!(Lang::from_code("de"), None);
    }
}
