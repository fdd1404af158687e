//! Writing one backup definition in many spellings that all mean the same to libvirt:
//! attribute order, quote style, white space between elements and inside tags, comments and
//! processing instructions, character and predefined entity references, CDATA where text is
//! read, defaults written or left out, element order where the schema interleaves, and the
//! encoding an XML declaration names. One document in four is written instead in the
//! consistent spelling of one real XML writer ([`Writer`]: Go's `encoding/xml`, Python's
//! ElementTree, libxml2 and lxml, libvirt's own formatter), the rest in mixed choices.
//!
//! Every choice is drawn from a seed (which the proptest runner draws), so a case is
//! reproduced by its model and seed. Choices that libxml2's blank-text rules would make
//! lossy (a whitespace-only run next to markup) are never made.

use std::borrow::Cow;
use std::fmt::Write as _;

use domainbackup_model::model::{
    BackupDisk, BackupMode, DomainBackup, Encryption, Seclabel, SecretLookup, StoreType, Transport,
};
use domainbackup_model::xml::format::format_uuid;

use super::model::Target;

mod writers;

pub use writers::Writer;

/// A small deterministic generator for spelling choices (xorshift64*).
#[derive(Debug, Clone)]
pub struct Choices(u64);

impl Choices {
    /// Choices from `seed`.
    pub fn new(seed: u64) -> Choices {
        Choices(seed ^ 0x9E37_79B9_7F4A_7C15 | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// True with probability `n` in `d`.
    fn chance(&mut self, n: u64, d: u64) -> bool {
        (self.below(d as usize) as u64) < n
    }

    /// A number below `n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        super::scale(self.next(), n)
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// An element to write: its attributes (name, value) and children.
#[derive(Debug, Clone)]
pub(crate) struct Node<'a> {
    pub(crate) name: &'static str,
    /// Values borrow from the definition where they can (most are its own strings).
    attributes: Vec<(&'static str, Cow<'a, str>)>,
    pub(crate) content: Content<'a>,
}

#[derive(Debug, Clone)]
pub(crate) enum Content<'a> {
    /// Child elements, in groups: elements of one group keep their order, groups may be
    /// interleaved when `interleave` is set.
    Elements {
        groups: Vec<Vec<Node<'a>>>,
        interleave: bool,
    },
    /// Text read with XPath `string()`; never empty.
    Text(Cow<'a, str>),
}

impl<'a> Node<'a> {
    fn new(name: &'static str) -> Node<'a> {
        Node {
            name,
            attributes: Vec::new(),
            content: Content::Elements {
                groups: Vec::new(),
                interleave: true,
            },
        }
    }

    fn attr(mut self, name: &'static str, value: impl Into<Cow<'a, str>>) -> Node<'a> {
        self.attributes.push((name, value.into()));
        self
    }

    fn opt_attr(self, name: &'static str, value: Option<&'a str>) -> Node<'a> {
        match value {
            Some(v) => self.attr(name, v),
            None => self,
        }
    }

    fn child_group(mut self, group: Vec<Node<'a>>) -> Node<'a> {
        if let Content::Elements { groups, .. } = &mut self.content {
            if !group.is_empty() {
                groups.push(group);
            }
        }
        self
    }

    fn child(self, node: Node<'a>) -> Node<'a> {
        self.child_group(vec![node])
    }

    fn text(name: &'static str, text: impl Into<Cow<'a, str>>) -> Node<'a> {
        Node {
            name,
            attributes: Vec::new(),
            content: Content::Text(text.into()),
        }
    }

    /// Sets attribute `name` (added if absent).
    pub(crate) fn set(&mut self, name: &'static str, value: impl Into<Cow<'a, str>>) {
        let value = value.into();
        match self.attributes.iter_mut().find(|(n, _)| *n == name) {
            Some(a) => a.1 = value,
            None => self.attributes.push((name, value)),
        }
    }

    /// Removes attribute `name`; whether it was there.
    pub(crate) fn remove(&mut self, name: &str) -> bool {
        let before = self.attributes.len();
        self.attributes.retain(|(n, _)| *n != name);
        before != self.attributes.len()
    }

    /// The child elements, in their groups' order.
    pub(crate) fn children_mut(&mut self) -> impl Iterator<Item = &mut Node<'a>> {
        match &mut self.content {
            Content::Elements { groups, .. } => Some(groups.iter_mut().flatten()),
            Content::Text(_) => None,
        }
        .into_iter()
        .flatten()
    }

    /// The first child element called `name`.
    pub(crate) fn child_mut(&mut self, name: &str) -> Option<&mut Node<'a>> {
        self.children_mut().find(|n| n.name == name)
    }

