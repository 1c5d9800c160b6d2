//! The assessment queue: cases served oldest first by limited hours, each keeping its request
//! week, and held back until the stage's minimum elapsed time (plus a random extra) has passed.
//! Cases that entered a stage in the same week with the same request week are interchangeable,
//! so they travel as one counted cohort and their random extra weeks are drawn per cohort.
//! No engine state.

use super::bintab::BinomialTable;
use super::cohorts::Cohorts;
use super::draw::Rng;
use rand::{Rng as _, RngCore};
use rand_distr::{Binomial, Distribution};

/// Cases that entered a stage together: same request week, same start week.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cohort {
    /// Week the request was received (negative for cases open at the start).
    pub request_week: i32,
    /// Earliest week the stage can finish before any random extra weeks.
    pub earliest: i32,
    pub count: u32,
    /// Work left on the first case, as a share of one case (the others need a whole case).
    pub rem: f64,
    /// Whether the stage's random extra weeks apply (not for cases open at the start).
    pub extra: bool,
}

/// Cases leaving a stage: how many, and their request week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Done {
    pub request_week: i32,
    pub count: u32,
}

/// Cases left that draw their extra weeks one by one (half a random word each) rather than by
/// `BinomialTable` draws: 4 took the fewest instructions of 0, 2, 4, 8 and 16 (benches/README.md).
const CASE_BY_CASE: u32 = 4;

/// Slices of the uniform in `StageQueue::guide`.
const GUIDE: usize = 256;
const _: () = assert!(
    GUIDE == 1 << 8,
    "the guide is indexed by a uniform's top 8 bits"
);

/// Finished work waits at most this many weeks for its stage's minimum time.
pub const MAX_WAIT_WEEKS: usize = 128;

/// Cases past this many weeks since their request are overdue (the 20-week limit).
pub const OVERDUE_WEEKS: i32 = 20;

#[derive(Debug, Clone)]
pub struct StageQueue {
    /// Cohorts in arrival order: those moved on past 20 weeks (overdue), then the fresh ones.
    cohorts: Cohorts,
    /// Cases whose work is done, by the week they may leave (ring indexed by week).
    waiting: Vec<Vec<Done>>,
    n_cases: usize,
    /// Cumulative probabilities of 0, 1, 2, ... extra weeks (the last is 1).
    extra_cdf: Vec<f64>,
    /// `extra_cdf` scaled to 32-bit uniforms: a uniform `r` in `0..2^32` gives the first `k`
    /// with `r < extra_cut[k]` (the last is `2^32`).
    extra_cut: Vec<u64>,
    /// For each of `GUIDE` equal slices of the 32-bit uniforms (their top 8 bits), the fewest
    /// extra weeks it can give, so that finding a uniform's place takes a step or two.
    guide: Vec<u8>,
    /// Binomial draws at the chance that a case with at least `e` extra weeks has exactly `e`
    /// (the same for every `e`: the extra weeks are geometric).
    chain: BinomialTable,
}

impl Default for StageQueue {
    fn default() -> Self {
        StageQueue {
            cohorts: Cohorts::default(),
            waiting: vec![Vec::new(); MAX_WAIT_WEEKS],
            n_cases: 0,
            extra_cdf: vec![1.0],
            extra_cut: vec![1 << 32],
            guide: vec![0; GUIDE],
            chain: BinomialTable::default(),
        }
    }
}

