//! One step of the statutory process (decision, advice or drafting) as a queue of cases, each
//! keeping its request week. A case entering the stage first waits out the stage's minimum
//! elapsed time plus a random extra (the waits no officer's hours shorten: panels, advice from
//! health and care, the 15-day consultations), then joins the stage's work in progress. How
//! fast that work goes, and in what order, is `pipeline`'s: here a week's completions are taken
//! from the work in progress, some oldest first and the rest at random among the cases of a
//! class (all, overdue, or within 20 weeks). Cases are counted by request week (`Buckets`), so
//! a case picked at random costs a walk over block sums, not O(cases). No engine state.

use super::binom::binomial;
use super::buckets::Buckets;
use super::draw::Rng;
use super::geometric::Geometric;
use super::reuse::clone_by_fields;
use rand::RngCore;

/// Cases that share a request week (and, on the advice stage, the week advice was asked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Done {
    pub request_week: i32,
    pub count: u32,
}

/// Cases waiting out a stage's minimum time: request week, week they entered, count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Waiting {
    request_week: i32,
    entered: i32,
    count: u32,
}

/// Cases wait at most this many weeks for their stage's minimum time.
pub const MAX_WAIT_WEEKS: usize = 128;

/// Cases past this many weeks since their request are overdue (the 20-week limit).
pub const OVERDUE_WEEKS: i32 = 20;

/// Which of a stage's cases a week's completions are taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    All,
    /// Past 20 weeks since the request.
    Overdue,
    /// Within 20 weeks of the request.
    Fresh,
}

#[derive(Debug)]
pub struct Stage {
    /// Week `w` is bucket `w + offset` (room for the oldest case open at the start).
    offset: i32,
    /// Cases waiting out the minimum time, by the week they join the work (ring by week).
    waiting: Vec<Vec<Waiting>>,
    n_waiting: u32,
    /// Work in progress by request week.
    work: Buckets,
    /// Work in progress by how long it has been in the stage, kept when `track_entry` (the
    /// advice clock: 6 weeks from being asked).
    entered: Recent,
    track_entry: bool,
    /// The random extra weeks, and the longer ones of the share of cases held far longer
    /// (`late`: advice from health or care months late, exceptions, disputes).
    extra: Geometric,
    late: Geometric,
    late_share: f64,
    /// Cases by their extra weeks, as they enter (scratch).
    groups: Vec<(usize, u32)>,
    /// Buckets picked this week (scratch).
    picks: Vec<usize>,
}

clone_by_fields!(Stage {
    offset,
    waiting,
    n_waiting,
    work,
    entered,
    track_entry,
    extra,
    late,
    late_share,
    groups,
    picks
});

impl Default for Stage {
    fn default() -> Self {
        Stage {
            offset: 0,
            waiting: vec![Vec::new(); MAX_WAIT_WEEKS],
            n_waiting: 0,
            work: Buckets::default(),
            entered: Recent::default(),
            track_entry: false,
            extra: Geometric::default(),
            late: Geometric::default(),
            late_share: 0.0,
            groups: Vec::new(),
            picks: Vec::new(),
        }
    }
}

