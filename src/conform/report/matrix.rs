//! The conformance matrix: several implementations' runs side by side, one column per
//! implementation and libvirt version (profile). Its figures are counted here
//! ([`columns`], [`Column::compliance`]); [`matrix_page`] renders `index.html`,
//! [`badge`] a shields.io endpoint badge per implementation and [`matrix_json`] the same
//! figures for machines. Writing the folder is [`super::folder::write_matrix_dir`]'s job.
//!
//! An implementation is judged on what it claims: a case it was not asked (skipped) or a
//! libvirt-invalid document it accepts while declaring that it does not check it
//! (accepted invalid) is counted, shown, and left out of its compliance.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use crate::conform::compare::Outcome;

use super::{RunReport, escape_for_display, rule_summary};

/// One run in a matrix, with the folder its files are in, relative to the matrix page
/// (its counterexamples are linked from there).
#[derive(Debug)]
pub struct MatrixRun {
    /// The run.
    pub report: RunReport,
    /// Its report folder, relative to the matrix folder (`runs/libvirtxml`).
    pub dir: String,
}

/// One column: an implementation under one profile.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Column {
    /// The implementation.
    pub implementation: String,
    /// The profile (libvirt version followed).
    pub profile: String,
    /// Cases run.
    pub cases: usize,
    /// Cases that agree.
    pub agree: usize,
    /// Cases it is judged on: every case but the skipped and the accepted invalid.
    pub judged: usize,
    /// libvirt-invalid documents accepted by an implementation that does not check them.
    pub accepted_invalid: usize,
    /// Cases it was not asked or did not answer.
    pub skipped: usize,
    /// Disagreements, known failures included.
    pub disagreements: usize,
}

impl Column {
    /// The share of judged cases that agree, in percent (100 when nothing was judged).
    pub fn compliance(&self) -> f64 {
        if self.judged == 0 {
            100.0
        } else {
            self.agree as f64 * 100.0 / self.judged as f64
        }
    }
}

fn tally(implementation: &str, profile: &str, outcomes: &BTreeMap<Outcome, usize>) -> Column {
    let count = |o: Outcome| outcomes.get(&o).copied().unwrap_or(0);
    let cases: usize = outcomes.values().sum();
    let skipped = count(Outcome::Skipped);
    let accepted_invalid = count(Outcome::AcceptedInvalid);
    Column {
        implementation: implementation.to_string(),
        profile: profile.to_string(),
        cases,
        agree: count(Outcome::Agree),
        judged: cases - skipped - accepted_invalid,
        accepted_invalid,
        skipped,
        disagreements: outcomes
            .iter()
            .filter(|(o, _)| o.is_disagreement())
            .map(|(_, n)| n)
            .sum(),
    }
}

/// Cases per outcome.
type OutcomeCounts = BTreeMap<Outcome, usize>;

/// The columns of `runs`: each run's profiles in order (`9.0` before `11.3`).
pub fn columns(runs: &[MatrixRun]) -> Vec<Column> {
    let mut out = Vec::new();
    for run in runs {
        let mut by_profile: BTreeMap<(u32, u32), (&str, OutcomeCounts)> = BTreeMap::new();
        for c in run.report.tally.counts() {
            *by_profile
                .entry(profile_key(c.profile))
                .or_insert((c.profile, BTreeMap::new()))
                .1
                .entry(c.outcome)
                .or_insert(0) += c.cases;
        }
        for (profile, outcomes) in by_profile.values() {
            out.push(tally(&run.report.implementation.name, profile, outcomes));
        }
    }
    out
}

/// `9.0` → (9, 0), for ordering versions as numbers.
fn profile_key(profile: &str) -> (u32, u32) {
    let mut parts = profile
        .split('.')
        .map(|p| p.parse::<u32>().unwrap_or(u32::MAX));
    (
        parts.next().unwrap_or(u32::MAX),
        parts.next().unwrap_or(u32::MAX),
    )
}

