//! Breaches of libvirt's RNG schema (`schema.*`, public parses) for the document, its
//! `<incremental>`, its `<server>` and its `<disks>`: those listed among the first
//! breaches ([`first_breaches`]) and the rest ([`breaches`]). What a disk's `<target>` or
//! `<scratch>` holds is in [`super::schema_store`].
//!
//! Lists of breaches, in the order they are listed (part of the order of
//! [`super::rule_ids`], which generated documents depend on): nothing here may reorder
//! them or hold edits other stages use (those live in [`super::edits`]).

use super::edits::{
    add_to_disk, count_children, declare_entity, element, first_disk_with_store, marker, nothing,
    pull_with_store, push_with_store, remove_children, rename_root, replace_marker, root_content,
    seclabel, to_pull, to_push, with_disk, with_incremental, with_server, with_store,
};
use super::{Breach, Expect, by, public, schema};
use crate::render::{Content, Node};
use domainbackup_model::Profile;
use domainbackup_model::rules;

/// The schema rules listed first, after the root rule and before the parse errors that
/// pass the schema.
pub(super) fn first_breaches() -> Vec<Breach> {
    vec![
        // ---- schema (public parses) ----
        public(&rules::SCHEMA_MODE_VALUE, nothing, |root, _| {
            root.set("mode", "backup");
            schema()
        }),
        public(&rules::SCHEMA_ROOT_UNKNOWN_ATTRIBUTE, nothing, |root, _| {
            root.set("id", "1");
            schema()
        }),
        public(&rules::SCHEMA_ELEMENT_NOT_ALLOWED, nothing, |root, _| {
            root.push_child(Node::element("checkpoint"));
            schema()
        }),
        public(&rules::SCHEMA_PULL_SERVER_REQUIRED, to_pull, |root, _| {
            if let Content::Elements { groups, .. } = root_content(root) {
                groups.retain(|g| g.first().is_none_or(|n| n.name != "server"));
            }
            schema()
        }),
        public(&rules::SCHEMA_PUSH_SERVER_FORBIDDEN, to_push, |root, _| {
            let mut s = Node::element("server");
            s.set("name", "localhost");
            root.push_child(s);
            schema()
        }),
        public(&rules::SCHEMA_SERVER_NAME_PATTERN, to_pull, |root, _| {
            with_server(root, |s| s.set("name", "bad_host"));
            schema()
        }),
        public(
            &rules::SCHEMA_SERVER_PORT_UNSIGNED_INT,
            to_pull,
            |root, _| {
                with_server(root, |s| s.set("port", "+10809"));
                schema()
            },
        ),
        public(&rules::SCHEMA_SERVER_TLS_VALUE, to_pull, |root, _| {
            with_server(root, |s| s.set("tls", "default"));
            schema()
        }),
        public(
            &rules::SCHEMA_DISK_NAME_PATTERN,
            first_disk_with_store,
            |root, _| {
                with_disk(root, |d| d.set("name", "disk0"));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_DISK_BACKUP_VALUE,
            first_disk_with_store,
            |root, _| {
                with_disk(root, |d| d.set("backup", "maybe"));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_DISK_BACKUPMODE_FULL_WITH_INCREMENTAL,
            first_disk_with_store,
            |root, _| {
                with_disk(root, |d| {
                    d.set("backupmode", "full");
                    d.set("incremental", "cp");
                });
                schema()
            },
        ),
        public(
            &rules::SCHEMA_PUSH_DISK_EXPORT_FORBIDDEN,
            push_with_store,
            |root, _| {
                with_disk(root, |d| d.set("exportname", "e"));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_TARGET_PATH_PATTERN,
            push_with_store,
            |root, _| {
                with_store(root, |s| s.set("file", "relative.img"));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_SECLABEL_RELABEL_YES_NEEDS_LABEL,
            first_disk_with_store,
            |root, _| {
                with_store(root, |s| s.push_child(seclabel("dac", "yes")));
                schema()
            },
        ),
        public(
            &rules::SCHEMA_ENCRYPTION_SECRET_REQUIRED,
            first_disk_with_store,
            |root, _| {
                with_store(root, |s| {
                    let mut e = Node::element("encryption");
                    e.set("format", "luks");
                    s.push_child(e);
                });
                schema()
            },
        ),
    ]
}

/// One breach per schema rule of the catalogue ([`domainbackup_model::rules`]) not covered by
/// [`first_breaches`], up to the `<disk>` element (its store's follow, from
/// [`super::schema_store`]). Each edit is the only violation of an otherwise valid
/// document, and the first one the schema checker meets: the checker reads attributes
/// before children and children in document order, and the prepared definition puts the
/// element the rule is about first (`first_disk_with_store`), or makes it the only one of
/// its kind.
pub(super) fn breaches() -> Vec<Breach> {
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
    ]
}
