//! Fits the assessment pipeline to an authority's SEN2 record: the engine's own casework
//! (`engine::pipeline`) is run over the calibration years with requests and refusals as
//! recorded, and the effective capacity of each year (a factor on staff sized to that year's
//! workload), the share of finished cases taken oldest first, the weight of decisions on a
//! shared desk, advice's late share, the weeks of work on an empty desk and the decision's
//! random extra weeks (the waits for a panel no officer's hours shorten) are chosen so that
//! the model reproduces, year by year, the plans issued, the share within 20 weeks, the share
//! after more than a year and the share of decisions within 6 weeks.

use super::defaults::{need, workload_hours, HOURS, PROCESS};
use crate::calendar::{Clock, YearMonth, WEEKS_PER_YEAR};
use crate::engine::draw::{stream, Rng};
use crate::engine::pipeline::{Params, Pipeline, Week};
use crate::engine::reuse::clone_by_fields;
use crate::engine::series as s;
use crate::engine::Broken;
use crate::model::compile::LATE_WEEKS_DEFAULT;
use crate::model::{DECISION, N_ROLES};
use rand_distr::{Distribution, Poisson};
use rayon::prelude::*;

/// What one calendar year recorded: the demand the fit replays and what it must reproduce.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub year: i32,
    pub requests: f64,
    pub refusal: f64,
    pub plans: Option<f64>,
    pub in_20_weeks: Option<f64>,
    pub over_52_weeks: Option<f64>,
    pub in_6_weeks: Option<f64>,
    /// Requests still waiting for a decision at the year's end.
    pub undecided: Option<f64>,
}

/// The model's year, averaged over the fit's trajectories.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Outcome {
    pub plans: f64,
    pub in_20_weeks: f64,
    pub over_52_weeks: f64,
    pub in_6_weeks: f64,
    pub undecided: f64,
}

#[derive(Debug, Clone)]
pub struct YearFit {
    pub target: Target,
    pub capacity: f64,
    pub model: Outcome,
}

impl PipelineFit {
    /// The last fitted year with a 20-week share recorded, and that share; a year whose
    /// share is suppressed or not returned (Norfolk's and Havering's 2022) is skipped.
    pub fn last_recorded_share(&self) -> Option<(i32, f64)> {
        self.years
            .iter()
            .rev()
            .find_map(|y| Some((y.target.year, y.target.in_20_weeks?)))
    }

    /// Years between the last fitted year and the last with a 20-week share recorded.
    pub fn years_since_recorded_share(&self) -> Option<usize> {
        let (year, _) = self.last_recorded_share()?;
        let end = self.years.last()?.target.year;
        usize::try_from(end - year).ok()
    }
}

/// Open cases at the end of the fit: stage, youngest and oldest age in weeks, mean count.
pub type OpenBand = (usize, u32, u32, f64);

#[derive(Debug, Clone)]
pub struct PipelineFit {
    pub oldest_first: f64,
    pub decision_priority: f64,
    /// Share of cases whose advice is held far longer (`late_share` of the advice stage).
    pub late_share: f64,
    /// Weeks of work on an empty desk by stage.
    pub work_weeks: [f64; 3],
    /// Mean random extra weeks by stage (the decision's fitted where 6-week shares are recorded).
    pub extra_weeks: [f64; 3],
    pub years: Vec<YearFit>,
    /// Effective capacity to carry on (`anchor` sets it; the last year's factor until then), and
    /// the sd of the log factor from year to year.
    pub level: f64,
    pub sd: f64,
    pub open: Vec<OpenBand>,
    pub trajectories: usize,
}

