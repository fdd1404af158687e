//! A raw element tree for rewriting documents: what the shrinker and the variant source
//! edit. Unlike [`crate::xml::read`] it keeps everything as written (attribute values still
//! escaped, comments, references, the prolog), so writing it back changes only spelling.
//!
//! It is lenient (quick-xml's checks only) and never decides anything about a document:
//! every rewritten document is judged again by the reference.

use quick_xml::events::Event;

use super::case::Rng;

/// A node below an element or in the prolog and epilog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum XNode {
    Element(XElement),
    /// Character data as written (still escaped).
    Text(Vec<u8>),
    /// The inside of `<![CDATA[...]]>`.
    CData(Vec<u8>),
    /// The inside of `<!--...-->`.
    Comment(Vec<u8>),
    /// The inside of `<?...?>` (target and data).
    Pi(Vec<u8>),
    /// The name of `&name;` (or `#123`).
    Ref(Vec<u8>),
    /// The inside of `<?xml ...?>`.
    Decl(Vec<u8>),
    /// The inside of `<!DOCTYPE ...>`.
    DocType(Vec<u8>),
}

/// An element: name, attributes (raw values), children.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct XElement {
    pub name: Vec<u8>,
    pub attributes: Vec<(Vec<u8>, Vec<u8>)>,
    pub children: Vec<XNode>,
}

/// A document: what comes before the root, the root, what comes after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct XDocument {
    pub prolog: Vec<XNode>,
    pub root: XElement,
    pub epilog: Vec<XNode>,
}

impl XDocument {
    /// Reads `input`; `None` if it is not UTF-8, or not one well-nested element with a
    /// readable prolog.
    pub fn parse(input: &[u8]) -> Option<XDocument> {
        let text = std::str::from_utf8(input).ok()?;
        // quick-xml skips every byte order mark in front of the root, and libxml2 only the
        // first: a second one is text before the root, which a tree cannot keep.
        if text
            .strip_prefix('\u{FEFF}')
            .unwrap_or(text)
            .starts_with('\u{FEFF}')
        {
            return None;
        }
        let mut reader = quick_xml::Reader::from_str(text);
        let config = reader.config_mut();
        config.trim_text(false);
        config.check_end_names = true;
        config.expand_empty_elements = false;
        let mut stack: Vec<XElement> = Vec::new();
        let mut prolog = Vec::new();
        let mut epilog = Vec::new();
        let mut root: Option<XElement> = None;
        loop {
            let event = reader.read_event().ok()?;
            let node = match event {
                Event::Eof => break,
                Event::Start(start) => {
                    stack.push(element_of(&start)?);
                    continue;
                }
                Event::End(_) => {
                    let done = stack.pop()?;
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(XNode::Element(done)),
                        None if root.is_none() => root = Some(done),
                        None => return None,
                    }
                    continue;
                }
                Event::Empty(start) => XNode::Element(element_of(&start)?),
                Event::Text(t) => XNode::Text(t.as_bytes().to_vec()),
                Event::CData(t) => XNode::CData(t.as_bytes().to_vec()),
                Event::Comment(t) => XNode::Comment(t.as_bytes().to_vec()),
                Event::PI(t) => XNode::Pi(t.as_bytes().to_vec()),
                Event::GeneralRef(r) => XNode::Ref(r.as_bytes().to_vec()),
                Event::Decl(d) => XNode::Decl(d.as_bytes().to_vec()),
                Event::DocType(d) => XNode::DocType(d.as_bytes().to_vec()),
            };
            match (stack.last_mut(), node) {
                (Some(parent), node) => parent.children.push(node),
                (None, XNode::Element(e)) if root.is_none() => root = Some(e),
                (None, XNode::Element(_)) => return None,
                (None, node) if root.is_none() => prolog.push(node),
                (None, node) => epilog.push(node),
            }
        }
        if !stack.is_empty() {
            return None;
        }
        Some(XDocument {
            prolog,
            root: root?,
            epilog,
        })
    }

    /// The document as written (every attribute in double quotes unless its value holds
    /// one).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for n in &self.prolog {
            write_node(&mut out, n, None);
        }
        write_element(&mut out, &self.root, None);
        for n in &self.epilog {
            write_node(&mut out, n, None);
        }
        out
    }

    /// The document indented two spaces a level wherever an element holds only elements
    /// and comments (blank text there is dropped), ending with a newline.
    pub fn to_pretty_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for n in &self.prolog {
            if !is_blank(n) {
                write_node(&mut out, n, Some(0));
                out.push(b'\n');
            }
        }
        write_element(&mut out, &self.root, Some(0));
        out.push(b'\n');
        for n in &self.epilog {
            if !is_blank(n) {
                write_node(&mut out, n, Some(0));
                out.push(b'\n');
            }
        }
        out
    }

    /// A respelling: the same elements, attributes and text, with seeded attribute order,
    /// quotes, blank text and comments between elements, empty-element style and an XML
    /// declaration.
    pub fn respell(&self, rng: &mut Rng) -> Vec<u8> {
        let mut doc = self.clone();
        respell_element(&mut doc.root, rng);
        let mut out = Vec::new();
        if doc.prolog.is_empty() && rng.one_in(3) {
            out.extend_from_slice(b"<?xml version=\"1.0\"?>\n");
        }
        for n in &doc.prolog {
            write_node(&mut out, n, None);
        }
        write_element_styled(&mut out, &doc.root, rng);
        for n in &doc.epilog {
            write_node(&mut out, n, None);
        }
        out
    }
}