    /// Adds an element of its own group.
    pub(crate) fn push_child(&mut self, node: Node<'a>) {
        if let Content::Elements { groups, .. } = &mut self.content {
            groups.push(vec![node]);
        }
    }

    /// Makes the element's content `text`.
    pub(crate) fn set_text(&mut self, text: impl Into<Cow<'a, str>>) {
        self.content = Content::Text(text.into());
    }

    /// Keeps the child elements for which `keep` holds.
    pub(crate) fn retain_children(&mut self, mut keep: impl FnMut(&Node<'a>) -> bool) {
        if let Content::Elements { groups, .. } = &mut self.content {
            for group in groups.iter_mut() {
                group.retain(&mut keep);
            }
            groups.retain(|g| !g.is_empty());
        }
    }

    /// An empty element called `name`.
    pub(crate) fn element(name: &'static str) -> Node<'a> {
        Node::new(name)
    }

    /// An element called `name` holding `text`.
    pub(crate) fn with_text(name: &'static str, text: impl Into<Cow<'a, str>>) -> Node<'a> {
        Node::text(name, text)
    }
}

/// Writes `def` (a definition as libvirt's parser reads it) as a document whose parse gives
/// back exactly `def`, in a spelling drawn from `seed`: one document in four in the
/// consistent spelling of one real writer ([`writer_for`]), the others in mixed choices.
pub fn render(def: &DomainBackup, target: Target, seed: u64) -> String {
    render_edited(def, target, seed, |_| {})
}

/// Like [`render`], but always in `writer`'s spelling (its options drawn from `seed`).
pub fn render_as(def: &DomainBackup, target: Target, seed: u64, writer: Writer) -> String {
    render_in(def, target, seed, Some(writer), |_| {})
}

/// The writer whose spelling [`render`] gives the document of `seed`, or `None` for the
/// mixed spelling. Drawn apart from the other choices, so that the documents of the mixed
/// spelling are the same as before writers were modelled.
pub fn writer_for(seed: u64) -> Option<Writer> {
    let mut c = Choices::new(seed.rotate_left(29) ^ 0xD1B5_4A32_D192_ED03);
    if c.chance(1, 4) {
        Some(Writer::ALL[c.below(Writer::ALL.len())])
    } else {
        None
    }
}

/// Like [`render`], with `edit` applied to the element tree before it is written.
pub(crate) fn render_edited(
    def: &DomainBackup,
    target: Target,
    seed: u64,
    edit: impl FnOnce(&mut Node),
) -> String {
    render_in(def, target, seed, writer_for(seed), edit)
}

fn render_in(
    def: &DomainBackup,
    target: Target,
    seed: u64,
    writer: Option<Writer>,
    edit: impl FnOnce(&mut Node),
) -> String {
    let mut c = Choices::new(seed);
    let mut root = build(def, target, &mut c);
    edit(&mut root);
    let mut out = String::with_capacity(1024);
    let mut declared: Option<(usize, &str)> = None;
    if let Some(writer) = writer {
        writers::write(&mut out, &root, writer, &mut c);
        return out;
    }
    match c.below(6) {
        0 => out.push_str("<?xml version=\"1.0\"?>\n"),
        1 => {
            let name = if c.chance(1, 2) {
                "UTF-8"
            } else {
                DECLARED_ENCODINGS[c.below(DECLARED_ENCODINGS.len())]
            };
            declared = Some((out.len(), name));
            let _ = write!(out, "<?xml version='1.0' encoding='{name}'?>");
        }
        _ => {}
    }
    if c.chance(1, 8) {
        out.push_str("<!-- backup -->\n");
    }
    if c.chance(1, 12) {
        out.push_str("<!DOCTYPE domainbackup>\n");
    }
    if c.chance(1, 12) {
        out.push_str("<?app hint?>");
    }
    let pretty = c.chance(1, 2);
    write_node(&mut out, &root, &mut c, 0, pretty);
    if c.chance(1, 3) {
        out.push('\n');
    }
    if c.chance(1, 12) {
        out.push_str("<!-- end -->");
    }
    // A real writer declares an encoding its bytes are in: a name other than UTF-8's only
    // over ASCII content (which libvirt reads as UTF-8 whatever the name, and so does any
    // reader that honours it). libvirt accepting UTF-8 text under another name, or under a
    // name no ASCII-compatible reader could read, is pinned by the corpus instead
    // (`grammar.root.declared-encoding-ignored*`).
    if let Some((at, name)) = declared {
        if !is_utf8_name(name) && (!out.is_ascii() || !is_ascii_compatible(name)) {
            let start = at + "<?xml version='1.0' encoding='".len();
            out.replace_range(start..start + name.len(), "UTF-8");
        }
    }
    out
}

/// The spellings of UTF-8's name: the first of [`DECLARED_ENCODINGS`], and `UTF-8`.
fn is_utf8_name(name: &str) -> bool {
    name == "UTF-8" || DECLARED_ENCODINGS[..3].contains(&name)
}

/// The names of [`DECLARED_ENCODINGS`] (after UTF-8's) whose bytes for ASCII are ASCII's:
/// a document of ASCII only is truly in each of them.
fn is_ascii_compatible(name: &str) -> bool {
    DECLARED_ENCODINGS[3..16].contains(&name)
}

/// Encoding names libvirt accepts in a declaration whatever the content: libvirt hands
/// libxml2 a string, which is read as UTF-8 whatever the declaration says, but the name
/// must be one libxml2 knows (as the reference's reader checks). Measured on libvirt 9.0.0
/// (libxml2 2.9.14): each is accepted, and non-ASCII content (UTF-8 bytes) declared with
/// any of them reads as the same characters as under `UTF-8`, `UTF-16` included. The
/// renderer writes a name other than UTF-8's only where a real writer would: over ASCII
/// content, and an ASCII-compatible name. In order: UTF-8's names, the ASCII-compatible
/// ones, the others.
pub const DECLARED_ENCODINGS: [&str; 20] = [
    "utf-8",
    "utf8",
    "UTF8",
    "ISO-8859-1",
    "latin1",
    "ISO_8859-1",
    "iso-8859-15",
    "ISO-8859-2",
    "US-ASCII",
    "us-ascii",
    "ascii",
    "windows-1252",
    "CP1252",
    "KOI8-R",
    "Shift_JIS",
    "EUC-JP",
    "UTF-16",
    "UTF-16LE",
    "UCS-4",
    "EBCDIC-US",
];

fn build<'a>(def: &'a DomainBackup, target: Target, c: &mut Choices) -> Node<'a> {
    let mut root = Node::new("domainbackup");
    if def.mode == BackupMode::Pull || c.chance(1, 2) {
        root = root.attr("mode", def.mode.as_str());
    }
    if let Some(incremental) = &def.incremental {
        root = root.child(Node::text("incremental", incremental));
    }
    if let Some(server) = &def.server {
        let mut node = Node::new("server");
        if server.transport != Transport::Tcp || c.chance(1, 2) {
            node = node.attr("transport", server.transport.as_str());
        }
        if let Some(tls) = server.tls {
            node = node.attr("tls", if tls { "yes" } else { "no" });
        }
        node = node
            .opt_attr("name", server.name.as_deref())
            .opt_attr("socket", server.socket.as_deref());
        node = node.opt_attr("fdgroup", server.fdgroup.as_deref());
        if server.port != 0 {
            let zeros = if c.chance(1, 6) {
                "0".repeat(c.below(3) + 1)
            } else {
                String::new()
            };
            node = node.attr("port", format!("{zeros}{}", server.port));
        } else if server.transport == Transport::Tcp && c.chance(1, 4) {
            node = node.attr("port", "0");
        }
        root = root.child(node);
    }
    if !def.disks.is_empty() {
        let disks: Vec<Node> = def
            .disks
            .iter()
            .map(|d| build_disk(d, def.mode, target, c))
            .collect();
        root = root.child(Node::new("disks").child_group(disks));
    }
    if def.tls_secret_alias.is_some() || def.tls_alias.is_some() {
        let mut objects = Node::new("objects");
        if let Some(alias) = &def.tls_secret_alias {
            objects = objects.child(
                Node::new("secret")
                    .attr("type", "tlskey")
                    .attr("alias", alias.as_str()),
            );
        }
        if let Some(alias) = &def.tls_alias {
            objects = objects.child(Node::new("TLSx509").attr("alias", alias.as_str()));
        }
        root = root.child(Node::new("privateData").child(objects));
    }
    root
}

