//! package-lock.json and npm-shrinkwrap.json, lockfileVersion 1, 2 and 3.
//!
//! v2 and v3 are read from `packages` (v2's legacy `dependencies` copy is ignored); v1 from
//! the nested `dependencies` tree. Edges are resolved with Node's module resolution: from a
//! package's install path, look in each ancestor's `node_modules` until the root.

use std::borrow::Cow;
use std::collections::HashMap;

use portcullis_types::{DepKind, Source};
use serde::Deserialize;

use crate::spec::{self, OrderedMap};
use crate::{
    Dependency, Format, Importer, Lockfile, Manifest, Package, ParseError, Target,
    UnresolvedReason, importers,
};

type Deps<'a> = OrderedMap<Cow<'a, str>, Cow<'a, str>>;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Root<'a> {
    lockfile_version: Option<serde_json::Value>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    version: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    packages: Option<OrderedMap<Cow<'a, str>, Entry<'a>>>,
    #[serde(borrow, default)]
    dependencies: Option<OrderedMap<Cow<'a, str>, V1Entry<'a>>>,
}

/// One value of `packages` (v2/v3).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Entry<'a> {
    #[serde(borrow)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    version: Option<Cow<'a, str>>,
    #[serde(borrow)]
    resolved: Option<Cow<'a, str>>,
    #[serde(borrow)]
    integrity: Option<Cow<'a, str>>,
    #[serde(default)]
    link: bool,
    #[serde(default)]
    dev: bool,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    dev_optional: bool,
    #[serde(default)]
    peer: bool,
    #[serde(default)]
    in_bundle: bool,
    has_install_script: Option<bool>,
    #[serde(borrow, default)]
    dependencies: Deps<'a>,
    #[serde(borrow, default)]
    dev_dependencies: Deps<'a>,
    #[serde(borrow, default)]
    optional_dependencies: Deps<'a>,
    #[serde(borrow, default)]
    peer_dependencies: Deps<'a>,
    #[serde(borrow, default)]
    peer_dependencies_meta: OrderedMap<Cow<'a, str>, spec::PeerMeta>,
    #[serde(default, deserialize_with = "string_or_list")]
    os: Vec<String>,
    #[serde(default, deserialize_with = "string_or_list")]
    cpu: Vec<String>,
}

/// One node of the v1 `dependencies` tree.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct V1Entry<'a> {
    #[serde(borrow)]
    version: Cow<'a, str>,
    #[serde(borrow)]
    resolved: Option<Cow<'a, str>>,
    #[serde(borrow)]
    integrity: Option<Cow<'a, str>>,
    #[serde(default)]
    dev: bool,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    bundled: bool,
    #[serde(borrow, default)]
    requires: Deps<'a>,
    #[serde(borrow, default)]
    dependencies: OrderedMap<Cow<'a, str>, V1Entry<'a>>,
}

fn string_or_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

pub(crate) fn parse(text: &str, manifests: &[Manifest]) -> Result<Lockfile, ParseError> {
    let root: Root<'_> = serde_json::from_str(text).map_err(|e| ParseError::from_json(&e))?;
    let version = match &root.lockfile_version {
        None => {
            return Err(ParseError::new(
                "no \"lockfileVersion\" field; expected an npm package-lock.json or npm-shrinkwrap.json",
            ));
        }
        Some(v) => v.as_u64().ok_or_else(|| {
            ParseError::new(format!("\"lockfileVersion\" is {v}, expected 1, 2 or 3"))
        })?,
    };
    match (version, root.packages) {
        (2 | 3, Some(packages)) => parse_packages(
            if version == 2 {
                Format::NpmV2
            } else {
                Format::NpmV3
            },
            &packages,
        ),
        (2 | 3, None) => Err(ParseError::new(format!(
            "lockfileVersion {version} without a \"packages\" object"
        ))),
        (1, _) => parse_v1(
            root.name.as_deref(),
            root.version.as_deref(),
            &root.dependencies.unwrap_or_default(),
            manifests,
        ),
        (v, _) => Err(ParseError::new(format!(
            "unsupported lockfileVersion {v}: Portcullis reads 1, 2 and 3 (npm 5 to 11); upgrade Portcullis or regenerate the lockfile"
        ))),
    }
}

