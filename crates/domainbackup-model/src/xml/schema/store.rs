//! `<target>` (push) and `<scratch>` (pull) of a file or block disk: the path attribute
//! (`file` or `dev`) and its `absFilePath` pattern, the `<seclabel>` elements they hold
//! (with their `<label>`s), and at most one `<encryption>`.
//!
//! The content of `<encryption>` is checked in `encryption`, not here.

use super::checker::{Checker, StoreType, TextRule, element_not_allowed};
use super::datatypes::{is_abs_file_path, token_is};
use super::{Checked, Quoted, violation};
use crate::rules;
use crate::xml::tree::Element;

impl Checker {
    /// `<target>` (push) or `<scratch>` (pull) of a file or block disk.
    pub(super) fn store(&self, e: &Element, store: StoreType, scratch: bool) -> Checked {
        let (unknown, required, pattern, duplicate) = if scratch {
            (
                &rules::SCHEMA_SCRATCH_UNKNOWN_ATTRIBUTE,
                &rules::SCHEMA_SCRATCH_PATH_REQUIRED,
                &rules::SCHEMA_SCRATCH_PATH_PATTERN,
                &rules::SCHEMA_SCRATCH_ENCRYPTION_DUPLICATE,
            )
        } else {
            (
                &rules::SCHEMA_TARGET_UNKNOWN_ATTRIBUTE,
                &rules::SCHEMA_TARGET_PATH_REQUIRED,
                &rules::SCHEMA_TARGET_PATH_PATTERN,
                &rules::SCHEMA_TARGET_ENCRYPTION_DUPLICATE,
            )
        };
        let path_name = store.path_attribute();
        let (disk_type, expected) = match (store, scratch) {
            (StoreType::File, false) => ("file", "<target> of a file disk takes only 'file'"),
            (StoreType::Block, false) => ("block", "<target> of a block disk takes only 'dev'"),
            (StoreType::File, true) => ("file", "<scratch> of a file disk takes only 'file'"),
            (StoreType::Block, true) => ("block", "<scratch> of a block disk takes only 'dev'"),
        };
        let attrs = self.attributes(e, [path_name], unknown, expected)?;
        let Some(path) = attrs.get(0) else {
            return Err(violation(
                required,
                e.position,
                format_args!(
                    "<{}> of a {disk_type} disk needs attribute '{path_name}'; it is missing",
                    e.name
                ),
            ));
        };
        if !is_abs_file_path(&path.value) {
            return Err(violation(
                pattern,
                path.position,
                format_args!(
                    "attribute '{path_name}' of <{}> is {}; expected an absolute path ('/' or a drive like 'C:\\' followed by at least one character, no line breaks)",
                    e.name,
                    Quoted(&path.value)
                ),
            ));
        }
        let mut encryption = false;
        self.children(e, TextRule::Blank, |c| match &*c.name {
            "seclabel" => self.seclabel(c),
            "encryption" => {
                if std::mem::replace(&mut encryption, true) {
                    return Err(violation(
                        duplicate,
                        c.position,
                        format_args!(
                            "a second <encryption> in <{}>; at most one is allowed",
                            e.name
                        ),
                    ));
                }
                self.encryption(c)
            }
            _ => Err(element_not_allowed(
                c,
                e,
                "it holds <seclabel> and <encryption> elements",
            )),
        })
    }

    fn seclabel(&self, e: &Element) -> Checked {
        let attrs = self.attributes(
            e,
            ["model", "relabel", "labelskip"],
            &rules::SCHEMA_SECLABEL_UNKNOWN_ATTRIBUTE,
            "<seclabel> takes model, relabel and labelskip",
        )?;
        let relabel = attrs.get(1);
        let labelskip = attrs.get(2);
        let relabel_no = match relabel {
            None => false,
            Some(a) if token_is(&a.value, "yes") => false,
            Some(a) if token_is(&a.value, "no") => true,
            Some(a) => {
                return Err(violation(
                    &rules::SCHEMA_SECLABEL_RELABEL_VALUE,
                    a.position,
                    format_args!(
                        "attribute 'relabel' of <seclabel> is {}; expected 'yes' or 'no'",
                        Quoted(&a.value)
                    ),
                ));
            }
        };
        if let Some(a) = labelskip {
            if !token_is(&a.value, "yes") {
                return Err(violation(
                    &rules::SCHEMA_SECLABEL_LABELSKIP_VALUE,
                    a.position,
                    format_args!(
                        "attribute 'labelskip' of <seclabel> is {}; only 'yes' is allowed",
                        Quoted(&a.value)
                    ),
                ));
            }
            if let Some(r) = relabel {
                return Err(violation(
                    &rules::SCHEMA_SECLABEL_LABELSKIP_WITH_RELABEL,
                    r.position,
                    format_args!(
                        "<seclabel labelskip='yes'> must not also have relabel={}",
                        Quoted(&r.value)
                    ),
                ));
            }
        }
        let mut labels = 0usize;
        self.children(e, TextRule::Blank, |c| {
            if c.name != "label" {
                return Err(element_not_allowed(
                    c,
                    e,
                    "<seclabel> holds only <label> elements",
                ));
            }
            if labelskip.is_some() {
                return Err(violation(
                    &rules::SCHEMA_SECLABEL_LABELSKIP_WITH_LABEL,
                    c.position,
                    format_args!("<seclabel labelskip='yes'> must not hold a <label>"),
                ));
            }
            if relabel_no {
                return Err(violation(
                    &rules::SCHEMA_SECLABEL_RELABEL_NO_WITH_LABEL,
                    c.position,
                    format_args!("<seclabel relabel='no'> must not hold a <label>"),
                ));
            }
            labels += 1;
            self.attributes(
                c,
                [],
                &rules::SCHEMA_LABEL_UNKNOWN_ATTRIBUTE,
                "<label> takes no attributes",
            )?;
            self.children(c, TextRule::Any, |g| {
                Err(element_not_allowed(g, c, "<label> holds only text"))
            })
        })?;
        if labels == 0 && labelskip.is_none() && !relabel_no {
            return Err(violation(
                &rules::SCHEMA_SECLABEL_RELABEL_YES_NEEDS_LABEL,
                e.position,
                format_args!(
                    "<seclabel{}> needs at least one <label> (or relabel='no', or labelskip='yes' instead)",
                    if relabel.is_some() {
                        " relabel='yes'"
                    } else {
                        ""
                    }
                ),
            ));
        }
        Ok(())
    }
}
