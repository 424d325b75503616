//! The application core: who is acting, what time it is, and what they are allowed to do.
//!
//! Use cases take the acting user first, check a permission here, and have the store write the audit record in the
//! same transaction as the change or read. HTTP handlers and CLI commands never decide permissions themselves.

pub mod access;
pub mod applying;
pub mod auth;
pub mod calc;
pub mod cases;
pub mod casework;
pub mod checkpoints;
pub mod clock;
pub mod deciding;
pub mod documents;
pub mod external_auth;
pub mod letters;
pub mod paying;
pub mod review;
pub mod seed;
pub mod service;

pub use access::{Actor, Permission, Role};
pub use clock::{Clock, FixedClock, SystemClock};
pub use service::{App, AppError, NewSession, Policy, SignedIn};
