//! End-to-end tests of the `portcullis` binary: real output (snapshots), exit codes, and
//! precise errors on bad input.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn portcullis(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("portcullis").expect("binary");
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run");
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf8")
}

#[test]
fn ls_human_tree() {
    let dir = fixture("npm-workspace");
    insta::assert_snapshot!("ls_depth_0", stdout_of(portcullis(&dir).arg("ls")));
    insta::assert_snapshot!("ls_all", stdout_of(portcullis(&dir).args(["ls", "--all"])));
    portcullis(&dir)
        .arg("ls")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "using package-lock.json (the only lockfile)",
        ));
}

#[test]
fn ls_json_contract() {
    let dir = fixture("npm-workspace");
    let out = stdout_of(portcullis(&dir).args(["ls", "--format", "json"]));
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["project"]["format"], "npm-v3");
    // One entry per unique name@version@source: kind-of 6.0.3 (registry) and 6.0.2 (git).
    let packages = json["packages"].as_array().expect("packages");
    assert_eq!(packages.len(), 5);
    insta::assert_json_snapshot!("ls_json", json);
}

#[test]
fn why_formats() {
    let dir = fixture("npm-workspace");
    insta::assert_snapshot!(
        "why_kind_of",
        stdout_of(portcullis(&dir).args(["why", "kind-of"]))
    );
    insta::assert_snapshot!(
        "why_kind_of_mermaid",
        stdout_of(portcullis(&dir).args(["why", "kind-of@6.0.3", "--format", "mermaid"]))
    );
    insta::assert_snapshot!(
        "why_kind_of_dot",
        stdout_of(portcullis(&dir).args(["why", "kind-of@6.0.3", "--format", "dot"]))
    );
    let json: serde_json::Value = serde_json::from_str(&stdout_of(portcullis(&dir).args([
        "why",
        "is-number",
        "--format",
        "json",
    ])))
    .expect("json");
    insta::assert_json_snapshot!("why_is_number_json", json);
}

#[test]
fn why_unknown_package_exits_1() {
    portcullis(&fixture("npm-workspace"))
        .args(["why", "no-such-package"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "no-such-package is not in the dependency graph",
        ));
}

#[test]
fn why_limit_counts_the_rest() {
    let out = stdout_of(portcullis(&fixture("npm-workspace")).args([
        "why",
        "kind-of@6.0.3",
        "--limit",
        "1",
    ]));
    assert!(out.contains("… and 1 more"), "{out}");
}

/// Every node is an alias expanding nine times: 9^9 nodes if an unbounded parser expanded it.
const ALIAS_BOMB: &str = "lockfileVersion: '9.0'
a: &a [x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: [*h, *h, *h, *h, *h, *h, *h, *h, *h]
";

/// Writes `content` to `name` in a fresh directory and runs `portcullis ls` there.
fn ls_on(name: &str, content: &[u8]) -> assert_cmd::assert::Assert {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(name), content).expect("write");
    let assert = portcullis(dir.path()).arg("ls").assert();
    drop(dir);
    assert
}

#[test]
fn bad_input_exits_2_with_a_precise_message() {
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "package-lock.json",
            b"",
            "package-lock.json: not a lockfile format Portcullis knows: the file is empty",
        ),
        (
            "package-lock.json",
            b"{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"node_modules/a\": {",
            "package-lock.json:4:",
        ),
        (
            "package-lock.json",
            b"\x7fELF\x02\x01\x01\0\0\0",
            "package-lock.json: not a lockfile format Portcullis knows: the file is binary",
        ),
        (
            "package-lock.json",
            b"hello: world\n",
            "the file starts with \"hello: world\"",
        ),
        (
            "package-lock.json",
            b"{\"lockfileVersion\": 99, \"packages\": {}}",
            "unsupported lockfileVersion 99",
        ),
        (
            "package-lock.json",
            b"{\"lockfileVersion\": 3, \"packages\": {\"\": {\"name\": \"x\"}}}",
            "lists no packages",
        ),
        (
            "package-lock.json",
            b"[1, 2, 3]",
            "package-lock.json: not a lockfile format Portcullis knows",
        ),
        (
            "pnpm-lock.yaml",
            b"lockfileVersion: '12.0'\n",
            "unsupported lockfileVersion",
        ),
        ("pnpm-lock.yaml", ALIAS_BOMB.as_bytes(), "pnpm-lock.yaml"),
        (
            "pnpm-lock.yaml",
            b"lockfileVersion: '9.0'\npackages:\n  foo@1.0.0: [unclosed\n",
            "pnpm-lock.yaml:",
        ),
        (
            "yarn.lock",
            b"# yarn lockfile v1\n\nlodash@^4:\n  version\n",
            "yarn.lock:4:",
        ),
        ("yarn.lock", b"__metadata:\n  version: 99\n", "yarn.lock"),
        (
            "bun.lock",
            b"{\n  \"lockfileVersion\": 7,\n  \"workspaces\": {},\n}",
            "bun.lock:2:",
        ),
        (
            "bun.lockb",
            b"#!/usr/bin/env bun\nbun-lockfile-format-v0\n\x02\0",
            "bun.lockb",
        ),
    ];
    for (name, content, expected) in cases {
        ls_on(name, content)
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(*expected));
    }
}

