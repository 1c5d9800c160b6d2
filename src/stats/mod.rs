//! Distributions across trajectories: quantiles, means, probabilities of events.

pub mod metrics;

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
}

/// Summary of `values` (NaN = undefined in that trajectory, left out). Sorts in place.
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
        };
    }
    let mean = v.iter().sum::<f64>() / n as f64;
    let var = if n > 1 {
        v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64
    } else {
        0.0
    };
    v.sort_unstable_by(f64::total_cmp);
    Summary {
        mean,
        sd: var.sqrt(),
        q: PERCENTILES.map(|p| quantile_sorted(v, p / 100.0)),
        n,
    }
}

/// Quantile of sorted data by linear interpolation between order statistics (Hyndman-Fan 7).
pub fn quantile_sorted(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let h = (v.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    v[lo] + (h - lo as f64) * (v[hi] - v[lo])
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
        let mut w = vec![f64::NAN, 2.0, 4.0];
        let s = summarise(&mut w);
        assert_eq!((s.n, s.q[3]), (2, 3.0));
    }
}
