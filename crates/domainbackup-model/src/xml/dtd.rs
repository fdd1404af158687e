//! The document type declaration (`<!DOCTYPE ...>`) as libxml2 2.9 parses it for libvirt:
//! the syntax it refuses (a document with a malformed declaration is not well-formed), and
//! what the internal subset declares that later reading needs: general entities, element
//! declarations (they decide which blanks `NOBLANKS` drops) and parameter-entity use.
//!
//! quick-xml only finds where the declaration ends, assuming it is well-formed; this module
//! checks that the text it found is exactly one well-formed declaration, so that the end is
//! also libxml2's. Nothing is loaded (no external subset, no external parameter entity:
//! libvirt parses with `NONET` and without `DTDLOAD`). Not modelled: what attribute-list
//! declarations do to attributes (defaults, non-CDATA normalization).

use super::read::{is_blank, is_name, is_name_char, is_xml_char};

/// libxml2's `XML_MAX_NAME_LENGTH`, which also bounds system and public literals (bytes).
const MAX_LITERAL_LENGTH: usize = 50_000;

/// libxml2's `XML_MAX_TEXT_LENGTH`: the longest entity value, comment or PI data (bytes).
const MAX_TEXT_LENGTH: usize = super::read::MAX_TEXT_LENGTH;

/// How deep declared parameter entities may be nested in the internal subset.
const MAX_PE_DEPTH: usize = 40;

/// libxml2's nesting limit for element content models without `XML_PARSE_HUGE`.
const MAX_CONTENT_DEPTH: usize = 128;

/// What a well-formed declaration says.
#[derive(Debug, Default)]
pub struct Doctype {
    /// It names an external subset (`SYSTEM` or `PUBLIC`), never loaded.
    pub external_subset: bool,
    /// The internal subset references a parameter entity.
    pub pe_references: bool,
    /// General entities in declaration order, first declaration of a name only: the
    /// replacement text (character references decoded), or `None` for an external one.
    pub entities: Vec<(String, Option<String>)>,
    /// Element declarations in order: the name as written and whether the content is
    /// mixed (`EMPTY`, `ANY`, `#PCDATA`), as opposed to elements only.
    pub elements: Vec<(String, bool)>,
}

/// A syntax error: the byte offset in the declaration and libxml2's complaint.
pub type Error = (usize, String);

/// Checks `text`, which starts with `<!DOCTYPE` and ends with `>`, as exactly one
/// `doctypedecl`; `standalone`: the XML declaration says `standalone='yes'`.
///
/// The reader has checked every character of `text` already (`char 0x1 out of allowed
/// range` comes before any complaint of the declaration's), so nothing here checks them
/// again.
pub(super) fn parse(text: &str, standalone: bool) -> Result<Doctype, Error> {
    let mut p = Parser {
        text,
        at: 0,
        standalone,
        doctype: Doctype::default(),
        parameter_entities: Vec::new(),
    };
    if !text.starts_with("<!DOCTYPE") {
        return Err((2, "StartTag: invalid element name".to_string()));
    }
    p.at = "<!DOCTYPE".len();
    p.skip_blanks();
    if p.name().is_none() {
        return p.fail("xmlParseDocTypeDecl : no DOCTYPE name !");
    }
    p.skip_blanks();
    p.doctype.external_subset = p.external_id(true)?;
    p.skip_blanks();
    if p.eat("[") {
        p.internal_subset(0)?;
        if !p.eat("]") {
            return p.fail("xmlParseInternalSubset: error detected in Markup declaration");
        }
        p.skip_blanks();
    }
    // The reader's scan ends the declaration at the first '>' after it, outside literals
    // and the subset: a '>' here is the text's last character.
    if !p.eat(">") {
        return p.fail("DOCTYPE improperly terminated");
    }
    Ok(p.doctype)
}

struct Parser<'t> {
    text: &'t str,
    at: usize,
    standalone: bool,
    doctype: Doctype,
    /// Parameter entities: name and replacement text (`None`: external, never loaded).
    parameter_entities: Vec<(String, Option<String>)>,
}

