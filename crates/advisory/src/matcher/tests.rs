//! Hand-written ranges; the differential test against node's `semver`
//! (`tests/semver_differential.rs`) covers the real advisories.

use serde_json::json;

use super::*;
use crate::osv::{AffectedPackage, Event, Range, Record};

fn event(field: &str, value: &str) -> Event {
    let mut e = Event::default();
    let slot = match field {
        "introduced" => &mut e.introduced,
        "fixed" => &mut e.fixed,
        "last_affected" => &mut e.last_affected,
        _ => &mut e.limit,
    };
    *slot = Some(value.to_owned());
    e
}

fn range(kind: &str, events: &[(&str, &str)]) -> Range {
    Range {
        kind: kind.to_owned(),
        events: events.iter().map(|(f, v)| event(f, v)).collect(),
        repo: None,
        database_specific: None,
    }
}

fn affected(ranges: Vec<Range>, versions: &[&str]) -> Affected {
    Affected {
        package: Some(AffectedPackage {
            ecosystem: "npm".to_owned(),
            name: "pkg".to_owned(),
            purl: None,
        }),
        ranges,
        versions: versions.iter().map(|v| (*v).to_owned()).collect(),
        severity: Vec::new(),
        ecosystem_specific: None,
        database_specific: None,
    }
}

fn legacy(vulnerable: &str, patched: Option<&str>) -> Affected {
    let mut a = affected(Vec::new(), &[]);
    let mut specific = json!({ crate::import::NPM_VULNERABLE_VERSIONS: vulnerable });
    if let (Some(p), Some(map)) = (patched, specific.as_object_mut()) {
        map.insert(crate::import::NPM_PATCHED_VERSIONS.to_owned(), json!(p));
    }
    a.database_specific = Some(specific);
    a
}

/// Asserts which of `versions` are affected: `expected` has one `1`/`0` per version.
fn check(a: &Affected, versions: &[&str], expected: &str) {
    let compiled = CompiledAffected::new(a).expect("compiles");
    let got: String = versions
        .iter()
        .map(|v| {
            if compiled.matches(&parse_version(v).expect("version")) {
                '1'
            } else {
                '0'
            }
        })
        .collect();
    assert_eq!(got, expected, "versions {versions:?}");
    for (v, want) in versions.iter().zip(expected.chars()) {
        assert_eq!(is_affected(a, v), Ok(want == '1'), "is_affected({v})");
    }
}

#[test]
fn introduced_zero_and_fixed() {
    let a = affected(
        vec![range(
            "SEMVER",
            &[("introduced", "0"), ("fixed", "4.17.12")],
        )],
        &[],
    );
    check(
        &a,
        &[
            "0.0.0-0",
            "0.0.1",
            "4.17.11",
            "4.17.12-beta.1",
            "4.17.12",
            "4.17.21",
        ],
        "111100",
    );
    assert_eq!(lowest_fixed(&a, "4.17.4"), Ok(Some("4.17.12".to_owned())));
    assert_eq!(lowest_fixed(&a, "4.17.21"), Ok(None));
}

#[test]
fn last_affected_is_inclusive() {
    let a = affected(
        vec![range(
            "ECOSYSTEM",
            &[("introduced", "1.0.0"), ("last_affected", "2.1.214")],
        )],
        &[],
    );
    check(
        &a,
        &[
            "0.9.9",
            "1.0.0-rc.1",
            "1.0.0",
            "2.1.214",
            "2.1.215-0",
            "2.1.215",
        ],
        "001100",
    );
    // Nothing names a fixed version, so there is no hint to give.
    assert_eq!(lowest_fixed(&a, "2.0.0"), Ok(None));
}

#[test]
fn multiple_pairs_even_unsorted() {
    let events = [
        ("introduced", "3.0.0"),
        ("fixed", "3.2.5"),
        ("introduced", "1.0.0"),
        ("fixed", "1.0.2"),
    ];
    let a = affected(vec![range("SEMVER", &events)], &[]);
    check(
        &a,
        &[
            "0.9.0", "1.0.0", "1.0.1", "1.0.2", "2.0.0", "3.0.0", "3.2.4", "3.2.5",
        ],
        "01100110",
    );
    assert_eq!(lowest_fixed(&a, "1.0.1"), Ok(Some("1.0.2".to_owned())));
    assert_eq!(lowest_fixed(&a, "3.1.0"), Ok(Some("3.2.5".to_owned())));
}

