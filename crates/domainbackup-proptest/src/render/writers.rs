//! Whole documents in the consistent spelling of one real XML writer: Go's `encoding/xml`,
//! Python's ElementTree, libxml2 (as lxml and `xmllint` use it) and libvirt's own formatter.
//! A program that hands libvirt a backup definition most likely wrote it with one of these,
//! so their habits (quote character, how an empty element ends, which characters become
//! references and how, the XML declaration, indentation) are tested as a whole, not only
//! as the mixed choices of the default spelling happen to combine them.
//!
//! A writer's spelling is followed except where the writer itself would change the
//! meaning for libvirt: ElementTree, libxml2 and libvirt write a carriage return in text
//! raw, and libvirt writes TAB, LF and CR in attribute values raw, which a reader turns
//! into LF and spaces; those are written as character references instead, so the document
//! still reads back as the definition it was written from. Nothing here decides what the
//! document holds: the element tree comes from [`super::render_edited`].

use std::fmt::Write as _;

use super::{Choices, Content, Node, arrange, attribute_order};

/// A real XML writer whose spelling a whole document can take (see [`super::render_as`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Writer {
    /// Go's `encoding/xml` (`xml.Marshal`, `xml.MarshalIndent` with two spaces, after
    /// `xml.Header` or not): double quotes, `<x></x>` for an empty element, `"` and `'` as
    /// `&#34;` and `&#39;`, TAB, LF and CR as `&#x9;`, `&#xA;` and `&#xD;`, in attribute
    /// values and text alike.
    GoEncodingXml,
    /// Python's `xml.etree.ElementTree` (`ET.tostring`, `ElementTree.write`, indented by
    /// `ET.indent` or not): double quotes, `<x />`, `&quot;` and `&#10;`, `&#09;`, `&#13;`
    /// in attribute values; with `us-ascii` output, other characters as `&#NNN;`.
    ElementTree,
    /// libxml2's serializer (`xmlDocDumpFormatMemory`, `xmllint`, lxml's `tostring`):
    /// double quotes, `<x/>`, `&#10;`, `&#9;`, `&#13;` in attribute values; without a
    /// declared encoding, other characters than ASCII as `&#xHH;` (libxml2) or `&#NNN;`
    /// (lxml's ASCII output).
    Libxml2,
    /// libvirt's own formatter (`virDomainBackupDefFormat`): no declaration, single quotes,
    /// `<x/>`, two spaces per level, a newline after every element, `&apos;` and `&quot;`.
    Libvirt,
}

impl Writer {
    /// Every writer.
    pub const ALL: [Writer; 4] = [
        Writer::GoEncodingXml,
        Writer::ElementTree,
        Writer::Libxml2,
        Writer::Libvirt,
    ];

    /// The writer's name, as its users know it.
    pub fn name(self) -> &'static str {
        match self {
            Writer::GoEncodingXml => "Go encoding/xml",
            Writer::ElementTree => "Python ElementTree",
            Writer::Libxml2 => "libxml2",
            Writer::Libvirt => "libvirt",
        }
    }
}

impl std::fmt::Display for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How an element without content ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Empty {
    /// `<x/>`
    Short,
    /// `<x />`
    Spaced,
    /// `<x></x>`
    EndTag,
}

/// How characters outside ASCII are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NonAscii {
    Raw,
    /// `&#233;`
    Decimal,
    /// `&#xE9;`
    Hex,
}

/// One writer's spelling of one document, with the options that writer's users pick.
#[derive(Debug, Clone, Copy)]
struct Style {
    writer: Writer,
    quote: char,
    empty: Empty,
    non_ascii: NonAscii,
    /// The XML declaration with what follows it, or nothing.
    declaration: &'static str,
    indent: bool,
    /// A newline after the root's end tag.
    final_newline: bool,
}

impl Style {
    /// The options of `writer` a program would use, drawn from `c`.
    fn draw(writer: Writer, c: &mut Choices) -> Style {
        let indent = c.chance(1, 2);
        let plain = Style {
            writer,
            quote: '"',
            empty: Empty::Short,
            non_ascii: NonAscii::Raw,
            declaration: "",
            indent,
            final_newline: false,
        };
        match writer {
            Writer::GoEncodingXml => Style {
                empty: Empty::EndTag,
                declaration: if c.chance(1, 2) {
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                } else {
                    ""
                },
                ..plain
            },
            Writer::ElementTree => {
                // tostring(encoding="unicode"), tostring() (us-ascii, no declaration),
                // write(..., encoding="utf-8", xml_declaration=True), and
                // write(..., xml_declaration=True) (us-ascii).
                let (declaration, non_ascii) = match c.below(4) {
                    0 => ("", NonAscii::Raw),
                    1 => ("", NonAscii::Decimal),
                    2 => ("<?xml version='1.0' encoding='utf-8'?>\n", NonAscii::Raw),
                    _ => (
                        "<?xml version='1.0' encoding='us-ascii'?>\n",
                        NonAscii::Decimal,
                    ),
                };
                Style {
                    empty: Empty::Spaced,
                    declaration,
                    non_ascii,
                    ..plain
                }
            }
            Writer::Libxml2 => {
                // xmlDocDump of a document without and with an encoding, lxml's
                // tostring(root) (ASCII) and tostring(root, xml_declaration=True,
                // encoding="UTF-8").
                let (declaration, non_ascii, final_newline) = match c.below(4) {
                    0 => ("<?xml version=\"1.0\"?>\n", NonAscii::Hex, true),
                    1 => (
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
                        NonAscii::Raw,
                        true,
                    ),
                    2 => ("", NonAscii::Decimal, false),
                    _ => (
                        "<?xml version='1.0' encoding='UTF-8'?>\n",
                        NonAscii::Raw,
                        false,
                    ),
                };
                Style {
                    declaration,
                    non_ascii,
                    final_newline,
                    ..plain
                }
            }
            Writer::Libvirt => Style {
                quote: '\'',
                indent: true,
                final_newline: true,
                ..plain
            },
        }
    }

