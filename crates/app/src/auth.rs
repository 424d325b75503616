//! Local accounts: argon2id password hashes and the throttling of failed sign-ins.
//!
//! The storage of users, sessions and attempts is the store's; the policy (how to hash, when to refuse) is here.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use jiff::{SignedDuration, Timestamp};
use store::{Failures, SignInHistory};

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

/// How sign-in slows guessing down: a few failures are free, then every further try must wait a delay that doubles
/// with each failure, up to a cap. There is no hard lock: a known user is never locked out by someone else's
/// requests for longer than the cap, and not at all from their usual address.
///
/// Failures count per client address (any username) and per username (every address) within `window`; a username's
/// count starts again after each successful sign-in. From an address the user has signed in from before (within
/// [`USUAL_ADDRESS_DAYS`]) only the failures for that user from that address count, so five wrong passwords sent
/// from elsewhere do not stop the user at their desk, and colleagues' typing errors behind the same address do not
/// either. Attempts refused by the throttle are recorded and audited but are no guesses: they do not lengthen the
/// delay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    /// Failures allowed (on each count) before delays begin.
    pub max_failures: u32,
    /// How far back failures count.
    pub window: SignedDuration,
    /// The longest delay.
    pub max_delay: SignedDuration,
}

/// An address the user signed in from within this many days is their usual address.
pub const USUAL_ADDRESS_DAYS: i64 = 90;

/// The first delay after the free failures; each further failure doubles it.
pub const FIRST_DELAY: SignedDuration = SignedDuration::from_secs(1);

impl Throttle {
    /// The moment from which failures count.
    pub fn window_start(&self, now: Timestamp) -> Timestamp {
        now.checked_sub(self.window).unwrap_or(now)
    }

    /// Since when a successful sign-in makes an address the user's usual one.
    pub fn usual_since(&self, now: Timestamp) -> Timestamp {
        now.checked_sub(SignedDuration::from_hours(24 * USUAL_ADDRESS_DAYS))
            .unwrap_or(now)
    }

    /// The delay owed after `failures` failures: none for the first `max_failures`, then 1 s, 2 s, 4 s, ... up to
    /// `max_delay`.
    pub fn delay(&self, failures: u32) -> SignedDuration {
        let Some(over) = failures.checked_sub(self.max_failures) else {
            return SignedDuration::ZERO;
        };
        // 2^over seconds; from 2^30 s (34 years) on, the cap has long been reached.
        let secs = 1_i64.checked_shl(over.min(30)).unwrap_or(i64::MAX);
        FIRST_DELAY
            .checked_mul(i32::try_from(secs).unwrap_or(i32::MAX))
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }

    /// How long a new try must still wait after these failures, if at all.
    pub fn wait(&self, failures: Failures, now: Timestamp) -> Option<SignedDuration> {
        let last = failures.last?;
        let until = last.checked_add(self.delay(failures.count)).ok()?;
        (until > now).then(|| until.duration_since(now))
    }

    /// Whether a try is allowed now, or how long it must wait (the longer of the counts that apply).
    pub fn check(&self, history: &SignInHistory, now: Timestamp) -> Result<(), SignedDuration> {
        let waits = if history.usual_address {
            [self.wait(history.user_here, now), None]
        } else {
            [self.wait(history.address, now), self.wait(history.user, now)]
        };
        match waits.into_iter().flatten().max() {
            Some(wait) => Err(wait),
            None => Ok(()),
        }
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
    fn delays_double_after_the_free_failures_up_to_the_cap() {
        let t = Throttle {
            max_failures: 5,
            window: SignedDuration::from_mins(15),
            max_delay: SignedDuration::from_mins(15),
        };
        // Five failures are free; the sixth try waits 1 s after the fifth failure, then 2 s, 4 s, ...
        let secs = |n| t.delay(n).as_secs();
        assert_eq!(
            (secs(0), secs(4), secs(5), secs(6), secs(7), secs(14)),
            (0, 0, 1, 2, 4, 512)
        );
        // 2^10 s = 1024 s is over the cap of 900 s; so is everything after it, without overflowing.
        assert_eq!((secs(15), secs(40), secs(u32::MAX)), (900, 900, 900));
        let now: Timestamp = "2026-01-01T12:00:00Z".parse().unwrap();
        assert_eq!(
            t.window_start(now),
            "2026-01-01T11:45:00Z".parse::<Timestamp>().unwrap()
        );
        let at = |s: &str| Some(s.parse::<Timestamp>().unwrap());
        let seven = Failures {
            count: 7,
            last: at("2026-01-01T11:59:58Z"),
        };
        // Seven failures owe 4 s after the last one: 2 s are left at noon, none at 12:00:02.
        assert_eq!(t.wait(seven, now), Some(SignedDuration::from_secs(2)));
        assert_eq!(t.wait(seven, "2026-01-01T12:00:02Z".parse().unwrap()), None);
        // From the usual address only the user's own failures from there count.
        let mut h = SignInHistory {
            user: seven,
            address: seven,
            ..SignInHistory::default()
        };
        assert_eq!(t.check(&h, now), Err(SignedDuration::from_secs(2)));
        h.usual_address = true;
        assert_eq!(t.check(&h, now), Ok(()));
    }
}
