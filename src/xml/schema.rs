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

use std::fmt;
use std::sync::LazyLock;

use super::tree::{Attribute, Document, Element, Node};
use crate::error::{Position, Rejection, Stage};
use crate::profile::Profile;
use crate::rules::{self, Rule};
use crate::vocabulary;

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

/// The white space of RELAX NG's `normalizeWhiteSpace` and libxml2's `IS_BLANK_CH`.
fn is_xml_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// A `<value>` match with the default `token` datatype: equal after white-space
/// normalization (`expected` holds no white space).
fn token_is(value: &str, expected: &str) -> bool {
    value.trim_matches(is_xml_blank) == expected
}

/// libxml2's `xmlIsBlankNode` for text: empty or only blanks.
fn is_blank_text(text: &str) -> bool {
    text.chars().all(is_xml_blank)
}

/// `unsignedInt` of basictypes.rng: XSD `unsignedInt` with the pattern `[0-9]+` on the raw
/// value.
fn is_unsigned_int(value: &str) -> bool {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let significant = value.trim_start_matches('0');
    significant.len() <= 10
        && significant
            .parse::<u64>()
            .map_or(significant.is_empty(), |n| n <= u64::from(u32::MAX))
}

/// `dnsName`: `[a-zA-Z0-9\.\-]+`.
fn is_dns_name(value: &str) -> bool {
    !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

/// `ipv6Addr` as libxml2 matches it (see the `xsd_regex` module).
fn is_ipv6_addr(value: &str) -> bool {
    static IPV6: LazyLock<xsd_regex::XsdRegex> = LazyLock::new(|| {
        xsd_regex::XsdRegex::compile(IPV6_PATTERN).expect("the ipv6Addr pattern compiles")
    });
    // Every character the pattern can match; anything else fails at once.
    value
        .bytes()
        .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        && IPV6.is_match(value)
}

/// The `<server name>` value: `dnsName` or `ipAddr`. `ipv4Addr` only uses characters of
/// `dnsName` and is never empty, so it adds nothing to the choice.
fn is_host_name(value: &str) -> bool {
    is_dns_name(value) || is_ipv6_addr(value)
}

/// `ipv6Addr` of basictypes.rng (identical in 9.0 and 11.3).
const IPV6_PATTERN: &str = concat!(
    "(([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4})",
    "|(([0-9A-Fa-f]{1,4}:){6}:[0-9A-Fa-f]{1,4})",
    "|(([0-9A-Fa-f]{1,4}:){5}:([0-9A-Fa-f]{1,4}:)?[0-9A-Fa-f]{1,4})",
    "|(([0-9A-Fa-f]{1,4}:){4}:([0-9A-Fa-f]{1,4}:){0,2}[0-9A-Fa-f]{1,4})",
    "|(([0-9A-Fa-f]{1,4}:){3}:([0-9A-Fa-f]{1,4}:){0,3}[0-9A-Fa-f]{1,4})",
    "|(([0-9A-Fa-f]{1,4}:){2}:([0-9A-Fa-f]{1,4}:){0,4}[0-9A-Fa-f]{1,4})",
    "|(([0-9A-Fa-f]{1,4}:){6}(((25[0-5])|(2[0-4][0-9])|(1[0-9]{2})|([1-9][0-9])|([0-9]))\\.){3}",
    "((25[0-5])|(2[0-4][0-9])|(1[0-9]{2})|([1-9][0-9])|([0-9])))",
    "|(([0-9A-Fa-f]{1,4}:){0,5}:(((25[0-5])|(2[0-4][0-9])|(1[0-9]{2})|([1-9][0-9])|([0-9]))\\.){3}",
    "((25[0-5])|(2[0-4][0-9])|(1[0-9]{2})|([1-9][0-9])|([0-9])))",
    "|(::([0-9A-Fa-f]{1,4}:){0,5}(((25[0-5])|(2[0-4][0-9])|(1[0-9]{2})|([1-9][0-9])|([0-9]))\\.){3}",
    "((25[0-5])|(2[0-4][0-9])|(1[0-9]{2})|([1-9][0-9])|([0-9])))",
    "|([0-9A-Fa-f]{1,4}::([0-9A-Fa-f]{1,4}:){0,5}[0-9A-Fa-f]{1,4})",
    "|(::([0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4})",
    "|(([0-9A-Fa-f]{1,4}:){1,7}:)",
    "|(::)",
);

/// `absFilePath`: `(/|[a-zA-Z]:\\).+`, where `.` is any character but CR and LF.
fn is_abs_file_path(value: &str) -> bool {
    let rest = if let Some(rest) = value.strip_prefix('/') {
        rest
    } else {
        let b = value.as_bytes();
        if b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'\\' {
            &value[3..]
        } else {
            return false;
        }
    };
    !rest.is_empty() && !rest.contains(['\n', '\r'])
}

/// `diskTargetDev`: `(ioemu:)?(fd|hd|sd|vd|xvd|ubd)[a-zA-Z0-9_]+`.
fn is_disk_target_dev(value: &str) -> bool {
    let rest = value.strip_prefix("ioemu:").unwrap_or(value);
    let tail = ["fd", "hd", "sd", "vd", "xvd", "ubd"]
        .iter()
        .find_map(|p| rest.strip_prefix(p));
    tail.is_some_and(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
}

/// `UUID`: 32 hex digits, or 8-4-4-4-12 hex digits with dashes.
fn is_uuid(value: &str) -> bool {
    let b = value.as_bytes();
    match b.len() {
        32 => b.iter().all(u8::is_ascii_hexdigit),
        36 => b.iter().enumerate().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                *c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        }),
        _ => false,
    }
}

/// The attributes of an element, by local name, after rejecting namespaced ones and names
/// outside `allowed`.
struct Attrs<'e, const N: usize> {
    found: [Option<&'e Attribute>; N],
}

impl<'e, const N: usize> Attrs<'e, N> {
    fn get(&self, i: usize) -> Option<&'e Attribute> {
        self.found[i]
    }
}

/// What an element may hold besides the elements its content model names.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TextRule {
    /// Element-only (or empty) content: only blank text is allowed.
    Blank,
    /// `<text/>`: any text.
    Any,
}

struct Checker {
    profile: Profile,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Push,
    Pull,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Transport {
    Tcp,
    Unix,
    Fd,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum StoreType {
    File,
    Block,
}

impl StoreType {
    fn path_attribute(self) -> &'static str {
        match self {
            StoreType::File => "file",
            StoreType::Block => "dev",
        }
    }
}

impl Checker {
    /// Sorts the attributes of `e` into the slots named by `allowed`; `unknown` is the rule
    /// for a no-namespace attribute that is not in the list.
    fn attributes<'e, const N: usize>(
        &self,
        e: &'e Element,
        allowed: [&'static str; N],
        unknown: &'static Rule,
        expected: &str,
    ) -> Result<Attrs<'e, N>, SchemaViolation> {
        let mut found = [None; N];
        for a in &e.attributes {
            if let Some(ns) = &a.namespace {
                return Err(violation(
                    &rules::SCHEMA_ATTRIBUTE_NAMESPACE,
                    a.position,
                    format_args!(
                        "attribute '{}' of element '{}' is in namespace {}; the schema allows no namespaced attributes",
                        attribute_name(a),
                        e.name,
                        Quoted(ns)
                    ),
                ));
            }
            match allowed.iter().position(|n| *n == a.name) {
                Some(i) => found[i] = Some(a),
                None => {
                    return Err(violation(
                        unknown,
                        a.position,
                        format_args!(
                            "attribute '{}' is not allowed on element '{}' (value {}); {expected}",
                            a.name,
                            e.name,
                            Quoted(&a.value)
                        ),
                    ));
                }
            }
        }
        Ok(Attrs { found })
    }

    /// Walks the children of `e`: comments and processing instructions are skipped, text is
    /// checked against `text`, and every element in no namespace is handed to `child`.
    fn children<'e>(
        &self,
        e: &'e Element,
        text: TextRule,
        mut child: impl FnMut(&'e Element) -> Checked,
    ) -> Checked {
        for node in &e.children {
            match node {
                Node::Element(c) => {
                    if let Some(ns) = &c.namespace {
                        return Err(violation(
                            &rules::SCHEMA_ELEMENT_NAMESPACE,
                            c.position,
                            format_args!(
                                "element '{}' inside '{}' is in namespace {}; the schema's elements have no namespace",
                                c.qualified_name(),
                                e.name,
                                Quoted(ns)
                            ),
                        ));
                    }
                    child(c)?;
                }
                Node::Text(t) => {
                    if text == TextRule::Blank && !is_blank_text(&t.value) {
                        return Err(violation(
                            &rules::SCHEMA_TEXT_NOT_ALLOWED,
                            t.position,
                            format_args!(
                                "{} {} inside element '{}' is not allowed; only elements and white space may appear there",
                                if t.cdata { "CDATA section" } else { "text" },
                                Quoted(&t.value),
                                e.name
                            ),
                        ));
                    }
                }
                Node::EntityReference(r) => {
                    return Err(violation(
                        &rules::SCHEMA_ENTITY_REFERENCE,
                        r.position,
                        format_args!(
                            "the entity reference &{}; inside element '{}' is not text to the validator (entities are not substituted)",
                            r.name, e.name
                        ),
                    ));
                }
                Node::Comment(_) | Node::ProcessingInstruction(_) => {}
            }
        }
        Ok(())
    }

