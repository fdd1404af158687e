//! libvirt's own xml2xml vectors (read from ../shared/libvirt, never copied): every input,
//! parsed (internal for `backup-pull-internal-invalid`), aligned with the fake domain and
//! formatted, equals its expected output byte for byte; and every expected output parses
//! and formats back to itself.

mod common;

use std::path::PathBuf;

use domainbackup_harness::{Options, Profile, corpus, process};

fn shared(path: &str) -> Option<PathBuf> {
    common::shared_libvirt("upstream").map(|dir| dir.join(path))
}

/// (test name, input file, expected output file) of a profile's vector set; none without
/// the upstream data.
fn vectors(profile: Profile) -> Vec<(String, PathBuf, PathBuf)> {
    let Some(dir) = common::shared_libvirt("upstream") else {
        return Vec::new();
    };
    corpus::upstream_vectors(&dir, profile)
        .into_iter()
        .map(|v| (v.name.to_string(), v.input, v.output))
        .collect()
}

fn read(path: &PathBuf) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn check_profile(profile: Profile) {
    let vectors = vectors(profile);
    if vectors.is_empty() {
        return;
    }
    for (name, input, expected) in &vectors {
        let internal = name == "backup-pull-internal-invalid";
        let options = Options {
            profile,
            internal,
            align: true,
        };
        let mut actual = process(&read(input), options)
            .unwrap_or_else(|r| panic!("{profile} {name}: rejected: {}", r.to_line()));
        if !actual.ends_with('\n') {
            actual.push('\n');
        }
        let expected = String::from_utf8(read(expected)).expect("upstream files are UTF-8");
        assert_eq!(actual, expected, "{profile} {name}: output differs");
    }
}

#[test]
fn upstream_vectors_v11_3() {
    check_profile(Profile::V11_3);
}

#[test]
fn upstream_vectors_v9_0() {
    check_profile(Profile::V9_0);
}

/// The expected outputs are canonical: parsing and formatting them again changes nothing
/// (without alignment, which would append `vdextradisk` once more).
#[test]
fn upstream_outputs_are_fixed_points() {
    for profile in Profile::ALL {
        for (name, _, expected) in vectors(profile) {
            let internal = name == "backup-pull-internal-invalid";
            let text = read(&expected);
            let again = process(
                &text,
                Options {
                    profile,
                    internal,
                    align: false,
                },
            )
            .unwrap_or_else(|r| panic!("{profile} {name}: output rejected: {}", r.to_line()));
            assert_eq!(
                again.as_bytes(),
                &text[..],
                "{profile} {name}: output is not a fixed point"
            );
        }
    }
}

/// The older expected outputs kept in history/ show earlier formats; those that are
/// still valid documents today are fixed points of parse+format too.
#[test]
fn history_outputs_reparse() {
    let Some(dir) = shared("history") else {
        return;
    };
    let mut seen = 0;
    for commit in std::fs::read_dir(&dir).expect("history folder") {
        let out = commit
            .expect("entry")
            .path()
            .join("tests/domainbackupxml2xmlout");
        let Ok(files) = std::fs::read_dir(&out) else {
            continue;
        };
        for file in files {
            let path = file.expect("entry").path();
            let internal = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().contains("internal"));
            let text = read(&path);
            let once = process(
                &text,
                Options {
                    profile: Profile::V11_3,
                    internal,
                    align: false,
                },
            );
            if let Ok(once) = once {
                let twice = process(
                    once.as_bytes(),
                    Options {
                        profile: Profile::V11_3,
                        internal,
                        align: false,
                    },
                )
                .expect("canonical text is accepted");
                assert_eq!(once, twice, "{}: format is not idempotent", path.display());
            }
            seen += 1;
        }
    }
    assert!(
        seen >= 5,
        "expected the history vectors under {}",
        dir.display()
    );
}