fn build_disk<'a>(
    disk: &'a BackupDisk,
    mode: BackupMode,
    target: Target,
    c: &mut Choices,
) -> Node<'a> {
    let mut node = Node::new("disk").attr("name", disk.name.as_str());
    if !disk.backup {
        return node.attr("backup", "no");
    }
    let store = disk.store_or_empty();
    let has_children = store.path.is_some() || store.format.is_some();
    // When may `type` be left out? A file store without children in 11.3 (the plain push
    // disk) or in pull; always in an internal parse (no schema).
    let type_optional = store.kind == StoreType::File
        && (target.internal
            || match mode {
                BackupMode::Push => !has_children && target.profile.schema_allows_plain_push_disk(),
                BackupMode::Pull => true,
            });
    let write_type = !type_optional || c.chance(1, 2);
    // A pull `backup='yes'` needs `type='file'` beside it (unless nothing is checked).
    let write_backup =
        (write_type || mode == BackupMode::Push || target.internal) && c.chance(1, 3);
    if write_backup {
        node = node.attr("backup", "yes");
    }
    if write_type {
        node = node.attr("type", store.kind.as_str());
    }
    match disk.backup_mode.as_str() {
        Some(m) => node = node.attr("backupmode", m),
        None if target.internal && c.chance(1, 4) => node = node.attr("backupmode", ""),
        None => {}
    }
    node = node.opt_attr("incremental", disk.incremental.as_deref());
    if mode == BackupMode::Pull {
        node = node.opt_attr("exportname", disk.export_name.as_deref());
        node = node.opt_attr("exportbitmap", disk.export_bitmap.as_deref());
    }
    if target.internal {
        node = node.attr("state", disk.state.as_str());
        if store.index != 0 {
            node = node.attr(
                "index",
                format!("{}{}", if c.chance(1, 5) { "0" } else { "" }, store.index),
            );
        } else if c.chance(1, 8) {
            node = node.attr("index", "0");
        }
    }
    let mut children = Vec::new();
    if let Some(format) = store.format {
        children.push(Node::new("driver").attr("type", format.as_str()));
    }
    if let Some(path) = &store.path {
        let name = if mode == BackupMode::Push {
            "target"
        } else {
            "scratch"
        };
        let mut source = Node::new(name).attr(
            if store.kind == StoreType::File {
                "file"
            } else {
                "dev"
            },
            path.as_str(),
        );
        source = source.opt_attr("fdgroup", store.fdgroup.as_deref());
        let labels: Vec<Node> = store
            .seclabels
            .iter()
            .map(|l| build_seclabel(l, c))
            .collect();
        source = source.child_group(labels);
        if let Some(encryption) = &store.encryption {
            source = source.child(build_encryption(encryption, c));
        }
        children.push(source);
    }
    for child in children {
        node = node.child(child);
    }
    node
}

