//! Reading text into an [`Element`] tree as libxml2 does for libvirt
//! (`XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOBLANKS`, no entity substitution).
//!
//! The text is split into markup events as quick-xml splits it: tags, text, references,
//! comments, CDATA sections and processing instructions by this module's own scan (which
//! reads simple start tags in the same pass), the rest (a DOCTYPE, markup that does not
//! end) by quick-xml. A second path has quick-xml split all of it; the tests and the `parse`
//! fuzz target hold the two to the same tree or the same error. This module adds what
//! libxml2 enforces on top of the split (names, characters, references, attribute syntax,
//! duplicate attributes, namespaces, the prolog, depth and size limits) and reproduces
//! libxml2's `NOBLANKS` heuristic, which decides which whitespace-only text survives. It
//! never looks at what the elements mean; every failure is a [`Stage::WellFormed`]
//! rejection with a position.

use std::collections::HashSet;

use quick_xml::events::Event;

use super::tree::{Attribute, Document, Element, EntityReference, Name, Node, Text};
use crate::error::{Position, Rejection};
use crate::rules::{self, Rule};
use crate::vocabulary;

/// The largest document read, in bytes (after truncation at the first NUL). libvirt has no
/// such limit of its own; this one keeps memory bounded and is far above any real document.
pub const MAX_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;

/// libxml2's nesting limit without `XML_PARSE_HUGE`: an element may have at most this many
/// open ancestors.
pub const MAX_DEPTH: usize = 256;

/// libxml2's limit on one attribute value without `XML_PARSE_HUGE` (text nodes have no
/// limit that a document under [`MAX_DOCUMENT_BYTES`] can reach).
pub const MAX_ATTRIBUTE_LENGTH: usize = 10_000_000;

/// libxml2's limit on a name without `XML_PARSE_HUGE`.
pub const MAX_NAME_LENGTH: usize = 50_000;

/// libxml2's `XML_MAX_TEXT_LENGTH` without `XML_PARSE_HUGE`: the longest comment, CDATA
/// section and processing-instruction data (in bytes).
pub const MAX_TEXT_LENGTH: usize = 10_000_000;

/// Budget for the expansion of entities declared in an internal DTD subset.
const MAX_ENTITY_EXPANSION: usize = 1_000_000;

const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

/// Reads `input` as libvirt hands it to libxml2: as a C string, so everything from the first
/// NUL byte on is not seen.
pub fn read(input: &[u8]) -> Result<Document, Rejection> {
    read_tags(input, true)
}

/// [`read`], with or without the fast path (the tests and the `parse` fuzz target compare
/// both): quick-xml's events throughout, or [`Reader::scan`] and [`simple_tag`].
pub(crate) fn read_tags(input: &[u8], fast_path: bool) -> Result<Document, Rejection> {
    let input = match memchr::memchr(0, input) {
        Some(nul) => &input[..nul],
        None => input,
    };
    if input.len() > MAX_DOCUMENT_BYTES {
        return Err(not_well_formed(
            &rules::WF_LIMIT,
            format!(
                "document of {} bytes is larger than the {} byte limit",
                input.len(),
                MAX_DOCUMENT_BYTES
            ),
            Position { line: 1, column: 1 },
        ));
    }
    let text = decode(input)?;
    let mut reader = Reader::new(text);
    reader.fast_path = fast_path;
    reader.run()
}

fn not_well_formed(
    rule: &'static Rule,
    detail: impl std::fmt::Display,
    position: Position,
) -> Rejection {
    rule.reject(&[&position.line, &position.column, &detail])
        .at(position)
}

/// Turns the bytes into text. libvirt has libxml2 read every document as UTF-8, whatever
/// encoding its XML declaration names; a UTF-8 byte order mark is skipped.
fn decode(input: &[u8]) -> Result<&str, Rejection> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    match std::str::from_utf8(input) {
        Ok(s) => Ok(s),
        Err(e) => Err(not_well_formed(
            &rules::WF_INVALID_UTF8,
            format!(
                "input is not proper UTF-8 (byte 0x{:02X})",
                input[e.valid_up_to()]
            ),
            position_of(input, e.valid_up_to()),
        )),
    }
}

