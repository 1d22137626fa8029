//! The dependency graph of a project: importers and installed packages joined by typed edges.
//!
//! Built once from a parsed [`Lockfile`] (whose edges are already resolved), it answers the
//! questions every later check asks: what does this depend on, what pulls this in (every
//! inclusion path, shortest first), is it only a dev or optional dependency, and how to draw it.

mod flags;
mod paths;
mod render;

use portcullis_lockfile::{Dependency, Lockfile, Target};

pub use flags::Flags;
pub use paths::PathSet;
pub use render::{TreeOptions, paths_to_dot, paths_to_mermaid, render_tree};

/// A node: an importer (root project or workspace) or an installed package instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    /// Index into [`Lockfile::importers`].
    Importer(usize),
    /// Index into [`Lockfile::packages`].
    Package(usize),
}

/// The graph over one lockfile.
#[derive(Debug)]
pub struct DependencyGraph<'a> {
    lock: &'a Lockfile,
    /// For each package, the (node, edge index in that node's dependency list) pointing at it.
    package_parents: Vec<Vec<(Node, usize)>>,
    /// For each importer, the edges pointing at it (workspace links).
    importer_parents: Vec<Vec<(Node, usize)>>,
    flags: Vec<Flags>,
}

impl<'a> DependencyGraph<'a> {
    /// Indexes `lock`. Linear in nodes + edges.
    pub fn new(lock: &'a Lockfile) -> Self {
        let mut package_parents = vec![Vec::new(); lock.packages.len()];
        let mut importer_parents = vec![Vec::new(); lock.importers.len()];
        let nodes = (0..lock.importers.len())
            .map(Node::Importer)
            .chain((0..lock.packages.len()).map(Node::Package));
        for from in nodes {
            for (i, dep) in dependencies_of(lock, from).iter().enumerate() {
                match dep.target {
                    Target::Package(p) if p < package_parents.len() => {
                        package_parents[p].push((from, i))
                    }
                    Target::Importer(w) if w < importer_parents.len() => {
                        importer_parents[w].push((from, i))
                    }
                    _ => {}
                }
            }
        }
        let mut graph = Self {
            lock,
            package_parents,
            importer_parents,
            flags: Vec::new(),
        };
        graph.flags = flags::compute(&graph);
        graph
    }

    /// The lockfile this graph indexes.
    pub fn lockfile(&self) -> &'a Lockfile {
        self.lock
    }

    /// A node's outgoing edges.
    pub fn dependencies(&self, node: Node) -> &'a [Dependency] {
        dependencies_of(self.lock, node)
    }

    /// Where an edge leads, if it resolved.
    pub fn target(dep: &Dependency) -> Option<Node> {
        match dep.target {
            Target::Package(p) => Some(Node::Package(p)),
            Target::Importer(i) => Some(Node::Importer(i)),
            Target::Unresolved(_) => None,
        }
    }

    /// The edges pointing at `node`, as (parent, index of the edge in the parent's list).
    pub fn parents(&self, node: Node) -> &[(Node, usize)] {
        match node {
            Node::Package(p) => &self.package_parents[p],
            Node::Importer(i) => &self.importer_parents[i],
        }
    }

    /// Dev / optional / reachable flags of package `index`: as recorded by the lockfile when
    /// it records them, computed from the importers' edges otherwise.
    pub fn flags(&self, index: usize) -> Flags {
        self.flags[index]
    }

    /// A short label: `name@version` for packages, the project name (or path) for importers.
    pub fn label(&self, node: Node) -> String {
        match node {
            Node::Package(p) => {
                let pkg = &self.lock.packages[p];
                match &pkg.alias {
                    Some(alias) => format!("{alias}@npm:{}@{}", pkg.name, pkg.version),
                    None => format!("{}@{}", pkg.name, pkg.version),
                }
            }
            Node::Importer(i) => importer_label(&self.lock.importers[i]),
        }
    }

    /// Package indices whose name is `name` (and version `version`, when given).
    pub fn find(&self, name: &str, version: Option<&str>) -> Vec<usize> {
        self.lock
            .packages
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                p.name.as_str() == name && version.is_none_or(|v| p.version.as_str() == v)
            })
            .map(|(i, _)| i)
            .collect()
    }
}

/// How an importer is named in output: its package name, else its folder.
pub fn importer_label(importer: &portcullis_lockfile::Importer) -> String {
    match (&importer.name, importer.path.as_str()) {
        (Some(name), ".") => name.to_string(),
        (Some(name), path) => format!("{name} ({path})"),
        (None, ".") => "(root)".to_owned(),
        (None, path) => path.to_owned(),
    }
}

fn dependencies_of(lock: &Lockfile, node: Node) -> &[Dependency] {
    match node {
        Node::Importer(i) => &lock.importers[i].dependencies,
        Node::Package(p) => &lock.packages[p].dependencies,
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! A tiny lockfile builder for the graph's unit tests.
    use portcullis_lockfile::{Dependency, Format, Importer, Lockfile, Package, Target};
    use portcullis_types::{DepKind, PackageName, Source, Version};

    /// A test package: (name, version, [(dependency target index, kind)]).
    pub type Spec<'a> = (&'a str, &'a str, &'a [(usize, DepKind)]);

    /// `packages`: (name, version, [(dep target index, kind)]); `roots`: root importer edges.
    pub fn lock(packages: &[Spec<'_>], roots: &[(usize, DepKind)]) -> Lockfile {
        let edge = |(t, kind): &(usize, DepKind), pkgs: &[Spec<'_>]| Dependency {
            name: pkgs[*t].0.to_owned(),
            req: "*".to_owned(),
            kind: *kind,
            target: Target::Package(*t),
        };
        let pkgs = packages
            .iter()
            .map(|(n, v, deps)| {
                let mut p = Package::new(
                    PackageName::new(*n).unwrap(),
                    Version::new(*v).unwrap(),
                    Source::Registry { url: None },
                    format!("node_modules/{n}"),
                );
                p.dependencies = deps.iter().map(|d| edge(d, packages)).collect();
                p
            })
            .collect();
        Lockfile {
            format: Format::NpmV3,
            importers: vec![Importer {
                path: ".".into(),
                name: Some(PackageName::new("app").unwrap()),
                version: None,
                dependencies: roots.iter().map(|d| edge(d, packages)).collect(),
            }],
            packages: pkgs,
            entries: packages.len(),
            notes: Vec::new(),
        }
    }
}
