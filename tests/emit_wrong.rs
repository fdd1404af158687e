//! The emitter campaign against deliberately wrong emitters (`examples/wrong-emitters/`,
//! each a small writer with one bug a tool's author makes): each is classified in the
//! outcome its bug gives, and its class's counterexample is shrunk to an intent of a few
//! fields that libvirt reads as the original was read.

use std::ffi::OsString;
use std::time::Duration;

use domainbackup_harness::emit::campaign::{self, EmitCheckConfig, EmitReport};
use domainbackup_harness::emit::judge::EmitOutcome;
use domainbackup_harness::emit::protocol::EmitterProcess;

fn run(defect: &str, timeout: Duration) -> EmitReport {
    run_jobs(defect, timeout, 1)
}

fn run_jobs(defect: &str, timeout: Duration, jobs: usize) -> EmitReport {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/wrong-emitters")
        .join(format!("{defect}.py"));
    let command = vec![OsString::from("python3"), path.into_os_string()];
    let mut process =
        EmitterProcess::start_jobs(command, jobs, timeout, 1 << 20).expect("the emitter starts");
    assert_eq!(process.jobs(), jobs);
    campaign::run(
        &mut process,
        &EmitCheckConfig {
            cases: 160,
            ..EmitCheckConfig::default()
        },
    )
}

/// The report's class `class` (which must be there), with the size its counterexample was
/// shrunk to, after checking that the class holds only `outcome`.
fn class(report: &EmitReport, class: &str, outcome: EmitOutcome) -> usize {
    let summary = campaign::summary(report);
    let example = report
        .counterexamples
        .iter()
        .find(|c| c.class == class)
        .unwrap_or_else(|| panic!("no class {class:?} in\n{summary}"));
    assert_eq!(example.judgement.outcome, outcome, "{summary}");
    assert_eq!(
        example.judgement.class, class,
        "the shrunk intent keeps its class"
    );
    example.size.1
}

#[test]
fn a_dropped_attribute_is_another_meaning() {
    let report = run("drops-exportbitmap", Duration::from_secs(5));
    let size = class(
        &report,
        "accepted with another meaning: /domainbackup/disks/disk/@exportbitmap dropped",
        EmitOutcome::OtherMeaning,
    );
    assert!(size <= 8, "shrunk to {size} fields");
    assert_eq!(
        report.class_counts().len(),
        1,
        "{}",
        campaign::summary(&report)
    );
}

#[test]
fn booleans_written_as_true_are_refused_by_libvirt() {
    let report = run("boolean-as-python-true", Duration::from_secs(5));
    let size = class(
        &report,
        "rejected by libvirt: schema.disk.backup-value",
        EmitOutcome::RejectedByLibvirt,
    );
    assert!(size <= 8, "shrunk to {size} fields");
    let example = report
        .counterexamples
        .iter()
        .find(|c| c.class == "rejected by libvirt: schema.disk.backup-value")
        .expect("the class");
    assert!(example.expectation.verdict.is_ok(), "a valid intent");
    assert!(
        example
            .judgement
            .libvirt_message
            .as_deref()
            .is_some_and(|m| m.contains("'True'")),
        "libvirt's message names the value: {:?}",
        example.judgement.libvirt_message
    );
}

#[test]
fn an_unescaped_ampersand_makes_the_document_ill_formed() {
    let report = run("ampersand-not-escaped", Duration::from_secs(5));
    let size = class(
        &report,
        "rejected by libvirt: wf.entity-reference-syntax",
        EmitOutcome::RejectedByLibvirt,
    );
    assert!(size <= 10, "shrunk to {size} fields");
    // The value shrinks to what matters in it.
    let example = report
        .counterexamples
        .iter()
        .find(|c| c.class == "rejected by libvirt: wf.entity-reference-syntax")
        .expect("the class");
    let json = serde_json::to_string(&example.intent).expect("json");
    assert!(json.contains("\"&\""), "{json}");
}

