//! The records of a run, as written and read back: one [`CaseResult`] per case, the
//! [`ExpectedRecord`] and [`Counterexample`] of a counterexample file, the [`RunReport`] of
//! a whole run with its counts and exit status, and the [`Replay`] of one counterexample.
//!
//! Plain data and counting: nothing here renders text for people or touches the file
//! system (see [`super::folder`] for the files).

use std::collections::BTreeMap;

use crate::Rejection;
use crate::conform::case::Case;
use crate::conform::compare::{Judgement, Outcome, describe_expectation};
use crate::conform::environment::EnvironmentError;
use crate::conform::implementation::{Capabilities, Observed};
use crate::conform::known::KnownFailure;

use super::Tally;

/// The result of one case, as written to `results.jsonl`: deterministic (no timings), so
/// that runs, shards and merges can be compared line by line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CaseResult {
    /// The implementation's name.
    pub implementation: String,
    /// The case id.
    pub id: String,
    /// The rule id.
    pub rule: String,
    /// The case source.
    pub source: String,
    /// The profile (`9.0`, `11.3`).
    pub profile: String,
    /// The mode (`parse`, `align`, `internal`).
    pub mode: String,
    /// The outcome.
    pub outcome: Outcome,
    /// What libvirt does, in one line.
    pub expected: String,
    /// What the implementation did, in one line.
    pub observed: String,
    /// Why the outcome is what it is (empty when it agrees).
    pub detail: String,
    /// For wrong output, every difference by path.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<String>,
    /// The known-failure reason, when the disagreement is listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub known: Option<String>,
    /// The disagreement's class (see [`crate::conform::compare::Signature::class_name`]);
    /// empty when the case agrees.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub class: String,
}

impl CaseResult {
    /// The record of `case`, judged: what libvirt does (`expected`), what `implementation`
    /// did (`observed`) and the verdict.
    pub fn judged(
        case: &Case,
        implementation: &str,
        expected: &Result<String, Rejection>,
        observed: &Observed,
        judgement: &Judgement,
    ) -> CaseResult {
        CaseResult {
            implementation: implementation.to_string(),
            id: case.id.clone(),
            rule: case.rule.clone(),
            source: case.source.clone(),
            profile: case.profile.name().to_string(),
            mode: case.mode.name().to_string(),
            outcome: judgement.outcome,
            expected: describe_expectation(expected),
            observed: observed.summary(),
            detail: judgement.detail.clone(),
            differences: judgement
                .differences
                .iter()
                .map(|d| d.to_string())
                .collect(),
            known: None,
            class: if judgement.outcome.is_disagreement() {
                judgement.signature().class_name()
            } else {
                String::new()
            },
        }
    }

    /// A disagreement that is not a listed known failure.
    pub fn is_new_failure(&self) -> bool {
        self.outcome.is_disagreement() && self.known.is_none()
    }
}

/// The expectation as stored in a counterexample.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExpectedRecord {
    /// Whether libvirt accepts the document.
    pub accepted: bool,
    /// The canonical output, when accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xml: Option<String>,
    /// The stage, when rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// libvirt's error number, when rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i32>,
    /// libvirt's error domain, when rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<i32>,
    /// libvirt's message, when rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The catalogue id of the rule libvirt refuses the document by, when rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

impl From<&Result<String, Rejection>> for ExpectedRecord {
    fn from(expected: &Result<String, Rejection>) -> ExpectedRecord {
        match expected {
            Ok(xml) => ExpectedRecord {
                accepted: true,
                xml: Some(xml.clone()),
                stage: None,
                code: None,
                domain: None,
                message: None,
                rule: None,
            },
            Err(r) => ExpectedRecord {
                accepted: false,
                xml: None,
                stage: Some(r.stage.to_string()),
                code: Some(r.code),
                domain: Some(r.domain),
                message: Some(r.message.clone()),
                rule: r.rule_id().map(str::to_string),
            },
        }
    }
}

