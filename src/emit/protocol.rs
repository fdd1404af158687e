//! The emitter protocol: one process per job, one JSON object per line each way, like the
//! persistent reader protocol.
//!
//! ```text
//! → {"cmd":"start","version":1,"role":"emitter"}
//! ← {"ok":true,"role":"emitter","name":"..","version":"..","profiles":["9.0","11.3"]}
//! → {"cmd":"emit","seq":1,"profile":"11.3","intent":{"mode":"push","disks":[..]},
//!    "domain":"<domain type='kvm'>..</domain>"}                 (the domain of the intent's disks)
//! ← {"seq":1,"xml":"<domainbackup mode='push'>..</domainbackup>"}
//!   or {"seq":1,"xml":"..","chosen":["disks[0].scratch.file"]}  (values it chose itself)
//!   or {"seq":1,"unsupported":["disks[0].target.encryption"]}   (the fields it cannot write)
//!   or {"seq":1,"refused":"why"}                                (it will not write this intent)
//! → {"cmd":"stop"}
//! ```
//!
//! The intent is [`super::intent::BackupIntent`] as JSON (its schema is in
//! `schema/intent/`). Every read has the timeout; a process that dies, answers garbage, a
//! line over the cap or the wrong `seq` is stopped and started again before the next
//! intent, and its intent ends as a crash, a timeout or a protocol error.

use std::ffi::OsString;
use std::time::Duration;

use serde_json::{Value, json};

use crate::Profile;
use crate::conform::EnvironmentError;
use crate::conform::implementation::shell_words;
use crate::conform::process::command_name;
use crate::conform::session::{Line, Session};

use super::intent::BackupIntent;
use super::judge::{Answer, domain_for};
use super::write::domain_xml;

/// The emitter protocol's version.
pub const EMITTER_PROTOCOL_VERSION: u64 = 1;

/// How many intents are sent before the first answer is waited for (answers come in order).
pub const PIPELINE: usize = 32;

/// What an emitter's handshake says of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmitterCapabilities {
    /// Its name.
    pub name: String,
    /// Its version, as it reports it.
    pub version: String,
    /// The libvirt versions it writes for.
    pub profiles: Vec<Profile>,
}

/// Reads the answer to `start`.
pub fn parse_handshake(line: &[u8]) -> Result<EmitterCapabilities, String> {
    let shown: String = String::from_utf8_lossy(line).chars().take(200).collect();
    let value: Value = serde_json::from_slice(line)
        .map_err(|e| format!("the answer to start is not JSON ({e}): {shown}"))?;
    if value.get("ok") != Some(&Value::Bool(true)) {
        return Err(format!(
            "the answer to start is not {{\"ok\":true,..}}: {shown}"
        ));
    }
    if value.get("role").and_then(Value::as_str) != Some("emitter") {
        return Err(format!(
            "the answer to start does not say \"role\":\"emitter\" (a reader adapter \
             speaks the reader protocol): {shown}"
        ));
    }
    let text = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let profiles = match value.get("profiles") {
        None => Profile::ALL.to_vec(),
        Some(Value::Array(list)) => {
            let mut profiles = Vec::new();
            for item in list {
                let name = item
                    .as_str()
                    .ok_or_else(|| format!("\"profiles\" holds {item}, not a profile name"))?;
                // A profile the harness does not model is left out, not an error: the
                // emitter may know newer libvirt versions.
                if let Ok(profile) = name.parse::<Profile>() {
                    profiles.push(profile);
                }
            }
            profiles
        }
        Some(other) => return Err(format!("\"profiles\" is {other}, not a list")),
    };
    Ok(EmitterCapabilities {
        name: text("name"),
        version: text("version"),
        profiles,
    })
}

/// Reads the answer to intent `seq`.
pub fn parse_answer(line: &[u8], seq: u64) -> Result<Answer, String> {
    let shown: String = String::from_utf8_lossy(line).chars().take(200).collect();
    let value: Value = serde_json::from_slice(line)
        .map_err(|e| format!("the answer is not JSON ({e}): {shown}"))?;
    match value.get("seq").and_then(Value::as_u64) {
        Some(got) if got == seq => {}
        Some(got) => return Err(format!("the answer is for seq {got}, expected {seq}")),
        None => return Err(format!("the answer has no \"seq\": {shown}")),
    }
    if let Some(xml) = value.get("xml") {
        let xml = xml
            .as_str()
            .ok_or_else(|| format!("\"xml\" is not a string: {shown}"))?
            .to_string();
        return match value.get("chosen") {
            None => Ok(Answer::Document(xml)),
            Some(chosen) => Ok(Answer::Choosing(xml, field_list(chosen, "chosen")?)),
        };
    }
    if let Some(fields) = value.get("unsupported") {
        return Ok(Answer::Unsupported(field_list(fields, "unsupported")?));
    }
    if let Some(message) = value.get("refused") {
        return Ok(Answer::Refused(match message {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        }));
    }
    Err(format!(
        "the answer has none of \"xml\", \"unsupported\", \"refused\": {shown}"
    ))
}

