//! Character data: text runs split into the chunks libxml2's `xmlParseCharData` delivers,
//! its `NOBLANKS` heuristic (which blank runs are dropped), CDATA sections, line-end
//! normalization and the merging of adjacent text. It never reads markup or references.

use super::{MAX_TEXT_LENGTH, Open, Reader, is_blank};
use crate::error::{Position, Rejection};
use crate::rules;
use crate::xml::tree::{Node, Text};

impl<'t> Reader<'t> {
    pub(super) fn cdata(&mut self, start: usize, end: usize) -> Result<(), Rejection> {
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

    /// Character data between markup, split into the chunks libxml2's `xmlParseCharData`
    /// hands to its `NOBLANKS` test, so that the same blank runs are dropped.
    pub(super) fn text_run(&mut self, start: usize, end: usize) -> Result<(), Rejection> {
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
    pub(super) fn append_text(&mut self, value: String, position: Position) {
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

/// libxml2's `areBlanks` for a blank-only chunk of the open element: whether it is dropped.
///
/// `declared` is the element's declaration in the internal DTD subset, if any: whether its
/// content is mixed (`#PCDATA`, `ANY`, `EMPTY`: blanks kept) or elements only (dropped).
#[inline]
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
#[inline]
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
#[inline]
pub(super) fn normalize_line_ends(s: &str) -> String {
    if !s.contains('\r') {
        return s.to_string();
    }
    s.replace("\r\n", "\n").replace('\r', "\n")
}
