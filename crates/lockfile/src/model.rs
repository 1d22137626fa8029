//! The one model every format parses into.
//!
//! A [`Lockfile`] holds importers (the root project and its workspaces) and packages (one per
//! installed instance: an npm `node_modules/…` path, a yarn block, a pnpm snapshot, a bun
//! install path). Each [`Dependency`] edge is already resolved by the format's own rules to a
//! [`Target`], so the graph crate never needs to know which format it came from.

use std::collections::HashSet;

use portcullis_types::{DepKind, Integrity, PackageId, PackageName, Source, Version};

use crate::Format;

/// A parsed lockfile.
#[derive(Debug, Clone, PartialEq)]
pub struct Lockfile {
    /// The exact format and version.
    pub format: Format,
    /// Root project first, then workspaces. Never empty.
    pub importers: Vec<Importer>,
    /// Installed package instances. Indices are what [`Target::Package`] points at.
    pub packages: Vec<Package>,
    /// Number of records in the format's own unit (npm installed paths including links, yarn
    /// blocks, pnpm `packages` keys, bun `packages` keys) — what the corpus truth files count.
    pub entries: usize,
    /// Things the parser skipped or could not represent, said out loud (never silently).
    pub notes: Vec<String>,
}

/// A project that declares dependencies: the root, or a workspace member.
#[derive(Debug, Clone, PartialEq)]
pub struct Importer {
    /// Folder relative to the lockfile's directory; `.` for the root.
    pub path: String,
    /// `name` from its package.json, when the lockfile records it.
    pub name: Option<PackageName>,
    /// `version` from its package.json, when recorded.
    pub version: Option<String>,
    /// Direct dependencies.
    pub dependencies: Vec<Dependency>,
}

/// One installed package instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Package {
    /// The real package name (for `npm:` aliases, the aliased package).
    pub name: PackageName,
    /// Version as recorded.
    pub version: Version,
    /// Where it comes from.
    pub source: Source,
    /// Tarball SRI, when recorded.
    pub integrity: Option<Integrity>,
    /// Yarn berry cache checksum (`10c0/<hex>`): a hash of yarn's zip, not of the tarball.
    pub checksum: Option<String>,
    /// The name it is installed under when that differs from `name` (an `npm:` alias).
    pub alias: Option<String>,
    /// The format's key for this instance: npm install path, yarn descriptor list, pnpm key,
    /// bun install path. Unique within a lockfile; used in messages and evidence.
    pub location: String,
    /// Dev-only, when the format records it (`None`: computed from the graph).
    pub dev: Option<bool>,
    /// Optional-only, when the format records it (`None`: computed from the graph).
    pub optional: Option<bool>,
    /// Installed only as a peer dependency, when the format records it.
    pub peer: Option<bool>,
    /// Whether the package has install scripts, when the format records it.
    pub has_install_script: Option<bool>,
    /// Shipped inside its parent's tarball (`bundleDependencies`): not fetched on its own.
    pub bundled: bool,
    /// `os` restrictions, when recorded.
    pub os: Vec<String>,
    /// `cpu` restrictions, when recorded.
    pub cpu: Vec<String>,
    /// Outgoing edges.
    pub dependencies: Vec<Dependency>,
}

impl Package {
    /// A package with the given identity and location and every optional field empty.
    pub fn new(
        name: PackageName,
        version: Version,
        source: Source,
        location: impl Into<String>,
    ) -> Self {
        Self {
            name,
            version,
            source,
            integrity: None,
            checksum: None,
            alias: None,
            location: location.into(),
            dev: None,
            optional: None,
            peer: None,
            has_install_script: None,
            bundled: false,
            os: Vec::new(),
            cpu: Vec::new(),
            dependencies: Vec::new(),
        }
    }

    /// name + version + source.
    pub fn id(&self) -> PackageId {
        PackageId {
            name: self.name.clone(),
            version: self.version.clone(),
            source: self.source.clone(),
        }
    }
}

/// A declared dependency and what it resolved to.
#[derive(Debug, Clone, PartialEq)]
pub struct Dependency {
    /// The name as declared — for an alias, the alias (`react-is-18`), not the real name.
    pub name: String,
    /// The requested range or spec as declared (`^1.2.0`, `npm:x@^2`, `workspace:*`).
    pub req: String,
    /// Which manifest section declared it.
    pub kind: DepKind,
    /// What it resolved to.
    pub target: Target,
}

/// The end of an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// An index into [`Lockfile::packages`].
    Package(usize),
    /// An index into [`Lockfile::importers`] (a workspace member).
    Importer(usize),
    /// Not installed; the reason says whether the format intends that.
    Unresolved(UnresolvedReason),
}

/// Why an edge has no target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnresolvedReason {
    /// An optional or peer dependency the package manager chose not to install (platform
    /// mismatch, optional peer, peer provided by nobody). Expected.
    NotInstalled,
    /// A required dependency the lockfile does not contain: the lockfile is incomplete or
    /// out of date. Reported to the user.
    Missing,
}

impl Lockfile {
    /// Distinct name@version@source identities.
    pub fn unique_ids(&self) -> HashSet<PackageId> {
        self.packages.iter().map(Package::id).collect()
    }

    /// Distinct (name, version) pairs — the corpus truth files' `packages` count.
    pub fn unique_name_versions(&self) -> HashSet<(&str, &str)> {
        self.packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect()
    }

    /// Every edge (from importers and packages) that is [`UnresolvedReason::Missing`], as
    /// (from location, dependency).
    pub fn missing_edges(&self) -> Vec<(&str, &Dependency)> {
        let from_importers = self
            .importers
            .iter()
            .flat_map(|i| i.dependencies.iter().map(move |d| (i.path.as_str(), d)));
        let from_packages = self
            .packages
            .iter()
            .flat_map(|p| p.dependencies.iter().map(move |d| (p.location.as_str(), d)));
        from_importers
            .chain(from_packages)
            .filter(|(_, d)| d.target == Target::Unresolved(UnresolvedReason::Missing))
            .collect()
    }
}
