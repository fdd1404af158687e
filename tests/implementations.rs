//! The shipped adapters for real implementations (`implementations/`), built and checked
//! the way a user runs them: what a campaign finds in each is pinned here, so that a change
//! in the harness or in the implementation shows up.
//!
//! An adapter whose toolchain is missing is skipped with a line saying so, unless
//! `DOMAINBACKUP_REQUIRE_ADAPTERS=1` (which `.ci/run` sets): then its absence fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use domainbackup_harness::conform::Outcome;
use domainbackup_harness::conform::report::read_report_dir;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether `tool` runs; when it does not, skips (or fails, when adapters are required).
fn have(tool: &str) -> bool {
    let found = Command::new(tool)
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var_os("DOMAINBACKUP_REQUIRE_ADAPTERS").is_none(),
            "{tool} is required (DOMAINBACKUP_REQUIRE_ADAPTERS) and does not run"
        );
        eprintln!("skipped: {tool} does not run here, so its adapter is not checked");
    }
    found
}

fn build(adapter: &Path) {
    let out = Command::new(adapter.join("build"))
        .output()
        .expect("the build script runs");
    assert!(
        out.status.success(),
        "{} failed:\n{}",
        adapter.join("build").display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn libvirtxml_loses_luks_ciphers_and_needs_a_disk_type() {
    if !have("go") {
        return;
    }
    let adapter = root().join("implementations/libvirtxml");
    build(&adapter);
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let report = tmp.path().join("report");
    let out = Command::new(env!("CARGO_BIN_EXE_domainbackup-harness"))
        .args([
            "check",
            "--jobs",
            "2",
            "--cases",
            "600",
            "--protocol",
            "ndjson",
        ])
        .arg("--report")
        .arg(&report)
        .arg("--")
        .arg(adapter.join("target/libvirtxml"))
        .current_dir(tmp.path())
        .stdin(Stdio::null())
        .output()
        .expect("the harness runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let run = read_report_dir(&report)
        .expect("a report")
        .pop()
        .expect("one run");
    assert_eq!(run.implementation.name, "libvirtxml");
    // A binding: no crash, no hang, no broken answer.
    for r in &run.results {
        assert!(
            !matches!(
                r.outcome,
                Outcome::Crash | Outcome::Timeout | Outcome::ProtocolError
            ),
            "{}: {} ({})",
            r.id,
            r.outcome,
            r.detail
        );
    }
    // What it gets wrong on documents libvirt accepts (findings worth reporting upstream):
    // DomainDiskEncryption has no cipher or ivgen, so a luks target's are dropped;
    let drops_cipher = run.results.iter().any(|r| {
        r.outcome == Outcome::WrongOutput
            && r.differences
                .iter()
                .any(|d| d.contains("/encryption/cipher: expected present, got absent"))
    });
    assert!(drops_cipher, "no lost <cipher> found:\n{stdout}");
    // a disk without `type` (libvirt: file) cannot hold its <scratch>;
    let refuses_untyped = run.results.iter().any(|r| {
        r.outcome == Outcome::FalseReject
            && r.observed
                .contains("did not consume entire <scratch> element")
    });
    assert!(
        refuses_untyped,
        "no refused untyped scratch found:\n{stdout}"
    );
    // and empty attribute values libvirt keeps (`incremental=''`) are dropped.
    let drops_empty = run.results.iter().any(|r| {
        r.outcome == Outcome::WrongOutput
            && r.differences
                .iter()
                .any(|d| d.contains("/@incremental: expected '', got absent"))
    });
    assert!(drops_empty, "no dropped empty attribute found:\n{stdout}");
    // It declares no validation: what libvirt refuses is accepted invalid, not a failure,
    // except malformed XML, which Go's reader lets through in two ways (duplicate
    // attributes, a broken DOCTYPE): a real gap.
    assert!(
        run.results
            .iter()
            .filter(|r| r.outcome == Outcome::AcceptedInvalid)
            .count()
            > 100
    );
    for r in run
        .results
        .iter()
        .filter(|r| r.outcome == Outcome::FalseAccept)
    {
        assert!(
            r.class.starts_with("false accept: wf."),
            "{}: {}",
            r.id,
            r.class
        );
    }
    // The classes say the same, each with a count, largest first.
    let classes = run.classes();
    for wanted in [
        "false reject",
        "wrong output: /domainbackup/disks/disk/target/encryption/cipher dropped",
    ] {
        assert!(
            classes.iter().any(|c| c.class == wanted),
            "no class {wanted}:\n{stdout}"
        );
    }
    assert!(classes.windows(2).all(|w| w[0].count >= w[1].count));
    // Every false accept's counterexample is still refused by libvirt by its rule.
    for c in run
        .counterexamples
        .iter()
        .filter(|c| c.outcome == Outcome::FalseAccept)
    {
        let profile: domainbackup_harness::Profile = c.profile.parse().expect("a profile");
        let mode = domainbackup_harness::Mode::from_name(&c.mode).expect("a mode");
        let again = domainbackup_harness::process(&c.document_bytes(), mode.options(profile))
            .expect_err("still refused");
        assert_eq!(again.rule_id(), c.expected.rule.as_deref(), "{}", c.id);
    }
    println!("{stdout}");
}
