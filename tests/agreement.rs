//! Agreement with real libvirt: every corpus document and every upstream vector, in every
//! mode, gets the same verdict, stage, error code, error domain, message and output from
//! the reference model as from libvirt loaded in-process.
//!
//! Run it with `cargo test --features agreement --test agreement`; it uses the libvirt that
//! `DOMAINBACKUP_LIBVIRT_SO` names (else the system's `libvirt.so.0`) and the profile of
//! that libvirt's version. It fails, never passes, when libvirt cannot be loaded.
//! Messages are compared exactly except where libvirt's text comes from libxml2 (not
//! well-formed, schema), where only stage, code and domain must match.

mod common;

use std::path::PathBuf;

use domainbackup_harness::corpus::{self, CorpusCase};
use domainbackup_harness::libvirt::Libvirt;
use domainbackup_harness::{Mode, Profile, fuzzing};
use libtest_mimic::{Arguments, Failed, Trial};

fn upstream_cases() -> Vec<CorpusCase> {
    let Some(dir) = common::shared_libvirt("agreement") else {
        return Vec::new();
    };
    let mut cases = Vec::new();
    for sub in [
        "tests/domainbackupxml2xmlin",
        "tests/domainbackupxml2xmlout",
        "history/v9.0.0/tests/domainbackupxml2xmlin",
        "history/v9.0.0/tests/domainbackupxml2xmlout",
    ] {
        let folder = dir.join(sub);
        let loaded = corpus::load_dir(&folder)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", folder.display()));
        for mut case in loaded {
            case.name = format!("upstream.{}.{}", sub.replace('/', "."), case.name);
            cases.push(case);
        }
    }
    cases
}

fn check(libvirt: &Libvirt, profile: Profile, case: &CorpusCase, mode: Mode) -> Result<(), Failed> {
    let options = mode.options(profile);
    let reference = corpus::run(case, profile, mode);
    let real = match (&case.domain_xml, options.align) {
        (Some(domain), true) => {
            libvirt.process_with_domain(&case.document, options.internal, domain)
        }
        _ => libvirt.process(&case.document, options.internal, options.align),
    }
    .map_err(|e| Failed::from(format!("libvirt could not judge the case: {e}")))?;
    // The same comparison the libvirt_diff fuzz target makes.
    fuzzing::compare_with_libvirt(&reference, &real).map_err(Failed::from)
}

fn main() {
    let args = Arguments::from_args();
    let libvirt = match Libvirt::load(None) {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "libvirt could not be loaded: {e}\nInstall it (apt-get install libvirt0) or set DOMAINBACKUP_LIBVIRT_SO; see README.md."
            );
            std::process::exit(2);
        }
    };
    let Some(profile) = libvirt.profile() else {
        eprintln!(
            "libvirt {} at {} is not a modelled version (9.0.x or 11.3.x)",
            libvirt.version_string(),
            libvirt.path().display()
        );
        std::process::exit(2);
    };
    eprintln!(
        "agreement: libvirt {} ({}), profile {profile}",
        libvirt.version_string(),
        libvirt.path().display()
    );
    let libvirt = std::sync::Arc::new(libvirt);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut cases = corpus::load_dir(&root.join("corpus"))
        .unwrap_or_else(|e| panic!("cannot load the corpus: {e}"));
    cases.extend(upstream_cases());
    let mut trials = Vec::new();
    for case in cases {
        let case = std::sync::Arc::new(case);
        for mode in Mode::ALL {
            let (libvirt, case) = (libvirt.clone(), case.clone());
            trials.push(Trial::test(
                format!("{profile}::{mode}::{}", case.name),
                move || check(&libvirt, profile, &case, mode),
            ));
        }
    }
    eprintln!("agreement: {} checks", trials.len());
    libtest_mimic::run(&args, trials).exit();
}