/// A list of intent fields (`"unsupported"`, `"chosen"`).
fn field_list(value: &Value, key: &str) -> Result<Vec<String>, String> {
    let list = value
        .as_array()
        .ok_or_else(|| format!("\"{key}\" is not a list of fields: {value}"))?;
    list.iter()
        .map(|field| {
            field
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("\"{key}\" holds {field}, not a field name"))
        })
        .collect()
}

/// One emitter process, started again after a failure; with more jobs, the processes
/// beside it that [`EmitterProcess::emit_all`] shares a campaign's intents with.
pub struct EmitterProcess {
    command: Vec<OsString>,
    session: Option<Session>,
    capabilities: EmitterCapabilities,
    seq: u64,
    timeout: Duration,
    cap: usize,
    helpers: Vec<EmitterProcess>,
}

/// The least time a process is given to answer `start`: starting an interpreter on a busy
/// machine may take longer than one answer should.
pub const MIN_START_TIMEOUT: Duration = Duration::from_secs(5);

fn handshake(
    command: &[OsString],
    timeout: Duration,
    cap: usize,
) -> Result<(Session, EmitterCapabilities), String> {
    let (session, line) = Session::start(
        command,
        timeout.max(MIN_START_TIMEOUT),
        cap,
        &json!({"cmd": "start", "version": EMITTER_PROTOCOL_VERSION, "role": "emitter"}),
    )?;
    match parse_handshake(&line) {
        Ok(capabilities) => Ok((session, capabilities)),
        Err(e) => {
            session.stop(false);
            Err(e)
        }
    }
}

impl EmitterProcess {
    /// Starts `command` and performs the handshake.
    pub fn start(
        command: Vec<OsString>,
        timeout: Duration,
        cap: usize,
    ) -> Result<EmitterProcess, EnvironmentError> {
        if command.is_empty() {
            return Err(EnvironmentError::Usage(
                "no emitter command given after `--`".into(),
            ));
        }
        let (session, mut capabilities) =
            handshake(&command, timeout, cap).map_err(|detail| EnvironmentError::Handshake {
                command: shell_words(&command),
                detail,
            })?;
        if capabilities.name.trim().is_empty() {
            capabilities.name = command_name(&command);
        }
        Ok(EmitterProcess {
            command,
            session: Some(session),
            capabilities,
            seq: 0,
            timeout,
            cap,
            helpers: Vec::new(),
        })
    }

    /// Starts `jobs` processes of `command` (at least one), each with its handshake: the
    /// first is the one answering single intents (shrinking), all of them share
    /// [`EmitterProcess::emit_all`]'s.
    pub fn start_jobs(
        command: Vec<OsString>,
        jobs: usize,
        timeout: Duration,
        cap: usize,
    ) -> Result<EmitterProcess, EnvironmentError> {
        let mut first = EmitterProcess::start(command.clone(), timeout, cap)?;
        for _ in 1..jobs {
            let helper = EmitterProcess::start(command.clone(), timeout, cap)?;
            if helper.capabilities != first.capabilities {
                return Err(EnvironmentError::Handshake {
                    command: shell_words(&command),
                    detail: format!(
                        "a second process of it says another thing of itself ({} {}) than the \
                         first ({} {})",
                        helper.capabilities.name,
                        helper.capabilities.version,
                        first.capabilities.name,
                        first.capabilities.version
                    ),
                });
            }
            first.helpers.push(helper);
        }
        Ok(first)
    }

    /// How many processes answer [`EmitterProcess::emit_all`].
    pub fn jobs(&self) -> usize {
        1 + self.helpers.len()
    }

    /// What its handshake said.
    pub fn capabilities(&self) -> &EmitterCapabilities {
        &self.capabilities
    }

    /// The command it runs.
    pub fn command_line(&self) -> String {
        shell_words(&self.command)
    }

    fn fail(&mut self, answer: Answer) -> Answer {
        if let Some(session) = self.session.take() {
            session.stop(false);
        }
        answer
    }

