//! Monte Carlo: many trajectories in parallel, each from its own random streams, reduced to
//! per-metric, per-period distributions.

use crate::calendar::fy_label;
use crate::engine::draw::{Draw, Streams};
use crate::engine::{self, series, Scratch};
use crate::model::sample::{self, InputBatch, Sampling};
use crate::model::{Model, ParamId};
use crate::stats::metrics::{self, Metric};
use crate::stats::stream::StreamSummary;
use crate::stats::{self, Summary};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

mod auto;
pub use auto::{run_until, AutoRuns, Decider, Precision, AUTO_BATCH, DEFAULT_POINTS};

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub runs: usize,
    pub seed: u64,
    pub sampling: Sampling,
    /// Show a progress bar (only drawn when stderr is a terminal).
    pub progress: bool,
    /// Inputs held at a value in every trajectory (goal-seek), whatever the file says.
    pub fixed: Vec<(ParamId, f64)>,
    /// Above this many runs, monthly values are summarised as they are run rather than kept
    /// for every trajectory (`Results::column_values` then has financial years only).
    pub max_monthly_runs: usize,
    /// Set from another thread to stop early (`explore`: a newer setting supersedes this
    /// run); the trajectories not yet run are then left at zero, so the results are to be
    /// thrown away (see `stopped`).
    pub stop: Option<Arc<AtomicBool>>,
}

/// Runs up to which every trajectory's monthly values are kept (about 32 KB a run at 10 years).
pub const MAX_MONTHLY_RUNS: usize = 20_000;

/// Trajectories run at a time when monthly values are summarised as they come.
const CHUNK: usize = 4096;

impl RunOptions {
    pub fn new(runs: usize, seed: u64) -> RunOptions {
        RunOptions {
            runs,
            seed,
            sampling: Sampling::MonteCarlo,
            progress: false,
            fixed: Vec::new(),
            max_monthly_runs: MAX_MONTHLY_RUNS,
            stop: None,
        }
    }

    /// Whether `stop` was set: the run ended early and its results are incomplete.
    pub fn stopped(&self) -> bool {
        self.stop
            .as_ref()
            .is_some_and(|s| s.load(Ordering::Relaxed))
    }
}

/// A reporting period: months `lo..hi` of the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    pub label: String,
    pub lo: usize,
    pub hi: usize,
    pub financial_year: bool,
}

pub fn periods(model: &Model) -> (Vec<Period>, Vec<Period>) {
    let c = &model.clock;
    let months = (0..c.months)
        .map(|m| Period {
            label: c.month(m).to_string(),
            lo: m,
            hi: m + 1,
            financial_year: false,
        })
        .collect();
    let fy0 = c.start.fy_start_year();
    let years = (0..c.n_fy)
        .map(|y| {
            let lo = c
                .month_fy
                .iter()
                .position(|&f| f as usize == y)
                .expect("year has months");
            let hi = c
                .month_fy
                .iter()
                .rposition(|&f| f as usize == y)
                .expect("year has months")
                + 1;
            Period {
                label: fy_label(fy0 + y as i32),
                lo,
                hi,
                financial_year: true,
            }
        })
        .collect();
    (months, years)
}

/// Every trajectory's value of every metric in every period.
pub struct Results {
    pub scenario: String,
    pub runs: usize,
    pub seed: u64,
    pub metrics: Vec<Metric>,
    pub months: Vec<Period>,
    pub years: Vec<Period>,
    /// Row per trajectory: metric-major, then months followed by years; or, once `monthly`
    /// is set, financial years only.
    pub values: Vec<f64>,
    /// Monthly columns summarised as they were run (metric-major), when too many runs to keep.
    pub monthly: Option<Vec<StreamSummary>>,
    /// The uncertain inputs each trajectory drew, and their names.
    pub inputs: InputBatch,
    pub input_names: Vec<String>,
    /// How `--runs auto` chose the count (None for a fixed count).
    pub auto: Option<AutoRuns>,
}

impl Results {
    pub fn n_periods(&self) -> usize {
        self.months.len() + self.years.len()
    }

    /// Values stored per trajectory.
    pub fn row_len(&self) -> usize {
        match self.monthly {
            None => self.metrics.len() * self.n_periods(),
            Some(_) => self.metrics.len() * self.years.len(),
        }
    }

