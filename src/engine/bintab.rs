//! Binomial(n, p) draws for one fixed `p` and small `n`, by inversion against tabled cumulative
//! probabilities searched from the mode: a step or two, where `binom::binomial`'s walk from 0
//! takes about `n p` steps. A stage's extra weeks split its cases with many such draws at the
//! same `p` (see `StageQueue::finish`); rows are worked out the first time an `n` is drawn and
//! kept while `p` stays the same.

use super::binom::binomial;
use super::draw::Rng;
use rand::Rng as _;

/// Largest `n` tabled; larger ones go to `binom::binomial`.
pub const MAX_N: u32 = 127;

/// Row `n` starts at `n (n + 1) / 2` in the flat table and holds `n + 1` entries.
const fn offset(n: u32) -> usize {
    (n as usize) * (n as usize + 1) / 2
}

#[derive(Debug)]
pub struct BinomialTable {
    p: f64,
    /// The rarer outcome's probability, `p` or `1 - p`; a draw counts it, and gives `n` less
    /// the count when `flip` (as `binom::binomial` does).
    q: f64,
    flip: bool,
    /// `cdf[offset(n) + k]` = P(X <= k) for X ~ Binomial(n, q), the last of a row exactly 1.
    cdf: Vec<f64>,
    /// Bit `n` set once row `n` is worked out (`MAX_N` < 128).
    built: u128,
}

impl Default for BinomialTable {
    fn default() -> Self {
        BinomialTable {
            p: f64::NAN,
            q: f64::NAN,
            flip: false,
            cdf: vec![0.0; offset(MAX_N + 1)],
            built: 0,
        }
    }
}

const _: () = assert!(MAX_N < 128, "`built` has a bit for each row");

impl Clone for BinomialTable {
    fn clone(&self) -> Self {
        BinomialTable {
            p: self.p,
            q: self.q,
            flip: self.flip,
            cdf: self.cdf.clone(),
            built: self.built,
        }
    }

    /// Copies only the rows worked out: the others are worked out afresh before they are read.
    fn clone_from(&mut self, source: &Self) {
        self.p = source.p;
        self.q = source.q;
        self.flip = source.flip;
        self.built = source.built;
        self.cdf.resize(source.cdf.len(), 0.0);
        let mut rows = source.built;
        while rows != 0 {
            let n = rows.trailing_zeros();
            let row = offset(n)..offset(n) + n as usize + 1;
            self.cdf[row.clone()].copy_from_slice(&source.cdf[row]);
            rows &= rows - 1;
        }
    }
}

impl BinomialTable {
    /// Draws with probability `p` from now on (rows kept when `p` is the same bits).
    pub fn set_p(&mut self, p: f64) {
        if p.to_bits() != self.p.to_bits() {
            self.p = p;
            (self.q, self.flip) = if p > 0.5 { (1.0 - p, true) } else { (p, false) };
            self.built = 0;
        }
    }

    /// Binomial(n, p): the smallest `k` with `u < P(X <= k)` for one uniform `u` (on the rarer
    /// outcome), the same inversion `binom::binomial` makes for small `n q`, found from the mode
    /// instead of from 0.
    #[inline]
    pub fn sample(&mut self, n: u32, rng: &mut Rng) -> u32 {
        let p = self.p;
        if n > MAX_N || !(p > 0.0 && p < 1.0) {
            return binomial(n, p, rng);
        }
        if self.built & (1 << n) == 0 {
            self.build(n);
        }
        let row = &self.cdf[offset(n)..offset(n) + n as usize + 1];
        let u: f64 = rng.random();
        let mut k = ((f64::from(n) + 1.0) * self.q).floor().min(f64::from(n)) as usize;
        if u < row[k] {
            while k > 0 && u < row[k - 1] {
                k -= 1;
            }
        } else {
            // The last entry is 1, above any uniform, so this stops within the row.
            while u >= row[k] {
                k += 1;
            }
        }
        if self.flip {
            n - k as u32
        } else {
            k as u32
        }
    }

    /// Row `n`: the probabilities by the recurrence up from 0 (`q` is at most a half and `n`
    /// at most 127: the first term is at least 2^-127, far from underflow).
    #[cold]
    fn build(&mut self, n: u32) {
        let q = self.q;
        let row = &mut self.cdf[offset(n)..offset(n) + n as usize + 1];
        let nf = f64::from(n);
        let odds = q / (1.0 - q);
        let mut pmf = (1.0 - q).powi(n as i32);
        let mut acc = 0.0;
        for (k, c) in row.iter_mut().enumerate() {
            acc += pmf;
            *c = acc.min(1.0);
            pmf *= odds * (nf - k as f64) / (k as f64 + 1.0);
        }
        row[n as usize] = 1.0;
        self.built |= 1 << n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn rows_are_binomial_cdfs() {
        for p in [0.05, 0.4, 0.5, 0.6, 0.97] {
            let mut t = BinomialTable::default();
            t.set_p(p);
            let q = p.min(1.0 - p);
            for n in [1, 2, 17, 33, MAX_N] {
                t.build(n);
                let row = &t.cdf[offset(n)..offset(n) + n as usize + 1];
                // P(X <= k) by direct sums of n choose k terms.
                let mut acc = 0.0;
                for (k, &c) in row.iter().enumerate() {
                    let mut choose = 1.0;
                    for j in 0..k {
                        choose *= f64::from(n - j as u32) / (j as f64 + 1.0);
                    }
                    acc += choose * q.powi(k as i32) * (1.0 - q).powi((n as usize - k) as i32);
                    assert!(
                        (c - acc.min(1.0)).abs() < 1e-12,
                        "p {p} n {n} k {k}: {c} vs {acc}"
                    );
                }
                assert!(row.windows(2).all(|w| w[0] <= w[1]), "p {p} n {n}");
            }
        }
    }

    #[test]
    fn draws_match_the_walk_from_zero() {
        // The same uniforms give the same counts as `binom::binomial` (inversion both ways).
        for p in [0.4, 0.5, 0.75] {
            let mut t = BinomialTable::default();
            t.set_p(p);
            let (mut a, mut b) = (Rng::seed_from_u64(9), Rng::seed_from_u64(9));
            let mut same = 0;
            let draws = 20_000;
            for i in 0..draws {
                // Below n q = 20, where `binomial` inverts too.
                let n = 17 + (i % 23) as u32;
                if t.sample(n, &mut a) == binomial(n, p, &mut b) {
                    same += 1;
                }
            }
            // Only a uniform within rounding of a row's entry could go the other way.
            assert!(same >= draws - 2, "p {p}: {same} of {draws}");
        }
    }

    #[test]
    fn falls_back_above_the_table() {
        let mut t = BinomialTable::default();
        t.set_p(0.3);
        let mut r = Rng::seed_from_u64(3);
        let n = 1000;
        let mean = (0..4000)
            .map(|_| f64::from(t.sample(n, &mut r)))
            .sum::<f64>()
            / 4000.0;
        assert!(
            (mean - 300.0).abs() < 4.0 * (210.0f64 / 4000.0).sqrt(),
            "{mean}"
        );
    }
}
