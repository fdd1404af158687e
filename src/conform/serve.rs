//! The reference behind the persistent protocol ([`super::ndjson`]), as
//! `domainbackup-harness serve`: one process answers every case, a JSON line each way. An
//! adapter in any language can start it once and hand it the cases, or the parts of a case,
//! that it does not implement itself, without a process per case.
//!
//! A request it cannot read (not JSON, an unknown command, a mode, profile or document that
//! is missing or wrong) is answered with `{"seq":N,"skipped":"bad request: ..."}` (or
//! `{"ok":false,"error":..}` when the line names no `seq`), and the loop goes on.
//!
//! It is also the reference emitter (the emitter protocol, `crate::emit::protocol`): a
//! `start` with `"role":"emitter"` is answered as an emitter, and `emit` with the
//! reference's document for the intent (an intent it cannot read is `refused`).
//!
//! It must not know about campaigns: it is the reference's verdict per request, nothing more.

use std::io::{BufRead, Write};

use serde_json::{Value, json};

use crate::{Mode, Profile};

/// Serves requests from `input` until `{"cmd":"stop"}` or the end of `input`, writing one
/// answer line per request to `output` (flushed after each). Only an I/O error on either
/// side ends it early.
pub fn serve(input: impl BufRead, mut output: impl Write) -> std::io::Result<()> {
    for line in input.split(b'\n') {
        let line = line?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let answer = match answer(&line) {
            Answer::Line(value) => value,
            Answer::Stop => return Ok(()),
        };
        serde_json::to_writer(&mut output, &answer)?;
        output.write_all(b"\n")?;
        output.flush()?;
    }
    Ok(())
}

enum Answer {
    Line(Value),
    Stop,
}

fn answer(line: &[u8]) -> Answer {
    let request: Value = match serde_json::from_slice(line) {
        Ok(v) => v,
        Err(e) => {
            return Answer::Line(
                json!({"ok": false, "error": format!("bad request: not JSON: {e}")}),
            );
        }
    };
    let seq = request.get("seq").cloned();
    let bad = |why: String| match &seq {
        Some(seq) => json!({"seq": seq, "skipped": format!("bad request: {why}")}),
        None => json!({"ok": false, "error": format!("bad request: {why}")}),
    };
    match request.get("cmd").and_then(Value::as_str) {
        Some("start") if request.get("role").and_then(Value::as_str) == Some("emitter") => {
            Answer::Line(json!({
                "ok": true,
                "role": "emitter",
                "name": "reference",
                "version": env!("CARGO_PKG_VERSION"),
                "profiles": Profile::ALL.iter().map(|p| p.name()).collect::<Vec<_>>(),
            }))
        }
        Some("start") => Answer::Line(json!({
            "ok": true,
            "name": "reference",
            "version": env!("CARGO_PKG_VERSION"),
            "modes": super::CAMPAIGN_MODES.iter().map(|m| m.name()).collect::<Vec<_>>(),
            "profiles": Profile::ALL.iter().map(|p| p.name()).collect::<Vec<_>>(),
            "validates": "full",
            "bytes": true,
        })),
        Some("stop") => Answer::Stop,
        Some("run") => Answer::Line(match run(&request) {
            Ok(mut value) => {
                value["seq"] = seq.unwrap_or(Value::Null);
                value
            }
            Err(why) => bad(why),
        }),
        Some("emit") => Answer::Line(match emit(&request) {
            Ok(mut value) => {
                value["seq"] = seq.unwrap_or(Value::Null);
                value
            }
            Err(why) => match &seq {
                Some(seq) => json!({"seq": seq, "refused": format!("bad request: {why}")}),
                None => json!({"ok": false, "error": format!("bad request: {why}")}),
            },
        }),
        Some(other) => Answer::Line(bad(format!(
            "unknown cmd {other:?} (start, run, emit or stop)"
        ))),
        None => Answer::Line(bad("no \"cmd\"".into())),
    }
}

fn run(request: &Value) -> Result<Value, String> {
    let field = |name: &str| {
        request
            .get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("no {name:?} string"))
    };
    let mode_name = field("mode")?;
    let mode = Mode::from_name(mode_name).ok_or_else(|| {
        format!(
            "unknown mode {mode_name:?} ({})",
            Mode::ALL.map(|m| m.name()).join(", ")
        )
    })?;
    let profile_name = field("profile")?;
    let profile: Profile = profile_name
        .parse()
        .map_err(|_| format!("unknown profile {profile_name:?}"))?;
    let document = match (request.get("xml"), request.get("xml_base64")) {
        (Some(Value::String(text)), None) => text.as_bytes().to_vec(),
        (None, Some(Value::String(encoded))) => super::ndjson::unbase64(encoded)
            .ok_or_else(|| "\"xml_base64\" is not base64".to_string())?,
        _ => return Err("exactly one of \"xml\" and \"xml_base64\", a string, is needed".into()),
    };
    Ok(match crate::process(&document, mode.options(profile)) {
        Ok(text) => json!({"accepted": true, "xml": text}),
        Err(r) => json!({
            "accepted": false,
            "stage": r.stage.as_str(),
            "code": r.code,
            "message": r.message,
        }),
    })
}

