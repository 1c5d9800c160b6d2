//! Demand trend: log requests as a random walk with drift, every authority on the drift of all
//! authorities (an authority's own faster or slower growth has not lasted), each with its own
//! year-to-year sd around it, shrunk towards all authorities' sd by how few its years are.

use nalgebra::{DMatrix, DVector};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Years whose flows the pandemic distorted; year-on-year changes into or out of them are
/// left out of trend fits.
pub const DISTORTED_YEARS: [i32; 1] = [2020];

/// Prior strength (in years of data) pulling an authority's volatility towards the pooled one.
/// It is also what the authorities' spread says: the variance of log sample variances over the
/// 125 authorities with five changes in the 2025 release is 1.23, of which sampling explains
/// 0.65 (trigamma(k/2) on k = 4 degrees of freedom), leaving 0.58 between authorities, the
/// trigamma(nu/2) of a scaled inverse chi-squared with nu = 4.3.
pub const VOL_PRIOR_YEARS: f64 = 4.0;

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
    /// Spread of true drifts between authorities (sd), net of sampling noise, as it looks over
    /// the years at hand (it does not last: see `fit`).
    pub drift_sd: f64,
    /// Standard error of the drift carried on: the sd of England's year-to-year changes over the
    /// root of their number (`drift_sd` until `with_national` sets it).
    pub drift_se: f64,
    /// Median year-to-year sd of log requests around the drift.
    pub volatility: f64,
    /// Variance of England's year-to-year log changes (distorted years in): the part of every
    /// authority's that is common and lasts.
    pub national_var: f64,
    /// Share of the year-to-year variance of authorities' log shares of England's requests that
    /// passes (`transient_share`).
    pub transient: f64,
    /// Whether `transient` was read from new plans' shares (too few years of requests).
    pub transient_from_new_plans: bool,
    /// Retention of authorities' 20-week shares less England's at lags 1, 2, ... years
    /// (`persist::retention`); `None` when too few years are recorded.
    pub retention: Option<[f64; super::persist::MAX_LAG]>,
    pub authorities: usize,
    /// Median year-to-year sd of an authority's log conversion (new plans / requests agreed).
    pub conversion_sd: f64,
    /// Median stock-flow gap (share of the caseload a year) and its year-to-year sd.
    pub gap: f64,
    pub gap_sd: f64,
    /// Spread of authorities' mean gaps (robust sd): how far an authority's own is from known
    /// without a year of its own.
    pub gap_spread: f64,
    /// Degrees of freedom of a Student t with the gaps' tails (`tail_dof`); `None`: normal.
    pub gap_df: Option<f64>,
    /// How far authorities' 6-week and 20-week shares move from one year to the next: the
    /// robust sd of the change in their logit (`persist::logit_spread`); `None` with too few
    /// years recorded.
    pub six_week_spread: Option<f64>,
    pub twenty_week_spread: Option<f64>,
}

impl Pooled {
    /// From each authority's log changes, without and with the distorted years (those with
    /// at least two of each): the drift from the first, the volatility from the second, since
    /// shocks as large as the pandemic's can come again.
    pub fn from_changes(all: &[(Vec<f64>, Vec<f64>)]) -> Option<Pooled> {
        let kept: Vec<&(Vec<f64>, Vec<f64>)> = all
            .iter()
            .filter(|(c, a)| c.len() >= 2 && a.len() >= 2)
            .collect();
        let fits: Vec<(f64, f64, usize)> = kept
            .iter()
            .map(|(c, a)| (mean_sd(c).0, mean_sd(a).1, c.len()))
            .collect();
        if fits.len() < 3 {
            return None;
        }
        let drift = median(fits.iter().map(|f| f.0).collect());
        let volatility = median(kept.iter().map(|(_, a)| rms_around(a, drift)).collect());
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
            drift_se: drift_sd,
            volatility,
            national_var: 0.0,
            transient: 0.0,
            transient_from_new_plans: false,
            retention: None,
            authorities: fits.len(),
            conversion_sd: 0.2,
            gap: 0.015,
            gap_sd: 0.03,
            gap_spread: 0.02,
            gap_df: None,
            six_week_spread: None,
            twenty_week_spread: None,
        })
    }

    /// With the drift's standard error from England's year-to-year changes (`england_changes`,
    /// distorted years out: how far the drift all authorities share is pinned down, once their
    /// own noise has averaged out in the total) and the variance of all of them (`england_all`,
    /// distorted years in: the part of every authority's variance that is common).
    pub fn with_national(mut self, england_changes: &[f64], england_all: &[f64]) -> Pooled {
        if england_changes.len() >= 2 {
            self.drift_se = mean_sd(england_changes).1 / (england_changes.len() as f64).sqrt();
        }
        if england_all.len() >= 2 {
            self.national_var = mean_sd(england_all).1.powi(2);
        }
        self
    }
}

