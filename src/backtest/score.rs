//! Scores of the forecasts by method and metric, for each origin and horizon and pooled over
//! them: median absolute (percentage) error, bias, interval coverage and the interval score.

use super::series::{is_share, methods, METHODS, METRICS, SHARES, SHARE_METHODS};
use super::Row;
use crate::stats::quantile_sorted;
use std::collections::{BTreeSet, HashMap};

/// Gneiting & Raftery's (2007) interval score of the central (1 − alpha) interval [lo, hi]
/// for the outcome x: its width, plus 2/alpha times the distance by which x falls outside.
/// Lower is better, and an honest forecaster minimises it by quoting its true quantiles.
pub fn interval_score(lo: f64, hi: f64, x: f64, alpha: f64) -> f64 {
    (hi - lo) + 2.0 / alpha * ((lo - x).max(0.0) + (x - hi).max(0.0))
}

/// The alpha of the 80% and 95% intervals.
pub const ALPHA_80: f64 = 0.2;
pub const ALPHA_95: f64 = 0.05;

impl Row {
    /// Interval score of the row's 80% (P10-P90) or 95% (P2.5-P97.5) interval, in the
    /// metric's unit; `None` for a baseline without an interval.
    pub fn interval_score(&self, alpha: f64) -> Option<f64> {
        let (lo, hi) = if alpha == ALPHA_80 {
            (self.q[1], self.q[3])
        } else {
            (self.q[0], self.q[4])
        };
        (lo.is_finite() && hi.is_finite()).then(|| interval_score(lo, hi, self.actual, alpha))
    }

    /// The interval score as authorities of every size can pool it: for a count, over the
    /// last value recorded at the origin (a scale known when forecasting, so the score stays
    /// proper); for a share, in points.
    pub fn scaled_interval_score(&self, alpha: f64) -> Option<f64> {
        let s = self.interval_score(alpha)?;
        if is_share(self.metric) {
            Some(s)
        } else {
            (self.scale > 0.0).then(|| s / self.scale)
        }
    }
}

/// The scores of one method on one metric (or `all`: the counts together) over one origin and
/// horizon, or pooled over them (`None`).
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub method: &'static str,
    pub metric: &'static str,
    pub n: usize,
    pub median_ape: f64,
    /// Median absolute error in the metric's unit, and median signed error (P50 - actual).
    pub median_abs_error: f64,
    pub median_bias: f64,
    pub coverage_80: f64,
    pub coverage_95: f64,
    pub origin: Option<i32>,
    pub horizon: Option<usize>,
    /// Median of (P50 − actual) / actual (counts; NaN for shares).
    pub median_bias_pct: f64,
    /// Mean scaled interval score of the 80% and 95% intervals (see `Row::scaled_interval_score`),
    /// over the rows with an interval.
    pub interval_score_80: f64,
    pub interval_score_95: f64,
    /// Rows with an interval (every sendcast row; a baseline's where its past errors allow).
    pub n_intervals: usize,
}

/// The rows of the cases (authority, metric, period, origin) every method forecast; and where
/// no baseline forecast a metric from an origin at all (the 6-week share before its second
/// recorded year: no earlier value to carry on), sendcast's rows of it alone.
pub fn common(rows: &[Row]) -> Vec<&Row> {
    let mut methods_per_case: HashMap<(&str, &str, &str, i32), usize> = HashMap::new();
    let mut baselines: BTreeSet<(&str, i32)> = BTreeSet::new();
    for r in rows {
        *methods_per_case
            .entry((&r.la_code, r.metric, &r.period, r.origin))
            .or_default() += 1;
        if r.method != "sendcast" {
            baselines.insert((r.metric, r.origin));
        }
    }
    rows.iter()
        .filter(|r| {
            methods_per_case[&(r.la_code.as_str(), r.metric, r.period.as_str(), r.origin)]
                == methods(r.metric).len()
                || !baselines.contains(&(r.metric, r.origin))
        })
        .collect()
}

/// Every method, counts' first.
fn all_methods() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = METHODS.to_vec();
    v.extend(SHARE_METHODS.iter().filter(|m| !METHODS.contains(m)));
    v
}

