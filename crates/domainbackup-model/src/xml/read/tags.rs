//! Start and end tags: element names, attributes (syntax, duplicates, values expanded and
//! normalized as libxml2 does for CDATA attributes), namespace declarations and their
//! scope, `xml:space`, and the nesting limit. It never reads content between tags and
//! leaves references in attribute values to the references module.

use std::collections::HashSet;

use super::names::{intern, qname_is_complete, split_qname};
use super::references::Expanded;
use super::{
    MAX_ATTRIBUTE_LENGTH, MAX_DEPTH, MAX_NAME_LENGTH, Open, Reader, is_blank, is_name, is_xml_char,
    not_well_formed,
};
use crate::error::{Position, Rejection};
use crate::rules;
use crate::xml::tree::{Attribute, Element, Name, Node};

const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

impl<'t> Reader<'t> {
    /// Whether an element may start at `start`: not after the root, not too deep.
    pub(super) fn may_open(&mut self, start: usize) -> Result<(), Rejection> {
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

    pub(super) fn start_tag(
        &mut self,
        start: usize,
        end: usize,
        empty: bool,
    ) -> Result<(), Rejection> {
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

    /// The `xml:space` state an element starts with: its parent's, or the default.
    pub(super) fn inherited_space(&self) -> i8 {
        match self.stack.last() {
            None => -1,
            Some(parent) if parent.space == -2 => -1,
            Some(parent) => parent.space,
        }
    }

    /// Opens `open`, or closes it at once when the tag was empty (`<name/>`).
    pub(super) fn enter(&mut self, open: Open<'t>, empty: bool) {
        if empty {
            self.close(open);
        } else {
            self.stack.push(open);
        }
    }

    /// The URI `prefix` is bound to (`None`: the default namespace); `xml` is bound from the
    /// start, and an empty URI undeclares.
    pub(super) fn namespace_of(&self, prefix: Option<&str>) -> Option<String> {
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

    pub(super) fn end_tag(&mut self, start: usize, end: usize) -> Result<(), Rejection> {
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
}

/// Whether an attribute value is read as it is written: printable ASCII without `&` or
/// `<`, within the length limit (no references, no normalization, no error possible).
pub(super) fn is_plain_value(value: &[u8]) -> bool {
    // A fold rather than `all`: without the early exit the test is vectorised.
    value.len() <= MAX_ATTRIBUTE_LENGTH
        && value.iter().fold(true, |plain, &b| {
            plain & ((0x20..0x7F).contains(&b) & (b != b'&') & (b != b'<'))
        })
}
