//! `<domainbackup>` itself: the root's name and namespace, its `mode` attribute, the
//! children it may hold (at most one `<incremental>` and one `<disks>`, and in a pull mode
//! backup exactly one `<server>`), and `<incremental>`.
//!
//! It must not check the content of `<server>` or `<disks>`: each has its own check.

use super::checker::{Checker, Mode, TextRule, element_not_allowed};
use super::datatypes::token_is;
use super::{Checked, Quoted, violation};
use crate::rules;
use crate::xml::tree::Element;

impl Checker {
    pub(super) fn root(&self, root: &Element) -> Checked {
        if let Some(ns) = &root.namespace {
            return Err(violation(
                &rules::SCHEMA_ELEMENT_NAMESPACE,
                root.position,
                format_args!(
                    "root element '{}' is in namespace {}; expected <domainbackup> in no namespace",
                    root.qualified_name(),
                    Quoted(ns)
                ),
            ));
        }
        if root.name != "domainbackup" {
            return Err(violation(
                &rules::SCHEMA_ROOT_NAME,
                root.position,
                format_args!("root element is '{}'; expected 'domainbackup'", root.name),
            ));
        }
        let attrs = self.attributes(
            root,
            ["mode"],
            &rules::SCHEMA_ROOT_UNKNOWN_ATTRIBUTE,
            "only 'mode' is allowed",
        )?;
        let mode = match attrs.get(0) {
            None => Mode::Push,
            Some(a) if token_is(&a.value, "push") => Mode::Push,
            Some(a) if token_is(&a.value, "pull") => Mode::Pull,
            Some(a) => {
                return Err(violation(
                    &rules::SCHEMA_MODE_VALUE,
                    a.position,
                    format_args!(
                        "attribute 'mode' of <domainbackup> is {}; expected 'push' or 'pull'",
                        Quoted(&a.value)
                    ),
                ));
            }
        };
        let mut incremental = false;
        let mut disks = false;
        let mut server = false;
        self.children(root, TextRule::Blank, |c| match &*c.name {
            "incremental" => {
                if std::mem::replace(&mut incremental, true) {
                    return Err(violation(
                        &rules::SCHEMA_INCREMENTAL_DUPLICATE,
                        c.position,
                        format_args!("a second <incremental> element; at most one is allowed"),
                    ));
                }
                self.incremental(c)
            }
            "disks" => {
                if std::mem::replace(&mut disks, true) {
                    return Err(violation(
                        &rules::SCHEMA_DISKS_DUPLICATE,
                        c.position,
                        format_args!("a second <disks> element; at most one is allowed"),
                    ));
                }
                self.disks(c, mode)
            }
            "server" if mode == Mode::Push => Err(violation(
                &rules::SCHEMA_PUSH_SERVER_FORBIDDEN,
                c.position,
                format_args!(
                    "<server> is only allowed in a pull mode backup (mode='pull'); this one is push"
                ),
            )),
            "server" => {
                if std::mem::replace(&mut server, true) {
                    return Err(violation(
                        &rules::SCHEMA_PULL_SERVER_DUPLICATE,
                        c.position,
                        format_args!(
                            "a second <server> element; a pull mode backup has exactly one"
                        ),
                    ));
                }
                self.server(c)
            }
            _ => Err(element_not_allowed(
                c,
                root,
                "expected <incremental>, <disks> or (pull mode) <server>",
            )),
        })?;
        if mode == Mode::Pull && !server {
            return Err(violation(
                &rules::SCHEMA_PULL_SERVER_REQUIRED,
                root.position,
                format_args!(
                    "a pull mode backup (mode='pull') needs a <server> element; none was found"
                ),
            ));
        }
        Ok(())
    }

    fn incremental(&self, e: &Element) -> Checked {
        self.attributes(
            e,
            [],
            &rules::SCHEMA_INCREMENTAL_UNKNOWN_ATTRIBUTE,
            "<incremental> takes no attributes",
        )?;
        self.children(e, TextRule::Any, |c| {
            Err(element_not_allowed(
                c,
                e,
                "<incremental> holds only text (a checkpoint name)",
            ))
        })
    }
}
