//! One case's verdict: [`judge`] puts the reference's expectation beside what the
//! implementation did and gives a [`Judgement`] (its [`super::Outcome`], the differences,
//! and one line for reports), at the chosen [`super::Comparison`] level.
//!
//! It decides, it does not compare output itself: the exact and semantic comparisons are
//! [`super::difference`]'s and [`super::semantic`]'s.

use crate::conform::implementation::Observed;
use crate::{Profile, Rejection};

use super::difference::{Difference, exact_differences};
use super::message::{message_shape, one_line};
use super::outcome::{Comparison, Outcome, OutputComparison};
use super::semantic::semantic_differences;

/// The verdict of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    /// The outcome class.
    pub outcome: Outcome,
    /// For wrong output: each difference.
    pub differences: Vec<Difference>,
    /// One line saying what happened, for reports.
    pub detail: String,
    /// The catalogue id of the rule libvirt refuses the document by, when it does.
    pub rule: Option<&'static str>,
    /// For a false reject: the shape of the implementation's refusal
    /// (its first line, quoted text and numbers left out).
    pub refusal: Option<String>,
}

/// The class of a disagreement, which shrinking keeps: the outcome, the libvirt rule a
/// refused document breaks (for false accepts and wrong errors), and for wrong output the
/// shape of the first differing path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Signature {
    /// The outcome.
    pub outcome: Outcome,
    /// The rule libvirt refuses the document by (false accepts, wrong errors, ...).
    pub rule: Option<&'static str>,
    /// For wrong output: the first differing path, indexes aside.
    pub path: Option<String>,
    /// For wrong output: what kind of difference is there (`dropped`, `invented`,
    /// `changed`).
    pub kind: Option<&'static str>,
    /// For a false reject: the shape of the implementation's refusal, which names what it
    /// objects to (libvirt, accepting, names nothing).
    pub refusal: Option<String>,
}

impl Signature {
    /// The class as reports name it: `false accept: parse.mode.unknown`, `wrong output:
    /// /domainbackup/disks/disk/@exportbitmap dropped`, `crash`.
    pub fn class_name(&self) -> String {
        let mut name = self.outcome.name().to_string();
        if let Some(rule) = self.rule {
            name.push_str(": ");
            name.push_str(rule);
        }
        if let Some(path) = &self.path {
            name.push_str(": ");
            name.push_str(path);
            if let Some(kind) = self.kind {
                name.push(' ');
                name.push_str(kind);
            }
        }
        if let Some(refusal) = self.refusal.as_deref().filter(|r| !r.is_empty()) {
            name.push_str(": ");
            name.push_str(refusal);
        }
        name
    }
}

impl Judgement {
    /// What must stay the same while shrinking: the outcome, the rule libvirt refuses the
    /// document by (a false accept of a case made to break one rule must not shrink to a
    /// document that breaks another), and for wrong output the shape of the first differing
    /// path.
    pub fn signature(&self) -> Signature {
        Signature {
            outcome: self.outcome,
            // Only where libvirt's refusal is what the implementation got wrong: a crash or a
            // timeout keeps its class whatever libvirt thinks of the document.
            rule: match self.outcome {
                Outcome::FalseAccept | Outcome::WrongError => self.rule,
                _ => None,
            },
            path: if self.outcome == Outcome::WrongOutput {
                self.differences.first().map(Difference::shape)
            } else {
                None
            },
            kind: if self.outcome == Outcome::WrongOutput {
                self.differences.first().map(Difference::kind)
            } else {
                None
            },
            refusal: self.refusal.clone(),
        }
    }
}

/// Compares one observed behaviour with the reference's outcome under `comparison`.
/// `profile` is the case's, used to read accepted output back.
pub fn judge(
    expected: &Result<String, Rejection>,
    observed: &Observed,
    comparison: Comparison,
    profile: Profile,
) -> Judgement {
    let rule = expected.as_ref().err().and_then(Rejection::rule_id);
    let simple = |outcome: Outcome, detail: String| Judgement {
        outcome,
        differences: Vec::new(),
        detail,
        rule,
        refusal: None,
    };
    match (expected, observed) {
        (_, Observed::Skipped { reason }) => simple(Outcome::Skipped, reason.clone()),
        (_, Observed::Crashed { detail }) => simple(Outcome::Crash, detail.clone()),
        (_, Observed::TimedOut { after_ms }) => {
            simple(Outcome::Timeout, format!("no answer within {after_ms} ms"))
        }
        (_, Observed::ProtocolError { detail }) => simple(Outcome::ProtocolError, detail.clone()),
        (Err(r), Observed::Accepted { .. }) if !comparison.validation.checks(r.stage) => simple(
            Outcome::AcceptedInvalid,
            format!(
                "libvirt rejects at the {} stage, which the implementation declares it does not check",
                r.stage
            ),
        ),
        (Err(r), Observed::Accepted { .. }) => simple(
            Outcome::FalseAccept,
            format!(
                "libvirt rejects (stage={} code={}: {}), the implementation accepted",
                r.stage,
                r.code,
                r.message.replace('\n', "\\n")
            ),
        ),
        (Ok(_), Observed::Rejected { message, .. }) => Judgement {
            refusal: Some(message_shape(message)),
            ..simple(
                Outcome::FalseReject,
                format!(
                    "libvirt accepts, the implementation rejected: {}",
                    one_line(message)
                ),
            )
        },
        (Err(r), Observed::Rejected { code, stage, .. }) => {
            if !comparison.codes {
                return simple(Outcome::Agree, String::new());
            }
            let code_ok = *code == Some(r.code);
            let stage_ok = stage.is_none_or(|s| s == r.stage);
            if code_ok && stage_ok {
                simple(Outcome::Agree, String::new())
            } else {
                let got_code = code.map_or("no code".to_string(), |c| format!("code={c}"));
                let got_stage = stage.map_or(String::new(), |s| format!("stage={s} "));
                simple(
                    Outcome::WrongError,
                    format!(
                        "expected stage={} code={}, got {got_stage}{got_code}",
                        r.stage, r.code
                    ),
                )
            }
        }
        (Ok(canonical), Observed::Accepted { output }) => {
            let differences = match comparison.output {
                OutputComparison::Verdict => Vec::new(),
                OutputComparison::Exact => exact_differences(canonical, output),
                OutputComparison::Semantic => semantic_differences(canonical, output, profile),
            };
            if differences.is_empty() {
                simple(Outcome::Agree, String::new())
            } else {
                let detail = match differences.len() {
                    1 => differences[0].to_string(),
                    n => format!("{} (and {} more)", differences[0], n - 1),
                };
                Judgement {
                    outcome: Outcome::WrongOutput,
                    differences,
                    detail,
                    rule,
                    refusal: None,
                }
            }
        }
    }
}
