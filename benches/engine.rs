//! Criterion benches: one BCP trajectory, 1,000 runs of the engine, loading and compiling a
//! scenario, and reducing results to summaries.

use criterion::{criterion_group, criterion_main, Criterion};
use sendcast::engine::{series, Scratch};
use sendcast::report::Report;
use sendcast::run::{run, trajectory, RunOptions};
use std::hint::black_box;
use std::path::Path;

const BASELINE: &str = "scenarios/bcp/baseline.toml";

fn benches(c: &mut Criterion) {
    let model = sendcast::load_model(Path::new(BASELINE)).expect("baseline loads");
    c.bench_function("load_and_compile_bcp_baseline", |b| {
        b.iter(|| sendcast::load_model(black_box(Path::new(BASELINE))).unwrap())
    });
    let mut scratch = Scratch::default();
    let mut raw = vec![0.0; series::N_SERIES * model.clock.months];
    let mut i = 0;
    c.bench_function("one_trajectory_bcp_baseline_10y", |b| {
        b.iter(|| {
            i += 1;
            trajectory(&model, 1, i, &mut scratch, &mut raw);
            black_box(raw[0])
        })
    });
    let mut g = c.benchmark_group("engine");
    g.sample_size(10);
    g.bench_function("run_1000_bcp_baseline", |b| {
        b.iter(|| run(&model, &RunOptions::new(1000, 1)))
    });
    let results = run(&model, &RunOptions::new(1000, 1));
    g.bench_function("summaries_1000_runs", |b| {
        b.iter(|| Report::new(black_box(&results)))
    });
    g.finish();
}

criterion_group!(engine, benches);
criterion_main!(engine);