#[test]
fn no_lockfile_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    portcullis(dir.path()).arg("ls").assert().code(2).stderr(
        predicate::str::contains("no lockfile found").and(predicate::str::contains(
            "package-lock.json, pnpm-lock.yaml",
        )),
    );
}

#[test]
fn huge_file_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("package-lock.json");
    // A sparse 1 GiB file: refused by size before any read.
    std::fs::File::create(&path)
        .and_then(|f| f.set_len(1 << 30))
        .expect("sparse file");
    portcullis(dir.path())
        .arg("ls")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("over the").and(predicate::str::contains("limit")));
}

#[test]
fn several_lockfiles_say_which_was_used() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = fixture("npm-workspace").join("package-lock.json");
    std::fs::copy(&src, dir.path().join("package-lock.json")).expect("copy");
    std::fs::write(dir.path().join("yarn.lock"), "# yarn lockfile v1\n").expect("write");
    portcullis(dir.path()).arg("ls").assert().success().stderr(
        predicate::str::contains("using package-lock.json")
            .and(predicate::str::contains("also found yarn.lock, not used")),
    );
}

#[test]
fn scan_help_lists_every_code() {
    let out = stdout_of(
        Command::cargo_bin("portcullis")
            .expect("binary")
            .args(["scan", "--help"]),
    );
    assert!(
        out.contains("Finding codes") && out.contains("Exit codes:"),
        "{out}"
    );
    for info in portcullis_checks::codes::CODES {
        assert!(
            out.contains(info.code.as_str()) && out.contains(info.summary),
            "{} missing:\n{out}",
            info.code
        );
    }
}

#[test]
fn help_documents_exit_codes() {
    let out = stdout_of(
        Command::cargo_bin("portcullis")
            .expect("binary")
            .arg("--help"),
    );
    assert!(
        out.contains("Exit codes:") && out.contains("2  could not do the job"),
        "{out}"
    );
}

/// Every corpus lockfile lists from the CLI (the parse itself is checked against truth counts
/// in the lockfile crate's corpus test).
#[test]
fn corpus_lists_from_the_cli() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/lockfiles");
    if !corpus.is_dir() {
        eprintln!(
            "\n!!!!!!!! CORPUS ABSENT: {} not found; corpus_lists_from_the_cli checked NOTHING !!!!!!!!\n",
            corpus.display()
        );
        return;
    }
    let big = corpus.join("package-lock-v3/theia-2026-08-package-lock.json");
    let out = stdout_of(
        portcullis(Path::new("."))
            .args(["ls", "--format", "json", "--lockfile"])
            .arg(&big),
    );
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(json["project"]["format"], "npm-v3");
    assert_eq!(
        json["project"]["importers"].as_array().map(Vec::len),
        Some(107)
    );
    let why = stdout_of(
        portcullis(Path::new("."))
            .args(["why", "ms", "--lockfile"])
            .arg(&big),
    );
    assert!(why.contains("ms@2.1.3"), "{why}");
}

#[test]
fn installed_node_modules_without_a_lockfile() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |rel: &str, json: &str| {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, json).expect("write");
    };
    write(
        "package.json",
        r#"{"name":"app","version":"1.0.0","dependencies":{"a":"^1.0.0"}}"#,
    );
    write(
        "node_modules/a/package.json",
        r#"{"name":"a","version":"1.0.0","dependencies":{"b":"^2.0.0"}}"#,
    );
    write(
        "node_modules/b/package.json",
        r#"{"name":"b","version":"2.1.0","scripts":{"postinstall":"node setup.js"}}"#,
    );
    let out = portcullis(dir.path())
        .args(["ls", "--all"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("node_modules (node-modules): 1 importers, 2 packages"),
        "{stdout}"
    );
    assert!(
        stdout.contains("├── a@1.0.0") || stdout.contains("└── a@1.0.0"),
        "{stdout}"
    );
    assert!(stdout.contains("b@2.1.0"), "{stdout}");
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("no lockfile; reading the installed node_modules tree")
    );
    let json: serde_json::Value = serde_json::from_str(&stdout_of(
        portcullis(dir.path()).args(["ls", "--format", "json"]),
    ))
    .expect("json");
    let b = json["packages"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["name"] == "b"))
        .expect("b listed");
    assert_eq!(b["has_install_script"], true);
}
