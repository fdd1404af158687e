//! `domainbackup-harness check` against deliberately wrong implementations
//! (`examples/wrong/`), one per outcome class: each is classified right, shrunk to a small
//! counterexample, reported (terminal, JSON lines, JUnit, HTML) and replayable; the correct
//! examples agree on everything in both protocols; environment problems exit 2.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use domainbackup_harness::conform::Outcome;
use domainbackup_harness::conform::report::{RunReport, read_report_dir};

fn harness() -> &'static str {
    env!("CARGO_BIN_EXE_domainbackup-harness")
}

fn example(name: &str) -> String {
    format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A Python that starts fast: the system one when there is one.
fn python() -> String {
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3".into()
    } else {
        "python3".into()
    }
}

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
    report: Option<RunReport>,
    dir: PathBuf,
}

fn run_harness(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(harness());
    cmd.args(args)
        .current_dir(cwd)
        .env("DOMAINBACKUP_HARNESS", harness())
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the harness runs")
}

/// `check ARGS` with a report folder in a fresh temporary folder (also the working
/// directory, so that nothing is written into the crate).
fn check(args: &[&str], env: &[(&str, &str)]) -> (Run, tempfile::TempDir) {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dir = tmp.path().join("report");
    let dir_s = dir.display().to_string();
    let mut full = vec!["check", "--jobs", "2", "--report", &dir_s];
    full.extend_from_slice(args);
    let out = run_harness(&full, tmp.path(), env);
    let report = read_report_dir(&dir).ok().and_then(|mut r| r.pop());
    (
        Run {
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            report,
            dir,
        },
        tmp,
    )
}

