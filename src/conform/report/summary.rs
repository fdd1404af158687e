//! What `check` prints on a terminal: the summary of a run ([`terminal_summary`]: counts
//! per outcome and per rule, then the first minimal counterexamples in full, each with its
//! replay command) and of one replayed counterexample ([`replay_summary`]).
//!
//! It returns text and never prints it; it must not read or write files.

use std::fmt::Write as _;

use crate::conform::compare::Outcome;
use crate::conform::implementation::Observed;

use super::{Counterexample, Replay, RunReport, rule_summary};

/// The terminal summary: counts per outcome, per rule for the rules with disagreements (the
/// HTML report has every rule), known failures fixed, then the first `max_examples`
/// counterexamples in full with their replay commands.
pub fn terminal_summary(report: &RunReport, max_examples: usize) -> String {
    let mut out = String::new();
    let caps = &report.implementation;
    let _ = writeln!(
        out,
        "{}{}: {} cases{} in {:.1} s ({:.0} cases/s), seed {}, compare {}{}",
        caps.name,
        if caps.version.is_empty() {
            String::new()
        } else {
            format!(" {}", caps.version)
        },
        report.cases(),
        if report.resumed > 0 {
            format!(" ({} of them run before, resumed)", report.resumed)
        } else {
            String::new()
        },
        report.elapsed_ms as f64 / 1000.0,
        report.throughput(),
        report.seed,
        report.compare,
        report
            .shard
            .as_ref()
            .map_or(String::new(), |s| format!(", shard {s}")),
    );
    if report.cancelled {
        let _ = writeln!(
            out,
            "interrupted: {} of {} cases ran",
            report.cases(),
            report.planned
        );
    }
    if let Some(n) = report.counts().get(&Outcome::AcceptedInvalid) {
        let _ = writeln!(
            out,
            "accepted invalid: {n} documents libvirt refuses, accepted by an implementation that \
             declares it does not check them: counted, not failures (--strict makes them so)"
        );
    }
    if !report.left_out.is_empty() {
        let _ = writeln!(
            out,
            "not run (its handshake does not declare them): {}",
            report.left_out.join(", ")
        );
    }
    for notice in &report.notices {
        let _ = writeln!(out, "note: {notice}");
    }
    let counts = report.counts();
    let known_counts = report.tally.known_per_outcome();
    for outcome in Outcome::ALL {
        if let Some(n) = counts.get(&outcome) {
            let note = match known_counts.get(&outcome) {
                Some(known) => format!("  ({known} known)"),
                None => String::new(),
            };
            let _ = writeln!(out, "  {:<15} {n:>6}{note}", outcome.name());
        }
    }
    // Why cases were skipped, most common reason first: a skipped case is one nothing was
    // learnt from, and its reader should know whether that can be helped.
    let reasons = report.tally.skip_reasons();
    for (reason, n) in reasons.iter().take(3) {
        let _ = writeln!(out, "  skipped {n}: {reason}");
    }
    if reasons.len() > 3 {
        let _ = writeln!(out, "  skipped for {} other reasons", reasons.len() - 3);
    }
    let classes = report.classes();
    if !classes.is_empty() {
        const SHOWN: usize = 25;
        let _ = writeln!(out, "\nclasses: {} (largest first)", classes.len());
        for class in classes.iter().take(SHOWN) {
            let example = class
                .counterexample
                .as_deref()
                .and_then(|f| std::path::Path::new(f).file_name())
                .map_or(String::new(), |f| format!("  [{}]", f.to_string_lossy()));
            let _ = writeln!(out, "  {:>6}  {}{example}", class.count, class.class);
        }
        if classes.len() > SHOWN {
            let _ = writeln!(
                out,
                "  (and {} more: summary.json and index.html list them all)",
                classes.len() - SHOWN
            );
        }
    }
    let rules = report.rule_counts();
    let disagreeing: Vec<_> = rules
        .iter()
        .filter(|(_, c)| c.keys().any(|o| o.is_disagreement()))
        .collect();
    let _ = writeln!(
        out,
        "\nper rule: {} rules, {} with disagreements{}",
        rules.len(),
        disagreeing.len(),
        if disagreeing.is_empty() { "" } else { ":" }
    );
    for (rule, c) in &disagreeing {
        let cells: Vec<String> = Outcome::ALL
            .iter()
            .filter_map(|o| c.get(o).map(|n| format!("{} {n}", o.name())))
            .collect();
        let _ = write!(out, "  {rule:<24} {}", cells.join(", "));
        match rule_summary(rule) {
            Some(summary) => {
                let _ = writeln!(out, "  ({summary})");
            }
            None => out.push('\n'),
        }
    }
    if !report.fixed.is_empty() {
        let _ = writeln!(out, "\nknown failures that now agree (fixed):");
        for f in &report.fixed {
            let _ = writeln!(out, "  {} ({})", f.key, f.reason);
        }
    }
    let shown: Vec<&Counterexample> = report.counterexamples.iter().take(max_examples).collect();
    if !shown.is_empty() {
        let _ = writeln!(
            out,
            "\nminimal counterexamples ({} of {}):",
            shown.len(),
            report.counterexamples.len()
        );
    }
    for c in shown {
        let class = if c.class.is_empty() {
            c.outcome.name()
        } else {
            c.class.as_str()
        };
        let _ = writeln!(out, "\n── {class}  ({})", c.id);
        // A false accept's detail is libvirt's rejection, shown below once.
        if c.outcome != Outcome::FalseAccept {
            let _ = writeln!(out, "   {}", c.detail);
        }
        let _ = writeln!(
            out,
            "   document ({} line{}, {} bytes; shrunk from {} bytes in {} steps{}):",
            c.lines,
            if c.lines == 1 { "" } else { "s" },
            c.bytes,
            c.original_bytes,
            c.steps,
            if c.exhausted { ", bound reached" } else { "" }
        );
        let doc = String::from_utf8_lossy(&c.document_bytes()).into_owned();
        show_lines(&mut out, &doc, &c.file);
        match (&c.expected.accepted, &c.expected.xml) {
            (true, Some(xml)) => {
                let _ = writeln!(out, "   libvirt: accepted");
                show_lines(&mut out, xml, &c.file);
            }
            _ => {
                let message = c.expected.message.as_deref().unwrap_or("");
                let _ = writeln!(
                    out,
                    "   libvirt: {}",
                    rejection_line(c.expected.rule.as_deref(), message)
                );
            }
        }
        let _ = writeln!(out, "   implementation: {}", c.observed.summary());
        if let Observed::Accepted { output } = &c.observed {
            show_lines(&mut out, output, &c.file);
        }
        let _ = writeln!(out, "   replay: {}", c.replay);
    }
    let new = report.new_failures();
    let _ = writeln!(
        out,
        "\n{}",
        if new == 0 {
            format!(
                "no new disagreement ({} agree, {} known failures, {} skipped)",
                counts.get(&Outcome::Agree).unwrap_or(&0),
                known_counts.values().sum::<usize>(),
                counts.get(&Outcome::Skipped).unwrap_or(&0)
            )
        } else {
            format!("{new} disagreements with libvirt")
        }
    );
    out
}

