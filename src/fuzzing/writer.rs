//! An element tree written back as XML that reads back to the same tree, whatever its
//! depth: the mutator's output ([`write_tree`]).
//!
//! It writes what the reader keeps and nothing more (comments and processing instructions
//! as empty ones, entity references as their text); it must not change the tree.

use crate::xml::escape;
use crate::xml::tree::{Element, Node};

/// Writes an element tree as XML that reads back to the same tree (comments and processing
/// instructions as empty ones, entity references as their text; the DOCTYPE is gone).
/// Namespaces are declared where an element's or attribute's namespace needs them. The
/// walk is iterative: the depth of the tree does not matter.
pub fn write_tree(root: &Element) -> String {
    enum Step<'a> {
        Open(&'a Element, Option<&'a str>),
        Raw(String),
    }
    let mut out = String::new();
    let mut todo = vec![Step::Open(root, None)];
    while let Some(step) = todo.pop() {
        let (e, default_ns) = match step {
            Step::Raw(raw) => {
                out.push_str(&raw);
                continue;
            }
            Step::Open(e, default_ns) => (e, default_ns),
        };
        out.push('<');
        out.push_str(&e.qualified_name());
        let mut own_default = default_ns;
        match (&e.prefix, &e.namespace) {
            (Some(p), Some(ns)) if p != "xml" => {
                out.push_str(&format!(" xmlns:{p}='{}'", escape_attribute(ns)));
            }
            (None, ns) if ns.as_deref() != default_ns => {
                out.push_str(&format!(
                    " xmlns='{}'",
                    escape_attribute(ns.as_deref().unwrap_or(""))
                ));
                own_default = ns.as_deref();
            }
            _ => {}
        }
        for a in &e.attributes {
            let prefix = a.prefix.as_deref().filter(|_| a.namespace.is_some());
            if let (Some(p), Some(ns)) = (prefix, &a.namespace) {
                if p != "xml" && e.prefix.as_deref() != Some(p) {
                    out.push_str(&format!(" xmlns:{p}='{}'", escape_attribute(ns)));
                }
            }
            out.push(' ');
            if let Some(p) = prefix {
                out.push_str(p);
                out.push(':');
            }
            out.push_str(&a.name);
            out.push_str("='");
            out.push_str(&escape_attribute(&a.value));
            out.push('\'');
        }
        if e.children.is_empty() {
            out.push_str("/>");
            continue;
        }
        out.push('>');
        todo.push(Step::Raw(format!("</{}>", e.qualified_name())));
        for child in e.children.iter().rev() {
            todo.push(match child {
                Node::Element(c) => Step::Open(c, own_default),
                Node::Text(t) => Step::Raw(escape_text(&t.value, t.cdata)),
                Node::EntityReference(r) => Step::Raw(escape_text(&r.value, false)),
                Node::Comment(_) => Step::Raw("<!-- -->".to_string()),
                Node::ProcessingInstruction(_) => Step::Raw("<?pi?>".to_string()),
            });
        }
    }
    out
}

/// An attribute value that reads back as itself.
fn escape_attribute(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape::attribute_value(s, &mut out);
    out
}

/// Text that reads back as itself: a CDATA section where one was written (and can be).
fn escape_text(s: &str, cdata: bool) -> String {
    if cdata && !s.contains("]]>") {
        return format!("<![CDATA[{s}]]>");
    }
    let mut out = String::with_capacity(s.len());
    escape::text(s, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::read;

    #[test]
    fn write_tree_reads_back_to_the_same_tree() {
        let text = "<x:domainbackup xmlns:x='urn:x' mode='pull'><incremental> a&amp;b&#13;<!--c--><![CDATA[<d>]]></incremental><disks xmlns='urn:d'><disk name='v&#9;a' xml:space='preserve'/><y xmlns=''/></disks></x:domainbackup>";
        let once = write_tree(&read::read(text.as_bytes()).expect("reads").root);
        let twice = write_tree(&read::read(once.as_bytes()).expect("reads back").root);
        assert_eq!(once, twice);
        assert!(once.contains("name='v&#9;a'"), "{once}");
    }
}
