//! XML 1.0's character classes: white space, `Char`, `NameStartChar`, `NameChar` and
//! `Name`, with a byte table for the ASCII cases the reader meets most. Pure predicates:
//! nothing here reads markup, reports an error or knows about namespaces.

/// XML's white space (`S`), which is also libxml2's `IS_BLANK_CH`.
pub(in crate::xml) fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// XML 1.0 `Char`.
pub(in crate::xml) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// XML 1.0 (fifth edition) `NameStartChar`.
pub(super) fn is_name_start_char(c: char) -> bool {
    matches!(c,
        ':' | 'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

/// XML 1.0 (fifth edition) `NameChar`.
pub(in crate::xml) fn is_name_char(c: char) -> bool {
    is_name_start_char(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

#[inline]
pub(in crate::xml) fn is_name(s: &str) -> bool {
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

/// Byte classes of ASCII ([`CLASSES`]): a byte that starts a name other than `:`.
pub(super) const NAME_START: u8 = 1;
/// A byte that continues a name other than `:`.
pub(super) const NAME_CHAR: u8 = 2;
/// A blank (XML's `S`).
pub(super) const BLANK: u8 = 4;
/// A byte that starts and continues a name: both bits.
const LETTER: u8 = 3;
const _: () = assert!(LETTER == NAME_START | NAME_CHAR);

/// The class bits of byte `c`.
const fn class_of(c: u8) -> u8 {
    if c.is_ascii_alphabetic() || c == b'_' {
        LETTER
    } else if c.is_ascii_digit() || c == b'-' || c == b'.' {
        NAME_CHAR
    } else if c == b' ' || c == b'\t' || c == b'\n' || c == b'\r' {
        BLANK
    } else {
        0
    }
}

/// The class bits of every byte.
const CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    // Every entry is written: a loop that ran past the table would not compile.
    while b < 256 {
        table[b] = class_of(b as u8);
        b += 1;
    }
    table
};

/// Whether byte `b` is in `class`.
pub(super) fn byte_is(b: u8, class: u8) -> bool {
    CLASSES[usize::from(b)] & class != 0
}
