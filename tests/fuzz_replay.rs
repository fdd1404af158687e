//! Replays every saved fuzz input under `corpus/fuzz/` through the check its target runs
//! (`domainbackup_harness::fuzzing`), each file its own named test:
//!
//! * `corpus/fuzz/{parse,mutate}/*`: `check_parse`;
//! * `corpus/fuzz/roundtrip/*`: `check_roundtrip`;
//! * `corpus/fuzz/libvirt_diff/*`: `check_parse` (the reference alone), and with
//!   `--features agreement` also `check_libvirt` against the libvirt that
//!   `DOMAINBACKUP_LIBVIRT_SO` names (else the system's), which must load;
//! * `corpus/fuzz/crashes/<target>/<name>`: every crash ever found, minimised, with a
//!   one-line `<name>.note` saying what it found; replayed through its target's check.
//!
//! An empty target folder, an unknown folder, or a crash without its note fails. So does a
//! grammar word that is missing from the fuzz dictionary `fuzz/domainbackup.dict`.
//!
//! `cargo test --test fuzz_replay -- --ignored write_generated_seeds` writes generated seeds
//! into `fuzz/corpus-work/generated/` (git-ignored; a source for `cargo fuzz cmin`).

use std::path::{Path, PathBuf};

use domainbackup_harness::fuzzing::{self, Finding};
use domainbackup_harness::generator;
use domainbackup_harness::{Mode, Profile};
use libtest_mimic::{Arguments, Failed, Trial};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

/// The fuzz targets and the folders of their saved inputs.
const TARGETS: [&str; 4] = ["parse", "roundtrip", "mutate", "libvirt_diff"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus/fuzz")
}

fn files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    Ok(out)
}

#[cfg(feature = "agreement")]
fn libvirt() -> Result<&'static (domainbackup_harness::libvirt::Libvirt, Profile), Failed> {
    use domainbackup_harness::libvirt::Libvirt;
    static LIBVIRT: std::sync::OnceLock<Result<(Libvirt, Profile), String>> =
        std::sync::OnceLock::new();
    LIBVIRT
        .get_or_init(|| {
            let libvirt = Libvirt::load(None)
                .map_err(|e| format!("libvirt could not be loaded: {e} (see README.md)"))?;
            let profile = libvirt.profile().ok_or_else(|| {
                format!(
                    "libvirt {} is not a modelled version",
                    libvirt.version_string()
                )
            })?;
            Ok((libvirt, profile))
        })
        .as_ref()
        .map_err(|e| Failed::from(e.clone()))
}

/// The check the target `target` runs on `bytes`.
fn replay(target: &str, bytes: &[u8]) -> Result<(), Failed> {
    let found = |f: Finding| Failed::from(f.to_string());
    match target {
        "parse" | "mutate" => fuzzing::check_parse(bytes).map_err(found),
        "roundtrip" => fuzzing::check_roundtrip(bytes).map_err(found),
        "libvirt_diff" => {
            fuzzing::check_parse(bytes).map_err(found)?;
            #[cfg(feature = "agreement")]
            {
                let (libvirt, profile) = libvirt()?;
                fuzzing::check_libvirt(libvirt, *profile, bytes).map_err(found)?;
            }
            Ok(())
        }
        other => Err(format!("unknown target {other}").into()),
    }
}

fn trial_for(target: &'static str, path: PathBuf, name: String) -> Trial {
    Trial::test(name, move || {
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        replay(target, &bytes)
    })
}

