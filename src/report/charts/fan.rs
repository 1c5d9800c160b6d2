//! Fan charts: a metric's monthly percentile bands (P5-P95, P10-P90, P25-P75) and median over
//! time, with what was recorded drawn on top — before the start as the model's past, after it
//! as the outcome the forecast is judged against.

use super::axis::{self, month_end, month_start, Unit};
use super::canvas::{self, Frame, Key, BLUE, GREY, INK, VERMILLION};
use super::{Chart, Plot, Report};
use crate::calendar::YearMonth;
use crate::model::history::Span;
use crate::model::Model;
use crate::stats::metrics::Kind;
use crate::stats::Summary;
use anyhow::Result;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

/// The metrics drawn as fans.
pub const METRICS: [&str; 4] = [
    "ehcps",
    "plans_within_20_weeks_pct",
    "assessment_backlog",
    "dsg_cumulative_balance",
];

/// Percentile pairs (indices into `stats::PERCENTILES`) shaded, widest first, with opacity.
pub const FULL_BANDS: [(usize, usize, f64); 3] = [(0, 6, 0.15), (1, 5, 0.25), (2, 4, 0.40)];
/// One band for fans laid over each other.
pub const OVERLAY_BANDS: [(usize, usize, f64); 1] = [(1, 5, 0.25)];

/// One scenario's fan.
pub struct Layer {
    pub color: RGBColor,
    pub xs: Vec<f64>,
    /// Percentiles at `stats::PERCENTILES`, already in the axis's unit.
    pub q: Vec<[f64; 7]>,
    /// The mean, drawn dashed where the median alone misleads: a rate whose futures split
    /// between a service that has recovered and one that has not.
    pub mean: Option<Vec<f64>>,
    pub bands: &'static [(usize, usize, f64)],
}

/// A recorded value: at `x`, or over `x0..x1` for a year's total or rate.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub x0: f64,
    pub x1: f64,
    pub y: f64,
    /// Recorded after the model's start: what the forecast is judged against.
    pub after_start: bool,
}

impl Mark {
    pub fn x(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }
}

pub struct Fan {
    pub unit: Unit,
    pub y_desc: String,
    pub layers: Vec<Layer>,
    pub history: Vec<Mark>,
    /// Dashed vertical lines with a label at the top (the start, the override's end).
    pub lines: Vec<(f64, String)>,
    /// Colour of values recorded after the start (kept apart from the layers' colours).
    pub after_color: RGBColor,
}

/// Heading and y-axis description of a fan.
pub fn describe(metric: &str) -> (&'static str, &'static str) {
    match metric {
        "ehcps" => ("EHC plans in place", "plans in place at month end"),
        "plans_within_20_weeks_pct" => (
            "Plans issued within 20 weeks",
            "% of the month's new plans issued in 20 weeks",
        ),
        "assessment_backlog" => (
            "Assessment backlog: open cases past 20 weeks",
            "open cases past 20 weeks",
        ),
        "dsg_cumulative_balance" => (
            "Cumulative DSG high-needs balance",
            "£m at month end (negative = deficit)",
        ),
        _ => ("", ""),
    }
}

/// A metric's monthly percentiles from `summaries` (those of `results`, in column order), in
/// axis units.
pub fn layer(
    results: &crate::run::Results,
    summaries: &[Summary],
    model: &Model,
    metric: &str,
    color: RGBColor,
    bands: &'static [(usize, usize, f64)],
) -> Option<Layer> {
    let r = results;
    let k = r.metric_index(metric)?;
    let unit = Unit::of(metric);
    let stock = matches!(r.metrics[k].kind, Kind::Stock(_));
    let mut xs = Vec::with_capacity(r.months.len());
    let mut q = Vec::with_capacity(r.months.len());
    let mut mean = Vec::with_capacity(r.months.len());
    for i in 0..r.months.len() {
        let ym = model.clock.month(i);
        xs.push(if stock {
            month_end(ym)
        } else {
            month_start(ym) + 0.5
        });
        let s = &summaries[r.column(k, i)];
        q.push(s.q.map(|v| v * unit.scale()));
        mean.push(s.mean * unit.scale());
    }
    let is_rate = matches!(r.metrics[k].kind, Kind::Ratio(..));
    Some(Layer {
        color,
        xs,
        q,
        mean: is_rate.then_some(mean),
        bands,
    })
}