/// The run found `outcome` (and nothing but `outcome` and agreement), shrank its first
/// counterexample to at most `max_lines` lines, reported it, and the counterexample
/// replays with `replay_args` (the implementation's part of the command line).
fn assert_caught(run: &Run, outcome: Outcome, max_lines: usize, replay_args: &[&str]) {
    let report = run
        .report
        .as_ref()
        .unwrap_or_else(|| panic!("no report; stderr: {}", run.stderr));
    assert_eq!(run.status, 1, "{}\n{}", run.stdout, run.stderr);
    let found = report
        .results
        .iter()
        .filter(|r| r.outcome == outcome)
        .count();
    assert!(found > 0, "no {outcome}:\n{}", run.stdout);
    for r in &report.results {
        assert!(
            r.outcome == outcome || r.outcome == Outcome::Agree,
            "{}: {} ({})",
            r.id,
            r.outcome,
            r.detail
        );
    }
    let c = report
        .counterexamples
        .first()
        .unwrap_or_else(|| panic!("no counterexample:\n{}", run.stdout));
    assert_eq!(c.outcome, outcome);
    let document = String::from_utf8_lossy(&c.document_bytes()).into_owned();
    assert!(
        c.lines <= max_lines,
        "{} lines, at most {max_lines} expected:\n{document}",
        c.lines
    );
    println!("{outcome}: {} lines\n{document}", c.lines);
    // Reported: terminal, JSON lines, JUnit, HTML.
    assert!(
        run.stdout.contains(&format!("── {outcome}")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("replay: domainbackup-harness check --replay")
    );
    let junit = std::fs::read_to_string(run.dir.join("junit.xml")).expect("junit.xml");
    assert!(junit.contains(&format!("type=\"{}\"", outcome.key())));
    let html = std::fs::read_to_string(run.dir.join("index.html")).expect("index.html");
    assert!(html.contains(outcome.name()) && html.contains(&c.rule));
    let jsonl = std::fs::read_to_string(run.dir.join("results.jsonl")).expect("results.jsonl");
    assert_eq!(jsonl.lines().count(), report.results.len());
    // Replayable: the stored file, against the same implementation, disagrees the same way.
    let mut args = vec!["check", "--replay", &c.file];
    args.extend_from_slice(replay_args);
    let out = run_harness(&args, &run.dir, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains(&format!("now {outcome}")), "{stdout}");
}

#[test]
fn dropped_attribute_is_wrong_output() {
    let imp = example("wrong/drops-exportbitmap.sh");
    let (run, _tmp) = check(&["--filter", "grammar.pull.export", "--", &imp], &[]);
    assert_caught(&run, Outcome::WrongOutput, 6, &["--", &imp]);
    let c = &run.report.as_ref().expect("report").counterexamples[0];
    assert_eq!(
        c.signature.as_deref(),
        Some("/domainbackup/disks/disk/@exportbitmap")
    );
    assert!(c.detail.contains("@exportbitmap: expected"), "{}", c.detail);

    // Later runs take the stored counterexamples first, with --replay-dir: the wrong
    // implementation still fails on them, the reference agrees, and a folder holding a
    // file that is not a counterexample is an environment error naming the file.
    let stored = run.dir.join("counterexamples");
    let stored_s = stored.display().to_string();
    let files = std::fs::read_dir(&stored).expect("counterexamples").count();
    assert!(files >= 1);
    let only_stored = ["--no-corpus", "--no-upstream", "--replay-dir", &stored_s];
    let (again, _tmp2) = check(&[&only_stored[..], &["--", &imp]].concat(), &[]);
    assert_eq!(again.status, 1, "{}", again.stdout);
    let report = again.report.as_ref().expect("report");
    assert_eq!(report.results.len(), files);
    for r in &report.results {
        assert!(r.id.starts_with("counterexample/"), "{}", r.id);
        assert_eq!(r.outcome, Outcome::WrongOutput, "{}", r.id);
    }
    let (fixed, _tmp3) = check(&only_stored, &[]);
    assert_eq!(fixed.status, 0, "{}", fixed.stdout);
    assert_eq!(fixed.report.as_ref().expect("report").results.len(), files);
    let bad = stored.join("zz-not-one.json");
    std::fs::write(&bad, "{}").expect("a bad file");
    let (broken, _tmp4) = check(&only_stored, &[]);
    assert_eq!(broken.status, 2, "{}", broken.stderr);
    assert!(
        broken.stderr.contains("zz-not-one.json"),
        "{}",
        broken.stderr
    );
}

#[test]
fn bad_mode_accepted_is_false_accept() {
    let imp = example("wrong/accepts-bad-mode.sh");
    let (run, _tmp) = check(&["--filter", "parse.mode.unknown", "--", &imp], &[]);
    assert_caught(&run, Outcome::FalseAccept, 1, &["--", &imp]);
}

#[test]
fn valid_port_rejected_is_false_reject() {
    let imp = example("wrong/rejects-port.sh");
    let (run, _tmp) = check(&["--filter", "grammar.server.tcp", "--", &imp], &[]);
    assert_caught(&run, Outcome::FalseReject, 3, &["--", &imp]);
}

#[test]
fn wrong_code_is_wrong_error_when_codes_are_compared() {
    let imp = example("wrong/wrong-code.sh");
    let args = [
        "--compare",
        "codes",
        "--filter",
        "align.disk-specified-twice",
        "--",
        &imp,
    ];
    let (run, _tmp) = check(&args, &[]);
    assert_caught(
        &run,
        Outcome::WrongError,
        6,
        &["--compare", "codes", "--", &imp],
    );
    // Without codes, the same implementation agrees.
    let (run, _tmp) = check(&["--filter", "align.disk-specified-twice", "--", &imp], &[]);
    assert_eq!(run.status, 0, "{}", run.stdout);
}

#[test]
fn crash_on_a_condition_is_crash() {
    let imp = example("wrong/crashes-on-scratch.sh");
    let (run, _tmp) = check(&["--filter", "grammar.pull.block", "--", &imp], &[]);
    assert_caught(&run, Outcome::Crash, 7, &["--", &imp]);
    let c = &run.report.as_ref().expect("report").counterexamples[0];
    assert!(c.detail.contains("SIGSEGV"), "{}", c.detail);
}

#[test]
fn hang_is_timeout_and_is_killed() {
    let imp = example("wrong/hangs-on-incremental.sh");
    let started = std::time::Instant::now();
    let args = [
        "--timeout",
        "0.3",
        "--shrink-time",
        "6",
        "--filter",
        "grammar.push.backupmode-full@11.3",
        "--",
        &imp,
    ];
    let (run, _tmp) = check(&args, &[]);
    assert_caught(&run, Outcome::Timeout, 3, &["--timeout", "0.3", "--", &imp]);
    // Its `sleep 60` was killed with it.
    assert!(started.elapsed().as_secs() < 30);
}

#[test]
fn garbage_output_is_protocol_error() {
    let imp = example("wrong/garbage-on-tls.sh");
    let (run, _tmp) = check(&["--filter", "tls", "--", &imp], &[]);
    assert_caught(&run, Outcome::ProtocolError, 3, &["--", &imp]);
    let c = &run.report.as_ref().expect("report").counterexamples[0];
    assert!(c.detail.contains("not UTF-8"), "{}", c.detail);
}

#[test]
fn broken_ndjson_is_protocol_error_and_restarted() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let starts = tmp.path().join("starts");
    let starts_s = starts.display().to_string();
    let py = python();
    let imp = example("wrong/ndjson-breaks-on-unix.py");
    let args = [
        "--protocol",
        "ndjson",
        "--filter",
        "grammar.server",
        "--",
        &py,
        &imp,
    ];
    let (run, _tmp) = check(&args, &[("BROKEN_NDJSON_STARTS", &starts_s)]);
    assert_caught(
        &run,
        Outcome::ProtocolError,
        3,
        &["--protocol", "ndjson", "--", &py, &imp],
    );
    let report = run.report.as_ref().expect("report");
    // Only the unix-transport cases fail: after each break the process was restarted and
    // answered the next case in step.
    for r in report
        .results
        .iter()
        .filter(|r| r.outcome.is_disagreement())
    {
        assert!(r.id.contains("unix") || r.id.contains("tls-no"), "{}", r.id);
    }
    let starts = std::fs::read_to_string(&starts).expect("the start log");
    assert!(
        starts.lines().count() > 2,
        "restarted {} times",
        starts.lines().count()
    );
}

