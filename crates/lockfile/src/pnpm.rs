//! pnpm-lock.yaml, lockfileVersion 5.x, 6.x and 9.x (pnpm 6 to 11).
//!
//! v5 and v6 keep one `packages` entry per installed instance (peer variants included). v9
//! splits them: `packages` holds per-name@version metadata and `snapshots` the instances with
//! their dependencies, so each snapshot becomes one [`Package`]. pnpm 11 writes an "env
//! lockfile" document (the package manager's own dependencies) before the project document; the
//! last document is the project and the others are skipped with a note.
//!
//! YAML is hostile input here: the parser runs under an explicit budget (nodes, depth, aliases)
//! so an alias bomb or a nesting storm is refused quickly instead of exhausting memory.

use std::borrow::Cow;
use std::collections::HashMap;

use portcullis_types::{DepKind, Source};
use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, Visitor};

use crate::spec::{self, OrderedMap, Str};
use crate::{
    Dependency, Format, Importer, Lockfile, Package, ParseError, Target, UnresolvedReason,
};

type Map<'a, V> = OrderedMap<Str<'a>, V>;
type Refs<'a> = Map<'a, Str<'a>>;

/// One YAML document of the file.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Doc<'a> {
    lockfile_version: Option<LockfileVersion>,
    #[serde(borrow)]
    importers: Option<Map<'a, ImporterEntry<'a>>>,
    // Single-project v5/v6 files keep the root's dependencies at the top level.
    #[serde(borrow, default)]
    specifiers: Refs<'a>,
    #[serde(borrow, default)]
    dependencies: Map<'a, DepValue<'a>>,
    #[serde(borrow, default)]
    dev_dependencies: Map<'a, DepValue<'a>>,
    #[serde(borrow, default)]
    optional_dependencies: Map<'a, DepValue<'a>>,
    #[serde(borrow, default)]
    packages: Map<'a, PackageEntry<'a>>,
    #[serde(borrow, default)]
    snapshots: Map<'a, SnapshotEntry<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ImporterEntry<'a> {
    /// v5 only: the declared ranges, beside plain-string references.
    #[serde(borrow, default)]
    specifiers: Refs<'a>,
    #[serde(borrow, default)]
    dependencies: Map<'a, DepValue<'a>>,
    #[serde(borrow, default)]
    dev_dependencies: Map<'a, DepValue<'a>>,
    #[serde(borrow, default)]
    optional_dependencies: Map<'a, DepValue<'a>>,
}

impl ImporterEntry<'_> {
    fn is_empty(&self) -> bool {
        self.specifiers.len() == 0
            && self.dependencies.len() == 0
            && self.dev_dependencies.len() == 0
            && self.optional_dependencies.len() == 0
    }
}

/// An importer's dependency: `1.2.3` (v5) or `{specifier: ^1.2.0, version: 1.2.3}` (v6/v9).
enum DepValue<'a> {
    Ref(Str<'a>),
    Full {
        specifier: Option<Str<'a>>,
        version: Str<'a>,
    },
}

impl<'de: 'a, 'a> Deserialize<'de> for DepValue<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DepValue<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a version reference or a map with \"specifier\" and \"version\"")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(DepValue::Ref(Str(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(DepValue::Ref(Str(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(DepValue::Ref(Str(Cow::Owned(v))))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let (mut specifier, mut version) = (None, None);
                while let Some(key) = map.next_key::<Str<'de>>()? {
                    match &*key {
                        "specifier" => specifier = Some(map.next_value()?),
                        "version" => version = Some(map.next_value()?),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let version = version.ok_or_else(|| de::Error::missing_field("version"))?;
                Ok(DepValue::Full { specifier, version })
            }
        }
        d.deserialize_any(V)
    }
}

/// A `packages` value: the whole instance in v5/v6, metadata only in v9.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct PackageEntry<'a> {
    #[serde(borrow)]
    name: Option<Str<'a>>,
    #[serde(borrow)]
    version: Option<Str<'a>>,
    #[serde(borrow)]
    resolution: Option<Resolution<'a>>,
    dev: Option<bool>,
    optional: Option<bool>,
    requires_build: Option<bool>,
    #[serde(default, deserialize_with = "spec::string_or_list")]
    os: Vec<String>,
    #[serde(default, deserialize_with = "spec::string_or_list")]
    cpu: Vec<String>,
    #[serde(borrow, default)]
    dependencies: Refs<'a>,
    #[serde(borrow, default)]
    optional_dependencies: Refs<'a>,
    #[serde(borrow, default)]
    peer_dependencies: Refs<'a>,
}

/// A v9 `snapshots` value: one installed instance.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct SnapshotEntry<'a> {
    optional: Option<bool>,
    #[serde(borrow, default)]
    dependencies: Refs<'a>,
    #[serde(borrow, default)]
    optional_dependencies: Refs<'a>,
}

#[derive(Deserialize)]
struct Resolution<'a> {
    #[serde(borrow)]
    integrity: Option<Str<'a>>,
    #[serde(borrow)]
    tarball: Option<Str<'a>>,
    #[serde(borrow, rename = "type")]
    kind: Option<Str<'a>>,
    #[serde(borrow)]
    repo: Option<Str<'a>>,
    #[serde(borrow)]
    commit: Option<Str<'a>>,
    #[serde(borrow)]
    directory: Option<Str<'a>>,
}