/// The model's recorded values of `metric`, in axis units.
pub fn history_marks(model: &Model, metric: &str) -> Vec<Mark> {
    let unit = Unit::of(metric);
    model
        .history
        .iter()
        .filter(|p| p.metric == metric)
        .map(|p| {
            let (first, last) = p.span.months();
            let (x0, x1) = match p.span {
                Span::Month(m) => (month_end(m), month_end(m)),
                _ => (month_start(first), month_end(last)),
            };
            Mark {
                x0,
                x1,
                y: p.value * unit.scale(),
                after_start: last >= model.clock.start,
            }
        })
        .collect()
}

/// Dashed lines at the start and, on the deficit, at the end of the statutory override.
pub fn lines(model: &Model, metric: &str) -> Vec<(f64, String)> {
    let start = model.clock.start;
    let mut v = vec![(
        month_start(start),
        format!("forecast from {}", axis::month_name(start)),
    )];
    let override_end = YearMonth::new(2028, 3);
    if metric.starts_with("dsg_")
        && model.clock.month_index(override_end).is_some()
        && model
            .clock
            .month_index(override_end.plus_months(1))
            .is_some()
    {
        v.push((
            month_end(override_end),
            "statutory override ends".to_string(),
        ));
    }
    v
}

/// The legend of a fan with full bands and history.
pub fn legend(history: &[Mark], color: RGBColor, mean: bool) -> Vec<(Key, String)> {
    let mut v = vec![
        (Key::Band(color, FULL_BANDS[0].2), "90% of runs".to_string()),
        (Key::Band(color, FULL_BANDS[1].2), "80%".to_string()),
        (Key::Band(color, FULL_BANDS[2].2), "50%".to_string()),
        (Key::Line(color), "median".to_string()),
    ];
    if mean {
        v.push((Key::Dashed(INK), "mean".to_string()));
    }
    v.extend(history_keys(history, VERMILLION, "actual"));
    v
}

/// Legend keys for recorded values, `what` naming them (e.g. `actual`): dots before the
/// model's start, squares after it.
pub fn history_keys(history: &[Mark], after_color: RGBColor, what: &str) -> Vec<(Key, String)> {
    let mut v = Vec::new();
    if history.iter().any(|m| !m.after_start) {
        v.push((Key::Dot(INK), what.to_string()));
    }
    if history.iter().any(|m| m.after_start) {
        v.push((
            Key::Square(after_color),
            format!("{what} since the start (to judge the forecast)"),
        ));
    }
    v
}

/// The fan chart of `metric`, if the run reports it.
pub fn chart(report: &Report<'_>, model: &Model, metric: &str) -> Result<Option<Chart>> {
    let Some(layer) = layer(
        report.results,
        &report.summaries,
        model,
        metric,
        BLUE,
        &FULL_BANDS,
    ) else {
        return Ok(None);
    };
    let (title, y_desc) = describe(metric);
    let history = history_marks(model, metric);
    let mut caption =
        "Shaded bands hold the middle 90%, 80% and 50% of simulated futures; the line is \
                       the median."
            .to_string();
    let has_mean = layer.mean.is_some();
    if has_mean {
        caption.push_str(
            " The dashed line is the mean: where some futures recover and others do not, the \
             median can sit at one extreme while the mean shows the share of futures that recover.",
        );
    }
    if !history.is_empty() {
        caption.push_str(
            " Black dots are recorded values; orange-red squares are values recorded after the \
             model's start, to judge the forecast against. A bar through a point spans the year it \
             covers.",
        );
    }
    Ok(Some(Chart {
        name: format!("fan_{metric}"),
        caption,
        frame: Frame {
            title: title.to_string(),
            subtitle: super::subtitle(report, &format!("metric {metric}")),
            legend: legend(&history, BLUE, has_mean),
        },
        plot: Plot::Fan(Fan {
            unit: Unit::of(metric),
            y_desc: y_desc.to_string(),
            lines: lines(model, metric),
            after_color: VERMILLION,
            layers: vec![layer],
            history,
        }),
    }))
}

