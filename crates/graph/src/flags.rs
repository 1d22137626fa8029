//! Dev-only / optional-only / reachable flags, computed by reachability from the importers.
//!
//! A package is dev-only when no path from an importer starts with a non-dev edge, and
//! optional-only when every path crosses an optional edge — npm's definitions, applied to
//! formats that do not record them.

use portcullis_types::DepKind;

use crate::{DependencyGraph, Node};

/// What the graph knows about how a package is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flags {
    /// Needed only by devDependencies.
    pub dev: bool,
    /// Needed only through optionalDependencies.
    pub optional: bool,
    /// Reachable from some importer at all (false: extraneous).
    pub reachable: bool,
}

pub(crate) fn compute(graph: &DependencyGraph<'_>) -> Vec<Flags> {
    let lock = graph.lockfile();
    let n = lock.packages.len();
    let walk = |allow_dev_root: bool, allow_optional: bool| {
        let mut seen = vec![false; n];
        let mut stack: Vec<usize> = Vec::new();
        let admit = |kind: DepKind, root: bool| match kind {
            DepKind::Dev => root && allow_dev_root,
            DepKind::Optional => allow_optional,
            DepKind::Prod | DepKind::Peer => true,
        };
        let mut visit_importer_seen = vec![false; lock.importers.len()];
        let mut importer_stack: Vec<usize> = (0..lock.importers.len()).collect();
        while let Some(i) = importer_stack.pop() {
            if std::mem::replace(&mut visit_importer_seen[i], true) {
                continue;
            }
            for dep in &lock.importers[i].dependencies {
                if !admit(dep.kind, true) {
                    continue;
                }
                match DependencyGraph::target(dep) {
                    Some(Node::Package(p)) => stack.push(p),
                    Some(Node::Importer(w)) => importer_stack.push(w),
                    None => {}
                }
            }
        }
        while let Some(p) = stack.pop() {
            if std::mem::replace(&mut seen[p], true) {
                continue;
            }
            for dep in &lock.packages[p].dependencies {
                if admit(dep.kind, false)
                    && let Some(Node::Package(c)) = DependencyGraph::target(dep)
                    && !seen[c]
                {
                    stack.push(c);
                }
            }
        }
        seen
    };
    let all = walk(true, true);
    let non_dev = walk(false, true);
    let required = walk(true, false);
    (0..n)
        .map(|i| {
            let pkg = &lock.packages[i];
            Flags {
                dev: pkg.dev.unwrap_or(all[i] && !non_dev[i]),
                optional: pkg.optional.unwrap_or(all[i] && !required[i]),
                reachable: all[i],
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use portcullis_types::DepKind::{Dev, Optional, Prod};

    use crate::DependencyGraph;
    use crate::test_support::lock;

    #[test]
    fn computes_dev_and_optional() {
        // 0 prod → 1; 2 dev → 1 (1 stays prod); 3 optional; 4 unreachable; 2 → 5 (dev only)
        let l = lock(
            &[
                ("a", "1", &[(1, Prod)]),
                ("b", "1", &[]),
                ("c", "1", &[(1, Prod), (5, Prod)]),
                ("d", "1", &[]),
                ("e", "1", &[]),
                ("f", "1", &[]),
            ],
            &[(0, Prod), (2, Dev), (3, Optional)],
        );
        let g = DependencyGraph::new(&l);
        let f = |i| g.flags(i);
        assert!(!f(0).dev && !f(0).optional && f(0).reachable);
        assert!(!f(1).dev);
        assert!(f(2).dev && f(5).dev);
        assert!(f(3).optional && !f(3).dev);
        assert!(!f(4).reachable);
    }
}
