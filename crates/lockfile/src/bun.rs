//! bun.lock, Bun's text lockfile (JSONC: trailing commas, comments), lockfileVersion 0 and 1.
//!
//! `workspaces` maps each project folder (`""` = the root) to its manifest's dependencies: those
//! are the importers. `packages` maps an install path to an array whose layout depends on how
//! the package was resolved (see [`Kind`]). Install paths are package names joined by `/`:
//! `"a/b"` is `b` nested under `a`, and copies local to a workspace are keyed under the
//! workspace's *name* (`"my-ws/b"`). Edges are resolved the way Bun resolves them when it reads
//! the file: from `a/b`, try `a/b/dep`, then `a/dep`, then `dep`; a workspace tries
//! `<its name>/dep`, then `dep`; the root only `dep`.

use std::collections::HashMap;
use std::fmt;

use portcullis_types::{DepKind, Source};
use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::spec::{self, OrderedMap, Str};
use crate::{
    Dependency, Format, Importer, Lockfile, Package, ParseError, Target, UnresolvedReason,
};

type Deps<'a> = OrderedMap<Str<'a>, Str<'a>>;

const SUPPORTED: &str = "Portcullis reads bun.lock lockfileVersion 0 and 1 (Bun 1.1.39 to 1.3)";

/// The top-level object. Hand-written so that `lockfileVersion` (which Bun writes first) is
/// checked before anything else is interpreted, and so that unknown keys are reported.
#[derive(Default)]
struct Root<'a> {
    version: Option<u64>,
    workspaces: Option<OrderedMap<Str<'a>, Workspace<'a>>>,
    packages: OrderedMap<Str<'a>, Entry<'a>>,
    trusted: Vec<Str<'a>>,
    patched: OrderedMap<Str<'a>, Str<'a>>,
    unknown_keys: Vec<String>,
}

impl<'de> Deserialize<'de> for Root<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Root<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a bun.lock object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Root<'de>, A::Error> {
                let mut root = Root::default();
                while let Some(key) = map.next_key::<Str<'de>>()? {
                    match &*key {
                        "lockfileVersion" => {
                            root.version = Some(map.next_value::<LockfileVersion>()?.0);
                        }
                        "workspaces" => root.workspaces = Some(map.next_value()?),
                        "packages" => root.packages = map.next_value()?,
                        "trustedDependencies" => root.trusted = map.next_value()?,
                        "patchedDependencies" => root.patched = map.next_value()?,
                        // Already applied by Bun when it resolved the versions written here
                        // (catalogs, overrides) or only a default for the linker (configVersion).
                        "configVersion" | "catalog" | "catalogs" | "overrides" => {
                            map.next_value::<IgnoredAny>()?;
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            root.unknown_keys.push(key.to_string());
                        }
                    }
                }
                Ok(root)
            }
        }
        d.deserialize_map(V)
    }
}

struct LockfileVersion(u64);

impl<'de> Deserialize<'de> for LockfileVersion {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        match v.as_u64() {
            Some(n @ (0 | 1)) => Ok(Self(n)),
            _ => Err(de::Error::custom(format!(
                "unsupported lockfileVersion {v}: {SUPPORTED}; upgrade Portcullis, or regenerate the lockfile with a Bun version that writes one of those"
            ))),
        }
    }
}

/// One value of `workspaces`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Workspace<'a> {
    #[serde(borrow)]
    name: Option<Str<'a>>,
    #[serde(borrow)]
    version: Option<Str<'a>>,
    #[serde(borrow, default)]
    dependencies: Deps<'a>,
    #[serde(borrow, default)]
    dev_dependencies: Deps<'a>,
    #[serde(borrow, default)]
    optional_dependencies: Deps<'a>,
    #[serde(borrow, default)]
    peer_dependencies: Deps<'a>,
    #[serde(borrow, default)]
    optional_peers: Vec<Str<'a>>,
}

