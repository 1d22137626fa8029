//! yarn.lock classic (v1), including the yarn-v1 text bun prints for `bun ./bun.lockb`.
//!
//! The format is not YAML but a small indentation syntax: blocks keyed by one or more
//! comma-separated descriptors (`"a@^1", a@^1.2:`), two-space fields (`version "1.2.3"`) and
//! four-space dependency maps. It is read line by line, strictly: anything else is an error
//! with its line and column. One block is one resolved package; an edge `name range` resolves
//! to the block whose descriptor list contains `name@range`. yarn v1 does not record the
//! project's own dependencies, so importers come from package.json files (or are inferred).

mod cursor;
mod parser;

use std::collections::{BTreeSet, HashMap};

use portcullis_types::{DepKind, Source};

use crate::spec;
use crate::{
    Dependency, Format, Lockfile, Manifest, Package, ParseError, Target, UnresolvedReason,
    importers,
};
use parser::{Block, Parsed, Parser, RawDep};

pub(crate) fn parse(text: &str, manifests: &[Manifest]) -> Result<Lockfile, ParseError> {
    let Parsed {
        blocks,
        mut notes,
        saw_header,
        written_by_bun,
    } = Parser::default().run(text)?;
    if blocks.is_empty() && !saw_header {
        return Err(ParseError::new(
            "no package blocks and no \"# yarn lockfile v1\" header; expected a yarn v1 lockfile",
        ));
    }
    // Two blocks under the very same header are two answers to one question; yarn keeps the
    // last silently, which would let an appended block override the one a reviewer read.
    let mut headers: HashMap<&str, usize> = HashMap::with_capacity(blocks.len());
    for b in &blocks {
        if let Some(first) = headers.insert(b.location, b.line) {
            return Err(ParseError::at(
                b.line,
                1,
                format!(
                    "block {:?} appears twice (lines {first} and {}); a lockfile never repeats a block (hand-edited or tampered?)",
                    b.location, b.line
                ),
            ));
        }
    }
    let (index, duplicates) = descriptor_index(&blocks);
    notes.extend(duplicates);
    let mut packages = blocks
        .iter()
        .map(block_package)
        .collect::<Result<Vec<_>, _>>()?;
    let resolver = Resolver {
        index,
        by_name: blocks_by_name(&blocks),
        local: packages
            .iter()
            .map(|p| matches!(p.source, Source::File { .. } | Source::Link { .. }))
            .collect(),
        manifests,
        written_by_bun,
    };

    let mut buf = String::new();
    let mut guesses = Guesses::default();
    let edges: Vec<Vec<Dependency>> = blocks
        .iter()
        .map(|block| {
            block
                .deps
                .iter()
                .map(|d| Dependency {
                    name: d.name.to_string(),
                    req: d.req.to_string(),
                    kind: d.kind,
                    target: resolver.target(&mut buf, d, &mut guesses),
                })
                .collect()
        })
        .collect();
    for (p, e) in packages.iter_mut().zip(edges) {
        p.dependencies = e;
    }
    guesses.into_notes(&mut notes);

    let importers = importers::from_manifests(
        manifests,
        &packages,
        |name, req| resolver.package(&mut String::new(), name, req),
        &mut notes,
    )?;
    Ok(Lockfile {
        format: Format::YarnV1,
        importers,
        entries: blocks.len(),
        packages,
        notes,
    })
}

/// Resolves `name range` edges to blocks.
struct Resolver<'b> {
    /// descriptor → block index.
    index: HashMap<&'b str, usize>,
    /// Blocks by every name they are keyed by (real or alias).
    by_name: HashMap<&'b str, Vec<usize>>,
    /// Per block: a `file:`/`link:` package.
    local: Vec<bool>,
    manifests: &'b [Manifest],
    written_by_bun: bool,
}

/// Edges resolved by a documented fallback rather than an exact descriptor, for the notes.
#[derive(Default)]
struct Guesses {
    assumed_members: BTreeSet<String>,
    bun_unlisted: BTreeSet<String>,
}

impl Guesses {
    fn into_notes(self, notes: &mut Vec<String>) {
        let list = |s: BTreeSet<String>| s.into_iter().collect::<Vec<_>>().join(", ");
        if !self.assumed_members.is_empty() {
            notes.push(format!(
                "{} dependency name(s) have no block in this yarn.lock; yarn v1 does not lock workspace members and no package.json was found to tell, so they are taken to be workspace members: {}",
                self.assumed_members.len(),
                list(self.assumed_members)
            ));
        }
        if !self.bun_unlisted.is_empty() {
            notes.push(format!(
                "{} dependency descriptor(s) are missing from the block headers bun printed; each resolves to the only block of its name: {}",
                self.bun_unlisted.len(),
                list(self.bun_unlisted)
            ));
        }
    }
}