#[test]
fn builtin_reference_agrees_with_itself() {
    let (run, _tmp) = check(&["--builtin", "reference", "--cases", "3000"], &[]);
    assert_eq!(run.status, 0, "{}\n{}", run.stdout, run.stderr);
    let report = run.report.expect("report");
    assert_eq!(report.results.len(), 3000);
    assert!(report.results.iter().all(|r| r.outcome == Outcome::Agree));
}

/// With nothing named, `check` runs its campaign against the built-in reference: the
/// README's first command on a fresh machine.
#[test]
fn check_without_an_implementation_runs_the_reference() {
    let (run, _tmp) = check(&["--cases", "200"], &[]);
    assert_eq!(run.status, 0, "{}\n{}", run.stdout, run.stderr);
    let report = run.report.expect("report");
    assert_eq!(report.results.len(), 200);
    assert!(report.results.iter().all(|r| r.outcome == Outcome::Agree));
}

#[test]
fn correct_per_case_example_agrees() {
    let py = python();
    let imp = example("domainbackup_impl.py");
    let (run, _tmp) = check(&["--cases", "60", "--seed", "7", "--", &py, &imp], &[]);
    assert_eq!(run.status, 0, "{}\n{}", run.stdout, run.stderr);
    let report = run.report.expect("report");
    assert_eq!(report.results.len(), 60);
    assert!(report.results.iter().all(|r| r.outcome == Outcome::Agree));
}

#[test]
fn correct_ndjson_example_agrees_on_every_case() {
    let py = python();
    let imp = example("domainbackup_ndjson.py");
    let args = [
        "--protocol",
        "ndjson",
        "--compare",
        "codes",
        "--",
        &py,
        &imp,
    ];
    let (run, _tmp) = check(&args, &[]);
    assert_eq!(run.status, 0, "{}\n{}", run.stdout, run.stderr);
    let report = run.report.expect("report");
    assert!(report.results.len() > 1000);
    // Everything agrees, the corpus's documents that are not UTF-8 (bytes that are no text,
    // UTF-16) included: its handshake takes bytes, so they go as xml_base64.
    let not_utf8: Vec<String> = domainbackup_harness::corpus::load_dir(&PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus"
    )))
    .expect("corpus")
    .into_iter()
    .filter(|c| std::str::from_utf8(&c.document).is_err())
    .map(|c| format!("corpus/{}", c.name))
    .collect();
    assert!(not_utf8.len() >= 3, "{not_utf8:?}");
    for r in &report.results {
        assert_eq!(r.outcome, Outcome::Agree, "{}: {}", r.id, r.detail);
    }
    for id in &not_utf8 {
        assert!(
            report
                .results
                .iter()
                .any(|r| r.id.starts_with(&format!("{id}@"))),
            "{id} did not run"
        );
    }
    assert_eq!(report.implementation.name, "domainbackup_ndjson.py");
}

