//! libvirt's formatter (`virDomainBackupDefFormat`), byte for byte: single quotes, two spaces
//! of indentation per level, elements with nothing in them left out, and libvirt's escaping
//! (which silently drops most control characters).
//!
//! It prints a [`DomainBackup`] as it is; defaults are filled in by parsing and alignment,
//! never here.

use std::fmt::Write as _;

use super::escape;

use crate::model::{
    BackupDisk, BackupMode, BackupStore, DomainBackup, Encryption, EncryptionFormat, Seclabel,
    SecretLookup, StorageAuth, StoreType,
};

/// Formats `def` as `virDomainBackupDefFormat(buf, def, internal, NULL)` does at indent 0.
pub fn format(def: &DomainBackup, internal: bool) -> String {
    let mut out = String::with_capacity(256 + def.disks.len() * 160);
    format_into(&mut out, def, internal, 0);
    out
}

/// Formats `def` into `out`, every line indented by `indent` spaces (the status XML nests
/// the backup inside `<backups>`).
///
/// Everything is written straight into `out`. libvirt formats an element's children into a
/// buffer of their own first, to leave out an element with nothing in it; here the element
/// is written and, when nothing came of it, taken back (`element`).
pub fn format_into(out: &mut String, def: &DomainBackup, internal: bool, indent: usize) {
    let mode = def.mode.as_str();
    element(
        out,
        indent,
        "domainbackup",
        |a| raw_attr(a, "mode", mode),
        |out| {
            let inner = indent + 2;
            escaped_line(
                out,
                inner,
                "<incremental>",
                def.incremental.as_deref(),
                "</incremental>",
            );
            if let Some(server) = &def.server {
                element(
                    out,
                    inner,
                    "server",
                    |a| {
                        raw_attr(a, "transport", server.transport.as_str());
                        if let Some(tls) = server.tls {
                            a.push_str(if tls { " tls='yes'" } else { " tls='no'" });
                        }
                        escaped_attr(a, "name", server.name.as_deref());
                        if server.port != 0 {
                            let _ = write!(a, " port='{}'", server.port);
                        }
                        escaped_attr(a, "socket", server.socket.as_deref());
                        escaped_attr(a, "fdgroup", server.fdgroup.as_deref());
                    },
                    |_| {},
                );
            }
            let push = def.mode == BackupMode::Push;
            element(
                out,
                inner,
                "disks",
                |_| {},
                |out| {
                    for disk in &def.disks {
                        format_disk(out, inner + 2, disk, push, internal);
                    }
                    // A zeroed slot: no name, and the tristate's unset value.
                    for _ in 0..def.unset_disks {
                        start_line(out, inner + 2, "<disk backup='default'/>\n");
                    }
                },
            );
            if internal {
                element(
                    out,
                    inner,
                    "privateData",
                    |_| {},
                    |out| {
                        element(
                            out,
                            inner + 2,
                            "objects",
                            |_| {},
                            |out| {
                                if let Some(alias) = &def.tls_secret_alias {
                                    start_line(out, inner + 4, "<secret type='tlskey'");
                                    escaped(out, "alias", alias);
                                    out.push_str("/>\n");
                                }
                                if let Some(alias) = &def.tls_alias {
                                    start_line(out, inner + 4, "<TLSx509");
                                    escaped(out, "alias", alias);
                                    out.push_str("/>\n");
                                }
                            },
                        );
                    },
                );
            }
        },
    );
}

