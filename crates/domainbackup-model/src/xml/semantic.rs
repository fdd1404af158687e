//! libvirt's C parser (`virDomainBackupDefParseXML` and the helpers it calls) over the
//! element tree: the checks, their order (the first error wins), and the values it keeps.
//!
//! Attribute reads follow libxml2's `xmlGetProp` (first attribute of that local name, in any
//! namespace); XPath reads (`string(./incremental)`, `./disks/*`, ...) follow XPath's rules.
//! This module does not check the schema and does not align; a document that reaches it
//! in a non-internal parse has already passed [`super::schema`].
//!
//! Inside a target or scratch, only an internal parse reaches `<auth>`, `<reservations>` and
//! `<slices>` (the schema refuses them); they are parsed as libvirt does, in its order
//! (auth, encryption, reservations, slices, seclabels).
//!
//! Not modelled: `<dataStore>` there, which libvirt 11.x parses as a storage source of
//! its own (9.0 ignores it, as this module does); and the store's `<privateData>`, which
//! libvirt reads only with the qemu driver's XML options (the generic options that the
//! upstream test and an in-process libvirt use ignore it, as this module does).

use super::tree::Element;
use crate::error::Rejection;
use crate::model::{
    BackupDisk, BackupMode, BackupStore, Cipher, DiskBackupMode, DiskState, DomainBackup,
    Encryption, EncryptionEngine, EncryptionFormat, Ivgen, PullServer, Reservations, Seclabel,
    SecretLookup, StorageAuth, StorageFormat, StorageSlice, StoreType, Transport,
};
use crate::profile::Profile;
use crate::rules;
use crate::vocabulary;

/// The longest seclabel `<label>` libvirt keeps (`VIR_SECURITY_LABEL_BUFLEN - 1`); a longer
/// one is silently dropped.
pub const MAX_LABEL_BYTES: usize = 4096;

/// Parses the root `<domainbackup>` element (whose name was already checked).
pub fn parse(root: &Element, profile: Profile, internal: bool) -> Result<DomainBackup, Rejection> {
    let mut def = DomainBackup::default();

    if let Some(mode) = root.prop("mode") {
        def.mode = match mode {
            "push" => BackupMode::Push,
            "pull" => BackupMode::Pull,
            other => return Err(rules::PARSE_MODE_UNKNOWN.reject(&[&other])),
        };
    }
    let push = def.mode == BackupMode::Push;

    def.incremental = root
        .xpath_child("incremental")
        .map(Element::string_value)
        .filter(|s| !s.is_empty());

    if let Some(server) = root.xpath_child("server") {
        if def.mode != BackupMode::Pull {
            return Err(rules::PARSE_SERVER_REQUIRES_PULL.reject(&[]));
        }
        let mut host = parse_host(server, profile)?;
        if host.transport == Transport::Rdma {
            return Err(rules::PARSE_SERVER_RDMA.reject(&[]));
        }
        if host.transport == Transport::Unix {
            let socket = host.socket.as_deref().unwrap_or("");
            if !socket.starts_with('/') {
                return Err(rules::PARSE_SERVER_SOCKET_NOT_ABSOLUTE.reject(&[&socket]));
            }
        }
        host.tls = prop_tristate(server, "tls")
            .map_err(|v| rules::PARSE_SERVER_TLS_VALUE.reject(&[&v]))?;
        def.server = Some(host);
    }

    for disks in root.xpath_children("disks") {
        for node in disks.elements() {
            def.disks.push(parse_disk(node, push, internal, profile)?);
        }
    }

    if internal {
        def.tls_secret_alias = root
            .xpath_children("privateData")
            .flat_map(|p| p.xpath_children("objects"))
            .flat_map(|o| o.xpath_children("secret"))
            .filter(|s| {
                s.xpath_attribute("type")
                    .is_some_and(|a| a.value == "tlskey")
            })
            .find_map(|s| s.xpath_attribute("alias"))
            .map(|a| a.value.clone())
            .filter(|s| !s.is_empty());
        def.tls_alias = root
            .xpath_children("privateData")
            .flat_map(|p| p.xpath_children("objects"))
            .flat_map(|o| o.xpath_children("TLSx509"))
            .find_map(|s| s.xpath_attribute("alias"))
            .map(|a| a.value.clone())
            .filter(|s| !s.is_empty());
    }

    Ok(def)
}

