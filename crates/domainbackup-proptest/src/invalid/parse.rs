//! Breaches of libvirt's C parser (`parse.*`): the errors of documents that pass the schema
//! ([`public_breaches`], any mode), the errors only an internal parse reaches because the
//! schema refuses the document first otherwise ([`internal_breaches`]), and, listed after
//! the schema's rules, the encryption's secret and cipher and the profile differences
//! ([`internal_store_and_profile_breaches`]).
//!
//! Lists of breaches, in the order they are listed (part of the order of
//! [`super::rule_ids`], which generated documents depend on): nothing here may reorder
//! them or hold edits other stages use (those live in [`super::edits`]).

use super::edits::{
    add_to_disk, add_to_store, cipher, element, encryption_node, first_disk_with_store, ivgen,
    luks, nothing, push_with_store, seclabel, secret, to_pull, to_push, with_disk, with_server,
    with_store,
};
use super::{Breach, Scope, breach, by, internal, values};
use crate::render::Node;
use domainbackup_model::rules;

/// Parse errors that pass the schema, after the schema rules listed first.
pub(super) fn public_breaches() -> Vec<Breach> {
    vec![
        // ---- parse errors that pass the schema ----
        breach(
            Scope::Any,
            &rules::PARSE_SERVER_PORT_OUT_OF_RANGE,
            to_pull,
            |root, _| {
                with_server(root, |s| s.set("port", "65536"));
                values(&["65536"])
            },
        ),
        breach(
            Scope::Any,
            &rules::PARSE_SERVER_SOCKET_NOT_ABSOLUTE,
            to_pull,
            |root, _| {
                with_server(root, |s| {
                    s.remove("name");
                    s.remove("port");
                    s.set("transport", "unix");
                    s.set("socket", "C:\\nbd");
                });
                values(&["C:\\nbd"])
            },
        ),
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
        breach(
            Scope::Any,
            &rules::PARSE_SECLABEL_DUPLICATE_MODEL,
            first_disk_with_store,
            |root, _| {
                with_store(root, |s| {
                    s.push_child(seclabel("twice", "no"));
                    s.push_child(seclabel("twice", "no"));
                });
                values(&["twice"])
            },
        ),
    ]
}

