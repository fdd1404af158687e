//! Breaches before the schema: documents that are not well-formed (`wf.*`, refused by
//! libxml2's reader in every mode) and a root element other than `<domainbackup>`
//! (`root.*`). Each changes the written bytes, since an element tree cannot be ill-formed.
//!
//! A list of breaches, in the order they are listed (part of the order of
//! [`super::rule_ids`], which generated documents depend on): nothing here may reorder
//! them or hold edits other stages use (those live in [`super::edits`]).

use super::edits::nothing;
use super::{Breach, Expect, Scope, breach, values};
use crate::render::Node;
use domainbackup_model::rules;

/// The well-formedness and root breaches, the first of all breaches.
pub(super) fn breaches() -> Vec<Breach> {
    vec![
        // ---- not well-formed (any mode) ----
        breach(Scope::Any, &rules::WF_TAG_MISMATCH, nothing, |root, _| {
            root.push_child(Node::element("unclosed"));
            Expect::Bytes(|doc| {
                // Whatever spelling `<unclosed .../>` or `<unclosed ...></unclosed>` got,
                // leave only its start tag.
                let text = String::from_utf8_lossy(doc).into_owned();
                if let Some(start) = text.find("<unclosed") {
                    let end = text[start..]
                        .find('>')
                        .map_or(text.len(), |e| start + e + 1);
                    let rest = text[end..]
                        .strip_prefix("</unclosed>")
                        .unwrap_or(&text[end..]);
                    *doc = format!("{}<unclosed>{rest}", &text[..start]).into_bytes();
                }
            })
        }),
        breach(Scope::Any, &rules::WF_TRUNCATED, nothing, |_, _| {
            Expect::Bytes(|doc| {
                // Cut inside the root's start tag: never well-formed.
                if let Some(p) = doc.windows(13).position(|w| w == b"<domainbackup") {
                    doc.truncate(p + 5);
                }
            })
        }),
        breach(
            Scope::Any,
            &rules::WF_UNDEFINED_ENTITY,
            nothing,
            |root, _| {
                root.set("x", "MARKER");
                Expect::Bytes(|doc| {
                    let text = String::from_utf8_lossy(doc).into_owned();
                    *doc = text.replacen("MARKER", "&undefined;", 1).into_bytes();
                })
            },
        ),
        breach(
            Scope::Any,
            &rules::WF_DUPLICATE_ATTRIBUTE,
            nothing,
            |_, _| {
                Expect::Bytes(|doc| {
                    let text = String::from_utf8_lossy(doc).into_owned();
                    *doc = text
                        .replacen("<domainbackup", "<domainbackup x='1' x='2'", 1)
                        .into_bytes();
                })
            },
        ),
        breach(Scope::Any, &rules::WF_INVALID_UTF8, nothing, |_, _| {
            Expect::Bytes(|doc| {
                let text = String::from_utf8_lossy(doc).into_owned();
                *doc = text
                    .replacen("<domainbackup", "<domainbackup x='\u{1}'", 1)
                    .into_bytes();
                if let Some(p) = doc.iter().position(|&b| b == 1) {
                    doc[p] = 0xFF;
                }
            })
        }),
        breach(
            Scope::Any,
            &rules::WF_INVALID_CHARACTER_REFERENCE,
            nothing,
            |_, _| {
                Expect::Bytes(|doc| {
                    let text = String::from_utf8_lossy(doc).into_owned();
                    *doc = text
                        .replacen("<domainbackup", "<domainbackup x='&#1;'", 1)
                        .into_bytes();
                })
            },
        ),
        breach(Scope::Any, &rules::WF_LT_IN_ATTRIBUTE, nothing, |_, _| {
            Expect::Bytes(|doc| {
                let text = String::from_utf8_lossy(doc).into_owned();
                *doc = text
                    .replacen("<domainbackup", "<domainbackup x='<'", 1)
                    .into_bytes();
            })
        }),
        breach(
            Scope::Any,
            &rules::WF_UNSUPPORTED_ENCODING,
            nothing,
            |_, _| Expect::Bytes(declare_unknown_encoding),
        ),
        // UTF-16 with a byte order mark: libvirt hands libxml2 a C string, which ends at the
        // first NUL byte, right after the mark (and the `<`, little endian); libxml2 looks
        // for markup, finds none and says `Start tag expected` (measured on libvirt 9.0.0).
        breach(Scope::Any, &rules::WF_NO_ROOT_ELEMENT, nothing, |_, _| {
            Expect::Bytes(|doc| to_utf16(doc, false))
        })
        .variant("utf-16le-byte-order-mark"),
        breach(Scope::Any, &rules::WF_NO_ROOT_ELEMENT, nothing, |_, _| {
            Expect::Bytes(|doc| to_utf16(doc, true))
        })
        .variant("utf-16be-byte-order-mark"),
        // ---- root ----
        breach(Scope::Any, &rules::ROOT_WRONG_NAME, nothing, |_, _| {
            Expect::Rewritten(Box::new(values(&["domainsnapshot"])), |doc| {
                let text = String::from_utf8_lossy(doc).into_owned();
                *doc = text
                    .replace("<domainbackup", "<domainsnapshot")
                    .replace("</domainbackup>", "</domainsnapshot>")
                    .into_bytes();
            })
        }),
    ]
}

