//! `portcullis why NAME[@VERSION]`: every path from a project to a package, shortest first.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::{Result, bail};
use portcullis_graph::{DependencyGraph, Node, paths_to_dot, paths_to_mermaid};
use portcullis_types::{DepKind, PackageId};
use serde::Serialize;

use crate::cli::{WhyArgs, WhyFormat};
use crate::project;

/// Paths to one name@version@source, merged over its installed instances.
struct Match {
    id: PackageId,
    nodes: Vec<Node>,
    paths: Vec<Vec<Node>>,
    more: usize,
    exact: bool,
}

pub fn run(args: &WhyArgs) -> Result<ExitCode> {
    let (name, version) = split_query(&args.package)?;
    let project = project::load(&args.project)?;
    let graph = DependencyGraph::new(&project.lock);
    let hits = graph.find(name, version);
    if hits.is_empty() {
        eprintln!(
            "{} is not in the dependency graph of {}",
            args.package,
            project::display(&project.path)
        );
        return Ok(ExitCode::from(1));
    }
    let matches = collect(&graph, &hits, args.limit);
    match args.format {
        WhyFormat::Human => print!("{}", human(&graph, &matches)),
        WhyFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&json(&graph, &args.package, &matches))?
        ),
        WhyFormat::Mermaid | WhyFormat::Dot => {
            let paths: Vec<Vec<Node>> = matches
                .iter()
                .flat_map(|m| m.paths.iter().cloned())
                .collect();
            let targets: Vec<Node> = matches
                .iter()
                .flat_map(|m| m.nodes.iter().copied())
                .collect();
            let render = if args.format == WhyFormat::Mermaid {
                paths_to_mermaid
            } else {
                paths_to_dot
            };
            print!("{}", render(&graph, &paths, &targets));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `lodash`, `lodash@4.17.21`, `@types/node`, `@types/node@20.1.0`.
fn split_query(query: &str) -> Result<(&str, Option<&str>)> {
    let at = query
        .get(1..)
        .and_then(|rest| rest.find('@'))
        .map(|i| i + 1);
    let (name, version) = match at {
        Some(i) => (&query[..i], Some(&query[i + 1..])),
        None => (query, None),
    };
    if name.is_empty() || version == Some("") {
        bail!("expected NAME or NAME@VERSION, got {query:?}");
    }
    Ok((name, version))
}

fn collect(graph: &DependencyGraph<'_>, hits: &[usize], limit: usize) -> Vec<Match> {
    let lock = graph.lockfile();
    let mut by_id: BTreeMap<PackageId, Vec<usize>> = BTreeMap::new();
    for &i in hits {
        by_id.entry(lock.packages[i].id()).or_default().push(i);
    }
    by_id
        .into_iter()
        .map(|(id, instances)| {
            let mut paths = Vec::new();
            let (mut more, mut exact) = (0, true);
            for &i in &instances {
                let set = graph.paths_to(Node::Package(i), limit);
                paths.extend(set.paths);
                more += set.more;
                exact &= set.exact;
            }
            paths.sort_by_key(Vec::len);
            if paths.len() > limit {
                more += paths.len() - limit;
                paths.truncate(limit);
            }
            Match {
                id,
                nodes: instances.into_iter().map(Node::Package).collect(),
                paths,
                more,
                exact,
            }
        })
        .collect()
}

/// The kind of the edge `from → to`, for annotating paths.
fn edge_kind(graph: &DependencyGraph<'_>, from: Node, to: Node) -> Option<DepKind> {
    graph
        .dependencies(from)
        .iter()
        .find(|d| DependencyGraph::target(d) == Some(to))
        .map(|d| d.kind)
}

fn describe_path(graph: &DependencyGraph<'_>, path: &[Node]) -> (Vec<String>, Vec<&'static str>) {
    let labels = path.iter().map(|n| graph.label(*n)).collect();
    let mut kinds: Vec<&'static str> = path
        .windows(2)
        .filter_map(|w| edge_kind(graph, w[0], w[1]))
        .filter(|k| *k != DepKind::Prod)
        .map(DepKind::as_str)
        .collect();
    kinds.dedup();
    (labels, kinds)
}

fn human(graph: &DependencyGraph<'_>, matches: &[Match]) -> String {
    let mut out = String::new();
    for m in matches {
        let total = m.paths.len() + m.more;
        let plus = if m.exact { "" } else { "+" };
        out.push_str(&format!(
            "{} — {total}{plus} path{}\n",
            m.id,
            if total == 1 { "" } else { "s" }
        ));
        if m.paths.is_empty() {
            out.push_str("  (no importer depends on it: extraneous)\n");
        }
        for path in &m.paths {
            let (labels, kinds) = describe_path(graph, path);
            let note = if kinds.is_empty() {
                String::new()
            } else {
                format!("  [{}]", kinds.join(", "))
            };
            out.push_str(&format!("  {}{note}\n", labels.join(" › ")));
        }
        if m.more > 0 {
            out.push_str(&format!(
                "  … and {}{plus} more (raise --limit to see them)\n",
                m.more
            ));
        }
    }
    out
}

#[derive(Serialize)]
struct WhyJson<'a> {
    schema_version: u32,
    query: &'a str,
    matches: Vec<MatchJson>,
}

#[derive(Serialize)]
struct MatchJson {
    name: String,
    version: String,
    source: &'static str,
    paths: Vec<Vec<String>>,
    more: usize,
    more_is_exact: bool,
}

fn json<'a>(graph: &DependencyGraph<'_>, query: &'a str, matches: &[Match]) -> WhyJson<'a> {
    WhyJson {
        schema_version: 1,
        query,
        matches: matches
            .iter()
            .map(|m| MatchJson {
                name: m.id.name.to_string(),
                version: m.id.version.to_string(),
                source: m.id.source.kind(),
                paths: m.paths.iter().map(|p| describe_path(graph, p).0).collect(),
                more: m.more,
                more_is_exact: m.exact,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::split_query;

    #[test]
    fn queries() {
        assert_eq!(split_query("lodash").unwrap(), ("lodash", None));
        assert_eq!(
            split_query("lodash@4.17.21").unwrap(),
            ("lodash", Some("4.17.21"))
        );
        assert_eq!(split_query("@types/node").unwrap(), ("@types/node", None));
        assert_eq!(
            split_query("@types/node@20.1.0").unwrap(),
            ("@types/node", Some("20.1.0"))
        );
        assert!(split_query("lodash@").is_err());
        assert!(split_query("").is_err());
    }
}
