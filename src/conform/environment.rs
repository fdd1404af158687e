//! What stops a run before it can judge anything: the one error type of the conformance
//! runner ([`EnvironmentError`], exit status 2), shared by the implementations, the
//! protocols, the report folder and the runner.
//!
//! It must not depend on any other module of [`super`]: everything there may return it,
//! so it sits below them all.

use std::path::Path;

/// A problem that stops a run before it can judge anything: bad flags, a command that
/// cannot be run, libvirt that cannot be loaded, cases that cannot be read. Exit status 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvironmentError {
    /// The command line is wrong.
    #[error("usage: {0}")]
    Usage(String),
    /// The implementation's program cannot be found or run.
    #[error("command not found: {0}")]
    CommandNotFound(String),
    /// The persistent process did not complete the handshake.
    #[error("{command}: the NDJSON handshake failed: {detail}")]
    Handshake {
        /// The command.
        command: String,
        /// What went wrong.
        detail: String,
    },
    /// libvirt could not be loaded or is not a modelled version.
    #[error("libvirt: {0}")]
    Libvirt(String),
    /// A case source failed.
    #[error("cases: {0}")]
    Cases(String),
    /// The known-failures file is wrong.
    #[error("known failures: {0}")]
    KnownFailures(String),
    /// A file or folder could not be read or written.
    #[error("{path}: {reason}")]
    Io {
        /// The file or folder.
        path: String,
        /// Why.
        reason: String,
    },
    /// The implementation supports none of the requested modes or profiles.
    #[error("nothing to run: {0}")]
    NothingToRun(String),
}

impl EnvironmentError {
    pub(crate) fn io(path: &Path, e: impl std::fmt::Display) -> EnvironmentError {
        EnvironmentError::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        }
    }
}
