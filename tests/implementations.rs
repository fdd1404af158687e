//! The shipped adapters for real implementations (`implementations/`), built and run the
//! way a user runs them (`check --impl NAME`). What a campaign finds in each is pinned by a
//! reviewed snapshot of its class list beside the adapter (`implementations/NAME/classes.snap`),
//! so that a change in the harness or in the implementation shows up as a diff; and the
//! findings worth reporting upstream are asserted by name.
//!
//! An adapter whose toolchain is missing is skipped with a line saying so, unless
//! `DOMAINBACKUP_REQUIRE_ADAPTERS=1` (which `.ci/run` sets): then its absence fails.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use domainbackup_harness::conform::report::read_report_dir;
use domainbackup_harness::conform::{Outcome, RunReport};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A 600-case campaign through `check --impl NAME` (which builds the adapter first), from
/// the built-in corpus and the generator; `None` after saying why when the adapter cannot
/// be built here (its build fetches what is not beside the checkout, and there may be no
/// network), unless adapters are required.
fn campaign(name: &str) -> Option<(RunReport, String)> {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let report = tmp.path().join("report");
    let out = Command::new(env!("CARGO_BIN_EXE_domainbackup-harness"))
        // Without libvirt's upstream vectors, so that the classes are the same wherever
        // the test runs (a lone clone has none).
        .args([
            "check",
            "--impl",
            name,
            "--jobs",
            "2",
            "--cases",
            "600",
            "--no-upstream",
        ])
        .arg("--report")
        .arg(&report)
        .current_dir(tmp.path())
        .stdin(Stdio::null())
        .output()
        .expect("the harness runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(2)
        && stderr.contains("the build failed")
        && std::env::var_os("DOMAINBACKUP_REQUIRE_ADAPTERS").is_none()
    {
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "note: implementations: {name} could not be built here, so it is not checked:\n{stderr}"
        );
        return None;
    }
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = read_report_dir(&report)
        .expect("a report")
        .pop()
        .expect("one run");
    assert_eq!(run.implementation.name, name);
    // A real implementation behind a small adapter: no crash, no hang, no broken answer.
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
    Some((run, stdout))
}

/// The run's classes as the snapshot holds them: outcome totals, then each class with its
/// count and rules, largest first.
fn class_list(run: &RunReport) -> String {
    let mut out = String::new();
    for (outcome, n) in run.counts() {
        out.push_str(&format!("{:<17} {n}\n", outcome.name()));
    }
    out.push('\n');
    for c in run.classes() {
        out.push_str(&format!(
            "{:>5}  {}\n       rules: {}\n",
            c.count,
            c.class,
            c.rules.join(", ")
        ));
    }
    out
}

fn assert_classes(adapter: &Path, run: &RunReport) {
    common::assert_classes_snapshot(adapter, &class_list(run));
}

/// Every counterexample of a rejection class is still refused by libvirt, by the same rule,
/// when the reference runs it; every class with a counterexample has one of its own.
fn assert_counterexamples_keep_their_class(run: &RunReport) {
    for c in &run.counterexamples {
        assert!(
            run.classes()
                .iter()
                .any(|k| k.class == c.class && k.counterexample.is_some()),
            "{}: class {} has no counterexample in the table",
            c.id,
            c.class
        );
        let profile: domainbackup_harness::Profile = c.profile.parse().expect("a profile");
        let mode = domainbackup_harness::Mode::from_name(&c.mode).expect("a mode");
        let verdict = domainbackup_harness::process(&c.document_bytes(), mode.options(profile));
        match c.outcome {
            Outcome::FalseAccept | Outcome::WrongError => {
                let again = verdict.expect_err("still refused");
                assert_eq!(again.rule_id(), c.expected.rule.as_deref(), "{}", c.id);
                let rule = c.expected.rule.as_deref().expect("a rule");
                assert!(c.class.ends_with(rule), "{}: {}", c.id, c.class);
            }
            Outcome::FalseReject | Outcome::WrongOutput => {
                verdict.expect("still accepted");
            }
            _ => {}
        }
    }
    // Counterexamples are distinct documents.
    let mut documents: Vec<Vec<u8>> = run
        .counterexamples
        .iter()
        .map(|c| c.document_bytes())
        .collect();
    documents.sort();
    let before = documents.len();
    documents.dedup();
    assert_eq!(documents.len(), before, "a document is shrunk to twice");
}

