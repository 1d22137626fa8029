//! Descriptor → block resolution for yarn berry: the exact descriptor a dependency names (with
//! berry's `npm:` and `::locator=` normalization), yarn's builtin compat patches, and the
//! by-name fallback for ranges that `resolutions` or a catalog rewrote.

use std::collections::{BTreeSet, HashMap};

use portcullis_types::DepKind;

use super::Block;
use super::locator::{encode_uri_component, percent_decode};
use crate::spec;
use crate::{Dependency, Target, UnresolvedReason};

/// What a descriptor resolves to.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Slot {
    Package(usize),
    Importer(usize),
}

impl Slot {
    fn target(self) -> Target {
        match self {
            Slot::Package(i) => Target::Package(i),
            Slot::Importer(i) => Target::Importer(i),
        }
    }
}

/// Edges resolved by name rather than by descriptor, for the notes.
#[derive(Default)]
pub(super) struct Guesses {
    by_name: BTreeSet<String>,
    ambiguous: BTreeSet<String>,
}

impl Guesses {
    pub(super) fn into_notes(self, notes: &mut Vec<String>) {
        let list = |s: &BTreeSet<String>| {
            let mut l: Vec<&str> = s.iter().map(String::as_str).take(20).collect();
            if s.len() > 20 {
                l.push("…");
            }
            l.join(", ")
        };
        if !self.by_name.is_empty() {
            notes.push(format!(
                "{} dependency range(s) have no block keyed by them (the root package.json's `resolutions` or a catalog rewrote them, and berry does not record that); each resolves to the only block of its name: {}",
                self.by_name.len(),
                list(&self.by_name)
            ));
        }
        if !self.ambiguous.is_empty() {
            notes.push(format!(
                "{} dependency range(s) have no block keyed by them and several blocks of their name; without the `resolutions` or catalog that chose one they are left unresolved: {}",
                self.ambiguous.len(),
                list(&self.ambiguous)
            ));
        }
    }
}

/// What a dependency resolves to.
enum Lookup {
    /// The block keyed by its descriptor.
    Exact(Target),
    /// The only block of its name.
    ByName(Target),
    /// No block is keyed by its descriptor, and several have its name.
    Ambiguous,
    None,
}

/// Descriptor → block, and what is needed to resolve descriptors berry rewrote.
pub(super) struct Index<'b> {
    slots: HashMap<&'b str, Slot>,
    /// Blocks by the names in their keys (aliases included).
    by_name: HashMap<&'b str, Vec<Slot>>,
    /// Source descriptor → package index of the `builtin<compat/…>` patch yarn wraps it in.
    builtin_patches: HashMap<String, usize>,
    /// Patch package index → index of the package it patches.
    patch_base: HashMap<usize, usize>,
}

impl<'b> Index<'b> {
    pub(super) fn new(slots: HashMap<&'b str, Slot>) -> Self {
        let mut by_name: HashMap<&str, Vec<Slot>> = HashMap::with_capacity(slots.len());
        let mut builtin_patches = HashMap::new();
        let mut patch_base = HashMap::new();
        for (&d, &slot) in &slots {
            let (name, reference) = spec::split_spec(d);
            let list = by_name.entry(name).or_default();
            if !list.contains(&slot) {
                list.push(slot);
            }
            let (Slot::Package(p), Some(patch)) = (slot, reference.strip_prefix("patch:")) else {
                continue;
            };
            let (source, path) = patch.split_once('#').unwrap_or((patch, ""));
            // yarn 2 wrote some source descriptors without `npm:` (`fsevents@^2.3.2`), later
            // versions with it; index both spellings.
            let written = percent_decode(source).into_owned();
            let source = normalized(&written);
            if let Some(Slot::Package(base)) =
                slots.get(source.as_str()).or(slots.get(written.as_str()))
            {
                patch_base.insert(p, *base);
            }
            if path.contains("builtin<compat/") {
                builtin_patches.insert(written, p);
                builtin_patches.insert(source, p);
            }
        }
        Self {
            slots,
            by_name,
            builtin_patches,
            patch_base,
        }
    }