#[test]
fn adjacent_intervals_keep_record_order_on_ties() {
    // [0, 1.0.0) and [1.0.0, 2.0.0): 1.0.0 is in the second.
    let events = [
        ("introduced", "0"),
        ("fixed", "1.0.0"),
        ("introduced", "1.0.0"),
        ("fixed", "2.0.0"),
    ];
    let a = affected(vec![range("SEMVER", &events)], &[]);
    check(&a, &["0.5.0", "1.0.0", "1.9.9", "2.0.0"], "1110");
    // 1.0.0 is itself affected, so the hint skips it.
    assert_eq!(lowest_fixed(&a, "0.5.0"), Ok(Some("2.0.0".to_owned())));
}

#[test]
fn limits_bound_the_range() {
    let a = affected(
        vec![range(
            "SEMVER",
            &[("introduced", "1.0.0"), ("limit", "1.5.0")],
        )],
        &[],
    );
    check(
        &a,
        &["0.9.0", "1.0.0", "1.4.9", "1.5.0-0", "1.5.0", "9.0.0"],
        "011100",
    );
    let star = affected(
        vec![range("SEMVER", &[("introduced", "1.0.0"), ("limit", "*")])],
        &[],
    );
    check(&star, &["0.9.0", "1.0.0", "99.0.0"], "011");
    // Several limits: below any one of them is enough.
    let two = affected(
        vec![range(
            "SEMVER",
            &[("introduced", "0"), ("limit", "1.0.0"), ("limit", "3.0.0")],
        )],
        &[],
    );
    check(&two, &["0.1.0", "2.0.0", "3.0.0"], "110");
}

#[test]
fn prerelease_bounds_use_precedence() {
    let a = affected(
        vec![range(
            "SEMVER",
            &[("introduced", "5.0.0-alpha.1"), ("fixed", "5.0.0-beta.3")],
        )],
        &[],
    );
    let versions = [
        "4.9.9",
        "5.0.0-alpha.0",
        "5.0.0-alpha.1",
        "5.0.0-alpha.10",
        "5.0.0-beta",
        "5.0.0-beta.3",
        "5.0.0",
    ];
    check(&a, &versions, "0011100");
    // Unlike a node-semver range, an OSV interval contains prereleases of other versions.
    let b = affected(
        vec![range(
            "SEMVER",
            &[("introduced", "1.0.0"), ("fixed", "2.0.0")],
        )],
        &[],
    );
    check(&b, &["1.0.0-rc.1", "1.5.0-beta.1", "2.0.0-0"], "011");
}

#[test]
fn versions_list_only() {
    let a = affected(Vec::new(), &["1.0.5", "2.0.0-rc.1", "not a version"]);
    check(
        &a,
        &[
            "1.0.5",
            "v1.0.5",
            "1.0.5+build.7",
            "1.0.4",
            "1.0.6",
            "2.0.0-rc.1",
            "2.0.0",
        ],
        "1110010",
    );
    let compiled = CompiledAffected::new(&a).expect("compiles");
    assert_eq!(compiled.unreadable_versions(), ["not a version".to_owned()]);
    assert_eq!(compiled.package(), "pkg");
}

#[test]
fn git_ranges_never_match() {
    let git = range(
        "GIT",
        &[
            ("introduced", "0"),
            ("fixed", "0123456789abcdef0123456789abcdef01234567"),
        ],
    );
    let with_versions = affected(vec![git.clone()], &["1.2.3"]);
    check(&with_versions, &["0.0.1", "1.2.3", "2.0.0"], "010");
    // A GIT range alone says nothing about registry versions: an error, not "never affected".
    assert_eq!(
        CompiledAffected::new(&affected(vec![git], &[])).err(),
        Some(MatchError::NoVersions)
    );
}

#[test]
fn partial_event_versions_are_padded() {
    // Real GHSA data has `introduced: "1.0"`.
    let a = affected(
        vec![range("ECOSYSTEM", &[("introduced", "1.0"), ("fixed", "3")])],
        &[],
    );
    check(&a, &["0.9.0", "1.0.0", "2.9.9", "3.0.0"], "0110");
}

