//! Known answers for the assessment pipeline's service discipline (engine::pipeline): with
//! Poisson arrivals and one stage doing the work, cases sharing the hours with a speed limit
//! (hazard 1 / (work_weeks + work on the desk / hours)) form Cohen's generalised processor
//! sharing queue, whose number in the system is negative binomial whatever the order of
//! service: P(n) = C(n + r - 1, n) (1 - u)^r u^n with r = C work_weeks + 1 and u = arrivals /
//! capacity C (cases a week). Mean time in the system follows by Little's law.

use rand::SeedableRng;
use rand_distr::{Distribution, Poisson};
use sendcast::engine::draw::Rng;
use sendcast::engine::pipeline::{Params, Pipeline, Week};
use sendcast::engine::series as s;

/// Arrivals a week, EP hours a week, hours a case, work weeks: capacity 2 cases a week.
const LAMBDA: f64 = 1.0;
const HOURS: f64 = 20.0;
const NEED: f64 = 10.0;
const TAU: f64 = 20.0;

struct Measured {
    mean_n: f64,
    var_n: f64,
    mean_wait: f64,
    /// Shares of cases waiting at most 20 weeks and more than 52.
    within_20: f64,
    over_52: f64,
}

/// Weeks simulated after a burn-in, and the queue's state each week.
fn simulate(oldest_first: f64, weeks: usize, seed: u64) -> Measured {
    let burn = 2000;
    let mut p = Pipeline::default();
    p.reset(
        Params {
            work_weeks: [0.0, TAU, 0.0],
            oldest_first,
            ..Params::default()
        },
        10,
        burn + weeks,
        0.0,
    );
    // Only EPs work, on the advice stage; decisions and drafting pass at once.
    let need = [[0.0; 3], [NEED, 0.0, 0.0], [0.0; 3]];
    let mut rng = Rng::seed_from_u64(seed);
    let arrivals = Poisson::new(LAMBDA).unwrap();
    let (mut sum, mut sq, mut n) = (0.0, 0.0, 0.0);
    let (mut waited, mut plans, mut within, mut over) = (0.0, 0.0, 0.0, 0.0);
    for w in 0..burn + weeks {
        let mut flow = vec![0.0; s::N_SERIES];
        let week = Week {
            now: w as i32,
            requests: arrivals.sample(&mut rng) as u32,
            refusal: 0.0,
            plan_rate: 1.0,
            hours: [HOURS, 0.0, 0.0],
            team_hours: [0.0; 3],
            need: &need,
            plans: 0.0,
        };
        let issued = p.week(&week, &mut flow, &mut rng).unwrap();
        if w >= burn {
            let open = f64::from(p.stocks().0);
            sum += open;
            sq += open * open;
            n += 1.0;
            waited += flow[s::WEEKS_TO_PLAN];
            plans += f64::from(issued);
            within += flow[s::PLANS_20W];
            over += flow[s::PLANS_OVER_52W];
        }
    }
    let mean_n = sum / n;
    let mean_wait = waited / plans;
    Measured {
        mean_n,
        var_n: sq / n - mean_n * mean_n,
        mean_wait,
        within_20: within / plans,
        over_52: over / plans,
    }
}

/// The weekly chain the pipeline steps exactly: `a ~ Poisson(LAMBDA)` arrive, then each of the
/// `n + a` cases finishes with the hazard for the `n` on the desk when the week began (a week's
/// hazards are set from the state it starts in). Its stationary mean and
/// variance, by iterating the transition on 0..160 cases (the mean is 40, the sd 9).
fn weekly_chain() -> (f64, f64) {
    const MAX: usize = 160;
    let c = HOURS / NEED;
    let pois: Vec<f64> = (0..14)
        .map(|k| {
            let lf: f64 = (1..=k).map(|i| (i as f64).ln()).sum();
            (-LAMBDA + k as f64 * LAMBDA.ln() - lf).exp()
        })
        .collect();
    let mut pi = vec![0.0; MAX];
    pi[40] = 1.0;
    for _ in 0..800 {
        let mut next = vec![0.0; MAX];
        for (n, &mass) in pi.iter().enumerate() {
            if mass < 1e-300 {
                continue;
            }
            for (a, pa) in pois.iter().enumerate() {
                let m = (n + a).min(MAX - 1);
                let p = sendcast::engine::pipeline::hazard(TAU + n as f64 / c);
                // Binomial(m, p) leavers by the recurrence from 0.
                let mut pk = (1.0 - p).powi(m as i32);
                for k in 0..=m {
                    next[m - k] += mass * pa * pk;
                    pk *= p / (1.0 - p) * (m - k) as f64 / (k + 1) as f64;
                }
            }
        }
        pi = next;
    }
    let mean: f64 = pi.iter().enumerate().map(|(n, p)| n as f64 * p).sum();
    let var: f64 = pi
        .iter()
        .enumerate()
        .map(|(n, p)| (n as f64 - mean).powi(2) * p)
        .sum();
    (mean, var)
}

#[test]
fn shared_hours_give_the_negative_binomial_of_generalised_processor_sharing() {
    let c = HOURS / NEED;
    let u = LAMBDA / c;
    let r = c * TAU + 1.0;
    let (mean, var) = (r * u / (1.0 - u), r * u / (1.0 - u).powi(2));
    // Weekly steps: the chain the engine runs, a few % from continuous time.
    let (chain_mean, chain_var) = weekly_chain();
    eprintln!("continuous time: mean {mean:.2} variance {var:.1}; weekly chain: {chain_mean:.2} {chain_var:.1}");
    assert!((chain_mean / mean - 1.0).abs() < 0.05 && (chain_var / var - 1.0).abs() < 0.08);
    // Little's law: the mean wait in whole weeks is the mean number open over arrivals.
    let wait = chain_mean / LAMBDA;
    for (f, seed) in [(0.0, 1), (1.0, 2), (0.5, 3)] {
        let m = simulate(f, 500_000, seed);
        eprintln!(
            "oldest first {f}: mean in system {:.2} (theory {mean:.2}), variance {:.1} ({var:.1}), \
             mean wait {:.2} weeks ({wait:.2}), within 20 {:.3}, over 52 {:.3}",
            m.mean_n, m.var_n, m.mean_wait, m.within_20, m.over_52
        );
        assert!(
            (m.mean_n / chain_mean - 1.0).abs() < 0.015,
            "oldest first {f}: mean {}",
            m.mean_n
        );
        assert!(
            (m.var_n / chain_var - 1.0).abs() < 0.08,
            "oldest first {f}: variance {}",
            m.var_n
        );
        assert!(
            (m.mean_wait / wait - 1.0).abs() < 0.015,
            "oldest first {f}: wait {}",
            m.mean_wait
        );
    }
}

#[test]
fn the_order_of_service_sets_the_spread_of_waits_not_their_mean() {
    let random = simulate(0.0, 100_000, 4);
    let oldest = simulate(1.0, 100_000, 5);
    // In random order waits spread wide: more cases quick and more very slow than when the
    // oldest go first, which bunches waits around the same mean.
    eprintln!(
        "random: within 20 {:.3} over 52 {:.3}; oldest first: {:.3} {:.3}",
        random.within_20, random.over_52, oldest.within_20, oldest.over_52
    );
    assert!(random.within_20 > oldest.within_20 + 0.1);
    assert!(random.over_52 > oldest.over_52 + 0.05);
    assert!((oldest.mean_wait / random.mean_wait - 1.0).abs() < 0.04);
}
