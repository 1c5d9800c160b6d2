//! The 2023-onwards release layout (`caseload.csv`, `newplans.csv`, `requests.csv`, ...).

use super::csvfile::Row;
use super::{add_into, band_of_label, sum_opt, Builder, Census, Common, Flows};
use crate::error::InputResult;
use crate::model::N_SETTINGS;
use std::path::{Path, PathBuf};

/// Columns of the 2025 caseload and new-plan files that make up each of sendcast's settings;
/// `other` is the rest of the total.
const SETTING_COLUMNS: [&[&str]; N_SETTINGS - 1] = [
    &[
        "mainstream_la_maintained",
        "mainstream_academy",
        "mainstream_free_school",
        "mainstream_independent",
    ],
    &[
        "mainstream_la_maintained_resourced_provision",
        "mainstream_la_maintained_senunit",
        "mainstream_academy_resourced_provision",
        "mainstream_academy_senunit",
        "mainstream_free_school_resourced_provision",
        "mainstream_free_school_senunit",
    ],
    &["special_la_maintained"],
    &["special_academy_free"],
    &["special_independent", "special_non_maintained"],
    &["ap_pru_total"],
    &["fe_total"],
];

pub fn present(dir: &Path) -> bool {
    dir.join("caseload.csv").is_file()
}

pub fn read(dir: &Path, into: &mut Builder, files: &mut Vec<PathBuf>) -> InputResult<()> {
    let mut b = Builder::default();
    let mut open = |name: &str| -> InputResult<Option<super::CsvFile>> {
        let p = dir.join(name);
        if !p.is_file() {
            return Ok(None);
        }
        files.push(p.clone());
        super::CsvFile::read(&p).map(Some)
    };
    if let Some(f) = open("caseload.csv")? {
        stock_or_new(&f, &mut b, "ehcplans", true)?;
    }
    if let Some(f) = open("newplans.csv")? {
        stock_or_new(&f, &mut b, "new_ehc_plans", false)?;
    }
    if let Some(f) = open("requests.csv")? {
        let [topic, total, refused, in6, late, open_] = f.columns([
            "breakdown_topic",
            "requests_received_in_year",
            "requests_decided_not_to_assess",
            "request_outcome_six_weeks",
            "request_outcome_over_6_weeks",
            "requests_decision_not_made",
        ])?;
        total_flows(&f, &mut b, topic, |fl, r| {
            fl.requests = r.number(total)?;
            fl.refused = r.number(refused)?;
            fl.decided_in_6_weeks = r.number(in6)?;
            fl.decided_late = r.number(late)?;
            fl.undecided_at_year_end = r.number(open_)?;
            fl.open_at_year_end = sum_opt(&[fl.open_at_year_end, fl.undecided_at_year_end]);
            Ok(())
        })?;
    }
    if let Some(f) = open("assessments.csv")? {
        let [topic, issued, not_issued, open_] = f.columns([
            "breakdown_topic",
            "assess_issued",
            "assess_not_issued",
            "assess_not_made",
        ])?;
        total_flows(&f, &mut b, topic, |fl, r| {
            fl.assessed_plan = r.number(issued)?;
            fl.assessed_no_plan = r.number(not_issued)?;
            fl.open_at_year_end = sum_opt(&[fl.open_at_year_end, r.number(open_)?]);
            Ok(())
        })?;
    }
    if let Some(f) = open("timeliness_20_week.csv")? {
        let [topic, den, within] = f.columns([
            "breakdown_topic",
            "plans_issued_den",
            "plans_issued_within_20_weeks",
        ])?;
        // Releases before 2023's person-level data have no count past a year.
        let over_year = f.column_opt("plans_issued_gt_1_year");
        total_flows(&f, &mut b, topic, |fl, r| {
            fl.issued = r.number(den)?;
            fl.issued_in_20_weeks = r.number(within)?;
            if let Some(c) = over_year {
                fl.issued_over_52_weeks = r.number(c)?;
            }
            Ok(())
        })?;
    }
    if let Some(f) = open("ceased_plans.csv")? {
        let c = Common::of(&f)?;
        let [topic, label, total] = f.columns(["breakdown_topic", "breakdown", "total_ceased"])?;
        for r in f.rows() {
            let t = r.text(topic);
            let y = r.year(c.period)?;
            let Some(a) = b.area(c.geo(&r)) else { continue };
            let fl = a.flows.entry(y).or_default();
            if is_total(t) {
                fl.ceased = r.number(total)?;
            } else if is_age(t) {
                if let Some(k) = band_of_label(r.text(label)) {
                    add_into(&mut fl.ceased_by_age, k, r.number(total)?);
                }
            }
        }
    }
    into.overlay(b);
    Ok(())
}

/// Apply `set` to the flows of the area and year of each total row (the other rows are
/// breakdowns).
fn total_flows(
    f: &super::CsvFile,
    b: &mut Builder,
    topic: usize,
    mut set: impl FnMut(&mut Flows, &Row<'_>) -> InputResult<()>,
) -> InputResult<()> {
    let c = Common::of(f)?;
    for r in f.rows() {
        if !is_total(r.text(topic)) {
            continue;
        }
        let y = r.year(c.period)?;
        if let Some(a) = b.area(c.geo(&r)) {
            set(a.flows.entry(y).or_default(), &r)?;
        }
    }
    Ok(())
}

fn is_total(topic: &str) -> bool {
    topic.starts_with("All ") || topic == "New EHC plans" || topic == "Total"
}

fn is_age(topic: &str) -> bool {
    !is_total(topic) && topic.to_ascii_lowercase().contains("age")
}

/// The caseload (`census`) or new-plan file: totals and settings from the total rows, ages
/// from the age rows.
fn stock_or_new(
    f: &super::CsvFile,
    b: &mut Builder,
    total_col: &str,
    census: bool,
) -> InputResult<()> {
    let c = Common::of(f)?;
    let [topic, label, total] = f.columns(["breakdown_topic", "breakdown", total_col])?;
    let mut cols: Vec<Vec<usize>> = Vec::new();
    for group in SETTING_COLUMNS {
        cols.push(
            group
                .iter()
                .map(|n| f.column(n))
                .collect::<InputResult<_>>()?,
        );
    }
    for r in f.rows() {
        let t = r.text(topic);
        let y = r.year(c.period)?;
        let Some(a) = b.area(c.geo(&r)) else { continue };
        if is_total(t) {
            let tot = r.number(total)?;
            let mut s = [0.0; N_SETTINGS];
            for (k, group) in cols.iter().enumerate() {
                for &col in group {
                    s[k] += r.number(col)?.unwrap_or(0.0);
                }
            }
            let settings = tot.map(|tot| {
                s[N_SETTINGS - 1] = (tot - s[..N_SETTINGS - 1].iter().sum::<f64>()).max(0.0);
                s
            });
            if census {
                let e = a.census.entry(y).or_insert_with(Census::default);
                e.total = tot;
                e.by_setting = settings;
            } else {
                let e = a.flows.entry(y).or_insert_with(Flows::default);
                e.new_plans = tot;
                e.new_by_setting = settings;
            }
        } else if is_age(t) {
            if let Some(k) = band_of_label(r.text(label)) {
                let x = r.number(total)?;
                if census {
                    add_into(&mut a.census.entry(y).or_default().by_age, k, x);
                } else {
                    add_into(&mut a.flows.entry(y).or_default().new_by_age, k, x);
                }
            }
        }
    }
    Ok(())
}
