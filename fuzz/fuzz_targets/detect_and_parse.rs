//! Runs the same bytes through every format family, as a mislabelled or hostile file would be
//! when `load` guesses wrong: every parser must refuse foreign content cleanly. IO-free.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for family in portcullis_lockfile_fuzz::FAMILIES {
        portcullis_lockfile_fuzz::parse_and_check(family, data);
    }
});
