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

use std::borrow::Cow;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use super::CheckConfig;
use super::case::{self, CampaignPlan, Case, CaseRequest, CaseSource, FixedSource};
use super::compare::{Judgement, describe_expectation, judge};
use super::generated::{GROUP, GeneratorWorker};
use super::implementation::{Capabilities, Implementation, Launcher, Observed};
use super::report::{CaseResult, Counterexample, ExpectedRecord, RunReport};
use super::shrink::{Signature, line_count, shrink};

pub use super::environment::EnvironmentError;
pub use super::report::Replay;

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
    let (fixed, plan) = prepare(config, capabilities)?;
    listed_cases(config, &fixed, extra, &plan)
}

/// [`build_campaign`] from the fixed sources and the plan.
fn listed_cases(
    config: &CheckConfig,
    fixed: &[FixedSource],
    extra: &[&dyn CaseSource],
    plan: &CampaignPlan,
) -> Result<Vec<Case>, EnvironmentError> {
    let fixed_refs: Vec<&dyn CaseSource> = fixed.iter().map(|s| s as &dyn CaseSource).collect();
    let generator = super::generated::GeneratorSource;
    let extra: Vec<&dyn CaseSource> = match (extra.is_empty(), config.extend) {
        (false, _) => extra.to_vec(),
        (true, super::Extension::Generator) => vec![&generator],
        // An empty list makes the campaign extend with variants of its fixed cases.
        (true, super::Extension::Variants) => Vec::new(),
    };
    let mut cases = stored_counterexamples(config, plan)?;
    cases.extend(
        case::campaign(&fixed_refs, &extra, plan)
            .map_err(|e| EnvironmentError::Cases(e.to_string()))?,
    );
    Ok(cases)
}

/// The campaign of [`build_campaign`] as the jobs take it: cases made in advance (stored
/// counterexamples, the corpus and upstream vectors), and the generated ones made by the
/// job that runs them, so that a campaign of millions of cases never holds their documents
/// and the generator runs on every core while cases are judged. The same cases in the
/// same order as [`build_campaign`] gives.
pub fn build_feed(
    config: &CheckConfig,
    capabilities: &Capabilities,
    extra: &[&dyn CaseSource],
) -> Result<Campaign, EnvironmentError> {
    let (fixed, plan) = prepare(config, capabilities)?;
    let eager = || -> Result<Campaign, EnvironmentError> {
        Ok(Campaign {
            eager: listed_cases(config, &fixed, extra, &plan)?,
            generated: None,
        })
    };
    let wanted = config.cases.unwrap_or(0);
    if !extra.is_empty() || config.extend != super::Extension::Generator || wanted == 0 {
        return eager();
    }
    let fixed_refs: Vec<&dyn CaseSource> = fixed.iter().map(|s| s as &dyn CaseSource).collect();
    // The fixed cases the filter keeps, before sharding: as many as the campaign counts.
    let unsharded = CampaignPlan {
        cases: None,
        shard: None,
        ..plan.clone()
    };
    let fixed_cases = case::campaign(&fixed_refs, &[], &unsharded)
        .map_err(|e| EnvironmentError::Cases(e.to_string()))?;
    if wanted <= fixed_cases.len() {
        // A sample of the fixed cases: nothing to generate.
        return eager();
    }
    let request = CaseRequest {
        seed: plan.seed,
        count: wanted - fixed_cases.len(),
        modes: plan.modes.clone(),
        profiles: plan.profiles.clone(),
    };
    let mut cases = stored_counterexamples(config, &plan)?;
    cases.extend(fixed_cases.into_iter().filter(|c| plan.in_shard(&c.id)));
    Ok(Campaign {
        eager: cases,
        generated: Some(Generated { request, plan }),
    })
}

/// The fixed sources and the plan of a run.
fn prepare(
    config: &CheckConfig,
    capabilities: &Capabilities,
) -> Result<(Vec<FixedSource>, CampaignPlan), EnvironmentError> {
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
    let plan = CampaignPlan {
        seed: config.seed,
        cases: config.cases,
        modes,
        profiles,
        filter: config.filter.clone(),
        shard: config.shard,
    };
    Ok((fixed, plan))
}

/// Makes the cases present in a range of slots, with their slot numbers, in order.
pub type CaseMaker<'a> = Box<dyn FnMut(Range<usize>) -> Vec<(usize, Cow<'a, Case>)> + 'a>;

/// The cases of a run as its jobs take them: numbered slots, each holding a case or
/// nothing (a generated case that the filter or the shard leaves out, or that the
/// generator could not make).
pub trait CaseFeed: Sync {
    /// How many slots there are.
    fn slots(&self) -> usize;
    /// A maker of the cases in a range of slots, for one thread: the cases present, with
    /// their slot numbers, in order.
    fn worker(&self) -> CaseMaker<'_>;
}

impl CaseFeed for [Case] {
    fn slots(&self) -> usize {
        self.len()
    }

    fn worker(&self) -> CaseMaker<'_> {
        Box::new(move |range: Range<usize>| {
            let range = range.start.min(self.len())..range.end.min(self.len());
            range.map(|i| (i, Cow::Borrowed(&self[i]))).collect()
        })
    }
}

