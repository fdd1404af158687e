//! The XML declaration, the DOCTYPE (handed to the DTD reader, whose entities and element
//! declarations the reader keeps), and comments and processing instructions wherever they
//! stand, with libxml2's checks. Nothing here reads elements, attributes or text.

use super::names::split_qname;
use super::{MAX_TEXT_LENGTH, Reader, is_blank, is_name};
use crate::error::Rejection;
use crate::rules;
use crate::xml::tree::Node;

impl<'t> Reader<'t> {
    pub(super) fn declaration(&mut self, start: usize, end: usize) -> Result<(), Rejection> {
        // Only at the very start: any piece before it (a blank, a comment) puts it past 0.
        if start != 0 {
            return Err(self.fail(
                start,
                &rules::WF_XML_DECLARATION,
                "XML declaration allowed only at the start of the document",
            ));
        }
        let body = &self.text[start + "<?xml".len()..end - "?>".len()];
        self.check_declaration(start, body)
    }

    /// `VersionInfo EncodingDecl? SDDecl? S?` with libxml2's checks.
    fn check_declaration(&mut self, start: usize, body: &str) -> Result<(), Rejection> {
        let mut rest = body;
        let mut expected = ["version", "encoding", "standalone"].as_slice();
        let mut first = true;
        loop {
            let trimmed = rest.trim_start_matches(is_blank);
            let had_space = trimmed.len() != rest.len();
            if trimmed.is_empty() {
                break;
            }
            if !had_space {
                return Err(self.fail(
                    start,
                    &rules::WF_XML_DECLARATION,
                    "blank needed in the XML declaration",
                ));
            }
            let name_len = trimmed
                .find(|c: char| c == '=' || is_blank(c))
                .unwrap_or(trimmed.len());
            let name = &trimmed[..name_len];
            let Some(index) = expected.iter().position(|n| *n == name) else {
                return Err(self.fail(
                    start,
                    &rules::WF_XML_DECLARATION,
                    if first {
                        "malformed declaration expecting version".to_string()
                    } else {
                        format!("unexpected '{name}' in the XML declaration")
                    },
                ));
            };
            if first && index != 0 {
                return Err(self.fail(
                    start,
                    &rules::WF_XML_DECLARATION,
                    "malformed declaration expecting version",
                ));
            }
            let after = trimmed[name_len..].trim_start_matches(is_blank);
            let Some(after) = after.strip_prefix('=') else {
                return Err(self.fail(
                    start,
                    &rules::WF_XML_DECLARATION,
                    format!("'=' expected after '{name}' in the XML declaration"),
                ));
            };
            let after = after.trim_start_matches(is_blank);
            let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'');
            let Some(quote) = quote else {
                return Err(self.fail(
                    start,
                    &rules::WF_XML_DECLARATION,
                    format!("quoted value expected for '{name}'"),
                ));
            };
            let Some(close) = after[1..].find(quote) else {
                return Err(self.fail(
                    start,
                    &rules::WF_XML_DECLARATION,
                    format!("unterminated value of '{name}'"),
                ));
            };
            let value = &after[1..1 + close];
            let valid = match name {
                // libxml2 accepts any 1.x version (with a warning) and refuses others; its
                // `xmlParseVersionNum` takes "1." followed by digits, none at all included.
                "version" => value
                    .strip_prefix("1.")
                    .is_some_and(|minor| minor.chars().all(|c| c.is_ascii_digit())),
                "encoding" => {
                    let mut chars = value.chars();
                    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
                }
                _ => value == "yes" || value == "no",
            };
            if !valid {
                return Err(self.fail(
                    start,
                    &rules::WF_XML_DECLARATION,
                    format!("invalid value '{value}' for '{name}' in the XML declaration"),
                ));
            }
            if name == "encoding" && !super::encodings::is_supported(value) {
                return Err(self.fail(
                    start,
                    &rules::WF_UNSUPPORTED_ENCODING,
                    format!("Unsupported encoding {value}"),
                ));
            }
            if name == "standalone" {
                self.standalone = value == "yes";
            }
            expected = &expected[index + 1..];
            rest = &after[1 + close + 1..];
            first = false;
        }
        if first {
            return Err(self.fail(
                start,
                &rules::WF_XML_DECLARATION,
                "malformed declaration expecting version",
            ));
        }
        Ok(())
    }

    pub(super) fn processing_instruction(
        &mut self,
        start: usize,
        end: usize,
    ) -> Result<(), Rejection> {
        let body = &self.text[start + 2..end - 2];
        let target_len = body.find(is_blank).unwrap_or(body.len());
        let target = &body[..target_len];
        if target.eq_ignore_ascii_case("xml") {
            return Err(self.fail(
                start,
                &rules::WF_XML_DECLARATION,
                "XML declaration allowed only at the start of the document",
            ));
        }
        if !is_name(target) {
            return Err(self.fail(
                start,
                &rules::WF_PROCESSING_INSTRUCTION,
                format!("invalid processing instruction target '{target}'"),
            ));
        }
        if body[target_len..].trim_start_matches(is_blank).len() > MAX_TEXT_LENGTH {
            return Err(self.fail(
                start,
                &rules::WF_LIMIT,
                format!("PI {target} too big found"),
            ));
        }
        self.check_chars(start + 2 + target_len, &body[target_len..])?;
        let p = self.pos(start);
        self.push_misc(Node::ProcessingInstruction(p));
        Ok(())
    }

    pub(super) fn comment(&mut self, start: usize, end: usize) -> Result<(), Rejection> {
        let body = &self.text[start + 4..end - 3];
        if body.len() > MAX_TEXT_LENGTH {
            return Err(self.fail(start, &rules::WF_LIMIT, "Comment too big found"));
        }
        if let Some(i) = body.find("--") {
            return Err(self.fail(
                start + 4 + i,
                &rules::WF_COMMENT,
                "double hyphen within comment",
            ));
        }
        if body.ends_with('-') {
            return Err(self.fail(
                end - 4,
                &rules::WF_COMMENT,
                "comment not terminated ('-' before '-->')",
            ));
        }
        self.check_chars(start + 4, body)?;
        let p = self.pos(start);
        self.push_misc(Node::Comment(p));
        Ok(())
    }

    fn push_misc(&mut self, node: Node) {
        if let Some(open) = self.stack.last_mut() {
            open.element.children.push(node);
        }
    }

    pub(super) fn doctype(&mut self, start: usize, end: usize) -> Result<(), Rejection> {
        if self.has_doctype || self.root.is_some() || !self.stack.is_empty() {
            return Err(self.fail(
                start,
                &rules::WF_DOCTYPE,
                "DOCTYPE is only allowed once, before the root element",
            ));
        }
        self.has_doctype = true;
        self.check_chars(start, &self.text[start..end])?;
        let doctype = super::dtd::parse(&self.text[start..end], self.standalone)
            .map_err(|(offset, message)| self.fail(start + offset, &rules::WF_DOCTYPE, message))?;
        self.external_subset =
            !self.standalone && (doctype.external_subset || doctype.pe_references);
        self.entities = doctype.entities;
        for (name, mixed) in doctype.elements {
            let local = split_qname(&name).1.to_string();
            self.element_decls.entry(local).or_insert(mixed);
        }
        Ok(())
    }
}
