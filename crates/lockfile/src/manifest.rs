//! package.json files of the project and its workspaces, for formats that do not record the
//! importers' declared dependencies (yarn v1, npm v1, bun.lockb) and for node_modules trees.

use std::path::Path;

use portcullis_types::DepKind;
use serde::Deserialize;

use crate::spec::OrderedMap;

/// The parts of a package.json that define a project's direct dependencies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// Folder relative to the project root (`.` for the root). Filled in by the reader.
    #[serde(skip)]
    pub path: String,
    /// `name`.
    #[serde(default)]
    pub name: Option<String>,
    /// `version`.
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    dependencies: OrderedMap<String, String>,
    #[serde(default)]
    dev_dependencies: OrderedMap<String, String>,
    #[serde(default)]
    optional_dependencies: OrderedMap<String, String>,
    #[serde(default)]
    peer_dependencies: OrderedMap<String, String>,
    #[serde(default)]
    workspaces: Option<Workspaces>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
enum Workspaces {
    List(Vec<String>),
    Object {
        #[serde(default)]
        packages: Vec<String>,
    },
}

impl Manifest {
    /// Parses package.json text.
    pub fn parse(text: &str, path: &str) -> Result<Self, serde_json::Error> {
        let mut m: Manifest = serde_json::from_str(text)?;
        m.path = path.to_owned();
        Ok(m)
    }

    /// Declared dependencies as (name, requested range, kind), in manifest order. A name in
    /// both `dependencies` and `optionalDependencies` is listed once, as optional (npm's rule).
    pub fn dependencies(&self) -> Vec<(&str, &str, DepKind)> {
        let sections = [
            (&self.dependencies, DepKind::Prod),
            (&self.dev_dependencies, DepKind::Dev),
            (&self.optional_dependencies, DepKind::Optional),
            (&self.peer_dependencies, DepKind::Peer),
        ];
        let optional = |n: &str| self.optional_dependencies.iter().any(|(o, _)| o == n);
        sections
            .into_iter()
            .flat_map(|(deps, kind)| {
                deps.iter()
                    .map(move |(n, r)| (n.as_str(), r.as_str(), kind))
            })
            .filter(|(n, _, kind)| *kind != DepKind::Prod || !optional(n))
            .collect()
    }

    /// Workspace globs declared by this manifest.
    pub fn workspace_globs(&self) -> &[String] {
        match &self.workspaces {
            Some(Workspaces::List(l)) => l,
            Some(Workspaces::Object { packages }) => packages,
            None => &[],
        }
    }
}

/// Reads `dir/package.json` and the package.json of every workspace it declares. Returns an
/// empty list when there is no readable root package.json: callers then fall back to what the
/// lockfile alone says, and note it.
pub fn read_project(dir: &Path) -> Vec<Manifest> {
    let Some(root) = read_one(dir, ".") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for glob in root.workspace_globs() {
        for rel in expand_glob(dir, glob) {
            if let Some(m) = read_one(&dir.join(&rel), &rel) {
                out.push(m);
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.dedup_by(|a, b| a.path == b.path);
    out.insert(0, root);
    out
}

fn read_one(dir: &Path, rel: &str) -> Option<Manifest> {
    let text = std::fs::read_to_string(dir.join("package.json")).ok()?;
    Manifest::parse(&text, rel).ok()
}

/// Expands the workspace globs real projects use: literal paths, `*` and `**` segments.
fn expand_glob(root: &Path, glob: &str) -> Vec<String> {
    let glob = glob.trim_start_matches("./").trim_end_matches('/');
    if glob.starts_with('!') || glob.contains("..") {
        return Vec::new();
    }
    let mut current = vec![String::new()];
    for seg in glob.split('/') {
        let mut next = Vec::new();
        for base in &current {
            if seg == "**" {
                next.extend(subdirs_recursive(root, base, 4));
            } else if seg.contains('*') {
                next.extend(
                    subdirs(root, base)
                        .into_iter()
                        .filter(|d| matches_star(seg, leaf(d))),
                );
            } else {
                next.push(join(base, seg));
            }
        }
        current = next;
    }
    current.retain(|d| !d.is_empty() && root.join(d).join("package.json").is_file());
    current
}

fn join(base: &str, seg: &str) -> String {
    if base.is_empty() {
        seg.to_owned()
    } else {
        format!("{base}/{seg}")
    }
}

fn leaf(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn subdirs(root: &Path, base: &str) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(root.join(base)) else {
        return Vec::new();
    };
    let mut out: Vec<String> = rd
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().to_str().map(|n| join(base, n)))
        .filter(|p| leaf(p) != "node_modules" && !leaf(p).starts_with('.'))
        .collect();
    out.sort();
    out
}

fn subdirs_recursive(root: &Path, base: &str, depth: usize) -> Vec<String> {
    let mut out = vec![base.to_owned()];
    if depth > 0 {
        for d in subdirs(root, base) {
            out.extend(subdirs_recursive(root, &d, depth - 1));
        }
    }
    out
}

/// `*` matches any run of characters within one path segment.
fn matches_star(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first)
        || !name[first.len()..].ends_with(last)
        || name.len() < first.len() + last.len()
    {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_root_and_workspaces() {
        let t = tempfile::tempdir().unwrap();
        let w = |p: &str, s: &str| {
            std::fs::create_dir_all(t.path().join(p)).unwrap();
            std::fs::write(t.path().join(p).join("package.json"), s).unwrap();
        };
        w(
            ".",
            r#"{"name":"root","workspaces":["packages/*","tools/cli"],"dependencies":{"a":"^1","o":"1"},"optionalDependencies":{"o":"1"},"devDependencies":{"b":"2"}}"#,
        );
        w("packages/x", r#"{"name":"x","version":"1.0.0"}"#);
        w("packages/y", r#"{"name":"y"}"#);
        w("tools/cli", r#"{"name":"cli"}"#);
        std::fs::create_dir_all(t.path().join("packages/no-manifest")).unwrap();
        let ms = read_project(t.path());
        let paths: Vec<_> = ms.iter().map(|m| m.path.as_str()).collect();
        assert_eq!(paths, [".", "packages/x", "packages/y", "tools/cli"]);
        assert_eq!(
            ms[0].dependencies(),
            [
                ("a", "^1", DepKind::Prod),
                ("b", "2", DepKind::Dev),
                ("o", "1", DepKind::Optional)
            ]
        );
    }

    #[test]
    fn star_matching() {
        assert!(matches_star("*", "abc"));
        assert!(matches_star("plugin-*", "plugin-x"));
        assert!(!matches_star("plugin-*", "preset-x"));
        assert!(matches_star("a*c*e", "abcde"));
    }
}
