//! Tornado chart: for the cumulative DSG balance in one year, how far its median moves between
//! runs where an uncertain input is in its lowest and in its highest tenth, largest swing first.

use super::axis::{self, Unit};
use super::canvas::{self, Frame, Key, BLUE, INK, ORANGE};
use super::{Chart, Plot, Report};
use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Inputs shown, the largest swings.
pub const TOP: usize = 10;
const METRIC: &str = "dsg_cumulative_balance";

pub struct Tornado {
    pub unit: Unit,
    /// (input, median when it is in its lowest tenth, in its highest tenth), largest swing first.
    pub rows: Vec<(String, f64, f64)>,
    /// The median of all runs.
    pub center: f64,
    pub x_desc: String,
}

/// The tornado for the cumulative DSG balance at the end of the override (or the last year).
pub fn chart(report: &Report<'_>) -> Result<Option<Chart>> {
    let Some(fy) = super::headline::key_year(&report.results.years) else {
        return Ok(None);
    };
    let Some(all) = report.year(METRIC, fy) else {
        return Ok(None);
    };
    let unit = Unit::Money;
    let rows: Vec<(String, f64, f64)> = report
        .top_drivers(METRIC, fy, TOP)
        .into_iter()
        .map(|s| {
            (
                s.input.clone(),
                s.median_low * unit.scale(),
                s.median_high * unit.scale(),
            )
        })
        .collect();
    if rows.is_empty() {
        return Ok(None);
    }
    let when = super::headline::march(fy);
    let center = all.q[3] * unit.scale();
    Ok(Some(Chart {
        name: format!("tornado_{METRIC}_{fy}"),
        caption: format!(
            "What moves the cumulative DSG balance at {when}: for each uncertain input, the median \
             balance of the runs where it was in its lowest tenth and in its highest tenth. The \
             vertical line is the median of all runs; longer bars matter more."
        ),
        frame: Frame {
            title: format!("What drives the DSG balance at {when}"),
            subtitle: super::subtitle(
                report,
                &format!("median of all runs {}", unit.words(center)),
            ),
            legend: vec![
                (Key::Band(BLUE, 0.8), "input in its lowest 10%".to_string()),
                (
                    Key::Band(ORANGE, 0.8),
                    "input in its highest 10%".to_string(),
                ),
                (Key::Line(INK), "median of all runs".to_string()),
            ],
        },
        plot: Plot::Tornado(Tornado {
            unit,
            rows,
            center,
            x_desc: format!("median cumulative balance at {when}, £m (negative = deficit)"),
        }),
    }))
}

impl Tornado {
    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let n = self.rows.len();
        let (x0, x1) = axis::padded_range(
            self.rows
                .iter()
                .flat_map(|r| [r.1, r.2])
                .chain(std::iter::once(self.center)),
            false,
        );
        let name_w = self
            .rows
            .iter()
            .map(|r| canvas::text_width(&r.0, 16))
            .max()
            .unwrap_or(0);
        let unit = self.unit;
        let fmt_x = move |v: &f64| unit.tick(*v);
        // Row i sits at y = n - 1 - i, so the largest swing is on top.
        let fmt_y = |v: &f64| {
            let i = n as i64 - 1 - v.round() as i64;
            usize::try_from(i)
                .ok()
                .and_then(|i| self.rows.get(i))
                .map_or(String::new(), |r| r.0.clone())
        };
        let keys: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let mut chart = ChartBuilder::on(area)
            .margin_left(10)
            .margin_right(30)
            .margin_top(20)
            .x_label_area_size(56)
            .y_label_area_size(name_w + 20)
            .build_cartesian_2d(x0..x1, axis::Ticked::new(-0.6..n as f64 - 0.4, keys))?;
        chart
            .configure_mesh()
            .x_label_formatter(&fmt_x)
            .y_label_formatter(&fmt_y)
            .x_labels(9)
            .max_light_lines(0)
            .disable_y_mesh()
            .bold_line_style(canvas::GRID)
            .x_desc(self.x_desc.as_str())
            .label_style(canvas::text(16, INK))
            .axis_desc_style(canvas::text(canvas::fit(&self.x_desc, 15, 820), INK))
            .draw()?;
        for (i, (_, lo, hi)) in self.rows.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            for (v, color) in [(*lo, BLUE), (*hi, ORANGE)] {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(self.center, y - 0.32), (v, y + 0.32)],
                    color.mix(0.8).filled(),
                )))?;
            }
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(self.center, -0.6), (self.center, n as f64 - 0.4)],
            INK.stroke_width(2),
        )))?;
        Ok(())
    }
}
