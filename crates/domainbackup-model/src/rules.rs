//! The catalogue of libvirt's rules: one entry per way libvirt refuses a backup document,
//! each with its stable id, the specification's code where it has one, the stage, libvirt's
//! error number and domain, the message template and the libvirt versions it holds in.
//!
//! Every rejection the reference returns carries the entry of the rule that refused the
//! document ([`crate::Rejection::rule`]); the generator breaks rules by entry, the corpus
//! names its files after ids, and reports and the fuzz checks count by id. The catalogue
//! shares wording and numbers between the checkers and the generator, never decisions:
//! what breaks a rule is decided where the rule is enforced, and the generator's
//! expectations still come from the rule it breaks, not from running the reference.
//!
//! This file is a data table. A message template is libvirt's text with `{}` where
//! libvirt puts a value, in order. Where the text comes from libxml2 (not well-formed,
//! schema), the template is this project's own frame for libxml2's detail.

use std::fmt;

use crate::error::{ErrorCode, ErrorDomain, Rejection, Stage};
use crate::profile::Profile;

/// How libvirt reports a rule: error number, domain and message template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Wording {
    /// libvirt's `virErrorNumber`.
    pub code: ErrorCode,
    /// libvirt's `virErrorDomain`.
    pub domain: ErrorDomain,
    /// The message after libvirt's prefix, `{}` where a value goes.
    pub template: &'static str,
}

/// One rule of libvirt's: what refuses a document, and how libvirt says so.
#[non_exhaustive]
pub struct Rule {
    /// The stable id, `stage.subject.what` (`parse.server.socket-not-absolute`).
    pub id: &'static str,
    /// The code of the specification's error catalogue (`B11`), where it has one.
    pub spec: Option<&'static str>,
    /// The stage that enforces the rule.
    pub stage: Stage,
    /// The newest wording.
    pub wording: Wording,
    /// Earlier wordings: each holds up to and including its profile (oldest first).
    pub older: &'static [(Profile, Wording)],
    /// The first profile the rule holds in (`None`: every modelled one).
    pub since: Option<Profile>,
    /// The last profile the rule holds in (`None`: every later one).
    pub until: Option<Profile>,
    /// One line for readers: what the rule asks of a document.
    pub summary: &'static str,
}

impl PartialEq for Rule {
    /// Ids are unique (a test holds that), so two entries are the same rule when their ids are.
    fn eq(&self, other: &Rule) -> bool {
        self.id == other.id
    }
}

impl Eq for Rule {}

impl std::hash::Hash for Rule {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.id.hash(state);
    }
}

impl fmt::Debug for Rule {
    /// The id alone: an entry is known by it, and the table says the rest.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rule({})", self.id)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)
    }
}

impl Rule {
    /// Whether the rule exists in `profile`.
    pub fn holds_in(&self, profile: Profile) -> bool {
        self.since.is_none_or(|s| profile >= s) && self.until.is_none_or(|u| profile <= u)
    }

    /// How `profile`'s libvirt words the rule.
    pub fn wording_in(&self, profile: Profile) -> &Wording {
        self.older
            .iter()
            .find(|(until, _)| profile <= *until)
            .map_or(&self.wording, |(_, w)| w)
    }

    /// Whether every modelled version words the rule the same.
    pub fn has_one_wording(&self) -> bool {
        self.older.is_empty()
    }

    /// libvirt's message in `profile`, prefix included, with `values` in the template's
    /// places, in order (a missing value leaves its place empty; extra ones are ignored).
    pub fn message_in(&self, profile: Profile, values: &[&dyn fmt::Display]) -> String {
        let wording = self.wording_in(profile);
        let mut out = String::with_capacity(wording.template.len() + 32);
        out.push_str(wording.code.prefix());
        fill(&mut out, wording.template, values);
        out
    }

    /// The rejection of this rule in `profile`, with `values` in the message.
    pub fn reject_in(&'static self, profile: Profile, values: &[&dyn fmt::Display]) -> Rejection {
        let wording = self.wording_in(profile);
        Rejection::from_parts(
            self.stage,
            wording.code.number(),
            wording.domain.number(),
            self.message_in(profile, values),
        )
        .by(self)
    }

    /// The rejection of a rule that every modelled version words the same.
    pub fn reject(&'static self, values: &[&dyn fmt::Display]) -> Rejection {
        debug_assert!(self.has_one_wording(), "{} is worded per version", self.id);
        self.reject_in(Profile::default(), values)
    }

    /// How many values the template of `profile` takes.
    pub fn arity_in(&self, profile: Profile) -> usize {
        self.wording_in(profile).template.matches("{}").count()
    }
}

