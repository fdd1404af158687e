//! The persistent protocol (like Bowtie): one process per job, one JSON object per line
//! each way.
//!
//! ```text
//! → {"cmd":"start","version":1}
//! ← {"ok":true,"name":"..","version":"..","modes":["parse","align","internal"],"profiles":["9.0","11.3"]}
//! → {"cmd":"run","seq":1,"mode":"parse","profile":"11.3","xml":"<domainbackup/>"}
//! ← {"seq":1,"accepted":true,"xml":"<domainbackup mode='push'/>\n"}
//!   or {"seq":1,"accepted":false,"message":"..","code":27}   (code, and "stage", optional)
//!   or {"seq":1,"skipped":"reason"}
//! → {"cmd":"stop"}
//! ```
//!
//! A document that is not UTF-8 (a UTF-16 one, bytes that are no text) cannot be a JSON
//! string: it goes as `"xml_base64"` (standard alphabet, padded) to a process whose
//! handshake says `"bytes":true`, and is skipped for any other.
//!
//! Every read has the timeout. A process that dies, answers garbage, a line over the cap or
//! the wrong `seq` is killed and restarted before the next case; its case is recorded as a
//! crash, timeout or protocol error. Writes go through a thread, so a process that stops
//! reading never blocks the runner.

use std::ffi::OsString;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{Value, json};

use crate::{Profile, Stage};

use super::case::Case;
use super::compare::Validation;
use super::environment::EnvironmentError;
use super::implementation::{
    Capabilities, FirstInstance, Implementation, LaunchSettings, Launcher, Observed, shell_words,
};
use super::process::{command_name, resolve_program};
use super::session::{Line, Session};

/// The protocol version this runner speaks.
pub const PROTOCOL_VERSION: u64 = 1;

/// Starts the process and performs the handshake.
fn handshake(
    command: &[OsString],
    timeout: Duration,
    cap: usize,
) -> Result<(Session, Capabilities, bool), String> {
    let (session, line) = Session::start(
        command,
        timeout,
        cap,
        &json!({"cmd": "start", "version": PROTOCOL_VERSION}),
    )?;
    match parse_capabilities(&line) {
        Ok(caps) => Ok((session, caps, declares_bytes(&line))),
        Err(e) => {
            session.stop(false);
            Err(e)
        }
    }
}

/// Reads the answer to `start`.
pub fn parse_capabilities(line: &[u8]) -> Result<Capabilities, String> {
    let shown = String::from_utf8_lossy(line)
        .chars()
        .take(200)
        .collect::<String>();
    let value: Value = serde_json::from_slice(line)
        .map_err(|e| format!("the answer to start is not JSON ({e}): {shown}"))?;
    if value.get("ok") != Some(&Value::Bool(true)) {
        return Err(format!(
            "the answer to start is not {{\"ok\":true,..}}: {shown}"
        ));
    }
    let name = value
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("the answer to start has no \"name\": {shown}"))?
        .to_string();
    let version = match value.get("version") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let list = |key: &str| -> Result<Vec<String>, String> {
        value
            .get(key)
            .and_then(Value::as_array)
            .ok_or_else(|| format!("the answer to start has no \"{key}\" list: {shown}"))?
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("\"{key}\" holds a non-string: {shown}"))
            })
            .collect()
    };
    let mut modes = Vec::new();
    for m in list("modes")? {
        let mode = super::process::mode_from_env_value(&m)
            .ok_or_else(|| format!("unknown mode \"{m}\" (parse, align, internal)"))?;
        modes.push(mode);
    }
    let mut profiles = Vec::new();
    for p in list("profiles")? {
        let profile: Profile = p
            .parse()
            .map_err(|_| format!("unknown profile \"{p}\" (9.0, 11.3)"))?;
        profiles.push(profile);
    }
    let validates = match value.get("validates") {
        None => Validation::Full,
        Some(v) => v
            .as_str()
            .and_then(Validation::from_name)
            .ok_or_else(|| format!("\"validates\" is none, schema or full: {shown}"))?,
    };
    Ok(Capabilities {
        name,
        version,
        modes,
        profiles,
        validates,
    })
}

