//! `sendcast goal-seek`: a case whose answer is known analytically, the no-answer case, and
//! errors that name the option.

mod common;

use common::sendcast;
use sendcast::goalseek::{parse_target, seek, Seek};
use statrs::distribution::{DiscreteCDF, Poisson};
use std::path::Path;

/// Requests are Poisson with mean `rate x weeks in the year / weeks a year` (no growth, flat
/// seasonality): the smallest rate with P(requests >= 520 in 2024-25) >= 0.5 follows from the
/// Poisson distribution.
#[test]
fn finds_the_request_rate_that_makes_520_requests_even_odds() {
    let model = sendcast::load_model(Path::new("tests/fixtures/queue.toml")).unwrap();
    let c = &model.clock;
    let weeks = (0..c.n_weeks())
        .filter(|&w| c.month_fy[c.week_month[w] as usize] == 0)
        .count() as f64;
    let scale = weeks / sendcast::calendar::WEEKS_PER_YEAR;
    // Smallest Poisson mean with P(N >= 520) >= 0.5, to 0.01.
    let p_at_least = |mu: f64| 1.0 - Poisson::new(mu).unwrap().cdf(519);
    let (mut lo, mut hi) = (400.0, 700.0);
    while hi - lo > 0.01 {
        let mid = 0.5 * (lo + hi);
        if p_at_least(mid) >= 0.5 {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    let expected = hi / scale;
    let s = Seek {
        input: "demand.requests_per_year".into(),
        low: 400.0,
        high: 700.0,
        target: parse_target("requests >= 520 in 2024-25").unwrap(),
        probability: 0.5,
        runs: 4000,
        seed: 5,
        tolerance: 0.5,
    };
    let o = seek(&model, &s).unwrap();
    let got = o.value.expect("reachable");
    // Monte Carlo error: se of P is 0.008 at 4,000 runs and P moves 0.017 per request a year
    // near the median, so about 0.5 request a year; allow 3.
    println!("found {got}, analytic {expected}");
    assert!(
        (got - expected).abs() < 3.0,
        "found {got}, analytic {expected}"
    );
    assert!(o.increasing && o.p >= 0.5 && o.se > 0.0);
    assert!(o.bracket.0 < got);
}

#[test]
fn says_when_no_value_in_the_range_reaches_the_target() {
    let out = sendcast()
        .args([
            "goal-seek",
            "tests/fixtures/queue.toml",
            "--input",
            "demand.requests_per_year",
            "--range",
            "100",
            "200",
            "--target",
            "requests >= 520 in 2024-25",
            "--probability",
            "0.5",
            "--runs",
            "200",
        ])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        text.contains("no value in [100, 200] reaches the target"),
        "{text}"
    );
}

#[test]
fn bad_options_are_errors_that_name_them() {
    for (args, wanted) in [
        (
            ["demand.request_per_year", "requests >= 1 in 2024-25", "0.5"],
            "did you mean `demand.requests_per_year`",
        ),
        (
            ["demand.requests_per_year", "requests > 1 in 2024-25", "0.5"],
            "key `--target`",
        ),
        (
            [
                "demand.requests_per_year",
                "requests >= 1 in 2031-32",
                "0.5",
            ],
            "no period `2031-32`",
        ),
        (
            ["demand.requests_per_year", "wait >= 1 in 2024-25", "0.5"],
            "no metric `wait`",
        ),
        (
            [
                "demand.requests_per_year",
                "requests >= 1 in 2024-25",
                "1.5",
            ],
            "key `--probability`",
        ),
    ] {
        let out = sendcast()
            .args([
                "goal-seek",
                "tests/fixtures/queue.toml",
                "--input",
                args[0],
                "--range",
                "1",
                "2",
            ])
            .args([
                "--target",
                args[1],
                "--probability",
                args[2],
                "--runs",
                "10",
            ])
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(
            err.contains(wanted) && err.contains("queue.toml"),
            "{wanted}: {err}"
        );
    }
}
