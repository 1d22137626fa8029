//! The kind of a dependency edge, as declared in a manifest.

use serde::Serialize;

/// Which manifest section declared a dependency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DepKind {
    /// `dependencies`
    Prod,
    /// `devDependencies`
    Dev,
    /// `optionalDependencies`
    Optional,
    /// `peerDependencies`
    Peer,
}

impl DepKind {
    /// The short lowercase label used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            DepKind::Prod => "prod",
            DepKind::Dev => "dev",
            DepKind::Optional => "optional",
            DepKind::Peer => "peer",
        }
    }
}

impl std::fmt::Display for DepKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
