//! Fuzzes archive import: the first byte picks the format (`.zip`, `.tar.gz`, `.tar.zst`, by
//! its value modulo 3), the rest is written to a temporary file of that name and read with
//! small limits. Hostile archives must give `Ok` or `Err`: no panic, no hang, no unbounded
//! allocation.
#![no_main]

use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use portcullis_advisory::import::{self, Limits};

/// Names the format is chosen from; `read_path_with` dispatches on the extension.
const NAMES: [&str; 3] = ["x.zip", "x.tar.gz", "x.tar.zst"];

/// Small enough that a bomb is refused in milliseconds, large enough for real records.
const LIMITS: Limits = Limits {
    max_entry_bytes: 64 << 10,
    max_archive_bytes: 1 << 20,
    max_archive_entries: 256,
};

/// One directory per process (libFuzzer `-fork`/`-jobs` run several), in memory when possible.
fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if std::path::Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("portcullis-fuzz-archive-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the fuzz temp directory");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let path = dir().join(NAMES[usize::from(selector) % NAMES.len()]);
    std::fs::write(&path, body).expect("write the fuzz archive");
    let mut records = 0u64;
    let result = import::read_path_with(&path, &LIMITS, &mut |imported| {
        records += 1;
        let _ = imported.origin.len();
        ControlFlow::Continue(())
    });
    let _ = std::fs::remove_file(&path);
    match result {
        Ok(summary) => {
            assert_eq!(summary.records, records, "summary miscounts records");
            assert!(
                summary.bytes_read <= LIMITS.max_archive_bytes,
                "read {} bytes past the {}-byte archive limit",
                summary.bytes_read,
                LIMITS.max_archive_bytes
            );
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
