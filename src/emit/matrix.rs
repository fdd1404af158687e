//! The matrix's emitter section: emitter campaigns side by side, one column per emitter and
//! libvirt version (profile), with a row per outcome, per class and per field of the
//! intent. Its figures are counted here ([`columns`], [`field_rows`], [`class_rows`]);
//! [`section`] renders them for the matrix page and [`section_json`] for `matrix.json`.
//!
//! An emitter is judged on what it writes: an intent it could not write at all (it named
//! a field it cannot express and nothing was left to judge) is counted and shown, and left
//! out of its compliance, as a reader's skipped cases are.
//!
//! A field row is keyed by where the field is in the document
//! (`/domainbackup/disks/disk/scratch/@file`), the path differences are named by, so that a
//! value an emitter writes that the intent never had (an invented `tls`) has its row too.
//! Each cell counts, under one column, the intents that had the field and of them those
//! that agree, the intents it was taken out of because the emitter cannot write it, and the
//! intents with a difference there.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::conform::compare::without_indexes;
use crate::conform::report::matrix::{column_header, compliance_color, count_cells};
use crate::conform::report::{Column, badge, badge_name, escape_for_display as html, percent};

use super::campaign::{EmitReport, EmitResult};
use super::judge::{EmitOutcome, document_path};

/// One emitter campaign in a matrix, with its report folder relative to the matrix page.
#[derive(Debug)]
pub struct EmitterRun {
    /// The campaign.
    pub report: EmitReport,
    /// Its report folder, relative to the matrix folder (`runs/virtnbdbackup`).
    pub dir: String,
}

/// The column of `results` (one emitter under one profile): intents, agreeing, judged
/// (every intent but those that ended unsupported, counted as skipped) and disagreeing.
fn tally(emitter: &str, profile: &str, results: &[&EmitResult]) -> Column {
    let count = |o: EmitOutcome| results.iter().filter(|r| r.judgement.outcome == o).count();
    let unsupported = count(EmitOutcome::Unsupported);
    Column {
        implementation: emitter.to_string(),
        profile: profile.to_string(),
        cases: results.len(),
        agree: count(EmitOutcome::Agree),
        judged: results.len() - unsupported,
        accepted_invalid: 0,
        skipped: unsupported,
        disagreements: results
            .iter()
            .filter(|r| r.judgement.outcome.is_disagreement())
            .count(),
    }
}

/// The results of `run` per profile, in profile order.
fn by_profile(run: &EmitterRun) -> Vec<(&'static str, Vec<&EmitResult>)> {
    run.report
        .profiles
        .iter()
        .map(|p| {
            (
                p.name(),
                run.report
                    .results
                    .iter()
                    .filter(|r| r.profile == *p)
                    .collect(),
            )
        })
        .collect()
}

/// The columns of `runs`: each emitter's profiles in order.
pub fn columns(runs: &[EmitterRun]) -> Vec<Column> {
    runs.iter()
        .flat_map(|run| {
            by_profile(run)
                .into_iter()
                .map(|(profile, results)| tally(&run.report.emitter.name, profile, &results))
        })
        .collect()
}

/// The whole campaign as one column (every profile).
pub fn overall(run: &EmitterRun) -> Column {
    let results: Vec<&EmitResult> = run.report.results.iter().collect();
    let profiles: Vec<&str> = run.report.profiles.iter().map(|p| p.name()).collect();
    tally(&run.report.emitter.name, &profiles.join(", "), &results)
}

/// The shields.io endpoint badge of an emitter's column.
pub fn emitter_badge(column: &Column) -> Value {
    let mut value = badge(column);
    value["label"] = json!("writes libvirt backup XML");
    value
}

/// One field under one column.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct FieldCell {
    /// Intents that had the field when judged.
    pub present: usize,
    /// Of those, the ones that agree.
    pub agree: usize,
    /// Intents it was taken out of, as the emitter cannot write it.
    pub cannot_write: usize,
    /// Intents with a difference at the field's place in the document (the intent may not
    /// have had it: a value the emitter invented).
    pub differ: usize,
}

/// One field across the emitter columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRow {
    /// Where it is in the document, indexes left out (`/domainbackup/server/@port`).
    pub document: String,
    /// Its intent path, indexes left out (`server.port`), when an intent had it.
    pub intent: Option<String>,
    /// Per column index.
    pub cells: BTreeMap<usize, FieldCell>,
}

