//! The campaign runner: builds the campaign, runs it through the implementation in
//! parallel jobs (std threads, one implementation instance each), judges every case
//! against the reference, applies the known-failure list, shrinks disagreements and
//! writes their counterexamples. Also replays one stored counterexample.
//!
//! Generated cases are made by the job that runs them, a chunk of slots at a time
//! ([`build_feed`], [`CaseFeed`]): a run never holds the documents of its whole campaign,
//! and drawing cases is spread over the jobs like running them.
//!
//! It never prints: progress goes to a [`Progress`] observer and everything else into the
//! returned [`RunReport`]. A set cancellation flag (Ctrl-C in the CLI) stops it between
//! cases; the report then holds what ran.
//!
//! Its parts, one job each, with their public items re-exported here (`conform::run::X`
//! is the path to use):
//!
//! * `campaign`: the case list ([`build_campaign`], [`build_feed`]) and the slots the jobs
//!   take it by ([`CaseFeed`]);
//! * `schedule`: the jobs that run and judge the cases into a [`RunReport`] ([`check`]);
//! * `journal`: the report folder's journal, where a run's results go as they are judged
//!   and from which an interrupted run is finished ([`check_journaled`]);
//! * `shrinking`: the jobs that shrink the chosen disagreements into counterexample files;
//! * `replay`: one stored counterexample again ([`replay()`]).
//!
//! This module holds what they share (the [`Progress`] observer) and puts them together for
//! one `check` invocation ([`execute`]).

mod campaign;
mod journal;
mod replay;
mod schedule;
mod shrinking;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;

use super::CheckConfig;
use super::case::CaseSource;
use super::implementation::Launcher;
use super::report::{CaseResult, Counterexample, RunReport};

pub use super::environment::EnvironmentError;
pub use super::report::Replay;
pub use campaign::{Campaign, CaseFeed, CaseMaker, build_campaign, build_feed};
pub use journal::JOURNAL;
pub use replay::{replay, replay_command};
pub use schedule::{JournalPlan, check, check_journaled, judge_case, run_case};
pub use shrinking::file_stem;

/// Observes a run as it goes (the CLI draws its progress bar from this). Every method has
/// an empty default.
pub trait Progress: Sync {
    /// The campaign starts with `total` cases.
    fn started(&self, _total: usize) {}
    /// `count` of them were run by an earlier, interrupted run of the campaign (`--resume`).
    fn resumed(&self, _count: usize) {}
    /// One case is done.
    fn case_done(&self, _result: &CaseResult) {}
    /// Shrinking starts for `count` disagreements.
    fn shrinking(&self, _count: usize) {}
    /// One disagreement is shrunk.
    fn shrunk(&self, _counterexample: &Counterexample) {}
}

/// A [`Progress`] that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quiet;

impl Progress for Quiet {}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A whole `check` invocation, as the command line describes it.
#[derive(Debug, Clone)]
pub struct CheckRequest {
    /// The implementation.
    pub implementation: super::ImplementationSpec,
    /// A name to show instead of the implementation's own.
    pub name: Option<String>,
    /// The campaign's configuration.
    pub config: CheckConfig,
    /// Where to write the report folder, if anywhere.
    pub report_dir: Option<PathBuf>,
    /// Where to write the current failures as a known-failures file, if anywhere.
    pub write_known_failures: Option<PathBuf>,
    /// Finish the interrupted campaign whose journal is in `report_dir`.
    pub resume: bool,
}

/// The launcher of a request (with `--name` applied).
pub fn launcher_for(request: &CheckRequest) -> Result<Box<dyn Launcher>, EnvironmentError> {
    let settings = super::implementation::LaunchSettings {
        timeout: request.config.timeout,
        output_cap: request.config.output_cap,
    };
    let launcher = request.implementation.launcher(&settings)?;
    Ok(match &request.name {
        Some(name) => Box::new(super::implementation::Renamed::new(launcher, name.clone())),
        None => launcher,
    })
}

/// Runs a whole `check`: starts the implementation, builds the campaign, runs it, writes
/// the report folder and the known-failures file when asked. `extra` sources extend the
/// campaign beyond the fixed cases; with none, `config.extend` decides.
pub fn execute(
    request: &CheckRequest,
    extra: &[&dyn CaseSource],
    progress: &dyn Progress,
    cancel: &AtomicBool,
) -> Result<RunReport, EnvironmentError> {
    let launcher = launcher_for(request)?;
    let mut config = judged_as_declared(&request.config, launcher.as_ref());
    if let Some(dir) = &request.report_dir {
        config.counterexample_dir = dir.clone();
    }
    let cases = build_feed(&config, launcher.capabilities(), extra)?;
    let nothing = || {
        EnvironmentError::NothingToRun(if config.filter.is_empty() {
            "the campaign has no cases".into()
        } else {
            format!("no case id contains any of {:?}", config.filter)
        })
    };
    if cases.slots() == 0 && config.shard.is_none() {
        return Err(nothing());
    }
    // With a report folder the results stream to its journal: a campaign of any size runs
    // in the same memory, and an interrupted one can be finished.
    let plan = request.report_dir.as_ref().map(|dir| JournalPlan {
        dir: dir.clone(),
        resume: request.resume,
    });
    if request.resume && plan.is_none() {
        return Err(EnvironmentError::Usage(
            "resuming needs the report folder of the interrupted campaign".into(),
        ));
    }
    let report = check_journaled(
        launcher.as_ref(),
        &cases,
        &config,
        progress,
        cancel,
        plan.as_ref(),
    )?;
    // Generated cases are filtered as they are made: a filter that keeps none of them is
    // only known now.
    if report.planned == 0 && config.shard.is_none() && !report.cancelled {
        return Err(nothing());
    }
    if let Some(dir) = &request.report_dir {
        super::report::write_report_dir(dir, std::slice::from_ref(&report))?;
    }
    if let Some(path) = &request.write_known_failures {
        super::report::write_file_with(path, |out| {
            let fail = |e| EnvironmentError::io(path, e);
            out.write_all(super::known::KNOWN_FAILURES_HEADER.as_bytes())
                .map_err(fail)?;
            let mut failed = None;
            report.each_result(|r| {
                if let Some(line) = super::known::known_failure_line(r) {
                    if failed.is_none() {
                        failed = out.write_all(line.as_bytes()).err();
                    }
                }
            })?;
            failed.map_or(Ok(()), |e| Err(fail(e)))
        })?;
    }
    Ok(report)
}

/// Replays one counterexample file against the request's implementation.
pub fn execute_replay(request: &CheckRequest, file: &Path) -> Result<Replay, EnvironmentError> {
    let launcher = launcher_for(request)?;
    replay(
        file,
        launcher.as_ref(),
        &judged_as_declared(&request.config, launcher.as_ref()),
    )
}

/// `config`, comparing at the validation level the implementation declares (or the one
/// `--validates` gives it).
fn judged_as_declared(config: &CheckConfig, launcher: &dyn Launcher) -> CheckConfig {
    let mut config = config.clone();
    config.compare.validation = config
        .validates
        .unwrap_or(launcher.capabilities().validates);
    config
}
