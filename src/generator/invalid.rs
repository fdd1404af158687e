//! Invalid documents: a valid case with exactly one named rule broken, carrying the rejection
//! libvirt gives for it. Rule ids are stable (`wf.*`, `root.*`, `schema.*` as in
//! [`crate::xml::schema::RULES`], `parse.*`, `align.*`) and are what reports count.
//!
//! The rejection is derived from the rule and the values it breaks, never from running the
//! reference; where libvirt's message comes from libxml2 (well-formedness, schema) only the
//! stage, code and domain are given.

use proptest::prelude::*;

use super::model::{self, Target};
use super::render::{self, Content, Node};
use crate::error::{ErrorCode, ErrorDomain, Rejection, Stage};
use crate::model::{
    BackupDisk, BackupMode, BackupStore, DiskBackupMode, DiskState, DomainBackup, PullServer,
    StorageFormat, StoreType, Transport,
};
use crate::{Mode, Profile};

/// An invalid document and the rejection libvirt gives for it.
#[derive(Debug, Clone)]
pub struct InvalidCase {
    /// The libvirt version.
    pub profile: Profile,
    /// How the document is processed.
    pub mode: Mode,
    /// The rule the document breaks.
    pub rule: &'static str,
    /// The document (bytes: some rules break the encoding).
    pub document: Vec<u8>,
    /// libvirt's rejection: stage, code and domain always; the message too where
    /// `message_is_libvirts`.
    pub expected: Rejection,
    /// Whether `expected.message` is libvirt's exact text (false where libxml2 words it).
    pub message_is_libvirts: bool,
}

/// Where a rule can be broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Any mode.
    Any,
    /// Public parses (the schema is checked).
    Public,
    /// Internal parses (the rule hides behind the schema otherwise).
    Internal,
    /// Aligned modes.
    Aligned,
}

struct Rule {
    id: &'static str,
    scope: Scope,
    /// Profiles the rule exists in (empty: all).
    only: Option<Profile>,
    /// Shapes the valid definition so the rule can be broken as the first error.
    prepare: fn(&mut DomainBackup, Profile),
    /// Breaks the rule in the element tree and says what libvirt reports.
    edit: fn(&mut Node, Profile) -> Expect,
}

enum Expect {
    /// libvirt's exact rejection.
    Exact(Stage, ErrorCode, ErrorDomain, String),
    /// Stage, code and domain (the text is libxml2's).
    Class(Stage, ErrorCode, ErrorDomain),
    /// A byte-level change of the written document (not well-formed, or `root.*`).
    Bytes(fn(&mut Vec<u8>)),
    /// The expectation, once the written document is changed at byte level (for what the
    /// element tree cannot say: text among elements, entity references, another root).
    Rewritten(Box<Expect>, fn(&mut Vec<u8>)),
}

fn parse(code: ErrorCode, domain: ErrorDomain, message: impl Into<String>) -> Expect {
    Expect::Exact(Stage::Parse, code, domain, message.into())
}

fn xml_error(message: impl Into<String>) -> Expect {
    parse(ErrorCode::XmlError, ErrorDomain::Domain, message)
}

fn invalid_value(attribute: &str, element: &str, value: &str) -> Expect {
    parse(
        ErrorCode::XmlError,
        ErrorDomain::Xml,
        format!("Invalid value for attribute '{attribute}' in element '{element}': '{value}'."),
    )
}

fn schema() -> Expect {
    Expect::Class(Stage::Schema, ErrorCode::XmlInvalidSchema, ErrorDomain::Xml)
}

fn align_error(message: impl Into<String>) -> Expect {
    Expect::Exact(
        Stage::Align,
        ErrorCode::ConfigUnsupported,
        ErrorDomain::Domain,
        message.into(),
    )
}

fn nothing(_: &mut DomainBackup, _: Profile) {}

/// Pull mode with a TCP server, disks converted so they stay valid.
fn to_pull(def: &mut DomainBackup, _: Profile) {
    def.mode = BackupMode::Pull;
    def.server = Some(PullServer {
        transport: Transport::Tcp,
        name: Some("localhost".into()),
        port: 10809,
        ..PullServer::default()
    });
    for disk in &mut def.disks {
        if let Some(store) = &mut disk.store {
            if store.format.is_some() {
                store.format = Some(StorageFormat::Qcow2);
            }
            if store.path.is_none() {
                store.kind = StoreType::File;
                store.format = None;
            }
        }
    }
}

/// Push mode, disks converted so they stay valid.
fn to_push(def: &mut DomainBackup, _: Profile) {
    def.mode = BackupMode::Push;
    def.server = None;
    for disk in &mut def.disks {
        disk.export_name = None;
        disk.export_bitmap = None;
    }
}

/// A backed-up first disk with a file store that has a path (so `<target>`/`<scratch>`
/// exists), in front of whatever disks there are.
fn first_disk_with_store(def: &mut DomainBackup, profile: Profile) {
    let store = BackupStore {
        kind: StoreType::File,
        path: Some("/backup/vdzz.img".into()),
        ..BackupStore::default()
    };
    let disk = BackupDisk {
        name: "vdzz".into(),
        backup: true,
        state: DiskState::Running,
        store: Some(store),
        ..BackupDisk::default()
    };
    def.disks.retain(|d| d.name != "vdzz");
    def.disks.insert(0, disk);
    let _ = profile;
}

fn push_with_store(def: &mut DomainBackup, profile: Profile) {
    to_push(def, profile);
    first_disk_with_store(def, profile);
}

fn server<'r, 'a>(root: &'r mut Node<'a>) -> Option<&'r mut Node<'a>> {
    root.child_mut("server")
}

fn first_disk<'r, 'a>(root: &'r mut Node<'a>) -> Option<&'r mut Node<'a>> {
    root.child_mut("disks")?.children_mut().next()
}

fn store_node<'r, 'a>(root: &'r mut Node<'a>) -> Option<&'r mut Node<'a>> {
    let disk = first_disk(root)?;
    disk.children_mut()
        .find(|n| n.name == "target" || n.name == "scratch")
}

fn with_server<'a>(root: &mut Node<'a>, f: impl FnOnce(&mut Node<'a>)) {
    if let Some(s) = server(root) {
        f(s)
    }
}

fn with_disk<'a>(root: &mut Node<'a>, f: impl FnOnce(&mut Node<'a>)) {
    if let Some(d) = first_disk(root) {
        f(d)
    }
}

fn with_store<'a>(root: &mut Node<'a>, f: impl FnOnce(&mut Node<'a>)) {
    if let Some(s) = store_node(root) {
        f(s)
    }
}

fn encryption_node(luks_children: bool) -> Node<'static> {
    let mut enc = Node::element("encryption");
    enc.set("format", "luks");
    let mut secret = Node::element("secret");
    secret.set("type", "passphrase");
    secret.set("usage", "/secret/backup");
    enc.push_child(secret);
    let _ = luks_children;
    enc
}

fn seclabel(model: &'static str, relabel: &'static str) -> Node<'static> {
    let mut label = Node::element("seclabel");
    label.set("model", model);
    label.set("relabel", relabel);
    label
}

/// Every rule, built once.
fn rules() -> &'static [Rule] {
    static RULES: std::sync::OnceLock<Vec<Rule>> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        let mut rules = base_rules();
        rules.extend(schema_rules());
        rules.extend(internal_parse_rules());
        rules
    })
}

