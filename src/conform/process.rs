//! The per-case protocol (like toml-test): the command is started once per case, without a
//! shell, with the document on stdin and `DOMAINBACKUP_MODE` (`parse`, `align`, `internal`)
//! and `DOMAINBACKUP_PROFILE` (`9.0`, `11.3`) in its environment.
//!
//! * exit 0: accepted; stdout is its serialization of what it read;
//! * exit 1: rejected; stderr is the message, and `code=N` in it claims libvirt's error
//!   number N (`stage=NAME` the stage);
//! * any other exit, a signal, or no exit within the timeout: crash or timeout;
//! * output over the cap or not UTF-8: protocol error.
//!
//! The child runs in a process group of its own; stdin is fed and stdout and stderr are
//! drained as they become ready (non-blocking pipes under `poll`, with the deadline), so
//! nothing deadlocks on large output, and on timeout the whole group is killed (a script's
//! own children too).

use std::ffi::OsString;
use std::io::{ErrorKind, Read, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags};

use crate::{Mode, Stage};

use super::case::Case;
use super::compare::Validation;
use super::environment::EnvironmentError;
use super::implementation::{
    Capabilities, Implementation, LaunchSettings, Launcher, Observed, shell_words,
};

/// Environment variable naming the mode of a case.
pub const MODE_ENV: &str = "DOMAINBACKUP_MODE";
/// Environment variable naming the profile of a case.
pub const PROFILE_ENV: &str = "DOMAINBACKUP_PROFILE";

/// Output captured from one pipe.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Captured {
    /// The bytes (at most the cap).
    pub bytes: Vec<u8>,
    /// Whether more than the cap was written (the rest was read and dropped).
    pub truncated: bool,
}

/// How one run of a process ended.
#[derive(Debug)]
pub enum ProcessEnd {
    /// It exited (or was killed by a signal) within the deadline.
    Exited(ExitStatus),
    /// The deadline passed; the process group was killed.
    TimedOut,
    /// It could not be started.
    SpawnFailed(std::io::Error),
}

/// One run of a process: how it ended and what it printed.
#[derive(Debug)]
pub struct ProcessRun {
    /// How it ended.
    pub end: ProcessEnd,
    /// Its standard output.
    pub stdout: Captured,
    /// Its standard error.
    pub stderr: Captured,
}

/// Kills the process group led by `pid` (ignoring a group that is already gone).
pub(crate) fn kill_group(pid: u32) {
    if let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
}

/// Runs `command` once: `input` on stdin, `env` added to the environment; waits at most
/// `timeout` for it to exit and close its output; keeps at most `cap` bytes of each pipe.
///
/// One thread does it all: the pipes are non-blocking and `poll` waits on them and on the
/// process (a pidfd), so a case costs no threads of its own beside the process.
pub fn run_process(
    command: &[OsString],
    env: &[(&str, &str)],
    input: &[u8],
    timeout: Duration,
    cap: usize,
) -> ProcessRun {
    run_process_with(command, env, input, timeout, cap, true)
}