/// A process whose handshake does not take bytes is not sent a document that is not
/// UTF-8: the case is skipped, and the terminal says why.
#[test]
fn documents_that_are_not_utf8_are_skipped_for_a_text_only_process() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let script = tmp.path().join("text_only.py");
    let example = std::fs::read_to_string(example("domainbackup_ndjson.py")).expect("the example");
    std::fs::write(&script, example.replace(", \"bytes\": True", "")).expect("a copy");
    let script = script.display().to_string();
    let py = python();
    let (run, _tmp) = check(
        &[
            "--protocol",
            "ndjson",
            "--filter",
            "wf.",
            "--",
            &py,
            &script,
        ],
        &[],
    );
    let report = run.report.expect("a report");
    let skipped = report
        .results
        .iter()
        .filter(|r| r.outcome == Outcome::Skipped)
        .count();
    assert!(skipped >= 6, "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!(
            "skipped {skipped}: the document is not UTF-8 and cannot be sent as a JSON string (a handshake with \"bytes\":true gets it as \"xml_base64\")"
        )),
        "{}",
        run.stdout
    );
}

#[test]
fn environment_problems_exit_2_and_say_what() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let cases: [(&[&str], &str); 6] = [
        (
            &["check", "--builtin", "reference", "--", "true"],
            "not both",
        ),
        (
            &["check", "--", "/no/such/implementation"],
            "does not exist",
        ),
        (
            &["check", "--", "no-such-command-anywhere"],
            "not found in PATH",
        ),
        (
            &[
                "check",
                "--builtin",
                "libvirt",
                "--libvirt-so",
                "/no/such/libvirt.so",
            ],
            "libvirt:",
        ),
        (
            &["check", "--builtin", "reference", "--shard", "3/2"],
            "shard",
        ),
        (
            &[
                "check",
                "--builtin",
                "reference",
                "--filter",
                "no-case-has-this",
            ],
            "no case id contains",
        ),
    ];
    for (args, message) in cases {
        let out = run_harness(args, tmp.path(), &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    // A persistent process that does not complete the handshake.
    let out = run_harness(
        &[
            "check",
            "--protocol",
            "ndjson",
            "--timeout",
            "1",
            "--",
            "/bin/cat",
        ],
        tmp.path(),
        &[],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("handshake"), "{stderr}");
}

#[test]
fn interrupt_stops_cleanly_and_writes_the_report() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dir = tmp.path().join("report");
    let imp = example("wrong/hangs-on-incremental.sh");
    let child = Command::new(harness())
        .args([
            "check",
            "--jobs",
            "2",
            "--timeout",
            "1",
            "--report",
            &dir.display().to_string(),
            "--filter",
            "grammar.root",
            "--",
            &imp,
        ])
        .current_dir(tmp.path())
        .env("DOMAINBACKUP_HARNESS", harness())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the harness starts");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let out = child.wait_with_output().expect("the harness stops");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("interrupted:"), "{stdout}");
    let report = read_report_dir(&dir)
        .expect("the report is written")
        .pop()
        .expect("one run");
    assert!(report.cancelled);
    assert!(report.results.len() < report.planned);
    assert!(!report.results.is_empty());
    assert!(matches!(out.status.code(), Some(1) | Some(130)));
}

/// An NDJSON implementation that answers every case `skipped`, and, when it has read its
/// first `run` request, waits a moment and writes how many complete requests it then holds
/// unread (read ahead from the pipe, none answered yet) into `$PIPELINE_SEEN`.
const PIPELINE_PROBE: &str = r#"
import json, os, select, sys, time
buf = b""
def lines():
    global buf
    while True:
        while b"\n" not in buf:
            chunk = os.read(0, 1 << 16)
            if not chunk:
                return
            buf += chunk
        line, buf = buf.split(b"\n", 1)
        yield line
probed = False
for line in lines():
    msg = json.loads(line)
    if msg["cmd"] == "start":
        answer = {"ok": True, "name": "probe", "version": "1", "modes": ["parse"], "profiles": ["11.3"]}
    elif msg["cmd"] == "run":
        if not probed:
            probed = True
            time.sleep(0.5)
            while select.select([0], [], [], 0)[0]:
                chunk = os.read(0, 1 << 16)
                if not chunk:
                    break
                buf += chunk
            with open(os.environ["PIPELINE_SEEN"], "w") as f:
                f.write(str(buf.count(b"\n")))
        answer = {"seq": msg["seq"], "skipped": "probe"}
    else:
        break
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
"#;

