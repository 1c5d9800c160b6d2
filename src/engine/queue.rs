//! The assessment queue: cases served oldest first by limited hours, each keeping its request
//! week, and held back until the stage's minimum elapsed time has passed. No engine state.

use std::collections::VecDeque;

/// One open request for an EHC needs assessment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Case {
    /// Week the request was received (negative for cases open at the start).
    pub request_week: i32,
    /// Earliest week the current stage can finish.
    pub ready_week: i32,
    /// Work left in the current stage, as a share of one case.
    pub remaining: f32,
}

/// Finished work waits at most this many weeks for its stage's minimum time.
pub const MAX_WAIT_WEEKS: usize = 128;

/// Cases past this many weeks since their request are overdue (the 20-week limit).
pub const OVERDUE_WEEKS: i32 = 20;

#[derive(Debug, Clone)]
pub struct StageQueue {
    /// Cases within 20 weeks of their request, in arrival order.
    fresh: VecDeque<Case>,
    /// Cases past 20 weeks, oldest first.
    overdue: VecDeque<Case>,
    /// Cases whose work is done, by the week they may leave (ring indexed by week).
    waiting: Vec<Vec<Case>>,
    n_waiting: usize,
}

impl Default for StageQueue {
    fn default() -> Self {
        StageQueue {
            fresh: VecDeque::new(),
            overdue: VecDeque::new(),
            waiting: vec![Vec::new(); MAX_WAIT_WEEKS],
            n_waiting: 0,
        }
    }
}

impl StageQueue {
    pub fn clear(&mut self) {
        self.fresh.clear();
        self.overdue.clear();
        self.waiting.iter_mut().for_each(Vec::clear);
        self.n_waiting = 0;
    }

    pub fn push(&mut self, case: Case) {
        self.fresh.push_back(case);
    }

    /// Cases in the stage, waiting for work or for time.
    pub fn len(&self) -> usize {
        self.fresh.len() + self.overdue.len() + self.n_waiting
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Move cases whose minimum time ends in week `now` to `done`, and cases at the head of the
    /// fresh queue that have passed 20 weeks to the overdue queue.
    pub fn release(&mut self, now: i32, done: &mut Vec<Case>) {
        let slot = &mut self.waiting[now as usize % MAX_WAIT_WEEKS];
        self.n_waiting -= slot.len();
        done.append(slot);
        while let Some(c) = self.fresh.front() {
            if now - c.request_week <= OVERDUE_WEEKS {
                break;
            }
            let c = self.fresh.pop_front().expect("front exists");
            self.overdue.push_back(c);
        }
    }

    /// Spend up to `units` (cases' worth of work): the first `backlog_units` on overdue cases
    /// (a backlog team), then newer cases first; with no backlog team, oldest first. Finished
    /// cases leave now if their minimum time has passed, else wait. Returns the units used.
    pub fn serve(&mut self, units: f64, backlog_units: f64, now: i32, done: &mut Vec<Case>) -> f64 {
        let mut used = 0.0;
        if backlog_units > 0.0 {
            used += self.serve_from(true, backlog_units.min(units), now, done);
            used += self.serve_from(false, units - used, now, done);
        }
        used += self.serve_from(true, units - used, now, done);
        used += self.serve_from(false, units - used, now, done);
        used
    }

    fn serve_from(&mut self, overdue: bool, units: f64, now: i32, done: &mut Vec<Case>) -> f64 {
        let queue = if overdue {
            &mut self.overdue
        } else {
            &mut self.fresh
        };
        // Track what is spent, not what is left: `units` may be infinite (no hours needed).
        let mut spent = 0.0;
        while units - spent > 1e-9 {
            let Some(front) = queue.front_mut() else {
                break;
            };
            let need = front.remaining as f64;
            let left = units - spent;
            if need > left {
                front.remaining = (need - left) as f32;
                spent = units;
                break;
            }
            spent += need;
            let mut c = queue.pop_front().expect("front exists");
            c.remaining = 0.0;
            if c.ready_week <= now {
                done.push(c);
            } else {
                let wait = ((c.ready_week - now) as usize).min(MAX_WAIT_WEEKS - 1);
                self.waiting[(now as usize + wait) % MAX_WAIT_WEEKS].push(c);
                self.n_waiting += 1;
            }
        }
        spent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(rw: i32, ready: i32) -> Case {
        Case {
            request_week: rw,
            ready_week: ready,
            remaining: 1.0,
        }
    }

    #[test]
    fn serves_oldest_first_and_carries_partial_work() {
        let mut q = StageQueue::default();
        for i in 0..3 {
            q.push(case(i, 0));
        }
        let mut done = Vec::new();
        assert!((q.serve(1.5, 0.0, 0, &mut done) - 1.5).abs() < 1e-9);
        assert_eq!(done.len(), 1);
        assert_eq!(done[0].request_week, 0);
        done.clear();
        q.serve(0.5, 0.0, 1, &mut done);
        assert_eq!(done[0].request_week, 1);
        assert_eq!(q.len(), 1);
    }

    #[test]
    fn finished_cases_wait_for_their_minimum_time() {
        let mut q = StageQueue::default();
        q.push(case(0, 5));
        let mut done = Vec::new();
        q.serve(10.0, 0.0, 0, &mut done);
        assert!(done.is_empty());
        assert_eq!(q.len(), 1);
        for w in 1..5 {
            q.release(w, &mut done);
            assert!(done.is_empty());
        }
        q.release(5, &mut done);
        assert_eq!(done.len(), 1);
        assert!(q.is_empty());
    }

    #[test]
    fn a_backlog_team_works_overdue_cases_while_new_ones_are_served_first() {
        let mut q = StageQueue::default();
        for rw in [-40, -30, 5, 6] {
            q.push(case(rw, 0));
        }
        let mut done = Vec::new();
        q.release(10, &mut done);
        q.serve(2.0, 1.0, 10, &mut done);
        let served: Vec<i32> = done.iter().map(|c| c.request_week).collect();
        assert_eq!(served, vec![-40, 5]);
        done.clear();
        // Without a backlog team: oldest first.
        q.serve(1.0, 0.0, 10, &mut done);
        assert_eq!(done[0].request_week, -30);
    }
}
