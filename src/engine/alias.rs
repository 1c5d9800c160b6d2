//! Walker's alias table: an index drawn with given weights from one 64-bit random word (its
//! high half picks a column, its low half decides between the column and its alias).
//! `rand_distr::weighted::WeightedAliasIndex` does the same from two draws and a rejection
//! loop; new plans draw one each, and this form took their cost from 142 to 89 instructions
//! a plan (see benches/README.md).

/// Column `i` keeps `i` when the low half of the word is below `cut[i]`, else gives `alias[i]`.
#[derive(Debug, Clone)]
pub struct Alias {
    cut: Vec<u32>,
    alias: Vec<u32>,
}

impl Alias {
    /// The table for `weights` (finite, non-negative); `None` when they sum to 0 or are not
    /// all finite and non-negative, or there are more than `u32::MAX` of them.
    pub fn new(weights: &[f64]) -> Option<Alias> {
        let n = weights.len();
        let total: f64 = weights.iter().sum();
        if n == 0
            || u32::try_from(n).is_err()
            || !total.is_finite()
            || total <= 0.0
            || weights.iter().any(|w| !w.is_finite() || *w < 0.0)
        {
            return None;
        }
        // Vose's method: each column holds `total / n` of weight, its own first.
        let mut scaled: Vec<f64> = weights.iter().map(|w| w * n as f64 / total).collect();
        let (mut small, mut large): (Vec<usize>, Vec<usize>) =
            (0..n).partition(|&i| scaled[i] < 1.0);
        let mut cut = vec![u32::MAX; n];
        let mut alias: Vec<u32> = (0..n as u32).collect();
        while let (Some(&s), Some(&l)) = (small.last(), large.last()) {
            small.pop();
            cut[s] = (scaled[s] * 4_294_967_296.0) as u32;
            alias[s] = l as u32;
            scaled[l] -= 1.0 - scaled[s];
            if scaled[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        // What is left holds a whole column (up to rounding): it always keeps itself, as the
        // `u32::MAX` cut and its own index as alias say.
        Some(Alias { cut, alias })
    }

    /// The index for random word `x`.
    #[inline]
    pub fn sample(&self, x: u64) -> usize {
        let n = self.cut.len() as u64;
        let i = (((x >> 32) * n) >> 32) as usize;
        if (x as u32) < self.cut[i] {
            i
        } else {
            self.alias[i] as usize
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngCore, SeedableRng};

    #[test]
    fn draws_have_the_weights() {
        let w = [0.0, 1.0, 3.0, 0.5, 0.0, 5.5];
        let a = Alias::new(&w).expect("valid weights");
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(9);
        let n = 400_000;
        let mut counts = [0usize; 6];
        for _ in 0..n {
            counts[a.sample(rng.next_u64())] += 1;
        }
        let total: f64 = w.iter().sum();
        for (i, &c) in counts.iter().enumerate() {
            let p = w[i] / total;
            let se = (p * (1.0 - p) / n as f64).sqrt();
            let got = c as f64 / n as f64;
            assert!(
                (got - p).abs() <= 4.0 * se + 1e-12,
                "{i}: {got} against {p}"
            );
        }
        assert_eq!(counts[0] + counts[4], 0, "weight 0 is never drawn");
    }

    #[test]
    fn one_weight_always_gives_itself() {
        let a = Alias::new(&[0.0, 0.0, 2.0]).expect("valid");
        for x in [0, u64::MAX, 1 << 63, 12_345_678_901] {
            assert_eq!(a.sample(x), 2);
        }
    }

    #[test]
    fn refuses_weights_it_cannot_use() {
        assert!(Alias::new(&[]).is_none());
        assert!(Alias::new(&[0.0, 0.0]).is_none());
        assert!(Alias::new(&[1.0, f64::NAN]).is_none());
        assert!(Alias::new(&[1.0, -0.5]).is_none());
    }
}