/// One trial per saved input, plus the structural checks of the corpus.
fn corpus_trials() -> Vec<Trial> {
    let root = root();
    let mut trials = Vec::new();
    let mut problems = Vec::new();
    let known: Vec<&str> = TARGETS.iter().copied().chain(["crashes"]).collect();
    match std::fs::read_dir(&root) {
        Ok(entries) => {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if !known.contains(&name.as_str()) {
                    problems.push(format!("unknown entry corpus/fuzz/{name}"));
                }
            }
        }
        Err(e) => problems.push(format!("cannot read {}: {e}", root.display())),
    }
    for target in TARGETS {
        match files(&root.join(target)) {
            Ok(list) if list.is_empty() => problems.push(format!("corpus/fuzz/{target} is empty")),
            Ok(list) => {
                for path in list {
                    let file = path.file_name().unwrap_or_default().to_string_lossy();
                    let name = format!("{target}::{file}");
                    trials.push(trial_for(target, path.clone(), name));
                }
            }
            Err(e) => problems.push(e),
        }
    }
    let crashes = root.join("crashes");
    for target in TARGETS {
        let dir = crashes.join(target);
        if !dir.exists() {
            continue;
        }
        let list = match files(&dir) {
            Ok(list) => list,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        for path in &list {
            let file = path.file_name().unwrap_or_default().to_string_lossy();
            if let Some(crash) = file.strip_suffix(".note") {
                if !dir.join(crash).is_file() {
                    problems.push(format!("crashes/{target}/{file}: no crash file {crash}"));
                }
                continue;
            }
            let note = dir.join(format!("{file}.note"));
            match std::fs::read_to_string(&note) {
                Ok(text) if text.trim().lines().count() == 1 => {}
                Ok(_) => problems.push(format!("crashes/{target}/{file}.note is not one line")),
                Err(_) => problems.push(format!("crashes/{target}/{file} has no .note")),
            }
            let name = format!("crashes::{target}::{file}");
            trials.push(trial_for(target, path.clone(), name));
        }
    }
    trials.push(Trial::test("corpus-layout", move || {
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n").into())
        }
    }));
    trials
}

/// `fuzz/domainbackup.dict` is the dictionary generated from the vocabulary, so every
/// word the mutator uses is in it; `DOMAINBACKUP_UPDATE_DICT=1` rewrites it.
fn dictionary_trial() -> Trial {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // A published package leaves the fuzzing crate (fuzz/) out; its Cargo.toml.orig says
    // that this is a package and not a checkout, where the dictionary must be there.
    let packaged = root.join("Cargo.toml.orig").is_file() && !root.join("fuzz").is_dir();
    Trial::test("dictionary-is-generated-from-the-vocabulary", move || {
        if packaged {
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "note: fuzz_replay: a package has no fuzz/ crate, so its dictionary is not checked"
            );
            return Ok(());
        }
        let path = root.join("fuzz/domainbackup.dict");
        let generated = fuzzing::dictionary();
        if std::env::var_os("DOMAINBACKUP_UPDATE_DICT").is_some() {
            std::fs::write(&path, &generated).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        let written =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if written == generated {
            Ok(())
        } else {
            Err(format!(
                "{} is not the dictionary the vocabulary gives: rewrite it with \
                 `DOMAINBACKUP_UPDATE_DICT=1 cargo test --test fuzz_replay` and review the diff",
                path.display()
            )
            .into())
        }
    })
}

/// Writes generated seed documents: for `parse`, `mutate` and `libvirt_diff`, valid and
/// invalid documents of every profile and mode; for `roundtrip`, recorded generator inputs.
fn write_generated_seeds() -> Result<(), Failed> {
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus-work/generated");
    let per = |n: &str| -> Result<PathBuf, Failed> {
        let dir = out.join(n);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(dir)
    };
    let (docs, inputs) = (per("documents")?, per("roundtrip")?);
    let mut runner = TestRunner::deterministic();
    let mut written = 0usize;
    for profile in Profile::ALL {
        for mode in Mode::ALL {
            let valid = generator::valid(profile, mode);
            let invalid = generator::invalid(profile, mode);
            for i in 0..24 {
                let case = valid
                    .new_tree(&mut runner)
                    .map_err(|e| e.to_string())?
                    .current();
                let path = docs.join(format!("valid-{profile}-{mode}-{i:02}.xml"));
                std::fs::write(&path, case.document).map_err(|e| e.to_string())?;
                let case = invalid
                    .new_tree(&mut runner)
                    .map_err(|e| e.to_string())?
                    .current();
                let path = docs.join(format!("invalid-{profile}-{mode}-{}-{i:02}.xml", case.rule));
                std::fs::write(&path, &case.document).map_err(|e| e.to_string())?;
                let mut seed = [0u8; 32];
                seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
                seed[8] = Mode::ALL.iter().position(|m| *m == mode).unwrap_or(0) as u8;
                seed[9] = Profile::ALL.iter().position(|p| *p == profile).unwrap_or(0) as u8;
                let input = fuzzing::roundtrip_seed(profile, mode, seed);
                let path = inputs.join(format!("{profile}-{mode}-{i:02}"));
                std::fs::write(&path, input).map_err(|e| e.to_string())?;
                written += 3;
            }
        }
    }
    eprintln!("wrote {written} seeds under {}", out.display());
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = corpus_trials();
    trials.push(dictionary_trial());
    trials
        .push(Trial::test("write_generated_seeds", write_generated_seeds).with_ignored_flag(true));
    libtest_mimic::run(&args, trials).exit();
}
