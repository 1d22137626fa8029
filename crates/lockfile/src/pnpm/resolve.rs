//! Resolves pnpm dependency references (a version, a whole key or a `link:` path) to package
//! and importer indices, and builds the edges of importers and packages with them.

use std::collections::HashMap;

use portcullis_types::DepKind;

use super::Instance;
use super::keys::{is_v9_key, join_path, strip_peers};
use super::yaml::{DepValue, ImporterEntry};
use crate::spec;
use crate::{Dependency, Format, Target, UnresolvedReason};

/// Resolves dependency references to package and importer indices.
pub(super) struct Resolver<'k> {
    format: Format,
    keys: HashMap<&'k str, usize>,
    importers: HashMap<String, usize>,
    /// Folders that `link:` points at without an importer entry: appended as importers.
    pub(super) added: Vec<String>,
    key_buf: String,
}

impl<'k> Resolver<'k> {
    pub(super) fn new(
        format: Format,
        keys: HashMap<&'k str, usize>,
        importers: &[(String, &ImporterEntry<'_>)],
    ) -> Self {
        let mut map = HashMap::with_capacity(importers.len());
        for (i, (path, _)) in importers.iter().enumerate() {
            map.entry(path.clone()).or_insert(i);
        }
        Self {
            format,
            keys,
            importers: map,
            added: Vec::new(),
            key_buf: String::new(),
        }
    }

    /// The target of dependency `name` with `reference` (a version, a full key or `link:`),
    /// declared in folder `from` (`link:` paths are relative to it).
    fn resolve(&mut self, from: &str, name: &str, reference: &str) -> Option<Target> {
        if let Some(link) = reference.strip_prefix("link:") {
            let path = join_path(from, link);
            let next = self.importers.len();
            let idx = *self.importers.entry(path.clone()).or_insert(next);
            if idx == next {
                self.added.push(path);
            }
            return Some(Target::Importer(idx));
        }
        if self.write_key(name, reference)
            && let Some(&i) = self.keys.get(self.key_buf.as_str())
        {
            return Some(Target::Package(i));
        }
        self.keys.get(reference).map(|&i| Target::Package(i))
    }

    /// Writes the key a short reference stands for; false when `reference` is a key itself.
    fn write_key(&mut self, name: &str, reference: &str) -> bool {
        let (sep, prefix) = match self.format {
            Format::PnpmV5 => {
                if reference.starts_with('/')
                    || reference.starts_with("file:")
                    || reference.contains('/')
                {
                    return false;
                }
                ('/', "/")
            }
            Format::PnpmV6 => {
                if reference.starts_with('/')
                    || reference.starts_with("file:")
                    || strip_peers(reference).contains('/')
                {
                    return false;
                }
                ('@', "/")
            }
            _ => {
                if is_v9_key(reference) {
                    return false;
                }
                ('@', "")
            }
        };
        self.key_buf.clear();
        self.key_buf.push_str(prefix);
        self.key_buf.push_str(name);
        self.key_buf.push(sep);
        self.key_buf.push_str(reference);
        true
    }
}

fn unresolved(kind: DepKind) -> Target {
    // pnpm records skipped optional dependencies (other platforms) and unmet peers, but
    // leaves them out of the install: expected, not a broken lockfile.
    Target::Unresolved(spec::absent_reason(kind, true))
}

pub(super) fn importer_edges(
    resolver: &mut Resolver<'_>,
    path: &str,
    entry: &ImporterEntry<'_>,
) -> Vec<Dependency> {
    let specifiers: HashMap<&str, &str> =
        entry.specifiers.iter().map(|(k, v)| (&**k, &**v)).collect();
    let sections = [
        (&entry.dependencies, DepKind::Prod),
        (&entry.dev_dependencies, DepKind::Dev),
        (&entry.optional_dependencies, DepKind::Optional),
    ];
    let mut out = Vec::new();
    for (deps, kind) in sections {
        for (name, value) in deps.iter() {
            let (req, reference) = match value {
                DepValue::Ref(r) => (specifiers.get(&**name).copied().unwrap_or(r), &**r),
                DepValue::Full { specifier, version } => {
                    (specifier.as_deref().unwrap_or(version), &**version)
                }
            };
            out.push(Dependency {
                name: name.to_string(),
                req: req.to_owned(),
                kind,
                target: resolver
                    .resolve(path, name, reference)
                    .unwrap_or_else(|| unresolved(kind)),
            });
        }
    }
    out
}

/// A package's edges. pnpm lists each resolved peer among `dependencies` too; such an edge
/// is kept once, as a peer edge with the declared range. Unresolved peers stay as
/// NotInstalled peer edges, so the declaration is not lost.
pub(super) fn package_edges(
    resolver: &mut Resolver<'_>,
    inst: &Instance<'_, '_>,
) -> Vec<Dependency> {
    let peers = &inst.meta.peer_dependencies;
    // Most packages declare no peers; index them only when there are some.
    let peer_index: HashMap<&str, usize> = peers
        .iter()
        .enumerate()
        .map(|(i, (n, _))| (&**n, i))
        .collect();
    let mut peer_listed = vec![false; peers.len()];
    let mut out = Vec::with_capacity(inst.dependencies.len() + inst.optional_dependencies.len());
    let sections = [
        (inst.dependencies, DepKind::Prod),
        (inst.optional_dependencies, DepKind::Optional),
    ];
    for (deps, section_kind) in sections {
        for (name, reference) in deps.iter() {
            let peer = peer_index.get(&**name).copied();
            let (kind, req) = match peer.and_then(|i| peers.0.get(i)) {
                Some((_, range)) => (DepKind::Peer, &**range),
                None => (section_kind, &**reference),
            };
            if let Some(listed) = peer.and_then(|i| peer_listed.get_mut(i)) {
                *listed = true;
            }
            // Snapshot `link:` paths are relative to the lockfile's folder.
            let target = resolver
                .resolve(".", name, reference)
                .unwrap_or_else(|| unresolved(section_kind));
            out.push(Dependency {
                name: name.to_string(),
                req: req.to_owned(),
                kind,
                target,
            });
        }
    }
    for ((name, range), listed) in peers.iter().zip(peer_listed) {
        if !listed {
            out.push(Dependency {
                name: name.to_string(),
                req: range.to_string(),
                kind: DepKind::Peer,
                target: Target::Unresolved(UnresolvedReason::NotInstalled),
            });
        }
    }
    out
}