fn build_seclabel<'a>(label: &'a Seclabel, c: &mut Choices) -> Node<'a> {
    let mut node = Node::new("seclabel").opt_attr("model", label.model.as_deref());
    if label.norelabel {
        node = node.attr("relabel", "no");
    } else if label.labelskip {
        node = node.attr("labelskip", "yes");
    } else if c.chance(1, 2) {
        node = node.attr("relabel", "yes");
    }
    if let Some(text) = &label.label {
        let mut labels = vec![Node::text("label", text)];
        if c.chance(1, 6) {
            // Only the first <label> is read.
            labels.push(Node::text("label", "ignored"));
        }
        node = node.child_group(labels);
    }
    node
}

fn build_encryption<'a>(encryption: &'a Encryption, c: &mut Choices) -> Node<'a> {
    let mut node = Node::new("encryption").attr("format", encryption.format.as_str());
    if let Some(engine) = encryption.engine.as_str() {
        node = node.attr("engine", engine);
    }
    let secrets: Vec<Node> = encryption
        .secrets
        .iter()
        .map(|s| {
            let secret = Node::new("secret").attr("type", "passphrase");
            match s {
                SecretLookup::Uuid(uuid) => secret.attr("uuid", spell_uuid(uuid, c)),
                SecretLookup::Usage(usage) => secret.attr("usage", usage.as_str()),
            }
        })
        .collect();
    node = node.child_group(secrets);
    let mut info = Vec::new();
    if let Some(cipher) = &encryption.cipher {
        info.push(
            Node::new("cipher")
                .attr("name", cipher.name.as_str())
                .attr("size", cipher.size.to_string())
                .opt_attr("mode", cipher.mode.as_deref())
                .opt_attr("hash", cipher.hash.as_deref()),
        );
        if let Some(ivgen) = &encryption.ivgen {
            info.push(
                Node::new("ivgen")
                    .attr("name", ivgen.name.as_str())
                    .opt_attr("hash", ivgen.hash.as_deref()),
            );
        }
    }
    node.child_group(info)
}

