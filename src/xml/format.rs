//! libvirt's formatter (`virDomainBackupDefFormat`), byte for byte: single quotes, two spaces
//! of indentation per level, elements with nothing in them left out, and libvirt's escaping
//! (which silently drops most control characters).
//!
//! It prints a [`DomainBackup`] as it is; defaults are filled in by parsing and alignment,
//! never here.

use std::fmt::Write as _;

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
pub fn format_into(out: &mut String, def: &DomainBackup, internal: bool, indent: usize) {
    let mut children = Element::child_buffer(indent + 2);

    children.escaped_line(
        "<incremental>",
        def.incremental.as_deref(),
        "</incremental>",
    );

    if let Some(server) = &def.server {
        let mut attrs = String::new();
        raw_attr(&mut attrs, "transport", server.transport.as_str());
        if let Some(tls) = server.tls {
            attrs.push_str(if tls { " tls='yes'" } else { " tls='no'" });
        }
        escaped_attr(&mut attrs, "name", server.name.as_deref());
        if server.port != 0 {
            let _ = write!(attrs, " port='{}'", server.port);
        }
        escaped_attr(&mut attrs, "socket", server.socket.as_deref());
        escaped_attr(&mut attrs, "fdgroup", server.fdgroup.as_deref());
        children.element("server", &attrs, "");
    }

    let mut disks = Element::child_buffer(indent + 4);
    for disk in &def.disks {
        format_disk(&mut disks, disk, def.mode == BackupMode::Push, internal);
    }
    children.element("disks", "", &disks.text);

    if internal {
        let mut objects = Element::child_buffer(indent + 6);
        if let Some(alias) = &def.tls_secret_alias {
            objects.line(&format!(
                "<secret type='tlskey' alias='{}'/>",
                escape(alias)
            ));
        }
        if let Some(alias) = &def.tls_alias {
            objects.line(&format!("<TLSx509 alias='{}'/>", escape(alias)));
        }
        let mut private = Element::child_buffer(indent + 4);
        private.element("objects", "", &objects.text);
        children.element("privateData", "", &private.text);
    }

    let attrs = format!(" mode='{}'", def.mode.as_str());
    let mut top = Element::child_buffer(indent);
    top.element("domainbackup", &attrs, &children.text);
    out.push_str(&top.text);
}

fn format_disk(buf: &mut Element, disk: &BackupDisk, push: bool, internal: bool) {
    let mut attrs = String::new();
    escaped_attr(&mut attrs, "name", Some(&disk.name));
    attrs.push_str(if disk.backup {
        " backup='yes'"
    } else {
        " backup='no'"
    });
    if internal && !disk.state.as_str().is_empty() {
        raw_attr(&mut attrs, "state", disk.state.as_str());
    }
    let mut children = Element::child_buffer(buf.indent + 2);
    if disk.backup {
        // A backed-up disk always has a store after parsing; a hand-built model without
        // one prints as libvirt would print an empty file store.
        let default_store = BackupStore::default();
        let store = disk.store.as_ref().unwrap_or(&default_store);
        raw_attr(&mut attrs, "type", store.kind.as_str());
        if let Some(mode) = disk.backup_mode.as_str() {
            raw_attr(&mut attrs, "backupmode", mode);
        }
        escaped_attr(&mut attrs, "incremental", disk.incremental.as_deref());
        escaped_attr(&mut attrs, "exportname", disk.export_name.as_deref());
        escaped_attr(&mut attrs, "exportbitmap", disk.export_bitmap.as_deref());
        if store.index != 0 {
            let _ = write!(attrs, " index='{}'", store.index);
        }
        if let Some(format) = store.format {
            children.line(&format!("<driver type='{}'/>", format.as_str()));
        }
        format_store(
            &mut children,
            store,
            if push { "target" } else { "scratch" },
        );
    }
    buf.element("disk", &attrs, &children.text);
}

