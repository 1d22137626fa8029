//! Every lockfile in the shared corpus parses, and its counts equal its `.truth.json`.
//!
//! The corpus lives in `../shared/data/lockfiles` (override with `PORTCULLIS_CORPUS`), is never
//! copied into the repository, and CI always has it. `CORPUS_FILTER=pnpm` narrows the run.

use std::path::{Path, PathBuf};

fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("PORTCULLIS_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/lockfiles")
        });
    dir.is_dir().then_some(dir)
}

fn lockfiles(dir: &Path) -> Vec<PathBuf> {
    let filter = std::env::var("CORPUS_FILTER").unwrap_or_default();
    let mut out = Vec::new();
    for sub in std::fs::read_dir(dir).expect("read corpus dir") {
        let sub = sub.expect("corpus entry").path();
        if !sub.is_dir() || sub.ends_with("tools") {
            continue;
        }
        for f in std::fs::read_dir(&sub).expect("read corpus subdir") {
            let f = f.expect("corpus file").path();
            let name = f.to_string_lossy();
            if name.ends_with(".truth.json") || name.ends_with(".gz") || !name.contains(&*filter) {
                continue;
            }
            out.push(f);
        }
    }
    out.sort();
    out
}

#[test]
fn corpus_matches_truth() {
    let Some(dir) = corpus_dir() else {
        eprintln!(
            "\n!!!!!!!! CORPUS ABSENT: ../shared/data/lockfiles not found; corpus_matches_truth checked NOTHING !!!!!!!!\n"
        );
        return;
    };
    let files = lockfiles(&dir);
    assert!(!files.is_empty(), "no lockfiles under {}", dir.display());
    let mut failures = Vec::new();
    for file in &files {
        let truth_path = PathBuf::from(format!("{}.truth.json", file.display()));
        let truth: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&truth_path).expect("truth file"))
                .expect("truth json");
        let name = file
            .strip_prefix(&dir)
            .unwrap_or(file)
            .display()
            .to_string();
        let lock = match portcullis_lockfile::load(file) {
            Ok(l) => l,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let want_packages = truth["packages_unique_name_version"]
            .as_u64()
            .expect("truth packages") as usize;
        let want_entries = truth["entries"].as_u64().expect("truth entries") as usize;
        let got_packages = lock.unique_name_versions().len();
        if got_packages != want_packages || lock.entries != want_entries {
            failures.push(format!(
                "{name}: packages {got_packages} (truth {want_packages}), entries {} (truth {want_entries})",
                lock.entries
            ));
        }
        let missing = lock.missing_edges();
        eprintln!(
            "{name}: {} {} importers, {} packages, {} entries, {} missing edges",
            lock.format,
            lock.importers.len(),
            got_packages,
            lock.entries,
            missing.len()
        );
        for (from, dep) in missing.iter().take(5) {
            eprintln!(
                "    missing: {from} -> {}@{} ({})",
                dep.name, dep.req, dep.kind
            );
        }
        if !missing.is_empty() {
            failures.push(format!(
                "{name}: {} required edges do not resolve",
                missing.len()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} corpus files failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
