//! Known-bad packages: OSV advisories for npm, imported into a local store and matched
//! against package versions with npm's semver semantics.
//!
//! - [`osv`]: the OSV record model (and npm's legacy advisory shape, converted to it).
//! - `matcher`: does a version fall in an advisory's affected ranges?
//! - `cvss`: CVSS v3.x / v4.0 base scores computed from vectors, and severities.
//! - `import`: reading OSV from files, directories, zip and tar archives (bounded).
//! - `store`: the single-file, crash-safe local database.

pub mod cvss;
pub mod import;
pub mod matcher;
pub mod osv;
pub mod query;
pub mod store;
pub mod update;
