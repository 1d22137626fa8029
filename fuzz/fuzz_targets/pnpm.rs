//! Fuzzes the pnpm parser: any input must give `Ok` or `Err`, never a panic or a hang, and an
//! `Ok` lockfile must satisfy the model's invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcullis_lockfile::FormatFamily;

fuzz_target!(|data: &[u8]| {
    portcullis_lockfile_fuzz::parse_and_check(FormatFamily::Pnpm, data);
});
