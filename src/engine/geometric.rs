//! A stage's random extra weeks: geometric with a given mean (truncated at 100 weeks), split
//! over a count of cases at once. While many are left, the share with exactly `e` extra weeks
//! among those with at least `e` is binomial at the same chance for every `e` (tabled in
//! `BinomialTable`); the last few draw their weeks case by case from the inverse CDF. No engine
//! state.

use super::bintab::BinomialTable;
use super::draw::Rng;
use super::reuse::clone_by_fields;
use rand::RngCore;

/// Cases left that draw their extra weeks one by one (half a random word each) rather than by
/// `BinomialTable` draws: 4 took the fewest instructions of 0, 2, 4, 8 and 16 (benches/README.md).
const CASE_BY_CASE: u32 = 4;

/// Slices of the uniform in `Geometric::guide`.
const GUIDE: usize = 256;
const _: () = assert!(
    GUIDE == 1 << 8,
    "the guide is indexed by a uniform's top 8 bits"
);

/// Most extra weeks drawn (the table's length).
const MAX_TERMS: usize = 100;

#[derive(Debug)]
pub struct Geometric {
    /// Cumulative probabilities of 0, 1, 2, ... extra weeks (the last is 1).
    cdf: Vec<f64>,
    /// `cdf` scaled to 32-bit uniforms: a uniform `r` in `0..2^32` gives the first `k` with
    /// `r < cut[k]` (the last is `2^32`).
    cut: Vec<u64>,
    /// For each of `GUIDE` equal slices of the 32-bit uniforms (their top 8 bits), the fewest
    /// extra weeks it can give, so that finding a uniform's place takes a step or two.
    guide: Vec<u8>,
    /// Binomial draws at the chance that a case with at least `e` extra weeks has exactly `e`.
    chain: BinomialTable,
}

clone_by_fields!(Geometric {
    cdf,
    cut,
    guide,
    chain
});

impl Default for Geometric {
    fn default() -> Self {
        Geometric {
            cdf: vec![1.0],
            cut: vec![1 << 32],
            guide: vec![0; GUIDE],
            chain: BinomialTable::default(),
        }
    }
}

impl Geometric {
    /// Extra weeks with mean `mean` (0: none).
    pub fn set_mean(&mut self, mean: f64) {
        self.cdf.clear();
        if mean > 0.0 {
            let q = mean / (1.0 + mean); // P(extra >= k+1 | extra >= k)
            let mut tail = 1.0;
            for _ in 0..MAX_TERMS {
                tail *= q;
                self.cdf.push(1.0 - tail);
                if tail < 1e-12 {
                    break;
                }
            }
            *self.cdf.last_mut().expect("not empty") = 1.0;
            self.chain.set_p(1.0 - q);
        } else {
            self.cdf.push(1.0);
        }
        self.cut.clear();
        self.cut.extend(
            self.cdf
                .iter()
                .map(|p| (p * 4_294_967_296.0).round() as u64),
        );
        let mut k = 0;
        for (b, g) in self.guide.iter_mut().enumerate() {
            while self.cut[k] <= (b as u64) << 24 {
                k += 1;
            }
            *g = k as u8;
        }
    }

    /// Most extra weeks a case can get.
    #[inline]
    pub fn max_weeks(&self) -> usize {
        self.cdf.len() - 1
    }

    /// Split `count` cases by their extra weeks: `(weeks, n)` for each group, onto `groups`.
    pub fn split(&mut self, count: u32, rng: &mut Rng, groups: &mut Vec<(usize, u32)>) {
        let mut f = |e: usize, k: u32| {
            if k > 0 {
                groups.push((e, k));
            }
        };
        let last = self.max_weeks();
        if last == 0 {
            f(0, count);
            return;
        }
        let mut e = 0;
        let mut left = count;
        while left > CASE_BY_CASE && e < last {
            let k = self.chain.sample(left, rng);
            f(e, k);
            left -= k;
            e += 1;
        }
        // Past `e` the extra weeks are geometric again (memoryless): e plus the table's
        // inverse at a uniform, up to its end; two 32-bit uniforms to a random word.
        let mut word = 0;
        for j in 0..left {
            let r = if j % 2 == 0 {
                word = rng.next_u64();
                word as u32
            } else {
                (word >> 32) as u32
            };
            f((e + self.inverse(r)).min(last), 1);
        }
    }

    /// The extra weeks of one case: `split` of a single case without the list.
    #[inline]
    pub fn one(&self, rng: &mut Rng) -> usize {
        let last = self.max_weeks();
        if last == 0 {
            return 0;
        }
        self.inverse(rng.next_u64() as u32).min(last)
    }

    /// The first `k` with `r < cut[k]`: extra weeks at the 32-bit uniform `r`.
    #[inline]
    fn inverse(&self, r: u32) -> usize {
        let mut k = usize::from(self.guide[(r >> 24) as usize]);
        while u64::from(r) >= self.cut[k] {
            k += 1;
        }
        k
    }
}
