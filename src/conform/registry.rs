//! The implementations a user can name with `check --impl NAME` and `matrix`: the two built
//! in (`reference`, `libvirt`) and the shipped adapters, one folder each under
//! `implementations/` with a `manifest.json` (see that folder's README).
//!
//! It reads manifests, says whether each implementation is ready (built, or what is
//! missing), builds an adapter on request and turns it into an [`ImplementationSpec`].
//! It never prints: a build's output is returned, and every problem is an
//! [`EnvironmentError`] naming the manifest or the command.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;

use super::compare::Validation;
use super::environment::EnvironmentError;
use super::implementation::ImplementationSpec;

/// The environment variable naming the folder of adapters (default: `implementations/`
/// of this crate's source, when it is there).
pub const IMPLEMENTATIONS_ENV: &str = "DOMAINBACKUP_IMPLEMENTATIONS";

/// The adapters' folder: [`IMPLEMENTATIONS_ENV`], else `implementations/` in the current
/// folder (a checkout the binary runs in), else that of the source it was built from, when
/// either holds a manifest.
pub fn default_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(IMPLEMENTATIONS_ENV) {
        return Some(PathBuf::from(dir));
    }
    [
        PathBuf::from("implementations"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("implementations"),
    ]
    .into_iter()
    .find(|dir| has_manifests(dir))
    .map(|dir| std::fs::canonicalize(&dir).unwrap_or(dir))
}

fn has_manifests(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.path().join("manifest.json").is_file())
    })
}

/// An adapter's `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The name `--impl` takes (and the report's column).
    pub name: String,
    /// The implementation's language.
    pub language: String,
    /// Where the implementation lives.
    pub homepage: String,
    /// What the adapter runs, in a sentence.
    pub implementation: String,
    /// The implementation's version the adapter is built against.
    pub version: String,
    /// The build command, relative to the adapter's folder (none: nothing to build).
    #[serde(default)]
    pub build: Option<String>,
    /// A file, relative to the adapter's folder, that exists once it is built.
    #[serde(default)]
    pub built: Option<String>,
    /// Programs the build needs on `PATH`.
    #[serde(default)]
    pub requires: Vec<String>,
    /// The command that runs it; a relative path naming a file of the adapter's folder is
    /// taken from there.
    pub run: Vec<String>,
    /// `ndjson` or `per-case`.
    pub protocol: Protocol,
    /// What it declares.
    pub capabilities: ManifestCapabilities,
    /// What a user needs to install, in a sentence.
    pub needs: String,
    /// What the implementation does with backup XML: reads it (the default) or writes it.
    #[serde(default)]
    pub role: Role,
}

/// Whether an adapter reads documents (`check`) or writes them from intents
/// (`check-emitter`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// It reads a document: the reader protocols, `check --impl`.
    #[default]
    Reader,
    /// It writes a document for an intent: the emitter protocol, `check-emitter --impl`.
    Emitter,
}

impl Role {
    /// `reader` or `emitter`.
    pub fn name(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Emitter => "emitter",
        }
    }
}

/// An adapter's protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    /// One persistent process, JSON lines.
    Ndjson,
    /// A process per case.
    PerCase,
}

/// The capabilities a manifest declares (its handshake says the same at run time).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestCapabilities {
    /// Modes it answers.
    pub modes: Vec<String>,
    /// Profiles it follows.
    pub profiles: Vec<String>,
    /// What it checks.
    pub validates: Validation,
}

/// A shipped adapter: its folder and manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adapter {
    /// The adapter's folder.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
}

/// Whether an implementation can run now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    /// It runs; what was found.
    Ready(String),
    /// Its build has not run; `check --impl` runs it.
    NotBuilt(String),
    /// Something it needs is missing.
    Missing(String),
}

impl Readiness {
    /// `ready`, `not built` or `missing`.
    pub fn label(&self) -> &'static str {
        match self {
            Readiness::Ready(_) => "ready",
            Readiness::NotBuilt(_) => "not built",
            Readiness::Missing(_) => "missing",
        }
    }

    /// What was found or what is missing.
    pub fn detail(&self) -> &str {
        match self {
            Readiness::Ready(s) | Readiness::NotBuilt(s) | Readiness::Missing(s) => s,
        }
    }
}

