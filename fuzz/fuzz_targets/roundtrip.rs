//! Generator-driven: the first byte picks the profile and mode, the rest seeds the RNG of
//! the generator's proptest strategies; the generated case must come out as the generator
//! says (`domainbackup_harness::fuzzing::check_roundtrip`, which also says why the input
//! seeds the RNG instead of being its bytes).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(finding) = domainbackup_harness::fuzzing::check_roundtrip(data) {
        panic!("{finding}");
    }
});
