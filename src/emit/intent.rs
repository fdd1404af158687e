//! What a tool that writes backup XML means to write: a backup definition as JSON, shaped
//! like the document (`mode`, `incremental`, `server`, `disks` with every field
//! `domainbackup.rng` has), for the emitter protocol and its JSON Schema.
//!
//! A missing key means "do not write it"; an empty string means "write it empty"; every
//! value is a string as the XML has it (`"yes"`, `"10809"`), so a writer is never asked to
//! spell a boolean or a number its own way. Nothing here checks a value: an intent may hold
//! what libvirt refuses (a relative path, a port of 70000), and the reference's verdict on
//! the document written for it ([`super::write`](mod@super::write)) says what libvirt makes of it.
//!
//! The JSON Schema published in `schema/` is generated from these types
//! ([`json_schema`]), one per profile; a test holds the files to them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Profile;

/// A backup definition to write (`<domainbackup>`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "domainbackup intent")]
pub struct BackupIntent {
    /// `mode` of `<domainbackup>`: `push` (libvirt's default) or `pull`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub mode: Option<String>,
    /// The text of `<incremental>`: the checkpoint the backup starts from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub incremental: Option<String>,
    /// `<server>`: the NBD server of a pull backup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "ServerIntent")]
    pub server: Option<ServerIntent>,
    /// The `<disk>` elements of `<disks>`, in order; an empty list writes `<disks/>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<DiskIntent>")]
    pub disks: Option<Vec<DiskIntent>>,
}

/// `<server>` of a pull backup.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServerIntent {
    /// `transport`: `tcp` (the default), `unix` or `fd` (libvirt 11.3 and later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub transport: Option<String>,
    /// `tls`: `yes` or `no`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub tls: Option<String>,
    /// `name`: the host name or address (tcp).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub name: Option<String>,
    /// `port` (tcp), in decimal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub port: Option<String>,
    /// `socket`: the absolute path of a UNIX socket (unix).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub socket: Option<String>,
    /// `fdgroup`: the file descriptor group passed with `virDomainFDAssociate` (fd).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub fdgroup: Option<String>,
}

/// One `<disk>` of `<disks>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiskIntent {
    /// `name`: the domain disk's target device (`vda`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub name: Option<String>,
    /// `backup`: `yes` or `no`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub backup: Option<String>,
    /// `backupmode`: `full` or `incremental`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub backupmode: Option<String>,
    /// `incremental`: the disk's own checkpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub incremental: Option<String>,
    /// `exportname` (pull).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub exportname: Option<String>,
    /// `exportbitmap` (pull).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub exportbitmap: Option<String>,
    /// `type`: `file` or `block`, the kind of the target or scratch.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub kind: Option<String>,
    /// `<target>`: where a push backup writes the disk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "StoreIntent")]
    pub target: Option<StoreIntent>,
    /// `<scratch>`: the scratch file or device of a pull backup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "StoreIntent")]
    pub scratch: Option<StoreIntent>,
    /// `type` of `<driver>`: the format of the target or scratch (`qcow2`, `raw`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub driver: Option<String>,
}

/// `<target>` or `<scratch>` of a disk.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StoreIntent {
    /// `file`: the absolute path (a disk of type `file`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub file: Option<String>,
    /// `dev`: the absolute path (a disk of type `block`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub dev: Option<String>,
    /// `<seclabel>` overrides, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<SeclabelIntent>")]
    pub seclabels: Option<Vec<SeclabelIntent>>,
    /// `<encryption>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "EncryptionIntent")]
    pub encryption: Option<EncryptionIntent>,
}

/// A `<seclabel>` override of a target or scratch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeclabelIntent {
    /// `model`: the security driver (`dac`, `selinux`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub model: Option<String>,
    /// `relabel`: `yes` or `no`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub relabel: Option<String>,
    /// `labelskip`: `yes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub labelskip: Option<String>,
    /// The text of each `<label>`, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<String>")]
    pub labels: Option<Vec<String>>,
}

/// `<encryption>` of a target or scratch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EncryptionIntent {
    /// `format`: `luks`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub format: Option<String>,
    /// `engine`: `qemu`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub engine: Option<String>,
    /// Each `<secret>`, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<SecretIntent>")]
    pub secrets: Option<Vec<SecretIntent>>,
    /// `<cipher>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "CipherIntent")]
    pub cipher: Option<CipherIntent>,
    /// `<ivgen>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "IvgenIntent")]
    pub ivgen: Option<IvgenIntent>,
}

/// A `<secret>` of an encryption.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretIntent {
    /// `type`: `passphrase`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub kind: Option<String>,
    /// `uuid`: the secret's UUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub uuid: Option<String>,
    /// `usage`: the secret's usage text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub usage: Option<String>,
}

/// `<cipher>` of a luks encryption.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CipherIntent {
    /// `name` (`aes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub name: Option<String>,
    /// `size`: the key size in bits, in decimal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub size: Option<String>,
    /// `mode` (`cbc`, `xts`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub mode: Option<String>,
    /// `hash` (`sha256`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub hash: Option<String>,
}

/// `<ivgen>` of a luks encryption.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IvgenIntent {
    /// `name` (`plain64`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub name: Option<String>,
    /// `hash` (`sha256`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub hash: Option<String>,
}

/// The version of the intent format; a new field or a changed meaning makes a new one.
pub const INTENT_FORMAT_VERSION: u64 = 1;

/// Fields of the intent that a profile's grammar does not have, by JSON Schema definition
/// and property: left out of that profile's schema.
fn missing_in(profile: Profile) -> Vec<(&'static str, &'static str)> {
    let mut missing = Vec::new();
    if !profile.has_fd_transport() {
        missing.push(("ServerIntent", "fdgroup"));
    }
    missing
}

/// The JSON Schema of intents for `profile`, generated from the types above (their
/// documentation is the schema's), without the fields that profile's grammar lacks.
pub fn json_schema(profile: Profile) -> serde_json::Value {
    let mut schema = schemars::schema_for!(BackupIntent).to_value();
    if let Some(object) = schema.as_object_mut() {
        object.insert(
            "description".into(),
            format!(
                "A backup definition a tool means to write, for libvirt {} (intent format \
                 {INTENT_FORMAT_VERSION}). A missing key means do not write it; an empty \
                 string means write it empty; every value is a string as the XML has it.",
                profile.release()
            )
            .into(),
        );
        object.insert("x-intent-format".into(), INTENT_FORMAT_VERSION.into());
        object.insert("x-libvirt".into(), profile.name().into());
    }
    for (definition, property) in missing_in(profile) {
        if let Some(properties) = schema
            .pointer_mut(&format!("/$defs/{definition}/properties"))
            .and_then(serde_json::Value::as_object_mut)
        {
            properties.remove(property);
        }
    }
    schema
}

/// The schema file's text for `profile`, as it is kept in `schema/intent/`.
pub fn json_schema_text(profile: Profile) -> String {
    // A JSON value always serializes (its keys are strings).
    let mut text = serde_json::to_string_pretty(&json_schema(profile)).unwrap_or_default();
    text.push('\n');
    text
}

/// Where in the repository [`json_schema_text`] for `profile` is kept.
pub fn json_schema_path(profile: Profile) -> String {
    format!("schema/intent/{}.json", profile.name())
}