/// A minimal counterexample, as stored in its file: the document, what libvirt does with
/// it, what the implementation did, and the command that replays it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Counterexample {
    /// Always [`Counterexample::FORMAT`].
    pub format: String,
    /// The implementation it was found against.
    pub implementation: String,
    /// The id of the case it was shrunk from.
    pub id: String,
    /// The rule id.
    pub rule: String,
    /// The case source.
    pub source: String,
    /// The profile.
    pub profile: String,
    /// The mode.
    pub mode: String,
    /// The outcome (the same as the original case's).
    pub outcome: Outcome,
    /// The class it stands for (the original case's, which shrinking keeps).
    #[serde(default)]
    pub class: String,
    /// For wrong output, the differing path (indexes dropped) kept while shrinking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// Why it disagrees.
    pub detail: String,
    /// For wrong output, every difference.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<String>,
    /// The minimal document, when it is UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// The minimal document's bytes, when it is not UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_bytes: Option<Vec<u8>>,
    /// Lines of the minimal document.
    pub lines: usize,
    /// Lines of the original document.
    pub original_lines: usize,
    /// Bytes of the minimal document.
    #[serde(default)]
    pub bytes: usize,
    /// Bytes of the original document.
    #[serde(default)]
    pub original_bytes: usize,
    /// Implementation runs spent shrinking.
    pub steps: usize,
    /// Whether the step or time bound stopped shrinking (the document may shrink further).
    pub exhausted: bool,
    /// What libvirt does with the minimal document.
    pub expected: ExpectedRecord,
    /// What the implementation did with it.
    pub observed: Observed,
    /// The command that replays it.
    pub replay: String,
    /// Where this file is.
    pub file: String,
}

impl Counterexample {
    /// The format tag of counterexample files.
    pub const FORMAT: &'static str = "domainbackup-harness counterexample 1";

    /// The document's bytes.
    pub fn document_bytes(&self) -> Vec<u8> {
        match (&self.document, &self.document_bytes) {
            (Some(text), _) => text.as_bytes().to_vec(),
            (None, Some(bytes)) => bytes.clone(),
            (None, None) => Vec::new(),
        }
    }

    /// The case to replay.
    pub fn case(&self) -> Result<Case, EnvironmentError> {
        let bad = |what: &str| EnvironmentError::Io {
            path: self.file.clone(),
            reason: format!("not a counterexample file: {what}"),
        };
        Ok(Case {
            id: self.id.clone(),
            rule: self.rule.clone(),
            source: "counterexample".into(),
            profile: self
                .profile
                .parse()
                .map_err(|_| bad(&format!("unknown profile '{}'", self.profile)))?,
            mode: crate::Mode::from_name(&self.mode)
                .ok_or_else(|| bad(&format!("unknown mode '{}'", self.mode)))?,
            document: self.document_bytes(),
        })
    }
}

/// Everything one run (or a merge of shards of one implementation) found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RunReport {
    /// The implementation.
    pub implementation: Capabilities,
    /// How it was selected on the command line (`-- ./impl.py`, `--builtin reference`).
    pub command_line: String,
    /// The seed.
    pub seed: u64,
    /// The comparison level.
    pub compare: String,
    /// The shard, if one.
    pub shard: Option<String>,
    /// Cases in the campaign (more than the results when the run was cancelled).
    pub planned: usize,
    /// The results, sorted by case id (not in `summary.json`; see `results.jsonl`). Boxed:
    /// a campaign has tens of thousands of these records, and sorting or merging them then
    /// moves pointers, not records.
    /// Empty when the run streamed its results to a file ([`RunReport::results_file`]).
    #[serde(skip)]
    pub results: Vec<Box<CaseResult>>,
    /// The file the results are in, sorted by case id, one JSON object a line, when they
    /// are not kept in [`RunReport::results`] (a run with a report folder streams them
    /// there).
    #[serde(skip)]
    pub results_file: Option<std::path::PathBuf>,
    /// Every count of the results (read by every figure below).
    #[serde(skip)]
    pub tally: Tally,
    /// The minimal counterexamples, in campaign order.
    pub counterexamples: Vec<Counterexample>,
    /// The known-failure list the run used.
    pub known_failures: Vec<KnownFailure>,
    /// Listed failures that now agree.
    pub fixed: Vec<KnownFailure>,
    /// Whether the run was stopped before every case ran.
    pub cancelled: bool,
    /// Cases an earlier, interrupted run of the campaign ran (`check --resume`): counted,
    /// and not in `elapsed_ms`.
    #[serde(skip)]
    pub resumed: usize,
    /// Wall time, in milliseconds.
    pub elapsed_ms: u64,
    /// What was asked for and not run because the implementation does not declare it: one
    /// line each (`mode internal-align`, `profile 9.0`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<String>,
    /// What the campaign ran without and how to add it (libvirt's upstream vectors when
    /// none were found): one line each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
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

/// How `check` exits after a complete run.
pub const EXIT_AGREE: u8 = 0;
/// Some case disagrees (and is not a known failure), or with `--strict` a known failure
/// is fixed.
pub const EXIT_DISAGREE: u8 = 1;
/// Usage or environment problem.
pub const EXIT_ENVIRONMENT: u8 = 2;
/// Interrupted (Ctrl-C) with no disagreement among the cases that ran.
pub const EXIT_INTERRUPTED: u8 = 130;

