//! `sendcast calibrate`: a model file for one authority (or England) from the SEN2 series,
//! using only data published up to a chosen January census.

mod anchor;
mod defaults;
pub mod finance;
pub mod fit;
mod persist;
mod rates;
pub mod trend;
mod write;

use crate::model::N_SETTINGS;
use crate::sen2::{Area, Flows, Sen2, N_BANDS};
pub use trend::Pooled;
use trend::Trend;

use defaults::{pipeline, staff_fte, CAPACITY_RATIO};
pub use defaults::{vacancy_share, HoursCard, HOURS, STAFF_DEFAULTS};
pub use rates::year_ranges;
use rates::{ceasing, mix, nearest, scale};
pub use write::to_toml;

/// Years of flows that rates (refusals, conversion, ceasing, mixes) are averaged over.
pub(crate) const RATE_YEARS: i32 = 3;
/// Calendar years the pipeline is fitted over (the last before the origin).
const FIT_YEARS: i32 = 6;
/// New plans in a year above this many times its requests are taken as a recording error.
const PLANS_PER_REQUEST_MAX: f64 = 2.5;

/// Whether a year's new plans are too many for its requests to be anything but a recording
/// error (the 2025 release gives every Yorkshire and the Humber authority the region's 6,078
/// for 2022): neither fitted nor, in `backtest`, forecast from or scored.
pub fn plans_implausible(plans: f64, requests: f64) -> bool {
    plans > PLANS_PER_REQUEST_MAX * requests
}
/// First calendar year whose assessments completed give plans per assessment (see
/// `log_conversion`).
const FIRST_ASSESSMENT_YEAR: i32 = 2016;
/// Weight, in log, of plans per assessment completed in `plan_rate`'s mean (the rest is per
/// request agreed, lag allowed for). Backtests from January 2019 and 2022 (129 authorities,
/// one and two years): per request agreed alone, new plans at one year are biased -9.6% and
/// -3.4% (-12.5% where under 40% of plans were within 20 weeks the year before: services
/// catching up on a backlog); per assessment alone, -0.9% and +5.0% with a median error of
/// 17.8% and 18.4% against 17.5% and 15.3% (2021-2022 completions fell behind agreed requests
/// everywhere, which plans per request agreed carried on); half each, -7.5% and +0.4% at
/// 16.9% and 15.9%, and -8.4% where under 40% [P backtest].
const PER_ASSESSMENT_WEIGHT: f64 = 0.5;
/// Seed of the fit's trajectories (fixed: the same data give the same model file).
const FIT_SEED: u64 = 2014;

/// Years of history the demand trend looks at.
const TREND_YEARS: i32 = 7;
/// A census that jumps by more than this factor in a year marks a boundary change: only the
/// years after it are used.
const BREAK_RATIO: f64 = 1.5;

/// Highest mean plans per request agreed carried on (the written `plan_rate` is cut at the
/// model's bound, `PLAN_RATE_MAX`); SEN2's highest authority means are 1.4-1.8.
const MAX_PLAN_RATE_MEAN: f64 = 1.5;

/// Years from a request to its plan, on average (decision, advice, drafting and waits) [U].
const REQUEST_TO_PLAN_YEARS: f64 = 0.4;
/// Rates measured over calendar years but drawn afresh each financial year: a calendar year
/// mixes a quarter of one financial year with three quarters of the next, which cuts the sd by
/// sqrt(0.25^2 + 0.75^2) = 0.79, so a financial year's draw needs 1/0.79 = 1.26 times the sd.
const FY_SD_FACTOR: f64 = 1.26;

/// Plans also bunch from year to year as backlogs build and clear, more than the model's
/// queue does. Backtests from January 2019 and 2020 (outcomes 2019-2021, all before the 2022
/// origin) found new-plan errors 1.16-1.29 times the predicted sd (robust z sd) with the
/// conversion's own sd; it is widened by 1.2.
const BUNCHING_SD_FACTOR: f64 = 1.2;

