//! Invalid documents: a valid case with exactly one of libvirt's rules broken, carrying the
//! rejection libvirt gives for it. Each breach names its rule by the catalogue's entry
//! ([`crate::rules`]), and that id is what reports count; a rule broken in several ways has
//! one breach per way, told apart by a variant name (`parse.disk.format-unknown/luks`).
//!
//! The rejection is derived from the rule and the values the breach puts in the document,
//! never from running the reference: the catalogue gives the stage, code, domain and the
//! message's wording; the breach gives the values. Where libvirt's message comes from
//! libxml2 (well-formedness, schema) only the stage, code and domain are given.

use proptest::prelude::*;

use super::model::{self, Target};
use super::render::{self, Content, Node};
use crate::error::Rejection;
use crate::model::{
    BackupDisk, BackupMode, BackupStore, DiskBackupMode, DiskState, DomainBackup, PullServer,
    StorageFormat, StoreType, Transport,
};
use crate::rules::{self, Rule};
use crate::{Mode, Profile};

/// An invalid document and the rejection libvirt gives for it.
#[derive(Debug, Clone)]
pub struct InvalidCase {
    /// The libvirt version.
    pub profile: Profile,
    /// How the document is processed.
    pub mode: Mode,
    /// The rule libvirt refuses the document by (the catalogue's entry).
    pub rule: &'static Rule,
    /// The breach that made it: the rule's id, or `id/variant` where one rule is broken
    /// in several ways.
    pub breach: &'static str,
    /// The document (bytes: some rules break the encoding).
    pub document: Vec<u8>,
    /// libvirt's rejection: stage, code, domain and rule always; the message too where
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

/// One way of breaking one rule.
struct Breach {
    /// The rule it breaks.
    rule: &'static Rule,
    /// Which of several breaches of the same rule this is.
    variant: Option<&'static str>,
    /// `rule.id`, or `rule.id/variant` (filled in when the list is built).
    name: &'static str,
    scope: Scope,
    /// Narrows the profiles the catalogue gives the rule to those where the breach works.
    only: Option<fn(Profile) -> bool>,
    /// Shapes the valid definition so the rule can be broken as the first error.
    prepare: fn(&mut DomainBackup, Profile),
    /// Breaks the rule in the element tree and says what libvirt reports.
    edit: fn(&mut Node, Profile) -> Expect,
}

enum Expect {
    /// libvirt's rejection by the breach's rule, these values in its message.
    Values(Vec<String>),
    /// libvirt's rejection by another rule (where the version decides which), these values
    /// in its message.
    By(&'static Rule, Vec<String>),
    /// The breach's rule; the text is libxml2's.
    Class,
    /// A byte-level change of the written document (not well-formed, or `root.*`).
    Bytes(fn(&mut Vec<u8>)),
    /// The expectation, once the written document is changed at byte level (for what the
    /// element tree cannot say: text among elements, entity references, another root).
    Rewritten(Box<Expect>, fn(&mut Vec<u8>)),
}

/// The breach's own rule, with `values` in libvirt's message.
fn values(values: &[&str]) -> Expect {
    Expect::Values(values.iter().map(|v| v.to_string()).collect())
}

/// Another rule than the breach's, with `values` in libvirt's message.
fn by(rule: &'static Rule, values: &[&str]) -> Expect {
    Expect::By(rule, values.iter().map(|v| v.to_string()).collect())
}

fn schema() -> Expect {
    Expect::Class
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

/// Every breach, built once.
fn breaches() -> &'static [Breach] {
    static BREACHES: std::sync::OnceLock<Vec<Breach>> = std::sync::OnceLock::new();
    BREACHES.get_or_init(|| {
        let mut breaches = base_rules();
        breaches.extend(schema_rules());
        breaches.extend(internal_parse_rules());
        for breach in &mut breaches {
            breach.name = match breach.variant {
                None => breach.rule.id,
                // Built once for the life of the program, like the list itself.
                Some(variant) => String::leak(format!("{}/{variant}", breach.rule.id)),
            };
        }
        breaches
    })
}

fn base_rules() -> Vec<Breach> {
    vec![
        // ---- not well-formed (any mode) ----
        Breach {
            rule: &rules::WF_TAG_MISMATCH,
            variant: None,
            name: "",
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
        Breach {
            rule: &rules::WF_TRUNCATED,
            variant: None,
            name: "",
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
        Breach {
            rule: &rules::WF_UNDEFINED_ENTITY,
            variant: None,
            name: "",
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
        Breach {
            rule: &rules::WF_DUPLICATE_ATTRIBUTE,
            variant: None,
            name: "",
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
        Breach {
            rule: &rules::WF_INVALID_UTF8,
            variant: None,
            name: "",
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
        Breach {
            rule: &rules::WF_INVALID_CHARACTER_REFERENCE,
            variant: None,
            name: "",
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
        Breach {
            rule: &rules::WF_LT_IN_ATTRIBUTE,
            variant: None,
            name: "",
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
        Breach {
            rule: &rules::ROOT_WRONG_NAME,
            variant: None,
            name: "",
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
        Breach {
            rule: &rules::SCHEMA_MODE_VALUE,
            variant: None,
            name: "",
            scope: Scope::Public,
            only: None,
            prepare: nothing,
            edit: |root, _| {
                root.set("mode", "backup");
                schema()
            },
        },
        Breach {
            rule: &rules::SCHEMA_ROOT_UNKNOWN_ATTRIBUTE,
            variant: None,
            name: "",
            scope: Scope::Public,
            only: None,
            prepare: nothing,
            edit: |root, _| {
                root.set("id", "1");
                schema()
            },
        },
        Breach {
            rule: &rules::SCHEMA_ELEMENT_NOT_ALLOWED,
            variant: None,
            name: "",
            scope: Scope::Public,
            only: None,
            prepare: nothing,
            edit: |root, _| {
                root.push_child(Node::element("checkpoint"));
                schema()
            },
        },
        Breach {
            rule: &rules::SCHEMA_PULL_SERVER_REQUIRED,
            variant: None,
            name: "",
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
        Breach {
            rule: &rules::SCHEMA_PUSH_SERVER_FORBIDDEN,
            variant: None,
            name: "",
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
        Breach {
            rule: &rules::SCHEMA_SERVER_NAME_PATTERN,
            variant: None,
            name: "",
            scope: Scope::Public,
            only: None,
            prepare: to_pull,
            edit: |root, _| {
                with_server(root, |s| s.set("name", "bad_host"));
                schema()
            },
        },
        Breach {
            rule: &rules::SCHEMA_SERVER_PORT_UNSIGNED_INT,
            variant: None,
            name: "",
            scope: Scope::Public,
            only: None,
            prepare: to_pull,
            edit: |root, _| {
                with_server(root, |s| s.set("port", "+10809"));
                schema()
            },
        },
        Breach {
            rule: &rules::SCHEMA_SERVER_TLS_VALUE,
            variant: None,
            name: "",
            scope: Scope::Public,
            only: None,
            prepare: to_pull,
            edit: |root, _| {
                with_server(root, |s| s.set("tls", "default"));
                schema()
            },
        },
        Breach {
            rule: &rules::SCHEMA_DISK_NAME_PATTERN,
            variant: None,
            name: "",
            scope: Scope::Public,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_disk(root, |d| d.set("name", "disk0"));
                schema()
            },
        },
        Breach {
            rule: &rules::SCHEMA_DISK_BACKUP_VALUE,
            variant: None,
            name: "",
            scope: Scope::Public,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_disk(root, |d| d.set("backup", "maybe"));
                schema()
            },
        },
        Breach {
            rule: &rules::SCHEMA_DISK_BACKUPMODE_FULL_WITH_INCREMENTAL,
            variant: None,
            name: "",
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
        Breach {
            rule: &rules::SCHEMA_PUSH_DISK_EXPORT_FORBIDDEN,
            variant: None,
            name: "",
            scope: Scope::Public,
            only: None,
            prepare: push_with_store,
            edit: |root, _| {
                with_disk(root, |d| d.set("exportname", "e"));
                schema()
            },
        },
        Breach {
            rule: &rules::SCHEMA_TARGET_PATH_PATTERN,
            variant: None,
            name: "",
            scope: Scope::Public,
            only: None,
            prepare: push_with_store,
            edit: |root, _| {
                with_store(root, |s| s.set("file", "relative.img"));
                schema()
            },
        },
        Breach {
            rule: &rules::SCHEMA_SECLABEL_RELABEL_YES_NEEDS_LABEL,
            variant: None,
            name: "",
            scope: Scope::Public,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_store(root, |s| s.push_child(seclabel("dac", "yes")));
                schema()
            },
        },
        Breach {
            rule: &rules::SCHEMA_ENCRYPTION_SECRET_REQUIRED,
            variant: None,
            name: "",
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
        Breach {
            rule: &rules::PARSE_SERVER_PORT_OUT_OF_RANGE,
            variant: None,
            name: "",
            scope: Scope::Any,
            only: None,
            prepare: to_pull,
            edit: |root, _| {
                with_server(root, |s| s.set("port", "65536"));
                values(&["65536"])
            },
        },
        Breach {
            rule: &rules::PARSE_SERVER_SOCKET_NOT_ABSOLUTE,
            variant: None,
            name: "",
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
                values(&["C:\\nbd"])
            },
        },
        Breach {
            rule: &rules::PARSE_DISK_FORMAT_UNKNOWN,
            variant: Some("luks"),
            name: "",
            scope: Scope::Any,
            only: None,
            prepare: push_with_store,
            edit: |root, _| {
                with_disk(root, |d| {
                    let mut drv = Node::element("driver");
                    drv.set("type", "luks");
                    d.push_child(drv);
                });
                values(&["luks"])
            },
        },
        Breach {
            rule: &rules::PARSE_SECLABEL_DUPLICATE_MODEL,
            variant: None,
            name: "",
            scope: Scope::Any,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_store(root, |s| {
                    s.push_child(seclabel("twice", "no"));
                    s.push_child(seclabel("twice", "no"));
                });
                values(&["twice"])
            },
        },
        // ---- parse errors reached by an internal parse ----
        Breach {
            rule: &rules::PARSE_MODE_UNKNOWN,
            variant: None,
            name: "",
            scope: Scope::Internal,
            only: None,
            prepare: nothing,
            edit: |root, _| {
                root.set("mode", "default");
                values(&["default"])
            },
        },
        Breach {
            rule: &rules::PARSE_SERVER_REQUIRES_PULL,
            variant: None,
            name: "",
            scope: Scope::Internal,
            only: None,
            prepare: to_push,
            edit: |root, _| {
                let mut s = Node::element("server");
                s.set("name", "h");
                root.push_child(s);
                values(&[])
            },
        },
        Breach {
            rule: &rules::PARSE_SERVER_TRANSPORT_UNKNOWN,
            variant: None,
            name: "",
            scope: Scope::Internal,
            only: None,
            prepare: to_pull,
            edit: |root, _| {
                with_server(root, |s| s.set("transport", "sctp"));
                values(&["sctp"])
            },
        },
        Breach {
            rule: &rules::PARSE_SERVER_UNIX_WITHOUT_SOCKET,
            variant: None,
            name: "",
            scope: Scope::Internal,
            only: None,
            prepare: to_pull,
            edit: |root, _| {
                with_server(root, |s| s.set("transport", "unix"));
                values(&[])
            },
        },
        Breach {
            rule: &rules::PARSE_SERVER_SOCKET_NOT_SUPPORTED,
            variant: None,
            name: "",
            scope: Scope::Internal,
            only: None,
            prepare: to_pull,
            edit: |root, profile| {
                with_server(root, |s| {
                    s.remove("transport");
                    s.set("socket", "/run/s");
                });
                values(&[if profile.socket_error_names_raw_transport() {
                    "(null)"
                } else {
                    "tcp"
                }])
            },
        },
        Breach {
            rule: &rules::PARSE_SERVER_PORT_NOT_A_NUMBER,
            variant: None,
            name: "",
            scope: Scope::Internal,
            only: None,
            prepare: to_pull,
            edit: |root, _| {
                with_server(root, |s| s.set("port", "nbd"));
                values(&["nbd"])
            },
        },
        Breach {
            rule: &rules::PARSE_SERVER_MISSING_NAME,
            variant: None,
            name: "",
            scope: Scope::Internal,
            only: None,
            prepare: to_pull,
            edit: |root, _| {
                with_server(root, |s| {
                    s.remove("name");
                });
                values(&[])
            },
        },
        Breach {
            rule: &rules::PARSE_SERVER_FD_WITHOUT_FDGROUP,
            variant: None,
            name: "",
            scope: Scope::Internal,
            only: None,
            prepare: to_pull,
            edit: |root, _| {
                with_server(root, |s| {
                    s.remove("name");
                    s.remove("port");
                    s.set("transport", "fd");
                });
                values(&[])
            },
        },
        Breach {
            rule: &rules::PARSE_SERVER_RDMA,
            variant: None,
            name: "",
            scope: Scope::Internal,
            only: None,
            prepare: to_pull,
            edit: |root, _| {
                with_server(root, |s| s.set("transport", "rdma"));
                values(&[])
            },
        },
        Breach {
            rule: &rules::PARSE_SERVER_TLS_VALUE,
            variant: None,
            name: "",
            scope: Scope::Internal,
            only: None,
            prepare: to_pull,
            edit: |root, _| {
                with_server(root, |s| s.set("tls", "on"));
                values(&["on"])
            },
        },
        Breach {
            rule: &rules::PARSE_DISK_MISSING_NAME,
            variant: None,
            name: "",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_disk(root, |d| {
                    d.remove("name");
                });
                values(&[])
            },
        },
        Breach {
            rule: &rules::PARSE_DISK_BACKUP_VALUE,
            variant: None,
            name: "",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_disk(root, |d| d.set("backup", ""));
                values(&["disk", ""])
            },
        },
        Breach {
            rule: &rules::PARSE_DISK_BACKUPMODE_VALUE,
            variant: None,
            name: "",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_disk(root, |d| d.set("backupmode", "differential"));
                values(&["disk", "differential"])
            },
        },
        Breach {
            rule: &rules::PARSE_DISK_STATE_MISSING,
            variant: None,
            name: "",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_disk(root, |d| {
                    d.remove("state");
                });
                values(&["disk"])
            },
        },
        Breach {
            rule: &rules::PARSE_DISK_STATE_VALUE,
            variant: None,
            name: "",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_disk(root, |d| d.set("state", "paused"));
                values(&["disk", "paused"])
            },
        },
        Breach {
            rule: &rules::PARSE_DISK_TYPE_UNKNOWN,
            variant: None,
            name: "",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_disk(root, |d| d.set("type", "floppy"));
                values(&["floppy"])
            },
        },
        Breach {
            rule: &rules::PARSE_DISK_INDEX_VALUE,
            variant: None,
            name: "",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_disk(root, |d| d.set("index", "-1"));
                values(&["-1"])
            },
        },
        Breach {
            rule: &rules::PARSE_DISK_TYPE_UNSUPPORTED,
            variant: None,
            name: "",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_disk(root, |d| d.set("type", "dir"));
                values(&["dir"])
            },
        },
        Breach {
            rule: &rules::PARSE_SECLABEL_RELABEL_VALUE,
            variant: None,
            name: "",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_store(root, |s| s.push_child(seclabel("m", "maybe")));
                values(&["maybe"])
            },
        },
        Breach {
            rule: &rules::PARSE_SECLABEL_LABEL_WITH_RELABEL_NO,
            variant: None,
            name: "",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_store(root, |s| {
                    let mut l = seclabel("m", "no");
                    l.push_child(Node::with_text("label", "x"));
                    s.push_child(l);
                });
                values(&["m"])
            },
        },
        Breach {
            rule: &rules::PARSE_ENCRYPTION_FORMAT_MISSING,
            variant: None,
            name: "",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_store(root, |s| {
                    let mut e = encryption_node(false);
                    e.remove("format");
                    s.push_child(e);
                });
                values(&[])
            },
        },
        Breach {
            rule: &rules::PARSE_ENCRYPTION_FORMAT_UNKNOWN,
            variant: None,
            name: "",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_store(root, |s| {
                    let mut e = encryption_node(false);
                    e.set("format", "aes");
                    s.push_child(e);
                });
                values(&["aes"])
            },
        },
        Breach {
            rule: &rules::PARSE_ENCRYPTION_ENGINE_VALUE,
            variant: None,
            name: "",
            scope: Scope::Internal,
            only: None,
            prepare: first_disk_with_store,
            edit: |root, _| {
                with_store(root, |s| {
                    let mut e = encryption_node(false);
                    e.set("engine", "default");
                    s.push_child(e);
                });
                values(&["default"])
            },
        },
        Breach {
            rule: &rules::PARSE_SECRET_UUID_OR_USAGE_MISSING,
            variant: None,
            name: "",
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
                values(&[])
            },
        },
        Breach {
            rule: &rules::PARSE_ENCRYPTION_IVGEN_WITHOUT_CIPHER,
            variant: None,
            name: "",
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
                values(&[])
            },
        },
        // ---- alignment (fake domain) ----
        Breach {
            rule: &rules::ALIGN_DISK_SPECIFIED_TWICE,
            variant: None,
            name: "",
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
            edit: |_, _| values(&["vdzz"]),
        },
        Breach {
            rule: &rules::ALIGN_INCREMENTAL_WITHOUT_CHECKPOINT,
            variant: None,
            name: "",
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
            edit: |_, _| values(&["vdzz"]),
        },
    ]
}

