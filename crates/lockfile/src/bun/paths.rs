//! bun.lock install paths (package names joined by `/`, `a/@s/b`): their parent, the name a
//! package is installed under, their validity, and Bun's nested-then-ancestors lookup.

use std::collections::HashMap;

use crate::Target;

/// Bun's lookup from the package at install path `key`: `key/name`, then the same in each
/// ancestor install path, then the top level.
pub(super) fn resolve_from(
    slots: &HashMap<&str, Target>,
    key: &str,
    name: &str,
    scratch: &mut String,
) -> Option<Target> {
    let mut dir = key;
    loop {
        scratch.clear();
        if !dir.is_empty() {
            scratch.push_str(dir);
            scratch.push('/');
        }
        scratch.push_str(name);
        if let Some(t) = slots.get(scratch.as_str()) {
            return Some(*t);
        }
        if dir.is_empty() {
            return None;
        }
        dir = parent_path(dir);
    }
}

/// The install path a package is nested in: `a/@s/b` → `a`, `@s/b` → ``, `a/b/c` → `a/b`.
pub(super) fn parent_path(key: &str) -> &str {
    let Some(last_slash) = key.rfind('/') else {
        return "";
    };
    let head = &key[..last_slash];
    let seg_start = head.rfind('/').map_or(0, |i| i + 1);
    if head[seg_start..].starts_with('@') {
        // The last name is scoped (`@s/b`): its scope is part of it.
        &key[..seg_start.saturating_sub(1)]
    } else {
        head
    }
}

/// The name a package is installed under: the last (possibly scoped) name of its path.
pub(super) fn installed_name(key: &str) -> &str {
    match parent_path(key).len() {
        0 => key,
        n => &key[n + 1..],
    }
}

/// Package names (`x` or `@s/x`) joined by `/`, with no empty segment.
pub(super) fn valid_key(key: &str) -> bool {
    let mut segments = key.split('/');
    while let Some(seg) = segments.next() {
        if seg.is_empty() {
            return false;
        }
        if seg.starts_with('@') {
            match segments.next() {
                Some(rest) if !rest.is_empty() && !rest.starts_with('@') => {}
                _ => return false,
            }
        }
    }
    true
}
