//! yarn.lock written by yarn 2 and later ("berry"), `__metadata` versions 4 to 10.
//!
//! The file is YAML: a map from comma-separated descriptor lists (`"a@npm:^1, a@npm:^1.2"`)
//! to one resolved package each. Blocks whose `resolution` uses the `workspace:` protocol
//! are the project's importers; every other block is a package. A dependency `name: range`
//! resolves to the block keyed by the descriptor `name@range`, which berry normalizes
//! (`npm:` added to bare ranges, `::locator=` added to paths relative to the dependent).
//! The YAML is parsed under an explicit budget sized from the input, so alias bombs and
//! other amplification tricks fail fast with an error instead of exhausting memory.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use portcullis_types::{DepKind, Source};
use serde::Deserialize;

use crate::spec::{self, OrderedMap, Str};
use crate::{
    Dependency, Format, Importer, Lockfile, Package, ParseError, Target, UnresolvedReason,
};

/// `__metadata.version` values we read: yarn 2.0 wrote 4, yarn 4 writes 8 to 10.
const VERSIONS: std::ops::RangeInclusive<u64> = 4..=10;

const NO_METADATA: &str =
    "no __metadata block; a yarn berry lockfile starts with `__metadata:` and its `version`";

/// Name yarn gives a root workspace whose package.json has no `name`.
const UNNAMED_ROOT: &str = "root-workspace-0b6124";

type Deps<'a> = OrderedMap<Str<'a>, Str<'a>>;

/// One top-level value (also `__metadata`, whose `version` is the format version).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Block<'a> {
    #[serde(borrow, default)]
    version: Option<Str<'a>>,
    #[serde(borrow, default)]
    resolution: Option<Str<'a>>,
    #[serde(borrow, default)]
    dependencies: Deps<'a>,
    #[serde(borrow, default)]
    peer_dependencies: Deps<'a>,
    #[serde(borrow, default)]
    dependencies_meta: OrderedMap<Str<'a>, Meta>,
    #[serde(borrow, default)]
    checksum: Option<Str<'a>>,
    #[serde(borrow, default)]
    conditions: Option<Str<'a>>,
}

#[derive(Deserialize, Default)]
struct Meta {
    #[serde(default)]
    optional: bool,
}

pub(crate) fn parse(text: &str) -> Result<Lockfile, ParseError> {
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(ParseError::new(
            "the file is empty; expected a yarn berry lockfile (__metadata and package blocks)",
        ));
    }
    if trimmed.starts_with(['{', '[']) {
        return Err(ParseError::at_offset(
            text.as_bytes(),
            text.len() - trimmed.len(),
            "this looks like JSON (package-lock.json or bun.lock?), not a yarn berry lockfile",
        ));
    }
    // Checked before the typed parse so that other YAML (a pnpm lockfile) is named for what
    // it lacks rather than for its first value of the wrong shape.
    if !text
        .lines()
        .any(|l| l.starts_with("__metadata:") || l.starts_with("\"__metadata\":"))
    {
        return Err(ParseError::new(NO_METADATA));
    }
    let doc: OrderedMap<Str<'_>, Block<'_>> =
        serde_saphyr::from_str_with_options(text, yaml_options(text.len()))
            .map_err(|e| yaml_error(&e))?;
    check_metadata(text, &doc)?;
    let blocks: Vec<(&str, &Block<'_>)> = doc
        .iter()
        .filter(|(k, _)| &***k != "__metadata")
        .map(|(k, b)| (&**k, b))
        .collect();
    build(text, &blocks)
}

/// A budget that fits any real lockfile of this size and nothing much larger: YAML without
/// aliases cannot produce more than about one event per byte of input, nor more scalar bytes
/// than it holds; yarn never writes anchors or aliases, and a lockfile's nesting is shallow.
fn yaml_options(len: usize) -> serde_saphyr::Options {
    let events = len.saturating_mul(2).saturating_add(64);
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_events: events,
            max_nodes: events,
            max_total_scalar_bytes: len.saturating_add(64),
            max_aliases: 100,
            max_anchors: 100,
            max_depth: 16,
            max_documents: 1,
            max_merge_keys: 0,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 10_000,
            max_replay_stack_depth: 8,
            max_alias_expansions_per_anchor: 100,
        },
        with_snippet: false,
    }
}