fn spell_uuid(uuid: &[u8; 16], c: &mut Choices) -> String {
    let canonical = format_uuid(uuid);
    match c.below(4) {
        0 => canonical.to_uppercase(),
        1 => canonical.replace('-', ""),
        _ => canonical,
    }
}

/// Escapes an attribute value for `quote`, sometimes with more references than needed.
fn write_attribute_value(out: &mut String, value: &str, quote: char, c: &mut Choices) {
    let heavy = c.chance(1, 5);
    // Most values have nothing to escape or spell differently.
    if value.bytes().all(|b| {
        b.is_ascii() && !matches!(b, b'&' | b'<' | b'>' | b'\'' | b'"' | b'\t' | b'\n' | b'\r')
    }) {
        out.push_str(value);
        return;
    }
    for ch in value.chars() {
        match ch {
            '&' => out.push_str(if heavy { "&#38;" } else { "&amp;" }),
            '<' => out.push_str("&lt;"),
            '\'' if quote == '\'' => out.push_str(if heavy { "&#39;" } else { "&apos;" }),
            '"' if quote == '"' => out.push_str("&quot;"),
            '>' if heavy => out.push_str("&gt;"),
            '\t' | '\n' | '\r' => {
                let _ = write!(out, "&#{};", ch as u32);
            }
            ch if heavy && !ch.is_ascii() => {
                let _ = write!(out, "&#x{:X};", ch as u32);
            }
            ch => out.push(ch),
        }
    }
}

/// The attributes of `node` in a shuffled order (a node has a handful; no allocation).
fn attribute_order<'n, 'a>(
    node: &'n Node<'a>,
    c: &mut Choices,
) -> impl Iterator<Item = &'n (&'static str, Cow<'a, str>)> + use<'n, 'a> {
    let mut order = [0u8; 16];
    let count = node.attributes.len().min(order.len());
    for (i, slot) in order.iter_mut().enumerate().take(count) {
        *slot = i as u8;
    }
    c.shuffle(&mut order[..count]);
    (0..count)
        .map(move |k| &node.attributes[usize::from(order[k])])
        .chain(node.attributes.iter().skip(count))
}