    fn root(&self, root: &Element) -> Checked {
        if let Some(ns) = &root.namespace {
            return Err(violation(
                &rules::SCHEMA_ELEMENT_NAMESPACE,
                root.position,
                format_args!(
                    "root element '{}' is in namespace {}; expected <domainbackup> in no namespace",
                    root.qualified_name(),
                    Quoted(ns)
                ),
            ));
        }
        if root.name != "domainbackup" {
            return Err(violation(
                &rules::SCHEMA_ROOT_NAME,
                root.position,
                format_args!("root element is '{}'; expected 'domainbackup'", root.name),
            ));
        }
        let attrs = self.attributes(
            root,
            ["mode"],
            &rules::SCHEMA_ROOT_UNKNOWN_ATTRIBUTE,
            "only 'mode' is allowed",
        )?;
        let mode = match attrs.get(0) {
            None => Mode::Push,
            Some(a) if token_is(&a.value, "push") => Mode::Push,
            Some(a) if token_is(&a.value, "pull") => Mode::Pull,
            Some(a) => {
                return Err(violation(
                    &rules::SCHEMA_MODE_VALUE,
                    a.position,
                    format_args!(
                        "attribute 'mode' of <domainbackup> is {}; expected 'push' or 'pull'",
                        Quoted(&a.value)
                    ),
                ));
            }
        };
        let mut incremental = false;
        let mut disks = false;
        let mut server = false;
        self.children(root, TextRule::Blank, |c| match &*c.name {
            "incremental" => {
                if std::mem::replace(&mut incremental, true) {
                    return Err(violation(
                        &rules::SCHEMA_INCREMENTAL_DUPLICATE,
                        c.position,
                        format_args!("a second <incremental> element; at most one is allowed"),
                    ));
                }
                self.incremental(c)
            }
            "disks" => {
                if std::mem::replace(&mut disks, true) {
                    return Err(violation(
                        &rules::SCHEMA_DISKS_DUPLICATE,
                        c.position,
                        format_args!("a second <disks> element; at most one is allowed"),
                    ));
                }
                self.disks(c, mode)
            }
            "server" if mode == Mode::Push => Err(violation(
                &rules::SCHEMA_PUSH_SERVER_FORBIDDEN,
                c.position,
                format_args!(
                    "<server> is only allowed in a pull mode backup (mode='pull'); this one is push"
                ),
            )),
            "server" => {
                if std::mem::replace(&mut server, true) {
                    return Err(violation(
                        &rules::SCHEMA_PULL_SERVER_DUPLICATE,
                        c.position,
                        format_args!(
                            "a second <server> element; a pull mode backup has exactly one"
                        ),
                    ));
                }
                self.server(c)
            }
            _ => Err(element_not_allowed(
                c,
                root,
                "expected <incremental>, <disks> or (pull mode) <server>",
            )),
        })?;
        if mode == Mode::Pull && !server {
            return Err(violation(
                &rules::SCHEMA_PULL_SERVER_REQUIRED,
                root.position,
                format_args!(
                    "a pull mode backup (mode='pull') needs a <server> element; none was found"
                ),
            ));
        }
        Ok(())
    }

    fn incremental(&self, e: &Element) -> Checked {
        self.attributes(
            e,
            [],
            &rules::SCHEMA_INCREMENTAL_UNKNOWN_ATTRIBUTE,
            "<incremental> takes no attributes",
        )?;
        self.children(e, TextRule::Any, |c| {
            Err(element_not_allowed(
                c,
                e,
                "<incremental> holds only text (a checkpoint name)",
            ))
        })
    }

    fn server(&self, e: &Element) -> Checked {
        const TLS: usize = 0;
        const TRANSPORT: usize = 1;
        const NAME: usize = 2;
        const PORT: usize = 3;
        const SOCKET: usize = 4;
        const FDGROUP: usize = 5;
        let expected = if self.profile.has_fd_transport() {
            "<server> takes tls, transport, name, port, socket and fdgroup"
        } else {
            "<server> takes tls, transport, name, port and socket"
        };
        let attrs = self.attributes(
            e,
            ["tls", "transport", "name", "port", "socket", "fdgroup"],
            &rules::SCHEMA_SERVER_UNKNOWN_ATTRIBUTE,
            expected,
        )?;
        if let Some(a) = attrs
            .get(TLS)
            .filter(|a| !token_is(&a.value, "yes") && !token_is(&a.value, "no"))
        {
            return Err(violation(
                &rules::SCHEMA_SERVER_TLS_VALUE,
                a.position,
                format_args!(
                    "attribute 'tls' of <server> is {}; expected 'yes' or 'no'",
                    Quoted(&a.value)
                ),
            ));
        }
        let transport = match attrs.get(TRANSPORT) {
            None => Transport::Tcp,
            Some(a) if token_is(&a.value, "tcp") => Transport::Tcp,
            Some(a) if token_is(&a.value, "unix") => Transport::Unix,
            Some(a) if token_is(&a.value, "fd") && self.profile.has_fd_transport() => Transport::Fd,
            Some(a) => {
                return Err(violation(
                    &rules::SCHEMA_SERVER_TRANSPORT_VALUE,
                    a.position,
                    format_args!(
                        "attribute 'transport' of <server> is {}; expected {}",
                        Quoted(&a.value),
                        if self.profile.has_fd_transport() {
                            "'tcp', 'unix' or 'fd'"
                        } else {
                            "'tcp' or 'unix'"
                        }
                    ),
                ));
            }
        };
        let (required, forbidden): (usize, [usize; 3]) = match transport {
            Transport::Tcp => (NAME, [SOCKET, FDGROUP, FDGROUP]),
            Transport::Unix => (SOCKET, [NAME, PORT, FDGROUP]),
            Transport::Fd => (FDGROUP, [NAME, PORT, SOCKET]),
        };
        let transport_name = match transport {
            Transport::Tcp => "tcp",
            Transport::Unix => "unix",
            Transport::Fd => "fd",
        };
        for i in forbidden {
            if let Some(a) = attrs.get(i) {
                return Err(violation(
                    &rules::SCHEMA_SERVER_ATTRIBUTE_NOT_ALLOWED_FOR_TRANSPORT,
                    a.position,
                    format_args!(
                        "attribute '{}' of <server> is not allowed with transport '{transport_name}' (value {})",
                        a.name,
                        Quoted(&a.value)
                    ),
                ));
            }
        }
        let Some(value) = attrs.get(required) else {
            let (rule, what) = match transport {
                Transport::Tcp => (
                    &rules::SCHEMA_SERVER_NAME_REQUIRED,
                    "attribute 'name' (the host)",
                ),
                Transport::Unix => (&rules::SCHEMA_SERVER_SOCKET_REQUIRED, "attribute 'socket'"),
                Transport::Fd => (
                    &rules::SCHEMA_SERVER_FDGROUP_REQUIRED,
                    "attribute 'fdgroup'",
                ),
            };
            return Err(violation(
                rule,
                e.position,
                format_args!(
                    "<server> with transport '{transport_name}' needs {what}; it is missing"
                ),
            ));
        };
        match transport {
            Transport::Tcp => {
                if !is_host_name(&value.value) {
                    return Err(violation(
                        &rules::SCHEMA_SERVER_NAME_PATTERN,
                        value.position,
                        format_args!(
                            "attribute 'name' of <server> is {}; expected a DNS name ([a-zA-Z0-9.-]+) or an IPv4/IPv6 address",
                            Quoted(&value.value)
                        ),
                    ));
                }
                if let Some(port) = attrs.get(PORT).filter(|p| !is_unsigned_int(&p.value)) {
                    return Err(violation(
                        &rules::SCHEMA_SERVER_PORT_UNSIGNED_INT,
                        port.position,
                        format_args!(
                            "attribute 'port' of <server> is {}; expected digits only ([0-9]+) with a value of at most 4294967295",
                            Quoted(&port.value)
                        ),
                    ));
                }
            }
            Transport::Unix => {
                if !is_abs_file_path(&value.value) {
                    return Err(violation(
                        &rules::SCHEMA_SERVER_SOCKET_PATTERN,
                        value.position,
                        format_args!(
                            "attribute 'socket' of <server> is {}; expected an absolute path ('/' or a drive like 'C:\\' followed by at least one character, no line breaks)",
                            Quoted(&value.value)
                        ),
                    ));
                }
            }
            Transport::Fd => {}
        }
        self.children(e, TextRule::Blank, |c| {
            Err(element_not_allowed(c, e, "<server> has no content"))
        })
    }

    fn disks(&self, e: &Element, mode: Mode) -> Checked {
        self.attributes(
            e,
            [],
            &rules::SCHEMA_DISKS_UNKNOWN_ATTRIBUTE,
            "<disks> takes no attributes",
        )?;
        let mut any = false;
        self.children(e, TextRule::Blank, |c| {
            if c.name == "disk" {
                any = true;
                match mode {
                    Mode::Push => self.push_disk(c),
                    Mode::Pull => self.pull_disk(c),
                }
            } else {
                Err(element_not_allowed(
                    c,
                    e,
                    "<disks> holds only <disk> elements",
                ))
            }
        })?;
        if !any {
            return Err(violation(
                &rules::SCHEMA_DISKS_EMPTY,
                e.position,
                format_args!("<disks> must hold at least one <disk>; it has none"),
            ));
        }
        Ok(())
    }

    /// The attributes both disk forms share: `name` and `backupDiskMode`.
    fn disk_common(
        &self,
        e: &Element,
        name: Option<&Attribute>,
        backupmode: Option<&Attribute>,
        incremental: Option<&Attribute>,
    ) -> Checked {
        let Some(name) = name else {
            return Err(violation(
                &rules::SCHEMA_DISK_NAME_REQUIRED,
                e.position,
                format_args!(
                    "<disk> needs attribute 'name' (the disk target, e.g. 'vda'); it is missing"
                ),
            ));
        };
        if !is_disk_target_dev(&name.value) {
            return Err(violation(
                &rules::SCHEMA_DISK_NAME_PATTERN,
                name.position,
                format_args!(
                    "attribute 'name' of <disk> is {}; expected a disk target matching (ioemu:)?(fd|hd|sd|vd|xvd|ubd)[a-zA-Z0-9_]+",
                    Quoted(&name.value)
                ),
            ));
        }
        if let Some(mode) = backupmode {
            if token_is(&mode.value, "full") {
                if let Some(inc) = incremental {
                    return Err(violation(
                        &rules::SCHEMA_DISK_BACKUPMODE_FULL_WITH_INCREMENTAL,
                        inc.position,
                        format_args!(
                            "<disk name={}> has backupmode='full' and incremental={}; 'incremental' is only allowed with backupmode='incremental' or without backupmode",
                            Quoted(&name.value),
                            Quoted(&inc.value)
                        ),
                    ));
                }
            } else if !token_is(&mode.value, "incremental") {
                return Err(violation(
                    &rules::SCHEMA_DISK_BACKUPMODE_VALUE,
                    mode.position,
                    format_args!(
                        "attribute 'backupmode' of <disk name={}> is {}; expected 'full' or 'incremental'",
                        Quoted(&name.value),
                        Quoted(&mode.value)
                    ),
                ));
            }
        }
        Ok(())
    }