fn position_of(input: &[u8], offset: usize) -> Position {
    let before = &input[..offset.min(input.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count() as u32
        + 1;
    Position { line, column }
}

/// XML's white space (`S`), which is also libxml2's `IS_BLANK_CH`.
pub(super) fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// XML 1.0 `Char`.
pub(super) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// XML 1.0 (fifth edition) `NameStartChar`.
fn is_name_start_char(c: char) -> bool {
    matches!(c,
        ':' | 'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

/// XML 1.0 (fifth edition) `NameChar`.
pub(super) fn is_name_char(c: char) -> bool {
    is_name_start_char(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

pub(super) fn is_name(s: &str) -> bool {
    // ASCII names (all of the grammar's) without decoding characters.
    let bytes = s.as_bytes();
    if bytes.is_ascii() {
        // The colon is a name character of XML 1.0 (namespaces then split on it).
        let is = |b: u8, class: u8| b == b':' || byte_is(b, class);
        return bytes.first().is_some_and(|&b| is(b, NAME_START))
            && bytes[1..].iter().all(|&b| is(b, NAME_CHAR));
    }
    let mut chars = s.chars();
    chars.next().is_some_and(is_name_start_char) && chars.all(is_name_char)
}

/// One open element while reading.
struct Open<'t> {
    element: Element,
    /// libxml2's `xml:space` stack value: -1 default, -2 "text seen", 0 default, 1 preserve.
    space: i8,
    /// The prefixes this element bound (in order; `None`: the default namespace).
    bindings: Vec<Option<String>>,
    /// The qualified name, for matching the end tag.
    qname: &'t str,
}

/// Line and column bookkeeping: offsets are visited in increasing order, so the cursor only
/// moves forward and the whole document costs one pass.
struct Cursor {
    offset: usize,
    line: u32,
    column: u32,
    /// Where the cursor's line starts.
    line_start: usize,
    /// The cursor line's line feed (the text's length on the last line).
    line_end: usize,
    /// Where the first non-ASCII byte at or after `offset` is (the text's length if none):
    /// up to it, columns are byte counts.
    ascii_until: usize,
}

struct Reader<'t> {
    text: &'t str,
    cursor: Cursor,
    stack: Vec<Open<'t>>,
    root: Option<Element>,
    has_doctype: bool,
    seen_decl_slot: bool,
    /// The XML declaration says `standalone='yes'`: undeclared entities are then errors
    /// even under an external subset.
    standalone: bool,
    /// Entities declared in the internal DTD subset: name → replacement text.
    /// Entities declared in the internal subset: name and replacement text (`None` for an
    /// external entity, which is never loaded and reads as nothing).
    entities: Vec<(String, Option<String>)>,
    /// The DOCTYPE names an external subset: undeclared entities are then only a warning.
    external_subset: bool,
    /// Element declarations of the internal subset: name → whether the content is mixed
    /// (`#PCDATA`, `ANY`, `EMPTY`), which decides libxml2's blank removal.
    element_decls: std::collections::HashMap<String, bool>,
    expansion_budget: usize,
    /// Namespace prefix → URI (`None` key: the default namespace), innermost last; `xml`
    /// is bound without an entry.
    namespaces: Vec<(Option<String>, String)>,
    /// The attributes of the start tag being read, as written (kept to save allocations).
    raw_attributes: Vec<(&'t str, String, Position)>,
    /// Whether the text is split by [`Reader::scan`] and simple start tags take
    /// [`simple_tag`]'s way; otherwise quick-xml splits all of it and every tag takes the
    /// general path.
    fast_path: bool,
}

impl<'t> Reader<'t> {
    fn new(text: &'t str) -> Self {
        Reader {
            text,
            cursor: Cursor {
                offset: 0,
                line: 1,
                column: 1,
                line_start: 0,
                line_end: memchr::memchr(b'\n', text.as_bytes()).unwrap_or(text.len()),
                ascii_until: first_non_ascii(text.as_bytes()),
            },
            stack: Vec::new(),
            root: None,
            has_doctype: false,
            seen_decl_slot: false,
            standalone: false,
            entities: Vec::new(),
            external_subset: false,
            element_decls: std::collections::HashMap::new(),
            expansion_budget: MAX_ENTITY_EXPANSION,
            namespaces: Vec::new(),
            raw_attributes: Vec::new(),
            fast_path: true,
        }
    }

    /// The position of byte `offset` of the text (never before the last one asked for).
    fn pos(&mut self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let c = &mut self.cursor;
        if offset > c.offset {
            let bytes = self.text.as_bytes();
            // Move to the offset's line: one search for each line feed passed.
            let same_line = offset <= c.line_end;
            while offset > c.line_end {
                c.line += 1;
                c.line_start = c.line_end + 1;
                c.line_end = memchr::memchr(b'\n', &bytes[c.line_start..])
                    .map_or(bytes.len(), |i| c.line_start + i);
            }
            // Columns count characters: every byte that does not continue a UTF-8 sequence
            // (those are 0x80 to 0xBF, below -0x40 as signed bytes).
            // Up to the next non-ASCII byte, a column is a byte count.
            let from = if same_line { c.offset } else { c.line_start };
            let base = if same_line { c.column } else { 1 };
            c.column = if offset <= c.ascii_until {
                base + (offset - from) as u32
            } else {
                let chars = |b: &[u8]| b.iter().filter(|&&b| (b as i8) >= -0x40).count() as u32;
                c.ascii_until = offset + first_non_ascii(&bytes[offset..]);
                base + chars(&bytes[from..offset])
            };
            c.offset = offset;
        }
        Position {
            line: c.line,
            column: c.column,
        }
    }

    fn fail(
        &mut self,
        offset: usize,
        rule: &'static Rule,
        detail: impl std::fmt::Display,
    ) -> Rejection {
        let p = self.pos(offset);
        not_well_formed(rule, detail, p)
    }

    /// Text, a CDATA section or a reference where no element is open: after the root,
    /// extra content; before it, no root where one was expected.
    fn outside_root(&mut self, start: usize) -> Rejection {
        if self.root.is_some() {
            self.fail(
                start,
                &rules::WF_EXTRA_CONTENT,
                "extra content at the end of the document",
            )
        } else {
            self.fail(
                start,
                &rules::WF_NO_ROOT_ELEMENT,
                "start tag expected, '<' not found",
            )
        }
    }

    fn run(mut self) -> Result<Document, Rejection> {
        if self.text.trim_matches(is_blank).is_empty() {
            return Err(self.fail(
                self.text.len(),
                &rules::WF_EMPTY_DOCUMENT,
                "document is empty",
            ));
        }
        if self.text.starts_with('\u{FEFF}') {
            // A second byte order mark: libxml2 skipped one and reads this one as text
            // before the root, where quick-xml would skip it too (and count no bytes for it).
            let end = memchr::memchr2(b'<', b'&', self.text.as_bytes()).unwrap_or(self.text.len());
            self.text_run(0, end)?;
        }
        if self.fast_path {
            self.scan()?;
        } else {
            let mut reader = quick_xml_reader(self.text);
            loop {
                let start = reader.buffer_position() as usize;
                if !self.next_event(&mut reader, start, 0)? {
                    break;
                }
            }
        }
        if let Some(open) = self.stack.last() {
            let name = open.qname;
            return Err(self.fail(
                self.text.len(),
                &rules::WF_UNCLOSED_ELEMENT,
                format!("premature end of data: element '{name}' is not closed"),
            ));
        }
        match self.root {
            Some(root) => Ok(Document {
                root,
                has_doctype: self.has_doctype,
            }),
            None => Err(self.fail(
                self.text.len(),
                &rules::WF_NO_ROOT_ELEMENT,
                "start tag expected, '<' not found",
            )),
        }
    }

    /// Reads the next event of `reader` (a reader of the text from byte `base` on, now at
    /// byte `start` of the text) and acts on it; `false` at the end of the text.
    fn next_event(
        &mut self,
        reader: &mut quick_xml::Reader<&'t [u8]>,
        start: usize,
        base: usize,
    ) -> Result<bool, Rejection> {
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let at = base + reader.error_position() as usize;
                return Err(self.fail(at, quick_xml_rule(&e), describe_quick_xml_error(&e)));
            }
        };
        let end = base + reader.buffer_position() as usize;
        let piece = match event {
            Event::Eof => return Ok(false),
            Event::Decl(_) => Piece::Declaration,
            Event::PI(_) => Piece::Instruction,
            Event::DocType(_) => Piece::DocType,
            Event::Comment(_) => Piece::Comment,
            Event::Start(_) => Piece::StartTag,
            Event::Empty(_) => Piece::EmptyTag,
            Event::End(_) => Piece::EndTag,
            Event::Text(_) => Piece::Text,
            Event::GeneralRef(_) => Piece::Reference,
            Event::CData(_) => Piece::CData,
        };
        self.take(piece, start, end)?;
        Ok(true)
    }

    /// Acts on the piece of text `start..end`, however it was split.
    fn take(&mut self, piece: Piece, start: usize, end: usize) -> Result<(), Rejection> {
        match piece {
            Piece::Text => self.text_run(start, end)?,
            Piece::StartTag => self.start_tag(start, end, false)?,
            Piece::EmptyTag => self.start_tag(start, end, true)?,
            Piece::EndTag => self.end_tag(start, end)?,
            Piece::Reference => self.reference_in_content(start, end)?,
            Piece::Comment => self.comment(start, end)?,
            Piece::CData => self.cdata(start, end)?,
            Piece::Declaration => self.declaration(start, end)?,
            Piece::Instruction => self.processing_instruction(start, end)?,
            Piece::DocType => self.doctype(start, end)?,
        }
        self.seen_decl_slot = true;
        Ok(())
    }

    /// The fast path through the text: [`next_piece`] splits it where quick-xml would, and
    /// whatever that leaves (a DOCTYPE, an end tag with nothing open, markup that does not
    /// end) is one event of a quick-xml reader started at that byte. A fresh reader splits
    /// those as the one reading the whole text does: the only state it keeps between
    /// events is the list of open tags, which matters only for an end tag with nothing open.
    fn scan(&mut self) -> Result<(), Rejection> {
        let text: &'t str = self.text;
        let bytes = text.as_bytes();
        let mut tag = SimpleTag::default();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'<' {
                if let Some(len) = simple_tag(&bytes[i + 1..], &mut tag) {
                    self.may_open(i)?;
                    self.simple_start_tag(i, &tag);
                    self.seen_decl_slot = true;
                    i += 1 + len;
                    continue;
                }
            }
            let Some((piece, end)) = next_piece(bytes, i, !self.stack.is_empty()) else {
                let mut reader = quick_xml_reader(&text[i..]);
                // At '<' or '&' there is always an event or an error; should quick-xml see
                // the end instead, the text ends here, as on the general path.
                if !self.next_event(&mut reader, i, i)? {
                    break;
                }
                i += reader.buffer_position() as usize;
                continue;
            };
            self.take(piece, i, end)?;
            i = end;
        }
        Ok(())
    }

    fn declaration(&mut self, start: usize, end: usize) -> Result<(), Rejection> {
        if start != 0 || self.seen_decl_slot {
            return Err(self.fail(
                start,
                &rules::WF_XML_DECLARATION,
                "XML declaration allowed only at the start of the document",
            ));
        }
        let body = &self.text[start + "<?xml".len()..end - "?>".len()];
        self.check_declaration(start, body)
    }

    /// `VersionInfo EncodingDecl? SDDecl? S?` with libxml2's checks.
    fn check_declaration(&mut self, start: usize, body: &str) -> Result<(), Rejection> {
        let mut rest = body;
        let mut expected = ["version", "encoding", "standalone"].as_slice();
        let mut first = true;
        loop {
            let trimmed = rest.trim_start_matches(is_blank);
            let had_space = trimmed.len() != rest.len();
            if trimmed.is_empty() {
                break;
            }
            if !had_space {
                return Err(self.fail(
                    start,
                    &rules::WF_XML_DECLARATION,
                    "blank needed in the XML declaration",
                ));
            }
            let name_len = trimmed
                .find(|c: char| c == '=' || is_blank(c))
                .unwrap_or(trimmed.len());
            let name = &trimmed[..name_len];
            let Some(index) = expected.iter().position(|n| *n == name) else {
                return Err(self.fail(
                    start,
                    &rules::WF_XML_DECLARATION,
                    if first {
                        "malformed declaration expecting version".to_string()
                    } else {
                        format!("unexpected '{name}' in the XML declaration")
                    },
                ));
            };
            if first && index != 0 {
                return Err(self.fail(
                    start,
                    &rules::WF_XML_DECLARATION,
                    "malformed declaration expecting version",
                ));
            }
            let after = trimmed[name_len..].trim_start_matches(is_blank);
            let Some(after) = after.strip_prefix('=') else {
                return Err(self.fail(
                    start,
                    &rules::WF_XML_DECLARATION,
                    format!("'=' expected after '{name}' in the XML declaration"),
                ));
            };
            let after = after.trim_start_matches(is_blank);
            let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'');
            let Some(quote) = quote else {
                return Err(self.fail(
                    start,
                    &rules::WF_XML_DECLARATION,
                    format!("quoted value expected for '{name}'"),
                ));
            };
            let Some(close) = after[1..].find(quote) else {
                return Err(self.fail(
                    start,
                    &rules::WF_XML_DECLARATION,
                    format!("unterminated value of '{name}'"),
                ));
            };
            let value = &after[1..1 + close];
            let valid = match name {
                "version" => {
                    let mut parts = value.splitn(2, '.');
                    let major = parts.next().unwrap_or("");
                    let minor = parts.next().unwrap_or("");
                    // libxml2 accepts any 1.x version (with a warning) and refuses others.
                    major == "1" && !minor.is_empty() && minor.chars().all(|c| c.is_ascii_digit())
                }
                "encoding" => {
                    let mut chars = value.chars();
                    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
                }
                _ => value == "yes" || value == "no",
            };
            if !valid {
                return Err(self.fail(
                    start,
                    &rules::WF_XML_DECLARATION,
                    format!("invalid value '{value}' for '{name}' in the XML declaration"),
                ));
            }
            if name == "encoding" && !super::encodings::is_supported(value) {
                return Err(self.fail(
                    start,
                    &rules::WF_UNSUPPORTED_ENCODING,
                    format!("Unsupported encoding {value}"),
                ));
            }
            if name == "standalone" {
                self.standalone = value == "yes";
            }
            expected = &expected[index + 1..];
            rest = &after[1 + close + 1..];
            first = false;
        }
        if first {
            return Err(self.fail(
                start,
                &rules::WF_XML_DECLARATION,
                "malformed declaration expecting version",
            ));
        }
        Ok(())
    }

    fn processing_instruction(&mut self, start: usize, end: usize) -> Result<(), Rejection> {
        let body = &self.text[start + 2..end - 2];
        let target_len = body.find(is_blank).unwrap_or(body.len());
        let target = &body[..target_len];
        if target.eq_ignore_ascii_case("xml") {
            return Err(self.fail(
                start,
                &rules::WF_XML_DECLARATION,
                "XML declaration allowed only at the start of the document",
            ));
        }
        if !is_name(target) {
            return Err(self.fail(
                start,
                &rules::WF_PROCESSING_INSTRUCTION,
                format!("invalid processing instruction target '{target}'"),
            ));
        }
        if body[target_len..].trim_start_matches(is_blank).len() > MAX_TEXT_LENGTH {
            return Err(self.fail(
                start,
                &rules::WF_LIMIT,
                format!("PI {target} too big found"),
            ));
        }
        if target_len < body.len() || !body[target_len..].is_empty() {
            self.check_chars(start + 2 + target_len, &body[target_len..])?;
        }
        let p = self.pos(start);
        self.push_misc(Node::ProcessingInstruction(p));
        Ok(())
    }

    fn comment(&mut self, start: usize, end: usize) -> Result<(), Rejection> {
        let body = &self.text[start + 4..end - 3];
        if body.len() > MAX_TEXT_LENGTH {
            return Err(self.fail(start, &rules::WF_LIMIT, "Comment too big found"));
        }
        if let Some(i) = body.find("--") {
            return Err(self.fail(
                start + 4 + i,
                &rules::WF_COMMENT,
                "double hyphen within comment",
            ));
        }
        if body.ends_with('-') {
            return Err(self.fail(
                end - 4,
                &rules::WF_COMMENT,
                "comment not terminated ('-' before '-->')",
            ));
        }
        self.check_chars(start + 4, body)?;
        let p = self.pos(start);
        self.push_misc(Node::Comment(p));
        Ok(())
    }

    fn push_misc(&mut self, node: Node) {
        if let Some(open) = self.stack.last_mut() {
            open.element.children.push(node);
        }
    }

    fn check_chars(&mut self, offset: usize, s: &str) -> Result<(), Rejection> {
        // Printable ASCII, TAB, LF and CR are always characters: most text is only those.
        if s.bytes()
            .all(|b| (0x20..0x7F).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r'))
        {
            return Ok(());
        }
        if let Some((i, c)) = s.char_indices().find(|(_, c)| !is_xml_char(*c)) {
            return Err(self.fail(
                offset + i,
                &rules::WF_INVALID_CHARACTER,
                format!("char 0x{:X} out of allowed range", c as u32),
            ));
        }
        Ok(())
    }

    fn doctype(&mut self, start: usize, end: usize) -> Result<(), Rejection> {
        if self.has_doctype || self.root.is_some() || !self.stack.is_empty() {
            return Err(self.fail(
                start,
                &rules::WF_DOCTYPE,
                "DOCTYPE is only allowed once, before the root element",
            ));
        }
        self.has_doctype = true;
        self.check_chars(start, &self.text[start..end])?;
        let doctype = super::dtd::parse(&self.text[start..end], self.standalone)
            .map_err(|(offset, message)| self.fail(start + offset, &rules::WF_DOCTYPE, message))?;
        self.external_subset =
            !self.standalone && (doctype.external_subset || doctype.pe_references);
        self.entities = doctype.entities;
        for (name, mixed) in doctype.elements {
            let local = split_qname(&name).1.to_string();
            self.element_decls.entry(local).or_insert(mixed);
        }
        Ok(())
    }

    /// Whether an element may start at `start`: not after the root, not too deep.
    fn may_open(&mut self, start: usize) -> Result<(), Rejection> {
        if self.stack.is_empty() && self.root.is_some() {
            return Err(self.fail(
                start,
                &rules::WF_EXTRA_CONTENT,
                "extra content at the end of the document",
            ));
        }
        if self.stack.len() > MAX_DEPTH {
            return Err(self.fail(
                start,
                &rules::WF_LIMIT,
                format!("excessive depth in document: {MAX_DEPTH} use XML_PARSE_HUGE option"),
            ));
        }
        Ok(())
    }

    fn start_tag(&mut self, start: usize, end: usize, empty: bool) -> Result<(), Rejection> {
        self.may_open(start)?;
        let inner_end = if empty { end - 2 } else { end - 1 };
        let text: &'t str = self.text;
        let inner = &text[start + 1..inner_end];
        let name_len = inner.find(is_blank).unwrap_or(inner.len());
        let qname = &inner[..name_len];
        if qname.is_empty() || !is_name(qname) || !qname_is_complete(qname) {
            return Err(self.fail(
                start + 1,
                &rules::WF_INVALID_NAME,
                format!("invalid element name '{qname}'"),
            ));
        }
        if qname.len() > MAX_NAME_LENGTH {
            return Err(self.fail(start + 1, &rules::WF_LIMIT, "name too long"));
        }
        let position = self.pos(start);
        // The attributes as written go into a buffer kept from tag to tag.
        let mut raw_attributes = std::mem::take(&mut self.raw_attributes);
        raw_attributes.clear();
        let read = self.attributes(
            start + 1 + name_len,
            &inner[name_len..],
            &mut raw_attributes,
        );
        if let Err(e) = read {
            self.raw_attributes = raw_attributes;
            return Err(e);
        }

        // Namespace declarations first: they apply to the element's own name and attributes.
        let mut bindings = Vec::new();
        let declares = |qn: &str| qn == "xmlns" || qn.starts_with("xmlns:");
        if raw_attributes.iter().any(|(qn, _, _)| declares(qn)) {
            for (qn, value, _) in raw_attributes.iter_mut() {
                let prefix = if *qn == "xmlns" {
                    None
                } else if let Some(prefix) = qn.strip_prefix("xmlns:") {
                    Some(prefix.to_string())
                } else {
                    continue;
                };
                self.namespaces
                    .push((prefix.clone(), std::mem::take(value)));
                bindings.push(prefix);
            }
            raw_attributes.retain(|(qn, _, _)| !declares(qn));
        }
        let (prefix, name, namespace) = self.resolve(qname, true);
        let mut element = Element {
            name,
            prefix,
            namespace,
            attributes: Vec::with_capacity(raw_attributes.len()),
            children: Vec::new(),
            position,
        };
        // Namespaced attributes seen so far (local name and namespace), for duplicates; made
        // at the first one (most elements have none).
        let mut seen: Option<HashSet<(Name, String)>> = None;
        let mut space = self.inherited_space();
        let mut failure = None;
        for (qn, value, pos) in raw_attributes.drain(..) {
            let (prefix, local, namespace) = self.resolve(qn, false);
            if let Some(uri) = &namespace {
                let seen = seen.get_or_insert_with(HashSet::new);
                if !seen.insert((local.clone(), uri.clone())) {
                    failure = Some(not_well_formed(
                        &rules::WF_DUPLICATE_ATTRIBUTE,
                        format!("namespaced attribute '{qn}' redefined"),
                        pos,
                    ));
                    break;
                }
            }
            if namespace.as_deref() == Some(XML_NAMESPACE) && local == "space" {
                match value.as_str() {
                    "default" => space = 0,
                    "preserve" => space = 1,
                    _ => {}
                }
            }
            element.attributes.push(Attribute {
                name: local,
                prefix,
                namespace,
                value,
                position: pos,
            });
        }
        raw_attributes.clear();
        self.raw_attributes = raw_attributes;
        if let Some(e) = failure {
            return Err(e);
        }
        self.enter(
            Open {
                element,
                space,
                bindings,
                qname,
            },
            empty,
        );
        Ok(())
    }

    /// A start tag at `start` that [`simple_tag`] found simple: the same element as the
    /// general path builds, without its checks (nothing they look for is there).
    fn simple_start_tag(&mut self, start: usize, tag: &SimpleTag) {
        let text: &'t str = self.text;
        let at = |from: u32, to: u32| &text[start + 1 + from as usize..start + 1 + to as usize];
        let qname = at(0, tag.name_len);
        let position = self.pos(start);
        let mut attributes = Vec::with_capacity(tag.count);
        for &(name_start, name_end, value_start, value_end) in &tag.attributes[..tag.count] {
            attributes.push(Attribute {
                name: intern(at(name_start, name_end)),
                prefix: None,
                namespace: None,
                value: at(value_start, value_end).to_string(),
                position: self.pos(start + 1 + name_start as usize),
            });
        }
        let open = Open {
            element: Element {
                name: intern(qname),
                prefix: None,
                namespace: self.namespace_of(None),
                attributes,
                children: Vec::new(),
                position,
            },
            space: self.inherited_space(),
            bindings: Vec::new(),
            qname,
        };
        self.enter(open, tag.empty);
    }

    /// The `xml:space` state an element starts with: its parent's, or the default.
    fn inherited_space(&self) -> i8 {
        match self.stack.last() {
            None => -1,
            Some(parent) if parent.space == -2 => -1,
            Some(parent) => parent.space,
        }
    }

    /// Opens `open`, or closes it at once when the tag was empty (`<name/>`).
    fn enter(&mut self, open: Open<'t>, empty: bool) {
        if empty {
            self.close(open);
        } else {
            self.stack.push(open);
        }
    }

    /// The URI `prefix` is bound to (`None`: the default namespace); `xml` is bound from the
    /// start, and an empty URI undeclares.
    fn namespace_of(&self, prefix: Option<&str>) -> Option<String> {
        match self
            .namespaces
            .iter()
            .rev()
            .find(|(p, _)| p.as_deref() == prefix)
        {
            Some((_, uri)) => Some(uri.clone()).filter(|uri| !uri.is_empty()),
            None if prefix == Some("xml") => Some(XML_NAMESPACE.to_string()),
            None => None,
        }
    }

    /// Splits a qualified name and finds its namespace. An undeclared prefix is not fatal
    /// in libxml2: the name then keeps its prefix and has no namespace.
    fn resolve(&self, qname: &str, is_element: bool) -> (Option<String>, Name, Option<String>) {
        match split_qname(qname) {
            (Some(prefix), local) => match self.namespace_of(Some(prefix)) {
                Some(uri) => (Some(prefix.to_string()), intern(local), Some(uri)),
                None => (None, format!("{prefix}:{local}").into(), None),
            },
            (None, name) => {
                let namespace = if is_element {
                    self.namespace_of(None)
                } else {
                    None
                };
                (None, intern(name), namespace)
            }
        }
    }

    /// Reads the attributes of a start tag: `(S Attribute)* S?`, values expanded and
    /// normalized as libxml2 does for CDATA attributes.
    fn attributes(
        &mut self,
        offset: usize,
        s: &'t str,
        out: &mut Vec<(&'t str, String, Position)>,
    ) -> Result<(), Rejection> {
        // Duplicates: a linear scan while the tag is small, a set once it is not (a tag
        // may have a million attributes).
        // The first names in a fixed array (no allocation), the rest in a set.
        const FEW: usize = 16;
        let mut names: [&str; FEW] = [""; FEW];
        let mut seen: HashSet<&str> = HashSet::new();
        let bytes = s.as_bytes();
        let mut i = 0;
        loop {
            let ws_start = i;
            while i < bytes.len() && is_blank(bytes[i] as char) {
                i += 1;
            }
            if i == bytes.len() {
                break;
            }
            if i == ws_start {
                return Err(self.fail(
                    offset + i,
                    &rules::WF_ATTRIBUTE_SYNTAX,
                    "attributes construct error: blank expected between attributes",
                ));
            }
            let name_start = i;
            while i < bytes.len() && bytes[i] != b'=' && !is_blank(bytes[i] as char) {
                i += 1;
            }
            let name = &s[name_start..i];
            if !is_name(name) || !qname_is_complete(name) {
                return Err(self.fail(
                    offset + name_start,
                    &rules::WF_INVALID_NAME,
                    format!("invalid attribute name '{name}'"),
                ));
            }
            if name.len() > MAX_NAME_LENGTH {
                return Err(self.fail(offset + name_start, &rules::WF_LIMIT, "name too long"));
            }
            while i < bytes.len() && is_blank(bytes[i] as char) {
                i += 1;
            }
            if i == bytes.len() || bytes[i] != b'=' {
                return Err(self.fail(
                    offset + i,
                    &rules::WF_ATTRIBUTE_SYNTAX,
                    format!("specification mandates value for attribute {name}"),
                ));
            }
            i += 1;
            while i < bytes.len() && is_blank(bytes[i] as char) {
                i += 1;
            }
            let quote = bytes.get(i).copied();
            if quote != Some(b'"') && quote != Some(b'\'') {
                return Err(self.fail(
                    offset + i,
                    &rules::WF_ATTRIBUTE_SYNTAX,
                    "AttValue: \" or ' expected",
                ));
            }
            let quote = quote.unwrap_or(b'"'); // checked just above
            let value_start = i + 1;
            let Some(len) = bytes[value_start..].iter().position(|&b| b == quote) else {
                return Err(self.fail(
                    offset + value_start,
                    &rules::WF_ATTRIBUTE_SYNTAX,
                    "AttValue: ' expected",
                ));
            };
            let raw = &s[value_start..value_start + len];
            i = value_start + len + 1;
            let position = self.pos(offset + name_start);
            let count = out.len();
            let repeated = if count < FEW {
                names[..count].contains(&name)
            } else {
                if seen.is_empty() {
                    seen.extend(names.iter().copied());
                }
                !seen.insert(name)
            };
            if count < FEW {
                names[count] = name;
            }
            if repeated {
                return Err(not_well_formed(
                    &rules::WF_DUPLICATE_ATTRIBUTE,
                    format!("attribute {name} redefined"),
                    position,
                ));
            }
            let value = self.attribute_value(offset + value_start, raw)?;
            out.push((name, value, position));
        }
        Ok(())
    }

    fn attribute_value(&mut self, offset: usize, raw: &str) -> Result<String, Rejection> {
        // Printable ASCII without references or markup (most values) stays as it is.
        if is_plain_value(raw.as_bytes()) {
            return Ok(raw.to_string());
        }
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '<' => {
                    return Err(self.fail(
                        offset + i,
                        &rules::WF_LT_IN_ATTRIBUTE,
                        "unescaped '<' not allowed in attributes values",
                    ));
                }
                '&' => {
                    let rest = &raw[i..];
                    let len = rest.find(';').map(|p| p + 1);
                    let Some(len) = len else {
                        return Err(self.fail(
                            offset + i,
                            &rules::WF_ENTITY_REFERENCE_SYNTAX,
                            "EntityRef: expecting ';'",
                        ));
                    };
                    let expanded = self.expand_reference(offset + i, &rest[..len])?;
                    // Text from a reference is not normalized again, except that an entity's
                    // own literal white space is (libxml2 normalizes entity text too).
                    match expanded {
                        Expanded::Char(c) => out.push(c),
                        Expanded::Text(t) => out.extend(t.chars().map(|c| {
                            if matches!(c, '\t' | '\n' | '\r') {
                                ' '
                            } else {
                                c
                            }
                        })),
                        Expanded::External => {
                            return Err(self.fail(
                                offset + i,
                                &rules::WF_ENTITY_CONTENT,
                                "attribute references an external entity",
                            ));
                        }
                    }
                    while chars.peek().is_some_and(|(j, _)| *j < i + len) {
                        chars.next();
                    }
                }
                '\r' => {
                    if chars.peek().is_some_and(|(_, n)| *n == '\n') {
                        chars.next();
                    }
                    out.push(' ');
                }
                '\t' | '\n' => out.push(' '),
                c if !is_xml_char(c) => {
                    return Err(self.fail(
                        offset + i,
                        &rules::WF_INVALID_CHARACTER,
                        format!("char 0x{:X} out of allowed range", c as u32),
                    ));
                }
                c => out.push(c),
            }
        }
        if out.len() > MAX_ATTRIBUTE_LENGTH {
            return Err(self.fail(offset, &rules::WF_LIMIT, "AttValue length too long"));
        }
        Ok(out)
    }

    /// Expands `&...;` (given with its `&` and `;`).
    fn expand_reference(&mut self, offset: usize, reference: &str) -> Result<Expanded, Rejection> {
        let body = &reference[1..reference.len() - 1];
        if let Some(number) = body.strip_prefix('#') {
            let value = if let Some(hex) = number.strip_prefix('x') {
                if hex.is_empty() || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                    None
                } else {
                    u32::from_str_radix(hex, 16).ok()
                }
            } else if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
                None
            } else {
                number.parse::<u32>().ok()
            };
            return match value.and_then(char::from_u32).filter(|c| is_xml_char(*c)) {
                Some(c) => Ok(Expanded::Char(c)),
                None => Err(self.fail(
                    offset,
                    &rules::WF_INVALID_CHARACTER_REFERENCE,
                    format!("xmlParseCharRef: invalid xmlChar value in '{reference}'"),
                )),
            };
        }
        if !is_name(body) {
            return Err(self.fail(
                offset,
                &rules::WF_ENTITY_REFERENCE_SYNTAX,
                "EntityRef: expecting name",
            ));
        }
        let predefined = match body {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "apos" => Some('\''),
            "quot" => Some('"'),
            _ => None,
        };
        if let Some(c) = predefined {
            return Ok(Expanded::Char(c));
        }
        match self
            .entities
            .iter()
            .find(|(n, _)| n == body)
            .map(|(_, v)| v.clone())
        {
            Some(Some(value)) => {
                let expanded = self.expand_entity_text(offset, &value, 0)?;
                Ok(Expanded::Text(expanded))
            }
            Some(None) => Ok(Expanded::External),
            None if self.external_subset => Ok(Expanded::Text(String::new())),
            None => Err(self.fail(
                offset,
                &rules::WF_UNDEFINED_ENTITY,
                format!("Entity '{body}' not defined"),
            )),
        }
    }

    /// The replacement text of an internal entity, with the references inside it expanded,
    /// within a global budget (the defence against exponential entity expansion).
    fn expand_entity_text(
        &mut self,
        offset: usize,
        value: &str,
        depth: usize,
    ) -> Result<String, Rejection> {
        if depth > 40 {
            return Err(self.fail(
                offset,
                &rules::WF_ENTITY_LOOP,
                "detected an entity reference loop",
            ));
        }
        let mut out = String::new();
        let mut rest = value;
        while let Some(i) = rest.find('&') {
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            let Some(end) = tail.find(';') else {
                return Err(self.fail(
                    offset,
                    &rules::WF_ENTITY_REFERENCE_SYNTAX,
                    "EntityRef: expecting ';'",
                ));
            };
            let reference = &tail[..=end];
            let body = &reference[1..reference.len() - 1];
            if body.starts_with('#') || matches!(body, "lt" | "gt" | "amp" | "apos" | "quot") {
                match self.expand_reference(offset, reference)? {
                    Expanded::Char(c) => out.push(c),
                    Expanded::Text(t) => out.push_str(&t),
                    Expanded::External => {}
                }
            } else {
                match self
                    .entities
                    .iter()
                    .find(|(n, _)| n == body)
                    .map(|(_, v)| v.clone())
                {
                    Some(Some(inner)) => {
                        let expanded = self.expand_entity_text(offset, &inner, depth + 1)?;
                        out.push_str(&expanded);
                    }
                    Some(None) => {}
                    None if self.external_subset => {}
                    None => {
                        return Err(self.fail(
                            offset,
                            &rules::WF_UNDEFINED_ENTITY,
                            format!("Entity '{body}' not defined"),
                        ));
                    }
                }
            }
            rest = &tail[end + 1..];
        }
        out.push_str(rest);
        if out.len() > self.expansion_budget {
            return Err(self.fail(
                offset,
                &rules::WF_LIMIT,
                "maximum entity amplification exceeded",
            ));
        }
        self.expansion_budget -= out.len();
        if out.contains('<') {
            return Err(self.fail(
                offset,
                &rules::WF_ENTITY_CONTENT,
                "markup in entity replacement text is not supported",
            ));
        }
        Ok(out)
    }

    fn end_tag(&mut self, start: usize, end: usize) -> Result<(), Rejection> {
        let inner = &self.text[start + 2..end - 1];
        let name = inner.trim_end_matches(is_blank);
        let Some(open) = self.stack.pop() else {
            return Err(self.fail(
                start,
                if self.root.is_some() {
                    &rules::WF_EXTRA_CONTENT
                } else {
                    &rules::WF_TAG_MISMATCH
                },
                if self.root.is_some() {
                    "extra content at the end of the document".to_string()
                } else {
                    format!("unexpected end tag '{name}'")
                },
            ));
        };
        if open.qname != name {
            let expected = open.qname;
            return Err(self.fail(
                start,
                &rules::WF_TAG_MISMATCH,
                format!("opening and ending tag mismatch: {expected} and {name}"),
            ));
        }
        self.close(open);
        Ok(())
    }

    fn close(&mut self, open: Open<'t>) {
        for prefix in open.bindings.into_iter().rev() {
            // Undo this element's declarations (they were pushed last).
            if let Some(i) = self.namespaces.iter().rposition(|(p, _)| *p == prefix) {
                self.namespaces.remove(i);
            }
        }
        let element = open.element;
        match self.stack.last_mut() {
            Some(parent) => parent.element.children.push(Node::Element(element)),
            None => self.root = Some(element),
        }
    }

    fn cdata(&mut self, start: usize, end: usize) -> Result<(), Rejection> {
        let body = &self.text[start + "<![CDATA[".len()..end - "]]>".len()];
        if body.len() > MAX_TEXT_LENGTH {
            return Err(self.fail(start, &rules::WF_LIMIT, "CData section too big found"));
        }
        self.check_chars(start + "<![CDATA[".len(), body)?;
        if self.stack.is_empty() {
            return Err(self.outside_root(start));
        }
        let position = self.pos(start);
        let value = normalize_line_ends(body);
        if let Some(open) = self.stack.last_mut() {
            open.element.children.push(Node::Text(Text {
                value,
                cdata: true,
                position,
            }));
        }
        Ok(())
    }

    fn reference_in_content(&mut self, start: usize, end: usize) -> Result<(), Rejection> {
        if self.stack.is_empty() {
            return Err(self.outside_root(start));
        }
        let reference = &self.text[start..end];
        if !reference.ends_with(';') {
            return Err(self.fail(
                start,
                &rules::WF_ENTITY_REFERENCE_SYNTAX,
                "EntityRef: expecting ';'",
            ));
        }
        let position = self.pos(start);
        let value = match self.expand_reference(start, reference)? {
            Expanded::Char(c) => {
                self.append_text(c.to_string(), position);
                return Ok(());
            }
            Expanded::Text(t) => normalize_line_ends(&t),
            Expanded::External => String::new(),
        };
        let name = reference[1..reference.len() - 1].to_string();
        if let Some(open) = self.stack.last_mut() {
            let node = EntityReference {
                name,
                value,
                position,
            };
            open.element.children.push(Node::EntityReference(node));
        }
        Ok(())
    }

    /// Character data between markup, split into the chunks libxml2's `xmlParseCharData`
    /// hands to its `NOBLANKS` test, so that the same blank runs are dropped.
    fn text_run(&mut self, start: usize, end: usize) -> Result<(), Rejection> {
        let raw = &self.text[start..end];
        if self.stack.is_empty() {
            if raw.chars().all(is_blank) {
                return Ok(());
            }
            return Err(self.outside_root(start));
        }
        // Spaces and line feeds only (indentation, the most common run): one chunk, which
        // libxml2 tests for blanks, and nothing else to check.
        if raw.bytes().all(|b| b == b' ' || b == b'\n') {
            if raw.is_empty() {
                return Ok(());
            }
            let chunk = Chunk {
                text: raw,
                offset: 0,
                checked: true,
                following: None,
            };
            self.text_chunk(start, end, chunk);
            return Ok(());
        }
        if let Some(i) = raw.bytes().position(|b| b == b'&' || b == b'<') {
            return Err(self.fail(
                start + i,
                &rules::WF_ENTITY_REFERENCE_SYNTAX,
                "EntityRef: expecting ';'",
            ));
        }
        if let Some(i) = raw.contains(']').then(|| raw.find("]]>")).flatten() {
            return Err(self.fail(
                start + i,
                &rules::WF_CDATA_END_IN_CONTENT,
                "sequence ']]>' not allowed in content",
            ));
        }
        self.check_chars(start, raw)?;
        for chunk in char_data_chunks(raw) {
            self.text_chunk(start, end, chunk);
        }
        Ok(())
    }

    /// One chunk of the run `start..end`: dropped if libxml2 finds it blank, else appended.
    fn text_chunk(&mut self, start: usize, end: usize, chunk: Chunk<'_>) {
        let blank_only = chunk.text.bytes().all(|b| is_blank(b as char));
        let keep = !(chunk.checked && blank_only) || {
            // What follows the chunk: inside the run, its next character; at the end of
            // the run, '<' (and the character after it) or '&'.
            let (following, following2) = match chunk.following {
                Some(c) => (Some(c), None),
                None => {
                    let mut rest = self.text[end..].chars();
                    (rest.next(), rest.next())
                }
            };
            let Some(open) = self.stack.last() else {
                return;
            };
            let declared = if self.element_decls.is_empty() {
                None
            } else {
                self.element_decls.get(&*open.element.name).copied()
            };
            !are_blanks(open, declared, following, following2)
        };
        if keep {
            let position = self.pos(start + chunk.offset);
            let Some(open) = self.stack.last_mut() else {
                return;
            };
            if chunk.checked && open.space == -1 {
                open.space = -2;
            }
            self.append_text(normalize_line_ends(chunk.text), position);
        }
    }

    /// Appends text to the open element, merged with a preceding text node as libxml2
    /// does (CDATA sections stay separate nodes).
    fn append_text(&mut self, value: String, position: Position) {
        // The caller only appends inside an open element.
        let Some(open) = self.stack.last_mut() else {
            return;
        };
        if let Some(Node::Text(last)) = open.element.children.last_mut() {
            if !last.cdata {
                last.value.push_str(&value);
                return;
            }
        }
        open.element.children.push(Node::Text(Text {
            value,
            cdata: false,
            position,
        }));
    }
}

