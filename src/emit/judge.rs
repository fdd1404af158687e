//! One intent's verdict: what libvirt makes of the reference's document for the intent
//! ([`expect`]) beside what it makes of the emitter's answer ([`judge`]).
//!
//! libvirt reads what `virDomainBackupBegin` is given with a public parse (the schema
//! checked), then aligns it with the domain's disks. Both documents are aligned with one
//! domain ([`domain_for`]: a file disk per disk the intent names, then one more), so that a disk the emitter leaves out is read as the
//! `backup='no'` disk alignment makes of it, and meanings are compared after alignment,
//! field by field, each difference named by the path libvirt prints it at.
//!
//! It decides; it does not run an emitter, and it does not print.

use crate::align::{self, Domain};
use crate::conform::compare::{Difference, diff_models, one_line, without_indexes};
use crate::{DomainBackup, Mode, Profile, Rejection};

use super::intent::BackupIntent;
use super::write;

/// What libvirt does with an intent: with the reference's document for it.
#[derive(Debug, Clone)]
pub struct Expectation {
    /// The reference's document for the intent.
    pub document: String,
    /// The domain both documents are aligned with.
    pub domain: Domain,
    /// libvirt's reading of the document, aligned, or its rejection.
    pub verdict: Result<DomainBackup, Rejection>,
    /// The intent (what an emitter may choose is what it leaves out).
    pub intent: BackupIntent,
}

/// The domain an intent's documents are aligned with: the one libvirt's xml2xml test builds
/// for a backup naming the intent's disks (a file disk `/fake/NAME.qcow2` each, in order,
/// then `vdextradisk`), built from the intent itself so that an intent libvirt refuses
/// still has one.
pub fn domain_for(intent: &BackupIntent) -> Domain {
    Domain::upstream_test_for(
        intent
            .disks
            .iter()
            .flatten()
            .filter_map(|disk| disk.name.as_deref()),
    )
}

/// How libvirt reads `document` for `virDomainBackupBegin` on a domain with `domain`'s
/// disks: a public parse, then alignment.
fn begin(document: &[u8], profile: Profile, domain: &Domain) -> Result<DomainBackup, Rejection> {
    let mut definition = crate::parse(document, Mode::Parse.options(profile))?;
    align::align(
        &mut definition,
        domain,
        align::UPSTREAM_TEST_SUFFIX,
        profile,
    )?;
    Ok(definition)
}

/// libvirt's verdict on the reference's document for `intent` under `profile`.
pub fn expect(intent: &BackupIntent, profile: Profile) -> Expectation {
    let document = write::document(intent);
    let domain = domain_for(intent);
    let verdict = begin(document.as_bytes(), profile, &domain);
    Expectation {
        document,
        domain,
        verdict,
        intent: intent.clone(),
    }
}

/// What an emitter answered for an intent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The document it wrote.
    Document(String),
    /// The document it wrote, with values it chose itself where the intent left them out
    /// (intent paths such as `disks[0].scratch.file`: a tool that names its own scratch
    /// files): a difference there is the tool's choice, not another meaning.
    Choosing(String, Vec<String>),
    /// It cannot express these fields of the intent (paths such as `disks[0].driver`).
    Unsupported(Vec<String>),
    /// It refused the intent, with its message.
    Refused(String),
    /// It died, with what is known of how.
    Crash(String),
    /// It did not answer in time.
    Timeout(String),
    /// It answered outside the protocol.
    ProtocolError(String),
}

/// How one intent ended.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum EmitOutcome {
    /// libvirt reads the emitted document as it reads the reference's (both accepted with
    /// one meaning, or both refused by the same rule), or the emitter refused an intent
    /// libvirt refuses.
    Agree,
    /// libvirt refuses the emitted document: the intent is one it accepts, or one it
    /// refuses for another reason.
    RejectedByLibvirt,
    /// libvirt accepts the emitted document with another meaning than the intent's.
    OtherMeaning,
    /// libvirt refuses the intent, but accepts what the emitter wrote for it: the emitter
    /// changed the intent into something else without saying so.
    InvalidMadeValid,
    /// The emitter said it cannot express a field of the intent.
    Unsupported,
    /// The emitter refused an intent libvirt accepts.
    Refused,
    /// The emitter died.
    Crash,
    /// The emitter did not answer in time.
    Timeout,
    /// The emitter answered outside the protocol.
    ProtocolError,
}

impl EmitOutcome {
    /// Every outcome, in report order.
    pub const ALL: [EmitOutcome; 9] = [
        EmitOutcome::Agree,
        EmitOutcome::RejectedByLibvirt,
        EmitOutcome::OtherMeaning,
        EmitOutcome::InvalidMadeValid,
        EmitOutcome::Unsupported,
        EmitOutcome::Refused,
        EmitOutcome::Crash,
        EmitOutcome::Timeout,
        EmitOutcome::ProtocolError,
    ];