    /// Column index of (metric, period) where period counts months first, then years.
    pub fn column(&self, metric: usize, period: usize) -> usize {
        metric * self.n_periods() + period
    }

    /// Where column `col` sits in a stored row, if every trajectory's value is kept.
    fn stored(&self, col: usize) -> Option<usize> {
        let (k, period) = (col / self.n_periods(), col % self.n_periods());
        match self.monthly {
            None => Some(col),
            Some(_) => period
                .checked_sub(self.months.len())
                .map(|y| k * self.years.len() + y),
        }
    }

    pub fn metric_index(&self, name: &str) -> Option<usize> {
        self.metrics.iter().position(|m| m.name == name)
    }

    /// Whether every trajectory's monthly values are kept (see `RunOptions::max_monthly_runs`).
    pub fn has_monthly_values(&self) -> bool {
        self.monthly.is_none()
    }

    /// Values of one column across trajectories. Financial-year columns always; monthly ones
    /// only while `has_monthly_values` (callers that need them raise `max_monthly_runs`).
    pub fn column_values(&self, col: usize) -> Vec<f64> {
        let i = self.stored(col).unwrap_or_else(|| {
            panic!(
                "column {col} is monthly, and monthly values were summarised, not kept, for \
                 these {} runs (raise RunOptions::max_monthly_runs to keep them)",
                self.runs
            )
        });
        self.values
            .chunks_exact(self.row_len())
            .map(|r| r[i])
            .collect()
    }

    /// Each trajectory's share `metric` (a percentage) over months `months`, each month
    /// weighted by its `events` (plans issued, decisions made): the share of the period's
    /// events. Trajectories without an event in the period are left out. Needs the monthly
    /// values (`has_monthly_values`).
    pub fn weighted_share(
        &self,
        metric: &str,
        events: &str,
        months: std::ops::Range<usize>,
    ) -> Vec<f64> {
        assert!(
            self.has_monthly_values(),
            "a share over months needs every trajectory's months (raise max_monthly_runs)"
        );
        let k = self.metric_index(metric).expect("metric exists");
        let e = self.metric_index(events).expect("metric exists");
        self.values
            .chunks_exact(self.row_len())
            .filter_map(|r| {
                let (mut num, mut den) = (0.0, 0.0);
                for m in months.clone() {
                    let (p, n) = (r[self.column(k, m)], r[self.column(e, m)]);
                    if n > 0.0 && p.is_finite() {
                        num += p * n;
                        den += n;
                    }
                }
                (den > 0.0).then(|| num / den)
            })
            .collect()
    }

    /// Summaries of every column, in column order.
    pub fn summaries(&self) -> Vec<Summary> {
        self.summaries_where(|_| true)
    }

    /// Summaries of the columns `keep` picks (by column index), in column order; the others
    /// are left undefined (`Summary::is_defined` is false), for a reader that needs only some
    /// (`explore` draws four metrics by month, and every metric by year).
    pub fn summaries_where(&self, keep: impl Fn(usize) -> bool + Sync) -> Vec<Summary> {
        const BLOCK: usize = 64;
        let row_len = self.row_len();
        let n_blocks = row_len.div_ceil(BLOCK);
        let (n_m, n_y, n_p) = (self.months.len(), self.years.len(), self.n_periods());
        // The column of stored value `i` of a row.
        let column = |i: usize| match self.monthly {
            None => i,
            Some(_) => (i / n_y) * n_p + n_m + i % n_y,
        };
        let blocks: Vec<Vec<Summary>> = (0..n_blocks)
            .into_par_iter()
            .map(|b| {
                let lo = b * BLOCK;
                let hi = (lo + BLOCK).min(row_len);
                if !(lo..hi).any(|i| keep(column(i))) {
                    return vec![stats::summarise(&mut []); hi - lo];
                }
                let runs = self.values.len() / row_len;
                let mut cols = vec![0.0; (hi - lo) * runs];
                gather_columns(&self.values, row_len, lo, &mut cols);
                (0..hi - lo)
                    .map(|c| {
                        let col = &mut cols[c * runs..(c + 1) * runs];
                        if keep(column(lo + c)) {
                            stats::summarise(col)
                        } else {
                            stats::summarise(&mut [])
                        }
                    })
                    .collect()
            })
            .collect();
        let stored: Vec<Summary> = blocks.into_iter().flatten().collect();
        let Some(monthly) = &self.monthly else {
            return stored;
        };
        let mut all = Vec::with_capacity(self.metrics.len() * n_p);
        for k in 0..self.metrics.len() {
            all.extend(
                monthly[k * n_m..(k + 1) * n_m]
                    .iter()
                    .enumerate()
                    .map(|(m, s)| {
                        if keep(k * n_p + m) {
                            s.summary()
                        } else {
                            stats::summarise(&mut [])
                        }
                    }),
            );
            all.extend_from_slice(&stored[k * n_y..(k + 1) * n_y]);
        }
        all
    }

