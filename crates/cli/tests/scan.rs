//! `portcullis scan` and `portcullis db` end to end: the July 2025 eslint-config-prettier
//! compromise, lodash's prototype-pollution advisories, a workspace member that shares a
//! vulnerable name, a missing database, and malformed advisory input.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn shared(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!(
            "\n!!!!!!!! SHARED DATA ABSENT: {} not found; this test checked NOTHING !!!!!!!!\n",
            p.display()
        );
        None
    }
}

fn portcullis(dir: &Path, db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("portcullis").expect("binary");
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("PORTCULLIS_DB", db);
    cmd
}

fn import(db: &Path, sources: &[PathBuf]) {
    portcullis(Path::new("."), db)
        .arg("db")
        .arg("import")
        .args(sources)
        .assert()
        .success();
}

fn scan_json(dir: &Path, db: &Path, expect_code: i32) -> serde_json::Value {
    let out = portcullis(dir, db)
        .args(["scan", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(expect_code),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json report")
}

fn findings_for<'a>(report: &'a serde_json::Value, name: &str) -> Vec<&'a serde_json::Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["package"]["name"] == name)
        .collect()
}

fn ids(finding: &serde_json::Value) -> Vec<String> {
    let a = &finding["advisory"];
    let mut out = vec![a["id"].as_str().unwrap_or_default().to_owned()];
    out.extend(
        a["aliases"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned)),
    );
    out
}

/// The real advisories: MAL-2025-6022 and lodash's GHSA records from ../shared/data.
#[test]
fn real_incidents_from_shared_data() {
    let (Some(osv), Some(legacy)) = (shared("osv/npm"), shared("advisories/nodejs-security-wg"))
    else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("db.redb");
    import(&db, &[osv, legacy]);

    let report = scan_json(&fixture("scan-bad"), &db, 1);
    let malware = findings_for(&report, "eslint-config-prettier");
    assert_eq!(malware.len(), 1, "{malware:#?}");
    assert_eq!(malware[0]["code"], "malware");
    assert_eq!(malware[0]["severity"], "critical");
    assert_eq!(malware[0]["level"], "deny");
    assert_eq!(malware[0]["advisory"]["id"], "MAL-2025-6022");
    assert_eq!(
        malware[0]["paths"],
        serde_json::json!([["compromised-app", "eslint-config-prettier@8.10.1"]])
    );

    let lodash = findings_for(&report, "lodash");
    let all_ids: Vec<String> = lodash.iter().flat_map(|f| ids(f)).collect();
    for prototype_pollution in [
        "GHSA-p6mc-m468-83gw",
        "GHSA-jf85-cpcp-j695",
        "GHSA-4xc9-xhrj-v574",
        "GHSA-fvqr-27wr-82fm",
    ] {
        assert!(
            all_ids.iter().any(|i| i == prototype_pollution),
            "{prototype_pollution} missing from {all_ids:?}"
        );
    }
    for f in &lodash {
        // Only the registry copy under legacy-utils; never the workspace member named lodash.
        assert_eq!(f["package"]["source"], "registry");
        assert_eq!(
            f["paths"],
            serde_json::json!([["compromised-app", "legacy-utils@1.2.0", "lodash@4.17.4"]])
        );
        assert!(
            f["fix"]
                .as_str()
                .is_some_and(|fix| fix.contains("legacy-utils@1.2.0")),
            "{f}"
        );
    }
    // One finding per vulnerability: the legacy NPM-… record sharing CVE-2018-16487 joins the GHSA.
    let grouped = lodash
        .iter()
        .find(|f| f["advisory"]["id"] == "GHSA-4xc9-xhrj-v574")
        .expect("GHSA-4xc9");
    assert!(ids(grouped).iter().any(|i| i == "CVE-2018-16487"));
    assert_eq!(
        lodash
            .iter()
            .filter(|f| ids(f).iter().any(|i| i == "CVE-2018-16487"))
            .count(),
        1
    );

    let clean = scan_json(&fixture("scan-clean"), &db, 0);
    let clean_ids: Vec<String> = clean["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .flat_map(ids)
        .collect();
    assert!(
        findings_for(&clean, "eslint-config-prettier").is_empty(),
        "9.1.0 is not compromised"
    );
    for id in [
        "GHSA-p6mc-m468-83gw",
        "GHSA-jf85-cpcp-j695",
        "GHSA-4xc9-xhrj-v574",
        "GHSA-fvqr-27wr-82fm",
        "GHSA-35jh-r3h4-6jhm",
    ] {
        assert!(
            !clean_ids.iter().any(|i| i == id),
            "lodash 4.17.21 must not match {id}"
        );
    }
}

/// Self-contained (our own inert fixtures): the human report and the JSON contract.
#[test]
fn fixture_advisories_human_and_json() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("db.redb");
    import(&db, &[fixture("advisories")]);
    let out = portcullis(&fixture("scan-bad"), &db)
        .arg("scan")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let human = String::from_utf8(out.stdout).expect("utf8");
    assert!(
        human.lines().all(|l| l.chars().count() <= 80),
        "wider than 80 columns:\n{human}"
    );
    insta::assert_snapshot!("scan_human", human);

    let mut report = scan_json(&fixture("scan-bad"), &db, 1);
    assert_eq!(report["schema_version"], 1);
    assert_eq!(
        report["summary"],
        serde_json::json!({"deny": 2, "warn": 0, "allow": 0})
    );
    // The legacy record and the GHSA share CVE-0000-0001: one finding listing both ids.
    let lodash = findings_for(&report, "lodash");
    assert_eq!(lodash.len(), 1);
    assert_eq!(
        ids(lodash[0]),
        ["GHSA-test-lodash", "CVE-0000-0001", "NPM-90001"]
    );
    report["advisories"]["path"] = "[db]".into();
    report["advisories"]["age_days"] = 0.into();
    report["tool"]["version"] = "[version]".into();
    insta::assert_json_snapshot!("scan_json", report);
}