/// The object inside a `packages` array: dependencies, platform, bundling. (`bin`/`binDir`
/// are not part of the model.)
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Info<'a> {
    #[serde(borrow, default)]
    dependencies: Deps<'a>,
    #[serde(borrow, default)]
    dev_dependencies: Deps<'a>,
    #[serde(borrow, default)]
    optional_dependencies: Deps<'a>,
    #[serde(borrow, default)]
    peer_dependencies: Deps<'a>,
    #[serde(borrow, default)]
    optional_peers: Vec<Str<'a>>,
    #[serde(default, deserialize_with = "spec::string_or_list")]
    os: Vec<String>,
    #[serde(default, deserialize_with = "spec::string_or_list")]
    cpu: Vec<String>,
    #[serde(default)]
    bundled: bool,
}

/// The four dependency sections of a workspace or package, in manifest order.
fn sections<'s, 'a>(
    deps: &'s Deps<'a>,
    dev: &'s Deps<'a>,
    optional: &'s Deps<'a>,
    peer: &'s Deps<'a>,
) -> [(&'s Deps<'a>, DepKind); 4] {
    [
        (deps, DepKind::Prod),
        (dev, DepKind::Dev),
        (optional, DepKind::Optional),
        (peer, DepKind::Peer),
    ]
}

/// How a package was resolved, from the part of its identifier after `name@`. Each kind has
/// its own array layout (from Bun's `bun.lock.zig`):
///
/// ```text
/// npm        [ "name@1.2.3", registry-url-or-"", INFO, integrity ]
/// workspace  [ "name@workspace:path" ]            (v0: [ ident, INFO ])
/// root       [ "name@root:", { bin } ]
/// symlink    [ "name@link:path", INFO ]
/// folder     [ "name@file:path", INFO ]
/// tarball    [ "name@https://…/x.tgz" or "name@./x.tgz", INFO, integrity? ]
/// git        [ "name@git+…" or "name@github:user/repo#ref", INFO, resolved-commit, integrity? ]
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Npm,
    Workspace,
    Root,
    Link,
    Folder,
    RemoteTarball,
    LocalTarball,
    Git,
    Github,
}

impl Kind {
    fn of(reference: &str) -> Kind {
        const GIT: [&str; 4] = ["git+", "git://", "git@", "ssh://"];
        const TARBALL_EXT: [&str; 3] = [".tgz", ".tar.gz", ".tar"];
        if reference.starts_with("root:") {
            Kind::Root
        } else if reference.starts_with("workspace:") {
            Kind::Workspace
        } else if reference.starts_with("link:") {
            Kind::Link
        } else if reference.starts_with("file:") {
            Kind::Folder
        } else if reference.starts_with("github:") {
            Kind::Github
        } else if GIT.iter().any(|p| reference.starts_with(p)) {
            Kind::Git
        } else if reference.starts_with("https://") || reference.starts_with("http://") {
            Kind::RemoteTarball
        } else if TARBALL_EXT.iter().any(|e| reference.ends_with(e))
            || reference.starts_with("./")
            || reference.starts_with("../")
            || reference.starts_with('/')
        {
            Kind::LocalTarball
        } else {
            Kind::Npm
        }
    }
}

/// One value of `packages`.
struct Entry<'a> {
    ident: Str<'a>,
    kind: Kind,
    registry: Option<Str<'a>>,
    info: Info<'a>,
    integrity: Option<Str<'a>>,
    git_commit: Option<Str<'a>>,
    /// Trailing array elements this parser does not know.
    extra: usize,
}

impl<'de> Deserialize<'de> for Entry<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(EntryVisitor)
    }
}

struct EntryVisitor;

