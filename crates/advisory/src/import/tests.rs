//! Inputs built in a temporary directory: single files, directory trees and their links,
//! document parsing; archives are in `archives`.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use super::*;

fn osv_json(id: &str) -> String {
    format!(
        r#"{{"schema_version":"1.5.0","id":"{id}","modified":"2024-05-01T10:00:00.123Z","summary":"Malicious code in {id}",
        "affected":[{{"package":{{"ecosystem":"npm","name":"pkg-{id}"}},"ranges":[{{"type":"SEMVER","events":[{{"introduced":"0"}}]}}]}}]}}"#
    )
}

const LEGACY: &str = r#"{"id": 7, "created_at": "2015-10-17", "updated_at": "2016-04-28", "title": "ReDoS",
  "module_name": "bassmaster", "publish_date": "2014-09-27", "cves": ["CVE-2014-7205"],
  "vulnerable_versions": "<=1.5.1", "patched_versions": ">=1.5.2", "overview": "Bad.",
  "recommendation": "Update.", "references": ["https://example.invalid/a"],
  "cvss_vector": "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N", "cvss_score": 6.5}"#;

struct Run {
    imported: Vec<Imported>,
    result: Result<ImportSummary, ImportError>,
}

impl Run {
    fn summary(&self) -> &ImportSummary {
        self.result.as_ref().expect("import should succeed")
    }
    fn ids(&self) -> Vec<&str> {
        self.imported.iter().map(|i| i.record.id.as_str()).collect()
    }
    fn error(&self) -> String {
        self.result
            .as_ref()
            .expect_err("import should fail")
            .to_string()
    }
    fn skipped_reason(&self, origin_suffix: &str) -> &str {
        let skipped = &self.summary().skipped;
        let found = skipped.iter().find(|s| s.origin.ends_with(origin_suffix));
        &found
            .unwrap_or_else(|| panic!("{origin_suffix} not skipped: {skipped:?}"))
            .reason
    }
}

fn run_with(path: &Path, limits: Limits) -> Run {
    let mut imported = Vec::new();
    let result = read_path_with(path, &limits, &mut |i| {
        imported.push(i);
        ControlFlow::Continue(())
    });
    Run { imported, result }
}

fn run(path: &Path) -> Run {
    run_with(path, Limits::default())
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) -> PathBuf {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, bytes).expect("write");
    path.to_path_buf()
}

mod archives;

#[test]
fn single_osv_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(&dir.path().join("GHSA-x.json"), osv_json("GHSA-x"));
    let run = run(&path);
    assert_eq!(run.ids(), ["GHSA-x"]);
    assert_eq!(run.imported[0].origin, path.display().to_string());
    assert_eq!(run.summary().records, 1);
}

#[test]
fn single_legacy_file_is_converted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(&dir.path().join("7.json"), LEGACY);
    let run = run(&path);
    let record = &run.imported[0].record;
    assert_eq!(record.id, "NPM-7");
    assert_eq!(record.modified, "2016-04-28T00:00:00Z");
    let specific = record.affected[0]
        .database_specific
        .as_ref()
        .expect("database_specific");
    assert_eq!(specific[NPM_VULNERABLE_VERSIONS], "<=1.5.1");
}

#[test]
fn single_file_that_is_not_an_advisory_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let broken = write(&dir.path().join("broken.json"), "{\"id\": ");
    assert!(
        run(&broken)
            .error()
            .contains("broken.json: not an advisory: not valid JSON")
    );
    let package = write(
        &dir.path().join("package.json"),
        r#"{"name": "x", "version": "1.0.0"}"#,
    );
    let error = run(&package).error();
    assert!(
        error.contains("not an OSV record") && error.contains("`id`"),
        "{error}"
    );
    let bad_date = write(
        &dir.path().join("bad.json"),
        r#"{"id": "X-1", "modified": "yesterday"}"#,
    );
    assert!(
        run(&bad_date)
            .error()
            .contains("invalid `modified`: \"yesterday\" is not an RFC 3339 timestamp")
    );
    let big = write(&dir.path().join("big.json"), osv_json("BIG-1"));
    let error = run_with(
        &big,
        Limits {
            max_entry_bytes: 10,
            ..Limits::default()
        },
    )
    .error();
    assert!(error.contains("over the 10 bytes limit"), "{error}");
}