/// One row of `domainbackup-harness implementations`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The name `--impl` takes.
    pub name: String,
    /// Its language.
    pub language: String,
    /// What it does: reads documents, writes them, or both (the reference).
    pub roles: Vec<Role>,
    /// `built-in`, `ndjson` or `per-case`.
    pub protocol: &'static str,
    /// What it validates.
    pub validates: Validation,
    /// Whether it runs now.
    pub readiness: Readiness,
}

/// Reads every `*/manifest.json` under `dir`, sorted by name. A manifest that cannot be
/// read is an error naming its file; two manifests of one name are an error too.
pub fn discover(dir: &Path) -> Result<Vec<Adapter>, EnvironmentError> {
    let entries = std::fs::read_dir(dir).map_err(|e| EnvironmentError::io(dir, e))?;
    let mut adapters: Vec<Adapter> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| EnvironmentError::io(dir, e))?;
        let path = entry.path().join("manifest.json");
        if !path.is_file() {
            continue;
        }
        let adapter = Adapter::read(&path)?;
        if let Some(other) = adapters
            .iter()
            .find(|a| a.manifest.name == adapter.manifest.name)
        {
            return Err(EnvironmentError::io(
                &path,
                format!(
                    "name '{}' is also the name of {}",
                    adapter.manifest.name,
                    other.dir.join("manifest.json").display()
                ),
            ));
        }
        adapters.push(adapter);
    }
    adapters.sort_by(|a, b| a.manifest.name.cmp(&b.manifest.name));
    Ok(adapters)
}

/// The names `--impl` takes besides the adapters'.
pub const BUILTIN: [&str; 2] = ["reference", "libvirt"];

/// Every implementation, built-in first, with whether it runs now. `libvirt` is loaded to
/// say so (from `library`, else `DOMAINBACKUP_LIBVIRT_SO` or `libvirt.so.0`).
pub fn list(dir: Option<&Path>, library: Option<&Path>) -> Result<Vec<Entry>, EnvironmentError> {
    let mut entries = vec![
        Entry {
            name: "reference".into(),
            language: "Rust".into(),
            roles: vec![Role::Reader, Role::Emitter],
            protocol: "built-in",
            validates: Validation::Full,
            readiness: Readiness::Ready("the model, in process".into()),
        },
        Entry {
            name: "libvirt".into(),
            language: "C".into(),
            roles: vec![Role::Reader],
            protocol: "built-in",
            validates: Validation::Full,
            readiness: libvirt_readiness(library),
        },
    ];
    if let Some(dir) = dir {
        for adapter in discover(dir)? {
            entries.push(Entry {
                name: adapter.manifest.name.clone(),
                language: adapter.manifest.language.clone(),
                roles: vec![adapter.manifest.role],
                protocol: match adapter.manifest.protocol {
                    Protocol::Ndjson => "ndjson",
                    Protocol::PerCase => "per-case",
                },
                validates: adapter.manifest.capabilities.validates,
                readiness: adapter.readiness(),
            });
        }
    }
    Ok(entries)
}

#[cfg(feature = "libvirt")]
fn libvirt_readiness(library: Option<&Path>) -> Readiness {
    match crate::libvirt::Libvirt::load(library) {
        Ok(l) => match l.profile() {
            Some(p) => Readiness::Ready(format!(
                "libvirt {} ({}), profile {p}",
                l.version_string(),
                l.path().display()
            )),
            None => Readiness::Missing(format!(
                "libvirt {} ({}) is not a modelled version",
                l.version_string(),
                l.path().display()
            )),
        },
        Err(e) => Readiness::Missing(format!("{e} (Debian: apt-get install libvirt0)")),
    }
}

#[cfg(not(feature = "libvirt"))]
fn libvirt_readiness(_library: Option<&Path>) -> Readiness {
    Readiness::Missing("built without the `libvirt` feature".into())
}

/// Whether `program` is found on `PATH` (or is a path to an executable file).
fn on_path(program: &str) -> bool {
    let is_file = |p: &Path| p.is_file();
    if program.contains('/') {
        return is_file(Path::new(program));
    }
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|d| is_file(&d.join(program))))
}

