//! Splitting the text into pieces (tags, text, references, comments, CDATA sections,
//! processing instructions) where quick-xml splits it. The fast path splits most of it
//! itself and reads simple start tags in the same pass; the general path, and the fast
//! path for what it leaves, take quick-xml's events. Both hand each piece to the
//! [`Reader`], which makes libxml2's checks: this module must not judge a piece beyond
//! finding where it ends, and the two paths must read every text alike (the differential
//! test below and the `parse` fuzz target hold them to it).

use quick_xml::events::Event;

use super::characters::{BLANK, NAME_CHAR, NAME_START, byte_is};
use super::names::intern;
use super::tags::is_plain_value;
use super::{MAX_NAME_LENGTH, Open, Reader};
use crate::error::Rejection;
use crate::rules::{self, Rule};
use crate::xml::tree::{Attribute, Element};

impl<'t> Reader<'t> {
    /// Reads the next event of `reader` (a reader of the text from byte `base` on, now at
    /// byte `start` of the text) and acts on it; `false` at the end of the text.
    pub(super) fn next_event(
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

    /// The fast path through the text: [`next_piece`] splits it where quick-xml would, and
    /// whatever that leaves (a DOCTYPE, an end tag with nothing open, markup that does not
    /// end) is one event of a quick-xml reader started at that byte. A fresh reader splits
    /// those as the one reading the whole text does: the only state it keeps between
    /// events is the list of open tags, which matters only for an end tag with nothing open.
    pub(super) fn scan(&mut self) -> Result<(), Rejection> {
        let text: &'t str = self.text;
        let bytes = text.as_bytes();
        let mut tag = SimpleTag::default();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'<' {
                if let Some(len) = simple_tag(&bytes[i + 1..], &mut tag) {
                    self.may_open(i)?;
                    self.simple_start_tag(i, &tag);
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
pub(super) const SIMPLE_ATTRIBUTES: usize = 12;

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

/// What a piece of text is, as quick-xml reports it (found by [`next_piece`] or by
/// quick-xml itself).
pub(super) enum Piece {
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
pub(super) fn quick_xml_reader(text: &str) -> quick_xml::Reader<&[u8]> {
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

/// [`simple_tag`] for the reader's probe.
pub(super) fn probe_simple_tag(tag: &[u8]) -> Option<super::probe::SimpleTag> {
    let mut out = SimpleTag::default();
    let len = simple_tag(tag, &mut out)?;
    let range = |from: u32, to: u32| from as usize..to as usize;
    Some(super::probe::SimpleTag {
        len,
        name: 0..out.name_len as usize,
        attributes: out.attributes[..out.count]
            .iter()
            .map(|&(ns, ne, vs, ve)| (range(ns, ne), range(vs, ve)))
            .collect(),
        empty: out.empty,
    })
}
