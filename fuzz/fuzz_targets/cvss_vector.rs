//! Fuzzes the CVSS vector parser (v2, v3.0, v3.1, v4.0): any string gives `Ok` or `Err`, and an
//! accepted vector's base score is in 0.0-10.0 with exactly one decimal, as the
//! specifications define it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcullis_advisory::cvss;

fuzz_target!(|data: &[u8]| {
    let Ok(vector) = std::str::from_utf8(data) else {
        return;
    };
    match cvss::parse(vector) {
        Ok(parsed) => {
            let score = parsed.base_score;
            assert!(
                (0.0..=10.0).contains(&score),
                "{vector:?} scored {score}, outside 0.0-10.0"
            );
            // One decimal: the score is exactly what its one-decimal rendering parses back to.
            let rounded: f64 = format!("{score:.1}").parse().unwrap_or(f64::NAN);
            assert!(
                rounded == score,
                "{vector:?} scored {score}, not rounded to one decimal"
            );
            let _ = parsed.severity();
            let _ = parsed.version.as_str();
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
