//! An emitter campaign's report folder (`check-emitter --report DIR`):
//!
//! * `results.jsonl`: one JSON object per intent, in campaign order: its number, libvirt
//!   version and kind, the fields taken out of it as unsupported, the intent judged and
//!   whether libvirt accepts it, the emitter's answer, the outcome, class and detail, each
//!   difference and libvirt's message;
//! * `counterexamples.jsonl`: each disagreeing class's minimal intent, with libvirt's
//!   verdict on it, what the emitter answered and what libvirt makes of that;
//! * `summary.txt`: what the terminal shows;
//! * `index.html`: the same as a static page (no script, no external resource);
//! * `emitter.json`: what the emitter said of itself, the command run and the profiles,
//!   so that [`read_report_dir`] can read the folder back (`matrix --from DIR`).
//!
//! Read back, each intent and answer is judged again by this program: the verdicts are
//! always the reference's, never a file's.
//!
//! It returns errors naming the file and line; it never prints.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Value, json};

use crate::conform::EnvironmentError;
use crate::conform::report::escape_for_display as html;

use super::campaign::{
    Counterexample, EmitReport, EmitResult, describe_answer, describe_expectation, summary,
};
use super::intent::BackupIntent;
use super::judge::{Answer, EmitJudgement, expect, judge};
use super::protocol::EmitterCapabilities;
use crate::Profile;

/// The version of `emitter.json`'s shape.
pub const FORMAT: u64 = 1;

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

/// The answer [`answer_json`] wrote.
fn answer_of(value: &Value) -> Result<Answer, String> {
    let text = |key: &str| {
        value
            .get(key)
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("\"answer\".\"{key}\" is not a string"))
            })
            .transpose()
    };
    let list = |key: &str| -> Result<Vec<String>, String> {
        let items = value
            .get(key)
            .and_then(Value::as_array)
            .ok_or_else(|| format!("\"answer\".\"{key}\" is not a list"))?;
        items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("\"answer\".\"{key}\" holds {v}, not a string"))
            })
            .collect()
    };
    if let Some(xml) = text("xml")? {
        return Ok(match value.get("chosen") {
            Some(_) => Answer::Choosing(xml, list("chosen")?),
            None => Answer::Document(xml),
        });
    }
    if value.get("unsupported").is_some() {
        return Ok(Answer::Unsupported(list("unsupported")?));
    }
    for (key, make) in [
        ("refused", Answer::Refused as fn(String) -> Answer),
        ("crash", Answer::Crash),
        ("timeout", Answer::Timeout),
        ("protocol_error", Answer::ProtocolError),
    ] {
        if let Some(detail) = text(key)? {
            return Ok(make(detail));
        }
    }
    Err(format!(
        "\"answer\" is none of the answers a report holds: {value}"
    ))
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

