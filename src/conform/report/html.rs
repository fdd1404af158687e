//! `index.html`: the static page of a report folder, a matrix of rule ids × outcomes (one
//! implementation) or rule ids × implementations (merged runs), then each
//! implementation's fixed known failures, counterexamples and disagreements.
//!
//! It returns text; writing the file is [`super::folder`]'s job. No script, no external
//! resource: the page reads the same from a file or a CI artifact.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::conform::compare::Outcome;
use crate::conform::environment::EnvironmentError;

use super::{CaseResult, RunReport, escape_for_display, rule_summary};

pub(super) fn outcome_color(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Agree => "#d8f0d8",
        Outcome::Skipped => "#eeeeee",
        Outcome::AcceptedInvalid => "#dde6f3",
        Outcome::WrongOutput | Outcome::WrongError => "#fbe3b0",
        _ => "#f6c0c0",
    }
}

/// `index.html`: a static page. One implementation: a matrix of rule ids × outcomes.
/// Several: rule ids × implementations (agreeing cases of all cases, coloured by the worst
/// outcome, every outcome count in the cell's title). Then each implementation's
/// counterexamples and disagreements.
pub fn html_page(reports: &[RunReport]) -> Result<String, EnvironmentError> {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n\
         <title>domainbackup-harness conformance</title>\n<style>\n\
         body{font-family:system-ui,sans-serif;margin:2em;color:#222}\n\
         table{border-collapse:collapse;margin:1em 0}\n\
         th,td{border:1px solid #bbb;padding:.25em .6em;text-align:right}\n\
         th{background:#f4f4f4}td.rule,th.rule{text-align:left;font-family:monospace}span.summary{font-family:sans-serif;font-size:85%;color:#555}\n\
         pre{background:#f7f7f7;padding:.6em;overflow:auto;border:1px solid #ddd}\n\
         .bad{color:#a00}.ok{color:#070}\n</style></head><body>\n\
         <h1>domainbackup-harness conformance</h1>\n",
    );
    for r in reports.iter().filter(|r| !r.left_out.is_empty()) {
        let _ = writeln!(
            out,
            "<p>{}: not run, as its handshake does not declare them: {}.</p>",
            escape_for_display(&r.implementation.name),
            escape_for_display(&r.left_out.join(", "))
        );
    }
    for r in reports {
        for notice in &r.notices {
            let _ = writeln!(
                out,
                "<p>{}: {}.</p>",
                escape_for_display(&r.implementation.name),
                escape_for_display(notice)
            );
        }
    }
    // Divergence classes first: what is wrong, by kind, with a counterexample each.
    for r in reports {
        let classes = r.classes();
        if classes.is_empty() {
            continue;
        }
        let _ = write!(
            out,
            "<h2>Classes: {}</h2>\n<table><tr><th class=\"rule\">class</th><th>cases</th>\
             <th class=\"rule\">case rules</th><th class=\"rule\">counterexample</th></tr>\n",
            escape_for_display(&r.implementation.name)
        );
        for class in &classes {
            let file = class.counterexample.as_deref().map_or(String::new(), |f| {
                let name = std::path::Path::new(f)
                    .file_name()
                    .map_or(f.to_string(), |n| n.to_string_lossy().into_owned());
                format!(
                    "<a href=\"counterexamples/{0}\">{0}</a>",
                    escape_for_display(&name)
                )
            });
            let _ = writeln!(
                out,
                "<tr><td class=\"rule\">{}</td><td style=\"background:{}\">{}</td>\
                 <td class=\"rule\">{}</td><td class=\"rule\">{file}</td></tr>",
                escape_for_display(&class.class),
                outcome_color(class.outcome),
                class.count,
                escape_for_display(&class.rules.join(", ")),
            );
        }
        out.push_str("</table>\n");
    }
    // Totals: outcomes × implementations.
    out.push_str("<h2>Outcomes</h2>\n<table><tr><th class=\"rule\">outcome</th>");
    for r in reports {
        let _ = write!(
            out,
            "<th>{}<br><small>{} cases, seed {}, {}</small></th>",
            escape_for_display(&r.implementation.name),
            r.cases(),
            r.seed,
            escape_for_display(&r.compare)
        );
    }
    out.push_str("</tr>\n");
    let counts: Vec<_> = reports.iter().map(RunReport::counts).collect();
    for outcome in Outcome::ALL {
        let _ = write!(out, "<tr><td class=\"rule\">{}</td>", outcome.name());
        for c in &counts {
            let n = c.get(&outcome).copied().unwrap_or(0);
            let style = if n > 0 {
                format!(" style=\"background:{}\"", outcome_color(outcome))
            } else {
                String::new()
            };
            let _ = write!(out, "<td{style}>{n}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");

    // Each run's counts per rule, once; the rules of all runs, in order.
    let per: Vec<_> = reports.iter().map(RunReport::rule_counts).collect();
    let rules: BTreeSet<&str> = per
        .iter()
        .flat_map(|c| c.keys().map(String::as_str))
        .collect();
    if let [per_rule] = per.as_slice() {
        out.push_str("<h2>Rules × outcomes</h2>\n<table><tr><th class=\"rule\">rule</th>");
        for o in Outcome::ALL {
            let _ = write!(out, "<th>{}</th>", o.name());
        }
        out.push_str("</tr>\n");
        for &rule in &rules {
            rule_cell(&mut out, rule);
            for o in Outcome::ALL {
                let n = per_rule
                    .get(rule)
                    .and_then(|c| c.get(&o))
                    .copied()
                    .unwrap_or(0);
                if n > 0 {
                    let _ = write!(
                        out,
                        "<td style=\"background:{}\">{n}</td>",
                        outcome_color(o)
                    );
                } else {
                    out.push_str("<td></td>");
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
    } else {
        out.push_str("<h2>Rules × implementations</h2>\n<table><tr><th class=\"rule\">rule</th>");
        for r in reports {
            let _ = write!(
                out,
                "<th>{}</th>",
                escape_for_display(&r.implementation.name)
            );
        }
        out.push_str("</tr>\n");
        for &rule in &rules {
            rule_cell(&mut out, rule);
            for c in &per {
                match c.get(rule) {
                    None => out.push_str("<td></td>"),
                    Some(c) => {
                        let total: usize = c.values().sum();
                        let agree = c.get(&Outcome::Agree).copied().unwrap_or(0);
                        let worst = c
                            .keys()
                            .copied()
                            .filter(|o| o.is_disagreement())
                            .min()
                            .unwrap_or(if agree > 0 {
                                Outcome::Agree
                            } else {
                                Outcome::Skipped
                            });
                        let title: Vec<String> =
                            c.iter().map(|(o, n)| format!("{} {n}", o.name())).collect();
                        let _ = write!(
                            out,
                            "<td style=\"background:{}\" title=\"{}\">{agree}/{total}</td>",
                            outcome_color(worst),
                            escape_for_display(&title.join(", "))
                        );
                    }
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
    }

    for report in reports {
        let name = escape_for_display(&report.implementation.name);
        if !report.fixed.is_empty() {
            let _ = writeln!(out, "<h2>{name}: known failures that now agree</h2>\n<ul>");
            for f in &report.fixed {
                let _ = writeln!(
                    out,
                    "<li><code>{}</code> {}</li>",
                    escape_for_display(&f.key),
                    escape_for_display(&f.reason)
                );
            }
            out.push_str("</ul>\n");
        }
        if !report.counterexamples.is_empty() {
            let _ = writeln!(out, "<h2>{name}: minimal counterexamples</h2>");
            for c in &report.counterexamples {
                let _ = writeln!(
                    out,
                    "<h3 class=\"bad\">{} — <code>{}</code></h3>\n<p>{}</p>\n<pre>{}</pre>\n\
                     <p>libvirt: {}</p><p>implementation: {}</p><p>replay: <code>{}</code></p>",
                    c.outcome.name(),
                    escape_for_display(&c.id),
                    escape_for_display(&c.detail),
                    escape_for_display(&String::from_utf8_lossy(&c.document_bytes())),
                    if c.expected.accepted {
                        "accepted".to_string()
                    } else {
                        escape_for_display(&format!(
                            "rejected{} (stage={} code={})",
                            c.expected
                                .rule
                                .as_deref()
                                .map_or(String::new(), |rule| format!(" by {rule}")),
                            c.expected.stage.as_deref().unwrap_or("?"),
                            c.expected.code.unwrap_or(0)
                        ))
                    },
                    escape_for_display(&c.observed.summary()),
                    escape_for_display(&c.replay)
                );
            }
        }
        // The first disagreements by case id, and how many there are (from the counts: the
        // results may be in a file, read here once).
        let disagreements: usize = report
            .tally
            .counts()
            .iter()
            .filter(|c| c.outcome.is_disagreement())
            .map(|c| c.cases)
            .sum();
        let mut bad: Vec<CaseResult> = Vec::new();
        if disagreements > 0 {
            report.each_result(|r| {
                if r.outcome.is_disagreement() && bad.len() < SHOWN_DISAGREEMENTS {
                    bad.push(r.clone());
                }
            })?;
        }
        if !bad.is_empty() {
            let _ = writeln!(
                out,
                "<h2>{name}: disagreements ({disagreements}{})</h2>\n<table><tr><th class=\"rule\">case</th>\
                 <th class=\"rule\">outcome</th><th class=\"rule\">detail</th></tr>",
                if disagreements > bad.len() {
                    format!("; the first {} by case id", bad.len())
                } else {
                    String::new()
                }
            );
            for r in &bad {
                let _ = writeln!(
                    out,
                    "<tr><td class=\"rule\">{}</td><td class=\"rule\" style=\"background:{}\">{}{}</td><td class=\"rule\">{}</td></tr>",
                    escape_for_display(&r.id),
                    outcome_color(r.outcome),
                    r.outcome.name(),
                    if r.known.is_some() { " (known)" } else { "" },
                    escape_for_display(&r.detail)
                );
            }
            out.push_str("</table>\n");
        }
    }
    out.push_str("</body></html>\n");
    Ok(out)
}

/// Disagreements a page lists by case (the classes above count them all).
const SHOWN_DISAGREEMENTS: usize = 500;

/// A table's first cell: the rule's id, and beneath it what the rule asks when the id is
/// the catalogue's.
fn rule_cell(out: &mut String, rule: &str) {
    let _ = write!(out, "<tr><td class=\"rule\">{}", escape_for_display(rule));
    if let Some(summary) = rule_summary(rule) {
        let _ = write!(
            out,
            "<br><span class=\"summary\">{}</span>",
            escape_for_display(summary)
        );
    }
    out.push_str("</td>");
}
