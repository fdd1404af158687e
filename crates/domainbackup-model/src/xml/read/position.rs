//! Line and column numbers: where a byte offset of the text stands, as libxml2 counts it
//! (lines from 1, columns in characters from 1). It only counts; it never decides whether
//! the text is well-formed.

use super::Reader;
use crate::error::Position;

pub(super) fn position_of(input: &[u8], offset: usize) -> Position {
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

/// Line and column bookkeeping: offsets are visited in increasing order, so the cursor only
/// moves forward and the whole document costs one pass.
pub(super) struct Cursor {
    pub(super) offset: usize,
    pub(super) line: u32,
    pub(super) column: u32,
    /// Where the cursor's line starts.
    pub(super) line_start: usize,
    /// The cursor line's line feed (the text's length on the last line).
    pub(super) line_end: usize,
    /// Where the first non-ASCII byte at or after `offset` is (the text's length if none):
    /// up to it, columns are byte counts.
    pub(super) ascii_until: usize,
}

impl<'t> Reader<'t> {
    /// The position of byte `offset` of the text (never before the last one asked for).
    pub(super) fn pos(&mut self, offset: usize) -> Position {
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
}

/// Where the first non-ASCII byte of `bytes` is (their length if none).
pub(super) fn first_non_ascii(bytes: &[u8]) -> usize {
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