/// `lockfileVersion`: a YAML number in 5.x (`5.4`), a quoted string since 6.0 (`'9.0'`).
struct LockfileVersion(String);

impl<'de> Deserialize<'de> for LockfileVersion {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = LockfileVersion;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a lockfile version such as 5.4 or '9.0'")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(LockfileVersion(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(LockfileVersion(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(LockfileVersion(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(LockfileVersion(v.to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

impl LockfileVersion {
    fn format(&self) -> Result<Format, ParseError> {
        let major = self.0.split('.').next().unwrap_or_default();
        match major {
            "5" => Ok(Format::PnpmV5),
            "6" => Ok(Format::PnpmV6),
            "9" => Ok(Format::PnpmV9),
            _ => Err(ParseError::new(format!(
                "unsupported lockfileVersion {}: Portcullis reads 5.x, 6.x and 9.x (pnpm 6 to 11); upgrade Portcullis or regenerate the lockfile",
                self.0
            ))),
        }
    }
}

/// YAML resource limits. pnpm writes no anchors or aliases and nests about five levels deep,
/// so aliases are allowed only sparingly. Node, event and byte limits scale with the input
/// (without aliases a node costs at least half a byte of text, an event a quarter) so that
/// lockfiles of tens of megabytes, up to [`crate::MAX_LOCKFILE_BYTES`], always parse while an
/// amplifying input cannot: the serde-saphyr defaults (250,000 nodes) would refuse big ones.
fn yaml_options(len: usize) -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = len.saturating_mul(4).saturating_add(1024);
    budget.max_nodes = len.saturating_mul(2).saturating_add(1024);
    budget.max_total_scalar_bytes = len.saturating_add(1024);
    budget.max_depth = 32;
    budget.max_documents = 16;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_merge_keys = 100;
    let mut alias_limits = serde_saphyr::options::AliasLimits::default();
    alias_limits.max_total_replayed_events = 100_000;
    alias_limits.max_replay_stack_depth = 16;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.alias_limits = alias_limits;
    options.with_snippet = false;
    options
}