/// The whole run as one column (every profile).
pub fn overall(run: &RunReport) -> Column {
    let counts = run.tally.counts();
    let mut profiles: Vec<&str> = counts.iter().map(|c| c.profile).collect();
    profiles.sort_by_key(|p| profile_key(p));
    profiles.dedup();
    tally(
        &run.implementation.name,
        &profiles.join(", "),
        &run.counts(),
    )
}

/// A figure as badges and pages show it: one decimal, never rounded up to 100.
pub fn percent(value: f64) -> String {
    let tenths = (value * 10.0).floor() / 10.0;
    format!("{tenths:.1}%")
}

/// The grade of a compliance figure: 0 for all, then at least 95, 80, 50, and below.
fn grade(value: f64) -> usize {
    [100.0, 95.0, 80.0, 50.0]
        .iter()
        .position(|&floor| value >= floor)
        .unwrap_or(4)
}

fn badge_color(value: f64) -> &'static str {
    ["brightgreen", "green", "yellow", "orange", "red"][grade(value)]
}

/// The shields.io endpoint badge of `column`
/// (<https://shields.io/badges/endpoint-badge>).
pub fn badge(column: &Column) -> serde_json::Value {
    let compliance = column.compliance();
    serde_json::json!({
        "schemaVersion": 1,
        "label": "libvirt backup XML",
        "message": format!("{} ({})", percent(compliance), column.profile),
        "color": badge_color(compliance),
    })
}