/// `emitter.json`: the emitter, the command and the profiles of the campaign.
pub fn emitter_json(report: &EmitReport) -> String {
    let value = json!({
        "format": FORMAT,
        "name": report.emitter.name,
        "version": report.emitter.version,
        "declared_profiles": report.emitter.profiles.iter().map(|p| p.name()).collect::<Vec<_>>(),
        "command": report.command,
        "profiles": report.profiles.iter().map(|p| p.name()).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// Writes the report folder `dir` (made if missing).
pub fn write_report_dir(dir: &Path, report: &EmitReport) -> Result<(), EnvironmentError> {
    std::fs::create_dir_all(dir).map_err(|e| EnvironmentError::io(dir, e))?;
    for (name, text) in [
        ("emitter.json", emitter_json(report)),
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

/// Whether `dir` is an emitter campaign's report folder (it has `emitter.json`).
pub fn is_report_dir(dir: &Path) -> bool {
    dir.join("emitter.json").is_file()
}

fn bad(path: &Path, reason: String) -> EnvironmentError {
    EnvironmentError::Io {
        path: path.display().to_string(),
        reason,
    }
}

fn profile_of(value: &Value) -> Result<Profile, String> {
    let name = value
        .as_str()
        .ok_or_else(|| format!("the profile {value} is not a string"))?;
    name.parse()
        .map_err(|_| format!("'{name}' is not a libvirt version this program knows"))
}

fn profiles_of(value: &Value, key: &str) -> Result<Vec<Profile>, String> {
    value
        .get(key)
        .and_then(Value::as_array)
        .ok_or_else(|| format!("\"{key}\" is not a list of libvirt versions"))?
        .iter()
        .map(profile_of)
        .collect()
}

fn string_of(value: &Value, key: &str) -> Result<String, String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| format!("\"{key}\" is missing or not a string"))
}

fn intent_of(value: &Value) -> Result<BackupIntent, String> {
    serde_json::from_value(value.get("intent").cloned().unwrap_or(Value::Null))
        .map_err(|e| format!("\"intent\" is not an intent: {e}"))
}

fn count_of(value: &Value, key: &str) -> Result<usize, String> {
    value
        .get(key)
        .and_then(Value::as_u64)
        .map(|n| n as usize)
        .ok_or_else(|| format!("\"{key}\" is missing or not a count"))
}

/// Each line of the JSON-lines file `path`, read by `read`; an error names the line.
fn lines_of<T>(
    path: &Path,
    read: impl Fn(&Value) -> Result<T, String>,
) -> Result<Vec<T>, EnvironmentError> {
    let text = std::fs::read_to_string(path).map_err(|e| EnvironmentError::io(path, e))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(line)
            .map_err(|e| bad(path, format!("line {}: not JSON: {e}", i + 1)))?;
        out.push(read(&value).map_err(|e| bad(path, format!("line {}: {e}", i + 1)))?);
    }
    Ok(out)
}

/// Reads a folder written by [`write_report_dir`]: the intents, the answers and the
/// counterexamples as they are, each judged again.
pub fn read_report_dir(dir: &Path) -> Result<EmitReport, EnvironmentError> {
    let path = dir.join("emitter.json");
    let text = std::fs::read(&path).map_err(|e| EnvironmentError::io(&path, e))?;
    let head: Value =
        serde_json::from_slice(&text).map_err(|e| bad(&path, format!("not JSON: {e}")))?;
    if head.get("format").and_then(Value::as_u64) != Some(FORMAT) {
        return Err(bad(
            &path,
            format!(
                "not an emitter report of format {FORMAT}: {}",
                head.get("format").unwrap_or(&Value::Null)
            ),
        ));
    }
    let header = || -> Result<_, String> {
        Ok((
            EmitterCapabilities {
                name: string_of(&head, "name")?,
                version: string_of(&head, "version")?,
                profiles: profiles_of(&head, "declared_profiles")?,
            },
            string_of(&head, "command")?,
            profiles_of(&head, "profiles")?,
        ))
    };
    let (emitter, command, profiles) = header().map_err(|e| bad(&path, e))?;
    let results = lines_of(&dir.join("results.jsonl"), |line| {
        let profile = profile_of(line.get("profile").unwrap_or(&Value::Null))?;
        let intent = intent_of(line)?;
        let answer = answer_of(line.get("answer").unwrap_or(&Value::Null))?;
        let removed = match line.get("removed") {
            None => Vec::new(),
            Some(list) => serde_json::from_value(list.clone())
                .map_err(|e| format!("\"removed\" is not a list of fields: {e}"))?,
        };
        let expectation = expect(&intent, profile);
        Ok(EmitResult {
            index: count_of(line, "index")?,
            profile,
            kind: string_of(line, "kind")?,
            judgement: judge(&expectation, &answer, profile),
            intent_accepted: expectation.verdict.is_ok(),
            intent,
            removed,
            answer,
        })
    })?;
    let counterexamples = lines_of(&dir.join("counterexamples.jsonl"), |line| {
        let profile = profile_of(line.get("profile").unwrap_or(&Value::Null))?;
        let intent = intent_of(line)?;
        let answer = answer_of(line.get("answer").unwrap_or(&Value::Null))?;
        let expectation = expect(&intent, profile);
        let judgement = judge(&expectation, &answer, profile);
        Ok(Counterexample {
            class: string_of(line, "class")?,
            profile,
            size: (
                count_of(line, "fields_before_shrinking")?,
                count_of(line, "fields")?,
            ),
            tried: count_of(line, "tried")?,
            intent,
            expectation,
            answer,
            judgement,
        })
    })?;
    Ok(EmitReport {
        emitter,
        command,
        profiles,
        results,
        counterexamples,
    })
}
