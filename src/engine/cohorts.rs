//! A stage's cohorts in arrival order, in one ring buffer: the overdue ones (moved on at the
//! head once past 20 weeks) are a prefix, the fresh ones the rest, so moving a cohort from fresh
//! to overdue is one step of an index, not a copy.

use super::queue::Cohort;

/// A fresh cohort taken from the front while overdue ones are in the ring leaves a hole (a
/// cohort of count 0) at the end of the overdue part; holes are skipped when they reach the head.
#[derive(Debug, Clone)]
pub struct Cohorts {
    /// Length a power of two; position `i` is `buf[i & (len - 1)]`.
    buf: Vec<Cohort>,
    /// Positions, counted from the start and never wrapped: overdue `head..split`, fresh
    /// `split..tail`.
    head: usize,
    split: usize,
    tail: usize,
}

const EMPTY: Cohort = Cohort {
    request_week: 0,
    earliest: 0,
    count: 0,
    rem: 1.0,
    extra: false,
};

impl Default for Cohorts {
    fn default() -> Self {
        Cohorts {
            buf: vec![EMPTY; 64],
            head: 0,
            split: 0,
            tail: 0,
        }
    }
}

impl Cohorts {
    pub fn clear(&mut self) {
        self.head = 0;
        self.split = 0;
        self.tail = 0;
    }

    #[inline]
    fn at(&mut self, i: usize) -> &mut Cohort {
        let mask = self.buf.len() - 1;
        &mut self.buf[i & mask]
    }

    /// Append a fresh cohort.
    #[inline]
    pub fn push(&mut self, c: Cohort) {
        if self.tail - self.head == self.buf.len() {
            self.grow();
        }
        let t = self.tail;
        *self.at(t) = c;
        self.tail += 1;
    }

    /// Twice the room, the cohorts kept in order from position 0.
    #[cold]
    fn grow(&mut self) {
        let n = self.tail - self.head;
        let mut buf = Vec::with_capacity(2 * self.buf.len());
        buf.extend((self.head..self.tail).map(|i| *self.at(i)));
        buf.resize(2 * self.buf.len(), EMPTY);
        self.buf = buf;
        self.split -= self.head;
        self.head = 0;
        self.tail = n;
    }

    /// Whether no fresh cohorts are left.
    #[inline]
    pub fn fresh_is_empty(&self) -> bool {
        self.split == self.tail
    }

    /// Whether the overdue part is empty. Holes count as cohorts here: with only holes left
    /// this says no, and `overdue_front` then skips them and finds nothing.
    #[inline]
    pub fn overdue_is_empty(&self) -> bool {
        self.head == self.split
    }

    /// The oldest overdue cohort, past any holes.
    #[inline]
    pub fn overdue_front(&mut self) -> Option<&mut Cohort> {
        while self.head < self.split {
            let h = self.head;
            if self.at(h).count > 0 {
                return Some(self.at(h));
            }
            self.head += 1;
        }
        None
    }

    /// The fresh cohort that arrived first.
    #[inline]
    pub fn fresh_front(&mut self) -> Option<&mut Cohort> {
        if self.split < self.tail {
            let s = self.split;
            Some(self.at(s))
        } else {
            None
        }
    }

    /// Drop the front of the overdue part (as `overdue_front` gave it).
    #[inline]
    pub fn pop_overdue(&mut self) {
        debug_assert!(self.head < self.split);
        self.head += 1;
    }

    /// Drop the front of the fresh part: it becomes a hole at the end of the overdue part, or
    /// leaves the ring when the overdue part is empty.
    #[inline]
    pub fn pop_fresh(&mut self) {
        debug_assert!(self.split < self.tail);
        if self.head == self.split {
            self.head += 1;
        } else {
            let s = self.split;
            self.at(s).count = 0;
        }
        self.split += 1;
    }

    /// Move fresh cohorts at the front whose request is more than `weeks` before `now` to the
    /// overdue part.
    #[inline]
    pub fn move_overdue(&mut self, now: i32, weeks: i32) {
        while self.split < self.tail {
            let s = self.split;
            if now - self.at(s).request_week <= weeks {
                break;
            }
            self.split += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cohort(request_week: i32) -> Cohort {
        Cohort {
            request_week,
            earliest: 0,
            count: 1,
            rem: 1.0,
            extra: true,
        }
    }

    #[test]
    fn keeps_arrival_order_through_growth_holes_and_wrapping() {
        let mut q = Cohorts::default();
        let mut next = 0;
        let mut served = Vec::new();
        // Enough rounds to wrap the ring and grow it twice.
        for week in 0..400 {
            for _ in 0..(week % 3) {
                q.push(cohort(next));
                next += 1;
            }
            q.move_overdue(week, 20);
            // Alternate: the newest-first backlog order is fresh front, then overdue front.
            if week % 2 == 0 {
                if let Some(c) = q.fresh_front() {
                    served.push(c.request_week);
                    q.pop_fresh();
                }
            }
            if let Some(c) = q.overdue_front() {
                served.push(c.request_week);
                q.pop_overdue();
            }
        }
        while let Some(c) = q.overdue_front() {
            served.push(c.request_week);
            q.pop_overdue();
        }
        while let Some(c) = q.fresh_front() {
            served.push(c.request_week);
            q.pop_fresh();
        }
        served.sort_unstable();
        assert_eq!(served, (0..next).collect::<Vec<_>>(), "each cohort once");
        assert!(q.overdue_is_empty() && q.fresh_is_empty());
    }

    #[test]
    fn overdue_is_the_moved_prefix() {
        let mut q = Cohorts::default();
        for rw in [0, 1, 30, 2] {
            q.push(cohort(rw));
        }
        q.move_overdue(22, 20);
        // 0 and 1 are past 20 weeks; 30 is not, so 2 behind it stays fresh.
        assert_eq!(q.overdue_front().map(|c| c.request_week), Some(0));
        assert_eq!(q.fresh_front().map(|c| c.request_week), Some(30));
        q.pop_fresh();
        assert_eq!(q.fresh_front().map(|c| c.request_week), Some(2));
        q.pop_overdue();
        assert_eq!(q.overdue_front().map(|c| c.request_week), Some(1));
        q.pop_overdue();
        // The hole left by 30 is skipped.
        assert!(q.overdue_front().is_none());
    }
}
