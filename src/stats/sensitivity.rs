//! Which uncertain inputs drive the headline outcomes: Spearman rank correlation, and the
//! swing of the outcome's median between the input's lowest and highest deciles (a tornado).

/// Average ranks (ties share their mean rank), 0-based.
pub fn ranks(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0;
        for &k in &idx[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    if sxx == 0.0 || syy == 0.0 {
        0.0
    } else {
        sxy / (sxx * syy).sqrt()
    }
}

/// Spearman rank correlation, over the pairs where `y` is defined.
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let (x, y): (Vec<f64>, Vec<f64>) = x
        .iter()
        .zip(y)
        .filter(|(_, b)| !b.is_nan())
        .map(|(a, b)| (*a, *b))
        .unzip();
    if x.len() < 3 {
        return f64::NAN;
    }
    pearson(&ranks(&x), &ranks(&y))
}

/// Median of `y` among trajectories whose input is in its lowest and in its highest decile.
pub fn decile_medians(x: &[f64], y: &[f64]) -> (f64, f64) {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    decile_medians_sorted(&order, y)
}

/// As [`decile_medians`], given the trajectories in increasing order of the input.
pub fn decile_medians_sorted(order: &[usize], y: &[f64]) -> (f64, f64) {
    let idx: Vec<usize> = order.iter().copied().filter(|&i| !y[i].is_nan()).collect();
    if idx.len() < 10 {
        return (f64::NAN, f64::NAN);
    }
    let tenth = idx.len() / 10;
    let median = |sel: &[usize]| {
        let mut v: Vec<f64> = sel.iter().map(|&i| y[i]).collect();
        v.sort_by(f64::total_cmp);
        super::quantile_sorted(&v, 0.5)
    };
    (median(&idx[..tenth]), median(&idx[idx.len() - tenth..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_correlation_of_a_monotone_map_is_one() {
        let x: Vec<f64> = (0..50).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|v| v.powi(3)).collect();
        assert!((spearman(&x, &y) - 1.0).abs() < 1e-12);
        let (lo, hi) = decile_medians(&x, &y);
        assert!(lo < hi);
        assert_eq!(ranks(&[3.0, 1.0, 3.0]), vec![1.5, 0.0, 1.5]);
    }
}
