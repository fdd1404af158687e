//! The campaign machinery of `check`: deterministic case lists, shards whose merged
//! reports equal the unsharded one, known failures (listed, fixed, strict, written back),
//! cancellation, and the subprocess runner's limits (large output, concurrent feeding,
//! killing on timeout).

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use domainbackup_harness::conform::case::{Case, CaseRequest, CaseSource, FixedSource};
use domainbackup_harness::conform::implementation::{
    ImplementationSpec, LaunchSettings, Observed, ReferenceLauncher,
};
use domainbackup_harness::conform::process::{interpret, run_process};
use domainbackup_harness::conform::report::{CaseResult, merge, read_report_dir};
use domainbackup_harness::conform::run::{
    CaseFeed, Progress, Quiet, build_campaign, build_feed, check,
};
use domainbackup_harness::conform::{
    CheckConfig, Extension, KnownFailures, Launcher, Outcome, Shard, ShrinkLimits,
};
use domainbackup_harness::{Mode, Profile};

fn harness() -> &'static str {
    env!("CARGO_BIN_EXE_domainbackup-harness")
}

fn example(name: &str) -> String {
    format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn config(dir: &Path) -> CheckConfig {
    CheckConfig {
        jobs: 2,
        counterexample_dir: dir.to_path_buf(),
        ..CheckConfig::default()
    }
}

#[test]
fn campaigns_are_deterministic_and_cover_every_mode_and_profile() {
    let reference = ReferenceLauncher::new();
    let caps = reference.capabilities();
    let base = CheckConfig::default();
    let fixed = build_campaign(&base, caps, &[]).expect("the fixed campaign");
    // Every corpus and upstream document, in parse, align and internal, under 9.0 and 11.3.
    // The corpus is built in; the upstream vectors join when they are found.
    let corpus = FixedSource::corpus_of(true, &[]).expect("the corpus");
    let upstream = match base.upstream.dir() {
        Some(dir) => FixedSource::upstream(dir)
            .expect("the upstream vectors")
            .documents()
            .len(),
        None => 0,
    };
    assert_eq!(fixed.len(), (corpus.documents().len() + upstream) * 3 * 2);
    for mode in [Mode::Parse, Mode::Align, Mode::Internal] {
        for profile in Profile::ALL {
            assert!(fixed.iter().any(|c| c.mode == mode && c.profile == profile));
        }
    }
    let ids: std::collections::HashSet<&str> = fixed.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), fixed.len(), "case ids are unique");

    let more = CheckConfig {
        cases: Some(fixed.len() + 500),
        extend: Extension::Variants,
        seed: 11,
        ..CheckConfig::default()
    };
    let a = build_campaign(&more, caps, &[]).expect("with variants");
    let b = build_campaign(&more, caps, &[]).expect("with variants");
    assert_eq!(a, b, "the same seed gives the same cases");
    assert_eq!(a.len(), fixed.len() + 500);
    let variants: Vec<&Case> = a.iter().filter(|c| c.source == "variant").collect();
    assert_eq!(variants.len(), 500);
    let other_seed = build_campaign(
        &CheckConfig {
            seed: 12,
            ..more.clone()
        },
        caps,
        &[],
    )
    .expect("with variants");
    assert_ne!(a, other_seed, "another seed gives other variants");
    // A variant respells its base: the reference's verdict is the same.
    for v in variants.iter().take(200) {
        let base_id =
            v.id.split("#v")
                .next()
                .expect("a variant id names its base");
        let base = fixed
            .iter()
            .find(|c| c.id == base_id)
            .expect("the base case");
        assert_eq!(
            v.expectation().is_ok(),
            base.expectation().is_ok(),
            "{}\n{}",
            v.id,
            String::from_utf8_lossy(&v.document)
        );
    }

    let fewer = CheckConfig {
        cases: Some(25),
        ..CheckConfig::default()
    };
    let sample = build_campaign(&fewer, caps, &[]).expect("a sample");
    assert_eq!(sample.len(), 25);
    // A budget takes the first cases of the ordered campaign: the first pass's corpus
    // cases are fixed cases, the rest comes from the generator.
    let longer = CheckConfig {
        cases: Some(400),
        ..CheckConfig::default()
    };
    let longer = build_campaign(&longer, caps, &[]).expect("a longer campaign");
    assert_eq!(sample[..], longer[..25], "a smaller budget is a prefix");
    assert!(sample.iter().any(|c| fixed.contains(c)));
    assert!(sample.iter().any(|c| c.source == "generated"));
    assert!(
        sample
            .iter()
            .all(|c| fixed.contains(c) || c.source == "generated" || c.source == "boundary")
    );
}

