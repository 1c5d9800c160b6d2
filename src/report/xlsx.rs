//! workbook.xlsx for finance officers: the run laid out like the DfE DSG management plan
//! (financial summary by provision line, children and young people by setting and age group),
//! with timeliness, the assumptions and the run's provenance. Every figure is a number read
//! from the summaries that summary.csv and monthly.csv are written from.

use super::charts::axis::Unit;
use super::{assumptions, Report, RunInfo, EVENTS, MILESTONES};
use crate::model::{Model, SETTINGS};
use crate::run::Results;
use crate::stats::{metrics::AGE_GROUP_METRICS, Summary, PERCENTILES};
use anyhow::{Context, Result};
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet,
};
use std::path::Path;

/// The sheets, in order.
pub const SHEETS: [&str; 6] = [
    "Summary",
    "Financial plan",
    "Children and young people",
    "Timeliness",
    "Assumptions",
    "Run",
];

/// Columns of the sheets of figures: a label, the metric as summary.csv names it, the
/// statistic, then one column per period from `FIRST_PERIOD` on.
pub const COL_METRIC: u16 = 1;
pub const COL_STAT: u16 = 2;
pub const FIRST_PERIOD: u16 = 3;

/// A statistic across trajectories, as the sheets label it.
#[derive(Clone, Copy)]
enum Stat {
    Percentile(f64),
    Mean,
}

impl Stat {
    fn label(self) -> String {
        match self {
            Stat::Percentile(p) => format!("P{p}"),
            Stat::Mean => "Mean".to_string(),
        }
    }

    fn of(self, s: &Summary) -> f64 {
        match self {
            Stat::Percentile(p) => {
                let i = PERCENTILES
                    .iter()
                    .position(|&x| x == p)
                    .expect("a reported percentile");
                s.q[i]
            }
            Stat::Mean => s.mean,
        }
    }
}

const P10: Stat = Stat::Percentile(10.0);
const P50: Stat = Stat::Percentile(50.0);
const P90: Stat = Stat::Percentile(90.0);
/// The management plan's blocks: the median first, then the low and high ends.
const BLOCKS: [Stat; 3] = [P50, P10, P90];
const BANDS: [Stat; 3] = [P10, P50, P90];

struct Styles {
    plain: Format,
    title: Format,
    bold: Format,
    header: Format,
    note: Format,
    money: Format,
    money_total: Format,
    count: Format,
    count_total: Format,
    pct: Format,
    prob: Format,
}

impl Styles {
    fn new() -> Styles {
        // Negative money in red and in brackets, the finance convention.
        let money = "£#,##0;[Red](£#,##0)";
        Styles {
            plain: Format::new(),
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold(),
            header: Format::new()
                .set_bold()
                .set_border_bottom(FormatBorder::Thin),
            note: Format::new().set_italic().set_font_color(Color::Gray),
            money: Format::new().set_num_format(money),
            money_total: Format::new().set_num_format(money).set_bold(),
            count: Format::new().set_num_format("#,##0"),
            count_total: Format::new().set_num_format("#,##0").set_bold(),
            pct: Format::new().set_num_format("0.0"),
            prob: Format::new().set_num_format("0%"),
        }
    }

    /// The number format of a metric: pounds, a percentage (0-100) or a count.
    fn of(&self, metric: &str, total: bool) -> &Format {
        let unit = Unit::of(metric);
        match (unit == Unit::Money, unit == Unit::Percent, total) {
            (true, _, false) => &self.money,
            (true, _, true) => &self.money_total,
            (false, true, _) => &self.pct,
            (false, false, false) => &self.count,
            (false, false, true) => &self.count_total,
        }
    }
}

/// Periods shown as columns: (header, index in the `Results` period order).
fn years(r: &Results) -> Vec<(String, usize)> {
    let nm = r.months.len();
    r.years
        .iter()
        .enumerate()
        .map(|(j, p)| (p.label.clone(), nm + j))
        .collect()
}

/// The January census months (SEN2's count date), as monthly.csv labels them.
fn januaries(r: &Results) -> Vec<(String, usize)> {
    r.months
        .iter()
        .enumerate()
        .filter(|(_, p)| p.label.ends_with("-01"))
        .map(|(j, p)| (p.label.clone(), j))
        .collect()
}

fn summary<'r>(report: &'r Report<'_>, metric: &str, period: usize) -> Option<&'r Summary> {
    let r = report.results;
    let k = r.metric_index(metric)?;
    Some(&report.summaries[r.column(k, period)])
}

