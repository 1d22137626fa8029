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

mod keys;
mod resolve;
mod yaml;

use std::collections::HashMap;

use portcullis_types::Source;

use crate::spec::{self, OrderedMap, Str};
use crate::{Format, Importer, Lockfile, Package, ParseError};
use keys::{join_path, parse_at_key, parse_v5_key, strip_peers};
use resolve::{Resolver, importer_edges, package_edges};
use yaml::{Doc, ImporterEntry, PackageEntry, Refs, Resolution, yaml_error, yaml_options};

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

#[cfg(test)]
mod tests;
