//! libvirt's `<domainbackup>` XML, exactly as libvirt reads, checks, aligns and writes it:
//! the document that `virDomainBackupBegin` / `virsh backup-begin` takes and
//! `virsh backup-dumpxml` prints.
//!
//! The reference model follows libvirt's own pipeline, stage by stage:
//!
//! ```text
//! text ─► xml::read ─► Element tree ─► xml::schema ─► xml::semantic ─► DomainBackup ─► align ─► xml::format ─► text
//! ```
//!
//! Every arrow can refuse a document; a [`Rejection`] names the [`Stage`], libvirt's error
//! code and domain, libvirt's message and the [`Rule`] of the catalogue ([`rules`]) that
//! refused it. Version-dependent rules ask a [`Profile`] (one per modelled libvirt release).
//!
//! This crate depends only on what a parser needs (quick-xml, memchr; serde behind the
//! `serde` feature). The proptest strategies that generate documents with libvirt's verdict
//! are `domainbackup-proptest`; the conformance runner is `domainbackup-harness`.
#![deny(unsafe_code)]
#![deny(missing_docs)]

pub mod align;
mod error;
pub mod model;
mod profile;
pub mod rules;
pub mod vocabulary;
pub mod xml;

pub use error::{ErrorCode, ErrorDomain, Position, Rejection, Stage};
pub use model::DomainBackup;
pub use profile::{Profile, UnknownProfile};
pub use rules::Rule;

/// How a document is processed: which libvirt version to follow, whether the parse is
/// internal (`VIR_DOMAIN_BACKUP_PARSE_INTERNAL`, which also formats with `internal=true`),
/// and whether the result is aligned against the upstream xml2xml test's fake domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Options {
    /// The libvirt version to follow (default: the newest, 11.3).
    pub profile: Profile,
    /// Internal parse and format: no schema check, status-only fields read and printed.
    pub internal: bool,
    /// Align with the fake domain of libvirt's `genericxml2xmltest.c` (suffix `SUFFIX`).
    pub align: bool,
}

/// Reads, checks and parses a document as `virDomainBackupDefParseString(xml, xmlopt,
/// flags)` does: not well-formed, wrong root, schema (non-internal only), then the C
/// parser. Nothing is aligned.
pub fn parse(input: &[u8], options: Options) -> Result<DomainBackup, Rejection> {
    let document = xml::read::read(input)?;
    if document.root.name != "domainbackup" {
        return Err(rules::ROOT_WRONG_NAME
            .reject(&[&document.root.name])
            .at(document.root.position));
    }
    if !options.internal {
        xml::schema::check(&document, options.profile)?;
    }
    xml::semantic::parse(&document.root, options.profile, options.internal)
}

/// The whole pipeline: [`parse`], then (with `options.align`) alignment with the fake domain
/// of libvirt's xml2xml test, then the canonical text as libvirt formats it (internal
/// format for an internal parse).
pub fn process(input: &[u8], options: Options) -> Result<String, Rejection> {
    let mut def = parse(input, options)?;
    if options.align {
        let domain = align::Domain::upstream_test(&def);
        align::align(
            &mut def,
            &domain,
            align::UPSTREAM_TEST_SUFFIX,
            options.profile,
        )?;
    }
    Ok(xml::format::format(&def, options.internal))
}

/// The ways a document is put through the pipeline, as named on command lines, in
/// manifests and in reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Mode {
    /// Public parse (schema checked) and format: what `virDomainBackupBegin` reads.
    Parse,
    /// Public parse, alignment with the upstream test's fake domain, format.
    Align,
    /// Internal parse and format (status XML), not aligned.
    Internal,
    /// Internal parse, alignment, internal format (upstream's `backup-pull-internal-invalid`).
    InternalAlign,
}

impl Mode {
    /// Every mode.
    pub const ALL: [Mode; 4] = [
        Mode::Parse,
        Mode::Align,
        Mode::Internal,
        Mode::InternalAlign,
    ];

    /// The name: `parse`, `align`, `internal`, `internal-align`.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Parse => "parse",
            Mode::Align => "align",
            Mode::Internal => "internal",
            Mode::InternalAlign => "internal-align",
        }
    }

    /// The mode named `name`.
    pub fn from_name(name: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.name() == name)
    }

    /// The pipeline options of this mode under `profile`.
    pub fn options(self, profile: Profile) -> Options {
        Options {
            profile,
            internal: matches!(self, Mode::Internal | Mode::InternalAlign),
            align: matches!(self, Mode::Align | Mode::InternalAlign),
        }
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
