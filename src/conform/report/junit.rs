//! `junit.xml`: the results as JUnit XML, for CI systems that show test reports.
//!
//! It writes to what it is given, a case at a time (a campaign's results may be read back
//! from their file as they are written); opening the file is [`super::folder`]'s job.

use std::fmt::Write as _;

use crate::conform::compare::Outcome;
use crate::conform::environment::EnvironmentError;

use super::{RunReport, escape_for_display};

/// `junit.xml`: one test suite per implementation, one test case per case; disagreements
/// are failures, known failures and skipped cases are skipped.
pub fn junit_xml(reports: &[RunReport]) -> Result<String, EnvironmentError> {
    let mut out = Vec::new();
    write_junit(&mut out, reports, std::path::Path::new("junit.xml"))?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// [`junit_xml`] written to `sink` (`path` names it in an error).
pub fn write_junit(
    sink: &mut dyn std::io::Write,
    reports: &[RunReport],
    path: &std::path::Path,
) -> Result<(), EnvironmentError> {
    let mut failed: Option<std::io::Error> = None;
    let mut flush = |out: &mut String| {
        if failed.is_none() {
            if let Err(e) = sink.write_all(out.as_bytes()) {
                failed = Some(e);
            }
        }
        out.clear();
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    for report in reports {
        let failures = report.new_failures();
        let skipped: usize = report
            .tally
            .counts()
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Skipped | Outcome::AcceptedInvalid) || c.known)
            .map(|c| c.cases)
            .sum();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\" time=\"{:.3}\">",
            escape_for_display(&report.implementation.name),
            report.cases(),
            report.elapsed_ms as f64 / 1000.0
        );
        report.each_result(|r| {
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
            if out.len() >= 1 << 16 {
                flush(&mut out);
            }
        })?;
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    flush(&mut out);
    match failed {
        None => Ok(()),
        Some(e) => Err(EnvironmentError::io(path, e)),
    }
}
