//! domainbackup-harness: holds implementations of libvirt's `<domainbackup>` XML to
//! libvirt's behaviour.
//!
//! The reference model (`domainbackup-model`, re-exported here: [`parse`], [`process`],
//! [`xml`], [`align`], [`rules`], ...) reads, checks, aligns and formats a backup document
//! exactly as libvirt does; the generator (`domainbackup-proptest`, re-exported as
//! [`generator`]) draws valid and invalid documents with libvirt's verdict. This crate adds
//! what runs them against others: the conformance runner ([`conform`]), the corpus
//! ([`corpus`]), the fuzz checks ([`fuzzing`]) and real libvirt in-process (`libvirt`,
//! behind the `libvirt` feature).
#![deny(unsafe_code)]
#![deny(missing_docs)]

pub mod conform;
pub mod corpus;
pub mod fuzzing;
pub mod generator;
#[cfg(feature = "libvirt")]
pub mod libvirt;

pub use domainbackup_model::{
    DomainBackup, ErrorCode, ErrorDomain, Mode, Options, Position, Profile, Rejection, Rule, Stage,
    UnknownProfile, align, model, parse, process, rules, vocabulary, xml,
};
