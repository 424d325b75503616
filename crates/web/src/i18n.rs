//! Swedish first, English available. Texts are struct fields, so a missing translation is a compile error.

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Sv,
    En,
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
