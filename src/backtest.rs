//! `sendcast backtest`: calibrate on data up to an origin census, forecast, and score the
//! forecasts (and naive baselines) against what SEN2 later recorded.

use crate::calibrate::{self, trend};
use crate::run::{run, RunOptions};
use crate::sen2::{Area, Sen2};
use crate::stats::quantile_sorted;
use anyhow::{Context, Result};
use std::path::Path;

/// Counts scored: the January census and two calendar-year flows (`all` in the scores is these).
pub const METRICS: [&str; 3] = ["ehcps", "requests", "new_plans"];
/// Shares scored by calendar year, in percentage points.
pub const SHARES: [&str; 2] = ["plans_within_20_weeks_pct", "decisions_within_6_weeks_pct"];
/// Methods in the output for counts: the model, then the naive baselines.
pub const METHODS: [&str; 4] = ["sendcast", "last_value", "last_growth", "linear_trend"];
/// Methods for shares: the model, the last value and the mean of the last three years.
pub const SHARE_METHODS: [&str; 3] = ["sendcast", "last_value", "mean_3_years"];

/// Whether a metric is a share (scored in points, not relative error).
fn is_share(metric: &str) -> bool {
    SHARES.contains(&metric)
}

/// The methods that forecast a metric.
fn methods(metric: &str) -> &'static [&'static str] {
    if is_share(metric) {
        &SHARE_METHODS
    } else {
        &METHODS
    }
}
/// Points the linear-trend baseline is fitted on.
const TREND_POINTS: usize = 5;

#[derive(Debug, Clone)]
pub struct Options {
    pub origin: i32,
    pub horizon: usize,
    pub runs: usize,
    pub seed: u64,
}

/// One scored forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub la_code: String,
    pub la_name: String,
    pub metric: &'static str,
    pub period: String,
    pub actual: f64,
    /// P2.5, P10, P50, P90, P97.5 (a baseline's point forecast is its P50; the rest NaN).
    pub q: [f64; 5],
    /// Absolute percentage error of the P50 (NaN for a share).
    pub ape: f64,
    /// Absolute error of the P50 in the metric's unit (points for a share).
    pub abs_error: f64,
    pub in_80: Option<bool>,
    pub in_95: Option<bool>,
    pub method: &'static str,
}

/// An authority that could not be backtested, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub la_code: String,
    pub la_name: String,
    pub reason: String,
}

/// The series of a metric: census years for `ehcps`, calendar years for flows and shares
/// (in %).
fn series(area: &Area, metric: &str) -> Vec<(i32, f64)> {
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
            .filter_map(|(y, f)| f.new_plans.map(|t| (*y, t)))
            .collect(),
    }
}

/// Target years for horizon step `h` (1-based): the census of origin + h, or the flows of
/// calendar year origin + h - 1; and the last year known at the origin.
fn target(metric: &str, origin: i32, h: usize) -> (i32, i32) {
    if metric == "ehcps" {
        (origin + h as i32, origin)
    } else {
        (origin + h as i32 - 1, origin - 1)
    }
}

fn label(metric: &str, year: i32) -> String {
    if metric == "ehcps" {
        format!("{year}-01")
    } else {
        year.to_string()
    }
}

/// Point forecasts of a share's baselines: the last value and the mean of the last three.
fn share_baselines(points: &[(i32, f64)]) -> [Option<f64>; 2] {
    let Some(&(_, lv)) = points.last() else {
        return [None; 2];
    };
    let tail = &points[points.len().saturating_sub(3)..];
    let mean = tail.iter().map(|p| p.1).sum::<f64>() / tail.len() as f64;
    [Some(lv), Some(mean)]
}

/// Point forecasts of the naive baselines for `year`, from points up to `last`.
fn baselines(points: &[(i32, f64)], year: i32) -> [Option<f64>; 3] {
    let Some(&(ly, lv)) = points.last() else {
        return [None; 3];
    };
    let k = (year - ly) as f64;
    let growth = points
        .len()
        .checked_sub(2)
        .map(|i| points[i])
        .filter(|p| p.0 == ly - 1 && p.1 > 0.0)
        .map(|p| lv * (lv / p.1).powf(k));
    let tail = &points[points.len().saturating_sub(TREND_POINTS)..];
    let pts: Vec<(f64, f64)> = tail.iter().map(|p| (p.0 as f64, p.1)).collect();
    let linear = trend::least_squares(&pts).map(|(a, b)| (a + b * year as f64).max(0.0));
    [Some(lv), growth, linear]
}

