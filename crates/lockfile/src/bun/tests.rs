//! Unit tests of the bun module: hand-written pass and fail cases.

use super::paths::parent_path;
use super::*;
use crate::UnresolvedReason;

const SRI: &str = "sha512-30iZtAPgz+LTIYoeivqYo853f02jBYSd5uGnGpkFV0M3xOt9aN73erkgYAmZU43x4VfqcnLxW9Kpg3R5LC4YYw==";

fn lock(packages: &str) -> String {
    format!(
        r#"{{
  "lockfileVersion": 1,
  "workspaces": {{
    "": {{ "name": "app", "dependencies": {{ "a": "^1", "w": "workspace:*", "o": "^1" }}, "optionalDependencies": {{ "o": "^1" }} }},
    "packages/w": {{ "name": "w", "version": "1.0.0", "dependencies": {{ "b": "^2" }}, "peerDependencies": {{ "p": "*" }}, "optionalPeers": ["p"] }},
  }},
  // a comment, which bun.lock may contain
  "packages": {{
{packages}
  }},
}}"#
    )
}

fn npm(key: &str, ident: &str, info: &str) -> String {
    format!("    \"{key}\": [\"{ident}\", \"\", {info}, \"{SRI}\"],\n")
}

#[test]
fn resolves_nested_scoped_workspace_and_aliases() {
    let packages = [
        npm(
            "a",
            "a@1.0.0",
            r#"{ "dependencies": { "b": "^1", "@s/c": "1" } }"#,
        ),
        npm("b", "b@1.0.0", "{}"),
        npm("a/b", "b@1.5.0", r#"{ "dependencies": { "@s/c": "1" } }"#),
        npm(
            "@s/c",
            "@s/c@1.0.0",
            r#"{ "os": "linux", "cpu": ["x64", "arm64"] }"#,
        ),
        npm("w/b", "b@2.0.0", "{}"),
        npm("a/b-cjs", "b@1.0.0", "{}"),
        "    \"w\": [\"w@workspace:packages/w\"],\n".into(),
    ]
    .concat();
    let lock = parse(&lock(&packages)).unwrap();
    assert_eq!(lock.format, Format::Bun);
    assert_eq!(lock.entries, 7);
    assert_eq!(lock.packages.len(), 6);
    assert_eq!(lock.importers.len(), 2);
    assert_eq!(lock.importers[1].path, "packages/w");
    assert!(
        lock.missing_edges().is_empty(),
        "{:?}",
        lock.missing_edges()
    );

    let root = &lock.importers[0];
    let targets: Vec<_> = root.dependencies.iter().map(|d| d.target).collect();
    // `o` is only optional and not installed.
    assert_eq!(
        targets,
        [
            Target::Package(0),
            Target::Importer(1),
            Target::Unresolved(UnresolvedReason::NotInstalled)
        ]
    );
    assert_eq!(root.dependencies[2].kind, DepKind::Optional);
    // The workspace's own copy under its name wins over the hoisted one.
    let w = &lock.importers[1];
    assert_eq!(w.dependencies[0].target, Target::Package(4));
    assert_eq!(
        w.dependencies[1].target,
        Target::Unresolved(UnresolvedReason::NotInstalled)
    );
    // a → a/b (nested), a → @s/c (hoisted); a/b → @s/c walks up to the top.
    let a = &lock.packages[0];
    assert_eq!(a.dependencies[0].target, Target::Package(2));
    assert_eq!(a.dependencies[1].target, Target::Package(3));
    assert_eq!(lock.packages[2].dependencies[0].target, Target::Package(3));
    let c = &lock.packages[3];
    assert_eq!((c.os.clone(), c.cpu.len()), (vec!["linux".to_string()], 2));
    assert_eq!(c.integrity.as_ref().map(|i| i.as_str()), Some(SRI));
    let alias = &lock.packages[5];
    assert_eq!(
        (alias.name.as_str(), alias.alias.as_deref()),
        ("b", Some("b-cjs"))
    );
    assert_eq!(lock.unique_name_versions().len(), 5);
}

#[test]
fn non_registry_kinds() {
    let packages = r#"
    "a": ["a@1.0.0", "https://registry.example.test/a/-/a-1.0.0.tgz", {}, ""],
    "g": ["g@github:user/g#v1", {}, "abc123"],
    "h": ["h@git+https://example.test/h.git#main", { "dependencies": { "a": "1" } }, "def456", "SRI"],
    "t": ["t@https://example.test/t-1.0.0.tgz", { "bin": { "t": "t.js" } }],
    "l": ["l@./vendor/l.tgz", {}],
    "f": ["f@file:../f", {}],
    "k": ["k@link:k", {}],
    "r": ["app@root:", {}],
    "w": ["w@workspace:packages/w"],
    "b": ["b@2.0.0", "", {}, "SRI"],
"#
        .replace("SRI", SRI);
    let lock = parse(&lock(&packages)).unwrap();
    let by_key = |k: &str| lock.packages.iter().find(|p| p.location == k).unwrap();
    assert_eq!(
        by_key("a").source,
        Source::Registry {
            url: Some("https://registry.example.test/a/-/a-1.0.0.tgz".into())
        }
    );
    assert!(by_key("a").integrity.is_none());
    let g = by_key("g");
    assert_eq!(g.version.as_str(), "github:user/g#v1");
    assert_eq!(
        g.source,
        Source::Git {
            url: "github:user/g".into(),
            commit: Some("abc123".into())
        }
    );
    let h = by_key("h");
    assert_eq!(
        h.source,
        Source::Git {
            url: "git+https://example.test/h.git".into(),
            commit: Some("def456".into())
        }
    );
    assert!(h.integrity.is_some());
    assert_eq!(h.dependencies[0].target, Target::Package(0));
    assert_eq!(
        by_key("t").source,
        Source::Tarball {
            url: "https://example.test/t-1.0.0.tgz".into()
        }
    );
    assert_eq!(
        by_key("l").source,
        Source::File {
            path: "./vendor/l.tgz".into()
        }
    );
    assert_eq!(
        by_key("f").source,
        Source::File {
            path: "../f".into()
        }
    );
    assert_eq!(by_key("k").source, Source::Link { path: "k".into() });
    assert_eq!(lock.entries, 10);
    assert_eq!(lock.packages.len(), 8);
    assert!(lock.missing_edges().is_empty());
}

#[test]
fn version_0_and_top_level_extras() {
    let text = format!(
        r#"{{
  "lockfileVersion": 0,
  "configVersion": 0,
  "workspaces": {{ "": {{ "devDependencies": {{ "a": "catalog:" }} }} }},
  "trustedDependencies": ["a"],
  "patchedDependencies": {{ "a@1.0.0": "patches/a.patch" }},
  "catalog": {{ "a": "^1" }},
  "overrides": {{ "a": "1.0.0" }},
  "somethingNew": true,
  "packages": {{ "a": ["a@1.0.0", "", {{}}, "{SRI}", "extra"] }}
}}"#
    );
    let lock = parse(&text).unwrap();
    assert_eq!(lock.importers[0].name, None);
    assert_eq!(lock.importers[0].dependencies[0].kind, DepKind::Dev);
    assert_eq!(lock.importers[0].dependencies[0].req, "catalog:");
    assert_eq!(lock.importers[0].dependencies[0].target, Target::Package(0));
    let notes = lock.notes.join("\n");
    assert!(notes.contains("trustedDependencies"), "{notes}");
    assert!(notes.contains("patches/a.patch"), "{notes}");
    assert!(notes.contains("somethingNew"), "{notes}");
    assert!(notes.contains("1 trailing value"), "{notes}");
}