enum Expanded {
    Char(char),
    Text(String),
    /// An external entity: never loaded, so it reads as nothing in content and is an
    /// error in an attribute value.
    External,
}

/// libxml2's `areBlanks` for a blank-only chunk of the open element: whether it is dropped.
///
/// `declared` is the element's declaration in the internal DTD subset, if any: whether its
/// content is mixed (`#PCDATA`, `ANY`, `EMPTY`: blanks kept) or elements only (dropped).
fn are_blanks(
    open: &Open,
    declared: Option<bool>,
    next: Option<char>,
    next2: Option<char>,
) -> bool {
    if open.space == 1 || open.space == -2 {
        return false;
    }
    if let Some(mixed) = declared {
        return !mixed;
    }
    if next != Some('<') && next != Some('\r') {
        return false;
    }
    let children = &open.element.children;
    if children.is_empty() && next == Some('<') && next2 == Some('/') {
        return false;
    }
    let is_text = |n: &Node| matches!(n, Node::Text(t) if !t.cdata);
    match children.last() {
        None => true,
        Some(last) if is_text(last) => false,
        Some(_) => !children.first().is_some_and(is_text),
    }
}

/// A start tag of the simplest kind, as [`simple_tag`] found it: the name's length, for
/// each attribute where its name and value are (offsets in the tag after `<`), and whether
/// the tag is empty (`/>`).
#[derive(Default)]
struct SimpleTag {
    name_len: u32,
    count: usize,
    attributes: [(u32, u32, u32, u32); SIMPLE_ATTRIBUTES],
    empty: bool,
}

