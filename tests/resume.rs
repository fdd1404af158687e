//! A campaign with a report folder streams its results to a journal there as they are
//! judged: killed (SIGKILL) mid-way, it keeps every result it had written, and
//! `check --resume DIR` finishes it into the report an uninterrupted run writes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_domainbackup-harness");

/// A `check` of a per-case implementation that drops an attribute from its output, so the
/// campaign has disagreements and counterexamples to carry over.
fn campaign(report: &Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .args([
            "check",
            "--cases",
            "1500",
            "--jobs",
            "2",
            "--shrink-max",
            "2",
        ])
        .arg("--report")
        .arg(report)
        .args(["--", "sh", "examples/wrong/drops-exportbitmap.sh"])
        .env("DOMAINBACKUP_HARNESS", BIN)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null());
    command
}

/// `check --resume DIR`, finished.
fn resume(dir: &Path) -> Output {
    Command::new(BIN)
        .args(["check", "--resume"])
        .arg(dir)
        .env("DOMAINBACKUP_HARNESS", BIN)
        .output()
        .expect("check --resume runs")
}

fn lines(path: &Path) -> usize {
    std::fs::read(path).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
}

/// A report file with what differs between two runs of one campaign left out: timings and
/// the folder's own name.
fn comparable(path: &Path, dir: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = text.replace(&dir.display().to_string(), "DIR");
    text.lines()
        .map(|line| {
            let mut line = line.to_string();
            for (start, end) in [
                ("time=\"", "\""),
                ("\"elapsed_ms\": ", ","),
                (" in ", " cases/s)"),
            ] {
                if let Some(a) = line.find(start) {
                    if let Some(b) = line[a + start.len()..].find(end) {
                        line.replace_range(a + start.len()..a + start.len() + b, "…");
                    }
                }
            }
            line + "\n"
        })
        .collect()
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    out.sort();
    out
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn a_killed_campaign_resumed_writes_the_uninterrupted_report() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let whole = tmp.path().join("whole");
    let killed = tmp.path().join("killed");
    let uninterrupted = campaign(&whole).output().expect("the campaign runs");
    assert_eq!(
        uninterrupted.status.code(),
        Some(1),
        "{}",
        text(&uninterrupted)
    );
    assert!(
        !whole.join("journal.jsonl").exists(),
        "a complete run leaves no journal"
    );

    // The same campaign, killed once its journal holds a few hundred cases.
    let mut child = campaign(&killed)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the campaign starts");
    let journal = killed.join("journal.jsonl");
    let deadline = Instant::now() + Duration::from_secs(120);
    while lines(&journal) < 300 {
        assert!(
            Instant::now() < deadline,
            "the journal never reached 300 cases"
        );
        assert!(
            child.try_wait().expect("the campaign is there").is_none(),
            "the campaign ended before it was killed"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("the campaign is gone");
    let kept = lines(&journal);
    assert!((300..1500).contains(&kept), "{kept} cases journaled");
    assert!(!killed.join("results.jsonl").exists());

    // The journal of another campaign (fewer slots) is refused, and nothing is lost.
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).expect("mkdir");
    std::fs::copy(&journal, other.join("journal.jsonl")).expect("copy");
    let record = std::fs::read_to_string(killed.join("campaign.json")).expect("campaign.json");
    std::fs::write(
        other.join("campaign.json"),
        record.replace("\"1500\"", "\"100\""),
    )
    .expect("write");
    let refused = resume(&other);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("is beyond this campaign's"),
        "{}",
        text(&refused)
    );
    assert_eq!(lines(&other.join("journal.jsonl")), kept);

    let resumed = resume(&killed);
    assert_eq!(resumed.status.code(), Some(1), "{}", text(&resumed));
    let stderr = String::from_utf8_lossy(&resumed.stderr);
    assert!(
        stderr.contains(&format!("resuming: {kept} cases ran before")),
        "{stderr}"
    );
    assert!(
        !journal.exists(),
        "the finished campaign's journal is removed"
    );

    assert_eq!(
        std::fs::read(killed.join("results.jsonl")).expect("results"),
        std::fs::read(whole.join("results.jsonl")).expect("results"),
        "results.jsonl"
    );
    for name in ["summary.json", "junit.xml", "index.html"] {
        assert_eq!(
            comparable(&killed.join(name), &killed),
            comparable(&whole.join(name), &whole),
            "{name}"
        );
    }
    let (a, b) = (
        files(&killed.join("counterexamples")),
        files(&whole.join("counterexamples")),
    );
    assert_eq!(a.len(), 2, "{a:?}");
    assert_eq!(
        a.iter().map(|p| p.file_name()).collect::<Vec<_>>(),
        b.iter().map(|p| p.file_name()).collect::<Vec<_>>()
    );
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            comparable(x, &killed),
            comparable(y, &whole),
            "{}",
            x.display()
        );
    }
    let terminal = |out: &Output, dir: &Path| {
        String::from_utf8_lossy(&out.stdout)
            .replace(&dir.display().to_string(), "DIR")
            .lines()
            .skip(1) // the timing line
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        terminal(&resumed, &killed),
        terminal(&uninterrupted, &whole)
    );

    // Resuming a finished campaign says so.
    let again = resume(&killed);
    assert_eq!(again.status.code(), Some(2), "{}", text(&again));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("no journal to resume"),
        "{}",
        text(&again)
    );
}

#[test]
fn resume_takes_no_other_flag_and_names_a_folder_it_cannot_resume() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let run = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .current_dir(tmp.path())
            .output()
            .expect("runs")
    };
    let out = run(&["check", "--resume", "r", "--cases", "5"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("give no other flag"),
        "{}",
        text(&out)
    );
    let out = run(&["check", "--resume=r"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("r/campaign.json") && stderr.contains("check --report"),
        "{stderr}"
    );
    std::fs::create_dir(tmp.path().join("r")).expect("mkdir");
    std::fs::write(tmp.path().join("r/campaign.json"), "{\"format\":").expect("write");
    let out = run(&["check", "--resume", "r"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not a campaign record"),
        "{}",
        text(&out)
    );
}