impl CaseFeed for Vec<Case> {
    fn slots(&self) -> usize {
        self.len()
    }

    fn worker(&self) -> CaseMaker<'_> {
        self.as_slice().worker()
    }
}

/// A campaign from [`build_feed`].
#[derive(Debug, Clone)]
pub struct Campaign {
    /// Cases made in advance, in the first slots.
    eager: Vec<Case>,
    /// Generated cases, made on demand in the slots after them.
    generated: Option<Generated>,
}

#[derive(Debug, Clone)]
struct Generated {
    /// What is asked of the generator (its count: the cases before filter and shard).
    request: CaseRequest,
    /// The filter and the shard.
    plan: CampaignPlan,
}

impl Campaign {
    /// The first slot of the generated cases: after the cases made in advance, at a
    /// multiple of [`GROUP`], so that a job's range of slots draws each definition once.
    fn generated_start(&self) -> usize {
        self.eager.len().next_multiple_of(GROUP)
    }

    /// Every case, made now (for tests and small campaigns).
    pub fn into_cases(self) -> Vec<Case> {
        self.worker()(0..self.slots())
            .into_iter()
            .map(|(_, c)| c.into_owned())
            .collect()
    }
}

impl CaseFeed for Campaign {
    fn slots(&self) -> usize {
        match &self.generated {
            None => self.eager.len(),
            Some(g) => self.generated_start() + g.request.count,
        }
    }