fn yaml_error(e: &serde_saphyr::Error) -> ParseError {
    use serde_saphyr::Error as E;
    let mut cause = e;
    while let E::AliasError { error, .. } | E::WithSnippet { error, .. } = cause {
        cause = error;
    }
    let rendered = cause.to_string();
    // The rendered message repeats the position, which we report separately.
    let message = rendered
        .find(" at line ")
        .map_or(rendered.as_str(), |i| &rendered[..i]);
    let message = match cause {
        E::Budget { .. }
        | E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => format!(
            "the YAML exceeds the resource limits for a lockfile ({message}); pnpm writes no anchors or aliases, so this is an alias bomb or a corrupt file"
        ),
        _ => message.to_owned(),
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

pub(crate) fn parse(text: &str) -> Result<Lockfile, ParseError> {
    let mut docs: Vec<Doc<'_>> =
        serde_saphyr::from_multiple_with_options(text, yaml_options(text.len()))
            .map_err(|e| yaml_error(&e))?;
    let Some(doc) = docs.pop() else {
        return Err(ParseError::new(
            "the file holds no YAML document; expected a pnpm-lock.yaml with lockfileVersion and packages",
        ));
    };
    let mut notes = Vec::new();
    let total = docs.len() + 1;
    for (i, skipped) in docs.iter().enumerate() {
        // pnpm 11 puts its "env lockfile" (packageManagerDependencies, configDependencies)
        // first; those packages are pnpm's own tooling, not the project's dependencies.
        notes.push(format!(
            "skipped YAML document {} of {total} (pnpm's env lockfile with {} packages: the package manager's and config dependencies, not the project's); read the last document as the project lockfile",
            i + 1,
            skipped.packages.len()
        ));
    }
    let format = doc
        .lockfile_version
        .as_ref()
        .ok_or_else(|| {
            ParseError::new(
                "no lockfileVersion in the project document; expected a pnpm-lock.yaml (lockfileVersion 5.x, 6.x or 9.x)",
            )
        })?
        .format()?;
    let mut doc = doc;
    let root = ImporterEntry {
        specifiers: std::mem::take(&mut doc.specifiers),
        dependencies: std::mem::take(&mut doc.dependencies),
        dev_dependencies: std::mem::take(&mut doc.dev_dependencies),
        optional_dependencies: std::mem::take(&mut doc.optional_dependencies),
    };
    build(text, format, &doc, &root, notes)
}

/// One installed instance: a v5/v6 `packages` entry, or a v9 snapshot with its metadata.
struct Instance<'d, 'a> {
    key: &'d str,
    section: &'static str,
    meta: &'d PackageEntry<'a>,
    dependencies: &'d Refs<'a>,
    optional_dependencies: &'d Refs<'a>,
    optional: Option<bool>,
}

fn instances<'d, 'a>(
    text: &str,
    format: Format,
    doc: &'d Doc<'a>,
) -> Result<Vec<Instance<'d, 'a>>, ParseError> {
    let whole = |key: &'d str, meta: &'d PackageEntry<'a>| Instance {
        key,
        section: "packages",
        meta,
        dependencies: &meta.dependencies,
        optional_dependencies: &meta.optional_dependencies,
        optional: meta.optional,
    };
    if format != Format::PnpmV9 {
        return Ok(doc.packages.iter().map(|(k, v)| whole(k, v)).collect());
    }
    let mut meta: HashMap<&str, (&PackageEntry<'a>, bool)> = doc
        .packages
        .iter()
        .map(|(k, v)| (&**k, (v, false)))
        .collect();
    let mut out = Vec::with_capacity(doc.snapshots.len());
    for (key, snap) in doc.snapshots.iter() {
        let base = strip_peers(key);
        let Some((entry, used)) = meta.get_mut(base) else {
            let e = ParseError::new(format!(
                "snapshots[{:?}]: no packages[{base:?}] entry with its resolution",
                &**key
            ));
            return Err(locate(text, "snapshots", key, e));
        };
        *used = true;
        out.push(Instance {
            key,
            section: "snapshots",
            meta: entry,
            dependencies: &snap.dependencies,
            optional_dependencies: &snap.optional_dependencies,
            optional: snap.optional,
        });
    }
    // A package without a snapshot is still recorded, so it is still reported.
    for (key, entry) in doc.packages.iter() {
        if meta.get(&**key).is_some_and(|(_, used)| !used) {
            out.push(whole(key, entry));
        }
    }
    Ok(out)
}

fn build(
    text: &str,
    format: Format,
    doc: &Doc<'_>,
    top_level: &ImporterEntry<'_>,
    mut notes: Vec<String>,
) -> Result<Lockfile, ParseError> {
    let instances = instances(text, format, doc)?;
    let mut packages = Vec::with_capacity(instances.len());
    let mut keys: HashMap<&str, usize> = HashMap::with_capacity(instances.len());
    let mut other_kinds: Vec<(String, usize)> = Vec::new();
    for inst in &instances {
        keys.insert(inst.key, packages.len());
        let pkg = package(format, inst, &mut other_kinds)
            .map_err(|e| locate(text, inst.section, inst.key, e))?;
        packages.push(pkg);
    }
    for (kind, n) in other_kinds {
        notes.push(format!(
            "{n} packages have resolution type {kind:?}, which Portcullis does not know; their source is kept verbatim as the lockfile key"
        ));
    }

    let mut root = top_level;
    let mut members = Vec::new();
    for (path, entry) in doc.importers.iter().flat_map(OrderedMap::iter) {
        let path = join_path(".", path);
        if path != "." {
            members.push((path, entry));
        } else if top_level.is_empty() {
            root = entry;
        } else {
            return Err(ParseError::new(
                "the root project's dependencies are recorded twice, at the top level and in importers[\".\"]; expected one of them",
            ));
        }
    }
    let importer_entries: Vec<(String, &ImporterEntry<'_>)> =
        std::iter::once((".".to_owned(), root))
            .chain(members)
            .collect();
    let mut resolver = Resolver::new(format, keys, &importer_entries);
    let mut importers = Vec::with_capacity(importer_entries.len());
    for (path, entry) in &importer_entries {
        let dependencies = importer_edges(&mut resolver, path, entry);
        importers.push(Importer {
            path: path.clone(),
            name: None,
            version: None,
            dependencies,
        });
    }
    for (pkg, inst) in packages.iter_mut().zip(&instances) {
        pkg.dependencies = package_edges(&mut resolver, inst);
    }
    // `link:` targets that are not importers of their own are still projects.
    importers.extend(resolver.added.into_iter().map(|path| Importer {
        path,
        name: None,
        version: None,
        dependencies: Vec::new(),
    }));
    Ok(Lockfile {
        format,
        importers,
        packages,
        entries: doc.packages.len(),
        notes,
    })
}

/// Gives a semantic error the position of its `section` key (searched in the last document,
/// which is the one read), since serde no longer knows it once the YAML is deserialized.
fn locate(text: &str, section: &str, key: &str, e: ParseError) -> ParseError {
    if e.line.is_some() {
        return e;
    }
    let Some(start) = text.rfind(&format!("\n{section}:")) else {
        return e;
    };
    let body = &text[start..];
    let hit = [
        format!("\n  {key}:"),
        format!("\n  '{key}':"),
        format!("\n  \"{key}\":"),
    ]
    .iter()
    .find_map(|pat| body.find(pat.as_str()));
    match hit {
        // Point at the key itself, after the newline and the two-space indent.
        Some(i) => ParseError::at_offset(text.as_bytes(), start + i + 3, e.message),
        None => e,
    }
}

fn package(
    format: Format,
    inst: &Instance<'_, '_>,
    other_kinds: &mut Vec<(String, usize)>,
) -> Result<Package, ParseError> {
    let ctx = || format!("{}[{:?}]", inst.section, inst.key);
    let (key_name, key_version) = match format {
        Format::PnpmV5 => parse_v5_key(inst.key),
        _ => parse_at_key(inst.key),
    };
    let meta = inst.meta;
    let name = meta.name.as_deref().or(key_name).ok_or_else(|| {
        ParseError::new(format!(
            "{}: the key does not name a package and the entry has no \"name\"",
            ctx()
        ))
    })?;
    let version = meta.version.as_deref().or(key_version).ok_or_else(|| {
        ParseError::new(format!(
            "{}: the key has no version and the entry has no \"version\"",
            ctx()
        ))
    })?;
    let source = source(meta.resolution.as_ref(), inst.key, &ctx, other_kinds)?;
    let mut pkg = Package::new(
        spec::name(name, &ctx())?,
        spec::version(version, &ctx())?,
        source,
        inst.key,
    );
    pkg.integrity = meta
        .resolution
        .as_ref()
        .and_then(|r| r.integrity.as_deref())
        .map(|i| spec::integrity(i, &ctx()))
        .transpose()?;
    // Package.alias stays empty: one pnpm instance is shared by every name it is installed
    // under; the alias is on each edge (Dependency::name).
    if format == Format::PnpmV9 {
        // v9 records neither `dev` nor (since pnpm 9) `requiresBuild`: unknown, not false.
        pkg.has_install_script = meta.requires_build.filter(|b| *b);
    } else {
        // v5/v6: `dev: true` dev-only, `dev: false` prod-only, absent both; pnpm writes
        // `requiresBuild: true` for every package with install scripts.
        pkg.dev = Some(meta.dev == Some(true));
        pkg.has_install_script = Some(meta.requires_build == Some(true));
    }
    pkg.optional = Some(inst.optional == Some(true));
    pkg.os.clone_from(&meta.os);
    pkg.cpu.clone_from(&meta.cpu);
    Ok(pkg)
}

fn source(
    resolution: Option<&Resolution<'_>>,
    key: &str,
    ctx: &dyn Fn() -> String,
    other_kinds: &mut Vec<(String, usize)>,
) -> Result<Source, ParseError> {
    let Some(r) = resolution else {
        return Err(ParseError::new(format!(
            "{}: no \"resolution\"; expected {{integrity}}, {{tarball}}, {{type: git}} or {{type: directory}}",
            ctx()
        )));
    };
    let need = |field: &Option<Str<'_>>, what: &str| {
        field.as_deref().map(str::to_owned).ok_or_else(|| {
            ParseError::new(format!("{}: resolution {what} without \"{what}\"", ctx()))
        })
    };
    Ok(match r.kind.as_deref() {
        Some("git") => Source::Git {
            url: need(&r.repo, "repo")?,
            commit: r.commit.as_deref().map(str::to_owned),
        },
        Some("directory") => Source::File {
            path: need(&r.directory, "directory")?,
        },
        Some(kind) => {
            match other_kinds.iter_mut().find(|(k, _)| k == kind) {
                Some((_, n)) => *n += 1,
                None => other_kinds.push((kind.to_owned(), 1)),
            }
            Source::Other {
                spec: key.to_owned(),
            }
        }
        None => match (r.tarball.as_deref(), r.integrity.is_some()) {
            (Some(tarball), _) => spec::source_from_resolved(tarball),
            (None, true) => Source::Registry { url: None },
            (None, false) => {
                return Err(ParseError::new(format!(
                    "{}: resolution has neither \"integrity\", \"tarball\" nor \"type\"",
                    ctx()
                )));
            }
        },
    })
}

/// `/@s/name/1.2.3_peer@1.0.0` (or `host/name/1.2.3`, or `file:dir`) → name and version.
fn parse_v5_key(key: &str) -> (Option<&str>, Option<&str>) {
    if key.starts_with("file:") {
        return (None, Some(key));
    }
    let (rest, hosted) = match key.strip_prefix('/') {
        Some(rest) => (rest, false),
        None => match key.split_once('/') {
            Some((_host, rest)) => (rest, true),
            None => return (None, None),
        },
    };
    let split = if rest.starts_with('@') {
        rest.match_indices('/')
            .nth(1)
            .map(|(i, _)| (&rest[..i], &rest[i + 1..]))
    } else {
        rest.split_once('/')
    };
    let Some((name, version)) = split else {
        return (None, None);
    };
    let version = version.split('_').next().unwrap_or(version);
    // A host-prefixed key is a registry key only when a version follows the name (pnpm's
    // dependency-path rule); `github.com/user/repo/commit` is not one.
    if hosted && !version.starts_with(|c: char| c.is_ascii_digit()) {
        return (None, None);
    }
    (Some(name), Some(version))
}

/// `/@s/name@1.2.3(peer@1.0.0)` (v6), `@s/name@1.2.3(peer@1.0.0)` or `name@file:dir` (v9),
/// `file:dir(peer@1.0.0)` (v6) → name and version.
fn parse_at_key(key: &str) -> (Option<&str>, Option<&str>) {
    let k = strip_peers(key.strip_prefix('/').unwrap_or(key));
    if k.starts_with("file:") {
        return (None, Some(k));
    }
    // `host/name@1.2.3`: a `/` before any `@` in an unscoped key means a host prefix.
    let k = match (k.find('/'), k.find('@')) {
        (Some(slash), at) if !k.starts_with('@') && at.is_none_or(|a| slash < a) => &k[slash + 1..],
        _ => k,
    };
    match spec::split_spec(k) {
        (name, version) if !name.is_empty() && !version.is_empty() => (Some(name), Some(version)),
        _ => (None, None),
    }
}

/// `name@1.2.3(peer@1.0.0)(patch_hash=…)` → `name@1.2.3`.
fn strip_peers(key: &str) -> &str {
    key.find('(').map_or(key, |i| &key[..i])
}

/// Joins a `link:` path onto the folder it is relative to, resolving `.` and `..`.
fn join_path(base: &str, rel: &str) -> String {
    if rel.starts_with('/') {
        return rel.to_owned();
    }
    let mut parts: Vec<&str> = Vec::new();
    for seg in base.split('/').chain(rel.split('/')) {
        match seg {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// Resolves dependency references to package and importer indices.
struct Resolver<'k> {
    format: Format,
    keys: HashMap<&'k str, usize>,
    importers: HashMap<String, usize>,
    /// Folders that `link:` points at without an importer entry: appended as importers.
    added: Vec<String>,
    key_buf: String,
}

impl<'k> Resolver<'k> {
    fn new(
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

/// pnpm 9's rule: a reference is a whole `name@version` key (an alias, a non-registry
/// package) when its first `@` comes before any `:` and any `(`.
fn is_v9_key(reference: &str) -> bool {
    if reference.starts_with('@') {
        return true;
    }
    reference.find('@').is_some_and(|at| {
        reference.find(':').is_none_or(|c| at < c) && reference.find('(').is_none_or(|p| at < p)
    })
}

fn unresolved(kind: DepKind) -> Target {
    Target::Unresolved(match kind {
        // pnpm records skipped optional dependencies (other platforms) and unmet peers, but
        // leaves them out of the install: expected, not a broken lockfile.
        DepKind::Optional | DepKind::Peer => UnresolvedReason::NotInstalled,
        DepKind::Prod | DepKind::Dev => UnresolvedReason::Missing,
    })
}

fn importer_edges(
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
fn package_edges(resolver: &mut Resolver<'_>, inst: &Instance<'_, '_>) -> Vec<Dependency> {
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

#[cfg(test)]
mod tests;
