//! The implementations a campaign can check, behind one trait.
//!
//! * [`ImplementationSpec::PerCase`]: a command started once per case (see [`super::process`]).
//! * [`ImplementationSpec::Ndjson`]: one persistent process per job speaking line-delimited
//!   JSON (see [`super::ndjson`]).
//! * [`ImplementationSpec::Reference`]: this crate's reference model, in process.
//! * [`ImplementationSpec::Libvirt`]: real libvirt loaded in process (`libvirt.so.0`).
//!
//! A [`Launcher`] knows what an implementation supports and starts one instance per job;
//! an [`Implementation`] instance runs cases one at a time and reports what it did as an
//! [`Observed`]. Nothing here judges: see [`super::compare`].

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use crate::{Mode, Profile, Stage};

use super::case::Case;
use super::compare::Validation;
use super::environment::EnvironmentError;

/// What an implementation did with one case.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Observed {
    /// It accepted the document and printed this serialization of what it read.
    Accepted {
        /// The output.
        output: String,
    },
    /// It rejected the document.
    Rejected {
        /// Its message.
        message: String,
        /// The libvirt error number it claims, if any.
        code: Option<i32>,
        /// The stage it names, if any.
        stage: Option<Stage>,
    },
    /// It declined the case.
    Skipped {
        /// Why.
        reason: String,
    },
    /// It died.
    Crashed {
        /// Exit status or signal, and the end of what it printed on stderr.
        detail: String,
    },
    /// It gave no answer in time.
    TimedOut {
        /// The timeout, in milliseconds.
        after_ms: u64,
    },
    /// It answered outside the protocol.
    ProtocolError {
        /// What was wrong.
        detail: String,
    },
}

impl Observed {
    /// One line saying what the implementation did.
    pub fn summary(&self) -> String {
        match self {
            Observed::Accepted { .. } => "accepted".into(),
            Observed::Rejected {
                message,
                code,
                stage,
            } => {
                // Written piece by piece: this runs for every rejected case of a campaign.
                let first = message.lines().next().unwrap_or("").trim();
                // At most 200 characters of it.
                let first = match first.char_indices().nth(200) {
                    Some((end, _)) => &first[..end],
                    None => first,
                };
                let mut s = String::with_capacity(48 + first.len());
                s.push_str("rejected");
                if let Some(stage) = stage {
                    s.push_str(" stage=");
                    s.push_str(stage.as_str());
                }
                if let Some(code) = code {
                    s.push_str(" code=");
                    super::compare::push_number(&mut s, *code);
                }
                if !first.is_empty() {
                    s.push_str(": ");
                    s.push_str(first);
                }
                s
            }
            Observed::Skipped { reason } => format!("skipped: {reason}"),
            Observed::Crashed { detail } => format!("crashed: {detail}"),
            Observed::TimedOut { after_ms } => format!("no answer within {after_ms} ms"),
            Observed::ProtocolError { detail } => format!("protocol error: {detail}"),
        }
    }
}

/// What an implementation is and what it supports.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Capabilities {
    /// Its name, shown in reports (one column per name when reports are merged).
    pub name: String,
    /// Its version, as it says.
    pub version: String,
    /// The modes it can be asked.
    #[serde(with = "mode_names")]
    pub modes: Vec<Mode>,
    /// The profiles it follows.
    #[serde(with = "profile_names")]
    pub profiles: Vec<Profile>,
    /// What it checks of a document (`validates` in a handshake; default: everything).
    #[serde(default)]
    pub validates: Validation,
}

/// Modes as their names in JSON.
mod mode_names {
    use crate::Mode;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(modes: &[Mode], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(modes.iter().map(|m| m.name()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Mode>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|n| {
                Mode::from_name(n)
                    .ok_or_else(|| serde::de::Error::custom(format!("unknown mode '{n}'")))
            })
            .collect()
    }
}

/// Profiles as their names in JSON.
mod profile_names {
    use crate::Profile;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(profiles: &[Profile], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(profiles.iter().map(|p| p.name()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Profile>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|n| {
                n.parse::<Profile>()
                    .map_err(|_| serde::de::Error::custom(format!("unknown profile '{n}'")))
            })
            .collect()
    }
}

/// One running instance: cases go through it one at a time.
pub trait Implementation: Send {
    /// Puts one case through the implementation. Never panics; every failure of the
    /// implementation is an [`Observed`].
    fn run(&mut self, case: &Case) -> Observed;

