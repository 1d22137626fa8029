//! The OSV schema (<https://ossf.github.io/osv-schema/>), as much of it as Portcullis uses.
//!
//! Records are kept close to the source: unknown fields are ignored, `database_specific` and
//! `ecosystem_specific` stay untyped JSON, and nothing is normalised away.

use serde::{Deserialize, Serialize};

/// One OSV record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// `GHSA-…`, `MAL-…`, `CVE-…`, …
    pub id: String,
    /// RFC 3339 timestamp of the last change; a newer one wins on re-import.
    pub modified: String,
    /// RFC 3339 publication time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Set when the record was withdrawn: withdrawn records never match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<String>,
    /// Other ids for the same vulnerability (CVE, GHSA, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Related but distinct vulnerabilities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    /// One-line summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Longer description (markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    /// Severity vectors (`CVSS_V3`, `CVSS_V4`, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<Severity>,
    /// Affected packages.
    #[serde(default)]
    pub affected: Vec<Affected>,
    /// Links.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    /// Source-specific data (GitHub's `severity`, `cwe_ids`, malicious-packages' origins, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<serde_json::Value>,
}

/// A severity entry: a scoring system and its vector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Severity {
    /// `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// The vector string (`CVSS:3.1/AV:N/…`).
    pub score: String,
}

/// One affected package and its affected versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Affected {
    /// Which package.
    pub package: Option<AffectedPackage>,
    /// Version ranges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
    /// Explicitly listed affected versions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    /// Per-package severity (OSV 1.5+), overriding the record's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<Severity>,
    /// Ecosystem-specific data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecosystem_specific: Option<serde_json::Value>,
    /// Source-specific data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<serde_json::Value>,
}

/// A package in an ecosystem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AffectedPackage {
    /// `npm` for us; records may list other ecosystems, which are ignored.
    pub ecosystem: String,
    /// Package name.
    pub name: String,
    /// Package URL, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
}

/// A range of affected versions described by events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Range {
    /// `SEMVER`, `ECOSYSTEM` or `GIT` (the last never matches a registry version).
    #[serde(rename = "type")]
    pub kind: String,
    /// Events in order.
    #[serde(default)]
    pub events: Vec<Event>,
    /// For `GIT` ranges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    /// Source-specific data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<serde_json::Value>,
}

/// One range event. Exactly one field is set in valid records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Event {
    /// Versions from here on are affected (`0` = from the beginning).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduced: Option<String>,
    /// Versions from here on are fixed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    /// The last affected version (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_affected: Option<String>,
    /// Upper limit of the range (exclusive), rarely used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

/// A link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// `ADVISORY`, `WEB`, `PACKAGE`, `FIX`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// The URL.
    pub url: String,
}

impl Record {
    /// True for malicious-package reports: `MAL-` ids, or records whose summary or id says so.
    pub fn is_malicious(&self) -> bool {
        if self.id.starts_with("MAL-") || self.aliases.iter().any(|a| a.starts_with("MAL-")) {
            return true;
        }
        let summary = self
            .summary
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase();
        summary.contains("malicious code")
            || summary.starts_with("malicious ")
            || summary.contains("embedded malware")
    }

    /// The affected entries for npm packages only.
    pub fn npm_affected(&self) -> impl Iterator<Item = &Affected> {
        self.affected.iter().filter(|a| {
            a.package
                .as_ref()
                .is_some_and(|p| p.ecosystem.eq_ignore_ascii_case("npm"))
        })
    }
}