fn base_rules() -> Vec<Rule> {
    use ErrorCode::*;
    use ErrorDomain as D;
    vec![
        // ---- not well-formed (any mode) ----
        Rule {
            id: "wf.unclosed-element",
            scope: Scope::Any,
            only: None,
            prepare: nothing,
            edit: |root, _| {
                root.push_child(Node::element("unclosed"));
                Expect::Bytes(|doc| {
                    // Whatever spelling `<unclosed .../>` or `<unclosed ...></unclosed>` got,
                    // leave only its start tag.
                    let text = String::from_utf8_lossy(doc).into_owned();
                    if let Some(start) = text.find("<unclosed") {
                        let end = text[start..]
                            .find('>')
                            .map_or(text.len(), |e| start + e + 1);
                        let rest = text[end..]
                            .strip_prefix("</unclosed>")
                            .unwrap_or(&text[end..]);
                        *doc = format!("{}<unclosed>{rest}", &text[..start]).into_bytes();
                    }
                })
            },
        },
        Rule {
            id: "wf.truncated",
            scope: Scope::Any,
            only: None,
            prepare: nothing,
            edit: |_, _| {
                Expect::Bytes(|doc| {
                    // Cut inside the root's start tag: never well-formed.
                    if let Some(p) = doc.windows(13).position(|w| w == b"<domainbackup") {
                        doc.truncate(p + 5);
                    }
                })
            },
        },
        Rule {
            id: "wf.undefined-entity",
            scope: Scope::Any,
            only: None,
            prepare: nothing,
            edit: |root, _| {
                root.set("x", "MARKER");
                Expect::Bytes(|doc| {
                    let text = String::from_utf8_lossy(doc).into_owned();
                    *doc = text.replacen("MARKER", "&undefined;", 1).into_bytes();
                })
            },
        },
        Rule {
            id: "wf.duplicate-attribute",
            scope: Scope::Any,
            only: None,
            prepare: nothing,
            edit: |_, _| {
                Expect::Bytes(|doc| {
                    let text = String::from_utf8_lossy(doc).into_owned();
                    *doc = text
                        .replacen("<domainbackup", "<domainbackup x='1' x='2'", 1)
                        .into_bytes();
                })
            },
        },
        Rule {
            id: "wf.invalid-utf8",
            scope: Scope::Any,
            only: None,
            prepare: nothing,
            edit: |_, _| {
                Expect::Bytes(|doc| {
                    let text = String::from_utf8_lossy(doc).into_owned();
                    *doc = text
                        .replacen("<domainbackup", "<domainbackup x='\u{1}'", 1)
                        .into_bytes();
                    if let Some(p) = doc.iter().position(|&b| b == 1) {
                        doc[p] = 0xFF;
                    }
                })
            },
        },
        Rule {
            id: "wf.invalid-character-reference",
            scope: Scope::Any,
            only: None,
            prepare: nothing,
            edit: |_, _| {
                Expect::Bytes(|doc| {
                    let text = String::from_utf8_lossy(doc).into_owned();
                    *doc = text
                        .replacen("<domainbackup", "<domainbackup x='&#1;'", 1)
                        .into_bytes();
                })
            },
        },
        Rule {
            id: "wf.lt-in-attribute",
            scope: Scope::Any,
            only: None,
            prepare: nothing,
            edit: |_, _| {
                Expect::Bytes(|doc| {
                    let text = String::from_utf8_lossy(doc).into_owned();
                    *doc = text
                        .replacen("<domainbackup", "<domainbackup x='<'", 1)
                        .into_bytes();
                })
            },
        },
        // ---- root ----
        Rule {
            id: "root.wrong-name",
            scope: Scope::Any,
            only: None,
            prepare: nothing,
            edit: |_, _| {
                Expect::Bytes(|doc| {
                    let text = String::from_utf8_lossy(doc).into_owned();
                    *doc = text
                        .replace("<domainbackup", "<domainsnapshot")
                        .replace("</domainbackup>", "</domainsnapshot>")
                        .into_bytes();
                })
            },
        },
        // ---- schema (public parses) ----
        Rule {
            id: "schema.mode.value",
            scope: Scope::Public,
            only: None,
            prepare: nothing,
            edit: |root, _| {
                root.set("mode", "backup");
                schema()
            },
        },
        Rule {
            id: "schema.root.unknown-attribute",
            scope: Scope::Public,
            only: None,
            prepare: nothing,
            edit: |root, _| {
                root.set("id", "1");
                schema()
            },
        },
        Rule {
            id: "schema.element-not-allowed",
            scope: Scope::Public,
            only: None,
            prepare: nothing,
            edit: |root, _| {
                root.push_child(Node::element("checkpoint"));
                schema()
            },
        },
        Rule {
            id: "schema.pull.server-required",
            scope: Scope::Public,
            only: None,
            prepare: to_pull,
            edit: |root, _| {
                if let Content::Elements { groups, .. } = root_content(root) {
                    groups.retain(|g| g.first().is_none_or(|n| n.name != "server"));
                }
                schema()
            },
        },
        Rule {
            id: "schema.push.server-forbidden",
            scope: Scope::Public,
            only: None,
            prepare: to_push,
            edit: |root, _| {
                let mut s = Node::element("server");
                s.set("name", "localhost");
                root.push_child(s);
                schema()
            },
        },
        Rule {
            id: "schema.server.name-pattern",
            scope: Scope::Public,
            only: None,
            prepare: to_pull,
            edit: |root, _| {
                with_server(root, |s| s.set("name", "bad_host"));
                schema()
            },
        },
        Rule {
            id: "schema.server.port-unsigned-int",
            scope: Scope::Public,
            only: None,
            prepare: to_pull,
            edit: |root, _| {
                with_server(root, |s| s.set("port", "+10809"));
                schema()
            },
        },
        Rule {
            id: "schema.server.tls-value",
            scope: Scope::Public,
            only: None,
            prepare: to_pull,
            edit: |root, _| {
                with_server(root, |s| s.set("tls", "default"));
                schema()
            },
        },
        Rule {
            id: "schema.disk.name-pattern",
            scope: Scope::Public,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_disk(root, |d| d.set("name", "disk0"));
                schema()
            },
        },
        Rule {
            id: "schema.disk.backup-value",
            scope: Scope::Public,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_disk(root, |d| d.set("backup", "maybe"));
                schema()
            },
        },
        Rule {
            id: "schema.disk.backupmode-full-with-incremental",
            scope: Scope::Public,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_disk(root, |d| {
                    d.set("backupmode", "full");
                    d.set("incremental", "cp");
                });
                schema()
            },
        },
        Rule {
            id: "schema.push.disk-export-forbidden",
            scope: Scope::Public,
            only: None,
            prepare: push_with_store,
            edit: |root, _| {
                with_disk(root, |d| d.set("exportname", "e"));
                schema()
            },
        },
        Rule {
            id: "schema.target.path-pattern",
            scope: Scope::Public,
            only: None,
            prepare: push_with_store,
            edit: |root, _| {
                with_store(root, |s| s.set("file", "relative.img"));
                schema()
            },
        },
        Rule {
            id: "schema.seclabel.relabel-yes-needs-label",
            scope: Scope::Public,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_store(root, |s| s.push_child(seclabel("dac", "yes")));
                schema()
            },
        },
        Rule {
            id: "schema.encryption.secret-required",
            scope: Scope::Public,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_store(root, |s| {
                    let mut e = Node::element("encryption");
                    e.set("format", "luks");
                    s.push_child(e);
                });
                schema()
            },
        },
        // ---- parse errors that pass the schema ----
        Rule {
            id: "parse.server.port-out-of-range",
            scope: Scope::Any,
            only: None,
            prepare: to_pull,
            edit: |root, _| {
                with_server(root, |s| s.set("port", "65536"));
                parse(InvalidArg, D::None, "port '65536' out of range")
            },
        },
        Rule {
            id: "parse.server.socket-not-absolute",
            scope: Scope::Any,
            only: None,
            prepare: to_pull,
            edit: |root, _| {
                with_server(root, |s| {
                    s.remove("name");
                    s.remove("port");
                    s.set("transport", "unix");
                    s.set("socket", "C:\\nbd");
                });
                xml_error("backup socket path 'C:\\nbd' must be absolute")
            },
        },
        Rule {
            id: "parse.disk.format-luks",
            scope: Scope::Any,
            only: None,
            prepare: push_with_store,
            edit: |root, _| {
                with_disk(root, |d| {
                    let mut drv = Node::element("driver");
                    drv.set("type", "luks");
                    d.push_child(drv);
                });
                xml_error("unknown storage source format 'luks'")
            },
        },
        Rule {
            id: "parse.seclabel.duplicate-model",
            scope: Scope::Any,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_store(root, |s| {
                    s.push_child(seclabel("twice", "no"));
                    s.push_child(seclabel("twice", "no"));
                });
                parse(
                    XmlDetail,
                    D::Domain,
                    "seclabel for model twice is already provided",
                )
            },
        },
        // ---- parse errors reached by an internal parse ----
        Rule {
            id: "parse.mode.unknown",
            scope: Scope::Internal,
            only: None,
            prepare: nothing,
            edit: |root, _| {
                root.set("mode", "default");
                parse(
                    ConfigUnsupported,
                    D::Domain,
                    "unknown backup mode 'default'",
                )
            },
        },
        Rule {
            id: "parse.server.requires-pull",
            scope: Scope::Internal,
            only: None,
            prepare: to_push,
            edit: |root, _| {
                let mut s = Node::element("server");
                s.set("name", "h");
                root.push_child(s);
                parse(
                    ConfigUnsupported,
                    D::Domain,
                    "use of <server> requires pull mode backup",
                )
            },
        },
        Rule {
            id: "parse.server.transport-unknown",
            scope: Scope::Internal,
            only: None,
            prepare: to_pull,
            edit: |root, profile| {
                with_server(root, |s| s.set("transport", "sctp"));
                if profile == Profile::V9_0 {
                    parse(
                        ConfigUnsupported,
                        D::Domain,
                        "unknown protocol transport type 'sctp'",
                    )
                } else {
                    invalid_value("transport", "server", "sctp")
                }
            },
        },
        Rule {
            id: "parse.server.unix-without-socket",
            scope: Scope::Internal,
            only: None,
            prepare: to_pull,
            edit: |root, _| {
                with_server(root, |s| s.set("transport", "unix"));
                xml_error("missing socket for unix transport")
            },
        },
        Rule {
            id: "parse.server.socket-with-tcp",
            scope: Scope::Internal,
            only: None,
            prepare: to_pull,
            edit: |root, profile| {
                with_server(root, |s| {
                    s.remove("transport");
                    s.set("socket", "/run/s");
                });
                xml_error(if profile == Profile::V9_0 {
                    "transport '(null)' does not support socket attribute"
                } else {
                    "transport 'tcp' does not support socket attribute"
                })
            },
        },
        Rule {
            id: "parse.server.port-not-a-number",
            scope: Scope::Internal,
            only: None,
            prepare: to_pull,
            edit: |root, _| {
                with_server(root, |s| s.set("port", "nbd"));
                parse(InvalidArg, D::None, "failed to parse port number 'nbd'")
            },
        },
        Rule {
            id: "parse.server.missing-name",
            scope: Scope::Internal,
            only: None,
            prepare: to_pull,
            edit: |root, _| {
                with_server(root, |s| {
                    s.remove("name");
                });
                xml_error("missing name for host")
            },
        },
        Rule {
            id: "parse.server.fd-without-fdgroup",
            scope: Scope::Internal,
            only: Some(Profile::V11_3),
            prepare: to_pull,
            edit: |root, _| {
                with_server(root, |s| {
                    s.remove("name");
                    s.remove("port");
                    s.set("transport", "fd");
                });
                parse(
                    XmlError,
                    D::Xml,
                    "Missing required attribute 'fdgroup' in element 'server'",
                )
            },
        },
        Rule {
            id: "parse.server.rdma",
            scope: Scope::Internal,
            only: None,
            prepare: to_pull,
            edit: |root, _| {
                with_server(root, |s| s.set("transport", "rdma"));
                parse(
                    ConfigUnsupported,
                    D::Domain,
                    "transport rdma is not supported for <server>",
                )
            },
        },
        Rule {
            id: "parse.server.tls-value",
            scope: Scope::Internal,
            only: None,
            prepare: to_pull,
            edit: |root, _| {
                with_server(root, |s| s.set("tls", "on"));
                invalid_value("tls", "server", "on")
            },
        },
        Rule {
            id: "parse.disk.missing-name",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_disk(root, |d| {
                    d.remove("name");
                });
                xml_error("missing name from disk backup element")
            },
        },
        Rule {
            id: "parse.disk.backup-value",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_disk(root, |d| d.set("backup", ""));
                invalid_value("backup", "disk", "")
            },
        },
        Rule {
            id: "parse.disk.backupmode-value",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_disk(root, |d| d.set("backupmode", "differential"));
                invalid_value("backupmode", "disk", "differential")
            },
        },
        Rule {
            id: "parse.disk.state-missing",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_disk(root, |d| {
                    d.remove("state");
                });
                parse(
                    XmlError,
                    D::Xml,
                    "Missing required attribute 'state' in element 'disk'",
                )
            },
        },
        Rule {
            id: "parse.disk.state-value",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_disk(root, |d| d.set("state", "paused"));
                invalid_value("state", "disk", "paused")
            },
        },
        Rule {
            id: "parse.disk.type-unknown",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_disk(root, |d| d.set("type", "floppy"));
                xml_error("unknown storage source type 'floppy'")
            },
        },
        Rule {
            id: "parse.disk.index-value",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_disk(root, |d| d.set("index", "-1"));
                xml_error("invalid storage source index '-1'")
            },
        },
        Rule {
            id: "parse.disk.type-unsupported",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_disk(root, |d| d.set("type", "dir"));
                xml_error("unsupported disk backup type 'dir'")
            },
        },
        Rule {
            id: "parse.seclabel.relabel-value",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_store(root, |s| s.push_child(seclabel("m", "maybe")));
                invalid_value("relabel", "seclabel", "maybe")
            },
        },
        Rule {
            id: "parse.seclabel.label-without-relabel",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_store(root, |s| {
                    let mut l = seclabel("m", "no");
                    l.push_child(Node::with_text("label", "x"));
                    s.push_child(l);
                });
                xml_error("Cannot specify a label if relabelling is turned off. model=m")
            },
        },
        Rule {
            id: "parse.encryption.format-missing",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_store(root, |s| {
                    let mut e = encryption_node(false);
                    e.remove("format");
                    s.push_child(e);
                });
                Expect::Exact(
                    Stage::Parse,
                    XmlError,
                    D::Storage,
                    "unknown volume encryption format".into(),
                )
            },
        },
        Rule {
            id: "parse.encryption.format-unknown",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_store(root, |s| {
                    let mut e = encryption_node(false);
                    e.set("format", "aes");
                    s.push_child(e);
                });
                Expect::Exact(
                    Stage::Parse,
                    ConfigUnsupported,
                    D::Storage,
                    "unknown volume encryption format type aes".into(),
                )
            },
        },
        Rule {
            id: "parse.encryption.engine-value",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_store(root, |s| {
                    let mut e = encryption_node(false);
                    e.set("engine", "default");
                    s.push_child(e);
                });
                invalid_value("engine", "encryption", "default")
            },
        },
        Rule {
            id: "parse.encryption.secret-lookup-missing",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_store(root, |s| {
                    let mut e = Node::element("encryption");
                    e.set("format", "luks");
                    let mut secret = Node::element("secret");
                    secret.set("type", "passphrase");
                    e.push_child(secret);
                    s.push_child(e);
                });
                parse(XmlError, D::None, "missing secret uuid or usage attribute")
            },
        },
        Rule {
            id: "parse.encryption.ivgen-without-cipher",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_store(root, |s| {
                    let mut e = encryption_node(false);
                    let mut ivgen = Node::element("ivgen");
                    ivgen.set("name", "plain64");
                    e.push_child(ivgen);
                    s.push_child(e);
                });
                Expect::Exact(
                    Stage::Parse,
                    XmlError,
                    D::Storage,
                    "ivgen element found, but cipher is missing".into(),
                )
            },
        },
        // ---- alignment (fake domain) ----
        Rule {
            id: "align.disk-specified-twice",
            scope: Scope::Aligned,
            only: None,
            prepare: |def, profile| {
                first_disk_with_store(def, profile);
                let again = BackupDisk {
                    name: "vdzz".into(),
                    backup: false,
                    ..BackupDisk::default()
                };
                def.disks.insert(1, again);
            },
            edit: |_, _| align_error("disk 'vdzz' specified twice"),
        },
        Rule {
            id: "align.incremental-without-checkpoint",
            scope: Scope::Aligned,
            only: None,
            prepare: |def, profile| {
                first_disk_with_store(def, profile);
                def.incremental = None;
                if let Some(d) = def.disks.first_mut() {
                    d.backup_mode = DiskBackupMode::Incremental;
                    d.incremental = None;
                }
            },
            edit: |_, _| {
                align_error(
                    "'incremental' backup mode of disk 'vdzz' requires setting 'incremental' field for disk or backup",
                )
            },
        },
    ]
}

