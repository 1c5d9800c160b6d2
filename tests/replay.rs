//! The BCP replay: from the March 2023 state, with what happened to demand, the investment
//! scenario reproduces what BCP then saw (timeliness, backlog, new plans, caseload, deficit)
//! within its 80% interval.

use sendcast::run::{run, Results, RunOptions};
use std::path::Path;

/// Per-trajectory values of a metric over months `from..=to` ("YYYY-MM"): the last month's
/// value for a stock, the sum for a flow, the new-plan-weighted mean for a percentage.
fn window(r: &Results, metric: &str, from: &str, to: &str) -> Vec<f64> {
    let k = r.metric_index(metric).unwrap();
    let month = |label: &str| {
        r.months
            .iter()
            .position(|p| p.label == label)
            .unwrap_or_else(|| panic!("month {label}"))
    };
    let (lo, hi) = (month(from), month(to));
    let values = |k: usize, m: usize| r.column_values(r.column(k, m));
    // A percentage over the window is the ratio of sums: each month weighted by its events.
    let weight = match metric {
        "plans_within_20_weeks_pct" => Some("new_plans"),
        "decisions_within_6_weeks_pct" => Some("decisions"),
        "advice_within_6_weeks_pct" => Some("advice_returned"),
        _ => None,
    };
    match metric {
        _ if weight.is_some() => {
            let plans = r.metric_index(weight.unwrap()).unwrap();
            let mut num = vec![0.0; r.runs];
            let mut den = vec![0.0; r.runs];
            for m in lo..=hi {
                for (i, (p, n)) in values(k, m).iter().zip(values(plans, m)).enumerate() {
                    if n > 0.0 && p.is_finite() {
                        num[i] += p * n;
                        den[i] += n;
                    }
                }
            }
            num.iter().zip(&den).map(|(a, b)| a / b).collect()
        }
        "new_plans" | "requests" | "refusals" => {
            let mut sum = vec![0.0; r.runs];
            for m in lo..=hi {
                for (s, x) in sum.iter_mut().zip(values(k, m)) {
                    *s += x;
                }
            }
            sum
        }
        _ => values(k, hi),
    }
}

/// One line of the model-vs-actual table: what is compared, the model's values, and BCP's.
struct Check {
    what: &'static str,
    metric: &'static str,
    from: &'static str,
    to: &'static str,
    /// Actual value (or band low, high) to fall within the model's P10-P90.
    actual: (f64, f64),
    scale: f64,
}

#[test]
fn the_investment_replay_reproduces_what_happened_in_2023_and_2024() {
    let model = sendcast::load_model(Path::new("scenarios/bcp/replay.toml")).unwrap();
    let r = run(&model, &RunOptions::new(1000, 2023)).unwrap();
    let checks = [
        Check {
            what: "% plans in 20 weeks, Apr-Dec 2023 (0% Mar 2023; SEN2 2023 4.8%)",
            metric: "plans_within_20_weeks_pct",
            from: "2023-04",
            to: "2023-12",
            actual: (0.0, 4.8),
            scale: 1.0,
        },
        Check {
            what: "% plans in 20 weeks, 2024 (SEN2 77.6%; papers 67% May)",
            metric: "plans_within_20_weeks_pct",
            from: "2024-01",
            to: "2024-12",
            actual: (67.0, 77.6),
            scale: 1.0,
        },
        Check {
            what: "% decided in 6 weeks, Apr-Jun 2023 (26% Mar 2023, 50.9% in 2023)",
            metric: "decisions_within_6_weeks_pct",
            from: "2023-04",
            to: "2023-06",
            actual: (26.0, 50.0),
            scale: 1.0,
        },
        Check {
            what: "% decided in 6 weeks, May 2024 (96%; SEN2 2024 98.2%)",
            metric: "decisions_within_6_weeks_pct",
            from: "2024-05",
            to: "2024-05",
            actual: (85.0, 98.2),
            scale: 1.0,
        },
        Check {
            what: "% advice in 6 weeks, Apr-Jun 2023 (EP advice 0% on time Mar 2023)",
            metric: "advice_within_6_weeks_pct",
            from: "2023-04",
            to: "2023-06",
            actual: (0.0, 10.0),
            scale: 1.0,
        },
        Check {
            what: "% advice in 6 weeks, May 2024 (EP advice 92% on time)",
            metric: "advice_within_6_weeks_pct",
            from: "2024-05",
            to: "2024-05",
            actual: (92.0, 92.0),
            scale: 1.0,
        },
        Check {
            what: "cases past 20 weeks, June 2024 (~400 in Mar 2023, mostly cleared)",
            metric: "assessment_backlog",
            from: "2024-06",
            to: "2024-06",
            actual: (0.0, 100.0),
            scale: 1.0,
        },
        Check {
            what: "plans issued, 2024 (SEN2 1,034)",
            metric: "new_plans",
            from: "2024-01",
            to: "2024-12",
            actual: (1034.0, 1034.0),
            scale: 1.0,
        },
        Check {
            what: "plans in place, Jan 2024 (SEN2 3,769)",
            metric: "ehcps",
            from: "2024-01",
            to: "2024-01",
            actual: (3769.0, 3769.0),
            scale: 1.0,
        },
        Check {
            what: "plans in place, Jan 2025 (SEN2 4,432)",
            metric: "ehcps",
            from: "2025-01",
            to: "2025-01",
            actual: (4432.0, 4432.0),
            scale: 1.0,
        },
        Check {
            what: "cumulative DSG balance £m, Mar 2024 (-63.5)",
            metric: "dsg_cumulative_balance",
            from: "2024-03",
            to: "2024-03",
            actual: (-63.5, -63.5),
            scale: 1e-6,
        },
        Check {
            what: "cumulative DSG balance £m, Mar 2025 (-113.3)",
            metric: "dsg_cumulative_balance",
            from: "2025-03",
            to: "2025-03",
            actual: (-113.3, -113.3),
            scale: 1e-6,
        },
    ];
    let mut misses = Vec::new();
    for c in &checks {
        let mut v: Vec<f64> = window(&r, c.metric, c.from, c.to)
            .iter()
            .map(|x| x * c.scale)
            .collect();
        // P10, P50 and P90 as summary.csv reports them.
        let q = sendcast::stats::summarise(&mut v).q;
        let (p10, p50, p90) = (q[1], q[3], q[5]);
        // The actual value, or some of the actual band, lies within the model's P10-P90.
        let inside = c.actual.1 >= p10 && c.actual.0 <= p90;
        println!(
            "{:<62} model {p50:>9.1} [{p10:.1} to {p90:.1}] {}",
            c.what,
            if inside { "ok" } else { "MISS" }
        );
        if !inside {
            misses.push(c.what);
        }
    }
    assert!(misses.is_empty(), "outside the 80% interval: {misses:?}");
}
