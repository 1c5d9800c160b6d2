//! `sendcast backtest`: at each origin census, calibrate on the data up to it, forecast one to
//! five years, and score the forecasts (and naive baselines) against what SEN2 later recorded.

mod baseline;
mod forecast;
pub mod origins;
pub mod pit;
mod score;
mod series;
mod write;

pub use baseline::Spreads;
pub use pit::{bins as pit_bins, PitBins};
pub use score::{interval_score, scores, Score};
pub use series::{is_share, METHODS, METRICS, SHARES, SHARE_METHODS};
pub use write::{table, write};

use crate::calibrate;
use crate::run::{run, RunOptions};
use crate::sen2::{Area, Sen2};
use crate::stats::quantile_sorted;
use anyhow::{Context, Result};
use rayon::prelude::*;
use series::{known, label, methods, series, target};
use std::path::Path;

/// Longest horizon scored, in years.
pub const MAX_HORIZON: usize = 5;

#[derive(Debug, Clone)]
pub struct Options {
    /// January censuses forecast from, in order.
    pub origins: Vec<i32>,
    pub horizon: usize,
    pub runs: usize,
    pub seed: u64,
}

/// One scored forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub la_code: String,
    pub la_name: String,
    pub metric: &'static str,
    pub period: String,
    pub actual: f64,
    /// P2.5, P10, P50, P90, P97.5 (a baseline's P50 is its point forecast, the others its
    /// interval from its past errors, NaN where they are too few).
    pub q: [f64; 5],
    /// Absolute percentage error of the P50 (NaN for a share).
    pub ape: f64,
    /// Absolute error of the P50 in the metric's unit (points for a share).
    pub abs_error: f64,
    pub in_80: Option<bool>,
    pub in_95: Option<bool>,
    pub method: &'static str,
    /// The January census forecast from, and the years ahead (1 = the next census, or the
    /// calendar year the origin's January opens).
    pub origin: i32,
    pub horizon: usize,
    /// sendcast's PIT of the outcome (share of runs below it); `None` for a baseline.
    pub pit: Option<f64>,
    /// The last value recorded at the origin (1 for a share): what interval scores are pooled
    /// over.
    pub scale: f64,
}

/// An authority that could not be backtested from an origin, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub la_code: String,
    pub la_name: String,
    pub reason: String,
    pub origin: i32,
}

/// The last year SEN2 records outcomes for: the latest census, or the calendar year after the
/// latest flows (whichever is later), from England's series.
pub fn last_outcome_year(sen2: &Sen2) -> Option<i32> {
    let census = sen2.england.census.keys().next_back().copied();
    let flows = sen2.england.flows.keys().next_back().map(|y| y + 1);
    census.max(flows)
}

/// Backtest each area from each origin; calibrated model files go to `models_dir` (in a
/// folder per origin when there are several).
pub fn backtest(
    sen2: &Sen2,
    areas: &[&Area],
    opts: &Options,
    models_dir: &Path,
) -> Result<(Vec<Row>, Vec<Skipped>)> {
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for &origin in &opts.origins {
        let dir = if opts.origins.len() == 1 {
            models_dir.to_path_buf()
        } else {
            models_dir.join(origin.to_string())
        };
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        // No run reaches past the last recorded outcome.
        let horizon = last_outcome_year(sen2).map_or(opts.horizon, |l| {
            opts.horizon.min((l - origin).max(1) as usize)
        });
        let (r, s) = from_origin(sen2, areas, origin, horizon, opts, &dir)?;
        rows.extend(r);
        skipped.extend(s);
    }
    Ok((rows, skipped))
}

/// Every area from one origin.
fn from_origin(
    sen2: &Sen2,
    areas: &[&Area],
    origin: i32,
    horizon: usize,
    opts: &Options,
    models_dir: &Path,
) -> Result<(Vec<Row>, Vec<Skipped>)> {
    let pooled = calibrate::pooled(sen2, origin).with_context(|| {
        format!("too few authorities with requests before {origin} to pool a trend")
    })?;
    let at = AtOrigin {
        sen2,
        origin,
        horizon,
        opts,
        models_dir,
        spreads: Spreads::new(sen2, origin, horizon),
        sources: sen2
            .files
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        pooled,
    };
    // Areas are independent: scored on all threads, kept in the order given.
    let per_area: Vec<Result<Scored>> = areas.par_iter().map(|area| at.area(area)).collect();
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for r in per_area {
        match r? {
            Ok(r) => rows.extend(r),
            Err(s) => skipped.push(s),
        }
    }
    Ok((rows, skipped))
}

