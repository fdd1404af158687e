//! The campaign runner: builds the case list, runs it through the implementation in
//! parallel jobs (std threads, one implementation instance each), judges every case
//! against the reference, applies the known-failure list, shrinks disagreements and
//! writes their counterexamples. Also replays one stored counterexample.
//!
//! It never prints: progress goes to a [`Progress`] observer and everything else into the
//! returned [`RunReport`]. A set cancellation flag (Ctrl-C in the CLI) stops it between
//! cases; the report then holds what ran.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use super::CheckConfig;
use super::case::{self, CampaignPlan, Case, CaseSource, FixedSource};
use super::compare::{Judgement, describe_expectation, judge};
use super::implementation::{Capabilities, Implementation, Launcher, Observed};
use super::report::{CaseResult, Counterexample, ExpectedRecord, RunReport};
use super::shrink::{Signature, line_count, shrink};

/// A problem that stops a run before it can judge anything: bad flags, a command that
/// cannot be run, libvirt that cannot be loaded, cases that cannot be read. Exit status 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvironmentError {
    /// The command line is wrong.
    #[error("usage: {0}")]
    Usage(String),
    /// The implementation's program cannot be found or run.
    #[error("command not found: {0}")]
    CommandNotFound(String),
    /// The persistent process did not complete the handshake.
    #[error("{command}: the NDJSON handshake failed: {detail}")]
    Handshake {
        /// The command.
        command: String,
        /// What went wrong.
        detail: String,
    },
    /// libvirt could not be loaded or is not a modelled version.
    #[error("libvirt: {0}")]
    Libvirt(String),
    /// A case source failed.
    #[error("cases: {0}")]
    Cases(String),
    /// The known-failures file is wrong.
    #[error("known failures: {0}")]
    KnownFailures(String),
    /// A file or folder could not be read or written.
    #[error("{path}: {reason}")]
    Io {
        /// The file or folder.
        path: String,
        /// Why.
        reason: String,
    },
    /// The implementation supports none of the requested modes or profiles.
    #[error("nothing to run: {0}")]
    NothingToRun(String),
}

impl EnvironmentError {
    pub(crate) fn io(path: &Path, e: impl std::fmt::Display) -> EnvironmentError {
        EnvironmentError::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        }
    }
}

/// Observes a run as it goes (the CLI draws its progress bar from this). Every method has
/// an empty default.
pub trait Progress: Sync {
    /// The campaign starts with `total` cases.
    fn started(&self, _total: usize) {}
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

/// The modes and profiles both requested and supported, in the requested order.
fn intersect<T: PartialEq + Copy>(requested: &[T], supported: &[T]) -> Vec<T> {
    requested
        .iter()
        .copied()
        .filter(|x| supported.contains(x))
        .collect()
}

/// The case list of a run: the corpus and upstream vectors (the folders in `config`),
/// expanded over the modes and profiles that are both requested and supported, filtered,
/// sampled or extended to `config.cases` (with the `extra` sources, or, when there are
/// none, the source `config.extend` names), cut to the shard.
pub fn build_campaign(
    config: &CheckConfig,
    capabilities: &Capabilities,
    extra: &[&dyn CaseSource],
) -> Result<Vec<Case>, EnvironmentError> {
    let modes = intersect(&config.modes, &capabilities.modes);
    let profiles = intersect(&config.profiles, &capabilities.profiles);
    if modes.is_empty() || profiles.is_empty() {
        return Err(EnvironmentError::NothingToRun(format!(
            "{} supports modes [{}] and profiles [{}]; requested modes [{}] and profiles [{}]",
            capabilities.name,
            names(capabilities.modes.iter().map(|m| m.name())),
            names(capabilities.profiles.iter().map(|p| p.name())),
            names(config.modes.iter().map(|m| m.name())),
            names(config.profiles.iter().map(|p| p.name())),
        )));
    }
    let mut fixed: Vec<FixedSource> = Vec::new();
    if let Some(dir) = &config.corpus_dir {
        fixed.push(FixedSource::corpus(dir).map_err(|e| EnvironmentError::Cases(e.to_string()))?);
    }
    if let Some(dir) = &config.upstream_dir {
        fixed.push(FixedSource::upstream(dir).map_err(|e| EnvironmentError::Cases(e.to_string()))?);
    }
    let fixed_refs: Vec<&dyn CaseSource> = fixed.iter().map(|s| s as &dyn CaseSource).collect();
    let plan = CampaignPlan {
        seed: config.seed,
        cases: config.cases,
        modes,
        profiles,
        filter: config.filter.clone(),
        shard: config.shard,
    };
    let generator = super::generated::GeneratorSource;
    let extra: Vec<&dyn CaseSource> = match (extra.is_empty(), config.extend) {
        (false, _) => extra.to_vec(),
        (true, super::Extension::Generator) => vec![&generator],
        // An empty list makes the campaign extend with variants of its fixed cases.
        (true, super::Extension::Variants) => Vec::new(),
    };
    let mut cases = stored_counterexamples(config, &plan)?;
    cases.extend(
        case::campaign(&fixed_refs, &extra, &plan)
            .map_err(|e| EnvironmentError::Cases(e.to_string()))?,
    );
    Ok(cases)
}

/// The cases of every counterexample file in `config.replay_dirs` (files ending in `.json`,
/// in name order), as `counterexample/FILE-STEM`, for the requested modes and profiles,
/// filtered and cut to the shard like every other case. A file that is not a
/// counterexample is an error naming it.
fn stored_counterexamples(
    config: &CheckConfig,
    plan: &CampaignPlan,
) -> Result<Vec<Case>, EnvironmentError> {
    let mut cases = Vec::new();
    for dir in &config.replay_dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| EnvironmentError::io(dir, e))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        for file in files {
            let mut case = Counterexample::read(&file)?.case()?;
            let stem = file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            case.id = format!("counterexample/{stem}");
            let wanted = plan.modes.contains(&case.mode)
                && plan.profiles.contains(&case.profile)
                && plan.keeps(&case.id)
                && plan.in_shard(&case.id);
            if wanted {
                cases.push(case);
            }
        }
    }
    Ok(cases)
}