/// Parse errors reached by an internal parse, after [`public_breaches`].
pub(super) fn internal_breaches() -> Vec<Breach> {
    vec![
        // ---- parse errors reached by an internal parse ----
        internal(&rules::PARSE_MODE_UNKNOWN, nothing, |root, _| {
            root.set("mode", "default");
            values(&["default"])
        }),
        internal(&rules::PARSE_SERVER_REQUIRES_PULL, to_push, |root, _| {
            let mut s = Node::element("server");
            s.set("name", "h");
            root.push_child(s);
            values(&[])
        }),
        internal(
            &rules::PARSE_SERVER_TRANSPORT_UNKNOWN,
            to_pull,
            |root, _| {
                with_server(root, |s| s.set("transport", "sctp"));
                values(&["sctp"])
            },
        ),
        internal(
            &rules::PARSE_SERVER_UNIX_WITHOUT_SOCKET,
            to_pull,
            |root, _| {
                with_server(root, |s| s.set("transport", "unix"));
                values(&[])
            },
        ),
        internal(
            &rules::PARSE_SERVER_SOCKET_NOT_SUPPORTED,
            to_pull,
            |root, profile| {
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
        ),
        internal(
            &rules::PARSE_SERVER_PORT_NOT_A_NUMBER,
            to_pull,
            |root, _| {
                with_server(root, |s| s.set("port", "nbd"));
                values(&["nbd"])
            },
        ),
        internal(&rules::PARSE_SERVER_MISSING_NAME, to_pull, |root, _| {
            with_server(root, |s| {
                s.remove("name");
            });
            values(&[])
        }),
        internal(
            &rules::PARSE_SERVER_FD_WITHOUT_FDGROUP,
            to_pull,
            |root, _| {
                with_server(root, |s| {
                    s.remove("name");
                    s.remove("port");
                    s.set("transport", "fd");
                });
                values(&[])
            },
        ),
        internal(&rules::PARSE_SERVER_RDMA, to_pull, |root, _| {
            with_server(root, |s| s.set("transport", "rdma"));
            values(&[])
        }),
        internal(&rules::PARSE_SERVER_TLS_VALUE, to_pull, |root, _| {
            with_server(root, |s| s.set("tls", "on"));
            values(&["on"])
        }),
        internal(
            &rules::PARSE_DISK_MISSING_NAME,
            first_disk_with_store,
            |root, _| {
                with_disk(root, |d| {
                    d.remove("name");
                });
                values(&[])
            },
        ),
        internal(
            &rules::PARSE_DISK_BACKUP_VALUE,
            first_disk_with_store,
            |root, _| {
                with_disk(root, |d| d.set("backup", ""));
                values(&["disk", ""])
            },
        ),
        internal(
            &rules::PARSE_DISK_BACKUPMODE_VALUE,
            first_disk_with_store,
            |root, _| {
                with_disk(root, |d| d.set("backupmode", "differential"));
                values(&["disk", "differential"])
            },
        ),
        internal(
            &rules::PARSE_DISK_STATE_MISSING,
            first_disk_with_store,
            |root, _| {
                with_disk(root, |d| {
                    d.remove("state");
                });
                values(&["disk"])
            },
        ),
        internal(
            &rules::PARSE_DISK_STATE_VALUE,
            first_disk_with_store,
            |root, _| {
                with_disk(root, |d| d.set("state", "paused"));
                values(&["disk", "paused"])
            },
        ),
        internal(
            &rules::PARSE_DISK_TYPE_UNKNOWN,
            first_disk_with_store,
            |root, _| {
                with_disk(root, |d| d.set("type", "floppy"));
                values(&["floppy"])
            },
        ),
        internal(
            &rules::PARSE_DISK_INDEX_VALUE,
            first_disk_with_store,
            |root, _| {
                with_disk(root, |d| d.set("index", "-1"));
                values(&["-1"])
            },
        ),
        internal(
            &rules::PARSE_DISK_TYPE_UNSUPPORTED,
            first_disk_with_store,
            |root, _| {
                with_disk(root, |d| d.set("type", "dir"));
                values(&["dir"])
            },
        ),
        internal(
            &rules::PARSE_SECLABEL_RELABEL_VALUE,
            first_disk_with_store,
            |root, _| {
                with_store(root, |s| s.push_child(seclabel("m", "maybe")));
                values(&["maybe"])
            },
        ),
        internal(
            &rules::PARSE_SECLABEL_LABEL_WITH_RELABEL_NO,
            first_disk_with_store,
            |root, _| {
                with_store(root, |s| {
                    let mut l = seclabel("m", "no");
                    l.push_child(Node::with_text("label", "x"));
                    s.push_child(l);
                });
                values(&["m"])
            },
        ),
        internal(
            &rules::PARSE_ENCRYPTION_FORMAT_MISSING,
            first_disk_with_store,
            |root, _| {
                with_store(root, |s| {
                    let mut e = encryption_node();
                    e.remove("format");
                    s.push_child(e);
                });
                values(&[])
            },
        ),
        internal(
            &rules::PARSE_ENCRYPTION_FORMAT_UNKNOWN,
            first_disk_with_store,
            |root, _| {
                with_store(root, |s| {
                    let mut e = encryption_node();
                    e.set("format", "aes");
                    s.push_child(e);
                });
                values(&["aes"])
            },
        ),
        internal(
            &rules::PARSE_ENCRYPTION_ENGINE_VALUE,
            first_disk_with_store,
            |root, _| {
                with_store(root, |s| {
                    let mut e = encryption_node();
                    e.set("engine", "default");
                    s.push_child(e);
                });
                values(&["default"])
            },
        ),
        internal(
            &rules::PARSE_SECRET_UUID_OR_USAGE_MISSING,
            first_disk_with_store,
            |root, _| {
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
        ),
        internal(
            &rules::PARSE_ENCRYPTION_IVGEN_WITHOUT_CIPHER,
            first_disk_with_store,
            |root, _| {
                with_store(root, |s| {
                    let mut e = encryption_node();
                    let mut ivgen = Node::element("ivgen");
                    ivgen.set("name", "plain64");
                    e.push_child(ivgen);
                    s.push_child(e);
                });
                values(&[])
            },
        ),
    ]
}

/// Errors of libvirt's C parser that only an internal parse reaches, beyond
/// [`internal_breaches`]: the encryption's secret and cipher, and the profile differences.
/// The last of all breaches.
pub(super) fn internal_store_and_profile_breaches() -> Vec<Breach> {
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