/// Names no encoding libxml2 knows (checked against the reference in the tests),
/// one of which [`declare_unknown_encoding`] declares.
const UNKNOWN_ENCODINGS: [&str; 4] = ["X-NO-SUCH-ENCODING", "UTF-4", "latin-99", "utf_8_sig"];

/// The XML declaration the spelling wrote (or a new one) names an encoding libxml2 does not
/// know; which one depends on the document, so that the breach writes each of them.
fn declare_unknown_encoding(doc: &mut Vec<u8>) {
    let name = UNKNOWN_ENCODINGS[doc.len() % UNKNOWN_ENCODINGS.len()];
    let declaration = format!("<?xml version=\"1.0\" encoding=\"{name}\"?>");
    replace_declaration(doc, &declaration);
}

/// Replaces the document's XML declaration with `declaration`, or puts it in front of a
/// document that has none.
fn replace_declaration(doc: &mut Vec<u8>, declaration: &str) {
    let rest = if doc.starts_with(b"<?xml ") {
        let end = doc
            .windows(2)
            .position(|w| w == b"?>")
            .map_or(doc.len(), |p| p + 2);
        doc.split_off(end)
    } else {
        std::mem::take(doc)
    };
    doc.clear();
    doc.extend_from_slice(declaration.as_bytes());
    doc.extend_from_slice(&rest);
}

/// The document in UTF-16 with a byte order mark, declared `UTF-16` where the spelling wrote
/// a declaration.
fn to_utf16(doc: &mut Vec<u8>, big_endian: bool) {
    if doc.starts_with(b"<?xml ") {
        replace_declaration(doc, "<?xml version=\"1.0\" encoding=\"UTF-16\"?>");
    }
    let text = String::from_utf8_lossy(doc).into_owned();
    let mut utf16 = Vec::with_capacity(2 + 2 * text.len());
    for unit in std::iter::once(0xFEFF).chain(text.encode_utf16()) {
        let bytes = if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        };
        utf16.extend_from_slice(&bytes);
    }
    *doc = utf16;
}

#[cfg(test)]
mod tests {
    use super::*;
    use domainbackup_model::xml::read;

    #[test]
    fn the_unknown_encodings_are_unknown() {
        for name in UNKNOWN_ENCODINGS {
            let doc = format!("<?xml version='1.0' encoding='{name}'?><domainbackup/>");
            let e = read::read(doc.as_bytes()).expect_err(name);
            assert_eq!(e.rule_id(), Some("wf.unsupported-encoding"), "{name}");
        }
    }

    #[test]
    fn declarations_are_replaced_or_added() {
        let mut doc = b"<?xml version='1.0'?>\n<domainbackup/>".to_vec();
        replace_declaration(&mut doc, "<?xml version=\"1.0\" encoding=\"UTF-16\"?>");
        assert_eq!(
            doc,
            b"<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<domainbackup/>"
        );
        let mut doc = b"<!-- c --><domainbackup/>".to_vec();
        declare_unknown_encoding(&mut doc);
        assert!(doc.starts_with(b"<?xml version=\"1.0\" encoding=\""));
        assert!(doc.ends_with(b"?><!-- c --><domainbackup/>"));
    }

    #[test]
    fn utf16_documents_start_with_their_byte_order_mark() {
        let mut le = b"<?xml version='1.0'?><domainbackup/>".to_vec();
        to_utf16(&mut le, false);
        assert_eq!(&le[..6], b"\xFF\xFE<\0?\0");
        let mut be = b"<domainbackup/>".to_vec();
        to_utf16(&mut be, true);
        assert_eq!(&be[..6], b"\xFE\xFF\0<\0d");
        let text: Vec<u16> = le[2..]
            .chunks(2)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .collect();
        assert_eq!(
            String::from_utf16(&text).expect("UTF-16"),
            "<?xml version=\"1.0\" encoding=\"UTF-16\"?><domainbackup/>"
        );
    }
}
