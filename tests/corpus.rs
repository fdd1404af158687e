//! Every corpus document is its own test: it is put through every profile and mode and the
//! verdicts are compared with its reviewed snapshot under `snapshots/`.
//!
//! A changed verdict fails (insta never accepts on its own in CI), a snapshot whose corpus
//! file is gone fails, and an empty corpus fails.

use std::path::PathBuf;

use domainbackup_harness::corpus::{self, CorpusCase};
use libtest_mimic::{Arguments, Failed, Trial};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn snapshot_dir() -> PathBuf {
    root().join("snapshots")
}

fn check_case(case: &CorpusCase) -> Result<(), Failed> {
    let report = corpus::verdict_report(case).map_err(|e| Failed::from(e.to_string()))?;
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(snapshot_dir());
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_input_file(&case.path);
    let name = case.snapshot_name();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!(name.clone(), report.clone()));
    }));
    outcome.map_err(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "snapshot mismatch".to_string());
        Failed::from(message)
    })
}

fn unreferenced_snapshots(cases: &[CorpusCase]) -> Result<(), Failed> {
    let expected: std::collections::HashSet<String> = cases
        .iter()
        .map(|c| format!("{}.snap", c.snapshot_name()))
        .collect();
    let mut stale = Vec::new();
    for entry in std::fs::read_dir(snapshot_dir()).map_err(|e| Failed::from(e.to_string()))? {
        let name = entry
            .map_err(|e| Failed::from(e.to_string()))?
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".snap.new") || name.ends_with(".pending-snap") {
            stale.push(format!("{name} (an unreviewed snapshot)"));
        } else if name.ends_with(".snap") && !expected.contains(&name) {
            stale.push(name);
        }
    }
    if stale.is_empty() {
        Ok(())
    } else {
        Err(Failed::from(format!(
            "snapshots without a corpus document: {}",
            stale.join(", ")
        )))
    }
}

fn main() {
    let args = Arguments::from_args();
    let cases = corpus::load_dir(&root().join("corpus"))
        .unwrap_or_else(|e| panic!("cannot load the corpus: {e}"));
    let mut trials: Vec<Trial> = Vec::new();
    let count = cases.len();
    trials.push(Trial::test("corpus-is-not-empty", move || {
        if count >= 100 {
            Ok(())
        } else {
            Err(format!("only {count} corpus documents").into())
        }
    }));
    let all = cases.clone();
    trials.push(Trial::test("no-unreferenced-snapshots", move || {
        unreferenced_snapshots(&all)
    }));
    for case in cases {
        let name = format!("corpus::{}", case.name);
        trials.push(Trial::test(name, move || check_case(&case)));
    }
    libtest_mimic::run(&args, trials).exit();
}
