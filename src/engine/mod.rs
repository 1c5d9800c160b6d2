//! One trajectory, stepped week by week: demand, decisions, the assessment queue with staff
//! capacity, annual reviews, caseload and finance. Records monthly series into a flat slice.

pub mod ages;
pub mod alias;
pub mod binom;
pub mod bintab;
pub mod buckets;
pub mod capacity;
pub mod caseload;
pub mod draw;
pub mod finance;
pub mod geometric;
pub mod pipeline;
pub mod reuse;
pub mod series;
pub mod staffing;
pub mod stage;

use crate::calendar::WEEKS_PER_YEAR;
use crate::model::compile::MAX_OPEN_AGE_WEEKS;
use crate::model::{Intervention, Model, N_ROLES, N_SETTINGS};
pub use ages::Broken;
use draw::{Draw, Rng, Streams};
use rand_distr::{Distribution, Gamma, Poisson};

/// Buffers reused from one trajectory to the next.
#[derive(Debug, Default)]
pub struct Scratch {
    pipeline: pipeline::Pipeline,
    lambda: Vec<f64>,
    refusal: Vec<f64>,
    /// Demand level by month relative to the start (trend, shocks and policy, no season).
    demand_index: Vec<f64>,
    staffing: staffing::Staffing,
    caseload: caseload::Caseload,
}

reuse::clone_by_fields!(Scratch {
    pipeline,
    lambda,
    refusal,
    demand_index,
    staffing,
    caseload
});

/// The casework parameters of one trajectory.
fn pipeline_params(model: &Model, d: &Draw) -> pipeline::Params {
    let st = &model.stages;
    pipeline::Params {
        min_weeks: [0, 1, 2].map(|s| d.get(st[s].min_weeks).round() as i32),
        extra_weeks: [0, 1, 2].map(|s| d.get(st[s].extra_weeks)),
        late_share: [0, 1, 2].map(|s| d.get(st[s].late_share)),
        late_weeks: [0, 1, 2].map(|s| d.get(st[s].late_weeks)),
        work_weeks: [0, 1, 2].map(|s| d.get(st[s].work_weeks)),
        priority: [0, 1, 2].map(|s| d.get(st[s].priority)),
        oldest_first: d.get(model.process.oldest_first),
        appeal_p: d.get(model.demand.appeal_rate) * d.get(model.demand.appeal_success),
        appeal_weeks: (d.get(model.demand.appeal_weeks).round() as usize)
            .clamp(1, stage::MAX_WAIT_WEEKS - 1),
        review_hours: d.get(model.reviews.hours),
        review_reserved: d.get(model.reviews.reserved_share),
    }
}

/// Hours a case needs by stage and role in month `m`, after `efficiency` interventions.
fn hours_needed(model: &Model, d: &Draw, m: usize) -> [[f64; N_ROLES]; 3] {
    let mut need: [[f64; N_ROLES]; 3] =
        std::array::from_fn(|s| model.stages[s].hours.map(|h| d.get(h)));
    for iv in &model.interventions {
        if let Intervention::Efficiency {
            role,
            stage,
            from,
            ramp_months,
            share,
            ..
        } = iv.kind
        {
            if m >= from {
                let cut = d.get(share) * ramp_phase(m, from, d.get(ramp_months));
                for (s, row) in need.iter_mut().enumerate() {
                    for (r, h) in row.iter_mut().enumerate() {
                        if role.is_none_or(|x| x == r) && stage.is_none_or(|x| x == s) {
                            *h *= 1.0 - cut;
                        }
                    }
                }
            }
        }
    }
    need
}

/// Run one trajectory; `out` holds `N_SERIES * months` values, series-major. A state the model
/// cannot reach (a count below zero, counts that disagree) stops it with [`Broken`].
pub fn simulate(
    model: &Model,
    d: &Draw,
    rngs: &mut Streams,
    sc: &mut Scratch,
    out: &mut [f64],
) -> Result<(), Broken> {
    debug_assert_eq!(out.len(), series::N_SERIES * model.clock.months);
    out.fill(0.0);
    let mut carry = begin(model, d, rngs, sc)?;
    weeks(model, d, rngs, sc, &mut carry, model.clock.n_weeks(), out)
}

/// What a trajectory carries from one week to the next besides `Scratch` and its streams.
#[derive(Debug, Clone)]
struct Carry {
    fin: finance::Finance,
    need: [[f64; N_ROLES]; 3],
    /// The month's flows, summed in the order they come and written at its end.
    flow: [f64; series::N_SERIES],
    /// The next week to step.
    week: usize,
}

/// A trajectory stopped at the start of a week, to go on from there, under the same model or
/// one that differs only in what takes effect from then on (`calibrate`'s anchoring tries a
/// year's capacity from the runs' state at that year's start).
#[derive(Debug)]
pub struct Paused {
    sc: Scratch,
    rngs: Streams,
    carry: Carry,
}