#[test]
fn unreadable_events_are_errors_naming_the_event() {
    let bad = affected(
        vec![range(
            "SEMVER",
            &[("introduced", "0"), ("fixed", "1.2.3.4")],
        )],
        &[],
    );
    let err = CompiledAffected::new(&bad).expect_err("bad fixed");
    assert_eq!(
        err,
        MatchError::EventVersion {
            range: 0,
            event: 1,
            field: "fixed",
            value: "1.2.3.4".to_owned()
        }
    );
    assert_eq!(
        err.to_string(),
        r#"ranges[0].events[1].fixed "1.2.3.4" is not a semver version"#
    );
    assert!(
        is_affected(&bad, "1.0.0").is_err(),
        "never silently matches"
    );

    let mut two = event("introduced", "0");
    two.fixed = Some("1.0.0".to_owned());
    let mut shape = affected(vec![range("SEMVER", &[])], &[]);
    shape.ranges[0].events.push(two);
    assert_eq!(
        CompiledAffected::new(&shape).err(),
        Some(MatchError::EventShape {
            range: 0,
            event: 0,
            count: 2
        })
    );
    shape.ranges[0].events = vec![Event::default()];
    assert_eq!(
        CompiledAffected::new(&shape).err(),
        Some(MatchError::EventShape {
            range: 0,
            event: 0,
            count: 0
        })
    );

    let no_intro = affected(vec![range("SEMVER", &[("fixed", "1.0.0")])], &[]);
    assert_eq!(
        CompiledAffected::new(&no_intro).err(),
        Some(MatchError::NoIntroduced { range: 0 })
    );
    let kind = affected(vec![range("PEP440", &[("introduced", "0")])], &[]);
    assert!(matches!(
        CompiledAffected::new(&kind),
        Err(MatchError::RangeType { range: 0, .. })
    ));
    assert_eq!(
        CompiledAffected::new(&affected(Vec::new(), &[])).err(),
        Some(MatchError::NoVersions)
    );
}

#[test]
fn versions_parse_as_node_strict() {
    for ok in [
        "1.2.3",
        "v1.2.3",
        " 1.2.3 ",
        "1.2.3-rc.1+build.5",
        "0.0.0-0",
        "1.2.3-0a",
        "1.2.3--",
    ] {
        assert!(parse_version(ok).is_ok(), "{ok}");
    }
    for bad in [
        "1.2",
        "1.2.3foo",
        "01.2.3",
        "1.2.3-01",
        "=1.2.3",
        "1.2.3-",
        "1.2.3+",
        "1.2.3-a..b",
        "",
        "9007199254740992.0.0",
    ] {
        assert_eq!(
            parse_version(bad),
            Err(MatchError::Version(bad.to_owned())),
            "{bad}"
        );
    }
    assert!(is_affected(&affected(Vec::new(), &["1.0.0"]), "latest").is_err());
}

#[test]
fn compile_record_names_the_record_and_skips_other_ecosystems() {
    let mut other = affected(
        vec![range("ECOSYSTEM", &[("introduced", "not-semver")])],
        &[],
    );
    other.package = Some(AffectedPackage {
        ecosystem: "PyPI".to_owned(),
        name: "pkg".to_owned(),
        purl: None,
    });
    let good = affected(vec![range("SEMVER", &[("introduced", "0")])], &[]);
    let mut record = Record {
        id: "GHSA-test".to_owned(),
        modified: "2024-01-01T00:00:00Z".to_owned(),
        published: None,
        withdrawn: None,
        aliases: Vec::new(),
        related: Vec::new(),
        summary: None,
        details: None,
        severity: Vec::new(),
        affected: vec![other, good],
        references: Vec::new(),
        database_specific: None,
    };
    let compiled = compile_record(&record).expect("the PyPI entry is not read");
    assert_eq!(compiled.len(), 1);
    record
        .affected
        .push(affected(vec![range("SEMVER", &[("introduced", "x")])], &[]));
    let err = compile_record(&record).expect_err("bad npm entry");
    assert_eq!((err.id.as_str(), err.index), ("GHSA-test", 2));
    assert!(
        err.to_string()
            .starts_with("GHSA-test: affected[2] (pkg): ranges[0].events[0].introduced"),
        "{err}"
    );
}