/// What a `packages` key resolves to.
#[derive(Clone, Copy)]
enum Slot {
    Package(usize),
    Importer(usize),
    /// A link entry whose folder is `packages[key]`; resolved once importers are known.
    Link(usize),
}

fn parse_packages(
    format: Format,
    packages: &OrderedMap<Cow<'_, str>, Entry<'_>>,
) -> Result<Lockfile, ParseError> {
    let mut importers = Vec::new();
    let mut out = Vec::new();
    let mut slots: HashMap<&str, Slot> = HashMap::with_capacity(packages.len());
    let mut entries = 0;
    let mut link_targets: Vec<&str> = Vec::new();
    let mut importer_entries: Vec<&Entry<'_>> = Vec::new();
    let mut package_entries: Vec<&Entry<'_>> = Vec::new();

    // The root importer always comes first, even when "" is absent.
    importers.push(Importer {
        path: ".".into(),
        name: None,
        version: None,
        dependencies: Vec::new(),
    });
    importer_entries.push(&EMPTY_ENTRY);
    slots.insert("", Slot::Importer(0));

    let mut seen = std::collections::HashSet::with_capacity(packages.len());
    for (key, entry) in packages.iter() {
        let key = key.as_ref();
        let ctx = || format!("packages[{key:?}]");
        // JSON.parse keeps the last of two equal keys, so a second entry could silently
        // replace the one a reviewer read: refuse rather than pick one.
        if !seen.insert(key) {
            return Err(ParseError::new(format!(
                "{}: the key appears twice; npm would silently use the last one (a sign of a hand-edited or tampered lockfile)",
                ctx()
            )));
        }
        if key.is_empty() {
            importers[0].name = entry
                .name
                .as_deref()
                .map(|n| spec::name(n, &ctx()))
                .transpose()?;
            importers[0].version = entry.version.as_deref().map(str::to_owned);
            importer_entries[0] = entry;
            continue;
        }
        let Some(installed_name) = installed_name(key) else {
            // A folder outside node_modules: a workspace member or a linked local package.
            slots.insert(key, Slot::Importer(importers.len()));
            importers.push(Importer {
                path: key.to_owned(),
                name: entry
                    .name
                    .as_deref()
                    .map(|n| spec::name(n, &ctx()))
                    .transpose()?,
                version: entry.version.as_deref().map(str::to_owned),
                dependencies: Vec::new(),
            });
            importer_entries.push(entry);
            continue;
        };
        entries += 1;
        if entry.link {
            let target = entry.resolved.as_deref().ok_or_else(|| {
                ParseError::new(format!("{}: link entry without \"resolved\"", ctx()))
            })?;
            slots.insert(key, Slot::Link(link_targets.len()));
            link_targets.push(target);
            continue;
        }
        let real_name = entry.name.as_deref().unwrap_or(installed_name);
        let name = spec::name(real_name, &ctx())?;
        let version = match entry.version.as_deref() {
            Some(v) => v,
            None => {
                return Err(ParseError::new(format!(
                    "{}: entry has no \"version\"",
                    ctx()
                )));
            }
        };
        let source = match entry.resolved.as_deref() {
            Some(r) => spec::source_from_resolved(r),
            None => Source::Registry { url: None },
        };
        let mut pkg = Package::new(name, spec::version(version, &ctx())?, source, key);
        pkg.integrity = entry
            .integrity
            .as_deref()
            .map(|i| spec::integrity(i, &ctx()))
            .transpose()?;
        pkg.alias = (real_name != installed_name).then(|| installed_name.to_owned());
        pkg.dev = Some(entry.dev);
        pkg.optional = Some(entry.optional);
        pkg.peer = Some(entry.peer);
        pkg.has_install_script = Some(entry.has_install_script.unwrap_or(false));
        pkg.bundled = entry.in_bundle;
        pkg.os.clone_from(&entry.os);
        pkg.cpu.clone_from(&entry.cpu);
        if entry.dev_optional {
            pkg.dev = Some(false);
            pkg.optional = Some(false);
        }
        slots.insert(key, Slot::Package(out.len()));
        out.push(pkg);
        package_entries.push(entry);
    }

    // A link whose folder has no entry of its own still points at a project: give it one.
    let mut link_slots = Vec::with_capacity(link_targets.len());
    for target in link_targets {
        let idx = match slots.get(target) {
            Some(Slot::Importer(i)) => *i,
            Some(Slot::Package(_) | Slot::Link(_)) | None => {
                importers.push(Importer {
                    path: target.to_owned(),
                    name: None,
                    version: None,
                    dependencies: Vec::new(),
                });
                importer_entries.push(&EMPTY_ENTRY);
                importers.len() - 1
            }
        };
        link_slots.push(idx);
    }
    let resolve = |slot: Slot| match slot {
        Slot::Package(i) => Target::Package(i),
        Slot::Importer(i) => Target::Importer(i),
        Slot::Link(l) => Target::Importer(link_slots[l]),
    };

    let lookup = |from: &str, name: &str| {
        spec::find_in_node_modules(from, name, |k| slots.get(k).copied()).map(resolve)
    };
    for (importer, entry) in importers.iter_mut().zip(&importer_entries) {
        let from = if importer.path == "." {
            ""
        } else {
            importer.path.as_str()
        };
        importer.dependencies = edges(entry, true, |n| lookup(from, n));
    }
    for (pkg, entry) in out.iter_mut().zip(&package_entries) {
        pkg.dependencies = edges(entry, false, |n| lookup(&pkg.location, n));
    }
    Ok(Lockfile {
        format,
        importers,
        packages: out,
        entries,
        notes: Vec::new(),
    })
}

