//! Demand trend: log requests as a random walk with drift, the drift of each authority shrunk
//! towards the drift of all authorities by how well its own few years pin it down.

use nalgebra::{DMatrix, DVector};

/// Years whose flows the pandemic distorted; year-on-year changes into or out of them are
/// left out of trend fits.
pub const DISTORTED_YEARS: [i32; 1] = [2020];

/// Prior strength (in years of data) pulling an authority's volatility towards the pooled one.
const VOL_PRIOR_YEARS: f64 = 4.0;

/// A single year this far (in log) from both neighbours, which agree with each other to
/// within the same distance, is taken as a data error and left out.
const SPIKE_LOG: f64 = 0.5;
/// Largest year-to-year volatility a fit reports.
pub const MAX_VOLATILITY: f64 = 0.5;

/// The series without isolated spikes or dips (a year far from both neighbours that agree).
pub fn drop_spikes(series: &[(i32, f64)]) -> Vec<(i32, f64)> {
    let ln = |x: f64| x.max(1e-9).ln();
    (0..series.len())
        .filter(|&i| {
            if i == 0 || i + 1 == series.len() {
                return true;
            }
            let (a, b, c) = (ln(series[i - 1].1), ln(series[i].1), ln(series[i + 1].1));
            let consecutive =
                series[i - 1].0 + 1 == series[i].0 && series[i].0 + 1 == series[i + 1].0;
            !(consecutive && (a - c).abs() < SPIKE_LOG && (b - (a + c) / 2.0).abs() > SPIKE_LOG)
        })
        .map(|i| series[i])
        .collect()
}

/// Year-on-year changes of log value for consecutive years that both have a positive value;
/// with `skip_distorted`, not those into or out of a distorted year.
pub fn log_changes(series: &[(i32, f64)], skip_distorted: bool) -> Vec<f64> {
    let distorted = |y: i32| skip_distorted && DISTORTED_YEARS.contains(&y);
    series
        .windows(2)
        .filter(|w| {
            w[1].0 == w[0].0 + 1
                && w[0].1 > 0.0
                && w[1].1 > 0.0
                && !distorted(w[0].0)
                && !distorted(w[1].0)
        })
        .map(|w| (w[1].1 / w[0].1).ln())
        .collect()
}

/// Drift and volatility across all authorities, from data up to the origin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pooled {
    /// Median drift of log requests a year.
    pub drift: f64,
    /// Spread of true drifts between authorities (sd), net of sampling noise.
    pub drift_sd: f64,
    /// Median year-to-year sd of log requests around an authority's drift.
    pub volatility: f64,
    pub authorities: usize,
    /// Median year-to-year sd of an authority's log conversion (new plans / requests agreed).
    pub conversion_sd: f64,
    /// Median stock-flow gap (share of the caseload a year) and its year-to-year sd.
    pub gap: f64,
    pub gap_sd: f64,
}

impl Pooled {
    /// From each authority's log changes, without and with the distorted years (those with
    /// at least two of each): the drift from the first, the volatility from the second, since
    /// shocks as large as the pandemic's can come again.
    pub fn from_changes(all: &[(Vec<f64>, Vec<f64>)]) -> Option<Pooled> {
        let fits: Vec<(f64, f64, usize)> = all
            .iter()
            .filter(|(c, a)| c.len() >= 2 && a.len() >= 2)
            .map(|(c, a)| (mean_sd(c).0, mean_sd(a).1, c.len()))
            .collect();
        if fits.len() < 3 {
            return None;
        }
        let drift = median(fits.iter().map(|f| f.0).collect());
        let volatility = median(fits.iter().map(|f| f.1).collect());
        // Method of moments: spread of drifts minus the part sampling noise explains.
        let means: Vec<f64> = fits.iter().map(|f| f.0).collect();
        let (_, spread) = mean_sd(&means);
        let noise = fits
            .iter()
            .map(|f| volatility.powi(2) / f.2 as f64)
            .sum::<f64>()
            / fits.len() as f64;
        let drift_sd = (spread.powi(2) - noise).max(0.02f64.powi(2)).sqrt();
        Some(Pooled {
            drift,
            drift_sd,
            volatility,
            authorities: fits.len(),
            conversion_sd: 0.2,
            gap: 0.015,
            gap_sd: 0.03,
        })
    }
}

/// One authority's demand trend.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trend {
    /// Drift of log requests a year (shrunk), and its standard error.
    pub drift: f64,
    pub drift_se: f64,
    /// Year-to-year sd of log requests around the drift.
    pub volatility: f64,
    /// The authority's own drift and how many changes it rests on.
    pub own_drift: Option<f64>,
    pub n_changes: usize,
    /// Weight on the authority's own drift (the rest on the pooled drift).
    pub weight: f64,
}

/// Shrink an authority's own drift (from `changes`, distorted years out) towards the pooled one
/// (normal-normal empirical Bayes); its volatility comes from `all_changes`.
pub fn fit(changes: &[f64], all_changes: &[f64], pooled: &Pooled) -> Trend {
    let n = changes.len();
    if n < 2 {
        return Trend {
            drift: pooled.drift,
            drift_se: pooled.drift_sd,
            volatility: pooled.volatility,
            own_drift: changes.first().copied(),
            n_changes: n,
            weight: 0.0,
        };
    }
    let g = mean_sd(changes).0;
    let s = mean_sd(all_changes).1;
    let dof = all_changes.len().saturating_sub(1) as f64;
    let nu = VOL_PRIOR_YEARS;
    let vol = ((dof * s * s + nu * pooled.volatility.powi(2)) / (dof + nu))
        .sqrt()
        .min(MAX_VOLATILITY);
    let se2 = vol * vol / n as f64;
    let tau2 = pooled.drift_sd.powi(2);
    let w = tau2 / (tau2 + se2);
    Trend {
        drift: w * g + (1.0 - w) * pooled.drift,
        drift_se: (1.0 / (1.0 / tau2 + 1.0 / se2)).sqrt(),
        volatility: vol,
        own_drift: Some(g),
        n_changes: n,
        weight: w,
    }
}

