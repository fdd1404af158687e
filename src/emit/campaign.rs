//! An emitter campaign: the intents of [`super::generate`] put to one emitter process,
//! each answer judged ([`super::judge`]), the first disagreement of every class shrunk to a
//! minimal intent ([`super::shrink`]), and a summary that says, per class, what was asked,
//! what the emitter wrote and what libvirt makes of it.
//!
//! Library code: it returns the report and prints nothing.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::Profile;
use crate::conform::compare::{one_line, show_controls, without_indexes};

use super::generate::IntentSource;
use super::intent::BackupIntent;
use super::judge::{Answer, EmitJudgement, EmitOutcome, Expectation, expect, judge, path_steps};
use super::protocol::{EmitterCapabilities, EmitterProcess};
use super::shrink::{self, Trial};

/// What an emitter campaign is run with. [`EmitCheckConfig::default`] gives the command
/// line's defaults.
#[derive(Debug, Clone)]
pub struct EmitCheckConfig {
    /// Seed of every choice. Default 0.
    pub seed: u64,
    /// How many intents. Default 600.
    pub cases: usize,
    /// The libvirt versions (none: every one the emitter declares). Default none.
    pub profiles: Vec<Profile>,
    /// The most candidates tried while shrinking one class's counterexample. Default 400.
    pub shrink_budget: usize,
}

impl Default for EmitCheckConfig {
    fn default() -> Self {
        EmitCheckConfig {
            seed: 0,
            cases: 600,
            profiles: Vec::new(),
            shrink_budget: 400,
        }
    }
}

/// The most candidates tried while shrinking a timeout, each of which may cost the whole
/// timeout.
pub const TIMEOUT_SHRINK_BUDGET: usize = 24;

/// One intent's result.
#[derive(Debug, Clone)]
pub struct EmitResult {
    /// Its number in the campaign.
    pub index: usize,
    /// The libvirt version.
    pub profile: Profile,
    /// The kind of intent (`valid`, `invalid: port out of range`, ...).
    pub kind: String,
    /// The intent judged: the generated one, or what is left of it once the fields the
    /// emitter cannot write are taken out (`removed`).
    pub intent: BackupIntent,
    /// The fields taken out of the generated intent, as the emitter named them unsupported,
    /// before it wrote a document for the rest (empty: the intent as generated).
    pub removed: Vec<String>,
    /// Whether libvirt accepts the intent (as the reference writes it).
    pub intent_accepted: bool,
    /// What the emitter answered.
    pub answer: Answer,
    /// The verdict.
    pub judgement: EmitJudgement,
}

/// A class's minimal counterexample.
#[derive(Debug, Clone)]
pub struct Counterexample {
    /// The class.
    pub class: String,
    /// The libvirt version.
    pub profile: Profile,
    /// The intent shrunk to.
    pub intent: BackupIntent,
    /// The intent's size (fields and list items) before and after shrinking.
    pub size: (usize, usize),
    /// Candidates put to the emitter while shrinking.
    pub tried: usize,
    /// What libvirt does with the reference's document for the intent.
    pub expectation: Expectation,
    /// What the emitter answered for it.
    pub answer: Answer,
    /// The verdict on that answer.
    pub judgement: EmitJudgement,
}

/// An emitter campaign's results.
#[derive(Debug, Clone)]
pub struct EmitReport {
    /// What the emitter said of itself.
    pub emitter: EmitterCapabilities,
    /// The command it ran.
    pub command: String,
    /// The profiles run.
    pub profiles: Vec<Profile>,
    /// Every intent's result, in campaign order.
    pub results: Vec<EmitResult>,
    /// One minimal counterexample per disagreeing class, in class order.
    pub counterexamples: Vec<Counterexample>,
}

