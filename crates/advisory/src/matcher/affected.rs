//! An OSV `affected` entry compiled once (versions parsed, events sorted) and then matched
//! against many package versions.

use std::cmp::Ordering;

use nodejs_semver::{Identifier, Version};
use serde_json::Value;

use super::MatchError;
use super::npm_range::NpmRange;
use super::version::parse_strict;
use crate::import::{NPM_PATCHED_VERSIONS, NPM_VULNERABLE_VERSIONS};
use crate::osv::{Affected, Event, Range, Record};

/// An affected entry ready for matching.
#[derive(Debug, Clone)]
pub struct CompiledAffected {
    package: String,
    ranges: Vec<CompiledRange>,
    versions: Vec<Version>,
    unreadable_versions: Vec<String>,
    npm_range: Option<NpmRange>,
    npm_patched: Option<NpmRange>,
}

/// One SEMVER or ECOSYSTEM range.
#[derive(Debug, Clone)]
struct CompiledRange {
    /// Sorted by version; equal versions keep the record's order (a stable sort), so
    /// `fixed: 1.0.0` followed by `introduced: 1.0.0` reads as two adjacent intervals.
    events: Vec<(Kind, Bound)>,
    /// Empty when the range has no `limit` events (OSV's implicit `limit: "*"`).
    limits: Vec<Option<Version>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Introduced,
    Fixed,
    LastAffected,
}

/// An event's version; `Zero` is `introduced: "0"`, below every version.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Bound {
    Zero,
    At(Version),
}

impl Bound {
    fn cmp_version(&self, v: &Version) -> Ordering {
        match self {
            Bound::Zero => Ordering::Less,
            Bound::At(b) => b.cmp(v),
        }
    }
}

fn cmp_bounds(a: &Bound, b: &Bound) -> Ordering {
    match (a, b) {
        (Bound::Zero, Bound::Zero) => Ordering::Equal,
        (Bound::Zero, Bound::At(_)) => Ordering::Less,
        (Bound::At(_), Bound::Zero) => Ordering::Greater,
        (Bound::At(x), Bound::At(y)) => x.cmp(y),
    }
}

impl CompiledRange {
    fn compile(index: usize, range: &Range) -> Result<Self, MatchError> {
        let mut events = Vec::with_capacity(range.events.len());
        let mut limits = Vec::new();
        for (event_index, event) in range.events.iter().enumerate() {
            let (field, value) = single_field(index, event_index, event)?;
            let bad = || MatchError::EventVersion {
                range: index,
                event: event_index,
                field,
                value: value.to_owned(),
            };
            match field {
                "limit" if value.contains('*') => limits.push(None),
                "limit" => limits.push(Some(event_version(value).ok_or_else(bad)?)),
                "introduced" if value.trim() == "0" => events.push((Kind::Introduced, Bound::Zero)),
                _ => {
                    let kind = match field {
                        "introduced" => Kind::Introduced,
                        "fixed" => Kind::Fixed,
                        _ => Kind::LastAffected,
                    };
                    events.push((kind, Bound::At(event_version(value).ok_or_else(bad)?)));
                }
            }
        }
        if !events.iter().any(|(kind, _)| *kind == Kind::Introduced) {
            return Err(MatchError::NoIntroduced { range: index });
        }
        events.sort_by(|(_, a), (_, b)| cmp_bounds(a, b));
        Ok(Self { events, limits })
    }

    /// OSV's `IncludedInRanges` for this range.
    fn matches(&self, v: &Version) -> bool {
        let below_limit = self.limits.is_empty()
            || self
                .limits
                .iter()
                .any(|limit| limit.as_ref().is_none_or(|l| v < l));
        if !below_limit {
            return false;
        }
        let mut vulnerable = false;
        for (kind, bound) in &self.events {
            let order = bound.cmp_version(v);
            match kind {
                Kind::Introduced if order != Ordering::Greater => vulnerable = true,
                Kind::Fixed if order != Ordering::Greater => vulnerable = false,
                Kind::LastAffected if order == Ordering::Less => vulnerable = false,
                _ => {}
            }
        }
        vulnerable
    }

    fn fixed(&self) -> impl Iterator<Item = &Version> {
        self.events
            .iter()
            .filter_map(|(kind, bound)| match (kind, bound) {
                (Kind::Fixed, Bound::At(v)) => Some(v),
                _ => None,
            })
    }
}

/// The one field an event sets, and its value.
fn single_field(range: usize, event: usize, e: &Event) -> Result<(&'static str, &str), MatchError> {
    let fields = [
        ("introduced", &e.introduced),
        ("fixed", &e.fixed),
        ("last_affected", &e.last_affected),
        ("limit", &e.limit),
    ];
    let mut set = fields
        .iter()
        .filter_map(|(name, value)| value.as_deref().map(|v| (*name, v)));
    match (set.next(), set.count()) {
        (Some(one), 0) => Ok(one),
        (first, rest) => Err(MatchError::EventShape {
            range,
            event,
            count: usize::from(first.is_some()) + rest,
        }),
    }
}

/// An event's version: node's strict parse, after reading a partial `1` or `1.0` as
/// `1.0.0` (OSV producers write those; npm never publishes them).
fn event_version(value: &str) -> Option<Version> {
    let value = value.trim();
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let dots = value.split('.').collect::<Vec<_>>();
    match dots.as_slice() {
        [major] if numeric(major) => parse_strict(&format!("{major}.0.0")),
        [major, minor] if numeric(major) && numeric(minor) => {
            parse_strict(&format!("{major}.{minor}.0"))
        }
        _ => parse_strict(value),
    }
}