/// `virXMLPropTristateBool`: absent → `None`; `yes`/`no`; anything else (including
/// `default` and the empty string) is refused, and the refused value returned (the caller
/// knows the rule).
fn prop_tristate<'a>(node: &'a Element, name: &str) -> Result<Option<bool>, &'a str> {
    match node.prop(name) {
        None => Ok(None),
        Some("yes") => Ok(Some(true)),
        Some("no") => Ok(Some(false)),
        Some(other) => Err(other),
    }
}

/// `virStrToLong_ullp(s, NULL, 10, &v)`: as [`parse_unsigned`], for 64 bits.
pub fn parse_unsigned_long(s: &str) -> Option<u64> {
    let rest = s.trim_start_matches([' ', '\t', '\n', '\u{0B}', '\u{0C}', '\r']);
    // A leading `-` (which the `p` variants refuse) is not a digit, so the check below
    // refuses it with everything else that is not one.
    let digits = rest.strip_prefix('+').unwrap_or(rest);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.bytes().try_fold(0u64, |value, b| {
        value.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })
}

/// `virStrToLong_uip(s, NULL, 10, &v)`: `strtoul` (leading white space, an optional sign,
/// decimal digits) with no `-` anywhere, nothing after the digits, and a value that fits
/// 32 bits.
pub fn parse_unsigned(s: &str) -> Option<u32> {
    parse_unsigned_long(s).and_then(|v| u32::try_from(v).ok())
}

/// `virDomainStorageNetworkParseHost` as the backup parser calls it.
fn parse_host(node: &Element, profile: Profile) -> Result<PullServer, Rejection> {
    let raw_transport = node.prop("transport");
    let transport = match raw_transport {
        None | Some("tcp") => Transport::Tcp,
        Some("unix") => Transport::Unix,
        Some("rdma") => Transport::Rdma,
        Some("fd") if profile.has_fd_transport() => Transport::Fd,
        Some(other) => {
            return Err(rules::PARSE_SERVER_TRANSPORT_UNKNOWN.reject_in(profile, &[&other]));
        }
    };
    let mut host = PullServer {
        transport,
        ..PullServer::default()
    };
    let socket = node.prop("socket");

    if transport == Transport::Unix {
        let Some(socket) = socket else {
            return Err(rules::PARSE_SERVER_UNIX_WITHOUT_SOCKET.reject(&[]));
        };
        host.socket = Some(socket.to_string());
        return Ok(host);
    }
    if socket.is_some() {
        let named = if profile.socket_error_names_raw_transport() {
            raw_transport.unwrap_or("(null)")
        } else {
            transport.as_str()
        };
        return Err(rules::PARSE_SERVER_SOCKET_NOT_SUPPORTED.reject(&[&named]));
    }
    if transport == Transport::Fd {
        let Some(fdgroup) = node.prop("fdgroup") else {
            return Err(rules::PARSE_SERVER_FD_WITHOUT_FDGROUP.reject(&[]));
        };
        host.fdgroup = Some(fdgroup.to_string());
        return Ok(host);
    }

    let name = node.prop("name");
    if profile.host_name_checked_before_port() && name.is_none() {
        return Err(rules::PARSE_SERVER_MISSING_NAME.reject(&[]));
    }
    if let Some(port) = node.prop("port") {
        let Some(value) = parse_unsigned(port) else {
            return Err(rules::PARSE_SERVER_PORT_NOT_A_NUMBER.reject(&[&port]));
        };
        if value > u32::from(u16::MAX) {
            return Err(rules::PARSE_SERVER_PORT_OUT_OF_RANGE.reject(&[&port]));
        }
        host.port = value;
    }
    let Some(name) = name else {
        return Err(rules::PARSE_SERVER_MISSING_NAME.reject(&[]));
    };
    host.name = Some(name.to_string());
    Ok(host)
}

