//! Running a campaign over parallel jobs: each job starts its own implementation
//! instance, takes chunks of slots from the [`CaseFeed`], runs their cases (in batches when
//! the instance takes several at once), judges each against the reference, marks the known
//! failures and counts it; the results are kept in memory or appended to the journal
//! ([`super::journal`]). Then the first disagreement of each kind is handed to
//! [`super::shrinking`], and the results are sorted into a [`RunReport`].
//!
//! It must not build cases (see [`super::campaign`]), print, or write any file but through
//! the shrinking step and the journal.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use crate::conform::CheckConfig;
use crate::conform::case::Case;
use crate::conform::compare::{Judgement, judge};
use crate::conform::generated::GROUP;
use crate::conform::implementation::{Implementation, Launcher, Observed};
use crate::conform::known::{KnownFailures, KnownMarks};
use crate::conform::report::{CaseResult, RunReport, Tally};
use crate::conform::shrink::Signature;

use super::journal::Journal;

use super::shrinking::shrink_all;
use super::{CaseFeed, EnvironmentError, Progress, lock};

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
    let result = CaseResult::judged(case, name, &expected, &observed, &judgement);
    (result, judgement)
}

/// Runs `cases` through the implementation: the whole campaign, known failures, shrinking
/// and counterexample files, with every result kept in memory. An `Err` only for an
/// environment problem (the counterexample folder cannot be written, or no job could
/// start an instance).
pub fn check(
    launcher: &dyn Launcher,
    cases: &dyn CaseFeed,
    config: &CheckConfig,
    progress: &dyn Progress,
    cancel: &AtomicBool,
) -> Result<RunReport, EnvironmentError> {
    check_journaled(launcher, cases, config, progress, cancel, None)
}

/// Where a run's results go as they come (the `journal` module beside this one).
#[derive(Debug, Clone)]
pub struct JournalPlan {
    /// The report folder: the journal is written there, and sorted into its
    /// `results.jsonl` at the end.
    pub dir: PathBuf,
    /// Finish the campaign of the journal already there: its cases are not run again.
    pub resume: bool,
}

