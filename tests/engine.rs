//! Engine cases with hand-computed answers, conservation of plans and money, and
//! reproducibility across thread counts.

use sendcast::engine::series as s;
use sendcast::engine::Scratch;
use sendcast::model::Model;
use sendcast::run::{run, trajectory, RunOptions};
use std::path::Path;

fn model(path: &str) -> Model {
    sendcast::load_model(Path::new(path)).unwrap_or_else(|e| panic!("{e}"))
}

fn raw(model: &Model, seed: u64, index: u64) -> Vec<f64> {
    let mut out = vec![0.0; s::N_SERIES * model.clock.months];
    trajectory(model, seed, index, &mut Scratch::default(), &mut out).unwrap();
    out
}

fn series<'a>(raw: &'a [f64], model: &Model, id: usize) -> &'a [f64] {
    let n = model.clock.months;
    &raw[id * n..(id + 1) * n]
}

#[test]
fn backlog_clears_in_b_over_mu_minus_lambda_weeks() {
    // 200 waiting, 10 arriving and 15 served a week: empty after about 40 weeks (9.2 months).
    let m = model("tests/fixtures/queue.toml");
    let mut months_to_clear = Vec::new();
    for i in 0..200 {
        let r = raw(&m, 7, i);
        let open = series(&r, &m, s::OPEN);
        // Cleared: open cases down to about one week's arrivals.
        let k = open
            .iter()
            .position(|&x| x <= 12.0)
            .expect("backlog clears");
        months_to_clear.push(k as f64 + 1.0);
    }
    months_to_clear.sort_by(f64::total_cmp);
    let median = months_to_clear[100];
    let weeks = median * 365.25 / 12.0 / 7.0;
    eprintln!("median clearance {weeks:.1} weeks");
    assert!(
        (weeks - 40.0).abs() <= 6.0,
        "median clearance {weeks:.1} weeks, expected about 40"
    );
    // Throughput while the backlog lasts is about the capacity, 15 a week (a week's hazard
    // takes 1 - exp(-15 / n) of n open cases: 14.4 at n = 190), about 62 plans a month.
    let month2: f64 = (0..200)
        .map(|i| series(&raw(&m, 7, i), &m, s::NEW_PLANS)[1])
        .sum::<f64>()
        / 200.0;
    assert!(
        (month2 - 15.0 * 30.0 / 7.0).abs() < 4.0,
        "month 2 plans {month2}"
    );
}

#[test]
fn caseload_with_no_flows_stays_constant() {
    let m = model("tests/fixtures/static.toml");
    let r = raw(&m, 1, 0);
    for &x in series(&r, &m, s::EHCPS) {
        assert!((x - 1700.0).abs() < 1e-6, "caseload moved to {x}");
    }
    assert!(series(&r, &m, s::REQUESTS).iter().all(|&x| x == 0.0));
}

#[test]
fn plans_are_conserved_month_by_month() {
    for (path, runs) in [
        ("scenarios/bcp/baseline.toml", 20),
        ("scenarios/bcp/invest-784k.toml", 20),
    ] {
        let m = model(path);
        for i in 0..runs {
            let r = raw(&m, 3, i);
            let stock = series(&r, &m, s::EHCPS);
            let start: f64 = m
                .caseload
                .by_setting
                .iter()
                .map(|&id| {
                    m.params.params[id.0 as usize]
                        .fixed_value()
                        .unwrap_or(f64::NAN)
                })
                .sum();
            assert!(start.is_finite());
            let (new, ceased, mig) = (
                series(&r, &m, s::NEW_PLANS),
                series(&r, &m, s::CEASED),
                series(&r, &m, s::MIGRATION),
            );
            let mut prev = start;
            for k in 0..m.clock.months {
                let expect = prev + new[k] - ceased[k] + mig[k];
                assert!(
                    (stock[k] - expect).abs() < 1e-6 * stock[k].max(1.0),
                    "{path} run {i} month {k}: {} vs {expect}",
                    stock[k]
                );
                let by_setting: f64 = (0..8)
                    .map(|j| series(&r, &m, s::EHCPS_BY_SETTING + j)[k])
                    .sum();
                assert!(
                    (by_setting - stock[k]).abs() < 1e-6 * stock[k],
                    "settings do not add up"
                );
                assert!(
                    (0..8).all(|j| series(&r, &m, s::EHCPS_BY_SETTING + j)[k] >= -1e-9),
                    "negative plans"
                );
                prev = stock[k];
            }
        }
    }
}

