//! The case-management domain: persons, households over time, applications, decisions, payments, appeals,
//! recovery (återkrav), journal and documents.
//!
//! This crate is pure: no IO, no clock, no database. Every instant and date is an input (see [`Actor`]), so every
//! rule here is reproducible and testable with plain values.

pub mod actor;
pub mod appeal;
pub mod application;
pub mod calendar;
pub mod decision;
pub mod document;
pub mod error;
pub mod fact;
pub mod follow_up;
pub mod gallring;
pub mod ids;
pub mod investigation;
pub mod journal;
pub mod membership;
pub mod org;
pub mod payment;
pub mod person;
pub mod progression;
pub mod recovery;
pub mod role;
pub mod text;

pub use actor::{Actor, Who};
pub use error::DomainError;
pub use ids::*;
pub use person::{Personnummer, PersonnummerError, ProtectedIdentity};
