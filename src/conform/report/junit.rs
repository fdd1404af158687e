//! `junit.xml`: the results as JUnit XML, for CI systems that show test reports.
//!
//! It returns text; writing the file is [`super::folder`]'s job.

use std::fmt::Write as _;

use crate::conform::compare::Outcome;

use super::{RunReport, xml_escape};

/// `junit.xml`: one test suite per implementation, one test case per case; disagreements
/// are failures, known failures and skipped cases are skipped.
pub fn junit_xml(reports: &[RunReport]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    for report in reports {
        let failures = report.new_failures();
        let skipped = report
            .results
            .iter()
            .filter(|r| r.outcome == Outcome::Skipped || r.known.is_some())
            .count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\" time=\"{:.3}\">",
            xml_escape(&report.implementation.name),
            report.results.len(),
            report.elapsed_ms as f64 / 1000.0
        );
        for r in &report.results {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\"",
                xml_escape(&r.rule),
                xml_escape(&r.id)
            );
            if let Some(reason) = &r.known {
                let _ = writeln!(
                    out,
                    "><skipped message=\"known failure: {}\"/></testcase>",
                    xml_escape(reason)
                );
            } else if r.outcome == Outcome::Skipped {
                let _ = writeln!(
                    out,
                    "><skipped message=\"{}\"/></testcase>",
                    xml_escape(&r.detail)
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
                    xml_escape(&r.detail),
                    xml_escape(&body)
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
