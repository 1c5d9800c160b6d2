//! Counts in numbered buckets (cases by request week) with a sum for each block of 64: add and
//! take in O(1), the number of cases before a bucket and the bucket of the `u`-th case by
//! walking block sums then one block's counts (at most 2 x 64 steps, in order, which a branch
//! predictor follows; a tree's halving steps it cannot). No engine state.

use super::reuse::clone_by_fields;

const BLOCK: usize = 64;

#[derive(Debug, Default)]
pub struct Buckets {
    counts: Vec<u32>,
    /// Cases in each block of `BLOCK` buckets.
    blocks: Vec<u32>,
    total: u32,
    /// No bucket before this one holds a case.
    low: usize,
}

clone_by_fields!(Buckets {
    counts,
    blocks,
    total,
    low
});

impl Buckets {
    /// Empty, with buckets `0..n` (rounded up to a whole block).
    pub fn reset(&mut self, n: usize) {
        let nb = n.max(1).div_ceil(BLOCK);
        self.counts.clear();
        self.counts.resize(nb * BLOCK, 0);
        self.blocks.clear();
        self.blocks.resize(nb, 0);
        self.total = 0;
        self.low = self.counts.len();
    }

    /// Cases in all buckets.
    #[inline]
    pub fn total(&self) -> u32 {
        self.total
    }

    /// Cases in bucket `i`.
    #[inline]
    pub fn count(&self, i: usize) -> u32 {
        self.counts[i]
    }

    /// Number of buckets.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Add `n` cases to bucket `i`.
    #[inline]
    pub fn add(&mut self, i: usize, n: u32) {
        self.counts[i] += n;
        self.blocks[i / BLOCK] += n;
        self.total += n;
        if n > 0 {
            self.low = self.low.min(i);
        }
    }

    /// Take `n` cases from bucket `i`; `None` (nothing changed) when it holds fewer.
    #[inline]
    pub fn take(&mut self, i: usize, n: u32) -> Option<()> {
        self.counts[i] = self.counts[i].checked_sub(n)?;
        self.blocks[i / BLOCK] -= n;
        self.total -= n;
        if i == self.low && self.counts[i] == 0 {
            self.low = self.next_nonempty(i).unwrap_or(self.counts.len());
        }
        Some(())
    }

    /// Cases in buckets `0..i`.
    #[inline]
    pub fn before(&self, i: usize) -> u32 {
        let i = i.min(self.counts.len());
        if i <= self.low {
            return 0;
        }
        let (lb, b) = (self.low / BLOCK, i / BLOCK);
        if lb == b {
            return self.counts[self.low..i].iter().sum();
        }
        let whole: u32 = self.blocks[lb..b].iter().sum();
        whole + self.counts[b * BLOCK..i].iter().sum::<u32>()
    }

    /// The bucket holding case `u` (0-based, cases counted in bucket order); `u < total`.
    #[inline]
    pub fn find(&self, mut u: u32) -> usize {
        debug_assert!(u < self.total);
        let mut b = self.low / BLOCK;
        while self.blocks[b] <= u {
            u -= self.blocks[b];
            b += 1;
        }
        let mut i = (b * BLOCK).max(self.low);
        while self.counts[i] <= u {
            u -= self.counts[i];
            i += 1;
        }
        i
    }

    /// The first bucket at or after `i` holding a case, if any.
    #[inline]
    pub fn next_nonempty(&self, i: usize) -> Option<usize> {
        let mut j = i.max(self.low);
        let mut b = j / BLOCK;
        while b < self.blocks.len() {
            if self.blocks[b] > 0 {
                let end = (b + 1) * BLOCK;
                while j < end {
                    if self.counts[j] > 0 {
                        return Some(j);
                    }
                    j += 1;
                }
            }
            b += 1;
            j = b * BLOCK;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_prefixes_and_finds_like_a_plain_array() {
        let mut f = Buckets::default();
        f.reset(300);
        let mut plain = vec![0u32; f.len()];
        let mut x: u64 = 7;
        for step in 0..4000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let i = (x >> 33) as usize % 300;
            let n = ((x >> 20) % 5) as u32;
            if step % 3 == 2 && plain[i] >= n {
                f.take(i, n).unwrap();
                plain[i] -= n;
            } else {
                f.add(i, n);
                plain[i] += n;
            }
        }
        assert!(
            f.take(3, plain[3] + 1).is_none(),
            "cannot take more than there is"
        );
        let total: u32 = plain.iter().sum();
        assert_eq!(f.total(), total);
        let mut acc = 0;
        for (i, c) in plain.iter().enumerate() {
            assert_eq!(f.before(i), acc);
            assert_eq!(f.count(i), *c);
            for u in acc..acc + c {
                assert_eq!(f.find(u), i);
            }
            let next = (i..plain.len()).find(|&j| plain[j] > 0);
            assert_eq!(f.next_nonempty(i), next);
            acc += c;
        }
    }
}
