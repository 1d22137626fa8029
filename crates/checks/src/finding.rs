//! A finding: one problem with one package, with the evidence and the paths that bring it in.

use portcullis_types::Severity;
use serde::Serialize;

use crate::{Code, Level};

/// One problem with one package (name + version + source).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// What kind of problem.
    pub code: Code,
    /// How bad, when known.
    pub severity: Option<Severity>,
    /// What the policy makes of it.
    pub level: Level,
    /// Which package.
    pub package: PackageRef,
    /// Inclusion paths, shortest first: importer → … → package, as `name@version` labels.
    pub paths: Vec<Vec<String>>,
    /// Paths not listed.
    pub more_paths: usize,
    /// One sentence for humans.
    pub message: String,
    /// The advisory, for known-bad findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advisory: Option<AdvisoryRef>,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// Where the evidence is.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

/// The package a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PackageRef {
    /// Real name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Source kind (`registry`, `git`, …).
    pub source: &'static str,
}

/// The advisory behind a known-bad finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdvisoryRef {
    /// The preferred id (GHSA, then MAL, then CVE, then others).
    pub id: String,
    /// Every other id for the same vulnerability.
    pub aliases: Vec<String>,
    /// One-line summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Base score, when computed from a CVSS vector.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cvss_score: Option<f64>,
    /// Where the severity came from (the vector, or `database_specific.severity`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity_source: Option<String>,
    /// Lowest version that fixes it, when the advisory says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed_in: Option<String>,
    /// Advisory URL, when the record has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A piece of evidence: a place in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// File (lockfile, or a path inside a tarball).
    pub file: String,
    /// 1-based line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The text there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
}