/// [`run_process`], waiting on the process through a pidfd only if `use_pidfd` (and the
/// kernel has them); otherwise it is looked at every few milliseconds.
fn run_process_with(
    command: &[OsString],
    env: &[(&str, &str)],
    input: &[u8],
    timeout: Duration,
    cap: usize,
    use_pidfd: bool,
) -> ProcessRun {
    let started = Instant::now();
    let empty = |end| ProcessRun {
        end,
        stdout: Captured::default(),
        stderr: Captured::default(),
    };
    let Some((program, args)) = command.split_first() else {
        return empty(ProcessEnd::SpawnFailed(std::io::Error::other(
            "empty command",
        )));
    };
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) => return empty(ProcessEnd::SpawnFailed(e)),
    };
    let pid = child.id();
    // A timeout too large to add is as good as none.
    let deadline = started
        .checked_add(timeout)
        .unwrap_or_else(|| started + Duration::from_secs(365 * 24 * 3600));
    let mut pipes = Pipes {
        stdin: child.stdin.take().filter(|_| !input.is_empty()),
        stdout: child.stdout.take(),
        stderr: child.stderr.take(),
    };
    pipes.set_nonblocking();
    // Without a pidfd (an old kernel), the process is looked at every few milliseconds.
    let pidfd = i32::try_from(pid)
        .ok()
        .filter(|_| use_pidfd)
        .and_then(rustix::process::Pid::from_raw)
        .and_then(|p| rustix::process::pidfd_open(p, rustix::process::PidfdFlags::empty()).ok());

    let mut stdout = Captured::default();
    let mut stderr = Captured::default();
    let mut status: Option<std::io::Result<ExitStatus>> = None;
    let mut written = 0;
    let mut timed_out = false;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        if status.is_none() {
            match child.try_wait() {
                Ok(Some(s)) => status = Some(Ok(s)),
                Ok(None) => {}
                Err(e) => status = Some(Err(e)),
            }
        }
        if pipes.stdout.is_none() && pipes.stderr.is_none() && status.is_some() {
            break;
        }
        // After the kill the pipes close and the process ends promptly; one that escaped
        // the group is not waited for longer than this.
        let limit = if timed_out {
            deadline + Duration::from_secs(2)
        } else {
            deadline
        };
        let now = Instant::now();
        if now >= limit {
            if timed_out {
                break;
            }
            timed_out = true;
            kill_group(pid);
            pipes.stdin = None;
            continue;
        }
        let mut wait = limit - now;
        if status.is_none() && pidfd.is_none() {
            wait = wait.min(Duration::from_millis(2));
        }
        // Then every open pipe is tried: one that is not ready says so (WouldBlock).
        pipes.wait(pidfd.as_ref().filter(|_| status.is_none()), wait);
        if let Some(pipe) = &mut pipes.stdin {
            let end = input.len().min(written + buf.len());
            match pipe.write(&input[written..end]) {
                Ok(n) => written += n,
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted) => {}
                // A child that exits without reading its input closes the pipe: not an
                // error, the rest is not sent.
                Err(_) => written = input.len(),
            }
            if written >= input.len() {
                pipes.stdin = None;
            }
        }
        read_available(&mut pipes.stdout, &mut stdout, &mut buf, cap);
        read_available(&mut pipes.stderr, &mut stderr, &mut buf, cap);
    }
    if status.is_none() {
        // Left after the grace period (or poll failed): make sure it is gone, and reap it
        // if it is, so no zombie stays behind.
        kill_group(pid);
        if let Ok(Some(s)) = child.try_wait() {
            status = Some(Ok(s));
        } else {
            std::thread::spawn(move || {
                let _ = child.wait();
            });
        }
    }
    let end = match status {
        _ if timed_out => ProcessEnd::TimedOut,
        Some(Ok(status)) => ProcessEnd::Exited(status),
        Some(Err(e)) => ProcessEnd::SpawnFailed(e),
        None => ProcessEnd::TimedOut,
    };
    ProcessRun {
        end,
        stdout,
        stderr,
    }
}

/// The child's ends of its standard streams, as they stay open.
struct Pipes {
    stdin: Option<std::process::ChildStdin>,
    stdout: Option<std::process::ChildStdout>,
    stderr: Option<std::process::ChildStderr>,
}

impl Pipes {
    /// The open pipes, each with what it waits for: room to write, or bytes to read.
    fn open(&self) -> impl Iterator<Item = (BorrowedFd<'_>, PollFlags)> {
        let stdin = self.stdin.as_ref().map(|p| (p.as_fd(), PollFlags::OUT));
        let stdout = self.stdout.as_ref().map(|p| (p.as_fd(), PollFlags::IN));
        let stderr = self.stderr.as_ref().map(|p| (p.as_fd(), PollFlags::IN));
        [stdin, stdout, stderr].into_iter().flatten()
    }

    fn set_nonblocking(&self) {
        // A pipe left blocking would only make this thread wait on it: not fatal.
        for (fd, _) in self.open() {
            let _ = rustix::io::ioctl_fionbio(fd, true);
        }
    }

    /// Waits at most `wait` for an open pipe to be ready (or closed) or for `process` (a
    /// pidfd) to end. An interrupted or failed poll returns early: the caller looks again.
    fn wait(&self, process: Option<&OwnedFd>, wait: Duration) {
        let mut fds: Vec<PollFd<'_>> = self
            .open()
            .map(|(fd, flags)| PollFd::from_borrowed_fd(fd, flags))
            .collect();
        fds.extend(process.map(|p| PollFd::new(p, PollFlags::IN)));
        if fds.is_empty() {
            std::thread::sleep(wait);
            return;
        }
        let timeout = rustix::event::Timespec::try_from(wait).ok();
        let _ = rustix::event::poll(&mut fds, timeout.as_ref());
    }
}

/// Reads what `pipe` holds now into `captured` (at most `cap` bytes kept); closes the pipe
/// at its end.
fn read_available(
    pipe: &mut Option<impl Read>,
    captured: &mut Captured,
    buf: &mut [u8],
    cap: usize,
) {
    let Some(p) = pipe else {
        return;
    };
    loop {
        match p.read(buf) {
            Ok(0) => {
                *pipe = None;
                return;
            }
            Ok(n) => {
                let room = cap.saturating_sub(captured.bytes.len());
                if n > room {
                    captured.truncated = true;
                }
                captured.bytes.extend_from_slice(&buf[..n.min(room)]);
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if e.kind() == ErrorKind::WouldBlock => return,
            Err(_) => {
                *pipe = None;
                return;
            }
        }
    }
}

/// The name of a signal number, for crash reports.
pub fn signal_name(signal: i32) -> &'static str {
    match signal {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => "signal",
    }
}

