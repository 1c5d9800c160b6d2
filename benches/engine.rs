//! Criterion benches: the BCP baseline engine at 1,000, 10,000 and 100,000 runs, on one thread
//! and on two, one trajectory at 5, 10 and 20 years (with the requests each handles, for time per
//! case), loading and compiling a scenario, summaries, writing the report files, and the whole
//! run at 10,000 runs. `benches/README.md` records the figures. (The random-number floor went
//! with issue 15: case streams restart each week, and the target it served was withdrawn.)

use criterion::{criterion_group, criterion_main, Criterion};
use sendcast::engine::{series, Scratch};
use sendcast::model::Model;
use sendcast::report::{Formats, Report, RunInfo};
use sendcast::run::{run, trajectory, RunOptions};
use std::hint::black_box;
use std::path::Path;

const BASELINE: &str = "scenarios/bcp/baseline.toml";

/// The baseline with another horizon.
fn with_horizon(years: usize) -> Model {
    let text = std::fs::read_to_string(BASELINE).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::canonicalize("models/bcp.toml").unwrap();
    let file = dir.path().join("h.toml");
    let text = text.replace("../../models/bcp.toml", base.to_str().unwrap());
    std::fs::write(&file, format!("{text}\n[time]\nhorizon_years = {years}\n")).unwrap();
    sendcast::load_model(&file).unwrap()
}

/// Mean requests one trajectory handles (200 trajectories), to turn time into time per case.
fn requests_per_trajectory(model: &Model) -> f64 {
    let months = model.clock.months;
    let mut raw = vec![0.0; series::N_SERIES * months];
    let n = 200;
    let mut total = 0.0;
    for i in 0..n {
        trajectory(model, 1, i, &mut Scratch::default(), &mut raw).unwrap();
        total += raw[series::REQUESTS * months..(series::REQUESTS + 1) * months]
            .iter()
            .sum::<f64>();
    }
    total / n as f64
}

fn benches(c: &mut Criterion) {
    let model = sendcast::load_model(Path::new(BASELINE)).expect("baseline loads");
    c.bench_function("load_and_compile_bcp_baseline", |b| {
        b.iter(|| sendcast::load_model(black_box(Path::new(BASELINE))).unwrap())
    });
    let mut scratch = Scratch::default();
    for years in [5, 10, 20] {
        let m = with_horizon(years);
        let mut raw = vec![0.0; series::N_SERIES * m.clock.months];
        println!(
            "requests per {years}-year trajectory: {:.0}",
            requests_per_trajectory(&m)
        );
        let mut i = 0;
        c.bench_function(&format!("one_trajectory_bcp_baseline_{years}y"), |b| {
            b.iter(|| {
                i += 1;
                trajectory(&m, 1, i, &mut scratch, &mut raw).unwrap();
                black_box(raw[0])
            })
        });
    }
    let mut g = c.benchmark_group("engine");
    g.sample_size(10);
    for runs in [1000, 10_000, 100_000] {
        g.bench_function(format!("run_{runs}_bcp_baseline"), |b| {
            b.iter(|| run(&model, &RunOptions::new(runs, 1)).unwrap())
        });
    }
    // Thread scaling: the same 2,000 runs on a pool of one thread and of two.
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        g.bench_function(format!("run_2000_bcp_baseline_{threads}_thread"), |b| {
            b.iter(|| pool.install(|| run(&model, &RunOptions::new(2000, 1)).unwrap()))
        });
    }
    let results = run(&model, &RunOptions::new(1000, 1)).unwrap();
    g.bench_function("summaries_1000_runs", |b| {
        b.iter(|| Report::new(black_box(&results)))
    });
    let rep = Report::new(&results);
    let dir = tempfile::tempdir().unwrap();
    for (name, formats) in [
        ("write_data_files_1000_runs", Formats::DATA),
        ("write_all_outputs_1000_runs", Formats::ALL),
    ] {
        let info = RunInfo {
            model: &model,
            version: "bench",
            sampling: "mc",
            formats,
        };
        g.bench_function(name, |b| {
            b.iter(|| sendcast::report::write_all(&rep, &info, &dir.path().join("out")).unwrap())
        });
    }
    // What `sendcast run scenarios/bcp/baseline.toml --runs 10000` does, but for parsing its
    // arguments and printing: load, run, summarise, write every output (issue 7: under 3 s).
    g.bench_function("whole_run_10000_bcp_baseline_all_outputs", |b| {
        b.iter(|| {
            let model = sendcast::load_model(Path::new(BASELINE)).unwrap();
            let results = run(&model, &RunOptions::new(10_000, 1)).unwrap();
            let rep = Report::new(&results);
            let info = RunInfo {
                model: &model,
                version: "bench",
                sampling: "mc",
                formats: Formats::ALL,
            };
            sendcast::report::write_all(&rep, &info, &dir.path().join("whole")).unwrap()
        })
    });
    g.finish();
}

criterion_group!(engine, benches);
criterion_main!(engine);