fn yaml_error(e: &serde_saphyr::Error) -> ParseError {
    let e = e.without_snippet();
    let full = e.to_string();
    // The position is reported separately.
    let what = full.find(" at line ").map_or(full.as_str(), |i| &full[..i]);
    let message = if what.contains("budget breached") {
        format!(
            "the YAML exceeds the parse budget for a file of this size ({what}); yarn lockfiles are shallow and never use anchors or aliases, so this file is malformed or hostile"
        )
    } else {
        format!("invalid YAML: {what}")
    };
    match e.location() {
        Some(l) if l.line() > 0 => ParseError::at(
            usize::try_from(l.line()).unwrap_or(usize::MAX),
            usize::try_from(l.column()).unwrap_or(usize::MAX),
            message,
        ),
        _ => ParseError::new(message),
    }
}

fn check_metadata(text: &str, doc: &OrderedMap<Str<'_>, Block<'_>>) -> Result<u64, ParseError> {
    let Some((_, meta)) = doc.iter().find(|(k, _)| &***k == "__metadata") else {
        return Err(ParseError::new(NO_METADATA));
    };
    let at = |msg: String| key_error(text, "__metadata", msg);
    let Some(raw) = &meta.version else {
        return Err(at("__metadata has no `version`".into()));
    };
    let version: u64 = raw.trim().parse().map_err(|_| {
        at(format!(
            "__metadata version is {:?}, expected a number from 4 to 10",
            &**raw
        ))
    })?;
    if !VERSIONS.contains(&version) {
        return Err(at(format!(
            "unsupported yarn berry lockfile __metadata version {version}: Portcullis reads versions 4 to 10 (yarn 2 to 4); upgrade Portcullis or regenerate the lockfile"
        )));
    }
    Ok(version)
}

/// An error at the line where top-level key `key` is written, when it can be found.
fn key_error(text: &str, key: &str, message: String) -> ParseError {
    let quoted = format!("\n\"{key}\":");
    let plain = format!("\n{key}:");
    let found = text
        .find(&quoted)
        .or_else(|| text.find(&plain))
        .map(|i| i + 1)
        .or_else(|| (text.starts_with(&quoted[1..]) || text.starts_with(&plain[1..])).then_some(0));
    match found {
        Some(offset) => ParseError::at_offset(text.as_bytes(), offset, message),
        None => ParseError::new(message),
    }
}

/// What a descriptor resolves to.
#[derive(Clone, Copy, PartialEq)]
enum Slot {
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

/// A workspace block on its way to becoming an [`Importer`].
struct Workspace<'b> {
    key: &'b str,
    block: &'b Block<'b>,
    resolution: &'b str,
    importer: Importer,
}

