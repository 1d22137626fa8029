//! The report every command that judges a project produces: [`Report`] is the JSON contract
//! (`schema_version` 1, DESIGN.md); each reporter renders it in one format, one file each.

mod human;
mod json;

use portcullis_checks::{Finding, Level};
use serde::Serialize;

pub use human::{HumanOptions, render_human};
pub use json::render_json;

/// The outcome of a scan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Always 1 for this layout.
    pub schema_version: u32,
    /// Which tool made it.
    pub tool: Tool,
    /// The projects scanned.
    pub projects: Vec<Project>,
    /// State of the advisory database.
    pub advisories: AdvisoryStatus,
    /// Findings, most severe first.
    pub findings: Vec<Finding>,
    /// Findings per level.
    pub summary: Summary,
    /// Things the user must know that are not findings (skipped records, stale data, …).
    pub warnings: Vec<String>,
}

/// Tool name and version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tool {
    /// `portcullis`.
    pub name: &'static str,
    /// Crate version.
    pub version: &'static str,
}

/// One scanned project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Project {
    /// Project directory as given.
    pub root: String,
    /// The lockfile read.
    pub lockfile: String,
    /// Its format name (`npm-v3`, …).
    pub format: &'static str,
    /// Unique name@version@source packages.
    pub packages: usize,
}

/// Whether advisories were available.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdvisoryStatus {
    /// `ok`, `stale` or `missing`.
    pub status: &'static str,
    /// Database file, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Vulnerability records.
    pub vulnerabilities: usize,
    /// Malicious-package records.
    pub malware: usize,
    /// Newest `modified` of any record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newest_modified: Option<String>,
    /// Days since the last import or update.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_days: Option<f64>,
}

/// Counts per level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Deny-level findings: exit 1 when non-zero.
    pub deny: usize,
    /// Warn-level findings.
    pub warn: usize,
    /// Allowed findings.
    pub allow: usize,
}

impl Report {
    /// A report over `findings`, sorted most severe first and counted.
    pub fn new(
        projects: Vec<Project>,
        advisories: AdvisoryStatus,
        mut findings: Vec<Finding>,
        warnings: Vec<String>,
    ) -> Self {
        findings.sort_by(|a, b| {
            (b.level, b.severity, &a.package, &a.message)
                .cmp(&(a.level, a.severity, &b.package, &b.message))
        });
        let mut summary = Summary::default();
        for f in &findings {
            match f.level {
                Level::Deny => summary.deny += 1,
                Level::Warn => summary.warn += 1,
                Level::Allow => summary.allow += 1,
            }
        }
        Self {
            schema_version: 1,
            tool: Tool {
                name: "portcullis",
                version: env!("CARGO_PKG_VERSION"),
            },
            projects,
            advisories,
            findings,
            summary,
            warnings,
        }
    }
}
