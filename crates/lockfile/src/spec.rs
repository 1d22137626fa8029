//! Small parsers shared by the format modules: `name@range` specs, resolved URLs → [`Source`],
//! and validated field conversion with messages that say what was expected.

use portcullis_types::{Integrity, PackageName, Source, Version};

use crate::ParseError;

/// Splits `@scope/name@range` or `name@range` at the version separator. No `@` → empty range.
pub(crate) fn split_spec(spec: &str) -> (&str, &str) {
    let search_from = usize::from(spec.starts_with('@'));
    match spec[search_from..].find('@') {
        Some(i) => (&spec[..search_from + i], &spec[search_from + i + 1..]),
        None => (spec, ""),
    }
}

/// For an `npm:real@range` alias spec, the real name and range.
pub(crate) fn npm_alias(spec: &str) -> Option<(&str, &str)> {
    spec.strip_prefix("npm:")
        .map(split_spec)
        .filter(|(name, _)| !name.is_empty())
}

/// A validated package name, or an error naming where it came from.
pub(crate) fn name(raw: &str, context: &str) -> Result<PackageName, ParseError> {
    PackageName::new(raw).map_err(|e| ParseError::new(format!("{context}: {e}")))
}

/// A validated version, or an error naming where it came from.
pub(crate) fn version(raw: &str, context: &str) -> Result<Version, ParseError> {
    Version::new(raw).map_err(|e| ParseError::new(format!("{context}: {e}")))
}

/// A validated SRI string, or an error naming where it came from.
pub(crate) fn integrity(raw: &str, context: &str) -> Result<Integrity, ParseError> {
    Integrity::parse(raw).map_err(|e| ParseError::new(format!("{context}: {e}")))
}

/// True when `url` has the registry tarball layout `…/<name>/-/<basename>-<version>.tgz`.
///
/// Registry hosts are configuration, so a registry is recognised by URL shape, never by host.
pub(crate) fn is_registry_tarball(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    (path.starts_with("https://") || path.starts_with("http://"))
        && path.contains("/-/")
        && path.ends_with(".tgz")
}

/// Classifies an npm/yarn-v1 style `resolved` value into a [`Source`].
pub(crate) fn source_from_resolved(resolved: &str) -> Source {
    if let Some(git) = git_source(resolved) {
        return git;
    }
    if let Some(path) = resolved.strip_prefix("file:") {
        return Source::File {
            path: path.to_owned(),
        };
    }
    if let Some(path) = resolved.strip_prefix("link:") {
        return Source::Link {
            path: path.to_owned(),
        };
    }
    if is_registry_tarball(resolved) {
        return Source::Registry {
            url: Some(resolved.to_owned()),
        };
    }
    if resolved.starts_with("https://") || resolved.starts_with("http://") {
        return Source::Tarball {
            url: resolved.to_owned(),
        };
    }
    Source::Other {
        spec: resolved.to_owned(),
    }
}

/// `git+ssh://…#commit`, `git://…`, `github:user/repo#commit`, `https://…/x.git#commit` → git.
pub(crate) fn git_source(spec: &str) -> Option<Source> {
    const GIT_PREFIXES: [&str; 8] = [
        "git+",
        "git://",
        "github:",
        "gitlab:",
        "bitbucket:",
        "gist:",
        "git@",
        "ssh://",
    ];
    let (url, commit) = match spec.split_once('#') {
        Some((u, c)) => (u, Some(c)),
        None => (spec, None),
    };
    let is_git = GIT_PREFIXES.iter().any(|p| spec.starts_with(p)) || url.ends_with(".git");
    is_git.then(|| Source::Git {
        url: url.to_owned(),
        commit: commit.filter(|c| !c.is_empty()).map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_specs() {
        assert_eq!(split_spec("lodash@^4"), ("lodash", "^4"));
        assert_eq!(
            split_spec("@types/node@npm:@types/node@1"),
            ("@types/node", "npm:@types/node@1")
        );
        assert_eq!(split_spec("@babel/core"), ("@babel/core", ""));
        assert_eq!(npm_alias("npm:react-is@^18"), Some(("react-is", "^18")));
        assert_eq!(npm_alias("npm:@a/b@1"), Some(("@a/b", "1")));
        assert_eq!(npm_alias("^1"), None);
    }

    #[test]
    fn classifies_resolved() {
        let reg = "https://registry.example.test/lodash/-/lodash-4.17.21.tgz";
        assert_eq!(
            source_from_resolved(reg),
            Source::Registry {
                url: Some(reg.into())
            }
        );
        assert_eq!(
            source_from_resolved("https://example.test/x.tgz"),
            Source::Tarball {
                url: "https://example.test/x.tgz".into()
            }
        );
        assert_eq!(
            source_from_resolved("git+ssh://git@example.test/a/b.git#abc123"),
            Source::Git {
                url: "git+ssh://git@example.test/a/b.git".into(),
                commit: Some("abc123".into())
            }
        );
        assert_eq!(
            source_from_resolved("file:../x"),
            Source::File {
                path: "../x".into()
            }
        );
    }
}

/// A JSON/YAML map kept in document order (serde's maps would sort or hash it away), so that
/// output follows the lockfile and is deterministic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OrderedMap<K, V>(pub(crate) Vec<(K, V)>);

impl<K, V> Default for OrderedMap<K, V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<K, V> OrderedMap<K, V> {
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

impl<'de, K: serde::Deserialize<'de>, V: serde::Deserialize<'de>> serde::Deserialize<'de>
    for OrderedMap<K, V>
{
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor<K, V>(std::marker::PhantomData<(K, V)>);
        impl<'de, K: serde::Deserialize<'de>, V: serde::Deserialize<'de>> serde::de::Visitor<'de>
            for Visitor<K, V>
        {
            type Value = OrderedMap<K, V>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
                while let Some(entry) = map.next_entry()? {
                    out.push(entry);
                }
                Ok(OrderedMap(out))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                // YAML `key:` with no value, and JSON null, mean an empty map in every lockfile.
                Ok(OrderedMap(Vec::new()))
            }
        }
        d.deserialize_map(Visitor(std::marker::PhantomData))
    }
}