fn element_of(start: &quick_xml::events::BytesStart<'_>) -> Option<XElement> {
    let mut attributes = Vec::new();
    for attr in start.attributes().with_checks(false) {
        let attr = attr.ok()?;
        attributes.push((
            attr.key.as_ref().as_bytes().to_vec(),
            attr.value.as_bytes().to_vec(),
        ));
    }
    Some(XElement {
        name: start.name().as_ref().as_bytes().to_vec(),
        attributes,
        children: Vec::new(),
    })
}

fn is_blank(node: &XNode) -> bool {
    matches!(node, XNode::Text(t) if t.iter().all(|b| b.is_ascii_whitespace()))
}

/// Whether an element's content is only elements, comments, PIs and blank text.
fn element_only(e: &XElement) -> bool {
    e.children
        .iter()
        .all(|n| matches!(n, XNode::Element(_) | XNode::Comment(_) | XNode::Pi(_)) || is_blank(n))
        && e.children.iter().any(|n| matches!(n, XNode::Element(_)))
}

fn write_attribute(out: &mut Vec<u8>, name: &[u8], value: &[u8], prefer_single: bool) {
    out.push(b' ');
    out.extend_from_slice(name);
    out.push(b'=');
    let has_double = value.contains(&b'"');
    let has_single = value.contains(&b'\'');
    let quote = if !has_single && (has_double || prefer_single) {
        b'\''
    } else {
        b'"'
    };
    out.push(quote);
    for &b in value {
        if b == quote {
            out.extend_from_slice(if quote == b'"' { b"&quot;" } else { b"&apos;" });
        } else {
            out.push(b);
        }
    }
    out.push(quote);
}

fn write_node(out: &mut Vec<u8>, node: &XNode, pretty: Option<usize>) {
    match node {
        XNode::Element(e) => write_element(out, e, pretty),
        XNode::Text(t) => out.extend_from_slice(t),
        XNode::CData(t) => {
            out.extend_from_slice(b"<![CDATA[");
            out.extend_from_slice(t);
            out.extend_from_slice(b"]]>");
        }
        XNode::Comment(t) => {
            out.extend_from_slice(b"<!--");
            out.extend_from_slice(t);
            out.extend_from_slice(b"-->");
        }
        XNode::Pi(t) => {
            out.extend_from_slice(b"<?");
            out.extend_from_slice(t);
            out.extend_from_slice(b"?>");
        }
        XNode::Ref(t) => {
            out.push(b'&');
            out.extend_from_slice(t);
            out.push(b';');
        }
        XNode::Decl(t) => {
            out.extend_from_slice(b"<?");
            out.extend_from_slice(t);
            out.extend_from_slice(b"?>");
        }
        XNode::DocType(t) => {
            out.extend_from_slice(b"<!DOCTYPE ");
            out.extend_from_slice(t);
            out.push(b'>');
        }
    }
}

