//! Binomial(n, p) draws: by inversion (one uniform, a short walk up the probabilities) when the
//! expected count of the rarer outcome is small, as it is for weekly cohorts of cases, else
//! `rand_distr`'s sampler.

use super::draw::Rng;
use rand::Rng as _;
use rand_distr::{Binomial, Distribution};

/// 1/1, 1/2, ... 1/64.
const RECIPROCALS: [f64; 64] = {
    let mut t = [0.0; 64];
    let mut i = 0;
    while i < 64 {
        t[i] = 1.0 / (i + 1) as f64;
        i += 1;
    }
    t
};

/// `a.powi(n)` for `n >= 1` as compiler-builtins' `__powidf2` computes it (the same squarings
/// and products in the same order, so the same value), inlined instead of called.
#[inline]
fn powi(mut a: f64, mut n: u32) -> f64 {
    let mut r = if n & 1 != 0 { a } else { 1.0 };
    loop {
        n >>= 1;
        if n == 0 {
            return r;
        }
        a *= a;
        if n & 1 != 0 {
            r *= a;
        }
    }
}

/// Binomial(n, p): by inversion (one uniform, a short walk up the probabilities) when the
/// expected count of the rarer outcome is small, as it is for the weekly cohorts.
#[inline]
pub fn binomial(n: u32, p: f64, rng: &mut Rng) -> u32 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    let (q, flip) = if p > 0.5 { (1.0 - p, true) } else { (p, false) };
    let k = if n == 1 {
        // The walk below at n = 1: it stops at 0 below `pmf = 1 - q`, else takes its one step.
        let u: f64 = rng.random();
        u32::from(u >= 1.0 - q)
    } else if f64::from(n) * q < 20.0 {
        let mut pmf = powi(1.0 - q, n);
        let mut u: f64 = rng.random();
        let mut k = 0;
        // The odds only when the walk takes a step (most draws stop at 0).
        if u >= pmf {
            let odds = q / (1.0 - q);
            while u >= pmf && k < n {
                u -= pmf;
                // A multiply by a tabled reciprocal, not a division: the walk is a chain of them.
                let inv = RECIPROCALS
                    .get(k as usize)
                    .copied()
                    .unwrap_or_else(|| 1.0 / f64::from(k + 1));
                pmf *= odds * f64::from(n - k) * inv;
                k += 1;
            }
        }
        k
    } else {
        Binomial::new(u64::from(n), q)
            .expect("p within [0, 1]")
            .sample(rng) as u32
    };
    if flip {
        n - k
    } else {
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn rng() -> Rng {
        Rng::seed_from_u64(1)
    }

    #[test]
    fn binomial_has_its_mean_and_variance() {
        let mut r = rng();
        for (n, p) in [(5, 0.3), (30, 0.9), (200, 0.05), (1000, 0.4)] {
            let draws: Vec<f64> = (0..20_000)
                .map(|_| f64::from(binomial(n, p, &mut r)))
                .collect();
            let mean = draws.iter().sum::<f64>() / draws.len() as f64;
            let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / draws.len() as f64;
            let (m, v) = (f64::from(n) * p, f64::from(n) * p * (1.0 - p));
            assert!(
                (mean - m).abs() < 4.0 * (v / 20_000.0).sqrt(),
                "{n} {p}: {mean}"
            );
            assert!((var / v - 1.0).abs() < 0.05, "{n} {p}: {var}");
        }
    }
}