/// The most attributes a simple start tag has.
const SIMPLE_ATTRIBUTES: usize = 12;

/// Byte classes of ASCII ([`CLASSES`]): a byte that starts a name other than `:`.
const NAME_START: u8 = 1;
/// A byte that continues a name other than `:`.
const NAME_CHAR: u8 = 2;
/// A blank (XML's `S`).
const BLANK: u8 = 4;

/// The class bits of every byte.
const CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphabetic() || c == b'_' {
            table[b] = NAME_START | NAME_CHAR;
        } else if c.is_ascii_digit() || c == b'-' || c == b'.' {
            table[b] = NAME_CHAR;
        } else if c == b' ' || c == b'\t' || c == b'\n' || c == b'\r' {
            table[b] = BLANK;
        }
        b += 1;
    }
    table
};

/// Whether byte `b` is in `class`.
fn byte_is(b: u8, class: u8) -> bool {
    CLASSES[usize::from(b)] & class != 0
}

/// Reads the start tag at the start of `tag` (the text after a `<`) when it is of the
/// simplest kind, which most are: ASCII names without a colon, at most
/// [`SIMPLE_ATTRIBUTES`] attributes with distinct names, none called `xmlns`, values of
/// printable ASCII without `&` or `<`, and blanks only between them and before the `>` or
/// `/>`. Such a tag needs no namespace work, no reference expansion and no normalization,
/// and cannot be ill-formed; it ends at the first `>` outside quotes, where quick-xml ends
/// it. Returns the tag's length after the `<` (with the `>`), its parts in `out`. Anything
/// else (`None`) takes the general path, which also finds every error.
fn simple_tag(tag: &[u8], out: &mut SimpleTag) -> Option<usize> {
    let name = |from: usize| -> Option<usize> {
        if !byte_is(*tag.get(from)?, NAME_START) {
            return None;
        }
        let len = tag[from..]
            .iter()
            .position(|&b| !byte_is(b, NAME_CHAR))
            .unwrap_or(tag.len() - from);
        (len <= MAX_NAME_LENGTH).then_some(from + len)
    };
    if tag.len() > u32::MAX as usize {
        return None;
    }
    let name_len = name(0)?;
    out.name_len = name_len as u32;
    out.count = 0;
    let mut i = name_len;
    loop {
        let blanks = tag[i..].iter().take_while(|&&b| byte_is(b, BLANK)).count();
        i += blanks;
        match *tag.get(i)? {
            b'>' => {
                out.empty = false;
                return Some(i + 1);
            }
            b'/' => {
                out.empty = true;
                return (tag.get(i + 1) == Some(&b'>')).then_some(i + 2);
            }
            _ => {}
        }
        if blanks == 0 || out.count == SIMPLE_ATTRIBUTES {
            return None;
        }
        let name_start = i;
        let name_end = name(i)?;
        let attribute = &tag[name_start..name_end];
        if attribute == b"xmlns"
            || out.attributes[..out.count]
                .iter()
                .any(|&(s, e, _, _)| &tag[s as usize..e as usize] == attribute)
        {
            return None;
        }
        i = name_end;
        i += tag[i..].iter().take_while(|&&b| byte_is(b, BLANK)).count();
        if tag.get(i) != Some(&b'=') {
            return None;
        }
        i += 1;
        i += tag[i..].iter().take_while(|&&b| byte_is(b, BLANK)).count();
        let quote = *tag.get(i)?;
        if quote != b'\'' && quote != b'"' {
            return None;
        }
        let value_start = i + 1;
        let len = memchr::memchr(quote, &tag[value_start..])?;
        if !is_plain_value(&tag[value_start..value_start + len]) {
            return None;
        }
        out.attributes[out.count] = (
            name_start as u32,
            name_end as u32,
            value_start as u32,
            (value_start + len) as u32,
        );
        out.count += 1;
        i = value_start + len + 1;
    }
}

