//! Fuzzes the advisory document parser (OSV, or an npm legacy advisory converted to OSV), then
//! runs everything a scan does with an accepted record: compile its ranges, ask whether each
//! npm package it names is affected at a fixed version, and score its severity. Any step may
//! refuse the record; none may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcullis_advisory::{cvss, import, matcher, query};

fuzz_target!(|data: &[u8]| {
    let record = match import::parse_document(data) {
        Ok(record) => record,
        // Rendering the message runs the error formatting too.
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    if let Err(e) = matcher::compile_record(&record) {
        let _ = e.to_string();
    }
    let names: Vec<&str> = record
        .npm_affected()
        .filter_map(|a| a.package.as_ref())
        .map(|p| p.name.as_str())
        .collect();
    for name in names {
        match query::affects(&record, name, "1.2.3") {
            Ok(_) => {}
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
    if let Some((_, Some(score), _)) = cvss::severity_of(&record) {
        assert!(
            (0.0..=10.0).contains(&score),
            "severity_of gave score {score} outside 0.0-10.0"
        );
    }
});
