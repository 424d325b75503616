//! Rules as code for Swedish försörjningsstöd (SoL 2025:400 12 kap., before 2025-07 SoL 2001:453 4 kap.).
//!
//! This crate is pure: it does no IO and reads no clock. Every rule takes the month it computes for.

pub mod contract;
pub mod money;
pub mod month;

pub use money::Money;
pub use month::Month;