/// One authority's demand trend.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trend {
    /// Drift of log requests a year (shrunk), and its standard error.
    pub drift: f64,
    pub drift_se: f64,
    /// Year-to-year sd of log requests around the drift, and the degrees of freedom it rests
    /// on (its own changes plus the prior's years), which say how far it is known.
    pub volatility: f64,
    pub vol_dof: f64,
    /// Share of the volatility's variance that passes (a year's own deviation), the rest lasting.
    pub transient_share: f64,
    /// The authority's own drift and how many changes it rests on.
    pub own_drift: Option<f64>,
    pub n_changes: usize,
}

impl Trend {
    /// The `q` quantile of the volatility's posterior: with `vol_dof` degrees of freedom behind
    /// the estimate `s`, the true variance is `vol_dof * s^2 / X` with X chi-squared on
    /// `vol_dof` (scaled inverse chi-squared), so a run drawing its volatility from it sees
    /// year-to-year shocks whose spread is as uncertain as the data leave it (Student-t-like
    /// tails rather than a normal's that take the estimate as known).
    pub fn volatility_quantile(&self, q: f64) -> f64 {
        use statrs::distribution::ChiSquared;
        let nu = self.vol_dof.max(1.0);
        let x = ChiSquared::new(nu).expect("positive degrees of freedom");
        self.volatility * (nu / x.inverse_cdf(1.0 - q)).sqrt()
    }
}

/// An authority's trend: the drift of all authorities, with its standard error, and the
/// authority's own year-to-year sd around that drift (from `all_changes`, distorted years in),
/// shrunk towards the pooled sd as if the pool were worth `VOL_PRIOR_YEARS` years.
///
/// Its own drift (from `changes`, distorted years out) is kept to be shown, not carried on:
/// in SEN2 an authority's growth above or below England's has not lasted. Over the 125
/// authorities with requests in 2016, 2019, 2021 and 2024, excess growth over 2016-2019 and
/// over 2021-2024 correlate at -0.2, and the sd of the change of an authority's log share of
/// England's requests grows about linearly with the years apart (0.16 at one year, 0.25 at
/// three, 0.29 at five), with none of the square growth a lasting drift would add. Shrinking
/// towards own drifts (the method of moments read their spread as 15% a year at 2023) gave
/// median errors of requests at five years of 28.7% in the 2019-2022 backtests, where the last
/// value carried on at all authorities' drift gives 16.5%.
pub fn fit(changes: &[f64], all_changes: &[f64], pooled: &Pooled) -> Trend {
    let own_drift = (!changes.is_empty()).then(|| mean_sd(changes).0);
    let (volatility, vol_dof) = if all_changes.is_empty() {
        (pooled.volatility, VOL_PRIOR_YEARS)
    } else {
        let dof = all_changes.len() as f64;
        let s = rms_around(all_changes, pooled.drift);
        let vol = shrunk_sd(s, dof, pooled.volatility, VOL_PRIOR_YEARS);
        (vol.min(MAX_VOLATILITY), dof + VOL_PRIOR_YEARS)
    };
    // England's changes are common to all authorities and last; of the rest, the pooled share
    // passes.
    let own_var = volatility.powi(2);
    let transient_share = if own_var > 0.0 {
        pooled.transient * (own_var - pooled.national_var).max(0.0) / own_var
    } else {
        0.0
    };
    Trend {
        drift: pooled.drift,
        drift_se: pooled.drift_se,
        volatility,
        vol_dof,
        transient_share,
        own_drift,
        n_changes: changes.len(),
    }
}

/// Longest gap in years over which changes of log shares are compared.
const MAX_LAG: i32 = 4;
/// Fewest changes at a gap for its variance to count.
const MIN_PAIRS: usize = 30;
/// Largest share of the year-to-year variance a fit reports as passing.
const MAX_TRANSIENT: f64 = 0.9;

