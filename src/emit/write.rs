//! The reference's own document for an intent: every field the intent has written where the
//! grammar puts it, and nothing else, with values escaped so that they read back exactly
//! as given (TAB, LF and CR in attributes as character references). What libvirt makes of
//! this document is what the intent means; an emitter's document is judged against it.
//!
//! It writes what it is given, valid or not: a value XML cannot carry (a control character)
//! is written as it is, and the document is then refused as libvirt refuses it.

use super::intent::{
    BackupIntent, CipherIntent, DiskIntent, EncryptionIntent, IvgenIntent, SeclabelIntent,
    SecretIntent, ServerIntent, StoreIntent,
};
use crate::align::{Domain, SourceType};
use crate::xml::escape;

/// The domain the intent's disks belong to, as libvirt's `virDomainGetXMLDesc` prints the
/// parts of it a backup tool reads (each disk's type, format, source and target): the
/// emitter protocol sends it beside the intent, since tools that write backup XML from what
/// libvirt says of the domain need it, and it is the domain both documents are aligned with.
pub fn domain_xml(domain: &Domain) -> String {
    let mut out = String::from("<domain type='kvm'>\n  <name>backup-test</name>\n  <devices>\n");
    for disk in &domain.disks {
        let (kind, source) = match disk.source_type {
            SourceType::None | SourceType::File => ("file", "file"),
            SourceType::Block => ("block", "dev"),
            SourceType::Dir => ("dir", "dir"),
            SourceType::Network => ("network", "name"),
            SourceType::Volume => ("volume", "volume"),
            SourceType::Nvme => ("nvme", "name"),
            SourceType::VhostUser => ("vhostuser", "path"),
            SourceType::VhostVdpa => ("vhostvdpa", "dev"),
        };
        out.push_str("    <disk type='");
        out.push_str(kind);
        out.push_str("' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n");
        if disk.source_type != SourceType::None {
            out.push_str("      <source");
            attribute(&mut out, source, disk.path.as_deref());
            out.push_str("/>\n");
        }
        out.push_str("      <target");
        attribute(&mut out, "dev", Some(&disk.target));
        out.push_str(" bus='virtio'/>\n");
        if disk.readonly {
            out.push_str("      <readonly/>\n");
        }
        out.push_str("    </disk>\n");
    }
    out.push_str("  </devices>\n</domain>\n");
    out
}

/// The document the reference writes for `intent`, indented as libvirt's output is.
pub fn document(intent: &BackupIntent) -> String {
    let mut out = String::with_capacity(256);
    out.push_str("<domainbackup");
    attribute(&mut out, "mode", intent.mode.as_deref());
    let has_children =
        intent.incremental.is_some() || intent.server.is_some() || intent.disks.is_some();
    if !has_children {
        out.push_str("/>\n");
        return out;
    }
    out.push_str(">\n");
    if let Some(incremental) = &intent.incremental {
        text_element(&mut out, 2, "incremental", incremental);
    }
    if let Some(server) = &intent.server {
        write_server(&mut out, server);
    }
    if let Some(disks) = &intent.disks {
        if disks.is_empty() {
            out.push_str("  <disks/>\n");
        } else {
            out.push_str("  <disks>\n");
            for disk in disks {
                write_disk(&mut out, disk);
            }
            out.push_str("  </disks>\n");
        }
    }
    out.push_str("</domainbackup>\n");
    out
}

fn write_server(out: &mut String, server: &ServerIntent) {
    out.push_str("  <server");
    attribute(out, "transport", server.transport.as_deref());
    attribute(out, "tls", server.tls.as_deref());
    attribute(out, "name", server.name.as_deref());
    attribute(out, "port", server.port.as_deref());
    attribute(out, "socket", server.socket.as_deref());
    attribute(out, "fdgroup", server.fdgroup.as_deref());
    out.push_str("/>\n");
}

