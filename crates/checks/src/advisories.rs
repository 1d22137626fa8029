//! The `vulnerability` and `malware` checks: every registry package in the graph against the
//! local advisory store.
//!
//! Records that share an id or alias describe one vulnerability and give one finding; a
//! record whose versions cannot be read is skipped with a warning, never matched blindly.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use portcullis_advisory::osv::Record;
use portcullis_advisory::query::{self, Hit};
use portcullis_advisory::{cvss, store::Store};
use portcullis_graph::{DependencyGraph, Node};
use portcullis_types::{PackageId, Severity};

use crate::{AdvisoryRef, Code, Finding, PackageRef};

/// Where advisories come from: the store, or an in-memory list in tests.
pub trait AdvisorySource {
    /// Every record naming npm package `name`.
    fn records_for(&self, name: &str) -> Result<Vec<Record>, String>;
}

impl AdvisorySource for Store {
    fn records_for(&self, name: &str) -> Result<Vec<Record>, String> {
        Store::records_for(self, name).map_err(|e| e.to_string())
    }
}

impl AdvisorySource for [Record] {
    fn records_for(&self, name: &str) -> Result<Vec<Record>, String> {
        Ok(self
            .iter()
            .filter(|r| {
                r.npm_affected()
                    .any(|a| a.package.as_ref().is_some_and(|p| p.name == name))
            })
            .cloned()
            .collect())
    }
}

/// What the check did besides finding things.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    /// Distinct registry packages (name@version) checked.
    pub packages_checked: usize,
    /// Records that could not be evaluated, with why (each skipped, never guessed).
    pub warnings: Vec<String>,
}

/// Runs the check. `path_limit` caps the inclusion paths listed per finding.
pub fn check(
    graph: &DependencyGraph<'_>,
    source: &(impl AdvisorySource + ?Sized),
    path_limit: usize,
) -> Result<(Vec<Finding>, Stats), String> {
    let lock = graph.lockfile();
    let mut instances: BTreeMap<PackageId, Vec<usize>> = BTreeMap::new();
    for (i, pkg) in lock.packages.iter().enumerate() {
        // Identity is name + version + source: a workspace or git package with the name of a
        // vulnerable registry package is not that package.
        if pkg.source.is_registry() {
            instances.entry(pkg.id()).or_default().push(i);
        }
    }
    let mut stats = Stats {
        packages_checked: instances.len(),
        warnings: Vec::new(),
    };
    let mut cache: HashMap<String, Vec<Record>> = HashMap::new();
    let mut findings = Vec::new();
    for (id, nodes) in &instances {
        let name = id.name.as_str();
        if !cache.contains_key(name) {
            cache.insert(name.to_owned(), source.records_for(name)?);
        }
        let records = cache.get(name).map(Vec::as_slice).unwrap_or_default();
        let mut hits = Vec::new();
        for record in records {
            match query::affects(record, name, id.version.as_str()) {
                Ok(Some(hit)) => hits.push((record, hit)),
                Ok(None) => {}
                Err(e) => stats.warnings.push(format!(
                    "{}: skipped for {name}@{}: {e}",
                    record.id, id.version
                )),
            }
        }
        for group in group_by_alias(hits) {
            findings.push(finding(graph, id, nodes, &group, path_limit));
        }
    }
    stats.warnings.sort();
    stats.warnings.dedup();
    Ok((findings, stats))
}