impl<'de> Visitor<'de> for EntryVisitor {
    type Value = Entry<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a package array [\"name@version\", …]")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Entry<'de>, A::Error> {
        let ident: Str<'de> = seq.next_element()?.ok_or_else(|| {
            de::Error::custom("empty package array; expected [\"name@version\", …]")
        })?;
        let (name, reference) = spec::split_spec(&ident);
        if name.is_empty() || reference.is_empty() {
            return Err(de::Error::custom(format!(
                "package identifier {:?} is not of the form name@resolution",
                &*ident
            )));
        }
        let kind = Kind::of(reference);
        let mut entry = Entry {
            ident,
            kind,
            registry: None,
            info: Info::default(),
            integrity: None,
            git_commit: None,
            extra: 0,
        };
        match kind {
            Kind::Npm => {
                entry.registry = Some(required(&mut seq, "the registry URL (\"\" = default)")?);
                entry.info = required(&mut seq, "the dependencies object")?;
                entry.integrity = Some(required(&mut seq, "the integrity hash")?);
            }
            // lockfileVersion 0 repeats the workspace's dependencies here; `workspaces` has them.
            Kind::Workspace => entry.info = seq.next_element()?.unwrap_or_default(),
            Kind::Root => {
                seq.next_element::<IgnoredAny>()?;
            }
            Kind::Link | Kind::Folder => {
                entry.info = required(&mut seq, "the dependencies object")?;
            }
            Kind::RemoteTarball | Kind::LocalTarball => {
                entry.info = required(&mut seq, "the dependencies object")?;
                entry.integrity = seq.next_element()?;
            }
            Kind::Git | Kind::Github => {
                entry.info = required(&mut seq, "the dependencies object")?;
                entry.git_commit = Some(required(&mut seq, "the resolved commit")?);
                entry.integrity = seq.next_element()?;
            }
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {
            entry.extra += 1;
        }
        Ok(entry)
    }
}

fn required<'de, T: Deserialize<'de>, A: SeqAccess<'de>>(
    seq: &mut A,
    what: &str,
) -> Result<T, A::Error> {
    seq.next_element()?
        .ok_or_else(|| de::Error::custom(format!("package array ends early; expected {what}")))
}

pub(crate) fn parse(text: &str) -> Result<Lockfile, ParseError> {
    // Comments and trailing commas become spaces in place, so serde_json's positions still
    // point into the file as written.
    let mut buf = text.to_owned();
    json_strip_comments::strip(&mut buf).map_err(|_| {
        ParseError::new(
            "a '/' outside a string that does not start a // or /* */ comment; expected JSON with comments",
        )
    })?;
    let root: Root<'_> = serde_json::from_str(&buf).map_err(|e| ParseError::from_json(&e))?;
    let version = root.version.ok_or_else(|| {
        ParseError::new(format!(
            "no \"lockfileVersion\" field; expected a bun.lock ({SUPPORTED})"
        ))
    })?;
    let workspaces = root.workspaces.as_ref().ok_or_else(|| {
        ParseError::new(
            "no \"workspaces\" object; every bun.lock has one, with the root project under \"\"",
        )
    })?;
    let (mut importers, members) = read_workspaces(&buf, workspaces)?;
    let mut notes = Vec::new();
    let mut graph = Graph::default();

    // Bun registers every workspace under its name before reading `packages` (v1 only).
    if version >= 1 {
        for (i, member) in members.iter().enumerate().skip(1) {
            if let Some(name) = &member.name {
                graph.slots.insert(name, Target::Importer(i));
            }
        }
    }
    let mut extra = 0;
    for (key, entry) in root.packages.iter() {
        extra += entry.extra;
        graph.add(&buf, version, key, entry, &mut importers, &mut notes)?;
    }

    let mut packages = std::mem::take(&mut graph.packages);
    package_edges(&mut packages, &graph);
    importer_edges(&mut importers, &members, &graph);

    say_what_is_not_modelled(&root, extra, &mut notes);
    Ok(Lockfile {
        format: Format::Bun,
        importers,
        packages,
        entries: root.packages.len(),
        notes,
    })
}

/// Resolves each package's edges from its install path.
fn package_edges(packages: &mut [Package], graph: &Graph<'_, '_>) {
    let mut scratch = String::new();
    for (pkg, entry) in packages.iter_mut().zip(&graph.entries) {
        let info = &entry.info;
        let key = pkg.location.as_str();
        pkg.dependencies = edges(
            sections(
                &info.dependencies,
                &info.dev_dependencies,
                &info.optional_dependencies,
                &info.peer_dependencies,
            ),
            &info.optional_peers,
            |name| resolve_from(&graph.slots, key, name, &mut scratch),
        );
    }
}

