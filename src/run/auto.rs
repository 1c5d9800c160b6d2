//! `--runs auto`: batches of runs until every headline figure is known precisely enough — a
//! count's or money's mean to a share of itself, a percentage's mean and a probability to a
//! number of percentage points (a share near 0 can never meet a relative precision) — and
//! which figure decided the count.

use super::{progress_bar, run_batch, Results, RunError, RunOptions};
use crate::model::Model;
use crate::stats;

/// Trajectories added per batch by `--runs auto`.
pub const AUTO_BATCH: usize = 1000;
/// Default half-width, in percentage points, for percentages and probabilities.
pub const DEFAULT_POINTS: f64 = 1.0;
/// z of a 95% interval.
const Z95: f64 = 1.96;

/// The half-widths `--runs auto` asks of the 95% intervals of the headline figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Precision {
    /// For counts and money: a share of the mean (floor of one unit).
    pub relative: f64,
    /// For percentages and probabilities: percentage points.
    pub points: f64,
}

/// The watched figure furthest from its precision at the end: the one that set the count.
#[derive(Debug, Clone, PartialEq)]
pub struct Decider {
    /// A headline metric's mean, or a probability event.
    pub metric: String,
    /// Financial year.
    pub period: String,
    /// Half-width of its 95% interval, and the half-width allowed (in the metric's unit, or
    /// in points for a percentage or probability).
    pub half_width: f64,
    pub allowed: f64,
    /// `relative` (counts and money) or `points`.
    pub rule: &'static str,
}

impl std::fmt::Display for Decider {
    /// "plans_within_20_weeks_pct in 2026-27: 95% half-width ±0.98 points against ±1.00
    /// points allowed".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = |x: f64| {
            if self.rule == "points" {
                format!("{x:.2} points")
            } else {
                crate::report::num(x)
            }
        };
        write!(
            f,
            "{} in {}: 95% half-width ±{} against ±{} allowed",
            self.metric,
            self.period,
            unit(self.half_width),
            unit(self.allowed)
        )
    }
}

/// How `--runs auto` chose its count.
#[derive(Debug, Clone, PartialEq)]
pub struct AutoRuns {
    pub precision: Precision,
    pub reached: bool,
    pub max_runs: usize,
    pub decided_by: Option<Decider>,
}

impl Results {
    fn extend(&mut self, more: Results, max_monthly_runs: usize) {
        assert!(
            more.monthly.is_none(),
            "a batch of --runs auto keeps its months"
        );
        self.inputs.append(more.inputs);
        self.absorb(more.values, max_monthly_runs);
    }

    /// Every watched figure (each headline metric's mean and each probability, in every
    /// financial year) with the half-width of its 95% interval and what `p` allows.
    fn watched(&self, p: &Precision) -> Vec<Decider> {
        let mut out = Vec::new();
        let year_col = |k: usize, y: usize| self.column(k, self.months.len() + y);
        for name in crate::report::HEADLINE {
            let k = self.metric_index(name).expect("headline metric exists");
            for (y, period) in self.years.iter().enumerate() {
                let mut v = self.column_values(year_col(k, y));
                let s = stats::summarise(&mut v);
                if s.n < 2 {
                    continue;
                }
                let points = name.ends_with("_pct");
                out.push(Decider {
                    metric: name.to_string(),
                    period: period.label.clone(),
                    half_width: Z95 * s.mean_se,
                    allowed: if points {
                        p.points
                    } else {
                        p.relative * s.mean.abs().max(1.0)
                    },
                    rule: if points { "points" } else { "relative" },
                });
            }
        }
        for e in &crate::report::EVENTS {
            let k = self.metric_index(e.metric).expect("event metric exists");
            for (y, period) in self.years.iter().enumerate() {
                let v = self.column_values(year_col(k, y));
                let n = v.iter().filter(|x| !x.is_nan()).count();
                if n < 2 {
                    continue;
                }
                let se = stats::probability_se(stats::probability(&v, e.test), n);
                out.push(Decider {
                    metric: e.name.to_string(),
                    period: period.label.clone(),
                    half_width: Z95 * 100.0 * se,
                    allowed: p.points,
                    rule: "points",
                });
            }
        }
        out
    }

    /// The watched figure with the worst ratio of its half-width to what `p` allows (done
    /// when that ratio is at most 1), and the ratio.
    pub fn worst_precision(&self, p: &Precision) -> (f64, Option<Decider>) {
        self.watched(p)
            .into_iter()
            .map(|d| (d.half_width / d.allowed, d))
            .fold((0.0, None), |best, (r, d)| {
                if r > best.0 || best.1.is_none() {
                    (r, Some(d))
                } else {
                    best
                }
            })
    }

    /// Worst ratio of a watched figure's 95% half-width to what `p` allows; done when <= 1.
    pub fn precision_ratio(&self, p: &Precision) -> f64 {
        self.worst_precision(p).0
    }
}

/// Add batches of `AUTO_BATCH` trajectories until every watched figure is within `precision`
/// or `max_runs` is reached; the results say which figure decided (`Results::auto`).
pub fn run_until(
    model: &Model,
    opts: &RunOptions,
    precision: &Precision,
    max_runs: usize,
) -> Result<(Results, bool), RunError> {
    let bar = progress_bar(&RunOptions {
        runs: max_runs,
        ..opts.clone()
    });
    // Each batch keeps its months; `extend` summarises them once there are too many runs.
    let batch = RunOptions {
        max_monthly_runs: usize::MAX,
        ..opts.clone()
    };
    let mut results = run_batch(model, &batch, 0, AUTO_BATCH.min(max_runs), bar.as_ref())?;
    results.absorb(Vec::new(), opts.max_monthly_runs);
    let within = |ratio: f64| ratio <= 1.0;
    let (mut ratio, mut decided_by) = results.worst_precision(precision);
    while !within(ratio) && results.runs < max_runs {
        let n = AUTO_BATCH.min(max_runs - results.runs);
        let more = run_batch(model, &batch, results.runs, n, bar.as_ref())?;
        results.extend(more, opts.max_monthly_runs);
        (ratio, decided_by) = results.worst_precision(precision);
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let reached = within(ratio);
    results.auto = Some(AutoRuns {
        precision: *precision,
        reached,
        max_runs,
        decided_by,
    });
    Ok((results, reached))
}