fn names<'a>(it: impl Iterator<Item = &'a str>) -> String {
    it.collect::<Vec<_>>().join(", ")
}

/// Puts one case through an instance and judges it.
pub fn run_case(
    implementation: &mut dyn Implementation,
    case: &Case,
    config: &CheckConfig,
    name: &str,
) -> (CaseResult, Judgement) {
    let observed = implementation.run(case);
    judge_case(case, observed, config, name)
}

/// Judges what an implementation did with one case against the reference's outcome.
pub fn judge_case(
    case: &Case,
    observed: Observed,
    config: &CheckConfig,
    name: &str,
) -> (CaseResult, Judgement) {
    let expected = case.expectation();
    let judgement = judge(&expected, &observed, config.compare, case.profile);
    let result = CaseResult {
        implementation: name.to_string(),
        id: case.id.clone(),
        rule: case.rule.clone(),
        source: case.source.clone(),
        profile: case.profile.name().to_string(),
        mode: case.mode.name().to_string(),
        outcome: judgement.outcome,
        expected: describe_expectation(&expected),
        observed: observed.summary(),
        detail: judgement.detail.clone(),
        differences: judgement
            .differences
            .iter()
            .map(|d| d.to_string())
            .collect(),
        known: None,
    };
    (result, judgement)
}

