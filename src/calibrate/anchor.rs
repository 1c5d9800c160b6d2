//! The capacity a calibrated model carries on, set in the model's own world: the factor at
//! which the model's years `YEARS`, with everything they draw (demand, conversion, staff
//! turnover, the yearly capacity itself), have the last recorded 20-week share as their median. Timeliness
//! persists from year to year (the last value is a hard forecast to beat), and the fitted
//! years' factors are tied to the backlogs those years inherited; this ties the forecast to
//! where the service is. Where it goes from there, the typical capacity, is set the same way:
//! the factor at which the same service issues England's share over those years.

use super::{to_toml, Calibration};
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
/// share (left as the fit made it when that share was not recorded), and, given `national`
/// (England's share that year) and a persistence to revert at, `cal.capacity_typical`: the
/// level at which the same service would issue England's share.
pub fn anchor(cal: &mut Calibration, national: Option<f64>) -> Result<(), String> {
    let Some(target) = cal
        .fit
        .as_ref()
        .and_then(|f| f.years.last())
        .and_then(|y| y.target.in_20_weeks)
    else {
        return Ok(());
    };
    // The model's first years, without what was recorded after them (it only draws charts),
    // and holding its capacity where the level puts it.
    let mut probe = cal.clone();
    probe.horizon_years = YEARS.end;
    probe.finance.history.clear();
    probe.capacity_typical = None;
    // Both searches halve the same interval, so they share their first midpoints: each level
    // is run once.
    let mut tried = Tried::new();
    let level = level_for(&mut probe, target, &mut tried)?;
    cal.fit.as_mut().expect("checked above").level = level;
    cal.capacity_typical = match national {
        Some(n) if !cal.own_series && cal.pooled.persistence.is_some() => {
            Some(level_for(&mut probe, n, &mut tried)?)
        }
        _ => None,
    };
    Ok(())
}

/// The median shares of the levels run so far (by the level's bits).
type Tried = std::collections::HashMap<u64, Option<f64>>;

/// The level at which `probe`'s median 20-week share over `YEARS` is `target`.
fn level_for(probe: &mut Calibration, target: f64, tried: &mut Tried) -> Result<f64, String> {
    // Enough runs that the median is not noise: 200,000 requests a year handled (at least 100).
    let runs = ((200_000.0 / probe.request_rate.max(1.0)).ceil() as usize).clamp(100, 400);
    let (mut lo, mut hi) = (0.25f64.ln(), 4f64.ln());
    for _ in 0..STEPS {
        let mid = 0.5 * (lo + hi);
        let share = match tried.get(&mid.to_bits()) {
            Some(&s) => s,
            None => {
                probe.fit.as_mut().expect("a fitted pipeline").level = mid.exp();
                let s = share_over(probe, runs, YEARS)?;
                tried.insert(mid.to_bits(), s);
                s
            }
        };
        match share {
            Some(s) if s >= target => hi = mid,
            _ => lo = mid,
        }
    }
    Ok((0.5 * (lo + hi)).exp())
}
