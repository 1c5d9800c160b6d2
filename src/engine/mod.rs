//! One trajectory, stepped week by week: demand, decisions, the assessment queue with staff
//! capacity, annual reviews, caseload and finance. Records monthly series into a flat slice.

pub mod alias;
pub mod bintab;
pub mod caseload;
pub mod cohorts;
pub mod draw;
pub mod finance;
pub mod queue;
pub mod series;
pub mod staffing;

use crate::calendar::WEEKS_PER_YEAR;
use crate::model::compile::MAX_OPEN_AGE_WEEKS;
use crate::model::{
    Intervention, Model, ADVICE, CASE_OFFICER, DECISION, DRAFTING, N_ROLES, N_SETTINGS,
};
use draw::{Draw, Rng, Streams};
use queue::{binomial, Done, StageQueue};
use rand_distr::{Distribution, Gamma, Poisson};

/// Offset of week 0 in the by-request-week counts (room for the oldest open case).
const OFFSET: usize = MAX_OPEN_AGE_WEEKS as usize + 1;
/// Ages (weeks since request) whose open cases are counted: over 20 and over 52 weeks.
const THRESHOLDS: [i32; 2] = [20, 52];

/// Buffers reused from one trajectory to the next.
#[derive(Debug, Default)]
pub struct Scratch {
    stages: [StageQueue; 3],
    done: Vec<Done>,
    open_by_week: Vec<u32>,
    /// Appeals won, re-entering assessment, by week (ring).
    appeals: Vec<u32>,
    lambda: Vec<f64>,
    refusal: Vec<f64>,
    /// Demand level by month relative to the start (trend, shocks and policy, no season).
    demand_index: Vec<f64>,
    staffing: staffing::Staffing,
    caseload: caseload::Caseload,
}

/// Open cases counted by the week of their request, with running counts of those past each
/// threshold age.
struct Ages<'a> {
    open_by_week: &'a mut [u32],
    next_cohort: [usize; 2],
    over: [u32; 2],
    open: u32,
}

impl Ages<'_> {
    fn open_cases(&mut self, request_week: i32, n: u32) {
        self.open_by_week[(request_week + OFFSET as i32) as usize] += n;
        self.open += n;
    }

    fn close_cases(&mut self, request_week: i32, n: u32, now: i32) {
        let i = (request_week + OFFSET as i32) as usize;
        self.open_by_week[i] -= n;
        self.open -= n;
        for (k, thr) in THRESHOLDS.iter().enumerate() {
            if i < self.next_cohort[k] {
                debug_assert!(now - request_week > *thr);
                self.over[k] -= n;
            }
        }
    }

    /// Bring the over-threshold counts up to week `now`.
    fn advance(&mut self, now: i32) {
        for (k, thr) in THRESHOLDS.iter().enumerate() {
            let upto = now - thr - 1 + OFFSET as i32; // cohorts at index <= upto are past thr
            while (self.next_cohort[k] as i32) <= upto {
                self.over[k] += self.open_by_week[self.next_cohort[k]];
                self.next_cohort[k] += 1;
            }
        }
    }
}