    /// The reference `ch` is written as in an attribute value, if any.
    fn attribute_reference(&self, ch: char) -> Option<&'static str> {
        match (self.writer, ch) {
            (_, '&') => Some("&amp;"),
            (_, '<') => Some("&lt;"),
            (_, '>') => Some("&gt;"),
            (Writer::GoEncodingXml, _) => go_reference(ch),
            (_, '"') => Some("&quot;"),
            (Writer::Libvirt, '\'') => Some("&apos;"),
            (Writer::ElementTree, '\t') => Some("&#09;"),
            (_, '\t') => Some("&#9;"),
            (_, '\n') => Some("&#10;"),
            (_, '\r') => Some("&#13;"),
            _ => None,
        }
    }

    /// The reference `ch` is written as in text, if any.
    fn text_reference(&self, ch: char) -> Option<&'static str> {
        match (self.writer, ch) {
            (_, '&') => Some("&amp;"),
            (_, '<') => Some("&lt;"),
            (_, '>') => Some("&gt;"),
            (Writer::GoEncodingXml, _) => go_reference(ch),
            (Writer::Libvirt, '"') => Some("&quot;"),
            (Writer::Libvirt, '\'') => Some("&apos;"),
            // Written raw by the writer, read back as LF.
            (_, '\r') => Some("&#13;"),
            _ => None,
        }
    }

    fn push_non_ascii(&self, out: &mut String, ch: char) {
        let _ = match self.non_ascii {
            NonAscii::Raw => {
                out.push(ch);
                Ok(())
            }
            NonAscii::Decimal => write!(out, "&#{};", ch as u32),
            NonAscii::Hex => write!(out, "&#x{:X};", ch as u32),
        };
    }
}

/// Go's `EscapeText` beyond `& < >`.
fn go_reference(ch: char) -> Option<&'static str> {
    match ch {
        '"' => Some("&#34;"),
        '\'' => Some("&#39;"),
        '\t' => Some("&#x9;"),
        '\n' => Some("&#xA;"),
        '\r' => Some("&#xD;"),
        _ => None,
    }
}

/// Writes `root` as `writer` would, with the options drawn from `c`.
pub(super) fn write(out: &mut String, root: &Node, writer: Writer, c: &mut Choices) {
    let style = Style::draw(writer, c);
    out.push_str(style.declaration);
    write_element(out, root, &style, c, 0);
    if style.final_newline {
        out.push('\n');
    }
}

fn write_element(out: &mut String, node: &Node, style: &Style, c: &mut Choices, depth: usize) {
    out.push('<');
    out.push_str(node.name);
    for (name, value) in attribute_order(node, c) {
        out.push(' ');
        out.push_str(name);
        out.push('=');
        out.push(style.quote);
        for ch in value.chars() {
            match style.attribute_reference(ch) {
                Some(reference) => out.push_str(reference),
                None if ch.is_ascii() => out.push(ch),
                None => style.push_non_ascii(out, ch),
            }
        }
        out.push(style.quote);
    }
    match &node.content {
        Content::Text(text) => {
            out.push('>');
            for ch in text.chars() {
                match style.text_reference(ch) {
                    Some(reference) => out.push_str(reference),
                    None if ch.is_ascii() => out.push(ch),
                    None => style.push_non_ascii(out, ch),
                }
            }
            let _ = write!(out, "</{}>", node.name);
        }
        Content::Elements { groups, interleave } => {
            let children = arrange(groups, *interleave, c);
            if children.is_empty() {
                match style.empty {
                    Empty::Short => out.push_str("/>"),
                    Empty::Spaced => out.push_str(" />"),
                    Empty::EndTag => {
                        let _ = write!(out, "></{}>", node.name);
                    }
                }
                return;
            }
            out.push('>');
            for child in children {
                newline(out, style, depth + 1);
                write_element(out, child, style, c, depth + 1);
            }
            newline(out, style, depth);
            let _ = write!(out, "</{}>", node.name);
        }
    }
}

/// The indentation before an element at `depth` (nothing unless indenting).
fn newline(out: &mut String, style: &Style, depth: usize) {
    if style.indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    }
}