impl Resolver<'_> {
    /// The block for `name@req`, reusing `buf` for the lookup key.
    fn package(&self, buf: &mut String, name: &str, req: &str) -> Option<usize> {
        self.exact(buf, name, req)
            // An alias `x "npm:real@range"` is the same resolution as `real@range`; bun's
            // printer keys the block only by the latter.
            .or_else(|| spec::npm_alias(req).and_then(|(real, range)| self.exact(buf, real, range)))
            .or_else(|| self.local_fallback(name, req))
    }

    fn exact(&self, buf: &mut String, name: &str, req: &str) -> Option<usize> {
        buf.clear();
        buf.push_str(name);
        buf.push('@');
        buf.push_str(req);
        self.index.get(buf.as_str()).copied()
    }

    fn target(&self, buf: &mut String, d: &RawDep<'_>, guesses: &mut Guesses) -> Target {
        if let Some(i) = self.package(buf, &d.name, &d.req) {
            return Target::Package(i);
        }
        if let Some(w) = workspace_member(self.manifests, &d.name) {
            return w;
        }
        let same_name = self.by_name.get(d.name.as_ref()).map(Vec::as_slice);
        // bun's yarn printer leaves some requested ranges out of the block headers (a block
        // keyed `type-check@^0.4.0` also serves `type-check "~0.4.0"`). bun installs one
        // version per name unless ranges conflict, so the only block of the name is the one.
        if self.written_by_bun
            && let Some([only]) = same_name
        {
            guesses.bun_unlisted.insert(format!("{}@{}", d.name, d.req));
            return Target::Package(*only);
        }
        if d.kind == DepKind::Optional {
            return Target::Unresolved(UnresolvedReason::NotInstalled);
        }
        // yarn v1 links workspace members instead of locking them, so a dependency on one has
        // no block. Without package.json files we cannot list the members, but a name no block
        // is keyed by at all cannot be a stale registry entry (yarn would have locked some
        // version of it): take it as a member, and say so in the notes. A name that is locked
        // but not at this range is a genuinely missing entry.
        if self.manifests.is_empty() && same_name.is_none() {
            guesses.assumed_members.insert(d.name.to_string());
            return Target::Unresolved(UnresolvedReason::NotInstalled);
        }
        Target::Unresolved(UnresolvedReason::Missing)
    }

    /// yarn v1 rewrites a local package's own `file:` dependencies relative to where it
    /// copied that package (often yarn's cache folder), while the block it resolved to is keyed
    /// by the path relative to the project. So a `file:`/`link:` request that matches no
    /// descriptor resolves to the one local block of that name, if there is exactly one.
    fn local_fallback(&self, name: &str, req: &str) -> Option<usize> {
        if !(req.starts_with("file:") || req.starts_with("link:")) {
            return None;
        }
        let mut local = self
            .by_name
            .get(name)?
            .iter()
            .filter(|&&i| self.local.get(i).copied().unwrap_or(false));
        match (local.next(), local.next()) {
            (Some(&only), None) => Some(only),
            _ => None,
        }
    }
}

/// Block indices by each name a block is keyed by.
fn blocks_by_name<'b>(blocks: &'b [Block<'_>]) -> HashMap<&'b str, Vec<usize>> {
    let mut out: HashMap<&str, Vec<usize>> = HashMap::with_capacity(blocks.len());
    for (i, b) in blocks.iter().enumerate() {
        for d in &b.descriptors {
            let list = out.entry(spec::split_spec(d).0).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    out
}

/// descriptor → block index, and notes on descriptors that key several blocks. bun's yarn
/// printer writes such duplicates (`"@types/node@*"` on two blocks); yarn's own parser keeps
/// the last block for a repeated key, and so do we. Both blocks stay packages.
fn descriptor_index<'b>(blocks: &'b [Block<'_>]) -> (HashMap<&'b str, usize>, Vec<String>) {
    let mut index = HashMap::with_capacity(blocks.len() * 2);
    let mut repeated = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        for d in &b.descriptors {
            if let Some(prev) = index.insert(d.as_ref(), i)
                && prev != i
            {
                let prev_line = blocks.get(prev).map_or(0, |p| p.line);
                repeated.push(format!("{d:?} (lines {prev_line} and {})", b.line));
            }
        }
    }
    let notes = if repeated.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "{} descriptor(s) key more than one block; as yarn does, dependencies on them resolve to the last block: {}",
            repeated.len(),
            repeated.join(", ")
        )]
    };
    (index, notes)
}

fn block_package(b: &Block<'_>) -> Result<Package, ParseError> {
    let at_header = |e: ParseError| ParseError::at(b.line, 1, e.message);
    let first = b.descriptors.first().map_or("", |d| d.as_ref());
    let (installed, range) = spec::split_spec(first);
    let (real, real_range) = spec::npm_alias(range).unwrap_or((installed, range));
    let ctx = format!("block {:?}", b.location);
    let name = spec::name(real, &ctx).map_err(at_header)?;
    let Some(version) = &b.version else {
        return Err(at_header(ParseError::new(format!(
            "{ctx} has no \"version\" field"
        ))));
    };
    let version = spec::version(&version.text, &ctx).map_err(|e| version.err(e))?;
    let source = match &b.resolved {
        Some(r) => spec::source_from_resolved(&r.text),
        None => source_from_range(real_range),
    };
    let mut pkg = Package::new(name, version, source, b.location);
    pkg.integrity = b
        .integrity
        .as_ref()
        .map(|i| spec::integrity(&i.text, &ctx).map_err(|e| i.err(e)))
        .transpose()?;
    pkg.alias = spec::common_alias(b.descriptors.iter().map(AsRef::as_ref), real);
    Ok(pkg)
}

/// The source a descriptor's range implies when the block records no `resolved` URL.
fn source_from_range(range: &str) -> Source {
    let local_or_url = ["file:", "link:", "http://", "https://"];
    if spec::git_source(range).is_some() || local_or_url.iter().any(|p| range.starts_with(p)) {
        spec::source_from_resolved(range)
    } else {
        Source::Registry { url: None }
    }
}

/// yarn v1 links workspace members instead of locking them: a package's dependency on a
/// member has no block of its own.
fn workspace_member(manifests: &[Manifest], name: &str) -> Option<Target> {
    manifests
        .iter()
        .position(|m| m.path != "." && m.name.as_deref() == Some(name))
        .map(Target::Importer)
}

#[cfg(test)]
mod tests;