static EMPTY_ENTRY: Entry<'static> = Entry {
    name: None,
    version: None,
    resolved: None,
    integrity: None,
    link: false,
    dev: false,
    optional: false,
    dev_optional: false,
    peer: false,
    in_bundle: false,
    has_install_script: None,
    dependencies: OrderedMap(Vec::new()),
    dev_dependencies: OrderedMap(Vec::new()),
    optional_dependencies: OrderedMap(Vec::new()),
    peer_dependencies: OrderedMap(Vec::new()),
    peer_dependencies_meta: OrderedMap(Vec::new()),
    os: Vec::new(),
    cpu: Vec::new(),
};

/// The declared edges of an entry, resolved with `lookup`. npm installs devDependencies only
/// for importers, so packages' dev sections are ignored.
fn edges(
    entry: &Entry<'_>,
    importer: bool,
    lookup: impl Fn(&str) -> Option<Target>,
) -> Vec<Dependency> {
    let optional_peer = |name: &str| {
        entry
            .peer_dependencies_meta
            .iter()
            .any(|(n, m)| n == name && m.optional)
    };
    let mut sections: Vec<(&Deps<'_>, DepKind)> = vec![(&entry.dependencies, DepKind::Prod)];
    if importer {
        sections.push((&entry.dev_dependencies, DepKind::Dev));
    }
    sections.push((&entry.optional_dependencies, DepKind::Optional));
    sections.push((&entry.peer_dependencies, DepKind::Peer));
    let mut out = Vec::new();
    for (deps, kind) in sections {
        for (name, req) in deps.iter() {
            // npm lists optional dependencies in `dependencies` too; keep the optional edge only.
            if kind == DepKind::Prod && entry.optional_dependencies.iter().any(|(n, _)| n == name) {
                continue;
            }
            let peer_optional = kind == DepKind::Peer && optional_peer(name);
            let target = lookup(name)
                .unwrap_or(Target::Unresolved(spec::absent_reason(kind, peer_optional)));
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

/// `node_modules/a/node_modules/@s/b` → `@s/b`; `None` for folders outside node_modules.
fn installed_name(key: &str) -> Option<&str> {
    key.rfind("node_modules/")
        .map(|i| &key[i + "node_modules/".len()..])
}

fn parse_v1(
    name: Option<&str>,
    version: Option<&str>,
    deps: &OrderedMap<Cow<'_, str>, V1Entry<'_>>,
    manifests: &[Manifest],
) -> Result<Lockfile, ParseError> {
    let mut packages = Vec::new();
    let mut requires: Vec<&Deps<'_>> = Vec::new();
    let mut slots: HashMap<String, usize> = HashMap::new();
    flatten_v1(deps, "", &mut packages, &mut requires, &mut slots)?;

    for (i, reqs) in requires.iter().enumerate() {
        let from = packages[i].location.clone();
        packages[i].dependencies = reqs
            .iter()
            .map(|(n, r)| Dependency {
                name: n.to_string(),
                req: r.to_string(),
                kind: DepKind::Prod,
                target: spec::find_in_node_modules(&from, n, |k| slots.get(k).copied()).map_or(
                    Target::Unresolved(UnresolvedReason::Missing),
                    Target::Package,
                ),
            })
            .collect();
    }
    // v1 does not record the root's direct dependencies: take them from package.json.
    let mut notes = Vec::new();
    let mut importers = importers::from_manifests(
        manifests,
        &packages,
        |n, _| slots.get(&format!("node_modules/{n}")).copied(),
        &mut notes,
    )?;
    if manifests.is_empty() {
        importers[0].name = name.map(|n| spec::name(n, "\"name\"")).transpose()?;
        importers[0].version = version.map(str::to_owned);
    }
    Ok(Lockfile {
        format: Format::NpmV1,
        importers,
        entries: packages.len(),
        packages,
        notes,
    })
}

fn flatten_v1<'a>(
    deps: &'a OrderedMap<Cow<'a, str>, V1Entry<'a>>,
    parent: &str,
    packages: &mut Vec<Package>,
    requires: &mut Vec<&'a Deps<'a>>,
    slots: &mut HashMap<String, usize>,
) -> Result<(), ParseError> {
    for (installed, entry) in deps.iter() {
        let location = if parent.is_empty() {
            format!("node_modules/{installed}")
        } else {
            format!("{parent}/node_modules/{installed}")
        };
        let ctx = || format!("dependencies[{location:?}]");
        let (real, version) =
            spec::npm_alias(&entry.version).unwrap_or((installed, &entry.version));
        let source = match (entry.resolved.as_deref(), spec::git_source(&entry.version)) {
            (_, Some(git)) => git,
            (Some(r), None) => spec::source_from_resolved(r),
            (None, None) if entry.version.starts_with("file:") => Source::File {
                path: entry.version[5..].to_owned(),
            },
            (None, None) => Source::Registry { url: None },
        };
        let mut pkg = Package::new(
            spec::name(real, &ctx())?,
            spec::version(version, &ctx())?,
            source,
            location.clone(),
        );
        pkg.integrity = entry
            .integrity
            .as_deref()
            .map(|i| spec::integrity(i, &ctx()))
            .transpose()?;
        pkg.alias = (real != installed.as_ref()).then(|| installed.to_string());
        pkg.dev = Some(entry.dev);
        pkg.optional = Some(entry.optional);
        pkg.bundled = entry.bundled;
        // As in v2/v3 `packages`: JSON.parse would keep the last of two equal keys.
        if slots.insert(location.clone(), packages.len()).is_some() {
            return Err(ParseError::new(format!(
                "{}: the key appears twice; npm would silently use the last one (a sign of a hand-edited or tampered lockfile)",
                ctx()
            )));
        }
        packages.push(pkg);
        requires.push(&entry.requires);
        flatten_v1(&entry.dependencies, &location, packages, requires, slots)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