/// A non-validating implementation: many documents accepted invalid, and every false accept
/// (a document libvirt refuses as malformed) in a class starting with `classes`.
fn assert_only_malformed_xml_is_falsely_accepted(run: &RunReport, classes: &str) {
    let accepted_invalid = run
        .results
        .iter()
        .filter(|r| r.outcome == Outcome::AcceptedInvalid)
        .count();
    assert!(
        accepted_invalid > 100,
        "{accepted_invalid} accepted invalid"
    );
    for r in run
        .results
        .iter()
        .filter(|r| r.outcome == Outcome::FalseAccept)
    {
        assert!(r.class.starts_with(classes), "{}: {}", r.id, r.class);
    }
}

fn has_difference(run: &RunReport, outcome: Outcome, text: &str) -> bool {
    run.results
        .iter()
        .any(|r| r.outcome == outcome && r.differences.iter().any(|d| d.contains(text)))
}

#[test]
fn libvirtxml_loses_luks_ciphers_and_needs_a_disk_type() {
    if !common::have_tool("go", "version") {
        return;
    }
    let Some((run, stdout)) = campaign("libvirtxml") else {
        return;
    };
    // What it gets wrong on documents libvirt accepts (findings worth reporting upstream):
    // DomainDiskEncryption has no cipher or ivgen, so a luks target's are dropped;
    assert!(
        has_difference(
            &run,
            Outcome::WrongOutput,
            "/encryption/cipher: expected present, got absent"
        ),
        "no lost <cipher> found:\n{stdout}"
    );
    // a disk without `type` (libvirt: file) cannot hold its <scratch>;
    assert!(
        run.results.iter().any(|r| r.outcome == Outcome::FalseReject
            && r.observed
                .contains("did not consume entire <scratch> element")),
        "no refused untyped scratch found:\n{stdout}"
    );
    // it reads only documents declared UTF-8 (encoding/xml without a CharsetReader), where
    // libvirt reads any declared name libxml2 knows, ISO-8859-1 or US-ASCII over ASCII;
    assert!(
        run.classes().iter().any(|c| c.class
            == "false reject: Unmarshal: xml: encoding \"…\" declared but Decoder.CharsetReader is nil"),
        "no refused declared encoding found:\n{stdout}"
    );
    // and empty attribute values libvirt keeps (`incremental=''`) are dropped.
    assert!(
        has_difference(
            &run,
            Outcome::WrongOutput,
            "/@incremental: expected '', got absent"
        ),
        "no dropped empty attribute found:\n{stdout}"
    );
    // It declares no validation: what libvirt refuses is accepted invalid, not a failure,
    // except malformed XML, which Go's reader lets through in several ways (duplicate
    // attributes, a broken DOCTYPE, content after the root, ...): a real gap.
    assert_only_malformed_xml_is_falsely_accepted(&run, "false accept: wf.");
    assert_counterexamples_keep_their_class(&run);
    assert_classes(&root().join("implementations/libvirtxml"), &run);
}

#[test]
fn avocado_vt_loses_seclabels_and_luks_ciphers() {
    if !common::have_tool("python3", "--version") {
        return;
    }
    let Some((run, stdout)) = campaign("avocado-vt") else {
        return;
    };
    // BackupXML's disk target and scratch have no seclabel property, and their encryption
    // only `format` and `secret`: a round trip through its properties drops <seclabel>,
    // <cipher>, <ivgen> and the encryption engine.
    for lost in [
        "/target/seclabel[1]: expected present, got absent",
        "/scratch/seclabel[1]: expected present, got absent",
        "/encryption/@engine: expected 'qemu', got absent",
    ] {
        assert!(
            has_difference(&run, Outcome::WrongOutput, lost),
            "{lost} not found:\n{stdout}"
        );
    }
    // Its reader (expat, through ElementTree) lets one kind of malformed XML through:
    // nesting deeper than libxml2's limit. It does not validate, so libvirt's other
    // refusals are accepted invalid.
    assert_only_malformed_xml_is_falsely_accepted(&run, "false accept: wf.limit");
    assert_counterexamples_keep_their_class(&run);
    assert_classes(&root().join("implementations/avocado-vt"), &run);
}