impl Adapter {
    /// Reads one manifest; its folder is the manifest's.
    pub fn read(path: &Path) -> Result<Adapter, EnvironmentError> {
        let text = std::fs::read(path).map_err(|e| EnvironmentError::io(path, e))?;
        let manifest: Manifest = serde_json::from_slice(&text)
            .map_err(|e| EnvironmentError::io(path, format!("not an adapter manifest: {e}")))?;
        if manifest.run.is_empty() {
            return Err(EnvironmentError::io(path, "\"run\" is empty"));
        }
        if manifest.role == Role::Emitter {
            if manifest.protocol != Protocol::Ndjson {
                return Err(EnvironmentError::io(
                    path,
                    "an emitter speaks the emitter protocol, one process of JSON lines: \
                     \"protocol\" must be \"ndjson\"",
                ));
            }
            if manifest.capabilities.modes != ["emit"] {
                return Err(EnvironmentError::io(
                    path,
                    "an emitter's \"modes\" are [\"emit\"]",
                ));
            }
        } else if manifest.capabilities.modes.iter().any(|m| m == "emit") {
            return Err(EnvironmentError::io(
                path,
                "mode \"emit\" is an emitter's: give the manifest \"role\": \"emitter\"",
            ));
        }
        if manifest.name.is_empty() || BUILTIN.contains(&manifest.name.as_str()) {
            return Err(EnvironmentError::io(
                path,
                format!(
                    "\"name\" must be a name of its own, not '{}'",
                    manifest.name
                ),
            ));
        }
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        Ok(Adapter { dir, manifest })
    }

    /// Built (or nothing to build), buildable, or missing a program its build needs.
    pub fn readiness(&self) -> Readiness {
        let built = self
            .manifest
            .built
            .as_deref()
            .is_none_or(|f| self.dir.join(f).exists());
        if built {
            return Readiness::Ready(self.command_line());
        }
        let missing: Vec<&str> = self
            .manifest
            .requires
            .iter()
            .map(String::as_str)
            .filter(|p| !on_path(p))
            .collect();
        if missing.is_empty() {
            Readiness::NotBuilt(format!(
                "`check --impl {}` builds it ({})",
                self.manifest.name,
                self.build_command().display()
            ))
        } else {
            Readiness::Missing(format!(
                "{} not found; it needs {}",
                missing.join(", "),
                self.manifest.needs
            ))
        }
    }

    /// The build script.
    pub fn build_command(&self) -> PathBuf {
        self.dir
            .join(self.manifest.build.as_deref().unwrap_or("build"))
    }

    /// Runs the build when the adapter is not built. Returns what the build printed
    /// (nothing when it was built already); a failed build is an error with its output's
    /// last lines.
    pub fn ensure_built(&self) -> Result<String, EnvironmentError> {
        match self.readiness() {
            Readiness::Ready(_) => return Ok(String::new()),
            Readiness::Missing(what) => {
                return Err(EnvironmentError::CommandNotFound(format!(
                    "{} cannot be built: {what}",
                    self.manifest.name
                )));
            }
            Readiness::NotBuilt(_) => {}
        }
        let build = self.build_command();
        let out = Command::new(&build)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| EnvironmentError::io(&build, e))?;
        let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&out.stderr));
        if !out.status.success() {
            let tail: Vec<&str> = text.lines().rev().take(20).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            return Err(EnvironmentError::io(
                &build,
                format!("the build failed ({}):\n{}", out.status, tail.join("\n")),
            ));
        }
        if let Readiness::NotBuilt(_) | Readiness::Missing(_) = self.readiness() {
            return Err(EnvironmentError::io(
                &build,
                format!(
                    "the build succeeded but {} does not exist",
                    self.manifest.built.as_deref().unwrap_or("?")
                ),
            ));
        }
        Ok(text)
    }

    /// The run command, with arguments that name files of the adapter's folder made
    /// absolute.
    pub fn command(&self) -> Vec<OsString> {
        self.manifest
            .run
            .iter()
            .map(|arg| {
                let local = self.dir.join(arg);
                if Path::new(arg).is_relative() && (arg.contains('/') || local.is_file()) {
                    lexically_normal(&local).into_os_string()
                } else {
                    OsString::from(arg)
                }
            })
            .collect()
    }

    fn command_line(&self) -> String {
        self.command()
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The adapter as an implementation to run.
    pub fn spec(&self) -> ImplementationSpec {
        let command = self.command();
        match self.manifest.protocol {
            Protocol::Ndjson => ImplementationSpec::Ndjson { command },
            Protocol::PerCase => ImplementationSpec::PerCase { command },
        }
    }
}

