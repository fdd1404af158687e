//! The shipped emitter adapters (`implementations/`, role `emitter`), built and run the way
//! a user runs them (`check-emitter --impl NAME`). What a 600-intent campaign finds in each
//! (its outcome totals and classes, each with its minimal intent, libvirt's answer to it and
//! what the emitter wrote) is pinned by a reviewed snapshot beside the adapter
//! (`implementations/NAME/classes.snap`), and the findings worth reporting upstream are
//! asserted by name.
//!
//! An adapter whose toolchain is missing is skipped with a line saying so, unless
//! `DOMAINBACKUP_REQUIRE_ADAPTERS=1` (which `.ci/run` sets): then its absence fails.

mod common;

use std::path::PathBuf;
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The summary of a 600-intent campaign through `check-emitter --impl NAME` (which builds
/// the adapter first), its first line (which names the command, a path of this machine)
/// without the command; `None` after saying why when the adapter cannot be built here,
/// unless adapters are required.
fn campaign(name: &str) -> Option<String> {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = Command::new(env!("CARGO_BIN_EXE_domainbackup-harness"))
        .args(["check-emitter", "--impl", name, "--cases", "600"])
        .current_dir(tmp.path())
        .stdin(Stdio::null())
        .output()
        .expect("the harness runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(2)
        && stderr.contains("the build failed")
        && std::env::var_os("DOMAINBACKUP_REQUIRE_ADAPTERS").is_none()
    {
        eprintln!("note: {name} could not be built here, so it is not checked:\n{stderr}");
        return None;
    }
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    let (first, rest) = stdout.split_once('\n').expect("a summary");
    let (who, what) = first.split_once(" (").expect("the command in brackets");
    let what = what
        .split_once("): ")
        .expect("the campaign after the command")
        .1;
    assert!(who.starts_with(&format!("emitter {name} ")), "{first}");
    // A real implementation behind a small adapter: no hang, no broken answer (a crash is
    // the implementation's own, a traceback, and shows as a class).
    for failure in ["timeout", "protocol error"] {
        assert!(
            !rest.lines().any(|l| l.starts_with(failure)),
            "{name}: {failure}:\n{stdout}"
        );
    }
    Some(format!("{who}: {what}\n{rest}"))
}

/// Whether the summary counts `field` among those the emitter cannot write.
fn cannot_write(summary: &str, field: &str) -> bool {
    summary
        .split_once("fields it cannot write")
        .is_some_and(|(_, rest)| {
            rest.lines()
                .take_while(|l| !l.is_empty())
                .any(|l| l.trim_start().ends_with(&format!("  {field}")))
        })
}

/// Whether the summary has a class line ending in `class` (after its count).
fn has_class(summary: &str, class: &str) -> bool {
    summary.lines().any(|l| {
        l.trim_start()
            .split_once("  ")
            .is_some_and(|(_, c)| c == class)
    })
}

#[test]
fn libvirtxml_marshal_drops_empty_values_and_replaces_control_characters() {
    if !common::have_tool("go", "version") {
        return;
    }
    let Some(summary) = campaign("libvirtxml-marshal") else {
        return;
    };
    // Findings worth reporting upstream. The binding's attributes are `omitempty`: an
    // empty value libvirt keeps (exportname='', a seclabel's model='') is not written;
    for class in [
        "accepted with another meaning: /domainbackup/disks/disk/@exportname dropped",
        "accepted with another meaning: /domainbackup/disks/disk/@exportbitmap dropped",
        // a <target> with no file (libvirt refuses it) is not written at all, so the
        // document libvirt gets is valid and backs the disk up somewhere else;
        "invalid intent made valid: schema.target.path-required",
        // and encoding/xml writes a control character libvirt refuses as U+FFFD.
        "invalid intent made valid: wf.invalid-character",
    ] {
        assert!(has_class(&summary, class), "{class} not found:\n{summary}");
    }
    // The binding's disk encryption has no <cipher>: such intents cannot be written.
    assert!(
        cannot_write(&summary, "disks.target.encryption.cipher"),
        "{summary}"
    );
    common::assert_classes_snapshot(&root().join("implementations/libvirtxml-marshal"), &summary);
}

#[test]
fn avocado_vt_setup_attrs_writes_carriage_returns_raw() {
    if !common::have_tool("python3", "--version") {
        return;
    }
    let Some(summary) = campaign("avocado-vt-setup-attrs") else {
        return;
    };
    // lxml writes a carriage return in text as it is, and libvirt's reader turns it into a
    // line feed: the checkpoint libvirt starts from is another one.
    assert!(
        has_class(
            &summary,
            "accepted with another meaning: /domainbackup/incremental changed"
        ),
        "{summary}"
    );
    // DiskXML's target and scratch have no seclabel property.
    assert!(
        cannot_write(&summary, "disks.target.seclabels"),
        "{summary}"
    );
    common::assert_classes_snapshot(
        &root().join("implementations/avocado-vt-setup-attrs"),
        &summary,
    );
}

#[test]
fn virtnbdbackup_always_writes_tls_and_a_port() {
    if !common::have_tool("python3", "--version") || !common::have_tool("apt-get", "--version") {
        return;
    }
    let Some(summary) = campaign("virtnbdbackup") else {
        return;
    };
    // Findings worth reporting upstream. A remote backup always gets tls='no' (without
    // --tls) and --nbd-port's default: the tool cannot leave either to libvirt, and an
    // absent tls is not tls='no' to libvirt;
    for class in [
        "accepted with another meaning: /domainbackup/server/@tls invented",
        "accepted with another meaning: /domainbackup/server/@port invented",
        // a port libvirt refuses (' 8', '0 ') is read by argparse's int() and written as
        // one libvirt takes;
        "invalid intent made valid: schema.server.port-unsigned-int",
    ] {
        assert!(has_class(&summary, class), "{class} not found:\n{summary}");
    }
    // and it dies with a traceback (lxml's ValueError) on a control character in a value,
    // rather than saying the value cannot be written.
    assert!(has_class(&summary, "crash"), "{summary}");
    // It writes pull mode only, and names its scratch files itself (which is not a
    // difference where the intent leaves them out).
    assert!(has_class(&summary, "unsupported field: mode"), "{summary}");
    assert!(cannot_write(&summary, "disks.backup"), "{summary}");
    assert!(
        summary.contains("(it chose disks[0].scratch.file itself)"),
        "{summary}"
    );
    common::assert_classes_snapshot(&root().join("implementations/virtnbdbackup"), &summary);
}