/// Whether a handshake line declares `"bytes":true`: documents that are not UTF-8 are then
/// sent base64-encoded as `"xml_base64"`.
pub fn declares_bytes(line: &[u8]) -> bool {
    serde_json::from_slice::<Value>(line).is_ok_and(|v| v.get("bytes") == Some(&Value::Bool(true)))
}

/// `bytes` in base64 (RFC 4648's standard alphabet, with padding).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The bytes of `text` in base64 (RFC 4648's standard alphabet; padding optional), or
/// `None` where it is not base64.
pub fn unbase64(text: &str) -> Option<Vec<u8>> {
    let digits = text.trim_end_matches('=').as_bytes();
    if text.len() - digits.len() > 2 || digits.len() % 4 == 1 {
        return None;
    }
    let value = |c: u8| -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    };
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= value(c)? << (18 - 6 * i);
        }
        out.extend(n.to_be_bytes()[1..chunk.len()].iter());
    }
    Some(out)
}

/// Reads the answer to a `run` with `seq`.
pub fn parse_answer(line: &[u8], seq: u64) -> Result<Observed, String> {
    let shown = || {
        String::from_utf8_lossy(line)
            .chars()
            .take(200)
            .collect::<String>()
    };
    let value: Value = serde_json::from_slice(line)
        .map_err(|e| format!("the answer is not JSON ({e}): {}", shown()))?;
    let Some(object) = value.as_object() else {
        return Err(format!("the answer is not a JSON object: {}", shown()));
    };
    match object.get("seq").and_then(Value::as_u64) {
        Some(s) if s == seq => {}
        Some(s) => return Err(format!("answer for seq {s}, expected seq {seq}")),
        None => return Err(format!("the answer has no \"seq\": {}", shown())),
    }
    if let Some(reason) = object.get("skipped") {
        return match reason.as_str() {
            Some(reason) => Ok(Observed::Skipped {
                reason: reason.to_string(),
            }),
            None => Err(format!("\"skipped\" is not a string: {}", shown())),
        };
    }
    match object.get("accepted") {
        Some(Value::Bool(true)) => match object.get("xml").and_then(Value::as_str) {
            Some(xml) => Ok(Observed::Accepted {
                output: xml.to_string(),
            }),
            None => Err(format!("accepted without an \"xml\" string: {}", shown())),
        },
        Some(Value::Bool(false)) => {
            let message = match object.get("message") {
                Some(Value::String(m)) => m.clone(),
                None => String::new(),
                Some(_) => return Err(format!("\"message\" is not a string: {}", shown())),
            };
            let code = match object.get("code") {
                None | Some(Value::Null) => None,
                Some(c) => Some(
                    c.as_i64()
                        .and_then(|c| i32::try_from(c).ok())
                        .ok_or_else(|| format!("\"code\" is not an integer: {}", shown()))?,
                ),
            };
            let stage = object
                .get("stage")
                .and_then(Value::as_str)
                .and_then(Stage::from_name);
            Ok(Observed::Rejected {
                message,
                code,
                stage,
            })
        }
        _ => Err(format!(
            "the answer has neither \"accepted\" nor \"skipped\": {}",
            shown()
        )),
    }
}

/// Starts persistent processes.
pub struct NdjsonLauncher {
    command: Vec<OsString>,
    capabilities: Capabilities,
    timeout: Duration,
    cap: usize,
    first: FirstInstance,
}

