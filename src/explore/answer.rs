//! One answer of the page: what it draws from a run of the chosen settings — the report's fan
//! charts with the previous setting laid faintly beneath and the paired difference from it
//! beside each, the report's headline sentences and chances by year, and how precise the
//! figures are at this many runs.

use crate::compare::{self, Row};
use crate::model::Model;
use crate::report::charts::axis::Unit;
use crate::report::charts::canvas::Key;
use crate::report::charts::{fan, Plot};
use crate::report::compare_html::signed;
use crate::report::headline::{self, march};
use crate::report::{html, Report, EVENTS};
use crate::run::Results;
use crate::stats::metrics::Kind as MetricKind;
use crate::stats::{self, Summary};
use anyhow::Result;
use plotters::style::RGBColor;
use serde_json::{json, Value as Json};
use std::fmt::Write;

/// A setting's run, kept to draw it faintly and pair the next setting's runs with it.
pub struct Snapshot {
    pub results: Results,
    pub summaries: Vec<Summary>,
    /// (event, period, p, standard error), as `Report::probabilities`.
    pub probabilities: Vec<(String, String, f64, f64)>,
}

/// The previous setting's colour: light enough to read as the past.
const FAINT: RGBColor = RGBColor(160, 160, 160);
const PREVIOUS_BANDS: [(usize, usize, f64); 1] = [(1, 5, 0.22)];

/// The page's answer for `results` (a run of `model`), against `previous` when there is one.
pub fn answer(
    model: &Model,
    results: Results,
    previous: Option<&Snapshot>,
) -> Result<(Json, Snapshot)> {
    // Every metric by year (the headline and the chances), and the fans' metrics by month.
    let fans: Vec<usize> = fan::METRICS
        .iter()
        .filter_map(|m| results.metric_index(m))
        .collect();
    let (n_p, n_m) = (results.n_periods(), results.months.len());
    let summaries = results.summaries_where(|col| col % n_p >= n_m || fans.contains(&(col / n_p)));
    let report = Report::with_summaries(&results, summaries);
    let rows = previous
        .map(|p| compare::paired_rows_where(&p.results, &results, |m| fan::METRICS.contains(&m)));
    let key = headline::key_year(&results.years).unwrap_or("").to_string();
    let last = results.years.last().map_or("", |p| p.label.as_str());
    let mut figures = Vec::new();
    for metric in fan::METRICS {
        let Some(mut chart) = fan::chart(&report, model, metric)? else {
            continue;
        };
        if let (Some(p), Plot::Fan(f)) = (previous, &mut chart.plot) {
            if let Some(mut layer) = fan::layer(
                &p.results,
                &p.summaries,
                model,
                metric,
                FAINT,
                &PREVIOUS_BANDS,
            ) {
                layer.mean = None;
                f.layers.insert(0, layer);
                let legend = &mut chart.frame.legend;
                legend.push((
                    Key::Band(FAINT, PREVIOUS_BANDS[0].2),
                    "previous setting: 80%".to_string(),
                ));
                legend.push((Key::Line(FAINT), "its median".to_string()));
                chart.caption.push_str(
                    " Grey: the previous setting's middle 80% and median, on the same random numbers.",
                );
            }
        }
        let figure = chart.figure()?;
        let mut page = String::new();
        html::figure(&mut page, &figure);
        let diff = rows.as_deref().map_or(Vec::new(), |rows| {
            let mut years = vec![key.as_str()];
            if last != key {
                years.push(last);
            }
            years
                .into_iter()
                .filter_map(|y| difference(&results, rows, metric, y))
                .collect()
        });
        figures.push(json!({"name": figure.name, "html": page, "diff": diff}));
    }
    let mut probabilities_html = String::new();
    html::probabilities(&report, &mut probabilities_html);
    let probabilities: Vec<Json> = report
        .probabilities
        .iter()
        .map(|(e, y, p, se)| json!({"event": e, "period": y, "p": number(*p), "se": number(*se)}))
        .collect();
    let medians: Vec<Json> = fan::METRICS
        .iter()
        .flat_map(|m| results.years.iter().map(move |y| (*m, y.label.as_str())))
        .filter_map(|(m, y)| {
            let s = report.year(m, y)?;
            Some(json!({"metric": m, "period": y, "p10": number(s.q[1]), "p50": number(s.q[3]), "p90": number(s.q[5])}))
        })
        .collect();
    let json = json!({
        "scenario": results.scenario,
        "runs": results.runs,
        "seed": results.seed,
        "headline": headline::sentences(&report, model),
        "figures": figures,
        "probabilities": probabilities,
        "probabilities_html": probabilities_html,
        "probability_changes_html": previous.map(|p| changes_table(&report, p)),
        "precision": precision(&report, &key),
        "medians": medians,
    });
    let Report {
        summaries,
        probabilities,
        ..
    } = report;
    Ok((
        json,
        Snapshot {
            results,
            summaries,
            probabilities,
        },
    ))
}

