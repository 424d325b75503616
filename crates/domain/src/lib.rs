//! The case-management domain (see ARCHITECTURE.md).