impl CompiledAffected {
    /// Compiles `affected`. The ecosystem is not checked: callers pick the npm entries
    /// ([`crate::osv::Record::npm_affected`]).
    pub fn new(affected: &Affected) -> Result<Self, MatchError> {
        let mut ranges = Vec::new();
        for (index, range) in affected.ranges.iter().enumerate() {
            if range.kind.eq_ignore_ascii_case("SEMVER")
                || range.kind.eq_ignore_ascii_case("ECOSYSTEM")
            {
                ranges.push(CompiledRange::compile(index, range)?);
            } else if range.kind.eq_ignore_ascii_case("GIT") {
                // Commits, not registry versions: nothing to compare.
            } else {
                return Err(MatchError::RangeType {
                    range: index,
                    kind: range.kind.clone(),
                });
            }
        }
        let (mut versions, mut unreadable_versions) = (Vec::new(), Vec::new());
        for listed in &affected.versions {
            match parse_strict(listed) {
                Some(v) => versions.push(v),
                // No valid npm version can equal it, so it can only be reported, not matched.
                None => unreadable_versions.push(listed.clone()),
            }
        }
        let specific = affected.database_specific.as_ref();
        let npm_range = match specific.and_then(|s| s.get(NPM_VULNERABLE_VERSIONS)) {
            None => None,
            Some(Value::String(range)) if range.trim().is_empty() => {
                // node would read an empty range as "every version"; an advisory saying that
                // by omission is more likely broken than meant.
                return Err(MatchError::NpmRange {
                    range: range.clone(),
                    reason: "empty range".to_owned(),
                });
            }
            Some(Value::String(range)) => {
                Some(
                    NpmRange::parse(range).map_err(|reason| MatchError::NpmRange {
                        range: range.clone(),
                        reason,
                    })?,
                )
            }
            Some(other) => {
                return Err(MatchError::NpmRange {
                    range: other.to_string(),
                    reason: "not a string".to_owned(),
                });
            }
        };
        // Patched ranges only feed the fix hint, so one that does not parse costs the hint.
        let npm_patched = specific
            .and_then(|s| s.get(NPM_PATCHED_VERSIONS))
            .and_then(Value::as_str)
            .and_then(|r| NpmRange::parse(r).ok());
        let none_listed = versions.is_empty() && unreadable_versions.is_empty();
        if ranges.is_empty() && none_listed && npm_range.is_none() {
            return Err(MatchError::NoVersions);
        }
        let package = affected
            .package
            .as_ref()
            .map(|p| p.name.clone())
            .unwrap_or_default();
        Ok(Self {
            package,
            ranges,
            versions,
            unreadable_versions,
            npm_range,
            npm_patched,
        })
    }

    /// The affected package's name (empty when the entry names none).
    pub fn package(&self) -> &str {
        &self.package
    }

    /// `versions` entries that are not semver versions: no npm version can equal them, so
    /// they never match; importers may want to say so.
    pub fn unreadable_versions(&self) -> &[String] {
        &self.unreadable_versions
    }

    /// True when `v` is affected.
    pub fn matches(&self, v: &Version) -> bool {
        self.versions.iter().any(|listed| listed == v)
            || self.ranges.iter().any(|range| range.matches(v))
            || self
                .npm_range
                .as_ref()
                .is_some_and(|range| range.matches(v))
    }

    /// The smallest fix above `v` that this entry does not itself cover: a `fixed` event,
    /// or for an npm range the first version past one of its sets (`<X`) or the start of
    /// its patched range. `None` when no such version is named.
    pub fn lowest_fixed(&self, v: &Version) -> Option<Version> {
        let mut candidates: Vec<Version> = self
            .ranges
            .iter()
            .flat_map(CompiledRange::fixed)
            .cloned()
            .collect();
        if let Some(range) = &self.npm_range {
            candidates.extend(range.exclusive_uppers().map(release_of_dash_zero));
        }
        if let Some(patched) = &self.npm_patched {
            candidates.extend(
                patched
                    .bounds()
                    .filter(|(lower, _)| *lower)
                    .map(|(_, v)| release_of_dash_zero(v)),
            );
        }
        candidates.retain(|c| c > v);
        candidates.sort();
        candidates.dedup();
        candidates.into_iter().find(|c| {
            !self.matches(c)
                && self
                    .npm_patched
                    .as_ref()
                    .is_none_or(|patched| patched.matches(c))
        })
    }
}

/// `2.0.0-0`, the bound node writes for "below 2.0.0 and its prereleases", names release 2.0.0.
fn release_of_dash_zero(v: &Version) -> Version {
    if v.pre_release() == [Identifier::Numeric(0)] {
        Version::new(v.major(), v.minor(), v.patch(), Vec::new(), Vec::new())
    } else {
        v.clone()
    }
}

/// Why a record's affected entry cannot be evaluated, naming the record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{id}: affected[{index}] ({package}): {source}")]
pub struct RecordError {
    /// The record's id.
    pub id: String,
    /// Index in the record's `affected`.
    pub index: usize,
    /// The package the entry names.
    pub package: String,
    /// What is wrong.
    #[source]
    pub source: MatchError,
}

/// Compiles every npm entry of `record` (other ecosystems are skipped).
pub fn compile_record(record: &Record) -> Result<Vec<CompiledAffected>, RecordError> {
    let mut out = Vec::new();
    for (index, affected) in record.affected.iter().enumerate() {
        let Some(package) = affected
            .package
            .as_ref()
            .filter(|p| p.ecosystem.eq_ignore_ascii_case("npm"))
        else {
            continue;
        };
        let compiled = CompiledAffected::new(affected).map_err(|source| RecordError {
            id: record.id.clone(),
            index,
            package: package.name.clone(),
            source,
        })?;
        out.push(compiled);
    }
    Ok(out)
}