fn format_disk(out: &mut String, indent: usize, disk: &BackupDisk, push: bool, internal: bool) {
    // A backed-up disk always has a store after parsing.
    let store = disk.store_or_empty();
    element(
        out,
        indent,
        "disk",
        |a| {
            escaped(a, "name", &disk.name);
            a.push_str(if disk.backup {
                " backup='yes'"
            } else {
                " backup='no'"
            });
            if internal && !disk.state.as_str().is_empty() {
                raw_attr(a, "state", disk.state.as_str());
            }
            if disk.backup {
                raw_attr(a, "type", store.kind.as_str());
                if let Some(mode) = disk.backup_mode.as_str() {
                    raw_attr(a, "backupmode", mode);
                }
                escaped_attr(a, "incremental", disk.incremental.as_deref());
                escaped_attr(a, "exportname", disk.export_name.as_deref());
                escaped_attr(a, "exportbitmap", disk.export_bitmap.as_deref());
                if store.index != 0 {
                    let _ = write!(a, " index='{}'", store.index);
                }
            }
        },
        |out| {
            if disk.backup {
                if let Some(format) = store.format {
                    start_line(out, indent + 2, "<driver");
                    raw_attr(out, "type", format.as_str());
                    out.push_str("/>\n");
                }
                format_store(
                    out,
                    indent + 2,
                    store,
                    if push { "target" } else { "scratch" },
                );
            }
        },
    );
}

/// `virDomainDiskSourceFormat` for a file or block store.
fn format_store(out: &mut String, indent: usize, store: &BackupStore, name: &str) {
    element(
        out,
        indent,
        name,
        |a| match store.kind {
            StoreType::File => {
                escaped_attr(a, "file", store.path.as_deref());
                escaped_attr(a, "fdgroup", store.fdgroup.as_deref());
            }
            StoreType::Block => escaped_attr(a, "dev", store.path.as_deref()),
        },
        |out| {
            // libvirt's order: slices, seclabels, auth, encryption, reservations.
            let inner = indent + 2;
            if let Some(slice) = &store.slice {
                start_line(out, inner, "<slices>\n");
                start_line(out, inner + 2, "");
                let _ = writeln!(
                    out,
                    "<slice type='storage' offset='{}' size='{}'/>",
                    slice.offset, slice.size
                );
                start_line(out, inner, "</slices>\n");
            }
            for seclabel in &store.seclabels {
                format_seclabel(out, inner, seclabel);
            }
            if let Some(auth) = &store.auth {
                format_auth(out, inner, auth);
            }
            if let Some(encryption) = &store.encryption {
                format_encryption(out, inner, encryption);
            }
            if let Some(reservations) = &store.reservations {
                let managed = if reservations.managed { "yes" } else { "no" };
                start_line(out, inner, "<reservations");
                raw_attr(out, "managed", managed);
                match &reservations.path {
                    Some(path) => {
                        out.push_str(">\n");
                        start_line(out, inner + 2, "<source type='unix'");
                        escaped(out, "path", path);
                        out.push_str(" mode='client'/>\n");
                        start_line(out, inner, "</reservations>\n");
                    }
                    None => out.push_str("/>\n"),
                }
            }
        },
    );
}

fn format_seclabel(out: &mut String, indent: usize, seclabel: &Seclabel) {
    start_line(out, indent, "<seclabel");
    escaped_attr(out, "model", seclabel.model.as_deref());
    if seclabel.labelskip {
        out.push_str(" labelskip='yes'");
    } else {
        out.push_str(if seclabel.norelabel {
            " relabel='no'"
        } else {
            " relabel='yes'"
        });
    }
    match &seclabel.label {
        Some(label) => {
            out.push_str(">\n");
            escaped_line(out, indent + 2, "<label>", Some(label), "</label>");
            start_line(out, indent, "</seclabel>\n");
        }
        None => out.push_str("/>\n"),
    }
}

/// `virStorageAuthDefFormat`. The secret's `type` is printed as it was read, unescaped, as
/// libvirt does (so a `&` or `<` in it makes libvirt's output ill-formed).
fn format_auth(out: &mut String, indent: usize, auth: &StorageAuth) {
    start_line(out, indent, "<auth");
    if let Some(kind) = &auth.kind {
        raw_attr(out, "type", kind);
    }
    escaped(out, "username", &auth.username);
    out.push_str(">\n");
    start_line(out, indent + 2, "<secret");
    if let Some(kind) = &auth.secret_type {
        raw_attr(out, "type", kind);
    }
    secret_lookup_attr(out, &auth.secret);
    out.push_str("/>\n");
    start_line(out, indent, "</auth>\n");
}

