//! Generation throughput: valid cases (model, spelling, expected output), invalid cases
//! (one rule broken, libvirt's rejection), and rendering alone (one model, new spellings).
//!
//! `cargo bench --bench generator`; criterion reports cases/s as elements/s.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use domainbackup_harness::generator::{self, Target, render};
use domainbackup_harness::{Mode, Profile};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

const BATCH: u64 = 1000;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("generator");
    group.throughput(Throughput::Elements(BATCH));
    group.sample_size(20);
    let profile = Profile::V11_3;

    let valid = generator::valid(profile, Mode::Parse);
    let mut runner = TestRunner::deterministic();
    group.bench_function("valid-cases", |b| {
        b.iter(|| {
            for _ in 0..BATCH {
                black_box(valid.new_tree(&mut runner).map(|t| t.current()).ok());
            }
        })
    });

    let invalid = generator::invalid(profile, Mode::Parse);
    group.bench_function("invalid-cases", |b| {
        b.iter(|| {
            for _ in 0..BATCH {
                black_box(invalid.new_tree(&mut runner).map(|t| t.current()).ok());
            }
        })
    });

    let models: Vec<_> = (0..64)
        .filter_map(|_| {
            valid
                .new_tree(&mut runner)
                .ok()
                .map(|t| t.current().definition)
        })
        .collect();
    let target = Target {
        profile,
        internal: false,
    };
    group.bench_function("render-only", |b| {
        b.iter(|| {
            for seed in 0..BATCH {
                let model = &models[(seed as usize) % models.len()];
                black_box(render::render(model, target, seed));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