    /// The name in reports.
    pub fn name(self) -> &'static str {
        match self {
            EmitOutcome::Agree => "agree",
            EmitOutcome::RejectedByLibvirt => "rejected by libvirt",
            EmitOutcome::OtherMeaning => "accepted with another meaning",
            EmitOutcome::InvalidMadeValid => "invalid intent made valid",
            EmitOutcome::Unsupported => "unsupported field",
            EmitOutcome::Refused => "refused",
            EmitOutcome::Crash => "crash",
            EmitOutcome::Timeout => "timeout",
            EmitOutcome::ProtocolError => "protocol error",
        }
    }

    /// Whether the outcome is a disagreement with libvirt (an unsupported field is a
    /// declared limit, counted and shown, not a failure).
    pub fn is_disagreement(self) -> bool {
        !matches!(self, EmitOutcome::Agree | EmitOutcome::Unsupported)
    }
}

impl std::fmt::Display for EmitOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The verdict on one emitter answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmitJudgement {
    /// The outcome.
    pub outcome: EmitOutcome,
    /// The class reports count and shrinking keeps: the outcome with the rule, the first
    /// differing path (indexes aside) and its kind, or the unsupported field.
    pub class: String,
    /// For another meaning: every difference, by path.
    pub differences: Vec<Difference>,
    /// What libvirt says of the emitted document, when it refuses it.
    pub libvirt_message: Option<String>,
    /// One line saying what happened, for reports.
    pub detail: String,
}

/// The rule id of a rejection, or its first line when it has none.
fn rule_or_line(rejection: &Rejection) -> String {
    rejection
        .rule_id()
        .map(str::to_string)
        .unwrap_or_else(|| one_line(&rejection.message))
}

/// A verdict with no differences and no message of libvirt's.
fn plain(outcome: EmitOutcome, class: String, detail: String) -> EmitJudgement {
    EmitJudgement {
        outcome,
        class,
        differences: Vec::new(),
        libvirt_message: None,
        detail,
    }
}

/// Judges `answer`, the emitter's for the intent `expectation` is of, under `profile`.
pub fn judge(expectation: &Expectation, answer: &Answer, profile: Profile) -> EmitJudgement {
    match answer {
        Answer::Document(text) => judge_document(expectation, text, &[], profile),
        Answer::Choosing(text, chosen) => {
            // A value the intent gives is not the emitter's to choose. (As JSON only here:
            // most answers choose nothing.)
            let intent = serde_json::to_value(&expectation.intent).unwrap_or_default();
            let left_out: Vec<String> = chosen
                .iter()
                .filter(|path| intent_value(&intent, path).is_none())
                .cloned()
                .collect();
            judge_document(expectation, text, &left_out, profile)
        }
        Answer::Unsupported(fields) => {
            let mut shapes: Vec<String> = fields.iter().map(|f| without_indexes(f)).collect();
            shapes.sort();
            shapes.dedup();
            // One class a field (the first, in order), however many an intent also names:
            // classes then count what an emitter cannot write, not which fields happened to
            // come together; the detail names them all.
            let shown = shapes.first().map_or("(no field named)", String::as_str);
            plain(
                EmitOutcome::Unsupported,
                format!("unsupported field: {shown}"),
                format!("cannot express {}", fields.join(", ")),
            )
        }
        Answer::Refused(message) => match &expectation.verdict {
            Err(rejection) => plain(
                EmitOutcome::Agree,
                EmitOutcome::Agree.name().to_string(),
                format!(
                    "refused ({}), as libvirt refuses the intent: {}",
                    one_line(message),
                    one_line(&rejection.message)
                ),
            ),
            Ok(_) => plain(
                EmitOutcome::Refused,
                EmitOutcome::Refused.name().to_string(),
                format!("refused an intent libvirt accepts: {}", one_line(message)),
            ),
        },
        Answer::Crash(detail) => plain(EmitOutcome::Crash, "crash".to_string(), one_line(detail)),
        Answer::Timeout(detail) => plain(
            EmitOutcome::Timeout,
            "timeout".to_string(),
            one_line(detail),
        ),
        Answer::ProtocolError(detail) => plain(
            EmitOutcome::ProtocolError,
            "protocol error".to_string(),
            one_line(detail),
        ),
    }
}

/// libvirt refuses the emitted document by `rejection`: the class is its rule.
fn rejected_by_libvirt(rejection: &Rejection, detail: String) -> EmitJudgement {
    EmitJudgement {
        outcome: EmitOutcome::RejectedByLibvirt,
        class: format!(
            "{}: {}",
            EmitOutcome::RejectedByLibvirt.name(),
            rule_or_line(rejection)
        ),
        differences: Vec::new(),
        libvirt_message: Some(rejection.message.clone()),
        detail,
    }
}