#[test]
fn missing_database_warns_and_require_db_fails() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("absent.redb");
    let out = portcullis(&fixture("scan-clean"), &db)
        .args(["scan", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("NO ADVISORY DATABASE"));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["advisories"]["status"], "missing");
    portcullis(&fixture("scan-clean"), &db)
        .args(["scan", "--require-db"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--require-db"));
    portcullis(Path::new("."), &db)
        .args(["db", "status"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no advisory database"));
}

#[test]
fn stale_database_is_reported() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("db.redb");
    import(&db, &[fixture("advisories")]);
    let out = portcullis(&fixture("scan-clean"), &db)
        .args(["scan", "--format", "json", "--max-db-age", "0"])
        .output()
        .expect("run");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["advisories"]["status"], "stale");
    assert!(String::from_utf8_lossy(&out.stderr).contains("portcullis db update"));
}

#[test]
fn malformed_advisory_exits_2() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("db.redb");
    portcullis(Path::new("."), &db)
        .args(["db", "import"])
        .arg(fixture("broken-advisory.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("broken-advisory.json"));
    portcullis(Path::new("."), &db)
        .args(["db", "import", "/nonexistent/advisories"])
        .assert()
        .code(2);
}

#[test]
fn db_status_counts() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("db.redb");
    import(&db, &[fixture("advisories")]);
    // Re-import is idempotent.
    portcullis(Path::new("."), &db)
        .args(["db", "import"])
        .arg(fixture("advisories"))
        .assert()
        .success()
        .stderr(predicate::str::contains("(0 new, 0 updated, 3 unchanged"));
    portcullis(Path::new("."), &db)
        .args(["db", "status"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("vulnerabilities: 2")
                .and(predicate::str::contains("malware reports: 1")),
        );
}