/// Year-to-year sd of log capacity the own years are shrunk towards, with the weight of this
/// many years [U: the spread of the fitted factors over the fixture authorities is 0.1-0.3].
const SD_PRIOR: f64 = 0.2;
const SD_PRIOR_YEARS: f64 = 2.0;
/// Grids of the process choices, searched one at a time from the middle (the decision's extra
/// weeks from the national default).
const OLDEST_FIRST: [f64; 3] = [0.2, 0.5, 0.8];
const DECISION_PRIORITY: [f64; 4] = [1.0, 4.0, 16.0, 64.0];
const LATE_SHARE: [f64; 5] = [0.0, 0.05, 0.1, 0.2, 0.3];
/// Factors on advice's and drafting's weeks of work on an empty desk: a service slow in its
/// ways of working (hand-offs, panels, quality checks) stays slow whatever its staff.
const WORK_SCALE: [f64; 5] = [0.5, 1.0, 2.0, 4.0, 8.0];
/// Mean extra weeks of the decision past its 3-week minimum: the share decided within 6 weeks
/// can be at most 99.8%, 98.8%, 93.8%, 87.0% or 80.2% (1 - (m / (1 + m))^4), whatever the staff.
const DECISION_EXTRA: [f64; 5] = [0.25, 0.5, 1.0, 1.5, 2.0];
/// The range of `DECISION_EXTRA`.
pub const DECISION_EXTRA_RANGE: (f64, f64) = (DECISION_EXTRA[0], DECISION_EXTRA[4]);
/// P10 and P90 of the lognormal a model draws the decision's extra weeks from when no 6-week
/// share is recorded to fit them to [U]: caps of 99.8% and 63.4% (94.5% at the median, 0.94
/// weeks), as wide as authorities' recorded 6-week shares are spread (SEN2 2023 and 2024: P10
/// 62% and 54%, median 90% and 92%, P90 99% and 99.5%), which the load lowers further where the
/// hours fall short. Chosen after those years were published: the backtest's 6-week scores
/// from origins before 2024 are not out of sample for it (README).
pub const DECISION_EXTRA_UNRECORDED: (f64, f64) = (0.25, 3.5);
/// The most of a service's decisions that can be made within 6 weeks when the decision's
/// extra weeks past its 3-week minimum are geometric with mean `e`: 1 - (e / (1 + e))^4.
pub fn six_week_cap(e: f64) -> f64 {
    1.0 - (e / (1.0 + e)).powi(4)
}

/// How fast the logit of `six_week_cap` falls as the log of `e` rises: 4 / ((1 + e) cap).
pub fn six_week_cap_slope(e: f64) -> f64 {
    4.0 / ((1.0 + e) * six_week_cap(e))
}

/// Bounds of the capacity factor a model draws each year, and of a year's factor on it.
pub const CAPACITY_BOUNDS: (f64, f64) = (0.2, 5.0);
/// Most the year-to-year sd of log capacity carried on may be.
const SD_MAX: f64 = 0.35;
/// Range of the capacity factor searched.
const CAPACITY_RANGE: (f64, f64) = (0.25, 4.0);
/// How far each recorded figure may be from the model's before it counts against the fit as
/// much as a whole unit: plans (log), and the three shares.
const TOLERANCE: [f64; 4] = [0.1, 0.04, 0.03, 0.05];
/// Ages (weeks) of the bands open cases are written in.
const AGE_BANDS: [(u32, u32); 7] = [
    (0, 6),
    (7, 13),
    (14, 20),
    (21, 30),
    (31, 52),
    (53, 104),
    (105, 260),
];

/// One trajectory of the fit: its casework and random stream.
struct State {
    pipeline: Pipeline,
    rng: Rng,
}

clone_by_fields!(State { pipeline, rng });

/// The fit's trajectories at the start of a year, and room for the copies each capacity tried
/// runs on and for the best so far: copied into with `clone_from`, which keeps their allocations
/// (a pipeline holds some hundred vectors) from one capacity and year to the next.
struct States {
    start: Vec<State>,
    trial: Vec<State>,
    best: Vec<State>,
}

/// Trajectories for a year's requests: enough that the shares are not noise, fewer for a big
/// authority whose counts are already steady.
fn trajectories(requests: f64) -> usize {
    ((10_000.0 / requests.max(1.0)).ceil() as usize).clamp(1, 8)
}

/// Staff hours a week by role sized to the workload of a year with `requests` requests.
fn sized_hours(requests: f64, refusal: f64, plan_rate: f64) -> [f64; N_ROLES] {
    let agreed = requests * (1.0 - refusal);
    workload_hours(requests, agreed, agreed * plan_rate)
}

struct Run {
    targets: Vec<Target>,
    plan_rate: f64,
    clock: Clock,
    /// First week of each target year (the fit starts a year before the first, to fill the
    /// pipeline).
    year_start: Vec<usize>,
    need: [[f64; N_ROLES]; 3],
    season: [f64; 12],
}

