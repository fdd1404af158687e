//! Combining runs: the shards of one implementation become one run (the same results as
//! an unsharded run), different implementations stay separate and become the columns of
//! the HTML matrix.
//!
//! It must not render anything; reading the folders it merges is [`super::folder`]'s job.

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::conform::environment::EnvironmentError;
use crate::conform::known::KnownFailures;

use super::{RunReport, read_report_dir};

/// Merges runs: those of one implementation (shards) become one run, with the union of
/// their results (sorted by case id, known failures re-applied over the union); different
/// implementations stay separate, in first-seen order.
pub fn merge(runs: Vec<RunReport>) -> Vec<RunReport> {
    let mut merged: Vec<RunReport> = Vec::new();
    for run in runs {
        match merged
            .iter_mut()
            .find(|m| m.implementation.name == run.implementation.name)
        {
            None => merged.push(RunReport { shard: None, ..run }),
            Some(m) => {
                m.planned += run.planned;
                m.elapsed_ms += run.elapsed_ms;
                m.cancelled |= run.cancelled;
                m.results.extend(run.results);
                for c in run.counterexamples {
                    if !m.counterexamples.iter().any(|x| x.id == c.id) {
                        m.counterexamples.push(c);
                    }
                }
                for k in run.known_failures {
                    if !m.known_failures.iter().any(|x| x.key == k.key) {
                        m.known_failures.push(k);
                    }
                }
            }
        }
    }
    for m in &mut merged {
        m.results.sort_by(|a, b| a.id.cmp(&b.id));
        m.results.dedup_by(|a, b| a.id == b.id);
        let mut text = String::new();
        for k in &m.known_failures {
            let _ = writeln!(text, "{} {}", k.key, k.reason);
        }
        if let Ok(known) = KnownFailures::parse(&text, "merged") {
            m.fixed = known.apply(&mut m.results);
        }
        m.recount();
    }
    merged
}

/// Reads several report folders and merges them (see [`merge`]).
pub fn merge_dirs(dirs: &[PathBuf]) -> Result<Vec<RunReport>, EnvironmentError> {
    let mut runs = Vec::new();
    for dir in dirs {
        runs.extend(read_report_dir(dir)?);
    }
    Ok(merge(runs))
}
