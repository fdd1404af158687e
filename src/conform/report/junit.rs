//! `junit.xml`: the results as JUnit XML, for CI systems that show test reports.
//!
//! It returns text; writing the file is [`super::folder`]'s job.

use std::fmt::Write as _;

use crate::conform::compare::Outcome;

use super::{RunReport, escape_for_display};

/// `junit.xml`: one test suite per implementation, one test case per case; disagreements
/// are failures, known failures and skipped cases are skipped.
pub fn junit_xml(reports: &[RunReport]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    for report in reports {
        let failures = report.new_failures();
        let skipped = report
            .results
            .iter()
            .filter(|r| {
                matches!(r.outcome, Outcome::Skipped | Outcome::AcceptedInvalid)
                    || r.known.is_some()
            })
            .count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\" time=\"{:.3}\">",
            escape_for_display(&report.implementation.name),
            report.results.len(),
            report.elapsed_ms as f64 / 1000.0
        );
        for r in &report.results {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\"",
                escape_for_display(&r.rule),
                escape_for_display(&r.id)
            );
            if let Some(reason) = &r.known {
                let _ = writeln!(
                    out,
                    "><skipped message=\"known failure: {}\"/></testcase>",
                    escape_for_display(reason)
                );
            } else if r.outcome == Outcome::Skipped || r.outcome == Outcome::AcceptedInvalid {
                let _ = writeln!(
                    out,
                    "><skipped message=\"{}\"/></testcase>",
                    escape_for_display(&r.detail)
                );
            } else if r.outcome.is_disagreement() {
                let mut body = format!("expected: {}\ngot: {}\n", r.expected, r.observed);
                for d in &r.differences {
                    body.push_str(d);
                    body.push('\n');
                }
                let _ = writeln!(
                    out,
                    "><failure type=\"{}\" message=\"{}\">{}</failure></testcase>",
                    r.outcome.key(),
                    escape_for_display(&r.detail),
                    escape_for_display(&body)
                );
            } else {
                out.push_str("/>\n");
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
