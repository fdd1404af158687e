//! The `parse` command line, as scripts rely on it: canonical XML and exit 0 when accepted,
//! one `error: stage=.. code=.. domain=.. message=..` line on stderr and exit 1 when
//! rejected, a clear message and exit 2 for usage or I/O problems.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn harness(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_domainbackup-harness"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut input = child.stdin.take().expect("stdin is piped");
    input.write_all(stdin).expect("stdin accepts the document");
    drop(input);
    child.wait_with_output().expect("the binary finishes")
}

fn upstream(name: &str) -> Option<String> {
    common::shared_libvirt("cli").map(|dir| dir.join("tests").join(name).display().to_string())
}

#[test]
fn accepted_document_prints_canonical_xml() {
    let (Some(input), Some(output)) = (
        upstream("domainbackupxml2xmlin/backup-push.xml"),
        upstream("domainbackupxml2xmlout/backup-push.xml"),
    ) else {
        return;
    };
    let out = harness(&["parse", "--align", &input], b"");
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = std::fs::read(output).expect("vector");
    assert_eq!(out.stdout, expected);
    assert!(out.stderr.is_empty());
}

#[test]
fn standard_input_is_read_with_dash_or_nothing() {
    for args in [&["parse", "-"][..], &["parse"][..]] {
        let out = harness(args, b"<domainbackup/>");
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "<domainbackup mode='push'/>\n"
        );
    }
}

#[test]
fn rejection_is_one_line_with_stage_code_domain_message() {
    let out = harness(
        &["parse", "--align"],
        b"<domainbackup><disks><disk name='vda'/><disk name='vda'/></disks></domainbackup>",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: stage=align code=67 domain=20 rule=align.disk-specified-twice message=unsupported configuration: disk 'vda' specified twice\n"
    );
}

#[test]
fn profile_and_internal_change_the_verdict() {
    let doc = b"<domainbackup mode='pull'><server transport='sctp' name='h'/></domainbackup>";
    let v11 = harness(&["parse", "--internal"], doc);
    assert_eq!(
        String::from_utf8_lossy(&v11.stderr),
        "error: stage=parse code=27 domain=5 rule=parse.server.transport-unknown message=XML error: Invalid value for attribute 'transport' in element 'server': 'sctp'.\n"
    );
    let v9 = harness(&["parse", "--internal", "--profile", "9.0"], doc);
    assert_eq!(
        String::from_utf8_lossy(&v9.stderr),
        "error: stage=parse code=67 domain=20 rule=parse.server.transport-unknown message=unsupported configuration: unknown protocol transport type 'sctp'\n"
    );
    let plain = harness(&["parse"], doc);
    assert_eq!(plain.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&plain.stderr)
            .starts_with("error: stage=schema code=92 domain=5 rule=schema.server.")
    );
}

#[test]
fn multi_line_messages_stay_on_one_line() {
    let out = harness(&["parse"], b"<domainbackup><bogus/></domainbackup>");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("\\n"), "{stderr}");
}

#[test]
fn usage_and_io_problems_exit_2() {
    let bad_profile = harness(&["parse", "--profile", "10.0"], b"");
    assert_eq!(bad_profile.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_profile.stderr).contains("unknown profile '10.0'"));

    let missing = harness(&["parse", "/nonexistent/backup.xml"], b"");
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("cannot read /nonexistent/backup.xml")
    );

    let unknown = harness(&["parse", "--frobnicate"], b"");
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn generate_writes_cases_and_a_manifest_deterministically() {
    let base =
        std::env::temp_dir().join(format!("domainbackup-cli-generate-{}", std::process::id()));
    let run = |dir: &std::path::Path| {
        harness(
            &[
                "generate",
                "--count",
                "12",
                "--seed",
                "4",
                "--profile",
                "9.0",
                "--mode",
                "align",
                "--out",
                &dir.display().to_string(),
            ],
            b"",
        )
    };
    let (a, b) = (base.join("a"), base.join("b"));
    assert_eq!(run(&a).status.code(), Some(0));
    assert_eq!(run(&b).status.code(), Some(0));
    let manifest = std::fs::read_to_string(a.join("manifest.jsonl")).expect("manifest");
    assert_eq!(
        manifest,
        std::fs::read_to_string(b.join("manifest.jsonl")).expect("manifest")
    );
    assert_eq!(manifest.lines().count(), 12);
    for line in manifest.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
        let file = v["file"].as_str().expect("file");
        assert_eq!(
            std::fs::read(a.join(file)).expect("case"),
            std::fs::read(b.join(file)).expect("case")
        );
    }
    let bad = harness(
        &[
            "generate",
            "--mode",
            "sideways",
            "--out",
            &base.display().to_string(),
        ],
        b"",
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown mode 'sideways'"));
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn rules_are_listed_and_described() {
    let all = harness(&["rules"], b"");
    assert_eq!(all.status.code(), Some(0));
    let listing = String::from_utf8_lossy(&all.stdout).into_owned();
    assert!(listing.lines().count() > 150, "{listing}");
    let one = harness(&["rules", "B11"], b"");
    assert_eq!(one.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&one.stdout)
            .starts_with("parse.server.socket-not-absolute (B11)\n")
    );
    let unknown = harness(&["rules", "socket"], b"");
    assert_eq!(unknown.status.code(), Some(2));
    let err = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        err.contains("no rule 'socket'") && err.contains("parse.server.socket-not-absolute"),
        "{err}"
    );
}

