//! Arbitrary bytes through every mode of every profile: no panic, and whatever is accepted
//! reads back to the same model and text (`domainbackup_harness::fuzzing::check_parse`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(finding) = domainbackup_harness::fuzzing::check_parse(data) {
        panic!("{finding}");
    }
});
