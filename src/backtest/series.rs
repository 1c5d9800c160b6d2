//! What a backtest scores: each metric's recorded series, the year a horizon step lands on,
//! and which methods forecast it.

use crate::calibrate;
use crate::sen2::Area;

/// Counts scored: the January census and two calendar-year flows (`all` in the scores is these).
pub const METRICS: [&str; 3] = ["ehcps", "requests", "new_plans"];
/// Shares scored by calendar year, in percentage points.
pub const SHARES: [&str; 2] = ["plans_within_20_weeks_pct", "decisions_within_6_weeks_pct"];
/// Methods in the output for counts: the model, then the naive baselines.
pub const METHODS: [&str; 4] = ["sendcast", "last_value", "last_growth", "linear_trend"];
/// Methods for shares: the model, the last value and the mean of the last three years.
pub const SHARE_METHODS: [&str; 3] = ["sendcast", "last_value", "mean_3_years"];

/// Whether a metric is a share (scored in points, not relative error).
pub fn is_share(metric: &str) -> bool {
    SHARES.contains(&metric)
}

/// The methods that forecast a metric.
pub fn methods(metric: &str) -> &'static [&'static str] {
    if is_share(metric) {
        &SHARE_METHODS
    } else {
        &METHODS
    }
}

/// The series of a metric: census years for `ehcps`, calendar years for flows and shares
/// (in %).
pub fn series(area: &Area, metric: &str) -> Vec<(i32, f64)> {
    let share = |n: Option<f64>, d: Option<f64>| match (n, d) {
        (Some(n), Some(d)) if d > 0.0 => Some(100.0 * n / d),
        _ => None,
    };
    match metric {
        "plans_within_20_weeks_pct" => area
            .flows
            .iter()
            .filter_map(|(y, f)| share(f.issued_in_20_weeks, f.issued).map(|t| (*y, t)))
            .collect(),
        "decisions_within_6_weeks_pct" => area
            .flows
            .iter()
            .filter_map(|(y, f)| {
                let d = f.decided_in_6_weeks.zip(f.decided_late).map(|(a, b)| a + b);
                share(f.decided_in_6_weeks, d).map(|t| (*y, t))
            })
            .collect(),
        "ehcps" => area
            .census
            .iter()
            .filter_map(|(y, c)| c.total.map(|t| (*y, t)))
            .collect(),
        "requests" => area
            .flows
            .iter()
            .filter_map(|(y, f)| f.requests.map(|t| (*y, t)))
            .collect(),
        _ => area
            .flows
            .iter()
            .filter(|(_, f)| {
                // A recording error (see `calibrate::plans_implausible`) is not a plan count.
                f.new_plans
                    .zip(f.requests)
                    .is_none_or(|(n, r)| !calibrate::plans_implausible(n, r))
            })
            .filter_map(|(y, f)| f.new_plans.map(|t| (*y, t)))
            .collect(),
    }
}

/// Target years for horizon step `h` (1-based): the census of origin + h, or the flows of
/// calendar year origin + h - 1; and the last year known at the origin.
pub fn target(metric: &str, origin: i32, h: usize) -> (i32, i32) {
    if metric == "ehcps" {
        (origin + h as i32, origin)
    } else {
        (origin + h as i32 - 1, origin - 1)
    }
}

/// A target year as `backtest.csv` writes it: `2024-01` for a census, `2024` for a year.
pub fn label(metric: &str, year: i32) -> String {
    if metric == "ehcps" {
        format!("{year}-01")
    } else {
        year.to_string()
    }
}

/// The points of `metric` a forecaster at `origin` knows: from `first` (after any boundary
/// change) to the last year recorded by the origin, positive for a count.
pub fn known(area: &Area, metric: &str, origin: i32, first: i32) -> Vec<(i32, f64)> {
    let (_, last) = target(metric, origin, 1);
    series(area, metric)
        .into_iter()
        .filter(|p| p.0 >= first && p.0 <= last && (p.1 > 0.0 || is_share(metric)))
        .collect()
}
