//! Distributions across trajectories: quantiles, means, probabilities of events.

pub mod metrics;
pub mod sensitivity;
pub mod stream;

/// Percentiles reported for every metric and period.
pub const PERCENTILES: [f64; 7] = [5.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0];

#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub mean: f64,
    pub sd: f64,
    /// At `PERCENTILES`.
    pub q: [f64; 7],
    /// Trajectories where the value is defined (ratios need events).
    pub n: usize,
    /// Monte Carlo standard error of the mean.
    pub mean_se: f64,
    /// 95% order-statistic confidence intervals of P10, P50 and P90.
    pub q_ci: [(f64, f64); 3],
}

impl Summary {
    /// Whether there is a distribution to report: some trajectories define the value and its
    /// median is a number.
    pub fn is_defined(&self) -> bool {
        self.n > 0 && self.q[3].is_finite()
    }
}

/// Percentiles whose confidence intervals are reported.
pub const CI_PERCENTILES: [f64; 3] = [10.0, 50.0, 90.0];

/// Summary of `values` (NaN = undefined in that trajectory, left out). Reorders in place.
pub fn summarise(values: &mut [f64]) -> Summary {
    let mut n = 0;
    for i in 0..values.len() {
        if !values[i].is_nan() {
            values[n] = values[i];
            n += 1;
        }
    }
    let v = &mut values[..n];
    if n == 0 {
        return Summary {
            mean: f64::NAN,
            sd: f64::NAN,
            q: [f64::NAN; 7],
            n: 0,
            mean_se: f64::NAN,
            q_ci: [(f64::NAN, f64::NAN); 3],
        };
    }
    let mean = v.iter().sum::<f64>() / n as f64;
    let var = if n > 1 {
        v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64
    } else {
        0.0
    };
    select_ranks(v);
    let sd = var.sqrt();
    Summary {
        mean,
        sd,
        q: PERCENTILES.map(|p| quantile_sorted(v, p / 100.0)),
        n,
        mean_se: sd / (n as f64).sqrt(),
        q_ci: CI_PERCENTILES.map(|p| quantile_ci(v, p / 100.0)),
    }
}

/// Put at each rank `summarise` reads the value a full sort would put there (selection, not a
/// sort: the reported order statistics are the same, found in linear time).
fn select_ranks(v: &mut [f64]) {
    let n = v.len();
    if n <= 1024 {
        // A sort is quicker than a dozen selections on few values.
        v.sort_unstable_by(f64::total_cmp);
        return;
    }
    let mut ranks: Vec<usize> = Vec::with_capacity(2 * (PERCENTILES.len() + CI_PERCENTILES.len()));
    for p in PERCENTILES {
        let (lo, hi, _) = interpolation_ranks(n, p / 100.0);
        ranks.extend([lo, hi]);
    }
    for p in CI_PERCENTILES {
        let (lo, hi) = ci_ranks(n, p / 100.0);
        ranks.extend([lo, hi]);
    }
    ranks.sort_unstable();
    ranks.dedup();
    select_all(v, &ranks);
}

/// Selection at several ascending `ranks`: the middle one first, then each side with its own.
fn select_all(v: &mut [f64], ranks: &[usize]) {
    if ranks.is_empty() {
        return;
    }
    let mid = ranks.len() / 2;
    let r = ranks[mid];
    let (left, _, right) = v.select_nth_unstable_by(r, f64::total_cmp);
    select_all(left, &ranks[..mid]);
    let above: Vec<usize> = ranks[mid + 1..].iter().map(|&x| x - r - 1).collect();
    select_all(right, &above);
}

/// Ranks of the order statistics around quantile `p` of `n` values, and the weight of the upper.
fn interpolation_ranks(n: usize, p: f64) -> (usize, usize, f64) {
    let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    (lo, h.ceil() as usize, h - lo as f64)
}

/// Ranks bounding the 95% order-statistic interval of quantile `p` of `n` values.
fn ci_ranks(n: usize, p: f64) -> (usize, usize) {
    let n_f = n as f64;
    let half = 1.96 * (n_f * p * (1.0 - p)).sqrt();
    let lo = ((n_f * p - half).floor().max(1.0) as usize).min(n) - 1;
    let hi = ((n_f * p + half).ceil().max(1.0) as usize).min(n) - 1;
    (lo, hi)
}

/// Distribution-free 95% confidence interval of the `p` quantile of sorted data: the order
/// statistics at ranks n*p -/+ 1.96*sqrt(n*p*(1-p)) (normal approximation to the binomial).
pub fn quantile_ci(v: &[f64], p: f64) -> (f64, f64) {
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let (lo, hi) = ci_ranks(v.len(), p);
    (v[lo], v[hi])
}

/// Standard error of a probability estimated from `n` trajectories.
pub fn probability_se(p: f64, n: usize) -> f64 {
    if n == 0 || p.is_nan() {
        f64::NAN
    } else {
        (p * (1.0 - p) / n as f64).sqrt()
    }
}

/// Quantile of sorted data by linear interpolation between order statistics (Hyndman-Fan 7).
pub fn quantile_sorted(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let (lo, hi, w) = interpolation_ranks(v.len(), p);
    v[lo] + w * (v[hi] - v[lo])
}

/// Share of trajectories where `pred` holds, among those where the value is defined.
pub fn probability(values: &[f64], pred: impl Fn(f64) -> bool) -> f64 {
    let defined: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if defined.is_empty() {
        return f64::NAN;
    }
    defined.iter().filter(|&&x| pred(x)).count() as f64 / defined.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate() {
        let mut v: Vec<f64> = (1..=101).map(f64::from).collect();
        let s = summarise(&mut v);
        assert_eq!(s.q[3], 51.0);
        assert_eq!(s.q[1], 11.0);
        assert!((s.mean - 51.0).abs() < 1e-12);
        assert!((s.mean_se - s.sd / 101f64.sqrt()).abs() < 1e-12);
        let (lo, hi) = s.q_ci[1];
        assert!(lo < 51.0 && hi > 51.0 && hi - lo < 25.0, "{lo} {hi}");
        // Selection reads the same order statistics a sort does.
        for n in [1, 2, 3, 10, 99, 1000, 5000] {
            let mut v: Vec<f64> = (0..n).map(|i| ((i * 7919 + 13) % 101) as f64).collect();
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            let s = summarise(&mut v);
            let want_q = PERCENTILES.map(|p| quantile_sorted(&sorted, p / 100.0));
            let want_ci = CI_PERCENTILES.map(|p| quantile_ci(&sorted, p / 100.0));
            assert_eq!((s.q, s.q_ci), (want_q, want_ci), "n = {n}");
        }
        let mut w = vec![f64::NAN, 2.0, 4.0];
        let s = summarise(&mut w);
        assert_eq!((s.n, s.q[3]), (2, 3.0));
    }
}