/// The last few lines of what a process printed on stderr, on one line.
pub fn stderr_tail(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = lines[lines.len().saturating_sub(3)..].join(" | ");
    tail.chars().take(400).collect()
}

/// `code=N` in a rejection message (at a word boundary), if present.
pub fn claimed_code(message: &str) -> Option<i32> {
    claimed(message, "code=").and_then(|v| {
        let end = v
            .char_indices()
            .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && c == '-')))
            .map_or(v.len(), |(i, _)| i);
        v[..end].parse().ok()
    })
}

/// `stage=NAME` in a rejection message, if present and a known stage.
pub fn claimed_stage(message: &str) -> Option<Stage> {
    claimed(message, "stage=").and_then(|v| {
        let end = v
            .find(|c: char| !(c.is_ascii_lowercase() || c == '-'))
            .unwrap_or(v.len());
        Stage::from_name(&v[..end])
    })
}

fn claimed<'a>(message: &'a str, key: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(i) = message[from..].find(key) {
        let at = from + i;
        let boundary = message[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
        if boundary {
            return Some(&message[at + key.len()..]);
        }
        from = at + key.len();
    }
    None
}

/// Turns one process run into what the implementation did, per the protocol.
pub fn interpret(run: ProcessRun, timeout: Duration, cap: usize) -> Observed {
    let status = match run.end {
        ProcessEnd::SpawnFailed(e) => {
            return Observed::Crashed {
                detail: format!("could not be started: {e}"),
            };
        }
        ProcessEnd::TimedOut => {
            return Observed::TimedOut {
                after_ms: timeout.as_millis() as u64,
            };
        }
        ProcessEnd::Exited(status) => status,
    };
    let not_utf8 = |name: &str, bytes: &[u8]| {
        let at = std::str::from_utf8(bytes)
            .err()
            .map_or(0, |e| e.valid_up_to());
        Observed::ProtocolError {
            detail: format!("{name} is not UTF-8 (invalid byte at offset {at})"),
        }
    };
    match status.code() {
        Some(0) => {
            if run.stdout.truncated {
                return Observed::ProtocolError {
                    detail: format!("stdout is larger than {cap} bytes"),
                };
            }
            match String::from_utf8(run.stdout.bytes) {
                Ok(output) => Observed::Accepted { output },
                Err(e) => not_utf8("stdout", e.as_bytes()),
            }
        }
        Some(1) => {
            if run.stderr.truncated {
                return Observed::ProtocolError {
                    detail: format!("stderr is larger than {cap} bytes"),
                };
            }
            match String::from_utf8(run.stderr.bytes) {
                Ok(message) => Observed::Rejected {
                    code: claimed_code(&message),
                    stage: claimed_stage(&message),
                    message,
                },
                Err(e) => not_utf8("stderr", e.as_bytes()),
            }
        }
        Some(code) => Observed::Crashed {
            detail: with_tail(format!("exit status {code}"), &run.stderr.bytes),
        },
        None => {
            let signal = status.signal().unwrap_or(0);
            Observed::Crashed {
                detail: with_tail(
                    format!("killed by signal {signal} ({})", signal_name(signal)),
                    &run.stderr.bytes,
                ),
            }
        }
    }
}

fn with_tail(head: String, stderr: &[u8]) -> String {
    let tail = stderr_tail(stderr);
    if tail.is_empty() {
        head
    } else {
        format!("{head}; stderr: {tail}")
    }
}

