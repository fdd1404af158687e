//! Rejections: where a document was refused (the [`Stage`]), libvirt's error number and
//! domain for it, and the message libvirt prints, with the position of the offending input.
//!
//! This module only describes outcomes; it never decides them. The numbers are libvirt's
//! `virErrorNumber` and `virErrorDomain` values, so a [`Rejection`] can be compared field by
//! field with what real libvirt reports.

use std::fmt;

use crate::rules::Rule;

/// The pipeline stage that refused a document, in pipeline order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
#[non_exhaustive]
pub enum Stage {
    /// libxml2 refused the text: not well-formed XML.
    WellFormed,
    /// The root element is not `<domainbackup>`.
    Root,
    /// The RELAX NG check (`domainbackup.rng`) failed; non-internal parses only.
    Schema,
    /// libvirt's C parser (`virDomainBackupDefParse`) refused a value.
    Parse,
    /// `virDomainBackupAlignDisks` refused the definition against the domain.
    Align,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub const ALL: [Stage; 5] = [
        Stage::WellFormed,
        Stage::Root,
        Stage::Schema,
        Stage::Parse,
        Stage::Align,
    ];

    /// The name used on the command line and in reports (`well-formed`, `root`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::WellFormed => "well-formed",
            Stage::Root => "root",
            Stage::Schema => "schema",
            Stage::Parse => "parse",
            Stage::Align => "align",
        }
    }

    /// Parses the name printed by [`Stage::as_str`].
    pub fn from_name(name: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// libvirt's `virErrorNumber` values that the backup XML code can raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `VIR_ERR_INTERNAL_ERROR` (1).
    InternalError,
    /// `VIR_ERR_INVALID_ARG` (8).
    InvalidArg,
    /// `VIR_ERR_XML_ERROR` (27).
    XmlError,
    /// `VIR_ERR_XML_DETAIL` (35).
    XmlDetail,
    /// `VIR_ERR_OPERATION_INVALID` (55).
    OperationInvalid,
    /// `VIR_ERR_CONFIG_UNSUPPORTED` (67).
    ConfigUnsupported,
    /// `VIR_ERR_OPERATION_UNSUPPORTED` (84).
    OperationUnsupported,
    /// `VIR_ERR_XML_INVALID_SCHEMA` (92).
    XmlInvalidSchema,
}

impl ErrorCode {
    /// libvirt's number for this code.
    pub fn number(self) -> i32 {
        match self {
            ErrorCode::InternalError => 1,
            ErrorCode::InvalidArg => 8,
            ErrorCode::XmlError => 27,
            ErrorCode::XmlDetail => 35,
            ErrorCode::OperationInvalid => 55,
            ErrorCode::ConfigUnsupported => 67,
            ErrorCode::OperationUnsupported => 84,
            ErrorCode::XmlInvalidSchema => 92,
        }
    }

    /// The prefix libvirt puts before the message (`virErrorMsg`), including `": "`;
    /// empty for `VIR_ERR_XML_DETAIL`, which prints the message alone.
    pub fn prefix(self) -> &'static str {
        match self {
            ErrorCode::InternalError => "internal error: ",
            ErrorCode::InvalidArg => "invalid argument: ",
            ErrorCode::XmlError => "XML error: ",
            ErrorCode::XmlDetail => "",
            ErrorCode::OperationInvalid => "Requested operation is not valid: ",
            ErrorCode::ConfigUnsupported => "unsupported configuration: ",
            ErrorCode::OperationUnsupported => "Operation not supported: ",
            ErrorCode::XmlInvalidSchema => "XML document failed to validate against schema: ",
        }
    }
}

/// libvirt's `virErrorDomain` values that the backup XML code can raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorDomain {
    /// `VIR_FROM_NONE` (0).
    None,
    /// `VIR_FROM_XML` (5).
    Xml,
    /// `VIR_FROM_STORAGE` (18).
    Storage,
    /// `VIR_FROM_DOMAIN` (20).
    Domain,
}

impl ErrorDomain {
    /// libvirt's number for this domain.
    pub fn number(self) -> i32 {
        match self {
            ErrorDomain::None => 0,
            ErrorDomain::Xml => 5,
            ErrorDomain::Storage => 18,
            ErrorDomain::Domain => 20,
        }
    }
}

/// A place in the input text: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Position {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// A document refused by the pipeline: the stage, libvirt's code and domain, and the message
/// exactly as libvirt prints it (prefix included).
///
/// For the two stages whose details come from libxml2 in libvirt (not well-formed, schema),
/// the message is this project's own, with the position; only stage, code and domain are
/// expected to match libvirt there.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Rejection {
    /// Where the document was refused.
    pub stage: Stage,
    /// libvirt's error number (`virErrorNumber`).
    pub code: i32,
    /// libvirt's error domain (`virErrorDomain`).
    pub domain: i32,
    /// The message with libvirt's prefix, e.g. `XML error: missing name for host`.
    pub message: String,
    /// Where in the input the problem is, when known.
    pub position: Option<Position>,
    /// The catalogue's rule that refused the document: always set on the reference's
    /// rejections, `None` on one reported by another implementation (real libvirt says
    /// only its code and message).
    pub rule: Option<&'static Rule>,
}

impl Rejection {
    /// Builds a rejection from a code and domain; the prefix of `code` is put before `detail`.
    pub fn new(
        stage: Stage,
        code: ErrorCode,
        domain: ErrorDomain,
        detail: impl fmt::Display,
    ) -> Self {
        Rejection {
            stage,
            code: code.number(),
            domain: domain.number(),
            message: format!("{}{}", code.prefix(), detail),
            position: None,
            rule: None,
        }
    }

    /// Builds a rejection from raw numbers and a full message (as reported by real libvirt).
    pub fn from_parts(stage: Stage, code: i32, domain: i32, message: impl Into<String>) -> Self {
        Rejection {
            stage,
            code,
            domain,
            message: message.into(),
            position: None,
            rule: None,
        }
    }

    /// The same rejection, made by `rule`.
    pub fn by(mut self, rule: &'static Rule) -> Self {
        self.rule = Some(rule);
        self
    }

    /// The id of the rule that made the rejection, if known.
    pub fn rule_id(&self) -> Option<&'static str> {
        self.rule.map(|r| r.id)
    }

    /// The same rejection, pointing at `position`.
    pub fn at(mut self, position: Position) -> Self {
        self.position = Some(position);
        self
    }

    /// The one-line form printed by `domainbackup-harness parse`:
    /// `stage=<stage> code=<n> domain=<n> rule=<id> message=<message>` (`rule=` only when
    /// the rule is known; newlines in the message are printed as the two characters `\n`
    /// so the line stays one line).
    pub fn to_line(&self) -> String {
        let rule = match self.rule {
            Some(rule) => format!(" rule={}", rule.id),
            None => String::new(),
        };
        format!(
            "stage={} code={} domain={}{rule} message={}",
            self.stage,
            self.code,
            self.domain,
            self.message.replace('\n', "\\n")
        )
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(p) = self.position {
            write!(f, " ({p})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Rejection {}
