//! Parse + graph of the largest corpus lockfile of each format, against a bare parse of the
//! same bytes into a generic value (`serde_json::Value`, or YAML into the same) — the ratio
//! DESIGN.md targets (≤ 3×). Reads `../shared/data/lockfiles` in place; skips loudly without it.
//!
//! Run: `cargo bench -p portcullis-graph`. Figures go to docs/BENCHMARKS.md.

use std::path::PathBuf;

use divan::{Bencher, black_box, counter::BytesCount};
use portcullis_graph::DependencyGraph;
use portcullis_lockfile::FormatFamily;

fn main() {
    if corpus().is_none() {
        eprintln!(
            "!!!!!!!! corpus ../shared/data/lockfiles absent: benchmarks measure NOTHING !!!!!!!!"
        );
        return;
    }
    divan::main();
}

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/lockfiles");
    dir.is_dir().then_some(dir)
}

/// (label, corpus file, family). The largest file of each format.
const FILES: &[(&str, &str, FormatFamily)] = &[
    (
        "npm-v3 theia",
        "package-lock-v3/theia-2026-08-package-lock.json",
        FormatFamily::Npm,
    ),
    (
        "npm-v1 playwright",
        "package-lock-v1/playwright-2020-09-package-lock.json",
        FormatFamily::Npm,
    ),
    (
        "pnpm-v9 astro",
        "pnpm-v9/astro-2026-08-pnpm-lock.yaml",
        FormatFamily::Pnpm,
    ),
    (
        "pnpm-v5 vite",
        "pnpm-v5/vite-2023-02-pnpm-lock.yaml",
        FormatFamily::Pnpm,
    ),
    (
        "pnpm-v6 vite",
        "pnpm-v6/vite-2024-06-pnpm-lock.yaml",
        FormatFamily::Pnpm,
    ),
    (
        "yarn-v1 jest",
        "yarn-v1/jest-2020-07-yarn.lock",
        FormatFamily::YarnV1,
    ),
    (
        "yarn-berry jest",
        "yarn-berry/jest-2026-08-yarn.lock",
        FormatFamily::YarnBerry,
    ),
    (
        "bun midday",
        "bun-lock/midday-2026-04-bun.lock",
        FormatFamily::Bun,
    ),
    (
        "bun-binary hono",
        "bun-lockb/hono-2024-11-bun.lockb",
        FormatFamily::BunBinary,
    ),
];

fn load(label: &str) -> (Vec<u8>, FormatFamily) {
    let (_, file, family) = FILES
        .iter()
        .find(|(l, _, _)| *l == label)
        .expect("known label");
    let bytes = std::fs::read(corpus().expect("corpus").join(file)).expect("read corpus file");
    (bytes, *family)
}

const LABELS: &[&str] = &[
    "npm-v3 theia",
    "npm-v1 playwright",
    "pnpm-v9 astro",
    "pnpm-v5 vite",
    "pnpm-v6 vite",
    "yarn-v1 jest",
    "yarn-berry jest",
    "bun midday",
    "bun-binary hono",
];

/// Our parser plus the graph index (flags, reverse edges): what every command pays.
#[divan::bench(args = LABELS)]
fn parse_and_graph(bencher: Bencher<'_, '_>, label: &str) {
    let (bytes, family) = load(label);
    bencher.counter(BytesCount::of_slice(&bytes)).bench(|| {
        let lock = portcullis_lockfile::parse_bytes(family, black_box(&bytes))
            .expect("corpus file parses");
        let graph = DependencyGraph::new(&lock);
        black_box(graph.flags(0));
    });
}

/// The baseline: the same bytes into an untyped value, with no model or graph at all.
#[divan::bench(args = ["npm-v3 theia", "npm-v1 playwright", "pnpm-v9 astro", "pnpm-v5 vite", "pnpm-v6 vite", "yarn-berry jest", "bun midday"])]
fn bare_value_parse(bencher: Bencher<'_, '_>, label: &str) {
    let (bytes, family) = load(label);
    let text = String::from_utf8(bytes).expect("utf8");
    bencher
        .counter(BytesCount::of_str(&text))
        .bench(|| match family {
            FormatFamily::Npm => {
                black_box(
                    serde_json::from_str::<serde_json::Value>(black_box(&text)).expect("json"),
                );
            }
            FormatFamily::Bun => {
                let mut owned = text.clone();
                json_strip_comments::strip(&mut owned).expect("strip");
                black_box(serde_json::from_str::<serde_json::Value>(&owned).expect("jsonc"));
            }
            _ => {
                // pnpm 11 files hold two documents; the bare baseline parses them all.
                // Unbudgeted: the baseline gets every advantage.
                let mut options = serde_saphyr::Options::default();
                options.budget = None;
                let docs = serde_saphyr::from_multiple_with_options::<serde_json::Value>(
                    black_box(&text),
                    options,
                );
                black_box(docs.expect("yaml"));
            }
        });
}
