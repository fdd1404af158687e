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
    /// A byte-level change of the written document.
    Bytes(fn(&mut Vec<u8>)),
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

fn server(root: &mut Node) -> Option<&mut Node> {
    root.child_mut("server")
}

fn first_disk(root: &mut Node) -> Option<&mut Node> {
    root.child_mut("disks")?.children_mut().next()
}

fn store_node(root: &mut Node) -> Option<&mut Node> {
    let disk = first_disk(root)?;
    disk.children_mut()
        .find(|n| n.name == "target" || n.name == "scratch")
}

fn with_server(root: &mut Node, f: impl FnOnce(&mut Node)) {
    if let Some(s) = server(root) {
        f(s)
    }
}

fn with_disk(root: &mut Node, f: impl FnOnce(&mut Node)) {
    if let Some(d) = first_disk(root) {
        f(d)
    }
}

fn with_store(root: &mut Node, f: impl FnOnce(&mut Node)) {
    if let Some(s) = store_node(root) {
        f(s)
    }
}

fn encryption_node(luks_children: bool) -> Node {
    let mut enc = Node::element("encryption");
    enc.set("format", "luks");
    let mut secret = Node::element("secret");
    secret.set("type", "passphrase");
    secret.set("usage", "/secret/backup");
    enc.push_child(secret);
    let _ = luks_children;
    enc
}

fn seclabel(model: &str, relabel: &str) -> Node {
    let mut label = Node::element("seclabel");
    label.set("model", model.to_string());
    label.set("relabel", relabel.to_string());
    label
}

fn rules() -> Vec<Rule> {
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

fn root_content(root: &mut Node) -> &mut Content {
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
        .into_iter()
        .filter(|r| in_scope(r, profile, mode))
        .map(|r| r.id)
        .collect()
}

/// Every rule id [`invalid`] can produce under some profile and mode.
pub fn all_rule_ids() -> Vec<&'static str> {
    rules().into_iter().map(|r| r.id).collect()
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
        .into_iter()
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
    let (expected, message_is_libvirts) = match expect? {
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
