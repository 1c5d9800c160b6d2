//! The capacity a calibrated model carries on, set in the model's own world: the factor at
//! which the model's years `YEARS`, with everything they draw (demand, conversion, staff
//! turnover, the yearly capacity itself), have the last recorded 20-week share as their median. Timeliness
//! persists from year to year (the last value is a hard forecast to beat), and the fitted
//! years' factors are tied to the backlogs those years inherited; this ties the forecast to
//! where the service is. Where it goes from there, `capacity_path`, is set the same way, a
//! year at a time: the factor at which that year's median share is on the path SEN2's
//! services have taken from such a share (`persist::retention`).

use super::{persist, to_toml, Calibration, PathYear};
use crate::run::{run, RunOptions};
use std::path::Path;

/// Bisection steps on log capacity (a factor of 16 halved 10 times: about 0.3% apart).
const STEPS: usize = 10;
/// Seed of the anchoring runs (fixed: the same data give the same model file).
const SEED: u64 = 2015;
/// Years the share is repeated over: more than one, so that a capacity that only holds the
/// first year's share while a backlog builds (a service heading for collapse) is not chosen.
/// (The second and third alone, once the open cases the service starts with have settled,
/// were tried: over the 2019-2023 backtests the 20-week share's median error was 14.5 and 18.1
/// points at one and two years, biased +8.0 and +5.0, against 12.8 and 20.1 with these.)
const YEARS: std::ops::Range<usize> = 0..2;
/// A year's factor on the capacity is searched from the year before's, first a step of this
/// factor away; it stops within half a point of the target share, or when the factors
/// bracketing it are 0.2% apart.
const FIRST_STEP: f64 = 1.15;
const SHARE_TOLERANCE: f64 = 0.005;
const X_TOLERANCE: f64 = 0.002;
/// Most false-position steps (a share that moves in steps can stall it).
const MAX_REFINE: usize = 12;
/// Bounds on a year's factor, as on the capacity's own draws: a share a service this small
/// cannot be brought to (no plans, or too few to move) is not chased further.
const PATH_BOUNDS: (f64, f64) = super::fit::CAPACITY_BOUNDS;

/// Median over the runs of the model's share of plans within 20 weeks over `years` (in
/// [0, 1]); `None` when no run issues a plan.
fn share_over(
    cal: &Calibration,
    runs: usize,
    years: std::ops::Range<usize>,
) -> Result<Option<f64>, String> {
    let text = to_toml(cal, "(anchoring)");
    let loaded = crate::scenario::load_text(Path::new("anchoring.toml"), &text).map_err(|e| {
        format!(
            "{}: the calibrated model does not load ({e}), a sendcast bug",
            cal.name
        )
    })?;
    let model = crate::model::compile::compile(&loaded).map_err(|e| {
        format!(
            "{}: the calibrated model does not compile ({e}), a sendcast bug",
            cal.name
        )
    })?;
    let res = run(
        &model,
        &RunOptions {
            max_monthly_runs: usize::MAX,
            ..RunOptions::new(runs, SEED)
        },
    )
    .map_err(|e| e.to_string())?;
    let mut shares: Vec<f64> = res
        .weighted_share(
            "plans_within_20_weeks_pct",
            "new_plans",
            12 * years.start..12 * years.end,
        )
        .into_iter()
        .map(|pct| pct / 100.0)
        .collect();
    if shares.is_empty() {
        return Ok(None);
    }
    shares.sort_by(f64::total_cmp);
    Ok(Some(crate::stats::quantile_sorted(&shares, 0.5)))
}

/// Set `cal.fit`'s level so that the model's first years repeat the last recorded 20-week
/// share (left as the fit made it when that share was not recorded), then `cal.capacity_path`:
/// a factor on it in each of the first years (up to `persist::MAX_LAG`), each found in turn so
/// that the model's median share that year is where SEN2's services have gone from such a
/// share: the gap to `national` (England's that year) times the retention at that lag. England
/// itself, or an area without the retention or England's share, holds its last share.
pub fn anchor(cal: &mut Calibration, national: Option<f64>) -> Result<(), String> {
    let Some((last_year, last)) = cal
        .fit
        .as_ref()
        .and_then(|f| f.years.last())
        .and_then(|y| Some((y.target.year, y.target.in_20_weeks?)))
    else {
        return Ok(());
    };
    // The model's first years, without what was recorded after them (it only draws charts),
    // and holding its capacity where the level puts it.
    let mut probe = cal.clone();
    probe.horizon_years = YEARS.end;
    probe.finance.history.clear();
    probe.capacity_path.clear();
    let level = level_for(&mut probe, last)?;
    cal.fit.as_mut().expect("checked above").level = level;
    probe.fit.as_mut().expect("a fitted pipeline").level = level;
    let retention = match national {
        Some(_) if !cal.own_series => cal.pooled.retention,
        _ => None,
    };
    let years = cal.horizon_years.min(persist::MAX_LAG);
    for k in 0..years {
        // The first year of the run is a year after the last recorded.
        let target = match (national, retention) {
            (Some(n), Some(r)) => n + r[k] * (last - n),
            _ => last,
        };
        let year = PathYear {
            year: last_year + 1 + k as i32,
            target,
            kept: retention.map(|r| r[k]),
            factor: factor_for(&mut probe, k, target)?,
        };
        probe.capacity_path.push(year);
    }
    cal.capacity_path = probe.capacity_path;
    Ok(())
}

