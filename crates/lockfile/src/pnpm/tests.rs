//! Unit tests of the pnpm module: hand-written pass and fail cases.

use portcullis_types::DepKind;

use super::keys::is_v9_key;
use super::*;
use crate::{Dependency, Target, UnresolvedReason};

const SHA1: &str = "sha1-hHF9kBvIK+BW6kjjUeD8k5zxcOo=";

fn pkg<'l>(lock: &'l Lockfile, location: &str) -> (usize, &'l Package) {
    lock.packages
        .iter()
        .enumerate()
        .find(|(_, p)| p.location == location)
        .unwrap_or_else(|| panic!("no package at {location}"))
}

fn dep<'l>(deps: &'l [Dependency], name: &str) -> &'l Dependency {
    deps.iter()
        .find(|d| d.name == name)
        .unwrap_or_else(|| panic!("no dependency {name}"))
}

fn ok(text: &str) -> Lockfile {
    parse(text).unwrap_or_else(|e| panic!("{e:?}"))
}

fn err(text: &str) -> ParseError {
    match parse(text) {
        Ok(_) => panic!("parsed, expected an error:\n{text}"),
        Err(e) => e,
    }
}

#[test]
fn v5_workspace_with_link_alias_peer_file_and_git() {
    let text = format!(
        r"lockfileVersion: 5.4

importers:

  .:
    specifiers:
      a: ^1.0.0
      str3: npm:str@^3.0.0
      w: workspace:*
    dependencies:
      a: 1.0.0_p@2.0.0
      str3: /str/3.0.0
    devDependencies:
      w: link:packages/w

  packages/w:
    specifiers:
      local: file:../../local
      sib: link:../sib
      t: https://example.test/t.tgz
    dependencies:
      local: file:local
      sib: link:../sib
      t: '@example.test/t.tgz'

packages:

  /a/1.0.0_p@2.0.0:
    resolution: {{integrity: {SHA1}}}
    peerDependencies:
      p: ^2.0.0
      q: ^1.0.0
    dependencies:
      p: 2.0.0
    dev: false

  /p/2.0.0:
    resolution: {{integrity: {SHA1}}}
    requiresBuild: true
    os: [linux]
    cpu: [x64]

  /str/3.0.0:
    resolution: {{integrity: {SHA1}}}
    dev: true

  file:local:
    resolution: {{directory: local, type: directory}}
    name: local
    version: 0.1.0
    dependencies:
      gitdep: github.com/user/repo/abc123

  github.com/user/repo/abc123:
    resolution: {{type: git, repo: 'https://example.test/user/repo.git', commit: abc123}}
    name: gitdep
    version: 1.2.0

  '@example.test/t.tgz':
    resolution: {{tarball: 'https://example.test/t.tgz'}}
    name: t
    version: 0.3.0
"
    );
    let lock = ok(&text);
    assert_eq!(lock.format, Format::PnpmV5);
    assert_eq!(lock.entries, 6);
    assert_eq!(lock.packages.len(), 6);
    let paths: Vec<_> = lock.importers.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(paths, [".", "packages/w", "packages/sib"]);

    let root = &lock.importers[0].dependencies;
    let (a, a_pkg) = pkg(&lock, "/a/1.0.0_p@2.0.0");
    assert_eq!(
        (a_pkg.name.as_str(), a_pkg.version.as_str()),
        ("a", "1.0.0")
    );
    assert_eq!(dep(root, "a").target, Target::Package(a));
    assert_eq!(dep(root, "a").req, "^1.0.0");
    let (s, s_pkg) = pkg(&lock, "/str/3.0.0");
    assert_eq!(dep(root, "str3").target, Target::Package(s));
    assert_eq!(dep(root, "str3").req, "npm:str@^3.0.0");
    assert_eq!(s_pkg.dev, Some(true));
    assert_eq!(dep(root, "w").target, Target::Importer(1));
    assert_eq!(dep(root, "w").kind, DepKind::Dev);

    // The resolved peer is one Peer edge with the declared range; the unmet one is kept.
    let (p, p_pkg) = pkg(&lock, "/p/2.0.0");
    let pe = dep(&a_pkg.dependencies, "p");
    assert_eq!(
        (pe.kind, pe.req.as_str(), pe.target),
        (DepKind::Peer, "^2.0.0", Target::Package(p))
    );
    assert_eq!(a_pkg.dependencies.len(), 2);
    assert_eq!(
        dep(&a_pkg.dependencies, "q").target,
        Target::Unresolved(UnresolvedReason::NotInstalled)
    );
    assert_eq!(p_pkg.has_install_script, Some(true));
    assert_eq!(a_pkg.has_install_script, Some(false));
    assert_eq!(
        (p_pkg.os.as_slice(), p_pkg.cpu.as_slice()),
        (&["linux".to_owned()][..], &["x64".to_owned()][..])
    );
    assert_eq!(a_pkg.dev, Some(false));

    let w = &lock.importers[1].dependencies;
    let (l, l_pkg) = pkg(&lock, "file:local");
    assert_eq!(dep(w, "local").target, Target::Package(l));
    assert_eq!(
        l_pkg.source,
        Source::File {
            path: "local".into()
        }
    );
    assert_eq!(dep(w, "sib").target, Target::Importer(2));
    let (t, t_pkg) = pkg(&lock, "@example.test/t.tgz");
    assert_eq!(dep(w, "t").target, Target::Package(t));
    assert_eq!(
        t_pkg.source,
        Source::Tarball {
            url: "https://example.test/t.tgz".into()
        }
    );
    let (g, g_pkg) = pkg(&lock, "github.com/user/repo/abc123");
    assert_eq!(
        dep(&l_pkg.dependencies, "gitdep").target,
        Target::Package(g)
    );
    assert_eq!(
        (g_pkg.name.as_str(), g_pkg.version.as_str()),
        ("gitdep", "1.2.0")
    );
    assert_eq!(
        g_pkg.source,
        Source::Git {
            url: "https://example.test/user/repo.git".into(),
            commit: Some("abc123".into())
        }
    );
    assert!(lock.missing_edges().is_empty());
    assert!(lock.notes.is_empty());
}

