//! Unit tests of the npm module: hand-written pass and fail cases.

use super::*;

#[test]
fn resolves_like_node() {
    let keys = [
        "node_modules/a",
        "node_modules/b",
        "node_modules/a/node_modules/b",
        "packages/w/node_modules/c",
        "node_modules/@s/x",
    ];
    let get = |k: &str| keys.iter().position(|x| *x == k);
    assert_eq!(
        spec::find_in_node_modules("node_modules/a", "b", get),
        Some(2)
    );
    assert_eq!(
        spec::find_in_node_modules("node_modules/a/node_modules/b", "b", get),
        Some(2)
    );
    assert_eq!(
        spec::find_in_node_modules("node_modules/@s/x", "b", get),
        Some(1)
    );
    assert_eq!(spec::find_in_node_modules("packages/w", "c", get), Some(3));
    assert_eq!(spec::find_in_node_modules("packages/w", "a", get), Some(0));
    assert_eq!(spec::find_in_node_modules("", "zz", get), None);
}

#[test]
fn v3_with_workspace_alias_and_nesting() {
    let text = r#"{
          "name": "app", "lockfileVersion": 3, "requires": true,
          "packages": {
            "": {"name": "app", "workspaces": ["packages/w"], "dependencies": {"a": "^1", "is18": "npm:react-is@^18"}, "devDependencies": {"w": "*"}},
            "packages/w": {"name": "w", "version": "1.0.0", "dependencies": {"a": "^2"}},
            "node_modules/w": {"resolved": "packages/w", "link": true},
            "node_modules/a": {"version": "1.0.0", "resolved": "https://r.test/a/-/a-1.0.0.tgz", "integrity": "sha1-hHF9kBvIK+BW6kjjUeD8k5zxcOo=", "hasInstallScript": true},
            "packages/w/node_modules/a": {"version": "2.0.0", "dev": true},
            "node_modules/is18": {"name": "react-is", "version": "18.3.1"}
          }
        }"#;
    let lock = parse(text, &[]).unwrap();
    assert_eq!(lock.format, Format::NpmV3);
    assert_eq!(lock.entries, 4);
    assert_eq!(lock.packages.len(), 3);
    assert_eq!(lock.importers.len(), 2);
    let root = &lock.importers[0];
    assert_eq!(root.dependencies[0].target, Target::Package(0));
    assert_eq!(root.dependencies[1].target, Target::Package(2));
    assert_eq!(root.dependencies[2].target, Target::Importer(1));
    assert_eq!(lock.importers[1].dependencies[0].target, Target::Package(1));
    let alias = &lock.packages[2];
    assert_eq!(
        (alias.name.as_str(), alias.alias.as_deref()),
        ("react-is", Some("is18"))
    );
    assert_eq!(lock.packages[0].has_install_script, Some(true));
    assert!(lock.missing_edges().is_empty());
}

#[test]
fn v1_tree() {
    let text = r#"{"name":"x","version":"1.0.0","lockfileVersion":1,"dependencies":{
            "a":{"version":"1.0.0","requires":{"b":"^1"},"dependencies":{"b":{"version":"1.1.0"}}},
            "b":{"version":"2.0.0","dev":true},
            "c":{"version":"npm:b@2.0.0"}}}"#;
    let lock = parse(text, &[]).unwrap();
    assert_eq!(lock.format, Format::NpmV1);
    assert_eq!(lock.entries, 4);
    assert_eq!(lock.packages[0].dependencies[0].target, Target::Package(1));
    assert_eq!(lock.packages[3].name.as_str(), "b");
    assert_eq!(lock.importers[0].dependencies.len(), 3);
}

fn parse_text(text: &str) -> Result<Lockfile, ParseError> {
    parse(text, &[])
}

#[test]
fn bad_input_is_precise() {
    let e = parse_text("{\"lockfileVersion\": 7, \"packages\": {}}").unwrap_err();
    assert!(e.message.contains("unsupported lockfileVersion 7"), "{e}");
    let e = parse_text("{\"packages\": {}}").unwrap_err();
    assert!(e.message.contains("lockfileVersion"), "{e}");
    let e = parse_text(
        "{\"lockfileVersion\": 3,\n \"packages\": {\"node_modules/a\": {\"version\": 1}}}",
    )
    .unwrap_err();
    assert_eq!(e.line, Some(2), "{e:?}");
    let e =
        parse_text("{\"lockfileVersion\": 3, \"packages\": {\"node_modules/a\": {}}}").unwrap_err();
    assert!(e.message.contains("no \"version\""), "{e}");
}

#[test]
fn duplicate_keys_are_refused() {
    let e = parse_text(r#"{"lockfileVersion":3,"packages":{"node_modules/a":{"version":"1.0.0"},"node_modules/a":{"version":"2.0.0"}}}"#).unwrap_err();
    assert!(e.message.contains("appears twice"), "{e}");
}

#[test]
fn v1_duplicate_keys_are_refused() {
    for text in [
        r#"{"lockfileVersion":1,"dependencies":{"a":{"version":"1.0.0"},"a":{"version":"2.0.0"}}}"#,
        r#"{"lockfileVersion":1,"dependencies":{"a":{"version":"1.0.0","dependencies":{"b":{"version":"1.0.0"},"b":{"version":"2.0.0"}}}}}"#,
    ] {
        let e = parse_text(text).unwrap_err();
        assert!(e.message.contains("appears twice"), "{e}");
    }
}