/// `virDomainBackupDiskDefParseXML` for one element child of `<disks>`.
fn parse_disk(
    node: &Element,
    push: bool,
    internal: bool,
    profile: Profile,
) -> Result<BackupDisk, Rejection> {
    let Some(name) = node.prop("name") else {
        return Err(rules::PARSE_DISK_MISSING_NAME.reject(&[]));
    };
    let mut disk = BackupDisk {
        name: name.to_string(),
        ..BackupDisk::default()
    };
    disk.backup = prop_tristate(node, "backup")
        .map_err(|v| rules::PARSE_DISK_BACKUP_VALUE.reject(&[&node.name, &v]))?
        .unwrap_or(true);
    if !disk.backup {
        return Ok(disk);
    }
    if !push {
        disk.export_name = node.prop("exportname").map(str::to_string);
        disk.export_bitmap = node.prop("exportbitmap").map(str::to_string);
    }
    disk.backup_mode = match node.prop("backupmode") {
        None | Some("") => DiskBackupMode::Default,
        Some("full") => DiskBackupMode::Full,
        Some("incremental") => DiskBackupMode::Incremental,
        Some(other) => {
            return Err(rules::PARSE_DISK_BACKUPMODE_VALUE.reject(&[&node.name, &other]));
        }
    };
    disk.incremental = node.prop("incremental").map(str::to_string);
    if internal {
        disk.state = match node.prop("state") {
            None => return Err(rules::PARSE_DISK_STATE_MISSING.reject(&[&node.name])),
            Some(value) => DiskState::ALL
                .into_iter()
                .find(|s| s.as_str() == value)
                .ok_or_else(|| rules::PARSE_DISK_STATE_VALUE.reject(&[&node.name, &value]))?,
        };
    }

    let raw_type = node.prop("type");
    let format = node
        .xpath_children("driver")
        .find_map(|d| d.xpath_attribute("type"))
        .map(|a| a.value.as_str())
        .filter(|s| !s.is_empty());
    let index = if internal { node.prop("index") } else { None };

    let kind = match raw_type {
        None => "file",
        Some(t) => match vocabulary::STORAGE_TYPES.iter().position(|n| *n == t) {
            Some(i) if i > 0 && (t != "vhostvdpa" || profile.has_vhostvdpa_storage_type()) => t,
            _ => return Err(rules::PARSE_DISK_TYPE_UNKNOWN.reject(&[&t])),
        },
    };
    let mut store = BackupStore::default();
    if let Some(format) = format {
        store.format = Some(
            StorageFormat::from_name(format)
                .ok_or_else(|| rules::PARSE_DISK_FORMAT_UNKNOWN.reject(&[&format]))?,
        );
    }
    if let Some(index) = index {
        store.index =
            parse_unsigned(index).ok_or_else(|| rules::PARSE_DISK_INDEX_VALUE.reject(&[&index]))?;
    }
    store.kind = match kind {
        "file" => StoreType::File,
        "block" => StoreType::Block,
        _ => {
            return Err(rules::PARSE_DISK_TYPE_UNSUPPORTED.reject(&[&raw_type.unwrap_or(kind)]));
        }
    };
    let source = node.xpath_child(if push { "target" } else { "scratch" });
    if let Some(source) = source {
        parse_store(source, &mut store, profile)?;
    }
    disk.store = Some(store);
    Ok(disk)
}

/// `virDomainStorageSourceParse` for a file or block target/scratch.
fn parse_store(node: &Element, store: &mut BackupStore, profile: Profile) -> Result<(), Rejection> {
    match store.kind {
        StoreType::File => {
            store.path = node.prop("file").map(str::to_string);
            store.fdgroup = node.prop("fdgroup").map(str::to_string);
        }
        StoreType::Block => store.path = node.prop("dev").map(str::to_string),
    }
    // libvirt's order, whatever the document's: auth, encryption, reservations, slices,
    // seclabels. Outside an internal parse the schema has refused auth, reservations and
    // slices already.
    if let Some(auth) = node.xpath_child("auth") {
        store.auth = Some(parse_auth(auth)?);
    }
    if let Some(encryption) = node.xpath_child("encryption") {
        store.encryption = Some(parse_encryption(encryption, profile)?);
    }
    if let Some(reservations) = node.xpath_child("reservations") {
        store.reservations = Some(parse_reservations(reservations)?);
    }
    let storage_slice = node
        .xpath_children("slices")
        .flat_map(|slices| slices.xpath_children("slice"))
        .find(|slice| slice.xpath_attribute("type").map(|a| a.value.as_str()) == Some("storage"));
    if let Some(slice) = storage_slice {
        store.slice = Some(parse_slice(slice)?);
    }
    store.seclabels = parse_seclabels(node)?;
    // A path of "" means no path (a compatibility rule for disks without media).
    if store.path.as_deref() == Some("") {
        store.path = None;
    }
    Ok(())
}

/// `string(./@name)`: the attribute in no namespace, `None` when absent or empty.
fn xpath_string<'a>(node: &'a Element, name: &str) -> Option<&'a str> {
    node.xpath_attribute(name)
        .map(|a| a.value.as_str())
        .filter(|v| !v.is_empty())
}

