//! Charts of `sendcast compare`: the two scenarios' fans laid over each other, and the spread
//! of the paired difference B − A in the cumulative deficit.

use super::axis::Unit;
use super::canvas::{Frame, Key, BLUE, GREEN, ORANGE, PURPLE};
use super::fan::{self, Fan, OVERLAY_BANDS};
use super::histogram::Histogram;
use super::{Chart, Plot, Report};
use crate::compare::Comparison;
use crate::model::Model;
use anyhow::Result;

/// Every chart of a comparison; `a` and `b` are the reports of `cmp.a` and `cmp.b`, `model` the
/// scenario whose `[history]` is drawn (A's).
pub fn compare_charts(
    cmp: &Comparison,
    a: &Report<'_>,
    b: &Report<'_>,
    model: &Model,
) -> Result<Vec<Chart>> {
    let (na, nb) = (&cmp.a.scenario, &cmp.b.scenario);
    let mut v = Vec::new();
    for metric in fan::METRICS {
        let la = fan::layer(&cmp.a, &a.summaries, model, metric, BLUE, &OVERLAY_BANDS);
        let lb = fan::layer(&cmp.b, &b.summaries, model, metric, ORANGE, &OVERLAY_BANDS);
        let (Some(mut la), Some(mut lb)) = (la, lb) else {
            continue;
        };
        // Two means over two fans would be more lines than a reader can follow.
        (la.mean, lb.mean) = (None, None);
        let (title, y_desc) = fan::describe(metric);
        let history = fan::history_marks(model, metric);
        let mut legend = vec![
            (Key::Band(BLUE, 0.25), format!("{na}: 80% of runs")),
            (Key::Line(BLUE), "median".to_string()),
            (Key::Band(ORANGE, 0.25), format!("{nb}: 80% of runs")),
            (Key::Line(ORANGE), "median".to_string()),
        ];
        legend.extend(fan::history_keys(&history, PURPLE, "actual"));
        v.push(Chart {
            name: format!("compare_fan_{metric}"),
            caption: format!(
                "The middle 80% of simulated futures and the median of {na} (blue) and {nb} \
                 (orange), run on the same random numbers."
            ),
            frame: Frame {
                title: format!("{title}: {na} and {nb}"),
                subtitle: format!(
                    "{} paired runs, seed {} · metric {metric}",
                    Unit::Count.words(cmp.a.runs as f64),
                    cmp.a.seed
                ),
                legend,
            },
            plot: Plot::Fan(Fan {
                unit: Unit::of(metric),
                y_desc: y_desc.to_string(),
                lines: fan::lines(model, metric),
                after_color: PURPLE,
                layers: vec![la, lb],
                history,
            }),
        });
    }
    v.extend(difference_charts(cmp, a)?);
    Ok(v)
}

/// SVG of every chart of a comparison.
pub fn compare_figures(
    cmp: &Comparison,
    a: &Report<'_>,
    b: &Report<'_>,
    model: &Model,
) -> Result<Vec<crate::report::figure::Figure>> {
    super::render_svg(&compare_charts(cmp, a, b, model)?)
}

fn difference_charts(cmp: &Comparison, a: &Report<'_>) -> Result<Vec<Chart>> {
    let metric = "dsg_cumulative_balance";
    let (ra, rb) = (&cmp.a, &cmp.b);
    let Some(k) = ra.metric_index(metric) else {
        return Ok(Vec::new());
    };
    let (na, nb) = (&ra.scenario, &rb.scenario);
    let unit = Unit::Money;
    let mut v = Vec::new();
    for y in super::key_years(a) {
        let fy = &ra.years[y].label;
        let col = ra.column(k, ra.months.len() + y);
        let diff: Vec<f64> = ra
            .column_values(col)
            .iter()
            .zip(rb.column_values(col))
            .map(|(x, z)| (z - x) * unit.scale())
            .collect();
        let when = super::headline::march(fy);
        let h = Histogram::new(
            unit,
            diff,
            format!("{nb} minus {na}, cumulative balance at {when}, £m (positive = smaller deficit in {nb})"),
            GREEN,
        );
        let better = cmp
            .rows
            .iter()
            .find(|r| r.metric == metric && &r.period == fy)
            .and_then(|r| r.p_b_better);
        let p = better.map_or(String::new(), |p| {
            format!(" · P({nb} better) {:.0}%", 100.0 * p)
        });
        let mut legend = h.legend();
        legend[0].1 = "paired runs".to_string();
        v.push(Chart {
            name: format!("compare_diff_{metric}_{fy}"),
            caption: format!(
                "Each run of {nb} is paired with the run of {na} on the same random numbers; bars \
                 count the differences in the cumulative DSG balance at {when}. Right of zero, \
                 {nb} leaves the smaller deficit."
            ),
            frame: Frame {
                title: format!("{nb} minus {na}: DSG balance at {when}"),
                subtitle: format!("{}{p}", h.summary()),
                legend,
            },
            plot: Plot::Histogram(h),
        });
    }
    Ok(v)
}