/// `path` with its `..` steps taken (`a/b/../c` is `a/c`), without asking the file system:
/// `../other/target/x` (an adapter built by another's build) reads better so, and a link
/// on the way (a virtual environment's `python`) must stay a link, not be resolved.
fn lexically_normal(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// What `--impl NAME` names: a built-in, or the adapter of that name in `dir`.
pub fn find(dir: Option<&Path>, name: &str) -> Result<Named, EnvironmentError> {
    match name {
        "reference" => return Ok(Named::Reference),
        "libvirt" => return Ok(Named::Libvirt),
        _ => {}
    }
    let Some(dir) = dir else {
        return Err(EnvironmentError::Usage(format!(
            "no implementation '{name}': no adapters' folder (set {IMPLEMENTATIONS_ENV})"
        )));
    };
    let mut adapters = discover(dir)?;
    match adapters.iter().position(|a| a.manifest.name == name) {
        Some(i) => Ok(Named::Adapter(Box::new(adapters.swap_remove(i)))),
        None => {
            let names: Vec<String> = BUILTIN
                .iter()
                .map(|s| s.to_string())
                .chain(adapters.into_iter().map(|a| a.manifest.name))
                .collect();
            Err(EnvironmentError::Usage(format!(
                "no implementation '{name}' (there are: {}; see `domainbackup-harness implementations`)",
                names.join(", ")
            )))
        }
    }
}

/// The implementation `name` names, as one to run: an adapter that is not built is built
/// first (`on_build` is told before its build starts); `library` is libvirt's, for
/// `libvirt`.
pub fn resolve(
    dir: Option<&Path>,
    name: &str,
    library: Option<PathBuf>,
    on_build: &dyn Fn(&Adapter),
) -> Result<ImplementationSpec, EnvironmentError> {
    Ok(match find(dir, name)? {
        Named::Reference => ImplementationSpec::Reference,
        Named::Libvirt => ImplementationSpec::Libvirt { library },
        Named::Adapter(adapter) => {
            if adapter.manifest.role == Role::Emitter {
                return Err(EnvironmentError::Usage(format!(
                    "{name} writes backup XML rather than reading it: check it with \
                     `domainbackup-harness check-emitter --impl {name}`"
                )));
            }
            built(&adapter, on_build)?;
            adapter.spec()
        }
    })
}

fn built(adapter: &Adapter, on_build: &dyn Fn(&Adapter)) -> Result<(), EnvironmentError> {
    if let Readiness::NotBuilt(_) = adapter.readiness() {
        on_build(adapter);
    }
    adapter.ensure_built().map(drop)
}

/// The emitter `name` names, as the command that runs it: the reference's own (this
/// program's `serve`), or an emitter adapter, built first if it is not (`on_build` is told
/// before its build starts).
pub fn resolve_emitter(
    dir: Option<&Path>,
    name: &str,
    on_build: &dyn Fn(&Adapter),
) -> Result<Vec<OsString>, EnvironmentError> {
    match find(dir, name)? {
        Named::Reference => {
            let exe = std::env::current_exe()
                .map_err(|e| EnvironmentError::io(Path::new("the running program"), e))?;
            Ok(vec![exe.into_os_string(), OsString::from("serve")])
        }
        Named::Libvirt => Err(EnvironmentError::Usage(
            "libvirt reads backup XML and writes none from an intent: `check --impl libvirt` \
             checks it as a reader; `check-emitter --impl` takes an emitter \
             (see `domainbackup-harness implementations`)"
                .into(),
        )),
        Named::Adapter(adapter) => {
            if adapter.manifest.role != Role::Emitter {
                return Err(EnvironmentError::Usage(format!(
                    "{name} reads backup XML rather than writing it: check it with \
                     `domainbackup-harness check --impl {name}` (the emitters are the \
                     implementations whose role is emitter)"
                )));
            }
            built(&adapter, on_build)?;
            Ok(adapter.command())
        }
    }
}

/// The implementations a matrix runs when none is named.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Runnable {
    /// The readers that are ready or can be built.
    pub names: Vec<String>,
    /// The emitters that are ready or can be built.
    pub emitters: Vec<String>,
    /// Those left out, each with what it is missing.
    pub left_out: Vec<(String, String)>,
}

/// Every implementation that is ready or can be built, and those left out.
pub fn runnable(dir: Option<&Path>, library: Option<&Path>) -> Result<Runnable, EnvironmentError> {
    let mut out = Runnable::default();
    for entry in list(dir, library)? {
        match entry.readiness {
            Readiness::Missing(why) => out.left_out.push((entry.name, why)),
            _ if entry.roles.contains(&Role::Reader) => out.names.push(entry.name),
            _ => out.emitters.push(entry.name),
        }
    }
    Ok(out)
}