impl NdjsonLauncher {
    /// Starts one process and performs the handshake, to learn what it supports; that
    /// process is the first job's.
    pub fn new(
        command: Vec<OsString>,
        settings: &LaunchSettings,
    ) -> Result<NdjsonLauncher, EnvironmentError> {
        let Some(program) = command.first() else {
            return Err(EnvironmentError::Usage(
                "no command given after `--`".into(),
            ));
        };
        resolve_program(std::path::Path::new(program))?;
        let (session, mut capabilities, bytes) =
            handshake(&command, settings.timeout, settings.output_cap).map_err(|detail| {
                EnvironmentError::Handshake {
                    command: shell_words(&command),
                    detail,
                }
            })?;
        if capabilities.name.trim().is_empty() {
            capabilities.name = command_name(&command);
        }
        let instance = Ndjson {
            command: command.clone(),
            session: Some(session),
            bytes,
            seq: 0,
            timeout: settings.timeout,
            cap: settings.output_cap,
        };
        Ok(NdjsonLauncher {
            command,
            capabilities,
            timeout: settings.timeout,
            cap: settings.output_cap,
            first: FirstInstance(Mutex::new(Some(Box::new(instance)))),
        })
    }
}

impl Launcher for NdjsonLauncher {
    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    fn start(&self) -> Result<Box<dyn Implementation>, EnvironmentError> {
        if let Some(first) = self.first.take() {
            return Ok(first);
        }
        Ok(Box::new(Ndjson {
            command: self.command.clone(),
            session: None,
            bytes: false,
            seq: 0,
            timeout: self.timeout,
            cap: self.cap,
        }))
    }

    fn command_line(&self) -> String {
        format!("--protocol ndjson -- {}", shell_words(&self.command))
    }
}

/// One job's process; started (again) lazily before a case when there is none.
struct Ndjson {
    command: Vec<OsString>,
    session: Option<Session>,
    /// Whether its handshake takes documents as bytes (`"bytes":true`).
    bytes: bool,
    seq: u64,
    timeout: Duration,
    cap: usize,
}

impl Ndjson {
    fn fail(&mut self, observed: Observed) -> Observed {
        if let Some(session) = self.session.take() {
            session.stop(false);
        }
        observed
    }
}

/// How many requests a job sends before it waits for the first answer: answers come back in
/// order, so one process works through them without waiting for the harness between cases.
pub const PIPELINE: usize = 64;

impl Ndjson {
    /// Starts the process when there is none.
    fn ensure_session(&mut self) -> Result<(), Observed> {
        if self.session.is_none() {
            match handshake(&self.command, self.timeout, self.cap) {
                Ok((session, _, bytes)) => {
                    self.session = Some(session);
                    self.bytes = bytes;
                }
                Err(detail) => {
                    return Err(Observed::ProtocolError {
                        detail: format!("restart failed: {detail}"),
                    });
                }
            }
        }
        Ok(())
    }

    /// Waits for the answer to request `seq`.
    fn answer(&mut self, seq: u64) -> Observed {
        let Some(session) = self.session.as_mut() else {
            return Observed::ProtocolError {
                detail: "no process".into(),
            };
        };
        match session.receive(self.timeout) {
            Err(()) => self.fail(Observed::TimedOut {
                after_ms: self.timeout.as_millis() as u64,
            }),
            Ok(Line::Eof) => {
                let detail = session.exit_detail();
                self.fail(Observed::Crashed { detail })
            }
            Ok(Line::TooLong) => self.fail(Observed::ProtocolError {
                detail: format!("an answer line is longer than {} bytes", self.cap),
            }),
            Ok(Line::Text(line)) => match parse_answer(&line, seq) {
                Ok(observed) => observed,
                Err(detail) => self.fail(Observed::ProtocolError { detail }),
            },
        }
    }
}

/// The document's field in a `run` request: `"xml"` with the text, `"xml_base64"` with
/// the bytes of one that is not UTF-8 when the process takes bytes, or why it cannot be
/// sent.
fn document_field(case: &Case, bytes: bool) -> Result<(&'static str, Value), Observed> {
    match std::str::from_utf8(&case.document) {
        Ok(text) => Ok(("xml", Value::from(text))),
        Err(_) if bytes => Ok(("xml_base64", Value::from(base64(&case.document)))),
        Err(_) => Err(Observed::Skipped {
            reason: "the document is not UTF-8 and cannot be sent as a JSON string (a \
                     handshake with \"bytes\":true gets it as \"xml_base64\")"
                .into(),
        }),
    }
}