/// Runs enough that a median is not noise: 200,000 requests a year handled (100 to 400).
fn runs_for(probe: &Calibration) -> usize {
    ((200_000.0 / probe.request_rate.max(1.0)).ceil() as usize).clamp(100, 400)
}

/// The level at which `probe`'s median 20-week share over `YEARS` is `target`.
fn level_for(probe: &mut Calibration, target: f64) -> Result<f64, String> {
    let runs = runs_for(probe);
    let (mut lo, mut hi) = (0.25f64.ln(), 4f64.ln());
    for _ in 0..STEPS {
        let mid = 0.5 * (lo + hi);
        probe.fit.as_mut().expect("a fitted pipeline").level = mid.exp();
        let share = share_over(probe, runs, YEARS)?;
        match share {
            Some(s) if s >= target => hi = mid,
            _ => lo = mid,
        }
    }
    Ok((0.5 * (lo + hi)).exp())
}

/// The factor on the level in year `k` (the years before it as `probe.capacity_path` has
/// them) at which `probe`'s median 20-week share that year is `target`, to within
/// `SHARE_TOLERANCE`: from the year before's factor, outwards in growing steps until the share
/// crosses the target, then by false position (the Illinois rule) between the two last.
/// Within `PATH_BOUNDS`; a bound when the target is out of reach.
fn factor_for(probe: &mut Calibration, k: usize, target: f64) -> Result<f64, String> {
    let runs = runs_for(probe);
    probe.horizon_years = k + 1;
    let (low, high) = (PATH_BOUNDS.0.ln(), PATH_BOUNDS.1.ln());
    let x0 = probe
        .capacity_path
        .last()
        .map_or(0.0, |y| y.factor.ln())
        .clamp(low, high);
    let mut miss = |x: f64| -> Result<f64, String> {
        probe.capacity_path.push(PathYear {
            year: 0,
            target,
            kept: None,
            factor: x.exp(),
        });
        let share = share_over(probe, runs, k..k + 1);
        probe.capacity_path.pop();
        Ok(share?.unwrap_or(0.0) - target)
    };
    let close = |f: f64| f.abs() <= SHARE_TOLERANCE;
    let f0 = miss(x0)?;
    if close(f0) {
        return Ok(x0.exp());
    }
    // More capacity, a higher share: go up when short of the target.
    let up = f0 < 0.0;
    let (mut a, mut fa) = (x0, f0);
    let mut step = FIRST_STEP.ln();
    let (mut b, mut fb) = loop {
        let x = if up { a + step } else { a - step }.clamp(low, high);
        let f = miss(x)?;
        if close(f) || (f < 0.0) != (fa < 0.0) {
            break (x, f);
        }
        if x == low || x == high {
            return Ok(x.exp());
        }
        (a, fa) = (x, f);
        step *= 2.0;
    };
    let mut best = if fa.abs() < fb.abs() {
        (a, fa)
    } else {
        (b, fb)
    };
    // Which end the last step replaced (the Illinois rule halves the other's weight when the
    // same end is replaced twice running).
    let mut last_b = None;
    for _ in 0..MAX_REFINE {
        if close(best.1) || (b - a).abs() <= X_TOLERANCE {
            break;
        }
        let x = (a * fb - b * fa) / (fb - fa);
        let f = miss(x)?;
        if f.abs() < best.1.abs() {
            best = (x, f);
        }
        let replace_b = (f < 0.0) == (fb < 0.0);
        if replace_b {
            (b, fb) = (x, f);
            if last_b == Some(true) {
                fa *= 0.5;
            }
        } else {
            (a, fa) = (x, f);
            if last_b == Some(false) {
                fb *= 0.5;
            }
        }
        last_b = Some(replace_b);
    }
    Ok(best.0.exp())
}
