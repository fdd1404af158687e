//! What a run found, for people and machines: the terminal summary (counts per outcome and
//! per rule, then the first minimal counterexamples in full, each with its replay command),
//! and a report folder with the results as JSON lines (`results.jsonl`), JUnit XML
//! (`junit.xml`), a static HTML page (`index.html`: a matrix of rule ids × outcomes, or
//! rule ids × implementations when several runs are merged), the run's summary
//! (`summary.json`) and the counterexample files (`counterexamples/`).
//!
//! [`merge`] combines report folders: shards of one implementation become one run (the
//! same results as an unsharded run); different implementations become columns. Nothing
//! here prints; the rendering functions return text.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::Rejection;

use super::case::Case;
use super::compare::Outcome;
use super::environment::EnvironmentError;
use super::implementation::{Capabilities, Observed};
use super::known::{KnownFailure, KnownFailures};

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
}

impl CaseResult {
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
            },
            Err(r) => ExpectedRecord {
                accepted: false,
                xml: None,
                stage: Some(r.stage.to_string()),
                code: Some(r.code),
                domain: Some(r.domain),
                message: Some(r.message.clone()),
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

    /// Writes the file (pretty JSON).
    pub fn write(&self, path: &Path) -> Result<(), EnvironmentError> {
        let text = serde_json::to_string_pretty(self).map_err(|e| EnvironmentError::io(path, e))?;
        std::fs::write(path, text + "\n").map_err(|e| EnvironmentError::io(path, e))
    }

    /// Reads a file written by [`Counterexample::write`].
    pub fn read(path: &Path) -> Result<Counterexample, EnvironmentError> {
        let text = std::fs::read(path).map_err(|e| EnvironmentError::io(path, e))?;
        let mut c: Counterexample =
            serde_json::from_slice(&text).map_err(|e| EnvironmentError::Io {
                path: path.display().to_string(),
                reason: format!("not a counterexample file: {e}"),
            })?;
        if c.format != Counterexample::FORMAT {
            return Err(EnvironmentError::Io {
                path: path.display().to_string(),
                reason: format!("unknown counterexample format '{}'", c.format),
            });
        }
        c.file = path.display().to_string();
        Ok(c)
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
    #[serde(skip)]
    pub results: Vec<Box<CaseResult>>,
    /// The minimal counterexamples, in campaign order.
    pub counterexamples: Vec<Counterexample>,
    /// The known-failure list the run used.
    pub known_failures: Vec<KnownFailure>,
    /// Listed failures that now agree.
    pub fixed: Vec<KnownFailure>,
    /// Whether the run was stopped before every case ran.
    pub cancelled: bool,
    /// Wall time, in milliseconds.
    pub elapsed_ms: u64,
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

impl RunReport {
    /// Cases per outcome.
    pub fn counts(&self) -> BTreeMap<Outcome, usize> {
        let mut counts = BTreeMap::new();
        for r in &self.results {
            *counts.entry(r.outcome).or_insert(0) += 1;
        }
        counts
    }

    /// Cases per rule and outcome.
    pub fn rule_counts(&self) -> BTreeMap<String, BTreeMap<Outcome, usize>> {
        // Counted in a hash map by borrowed name (a campaign has tens of thousands of
        // results and a few hundred rules), then ordered.
        let mut counts: std::collections::HashMap<&str, BTreeMap<Outcome, usize>> =
            std::collections::HashMap::new();
        for r in &self.results {
            *counts
                .entry(r.rule.as_str())
                .or_default()
                .entry(r.outcome)
                .or_insert(0) += 1;
        }
        counts
            .into_iter()
            .map(|(rule, per_outcome)| (rule.to_string(), per_outcome))
            .collect()
    }

    /// Disagreements that are not known failures.
    pub fn new_failures(&self) -> usize {
        self.results.iter().filter(|r| r.is_new_failure()).count()
    }

    /// The exit status: 1 for a new failure (or, with `strict`, a fixed known failure),
    /// 130 when interrupted without either, else 0.
    pub fn exit_status(&self, strict: bool) -> u8 {
        if self.new_failures() > 0 || (strict && !self.fixed.is_empty()) {
            EXIT_DISAGREE
        } else if self.cancelled {
            EXIT_INTERRUPTED
        } else {
            EXIT_AGREE
        }
    }

    /// Cases per second.
    pub fn throughput(&self) -> f64 {
        if self.elapsed_ms == 0 {
            return 0.0;
        }
        self.results.len() as f64 * 1000.0 / self.elapsed_ms as f64
    }
}

/// The terminal summary: counts per outcome, per rule for the rules with disagreements (the
/// HTML report has every rule), known failures fixed, then the first `max_examples`
/// counterexamples in full with their replay commands.
pub fn terminal_summary(report: &RunReport, max_examples: usize) -> String {
    let mut out = String::new();
    let caps = &report.implementation;
    let _ = writeln!(
        out,
        "{}{}: {} cases in {:.1} s ({:.0} cases/s), seed {}, compare {}{}",
        caps.name,
        if caps.version.is_empty() {
            String::new()
        } else {
            format!(" {}", caps.version)
        },
        report.results.len(),
        report.elapsed_ms as f64 / 1000.0,
        report.throughput(),
        report.seed,
        report.compare,
        report
            .shard
            .as_ref()
            .map_or(String::new(), |s| format!(", shard {s}")),
    );
    if report.cancelled {
        let _ = writeln!(
            out,
            "interrupted: {} of {} cases ran",
            report.results.len(),
            report.planned
        );
    }
    let counts = report.counts();
    for outcome in Outcome::ALL {
        if let Some(n) = counts.get(&outcome) {
            let known = report
                .results
                .iter()
                .filter(|r| r.outcome == outcome && r.known.is_some())
                .count();
            let note = if known > 0 {
                format!("  ({known} known)")
            } else {
                String::new()
            };
            let _ = writeln!(out, "  {:<15} {n:>6}{note}", outcome.name());
        }
    }
    let rules = report.rule_counts();
    let disagreeing: Vec<_> = rules
        .iter()
        .filter(|(_, c)| c.keys().any(|o| o.is_disagreement()))
        .collect();
    let _ = writeln!(
        out,
        "\nper rule: {} rules, {} with disagreements{}",
        rules.len(),
        disagreeing.len(),
        if disagreeing.is_empty() { "" } else { ":" }
    );
    for (rule, c) in &disagreeing {
        let cells: Vec<String> = Outcome::ALL
            .iter()
            .filter_map(|o| c.get(o).map(|n| format!("{} {n}", o.name())))
            .collect();
        let _ = writeln!(out, "  {rule:<24} {}", cells.join(", "));
    }
    if !report.fixed.is_empty() {
        let _ = writeln!(out, "\nknown failures that now agree (fixed):");
        for f in &report.fixed {
            let _ = writeln!(out, "  {} ({})", f.key, f.reason);
        }
    }
    let shown: Vec<&Counterexample> = report.counterexamples.iter().take(max_examples).collect();
    if !shown.is_empty() {
        let _ = writeln!(
            out,
            "\nminimal counterexamples ({} of {}):",
            shown.len(),
            report.counterexamples.len()
        );
    }
    for c in shown {
        let _ = writeln!(
            out,
            "\n── {} ({}, {}/{})",
            c.outcome, c.id, c.profile, c.mode
        );
        let _ = writeln!(out, "   {}", c.detail);
        let _ = writeln!(
            out,
            "   document ({} lines, shrunk from {} in {} steps{}):",
            c.lines,
            c.original_lines,
            c.steps,
            if c.exhausted { ", bound reached" } else { "" }
        );
        let doc = String::from_utf8_lossy(&c.document_bytes()).into_owned();
        for line in doc.lines() {
            let _ = writeln!(out, "     {line}");
        }
        match (&c.expected.accepted, &c.expected.xml) {
            (true, Some(xml)) => {
                let _ = writeln!(out, "   libvirt: accepted");
                for line in xml.lines() {
                    let _ = writeln!(out, "     {line}");
                }
            }
            _ => {
                let _ = writeln!(
                    out,
                    "   libvirt: rejected stage={} code={}: {}",
                    c.expected.stage.as_deref().unwrap_or("?"),
                    c.expected.code.unwrap_or(0),
                    c.expected
                        .message
                        .as_deref()
                        .unwrap_or("")
                        .replace('\n', "\\n")
                );
            }
        }
        let _ = writeln!(out, "   implementation: {}", c.observed.summary());
        if let Observed::Accepted { output } = &c.observed {
            for line in output.lines().take(40) {
                let _ = writeln!(out, "     {line}");
            }
        }
        let _ = writeln!(out, "   replay: {}", c.replay);
    }
    let new = report.new_failures();
    let _ = writeln!(
        out,
        "\n{}",
        if new == 0 {
            format!(
                "no new disagreement ({} agree, {} known failures, {} skipped)",
                counts.get(&Outcome::Agree).unwrap_or(&0),
                report.results.iter().filter(|r| r.known.is_some()).count(),
                counts.get(&Outcome::Skipped).unwrap_or(&0)
            )
        } else {
            format!("{new} disagreements with libvirt")
        }
    );
    out
}

/// `results.jsonl`: one JSON object per case, sorted by implementation then case id.
pub fn results_jsonl(reports: &[RunReport]) -> String {
    let mut all: Vec<&CaseResult> = reports
        .iter()
        .flat_map(|r| r.results.iter().map(AsRef::as_ref))
        .collect();
    all.sort_by(|a, b| (&a.implementation, &a.id).cmp(&(&b.implementation, &b.id)));
    let mut out = String::new();
    for r in all {
        // Serializing plain strings and enums cannot fail.
        if let Ok(line) = serde_json::to_string(r) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// `junit.xml`: one test suite per implementation, one test case per case; disagreements
/// are failures, known failures and skipped cases are skipped.
pub fn junit_xml(reports: &[RunReport]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    for report in reports {
        let failures = report.new_failures();
        let skipped = report
            .results
            .iter()
            .filter(|r| r.outcome == Outcome::Skipped || r.known.is_some())
            .count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\" time=\"{:.3}\">",
            xml_escape(&report.implementation.name),
            report.results.len(),
            report.elapsed_ms as f64 / 1000.0
        );
        for r in &report.results {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\"",
                xml_escape(&r.rule),
                xml_escape(&r.id)
            );
            if let Some(reason) = &r.known {
                let _ = writeln!(
                    out,
                    "><skipped message=\"known failure: {}\"/></testcase>",
                    xml_escape(reason)
                );
            } else if r.outcome == Outcome::Skipped {
                let _ = writeln!(
                    out,
                    "><skipped message=\"{}\"/></testcase>",
                    xml_escape(&r.detail)
                );
            } else if r.outcome.is_disagreement() {
                let mut body = format!("expected: {}\ngot: {}\n", r.expected, r.observed);
                for d in &r.differences {
                    body.push_str(d);
                    body.push('\n');
                }
                let _ = writeln!(
                    out,
                    "><failure type=\"{}\" message=\"{}\">{}</failure></testcase>",
                    r.outcome.key(),
                    xml_escape(&r.detail),
                    xml_escape(&body)
                );
            } else {
                out.push_str("/>\n");
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn outcome_color(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Agree => "#d8f0d8",
        Outcome::Skipped => "#eeeeee",
        Outcome::WrongOutput | Outcome::WrongError => "#fbe3b0",
        _ => "#f6c0c0",
    }
}

/// `index.html`: a static page. One implementation: a matrix of rule ids × outcomes.
/// Several: rule ids × implementations (agreeing cases of all cases, coloured by the worst
/// outcome, every outcome count in the cell's title). Then each implementation's
/// counterexamples and disagreements.
pub fn html_page(reports: &[RunReport]) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n\
         <title>domainbackup-harness conformance</title>\n<style>\n\
         body{font-family:system-ui,sans-serif;margin:2em;color:#222}\n\
         table{border-collapse:collapse;margin:1em 0}\n\
         th,td{border:1px solid #bbb;padding:.25em .6em;text-align:right}\n\
         th{background:#f4f4f4}td.rule,th.rule{text-align:left;font-family:monospace}\n\
         pre{background:#f7f7f7;padding:.6em;overflow:auto;border:1px solid #ddd}\n\
         .bad{color:#a00}.ok{color:#070}\n</style></head><body>\n\
         <h1>domainbackup-harness conformance</h1>\n",
    );
    // Totals: outcomes × implementations.
    out.push_str("<h2>Outcomes</h2>\n<table><tr><th class=\"rule\">outcome</th>");
    for r in reports {
        let _ = write!(
            out,
            "<th>{}<br><small>{} cases, seed {}, {}</small></th>",
            xml_escape(&r.implementation.name),
            r.results.len(),
            r.seed,
            xml_escape(&r.compare)
        );
    }
    out.push_str("</tr>\n");
    let counts: Vec<_> = reports.iter().map(RunReport::counts).collect();
    for outcome in Outcome::ALL {
        let _ = write!(out, "<tr><td class=\"rule\">{}</td>", outcome.name());
        for c in &counts {
            let n = c.get(&outcome).copied().unwrap_or(0);
            let style = if n > 0 {
                format!(" style=\"background:{}\"", outcome_color(outcome))
            } else {
                String::new()
            };
            let _ = write!(out, "<td{style}>{n}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");

    // Each run's counts per rule, once; the rules of all runs, in order.
    let per: Vec<_> = reports.iter().map(RunReport::rule_counts).collect();
    let rules: BTreeSet<&str> = per
        .iter()
        .flat_map(|c| c.keys().map(String::as_str))
        .collect();
    if let [per_rule] = per.as_slice() {
        out.push_str("<h2>Rules × outcomes</h2>\n<table><tr><th class=\"rule\">rule</th>");
        for o in Outcome::ALL {
            let _ = write!(out, "<th>{}</th>", o.name());
        }
        out.push_str("</tr>\n");
        for &rule in &rules {
            let _ = write!(out, "<tr><td class=\"rule\">{}</td>", xml_escape(rule));
            for o in Outcome::ALL {
                let n = per_rule
                    .get(rule)
                    .and_then(|c| c.get(&o))
                    .copied()
                    .unwrap_or(0);
                if n > 0 {
                    let _ = write!(
                        out,
                        "<td style=\"background:{}\">{n}</td>",
                        outcome_color(o)
                    );
                } else {
                    out.push_str("<td></td>");
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
    } else {
        out.push_str("<h2>Rules × implementations</h2>\n<table><tr><th class=\"rule\">rule</th>");
        for r in reports {
            let _ = write!(out, "<th>{}</th>", xml_escape(&r.implementation.name));
        }
        out.push_str("</tr>\n");
        for &rule in &rules {
            let _ = write!(out, "<tr><td class=\"rule\">{}</td>", xml_escape(rule));
            for c in &per {
                match c.get(rule) {
                    None => out.push_str("<td></td>"),
                    Some(c) => {
                        let total: usize = c.values().sum();
                        let agree = c.get(&Outcome::Agree).copied().unwrap_or(0);
                        let worst = c
                            .keys()
                            .copied()
                            .filter(|o| o.is_disagreement())
                            .min()
                            .unwrap_or(if agree > 0 {
                                Outcome::Agree
                            } else {
                                Outcome::Skipped
                            });
                        let title: Vec<String> =
                            c.iter().map(|(o, n)| format!("{} {n}", o.name())).collect();
                        let _ = write!(
                            out,
                            "<td style=\"background:{}\" title=\"{}\">{agree}/{total}</td>",
                            outcome_color(worst),
                            xml_escape(&title.join(", "))
                        );
                    }
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
    }

    for report in reports {
        let name = xml_escape(&report.implementation.name);
        if !report.fixed.is_empty() {
            let _ = writeln!(out, "<h2>{name}: known failures that now agree</h2>\n<ul>");
            for f in &report.fixed {
                let _ = writeln!(
                    out,
                    "<li><code>{}</code> {}</li>",
                    xml_escape(&f.key),
                    xml_escape(&f.reason)
                );
            }
            out.push_str("</ul>\n");
        }
        if !report.counterexamples.is_empty() {
            let _ = writeln!(out, "<h2>{name}: minimal counterexamples</h2>");
            for c in &report.counterexamples {
                let _ = writeln!(
                    out,
                    "<h3 class=\"bad\">{} — <code>{}</code></h3>\n<p>{}</p>\n<pre>{}</pre>\n\
                     <p>libvirt: {}</p><p>implementation: {}</p><p>replay: <code>{}</code></p>",
                    c.outcome.name(),
                    xml_escape(&c.id),
                    xml_escape(&c.detail),
                    xml_escape(&String::from_utf8_lossy(&c.document_bytes())),
                    if c.expected.accepted {
                        "accepted".to_string()
                    } else {
                        xml_escape(&format!(
                            "rejected stage={} code={}",
                            c.expected.stage.as_deref().unwrap_or("?"),
                            c.expected.code.unwrap_or(0)
                        ))
                    },
                    xml_escape(&c.observed.summary()),
                    xml_escape(&c.replay)
                );
            }
        }
        let bad: Vec<&CaseResult> = report
            .results
            .iter()
            .map(AsRef::as_ref)
            .filter(|r| r.outcome.is_disagreement())
            .collect();
        if !bad.is_empty() {
            let _ = writeln!(
                out,
                "<h2>{name}: disagreements ({})</h2>\n<table><tr><th class=\"rule\">case</th>\
                 <th class=\"rule\">outcome</th><th class=\"rule\">detail</th></tr>",
                bad.len()
            );
            for r in bad.iter().take(500) {
                let _ = writeln!(
                    out,
                    "<tr><td class=\"rule\">{}</td><td class=\"rule\" style=\"background:{}\">{}{}</td><td class=\"rule\">{}</td></tr>",
                    xml_escape(&r.id),
                    outcome_color(r.outcome),
                    r.outcome.name(),
                    if r.known.is_some() { " (known)" } else { "" },
                    xml_escape(&r.detail)
                );
            }
            out.push_str("</table>\n");
        }
    }
    out.push_str("</body></html>\n");
    out
}

/// Writes a report folder: `results.jsonl`, `summary.json`, `junit.xml`, `index.html`
/// (counterexample files are written by the run itself, under `counterexamples/`).
pub fn write_report_dir(dir: &Path, reports: &[RunReport]) -> Result<(), EnvironmentError> {
    std::fs::create_dir_all(dir).map_err(|e| EnvironmentError::io(dir, e))?;
    let write = |name: &str, text: String| {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| EnvironmentError::io(&path, e))
    };
    write("results.jsonl", results_jsonl(reports))?;
    let summary =
        serde_json::to_string_pretty(reports).map_err(|e| EnvironmentError::io(dir, e))?;
    write("summary.json", summary + "\n")?;
    write("junit.xml", junit_xml(reports))?;
    write("index.html", html_page(reports))?;
    Ok(())
}

/// Reads a report folder written by [`write_report_dir`].
pub fn read_report_dir(dir: &Path) -> Result<Vec<RunReport>, EnvironmentError> {
    let summary_path = dir.join("summary.json");
    let text = std::fs::read(&summary_path).map_err(|e| EnvironmentError::io(&summary_path, e))?;
    let mut reports: Vec<RunReport> =
        serde_json::from_slice(&text).map_err(|e| EnvironmentError::io(&summary_path, e))?;
    let results_path = dir.join("results.jsonl");
    let text = std::fs::read_to_string(&results_path)
        .map_err(|e| EnvironmentError::io(&results_path, e))?;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let result: CaseResult = serde_json::from_str(line).map_err(|e| EnvironmentError::Io {
            path: results_path.display().to_string(),
            reason: format!("line {}: {e}", i + 1),
        })?;
        match reports
            .iter_mut()
            .find(|r| r.implementation.name == result.implementation)
        {
            Some(report) => report.results.push(Box::new(result)),
            None => {
                return Err(EnvironmentError::Io {
                    path: results_path.display().to_string(),
                    reason: format!(
                        "line {}: implementation '{}' is not in summary.json",
                        i + 1,
                        result.implementation
                    ),
                });
            }
        }
    }
    Ok(reports)
}

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

/// What `check --replay` prints.
pub fn replay_summary(replay: &Replay) -> String {
    let mut out = String::new();
    let r = &replay.result;
    let c = &replay.counterexample;
    let _ = writeln!(
        out,
        "{} ({}/{}), stored as {}: now {}",
        c.id, c.profile, c.mode, c.outcome, r.outcome
    );
    let doc = String::from_utf8_lossy(&c.document_bytes()).into_owned();
    for line in doc.lines() {
        let _ = writeln!(out, "  {line}");
    }
    let _ = writeln!(out, "libvirt: {}", r.expected);
    let _ = writeln!(out, "implementation: {}", r.observed);
    if let Observed::Accepted { output } = &replay.observed {
        for line in output.lines().take(40) {
            let _ = writeln!(out, "  {line}");
        }
    }
    if !r.detail.is_empty() {
        let _ = writeln!(out, "{}", r.detail);
    }
    for d in r.differences.iter().skip(1) {
        let _ = writeln!(out, "{d}");
    }
    if let Some(reason) = &r.known {
        let _ = writeln!(out, "known failure: {reason}");
    }
    out
}
