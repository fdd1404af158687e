//! A process that answers one line per request: started in its own process group, fed
//! through a writer thread (so a process that stops reading never blocks the runner), its
//! output read a line at a time through another thread (up to a cap), and the tail of its
//! stderr kept for the report. The persistent reader protocol ([`super::ndjson`]) and the
//! emitter protocol (`crate::emit::protocol`) speak through it; what a line means is theirs.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::process::{kill_group, signal_name};

pub(crate) enum Line {
    /// One line, without its newline.
    Text(Vec<u8>),
    /// A line longer than the cap: nothing more is read.
    TooLong,
    /// The output closed.
    Eof,
}

/// One running process, fed through a thread and read through another.
pub(crate) struct Session {
    child: Child,
    pid: u32,
    requests: mpsc::Sender<Vec<u8>>,
    lines: mpsc::Receiver<Line>,
    stderr_tail: Arc<Mutex<Vec<u8>>>,
}

impl Session {
    pub(crate) fn spawn(command: &[OsString], cap: usize) -> std::io::Result<Session> {
        let (program, args) = command
            .split_first()
            .ok_or_else(|| std::io::Error::other("empty command"))?;
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()?;
        let pid = child.id();
        let mut stdin = child
            .stdin
            .take()
            .ok_or_else(|| std::io::Error::other("no stdin pipe"))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| std::io::Error::other("no stdout pipe"))?;
        let stderr = child
            .stderr
            .take()
            .ok_or_else(|| std::io::Error::other("no stderr pipe"))?;
        let (requests, to_write) = mpsc::channel::<Vec<u8>>();
        std::thread::spawn(move || {
            for request in to_write {
                if stdin
                    .write_all(&request)
                    .and_then(|_| stdin.flush())
                    .is_err()
                {
                    break;
                }
            }
        });
        let (line_tx, lines) = mpsc::channel::<Line>();
        std::thread::spawn(move || read_lines(stdout, cap, line_tx));
        let stderr_tail = Arc::new(Mutex::new(Vec::new()));
        {
            let tail = stderr_tail.clone();
            std::thread::spawn(move || keep_tail(stderr, tail));
        }
        Ok(Session {
            child,
            pid,
            requests,
            lines,
            stderr_tail,
        })
    }

    /// Starts `command` and sends it `request` (the protocol's `start`), giving back the
    /// process and its first line, or why there is none.
    pub(crate) fn start(
        command: &[OsString],
        timeout: Duration,
        cap: usize,
        request: &Value,
    ) -> Result<(Session, Vec<u8>), String> {
        let mut session =
            Session::spawn(command, cap).map_err(|e| format!("could not be started: {e}"))?;
        session.send(request);
        match session.receive(timeout) {
            Err(()) => {
                session.stop(false);
                Err(format!(
                    "no answer to {{\"cmd\":\"start\"}} within {} ms",
                    timeout.as_millis()
                ))
            }
            Ok(Line::Eof) => {
                let detail = session.exit_detail();
                session.stop(false);
                Err(format!("no answer to {{\"cmd\":\"start\"}}: {detail}"))
            }
            Ok(Line::TooLong) => {
                session.stop(false);
                Err(format!("the answer to start is longer than {cap} bytes"))
            }
            Ok(Line::Text(line)) => Ok((session, line)),
        }
    }

    pub(crate) fn send(&self, value: &Value) {
        let mut line = value.to_string().into_bytes();
        line.push(b'\n');
        // A writer thread that has stopped (the process closed stdin) shows up as no answer.
        let _ = self.requests.send(line);
    }

    pub(crate) fn receive(&self, timeout: Duration) -> Result<Line, ()> {
        self.lines.recv_timeout(timeout).or_else(|e| match e {
            mpsc::RecvTimeoutError::Timeout => Err(()),
            mpsc::RecvTimeoutError::Disconnected => Ok(Line::Eof),
        })
    }

    /// How the process ended, once its stdout closed (waits a little for the exit).
    pub(crate) fn exit_detail(&mut self) -> String {
        let deadline = Instant::now() + Duration::from_secs(1);
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                _ => break None,
            }
        };
        use std::os::unix::process::ExitStatusExt;
        let head = match status {
            Some(s) if s.code().is_some() => {
                format!("the process exited with status {}", s.code().unwrap_or(-1))
            }
            Some(s) => {
                let sig = s.signal().unwrap_or(0);
                format!(
                    "the process was killed by signal {sig} ({})",
                    signal_name(sig)
                )
            }
            None => "the process closed its output".to_string(),
        };
        let tail = self.stderr_tail();
        if tail.is_empty() {
            head
        } else {
            format!("{head}; stderr: {tail}")
        }
    }

    pub(crate) fn stderr_tail(&self) -> String {
        let bytes = match self.stderr_tail.lock() {
            Ok(b) => b.clone(),
            Err(p) => p.into_inner().clone(),
        };
        super::process::stderr_tail(&bytes)
    }

    /// Asks the process to stop, then makes sure it has.
    pub(crate) fn stop(mut self, polite: bool) {
        if polite {
            self.send(&json!({"cmd": "stop"}));
        }
        drop(self.requests);
        let deadline = Instant::now() + Duration::from_millis(if polite { 500 } else { 0 });
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                _ => {
                    kill_group(self.pid);
                    let _ = self.child.wait();
                    break;
                }
            }
        }
    }
}

fn read_lines(stdout: impl Read, cap: usize, tx: mpsc::Sender<Line>) {
    let mut reader = BufReader::new(stdout);
    let mut line = Vec::new();
    loop {
        let (done, used) = match reader.fill_buf() {
            Ok([]) => {
                let _ = tx.send(Line::Eof);
                return;
            }
            Ok(buf) => match buf.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    line.extend_from_slice(&buf[..i]);
                    (true, i + 1)
                }
                None => {
                    line.extend_from_slice(buf);
                    (false, buf.len())
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => {
                let _ = tx.send(Line::Eof);
                return;
            }
        };
        reader.consume(used);
        if line.len() > cap {
            let _ = tx.send(Line::TooLong);
            return;
        }
        if done && tx.send(Line::Text(std::mem::take(&mut line))).is_err() {
            return;
        }
    }
}

fn keep_tail(mut stderr: impl Read, tail: Arc<Mutex<Vec<u8>>>) {
    let mut buf = [0u8; 8192];
    loop {
        match stderr.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                let mut t = match tail.lock() {
                    Ok(t) => t,
                    Err(p) => p.into_inner(),
                };
                t.extend_from_slice(&buf[..n]);
                let excess = t.len().saturating_sub(4096);
                t.drain(..excess);
            }
        }
    }
}
