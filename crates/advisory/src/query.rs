//! The one question the scan asks: does this record affect `name@version`, and what fixes it?

use std::cmp::Ordering;

use crate::matcher::{self, RecordError};
use crate::osv::Record;

/// A record that affects a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Lowest version that fixes it, when the record names one.
    pub fixed_in: Option<String>,
}

/// Why a record could not be evaluated for a version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// An affected entry has unreadable versions.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// The package version itself is not semver (registry versions always are).
    #[error("version {0:?} is not a semver version")]
    Version(String),
}

/// `Ok(Some(hit))` when `record` (not withdrawn) affects npm package `name` at `version`.
pub fn affects(record: &Record, name: &str, version: &str) -> Result<Option<Hit>, QueryError> {
    if record.withdrawn.is_some() {
        return Ok(None);
    }
    let entries = matcher::compile_record(record)?;
    let mut relevant = entries.iter().filter(|e| e.package() == name).peekable();
    if relevant.peek().is_none() {
        return Ok(None);
    }
    let v = matcher::parse_version(version).map_err(|_| QueryError::Version(version.to_owned()))?;
    let mut hit = None::<Hit>;
    for entry in relevant.filter(|e| e.matches(&v)) {
        let fixed = entry.lowest_fixed(&v);
        let current = hit.get_or_insert(Hit { fixed_in: None });
        if let Some(f) = fixed {
            let keep = current
                .fixed_in
                .as_deref()
                .and_then(|c| matcher::parse_version(c).ok())
                .is_some_and(|c| c <= f);
            if !keep {
                current.fixed_in = Some(f.to_string());
            }
        }
    }
    Ok(hit)
}

/// Semver order of two version strings; unparseable ones sort after, as strings.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    match (matcher::parse_version(a), matcher::parse_version(b)) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(json: serde_json::Value) -> Record {
        serde_json::from_value(json).expect("record")
    }

    #[test]
    fn affects_with_fix_hint_and_withdrawn() {
        let r = record(serde_json::json!({
            "id": "GHSA-x", "modified": "2020-01-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": "npm", "name": "lodash"},
                          "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}]}]
        }));
        assert_eq!(
            affects(&r, "lodash", "4.17.4"),
            Ok(Some(Hit {
                fixed_in: Some("4.17.21".into())
            }))
        );
        assert_eq!(affects(&r, "lodash", "4.17.21"), Ok(None));
        assert_eq!(
            affects(&r, "lodash-es", "4.17.4"),
            Ok(None),
            "other package"
        );
        assert!(matches!(
            affects(&r, "lodash", "not-a-version"),
            Err(QueryError::Version(_))
        ));
        let mut w = r.clone();
        w.withdrawn = Some("2021-01-01T00:00:00Z".into());
        assert_eq!(affects(&w, "lodash", "4.17.4"), Ok(None));
    }

    #[test]
    fn orders_versions_semantically() {
        assert_eq!(compare_versions("4.17.9", "4.17.10"), Ordering::Less);
        assert_eq!(compare_versions("1.0.0-beta", "1.0.0"), Ordering::Less);
        assert_eq!(compare_versions("x", "1.0.0"), Ordering::Greater);
    }
}