/// Append `count` cases of `request_week`, merging with the last entry when it matches.
pub fn push_done(list: &mut Vec<Done>, request_week: i32, count: u32) {
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

/// Cases counted by the week they entered a stage, kept week by week for the last weeks a
/// clock runs (6 for advice) and together before that: all a clock needs to know of them.
#[derive(Debug, Default)]
struct Recent {
    /// `(week entered, cases)` in order, the oldest first.
    weeks: std::collections::VecDeque<(i32, u32)>,
    older: u32,
    /// `older` and the cases of `weeks`.
    total: u32,
}

clone_by_fields!(Recent {
    weeks,
    older,
    total
});

impl Recent {
    fn add(&mut self, entered: i32, n: u32) {
        if n == 0 {
            return;
        }
        self.total += n;
        // Cases arrive in week order, bar those open at the start (entered earlier).
        match self.weeks.back_mut() {
            Some(w) if w.0 == entered => w.1 += n,
            Some(w) if w.0 > entered => self.older += n,
            _ => self.weeks.push_back((entered, n)),
        }
    }

    /// Move weeks entered more than `within` weeks before `now` to the older count.
    fn advance(&mut self, now: i32, within: i32) {
        while let Some(&(w, n)) = self.weeks.front() {
            if now - w <= within {
                break;
            }
            self.older += n;
            self.weeks.pop_front();
        }
    }

    /// Take `n` cases, the longest in the stage first; returns how many were recent.
    fn take_oldest(&mut self, mut n: u32) -> u32 {
        let old = n.min(self.older);
        self.older -= old;
        n -= old;
        let mut recent = 0;
        while n > 0 {
            let Some(front) = self.weeks.front_mut() else {
                break;
            };
            let k = n.min(front.1);
            front.1 -= k;
            n -= k;
            recent += k;
            if front.1 == 0 {
                self.weeks.pop_front();
            }
        }
        self.total -= old + recent;
        recent
    }

    /// Take a case at random; 1 if it was recent.
    fn take_random(&mut self, rng: &mut Rng) -> u32 {
        if self.total == 0 {
            return 0;
        }
        let mut u = below(self.total, rng);
        self.total -= 1;
        if u < self.older {
            self.older -= 1;
            return 0;
        }
        u -= self.older;
        for i in 0..self.weeks.len() {
            if u < self.weeks[i].1 {
                self.weeks[i].1 -= 1;
                if self.weeks[i].1 == 0 {
                    self.weeks.remove(i);
                }
                return 1;
            }
            u -= self.weeks[i].1;
        }
        0
    }
}

/// Whether `n` cases picked at random from `buckets` buckets holding cases are cheaper drawn
/// bucket by bucket (a binomial draw each, about 20 instructions) than case by case (a walk
/// over block sums and a block, about 40).
fn bulk(n: u32, buckets: usize) -> bool {
    n as usize * 2 > buckets
}

/// Take `n` cases at random from buckets `lo..hi` of `tree`, which hold `have`: bucket by
/// bucket, each gives a binomial share of what is still to be taken (its count times the
/// share still wanted), kept within what the buckets left can make up, so exactly `n` are
/// taken, each case about equally likely. `f(bucket, count)` for each bucket that gave some.
fn take_spread(
    tree: &mut Buckets,
    lo: usize,
    hi: usize,
    n: u32,
    mut have: u32,
    rng: &mut Rng,
    mut f: impl FnMut(usize, u32),
) {
    let mut left = n;
    for i in lo..hi {
        if left == 0 {
            break;
        }
        let c = tree.count(i);
        if c == 0 {
            continue;
        }
        let rest = have - c;
        let k = binomial(c, f64::from(left) / f64::from(have), rng)
            .clamp(left.saturating_sub(rest), c.min(left));
        if k > 0 {
            tree.take(i, k).expect("the bucket holds k");
            f(i, k);
        }
        left -= k;
        have = rest;
    }
    debug_assert_eq!(left, 0);
}

/// A uniform integer in `0..m` from 32 random bits (multiply-high: bias below m / 2^32).
#[inline]
fn below(m: u32, rng: &mut Rng) -> u32 {
    ((u64::from(rng.next_u32()) * u64::from(m)) >> 32) as u32
}

impl Stage {
    /// Empty the stage for weeks `-oldest..weeks`, with geometric extra weeks of mean
    /// `delays.0`, and a share `delays.1` of cases held longer, `delays.2` weeks on average;
    /// `track_entry` keeps the week each case entered.
    pub fn reset(&mut self, oldest: i32, weeks: usize, delays: (f64, f64, f64), track_entry: bool) {
        self.offset = oldest + 1;
        let n = self.offset as usize + weeks + 1;
        self.waiting.iter_mut().for_each(Vec::clear);
        self.n_waiting = 0;
        self.work.reset(n);
        self.track_entry = track_entry;
        self.entered = Recent::default();
        self.extra.set_mean(delays.0);
        self.late_share = delays.1;
        self.late.set_mean(delays.2);
    }

    #[inline]
    fn bucket(&self, week: i32) -> usize {
        (week + self.offset) as usize
    }

    /// Cases in the stage: waiting out the minimum time or in the work.
    pub fn len(&self) -> u32 {
        self.n_waiting + self.work.total()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every open case's request week, with counts (waiting first, then in the work).
    pub fn each_open(&self, mut f: impl FnMut(i32, u32)) {
        for w in self.waiting.iter().flatten() {
            f(w.request_week, w.count);
        }
        for i in 0..self.work.len() {
            let n = self.work.count(i);
            if n > 0 {
                f(i as i32 - self.offset, n);
            }
        }
    }

    /// Cases in the work (past the minimum time).
    pub fn in_work(&self) -> u32 {
        self.work.total()
    }

    /// Cases in the work whose request is more than 20 weeks before `now`.
    pub fn overdue_in_work(&self, now: i32) -> u32 {
        self.work
            .before(self.bucket(now - OVERDUE_WEEKS).min(self.work.len()))
    }

    /// Put cases straight into the work, as having entered the stage in week `entered`.
    pub fn place(&mut self, request_week: i32, count: u32, entered: i32) {
        self.join(request_week, entered, count);
    }

    #[inline]
    fn join(&mut self, request_week: i32, entered: i32, count: u32) {
        let i = self.bucket(request_week);
        self.work.add(i, count);
        if self.track_entry {
            self.entered.add(entered, count);
        }
    }

    /// `count` cases of `request_week` enter the stage in week `now`; they join the work from
    /// week `now + min_weeks` plus the stage's random extra weeks.
    pub fn enter(
        &mut self,
        request_week: i32,
        count: u32,
        now: i32,
        min_weeks: i32,
        rng: &mut Rng,
    ) {
        self.enter_as_of(request_week, count, now, now, min_weeks, rng);
    }

    /// As `enter`, for cases that entered the stage in week `entered` (before `now` for cases
    /// open at the start: they wait out only a fresh draw of the extra weeks, which are
    /// memoryless, with `min_weeks` 0).
    pub fn enter_as_of(
        &mut self,
        request_week: i32,
        count: u32,
        now: i32,
        entered: i32,
        min_weeks: i32,
        rng: &mut Rng,
    ) {
        if count == 0 {
            return;
        }
        let earliest = now + min_weeks.max(0);
        let late = if self.late_share > 0.0 {
            binomial(count, self.late_share, rng)
        } else {
            0
        };
        if count == 1 {
            // One case: the same draws as the split below, without the list of groups.
            let e = if late == 1 {
                self.late.one(rng)
            } else {
                self.extra.one(rng)
            };
            self.wait(earliest + e as i32, request_week, now, entered, 1);
            return;
        }
        let mut groups = std::mem::take(&mut self.groups);
        groups.clear();
        self.extra.split(count - late, rng, &mut groups);
        if late > 0 {
            self.late.split(late, rng, &mut groups);
        }
        for &(e, k) in &groups {
            self.wait(earliest + e as i32, request_week, now, entered, k);
        }
        self.groups = groups;
    }

    #[inline]
    fn wait(&mut self, ready: i32, request_week: i32, now: i32, entered: i32, count: u32) {
        if count == 0 {
            return;
        }
        if ready <= now {
            self.join(request_week, entered, count);
            return;
        }
        let wait = ((ready - now) as usize).min(MAX_WAIT_WEEKS - 1);
        let slot = &mut self.waiting[(now as usize + wait) % MAX_WAIT_WEEKS];
        self.n_waiting += count;
        match slot.last_mut() {
            Some(w) if w.request_week == request_week && w.entered == entered => w.count += count,
            _ => slot.push(Waiting {
                request_week,
                entered,
                count,
            }),
        }
    }

    /// Cases whose minimum time ends in week `now` join the work.
    pub fn release(&mut self, now: i32) {
        let slot = now as usize % MAX_WAIT_WEEKS;
        let mut list = std::mem::take(&mut self.waiting[slot]);
        for w in list.drain(..) {
            self.n_waiting -= w.count;
            self.join(w.request_week, w.entered, w.count);
        }
        self.waiting[slot] = list;
    }

    /// Buckets of a class at week `now`.
    fn range(&self, class: Class, now: i32) -> (usize, usize) {
        let split = self.bucket(now - OVERDUE_WEEKS).min(self.work.len());
        match class {
            Class::All => (0, self.work.len()),
            Class::Overdue => (0, split),
            Class::Fresh => (split, self.work.len()),
        }
    }

    /// Take `oldest` cases of `class` in request order, then `random` more at random among the
    /// rest of the class, into `done` (merged by request week, oldest first). Returns how many
    /// of those taken had been in the stage at most `within` weeks (when the entry week is
    /// kept; else 0). Takes no more than the class holds.
    #[allow(clippy::too_many_arguments)]
    pub fn complete(
        &mut self,
        class: Class,
        oldest: u32,
        random: u32,
        now: i32,
        within: i32,
        done: &mut Vec<Done>,
        rng: &mut Rng,
    ) -> u32 {
        let (lo, hi) = self.range(class, now);
        let (first, mut have) = match class {
            Class::All => (0, self.work.total()),
            _ => {
                let first = self.work.before(lo);
                (first, self.work.before(hi) - first)
            }
        };
        let oldest = oldest.min(have);
        let random = random.min(have - oldest);
        let n = oldest + random;
        if n == 0 {
            return 0;
        }
        let start = done.len();
        let mut left = oldest;
        let mut i = lo;
        while left > 0 {
            i = self
                .work
                .next_nonempty(i)
                .expect("the class holds the cases asked for");
            let k = left.min(self.work.count(i));
            self.work.take(i, k).expect("the bucket holds k");
            push_done(done, i as i32 - self.offset, k);
            left -= k;
        }
        have -= oldest;
        // No case is requested after `now`: the class's buckets that can hold cases.
        let live_hi = hi.min(self.bucket(now) + 1);
        let live_lo = if random > 0 {
            self.work.next_nonempty(lo).unwrap_or(live_hi).min(live_hi)
        } else {
            live_hi
        };
        if bulk(random, live_hi - live_lo) {
            take_spread(
                &mut self.work,
                live_lo,
                live_hi,
                random,
                have,
                rng,
                |i, k| {
                    push_done(done, i as i32 - self.offset, k);
                },
            );
        } else {
            self.picks.clear();
            for _ in 0..random {
                let i = self.work.find(first + below(have, rng));
                self.work.take(i, 1).expect("a case was found there");
                self.picks.push(i);
                have -= 1;
            }
            self.picks.sort_unstable();
            // Oldest-first cases come before the random ones in `done`; the random ones follow
            // in request order (a list merged by week, which `push_done` keeps).
            for &i in &self.picks {
                push_done(done, i as i32 - self.offset, 1);
            }
        }
        debug_assert!(done[start..].iter().map(|d| d.count).sum::<u32>() == n);
        if !self.track_entry {
            return 0;
        }
        // The entry weeks of the cases taken, by the same rule over the stage's entry weeks.
        self.entered.advance(now, within);
        let mut within_n = self.entered.take_oldest(oldest);
        for _ in 0..random {
            within_n += self.entered.take_random(rng);
        }
        within_n
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
    fn cases_wait_out_the_minimum_then_join_the_work() {
        let mut s = Stage::default();
        s.reset(10, 100, (0.0, 0.0, 0.0), false);
        s.enter(0, 3, 0, 5, &mut rng());
        assert_eq!((s.len(), s.in_work()), (3, 0));
        for w in 1..5 {
            s.release(w);
            assert_eq!(s.in_work(), 0, "week {w}");
        }
        s.release(5);
        assert_eq!((s.len(), s.in_work()), (3, 3));
    }

    #[test]
    fn oldest_first_then_at_random_within_a_class() {
        let mut s = Stage::default();
        s.reset(60, 100, (0.0, 0.0, 0.0), false);
        for rw in [-40, -30, -25, 5, 6, 7] {
            s.place(rw, 2, 10);
        }
        assert_eq!(s.overdue_in_work(10), 6);
        let mut done = Vec::new();
        s.complete(Class::Overdue, 3, 0, 10, 6, &mut done, &mut rng());
        assert_eq!(weeks(&done), vec![-40, -40, -30]);
        done.clear();
        // Fresh cases only, however many are asked for.
        s.complete(Class::Fresh, 0, 100, 10, 6, &mut done, &mut rng());
        assert_eq!(weeks(&done), vec![5, 5, 6, 6, 7, 7]);
        assert_eq!(s.in_work(), 3);
    }

    #[test]
    fn random_picks_are_uniform_over_cases() {
        let mut r = rng();
        let mut hits = [0u32; 3];
        for _ in 0..30_000 {
            let mut s = Stage::default();
            s.reset(10, 20, (0.0, 0.0, 0.0), false);
            s.place(0, 1, 0);
            s.place(1, 2, 0);
            s.place(2, 7, 0);
            let mut done = Vec::new();
            s.complete(Class::All, 0, 1, 5, 6, &mut done, &mut r);
            hits[done[0].request_week as usize] += 1;
        }
        for (h, share) in hits.iter().zip([0.1, 0.2, 0.7]) {
            let p = f64::from(*h) / 30_000.0;
            assert!((p - share).abs() < 4.0 * (share * (1.0 - share) / 30_000.0f64).sqrt());
        }
    }

    #[test]
    fn many_random_picks_at_once_are_spread_as_case_by_case() {
        // 60 of 100 cases in buckets of 10, 30 and 60: drawn bucket by bucket, each bucket
        // gives 60% of its cases on average, exactly 60 in all.
        let mut r = rng();
        let mut sums = [0.0; 3];
        let runs = 4000;
        for _ in 0..runs {
            let mut s = Stage::default();
            s.reset(10, 20, (0.0, 0.0, 0.0), false);
            s.place(0, 10, 0);
            s.place(1, 30, 0);
            s.place(2, 60, 0);
            let mut done = Vec::new();
            assert!(bulk(60, 3));
            s.complete(Class::All, 0, 60, 5, 6, &mut done, &mut r);
            assert_eq!(done.iter().map(|d| d.count).sum::<u32>(), 60);
            for d in &done {
                sums[d.request_week as usize] += f64::from(d.count);
            }
        }
        for (sum, n) in sums.iter().zip([10.0, 30.0, 60.0]) {
            let mean = sum / f64::from(runs);
            assert!((mean / (0.6 * n) - 1.0).abs() < 0.02, "{mean} of {n}");
        }
    }

    #[test]
    fn entry_weeks_follow_the_cases_taken() {
        let mut s = Stage::default();
        s.reset(10, 100, (0.0, 0.0, 0.0), true);
        let mut r = rng();
        s.enter(0, 4, 0, 0, &mut r); // in the work from week 0
        s.enter(1, 4, 9, 0, &mut r); // entered week 9
        let mut done = Vec::new();
        // At week 10, the first four have been in the stage 10 weeks, the others 1.
        let within = s.complete(Class::All, 4, 0, 10, 6, &mut done, &mut r);
        assert_eq!(within, 0);
        let within = s.complete(Class::All, 0, 4, 10, 6, &mut done, &mut r);
        assert_eq!(within, 4);
        assert!(s.is_empty());
    }

    #[test]
    fn a_stage_copied_into_with_clone_from_goes_on_as_a_clone() {
        let mut r = rng();
        let mut a = Stage::default();
        a.reset(10, 200, (2.0, 0.2, 8.0), true);
        for w in 0..30 {
            a.enter(w, 1 + (w as u32 * 7) % 40, w, 2, &mut r);
            a.release(w);
            a.complete(Class::All, 3, 5, w, 6, &mut Vec::new(), &mut r);
        }
        // Another stage's allocations and worked-out binomial rows, at other chances.
        let mut b = Stage::default();
        b.reset(20, 300, (0.7, 0.4, 3.0), false);
        for w in 0..20 {
            b.enter(w, 60, w, 0, &mut r);
        }
        b.clone_from(&a);
        let mut c = a.clone();
        let (mut rb, mut rc) = (rng(), rng());
        for w in 30..200 {
            let (mut db, mut dc) = (Vec::new(), Vec::new());
            for (s, d, r) in [(&mut b, &mut db, &mut rb), (&mut c, &mut dc, &mut rc)] {
                s.enter(w, 1 + (w as u32 * 5) % 70, w, 1, r);
                s.release(w);
                let within = s.complete(Class::Overdue, 2, 4, w, 6, d, r);
                d.push(Done {
                    request_week: -1,
                    count: within,
                });
                s.complete(Class::Fresh, 1, 9, w, 6, d, r);
            }
            assert_eq!(db, dc, "week {w}");
            assert_eq!(b.len(), c.len(), "week {w}");
        }
    }

    #[test]
    fn extra_weeks_are_geometric_with_their_mean() {
        for size in [1, 20, 200] {
            let mut s = Stage::default();
            let mut r = rng();
            let (mut total, mut squares, mut n) = (0u64, 0u64, 0u64);
            for _ in 0..20_000 / size {
                s.reset(10, 400, (2.0, 0.0, 0.0), false);
                s.enter(0, size, 0, 0, &mut r);
                for w in 0..300 {
                    s.release(w);
                    let mut done = Vec::new();
                    s.complete(Class::All, u32::MAX, 0, w, 6, &mut done, &mut r);
                    let k = u64::from(done.iter().map(|d| d.count).sum::<u32>());
                    total += w as u64 * k;
                    squares += (w * w) as u64 * k;
                    n += k;
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
}
