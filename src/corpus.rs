//! The project's corpus: documents in `corpus/`, each named after the rule it exercises,
//! optionally with a `NAME.domain.xml` beside it giving the domain to align against
//! (otherwise the upstream test's fake domain is used).
//!
//! This module loads cases and renders their verdicts under every profile and mode as
//! reviewable text; it does not decide what a verdict should be.

use std::path::{Path, PathBuf};

use crate::align::{self, Domain};
use crate::{Mode, Profile, Rejection};

/// One corpus document.
#[derive(Debug, Clone)]
pub struct CorpusCase {
    /// The name: the file's path below the corpus root, without `.xml`, `/` as `.`.
    pub name: String,
    /// Where the document is.
    pub path: PathBuf,
    /// The document's bytes.
    pub document: Vec<u8>,
    /// The domain to align against, if the case has its own.
    pub domain: Option<Domain>,
    /// The domain XML text, for handing the same domain to real libvirt.
    pub domain_xml: Option<Vec<u8>>,
}

impl CorpusCase {
    /// The snapshot name of this case.
    pub fn snapshot_name(&self) -> String {
        format!("corpus__{}", self.name)
    }
}

/// A corpus that could not be loaded: which file, and why.
#[derive(Debug)]
#[non_exhaustive]
pub struct CorpusError {
    /// The file or folder.
    pub path: PathBuf,
    /// What went wrong.
    pub reason: String,
}

impl std::fmt::Display for CorpusError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

impl std::error::Error for CorpusError {}

