//! The XML side of the pipeline: reading text into a tree ([`read`]), the RELAX NG rules of
//! `domainbackup.rng` ([`schema`]), libvirt's C parser ([`semantic`]) and its formatter
//! ([`format`](mod@format)).

mod dtd;
mod encodings;
pub mod escape;
pub mod format;
pub mod read;
pub mod schema;
pub mod semantic;
pub mod tree;

pub use tree::{Attribute, Document, Element, EntityReference, Node, Text};
