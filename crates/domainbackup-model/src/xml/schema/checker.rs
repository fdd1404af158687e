//! What every element check is built on: the `Checker` (one per validation, holding the
//! `Profile`), the sorting of an element's attributes into the slots its schema names, and
//! the walk over its children, which skips comments and processing instructions and rejects
//! namespaced elements, entity references and text where the schema allows none.
//!
//! It knows no element of the schema by name: the rules of each element live in the files by
//! part of the document (`root`, `server`, `disk`, `store`, `encryption`). It never recurses
//! on its own: each element check calls the checks of the children its schema allows, so the
//! depth is the schema's, whatever the depth of the tree.

use super::datatypes::is_blank_text;
use super::{Checked, Quoted, SchemaViolation, violation};
use crate::profile::Profile;
use crate::rules::{self, Rule};
use crate::xml::tree::{Attribute, Element, Node};

/// The attributes of an element, by local name, after rejecting namespaced ones and names
/// outside `allowed`.
pub(super) struct Attrs<'e, const N: usize> {
    found: [Option<&'e Attribute>; N],
}

impl<'e, const N: usize> Attrs<'e, N> {
    pub(super) fn get(&self, i: usize) -> Option<&'e Attribute> {
        self.found[i]
    }
}

/// What an element may hold besides the elements its content model names.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum TextRule {
    /// Element-only (or empty) content: only blank text is allowed.
    Blank,
    /// `<text/>`: any text.
    Any,
}

pub(super) struct Checker {
    pub(super) profile: Profile,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Push,
    Pull,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum StoreType {
    File,
    Block,
}

impl StoreType {
    pub(super) fn path_attribute(self) -> &'static str {
        match self {
            StoreType::File => "file",
            StoreType::Block => "dev",
        }
    }
}

impl Checker {
    /// Sorts the attributes of `e` into the slots named by `allowed`; `unknown` is the rule
    /// for a no-namespace attribute that is not in the list.
    pub(super) fn attributes<'e, const N: usize>(
        &self,
        e: &'e Element,
        allowed: [&'static str; N],
        unknown: &'static Rule,
        expected: &str,
    ) -> Result<Attrs<'e, N>, SchemaViolation> {
        let mut found = [None; N];
        for a in &e.attributes {
            if let Some(ns) = &a.namespace {
                return Err(violation(
                    &rules::SCHEMA_ATTRIBUTE_NAMESPACE,
                    a.position,
                    format_args!(
                        "attribute '{}' of element '{}' is in namespace {}; the schema allows no namespaced attributes",
                        attribute_name(a),
                        e.name,
                        Quoted(ns)
                    ),
                ));
            }
            match allowed.iter().position(|n| *n == a.name) {
                Some(i) => found[i] = Some(a),
                None => {
                    return Err(violation(
                        unknown,
                        a.position,
                        format_args!(
                            "attribute '{}' is not allowed on element '{}' (value {}); {expected}",
                            a.name,
                            e.name,
                            Quoted(&a.value)
                        ),
                    ));
                }
            }
        }
        Ok(Attrs { found })
    }

    /// Walks the children of `e`: comments and processing instructions are skipped, text is
    /// checked against `text`, and every element in no namespace is handed to `child`.
    pub(super) fn children<'e>(
        &self,
        e: &'e Element,
        text: TextRule,
        mut child: impl FnMut(&'e Element) -> Checked,
    ) -> Checked {
        for node in &e.children {
            match node {
                Node::Element(c) => {
                    if let Some(ns) = &c.namespace {
                        return Err(violation(
                            &rules::SCHEMA_ELEMENT_NAMESPACE,
                            c.position,
                            format_args!(
                                "element '{}' inside '{}' is in namespace {}; the schema's elements have no namespace",
                                c.qualified_name(),
                                e.name,
                                Quoted(ns)
                            ),
                        ));
                    }
                    child(c)?;
                }
                Node::Text(t) => {
                    if text == TextRule::Blank && !is_blank_text(&t.value) {
                        return Err(violation(
                            &rules::SCHEMA_TEXT_NOT_ALLOWED,
                            t.position,
                            format_args!(
                                "{} {} inside element '{}' is not allowed; only elements and white space may appear there",
                                if t.cdata { "CDATA section" } else { "text" },
                                Quoted(&t.value),
                                e.name
                            ),
                        ));
                    }
                }
                Node::EntityReference(r) => {
                    return Err(violation(
                        &rules::SCHEMA_ENTITY_REFERENCE,
                        r.position,
                        format_args!(
                            "the entity reference &{}; inside element '{}' is not text to the validator (entities are not substituted)",
                            r.name, e.name
                        ),
                    ));
                }
                Node::Comment(_) | Node::ProcessingInstruction(_) => {}
            }
        }
        Ok(())
    }
}

fn attribute_name(a: &Attribute) -> String {
    match &a.prefix {
        Some(p) => format!("{p}:{}", a.name),
        None => a.name.to_string(),
    }
}

#[cold]
pub(super) fn element_not_allowed(
    c: &Element,
    parent: &Element,
    expected: &str,
) -> SchemaViolation {
    violation(
        &rules::SCHEMA_ELEMENT_NOT_ALLOWED,
        c.position,
        format_args!(
            "element <{}> is not allowed inside <{}>; {expected}",
            c.name, parent.name
        ),
    )
}