/// `virStorageAuthDefParse`: `username`, `type`, the first `<secret>` (its `type` kept as
/// written, its `uuid` or `usage` as for encryption secrets).
fn parse_auth(node: &Element) -> Result<StorageAuth, Rejection> {
    let Some(username) = xpath_string(node, "username") else {
        return Err(rules::PARSE_AUTH_USERNAME_MISSING.reject(&[]));
    };
    let kind = match xpath_string(node, "type") {
        None | Some("none") => None,
        Some(t @ ("chap" | "ceph")) => Some(t.to_string()),
        Some(other) => return Err(rules::PARSE_AUTH_TYPE_UNKNOWN.reject(&[&other])),
    };
    let Some(secret) = node.xpath_child("secret") else {
        return Err(rules::PARSE_AUTH_SECRET_MISSING.reject(&[]));
    };
    let secret_type = secret.prop("type").map(str::to_string);
    Ok(StorageAuth {
        username: username.to_string(),
        kind,
        secret_type,
        secret: parse_secret_lookup(secret)?,
    })
}

/// `virStoragePRDefParseXML`: `managed` (required, `yes` or `no`) and the first
/// `<source>`, which `managed='no'` needs and which must be complete when given: type
/// `unix`, a path, mode `client`.
fn parse_reservations(node: &Element) -> Result<Reservations, Rejection> {
    let managed = prop_tristate(node, "managed")
        .map_err(|v| rules::PARSE_RESERVATIONS_MANAGED_VALUE.reject(&[&v]))?;
    let Some(managed) = managed else {
        return Err(rules::PARSE_RESERVATIONS_MANAGED_MISSING.reject(&[]));
    };
    let source = node.xpath_child("source");
    let read = |name| source.and_then(|s| xpath_string(s, name));
    let (kind, path, mode) = (read("type"), read("path"), read("mode"));
    if !managed || kind.is_some() || path.is_some() || mode.is_some() {
        let Some(kind) = kind else {
            return Err(rules::PARSE_RESERVATIONS_TYPE_MISSING.reject(&[]));
        };
        if path.is_none() {
            return Err(rules::PARSE_RESERVATIONS_PATH_MISSING.reject(&[]));
        }
        let Some(mode) = mode else {
            return Err(rules::PARSE_RESERVATIONS_MODE_MISSING.reject(&[]));
        };
        if kind != "unix" {
            return Err(rules::PARSE_RESERVATIONS_TYPE_UNSUPPORTED.reject(&[&kind]));
        }
        if mode != "client" {
            return Err(rules::PARSE_RESERVATIONS_MODE_UNSUPPORTED.reject(&[&mode]));
        }
    }
    Ok(Reservations {
        managed,
        path: path.map(str::to_string),
    })
}

/// `virDomainStorageSourceParseSlice`: `offset` and `size`, both required and non-empty,
/// read by `virStrToLong_ullp`.
fn parse_slice(node: &Element) -> Result<StorageSlice, Rejection> {
    let (Some(offset), Some(size)) = (xpath_string(node, "offset"), xpath_string(node, "size"))
    else {
        return Err(rules::PARSE_SLICE_OFFSET_OR_SIZE_MISSING.reject(&[]));
    };
    let number = |value: &str, name: &str| {
        parse_unsigned_long(value).ok_or_else(|| rules::PARSE_SLICE_VALUE.reject(&[&value, &name]))
    };
    Ok(StorageSlice {
        offset: number(offset, "offset")?,
        size: number(size, "size")?,
    })
}

/// `virSecurityDeviceLabelDefParseXML`: every `./seclabel`, in order.
fn parse_seclabels(node: &Element) -> Result<Vec<Seclabel>, Rejection> {
    let mut labels: Vec<Seclabel> = Vec::new();
    for element in node.xpath_children("seclabel") {
        let model = element.prop("model").map(str::to_string);
        if let Some(model) = &model {
            if labels
                .iter()
                .any(|l| l.model.as_deref() == Some(model.as_str()))
            {
                return Err(rules::PARSE_SECLABEL_DUPLICATE_MODEL.reject(&[model]));
            }
        }
        let norelabel = prop_tristate(element, "relabel")
            .map_err(|v| rules::PARSE_SECLABEL_RELABEL_VALUE.reject(&[&v]))?
            == Some(false);
        let labelskip = prop_tristate(element, "labelskip")
            .map_err(|v| rules::PARSE_SECLABEL_LABELSKIP_VALUE.reject(&[&v]))?
            == Some(true);
        let label = element
            .xpath_child("label")
            .map(Element::string_value)
            .filter(|l| !l.is_empty() && l.len() <= MAX_LABEL_BYTES);
        if label.is_some() && norelabel {
            return Err(rules::PARSE_SECLABEL_LABEL_WITH_RELABEL_NO
                .reject(&[&model.as_deref().unwrap_or("<null>")]));
        }
        labels.push(Seclabel {
            model,
            norelabel,
            labelskip,
            label,
        });
    }
    Ok(labels)
}