// ---- building blocks of the schema rules and the internal parse rules ----

/// A rule of the schema: broken in public parses, in every profile unless narrowed.
fn public(
    id: &'static str,
    prepare: fn(&mut DomainBackup, Profile),
    edit: fn(&mut Node, Profile) -> Expect,
) -> Rule {
    Rule {
        id,
        scope: Scope::Public,
        only: None,
        prepare,
        edit,
    }
}

/// A rule of libvirt's C parser that only an internal parse reaches (the schema refuses
/// the document first otherwise).
fn internal(
    id: &'static str,
    prepare: fn(&mut DomainBackup, Profile),
    edit: fn(&mut Node, Profile) -> Expect,
) -> Rule {
    Rule {
        id,
        scope: Scope::Internal,
        only: None,
        prepare,
        edit,
    }
}

impl Rule {
    /// The rule exists in `profile` only.
    fn only_in(mut self, profile: Profile) -> Rule {
        self.only = Some(profile);
        self
    }
}

/// Pull mode, with a backed-up first disk that has a `<scratch file=...>`.
fn pull_with_store(def: &mut DomainBackup, profile: Profile) {
    to_pull(def, profile);
    first_disk_with_store(def, profile);
}

/// A top-level `<incremental>` checkpoint.
fn with_incremental(def: &mut DomainBackup, _: Profile) {
    if def.incremental.is_none() {
        def.incremental = Some("cp".into());
    }
}

