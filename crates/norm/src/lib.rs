//! Rules as code for Swedish försörjningsstöd (SoL 2025:400 12 kap., before 2025-07 SoL 2001:453 4 kap.).
//!
//! This crate is pure: it does no IO and reads no clock. Every rule takes the month it computes for.
//!
//! Entry points: [`RuleBook::standard`] once, then [`calculate`] (the contract, with explanation lines) or, for
//! bulk work, [`Household::from_request`] followed by [`calculate_totals`] (no text, no allocation).

pub mod contract;
pub mod date;
pub mod explain;
mod fastfmt;
pub mod guidelines;
pub mod household;
pub mod money;
pub mod month;
pub mod rules;
pub mod ruleset;
pub mod stream;
pub mod tables;

pub use date::Date;
pub use explain::{Lang, MemberRef, Namer, Voice};
pub use guidelines::{Guidelines, RentCeiling};
pub use household::{
    Household, HouseholdRef, InputError, NormAdjustment, Population, household_from_json, parse_request,
};
pub use money::Money;
pub use month::Month;
pub use rules::{
    Totals, calculate, calculate_in, calculate_totals, calculate_totals_in, calculate_totals_view,
    calculate_voiced, calculate_with, explain_view, explain_view_voiced, income_name, income_name_en,
};
pub use ruleset::{Bases, RuleBook, RuleModule, RuleSet};
pub use stream::ResponseWriter;
pub use tables::rule_table_words;
