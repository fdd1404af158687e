//! How a case can end ([`Outcome`], the classes reports count) and how closely it is
//! compared ([`Comparison`], the `--compare` level, with [`OutputComparison`]).
//!
//! Names and levels only: nothing here looks at a case or decides an outcome, which is
//! [`super::judgement`]'s job.

use std::fmt;

/// How one case ended.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Same verdict (and, at the chosen level, same output or error).
    Agree,
    /// libvirt rejects the document; the implementation accepted it.
    FalseAccept,
    /// libvirt rejects, and an implementation that declares it does not check this
    /// (`validates` in its handshake) accepted: counted and shown, not a failure (unless
    /// `--strict`).
    AcceptedInvalid,
    /// libvirt accepts the document; the implementation rejected it.
    FalseReject,
    /// Both reject, but with another stage or error code (`--compare codes`).
    WrongError,
    /// Both accept, but the output means something else (or, with `exact`, is spelled
    /// otherwise).
    WrongOutput,
    /// The implementation died: another exit status, a signal, or a persistent process that
    /// went away.
    Crash,
    /// No answer within the timeout.
    Timeout,
    /// An answer outside the protocol: garbage, non-UTF-8, too large, wrong sequence number.
    ProtocolError,
    /// The implementation declined the case (or it cannot be put to it).
    Skipped,
}

impl Outcome {
    /// Every outcome, in report order.
    pub const ALL: [Outcome; 10] = [
        Outcome::Agree,
        Outcome::FalseAccept,
        Outcome::AcceptedInvalid,
        Outcome::FalseReject,
        Outcome::WrongError,
        Outcome::WrongOutput,
        Outcome::Crash,
        Outcome::Timeout,
        Outcome::ProtocolError,
        Outcome::Skipped,
    ];

    /// The name in reports: `agree`, `false accept`, ...
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Agree => "agree",
            Outcome::FalseAccept => "false accept",
            Outcome::AcceptedInvalid => "accepted invalid",
            Outcome::FalseReject => "false reject",
            Outcome::WrongError => "wrong error",
            Outcome::WrongOutput => "wrong output",
            Outcome::Crash => "crash",
            Outcome::Timeout => "timeout",
            Outcome::ProtocolError => "protocol error",
            Outcome::Skipped => "skipped",
        }
    }

    /// The machine name (as in JSON): `agree`, `false-accept`, ...
    pub fn key(self) -> &'static str {
        match self {
            Outcome::Agree => "agree",
            Outcome::FalseAccept => "false-accept",
            Outcome::AcceptedInvalid => "accepted-invalid",
            Outcome::FalseReject => "false-reject",
            Outcome::WrongError => "wrong-error",
            Outcome::WrongOutput => "wrong-output",
            Outcome::Crash => "crash",
            Outcome::Timeout => "timeout",
            Outcome::ProtocolError => "protocol-error",
            Outcome::Skipped => "skipped",
        }
    }

    /// Whether this outcome is a disagreement with libvirt (everything but agree and
    /// skipped).
    pub fn is_disagreement(self) -> bool {
        !matches!(
            self,
            Outcome::Agree | Outcome::Skipped | Outcome::AcceptedInvalid
        )
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What accepted output is compared by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OutputComparison {
    /// Not at all: the verdict is all.
    Verdict,
    /// The model read back from the output, field by field (the default).
    #[default]
    Semantic,
    /// The bytes, against libvirt's canonical text.
    Exact,
}

/// The comparison level: `--compare verdict|semantic|exact`, plus `codes` (alone or as
/// `codes,exact`), which also compares the stage and error code of rejections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Comparison {
    /// What the implementation declares it checks (set from its handshake, not by
    /// `--compare`).
    pub validation: Validation,
    /// How accepted output is compared.
    pub output: OutputComparison,
    /// Rejections must name libvirt's error code (and stage, when the implementation gives
    /// one).
    pub codes: bool,
}

impl Comparison {
    /// The level's name as the command line spells it.
    pub fn name(&self) -> String {
        let output = match self.output {
            OutputComparison::Verdict => "verdict",
            OutputComparison::Semantic => "semantic",
            OutputComparison::Exact => "exact",
        };
        if self.codes {
            format!("codes,{output}")
        } else {
            output.to_string()
        }
    }
}

impl std::str::FromStr for Comparison {
    type Err = String;

    /// A comma-separated list of `verdict`, `semantic`, `exact` and `codes`; `codes` alone
    /// keeps the semantic output comparison.
    fn from_str(s: &str) -> Result<Comparison, String> {
        let mut c = Comparison::default();
        for word in s.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            match word {
                "verdict" => c.output = OutputComparison::Verdict,
                "semantic" => c.output = OutputComparison::Semantic,
                "exact" => c.output = OutputComparison::Exact,
                "codes" => c.codes = true,
                other => {
                    return Err(format!(
                        "unknown comparison '{other}' (expected verdict, semantic, exact or codes)"
                    ));
                }
            }
        }
        Ok(c)
    }
}

/// What an implementation checks of a document, as its handshake declares (`validates`):
/// what it is judged on. One that does not validate is held to keeping the meaning of
/// what libvirt accepts and to refusing malformed XML; what else it accepts that libvirt
/// refuses is [`Outcome::AcceptedInvalid`].
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Validation {
    /// Nothing beyond well-formed XML (a binding).
    None,
    /// The schema, not libvirt's C checks or alignment.
    Schema,
    /// Everything libvirt checks (the default).
    #[default]
    Full,
}

impl Validation {
    /// The name in handshakes and on the command line: `none`, `schema`, `full`.
    pub fn name(self) -> &'static str {
        match self {
            Validation::None => "none",
            Validation::Schema => "schema",
            Validation::Full => "full",
        }
    }

    /// The level named `name`.
    pub fn from_name(name: &str) -> Option<Validation> {
        [Validation::None, Validation::Schema, Validation::Full]
            .into_iter()
            .find(|v| v.name() == name)
    }

    /// Whether an implementation at this level is expected to refuse what libvirt refuses
    /// at `stage`.
    pub fn checks(self, stage: crate::Stage) -> bool {
        use crate::Stage;
        match self {
            Validation::Full => true,
            Validation::Schema => matches!(stage, Stage::WellFormed | Stage::Root | Stage::Schema),
            Validation::None => stage == Stage::WellFormed,
        }
    }
}

impl std::str::FromStr for Validation {
    type Err = String;

    fn from_str(s: &str) -> Result<Validation, String> {
        Validation::from_name(s)
            .ok_or_else(|| format!("unknown validation '{s}' (expected none, schema or full)"))
    }
}