#[test]
fn cumulative_balance_is_the_sum_of_in_year_balances() {
    let m = model("scenarios/bcp/invest-784k.toml");
    let res = run(&m, &RunOptions::new(50, 11)).unwrap();
    let inyear = res.metric_index("dsg_in_year_balance").unwrap();
    let cum = res.metric_index("dsg_cumulative_balance").unwrap();
    let nm = res.months.len();
    let row = res.metrics.len() * res.n_periods();
    for r in res.values.chunks_exact(row) {
        let mut total = -35.8e6; // opening balance in models/bcp.toml
        for y in 0..res.years.len() {
            total += r[res.column(inyear, nm + y)];
            let c = r[res.column(cum, nm + y)];
            assert!(
                (c - total).abs() < 1.0,
                "year {y}: cumulative {c} vs sum {total}"
            );
        }
    }
    // Monthly too: each month's change is income minus expenditure.
    let r = raw(&m, 5, 0);
    let (inc, exp, cum) = (
        series(&r, &m, s::INCOME),
        series(&r, &m, s::EXPENDITURE),
        series(&r, &m, s::CUM_BALANCE),
    );
    let mut prev = -35.8e6;
    for k in 0..m.clock.months {
        assert!((cum[k] - (prev + inc[k] - exp[k])).abs() < 1e-3);
        prev = cum[k];
    }
}

#[test]
fn same_seed_same_results_on_one_and_two_threads() {
    let m = model("scenarios/bcp/invest-784k.toml");
    let opts = RunOptions::new(64, 99);
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| run(&m, &opts).unwrap());
    let two = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
        .install(|| run(&m, &opts).unwrap());
    assert!(one
        .values
        .iter()
        .zip(&two.values)
        .all(|(a, b)| a.to_bits() == b.to_bits()));
    let other = run(
        &m,
        &RunOptions {
            seed: 100,
            ..opts.clone()
        },
    )
    .unwrap();
    assert!(
        one.values != other.values,
        "a different seed should give different draws"
    );
}

#[test]
fn above_max_monthly_runs_months_are_summarised_and_years_kept() {
    let m = model("scenarios/bcp/invest-784k.toml");
    let full = run(&m, &RunOptions::new(600, 5)).unwrap();
    let opts = RunOptions {
        max_monthly_runs: 100,
        ..RunOptions::new(600, 5)
    };
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| run(&m, &opts).unwrap());
    let streamed = run(&m, &opts).unwrap();
    assert!(full.has_monthly_values() && !streamed.has_monthly_values());
    let (a, b, c) = (full.summaries(), streamed.summaries(), one.summaries());
    assert_eq!(a.len(), b.len());
    // Debug text, so that NaN (a ratio with no events) compares equal to itself.
    assert_eq!(
        format!("{b:?}"),
        format!("{c:?}"),
        "the same at any thread count"
    );
    let n_m = full.months.len();
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        if i % full.n_periods() >= n_m {
            assert_eq!(
                format!("{x:?}"),
                format!("{y:?}"),
                "financial-year column {i}"
            );
            let bits = |v: Vec<f64>| v.into_iter().map(f64::to_bits).collect::<Vec<_>>();
            assert_eq!(bits(full.column_values(i)), bits(streamed.column_values(i)));
            continue;
        }
        assert_eq!(x.n, y.n);
        if x.n == 0 {
            continue;
        }
        assert!(
            (x.mean - y.mean).abs() <= 1e-9 * x.mean.abs().max(1.0),
            "column {i}"
        );
        assert!((x.sd - y.sd).abs() <= 1e-6 * x.sd.max(1.0), "column {i}");
        // Each percentile within its own 95% order-statistic interval.
        for (q, p) in [(1, 0), (3, 1), (5, 2)] {
            let (lo, hi) = x.q_ci[p];
            assert!(
                y.q[q] >= lo && y.q[q] <= hi,
                "column {i}: {} not in {lo}..{hi}",
                y.q[q]
            );
        }
    }
}