/// Scores by method and metric (`metric = "all"` for every count together), counting only
/// cases every method forecast so the comparison is like for like: for each origin and
/// horizon, each origin over its horizons, each horizon over the origins, and last everything
/// pooled (so the last `all` row of each method is its overall score).
pub fn scores(rows: &[Row]) -> Vec<Score> {
    let rows = common(rows);
    let origins: BTreeSet<i32> = rows.iter().map(|r| r.origin).collect();
    let horizons: BTreeSet<usize> = rows.iter().map(|r| r.horizon).collect();
    let mut slices: Vec<(Option<i32>, Option<usize>)> = Vec::new();
    for &o in &origins {
        slices.extend(horizons.iter().map(|&h| (Some(o), Some(h))));
    }
    slices.extend(origins.iter().map(|&o| (Some(o), None)));
    slices.extend(horizons.iter().map(|&h| (None, Some(h))));
    slices.push((None, None));
    let mut out = Vec::new();
    for (origin, horizon) in slices {
        let here: Vec<&Row> = rows
            .iter()
            .copied()
            .filter(|r| origin.is_none_or(|o| r.origin == o))
            .filter(|r| horizon.is_none_or(|h| r.horizon == h))
            .collect();
        for method in all_methods() {
            for metric in METRICS.iter().copied().chain(["all"]).chain(SHARES) {
                // `all`: every count together (shares are in other units).
                let sel: Vec<&Row> = here
                    .iter()
                    .copied()
                    .filter(|r| {
                        r.method == method
                            && (r.metric == metric || (metric == "all" && !is_share(r.metric)))
                    })
                    .collect();
                if !sel.is_empty() {
                    out.push(score(method, metric, origin, horizon, &sel));
                }
            }
        }
    }
    out
}

fn score(
    method: &'static str,
    metric: &'static str,
    origin: Option<i32>,
    horizon: Option<usize>,
    sel: &[&Row],
) -> Score {
    let median_of = |f: &dyn Fn(&Row) -> f64| {
        let mut v: Vec<f64> = sel.iter().map(|r| f(r)).collect();
        v.sort_by(f64::total_cmp);
        quantile_sorted(&v, 0.5)
    };
    let cov = |f: fn(&Row) -> Option<bool>| {
        let v: Vec<bool> = sel.iter().filter_map(|r| f(r)).collect();
        if v.is_empty() {
            f64::NAN
        } else {
            v.iter().filter(|&&b| b).count() as f64 / v.len() as f64
        }
    };
    let mean_is = |alpha: f64| {
        let v: Vec<f64> = sel
            .iter()
            .filter_map(|r| r.scaled_interval_score(alpha))
            .collect();
        if v.is_empty() {
            f64::NAN
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let share = is_share(metric);
    Score {
        method,
        metric,
        n: sel.len(),
        median_ape: if share {
            f64::NAN
        } else {
            median_of(&|r| r.ape)
        },
        median_abs_error: median_of(&|r| r.abs_error),
        median_bias: median_of(&|r| r.q[2] - r.actual),
        coverage_80: cov(|r| r.in_80),
        coverage_95: cov(|r| r.in_95),
        origin,
        horizon,
        median_bias_pct: if share {
            f64::NAN
        } else {
            median_of(&|r| (r.q[2] - r.actual) / r.actual)
        },
        interval_score_80: mean_is(ALPHA_80),
        interval_score_95: mean_is(ALPHA_95),
        n_intervals: sel.iter().filter(|r| r.in_80.is_some()).count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(la: &str, metric: &'static str, method: &'static str, origin: i32) -> Row {
        Row {
            la_code: la.into(),
            la_name: la.into(),
            metric,
            period: "2023".into(),
            actual: 90.0,
            q: [70.0, 80.0, 85.0, 95.0, 99.0],
            ape: f64::NAN,
            abs_error: 5.0,
            in_80: Some(true),
            in_95: Some(true),
            method,
            origin,
            horizon: 1,
            pit: Some(0.7),
            scale: 1.0,
        }
    }

    #[test]
    fn a_share_no_baseline_can_forecast_is_scored_for_sendcast_alone() {
        let six = "decisions_within_6_weeks_pct";
        let twenty = "plans_within_20_weeks_pct";
        let mut rows = vec![
            row("A", six, "sendcast", 2023),
            row("B", six, "sendcast", 2023),
        ];
        // The 20-week share has its baselines from this origin: a case without them is left out.
        rows.push(row("A", twenty, "sendcast", 2023));
        rows.push(row("B", twenty, "sendcast", 2023));
        for m in ["last_value", "mean_3_years"] {
            rows.push(row("A", twenty, m, 2023));
        }
        let kept = common(&rows);
        assert_eq!(kept.iter().filter(|r| r.metric == six).count(), 2);
        assert_eq!(
            kept.iter()
                .filter(|r| r.metric == twenty && r.method == "sendcast")
                .count(),
            1
        );
        let s = scores(&rows);
        let six_all = s
            .iter()
            .find(|s| s.metric == six && s.origin.is_none() && s.horizon.is_none())
            .expect("the 6-week share is scored");
        assert_eq!((six_all.method, six_all.n), ("sendcast", 2));
        assert_eq!(six_all.coverage_80, 1.0);
    }

    #[test]
    fn interval_score_is_width_plus_the_penalty_outside() {
        assert_eq!(interval_score(10.0, 20.0, 15.0, 0.2), 10.0);
        // 5 below an 80% interval: 10 + 2/0.2 * 5 = 60.
        assert!((interval_score(10.0, 20.0, 5.0, 0.2) - 60.0).abs() < 1e-9);
        // 1 above a 95% interval: 10 + 40 * 1 = 50.
        assert!((interval_score(10.0, 20.0, 21.0, 0.05) - 50.0).abs() < 1e-9);
    }
}
