//! [`severity_of`]: which evidence in an OSV record decides its severity.

use portcullis_types::Severity;
use serde_json::json;

use crate::cvss::{DATABASE_SPECIFIC_SOURCE, severity_of, severity_with_notes};
use crate::osv::Record;

const V31_CRITICAL: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"; // 9.8
const V31_MODERATE: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N"; // 6.5
const V40_LOW: &str = "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:L"; // 2.3
const V2_HIGH: &str = "AV:N/AC:L/Au:N/C:P/I:P/A:P"; // 7.5

fn record(value: serde_json::Value) -> Record {
    let mut base = json!({"id": "GHSA-test", "modified": "2024-01-01T00:00:00Z"});
    if let (Some(base), Some(extra)) = (base.as_object_mut(), value.as_object()) {
        base.extend(extra.clone());
    }
    serde_json::from_value(base).expect("test record")
}

fn entry(kind: &str, score: &str) -> serde_json::Value {
    json!({"type": kind, "score": score})
}

#[test]
fn v4_is_preferred_over_v3_even_when_lower() {
    let r = record(json!({
        "severity": [entry("CVSS_V3", V31_CRITICAL), entry("CVSS_V4", V40_LOW)],
        "database_specific": {"severity": "CRITICAL"},
    }));
    assert_eq!(
        severity_of(&r),
        Some((Severity::Low, Some(2.3), V40_LOW.to_owned()))
    );
}

#[test]
fn v3_is_preferred_over_v2_and_over_the_label() {
    let r = record(json!({
        "severity": [entry("CVSS_V2", V2_HIGH), entry("CVSS_V3", V31_MODERATE)],
        "database_specific": {"severity": "HIGH"},
    }));
    assert_eq!(
        severity_of(&r),
        Some((Severity::Moderate, Some(6.5), V31_MODERATE.to_owned()))
    );
    let only_v2 = record(json!({"severity": [entry("CVSS_V2", V2_HIGH)]}));
    assert_eq!(
        severity_of(&only_v2),
        Some((Severity::High, Some(7.5), V2_HIGH.to_owned()))
    );
}

#[test]
fn the_highest_vector_of_the_best_version_wins_including_per_package_ones() {
    let r = record(json!({
        "severity": [entry("CVSS_V3", V31_MODERATE)],
        "affected": [
            {"package": {"ecosystem": "npm", "name": "a"}, "severity": [entry("CVSS_V3", V31_CRITICAL)]},
        ],
    }));
    assert_eq!(
        severity_of(&r),
        Some((Severity::Critical, Some(9.8), V31_CRITICAL.to_owned()))
    );
    // Another ecosystem's per-package vector is not evidence about the npm package.
    let other = record(json!({
        "severity": [entry("CVSS_V3", V31_MODERATE)],
        "affected": [
            {"package": {"ecosystem": "PyPI", "name": "a"}, "severity": [entry("CVSS_V3", V31_CRITICAL)]},
        ],
    }));
    assert_eq!(severity_of(&other).map(|s| s.0), Some(Severity::Moderate));
}

#[test]
fn the_label_is_the_fallback_in_any_case() {
    for (label, expected) in [
        ("LOW", Severity::Low),
        ("MODERATE", Severity::Moderate),
        ("medium", Severity::Moderate),
        ("High", Severity::High),
        ("CRITICAL", Severity::Critical),
    ] {
        let r = record(json!({"database_specific": {"severity": label}}));
        assert_eq!(
            severity_of(&r),
            Some((expected, None, DATABASE_SPECIFIC_SOURCE.to_owned())),
            "{label}"
        );
    }
}

#[test]
fn bad_evidence_is_skipped_with_a_note_never_a_panic() {
    let r = record(json!({
        "severity": [
            entry("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:U/A:H"),
            entry("CVSS_V4", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N"),
            entry("Ubuntu", "high"),
            entry("CVSS_V3", "not a vector"),
        ],
        "database_specific": {"severity": "MODERATE"},
    }));
    let (found, notes) = severity_with_notes(&r);
    assert_eq!(
        found,
        Some((
            Severity::Moderate,
            None,
            DATABASE_SPECIFIC_SOURCE.to_owned()
        ))
    );
    assert_eq!(notes.len(), 4, "{notes:#?}");
    assert!(
        notes[0].contains("\"U\" is not a value of metric I"),
        "{}",
        notes[0]
    );
    assert!(notes[1].contains("scores 0.0"), "{}", notes[1]);
    assert!(notes[2].contains("not a CVSS vector"), "{}", notes[2]);
    assert!(notes[3].contains("skipped CVSS_V3"), "{}", notes[3]);
}

#[test]
fn no_evidence_means_no_severity() {
    let mal = record(json!({"id": "MAL-2025-1", "summary": "Malicious code in x (npm)"}));
    assert_eq!(severity_with_notes(&mal), (None, Vec::new()));
    let none_label = record(json!({"database_specific": {"severity": "NONE"}}));
    let (found, notes) = severity_with_notes(&none_label);
    assert_eq!(found, None);
    assert_eq!(notes.len(), 1);
    assert!(notes[0].contains("is not a severity"), "{}", notes[0]);
    let not_a_string = record(json!({"database_specific": {"severity": 7}}));
    assert_eq!(severity_of(&not_a_string), None);
}