fn write_node(out: &mut String, node: &Node, c: &mut Choices, depth: usize, pretty: bool) {
    out.push('<');
    out.push_str(node.name);
    for (name, value) in attribute_order(node, c) {
        out.push_str(match c.below(12) {
            0 => "\n  ",
            1 => "\t",
            2 => "  ",
            _ => " ",
        });
        out.push_str(name);
        if c.chance(1, 10) {
            out.push_str(" = ");
        } else {
            out.push('=');
        }
        let quote = if c.chance(1, 2) { '\'' } else { '"' };
        out.push(quote);
        write_attribute_value(out, value, quote, c);
        out.push(quote);
    }
    if c.chance(1, 10) {
        out.push(' ');
    }
    match &node.content {
        Content::Text(text) => {
            out.push('>');
            write_text(out, text, c);
            out.push_str("</");
            out.push_str(node.name);
            out.push('>');
        }
        Content::Elements { groups, interleave } => {
            let children = arrange(groups, *interleave, c);
            if children.is_empty() {
                if c.chance(1, 5) {
                    let _ = write!(out, "></{}>", node.name);
                } else {
                    out.push_str("/>");
                }
                return;
            }
            out.push('>');
            for child in children {
                write_separator(out, c, depth + 1, pretty);
                write_node(out, child, c, depth + 1, pretty);
            }
            write_separator(out, c, depth, pretty);
            out.push_str("</");
            out.push_str(node.name);
            out.push('>');
        }
    }
}

/// The children in a document order the schema allows: each group keeps its own order;
/// groups are interleaved at random where the schema interleaves.
fn arrange<'n, 'a>(
    groups: &'n [Vec<Node<'a>>],
    interleave: bool,
    c: &mut Choices,
) -> Vec<&'n Node<'a>> {
    if !interleave {
        return groups.iter().flatten().collect();
    }
    let mut cursors: Vec<std::slice::Iter<'n, Node>> = groups.iter().map(|g| g.iter()).collect();
    let mut remaining: usize = groups.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(remaining);
    while remaining > 0 {
        // The `k`th group that still has elements.
        let live = cursors.iter().filter(|it| it.len() > 0).count();
        let k = c.below(live);
        if let Some(node) = cursors
            .iter_mut()
            .filter(|it| it.len() > 0)
            .nth(k)
            .and_then(Iterator::next)
        {
            out.push(node);
        }
        remaining -= 1;
    }
    out
}

/// White space, comments or processing instructions between elements (never inside text).
fn write_separator(out: &mut String, c: &mut Choices, depth: usize, pretty: bool) {
    if pretty {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    }
    match c.below(16) {
        0 => out.push_str("<!-- note -->"),
        1 => out.push_str("<?pi data?>"),
        2 => out.push_str("\r\n\t"),
        _ => {}
    }
}

/// Writes element text so that XPath `string()` of the element gives exactly `text`:
/// pieces of plain text, CDATA sections and character references. A run of plain blanks is
/// only written where libxml2 keeps it (alone, or right after other text).
fn write_text(out: &mut String, text: &str, c: &mut Choices) {
    let chars: Vec<char> = text.chars().collect();
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let len = 1 + c.below(chars.len() - i);
        pieces.push((i, i + len));
        i += len;
    }
    let only = pieces.len() == 1;
    let mut previous_is_text = false;
    for (start, end) in pieces {
        let piece: String = chars[start..end].iter().collect();
        let blank = piece.chars().all(|ch| matches!(ch, ' ' | '\t' | '\n'));
        let mut kind = c.below(6);
        if blank && !only && !previous_is_text && kind < 4 {
            kind = 5; // references: always text
        }
        if kind == 4 && piece.contains("]]") {
            kind = 0;
        }
        match kind {
            4 => {
                let _ = write!(out, "<![CDATA[{piece}]]>");
                previous_is_text = false;
            }
            5 => {
                for ch in piece.chars() {
                    if c.chance(1, 2) {
                        let _ = write!(out, "&#{};", ch as u32);
                    } else {
                        let _ = write!(out, "&#x{:x};", ch as u32);
                    }
                }
                previous_is_text = true;
            }
            _ => {
                for ch in piece.chars() {
                    match ch {
                        '&' => out.push_str("&amp;"),
                        '<' => out.push_str("&lt;"),
                        // `]]>` may not appear in content.
                        '>' if out.ends_with(']') || c.chance(1, 2) => out.push_str("&gt;"),
                        ch => out.push(ch),
                    }
                }
                previous_is_text = true;
            }
        }
    }
}

