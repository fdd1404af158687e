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
