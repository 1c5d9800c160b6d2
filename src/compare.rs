//! `sendcast compare A B`: both scenarios on common random numbers, and per metric and
//! financial year the paired difference B - A and the chance that B is better.

use crate::model::Model;
use crate::report::num;
use crate::run::{run, Results, RunOptions};
use crate::stats::metrics::Better;
use crate::stats::{self, Summary};
use anyhow::{Context, Result};
use serde_json::json;
use std::path::Path;

pub struct Row {
    pub metric: String,
    pub period: String,
    pub mean_a: f64,
    pub mean_b: f64,
    pub diff: Summary,
    /// P(B better than A), where the metric has a better direction.
    pub p_b_better: Option<f64>,
    pub p_b_greater: f64,
}

pub struct Comparison {
    pub a: Results,
    pub b: Results,
    pub rows: Vec<Row>,
}

/// Run both scenarios. With `independent`, B gets another seed (no common random numbers),
/// to show what pairing buys.
pub fn compare(a: &Model, b: &Model, opts: &RunOptions, independent: bool) -> Result<Comparison> {
    let ra = run(a, opts)?;
    let opts_b = RunOptions {
        seed: if independent {
            opts.seed.wrapping_add(1_000_003)
        } else {
            opts.seed
        },
        ..opts.clone()
    };
    let rb = run(b, &opts_b)?;
    if ra
        .years
        .iter()
        .map(|p| &p.label)
        .ne(rb.years.iter().map(|p| &p.label))
    {
        anyhow::bail!(
            "the two scenarios cover different financial years ({} and {}); compare needs the same start and horizon",
            ra.years.first().map_or("", |p| &p.label),
            rb.years.first().map_or("", |p| &p.label)
        );
    }
    let rows = paired_rows(&ra, &rb);
    Ok(Comparison { a: ra, b: rb, rows })
}

fn paired_rows(a: &Results, b: &Results) -> Vec<Row> {
    paired_rows_where(a, b, |_| true)
}

/// Per metric that `keep` picks (by name) and financial year, the paired difference B − A,
/// trajectory by trajectory (the first runs of each where their counts differ).
pub fn paired_rows_where(a: &Results, b: &Results, keep: impl Fn(&str) -> bool) -> Vec<Row> {
    let mut rows = Vec::new();
    for (k, m) in a.metrics.iter().enumerate() {
        if !keep(&m.name) {
            continue;
        }
        for (y, p) in a.years.iter().enumerate() {
            let col = a.column(k, a.months.len() + y);
            let (va, vb) = (a.column_values(col), b.column_values(col));
            let mut diff: Vec<f64> = va.iter().zip(&vb).map(|(x, y)| y - x).collect();
            let greater = stats::probability(&diff, |d| d > 0.0);
            let p_b_better = match m.better {
                Better::Higher => Some(greater),
                Better::Lower => Some(stats::probability(&diff, |d| d < 0.0)),
                Better::Neither => None,
            };
            let mean = |v: &[f64]| {
                let d: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
                if d.is_empty() {
                    f64::NAN
                } else {
                    d.iter().sum::<f64>() / d.len() as f64
                }
            };
            rows.push(Row {
                metric: m.name.clone(),
                period: p.label.clone(),
                mean_a: mean(&va),
                mean_b: mean(&vb),
                diff: stats::summarise(&mut diff),
                p_b_better,
                p_b_greater: greater,
            });
        }
    }
    rows
}

pub fn write_csv(c: &Comparison, path: &Path) -> Result<()> {
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("writing {}", path.display()))?;
    w.write_record([
        "scenario_a",
        "scenario_b",
        "metric",
        "period",
        "mean_a",
        "mean_b",
        "diff_mean",
        "diff_sd",
        "diff_mean_se",
        "diff_p10",
        "diff_p50",
        "diff_p90",
        "p_b_better",
        "p_b_greater",
    ])?;
    for r in &c.rows {
        w.write_record([
            c.a.scenario.as_str(),
            &c.b.scenario,
            &r.metric,
            &r.period,
            &num(r.mean_a),
            &num(r.mean_b),
            &num(r.diff.mean),
            &num(r.diff.sd),
            &num(r.diff.mean_se),
            &num(r.diff.q[1]),
            &num(r.diff.q[3]),
            &num(r.diff.q[5]),
            &r.p_b_better.map_or(String::new(), num),
            &num(r.p_b_greater),
        ])?;
    }
    w.flush()?;
    Ok(())
}

pub fn write_json(c: &Comparison, version: &str, path: &Path) -> Result<()> {
    let n = crate::report::json_out::number;
    let rows: Vec<serde_json::Value> = c
        .rows
        .iter()
        .map(|r| {
            json!({
                "metric": r.metric, "period": r.period, "mean_a": n(r.mean_a), "mean_b": n(r.mean_b),
                "diff_mean": n(r.diff.mean), "diff_sd": n(r.diff.sd), "diff_mean_se": n(r.diff.mean_se),
                "diff_p10": n(r.diff.q[1]), "diff_p50": n(r.diff.q[3]), "diff_p90": n(r.diff.q[5]),
                "p_b_better": r.p_b_better.map_or(serde_json::Value::Null, n), "p_b_greater": n(r.p_b_greater),
            })
        })
        .collect();
    let doc = json!({
        "scenario_a": c.a.scenario, "scenario_b": c.b.scenario, "runs": c.a.runs, "seed": c.a.seed,
        "version": version, "differences": rows,
    });
    std::fs::write(path, serde_json::to_string_pretty(&doc)? + "\n")
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Short table: headline differences by year, median [P10 to P90] and P(B better).
pub fn render(c: &Comparison) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} minus {} ({} paired runs, seed {}): median [P10 to P90], P(B better)",
        c.b.scenario, c.a.scenario, c.a.runs, c.a.seed
    );
    for metric in [
        "plans_within_20_weeks_pct",
        "assessment_backlog",
        "dsg_cumulative_balance",
        "send_service_cost",
    ] {
        let _ = writeln!(out, "{metric}");
        for r in c.rows.iter().filter(|r| r.metric == metric) {
            let scale = if metric.starts_with("dsg") || metric.ends_with("cost") {
                1e6
            } else {
                1.0
            };
            let unit = if scale > 1.0 { " £m" } else { "" };
            let _ = writeln!(
                out,
                "  {}  {:>10.1} [{:.1}, {:.1}]{unit}  P(B better) {}",
                r.period,
                r.diff.q[3] / scale,
                r.diff.q[1] / scale,
                r.diff.q[5] / scale,
                r.p_b_better
                    .map_or("-".to_string(), |p| format!("{:.0}%", 100.0 * p))
            );
        }
    }
    out
}