/// Groups hits whose records share an id or alias (union-find over identifiers).
fn group_by_alias(hits: Vec<(&Record, Hit)>) -> Vec<Vec<(&Record, Hit)>> {
    let mut parent: Vec<usize> = (0..hits.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut owner: HashMap<&str, usize> = HashMap::new();
    for (i, (record, _)) in hits.iter().enumerate() {
        for ident in
            std::iter::once(record.id.as_str()).chain(record.aliases.iter().map(String::as_str))
        {
            match owner.get(ident) {
                Some(&j) => {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    parent[a] = b;
                }
                None => {
                    owner.insert(ident, i);
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<(&Record, Hit)>> = BTreeMap::new();
    for (i, hit) in hits.into_iter().enumerate() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(hit);
    }
    groups.into_values().collect()
}

/// GHSA first, then MAL, then CVE, then anything else; ties by string.
fn id_rank(id: &str) -> (u8, &str) {
    let rank = if id.starts_with("GHSA-") {
        0
    } else if id.starts_with("MAL-") {
        1
    } else if id.starts_with("CVE-") {
        2
    } else {
        3
    };
    (rank, id)
}

fn finding(
    graph: &DependencyGraph<'_>,
    id: &PackageId,
    nodes: &[usize],
    group: &[(&Record, Hit)],
    path_limit: usize,
) -> Finding {
    let ids: BTreeSet<&str> = group
        .iter()
        .flat_map(|(r, _)| {
            std::iter::once(r.id.as_str()).chain(r.aliases.iter().map(String::as_str))
        })
        .collect();
    let mut ids: Vec<&str> = ids.into_iter().collect();
    ids.sort_by_key(|i| id_rank(i));
    let primary = ids.first().copied().unwrap_or_default().to_owned();
    let lead = group
        .iter()
        .map(|(r, _)| *r)
        .min_by_key(|r| id_rank(&r.id))
        .unwrap_or(group[0].0);
    let malicious = group.iter().any(|(r, _)| r.is_malicious());
    let scored = group
        .iter()
        .filter_map(|(r, _)| cvss::severity_of(r))
        .max_by(|a, b| a.0.cmp(&b.0));
    let (severity, cvss_score, severity_source) = match (malicious, scored) {
        (true, _) => (
            Some(Severity::Critical),
            None,
            Some("malicious-package report".to_owned()),
        ),
        (false, Some((s, score, src))) => (Some(s), score, Some(src)),
        (false, None) => (None, None, None),
    };
    let fixed_in = group
        .iter()
        .filter_map(|(_, h)| h.fixed_in.clone())
        .min_by(|a, b| query::compare_versions(a, b));

    let (paths, more_paths) = inclusion_paths(graph, nodes, path_limit);
    let direct_parents: BTreeSet<&str> = paths
        .iter()
        .filter(|p| p.len() > 2)
        .map(|p| p[1].as_str())
        .collect();
    let is_direct = paths.iter().any(|p| p.len() == 2);
    let pkg = format!("{}@{}", id.name, id.version);
    let summary = lead.summary.clone();
    let (code, message) = if malicious {
        (
            Code::Malware,
            format!("{pkg} is a known malicious release ({primary})"),
        )
    } else {
        (
            Code::Vulnerability,
            format!(
                "{pkg}: {} ({primary})",
                summary.as_deref().unwrap_or("known vulnerability")
            ),
        )
    };
    let fix = fix_hint(
        id.name.as_ref(),
        fixed_in.as_deref(),
        is_direct,
        &direct_parents,
        malicious,
    );
    Finding {
        code,
        severity,
        level: code.info().default_level,
        package: PackageRef {
            name: id.name.to_string(),
            version: id.version.to_string(),
            source: id.source.kind(),
        },
        paths,
        more_paths,
        message,
        advisory: Some(AdvisoryRef {
            id: primary.clone(),
            aliases: ids
                .iter()
                .filter(|i| **i != primary)
                .map(|s| (*s).to_owned())
                .collect(),
            summary,
            cvss_score,
            severity_source,
            fixed_in,
            url: lead
                .references
                .iter()
                .find(|r| r.kind == "ADVISORY")
                .or(lead.references.first())
                .map(|r| r.url.clone()),
        }),
        fix: Some(fix),
        evidence: Vec::new(),
    }
}

/// Paths to every instance of a package, shortest first, labelled, capped at `limit`.
fn inclusion_paths(
    graph: &DependencyGraph<'_>,
    nodes: &[usize],
    limit: usize,
) -> (Vec<Vec<String>>, usize) {
    let mut all = Vec::new();
    let mut more = 0;
    for &n in nodes {
        let set = graph.paths_to(Node::Package(n), limit);
        all.extend(set.paths);
        more += set.more;
    }
    all.sort_by_key(Vec::len);
    if all.len() > limit {
        more += all.len() - limit;
        all.truncate(limit);
    }
    let labelled = all
        .iter()
        .map(|p| p.iter().map(|n| graph.label(*n)).collect())
        .collect();
    (labelled, more)
}

fn fix_hint(
    name: &str,
    fixed_in: Option<&str>,
    direct: bool,
    parents: &BTreeSet<&str>,
    malicious: bool,
) -> String {
    let target = match (fixed_in, malicious) {
        (Some(v), _) => format!("upgrade {name} to {v} or later"),
        (None, true) => format!(
            "remove {name} or pin a version the report does not list, and rotate every credential the install could read"
        ),
        (None, false) => format!("no fixed version is published: replace {name} or mitigate"),
    };
    let via: Vec<&str> = parents.iter().take(5).copied().collect();
    match (direct, via.is_empty()) {
        (true, true) => target,
        (true, false) => format!("{target}; it also comes in through {}", via.join(", ")),
        (false, _) if via.is_empty() => target,
        (false, _) => format!(
            "{target}: it comes in through {} — update those, or override {name}",
            via.join(", ")
        ),
    }
}
