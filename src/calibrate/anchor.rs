//! The capacity a calibrated model carries on, set in the model's own world: the factor at
//! which the model's first `YEARS` years, with everything they draw (demand, conversion, staff
//! turnover, the yearly capacity itself), have the last recorded 20-week share as their median. Timeliness
//! persists from year to year (the last value is a hard forecast to beat), and the fitted
//! years' factors are tied to the backlogs those years inherited; this ties the forecast to
//! where the service is.

use super::{to_toml, Calibration};
use crate::run::{run, RunOptions};
use std::path::Path;

/// Bisection steps on log capacity (a factor of 16 halved 10 times: about 0.3% apart).
const STEPS: usize = 10;
/// Seed of the anchoring runs (fixed: the same data give the same model file).
const SEED: u64 = 2015;
/// Years the share is repeated over: more than one, so that a capacity that only holds the
/// first year's share while a backlog builds (a service heading for collapse) is not chosen.
const YEARS: usize = 2;

/// Median over the runs of the model's share of plans within 20 weeks over its first `YEARS`
/// years (in [0, 1]); `None` when no run issues a plan.
fn first_years_share(cal: &Calibration, runs: usize) -> Result<Option<f64>, String> {
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
        .weighted_share("plans_within_20_weeks_pct", "new_plans", 0..12 * YEARS)
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
/// share (left as the fit made it when that share was not recorded).
pub fn anchor(cal: &mut Calibration) -> Result<(), String> {
    let Some(target) = cal
        .fit
        .as_ref()
        .and_then(|f| f.years.last())
        .and_then(|y| y.target.in_20_weeks)
    else {
        return Ok(());
    };
    // The model's first years, without what was recorded after them (it only draws charts).
    let mut probe = cal.clone();
    probe.horizon_years = YEARS;
    probe.finance.history.clear();
    // Enough runs that the median is not noise: 200,000 requests handled in all (at least 100).
    let runs = ((200_000.0 / cal.request_rate.max(1.0)).ceil() as usize).clamp(100, 400);
    let (mut lo, mut hi) = (0.25f64.ln(), 4f64.ln());
    for _ in 0..STEPS {
        let mid = 0.5 * (lo + hi);
        probe.fit.as_mut().expect("checked above").level = mid.exp();
        match first_years_share(&probe, runs)? {
            Some(s) if s >= target => hi = mid,
            _ => lo = mid,
        }
    }
    cal.fit.as_mut().expect("checked above").level = (0.5 * (lo + hi)).exp();
    Ok(())
}
