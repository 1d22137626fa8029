//! npm's legacy advisory shape (the Node Security Platform / npm advisory endpoint format:
//! `module_name`, `vulnerable_versions`, `patched_versions`, `cves`, `cvss_vector`, …) → OSV.
//!
//! OSV's range events cannot express an arbitrary npm range such as
//! `>=1.0.0 <1.2.3 || >=2.0.0 <2.0.5`, and approximating one would make matches wrong in both
//! directions. So the range strings are kept verbatim in the affected entry's
//! `database_specific` under [`NPM_VULNERABLE_VERSIONS`] and [`NPM_PATCHED_VERSIONS`], `ranges`
//! is left empty, and the matcher evaluates the strings with npm's semver semantics.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::osv;

/// `affected[].database_specific` key holding the npm range of affected versions, verbatim.
pub const NPM_VULNERABLE_VERSIONS: &str = "npm_vulnerable_versions";
/// `affected[].database_specific` key holding the npm range of patched versions, verbatim.
/// Absent when the advisory names no patched version.
pub const NPM_PATCHED_VERSIONS: &str = "npm_patched_versions";
/// Record-level `database_specific` key holding the legacy advisory's own id (a number).
pub const NPM_LEGACY_ID: &str = "npm_legacy_id";
/// Prefix of the OSV id given to a converted legacy advisory: `NPM-<legacy id>`.
pub const LEGACY_ID_PREFIX: &str = "NPM-";

