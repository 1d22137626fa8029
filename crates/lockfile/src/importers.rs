//! Importers for formats that do not record them (yarn v1, npm v1, bun.lockb): taken from the
//! project's package.json files when they are beside the lockfile, otherwise inferred.

use portcullis_types::DepKind;

use crate::spec;
use crate::{Dependency, Importer, Manifest, Package, ParseError, Target};

/// Builds importers from `manifests` (root first). Each declared dependency resolves to a
/// workspace member of that name when there is one, else through `resolve(name, req)` to a
/// package index. Without manifests, the root depends on every package nothing else depends
/// on, and a note says so.
pub(crate) fn from_manifests(
    manifests: &[Manifest],
    packages: &[Package],
    resolve: impl Fn(&str, &str) -> Option<usize>,
    notes: &mut Vec<String>,
) -> Result<Vec<Importer>, ParseError> {
    if manifests.is_empty() {
        notes.push(
            "this lockfile format does not record the project's own dependencies and no package.json was found beside it; packages that nothing else depends on are shown as direct dependencies".into(),
        );
        return Ok(vec![inferred_root(packages)]);
    }
    let mut importers = Vec::with_capacity(manifests.len());
    for m in manifests {
        let dependencies = m
            .dependencies()
            .into_iter()
            .map(|(name, req, kind)| {
                let workspace = manifests
                    .iter()
                    .position(|w| w.path != m.path && w.name.as_deref() == Some(name));
                let target = match (workspace, resolve(name, req)) {
                    (Some(w), _)
                        if req.starts_with("workspace:")
                            || req.starts_with("file:")
                            || req.starts_with("link:") =>
                    {
                        Target::Importer(w)
                    }
                    (_, Some(p)) => Target::Package(p),
                    (Some(w), None) => Target::Importer(w),
                    (None, None) => Target::Unresolved(spec::absent_reason(kind, true)),
                };
                Dependency {
                    name: name.to_owned(),
                    req: req.to_owned(),
                    kind,
                    target,
                }
            })
            .collect();
        importers.push(Importer {
            path: m.path.clone(),
            name: m
                .name
                .as_deref()
                .map(|n| spec::name(n, &format!("{}/package.json \"name\"", m.path)))
                .transpose()?,
            version: m.version.clone(),
            dependencies,
        });
    }
    Ok(importers)
}

/// A root importer depending on every package that no other package depends on.
pub(crate) fn inferred_root(packages: &[Package]) -> Importer {
    let mut targeted = vec![false; packages.len()];
    for d in packages.iter().flat_map(|p| &p.dependencies) {
        if let Target::Package(i) = d.target {
            targeted[i] = true;
        }
    }
    let dependencies = packages
        .iter()
        .enumerate()
        .filter(|(i, _)| !targeted[*i])
        .map(|(i, p)| Dependency {
            name: p.alias.clone().unwrap_or_else(|| p.name.to_string()),
            req: p.version.to_string(),
            kind: match (p.dev, p.optional) {
                (Some(true), _) => DepKind::Dev,
                (_, Some(true)) => DepKind::Optional,
                _ => DepKind::Prod,
            },
            target: Target::Package(i),
        })
        .collect();
    Importer {
        path: ".".into(),
        name: None,
        version: None,
        dependencies,
    }
}
