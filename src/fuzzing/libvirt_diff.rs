//! The `libvirt_diff` check: the reference against real libvirt loaded in process, with
//! the comparison of their outcomes, the differences known and skipped, and the inputs that
//! crash libvirt itself (never handed over).
//!
//! Only [`check_libvirt`] needs libvirt (feature `libvirt`); the comparison is shared with
//! the agreement suite. It returns a [`Finding`]; it must not panic on input.

#[cfg(feature = "libvirt")]
use crate::{Mode, process};
use crate::{Profile, Rejection, Stage};

#[cfg(feature = "libvirt")]
use super::Finding;
use super::outcome_line;

/// Compares the reference's outcome with libvirt's: same verdict; for a rejection the same
/// stage, code and domain, and the same message except where libvirt's text comes from
/// libxml2 (well-formed and schema stages); for an acceptance the same text. `Err` says how
/// they differ, with both sides.
pub fn compare_with_libvirt(
    reference: &Result<String, Rejection>,
    libvirt: &Result<String, Rejection>,
) -> Result<(), String> {
    let both = || {
        format!(
            "--- reference: {}\n--- libvirt: {}",
            outcome_line(reference),
            outcome_line(libvirt)
        )
    };
    match (reference, libvirt) {
        (Ok(a), Ok(b)) if a == b => Ok(()),
        (Ok(_), Ok(_)) => Err(format!("outputs differ\n{}", both())),
        (Ok(_), Err(_)) => Err(format!(
            "the reference accepts, libvirt rejects\n{}",
            both()
        )),
        (Err(_), Ok(_)) => Err(format!(
            "the reference rejects, libvirt accepts\n{}",
            both()
        )),
        (Err(a), Err(b)) => {
            let libxml2_text = matches!(a.stage, Stage::WellFormed | Stage::Schema);
            if a.stage != b.stage
                || a.code != b.code
                || a.domain != b.domain
                || (!libxml2_text && a.message != b.message)
            {
                Err(format!("rejections differ\n{}", both()))
            } else {
                Ok(())
            }
        }
    }
}

/// The storage-source elements libvirt parses inside a target or scratch, in an internal
/// parse only (the schema refuses them), that the reference does not model (see
/// [`crate::xml::semantic`]): `<dataStore>`, which libvirt 11.x parses (9.0 ignores it, as
/// the reference does).
pub const UNMODELLED_STORAGE_ELEMENTS: [&str; 1] = ["dataStore"];

/// Where the reference is known to differ from libvirt on `input` (parsed internally or
/// not), and why; [`check_libvirt`] skips these (and counts them as skipped) instead of
/// reporting them.
///
/// * libxml2 2.9's non-linear entity expansion heuristic (`xmlParserEntityCheck`, which
///   weighs the entity references an expansion makes against the bytes read so far) is not
///   modelled: the reference caps the total expansion instead, so it accepts some nested
///   entities that libxml2 already calls a loop (three levels of ten references, 1,000
///   bytes, in `tests/hostile.rs` terms). Recognised by libxml2's message.
/// * In an internal parse, libvirt 11.x's parser of [`UNMODELLED_STORAGE_ELEMENTS`] may
///   refuse a malformed one that the reference accepts, print one that the reference
///   drops, or fail on it before another error. Recognised by any difference on an input
///   that has one of those elements.
pub fn known_divergence(
    input: &[u8],
    internal: bool,
    reference: &Result<String, Rejection>,
    libvirt: &Result<String, Rejection>,
) -> Option<&'static str> {
    let mentions = |name: &str| {
        let tag = format!("<{name}");
        input.windows(tag.len()).any(|w| w == tag.as_bytes())
    };
    match (reference, libvirt) {
        (Err(a), Err(b)) if a.stage == b.stage && a.code == b.code && a.domain == b.domain => None,
        (_, Err(b))
            if b.stage == Stage::WellFormed
                && b.message.contains("Detected an entity reference loop") =>
        {
            Some("libxml2's entity expansion heuristic is not modelled")
        }
        _ if internal
            && UNMODELLED_STORAGE_ELEMENTS
                .iter()
                .any(|name| mentions(name))
            && compare_with_libvirt(reference, libvirt).is_err() =>
        {
            Some("libvirt 11's dataStore parser is not modelled")
        }
        _ => None,
    }
}

/// Inputs that crash libvirt itself, which [`check_libvirt`] therefore never hands over:
/// libvirt 11.3.0 dies of SIGSEGV in its libxml2 error callback (`catchXMLError`, reached
/// from `virDomainBackupDefParseString`) when the document, as the C string it sees, is two
/// or more line ends and nothing else (`"\r\n"`, `"\n\n"`, ...). libvirt 9.0.0 reports
/// "Document is empty". Found by the `libvirt_diff` target
/// (`corpus/fuzz/crashes/libvirt_diff/libvirt-11.3-segfault-only-line-ends`).
pub fn crashes_libvirt(input: &[u8], profile: Profile) -> bool {
    let seen = input.split(|&b| b == 0).next().unwrap_or(&[]);
    profile.crashes_on_line_ends_only()
        && seen.len() >= 2
        && seen.iter().all(|&b| b == b'\r' || b == b'\n')
}

/// What [`check_libvirt`] did with an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Asked {
    /// Modes in which libvirt judged the input and agreed.
    pub agreed: usize,
    /// Modes libvirt could not be asked about faithfully (an [`OracleError`]), skipped.
    ///
    /// [`OracleError`]: crate::libvirt::OracleError
    pub skipped: usize,
}

/// The `libvirt_diff` check: `input` through the reference and through `libvirt` in every
/// mode, under `profile` (the loaded libvirt's). An aligned mode whose plain counterpart
/// libvirt rejected is not asked again: libvirt parses before it aligns, so its answer is
/// that same rejection.
#[cfg(feature = "libvirt")]
pub fn check_libvirt(
    libvirt: &crate::libvirt::Libvirt,
    profile: Profile,
    input: &[u8],
) -> Result<Asked, Finding> {
    let mut asked = Asked::default();
    if crashes_libvirt(input, profile) {
        asked.skipped += Mode::ALL.len();
        return Ok(asked);
    }
    for internal in [false, true] {
        let mut plain_real: Option<Result<String, Rejection>> = None;
        for align in [false, true] {
            let mode = match (internal, align) {
                (false, false) => Mode::Parse,
                (false, true) => Mode::Align,
                (true, false) => Mode::Internal,
                (true, true) => Mode::InternalAlign,
            };
            let real = match (&plain_real, align) {
                (Some(Err(r)), true) => Err(r.clone()),
                _ => match libvirt.process(input, internal, align) {
                    Ok(outcome) => outcome,
                    Err(_) => {
                        asked.skipped += 1;
                        continue;
                    }
                },
            };
            let reference = process(input, mode.options(profile));
            if known_divergence(input, internal, &reference, &real).is_some() {
                asked.skipped += 1;
                continue;
            }
            if let Err(why) = compare_with_libvirt(&reference, &real) {
                let (summary, detail) = why.split_once('\n').unwrap_or((&why, ""));
                return Err(Finding::new(
                    "libvirt_diff",
                    profile,
                    mode,
                    input,
                    format!(
                        "the reference and libvirt {} disagree: {summary}",
                        libvirt.version_string()
                    ),
                    detail.to_string(),
                ));
            }
            asked.agreed += 1;
            if !align {
                plain_real = Some(real);
            }
        }
    }
    Ok(asked)
}
