//! The naive baselines a finance officer could work out on a calculator, and intervals for
//! them from the spread of their own past errors: every authority's baseline forecasts made
//! at earlier origins whose outcome was already recorded by the origin (nothing after it).

use super::series::{is_share, known, methods, series, target, METRICS, SHARES};
use crate::calibrate::{self, trend};
use crate::sen2::Sen2;
use crate::stats::quantile_sorted;
use std::collections::HashMap;

/// Points the linear-trend baseline is fitted on.
const TREND_POINTS: usize = 5;
/// Fewest past errors an interval is built from (else the baseline has no interval there).
pub const MIN_ERRORS: usize = 30;
/// The bounds of a baseline's intervals: P2.5, P10, P90, P97.5 of its past errors.
const BOUNDS: [f64; 4] = [0.025, 0.10, 0.90, 0.975];

/// Point forecasts of the count baselines for `year`: the last value, the last growth rate
/// carried on, and a linear trend through the last five points.
pub fn baselines(points: &[(i32, f64)], year: i32) -> [Option<f64>; 3] {
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

/// Point forecasts of a share's baselines: the last value and the mean of the last three.
pub fn share_baselines(points: &[(i32, f64)]) -> [Option<f64>; 2] {
    let Some(&(_, lv)) = points.last() else {
        return [None; 2];
    };
    let tail = &points[points.len().saturating_sub(3)..];
    let mean = tail.iter().map(|p| p.1).sum::<f64>() / tail.len() as f64;
    [Some(lv), Some(mean)]
}

/// The baselines' point forecasts of `metric` for `year`, in `methods(metric)[1..]` order.
pub fn points(metric: &str, known: &[(i32, f64)], year: i32) -> Vec<Option<f64>> {
    if is_share(metric) {
        share_baselines(known).to_vec()
    } else {
        baselines(known, year).to_vec()
    }
}

/// A baseline's error: log(actual / forecast) for a count, actual − forecast in points for a
/// share.
fn error(metric: &str, actual: f64, forecast: f64) -> Option<f64> {
    if is_share(metric) {
        Some(actual - forecast)
    } else {
        (forecast > 0.0 && actual > 0.0).then(|| (actual / forecast).ln())
    }
}

/// Each baseline's past errors by metric and horizon, sorted.
pub struct Spreads {
    errors: HashMap<(&'static str, &'static str, usize), Vec<f64>>,
}

impl Spreads {
    /// The errors a forecaster standing at `origin` has seen: for every authority and every
    /// earlier origin, each baseline's forecast `h` years on whose outcome was recorded by
    /// `origin`, using only the years after the authority's last boundary change.
    pub fn new(sen2: &Sen2, origin: i32, horizon: usize) -> Spreads {
        let mut errors: HashMap<_, Vec<f64>> = HashMap::new();
        for &metric in METRICS.iter().chain(&SHARES) {
            let (_, last_known) = target(metric, origin, 1);
            for area in &sen2.areas {
                let Some(first) = calibrate::first_year(area, origin) else {
                    continue;
                };
                let recorded = series(area, metric);
                for h in 1..=horizon {
                    for past in first..origin {
                        let (year, _) = target(metric, past, h);
                        if year > last_known {
                            break;
                        }
                        let Some(&(_, actual)) = recorded.iter().find(|p| p.0 == year) else {
                            continue;
                        };
                        let seen = known(area, metric, past, first);
                        for (i, f) in points(metric, &seen, year).into_iter().enumerate() {
                            if let Some(e) = f.and_then(|f| error(metric, actual, f)) {
                                errors
                                    .entry((metric, methods(metric)[i + 1], h))
                                    .or_default()
                                    .push(e);
                            }
                        }
                    }
                }
            }
        }
        for v in errors.values_mut() {
            v.sort_by(f64::total_cmp);
        }
        Spreads { errors }
    }

    fn get<'a>(&'a self, metric: &'a str, method: &'a str, h: usize) -> Option<&'a Vec<f64>> {
        // The keys' 'static names are looked up with shorter-lived ones (the map is covariant).
        let errors: &'a HashMap<(&'a str, &'a str, usize), Vec<f64>> = &self.errors;
        errors.get(&(metric, method, h))
    }

    /// How many past errors a baseline's interval at horizon `h` rests on.
    pub fn count(&self, metric: &str, method: &str, h: usize) -> usize {
        self.get(metric, method, h).map_or(0, Vec::len)
    }

    /// P2.5, P10, P90 and P97.5 around a baseline's `point` forecast: its past errors'
    /// quantiles applied to it; `None` with fewer than `MIN_ERRORS` of them.
    pub fn interval(&self, metric: &str, method: &str, h: usize, point: f64) -> Option<[f64; 4]> {
        let e = self.get(metric, method, h)?;
        if e.len() < MIN_ERRORS {
            return None;
        }
        Some(BOUNDS.map(|p| {
            let q = quantile_sorted(e, p);
            if is_share(metric) {
                (point + q).clamp(0.0, 100.0)
            } else {
                point * q.exp()
            }
        }))
    }
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

    #[test]
    fn errors_are_relative_for_counts_and_in_points_for_shares() {
        assert!((error("ehcps", 110.0, 100.0).unwrap() - 1.1f64.ln()).abs() < 1e-12);
        assert_eq!(error("ehcps", 0.0, 100.0), None);
        assert_eq!(error("plans_within_20_weeks_pct", 40.0, 55.0), Some(-15.0));
    }
}