/// Writes `e`; with `pretty = Some(indent)`, element-only content goes one child a line.
fn write_element(out: &mut Vec<u8>, e: &XElement, pretty: Option<usize>) {
    out.push(b'<');
    out.extend_from_slice(&e.name);
    for (name, value) in &e.attributes {
        write_attribute(out, name, value, pretty.is_some());
    }
    if e.children.is_empty() {
        out.extend_from_slice(b"/>");
        return;
    }
    out.push(b'>');
    match pretty {
        Some(indent) if element_only(e) => {
            for child in e.children.iter().filter(|n| !is_blank(n)) {
                out.push(b'\n');
                out.extend(std::iter::repeat_n(b' ', indent + 2));
                write_node(out, child, Some(indent + 2));
            }
            out.push(b'\n');
            out.extend(std::iter::repeat_n(b' ', indent));
        }
        _ => {
            for child in &e.children {
                // Inside mixed content spacing matters: children are written as they are.
                match child {
                    XNode::Element(c) => write_element(out, c, None),
                    other => write_node(out, other, None),
                }
            }
        }
    }
    out.extend_from_slice(b"</");
    out.extend_from_slice(&e.name);
    out.push(b'>');
}

fn respell_element(e: &mut XElement, rng: &mut Rng) {
    // Attribute order (a Fisher-Yates shuffle drawn from the run's generator).
    for i in (1..e.attributes.len()).rev() {
        let j = rng.below(i + 1);
        e.attributes.swap(i, j);
    }
    if element_only(e) {
        let children: Vec<XNode> = std::mem::take(&mut e.children)
            .into_iter()
            .filter(|n| !is_blank(n))
            .collect();
        let blanks: [&[u8]; 5] = [b"", b"\n", b"\n  ", b" ", b"\t\n"];
        for child in children {
            let gap = blanks[rng.below(blanks.len())];
            if !gap.is_empty() {
                e.children.push(XNode::Text(gap.to_vec()));
            }
            if rng.one_in(6) {
                e.children.push(XNode::Comment(b" variant ".to_vec()));
            }
            e.children.push(child);
        }
        let gap = blanks[rng.below(blanks.len())];
        if !gap.is_empty() {
            e.children.push(XNode::Text(gap.to_vec()));
        }
    }
    for child in &mut e.children {
        if let XNode::Element(c) = child {
            respell_element(c, rng);
        }
    }
}

fn write_element_styled(out: &mut Vec<u8>, e: &XElement, rng: &mut Rng) {
    out.push(b'<');
    out.extend_from_slice(&e.name);
    for (name, value) in &e.attributes {
        let single = rng.one_in(2);
        write_attribute(out, name, value, single);
    }
    if e.children.is_empty() {
        if rng.one_in(3) {
            out.extend_from_slice(b"></");
            out.extend_from_slice(&e.name);
            out.push(b'>');
        } else {
            out.extend_from_slice(b"/>");
        }
        return;
    }
    out.push(b'>');
    for child in &e.children {
        match child {
            XNode::Element(c) => write_element_styled(out, c, rng),
            other => write_node(out, other, None),
        }
    }
    out.extend_from_slice(b"</");
    out.extend_from_slice(&e.name);
    out.push(b'>');
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &[u8] = b"<?xml version='1.0'?>\n<!-- c -->\n<domainbackup mode='pull'>\n  <server name='h' port='10'/>\n  <disks>\n    <disk name='vda' exportbitmap=\"a&amp;b\"><scratch file='/x'/></disk>\n  </disks>\n  <incremental>c&#49;</incremental>\n</domainbackup>\n";

    #[test]
    fn round_trip_keeps_meaning() {
        let doc = XDocument::parse(DOC).expect("readable");
        let options = crate::Options::default();
        let original = crate::process(DOC, options);
        assert_eq!(crate::process(&doc.to_bytes(), options), original);
        assert_eq!(crate::process(&doc.to_pretty_bytes(), options), original);
        for seed in 0..20 {
            let variant = doc.respell(&mut Rng::new(seed));
            assert_eq!(
                crate::process(&variant, options),
                original,
                "{}",
                String::from_utf8_lossy(&variant)
            );
        }
    }

    #[test]
    fn unreadable_documents_are_refused() {
        assert!(XDocument::parse(b"<a><b></a>").is_none());
        assert!(XDocument::parse(b"<a/><b/>").is_none());
        assert!(XDocument::parse(b"text only").is_none());
    }
}
