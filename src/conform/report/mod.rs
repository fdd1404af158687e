//! What a run found, for people and machines: the terminal summary (counts per outcome and
//! per rule, then the first minimal counterexamples in full, each with its replay command),
//! and a report folder with the results as JSON lines (`results.jsonl`), JUnit XML
//! (`junit.xml`), a static HTML page (`index.html`: a matrix of rule ids × outcomes, or
//! rule ids × implementations when several runs are merged), the run's summary
//! (`summary.json`) and the counterexample files (`counterexamples/`).
//!
//! [`matrix_page`] puts several implementations' runs side by side, a column per
//! implementation and profile, with a compliance figure and a badge each (`matrix`).
//!
//! [`merge()`] combines report folders: shards of one implementation become one run (the
//! same results as an unsharded run); different implementations become columns. Nothing
//! here prints; the rendering functions return text.
//!
//! Its parts, one job each, with their public items re-exported here (`conform::report::X`
//! is the path to use): `records` (the data and its counts), `summary` (the terminal
//! text), `junit` and `html` (the folder's two renderings), `folder` (the files on disk)
//! and `merge` (combining runs).

mod folder;
mod html;
mod junit;
pub(crate) mod matrix;
mod merge;
mod records;
mod summary;
mod tally;

use std::fmt::Write as _;

pub(crate) use folder::write_file_with;
pub use folder::{read_report_dir, write_matrix_dir, write_report_dir, write_results_jsonl};
pub use html::html_page;
pub use junit::{junit_xml, write_junit};
pub use matrix::{
    Column, MatrixRun, badge, badge_name, columns, matrix_json, matrix_page, overall, percent,
};
pub use merge::{merge, merge_dirs};
pub use records::{
    CaseResult, Counterexample, DivergenceClass, EXIT_AGREE, EXIT_DISAGREE, EXIT_ENVIRONMENT,
    EXIT_INTERRUPTED, ExpectedRecord, Replay, RunReport,
};
pub use summary::{replay_summary, terminal_summary};
pub use tally::{Count, Tally};

/// What the rule named `rule` asks of a document, in the catalogue's words (nothing for a
/// case label that is no catalogue rule, such as `grammar.push`).
fn rule_summary(rule: &str) -> Option<&'static str> {
    crate::rules::by_id(rule).map(|r| r.summary)
}

/// Text escaped for XML and HTML alike (element text and quoted attribute values), with
/// control characters other than TAB and LF shown as `\xNN`: a report shows a reader what
/// a document held, where [`crate::xml::escape`] keeps it (or drops it, as libvirt does).
pub(crate) fn escape_for_display(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}
