//! The conformance runner against real libvirt in process (`check --builtin libvirt`): the
//! whole fixed campaign (the corpus and upstream vectors in parse, align and internal) and
//! generated cases, under the profile of the loaded version, must agree everywhere.
//!
//! Needs libvirt (`--features agreement`); the version is the system's `libvirt.so.0` or the
//! one `DOMAINBACKUP_LIBVIRT_SO` names (`scripts/libvirt-11.3 run -- cargo test ...`).
//! `DOMAINBACKUP_AGREEMENT_CASES` sets the number of generated cases (default 300).

use std::sync::atomic::AtomicBool;

use domainbackup_harness::conform::implementation::ReferenceLauncher;
use domainbackup_harness::conform::run::{CheckRequest, Quiet, build_campaign, execute};
use domainbackup_harness::conform::{CheckConfig, ImplementationSpec, Launcher, Outcome};

#[test]
fn builtin_libvirt_agrees_with_the_reference() {
    let generated: usize = std::env::var("DOMAINBACKUP_AGREEMENT_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let base = CheckConfig {
        counterexample_dir: tmp.path().to_path_buf(),
        jobs: 2,
        ..CheckConfig::default()
    };
    // The fixed campaign under both profiles; the loaded libvirt runs one profile's half.
    let reference = ReferenceLauncher::new();
    let fixed = build_campaign(&base, reference.capabilities(), &[])
        .expect("the fixed campaign")
        .len()
        / 2;
    let request = CheckRequest {
        implementation: ImplementationSpec::Libvirt { library: None },
        name: None,
        config: CheckConfig {
            cases: Some(fixed + generated),
            ..base
        },
        report_dir: Some(tmp.path().join("report")),
        write_known_failures: None,
        resume: false,
    };
    let report = execute(&request, &[], &Quiet, &AtomicBool::new(false))
        .unwrap_or_else(|e| panic!("the campaign could not run: {e}"));
    let name = &report.implementation.name;
    assert_eq!(report.implementation.profiles.len(), 1, "{name}");
    // With a report folder the results are streamed there, and read back from it.
    assert!(report.results.is_empty() && report.results_file.is_some());
    assert_eq!(report.cases(), fixed + generated);
    let mut disagreements: Vec<String> = Vec::new();
    report
        .each_result(|r| {
            if r.outcome != Outcome::Agree {
                disagreements.push(format!(
                    "{} {:?}: {} / {}",
                    r.id, r.outcome, r.expected, r.observed
                ));
            }
        })
        .expect("results.jsonl reads back");
    assert!(
        disagreements.is_empty(),
        "{name}: {} of {} cases disagree:\n{}",
        disagreements.len(),
        report.cases(),
        disagreements.join("\n")
    );
    eprintln!(
        "{name}: {} cases (profile {}), all agree",
        report.cases(),
        report.implementation.profiles[0]
    );
}