/// The leaf fields of an intent: intent paths (`disks[0].scratch.file`) of its values. An
/// empty list or object (`"disks": []`) is no field: it has no value of its own to write.
fn leaf_fields(value: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(fields) => {
            for (key, v) in fields {
                let path = if at.is_empty() {
                    key.clone()
                } else {
                    format!("{at}.{key}")
                };
                leaf_fields(v, &path, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                leaf_fields(v, &format!("{at}[{i}]"), out);
            }
        }
        _ => out.push(at.to_string()),
    }
}

/// `(document shape, intent shape)` of an intent path.
fn shapes(intent_path: &str) -> (String, String) {
    (
        without_indexes(&document_path(intent_path)),
        without_indexes(intent_path),
    )
}

/// The field rows of the emitter columns (`columns` as [`columns`] gives them), in
/// document order of their paths.
pub fn field_rows(runs: &[EmitterRun]) -> Vec<FieldRow> {
    fn row(
        rows: &mut BTreeMap<String, FieldRow>,
        document: String,
        intent: Option<String>,
    ) -> &mut FieldRow {
        let entry = rows.entry(document.clone()).or_insert_with(|| FieldRow {
            document,
            intent: None,
            cells: BTreeMap::new(),
        });
        if entry.intent.is_none() {
            entry.intent = intent;
        }
        entry
    }
    let mut rows: BTreeMap<String, FieldRow> = BTreeMap::new();
    let mut column = 0;
    for run in runs {
        for (_, results) in by_profile(run) {
            for result in results {
                let mut leaves = Vec::new();
                if let Ok(value) = serde_json::to_value(&result.intent) {
                    leaf_fields(&value, "", &mut leaves);
                }
                let present: BTreeSet<(String, String)> =
                    leaves.iter().map(|l| shapes(l)).collect();
                let removed: BTreeSet<(String, String)> =
                    result.removed.iter().map(|l| shapes(l)).collect();
                let differing: BTreeSet<String> = result
                    .judgement
                    .differences
                    .iter()
                    .map(|d| d.shape())
                    .collect();
                let agree = result.judgement.outcome == EmitOutcome::Agree;
                for (document, intent) in present {
                    let cell = row(&mut rows, document, Some(intent))
                        .cells
                        .entry(column)
                        .or_default();
                    cell.present += 1;
                    cell.agree += usize::from(agree);
                }
                for (document, intent) in removed {
                    row(&mut rows, document, Some(intent))
                        .cells
                        .entry(column)
                        .or_default()
                        .cannot_write += 1;
                }
                for document in differing {
                    row(&mut rows, document, None)
                        .cells
                        .entry(column)
                        .or_default()
                        .differ += 1;
                }
            }
            column += 1;
        }
    }
    rows.into_values().collect()
}

/// One class across the emitter columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassRow {
    /// The class.
    pub class: String,
    /// Its outcome.
    pub outcome: EmitOutcome,
    /// Intents per column index.
    pub counts: BTreeMap<usize, usize>,
    /// The emitters (run indexes) with a minimal intent for it.
    pub examples: BTreeSet<usize>,
}

/// Every class other than agreement, most intents first.
pub fn class_rows(runs: &[EmitterRun]) -> Vec<ClassRow> {
    let mut rows: BTreeMap<&str, ClassRow> = BTreeMap::new();
    let mut column = 0;
    for (i, run) in runs.iter().enumerate() {
        for (_, results) in by_profile(run) {
            for result in results {
                let judgement = &result.judgement;
                if judgement.outcome == EmitOutcome::Agree {
                    continue;
                }
                let row = rows
                    .entry(judgement.class.as_str())
                    .or_insert_with(|| ClassRow {
                        class: judgement.class.clone(),
                        outcome: judgement.outcome,
                        counts: BTreeMap::new(),
                        examples: BTreeSet::new(),
                    });
                *row.counts.entry(column).or_default() += 1;
                if run
                    .report
                    .counterexamples
                    .iter()
                    .any(|c| c.class == judgement.class)
                {
                    row.examples.insert(i);
                }
            }
            column += 1;
        }
    }
    let mut rows: Vec<ClassRow> = rows.into_values().collect();
    rows.sort_by(|a, b| {
        let total = |r: &ClassRow| r.counts.values().sum::<usize>();
        total(b).cmp(&total(a)).then_with(|| a.class.cmp(&b.class))
    });
    rows
}

