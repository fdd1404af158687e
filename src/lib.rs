//! domainbackup-harness: holds implementations of libvirt's `<domainbackup>` XML to
//! libvirt's behaviour.
//!
//! # Tutorial
//!
//! **Check a document** as libvirt would: the canonical text when libvirt accepts it, and
//! otherwise libvirt's rejection, with the rule it breaks.
//!
//! ```
//! use domainbackup_harness::{Mode, Profile, process};
//!
//! let options = Mode::Parse.options(Profile::V11_3);
//! let doc = b"<domainbackup mode='pull'><server name='backup.example.org'/>\
//!             <disks><disk name='vda' type='file'><scratch file='/var/tmp/vda.scratch'/>\
//!             </disk></disks></domainbackup>";
//! let text = process(doc, options).expect("libvirt accepts it");
//! assert!(text.contains("<server transport='tcp' name='backup.example.org'/>"));
//! assert!(text.contains("<disk name='vda' backup='yes' type='file'>"));
//!
//! let refused = process(b"<domainbackup mode='sideways'/>", options).unwrap_err();
//! assert_eq!(refused.rule_id(), Some("schema.mode.value"));
//! assert_eq!(refused.code, 92); // VIR_ERR_XML_INVALID_SCHEMA, as libvirt reports it
//! ```
//!
//! **Test your own parser with the generator's strategies** (from another crate's tests:
//! add `domainbackup-harness` or just `domainbackup-proptest` and `proptest` as
//! dev-dependencies). Each valid case carries the text libvirt writes for it, each invalid
//! one the rejection libvirt gives.
//!
//! ```
//! use domainbackup_harness::generator;
//! use domainbackup_harness::{Mode, Profile};
//! use proptest::prelude::*;
//! use proptest::test_runner::{Config, TestRunner};
//!
//! // Stands for the parser under test: here the reference itself.
//! fn my_parser(document: &[u8]) -> Result<String, String> {
//!     domainbackup_harness::process(document, Mode::Parse.options(Profile::V11_3))
//!         .map_err(|r| r.message)
//! }
//!
//! let mut runner = TestRunner::new(Config { cases: 32, ..Config::default() });
//! runner
//!     .run(&generator::valid(Profile::V11_3, Mode::Parse), |case| {
//!         prop_assert_eq!(my_parser(case.document.as_bytes()), Ok(case.expected.clone()));
//!         Ok(())
//!     })
//!     .expect("agrees with libvirt on valid documents");
//! runner
//!     .run(&generator::invalid(Profile::V11_3, Mode::Parse), |case| {
//!         prop_assert!(my_parser(&case.document).is_err(), "accepted {}", case.rule.id);
//!         Ok(())
//!     })
//!     .expect("refuses what libvirt refuses");
//! ```
//!
//! (In a `#[test]`, the `proptest!` macro does the same with shrinking reports.)
//!
//! **Run a conformance campaign from Rust**, as `domainbackup-harness check` does: any
//! implementation (a command per case, an NDJSON process, or one built in), the corpus built
//! into this crate, libvirt's upstream vectors when they are found, and generated cases.
//!
//! ```
//! use std::sync::atomic::AtomicBool;
//!
//! use domainbackup_harness::conform::run::{self, CheckRequest};
//! use domainbackup_harness::conform::{CheckConfig, ImplementationSpec, Upstream};
//!
//! let request = CheckRequest {
//!     implementation: ImplementationSpec::Reference,
//!     name: None,
//!     config: CheckConfig {
//!         cases: Some(300),
//!         upstream: Upstream::Off,
//!         ..CheckConfig::default()
//!     },
//!     report_dir: None,
//!     write_known_failures: None,
//!     resume: false,
//! };
//! let report = run::execute(&request, &[], &run::Quiet, &AtomicBool::new(false))
//!     .expect("the campaign runs");
//! assert_eq!(report.results.len(), 300);
//! assert_eq!(report.new_failures(), 0);
//! print!("{}", domainbackup_harness::conform::report::terminal_summary(&report, 3));
//! ```
//!
//! # Parts
//!
//! The reference model (`domainbackup-model`, re-exported here: [`parse`], [`process`],
//! [`xml`], [`align`], [`rules`], ...) reads, checks, aligns and formats a backup document
//! exactly as libvirt does; the generator (`domainbackup-proptest`, re-exported as
//! [`generator`]) draws valid and invalid documents with libvirt's verdict. This crate adds
//! what runs them against others: the conformance runner ([`conform`]), the corpus
//! ([`corpus`], built in), the fuzz checks ([`fuzzing`]) and real libvirt in-process
//! (`libvirt`, behind the `libvirt` feature).
#![deny(unsafe_code)]
#![deny(missing_docs)]

pub mod conform;
pub mod corpus;
pub mod emit;
pub mod fuzzing;
pub mod generator;
#[cfg(feature = "libvirt")]
pub mod libvirt;

pub use domainbackup_model::{
    DomainBackup, ErrorCode, ErrorDomain, Mode, Options, Position, Profile, Rejection, Rule, Stage,
    UnknownProfile, align, model, parse, process, rules, vocabulary, xml,
};