#[test]
fn a_paused_trajectory_goes_on_as_if_never_stopped() {
    // BCP's baseline stopped at the start of two months and gone on from there (a copy of the
    // first pause too) gives the months of the trajectory run through.
    use sendcast::engine::draw::Draw;
    use sendcast::engine::Paused;
    let m = model("scenarios/bcp/baseline.toml");
    let months = m.clock.months;
    for index in [0, 7] {
        let whole = raw(&m, 3, index);
        let d = Draw::single(&m, 3, index);
        let mut p = Paused::start(&m, &d, 3, index).unwrap();
        let mut out = vec![0.0; s::N_SERIES * months];
        let (a, b) = (
            m.clock.month_first_week[13] as usize,
            m.clock.month_first_week[40] as usize,
        );
        p.advance(&m, &d, a, &mut out).unwrap();
        assert_eq!(p.week(), a);
        let mut copy = p.clone();
        copy.advance(&m, &d, b, &mut out).unwrap();
        copy.advance(&m, &d, m.clock.n_weeks(), &mut out).unwrap();
        assert_eq!(out, whole, "trajectory {index}");
    }
}

#[test]
fn the_lasting_level_of_net_migration_adds_to_every_year() {
    // The static caseload (1,700 plans, nothing else moving) with 5% a year of net migration
    // as a lasting level, or as the yearly rate: the same path, 1,700 x 1.05 a year on. Drawn,
    // the level moves a whole future: a year's growth and the next one's are the same draw.
    let dir = tempfile::tempdir().unwrap();
    let fixture = std::fs::canonicalize("tests/fixtures/static.toml").unwrap();
    let write = |name: &str, caseload: &str| {
        let p = dir.path().join(name);
        std::fs::write(
            &p,
            format!("extends = {fixture:?}\nname = \"{name}\"\n[caseload]\n{caseload}\n"),
        )
        .unwrap();
        model(p.to_str().unwrap())
    };
    let level = write(
        "level.toml",
        "net_migration = 0\nnet_migration_level = 0.05",
    );
    let yearly = write(
        "yearly.toml",
        "net_migration = 0.05\nnet_migration_level = 0",
    );
    let (a, b) = (raw(&level, 1, 0), raw(&yearly, 1, 0));
    let (ea, eb) = (series(&a, &level, s::EHCPS), series(&b, &yearly, s::EHCPS));
    for k in 0..ea.len() {
        assert!((ea[k] - eb[k]).abs() < 1e-6 * eb[k], "month {k}");
    }
    assert!((ea[11] / 1700.0 - 1.05).abs() < 1e-6, "{}", ea[11]);
    let drawn = write(
        "drawn.toml",
        "net_migration = 0\nnet_migration_level = { dist = \"normal\", mean = 0, sd = 0.02 }",
    );
    let mut first = Vec::new();
    for i in 0..20 {
        let r = raw(&drawn, 1, i);
        let e = series(&r, &drawn, s::EHCPS);
        let (g1, g2) = (e[11] / 1700.0, e[23] / e[11]);
        assert!((g1 - g2).abs() < 1e-9, "run {i}: {g1} then {g2}");
        first.push(g1);
    }
    let spread = first.iter().cloned().fold(f64::MIN, f64::max)
        - first.iter().cloned().fold(f64::MAX, f64::min);
    assert!(spread > 0.02, "levels drawn: {first:?}");
}
