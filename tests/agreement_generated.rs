//! Generated cases against real libvirt: every valid and invalid case of a deterministic
//! campaign, in every mode, gets the same verdict, stage, code, domain, message (where
//! libvirt's own) and output from libvirt as the generator expects and the reference gives.
//!
//! `cargo test --features agreement --test agreement_generated`; the number of cases per
//! mode is `DOMAINBACKUP_AGREEMENT_CASES` (default 200: CI's smaller campaign), the seed
//! `DOMAINBACKUP_AGREEMENT_SEED` (default 1). It fails when libvirt cannot be loaded.

use domainbackup_harness::generator::campaign::{self, Kind};
use domainbackup_harness::libvirt::Libvirt;
use domainbackup_harness::{Mode, Stage};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn generated_cases_agree_with_libvirt() {
    let libvirt =
        Libvirt::load(None).unwrap_or_else(|e| panic!("libvirt could not be loaded: {e}"));
    let profile = libvirt.profile().unwrap_or_else(|| {
        panic!(
            "libvirt {} is not a modelled version",
            libvirt.version_string()
        )
    });
    let count = env_number("DOMAINBACKUP_AGREEMENT_CASES", 200) as usize;
    let seed = env_number("DOMAINBACKUP_AGREEMENT_SEED", 1);
    let mut failures = Vec::new();
    for mode in Mode::ALL {
        let options = mode.options(profile);
        let (mut agree, mut judged, mut valid, mut not_asked) = (0usize, 0usize, 0usize, 0usize);
        for case in campaign::generate(profile, mode, Kind::Mixed, seed, count) {
            let real = match libvirt.process(&case.document, options.internal, options.align) {
                Ok(real) => real,
                Err(_) => {
                    not_asked += 1;
                    continue;
                }
            };
            judged += 1;
            valid += usize::from(case.expected.is_ok());
            let same = match (&case.expected, &real) {
                (Ok(a), Ok(b)) => a == b,
                (Err(e), Err(r)) => {
                    (e.stage, e.code, e.domain) == (r.stage, r.code, r.domain)
                        && (!case.message_is_libvirts
                            || matches!(r.stage, Stage::WellFormed | Stage::Schema)
                            || e.message == r.message)
                }
                _ => false,
            };
            if same {
                agree += 1;
            } else if failures.len() < 10 {
                failures.push(format!(
                    "{} ({}):\n{}\n  expected: {:?}\n  libvirt:  {:?}",
                    case.id,
                    case.rule,
                    String::from_utf8_lossy(&case.document),
                    case.expected.as_ref().map_err(|r| r.to_line()),
                    real.as_ref().map_err(|r| r.to_line())
                ));
            }
        }
        eprintln!(
            "libvirt {profile} {mode}: {agree}/{judged} agree ({valid} valid, {} invalid; {not_asked} libvirt could not be asked)",
            judged - valid
        );
    }
    assert!(
        failures.is_empty(),
        "disagreements with libvirt:\n{}",
        failures.join("\n")
    );
}
