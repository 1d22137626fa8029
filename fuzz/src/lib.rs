//! Shared checks for the lockfile fuzz targets: parse, then verify the model's invariants on
//! whatever the parser accepted. A parser may refuse any input; it may not panic, hang, or hand
//! the graph crate an edge pointing outside the lockfile.

use std::collections::HashSet;
use std::sync::OnceLock;

use portcullis_lockfile::{Format, FormatFamily, Lockfile, Manifest, ParseError, Target};

/// Every format family, in the order `detect_and_parse` tries them.
pub const FAMILIES: [FormatFamily; 6] = [
    FormatFamily::Npm,
    FormatFamily::YarnV1,
    FormatFamily::YarnBerry,
    FormatFamily::Pnpm,
    FormatFamily::Bun,
    FormatFamily::BunBinary,
];

/// Small lockfiles whose importers come from package.json (npm v1, yarn v1), for the
/// `manifest` target to pair with fuzzed manifests.
pub const MANIFEST_LOCKFILES: [(FormatFamily, &[u8]); 2] = [
    (
        FormatFamily::Npm,
        br#"{"name":"root","lockfileVersion":1,"requires":true,"dependencies":{
"a":{"version":"1.0.0","requires":{"b":"^2.0.0"}},
"b":{"version":"2.0.0","dev":true},
"c":{"version":"3.0.0","optional":true,"dependencies":{"b":{"version":"2.1.0"}}}}}"#,
    ),
    (
        FormatFamily::YarnV1,
        b"# yarn lockfile v1\n\n\na@^1, a@1.0.0:\n  version \"1.0.0\"\n  dependencies:\n    b \"^2\"\n\nb@^2:\n  version \"2.0.0\"\n\n\"w@workspace:*\":\n  version \"0.0.0\"\n",
    ),
];

/// Parses `data` as `family` and checks the result.
pub fn parse_and_check(family: FormatFamily, data: &[u8]) {
    check_result(family, portcullis_lockfile::parse_bytes(family, data));
}

/// Parses `data` as `family` with `manifests` and checks the result.
pub fn parse_with_manifests_and_check(family: FormatFamily, data: &[u8], manifests: &[Manifest]) {
    check_result(
        family,
        portcullis_lockfile::parse_with_manifests(family, data, manifests),
    );
}

fn check_result(family: FormatFamily, result: Result<Lockfile, ParseError>) {
    if verbose() {
        match &result {
            Ok(lock) => eprintln!(
                "{family}: Ok {} packages, {} importers, {} entries, {} missing edges",
                lock.packages.len(),
                lock.importers.len(),
                lock.entries,
                lock.missing_edges().len()
            ),
            Err(e) => eprintln!("{family}: Err {:?}:{:?} {e}", e.line, e.column),
        }
    }
    match result {
        Ok(lock) => check_lockfile(family, &lock),
        // Rendering the message runs the position and formatting code too.
        Err(e) => {
            let _ = e.to_string();
            let _ = (e.line, e.column);
        }
    }
}

/// `PORTCULLIS_FUZZ_MUTE=dup-location` turns off one named check, so a target can keep fuzzing
/// past a crash that is already reported and awaiting its fix. Say so in any reported run.
fn muted(check: &str) -> bool {
    static MUTED: OnceLock<Vec<String>> = OnceLock::new();
    MUTED
        .get_or_init(|| {
            std::env::var("PORTCULLIS_FUZZ_MUTE")
                .unwrap_or_default()
                .split(',')
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
                .collect()
        })
        .iter()
        .any(|c| c == check)
}

/// `PORTCULLIS_FUZZ_VERBOSE=1 fuzz/target/.../npm FILE...` says what each input parsed to, to
/// check that seeds are accepted rather than refused on their first line.
fn verbose() -> bool {
    static VERBOSE: OnceLock<bool> = OnceLock::new();
    *VERBOSE.get_or_init(|| std::env::var_os("PORTCULLIS_FUZZ_VERBOSE").is_some())
}

/// The invariants documented in the model that a consumer relies on without checking.
pub fn check_lockfile(family: FormatFamily, lock: &Lockfile) {
    assert!(
        format_in_family(lock.format, family),
        "{family} parser returned format {}",
        lock.format
    );
    assert!(
        !lock.importers.is_empty(),
        "no importers (the model says never empty)"
    );
    let (np, ni) = (lock.packages.len(), lock.importers.len());
    let edges = lock
        .importers
        .iter()
        .map(|i| (i.path.as_str(), &i.dependencies))
        .chain(
            lock.packages
                .iter()
                .map(|p| (p.location.as_str(), &p.dependencies)),
        );
    for (from, deps) in edges {
        for d in deps {
            match d.target {
                Target::Package(i) => {
                    assert!(i < np, "{from} -> {} points at package {i} of {np}", d.name)
                }
                Target::Importer(i) => assert!(
                    i < ni,
                    "{from} -> {} points at importer {i} of {ni}",
                    d.name
                ),
                Target::Unresolved(_) => {}
            }
        }
    }
    if !muted("dup-location") {
        let mut locations = HashSet::with_capacity(np);
        for p in &lock.packages {
            assert!(
                locations.insert(p.location.as_str()),
                "two packages at location {:?} (the model says unique)",
                p.location
            );
        }
    }
    let _ = lock.unique_ids();
    let _ = lock.unique_name_versions();
    let _ = lock.missing_edges();
}

fn format_in_family(format: Format, family: FormatFamily) -> bool {
    use Format as F;
    match family {
        FormatFamily::Npm => matches!(format, F::NpmV1 | F::NpmV2 | F::NpmV3),
        FormatFamily::YarnV1 => format == F::YarnV1,
        FormatFamily::YarnBerry => format == F::YarnBerry,
        FormatFamily::Pnpm => matches!(format, F::PnpmV5 | F::PnpmV6 | F::PnpmV9),
        FormatFamily::Bun => format == F::Bun,
        FormatFamily::BunBinary => format == F::BunBinary,
    }
}