/// The matrix's figures as JSON: every column (`columns`, as [`columns`] gives them; and
/// each implementation overall), and each class's count per column.
pub fn matrix_json(
    runs: &[MatrixRun],
    columns: &[Column],
    emitters: &[crate::emit::matrix::EmitterRun],
    emitter_columns: &[Column],
) -> serde_json::Value {
    let classes = class_rows(runs, columns);
    serde_json::json!({
        "emitters": crate::emit::matrix::section_json(emitters, emitter_columns),
        "implementations": runs.iter().map(|r| {
            let all = overall(&r.report);
            serde_json::json!({
                "name": r.report.implementation.name,
                "version": r.report.implementation.version,
                "validates": r.report.implementation.validates.name(),
                "report": format!("{}/index.html", r.dir),
                "cases": all.cases,
                "compliance": all.compliance(),
                "badge": format!("badges/{}.json", badge_name(&r.report.implementation.name)),
            })
        }).collect::<Vec<_>>(),
        "columns": columns.iter().map(|c| {
            let mut v = serde_json::to_value(c).unwrap_or_default();
            if let serde_json::Value::Object(fields) = &mut v {
                fields.insert("compliance".into(), c.compliance().into());
            }
            v
        }).collect::<Vec<_>>(),
        "classes": classes.iter().map(|row| serde_json::json!({
            "class": row.class,
            "outcome": row.outcome.name(),
            "counts": row.counts.iter().map(|(col, n)| serde_json::json!({
                "implementation": columns[*col].implementation,
                "profile": columns[*col].profile,
                "count": n,
            })).collect::<Vec<_>>(),
            "counterexamples": row.counterexamples.values().collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// A file name for `implementation`'s badge: letters, digits, `.`, `-` and `_` kept.
pub fn badge_name(implementation: &str) -> String {
    implementation
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// One class across the matrix.
struct ClassRow {
    class: String,
    outcome: Outcome,
    /// Count per column index.
    counts: BTreeMap<usize, usize>,
    /// Counterexample link per implementation (run index), relative to the page.
    counterexamples: BTreeMap<usize, String>,
    rules: BTreeSet<String>,
}

/// Each column's index by implementation and profile.
fn column_index(columns: &[Column]) -> HashMap<(&str, &str), usize> {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| ((c.implementation.as_str(), c.profile.as_str()), i))
        .collect()
}

fn class_rows(runs: &[MatrixRun], columns: &[Column]) -> Vec<ClassRow> {
    let index = column_index(columns);
    let column_of =
        |implementation: &str, profile: &str| index.get(&(implementation, profile)).copied();
    let mut rows: BTreeMap<&str, ClassRow> = BTreeMap::new();
    for (i, run) in runs.iter().enumerate() {
        let name = run.report.implementation.name.as_str();
        for c in run
            .report
            .tally
            .counts()
            .into_iter()
            .filter(|c| c.outcome.is_disagreement())
        {
            let row = rows.entry(c.class).or_insert_with(|| ClassRow {
                class: c.class.to_string(),
                outcome: c.outcome,
                counts: BTreeMap::new(),
                counterexamples: BTreeMap::new(),
                rules: BTreeSet::new(),
            });
            if let Some(col) = column_of(name, c.profile) {
                *row.counts.entry(col).or_insert(0) += c.cases;
            }
            row.rules.insert(c.rule.to_string());
            if let std::collections::btree_map::Entry::Vacant(slot) = row.counterexamples.entry(i) {
                if let Some(x) = run
                    .report
                    .counterexamples
                    .iter()
                    .find(|x| x.class == c.class)
                {
                    let file = std::path::Path::new(&x.file)
                        .file_name()
                        .map_or(x.file.clone(), |n| n.to_string_lossy().into_owned());
                    slot.insert(format!("{}/counterexamples/{file}", run.dir));
                }
            }
        }
    }
    let mut rows: Vec<ClassRow> = rows.into_values().collect();
    rows.sort_by(|a, b| {
        let total = |r: &ClassRow| r.counts.values().sum::<usize>();
        total(b).cmp(&total(a)).then_with(|| a.class.cmp(&b.class))
    });
    rows
}

fn outcome_color(outcome: Outcome) -> &'static str {
    super::html::outcome_color(outcome)
}

/// One rule under one column: agreeing and judged cases, and the worst disagreement.
#[derive(Default)]
struct RuleCell {
    agree: usize,
    judged: usize,
    worst: Option<Outcome>,
}

/// The header row of a matrix table: `first`, then each column's implementation and
/// libvirt version (readers' and emitters' tables alike).
pub(crate) fn column_header(out: &mut String, first: &str, columns: &[Column]) {
    let _ = write!(out, "<tr><th class=\"rule\">{first}</th>");
    for c in columns {
        let _ = write!(
            out,
            "<th>{}<br><small>libvirt {}</small></th>",
            escape_for_display(&c.implementation),
            escape_for_display(&c.profile)
        );
    }
    out.push_str("</tr>\n");
}

/// A class row's cells: its count under each of `columns` columns on `color`, empty where
/// it has none.
pub(crate) fn count_cells(
    out: &mut String,
    counts: &BTreeMap<usize, usize>,
    columns: usize,
    color: &str,
) {
    for i in 0..columns {
        match counts.get(&i) {
            Some(n) => {
                let _ = write!(out, "<td style=\"background:{color}\">{n}</td>");
            }
            None => out.push_str("<td></td>"),
        }
    }
}

/// The background of a compliance figure.
pub(crate) fn compliance_color(value: f64) -> &'static str {
    ["#bfe6bf", "#d8f0d8", "#f6efb5", "#fbe3b0", "#f6c0c0"][grade(value)]
}

/// `index.html` of a matrix folder (`columns` as [`columns`] gives them): the readers'
/// compliance per column, then their classes (each linking to its minimal counterexample),
/// then every rule with what it asks and each column's agreeing cases; then the emitters'
/// section ([`crate::emit::matrix::section`]; `emitter_columns` as
/// [`crate::emit::matrix::columns`] gives them).
pub fn matrix_page(
    runs: &[MatrixRun],
    columns: &[Column],
    emitters: &[crate::emit::matrix::EmitterRun],
    emitter_columns: &[Column],
) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n\
         <title>domainbackup-harness conformance matrix</title>\n<style>\n\
         body{font-family:system-ui,sans-serif;margin:2em;color:#222}\n\
         table{border-collapse:collapse;margin:1em 0}\n\
         th,td{border:1px solid #bbb;padding:.25em .6em;text-align:right;vertical-align:top}\n\
         th{background:#f4f4f4}td.rule,th.rule{text-align:left}code{font-size:90%}\n\
         span.summary{font-size:85%;color:#555}\n\
         </style></head><body>\n<h1>domainbackup-harness conformance matrix</h1>\n",
    );
    if runs.is_empty() {
        out.push_str(&crate::emit::matrix::section(emitters, emitter_columns));
        out.push_str("</body></html>\n");
        return out;
    }
    if !emitters.is_empty() {
        out.push_str(
            "<p>Readers first, then the tools that write backup XML \
             (<a href=\"#emitters\">emitters</a>).</p>\n",
        );
    }
    out.push_str(
        "<h2>Readers</h2>\n<p>Each column is an implementation following one libvirt version. \
         <b>Compliance</b> is the share of the cases it is judged on that agree with libvirt: \
         cases it was not asked (skipped) and libvirt-invalid documents accepted by an \
         implementation that declares it does not validate them (accepted invalid) are left out.</p>\n",
    );
    // Header row shared by the tables.
    let header = |out: &mut String, first: &str| column_header(out, first, columns);

    out.push_str("<h3>Compliance</h3>\n<table>\n");
    header(&mut out, "");
    let row = |out: &mut String, label: &str, cell: &dyn Fn(&Column) -> String| {
        let _ = write!(out, "<tr><td class=\"rule\">{label}</td>");
        for c in columns {
            out.push_str(&cell(c));
        }
        out.push_str("</tr>\n");
    };
    row(&mut out, "compliance", &|c| {
        format!(
            "<td style=\"background:{}\"><b>{}</b></td>",
            compliance_color(c.compliance()),
            percent(c.compliance())
        )
    });
    row(&mut out, "agree / judged", &|c| {
        format!("<td>{} / {}</td>", c.agree, c.judged)
    });
    row(&mut out, "disagreements", &|c| {
        format!("<td>{}</td>", c.disagreements)
    });
    row(&mut out, "accepted invalid", &|c| {
        format!("<td>{}</td>", c.accepted_invalid)
    });
    row(&mut out, "skipped", &|c| format!("<td>{}</td>", c.skipped));
    out.push_str("</table>\n<ul>\n");
    for run in runs {
        let r = &run.report;
        let all = overall(r);
        let _ = writeln!(
            out,
            "<li><b>{}</b> {} (validates: {}): {} over {} cases, seed {}, {}; \
             <a href=\"{dir}/index.html\">its report</a>, \
             <a href=\"badges/{badge}.json\">badge</a>{}</li>",
            escape_for_display(&r.implementation.name),
            escape_for_display(&r.implementation.version),
            r.implementation.validates.name(),
            percent(all.compliance()),
            all.cases,
            r.seed,
            escape_for_display(&r.compare),
            if r.left_out.is_empty() {
                String::new()
            } else {
                format!(
                    "; not run, as its handshake does not declare them: {}",
                    escape_for_display(&r.left_out.join(", "))
                )
            },
            dir = escape_for_display(&run.dir),
            badge = escape_for_display(&badge_name(&r.implementation.name)),
        );
    }
    out.push_str("</ul>\n");

    let classes = class_rows(runs, columns);
    out.push_str("<h3>Divergence classes</h3>\n");
    if classes.is_empty() {
        out.push_str("<p>None: every implementation agrees on every case it is judged on.</p>\n");
    } else {
        out.push_str(
            "<p>A class is what goes wrong: the outcome, and the libvirt rule of a refusal or \
             the path and kind of a wrong output. Each links to its minimal counterexample.</p>\n<table>\n",
        );
        header(&mut out, "class");
        for row in &classes {
            let _ = write!(
                out,
                "<tr><td class=\"rule\"><code>{}</code>",
                escape_for_display(&row.class)
            );
            if let Some(rule) = row.class.rsplit(": ").next().and_then(rule_summary) {
                let _ = write!(
                    out,
                    "<br><span class=\"summary\">libvirt: {}</span>",
                    escape_for_display(rule)
                );
            }
            let links: Vec<String> = row
                .counterexamples
                .iter()
                .map(|(run, link)| {
                    format!(
                        "<a href=\"{}\">{}</a>",
                        escape_for_display(link),
                        escape_for_display(&runs[*run].report.implementation.name)
                    )
                })
                .collect();
            if !links.is_empty() {
                let _ = write!(
                    out,
                    "<br><span class=\"summary\">minimal counterexample: {}</span>",
                    links.join(", ")
                );
            }
            out.push_str("</td>");
            count_cells(
                &mut out,
                &row.counts,
                columns.len(),
                outcome_color(row.outcome),
            );
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
    }

    // Rules: agreeing cases of all cases, per column.
    let index = column_index(columns);
    let mut per_rule: BTreeMap<&str, BTreeMap<usize, RuleCell>> = BTreeMap::new();
    for run in runs {
        let name = run.report.implementation.name.as_str();
        for c in run.report.tally.counts() {
            let Some(&col) = index.get(&(name, c.profile)) else {
                continue;
            };
            let cell = per_rule.entry(c.rule).or_default().entry(col).or_default();
            if c.outcome == Outcome::Skipped || c.outcome == Outcome::AcceptedInvalid {
                continue;
            }
            cell.judged += c.cases;
            if c.outcome == Outcome::Agree {
                cell.agree += c.cases;
            } else if c.outcome.is_disagreement() {
                cell.worst = Some(cell.worst.map_or(c.outcome, |w| w.min(c.outcome)));
            }
        }
    }
    out.push_str(
        "<h3>Rules</h3>\n<p>Agreeing cases of the cases judged, per rule (or case group). \
         The first column says what the rule asks.</p>\n<table>\n",
    );
    header(&mut out, "rule");
    for (rule, cells) in &per_rule {
        let _ = write!(
            out,
            "<tr><td class=\"rule\"><code>{}</code>",
            escape_for_display(rule)
        );
        if let Some(summary) = rule_summary(rule) {
            let _ = write!(
                out,
                "<br><span class=\"summary\">{}</span>",
                escape_for_display(summary)
            );
        }
        out.push_str("</td>");
        for i in 0..columns.len() {
            match cells.get(&i) {
                None => out.push_str("<td></td>"),
                Some(cell) if cell.judged == 0 => out.push_str("<td style=\"color:#888\">—</td>"),
                Some(cell) => {
                    let color = cell.worst.map_or("#d8f0d8", outcome_color);
                    let _ = write!(
                        out,
                        "<td style=\"background:{color}\">{}/{}</td>",
                        cell.agree, cell.judged
                    );
                }
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    out.push_str(&crate::emit::matrix::section(emitters, emitter_columns));
    out.push_str("</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compliance_leaves_out_what_is_not_judged() {
        use Outcome::*;
        let counts = |outcomes: &[Outcome]| {
            let mut map = BTreeMap::new();
            for o in outcomes {
                *map.entry(*o).or_insert(0) += 1;
            }
            map
        };
        let c = tally(
            "x",
            "9.0",
            &counts(&[Agree, Agree, Agree, WrongOutput, AcceptedInvalid, Skipped]),
        );
        assert_eq!((c.cases, c.agree, c.judged, c.disagreements), (6, 3, 4, 1));
        assert_eq!((c.accepted_invalid, c.skipped), (1, 1));
        assert_eq!(c.compliance(), 75.0);
        assert_eq!(tally("x", "9.0", &counts(&[Skipped])).compliance(), 100.0);
    }

    #[test]
    fn figures_are_never_rounded_up_to_a_pass() {
        assert_eq!(percent(99.96), "99.9%");
        assert_eq!(percent(100.0), "100.0%");
        assert_eq!(percent(0.0), "0.0%");
        assert_eq!(badge_color(99.99), "green");
        assert_eq!(badge_color(100.0), "brightgreen");
        assert_eq!(badge_color(12.0), "red");
    }

    #[test]
    fn versions_order_as_numbers_and_badge_names_are_file_names() {
        assert!(profile_key("9.0") < profile_key("11.3"));
        assert!(profile_key("11.3") < profile_key("x"));
        assert_eq!(badge_name("libvirt 9.0.0/../x"), "libvirt_9.0.0_.._x");
    }
}