/// An element with the attributes `attributes`.
fn element(name: &'static str, attributes: &[(&'static str, &'static str)]) -> Node<'static> {
    let mut node = Node::element(name);
    for &(attribute, value) in attributes {
        node.set(attribute, value);
    }
    node
}

/// Adds `group` as children of `node` that keep their order.
fn push_group<'a>(node: &mut Node<'a>, group: Vec<Node<'a>>) {
    if let Content::Elements { groups, .. } = &mut node.content {
        groups.push(group);
    }
}

/// Removes every child element called `name`.
fn remove_children(node: &mut Node, name: &str) {
    if let Content::Elements { groups, .. } = &mut node.content {
        for group in groups.iter_mut() {
            group.retain(|n| n.name != name);
        }
        groups.retain(|g| !g.is_empty());
    }
}

fn count_children(node: &mut Node, name: &str) -> usize {
    node.children_mut().filter(|n| n.name == name).count()
}

/// The element a byte-level change later replaces (see [`replace_marker`]).
const MARKER: &str = "zzmarker";

fn marker() -> Node<'static> {
    Node::element(MARKER)
}

/// Replaces the marker element, however it was spelled (`<zzmarker/>`, `<zzmarker />`,
/// `<zzmarker></zzmarker>`), with `with`.
fn replace_marker(doc: &mut Vec<u8>, with: &str) {
    let text = String::from_utf8_lossy(doc).into_owned();
    let open = format!("<{MARKER}");
    let close = format!("</{MARKER}>");
    if let Some(start) = text.find(&open) {
        let end = text[start..]
            .find('>')
            .map_or(text.len(), |e| start + e + 1);
        let rest = if text[..end].ends_with("/>") {
            &text[end..]
        } else {
            text[end..]
                .strip_prefix(close.as_str())
                .unwrap_or(&text[end..])
        };
        *doc = format!("{}{with}{rest}", &text[..start]).into_bytes();
    }
}

/// Declares the general entity `e` in an internal DTD subset (replacing the plain
/// `<!DOCTYPE domainbackup>` the spelling may have written).
fn declare_entity(doc: &mut Vec<u8>) {
    const DECLARATION: &str = "<!DOCTYPE domainbackup [<!ENTITY e 'cp'>]>";
    let text = String::from_utf8_lossy(doc).into_owned();
    let text = if text.contains("<!DOCTYPE domainbackup>") {
        text.replacen("<!DOCTYPE domainbackup>", DECLARATION, 1)
    } else {
        let root = text.find("<domainbackup").unwrap_or(0);
        format!("{}{DECLARATION}{}", &text[..root], &text[root..])
    };
    *doc = text.into_bytes();
}

/// Renames the root element to `<domain>`.
fn rename_root(doc: &mut Vec<u8>) {
    let text = String::from_utf8_lossy(doc).into_owned();
    *doc = text
        .replacen("<domainbackup", "<domain", 1)
        .replacen("</domainbackup>", "</domain>", 1)
        .into_bytes();
}

fn secret() -> Node<'static> {
    element(
        "secret",
        &[("type", "passphrase"), ("usage", "/secret/backup")],
    )
}

fn cipher() -> Node<'static> {
    element("cipher", &[("name", "aes"), ("size", "256")])
}

fn ivgen() -> Node<'static> {
    element("ivgen", &[("name", "plain64")])
}

/// `<encryption format='luks'>` holding `groups` (each keeps its order; groups are
/// interleaved as the schema allows).
fn luks(groups: Vec<Vec<Node>>) -> Node {
    let mut encryption = element("encryption", &[("format", "luks")]);
    for group in groups {
        push_group(&mut encryption, group);
    }
    encryption
}