    fn ensure_session(&mut self) -> Result<(), Answer> {
        if self.session.is_none() {
            match handshake(&self.command, self.timeout, self.cap) {
                Ok((session, _)) => self.session = Some(session),
                Err(detail) => {
                    return Err(Answer::ProtocolError(format!("restart failed: {detail}")));
                }
            }
        }
        Ok(())
    }

    fn answer(&mut self, seq: u64) -> Answer {
        let Some(session) = self.session.as_mut() else {
            return Answer::ProtocolError("no process".into());
        };
        match session.receive(self.timeout) {
            Err(()) => self.fail(Answer::Timeout(format!(
                "no answer within {} ms",
                self.timeout.as_millis()
            ))),
            Ok(Line::Eof) => {
                let detail = session.exit_detail();
                self.fail(Answer::Crash(detail))
            }
            Ok(Line::TooLong) => self.fail(Answer::ProtocolError(format!(
                "an answer line is longer than {} bytes",
                self.cap
            ))),
            Ok(Line::Text(line)) => match parse_answer(&line, seq) {
                Ok(answer) => answer,
                Err(detail) => self.fail(Answer::ProtocolError(detail)),
            },
        }
    }

    /// The emitter's answers for `intents`, in order. Requests are sent ahead of the
    /// answers; when the process fails on one, the answers stop there (fewer answers than
    /// intents: the caller sends the rest again, to the process started anew).
    pub fn emit_batch(&mut self, intents: &[(&BackupIntent, Profile)]) -> Vec<Answer> {
        if intents.is_empty() {
            return Vec::new();
        }
        if let Err(failed) = self.ensure_session() {
            return vec![failed];
        }
        let mut sent = Vec::with_capacity(intents.len());
        for (intent, profile) in intents {
            self.seq += 1;
            if let Some(session) = self.session.as_ref() {
                session.send(&json!({
                    "cmd": "emit",
                    "seq": self.seq,
                    "profile": profile.name(),
                    "intent": intent,
                    "domain": domain_xml(&domain_for(intent)),
                }));
            }
            sent.push(self.seq);
        }
        let mut answers = Vec::with_capacity(sent.len());
        for seq in sent {
            answers.push(self.answer(seq));
            if self.session.is_none() {
                break;
            }
        }
        answers
    }

    /// The emitter's answers for `intents`, in order, [`PIPELINE`] at a time: a process
    /// that fails stops its batch there, and the rest go again to it started anew. With
    /// more than one job, each process takes the next batch as it is free.
    pub fn emit_all(&mut self, intents: &[(&BackupIntent, Profile)]) -> Vec<Answer> {
        fn one_batch(
            process: &mut EmitterProcess,
            batch: &[(&BackupIntent, Profile)],
        ) -> Vec<Answer> {
            let mut answers = Vec::with_capacity(batch.len());
            while answers.len() < batch.len() {
                let rest = process.emit_batch(&batch[answers.len()..]);
                answers.extend(rest);
            }
            answers
        }
        let batches: Vec<&[(&BackupIntent, Profile)]> = intents.chunks(PIPELINE).collect();
        if self.helpers.is_empty() || batches.len() < 2 {
            return batches
                .into_iter()
                .flat_map(|b| one_batch(self, b))
                .collect();
        }
        let mut helpers = std::mem::take(&mut self.helpers);
        let next = std::sync::atomic::AtomicUsize::new(0);
        let slots: Vec<std::sync::Mutex<Vec<Answer>>> = batches
            .iter()
            .map(|_| std::sync::Mutex::new(Vec::new()))
            .collect();
        std::thread::scope(|scope| {
            for process in std::iter::once(&mut *self).chain(helpers.iter_mut()) {
                let (next, slots, batches) = (&next, &slots, &batches);
                scope.spawn(move || {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let Some(batch) = batches.get(i) else { break };
                        let answers = one_batch(process, batch);
                        *slots[i].lock().unwrap_or_else(|p| p.into_inner()) = answers;
                    }
                });
            }
        });
        self.helpers = helpers;
        slots
            .into_iter()
            .flat_map(|slot| slot.into_inner().unwrap_or_else(|p| p.into_inner()))
            .collect()
    }

    /// The emitter's answer for one intent.
    pub fn emit(&mut self, intent: &BackupIntent, profile: Profile) -> Answer {
        self.emit_batch(&[(intent, profile)])
            .pop()
            .unwrap_or_else(|| Answer::ProtocolError("no answer".into()))
    }
}

impl Drop for EmitterProcess {
    fn drop(&mut self) {
        if let Some(session) = self.session.take() {
            session.stop(true);
        }
    }
}