/// Run one trajectory; `out` holds `N_SERIES * months` values, series-major.
pub fn simulate(model: &Model, d: &Draw, rngs: &mut Streams, sc: &mut Scratch, out: &mut [f64]) {
    let clock = &model.clock;
    let months = clock.months;
    let n_weeks = clock.n_weeks();
    debug_assert_eq!(out.len(), series::N_SERIES * months);
    out.fill(0.0);
    // The month's flows, summed here in the order they come and written at its end.
    let mut flow = [0.0; series::N_SERIES];

    // Demand per week and refusal rate per month, with policy effects.
    demand_profile(model, d, sc, &mut rngs.demand);

    // Stage parameters
    let min_w: [i32; 3] = [0, 1, 2].map(|s| d.get(model.stages[s].min_weeks).round() as i32);
    let hours: [[f64; N_ROLES]; 3] = [0, 1, 2].map(|s| model.stages[s].hours.map(|h| d.get(h)));
    let appeal_p = d.get(model.demand.appeal_rate) * d.get(model.demand.appeal_success);
    let appeal_weeks =
        (d.get(model.demand.appeal_weeks).round() as usize).clamp(1, queue::MAX_WAIT_WEEKS - 1);
    let dispersion = model.demand.dispersion.map(|k| d.get(k));
    let plan_rate: Vec<f64> = (0..clock.n_fy)
        .map(|y| d.year(model.demand.plan_rate, y))
        .collect();
    let review_hours = d.get(model.reviews.hours);
    // Net migration is set by the year: its monthly rate once a year, not each month.
    let migration: Vec<f64> = (0..clock.n_fy)
        .map(|y| caseload::monthly_rate(d.year(model.caseload.net_migration, y)))
        .collect();
    let review_reserved = d.get(model.reviews.reserved_share);

    for (s, st) in sc.stages.iter_mut().enumerate() {
        st.reset(d.get(model.stages[s].extra_weeks));
    }
    sc.open_by_week.clear();
    sc.open_by_week.resize(OFFSET + n_weeks + 1, 0);
    sc.appeals.clear();
    sc.appeals.resize(queue::MAX_WAIT_WEEKS, 0);
    sc.staffing.init(model, d);
    sc.caseload.init(model, d);
    let mut ages = Ages {
        open_by_week: &mut sc.open_by_week,
        next_cohort: [0, 0],
        over: [0, 0],
        open: 0,
    };

    // Cases open at the start, oldest first within each stage, counted by age in weeks.
    let mut initial = vec![[0u32; 3]; MAX_OPEN_AGE_WEEKS as usize + 1];
    for c in &model.pipeline {
        let n = d.get(c.count).round().max(0.0) as usize;
        for i in 0..n {
            let span = (c.age_high - c.age_low) as f64;
            let age = c.age_low as f64 + span * (i as f64 + 0.5) / n as f64;
            initial[(age.round() as usize).min(MAX_OPEN_AGE_WEEKS as usize)][c.stage] += 1;
        }
    }
    for s in [DECISION, ADVICE, DRAFTING] {
        for (age, counts) in initial.iter().enumerate().rev() {
            let rw = -(age as i32);
            sc.stages[s].push(rw, 0, counts[s], false);
            ages.open_cases(rw, counts[s]);
        }
    }

    let mut reviews_due = d.get(model.reviews.overdue_at_start);
    let mut fin = finance::Finance::new(model, d);

    for w in 0..n_weeks {
        let m = clock.week_month[w] as usize;
        let now = w as i32;
        let fy = clock.month_fy[m] as usize;
        if clock.month_first_week[m] as usize == w {
            let seen = sc.demand_index[m.saturating_sub(staffing::FOLLOW_LAG_MONTHS)];
            sc.staffing.month(model, d, m, seen, &mut rngs.staff);
            sc.caseload.set_capacity(model, d, m);
            if clock.month(m).month == 9 {
                let aged_out = sc.caseload.september(model, d);
                flow[series::CEASED] += aged_out;
            }
            let (ceased, migrated) = sc.caseload.month(migration[fy]);
            flow[series::CEASED] += ceased;
            flow[series::MIGRATION] += migrated;
        }
        ages.advance(now);

        // New requests
        let lam = sc.lambda[w];
        let n = if lam <= 0.0 {
            0
        } else {
            let mean = match dispersion {
                Some(k) => Gamma::new(k, lam / k)
                    .expect("positive")
                    .sample(&mut rngs.demand),
                None => lam,
            };
            if mean > 0.0 {
                Poisson::new(mean)
                    .expect("positive")
                    .sample(&mut rngs.demand) as u32
            } else {
                0
            }
        };
        flow[series::REQUESTS] += n as f64;
        sc.stages[DECISION].push(now, now + min_w[DECISION], n, true);
        ages.open_cases(now, n);
        // Refusals overturned on appeal come back as new assessments.
        let back = std::mem::take(&mut sc.appeals[w % queue::MAX_WAIT_WEEKS]);
        sc.stages[ADVICE].push(now, now + min_w[ADVICE], back, true);
        ages.open_cases(now, back);

        // Hours this week by role; part of case officers' time is kept for annual reviews.
        let mut avail: [f64; N_ROLES] = [0, 1, 2].map(|r| sc.staffing.roles[r].weekly_hours);
        let mut backlog: [f64; N_ROLES] = [0, 1, 2].map(|r| sc.staffing.roles[r].backlog_hours);
        let reserved = (avail[CASE_OFFICER] - backlog[CASE_OFFICER]) * review_reserved;
        avail[CASE_OFFICER] -= reserved;

        for stage in [DECISION, ADVICE, DRAFTING] {
            let need = &hours[stage];
            // Cases' worth of work the hours allow, set by the scarcest role. Overdue cases get
            // first call on up to what the stage's backlog team can do: its own hours, and the
            // shared hours of roles without a team (a manager's sign-off, say).
            let roles = (0..N_ROLES).filter(|&r| need[r] > 0.0);
            let units = roles
                .clone()
                .map(|r| avail[r] / need[r])
                .fold(f64::INFINITY, f64::min);
            let backlog_units = if roles.clone().any(|r| backlog[r] > 0.0) {
                roles
                    .map(|r| {
                        let team = sc.staffing.roles[r].backlog_hours > 0.0;
                        let h = if team { backlog[r] } else { avail[r] };
                        h.min(avail[r]) / need[r]
                    })
                    .fold(f64::INFINITY, f64::min)
            } else {
                0.0
            };
            sc.done.clear();
            sc.stages[stage].release(now, &mut sc.done);
            let used =
                sc.stages[stage].serve(units, backlog_units, now, &mut sc.done, &mut rngs.cases);
            if used.is_finite() {
                let from_backlog = used.min(backlog_units);
                for r in 0..N_ROLES {
                    avail[r] = (avail[r] - used * need[r]).max(0.0);
                    backlog[r] = (backlog[r] - from_backlog * need[r]).max(0.0);
                }
            }
            for i in 0..sc.done.len() {
                let Done {
                    request_week: rw,
                    count: n,
                } = sc.done[i];
                let waited = now - rw;
                let nf = f64::from(n);
                match stage {
                    DECISION => {
                        flow[series::DECISIONS] += nf;
                        if waited <= 6 {
                            flow[series::DECISIONS_6W] += nf;
                        }
                        let refused = binomial(n, sc.refusal[m], &mut rngs.cases);
                        flow[series::REFUSALS] += f64::from(refused);
                        ages.close_cases(rw, refused, now);
                        let won = binomial(refused, appeal_p, &mut rngs.cases);
                        sc.appeals[(w + appeal_weeks) % queue::MAX_WAIT_WEEKS] += won;
                        sc.stages[ADVICE].push(rw, now + min_w[ADVICE], n - refused, true);
                    }
                    ADVICE => {
                        // Plans per assessment; above 1 an assessment sometimes stands for a
                        // second plan (SEN2 counts more new plans than requests agreed).
                        let rate = plan_rate[fy];
                        let whole = rate.floor() as u32;
                        let more = binomial(n, rate.fract(), &mut rngs.cases);
                        let plans = whole * n + more;
                        let no_plan = if whole == 0 { n - more } else { 0 };
                        ages.open_cases(rw, plans - (n - no_plan));
                        sc.stages[DRAFTING].push(rw, now + min_w[DRAFTING], plans, true);
                        if no_plan > 0 {
                            flow[series::NO_PLAN] += f64::from(no_plan);
                            ages.close_cases(rw, no_plan, now);
                        }
                    }
                    _ => {
                        flow[series::NEW_PLANS] += nf;
                        if waited <= 20 {
                            flow[series::PLANS_20W] += nf;
                        }
                        flow[series::WEEKS_TO_PLAN] += waited as f64 * nf;
                        ages.close_cases(rw, n, now);
                        for _ in 0..n {
                            sc.caseload.add_new_plan(&mut rngs.placement);
                        }
                    }
                }
            }
        }

        // Annual reviews: a year's worth fall due over the year; reserved hours plus any case
        // officer time the assessments left go to them.
        reviews_due += sc.caseload.total() / WEEKS_PER_YEAR;
        if review_hours > 0.0 {
            let done = ((reserved + avail[CASE_OFFICER]) / review_hours).min(reviews_due);
            reviews_due -= done;
        } else {
            reviews_due = 0.0;
        }

        let month_end = w + 1 == n_weeks || clock.week_month[w + 1] as usize != m;
        if month_end {
            for s in series::FLOWS {
                out[s * months + m] = std::mem::take(&mut flow[s]);
            }
            let cl = &sc.caseload;
            out[series::OPEN * months + m] = ages.open as f64;
            out[series::BACKLOG * months + m] = ages.over[0] as f64;
            out[series::OVER_52 * months + m] = ages.over[1] as f64;
            out[series::REVIEWS_OVERDUE * months + m] = reviews_due;
            out[series::EHCPS * months + m] = cl.total();
            for s in 0..N_SETTINGS {
                out[(series::EHCPS_BY_SETTING + s) * months + m] = cl.by_setting[s];
            }
            for r in 0..N_ROLES {
                out[(series::FTE + r) * months + m] = sc.staffing.fte(r);
            }
            let f = fin.month(model, d, m, fy, cl, &sc.staffing);
            out[series::INCOME * months + m] = f.income;
            out[series::EXPENDITURE * months + m] = f.expenditure;
            out[series::CUM_BALANCE * months + m] = f.cumulative;
            out[series::SERVICE_COST * months + m] = f.service_cost;
            for (i, x) in f.income_lines.iter().enumerate() {
                out[(series::INCOME_BY_LINE + i) * months + m] = *x;
            }
            for (i, x) in f.expenditure_lines.iter().enumerate() {
                out[(series::EXPENDITURE_BY_LINE + i) * months + m] = *x;
            }
            for (b, x) in sc.caseload.by_age_band().iter().enumerate() {
                out[(series::EHCPS_BY_AGE + b) * months + m] = *x;
            }
        }
    }
}