impl<'t> Parser<'t> {
    fn rest(&self) -> &'t str {
        &self.text[self.at..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn fail<T>(&self, message: &str) -> Result<T, Error> {
        Err((self.at, message.to_string()))
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.at += s.len();
            true
        } else {
            false
        }
    }

    /// Skips blanks; how many bytes were skipped.
    fn skip_blanks(&mut self) -> usize {
        let rest = self.rest();
        let skipped = rest.len() - rest.trim_start_matches(is_blank).len();
        self.at += skipped;
        skipped
    }

    fn require_blank(&mut self, after: &str) -> Result<(), Error> {
        if self.skip_blanks() == 0 {
            return self.fail(&format!("Space required after {after}"));
        }
        Ok(())
    }

    /// A Name (NameStartChar NameChar*), if one starts here.
    fn name(&mut self) -> Option<&'t str> {
        let rest = self.rest();
        let len = rest
            .char_indices()
            .find(|(_, c)| !is_name_char(*c))
            .map_or(rest.len(), |(i, _)| i);
        let name = &rest[..len];
        if !is_name(name) {
            return None;
        }
        self.at += len;
        Some(name)
    }

    /// An Nmtoken (NameChar+).
    fn nmtoken(&mut self) -> Option<&'t str> {
        let rest = self.rest();
        let len = rest
            .char_indices()
            .find(|(_, c)| !is_name_char(*c))
            .map_or(rest.len(), |(i, _)| i);
        if len == 0 {
            return None;
        }
        self.at += len;
        Some(&rest[..len])
    }

    /// A quoted literal: its content. `allowed` says which characters it may hold.
    fn literal(&mut self, what: &str, allowed: impl Fn(char) -> bool) -> Result<&'t str, Error> {
        let Some(quote) = self.peek().filter(|c| *c == '"' || *c == '\'') else {
            return self.fail(&format!("{what} \" or ' expected"));
        };
        let start = self.at + 1;
        let body = &self.text[start..];
        for (i, c) in body.char_indices() {
            if c == quote {
                self.at = start + i + 1;
                return Ok(&body[..i]);
            }
            if !allowed(c) {
                self.at = start + i;
                return self.fail(&format!("Unfinished {what}"));
            }
        }
        self.at = self.text.len();
        self.fail(&format!("Unfinished {what}"))
    }

    fn system_literal(&mut self) -> Result<&'t str, Error> {
        let literal = self.literal("SystemLiteral", |_| true)?;
        if literal.len() > MAX_LITERAL_LENGTH {
            return self.fail("Name too long: SystemLiteral");
        }
        Ok(literal)
    }

    fn pubid_literal(&mut self) -> Result<&'t str, Error> {
        let quote = self.peek();
        let literal = self.literal("PubidLiteral", |c| {
            Some(c) != quote
                && (matches!(c, ' ' | '\r' | '\n' | 'a'..='z' | 'A'..='Z' | '0'..='9')
                    || "-'()+,./:=?;!*#@$_%".contains(c))
        })?;
        if literal.len() > MAX_LITERAL_LENGTH {
            return self.fail("Name too long: Public ID");
        }
        Ok(literal)
    }

    /// `ExternalID` (`strict`: `PUBLIC` needs its system literal, as in a DOCTYPE and an
    /// entity declaration; a notation may leave it out). Whether there was one.
    fn external_id(&mut self, strict: bool) -> Result<bool, Error> {
        if self.eat("SYSTEM") {
            self.require_blank("'SYSTEM'")?;
            self.system_literal()?;
            Ok(true)
        } else if self.eat("PUBLIC") {
            self.require_blank("'PUBLIC'")?;
            self.pubid_literal()?;
            if strict {
                self.require_blank("the Public Identifier")?;
                self.system_literal()?;
            } else if self.skip_blanks() > 0 && matches!(self.peek(), Some('"' | '\'')) {
                self.system_literal()?;
            }
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// `(markupdecl | DeclSep)*` up to `]` (or the end of a parameter entity's text).
    fn internal_subset(&mut self, depth: usize) -> Result<(), Error> {
        loop {
            self.skip_blanks();
            let before = self.at;
            match self.peek() {
                None => return Ok(()),
                // The subset's end, or (in a parameter entity's text) a `]` the caller
                // finds left over and refuses.
                Some(']') => return Ok(()),
                Some('%') => self.pe_reference(depth)?,
                Some('<') => self.markup_declaration()?,
                Some(_) => {}
            }
            if self.at == before {
                return self.fail("xmlParseInternalSubset: error detected in Markup declaration");
            }
        }
    }

    fn markup_declaration(&mut self) -> Result<(), Error> {
        if self.eat("<!--") {
            let Some(end) = self.rest().find("--") else {
                return self.fail("Comment not terminated");
            };
            let body = &self.rest()[..end];
            if body.len() > MAX_TEXT_LENGTH {
                return self.fail("Comment too big found");
            }
            self.at += end;
            if !self.eat("-->") {
                return self.fail("Double hyphen within comment");
            }
            Ok(())
        } else if self.eat("<?") {
            let Some(target) = self.name() else {
                return self.fail("xmlParsePI : no target name");
            };
            if target.eq_ignore_ascii_case("xml") {
                return self.fail("XML declaration allowed only at the start of the document");
            }
            if self.eat("?>") {
                return Ok(());
            }
            self.require_blank("the PI target")?;
            let Some(end) = self.rest().find("?>") else {
                return self.fail("PI not terminated");
            };
            if self.rest()[..end].len() > MAX_TEXT_LENGTH {
                return self.fail("PI too big found");
            }
            self.at += end + 2;
            Ok(())
        } else if self.eat("<!ELEMENT") {
            self.element_declaration()
        } else if self.eat("<!ATTLIST") {
            self.attribute_list_declaration()
        } else if self.eat("<!ENTITY") {
            self.entity_declaration()
        } else if self.eat("<!NOTATION") {
            self.require_blank("'<!NOTATION'")?;
            if self.name().is_none() {
                return self.fail("NOTATION: Name expected here");
            }
            self.require_blank("the NOTATION name'")?;
            if !self.external_id(false)? {
                return self.fail("NOTATION: External ID expected");
            }
            self.skip_blanks();
            if !self.eat(">") {
                return self.fail("'>' required to close NOTATION declaration");
            }
            Ok(())
        } else {
            Ok(()) // nothing consumed: the caller reports the error
        }
    }

    fn pe_reference(&mut self, depth: usize) -> Result<(), Error> {
        self.at += 1; // '%'
        let Some(name) = self.name() else {
            return self.fail("PEReference: no name");
        };
        if !self.eat(";") {
            return self.fail("PEReference: expecting ';'");
        }
        let first = !self.doctype.pe_references;
        self.doctype.pe_references = true;
        let entity = self
            .parameter_entities
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone());
        match entity {
            Some(Some(text)) => {
                if depth >= MAX_PE_DEPTH {
                    return self.fail("Detected an entity reference loop");
                }
                // The replacement text is read as markup declarations in its own right.
                let mut inner = Parser {
                    text: &text,
                    at: 0,
                    standalone: self.standalone,
                    doctype: std::mem::take(&mut self.doctype),
                    parameter_entities: std::mem::take(&mut self.parameter_entities),
                };
                let outcome = inner.internal_subset(depth + 1).and_then(|()| {
                    if inner.at == inner.text.len() {
                        Ok(())
                    } else {
                        inner.fail("xmlParseInternalSubset: error detected in Markup declaration")
                    }
                });
                self.doctype = inner.doctype;
                self.parameter_entities = inner.parameter_entities;
                outcome.map_err(|(_, message)| (self.at, message))
            }
            Some(None) => Ok(()),
            None if self.standalone || (first && !self.doctype.external_subset) => {
                self.fail(&format!("PEReference: %{name}; not found"))
            }
            None => Ok(()),
        }
    }

    fn element_declaration(&mut self) -> Result<(), Error> {
        self.require_blank("'ELEMENT'")?;
        let Some(name) = self.name() else {
            return self.fail("xmlParseElementDecl: no name for Element");
        };
        self.require_blank("the element name")?;
        let mixed = if self.eat("EMPTY") || self.eat("ANY") {
            true
        } else if self.peek() == Some('(') {
            self.at += 1;
            self.skip_blanks();
            if self.eat("#PCDATA") {
                self.mixed_content()?;
                true
            } else {
                self.children_content(1)?;
                false
            }
        } else {
            return self.fail("xmlParseElementDecl: 'EMPTY', 'ANY' or '(' expected");
        };
        self.skip_blanks();
        if !self.eat(">") {
            return self.fail("xmlParseElementDecl: expected '>' at the end");
        }
        self.doctype.elements.push((name.to_string(), mixed));
        Ok(())
    }

    /// After `( S? #PCDATA`: `(S? '|' S? Name)* S? ')*'` or `S? ')'`.
    fn mixed_content(&mut self) -> Result<(), Error> {
        // `(#PCDATA)` may end without '*'; once a name follows, the '*' is required.
        let mut named = false;
        loop {
            self.skip_blanks();
            if self.eat(")") {
                if self.eat("*") || !named {
                    return Ok(());
                }
                return self.fail("xmlParseElementMixedContentDecl : '*' expected");
            }
            if !self.eat("|") {
                return self.fail("xmlParseElementMixedContentDecl : '|' or ')' expected");
            }
            self.skip_blanks();
            if self.name().is_none() {
                return self.fail("xmlParseElementMixedContentDecl : Name expected");
            }
            named = true;
        }
    }

    /// After `(`: `S? cp (S? sep S? cp)* S? ')' ('?' | '*' | '+')?` with one separator kind.
    fn children_content(&mut self, depth: usize) -> Result<(), Error> {
        if depth > MAX_CONTENT_DEPTH {
            return self.fail("xmlParseElementChildrenContentDecl : depth too deep");
        }
        let mut separator = None;
        loop {
            self.skip_blanks();
            if self.eat("(") {
                self.children_content(depth + 1)?;
            } else if self.name().is_some() {
                self.occurrence();
            } else {
                return self.fail("xmlParseElementChildrenContentDecl : Name or '(' expected");
            }
            self.skip_blanks();
            match self.peek() {
                Some(')') => {
                    self.at += 1;
                    self.occurrence();
                    return Ok(());
                }
                Some(c @ ('|' | ',')) if separator.is_none_or(|s| s == c) => {
                    separator = Some(c);
                    self.at += 1;
                }
                Some('|' | ',') => {
                    return self.fail("xmlParseElementChildrenContentDecl : '|' and ',' mixed");
                }
                _ => {
                    return self
                        .fail("xmlParseElementChildrenContentDecl : ',' '|' or ')' expected");
                }
            }
        }
    }

    fn occurrence(&mut self) {
        if matches!(self.peek(), Some('?' | '*' | '+')) {
            self.at += 1;
        }
    }

    fn attribute_list_declaration(&mut self) -> Result<(), Error> {
        self.require_blank("'<!ATTLIST'")?;
        if self.name().is_none() {
            return self.fail("ATTLIST: no name for Element");
        }
        let mut blank = self.skip_blanks() > 0;
        loop {
            if self.eat(">") {
                return Ok(());
            }
            if !blank {
                return self.fail("Space required after the attribute default value");
            }
            if self.name().is_none() {
                return self.fail("ATTLIST: no name for Attribute");
            }
            self.require_blank("the attribute name")?;
            self.attribute_type()?;
            self.require_blank("the attribute type")?;
            if self.eat("#REQUIRED") || self.eat("#IMPLIED") {
            } else {
                if self.eat("#FIXED") {
                    self.require_blank("'#FIXED'")?;
                }
                self.attribute_default()?;
            }
            blank = self.skip_blanks() > 0;
        }
    }

    fn attribute_type(&mut self) -> Result<(), Error> {
        // Longest keywords first: IDREFS before IDREF before ID, ENTITIES before ENTITY.
        for keyword in [
            "CDATA", "IDREFS", "IDREF", "ID", "ENTITIES", "ENTITY", "NMTOKENS", "NMTOKEN",
        ] {
            if self.eat(keyword) {
                return Ok(());
            }
        }
        let notation = self.eat("NOTATION");
        if notation {
            self.require_blank("'NOTATION'")?;
        }
        if !self.eat("(") {
            return self.fail("AttributeListDecl: invalid type");
        }
        loop {
            self.skip_blanks();
            let token = if notation {
                self.name()
            } else {
                self.nmtoken()
            };
            if token.is_none() {
                return self.fail("Name or Nmtoken expected in the enumeration");
            }
            self.skip_blanks();
            if self.eat(")") {
                return Ok(());
            }
            if !self.eat("|") {
                return self.fail("')' required to finish the enumeration");
            }
        }
    }

    /// A default value: a quoted `AttValue` without `<` whose references are well formed.
    fn attribute_default(&mut self) -> Result<(), Error> {
        let start = self.at + 1;
        let value = self.literal("AttValue:", |c| c != '<')?;
        check_references(value, false)
            .map(drop)
            .map_err(|(i, m)| (start + i, m))
    }

    fn entity_declaration(&mut self) -> Result<(), Error> {
        self.require_blank("'<!ENTITY'")?;
        let parameter = self.eat("%");
        if parameter {
            self.require_blank("'%'")?;
        }
        let Some(name) = self.name() else {
            return self.fail("xmlParseEntityDecl: no name");
        };
        self.require_blank("the entity name")?;
        let value = if matches!(self.peek(), Some('"' | '\'')) {
            let start = self.at + 1;
            let raw = self.literal("EntityValue:", |_| true)?;
            if raw.len() > MAX_TEXT_LENGTH {
                return self.fail("entity value too long");
            }
            Some(check_references(raw, true).map_err(|(i, m)| (start + i, m))?)
        } else if self.external_id(true)? {
            if !parameter && !matches!(self.peek(), Some('>')) {
                let blank = self.skip_blanks() > 0;
                if self.eat("NDATA") {
                    if !blank {
                        return self.fail("Space required before 'NDATA'");
                    }
                    self.require_blank("'NDATA'")?;
                    if self.name().is_none() {
                        return self.fail("NDATA: Name expected");
                    }
                }
            }
            None
        } else {
            return self.fail("Entity value required");
        };
        self.skip_blanks();
        if !self.eat(">") {
            return self.fail(&format!("xmlParseEntityDecl: entity {name} not terminated"));
        }
        let table = if parameter {
            &mut self.parameter_entities
        } else {
            &mut self.doctype.entities
        };
        if !table.iter().any(|(n, _)| n == name) {
            table.push((name.to_string(), value));
        }
        Ok(())
    }
}