/// `virStorageEncryptionParseNode`.
fn parse_encryption(node: &Element, profile: Profile) -> Result<Encryption, Rejection> {
    let Some(format) = xpath_string(node, "format") else {
        return Err(rules::PARSE_ENCRYPTION_FORMAT_MISSING.reject(&[]));
    };
    let known =
        |f: &EncryptionFormat| *f != EncryptionFormat::LuksAny || profile.has_luks_any_encryption();
    let format = EncryptionFormat::ALL
        .into_iter()
        .filter(known)
        .find(|f| f.as_str() == format)
        .ok_or_else(|| rules::PARSE_ENCRYPTION_FORMAT_UNKNOWN.reject(&[&format]))?;
    let engine = match node.prop("engine") {
        None => EncryptionEngine::Default,
        Some("qemu") => EncryptionEngine::Qemu,
        Some("librbd") => EncryptionEngine::Librbd,
        Some(other) => return Err(rules::PARSE_ENCRYPTION_ENGINE_VALUE.reject(&[&other])),
    };
    let mut secrets = Vec::new();
    for secret in node.xpath_children("secret") {
        let Some(kind) = xpath_string(secret, "type") else {
            return Err(rules::PARSE_ENCRYPTION_SECRET_TYPE_MISSING.reject(&[]));
        };
        if kind != "passphrase" {
            return Err(rules::PARSE_ENCRYPTION_SECRET_TYPE_UNKNOWN.reject(&[&kind]));
        }
        secrets.push(parse_secret_lookup(secret)?);
    }
    let mut encryption = Encryption {
        format,
        engine,
        secrets,
        cipher: None,
        ivgen: None,
    };
    if format == EncryptionFormat::Luks {
        if let Some(cipher) = node.xpath_child("cipher") {
            let Some(name) = cipher.prop("name") else {
                return Err(rules::PARSE_CIPHER_NAME_MISSING.reject(&[]));
            };
            let Some(size) = cipher.prop("size") else {
                return Err(rules::PARSE_CIPHER_SIZE_MISSING.reject(&[]));
            };
            let Some(size) = parse_unsigned(size) else {
                return Err(rules::PARSE_CIPHER_SIZE_VALUE.reject(&[&size]));
            };
            encryption.cipher = Some(Cipher {
                name: name.to_string(),
                size,
                mode: cipher.prop("mode").map(str::to_string),
                hash: cipher.prop("hash").map(str::to_string),
            });
        }
        if let Some(ivgen) = node.xpath_child("ivgen") {
            if encryption.cipher.is_none() {
                return Err(rules::PARSE_ENCRYPTION_IVGEN_WITHOUT_CIPHER.reject(&[]));
            }
            let Some(name) = ivgen.prop("name") else {
                return Err(rules::PARSE_IVGEN_NAME_MISSING.reject(&[]));
            };
            encryption.ivgen = Some(Ivgen {
                name: name.to_string(),
                hash: ivgen.prop("hash").map(str::to_string),
            });
        }
    }
    Ok(encryption)
}

/// `virSecretLookupParseSecret`.
fn parse_secret_lookup(node: &Element) -> Result<SecretLookup, Rejection> {
    match (node.prop("uuid"), node.prop("usage")) {
        (None, None) => Err(rules::PARSE_SECRET_UUID_OR_USAGE_MISSING.reject(&[])),
        (Some(_), Some(_)) => Err(rules::PARSE_SECRET_UUID_AND_USAGE.reject(&[])),
        (Some(uuid), None) => parse_uuid(uuid)
            .map(SecretLookup::Uuid)
            .ok_or_else(|| rules::PARSE_SECRET_UUID_INVALID.reject(&[&uuid])),
        (None, Some(usage)) => Ok(SecretLookup::Usage(usage.to_string())),
    }
}

/// `virUUIDParse`: surrounding white space, `-` and ` ` anywhere between digit pairs,
/// exactly 32 hex digits.
pub fn parse_uuid(s: &str) -> Option<[u8; 16]> {
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && is_space(b[i]) {
        i += 1;
    }
    let mut out = [0u8; 16];
    let mut n = 0;
    while n < 16 {
        let c = *b.get(i)?;
        if c == b'-' || c == b' ' {
            i += 1;
            continue;
        }
        let hi = (c as char).to_digit(16)?;
        let lo = (*b.get(i + 1)? as char).to_digit(16)?;
        out[n] = (hi * 16 + lo) as u8;
        n += 1;
        i += 2;
    }
    if b[i..].iter().all(|&c| is_space(c)) {
        Some(out)
    } else {
        None
    }
}