fn build<'b>(text: &str, blocks: &[(&'b str, &'b Block<'b>)]) -> Result<Lockfile, ParseError> {
    let mut notes = Vec::new();
    let mut packages = Vec::with_capacity(blocks.len());
    // Per package, its block and its resolution (the locator its own deps are bound to).
    let mut package_blocks: Vec<(&Block<'_>, &str)> = Vec::with_capacity(blocks.len());
    let mut workspaces = Vec::new();
    let mut slots: HashMap<&str, Slot> = HashMap::with_capacity(blocks.len() * 2);
    let mut repeated = Vec::new();
    let mut insert = |key: &'b str, slot: Slot| {
        for d in descriptors(key) {
            if slots.insert(d, slot).is_some() {
                repeated.push(d);
            }
        }
    };
    for &(key, block) in blocks {
        let err = |msg: String| key_error(text, key, format!("block {key:?}: {msg}"));
        let Some(resolution) = block.resolution.as_deref() else {
            return Err(err("no `resolution` field".into()));
        };
        let (name, reference) = spec::split_spec(resolution);
        if let Some(path) = reference.strip_prefix("workspace:") {
            let name = (name != UNNAMED_ROOT)
                .then(|| spec::name(name, "resolution"))
                .transpose()
                .map_err(|e| err(e.message))?;
            workspaces.push(Workspace {
                key,
                block,
                resolution,
                importer: Importer {
                    path: if path.is_empty() { "." } else { path }.to_owned(),
                    name,
                    version: None,
                    dependencies: Vec::new(),
                },
            });
            continue;
        }
        let pkg = package(key, block, name, reference, resolution).map_err(|e| err(e.message))?;
        insert(key, Slot::Package(packages.len()));
        packages.push(pkg);
        package_blocks.push((block, resolution));
    }
    root_first(&mut workspaces, &mut notes);
    for (i, w) in workspaces.iter().enumerate() {
        insert(w.key, Slot::Importer(i));
    }
    if !repeated.is_empty() {
        notes.push(format!(
            "{} descriptor(s) key more than one block; dependencies on them resolve to the last one: {}",
            repeated.len(),
            repeated.join(", ")
        ));
    }

    let index = Index::new(slots);
    let mut guesses = Guesses::default();
    let mut buf = String::new();
    for (pkg, (block, locator)) in packages.iter_mut().zip(&package_blocks) {
        pkg.dependencies = index.edges(block, locator, &mut buf, &mut guesses);
    }
    let mut importers = Vec::with_capacity(workspaces.len());
    for mut w in workspaces {
        w.importer.dependencies = index.edges(w.block, w.resolution, &mut buf, &mut guesses);
        importers.push(w.importer);
    }
    guesses.into_notes(&mut notes);
    if importers.iter().any(|i| !i.dependencies.is_empty()) {
        notes.push(
            "yarn berry records each workspace's devDependencies together with its dependencies, so the workspaces' direct dependencies are all listed as prod".into(),
        );
    }
    Ok(Lockfile {
        format: Format::YarnBerry,
        importers,
        entries: blocks.len(),
        packages,
        notes,
    })
}

/// Puts the root workspace (`workspace:.`) first, adding an empty one if the file has none.
fn root_first(workspaces: &mut Vec<Workspace<'_>>, notes: &mut Vec<String>) {
    if let Some(r) = workspaces.iter().position(|w| w.importer.path == ".") {
        let root = workspaces.remove(r);
        workspaces.insert(0, root);
        return;
    }
    notes.push(
        "the lockfile has no root workspace block (`workspace:.`); the root project is shown with no dependencies".into(),
    );
    workspaces.insert(
        0,
        Workspace {
            key: "",
            block: &EMPTY_BLOCK,
            resolution: "",
            importer: Importer {
                path: ".".into(),
                name: None,
                version: None,
                dependencies: Vec::new(),
            },
        },
    );
}

/// Edges resolved by name rather than by descriptor, for the notes.
#[derive(Default)]
struct Guesses {
    by_name: BTreeSet<String>,
    ambiguous: BTreeSet<String>,
}

