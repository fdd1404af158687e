//! The `parse` check, behind the `parse` and `mutate` targets: arbitrary bytes through
//! every mode of every profile, with what is accepted read back to the same model and text.
//!
//! It checks the reference against itself and returns a [`Finding`]; it must not panic on
//! input.

use crate::xml::read;
use crate::{Mode, Profile, Rejection, Stage, parse, process};

use super::{Finding, outcome_line, readable_spelling};

/// Whether libvirt prints `model` in a way no parser reads back: an `<auth>` secret's
/// `type` is printed as it was read, unescaped (`virStorageAuthDefFormat`), so a `&`, `<`,
/// `>` or `'` in it makes the output ill-formed or cuts the value short.
fn prints_unreadable(model: &crate::DomainBackup) -> bool {
    model.disks.iter().any(|disk| {
        disk.store
            .as_ref()
            .and_then(|store| store.auth.as_ref())
            .and_then(|auth| auth.secret_type.as_deref())
            .is_some_and(|kind| kind.contains(['&', '<', '>', '\'']))
    })
}

/// `model` with what libvirt does not print made equal to what reading the print back
/// gives: a seclabel with `labelskip='yes'` is printed without its `relabel`
/// (`virSecurityDeviceLabelDefFormat`), so `relabel='no'` beside it cannot survive.
fn as_printed(mut model: crate::DomainBackup) -> crate::DomainBackup {
    for store in model.disks.iter_mut().filter_map(|d| d.store.as_mut()) {
        for seclabel in store.seclabels.iter_mut().filter(|s| s.labelskip) {
            seclabel.norelabel = false;
        }
    }
    model
}

/// The `parse` (and `mutate`) check: `input` through every mode of every profile.
///
/// * nothing panics (the caller's process would crash);
/// * the reader's fast path reads the text as its general path does: the same tree, the
///   positions included, or the same error;
/// * alignment only adds rejections: an aligned run refuses what the plain run refuses, the
///   same way, and otherwise refuses only at the align stage;
/// * an accepted document's canonical text (non-aligned; aligned output appends disks, so
///   its plain counterpart stands in for it) reads back, with the same options, to the same
///   model and formats to the same text, once spelled as libvirt can read it
///   ([`readable_spelling`]).
pub fn check_parse(input: &[u8]) -> Result<(), Finding> {
    let fast = read::read_tags(input, true);
    let general = read::read_tags(input, false);
    if fast != general {
        return Err(Finding {
            check: "parse",
            profile: None,
            mode: None,
            summary: "the reader's fast path reads the text otherwise".to_string(),
            detail: format!("--- fast path\n{fast:#?}\n--- general path\n{general:#?}"),
            document: input.to_vec(),
        });
    }
    for profile in Profile::ALL {
        for internal in [false, true] {
            let (plain_mode, aligned_mode) = if internal {
                (Mode::Internal, Mode::InternalAlign)
            } else {
                (Mode::Parse, Mode::Align)
            };
            let options = plain_mode.options(profile);
            let plain = process(input, options);
            let aligned = process(input, aligned_mode.options(profile));
            check_alignment_adds_only(input, profile, aligned_mode, &plain, &aligned)?;
            if let Ok(canonical) = &plain {
                check_reads_back(input, profile, plain_mode, canonical)?;
            }
        }
    }
    Ok(())
}

fn check_alignment_adds_only(
    input: &[u8],
    profile: Profile,
    mode: Mode,
    plain: &Result<String, Rejection>,
    aligned: &Result<String, Rejection>,
) -> Result<(), Finding> {
    let fine = match (plain, aligned) {
        (Err(a), Err(b)) => a == b,
        (Err(_), Ok(_)) => false,
        (Ok(_), Err(b)) => b.stage == Stage::Align,
        (Ok(_), Ok(_)) => true,
    };
    if fine {
        return Ok(());
    }
    Err(Finding::new(
        "parse",
        profile,
        mode,
        input,
        "alignment changed the outcome of parsing",
        format!(
            "--- without alignment: {}\n--- with alignment: {}",
            outcome_line(plain),
            outcome_line(aligned)
        ),
    ))
}

/// `canonical` is what `mode` (not aligned) printed for `input`.
fn check_reads_back(
    input: &[u8],
    profile: Profile,
    mode: Mode,
    canonical: &str,
) -> Result<(), Finding> {
    let options = mode.options(profile);
    let fail = |summary: &str, detail: String| {
        Err(Finding::new("parse", profile, mode, input, summary, detail))
    };
    let model = match parse(input, options) {
        Ok(m) => m,
        Err(r) => {
            return fail(
                "process accepts what parse rejects",
                format!("parse: {}", r.to_line()),
            );
        }
    };
    if prints_unreadable(&model) {
        return Ok(());
    }
    let spelled = readable_spelling(canonical, options.internal);
    match parse(spelled.as_bytes(), options) {
        Ok(again) if again == model || as_printed(again.clone()) == as_printed(model.clone()) => {}
        Ok(again) => {
            return fail(
                "the canonical text reads back to another model",
                format!(
                    "--- canonical text\n{canonical}--- as read back\n{spelled}--- model\n{model:#?}\n--- read back\n{again:#?}"
                ),
            );
        }
        Err(r) => {
            return fail(
                "the canonical text is rejected",
                format!(
                    "--- canonical text\n{canonical}--- as read back\n{spelled}--- rejection\n{}",
                    r.to_line()
                ),
            );
        }
    }
    match process(spelled.as_bytes(), options) {
        Ok(twice) if twice == canonical => Ok(()),
        other => fail(
            "the canonical text is not a fixed point",
            format!(
                "--- once\n{canonical}--- read back from\n{spelled}--- twice: {}",
                outcome_line(&other)
            ),
        ),
    }
}
