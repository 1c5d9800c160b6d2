//! The assessment pipeline, one week at a time: requests to a decision, advice and a plan,
//! each case keeping its request week; staff hours shared over the cases on each role's desk;
//! annual reviews. Used by the engine and by `calibrate`'s fit, so both run the same casework.
//!
//! How hours become progress (the service discipline; README "The assessment pipeline"):
//! each role's statutory hours are shared over all the cases in the work of the stages it
//! works on, in proportion to the hours each case needs times its stage's `priority` (a
//! caseload, not a queue). A case of stage `s` whose slowest role has `L_s` weeks of work on
//! its desk (work in progress weighted by priority relative to `s`'s, over hours a week)
//! finishes with hazard `1 / (work_weeks_s + L_s)` a week: `work_weeks` alone when the desk is
//! empty, slowing in proportion as work piles up, so every stage keeps moving when swamped.
//! Decisions are made in date order; of a week's finished advice and drafting a share
//! (`oldest_first`) are the oldest cases, the rest any of the stage's. While a backlog team
//! works, its hours go to cases past 20 weeks and the permanent hours to newer ones; what
//! either leaves goes to the other's cases.
//! Case officers keep `reserved_share` of their hours for annual reviews, which also get the
//! hours the assessments leave.

use super::ages::{broken, Ages, Broken};
use super::binom::binomial;
use super::draw::Rng;
use super::reuse::clone_by_fields;
use super::series as s;
use super::stage::{Class, Done, Stage, MAX_WAIT_WEEKS};
use crate::calendar::WEEKS_PER_YEAR;
use crate::model::{ADVICE, CASE_OFFICER, DECISION, DRAFTING, N_ROLES};

/// The statutory limits, in weeks from the request (decision, plan) or from being asked
/// (advice), and the age past which a plan counts as issued after more than a year.
pub const DECISION_WEEKS: i32 = 6;
pub const ADVICE_WEEKS: i32 = 6;
pub const PLAN_WEEKS: i32 = 20;
pub const YEAR_WEEKS: i32 = 52;

/// One trajectory's casework parameters.
#[derive(Debug, Clone)]
pub struct Params {
    pub min_weeks: [i32; 3],
    pub extra_weeks: [f64; 3],
    /// Share of cases held far longer (late advice, exceptions, disputes), and their mean
    /// extra weeks.
    pub late_share: [f64; 3],
    pub late_weeks: [f64; 3],
    /// Weeks a case's work takes when nothing else is on the desk.
    pub work_weeks: [f64; 3],
    /// Weight of each stage's cases in sharing a desk (1 each: in proportion to hours needed).
    pub priority: [f64; 3],
    /// Share of each week's finished advice and drafting that are the oldest cases (decisions
    /// are all made in date order).
    pub oldest_first: f64,
    /// Chance a refusal is appealed and overturned, and the weeks that takes.
    pub appeal_p: f64,
    pub appeal_weeks: usize,
    pub review_hours: f64,
    pub review_reserved: f64,
}

impl Default for Params {
    /// No minimum or extra weeks, work done within the week, every stage of equal priority,
    /// no appeals or reviews.
    fn default() -> Self {
        Params {
            min_weeks: [0; 3],
            extra_weeks: [0.0; 3],
            late_share: [0.0; 3],
            late_weeks: [0.0; 3],
            work_weeks: [0.0; 3],
            priority: [1.0; 3],
            oldest_first: 0.0,
            appeal_p: 0.0,
            appeal_weeks: 1,
            review_hours: 0.0,
            review_reserved: 0.0,
        }
    }
}

/// What one week brings.
#[derive(Debug, Clone, Copy)]
pub struct Week<'a> {
    pub now: i32,
    pub requests: u32,
    pub refusal: f64,
    /// Plans per assessment (above 1, an assessment sometimes stands for a second plan).
    pub plan_rate: f64,
    /// Statutory hours by role, backlog teams included, and the backlog teams' part.
    pub hours: [f64; N_ROLES],
    pub team_hours: [f64; N_ROLES],
    /// Hours a case needs by stage and role.
    pub need: &'a [[f64; N_ROLES]; 3],
    /// Plans in place, whose annual reviews fall due over the year.
    pub plans: f64,
}