#[test]
fn ndjson_requests_are_pipelined() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let script = tmp.path().join("probe.py");
    std::fs::write(&script, PIPELINE_PROBE).expect("the probe");
    let seen = tmp.path().join("seen");
    let seen_s = seen.display().to_string();
    let script_s = script.display().to_string();
    let py = python();
    let out = run_harness(
        &[
            "check",
            "--jobs",
            "1",
            "--cases",
            "200",
            "--protocol",
            "ndjson",
            "--",
            &py,
            &script_s,
        ],
        tmp.path(),
        &[("PIPELINE_SEEN", &seen_s)],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("200 skipped"), "{stdout}");
    let waiting: usize = std::fs::read_to_string(&seen)
        .expect("the probe ran")
        .trim()
        .parse()
        .expect("a count");
    // The first batch is 64 requests: 63 more were sent before the first answer.
    assert_eq!(
        waiting, 63,
        "requests waiting while the first was unanswered"
    );
}

/// A binding that validates nothing accepts every invalid case; each class of those false
/// accepts gets a counterexample, and every counterexample is still refused by libvirt by
/// the rule its case was refused by (shrinking keeps the reason), with no document twice.
#[test]
fn false_accepts_shrink_within_their_rule() {
    let imp = example("wrong/accepts-anything.sh");
    let (run, _tmp) = check(&["--cases", "400", "--compare", "verdict", "--", &imp], &[]);
    let report = run.report.as_ref().expect("a report");
    assert_eq!(run.status, 1, "{}", run.stdout);
    let false_accepts: Vec<_> = report
        .counterexamples
        .iter()
        .filter(|c| c.outcome == Outcome::FalseAccept)
        .collect();
    assert!(false_accepts.len() >= 5, "{}", run.stdout);
    let mut documents = std::collections::HashSet::new();
    for c in &report.counterexamples {
        assert!(documents.insert(c.document_bytes()), "{} twice", c.id);
    }
    // The classes lead the terminal and summary.json; each names its counterexample.
    assert!(run.stdout.contains("\nclasses: "), "{}", run.stdout);
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(run.dir.join("summary.json")).expect("summary.json"),
    )
    .expect("JSON");
    let classes = summary[0]["classes"].as_array().expect("a classes array");
    assert_eq!(classes.len(), report.classes().len());
    let with_example = classes
        .iter()
        .filter_map(|c| c["counterexample"].as_str().map(|f| (c, f)))
        .count();
    assert_eq!(with_example, report.counterexamples.len());
    for class in report.classes() {
        assert!(class.count > 0 && !class.rules.is_empty(), "{class:?}");
        if let Some(file) = &class.counterexample {
            let c = report
                .counterexamples
                .iter()
                .find(|c| &c.file == file)
                .expect("the counterexample");
            assert_eq!(c.class, class.class);
        }
    }
    // Every class of false accept (libvirt's rule) has a counterexample, as long as the
    // shrink budget (20 by default) covers the classes (each class comes first).
    let rule_of = |expected: &str| {
        let start = expected.find(" rule=")? + " rule=".len();
        let end = expected[start..].find(':')? + start;
        Some(expected[start..end].to_string())
    };
    let classes: std::collections::BTreeSet<String> = report
        .results
        .iter()
        .filter(|r| r.outcome == Outcome::FalseAccept)
        .filter_map(|r| rule_of(&r.expected))
        .collect();
    let shown: std::collections::BTreeSet<String> = false_accepts
        .iter()
        .filter_map(|c| c.expected.rule.clone())
        .collect();
    if classes.len() <= 20 {
        assert_eq!(shown, classes, "classes without a counterexample");
    } else {
        assert_eq!(
            shown.len(),
            false_accepts.len(),
            "a class shown twice before all"
        );
    }
    for c in false_accepts {
        let rule = c.expected.rule.as_deref().expect("libvirt's rule");
        // The case it came from was refused by the same rule.
        let original = report
            .results
            .iter()
            .find(|r| r.id == c.id)
            .expect("the case's result");
        assert!(
            original.expected.contains(&format!(" rule={rule}:")),
            "{}: shrunk to a document refused by {rule}, the case by: {}",
            c.id,
            original.expected
        );
        // And the reference still refuses the shrunk document by it.
        let profile: domainbackup_harness::Profile = c.profile.parse().expect("a profile");
        let mode = domainbackup_harness::Mode::from_name(&c.mode).expect("a mode");
        let again = domainbackup_harness::process(&c.document_bytes(), mode.options(profile))
            .expect_err("still refused");
        assert_eq!(again.rule_id(), Some(rule), "{}", c.id);
    }
}

