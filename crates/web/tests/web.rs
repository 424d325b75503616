//! HTTP-level tests of the web application over a real (in-memory SQLite) store: security headers, language,
//! sign-in with CSRF, and who may see which page.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a failure should panic"
)]

#[path = "web/support.rs"]
mod support;

#[path = "web/access.rs"]
mod access;
#[path = "web/api.rs"]
mod api;
#[path = "web/appeals.rs"]
mod appeals;
#[path = "web/applying.rs"]
mod applying;
#[path = "web/attachments.rs"]
mod attachments;
#[path = "web/casework.rs"]
mod casework;
#[path = "web/court.rs"]
mod court;
#[path = "web/deciding.rs"]
mod deciding;
#[path = "web/eid.rs"]
mod eid;
#[path = "web/hardening.rs"]
mod hardening;
#[path = "web/ladder.rs"]
mod ladder;
#[path = "web/ladder_stats.rs"]
mod ladder_stats;
#[path = "web/letter.rs"]
mod letter;
#[path = "web/lines.rs"]
mod lines;
#[path = "web/oidc.rs"]
mod oidc;
#[path = "web/pages.rs"]
mod pages;
#[path = "web/payments.rs"]
mod payments;
#[path = "web/queue.rs"]
mod queue;
#[path = "web/receipts.rs"]
mod receipts;
#[path = "web/review.rs"]
mod review;
#[path = "web/routes.rs"]
mod routes;
#[path = "web/sanctions.rs"]
mod sanctions;
#[path = "web/staff_words.rs"]
mod staff_words;