/// A source standing for the generator: whatever it yields extends the campaign.
struct Counting;

impl CaseSource for Counting {
    fn name(&self) -> &str {
        "counting"
    }
    fn cases(
        &self,
        request: &CaseRequest,
    ) -> Result<Vec<Case>, domainbackup_harness::conform::case::SourceError> {
        Ok((0..request.count)
            .map(|i| Case {
                id: format!("counting/{i}"),
                rule: "counting".into(),
                source: "counting".into(),
                profile: request.profiles[0],
                mode: request.modes[0],
                document: format!("<domainbackup><incremental>c{i}</incremental></domainbackup>")
                    .into_bytes(),
            })
            .collect())
    }
}

#[test]
fn other_case_sources_plug_in() {
    let reference = ReferenceLauncher::new();
    let cfg = CheckConfig {
        cases: Some(10),
        filter: vec!["corpus/rules.grammar.root.push-default@".into()],
        ..CheckConfig::default()
    };
    let cases = build_campaign(&cfg, reference.capabilities(), &[&Counting]).expect("campaign");
    // The filter applies to extra sources too: none of theirs match.
    assert_eq!(cases.len(), 6);
    assert_eq!(cases.iter().filter(|c| c.source == "corpus").count(), 6);
    let cfg = CheckConfig {
        cases: Some(10),
        ..CheckConfig::default()
    };
    let all = build_campaign(
        &CheckConfig {
            filter: vec![
                "corpus/rules.grammar.root.push-default@11.3/parse".into(),
                "counting".into(),
            ],
            ..cfg
        },
        reference.capabilities(),
        &[&Counting],
    )
    .expect("campaign");
    assert_eq!(all.len(), 10);
    assert_eq!(all.iter().filter(|c| c.source == "counting").count(), 9);
}

#[test]
fn merged_shards_equal_the_unsharded_run() {
    // In process, with the reference and known failures that match nothing.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let reference = ReferenceLauncher::new();
    let cancel = AtomicBool::new(false);
    let mut cfg = config(tmp.path());
    cfg.known_failures =
        KnownFailures::parse("parse.mode.unknown never fails here\n", "k").expect("list");
    let all = build_campaign(&cfg, reference.capabilities(), &[]).expect("campaign");
    let whole = check(&reference, &all, &cfg, &Quiet, &cancel).expect("run");
    let mut shards = Vec::new();
    for index in 1..=3 {
        let c = CheckConfig {
            shard: Some(Shard { index, count: 3 }),
            ..cfg.clone()
        };
        let cases = build_campaign(&c, reference.capabilities(), &[]).expect("shard");
        assert!(!cases.is_empty() && cases.len() < all.len());
        shards.push(check(&reference, &cases, &c, &Quiet, &cancel).expect("run"));
    }
    let merged = merge(shards);
    assert_eq!(merged.len(), 1);
    assert_eq!(merged[0].results, whole.results);
    assert_eq!(merged[0].fixed, whole.fixed);
    assert_eq!(
        whole.fixed.len(),
        1,
        "parse.mode.unknown is listed and agrees: fixed"
    );
}