#[test]
fn implementations_are_listed_with_whether_each_is_ready() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let adapter = tmp.path().join("mine");
    std::fs::create_dir_all(&adapter).expect("a folder");
    std::fs::write(
        adapter.join("manifest.json"),
        r#"{"name":"mine","language":"sh","homepage":"-","implementation":"the reference",
           "version":"1","built":"target/mine","requires":["sh"],"run":["target/mine"],
           "protocol":"per-case","needs":"a shell",
           "capabilities":{"modes":["parse"],"profiles":["11.3"],"validates":"full"}}"#,
    )
    .expect("a manifest");
    let dir = tmp.path().to_str().expect("a UTF-8 path");
    let out = harness(&["implementations", "--dir", dir], b"");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("reference    Rust     reader, emitter built-in  full       ready"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "mine         sh       reader          per-case  full       not built: `check --impl mine` builds it"
        ),
        "{stdout}"
    );

    // --impl builds it first; a build that fails stops the run with its output.
    std::fs::write(
        adapter.join("build"),
        "#!/bin/sh\necho no compiler here >&2\nexit 3\n",
    )
    .expect("a build script");
    let mut perms = std::fs::metadata(adapter.join("build"))
        .expect("metadata")
        .permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(adapter.join("build"), perms).expect("executable");
    let out = harness(&["check", "--implementations", dir, "--impl", "mine"], b"");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("the build failed (exit status: 3):\nno compiler here"),
        "{stderr}"
    );

    // A build that works makes the adapter ready; the run then uses it.
    let harness_bin = env!("CARGO_BIN_EXE_domainbackup-harness");
    std::fs::write(
        adapter.join("build"),
        format!(
            "#!/bin/sh\nmkdir -p target\nprintf '#!/bin/sh\\nexec {harness_bin} parse --profile 11.3\\n' > target/mine\nchmod +x target/mine\n"
        ),
    )
    .expect("a build script");
    let out = harness(
        &[
            "check",
            "--implementations",
            dir,
            "--impl",
            "mine",
            "--profiles",
            "11.3",
            "--modes",
            "parse",
            "--cases",
            "40",
        ],
        b"",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("no new disagreement (40 agree"), "{stdout}");

    let out = harness(
        &["check", "--implementations", dir, "--impl", "theirs"],
        b"",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("no implementation 'theirs' (there are: reference, libvirt, mine;"),
        "{stderr}"
    );
}

#[test]
fn upstream_vectors_are_found_or_their_absence_is_named() {
    // Named but wrong: an error naming the flag or the variable, exit 2.
    let out = harness(&["check", "--upstream", "/nonexistent"], b"");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--upstream /nonexistent: no domainbackupxml2xmlin/*.xml there"),
        "{stderr}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_domainbackup-harness"))
        .args(["check", "--cases", "10"])
        .env("DOMAINBACKUP_LIBVIRT_SRC", "/nonexistent")
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "DOMAINBACKUP_LIBVIRT_SRC=/nonexistent: no tests/domainbackupxml2xmlin/*.xml there"
        ),
        "{stderr}"
    );
    // Left out on purpose: no note; a folder of one's own: its vectors run.
    let out = harness(&["check", "--no-upstream", "--cases", "10"], b"");
    assert_eq!(out.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("note: running without"));
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let inputs = tmp.path().join("tests/domainbackupxml2xmlin");
    std::fs::create_dir_all(&inputs).expect("folders");
    std::fs::write(inputs.join("mine.xml"), "<domainbackup/>").expect("a vector");
    let out = harness(
        &[
            "check",
            "--no-corpus",
            "--upstream",
            tmp.path().to_str().expect("UTF-8"),
            "--modes",
            "parse",
        ],
        b"",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("no new disagreement (2 agree"), "{stdout}");
}

/// `check-emitter --impl reference` runs this program's own emitter and agrees with itself;
/// `--report` writes the folder, and a wrong pairing of flags and roles is a usage error.
#[test]
fn check_emitter_runs_the_reference_and_writes_a_report() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("report");
    let dir_arg = dir.to_string_lossy().into_owned();
    let out = harness(
        &[
            "check-emitter",
            "--impl",
            "reference",
            "--cases",
            "40",
            "--jobs",
            "2",
            "--report",
            &dir_arg,
        ],
        b"",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("40 intents"), "{stdout}");
    assert!(stdout.contains(&format!("report: {}", dir.join("index.html").display())));
    let results = std::fs::read_to_string(dir.join("results.jsonl")).unwrap();
    assert_eq!(results.lines().count(), 40);
    for args in [
        &["check-emitter", "--impl", "libvirt"][..],
        &["check-emitter", "--impl", "reference", "--jobs", "0"][..],
        &[
            "check-emitter",
            "--impl",
            "reference",
            "--",
            "python3",
            "x.py",
        ],
    ] {
        let out = harness(args, b"");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty());
    }
}

#[test]
fn shard_auto_outside_an_indexed_job_is_refused_with_what_is_missing() {
    let out = Command::new(env!("CARGO_BIN_EXE_domainbackup-harness"))
        .args(["check", "--builtin", "reference", "--shard", "auto/4"])
        .env_remove("JOB_COMPLETION_INDEX")
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("JOB_COMPLETION_INDEX is not set") && stderr.contains("--shard K/N"),
        "{stderr}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_domainbackup-harness"))
        .args([
            "check",
            "--builtin",
            "reference",
            "--shard",
            "auto",
            "--cases",
            "8",
        ])
        .env("JOB_COMPLETION_INDEX", "1")
        .env("JOB_COMPLETIONS", "2")
        .output()
        .expect("the binary runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
