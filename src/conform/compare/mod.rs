//! Comparing what an implementation did with what libvirt does (the reference's outcome).
//!
//! Levels ([`Comparison`]): the verdict alone; the semantic model of accepted output (the
//! default: the implementation's text is read back leniently and compared with the
//! expected model field by field, each difference named by path, e.g.
//! `/domainbackup/disks/disk[2]/@exportbitmap`); exact canonical bytes; and, for
//! implementations that report libvirt's numbers, the stage and error code of rejections.
//!
//! Every case ends in one [`Outcome`]. The comparator is itself tested with pairs that must
//! differ (one per model field), since a comparison that cannot fail proves nothing.
//!
//! Its parts, one job each, with their public items re-exported here (`conform::compare::X`
//! is the path to use): `outcome` (the outcome classes and the comparison levels),
//! `difference` (a difference by path, and the exact comparison), `semantic` (output read
//! back and compared field by field), `judgement` (one case's verdict from the expected
//! and the observed behaviour) and `message` (the one-line texts reports show).
//! Nothing here runs an implementation: it is given what one did.

mod difference;
mod judgement;
mod message;
mod outcome;
mod semantic;

pub use difference::{DIFFERENCE_KINDS, Difference, exact_differences, without_indexes};
pub use judgement::{Judgement, Signature, judge};
pub use message::describe_expectation;
pub(crate) use message::{one_line, push_number, show_controls};
pub use outcome::{Comparison, Outcome, OutputComparison, Validation};
pub use semantic::{diff_models, read_back, semantic_differences};