fn fill(out: &mut String, template: &str, values: &[&dyn fmt::Display]) {
    use fmt::Write;
    let mut values = values.iter();
    let mut rest = template;
    while let Some(at) = rest.find("{}") {
        out.push_str(&rest[..at]);
        if let Some(value) = values.next() {
            // Writing into a String cannot fail.
            let _ = write!(out, "{value}");
        }
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
}

/// The catalogue as text, one rule a line: id, spec code, stage, and what the rule asks.
pub fn listing() -> String {
    let width = ALL.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for rule in ALL {
        out.push_str(&format!(
            "{:<width$}  {:<4} {:<11} {}\n",
            rule.id,
            rule.spec.unwrap_or("-"),
            rule.stage.as_str(),
            rule.summary
        ));
    }
    out
}

impl Rule {
    /// The rule for a reader: what it asks, where it holds, and how each modelled libvirt
    /// words it.
    pub fn describe(&self) -> String {
        let mut out = self.id.to_string();
        if let Some(spec) = self.spec {
            out.push_str(&format!(" ({spec})"));
        }
        out.push_str(&format!("\n  {}\n  stage {}", self.summary, self.stage));
        let versions: Vec<&str> = Profile::ALL
            .iter()
            .filter(|p| self.holds_in(**p))
            .map(|p| p.release())
            .collect();
        out.push_str(&format!("; holds in libvirt {}\n", versions.join(", ")));
        let line = |out: &mut String, who: &str, wording: &Wording| {
            out.push_str(&format!(
                "  {who}: code {}, domain {}: {}{}\n",
                wording.code.number(),
                wording.domain.number(),
                wording.code.prefix(),
                wording.template.replace('\n', "\\n")
            ));
        };
        if self.has_one_wording() {
            line(&mut out, "libvirt says", &self.wording);
        } else {
            for profile in Profile::ALL.iter().filter(|p| self.holds_in(**p)) {
                line(&mut out, profile.release(), self.wording_in(*profile));
            }
        }
        out
    }
}

/// The entry with `id`, if there is one.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.id == id)
}

/// The entries the specification's code `spec` (`B11`) names.
pub fn by_spec(spec: &str) -> impl Iterator<Item = &'static Rule> + '_ {
    ALL.iter().copied().filter(move |r| r.spec == Some(spec))
}

/// The longest catalogue id that `name` starts with, followed by `.` or the end
/// (`parse.server.socket-not-absolute.drive-letter` → that rule).
pub fn prefix_of(name: &str) -> Option<&'static Rule> {
    ALL.iter()
        .copied()
        .filter(|r| {
            name.strip_prefix(r.id)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        })
        .max_by_key(|r| r.id.len())
}

// ---- constructors of the table's entries ----

const fn entry(
    id: &'static str,
    spec: Option<&'static str>,
    stage: Stage,
    code: ErrorCode,
    domain: ErrorDomain,
    template: &'static str,
    summary: &'static str,
) -> Rule {
    Rule {
        id,
        spec,
        stage,
        wording: Wording {
            code,
            domain,
            template,
        },
        older: &[],
        since: None,
        until: None,
        summary,
    }
}

/// libxml2 refused the text; libvirt reports its message as `VIR_ERR_XML_DETAIL`.
const fn wf(id: &'static str, summary: &'static str) -> Rule {
    entry(
        id,
        Some("P1"),
        Stage::WellFormed,
        ErrorCode::XmlDetail,
        ErrorDomain::Domain,
        "at line {}, column {}: {}",
        summary,
    )
}

/// A rule of `domainbackup.rng`; libvirt reports every one as P3.
const fn schema(id: &'static str, summary: &'static str) -> Rule {
    entry(
        id,
        Some("P3"),
        Stage::Schema,
        ErrorCode::XmlInvalidSchema,
        ErrorDomain::Xml,
        "Unable to validate doc against {}\n{}",
        summary,
    )
}

/// A check of libvirt's C parser.
const fn parse(
    id: &'static str,
    spec: Option<&'static str>,
    code: ErrorCode,
    domain: ErrorDomain,
    template: &'static str,
    summary: &'static str,
) -> Rule {
    entry(id, spec, Stage::Parse, code, domain, template, summary)
}

/// A check of `virDomainBackupAlignDisks`.
const fn align(
    id: &'static str,
    spec: &'static str,
    template: &'static str,
    summary: &'static str,
) -> Rule {
    entry(
        id,
        Some(spec),
        Stage::Align,
        ErrorCode::ConfigUnsupported,
        ErrorDomain::Domain,
        template,
        summary,
    )
}

const fn since(mut rule: Rule, profile: Profile) -> Rule {
    rule.since = Some(profile);
    rule
}

const fn older(mut rule: Rule, wordings: &'static [(Profile, Wording)]) -> Rule {
    rule.older = wordings;
    rule
}