/// Whether an attribute value is read as it is written: printable ASCII without `&` or
/// `<`, within the length limit (no references, no normalization, no error possible).
fn is_plain_value(value: &[u8]) -> bool {
    // A fold rather than `all`: without the early exit the test is vectorised.
    value.len() <= MAX_ATTRIBUTE_LENGTH
        && value.iter().fold(true, |plain, &b| {
            plain & ((0x20..0x7F).contains(&b) & (b != b'&') & (b != b'<'))
        })
}

/// Where the first non-ASCII byte of `bytes` is (their length if none).
fn first_non_ascii(bytes: &[u8]) -> usize {
    // Whole blocks first: `is_ascii` on a block is a few word operations.
    let mut start = 0;
    for block in bytes.chunks(64) {
        if !block.is_ascii() {
            return start + block.iter().position(|b| !b.is_ascii()).unwrap_or(0);
        }
        start += block.len();
    }
    bytes.len()
}

/// The slot of a name in [`NAME_TABLE`]: a hash of its length and three of its bytes.
const fn name_slot(name: &[u8]) -> usize {
    let n = name.len();
    if n == 0 {
        return 0;
    }
    (n ^ (name[0] as usize).wrapping_mul(31)
        ^ (name[n - 1] as usize) << 3
        ^ (name[n / 2] as usize).wrapping_mul(38))
        & 255
}

