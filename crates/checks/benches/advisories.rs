//! The advisory check over the largest corpus lockfiles with every record in ../shared/data
//! imported (about 20,600), and the per-record matcher on its own.
//!
//! Run: `cargo bench -p portcullis-checks`. Figures go to docs/BENCHMARKS.md.

use std::path::PathBuf;
use std::sync::OnceLock;

use divan::{Bencher, black_box};
use portcullis_advisory::store::Store;
use portcullis_advisory::{import, osv::Record, query};
use portcullis_checks::advisories;
use portcullis_graph::DependencyGraph;
use portcullis_lockfile::FormatFamily;

fn main() {
    if data().is_none() {
        eprintln!("!!!!!!!! ../shared/data absent: benchmarks measure NOTHING !!!!!!!!");
        return;
    }
    divan::main();
}

fn data() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    dir.is_dir().then_some(dir)
}

fn read_all(dir: &std::path::Path) -> Vec<Record> {
    let mut records = Vec::new();
    for source in ["osv/npm", "advisories/nodejs-security-wg", "osv/npm-bulk"] {
        let path = dir.join(source);
        let sources: Vec<PathBuf> = if source.ends_with("bulk") {
            std::fs::read_dir(&path)
                .expect("bulk dir")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.to_string_lossy().ends_with(".tar.zst"))
                .collect()
        } else {
            vec![path]
        };
        for s in sources {
            import::read_path(&s, &mut |i| records.push(i.record)).expect("import");
        }
    }
    records
}

/// The store with every record, built once (outside the timings).
fn store() -> &'static Store {
    static STORE: OnceLock<(tempfile::TempDir, Store)> = OnceLock::new();
    &STORE
        .get_or_init(|| {
            let tmp = tempfile::tempdir().expect("tempdir");
            let store = Store::open_or_create(&tmp.path().join("db.redb")).expect("create");
            store
                .import("bench", read_all(&data().expect("data")))
                .expect("import");
            (tmp, store)
        })
        .1
}

const LOCKFILES: &[(&str, FormatFamily)] = &[
    (
        "package-lock-v3/theia-2026-08-package-lock.json",
        FormatFamily::Npm,
    ),
    ("pnpm-v9/astro-2026-08-pnpm-lock.yaml", FormatFamily::Pnpm),
    ("bun-lock/midday-2026-04-bun.lock", FormatFamily::Bun),
];

/// Lookup + match for every registry package of the lockfile (parse and graph excluded).
#[divan::bench(args = [0, 1, 2])]
fn check_lockfile(bencher: Bencher<'_, '_>, which: usize) {
    let (file, family) = LOCKFILES[which];
    let bytes =
        std::fs::read(data().expect("data").join("lockfiles").join(file)).expect("lockfile");
    let lock = portcullis_lockfile::parse_bytes(family, &bytes).expect("parses");
    let graph = DependencyGraph::new(&lock);
    let store = store();
    bencher.bench(|| black_box(advisories::check(&graph, store, 5).expect("check")));
}

/// One record against one version: compile the record's ranges and match (the inner loop).
#[divan::bench]
fn match_one_record(bencher: Bencher<'_, '_>) {
    let records: Vec<Record> = read_all(&data().expect("data"))
        .into_iter()
        .filter(|r| r.id.starts_with("GHSA-"))
        .collect();
    bencher
        .counter(divan::counter::ItemsCount::new(records.len()))
        .bench(|| {
            for r in &records {
                let name = r
                    .npm_affected()
                    .find_map(|a| a.package.as_ref())
                    .map(|p| p.name.clone())
                    .unwrap_or_default();
                black_box(query::affects(r, &name, "1.2.3").ok());
            }
        });
}