    /// Add `rows` (full rows of the next trajectories), switching to summarising monthly values
    /// once there are more than `max_monthly_runs` trajectories.
    fn absorb(&mut self, rows: Vec<f64>, max_monthly_runs: usize) {
        let full_len = self.metrics.len() * self.n_periods();
        let n = rows.len() / full_len;
        if self.monthly.is_none() && self.runs + n > max_monthly_runs {
            self.start_summarising_months();
        }
        if self.monthly.is_none() {
            if self.values.is_empty() {
                self.values = rows;
            } else {
                self.values.extend(rows);
            }
        } else {
            self.summarise_months(rows);
        }
        self.runs += n;
    }

    /// Summarise the monthly values kept so far, and those to come as they are added.
    fn start_summarising_months(&mut self) {
        let kept = std::mem::take(&mut self.values);
        self.monthly = Some(vec![
            StreamSummary::default();
            self.metrics.len() * self.months.len()
        ]);
        self.summarise_months(kept);
    }

    /// Feed the monthly columns of full `rows` to the running summaries and keep the years.
    fn summarise_months(&mut self, rows: Vec<f64>) {
        let (n_m, n_p) = (self.months.len(), self.n_periods());
        let row_len = n_p * self.metrics.len();
        if rows.is_empty() {
            return;
        }
        let monthly = self.monthly.as_mut().expect("summarising months");
        // A metric's months are side by side in a row, and handed over a month at a time.
        monthly
            .par_chunks_mut(n_m)
            .enumerate()
            .for_each(|(k, accs)| {
                let n = rows.len() / row_len;
                let mut cols = vec![0.0; n_m * n];
                gather_columns(&rows, row_len, k * n_p, &mut cols);
                for (acc, col) in accs.iter_mut().zip(cols.chunks_exact(n)) {
                    acc.add_batch(col.to_vec());
                }
            });
        for row in rows.chunks_exact(n_p * self.metrics.len()) {
            for k in 0..self.metrics.len() {
                self.values
                    .extend_from_slice(&row[k * n_p + n_m..(k + 1) * n_p]);
            }
        }
    }
}

/// Columns `first..` of `rows` (each `row_len` long) one after another in `out`, each as long
/// as there are rows, as many as `out` holds; read 16 rows at a time so that each column's
/// stores share cache lines.
fn gather_columns(rows: &[f64], row_len: usize, first: usize, out: &mut [f64]) {
    const TILE: usize = 16;
    let n = rows.len() / row_len;
    if n == 0 {
        return;
    }
    for (t, tile) in rows.chunks(TILE * row_len).enumerate() {
        for (c, col) in out.chunks_exact_mut(n).enumerate() {
            for (x, row) in col[t * TILE..].iter_mut().zip(tile.chunks_exact(row_len)) {
                *x = row[first + c];
            }
        }
    }
}

/// A trajectory reached a state the model cannot reach: an internal error (exit code 1),
/// never an output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunError {
    pub scenario: String,
    pub seed: u64,
    pub trajectory: u64,
    pub broken: engine::Broken,
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "internal error in `{}`, trajectory {} of seed {}: {}; nothing was written",
            self.scenario, self.trajectory, self.seed, self.broken
        )
    }
}

impl std::error::Error for RunError {}

/// Run `opts.runs` trajectories of `model`.
pub fn run(model: &Model, opts: &RunOptions) -> Result<Results, RunError> {
    let bar = progress_bar(opts);
    let results = run_batch(model, opts, 0, opts.runs, bar.as_ref());
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    results
}