impl EmitReport {
    /// How many intents ended in each outcome, in report order (outcomes with none left
    /// out).
    pub fn outcome_counts(&self) -> Vec<(EmitOutcome, usize)> {
        EmitOutcome::ALL
            .into_iter()
            .map(|o| {
                (
                    o,
                    self.results
                        .iter()
                        .filter(|r| r.judgement.outcome == o)
                        .count(),
                )
            })
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// Each field the emitter named unsupported (indexes dropped, `disks.driver`), with the
    /// number of intents it was taken out of; most first.
    pub fn removed_counts(&self) -> Vec<(String, usize)> {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for result in &self.results {
            let mut shapes: Vec<String> =
                result.removed.iter().map(|f| without_indexes(f)).collect();
            shapes.sort();
            shapes.dedup();
            for shape in shapes {
                *counts.entry(shape).or_default() += 1;
            }
        }
        let mut counts: Vec<(String, usize)> = counts.into_iter().collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        counts
    }

    /// How many intents ended in each class other than agreement, most first.
    pub fn class_counts(&self) -> Vec<(String, usize)> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for result in &self.results {
            if result.judgement.outcome != EmitOutcome::Agree {
                *counts.entry(result.judgement.class.as_str()).or_default() += 1;
            }
        }
        let mut counts: Vec<(String, usize)> = counts
            .into_iter()
            .map(|(c, n)| (c.to_string(), n))
            .collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        counts
    }

    /// How many intents disagree with libvirt.
    pub fn disagreements(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.judgement.outcome.is_disagreement())
            .count()
    }
}

/// libvirt's verdict on an intent, in one line.
pub fn describe_expectation(expectation: &Expectation) -> String {
    match &expectation.verdict {
        Ok(_) => "accepts it".to_string(),
        Err(rejection) => format!(
            "refuses it{}: {}",
            rejection
                .rule_id()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default(),
            one_line(&rejection.message)
        ),
    }
}

/// What an emitter answered, in a few lines.
pub fn describe_answer(answer: &Answer) -> String {
    match answer {
        Answer::Document(text) => show_controls(text.trim_end(), true),
        Answer::Choosing(text, chosen) => format!(
            "{}\n(it chose {} itself)",
            show_controls(text.trim_end(), true),
            chosen.join(", ")
        ),
        Answer::Unsupported(fields) => format!("unsupported: {}", fields.join(", ")),
        Answer::Refused(message) => format!("refused: {}", one_line(message)),
        Answer::Crash(detail) => format!("crashed: {}", one_line(detail)),
        Answer::Timeout(detail) => format!("timed out: {}", one_line(detail)),
        Answer::ProtocolError(detail) => format!("protocol error: {}", one_line(detail)),
    }
}

