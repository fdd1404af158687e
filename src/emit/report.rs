//! An emitter campaign's report folder (`check-emitter --report DIR`):
//!
//! * `results.jsonl`: one JSON object per intent, in campaign order: its number, libvirt
//!   version and kind, the fields taken out of it as unsupported, the intent judged and
//!   whether libvirt accepts it, the emitter's answer, the outcome, class and detail, each
//!   difference and libvirt's message;
//! * `counterexamples.jsonl`: each disagreeing class's minimal intent, with libvirt's
//!   verdict on it, what the emitter answered and what libvirt makes of that;
//! * `summary.txt`: what the terminal shows;
//! * `index.html`: the same as a static page (no script, no external resource).
//!
//! It returns errors naming the file; it never prints.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Value, json};

use crate::conform::EnvironmentError;
use crate::conform::report::escape_for_display as html;

use super::campaign::{EmitReport, describe_answer, describe_expectation, summary};
use super::judge::{Answer, EmitJudgement};

/// The answer as JSON, shaped as the protocol's (`xml`, `chosen`, `unsupported`,
/// `refused`), or the failure (`crash`, `timeout`, `protocol_error`).
fn answer_json(answer: &Answer) -> Value {
    match answer {
        Answer::Document(xml) => json!({ "xml": xml }),
        Answer::Choosing(xml, chosen) => json!({ "xml": xml, "chosen": chosen }),
        Answer::Unsupported(fields) => json!({ "unsupported": fields }),
        Answer::Refused(message) => json!({ "refused": message }),
        Answer::Crash(detail) => json!({ "crash": detail }),
        Answer::Timeout(detail) => json!({ "timeout": detail }),
        Answer::ProtocolError(detail) => json!({ "protocol_error": detail }),
    }
}

fn judgement_fields(judgement: &EmitJudgement, into: &mut serde_json::Map<String, Value>) {
    into.insert("outcome".into(), json!(judgement.outcome));
    into.insert("class".into(), json!(judgement.class));
    into.insert("detail".into(), json!(judgement.detail));
    into.insert(
        "differences".into(),
        json!(
            judgement
                .differences
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        ),
    );
    into.insert("libvirt_message".into(), json!(judgement.libvirt_message));
}

/// `results.jsonl`: one line per intent.
pub fn results_jsonl(report: &EmitReport) -> String {
    let mut out = String::new();
    for r in &report.results {
        let mut line = serde_json::Map::new();
        line.insert("index".into(), json!(r.index));
        line.insert("profile".into(), json!(r.profile.name()));
        line.insert("kind".into(), json!(r.kind));
        line.insert("removed".into(), json!(r.removed));
        line.insert("intent".into(), json!(r.intent));
        line.insert("intent_accepted".into(), json!(r.intent_accepted));
        line.insert("answer".into(), answer_json(&r.answer));
        judgement_fields(&r.judgement, &mut line);
        out.push_str(&Value::Object(line).to_string());
        out.push('\n');
    }
    out
}

/// `counterexamples.jsonl`: one line per disagreeing class.
pub fn counterexamples_jsonl(report: &EmitReport) -> String {
    let mut out = String::new();
    for c in &report.counterexamples {
        let mut line = serde_json::Map::new();
        line.insert("profile".into(), json!(c.profile.name()));
        line.insert("intent".into(), json!(c.intent));
        line.insert("fields".into(), json!(c.size.1));
        line.insert("fields_before_shrinking".into(), json!(c.size.0));
        line.insert("tried".into(), json!(c.tried));
        line.insert(
            "libvirt".into(),
            json!(describe_expectation(&c.expectation)),
        );
        line.insert("reference_document".into(), json!(c.expectation.document));
        line.insert("answer".into(), answer_json(&c.answer));
        judgement_fields(&c.judgement, &mut line);
        out.push_str(&Value::Object(line).to_string());
        out.push('\n');
    }
    out
}

