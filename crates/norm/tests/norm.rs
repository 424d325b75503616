//! The norm crate's one integration-test binary: golden cases, property tests, bad input, rule sets.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers outside #[test] functions: a broken fixture should fail the test loudly"
)]

mod norm {
    pub mod api;
    pub mod errors;
    pub mod extensions;
    pub mod golden;
    pub mod props;
    pub mod voiced;
}