/// The names the reader shares rather than copies: the vocabulary's element, attribute
/// and storage source names.
const KNOWN_NAMES: [&[&str]; 3] = [
    vocabulary::ELEMENTS,
    vocabulary::ATTRIBUTES,
    vocabulary::STORAGE_SOURCE_NAMES,
];

const fn same_name(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// [`KNOWN_NAMES`] by [`name_slot`]; building it fails to compile if two names share a slot.
const NAME_TABLE: [&str; 256] = {
    let mut table = [""; 256];
    let mut list = 0;
    while list < KNOWN_NAMES.len() {
        let names = KNOWN_NAMES[list];
        let mut i = 0;
        while i < names.len() {
            let slot = name_slot(names[i].as_bytes());
            // The same name in two lists (`format`, `incremental`) takes one slot.
            if !same_name(table[slot].as_bytes(), names[i].as_bytes()) {
                assert!(table[slot].is_empty(), "two known names share a slot");
                table[slot] = names[i];
            }
            i += 1;
        }
        list += 1;
    }
    table
};

/// The name `name`: shared when it is one of [`KNOWN_NAMES`] (one table look-up and one
/// comparison), owned otherwise.
fn intern(name: &str) -> Name {
    let known = NAME_TABLE[name_slot(name.as_bytes())];
    if !known.is_empty() && known == name {
        Name::Borrowed(known)
    } else {
        Name::Owned(name.to_string())
    }
}

/// Splits a qualified name as libxml2's `xmlParseQName` does: the prefix is the part before
/// the first colon when a name character that may start a name follows it; whatever follows
/// a second colon stays in the local name (`b:x:y` is `x:y` with prefix `b`).
fn split_qname(qname: &str) -> (Option<&str>, &str) {
    // Names are short: a plain loop finds the colon faster than a vectorised search.
    let Some(colon) = qname.bytes().position(|b| b == b':') else {
        return (None, qname);
    };
    let (prefix, rest) = (&qname[..colon], &qname[colon + 1..]);
    let starts_name = rest
        .chars()
        .next()
        .is_some_and(|c| c != ':' && is_name_start_char(c));
    if prefix.is_empty() || !starts_name {
        return (None, qname);
    }
    (Some(prefix), rest)
}

/// Whether libxml2 can read `qname` as one QName: `p:l:` followed by something that cannot
/// start a name leaves characters in the tag that nothing reads.
fn qname_is_complete(qname: &str) -> bool {
    if !qname.bytes().any(|b| b == b':') {
        return true;
    }
    match split_qname(qname) {
        (Some(_), local) => match local.split_once(':') {
            Some((_, tail)) => {
                tail.is_empty() || tail.chars().next().is_some_and(is_name_start_char)
            }
            None => true,
        },
        (None, _) => true,
    }
}

/// A chunk of character data as libxml2 delivers it.
struct Chunk<'a> {
    text: &'a str,
    offset: usize,
    /// Whether libxml2 runs its blank test on it (chunks starting with a blank in the fast
    /// path, and every chunk of the slow path).
    checked: bool,
    /// The character right after the chunk when it is inside the run.
    following: Option<char>,
}