/// Adds `child` to the first disk's `<target>`/`<scratch>`.
fn add_to_store<'a>(root: &mut Node<'a>, child: Node<'a>) {
    with_store(root, |s| s.push_child(child));
}

/// Adds `child` to the first disk.
fn add_to_disk<'a>(root: &mut Node<'a>, child: Node<'a>) {
    with_disk(root, |d| d.push_child(child));
}

/// One rule per schema rule id of [`crate::xml::schema::RULES`] not covered by
/// [`base_rules`]. Each edit is the only violation of an otherwise valid document, and
/// the first one the schema checker meets: the checker reads attributes before children
/// and children in document order, and the prepared definition puts the element the rule
/// is about first (`first_disk_with_store`), or makes it the only one of its kind.
fn schema_rules() -> Vec<Rule> {
    use ErrorCode::*;
    vec![
        // ---- anywhere ----
        public("schema.element.namespace", nothing, |root, _| {
            root.set("xmlns", "urn:example:backup");
            schema()
        }),
        public("schema.attribute.namespace", nothing, |root, _| {
            root.set("xml:lang", "en");
            schema()
        }),
        public("schema.text-not-allowed", nothing, |root, _| {
            root.push_child(marker());
            Expect::Rewritten(Box::new(schema()), |doc| replace_marker(doc, "x"))
        }),
        public("schema.entity-reference", nothing, |root, _| {
            root.push_child(marker());
            Expect::Rewritten(Box::new(schema()), |doc| {
                replace_marker(doc, "&e;");
                declare_entity(doc);
            })
        }),
        // ---- <domainbackup> ----
        // libvirt checks the root's name before the schema, so a document breaking this
        // rule is refused at the root stage (the schema would name this rule).
        public("schema.root.name", nothing, |_, _| {
            Expect::Rewritten(
                Box::new(Expect::Exact(
                    Stage::Root,
                    XmlError,
                    ErrorDomain::Xml,
                    "expecting root element of 'domainbackup', not 'domain'".into(),
                )),
                rename_root,
            )
        }),
        public("schema.incremental.duplicate", nothing, |root, _| {
            for _ in count_children(root, "incremental")..2 {
                root.push_child(Node::with_text("incremental", "cp"));
            }
            schema()
        }),
        public("schema.disks.duplicate", nothing, |root, _| {
            for _ in count_children(root, "disks")..2 {
                let mut disks = Node::element("disks");
                disks.push_child(element("disk", &[("name", "vdy"), ("backup", "no")]));
                root.push_child(disks);
            }
            schema()
        }),
        public("schema.pull.server-duplicate", to_pull, |root, _| {
            root.push_child(element("server", &[("name", "localhost")]));
            schema()
        }),
        // ---- <incremental> ----
        public(
            "schema.incremental.unknown-attribute",
            with_incremental,
            |root, _| {
                if let Some(i) = root.child_mut("incremental") {
                    i.set("checkpoint", "cp");
                }
                schema()
            },
        ),
        // ---- <server> ----
        public("schema.server.unknown-attribute", to_pull, |root, _| {
            with_server(root, |s| s.set("protocol", "nbd"));
            schema()
        }),
        public("schema.server.transport-value", to_pull, |root, _| {
            with_server(root, |s| s.set("transport", "rdma"));
            schema()
        }),
        public(
            "schema.server.attribute-not-allowed-for-transport",
            to_pull,
            |root, _| {
                with_server(root, |s| s.set("socket", "/run/nbd.sock"));
                schema()
            },
        ),
        public("schema.server.name-required", to_pull, |root, _| {
            with_server(root, |s| {
                s.remove("name");
            });
            schema()
        }),
        public("schema.server.socket-required", to_pull, |root, _| {
            with_server(root, |s| {
                s.remove("name");
                s.remove("port");
                s.set("transport", "unix");
            });
            schema()
        }),
        public("schema.server.socket-pattern", to_pull, |root, _| {
            with_server(root, |s| {
                s.remove("name");
                s.remove("port");
                s.set("transport", "unix");
                s.set("socket", "nbd.sock");
            });
            schema()
        }),
        public("schema.server.fdgroup-required", to_pull, |root, _| {
            with_server(root, |s| {
                s.remove("name");
                s.remove("port");
                s.set("transport", "fd");
            });
            schema()
        })
        .only_in(Profile::V11_3),
        // ---- <disks> ----
        public(
            "schema.disks.unknown-attribute",
            first_disk_with_store,
            |root, _| {
                if let Some(disks) = root.child_mut("disks") {
                    disks.set("count", "1");
                }
                schema()
            },
        ),
        public("schema.disks.empty", first_disk_with_store, |root, _| {
            if let Some(disks) = root.child_mut("disks") {
                remove_children(disks, "disk");
            }
            schema()
        }),
        // ---- <disk> ----
        public(
            "schema.disk.unknown-attribute",
            first_disk_with_store,
            |root, _| {
                with_disk(root, |d| d.set("device", "disk"));
                schema()
            },
        ),
        public(
            "schema.disk.name-required",
            first_disk_with_store,
            |root, _| {
                with_disk(root, |d| {
                    d.remove("name");
                });
                schema()
            },
        ),
        public(
            "schema.disk.backupmode-value",
            first_disk_with_store,
            |root, _| {
                with_disk(root, |d| d.set("backupmode", "differential"));
                schema()
            },
        ),
        public(
            "schema.disk.type-value",
            first_disk_with_store,
            |root, _| {
                with_disk(root, |d| d.set("type", "dir"));
                schema()
            },
        ),
        public(
            "schema.disk.backup-no-with-type",
            first_disk_with_store,
            |root, _| {
                with_disk(root, |d| {
                    d.set("backup", "no");
                    d.set("type", "file");
                });
                schema()
            },
        ),
        public(
            "schema.disk.backup-no-with-children",
            first_disk_with_store,
            |root, _| {
                with_disk(root, |d| {
                    d.set("backup", "no");
                    d.remove("type");
                });
                schema()
            },
        ),
        public(
            "schema.disk.target-duplicate",
            push_with_store,
            |root, _| {
                add_to_disk(root, element("target", &[("file", "/backup/again.img")]));
                schema()
            },
        ),
        public(
            "schema.disk.scratch-duplicate",
            pull_with_store,
            |root, _| {
                add_to_disk(root, element("scratch", &[("file", "/backup/again.img")]));
                schema()
            },
        ),
        public(
            "schema.disk.driver-duplicate",
            first_disk_with_store,
            |root, _| {
                // qcow2 is valid in both modes.
                add_to_disk(root, element("driver", &[("type", "qcow2")]));
                add_to_disk(root, element("driver", &[("type", "qcow2")]));
                schema()
            },
        ),
        public(
            "schema.push.disk-type-required",
            push_with_store,
            |root, _| {
                with_disk(root, |d| {
                    d.remove("type");
                });
                schema()
            },
        )
        .only_in(Profile::V9_0),
        public(
            "schema.push.disk-children-need-type",
            push_with_store,
            |root, _| {
                with_disk(root, |d| {
                    d.remove("type");
                });
                schema()
            },
        )
        .only_in(Profile::V11_3),
        public(
            "schema.pull.disk-backup-yes-needs-type",
            pull_with_store,
            |root, _| {
                with_disk(root, |d| {
                    d.set("backup", "yes");
                    d.remove("type");
                });
                schema()
            },
        ),
        public(
            "schema.pull.driver-without-scratch",
            pull_with_store,
            |root, _| {
                with_disk(root, |d| {
                    remove_children(d, "scratch");
                    d.push_child(element("driver", &[("type", "qcow2")]));
                });
                schema()
            },
        ),
        public(
            "schema.pull.block-scratch-required",
            pull_with_store,
            |root, _| {
                with_disk(root, |d| {
                    remove_children(d, "scratch");
                    d.set("type", "block");
                });
                schema()
            },
        ),
        // ---- <target> (push) and <scratch> (pull) ----
        public(
            "schema.target.unknown-attribute",
            push_with_store,
            |root, _| {
                with_store(root, |s| s.set("dev", "/dev/sdz"));
                schema()
            },
        ),
        public("schema.target.path-required", push_with_store, |root, _| {
            with_store(root, |s| {
                s.remove("file");
            });
            schema()
        }),
        public(
            "schema.target.encryption-duplicate",
            push_with_store,
            |root, _| {
                add_to_store(root, luks(vec![vec![secret()]]));
                add_to_store(root, luks(vec![vec![secret()]]));
                schema()
            },
        ),
        public(
            "schema.scratch.unknown-attribute",
            pull_with_store,
            |root, _| {
                with_store(root, |s| s.set("dev", "/dev/sdz"));
                schema()
            },
        ),
        public(
            "schema.scratch.path-required",
            pull_with_store,
            |root, _| {
                with_store(root, |s| {
                    s.remove("file");
                });
                schema()
            },
        ),
        public("schema.scratch.path-pattern", pull_with_store, |root, _| {
            with_store(root, |s| s.set("file", "C:"));
            schema()
        }),
        public(
            "schema.scratch.encryption-duplicate",
            pull_with_store,
            |root, _| {
                add_to_store(root, luks(vec![vec![secret()]]));
                add_to_store(root, luks(vec![vec![secret()]]));
                schema()
            },
        ),
        // ---- <driver> ----
        public(
            "schema.driver.unknown-attribute",
            first_disk_with_store,
            |root, _| {
                add_to_disk(
                    root,
                    element("driver", &[("type", "qcow2"), ("name", "qemu")]),
                );
                schema()
            },
        ),
        public(
            "schema.driver.type-required",
            first_disk_with_store,
            |root, _| {
                add_to_disk(root, Node::element("driver"));
                schema()
            },
        ),
        public("schema.driver.type-value", push_with_store, |root, _| {
            add_to_disk(root, element("driver", &[("type", "none")]));
            schema()
        }),
        public("schema.driver.type-qcow2", pull_with_store, |root, _| {
            add_to_disk(root, element("driver", &[("type", "raw")]));
            schema()
        }),
        // ---- <seclabel>, <label> ----
        public(
            "schema.seclabel.unknown-attribute",
            first_disk_with_store,
            |root, _| {
                add_to_store(
                    root,
                    element("seclabel", &[("relabel", "no"), ("type", "dynamic")]),
                );
                schema()
            },
        ),
        public(
            "schema.seclabel.relabel-value",
            first_disk_with_store,
            |root, _| {
                add_to_store(root, element("seclabel", &[("relabel", "default")]));
                schema()
            },
        ),
        public(
            "schema.seclabel.labelskip-value",
            first_disk_with_store,
            |root, _| {
                add_to_store(root, element("seclabel", &[("labelskip", "no")]));
                schema()
            },
        ),
        public(
            "schema.seclabel.labelskip-with-relabel",
            first_disk_with_store,
            |root, _| {
                add_to_store(
                    root,
                    element("seclabel", &[("labelskip", "yes"), ("relabel", "no")]),
                );
                schema()
            },
        ),
        public(
            "schema.seclabel.labelskip-with-label",
            first_disk_with_store,
            |root, _| {
                let mut label = element("seclabel", &[("labelskip", "yes")]);
                label.push_child(Node::with_text(
                    "label",
                    "system_u:object_r:svirt_image_t:s0",
                ));
                add_to_store(root, label);
                schema()
            },
        ),
        public(
            "schema.seclabel.relabel-no-with-label",
            first_disk_with_store,
            |root, _| {
                let mut label = element("seclabel", &[("model", "dac"), ("relabel", "no")]);
                label.push_child(Node::with_text("label", "qemu:qemu"));
                add_to_store(root, label);
                schema()
            },
        ),
        public(
            "schema.label.unknown-attribute",
            first_disk_with_store,
            |root, _| {
                let mut text = Node::with_text("label", "qemu:qemu");
                text.set("type", "user");
                let mut label = element("seclabel", &[("model", "dac")]);
                label.push_child(text);
                add_to_store(root, label);
                schema()
            },
        ),
        // ---- <encryption> ----
        public(
            "schema.encryption.unknown-attribute",
            first_disk_with_store,
            |root, _| {
                let mut e = luks(vec![vec![secret()]]);
                e.set("type", "volume");
                add_to_store(root, e);
                schema()
            },
        ),
        public(
            "schema.encryption.format-required",
            first_disk_with_store,
            |root, _| {
                let mut e = luks(vec![vec![secret()]]);
                e.remove("format");
                add_to_store(root, e);
                schema()
            },
        ),
        public(
            "schema.encryption.format-value",
            first_disk_with_store,
            |root, _| {
                let mut e = luks(vec![vec![secret()]]);
                e.set("format", "qcow");
                add_to_store(root, e);
                schema()
            },
        ),
        public(
            "schema.encryption.engine-value",
            first_disk_with_store,
            |root, _| {
                let mut e = luks(vec![vec![secret()]]);
                e.set("engine", "librbd");
                add_to_store(root, e);
                schema()
            },
        ),
        public(
            "schema.encryption.secret-duplicate",
            first_disk_with_store,
            |root, _| {
                add_to_store(root, luks(vec![vec![secret()], vec![secret()]]));
                schema()
            },
        ),
        public(
            "schema.encryption.cipher-duplicate",
            first_disk_with_store,
            |root, _| {
                add_to_store(
                    root,
                    luks(vec![vec![secret()], vec![cipher(), cipher(), ivgen()]]),
                );
                schema()
            },
        ),
        public(
            "schema.encryption.ivgen-duplicate",
            first_disk_with_store,
            |root, _| {
                add_to_store(
                    root,
                    luks(vec![vec![secret()], vec![cipher(), ivgen(), ivgen()]]),
                );
                schema()
            },
        ),
        public(
            "schema.encryption.cipher-without-ivgen",
            first_disk_with_store,
            |root, _| {
                add_to_store(root, luks(vec![vec![secret()], vec![cipher()]]));
                schema()
            },
        ),
        public(
            "schema.encryption.ivgen-without-cipher",
            first_disk_with_store,
            |root, _| {
                add_to_store(root, luks(vec![vec![secret()], vec![ivgen()]]));
                schema()
            },
        ),
        public(
            "schema.encryption.ivgen-before-cipher",
            first_disk_with_store,
            |root, _| {
                add_to_store(root, luks(vec![vec![secret()], vec![ivgen(), cipher()]]));
                schema()
            },
        ),
        // ---- <secret> ----
        public(
            "schema.secret.unknown-attribute",
            first_disk_with_store,
            |root, _| {
                let mut s = secret();
                s.set("uid", "1");
                add_to_store(root, luks(vec![vec![s]]));
                schema()
            },
        ),
        public(
            "schema.secret.type-required",
            first_disk_with_store,
            |root, _| {
                let mut s = secret();
                s.remove("type");
                add_to_store(root, luks(vec![vec![s]]));
                schema()
            },
        ),
        public(
            "schema.secret.type-value",
            first_disk_with_store,
            |root, _| {
                let mut s = secret();
                s.set("type", "volume");
                add_to_store(root, luks(vec![vec![s]]));
                schema()
            },
        ),
        public(
            "schema.secret.uuid-or-usage-required",
            first_disk_with_store,
            |root, _| {
                let mut s = secret();
                s.remove("usage");
                add_to_store(root, luks(vec![vec![s]]));
                schema()
            },
        ),
        public(
            "schema.secret.uuid-and-usage",
            first_disk_with_store,
            |root, _| {
                let mut s = secret();
                s.set("uuid", "0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f");
                add_to_store(root, luks(vec![vec![s]]));
                schema()
            },
        ),
        public(
            "schema.secret.uuid-pattern",
            first_disk_with_store,
            |root, _| {
                let mut s = secret();
                s.remove("usage");
                s.set("uuid", "0a81f5b2-8403-7b23-c8d6-21ccc2f80d6");
                add_to_store(root, luks(vec![vec![s]]));
                schema()
            },
        ),
        // ---- <cipher>, <ivgen> ----
        public(
            "schema.cipher.unknown-attribute",
            first_disk_with_store,
            |root, _| {
                let mut c = cipher();
                c.set("bits", "256");
                add_to_store(root, luks(vec![vec![secret()], vec![c, ivgen()]]));
                schema()
            },
        ),
        public(
            "schema.cipher.name-required",
            first_disk_with_store,
            |root, _| {
                let mut c = cipher();
                c.remove("name");
                add_to_store(root, luks(vec![vec![secret()], vec![c, ivgen()]]));
                schema()
            },
        ),
        public(
            "schema.cipher.size-required",
            first_disk_with_store,
            |root, _| {
                let mut c = cipher();
                c.remove("size");
                add_to_store(root, luks(vec![vec![secret()], vec![c, ivgen()]]));
                schema()
            },
        ),
        public(
            "schema.cipher.size-unsigned-int",
            first_disk_with_store,
            |root, _| {
                let mut c = cipher();
                c.set("size", "-1");
                add_to_store(root, luks(vec![vec![secret()], vec![c, ivgen()]]));
                schema()
            },
        ),
        public(
            "schema.cipher.mode-hash-pair",
            first_disk_with_store,
            |root, _| {
                let mut c = cipher();
                c.set("mode", "xts");
                add_to_store(root, luks(vec![vec![secret()], vec![c, ivgen()]]));
                schema()
            },
        ),
        public(
            "schema.ivgen.unknown-attribute",
            first_disk_with_store,
            |root, _| {
                let mut i = ivgen();
                i.set("mode", "xts");
                add_to_store(root, luks(vec![vec![secret()], vec![cipher(), i]]));
                schema()
            },
        ),
        public(
            "schema.ivgen.name-required",
            first_disk_with_store,
            |root, _| {
                let mut i = ivgen();
                i.remove("name");
                i.set("hash", "sha256");
                add_to_store(root, luks(vec![vec![secret()], vec![cipher(), i]]));
                schema()
            },
        ),
    ]
}

