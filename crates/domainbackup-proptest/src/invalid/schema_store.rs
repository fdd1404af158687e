//! Breaches of libvirt's RNG schema (`schema.*`, public parses) for what a disk's store
//! holds: `<target>` (push) and `<scratch>` (pull), the disk's `<driver>`, `<seclabel>`
//! and `<label>`, `<encryption>`, `<secret>`, `<cipher>` and `<ivgen>`. They follow
//! [`super::schema::breaches`], the rules for the document.
//!
//! A list of breaches, in the order they are listed (part of the order of
//! [`super::rule_ids`], which generated documents depend on): nothing here may reorder
//! them or hold edits other stages use (those live in [`super::edits`]).

use super::edits::{
    add_to_disk, add_to_store, cipher, element, first_disk_with_store, ivgen, luks,
    pull_with_store, push_with_store, secret, with_store,
};
use super::{Breach, public, schema};
use crate::render::Node;
use domainbackup_model::rules;

/// The schema rules of a disk's store, after [`super::schema::breaches`]. Each edit is the
/// only violation of an otherwise valid document, and the first one the schema checker
/// meets: the checker reads attributes before children and children in document order,
/// and the prepared definition puts the element the rule is about first
/// (`first_disk_with_store`), or makes it the only one of its kind.
pub(super) fn breaches() -> Vec<Breach> {
    vec![
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