/// Share of the year-to-year variance of authorities' log shares of England's requests
/// (`(year, log share)` by authority) that passes. With a lasting part (a random walk adding
/// `b` a year) and a passing one (each year's own deviation, variance `v`), the change over `k`
/// years has variance `2v + k b`: a least-squares line through the robust variances (MAD) at
/// k = 1..=MAX_LAG gives both, and the share is 2v / (2v + b). The requests' own line needs all
/// MAX_LAG lags: up to 2019 SEN2 records requests from 2014 only, and their two or three lags
/// (0.041, 0.090 up to 2018) cannot tell a passing part from shares drifting apart. With fewer,
/// the same line through a companion series' lags (new plans', recorded from 2009) gives the
/// share; with neither, the requests' own short line. `None` with fewer than two lags of at
/// least MIN_PAIRS changes; with the share, whether the companion gave it.
pub fn transient_share(
    shares: &[Vec<(i32, f64)>],
    companion: &[Vec<(i32, f64)>],
) -> Option<(f64, bool)> {
    let own = lag_variances(shares);
    let other = lag_variances(companion);
    let (points, borrowed) = if own.len() < MAX_LAG as usize && other.len() >= 2 {
        (other, true)
    } else if own.len() >= 2 {
        (own, false)
    } else {
        return None;
    };
    let (two_v, b) = least_squares(&points)?;
    let (two_v, b) = (two_v.max(0.0), b.max(1e-6));
    Some(((two_v / (two_v + b)).min(MAX_TRANSIENT), borrowed))
}

/// `(k, robust variance of the k-year changes)` of log shares, at each lag 1..=MAX_LAG with at
/// least MIN_PAIRS changes.
fn lag_variances(shares: &[Vec<(i32, f64)>]) -> Vec<(f64, f64)> {
    (1..=MAX_LAG)
        .filter_map(|k| {
            let d: Vec<f64> = shares
                .iter()
                .flat_map(|z| {
                    z.iter()
                        .filter_map(move |&(y, a)| z.iter().find(|p| p.0 == y + k).map(|p| p.1 - a))
                })
                .collect();
            (d.len() >= MIN_PAIRS).then(|| (k as f64, robust_sd(d).powi(2)))
        })
        .collect()
}

/// Fewest deviations for their tails to be read.
const MIN_TAIL_POINTS: usize = 40;
/// Fewest and most degrees of freedom a tail fit reports (at the most, a normal is as good).
const DOF_RANGE: (f64, f64) = (3.0, 30.0);

/// Robust sd over sd of a Student t with `dof` degrees of freedom: 1.4826 times its quartile
/// over its sd, sqrt(dof / (dof - 2)) scales.
fn t_robust_ratio(dof: f64) -> f64 {
    let t = StudentsT::new(0.0, 1.0, dof).expect("dof > 0");
    1.4826 * t.inverse_cdf(0.75) * ((dof - 2.0) / dof).sqrt()
}

/// Degrees of freedom of the Student t whose robust sd (MAD) over sd matches that of
/// `deviations` (centred values pooled across authorities), so that a draw with their sd has
/// their tails too: 1 for a normal, 0.78 for a t with 4 degrees of freedom. `None` with fewer than
/// MIN_TAIL_POINTS values or tails no heavier than a t's at DOF_RANGE's top; at least its
/// bottom.
pub fn tail_dof(deviations: &[f64]) -> Option<f64> {
    if deviations.len() < MIN_TAIL_POINTS {
        return None;
    }
    let ratio = robust_sd(deviations.to_vec()) / rms_around(deviations, 0.0);
    let (lo, hi) = DOF_RANGE;
    if !ratio.is_finite() || ratio >= t_robust_ratio(hi) {
        return None;
    }
    if ratio <= t_robust_ratio(lo) {
        return Some(lo);
    }
    // The ratio rises with the degrees of freedom: bisect in log.
    let (mut a, mut b) = (lo.ln(), hi.ln());
    for _ in 0..40 {
        let m = 0.5 * (a + b);
        if t_robust_ratio(m.exp()) < ratio {
            a = m;
        } else {
            b = m;
        }
    }
    Some((0.5 * (a + b)).exp())
}

/// 1.4826 times the median absolute deviation: the sd of a normal, unmoved by a few wild values.
pub fn robust_sd(x: Vec<f64>) -> f64 {
    let m = median(x.clone());
    1.4826 * median(x.into_iter().map(|v| (v - m).abs()).collect())
}

/// Root mean square of `x` around `centre`.
fn rms_around(x: &[f64], centre: f64) -> f64 {
    (x.iter().map(|v| (v - centre).powi(2)).sum::<f64>() / x.len().max(1) as f64).sqrt()
}

