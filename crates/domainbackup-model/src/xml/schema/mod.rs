//! The RELAX NG check of a non-internal parse: libvirt's `domainbackup.rng` (with the
//! parts of `domaincommon.rng`, `storagecommon.rng` and `basictypes.rng` it uses) written
//! out as Rust code over the element tree, giving exactly the verdict of libxml2 2.9's
//! RELAX NG validator (`xmlRelaxNGValidateDoc`, as `xmllint --relaxng` runs it) for the
//! schema of each modelled libvirt version.
//!
//! This module only says whether a document is valid and, if not, names one violated rule
//! (libvirt itself only reports "invalid"; which violation is named when there are several
//! does not matter). It must not read values the way libvirt's C parser does, fill in
//! defaults, or look at anything the schema does not constrain; it never loads a schema file
//! and never recurses deeper than the schema's own nesting (six elements), whatever the
//! depth of the tree. Version differences are asked of [`Profile`].
//!
//! Points where this follows libxml2 rather than a naive reading of the schema:
//! * `<value>` compares whitespace-normalized text (the `token` datatype): `mode=' push '`
//!   is valid, `mode='pu sh'` is not;
//! * text that is empty or only spaces, tabs, CRs and LFs (CDATA sections included) is
//!   ignored wherever elements are expected; any other text there is invalid;
//! * `unsignedInt` is the XSD type plus the pattern `[0-9]+` applied to the raw value: no
//!   sign, no spaces, leading zeros allowed, at most 4294967295;
//! * patterns are XSD regular expressions matched against the whole raw value, with `.`
//!   excluding CR and LF, and libvirt's long `ipv6Addr` pattern is run on a port of
//!   libxml2's own regular-expression engine (module `xsd_regex`), because libxml2 accepts more
//!   than the pattern says (`12345::1`, `fffff::`, `::27af0C`, ...).
//!
//! The check is split by job: `datatypes` holds the value predicates (XSD datatypes and
//! patterns), `checker` the walk over attributes and children that every element check
//! uses, `root`, `server`, `disk`, `store` and `encryption` the rules of each part of the
//! document, and `xsd_regex` the port of libxml2's regular-expression engine.

mod checker;
pub(crate) mod datatypes;
mod disk;
mod encryption;
mod root;
mod server;
mod store;
pub(crate) mod xsd_regex;

use std::fmt;

use super::tree::Document;
use crate::error::{Position, Rejection, Stage};
use crate::profile::Profile;
use crate::rules::Rule;
use checker::Checker;

/// The schema path libvirt names in its message (the installed location).
const SCHEMA_PATH: &str = "/usr/share/libvirt/schemas/domainbackup.rng";

/// One violated rule of the schema: which rule, where, and a sentence saying what was found
/// and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct SchemaViolation {
    /// The catalogue's rule, e.g. `schema.disk.name-pattern`.
    pub rule: &'static Rule,
    /// The offending node (element, attribute or text).
    pub position: Position,
    /// What was found and what the schema expects there.
    pub detail: String,
}

impl fmt::Display for SchemaViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.rule, self.position, self.detail)
    }
}

impl std::error::Error for SchemaViolation {}

/// Checks `document` against `domainbackup.rng` of `profile`, as libvirt does for a
/// non-internal parse: on failure, `VIR_ERR_XML_INVALID_SCHEMA` in `VIR_FROM_XML` with
/// libvirt's message prefix and this module's own detail, at the offending node.
pub fn check(document: &Document, profile: Profile) -> Result<(), Rejection> {
    validate(document, profile).map_err(|v| {
        let detail = format!(
            "line {}, column {}: {} [{}]",
            v.position.line, v.position.column, v.detail, v.rule
        );
        v.rule.reject(&[&SCHEMA_PATH, &detail]).at(v.position)
    })
}

/// Validates `document` against `domainbackup.rng` of `profile`, naming one violated rule
/// if it is invalid.
pub fn validate(document: &Document, profile: Profile) -> Result<(), SchemaViolation> {
    Checker { profile }.root(&document.root)
}

type Checked = Result<(), SchemaViolation>;

#[cold]
#[inline(never)]
fn violation(
    rule: &'static Rule,
    position: Position,
    detail: fmt::Arguments<'_>,
) -> SchemaViolation {
    debug_assert!(rule.stage == Stage::Schema, "{rule} is not a schema rule");
    SchemaViolation {
        rule,
        position,
        detail: detail.to_string(),
    }
}

/// A value in a message: single-quoted, with control characters escaped.
struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("'")?;
        for c in self.0.chars() {
            match c {
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                c if c.is_control() => write!(f, "\\u{{{:x}}}", c as u32)?,
                c => fmt::Write::write_char(f, c)?,
            }
        }
        f.write_str("'")
    }
}
