//! Portcullis domain types: the project's vocabulary, valid once built, free of IO.
//!
//! Every other crate speaks in these: a [`PackageName`] is a name npm could publish, an
//! [`Integrity`] is a parsed Subresource Integrity string, a [`Source`] says where a package
//! comes from, and a [`PackageId`] (name + version + source) is what "the same package" means.

mod dep_kind;
mod integrity;
mod name;
mod severity;
mod source;
mod version;

pub use dep_kind::DepKind;
pub use integrity::{HashAlgorithm, Integrity, IntegrityError};
pub use name::{NameError, PackageName};
pub use severity::{Severity, SeverityError};
pub use source::Source;
pub use version::{Version, VersionError};

/// A package's identity: name + version + source.
///
/// A workspace or git package that shares a name and version with a registry package is a
/// different package, and so compares unequal here.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct PackageId {
    /// The real (not aliased) package name.
    pub name: PackageName,
    /// The version as recorded by the lockfile.
    pub version: Version,
    /// Where the package comes from.
    pub source: Source,
}

impl std::fmt::Display for PackageId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}", self.name, self.version)?;
        if !matches!(self.source, Source::Registry { .. }) {
            write!(f, " ({})", self.source)?;
        }
        Ok(())
    }
}