#[test]
fn generated_cases_made_by_the_jobs_are_the_campaign_s_cases() {
    // The runner makes generated cases in its jobs (build_feed); they must be the cases,
    // ids and documents, that the campaign lists (build_campaign), under a filter and in
    // every shard, and a run over either gives the same results.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let reference = ReferenceLauncher::new();
    let caps = reference.capabilities();
    let cancel = AtomicBool::new(false);
    for (filter, shard) in [
        (vec![], None),
        (vec!["@11.3/".to_string()], None),
        (vec!["invalid".to_string(), "upstream".to_string()], Some(2)),
    ] {
        let shards: Vec<Option<Shard>> = match shard {
            None => vec![None],
            Some(n) => (1..=n)
                .map(|index| Some(Shard { index, count: n }))
                .collect(),
        };
        for shard in shards {
            let cfg = CheckConfig {
                cases: Some(1500),
                filter: filter.clone(),
                shard,
                ..config(tmp.path())
            };
            let listed = build_campaign(&cfg, caps, &[]).expect("campaign");
            let feed = build_feed(&cfg, caps, &[]).expect("feed");
            assert!(feed.slots() >= listed.len());
            let made = feed.clone().into_cases();
            assert_eq!(made.len(), listed.len(), "{filter:?} {shard:?}");
            assert!(made == listed, "{filter:?} {shard:?}: different cases");
            assert!(made.iter().any(|c| c.id.starts_with("generated/")));
            let a = check(&reference, &listed, &cfg, &Quiet, &cancel).expect("run");
            let b = check(&reference, &feed, &cfg, &Quiet, &cancel).expect("run");
            assert_eq!(a.results, b.results);
            assert_eq!((a.planned, b.planned), (listed.len(), listed.len()));
        }
    }
}

fn harness_cmd(args: &[&str], cwd: &Path) -> std::process::Output {
    Command::new(harness())
        .args(args)
        .current_dir(cwd)
        .env("DOMAINBACKUP_HARNESS", harness())
        .stdin(Stdio::null())
        .output()
        .expect("the harness runs")
}