/// Append `count` cases of `request_week`, merging with the last entry when it matches.
fn push_done(list: &mut Vec<Done>, request_week: i32, count: u32) {
    if count == 0 {
        return;
    }
    match list.last_mut() {
        Some(d) if d.request_week == request_week => d.count += count,
        _ => list.push(Done {
            request_week,
            count,
        }),
    }
}

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
    let k = if f64::from(n) * q < 20.0 {
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

impl StageQueue {
    /// Empty the queue and set the stage's random extra weeks: geometric with mean `mean`.
    pub fn reset(&mut self, mean: f64) {
        self.cohorts.clear();
        self.waiting.iter_mut().for_each(Vec::clear);
        self.n_cases = 0;
        self.extra_cdf.clear();
        if mean > 0.0 {
            let q = mean / (1.0 + mean); // P(extra >= k+1 | extra >= k)
            let mut tail = 1.0;
            for _ in 0..100 {
                tail *= q;
                self.extra_cdf.push(1.0 - tail);
                if tail < 1e-12 {
                    break;
                }
            }
            *self.extra_cdf.last_mut().expect("not empty") = 1.0;
            self.chain.set_p(1.0 - q);
        } else {
            self.extra_cdf.push(1.0);
        }
        self.extra_cut.clear();
        self.extra_cut.extend(
            self.extra_cdf
                .iter()
                .map(|p| (p * 4_294_967_296.0).round() as u64),
        );
        let mut k = 0;
        for (b, g) in self.guide.iter_mut().enumerate() {
            while self.extra_cut[k] <= (b as u64) << 24 {
                k += 1;
            }
            *g = k as u8;
        }
    }

    /// Put `count` cases of `request_week` on the stage in week `now`; they may finish from week
    /// `earliest` (plus the stage's random extra weeks when `extra`).
    pub fn push(&mut self, request_week: i32, earliest: i32, count: u32, extra: bool) {
        if count == 0 {
            return;
        }
        self.n_cases += count as usize;
        self.cohorts.push(Cohort {
            request_week,
            earliest,
            count,
            rem: 1.0,
            extra,
        });
    }

    /// Cases in the stage, waiting for work or for time.
    pub fn len(&self) -> usize {
        self.n_cases
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Move cases whose minimum time ends in week `now` to `done`, and cohorts at the head of
    /// the fresh queue that have passed 20 weeks to the overdue queue.
    pub fn release(&mut self, now: i32, done: &mut Vec<Done>) {
        let slot = &mut self.waiting[now as usize % MAX_WAIT_WEEKS];
        if done.is_empty() {
            // A slot, built by `push_done`, holds no empty entries and no two neighbours of the
            // same request week, so it is the list `push_done` would make of it: take it whole.
            for d in slot.iter() {
                self.n_cases -= d.count as usize;
            }
            std::mem::swap(done, slot);
        } else {
            for d in slot.drain(..) {
                self.n_cases -= d.count as usize;
                push_done(done, d.request_week, d.count);
            }
        }
        self.cohorts.move_overdue(now, OVERDUE_WEEKS);
    }

    /// Spend up to `units` (cases' worth of work): the first `backlog_units` on overdue cases
    /// (a backlog team), then newer cases first; with no backlog team, oldest first. Finished
    /// cases leave now if their time has passed, else wait. Returns the units used.
    pub fn serve(
        &mut self,
        units: f64,
        backlog_units: f64,
        now: i32,
        done: &mut Vec<Done>,
        rng: &mut Rng,
    ) -> f64 {
        // A queue with nothing to spend on it (or nothing in it) adds 0 to `used`: skip the call.
        let mut used = 0.0;
        if backlog_units > 0.0 {
            let u = backlog_units.min(units);
            if u > 1e-9 && !self.cohorts.overdue_is_empty() {
                used += self.serve_from(true, u, now, done, rng);
            }
            if units - used > 1e-9 && !self.cohorts.fresh_is_empty() {
                used += self.serve_from(false, units - used, now, done, rng);
            }
        }
        if units - used > 1e-9 && !self.cohorts.overdue_is_empty() {
            used += self.serve_from(true, units - used, now, done, rng);
        }
        if units - used > 1e-9 && !self.cohorts.fresh_is_empty() {
            used += self.serve_from(false, units - used, now, done, rng);
        }
        used
    }

    fn serve_from(
        &mut self,
        overdue: bool,
        units: f64,
        now: i32,
        done: &mut Vec<Done>,
        rng: &mut Rng,
    ) -> f64 {
        // Track what is spent, not what is left: `units` may be infinite (no hours needed).
        let mut spent = 0.0;
        while units - spent > 1e-9 {
            let front = if overdue {
                self.cohorts.overdue_front()
            } else {
                self.cohorts.fresh_front()
            };
            let Some(front) = front else {
                break;
            };
            let left = units - spent;
            if front.rem > left {
                front.rem -= left;
                spent = units;
                break;
            }
            let whole = front.rem + f64::from(front.count - 1);
            let c = *front;
            let finished = if whole <= left {
                spent += whole;
                if overdue {
                    self.cohorts.pop_overdue();
                } else {
                    self.cohorts.pop_fresh();
                }
                c.count
            } else {
                // The first case and then whole ones while the hours last; the next case
                // is started with what is left.
                let k = (1 + (left - c.rem).floor() as u32).min(c.count - 1);
                spent += c.rem + f64::from(k - 1);
                front.count -= k;
                let rest = units - spent;
                front.rem = if rest > 1e-9 { 1.0 - rest } else { 1.0 };
                spent = units;
                k
            };
            self.finish(c, finished, now, done, rng);
        }
        spent
    }

    /// `n` cases of cohort `c` whose work is done: those whose time has come leave now, the
    /// others wait for it.
    fn finish(&mut self, c: Cohort, n: u32, now: i32, done: &mut Vec<Done>, rng: &mut Rng) {
        let rw = c.request_week;
        let last = self.extra_cdf.len() as i32 - 1;
        let t = now - c.earliest; // extra weeks that would already have passed
        if !c.extra && c.earliest > now {
            self.wait(c.earliest, rw, n, now);
            return;
        }
        if !c.extra || t >= last {
            self.n_cases -= n as usize;
            push_done(done, rw, n);
            return;
        }
        // Those whose extra weeks have passed leave now.
        let ready = if t >= 0 {
            binomial(n, self.extra_cdf[t as usize], rng)
        } else {
            0
        };
        self.n_cases -= ready as usize;
        push_done(done, rw, ready);
        // The others: while many are left, the share with exactly `e` extra weeks among those
        // with at least `e` is binomial, at the same chance for every `e`; the last few draw
        // their extra weeks case by case from the table's upper part.
        let mut e = (t + 1).max(0) as usize;
        let mut left = n - ready;
        let last = last as usize;
        while left > CASE_BY_CASE && e < last {
            let k = self.chain.sample(left, rng);
            self.wait(c.earliest + e as i32, rw, k, now);
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
            let mut k = usize::from(self.guide[(r >> 24) as usize]);
            while u64::from(r) >= self.extra_cut[k] {
                k += 1;
            }
            self.wait(c.earliest + (e + k).min(last) as i32, rw, 1, now);
        }
    }

    fn wait(&mut self, ready: i32, request_week: i32, count: u32, now: i32) {
        let wait = ((ready - now) as usize).clamp(1, MAX_WAIT_WEEKS - 1);
        push_done(
            &mut self.waiting[(now as usize + wait) % MAX_WAIT_WEEKS],
            request_week,
            count,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn rng() -> Rng {
        Rng::seed_from_u64(1)
    }

    fn weeks(done: &[Done]) -> Vec<i32> {
        done.iter()
            .flat_map(|d| std::iter::repeat_n(d.request_week, d.count as usize))
            .collect()
    }

    #[test]
    fn serves_oldest_first_and_carries_partial_work() {
        let mut q = StageQueue::default();
        q.reset(0.0);
        for i in 0..3 {
            q.push(i, 0, 1, true);
        }
        let mut done = Vec::new();
        assert!((q.serve(1.5, 0.0, 0, &mut done, &mut rng()) - 1.5).abs() < 1e-9);
        assert_eq!(weeks(&done), vec![0]);
        done.clear();
        q.serve(0.5, 0.0, 1, &mut done, &mut rng());
        assert_eq!(weeks(&done), vec![1]);
        assert_eq!(q.len(), 1);
    }

    #[test]
    fn a_cohort_is_served_case_by_case() {
        let mut q = StageQueue::default();
        q.reset(0.0);
        q.push(0, 0, 5, true);
        let mut done = Vec::new();
        q.serve(2.5, 0.0, 0, &mut done, &mut rng());
        assert_eq!(weeks(&done), vec![0, 0]);
        done.clear();
        // Half a case is left on the third: 2.5 units finish it and two more.
        q.serve(2.5, 0.0, 1, &mut done, &mut rng());
        assert_eq!(weeks(&done), vec![0, 0, 0]);
        assert!(q.is_empty());
    }

    #[test]
    fn finished_cases_wait_for_their_minimum_time() {
        let mut q = StageQueue::default();
        q.reset(0.0);
        q.push(0, 5, 1, true);
        let mut done = Vec::new();
        q.serve(10.0, 0.0, 0, &mut done, &mut rng());
        assert!(done.is_empty());
        assert_eq!(q.len(), 1);
        for w in 1..5 {
            q.release(w, &mut done);
            assert!(done.is_empty());
        }
        q.release(5, &mut done);
        assert_eq!(weeks(&done), vec![0]);
        assert!(q.is_empty());
    }

    #[test]
    fn extra_weeks_are_geometric_with_their_mean() {
        for size in [1, 20, 200] {
            let mut q = StageQueue::default();
            q.reset(2.0);
            let mut r = rng();
            let mut total = 0u64;
            let mut squares = 0u64;
            let mut n = 0u64;
            for _ in 0..20_000 / size {
                q.push(0, 0, size, true);
                let mut done = Vec::new();
                q.serve(f64::INFINITY, 0.0, 0, &mut done, &mut r);
                let mut w = 0;
                loop {
                    for d in &done {
                        total += (w * d.count) as u64;
                        squares += (w * w * d.count) as u64;
                        n += d.count as u64;
                    }
                    done.clear();
                    if q.is_empty() {
                        break;
                    }
                    w += 1;
                    q.release(w as i32, &mut done);
                }
            }
            let mean = total as f64 / n as f64;
            let var = squares as f64 / n as f64 - mean * mean;
            assert!((mean - 2.0).abs() < 0.08, "cohorts of {size}: mean {mean}");
            // Geometric: variance mean * (1 + mean).
            assert!(
                (var / 6.0 - 1.0).abs() < 0.1,
                "cohorts of {size}: variance {var}"
            );
        }
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

    #[test]
    fn a_backlog_team_works_overdue_cases_while_new_ones_are_served_first() {
        let mut q = StageQueue::default();
        q.reset(0.0);
        for rw in [-40, -30, 5, 6] {
            q.push(rw, 0, 1, true);
        }
        let mut done = Vec::new();
        q.release(10, &mut done);
        q.serve(2.0, 1.0, 10, &mut done, &mut rng());
        assert_eq!(weeks(&done), vec![-40, 5]);
        done.clear();
        // Without a backlog team: oldest first.
        q.serve(1.0, 0.0, 10, &mut done, &mut rng());
        assert_eq!(weeks(&done), vec![-30]);
    }
}
