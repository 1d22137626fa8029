//! Where a package comes from. Part of a package's identity.

use serde::Serialize;

/// The origin of a package's contents.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Source {
    /// A package registry. `url` is the resolved tarball URL when the lockfile records one.
    Registry {
        /// Resolved tarball URL, if recorded.
        #[serde(skip_serializing_if = "Option::is_none")]
        url: Option<String>,
    },
    /// A git repository, with the commit when the lockfile pins one.
    Git {
        /// Repository URL as recorded (without the commit fragment).
        url: String,
        /// Pinned commit, if recorded.
        #[serde(skip_serializing_if = "Option::is_none")]
        commit: Option<String>,
    },
    /// A remote tarball that is not a registry tarball (`https://…/x.tgz`).
    Tarball {
        /// The tarball URL.
        url: String,
    },
    /// A local directory or tarball (`file:`).
    File {
        /// Path as recorded, relative to the project root.
        path: String,
    },
    /// A symlink to a local directory (`link:`, `portal:`).
    Link {
        /// Path as recorded.
        path: String,
    },
    /// A workspace member of this project.
    Workspace {
        /// Workspace folder relative to the project root.
        path: String,
    },
    /// A yarn `patch:` of another package.
    Patch {
        /// The full patch locator as recorded.
        locator: String,
    },
    /// Anything else the lockfile records (e.g. yarn `condition:`), kept verbatim.
    Other {
        /// The specifier as recorded.
        spec: String,
    },
}

impl Source {
    /// The lowercase source kind: `registry`, `git`, `tarball`, `file`, `link`, `workspace`,
    /// `patch` or `other`.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Registry { .. } => "registry",
            Source::Git { .. } => "git",
            Source::Tarball { .. } => "tarball",
            Source::File { .. } => "file",
            Source::Link { .. } => "link",
            Source::Workspace { .. } => "workspace",
            Source::Patch { .. } => "patch",
            Source::Other { .. } => "other",
        }
    }

    /// True for packages fetched from a registry: the only ones advisories apply to.
    pub fn is_registry(&self) -> bool {
        matches!(self, Source::Registry { .. })
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Registry { .. } => f.write_str("registry"),
            Source::Git {
                url,
                commit: Some(c),
            } => write!(f, "git {url}#{c}"),
            Source::Git { url, commit: None } => write!(f, "git {url}"),
            Source::Tarball { url } => write!(f, "tarball {url}"),
            Source::File { path } => write!(f, "file:{path}"),
            Source::Link { path } => write!(f, "link:{path}"),
            Source::Workspace { path } => write!(f, "workspace:{path}"),
            Source::Patch { locator } => write!(f, "patch {locator}"),
            Source::Other { spec } => f.write_str(spec),
        }
    }
}