impl Run {
    /// Step `states` through weeks `from..to` of target year `y` at capacity factor `c`,
    /// returning the year's outcome (from its own weeks only).
    fn year(
        &self,
        states: &mut [State],
        y: usize,
        from: usize,
        to: usize,
        c: f64,
    ) -> Result<Outcome, Broken> {
        let t = &self.targets[y];
        // Staff follow demand six months on: sized to the mean of this year's and last year's.
        let last = if y > 0 {
            self.targets[y - 1].requests
        } else {
            t.requests
        };
        let hours =
            sized_hours(0.5 * (t.requests + last), t.refusal, self.plan_rate).map(|h| h * c);
        let own = self.year_start[y];
        let sums: Vec<[f64; 6]> = states
            .par_iter_mut()
            .map(|st| -> Result<[f64; 6], Broken> {
                let mut flow = vec![0.0; s::N_SERIES];
                let mut kept = [0.0; 6];
                for w in from..to {
                    if w == own {
                        flow.iter_mut().for_each(|x| *x = 0.0);
                    }
                    let m = self.clock.week_month[w] as usize;
                    let cal = self.clock.month(m).month as usize - 1;
                    let lam = t.requests / WEEKS_PER_YEAR * self.season[cal];
                    let requests = Poisson::new(lam.max(1e-9))
                        .map(|p| p.sample(&mut st.rng) as u32)
                        .unwrap_or(0);
                    let week = Week {
                        now: w as i32,
                        requests,
                        refusal: t.refusal,
                        plan_rate: self.plan_rate,
                        hours,
                        team_hours: [0.0; N_ROLES],
                        need: &self.need,
                        plans: 0.0,
                    };
                    st.pipeline.week(&week, &mut flow, &mut st.rng)?;
                }
                kept[0] = flow[s::NEW_PLANS];
                kept[1] = flow[s::PLANS_20W];
                kept[2] = flow[s::PLANS_OVER_52W];
                kept[3] = flow[s::DECISIONS];
                kept[4] = flow[s::DECISIONS_6W];
                kept[5] = f64::from(st.pipeline.stage_len(DECISION));
                Ok(kept)
            })
            .collect::<Result<_, _>>()?;
        let n = states.len() as f64;
        let sum = |i: usize| sums.iter().map(|k| k[i]).sum::<f64>();
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
        Ok(Outcome {
            plans: sum(0) / n,
            in_20_weeks: ratio(sum(1), sum(0)),
            over_52_weeks: ratio(sum(2), sum(0)),
            in_6_weeks: ratio(sum(4), sum(3)),
            undecided: sum(5) / n,
        })
    }
}

/// How far the model's year is from the record, in units of `TOLERANCE`, squared and summed.
pub fn misfit(t: &Target, m: &Outcome) -> f64 {
    let mut d = 0.0;
    if let Some(x) = t.plans.filter(|x| *x > 0.0) {
        d += ((m.plans.max(1.0) / x).ln() / TOLERANCE[0]).powi(2);
    }
    for (rec, model, tol) in [
        (t.in_20_weeks, m.in_20_weeks, TOLERANCE[1]),
        (t.over_52_weeks, m.over_52_weeks, TOLERANCE[2]),
        (t.in_6_weeks, m.in_6_weeks, TOLERANCE[3]),
    ] {
        if let Some(r) = rec {
            d += ((model - r) / tol).powi(2);
        }
    }
    d
}

/// The capacity factor of one year that fits it best from the states at its start: a coarse
/// grid in log capacity, then golden-section search between the best point's neighbours.
/// Returns the factor, its misfit and its outcome, with the states at the year's end in
/// `states.best`.
fn fit_year(
    run: &Run,
    states: &mut States,
    y: usize,
    from: usize,
    to: usize,
) -> Result<(f64, f64, Outcome), Broken> {
    let (lo, hi) = (CAPACITY_RANGE.0.ln(), CAPACITY_RANGE.1.ln());
    let mut best: Option<(f64, f64, Outcome)> = None;
    let mut eval = |lc: f64| -> Result<f64, Broken> {
        let States {
            start,
            trial,
            best: kept,
        } = &mut *states;
        trial.clone_from(start);
        let out = run.year(trial, y, from, to, lc.exp())?;
        let score = misfit(&run.targets[y], &out);
        if best.as_ref().is_none_or(|b| score < b.1) {
            best = Some((lc, score, out));
            std::mem::swap(trial, kept);
        }
        Ok(score)
    };
    const GRID: usize = 6;
    let step = (hi - lo) / (GRID - 1) as f64;
    let mut scores = [0.0; GRID];
    for (i, sc) in scores.iter_mut().enumerate() {
        *sc = eval(lo + step * i as f64)?;
    }
    let i = (0..GRID)
        .min_by(|&a, &b| scores[a].total_cmp(&scores[b]))
        .expect("a grid");
    let centre = lo + step * i as f64;
    let (mut a, mut b) = ((centre - step).max(lo), (centre + step).min(hi));
    let g = 0.5 * (5f64.sqrt() - 1.0);
    let (mut x1, mut x2) = (b - g * (b - a), a + g * (b - a));
    let (mut f1, mut f2) = (eval(x1)?, eval(x2)?);
    for _ in 0..6 {
        if f1 < f2 {
            b = x2;
            x2 = x1;
            f2 = f1;
            x1 = b - g * (b - a);
            f1 = eval(x1)?;
        } else {
            a = x1;
            x1 = x2;
            f1 = f2;
            x2 = a + g * (b - a);
            f2 = eval(x2)?;
        }
    }
    let (lc, score, out) = best.expect("points were tried");
    Ok((lc.exp(), score, out))
}

