//! The version string a lockfile records for a package.
//!
//! Registry packages carry semver versions; git, tarball and local packages may carry
//! whatever the lockfile wrote (`file:../x`, a commit, `0.0.0-use.local`). This type keeps
//! the string as recorded and only rejects what cannot be a version at all. Range matching
//! with npm semantics lives with the advisory matcher.

use serde::Serialize;

/// Why a string is not a version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// The empty string.
    #[error("version is empty")]
    Empty,
    /// Whitespace or control characters.
    #[error("version {0:?} contains whitespace or control characters")]
    BadChar(String),
}

/// A package version as recorded in a lockfile.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Version(String);

impl Version {
    /// Validates `version`.
    pub fn new(version: impl Into<String>) -> Result<Self, VersionError> {
        let version = version.into();
        if version.is_empty() {
            return Err(VersionError::Empty);
        }
        if version.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(VersionError::BadChar(version));
        }
        Ok(Self(version))
    }

    /// The version as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_recorded_strings() {
        assert_eq!(
            Version::new("1.2.3-beta.1").unwrap().as_str(),
            "1.2.3-beta.1"
        );
        assert!(Version::new("file:../x").is_ok());
        assert_eq!(Version::new(""), Err(VersionError::Empty));
        assert!(Version::new("1.0 ").is_err());
    }
}
