//! workbook.xlsx read back with calamine: the sheets are there, the figures are numbers, and
//! every figure equals the row of summary.csv or monthly.csv written from the same report;
//! the finance lines add up; the same seed gives the same bytes.

use calamine::{open_workbook, Data, Reader, Xlsx};
use sendcast::report::{num, write_into, xlsx, Formats, Report, RunInfo};
use sendcast::run::{run, RunOptions};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// (metric, period) -> the CSV's fields by column name.
type Csv = HashMap<(String, String), HashMap<String, String>>;

fn read_csv(path: &Path) -> Csv {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let mut out = Csv::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let fields: HashMap<String, String> = header
            .iter()
            .cloned()
            .zip(rec.iter().map(str::to_string))
            .collect();
        out.insert((rec[1].to_string(), rec[2].to_string()), fields);
    }
    out
}

fn text(cell: Option<&Data>) -> Option<&str> {
    match cell {
        Some(Data::String(s)) => Some(s.as_str()),
        _ => None,
    }
}

/// Every figure of a sheet laid out as label, metric, statistic, periods: checked against
/// the CSV; returns the (metric, statistic) rows seen with their values by period.
fn check_sheet(
    wb: &mut Xlsx<std::io::BufReader<std::fs::File>>,
    sheet: &str,
    csv: &Csv,
) -> HashMap<(String, String), Vec<(String, f64)>> {
    let range = wb.worksheet_range(sheet).unwrap();
    let (rows, cols) = range.get_size();
    let at = |r: usize, c: usize| range.get_value((r as u32, c as u32));
    let header = (0..rows)
        .find(|&r| text(at(r, 1)) == Some("Metric") && text(at(r, 2)) == Some("Statistic"))
        .unwrap_or_else(|| panic!("{sheet}: no header row"));
    let periods: Vec<(usize, String)> = (3..cols)
        .filter_map(|c| text(at(header, c)).map(|p| (c, p.to_string())))
        .collect();
    assert!(!periods.is_empty(), "{sheet}: no periods");
    let column = |stat: &str| match stat {
        "P10" => "p10",
        "P50" => "p50",
        "P90" => "p90",
        "Mean" => "mean",
        _ => "",
    };
    let mut seen = HashMap::new();
    for r in header + 1..rows {
        let (Some(metric), Some(stat)) = (text(at(r, 1)), text(at(r, 2))) else {
            continue;
        };
        if column(stat).is_empty() {
            continue;
        }
        let mut values = Vec::new();
        for (c, period) in &periods {
            let want = &csv
                .get(&(metric.to_string(), period.clone()))
                .unwrap_or_else(|| panic!("{sheet}: {metric} {period} not in the CSV"))
                [column(stat)];
            match at(r, *c) {
                Some(Data::Float(x)) => {
                    assert_eq!(&num(*x), want, "{sheet} {metric} {stat} {period}");
                    values.push((period.clone(), *x));
                }
                None | Some(Data::Empty) => {
                    assert!(
                        want.is_empty(),
                        "{sheet} {metric} {stat} {period}: blank, CSV {want}"
                    )
                }
                other => panic!("{sheet} {metric} {stat} {period}: {other:?} is not a number"),
            }
        }
        seen.insert((metric.to_string(), stat.to_string()), values);
    }
    seen
}

