//! Fuzzes the npm legacy advisory converter on any JSON value: `legacy_to_osv` gives `Ok` or
//! `Err`, never a panic, and an accepted conversion goes on through range compilation as an
//! imported record would.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcullis_advisory::{cvss, import, matcher};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let _ = import::is_legacy(&value);
    match import::legacy_to_osv(&value) {
        Ok(record) => {
            let _ = matcher::compile_record(&record);
            let _ = cvss::severity_of(&record);
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
