//! What the test suites share: finding libvirt's upstream data (`../shared/libvirt` beside
//! the source: schemas, xml2xml vectors and their history), which a lone clone or an
//! unpacked package does not have.
//!
//! A suite that needs it and does not find it says so on the test output (written to the
//! terminal directly, so that it shows for passing tests too) and skips those checks;
//! with `DOMAINBACKUP_REQUIRE_UPSTREAM=1` (which `.ci/run` sets) its absence fails.

#![allow(dead_code)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Once;

/// `../shared/libvirt` beside the source, or `None` after saying (once per suite) that
/// `suite` runs without it. Fails when `DOMAINBACKUP_REQUIRE_UPSTREAM` is set.
pub fn shared_libvirt(suite: &str) -> Option<PathBuf> {
    if let Some(dir) = domainbackup_harness::corpus::shared_libvirt_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("DOMAINBACKUP_REQUIRE_UPSTREAM").is_none(),
        "{suite}: libvirt's upstream data is required (DOMAINBACKUP_REQUIRE_UPSTREAM) and \
         ../shared/libvirt is not beside {}",
        env!("CARGO_MANIFEST_DIR")
    );
    static SAID: Once = Once::new();
    SAID.call_once(|| {
        let _ = writeln!(
            std::io::stderr(),
            "note: {suite}: running without upstream vectors (no ../shared/libvirt beside \
             {}): the checks against libvirt's own test data are skipped",
            env!("CARGO_MANIFEST_DIR")
        );
    });
    None
}

/// Whether `tool` runs (`tool probe` succeeds); when it does not, says so, or fails when
/// the shipped adapters are required (`DOMAINBACKUP_REQUIRE_ADAPTERS`, which `.ci/run` sets).
pub fn have_tool(tool: &str, probe: &str) -> bool {
    let found = Command::new(tool)
        .arg(probe)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var_os("DOMAINBACKUP_REQUIRE_ADAPTERS").is_none(),
            "{tool} is required (DOMAINBACKUP_REQUIRE_ADAPTERS) and does not run"
        );
        let _ = writeln!(
            std::io::stderr(),
            "skipped: {tool} does not run here, so its adapter is not checked"
        );
    }
    found
}

/// `text` held by the reviewed snapshot `classes.snap` in an adapter's folder.
pub fn assert_classes_snapshot(adapter: &Path, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(adapter);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!("classes", text));
}