/// Backtest each area; calibrated model files go to `models_dir`.
pub fn backtest(
    sen2: &Sen2,
    areas: &[&Area],
    opts: &Options,
    models_dir: &Path,
) -> Result<(Vec<Row>, Vec<Skipped>)> {
    let pooled = calibrate::pooled(sen2, opts.origin).with_context(|| {
        format!(
            "too few authorities with requests before {} to pool a trend",
            opts.origin
        )
    })?;
    let sources = sen2
        .files
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for area in areas {
        let skip = |reason: String| Skipped {
            la_code: area.code.clone(),
            la_name: area.name.clone(),
            reason,
        };
        let cal = match calibrate::calibrate(sen2, area, opts.origin, opts.horizon + 1, &pooled) {
            Ok(c) => c,
            Err(e) => {
                skipped.push(skip(e));
                continue;
            }
        };
        let actuals: Vec<(&'static str, usize, i32, f64)> = METRICS
            .iter()
            .chain(&SHARES)
            .flat_map(|&m| {
                let s = series(area, m);
                (1..=opts.horizon).filter_map(move |h| {
                    let (y, _) = target(m, opts.origin, h);
                    s.iter().find(|p| p.0 == y).map(|p| (m, h, y, p.1))
                })
            })
            .filter(|a| a.3 > 0.0 || is_share(a.0))
            .collect();
        if actuals.is_empty() {
            skipped.push(skip(format!(
                "no outcomes after {} to compare with",
                opts.origin
            )));
            continue;
        }
        let file = models_dir.join(format!(
            "{}.toml",
            if area.code.is_empty() {
                "england"
            } else {
                &area.code
            }
        ));
        std::fs::write(&file, calibrate::to_toml(&cal, &sources))
            .with_context(|| format!("writing {}", file.display()))?;
        let model = crate::load_model(&file)
            .with_context(|| format!("the calibrated model {} does not load", file.display()))?;
        // January census months are read per trajectory, however many runs.
        let res = run(
            &model,
            &RunOptions {
                max_monthly_runs: usize::MAX,
                ..RunOptions::new(opts.runs, opts.seed)
            },
        )?;
        for (metric, h, year, actual) in actuals {
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
                let e = res.metric_index(events).expect("metric exists");
                res.values
                    .chunks_exact(row_len)
                    .filter_map(|r| {
                        let (mut num, mut den) = (0.0, 0.0);
                        for m in 12 * (h - 1)..12 * h {
                            let (p, n) = (r[res.column(k, m)], r[res.column(e, m)]);
                            if n > 0.0 && p.is_finite() {
                                num += p * n;
                                den += n;
                            }
                        }
                        (den > 0.0).then(|| num / den)
                    })
                    .collect()
            } else {
                let cols: Vec<usize> = (12 * (h - 1)..12 * h).map(|m| res.column(k, m)).collect();
                res.values
                    .chunks_exact(row_len)
                    .map(|r| cols.iter().map(|&c| r[c]).sum())
                    .collect()
            };
            if v.is_empty() {
                continue;
            }
            v.sort_by(f64::total_cmp);
            let q = [0.025, 0.10, 0.50, 0.90, 0.975].map(|p| quantile_sorted(&v, p));
            // A forecast's row; a baseline's quantiles are NaN but its P50.
            let scored = |q: [f64; 5], method: &'static str| {
                let inside =
                    |lo: f64, hi: f64| (!lo.is_nan()).then_some(actual >= lo && actual <= hi);
                Row {
                    la_code: area.code.clone(),
                    la_name: area.name.clone(),
                    metric,
                    period: label(metric, year),
                    actual,
                    q,
                    ape: if is_share(metric) {
                        f64::NAN
                    } else {
                        (q[2] - actual).abs() / actual
                    },
                    abs_error: (q[2] - actual).abs(),
                    in_80: inside(q[1], q[3]),
                    in_95: inside(q[0], q[4]),
                    method,
                }
            };
            rows.push(scored(q, METHODS[0]));
            let (_, last) = target(metric, opts.origin, h);
            let first = calibrate::first_year(area, opts.origin).unwrap_or(i32::MIN);
            let known: Vec<(i32, f64)> = series(area, metric)
                .into_iter()
                .filter(|p| p.0 >= first && p.0 <= last && (p.1 > 0.0 || is_share(metric)))
                .collect();
            let points: Vec<Option<f64>> = if is_share(metric) {
                share_baselines(&known).to_vec()
            } else {
                baselines(&known, year).to_vec()
            };
            for (i, b) in points.into_iter().enumerate() {
                if let Some(b) = b {
                    rows.push(scored(
                        [f64::NAN, f64::NAN, b, f64::NAN, f64::NAN],
                        methods(metric)[i + 1],
                    ));
                }
            }
        }
    }
    Ok((rows, skipped))
}

/// Median absolute percentage error (counts) or absolute error in points (shares), bias and
/// interval coverage of a set of rows.
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
}