macro_rules! catalogue {
    ($( $(#[$doc:meta])* $name:ident = $rule:expr; )*) => {
        // Each entry is documented by its `summary` (and its id), shown by `rules` pages.
        $( $(#[$doc])* #[allow(missing_docs)] pub static $name: Rule = $rule; )*
        /// Every entry, in pipeline order.
        pub static ALL: &[&Rule] = &[ $( &$name ),* ];
    };
}

use ErrorCode::{ConfigUnsupported, InvalidArg, XmlDetail, XmlError};
use ErrorDomain::{Domain, None as NoDomain, Storage, Xml};

catalogue! {
    // ---- not well-formed (libxml2) ----
    /// A byte sequence that is not UTF-8.
    WF_INVALID_UTF8 = wf("wf.invalid-utf8", "the document is not proper UTF-8");
    /// An encoding the reader does not have.
    WF_UNSUPPORTED_ENCODING = wf("wf.unsupported-encoding", "the XML declaration names an encoding libxml2 does not support");
    /// No markup at all.
    WF_EMPTY_DOCUMENT = wf("wf.empty-document", "the document is empty");
    /// No root element.
    WF_NO_ROOT_ELEMENT = wf("wf.no-root-element", "the document has no root element ('<' expected)");
    /// An element that is never closed.
    WF_UNCLOSED_ELEMENT = wf("wf.unclosed-element", "every element must be closed before the document ends");
    /// An end tag that does not close the open element.
    WF_TAG_MISMATCH = wf("wf.tag-mismatch", "an end tag must name the element it closes");
    /// Anything after the root element but comments, PIs and blanks.
    WF_EXTRA_CONTENT = wf("wf.extra-content", "nothing but comments, PIs and blanks may follow the root element");
    /// Markup that breaks off before its end.
    WF_TRUNCATED = wf("wf.truncated", "markup (a tag, comment, PI, CDATA section, DOCTYPE) must end before the document does");
    /// Other broken markup.
    WF_MARKUP = wf("wf.markup", "markup must be a tag, comment, PI, CDATA section or DOCTYPE");
    /// A misplaced or malformed XML declaration.
    WF_XML_DECLARATION = wf("wf.xml-declaration", "the XML declaration must come first and be well formed");
    /// A processing instruction with a bad target.
    WF_PROCESSING_INSTRUCTION = wf("wf.processing-instruction", "a processing instruction needs a target name other than 'xml'");
    /// A comment with `--` inside or a `-` before its end.
    WF_COMMENT = wf("wf.comment", "a comment must not contain '--' or end in '-'");
    /// A character XML does not allow.
    WF_INVALID_CHARACTER = wf("wf.invalid-character", "every character must be one XML allows (no control characters)");
    /// A character reference to a character XML does not allow.
    WF_INVALID_CHARACTER_REFERENCE = wf("wf.invalid-character-reference", "a character reference must name a character XML allows");
    /// A reference to an entity that is not declared.
    WF_UNDEFINED_ENTITY = wf("wf.undefined-entity", "an entity reference must name a declared entity");
    /// A malformed reference.
    WF_ENTITY_REFERENCE_SYNTAX = wf("wf.entity-reference-syntax", "an entity reference is '&name;' (a name, then ';')");
    /// An entity that refers to itself.
    WF_ENTITY_LOOP = wf("wf.entity-loop", "an entity must not refer to itself");
    /// An entity whose replacement text cannot stand where it is used.
    WF_ENTITY_CONTENT = wf("wf.entity-content", "an entity used in content or attributes must expand to text (no markup, not external)");
    /// An attribute given twice.
    WF_DUPLICATE_ATTRIBUTE = wf("wf.duplicate-attribute", "an attribute may be given once per element");
    /// A malformed attribute.
    WF_ATTRIBUTE_SYNTAX = wf("wf.attribute-syntax", "an attribute is name='value' with blanks between attributes");
    /// A `<` inside an attribute value.
    WF_LT_IN_ATTRIBUTE = wf("wf.lt-in-attribute", "an attribute value must not contain '<'");
    /// A malformed element or attribute name.
    WF_INVALID_NAME = wf("wf.invalid-name", "element and attribute names must be XML names");
    /// `]]>` in text.
    WF_CDATA_END_IN_CONTENT = wf("wf.cdata-end-in-content", "text must not contain ']]>'");
    /// A malformed or misplaced document type declaration.
    WF_DOCTYPE = wf("wf.doctype", "a DOCTYPE comes once, before the root, and its declarations must be well formed");
    /// A size or depth limit of libxml2's.
    WF_LIMIT = wf("wf.limit", "the document stays within libxml2's limits (size, name length, depth, entity expansion)");

    // ---- root ----
    /// P2.
    ROOT_WRONG_NAME = entry("root.wrong-name", Some("P2"), Stage::Root, XmlError, Xml,
        "expecting root element of 'domainbackup', not '{}'",
        "the root element is <domainbackup>");

    // ---- schema (domainbackup.rng) ----
    SCHEMA_ELEMENT_NAMESPACE = schema("schema.element.namespace", "elements are in no namespace");
    SCHEMA_ATTRIBUTE_NAMESPACE = schema("schema.attribute.namespace", "attributes are in no namespace");
    SCHEMA_ELEMENT_NOT_ALLOWED = schema("schema.element-not-allowed", "only the elements the schema lists, where it lists them");
    SCHEMA_TEXT_NOT_ALLOWED = schema("schema.text-not-allowed", "no text where the schema expects elements");
    SCHEMA_ENTITY_REFERENCE = schema("schema.entity-reference", "no entity references where the schema expects elements");
    SCHEMA_ROOT_NAME = schema("schema.root.name", "the root element is <domainbackup>");
    SCHEMA_ROOT_UNKNOWN_ATTRIBUTE = schema("schema.root.unknown-attribute", "<domainbackup> has only mode");
    SCHEMA_MODE_VALUE = schema("schema.mode.value", "mode is push or pull");
    SCHEMA_INCREMENTAL_DUPLICATE = schema("schema.incremental.duplicate", "at most one <incremental>");
    SCHEMA_DISKS_DUPLICATE = schema("schema.disks.duplicate", "at most one <disks>");
    SCHEMA_PUSH_SERVER_FORBIDDEN = schema("schema.push.server-forbidden", "a push backup has no <server>");
    SCHEMA_PULL_SERVER_REQUIRED = schema("schema.pull.server-required", "a pull backup has a <server>");
    SCHEMA_PULL_SERVER_DUPLICATE = schema("schema.pull.server-duplicate", "a pull backup has one <server>");
    SCHEMA_INCREMENTAL_UNKNOWN_ATTRIBUTE = schema("schema.incremental.unknown-attribute", "<incremental> has no attributes");
    SCHEMA_SERVER_UNKNOWN_ATTRIBUTE = schema("schema.server.unknown-attribute", "<server> has only transport, tls, name, port, socket and fdgroup");
    SCHEMA_SERVER_TLS_VALUE = schema("schema.server.tls-value", "tls is yes or no");
    SCHEMA_SERVER_TRANSPORT_VALUE = schema("schema.server.transport-value", "transport is tcp, unix or (11.x) fd");
    SCHEMA_SERVER_ATTRIBUTE_NOT_ALLOWED_FOR_TRANSPORT = schema("schema.server.attribute-not-allowed-for-transport", "each transport has its own attributes (name/port, socket, fdgroup)");
    SCHEMA_SERVER_NAME_REQUIRED = schema("schema.server.name-required", "a tcp server has a name");
    SCHEMA_SERVER_NAME_PATTERN = schema("schema.server.name-pattern", "name is a DNS name or an IP address");
    SCHEMA_SERVER_PORT_UNSIGNED_INT = schema("schema.server.port-unsigned-int", "port is an unsigned 32-bit decimal");
    SCHEMA_SERVER_SOCKET_REQUIRED = schema("schema.server.socket-required", "a unix server has a socket");
    SCHEMA_SERVER_SOCKET_PATTERN = schema("schema.server.socket-pattern", "socket is an absolute path");
    SCHEMA_SERVER_FDGROUP_REQUIRED = since(schema("schema.server.fdgroup-required", "an fd server has an fdgroup"), Profile::V11_3);
    SCHEMA_DISKS_UNKNOWN_ATTRIBUTE = schema("schema.disks.unknown-attribute", "<disks> has no attributes");
    SCHEMA_DISKS_EMPTY = schema("schema.disks.empty", "<disks> holds at least one <disk>");
    SCHEMA_DISK_UNKNOWN_ATTRIBUTE = schema("schema.disk.unknown-attribute", "<disk> has only the attributes its mode allows");
    SCHEMA_DISK_NAME_REQUIRED = schema("schema.disk.name-required", "a <disk> has a name");
    SCHEMA_DISK_NAME_PATTERN = schema("schema.disk.name-pattern", "a disk name is a target device name (vda, hdb, ...) or a path");
    SCHEMA_DISK_BACKUPMODE_VALUE = schema("schema.disk.backupmode-value", "backupmode is full or incremental");
    SCHEMA_DISK_BACKUPMODE_FULL_WITH_INCREMENTAL = schema("schema.disk.backupmode-full-with-incremental", "backupmode='full' takes no incremental");
    SCHEMA_DISK_BACKUP_VALUE = schema("schema.disk.backup-value", "backup is yes or no");
    SCHEMA_DISK_TYPE_VALUE = schema("schema.disk.type-value", "a disk's type is file or block");
    SCHEMA_DISK_BACKUP_NO_WITH_TYPE = schema("schema.disk.backup-no-with-type", "backup='no' takes no type");
    SCHEMA_DISK_BACKUP_NO_WITH_CHILDREN = schema("schema.disk.backup-no-with-children", "backup='no' takes no children");
    SCHEMA_DISK_TARGET_DUPLICATE = schema("schema.disk.target-duplicate", "at most one <target>");
    SCHEMA_DISK_SCRATCH_DUPLICATE = schema("schema.disk.scratch-duplicate", "at most one <scratch>");
    SCHEMA_DISK_DRIVER_DUPLICATE = schema("schema.disk.driver-duplicate", "at most one <driver>");
    SCHEMA_PUSH_DISK_EXPORT_FORBIDDEN = schema("schema.push.disk-export-forbidden", "a push disk has no exportname or exportbitmap");
    SCHEMA_PUSH_DISK_TYPE_REQUIRED = schema("schema.push.disk-type-required", "a push disk has a type (9.0 always; 11.x when it has attributes beyond name and backup)");
    SCHEMA_PUSH_DISK_CHILDREN_NEED_TYPE = schema("schema.push.disk-children-need-type", "a push disk with children has a type");
    SCHEMA_PULL_DISK_BACKUP_YES_NEEDS_TYPE = schema("schema.pull.disk-backup-yes-needs-type", "a pull disk with backup='yes' has a type");
    SCHEMA_PULL_DRIVER_WITHOUT_SCRATCH = schema("schema.pull.driver-without-scratch", "a pull disk's <driver> needs a <scratch>");
    SCHEMA_PULL_BLOCK_SCRATCH_REQUIRED = schema("schema.pull.block-scratch-required", "a block pull disk has a <scratch>");
    SCHEMA_TARGET_UNKNOWN_ATTRIBUTE = schema("schema.target.unknown-attribute", "<target> has only file or dev");
    SCHEMA_TARGET_PATH_REQUIRED = schema("schema.target.path-required", "<target> has file (file disks) or dev (block disks)");
    SCHEMA_TARGET_PATH_PATTERN = schema("schema.target.path-pattern", "a target path is an absolute path");
    SCHEMA_TARGET_ENCRYPTION_DUPLICATE = schema("schema.target.encryption-duplicate", "at most one <encryption> in a <target>");
    SCHEMA_SCRATCH_UNKNOWN_ATTRIBUTE = schema("schema.scratch.unknown-attribute", "<scratch> has only file or dev");
    SCHEMA_SCRATCH_PATH_REQUIRED = schema("schema.scratch.path-required", "<scratch> has file (file disks) or dev (block disks)");
    SCHEMA_SCRATCH_PATH_PATTERN = schema("schema.scratch.path-pattern", "a scratch path is an absolute path");
    SCHEMA_SCRATCH_ENCRYPTION_DUPLICATE = schema("schema.scratch.encryption-duplicate", "at most one <encryption> in a <scratch>");
    SCHEMA_DRIVER_UNKNOWN_ATTRIBUTE = schema("schema.driver.unknown-attribute", "<driver> has only type");
    SCHEMA_DRIVER_TYPE_REQUIRED = schema("schema.driver.type-required", "<driver> has a type");
    SCHEMA_DRIVER_TYPE_VALUE = schema("schema.driver.type-value", "a driver type is a storage format name");
    SCHEMA_DRIVER_TYPE_QCOW2 = schema("schema.driver.type-qcow2", "a pull scratch's driver type is qcow2");
    SCHEMA_SECLABEL_UNKNOWN_ATTRIBUTE = schema("schema.seclabel.unknown-attribute", "<seclabel> has only model, relabel and labelskip");
    SCHEMA_SECLABEL_RELABEL_VALUE = schema("schema.seclabel.relabel-value", "relabel is yes or no");
    SCHEMA_SECLABEL_LABELSKIP_VALUE = schema("schema.seclabel.labelskip-value", "labelskip is yes or no");
    SCHEMA_SECLABEL_LABELSKIP_WITH_RELABEL = schema("schema.seclabel.labelskip-with-relabel", "labelskip and relabel do not go together");
    SCHEMA_SECLABEL_LABELSKIP_WITH_LABEL = schema("schema.seclabel.labelskip-with-label", "labelskip takes no <label>");
    SCHEMA_SECLABEL_RELABEL_NO_WITH_LABEL = schema("schema.seclabel.relabel-no-with-label", "relabel='no' takes no <label>");
    SCHEMA_SECLABEL_RELABEL_YES_NEEDS_LABEL = schema("schema.seclabel.relabel-yes-needs-label", "relabel='yes' needs a <label> or a model");
    SCHEMA_LABEL_UNKNOWN_ATTRIBUTE = schema("schema.label.unknown-attribute", "<label> has no attributes");
    SCHEMA_ENCRYPTION_UNKNOWN_ATTRIBUTE = schema("schema.encryption.unknown-attribute", "<encryption> has only format and engine");
    SCHEMA_ENCRYPTION_FORMAT_REQUIRED = schema("schema.encryption.format-required", "<encryption> has a format");
    SCHEMA_ENCRYPTION_FORMAT_VALUE = schema("schema.encryption.format-value", "an encryption format is default, qcow, luks, luks2 or luks-any");
    SCHEMA_ENCRYPTION_ENGINE_VALUE = schema("schema.encryption.engine-value", "engine is qemu or librbd");
    SCHEMA_ENCRYPTION_SECRET_REQUIRED = schema("schema.encryption.secret-required", "<encryption> holds a <secret>");
    SCHEMA_ENCRYPTION_SECRET_DUPLICATE = schema("schema.encryption.secret-duplicate", "at most one <secret>");
    SCHEMA_ENCRYPTION_CIPHER_DUPLICATE = schema("schema.encryption.cipher-duplicate", "at most one <cipher>");
    SCHEMA_ENCRYPTION_IVGEN_DUPLICATE = schema("schema.encryption.ivgen-duplicate", "at most one <ivgen>");
    SCHEMA_ENCRYPTION_CIPHER_WITHOUT_IVGEN = schema("schema.encryption.cipher-without-ivgen", "<cipher> comes with <ivgen>");
    SCHEMA_ENCRYPTION_IVGEN_WITHOUT_CIPHER = schema("schema.encryption.ivgen-without-cipher", "<ivgen> comes with <cipher>");
    SCHEMA_ENCRYPTION_IVGEN_BEFORE_CIPHER = schema("schema.encryption.ivgen-before-cipher", "<cipher> comes before <ivgen>");
    SCHEMA_SECRET_UNKNOWN_ATTRIBUTE = schema("schema.secret.unknown-attribute", "<secret> has only type, uuid and usage");
    SCHEMA_SECRET_TYPE_REQUIRED = schema("schema.secret.type-required", "<secret> has a type");
    SCHEMA_SECRET_TYPE_VALUE = schema("schema.secret.type-value", "a secret's type is passphrase");
    SCHEMA_SECRET_UUID_OR_USAGE_REQUIRED = schema("schema.secret.uuid-or-usage-required", "<secret> has uuid or usage");
    SCHEMA_SECRET_UUID_AND_USAGE = schema("schema.secret.uuid-and-usage", "<secret> has uuid or usage, not both");
    SCHEMA_SECRET_UUID_PATTERN = schema("schema.secret.uuid-pattern", "uuid is 32 hex digits, dashes between groups");
    SCHEMA_CIPHER_UNKNOWN_ATTRIBUTE = schema("schema.cipher.unknown-attribute", "<cipher> has only name, size, mode and hash");
    SCHEMA_CIPHER_NAME_REQUIRED = schema("schema.cipher.name-required", "<cipher> has a name");
    SCHEMA_CIPHER_SIZE_REQUIRED = schema("schema.cipher.size-required", "<cipher> has a size");
    SCHEMA_CIPHER_SIZE_UNSIGNED_INT = schema("schema.cipher.size-unsigned-int", "a cipher's size is an unsigned 32-bit decimal");
    SCHEMA_CIPHER_MODE_HASH_PAIR = schema("schema.cipher.mode-hash-pair", "a cipher's mode and hash come together");
    SCHEMA_IVGEN_UNKNOWN_ATTRIBUTE = schema("schema.ivgen.unknown-attribute", "<ivgen> has only name and hash");
    SCHEMA_IVGEN_NAME_REQUIRED = schema("schema.ivgen.name-required", "<ivgen> has a name");

    // ---- libvirt's C parser: <domainbackup> and <server> ----
    PARSE_MODE_UNKNOWN = parse("parse.mode.unknown", Some("B1"), ConfigUnsupported, Domain,
        "unknown backup mode '{}'", "mode is push or pull");
    PARSE_SERVER_REQUIRES_PULL = parse("parse.server.requires-pull", Some("B2"), ConfigUnsupported, Domain,
        "use of <server> requires pull mode backup", "only a pull backup has a <server>");
    PARSE_SERVER_TRANSPORT_UNKNOWN = older(parse("parse.server.transport-unknown", Some("B3"), XmlError, Xml,
        "Invalid value for attribute 'transport' in element 'server': '{}'.",
        "transport is tcp, unix, rdma or (11.x) fd"),
        &[(Profile::V9_0, Wording { code: ConfigUnsupported, domain: Domain,
            template: "unknown protocol transport type '{}'" })]);
    PARSE_SERVER_UNIX_WITHOUT_SOCKET = parse("parse.server.unix-without-socket", Some("B4"), XmlError, Domain,
        "missing socket for unix transport", "a unix server has a socket");
    PARSE_SERVER_SOCKET_NOT_SUPPORTED = parse("parse.server.socket-not-supported", Some("B5"), XmlError, Domain,
        "transport '{}' does not support socket attribute", "only a unix server has a socket");
    PARSE_SERVER_PORT_NOT_A_NUMBER = parse("parse.server.port-not-a-number", Some("B6"), InvalidArg, NoDomain,
        "failed to parse port number '{}'", "port is an unsigned decimal number");
    PARSE_SERVER_PORT_OUT_OF_RANGE = parse("parse.server.port-out-of-range", Some("B7"), InvalidArg, NoDomain,
        "port '{}' out of range", "port is at most 65535");
    PARSE_SERVER_MISSING_NAME = parse("parse.server.missing-name", Some("B8"), XmlError, Domain,
        "missing name for host", "a tcp or rdma server has a name");
    PARSE_SERVER_FD_WITHOUT_FDGROUP = since(parse("parse.server.fd-without-fdgroup", Some("B9"), XmlError, Xml,
        "Missing required attribute 'fdgroup' in element 'server'", "an fd server has an fdgroup"),
        Profile::V11_3);
    PARSE_SERVER_RDMA = parse("parse.server.rdma", Some("B10"), ConfigUnsupported, Domain,
        "transport rdma is not supported for <server>", "a backup server is not rdma");
    PARSE_SERVER_SOCKET_NOT_ABSOLUTE = parse("parse.server.socket-not-absolute", Some("B11"), XmlError, Domain,
        "backup socket path '{}' must be absolute", "a unix server's socket starts with '/'");
    PARSE_SERVER_TLS_VALUE = parse("parse.server.tls-value", Some("B12"), XmlError, Xml,
        "Invalid value for attribute 'tls' in element 'server': '{}'.", "tls is yes or no");

    // ---- libvirt's C parser: <disk> ----
    PARSE_DISK_MISSING_NAME = parse("parse.disk.missing-name", Some("D1"), XmlError, Domain,
        "missing name from disk backup element", "every disk has a name");
    /// The element is the disk's own name (any element below `<disks>` is read as a disk).
    PARSE_DISK_BACKUP_VALUE = parse("parse.disk.backup-value", Some("D2"), XmlError, Xml,
        "Invalid value for attribute 'backup' in element '{}': '{}'.", "backup is yes or no");
    PARSE_DISK_BACKUPMODE_VALUE = parse("parse.disk.backupmode-value", Some("D3"), XmlError, Xml,
        "Invalid value for attribute 'backupmode' in element '{}': '{}'.", "backupmode is full or incremental");
    PARSE_DISK_STATE_MISSING = parse("parse.disk.state-missing", Some("D4"), XmlError, Xml,
        "Missing required attribute 'state' in element '{}'", "an internal disk has a state");
    PARSE_DISK_STATE_VALUE = parse("parse.disk.state-value", Some("D4"), XmlError, Xml,
        "Invalid value for attribute 'state' in element '{}': '{}'.",
        "state is running, complete, failed, cancelling or cancelled");
    PARSE_DISK_TYPE_UNKNOWN = parse("parse.disk.type-unknown", Some("D5"), XmlError, Domain,
        "unknown storage source type '{}'", "a disk's type is a storage source type");
    PARSE_DISK_FORMAT_UNKNOWN = parse("parse.disk.format-unknown", Some("D6"), XmlError, Domain,
        "unknown storage source format '{}'", "a driver type is a storage format (not luks)");
    PARSE_DISK_INDEX_VALUE = parse("parse.disk.index-value", Some("D7"), XmlError, Domain,
        "invalid storage source index '{}'", "an internal disk's index is an unsigned 32-bit number");
    PARSE_DISK_TYPE_UNSUPPORTED = parse("parse.disk.type-unsupported", Some("D8"), XmlError, Domain,
        "unsupported disk backup type '{}'", "a disk's type is file or block");

    // ---- libvirt's C parser: <seclabel> ----
    PARSE_SECLABEL_DUPLICATE_MODEL = parse("parse.seclabel.duplicate-model", Some("S1"), XmlDetail, Domain,
        "seclabel for model {} is already provided", "one <seclabel> per model");
    PARSE_SECLABEL_RELABEL_VALUE = parse("parse.seclabel.relabel-value", Some("S2"), XmlError, Xml,
        "Invalid value for attribute 'relabel' in element 'seclabel': '{}'.", "relabel is yes or no");
    PARSE_SECLABEL_LABELSKIP_VALUE = parse("parse.seclabel.labelskip-value", Some("S2"), XmlError, Xml,
        "Invalid value for attribute 'labelskip' in element 'seclabel': '{}'.", "labelskip is yes or no");
    PARSE_SECLABEL_LABEL_WITH_RELABEL_NO = parse("parse.seclabel.label-with-relabel-no", Some("S3"), XmlError, Domain,
        "Cannot specify a label if relabelling is turned off. model={}", "relabel='no' takes no <label>");

    // ---- libvirt's C parser: <encryption> and secrets ----
    PARSE_ENCRYPTION_FORMAT_MISSING = parse("parse.encryption.format-missing", Some("E1"), XmlError, Storage,
        "unknown volume encryption format", "<encryption> has a format");
    PARSE_ENCRYPTION_FORMAT_UNKNOWN = parse("parse.encryption.format-unknown", Some("E2"), ConfigUnsupported, Storage,
        "unknown volume encryption format type {}", "an encryption format is default, qcow, luks, luks2 or (11.x) luks-any");
    PARSE_ENCRYPTION_ENGINE_VALUE = parse("parse.encryption.engine-value", Some("E3"), XmlError, Xml,
        "Invalid value for attribute 'engine' in element 'encryption': '{}'.", "engine is qemu or librbd");
    PARSE_ENCRYPTION_SECRET_TYPE_MISSING = parse("parse.encryption.secret-type-missing", Some("E4"), XmlError, Storage,
        "unknown volume encryption secret type", "an encryption <secret> has a type");
    PARSE_ENCRYPTION_SECRET_TYPE_UNKNOWN = parse("parse.encryption.secret-type-unknown", Some("E4"), ConfigUnsupported, Storage,
        "unknown volume encryption secret type {}", "an encryption secret's type is passphrase");
    PARSE_SECRET_UUID_OR_USAGE_MISSING = parse("parse.secret.uuid-or-usage-missing", Some("E5"), XmlError, NoDomain,
        "missing secret uuid or usage attribute", "a <secret> has uuid or usage");
    PARSE_SECRET_UUID_AND_USAGE = parse("parse.secret.uuid-and-usage", Some("E5"), XmlError, NoDomain,
        "either secret uuid or usage expected", "a <secret> has uuid or usage, not both");
    PARSE_SECRET_UUID_INVALID = parse("parse.secret.uuid-invalid", Some("E5"), XmlError, NoDomain,
        "invalid secret uuid '{}'", "a secret's uuid is 32 hex digits");
    PARSE_CIPHER_NAME_MISSING = parse("parse.cipher.name-missing", Some("E6"), XmlError, Storage,
        "cipher info missing 'name' attribute", "a luks <cipher> has a name");
    PARSE_CIPHER_SIZE_MISSING = parse("parse.cipher.size-missing", Some("E7"), XmlError, Xml,
        "Missing required attribute 'size' in element 'cipher'", "a luks <cipher> has a size");
    PARSE_CIPHER_SIZE_VALUE = parse("parse.cipher.size-value", Some("E7"), XmlError, Xml,
        "Invalid value for attribute 'size' in element 'cipher': '{}'. Expected non-negative integer value",
        "a cipher's size is an unsigned 32-bit number");
    PARSE_ENCRYPTION_IVGEN_WITHOUT_CIPHER = parse("parse.encryption.ivgen-without-cipher", Some("E8"), XmlError, Storage,
        "ivgen element found, but cipher is missing", "a luks <ivgen> comes with a <cipher>");
    PARSE_IVGEN_NAME_MISSING = parse("parse.ivgen.name-missing", Some("E8"), XmlError, Storage,
        "missing ivgen info name string", "a luks <ivgen> has a name");

    // ---- libvirt's C parser: what only an internal parse reaches in a store ----
    PARSE_AUTH_USERNAME_MISSING = parse("parse.auth.username-missing", None, XmlError, Storage,
        "missing username for auth", "<auth> has a username");
    PARSE_AUTH_TYPE_UNKNOWN = parse("parse.auth.type-unknown", None, ConfigUnsupported, Storage,
        "unknown auth type '{}'", "an auth type is none, chap or ceph");
    PARSE_AUTH_SECRET_MISSING = parse("parse.auth.secret-missing", None, XmlError, Storage,
        "Missing <secret> element in auth", "<auth> holds a <secret>");
    PARSE_RESERVATIONS_MANAGED_MISSING = parse("parse.reservations.managed-missing", None, XmlError, Xml,
        "Missing required attribute 'managed' in element 'reservations'", "<reservations> has managed");
    PARSE_RESERVATIONS_MANAGED_VALUE = parse("parse.reservations.managed-value", None, XmlError, Xml,
        "Invalid value for attribute 'managed' in element 'reservations': '{}'.", "managed is yes or no");
    PARSE_RESERVATIONS_TYPE_MISSING = parse("parse.reservations.type-missing", None, XmlError, Storage,
        "missing connection type for <reservations/>", "a reservations <source> has a type");
    PARSE_RESERVATIONS_PATH_MISSING = parse("parse.reservations.path-missing", None, XmlError, Storage,
        "missing path for <reservations/>", "a reservations <source> has a path");
    PARSE_RESERVATIONS_MODE_MISSING = parse("parse.reservations.mode-missing", None, XmlError, Storage,
        "missing connection mode for <reservations/>", "a reservations <source> has a mode");
    PARSE_RESERVATIONS_TYPE_UNSUPPORTED = parse("parse.reservations.type-unsupported", None, XmlError, Storage,
        "unsupported connection type for <reservations/>: {}", "a reservations source's type is unix");
    PARSE_RESERVATIONS_MODE_UNSUPPORTED = parse("parse.reservations.mode-unsupported", None, XmlError, Storage,
        "unsupported connection mode for <reservations/>: {}", "a reservations source's mode is client");
    PARSE_SLICE_OFFSET_OR_SIZE_MISSING = parse("parse.slice.offset-or-size-missing", None, XmlError, Domain,
        "missing offset or size attribute of slice", "a storage <slice> has offset and size");
    PARSE_SLICE_VALUE = parse("parse.slice.value", None, XmlError, Domain,
        "malformed value '{}' of '{}' attribute of slice", "a slice's offset and size are unsigned 64-bit numbers");

    // ---- alignment with the domain ----
    ALIGN_DOMAIN_WITHOUT_DISKS = align("align.domain-without-disks", "A1",
        "domain must have at least one disk to perform backup", "the domain has a disk");
    ALIGN_NO_DISK_NAMED = align("align.no-disk-named", "A2",
        "no disk named '{}'", "every listed disk is a disk of the domain");
    ALIGN_DISK_SPECIFIED_TWICE = align("align.disk-specified-twice", "A3",
        "disk '{}' specified twice", "each disk is listed once");
    ALIGN_INCREMENTAL_WITHOUT_CHECKPOINT = align("align.incremental-without-checkpoint", "A4",
        "'incremental' backup mode of disk '{}' requires setting 'incremental' field for disk or backup",
        "backupmode='incremental' needs a checkpoint (the disk's or the backup's)");
    ALIGN_DISK_WITHOUT_MEDIA = align("align.disk-without-media", "A5",
        "disk '{}' has no media", "a disk without media is not given a store");
    ALIGN_NO_FILE_NAME = align("align.no-file-name", "A6",
        "refusing to generate file name for disk '{}'", "a store path is generated only for a file disk");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for rule in ALL {
            assert!(seen.insert(rule.id), "{} twice", rule.id);
            let stage = rule.id.split('.').next().unwrap_or("");
            let expected = match rule.stage {
                Stage::WellFormed => "wf",
                Stage::Root => "root",
                Stage::Schema => "schema",
                Stage::Parse => "parse",
                Stage::Align => "align",
            };
            assert_eq!(stage, expected, "{}: id and stage disagree", rule.id);
            assert!(
                rule.id.bytes().all(|b| b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || b == b'.'
                    || b == b'-'),
                "{}",
                rule.id
            );
            assert!(!rule.summary.is_empty(), "{} has no summary", rule.id);
        }
    }

    #[test]
    fn every_spec_code_of_the_catalogue_has_an_entry() {
        let codes = [
            "P1", "P2", "P3", "B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9", "B10", "B11",
            "B12", "D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "S1", "S2", "S3", "E1", "E2",
            "E3", "E4", "E5", "E6", "E7", "E8", "A1", "A2", "A3", "A4", "A5", "A6",
        ];
        for code in codes {
            assert!(by_spec(code).next().is_some(), "{code} has no entry");
        }
    }

    #[test]
    fn messages_fill_the_template_in_order() {
        let r = PARSE_SLICE_VALUE.reject(&[&"x", &"size"]);
        assert_eq!(
            r.message,
            "XML error: malformed value 'x' of 'size' attribute of slice"
        );
        assert_eq!(r.rule, Some(&PARSE_SLICE_VALUE));
        assert_eq!((r.code, r.domain), (27, 20));
        let old = PARSE_SERVER_TRANSPORT_UNKNOWN.reject_in(Profile::V9_0, &[&"sctp"]);
        assert_eq!(
            old.message,
            "unsupported configuration: unknown protocol transport type 'sctp'"
        );
        assert_eq!((old.code, old.domain), (67, 20));
        let new = PARSE_SERVER_TRANSPORT_UNKNOWN.reject_in(Profile::V11_3, &[&"sctp"]);
        assert_eq!((new.code, new.domain), (27, 5));
        assert_eq!(
            PARSE_MODE_UNKNOWN.reject(&[]).message,
            "unsupported configuration: unknown backup mode ''"
        );
    }

    #[test]
    fn a_rule_describes_itself_for_readers() {
        let text = PARSE_SERVER_SOCKET_NOT_ABSOLUTE.describe();
        assert!(
            text.starts_with("parse.server.socket-not-absolute (B11)\n"),
            "{text}"
        );
        assert!(text.contains("libvirt says: code 27, domain 20: XML error: backup socket path '{}' must be absolute"), "{text}");
        let text = PARSE_SERVER_TRANSPORT_UNKNOWN.describe();
        assert!(text.contains("  9.0.0: code 67, domain 20: unsupported configuration: unknown protocol transport type '{}'"), "{text}");
        assert!(
            PARSE_SERVER_FD_WITHOUT_FDGROUP
                .describe()
                .contains("holds in libvirt 11.3.0\n")
        );
        let listing = listing();
        assert_eq!(listing.lines().count(), ALL.len());
        assert!(
            listing
                .lines()
                .any(|l| l.starts_with("align.no-disk-named ") && l.contains(" A2 "))
        );
    }

    #[test]
    fn profiles_and_prefixes() {
        assert!(!PARSE_SERVER_FD_WITHOUT_FDGROUP.holds_in(Profile::V9_0));
        assert!(PARSE_SERVER_FD_WITHOUT_FDGROUP.holds_in(Profile::V11_3));
        assert!(PARSE_MODE_UNKNOWN.holds_in(Profile::V9_0));
        assert_eq!(
            prefix_of("parse.server.socket-not-absolute.drive-letter"),
            Some(&PARSE_SERVER_SOCKET_NOT_ABSOLUTE)
        );
        assert_eq!(
            prefix_of("parse.server.socket-not-absolute"),
            Some(&PARSE_SERVER_SOCKET_NOT_ABSOLUTE)
        );
        assert_eq!(prefix_of("parse.server.socket-not-absolutely"), None);
        assert_eq!(prefix_of("grammar.push.plain"), None);
        assert_eq!(by_id("align.no-disk-named"), Some(&ALIGN_NO_DISK_NAMED));
    }
}
