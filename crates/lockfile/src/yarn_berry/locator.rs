//! berry resolutions and the parameters bound to them: the [`Source`] a reference's protocol
//! means (`npm:`, `patch:`, `link:`, git, …), `::key=value` parameters, and the URI encoding
//! yarn applies to `::locator=` values.

use std::borrow::Cow;

use portcullis_types::Source;

use crate::spec;

/// Where a package comes from, by the protocol of its resolution's reference.
pub(super) fn source(reference: &str, resolution: &str) -> Source {
    let (protocol, rest) = reference.split_once(':').unwrap_or(("", reference));
    match protocol {
        "npm" => Source::Registry {
            url: bound_param(rest, "__archiveUrl").map(|u| percent_decode(u).into_owned()),
        },
        "patch" => Source::Patch {
            locator: resolution.to_owned(),
        },
        "link" | "portal" => Source::Link {
            path: local_path(rest),
        },
        "file" => Source::File {
            path: local_path(rest),
        },
        _ => match spec::git_source(reference) {
            Some(Source::Git { url, commit }) => Source::Git {
                url,
                commit: commit.map(|c| git_commit(&c)),
            },
            _ if protocol == "http" || protocol == "https" => spec::source_from_resolved(reference),
            // `condition:`, `exec:` and protocols of yarn plugins: kept verbatim.
            _ => Source::Other {
                spec: reference.to_owned(),
            },
        },
    }
}

/// berry's git fragments are `commit=<sha>` (possibly among other `&`-joined keys).
fn git_commit(fragment: &str) -> String {
    fragment
        .split('&')
        .find_map(|kv| kv.strip_prefix("commit="))
        .unwrap_or(fragment)
        .to_owned()
}

/// A `::key=value&…` parameter bound to a reference (`./lib::locator=…`).
fn bound_param<'a>(reference: &'a str, key: &str) -> Option<&'a str> {
    let (_, params) = reference.split_once("::")?;
    params
        .split('&')
        .find_map(|kv| kv.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
}

/// The folder of a `link:`/`portal:`/`file:` reference, made relative to the project root:
/// berry records it relative to the workspace named by the `::locator=` parameter.
fn local_path(rest: &str) -> String {
    let path = rest.split_once("::").map_or(rest, |(p, _)| p);
    let workspace = bound_param(rest, "locator").and_then(|l| {
        let locator = percent_decode(l);
        let (_, reference) = spec::split_spec(&locator);
        reference.strip_prefix("workspace:").map(str::to_owned)
    });
    match workspace {
        Some(ws) if !path.starts_with(['/', '~']) => spec::join_relative(&ws, path),
        _ => path.to_owned(),
    }
}

/// JavaScript's `encodeURIComponent`, which berry uses for `::locator=` values.
pub(super) fn encode_uri_component(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

/// Decodes `%XX` escapes; malformed ones are kept as written.
pub(super) fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}
