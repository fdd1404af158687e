//! Detection power: how soon a campaign finds a real defect. Every deliberately wrong
//! implementation in `examples/wrong/` (`*.py` over the persistent protocol, `*.sh` a
//! process per case) is checked with `--profiles 9.0` over several seeds; for each, the
//! number of cases run before the first disagreement is recorded (one job, so cases run in
//! campaign order; the campaign stops there). A budget of N catches the defect when that
//! number is below N, because a smaller budget is a prefix of a larger one.
//!
//! `cargo bench --bench detection` prints, per defect, the share of seeds caught within
//! 100, 300 and 1,000 cases and the median (and range) of cases to the first
//! counterexample. `DETECTION_SEEDS` (default 10) sets the number of seeds,
//! `DETECTION_ONLY` a substring of the defects to run. A defect whose file has a line
//! `# check with: --compare LEVEL` is checked at that comparison level (a wrong error code
//! is found only with `codes`); the others at the default.

use std::ffi::OsString;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use domainbackup_harness::Profile;
use domainbackup_harness::conform::implementation::LaunchSettings;
use domainbackup_harness::conform::run::{Progress, build_feed, check};
use domainbackup_harness::conform::{CaseResult, CheckConfig, ImplementationSpec, ShrinkLimits};

const BUDGETS: [usize; 3] = [100, 300, 1000];

/// Counts the cases done and stops the run at the first disagreement.
struct FirstDisagreement<'a> {
    done: AtomicUsize,
    first: Mutex<Option<(usize, String)>>,
    cancel: &'a AtomicBool,
}

impl Progress for FirstDisagreement<'_> {
    fn case_done(&self, result: &CaseResult) {
        let n = self.done.fetch_add(1, Ordering::SeqCst) + 1;
        if result.outcome.is_disagreement() {
            let mut first = self.first.lock().unwrap_or_else(|p| p.into_inner());
            if first.is_none() {
                *first = Some((n, result.class.clone()));
                self.cancel.store(true, Ordering::SeqCst);
            }
        }
    }
}

/// The comparison level a defect's file asks for (`# check with: --compare LEVEL`).
fn compare_level(path: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().find_map(|line| {
        let rest = line.trim_start_matches('#').trim();
        let level = rest.strip_prefix("check with: --compare ")?;
        Some(level.trim().to_string())
    })
}

fn defects() -> Vec<(String, ImplementationSpec, Option<String>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/wrong");
    let harness = format!(
        "DOMAINBACKUP_HARNESS={}",
        env!("CARGO_BIN_EXE_domainbackup-harness")
    );
    let only = std::env::var("DETECTION_ONLY").unwrap_or_default();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("examples/wrong")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            !name.starts_with('_') && (name.ends_with(".py") || name.ends_with(".sh"))
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|path| {
            let name = path.file_stem()?.to_string_lossy().into_owned();
            if !name.contains(&only) {
                return None;
            }
            let python = path.extension().is_some_and(|e| e == "py");
            let level = compare_level(&path);
            let mut command: Vec<OsString> = vec!["env".into(), harness.clone().into()];
            command.push(if python { "python3" } else { "sh" }.into());
            command.push(path.into_os_string());
            Some((
                name,
                if python {
                    ImplementationSpec::Ndjson { command }
                } else {
                    ImplementationSpec::PerCase { command }
                },
                level,
            ))
        })
        .collect()
}

/// Cases run before the first disagreement within the largest budget, and its class.
fn first_disagreement(
    spec: &ImplementationSpec,
    level: Option<&str>,
    seed: u64,
) -> Result<Option<(usize, String)>, String> {
    let settings = LaunchSettings {
        timeout: Duration::from_secs(2),
        output_cap: domainbackup_harness::conform::DEFAULT_OUTPUT_CAP,
    };
    let launcher = spec.launcher(&settings).map_err(|e| e.to_string())?;
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut config = CheckConfig {
        profiles: vec![Profile::V9_0],
        cases: Some(BUDGETS[BUDGETS.len() - 1]),
        seed,
        jobs: 1,
        timeout: settings.timeout,
        shrink: ShrinkLimits {
            max_cases: 0,
            ..ShrinkLimits::default()
        },
        counterexample_dir: tmp.path().to_path_buf(),
        ..CheckConfig::default()
    };
    if let Some(level) = level {
        config.compare = level.parse()?;
    }
    config.compare.validation = launcher.capabilities().validates;
    let feed = build_feed(&config, launcher.capabilities(), &[]).map_err(|e| e.to_string())?;
    let cancel = AtomicBool::new(false);
    let progress = FirstDisagreement {
        done: AtomicUsize::new(0),
        first: Mutex::new(None),
        cancel: &cancel,
    };
    check(launcher.as_ref(), &feed, &config, &progress, &cancel).map_err(|e| e.to_string())?;
    Ok(progress
        .first
        .into_inner()
        .unwrap_or_else(|p| p.into_inner()))
}

fn main() {
    // `cargo bench` passes `--bench`; a plain `cargo test` of the benches runs nothing.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let seeds: u64 = std::env::var("DETECTION_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    println!(
        "| defect | caught within {} | within {} | within {} | cases to the first counterexample: median (min–max) | first class |",
        BUDGETS[0], BUDGETS[1], BUDGETS[2]
    );
    println!("|---|---|---|---|---|---|");
    for (name, spec, level) in defects() {
        let mut firsts: Vec<usize> = Vec::new();
        let mut class = String::new();
        let mut errors = Vec::new();
        for seed in 0..seeds {
            match first_disagreement(&spec, level.as_deref(), seed) {
                Ok(Some((n, c))) => {
                    firsts.push(n);
                    if class.is_empty() {
                        class = c;
                    }
                }
                Ok(None) => {}
                Err(e) => errors.push(e),
            }
        }
        firsts.sort_unstable();
        let share = |budget: usize| {
            format!(
                "{}/{seeds}",
                firsts.iter().filter(|&&n| n <= budget).count()
            )
        };
        let spread = match (firsts.first(), firsts.last()) {
            (Some(lo), Some(hi)) => format!("{} ({lo}–{hi})", firsts[firsts.len() / 2]),
            _ => "not caught".to_string(),
        };
        let class = if errors.is_empty() {
            class
        } else {
            format!("{class} (errors: {})", errors.join("; "))
        };
        let name = match &level {
            Some(level) => format!("{name} (--compare {level})"),
            None => name,
        };
        println!(
            "| {name} | {} | {} | {} | {spread} | {} |",
            share(BUDGETS[0]),
            share(BUDGETS[1]),
            share(BUDGETS[2]),
            class.replace('|', "\\|")
        );
    }
}
