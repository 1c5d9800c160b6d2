//! sendcast's forecast of a scored value: its distribution over the runs (a January census,
//! a calendar year's flow, or a calendar year's share weighted by its events), and where the
//! outcome fell in it (the PIT).

use super::series::is_share;
use crate::run::Results;

/// The values of `metric` in forecast year `h` (1-based) across the runs, sorted; runs where
/// a share has no events are left out.
pub fn sample(res: &Results, metric: &str, h: usize) -> Vec<f64> {
    let k = res.metric_index(metric).expect("metric exists");
    let row_len = res.metrics.len() * res.n_periods();
    let mut v: Vec<f64> = if metric == "ehcps" {
        res.column_values(res.column(k, 12 * h))
    } else if is_share(metric) {
        // A year's share is its events' share: each month weighted by its events.
        let events = if metric == "plans_within_20_weeks_pct" {
            "new_plans"
        } else {
            "decisions"
        };
        res.weighted_share(metric, events, 12 * (h - 1)..12 * h)
    } else {
        let cols: Vec<usize> = (12 * (h - 1)..12 * h).map(|m| res.column(k, m)).collect();
        res.values
            .chunks_exact(row_len)
            .map(|r| cols.iter().map(|&c| r[c]).sum())
            .collect()
    };
    v.sort_by(f64::total_cmp);
    v
}

/// The probability integral transform of `actual` under the runs' distribution `sorted`: the
/// share of runs below it, counting runs equal to it as half (the mid-PIT of a discrete
/// forecast). Uniform on [0, 1] over many forecasts when they are calibrated.
pub fn pit(sorted: &[f64], actual: f64) -> f64 {
    let below = sorted.partition_point(|&x| x < actual);
    let at_or_below = sorted.partition_point(|&x| x <= actual);
    (below as f64 + 0.5 * (at_or_below - below) as f64) / sorted.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pit_is_the_share_of_runs_below_the_outcome() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(pit(&v, 0.5), 0.0);
        assert_eq!(pit(&v, 10.5), 1.0);
        assert!((pit(&v, 3.5) - 0.3).abs() < 1e-12);
        // A tie counts half: 2 below, one equal.
        assert!((pit(&v, 3.0) - 0.25).abs() < 1e-12);
    }
}