/// Lines a terminal counterexample shows of a document or an output before it elides.
const SHOWN_LINES: usize = 40;

/// Characters a terminal counterexample shows of one line before it elides.
const SHOWN_WIDTH: usize = 200;

/// One shown line: indented, and cut at [`SHOWN_WIDTH`] characters with a count of the rest.
fn show_line(out: &mut String, line: &str) {
    match line.char_indices().nth(SHOWN_WIDTH) {
        None => {
            let _ = writeln!(out, "     {line}");
        }
        Some((cut, _)) => {
            let rest = line[cut..].chars().count();
            let _ = writeln!(out, "     {} … ({rest} more characters)", &line[..cut]);
        }
    }
}

/// `text`, indented; past [`SHOWN_LINES`] lines, its head and tail around a line that says
/// how much is left out and where the whole text is.
fn show_lines(out: &mut String, text: &str, file: &str) {
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= SHOWN_LINES {
        for line in lines {
            show_line(out, line);
        }
        return;
    }
    let (head, tail) = (SHOWN_LINES - 8, 6);
    for line in &lines[..head] {
        show_line(out, line);
    }
    let _ = writeln!(
        out,
        "     … {} more lines (all of them in {file})",
        lines.len() - head - tail
    );
    for line in &lines[lines.len() - tail..] {
        show_line(out, line);
    }
}

