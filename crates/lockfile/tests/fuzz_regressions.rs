//! Inputs found by the fuzz targets in `fuzz/` (see docs/FUZZING.md), minimized, one test each.
//!
//! Each must parse to `Ok` or `Err` without panicking, quickly, and an `Ok` lockfile must keep
//! the model's invariants that the fuzz harness (`fuzz/src/lib.rs`) checks: at least one
//! importer, every edge index in bounds, and package locations unique.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use portcullis_lockfile::{FormatFamily, Lockfile, Target, parse_bytes};

/// Generous for inputs of a few hundred bytes; a hang or quadratic blow-up takes far longer.
const LIMIT: Duration = Duration::from_secs(2);

fn check(family: FormatFamily, input: &[u8]) {
    let start = Instant::now();
    let result = parse_bytes(family, input);
    let took = start.elapsed();
    assert!(took < LIMIT, "{family} parse took {took:?}");
    match result {
        Ok(lock) => check_invariants(&lock),
        Err(e) => assert!(!e.message.is_empty(), "an error must say what was expected"),
    }
}

fn check_invariants(lock: &Lockfile) {
    assert!(!lock.importers.is_empty(), "no importers");
    let (np, ni) = (lock.packages.len(), lock.importers.len());
    let deps = lock
        .importers
        .iter()
        .flat_map(|i| &i.dependencies)
        .chain(lock.packages.iter().flat_map(|p| &p.dependencies));
    for d in deps {
        match d.target {
            Target::Package(i) => assert!(i < np, "edge {} to package {i} of {np}", d.name),
            Target::Importer(i) => assert!(i < ni, "edge {} to importer {i} of {ni}", d.name),
            Target::Unresolved(_) => {}
        }
    }
    let mut seen = HashSet::new();
    for p in &lock.packages {
        assert!(
            seen.insert(p.location.as_str()),
            "two packages at location {:?}",
            p.location
        );
    }
}

/// fuzz target `npm`: a key repeated in `packages` gave two packages at one location (npm
/// itself keeps only the last). Found as `node_modules/extglob/node_modules/is-accessor-descriptor`
/// twice in a mutated playwright lockfile; minimized by hand from the tmin output.
#[test]
fn npm_duplicate_package_key() {
    check(
        FormatFamily::Npm,
        br#"{"lockfileVersion":3,"packages":{"node_modules/a":{"version":"1.0.0"},"node_modules/a":{"version":"2.0.0"}}}"#,
    );
}

/// fuzz target `yarn_v1`: the same block header twice gave two packages at one location
/// (found as `"@esbuild/linux-mips64el@0.19.8":` repeated in a mutated corpus subset).
#[test]
fn yarn_v1_duplicate_block_header() {
    check(
        FormatFamily::YarnV1,
        b"# yarn lockfile v1\n\n\na@1:\n  version \"1.0.0\"\n\na@1:\n  version \"2.0.0\"\n",
    );
}

/// fuzz target `npm`, after the fix for `packages`: a key repeated in a v1 `dependencies` tree
/// (top level or nested) still gives two packages at one location (found as
/// `"@babel/xelper-module-imports"` twice in a mutated playwright v1 lockfile).
#[test]
fn npm_v1_duplicate_dependency_key() {
    check(
        FormatFamily::Npm,
        br#"{"lockfileVersion":1,"dependencies":{"a":{"version":"1.0.0"},"a":{"version":"2.0.0"}}}"#,
    );
    check(
        FormatFamily::Npm,
        br#"{"lockfileVersion":1,"dependencies":{"a":{"version":"1.0.0","dependencies":{"b":{"version":"1.0.0"},"b":{"version":"2.0.0"}}}}}"#,
    );
}
