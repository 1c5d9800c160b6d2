//! Histograms of one financial-year value across runs: the cumulative deficit at the end of
//! the statutory override and of the horizon, or a paired difference between two scenarios.

use super::axis::{self, Unit};
use super::canvas::{self, Frame, Key, BLUE, GREY, INK};
use super::{Chart, Plot, Report};
use anyhow::Result;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

/// Bars across the range of values.
const BINS: usize = 40;

pub struct Histogram {
    pub unit: Unit,
    /// One value per run, in axis units (NaN = undefined in that run, left out).
    pub values: Vec<f64>,
    pub x_desc: String,
    pub color: RGBColor,
    /// P10, median, P90.
    pub marks: [f64; 3],
}

impl Histogram {
    pub fn new(unit: Unit, values: Vec<f64>, x_desc: String, color: RGBColor) -> Histogram {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        sorted.sort_unstable_by(f64::total_cmp);
        let q = |p| crate::stats::quantile_sorted(&sorted, p);
        Histogram {
            unit,
            values,
            x_desc,
            color,
            marks: [q(0.1), q(0.5), q(0.9)],
        }
    }

    /// "median −£215m; 80% of runs between −£260m and −£170m".
    pub fn summary(&self) -> String {
        let u = self.unit;
        format!(
            "median {}; 80% of runs between {} and {}",
            u.words(self.marks[1]),
            u.words(self.marks[0]),
            u.words(self.marks[2])
        )
    }

    pub fn legend(&self) -> Vec<(Key, String)> {
        vec![
            (Key::Band(self.color, 0.75), "runs".to_string()),
            (Key::Line(INK), "median".to_string()),
            (Key::Dashed(GREY), "P10 and P90".to_string()),
        ]
    }

    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let finite: Vec<f64> = self
            .values
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .collect();
        if finite.is_empty() {
            return Ok(());
        }
        let (x0, x1) = axis::padded_range(finite.iter().copied(), false);
        let width = (x1 - x0) / BINS as f64;
        let mut counts = [0usize; BINS];
        for v in &finite {
            counts[(((v - x0) / width) as usize).min(BINS - 1)] += 1;
        }
        let top = *counts.iter().max().expect("bins") as f64 * 1.1;
        let unit = self.unit;
        let fmt_x = move |v: &f64| unit.tick(*v);
        let fmt_y = |v: &f64| Unit::Count.tick(*v);
        let mut chart = ChartBuilder::on(area)
            .margin_left(10)
            .margin_right(30)
            .margin_top(20)
            .x_label_area_size(56)
            .y_label_area_size(90)
            .build_cartesian_2d(x0..x1, 0.0..top)?;
        chart
            .configure_mesh()
            .x_label_formatter(&fmt_x)
            .y_label_formatter(&fmt_y)
            .x_labels(9)
            .y_labels(6)
            .max_light_lines(0)
            .bold_line_style(canvas::GRID)
            .x_desc(self.x_desc.as_str())
            .y_desc("runs")
            .label_style(canvas::text(16, INK))
            .axis_desc_style(canvas::text(canvas::fit(&self.x_desc, 15, 820), INK))
            .draw()?;
        chart.draw_series(
            counts
                .iter()
                .enumerate()
                .filter(|(_, &c)| c > 0)
                .map(|(i, &c)| {
                    let a = x0 + i as f64 * width;
                    Rectangle::new(
                        [(a, 0.0), (a + width, c as f64)],
                        self.color.mix(0.75).filled(),
                    )
                }),
        )?;
        if x0 < 0.0 && x1 > 0.0 {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, top)],
                INK.stroke_width(1),
            )))?;
        }
        for (i, &m) in self.marks.iter().enumerate() {
            if !m.is_finite() {
                continue;
            }
            if i == 1 {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(m, 0.0), (m, top)],
                    INK.stroke_width(2),
                )))?;
            } else {
                chart.draw_series(std::iter::once(DashedPathElement::new(
                    vec![(m, 0.0), (m, top)],
                    6,
                    4,
                    GREY.stroke_width(2),
                )))?;
            }
        }
        Ok(())
    }
}

/// The cumulative DSG balance across runs at the end of the override and of the horizon.
pub fn deficit_charts(report: &Report<'_>) -> Result<Vec<Chart>> {
    let r = report.results;
    let metric = "dsg_cumulative_balance";
    let Some(k) = r.metric_index(metric) else {
        return Ok(Vec::new());
    };
    let unit = Unit::Money;
    let mut v = Vec::new();
    for y in super::key_years(report) {
        let fy = &r.years[y].label;
        let values: Vec<f64> = r
            .column_values(r.column(k, r.months.len() + y))
            .into_iter()
            .map(|x| x * unit.scale())
            .collect();
        let when = super::headline::march(fy);
        let h = Histogram::new(
            unit,
            values,
            format!("cumulative DSG high-needs balance at {when}, £m (negative = deficit)"),
            BLUE,
        );
        let is_override = fy == super::headline::OVERRIDE_END;
        let title = if is_override {
            format!("DSG balance at {when}, when the statutory override ends")
        } else {
            format!("DSG balance at {when}, the end of the horizon")
        };
        v.push(Chart {
            name: format!("hist_{metric}_{fy}"),
            caption: format!(
                "How the simulated futures spread: each bar counts the runs ending with a \
                 cumulative balance in its range at {when}. The solid line is the median, the \
                 dashed lines P10 and P90."
            ),
            frame: Frame {
                title,
                subtitle: super::subtitle(report, &h.summary()),
                legend: h.legend(),
            },
            plot: Plot::Histogram(h),
        });
    }
    Ok(v)
}