/// One divergence class of a run: every new disagreement of one outcome, libvirt rule
/// and differing path, with its count and minimal counterexample.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DivergenceClass {
    /// The class's name (`false accept: parse.mode.unknown`).
    pub class: String,
    /// The outcome.
    pub outcome: Outcome,
    /// How many cases fall in it.
    pub count: usize,
    /// The case rules involved (corpus labels and catalogue ids), sorted.
    pub rules: Vec<String>,
    /// Its minimal counterexample's file, when one was shrunk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterexample: Option<String>,
}

impl RunReport {
    /// Counts [`RunReport::results`] again (after they were changed).
    pub fn recount(&mut self) {
        self.tally = Tally::of(self.results.iter().map(AsRef::as_ref));
    }

    /// Cases that ran.
    pub fn cases(&self) -> usize {
        self.tally.cases()
    }

    /// Calls `f` with each result in case-id order, from memory or from
    /// [`RunReport::results_file`]; an `Err` when that file cannot be read back.
    pub fn each_result(&self, mut f: impl FnMut(&CaseResult)) -> Result<(), EnvironmentError> {
        let Some(path) = &self.results_file else {
            self.results.iter().for_each(|r| f(r));
            return Ok(());
        };
        use std::io::BufRead as _;
        let file = std::fs::File::open(path).map_err(|e| EnvironmentError::io(path, e))?;
        let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
        let mut line = String::new();
        let mut number = 0;
        loop {
            line.clear();
            number += 1;
            let read = reader
                .read_line(&mut line)
                .map_err(|e| EnvironmentError::io(path, e))?;
            if read == 0 {
                return Ok(());
            }
            if line.trim().is_empty() {
                continue;
            }
            let result: CaseResult =
                serde_json::from_str(&line).map_err(|e| EnvironmentError::Io {
                    path: path.display().to_string(),
                    reason: format!("line {number}: {e}"),
                })?;
            f(&result);
        }
    }

    /// The run's divergence classes (listed known failures left out), the largest first,
    /// then by name.
    pub fn classes(&self) -> Vec<DivergenceClass> {
        let mut by_class: BTreeMap<&str, (Outcome, usize, std::collections::BTreeSet<&str>)> =
            BTreeMap::new();
        let counts = self.tally.counts();
        for c in counts
            .iter()
            .filter(|c| c.outcome.is_disagreement() && !c.known)
        {
            let entry = by_class
                .entry(c.class)
                .or_insert((c.outcome, 0, Default::default()));
            entry.1 += c.cases;
            entry.2.insert(c.rule);
        }
        let mut classes: Vec<DivergenceClass> = by_class
            .into_iter()
            .map(|(class, (outcome, count, rules))| DivergenceClass {
                class: class.to_string(),
                outcome,
                count,
                rules: rules.into_iter().map(str::to_string).collect(),
                counterexample: self
                    .counterexamples
                    .iter()
                    .find(|c| c.class == class)
                    .map(|c| c.file.clone()),
            })
            .collect();
        classes.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.class.cmp(&b.class)));
        classes
    }

    /// Cases per outcome.
    pub fn counts(&self) -> BTreeMap<Outcome, usize> {
        self.tally.per_outcome()
    }

    /// Cases per rule and outcome.
    pub fn rule_counts(&self) -> BTreeMap<String, BTreeMap<Outcome, usize>> {
        let mut counts: BTreeMap<String, BTreeMap<Outcome, usize>> = BTreeMap::new();
        for c in self.tally.counts() {
            let per_outcome = match counts.get_mut(c.rule) {
                Some(p) => p,
                None => counts.entry(c.rule.to_string()).or_default(),
            };
            *per_outcome.entry(c.outcome).or_insert(0) += c.cases;
        }
        counts
    }

    /// Disagreements that are not known failures.
    pub fn new_failures(&self) -> usize {
        self.tally
            .counts()
            .iter()
            .filter(|c| c.outcome.is_disagreement() && !c.known)
            .map(|c| c.cases)
            .sum()
    }

    /// The exit status: 1 for a new failure (or, with `strict`, a fixed known failure or
    /// an accepted invalid document), 130 when interrupted without either, else 0.
    pub fn exit_status(&self, strict: bool) -> u8 {
        let accepted_invalid = || self.counts().contains_key(&Outcome::AcceptedInvalid);
        if self.new_failures() > 0 || (strict && (!self.fixed.is_empty() || accepted_invalid())) {
            EXIT_DISAGREE
        } else if self.cancelled {
            EXIT_INTERRUPTED
        } else {
            EXIT_AGREE
        }
    }

    /// Cases per second (of those this run ran).
    pub fn throughput(&self) -> f64 {
        if self.elapsed_ms == 0 {
            return 0.0;
        }
        self.cases().saturating_sub(self.resumed) as f64 * 1000.0 / self.elapsed_ms as f64
    }
}
