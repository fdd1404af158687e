//! Shrinking a run's chosen disagreements over parallel jobs, each with its own
//! implementation instance: every chosen case is cut down by [`crate::conform::shrink`]
//! and written as a counterexample file (with the command that replays it) under
//! `counterexamples/` of the counterexample folder.
//!
//! It must not choose which disagreements to shrink ([`super::schedule`] does) nor judge
//! whole campaigns.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::conform::CheckConfig;
use crate::conform::implementation::Launcher;
use crate::conform::report::{Counterexample, ExpectedRecord};
use crate::conform::shrink::{Signature, line_count, shrink};

use super::{CaseFeed, EnvironmentError, Progress, lock, replay_command};

/// Shrinks the disagreements of `chosen` (slot and signature, in campaign order) and writes
/// their counterexample files; the counterexamples come back in the order of `chosen`.
pub(super) fn shrink_all(
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
                        class: signature.class_name(),
                        signature: signature.path.clone(),
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
                        bytes: shrunk.document.len(),
                        original_bytes: case.document.len(),
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
    // Two cases that shrink to the same document are one counterexample: the first is kept,
    // the file of the other removed.
    let mut documents = std::collections::HashSet::new();
    let mut kept = Vec::with_capacity(done.len());
    for (_, counterexample) in done {
        if documents.insert(counterexample.document_bytes()) {
            kept.push(counterexample);
        } else {
            let _ = std::fs::remove_file(&counterexample.file);
        }
    }
    Ok(kept)
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
