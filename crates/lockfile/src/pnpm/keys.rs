//! pnpm's lockfile keys and dependency references: the name and version a v5 (`/name/1.0.0`)
//! or v6/v9 (`name@1.0.0(peer@2.0.0)`) key stands for, when a reference is a whole key, and
//! the folder a `link:` reference points at.

use crate::spec;

/// `/@s/name/1.2.3_peer@1.0.0` (or `host/name/1.2.3`, or `file:dir`) → name and version.
pub(super) fn parse_v5_key(key: &str) -> (Option<&str>, Option<&str>) {
    if key.starts_with("file:") {
        return (None, Some(key));
    }
    let (rest, hosted) = match key.strip_prefix('/') {
        Some(rest) => (rest, false),
        None => match key.split_once('/') {
            Some((_host, rest)) => (rest, true),
            None => return (None, None),
        },
    };
    let split = if rest.starts_with('@') {
        rest.match_indices('/')
            .nth(1)
            .map(|(i, _)| (&rest[..i], &rest[i + 1..]))
    } else {
        rest.split_once('/')
    };
    let Some((name, version)) = split else {
        return (None, None);
    };
    let version = version.split('_').next().unwrap_or(version);
    // A host-prefixed key is a registry key only when a version follows the name (pnpm's
    // dependency-path rule); `github.com/user/repo/commit` is not one.
    if hosted && !version.starts_with(|c: char| c.is_ascii_digit()) {
        return (None, None);
    }
    (Some(name), Some(version))
}

/// `/@s/name@1.2.3(peer@1.0.0)` (v6), `@s/name@1.2.3(peer@1.0.0)` or `name@file:dir` (v9),
/// `file:dir(peer@1.0.0)` (v6) → name and version.
pub(super) fn parse_at_key(key: &str) -> (Option<&str>, Option<&str>) {
    let k = strip_peers(key.strip_prefix('/').unwrap_or(key));
    if k.starts_with("file:") {
        return (None, Some(k));
    }
    // `host/name@1.2.3`: a `/` before any `@` in an unscoped key means a host prefix.
    let k = match (k.find('/'), k.find('@')) {
        (Some(slash), at) if !k.starts_with('@') && at.is_none_or(|a| slash < a) => &k[slash + 1..],
        _ => k,
    };
    match spec::split_spec(k) {
        (name, version) if !name.is_empty() && !version.is_empty() => (Some(name), Some(version)),
        _ => (None, None),
    }
}

/// `name@1.2.3(peer@1.0.0)(patch_hash=…)` → `name@1.2.3`.
pub(super) fn strip_peers(key: &str) -> &str {
    key.find('(').map_or(key, |i| &key[..i])
}

/// Joins a `link:` path onto the folder it is relative to, resolving `.` and `..`.
pub(super) fn join_path(base: &str, rel: &str) -> String {
    if rel.starts_with('/') {
        return rel.to_owned();
    }
    spec::join_relative(base, rel)
}

/// pnpm 9's rule: a reference is a whole `name@version` key (an alias, a non-registry
/// package) when its first `@` comes before any `:` and any `(`.
pub(super) fn is_v9_key(reference: &str) -> bool {
    if reference.starts_with('@') {
        return true;
    }
    reference.find('@').is_some_and(|at| {
        reference.find(':').is_none_or(|c| at < c) && reference.find('(').is_none_or(|p| at < p)
    })
}