#[derive(Debug, Default)]
pub struct Pipeline {
    stages: [Stage; 3],
    ages: Ages,
    /// Appeals won, re-entering assessment, by week (ring).
    appeals: Vec<u32>,
    done: Vec<Done>,
    reviews_due: f64,
    p: Params,
}

clone_by_fields!(Pipeline {
    stages,
    ages,
    appeals,
    done,
    reviews_due,
    p
});

/// A stage's hazard of finishing this week for cases within and past 20 weeks.
#[derive(Debug, Clone, Copy)]
struct Hazard {
    fresh: f64,
    overdue: f64,
    /// Whether the two differ (a backlog team works on a role the stage needs).
    split: bool,
}

impl Pipeline {
    /// Empty, for request weeks from `-oldest` to `weeks`, with `reviews_due` reviews overdue.
    pub fn reset(&mut self, p: Params, oldest: i32, weeks: usize, reviews_due: f64) {
        for (i, st) in self.stages.iter_mut().enumerate() {
            let delays = (p.extra_weeks[i], p.late_share[i], p.late_weeks[i]);
            st.reset(oldest, weeks, delays, i == ADVICE);
        }
        self.ages.reset(oldest, weeks);
        self.appeals.clear();
        self.appeals.resize(MAX_WAIT_WEEKS, 0);
        self.reviews_due = reviews_due;
        self.p = p;
    }

    /// `count` cases open at the start in `stage`, requested in `request_week` (<= 0): past the
    /// stage's minimum time, they wait out a fresh draw of its extra weeks (memoryless), late
    /// ones included. Those in advice were asked for it at the 6-week decision (or at the
    /// start, if younger).
    pub fn place(
        &mut self,
        stage: usize,
        request_week: i32,
        count: u32,
        rng: &mut Rng,
    ) -> Result<(), Broken> {
        let asked = (request_week + DECISION_WEEKS).min(0);
        self.stages[stage].enter_as_of(request_week, count, 0, asked, 0, rng);
        self.ages.open_cases(request_week, count, 0)
    }

    /// Open cases, those past 20 and past 52 weeks, and annual reviews overdue.
    pub fn stocks(&self) -> (u32, [u32; 2], f64) {
        (self.ages.open(), self.ages.over(), self.reviews_due)
    }

    /// Cases open in `stage` (waiting out its minimum time or in its work).
    pub fn stage_len(&self, stage: usize) -> u32 {
        self.stages[stage].len()
    }

    /// Every open case of `stage`: its request week and count.
    pub fn each_open(&self, stage: usize, f: impl FnMut(i32, u32)) {
        self.stages[stage].each_open(f);
    }

    /// Check the counts against each other (see `Ages::check`).
    pub fn check(&self, now: i32) -> Result<(), Broken> {
        let held: u64 = self.stages.iter().map(|s| u64::from(s.len())).sum();
        self.ages.check(held, now)?;
        if !(self.reviews_due.is_finite() && self.reviews_due >= 0.0) {
            return broken(
                format!("annual reviews overdue = {}", self.reviews_due),
                now,
            );
        }
        Ok(())
    }