/// `index.html`: the outcomes, the fields the emitter cannot write, and each class with
/// its minimal intent, libvirt's verdict on it, what the emitter wrote and what libvirt
/// makes of that.
pub fn html_page(report: &EmitReport) -> String {
    let title = format!(
        "{} {}: emitter conformance",
        report.emitter.name, report.emitter.version
    );
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>{}</title>\n\
         <style>\nbody{{font-family:system-ui,sans-serif;margin:2em;color:#222}}\n\
         table{{border-collapse:collapse;margin:1em 0}}\n\
         th,td{{border:1px solid #bbb;padding:.25em .6em;text-align:left;vertical-align:top}}\n\
         th{{background:#f4f4f4}}td.n{{text-align:right}}code,pre{{font-family:monospace}}\n\
         pre{{background:#f7f7f7;padding:.6em;overflow:auto;border:1px solid #ddd;margin:.3em 0;white-space:pre-wrap}}\n\
         td{{max-width:80em;overflow-wrap:anywhere}}\n\
         </style></head><body>\n<h1>{}</h1>\n",
        html(&title),
        html(&title)
    );
    let profiles: Vec<&str> = report.profiles.iter().map(|p| p.name()).collect();
    let _ = writeln!(
        out,
        "<p><code>{}</code>: {} intents, libvirt {}.</p>",
        html(&report.command),
        report.results.len(),
        html(&profiles.join(", "))
    );
    out.push_str("<h2>Outcomes</h2>\n<table><tr><th>outcome</th><th>intents</th></tr>\n");
    for (outcome, n) in report.outcome_counts() {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{n}</td></tr>",
            html(outcome.name())
        );
    }
    out.push_str("</table>\n");
    let removed = report.removed_counts();
    if !removed.is_empty() {
        out.push_str(
            "<h2>Fields it cannot write</h2>\n<p>Taken out of the intents; the rest was put \
             to it again and judged.</p>\n<table><tr><th>field</th><th>intents</th></tr>\n",
        );
        for (field, n) in removed {
            let _ = writeln!(
                out,
                "<tr><td><code>{}</code></td><td class=\"n\">{n}</td></tr>",
                html(&field)
            );
        }
        out.push_str("</table>\n");
    }
    let classes = report.class_counts();
    if !classes.is_empty() {
        out.push_str(
            "<h2>Classes</h2>\n<table><tr><th>intents</th><th>class</th>\
             <th>minimal intent, libvirt's verdict, what the emitter wrote</th></tr>\n",
        );
        for (class, n) in classes {
            let _ = write!(
                out,
                "<tr><td class=\"n\">{n}</td><td>{}</td><td>",
                html(&class)
            );
            if let Some(c) = report.counterexamples.iter().find(|c| c.class == class) {
                let _ = write!(
                    out,
                    "<pre>{}</pre>libvirt, given the intent as the reference writes it: {}\
                     <pre>{}</pre>so: {}",
                    html(&serde_json::to_string(&c.intent).unwrap_or_default()),
                    html(&describe_expectation(&c.expectation)),
                    html(&describe_answer(&c.answer)),
                    html(&c.judgement.detail)
                );
            }
            out.push_str("</td></tr>\n");
        }
        out.push_str("</table>\n");
    }
    out.push_str("</body></html>\n");
    out
}

/// Writes the report folder `dir` (made if missing).
pub fn write_report_dir(dir: &Path, report: &EmitReport) -> Result<(), EnvironmentError> {
    std::fs::create_dir_all(dir).map_err(|e| EnvironmentError::io(dir, e))?;
    for (name, text) in [
        ("results.jsonl", results_jsonl(report)),
        ("counterexamples.jsonl", counterexamples_jsonl(report)),
        ("summary.txt", summary(report)),
        ("index.html", html_page(report)),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| EnvironmentError::io(&path, e))?;
    }
    Ok(())
}