    /// How many cases [`Implementation::run_batch`] takes at once to good effect (1: it
    /// gains nothing from more, and a campaign then notices Ctrl-C between any two cases).
    fn batch_size(&self) -> usize {
        1
    }

    /// Puts `cases` through in order and returns what happened to the first of them: all
    /// of them, or fewer when a failure ended the instance's process (the last result is
    /// then that failure), in which case the caller hands the rest over again. Never empty
    /// for a non-empty `cases`. Implementations that can have several cases in flight
    /// (`--protocol ndjson`) override it; the default runs them one by one.
    fn run_batch(&mut self, cases: &[&Case]) -> Vec<Observed> {
        cases.iter().map(|case| self.run(case)).collect()
    }
}

/// Starts instances of an implementation, one per job.
pub trait Launcher: Send + Sync {
    /// What it is and supports.
    fn capabilities(&self) -> &Capabilities;
    /// A new instance (the first may have been started already, to learn the
    /// capabilities, and is handed out first).
    fn start(&self) -> Result<Box<dyn Implementation>, EnvironmentError>;
    /// The arguments that select this implementation on the command line, after the
    /// options: `--builtin reference`, `-- ./impl.py`, `--protocol ndjson -- ./impl.py`.
    fn command_line(&self) -> String;
}

/// The implementation a run checks, as the command line names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImplementationSpec {
    /// A command started per case (the default protocol).
    PerCase {
        /// The program and its arguments.
        command: Vec<OsString>,
    },
    /// A persistent process speaking NDJSON (`--protocol ndjson`).
    Ndjson {
        /// The program and its arguments.
        command: Vec<OsString>,
    },
    /// The reference model (`--builtin reference`).
    Reference,
    /// Real libvirt in process (`--builtin libvirt [--libvirt-so PATH]`).
    Libvirt {
        /// The library; `None` for `DOMAINBACKUP_LIBVIRT_SO` or `libvirt.so.0`.
        library: Option<PathBuf>,
    },
}

/// What launching needs besides the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchSettings {
    /// Per-case (and per-answer) timeout.
    pub timeout: Duration,
    /// Largest output accepted.
    pub output_cap: usize,
}

impl ImplementationSpec {
    /// A launcher for this implementation; checks that it can be run at all (the command
    /// exists, the persistent process answers the handshake, libvirt loads), so that an
    /// environment problem is reported once, before the campaign.
    pub fn launcher(
        &self,
        settings: &LaunchSettings,
    ) -> Result<Box<dyn Launcher>, EnvironmentError> {
        match self {
            ImplementationSpec::PerCase { command } => Ok(Box::new(
                super::process::PerCaseLauncher::new(command.clone(), settings)?,
            )),
            ImplementationSpec::Ndjson { command } => Ok(Box::new(
                super::ndjson::NdjsonLauncher::new(command.clone(), settings)?,
            )),
            ImplementationSpec::Reference => Ok(Box::new(ReferenceLauncher::new())),
            ImplementationSpec::Libvirt { library } => libvirt_launcher(library.as_deref()),
        }
    }
}

/// The reference model as an implementation: agrees with itself by construction, which
/// makes it the runner's own smoke test and throughput baseline.
#[derive(Debug)]
pub struct ReferenceLauncher {
    capabilities: Capabilities,
}

impl ReferenceLauncher {
    /// The launcher.
    pub fn new() -> ReferenceLauncher {
        ReferenceLauncher {
            capabilities: Capabilities {
                name: "reference".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                modes: Mode::ALL.to_vec(),
                profiles: Profile::ALL.to_vec(),
                validates: Validation::Full,
            },
        }
    }
}

impl Default for ReferenceLauncher {
    fn default() -> Self {
        ReferenceLauncher::new()
    }
}

struct Reference;

impl Implementation for Reference {
    fn run(&mut self, case: &Case) -> Observed {
        match crate::process(&case.document, case.mode.options(case.profile)) {
            Ok(output) => Observed::Accepted { output },
            Err(r) => Observed::Rejected {
                message: r.message,
                code: Some(r.code),
                stage: Some(r.stage),
            },
        }
    }
}

impl Launcher for ReferenceLauncher {
    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    fn start(&self) -> Result<Box<dyn Implementation>, EnvironmentError> {
        Ok(Box::new(Reference))
    }

    fn command_line(&self) -> String {
        "--builtin reference".into()
    }
}

#[cfg(feature = "libvirt")]
fn libvirt_launcher(
    library: Option<&std::path::Path>,
) -> Result<Box<dyn Launcher>, EnvironmentError> {
    Ok(Box::new(LibvirtLauncher::load(library)?))
}