/// Scores by method and metric (`metric = "all"` for every metric together), counting only
/// cases every method forecast so the comparison is like for like.
pub fn scores(rows: &[Row]) -> Vec<Score> {
    use std::collections::HashMap;
    let mut methods_per_case: HashMap<(&str, &str, &str), usize> = HashMap::new();
    for r in rows {
        *methods_per_case
            .entry((&r.la_code, r.metric, &r.period))
            .or_default() += 1;
    }
    let common = |r: &Row| {
        methods_per_case[&(r.la_code.as_str(), r.metric, r.period.as_str())]
            == methods(r.metric).len()
    };
    let mut out = Vec::new();
    let mut methods_all: Vec<&'static str> = METHODS.to_vec();
    methods_all.extend(SHARE_METHODS.iter().filter(|m| !METHODS.contains(m)));
    for method in methods_all {
        for metric in METRICS.iter().copied().chain(["all"]).chain(SHARES) {
            // `all`: every count together (shares are in other units).
            let sel: Vec<&Row> = rows
                .iter()
                .filter(|r| {
                    r.method == method
                        && (r.metric == metric || (metric == "all" && !is_share(r.metric)))
                        && common(r)
                })
                .collect();
            if sel.is_empty() {
                continue;
            }
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
            out.push(Score {
                method,
                metric,
                n: sel.len(),
                median_ape: if is_share(metric) {
                    f64::NAN
                } else {
                    median_of(&|r| r.ape)
                },
                median_abs_error: median_of(&|r| r.abs_error),
                median_bias: median_of(&|r| r.q[2] - r.actual),
                coverage_80: cov(|r| r.in_80),
                coverage_95: cov(|r| r.in_95),
            });
        }
    }
    out
}

/// Write `backtest.csv` (one row per area, metric, period and method) and `scores.csv`.
pub fn write(dir: &Path, rows: &[Row], scores: &[Score], skipped: &[Skipped]) -> Result<()> {
    use crate::report::num;
    let mut w = csv::Writer::from_path(dir.join("backtest.csv"))?;
    w.write_record([
        "la_code",
        "la_name",
        "metric",
        "period",
        "actual",
        "p2_5",
        "p10",
        "p50",
        "p90",
        "p97_5",
        "ape",
        "in_80",
        "in_95",
        "method",
        "abs_error",
    ])?;
    let b = |x: Option<bool>| x.map_or(String::new(), |b| b.to_string());
    for r in rows {
        let mut rec = vec![
            r.la_code.clone(),
            r.la_name.clone(),
            r.metric.to_string(),
            r.period.clone(),
            num(r.actual),
        ];
        rec.extend(r.q.iter().map(|&x| num(x)));
        let ape = if r.ape.is_nan() {
            String::new()
        } else {
            num(r.ape)
        };
        rec.extend([
            ape,
            b(r.in_80),
            b(r.in_95),
            r.method.to_string(),
            num(r.abs_error),
        ]);
        w.write_record(&rec)?;
    }
    w.flush()?;
    let mut w = csv::Writer::from_path(dir.join("scores.csv"))?;
    w.write_record([
        "method",
        "metric",
        "n",
        "median_ape",
        "coverage_80",
        "coverage_95",
        "median_abs_error",
        "median_bias",
    ])?;
    let opt = |x: f64| if x.is_nan() { String::new() } else { num(x) };
    for s in scores {
        w.write_record([
            s.method.to_string(),
            s.metric.to_string(),
            s.n.to_string(),
            opt(s.median_ape),
            opt(s.coverage_80),
            opt(s.coverage_95),
            num(s.median_abs_error),
            num(s.median_bias),
        ])?;
    }
    w.flush()?;
    let mut w = csv::Writer::from_path(dir.join("skipped.csv"))?;
    w.write_record(["la_code", "la_name", "reason"])?;
    for s in skipped {
        w.write_record([&s.la_code, &s.la_name, &s.reason])?;
    }
    w.flush()?;
    Ok(())
}

/// The printed summary.
pub fn table(scores: &[Score]) -> String {
    let mut s = format!(
        "{:<14} {:<28} {:>6} {:>11} {:>12} {:>8} {:>8}\n",
        "method", "metric", "n", "median APE", "median error", "in 80%", "in 95%"
    );
    let pc = |x: f64| {
        if x.is_nan() {
            "-".to_string()
        } else {
            format!("{:.1}%", x * 100.0)
        }
    };
    for sc in scores {
        let err = if is_share(sc.metric) {
            format!("{:.1} pts", sc.median_abs_error)
        } else {
            "-".to_string()
        };
        s += &format!(
            "{:<14} {:<28} {:>6} {:>11} {:>12} {:>8} {:>8}\n",
            sc.method,
            sc.metric,
            sc.n,
            pc(sc.median_ape),
            err,
            pc(sc.coverage_80),
            pc(sc.coverage_95)
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baselines_extrapolate() {
        let pts = [
            (2017, 100.0),
            (2018, 110.0),
            (2019, 120.0),
            (2020, 130.0),
            (2021, 143.0),
        ];
        let [last, growth, linear] = baselines(&pts, 2023);
        assert_eq!(last, Some(143.0));
        assert!((growth.unwrap() - 143.0 * 1.1 * 1.1).abs() < 1e-9);
        // Least squares through the five points: mean 120.6 at 2019, slope 10.6: 163.0 at 2023.
        assert!((linear.unwrap() - 163.0).abs() < 1e-6, "{linear:?}");
        // A gap before the last point: no last growth rate.
        let [_, g, _] = baselines(&[(2018, 100.0), (2021, 150.0)], 2022);
        assert_eq!(g, None);
    }
}