// `clone_from` into a paused run keeps its buffers (a pipeline's binomial tables are some
// hundred kilobytes).
reuse::clone_by_fields!(Paused { sc, rngs, carry });

impl Paused {
    /// Trajectory `index` of `seed`, before its first week.
    pub fn start(model: &Model, d: &Draw, seed: u64, index: u64) -> Result<Paused, Broken> {
        let mut rngs = Streams::new(seed, index);
        let mut sc = Scratch::default();
        let carry = begin(model, d, &mut rngs, &mut sc)?;
        Ok(Paused { sc, rngs, carry })
    }

    /// The week it stopped at.
    pub fn week(&self) -> usize {
        self.carry.week
    }

    /// Step on to week `to` (at most the model's last), writing the months that end on the way
    /// into `out` (as `simulate`'s; other months are left as they are).
    pub fn advance(
        &mut self,
        model: &Model,
        d: &Draw,
        to: usize,
        out: &mut [f64],
    ) -> Result<(), Broken> {
        let Paused { sc, rngs, carry } = self;
        weeks(model, d, rngs, sc, carry, to, out)
    }
}

/// Set a trajectory up before its first week: demand, staff, caseload, the cases open at the
/// start, finance.
fn begin(model: &Model, d: &Draw, rngs: &mut Streams, sc: &mut Scratch) -> Result<Carry, Broken> {
    // Demand per week and refusal rate per month, with policy effects.
    demand_profile(model, d, sc, &mut rngs.demand);
    sc.staffing.init(model, d);
    sc.caseload.init(model, d);
    let oldest = MAX_OPEN_AGE_WEEKS as i32;
    let pl = &mut sc.pipeline;
    pl.reset(
        pipeline_params(model, d),
        oldest,
        model.clock.n_weeks(),
        d.get(model.reviews.overdue_at_start),
    );

    // Cases open at the start, spread evenly over their ages in weeks.
    let mut initial = vec![[0u32; 3]; oldest as usize + 1];
    for c in &model.pipeline {
        let n = d.get(c.count).round().max(0.0) as usize;
        let span = f64::from(c.age_high - c.age_low);
        for i in 0..n {
            let age = f64::from(c.age_low) + span * (i as f64 + 0.5) / n as f64;
            initial[(age.round() as usize).min(oldest as usize)][c.stage] += 1;
        }
    }
    for (age, counts) in initial.iter().enumerate() {
        for (stage, &n) in counts.iter().enumerate() {
            pl.place(stage, -(age as i32), n, &mut rngs.cases)?;
        }
    }
    Ok(Carry {
        fin: finance::Finance::new(model, d),
        need: hours_needed(model, d, 0),
        flow: [0.0; series::N_SERIES],
        week: 0,
    })
}