#[test]
fn unknown_and_missing_paths_are_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = write(&dir.path().join("notes.txt"), "hello");
    let error = run(&text).error();
    assert!(
        error.contains("notes.txt: not a known advisory source; expected a directory"),
        "{error}"
    );
    let missing = dir.path().join("missing.json");
    let error = run(&missing).error();
    assert!(
        error.starts_with(&format!("cannot read {}", missing.display())),
        "{error}"
    );
}

#[test]
fn github_layout_directory_in_deterministic_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("advisory-database");
    let reviewed = root.join("advisories/github-reviewed");
    write(
        &reviewed.join("2021/05/GHSA-bbbb/GHSA-bbbb.json"),
        osv_json("GHSA-bbbb"),
    );
    write(
        &reviewed.join("2020/11/GHSA-aaaa/GHSA-aaaa.json"),
        osv_json("GHSA-aaaa"),
    );
    write(&reviewed.join("2021/05/GHSA-cccc/GHSA-cccc.json"), "[1, 2");
    write(
        &root.join("advisories/unreviewed/2022/01/GHSA-dddd/GHSA-dddd.json"),
        osv_json("GHSA-dddd"),
    );
    write(&root.join("legacy/7.json"), LEGACY);
    write(&root.join("README.md"), "# advisories");
    write(&root.join(".git/objects/x.json"), osv_json("HIDDEN-1"));
    let run = run(&root);
    assert_eq!(run.ids(), ["GHSA-aaaa", "GHSA-bbbb", "GHSA-dddd", "NPM-7"]);
    let summary = run.summary();
    assert_eq!(
        (summary.files_read, summary.records, summary.ignored),
        (5, 4, 2)
    );
    assert!(
        run.skipped_reason("GHSA-cccc.json")
            .starts_with("not valid JSON")
    );
}

#[cfg(unix)]
#[test]
fn directory_symlinks_stay_inside() {
    let dir = tempfile::tempdir().expect("tempdir");
    let outside = write(
        &dir.path().join("outside/SECRET-1.json"),
        osv_json("SECRET-1"),
    );
    let root = dir.path().join("root");
    let inside = write(&root.join("real/IN-1.json"), osv_json("IN-1"));
    std::os::unix::fs::symlink(&inside, root.join("alias.json")).expect("symlink");
    std::os::unix::fs::symlink(&outside, root.join("escape.json")).expect("symlink");
    std::os::unix::fs::symlink(&root, root.join("loop")).expect("symlink");
    std::os::unix::fs::symlink(root.join("nowhere.json"), root.join("dangling.json"))
        .expect("symlink");
    let run = run(&root);
    assert_eq!(run.ids(), ["IN-1", "IN-1"]);
    assert!(
        run.skipped_reason("escape.json")
            .contains("outside the imported directory")
    );
    assert!(run.skipped_reason("loop").contains("other than a file"));
    assert!(
        run.skipped_reason("dangling.json")
            .contains("cannot be resolved")
    );
}

#[test]
fn rfc3339() {
    for good in [
        "2024-05-01T10:00:00Z",
        "2024-05-01t10:00:00.123456z",
        "2016-12-31T23:59:60+01:00",
        "2024-02-29T00:00:00-05:30",
    ] {
        assert!(is_rfc3339(good), "{good}");
    }
    for bad in [
        "2024-05-01",
        "2024-05-01 10:00:00Z",
        "2024-13-01T00:00:00Z",
        "2024-05-01T24:00:00Z",
        "2024-05-01T10:00:00",
        "2024-05-01T10:00:00.Z",
        "2024-05-01T10:00:00+0100",
        "２０２４-05-01T10:00:00Z",
        "",
    ] {
        assert!(!is_rfc3339(bad), "{bad}");
    }
}

#[test]
fn parse_document_checks_ids_and_strips_bom() {
    let with_bom = format!("\u{feff}{}", osv_json("GHSA-x"));
    assert_eq!(
        parse_document(with_bom.as_bytes()).expect("bom").id,
        "GHSA-x"
    );
    let spaced = r#"{"id": "GHSA x", "modified": "2024-05-01T10:00:00Z"}"#;
    assert!(
        parse_document(spaced.as_bytes())
            .expect_err("space")
            .to_string()
            .starts_with("invalid `id`")
    );
    let not_object = parse_document(b"[1]").expect_err("array").to_string();
    assert!(not_object.starts_with("not an OSV record"), "{not_object}");
}