/// Finds `program` as the system would: a path if it has a `/`, else in `PATH`.
pub fn resolve_program(program: &Path) -> Result<PathBuf, EnvironmentError> {
    use std::os::unix::fs::PermissionsExt;
    let executable = |p: &Path| {
        std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if program.as_os_str().is_empty() {
        return Err(EnvironmentError::Usage(
            "no command given after `--`".into(),
        ));
    }
    if program.components().count() > 1 || program.to_string_lossy().contains('/') {
        if !program.exists() {
            return Err(EnvironmentError::CommandNotFound(format!(
                "{} does not exist",
                program.display()
            )));
        }
        if !executable(program) {
            return Err(EnvironmentError::CommandNotFound(format!(
                "{} is not an executable file (chmod +x it, or name its interpreter first)",
                program.display()
            )));
        }
        return Ok(program.to_path_buf());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join(program);
        if executable(&candidate) {
            return Ok(candidate);
        }
    }
    Err(EnvironmentError::CommandNotFound(format!(
        "{} was not found in PATH",
        program.display()
    )))
}

/// A short name for a command: the file names of the program and its arguments that look
/// like files (`python3 impl.py`).
pub fn command_name(command: &[OsString]) -> String {
    let mut parts = Vec::new();
    for (i, arg) in command.iter().enumerate() {
        let p = Path::new(arg);
        if i == 0 || p.extension().is_some() || arg.to_string_lossy().contains('/') {
            if let Some(name) = p.file_name() {
                parts.push(name.to_string_lossy().into_owned());
            }
        }
    }
    parts.join(" ")
}

/// Starts the command once per case.
#[derive(Debug)]
pub struct PerCaseLauncher {
    command: Vec<OsString>,
    capabilities: Capabilities,
    timeout: Duration,
    cap: usize,
}

impl PerCaseLauncher {
    /// Checks that the program exists and is executable.
    pub fn new(
        command: Vec<OsString>,
        settings: &LaunchSettings,
    ) -> Result<PerCaseLauncher, EnvironmentError> {
        let Some(program) = command.first() else {
            return Err(EnvironmentError::Usage(
                "no command given after `--`".into(),
            ));
        };
        resolve_program(Path::new(program))?;
        Ok(PerCaseLauncher {
            capabilities: Capabilities {
                name: command_name(&command),
                version: String::new(),
                modes: super::CAMPAIGN_MODES.to_vec(),
                profiles: crate::Profile::ALL.to_vec(),
                validates: Validation::Full,
            },
            command,
            timeout: settings.timeout,
            cap: settings.output_cap,
        })
    }
}

struct PerCase {
    command: Vec<OsString>,
    timeout: Duration,
    cap: usize,
}

impl Implementation for PerCase {
    fn run(&mut self, case: &Case) -> Observed {
        if !super::CAMPAIGN_MODES.contains(&case.mode) {
            return Observed::Skipped {
                reason: format!("mode {} has no DOMAINBACKUP_MODE value", case.mode),
            };
        }
        let env = [
            (MODE_ENV, case.mode.name()),
            (PROFILE_ENV, case.profile.name()),
        ];
        let run = run_process(&self.command, &env, &case.document, self.timeout, self.cap);
        interpret(run, self.timeout, self.cap)
    }
}

impl Launcher for PerCaseLauncher {
    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    fn start(&self) -> Result<Box<dyn Implementation>, EnvironmentError> {
        Ok(Box::new(PerCase {
            command: self.command.clone(),
            timeout: self.timeout,
            cap: self.cap,
        }))
    }

    fn command_line(&self) -> String {
        format!("-- {}", shell_words(&self.command))
    }
}

/// The modes named by `DOMAINBACKUP_MODE` values.
pub fn mode_from_env_value(value: &str) -> Option<Mode> {
    super::CAMPAIGN_MODES
        .into_iter()
        .find(|m| m.name() == value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Vec<OsString> {
        vec!["/bin/sh".into(), "-c".into(), script.into()]
    }

    #[test]
    fn without_a_pidfd_the_process_is_still_waited_for_and_timed() {
        for use_pidfd in [true, false] {
            // Input read back, output and exit status kept.
            let input = vec![b'x'; 200_000];
            let run = run_process_with(
                &sh("wc -c; echo err >&2; exit 3"),
                &[],
                &input,
                Duration::from_secs(20),
                1 << 20,
                use_pidfd,
            );
            assert!(
                matches!(run.end, ProcessEnd::Exited(s) if s.code() == Some(3)),
                "{use_pidfd}: {:?}",
                run.end
            );
            assert_eq!(String::from_utf8_lossy(&run.stdout.bytes).trim(), "200000");
            assert_eq!(run.stderr.bytes, b"err\n");
            // A process that closes its output but does not exit is timed out and killed.
            let started = Instant::now();
            let run = run_process_with(
                &sh("exec >&- 2>&-; sleep 30"),
                &[],
                b"",
                Duration::from_millis(300),
                1024,
                use_pidfd,
            );
            assert!(matches!(run.end, ProcessEnd::TimedOut), "{use_pidfd}");
            assert!(started.elapsed() < Duration::from_secs(10), "{use_pidfd}");
        }
    }

    #[test]
    fn codes_and_stages_are_read_at_word_boundaries() {
        assert_eq!(
            claimed_code("error: stage=parse code=67 domain=20 message=x"),
            Some(67)
        );
        assert_eq!(claimed_code("errcode=5"), None);
        assert_eq!(claimed_code("no number"), None);
        assert_eq!(
            claimed_stage("stage=well-formed code=35"),
            Some(Stage::WellFormed)
        );
        assert_eq!(claimed_stage("stage=nonsense"), None);
    }
}
