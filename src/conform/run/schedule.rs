//! Running a campaign over parallel jobs: each job starts its own implementation
//! instance, takes chunks of slots from the [`CaseFeed`], runs their cases (in batches when
//! the instance takes several at once) and judges each against the reference; then the
//! first disagreement of each kind is handed to [`super::shrinking`], and the results are
//! sorted and matched against the known-failure list into a [`RunReport`].
//!
//! It must not build cases (see [`super::campaign`]), print, or write any file but through
//! the shrinking step.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use crate::conform::CheckConfig;
use crate::conform::case::Case;
use crate::conform::compare::{Judgement, judge};
use crate::conform::generated::GROUP;
use crate::conform::implementation::{Implementation, Launcher, Observed};
use crate::conform::report::{CaseResult, RunReport};
use crate::conform::shrink::Signature;

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

    // Shrink, up to the limit: first the first disagreement of each class (outcome,
    // libvirt's rule, differing path), the largest classes first, so that what is most
    // often wrong has a counterexample; then, while the budget lasts, the first of each
    // class and case rule. Counterexamples come out in campaign order.
    let unlisted: Vec<(usize, &Signature, &str)> = slots
        .iter()
        .enumerate()
        .filter_map(|(i, slot)| match slot {
            Slot::Done(result, signature)
                if result.outcome.is_disagreement()
                    && config
                        .known_failures
                        .lookup(&result.id, &result.rule)
                        .is_none() =>
            {
                Some((i, signature, result.rule.as_str()))
            }
            _ => None,
        })
        .collect();
    let mut sizes: std::collections::HashMap<&Signature, usize> = std::collections::HashMap::new();
    for &(_, signature, _) in &unlisted {
        *sizes.entry(signature).or_insert(0) += 1;
    }
    let mut firsts: Vec<(usize, &Signature, &str)> = Vec::new();
    let mut classes = std::collections::HashSet::new();
    for &(i, signature, rule) in &unlisted {
        if classes.insert(signature) {
            firsts.push((i, signature, rule));
        }
    }
    // Largest class first; among equals, campaign order (the sort is stable).
    firsts.sort_by_key(|&(_, signature, _)| std::cmp::Reverse(sizes[signature]));
    let mut chosen: Vec<(usize, Signature)> = Vec::new();
    let mut pairs = std::collections::HashSet::new();
    for &(i, signature, rule) in firsts.iter().take(config.shrink.max_cases) {
        pairs.insert((signature, rule));
        chosen.push((i, signature.clone()));
    }
    for &(i, signature, rule) in &unlisted {
        if chosen.len() < config.shrink.max_cases && pairs.insert((signature, rule)) {
            chosen.push((i, signature.clone()));
        }
    }
    chosen.sort_by_key(|(i, _)| *i);
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
        left_out: left_out(launcher.capabilities(), config),
        notices: notices(config),
    })
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