/// Splits a run of character data the way `xmlParseCharData` does: an ASCII fast path that
/// cuts at CR LF and hands over to the slow path at the first other character, whose
/// chunks are at most 300 bytes.
fn char_data_chunks(raw: &str) -> Vec<Chunk<'_>> {
    const BIG_BUFFER: usize = 300;
    let b = raw.as_bytes();
    let mut chunks = Vec::new();
    let mut cur = 0;
    let mut i = 0;
    let fast_char =
        |c: u8| (0x20..=0x7F).contains(&c) && c != b'<' && c != b'&' && c != b']' || c == b'\t';
    let next_char = |at: usize| raw[at..].chars().next();
    'fast: loop {
        while i < b.len() && (b[i] == b' ' || b[i] == b'\n') {
            i += 1;
        }
        if i == b.len() {
            // The run ends at '<' or '&' (or the end of input).
            if i > cur {
                chunks.push(Chunk {
                    text: &raw[cur..i],
                    offset: cur,
                    checked: true,
                    following: None,
                });
            }
            return chunks;
        }
        loop {
            while i < b.len() && (fast_char(b[i]) || b[i] == b'\n') {
                i += 1;
            }
            if i < b.len() && b[i] == b']' {
                i += 1;
                continue;
            }
            break;
        }
        if i > cur {
            let starts_blank = is_blank(b[cur] as char);
            chunks.push(Chunk {
                text: &raw[cur..i],
                offset: cur,
                checked: starts_blank,
                following: next_char(i),
            });
        }
        cur = i;
        if i < b.len() && b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
            cur = i + 1;
            i += 2;
            if i < b.len() && ((0x20..=0x7F).contains(&b[i]) || b[i] == b'\t' || b[i] == b'\n') {
                continue 'fast;
            }
        }
        if i >= b.len() {
            if cur < b.len() {
                chunks.push(Chunk {
                    text: &raw[cur..],
                    offset: cur,
                    checked: is_blank(b[cur] as char),
                    following: None,
                });
            }
            return chunks;
        }
        if ((0x20..=0x7F).contains(&b[i]) && b[i] != b'<' && b[i] != b'&')
            || b[i] == b'\t'
            || b[i] == b'\n'
        {
            continue 'fast;
        }
        break;
    }
    // Slow path: up to 300 bytes a chunk, every chunk tested.
    let mut start = cur;
    let mut len = 0;
    let mut iter = raw[cur..].char_indices().peekable();
    while let Some((j, c)) = iter.next() {
        let at = cur + j;
        let width = if c == '\r' && iter.peek().is_some_and(|(_, n)| *n == '\n') {
            iter.next();
            2
        } else {
            c.len_utf8()
        };
        len += if c == '\r' { 1 } else { c.len_utf8() };
        if len >= BIG_BUFFER {
            let end = at + width;
            chunks.push(Chunk {
                text: &raw[start..end],
                offset: start,
                checked: true,
                following: next_char(end),
            });
            start = end;
            len = 0;
        }
    }
    if start < raw.len() {
        chunks.push(Chunk {
            text: &raw[start..],
            offset: start,
            checked: true,
            following: None,
        });
    }
    chunks
}

/// CR LF and lone CR become LF, as libxml2 reads them.
fn normalize_line_ends(s: &str) -> String {
    if !s.contains('\r') {
        return s.to_string();
    }
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// What a piece of text is, as quick-xml reports it (found by [`next_piece`] or by
/// quick-xml itself).
enum Piece {
    Text,
    StartTag,
    EmptyTag,
    EndTag,
    Reference,
    Comment,
    CData,
    Declaration,
    Instruction,
    DocType,
}

/// The piece of text that starts at byte `i` and where it ends, split as quick-xml splits
/// it (`open`: some element is open). `None` for what is left to quick-xml: a DOCTYPE, an
/// end tag with nothing open (quick-xml's error), and markup or a reference that does not
/// end where quick-xml would end it without an error.
fn next_piece(bytes: &[u8], i: usize, open: bool) -> Option<(Piece, usize)> {
    let rest = &bytes[i..];
    let after = |piece: Piece, n: usize| Some((piece, i + n));
    match (rest[0], rest.get(1)) {
        (b'<', Some(b'/')) if open => after(Piece::EndTag, tag_end(rest, 2)?),
        (b'<', Some(b'!')) if rest.starts_with(b"<!--") => {
            // The first '>' after at least `<!----` that follows `--`.
            let n =
                memchr::memchr_iter(b'>', rest).find(|&n| n > 5 && rest[..n].ends_with(b"--"))?;
            after(Piece::Comment, n + 1)
        }
        (b'<', Some(b'!')) if rest.starts_with(b"<![CDATA[") => {
            let n = memchr::memchr_iter(b'>', rest).find(|&n| rest[..n].ends_with(b"]]"))?;
            after(Piece::CData, n + 1)
        }
        (b'<', Some(b'?')) => {
            // The first `?>` after `<?`; `<?>` is quick-xml's error.
            let n = memchr::memchr_iter(b'>', rest).find(|&n| rest[n - 1] == b'?')?;
            let content = rest.get(2..n - 1).filter(|c| !c.is_empty())?;
            let declaration = content.starts_with(b"xml")
                && content
                    .get(3)
                    .is_none_or(|&b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
            let piece = if declaration {
                Piece::Declaration
            } else {
                Piece::Instruction
            };
            after(piece, n + 1)
        }
        (b'<', Some(&b)) if b != b'!' && b != b'/' => {
            // As quick-xml has it: `<.../>` is empty (the `/` is never the first byte).
            let n = tag_end(rest, 1)?;
            let piece = if n >= 3 && rest[n - 2] == b'/' {
                Piece::EmptyTag
            } else {
                Piece::StartTag
            };
            after(piece, n)
        }
        (b'<', _) => None,
        // A reference ends at the first `;`, unless a `&` or `<` comes first (an error).
        (b'&', _) => {
            let n =
                memchr::memchr3(b';', b'&', b'<', &rest[1..]).filter(|&n| rest[n + 1] == b';')?;
            after(Piece::Reference, n + 2)
        }
        _ => after(
            Piece::Text,
            memchr::memchr2(b'<', b'&', rest).unwrap_or(rest.len()),
        ),
    }
}

/// A quick-xml reader of `text` configured as the reader needs it: no checks of its own
/// beyond splitting markup (the reader makes libxml2's), empty tags kept as they are.
fn quick_xml_reader(text: &str) -> quick_xml::Reader<&[u8]> {
    let mut reader = quick_xml::Reader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.check_comments = false;
    config.expand_empty_elements = false;
    config.trim_text(false);
    config.allow_dangling_amp = false;
    reader
}

/// How long the tag at the start of `bytes` is, its name (or `/`) starting at `from`: up to
/// and with the first `>` outside quotes, as quick-xml finds it; `None` if there is none.
fn tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut quote = 0u8;
    for i in memchr::memchr3_iter(b'>', b'\'', b'"', &bytes[from..]) {
        let b = bytes[from + i];
        if quote == 0 {
            if b == b'>' {
                return Some(from + i + 1);
            }
            quote = b;
        } else if b == quote {
            quote = 0;
        }
    }
    None
}

/// The rule a quick-xml error breaks: markup that breaks off, an end tag that closes
/// nothing, or other broken markup.
fn quick_xml_rule(e: &quick_xml::Error) -> &'static Rule {
    use quick_xml::errors::{IllFormedError, SyntaxError};
    match e {
        quick_xml::Error::Syntax(SyntaxError::InvalidBangMarkup) => &rules::WF_MARKUP,
        quick_xml::Error::Syntax(_) => &rules::WF_TRUNCATED,
        quick_xml::Error::IllFormed(
            IllFormedError::UnmatchedEndTag(_) | IllFormedError::MismatchedEndTag { .. },
        ) => &rules::WF_TAG_MISMATCH,
        quick_xml::Error::IllFormed(IllFormedError::MissingEndTag(_)) => {
            &rules::WF_UNCLOSED_ELEMENT
        }
        quick_xml::Error::IllFormed(IllFormedError::DoubleHyphenInComment) => &rules::WF_COMMENT,
        quick_xml::Error::IllFormed(
            IllFormedError::MissingDeclVersion(_) | IllFormedError::UnknownVersion,
        ) => &rules::WF_XML_DECLARATION,
        quick_xml::Error::IllFormed(IllFormedError::MissingDoctypeName) => &rules::WF_DOCTYPE,
        quick_xml::Error::IllFormed(IllFormedError::UnclosedReference) => {
            &rules::WF_ENTITY_REFERENCE_SYNTAX
        }
        quick_xml::Error::Encoding(_) => &rules::WF_INVALID_UTF8,
        quick_xml::Error::Escape(_) => &rules::WF_ENTITY_REFERENCE_SYNTAX,
        quick_xml::Error::InvalidAttr(_) => &rules::WF_ATTRIBUTE_SYNTAX,
        _ => &rules::WF_MARKUP,
    }
}

