//! Character and entity references: `&#...;`, the predefined entities, and entities of
//! the internal DTD subset expanded within a global budget (the defence against
//! exponential expansion); a reference in content becomes text or an entity reference
//! node. External entities are never loaded.

use super::text::normalize_line_ends;
use super::{Reader, is_name, is_xml_char};
use crate::error::Rejection;
use crate::rules;
use crate::xml::tree::{EntityReference, Node};

impl<'t> Reader<'t> {
    /// Expands `&...;` (given with its `&` and `;`).
    pub(super) fn expand_reference(
        &mut self,
        offset: usize,
        reference: &str,
    ) -> Result<Expanded, Rejection> {
        let body = &reference[1..reference.len() - 1];
        if let Some(number) = body.strip_prefix('#') {
            let value = if let Some(hex) = number.strip_prefix('x') {
                if hex.is_empty() || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                    None
                } else {
                    u32::from_str_radix(hex, 16).ok()
                }
            } else if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
                None
            } else {
                number.parse::<u32>().ok()
            };
            return match value.and_then(char::from_u32).filter(|c| is_xml_char(*c)) {
                Some(c) => Ok(Expanded::Char(c)),
                None => Err(self.fail(
                    offset,
                    &rules::WF_INVALID_CHARACTER_REFERENCE,
                    format!("xmlParseCharRef: invalid xmlChar value in '{reference}'"),
                )),
            };
        }
        if !is_name(body) {
            return Err(self.fail(
                offset,
                &rules::WF_ENTITY_REFERENCE_SYNTAX,
                "EntityRef: expecting name",
            ));
        }
        let predefined = match body {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "apos" => Some('\''),
            "quot" => Some('"'),
            _ => None,
        };
        if let Some(c) = predefined {
            return Ok(Expanded::Char(c));
        }
        match self
            .entities
            .iter()
            .find(|(n, _)| n == body)
            .map(|(_, v)| v.clone())
        {
            Some(Some(value)) => {
                let expanded = self.expand_entity_text(offset, &value, 0)?;
                Ok(Expanded::Text(expanded))
            }
            Some(None) => Ok(Expanded::External),
            None if self.external_subset => Ok(Expanded::Text(String::new())),
            None => Err(self.fail(
                offset,
                &rules::WF_UNDEFINED_ENTITY,
                format!("Entity '{body}' not defined"),
            )),
        }
    }

    /// The replacement text of an internal entity, with the references inside it expanded,
    /// within a global budget (the defence against exponential entity expansion).
    fn expand_entity_text(
        &mut self,
        offset: usize,
        value: &str,
        depth: usize,
    ) -> Result<String, Rejection> {
        if depth > 40 {
            return Err(self.fail(
                offset,
                &rules::WF_ENTITY_LOOP,
                "detected an entity reference loop",
            ));
        }
        let mut out = String::new();
        let mut rest = value;
        while let Some(i) = rest.find('&') {
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            let Some(end) = tail.find(';') else {
                return Err(self.fail(
                    offset,
                    &rules::WF_ENTITY_REFERENCE_SYNTAX,
                    "EntityRef: expecting ';'",
                ));
            };
            let reference = &tail[..=end];
            let body = &reference[1..reference.len() - 1];
            if body.starts_with('#') || matches!(body, "lt" | "gt" | "amp" | "apos" | "quot") {
                match self.expand_reference(offset, reference)? {
                    Expanded::Char(c) => out.push(c),
                    Expanded::Text(t) => out.push_str(&t),
                    Expanded::External => {}
                }
            } else {
                match self
                    .entities
                    .iter()
                    .find(|(n, _)| n == body)
                    .map(|(_, v)| v.clone())
                {
                    Some(Some(inner)) => {
                        let expanded = self.expand_entity_text(offset, &inner, depth + 1)?;
                        out.push_str(&expanded);
                    }
                    Some(None) => {}
                    None if self.external_subset => {}
                    None => {
                        return Err(self.fail(
                            offset,
                            &rules::WF_UNDEFINED_ENTITY,
                            format!("Entity '{body}' not defined"),
                        ));
                    }
                }
            }
            rest = &tail[end + 1..];
        }
        out.push_str(rest);
        if out.len() > self.expansion_budget {
            return Err(self.fail(
                offset,
                &rules::WF_LIMIT,
                "maximum entity amplification exceeded",
            ));
        }
        self.expansion_budget -= out.len();
        if out.contains('<') {
            return Err(self.fail(
                offset,
                &rules::WF_ENTITY_CONTENT,
                "markup in entity replacement text is not supported",
            ));
        }
        Ok(out)
    }

    pub(super) fn reference_in_content(
        &mut self,
        start: usize,
        end: usize,
    ) -> Result<(), Rejection> {
        if self.stack.is_empty() {
            return Err(self.outside_root(start));
        }
        let reference = &self.text[start..end];
        if !reference.ends_with(';') {
            return Err(self.fail(
                start,
                &rules::WF_ENTITY_REFERENCE_SYNTAX,
                "EntityRef: expecting ';'",
            ));
        }
        let position = self.pos(start);
        let value = match self.expand_reference(start, reference)? {
            Expanded::Char(c) => {
                self.append_text(c.to_string(), position);
                return Ok(());
            }
            Expanded::Text(t) => normalize_line_ends(&t),
            Expanded::External => String::new(),
        };
        let name = reference[1..reference.len() - 1].to_string();
        if let Some(open) = self.stack.last_mut() {
            let node = EntityReference {
                name,
                value,
                position,
            };
            open.element.children.push(Node::EntityReference(node));
        }
        Ok(())
    }
}

pub(super) enum Expanded {
    Char(char),
    Text(String),
    /// An external entity: never loaded, so it reads as nothing in content and is an
    /// error in an attribute value.
    External,
}
