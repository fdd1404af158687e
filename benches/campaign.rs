//! Throughput of a conformance campaign, to show the harness is not the bottleneck:
//! the built-in reference in-process (1 and 2 jobs; the default campaign of generated cases,
//! and one of respelled corpus cases), a persistent NDJSON implementation, and per-case
//! processes beside the cost of starting `true`.
//!
//! `cargo bench --bench campaign`; criterion reports cases/s as elements/s. Each iteration
//! is a whole `check`: building the campaign (generating its cases), running and judging
//! every case, and the report in memory. Shrinking is off. The allocator is the command
//! line's (mimalloc).

use std::ffi::OsString;
use std::hint::black_box;
use std::sync::atomic::AtomicBool;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use domainbackup_harness::conform::run::{CheckRequest, Quiet, execute};
use domainbackup_harness::conform::{CheckConfig, Extension, ImplementationSpec};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A persistent implementation that answers every case at once (it skips them), so the
/// figure is the protocol's own cost.
const FAST_NDJSON: &str = r#"
import sys, json
for line in sys.stdin:
    msg = json.loads(line)
    if msg.get("cmd") == "start":
        print(json.dumps({"ok": True, "name": "fast", "version": "1", "modes": ["parse", "align", "internal"], "profiles": ["9.0", "11.3"]}), flush=True)
    elif msg.get("cmd") == "run":
        print(json.dumps({"seq": msg["seq"], "skipped": "benchmark"}), flush=True)
    else:
        break
"#;

fn request(
    implementation: ImplementationSpec,
    cases: usize,
    jobs: usize,
    extend: Extension,
) -> CheckRequest {
    let mut config = CheckConfig {
        cases: Some(cases),
        extend,
        jobs,
        ..CheckConfig::default()
    };
    config.shrink.max_cases = 0;
    CheckRequest {
        implementation,
        name: None,
        config,
        report_dir: None,
        write_known_failures: None,
        resume: false,
    }
}

fn run(request: &CheckRequest) -> usize {
    let cancel = AtomicBool::new(false);
    match execute(request, &[], &Quiet, &cancel) {
        Ok(report) => report.results.len(),
        Err(e) => panic!("campaign failed: {e}"),
    }
}

fn python() -> OsString {
    if std::path::Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3".into()
    } else {
        "python3".into()
    }
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("campaign");
    group.sample_size(10);

    for (extend, label) in [
        (Extension::Generator, "generated"),
        (Extension::Variants, "respelled"),
    ] {
        for jobs in [1, 2] {
            let r = request(ImplementationSpec::Reference, 50_000, jobs, extend);
            group.throughput(Throughput::Elements(50_000));
            group.bench_function(format!("reference-{label}-{jobs}-jobs"), |b| {
                b.iter(|| black_box(run(&r)))
            });
        }
    }

    let dir = std::env::temp_dir().join(format!("domainbackup-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let script = dir.join("fast_ndjson.py");
    std::fs::write(&script, FAST_NDJSON).expect("the NDJSON implementation");
    for jobs in [1, 2] {
        let ndjson = request(
            ImplementationSpec::Ndjson {
                command: vec![python(), script.clone().into()],
            },
            20_000,
            jobs,
            Extension::Variants,
        );
        group.throughput(Throughput::Elements(20_000));
        group.bench_function(format!("ndjson-{jobs}-jobs"), |b| {
            b.iter(|| black_box(run(&ndjson)))
        });
    }

    for jobs in [1, 2] {
        let per_case = request(
            ImplementationSpec::PerCase {
                command: vec!["true".into()],
            },
            300,
            jobs,
            Extension::Variants,
        );
        group.throughput(Throughput::Elements(300));
        group.bench_function(format!("per-case-true-{jobs}-jobs"), |b| {
            b.iter(|| black_box(run(&per_case)))
        });
    }
    group.throughput(Throughput::Elements(300));
    group.bench_function("start-true-300-times", |b| {
        b.iter(|| {
            for _ in 0..300 {
                let status = std::process::Command::new("true")
                    .status()
                    .expect("true starts");
                black_box(status);
            }
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