/// Runs the campaign on `process`. Never fails: an emitter that cannot answer shows in
/// the results as crashes, timeouts or protocol errors.
pub fn run(process: &mut EmitterProcess, config: &EmitCheckConfig) -> EmitReport {
    let declared = process.capabilities().profiles.clone();
    let profiles: Vec<Profile> = if config.profiles.is_empty() {
        declared
    } else {
        config
            .profiles
            .iter()
            .copied()
            .filter(|p| declared.contains(p))
            .collect()
    };
    let mut report = EmitReport {
        emitter: process.capabilities().clone(),
        command: process.command_line(),
        profiles: profiles.clone(),
        results: Vec::with_capacity(config.cases),
        counterexamples: Vec::new(),
    };
    if profiles.is_empty() {
        return report;
    }
    let source = IntentSource::new(&profiles);
    let intents: Vec<_> = (0..config.cases)
        .filter_map(|i| source.intent(config.seed, i))
        .collect();
    let batch: Vec<_> = intents.iter().map(|g| (&g.intent, g.profile)).collect();
    for (generated, answer) in intents.iter().zip(process.emit_all(&batch)) {
        let expectation = expect(&generated.intent, generated.profile);
        let judgement = judge(&expectation, &answer, generated.profile);
        report.results.push(EmitResult {
            index: generated.index,
            profile: generated.profile,
            kind: generated.kind.clone(),
            intent: generated.intent.clone(),
            removed: Vec::new(),
            intent_accepted: expectation.verdict.is_ok(),
            answer,
            judgement,
        });
    }
    // An emitter that can write only part of the grammar (a tool with a few options) names
    // what it cannot write; the rest of the intent is put to it again, so that what it does
    // write is judged too, not only counted as unsupported.
    for _ in 0..REDUCTION_ROUNDS {
        let pending: Vec<(usize, Vec<String>, BackupIntent)> = report
            .results
            .iter()
            .enumerate()
            .filter_map(|(i, r)| match &r.answer {
                Answer::Unsupported(fields) => {
                    without_fields(&r.intent, fields).map(|rest| (i, fields.clone(), rest))
                }
                _ => None,
            })
            .collect();
        if pending.is_empty() {
            break;
        }
        let batch: Vec<_> = pending
            .iter()
            .map(|(i, _, rest)| (rest, report.results[*i].profile))
            .collect();
        let answers = process.emit_all(&batch);
        for ((i, fields, rest), answer) in pending.into_iter().zip(answers) {
            let result = &mut report.results[i];
            let expectation = expect(&rest, result.profile);
            result.judgement = judge(&expectation, &answer, result.profile);
            result.intent_accepted = expectation.verdict.is_ok();
            result.intent = rest;
            result.removed.extend(fields);
            result.answer = answer;
        }
    }
    // The first intent of each disagreeing class, shrunk: the first one libvirt accepts
    // when there is one (a defect shown on a valid intent is the one to fix first).
    let mut firsts: BTreeMap<&str, &EmitResult> = BTreeMap::new();
    for result in report
        .results
        .iter()
        .filter(|r| r.judgement.outcome.is_disagreement())
    {
        let slot = firsts
            .entry(result.judgement.class.as_str())
            .or_insert(result);
        if !slot.intent_accepted && result.intent_accepted {
            *slot = result;
        }
    }
    let firsts: Vec<EmitResult> = firsts.into_values().cloned().collect();
    for first in firsts {
        // Every candidate that still hangs costs the whole timeout.
        let budget = if first.judgement.outcome == EmitOutcome::Timeout {
            config.shrink_budget.min(TIMEOUT_SHRINK_BUDGET)
        } else {
            config.shrink_budget
        };
        report
            .counterexamples
            .push(minimise(process, &first, budget));
    }
    report.counterexamples.sort_by(|a, b| a.class.cmp(&b.class));
    report
}

/// How many times an intent's unsupported fields are taken out and the rest put again.
pub const REDUCTION_ROUNDS: usize = 3;

/// `intent` without the fields at `paths` (intent paths, `disks[0].scratch.file`), or
/// `None` when that takes nothing out (a path naming what the intent does not have, as an
/// emitter that must write a field the intent leaves out names it).
pub fn without_fields(intent: &BackupIntent, paths: &[String]) -> Option<BackupIntent> {
    let mut value = serde_json::to_value(intent).ok()?;
    let mut removed = false;
    for path in paths {
        removed |= remove_path(&mut value, path);
    }
    if !removed {
        return None;
    }
    drop_marked_items(&mut value);
    serde_json::from_value(value).ok()
}

/// Takes the field at `path` out of `value`; whether there was one. A list item is marked
/// (made null) rather than taken out, so that the items after it keep the indexes other
/// paths name; [`drop_marked_items`] takes the marks out.
fn remove_path(value: &mut serde_json::Value, path: &str) -> bool {
    let Some(steps) = path_steps(path) else {
        return false;
    };
    let count = steps.len();
    let mut at = value;
    for (n, (name, index)) in steps.into_iter().enumerate() {
        let last = n + 1 == count;
        let Some(object) = at.as_object_mut() else {
            return false;
        };
        let Some(index) = index else {
            if last {
                return object.remove(name).is_some();
            }
            match object.get_mut(name) {
                Some(child) => at = child,
                None => return false,
            }
            continue;
        };
        let Some(item) = object.get_mut(name).and_then(|list| list.get_mut(index)) else {
            return false;
        };
        if last {
            let was = !item.is_null();
            *item = serde_json::Value::Null;
            return was;
        }
        at = item;
    }
    false
}