/// How far an effect starting in month `from` has come by month `m` (from 1/ramp in its first
/// month to 1 after `ramp` months; 1 at once when `ramp` is 0).
pub fn ramp_phase(m: usize, from: usize, ramp: f64) -> f64 {
    if ramp <= 0.0 {
        1.0
    } else {
        ((m - from + 1) as f64 / ramp).min(1.0)
    }
}

/// Most requests a year the engine generates.
const MAX_REQUESTS_PER_YEAR: f64 = 1e6;

/// Expected requests per week (trend, seasonality, policy effects) and refusal rate per month.
fn demand_profile(model: &Model, d: &Draw, sc: &mut Scratch, rng: &mut Rng) {
    let clock = &model.clock;
    let dm = &model.demand;
    // Year-to-year shocks to log requests, drawn only when the model has them.
    let vol = d.get(dm.volatility);
    let shocks: Vec<f64> = if vol > 0.0 {
        let n = rand_distr::Normal::new(0.0, vol).expect("finite sd");
        (0..clock.n_fy).map(|_| n.sample(rng)).collect()
    } else {
        vec![0.0; clock.n_fy]
    };
    let season: [f64; 12] = dm.seasonality.map(|p| d.get(p));
    let mean_season = season.iter().sum::<f64>() / 12.0;
    let base = d.get(dm.requests_per_year) / WEEKS_PER_YEAR;
    let mut level = Vec::with_capacity(clock.months);
    sc.demand_index.clear();
    let mut refusal = Vec::with_capacity(clock.months);
    // Each year's growth and shock as a monthly factor (one `powf` a year).
    let monthly: Vec<f64> = (0..clock.n_fy)
        .map(|fy| ((1.0 + d.year(dm.growth, fy)) * shocks[fy].exp()).powf(1.0 / 12.0))
        .collect();
    let mut x = 1.0;
    for m in 0..clock.months {
        if m > 0 {
            x *= monthly[clock.month_fy[m] as usize];
        }
        let mut factor = 1.0;
        let mut refuse = d.get(dm.refusal_rate);
        for iv in &model.interventions {
            if let Intervention::DemandEffect {
                from,
                ramp_months,
                requests_factor,
                refusal_rate,
            } = iv.kind
            {
                if m >= from {
                    let phase = ramp_phase(m, from, d.get(ramp_months));
                    factor *= 1.0 + (d.get(requests_factor) - 1.0) * phase;
                    if let Some(r) = refusal_rate {
                        refuse += (d.get(r) - refuse) * phase;
                    }
                }
            }
        }
        let cal = clock.month(m).month as usize - 1;
        let s = if mean_season > 0.0 {
            season[cal] / mean_season
        } else {
            1.0
        };
        // However demand compounds, it stays within the bound on inputs (1,000,000 a year).
        level.push((base * x * s * factor).min(MAX_REQUESTS_PER_YEAR / WEEKS_PER_YEAR));
        sc.demand_index.push(x * factor);
        refusal.push(refuse);
    }
    sc.lambda.clear();
    sc.lambda
        .extend(clock.week_month.iter().map(|&m| level[m as usize]));
    sc.refusal = refusal;
}