impl Guesses {
    fn into_notes(self, notes: &mut Vec<String>) {
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
struct Index<'b> {
    slots: HashMap<&'b str, Slot>,
    /// Blocks by the names in their keys (aliases included).
    by_name: HashMap<&'b str, Vec<Slot>>,
    /// Source descriptor → package index of the `builtin<compat/…>` patch yarn wraps it in.
    builtin_patches: HashMap<String, usize>,
    /// Patch package index → index of the package it patches.
    patch_base: HashMap<usize, usize>,
}

impl<'b> Index<'b> {
    fn new(slots: HashMap<&'b str, Slot>) -> Self {
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
    fn edges(
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

static EMPTY_BLOCK: Block<'static> = Block {
    version: None,
    resolution: None,
    dependencies: OrderedMap(Vec::new()),
    peer_dependencies: OrderedMap(Vec::new()),
    dependencies_meta: OrderedMap(Vec::new()),
    checksum: None,
    conditions: None,
};

/// The descriptors of a top-level key, as berry splits them.
fn descriptors(key: &str) -> impl Iterator<Item = &str> {
    key.split(',').map(str::trim).filter(|d| !d.is_empty())
}

/// A package block. `name@reference` is its resolution.
fn package(
    key: &str,
    block: &Block<'_>,
    name: &str,
    reference: &str,
    resolution: &str,
) -> Result<Package, ParseError> {
    let name = spec::name(name, "resolution")?;
    let Some(version) = block.version.as_deref() else {
        return Err(ParseError::new("no `version` field"));
    };
    let version = spec::version(version, "version")?;
    let mut pkg = Package::new(name, version, source(reference, resolution), key);
    pkg.checksum = block.checksum.as_deref().map(str::to_owned);
    pkg.alias = common_alias(key, pkg.name.as_str());
    if let Some(conditions) = block.conditions.as_deref() {
        apply_conditions(conditions, &mut pkg);
    }
    Ok(pkg)
}

/// Where a package comes from, by the protocol of its resolution's reference.
fn source(reference: &str, resolution: &str) -> Source {
    let (protocol, rest) = reference.split_once(':').unwrap_or(("", reference));
    match protocol {
        "npm" => Source::Registry {
            url: bound_param(rest, "__archiveUrl").map(|u| percent_decode(u).into_owned()),
        },
        "patch" => Source::Patch {
            locator: resolution.to_owned(),
        },
        "link" | "portal" => Source::Link {
            path: local_path(rest),
        },
        "file" => Source::File {
            path: local_path(rest),
        },
        _ => match spec::git_source(reference) {
            Some(Source::Git { url, commit }) => Source::Git {
                url,
                commit: commit.map(|c| git_commit(&c)),
            },
            _ if protocol == "http" || protocol == "https" => spec::source_from_resolved(reference),
            // `condition:`, `exec:` and protocols of yarn plugins: kept verbatim.
            _ => Source::Other {
                spec: reference.to_owned(),
            },
        },
    }
}

/// berry's git fragments are `commit=<sha>` (possibly among other `&`-joined keys).
fn git_commit(fragment: &str) -> String {
    fragment
        .split('&')
        .find_map(|kv| kv.strip_prefix("commit="))
        .unwrap_or(fragment)
        .to_owned()
}

/// A `::key=value&…` parameter bound to a reference (`./lib::locator=…`).
fn bound_param<'a>(reference: &'a str, key: &str) -> Option<&'a str> {
    let (_, params) = reference.split_once("::")?;
    params
        .split('&')
        .find_map(|kv| kv.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
}

/// The folder of a `link:`/`portal:`/`file:` reference, made relative to the project root:
/// berry records it relative to the workspace named by the `::locator=` parameter.
fn local_path(rest: &str) -> String {
    let path = rest.split_once("::").map_or(rest, |(p, _)| p);
    let workspace = bound_param(rest, "locator").and_then(|l| {
        let locator = percent_decode(l);
        let (_, reference) = spec::split_spec(&locator);
        reference.strip_prefix("workspace:").map(str::to_owned)
    });
    match workspace {
        Some(ws) if !path.starts_with(['/', '~']) => join_relative(&ws, path),
        _ => path.to_owned(),
    }
}

/// `base/rel` with `.` and `..` segments folded (leading `..` kept: outside the project).
fn join_relative(base: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in base.split('/').chain(rel.split('/')) {
        match seg {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            _ => parts.push(seg),
        }
    }
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// The alias every descriptor of the block installs the package under, when they all agree
/// on one that is not the real name.
fn common_alias(key: &str, real: &str) -> Option<String> {
    let mut names = descriptors(key).map(|d| spec::split_spec(d).0);
    let first = names.next()?;
    (first != real && names.all(|n| n == first)).then(|| first.to_owned())
}

/// `os=linux & cpu=arm64 & libc=glibc`, `(os=darwin | os=linux)`, `os!=win32` → os/cpu lists
/// (negations as npm writes them, `!win32`). `libc` has no place in the model.
fn apply_conditions(conditions: &str, pkg: &mut Package) {
    for term in conditions.split(['&', '|']) {
        let term = term.trim().trim_matches(['(', ')']).trim();
        let (key, value) = match term.split_once("!=") {
            Some((k, v)) => (k, format!("!{}", v.trim())),
            None => match term.split_once('=') {
                Some((k, v)) => (k, v.trim().to_owned()),
                None => continue,
            },
        };
        match key.trim() {
            "os" => pkg.os.push(value),
            "cpu" => pkg.cpu.push(value),
            _ => {}
        }
    }
}

/// JavaScript's `encodeURIComponent`, which berry uses for `::locator=` values.
fn encode_uri_component(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

/// Decodes `%XX` escapes; malformed ones are kept as written.
fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests;