/// Resolves each importer's edges: the root's at the top level, a workspace's under its name
/// first.
fn importer_edges(importers: &mut [Importer], members: &[&Workspace<'_>], graph: &Graph<'_, '_>) {
    let mut scratch = String::new();
    for (i, (importer, member)) in importers.iter_mut().zip(members).enumerate() {
        let scope = if i == 0 { None } else { member.name.as_deref() };
        importer.dependencies = edges(
            sections(
                &member.dependencies,
                &member.dev_dependencies,
                &member.optional_dependencies,
                &member.peer_dependencies,
            ),
            &member.optional_peers,
            |name| {
                scope
                    .and_then(|ws| {
                        scratch.clear();
                        scratch.push_str(ws);
                        scratch.push('/');
                        scratch.push_str(name);
                        graph.slots.get(scratch.as_str()).copied()
                    })
                    .or_else(|| graph.slots.get(name).copied())
            },
        );
    }
}

/// Importers from `workspaces`, root first, and the workspace object each came from.
fn read_workspaces<'w, 'a>(
    text: &str,
    workspaces: &'w OrderedMap<Str<'a>, Workspace<'a>>,
) -> Result<(Vec<Importer>, Vec<&'w Workspace<'a>>), ParseError> {
    let mut root = None;
    let mut members = Vec::with_capacity(workspaces.len());
    let mut seen = std::collections::HashSet::with_capacity(workspaces.len());
    for (path, ws) in workspaces.iter() {
        let located = |e: ParseError| positioned(e, text, "workspaces", path);
        let ctx = format!("workspaces[{:?}]", &**path);
        if !seen.insert(&**path) {
            return Err(located(ParseError::new(format!("{ctx}: listed twice"))));
        }
        if path.is_empty() {
            root = Some(ws);
            continue;
        }
        if ws.name.is_none() {
            return Err(located(ParseError::new(format!(
                "{ctx}: workspace has no \"name\"; Bun requires one"
            ))));
        }
        members.push((&**path, ws));
    }
    let root = root.ok_or_else(|| {
        ParseError::new("\"workspaces\" has no root project (the \"\" key); Bun always writes one")
    })?;
    members.insert(0, ("", root));
    let mut importers = Vec::with_capacity(members.len());
    for (path, ws) in &members {
        let ctx = format!("workspaces[{path:?}]");
        importers.push(Importer {
            path: if path.is_empty() {
                ".".into()
            } else {
                (*path).to_owned()
            },
            name: ws
                .name
                .as_deref()
                .map(|n| spec::name(n, &ctx))
                .transpose()
                .map_err(|e| positioned(e, text, "workspaces", path))?,
            version: ws.version.as_deref().map(str::to_owned),
            dependencies: Vec::new(),
        });
    }
    Ok((importers, members.into_iter().map(|(_, ws)| ws).collect()))
}

/// Packages and the install-path → target map built from `packages`.
#[derive(Default)]
struct Graph<'k, 'a> {
    slots: HashMap<&'k str, Target>,
    packages: Vec<Package>,
    entries: Vec<&'k Entry<'a>>,
}

impl<'k, 'a> Graph<'k, 'a> {
    fn add(
        &mut self,
        text: &str,
        version: u64,
        key: &'k Str<'a>,
        entry: &'k Entry<'a>,
        importers: &mut Vec<Importer>,
        notes: &mut Vec<String>,
    ) -> Result<(), ParseError> {
        let located = |e: ParseError| positioned(e, text, "packages", key);
        let ctx = || format!("packages[{:?}]", &**key);
        if !valid_key(key) {
            return Err(located(ParseError::new(format!(
                "{}: not an install path (package names joined by '/')",
                ctx()
            ))));
        }
        let (name, reference) = spec::split_spec(&entry.ident);
        let target = match entry.kind {
            Kind::Root => Target::Importer(0),
            Kind::Workspace => {
                let path = &reference["workspace:".len()..];
                let found = importers.iter().position(|i| {
                    i.path == path || (path.is_empty() || path == ".") && i.path == "."
                });
                match found {
                    Some(i) => Target::Importer(i),
                    None if version == 0 => {
                        notes.push(format!(
                            "{}: workspace {path:?} is not listed in \"workspaces\"; shown as a project with no dependencies",
                            ctx()
                        ));
                        importers.push(Importer {
                            path: path.to_owned(),
                            name: Some(spec::name(name, &ctx()).map_err(located)?),
                            version: None,
                            dependencies: Vec::new(),
                        });
                        Target::Importer(importers.len() - 1)
                    }
                    None => {
                        return Err(located(ParseError::new(format!(
                            "{}: workspace {path:?} is not listed in \"workspaces\"",
                            ctx()
                        ))));
                    }
                }
            }
            _ => {
                let pkg = package(key, entry, name, reference).map_err(located)?;
                self.packages.push(pkg);
                self.entries.push(entry);
                Target::Package(self.packages.len() - 1)
            }
        };
        match self.slots.insert(key, target) {
            None => Ok(()),
            // A workspace link under a name Bun already registered for that workspace.
            Some(old @ Target::Importer(_)) if !matches!(target, Target::Package(_)) => {
                self.slots.insert(key, old);
                Ok(())
            }
            Some(_) => Err(located(ParseError::new(format!(
                "{}: install path listed twice (or also the name of a workspace)",
                ctx()
            )))),
        }
    }
}

fn package(
    key: &str,
    entry: &Entry<'_>,
    name: &str,
    reference: &str,
) -> Result<Package, ParseError> {
    let ctx = || format!("packages[{key:?}]");
    let source = match entry.kind {
        Kind::Npm => Source::Registry {
            url: entry
                .registry
                .as_deref()
                .filter(|r| !r.is_empty())
                .map(str::to_owned),
        },
        Kind::Link => Source::Link {
            path: reference["link:".len()..].to_owned(),
        },
        Kind::Folder => Source::File {
            path: reference["file:".len()..].to_owned(),
        },
        Kind::LocalTarball => Source::File {
            path: reference.to_owned(),
        },
        Kind::RemoteTarball => Source::Tarball {
            url: reference.to_owned(),
        },
        Kind::Git | Kind::Github => git(reference, entry.git_commit.as_deref()),
        Kind::Workspace | Kind::Root => {
            return Err(ParseError::new(format!(
                "{}: a project link is not a package",
                ctx()
            )));
        }
    };
    // Git, tarball and local packages keep their whole resolution as the version, the way the
    // lockfile records them (and the corpus counts them).
    let mut pkg = Package::new(
        lazy_ctx(|c| spec::name(name, c), ctx)?,
        lazy_ctx(|c| spec::version(reference, c), ctx)?,
        source,
        key,
    );
    pkg.integrity = entry
        .integrity
        .as_deref()
        .filter(|i| !i.is_empty())
        .map(|i| lazy_ctx(|c| spec::integrity(i, c), ctx))
        .transpose()?;
    let installed = installed_name(key);
    if installed != name {
        lazy_ctx(|c| spec::name(installed, c), ctx)?;
        pkg.alias = Some(installed.to_owned());
    }
    pkg.bundled = entry.info.bundled;
    pkg.os.clone_from(&entry.info.os);
    pkg.cpu.clone_from(&entry.info.cpu);
    Ok(pkg)
}

/// Runs a `spec` validator, building its context only if it fails: formatting a context for
/// every package up front costs more than the rest of the parse.
fn lazy_ctx<T>(
    validate: impl FnOnce(&str) -> Result<T, ParseError>,
    ctx: impl Fn() -> String,
) -> Result<T, ParseError> {
    validate("").map_err(|e| ParseError {
        message: format!("{}{}", ctx(), e.message),
        ..e
    })
}

/// `git+https://host/r.git#ref` or `github:user/repo#ref`, pinned to Bun's resolved commit.
fn git(reference: &str, resolved: Option<&str>) -> Source {
    let (url, fragment) = match reference.split_once('#') {
        Some((u, c)) => (u, Some(c)),
        None => (reference, None),
    };
    Source::Git {
        url: url.to_owned(),
        commit: resolved
            .filter(|c| !c.is_empty())
            .or(fragment.filter(|c| !c.is_empty()))
            .map(str::to_owned),
    }
}

/// The declared edges of a workspace or package, resolved with `lookup`.
fn edges(
    sections: [(&Deps<'_>, DepKind); 4],
    optional_peers: &[Str<'_>],
    mut lookup: impl FnMut(&str) -> Option<Target>,
) -> Vec<Dependency> {
    let optional = sections[2].0;
    let mut out = Vec::with_capacity(sections.iter().map(|(d, _)| d.len()).sum());
    for (deps, kind) in sections {
        for (name, req) in deps.iter() {
            // A name in both `dependencies` and `optionalDependencies` is one optional edge.
            if kind == DepKind::Prod && optional.iter().any(|(n, _)| n == name) {
                continue;
            }
            // Bun installs what it can of optional dependencies and optional peers and leaves
            // the rest out on purpose; it refuses a lockfile missing anything else.
            let target = lookup(name).unwrap_or(Target::Unresolved(match kind {
                DepKind::Optional => UnresolvedReason::NotInstalled,
                DepKind::Peer if optional_peers.iter().any(|p| p == name) => {
                    UnresolvedReason::NotInstalled
                }
                _ => UnresolvedReason::Missing,
            }));
            out.push(Dependency {
                name: name.to_string(),
                req: req.to_string(),
                kind,
                target,
            });
        }
    }
    out
}

/// Bun's lookup from the package at install path `key`: `key/name`, then the same in each
/// ancestor install path, then the top level.
fn resolve_from(
    slots: &HashMap<&str, Target>,
    key: &str,
    name: &str,
    scratch: &mut String,
) -> Option<Target> {
    let mut dir = key;
    loop {
        scratch.clear();
        if !dir.is_empty() {
            scratch.push_str(dir);
            scratch.push('/');
        }
        scratch.push_str(name);
        if let Some(t) = slots.get(scratch.as_str()) {
            return Some(*t);
        }
        if dir.is_empty() {
            return None;
        }
        dir = parent_path(dir);
    }
}

/// The install path a package is nested in: `a/@s/b` → `a`, `@s/b` → ``, `a/b/c` → `a/b`.
fn parent_path(key: &str) -> &str {
    let Some(last_slash) = key.rfind('/') else {
        return "";
    };
    let head = &key[..last_slash];
    let seg_start = head.rfind('/').map_or(0, |i| i + 1);
    if head[seg_start..].starts_with('@') {
        // The last name is scoped (`@s/b`): its scope is part of it.
        &key[..seg_start.saturating_sub(1)]
    } else {
        head
    }
}

/// The name a package is installed under: the last (possibly scoped) name of its path.
fn installed_name(key: &str) -> &str {
    match parent_path(key).len() {
        0 => key,
        n => &key[n + 1..],
    }
}

/// Package names (`x` or `@s/x`) joined by `/`, with no empty segment.
fn valid_key(key: &str) -> bool {
    let mut segments = key.split('/');
    while let Some(seg) = segments.next() {
        if seg.is_empty() {
            return false;
        }
        if seg.starts_with('@') {
            match segments.next() {
                Some(rest) if !rest.is_empty() && !rest.starts_with('@') => {}
                _ => return false,
            }
        }
    }
    true
}

/// Security-relevant top-level data the model has no field for, said in notes.
fn say_what_is_not_modelled(root: &Root<'_>, extra: usize, notes: &mut Vec<String>) {
    if !root.trusted.is_empty() {
        let names: Vec<&str> = root.trusted.iter().map(|s| &**s).collect();
        notes.push(format!(
            "trustedDependencies (allowed by the project to run install scripts): {}",
            names.join(", ")
        ));
    }
    for (locator, patch) in root.patched.iter() {
        notes.push(format!(
            "patchedDependencies: {} is installed with the patch {}; the patched contents are not what the registry serves",
            &**locator, &**patch
        ));
    }
    if !root.unknown_keys.is_empty() {
        notes.push(format!(
            "top-level keys this version of Portcullis does not know were ignored: {}",
            root.unknown_keys.join(", ")
        ));
    }
    if extra > 0 {
        notes.push(format!(
            "{extra} trailing value(s) in package arrays were not understood and were ignored (a newer bun.lock layout?)"
        ));
    }
}

/// Gives a position-less error the line and column of `key` inside the top-level `section`
/// (Bun writes those keys at a fixed indentation), when it can be found.
fn positioned(e: ParseError, text: &str, section: &str, key: &str) -> ParseError {
    if e.line.is_some() {
        return e;
    }
    let offset = text.find(&format!("\n  \"{section}\"")).and_then(|start| {
        text[start..]
            .find(&format!("\n    \"{key}\""))
            .map(|i| start + i + 5)
    });
    match offset {
        Some(o) => ParseError::at_offset(text.as_bytes(), o, e.message),
        None => e,
    }
}

#[cfg(test)]
mod tests;
