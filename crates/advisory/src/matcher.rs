//! Does a package version fall in an advisory's affected versions? With npm's semver semantics.
//!
//! Three sources of affected versions, OR-ed as OSV's evaluation algorithm does
//! (<https://ossf.github.io/osv-schema/#evaluation>):
//! - `ranges` of type `SEMVER` or `ECOSYSTEM` (npm's ecosystem ordering is semver): events are
//!   sorted by version (`introduced: "0"` first) and walked; a version is affected from an
//!   `introduced` up to the next `fixed` (exclusive) or `last_affected` (inclusive), and only
//!   below some `limit` when a range has limits. Prereleases compare by semver precedence
//!   (`1.0.0-beta < 1.0.0`): OSV ranges are intervals, not node-semver ranges, so node's rule
//!   that excludes prereleases from ranges does not apply. `GIT` ranges name commits and never
//!   match a registry version.
//! - the `versions` list: semver equality (build metadata ignored, as node's `semver.eq`).
//! - npm's legacy advisory shape, whose `vulnerable_versions` range the importer keeps in
//!   `database_specific` ([`crate::import::NPM_VULNERABLE_VERSIONS`]): evaluated as `npm audit`
//!   did, see [`NpmRange`].
//!
//! Versions are parsed exactly as node's `semver.parse` does (see `version`); one
//! normalisation is added for OSV events only: a partial `1` or `1.0` (real GHSA data has
//! `introduced: "1.0"`) is read as `1.0.0`, the way OSV tooling reads it, instead of
//! discarding the record.
//!
//! Anything that cannot be read is a [`MatchError`] naming the range and event: the importer
//! decides whether to skip the record with a warning. Nothing here silently matches everything
//! or nothing.

mod affected;
mod npm_range;
mod version;

#[cfg(test)]
mod tests;

pub use affected::{CompiledAffected, RecordError, compile_record};
pub use nodejs_semver::Version;
pub use npm_range::NpmRange;

use crate::osv::Affected;

/// Why an affected entry, a range or a version cannot be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MatchError {
    /// The version to check is not a semver version.
    #[error("{0:?} is not a semver version")]
    Version(String),
    /// An event's version is not a semver version.
    #[error("ranges[{range}].events[{event}].{field} {value:?} is not a semver version")]
    EventVersion {
        /// Index in `ranges`.
        range: usize,
        /// Index in that range's `events`.
        event: usize,
        /// `introduced`, `fixed`, `last_affected` or `limit`.
        field: &'static str,
        /// The version as written.
        value: String,
    },
    /// An event sets none or several of its fields; OSV requires exactly one.
    #[error(
        "ranges[{range}].events[{event}] sets {count} of introduced/fixed/last_affected/limit; OSV requires exactly one"
    )]
    EventShape {
        /// Index in `ranges`.
        range: usize,
        /// Index in that range's `events`.
        event: usize,
        /// How many fields it sets.
        count: usize,
    },
    /// A range without an `introduced` event describes no versions at all.
    #[error("ranges[{range}] has no `introduced` event")]
    NoIntroduced {
        /// Index in `ranges`.
        range: usize,
    },
    /// A range type OSV does not define.
    #[error("ranges[{range}] has type {kind:?}; OSV defines SEMVER, ECOSYSTEM and GIT")]
    RangeType {
        /// Index in `ranges`.
        range: usize,
        /// The type as written.
        kind: String,
    },
    /// Nothing in the entry can be compared with a registry version.
    #[error(
        "no `versions`, no SEMVER or ECOSYSTEM range and no npm range: the affected versions are unknown"
    )]
    NoVersions,
    /// An npm range string node's semver would not read, or would read only partly.
    #[error("npm range {range:?}: {reason}")]
    NpmRange {
        /// The range as written.
        range: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// Parses a package version exactly as node's `semver.parse` does (strict mode, `v` prefix
/// allowed, surrounding whitespace ignored).
pub fn parse_version(version: &str) -> Result<Version, MatchError> {
    version::parse_strict(version).ok_or_else(|| MatchError::Version(version.to_owned()))
}

/// True when `version` is affected by `affected` (its ranges, versions list and npm range).
///
/// Compiles the entry on every call; to check many versions, build a [`CompiledAffected`]
/// once.
pub fn is_affected(affected: &Affected, version: &str) -> Result<bool, MatchError> {
    let compiled = CompiledAffected::new(affected)?;
    Ok(compiled.matches(&parse_version(version)?))
}

/// The fix hint for `version`: the smallest `fixed` version above it that `affected` does not
/// itself cover, or `None` when the entry names no such version (only `last_affected`, or
/// never fixed).
pub fn lowest_fixed(affected: &Affected, version: &str) -> Result<Option<String>, MatchError> {
    let compiled = CompiledAffected::new(affected)?;
    Ok(compiled
        .lowest_fixed(&parse_version(version)?)
        .map(|v| v.to_string()))
}

/// True when `version` satisfies the npm range `range` as `npm audit` evaluated an advisory's
/// `vulnerable_versions`: `semver.satisfies(version, range, { includePrerelease: true,
/// loose: true })`.
pub fn legacy_range_matches(range: &str, version: &str) -> Result<bool, MatchError> {
    let parsed = NpmRange::parse(range).map_err(|reason| MatchError::NpmRange {
        range: range.to_owned(),
        reason,
    })?;
    Ok(parsed.matches(&parse_version(version)?))
}