fn drop_marked_items(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Array(items) => {
            items.retain(|item| !item.is_null());
            items.iter_mut().for_each(drop_marked_items);
        }
        serde_json::Value::Object(fields) => fields.values_mut().for_each(drop_marked_items),
        _ => {}
    }
}

/// Shrinks `result`'s intent while the emitter's answer stays in its class.
fn minimise(process: &mut EmitterProcess, result: &EmitResult, budget: usize) -> Counterexample {
    let profile = result.profile;
    let class = result.judgement.class.clone();
    // libvirt's verdict on the intent stays as it was too: a crash on a valid intent is
    // shrunk to a valid intent, not to the smallest thing that crashes.
    let verdict = |e: &Expectation| e.verdict.as_ref().map(|_| ()).map_err(|r| r.rule_id());
    let original = verdict(&expect(&result.intent, profile));
    let (intent, tried) = shrink::shrink(&result.intent, budget, |candidate| {
        let expectation = expect(candidate, profile);
        if verdict(&expectation) != original {
            return Trial::Skipped;
        }
        let answer = process.emit(candidate, profile);
        if judge(&expectation, &answer, profile).class == class {
            Trial::Keeps
        } else {
            Trial::Loses
        }
    });
    let expectation = expect(&intent, profile);
    let answer = if intent == result.intent {
        result.answer.clone()
    } else {
        process.emit(&intent, profile)
    };
    let judgement = judge(&expectation, &answer, profile);
    Counterexample {
        class,
        profile,
        size: (shrink::size(&result.intent), shrink::size(&intent)),
        intent,
        tried,
        expectation,
        answer,
        judgement,
    }
}

/// The terminal summary: the counts, then each class with its minimal intent, what libvirt
/// makes of the intent, what the emitter wrote and what libvirt makes of that.
pub fn summary(report: &EmitReport) -> String {
    let mut out = String::new();
    let profiles: Vec<&str> = report.profiles.iter().map(|p| p.name()).collect();
    let _ = writeln!(
        out,
        "emitter {} {} ({}): {} intents, libvirt {}",
        report.emitter.name,
        report.emitter.version,
        report.command,
        report.results.len(),
        if profiles.is_empty() {
            "(no profile in common)".to_string()
        } else {
            profiles.join(", ")
        }
    );
    for (outcome, n) in report.outcome_counts() {
        let _ = writeln!(out, "{:<32}{n:>6}", outcome.name());
    }
    let removed = report.removed_counts();
    if !removed.is_empty() {
        let _ = writeln!(
            out,
            "\nfields it cannot write (taken out of the intents, the rest judged):"
        );
        for (field, n) in removed {
            let _ = writeln!(out, "{n:>6}  {field}");
        }
    }
    let counts = report.class_counts();
    if counts.is_empty() {
        return out;
    }
    out.push('\n');
    for (class, n) in counts {
        let _ = writeln!(out, "{n:>6}  {class}");
        let Some(example) = report.counterexamples.iter().find(|c| c.class == class) else {
            continue;
        };
        let _ = writeln!(
            out,
            "        minimal intent ({}, {} field{} from {}): {}",
            example.profile.name(),
            example.size.1,
            if example.size.1 == 1 { "" } else { "s" },
            example.size.0,
            serde_json::to_string(&example.intent).unwrap_or_default()
        );
        let _ = writeln!(
            out,
            "        libvirt, given the intent as the reference writes it: {}",
            describe_expectation(&example.expectation)
        );
        let answer = describe_answer(&example.answer);
        let _ = writeln!(out, "        the emitter answered:");
        for line in answer.lines() {
            let _ = writeln!(out, "          {line}");
        }
        let _ = writeln!(out, "        so: {}", example.judgement.detail);
    }
    out
}
