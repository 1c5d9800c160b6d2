//! summary.csv, monthly.csv and probabilities.csv.

use super::{num, Report};
use anyhow::{Context, Result};
use std::path::Path;

const HEADER: [&str; 12] = [
    "scenario", "metric", "period", "mean", "sd", "p5", "p10", "p25", "p50", "p75", "p90", "p95",
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
    w.write_record(["scenario", "event", "period", "p"])?;
    for (e, period, p) in &report.probabilities {
        w.write_record([report.results.scenario.as_str(), e, period, &num(*p)])?;
    }
    w.flush()?;
    Ok(())
}