    /// `backup` and `type`: `Ok((backup_no, type))`.
    fn disk_backup_and_type(
        &self,
        backup: Option<&Attribute>,
        kind: Option<&Attribute>,
    ) -> Result<(bool, Option<StoreType>), SchemaViolation> {
        let backup_no = match backup {
            None => false,
            Some(a) if token_is(&a.value, "yes") => false,
            Some(a) if token_is(&a.value, "no") => true,
            Some(a) => {
                return Err(violation(
                    &rules::SCHEMA_DISK_BACKUP_VALUE,
                    a.position,
                    format_args!(
                        "attribute 'backup' of <disk> is {}; expected 'yes' or 'no'",
                        Quoted(&a.value)
                    ),
                ));
            }
        };
        let store = match kind {
            None => None,
            Some(a) if token_is(&a.value, "file") => Some(StoreType::File),
            Some(a) if token_is(&a.value, "block") => Some(StoreType::Block),
            Some(a) => {
                return Err(violation(
                    &rules::SCHEMA_DISK_TYPE_VALUE,
                    a.position,
                    format_args!(
                        "attribute 'type' of <disk> is {}; expected 'file' or 'block'",
                        Quoted(&a.value)
                    ),
                ));
            }
        };
        if let Some(a) = kind.filter(|_| backup_no) {
            return Err(violation(
                &rules::SCHEMA_DISK_BACKUP_NO_WITH_TYPE,
                a.position,
                format_args!(
                    "<disk backup='no'> must not have attribute 'type' (here {})",
                    Quoted(&a.value)
                ),
            ));
        }
        Ok((backup_no, store))
    }

    fn push_disk(&self, e: &Element) -> Checked {
        let attrs = self.attributes(
            e,
            [
                "name",
                "backupmode",
                "incremental",
                "backup",
                "type",
                "exportname",
                "exportbitmap",
            ],
            &rules::SCHEMA_DISK_UNKNOWN_ATTRIBUTE,
            "a push mode <disk> takes name, backupmode, incremental, backup and type",
        )?;
        for i in [5, 6] {
            if let Some(a) = attrs.get(i) {
                return Err(violation(
                    &rules::SCHEMA_PUSH_DISK_EXPORT_FORBIDDEN,
                    a.position,
                    format_args!(
                        "attribute '{}' (value {}) is only allowed on a pull mode <disk>; this backup is push",
                        a.name,
                        Quoted(&a.value)
                    ),
                ));
            }
        }
        self.disk_common(e, attrs.get(0), attrs.get(1), attrs.get(2))?;
        let (backup_no, store) = self.disk_backup_and_type(attrs.get(3), attrs.get(4))?;
        if backup_no {
            return self.children(e, TextRule::Blank, |c| Err(backup_no_children(c)));
        }
        let Some(store) = store else {
            if !self.profile.schema_allows_plain_push_disk() {
                return Err(violation(
                    &rules::SCHEMA_PUSH_DISK_TYPE_REQUIRED,
                    e.position,
                    format_args!(
                        "a push mode <disk> without backup='no' needs attribute 'type' ('file' or 'block') in libvirt {}",
                        self.profile.release()
                    ),
                ));
            }
            return self.children(e, TextRule::Blank, |c| {
                if c.name == "target" || c.name == "driver" {
                    Err(violation(
                        &rules::SCHEMA_PUSH_DISK_CHILDREN_NEED_TYPE,
                        c.position,
                        format_args!("<{}> inside a push mode <disk> needs attribute 'type' ('file' or 'block') on the <disk>", c.name),
                    ))
                } else {
                    Err(element_not_allowed(c, e, "a push mode <disk> holds <target> and <driver>"))
                }
            });
        };
        let mut target = false;
        let mut driver = false;
        self.children(e, TextRule::Blank, |c| match &*c.name {
            "target" => {
                if std::mem::replace(&mut target, true) {
                    return Err(violation(
                        &rules::SCHEMA_DISK_TARGET_DUPLICATE,
                        c.position,
                        format_args!("a second <target> in a <disk>; at most one is allowed"),
                    ));
                }
                self.store(c, store, false)
            }
            "driver" => {
                if std::mem::replace(&mut driver, true) {
                    return Err(duplicate_driver(c));
                }
                self.driver(c, Mode::Push)
            }
            _ => Err(element_not_allowed(
                c,
                e,
                "a push mode <disk> holds <target> and <driver>",
            )),
        })
    }