/// Step weeks `carry.week..to`, writing each month that ends into `out`.
fn weeks(
    model: &Model,
    d: &Draw,
    rngs: &mut Streams,
    sc: &mut Scratch,
    carry: &mut Carry,
    to: usize,
    out: &mut [f64],
) -> Result<(), Broken> {
    let clock = &model.clock;
    let months = clock.months;
    let n_weeks = clock.n_weeks();
    debug_assert!(to <= n_weeks);
    let Carry {
        fin,
        need,
        flow,
        week,
    } = carry;

    let dispersion = model.demand.dispersion.map(|k| d.get(k));
    let plan_rate: Vec<f64> = (0..clock.n_fy)
        .map(|y| d.year(model.demand.plan_rate, y))
        .collect();
    let capacity = capacity::by_month(model, d);
    // Net migration is set by the year: its monthly rate once a year, not each month, around
    // the future's lasting level.
    let c = &model.caseload;
    let migration: Vec<f64> = (0..clock.n_fy)
        .map(|y| {
            caseload::monthly_rate(d.year(c.net_migration, y) + d.year(c.net_migration_level, y))
        })
        .collect();
    let pl = &mut sc.pipeline;

    for w in *week..to {
        let m = clock.week_month[w] as usize;
        let now = w as i32;
        let fy = clock.month_fy[m] as usize;
        let month_start = clock.month_first_week[m] as usize == w;
        rngs.restart(w, month_start);
        if month_start {
            let seen = sc.demand_index[m.saturating_sub(staffing::FOLLOW_LAG_MONTHS)];
            sc.staffing.month(model, d, m, seen, &mut rngs.staff);
            sc.caseload.set_capacity(model, d, m);
            *need = hours_needed(model, d, m);
            if clock.month(m).month == 9 {
                let aged_out = sc.caseload.september(model, d);
                flow[series::CEASED] += aged_out;
            }
            let (ceased, migrated) = sc.caseload.month(migration[fy]);
            flow[series::CEASED] += ceased;
            flow[series::MIGRATION] += migrated;
        }

        // New requests
        let lam = sc.lambda[w];
        let requests = if lam <= 0.0 {
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

        let roles = &sc.staffing.roles;
        let week = pipeline::Week {
            now,
            requests,
            refusal: sc.refusal[m],
            plan_rate: plan_rate[fy],
            hours: [0, 1, 2].map(|r| roles[r].weekly_hours * capacity[m]),
            team_hours: [0, 1, 2].map(|r| roles[r].backlog_hours * capacity[m]),
            need,
            plans: sc.caseload.total(),
        };
        let plans = pl.week(&week, flow, &mut rngs.cases)?;
        for _ in 0..plans {
            sc.caseload.add_new_plan(&mut rngs.placement);
        }

        let month_end = w + 1 == n_weeks || clock.week_month[w + 1] as usize != m;
        if month_end {
            pl.check(now)?;
            sc.caseload.check(now)?;
            for s in series::FLOWS {
                out[s * months + m] = std::mem::take(&mut flow[s]);
            }
            let cl = &sc.caseload;
            let (open, over, reviews_due) = pl.stocks();
            out[series::OPEN * months + m] = f64::from(open);
            out[series::BACKLOG * months + m] = f64::from(over[0]);
            out[series::OVER_52 * months + m] = f64::from(over[1]);
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
    *week = to.max(*week);
    Ok(())
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

/// `n` normal draws with sd `sd`, or `n` zeros (and no draws) when `sd` is 0.
fn normals(rng: &mut Rng, sd: f64, n: usize) -> Vec<f64> {
    if sd > 0.0 {
        let d = rand_distr::Normal::new(0.0, sd).expect("finite sd");
        (0..n).map(|_| d.sample(rng)).collect()
    } else {
        vec![0.0; n]
    }
}

/// Most requests a year the engine generates.
const MAX_REQUESTS_PER_YEAR: f64 = 1e6;

/// Expected requests per week (trend, seasonality, policy effects) and refusal rate per month.
fn demand_profile(model: &Model, d: &Draw, sc: &mut Scratch, rng: &mut Rng) {
    let clock = &model.clock;
    let dm = &model.demand;
    // Year-to-year moves of log requests, drawn only when the model has them (README "Demand").
    // SEN2 counts requests by calendar year and `volatility` is the sd of the change in their log
    // from one year to the next. Of its variance, 1 - `transient_share` is a step in the level
    // each January (the start's too when it is one) that lasts, and `transient_share` a deviation
    // of each calendar year's own that is gone the next year, measured against one drawn for the
    // year the start's rate was read from. Together they give the yearly totals' changes the
    // whole variance; a shock spread over a year as growth would give them 0.74 of it.
    let vol = d.get(dm.volatility);
    let share = d.get(dm.transient_share);
    let januaries = clock.months.div_ceil(12);
    let steps = normals(rng, vol * (1.0 - share).sqrt(), januaries);
    let passing = normals(rng, vol * (share / 2.0).sqrt(), januaries + 2);
    let season: [f64; 12] = dm.seasonality.map(|p| d.get(p));
    let mean_season = season.iter().sum::<f64>() / 12.0;
    let base = d.get(dm.requests_per_year) / WEEKS_PER_YEAR;
    let mut level = Vec::with_capacity(clock.months);
    sc.demand_index.clear();
    let mut refusal = Vec::with_capacity(clock.months);
    // Each financial year's growth as a monthly factor (one `powf` a year).
    let monthly: Vec<f64> = (0..clock.n_fy)
        .map(|fy| (1.0 + d.year(dm.growth, fy)).powf(1.0 / 12.0))
        .collect();
    let mut x = 1.0;
    let (mut january, mut year) = (0, 1);
    for m in 0..clock.months {
        if m > 0 {
            x *= monthly[clock.month_fy[m] as usize];
        }
        let calendar_month = clock.month(m).month;
        if calendar_month == 1 {
            x *= steps[january].exp();
            january += 1;
            if m > 0 {
                year += 1;
            }
        }
        let here = x * (passing[year] - passing[0]).exp();
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
        let s = if mean_season > 0.0 {
            season[calendar_month as usize - 1] / mean_season
        } else {
            1.0
        };
        // However demand compounds, it stays within the bound on inputs (1,000,000 a year).
        level.push((base * here * s * factor).min(MAX_REQUESTS_PER_YEAR / WEEKS_PER_YEAR));
        sc.demand_index.push(here * factor);
        refusal.push(refuse);
    }
    sc.lambda.clear();
    sc.lambda
        .extend(clock.week_month.iter().map(|&m| level[m as usize]));
    sc.refusal = refusal;
}