/// Whether `name` (as `--impl` takes it) is an emitter adapter.
pub fn is_emitter(dir: Option<&Path>, name: &str) -> Result<bool, EnvironmentError> {
    Ok(matches!(find(dir, name)?, Named::Adapter(a) if a.manifest.role == Role::Emitter))
}

/// What a name given to `--impl` is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    /// The built-in reference.
    Reference,
    /// Real libvirt in process.
    Libvirt,
    /// A shipped adapter.
    Adapter(Box<Adapter>),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `DIR/NAME/manifest.json` holding `{"name":NAME,` then `fields`.
    fn write_manifest(dir: &Path, name: &str, fields: &str) -> PathBuf {
        let folder = dir.join(name);
        std::fs::create_dir_all(&folder).unwrap();
        let path = folder.join("manifest.json");
        std::fs::write(&path, format!(r#"{{"name":"{name}",{fields}}}"#)).unwrap();
        path
    }

    fn manifest(dir: &Path, name: &str, extra: &str) -> PathBuf {
        let path = write_manifest(
            dir,
            name,
            &format!(
                r#""language":"sh","homepage":"h","implementation":"i",
                "version":"1","run":["run.sh","--flag"],"protocol":"per-case",
                "capabilities":{{"modes":["parse"],"profiles":["9.0"],"validates":"none"}},
                "needs":"a shell"{extra}"#
            ),
        );
        std::fs::write(dir.join(name).join("run.sh"), "#!/bin/sh\n").unwrap();
        path
    }

    #[test]
    fn adapters_are_read_and_their_files_made_absolute() {
        let tmp = tempfile::tempdir().unwrap();
        manifest(tmp.path(), "b", "");
        manifest(tmp.path(), "a", r#","built":"target/x","requires":["sh"]"#);
        let adapters = discover(tmp.path()).unwrap();
        let names: Vec<&str> = adapters.iter().map(|a| a.manifest.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(adapters[0].readiness().label(), "not built");
        assert_eq!(adapters[1].readiness().label(), "ready");
        let command = adapters[1].command();
        assert_eq!(command[0], tmp.path().join("b/run.sh").into_os_string());
        assert_eq!(command[1], OsString::from("--flag"));
        assert!(matches!(
            adapters[1].spec(),
            ImplementationSpec::PerCase { .. }
        ));
    }

    #[test]
    fn a_missing_tool_is_named() {
        let tmp = tempfile::tempdir().unwrap();
        manifest(
            tmp.path(),
            "a",
            r#","built":"target/x","requires":["no-such-tool-here"]"#,
        );
        let a = &discover(tmp.path()).unwrap()[0];
        let r = a.readiness();
        assert_eq!(r.label(), "missing");
        assert!(
            r.detail()
                .contains("no-such-tool-here not found; it needs a shell")
        );
        let e = a.ensure_built().unwrap_err().to_string();
        assert!(e.contains("a cannot be built"), "{e}");
    }

    #[test]
    fn bad_manifests_are_named() {
        let tmp = tempfile::tempdir().unwrap();
        let path = manifest(tmp.path(), "a", r#","colour":"red""#);
        let e = discover(tmp.path()).unwrap_err().to_string();
        assert!(e.starts_with(&path.display().to_string()), "{e}");
        assert!(e.contains("unknown field `colour`"), "{e}");

        let tmp = tempfile::tempdir().unwrap();
        manifest(tmp.path(), "reference", "");
        let e = discover(tmp.path()).unwrap_err().to_string();
        assert!(e.contains("a name of its own"), "{e}");
    }

    #[test]
    fn unknown_names_list_the_known_ones() {
        let tmp = tempfile::tempdir().unwrap();
        manifest(tmp.path(), "a", "");
        let e = find(Some(tmp.path()), "b").unwrap_err().to_string();
        assert!(
            e.contains("no implementation 'b' (there are: reference, libvirt, a;"),
            "{e}"
        );
        assert_eq!(find(None, "libvirt"), Ok(Named::Libvirt));
        let built = std::cell::Cell::new(false);
        let spec = resolve(Some(tmp.path()), "a", None, &|_| built.set(true)).unwrap();
        assert!(!built.get(), "a has nothing to build");
        assert!(matches!(spec, ImplementationSpec::PerCase { .. }));
    }

    fn emitter(dir: &Path, name: &str, protocol: &str, modes: &str) -> PathBuf {
        write_manifest(
            dir,
            name,
            &format!(
                r#""role":"emitter","language":"sh","homepage":"h",
                "implementation":"i","version":"1","run":["../shared/target/w"],
                "protocol":"{protocol}","capabilities":{{"modes":{modes},"profiles":["9.0"],
                "validates":"none"}},"needs":"a shell""#
            ),
        )
    }

    #[test]
    fn emitters_are_resolved_by_their_role() {
        let tmp = tempfile::tempdir().unwrap();
        manifest(tmp.path(), "r", "");
        emitter(tmp.path(), "w", "ndjson", r#"["emit"]"#);
        // Another adapter's build output, named from this one's folder.
        std::fs::create_dir_all(tmp.path().join("shared/target")).unwrap();
        std::fs::write(tmp.path().join("shared/target/w"), "").unwrap();
        let entries = list(Some(tmp.path()), None).unwrap();
        let roles: Vec<(&str, Vec<Role>)> = entries
            .iter()
            .map(|e| (e.name.as_str(), e.roles.clone()))
            .collect();
        assert_eq!(
            roles,
            [
                ("reference", vec![Role::Reader, Role::Emitter]),
                ("libvirt", vec![Role::Reader]),
                ("r", vec![Role::Reader]),
                ("w", vec![Role::Emitter]),
            ]
        );
        let command = resolve_emitter(Some(tmp.path()), "w", &|_| {}).unwrap();
        assert_eq!(
            command,
            [tmp.path().join("shared/target/w").into_os_string()]
        );
        assert_eq!(
            lexically_normal(Path::new("/a/./b/../../c/../d/e")),
            Path::new("/d/e")
        );
        assert_eq!(lexically_normal(Path::new("../a/..")), Path::new(".."));
        let e = resolve(Some(tmp.path()), "w", None, &|_| {})
            .unwrap_err()
            .to_string();
        assert!(e.contains("check-emitter --impl w"), "{e}");
        let e = resolve_emitter(Some(tmp.path()), "r", &|_| {})
            .unwrap_err()
            .to_string();
        assert!(e.contains("check --impl r"), "{e}");
        let e = resolve_emitter(Some(tmp.path()), "libvirt", &|_| {})
            .unwrap_err()
            .to_string();
        assert!(e.contains("writes none"), "{e}");
        let reference = resolve_emitter(None, "reference", &|_| {}).unwrap();
        assert_eq!(reference.last(), Some(&OsString::from("serve")));
        // A matrix runs the emitter as one, not as a reader.
        let runnable = runnable(Some(tmp.path()), None).unwrap();
        assert!(!runnable.names.contains(&"w".to_string()), "{runnable:?}");
        assert!(runnable.names.contains(&"r".to_string()), "{runnable:?}");
        assert_eq!(runnable.emitters, ["w"], "{runnable:?}");
        assert!(is_emitter(Some(tmp.path()), "w").unwrap());
        assert!(!is_emitter(Some(tmp.path()), "r").unwrap());
        assert!(!is_emitter(Some(tmp.path()), "reference").unwrap());
        assert!(is_emitter(Some(tmp.path()), "nothing-of-that-name").is_err());
    }

    #[test]
    fn a_role_and_its_protocol_must_agree() {
        let tmp = tempfile::tempdir().unwrap();
        emitter(tmp.path(), "w", "per-case", r#"["emit"]"#);
        let e = discover(tmp.path()).unwrap_err().to_string();
        assert!(e.contains("\"protocol\" must be \"ndjson\""), "{e}");

        let tmp = tempfile::tempdir().unwrap();
        emitter(tmp.path(), "w", "ndjson", r#"["parse"]"#);
        let e = discover(tmp.path()).unwrap_err().to_string();
        assert!(e.contains("an emitter's \"modes\" are [\"emit\"]"), "{e}");

        let tmp = tempfile::tempdir().unwrap();
        manifest(tmp.path(), "r", "");
        let path = tmp.path().join("r/manifest.json");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace(r#"["parse"]"#, r#"["parse","emit"]"#)).unwrap();
        let e = discover(tmp.path()).unwrap_err().to_string();
        assert!(e.contains("give the manifest \"role\": \"emitter\""), "{e}");
    }
}