fn write_disk(out: &mut String, disk: &DiskIntent) {
    out.push_str("    <disk");
    attribute(out, "name", disk.name.as_deref());
    attribute(out, "backup", disk.backup.as_deref());
    attribute(out, "type", disk.kind.as_deref());
    attribute(out, "backupmode", disk.backupmode.as_deref());
    attribute(out, "incremental", disk.incremental.as_deref());
    attribute(out, "exportname", disk.exportname.as_deref());
    attribute(out, "exportbitmap", disk.exportbitmap.as_deref());
    if disk.driver.is_none() && disk.target.is_none() && disk.scratch.is_none() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    if let Some(format) = &disk.driver {
        out.push_str("      <driver");
        attribute(out, "type", Some(format));
        out.push_str("/>\n");
    }
    if let Some(target) = &disk.target {
        write_store(out, "target", target);
    }
    if let Some(scratch) = &disk.scratch {
        write_store(out, "scratch", scratch);
    }
    out.push_str("    </disk>\n");
}

fn write_store(out: &mut String, name: &str, store: &StoreIntent) {
    out.push_str("      <");
    out.push_str(name);
    attribute(out, "file", store.file.as_deref());
    attribute(out, "dev", store.dev.as_deref());
    let seclabels = store.seclabels.as_deref().unwrap_or_default();
    if seclabels.is_empty() && store.encryption.is_none() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    for seclabel in seclabels {
        write_seclabel(out, seclabel);
    }
    if let Some(encryption) = &store.encryption {
        write_encryption(out, encryption);
    }
    out.push_str("      </");
    out.push_str(name);
    out.push_str(">\n");
}

fn write_seclabel(out: &mut String, seclabel: &SeclabelIntent) {
    out.push_str("        <seclabel");
    attribute(out, "model", seclabel.model.as_deref());
    attribute(out, "relabel", seclabel.relabel.as_deref());
    attribute(out, "labelskip", seclabel.labelskip.as_deref());
    let labels = seclabel.labels.as_deref().unwrap_or_default();
    if labels.is_empty() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    for label in labels {
        text_element(out, 10, "label", label);
    }
    out.push_str("        </seclabel>\n");
}

fn write_encryption(out: &mut String, encryption: &EncryptionIntent) {
    out.push_str("        <encryption");
    attribute(out, "format", encryption.format.as_deref());
    attribute(out, "engine", encryption.engine.as_deref());
    let secrets = encryption.secrets.as_deref().unwrap_or_default();
    if secrets.is_empty() && encryption.cipher.is_none() && encryption.ivgen.is_none() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    for SecretIntent { kind, uuid, usage } in secrets {
        out.push_str("          <secret");
        attribute(out, "type", kind.as_deref());
        attribute(out, "uuid", uuid.as_deref());
        attribute(out, "usage", usage.as_deref());
        out.push_str("/>\n");
    }
    if let Some(CipherIntent {
        name,
        size,
        mode,
        hash,
    }) = &encryption.cipher
    {
        out.push_str("          <cipher");
        attribute(out, "name", name.as_deref());
        attribute(out, "size", size.as_deref());
        attribute(out, "mode", mode.as_deref());
        attribute(out, "hash", hash.as_deref());
        out.push_str("/>\n");
    }
    if let Some(IvgenIntent { name, hash }) = &encryption.ivgen {
        out.push_str("          <ivgen");
        attribute(out, "name", name.as_deref());
        attribute(out, "hash", hash.as_deref());
        out.push_str("/>\n");
    }
    out.push_str("        </encryption>\n");
}

/// ` name='value'`, escaped to read back as `value`; nothing when `value` is `None`.
fn attribute(out: &mut String, name: &str, value: Option<&str>) {
    if let Some(value) = value {
        out.push(' ');
        out.push_str(name);
        out.push_str("='");
        escape::attribute_value(value, out);
        out.push('\'');
    }
}

fn text_element(out: &mut String, indent: usize, name: &str, value: &str) {
    out.extend(std::iter::repeat_n(' ', indent));
    out.push('<');
    out.push_str(name);
    out.push('>');
    escape::text(value, out);
    out.push_str("</");
    out.push_str(name);
    out.push_str(">\n");
}