#[test]
fn v6_single_project_at_top_level() {
    let text = format!(
        r"lockfileVersion: '6.0'

settings:
  autoInstallPeers: false

dependencies:
  a:
    specifier: ^1.0.0
    version: 1.0.0(@s/p@2.0.0)
  local:
    specifier: file:local
    version: file:local(@s/p@2.0.0)
  str3:
    specifier: npm:str@^3.0.0
    version: /str@3.0.0

optionalDependencies:
  gone:
    specifier: ^1.0.0
    version: 1.0.0

devDependencies:
  lost:
    specifier: ^1.0.0
    version: 1.0.0

packages:

  /a@1.0.0(@s/p@2.0.0):
    resolution: {{integrity: {SHA1}}}
    peerDependencies:
      '@s/p': ^2.0.0
    dependencies:
      '@s/p': 2.0.0
    dev: false

  /@s/p@2.0.0:
    resolution: {{integrity: {SHA1}, tarball: 'https://registry.example.test/@s/p/-/p-2.0.0.tgz'}}
    dev: false
    optional: true

  /str@3.0.0:
    resolution: {{integrity: {SHA1}}}
    dev: false

  file:local(@s/p@2.0.0):
    resolution: {{directory: local, type: directory}}
    name: local
    peerDependencies:
      '@s/p': '*'
    dependencies:
      '@s/p': 2.0.0
    dev: false
"
    );
    let lock = ok(&text);
    assert_eq!(lock.format, Format::PnpmV6);
    assert_eq!(lock.entries, 4);
    assert_eq!(lock.importers.len(), 1);
    let root = &lock.importers[0].dependencies;
    let (a, _) = pkg(&lock, "/a@1.0.0(@s/p@2.0.0)");
    assert_eq!(dep(root, "a").target, Target::Package(a));
    let (s, _) = pkg(&lock, "/str@3.0.0");
    assert_eq!(dep(root, "str3").target, Target::Package(s));
    let (l, l_pkg) = pkg(&lock, "file:local(@s/p@2.0.0)");
    assert_eq!(dep(root, "local").target, Target::Package(l));
    // No version field: the file: spec is the version, as pnpm's own readers keep it.
    assert_eq!(
        (l_pkg.name.as_str(), l_pkg.version.as_str()),
        ("local", "file:local")
    );
    let (p, p_pkg) = pkg(&lock, "/@s/p@2.0.0");
    assert_eq!(p_pkg.name.as_str(), "@s/p");
    assert_eq!(p_pkg.optional, Some(true));
    assert_eq!(
        p_pkg.source,
        Source::Registry {
            url: Some("https://registry.example.test/@s/p/-/p-2.0.0.tgz".into())
        }
    );
    assert_eq!(dep(&l_pkg.dependencies, "@s/p").target, Target::Package(p));
    assert_eq!(
        dep(root, "gone").target,
        Target::Unresolved(UnresolvedReason::NotInstalled)
    );
    // A required dependency the lockfile lacks is reported, not hidden.
    assert_eq!(
        dep(root, "lost").target,
        Target::Unresolved(UnresolvedReason::Missing)
    );
    assert_eq!(lock.missing_edges().len(), 1);
}