/// Answers shared between processes come back in campaign order, a crash restarting only
/// the process that died: the report is the one a single process gives.
#[test]
fn more_jobs_give_the_same_report() {
    let one = run("crashes-on-seclabel", Duration::from_secs(5));
    let three = run_jobs("crashes-on-seclabel", Duration::from_secs(5), 3);
    assert!(
        one.results
            .iter()
            .any(|r| r.judgement.outcome == EmitOutcome::Crash)
    );
    assert_eq!(campaign::summary(&three), campaign::summary(&one));
    let answers = |r: &EmitReport| {
        r.results
            .iter()
            .map(|r| r.answer.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(answers(&three), answers(&one));
}

#[test]
fn a_crash_and_a_hang_are_shrunk_to_valid_intents() {
    let report = run("crashes-on-seclabel", Duration::from_secs(5));
    let size = class(&report, "crash", EmitOutcome::Crash);
    assert!(size <= 12, "shrunk to {size} fields");
    let crash = &report.counterexamples[0];
    assert!(crash.expectation.verdict.is_ok());
    assert!(
        crash.judgement.detail.contains("KeyError"),
        "{}",
        crash.judgement.detail
    );

    let report = run("hangs-on-unix-socket", Duration::from_millis(500));
    let size = class(&report, "timeout", EmitOutcome::Timeout);
    assert!(size <= 6, "shrunk to {size} fields");
    assert!(report.counterexamples[0].expectation.verdict.is_ok());
}

#[test]
fn unsupported_fields_are_taken_out_and_the_rest_judged() {
    let report = run("no-encryption", Duration::from_secs(5));
    assert_eq!(report.disagreements(), 0, "{}", campaign::summary(&report));
    // Taken out of the intents, which are then judged without it (and agree).
    let removed = report.removed_counts();
    let (field, n) = &removed[0];
    assert!(
        field == "disks.target.encryption" || field == "disks.scratch.encryption",
        "{removed:?}"
    );
    assert!(*n > 10, "{removed:?}");
    let reduced: Vec<_> = report
        .results
        .iter()
        .filter(|r| !r.removed.is_empty())
        .collect();
    assert!(!reduced.is_empty());
    for r in reduced {
        assert_eq!(
            r.judgement.outcome,
            EmitOutcome::Agree,
            "{}",
            r.judgement.detail
        );
        assert!(
            r.removed.iter().all(|f| f.ends_with(".encryption")),
            "{:?}",
            r.removed
        );
        let disks = r.intent.disks.iter().flatten();
        assert!(
            disks
                .flat_map(|d| [&d.target, &d.scratch])
                .flatten()
                .all(|store| store.encryption.is_none()),
            "{:?}",
            r.intent
        );
    }
    assert!(campaign::summary(&report).contains("fields it cannot write"));
}

#[test]
fn refusals_garbage_and_invalid_intents_made_valid() {
    let report = run("refuses-pull", Duration::from_secs(5));
    let size = class(&report, "refused", EmitOutcome::Refused);
    assert!(size <= 4, "shrunk to {size} fields");

    let report = run("garbage-on-stdout", Duration::from_secs(5));
    let size = class(&report, "protocol error", EmitOutcome::ProtocolError);
    assert!(size <= 4, "shrunk to {size} fields");

    let report = run("makes-paths-absolute", Duration::from_secs(5));
    let made_valid = report
        .counterexamples
        .iter()
        .find(|c| c.judgement.outcome == EmitOutcome::InvalidMadeValid)
        .unwrap_or_else(|| panic!("{}", campaign::summary(&report)));
    assert!(
        made_valid.class.ends_with(".path-pattern"),
        "{}",
        made_valid.class
    );
    assert!(made_valid.expectation.verdict.is_err());
}

/// The reference behind the emitter protocol (`serve`) agrees with itself: the judge does
/// not find differences where there are none.
#[test]
fn the_reference_emitter_agrees() {
    let command = vec![
        OsString::from(env!("CARGO_BIN_EXE_domainbackup-harness")),
        OsString::from("serve"),
    ];
    let mut process =
        EmitterProcess::start(command, Duration::from_secs(5), 1 << 20).expect("serve starts");
    assert_eq!(process.capabilities().name, "reference");
    let report = campaign::run(
        &mut process,
        &EmitCheckConfig {
            cases: 400,
            ..EmitCheckConfig::default()
        },
    );
    assert_eq!(report.results.len(), 400);
    assert_eq!(report.disagreements(), 0, "{}", campaign::summary(&report));
    let kinds: std::collections::BTreeSet<&str> = report
        .results
        .iter()
        .map(|r| r.kind.split(':').next().unwrap_or_default())
        .collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["escaping", "invalid", "valid", "valid, defaults left out"]
    );
    let refused = report.results.iter().filter(|r| !r.intent_accepted).count();
    assert!(refused > 80, "{refused} intents libvirt refuses");
}

/// The report folder holds every intent's result and each class's minimal intent, and its
/// page shows the emitter's own document escaped (an unescaped `&` shown, not acted on).
#[test]
fn the_report_folder_holds_every_result_and_each_class() {
    use domainbackup_harness::emit::report::write_report_dir;
    let report = run("ampersand-not-escaped", Duration::from_secs(5));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("report");
    write_report_dir(&dir, &report).expect("written");
    let results = std::fs::read_to_string(dir.join("results.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = results
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), report.results.len());
    for (line, result) in lines.iter().zip(&report.results) {
        assert_eq!(line["index"], result.index);
        assert_eq!(line["class"], result.judgement.class.as_str());
        assert!(line["answer"].is_object(), "{line}");
    }
    let class = "rejected by libvirt: wf.entity-reference-syntax";
    let counterexamples = std::fs::read_to_string(dir.join("counterexamples.jsonl")).unwrap();
    let example: serde_json::Value = counterexamples
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|c| c["class"] == class)
        .expect("the class's counterexample");
    let written = example["answer"]["xml"].as_str().expect("what it wrote");
    assert!(written.contains("&"), "{written}");
    assert_eq!(
        std::fs::read_to_string(dir.join("summary.txt")).unwrap(),
        campaign::summary(&report)
    );
    let page = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(page.contains(class), "{page}");
    assert!(
        page.contains("&lt;domainbackup"),
        "the emitted document is escaped"
    );
    // A folder that cannot be made is an error naming it.
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let e = write_report_dir(&file.join("report"), &report)
        .unwrap_err()
        .to_string();
    assert!(e.contains("a-file"), "{e}");
}