/// The process choices a fit tries: indices into `OLDEST_FIRST`, `DECISION_PRIORITY`,
/// `LATE_SHARE`, `WORK_SCALE` and `DECISION_EXTRA`.
type Choice = [usize; 5];

/// Mean extra weeks by stage for a choice.
fn extra_weeks(c: Choice) -> [f64; 3] {
    let e = PROCESS.extra_weeks;
    [DECISION_EXTRA[c[4]], e[1], e[2]]
}

/// Weeks of work on an empty desk by stage for a choice.
fn work_weeks(c: Choice) -> [f64; 3] {
    let w = PROCESS.work_weeks;
    [w[0], w[1] * WORK_SCALE[c[3]], w[2] * WORK_SCALE[c[3]]]
}

/// Every year fitted with the process choice `c`: the total misfit, the years, the end states.
fn evaluate(
    run: &Run,
    c: Choice,
    n: usize,
    seed: u64,
) -> Result<(f64, Vec<YearFit>, Vec<State>), Broken> {
    let weeks = run.clock.n_weeks();
    let late = LATE_SHARE[c[2]];
    let params = Params {
        min_weeks: PROCESS.min_weeks,
        extra_weeks: extra_weeks(c),
        late_share: [0.0, late, 0.0],
        late_weeks: [0.0, LATE_WEEKS_DEFAULT, 0.0],
        work_weeks: work_weeks(c),
        priority: [
            DECISION_PRIORITY[c[1]],
            PROCESS.priority[1],
            PROCESS.priority[2],
        ],
        oldest_first: OLDEST_FIRST[c[0]],
        appeal_p: 0.03 * 0.6,
        appeal_weeks: 20,
        review_hours: 3.0,
        review_reserved: HOURS.review_reserved,
    };
    let start: Vec<State> = (0..n)
        .map(|i| {
            let mut p = Pipeline::default();
            p.reset(params.clone(), 10, weeks, 0.0);
            State {
                pipeline: p,
                rng: stream(seed, i as u64, 7),
            }
        })
        .collect();
    let mut states = States {
        start,
        trial: Vec::new(),
        best: Vec::new(),
    };
    let mut total = 0.0;
    let mut years = Vec::new();
    for y in 0..run.targets.len() {
        // The first year also fills the empty pipeline over the year before it.
        let from = if y == 0 { 0 } else { run.year_start[y] };
        let to = run.year_start.get(y + 1).copied().unwrap_or(weeks);
        let (capacity, score, model) = fit_year(run, &mut states, y, from, to)?;
        total += score;
        std::mem::swap(&mut states.start, &mut states.best);
        years.push(YearFit {
            target: run.targets[y].clone(),
            capacity,
            model,
        });
    }
    Ok((total, years, states.start))
}

