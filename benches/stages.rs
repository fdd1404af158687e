//! What one case of the default campaign costs, stage by stage, on one job: drawing it
//! (the generator, or the fixed cases), the expectation (the reference model's verdict),
//! the implementation (the built-in reference, in process), the comparison (judging the
//! two into the case's record), the journal line a report folder gets, and the whole
//! `check` of the same cases with and without a report folder.
//!
//! `cargo bench --bench stages`; criterion reports cases/s as elements/s. The stages
//! after drawing run over cases drawn in advance, so that each figure is that stage alone;
//! their sum beside the whole run is what scheduling and counting cost. The allocator is
//! the command line's (mimalloc).

use std::hint::black_box;
use std::sync::atomic::AtomicBool;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use domainbackup_harness::conform::case::Case;
use domainbackup_harness::conform::compare::judge;
use domainbackup_harness::conform::implementation::{LaunchSettings, Observed};
use domainbackup_harness::conform::report::CaseResult;
use domainbackup_harness::conform::run::{CaseFeed, CheckRequest, Quiet, build_feed, execute};
use domainbackup_harness::conform::{CheckConfig, ImplementationSpec};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CASES: usize = 50_000;

fn config(jobs: usize) -> CheckConfig {
    let mut config = CheckConfig {
        cases: Some(CASES),
        jobs,
        ..CheckConfig::default()
    };
    config.shrink.max_cases = 0;
    config
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("stages");
    group.sample_size(10);
    group.throughput(Throughput::Elements(CASES as u64));
    let config = config(1);
    let launcher = ImplementationSpec::Reference
        .launcher(&LaunchSettings {
            timeout: std::time::Duration::from_secs(5),
            output_cap: domainbackup_harness::conform::DEFAULT_OUTPUT_CAP,
        })
        .expect("the reference starts");
    let feed = build_feed(&config, launcher.capabilities(), &[]).expect("the campaign");
    let draw = || {
        let mut make = feed.worker();
        let mut cases: Vec<Case> = Vec::with_capacity(CASES);
        let mut first = 0;
        while first < feed.slots() {
            let end = (first + 256).min(feed.slots());
            cases.extend(make(first..end).into_iter().map(|(_, c)| c.into_owned()));
            first = end;
        }
        cases
    };
    group.bench_function("draw", |b| b.iter(|| black_box(draw().len())));

    let cases = draw();
    group.bench_function("expectation", |b| {
        b.iter(|| {
            for case in &cases {
                black_box(case.expectation().is_ok());
            }
        })
    });

    let mut instance = launcher.start().expect("an instance");
    group.bench_function("implementation", |b| {
        b.iter(|| {
            for case in &cases {
                black_box(instance.run(case));
            }
        })
    });

    let expected: Vec<_> = cases.iter().map(Case::expectation).collect();
    let observed: Vec<Observed> = cases.iter().map(|c| instance.run(c)).collect();
    let compare = config.compare;
    group.bench_function("comparison", |b| {
        b.iter(|| {
            for ((case, expected), observed) in cases.iter().zip(&expected).zip(&observed) {
                let judgement = judge(expected, observed, compare, case.profile);
                black_box(CaseResult::judged(
                    case,
                    "reference",
                    expected,
                    observed,
                    &judgement,
                ));
            }
        })
    });

    let records: Vec<CaseResult> = cases
        .iter()
        .zip(&expected)
        .zip(&observed)
        .map(|((case, expected), observed)| {
            let judgement = judge(expected, observed, compare, case.profile);
            CaseResult::judged(case, "reference", expected, observed, &judgement)
        })
        .collect();
    group.bench_function("journal-line", |b| {
        let mut line = Vec::with_capacity(1 << 20);
        b.iter(|| {
            for r in &records {
                line.clear();
                serde_json::to_writer(&mut line, r).expect("a record serializes");
                black_box(line.len());
            }
        })
    });

    let dir = std::env::temp_dir().join(format!("domainbackup-stages-{}", std::process::id()));
    for jobs in [1, 2] {
        for report in [false, true] {
            let request = CheckRequest {
                implementation: ImplementationSpec::Reference,
                name: None,
                config: self::config(jobs),
                report_dir: report.then(|| dir.clone()),
                write_known_failures: None,
                resume: false,
            };
            let name = format!(
                "check-{jobs}-jobs{}",
                if report { "-report-folder" } else { "" }
            );
            group.bench_function(name, |b| {
                b.iter(|| {
                    let report = execute(&request, &[], &Quiet, &AtomicBool::new(false))
                        .expect("the campaign runs");
                    black_box(report.cases())
                })
            });
        }
    }
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