/// Runs `cases` through the implementation: the whole campaign, known failures, shrinking
/// and counterexample files. An `Err` only for an environment problem (the counterexample
/// folder cannot be written, or no job could start an instance).
pub fn check(
    launcher: &dyn Launcher,
    cases: &[Case],
    config: &CheckConfig,
    progress: &dyn Progress,
    cancel: &AtomicBool,
) -> Result<RunReport, EnvironmentError> {
    let started = Instant::now();
    let name = launcher.capabilities().name.clone();
    let jobs = config.jobs.clamp(1, cases.len().max(1));
    progress.started(cases.len());

    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<(CaseResult, Signature)>>> = Mutex::new(vec![None; cases.len()]);
    let start_error: Mutex<Option<EnvironmentError>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                let mut instance = match launcher.start() {
                    Ok(i) => i,
                    Err(e) => {
                        *lock(&start_error) = Some(e);
                        return;
                    }
                };
                let batch = instance.batch_size().max(1);
                loop {
                    if cancel.load(Ordering::Relaxed) {
                        return;
                    }
                    let first = next.fetch_add(batch, Ordering::Relaxed);
                    if first >= cases.len() {
                        return;
                    }
                    let mut pending: Vec<usize> =
                        (first..(first + batch).min(cases.len())).collect();
                    while !pending.is_empty() {
                        let batch_cases: Vec<&Case> = pending.iter().map(|&i| &cases[i]).collect();
                        let observed = instance.run_batch(&batch_cases);
                        // An instance answers at least one case; anything else is its bug,
                        // and the case is then recorded as a protocol error.
                        let observed = if observed.is_empty() {
                            vec![Observed::ProtocolError {
                                detail: "the implementation gave no answer".into(),
                            }]
                        } else {
                            observed
                        };
                        let done = observed.len().min(pending.len());
                        for (&i, observed) in pending.iter().zip(observed) {
                            let (result, judgement) =
                                judge_case(&cases[i], observed, config, &name);
                            progress.case_done(&result);
                            lock(&slots)[i] = Some((result, judgement.signature()));
                        }
                        pending.drain(..done);
                        if cancel.load(Ordering::Relaxed) {
                            return;
                        }
                    }
                }
            });
        }
    });
    let slots = slots.into_inner().unwrap_or_else(|p| p.into_inner());
    let ran = slots.iter().filter(|s| s.is_some()).count();
    if ran < cases.len() && !cancel.load(Ordering::Relaxed) {
        if let Some(e) = start_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
            return Err(e);
        }
    }
    let cancelled = ran < cases.len();

    // Shrink: the first disagreement of each (outcome, rule, differing path), in campaign
    // order, up to the limit.
    let mut chosen: Vec<(usize, Signature)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, slot) in slots.iter().enumerate() {
        if let Some((result, signature)) = slot {
            if result.outcome.is_disagreement()
                && config
                    .known_failures
                    .lookup(&result.id, &result.rule)
                    .is_none()
                && chosen.len() < config.shrink.max_cases
                && seen.insert((signature.clone(), result.rule.clone()))
            {
                chosen.push((i, signature.clone()));
            }
        }
    }
    let mut counterexamples = Vec::new();
    if !chosen.is_empty() && !cancel.load(Ordering::Relaxed) {
        progress.shrinking(chosen.len());
        counterexamples = shrink_all(launcher, cases, &chosen, config, progress, cancel)?;
    }

    let mut results: Vec<CaseResult> = slots.into_iter().flatten().map(|(r, _)| r).collect();
    results.sort_by(|a, b| a.id.cmp(&b.id));
    let fixed = config.known_failures.apply(&mut results);
    Ok(RunReport {
        implementation: launcher.capabilities().clone(),
        command_line: launcher.command_line(),
        seed: config.seed,
        compare: config.compare.name(),
        shard: config.shard.map(|s| s.to_string()),
        planned: cases.len(),
        results,
        counterexamples,
        known_failures: config.known_failures.entries().to_vec(),
        fixed,
        cancelled,
        elapsed_ms: started.elapsed().as_millis() as u64,
    })
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn shrink_all(
    launcher: &dyn Launcher,
    cases: &[Case],
    chosen: &[(usize, Signature)],
    config: &CheckConfig,
    progress: &dyn Progress,
    cancel: &AtomicBool,
) -> Result<Vec<Counterexample>, EnvironmentError> {
    let dir = config.counterexample_dir.join("counterexamples");
    std::fs::create_dir_all(&dir).map_err(|e| EnvironmentError::io(&dir, e))?;
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, Counterexample)>> = Mutex::new(Vec::new());
    let failure: Mutex<Option<EnvironmentError>> = Mutex::new(None);
    let jobs = config.jobs.clamp(1, chosen.len());
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                let Ok(mut instance) = launcher.start() else {
                    return;
                };
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some((index, signature)) = chosen.get(k) else {
                        return;
                    };
                    if cancel.load(Ordering::Relaxed) {
                        return;
                    }
                    let case = &cases[*index];
                    let Some(shrunk) = shrink(
                        case,
                        signature,
                        instance.as_mut(),
                        config.compare,
                        config.shrink,
                        cancel,
                    ) else {
                        continue;
                    };
                    let file = dir.join(format!("{}.json", file_stem(&case.id)));
                    let counterexample = Counterexample {
                        format: Counterexample::FORMAT.into(),
                        implementation: launcher.capabilities().name.clone(),
                        id: case.id.clone(),
                        rule: case.rule.clone(),
                        source: case.source.clone(),
                        profile: case.profile.name().into(),
                        mode: case.mode.name().into(),
                        outcome: shrunk.judgement.outcome,
                        signature: signature.1.clone(),
                        detail: shrunk.judgement.detail.clone(),
                        differences: shrunk
                            .judgement
                            .differences
                            .iter()
                            .map(|d| d.to_string())
                            .collect(),
                        document: String::from_utf8(shrunk.document.clone()).ok(),
                        document_bytes: std::str::from_utf8(&shrunk.document)
                            .is_err()
                            .then(|| shrunk.document.clone()),
                        lines: line_count(&shrunk.document),
                        original_lines: line_count(&case.document),
                        steps: shrunk.steps,
                        exhausted: shrunk.exhausted,
                        expected: ExpectedRecord::from(&shrunk.expected),
                        observed: shrunk.observed.clone(),
                        replay: replay_command(&file, launcher, config),
                        file: file.display().to_string(),
                    };
                    if let Err(e) = counterexample.write(&file) {
                        *lock(&failure) = Some(e);
                        return;
                    }
                    progress.shrunk(&counterexample);
                    lock(&done).push((k, counterexample));
                }
            });
        }
    });
    if let Some(e) = failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    let mut done = done.into_inner().unwrap_or_else(|p| p.into_inner());
    done.sort_by_key(|(k, _)| *k);
    Ok(done.into_iter().map(|(_, c)| c).collect())
}