/// Trajectories `first..first + n` (their inputs sampled together as one batch).
pub fn run_batch(
    model: &Model,
    opts: &RunOptions,
    first: usize,
    n: usize,
    bar: Option<&ProgressBar>,
) -> Result<Results, RunError> {
    let metrics = metrics::all();
    let (months, years) = periods(model);
    let inputs = sample::draw_batch(model, opts.seed, first as u64, n, opts.sampling);
    let mut results = Results {
        scenario: model.name.clone(),
        runs: 0,
        seed: opts.seed,
        metrics,
        months,
        years,
        values: Vec::new(),
        monthly: None,
        input_names: inputs
            .ids
            .iter()
            .map(|&i| model.params.params[i].name.clone())
            .collect(),
        inputs,
        auto: None,
    };
    // Everything at once when every value is kept; else a chunk at a time, so only one
    // chunk's monthly values are held.
    let chunk = if n > opts.max_monthly_runs {
        // Room for every trajectory's years at once: growing by doubling would briefly hold
        // the old and the new copy.
        results.start_summarising_months();
        let years = results.metrics.len() * results.years.len();
        results.values.reserve_exact(n * years);
        CHUNK
    } else {
        n.max(1)
    };
    let mut done = 0;
    while done < n && !opts.stopped() {
        let m = chunk.min(n - done);
        let rows = trajectories(model, opts, &results, first, done..done + m, bar)?;
        results.absorb(rows, opts.max_monthly_runs);
        done += m;
    }
    Ok(results)
}

/// Full rows (every metric in every month and year) of batch rows `range`, trajectory indices
/// counted from `first`.
fn trajectories(
    model: &Model,
    opts: &RunOptions,
    res: &Results,
    first: usize,
    range: std::ops::Range<usize>,
    bar: Option<&ProgressBar>,
) -> Result<Vec<f64>, RunError> {
    let n_periods = res.n_periods();
    let row_len = res.metrics.len() * n_periods;
    let mut values = vec![0.0; range.len() * row_len];
    let m_count = model.clock.months;
    let inputs = &res.inputs;
    // Work in runs of up to 64 trajectories so each thread reuses its buffers, short enough
    // that a small batch (a calibration's hundred) still gives every thread some.
    let min_len = (range.len() / (4 * rayon::current_num_threads())).clamp(1, 64);
    values
        .par_chunks_mut(row_len)
        .enumerate()
        .with_min_len(min_len)
        .try_for_each_init(
            || (Scratch::default(), vec![0.0; series::N_SERIES * m_count]),
            |(scratch, raw), (i, row)| {
                if opts.stopped() {
                    return Ok(());
                }
                let i = range.start + i;
                let index = (first + i) as u64;
                let mut d = Draw::from_inputs(model, &inputs.ids, inputs.row(i), opts.seed, index);
                for &(id, x) in &opts.fixed {
                    d.set(id, x);
                }
                engine::simulate(model, &d, &mut Streams::new(opts.seed, index), scratch, raw)
                    .map_err(|broken| RunError {
                        scenario: model.name.clone(),
                        seed: opts.seed,
                        trajectory: index,
                        broken,
                    })?;
                let n_m = res.months.len();
                for (metric, out) in res.metrics.iter().zip(row.chunks_exact_mut(n_periods)) {
                    let (months, years) = out.split_at_mut(n_m);
                    metric.kind.fill_months(raw, m_count, months);
                    for (y, p) in years.iter_mut().zip(&res.years) {
                        *y = metric.kind.value(raw, m_count, p.lo, p.hi);
                    }
                }
                if let Some(b) = bar {
                    b.inc(1);
                }
                Ok(())
            },
        )?;
    Ok(values)
}

/// One trajectory's raw monthly series (inputs by plain Monte Carlo, uncorrelated).
pub fn trajectory(
    model: &Model,
    seed: u64,
    index: u64,
    scratch: &mut Scratch,
    raw: &mut [f64],
) -> Result<(), RunError> {
    let d = Draw::single(model, seed, index);
    engine::simulate(model, &d, &mut Streams::new(seed, index), scratch, raw).map_err(|broken| {
        RunError {
            scenario: model.name.clone(),
            seed,
            trajectory: index,
            broken,
        }
    })
}

fn progress_bar(opts: &RunOptions) -> Option<ProgressBar> {
    use std::io::IsTerminal;
    if !opts.progress || !std::io::stderr().is_terminal() || opts.runs < 1000 {
        return None;
    }
    let b = ProgressBar::new(opts.runs as u64);
    b.set_style(
        ProgressStyle::with_template("{spinner} {bar:40} {pos}/{len} runs  {elapsed} (eta {eta})")
            .expect("valid template"),
    );
    Some(b)
}
