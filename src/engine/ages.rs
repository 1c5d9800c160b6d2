//! Open requests and assessments counted by the week of their request, with running counts of
//! those past 20 and past 52 weeks, and every change checked: a count that would go below zero
//! is an internal error ([`Broken`]), never a wrapped number in the outputs.

use super::reuse::clone_by_fields;

/// Ages (weeks since request) whose open cases are counted: over 20 and over 52 weeks.
pub const THRESHOLDS: [i32; 2] = [20, 52];

/// A state the model cannot reach: a count below zero, or counts that contradict each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// What broke, in words ("open cases of request week 12 below zero").
    pub what: String,
    /// Simulated week it was found in (0 = the first).
    pub week: i32,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (simulated week {})", self.what, self.week)
    }
}

impl std::error::Error for Broken {}

/// `Err(Broken)` naming `what` at `week`.
#[cold]
pub fn broken<T>(what: impl Into<String>, week: i32) -> Result<T, Broken> {
    Err(Broken {
        what: what.into(),
        week,
    })
}

#[derive(Debug, Default)]
pub struct Ages {
    /// Week `w` is index `w + offset`.
    offset: i32,
    open_by_week: Vec<u32>,
    /// First index not yet counted in `over[k]` (cohorts before it are past `THRESHOLDS[k]`).
    next_cohort: [usize; 2],
    over: [u32; 2],
    open: u32,
    /// Cases ever opened (at the start, by requests, appeals and second plans).
    opened: u64,
}

clone_by_fields!(Ages {
    offset,
    open_by_week,
    next_cohort,
    over,
    open,
    opened
});

impl Ages {
    /// Empty, for request weeks `-oldest..weeks`.
    pub fn reset(&mut self, oldest: i32, weeks: usize) {
        self.offset = oldest + 1;
        self.open_by_week.clear();
        self.open_by_week
            .resize(self.offset as usize + weeks + 1, 0);
        self.next_cohort = [0, 0];
        self.over = [0, 0];
        self.open = 0;
        self.opened = 0;
    }

    fn index(&self, request_week: i32, now: i32) -> Result<usize, Broken> {
        let i = request_week + self.offset;
        if i < 0 || i as usize >= self.open_by_week.len() {
            return broken(
                format!("request week {request_week} outside the weeks counted"),
                now,
            );
        }
        Ok(i as usize)
    }

    /// `n` cases of `request_week` open.
    pub fn open_cases(&mut self, request_week: i32, n: u32, now: i32) -> Result<(), Broken> {
        if n == 0 {
            return Ok(());
        }
        let i = self.index(request_week, now)?;
        let (Some(c), Some(o)) = (
            self.open_by_week[i].checked_add(n),
            self.open.checked_add(n),
        ) else {
            return broken("open cases above 4,294,967,295", now);
        };
        self.open_by_week[i] = c;
        self.open = o;
        self.opened += u64::from(n);
        // Cases of a request week already counted as past a threshold count there at once.
        for k in 0..THRESHOLDS.len() {
            if i < self.next_cohort[k] {
                self.over[k] += n;
            }
        }
        Ok(())
    }

    /// `n` cases of `request_week` close in week `now`.
    pub fn close_cases(&mut self, request_week: i32, n: u32, now: i32) -> Result<(), Broken> {
        if n == 0 {
            return Ok(());
        }
        let i = self.index(request_week, now)?;
        let Some(c) = self.open_by_week[i].checked_sub(n) else {
            return broken(
                format!(
                    "{n} cases of request week {request_week} closed, but {} were open",
                    self.open_by_week[i]
                ),
                now,
            );
        };
        self.open_by_week[i] = c;
        self.open -= n; // at least open_by_week[i] >= n
        for (k, thr) in THRESHOLDS.iter().enumerate() {
            if i < self.next_cohort[k] {
                if now - request_week <= *thr {
                    return broken(
                        format!("a case of request week {request_week} counted past {thr} weeks too soon"),
                        now,
                    );
                }
                self.over[k] -= n; // over[k] counts open_by_week[i] >= n
            }
        }
        Ok(())
    }

    /// Bring the over-threshold counts up to week `now`.
    pub fn advance(&mut self, now: i32) {
        for (k, thr) in THRESHOLDS.iter().enumerate() {
            // Cohorts at index <= upto are past thr.
            let upto = (now - thr - 1 + self.offset).min(self.open_by_week.len() as i32 - 1);
            while (self.next_cohort[k] as i32) <= upto {
                self.over[k] += self.open_by_week[self.next_cohort[k]];
                self.next_cohort[k] += 1;
            }
        }
    }

    /// Open cases.
    pub fn open(&self) -> u32 {
        self.open
    }

    /// Open cases past 20 weeks (the backlog) and past 52 weeks.
    pub fn over(&self) -> [u32; 2] {
        self.over
    }

    /// Check the counts against each other and against the stages' own: past 52 weeks within
    /// past 20, past 20 within all open, open within all ever opened, and open equal to the
    /// cases the stages hold.
    pub fn check(&self, in_stages: u64, now: i32) -> Result<(), Broken> {
        let [b, y] = self.over;
        if y > b {
            return broken(format!("{y} cases past 52 weeks but {b} past 20"), now);
        }
        if b > self.open {
            return broken(
                format!("backlog of {b} above the {} open cases", self.open),
                now,
            );
        }
        if u64::from(self.open) > self.opened {
            return broken(
                format!(
                    "{} open cases, more than the {} ever opened",
                    self.open, self.opened
                ),
                now,
            );
        }
        if u64::from(self.open) != in_stages {
            return broken(
                format!(
                    "{} open cases counted by request week but {in_stages} in the stages",
                    self.open
                ),
                now,
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_added_to_an_old_week_count_in_its_backlog() {
        // The wrap of issue 15: a second plan from a request already past 20 weeks was added
        // to the open cases but not to the backlog, which then went below zero when it closed.
        let mut a = Ages::default();
        a.reset(100, 200);
        a.open_cases(-30, 1, 0).unwrap();
        a.advance(0);
        assert_eq!(a.over(), [1, 0]);
        a.open_cases(-30, 1, 0).unwrap();
        assert_eq!(a.over(), [2, 0]);
        a.close_cases(-30, 2, 1).unwrap();
        assert_eq!(a.over(), [0, 0]);
        a.check(0, 1).unwrap();
    }

    #[test]
    fn closing_more_than_is_open_is_an_error() {
        let mut a = Ages::default();
        a.reset(10, 50);
        a.open_cases(3, 2, 3).unwrap();
        let e = a.close_cases(3, 3, 5).unwrap_err();
        assert!(
            e.what.contains("3 cases of request week 3 closed, but 2"),
            "{e}"
        );
        assert!(a.index(500, 0).is_err());
    }

    #[test]
    fn check_finds_counts_that_disagree() {
        let mut a = Ages::default();
        a.reset(10, 50);
        a.open_cases(0, 5, 0).unwrap();
        a.check(5, 0).unwrap();
        assert!(a.check(4, 0).unwrap_err().what.contains("in the stages"));
    }
}