/// `virDomainDiskSourceFormat` for a file or block store.
fn format_store(buf: &mut Element, store: &BackupStore, name: &str) {
    let mut attrs = String::new();
    match store.kind {
        StoreType::File => {
            escaped_attr(&mut attrs, "file", store.path.as_deref());
            escaped_attr(&mut attrs, "fdgroup", store.fdgroup.as_deref());
        }
        StoreType::Block => escaped_attr(&mut attrs, "dev", store.path.as_deref()),
    }
    // libvirt's order: slices, seclabels, auth, encryption, reservations.
    let mut children = Element::child_buffer(buf.indent + 2);
    if let Some(slice) = &store.slice {
        children.line("<slices>");
        children.nested_line(&format!(
            "<slice type='storage' offset='{}' size='{}'/>",
            slice.offset, slice.size
        ));
        children.line("</slices>");
    }
    for seclabel in &store.seclabels {
        format_seclabel(&mut children, seclabel);
    }
    if let Some(auth) = &store.auth {
        format_auth(&mut children, auth);
    }
    if let Some(encryption) = &store.encryption {
        format_encryption(&mut children, encryption);
    }
    if let Some(reservations) = &store.reservations {
        let managed = if reservations.managed { "yes" } else { "no" };
        match &reservations.path {
            Some(path) => {
                children.line(&format!("<reservations managed='{managed}'>"));
                children.nested_line(&format!(
                    "<source type='unix' path='{}' mode='client'/>",
                    escape(path)
                ));
                children.line("</reservations>");
            }
            None => children.line(&format!("<reservations managed='{managed}'/>")),
        }
    }
    buf.element(name, &attrs, &children.text);
}

fn format_seclabel(buf: &mut Element, seclabel: &Seclabel) {
    let mut head = String::from("<seclabel");
    escaped_attr(&mut head, "model", seclabel.model.as_deref());
    if seclabel.labelskip {
        head.push_str(" labelskip='yes'");
    } else {
        head.push_str(if seclabel.norelabel {
            " relabel='no'"
        } else {
            " relabel='yes'"
        });
    }
    match &seclabel.label {
        Some(label) => {
            head.push('>');
            buf.line(&head);
            let mut inner = Element::child_buffer(buf.indent + 2);
            inner.escaped_line("<label>", Some(label), "</label>");
            buf.text.push_str(&inner.text);
            buf.line("</seclabel>");
        }
        None => {
            head.push_str("/>");
            buf.line(&head);
        }
    }
}

/// `virStorageAuthDefFormat`. The secret's `type` is printed as it was read, unescaped, as
/// libvirt does (so a `&` or `<` in it makes libvirt's output ill-formed).
fn format_auth(buf: &mut Element, auth: &StorageAuth) {
    match &auth.kind {
        None => buf.line(&format!("<auth username='{}'>", escape(&auth.username))),
        Some(kind) => buf.line(&format!(
            "<auth type='{kind}' username='{}'>",
            escape(&auth.username)
        )),
    }
    let mut line = String::from("<secret");
    if let Some(kind) = &auth.secret_type {
        raw_attr(&mut line, "type", kind);
    }
    match &auth.secret {
        SecretLookup::Uuid(uuid) => {
            line.push_str(" uuid='");
            line.push_str(&format_uuid(uuid));
            line.push_str("'/>");
        }
        SecretLookup::Usage(usage) => {
            line.push_str(" usage='");
            line.push_str(&escape(usage));
            line.push_str("'/>");
        }
    }
    buf.nested_line(&line);
    buf.line("</auth>");
}

