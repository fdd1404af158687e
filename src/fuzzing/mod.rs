//! The checks behind the fuzz targets (`fuzz/`), shared with `tests/fuzz_replay.rs` so that
//! every saved fuzz input is replayed by a plain `cargo test` through exactly the code that
//! judged it while fuzzing.
//!
//! * [`check_parse`]: arbitrary bytes through every [`Mode`] and [`Profile`]; what is
//!   accepted must read back to the same model and the same text (targets `parse`, `mutate`).
//! * [`check_roundtrip`]: the bytes drive the generator's strategies; the case must come out
//!   as the generator says (target `roundtrip`).
//! * [`check_libvirt`]: the reference against real libvirt (target `libvirt_diff`).
//! * [`mutate`]: the grammar-aware mutator of the `mutate` target.
//!
//! A check returns a [`Finding`] (a report people can read); it never panics on input: the
//! fuzz targets turn a finding into a crash, the replay test into a failure.
//!
//! Where libvirt itself cannot read its own output back, the round trip is not skipped:
//! [`readable_spelling`] writes the canonical text the way libvirt *would* read it back
//! (a character reference for a TAB, LF or CR, `state=''` for a disk whose state is none)
//! and everything else is still compared byte for byte.
//!
//! One module per target, with its public items re-exported here
//! (`domainbackup_harness::fuzzing::X` is the path to use): `parse` ([`check_parse`], also
//! the check of the `mutate` target), `roundtrip`, `libvirt_diff`, and `mutator` (the
//! `mutate` target's own part, with its word lists in `vocabulary` and its tree writer in
//! `writer`); `spelling` is what `parse` and `roundtrip` share. This module holds the
//! [`Finding`] they all return.

mod libvirt_diff;
mod mutator;
mod parse;
mod roundtrip;
mod spelling;
mod vocabulary;
mod writer;

use std::fmt;

use crate::{Mode, Profile, Rejection};

#[cfg(feature = "libvirt")]
pub use libvirt_diff::check_libvirt;
pub use libvirt_diff::{
    Asked, UNMODELLED_STORAGE_ELEMENTS, compare_with_libvirt, crashes_libvirt, known_divergence,
};
pub use mutator::mutate;
pub use parse::check_parse;
pub use roundtrip::{check_roundtrip, roundtrip_case, roundtrip_seed, roundtrip_target};
pub use spelling::readable_spelling;
pub use vocabulary::{ATTRIBUTE_NAMES, ELEMENT_NAMES, dictionary, values};
pub use writer::write_tree;

/// A disagreement found by a check: what was checked, where, and both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    /// The check (`parse`, `roundtrip`, `libvirt_diff`).
    pub check: &'static str,
    /// The profile it happened under, when it is about one.
    pub profile: Option<Profile>,
    /// The mode it happened in, when it is about one.
    pub mode: Option<Mode>,
    /// One line: what went wrong.
    pub summary: String,
    /// The evidence: both sides, the texts involved.
    pub detail: String,
    /// The document (for `roundtrip`, the generated one; otherwise the input).
    pub document: Vec<u8>,
}

impl Finding {
    fn new(
        check: &'static str,
        profile: Profile,
        mode: Mode,
        document: &[u8],
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) -> Finding {
        Finding {
            check,
            profile: Some(profile),
            mode: Some(mode),
            summary: summary.into(),
            detail: detail.into(),
            document: document.to_vec(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.check)?;
        if let Some(p) = self.profile {
            write!(f, ", profile {p}")?;
        }
        if let Some(m) = self.mode {
            write!(f, ", mode {m}")?;
        }
        writeln!(f, ": {}", self.summary)?;
        writeln!(f, "--- document ({} bytes)", self.document.len())?;
        writeln!(f, "{}", printable(&self.document))?;
        if !self.detail.is_empty() {
            writeln!(f, "--- details")?;
            writeln!(f, "{}", self.detail)?;
        }
        Ok(())
    }
}

impl std::error::Error for Finding {}

/// The bytes as text a terminal shows safely: invalid UTF-8 and control characters other
/// than TAB and LF escaped, long inputs cut.
fn printable(bytes: &[u8]) -> String {
    const SHOWN: usize = 4096;
    let cut = &bytes[..bytes.len().min(SHOWN)];
    let mut out = String::new();
    for chunk in cut.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\n' | '\t' => out.push(c),
                '\r' => out.push_str("\\r"),
                c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    if bytes.len() > SHOWN {
        out.push_str(&format!("\n[... {} more bytes]", bytes.len() - SHOWN));
    }
    out
}

fn outcome_line(outcome: &Result<String, Rejection>) -> String {
    match outcome {
        Ok(text) => format!("accepted:\n{text}"),
        Err(r) => format!("rejected: {}", r.to_line()),
    }
}
