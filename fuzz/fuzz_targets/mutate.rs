//! The `parse` check behind a grammar-aware mutator: inputs that read as XML are edited as
//! element trees with the grammar's names and values
//! (`domainbackup_harness::fuzzing::mutate`); the others, and one mutation in four, get
//! libFuzzer's own byte mutations.
#![no_main]

use libfuzzer_sys::{fuzz_mutator, fuzz_target, fuzzer_mutate};

fuzz_target!(|data: &[u8]| {
    if let Err(finding) = domainbackup_harness::fuzzing::check_parse(data) {
        panic!("{finding}");
    }
});

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    if seed % 4 != 0 {
        let max = max_size.min(data.len());
        if let Some(out) =
            domainbackup_harness::fuzzing::mutate(&data[..size], max, u64::from(seed))
        {
            data[..out.len()].copy_from_slice(&out);
            return out.len();
        }
    }
    fuzzer_mutate(data, size, max_size)
});