/// [`check`], and with a [`JournalPlan`] every result goes to the journal as it is judged
/// rather than into memory: the report's results are then in its folder's `results.jsonl`
/// ([`RunReport::results_file`]), and the run's memory does not grow with its size. The
/// journal is removed when the campaign is complete and kept when it was interrupted, so
/// that a later run with `resume` finishes it.
pub fn check_journaled(
    launcher: &dyn Launcher,
    cases: &dyn CaseFeed,
    config: &CheckConfig,
    progress: &dyn Progress,
    cancel: &AtomicBool,
    journal: Option<&JournalPlan>,
) -> Result<RunReport, EnvironmentError> {
    let started = Instant::now();
    let name = launcher.capabilities().name.clone();
    let total = cases.slots();
    let jobs = config.jobs.clamp(1, total.max(1));
    let known = &config.known_failures;

    // What an earlier run of this campaign journaled: counted now, and not run again.
    let mut base = Findings::new(known);
    let mut resumed = Slots::new(if journal.is_some_and(|j| j.resume) {
        total
    } else {
        0
    });
    let mut out = match journal {
        None => None,
        Some(plan) if plan.resume => {
            let mut beyond: Option<usize> = None;
            let journal = Journal::resume(&plan.dir, |mut entry| {
                if entry.slot >= total {
                    beyond.get_or_insert(entry.slot);
                    return;
                }
                if resumed.insert(entry.slot) {
                    base.add(
                        entry.slot,
                        &mut entry.result,
                        entry.signature.as_ref(),
                        known,
                    );
                }
            })?;
            if let Some(slot) = beyond {
                return Err(EnvironmentError::Io {
                    path: journal.path().display().to_string(),
                    reason: format!(
                        "slot {slot} is beyond this campaign's {total} slots: the journal is \
                         another campaign's"
                    ),
                });
            }
            Some(journal)
        }
        Some(plan) => Some(Journal::create(&plan.dir)?),
    };
    let journaling = out.is_some();
    progress.started(total);
    if journal.is_some_and(|j| j.resume) {
        progress.resumed(resumed.count());
    }

    let next = AtomicUsize::new(0);
    let shared = Mutex::new(Shared {
        kept: Vec::new(),
        journal: out.take(),
        failure: None,
    });
    let stop = AtomicBool::new(false);
    let stopped = || cancel.load(Ordering::Relaxed) || stop.load(Ordering::Relaxed);
    let start_error: Mutex<Option<EnvironmentError>> = Mutex::new(None);
    let parts: Mutex<Vec<Findings>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                let mut mine = Findings::new(known);
                let mut instance = match launcher.start() {
                    Ok(i) => i,
                    Err(e) => {
                        *lock(&start_error) = Some(e);
                        return;
                    }
                };
                let mut make = cases.worker();
                let batch = instance.batch_size().max(1);
                let mut lines: Vec<u8> = Vec::new();
                let mut judged: Vec<(usize, Box<CaseResult>)> = Vec::new();
                loop {
                    if stopped() {
                        break;
                    }
                    let chunk = chunk_size(total, next.load(Ordering::Relaxed), jobs, batch);
                    let first = next.fetch_add(chunk, Ordering::Relaxed);
                    if first >= total {
                        break;
                    }
                    let range = first..(first + chunk).min(total);
                    let mut made = make(range.clone());
                    {
                        let mut present = made.iter().map(|(i, _)| *i).peekable();
                        mine.absent += range.filter(|i| present.next_if_eq(i).is_none()).count();
                    }
                    if resumed.count() > 0 {
                        made.retain(|(i, _)| !resumed.contains(*i));
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
                            let (mut result, judgement) = judge_case(case, observed, config, &name);
                            let signature = judgement
                                .outcome
                                .is_disagreement()
                                .then(|| judgement.signature());
                            mine.add(*i, &mut result, signature.as_ref(), known);
                            progress.case_done(&result);
                            if journaling {
                                super::journal::line(&mut lines, *i, signature.as_ref(), &result);
                            } else {
                                judged.push((*i, Box::new(result)));
                            }
                        }
                        start += done;
                        if stopped() {
                            break;
                        }
                    }
                    // The chunk's results, handed over at once.
                    let mut shared = lock(&shared);
                    shared.take(&mut lines, &mut judged);
                    if shared.failure.is_some() {
                        stop.store(true, Ordering::Relaxed);
                    }
                }
                lock(&parts).push(mine);
            });
        }
    });
    let Shared {
        mut kept,
        journal: mut out,
        failure,
    } = shared.into_inner().unwrap_or_else(|p| p.into_inner());
    if let Some(e) = failure {
        return Err(e);
    }
    let mut findings = base;
    for part in parts.into_inner().unwrap_or_else(|p| p.into_inner()) {
        findings.absorb(part);
    }
    let unfinished = total - findings.absent - findings.tally.cases();
    if unfinished > 0 && !cancel.load(Ordering::Relaxed) {
        if let Some(e) = start_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
            return Err(e);
        }
    }
    let cancelled = unfinished > 0;
    // Slots that never ran count as planned (a filter might have left some out).
    let planned = total - findings.absent;

    let chosen = findings.candidates.choose(config.shrink.max_cases);
    let mut counterexamples = Vec::new();
    if !chosen.is_empty() && !cancel.load(Ordering::Relaxed) {
        progress.shrinking(chosen.len());
        counterexamples = shrink_all(launcher, cases, &chosen, config, progress, cancel)?;
    }

    let mut results_file = None;
    if let (Some(journal), Some(plan)) = (out.as_mut(), journal) {
        let path = plan.dir.join("results.jsonl");
        journal.sort_into(&path)?;
        results_file = Some(path);
    }
    if let Some(journal) = out {
        if !cancelled {
            journal.remove()?;
        }
    }
    kept.sort_unstable_by_key(|(i, _)| *i);
    let mut results: Vec<Box<CaseResult>> = kept.into_iter().map(|(_, r)| r).collect();
    sort_by_id(&mut results);
    Ok(RunReport {
        implementation: launcher.capabilities().clone(),
        command_line: launcher.command_line(),
        seed: config.seed,
        compare: config.compare.name(),
        shard: config.shard.map(|s| s.to_string()),
        planned,
        results,
        results_file,
        counterexamples,
        known_failures: config.known_failures.entries().to_vec(),
        fixed: known.fixed(&findings.marks),
        tally: findings.tally,
        cancelled,
        resumed: resumed.count(),
        elapsed_ms: started.elapsed().as_millis() as u64,
        left_out: left_out(launcher.capabilities(), config),
        notices: notices(config),
    })
}

/// What the jobs of a run share: the results kept in memory or the journal they go to.
struct Shared {
    kept: Vec<(usize, Box<CaseResult>)>,
    journal: Option<Journal>,
    /// The journal could not be written: the run stops.
    failure: Option<EnvironmentError>,
}

impl Shared {
    /// Takes a chunk's journal lines or results.
    fn take(&mut self, lines: &mut Vec<u8>, judged: &mut Vec<(usize, Box<CaseResult>)>) {
        self.kept.append(judged);
        if let Some(journal) = &mut self.journal {
            if !lines.is_empty() && self.failure.is_none() {
                if let Err(e) = journal.append(lines) {
                    self.failure = Some(e);
                }
            }
        }
        lines.clear();
    }
}

/// What part of a run found, counted as its results come: a job's cases, or what a
/// resumed journal held.
struct Findings {
    tally: Tally,
    marks: KnownMarks,
    candidates: Candidates,
    /// Slots with no case (left out by the filter or the shard).
    absent: usize,
}

impl Findings {
    fn new(known: &KnownFailures) -> Findings {
        Findings {
            tally: Tally::default(),
            marks: known.marks(),
            candidates: Candidates::default(),
            absent: 0,
        }
    }

    /// Counts one judged case (marking it when it is a known failure).
    fn add(
        &mut self,
        slot: usize,
        result: &mut CaseResult,
        signature: Option<&Signature>,
        known: &KnownFailures,
    ) {
        known.mark(result, &mut self.marks);
        self.tally.add(result);
        if let Some(signature) = signature {
            if result.is_new_failure() {
                self.candidates.add(slot, signature, &result.rule);
            }
        }
    }