fn format_encryption(buf: &mut Element, encryption: &Encryption) {
    match encryption.engine.as_str() {
        None => buf.line(&format!(
            "<encryption format='{}'>",
            encryption.format.as_str()
        )),
        Some(engine) => buf.line(&format!(
            "<encryption format='{}' engine='{engine}'>",
            encryption.format.as_str()
        )),
    }
    let mut inner = Element::child_buffer(buf.indent + 2);
    for secret in &encryption.secrets {
        match secret {
            SecretLookup::Uuid(uuid) => inner.line(&format!(
                "<secret type='passphrase' uuid='{}'/>",
                format_uuid(uuid)
            )),
            SecretLookup::Usage(usage) => inner.line(&format!(
                "<secret type='passphrase' usage='{}'/>",
                escape(usage)
            )),
        }
    }
    if encryption.format == EncryptionFormat::Luks {
        if let Some(cipher) = &encryption.cipher {
            let mut line = format!(
                "<cipher name='{}' size='{}'",
                escape(&cipher.name),
                cipher.size
            );
            escaped_attr(&mut line, "mode", cipher.mode.as_deref());
            escaped_attr(&mut line, "hash", cipher.hash.as_deref());
            line.push_str("/>");
            inner.line(&line);
            if let Some(ivgen) = &encryption.ivgen {
                let mut line = format!("<ivgen name='{}'", escape(&ivgen.name));
                escaped_attr(&mut line, "hash", ivgen.hash.as_deref());
                line.push_str("/>");
                inner.line(&line);
            }
        }
    }
    buf.text.push_str(&inner.text);
    buf.line("</encryption>");
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
        raw_attr(out, name, &escape(value));
    }
}

/// libvirt's XML escaping: `< > & " '` become references; the control characters
/// 0x01–0x08, 0x0B, 0x0C and 0x0E–0x19 are dropped; everything else is copied.
pub fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    let special = |c: char| matches!(c, '<' | '>' | '&' | '"' | '\'' | '\u{01}'..='\u{08}' | '\u{0B}' | '\u{0C}' | '\u{0E}'..='\u{19}');
    // Every special character is ASCII: a byte scan finds them.
    let special_byte = |b: u8| matches!(b, b'<' | b'>' | b'&' | b'"' | b'\'' | 0x01..=0x08 | 0x0B | 0x0C | 0x0E..=0x19);
    if !s.bytes().any(special_byte) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if special(c) => {}
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
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

/// A `virBuffer` with auto-indentation: a write starting a line is indented.
struct Element {
    text: String,
    indent: usize,
}

impl Element {
    fn child_buffer(indent: usize) -> Element {
        Element {
            text: String::new(),
            indent,
        }
    }

    fn at_line_start(&self) -> bool {
        self.text.is_empty() || self.text.ends_with('\n')
    }

    fn push_indented(&mut self, s: &str) {
        if self.at_line_start() {
            push_spaces(&mut self.text, self.indent);
        }
        self.text.push_str(s);
    }

    /// A line of a child buffer of this one (two more spaces), as libvirt writes a lone
    /// child element through `VIR_BUFFER_INIT_CHILD`.
    fn nested_line(&mut self, s: &str) {
        push_spaces(&mut self.text, self.indent + 2);
        self.text.push_str(s);
        self.text.push('\n');
    }

    /// One write of `s` followed by a newline.
    fn line(&mut self, s: &str) {
        self.push_indented(s);
        self.text.push('\n');
    }

    /// `virBufferEscapeString(buf, "OPEN%sCLOSE\n", value)`: nothing when `value` is `None`.
    fn escaped_line(&mut self, open: &str, value: Option<&str>, close: &str) {
        if let Some(value) = value {
            let mut s = String::with_capacity(open.len() + value.len() + close.len());
            s.push_str(open);
            s.push_str(&escape(value));
            s.push_str(close);
            self.line(&s);
        }
    }

    /// `virXMLFormatElement`: left out when it has neither attributes nor children.
    fn element(&mut self, name: &str, attrs: &str, children: &str) {
        if attrs.is_empty() && children.is_empty() {
            return;
        }
        self.push_indented("<");
        self.text.push_str(name);
        self.text.push_str(attrs);
        if children.is_empty() {
            self.text.push_str("/>\n");
        } else {
            self.text.push_str(">\n");
            self.text.push_str(children);
            self.push_indented("</");
            self.text.push_str(name);
            self.text.push_str(">\n");
        }
    }
}
