//! summary.json: run details, yearly metric summaries and probabilities, and which
//! high-needs figures are national defaults.

use super::Report;
use crate::stats::{CI_PERCENTILES, PERCENTILES};
use anyhow::{Context, Result};
use serde_json::{json, Map, Value};
use std::path::Path;

/// A JSON number rounded as in the CSV files, or null when undefined.
pub fn number(x: f64) -> Value {
    if x.is_finite() {
        // Same rounding as the CSV files, so the two agree.
        json!(super::num(x).parse::<f64>().unwrap_or(x))
    } else {
        Value::Null
    }
}

/// How `--runs auto` chose the count (null for a fixed count): the precisions asked, whether
/// they were reached, and the figure that decided.
fn runs_auto(r: &crate::run::Results) -> Value {
    let Some(a) = &r.auto else {
        return Value::Null;
    };
    let decided = a.decided_by.as_ref().map_or(Value::Null, |d| {
        json!({
            "metric": d.metric,
            "period": d.period,
            "half_width": number(d.half_width),
            "allowed": number(d.allowed),
            "rule": d.rule,
        })
    });
    json!({
        "precision": a.precision.relative,
        "precision_points": a.precision.points,
        "reached": a.reached,
        "max_runs": a.max_runs,
        "decided_by": decided,
    })
}

pub fn write(
    report: &Report<'_>,
    model: &crate::model::Model,
    version: &str,
    path: &Path,
) -> Result<()> {
    let r = report.results;
    let mut metrics = Vec::new();
    for (k, m) in r.metrics.iter().enumerate() {
        for (j, p) in r.years.iter().enumerate() {
            let s = &report.summaries[r.column(k, r.months.len() + j)];
            let mut o = Map::new();
            o.insert("metric".into(), json!(m.name));
            o.insert("period".into(), json!(p.label));
            o.insert("mean".into(), number(s.mean));
            o.insert("sd".into(), number(s.sd));
            for (pc, q) in PERCENTILES.iter().zip(s.q) {
                o.insert(format!("p{pc}"), number(q));
            }
            o.insert("mean_se".into(), number(s.mean_se));
            for (pc, (lo, hi)) in CI_PERCENTILES.iter().zip(s.q_ci) {
                o.insert(format!("p{pc}_ci"), json!([number(lo), number(hi)]));
            }
            metrics.push(Value::Object(o));
        }
    }
    let probabilities: Vec<Value> = report
        .probabilities
        .iter()
        .map(|(e, period, p, se)| json!({"event": e, "period": period, "p": number(*p), "se": number(*se)}))
        .collect();
    let doc = json!({
        "scenario": r.scenario,
        "runs": r.runs,
        "seed": r.seed,
        "version": version,
        "metrics": metrics,
        "probabilities": probabilities,
        "finance_defaults": model.finance.defaults,
        "finance_note": super::headline::finance_defaults_note(model),
        "runs_auto": runs_auto(r),
    });
    let text = serde_json::to_string_pretty(&doc)?;
    std::fs::write(path, text + "\n").with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