    /// Step one week: flows are added to `flow` (by `series` index); returns the plans issued,
    /// which the caller places.
    pub fn week(&mut self, w: &Week<'_>, flow: &mut [f64], rng: &mut Rng) -> Result<u32, Broken> {
        let now = w.now;
        self.ages.advance(now);

        // New requests, and refusals overturned on appeal coming back as new assessments.
        flow[s::REQUESTS] += f64::from(w.requests);
        self.stages[DECISION].enter(now, w.requests, now, self.p.min_weeks[DECISION], rng);
        self.ages.open_cases(now, w.requests, now)?;
        let back = std::mem::take(&mut self.appeals[now as usize % MAX_WAIT_WEEKS]);
        self.stages[ADVICE].enter(now, back, now, self.p.min_weeks[ADVICE], rng);
        self.ages.open_cases(now, back, now)?;
        for st in &mut self.stages {
            st.release(now);
        }

        // Part of case officers' time is kept for annual reviews.
        let mut hours = w.hours;
        let reserved =
            (hours[CASE_OFFICER] - w.team_hours[CASE_OFFICER]).max(0.0) * self.p.review_reserved;
        hours[CASE_OFFICER] -= reserved;
        let (hazards, used) = self.hazards(now, &hours, &w.team_hours, w.need);

        let fy_plan_rate = w.plan_rate;
        let mut plans = 0;
        for stage in [DECISION, ADVICE, DRAFTING] {
            self.done.clear();
            let h = hazards[stage];
            let st = &mut self.stages[stage];
            let mut within = 0;
            let classes: &[(Class, f64)] = if h.split {
                &[(Class::Overdue, h.overdue), (Class::Fresh, h.fresh)]
            } else {
                &[(Class::All, h.fresh)]
            };
            for &(class, p) in classes {
                let n = match class {
                    Class::All => st.in_work(),
                    Class::Overdue => st.overdue_in_work(now),
                    Class::Fresh => st.in_work() - st.overdue_in_work(now),
                };
                let k = binomial(n, p, rng);
                // Decisions are made in date order (panels); the casework of advice and drafting
                // is shared, a share of it oldest first.
                let oldest = if stage == DECISION {
                    k
                } else {
                    binomial(k, self.p.oldest_first, rng)
                };
                within += st.complete(
                    class,
                    oldest,
                    k - oldest,
                    now,
                    ADVICE_WEEKS,
                    &mut self.done,
                    rng,
                );
            }
            if stage == ADVICE {
                let n: u32 = self.done.iter().map(|d| d.count).sum();
                flow[s::ADVICE_DONE] += f64::from(n);
                flow[s::ADVICE_6W] += f64::from(within);
            }
            for i in 0..self.done.len() {
                let Done {
                    request_week: rw,
                    count: n,
                } = self.done[i];
                let waited = now - rw;
                let nf = f64::from(n);
                match stage {
                    DECISION => {
                        flow[s::DECISIONS] += nf;
                        if waited <= DECISION_WEEKS {
                            flow[s::DECISIONS_6W] += nf;
                        }
                        let refused = binomial(n, w.refusal, rng);
                        flow[s::REFUSALS] += f64::from(refused);
                        self.ages.close_cases(rw, refused, now)?;
                        let won = binomial(refused, self.p.appeal_p, rng);
                        let back = (now as usize + self.p.appeal_weeks) % MAX_WAIT_WEEKS;
                        self.appeals[back] += won;
                        self.stages[ADVICE].enter(
                            rw,
                            n - refused,
                            now,
                            self.p.min_weeks[ADVICE],
                            rng,
                        );
                    }
                    ADVICE => {
                        // Plans per assessment; above 1 an assessment sometimes stands for a
                        // second plan (SEN2 counts more new plans than requests agreed).
                        let whole = fy_plan_rate.floor() as u32;
                        let more = binomial(n, fy_plan_rate.fract(), rng);
                        let made = whole * n + more;
                        let no_plan = if whole == 0 { n - more } else { 0 };
                        let extra = made.saturating_sub(n - no_plan);
                        self.ages.open_cases(rw, extra, now)?;
                        self.stages[DRAFTING].enter(rw, made, now, self.p.min_weeks[DRAFTING], rng);
                        if no_plan > 0 {
                            flow[s::NO_PLAN] += f64::from(no_plan);
                            self.ages.close_cases(rw, no_plan, now)?;
                        }
                    }
                    _ => {
                        flow[s::NEW_PLANS] += nf;
                        if waited <= PLAN_WEEKS {
                            flow[s::PLANS_20W] += nf;
                        }
                        if waited > YEAR_WEEKS {
                            flow[s::PLANS_OVER_52W] += nf;
                        }
                        flow[s::WEEKS_TO_PLAN] += f64::from(waited) * nf;
                        self.ages.close_cases(rw, n, now)?;
                        plans += n;
                    }
                }
            }
        }

        // Annual reviews: a year's worth fall due over the year; reserved hours plus any case
        // officer time the assessments left go to them.
        self.reviews_due += w.plans / WEEKS_PER_YEAR;
        if self.p.review_hours > 0.0 {
            let spare = (hours[CASE_OFFICER] - used[CASE_OFFICER]).max(0.0);
            let done = ((reserved + spare) / self.p.review_hours).min(self.reviews_due);
            self.reviews_due -= done;
        } else {
            self.reviews_due = 0.0;
        }
        Ok(plans)
    }