/// An aggregate's own trend (England): no pooling with authorities, whose year-to-year noise
/// averages out in the total.
pub fn fit_own(changes: &[f64], all_changes: &[f64], pooled: &Pooled) -> Trend {
    if changes.len() < 2 || all_changes.len() < 3 {
        return fit(changes, all_changes, pooled);
    }
    let (g, _) = mean_sd(changes);
    let (_, vol) = mean_sd(all_changes);
    let vol = vol.min(MAX_VOLATILITY);
    Trend {
        drift: g,
        drift_se: vol / (changes.len() as f64).sqrt(),
        volatility: vol,
        own_drift: Some(g),
        n_changes: changes.len(),
        weight: 1.0,
    }
}

/// Least-squares line `y = a + b x` through points (nalgebra Cholesky of the normal
/// equations, x centred); `None` with fewer than two distinct x.
pub fn least_squares(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    if points.len() < 2 {
        return None;
    }
    let x0 = points.iter().map(|p| p.0).sum::<f64>() / points.len() as f64;
    let a = DMatrix::from_fn(
        points.len(),
        2,
        |i, j| {
            if j == 0 {
                1.0
            } else {
                points[i].0 - x0
            }
        },
    );
    let y = DVector::from_iterator(points.len(), points.iter().map(|p| p.1));
    let beta = (a.transpose() * &a).cholesky()?.solve(&(a.transpose() * y));
    Some((beta[0] - beta[1] * x0, beta[1]))
}

/// Mean and year-to-year sd of a short series, the sd shrunk towards a pooled one as if the
/// pool were worth `VOL_PRIOR_YEARS` years, and the sd of a new year's value around the mean
/// (the mean's own uncertainty included).
pub fn shrunk_mean_sd(x: &[f64], pooled_mean: f64, pooled_sd: f64, pool: bool) -> (f64, f64) {
    let n = x.len();
    if n == 0 || (!pool && n < 2) {
        return (pooled_mean, pooled_sd);
    }
    let (m, s) = mean_sd(x);
    let dof = (n - 1) as f64;
    let nu = if pool { VOL_PRIOR_YEARS } else { 0.0 };
    let sd = ((dof * s * s + nu * pooled_sd.powi(2)) / (dof + nu)).sqrt();
    (m, sd * (1.0 + 1.0 / n as f64).sqrt())
}

pub fn mean_sd(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    if x.len() < 2 {
        return (m, 0.0);
    }
    let v = x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, v.sqrt())
}

pub fn median(mut x: Vec<f64>) -> f64 {
    x.sort_by(f64::total_cmp);
    crate::stats::quantile_sorted(&x, 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_skip_gaps_and_the_pandemic_year() {
        let s = [
            (2017, 100.0),
            (2018, 110.0),
            (2019, 121.0),
            (2020, 80.0),
            (2021, 140.0),
        ];
        let c = log_changes(&s, true);
        assert_eq!(c.len(), 2);
        assert_eq!(log_changes(&s, false).len(), 4);
        assert!((c[0] - 0.1f64.ln_1p()).abs() < 1e-12);
    }

    #[test]
    fn a_one_year_glitch_is_dropped() {
        let s = [
            (2016, 359.0),
            (2017, 65.0),
            (2018, 496.0),
            (2019, 533.0),
            (2020, 449.0),
        ];
        let d = drop_spikes(&s);
        assert_eq!(
            d.iter().map(|p| p.0).collect::<Vec<_>>(),
            [2016, 2018, 2019, 2020]
        );
        // A real step change is kept.
        let s = [(2016, 100.0), (2017, 200.0), (2018, 210.0)];
        assert_eq!(drop_spikes(&s).len(), 3);
    }

    #[test]
    fn shrinkage_weights_own_drift_by_precision() {
        let pooled = Pooled {
            drift: 0.10,
            drift_sd: 0.05,
            volatility: 0.10,
            authorities: 100,
            conversion_sd: 0.2,
            gap: 0.015,
            gap_sd: 0.03,
        };
        // Noisy own series: pulled most of the way to 0.10.
        let t = fit(&[0.30, -0.10, 0.20], &[0.30, -0.10, 0.20], &pooled);
        assert!(t.drift > 0.10 && t.drift < 0.133, "{t:?}");
        assert!(t.drift_se < pooled.drift_sd);
        // Too little data: the pooled drift and spread.
        let t = fit(&[0.5], &[0.5], &pooled);
        assert_eq!(t.drift, 0.10);
        assert_eq!(t.drift_se, 0.05);
    }

    #[test]
    fn least_squares_recovers_a_line() {
        let pts: Vec<(f64, f64)> = (0..6)
            .map(|i| (2016.0 + i as f64, 3.0 + 2.0 * i as f64))
            .collect();
        let (a, b) = least_squares(&pts).unwrap();
        assert!((b - 2.0).abs() < 1e-9);
        assert!((a + b * 2016.0 - 3.0).abs() < 1e-6);
        assert!(least_squares(&[(1.0, 1.0), (1.0, 2.0)]).is_none());
    }
}
