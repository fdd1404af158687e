//! The grammar-driven generator: proptest strategies for valid and invalid backup documents,
//! each with the verdict libvirt gives for it.
//!
//! Model first, text second: a valid case is a [`DomainBackup`] drawn from the grammar
//! ([`model`]), written in one of many equivalent spellings ([`render`]); its expected output
//! comes from the model through alignment and the formatter, never from parsing the text.
//! An invalid case is a valid one with exactly one named rule broken ([`invalid`](mod@invalid)), and
//! carries the rejection libvirt gives for it.
//!
//! ```no_run
//! use domainbackup_model::{Mode, Profile};
//! use domainbackup_proptest as generator;
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

#![deny(unsafe_code)]
#![deny(missing_docs)]

pub mod boundary;
pub mod coverage;
pub mod invalid;
pub mod model;
pub mod render;
mod rng;

pub use rng::Rng;

use proptest::prelude::*;

use domainbackup_model::align::{self, Domain};
use domainbackup_model::model::DomainBackup;
use domainbackup_model::{Mode, Profile, Rejection, rules};

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

/// A random `x` mapped onto `0..n` (0 when `n` is 0): the high half of the 128-bit product,
/// which costs a multiplication where `%` costs a division (a document takes hundreds).
fn scale(x: u64, n: usize) -> usize {
    ((u128::from(x) * n as u128) >> 64) as usize
}

/// The output libvirt prints for `def` read in `mode` (aligned against the upstream test's
/// fake domain in the aligned modes).
pub fn expected_output(def: &DomainBackup, profile: Profile, mode: Mode) -> Expected {
    let options = mode.options(profile);
    if options.align {
        let mut aligned = def.clone();
        let domain = Domain::upstream_test(&aligned);
        align::align(&mut aligned, &domain, align::UPSTREAM_TEST_SUFFIX, profile)?;
        Ok(domainbackup_model::xml::format::format(
            &aligned,
            options.internal,
        ))
    } else {
        Ok(domainbackup_model::xml::format::format(
            def,
            options.internal,
        ))
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

/// Valid definitions for `profile` processed in `mode`, as [`valid`] and [`invalid()`] draw
/// them (before [`valid_document`] or [`invalid::break_rule`] writes them).
pub fn definitions(profile: Profile, mode: Mode) -> BoxedStrategy<DomainBackup> {
    model::definition(target(profile, mode))
}

/// A valid document for `definition` (drawn by [`definitions`] for the same profile and
/// mode) in the spelling `seed` picks, as [`valid`] writes it, without the expected output
/// (for callers that take the expectation from the reference anyway, such as the
/// conformance runner's generated cases).
pub fn valid_document(
    definition: &DomainBackup,
    profile: Profile,
    mode: Mode,
    seed: u64,
) -> String {
    let t = target(profile, mode);
    if mode.options(profile).align {
        let mut definition = definition.clone();
        model::make_alignable(&mut definition);
        render::render(&definition, t, seed)
    } else {
        render::render(definition, t, seed)
    }
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
                    Ok(()) => domainbackup_model::xml::format::format(&aligned, false),
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

/// An alignment error that needs a domain of its own (the upstream test's fake domain has
/// every listed disk, as file disks, so it never reaches these).
#[derive(Debug, Clone)]
pub struct DomainAlignmentCase {
    /// The rule: one of [`DOMAIN_ALIGNMENT_RULES`].
    pub rule: &'static domainbackup_model::rules::Rule,
    /// The document, valid for the schema and the parser.
    pub document: String,
    /// The domain it is aligned against.
    pub domain: Domain,
    /// libvirt's rejection.
    pub expected: Rejection,
}

/// The alignment rules [`invalid_with_domain`] breaks.
pub static DOMAIN_ALIGNMENT_RULES: [&domainbackup_model::rules::Rule; 4] = [
    &rules::ALIGN_DOMAIN_WITHOUT_DISKS,
    &rules::ALIGN_NO_DISK_NAMED,
    &rules::ALIGN_DISK_WITHOUT_MEDIA,
    &rules::ALIGN_NO_FILE_NAME,
];

/// Documents that align against a generated domain with one of A1, A2, A5 or A6, each with
/// the domain that triggers it and libvirt's rejection.
pub fn invalid_with_domain(profile: Profile) -> BoxedStrategy<DomainAlignmentCase> {
    use domainbackup_model::align::{DomainDisk, SourceType};
    let t = Target {
        profile,
        internal: false,
    };
    (model::aligned_definition(t), any::<u64>(), 0usize..4)
        .prop_filter_map(
            "the rule applies",
            move |((mut def, mut domain), seed, which)| {
                let rule = DOMAIN_ALIGNMENT_RULES[which];
                let expected = match which {
                    0 => {
                        domain.disks.clear();
                        rule.reject(&[])
                    }
                    1 => {
                        // A listed name the domain does not have, in front of the others.
                        let name = "vdnotthere".to_string();
                        domain.disks.retain(|d| d.target != name);
                        def.disks.insert(
                            0,
                            domainbackup_model::model::BackupDisk {
                                name: name.clone(),
                                ..Default::default()
                            },
                        );
                        rule.reject(&[&name])
                    }
                    2 => {
                        // The first listed backed-up disk's domain disk has no source.
                        let disk = def.disks.iter().find(|d| d.backup)?;
                        let source = domain.disks.iter_mut().find(|d| d.target == disk.name)?;
                        source.source_type = SourceType::File;
                        source.path = None;
                        rule.reject(&[&disk.name])
                    }
                    _ => {
                        // With no <disks>, an unlisted writable disk with media on a block
                        // device needs a generated file name, which only file disks get.
                        def.disks.clear();
                        domain.disks = vec![
                            DomainDisk::file("vda", "/images/vda.qcow2"),
                            DomainDisk {
                                target: "vdb".into(),
                                source_type: SourceType::Block,
                                path: Some("/dev/vg/vdb".into()),
                                network_protocol: false,
                                readonly: false,
                            },
                        ];
                        rule.reject(&[&"vdb"])
                    }
                };
                let document = render::render(&def, t, seed);
                Some(DomainAlignmentCase {
                    rule,
                    document,
                    domain,
                    expected,
                })
            },
        )
        .boxed()
}