/// Checks the `&` references of a literal: `&Name;` or a valid character reference
/// (`in_entity`: also no `%`, which the internal subset forbids in an entity value). The
/// literal as libxml2 stores it: character references decoded, the rest as written.
fn check_references(value: &str, in_entity: bool) -> Result<String, Error> {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    let mut offset = 0;
    while let Some(i) = rest.find(['&', '%']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let at = offset + i;
        if let Some(after) = tail.strip_prefix('%') {
            if in_entity {
                return Err((at, "PEReferences forbidden in internal subset".to_string()));
            }
            out.push('%');
            rest = after;
            offset = at + 1;
            continue;
        }
        let Some(end) = tail.find(';') else {
            return Err((at, "EntityRef: expecting ';'".to_string()));
        };
        let body = &tail[1..end];
        match body.strip_prefix('#') {
            Some(number) => match char_reference(number) {
                Some(c) => out.push(c),
                None => return Err((at, format!("invalid reference '&{body};'"))),
            },
            None if is_name(body) => out.push_str(&tail[..=end]),
            None => return Err((at, format!("invalid reference '&{body};'"))),
        }
        rest = &tail[end + 1..];
        offset = at + end + 1;
    }
    out.push_str(rest);
    Ok(out)
}

/// The character a character reference's number (after `#`) stands for, if it is a valid one.
fn char_reference(number: &str) -> Option<char> {
    let value = match number.strip_prefix('x') {
        Some(hex) if !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()) => {
            u32::from_str_radix(hex, 16).ok()
        }
        Some(_) => None,
        None if !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()) => {
            number.parse::<u32>().ok()
        }
        None => None,
    };
    value.and_then(char::from_u32).filter(|c| is_xml_char(*c))
}
