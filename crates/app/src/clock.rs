//! The one place that reads the wall clock. Everything else takes a `Clock` (or an instant) as input.

use std::sync::Mutex;

use jiff::Timestamp;

/// A source of the current instant. Tests use [`FixedClock`]; the binary uses [`SystemClock`].
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> Timestamp;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[expect(
        clippy::disallowed_methods,
        reason = "this is the one clock module allowed to read the time"
    )]
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that stands still until told to move: reproducible tests and the synthetic demo.
#[derive(Debug)]
pub struct FixedClock(Mutex<Timestamp>);

impl FixedClock {
    pub fn new(at: Timestamp) -> FixedClock {
        FixedClock(Mutex::new(at))
    }

    pub fn set(&self, at: Timestamp) {
        if let Ok(mut t) = self.0.lock() {
            *t = at;
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        // A poisoned lock only means another thread panicked while setting the time; the value is still valid.
        match self.0.lock() {
            Ok(t) => *t,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let t0: Timestamp = "2026-03-01T08:00:00Z".parse().unwrap();
        let c = FixedClock::new(t0);
        assert_eq!(c.now(), t0);
        let t1: Timestamp = "2026-03-02T08:00:00Z".parse().unwrap();
        c.set(t1);
        assert_eq!(c.now(), t1);
    }
}