// ---- building blocks of the schema rules and the internal parse rules ----

/// A rule of the schema: broken in public parses, in every profile unless narrowed.
fn public(
    rule: &'static Rule,
    prepare: fn(&mut DomainBackup, Profile),
    edit: fn(&mut Node, Profile) -> Expect,
) -> Breach {
    Breach {
        rule,
        variant: None,
        name: "",
        scope: Scope::Public,
        only: None,
        prepare,
        edit,
    }
}

/// A rule of libvirt's C parser that only an internal parse reaches (the schema refuses
/// the document first otherwise).
fn internal(
    rule: &'static Rule,
    prepare: fn(&mut DomainBackup, Profile),
    edit: fn(&mut Node, Profile) -> Expect,
) -> Breach {
    Breach {
        rule,
        variant: None,
        name: "",
        scope: Scope::Internal,
        only: None,
        prepare,
        edit,
    }
}

impl Breach {
    /// The breach exists only in the profiles where `applies` holds (within those the
    /// catalogue gives the rule).
    fn only_where(mut self, applies: fn(Profile) -> bool) -> Breach {
        self.only = Some(applies);
        self
    }

    /// One of several breaches of the same rule, told apart by `name`.
    fn variant(mut self, name: &'static str) -> Breach {
        self.variant = Some(name);
        self
    }