#[test]
fn workbook_matches_the_csv_files_and_adds_up() {
    let model = sendcast::load_model(Path::new("scenarios/bcp/baseline.toml")).unwrap();
    let results = run(&model, &RunOptions::new(200, 20240601)).unwrap();
    let report = Report::new(&results);
    let tmp = tempfile::tempdir().unwrap();
    let info = RunInfo {
        model: &model,
        version: "test",
        sampling: "mc",
        formats: Formats::DATA,
    };
    write_into(&report, &info, tmp.path()).unwrap();
    let path = tmp.path().join("workbook.xlsx");
    xlsx::write(&report, &info, &path).unwrap();
    let again = tmp.path().join("again.xlsx");
    xlsx::write(&report, &info, &again).unwrap();
    assert!(
        std::fs::read(&path).unwrap() == std::fs::read(&again).unwrap(),
        "the same report gives different bytes"
    );

    let summary = read_csv(&tmp.path().join("summary.csv"));
    let monthly = read_csv(&tmp.path().join("monthly.csv"));
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(wb.sheet_names(), xlsx::SHEETS.map(String::from).to_vec());

    let plan = check_sheet(&mut wb, "Financial plan", &summary);
    let income = [
        "hnb_income_allocation",
        "hnb_income_transfers",
        "hnb_income_other",
    ];
    let spending = [
        "hnb_exp_place_funding",
        "hnb_exp_topups_maintained",
        "hnb_exp_topups_academies_colleges",
        "hnb_exp_independent",
        "hnb_exp_alternative_provision",
        "hnb_exp_other",
    ];
    let totals = [
        "hnb_income",
        "hnb_expenditure",
        "dsg_in_year_balance",
        "dsg_cumulative_balance",
    ];
    for metric in income.iter().chain(&spending).chain(&totals) {
        for stat in ["P50", "P10", "P90"] {
            let v = &plan[&(metric.to_string(), stat.to_string())];
            assert_eq!(v.len(), results.years.len(), "{metric} {stat}");
        }
    }

    let timeliness = check_sheet(&mut wb, "Timeliness", &summary);
    for metric in [
        "requests",
        "decisions_within_6_weeks_pct",
        "new_plans",
        "plans_within_20_weeks_pct",
        "open_assessments",
        "assessment_backlog",
        "assessments_over_52_weeks",
        "annual_reviews_overdue",
    ] {
        for stat in ["P10", "P50", "P90"] {
            assert!(timeliness.contains_key(&(metric.to_string(), stat.to_string())));
        }
    }

    let children = check_sheet(&mut wb, "Children and young people", &monthly);
    let ages = [
        "ehcps_age_under_5",
        "ehcps_age_5_10",
        "ehcps_age_11_15",
        "ehcps_age_16_19",
        "ehcps_age_20_25",
    ];
    let settings: Vec<String> = sendcast::model::SETTINGS
        .iter()
        .map(|s| format!("ehcps_{s}"))
        .collect();
    let januaries: HashSet<String> = results
        .months
        .iter()
        .filter(|m| m.label.ends_with("-01"))
        .map(|m| m.label.clone())
        .collect();
    for metric in settings
        .iter()
        .map(String::as_str)
        .chain(ages)
        .chain(["ehcps"])
    {
        for stat in ["P50", "P10", "P90"] {
            let v = &children[&(metric.to_string(), stat.to_string())];
            let periods: HashSet<String> = v.iter().map(|p| p.0.clone()).collect();
            assert_eq!(periods, januaries, "{metric} {stat}");
        }
    }
    let headline = check_sheet(&mut wb, "Summary", &summary);
    assert!(headline.contains_key(&("dsg_cumulative_balance".into(), "Mean".into())));
    for sheet in ["Assumptions", "Run"] {
        assert!(
            wb.worksheet_range(sheet).unwrap().get_size().0 > 5,
            "{sheet}"
        );
    }

    // The lines add up to the totals on the mean (the percentiles need not).
    let mean = |csv: &Csv, metric: &str, period: &str| -> f64 {
        csv[&(metric.to_string(), period.to_string())]["mean"]
            .parse()
            .unwrap()
    };
    for y in &results.years {
        let p = y.label.as_str();
        for (total, parts) in [
            ("hnb_income", &income[..]),
            ("hnb_expenditure", &spending[..]),
        ] {
            let sum: f64 = parts.iter().map(|m| mean(&summary, m, p)).sum();
            assert!((sum - mean(&summary, total, p)).abs() < 1e-2, "{total} {p}");
        }
        let sum: f64 = ages.iter().map(|m| mean(&summary, m, p)).sum();
        assert!((sum - mean(&summary, "ehcps", p)).abs() < 1e-2, "ehcps {p}");
    }

    // The 2025-26 median column, for the record.
    let col = |metric: &str| {
        plan[&(metric.to_string(), "P50".to_string())]
            .iter()
            .find(|(p, _)| p == "2025-26")
            .map(|(_, x)| *x / 1e6)
            .unwrap()
    };
    for metric in income.iter().chain(&spending).chain(&totals) {
        eprintln!(
            "2025-26 {metric:<36} P50 £{:>8.2}m  mean £{:>8.2}m",
            col(metric),
            mean(&summary, metric, "2025-26") / 1e6
        );
    }
}

/// A funding intervention marked as a transfer is reported as one, and none leaks into the
/// allocation or other income.
#[test]
fn transfers_are_their_own_income_line() {
    let model =
        sendcast::load_model(Path::new("scenarios/bcp/overspend/transfer-1pct.toml")).unwrap();
    let results = run(&model, &RunOptions::new(20, 3)).unwrap();
    let report = Report::new(&results);
    let t = report.year("hnb_income_transfers", "2027-28").unwrap();
    assert!((t.mean - 2.6e6).abs() < 1.0, "{}", t.mean);
    let before = report.year("hnb_income_transfers", "2025-26").unwrap();
    assert_eq!(before.mean, 0.0);
    let other = report.year("hnb_income_other", "2027-28").unwrap();
    assert!(other.mean.abs() < 1.0, "{}", other.mean);
}
