//! Inclusion paths ("why is this installed?"): every simple path from an importer to a node,
//! shortest first, like `npm explain`.
//!
//! Paths are enumerated backwards from the target with a best-first search whose estimate is
//! the node's BFS distance from the importers, so complete paths come out in length order.
//! The number of paths can be exponential; enumeration stops after `limit` shown paths and a
//! bounded amount of further counting, and says whether the count of the rest is exact.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use crate::{DependencyGraph, Node};

/// Paths to one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathSet {
    /// Up to `limit` paths, shortest first; each runs importer → … → target and lists nodes.
    pub paths: Vec<Vec<Node>>,
    /// Paths found beyond the shown ones.
    pub more: usize,
    /// False when counting stopped at its budget, so `more` is a lower bound.
    pub exact: bool,
}

/// Work bound for counting paths beyond the shown ones.
const COUNT_BUDGET: usize = 200_000;

impl DependencyGraph<'_> {
    /// Every simple path from an importer to `target`, shortest first, at most `limit` of them.
    pub fn paths_to(&self, target: Node, limit: usize) -> PathSet {
        let dist = self.distances_from_importers();
        // Partial paths are a tree of back-pointers: (node, index of the partial it extends).
        let mut partials: Vec<(Node, usize)> = vec![(target, usize::MAX)];
        let mut heap = BinaryHeap::new();
        let est = |n: Node, len: usize| dist_of(&dist, n).map(|d| len + d);
        if let Some(e) = est(target, 0) {
            heap.push(Reverse((e, 0usize, 0usize)));
        }
        let mut paths = Vec::new();
        let mut more = 0;
        let mut work = 0;
        while let Some(Reverse((_, len, idx))) = heap.pop() {
            work += 1;
            if work > COUNT_BUDGET {
                return PathSet {
                    paths,
                    more,
                    exact: false,
                };
            }
            let node = partials[idx].0;
            if let Node::Importer(_) = node {
                if paths.len() < limit {
                    paths.push(unwind(&partials, idx));
                } else {
                    more += 1;
                }
                // Importers are roots of the walk: a workspace also reached through another
                // importer's link is shown as its own path start, not extended further.
                continue;
            }
            for &(parent, _) in self.parents(node) {
                if on_partial(&partials, idx, parent) {
                    continue;
                }
                if let Some(e) = est(parent, len + 1) {
                    partials.push((parent, idx));
                    heap.push(Reverse((e, len + 1, partials.len() - 1)));
                }
            }
        }
        PathSet {
            paths,
            more,
            exact: true,
        }
    }

    /// BFS distance of every node from the nearest importer (importers are 0).
    fn distances_from_importers(&self) -> (Vec<usize>, Vec<usize>) {
        let lock = self.lockfile();
        let imp = vec![0; lock.importers.len()];
        let mut pkg = vec![usize::MAX; lock.packages.len()];
        let mut queue: VecDeque<Node> = (0..lock.importers.len()).map(Node::Importer).collect();
        while let Some(n) = queue.pop_front() {
            let d = match n {
                Node::Importer(i) => imp[i],
                Node::Package(p) => pkg[p],
            };
            for dep in self.dependencies(n) {
                if let Some(Node::Package(c)) = Self::target(dep)
                    && pkg[c] == usize::MAX
                {
                    pkg[c] = d + 1;
                    queue.push_back(Node::Package(c));
                }
            }
        }
        (imp, pkg)
    }
}

fn dist_of(dist: &(Vec<usize>, Vec<usize>), n: Node) -> Option<usize> {
    let d = match n {
        Node::Importer(i) => dist.0[i],
        Node::Package(p) => dist.1[p],
    };
    (d != usize::MAX).then_some(d)
}

fn on_partial(partials: &[(Node, usize)], mut idx: usize, node: Node) -> bool {
    while idx != usize::MAX {
        if partials[idx].0 == node {
            return true;
        }
        idx = partials[idx].1;
    }
    false
}

/// The partial at `idx` as a forward path: importer first, target last.
fn unwind(partials: &[(Node, usize)], mut idx: usize) -> Vec<Node> {
    let mut out = Vec::new();
    while idx != usize::MAX {
        out.push(partials[idx].0);
        idx = partials[idx].1;
    }
    out
}

#[cfg(test)]
mod tests {
    use portcullis_types::DepKind::{Dev, Prod};

    use crate::test_support::lock;
    use crate::{DependencyGraph, Node};

    #[test]
    fn shortest_first_and_capped() {
        // root → a → b → c ; root → c ; root → d(dev) → b ; b → a (cycle)
        let l = lock(
            &[
                ("a", "1", &[(1, Prod)]),
                ("b", "1", &[(2, Prod), (0, Prod)]),
                ("c", "1", &[]),
                ("d", "1", &[(1, Prod)]),
            ],
            &[(0, Prod), (2, Prod), (3, Dev)],
        );
        let g = DependencyGraph::new(&l);
        let all = g.paths_to(Node::Package(2), 10);
        let lens: Vec<usize> = all.paths.iter().map(Vec::len).collect();
        assert_eq!(lens, [2, 4, 4]);
        assert_eq!(all.paths[0], [Node::Importer(0), Node::Package(2)]);
        assert!(all.exact);
        let capped = g.paths_to(Node::Package(2), 1);
        assert_eq!((capped.paths.len(), capped.more), (1, 2));
        assert!(g.paths_to(Node::Importer(0), 5).paths[0] == [Node::Importer(0)]);
    }

    #[test]
    fn unreachable_has_no_paths() {
        let l = lock(&[("a", "1", &[]), ("b", "1", &[])], &[(0, Prod)]);
        let g = DependencyGraph::new(&l);
        let p = g.paths_to(Node::Package(1), 5);
        assert!(p.paths.is_empty() && p.more == 0 && p.exact);
    }
}
