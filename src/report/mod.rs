//! Output files of `sendcast run`, written into a fresh folder that replaces DIR only when
//! every file is complete.

pub mod assumptions;
pub mod charts;
pub mod compare_html;
pub mod csv_out;
pub mod figure;
pub mod headline;
pub mod html;
pub mod json_out;
pub mod table;
pub mod xlsx;

pub use figure::Figure;

use crate::model::Model;
use crate::run::Results;
use crate::stats::{self, Summary};
use anyhow::{Context, Result};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// A probability reported per financial year.
pub struct Event {
    pub name: &'static str,
    /// What it means, for a reader of the page and the workbook.
    pub label: &'static str,
    pub metric: &'static str,
    pub test: fn(f64) -> bool,
}

pub const EVENTS: [Event; 2] = [
    Event {
        name: "dsg_in_year_balance_ge_0",
        label: "DSG in-year balance of £0 or better",
        metric: "dsg_in_year_balance",
        test: |x| x >= 0.0,
    },
    Event {
        name: "plans_within_20_weeks_pct_ge_60",
        label: "60% or more of plans issued within 20 weeks",
        metric: "plans_within_20_weeks_pct",
        test: |x| x >= 60.0,
    },
];

/// Everything the exporters need, computed once.
pub struct Report<'a> {
    pub results: &'a Results,
    pub summaries: Vec<Summary>,
    /// (event, period label, p, standard error)
    pub probabilities: Vec<(String, String, f64, f64)>,
    pub sensitivity: Vec<SensitivityRow>,
}

/// One input against one outcome in one financial year.
pub struct SensitivityRow {
    pub input: String,
    pub metric: &'static str,
    pub period: String,
    pub spearman: f64,
    pub median_low: f64,
    pub median_high: f64,
}

/// Levels of P(event) whose first year is reported (milestones.csv and the printed table).
pub const MILESTONES: [f64; 2] = [0.5, 0.8];

/// Outcomes the sensitivity analysis and the convergence check watch.
pub const HEADLINE: [&str; 3] = [
    "dsg_cumulative_balance",
    "plans_within_20_weeks_pct",
    "assessment_backlog",
];

