//! The backtest's files (`backtest.csv`, `scores.csv`, `skipped.csv`, `pit.csv`, `pit.svg`,
//! `pit.png`) and the table it prints.

use super::pit::{self, PitBins};
use super::score::{ALPHA_80, ALPHA_95};
use super::series::is_share;
use super::{Row, Score, Skipped};
use crate::report::num;
use anyhow::{Context, Result};
use std::path::Path;

/// A number, or empty when undefined.
fn opt(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        num(x)
    }
}

/// `all` for a score pooled over origins or horizons.
fn slice<T: ToString>(x: Option<T>) -> String {
    x.map_or("all".to_string(), |v| v.to_string())
}

/// Write every file of a backtest into `dir`.
pub fn write(
    dir: &Path,
    rows: &[Row],
    scores: &[Score],
    skipped: &[Skipped],
    origins: &[i32],
) -> Result<()> {
    write_rows(&dir.join("backtest.csv"), rows)?;
    write_scores(&dir.join("scores.csv"), scores)?;
    let mut w = csv::Writer::from_path(dir.join("skipped.csv"))?;
    w.write_record(["la_code", "la_name", "reason", "origin"])?;
    for s in skipped {
        w.write_record([&s.la_code, &s.la_name, &s.reason, &s.origin.to_string()])?;
    }
    w.flush()?;
    let bins = pit::bins(rows);
    write_pit(&dir.join("pit.csv"), &bins)?;
    if let Some(chart) = pit::chart(&bins, origins) {
        let fig = chart.figure()?;
        std::fs::write(dir.join("pit.svg"), fig.svg).context("writing pit.svg")?;
        std::fs::write(dir.join("pit.png"), chart.png()?).context("writing pit.png")?;
    }
    Ok(())
}

fn write_rows(path: &Path, rows: &[Row]) -> Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record([
        "la_code",
        "la_name",
        "metric",
        "period",
        "actual",
        "p2_5",
        "p10",
        "p50",
        "p90",
        "p97_5",
        "ape",
        "in_80",
        "in_95",
        "method",
        "abs_error",
        "origin",
        "horizon",
        "pit",
        "interval_score_80",
        "interval_score_95",
    ])?;
    let b = |x: Option<bool>| x.map_or(String::new(), |b| b.to_string());
    let is = |x: Option<f64>| x.map_or(String::new(), num);
    for r in rows {
        let mut rec = vec![
            r.la_code.clone(),
            r.la_name.clone(),
            r.metric.to_string(),
            r.period.clone(),
            num(r.actual),
        ];
        rec.extend(r.q.iter().map(|&x| num(x)));
        rec.extend([
            opt(r.ape),
            b(r.in_80),
            b(r.in_95),
            r.method.to_string(),
            num(r.abs_error),
            r.origin.to_string(),
            r.horizon.to_string(),
            r.pit.map_or(String::new(), num),
            is(r.interval_score(ALPHA_80)),
            is(r.interval_score(ALPHA_95)),
        ]);
        w.write_record(&rec)?;
    }
    w.flush()?;
    Ok(())
}

fn write_scores(path: &Path, scores: &[Score]) -> Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record([
        "method",
        "metric",
        "n",
        "median_ape",
        "coverage_80",
        "coverage_95",
        "median_abs_error",
        "median_bias",
        "origin",
        "horizon",
        "median_bias_pct",
        "interval_score_80",
        "interval_score_95",
        "n_intervals",
    ])?;
    for s in scores {
        w.write_record([
            s.method.to_string(),
            s.metric.to_string(),
            s.n.to_string(),
            opt(s.median_ape),
            opt(s.coverage_80),
            opt(s.coverage_95),
            num(s.median_abs_error),
            num(s.median_bias),
            slice(s.origin),
            slice(s.horizon),
            opt(s.median_bias_pct),
            opt(s.interval_score_80),
            opt(s.interval_score_95),
            s.n_intervals.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn write_pit(path: &Path, bins: &[PitBins]) -> Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record([
        "metric", "horizon", "bin", "from", "to", "count", "n", "density",
    ])?;
    for b in bins {
        let n: usize = b.counts.iter().sum();
        let k = b.counts.len();
        for (i, &c) in b.counts.iter().enumerate() {
            w.write_record([
                b.metric.to_string(),
                slice(b.horizon),
                (i + 1).to_string(),
                num(i as f64 / k as f64),
                num((i + 1) as f64 / k as f64),
                c.to_string(),
                n.to_string(),
                num(c as f64 * k as f64 / n as f64),
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}

/// The printed summary: each metric by horizon, pooled over the origins (each origin's rows
/// are in scores.csv), every method under it.
pub fn table(scores: &[Score]) -> String {
    let mut s = format!(
        "{:<28} {:>7} {:<14} {:>6} {:>11} {:>12} {:>8} {:>8} {:>8} {:>8} {:>8}\n",
        "metric",
        "horizon",
        "method",
        "n",
        "median APE",
        "median error",
        "bias",
        "in 80%",
        "in 95%",
        "IS 80%",
        "IS 95%"
    );
    let pc = |x: f64| {
        if x.is_nan() {
            "-".to_string()
        } else {
            format!("{:.1}%", x * 100.0)
        }
    };
    let pts = |x: f64| {
        if x.is_nan() {
            "-".to_string()
        } else {
            format!("{x:.1} pts")
        }
    };
    let mut pooled: Vec<&Score> = scores.iter().filter(|s| s.origin.is_none()).collect();
    // By metric, then horizon (pooled last), keeping the methods' order.
    let metric_rank = |m: &str| {
        super::METRICS
            .iter()
            .chain(["all"].iter())
            .chain(super::SHARES.iter())
            .position(|x| *x == m)
            .unwrap_or(usize::MAX)
    };
    pooled.sort_by_key(|s| (metric_rank(s.metric), s.horizon.unwrap_or(usize::MAX)));
    for sc in pooled {
        let share = is_share(sc.metric);
        let (ape, err, bias, is80, is95) = if share {
            (
                "-".to_string(),
                pts(sc.median_abs_error),
                pts(sc.median_bias),
                pts(sc.interval_score_80),
                pts(sc.interval_score_95),
            )
        } else {
            (
                pc(sc.median_ape),
                "-".to_string(),
                pc(sc.median_bias_pct),
                pc(sc.interval_score_80),
                pc(sc.interval_score_95),
            )
        };
        s += &format!(
            "{:<28} {:>7} {:<14} {:>6} {:>11} {:>12} {:>8} {:>8} {:>8} {:>8} {:>8}\n",
            sc.metric,
            slice(sc.horizon),
            sc.method,
            sc.n,
            ape,
            err,
            bias,
            pc(sc.coverage_80),
            pc(sc.coverage_95),
            is80,
            is95
        );
    }
    s
}