/// Loads every `*.xml` below `dir` (sorted by name), except `*.domain.xml` files, which are
/// read as the domain of the case of the same name.
pub fn load_dir(dir: &Path) -> Result<Vec<CorpusCase>, CorpusError> {
    let mut files = Vec::new();
    collect(dir, &mut files)?;
    files.sort();
    let mut cases = Vec::new();
    for path in files {
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !file_name.ends_with(".xml") || file_name.ends_with(".domain.xml") {
            continue;
        }
        let relative = path.strip_prefix(dir).unwrap_or(&path);
        let name = relative
            .to_string_lossy()
            .trim_end_matches(".xml")
            .replace(['/', '\\'], ".");
        let document = std::fs::read(&path).map_err(|e| CorpusError {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        let domain_path =
            path.with_file_name(format!("{}.domain.xml", file_name.trim_end_matches(".xml")));
        let (domain, domain_xml) = if domain_path.exists() {
            let text = std::fs::read(&domain_path).map_err(|e| CorpusError {
                path: domain_path.clone(),
                reason: e.to_string(),
            })?;
            let domain = Domain::from_xml(&text).map_err(|e| CorpusError {
                path: domain_path.clone(),
                reason: e.to_string(),
            })?;
            (Some(domain), Some(text))
        } else {
            (None, None)
        };
        cases.push(CorpusCase {
            name,
            path,
            document,
            domain,
            domain_xml,
        });
    }
    Ok(cases)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), CorpusError> {
    let entries = std::fs::read_dir(dir).map_err(|e| CorpusError {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    })?;
    for entry in entries {
        let entry = entry.map_err(|e| CorpusError {
            path: dir.to_path_buf(),
            reason: e.to_string(),
        })?;
        let path = entry.path();
        // The entry's own type needs no `stat` of each of the thousands of fuzzing inputs;
        // a symbolic link is followed, as `is_dir` does.
        let is_dir = match entry.file_type() {
            Ok(kind) if !kind.is_symlink() => kind.is_dir(),
            _ => path.is_dir(),
        };
        if is_dir {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|x| x == "xml") {
            // Only documents: the sort below is then over the documents alone, not the
            // thousands of fuzzing inputs that may share the tree.
            out.push(path);
        }
    }
    Ok(())
}

/// Runs `case` through the reference in `mode` under `profile`, aligning against the
/// case's own domain when it has one.
pub fn run(case: &CorpusCase, profile: Profile, mode: Mode) -> Result<String, Rejection> {
    let options = mode.options(profile);
    match (&case.domain, options.align) {
        (Some(domain), true) => {
            let mut def = crate::parse(&case.document, options)?;
            align::align(&mut def, domain, align::UPSTREAM_TEST_SUFFIX, profile)?;
            Ok(crate::xml::format::format(&def, options.internal))
        }
        _ => crate::process(&case.document, options),
    }
}

/// The verdicts of `case` under every profile and mode, as text for review.
pub fn verdict_report(case: &CorpusCase) -> Result<String, CorpusError> {
    let mut out = String::new();
    for profile in Profile::ALL {
        for mode in Mode::ALL {
            match run(case, profile, mode) {
                Ok(text) => {
                    out.push_str(&format!("== {profile} {mode}: accepted\n"));
                    out.push_str(&text);
                }
                Err(r) => {
                    out.push_str(&format!(
                        "== {profile} {mode}: rejected stage={} code={} domain={} rule={}\n{}\n",
                        r.stage,
                        r.code,
                        r.domain,
                        r.rule_id().unwrap_or("(none)"),
                        r.message
                    ));
                }
            }
        }
    }
    Ok(out)
}

/// One of libvirt's xml2xml test vectors (`tests/genericxml2xmltest.c`).
#[derive(Debug, Clone)]
pub struct UpstreamVector {
    /// The test name, e.g. `backup-pull`.
    pub name: &'static str,
    /// `domainbackupxml2xmlin/<name>.xml`.
    pub input: PathBuf,
    /// `domainbackupxml2xmlout/<name>.xml`.
    pub output: PathBuf,
    /// Whether the test parses with `VIR_DOMAIN_BACKUP_PARSE_INTERNAL`.
    pub internal: bool,
}

/// The `shared/libvirt` folder beside this crate's source, where libvirt's schemas, test
/// vectors and their history are read from, when it is there (a lone clone or an installed
/// binary has none).
pub fn shared_libvirt_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/libvirt"));
    dir.is_dir().then_some(dir)
}

/// The environment variable naming a libvirt source checkout (or its `tests/` folder, or
/// its `tests/domainbackupxml2xmlin/`), whose xml2xml inputs then join every campaign.
pub const LIBVIRT_SRC_ENV: &str = "DOMAINBACKUP_LIBVIRT_SRC";

/// How to give a campaign libvirt's upstream vectors, for messages.
pub const UPSTREAM_HOW: &str = "give --upstream DIR or set DOMAINBACKUP_LIBVIRT_SRC to a libvirt source checkout (or its tests/ folder)";

/// The `domainbackupxml2xmlin/` folder `path` means: that folder itself, or the one in
/// `path/tests/` or `path/` (a libvirt checkout, or its `tests/`).
pub fn upstream_inputs_in(path: &Path) -> Option<PathBuf> {
    [
        path.to_path_buf(),
        path.join("domainbackupxml2xmlin"),
        path.join("tests/domainbackupxml2xmlin"),
    ]
    .into_iter()
    .find(|dir| {
        dir.file_name()
            .is_some_and(|n| n == "domainbackupxml2xmlin")
            && std::fs::read_dir(dir).is_ok_and(|mut entries| {
                entries.any(|e| e.is_ok_and(|e| e.path().extension().is_some_and(|x| x == "xml")))
            })
    })
}

/// Where libvirt's upstream xml2xml inputs are: `explicit` (`--upstream`), else
/// [`LIBVIRT_SRC_ENV`], else `shared/libvirt` beside the crate's source; `Ok(None)` when
/// none of them is there. A folder named by the flag or the variable that holds no inputs
/// is an error naming it.
pub fn find_upstream(explicit: Option<&Path>) -> Result<Option<PathBuf>, String> {
    if let Some(path) = explicit {
        return upstream_inputs_in(path).map(Some).ok_or_else(|| {
            format!(
                "--upstream {}: no domainbackupxml2xmlin/*.xml there (give that folder, libvirt's tests/ or a libvirt checkout)",
                path.display()
            )
        });
    }
    if let Some(value) = std::env::var_os(LIBVIRT_SRC_ENV) {
        let path = PathBuf::from(&value);
        return upstream_inputs_in(&path).map(Some).ok_or_else(|| {
            format!(
                "{LIBVIRT_SRC_ENV}={}: no tests/domainbackupxml2xmlin/*.xml there",
                path.display()
            )
        });
    }
    Ok(shared_libvirt_dir().and_then(|dir| upstream_inputs_in(&dir)))
}

/// The corpus built into the library (every `corpus/**/*.xml` of the source it was built
/// from), as [`load_dir`] reads a folder: documents by name, each with its domain.
pub fn embedded() -> Result<Vec<CorpusCase>, CorpusError> {
    mod built {
        include!(concat!(env!("OUT_DIR"), "/embedded_corpus.rs"));
    }
    let files = built::EMBEDDED;
    let mut cases = Vec::new();
    for &(relative, document) in files {
        let Some(stem) = relative.strip_suffix(".xml") else {
            continue;
        };
        if stem.ends_with(".domain") {
            continue;
        }
        let path = PathBuf::from("corpus").join(relative);
        let domain_name = format!("{stem}.domain.xml");
        let (domain, domain_xml) = match files.iter().find(|(name, _)| *name == domain_name) {
            Some(&(_, text)) => {
                let domain = Domain::from_xml(text).map_err(|e| CorpusError {
                    path: PathBuf::from("corpus").join(&domain_name),
                    reason: e.to_string(),
                })?;
                (Some(domain), Some(text.to_vec()))
            }
            None => (None, None),
        };
        cases.push(CorpusCase {
            name: stem.replace('/', "."),
            path,
            document: document.to_vec(),
            domain,
            domain_xml,
        });
    }
    Ok(cases)
}

/// The xml2xml vectors of `profile`'s libvirt release, under `shared` (a `shared/libvirt`
/// folder): 11.3.0's ten, or 9.0.0's eight (whose `backup-push` differs and lives under
/// `history/v9.0.0/`).
pub fn upstream_vectors(shared: &Path, profile: Profile) -> Vec<UpstreamVector> {
    profile
        .upstream_tests()
        .iter()
        .map(|&name| {
            let base = shared.join(profile.upstream_tests_dir(name));
            UpstreamVector {
                name,
                input: base.join(format!("domainbackupxml2xmlin/{name}.xml")),
                output: base.join(format!("domainbackupxml2xmlout/{name}.xml")),
                internal: name == "backup-pull-internal-invalid",
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_corpus_is_the_corpus_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let on_disk = load_dir(&dir).expect("the corpus folder");
        let built_in = embedded().expect("the built-in corpus");
        assert!(built_in.len() > 200, "{}", built_in.len());
        assert_eq!(built_in.len(), on_disk.len());
        for (a, b) in built_in.iter().zip(&on_disk) {
            assert_eq!(a.name, b.name);
            assert_eq!(a.document, b.document, "{}", a.name);
            assert_eq!(a.domain_xml, b.domain_xml, "{}", a.name);
        }
        assert!(built_in.iter().any(|c| c.domain.is_some()));
    }

    #[test]
    fn upstream_inputs_are_found_in_any_of_three_forms() {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let inputs = tmp.path().join("libvirt/tests/domainbackupxml2xmlin");
        std::fs::create_dir_all(&inputs).expect("folders");
        assert_eq!(upstream_inputs_in(&tmp.path().join("libvirt")), None);
        std::fs::write(inputs.join("empty.xml"), "<domainbackup/>").expect("a vector");
        for given in [
            tmp.path().join("libvirt"),
            tmp.path().join("libvirt/tests"),
            inputs.clone(),
        ] {
            assert_eq!(
                upstream_inputs_in(&given),
                Some(inputs.clone()),
                "{given:?}"
            );
        }
        assert_eq!(find_upstream(Some(&inputs)), Ok(Some(inputs.clone())));
        let error = find_upstream(Some(tmp.path())).expect_err("no vectors there");
        assert!(error.starts_with("--upstream "), "{error}");
        assert!(
            error.contains("no domainbackupxml2xmlin/*.xml there"),
            "{error}"
        );
    }
}