/// Errors of libvirt's C parser that only an internal parse reaches, beyond
/// [`base_rules`]: the encryption's secret and cipher, and the profile differences.
fn internal_parse_rules() -> Vec<Rule> {
    use ErrorCode::*;
    use ErrorDomain as D;
    vec![
        internal(
            "parse.encryption.secret-type-missing",
            first_disk_with_store,
            |root, _| {
                let mut s = secret();
                s.remove("type");
                add_to_store(root, luks(vec![vec![s]]));
                Expect::Exact(
                    Stage::Parse,
                    XmlError,
                    D::Storage,
                    "unknown volume encryption secret type".into(),
                )
            },
        ),
        internal(
            "parse.encryption.secret-type-unknown",
            first_disk_with_store,
            |root, _| {
                let mut s = secret();
                s.set("type", "volume");
                add_to_store(root, luks(vec![vec![s]]));
                Expect::Exact(
                    Stage::Parse,
                    ConfigUnsupported,
                    D::Storage,
                    "unknown volume encryption secret type volume".into(),
                )
            },
        ),
        internal(
            "parse.encryption.secret-uuid-and-usage",
            first_disk_with_store,
            |root, _| {
                let mut s = secret();
                s.set("uuid", "0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f");
                add_to_store(root, luks(vec![vec![s]]));
                parse(XmlError, D::None, "either secret uuid or usage expected")
            },
        ),
        internal(
            "parse.encryption.secret-uuid-invalid",
            first_disk_with_store,
            |root, _| {
                let mut s = secret();
                s.remove("usage");
                s.set("uuid", "0a81f5b2-8403-7b23-c8d6");
                add_to_store(root, luks(vec![vec![s]]));
                parse(
                    XmlError,
                    D::None,
                    "invalid secret uuid '0a81f5b2-8403-7b23-c8d6'",
                )
            },
        ),
        internal(
            "parse.encryption.cipher-missing-name",
            first_disk_with_store,
            |root, _| {
                let mut c = cipher();
                c.remove("name");
                add_to_store(root, luks(vec![vec![secret()], vec![c, ivgen()]]));
                Expect::Exact(
                    Stage::Parse,
                    XmlError,
                    D::Storage,
                    "cipher info missing 'name' attribute".into(),
                )
            },
        ),
        internal(
            "parse.encryption.cipher-size-missing",
            first_disk_with_store,
            |root, _| {
                let mut c = cipher();
                c.remove("size");
                add_to_store(root, luks(vec![vec![secret()], vec![c, ivgen()]]));
                parse(
                    XmlError,
                    D::Xml,
                    "Missing required attribute 'size' in element 'cipher'",
                )
            },
        ),
        internal(
            "parse.encryption.cipher-size-invalid",
            first_disk_with_store,
            |root, _| {
                let mut c = cipher();
                c.set("size", "-1");
                add_to_store(root, luks(vec![vec![secret()], vec![c, ivgen()]]));
                parse(
                    XmlError,
                    D::Xml,
                    "Invalid value for attribute 'size' in element 'cipher': '-1'. Expected non-negative integer value",
                )
            },
        ),
        internal(
            "parse.encryption.ivgen-missing-name",
            first_disk_with_store,
            |root, _| {
                let mut i = ivgen();
                i.remove("name");
                i.set("hash", "sha256");
                add_to_store(root, luks(vec![vec![secret()], vec![cipher(), i]]));
                Expect::Exact(
                    Stage::Parse,
                    XmlError,
                    D::Storage,
                    "missing ivgen info name string".into(),
                )
            },
        ),
        // 9.0 has no `luks-any` encryption format (11.3 accepts it).
        internal(
            "parse.encryption.format-luks-any",
            first_disk_with_store,
            |root, _| {
                let mut e = luks(vec![vec![secret()]]);
                e.set("format", "luks-any");
                add_to_store(root, e);
                Expect::Exact(
                    Stage::Parse,
                    ConfigUnsupported,
                    D::Storage,
                    "unknown volume encryption format type luks-any".into(),
                )
            },
        )
        .only_in(Profile::V9_0),
        // 9.0 does not know the storage type `vhostvdpa`; 11.3 knows it and refuses it as
        // a backup type.
        internal(
            "parse.disk.type-vhostvdpa",
            first_disk_with_store,
            |root, profile| {
                with_disk(root, |d| d.set("type", "vhostvdpa"));
                if profile.has_vhostvdpa_storage_type() {
                    xml_error("unsupported disk backup type 'vhostvdpa'")
                } else {
                    xml_error("unknown storage source type 'vhostvdpa'")
                }
            },
        ),
        internal(
            "parse.disk.format-unknown",
            first_disk_with_store,
            |root, _| {
                add_to_disk(root, element("driver", &[("type", "qcow3")]));
                xml_error("unknown storage source format 'qcow3'")
            },
        ),
        internal(
            "parse.seclabel.labelskip-value",
            first_disk_with_store,
            |root, _| {
                add_to_store(root, element("seclabel", &[("labelskip", "maybe")]));
                invalid_value("labelskip", "seclabel", "maybe")
            },
        ),
        // 9.0 has no `fd` transport: it is an unknown transport there.
        internal("parse.server.transport-fd", to_pull, |root, _| {
            with_server(root, |s| {
                s.remove("name");
                s.remove("port");
                s.set("transport", "fd");
                s.set("fdgroup", "nbd");
            });
            parse(
                ConfigUnsupported,
                D::Domain,
                "unknown protocol transport type 'fd'",
            )
        })
        .only_in(Profile::V9_0),
    ]
}

