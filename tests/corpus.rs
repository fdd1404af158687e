//! Every corpus document is its own test: it is put through every profile and mode and the
//! verdicts are compared with its reviewed snapshot under `snapshots/`.
//!
//! A changed verdict fails (insta never accepts on its own in CI), a snapshot whose corpus
//! file is gone fails, and an empty corpus fails.

use std::path::PathBuf;

use domainbackup_harness::corpus::{self, CorpusCase};
use domainbackup_harness::xml::read;
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

/// Every file under `corpus/` (the documents and the fuzz inputs) reads to the same tree
/// with the same positions, or the same error, with the reader's own scan and with
/// quick-xml's events throughout.
fn fast_path_reads_as_general_path() -> Result<(), Failed> {
    let mut dirs = vec![root().join("corpus")];
    let mut files = 0;
    while let Some(dir) = dirs.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let input = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            files += 1;
            if read::read_tags(&input, true) != read::read_tags(&input, false) {
                return Err(
                    format!("{}: the two paths read it differently", path.display()).into(),
                );
            }
        }
    }
    if files < 1000 {
        return Err(format!("only {files} files under corpus/").into());
    }
    Ok(())
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
    trials.push(Trial::test("fast-path-reads-as-general-path", || {
        fast_path_reads_as_general_path()
    }));
    for case in cases {
        let name = format!("corpus::{}", case.name);
        trials.push(Trial::test(name, move || check_case(&case)));
    }
    libtest_mimic::run(&args, trials).exit();
}