#[cfg(not(feature = "libvirt"))]
fn libvirt_launcher(
    _library: Option<&std::path::Path>,
) -> Result<Box<dyn Launcher>, EnvironmentError> {
    Err(EnvironmentError::Libvirt(
        "this build has no libvirt support (built without the `libvirt` feature)".into(),
    ))
}

/// Real libvirt, loaded once and shared by every job (its XML code is reentrant).
#[cfg(feature = "libvirt")]
pub struct LibvirtLauncher {
    libvirt: std::sync::Arc<crate::libvirt::Libvirt>,
    capabilities: Capabilities,
    library: Option<PathBuf>,
}

#[cfg(feature = "libvirt")]
impl LibvirtLauncher {
    /// Loads libvirt (see [`crate::libvirt::Libvirt::load`]); its version must be a
    /// modelled profile.
    pub fn load(library: Option<&std::path::Path>) -> Result<LibvirtLauncher, EnvironmentError> {
        let libvirt = crate::libvirt::Libvirt::load(library)
            .map_err(|e| EnvironmentError::Libvirt(e.to_string()))?;
        let Some(profile) = libvirt.profile() else {
            return Err(EnvironmentError::Libvirt(format!(
                "libvirt {} (from {}) is not a modelled version; the profiles are {}",
                libvirt.version_string(),
                libvirt.path().display(),
                Profile::ALL.map(|p| p.release()).join(", ")
            )));
        };
        let capabilities = Capabilities {
            name: format!("libvirt-{}", libvirt.version_string()),
            version: libvirt.version_string(),
            modes: Mode::ALL.to_vec(),
            profiles: vec![profile],
            validates: Validation::Full,
        };
        Ok(LibvirtLauncher {
            libvirt: std::sync::Arc::new(libvirt),
            capabilities,
            library: library.map(|p| p.to_path_buf()),
        })
    }
}

#[cfg(feature = "libvirt")]
struct LibvirtInstance(std::sync::Arc<crate::libvirt::Libvirt>);

#[cfg(feature = "libvirt")]
impl Implementation for LibvirtInstance {
    fn run(&mut self, case: &Case) -> Observed {
        let options = case.mode.options(case.profile);
        match self
            .0
            .process(&case.document, options.internal, options.align)
        {
            Ok(Ok(output)) => Observed::Accepted { output },
            Ok(Err(r)) => Observed::Rejected {
                message: r.message,
                code: Some(r.code),
                stage: Some(r.stage),
            },
            Err(e) => Observed::Skipped {
                reason: format!("libvirt could not be asked: {e}"),
            },
        }
    }
}

#[cfg(feature = "libvirt")]
impl Launcher for LibvirtLauncher {
    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    fn start(&self) -> Result<Box<dyn Implementation>, EnvironmentError> {
        Ok(Box::new(LibvirtInstance(self.libvirt.clone())))
    }

    fn command_line(&self) -> String {
        match &self.library {
            Some(p) => format!("--builtin libvirt --libvirt-so {}", p.display()),
            None => "--builtin libvirt".into(),
        }
    }
}

/// An instance kept from the launcher's own check, handed to the first job.
pub(crate) struct FirstInstance(pub(crate) Mutex<Option<Box<dyn Implementation>>>);

impl FirstInstance {
    pub(crate) fn take(&self) -> Option<Box<dyn Implementation>> {
        match self.0.lock() {
            Ok(mut guard) => guard.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        }
    }
}

/// The command as a shell would show it (for replay hints).
pub fn shell_words(command: &[OsString]) -> String {
    command
        .iter()
        .map(|a| {
            let s = a.to_string_lossy();
            if !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
            {
                s.into_owned()
            } else {
                format!("'{}'", s.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A launcher shown under another name (`--name`).
pub struct Renamed {
    inner: Box<dyn Launcher>,
    capabilities: Capabilities,
}

impl Renamed {
    /// `inner`, named `name`.
    pub fn new(inner: Box<dyn Launcher>, name: String) -> Renamed {
        let capabilities = Capabilities {
            name,
            ..inner.capabilities().clone()
        };
        Renamed {
            inner,
            capabilities,
        }
    }
}

impl Launcher for Renamed {
    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    fn start(&self) -> Result<Box<dyn Implementation>, EnvironmentError> {
        self.inner.start()
    }

    fn command_line(&self) -> String {
        self.inner.command_line()
    }
}
