//! Storage (see ARCHITECTURE.md).