impl<'a> Report<'a> {
    pub fn new(results: &'a Results) -> Report<'a> {
        Report::with_summaries(results, results.summaries())
    }

    /// The report of `results` from `summaries` of its columns (`Results::summaries`, or
    /// `summaries_where` for a reader that needs only some).
    pub fn with_summaries(results: &'a Results, summaries: Vec<Summary>) -> Report<'a> {
        let mut probabilities = Vec::new();
        for e in &EVENTS {
            let k = results.metric_index(e.metric).expect("event metric exists");
            for (j, p) in results.years.iter().enumerate() {
                let col = results.column(k, results.months.len() + j);
                let v = results.column_values(col);
                let p_hat = stats::probability(&v, e.test);
                let defined = v.iter().filter(|x| !x.is_nan()).count();
                let se = stats::probability_se(p_hat, defined);
                probabilities.push((e.name.to_string(), p.label.clone(), p_hat, se));
            }
        }
        let sensitivity = sensitivity_rows(results);
        Report {
            results,
            summaries,
            probabilities,
            sensitivity,
        }
    }

    /// The `n` uncertain inputs that move `metric` most in financial year `label`: rows with
    /// both tenth medians finite, by swing (the medians' distance) from largest, then by
    /// input name, so equal swings do not reorder between runs.
    pub fn top_drivers(&self, metric: &str, label: &str, n: usize) -> Vec<&SensitivityRow> {
        let mut rows: Vec<&SensitivityRow> = self
            .sensitivity
            .iter()
            .filter(|s| s.metric == metric && s.period == label)
            .filter(|s| s.median_low.is_finite() && s.median_high.is_finite())
            .collect();
        rows.sort_by(|a, b| {
            let sa = (a.median_high - a.median_low).abs();
            let sb = (b.median_high - b.median_low).abs();
            sb.total_cmp(&sa).then_with(|| a.input.cmp(&b.input))
        });
        rows.truncate(n);
        rows
    }

    /// Summary of metric `name` in financial year `label`.
    pub fn year(&self, name: &str, label: &str) -> Option<&Summary> {
        let r = self.results;
        let k = r.metric_index(name)?;
        let j = r.years.iter().position(|p| p.label == label)?;
        Some(&self.summaries[r.column(k, r.months.len() + j)])
    }

    /// First financial year whose P(`event`) reaches `level`, with that P; `None` when no
    /// year in the horizon does.
    pub fn first_year(&self, event: &str, level: f64) -> Option<(&str, f64)> {
        self.probabilities
            .iter()
            .find(|p| p.0 == event && p.2 >= level)
            .map(|p| (p.1.as_str(), p.2))
    }

    /// The year with the highest P(`event`) (the first of equals), with that P.
    pub fn best_year(&self, event: &str) -> Option<(&str, f64)> {
        self.probabilities
            .iter()
            .filter(|p| p.0 == event && !p.2.is_nan())
            .fold(
                None,
                |best: Option<&(String, String, f64, f64)>, p| match best {
                    Some(b) if b.2 >= p.2 => Some(b),
                    _ => Some(p),
                },
            )
            .map(|p| (p.1.as_str(), p.2))
    }

    pub fn probability(&self, event: &str, label: &str) -> Option<f64> {
        self.probabilities
            .iter()
            .find(|p| p.0 == event && p.1 == label)
            .map(|p| p.2)
    }
}

/// A headline outcome in one year: (metric, year index, values by trajectory, their ranks when
/// every trajectory has a value).
type Outcome = (&'static str, usize, Vec<f64>, Option<Vec<f64>>);

fn sensitivity_rows(r: &Results) -> Vec<SensitivityRow> {
    use stats::sensitivity::{decile_medians_sorted, pearson, ranks};
    // Rank every outcome column once, and every input once, then pair them up.
    let columns: Vec<(&str, usize, usize)> = HEADLINE
        .iter()
        .flat_map(|&metric| {
            let k = r.metric_index(metric).expect("headline metric exists");
            (0..r.years.len()).map(move |y| (metric, y, r.column(k, r.months.len() + y)))
        })
        .collect();
    // Columns and inputs in parallel; `collect` keeps their order.
    let outcomes: Vec<Outcome> = columns
        .into_par_iter()
        .map(|(metric, y, col)| {
            let v = r.column_values(col);
            let complete = v.len() >= 3 && v.iter().all(|z| !z.is_nan());
            let v_ranks = complete.then(|| ranks(&v));
            (metric, y, v, v_ranks)
        })
        .collect();
    let per_input: Vec<Vec<SensitivityRow>> = r
        .input_names
        .par_iter()
        .enumerate()
        .map(|(j, name)| {
            let x = r.inputs.column(j);
            let mut order: Vec<usize> = (0..x.len()).collect();
            order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
            let x_ranks = ranks(&x);
            outcomes
                .iter()
                .map(|(metric, y, v, v_ranks)| {
                    let spearman = match v_ranks {
                        Some(vr) => pearson(&x_ranks, vr),
                        None => stats::sensitivity::spearman(&x, v),
                    };
                    let (lo, hi) = decile_medians_sorted(&order, v);
                    SensitivityRow {
                        input: name.clone(),
                        metric,
                        period: r.years[*y].label.clone(),
                        spearman,
                        median_low: lo,
                        median_high: hi,
                    }
                })
                .collect()
        })
        .collect();
    per_input.into_iter().flatten().collect()
}

/// The output files `sendcast run` can write (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// summary.csv, monthly.csv, probabilities.csv, sensitivity.csv, milestones.csv
    pub csv: bool,
    /// summary.json
    pub json: bool,
    /// report.html
    pub html: bool,
    /// workbook.xlsx
    pub xlsx: bool,
    /// charts/*.svg and charts/*.png
    pub charts: bool,
}

impl Formats {
    /// Nothing yet (the command line adds what it is asked for).
    pub const NONE: Formats = Formats {
        csv: false,
        json: false,
        html: false,
        xlsx: false,
        charts: false,
    };
    pub const ALL: Formats = Formats {
        csv: true,
        json: true,
        html: true,
        xlsx: true,
        charts: true,
    };
    /// The data files only (what scripts and tests read).
    pub const DATA: Formats = Formats {
        csv: true,
        json: true,
        html: false,
        xlsx: false,
        charts: false,
    };
}

/// What the writers need besides the numbers: the model run and how it was run.
pub struct RunInfo<'a> {
    pub model: &'a Model,
    pub version: &'a str,
    /// `mc` or `lhs`, as the command line takes it.
    pub sampling: &'a str,
    pub formats: Formats,
}

/// Write the files `info.formats` asks for into `dir`, replacing it whole only when all are
/// written.
pub fn write_all(report: &Report<'_>, info: &RunInfo<'_>, dir: &Path) -> Result<()> {
    atomic_dir(dir, |tmp| write_into(report, info, tmp))
}

/// The run's files, into an existing folder.
pub fn write_into(report: &Report<'_>, info: &RunInfo<'_>, dir: &Path) -> Result<()> {
    let f = info.formats;
    if f.csv {
        csv_out::write_summary(report, &dir.join("summary.csv"))?;
        csv_out::write_monthly(report, &dir.join("monthly.csv"))?;
        csv_out::write_probabilities(report, &dir.join("probabilities.csv"))?;
        csv_out::write_sensitivity(report, &dir.join("sensitivity.csv"))?;
        csv_out::write_milestones(report, &dir.join("milestones.csv"))?;
    }
    if f.json {
        json_out::write(report, info.model, info.version, &dir.join("summary.json"))?;
    }
    if f.xlsx {
        xlsx::write(report, info, &dir.join("workbook.xlsx"))?;
    }
    if f.html || f.charts {
        let figures = figures(&charts::charts(report, info.model)?, f, dir)?;
        if f.html {
            html::write(report, info, &figures, &dir.join("report.html"))?;
        }
    }
    Ok(())
}

/// The charts as SVG for a page, each also written to `dir/charts/` as SVG and PNG when
/// `formats` asks for the chart files.
pub fn figures(charts: &[charts::Chart], formats: Formats, dir: &Path) -> Result<Vec<Figure>> {
    if formats.charts {
        charts::write_files(charts, dir)
    } else {
        charts::render_svg(charts)
    }
}

/// Build a folder's content in a temporary sibling and move it into place only on success,
/// so `dir` is never left half-written.
pub fn atomic_dir(dir: &Path, fill: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let name = dir
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).ok();
    }
    std::fs::create_dir_all(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    if let Err(e) = fill(&tmp) {
        std::fs::remove_dir_all(&tmp).ok();
        return Err(e);
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("replacing {}", dir.display()))?;
    }
    std::fs::rename(&tmp, dir).with_context(|| format!("moving results into {}", dir.display()))?;
    Ok(())
}

/// SHA-256 of a file's bytes in hex, so a reader can tell which version of a scenario ran.
pub fn file_sha256(path: &Path) -> Result<String> {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// A number as written in CSV and JSON: up to 4 decimals, no trailing zeros; empty if undefined.
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}