/// A sheet being filled top to bottom.
struct Sheet<'a> {
    ws: Worksheet,
    row: u32,
    f: &'a Styles,
}

impl<'a> Sheet<'a> {
    fn new(name: &str, f: &'a Styles) -> Result<Sheet<'a>> {
        let mut ws = Worksheet::new();
        ws.set_name(name)?;
        Ok(Sheet { ws, row: 0, f })
    }

    fn text(&mut self, texts: &[&str], format: Option<&Format>) -> Result<()> {
        for (c, t) in texts.iter().enumerate() {
            match format {
                Some(fmt) => self
                    .ws
                    .write_string_with_format(self.row, c as u16, *t, fmt)?,
                None => self.ws.write_string(self.row, c as u16, *t)?,
            };
        }
        self.row += 1;
        Ok(())
    }

    fn title(&mut self, title: &str, notes: &[&str]) -> Result<()> {
        let f = self.f;
        self.text(&[title], Some(&f.title))?;
        for n in notes.iter().filter(|n| !n.is_empty()) {
            self.text(&[n], Some(&f.note))?;
        }
        self.row += 1;
        Ok(())
    }

    /// The header row of a sheet of figures, frozen with the label columns.
    fn period_header(&mut self, first: &str, periods: &[(String, usize)]) -> Result<()> {
        let f = self.f;
        let mut cells = vec![first, "Metric", "Statistic"];
        cells.extend(periods.iter().map(|p| p.0.as_str()));
        self.text(&cells, Some(&f.header))?;
        self.ws.set_freeze_panes(self.row, FIRST_PERIOD)?;
        self.ws.set_column_width(0, 46)?;
        self.ws.set_column_width(COL_METRIC, 30)?;
        self.ws.set_column_width(COL_STAT, 10)?;
        for c in 0..periods.len() {
            self.ws.set_column_width(FIRST_PERIOD + c as u16, 14)?;
        }
        Ok(())
    }

    /// One metric's statistic in each period; undefined values (no events) are left blank.
    fn figures(
        &mut self,
        report: &Report<'_>,
        label: &str,
        metric: &str,
        stat: Stat,
        periods: &[(String, usize)],
        total: bool,
    ) -> Result<()> {
        let f = self.f;
        let label_fmt = if total { &f.bold } else { &f.plain };
        self.ws
            .write_string_with_format(self.row, 0, label, label_fmt)?;
        self.ws.write_string(self.row, COL_METRIC, metric)?;
        self.ws.write_string(self.row, COL_STAT, stat.label())?;
        let fmt = f.of(metric, total);
        for (c, (_, period)) in periods.iter().enumerate() {
            let s = summary(report, metric, *period)
                .with_context(|| format!("workbook: no metric `{metric}`"))?;
            let x = stat.of(s);
            if x.is_finite() {
                self.ws
                    .write_number_with_format(self.row, FIRST_PERIOD + c as u16, x, fmt)?;
            }
        }
        self.row += 1;
        Ok(())
    }
}

/// Write workbook.xlsx for `report` of `model` to `path`; the same seed gives the same bytes.
pub fn write(report: &Report<'_>, info: &RunInfo<'_>, path: &Path) -> Result<()> {
    let model = info.model;
    let f = Styles::new();
    let mut wb = Workbook::new();
    // A fixed creation date (the model's start) instead of now, so the file is reproducible.
    let start = model.clock.start;
    let created = ExcelDateTime::from_ymd(start.year as u16, start.month as u8, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("sendcast: {}", model.name))
            .set_creation_datetime(&created),
    );
    wb.push_worksheet(summary_sheet(report, model, &f)?);
    wb.push_worksheet(financial_plan(report, model, &f)?);
    wb.push_worksheet(children(report, model, &f)?);
    wb.push_worksheet(timeliness(report, model, &f)?);
    wb.push_worksheet(assumptions_sheet(model, &f)?);
    wb.push_worksheet(run_sheet(report, info, &f)?);
    wb.save(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn heading(model: &Model, what: &str) -> String {
    format!("{what}: {}, {}", model.authority, model.name)
}

const HEADLINES: [(&str, &str); 10] = [
    ("EHC plans in place (31 March)", "ehcps"),
    ("Requests for an EHC needs assessment", "requests"),
    ("New plans issued", "new_plans"),
    (
        "Plans issued within 20 weeks (%)",
        "plans_within_20_weeks_pct",
    ),
    ("Open cases past 20 weeks (31 March)", "assessment_backlog"),
    ("High-needs block income", "hnb_income"),
    ("High-needs block expenditure", "hnb_expenditure"),
    ("DSG in-year balance", "dsg_in_year_balance"),
    (
        "DSG cumulative balance (31 March)",
        "dsg_cumulative_balance",
    ),
    (
        "SEND casework service cost (General Fund)",
        "send_service_cost",
    ),
];

fn summary_sheet(report: &Report<'_>, model: &Model, f: &Styles) -> Result<Worksheet> {
    let r = report.results;
    let mut sh = Sheet::new(SHEETS[0], f)?;
    let runs = format!(
        "Financial years April to March. P10, P50 (median) and P90 across {} simulated futures, \
         and their mean; money in pounds, a negative balance is a deficit.",
        r.runs
    );
    sh.title(
        &heading(model, "sendcast forecast"),
        &[&model.description, &runs],
    )?;
    let ys = years(r);
    sh.period_header("Measure", &ys)?;
    for (label, metric) in HEADLINES {
        for stat in BANDS.into_iter().chain([Stat::Mean]) {
            sh.figures(report, label, metric, stat, &ys, false)?;
        }
    }
    sh.row += 1;
    sh.text(&["Probabilities", "Event", "Statistic"], Some(&f.header))?;
    for e in &EVENTS {
        sh.ws.write_string(sh.row, 0, format!("P({})", e.label))?;
        sh.ws.write_string(sh.row, COL_METRIC, e.name)?;
        sh.ws.write_string(sh.row, COL_STAT, "P")?;
        for (c, (label, _)) in ys.iter().enumerate() {
            if let Some(p) = report.probability(e.name, label).filter(|p| p.is_finite()) {
                sh.ws
                    .write_number_with_format(sh.row, FIRST_PERIOD + c as u16, p, &f.prob)?;
            }
        }
        sh.row += 1;
    }
    sh.row += 1;
    sh.text(
        &["Milestones", "Event", "Level", "First year", "P then"],
        Some(&f.header),
    )?;
    for e in &EVENTS {
        for level in MILESTONES {
            sh.ws.write_string(sh.row, 0, format!("P({})", e.label))?;
            sh.ws.write_string(sh.row, COL_METRIC, e.name)?;
            sh.ws
                .write_number_with_format(sh.row, COL_STAT, level, &f.prob)?;
            match report.first_year(e.name, level) {
                Some((year, p)) => {
                    sh.ws.write_string(sh.row, FIRST_PERIOD, year)?;
                    sh.ws
                        .write_number_with_format(sh.row, FIRST_PERIOD + 1, p, &f.prob)?;
                }
                None => {
                    sh.ws
                        .write_string(sh.row, FIRST_PERIOD, "not within the horizon")?;
                }
            }
            sh.row += 1;
        }
    }
    Ok(sh.ws)
}

/// A row of the financial summary: a heading, a line or a total.
enum PlanRow {
    Heading(&'static str),
    Line(&'static str, &'static str),
    Total(&'static str, &'static str),
}

/// The DSG management plan's financial summary for the high-needs block, with section 251
/// line numbers where the template has them.
const PLAN: [PlanRow; 16] = [
    PlanRow::Heading("Income"),
    PlanRow::Line("High-needs block allocation", "hnb_income_allocation"),
    PlanRow::Line("Transfers from other DSG blocks", "hnb_income_transfers"),
    PlanRow::Line(
        "Other income (incl. Safety Valve payments)",
        "hnb_income_other",
    ),
    PlanRow::Total("Total income", "hnb_income"),
    PlanRow::Heading("Expenditure"),
    PlanRow::Line("1.0.2 Place funding", "hnb_exp_place_funding"),
    PlanRow::Line(
        "1.2.1 Top-ups: maintained schools",
        "hnb_exp_topups_maintained",
    ),
    PlanRow::Line(
        "1.2.2 Top-ups: academies, free schools and colleges",
        "hnb_exp_topups_academies_colleges",
    ),
    PlanRow::Line(
        "1.2.3 Independent and non-maintained providers",
        "hnb_exp_independent",
    ),
    PlanRow::Line(
        "1.2.7 Alternative provision",
        "hnb_exp_alternative_provision",
    ),
    PlanRow::Line("Other high-needs spending, net of savings", "hnb_exp_other"),
    PlanRow::Total("Total expenditure", "hnb_expenditure"),
    PlanRow::Heading("Balance"),
    PlanRow::Total("In-year balance", "dsg_in_year_balance"),
    PlanRow::Total(
        "Cumulative balance carried forward (31 March)",
        "dsg_cumulative_balance",
    ),
];

fn block_title(stat: Stat) -> String {
    match stat {
        Stat::Percentile(50.0) => {
            "P50 (median): each cell is that line's own median".to_string()
        }
        Stat::Percentile(p) => format!(
            "P{p}: each cell is that line's own {p}th percentile ({p} futures in 100 come out lower)"
        ),
        Stat::Mean => "Mean: the lines add up to the totals".to_string(),
    }
}

fn financial_plan(report: &Report<'_>, model: &Model, f: &Styles) -> Result<Worksheet> {
    let r = report.results;
    let mut sh = Sheet::new(SHEETS[1], f)?;
    sh.title(
        &heading(model, "DSG management plan: high-needs block financial summary"),
        &[
            "Laid out like the DfE DSG management plan template's financial summary; columns are financial years, money in pounds.",
            "Each cell is that line's own percentile across the simulated futures. Percentiles of a sum are not the sum of percentiles,",
            "so within a block the lines need not add up to the totals, nor income less expenditure to the balance; the Mean block does add up.",
            "P10 is the low end of each line on its own: low spending and low income, and the deepest deficit, need not happen in the same future.",
        ],
    )?;
    let ys = years(r);
    sh.period_header("Line", &ys)?;
    for stat in BLOCKS.into_iter().chain([Stat::Mean]) {
        sh.text(&[&block_title(stat)], Some(&f.title))?;
        for row in &PLAN {
            match *row {
                PlanRow::Heading(h) => sh.text(&[h], Some(&f.bold))?,
                PlanRow::Line(label, metric) => {
                    sh.figures(report, label, metric, stat, &ys, false)?
                }
                PlanRow::Total(label, metric) => {
                    sh.figures(report, label, metric, stat, &ys, true)?
                }
            }
        }
        sh.row += 1;
    }
    Ok(sh.ws)
}

const SETTING_LABELS: [&str; 8] = [
    "Mainstream school",
    "Resourced provision or SEN unit",
    "LA maintained special school",
    "Academy or free special school",
    "Independent or non-maintained special school",
    "Alternative provision",
    "Post-16 (further education)",
    "Other (education otherwise than at school)",
];
const AGE_LABELS: [&str; 5] = [
    "Under 5",
    "Aged 5 to 10",
    "Aged 11 to 15",
    "Aged 16 to 19",
    "Aged 20 to 25",
];

fn children(report: &Report<'_>, model: &Model, f: &Styles) -> Result<Worksheet> {
    let r = report.results;
    let mut sh = Sheet::new(SHEETS[2], f)?;
    sh.title(
        &heading(model, "Children and young people with EHC plans"),
        &[
            "Plans in place at each January census (SEN2's count date; monthly.csv's January rows), by setting and by age group.",
            "Each cell is that row's own percentile across the simulated futures, so rows need not add up to the total.",
        ],
    )?;
    let js = januaries(r);
    sh.period_header("Plans", &js)?;
    for stat in BLOCKS {
        sh.text(&[&block_title(stat)], Some(&f.title))?;
        sh.text(&["By setting"], Some(&f.bold))?;
        for (label, setting) in SETTING_LABELS.iter().zip(SETTINGS) {
            sh.figures(report, label, &format!("ehcps_{setting}"), stat, &js, false)?;
        }
        sh.figures(report, "All plans", "ehcps", stat, &js, true)?;
        sh.text(&["By age group"], Some(&f.bold))?;
        for (label, metric) in AGE_LABELS.iter().zip(AGE_GROUP_METRICS) {
            sh.figures(report, label, metric, stat, &js, false)?;
        }
        sh.figures(report, "All plans", "ehcps", stat, &js, true)?;
        sh.row += 1;
    }
    Ok(sh.ws)
}

const TIMELINESS: [(&str, &str); 10] = [
    ("Requests for an EHC needs assessment", "requests"),
    (
        "Decisions to assess made within 6 weeks (%)",
        "decisions_within_6_weeks_pct",
    ),
    (
        "EP and other advice returned within 6 weeks of being asked (%)",
        "advice_within_6_weeks_pct",
    ),
    ("New plans issued", "new_plans"),
    (
        "Plans issued within 20 weeks (%)",
        "plans_within_20_weeks_pct",
    ),
    (
        "Plans issued more than a year after the request (%)",
        "plans_over_52_weeks_pct",
    ),
    ("Open assessments (31 March)", "open_assessments"),
    (
        "Open past 20 weeks: backlog (31 March)",
        "assessment_backlog",
    ),
    ("Open past 52 weeks (31 March)", "assessments_over_52_weeks"),
    (
        "Annual reviews overdue (31 March)",
        "annual_reviews_overdue",
    ),
];

fn timeliness(report: &Report<'_>, model: &Model, f: &Styles) -> Result<Worksheet> {
    let r = report.results;
    let mut sh = Sheet::new(SHEETS[3], f)?;
    sh.title(
        &heading(model, "Timeliness of EHC needs assessments"),
        &["By financial year: flows are totals over the year, percentages over the year's decisions or plans, the rest at 31 March."],
    )?;
    let ys = years(r);
    sh.period_header("Measure", &ys)?;
    for (label, metric) in TIMELINESS {
        for stat in BANDS {
            sh.figures(report, label, metric, stat, &ys, false)?;
        }
    }
    Ok(sh.ws)
}

fn assumptions_sheet(model: &Model, f: &Styles) -> Result<Worksheet> {
    let mut sh = Sheet::new(SHEETS[4], f)?;
    sh.title(
        &heading(model, "Assumptions"),
        &["Every input of the model: its value or distribution (drawn once per future, or each year), the file, line and column that set it, and the comment given there."],
    )?;
    sh.text(
        &[
            "Input",
            "Value or distribution",
            "Uncertain",
            "Set in",
            "Source",
        ],
        Some(&f.header),
    )?;
    sh.ws.set_freeze_panes(sh.row, 1)?;
    for (c, w) in [46, 44, 10, 44, 80].into_iter().enumerate() {
        sh.ws.set_column_width(c as u16, w)?;
    }
    for a in assumptions::collect(model) {
        let uncertain = if a.uncertain { "yes" } else { "no" };
        sh.text(
            &[&a.name, &a.distribution, uncertain, &a.origin, &a.comment],
            None,
        )?;
    }
    sh.row += 1;
    sh.text(&["Interventions", "What and when"], Some(&f.header))?;
    if model.interventions.is_empty() {
        sh.text(&["none"], None)?;
    }
    for iv in &model.interventions {
        sh.text(&[&iv.name, &crate::validate::what(model, iv)], None)?;
    }
    Ok(sh.ws)
}

fn run_sheet(report: &Report<'_>, info: &RunInfo<'_>, f: &Styles) -> Result<Worksheet> {
    let model = info.model;
    let r = report.results;
    let c = &model.clock;
    let mut sh = Sheet::new(SHEETS[5], f)?;
    sh.title(&heading(model, "Run"), &[])?;
    sh.ws.set_column_width(0, 24)?;
    sh.ws.set_column_width(1, 70)?;
    sh.ws.set_column_width(2, 68)?;
    let horizon = format!("{} to {}", c.start, c.month(c.months - 1));
    // The seed as text: a 64-bit seed does not fit Excel's numbers exactly.
    let seed = r.seed.to_string();
    for (k, v) in [
        ("Scenario", model.name.as_str()),
        ("Description", &model.description),
        ("Authority", &model.authority),
        ("LA code", &model.la_code),
        ("Horizon", &horizon),
        ("Seed", &seed),
        ("Sampling", info.sampling),
        ("sendcast version", info.version),
    ] {
        sh.ws.write_string_with_format(sh.row, 0, k, &f.bold)?;
        sh.ws.write_string(sh.row, 1, v)?;
        sh.row += 1;
    }
    sh.ws.write_string_with_format(sh.row, 0, "Runs", &f.bold)?;
    sh.ws.write_number(sh.row, 1, r.runs as f64)?;
    sh.row += 2;
    sh.text(&["Files", "Path", "SHA-256"], Some(&f.header))?;
    for (i, file) in model.files.iter().enumerate() {
        let hash = super::file_sha256(file)?;
        let role = if i == 0 { "scenario" } else { "extends" };
        sh.text(&[role, &file.display().to_string(), &hash], None)?;
    }
    Ok(sh.ws)
}
