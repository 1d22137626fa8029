//! The registry of finding codes: name, family, default level and documentation, declared
//! once. `docs/rules/<code>.md` is generated from here (see the `rule_docs_are_current` test).

use serde::Serialize;

/// What a finding means for the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Reported, does not fail.
    Allow,
    /// Reported loudly, does not fail.
    Warn,
    /// Fails the run (exit 1).
    Deny,
}

impl Level {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }
}

/// A stable finding code (kebab-case in output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// A known vulnerability (OSV advisory) affects this version.
    Vulnerability,
    /// A malicious-package report covers this version.
    Malware,
}

/// Everything documented about a code.
#[derive(Debug, Clone, Copy)]
pub struct CodeInfo {
    /// The code.
    pub code: Code,
    /// Family, as in DESIGN.md.
    pub family: &'static str,
    /// Default level before any policy.
    pub default_level: Level,
    /// One line.
    pub summary: &'static str,
    /// Markdown body of docs/rules/<code>.md: what it detects, why it matters, what to do.
    pub doc: &'static str,
}

/// All codes, in documentation order.
pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: Code::Vulnerability,
        family: "known-bad",
        default_level: Level::Deny,
        summary: "a published advisory (OSV) says this package version is vulnerable",
        doc: "Portcullis matches every registry package in the dependency graph against the local \
advisory database (`portcullis db import` / `portcullis db update`), using npm's semver rules \
for OSV `SEMVER`/`ECOSYSTEM` ranges, explicit `versions` lists and npm's legacy \
`vulnerable_versions` ranges. Records that describe the same vulnerability (shared GHSA/CVE \
aliases) give one finding listing all their ids.\n\n\
Severity is computed from the record's CVSS v4.0 or v3.x vector (base score), else taken from \
`database_specific.severity`.\n\n\
Only packages that come from a registry match: a workspace member, `file:`, `link:` or git \
package that shares a name with a vulnerable registry package is a different package.\n\n\
**What to do:** upgrade to the fixed version named in the finding; when the package is a \
transitive dependency, update the direct dependency named in the fix hint (or use your \
package manager's overrides/resolutions).",
    },
    CodeInfo {
        code: Code::Malware,
        family: "known-bad",
        default_level: Level::Deny,
        summary: "a malicious-package report covers this package version",
        doc: "Reported when a malicious-package record (OpenSSF `MAL-…` ids, or any record whose \
id or summary marks it malicious) affects a registry package version in the graph. Always \
critical.\n\n\
**What to do:** treat every machine and CI runner that installed it as compromised: remove the \
package, rotate every credential the install could read (npm, cloud and CI tokens, SSH keys), \
and check for persistence. Pin to a version published before the compromise.",
    },
];

impl Code {
    /// The kebab-case name used in output and config.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Vulnerability => "vulnerability",
            Code::Malware => "malware",
        }
    }

    /// Its registry entry.
    pub fn info(self) -> &'static CodeInfo {
        // Every variant has an entry; the test below keeps that true.
        CODES.iter().find(|c| c.code == self).unwrap_or(&CODES[0])
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The markdown of docs/rules/<code>.md.
pub fn rule_doc(info: &CodeInfo) -> String {
    format!(
        "# `{}`\n\n<!-- generated from crates/checks/src/codes.rs; edit there, then run `UPDATE_DOCS=1 cargo test -p portcullis-checks` -->\n\n**Family:** {} · **Default level:** {}\n\n{}.\n\n{}\n",
        info.code,
        info.family,
        info.default_level.as_str(),
        capitalise(info.summary),
        info.doc
    )
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_one_entry() {
        for code in [Code::Vulnerability, Code::Malware] {
            assert_eq!(CODES.iter().filter(|c| c.code == code).count(), 1, "{code}");
            assert_eq!(code.info().code, code);
        }
    }

    /// docs/rules/<code>.md must equal what the registry generates.
    #[test]
    fn rule_docs_are_current() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules");
        let update = std::env::var_os("UPDATE_DOCS").is_some();
        for info in CODES {
            let path = dir.join(format!("{}.md", info.code));
            let want = rule_doc(info);
            if update {
                std::fs::create_dir_all(&dir).expect("mkdir docs/rules");
                std::fs::write(&path, &want).expect("write doc");
            }
            let have = std::fs::read_to_string(&path).unwrap_or_default();
            assert_eq!(
                have,
                want,
                "{} is stale: run UPDATE_DOCS=1 cargo test -p portcullis-checks",
                path.display()
            );
        }
    }
}