#[test]
fn missing_required_dependency_is_reported() {
    let lock = parse(&lock(&npm(
        "a",
        "a@1.0.0",
        r#"{ "dependencies": { "zz": "1" } }"#,
    )))
    .unwrap();
    let missing = lock.missing_edges();
    let names: Vec<_> = missing
        .iter()
        .map(|(from, d)| (*from, d.name.as_str()))
        .collect();
    // The root's `w` link entry is absent from packages here, but v1 registers workspaces
    // by name, so only `b` (of w) and `zz` are missing.
    assert_eq!(names, [("packages/w", "b"), ("a", "zz")]);
}

#[test]
fn bad_input_is_precise() {
    let e = parse("{\n  \"lockfileVersion\": 2,\n  \"workspaces\": {}\n}").unwrap_err();
    assert!(e.message.contains("unsupported lockfileVersion 2"), "{e}");
    assert!(e.message.contains("0 and 1"), "{e}");
    assert_eq!(e.line, Some(2));

    let e = parse("{\"workspaces\": {\"\": {}}}").unwrap_err();
    assert!(e.message.contains("no \"lockfileVersion\""), "{e}");

    let e = parse("{\"lockfileVersion\": 1, \"workspaces\": {}}").unwrap_err();
    assert!(e.message.contains("no root project"), "{e}");

    let e = parse(&lock("    \"a\": [\"a@1.0.0\", \"\", {}],\n")).unwrap_err();
    assert!(e.message.contains("expected the integrity hash"), "{e}");
    assert_eq!(e.line, Some(9), "{e:?}");

    let e = parse(&lock("    \"a\": [],\n")).unwrap_err();
    assert!(e.message.contains("empty package array"), "{e}");

    let e = parse(&lock("    \"a\": [\"a\", {}],\n")).unwrap_err();
    assert!(e.message.contains("not of the form name@resolution"), "{e}");

    let e = parse(&lock(
        &npm("a", "a@1.0.0", "{}").replace(SRI, "sha512-nope"),
    ))
    .unwrap_err();
    assert!(e.message.contains("packages[\"a\"]"), "{e}");
    assert_eq!(e.line, Some(9), "{e:?}");

    let e = parse(&lock("    \"x\": [\"x@workspace:nowhere\"],\n")).unwrap_err();
    assert!(e.message.contains("not listed in \"workspaces\""), "{e}");

    let e = parse(&lock(&npm("a//b", "b@1.0.0", "{}"))).unwrap_err();
    assert!(e.message.contains("not an install path"), "{e}");

    let e = parse(&lock(&npm("w", "w@1.0.0", "{}"))).unwrap_err();
    assert!(e.message.contains("also the name of a workspace"), "{e}");

    let e = parse("{\"lockfileVersion\": 1, / \"workspaces\": {}}").unwrap_err();
    assert!(e.message.contains("comment"), "{e}");

    let e = parse("{\"lockfileVersion\": 1, \"workspaces\": {\"x\": {}, \"\": {}}}").unwrap_err();
    assert!(e.message.contains("has no \"name\""), "{e}");
}

#[test]
fn install_paths() {
    assert_eq!(parent_path("a/@s/b"), "a");
    assert_eq!(parent_path("@s/b"), "");
    assert_eq!(parent_path("@s/b/c"), "@s/b");
    assert_eq!(parent_path("a/b/c"), "a/b");
    assert_eq!(parent_path("a"), "");
    assert_eq!(installed_name("a/@s/b"), "@s/b");
    assert_eq!(installed_name("@s/b"), "@s/b");
    assert_eq!(installed_name("x/y"), "y");
    assert!(valid_key("@s/x/b/@t/y"));
    assert!(!valid_key("@s"));
    assert!(!valid_key("a/"));
    assert!(!valid_key("@s/@t"));
    assert_eq!(Kind::of("1.2.3"), Kind::Npm);
    assert_eq!(Kind::of("https://x.test/a.tgz"), Kind::RemoteTarball);
}
