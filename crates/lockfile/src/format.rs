//! Lockfile formats: the names in reports, and detection from file name and content.

use std::path::Path;

use serde::Serialize;

/// A lockfile format at the granularity reports name it (DESIGN.md contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Format {
    /// package-lock.json / npm-shrinkwrap.json, lockfileVersion 1 (npm 5–6).
    #[serde(rename = "npm-v1")]
    NpmV1,
    /// lockfileVersion 2 (npm 7–8).
    #[serde(rename = "npm-v2")]
    NpmV2,
    /// lockfileVersion 3 (npm 9+).
    #[serde(rename = "npm-v3")]
    NpmV3,
    /// yarn.lock classic v1 (also written by bun).
    #[serde(rename = "yarn-v1")]
    YarnV1,
    /// yarn.lock berry (yarn 2+), `__metadata` 4–10.
    #[serde(rename = "yarn-berry")]
    YarnBerry,
    /// pnpm-lock.yaml 5.x.
    #[serde(rename = "pnpm-v5")]
    PnpmV5,
    /// pnpm-lock.yaml 6.x.
    #[serde(rename = "pnpm-v6")]
    PnpmV6,
    /// pnpm-lock.yaml 9.x (pnpm 9–11).
    #[serde(rename = "pnpm-v9")]
    PnpmV9,
    /// bun.lock (text, JSONC).
    #[serde(rename = "bun")]
    Bun,
    /// bun.lockb (binary).
    #[serde(rename = "bun-binary")]
    BunBinary,
    /// An installed node_modules tree.
    #[serde(rename = "node-modules")]
    NodeModules,
}

impl Format {
    /// The stable name used in reports (`npm-v3`, `pnpm-v9`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::NpmV1 => "npm-v1",
            Format::NpmV2 => "npm-v2",
            Format::NpmV3 => "npm-v3",
            Format::YarnV1 => "yarn-v1",
            Format::YarnBerry => "yarn-berry",
            Format::PnpmV5 => "pnpm-v5",
            Format::PnpmV6 => "pnpm-v6",
            Format::PnpmV9 => "pnpm-v9",
            Format::Bun => "bun",
            Format::BunBinary => "bun-binary",
            Format::NodeModules => "node-modules",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A family of formats sharing one parser; the parser decides the exact [`Format`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormatFamily {
    /// package-lock.json, npm-shrinkwrap.json, node_modules/.package-lock.json
    Npm,
    /// yarn.lock v1
    YarnV1,
    /// yarn.lock berry
    YarnBerry,
    /// pnpm-lock.yaml
    Pnpm,
    /// bun.lock
    Bun,
    /// bun.lockb
    BunBinary,
}

impl std::fmt::Display for FormatFamily {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FormatFamily::Npm => "npm",
            FormatFamily::YarnV1 => "yarn v1",
            FormatFamily::YarnBerry => "yarn berry",
            FormatFamily::Pnpm => "pnpm",
            FormatFamily::Bun => "bun",
            FormatFamily::BunBinary => "bun binary",
        })
    }
}

/// Magic header of bun.lockb.
pub(crate) const BUN_LOCKB_MAGIC: &[u8] = b"#!/usr/bin/env bun\nbun-lockfile-format-v0\n";

/// Detects the format family from content, using the file name only to break ties.
/// Content wins so that a renamed or mislabelled file is still read correctly — or refused.
pub(crate) fn detect(path: &Path, bytes: &[u8]) -> Result<FormatFamily, String> {
    if bytes.starts_with(BUN_LOCKB_MAGIC) {
        return Ok(FormatFamily::BunBinary);
    }
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let head = head.trim_start_matches('\u{feff}');
    let trimmed = head.trim_start();
    if trimmed.is_empty() {
        return Err("the file is empty".into());
    }
    if bytes.contains(&0) {
        return Err(
            "the file is binary, and not a bun.lockb (no bun-lockfile-format-v0 header)".into(),
        );
    }
    if trimmed.starts_with('{') {
        // bun.lock is JSONC with a top-level `workspaces` key (indented two spaces); npm
        // lockfiles only have `workspaces` nested inside `packages[""]`.
        let bun = name.ends_with(".lock")
            || (!name.ends_with(".json") && head.contains("\n  \"workspaces\""));
        return Ok(if bun {
            FormatFamily::Bun
        } else {
            FormatFamily::Npm
        });
    }
    if yaml_key_at_line_start(head, "__metadata:") {
        return Ok(FormatFamily::YarnBerry);
    }
    if yaml_key_at_line_start(head, "lockfileVersion:") {
        return Ok(FormatFamily::Pnpm);
    }
    if head.contains("# yarn lockfile v1") || head.starts_with("# bun ./bun.lockb") {
        return Ok(FormatFamily::YarnV1);
    }
    if name == "yarn.lock" {
        // yarn v1 files without their header comment still parse; berry always has __metadata.
        return Ok(FormatFamily::YarnV1);
    }
    if name == "pnpm-lock.yaml" {
        return Ok(FormatFamily::Pnpm);
    }
    let first_line: String = trimmed
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(60)
        .collect();
    Err(format!(
        "expected package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml, bun.lock or bun.lockb content; the file starts with {first_line:?}"
    ))
}

fn yaml_key_at_line_start(head: &str, key: &str) -> bool {
    head.lines().any(|l| l.starts_with(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(name: &str, content: &str) -> Result<FormatFamily, String> {
        detect(Path::new(name), content.as_bytes())
    }

    #[test]
    fn detects_by_content() {
        assert_eq!(
            d("x", "{\"lockfileVersion\": 3, \"packages\": {}}"),
            Ok(FormatFamily::Npm)
        );
        assert_eq!(
            d(
                "bun.lock",
                "{\n  \"lockfileVersion\": 1,\n  \"workspaces\": {},\n}"
            ),
            Ok(FormatFamily::Bun)
        );
        assert_eq!(
            d("x", "# comment\n__metadata:\n  version: 8\n"),
            Ok(FormatFamily::YarnBerry)
        );
        assert_eq!(
            d("x", "---\nlockfileVersion: '9.0'\n"),
            Ok(FormatFamily::Pnpm)
        );
        assert_eq!(d("x", "# yarn lockfile v1\n\n"), Ok(FormatFamily::YarnV1));
        assert_eq!(
            detect(
                Path::new("bun.lockb"),
                b"#!/usr/bin/env bun\nbun-lockfile-format-v0\n\0\0"
            ),
            Ok(FormatFamily::BunBinary)
        );
    }

    #[test]
    fn refuses_unknown_content() {
        assert!(d("x", "").unwrap_err().contains("empty"));
        assert!(
            d("x", "hello world")
                .unwrap_err()
                .contains("starts with \"hello world\"")
        );
        assert!(
            detect(Path::new("x"), b"\x7fELF\0\0")
                .unwrap_err()
                .contains("binary")
        );
    }
}