fn root_content<'r, 'a>(root: &'r mut Node<'a>) -> &'r mut Content<'a> {
    &mut root.content
}

fn in_scope(rule: &Rule, profile: Profile, mode: Mode) -> bool {
    let options = mode.options(profile);
    let scope = match rule.scope {
        Scope::Any => true,
        Scope::Public => !options.internal,
        Scope::Internal => options.internal,
        Scope::Aligned => options.align,
    };
    scope && rule.only.is_none_or(|p| p == profile)
}

/// Every rule id [`invalid`] can produce for `profile` and `mode`.
pub fn rule_ids(profile: Profile, mode: Mode) -> Vec<&'static str> {
    rules()
        .iter()
        .filter(|r| in_scope(r, profile, mode))
        .map(|r| r.id)
        .collect()
}

/// Every rule id [`invalid`] can produce under some profile and mode.
pub fn all_rule_ids() -> Vec<&'static str> {
    rules().iter().map(|r| r.id).collect()
}

/// Builds the invalid case for rule `id` from a valid definition and a spelling seed.
pub fn break_rule(
    id: &str,
    definition: &DomainBackup,
    seed: u64,
    profile: Profile,
    mode: Mode,
) -> Option<InvalidCase> {
    let rule = rules()
        .iter()
        .find(|r| r.id == id && in_scope(r, profile, mode))?;
    let options = mode.options(profile);
    let target = Target {
        profile,
        internal: options.internal,
    };
    let mut def = definition.clone();
    if options.align {
        model::make_alignable(&mut def);
    }
    (rule.prepare)(&mut def, profile);
    if !options.internal {
        for disk in &mut def.disks {
            disk.state = DiskState::None;
        }
    }
    let mut expect = None;
    let text = render::render_edited(&def, target, seed, |root| {
        expect = Some((rule.edit)(root, profile))
    });
    let mut document = text.into_bytes();
    let mut expect = expect?;
    while let Expect::Rewritten(inner, change) = expect {
        change(&mut document);
        expect = *inner;
    }
    let (expected, message_is_libvirts) = match expect {
        Expect::Exact(stage, code, domain, message) => {
            (Rejection::new(stage, code, domain, message), true)
        }
        Expect::Class(stage, code, domain) => (Rejection::new(stage, code, domain, ""), false),
        Expect::Bytes(change) => {
            change(&mut document);
            if rule.id.starts_with("root.") {
                (
                    Rejection::new(
                        Stage::Root,
                        ErrorCode::XmlError,
                        ErrorDomain::Xml,
                        "expecting root element of 'domainbackup', not 'domainsnapshot'",
                    ),
                    true,
                )
            } else {
                (
                    Rejection::new(
                        Stage::WellFormed,
                        ErrorCode::XmlDetail,
                        ErrorDomain::Domain,
                        "",
                    ),
                    false,
                )
            }
        }
        Expect::Rewritten(..) => unreachable!("unwrapped above"),
    };
    Some(InvalidCase {
        profile,
        mode,
        rule: rule.id,
        document,
        expected,
        message_is_libvirts,
    })
}