fn describe_quick_xml_error(e: &quick_xml::Error) -> String {
    match e {
        quick_xml::Error::Syntax(s) => format!("syntax error: {s}"),
        quick_xml::Error::IllFormed(s) => format!("ill-formed document: {s}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every document of the corpus (the fuzzing inputs included), tags on the edge of
    /// "simple" and markup that breaks off in every place read the same with and without
    /// the fast path: the same tree with the same positions, or the same error.
    #[test]
    fn the_fast_path_reads_as_the_general_path_reads() {
        let mut inputs: Vec<Vec<u8>> = [
            "<a/>",
            "<a b='1' c=\"2\"/>",
            "<a\n  b = '1'\tc='x&amp;y'/>",
            "<a b='1' b='2'/>",
            "<a b='1'c='2'/>",
            "<a xmlns='u'><b c='1'/></a>",
            "<a xmlns:p='u'><p:b p:c='1' c='2'/></a>",
            "<a xml:space='preserve'><b> </b></a>",
            "<a b='é'/>",
            "<a é='1'/>",
            "<a b='<'/>",
            "<a b=1/>",
            "<a b/>",
            "<a/b>",
            "<a b='1' / >",
            "<a b='1'/ >",
            "<a/ >",
            "<a//>",
            "<a b='1' >x</a >",
            "<a b='x>y' c=\"'>\"/>",
            "<a\tb='1'\n/>",
            "<a b='1'",
            "<a b='1' c",
            "<a b='1' c=",
            "<a b='1' c='2",
            "<a:b xmlns:a='u'/>",
            "<a b:c='1'/>",
            "<a b='1'c='2'>",
            "<a b='1' c='2' d='3' e='4' f='5' g='6' h='7' i='8' j='9' k='10' l='11' m='12' n='13'/>",
            "<domainbackup><disks>\n<disk name='vda' backup='yes'/></disks></domainbackup>",
            // How the text is split: around every kind of markup, and where it breaks off.
            "</a>",
            "<a></a></b>",
            "<a/></a>",
            "<a/><b/>",
            "<a>x&amp;y&#x41;&#66;</a>",
            "<a>x&y</a>",
            "<a>&",
            "<a>&amp",
            "<a>&amp&lt;</a>",
            "<a>&amp<b/></a>",
            "<a>&;</a>",
            "&amp;<a/>",
            "<a/>&amp;",
            "<a><!-- c --><?pi x?><![CDATA[x]]></a>",
            "<a><!----><!-----><!-- a -- b --><!--->--></a>",
            "<a><!-->--></a>",
            "<a><!-- x</a>",
            "<a><![CDATA[]]><![CDATA[]>]]]]><![CDATA[x]]]></a>",
            "<a><![cdata[x]]></a>",
            "<a><![CDATA[x</a>",
            "<a><!x></a>",
            "<a><?></a>",
            "<a><??></a>",
            "<a><?x?></a>",
            "<a><?x ?><?x y?z?></a>",
            "<a><?xml?></a>",
            "<a><?xml-stylesheet x?></a>",
            "<a><?xml\tx?></a>",
            "<a><?x ></a>",
            "<?xml version='1.0'?>\n<?xml version='1.0'?><a/>",
            "<?xml?><a/>",
            "<?XML version='1.0'?><a/>",
            "<?xml version='1.0'?><a/>",
            " <?xml version='1.0'?><a/>",
            "<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>",
            "<a b='>'>x</a b=\"'>\">",
            "<a",
            "<a b='",
            "<a b=\"",
            "<a>",
            "<a></",
            "<a><!--",
            "<a><?x",
            "<>",
            "< a/>",
            "</>",
            "<a/>x",
            "x<a/>",
            "<a>]]></a>",
            "<a>\r\n x\r</a>",
            "\u{FEFF}\u{FEFF}<a/>",
            "\u{FEFF}<a/>",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
        // Too deep, by simple tags and by tags that are not.
        inputs.push("<a>".repeat(MAX_DEPTH + 2).into_bytes());
        inputs.push("<a:a xmlns:a='u'>".repeat(MAX_DEPTH + 2).into_bytes());
        let mut dirs = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/corpus"
        ))];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if let Ok(bytes) = std::fs::read(&path) {
                    inputs.push(bytes);
                }
            }
        }
        assert!(inputs.len() > 1000, "{} inputs", inputs.len());
        for input in &inputs {
            assert_eq!(
                read_tags(input, true),
                read_tags(input, false),
                "{}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn known_names_are_shared_and_others_owned() {
        for name in KNOWN_NAMES.iter().flat_map(|list| list.iter()) {
            assert!(
                matches!(intern(name), Name::Borrowed(n) if n == *name),
                "{name}"
            );
        }
        for name in [
            "",
            "x",
            "disk2",
            "Disk",
            "typ",
            "types",
            "domainbackupx",
            "a:disk",
        ] {
            assert!(
                matches!(intern(name), Name::Owned(ref n) if n == name),
                "{name}"
            );
        }
    }

    #[test]
    fn positions_count_lines_and_characters() {
        // Line feeds, a CR LF, a non-ASCII character before and after positions asked for,
        // and an offset asked for twice.
        let text = "<a>\n  <b x='é'/>\r\n\u{e9}<c/></a>";
        let mut reader = Reader::new(text);
        let at = |reader: &mut Reader<'_>, offset: usize| {
            let p = reader.pos(offset);
            (p.line, p.column)
        };
        assert_eq!(at(&mut reader, 0), (1, 1));
        assert_eq!(at(&mut reader, 3), (1, 4));
        assert_eq!(at(&mut reader, 6), (2, 3));
        assert_eq!(at(&mut reader, 6), (2, 3));
        let c = text.find("<c").unwrap_or(0);
        assert_eq!(at(&mut reader, c), (3, 2));
        assert_eq!(at(&mut reader, text.len()), (3, 10));
        // Never before the last position asked for.
        assert_eq!(at(&mut reader, 0), (3, 10));
        // Against a plain count, at increasing offsets with gaps of every size, in texts
        // with non-ASCII characters on one line, on several, and at line starts.
        let texts = [
            "<a b='x' c='λλ' d='y'/>",
            "<a>\n  <b c='日本'/>\n  <d e='€'/>\n\n<f/></a>",
            "é\nü\n\n<a x='😀' y='z'>ß</a>\n",
        ];
        for text in texts {
            let boundaries: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            for step in 1..6 {
                let mut reader = Reader::new(text);
                for &offset in boundaries.iter().step_by(step) {
                    let before = &text[..offset];
                    let line = before.matches('\n').count() as u32 + 1;
                    let column =
                        before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
                    assert_eq!(
                        at(&mut reader, offset),
                        (line, column),
                        "{text:?} at {offset}, step {step}"
                    );
                }
            }
        }
    }
}