impl Implementation for Ndjson {
    fn run(&mut self, case: &Case) -> Observed {
        self.run_batch(&[case])
            .pop()
            .unwrap_or_else(|| Observed::ProtocolError {
                detail: "no answer".into(),
            })
    }

    fn batch_size(&self) -> usize {
        PIPELINE
    }

    /// Sends every request first, then reads the answers in order. A process that fails
    /// on one case is stopped there: the requests after it were sent to a process that is
    /// gone, so they are handed back (the caller sends them again to a new process).
    fn run_batch(&mut self, cases: &[&Case]) -> Vec<Observed> {
        if cases.is_empty() {
            return Vec::new();
        }
        if let Err(failed) = self.ensure_session() {
            return vec![failed];
        }
        // Each case's request number, or why it was not sent.
        let mut sent: Vec<Result<u64, Observed>> = Vec::with_capacity(cases.len());
        let bytes = self.bytes;
        for case in cases {
            let (field, document) = match document_field(case, bytes) {
                Ok(field) => field,
                Err(skipped) => {
                    sent.push(Err(skipped));
                    continue;
                }
            };
            self.seq += 1;
            if let Some(session) = self.session.as_ref() {
                let mut request = json!({
                    "cmd": "run",
                    "seq": self.seq,
                    "mode": case.mode.name(),
                    "profile": case.profile.name(),
                });
                request[field] = document;
                session.send(&request);
            }
            sent.push(Ok(self.seq));
        }
        let mut out = Vec::with_capacity(cases.len());
        for request in sent {
            let observed = match request {
                Err(skipped) => skipped,
                Ok(seq) => self.answer(seq),
            };
            out.push(observed);
            if self.session.is_none() {
                break;
            }
        }
        out
    }
}

impl Drop for Ndjson {
    fn drop(&mut self) {
        if let Some(session) = self.session.take() {
            session.stop(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_rfc_4648s() {
        // RFC 4648, section 10.
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded, "{plain}");
        }
        assert_eq!(base64(&[0xff, 0xfe, 0x3c, 0x00]), "//48AA==");
        for plain in ["", "f", "fo", "foo", "foob", "fooba", "foobar"] {
            assert_eq!(
                unbase64(&base64(plain.as_bytes())).as_deref(),
                Some(plain.as_bytes())
            );
        }
        assert_eq!(
            unbase64("//48AA").as_deref(),
            Some(&[0xff, 0xfe, 0x3c, 0x00][..])
        );
        for bad in ["!!", "Zg===", "Z", "Zm9v\n"] {
            assert_eq!(unbase64(bad), None, "{bad:?}");
        }
        assert!(declares_bytes(br#"{"ok":true,"bytes":true}"#));
        assert!(!declares_bytes(br#"{"ok":true,"bytes":"yes"}"#));
        assert!(!declares_bytes(br#"{"ok":true}"#));
    }

    #[test]
    fn answers_are_checked() {
        assert_eq!(
            parse_answer(br#"{"seq":3,"accepted":true,"xml":"<x/>"}"#, 3),
            Ok(Observed::Accepted {
                output: "<x/>".into()
            })
        );
        assert_eq!(
            parse_answer(br#"{"seq":3,"accepted":false,"message":"m","code":27}"#, 3),
            Ok(Observed::Rejected {
                message: "m".into(),
                code: Some(27),
                stage: None
            })
        );
        assert!(parse_answer(br#"{"seq":2,"accepted":true,"xml":""}"#, 3).is_err());
        assert!(parse_answer(b"garbage", 3).is_err());
        assert!(parse_answer(br#"{"seq":3}"#, 3).is_err());
        assert_eq!(
            parse_answer(br#"{"seq":3,"skipped":"no"}"#, 3),
            Ok(Observed::Skipped {
                reason: "no".into()
            })
        );
    }
}
