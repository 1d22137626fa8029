//! Differential test: the matcher against node's own `semver` package.
//!
//! `tests/reference/semver-expectations.json` was produced by
//! `node crates/advisory/tests/reference/semver-expectations.js` (its header records the node
//! and semver versions, the date and the options). For every advisory in `../shared/data` —
//! the 66 curated OSV records, every 20th record of the two malicious-package archives, and
//! the 373 legacy advisories — and every npm package in it, it lists versions (the boundary
//! versions, their neighbours and prereleases, and a fixed common list) with node's verdict:
//! the OSV evaluation algorithm written with `semver.compare` for OSV records, and
//! `semver.satisfies(v, range, { includePrerelease: true, loose: true })` (npm audit's
//! options) for legacy ranges. 54 synthetic npm ranges cover grammar the advisories do not use
//! (three of them invalid: node throws, and we must refuse them too).
//!
//! It checks 36,356 (case, version) pairs in 1,517 cases: 78 curated OSV (record, package)
//! cases, 1,012 sampled malicious-package cases, 373 legacy advisories (each checked twice:
//! the range string directly and through the importer's OSV conversion) and 54 synthetic
//! ranges. It also checks that our desugared npm ranges print exactly as node's
//! `new Range(r, opts).range`. Agreement must be 100%; every mismatch is listed.
//!
//! The data is read in place; without it only the synthetic ranges are checked, loudly.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use portcullis_advisory::import::legacy_to_osv;
use portcullis_advisory::matcher::{CompiledAffected, NpmRange, compile_record, parse_version};
use portcullis_advisory::osv::Record;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Expectations {
    header: Header,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Header {
    common_versions: Vec<String>,
    counts: Counts,
}

#[derive(Deserialize)]
struct Counts {
    pairs: usize,
}

#[derive(Deserialize)]
struct Case {
    kind: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    id: Value,
    #[serde(default)]
    package: String,
    #[serde(default)]
    range: Option<String>,
    #[serde(default)]
    node_range: Option<String>,
    #[serde(default)]
    versions: Vec<String>,
    #[serde(default)]
    affected: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

fn load_expectations() -> Expectations {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/semver-expectations.json");
    let text = std::fs::read_to_string(&path).expect("read the expectations");
    serde_json::from_str(&text).expect("parse the expectations")
}

/// Reads the archive entries named in `wanted` (`<archive>#<path>` sources) as records.
fn read_bulk(data: &Path, wanted: &HashSet<&str>) -> HashMap<String, Record> {
    let mut by_archive: HashMap<&str, HashSet<&str>> = HashMap::new();
    for source in wanted {
        if let Some((archive, entry)) = source.split_once('#') {
            by_archive.entry(archive).or_default().insert(entry);
        }
    }
    let mut records = HashMap::new();
    for (archive, entries) in by_archive {
        let file = File::open(data.join(archive)).expect("open archive");
        let decoder =
            ruzstd::decoding::StreamingDecoder::new(BufReader::new(file)).expect("zstd header");
        let mut tar = tar::Archive::new(decoder);
        for entry in tar.entries().expect("tar entries") {
            let mut entry = entry.expect("tar entry");
            let path = entry
                .path()
                .expect("entry path")
                .to_string_lossy()
                .into_owned();
            if !entries.contains(path.as_str()) {
                continue;
            }
            let mut text = String::new();
            entry.read_to_string(&mut text).expect("read entry");
            let record: Record = serde_json::from_str(&text).expect("OSV record");
            records.insert(format!("{archive}#{path}"), record);
        }
    }
    records
}

/// Our verdict for each version, as a `1`/`0` string, or the error that stopped us.
fn osv_bits(record: &Record, package: &str, versions: &[String]) -> Result<String, String> {
    let compiled = record
        .npm_affected()
        .filter(|a| a.package.as_ref().is_some_and(|p| p.name == package))
        .map(CompiledAffected::new)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    bits(versions, |v| compiled.iter().any(|c| c.matches(v)))
}

fn bits(
    versions: &[String],
    matches: impl Fn(&portcullis_advisory::matcher::Version) -> bool,
) -> Result<String, String> {
    versions
        .iter()
        .map(|v| {
            parse_version(v)
                .map(|v| if matches(&v) { '1' } else { '0' })
                .map_err(|e| e.to_string())
        })
        .collect()
}

/// Appends one line per disagreeing version.
fn compare(
    case: &Case,
    versions: &[String],
    ours: Result<String, String>,
    what: &str,
    mismatches: &mut Vec<String>,
) {
    let id = match &case.id {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let name = format!("{} {id} {} ({what})", case.source, case.package);
    let name = name.trim_start();
    match (&case.error, &case.affected, ours) {
        (Some(_), _, Err(_)) => {}
        (Some(node), _, Ok(_)) => mismatches.push(format!("{name}: node errs ({node}), we do not")),
        (None, Some(node), Ok(ours)) => {
            for ((version, n), o) in versions.iter().zip(node.chars()).zip(ours.chars()) {
                if n != o {
                    mismatches.push(format!("{name} @ {version}: node says {n}, we say {o}"));
                }
            }
            if node.len() != ours.len() {
                mismatches.push(format!(
                    "{name}: {} verdicts from node, {} from us",
                    node.len(),
                    ours.len()
                ));
            }
        }
        (None, _, Err(e)) => mismatches.push(format!("{name}: we err ({e}), node does not")),
        (None, None, Ok(_)) => mismatches.push(format!("{name}: no verdicts recorded")),
    }
}

fn check_range(case: &Case, range: &str, versions: &[String], mismatches: &mut Vec<String>) {
    let parsed = NpmRange::parse(range);
    if let (Ok(ours), Some(node)) = (&parsed, &case.node_range)
        && ours.to_string() != *node
    {
        mismatches.push(format!(
            "{} {range:?}: desugars to {:?}, node to {node:?}",
            case.source,
            ours.to_string()
        ));
    }
    let ours = parsed.and_then(|r| bits(versions, |v| r.matches(v)));
    compare(case, versions, ours, "npm range", mismatches);
}

#[test]
fn matcher_agrees_with_node_semver() {
    let expectations = load_expectations();
    let data = data_dir();
    let have_data =
        data.join("osv/npm").is_dir() && data.join("advisories/nodejs-security-wg").is_dir();
    if !have_data {
        eprintln!(
            "\n!!!!!!!! DATA ABSENT: {} not found; only the synthetic npm ranges were checked !!!!!!!!\n",
            data.display()
        );
    }
    let wanted: HashSet<&str> = expectations
        .cases
        .iter()
        .map(|c| c.source.as_str())
        .filter(|s| s.contains('#'))
        .collect();
    let bulk = if have_data {
        read_bulk(&data, &wanted)
    } else {
        HashMap::new()
    };

    let (mut mismatches, mut pairs, mut cases) = (Vec::new(), 0, 0);
    for case in &expectations.cases {
        let versions: Vec<String> = expectations
            .header
            .common_versions
            .iter()
            .chain(&case.versions)
            .cloned()
            .collect();
        match case.kind.as_str() {
            "synthetic" => {
                let range = case
                    .range
                    .as_deref()
                    .expect("synthetic cases carry their range");
                check_range(case, range, &versions, &mut mismatches);
            }
            _ if !have_data => continue,
            "osv" if case.source.contains('#') => {
                let Some(record) = bulk.get(&case.source) else {
                    mismatches.push(format!("{}: not found in the archive", case.source));
                    continue;
                };
                compare(
                    case,
                    &versions,
                    osv_bits(record, &case.package, &versions),
                    "OSV",
                    &mut mismatches,
                );
            }
            "osv" => {
                let text = std::fs::read_to_string(data.join(&case.source)).expect("read OSV file");
                let record: Record = serde_json::from_str(&text).expect("OSV record");
                compare(
                    case,
                    &versions,
                    osv_bits(&record, &case.package, &versions),
                    "OSV",
                    &mut mismatches,
                );
            }
            "legacy" => {
                let text =
                    std::fs::read_to_string(data.join(&case.source)).expect("read legacy advisory");
                let value: Value = serde_json::from_str(&text).expect("legacy JSON");
                let range = value["vulnerable_versions"]
                    .as_str()
                    .expect("vulnerable_versions");
                check_range(case, range, &versions, &mut mismatches);
                // The same advisory through the importer's conversion and the OSV matcher.
                let record = legacy_to_osv(&value).expect("legacy advisory converts");
                let ours = compile_record(&record)
                    .map_err(|e| e.to_string())
                    .and_then(|c| bits(&versions, |v| c.iter().any(|a| a.matches(v))));
                compare(case, &versions, ours, "imported", &mut mismatches);
            }
            other => mismatches.push(format!("unknown case kind {other:?}")),
        }
        cases += 1;
        if case.error.is_none() {
            pairs += versions.len();
        }
    }

    eprintln!("checked {pairs} (case, version) pairs in {cases} cases against node semver");
    assert!(
        mismatches.is_empty(),
        "{} disagreements with node semver:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    if have_data {
        assert_eq!(
            pairs, expectations.header.counts.pairs,
            "every recorded pair was checked"
        );
    }
}