/// The reference's document for the request's intent (the emitter protocol's `emit`).
fn emit(request: &Value) -> Result<Value, String> {
    let intent = request
        .get("intent")
        .ok_or_else(|| "no \"intent\"".to_string())?;
    let intent: crate::emit::BackupIntent =
        serde_json::from_value(intent.clone()).map_err(|e| format!("the intent: {e}"))?;
    Ok(json!({"xml": crate::emit::write::document(&intent)}))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(input: &str) -> Vec<Value> {
        let mut out = Vec::new();
        serve(input.as_bytes(), &mut out).expect("in memory");
        String::from_utf8(out)
            .expect("JSON is UTF-8")
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect()
    }

    #[test]
    fn answers_as_the_reference() {
        let answers = exchange(concat!(
            "{\"cmd\":\"start\",\"version\":1}\n",
            "{\"cmd\":\"run\",\"seq\":1,\"mode\":\"parse\",\"profile\":\"9.0\",\"xml\":\"<domainbackup/>\"}\n",
            "{\"cmd\":\"run\",\"seq\":2,\"mode\":\"parse\",\"profile\":\"11.3\",\"xml\":\"<domainbackup mode='pul'/>\"}\n",
            "{\"cmd\":\"run\",\"seq\":3,\"mode\":\"parse\",\"profile\":\"11.3\",\"xml_base64\":\"PGRvbWFpbmJhY2t1cC8+\"}\n",
            "{\"cmd\":\"stop\"}\n",
            "{\"cmd\":\"run\",\"seq\":4,\"mode\":\"parse\",\"profile\":\"11.3\",\"xml\":\"<domainbackup/>\"}\n",
        ));
        assert_eq!(answers.len(), 4, "nothing after stop: {answers:?}");
        assert_eq!(answers[0]["ok"], true);
        assert_eq!(answers[0]["bytes"], true);
        assert_eq!(answers[1]["seq"], 1);
        assert_eq!(answers[1]["xml"], "<domainbackup mode='push'/>\n");
        assert_eq!(answers[2]["accepted"], false);
        assert_eq!(answers[2]["stage"], "schema");
        assert_eq!(answers[3]["xml"], answers[1]["xml"]);
    }

    #[test]
    fn bad_requests_are_named_and_the_loop_goes_on() {
        let answers = exchange(concat!(
            "not json\n",
            "{\"cmd\":\"fly\",\"seq\":1}\n",
            "{\"cmd\":\"run\",\"seq\":2,\"mode\":\"sideways\",\"profile\":\"9.0\",\"xml\":\"\"}\n",
            "{\"cmd\":\"run\",\"seq\":3,\"mode\":\"parse\",\"profile\":\"1.0\",\"xml\":\"\"}\n",
            "{\"cmd\":\"run\",\"seq\":4,\"mode\":\"parse\",\"profile\":\"9.0\"}\n",
            "{\"cmd\":\"run\",\"seq\":5,\"mode\":\"parse\",\"profile\":\"9.0\",\"xml_base64\":\"!!\"}\n",
            "{\"cmd\":\"run\",\"seq\":6,\"mode\":\"parse\",\"profile\":\"9.0\",\"xml\":\"<domainbackup/>\"}\n",
        ));
        assert_eq!(answers[0]["ok"], false);
        assert!(answers[0]["error"].as_str().unwrap().contains("not JSON"));
        let skipped: Vec<&str> = answers[1..6]
            .iter()
            .map(|a| a["skipped"].as_str().expect("a skip"))
            .collect();
        assert!(skipped[0].contains("unknown cmd \"fly\""), "{skipped:?}");
        assert!(
            skipped[1].contains("unknown mode \"sideways\""),
            "{skipped:?}"
        );
        assert!(
            skipped[2].contains("unknown profile \"1.0\""),
            "{skipped:?}"
        );
        assert!(skipped[3].contains("exactly one of"), "{skipped:?}");
        assert!(skipped[4].contains("not base64"), "{skipped:?}");
        assert_eq!(answers[6]["accepted"], true);
    }
}