    fn worker(&self) -> CaseMaker<'_> {
        let start = self.generated_start();
        // The generator's strategies are made at the first generated case this thread
        // is asked for.
        let mut generator: Option<GeneratorWorker> = None;
        Box::new(move |range: Range<usize>| {
            let mut out: Vec<(usize, Cow<'_, Case>)> = Vec::new();
            let eager_end = range.end.min(self.eager.len());
            for i in range.start..eager_end {
                out.push((i, Cow::Borrowed(&self.eager[i])));
            }
            if let Some(g) = &self.generated {
                if range.end > start {
                    let from = range.start.max(start) - start;
                    let to = range.end - start;
                    let maker = generator.get_or_insert_with(|| GeneratorWorker::new(&g.request));
                    for (n, case) in maker.cases(from..to) {
                        if g.plan.keeps(&case.id) && g.plan.in_shard(&case.id) {
                            out.push((start + n, Cow::Owned(case)));
                        }
                    }
                }
            }
            out
        })
    }
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
    cases: &dyn CaseFeed,
    config: &CheckConfig,
    progress: &dyn Progress,
    cancel: &AtomicBool,
) -> Result<RunReport, EnvironmentError> {
    let started = Instant::now();
    let name = launcher.capabilities().name.clone();
    let total = cases.slots();
    let jobs = config.jobs.clamp(1, total.max(1));
    progress.started(total);

    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Slot>> = Mutex::new(vec![Slot::Pending; total]);
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
                let mut make = cases.worker();
                let batch = instance.batch_size().max(1);
                loop {
                    if cancel.load(Ordering::Relaxed) {
                        return;
                    }
                    let chunk = chunk_size(total, next.load(Ordering::Relaxed), jobs, batch);
                    let first = next.fetch_add(chunk, Ordering::Relaxed);
                    if first >= total {
                        return;
                    }
                    let range = first..(first + chunk).min(total);
                    let made = make(range.clone());
                    {
                        let mut slots = lock(&slots);
                        let mut present = made.iter().map(|(i, _)| *i).peekable();
                        for i in range {
                            if present.next_if_eq(&i).is_none() {
                                slots[i] = Slot::Absent;
                            }
                        }
                    }
                    // Cases still to run are `made[start..]` (a moving start, not draining the
                    // front, which would shift every remaining case after each batch).
                    let mut start = 0;
                    while start < made.len() {
                        let pending = &made[start..];
                        let take = pending.len().min(batch);
                        let batch_cases: Vec<&Case> =
                            pending[..take].iter().map(|(_, c)| c.as_ref()).collect();
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
                        let done = observed.len().min(take);
                        for ((i, case), observed) in pending[..done].iter().zip(observed) {
                            let (result, judgement) = judge_case(case, observed, config, &name);
                            progress.case_done(&result);
                            lock(&slots)[*i] = Slot::Done(Box::new(result), judgement.signature());
                        }
                        start += done;
                        if cancel.load(Ordering::Relaxed) {
                            return;
                        }
                    }
                }
            });
        }
    });
    let slots = slots.into_inner().unwrap_or_else(|p| p.into_inner());
    let unfinished = slots.iter().filter(|s| matches!(s, Slot::Pending)).count();
    if unfinished > 0 && !cancel.load(Ordering::Relaxed) {
        if let Some(e) = start_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
            return Err(e);
        }
    }
    let cancelled = unfinished > 0;
    // Slots that never ran count as planned (a filter might have left some out).
    let planned = slots.iter().filter(|s| !matches!(s, Slot::Absent)).count();

    // Shrink: the first disagreement of each (outcome, rule, differing path), in campaign
    // order, up to the limit.
    let mut chosen: Vec<(usize, Signature)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, slot) in slots.iter().enumerate() {
        if let Slot::Done(result, signature) = slot {
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

    let mut results: Vec<Box<CaseResult>> = slots
        .into_iter()
        .filter_map(|s| match s {
            Slot::Done(result, _) => Some(result),
            _ => None,
        })
        .collect();
    sort_by_id(&mut results);
    let fixed = config.known_failures.apply(&mut results);
    Ok(RunReport {
        implementation: launcher.capabilities().clone(),
        command_line: launcher.command_line(),
        seed: config.seed,
        compare: config.compare.name(),
        shard: config.shard.map(|s| s.to_string()),
        planned,
        results,
        counterexamples,
        known_failures: config.known_failures.entries().to_vec(),
        fixed,
        cancelled,
        elapsed_ms: started.elapsed().as_millis() as u64,
    })
}

/// How many slots a job takes next, when `next` is the first slot not yet taken: a share
/// of what is left that shrinks as the run goes on (so the jobs finish together), at most
/// [`MAX_CHUNK`], and whole groups of generated cases (each group's definition is then
/// drawn once). Making a chunk of cases and then running them, rather than one case after
/// the other, keeps each part's code and data warm in the processor's caches.
fn chunk_size(total: usize, next: usize, jobs: usize, batch: usize) -> usize {
    let share = total.saturating_sub(next) / (jobs * 4);
    share
        .clamp(batch, MAX_CHUNK.max(batch))
        .next_multiple_of(GROUP)
}

/// The largest chunk of slots a job takes at once.
const MAX_CHUNK: usize = 256;

/// What became of one slot of a run.
#[derive(Clone)]
enum Slot {
    /// Not run (yet).
    Pending,
    /// No case there (left out by the filter or the shard).
    Absent,
    /// Run and judged: the result, and its signature for shrinking.
    Done(Box<CaseResult>, Signature),
}

/// Sorts results by case id as a stable sort would. A campaign has tens of thousands: the
/// ids (with each result's place) are sorted in two halves at once and merged, then the
/// boxes are put in that order.
#[allow(clippy::vec_box)] // The boxes are the point: the records stay where the jobs made them.
fn sort_by_id(results: &mut Vec<Box<CaseResult>>) {
    let order: Vec<u32> = {
        let mut keys: Vec<(&str, u32)> = results
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i as u32))
            .collect();
        let count = keys.len();
        let (first, second) = keys.split_at_mut(count / 2);
        std::thread::scope(|scope| {
            scope.spawn(|| first.sort_unstable());
            second.sort_unstable();
        });
        let mut order = Vec::with_capacity(count);
        let (mut a, mut b) = (first.iter().peekable(), second.iter().peekable());
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x <= y => a.next(),
                (Some(_), Some(_)) => b.next(),
                (Some(_), None) => a.next(),
                (None, _) => b.next(),
            };
            match next {
                Some(&(_, i)) => order.push(i),
                None => break,
            }
        }
        order
    };
    let mut taken: Vec<Option<Box<CaseResult>>> =
        std::mem::take(results).into_iter().map(Some).collect();
    results.extend(order.iter().filter_map(|&i| taken[i as usize].take()));
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn shrink_all(
    launcher: &dyn Launcher,
    cases: &dyn CaseFeed,
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
                let mut make = cases.worker();
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some((index, signature)) = chosen.get(k) else {
                        return;
                    };
                    if cancel.load(Ordering::Relaxed) {
                        return;
                    }
                    let Some((_, case)) = make(*index..*index + 1).pop() else {
                        continue;
                    };
                    let case = case.as_ref();
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
    let report = check(launcher.as_ref(), &cases, &config, progress, cancel)?;
    // Generated cases are filtered as they are made: a filter that keeps none of them is
    // only known now.
    if report.planned == 0 && config.shard.is_none() && !report.cancelled {
        return Err(nothing());
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conform::compare::Outcome;

    #[test]
    fn results_are_sorted_by_id_as_a_stable_sort_would() {
        // Odd and even counts; ids repeat (kept in campaign order) and some are prefixes
        // of others.
        for count in [0usize, 1, 2, 7, 100, 1001] {
            let results: Vec<Box<CaseResult>> = (0..count)
                .map(|i| {
                    let n = (i * 7919) % 53;
                    Box::new(CaseResult {
                        implementation: "x".into(),
                        id: if n % 5 == 0 {
                            format!("case/{}", n / 5)
                        } else {
                            format!("case/{n}")
                        },
                        rule: "r".into(),
                        source: "s".into(),
                        profile: "11.3".into(),
                        mode: "parse".into(),
                        outcome: Outcome::Agree,
                        expected: String::new(),
                        observed: String::new(),
                        detail: i.to_string(),
                        differences: Vec::new(),
                        known: None,
                    })
                })
                .collect();
            let mut expected = results.clone();
            expected.sort_by(|a, b| a.id.cmp(&b.id));
            let mut sorted = results;
            sort_by_id(&mut sorted);
            assert_eq!(sorted, expected, "{count} results");
        }
    }
}