/// A rate with its spread over recent years, or a national default.
#[derive(Debug, Clone, PartialEq)]
pub struct Spread {
    pub low: f64,
    pub mode: f64,
    pub high: f64,
    /// `(year, value)` it was fitted on; empty when it is a default.
    pub years: Vec<(i32, f64)>,
}

impl Spread {
    fn of(years: Vec<(i32, f64)>, pad: f64, lo: f64, hi: f64) -> Option<Spread> {
        if years.is_empty() {
            return None;
        }
        let v: Vec<f64> = years.iter().map(|y| y.1).collect();
        let mode = (v.iter().sum::<f64>() / v.len() as f64).clamp(lo, hi);
        let low = (v.iter().copied().fold(f64::INFINITY, f64::min) - pad).clamp(lo, mode);
        let high = (v.iter().copied().fold(f64::NEG_INFINITY, f64::max) + pad).clamp(mode, hi);
        Some(Spread {
            low,
            mode,
            high,
            years,
        })
    }

    fn default(low: f64, mode: f64, high: f64) -> Spread {
        Spread {
            low,
            mode,
            high,
            years: Vec::new(),
        }
    }
}

/// A rate that varies from year to year: its mean and the sd of one year's value.
#[derive(Debug, Clone, PartialEq)]
pub struct Yearly {
    pub mean: f64,
    pub sd: f64,
    /// Degrees of freedom of a Student t drawn with that sd; `None`: a normal.
    pub df: Option<f64>,
    /// The sd of a level drawn once for each future and added to every year's draw: how far
    /// the mean is from known (its standard error); 0: the mean is taken as known.
    pub lasting_sd: f64,
    /// `(year, value)` it was fitted on; empty when it is the pooled default.
    pub years: Vec<(i32, f64)>,
}