    /// The resolved edges of `block`, whose own resolution is `locator`.
    pub(super) fn edges(
        &self,
        block: &Block<'_>,
        locator: &str,
        buf: &mut String,
        guesses: &mut Guesses,
    ) -> Vec<Dependency> {
        let optional = |name: &str| {
            block
                .dependencies_meta
                .iter()
                .any(|(k, m)| m.optional && spec::split_spec(k).0 == name)
        };
        let mut out = Vec::with_capacity(block.dependencies.len() + block.peer_dependencies.len());
        for (name, range) in block.dependencies.iter() {
            let kind = if optional(name) {
                DepKind::Optional
            } else {
                DepKind::Prod
            };
            let target = match self.lookup(name, range, locator, buf) {
                Lookup::Exact(t) => t,
                Lookup::ByName(t) => {
                    guesses.by_name.insert(format!("{}@{}", &**name, &**range));
                    t
                }
                // The format does not say which block: not a stale lockfile, so not Missing.
                Lookup::Ambiguous => {
                    guesses
                        .ambiguous
                        .insert(format!("{}@{}", &**name, &**range));
                    Target::Unresolved(UnresolvedReason::NotInstalled)
                }
                Lookup::None if kind == DepKind::Optional => {
                    Target::Unresolved(UnresolvedReason::NotInstalled)
                }
                Lookup::None => Target::Unresolved(UnresolvedReason::Missing),
            };
            out.push(Dependency {
                name: name.to_string(),
                req: range.to_string(),
                kind,
                target,
            });
        }
        for (name, range) in block.peer_dependencies.iter() {
            // berry does not lock peers: each dependent's parent provides them, through
            // virtual packages the lockfile does not record. Point at the block that serves
            // the same descriptor when there is one; otherwise the edge has no single target.
            let target = match self.lookup(name, range, locator, buf) {
                Lookup::Exact(t) => t,
                _ => Target::Unresolved(UnresolvedReason::NotInstalled),
            };
            out.push(Dependency {
                name: name.to_string(),
                req: range.to_string(),
                kind: DepKind::Peer,
                target,
            });
        }
        out
    }

    /// The block for `name: range` declared by the block whose resolution is `locator`.
    fn lookup(&self, name: &str, range: &str, locator: &str, buf: &mut String) -> Lookup {
        // Bare semver ranges and tags use the default protocol (yarn 2 leaves `npm:` out of
        // dependency maps); relative `link:`/`portal:`/`file:`/`patch:` ranges are bound to
        // the dependent with `::locator=`.
        let found = self
            .find(buf, name, "", range, None)
            .or_else(|| {
                (!range.contains(':'))
                    .then(|| self.find(buf, name, "npm:", range, None))
                    .flatten()
            })
            .or_else(|| self.find(buf, name, "", range, Some(locator)));
        if let Some(slot) = found {
            // yarn wraps every typescript/fsevents/resolve descriptor in its builtin compat
            // patch: the dependent gets the patched package (`buf` holds the descriptor found).
            if let Some(&p) = self.builtin_patches.get(buf.as_str()) {
                return Lookup::Exact(Target::Package(p));
            }
            return Lookup::Exact(slot.target());
        }
        self.by_name(name)
    }

    fn find(
        &self,
        buf: &mut String,
        name: &str,
        protocol: &str,
        range: &str,
        locator: Option<&str>,
    ) -> Option<Slot> {
        buf.clear();
        buf.push_str(name);
        buf.push('@');
        buf.push_str(protocol);
        buf.push_str(range);
        if let Some(locator) = locator {
            buf.push_str("::locator=");
            encode_uri_component(locator, buf);
        }
        self.slots.get(buf.as_str()).copied()
    }

    /// A dependency no block is keyed by was rewritten by the root manifest's `resolutions`
    /// or by a catalog (`catalog:`), neither of which the lockfile records. berry's lockfile
    /// is complete, so it resolved to a block of its name: when there is only one (a patch
    /// and the package it patches count as one, the patch), that is the one.
    fn by_name(&self, name: &str) -> Lookup {
        let Some(candidates) = self.by_name.get(name) else {
            return Lookup::None;
        };
        let patched = |b: usize| {
            candidates
                .iter()
                .any(|c| matches!(c, Slot::Package(p) if self.patch_base.get(p) == Some(&b)))
        };
        let mut left = candidates
            .iter()
            .filter(|c| !matches!(c, Slot::Package(b) if patched(*b)));
        match (left.next(), left.next()) {
            (Some(only), None) => Lookup::ByName(only.target()),
            (Some(_), Some(_)) => Lookup::Ambiguous,
            (None, _) => Lookup::None,
        }
    }
}

/// `name@range` with berry's default `npm:` protocol made explicit.
fn normalized(descriptor: &str) -> String {
    let (name, range) = spec::split_spec(descriptor);
    if range.contains(':') {
        descriptor.to_owned()
    } else {
        format!("{name}@npm:{range}")
    }
}
