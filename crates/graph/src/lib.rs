//! Dependency graph (being written).
