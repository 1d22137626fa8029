//! Checks: each one reads the dependency graph (and local data such as the advisory store)
//! and pushes [`Finding`]s. One check = one module; the codes they emit are declared once in
//! [`codes`], from which help text and docs are generated.

pub mod advisories;
pub mod codes;
mod finding;

pub use codes::{Code, Level};
pub use finding::{AdvisoryRef, Evidence, Finding, PackageRef};