#[test]
fn merged_shard_reports_equal_the_unsharded_report() {
    // Through the command line, with an implementation that disagrees.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let imp = example("wrong/drops-exportbitmap.sh");
    let dir = |name: &str| tmp.path().join(name).display().to_string();
    let base = [
        "check",
        "--jobs",
        "2",
        "--filter",
        "grammar.pull",
        "--filter",
        "upstream/backup-pull@",
    ];
    let run = |extra: &[&str], report: &str| {
        let mut args: Vec<&str> = base.to_vec();
        let report = dir(report);
        args.extend_from_slice(&["--report", &report]);
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--", &imp]);
        let out = harness_cmd(&args, tmp.path());
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.status.code()
    };
    assert_eq!(run(&[], "whole"), Some(1));
    run(&["--shard", "1/2"], "one");
    run(&["--shard", "2/2"], "two");
    let out = harness_cmd(
        &["report", &dir("one"), &dir("two"), "--out", &dir("merged")],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let whole = std::fs::read_to_string(tmp.path().join("whole/results.jsonl")).expect("whole");
    let merged = std::fs::read_to_string(tmp.path().join("merged/results.jsonl")).expect("merged");
    assert!(whole.contains("wrong-output"));
    assert_eq!(merged, whole);
    let one = std::fs::read_to_string(tmp.path().join("one/results.jsonl")).expect("one");
    assert!(one.lines().count() < whole.lines().count());

    // Two implementations merge into one page with a column each.
    let reference = dir("reference");
    let out = harness_cmd(
        &[
            "check",
            "--builtin",
            "reference",
            "--filter",
            "grammar.pull",
            "--report",
            &reference,
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let out = harness_cmd(
        &["report", &dir("whole"), &reference, "--out", &dir("both")],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let both = read_report_dir(&tmp.path().join("both")).expect("merged report");
    assert_eq!(both.len(), 2);
    let html = std::fs::read_to_string(tmp.path().join("both/index.html")).expect("html");
    assert!(html.contains("Rules × implementations"));
    assert!(html.contains("drops-exportbitmap.sh") && html.contains("reference"));
}

#[test]
fn known_failures_are_listed_fixed_strict_and_written() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let imp = example("wrong/drops-exportbitmap.sh");
    let path = |name: &str| tmp.path().join(name).display().to_string();
    let base = [
        "check",
        "--jobs",
        "2",
        "--filter",
        "grammar.pull.export",
        "--filter",
        "parse.mode.unknown",
    ];
    let run = |extra: &[&str]| {
        let mut args: Vec<&str> = base.to_vec();
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--", &imp]);
        let out = harness_cmd(&args, tmp.path());
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    // Unlisted: the run fails.
    let (status, _) = run(&["--write-known-failures", &path("current.txt")]);
    assert_eq!(status, Some(1));
    let written = std::fs::read_to_string(path("current.txt")).expect("written");
    assert!(written.contains("wrong output"), "{written}");
    // The written list makes the same run pass.
    let (status, stdout) = run(&["--known-failures", &path("current.txt")]);
    assert_eq!(status, Some(0), "{stdout}");
    assert!(stdout.contains("known"), "{stdout}");
    // A rule-level entry works too; an entry that now agrees is fixed, and fails --strict.
    std::fs::write(
        path("rules.txt"),
        "# reasons\ngrammar.pull   drops exportbitmap\nparse.mode.unknown   used to accept bad modes\n",
    )
    .expect("write");
    let (status, stdout) = run(&["--known-failures", &path("rules.txt")]);
    assert_eq!(status, Some(0), "{stdout}");
    assert!(stdout.contains("fixed"), "{stdout}");
    assert!(
        stdout.contains("parse.mode.unknown (used to accept bad modes)"),
        "{stdout}"
    );
    let (status, _) = run(&["--known-failures", &path("rules.txt"), "--strict"]);
    assert_eq!(status, Some(1));
    // A malformed list is a usage problem.
    std::fs::write(path("bad.txt"), "parse.mode.unknown\n").expect("write");
    let (status, _) = run(&["--known-failures", &path("bad.txt")]);
    assert_eq!(status, Some(2));
}

/// Cancels the run after `after` cases.
struct CancelAfter<'a> {
    after: usize,
    done: AtomicUsize,
    cancel: &'a AtomicBool,
}

impl Progress for CancelAfter<'_> {
    fn case_done(&self, _result: &CaseResult) {
        if self.done.fetch_add(1, Ordering::SeqCst) + 1 >= self.after {
            self.cancel.store(true, Ordering::SeqCst);
        }
    }
}

#[test]
fn a_cancelled_run_reports_what_ran() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let reference = ReferenceLauncher::new();
    let cfg = config(tmp.path());
    let cases = build_campaign(&cfg, reference.capabilities(), &[]).expect("campaign");
    let cancel = AtomicBool::new(false);
    let progress = CancelAfter {
        after: 50,
        done: AtomicUsize::new(0),
        cancel: &cancel,
    };
    let report = check(&reference, &cases, &cfg, &progress, &cancel).expect("run");
    assert!(report.cancelled);
    assert!(report.results.len() >= 50 && report.results.len() < cases.len());
    assert_eq!(report.exit_status(false), 130);
}

fn sh(script: &str) -> Vec<std::ffi::OsString> {
    vec!["/bin/sh".into(), "-c".into(), script.into()]
}

#[test]
fn large_output_and_input_do_not_deadlock() {
    // Writes 4 MiB before reading 4 MiB of input: only concurrent feeding and draining
    // finishes.
    let input = vec![b'x'; 4 << 20];
    let run = run_process(
        &sh("head -c 4194304 /dev/zero | tr '\\0' 'a'; cat >/dev/null"),
        &[],
        &input,
        Duration::from_secs(20),
        16 << 20,
    );
    let observed = interpret(run, Duration::from_secs(20), 16 << 20);
    match observed {
        Observed::Accepted { output } => assert_eq!(output.len(), 4 << 20),
        other => panic!("{other:?}"),
    }
}

#[test]
fn output_over_the_cap_is_a_protocol_error() {
    let run = run_process(
        &sh("head -c 100000 /dev/zero"),
        &[],
        b"",
        Duration::from_secs(10),
        1000,
    );
    assert!(matches!(
        interpret(run, Duration::from_secs(10), 1000),
        Observed::ProtocolError { .. }
    ));
}

#[test]
fn exits_and_signals_are_crashes_and_a_hang_is_killed_with_its_children() {
    let t = Duration::from_secs(5);
    let crash = interpret(
        run_process(&sh("echo boom >&2; exit 3"), &[], b"", t, 1000),
        t,
        1000,
    );
    match crash {
        Observed::Crashed { detail } => {
            assert!(
                detail.contains("exit status 3") && detail.contains("boom"),
                "{detail}"
            )
        }
        other => panic!("{other:?}"),
    }
    let rejected = interpret(
        run_process(
            &sh("echo 'error: stage=parse code=67 x' >&2; exit 1"),
            &[],
            b"",
            t,
            1000,
        ),
        t,
        1000,
    );
    assert_eq!(
        rejected,
        Observed::Rejected {
            message: "error: stage=parse code=67 x\n".into(),
            code: Some(67),
            stage: Some(domainbackup_harness::Stage::Parse),
        }
    );
    let started = std::time::Instant::now();
    let short = Duration::from_millis(300);
    // The shell's child holds the output pipe open: the whole group must be killed.
    let hang = interpret(
        run_process(&sh("sleep 30 & sleep 30"), &[], b"", short, 1000),
        short,
        1000,
    );
    assert_eq!(hang, Observed::TimedOut { after_ms: 300 });
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn builtin_reference_through_the_spec() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let launcher = ImplementationSpec::Reference
        .launcher(&LaunchSettings {
            timeout: Duration::from_secs(5),
            output_cap: 1 << 20,
        })
        .expect("the reference launches");
    let cfg = CheckConfig {
        cases: Some(2000),
        shrink: ShrinkLimits::default(),
        ..config(tmp.path())
    };
    let cases = build_campaign(&cfg, launcher.capabilities(), &[]).expect("campaign");
    let report = check(
        launcher.as_ref(),
        &cases,
        &cfg,
        &Quiet,
        &AtomicBool::new(false),
    )
    .expect("run");
    assert_eq!(report.new_failures(), 0);
    assert_eq!(report.counts().get(&Outcome::Agree), Some(&2000));
    assert_eq!(report.exit_status(true), 0);
}

#[test]
fn generated_cases_extend_the_campaign_deterministically() {
    use domainbackup_harness::conform::generated::GeneratorSource;
    let request = |count| CaseRequest {
        seed: 3,
        count,
        modes: vec![Mode::Parse, Mode::Align, Mode::Internal],
        profiles: Profile::ALL.to_vec(),
    };
    let short = GeneratorSource.cases(&request(12)).expect("generated");
    let long = GeneratorSource.cases(&request(24)).expect("generated");
    assert_eq!(short.len(), 12);
    assert_eq!(&long[..12], &short[..], "every prefix is stable");
    assert!(short.iter().any(|c| c.id.starts_with("generated/valid/")));
    assert!(short.iter().any(|c| c.id.starts_with("generated/invalid/")));
    assert!(short.iter().all(|c| !c.id.contains(char::is_whitespace)));
    // Valid ones are accepted by the reference, invalid ones refused.
    for c in &short {
        assert_eq!(
            c.expectation().is_ok(),
            c.id.starts_with("generated/valid/"),
            "{}",
            c.id
        );
    }
    // Groups share a definition, not documents: in 2,400 cases nearly every document differs
    // (the few repeats are the smallest definitions), the invalid ones break nearly every
    // rule, and every profile and mode is there.
    let many = GeneratorSource.cases(&request(2400)).expect("generated");
    let documents: std::collections::HashSet<&[u8]> =
        many.iter().map(|c| c.document.as_slice()).collect();
    eprintln!("{} distinct documents of {}", documents.len(), many.len());
    assert!(
        documents.len() * 100 >= many.len() * 98,
        "repeated documents"
    );
    let rules: std::collections::HashSet<&str> = many
        .iter()
        .filter(|c| c.id.starts_with("generated/invalid/"))
        .map(|c| c.rule.as_str())
        .collect();
    let all = domainbackup_harness::generator::invalid::all_rule_ids().len();
    eprintln!(
        "{} of {all} rules broken in 1,200 invalid cases",
        rules.len()
    );
    assert!(
        rules.len() * 10 >= all * 9,
        "{} of {all} rules",
        rules.len()
    );
    for mode in [Mode::Parse, Mode::Align, Mode::Internal] {
        for profile in Profile::ALL {
            assert!(many.iter().any(|c| c.mode == mode && c.profile == profile));
        }
    }
    // Through the campaign and the runner: the reference agrees with itself.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let reference = ReferenceLauncher::new();
    let fixed_cases = build_campaign(&config(tmp.path()), reference.capabilities(), &[])
        .expect("the fixed campaign");
    let fixed = fixed_cases.len();
    let cfg = CheckConfig {
        cases: Some(fixed + 600),
        ..config(tmp.path())
    };
    let cases = build_campaign(&cfg, reference.capabilities(), &[]).expect("campaign");
    assert_eq!(cases.len(), fixed + 600);
    let missing: Vec<&str> = fixed_cases
        .iter()
        .filter(|f| !cases.iter().any(|c| c.id == f.id))
        .map(|f| f.id.as_str())
        .collect();
    assert!(missing.is_empty(), "fixed cases left out: {missing:?}");
    assert_eq!(
        cases
            .iter()
            .filter(|c| c.source == "generated" || c.source == "boundary")
            .count(),
        600,
        "every fixed case, then 600 of the generator's (first pass, boundary pass, random): {:?}",
        cases
            .iter()
            .fold(std::collections::BTreeMap::new(), |mut m, c| {
                *m.entry(c.source.as_str()).or_insert(0) += 1;
                m
            })
    );
    let report = check(&reference, &cases, &cfg, &Quiet, &AtomicBool::new(false)).expect("run");
    assert_eq!(report.new_failures(), 0);
}

#[test]
fn the_filter_selects_before_the_count() {
    // `--cases 600 --filter generated/valid` runs 600 valid generated cases, not the valid
    // half of 600 generated ones; listed and made by the jobs alike.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let reference = ReferenceLauncher::new();
    let caps = reference.capabilities();
    let cfg = CheckConfig {
        cases: Some(600),
        filter: vec!["generated/valid".into()],
        ..config(tmp.path())
    };
    let listed = build_campaign(&cfg, caps, &[]).expect("campaign");
    assert_eq!(listed.len(), 600);
    assert!(listed.iter().all(|c| c.id.starts_with("generated/valid")));
    let made = build_feed(&cfg, caps, &[]).expect("feed").into_cases();
    assert!(
        made == listed,
        "the jobs make other cases than the campaign lists"
    );
    // A filter nothing generated matches finds what there is and stops.
    let cfg = CheckConfig {
        cases: Some(50),
        filter: vec!["corpus/rules.grammar.root.push-default@11.3/parse".into()],
        ..config(tmp.path())
    };
    let listed = build_campaign(&cfg, caps, &[]).expect("campaign");
    assert_eq!(
        listed.len(),
        1,
        "{:?}",
        listed.iter().map(|c| &c.id).collect::<Vec<_>>()
    );
    assert!(build_feed(&cfg, caps, &[]).expect("feed").into_cases() == listed);
}
