//! The grammar-driven generator (`domainbackup-proptest`, re-exported whole), and the
//! writing of generated cases to a folder ([`campaign`], the `generate` command's work).

pub use domainbackup_proptest::*;

pub mod campaign;