/// The steps of an intent path: `disks[0].scratch.file` is `disks` (item 0), `scratch`,
/// `file`; `None` when an index is not a number.
pub(crate) fn path_steps(path: &str) -> Option<Vec<(&str, Option<usize>)>> {
    path.split('.')
        .map(|part| match part.split_once('[') {
            Some((name, rest)) => rest
                .trim_end_matches(']')
                .parse()
                .ok()
                .map(|index| (name, Some(index))),
            None => Some((part, None)),
        })
        .collect()
}

/// The value at an intent path (`disks[0].scratch.file`) of `intent`, if it has one.
pub fn intent_value<'v>(
    intent: &'v serde_json::Value,
    path: &str,
) -> Option<&'v serde_json::Value> {
    let mut at = intent;
    for (name, index) in path_steps(path)? {
        at = at.get(name)?;
        if let Some(index) = index {
            at = at.get(index)?;
        }
    }
    Some(at)
}

/// The document path (`/domainbackup/disks/disk[1]/scratch/@file`) of an intent path
/// (`disks[0].scratch.file`), as differences name it.
pub fn document_path(intent_path: &str) -> String {
    let mut out = String::from("/domainbackup");
    // A path with an index that is no number names nothing a difference can be at.
    let Some(steps) = path_steps(intent_path) else {
        return String::new();
    };
    let count = steps.len();
    for (i, (name, index)) in steps.into_iter().enumerate() {
        let last = i + 1 == count;
        let element = match name {
            "disks" => "disks/disk",
            "seclabels" => "seclabel",
            "labels" => "label",
            "secrets" => "secret",
            other => other,
        };
        out.push('/');
        // The leaves that are elements of their own; every other leaf is an attribute.
        let is_element = index.is_some()
            || !last
            || matches!(
                name,
                "server"
                    | "target"
                    | "scratch"
                    | "encryption"
                    | "cipher"
                    | "ivgen"
                    | "disks"
                    | "seclabels"
                    | "labels"
                    | "secrets"
            )
            || (name == "incremental" && i == 0);
        if name == "driver" {
            out.push_str("driver/@type");
        } else if is_element {
            out.push_str(element);
        } else {
            out.push('@');
            out.push_str(element);
        }
        if let Some(index) = index {
            out.push_str(&format!("[{}]", index + 1));
        }
    }
    out
}

fn judge_document(
    expectation: &Expectation,
    text: &str,
    chosen: &[String],
    profile: Profile,
) -> EmitJudgement {
    let got = begin(text.as_bytes(), profile, &expectation.domain);
    match (&expectation.verdict, got) {
        (Ok(expected), Ok(got)) => {
            let chosen: Vec<String> = chosen.iter().map(|p| document_path(p)).collect();
            let (choices, differences): (Vec<Difference>, Vec<Difference>) =
                diff_models(expected, &got)
                    .into_iter()
                    .partition(|d| chosen.contains(&d.path));
            if differences.is_empty() {
                let detail = if choices.is_empty() {
                    "accepted with the intent's meaning".to_string()
                } else {
                    let shown: Vec<String> = choices.iter().map(|d| d.got.clone()).collect();
                    format!(
                        "accepted with the intent's meaning; the emitter chose {} itself",
                        shown.join(", ")
                    )
                };
                return plain(
                    EmitOutcome::Agree,
                    EmitOutcome::Agree.name().to_string(),
                    detail,
                );
            }
            let first = &differences[0];
            let class = format!(
                "{}: {} {}",
                EmitOutcome::OtherMeaning.name(),
                first.shape(),
                first.kind()
            );
            let detail = differences
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ");
            EmitJudgement {
                outcome: EmitOutcome::OtherMeaning,
                class,
                differences,
                libvirt_message: None,
                detail,
            }
        }
        (Ok(_), Err(rejection)) => rejected_by_libvirt(
            &rejection,
            format!(
                "libvirt refuses the emitted document: {}",
                one_line(&rejection.message)
            ),
        ),
        (Err(expected), Err(rejection)) => {
            if expected.rule_id() == rejection.rule_id()
                && (expected.rule_id().is_some() || expected.message == rejection.message)
            {
                plain(
                    EmitOutcome::Agree,
                    EmitOutcome::Agree.name().to_string(),
                    format!(
                        "refused by libvirt as the intent is: {}",
                        one_line(&rejection.message)
                    ),
                )
            } else {
                // The class is the emitted document's rule alone: one defect (escaping
                // left out) shows on valid and invalid intents alike, as one class.
                rejected_by_libvirt(
                    &rejection,
                    format!(
                        "libvirt refuses the emitted document for another reason than the \
                         intent's: {} (the intent: {})",
                        one_line(&rejection.message),
                        one_line(&expected.message)
                    ),
                )
            }
        }
        (Err(expected), Ok(_)) => plain(
            EmitOutcome::InvalidMadeValid,
            format!(
                "{}: {}",
                EmitOutcome::InvalidMadeValid.name(),
                rule_or_line(expected)
            ),
            format!(
                "libvirt refuses the intent ({}) but accepts what was written for it",
                one_line(&expected.message)
            ),
        ),
    }
}