/// An aggregate's own trend (England): no pooling with authorities, whose year-to-year noise
/// averages out in the total. Its drift's se is the one every authority carries (England's
/// changes, distorted years out, over the root of their number: `Pooled::with_national`); the
/// distorted years' swings are in its year-to-year sd, not in how far its drift is known.
pub fn fit_own(changes: &[f64], all_changes: &[f64], pooled: &Pooled) -> Trend {
    if changes.len() < 2 || all_changes.len() < 3 {
        return fit(changes, all_changes, pooled);
    }
    let (g, _) = mean_sd(changes);
    let (_, vol) = mean_sd(all_changes);
    let vol = vol.min(MAX_VOLATILITY);
    Trend {
        drift: g,
        drift_se: pooled.drift_se,
        volatility: vol,
        vol_dof: all_changes.len() as f64 - 1.0,
        transient_share: 0.0,
        own_drift: Some(g),
        n_changes: changes.len(),
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
/// (the mean's own uncertainty included): `shrunk_mean_parts` with its two sds together.
pub fn shrunk_mean_sd(x: &[f64], pooled_mean: f64, pooled_sd: f64, pool: bool) -> (f64, f64) {
    let (m, sd, se) = shrunk_mean_parts(x, pooled_mean, pooled_sd, pool);
    (m, sd.hypot(se))
}

/// Mean of a short series, its year-to-year sd shrunk towards a pooled one as if the pool
/// were worth `VOL_PRIOR_YEARS` years, and the standard error of the mean (that sd over the
/// root of the years): the part of a new year's uncertainty that every later year shares.
/// With no years (or one, unpooled), the pooled mean and sd, and no standard error.
pub fn shrunk_mean_parts(
    x: &[f64],
    pooled_mean: f64,
    pooled_sd: f64,
    pool: bool,
) -> (f64, f64, f64) {
    let n = x.len();
    if n == 0 || (!pool && n < 2) {
        return (pooled_mean, pooled_sd, 0.0);
    }
    let (m, s) = mean_sd(x);
    let dof = (n - 1) as f64;
    let nu = if pool { VOL_PRIOR_YEARS } else { 0.0 };
    let sd = shrunk_sd(s, dof, pooled_sd, nu);
    (m, sd, sd / (n as f64).sqrt())
}

/// An sd `s` on `dof` degrees of freedom pooled with a prior sd worth `nu` of them.
fn shrunk_sd(s: f64, dof: f64, prior: f64, nu: f64) -> f64 {
    ((dof * s * s + nu * prior.powi(2)) / (dof + nu)).sqrt()
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
    fn an_authority_carries_on_all_authorities_drift_with_its_own_spread_around_it() {
        let pooled = Pooled {
            drift: 0.10,
            drift_sd: 0.15,
            drift_se: 0.03,
            volatility: 0.10,
            national_var: 0.0,
            transient: 0.0,
            transient_from_new_plans: false,
            retention: None,
            authorities: 100,
            conversion_sd: 0.2,
            gap: 0.015,
            gap_sd: 0.03,
            gap_spread: 0.02,
            gap_df: None,
            six_week_spread: None,
            twenty_week_spread: None,
        }
        .with_national(&[0.12, 0.08, 0.14, 0.06], &[0.12, 0.08, 0.14, 0.06]);
        // England's changes: sd 0.0365 over 4 of them.
        assert!((pooled.drift_se - 0.0365 / 2.0).abs() < 1e-3, "{pooled:?}");
        // A fast-growing authority keeps the common drift; its own is shown, and its spread is
        // measured around the common drift (0.2 from each change), shrunk towards 0.10.
        let t = fit(&[0.30, 0.30, 0.30], &[0.30, 0.30, 0.30], &pooled);
        assert_eq!(t.drift, 0.10);
        assert_eq!(t.drift_se, pooled.drift_se);
        assert!((t.own_drift.unwrap() - 0.30).abs() < 1e-12);
        let want = ((3.0 * 0.04 + 4.0 * 0.01) / 7.0f64).sqrt();
        assert!((t.volatility - want).abs() < 1e-12, "{t:?}");
        assert_eq!(t.vol_dof, 7.0);
        // No changes of its own: the pool's sd, as uncertain as the prior's years.
        let t = fit(&[], &[], &pooled);
        assert_eq!((t.volatility, t.vol_dof), (0.10, VOL_PRIOR_YEARS));
        // England keeps its own drift and a year-to-year sd with a distorted year's swing in it,
        // but knows its drift as well as every authority does: a dip and rebound (-0.08, +0.21)
        // widen its sd, not its drift's se.
        let e = fit_own(
            &[0.12, 0.08, 0.14, 0.06],
            &[0.12, 0.08, -0.08, 0.21, 0.14, 0.06],
            &pooled,
        );
        assert!((e.drift - 0.10).abs() < 1e-12);
        assert_eq!(e.drift_se, pooled.drift_se);
        assert!(e.volatility > 0.09, "{e:?}");
    }

    #[test]
    fn the_volatility_is_as_uncertain_as_its_degrees_of_freedom() {
        let t = |dof| Trend {
            drift: 0.1,
            drift_se: 0.05,
            volatility: 0.2,
            vol_dof: dof,
            transient_share: 0.0,
            own_drift: None,
            n_changes: 5,
        };
        // Eight degrees of freedom: chi-squared P10 3.490, P90 13.362.
        let (lo, hi) = (
            t(8.0).volatility_quantile(0.1),
            t(8.0).volatility_quantile(0.9),
        );
        assert!((lo - 0.2 * (8.0f64 / 13.362).sqrt()).abs() < 1e-3, "{lo}");
        assert!((hi - 0.2 * (8.0f64 / 3.490).sqrt()).abs() < 1e-3, "{hi}");
        // Known from many years, it is the estimate.
        let big = t(1e5);
        assert!((big.volatility_quantile(0.1) - 0.2).abs() < 0.002);
        assert!((big.volatility_quantile(0.9) - 0.2).abs() < 0.002);
    }

    #[test]
    fn the_passing_share_of_year_to_year_moves_is_recovered() {
        use rand::SeedableRng;
        use rand_distr::{Distribution, Normal};
        // Lasting steps of variance 0.01 a year and passing deviations of variance 0.01: the
        // change over k years has variance 0.02 + 0.01 k, so 2/3 of a year's passes.
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        let n = Normal::new(0.0, 0.1).unwrap();
        // A thousand authorities' log shares over 2016-2023, with passing deviations or none.
        let mut simulate = |passing: f64| -> Vec<Vec<(i32, f64)>> {
            (0..1000)
                .map(|_| {
                    let mut level = 0.0;
                    (2016..2024)
                        .map(|y| {
                            level += n.sample(&mut rng);
                            (y, level + passing * n.sample(&mut rng))
                        })
                        .collect()
                })
                .collect()
        };
        let share = transient_share(&simulate(1.0), &[]).unwrap().0;
        // About 0.03 of sampling sd with a thousand authorities.
        assert!((share - 2.0 / 3.0).abs() < 0.1, "{share}");
        // A pure random walk: nothing passes.
        let walk = transient_share(&simulate(0.0), &[]).unwrap().0;
        assert!(walk < 0.15, "{walk}");
        // Two years are too few to tell.
        let short = [vec![(2018, 0.0), (2019, 0.1)]];
        assert_eq!(transient_share(&short, &[]), None);
        // With all four lags of its own, a series keeps its own line; with fewer, a companion's
        // (here a pure random walk's) gives the share.
        let walks = simulate(0.0);
        let own = transient_share(&simulate(1.0), &walks).unwrap().0;
        assert!((own - 2.0 / 3.0).abs() < 0.1, "{own}");
        let three_lags: Vec<Vec<(i32, f64)>> = simulate(1.0)
            .into_iter()
            .map(|z| z.into_iter().take(4).collect())
            .collect();
        assert!(transient_share(&three_lags, &[]).unwrap().0 > 0.4);
        assert!(transient_share(&three_lags, &walks).unwrap().0 < 0.15);
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

    /// `n` values at evenly spaced probabilities of a distribution: a sample with its exact shape.
    fn grid(n: usize, q: impl Fn(f64) -> f64) -> Vec<f64> {
        (0..n).map(|i| q((i as f64 + 0.5) / n as f64)).collect()
    }

    #[test]
    fn a_t_distributions_degrees_of_freedom_are_read_from_its_tails() {
        for dof in [3.5, 4.0, 6.0, 12.0] {
            let t = StudentsT::new(0.0, 0.02, dof).unwrap();
            let got = tail_dof(&grid(4001, |u| t.inverse_cdf(u))).expect("heavy tails");
            assert!((got / dof - 1.0).abs() < 0.08, "{dof}: {got}");
        }
        // A normal's tails are a t's beyond 30 degrees of freedom: none reported.
        let n = statrs::distribution::Normal::new(0.0, 0.02).unwrap();
        assert_eq!(tail_dof(&grid(4001, |u| n.inverse_cdf(u))), None);
        // Too few values to tell.
        assert_eq!(tail_dof(&[0.1, -0.1, 0.0]), None);
    }
}