    fn pull_disk(&self, e: &Element) -> Checked {
        let attrs = self.attributes(
            e,
            ["name", "backupmode", "incremental", "backup", "type", "exportname", "exportbitmap"],
            &rules::SCHEMA_DISK_UNKNOWN_ATTRIBUTE,
            "a pull mode <disk> takes name, backupmode, incremental, exportname, exportbitmap, backup and type",
        )?;
        self.disk_common(e, attrs.get(0), attrs.get(1), attrs.get(2))?;
        let (backup_no, store) = self.disk_backup_and_type(attrs.get(3), attrs.get(4))?;
        if backup_no {
            return self.children(e, TextRule::Blank, |c| Err(backup_no_children(c)));
        }
        if let Some(backup) = attrs.get(3).filter(|_| store.is_none()) {
            return Err(violation(
                &rules::SCHEMA_PULL_DISK_BACKUP_YES_NEEDS_TYPE,
                backup.position,
                format_args!(
                    "a pull mode <disk> with backup={} also needs attribute 'type' ('file' or 'block')",
                    Quoted(&backup.value)
                ),
            ));
        }
        let store = store.unwrap_or(StoreType::File);
        let mut scratch = false;
        let mut driver: Option<&Element> = None;
        self.children(e, TextRule::Blank, |c| match &*c.name {
            "scratch" => {
                if std::mem::replace(&mut scratch, true) {
                    return Err(violation(
                        &rules::SCHEMA_DISK_SCRATCH_DUPLICATE,
                        c.position,
                        format_args!("a second <scratch> in a <disk>; at most one is allowed"),
                    ));
                }
                self.store(c, store, true)
            }
            "driver" => {
                if driver.replace(c).is_some() {
                    return Err(duplicate_driver(c));
                }
                self.driver(c, Mode::Pull)
            }
            _ => Err(element_not_allowed(
                c,
                e,
                "a pull mode <disk> holds <scratch> and <driver>",
            )),
        })?;
        if !scratch {
            if store == StoreType::Block {
                return Err(violation(
                    &rules::SCHEMA_PULL_BLOCK_SCRATCH_REQUIRED,
                    e.position,
                    format_args!(
                        "a pull mode <disk type='block'> needs a <scratch dev='...'> element; none was found"
                    ),
                ));
            }
            if let Some(d) = driver {
                return Err(violation(
                    &rules::SCHEMA_PULL_DRIVER_WITHOUT_SCRATCH,
                    d.position,
                    format_args!(
                        "<driver> in a pull mode <disk> is only allowed together with <scratch>"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// `<target>` (push) or `<scratch>` (pull) of a file or block disk.
    fn store(&self, e: &Element, store: StoreType, scratch: bool) -> Checked {
        let (unknown, required, pattern, duplicate) = if scratch {
            (
                &rules::SCHEMA_SCRATCH_UNKNOWN_ATTRIBUTE,
                &rules::SCHEMA_SCRATCH_PATH_REQUIRED,
                &rules::SCHEMA_SCRATCH_PATH_PATTERN,
                &rules::SCHEMA_SCRATCH_ENCRYPTION_DUPLICATE,
            )
        } else {
            (
                &rules::SCHEMA_TARGET_UNKNOWN_ATTRIBUTE,
                &rules::SCHEMA_TARGET_PATH_REQUIRED,
                &rules::SCHEMA_TARGET_PATH_PATTERN,
                &rules::SCHEMA_TARGET_ENCRYPTION_DUPLICATE,
            )
        };
        let path_name = store.path_attribute();
        let (disk_type, expected) = match (store, scratch) {
            (StoreType::File, false) => ("file", "<target> of a file disk takes only 'file'"),
            (StoreType::Block, false) => ("block", "<target> of a block disk takes only 'dev'"),
            (StoreType::File, true) => ("file", "<scratch> of a file disk takes only 'file'"),
            (StoreType::Block, true) => ("block", "<scratch> of a block disk takes only 'dev'"),
        };
        let attrs = self.attributes(e, [path_name], unknown, expected)?;
        let Some(path) = attrs.get(0) else {
            return Err(violation(
                required,
                e.position,
                format_args!(
                    "<{}> of a {disk_type} disk needs attribute '{path_name}'; it is missing",
                    e.name
                ),
            ));
        };
        if !is_abs_file_path(&path.value) {
            return Err(violation(
                pattern,
                path.position,
                format_args!(
                    "attribute '{path_name}' of <{}> is {}; expected an absolute path ('/' or a drive like 'C:\\' followed by at least one character, no line breaks)",
                    e.name,
                    Quoted(&path.value)
                ),
            ));
        }
        let mut encryption = false;
        self.children(e, TextRule::Blank, |c| match &*c.name {
            "seclabel" => self.seclabel(c),
            "encryption" => {
                if std::mem::replace(&mut encryption, true) {
                    return Err(violation(
                        duplicate,
                        c.position,
                        format_args!(
                            "a second <encryption> in <{}>; at most one is allowed",
                            e.name
                        ),
                    ));
                }
                self.encryption(c)
            }
            _ => Err(element_not_allowed(
                c,
                e,
                "it holds <seclabel> and <encryption> elements",
            )),
        })
    }

    fn driver(&self, e: &Element, mode: Mode) -> Checked {
        let attrs = self.attributes(
            e,
            ["type"],
            &rules::SCHEMA_DRIVER_UNKNOWN_ATTRIBUTE,
            "<driver> takes only 'type'",
        )?;
        let Some(kind) = attrs.get(0) else {
            return Err(violation(
                &rules::SCHEMA_DRIVER_TYPE_REQUIRED,
                e.position,
                format_args!("<driver> needs attribute 'type' (the image format); it is missing"),
            ));
        };
        match mode {
            Mode::Push => {
                if !vocabulary::STORAGE_FORMATS
                    .iter()
                    .any(|f| token_is(&kind.value, f))
                {
                    return Err(violation(
                        &rules::SCHEMA_DRIVER_TYPE_VALUE,
                        kind.position,
                        format_args!(
                            "attribute 'type' of <driver> is {}; expected a storage format ({})",
                            Quoted(&kind.value),
                            vocabulary::STORAGE_FORMATS.join(", ")
                        ),
                    ));
                }
            }
            Mode::Pull => {
                if !token_is(&kind.value, "qcow2") {
                    return Err(violation(
                        &rules::SCHEMA_DRIVER_TYPE_QCOW2,
                        kind.position,
                        format_args!(
                            "attribute 'type' of <driver> in a pull mode backup is {}; only 'qcow2' is allowed",
                            Quoted(&kind.value)
                        ),
                    ));
                }
            }
        }
        self.children(e, TextRule::Blank, |c| {
            Err(element_not_allowed(c, e, "<driver> has no content"))
        })
    }

    fn seclabel(&self, e: &Element) -> Checked {
        let attrs = self.attributes(
            e,
            ["model", "relabel", "labelskip"],
            &rules::SCHEMA_SECLABEL_UNKNOWN_ATTRIBUTE,
            "<seclabel> takes model, relabel and labelskip",
        )?;
        let relabel = attrs.get(1);
        let labelskip = attrs.get(2);
        let relabel_no = match relabel {
            None => false,
            Some(a) if token_is(&a.value, "yes") => false,
            Some(a) if token_is(&a.value, "no") => true,
            Some(a) => {
                return Err(violation(
                    &rules::SCHEMA_SECLABEL_RELABEL_VALUE,
                    a.position,
                    format_args!(
                        "attribute 'relabel' of <seclabel> is {}; expected 'yes' or 'no'",
                        Quoted(&a.value)
                    ),
                ));
            }
        };
        if let Some(a) = labelskip {
            if !token_is(&a.value, "yes") {
                return Err(violation(
                    &rules::SCHEMA_SECLABEL_LABELSKIP_VALUE,
                    a.position,
                    format_args!(
                        "attribute 'labelskip' of <seclabel> is {}; only 'yes' is allowed",
                        Quoted(&a.value)
                    ),
                ));
            }
            if let Some(r) = relabel {
                return Err(violation(
                    &rules::SCHEMA_SECLABEL_LABELSKIP_WITH_RELABEL,
                    r.position,
                    format_args!(
                        "<seclabel labelskip='yes'> must not also have relabel={}",
                        Quoted(&r.value)
                    ),
                ));
            }
        }
        let mut labels = 0usize;
        self.children(e, TextRule::Blank, |c| {
            if c.name != "label" {
                return Err(element_not_allowed(
                    c,
                    e,
                    "<seclabel> holds only <label> elements",
                ));
            }
            if labelskip.is_some() {
                return Err(violation(
                    &rules::SCHEMA_SECLABEL_LABELSKIP_WITH_LABEL,
                    c.position,
                    format_args!("<seclabel labelskip='yes'> must not hold a <label>"),
                ));
            }
            if relabel_no {
                return Err(violation(
                    &rules::SCHEMA_SECLABEL_RELABEL_NO_WITH_LABEL,
                    c.position,
                    format_args!("<seclabel relabel='no'> must not hold a <label>"),
                ));
            }
            labels += 1;
            self.attributes(
                c,
                [],
                &rules::SCHEMA_LABEL_UNKNOWN_ATTRIBUTE,
                "<label> takes no attributes",
            )?;
            self.children(c, TextRule::Any, |g| {
                Err(element_not_allowed(g, c, "<label> holds only text"))
            })
        })?;
        if labels == 0 && labelskip.is_none() && !relabel_no {
            return Err(violation(
                &rules::SCHEMA_SECLABEL_RELABEL_YES_NEEDS_LABEL,
                e.position,
                format_args!(
                    "<seclabel{}> needs at least one <label> (or relabel='no', or labelskip='yes' instead)",
                    if relabel.is_some() {
                        " relabel='yes'"
                    } else {
                        ""
                    }
                ),
            ));
        }
        Ok(())
    }

    fn encryption(&self, e: &Element) -> Checked {
        let attrs = self.attributes(
            e,
            ["format", "engine"],
            &rules::SCHEMA_ENCRYPTION_UNKNOWN_ATTRIBUTE,
            "<encryption> takes format and engine",
        )?;
        let Some(format) = attrs.get(0) else {
            return Err(violation(
                &rules::SCHEMA_ENCRYPTION_FORMAT_REQUIRED,
                e.position,
                format_args!("<encryption> needs attribute 'format' ('luks'); it is missing"),
            ));
        };
        if !token_is(&format.value, "luks") {
            return Err(violation(
                &rules::SCHEMA_ENCRYPTION_FORMAT_VALUE,
                format.position,
                format_args!(
                    "attribute 'format' of <encryption> is {}; only 'luks' is allowed",
                    Quoted(&format.value)
                ),
            ));
        }
        if let Some(engine) = attrs.get(1).filter(|a| !token_is(&a.value, "qemu")) {
            return Err(violation(
                &rules::SCHEMA_ENCRYPTION_ENGINE_VALUE,
                engine.position,
                format_args!(
                    "attribute 'engine' of <encryption> is {}; only 'qemu' is allowed",
                    Quoted(&engine.value)
                ),
            ));
        }
        let mut secret = false;
        let mut cipher: Option<&Element> = None;
        let mut ivgen: Option<&Element> = None;
        let mut ivgen_first = false;
        self.children(e, TextRule::Blank, |c| match &*c.name {
            "secret" => {
                if std::mem::replace(&mut secret, true) {
                    return Err(violation(
                        &rules::SCHEMA_ENCRYPTION_SECRET_DUPLICATE,
                        c.position,
                        format_args!("a second <secret> in <encryption>; exactly one is allowed"),
                    ));
                }
                self.secret(c)
            }
            "cipher" => {
                if cipher.replace(c).is_some() {
                    return Err(violation(
                        &rules::SCHEMA_ENCRYPTION_CIPHER_DUPLICATE,
                        c.position,
                        format_args!("a second <cipher> in <encryption>; at most one is allowed"),
                    ));
                }
                self.cipher(c)
            }
            "ivgen" => {
                if ivgen.replace(c).is_some() {
                    return Err(violation(
                        &rules::SCHEMA_ENCRYPTION_IVGEN_DUPLICATE,
                        c.position,
                        format_args!("a second <ivgen> in <encryption>; at most one is allowed"),
                    ));
                }
                ivgen_first = cipher.is_none();
                self.ivgen(c)
            }
            _ => Err(element_not_allowed(
                c,
                e,
                "<encryption> holds <secret>, <cipher> and <ivgen>",
            )),
        })?;
        if !secret {
            return Err(violation(
                &rules::SCHEMA_ENCRYPTION_SECRET_REQUIRED,
                e.position,
                format_args!("<encryption> needs a <secret> element; none was found"),
            ));
        }
        // interleave(secret, optional(group(cipher, ivgen))): both or neither, cipher first.
        match (cipher, ivgen) {
            (Some(c), None) => Err(violation(
                &rules::SCHEMA_ENCRYPTION_CIPHER_WITHOUT_IVGEN,
                c.position,
                format_args!(
                    "<cipher> in <encryption> must be followed by an <ivgen>; there is none"
                ),
            )),
            (None, Some(i)) => Err(violation(
                &rules::SCHEMA_ENCRYPTION_IVGEN_WITHOUT_CIPHER,
                i.position,
                format_args!(
                    "<ivgen> in <encryption> is only allowed after a <cipher>; there is none"
                ),
            )),
            (Some(_), Some(i)) if ivgen_first => Err(violation(
                &rules::SCHEMA_ENCRYPTION_IVGEN_BEFORE_CIPHER,
                i.position,
                format_args!(
                    "<ivgen> comes before <cipher> in <encryption>; the schema requires <cipher> first"
                ),
            )),
            _ => Ok(()),
        }
    }

    fn secret(&self, e: &Element) -> Checked {
        let attrs = self.attributes(
            e,
            ["type", "uuid", "usage"],
            &rules::SCHEMA_SECRET_UNKNOWN_ATTRIBUTE,
            "<secret> takes type and either uuid or usage",
        )?;
        let Some(kind) = attrs.get(0) else {
            return Err(violation(
                &rules::SCHEMA_SECRET_TYPE_REQUIRED,
                e.position,
                format_args!("<secret> needs attribute type='passphrase'; it is missing"),
            ));
        };
        if !token_is(&kind.value, "passphrase") {
            return Err(violation(
                &rules::SCHEMA_SECRET_TYPE_VALUE,
                kind.position,
                format_args!(
                    "attribute 'type' of <secret> is {}; only 'passphrase' is allowed",
                    Quoted(&kind.value)
                ),
            ));
        }
        match (attrs.get(1), attrs.get(2)) {
            (None, None) => {
                return Err(violation(
                    &rules::SCHEMA_SECRET_UUID_OR_USAGE_REQUIRED,
                    e.position,
                    format_args!("<secret> needs attribute 'uuid' or 'usage'; it has neither"),
                ));
            }
            (Some(_), Some(usage)) => {
                return Err(violation(
                    &rules::SCHEMA_SECRET_UUID_AND_USAGE,
                    usage.position,
                    format_args!(
                        "<secret> has both 'uuid' and 'usage'; exactly one of them is allowed"
                    ),
                ));
            }
            (Some(uuid), None) if !is_uuid(&uuid.value) => {
                return Err(violation(
                    &rules::SCHEMA_SECRET_UUID_PATTERN,
                    uuid.position,
                    format_args!(
                        "attribute 'uuid' of <secret> is {}; expected 32 hex digits or the 8-4-4-4-12 dashed form",
                        Quoted(&uuid.value)
                    ),
                ));
            }
            _ => {}
        }
        self.children(e, TextRule::Blank, |c| {
            Err(element_not_allowed(c, e, "<secret> has no content"))
        })
    }

    fn cipher(&self, e: &Element) -> Checked {
        let attrs = self.attributes(
            e,
            ["name", "size", "mode", "hash"],
            &rules::SCHEMA_CIPHER_UNKNOWN_ATTRIBUTE,
            "<cipher> takes name, size, mode and hash",
        )?;
        if attrs.get(0).is_none() {
            return Err(violation(
                &rules::SCHEMA_CIPHER_NAME_REQUIRED,
                e.position,
                format_args!("<cipher> needs attribute 'name'; it is missing"),
            ));
        }
        let Some(size) = attrs.get(1) else {
            return Err(violation(
                &rules::SCHEMA_CIPHER_SIZE_REQUIRED,
                e.position,
                format_args!("<cipher> needs attribute 'size'; it is missing"),
            ));
        };
        if !is_unsigned_int(&size.value) {
            return Err(violation(
                &rules::SCHEMA_CIPHER_SIZE_UNSIGNED_INT,
                size.position,
                format_args!(
                    "attribute 'size' of <cipher> is {}; expected digits only ([0-9]+) with a value of at most 4294967295",
                    Quoted(&size.value)
                ),
            ));
        }
        match (attrs.get(2), attrs.get(3)) {
            (Some(a), None) | (None, Some(a)) => {
                return Err(violation(
                    &rules::SCHEMA_CIPHER_MODE_HASH_PAIR,
                    a.position,
                    format_args!(
                        "<cipher> has '{}' without '{}'; mode and hash go together",
                        a.name,
                        if a.name == "mode" { "hash" } else { "mode" }
                    ),
                ));
            }
            _ => {}
        }
        self.children(e, TextRule::Blank, |c| {
            Err(element_not_allowed(c, e, "<cipher> has no content"))
        })
    }

    fn ivgen(&self, e: &Element) -> Checked {
        let attrs = self.attributes(
            e,
            ["name", "hash"],
            &rules::SCHEMA_IVGEN_UNKNOWN_ATTRIBUTE,
            "<ivgen> takes name and hash",
        )?;
        if attrs.get(0).is_none() {
            return Err(violation(
                &rules::SCHEMA_IVGEN_NAME_REQUIRED,
                e.position,
                format_args!("<ivgen> needs attribute 'name'; it is missing"),
            ));
        }
        self.children(e, TextRule::Blank, |c| {
            Err(element_not_allowed(c, e, "<ivgen> has no content"))
        })
    }
}

fn attribute_name(a: &Attribute) -> String {
    match &a.prefix {
        Some(p) => format!("{p}:{}", a.name),
        None => a.name.to_string(),
    }
}

#[cold]
fn element_not_allowed(c: &Element, parent: &Element, expected: &str) -> SchemaViolation {
    violation(
        &rules::SCHEMA_ELEMENT_NOT_ALLOWED,
        c.position,
        format_args!(
            "element <{}> is not allowed inside <{}>; {expected}",
            c.name, parent.name
        ),
    )
}

#[cold]
fn backup_no_children(c: &Element) -> SchemaViolation {
    violation(
        &rules::SCHEMA_DISK_BACKUP_NO_WITH_CHILDREN,
        c.position,
        format_args!(
            "<{}> is not allowed inside a <disk backup='no'>, which has no content",
            c.name
        ),
    )
}

#[cold]
fn duplicate_driver(c: &Element) -> SchemaViolation {
    violation(
        &rules::SCHEMA_DISK_DRIVER_DUPLICATE,
        c.position,
        format_args!("a second <driver> in a <disk>; at most one is allowed"),
    )
}

mod xsd_regex {
    //! A port of libxml2 2.9's XML Schema regular-expression engine (`xmlregexp.c`:
    //! `xmlRegexpCompile` and `xmlRegexpExec`), limited to the constructs the libvirt schemas'
    //! patterns use: literal characters, character classes of ranges and single-character
    //! escapes, `.`, groups, alternation and the quantifiers `?`, `*`, `+`, `{n}`, `{n,m}`,
    //! `{n,}`.
    //!
    //! It is a port, not a regular-expression implementation: it builds the same automaton
    //! (same states, transitions, counters, epsilon elimination and determinism marks) and runs
    //! the same backtracking executor, so it accepts exactly what libxml2 accepts, including
    //! where libxml2 deviates from XML Schema semantics (a counted character run such as
    //! `[0-9A-Fa-f]{1,4}` followed by a second transition on overlapping characters leaves a
    //! rollback point in the middle of the run, so libvirt's `ipv6Addr` accepts `12345::1`).

    const MAX_PUSH: u32 = 10_000_000;
    const INT_MAX: i32 = i32::MAX;

    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    enum AtomKind {
        CharVal,
        Ranges,
        Subreg,
        AnyChar,
    }

    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    enum Quant {
        Once,
        Opt,
        Mult,
        Plus,
        Range,
    }

    #[derive(Clone, Copy, Debug)]
    struct Range {
        /// 0 normal, 1 negated, 2 excluded (subtraction).
        neg: u8,
        /// `.` inside a class (type ANYCHAR) rather than a code point range.
        any: bool,
        start: u32,
        end: u32,
    }

    #[derive(Clone, Debug)]
    struct Atom {
        kind: AtomKind,
        quant: Quant,
        min: i32,
        max: i32,
        codepoint: u32,
        ranges: Vec<Range>,
        start: usize,
        start0: usize,
        stop: usize,
    }

    impl Atom {
        fn new(kind: AtomKind) -> Atom {
            Atom {
                kind,
                quant: Quant::Once,
                min: 0,
                max: 0,
                codepoint: 0,
                ranges: Vec::new(),
                start: 0,
                start0: 0,
                stop: 0,
            }
        }
    }

    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    enum StateType {
        Start,
        Final,
        Trans,
        Sink,
        Unreach,
    }

    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    enum Mark {
        Normal,
        Start,
        Visited,
    }

    #[derive(Clone, Copy, Debug)]
    struct Trans {
        atom: Option<usize>,
        to: i32,
        counter: i32,
        count: i32,
        nd: u8,
    }

    #[derive(Clone, Debug)]
    struct State {
        ty: StateType,
        mark: Mark,
        reached: Mark,
        trans: Vec<Trans>,
        trans_to: Vec<usize>,
    }

    #[derive(Clone, Copy, Debug)]
    struct Counter {
        min: i32,
        max: i32,
    }

    /// A compiled pattern.
    #[derive(Debug)]
    pub struct XsdRegex {
        states: Vec<Option<State>>,
        atoms: Vec<Atom>,
        counters: Vec<Counter>,
    }

    struct Parser<'a> {
        s: &'a [char],
        cur: usize,
        error: Option<&'static str>,
        neg: u8,
        state: usize,
        states: Vec<Option<State>>,
        /// Atoms owned by the automaton (pushed); `atom` is the one being parsed.
        atoms: Vec<Atom>,
        atom: Option<Atom>,
        counters: Vec<Counter>,
    }

    impl<'a> Parser<'a> {
        fn cur(&self) -> char {
            self.s.get(self.cur).copied().unwrap_or('\0')
        }
        fn nxt(&self, i: usize) -> char {
            self.s.get(self.cur + i).copied().unwrap_or('\0')
        }
        fn prev(&self) -> char {
            self.s[self.cur - 1]
        }
        fn next(&mut self) {
            self.cur += 1;
        }
        fn err(&mut self, msg: &'static str) {
            if self.error.is_none() {
                self.error = Some(msg);
            }
        }

        fn new_state(&mut self) -> usize {
            self.states.push(Some(State {
                ty: StateType::Trans,
                mark: Mark::Normal,
                reached: Mark::Normal,
                trans: Vec::new(),
                trans_to: Vec::new(),
            }));
            self.states.len() - 1
        }

        fn st(&mut self, i: usize) -> &mut State {
            self.states[i].as_mut().expect("live state")
        }

        fn push_atom(&mut self, atom: Atom) -> usize {
            self.atoms.push(atom);
            self.atoms.len() - 1
        }

        fn get_counter(&mut self) -> i32 {
            self.counters.push(Counter { min: -1, max: -1 });
            (self.counters.len() - 1) as i32
        }

        /// `xmlRegStateAddTrans`.
        fn add_trans(
            &mut self,
            state: usize,
            atom: Option<usize>,
            target: usize,
            counter: i32,
            count: i32,
        ) {
            add_trans(&mut self.states, state, atom, target, counter, count);
        }

        fn epsilon(&mut self, from: usize, to: Option<usize>) {
            let to = match to {
                Some(t) => t,
                None => {
                    let t = self.new_state();
                    self.state = t;
                    t
                }
            };
            self.add_trans(from, None, to, -1, -1);
        }

        fn counted_epsilon(&mut self, from: usize, to: usize, counter: i32) {
            self.add_trans(from, None, to, counter, -1);
        }

        fn counted_transition(&mut self, from: usize, to: usize, counter: i32) {
            self.add_trans(from, None, to, -1, counter);
        }

        /// `xmlFAGenerateTransitions`.
        fn generate_transitions(&mut self, from: usize, to: Option<usize>, mut atom: Atom) {
            if atom.kind == AtomKind::Subreg {
                let quant = atom.quant;
                let (start, start0, stop) = (atom.start, atom.start0, atom.stop);
                let (min, max) = (atom.min, atom.max);
                atom.min = 0;
                atom.max = 0;
                atom.quant = Quant::Once;
                self.push_atom(atom);
                if let Some(t) = to.filter(|&t| stop != t && quant != Quant::Range) {
                    self.epsilon(stop, Some(t));
                }
                match quant {
                    Quant::Opt => {
                        if to.is_none() {
                            self.epsilon(start, None);
                            let s = self.state;
                            self.epsilon(stop, Some(s));
                        } else {
                            self.epsilon(start, to);
                        }
                    }
                    Quant::Mult => {
                        self.epsilon(start, Some(stop));
                        self.epsilon(stop, Some(start));
                    }
                    Quant::Plus => {
                        self.epsilon(stop, Some(start));
                    }
                    Quant::Range => {
                        let newstate = match to {
                            Some(t) => t,
                            None => self.new_state(),
                        };
                        // atom->start0 is always set for a parenthesised group.
                        let counter = self.get_counter();
                        self.counters[counter as usize] = Counter {
                            min: min - 1,
                            max: max - 1,
                        };
                        self.counted_epsilon(stop, start, counter);
                        self.counted_transition(stop, newstate, counter);
                        if min == 0 {
                            self.epsilon(start0, Some(newstate));
                        }
                        self.state = newstate;
                    }
                    Quant::Once => {}
                }
                return;
            }
            if atom.min == 0 && atom.max == 0 && atom.quant == Quant::Range {
                let to = match to {
                    Some(t) => t,
                    None => self.new_state(),
                };
                self.epsilon(from, Some(to));
                self.state = to;
                return;
            }
            let mut to = match to {
                Some(t) => t,
                None => self.new_state(),
            };
            let end = to;
            if atom.quant == Quant::Mult || atom.quant == Quant::Plus {
                let tmp = self.new_state();
                self.epsilon(tmp, Some(to));
                to = tmp;
            }
            let quant = atom.quant;
            if matches!(quant, Quant::Opt | Quant::Mult | Quant::Plus) {
                atom.quant = Quant::Once;
            }
            let a = self.push_atom(atom);
            self.add_trans(from, Some(a), to, -1, -1);
            self.state = end;
            match quant {
                Quant::Opt => self.epsilon(from, Some(to)),
                Quant::Mult => {
                    self.epsilon(from, Some(to));
                    self.add_trans(to, Some(a), to, -1, -1);
                }
                Quant::Plus => self.add_trans(to, Some(a), to, -1, -1),
                _ => {}
            }
        }

        fn is_char(&self) -> Option<char> {
            let c = self.cur();
            if matches!(
                c,
                '.' | '\\' | '?' | '*' | '+' | '(' | ')' | '|' | '[' | ']' | '\0'
            ) {
                None
            } else {
                Some(c)
            }
        }

        fn add_range(&mut self, neg: u8, any: bool, start: u32, end: u32) {
            match self.atom.as_mut() {
                Some(a) if a.kind == AtomKind::Ranges => a.ranges.push(Range {
                    neg,
                    any,
                    start,
                    end,
                }),
                Some(_) => self.err("add range: atom is not ranges"),
                None => self.err("add range: atom is NULL"),
            }
        }

        /// `xmlFAParseCharClassEsc`, for `.` and the single-character escapes.
        fn parse_char_class_esc(&mut self) {
            if self.cur() == '.' {
                if self.atom.is_none() {
                    self.atom = Some(Atom::new(AtomKind::AnyChar));
                } else if self
                    .atom
                    .as_ref()
                    .is_some_and(|a| a.kind == AtomKind::Ranges)
                {
                    let neg = self.neg;
                    self.add_range(neg, true, 0, 0);
                }
                self.next();
                return;
            }
            if self.cur() != '\\' {
                self.err("Escaped sequence: expecting \\");
                return;
            }
            self.next();
            let c = self.cur();
            if matches!(
                c,
                'n' | 'r'
                    | 't'
                    | '\\'
                    | '|'
                    | '.'
                    | '?'
                    | '*'
                    | '+'
                    | '('
                    | ')'
                    | '{'
                    | '}'
                    | '-'
                    | '['
                    | ']'
                    | '^'
            ) {
                let cp = match c {
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    other => other,
                } as u32;
                if self.atom.is_none() {
                    let mut a = Atom::new(AtomKind::CharVal);
                    a.codepoint = cp;
                    self.atom = Some(a);
                } else if self
                    .atom
                    .as_ref()
                    .is_some_and(|a| a.kind == AtomKind::Ranges)
                {
                    let neg = self.neg;
                    self.add_range(neg, false, cp, cp);
                }
                self.next();
            } else {
                self.err("unsupported escape");
            }
        }

        /// `xmlFAParseCharRange`.
        fn parse_char_range(&mut self) {
            if self.cur() == '\0' {
                self.err("Expecting ']'");
                return;
            }
            let c = self.cur();
            let start;
            if c == '\\' {
                self.next();
                let c = self.cur();
                start = match c {
                    'n' => 0xA,
                    'r' => 0xD,
                    't' => 0x9,
                    '\\' | '|' | '.' | '-' | '^' | '?' | '*' | '+' | '{' | '}' | '(' | ')'
                    | '[' | ']' => c as u32,
                    _ => {
                        self.err("Invalid escape value");
                        return;
                    }
                };
            } else if c != '[' && c != ']' {
                start = c as u32;
            } else {
                self.err("Expecting a char range");
                return;
            }
            let mut end = start;
            if start == '-' as u32 && self.nxt(1) != ']' && self.prev() != '[' && self.prev() != '^'
            {
                self.next();
                return;
            }
            self.next();
            let c = self.cur();
            if c != '-' || self.nxt(1) == ']' {
                let neg = self.neg;
                self.add_range(neg, false, start, end);
                return;
            }
            self.next();
            let c = self.cur();
            if c == '\\' {
                self.next();
                let c = self.cur();
                end = match c {
                    'n' => 0xA,
                    'r' => 0xD,
                    't' => 0x9,
                    '\\' | '|' | '.' | '-' | '^' | '?' | '*' | '+' | '{' | '}' | '(' | ')'
                    | '[' | ']' => c as u32,
                    _ => {
                        self.err("Invalid escape value");
                        return;
                    }
                };
            } else if c != '[' && c != ']' {
                end = c as u32;
            } else {
                self.err("Expecting the end of a char range");
                return;
            }
            self.next();
            if end < start {
                self.err("End of range is before start of range");
            } else {
                let neg = self.neg;
                self.add_range(neg, false, start, end);
            }
        }

        fn parse_pos_char_group(&mut self) {
            loop {
                if self.cur() == '\\' {
                    self.parse_char_class_esc();
                } else {
                    self.parse_char_range();
                }
                let c = self.cur();
                if c == ']' || c == '^' || c == '-' || c == '\0' || self.error.is_some() {
                    break;
                }
            }
        }

        fn parse_char_group(&mut self) {
            let n = self.neg;
            while self.cur() != ']' && self.error.is_none() {
                if self.cur() == '^' {
                    let neg = self.neg;
                    self.next();
                    self.neg = u8::from(self.neg == 0);
                    self.parse_pos_char_group();
                    self.neg = neg;
                } else if self.cur() == '-' && self.nxt(1) == '[' {
                    let neg = self.neg;
                    self.neg = 2;
                    self.next();
                    self.next();
                    self.parse_char_group();
                    if self.cur() == ']' {
                        self.next();
                    } else {
                        self.err("charClassExpr: ']' expected");
                        break;
                    }
                    self.neg = neg;
                    break;
                } else if self.cur() != ']' {
                    self.parse_pos_char_group();
                }
            }
            self.neg = n;
        }

        fn parse_char_class(&mut self) {
            if self.cur() == '[' {
                self.next();
                self.atom = Some(Atom::new(AtomKind::Ranges));
                self.parse_char_group();
                if self.cur() == ']' {
                    self.next();
                } else {
                    self.err("xmlFAParseCharClass: ']' expected");
                }
            } else {
                self.parse_char_class_esc();
            }
        }

        fn parse_quant_exact(&mut self) -> i32 {
            let mut ret: i32 = 0;
            let mut ok = false;
            while self.cur().is_ascii_digit() {
                ret = ret
                    .saturating_mul(10)
                    .saturating_add(self.cur() as i32 - '0' as i32);
                ok = true;
                self.next();
            }
            if ok { ret } else { -1 }
        }

        fn parse_quantifier(&mut self) -> bool {
            let c = self.cur();
            if c == '?' || c == '*' || c == '+' {
                if let Some(a) = self.atom.as_mut() {
                    a.quant = match c {
                        '?' => Quant::Opt,
                        '*' => Quant::Mult,
                        _ => Quant::Plus,
                    };
                }
                self.next();
                return true;
            }
            if c == '{' {
                let mut min = 0;
                let mut max = 0;
                self.next();
                let v = self.parse_quant_exact();
                if v >= 0 {
                    min = v;
                }
                if self.cur() == ',' {
                    self.next();
                    if self.cur() == '}' {
                        max = INT_MAX;
                    } else {
                        let v = self.parse_quant_exact();
                        if v >= 0 {
                            max = v;
                        } else {
                            self.err("Improper quantifier");
                        }
                    }
                }
                if self.cur() == '}' {
                    self.next();
                } else {
                    self.err("Unterminated quantifier");
                }
                if max == 0 {
                    max = min;
                }
                if let Some(a) = self.atom.as_mut() {
                    a.quant = Quant::Range;
                    a.min = min;
                    a.max = max;
                }
                return true;
            }
            false
        }

        fn parse_atom(&mut self) -> bool {
            if let Some(c) = self.is_char() {
                let mut a = Atom::new(AtomKind::CharVal);
                a.codepoint = c as u32;
                self.atom = Some(a);
                self.next();
                return true;
            }
            match self.cur() {
                '|' | '\0' | ')' => false,
                '(' => {
                    self.next();
                    let s = self.state;
                    self.epsilon(s, None);
                    let start0 = self.state;
                    self.epsilon(start0, None);
                    let start = self.state;
                    self.atom = None;
                    self.parse_reg_exp(false);
                    if self.cur() == ')' {
                        self.next();
                    } else {
                        self.err("xmlFAParseAtom: expecting ')'");
                    }
                    let mut a = Atom::new(AtomKind::Subreg);
                    a.start = start;
                    a.start0 = start0;
                    a.stop = self.state;
                    self.atom = Some(a);
                    true
                }
                '[' | '\\' | '.' => {
                    self.parse_char_class();
                    true
                }
                _ => false,
            }
        }

        fn parse_piece(&mut self) -> bool {
            self.atom = None;
            if !self.parse_atom() {
                return false;
            }
            if self.atom.is_none() {
                self.err("internal: no atom generated");
            }
            self.parse_quantifier();
            true
        }

        fn parse_branch(&mut self, to: Option<usize>) {
            let mut previous = self.state;
            let mut ret = self.parse_piece();
            if ret {
                let target = if self.cur() == '|' || self.cur() == ')' {
                    to
                } else {
                    None
                };
                if let Some(atom) = self.atom.take() {
                    self.generate_transitions(previous, target, atom);
                }
                previous = self.state;
            }
            while ret && self.error.is_none() {
                ret = self.parse_piece();
                if ret {
                    let target = if self.cur() == '|' || self.cur() == ')' {
                        to
                    } else {
                        None
                    };
                    if let Some(atom) = self.atom.take() {
                        self.generate_transitions(previous, target, atom);
                    }
                    previous = self.state;
                }
            }
        }

        fn parse_reg_exp(&mut self, top: bool) {
            let start = self.state;
            self.parse_branch(None);
            if top {
                let s = self.state;
                self.st(s).ty = StateType::Final;
            }
            if self.cur() != '|' {
                return;
            }
            let end = self.state;
            while self.cur() == '|' && self.error.is_none() {
                self.next();
                self.state = start;
                self.parse_branch(Some(end));
            }
            if !top {
                self.state = end;
            }
        }
    }

    fn add_trans(
        states: &mut [Option<State>],
        state: usize,
        atom: Option<usize>,
        target: usize,
        counter: i32,
        count: i32,
    ) {
        {
            let s = states[state].as_ref().expect("live state");
            for t in s.trans.iter().rev() {
                if t.atom == atom
                    && t.to == target as i32
                    && t.counter == counter
                    && t.count == count
                {
                    return;
                }
            }
        }
        states[state]
            .as_mut()
            .expect("live state")
            .trans
            .push(Trans {
                atom,
                to: target as i32,
                counter,
                count,
                nd: 0,
            });
        states[target]
            .as_mut()
            .expect("live state")
            .trans_to
            .push(state);
    }

    /// `xmlFAReduceEpsilonTransitions`.
    fn reduce_epsilon(states: &mut [Option<State>], fromnr: usize, tonr: usize, counter: i32) {
        if states[fromnr].is_none() || states[tonr].is_none() {
            return;
        }
        {
            let to = states[tonr].as_mut().unwrap();
            if to.mark == Mark::Start || to.mark == Mark::Visited {
                return;
            }
            to.mark = Mark::Visited;
        }
        if states[tonr].as_ref().unwrap().ty == StateType::Final {
            states[fromnr].as_mut().unwrap().ty = StateType::Final;
        }
        let mut transnr = 0;
        while transnr < states[tonr].as_ref().unwrap().trans.len() {
            let t = states[tonr].as_ref().unwrap().trans[transnr];
            transnr += 1;
            if t.to < 0 {
                continue;
            }
            match t.atom {
                None => {
                    if t.to != fromnr as i32 {
                        if t.count >= 0 {
                            add_trans(states, fromnr, None, t.to as usize, -1, t.count);
                        } else if t.counter >= 0 {
                            reduce_epsilon(states, fromnr, t.to as usize, t.counter);
                        } else {
                            reduce_epsilon(states, fromnr, t.to as usize, counter);
                        }
                    }
                }
                Some(a) => {
                    let c = if t.counter >= 0 { t.counter } else { counter };
                    add_trans(states, fromnr, Some(a), t.to as usize, c, -1);
                }
            }
        }
        states[tonr].as_mut().unwrap().mark = Mark::Normal;
    }

    /// `xmlFAEliminateSimpleEpsilonTransitions`.
    fn eliminate_simple_epsilon(states: &mut [Option<State>]) {
        for statenr in 0..states.len() {
            let Some(state) = states[statenr].as_ref() else {
                continue;
            };
            if state.trans.len() != 1 || state.ty == StateType::Unreach {
                continue;
            }
            let t0 = state.trans[0];
            if !(t0.atom.is_none()
                && t0.to >= 0
                && t0.to != statenr as i32
                && t0.counter < 0
                && t0.count < 0)
            {
                continue;
            }
            let newto = t0.to as usize;
            if state.ty == StateType::Start {
                continue;
            }
            let trans_to = state.trans_to.clone();
            for &tmpnr in &trans_to {
                let mut j = 0;
                while j < states[tmpnr].as_ref().map_or(0, |s| s.trans.len()) {
                    let t = states[tmpnr].as_ref().unwrap().trans[j];
                    if t.to == statenr as i32 {
                        states[tmpnr].as_mut().unwrap().trans[j].to = -1;
                        add_trans(states, tmpnr, t.atom, newto, t.counter, t.count);
                    }
                    j += 1;
                }
            }
            if states[statenr].as_ref().unwrap().ty == StateType::Final {
                states[newto].as_mut().unwrap().ty = StateType::Final;
            }
            let s = states[statenr].as_mut().unwrap();
            s.trans.clear();
            s.ty = StateType::Unreach;
        }
    }

    /// `xmlFAEliminateEpsilonTransitions`.
    fn eliminate_epsilon(states: &mut [Option<State>]) {
        eliminate_simple_epsilon(states);
        for s in states.iter_mut() {
            if s.as_ref().is_some_and(|s| s.ty == StateType::Unreach) {
                *s = None;
            }
        }
        let mut has_epsilon = false;
        for statenr in (0..states.len()).rev() {
            let Some(state) = states[statenr].as_mut() else {
                continue;
            };
            if state.trans.is_empty() && state.ty != StateType::Final {
                state.ty = StateType::Sink;
            }
            let mut transnr = 0;
            while transnr < states[statenr].as_ref().unwrap().trans.len() {
                let t = states[statenr].as_ref().unwrap().trans[transnr];
                if t.atom.is_none() && t.to >= 0 {
                    if t.to == statenr as i32 {
                        states[statenr].as_mut().unwrap().trans[transnr].to = -1;
                    } else if t.count < 0 {
                        let newto = t.to as usize;
                        has_epsilon = true;
                        states[statenr].as_mut().unwrap().trans[transnr].to = -2;
                        states[statenr].as_mut().unwrap().mark = Mark::Start;
                        reduce_epsilon(states, statenr, newto, t.counter);
                        states[statenr].as_mut().unwrap().mark = Mark::Normal;
                    }
                }
                transnr += 1;
            }
        }
        if has_epsilon {
            for s in states.iter_mut().flatten() {
                for t in s.trans.iter_mut() {
                    if t.atom.is_none() && t.count < 0 && t.to >= 0 {
                        t.to = -1;
                    }
                }
            }
        }
        // Unreachable states.
        for s in states.iter_mut().flatten() {
            s.reached = Mark::Normal;
        }
        let mut cur = if states[0].is_some() {
            Some(0usize)
        } else {
            None
        };
        if let Some(c) = cur {
            states[c].as_mut().unwrap().reached = Mark::Start;
        }
        while let Some(c) = cur {
            let mut target = None;
            states[c].as_mut().unwrap().reached = Mark::Visited;
            let trans = states[c].as_ref().unwrap().trans.clone();
            for t in trans {
                if t.to >= 0 && (t.atom.is_some() || t.count >= 0) {
                    let newto = t.to as usize;
                    let Some(ns) = states[newto].as_mut() else {
                        continue;
                    };
                    if ns.reached == Mark::Normal {
                        ns.reached = Mark::Start;
                        target = Some(newto);
                    }
                }
            }
            if target.is_none() {
                for (i, s) in states.iter().enumerate().skip(1) {
                    if s.as_ref().is_some_and(|s| s.reached == Mark::Start) {
                        target = Some(i);
                        break;
                    }
                }
            }
            cur = target;
        }
        for s in states.iter_mut() {
            if s.as_ref().is_some_and(|s| s.reached == Mark::Normal) {
                *s = None;
            }
        }
    }

    fn check_range(r: &Range, cp: u32) -> bool {
        if r.any {
            cp != '\n' as u32 && cp != '\r' as u32
        } else {
            cp >= r.start && cp <= r.end
        }
    }

    fn is_xml_char(cp: u32) -> bool {
        cp == 0x9
            || cp == 0xA
            || cp == 0xD
            || (0x20..=0xD7FF).contains(&cp)
            || (0xE000..=0xFFFD).contains(&cp)
            || (0x10000..=0x10FFFF).contains(&cp)
    }

    /// `xmlRegCheckCharacter`: 1, 0 or -1.
    fn check_character(atom: &Atom, cp: u32) -> i32 {
        if !is_xml_char(cp) {
            return -1;
        }
        match atom.kind {
            AtomKind::Subreg => -1,
            AtomKind::CharVal => i32::from(cp == atom.codepoint),
            AtomKind::AnyChar => i32::from(cp != '\n' as u32 && cp != '\r' as u32),
            AtomKind::Ranges => {
                let mut accept = false;
                for r in &atom.ranges {
                    let hit = check_range(r, cp);
                    if r.neg == 2 {
                        if hit {
                            return 0;
                        }
                    } else if r.neg != 0 {
                        if !hit {
                            accept = true;
                        } else {
                            return 0;
                        }
                    } else if hit {
                        accept = true;
                    }
                }
                i32::from(accept)
            }
        }
    }

    /// `xmlFACompareRanges` for the range types this port supports.
    fn compare_ranges(r1: &Range, r2: &Range) -> bool {
        let mut ret = if r1.any || r2.any {
            true
        } else {
            !(r1.end < r2.start || r2.end < r1.start)
        };
        if (r1.neg == 0) != (r2.neg == 0) {
            ret = !ret;
        }
        ret
    }

    /// `xmlFACompareAtoms` (deep): whether two atoms may match the same character.
    fn compare_atoms(atoms: &[Atom], a1: usize, a2: usize) -> bool {
        if a1 == a2 {
            return true;
        }
        let (mut x, mut y) = (&atoms[a1], &atoms[a2]);
        if x.kind == AtomKind::AnyChar || y.kind == AtomKind::AnyChar {
            return true;
        }
        let order = |k: AtomKind| match k {
            AtomKind::CharVal => 2,
            AtomKind::Ranges => 3,
            AtomKind::Subreg => 4,
            AtomKind::AnyChar => 6,
        };
        if order(x.kind) > order(y.kind) {
            std::mem::swap(&mut x, &mut y);
        }
        match x.kind {
            AtomKind::CharVal => {
                if y.kind == AtomKind::CharVal {
                    x.codepoint == y.codepoint
                } else {
                    check_character(y, x.codepoint) != 0
                }
            }
            AtomKind::Ranges if y.kind == AtomKind::Ranges => x
                .ranges
                .iter()
                .any(|r1| y.ranges.iter().any(|r2| compare_ranges(r1, r2))),
            _ => true,
        }
    }

    /// `xmlFAEqualAtoms` (deep).
    fn equal_atoms(atoms: &[Atom], a1: usize, a2: usize) -> bool {
        if a1 == a2 {
            return true;
        }
        let (x, y) = (&atoms[a1], &atoms[a2]);
        x.kind == AtomKind::CharVal && y.kind == AtomKind::CharVal && x.codepoint == y.codepoint
    }

    /// `xmlFAComputesDeterminism`: removes duplicate transitions and marks the
    /// non-deterministic ones (`nd`), which decide where the executor saves rollback points.
    fn compute_determinism(states: &mut [Option<State>], atoms: &[Atom]) {
        for state in states.iter_mut().flatten() {
            if state.trans.len() < 2 {
                continue;
            }
            for transnr in 0..state.trans.len() {
                let t1 = state.trans[transnr];
                let Some(a1) = t1.atom else { continue };
                if t1.to == -1 {
                    continue;
                }
                for i in 0..transnr {
                    let t2 = state.trans[i];
                    if t2.to == -1 {
                        continue;
                    }
                    let duplicate = t2.atom.is_some_and(|a2| {
                        t1.to == t2.to
                            && equal_atoms(atoms, a1, a2)
                            && t1.counter == t2.counter
                            && t1.count == t2.count
                    });
                    if duplicate {
                        state.trans[i].to = -1;
                    }
                }
            }
        }
        for state in states.iter_mut().flatten() {
            if state.trans.len() < 2 {
                continue;
            }
            let mut last = None;
            for transnr in 0..state.trans.len() {
                let t1 = state.trans[transnr];
                let Some(a1) = t1.atom else { continue };
                if t1.to == -1 {
                    continue;
                }
                for i in 0..transnr {
                    let t2 = state.trans[i];
                    if t2.to == -1 {
                        continue;
                    }
                    if let Some(a2) = t2.atom {
                        if compare_atoms(atoms, a1, a2) {
                            state.trans[transnr].nd = 1;
                            state.trans[i].nd = 1;
                            last = Some(transnr);
                        }
                    }
                    // A remaining epsilon-like (counted) transition t2 only leads to
                    // xmlFARecurseDeterminism comparing against a NULL atom, which never
                    // reports a conflict.
                }
            }
            if let Some(l) = last {
                state.trans[l].nd = 2;
            }
        }
    }

    impl XsdRegex {
        /// `xmlRegexpCompile`.
        pub fn compile(pattern: &str) -> Result<XsdRegex, &'static str> {
            let chars: Vec<char> = pattern.chars().collect();
            let mut p = Parser {
                s: &chars,
                cur: 0,
                error: None,
                neg: 0,
                state: 0,
                states: Vec::new(),
                atoms: Vec::new(),
                atom: None,
                counters: Vec::new(),
            };
            let start = p.new_state();
            p.state = start;
            p.parse_reg_exp(true);
            if p.cur() != '\0' {
                p.err("xmlFAParseRegExp: extra characters");
            }
            if let Some(e) = p.error {
                return Err(e);
            }
            let end = p.state;
            p.st(start).ty = StateType::Start;
            p.st(end).ty = StateType::Final;
            let mut states = std::mem::take(&mut p.states);
            eliminate_epsilon(&mut states);
            let atoms = std::mem::take(&mut p.atoms);
            compute_determinism(&mut states, &atoms);
            Ok(XsdRegex {
                states,
                atoms,
                counters: p.counters,
            })
        }

        /// `xmlRegexpExec(...) == 1`: whether libxml2 reports a match.
        pub fn is_match(&self, input: &str) -> bool {
            BUFFERS.with(|buffers| {
                let Ok(mut buffers) = buffers.try_borrow_mut() else {
                    // Not reachable (no re-entrance); fall back to fresh buffers.
                    return self.run(input, &mut Buffers::default());
                };
                let result = self.run(input, &mut buffers);
                // Keep the buffers for the next call, unless a pathological input grew them.
                if buffers.saved.capacity() > 1 << 16 {
                    *buffers = Buffers::default();
                }
                result
            })
        }

        fn run(&self, input: &str, buffers: &mut Buffers) -> bool {
            let Buffers {
                counts,
                rollbacks,
                saved,
            } = buffers;
            counts.clear();
            counts.resize(self.counters.len(), 0);
            rollbacks.clear();
            saved.clear();
            let mut exec = Exec {
                comp: self,
                input: input.as_bytes(),
                index: 0,
                state: 0,
                transno: 0,
                transcount: 0,
                counts,
                rollbacks,
                saved,
                nb_push: 0,
                status: 0,
            };
            exec.run()
        }
    }

    /// Execution buffers, kept per thread so that matching does not allocate.
    #[derive(Default)]
    struct Buffers {
        counts: Vec<i32>,
        rollbacks: Vec<Rollback>,
        /// The counter values of every rollback point, `counts.len()` values each.
        saved: Vec<i32>,
    }

    thread_local! {
        static BUFFERS: std::cell::RefCell<Buffers> = std::cell::RefCell::new(Buffers::default());
    }

    /// `xmlRegExecRollback`: where to resume (the counters are in `Buffers::saved`).
    struct Rollback {
        state: usize,
        index: usize,
        nextbranch: usize,
    }

    struct Exec<'a> {
        comp: &'a XsdRegex,
        input: &'a [u8],
        index: usize,
        state: usize,
        transno: usize,
        transcount: i32,
        counts: &'a mut Vec<i32>,
        rollbacks: &'a mut Vec<Rollback>,
        saved: &'a mut Vec<i32>,
        nb_push: u32,
        status: i32,
    }

    /// `CUR_SCHAR`: the code point at `i` and its length in bytes (0 at the end of input).
    fn cur_schar(input: &[u8], i: usize) -> (u32, usize) {
        let Some(&b) = input.get(i) else {
            return (0, 1);
        };
        let len = match b {
            0x00..=0x7F => 1,
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
        let s = std::str::from_utf8(&input[i..(i + len).min(input.len())]).ok();
        (
            s.and_then(|s| s.chars().next())
                .map_or(0xFFFF_FFFF, |c| c as u32),
            len,
        )
    }

    impl Exec<'_> {
        fn state(&self) -> &State {
            self.comp.states[self.state].as_ref().expect("live state")
        }

        fn at_end(&self) -> bool {
            self.index >= self.input.len()
        }

        fn save(&mut self) {
            if self.nb_push > MAX_PUSH {
                return;
            }
            self.nb_push += 1;
            self.rollbacks.push(Rollback {
                state: self.state,
                index: self.index,
                nextbranch: self.transno.wrapping_add(1),
            });
            self.saved.extend_from_slice(self.counts);
        }

        fn rollback(&mut self) {
            match self.rollbacks.pop() {
                None => self.status = -1,
                Some(r) => {
                    self.state = r.state;
                    self.index = r.index;
                    self.transno = r.nextbranch;
                    let start = self.saved.len() - self.counts.len();
                    self.counts.copy_from_slice(&self.saved[start..]);
                    self.saved.truncate(start);
                }
            }
        }

        /// `xmlFARegExec`.
        fn run(&mut self) -> bool {
            let comp = self.comp;
            let has_counters = !comp.counters.is_empty();
            'outer: while self.status == 0
                && (!self.at_end() || self.state().ty != StateType::Final)
            {
                let mut len: usize = 1;
                let mut do_rollback = false;
                if self.at_end() && !has_counters {
                    if self.transno < self.state().trans.len() {
                        let t = self.state().trans[self.transno];
                        if t.to >= 0 {
                            let atom = &comp.atoms[t.atom.expect("atom transition")];
                            if !(atom.min == 0 && atom.max > 0) {
                                do_rollback = true;
                            }
                        }
                    } else {
                        do_rollback = true;
                    }
                }
                if !do_rollback {
                    self.transcount = 0;
                    while self.transno < self.state().trans.len() {
                        let trans = self.state().trans[self.transno];
                        if trans.to < 0 {
                            self.transno += 1;
                            continue;
                        }
                        let mut ret: i32 = 0;
                        let mut deter = true;
                        if trans.count >= 0 {
                            let count = self.counts[trans.count as usize];
                            let counter = comp.counters[trans.count as usize];
                            ret = i32::from(count >= counter.min && count <= counter.max);
                            if ret != 0 && counter.min != counter.max {
                                deter = false;
                            }
                        } else if let Some(ai) = trans.atom {
                            let atom = &comp.atoms[ai];
                            if !self.at_end() {
                                let (cp, l) = cur_schar(self.input, self.index);
                                len = l;
                                ret = check_character(atom, cp);
                                if ret == 1 && atom.min >= 0 && atom.max > 0 {
                                    let to = trans.to as usize;
                                    if trans.counter >= 0 {
                                        let counter = comp.counters[trans.counter as usize];
                                        if self.counts[trans.counter as usize] >= counter.max {
                                            self.transno += 1;
                                            continue;
                                        }
                                        self.counts[trans.counter as usize] += 1;
                                    }
                                    if self.state().trans.len() > self.transno + 1 {
                                        self.save();
                                    }
                                    self.transcount = 1;
                                    loop {
                                        if self.transcount == atom.max {
                                            break;
                                        }
                                        self.index += len;
                                        if self.at_end() {
                                            self.index -= len;
                                            break;
                                        }
                                        if self.transcount >= atom.min {
                                            let transno = self.transno;
                                            let state = self.state;
                                            self.transno = usize::MAX; // the "-1" trick
                                            self.state = to;
                                            self.save();
                                            self.transno = transno;
                                            self.state = state;
                                        }
                                        let (cp, l) = cur_schar(self.input, self.index);
                                        len = l;
                                        ret = check_character(atom, cp);
                                        self.transcount += 1;
                                        if ret != 1 {
                                            break;
                                        }
                                    }
                                    if self.transcount < atom.min {
                                        ret = 0;
                                    }
                                    if ret < 0 {
                                        ret = 0;
                                    }
                                    if ret == 0 {
                                        do_rollback = true;
                                        break;
                                    }
                                    if trans.counter >= 0 {
                                        self.counts[trans.counter as usize] -= 1;
                                    }
                                } else if ret == 0 && atom.min == 0 && atom.max > 0 {
                                    self.transcount = 1;
                                    len = 0;
                                    ret = 1;
                                }
                            } else if atom.min == 0 && atom.max > 0 {
                                self.transcount = 1;
                                len = 0;
                                ret = 1;
                            }
                        } else {
                            // "epsilon transition left at runtime"
                            self.status = -2;
                            break;
                        }
                        if ret == 1 {
                            if trans.nd == 1
                                || (trans.count >= 0
                                    && !deter
                                    && self.state().trans.len() > self.transno + 1)
                            {
                                self.save();
                            }
                            if trans.counter >= 0 {
                                let counter = comp.counters[trans.counter as usize];
                                if self.counts[trans.counter as usize] >= counter.max {
                                    self.transno += 1;
                                    continue;
                                }
                                self.counts[trans.counter as usize] += 1;
                            }
                            if trans.count >= 0 {
                                self.counts[trans.count as usize] = 0;
                            }
                            self.state = trans.to as usize;
                            self.transno = 0;
                            if trans.atom.is_some() {
                                self.index += len;
                            }
                            continue 'outer;
                        } else if ret < 0 {
                            self.status = -4;
                            break;
                        }
                        self.transno += 1;
                    }
                    if !do_rollback && self.transno == 0 && !self.state().trans.is_empty() {
                        continue;
                    }
                }
                self.rollback();
            }
            self.status == 0
        }
    }
}
