//! The capacity a calibrated model carries on, set in the model's own world: the factor at
//! which the model's years `YEARS`, with everything they draw (demand, conversion, staff
//! turnover, the yearly capacity itself), have the last recorded 20-week share as their median. Timeliness
//! persists from year to year (the last value is a hard forecast to beat), and the fitted
//! years' factors are tied to the backlogs those years inherited; this ties the forecast to
//! where the service is. Where it goes from there, `capacity_path`, is set the same way, a
//! year at a time: the factor at which that year's median share is on the path SEN2's
//! services have taken from such a share (`persist::retention`).

use super::{persist, to_toml, Calibration, PathYear};
use crate::engine::draw::Draw;
use crate::engine::{series, Broken, Paused};
use crate::model::Model;
use rayon::prelude::*;
use std::path::Path;

/// Bounds on the level carried on (a factor on the capacity the fit sized), and the bisection
/// steps on its log (a factor of 16 halved 10 times: about 0.3% apart).
const LEVEL_BOUNDS: (f64, f64) = (0.25, 4.0);
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

/// The calibrated model as the engine runs it.
fn compiled(cal: &Calibration) -> Result<Model, String> {
    let text = to_toml(cal, "(anchoring)");
    let loaded = crate::scenario::load_text(Path::new("anchoring.toml"), &text).map_err(|e| {
        format!(
            "{}: the calibrated model does not load ({e}), a sendcast bug",
            cal.name
        )
    })?;
    crate::model::compile::compile(&loaded).map_err(|e| {
        format!(
            "{}: the calibrated model does not compile ({e}), a sendcast bug",
            cal.name
        )
    })
}

/// `cal`'s runs stepped through `years` (from their start, or on from `from`, paused at the
/// start of `years`), left paused at the end of them in `out`. Returns the median over the runs
/// of the share of plans within 20 weeks over `years` (in [0, 1]), `None` when no run issues a
/// plan. The runs' draws are the model's own at `SEED`, so a model that differs only from
/// `years` on goes on from the same state (common random numbers).
fn share_over(
    cal: &Calibration,
    runs: usize,
    years: std::ops::Range<usize>,
    from: Option<&[Paused]>,
    out: &mut Vec<Paused>,
) -> Result<Option<f64>, String> {
    let model = compiled(cal)?;
    let clock = &model.clock;
    let months = clock.months;
    let week_at = |m: usize| {
        clock
            .month_first_week
            .get(m)
            .map_or(clock.n_weeks(), |&w| w as usize)
    };
    let (first, end) = (week_at(12 * years.start), week_at(12 * years.end));
    let internal = |b: Broken| format!("{}: internal error while anchoring: {b}", cal.name);
    let draws: Vec<Draw> = (0..runs)
        .into_par_iter()
        .map(|i| Draw::single(&model, SEED, i as u64))
        .collect();
    // The runs to step: copies of `from` (into `out`'s own buffers when it has them), or
    // fresh ones.
    match from {
        Some(f) if out.len() == f.len() => {
            out.par_iter_mut().zip(f).for_each(|(o, p)| o.clone_from(p))
        }
        Some(f) => *out = f.to_vec(),
        None => {
            *out = draws
                .par_iter()
                .enumerate()
                .map(|(i, d)| Paused::start(&model, d, SEED, i as u64))
                .collect::<Result<_, Broken>>()
                .map_err(internal)?
        }
    }
    let stepped: Vec<Option<f64>> = out
        .par_iter_mut()
        .zip(&draws)
        .map(|(p, d)| {
            debug_assert_eq!(p.week(), first);
            let mut raw = vec![0.0; series::N_SERIES * months];
            p.advance(&model, d, end, &mut raw)?;
            let sum = |s: usize| -> f64 {
                (12 * years.start..(12 * years.end).min(months))
                    .map(|m| raw[s * months + m])
                    .sum()
            };
            let (within, plans) = (sum(series::PLANS_20W), sum(series::NEW_PLANS));
            Ok((plans > 0.0).then(|| within / plans))
        })
        .collect::<Result<_, Broken>>()
        .map_err(internal)?;
    let mut shares: Vec<f64> = stepped.into_iter().flatten().collect();
    if shares.is_empty() {
        return Ok(None);
    }
    shares.sort_by(f64::total_cmp);
    Ok(Some(crate::stats::quantile_sorted(&shares, 0.5)))
}

