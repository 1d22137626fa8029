//! Text renderings: an `npm ls`-style tree, and Mermaid / Graphviz pictures of inclusion paths
//! (what people paste into incident reports).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use portcullis_lockfile::{Dependency, Target, UnresolvedReason};

use crate::{DependencyGraph, Node};

/// What to show in a tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeOptions {
    /// Levels below each importer to show; `None` shows everything.
    pub depth: Option<usize>,
}

/// Renders every importer's dependency tree. A package already expanded elsewhere is shown
/// once more as `(deduped)` without children, as npm does, so output stays linear in size.
pub fn render_tree(graph: &DependencyGraph<'_>, options: TreeOptions) -> String {
    let lock = graph.lockfile();
    let mut out = String::new();
    let mut expanded = vec![false; lock.packages.len()];
    for (i, importer) in lock.importers.iter().enumerate() {
        let name = importer.name.as_ref().map_or(
            if importer.path == "." {
                "(root)"
            } else {
                "(unnamed)"
            },
            |n| n.as_str(),
        );
        let version = importer
            .version
            .as_deref()
            .map(|v| format!("@{v}"))
            .unwrap_or_default();
        let path = if importer.path == "." {
            String::new()
        } else {
            format!(" ({})", importer.path)
        };
        let _ = writeln!(out, "{name}{version}{path}");
        let mut walker = Walker {
            graph,
            options,
            out: &mut out,
            expanded: &mut expanded,
        };
        walker.children(Node::Importer(i), "", 0);
    }
    out
}

struct Walker<'g, 'a, 'o> {
    graph: &'g DependencyGraph<'a>,
    options: TreeOptions,
    out: &'o mut String,
    expanded: &'o mut Vec<bool>,
}

impl Walker<'_, '_, '_> {
    fn children(&mut self, node: Node, prefix: &str, depth: usize) {
        if self.options.depth.is_some_and(|d| depth > d) {
            return;
        }
        let deps = self.graph.dependencies(node);
        for (i, dep) in deps.iter().enumerate() {
            let last = i + 1 == deps.len();
            let (branch, indent) = if last {
                ("└── ", "    ")
            } else {
                ("├── ", "│   ")
            };
            let (text, expand) = self.line(dep);
            let _ = writeln!(self.out, "{prefix}{branch}{text}");
            if let Some(child) = expand {
                self.children(child, &format!("{prefix}{indent}"), depth + 1);
            }
        }
    }

    /// The line for one edge, and the node to expand under it (if any).
    fn line(&mut self, dep: &Dependency) -> (String, Option<Node>) {
        let lock = self.graph.lockfile();
        match dep.target {
            Target::Package(p) => {
                let pkg = &lock.packages[p];
                let mut text = if dep.name == pkg.name.as_str() {
                    format!("{}@{}", pkg.name, pkg.version)
                } else {
                    format!("{}@npm:{}@{}", dep.name, pkg.name, pkg.version)
                };
                if !pkg.source.is_registry() {
                    let _ = write!(text, " ({})", pkg.source);
                }
                let flags = self.graph.flags(p);
                if flags.dev {
                    text.push_str(" dev");
                }
                if flags.optional {
                    text.push_str(" optional");
                }
                if std::mem::replace(&mut self.expanded[p], true) {
                    if !pkg.dependencies.is_empty() {
                        text.push_str(" (deduped)");
                    }
                    (text, None)
                } else {
                    (text, Some(Node::Package(p)))
                }
            }
            Target::Importer(w) => (
                format!("{}@{} -> ./{}", dep.name, dep.req, lock.importers[w].path),
                None,
            ),
            Target::Unresolved(UnresolvedReason::NotInstalled) => (
                format!("{}@{} ({}, not installed)", dep.name, dep.req, dep.kind),
                None,
            ),
            Target::Unresolved(UnresolvedReason::Missing) => (
                format!("MISSING {}@{} ({})", dep.name, dep.req, dep.kind),
                None,
            ),
        }
    }
}

