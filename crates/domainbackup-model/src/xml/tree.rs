//! The element tree that the reader builds and every later stage walks: what libxml2's
//! tree holds after a `NOBLANKS` parse, with the position of every node.
//!
//! Namespace declarations are not attributes here (as in libxml2, where they are `nsDef`);
//! each element and attribute carries the namespace URI it resolved to. The tree is plain
//! data and never reads text itself.

use crate::error::Position;

/// An element or attribute name. The names of libvirt's backup and storage-source grammar
/// are shared static strings (most documents allocate no names at all); others are owned.
pub type Name = std::borrow::Cow<'static, str>;

/// An attribute as libxml2 stores it: local name, optional prefix and namespace, and the
/// value after attribute-value normalization and reference expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The local name (after any `prefix:`).
    pub name: Name,
    /// The prefix as written, if any.
    pub prefix: Option<String>,
    /// The namespace URI the prefix resolved to (attributes without a prefix have none).
    pub namespace: Option<String>,
    /// The value, normalized (literal TAB, LF and CR become spaces) and with references expanded.
    pub value: String,
    /// Where the attribute's name starts.
    pub position: Position,
}

/// A child of an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A child element.
    Element(Element),
    /// Character data (text, references and CDATA sections are kept apart as libxml2 does
    /// not merge a CDATA section with neighbouring text).
    Text(Text),
    /// A reference to a general entity other than the five predefined ones (`&name;`): in
    /// libxml2's tree (read without entity substitution) it stays a node of its own, which
    /// the schema refuses and whose text XPath still reads.
    EntityReference(EntityReference),
    /// A comment (kept so that text on either side stays separate, as in libxml2).
    Comment(Position),
    /// A processing instruction.
    ProcessingInstruction(Position),
}

/// A run of character data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// The text, with references expanded and line ends normalized.
    pub value: String,
    /// Whether this was a `<![CDATA[...]]>` section.
    pub cdata: bool,
    /// Where the run starts.
    pub position: Position,
}

/// A reference to a declared (or, under an external DTD subset, undeclared) entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityReference {
    /// The entity's name.
    pub name: String,
    /// Its replacement text (empty for an external entity, which is never loaded).
    pub value: String,
    /// Where the reference is.
    pub position: Position,
}

/// An element with its attributes (in document order) and children.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    /// The local name (after any `prefix:`).
    pub name: Name,
    /// The prefix as written, if any.
    pub prefix: Option<String>,
    /// The namespace URI the element is in, if any.
    pub namespace: Option<String>,
    /// The attributes in document order (namespace declarations excluded).
    pub attributes: Vec<Attribute>,
    /// The children in document order.
    pub children: Vec<Node>,
    /// Where the start tag begins.
    pub position: Position,
}

impl Element {
    /// The first attribute whose local name is `name`, in any namespace: what libxml2's
    /// `xmlGetProp` (and so libvirt's `virXMLPropString`) returns.
    pub fn prop(&self, name: &str) -> Option<&str> {
        self.prop_attribute(name).map(|a| a.value.as_str())
    }

    /// The attribute behind [`Element::prop`].
    pub fn prop_attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The attribute `name` in no namespace: what the XPath step `@name` selects.
    pub fn xpath_attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes
            .iter()
            .find(|a| a.name == name && a.namespace.is_none())
    }

    /// Child elements in document order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    /// Child elements named `name` in no namespace: what the XPath step `./name` selects.
    pub fn xpath_children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.elements()
            .filter(move |e| e.name == name && e.namespace.is_none())
    }

    /// The first child element matching the XPath step `./name`.
    pub fn xpath_child<'a>(&'a self, name: &'a str) -> Option<&'a Element> {
        self.xpath_children(name).next()
    }

    /// The XPath string value: all descendant text (CDATA included) in document order;
    /// comments and processing instructions contribute nothing.
    pub fn string_value(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out
    }

    fn collect_text(&self, out: &mut String) {
        // Iterative walk: the tree may be deep (the reader bounds depth, but this keeps the
        // stack use independent of it).
        let mut stack: Vec<std::slice::Iter<'_, Node>> = vec![self.children.iter()];
        while let Some(top) = stack.last_mut() {
            match top.next() {
                Some(Node::Text(t)) => out.push_str(&t.value),
                Some(Node::EntityReference(r)) => out.push_str(&r.value),
                Some(Node::Element(e)) => stack.push(e.children.iter()),
                Some(_) => {}
                None => {
                    stack.pop();
                }
            }
        }
    }

    /// The name as written, with its prefix (`x:disk`), for messages.
    pub fn qualified_name(&self) -> String {
        match &self.prefix {
            Some(p) => format!("{p}:{}", self.name),
            None => self.name.to_string(),
        }
    }
}

/// A parsed document: its root element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The root element.
    pub root: Element,
    /// Whether the document had a DOCTYPE declaration.
    pub has_doctype: bool,
}
