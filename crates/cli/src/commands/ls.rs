//! `portcullis ls`: the dependency graph as a summary and tree, or as JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;

use anyhow::Result;
use portcullis_graph::{DependencyGraph, TreeOptions, render_tree};
use portcullis_lockfile::Target;
use portcullis_types::{PackageId, Source};
use serde::Serialize;

use crate::cli::{LsArgs, LsFormat};
use crate::project::{self, Project};

pub fn run(args: &LsArgs) -> Result<ExitCode> {
    let project = project::load(&args.project)?;
    let graph = DependencyGraph::new(&project.lock);
    match args.format {
        LsFormat::Human => {
            println!("{}", summary(&project));
            let depth = if args.all { None } else { Some(args.depth) };
            print!("{}", render_tree(&graph, TreeOptions { depth }));
        }
        LsFormat::Json => println!("{}", serde_json::to_string_pretty(&json(&project, &graph))?),
    }
    Ok(ExitCode::SUCCESS)
}

fn summary(project: &Project) -> String {
    let lock = &project.lock;
    let unique = lock.unique_ids().len();
    let workspaces = lock.importers.len() - 1;
    let ws = if workspaces > 0 {
        format!(" ({workspaces} workspaces)")
    } else {
        String::new()
    };
    format!(
        "{} ({}): {} importers{ws}, {unique} packages, {} entries",
        project::display(&project.path),
        lock.format,
        lock.importers.len(),
        lock.entries
    )
}

#[derive(Serialize)]
struct LsJson<'a> {
    schema_version: u32,
    project: ProjectJson<'a>,
    packages: Vec<PackageJson<'a>>,
    notes: &'a [String],
}

#[derive(Serialize)]
struct ProjectJson<'a> {
    lockfile: String,
    format: &'a str,
    importers: Vec<ImporterJson<'a>>,
    packages: usize,
    entries: usize,
}

#[derive(Serialize)]
struct ImporterJson<'a> {
    path: &'a str,
    name: Option<&'a str>,
    dependencies: Vec<EdgeJson<'a>>,
}

#[derive(Serialize)]
struct EdgeJson<'a> {
    name: &'a str,
    req: &'a str,
    kind: &'a str,
    /// `name@version` of the package, `workspace:path`, or null when not installed.
    resolved: Option<String>,
}

#[derive(Serialize)]
struct PackageJson<'a> {
    name: &'a str,
    version: &'a str,
    source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    resolved: Option<String>,
    integrity: Option<&'a str>,
    dev: bool,
    optional: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    has_install_script: Option<bool>,
    dependencies: BTreeSet<String>,
}

fn json<'a>(project: &'a Project, graph: &DependencyGraph<'a>) -> LsJson<'a> {
    let lock = &project.lock;
    let edge_label = |t: Target| match t {
        Target::Package(p) => Some(format!(
            "{}@{}",
            lock.packages[p].name, lock.packages[p].version
        )),
        Target::Importer(i) => Some(format!("workspace:{}", lock.importers[i].path)),
        Target::Unresolved(_) => None,
    };
    // One entry per unique name@version@source: instances merge, flags hold only if they
    // hold for every instance.
    let mut merged: BTreeMap<PackageId, PackageJson<'a>> = BTreeMap::new();
    for (i, pkg) in lock.packages.iter().enumerate() {
        let flags = graph.flags(i);
        let entry = merged.entry(pkg.id()).or_insert_with(|| PackageJson {
            name: pkg.name.as_str(),
            version: pkg.version.as_str(),
            source: pkg.source.kind(),
            resolved: resolved(&pkg.source),
            integrity: None,
            dev: true,
            optional: true,
            has_install_script: None,
            dependencies: BTreeSet::new(),
        });
        entry.integrity = entry
            .integrity
            .or(pkg.integrity.as_ref().map(|i| i.as_str()));
        entry.dev &= flags.dev;
        entry.optional &= flags.optional;
        entry.has_install_script = match (entry.has_install_script, pkg.has_install_script) {
            (Some(a), Some(b)) => Some(a || b),
            (a, b) => a.or(b),
        };
        entry
            .dependencies
            .extend(pkg.dependencies.iter().filter_map(|d| edge_label(d.target)));
    }
    let importers = lock
        .importers
        .iter()
        .map(|imp| ImporterJson {
            path: &imp.path,
            name: imp.name.as_ref().map(|n| n.as_str()),
            dependencies: imp
                .dependencies
                .iter()
                .map(|d| EdgeJson {
                    name: &d.name,
                    req: &d.req,
                    kind: d.kind.as_str(),
                    resolved: edge_label(d.target),
                })
                .collect(),
        })
        .collect();
    LsJson {
        schema_version: 1,
        project: ProjectJson {
            lockfile: project::display(&project.path),
            format: lock.format.as_str(),
            importers,
            packages: merged.len(),
            entries: lock.entries,
        },
        packages: merged.into_values().collect(),
        notes: &lock.notes,
    }
}

/// The URL or path a non-trivial source points at.
fn resolved(source: &Source) -> Option<String> {
    match source {
        Source::Registry { url } => url.clone(),
        Source::Git {
            url,
            commit: Some(c),
        } => Some(format!("{url}#{c}")),
        Source::Git { url, commit: None } | Source::Tarball { url } => Some(url.clone()),
        Source::File { path } | Source::Link { path } | Source::Workspace { path } => {
            Some(path.clone())
        }
        Source::Patch { locator } => Some(locator.clone()),
        Source::Other { spec } => Some(spec.clone()),
    }
}
