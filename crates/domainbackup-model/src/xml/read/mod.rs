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
//! never looks at what the elements mean; every failure is a [`Stage::WellFormed`](crate::Stage::WellFormed)
//! rejection with a position.
//!
//! The `Reader` here holds the state and the top-level loop; `scan` splits the text (the
//! fast path and quick-xml's general path); `prolog`, `tags`, `references` and `text` read
//! each kind of piece; `characters`, `names` and `position` are what they share.

mod characters;
mod names;
mod position;
mod prolog;
mod references;
mod scan;
mod tags;
mod text;

// The prolog reads the DOCTYPE with `super::dtd` and checks encodings with `super::encodings`.
use super::tree::{Document, Element};
use super::{dtd, encodings};
use crate::error::{Position, Rejection};
use crate::rules::{self, Rule};
pub(super) use characters::{is_blank, is_name, is_name_char, is_xml_char};
use position::{Cursor, first_non_ascii, position_of};
use scan::{Piece, quick_xml_reader};

/// The largest document read, 16 MiB (after truncation at the first NUL). libvirt has no
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

/// Reads `input` as libvirt hands it to libxml2: as a C string, so everything from the first
/// NUL byte on is not seen.
pub fn read(input: &[u8]) -> Result<Document, Rejection> {
    read_tags(input, true)
}

/// [`read`], with or without the fast path: `fast_path` false splits the text with
/// quick-xml's events throughout, true with the reader's own scan of the common markup.
/// Both read every document the same (the tests and the `parse` fuzz target compare them);
/// [`read`] takes the fast one.
pub fn read_tags(input: &[u8], fast_path: bool) -> Result<Document, Rejection> {
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
///
/// libxml2 decodes as it goes, so which error a byte that is not UTF-8 gives depends on
/// where it stands: one whose document does not start (after blanks) with `<` is never
/// decoded, since the parser first looks for markup and finds none: `Start tag expected`
/// (measured on libvirt 9.0.0 with libxml2 2.9.14, e.g. for a UTF-16 byte order mark,
/// which the C string ends right after).
fn decode(input: &[u8]) -> Result<&str, Rejection> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    match std::str::from_utf8(input) {
        Ok(s) => Ok(s),
        Err(e) => match first_non_blank(input) {
            Some(start) if input[start] != b'<' => Err(not_well_formed(
                &rules::WF_NO_ROOT_ELEMENT,
                "start tag expected, '<' not found",
                position_of(input, start),
            )),
            _ => Err(not_well_formed(
                &rules::WF_INVALID_UTF8,
                format!(
                    "input is not proper UTF-8 (byte 0x{:02X})",
                    input[e.valid_up_to()]
                ),
                position_of(input, e.valid_up_to()),
            )),
        },
    }
}

/// The offset of the first byte that is not an XML blank.
fn first_non_blank(input: &[u8]) -> Option<usize> {
    input
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
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

struct Reader<'t> {
    text: &'t str,
    cursor: Cursor,
    stack: Vec<Open<'t>>,
    root: Option<Element>,
    has_doctype: bool,
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
    /// `simple_tag`'s way (in `scan`); otherwise quick-xml splits all of it and every tag takes
    /// the general path.
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
        Ok(())
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
}

/// The reader's inner parts, open to the harness's tests so that what each must do is held
/// directly and not only through the documents read with it (a fast path that stops being
/// taken reads every document the same, only slower). Not an interface to build on.
#[doc(hidden)]
pub mod probe {
    use std::ops::Range;

    /// A start tag as the fast path reads it (offsets in the text after `<`).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct SimpleTag {
        /// The tag's length after the `<`, with its `>`.
        pub len: usize,
        /// Where the element's name is.
        pub name: Range<usize>,
        /// Where each attribute's name and value are.
        pub attributes: Vec<(Range<usize>, Range<usize>)>,
        /// Whether the tag ends in `/>`.
        pub empty: bool,
    }

    /// How the fast path reads the start tag at the start of `tag` (the text after a `<`):
    /// `None` when it leaves the tag to the general path.
    pub fn simple_tag(tag: &[u8]) -> Option<SimpleTag> {
        super::scan::probe_simple_tag(tag)
    }

    /// The most attributes a start tag the fast path reads has.
    pub const SIMPLE_ATTRIBUTES: usize = super::scan::SIMPLE_ATTRIBUTES;

    /// Where the first non-ASCII byte of `bytes` is (their length if none).
    pub fn first_non_ascii(bytes: &[u8]) -> usize {
        super::first_non_ascii(bytes)
    }

    /// The line and column of each offset of `text`, asked for in this order of one reader.
    pub fn positions(text: &str, offsets: &[usize]) -> Vec<(u32, u32)> {
        let mut reader = super::Reader::new(text);
        offsets
            .iter()
            .map(|&offset| {
                let p = reader.pos(offset);
                (p.line, p.column)
            })
            .collect()
    }

    /// The names the reader shares rather than copies.
    pub fn known_names() -> impl Iterator<Item = &'static str> {
        super::names::known_names()
    }

    /// Whether the reader shares `name` (one of [`known_names`]) rather than copying it.
    pub fn is_shared(name: &str) -> bool {
        matches!(super::names::intern(name), std::borrow::Cow::Borrowed(n) if n == name)
    }
}