/// What `check --replay` prints.
pub fn replay_summary(replay: &Replay) -> String {
    let mut out = String::new();
    let r = &replay.result;
    let c = &replay.counterexample;
    let _ = writeln!(
        out,
        "{} ({}/{}), stored as {}: now {}",
        c.id, c.profile, c.mode, c.outcome, r.outcome
    );
    let doc = String::from_utf8_lossy(&c.document_bytes()).into_owned();
    for line in doc.lines() {
        let _ = writeln!(out, "  {line}");
    }
    let _ = writeln!(out, "libvirt: {}", r.expected);
    let _ = writeln!(out, "implementation: {}", r.observed);
    if let Observed::Accepted { output } = &replay.observed {
        for line in output.lines().take(40) {
            let _ = writeln!(out, "  {line}");
        }
    }
    if !r.detail.is_empty() {
        let _ = writeln!(out, "{}", r.detail);
    }
    for d in r.differences.iter().skip(1) {
        let _ = writeln!(out, "{d}");
    }
    if let Some(reason) = &r.known {
        let _ = writeln!(out, "known failure: {reason}");
    }
    out
}

/// libvirt's refusal in one line: the rule, what it asks, and the part of the message that
/// says what is wrong. A schema refusal's message is mostly libvirt's fixed preamble (and the
/// schema's path); what follows it, the position and the violation, is kept, without the
/// rule id the rule already names.
fn rejection_line(rule: Option<&str>, message: &str) -> String {
    let what = match message.split_once('\n') {
        Some((preamble, rest)) if preamble.contains("Unable to validate doc against") => {
            let rest = rest.replace('\n', " ");
            match rule {
                Some(rule) => rest
                    .strip_suffix(&format!(" [{rule}]"))
                    .map(str::to_string)
                    .unwrap_or(rest),
                None => rest,
            }
        }
        _ => message.replace('\n', "\\n"),
    };
    match rule {
        Some(rule) => match rule_summary(rule) {
            Some(summary) => format!("rejected by {rule} ({summary}): {what}"),
            None => format!("rejected by {rule}: {what}"),
        },
        None => format!("rejected: {what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schema_refusal_is_one_short_line() {
        let message = "XML document failed to validate against schema: Unable to validate doc against /usr/share/libvirt/schemas/domainbackup.rng\nline 1, column 15: attribute 'mode' of <domainbackup> is 'b'; expected 'push' or 'pull' [schema.mode.value]";
        assert_eq!(
            rejection_line(Some("schema.mode.value"), message),
            "rejected by schema.mode.value (mode is push or pull): line 1, column 15: attribute 'mode' of <domainbackup> is 'b'; expected 'push' or 'pull'"
        );
        assert_eq!(
            rejection_line(
                Some("parse.mode.unknown"),
                "unsupported configuration: unknown backup mode 'x'"
            ),
            "rejected by parse.mode.unknown (mode is push or pull): unsupported configuration: unknown backup mode 'x'"
        );
        assert_eq!(rejection_line(None, "a\nb"), "rejected: a\\nb");
    }

    #[test]
    fn long_documents_are_shown_by_head_and_tail() {
        let text: String = (1..=100).map(|i| format!("line {i}\n")).collect();
        let mut out = String::new();
        show_lines(&mut out, &text, "c.json");
        let shown: Vec<&str> = out.lines().collect();
        assert_eq!(shown.len(), 32 + 1 + 6);
        assert_eq!(shown[0], "     line 1");
        assert_eq!(shown[32], "     … 62 more lines (all of them in c.json)");
        assert_eq!(shown[38], "     line 100");

        let mut out = String::new();
        show_lines(&mut out, &"é".repeat(250), "c.json");
        assert_eq!(
            out,
            format!("     {} … (50 more characters)\n", "é".repeat(200))
        );
    }
}
