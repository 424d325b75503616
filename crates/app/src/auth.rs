//! Local accounts: argon2id password hashes and the throttling of failed sign-ins.
//!
//! The storage of users, sessions and attempts is the store's; the policy (how to hash, when to refuse) is here.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use jiff::{SignedDuration, Timestamp};

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("lösenordet kunde inte hashas: {0}")]
    Hash(String),
    #[error("lagrad lösenordshash är ogiltig")]
    BadStoredHash,
}

/// argon2id with OWASP's minimum recommended parameters (19 MiB, 2 iterations, 1 lane).
fn hasher() -> Result<Argon2<'static>, AuthError> {
    let params = Params::new(19 * 1024, 2, 1, None).map_err(|e| AuthError::Hash(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hash a password with a fresh random salt; the PHC string carries algorithm, parameters and salt.
pub fn hash_password(password: &str) -> Result<String, AuthError> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Hash(e.to_string()))
}

/// Check a password against a stored PHC string. A malformed stored hash is an error, not a silent "no".
pub fn verify_password(password: &str, stored: &str) -> Result<bool, AuthError> {
    let parsed = PasswordHash::new(stored).map_err(|_| AuthError::BadStoredHash)?;
    Ok(hasher()?.verify_password(password.as_bytes(), &parsed).is_ok())
}

/// How many failures within which window lock a username out for the rest of that window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    pub max_failures: u32,
    pub window: SignedDuration,
}

impl Throttle {
    /// The moment from which failures count towards the limit.
    pub fn window_start(&self, now: Timestamp) -> Timestamp {
        now.checked_sub(self.window).unwrap_or(now)
    }

    /// `failures_in_window` = failed attempts for this username since [`Throttle::window_start`].
    pub fn allows(&self, failures_in_window: u32) -> bool {
        failures_in_window < self.max_failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ_by_salt() {
        let a = hash_password("correct horse").unwrap();
        let b = hash_password("correct horse").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b);
        assert!(verify_password("correct horse", &a).unwrap());
        assert!(!verify_password("wrong", &a).unwrap());
        assert!(matches!(
            verify_password("x", "not a hash"),
            Err(AuthError::BadStoredHash)
        ));
    }

    #[test]
    fn throttle_refuses_after_the_limit() {
        let t = Throttle {
            max_failures: 5,
            window: SignedDuration::from_mins(15),
        };
        assert!(t.allows(4));
        assert!(!t.allows(5));
        let now: Timestamp = "2026-01-01T12:00:00Z".parse().unwrap();
        assert_eq!(
            t.window_start(now),
            "2026-01-01T11:45:00Z".parse::<Timestamp>().unwrap()
        );
    }
}
