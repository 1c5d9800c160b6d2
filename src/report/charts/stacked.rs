//! Caseload by setting: the median of each setting's plans, stacked month by month, with the
//! recorded census totals.

use super::axis::{self, month_end, Unit};
use super::canvas::{self, Frame, Key, BLUE, GREEN, GREY, ORANGE, PURPLE, SKY, VERMILLION, YELLOW};
use super::fan::{self, Mark};
use super::{Chart, Plot, Report};
use crate::model::{Model, SETTINGS};
use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

/// A colour per setting, in `SETTINGS` order, neighbours unlike each other.
const COLORS: [RGBColor; 8] = [BLUE, SKY, GREEN, YELLOW, VERMILLION, PURPLE, ORANGE, GREY];

pub struct Stacked {
    pub xs: Vec<f64>,
    /// (colour, medians by month), bottom layer first.
    pub layers: Vec<(RGBColor, Vec<f64>)>,
    pub history: Vec<Mark>,
}

fn label(setting: &str) -> &'static str {
    match setting {
        "mainstream" => "mainstream",
        "resourced" => "resourced provision",
        "la_special" => "LA special",
        "academy_special" => "academy special",
        "independent_special" => "independent special",
        "alternative_provision" => "alternative provision",
        "post16" => "post-16",
        _ => "other",
    }
}

pub fn chart(report: &Report<'_>, model: &Model) -> Result<Option<Chart>> {
    let r = report.results;
    let mut layers = Vec::new();
    let mut legend = Vec::new();
    for (i, s) in SETTINGS.iter().enumerate() {
        let Some(k) = r.metric_index(&format!("ehcps_{s}")) else {
            return Ok(None);
        };
        let med: Vec<f64> = (0..r.months.len())
            .map(|m| report.summaries[r.column(k, m)].q[3])
            .collect();
        layers.push((COLORS[i], med));
        legend.push((Key::Band(COLORS[i], 0.85), label(s).to_string()));
    }
    let xs = (0..r.months.len())
        .map(|m| month_end(model.clock.month(m)))
        .collect();
    let history = fan::history_marks(model, "ehcps");
    legend.extend(fan::history_keys(&history, VERMILLION, "actual total"));
    Ok(Some(Chart {
        name: "caseload_by_setting".to_string(),
        caption:
            "The median number of plans in each setting, stacked. Medians of the parts do not \
                  add up exactly to the median total; the dots are recorded census totals."
                .to_string(),
        frame: Frame {
            title: "EHC plans by setting (medians, stacked)".to_string(),
            subtitle: super::subtitle(report, "metrics ehcps_<setting>"),
            legend,
        },
        plot: Plot::Stacked(Stacked {
            xs,
            layers,
            history,
        }),
    }))
}

impl Stacked {
    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let n = self.xs.len();
        if n == 0 {
            return Ok(());
        }
        let mut tops = vec![vec![0.0; n]; self.layers.len() + 1];
        for (j, (_, med)) in self.layers.iter().enumerate() {
            for i in 0..n {
                let v = if med[i].is_finite() { med[i] } else { 0.0 };
                tops[j + 1][i] = tops[j][i] + v;
            }
        }
        let x0 = self.history.iter().map(|m| m.x0).fold(self.xs[0], f64::min) - 2.0;
        let x1 = self.xs[n - 1] + 2.0;
        let (_, y1) = axis::padded_range(
            tops[self.layers.len()]
                .iter()
                .copied()
                .chain(self.history.iter().map(|m| m.y)),
            true,
        );
        let mut chart = canvas::dated_chart(
            area,
            x0..x1,
            0.0..y1,
            Unit::Count,
            "plans in place at month end",
        )?;
        for (j, (color, _)) in self.layers.iter().enumerate() {
            let mut pts: Vec<(f64, f64)> = (0..n).map(|i| (self.xs[i], tops[j + 1][i])).collect();
            pts.extend((0..n).rev().map(|i| (self.xs[i], tops[j][i])));
            chart.draw_series(std::iter::once(Polygon::new(pts, color.mix(0.85).filled())))?;
        }
        // Census totals are stocks, so each is one month: no bar, a dot or a square.
        fan::draw_history(&mut chart, &self.history, VERMILLION)
    }
}