/// Fit the pipeline to `targets` (consecutive calendar years, each with its requests), with
/// `plan_rate` plans per assessment: each process choice in turn moved to the neighbour on
/// its grid that fits better, until none does. `None` when no year records a share to fit.
pub fn fit(targets: &[Target], plan_rate: f64, seed: u64) -> Result<Option<PipelineFit>, Broken> {
    let scored = targets
        .iter()
        .any(|t| t.in_20_weeks.is_some() || t.in_6_weeks.is_some() || t.over_52_weeks.is_some());
    if targets.is_empty() || !scored {
        return Ok(None);
    }
    let first = targets[0].year;
    let months = 12 * (targets.len() + 1);
    let clock = Clock::new(YearMonth::new(first - 1, 1), months);
    let year_start: Vec<usize> = (0..targets.len())
        .map(|y| clock.month_first_week[12 * (y + 1)] as usize)
        .collect();
    let season = {
        let raw = [
            1.05, 1.05, 1.10, 1.00, 1.05, 1.00, 1.10, 0.70, 0.90, 1.05, 1.05, 0.95,
        ];
        let mean = raw.iter().sum::<f64>() / 12.0;
        raw.map(|x| x / mean)
    };
    let run = Run {
        targets: targets.to_vec(),
        plan_rate,
        clock,
        year_start,
        need: need(),
        season,
    };
    let n = trajectories(targets.iter().map(|t| t.requests).fold(0.0, f64::max));
    let sizes = [
        OLDEST_FIRST.len(),
        DECISION_PRIORITY.len(),
        LATE_SHARE.len(),
        WORK_SCALE.len(),
        DECISION_EXTRA.len(),
    ];
    // Nothing past a year recorded: nothing to tell a late share by, so none.
    let has_late = targets.iter().any(|t| t.over_52_weeks.is_some());
    // No 6-week share recorded: the decision's extra weeks stay the national default.
    let has_6_weeks = targets.iter().any(|t| t.in_6_weeks.is_some());
    let default_extra = DECISION_EXTRA
        .iter()
        .position(|&e| e == PROCESS.extra_weeks[0])
        .expect("the default is on the grid");
    let mut at: Choice = [1, 1, usize::from(has_late), 1, default_extra];
    let mut tried = std::collections::BTreeMap::new();
    let mut best = evaluate(&run, at, n, seed)?;
    tried.insert(at, best.0);
    let mut moved = true;
    while moved {
        moved = false;
        for dim in 0..at.len() {
            if (dim == 2 && !has_late) || (dim == 4 && !has_6_weeks) {
                continue;
            }
            let near: Vec<Choice> = [-1i64, 1]
                .into_iter()
                .filter_map(|step| {
                    let i = at[dim] as i64 + step;
                    let mut c = at;
                    c[dim] = usize::try_from(i).ok().filter(|&i| i < sizes[dim])?;
                    (!tried.contains_key(&c)).then_some(c)
                })
                .collect();
            // Both neighbours at once (on two threads), taken in order: the lower first, the
            // upper only when the lower does not fit better, as one after the other would.
            let scored = match near[..] {
                [c] => vec![(c, evaluate(&run, c, n, seed)?)],
                [a, b] => {
                    let (ea, eb) =
                        rayon::join(|| evaluate(&run, a, n, seed), || evaluate(&run, b, n, seed));
                    vec![(a, ea?), (b, eb?)]
                }
                _ => Vec::new(),
            };
            for (c, e) in scored {
                tried.insert(c, e.0);
                if e.0 < best.0 {
                    best = e;
                    at = c;
                    moved = true;
                    break;
                }
            }
        }
    }
    let (_, years, states) = best;
    // Until `anchor` sets it in the model's own world: the last year's.
    let level = years.last().map_or(1.0, |y| y.capacity);
    Ok(Some(summarise(
        at,
        years,
        level,
        &states,
        run.clock.n_weeks() as i32,
    )))
}

/// The capacity to carry on and the open cases at the end.
fn summarise(
    c: Choice,
    years: Vec<YearFit>,
    level: f64,
    states: &[State],
    end: i32,
) -> PipelineFit {
    let logs: Vec<f64> = years.iter().map(|y| y.capacity.ln()).collect();
    // Changes from year to year, robustly (a median absolute change): one year of a backlog
    // cleared by a one-off team is not the spread of every year.
    let mut changes: Vec<f64> = logs.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    changes.sort_by(f64::total_cmp);
    let own = if changes.is_empty() {
        SD_PRIOR
    } else {
        // A change is the difference of two years: sd of one year = change sd / sqrt 2; the
        // median absolute value of a normal is 0.674 sd.
        changes[changes.len() / 2] / 0.674 / std::f64::consts::SQRT_2
    };
    let k = changes.len() as f64;
    let sd = ((k * own * own + SD_PRIOR_YEARS * SD_PRIOR * SD_PRIOR) / (k + SD_PRIOR_YEARS))
        .sqrt()
        .min(SD_MAX);
    let mut open = Vec::new();
    for stage in 0..3 {
        let mut counts = [0.0; AGE_BANDS.len()];
        for st in states {
            st.pipeline.each_open(stage, |rw, c| {
                let age = (end - rw).max(0) as u32;
                if let Some(b) = AGE_BANDS
                    .iter()
                    .position(|(lo, hi)| age >= *lo && age <= *hi)
                {
                    counts[b] += f64::from(c);
                } else {
                    counts[AGE_BANDS.len() - 1] += f64::from(c);
                }
            });
        }
        for (b, (lo, hi)) in AGE_BANDS.iter().enumerate() {
            let mean = counts[b] / states.len() as f64;
            if mean >= 0.5 {
                open.push((stage, *lo, *hi, mean));
            }
        }
    }
    PipelineFit {
        oldest_first: OLDEST_FIRST[c[0]],
        decision_priority: DECISION_PRIORITY[c[1]],
        late_share: LATE_SHARE[c[2]],
        work_weeks: work_weeks(c),
        extra_weeks: extra_weeks(c),
        years,
        level,
        sd,
        open,
        trajectories: states.len(),
    }
}