/// Why a legacy advisory cannot be converted.
#[derive(Debug, thiserror::Error)]
pub enum LegacyError {
    /// A field has the wrong type, or a required one is missing.
    #[error("{0}")]
    Shape(#[source] serde_json::Error),
    /// A required field is empty.
    #[error("`{0}` is empty")]
    Empty(&'static str),
    /// `id` is neither a number nor a string.
    #[error("`id` must be a number or a string, found {0}")]
    Id(String),
    /// No usable date for `modified`.
    #[error("no `updated_at`, `created_at` or `publish_date` to use as `modified`")]
    NoDate,
    /// A date that is neither `YYYY-MM-DD` nor RFC 3339.
    #[error("`{field}` is {value:?}, expected YYYY-MM-DD or an RFC 3339 timestamp")]
    Date {
        /// The field.
        field: &'static str,
        /// Its value.
        value: String,
    },
}

/// True when `value` is in the legacy shape: an object with `module_name` and
/// `vulnerable_versions`.
pub fn is_legacy(value: &Value) -> bool {
    value.get("module_name").is_some() && value.get("vulnerable_versions").is_some()
}

/// The fields Portcullis uses. `null` is accepted wherever a value is optional: the real data
/// has `null` `patched_versions`, `recommendation`, `references` and `cvss_vector`.
#[derive(Deserialize)]
struct Legacy {
    id: Value,
    module_name: String,
    vulnerable_versions: String,
    #[serde(default)]
    patched_versions: Option<String>,
    #[serde(default)]
    cves: Option<Vec<Option<String>>>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    overview: Option<String>,
    #[serde(default)]
    recommendation: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    updated_at: Option<String>,
    #[serde(default)]
    publish_date: Option<String>,
    #[serde(default)]
    references: Option<Value>,
    #[serde(default)]
    cvss_vector: Option<String>,
    #[serde(default)]
    cvss_score: Option<f64>,
    /// npm's advisory endpoint has a severity label and a CWE; the Node.js WG files do not.
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    cwe: Option<String>,
}

/// Converts a legacy advisory to an OSV record (see the module docs for the range strings).
pub fn legacy_to_osv(value: &Value) -> Result<osv::Record, LegacyError> {
    let legacy = Legacy::deserialize(value).map_err(LegacyError::Shape)?;
    let legacy_id = match &legacy.id {
        Value::Number(n) => n.to_string(),
        Value::String(s) if !s.trim().is_empty() => s.trim().to_owned(),
        Value::String(_) => return Err(LegacyError::Empty("id")),
        other => return Err(LegacyError::Id(other.to_string())),
    };
    let module_name = legacy.module_name.trim();
    if module_name.is_empty() {
        return Err(LegacyError::Empty("module_name"));
    }

    let modified = first_date(&[
        ("updated_at", &legacy.updated_at),
        ("created_at", &legacy.created_at),
        ("publish_date", &legacy.publish_date),
    ])
    .ok_or(LegacyError::NoDate)
    .and_then(|(field, value)| normalise_date(field, value))?;
    let published = first_date(&[
        ("publish_date", &legacy.publish_date),
        ("created_at", &legacy.created_at),
    ])
    .map(|(field, value)| normalise_date(field, value))
    .transpose()?;

    let mut aliases: Vec<String> = Vec::new();
    for cve in legacy.cves.into_iter().flatten().flatten() {
        let cve = cve.trim();
        if !cve.is_empty() && !aliases.iter().any(|a| a == cve) {
            aliases.push(cve.to_owned());
        }
    }

    let details = match (non_empty(legacy.overview), non_empty(legacy.recommendation)) {
        (Some(overview), Some(recommendation)) => Some(format!(
            "{overview}\n\n## Recommendation\n\n{recommendation}"
        )),
        (Some(overview), None) => Some(overview),
        (None, Some(recommendation)) => Some(format!("## Recommendation\n\n{recommendation}")),
        (None, None) => None,
    };

    let vector = non_empty(legacy.cvss_vector);
    let severity = vector
        .iter()
        .map(|v| osv::Severity {
            kind: cvss_kind(v).to_owned(),
            score: v.clone(),
        })
        .collect();

    let mut affected_specific = Map::new();
    affected_specific.insert(
        NPM_VULNERABLE_VERSIONS.to_owned(),
        Value::String(legacy.vulnerable_versions),
    );
    if let Some(patched) = legacy.patched_versions {
        affected_specific.insert(NPM_PATCHED_VERSIONS.to_owned(), Value::String(patched));
    }

    let mut record_specific = Map::new();
    record_specific.insert(NPM_LEGACY_ID.to_owned(), legacy.id.clone());
    // The cvss module scores vectors; a label is only a fallback for advisories without one,
    // under the key GitHub's OSV records use.
    if vector.is_none() {
        let label = non_empty(legacy.severity)
            .map(|s| s.to_ascii_uppercase())
            .or_else(|| legacy.cvss_score.and_then(score_label));
        if let Some(label) = label {
            record_specific.insert("severity".to_owned(), Value::String(label));
        }
    }
    if let Some(cwe) = non_empty(legacy.cwe) {
        record_specific.insert("cwe_ids".to_owned(), json!([cwe]));
    }

    Ok(osv::Record {
        id: format!("{LEGACY_ID_PREFIX}{legacy_id}"),
        modified,
        published,
        withdrawn: None,
        aliases,
        related: Vec::new(),
        summary: non_empty(legacy.title),
        details,
        severity,
        affected: vec![osv::Affected {
            package: Some(osv::AffectedPackage {
                ecosystem: "npm".to_owned(),
                name: module_name.to_owned(),
                purl: None,
            }),
            ranges: Vec::new(),
            versions: Vec::new(),
            severity: Vec::new(),
            ecosystem_specific: None,
            database_specific: Some(Value::Object(affected_specific)),
        }],
        references: references(legacy.references.as_ref()),
        database_specific: Some(Value::Object(record_specific)),
    })
}

/// `YYYY-MM-DD` → `YYYY-MM-DDT00:00:00Z`; RFC 3339 timestamps pass unchanged.
fn normalise_date(field: &'static str, value: &str) -> Result<String, LegacyError> {
    let value = value.trim();
    if super::is_rfc3339(value) {
        return Ok(value.to_owned());
    }
    let candidate = format!("{value}T00:00:00Z");
    if value.len() == 10 && super::is_rfc3339(&candidate) {
        return Ok(candidate);
    }
    Err(LegacyError::Date {
        field,
        value: value.to_owned(),
    })
}

/// The OSV severity type for a vector: the prefix names the version, and a vector without a
/// prefix (`AV:N/AC:L/Au:N/…`) is CVSS v2, which never had one.
fn cvss_kind(vector: &str) -> &'static str {
    if vector.starts_with("CVSS:4") {
        "CVSS_V4"
    } else if vector.starts_with("CVSS:3") {
        "CVSS_V3"
    } else {
        "CVSS_V2"
    }
}

/// CVSS v3 qualitative ratings, spelt as GitHub's `database_specific.severity` spells them.
fn score_label(score: f64) -> Option<String> {
    let label = match score {
        s if !(0.0..=10.0).contains(&s) => return None,
        s if s >= 9.0 => "CRITICAL",
        s if s >= 7.0 => "HIGH",
        s if s >= 4.0 => "MODERATE",
        s if s > 0.0 => "LOW",
        _ => return None,
    };
    Some(label.to_owned())
}

/// `references` is a list of URLs in the Node.js WG files, but a markdown string of links in
/// npm's endpoint; both become `WEB` references, in order, without duplicates.
fn references(value: Option<&Value>) -> Vec<osv::Reference> {
    let mut urls: Vec<String> = Vec::new();
    let mut add = |url: &str| {
        let url = url.trim();
        if (url.starts_with("https://") || url.starts_with("http://"))
            && !urls.iter().any(|u| u == url)
        {
            urls.push(url.to_owned());
        }
    };
    match value {
        Some(Value::Array(items)) => {
            for item in items {
                match item {
                    Value::String(url) => add(url),
                    Value::Object(object) => {
                        if let Some(Value::String(url)) = object.get("url") {
                            add(url);
                        }
                    }
                    _ => {}
                }
            }
        }
        Some(Value::String(text)) => {
            for token in text.split(|c: char| {
                c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | '<' | '>' | '"')
            }) {
                add(token);
            }
        }
        _ => {}
    }
    urls.into_iter()
        .map(|url| osv::Reference {
            kind: "WEB".to_owned(),
            url,
        })
        .collect()
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// The first of `fields` that holds a non-blank date, with its field name.
fn first_date<'a>(
    fields: &[(&'static str, &'a Option<String>)],
) -> Option<(&'static str, &'a str)> {
    fields.iter().find_map(|(field, value)| {
        value
            .as_deref()
            .filter(|v| !v.trim().is_empty())
            .map(|v| (*field, v))
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn base() -> Value {
        json!({
            "id": 1, "created_at": "2015-10-17", "updated_at": "2016-04-28", "title": "Arbitrary JavaScript Execution",
            "module_name": "bassmaster", "publish_date": "2014-09-27", "cves": ["CVE-2014-7205", "CVE-2014-7205"],
            "vulnerable_versions": "<=1.5.1", "patched_versions": ">=1.5.2",
            "overview": "A vulnerability exists.", "recommendation": "Update to 1.5.2.",
            "references": ["https://example.invalid/advisory", "not a url"],
            "cvss_vector": "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N", "cvss_score": 6.5,
            "author": {"name": "someone"}, "coordinating_vendor": null
        })
    }

    fn convert(edit: impl FnOnce(&mut Map<String, Value>)) -> Result<osv::Record, LegacyError> {
        let mut value = base();
        if let Value::Object(map) = &mut value {
            edit(map);
        }
        legacy_to_osv(&value)
    }

    #[test]
    fn converts_every_field() {
        let record = legacy_to_osv(&base()).expect("convert");
        assert_eq!(record.id, "NPM-1");
        assert_eq!(record.modified, "2016-04-28T00:00:00Z");
        assert_eq!(record.published.as_deref(), Some("2014-09-27T00:00:00Z"));
        assert_eq!(record.aliases, ["CVE-2014-7205"]);
        assert_eq!(
            record.summary.as_deref(),
            Some("Arbitrary JavaScript Execution")
        );
        assert_eq!(
            record.details.as_deref(),
            Some("A vulnerability exists.\n\n## Recommendation\n\nUpdate to 1.5.2.")
        );
        assert_eq!(
            record.severity,
            [osv::Severity {
                kind: "CVSS_V3".into(),
                score: "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N".into()
            }]
        );
        assert_eq!(
            record.references,
            [osv::Reference {
                kind: "WEB".into(),
                url: "https://example.invalid/advisory".into()
            }]
        );
        let affected = &record.affected[0];
        assert_eq!(
            affected
                .package
                .as_ref()
                .map(|p| (p.ecosystem.as_str(), p.name.as_str())),
            Some(("npm", "bassmaster"))
        );
        assert!(affected.ranges.is_empty() && affected.versions.is_empty());
        assert_eq!(
            affected.database_specific,
            Some(json!({NPM_VULNERABLE_VERSIONS: "<=1.5.1", NPM_PATCHED_VERSIONS: ">=1.5.2"}))
        );
        // No label when there is a vector: severity comes from the vector.
        assert_eq!(record.database_specific, Some(json!({NPM_LEGACY_ID: 1})));
        assert_eq!(record.npm_affected().count(), 1);
    }

    #[test]
    fn optional_fields_may_be_null_or_missing() {
        let record = convert(|m| {
            for key in [
                "patched_versions",
                "recommendation",
                "references",
                "cvss_vector",
            ] {
                m.insert(key.into(), Value::Null);
            }
            m.remove("cves");
            m.insert("cvss_score".into(), json!(9.8));
        })
        .expect("convert");
        assert!(
            record.severity.is_empty() && record.references.is_empty() && record.aliases.is_empty()
        );
        assert_eq!(record.details.as_deref(), Some("A vulnerability exists."));
        assert_eq!(
            record.affected[0].database_specific,
            Some(json!({NPM_VULNERABLE_VERSIONS: "<=1.5.1"}))
        );
        assert_eq!(
            record.database_specific,
            Some(json!({NPM_LEGACY_ID: 1, "severity": "CRITICAL"}))
        );
    }

    #[test]
    fn npm_endpoint_variant() {
        let record = convert(|m| {
            m.insert("id".into(), json!("1523"));
            m.insert("updated_at".into(), json!("2019-07-09T15:28:49.000Z"));
            m.insert("cvss_vector".into(), json!("AV:N/AC:L/Au:N/C:P/I:P/A:P"));
            m.insert(
                "references".into(),
                json!("- [CVE](https://example.invalid/cve)\n- https://example.invalid/fix"),
            );
            m.insert("cwe".into(), json!("CWE-471"));
        })
        .expect("convert");
        assert_eq!(record.id, "NPM-1523");
        assert_eq!(record.modified, "2019-07-09T15:28:49.000Z");
        assert_eq!(record.severity[0].kind, "CVSS_V2");
        let urls: Vec<_> = record.references.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(
            urls,
            ["https://example.invalid/cve", "https://example.invalid/fix"]
        );
        assert_eq!(
            record.database_specific,
            Some(json!({NPM_LEGACY_ID: "1523", "cwe_ids": ["CWE-471"]}))
        );
    }

    #[test]
    fn rejects_what_cannot_be_converted() {
        let err =
            |edit: fn(&mut Map<String, Value>)| convert(edit).expect_err("should fail").to_string();
        assert_eq!(
            err(|m| drop(m.insert("module_name".into(), json!(" ")))),
            "`module_name` is empty"
        );
        assert_eq!(
            err(|m| drop(m.insert("id".into(), json!([1])))),
            "`id` must be a number or a string, found [1]"
        );
        assert!(
            err(|m| drop(m.insert("vulnerable_versions".into(), json!(5))))
                .contains("invalid type")
        );
        assert_eq!(
            err(|m| drop(m.insert("updated_at".into(), json!("April 2016")))),
            "`updated_at` is \"April 2016\", expected YYYY-MM-DD or an RFC 3339 timestamp"
        );
        let no_dates = |m: &mut Map<String, Value>| {
            for key in ["updated_at", "created_at", "publish_date"] {
                m.remove(key);
            }
        };
        assert!(matches!(convert(no_dates), Err(LegacyError::NoDate)));
    }

    #[test]
    fn detection_needs_both_fields() {
        assert!(is_legacy(&base()));
        assert!(!is_legacy(&json!({"module_name": "x"})));
        assert!(!is_legacy(
            &json!({"id": "GHSA-x", "modified": "2024-01-01T00:00:00Z"})
        ));
    }

    #[test]
    fn score_labels() {
        let labels: Vec<_> = [0.0, 0.1, 3.9, 4.0, 6.9, 7.0, 8.9, 9.0, 10.0, 11.0]
            .into_iter()
            .map(score_label)
            .collect();
        let expected = [
            None,
            Some("LOW"),
            Some("LOW"),
            Some("MODERATE"),
            Some("MODERATE"),
            Some("HIGH"),
            Some("HIGH"),
            Some("CRITICAL"),
            Some("CRITICAL"),
            None,
        ];
        assert_eq!(labels, expected.map(|l| l.map(str::to_owned)));
    }
}
