//! Sign-in with e-legitimation (BankID, Freja eID through the municipality's broker), the policy: the broker's
//! verified personnummer claim must be a valid personnummer in its twelve-digit form; it signs in the person with
//! that number in the register as an applicant, never a member of staff; a person not in the register is told so
//! and nothing but the audit record is stored; every attempt is an audit record that never holds the number.
//!
//! The protocol (discovery, PKCE, the ID token's signature, issuer, audience, expiry and nonce) is the web crate's
//! (`web::oidc`); it calls these use cases with the claim the broker vouched for. A started sign-in is kept and
//! taken exactly as for staff (`external_auth`).

use domain::Personnummer;
use store::{CitizenAccounts, CitizenOutcome, CitizenSignIn, token_hash};

use crate::cases::PROTECTED_NAME;
use crate::service::{App, AppError, NewSession};

/// The page the audit records of these sign-ins name.
const PAGE: &str = "login/eid";

/// Why a sign-in with e-legitimation was refused. The web layer words each for its page.
#[derive(Debug, thiserror::Error)]
pub enum CitizenSignInError {
    /// The claim is not a personnummer (or samordningsnummer) in its twelve-digit form, or its check digit or date is
    /// wrong. The broker vouched for it, so this is the broker's fault or its configuration's, not the person's.
    #[error("personnumret från e-legitimationen är ogiltigt")]
    BadPersonnummer,
    /// No person in the register has this personnummer.
    #[error("personen finns inte i registret")]
    UnknownPerson,
    /// The person's applicant account is deactivated.
    #[error("kontot är inaktiverat")]
    Inactive,
    #[error(transparent)]
    App(#[from] AppError),
}

/// Why a sign-in was refused before a personnummer was known: the reason in the audit record, a fixed word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CitizenRefusal {
    /// The started sign-in was unknown, used, expired, or not this browser's.
    Expired,
    /// The person cancelled at the broker (`access_denied`).
    Cancelled,
    /// The broker reported another error, or sent no code.
    ProviderError,
    /// The broker could not be reached.
    Unavailable,
    /// The code exchange or the ID token was refused (signature, issuer, audience, expiry, nonce).
    TokenRefused,
    /// The verified ID token has no personnummer claim.
    MissingClaim,
}

impl CitizenRefusal {
    pub const fn as_str(self) -> &'static str {
        match self {
            CitizenRefusal::Expired => "expired",
            CitizenRefusal::Cancelled => "cancelled",
            CitizenRefusal::ProviderError => "provider_error",
            CitizenRefusal::Unavailable => "unavailable",
            CitizenRefusal::TokenRefused => "token_refused",
            CitizenRefusal::MissingClaim => "missing_claim",
        }
    }
}

/// The claim as a personnummer: exactly twelve digits (`YYYYMMDDNNNC`, the form brokers send: no century to guess),
/// with a valid check digit and a birth date that is not after `today`.
pub fn claimed_personnummer(claim: &str, today: jiff::civil::Date) -> Option<Personnummer> {
    if claim.len() != 12 || !claim.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Personnummer::parse(claim, today).ok()
}

impl App {
    fn citizen_ctx(&self) -> domain::Actor {
        domain::Actor {
            who: domain::Who::System("inloggning".into()),
            page: PAGE.into(),
            at: self.clock.now(),
        }
    }

    /// Records a sign-in with e-legitimation refused before a personnummer was known (`auth.login_failed`).
    pub async fn record_citizen_refusal(&self, why: CitizenRefusal) -> Result<(), AppError> {
        Ok(self
            .store
            .record_citizen_refusal(&self.citizen_ctx(), why.as_str())
            .await?)
    }

    /// Signs in the person whose personnummer the broker vouched for in a verified ID token (`claim`, as sent), as
    /// an applicant. Their applicant account is made at the first sign-in, without a password; nothing is made for
    /// a person who is not in the register. Every outcome is one audit record (two at the first sign-in: the
    /// account and the sign-in), none of which holds the personnummer.
    pub async fn sign_in_citizen(
        &self,
        claim: &str,
        new_token: &(dyn Fn() -> String + Sync),
    ) -> Result<NewSession, CitizenSignInError> {
        let now = self.clock.now();
        let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
        let Some(pnr) = claimed_personnummer(claim, today) else {
            self.store
                .record_citizen_refusal(&self.citizen_ctx(), "invalid_personnummer")
                .await
                .map_err(AppError::from)?;
            return Err(CitizenSignInError::BadPersonnummer);
        };
        let session = NewSession {
            token: new_token(),
            csrf_token: new_token(),
        };
        // Random, so that the username (which administrators see) tells nothing about the person.
        let username = format!("e-leg-{}", token_hash(&new_token()).get(..20).unwrap_or("x"));
        let outcome = self
            .store
            .sign_in_citizen(CitizenSignIn {
                pnr: &pnr,
                at: now,
                page: PAGE,
                new_username: &username,
                protected_name: PROTECTED_NAME,
                session_token: &session.token,
                csrf_token: &session.csrf_token,
            })
            .await
            .map_err(AppError::from)?;
        match outcome {
            CitizenOutcome::SignedIn { .. } => Ok(session),
            CitizenOutcome::UnknownPerson => Err(CitizenSignInError::UnknownPerson),
            CitizenOutcome::Inactive => Err(CitizenSignInError::Inactive),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_twelve_valid_digits_are_a_personnummer() {
        let today = jiff::civil::date(2026, 3, 2);
        // 19800517-1239: Luhn over 800517123 with weights 2,1,2,...: 16→7, 0, 0, 5, 2, 7, 2, 2, 6 = 31, so the
        // check digit is (10 - 31 % 10) % 10 = 9.
        let pnr = claimed_personnummer("198005171239", today).unwrap();
        assert_eq!(pnr.canonical(), "198005171239");
        // The wrong check digit, the ten-digit and dashed forms, letters, spaces, and a birth date after today.
        for claim in [
            "198005171238",
            "8005171239",
            "19800517-1239",
            "800517-1239",
            "1980051712a9",
            " 198005171239",
            "",
            "203001011234",
        ] {
            assert!(claimed_personnummer(claim, today).is_none(), "{claim}");
        }
        // A samordningsnummer (day + 60) is a valid claim too: 19800577-1236 by the same sum, 7 + 0 + 0 + 5 + 14→5
        // + 7 + 2 + 2 + 6 = 34, check digit 6.
        assert!(claimed_personnummer("198005771236", today).is_some());
    }
}
