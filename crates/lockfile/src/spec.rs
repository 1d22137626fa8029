//! Small parsers shared by the format modules: `name@range` specs, resolved URLs → [`Source`],
//! and validated field conversion with messages that say what was expected; also the helpers
//! several formats share (ordered maps, borrowed strings, Node's lookup, paths, YAML errors).

use portcullis_types::{DepKind, Integrity, PackageName, Source, Version};

use crate::{ParseError, UnresolvedReason};

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

/// A string borrowed from the input when it has no escapes, owned otherwise. Serde's own
/// `Cow<str>` only borrows as a struct field marked `#[serde(borrow)]`; inside maps, sequences
/// and hand-written visitors it always allocates, which matters in lockfile hot loops.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Str<'a>(pub(crate) std::borrow::Cow<'a, str>);

impl std::ops::Deref for Str<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Str<'_> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> serde::Deserialize<'de> for Str<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                v: &'de str,
            ) -> Result<Self::Value, E> {
                Ok(Str(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Str(std::borrow::Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Str(std::borrow::Cow::Owned(v)))
            }
        }
        d.deserialize_str(Visitor)
    }
}

/// `os`/`cpu` style fields: one string or a list of strings (package.json allows both).
pub(crate) fn string_or_list<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<String>, D::Error> {
    struct Visitor;
    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string or a list of strings")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(vec![v.to_owned()])
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(s) = seq.next_element::<String>()? {
                out.push(s);
            }
            Ok(out)
        }
    }
    d.deserialize_any(Visitor)
}

/// Node's module resolution over npm-style install paths (`node_modules/a/node_modules/b`):
/// from `from` (an install path or a project folder, `""` for the root) look for `name` in
/// `from/node_modules`, then in each ancestor's, until the root.
pub(crate) fn find_in_node_modules<T>(
    from: &str,
    name: &str,
    get: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let mut dir = from;
    let mut key = String::with_capacity(from.len() + name.len() + 14);
    loop {
        key.clear();
        if !dir.is_empty() {
            key.push_str(dir);
            key.push('/');
        }
        key.push_str("node_modules/");
        key.push_str(name);
        if let Some(hit) = get(&key) {
            return Some(hit);
        }
        if dir.is_empty() {
            return None;
        }
        dir = node_modules_parent(dir);
    }
}

/// The nearest ancestor folder that can hold a `node_modules`: `a/node_modules/@s/b` → `a`.
fn node_modules_parent(dir: &str) -> &str {
    fn up(d: &str) -> &str {
        d.rfind('/').map_or("", |i| &d[..i])
    }
    let mut d = up(dir);
    // Step over scope folders and the node_modules folder itself.
    if d.rsplit('/')
        .next()
        .is_some_and(|last| last.starts_with('@'))
        && d.contains("node_modules")
    {
        d = up(d);
    }
    if d == "node_modules" || d.ends_with("/node_modules") {
        d = up(d);
    }
    d
}

/// Why a dependency the lockfile leaves without a target is absent: optional dependencies (and
/// peers, when the format treats an unmet peer as `peer_optional`) are left out on purpose;
/// anything else the dependent needs is missing from the lockfile.
pub(crate) fn absent_reason(kind: DepKind, peer_optional: bool) -> UnresolvedReason {
    match kind {
        DepKind::Optional => UnresolvedReason::NotInstalled,
        DepKind::Peer if peer_optional => UnresolvedReason::NotInstalled,
        DepKind::Peer | DepKind::Prod | DepKind::Dev => UnresolvedReason::Missing,
    }
}

/// A `peerDependenciesMeta` value (npm's lockfile, installed package.json files): only
/// `optional` matters to the model. Serde names the struct in its type errors, so a format
/// whose messages say something else keeps its own.
#[derive(serde::Deserialize, Default)]
pub(crate) struct PeerMeta {
    #[serde(default)]
    pub(crate) optional: bool,
}

/// `base/rel` with `.` and `..` segments folded (leading `..` kept: outside the project).
pub(crate) fn join_relative(base: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in base.split('/').chain(rel.split('/')) {
        match seg {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            _ => parts.push(seg),
        }
    }
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// The alias every descriptor (`name@range`) installs the package under, when they all agree
/// on one that is not the real name. A block reached both by its real name and by an alias has
/// no one alias; the edges still carry the name each dependent declared.
pub(crate) fn common_alias<'d>(
    descriptors: impl IntoIterator<Item = &'d str>,
    real: &str,
) -> Option<String> {
    let mut names = descriptors.into_iter().map(|d| split_spec(d).0);
    let first = names.next()?;
    (first != real && names.all(|n| n == first)).then(|| first.to_owned())
}

/// A rendered serde-saphyr error without the position it repeats (reported separately).
pub(crate) fn yaml_message(rendered: &str) -> &str {
    rendered
        .find(" at line ")
        .map_or(rendered, |i| &rendered[..i])
}

/// `message` at the line and column of the serde-saphyr error `e`, when it knows them.
pub(crate) fn yaml_positioned(e: &serde_saphyr::Error, message: String) -> ParseError {
    match e.location() {
        Some(l) if l.line() > 0 => ParseError::at(
            usize::try_from(l.line()).unwrap_or(usize::MAX),
            usize::try_from(l.column()).unwrap_or(usize::MAX),
            message,
        ),
        _ => ParseError::new(message),
    }
}