fn format_encryption(out: &mut String, indent: usize, encryption: &Encryption) {
    start_line(out, indent, "<encryption");
    raw_attr(out, "format", encryption.format.as_str());
    if let Some(engine) = encryption.engine.as_str() {
        raw_attr(out, "engine", engine);
    }
    out.push_str(">\n");
    let inner = indent + 2;
    for secret in &encryption.secrets {
        start_line(out, inner, "<secret type='passphrase'");
        secret_lookup_attr(out, secret);
        out.push_str("/>\n");
    }
    if encryption.format == EncryptionFormat::Luks {
        if let Some(cipher) = &encryption.cipher {
            start_line(out, inner, "<cipher");
            escaped(out, "name", &cipher.name);
            let _ = write!(out, " size='{}'", cipher.size);
            escaped_attr(out, "mode", cipher.mode.as_deref());
            escaped_attr(out, "hash", cipher.hash.as_deref());
            out.push_str("/>\n");
            if let Some(ivgen) = &encryption.ivgen {
                start_line(out, inner, "<ivgen");
                escaped(out, "name", &ivgen.name);
                escaped_attr(out, "hash", ivgen.hash.as_deref());
                out.push_str("/>\n");
            }
        }
    }
    start_line(out, indent, "</encryption>\n");
}

/// A UUID in canonical form: lowercase, 8-4-4-4-12.
pub fn format_uuid(uuid: &[u8; 16]) -> String {
    let mut s = String::with_capacity(36);
    for (i, b) in uuid.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        const HEX: &[u8; 16] = b"0123456789abcdef";
        s.push(HEX[usize::from(b >> 4)] as char);
        s.push(HEX[usize::from(b & 0xF)] as char);
    }
    s
}

/// `virBufferAsprintf(buf, " NAME='%s'", value)`: the value as it is, unescaped.
fn raw_attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("='");
    out.push_str(value);
    out.push('\'');
}

/// `virBufferEscapeString(buf, " NAME='%s'", value)`: nothing at all when the value is NULL.
fn escaped_attr(out: &mut String, name: &str, value: Option<&str>) {
    if let Some(value) = value {
        escaped(out, name, value);
    }
}

/// ` name='value'`, the value escaped.
fn escaped(out: &mut String, name: &str, value: &str) {
    raw_attr(out, name, &escape::libvirt(value));
}

/// The `uuid` or `usage` attribute that names a secret.
fn secret_lookup_attr(out: &mut String, secret: &SecretLookup) {
    match secret {
        SecretLookup::Uuid(uuid) => raw_attr(out, "uuid", &format_uuid(uuid)),
        SecretLookup::Usage(usage) => escaped(out, "usage", usage),
    }
}

/// Appends `n` spaces.
fn push_spaces(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                ";
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// Starts a line: `indent` spaces, then `s`.
fn start_line(out: &mut String, indent: usize, s: &str) {
    push_spaces(out, indent);
    out.push_str(s);
}

/// `virBufferEscapeString(buf, "OPEN%sCLOSE\n", value)` as a line of its own: nothing when
/// `value` is `None`.
fn escaped_line(out: &mut String, indent: usize, open: &str, value: Option<&str>, close: &str) {
    if let Some(value) = value {
        start_line(out, indent, open);
        out.push_str(&escape::libvirt(value));
        out.push_str(close);
        out.push('\n');
    }
}

/// `virXMLFormatElement`: the element `name` with the attributes `attrs` writes and the
/// children `children` writes (each a whole line at a deeper indentation). Left out when it
/// has neither attributes nor children; `<name .../>` when it has no children.
fn element(
    out: &mut String,
    indent: usize,
    name: &str,
    attrs: impl FnOnce(&mut String),
    children: impl FnOnce(&mut String),
) {
    let start = out.len();
    start_line(out, indent, "<");
    out.push_str(name);
    let attrs_start = out.len();
    attrs(out);
    let head_end = out.len();
    out.push_str(">\n");
    let body = out.len();
    children(out);
    if out.len() > body {
        start_line(out, indent, "</");
        out.push_str(name);
        out.push_str(">\n");
    } else if head_end > attrs_start {
        out.truncate(head_end);
        out.push_str("/>\n");
    } else {
        out.truncate(start);
    }
}
