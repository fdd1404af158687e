//! Differential: the reference against real libvirt loaded in-process (the system's
//! `libvirt.so.0`, or the one `DOMAINBACKUP_LIBVIRT_SO` names), in every mode, under the
//! profile of the loaded version. Any disagreement aborts with both sides
//! (`domainbackup_harness::fuzzing::check_libvirt`); what libvirt cannot be asked
//! faithfully, or where the reference is known to differ, is skipped and counted: a line
//! `libvirt_diff: N inputs, A agreed, S skipped` is printed at every power of two inputs.
#![no_main]

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use domainbackup_harness::Profile;
use domainbackup_harness::libvirt::Libvirt;
use libfuzzer_sys::fuzz_target;

fn libvirt() -> &'static (Libvirt, Profile) {
    static LIBVIRT: OnceLock<(Libvirt, Profile)> = OnceLock::new();
    LIBVIRT.get_or_init(|| {
        let libvirt = Libvirt::load(None).unwrap_or_else(|e| {
            eprintln!("libvirt_diff: libvirt could not be loaded: {e}");
            std::process::abort()
        });
        let Some(profile) = libvirt.profile() else {
            eprintln!(
                "libvirt_diff: libvirt {} ({}) is not a modelled version (9.0.x or 11.3.x)",
                libvirt.version_string(),
                libvirt.path().display()
            );
            std::process::abort()
        };
        eprintln!(
            "libvirt_diff: libvirt {} ({}), profile {profile}",
            libvirt.version_string(),
            libvirt.path().display()
        );
        (libvirt, profile)
    })
}

static INPUTS: AtomicUsize = AtomicUsize::new(0);
static AGREED: AtomicUsize = AtomicUsize::new(0);
static SKIPPED: AtomicUsize = AtomicUsize::new(0);

fuzz_target!(
    init: {
        libvirt();
    },
    |data: &[u8]| {
        let (libvirt, profile) = libvirt();
        match domainbackup_harness::fuzzing::check_libvirt(libvirt, *profile, data) {
            Ok(asked) => {
                let agreed = AGREED.fetch_add(asked.agreed, Ordering::Relaxed) + asked.agreed;
                let skipped = SKIPPED.fetch_add(asked.skipped, Ordering::Relaxed) + asked.skipped;
                let inputs = INPUTS.fetch_add(1, Ordering::Relaxed) + 1;
                if inputs.is_power_of_two() {
                    eprintln!("libvirt_diff: {inputs} inputs, {agreed} agreed, {skipped} skipped");
                }
            }
            Err(finding) => panic!("{finding}"),
        }
    }
);
