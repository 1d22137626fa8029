//! Fuzzes npm range matching as legacy advisories use it: the input is `RANGE\nVERSION` (split
//! at the first newline; no newline means an empty version). Parsing either side may fail;
//! nothing may panic or hang, and a range that parses must print and re-parse.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcullis_advisory::matcher::{self, NpmRange};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (range, version) = text.split_once('\n').unwrap_or((text, ""));
    if let Err(e) = matcher::legacy_range_matches(range, version) {
        let _ = e.to_string();
    }
    let Ok(parsed) = NpmRange::parse(range) else {
        return;
    };
    // The printed form is node's normalised range; it must read back as a range.
    let printed = parsed.to_string();
    assert!(
        NpmRange::parse(&printed).is_ok(),
        "{range:?} parsed, but its printed form {printed:?} does not"
    );
    if let Ok(v) = matcher::parse_version(version) {
        let _ = parsed.matches(&v);
    }
});