/// Set `cal.fit`'s level so that the model's first years repeat the last recorded 20-week
/// share (carried on the retention's path when the fit's last year has none recorded; left
/// as the fit made it when no year has), then `cal.capacity_path`:
/// a factor on it in each of the first years (up to `persist::MAX_LAG`), each found in turn so
/// that the model's median share that year is where SEN2's services have gone from such a
/// share: England's last share (in `england`, by year) plus the gap to England's the year the
/// share was recorded times the retention at that lag. England itself, or an area without the
/// retention or England's share, holds its last share.
pub fn anchor(cal: &mut Calibration, england: &[(i32, f64)]) -> Result<(), String> {
    let Some(((recorded_year, last), since, last_year)) = cal.fit.as_ref().and_then(|f| {
        Some((
            f.last_recorded_share()?,
            f.years_since_recorded_share()?,
            f.years.last()?.target.year,
        ))
    }) else {
        return Ok(());
    };
    let years = cal.horizon_years.min(persist::MAX_LAG);
    // The model's first years, without what was recorded after them (it only draws charts),
    // and holding its capacity where the level puts it. One horizon for every search, so
    // that each year's runs go on from the state the year before left them in.
    let mut probe = cal.clone();
    probe.horizon_years = years.max(YEARS.end);
    probe.finance.history.clear();
    probe.capacity_path.clear();
    let runs = runs_for(&probe);
    // England's share in the fit's last year and in the year the share was last recorded.
    let national = |year: i32| england.iter().find(|x| x.0 == year).map(|x| x.1);
    let england_at = national(last_year).zip(national(recorded_year));
    let retention = match england_at {
        Some(_) if !cal.own_series => cal.pooled.retention,
        _ => None,
    };
    // The retention `lag` (at least 1) years on; past `MAX_LAG`, the last.
    let kept = |lag: usize| retention.map(|r| r[(lag - 1).min(persist::MAX_LAG - 1)]);
    // Where a share `lag` years after the last recorded one is expected: England's last
    // share plus the gap the last recorded share had to England's then, times the retention
    // at that lag (the share itself, without the retention).
    let on_path = |lag: usize| match (england_at, lag) {
        (Some((n, n_then)), 1..) => kept(lag).map_or(last, |r| n + r * (last - n_then)),
        _ => last,
    };
    // A share last recorded before the fit's last year is carried to it on that path.
    let level = level_for(&mut probe, runs, on_path(since))?;
    cal.fit.as_mut().expect("checked above").level = level;
    probe.fit.as_mut().expect("a fitted pipeline").level = level;
    // The runs at the start of the year being set (from their start for the first).
    let mut paused: Option<Vec<Paused>> = None;
    for k in 0..years {
        // The first year of the run is a year after the fit's last.
        let target = on_path(since + k + 1);
        let (factor, at_end) = factor_for(&mut probe, runs, k, target, paused.as_deref())?;
        probe.capacity_path.push(PathYear {
            year: last_year + 1 + k as i32,
            target,
            kept: kept(since + k + 1),
            factor,
        });
        paused = Some(at_end);
    }
    cal.capacity_path = probe.capacity_path;
    Ok(())
}

/// Runs enough that a median is not noise: 200,000 requests a year handled (100 to 400).
fn runs_for(probe: &Calibration) -> usize {
    ((200_000.0 / probe.request_rate.max(1.0)).ceil() as usize).clamp(100, 400)
}

/// The level at which `probe`'s median 20-week share over `YEARS` is `target`: a bisection on
/// log capacity, which homes in on where the share crosses the target even where the share
/// barely moves with the level (a service clearing its cases, or one collapsing), so the plans
/// the level lets through are pinned down too.
fn level_for(probe: &mut Calibration, runs: usize, target: f64) -> Result<f64, String> {
    let (mut lo, mut hi) = (LEVEL_BOUNDS.0.ln(), LEVEL_BOUNDS.1.ln());
    let mut scratch = Vec::new();
    for _ in 0..STEPS {
        let mid = 0.5 * (lo + hi);
        probe.fit.as_mut().expect("a fitted pipeline").level = mid.exp();
        match share_over(probe, runs, YEARS, None, &mut scratch)? {
            Some(s) if s >= target => hi = mid,
            _ => lo = mid,
        }
    }
    Ok((0.5 * (lo + hi)).exp())
}

