//! XML escaping, in the two ways the project writes values: as libvirt's formatter does
//! (lossy: it drops some control characters), and losslessly, so that a reader gets back
//! exactly the value written (white space inside attribute values as character references,
//! which attribute normalization would otherwise turn into spaces).
//!
//! Only escaping lives here; the generator's deliberately varied spellings of references
//! are spellings, not escaping, and stay with the generator.

/// libvirt's own escaping (`virBufferEscapeString`), what its formatter writes: `< > & " '`
/// become references; the control characters 0x01–0x08, 0x0B, 0x0C and 0x0E–0x19 are
/// dropped; everything else is copied.
pub fn libvirt(s: &str) -> std::borrow::Cow<'_, str> {
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

/// `value` as an attribute value in either quote character that reads back as `value`:
/// `& < > ' "` as references, and TAB, LF and CR as character references.
pub fn attribute_value(value: &str, out: &mut String) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\'' => out.push_str("&apos;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

/// `text` as element content that reads back as `text`: `& < >` as references, and CR as
/// a character reference (a reader turns a raw CR into LF).
pub fn text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}