    /// The breach's name: the rule's id, then `/variant` where the rule has several.
    fn name(&self) -> &'static str {
        self.name
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
fn schema_rules() -> Vec<Breach> {
    vec![
        // ---- anywhere ----
        public(&rules::SCHEMA_ELEMENT_NAMESPACE, nothing, |root, _| {
            root.set("xmlns", "urn:example:backup");
            schema()
        }),
        public(&rules::SCHEMA_ATTRIBUTE_NAMESPACE, nothing, |root, _| {
            root.set("xml:lang", "en");
            schema()
        }),
        public(&rules::SCHEMA_TEXT_NOT_ALLOWED, nothing, |root, _| {
            root.push_child(marker());
            Expect::Rewritten(Box::new(schema()), |doc| replace_marker(doc, "x"))
        }),
        public(&rules::SCHEMA_ENTITY_REFERENCE, nothing, |root, _| {
            root.push_child(marker());
            Expect::Rewritten(Box::new(schema()), |doc| {
                replace_marker(doc, "&e;");
                declare_entity(doc);
            })
        }),
        // ---- <domainbackup> ----
        // libvirt checks the root's name before the schema, so a document breaking this
        // rule is refused at the root stage (the schema would name this rule).
        public(&rules::SCHEMA_ROOT_NAME, nothing, |_, _| {
            Expect::Rewritten(
                Box::new(by(&rules::ROOT_WRONG_NAME, &["domain"])),
                rename_root,
            )
        }),
        public(&rules::SCHEMA_INCREMENTAL_DUPLICATE, nothing, |root, _| {
            for _ in count_children(root, "incremental")..2 {
                root.push_child(Node::with_text("incremental", "cp"));
            }
            schema()
        }),
        public(&rules::SCHEMA_DISKS_DUPLICATE, nothing, |root, _| {
            for _ in count_children(root, "disks")..2 {
                let mut disks = Node::element("disks");
                disks.push_child(element("disk", &[("name", "vdy"), ("backup", "no")]));
                root.push_child(disks);
            }
            schema()
        }),
        public(&rules::SCHEMA_PULL_SERVER_DUPLICATE, to_pull, |root, _| {
            root.push_child(element("server", &[("name", "localhost")]));
            schema()
        }),
        // ---- <incremental> ----
        public(
            &rules::SCHEMA_INCREMENTAL_UNKNOWN_ATTRIBUTE,
            with_incremental,
            |root, _| {
                if let Some(i) = root.child_mut("incremental") {
                    i.set("checkpoint", "cp");
                }
                schema()
            },
        ),
        // ---- <server> ----
        public(
            &rules::SCHEMA_SERVER_UNKNOWN_ATTRIBUTE,
            to_pull,
            |root, _| {
                with_server(root, |s| s.set("protocol", "nbd"));
                schema()
            },
        ),
        public(&rules::SCHEMA_SERVER_TRANSPORT_VALUE, to_pull, |root, _| {
            with_server(root, |s| s.set("transport", "rdma"));
            schema()
        }),
        public(
            &rules::SCHEMA_SERVER_ATTRIBUTE_NOT_ALLOWED_FOR_TRANSPORT,
            to_pull,
            |root, _| {
                with_server(root, |s| s.set("socket", "/run/nbd.sock"));
                schema()
            },
        ),
        public(&rules::SCHEMA_SERVER_NAME_REQUIRED, to_pull, |root, _| {
            with_server(root, |s| {
                s.remove("name");
            });
            schema()
        }),
        public(&rules::SCHEMA_SERVER_SOCKET_REQUIRED, to_pull, |root, _| {
            with_server(root, |s| {
                s.remove("name");
                s.remove("port");
                s.set("transport", "unix");
            });
            schema()
        }),
        public(&rules::SCHEMA_SERVER_SOCKET_PATTERN, to_pull, |root, _| {
            with_server(root, |s| {
                s.remove("name");
                s.remove("port");
                s.set("transport", "unix");
                s.set("socket", "nbd.sock");
            });
            schema()
        }),
        public(
            &rules::SCHEMA_SERVER_FDGROUP_REQUIRED,
            to_pull,
            |root, _| {
                with_server(root, |s| {
                    s.remove("name");
                    s.remove("port");
                    s.set("transport", "fd");
                });
                schema()
            },
        ),
        // ---- <disks> ----
        public(
            &rules::SCHEMA_DISKS_UNKNOWN_ATTRIBUTE,
            first_disk_with_store,
            |root, _| {
                if let Some(disks) = root.child_mut("disks") {
                    disks.set("count", "1");
                }
                schema()
            },
        ),
        public(
            &rules::SCHEMA_DISKS_EMPTY,
            first_disk_with_store,
            |root, _| {
                if let Some(disks) = root.child_mut("disks") {
                    remove_children(disks, "disk");
                }
                schema()
            },
        ),
        // ---- <disk> ----
        public(
            &rules::SCHEMA_DISK_UNKNOWN_ATTRIBUTE,
            first_disk_with_store,
            |root, _| {
                with_disk(root, |d| d.set("device", "disk"));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_DISK_NAME_REQUIRED,
            first_disk_with_store,
            |root, _| {
                with_disk(root, |d| {
                    d.remove("name");
                });
                schema()
            },
        ),
        public(
            &rules::SCHEMA_DISK_BACKUPMODE_VALUE,
            first_disk_with_store,
            |root, _| {
                with_disk(root, |d| d.set("backupmode", "differential"));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_DISK_TYPE_VALUE,
            first_disk_with_store,
            |root, _| {
                with_disk(root, |d| d.set("type", "dir"));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_DISK_BACKUP_NO_WITH_TYPE,
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
            &rules::SCHEMA_DISK_BACKUP_NO_WITH_CHILDREN,
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
            &rules::SCHEMA_DISK_TARGET_DUPLICATE,
            push_with_store,
            |root, _| {
                add_to_disk(root, element("target", &[("file", "/backup/again.img")]));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_DISK_SCRATCH_DUPLICATE,
            pull_with_store,
            |root, _| {
                add_to_disk(root, element("scratch", &[("file", "/backup/again.img")]));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_DISK_DRIVER_DUPLICATE,
            first_disk_with_store,
            |root, _| {
                // qcow2 is valid in both modes.
                add_to_disk(root, element("driver", &[("type", "qcow2")]));
                add_to_disk(root, element("driver", &[("type", "qcow2")]));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_PUSH_DISK_TYPE_REQUIRED,
            push_with_store,
            |root, _| {
                with_disk(root, |d| {
                    d.remove("type");
                });
                schema()
            },
        )
        .only_where(|p| !p.schema_allows_plain_push_disk()),
        public(
            &rules::SCHEMA_PUSH_DISK_CHILDREN_NEED_TYPE,
            push_with_store,
            |root, _| {
                with_disk(root, |d| {
                    d.remove("type");
                });
                schema()
            },
        )
        .only_where(Profile::schema_allows_plain_push_disk),
        public(
            &rules::SCHEMA_PULL_DISK_BACKUP_YES_NEEDS_TYPE,
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
            &rules::SCHEMA_PULL_DRIVER_WITHOUT_SCRATCH,
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
            &rules::SCHEMA_PULL_BLOCK_SCRATCH_REQUIRED,
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
            &rules::SCHEMA_TARGET_UNKNOWN_ATTRIBUTE,
            push_with_store,
            |root, _| {
                with_store(root, |s| s.set("dev", "/dev/sdz"));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_TARGET_PATH_REQUIRED,
            push_with_store,
            |root, _| {
                with_store(root, |s| {
                    s.remove("file");
                });
                schema()
            },
        ),
        public(
            &rules::SCHEMA_TARGET_ENCRYPTION_DUPLICATE,
            push_with_store,
            |root, _| {
                add_to_store(root, luks(vec![vec![secret()]]));
                add_to_store(root, luks(vec![vec![secret()]]));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_SCRATCH_UNKNOWN_ATTRIBUTE,
            pull_with_store,
            |root, _| {
                with_store(root, |s| s.set("dev", "/dev/sdz"));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_SCRATCH_PATH_REQUIRED,
            pull_with_store,
            |root, _| {
                with_store(root, |s| {
                    s.remove("file");
                });
                schema()
            },
        ),
        public(
            &rules::SCHEMA_SCRATCH_PATH_PATTERN,
            pull_with_store,
            |root, _| {
                with_store(root, |s| s.set("file", "C:"));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_SCRATCH_ENCRYPTION_DUPLICATE,
            pull_with_store,
            |root, _| {
                add_to_store(root, luks(vec![vec![secret()]]));
                add_to_store(root, luks(vec![vec![secret()]]));
                schema()
            },
        ),
        // ---- <driver> ----
        public(
            &rules::SCHEMA_DRIVER_UNKNOWN_ATTRIBUTE,
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
            &rules::SCHEMA_DRIVER_TYPE_REQUIRED,
            first_disk_with_store,
            |root, _| {
                add_to_disk(root, Node::element("driver"));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_DRIVER_TYPE_VALUE,
            push_with_store,
            |root, _| {
                add_to_disk(root, element("driver", &[("type", "none")]));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_DRIVER_TYPE_QCOW2,
            pull_with_store,
            |root, _| {
                add_to_disk(root, element("driver", &[("type", "raw")]));
                schema()
            },
        ),
        // ---- <seclabel>, <label> ----
        public(
            &rules::SCHEMA_SECLABEL_UNKNOWN_ATTRIBUTE,
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
            &rules::SCHEMA_SECLABEL_RELABEL_VALUE,
            first_disk_with_store,
            |root, _| {
                add_to_store(root, element("seclabel", &[("relabel", "default")]));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_SECLABEL_LABELSKIP_VALUE,
            first_disk_with_store,
            |root, _| {
                add_to_store(root, element("seclabel", &[("labelskip", "no")]));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_SECLABEL_LABELSKIP_WITH_RELABEL,
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
            &rules::SCHEMA_SECLABEL_LABELSKIP_WITH_LABEL,
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
            &rules::SCHEMA_SECLABEL_RELABEL_NO_WITH_LABEL,
            first_disk_with_store,
            |root, _| {
                let mut label = element("seclabel", &[("model", "dac"), ("relabel", "no")]);
                label.push_child(Node::with_text("label", "qemu:qemu"));
                add_to_store(root, label);
                schema()
            },
        ),
        public(
            &rules::SCHEMA_LABEL_UNKNOWN_ATTRIBUTE,
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
            &rules::SCHEMA_ENCRYPTION_UNKNOWN_ATTRIBUTE,
            first_disk_with_store,
            |root, _| {
                let mut e = luks(vec![vec![secret()]]);
                e.set("type", "volume");
                add_to_store(root, e);
                schema()
            },
        ),
        public(
            &rules::SCHEMA_ENCRYPTION_FORMAT_REQUIRED,
            first_disk_with_store,
            |root, _| {
                let mut e = luks(vec![vec![secret()]]);
                e.remove("format");
                add_to_store(root, e);
                schema()
            },
        ),
        public(
            &rules::SCHEMA_ENCRYPTION_FORMAT_VALUE,
            first_disk_with_store,
            |root, _| {
                let mut e = luks(vec![vec![secret()]]);
                e.set("format", "qcow");
                add_to_store(root, e);
                schema()
            },
        ),
        public(
            &rules::SCHEMA_ENCRYPTION_ENGINE_VALUE,
            first_disk_with_store,
            |root, _| {
                let mut e = luks(vec![vec![secret()]]);
                e.set("engine", "librbd");
                add_to_store(root, e);
                schema()
            },
        ),
        public(
            &rules::SCHEMA_ENCRYPTION_SECRET_DUPLICATE,
            first_disk_with_store,
            |root, _| {
                add_to_store(root, luks(vec![vec![secret()], vec![secret()]]));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_ENCRYPTION_CIPHER_DUPLICATE,
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
            &rules::SCHEMA_ENCRYPTION_IVGEN_DUPLICATE,
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
            &rules::SCHEMA_ENCRYPTION_CIPHER_WITHOUT_IVGEN,
            first_disk_with_store,
            |root, _| {
                add_to_store(root, luks(vec![vec![secret()], vec![cipher()]]));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_ENCRYPTION_IVGEN_WITHOUT_CIPHER,
            first_disk_with_store,
            |root, _| {
                add_to_store(root, luks(vec![vec![secret()], vec![ivgen()]]));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_ENCRYPTION_IVGEN_BEFORE_CIPHER,
            first_disk_with_store,
            |root, _| {
                add_to_store(root, luks(vec![vec![secret()], vec![ivgen(), cipher()]]));
                schema()
            },
        ),
        // ---- <secret> ----
        public(
            &rules::SCHEMA_SECRET_UNKNOWN_ATTRIBUTE,
            first_disk_with_store,
            |root, _| {
                let mut s = secret();
                s.set("uid", "1");
                add_to_store(root, luks(vec![vec![s]]));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_SECRET_TYPE_REQUIRED,
            first_disk_with_store,
            |root, _| {
                let mut s = secret();
                s.remove("type");
                add_to_store(root, luks(vec![vec![s]]));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_SECRET_TYPE_VALUE,
            first_disk_with_store,
            |root, _| {
                let mut s = secret();
                s.set("type", "volume");
                add_to_store(root, luks(vec![vec![s]]));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_SECRET_UUID_OR_USAGE_REQUIRED,
            first_disk_with_store,
            |root, _| {
                let mut s = secret();
                s.remove("usage");
                add_to_store(root, luks(vec![vec![s]]));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_SECRET_UUID_AND_USAGE,
            first_disk_with_store,
            |root, _| {
                let mut s = secret();
                s.set("uuid", "0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f");
                add_to_store(root, luks(vec![vec![s]]));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_SECRET_UUID_PATTERN,
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
            &rules::SCHEMA_CIPHER_UNKNOWN_ATTRIBUTE,
            first_disk_with_store,
            |root, _| {
                let mut c = cipher();
                c.set("bits", "256");
                add_to_store(root, luks(vec![vec![secret()], vec![c, ivgen()]]));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_CIPHER_NAME_REQUIRED,
            first_disk_with_store,
            |root, _| {
                let mut c = cipher();
                c.remove("name");
                add_to_store(root, luks(vec![vec![secret()], vec![c, ivgen()]]));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_CIPHER_SIZE_REQUIRED,
            first_disk_with_store,
            |root, _| {
                let mut c = cipher();
                c.remove("size");
                add_to_store(root, luks(vec![vec![secret()], vec![c, ivgen()]]));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_CIPHER_SIZE_UNSIGNED_INT,
            first_disk_with_store,
            |root, _| {
                let mut c = cipher();
                c.set("size", "-1");
                add_to_store(root, luks(vec![vec![secret()], vec![c, ivgen()]]));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_CIPHER_MODE_HASH_PAIR,
            first_disk_with_store,
            |root, _| {
                let mut c = cipher();
                c.set("mode", "xts");
                add_to_store(root, luks(vec![vec![secret()], vec![c, ivgen()]]));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_IVGEN_UNKNOWN_ATTRIBUTE,
            first_disk_with_store,
            |root, _| {
                let mut i = ivgen();
                i.set("mode", "xts");
                add_to_store(root, luks(vec![vec![secret()], vec![cipher(), i]]));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_IVGEN_NAME_REQUIRED,
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
fn internal_parse_rules() -> Vec<Breach> {
    vec![
        internal(
            &rules::PARSE_ENCRYPTION_SECRET_TYPE_MISSING,
            first_disk_with_store,
            |root, _| {
                let mut s = secret();
                s.remove("type");
                add_to_store(root, luks(vec![vec![s]]));
                values(&[])
            },
        ),
        internal(
            &rules::PARSE_ENCRYPTION_SECRET_TYPE_UNKNOWN,
            first_disk_with_store,
            |root, _| {
                let mut s = secret();
                s.set("type", "volume");
                add_to_store(root, luks(vec![vec![s]]));
                values(&["volume"])
            },
        ),
        internal(
            &rules::PARSE_SECRET_UUID_AND_USAGE,
            first_disk_with_store,
            |root, _| {
                let mut s = secret();
                s.set("uuid", "0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f");
                add_to_store(root, luks(vec![vec![s]]));
                values(&[])
            },
        ),
        internal(
            &rules::PARSE_SECRET_UUID_INVALID,
            first_disk_with_store,
            |root, _| {
                let mut s = secret();
                s.remove("usage");
                s.set("uuid", "0a81f5b2-8403-7b23-c8d6");
                add_to_store(root, luks(vec![vec![s]]));
                values(&["0a81f5b2-8403-7b23-c8d6"])
            },
        ),
        internal(
            &rules::PARSE_CIPHER_NAME_MISSING,
            first_disk_with_store,
            |root, _| {
                let mut c = cipher();
                c.remove("name");
                add_to_store(root, luks(vec![vec![secret()], vec![c, ivgen()]]));
                values(&[])
            },
        ),
        internal(
            &rules::PARSE_CIPHER_SIZE_MISSING,
            first_disk_with_store,
            |root, _| {
                let mut c = cipher();
                c.remove("size");
                add_to_store(root, luks(vec![vec![secret()], vec![c, ivgen()]]));
                values(&[])
            },
        ),
        internal(
            &rules::PARSE_CIPHER_SIZE_VALUE,
            first_disk_with_store,
            |root, _| {
                let mut c = cipher();
                c.set("size", "-1");
                add_to_store(root, luks(vec![vec![secret()], vec![c, ivgen()]]));
                values(&["-1"])
            },
        ),
        internal(
            &rules::PARSE_IVGEN_NAME_MISSING,
            first_disk_with_store,
            |root, _| {
                let mut i = ivgen();
                i.remove("name");
                i.set("hash", "sha256");
                add_to_store(root, luks(vec![vec![secret()], vec![cipher(), i]]));
                values(&[])
            },
        ),
        // 9.0 has no `luks-any` encryption format (11.3 accepts it).
        internal(
            &rules::PARSE_ENCRYPTION_FORMAT_UNKNOWN,
            first_disk_with_store,
            |root, _| {
                let mut e = luks(vec![vec![secret()]]);
                e.set("format", "luks-any");
                add_to_store(root, e);
                values(&["luks-any"])
            },
        )
        .variant("luks-any")
        .only_where(|p| !p.has_luks_any_encryption()),
        // 9.0 does not know the storage type `vhostvdpa`; 11.3 knows it and refuses it as
        // a backup type.
        internal(
            &rules::PARSE_DISK_TYPE_UNKNOWN,
            first_disk_with_store,
            |root, profile| {
                with_disk(root, |d| d.set("type", "vhostvdpa"));
                if profile.has_vhostvdpa_storage_type() {
                    by(&rules::PARSE_DISK_TYPE_UNSUPPORTED, &["vhostvdpa"])
                } else {
                    values(&["vhostvdpa"])
                }
            },
        )
        .variant("vhostvdpa"),
        internal(
            &rules::PARSE_DISK_FORMAT_UNKNOWN,
            first_disk_with_store,
            |root, _| {
                add_to_disk(root, element("driver", &[("type", "qcow3")]));
                values(&["qcow3"])
            },
        ),
        internal(
            &rules::PARSE_SECLABEL_LABELSKIP_VALUE,
            first_disk_with_store,
            |root, _| {
                add_to_store(root, element("seclabel", &[("labelskip", "maybe")]));
                values(&["maybe"])
            },
        ),
        // 9.0 has no `fd` transport: it is an unknown transport there.
        internal(
            &rules::PARSE_SERVER_TRANSPORT_UNKNOWN,
            to_pull,
            |root, _| {
                with_server(root, |s| {
                    s.remove("name");
                    s.remove("port");
                    s.set("transport", "fd");
                    s.set("fdgroup", "nbd");
                });
                values(&["fd"])
            },
        )
        .variant("fd")
        .only_where(|p| !p.has_fd_transport()),
    ]
}

fn root_content<'r, 'a>(root: &'r mut Node<'a>) -> &'r mut Content<'a> {
    &mut root.content
}

fn in_scope(breach: &Breach, profile: Profile, mode: Mode) -> bool {
    let options = mode.options(profile);
    let scope = match breach.scope {
        Scope::Any => true,
        Scope::Public => !options.internal,
        Scope::Internal => options.internal,
        Scope::Aligned => options.align,
    };
    scope && breach.rule.holds_in(profile) && breach.only.is_none_or(|applies| applies(profile))
}

/// The name of every breach [`invalid`] can produce for `profile` and `mode`: the rule's
/// id, or `id/variant` where one rule is broken in several ways.
pub fn rule_ids(profile: Profile, mode: Mode) -> Vec<&'static str> {
    breaches()
        .iter()
        .filter(|b| in_scope(b, profile, mode))
        .map(Breach::name)
        .collect()
}

/// The name of every breach [`invalid`] can produce under some profile and mode.
pub fn all_rule_ids() -> Vec<&'static str> {
    breaches().iter().map(Breach::name).collect()
}

/// Builds the invalid case for the breach named `name` (see [`rule_ids`]) from a valid
/// definition and a spelling seed.
pub fn break_rule(
    name: &str,
    definition: &DomainBackup,
    seed: u64,
    profile: Profile,
    mode: Mode,
) -> Option<InvalidCase> {
    let breach = breaches()
        .iter()
        .find(|b| b.name == name && in_scope(b, profile, mode))?;
    let options = mode.options(profile);
    let target = Target {
        profile,
        internal: options.internal,
    };
    let mut def = definition.clone();
    if options.align {
        model::make_alignable(&mut def);
    }
    (breach.prepare)(&mut def, profile);
    if !options.internal {
        for disk in &mut def.disks {
            disk.state = DiskState::None;
        }
    }
    let mut expect = None;
    let text = render::render_edited(&def, target, seed, |root| {
        expect = Some((breach.edit)(root, profile))
    });
    let mut document = text.into_bytes();
    let mut expect = expect?;
    while let Expect::Rewritten(inner, change) = expect {
        change(&mut document);
        expect = *inner;
    }
    let (rule, values) = match expect {
        Expect::Values(values) => (breach.rule, Some(values)),
        Expect::By(rule, values) => (rule, Some(values)),
        Expect::Class => (breach.rule, None),
        Expect::Bytes(change) => {
            change(&mut document);
            if breach.rule == &rules::ROOT_WRONG_NAME {
                (breach.rule, Some(vec!["domainsnapshot".to_string()]))
            } else {
                (breach.rule, None)
            }
        }
        Expect::Rewritten(..) => unreachable!("unwrapped above"),
    };
    let message_is_libvirts = values.is_some();
    let expected = match values {
        Some(values) => {
            let values: Vec<&dyn std::fmt::Display> =
                values.iter().map(|v| v as &dyn std::fmt::Display).collect();
            rule.reject_in(profile, &values)
        }
        None => {
            let wording = rule.wording_in(profile);
            Rejection::from_parts(
                rule.stage,
                wording.code.number(),
                wording.domain.number(),
                "",
            )
            .by(rule)
        }
    };
    Some(InvalidCase {
        profile,
        mode,
        rule,
        breach: breach.name,
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
    use crate::Stage;
    use crate::xml::{read, schema};

    #[test]
    fn every_schema_rule_has_a_generated_case() {
        let broken: std::collections::BTreeSet<&str> =
            breaches().iter().map(|b| b.rule.id).collect();
        for rule in rules::ALL.iter().filter(|r| r.stage == Stage::Schema) {
            assert!(broken.contains(rule.id), "no invalid case breaks {rule}");
        }
        let mut unique = std::collections::BTreeSet::new();
        for name in all_rule_ids() {
            assert!(unique.insert(name), "{name} is listed twice");
            let id = name.split('/').next().unwrap_or(name);
            assert!(rules::by_id(id).is_some(), "{name} names no catalogue rule");
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
                        assert_eq!(
                            actual.rule,
                            Some(case.rule),
                            "{profile} {mode} {id}\n{text}"
                        );
                        if actual.stage == Stage::Schema {
                            let document = read::read(&case.document).expect("well-formed");
                            let v = schema::validate(&document, profile).expect_err("invalid");
                            assert_eq!(v.rule, case.rule, "{profile} {mode}: {}\n{text}", v.detail);
                        }
                    }
                }
            }
        }
    }
}