/// Writes `def` in libvirt's own canonical spelling (no alignment): the text
/// `virDomainBackupDefFormat` prints for it.
pub fn canonical(def: &DomainBackup, target: Target) -> String {
    domainbackup_model::xml::format::format(def, target.internal)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::Rng as _;
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::TestRunner;

    use super::*;
    use domainbackup_model::{Options, Profile};

    /// `per_target` definitions for each profile, public and internal, with the target
    /// they were drawn for and a seed.
    fn definitions(per_target: usize) -> Vec<(DomainBackup, Target, u64)> {
        let mut runner = TestRunner::deterministic();
        let mut out = Vec::new();
        for profile in Profile::ALL {
            for internal in [false, true] {
                let target = Target { profile, internal };
                let strategy = super::super::model::definition(target);
                for _ in 0..per_target {
                    let def = strategy.new_tree(&mut runner).expect("a case").current();
                    out.push((def, target, runner.rng().next_u64()));
                }
            }
        }
        out
    }

    fn read_back(document: &str, target: Target) -> DomainBackup {
        let options = Options {
            profile: target.profile,
            internal: target.internal,
            align: false,
        };
        domainbackup_model::parse(document.as_bytes(), options)
            .unwrap_or_else(|r| panic!("{}\n{document}", r.to_line()))
    }

    /// The quote characters around attribute values in the document's tags (not in its
    /// XML declaration).
    fn quotes(document: &str) -> std::collections::BTreeSet<char> {
        let mut found = std::collections::BTreeSet::new();
        let mut chars = document.chars().peekable();
        let mut in_tag = false;
        while let Some(ch) = chars.next() {
            match ch {
                '<' => in_tag = chars.peek().is_some_and(|c| c.is_ascii_alphabetic()),
                '>' => in_tag = false,
                '=' if in_tag => {
                    if let Some(quote) = chars.next() {
                        found.insert(quote);
                        let _ = chars.by_ref().find(|c| *c == quote);
                    }
                }
                _ => {}
            }
        }
        found
    }

    /// Each writer's documents, with the definitions they were written from.
    fn written_by(writer: Writer) -> Vec<(String, DomainBackup, Target)> {
        definitions(60)
            .into_iter()
            .map(|(def, target, seed)| (render_as(&def, target, seed, writer), def, target))
            .collect()
    }

    #[test]
    fn every_writer_spelling_reads_back_as_its_definition() {
        for writer in Writer::ALL {
            for (document, def, target) in written_by(writer) {
                assert_eq!(read_back(&document, target), def, "{writer}\n{document}");
            }
        }
    }

    #[test]
    fn go_writes_end_tags_double_quotes_and_numeric_references() {
        let documents = written_by(Writer::GoEncodingXml);
        for (document, ..) in &documents {
            assert!(!document.contains("/>"), "{document}");
            assert!(quotes(document).iter().all(|q| *q == '"'), "{document}");
            assert!(!document.contains("&quot;") && !document.contains("&apos;"));
            assert!(
                !document.starts_with("<?xml")
                    || document
                        .starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<domainbackup")
            );
        }
        let all: String = documents.iter().map(|(d, ..)| d.as_str()).collect();
        for reference in ["&#34;", "&#39;", "&amp;", "&lt;", "&gt;", "&#xA;", "&#x9;"] {
            assert!(all.contains(reference), "no {reference}");
        }
        assert!(all.contains("\n  <disks>") && all.contains("<domainbackup><"));
    }

    #[test]
    fn element_tree_writes_a_space_before_the_slash() {
        let documents = written_by(Writer::ElementTree);
        let mut ascii_only = 0;
        for (document, ..) in &documents {
            assert_eq!(
                document.matches("/>").count(),
                document.matches(" />").count(),
                "{document}"
            );
            assert!(quotes(document).iter().all(|q| *q == '"'), "{document}");
            assert!(!document.contains("&apos;"));
            if document.starts_with("<?xml version='1.0' encoding='us-ascii'?>\n") {
                assert!(document.is_ascii(), "{document}");
                ascii_only += 1;
            } else {
                assert!(
                    !document.starts_with("<?xml")
                        || document.starts_with("<?xml version='1.0' encoding='utf-8'?>\n")
                );
            }
        }
        assert!(ascii_only > 0);
        let all: String = documents.iter().map(|(d, ..)| d.as_str()).collect();
        for reference in ["&quot;", "&amp;", "&lt;", "&gt;", "&#233;", " />"] {
            assert!(all.contains(reference), "no {reference}");
        }
    }

    #[test]
    fn libxml2_writes_short_empty_elements_and_a_declaration() {
        let documents = written_by(Writer::Libxml2);
        for (document, ..) in &documents {
            assert!(quotes(document).iter().all(|q| *q == '"'), "{document}");
            assert!(!document.contains(" />"));
            if document.starts_with("<?xml version=\"1.0\"?>\n") {
                assert!(document.is_ascii(), "{document}");
            }
        }
        let all: String = documents.iter().map(|(d, ..)| d.as_str()).collect();
        for piece in ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", "&#x", "/>"] {
            assert!(all.contains(piece), "no {piece}");
        }
    }

    #[test]
    fn libvirt_writes_as_its_formatter_does() {
        for (document, ..) in written_by(Writer::Libvirt) {
            assert!(document.ends_with(">\n") && !document.starts_with("<?xml"));
            assert!(!document.contains(" />"));
            assert!(quotes(&document).iter().all(|q| *q == '\''), "{document}");
            // Every line starts with a tag, two spaces per level (lines of text aside).
            for line in document.lines().filter(|l| l.trim_start().starts_with('<')) {
                let indent = line.len() - line.trim_start_matches(' ').len();
                assert!(indent % 2 == 0, "{document}");
            }
        }
    }

    #[test]
    fn one_document_in_four_takes_a_writer_spelling() {
        let mut counts = std::collections::HashMap::new();
        for seed in 0..8000u64 {
            *counts.entry(writer_for(seed)).or_insert(0usize) += 1;
        }
        let mixed = counts[&None];
        assert!((5600..6400).contains(&mixed), "{counts:?}");
        for writer in Writer::ALL {
            assert!(
                counts.get(&Some(writer)).copied().unwrap_or(0) > 300,
                "{writer}"
            );
        }
    }

    #[test]
    fn declared_encodings_read_as_utf8() {
        let target = Target {
            profile: Profile::V9_0,
            internal: false,
        };
        let body =
            "<domainbackup><incremental>\u{e9}\u{65e5}\u{1F600}</incremental></domainbackup>";
        let expected = read_back(body, target);
        for name in DECLARED_ENCODINGS {
            let document = format!("<?xml version='1.0' encoding='{name}'?>{body}");
            assert_eq!(read_back(&document, target), expected, "{name}");
        }
        let mixed = definitions(40)
            .into_iter()
            .map(|(def, target, seed)| render(&def, target, seed))
            .filter(|d| d.starts_with("<?xml version='1.0' encoding='") && !d.contains("'UTF-8'"))
            .count();
        assert!(mixed > 0);
    }

    #[test]
    fn another_encoding_is_declared_only_over_ascii_in_it() {
        let mut other = 0;
        for (def, target, seed) in definitions(400) {
            let document = render(&def, target, seed);
            let Some(rest) = document.strip_prefix("<?xml version='1.0' encoding='") else {
                continue;
            };
            let name = &rest[..rest.find('\'').expect("a closing quote")];
            if is_utf8_name(name) {
                continue;
            }
            other += 1;
            assert!(is_ascii_compatible(name), "{name}: {document}");
            assert!(document.is_ascii(), "{name} over non-ASCII: {document}");
        }
        assert!(other > 0, "no document declares another encoding");
    }
}