/// A file name for a case id: every character but letters, digits, `.`, `-` and `_`
/// becomes `_`.
pub fn file_stem(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The command that replays a counterexample file against the same implementation.
pub fn replay_command(file: &Path, launcher: &dyn Launcher, config: &CheckConfig) -> String {
    let mut cmd = format!(
        "domainbackup-harness check --replay {}",
        super::implementation::shell_words(&[file.as_os_str().to_owned()])
    );
    if config.compare != super::Comparison::default() {
        cmd.push_str(&format!(" --compare {}", config.compare.name()));
    }
    if config.timeout != super::CheckConfig::default().timeout {
        cmd.push_str(&format!(" --timeout {}", config.timeout.as_secs_f64()));
    }
    cmd.push(' ');
    cmd.push_str(&launcher.command_line());
    cmd
}

/// The result of replaying one counterexample file.
#[derive(Debug, Clone)]
pub struct Replay {
    /// The stored counterexample.
    pub counterexample: Counterexample,
    /// What happened now.
    pub result: CaseResult,
    /// What the implementation did now.
    pub observed: Observed,
}

impl Replay {
    /// Whether the implementation still disagrees.
    pub fn disagrees(&self) -> bool {
        self.result.outcome.is_disagreement()
    }
}

/// Replays a counterexample file: its document, mode and profile, against the reference's
/// outcome now (never the stored expectation) and the implementation now.
pub fn replay(
    file: &Path,
    launcher: &dyn Launcher,
    config: &CheckConfig,
) -> Result<Replay, EnvironmentError> {
    let counterexample = Counterexample::read(file)?;
    let case = counterexample.case()?;
    let caps = launcher.capabilities();
    let mut instance = launcher.start()?;
    let expected = case.expectation();
    let observed = if caps.modes.contains(&case.mode) && caps.profiles.contains(&case.profile) {
        instance.run(&case)
    } else {
        Observed::Skipped {
            reason: format!(
                "{} does not support mode {} under profile {}",
                caps.name, case.mode, case.profile
            ),
        }
    };
    let judgement = judge(&expected, &observed, config.compare, case.profile);
    let mut result = CaseResult {
        implementation: caps.name.clone(),
        id: case.id.clone(),
        rule: case.rule.clone(),
        source: case.source.clone(),
        profile: case.profile.name().into(),
        mode: case.mode.name().into(),
        outcome: judgement.outcome,
        expected: describe_expectation(&expected),
        observed: observed.summary(),
        detail: judgement.detail.clone(),
        differences: judgement
            .differences
            .iter()
            .map(|d| d.to_string())
            .collect(),
        known: None,
    };
    config
        .known_failures
        .apply(std::slice::from_mut(&mut result));
    Ok(Replay {
        counterexample,
        result,
        observed,
    })
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
    let mut config = request.config.clone();
    if let Some(dir) = &request.report_dir {
        config.counterexample_dir = dir.clone();
    }
    let cases = build_campaign(&config, launcher.capabilities(), extra)?;
    if cases.is_empty() && config.shard.is_none() {
        return Err(EnvironmentError::NothingToRun(
            if config.filter.is_empty() {
                "the campaign has no cases".into()
            } else {
                format!("no case id contains any of {:?}", config.filter)
            },
        ));
    }
    let report = check(launcher.as_ref(), &cases, &config, progress, cancel)?;
    if let Some(dir) = &request.report_dir {
        super::report::write_report_dir(dir, std::slice::from_ref(&report))?;
    }
    if let Some(path) = &request.write_known_failures {
        std::fs::write(path, super::known::write_known_failures(&report.results))
            .map_err(|e| EnvironmentError::io(path, e))?;
    }
    Ok(report)
}

/// Replays one counterexample file against the request's implementation.
pub fn execute_replay(request: &CheckRequest, file: &Path) -> Result<Replay, EnvironmentError> {
    let launcher = launcher_for(request)?;
    replay(file, launcher.as_ref(), &request.config)
}