/// Everything calibrate derives for one area.
#[derive(Debug, Clone)]
pub struct Calibration {
    pub name: String,
    pub code: String,
    pub old_code: String,
    /// January census the model starts from.
    pub origin: i32,
    pub horizon_years: usize,
    /// First year used (later than the data's first after a boundary change).
    pub first_year: i32,
    /// The census went back further, before a boundary change.
    pub boundary_cut: bool,
    /// Fitted on its own series, not pooled with the authorities' (England).
    pub own_series: bool,
    pub plans: f64,
    pub by_setting: [f64; N_SETTINGS],
    pub setting_year: i32,
    pub by_age: [f64; N_BANDS],
    pub age_year: i32,
    pub age_from_england: bool,
    pub requests: Vec<(i32, f64)>,
    pub trend: Trend,
    pub pooled: Pooled,
    /// Requests a year at the start (median) and the sd of its log.
    pub request_rate: f64,
    /// The factor on the last year's requests when the pandemic distorted it
    /// (`trend::DISTORTED_YEARS`): half England's dip that year in log, against the year
    /// before's requests carried on at the drift (1 otherwise).
    pub lockdown: f64,
    pub request_rate_sd_log: f64,
    pub refusal: Spread,
    /// New plans per request agreed (effective: withdrawals and open cases included), drawn
    /// afresh each year.
    pub conversion: Yearly,
    /// New plans per assessment completed, by year (empty where SEN2 does not record them).
    pub per_assessment: Vec<(i32, f64)>,
    pub published_plan_share: Option<f64>,
    pub in_20_weeks: Vec<(i32, f64)>,
    pub in_6_weeks: Vec<(i32, f64)>,
    pub new_age: [f64; N_BANDS],
    pub new_age_note: String,
    pub new_setting: [f64; N_SETTINGS],
    pub new_setting_note: String,
    pub ceasing: [f64; N_BANDS],
    pub ceasing_note: String,
    pub ceased_share: Vec<(i32, f64)>,
    /// Stock-flow gap as a share of the caseload a year, drawn afresh each year.
    pub gap: Yearly,
    /// Open cases at the start: (stage, count, youngest, oldest weeks).
    pub pipeline: Vec<(&'static str, f64, u32, u32)>,
    pub open_reported: Option<(i32, f64)>,
    /// Staff sized to the starting workload: FTE by role, and the capacity ratio used.
    pub staff_fte: [f64; 3],
    pub capacity_ratio: f64,
    /// The pipeline fitted to the record (None: nothing recorded to fit), and what was left
    /// out of it and why.
    pub fit: Option<fit::PipelineFit>,
    pub fit_notes: Vec<String>,
    /// A factor on the carried-on capacity in each of the first years, at which the model's
    /// median 20-week share follows where services have gone from the last (`anchor`); empty:
    /// the level throughout.
    pub capacity_path: Vec<PathYear>,
    /// High-needs money: national defaults until `finance::fit` is given a finance file.
    pub finance: finance::FinanceCal,
}

/// One year of `Calibration::capacity_path`: the calendar year, the median 20-week share (0-1)
/// it is set to give, the retention of the gap to England's that put it there (`None`: the
/// last share held), and the factor that gives it.
#[derive(Debug, Clone, Copy)]
pub struct PathYear {
    pub year: i32,
    pub target: f64,
    pub kept: Option<f64>,
    pub factor: f64,
}

/// Why an area cannot be calibrated at an origin.
pub type CalResult<T> = Result<T, String>;

/// What all authorities' data up to `origin - 1` say: demand drift and volatility, and the
/// year-to-year spread of conversion and of the stock-flow gap.
pub fn pooled(sen2: &Sen2, origin: i32) -> Option<Pooled> {
    let series: Vec<Vec<(i32, f64)>> = sen2
        .areas
        .iter()
        .map(|a| request_series(a, origin))
        .collect();
    let changes: Vec<(Vec<f64>, Vec<f64>)> = series
        .iter()
        .map(|r| (trend::log_changes(r, true), trend::log_changes(r, false)))
        .collect();
    let england = request_series(&sen2.england, origin);
    let mut p = Pooled::from_changes(&changes)?.with_national(
        &trend::log_changes(&england, true),
        &trend::log_changes(&england, false),
    );
    let shares = log_shares(series, &england);
    let plans = |a: &Area| flow_series(a, origin, |f| f.new_plans);
    let plan_shares = log_shares(
        sen2.areas.iter().map(plans).collect(),
        &plans(&sen2.england),
    );
    (p.transient, p.transient_from_new_plans) =
        trend::transient_share(&shares, &plan_shares).unwrap_or((0.0, false));
    p.retention = persist::retention(&sen2.areas, &sen2.england, origin);
    let sds = |series: &[Vec<f64>]| -> (Vec<f64>, Vec<f64>) {
        series.iter().map(|v| trend::mean_sd(v)).unzip()
    };
    let (_, conv) = sds(&values_of(&sen2.areas, |a| {
        let [agreed, _] = log_conversion(a, origin);
        agreed
    }));
    if conv.len() >= 3 {
        p.conversion_sd = trend::median(conv);
    }
    let gap_series = values_of(&sen2.areas, |a| gaps(a, origin));
    let (gm, gs) = sds(&gap_series);
    if gs.len() >= 3 {
        p.gap_spread = trend::robust_sd(gm.clone());
        p.gap = trend::median(gm);
        p.gap_sd = trend::median(gs);
    }
    p.gap_df = trend::tail_dof(&pooled_deviations(&gap_series));
    p.six_week_spread = persist::logit_spread(&sen2.areas, origin, persist::in_6_weeks);
    p.twenty_week_spread = persist::logit_spread(&sen2.areas, origin, persist::in_20_weeks);
    Some(p)
}

/// Each area's values of `f` (years dropped), for the areas with at least three.
fn values_of(areas: &[Area], f: impl Fn(&Area) -> Vec<(i32, f64)>) -> Vec<Vec<f64>> {
    areas
        .iter()
        .map(|a| f(a).into_iter().map(|x| x.1).collect::<Vec<f64>>())
        .filter(|v| v.len() >= 3)
        .collect()
}

/// Each authority's `(year, log of its value / England's)`, distorted years out.
fn log_shares(series: Vec<Vec<(i32, f64)>>, england: &[(i32, f64)]) -> Vec<Vec<(i32, f64)>> {
    series
        .into_iter()
        .map(|r| {
            r.into_iter()
                .filter(|(y, _)| !trend::DISTORTED_YEARS.contains(y))
                .filter_map(|(y, r)| {
                    let e = england.iter().find(|p| p.0 == y)?.1;
                    Some((y, (r / e).ln()))
                })
                .collect()
        })
        .collect()
}

/// Each authority's values (`values_of`: at least three) less their own mean, scaled by
/// sqrt(n / (n - 1)) to the spread of a new value, pooled: the shape of year-to-year moves once
/// each authority's level is out.
fn pooled_deviations(series: &[Vec<f64>]) -> Vec<f64> {
    series
        .iter()
        .flat_map(|v| {
            let (m, _) = trend::mean_sd(v);
            let k = (v.len() as f64 / (v.len() as f64 - 1.0)).sqrt();
            v.iter().map(move |x| (x - m) * k)
        })
        .collect()
}

/// Log of new plans per request agreed and per assessment completed (SEN2's assessments ending
/// with and without a plan), by calendar year before `origin` (pandemic year out). The engine
/// turns completed assessments into plans at the second and delays them by its own casework;
/// per request agreed, a service building a backlog (fewer assessments finished than agreed,
/// a low 20-week share) reads as one that makes few plans, and its forecast falls short when it
/// catches up (Newham from January 2019: 0.23-0.62 per request agreed in 2016-2018, 0.96-1.00
/// per assessment, 524 plans in 2019 against a forecast of 124). The first is how far plans
/// bunch from year to year as backlogs build and clear, which the spread of `plan_rate` carries.
fn log_conversion(area: &Area, origin: i32) -> [Vec<(i32, f64)>; 2] {
    let first = first_year(area, origin).unwrap_or(i32::MIN);
    let per = |of: &dyn Fn(&crate::sen2::Flows) -> Option<f64>| -> Vec<(i32, f64)> {
        area.flows
            .range(first.max(origin - TREND_YEARS + 2)..origin)
            .filter(|(y, _)| !trend::DISTORTED_YEARS.contains(y))
            .filter_map(|(y, f)| {
                let base = of(f)?;
                let n = f.new_plans?;
                (base > 0.0 && n > 0.0).then(|| (*y, (n / base).ln()))
            })
            .collect()
    };
    // 2014 recorded four months of the new assessments (the reforms began that September) and
    // every new plan of the year, and 2015 still more new plans than assessments (a median of
    // 1.02 per assessment, a tenth of authorities above 1.36, against 0.94-0.98 from 2016 to
    // 2024: statements moving to plans); a ratio above `PLANS_PER_REQUEST_MAX` is a recording
    // error (`plans_implausible`).
    let completed: Vec<(i32, f64)> = per(&|f| Some(f.assessed_plan? + f.assessed_no_plan?))
        .into_iter()
        .filter(|&(y, l)| y >= FIRST_ASSESSMENT_YEAR && l.exp() <= PLANS_PER_REQUEST_MAX)
        .collect();
    [per(&|f| Some(f.requests? - f.refused?)), completed]
}

/// Stock-flow gap (next census - census - new + ceased) / census, by calendar year, using
/// censuses up to `origin`.
fn gaps(area: &Area, origin: i32) -> Vec<(i32, f64)> {
    let first = first_year(area, origin).unwrap_or(i32::MIN);
    area.flows
        .range(first.max(origin - TREND_YEARS + 2)..origin)
        .filter_map(|(y, f)| {
            let c0 = area.census.get(y)?.total.filter(|c| *c > 0.0)?;
            let c1 = area.census.get(&(y + 1))?.total?;
            Some((*y, (c1 - c0 - f.new_plans? + f.ceased?) / c0))
        })
        .collect()
}

/// Years of an area's January censuses that have a total, in order.
pub fn census_years(area: &Area) -> Vec<i32> {
    area.census
        .iter()
        .filter(|(_, c)| c.total.is_some())
        .map(|(y, _)| *y)
        .collect()
}

/// Latest January census of an area.
pub fn latest_census(area: &Area) -> Option<i32> {
    census_years(area).last().copied()
}

/// First year after the last boundary-change jump in the census (or the first year).
pub fn first_year(area: &Area, origin: i32) -> Option<i32> {
    let totals: Vec<(i32, f64)> = area
        .census
        .iter()
        .filter(|(y, _)| **y <= origin)
        .filter_map(|(y, c)| c.total.filter(|t| *t > 0.0).map(|t| (*y, t)))
        .collect();
    let mut first = totals.first()?.0;
    for w in totals.windows(2) {
        let r = w[1].1 / w[0].1;
        if !(1.0 / BREAK_RATIO..=BREAK_RATIO).contains(&r) {
            first = w[1].0;
        }
    }
    Some(first)
}

/// Requests by calendar year before `origin`, from the first year after any boundary change.
fn request_series(area: &Area, origin: i32) -> Vec<(i32, f64)> {
    trend::drop_spikes(&flow_series(area, origin, |f| f.requests))
}

/// An area's positive values of one flow by calendar year, over the TREND_YEARS before
/// `origin` and since its series starts (`first_year`).
fn flow_series(area: &Area, origin: i32, pick: impl Fn(&Flows) -> Option<f64>) -> Vec<(i32, f64)> {
    let first = first_year(area, origin).unwrap_or(i32::MIN);
    area.flows
        .range(first.max(origin - TREND_YEARS)..origin)
        .filter_map(|(y, f)| pick(f).filter(|v| *v > 0.0).map(|v| (*y, v)))
        .collect()
}

/// Why `area` has no requests to calibrate on at `origin`: none recorded, or none since a jump
/// in its caseload that is read as a boundary change (`first` is where the series starts).
fn no_requests(area: &Area, origin: i32, first: i32) -> String {
    let total = |y: i32| area.census.get(&y).and_then(|c| c.total);
    let jump = first
        .checked_sub(1)
        .and_then(|prev| Some((total(prev)?, total(first)?)));
    match jump {
        Some((before, after)) => format!(
            "{} has no requests for assessment to calibrate on: its caseload moves from {before:.0} \
             (January {}) to {after:.0} (January {first}), more than {BREAK_RATIO}x in a year, which \
             calibrate reads as a boundary change, using only the data from {first} on; if that is \
             a recording error, calibrate with --until {} to use the years before it",
            area.name,
            first - 1,
            first - 1
        ),
        _ => format!(
            "{} has no requests for assessment before {origin}",
            area.name
        ),
    }
}

/// Calibrate `area` at the January census `origin` (flows of `origin - 1` and earlier).
pub fn calibrate(
    sen2: &Sen2,
    area: &Area,
    origin: i32,
    horizon_years: usize,
    pooled: &Pooled,
) -> CalResult<Calibration> {
    let census = area
        .census
        .get(&origin)
        .and_then(|c| c.total)
        .ok_or_else(|| {
            let years = census_years(area);
            if years.is_empty() {
                format!("{} has no census in the SEN2 files", area.name)
            } else {
                format!(
                    "{} has no January {origin} census in the SEN2 files; they hold {}",
                    area.name,
                    year_ranges(&years)
                )
            }
        })?;
    let first = first_year(area, origin).unwrap_or(origin);
    let flows = |from: i32| area.flows.range(from.max(first)..origin);

    // Caseload at the start.
    let (setting_year, by_setting) = nearest(&area.census, origin, first, |c| c.by_setting)
        .ok_or_else(|| format!("{} has no caseload by setting up to {origin}", area.name))?;
    let by_setting = scale(by_setting, census);
    let (age_year, by_age, age_from_england) =
        match nearest(&area.census, origin, first, |c| c.by_age) {
            Some((y, a)) => (y, a, false),
            None => {
                let (y, a) = nearest(&sen2.england.census, origin, i32::MIN, |c| c.by_age)
                    .ok_or_else(|| format!("no caseload by age up to {origin}"))?;
                (y, a, true)
            }
        };
    let by_age = scale(by_age, census);

    // Demand.
    let requests = request_series(area, origin);
    let &(last_year, last) = requests
        .last()
        .ok_or_else(|| no_requests(area, origin, first))?;
    if last_year < origin - 2 {
        return Err(format!(
            "{}'s requests stop in {last_year}, too long before {origin}",
            area.name
        ));
    }
    // England is the sum of the authorities: its own series, not pooled with theirs.
    let pool = area.code != sen2.england.code;
    let fit = if pool { trend::fit } else { trend::fit_own };
    let tr = fit(
        &trend::log_changes(&requests, true),
        &trend::log_changes(&requests, false),
        pooled,
    );
    // The last total is centred mid-year; the rate at the start is that much further on. The
    // engine steps the level by a year's shock each January, the start's included, so the start
    // carries only the shocks of years missing between the last total and the origin's year.
    // A last year the pandemic distorted (England's requests fell 8% in the 2020 lockdowns) is
    // not a level to carry on as it is, nor one to drop: schools were closed again from January
    // to March 2021, and how much of the dip would come back was not known. Half England's dip
    // that year (in log), against its year before carried on at the drift, is taken out; the
    // authority's own move against England's is kept.
    let national = request_series(&sen2.england, origin);
    let lockdown = match national.as_slice() {
        [.., (y0, before), (y1, at)] if *y1 == last_year && trend::DISTORTED_YEARS.contains(y1) => {
            (before * (tr.drift * f64::from(y1 - y0)).exp() / at).sqrt()
        }
        _ => 1.0,
    };
    let step = origin as f64 - (last_year as f64 + 0.5);
    let request_rate = last * lockdown * (tr.drift * step).exp();
    let missing = (origin - last_year - 1).max(0) as f64;
    let request_rate_sd_log =
        (missing * tr.volatility.powi(2) + (step * tr.drift_se).powi(2)).sqrt();

    let recent = || flows(origin - RATE_YEARS);
    let refusal = Spread::of(
        recent()
            .filter_map(|(y, f)| Some((*y, f.refused? / f.requests.filter(|r| *r > 0.0)?)))
            .filter(|(_, r)| *r <= 1.0)
            .collect(),
        0.03,
        0.0,
        0.9,
    )
    .unwrap_or_else(|| Spread::default(0.15, 0.22, 0.30));
    let [agreed_years, assessed_years] = log_conversion(area, origin);
    let logs = |v: &[(i32, f64)]| -> Vec<f64> { v.iter().map(|x| x.1).collect() };
    let (m, sd) = trend::shrunk_mean_sd(
        &logs(&agreed_years),
        (0.85f64).ln(),
        pooled.conversion_sd,
        pool,
    );
    let bunching = if pool { BUNCHING_SD_FACTOR } else { 1.0 };
    // Per request agreed: plans issued in a year come from requests made about
    // REQUEST_TO_PLAN_YEARS earlier, so with demand growing plans / same-year requests
    // understates the share that end in a plan. Plans per assessment, not a probability: above 1
    // where more plans start than requests are agreed, as SEN2 records for about a fifth of
    // authorities (a 2022-origin mean of 1.0 to 1.4), which a cap below 1 forecast too few
    // plans for. Where assessments completed are recorded, the mean in log is
    // `PER_ASSESSMENT_WEIGHT` theirs.
    let per_request = m + tr.drift * REQUEST_TO_PLAN_YEARS;
    let log_mean = if assessed_years.is_empty() {
        per_request
    } else {
        let (a, _) = trend::mean_sd(&logs(&assessed_years));
        PER_ASSESSMENT_WEIGHT * a + (1.0 - PER_ASSESSMENT_WEIGHT) * per_request
    };
    let mean = log_mean.exp().clamp(0.2, MAX_PLAN_RATE_MEAN);
    let conversion = Yearly {
        mean,
        sd: mean * sd * FY_SD_FACTOR * bunching,
        df: None,
        lasting_sd: 0.0,
        years: agreed_years.iter().map(|&(y, l)| (y, l.exp())).collect(),
    };
    let per_assessment: Vec<(i32, f64)> =
        assessed_years.iter().map(|&(y, l)| (y, l.exp())).collect();
    let share =
        |f: &crate::sen2::Flows| Some(f.assessed_plan? / (f.assessed_plan? + f.assessed_no_plan?));
    let published_plan_share = recent().rev().find_map(|(_, f)| share(f));
    let in_20_weeks: Vec<(i32, f64)> = persist::in_20_weeks(area, origin)
        .into_iter()
        .filter(|(y, _)| *y >= (origin - TREND_YEARS).max(first))
        .collect();
    let in_6_weeks: Vec<(i32, f64)> = persist::in_6_weeks(area, origin)
        .into_iter()
        .filter(|(y, _)| *y >= (origin - TREND_YEARS).max(first))
        .collect();

    // Mixes of new plans.
    let (new_age, new_age_note) = mix(
        area,
        sen2,
        origin,
        first,
        |f| f.new_by_age,
        "new plans by age when the plan started",
    )?;
    let (mut new_setting, new_setting_note) = mix(
        area,
        sen2,
        origin,
        first,
        |f| f.new_by_setting,
        "new plans by setting",
    )?;
    new_setting[crate::model::POST16] = 0.0;

    // Ceasing by age, and the stock-flow gap.
    let (ceasing, ceasing_note, ceased_share) = ceasing(area, origin, first, &by_age);
    let gap_years = gaps(area, origin);
    let g: Vec<f64> = gap_years.iter().map(|x| x.1).collect();
    // A year's gap around the mean, and how far the mean is known: a lasting level every year
    // of a future shares (the standard error of the mean; with no years of its own, the spread
    // of all authorities' means), which adds up over the years where the yearly draws average
    // out. Backtest 2019..2023, five years, 500 runs: January caseload's 80% intervals held
    // 78.8%, 76.3% and 74.4% of outcomes at three, four and five years with the mean held,
    // 80.0%, 79.7% and 76.8% with the level (95%: 94.5/92.1/90.5 -> 96.0/94.5/94.9; median
    // error 8.42/9.80/11.95% -> 8.21/9.89/11.65%).
    let (gm, gsd, gse) = trend::shrunk_mean_parts(&g, pooled.gap, pooled.gap_sd, pool);
    let gap = Yearly {
        mean: gm.clamp(-0.3, 0.3),
        sd: gsd * FY_SD_FACTOR,
        lasting_sd: if g.is_empty() { pooled.gap_spread } else { gse },
        // An aggregate's (England's) gaps average authorities' jumps out.
        df: pooled.gap_df.filter(|_| pool),
        years: gap_years,
    };

    // Open cases and staff.
    let agreed_rate = request_rate * (1.0 - refusal.mode);
    let p20 = in_20_weeks.last().map_or(0.5, |x| x.1);
    let open_reported = area
        .flows
        .get(&(origin - 1))
        .and_then(|f| f.open_at_year_end)
        .map(|n| (origin - 1, n));
    let pipeline = pipeline(request_rate, agreed_rate, p20, open_reported.map(|x| x.1));
    let (targets, fit_notes) = fit_targets(area, origin, first, refusal.mode);
    let fit = fit::fit(&targets, conversion.mean, FIT_SEED).map_err(|e| {
        format!(
            "{}: the pipeline fit broke ({e}), a sendcast bug",
            area.name
        )
    })?;
    let capacity_ratio = CAPACITY_RATIO;
    let staff_fte = staff_fte(request_rate, agreed_rate, conversion.mean, capacity_ratio);
    let finance = finance::fit(sen2, area, origin, horizon_years, finance::Source::Defaults)
        .map_err(|e| e.to_string())?;

    let mut cal = Calibration {
        name: area.name.clone(),
        code: area.code.clone(),
        old_code: area.old_code.clone(),
        origin,
        horizon_years,
        first_year: first,
        boundary_cut: census_years(area).first().is_some_and(|&y| y < first),
        own_series: !pool,
        plans: census,
        by_setting,
        setting_year,
        by_age,
        age_year,
        age_from_england,
        requests,
        trend: tr,
        pooled: *pooled,
        request_rate,
        lockdown,
        request_rate_sd_log,
        refusal,
        conversion,
        per_assessment,
        published_plan_share,
        in_20_weeks,
        in_6_weeks,
        new_age,
        new_age_note,
        new_setting,
        new_setting_note,
        ceasing,
        ceasing_note,
        ceased_share,
        gap,
        pipeline,
        open_reported,
        staff_fte,
        capacity_ratio,
        fit,
        fit_notes,
        capacity_path: Vec::new(),
        finance,
    };
    let england = persist::in_20_weeks(&sen2.england, origin);
    anchor::anchor(&mut cal, &england)?;
    Ok(cal)
}

/// The calendar years the pipeline is fitted to: the last `FIT_YEARS` before `origin` with
/// requests recorded, from after any year without them; what each recorded, and notes of
/// what was missing.
fn fit_targets(
    area: &Area,
    origin: i32,
    first: i32,
    default_refusal: f64,
) -> (Vec<fit::Target>, Vec<String>) {
    let mut notes = Vec::new();
    let mut targets: Vec<fit::Target> = Vec::new();
    for y in first.max(origin - FIT_YEARS)..origin {
        let f = area.flows.get(&y);
        let Some(requests) = f.and_then(|f| f.requests).filter(|r| *r > 0.0) else {
            if !targets.is_empty() {
                notes.push(format!(
                    "{y}: no requests recorded; the fit starts after it"
                ));
            }
            targets.clear();
            continue;
        };
        let f = f.expect("requests come from a year's flows");
        let share = |n: Option<f64>, d: Option<f64>| match (n, d) {
            (Some(n), Some(d)) if d > 0.0 => Some((n / d).clamp(0.0, 1.0)),
            _ => None,
        };
        let decided = match (f.decided_in_6_weeks, f.decided_late) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
        // A count of new plans far above the year's requests is a recording error (Leeds 2022:
        // 6,078 plans from 1,124 requests), not casework to fit.
        let plans = f.new_plans.filter(|n| *n > 0.0);
        let implausible = plans.is_some_and(|p| plans_implausible(p, requests));
        if implausible {
            notes.push(format!(
                "{y}: {:.0} new plans from {requests:.0} requests left out as a recording error",
                plans.unwrap_or(0.0)
            ));
        }
        let t = fit::Target {
            year: y,
            requests,
            refusal: share(f.refused, Some(requests)).unwrap_or(default_refusal),
            plans: plans.filter(|_| !implausible),
            in_20_weeks: share(f.issued_in_20_weeks, f.issued),
            over_52_weeks: share(f.issued_over_52_weeks, f.issued),
            in_6_weeks: share(f.decided_in_6_weeks, decided),
            undecided: f.undecided_at_year_end,
        };
        let mut missing = Vec::new();
        if f.refused.is_none() {
            missing.push("refusals (the calibrated rate used)");
        }
        if f.new_plans.is_none() {
            missing.push("plans issued");
        }
        if t.in_20_weeks.is_none() {
            missing.push("20-week share");
        }
        if !missing.is_empty() {
            notes.push(format!(
                "{y}: {} not recorded or suppressed",
                missing.join(", ")
            ));
        }
        targets.push(t);
    }
    (targets, notes)
}