/// The distinct edges used by `paths`, in first-seen order.
fn path_edges(paths: &[Vec<Node>]) -> (Vec<Node>, Vec<(Node, Node)>) {
    let mut nodes = Vec::new();
    let mut seen_nodes = BTreeSet::new();
    let mut edges = Vec::new();
    let mut seen_edges = BTreeSet::new();
    for path in paths {
        for n in path {
            if seen_nodes.insert(*n) {
                nodes.push(*n);
            }
        }
        for w in path.windows(2) {
            if seen_edges.insert((w[0], w[1])) {
                edges.push((w[0], w[1]));
            }
        }
    }
    (nodes, edges)
}

/// A Mermaid flowchart of the union of `paths`, with `targets` highlighted.
pub fn paths_to_mermaid(
    graph: &DependencyGraph<'_>,
    paths: &[Vec<Node>],
    targets: &[Node],
) -> String {
    let (nodes, edges) = path_edges(paths);
    let id = |n: &Node| nodes.iter().position(|m| m == n).unwrap_or(0);
    let mut out = String::from("graph LR\n");
    for (i, n) in nodes.iter().enumerate() {
        let label = graph.label(*n).replace('"', "#quot;");
        let _ = writeln!(out, "  n{i}[\"{label}\"]");
    }
    for (a, b) in &edges {
        let _ = writeln!(out, "  n{} --> n{}", id(a), id(b));
    }
    for t in targets.iter().filter(|t| nodes.contains(t)) {
        let _ = writeln!(out, "  style n{} fill:#f66,stroke:#900,color:#000", id(t));
    }
    out
}

/// A Graphviz DOT digraph of the union of `paths`, with `targets` highlighted.
pub fn paths_to_dot(graph: &DependencyGraph<'_>, paths: &[Vec<Node>], targets: &[Node]) -> String {
    let (nodes, edges) = path_edges(paths);
    let id = |n: &Node| nodes.iter().position(|m| m == n).unwrap_or(0);
    let mut out = String::from("digraph why {\n  rankdir=LR;\n  node [shape=box];\n");
    for (i, n) in nodes.iter().enumerate() {
        let label = graph.label(*n).replace('\\', "\\\\").replace('"', "\\\"");
        let style = if targets.contains(n) {
            ", style=filled, fillcolor=\"#ff6666\""
        } else {
            ""
        };
        let _ = writeln!(out, "  n{i} [label=\"{label}\"{style}];");
    }
    for (a, b) in &edges {
        let _ = writeln!(out, "  n{} -> n{};", id(a), id(b));
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use portcullis_types::DepKind::{Dev, Prod};

    use super::*;
    use crate::test_support::lock;

    #[test]
    fn tree_dedupes_and_limits_depth() {
        let l = lock(
            &[
                ("a", "1", &[(1, Prod)]),
                ("b", "2", &[(2, Prod)]),
                ("c", "3", &[]),
            ],
            &[(0, Prod), (1, Dev)],
        );
        let g = DependencyGraph::new(&l);
        let full = render_tree(&g, TreeOptions { depth: None });
        assert_eq!(
            full,
            "app\n├── a@1\n│   └── b@2\n│       └── c@3\n└── b@2 (deduped)\n"
        );
        let top = render_tree(&g, TreeOptions { depth: Some(0) });
        assert_eq!(top, "app\n├── a@1\n└── b@2\n");
    }

    #[test]
    fn pictures_of_paths() {
        let l = lock(
            &[("a", "1", &[(1, Prod)]), ("b", "2", &[])],
            &[(0, Prod), (1, Prod)],
        );
        let g = DependencyGraph::new(&l);
        let target = Node::Package(1);
        let paths = g.paths_to(target, 10).paths;
        let m = paths_to_mermaid(&g, &paths, &[target]);
        assert!(m.starts_with("graph LR\n"));
        assert!(
            m.contains("n0[\"app\"]")
                && m.contains("n1[\"b@2\"]")
                && m.contains("n0 --> n1")
                && m.contains("style n1")
        );
        let d = paths_to_dot(&g, &paths, &[target]);
        assert!(d.contains("n0 -> n1;") && d.contains("n2 -> n1;") && d.ends_with("}\n"));
    }
}
