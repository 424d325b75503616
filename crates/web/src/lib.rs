//! The web application: a server-rendered Swedish (and English) interface that works without JavaScript.
//!
//! Only this crate knows HTTP. Handlers parse input, call a use case in `app` with the signed-in actor, and render a
//! template; permission checks and audit records happen in the application core, not here.

pub mod amount;
pub mod api;
pub mod appeal_pages;
pub mod application_pages;
pub mod apply_pages;
pub mod audit_words;
pub mod auth_pages;
pub mod case_pages;
pub mod citizen_texts;
pub mod coach_pages;
pub mod config;
pub mod decision_pages;
pub mod decision_texts;
pub mod document_pages;
pub mod eid_pages;
pub mod i18n;
pub mod ladder_pages;
pub mod ladder_stats_pages;
pub mod ladder_stats_texts;
pub mod ladder_texts;
pub mod lang;
pub mod letter;
pub mod oidc;
pub mod oidc_pages;
pub mod pages;
pub mod payment_pages;
pub mod queue_pages;
pub mod queue_texts;
pub mod receipt_pages;
pub mod review_pages;
pub mod router;
pub mod sanction_pages;
pub mod sanction_texts;
pub mod security;
pub mod session;
pub mod staff_texts;
pub mod start_pages;
pub mod time;

pub use config::Config;
pub use router::router;
