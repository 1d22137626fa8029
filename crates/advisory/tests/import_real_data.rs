//! Imports the real advisory data in `../shared/data` in place: both malicious-package bulk
//! archives (record counts checked against their manifests), the curated OSV records and the
//! Node.js security WG advisories in npm's legacy shape. Prints the time each took; run with
//! `cargo test --release -p portcullis-advisory --test import_real_data -- --nocapture`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use portcullis_advisory::import::{ImportSummary, NPM_VULNERABLE_VERSIONS, read_path};

fn data_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "\n!!! SKIPPED: real data not found at {} !!!\n",
            dir.display()
        );
        None
    }
}

/// Imports `path`, returning the ids read (in order) and the summary, and prints the timing.
fn import(path: &Path) -> (Vec<String>, ImportSummary) {
    let start = Instant::now();
    let mut ids = Vec::new();
    let summary = read_path(path, &mut |imported| ids.push(imported.record.id)).expect("import");
    eprintln!(
        "{:>7} records, {:>5.1} MB of JSON in {:>7.1} ms from {}",
        summary.records,
        summary.bytes_read as f64 / 1e6,
        start.elapsed().as_secs_f64() * 1e3,
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    );
    (ids, summary)
}

/// The ids listed in a bulk archive's manifest (first column, header skipped).
fn manifest_ids(path: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(path).expect("manifest");
    text.lines()
        .skip(1)
        .filter_map(|line| line.split('\t').next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn bulk_archives_match_their_manifests() {
    let Some(data) = data_dir() else { return };
    let bulk = data.join("osv/npm-bulk");
    let start = Instant::now();
    let mut total: u64 = 0;
    for (name, expected) in [
        ("ossf-malicious-packages-npm-2025-06-04", 17_832),
        ("leitwacht-malicious-packages-npm-2026-08-22", 2_392),
    ] {
        let (ids, summary) = import(&bulk.join(format!("{name}.tar.zst")));
        assert!(
            summary.skipped.is_empty(),
            "{:?}",
            &summary.skipped[..summary.skipped.len().min(5)]
        );
        assert_eq!(ids.len(), expected);
        let unique: BTreeSet<String> = ids.into_iter().collect();
        assert_eq!(
            unique,
            manifest_ids(&bulk.join(format!("{name}.manifest.tsv")))
        );
        total += expected as u64;
    }
    eprintln!(
        "{total:>7} records from both archives in {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    // The rest of the data, for the figure that matters: everything read and parsed.
    for dir in ["osv/npm", "advisories/nodejs-security-wg"] {
        total += read_path(&data.join(dir), &mut |_| {})
            .expect("import")
            .records;
    }
    eprintln!(
        "{total:>7} records, all sources, read and parsed in {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    assert_eq!(total, 17_832 + 2_392 + 66 + 373);
}

#[test]
fn curated_osv_directory() {
    let Some(data) = data_dir() else { return };
    let (ids, summary) = import(&data.join("osv/npm"));
    assert_eq!(ids.len(), 66);
    assert!(summary.skipped.is_empty(), "{:?}", summary.skipped);
    assert_eq!(ids.iter().filter(|id| id.starts_with("GHSA-")).count(), 50);
    // Directory order is byte order of file names.
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
}

#[test]
fn legacy_advisories() {
    let Some(data) = data_dir() else { return };
    let dir = data.join("advisories/nodejs-security-wg");
    let start = Instant::now();
    let mut records = Vec::new();
    let summary = read_path(&dir, &mut |imported| records.push(imported.record)).expect("import");
    eprintln!(
        "{:>7} legacy records in {:.1} ms",
        records.len(),
        start.elapsed().as_secs_f64() * 1e3
    );
    let files = std::fs::read_dir(&dir)
        .expect("list")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "json"))
        })
        .count();
    assert_eq!(records.len(), files);
    assert!(summary.skipped.is_empty(), "{:?}", summary.skipped);
    assert_eq!(summary.ignored, 1, "README.md");
    for record in &records {
        assert!(record.id.starts_with("NPM-"), "{}", record.id);
        assert!(
            record.modified.ends_with("T00:00:00Z"),
            "{} {}",
            record.id,
            record.modified
        );
        let affected = record.affected.first().expect("affected");
        let range = affected
            .database_specific
            .as_ref()
            .and_then(|d| d.get(NPM_VULNERABLE_VERSIONS));
        assert!(range.is_some_and(|r| r.is_string()), "{}", record.id);
    }
    let bassmaster = records.iter().find(|r| r.id == "NPM-1").expect("NPM-1");
    assert_eq!(bassmaster.aliases, ["CVE-2014-7205"]);
    assert_eq!(bassmaster.severity[0].kind, "CVSS_V3");
}
