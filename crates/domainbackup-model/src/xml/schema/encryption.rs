//! `<encryption>` of a `<target>` or `<scratch>`: format `luks` and engine `qemu`, exactly
//! one `<secret>` (type `passphrase`, and either a `uuid` or a `usage`), and optionally a
//! `<cipher>` followed by an `<ivgen>`.
//!
//! It checks only what the schema constrains: cipher and ivgen names, modes and hashes are
//! free text here; whether libvirt knows them is the C parser's business.

use super::checker::{Checker, TextRule, element_not_allowed};
use super::datatypes::{is_unsigned_int, is_uuid, token_is};
use super::{Checked, Quoted, violation};
use crate::rules;
use crate::xml::tree::Element;

impl Checker {
    pub(super) fn encryption(&self, e: &Element) -> Checked {
        let attrs = self.attributes(
            e,
            ["format", "engine"],
            &rules::SCHEMA_ENCRYPTION_UNKNOWN_ATTRIBUTE,
            "<encryption> takes format and engine",
        )?;
        let Some(format) = attrs.get(0) else {
            return Err(violation(
                &rules::SCHEMA_ENCRYPTION_FORMAT_REQUIRED,
                e.position,
                format_args!("<encryption> needs attribute 'format' ('luks'); it is missing"),
            ));
        };
        if !token_is(&format.value, "luks") {
            return Err(violation(
                &rules::SCHEMA_ENCRYPTION_FORMAT_VALUE,
                format.position,
                format_args!(
                    "attribute 'format' of <encryption> is {}; only 'luks' is allowed",
                    Quoted(&format.value)
                ),
            ));
        }
        if let Some(engine) = attrs.get(1).filter(|a| !token_is(&a.value, "qemu")) {
            return Err(violation(
                &rules::SCHEMA_ENCRYPTION_ENGINE_VALUE,
                engine.position,
                format_args!(
                    "attribute 'engine' of <encryption> is {}; only 'qemu' is allowed",
                    Quoted(&engine.value)
                ),
            ));
        }
        let mut secret = false;
        let mut cipher: Option<&Element> = None;
        let mut ivgen: Option<&Element> = None;
        let mut ivgen_first = false;
        self.children(e, TextRule::Blank, |c| match &*c.name {
            "secret" => {
                if std::mem::replace(&mut secret, true) {
                    return Err(violation(
                        &rules::SCHEMA_ENCRYPTION_SECRET_DUPLICATE,
                        c.position,
                        format_args!("a second <secret> in <encryption>; exactly one is allowed"),
                    ));
                }
                self.secret(c)
            }
            "cipher" => {
                if cipher.replace(c).is_some() {
                    return Err(violation(
                        &rules::SCHEMA_ENCRYPTION_CIPHER_DUPLICATE,
                        c.position,
                        format_args!("a second <cipher> in <encryption>; at most one is allowed"),
                    ));
                }
                self.cipher(c)
            }
            "ivgen" => {
                if ivgen.replace(c).is_some() {
                    return Err(violation(
                        &rules::SCHEMA_ENCRYPTION_IVGEN_DUPLICATE,
                        c.position,
                        format_args!("a second <ivgen> in <encryption>; at most one is allowed"),
                    ));
                }
                ivgen_first = cipher.is_none();
                self.ivgen(c)
            }
            _ => Err(element_not_allowed(
                c,
                e,
                "<encryption> holds <secret>, <cipher> and <ivgen>",
            )),
        })?;
        if !secret {
            return Err(violation(
                &rules::SCHEMA_ENCRYPTION_SECRET_REQUIRED,
                e.position,
                format_args!("<encryption> needs a <secret> element; none was found"),
            ));
        }
        // interleave(secret, optional(group(cipher, ivgen))): both or neither, cipher first.
        match (cipher, ivgen) {
            (Some(c), None) => Err(violation(
                &rules::SCHEMA_ENCRYPTION_CIPHER_WITHOUT_IVGEN,
                c.position,
                format_args!(
                    "<cipher> in <encryption> must be followed by an <ivgen>; there is none"
                ),
            )),
            (None, Some(i)) => Err(violation(
                &rules::SCHEMA_ENCRYPTION_IVGEN_WITHOUT_CIPHER,
                i.position,
                format_args!(
                    "<ivgen> in <encryption> is only allowed after a <cipher>; there is none"
                ),
            )),
            (Some(_), Some(i)) if ivgen_first => Err(violation(
                &rules::SCHEMA_ENCRYPTION_IVGEN_BEFORE_CIPHER,
                i.position,
                format_args!(
                    "<ivgen> comes before <cipher> in <encryption>; the schema requires <cipher> first"
                ),
            )),
            _ => Ok(()),
        }
    }