/// A number for JSON; `null` when undefined.
fn number(x: f64) -> Json {
    if x.is_finite() {
        json!(x)
    } else {
        Json::Null
    }
}

/// The paired difference from the previous setting in one year, in words.
fn difference(r: &Results, rows: &[Row], metric: &str, year: &str) -> Option<String> {
    let row = rows
        .iter()
        .find(|x| x.metric == metric && x.period == year)?;
    let d = &row.diff;
    if !d.is_defined() {
        return None;
    }
    let unit = Unit::of(metric);
    let stock = r
        .metric_index(metric)
        .is_some_and(|k| matches!(r.metrics[k].kind, MetricKind::Stock(_)));
    let when = if stock {
        format!("on {}", march(year))
    } else {
        format!("in {year}")
    };
    Some(format!(
        "Against the previous setting, {when}: median {} (80% range {} to {}).",
        signed(d.q[3], unit),
        signed(d.q[1], unit),
        signed(d.q[5], unit)
    ))
}

/// The change in each chance by year from the previous setting, in percentage points.
fn changes_table(report: &Report<'_>, previous: &Snapshot) -> String {
    let r = report.results;
    let mut h = String::from(
        "<table class=\"changes\">\n<caption>Change from the previous setting</caption>\n<thead><tr><th></th>",
    );
    for p in &r.years {
        let _ = write!(h, "<th>{}</th>", html::esc(&p.label));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for e in &EVENTS {
        let _ = write!(h, "<tr><th>{}</th>", html::esc(e.label));
        for p in &r.years {
            let before = previous
                .probabilities
                .iter()
                .find(|x| x.0 == e.name && x.1 == p.label)
                .map(|x| x.2);
            match (before, report.probability(e.name, &p.label)) {
                (Some(a), Some(b)) if a.is_finite() && b.is_finite() => {
                    let _ = write!(
                        h,
                        "<td>{}</td>",
                        html::esc(&signed(100.0 * (b - a), Unit::Percent))
                    );
                }
                _ => h.push_str("<td>–</td>"),
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table>\n");
    h
}

/// How precise the figures are at this many runs: a probability's two standard errors, and
/// the 95% intervals of the headline medians in the key year.
fn precision(report: &Report<'_>, key: &str) -> Vec<String> {
    let r = report.results;
    let mut out = vec![format!(
        "{} simulated futures, seed {}. Every setting is run on the same random numbers (the same demand, staff turnover and case outcomes), so a change between settings is the change made, not noise.",
        headline::count(r.runs as f64),
        r.seed
    )];
    let mut parts = vec![format!(
        "a probability is good to about ±{} points (two standard errors at 50%)",
        crate::report::charts::axis::trim(200.0 * stats::probability_se(0.5, r.runs), 1)
    )];
    for (metric, what) in [
        (
            "dsg_cumulative_balance",
            "the median cumulative DSG balance",
        ),
        (
            "plans_within_20_weeks_pct",
            "the median share of plans issued in 20 weeks",
        ),
        ("assessment_backlog", "the median backlog"),
    ] {
        let Some(s) = report.year(metric, key).filter(|s| s.is_defined()) else {
            continue;
        };
        let (lo, hi) = s.q_ci[1];
        if !(lo.is_finite() && hi.is_finite()) {
            continue;
        }
        let half = (hi - lo) / 2.0;
        let unit = Unit::of(metric);
        let amount = match unit {
            Unit::Money => headline::money(half),
            Unit::Percent => format!("{} points", crate::report::charts::axis::trim(half, 1)),
            Unit::Count => headline::count(half),
        };
        parts.push(format!("{what} in {key} to about ±{amount}"));
    }
    out.push(format!(
        "Monte Carlo error: {} (95% intervals).",
        parts.join("; ")
    ));
    out
}