/// Runs of consecutive indices where `ok` holds.
fn segments(n: usize, ok: impl Fn(usize) -> bool) -> Vec<std::ops::Range<usize>> {
    let mut v = Vec::new();
    let mut i = 0;
    while i < n {
        if ok(i) {
            let s = i;
            while i < n && ok(i) {
                i += 1;
            }
            v.push(s..i);
        } else {
            i += 1;
        }
    }
    v
}

impl Fan {
    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let xs = self.layers.iter().flat_map(|l| l.xs.iter().copied());
        let (mut x0, mut x1) = (f64::INFINITY, f64::NEG_INFINITY);
        for x in xs.chain(self.history.iter().flat_map(|m| [m.x0, m.x1])) {
            x0 = x0.min(x);
            x1 = x1.max(x);
        }
        if !x0.is_finite() {
            return Ok(());
        }
        let (x0, x1) = (x0 - 2.0, x1 + 2.0);
        let ys = self
            .layers
            .iter()
            .flat_map(|l| l.q.iter().flat_map(|q| [q[0], q[6]]))
            .chain(self.history.iter().map(|m| m.y));
        let (y0, y1) = axis::padded_range(ys, true);
        let y1 = if self.unit == Unit::Percent {
            y1.min(105.0)
        } else {
            y1
        };
        let mut chart = canvas::dated_chart(area, x0..x1, y0..y1, self.unit, self.y_desc.as_str())?;
        if y0 < 0.0 && y1 > 0.0 {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x0, 0.0), (x1, 0.0)],
                INK.stroke_width(1),
            )))?;
        }
        for l in &self.layers {
            for &(lo, hi, alpha) in l.bands {
                let ok = |i: usize| l.q[i][lo].is_finite() && l.q[i][hi].is_finite();
                for seg in segments(l.xs.len(), ok) {
                    let mut pts: Vec<(f64, f64)> =
                        seg.clone().map(|i| (l.xs[i], l.q[i][hi])).collect();
                    pts.extend(seg.rev().map(|i| (l.xs[i], l.q[i][lo])));
                    chart.draw_series(std::iter::once(Polygon::new(
                        pts,
                        l.color.mix(alpha).filled(),
                    )))?;
                }
            }
        }
        for l in &self.layers {
            for seg in segments(l.xs.len(), |i| l.q[i][3].is_finite()) {
                chart.draw_series(LineSeries::new(
                    seg.map(|i| (l.xs[i], l.q[i][3])),
                    l.color.stroke_width(3),
                ))?;
            }
            if let Some(mean) = &l.mean {
                for seg in segments(l.xs.len(), |i| mean[i].is_finite()) {
                    chart.draw_series(std::iter::once(DashedPathElement::new(
                        seg.map(|i| (l.xs[i], mean[i])).collect::<Vec<_>>(),
                        8,
                        5,
                        INK.stroke_width(2),
                    )))?;
                }
            }
        }
        for (x, label) in &self.lines {
            chart.draw_series(std::iter::once(DashedPathElement::new(
                vec![(*x, y0), (*x, y1)],
                6,
                4,
                GREY.stroke_width(1),
            )))?;
            chart.draw_series(std::iter::once(
                EmptyElement::at((*x, y1))
                    + Text::new(label.clone(), (5, 4), canvas::text(13, GREY)),
            ))?;
        }
        draw_history(&mut chart, &self.history, self.after_color)
    }
}

/// Recorded values on a dated chart, as `history_keys` shows them: a dot before the model's
/// start, a square of `after_color` after it, and a bar across the months a flow covers.
pub fn draw_history<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<axis::Ticked, plotters::coord::types::RangedCoordf64>,
    >,
    history: &[Mark],
    after_color: RGBColor,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    for m in history {
        let color = if m.after_start { after_color } else { INK };
        if m.x1 > m.x0 {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(m.x0, m.y), (m.x1, m.y)],
                color.stroke_width(2),
            )))?;
        }
        let p = (m.x(), m.y);
        if m.after_start {
            chart.draw_series(std::iter::once(
                EmptyElement::at(p)
                    + Rectangle::new([(-5, -5), (5, 5)], after_color.filled())
                    + Rectangle::new([(-5, -5), (5, 5)], INK.stroke_width(1)),
            ))?;
        } else {
            chart.draw_series(std::iter::once(Circle::new(p, 5, INK.filled())))?;
        }
    }
    Ok(())
}
