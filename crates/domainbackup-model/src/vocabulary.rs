//! The words of backup XML: every element and attribute name the pipeline knows, and every
//! enumerated value of the schema and of libvirt's parser. A data table.
//!
//! One list feeds every user: the reader's shared names ([`crate::xml::read`]), the
//! schema's and the parser's enumerations, the fuzz mutator's words and the libFuzzer
//! dictionary generated from them (`fuzz/domainbackup.dict`). Which value is valid where is
//! decided by the checkers, not here.

/// Element names: the schema's, then the status-only ones (internal parses), then those
/// libvirt's storage source parser reads inside a target or scratch although the schema
/// refuses them.
pub const ELEMENTS: &[&str] = &[
    // domainbackup.rng
    "domainbackup",
    "incremental",
    "server",
    "disks",
    "disk",
    "target",
    "scratch",
    "driver",
    "seclabel",
    "label",
    "encryption",
    "secret",
    "cipher",
    "ivgen",
    // status XML
    "privateData",
    "objects",
    "TLSx509",
    "nodenames",
    "nodename",
    // storage sources, internal parse
    "auth",
    "reservations",
    "slices",
    "slice",
    "dataStore",
    "source",
    "format",
];

/// Attribute names: the schema's, the status-only ones, those the storage source parser
/// reads, and `xml:space`, which libxml2 itself reads.
pub const ATTRIBUTES: &[&str] = &[
    "mode",
    "transport",
    "tls",
    "name",
    "port",
    "socket",
    "fdgroup",
    "backup",
    "backupmode",
    "incremental",
    "exportname",
    "exportbitmap",
    "type",
    "state",
    "index",
    "file",
    "dev",
    "model",
    "relabel",
    "labelskip",
    "format",
    "engine",
    "uuid",
    "usage",
    "size",
    "hash",
    "alias",
    "xml:space",
    "username",
    "managed",
    "offset",
    "path",
];

/// Names of libvirt's storage source XML that a target or scratch may carry and no rule
/// here reads (network hosts, qcow2 features, volume permissions); the reader still
/// shares them rather than copying each one.
pub const STORAGE_SOURCE_NAMES: &[&str] = &[
    "host",
    "protocol",
    "initiator",
    "iqn",
    "features",
    "compat",
    "clusterSize",
    "permissions",
    "owner",
    "group",
    "passphrase",
];

/// `mode` of `<domainbackup>`.
pub const BACKUP_MODES: &[&str] = &["push", "pull"];

/// libvirt's tristate booleans (`tls`, `backup`, `relabel`, `labelskip`, `managed`).
pub const TRISTATE: &[&str] = &["yes", "no"];

/// `transport` of `<server>` (`fd` from 11.x on).
pub const TRANSPORTS: &[&str] = &["tcp", "unix", "rdma", "fd"];

/// `virStorageType` names, in libvirt's enum order (index 0, `none`, is refused).
pub const STORAGE_TYPES: &[&str] = &[
    "none",
    "file",
    "block",
    "dir",
    "network",
    "volume",
    "nvme",
    "vhostuser",
    "vhostvdpa",
];

/// `storageFormat` of storagecommon.rng (identical in 9.0 and 11.3; the parser refuses
/// `luks` there).
pub const STORAGE_FORMATS: &[&str] = &[
    "raw", "dir", "bochs", "cloop", "dmg", "iso", "vpc", "vdi", "fat", "vhd", "ploop", "luks",
    "cow", "qcow", "qcow2", "qed", "vmdk",
];

/// `backupmode` of a disk.
pub const DISK_BACKUP_MODES: &[&str] = &["full", "incremental"];

/// `state` of a disk in status XML.
pub const DISK_STATES: &[&str] = &["running", "complete", "failed", "cancelling", "cancelled"];

/// `format` of `<encryption>` (`luks-any` from 11.x on).
pub const ENCRYPTION_FORMATS: &[&str] = &["default", "qcow", "luks", "luks2", "luks-any"];

/// `engine` of `<encryption>`.
pub const ENCRYPTION_ENGINES: &[&str] = &["qemu", "librbd"];

/// `type` of an encryption `<secret>`.
pub const SECRET_TYPES: &[&str] = &["passphrase"];

/// `type` of `<auth>`.
pub const AUTH_TYPES: &[&str] = &["none", "chap", "ceph"];

/// The reservations `<source>`'s only `type` and `mode`.
pub const RESERVATIONS_SOURCE: &[&str] = &["unix", "client"];

/// The `<slice>` type libvirt reads.
pub const SLICE_TYPES: &[&str] = &["storage"];

/// The `<privateData>` secret type that names the TLS key.
pub const PRIVATE_SECRET_TYPES: &[&str] = &["tlskey"];

/// Every enumeration above, each under the name a reader knows it by.
pub const ENUMERATIONS: &[(&str, &[&str])] = &[
    ("backup modes", BACKUP_MODES),
    ("tristate booleans", TRISTATE),
    ("transports", TRANSPORTS),
    ("storage types", STORAGE_TYPES),
    ("storage formats", STORAGE_FORMATS),
    ("disk backup modes", DISK_BACKUP_MODES),
    ("disk states", DISK_STATES),
    ("encryption formats", ENCRYPTION_FORMATS),
    ("encryption engines", ENCRYPTION_ENGINES),
    ("secret types", SECRET_TYPES),
    ("auth types", AUTH_TYPES),
    ("reservations sources", RESERVATIONS_SOURCE),
    ("slice types", SLICE_TYPES),
    ("private secret types", PRIVATE_SECRET_TYPES),
];

/// Every enumerated value, once each, in the order of [`ENUMERATIONS`].
pub fn enumerated_values() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for (_, values) in ENUMERATIONS {
        for value in *values {
            if !out.contains(value) {
                out.push(value);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DiskState, EncryptionFormat, StorageFormat};

    #[test]
    fn the_model_names_the_vocabulary_values() {
        let states: Vec<&str> = DiskState::ALL
            .iter()
            .map(|s| s.as_str())
            .filter(|s| !s.is_empty())
            .collect();
        assert_eq!(states, DISK_STATES);
        let formats: Vec<&str> = EncryptionFormat::ALL.iter().map(|f| f.as_str()).collect();
        assert_eq!(formats, ENCRYPTION_FORMATS);
        // The parser's storage formats: the schema's less luks.
        let storage: Vec<&str> = StorageFormat::ALL.iter().map(|f| f.as_str()).collect();
        let schema: Vec<&str> = STORAGE_FORMATS
            .iter()
            .copied()
            .filter(|f| *f != "luks")
            .collect();
        assert_eq!(storage, schema);
    }

    #[test]
    fn names_are_listed_once() {
        for list in [ELEMENTS, ATTRIBUTES, STORAGE_SOURCE_NAMES] {
            let mut seen = std::collections::HashSet::new();
            for name in list {
                assert!(seen.insert(name), "{name} twice");
            }
        }
    }
}