/// What every area backtested from one origin shares.
struct AtOrigin<'a> {
    sen2: &'a Sen2,
    origin: i32,
    horizon: usize,
    opts: &'a Options,
    models_dir: &'a Path,
    pooled: calibrate::Pooled,
    spreads: Spreads,
    /// The SEN2 files read, named in each model written.
    sources: String,
}

/// An area's scored forecasts, or why it was skipped.
type Scored = std::result::Result<Vec<Row>, Skipped>;

impl AtOrigin<'_> {
    /// One area's scored forecasts from `origin`, or why it was skipped.
    fn area(&self, area: &Area) -> Result<Scored> {
        let AtOrigin {
            sen2,
            origin,
            horizon,
            opts,
            models_dir,
            ..
        } = *self;
        let skip = |reason: String| Skipped {
            la_code: area.code.clone(),
            la_name: area.name.clone(),
            reason,
            origin,
        };
        let cal = match calibrate::calibrate(sen2, area, origin, horizon + 1, &self.pooled) {
            Ok(c) => c,
            Err(e) => return Ok(Err(skip(e))),
        };
        let actuals: Vec<(&'static str, usize, i32, f64)> = METRICS
            .iter()
            .chain(&SHARES)
            .flat_map(|&m| {
                let s = series(area, m);
                (1..=horizon).filter_map(move |h| {
                    let (y, _) = target(m, origin, h);
                    s.iter().find(|p| p.0 == y).map(|p| (m, h, y, p.1))
                })
            })
            .filter(|a| a.3 > 0.0 || is_share(a.0))
            .collect();
        if actuals.is_empty() {
            return Ok(Err(skip(format!(
                "no outcomes after {origin} to compare with"
            ))));
        }
        let file = models_dir.join(format!(
            "{}.toml",
            if area.code.is_empty() {
                "england"
            } else {
                &area.code
            }
        ));
        std::fs::write(&file, calibrate::to_toml(&cal, &self.sources))
            .with_context(|| format!("writing {}", file.display()))?;
        let model = crate::load_model(&file)
            .with_context(|| format!("the calibrated model {} does not load", file.display()))?;
        // January census months are read per trajectory, however many runs.
        let res = run(
            &model,
            &RunOptions {
                max_monthly_runs: usize::MAX,
                ..RunOptions::new(opts.runs, opts.seed)
            },
        )?;
        let first = calibrate::first_year(area, origin).unwrap_or(i32::MIN);
        let mut rows = Vec::new();
        for (metric, h, year, actual) in actuals {
            let v = forecast::sample(&res, metric, h);
            if v.is_empty() {
                continue;
            }
            let seen = known(area, metric, origin, first);
            let scale = if is_share(metric) {
                1.0
            } else {
                seen.last().map_or(f64::NAN, |p| p.1)
            };
            let case = Case {
                area,
                metric,
                origin,
                h,
                year,
                actual,
                scale,
            };
            let q = [0.025, 0.10, 0.50, 0.90, 0.975].map(|p| quantile_sorted(&v, p));
            rows.push(case.row(q, methods(metric)[0], Some(forecast::pit(&v, actual))));
            for (i, b) in baseline::points(metric, &seen, year)
                .into_iter()
                .enumerate()
            {
                let Some(b) = b else { continue };
                let method = methods(metric)[i + 1];
                let [lo95, lo80, hi80, hi95] = self
                    .spreads
                    .interval(metric, method, h, b)
                    .unwrap_or([f64::NAN; 4]);
                rows.push(case.row([lo95, lo80, b, hi80, hi95], method, None));
            }
        }
        Ok(Ok(rows))
    }
}

/// What one forecast is of.
struct Case<'a> {
    area: &'a Area,
    metric: &'static str,
    origin: i32,
    h: usize,
    year: i32,
    actual: f64,
    scale: f64,
}

impl Case<'_> {
    /// A method's row from its quantiles (NaN where it has none).
    fn row(&self, q: [f64; 5], method: &'static str, pit: Option<f64>) -> Row {
        let actual = self.actual;
        let inside = |lo: f64, hi: f64| (!lo.is_nan()).then_some(actual >= lo && actual <= hi);
        Row {
            la_code: self.area.code.clone(),
            la_name: self.area.name.clone(),
            metric: self.metric,
            period: label(self.metric, self.year),
            actual,
            q,
            ape: if is_share(self.metric) {
                f64::NAN
            } else {
                (q[2] - actual).abs() / actual
            },
            abs_error: (q[2] - actual).abs(),
            in_80: inside(q[1], q[3]),
            in_95: inside(q[0], q[4]),
            method,
            origin: self.origin,
            horizon: self.h,
            pit,
            scale: self.scale,
        }
    }
}
