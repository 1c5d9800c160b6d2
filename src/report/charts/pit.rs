//! PIT histograms of backtest forecasts, one small panel per metric and horizon: where each
//! outcome fell in its forecast distribution, in tenths, against the flat line calibrated
//! forecasts give (a U is too narrow, a hump too wide, a slope biased).

use super::canvas::{self, Frame, Key, BLUE, GREY, INK};
use super::{Chart, Plot};
use anyhow::Result;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

/// Bins of the PIT, tenths of the forecast distribution.
pub const BINS: usize = 10;

/// A grid of PIT histograms: `cells[row][col]` are the bin counts for row label `rows[row]`
/// (a metric) and column label `cols[col]` (a horizon).
pub struct Pit {
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    pub cells: Vec<Vec<[usize; BINS]>>,
}

impl Pit {
    /// Density of each bin (1 = as many outcomes as a calibrated forecast puts there).
    fn density(c: &[usize; BINS]) -> [f64; BINS] {
        let n: usize = c.iter().sum();
        c.map(|k| {
            if n == 0 {
                0.0
            } else {
                k as f64 * BINS as f64 / n as f64
            }
        })
    }

    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        if self.rows.is_empty() || self.cols.is_empty() {
            return Ok(());
        }
        let top = self
            .cells
            .iter()
            .flatten()
            .flat_map(Pit::density)
            .fold(2.0f64, f64::max)
            * 1.05;
        let (left, grid) = area.split_horizontally(110);
        let panels = grid.split_evenly((self.rows.len(), self.cols.len()));
        let h = left.dim_in_pixel().1 as i32 / self.rows.len() as i32;
        for (r, label) in self.rows.iter().enumerate() {
            left.draw_text(label, &canvas::text(14, INK), (8, r as i32 * h + h / 2 - 7))?;
        }
        for (i, panel) in panels.iter().enumerate() {
            let (r, c) = (i / self.cols.len(), i % self.cols.len());
            let counts = &self.cells[r][c];
            let n: usize = counts.iter().sum();
            let caption = format!("{} (n = {n})", self.cols[c]);
            let mut chart = ChartBuilder::on(panel)
                .margin(6)
                .caption(caption, canvas::text(13, INK))
                .x_label_area_size(if r + 1 == self.rows.len() { 22 } else { 4 })
                .y_label_area_size(if c == 0 { 30 } else { 4 })
                .build_cartesian_2d(0.0..1.0, 0.0..top)?;
            let mut mesh = chart.configure_mesh();
            mesh.max_light_lines(0)
                .bold_line_style(canvas::GRID)
                .x_labels(3)
                .y_labels(4)
                .label_style(canvas::text(11, INK));
            // Ticks at 0, 0.5 and 1; the ends only at the grid's edges, so neighbours' labels
            // do not run together.
            let (first, last, bottom) =
                (c == 0, c + 1 == self.cols.len(), r + 1 == self.rows.len());
            let fmt_x = move |v: &f64| {
                let end = (*v < 0.25 && first) || (*v > 0.75 && last);
                if !bottom || !(end || (0.25..=0.75).contains(v)) {
                    String::new()
                } else {
                    format!("{v}")
                }
            };
            mesh.x_label_formatter(&fmt_x);
            if c != 0 {
                mesh.y_label_formatter(&|_| String::new());
            }
            mesh.draw()?;
            let d = Pit::density(counts);
            let w = 1.0 / BINS as f64;
            chart.draw_series(d.iter().enumerate().map(|(b, &y)| {
                let x = b as f64 * w;
                Rectangle::new([(x, 0.0), (x + w, y)], BLUE.mix(0.75).filled())
            }))?;
            chart.draw_series(std::iter::once(DashedPathElement::new(
                vec![(0.0, 1.0), (1.0, 1.0)],
                5,
                3,
                GREY.stroke_width(2),
            )))?;
        }
        Ok(())
    }
}

/// The PIT chart (`pit.svg`, `pit.png`).
pub fn chart(pit: Pit, subtitle: String) -> Chart {
    Chart {
        name: "pit".to_string(),
        caption: "Where each outcome fell in sendcast's forecast distribution, in tenths: bars \
                  level with the dashed line are calibrated; a U (outcomes in the tails) means \
                  intervals too narrow, a hump too wide, a slope a biased median."
            .to_string(),
        frame: Frame {
            title: "Backtest: probability integral transform of sendcast's forecasts".to_string(),
            subtitle,
            legend: vec![
                (
                    Key::Band(BLUE, 0.75),
                    "outcomes per tenth of the forecast distribution (density)".to_string(),
                ),
                (Key::Dashed(GREY), "calibrated (uniform)".to_string()),
            ],
        },
        plot: Plot::Pit(pit),
    }
}
