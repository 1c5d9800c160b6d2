//! Charts of a run and of a comparison, as SVG (inlined in the HTML report) and PNG files:
//! fans over time with the recorded history, deficit histograms, caseload by setting and a
//! tornado of what drives the deficit; and the backtest's PIT histograms.
//!
//! ```text
//! let charts = charts::charts(&report, &model)?;        // or charts::figures(..) for SVG only
//! let figures = charts::write_files(&charts, dir)?;     // DIR/charts/NAME.svg and NAME.png
//! ```

pub mod axis;
pub mod canvas;
pub mod compare;
pub mod fan;
pub mod histogram;
pub mod pit;
pub mod stacked;
pub mod tornado;

use super::figure::Figure;
use super::headline;
use super::Report;
use crate::model::Model;
use anyhow::{Context, Result};
use canvas::Frame;
use plotters::coord::Shift;
use plotters::prelude::*;
use rayon::prelude::*;
use std::path::Path;

pub use compare::{compare_charts, compare_figures};

/// What a chart draws.
pub enum Plot {
    Fan(fan::Fan),
    Histogram(histogram::Histogram),
    Pit(pit::Pit),
    Stacked(stacked::Stacked),
    Tornado(tornado::Tornado),
}

impl Plot {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        match self {
            Plot::Fan(p) => p.draw(area),
            Plot::Histogram(p) => p.draw(area),
            Plot::Pit(p) => p.draw(area),
            Plot::Stacked(p) => p.draw(area),
            Plot::Tornado(p) => p.draw(area),
        }
    }
}

/// One chart, ready to render.
pub struct Chart {
    /// File stem (`charts/NAME.svg`).
    pub name: String,
    pub caption: String,
    pub frame: Frame,
    pub plot: Plot,
}

impl Chart {
    pub fn figure(&self) -> Result<Figure> {
        Ok(Figure {
            name: self.name.clone(),
            title: self.frame.title.clone(),
            caption: self.caption.clone(),
            svg: canvas::svg(&self.plot, &self.frame)
                .with_context(|| format!("drawing chart {}", self.name))?,
        })
    }

    pub fn png(&self) -> Result<Vec<u8>> {
        canvas::png(&self.plot, &self.frame).with_context(|| format!("drawing chart {}", self.name))
    }
}

/// Every chart of a run.
pub fn charts(report: &Report<'_>, model: &Model) -> Result<Vec<Chart>> {
    let mut v = Vec::new();
    for metric in fan::METRICS {
        v.extend(fan::chart(report, model, metric)?);
    }
    v.extend(histogram::deficit_charts(report)?);
    v.extend(stacked::chart(report, model)?);
    v.extend(tornado::chart(report)?);
    Ok(v)
}

/// Every chart of a run as SVG.
pub fn figures(report: &Report<'_>, model: &Model) -> Result<Vec<Figure>> {
    render_svg(&charts(report, model)?)
}

/// SVG of each chart, in order.
pub fn render_svg(charts: &[Chart]) -> Result<Vec<Figure>> {
    charts.par_iter().map(Chart::figure).collect()
}

/// Write `DIR/charts/NAME.svg` and `NAME.png` for each chart; returns the figures (SVG) so the
/// HTML report can inline them without drawing again.
pub fn write_files(charts: &[Chart], dir: &Path) -> Result<Vec<Figure>> {
    let out = dir.join("charts");
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    charts
        .par_iter()
        .map(|c| {
            let fig = c.figure()?;
            let png = c.png()?;
            let svg_path = out.join(format!("{}.svg", c.name));
            std::fs::write(&svg_path, &fig.svg)
                .with_context(|| format!("writing {}", svg_path.display()))?;
            let png_path = out.join(format!("{}.png", c.name));
            std::fs::write(&png_path, png)
                .with_context(|| format!("writing {}", png_path.display()))?;
            Ok(fig)
        })
        .collect()
}

/// The financial years a deficit is shown at: the end of the statutory override (March 2028,
/// when DSG deficits return to councils' own accounts) if the horizon reaches it, and the last.
pub fn key_years(report: &Report<'_>) -> Vec<usize> {
    let years = &report.results.years;
    let mut v: Vec<usize> = years
        .iter()
        .position(|p| p.label == headline::OVERRIDE_END)
        .into_iter()
        .collect();
    if !years.is_empty() && v.last() != Some(&(years.len() - 1)) {
        v.push(years.len() - 1);
    }
    v
}

/// The line under each title: what was run.
pub fn subtitle(report: &Report<'_>, what: &str) -> String {
    let r = report.results;
    format!(
        "{} · {} runs, seed {} · {what}",
        r.scenario,
        headline::count(r.runs as f64),
        r.seed
    )
}
