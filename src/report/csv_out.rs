//! summary.csv, monthly.csv, probabilities.csv, sensitivity.csv and milestones.csv.

use super::{num, Report};
use anyhow::{Context, Result};
use std::path::Path;

/// The contract's columns, then Monte Carlo precision: standard error of the mean and 95%
/// confidence intervals of P10, P50 and P90.
const HEADER: [&str; 19] = [
    "scenario", "metric", "period", "mean", "sd", "p5", "p10", "p25", "p50", "p75", "p90", "p95",
    "mean_se", "p10_lo", "p10_hi", "p50_lo", "p50_hi", "p90_lo", "p90_hi",
];

fn write_rows(report: &Report<'_>, path: &Path, years: bool) -> Result<()> {
    let r = report.results;
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("writing {}", path.display()))?;
    w.write_record(HEADER)?;
    let (offset, periods) = if years {
        (r.months.len(), &r.years)
    } else {
        (0, &r.months)
    };
    for (k, m) in r.metrics.iter().enumerate() {
        for (j, p) in periods.iter().enumerate() {
            let s = &report.summaries[r.column(k, offset + j)];
            let mut rec = vec![
                r.scenario.clone(),
                m.name.clone(),
                p.label.clone(),
                num(s.mean),
                num(s.sd),
            ];
            rec.extend(s.q.iter().map(|&q| num(q)));
            rec.push(num(s.mean_se));
            for (lo, hi) in s.q_ci {
                rec.push(num(lo));
                rec.push(num(hi));
            }
            w.write_record(&rec)?;
        }
    }
    w.flush()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

pub fn write_summary(report: &Report<'_>, path: &Path) -> Result<()> {
    write_rows(report, path, true)
}

pub fn write_monthly(report: &Report<'_>, path: &Path) -> Result<()> {
    write_rows(report, path, false)
}

pub fn write_probabilities(report: &Report<'_>, path: &Path) -> Result<()> {
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("writing {}", path.display()))?;
    w.write_record(["scenario", "event", "period", "p", "se"])?;
    for (e, period, p, se) in &report.probabilities {
        w.write_record([
            report.results.scenario.as_str(),
            e,
            period,
            &num(*p),
            &num(*se),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Tornado-chart data: each uncertain input against each headline outcome and year.
pub fn write_sensitivity(report: &Report<'_>, path: &Path) -> Result<()> {
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("writing {}", path.display()))?;
    w.write_record([
        "scenario",
        "input",
        "metric",
        "period",
        "spearman",
        "median_low_decile",
        "median_high_decile",
        "swing",
    ])?;
    for r in &report.sensitivity {
        w.write_record([
            report.results.scenario.as_str(),
            &r.input,
            r.metric,
            &r.period,
            &num(r.spearman),
            &num(r.median_low),
            &num(r.median_high),
            &num(r.median_high - r.median_low),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// For each event and level: the first financial year whose P(event) reaches the level (empty
/// when none in the horizon does), and that year's P.
pub fn write_milestones(report: &Report<'_>, path: &Path) -> Result<()> {
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("writing {}", path.display()))?;
    w.write_record(["scenario", "event", "level", "first_period", "p"])?;
    for e in &super::EVENTS {
        for level in super::MILESTONES {
            let (period, p) = report
                .first_year(e.name, level)
                .map_or((String::new(), String::new()), |(y, p)| {
                    (y.to_string(), num(p))
                });
            w.write_record([
                report.results.scenario.as_str(),
                e.name,
                &num(level),
                &period,
                &p,
            ])?;
        }
    }
    w.flush()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
