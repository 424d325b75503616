//! Failure injection for the reliability tests: named points before and after each write inside the payment use
//! cases and the online application with its attachments. In production nothing is armed and a check is one
//! uncontended mutex lock.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use crate::error::{Result, StoreError};

#[derive(Debug, Default)]
struct Inner {
    armed: BTreeSet<&'static str>,
    /// Every point passed, in order, so a test can enumerate them and then fail at each one (only when recording,
    /// so a long-running server does not accumulate them).
    seen: Vec<&'static str>,
    record: bool,
}

/// A shared set of armed failure points. Cloning shares the set.
#[derive(Debug, Clone, Default)]
pub struct FailPoints(Arc<Mutex<Inner>>);

impl FailPoints {
    /// Fail points that also remember every point passed (see [`FailPoints::seen`]).
    pub fn recording() -> FailPoints {
        FailPoints(Arc::new(Mutex::new(Inner {
            record: true,
            ..Inner::default()
        })))
    }

    /// Makes the next pass through `point` fail (once).
    pub fn arm(&self, point: &'static str) {
        if let Ok(mut inner) = self.0.lock() {
            inner.armed.insert(point);
        }
    }

    /// Every point passed so far, in order (with repeats); empty unless created with [`FailPoints::recording`].
    pub fn seen(&self) -> Vec<&'static str> {
        self.0.lock().map(|i| i.seen.clone()).unwrap_or_default()
    }

    /// Called by the store at each point: fails if the point is armed (and disarms it).
    pub(crate) fn check(&self, point: &'static str) -> Result<()> {
        let Ok(mut inner) = self.0.lock() else {
            return Ok(());
        };
        if inner.record {
            inner.seen.push(point);
        }
        if inner.armed.remove(point) {
            return Err(StoreError::Injected(point));
        }
        Ok(())
    }
}