    fn secret(&self, e: &Element) -> Checked {
        let attrs = self.attributes(
            e,
            ["type", "uuid", "usage"],
            &rules::SCHEMA_SECRET_UNKNOWN_ATTRIBUTE,
            "<secret> takes type and either uuid or usage",
        )?;
        let Some(kind) = attrs.get(0) else {
            return Err(violation(
                &rules::SCHEMA_SECRET_TYPE_REQUIRED,
                e.position,
                format_args!("<secret> needs attribute type='passphrase'; it is missing"),
            ));
        };
        if !token_is(&kind.value, "passphrase") {
            return Err(violation(
                &rules::SCHEMA_SECRET_TYPE_VALUE,
                kind.position,
                format_args!(
                    "attribute 'type' of <secret> is {}; only 'passphrase' is allowed",
                    Quoted(&kind.value)
                ),
            ));
        }
        match (attrs.get(1), attrs.get(2)) {
            (None, None) => {
                return Err(violation(
                    &rules::SCHEMA_SECRET_UUID_OR_USAGE_REQUIRED,
                    e.position,
                    format_args!("<secret> needs attribute 'uuid' or 'usage'; it has neither"),
                ));
            }
            (Some(_), Some(usage)) => {
                return Err(violation(
                    &rules::SCHEMA_SECRET_UUID_AND_USAGE,
                    usage.position,
                    format_args!(
                        "<secret> has both 'uuid' and 'usage'; exactly one of them is allowed"
                    ),
                ));
            }
            (Some(uuid), None) if !is_uuid(&uuid.value) => {
                return Err(violation(
                    &rules::SCHEMA_SECRET_UUID_PATTERN,
                    uuid.position,
                    format_args!(
                        "attribute 'uuid' of <secret> is {}; expected 32 hex digits or the 8-4-4-4-12 dashed form",
                        Quoted(&uuid.value)
                    ),
                ));
            }
            _ => {}
        }
        self.children(e, TextRule::Blank, |c| {
            Err(element_not_allowed(c, e, "<secret> has no content"))
        })
    }

    fn cipher(&self, e: &Element) -> Checked {
        let attrs = self.attributes(
            e,
            ["name", "size", "mode", "hash"],
            &rules::SCHEMA_CIPHER_UNKNOWN_ATTRIBUTE,
            "<cipher> takes name, size, mode and hash",
        )?;
        if attrs.get(0).is_none() {
            return Err(violation(
                &rules::SCHEMA_CIPHER_NAME_REQUIRED,
                e.position,
                format_args!("<cipher> needs attribute 'name'; it is missing"),
            ));
        }
        let Some(size) = attrs.get(1) else {
            return Err(violation(
                &rules::SCHEMA_CIPHER_SIZE_REQUIRED,
                e.position,
                format_args!("<cipher> needs attribute 'size'; it is missing"),
            ));
        };
        if !is_unsigned_int(&size.value) {
            return Err(violation(
                &rules::SCHEMA_CIPHER_SIZE_UNSIGNED_INT,
                size.position,
                format_args!(
                    "attribute 'size' of <cipher> is {}; expected digits only ([0-9]+) with a value of at most 4294967295",
                    Quoted(&size.value)
                ),
            ));
        }
        match (attrs.get(2), attrs.get(3)) {
            (Some(a), None) | (None, Some(a)) => {
                return Err(violation(
                    &rules::SCHEMA_CIPHER_MODE_HASH_PAIR,
                    a.position,
                    format_args!(
                        "<cipher> has '{}' without '{}'; mode and hash go together",
                        a.name,
                        if a.name == "mode" { "hash" } else { "mode" }
                    ),
                ));
            }
            _ => {}
        }
        self.children(e, TextRule::Blank, |c| {
            Err(element_not_allowed(c, e, "<cipher> has no content"))
        })
    }

    fn ivgen(&self, e: &Element) -> Checked {
        let attrs = self.attributes(
            e,
            ["name", "hash"],
            &rules::SCHEMA_IVGEN_UNKNOWN_ATTRIBUTE,
            "<ivgen> takes name and hash",
        )?;
        if attrs.get(0).is_none() {
            return Err(violation(
                &rules::SCHEMA_IVGEN_NAME_REQUIRED,
                e.position,
                format_args!("<ivgen> needs attribute 'name'; it is missing"),
            ));
        }
        self.children(e, TextRule::Blank, |c| {
            Err(element_not_allowed(c, e, "<ivgen> has no content"))
        })
    }
}