/// Modes and profiles a handshake leaves out are named on the terminal and in the report,
/// not dropped without a word.
#[test]
fn what_the_handshake_leaves_out_is_said() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let script = tmp.path().join("parse-only.py");
    std::fs::write(
        &script,
        "import json, sys\n\
         for line in sys.stdin:\n\
         \x20   r = json.loads(line)\n\
         \x20   if r['cmd'] == 'start':\n\
         \x20       print(json.dumps({'ok': True, 'name': 'parse-only', 'modes': ['parse'], 'profiles': ['11.3']}), flush=True)\n\
         \x20   elif r['cmd'] == 'run':\n\
         \x20       print(json.dumps({'seq': r['seq'], 'skipped': 'not an implementation'}), flush=True)\n\
         \x20   else:\n\
         \x20       break\n",
    )
    .expect("write the script");
    let script = script.display().to_string();
    let py = python();
    let (run, _tmp) = check(
        &[
            "--protocol",
            "ndjson",
            "--filter",
            "corpus/rules.grammar.server",
            "--",
            &py,
            &script,
        ],
        &[],
    );
    assert!(
        run.stdout.contains(
            "not run (its handshake does not declare them): mode align, mode internal, profile 9.0"
        ),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    let report = run.report.expect("a report");
    assert_eq!(
        report.left_out,
        ["mode align", "mode internal", "profile 9.0"]
    );
    let html = std::fs::read_to_string(run.dir.join("index.html")).expect("index.html");
    assert!(html.contains("not run, as its handshake does not declare them"));
}

/// An implementation that declares it does not validate (`--validates none`, or
/// `"validates":"none"` in a handshake) is judged on what it claims: what libvirt refuses
/// beyond malformed XML is counted as accepted invalid, not a failure, unless `--strict`.
#[test]
fn a_binding_that_declares_no_validation_is_judged_on_what_it_claims() {
    let imp = example("wrong/accepts-anything.sh");
    let base = ["--compare", "verdict", "--filter", "grammar."];
    let mut args = base.to_vec();
    args.extend_from_slice(&["--validates", "none", "--", &imp]);
    let (run, _tmp) = check(&args, &[]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert!(run.stdout.contains("accepted invalid: "), "{}", run.stdout);
    let report = run.report.as_ref().expect("a report");
    let invalid = report
        .results
        .iter()
        .filter(|r| r.outcome == Outcome::AcceptedInvalid)
        .count();
    assert!(invalid > 100, "{invalid}");
    assert!(report.counterexamples.is_empty());
    // --strict makes them failures; without the declaration they are false accepts.
    let mut strict = args.clone();
    strict.insert(0, "--strict");
    let (run, _tmp) = check(&strict, &[]);
    assert_eq!(run.status, 1, "{}", run.stdout);
    let mut full = base.to_vec();
    full.extend_from_slice(&["--", &imp]);
    let (run, _tmp) = check(&full, &[]);
    assert_eq!(run.status, 1);
    let report = run.report.as_ref().expect("a report");
    assert_eq!(
        report
            .results
            .iter()
            .filter(|r| r.outcome == Outcome::FalseAccept)
            .count(),
        invalid
    );
    // Malformed XML must still be refused: a false accept whatever is declared.
    let mut wf = vec!["--compare", "verdict", "--filter", "wf.duplicate-attribute"];
    wf.extend_from_slice(&["--validates", "none", "--", &imp]);
    let (run, _tmp) = check(&wf, &[]);
    assert_eq!(run.status, 1, "{}", run.stdout);
    assert!(
        run.report
            .expect("a report")
            .results
            .iter()
            .all(|r| r.outcome == Outcome::FalseAccept || r.outcome == Outcome::Agree)
    );
}