/// The background of an outcome's cells.
fn outcome_color(outcome: EmitOutcome) -> &'static str {
    match outcome {
        EmitOutcome::Agree => "#d8f0d8",
        EmitOutcome::Unsupported => "#e6e6e6",
        EmitOutcome::OtherMeaning | EmitOutcome::InvalidMadeValid => "#f6c0c0",
        EmitOutcome::RejectedByLibvirt => "#fbe3b0",
        EmitOutcome::Refused => "#f6efb5",
        EmitOutcome::Crash | EmitOutcome::Timeout | EmitOutcome::ProtocolError => "#e0c8f0",
    }
}

/// The emitter section of the matrix page (`columns` as [`columns`] gives them; nothing
/// when there is no emitter).
pub fn section(runs: &[EmitterRun], columns: &[Column]) -> String {
    if runs.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<h2 id=\"emitters\">Emitters</h2>\n<p>Each column is a tool that writes backup XML, \
         following one libvirt version. It is given intents (what to write, as JSON) and \
         libvirt reads what it wrote as <code>virDomainBackupBegin</code> would. An intent \
         <b>agrees</b> when libvirt reads that document as it reads the reference's for the \
         intent: the same meaning once aligned with the domain's disks, or a refusal by the \
         same rule. <b>Compliance</b> is the share of the intents it is judged on that agree; \
         an intent with a field it cannot write has that field taken out and the rest judged, \
         and one with nothing left to judge is left out (unsupported).</p>\n",
    );
    let header = |out: &mut String, first: &str| column_header(out, first, columns);
    out.push_str("<table>\n");
    header(&mut out, "");
    let _ = write!(out, "<tr><td class=\"rule\">compliance</td>");
    for c in columns {
        let _ = write!(
            out,
            "<td style=\"background:{}\"><b>{}</b></td>",
            compliance_color(c.compliance()),
            percent(c.compliance())
        );
    }
    out.push_str("</tr>\n<tr><td class=\"rule\">agree / judged</td>");
    for c in columns {
        let _ = write!(out, "<td>{} / {}</td>", c.agree, c.judged);
    }
    out.push_str("</tr>\n");
    // Per column (in `columns` order): intents per outcome, and those judged with fields
    // taken out.
    let (outcomes, reduced): (Vec<BTreeMap<EmitOutcome, usize>>, Vec<usize>) = runs
        .iter()
        .flat_map(by_profile)
        .map(|(_, results)| {
            let mut counts = BTreeMap::new();
            for r in &results {
                *counts.entry(r.judgement.outcome).or_insert(0) += 1;
            }
            (
                counts,
                results.iter().filter(|r| !r.removed.is_empty()).count(),
            )
        })
        .unzip();
    for outcome in EmitOutcome::ALL
        .into_iter()
        .filter(|o| *o != EmitOutcome::Agree)
    {
        if outcomes.iter().all(|c| !c.contains_key(&outcome)) {
            continue;
        }
        let _ = write!(out, "<tr><td class=\"rule\">{}</td>", html(outcome.name()));
        for counts in &outcomes {
            match counts.get(&outcome) {
                Some(n) => {
                    let _ = write!(
                        out,
                        "<td style=\"background:{}\">{n}</td>",
                        outcome_color(outcome)
                    );
                }
                None => out.push_str("<td>0</td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("<tr><td class=\"rule\">judged with fields taken out</td>");
    for n in &reduced {
        let _ = write!(out, "<td>{n}</td>");
    }
    out.push_str("</tr>\n</table>\n<ul>\n");
    for run in runs {
        let r = &run.report;
        let all = overall(run);
        let _ = writeln!(
            out,
            "<li><b>{}</b> {}: {} over {} intents (<code>{}</code>); \
             <a href=\"{dir}/index.html\">its report</a>, \
             <a href=\"badges/{badge}.json\">badge</a></li>",
            html(&r.emitter.name),
            html(&r.emitter.version),
            percent(all.compliance()),
            all.cases,
            html(&r.command),
            dir = html(&run.dir),
            badge = html(&badge_name(&r.emitter.name)),
        );
    }
    out.push_str("</ul>\n");

    let classes = class_rows(runs);
    out.push_str("<h3>Emitter classes</h3>\n");
    if classes.is_empty() {
        out.push_str("<p>None: every emitter agrees on every intent it writes.</p>\n");
    } else {
        out.push_str(
            "<p>A class is what goes wrong: the outcome, and the rule libvirt refuses the \
             document by, the first path and kind of another meaning, or the field it cannot \
             write. Each emitter's report has the minimal intent of each of its classes, what \
             it wrote for it and what libvirt makes of that.</p>\n<table>\n",
        );
        header(&mut out, "class");
        for row in &classes {
            let _ = write!(
                out,
                "<tr><td class=\"rule\"><code>{}</code>",
                html(&row.class)
            );
            let links: Vec<String> = row
                .examples
                .iter()
                .map(|i| {
                    format!(
                        "<a href=\"{}/index.html\">{}</a>",
                        html(&runs[*i].dir),
                        html(&runs[*i].report.emitter.name)
                    )
                })
                .collect();
            if !links.is_empty() {
                let _ = write!(
                    out,
                    "<br><span class=\"summary\">minimal intent: {}</span>",
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

    out.push_str(
        "<h3>Emitter fields</h3>\n<p>Per field of the intent, where it is in the document: \
         the intents that had it and agree, of those that had it; how many it was taken out \
         of as the emitter cannot write it; and how many differ there (libvirt reads another \
         value, or one the intent did not have). A field is red where libvirt reads another \
         value, grey where the emitter cannot write it; an intent that disagrees for another \
         field's sake counts in the first figure only.</p>\n<table>\n",
    );
    header(&mut out, "field");
    for row in field_rows(runs) {
        let _ = write!(
            out,
            "<tr><td class=\"rule\"><code>{}</code>",
            html(row.intent.as_deref().unwrap_or("(not in the intent)"))
        );
        let _ = write!(
            out,
            "<br><span class=\"summary\">{}</span></td>",
            html(&row.document)
        );
        for i in 0..columns.len() {
            let Some(cell) = row.cells.get(&i) else {
                out.push_str("<td></td>");
                continue;
            };
            // The colour is the field's own: whether libvirt reads another value there, or
            // the emitter cannot write it; the intents that disagree for another field's
            // sake show in the count only.
            let color = if cell.differ > 0 {
                outcome_color(EmitOutcome::OtherMeaning)
            } else if cell.cannot_write > 0 {
                outcome_color(EmitOutcome::Unsupported)
            } else {
                outcome_color(EmitOutcome::Agree)
            };
            let mut lines = Vec::new();
            if cell.present > 0 {
                lines.push(format!("{}/{}", cell.agree, cell.present));
            }
            if cell.cannot_write > 0 {
                lines.push(format!("{} cannot write", cell.cannot_write));
            }
            if cell.differ > 0 {
                lines.push(format!("{} differ", cell.differ));
            }
            let _ = write!(
                out,
                "<td style=\"background:{color}\">{}</td>",
                lines.join("<br>")
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    out
}

/// The emitter section's figures for `matrix.json` (`columns` as [`columns`] gives them).
pub fn section_json(runs: &[EmitterRun], columns: &[Column]) -> Value {
    let column = |i: &usize| {
        json!({
            "emitter": columns[*i].implementation,
            "profile": columns[*i].profile,
        })
    };
    json!({
        "emitters": runs.iter().map(|run| {
            let all = overall(run);
            json!({
                "name": run.report.emitter.name,
                "version": run.report.emitter.version,
                "report": format!("{}/index.html", run.dir),
                "intents": all.cases,
                "compliance": all.compliance(),
                "badge": format!("badges/{}.json", badge_name(&run.report.emitter.name)),
            })
        }).collect::<Vec<_>>(),
        "columns": columns.iter().map(|c| json!({
            "emitter": c.implementation,
            "profile": c.profile,
            "intents": c.cases,
            "agree": c.agree,
            "judged": c.judged,
            "unsupported": c.skipped,
            "disagreements": c.disagreements,
            "compliance": c.compliance(),
        })).collect::<Vec<_>>(),
        "classes": class_rows(runs).iter().map(|row| json!({
            "class": row.class,
            "outcome": row.outcome,
            "counts": row.counts.iter().map(|(i, n)| {
                let mut c = column(i);
                c["count"] = json!(n);
                c
            }).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "fields": field_rows(runs).iter().map(|row| json!({
            "document": row.document,
            "intent": row.intent,
            "cells": row.cells.iter().map(|(i, cell)| {
                let mut c = column(i);
                c["present"] = json!(cell.present);
                c["agree"] = json!(cell.agree);
                c["cannot_write"] = json!(cell.cannot_write);
                c["differ"] = json!(cell.differ);
                c
            }).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}