    /// Each stage's hazard this week, and the hours by role its expected finishes use.
    fn hazards(
        &self,
        now: i32,
        hours: &[f64; N_ROLES],
        team: &[f64; N_ROLES],
        need: &[[f64; N_ROLES]; 3],
    ) -> ([Hazard; 3], [f64; N_ROLES]) {
        let tau = &self.p.work_weeks;
        let n: [f64; 3] = std::array::from_fn(|s| f64::from(self.stages[s].in_work()));
        let o: [f64; 3] = std::array::from_fn(|s| {
            if team.iter().any(|&t| t > 0.0) {
                f64::from(self.stages[s].overdue_in_work(now))
            } else {
                0.0
            }
        });
        // Hours of work on each role's desk, weighted by stage priority, for cases within and
        // past 20 weeks; a stage's load is that over its own priority and the hours.
        let w = &self.p.priority;
        let mut desk_fresh = [0.0; N_ROLES];
        let mut desk_overdue = [0.0; N_ROLES];
        let mut hours_fresh = [0.0; N_ROLES];
        let mut hours_overdue = [0.0; N_ROLES];
        for r in 0..N_ROLES {
            let desk = |counts: &dyn Fn(usize) -> f64| {
                (0..3).map(|s| counts(s) * need[s][r] * w[s]).sum::<f64>()
            };
            if team[r] > 0.0 {
                desk_fresh[r] = desk(&|s| n[s] - o[s]);
                desk_overdue[r] = desk(&|s| o[s]);
                // Hours the cases of a class use at a given number of hours for it.
                let used = |desk: f64, hours: f64, count: &dyn Fn(usize) -> f64| -> f64 {
                    (0..3)
                        .map(|s| {
                            let load = weeks_of_work(desk, w[s] * hours);
                            count(s) * need[s][r] * hazard(tau[s] + load)
                        })
                        .sum()
                };
                // The team works the cases past 20 weeks; what it leaves goes to newer cases,
                // with the permanent hours, and what those leave back to the older ones.
                let spare_team = (team[r] - used(desk_overdue[r], team[r], &|s| o[s])).max(0.0);
                let permanent = (hours[r] - team[r]).max(0.0);
                hours_fresh[r] = permanent + spare_team;
                let spare = hours_fresh[r] - used(desk_fresh[r], hours_fresh[r], &|s| n[s] - o[s]);
                hours_overdue[r] = team[r] - spare_team + spare.max(0.0);
            } else {
                desk_fresh[r] = desk(&|s| n[s]);
                desk_overdue[r] = desk_fresh[r];
                hours_fresh[r] = hours[r];
                hours_overdue[r] = hours[r];
            }
        }
        let mut used = [0.0; N_ROLES];
        let hz: [Hazard; 3] = std::array::from_fn(|s| {
            let slowest = |desk: &[f64; N_ROLES], hours: &[f64; N_ROLES]| {
                (0..N_ROLES)
                    .filter(|&r| need[s][r] > 0.0)
                    .map(|r| weeks_of_work(desk[r], w[s] * hours[r]))
                    .fold(0.0, f64::max)
            };
            let split = (0..N_ROLES).any(|r| need[s][r] > 0.0 && team[r] > 0.0);
            let fresh = hazard(tau[s] + slowest(&desk_fresh, &hours_fresh));
            let overdue = if split {
                hazard(tau[s] + slowest(&desk_overdue, &hours_overdue))
            } else {
                fresh
            };
            for (r, u) in used.iter_mut().enumerate() {
                *u += need[s][r] * ((n[s] - o[s]) * fresh + o[s] * overdue);
            }
            Hazard {
                fresh,
                overdue,
                split,
            }
        });
        (hz, used)
    }
}

/// Weeks the hours take to clear the work: `work / hours` (infinite without hours, 0 without
/// work).
fn weeks_of_work(work: f64, hours: f64) -> f64 {
    if work <= 0.0 {
        0.0
    } else if hours > 0.0 {
        work / hours
    } else {
        f64::INFINITY
    }
}

/// Chance of finishing within a week for a case whose expected time to finish is `weeks`
/// (constant hazard `1 / weeks`).
pub fn hazard(weeks: f64) -> f64 {
    if weeks <= 0.0 {
        1.0
    } else {
        1.0 - (-1.0 / weeks).exp()
    }
}
