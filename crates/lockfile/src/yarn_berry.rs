//! yarn.lock written by yarn 2 and later ("berry"), `__metadata` versions 4 to 10.
//!
//! The file is YAML: a map from comma-separated descriptor lists (`"a@npm:^1, a@npm:^1.2"`)
//! to one resolved package each. Blocks whose `resolution` uses the `workspace:` protocol
//! are the project's importers; every other block is a package. A dependency `name: range`
//! resolves to the block keyed by the descriptor `name@range`, which berry normalizes
//! (`npm:` added to bare ranges, `::locator=` added to paths relative to the dependent).
//! The YAML is parsed under an explicit budget sized from the input, so alias bombs and
//! other amplification tricks fail fast with an error instead of exhausting memory.

mod index;
mod locator;

use std::collections::HashMap;

use serde::Deserialize;

use crate::spec::{self, OrderedMap, Str};
use crate::{Format, Importer, Lockfile, Package, ParseError};
use index::{Guesses, Index, Slot};
use locator::source;

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
    let what = spec::yaml_message(&full);
    let message = if what.contains("budget breached") {
        format!(
            "the YAML exceeds the parse budget for a file of this size ({what}); yarn lockfiles are shallow and never use anchors or aliases, so this file is malformed or hostile"
        )
    } else {
        format!("invalid YAML: {what}")
    };
    spec::yaml_positioned(e, message)
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
    pkg.alias = spec::common_alias(descriptors(key), pkg.name.as_str());
    if let Some(conditions) = block.conditions.as_deref() {
        apply_conditions(conditions, &mut pkg);
    }
    Ok(pkg)
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

#[cfg(test)]
mod tests;
