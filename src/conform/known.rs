//! Known-failure lists: failures that are listed (with a reason) do not fail a run, and a
//! listed failure that now agrees is reported as fixed.
//!
//! The file has one entry a line: a case id or a rule id, whitespace, then the reason.
//! Blank lines and lines starting with `#` are ignored.
//!
//! ```text
//! # implementation X, checked 2025-01-01
//! B6                                       ports are parsed with strtol, which skips spaces
//! corpus/grammar.push.plain@9.0/parse      9.0 schema not implemented
//! ```

use std::borrow::{Borrow, BorrowMut};
use std::fmt::Write as _;
use std::path::Path;

use super::report::CaseResult;

/// One listed failure.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KnownFailure {
    /// A case id or a rule id.
    pub key: String,
    /// Why it fails.
    pub reason: String,
    /// The line in the file (1-based).
    pub line: usize,
}

/// A known-failure list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnownFailures {
    entries: Vec<KnownFailure>,
}

/// A line that is not `ID REASON`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct KnownFailuresError {
    /// The file.
    pub file: String,
    /// The line (1-based).
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

impl KnownFailures {
    /// Reads a list from `text` (`file` names it in errors).
    pub fn parse(text: &str, file: &str) -> Result<KnownFailures, KnownFailuresError> {
        let mut entries: Vec<KnownFailure> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line_no = i + 1;
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let (key, reason) = match trimmed.split_once(char::is_whitespace) {
                Some((k, r)) => (k, r.trim()),
                None => (trimmed, ""),
            };
            if reason.is_empty() {
                return Err(KnownFailuresError {
                    file: file.into(),
                    line: line_no,
                    reason: format!("'{key}' has no reason (write: ID REASON)"),
                });
            }
            if let Some(earlier) = entries.iter().find(|e| e.key == key) {
                return Err(KnownFailuresError {
                    file: file.into(),
                    line: line_no,
                    reason: format!("'{key}' is already listed on line {}", earlier.line),
                });
            }
            entries.push(KnownFailure {
                key: key.to_string(),
                reason: reason.to_string(),
                line: line_no,
            });
        }
        Ok(KnownFailures { entries })
    }

    /// Reads a list from a file.
    pub fn load(path: &Path) -> Result<KnownFailures, KnownFailuresError> {
        let text = std::fs::read_to_string(path).map_err(|e| KnownFailuresError {
            file: path.display().to_string(),
            line: 0,
            reason: format!("cannot read: {e}"),
        })?;
        KnownFailures::parse(&text, &path.display().to_string())
    }

    /// The entries, in file order.
    pub fn entries(&self) -> &[KnownFailure] {
        &self.entries
    }

    /// The entry covering a case (its id first, then its rule).
    pub fn lookup(&self, case_id: &str, rule: &str) -> Option<&KnownFailure> {
        self.entries
            .iter()
            .find(|e| e.key == case_id)
            .or_else(|| self.entries.iter().find(|e| e.key == rule))
    }

    /// Marks each disagreeing result that is listed (sets its `known` reason) and returns
    /// the entries that are fixed: they cover at least one case of this run and every case
    /// they cover agrees.
    pub fn apply<R: BorrowMut<CaseResult>>(&self, results: &mut [R]) -> Vec<KnownFailure> {
        let mut marks = self.marks();
        for result in results.iter_mut() {
            self.mark(result.borrow_mut(), &mut marks);
        }
        self.fixed(&marks)
    }

    /// What [`KnownFailures::mark`] has seen of each entry, none yet.
    pub fn marks(&self) -> KnownMarks {
        KnownMarks {
            covered: vec![false; self.entries.len()],
            failing: vec![false; self.entries.len()],
        }
    }

    /// [`KnownFailures::apply`] for one result, as a run judges it: sets (or clears) its
    /// `known` reason and notes in `marks` what its entry covers.
    pub fn mark(&self, result: &mut CaseResult, marks: &mut KnownMarks) {
        result.known = None;
        let Some(entry) = self.lookup(&result.id, &result.rule) else {
            return;
        };
        let index = self
            .entries
            .iter()
            .position(|e| e.key == entry.key)
            .unwrap_or(0);
        if result.outcome == super::Outcome::Skipped {
            return;
        }
        marks.covered[index] = true;
        if result.outcome.is_disagreement() {
            marks.failing[index] = true;
            result.known = Some(entry.reason.clone());
        }
    }

    /// The entries that are fixed by what `marks` saw.
    pub fn fixed(&self, marks: &KnownMarks) -> Vec<KnownFailure> {
        self.entries
            .iter()
            .enumerate()
            .filter(|(i, _)| marks.covered[*i] && !marks.failing[*i])
            .map(|(_, e)| e.clone())
            .collect()
    }
}

/// What a run's results showed of each known-failure entry (see [`KnownFailures::mark`]).
#[derive(Debug, Clone, Default)]
pub struct KnownMarks {
    covered: Vec<bool>,
    failing: Vec<bool>,
}

impl KnownMarks {
    /// Adds what another part of the run saw (the jobs of a run mark their own results).
    pub fn absorb(&mut self, other: &KnownMarks) {
        for (mine, theirs) in [
            (&mut self.covered, &other.covered),
            (&mut self.failing, &other.failing),
        ] {
            if mine.len() < theirs.len() {
                mine.resize(theirs.len(), false);
            }
            for (m, t) in mine.iter_mut().zip(theirs) {
                *m |= *t;
            }
        }
    }
}

/// The current failures in the known-failures format: one line per disagreeing case,
/// with its outcome and detail as the reason.
pub fn write_known_failures<R: Borrow<CaseResult>>(results: &[R]) -> String {
    let mut out = String::from(KNOWN_FAILURES_HEADER);
    for r in results.iter().map(Borrow::borrow) {
        if let Some(line) = known_failure_line(r) {
            out.push_str(&line);
        }
    }
    out
}

/// The first lines of a file [`write_known_failures`] writes.
pub const KNOWN_FAILURES_HEADER: &str = "# known failures written by domainbackup-harness check --write-known-failures\n\
     # one entry a line: CASE-ID-or-RULE-ID REASON\n";

/// The line of [`write_known_failures`] for one result (with its newline), when it
/// disagrees.
pub fn known_failure_line(r: &CaseResult) -> Option<String> {
    if !r.outcome.is_disagreement() {
        return None;
    }
    let detail = r.detail.replace(['\n', '\r'], " ");
    let detail: String = detail.chars().take(200).collect();
    let mut line = String::new();
    let _ = writeln!(line, "{} {}: {}", r.id, r.outcome, detail.trim());
    Some(line)
}
