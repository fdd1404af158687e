//! The grammar-driven generator: proptest strategies for valid and invalid backup documents,
//! each with the verdict libvirt gives for it.
//!
//! Model first, text second: a valid case is a [`DomainBackup`] drawn from the grammar
//! ([`model`]), written in one of many equivalent spellings ([`render`]); its expected output
//! comes from the model through alignment and the formatter, never from parsing the text.
//! An invalid case is a valid one with exactly one named rule broken ([`invalid`]), and
//! carries the rejection libvirt gives for it.
//!
//! ```no_run
//! use domainbackup_harness::{Mode, Profile, generator};
//! use proptest::prelude::*;
//!
//! proptest! {
//!     #[test]
//!     fn my_parser_agrees(case in generator::valid(Profile::V11_3, Mode::Parse)) {
//!         // hand case.document to the implementation under test,
//!         // compare with case.expected
//!     }
//! }
//! ```

pub mod campaign;
pub mod coverage;
pub mod invalid;
pub mod model;
pub mod render;

use proptest::prelude::*;

use crate::align::{self, Domain};
use crate::model::DomainBackup;
use crate::{Mode, Profile, Rejection};

pub use invalid::{InvalidCase, invalid};
pub use model::Target;

/// A valid document with the output libvirt prints for it.
#[derive(Debug, Clone)]
pub struct ValidCase {
    /// The libvirt version.
    pub profile: Profile,
    /// How the document is processed.
    pub mode: Mode,
    /// What libvirt's parser reads from the document.
    pub definition: DomainBackup,
    /// The seed of the spelling.
    pub seed: u64,
    /// The document.
    pub document: String,
    /// The canonical output for `mode` (aligned with the upstream test's fake domain in the
    /// aligned modes).
    pub expected: String,
}

/// What the pipeline is expected to do with a case.
pub type Expected = Result<String, Rejection>;

fn target(profile: Profile, mode: Mode) -> Target {
    Target {
        profile,
        internal: mode.options(profile).internal,
    }
}

/// The output libvirt prints for `def` read in `mode` (aligned against the upstream test's
/// fake domain in the aligned modes).
pub fn expected_output(def: &DomainBackup, profile: Profile, mode: Mode) -> Expected {
    let options = mode.options(profile);
    if options.align {
        let mut aligned = def.clone();
        let domain = Domain::upstream_test(&aligned);
        align::align(&mut aligned, &domain, align::UPSTREAM_TEST_SUFFIX, profile)?;
        Ok(crate::xml::format::format(&aligned, options.internal))
    } else {
        Ok(crate::xml::format::format(def, options.internal))
    }
}

/// Valid documents for `profile` processed in `mode`.
pub fn valid(profile: Profile, mode: Mode) -> BoxedStrategy<ValidCase> {
    let t = target(profile, mode);
    let aligned = mode.options(profile).align;
    (model::definition(t), any::<u64>())
        .prop_map(move |(mut definition, seed)| {
            if aligned {
                model::make_alignable(&mut definition);
            }
            let document = render::render(&definition, t, seed);
            // Alignment cannot fail on an alignable definition; a failure would show as a
            // failing case, never be hidden.
            let expected = match expected_output(&definition, profile, mode) {
                Ok(text) => text,
                Err(r) => format!("unexpected rejection: {}", r.to_line()),
            };
            ValidCase {
                profile,
                mode,
                definition,
                seed,
                document,
                expected,
            }
        })
        .boxed()
}

/// A definition with a domain of its own (read-only, empty and non-file disks included)
/// that it aligns against without error, written in some spelling; for alignment tests
/// through the library.
pub fn valid_with_domain(profile: Profile) -> BoxedStrategy<(ValidCase, Domain)> {
    let t = Target {
        profile,
        internal: false,
    };
    (model::aligned_definition(t), any::<u64>())
        .prop_map(move |((definition, domain), seed)| {
            let document = render::render(&definition, t, seed);
            let mut aligned = definition.clone();
            let expected =
                match align::align(&mut aligned, &domain, align::UPSTREAM_TEST_SUFFIX, profile) {
                    Ok(()) => crate::xml::format::format(&aligned, false),
                    Err(r) => format!("unexpected rejection: {}", r.to_line()),
                };
            (
                ValidCase {
                    profile,
                    mode: Mode::Align,
                    definition,
                    seed,
                    document,
                    expected,
                },
                domain,
            )
        })
        .boxed()
}