fn v9_text() -> String {
    format!(
        r"---
lockfileVersion: '9.0'

importers:

  .:
    configDependencies: {{}}
    packageManagerDependencies:
      pnpm:
        specifier: 11.0.0
        version: 11.0.0

packages:

  pnpm@11.0.0:
    resolution: {{integrity: {SHA1}}}

snapshots:

  pnpm@11.0.0: {{}}

---
lockfileVersion: '9.0'

settings:
  autoInstallPeers: false

importers:

  .:
    dependencies:
      a:
        specifier: ^1.0.0
        version: 1.0.0(p@2.0.0)
      str-cjs:
        specifier: npm:str@^3.0.0
        version: str@3.0.0
      w:
        specifier: workspace:*
        version: link:packages/w
    devDependencies:
      a:
        specifier: ^1.0.0
        version: 1.0.0

  packages/w:
    dependencies:
      local:
        specifier: file:../../local
        version: file:local
      tgz:
        specifier: https://example.test/t.tgz
        version: https://example.test/t.tgz
      sib:
        specifier: link:../sib
        version: link:../sib

packages:

  a@1.0.0:
    resolution: {{integrity: {SHA1}}}
    peerDependencies:
      p: ^2.0.0

  p@2.0.0:
    resolution: {{integrity: {SHA1}}}
    cpu: [arm64]

  p@2.1.0:
    resolution: {{integrity: {SHA1}}}

  str@3.0.0:
    resolution: {{integrity: {SHA1}}}

  local@file:local:
    resolution: {{directory: local, type: directory}}

  tgz@https://example.test/t.tgz:
    resolution: {{tarball: https://example.test/t.tgz}}
    version: 0.3.0

  gitdep@git+https://example.test/u/r.git#abc:
    resolution: {{type: git, repo: 'https://example.test/u/r.git', commit: abc}}
    version: 1.2.0

snapshots:

  a@1.0.0(p@2.0.0):
    dependencies:
      p: 2.0.0

  a@1.0.0: {{}}

  p@2.0.0:
    optional: true

  str@3.0.0: {{}}

  local@file:local:
    dependencies:
      gitdep: git+https://example.test/u/r.git#abc
      w: link:packages/w

  tgz@https://example.test/t.tgz: {{}}

  gitdep@git+https://example.test/u/r.git#abc: {{}}
"
    )
}

#[test]
fn v9_two_documents_snapshots_and_peer_variants() {
    let lock = ok(&v9_text());
    assert_eq!(lock.format, Format::PnpmV9);
    assert_eq!(
        lock.entries, 7,
        "entries count packages keys, not snapshots"
    );
    assert_eq!(lock.packages.len(), 8, "7 snapshots + p@2.1.0 without one");
    assert_eq!(lock.unique_name_versions().len(), 7);
    assert_eq!(lock.notes.len(), 1);
    assert!(
        lock.notes[0].contains("skipped YAML document 1 of 2"),
        "{}",
        lock.notes[0]
    );
    assert!(lock.notes[0].contains("1 packages"), "{}", lock.notes[0]);
    assert!(lock.packages.iter().all(|p| p.name.as_str() != "pnpm"));

    let root = &lock.importers[0].dependencies;
    let (with_peer, _) = pkg(&lock, "a@1.0.0(p@2.0.0)");
    let (plain, plain_pkg) = pkg(&lock, "a@1.0.0");
    assert_ne!(with_peer, plain);
    assert_eq!(root[0].target, Target::Package(with_peer));
    assert_eq!(root[3].target, Target::Package(plain));
    assert_eq!(
        dep(&plain_pkg.dependencies, "p").target,
        Target::Unresolved(UnresolvedReason::NotInstalled)
    );
    let (s, s_pkg) = pkg(&lock, "str@3.0.0");
    assert_eq!(dep(root, "str-cjs").target, Target::Package(s));
    assert_eq!(s_pkg.name.as_str(), "str");
    assert_eq!(dep(root, "w").target, Target::Importer(1));
    let (_, p_pkg) = pkg(&lock, "p@2.0.0");
    assert_eq!(
        (p_pkg.optional, p_pkg.dev, p_pkg.has_install_script),
        (Some(true), None, None)
    );
    assert_eq!(p_pkg.cpu, ["arm64"]);
    let (_, leftover) = pkg(&lock, "p@2.1.0");
    assert!(leftover.dependencies.is_empty());

    let w = &lock.importers[1].dependencies;
    let (l, l_pkg) = pkg(&lock, "local@file:local");
    assert_eq!(dep(w, "local").target, Target::Package(l));
    assert_eq!(l_pkg.version.as_str(), "file:local");
    // Snapshot link: paths are relative to the lockfile's folder, not the package's.
    assert_eq!(dep(&l_pkg.dependencies, "w").target, Target::Importer(1));
    let (g, g_pkg) = pkg(&lock, "gitdep@git+https://example.test/u/r.git#abc");
    assert_eq!(
        dep(&l_pkg.dependencies, "gitdep").target,
        Target::Package(g)
    );
    assert_eq!(g_pkg.version.as_str(), "1.2.0");
    let (t, t_pkg) = pkg(&lock, "tgz@https://example.test/t.tgz");
    assert_eq!(dep(w, "tgz").target, Target::Package(t));
    assert_eq!(
        (t_pkg.name.as_str(), t_pkg.version.as_str()),
        ("tgz", "0.3.0")
    );
    assert_eq!(dep(w, "sib").target, Target::Importer(2));
    assert_eq!(lock.importers[2].path, "packages/sib");
    assert!(lock.missing_edges().is_empty());
}

#[test]
fn keys_and_references() {
    assert_eq!(
        parse_v5_key("/@s/n/1.0.0_a@1.0.0+@b+c@2.0.0"),
        (Some("@s/n"), Some("1.0.0"))
    );
    assert_eq!(
        parse_v5_key("/n/1.0.0_0123abcdef"),
        (Some("n"), Some("1.0.0"))
    );
    assert_eq!(
        parse_v5_key("registry.example.test/n/1.0.0"),
        (Some("n"), Some("1.0.0"))
    );
    assert_eq!(parse_v5_key("github.com/u/r/abc"), (None, None));
    assert_eq!(
        parse_at_key("/@s/n@1.0.0(@t/p@2.0.0)"),
        (Some("@s/n"), Some("1.0.0"))
    );
    assert_eq!(
        parse_at_key("n@1.0.0(patch_hash=x)(p@1.0.0)"),
        (Some("n"), Some("1.0.0"))
    );
    assert_eq!(
        parse_at_key("@s/n@file:a/b(p@1.0.0)"),
        (Some("@s/n"), Some("file:a/b"))
    );
    assert_eq!(parse_at_key("file:a/b(p@1.0.0)"), (None, Some("file:a/b")));
    assert_eq!(
        parse_at_key("registry.example.test/n@1.0.0"),
        (Some("n"), Some("1.0.0"))
    );
    assert!(is_v9_key("string-width@4.2.3"));
    assert!(is_v9_key("@s/n@file:x"));
    assert!(!is_v9_key("1.0.0(p@2.0.0)"));
    assert!(!is_v9_key("https://u:p@example.test/t.tgz"));
    assert_eq!(join_path("packages/a", "../b"), "packages/b");
    assert_eq!(join_path(".", "./x/../y"), "y");
    assert_eq!(join_path("a", "../../outside"), "../outside");
    assert_eq!(join_path("a", ".."), ".");
}

#[test]
fn versions_and_empty_input() {
    let e = err("");
    assert!(e.message.contains("no YAML document"), "{e}");
    assert!(err("---\n").message.contains("no YAML document"));
    let e = err("lockfileVersion: '7.0'\n");
    assert_eq!(
        e.message,
        "unsupported lockfileVersion 7.0: Portcullis reads 5.x, 6.x and 9.x (pnpm 6 to 11); upgrade Portcullis or regenerate the lockfile"
    );
    let e = err("packages: {}\n");
    assert!(e.message.contains("no lockfileVersion"), "{e}");
    // A package-lock.json handed to the pnpm parser is valid YAML but not a pnpm lockfile.
    let e = err("{\"lockfileVersion\": 3, \"packages\": {\"\": {}}}");
    assert!(e.message.contains("unsupported lockfileVersion 3"), "{e}");
    assert_eq!(ok("lockfileVersion: 5.3\n").format, Format::PnpmV5);
    // pnpm 7's inline-specifiers variant of 5.4: v5 keys, v6-style importer values.
    let text = format!(
        "lockfileVersion: 5.4-inlineSpecifiers\ndependencies:\n  a:\n    specifier: ^1.0.0\n    version: 1.0.0_p@2.0.0\npackages:\n  /a/1.0.0_p@2.0.0:\n    resolution: {{integrity: {SHA1}}}\n"
    );
    let lock = ok(&text);
    assert_eq!(lock.format, Format::PnpmV5);
    assert_eq!(lock.importers[0].dependencies[0].target, Target::Package(0));
    assert_eq!(lock.importers[0].dependencies[0].req, "^1.0.0");
    let lock = ok("---\nlockfileVersion: '9.0'\nimporters:\n  .: {}\n");
    assert_eq!(
        (lock.importers.len(), lock.packages.len(), lock.notes.len()),
        (1, 0, 0)
    );
}

#[test]
fn malformed_yaml_has_a_position() {
    let truncated = format!(
        "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {{integrity: {SHA1}"
    );
    let e = err(&truncated);
    assert!(e.line.is_some_and(|l| l >= 4), "{e:?}");
    let e = err("lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: [1]\n");
    assert_eq!(e.line, Some(4), "{e:?}");
    let e = err(
        "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {integrity: sha512-short}\n",
    );
    assert!(e.message.contains("packages[\"a@1.0.0\"]"), "{e}");
    assert_eq!(e.line, Some(3), "{e:?}");
    let e = err("lockfileVersion: '9.0'\npackages:\n  a@1.0.0: {}\n");
    assert!(e.message.contains("no \"resolution\""), "{e}");
    assert_eq!((e.line, e.column), (Some(3), Some(3)), "{e:?}");
    let e = err("lockfileVersion: '9.0'\nsnapshots:\n  a@1.0.0: {}\n");
    assert!(e.message.contains("no packages[\"a@1.0.0\"]"), "{e}");
    assert_eq!((e.line, e.column), (Some(3), Some(3)), "{e:?}");
    let e = err(&format!(
        "lockfileVersion: '6.0'\npackages:\n  github.com/u/r/abc:\n    resolution: {{integrity: {SHA1}}}\n"
    ));
    assert!(e.message.contains("no \"name\""), "{e}");
    assert_eq!(e.line, Some(3), "{e:?}");
    let e = err("lockfileVersion: '9.0'\npackages:\n  a@1.0.0: {}\n  a@1.0.0: {}\n");
    assert_eq!(e.line, Some(4), "duplicate keys are refused: {e:?}");
}

#[test]
fn alias_bomb_is_refused_quickly() {
    let mut text = String::from(
        "lockfileVersion: '9.0'\nimporters:\n  .:\n    x0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for i in 1..10 {
        let prev = format!("*x{}", i - 1);
        let list = [prev.as_str(); 10].join(", ");
        text.push_str(&format!("    x{i}: &x{i} [{list}]\n"));
    }
    let start = std::time::Instant::now();
    let e = err(&text);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(2),
        "took {:?}",
        start.elapsed()
    );
    assert!(e.line.is_some(), "{e:?}");
    assert!(
        e.message.contains("alias") || e.message.contains("budget"),
        "{e}"
    );
}

#[test]
fn nesting_storm_is_refused() {
    let text = format!(
        "lockfileVersion: '9.0'\nx: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let e = err(&text);
    assert!(e.line.is_some(), "{e:?}");
}