/// The factor on the level in year `k` (the years before it as `probe.capacity_path` has
/// them, the runs paused at the year's start in `from`, or at their start when `None`) at
/// which `probe`'s median 20-week share that year is `target` (see `solve`), and the runs at
/// that factor paused at the year's end.
fn factor_for(
    probe: &mut Calibration,
    runs: usize,
    k: usize,
    target: f64,
    from: Option<&[Paused]>,
) -> Result<(f64, Vec<Paused>), String> {
    let bounds = (PATH_BOUNDS.0.ln(), PATH_BOUNDS.1.ln());
    let x0 = probe
        .capacity_path
        .last()
        .map_or(0.0, |y| y.factor.ln())
        .clamp(bounds.0, bounds.1);
    let (mut trial, mut kept) = (Vec::new(), Vec::new());
    let mut kept_at: Option<(f64, f64)> = None;
    let (x, _) = solve(x0, bounds, |x| {
        probe.capacity_path.push(PathYear {
            year: 0,
            target,
            kept: None,
            factor: x.exp(),
        });
        let share = share_over(probe, runs, k..k + 1, from, &mut trial);
        probe.capacity_path.pop();
        let miss = share?.unwrap_or(0.0) - target;
        // The runs of the closest factor so far, as `solve` picks it.
        if kept_at.is_none_or(|(_, m)| miss.abs() < m.abs()) {
            kept_at = Some((x, miss));
            std::mem::swap(&mut trial, &mut kept);
        }
        Ok(miss)
    })?;
    assert_eq!(
        kept_at.map(|(kx, _)| kx),
        Some(x),
        "solve returns the closest point it tried"
    );
    Ok((x.exp(), kept))
}

/// The `x` within `bounds` at which `miss(x)` (the model's share less the target; it rises
/// with `x`, a log capacity) is within `SHARE_TOLERANCE` of 0: from `x0`, outwards in growing
/// steps until the miss changes sign, then by false position (the Illinois rule) between the
/// two last points, until the points are `X_TOLERANCE` apart or after `MAX_REFINE` steps.
/// Returns the point tried with the smallest miss (the first of equals) and its miss: a bound
/// when the target is out of reach.
fn solve(
    x0: f64,
    (low, high): (f64, f64),
    mut miss: impl FnMut(f64) -> Result<f64, String>,
) -> Result<(f64, f64), String> {
    let close = |f: f64| f.abs() <= SHARE_TOLERANCE;
    let f0 = miss(x0)?;
    let mut best = (x0, f0);
    let keep = |x: f64, f: f64, best: &mut (f64, f64)| {
        if f.abs() < best.1.abs() {
            *best = (x, f);
        }
    };
    if close(f0) {
        return Ok(best);
    }
    // More capacity, a higher share: go up when short of the target.
    let up = f0 < 0.0;
    let (mut a, mut fa) = (x0, f0);
    let mut step = FIRST_STEP.ln();
    let (mut b, mut fb) = loop {
        let x = if up { a + step } else { a - step }.clamp(low, high);
        let f = miss(x)?;
        keep(x, f, &mut best);
        if close(f) || (f < 0.0) != (fa < 0.0) {
            break (x, f);
        }
        if x == low || x == high {
            return Ok(best);
        }
        (a, fa) = (x, f);
        step *= 2.0;
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
        keep(x, f, &mut best);
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
    Ok(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solve_finds_a_rising_miss_and_stops_at_a_bound_out_of_reach() {
        // A share rising in log capacity like a logistic, target 0.4 at x = ln 1.8.
        let share = |x: f64| 1.0 / (1.0 + (-(x - 1.8f64.ln()) * 3.0).exp()) - 0.1;
        let mut tried = 0;
        let (x, f) = solve(0.0, (0.2f64.ln(), 5f64.ln()), |x| {
            tried += 1;
            Ok(share(x) - 0.4)
        })
        .unwrap();
        assert!(f.abs() <= SHARE_TOLERANCE, "miss {f} at {}", x.exp());
        assert!((x.exp() / 1.8 - 1.0).abs() < 0.02, "{}", x.exp());
        assert!(tried <= 8, "{tried} tries");
        // Out of reach: the bound, and the smallest miss tried.
        let (x, f) = solve(0.0, (0.2f64.ln(), 5f64.ln()), |x| Ok(share(x) - 0.95)).unwrap();
        assert_eq!(x, 5f64.ln());
        assert!((f - (share(x) - 0.95)).abs() < 1e-12);
    }
}
