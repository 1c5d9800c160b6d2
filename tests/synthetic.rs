//! A synthetic extract whose demand process is known, drawn from the model calibrate assumes
//! (log requests a random walk on a drift all authorities share, each authority's year-to-year
//! sd scaled inverse chi-squared around a national one, requests Poisson about the rate, and
//! England the sum of the authorities): calibrate and run, through `backtest`, must recover it
//! with calibrated coverage.

use rand::{Rng, SeedableRng};
use rand_distr::{ChiSquared, Distribution, Normal, Poisson};
use sendcast::backtest::{backtest, Options};
use sendcast::sen2::{Area, Sen2};
use std::path::Path;

/// The truth: the drift, the national year-to-year sd and how far authorities' sds spread
/// around it (degrees of freedom of the scaled inverse chi-squared; 4 is what the 2025
/// release's authorities show).
const DRIFT: f64 = 0.08;
const VOLATILITY: f64 = 0.15;
const VOL_DOF: f64 = 4.0;
const AREAS: usize = 150;
const FIRST: i32 = 2014;
const LAST: i32 = 2024;

/// One synthetic area from a fixture area: its censuses and mixes as they are, its requests
/// drawn from the truth and the flows that follow requests (refusals, new plans) scaled with
/// them, so rates stay the template's. Its timeliness records are left out: this is about
/// demand, and without them calibrate keeps the national process (no pipeline fit), in seconds.
fn synthetic(template: &Area, i: usize, rng: &mut impl Rng) -> Area {
    let chi = ChiSquared::new(VOL_DOF).unwrap().sample(rng);
    let sd = (VOLATILITY * (VOL_DOF / chi).sqrt()).min(0.5);
    let shock = Normal::new(0.0, sd).unwrap();
    let start = template
        .flows
        .values()
        .find_map(|f| f.requests)
        .unwrap_or(800.0)
        .max(200.0);
    let mut area = template.clone();
    area.code = format!("E99{i:06}");
    area.old_code = format!("{}", 900 + i);
    area.name = format!("Synthetic {i}");
    let mut log_rate = start.ln();
    for y in FIRST..=LAST {
        let f = area.flows.entry(y).or_default();
        let requests = Poisson::new(log_rate.exp()).unwrap().sample(rng);
        let scale = f.requests.filter(|r| *r > 0.0).map(|r| requests / r);
        f.requests = Some(requests);
        match scale {
            Some(k) => {
                for x in [&mut f.refused, &mut f.new_plans] {
                    *x = x.map(|v| (v * k).round());
                }
            }
            None => {
                f.refused = Some((0.2 * requests).round());
                f.new_plans = f.new_plans.or(Some((0.65 * requests).round()));
            }
        }
        f.issued_in_20_weeks = None;
        f.issued_over_52_weeks = None;
        f.decided_in_6_weeks = None;
        log_rate += DRIFT + shock.sample(rng);
    }
    area
}

#[test]
fn a_synthetic_authority_is_recovered_with_calibrated_coverage() {
    let fixtures = Sen2::load(Path::new("tests/fixtures/sen2")).unwrap();
    let templates: Vec<&Area> = fixtures
        .areas
        .iter()
        .filter(|a| a.flows.values().filter(|f| f.requests.is_some()).count() >= 5)
        .collect();
    assert!(templates.len() >= 10, "{} templates", templates.len());
    let mut rng = rand::rngs::StdRng::seed_from_u64(20_261_201);
    let areas: Vec<Area> = (0..AREAS)
        .map(|i| synthetic(templates[i % templates.len()], i, &mut rng))
        .collect();
    let mut england = fixtures.england.clone();
    for (y, f) in england.flows.iter_mut() {
        f.requests = Some(areas.iter().filter_map(|a| a.flows.get(y)?.requests).sum());
    }
    let sen2 = Sen2 {
        areas,
        england,
        files: fixtures.files.clone(),
    };
    let tmp = tempfile::tempdir().unwrap();
    let refs: Vec<&Area> = sen2.areas.iter().collect();
    let opts = Options {
        origins: vec![2022],
        horizon: 3,
        runs: 200,
        seed: 1,
    };
    let (rows, skipped) = backtest(&sen2, &refs, &opts, tmp.path()).unwrap();
    assert!(skipped.len() <= AREAS / 10, "{skipped:?}");
    let requests: Vec<_> = rows
        .iter()
        .filter(|r| r.method == "sendcast" && r.metric == "requests")
        .collect();
    let share = |f: &dyn Fn(&&&sendcast::backtest::Row) -> bool| {
        requests.iter().filter(f).count() as f64 / requests.len() as f64
    };
    let cov80 = share(&|r| r.in_80 == Some(true));
    let cov95 = share(&|r| r.in_95 == Some(true));
    let below = share(&|r| r.pit.is_some_and(|p| p < 0.5));
    let n = requests.len();
    eprintln!("synthetic requests: {n} forecasts, 80% covers {cov80:.3}, 95% {cov95:.3}, below the median {below:.3}");
    assert!(n >= 120, "{n} forecasts");
    // About 50 authorities a horizon: a binomial's 80% share has an sd of 5.6 points at one
    // horizon, less pooled over three (the same authority's horizons are correlated).
    assert!(
        (0.70..=0.90).contains(&cov80),
        "80% intervals cover {cov80:.3}"
    );
    assert!(
        (0.88..=0.995).contains(&cov95),
        "95% intervals cover {cov95:.3}"
    );
    assert!(
        (0.38..=0.62).contains(&below),
        "{below:.3} of outcomes below the median"
    );
}
