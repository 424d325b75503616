//! The binary's clock: the system clock, or a frozen instant from `STEGVIS_FIXED_NOW` (RFC 3339) so that a demo or
//! a browser test sees the same "today" whenever it runs.

use std::sync::Arc;

use anyhow::{Context, Result};
use app::{Clock, FixedClock, SystemClock};

pub const FIXED_NOW: &str = "STEGVIS_FIXED_NOW";

pub fn from_env() -> Result<Arc<dyn Clock>> {
    // An empty value counts as unset: `STEGVIS_FIXED_NOW= stegvis demo` and shells that export an empty variable
    // mean "no frozen clock", not a malformed instant.
    match std::env::var(FIXED_NOW) {
        Ok(text) if !text.trim().is_empty() => {
            let at = text
                .parse()
                .with_context(|| format!("{FIXED_NOW}: not an RFC 3339 instant: {text:?}"))?;
            Ok(Arc::new(FixedClock::new(at)))
        }
        _ => Ok(Arc::new(SystemClock)),
    }
}
