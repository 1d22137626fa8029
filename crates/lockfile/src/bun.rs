//! bun.lock, Bun's text lockfile (JSONC: trailing commas, comments), lockfileVersion 0 and 1.
//!
//! `workspaces` maps each project folder (`""` = the root) to its manifest's dependencies: those
//! are the importers. `packages` maps an install path to an array whose layout depends on how
//! the package was resolved (see [`Kind`]). Install paths are package names joined by `/`:
//! `"a/b"` is `b` nested under `a`, and copies local to a workspace are keyed under the
//! workspace's *name* (`"my-ws/b"`). Edges are resolved the way Bun resolves them when it reads
//! the file: from `a/b`, try `a/b/dep`, then `a/dep`, then `dep`; a workspace tries
//! `<its name>/dep`, then `dep`; the root only `dep`.

mod document;
mod paths;

use std::collections::HashMap;

use portcullis_types::{DepKind, Source};

use crate::spec::{self, OrderedMap, Str};
use crate::{Dependency, Format, Importer, Lockfile, Package, ParseError, Target};
use document::{Deps, Entry, Kind, Root, Workspace};
use paths::{installed_name, resolve_from, valid_key};

const SUPPORTED: &str = "Portcullis reads bun.lock lockfileVersion 0 and 1 (Bun 1.1.39 to 1.3)";

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
            let optional_peer = kind == DepKind::Peer && optional_peers.iter().any(|p| p == name);
            let target = lookup(name)
                .unwrap_or(Target::Unresolved(spec::absent_reason(kind, optional_peer)));
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