    fn absorb(&mut self, other: Findings) {
        self.tally.absorb(&other.tally);
        self.marks.absorb(&other.marks);
        self.candidates.absorb(other.candidates);
        self.absent += other.absent;
    }
}

/// The disagreements that may be shrunk (those not listed as known failures): per class,
/// how many and the first; per class and case rule, the first.
#[derive(Default)]
struct Candidates {
    /// Class → (cases, first slot, that slot's case rule).
    classes: HashMap<Signature, (usize, usize, String)>,
    /// (Class, case rule) → first slot.
    pairs: HashMap<(Signature, String), usize>,
}

impl Candidates {
    fn add(&mut self, slot: usize, signature: &Signature, rule: &str) {
        match self.classes.get_mut(signature) {
            Some(class) => {
                class.0 += 1;
                if slot < class.1 {
                    class.1 = slot;
                    class.2 = rule.to_string();
                }
            }
            None => {
                self.classes
                    .insert(signature.clone(), (1, slot, rule.to_string()));
            }
        }
        let first = self
            .pairs
            .entry((signature.clone(), rule.to_string()))
            .or_insert(slot);
        *first = (*first).min(slot);
    }

    fn absorb(&mut self, other: Candidates) {
        for (signature, (count, slot, rule)) in other.classes {
            match self.classes.get_mut(&signature) {
                Some(class) => {
                    class.0 += count;
                    if slot < class.1 {
                        class.1 = slot;
                        class.2 = rule;
                    }
                }
                None => {
                    self.classes.insert(signature, (count, slot, rule));
                }
            }
        }
        for (pair, slot) in other.pairs {
            let first = self.pairs.entry(pair).or_insert(slot);
            *first = (*first).min(slot);
        }
    }

    /// Which to shrink, up to `max`: first the first disagreement of each class (outcome,
    /// libvirt's rule, differing path), the largest classes first, so that what is most
    /// often wrong has a counterexample; then, while the budget lasts, the first of each
    /// class and case rule. In campaign order.
    fn choose(&self, max: usize) -> Vec<(usize, Signature)> {
        let mut firsts: Vec<(&Signature, &(usize, usize, String))> = self.classes.iter().collect();
        // Largest class first; among equals, campaign order.
        firsts.sort_by_key(|(_, (count, slot, _))| (std::cmp::Reverse(*count), *slot));
        let mut chosen: Vec<(usize, Signature)> = Vec::new();
        let mut taken: HashSet<(&Signature, &str)> = HashSet::new();
        for (signature, (_, slot, rule)) in firsts.into_iter().take(max) {
            taken.insert((signature, rule.as_str()));
            chosen.push((*slot, signature.clone()));
        }
        let mut pairs: Vec<(&(Signature, String), &usize)> = self.pairs.iter().collect();
        pairs.sort_by_key(|(_, slot)| **slot);
        for ((signature, rule), slot) in pairs {
            if chosen.len() >= max {
                break;
            }
            if taken.insert((signature, rule.as_str())) {
                chosen.push((*slot, signature.clone()));
            }
        }
        chosen.sort_by_key(|(slot, _)| *slot);
        chosen
    }
}

/// A set of slot numbers below a bound, a bit each.
struct Slots {
    bits: Vec<u64>,
    count: usize,
}

impl Slots {
    fn new(bound: usize) -> Slots {
        Slots {
            bits: vec![0; bound.div_ceil(64)],
            count: 0,
        }
    }

    /// Adds `slot` (below the bound); false when it was there.
    fn insert(&mut self, slot: usize) -> bool {
        let (word, bit) = (slot / 64, 1u64 << (slot % 64));
        let fresh = self.bits[word] & bit == 0;
        self.bits[word] |= bit;
        self.count += usize::from(fresh);
        fresh
    }

    fn contains(&self, slot: usize) -> bool {
        self.bits
            .get(slot / 64)
            .is_some_and(|w| w & (1u64 << (slot % 64)) != 0)
    }

    fn count(&self) -> usize {
        self.count
    }
}

/// What the campaign runs without that a user may want, and how to add it.
pub(crate) fn notices(config: &CheckConfig) -> Vec<String> {
    match config.upstream {
        crate::conform::Upstream::NotFound => vec![format!(
            "running without libvirt's upstream vectors (its xml2xml test inputs), which were not found: {}",
            crate::corpus::UPSTREAM_HOW
        )],
        _ => Vec::new(),
    }
}

/// The modes and profiles asked for that the implementation's handshake leaves out.
fn left_out(
    capabilities: &crate::conform::implementation::Capabilities,
    config: &CheckConfig,
) -> Vec<String> {
    let modes = config
        .modes
        .iter()
        .filter(|m| !capabilities.modes.contains(m))
        .map(|m| format!("mode {m}"));
    let profiles = config
        .profiles
        .iter()
        .filter(|p| !capabilities.profiles.contains(p))
        .map(|p| format!("profile {p}"));
    modes.chain(profiles).collect()
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
                        class: String::new(),
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