/// Expected values were produced with node's semver 7.8.5:
/// `new Range(r, { includePrerelease: true, loose: true }).range` and `satisfies`.
#[test]
fn npm_ranges_desugar_as_node() {
    let versions = [
        "1.0.0-alpha",
        "1.0.0",
        "1.2.9",
        "1.3.0-beta",
        "2.0.0-0",
        "2.0.0",
        "0.0.0-alpha",
    ];
    let cases = [
        ("1.x", ">=1.0.0-0 <2.0.0-0", "1111000"),
        ("<= 1.0", "<1.1.0-0", "1100001"),
        (">1.2", ">=1.3.0-0", "0001110"),
        ("1.2.3 - 2.3.4", ">=1.2.3-0 <2.3.5-0", "0011110"),
        ("1.2 - 2", ">=1.2.0-0 <3.0.0-0", "0011110"),
        ("^1.2.3", ">=1.2.3 <2.0.0-0", "0011000"),
        ("^0.0.3", ">=0.0.3 <0.0.4-0", "0000000"),
        ("~1.2", ">=1.2.0-0 <1.3.0-0", "0010000"),
        ("~> 1.2.3", ">=1.2.3 <1.3.0-0", "0010000"),
        ("^ 1.2", ">=1.2.0-0 <2.0.0-0", "0011000"),
        ("*", "", "1111111"),
        (">=*", "", "1111111"),
        ("<*", "<0.0.0-0", "0000000"),
        ("1.0.0 ||", "", "1111111"),
        (
            "2.0.x || 2.1.x",
            ">=2.0.0-0 <2.1.0-0||>=2.1.0-0 <2.2.0-0",
            "0000110",
        ),
        (
            ">=2.0.0-alpha8 <=2.0.0-rc2 || >=2.0.0 <=2.13.0",
            ">=2.0.0-alpha8 <=2.0.0-rc2||>=2.0.0 <=2.13.0",
            "0000010",
        ),
        ("<=v2.0.0-alpha7", "<=2.0.0-alpha7", "1111101"),
        ("=3.10.2", "3.10.2", "0000000"),
        ("<0.0.0", "<0.0.0", "0000001"),
        (
            "<1.6.5 || < 2.1.7 > 2.0.0",
            "<1.6.5||<2.1.7 >2.0.0",
            "1111001",
        ),
        ("1.2.3+build", "1.2.3", "0000000"),
        ("1.2.3beta", "1.2.3-beta", "0000000"),
    ];
    for (input, node_form, expected) in cases {
        let range = NpmRange::parse(input).expect(input);
        assert_eq!(range.to_string(), node_form, "desugaring {input:?}");
        let got: String = versions
            .iter()
            .map(|v| {
                if legacy_range_matches(input, v).expect(v) {
                    '1'
                } else {
                    '0'
                }
            })
            .collect();
        assert_eq!(got, expected, "matching {input:?}");
    }
}

#[test]
fn npm_ranges_node_would_drop_or_reject_are_errors() {
    // node throws on the first and silently drops `foo` from the second (widening it).
    for bad in [
        "x.1",
        ">=1.0.0 foo",
        "1.2.3 - ",
        ">= <1.0.0",
        "1.2.3 -2.0.0",
    ] {
        let err = legacy_range_matches(bad, "1.0.0").expect_err(bad);
        assert!(matches!(err, MatchError::NpmRange { .. }), "{bad}: {err}");
    }
    assert!(matches!(
        legacy_range_matches("<1.0.0", "1.0"),
        Err(MatchError::Version(_))
    ));
}

#[test]
fn legacy_advisories_match_through_database_specific() {
    let a = legacy(
        ">=2.0.0 <2.3.1 || >=3.0.0 <3.0.4",
        Some(">=2.3.1 <3.0.0 || >=3.0.4"),
    );
    check(
        &a,
        &[
            "1.9.9",
            "2.0.0-rc.1",
            "2.0.0",
            "2.3.0",
            "2.3.1",
            "3.0.0-0",
            "3.0.3",
            "3.0.4",
        ],
        "00110010",
    );
    assert_eq!(lowest_fixed(&a, "2.1.0"), Ok(Some("2.3.1".to_owned())));
    assert_eq!(lowest_fixed(&a, "3.0.0"), Ok(Some("3.0.4".to_owned())));

    // `<=1.5.1` names no fix by itself; the patched range does.
    let b = legacy("<=1.5.1", Some(">=1.5.2"));
    check(&b, &["0.0.1", "1.5.1", "1.5.2-0", "1.5.2"], "1100");
    assert_eq!(lowest_fixed(&b, "1.0.0"), Ok(Some("1.5.2".to_owned())));
    // A `1.x` bound is `<2.0.0-0`; the hint names the release.
    assert_eq!(
        lowest_fixed(&legacy("1.x", None), "1.4.0"),
        Ok(Some("2.0.0".to_owned()))
    );

    assert!(matches!(
        CompiledAffected::new(&legacy("   ", None)),
        Err(MatchError::NpmRange { .. })
    ));
    assert!(matches!(
        CompiledAffected::new(&legacy("<=foo", None)),
        Err(MatchError::NpmRange { .. })
    ));
}
