//! The campaign's order finds real parsers' defects within a small budget: each defect in
//! `examples/wrong/*.py` (a backup tool's XML code with one bug, the rest delegated to the
//! reference through `domainbackup-harness serve`) is caught by `check --cases 300` in
//! every seed tried. (`cargo bench --bench detection` measures every defect, the per-case
//! ones too, over ten seeds.)

use std::process::Command;

/// Every defect written over the persistent protocol (`examples/wrong/*.py`, not the
/// shared `_userparser.py`): a new one is held to the same budget.
fn defects() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/wrong");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("examples/wrong")
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".py")?;
            (!stem.starts_with('_')).then(|| stem.to_string())
        })
        .collect();
    names.sort();
    names
}

fn python() -> Option<&'static str> {
    let found = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    found.then_some("python3")
}

/// The harness binary, and a `PATH` with its folder first (the defects start `serve` by
/// name).
fn harness_on_path() -> (&'static str, String) {
    let harness = env!("CARGO_BIN_EXE_domainbackup-harness");
    let bin_dir = std::path::Path::new(harness).parent().expect("a folder");
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    (harness, path)
}

#[test]
fn every_defect_is_caught_within_300_cases() {
    let Some(python) = python() else {
        eprintln!("note: detection: no python3, the defects are not run");
        return;
    };
    let (harness, path) = harness_on_path();
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let mut missed = Vec::new();
    let defects = defects();
    assert!(defects.len() >= 20, "{defects:?}");
    for defect in &defects {
        let program = format!("{}/examples/wrong/{defect}.py", env!("CARGO_MANIFEST_DIR"));
        assert!(std::path::Path::new(&program).is_file(), "{program}");
        for seed in ["0", "1"] {
            let out = Command::new(harness)
                .args([
                    "check",
                    "--protocol",
                    "ndjson",
                    "--profiles",
                    "9.0",
                    "--cases",
                    "300",
                ])
                .args(["--seed", seed, "--timeout", "2", "--report"])
                .arg(tmp.path().join(format!("{defect}-{seed}")))
                .args(["--", python, &program])
                .env("PATH", &path)
                .output()
                .expect("the harness runs");
            match out.status.code() {
                Some(1) => {}
                other => missed.push(format!(
                    "{defect} (seed {seed}): exit {other:?}\n{}",
                    String::from_utf8_lossy(&out.stderr)
                )),
            }
        }
    }
    assert!(
        missed.is_empty(),
        "not caught within 300 cases:\n{}",
        missed.join("\n")
    );
}

#[test]
fn the_correct_baseline_agrees() {
    // The shared part of the defects, with no hook, agrees with the reference: what the
    // defects are caught for is their bug, not the framework.
    let Some(python) = python() else {
        return;
    };
    let (harness, path) = harness_on_path();
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let script = tmp.path().join("baseline.py");
    std::fs::write(
        &script,
        format!(
            "import sys\nsys.path.insert(0, {:?})\nfrom _userparser import main\nsys.exit(main('baseline', read=lambda root, mode: None, write=lambda p, s, m: None))\n",
            format!("{}/examples/wrong", env!("CARGO_MANIFEST_DIR"))
        ),
    )
    .expect("written");
    let out = Command::new(harness)
        .args([
            "check",
            "--protocol",
            "ndjson",
            "--profiles",
            "9.0,11.3",
            "--cases",
            "600",
            "--timeout",
            "5",
            "--",
        ])
        .arg(python)
        .arg(&script)
        .env("PATH", &path)
        .output()
        .expect("the harness runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