/// Invalid documents for `profile` processed in `mode`: each breaks one rule, drawn from
/// the rules that exist there.
pub fn invalid(profile: Profile, mode: Mode) -> BoxedStrategy<InvalidCase> {
    let ids = rule_ids(profile, mode);
    let target = Target {
        profile,
        internal: mode.options(profile).internal,
    };
    (
        prop::sample::select(ids),
        model::definition(target),
        any::<u64>(),
    )
        .prop_filter_map("rule applies", move |(id, def, seed)| {
            break_rule(id, &def, seed, profile, mode)
        })
        .boxed()
}

#[cfg(test)]
mod tests {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    use super::*;
    use crate::xml::{read, schema};

    #[test]
    fn every_schema_rule_has_a_generated_case() {
        let ids = all_rule_ids();
        for rule in schema::RULES {
            assert!(ids.contains(rule), "no invalid case breaks {rule}");
        }
        for id in ids.iter().filter(|id| id.starts_with("schema.")) {
            assert!(schema::RULES.contains(id), "{id} is not a schema rule id");
        }
        let mut unique = std::collections::BTreeSet::new();
        for id in &ids {
            assert!(unique.insert(*id), "{id} is listed twice");
        }
    }

    /// Each rule, from random definitions and spellings, in every profile and mode where it
    /// exists (`INVALID_SWEEP` sets how many per rule).
    #[test]
    fn every_rule_from_random_definitions() {
        let per_rule: usize = std::env::var("INVALID_SWEEP")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(4);
        let mut runner = TestRunner::deterministic();
        for profile in Profile::ALL {
            for mode in Mode::ALL {
                let options = mode.options(profile);
                let strategy = model::definition(Target {
                    profile,
                    internal: options.internal,
                });
                for id in rule_ids(profile, mode) {
                    for _ in 0..per_rule {
                        let def = strategy.new_tree(&mut runner).expect("a case").current();
                        let seed = runner.rng().next_u64();
                        let case = break_rule(id, &def, seed, profile, mode).expect("in scope");
                        let text = String::from_utf8_lossy(&case.document).into_owned();
                        let actual = crate::process(&case.document, options)
                            .expect_err(&format!("{profile} {mode} {id}: accepted\n{text}"));
                        let e = &case.expected;
                        assert_eq!(
                            (actual.stage, actual.code, actual.domain),
                            (e.stage, e.code, e.domain),
                            "{profile} {mode} {id}: {}\n{text}",
                            actual.to_line()
                        );
                        if case.message_is_libvirts {
                            assert_eq!(actual.message, e.message, "{profile} {mode} {id}\n{text}");
                        }
                        if actual.stage == Stage::Schema {
                            let document = read::read(&case.document).expect("well-formed");
                            let v = schema::validate(&document, profile).expect_err("invalid");
                            assert_eq!(v.rule, id, "{profile} {mode}: {}\n{text}", v.detail);
                        }
                    }
                }
            }
        }
    }
}
