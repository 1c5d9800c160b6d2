//! Counts in numbered buckets (cases by request week) as a Fenwick tree: add and take in
//! O(log n), the number of cases before a bucket, and the bucket of the `u`-th case, so that a
//! case picked at random from a range of buckets costs O(log n) however many cases there are.
//! No engine state.

#[derive(Debug, Clone, Default)]
pub struct Fenwick {
    /// `tree[i]` (1-based) holds the count of buckets `i - lowbit(i) .. i` (0-based, exclusive).
    tree: Vec<u32>,
    counts: Vec<u32>,
    total: u32,
}

impl Fenwick {
    /// Empty, with buckets `0..n` (rounded up to a power of two).
    pub fn reset(&mut self, n: usize) {
        let size = n.max(1).next_power_of_two();
        self.tree.clear();
        self.tree.resize(size + 1, 0);
        self.counts.clear();
        self.counts.resize(size, 0);
        self.total = 0;
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
        if n == 0 {
            return;
        }
        self.counts[i] += n;
        self.total += n;
        let mut j = i + 1;
        while j < self.tree.len() {
            self.tree[j] += n;
            j += j & j.wrapping_neg();
        }
    }

    /// Take `n` cases from bucket `i`; `None` (nothing changed) when it holds fewer.
    #[inline]
    pub fn take(&mut self, i: usize, n: u32) -> Option<()> {
        if n == 0 {
            return Some(());
        }
        self.counts[i] = self.counts[i].checked_sub(n)?;
        self.total -= n;
        let mut j = i + 1;
        while j < self.tree.len() {
            self.tree[j] -= n;
            j += j & j.wrapping_neg();
        }
        Some(())
    }

    /// Cases in buckets `0..i`.
    #[inline]
    pub fn before(&self, i: usize) -> u32 {
        let mut s = 0;
        let mut j = i.min(self.counts.len());
        while j > 0 {
            s += self.tree[j];
            j &= j - 1;
        }
        s
    }

    /// The bucket holding case `u` (0-based, cases counted in bucket order); `u < total`.
    #[inline]
    pub fn find(&self, mut u: u32) -> usize {
        debug_assert!(u < self.total);
        let mut pos = 0;
        let mut step = self.counts.len();
        while step > 0 {
            let next = pos + step;
            if next < self.tree.len() && self.tree[next] <= u {
                u -= self.tree[next];
                pos = next;
            }
            step >>= 1;
        }
        pos
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_prefixes_and_finds_like_a_plain_array() {
        let mut f = Fenwick::default();
        f.reset(100);
        let mut plain = vec![0u32; 128];
        let mut x: u64 = 7;
        for step in 0..2000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let i = (x >> 33) as usize % 100;
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
            acc += c;
        }
    }
}
