//! DSG finance for every authority: a finance file's base year reproduced line by line and
//! its balance carried on (two fixture authorities), England's national defaults against the
//! published allocations and deficit path, defaults for an authority without a file of the
//! national order, the finance error corpus (`tests/fixtures/finance/bad`), the reports
//! saying when money is national defaults, and `sendcast finance` on existing models.

mod common;

use common::{read, sendcast};
use sendcast::calibrate::{self, finance};
use sendcast::outturn::file::Outturn;
use sendcast::outturn::Metric;
use sendcast::sen2::Sen2;
use std::path::{Path, PathBuf};

const SEN2: &str = "tests/fixtures/sen2";
const FINANCE: &str = "tests/fixtures/finance";
const NOTE: &str = "national defaults, not this authority's accounts";

/// Calibrate `la` from the fixtures (with a finance file or not) into `dir`: the fit and the
/// model file.
fn calibrated(la: &str, file: Option<&str>, dir: &Path) -> (finance::FinanceCal, PathBuf) {
    let sen2 = Sen2::load(Path::new(SEN2)).unwrap();
    let area = sen2.find(la).unwrap();
    let origin = calibrate::latest_census(area).unwrap();
    let fresh = || {
        let pooled = calibrate::pooled(&sen2, origin).unwrap();
        calibrate::calibrate(&sen2, area, origin, 10, &pooled).unwrap()
    };
    // England's fit (the slowest) is made once for the tests that use it.
    static ENGLAND: std::sync::OnceLock<calibrate::Calibration> = std::sync::OnceLock::new();
    let mut cal = if la == "England" {
        ENGLAND.get_or_init(fresh).clone()
    } else {
        fresh()
    };
    if let Some(f) = file {
        let o = Outturn::read(&Path::new(FINANCE).join(f)).unwrap();
        cal.finance = finance::fit(&sen2, area, origin, 10, finance::Source::File(&o)).unwrap();
    }
    let path = dir.join(format!("{}.toml", la.to_lowercase()));
    std::fs::write(&path, calibrate::to_toml(&cal, "fixtures")).unwrap();
    (cal.finance, path)
}

/// `summary.csv` of a run: P50 of `metric` in `period`.
fn p50(dir: &Path, metric: &str, period: &str) -> f64 {
    let text = read(&dir.join("summary.csv"));
    let row = text
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|c| c[1] == metric && c[2] == period)
        .unwrap_or_else(|| panic!("no {metric} {period}"));
    row[8].parse().unwrap()
}

fn run(model: &Path, runs: &str, formats: &str, out: &Path) -> String {
    let o = sendcast()
        .args(["run"])
        .arg(model)
        .args(["--runs", runs, "--format", formats, "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn within(x: f64, want: f64, share: f64) -> bool {
    (x - want).abs() <= share * want.abs()
}

#[test]
fn fixture_authorities_reproduce_their_base_year_and_carry_their_balance_on() {
    let tmp = tempfile::tempdir().unwrap();
    for (la, file, closing) in [
        ("BCP", "bcp.csv", -113.3e6),
        ("Hertfordshire", "hertfordshire.csv", -55.0e6),
    ] {
        let (fit, path) = calibrated(la, Some(file), tmp.path());
        let model = sendcast::load_model(&path).unwrap();
        let o = Outturn::read(&Path::new(FINANCE).join(file)).unwrap();
        let modelled = finance::modelled_base_year(&model, &fit.base_plans);
        // Every line the file gives for the base year, and every total, as the model has it.
        let sum = |r: std::ops::Range<usize>| modelled[r].iter().sum::<f64>();
        let (income, spending) = (sum(0..3), sum(3..9));
        let mut checked = 0;
        for r in o.records.iter().filter(|r| r.fy == 2024) {
            let got = match r.metric {
                Metric::Line(i) => modelled[i],
                Metric::Income => income,
                Metric::Expenditure => spending,
                Metric::InYear => income - spending,
                Metric::Cumulative => continue,
            };
            let tol = 0.01 * r.value.abs().max(0.01 * spending);
            assert!(
                (got - r.value).abs() <= tol,
                "{la}: {} recorded {} modelled {got}",
                r.key(),
                r.value
            );
            checked += 1;
        }
        assert!(checked >= 3, "{la}: {checked} base-year values");
        // The recorded values are in [history].
        assert!(model
            .history
            .iter()
            .any(|p| p.metric == "dsg_cumulative_balance" && p.value == closing));
        // The first full simulated year opens at the recorded closing balance.
        let out = tmp.path().join(format!("{la}-out"));
        run(&path, "300", "csv", &out);
        let at_march = p50(&out, "dsg_cumulative_balance", "2024-25");
        assert!(
            within(at_march, closing, 0.01),
            "{la}: balance at 31 March 2025 P50 {at_march}, recorded {closing}"
        );
    }
}

#[test]
fn england_reproduces_the_published_allocations_and_a_gap_on_the_published_path() {
    let tmp = tempfile::tempdir().unwrap();
    // The base year 2024-25 line by line, from the fixtures' England census.
    let (fit, path) = calibrated("England", None, tmp.path());
    let model = sendcast::load_model(&path).unwrap();
    let (table, ok) = finance::check_table(&model, &fit);
    assert!(ok, "{table}");
    assert!(model.finance.defaults.is_empty());
    // The shipped model: allocations 2023-24 (recorded), 2024-25 (base) and 2025-26.
    let shipped = sendcast::load_model(Path::new("models/england.toml")).unwrap();
    let base = finance::modelled_base_year(&shipped, &fit.base_plans)[0];
    assert!(within(base, 10.5e9, 0.03), "2024-25 allocation {base}");
    let recorded = shipped
        .history
        .iter()
        .find(|p| p.metric == "hnb_income_allocation" && p.span.label() == "2023-24")
        .unwrap();
    assert!(within(recorded.value, 10.1e9, 0.03));
    let out = tmp.path().join("england-out");
    run(Path::new("models/england.toml"), "150", "csv", &out);
    let alloc = p50(&out, "hnb_income_allocation", "2025-26");
    assert!(within(alloc, 11.9e9, 0.03), "2025-26 allocation {alloc}");
    let gap = p50(&out, "dsg_in_year_balance", "2025-26");
    assert!((-2.5e9..=-0.5e9).contains(&gap), "2025-26 in-year {gap}");
    // On the published cumulative path: about £2.3bn (2024) to the NAO's £4.6bn (March 2026).
    let march_2026 = p50(&out, "dsg_cumulative_balance", "2025-26");
    assert!(within(march_2026, -4.6e9, 0.15), "March 2026 {march_2026}");
}

#[test]
fn an_authority_without_a_file_gets_defaults_with_a_gap_of_the_national_order() {
    let tmp = tempfile::tempdir().unwrap();
    let (england, _) = calibrated("England", None, tmp.path());
    let ratio = |f: &finance::FinanceCal| {
        let l = f.money.lines(&f.base_plans);
        let income: f64 = l[..3].iter().sum();
        (income - l[3..].iter().sum::<f64>()) / income
    };
    let national = ratio(&england);
    assert!((-0.2..-0.05).contains(&national), "England {national}");
    let sen2 = Sen2::load(Path::new(SEN2)).unwrap();
    // SEN2's academy shares of mainstream and resourced plans, which split the top-up lines.
    let shares = sen2.england.census[&2025].academy_share.unwrap();
    assert!(shares.iter().all(|x| (0.3..0.9).contains(x)), "{shares:?}");
    for area in &sen2.areas {
        let Some(origin) = calibrate::latest_census(area).filter(|y| *y == 2025) else {
            continue;
        };
        let f = finance::fit(&sen2, area, origin, 10, finance::Source::Defaults).unwrap();
        let r = ratio(&f);
        assert!(
            (r - national).abs() < 0.005,
            "{}: base-year gap {r:.3} of income, England {national:.3}",
            area.name
        );
        assert_eq!(f.defaults.len(), 10, "{}", area.name);
    }
    // Run on, an authority's gap stays of England's order, not a multiple of it.
    let (_, path) = calibrated("Kirklees", None, tmp.path());
    let out = tmp.path().join("kirklees-out");
    run(&path, "200", "csv", &out);
    let share = p50(&out, "dsg_in_year_balance", "2025-26") / p50(&out, "hnb_income", "2025-26");
    assert!(
        (-0.3..0.0).contains(&share),
        "Kirklees 2025-26 gap {share:.3} of income"
    );
}

/// `FILE:LINE:COL: key `KEY`` in `err`, for `want` = "LINE:COL".
fn located(err: &str, file: &Path, want: &str, key: &str) -> bool {
    err.contains(&format!("{}:{want}: key `{key}`", file.display()))
}

#[test]
fn every_bad_finance_file_exits_2_naming_file_line_column_and_key_and_writes_nothing() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(Path::new(FINANCE).join("bad"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "only {} cases", cases.len());
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_stem().unwrap().to_string_lossy().to_string();
        let expected = read(&case.with_extension("expected"));
        let want: Vec<&str> = expected.lines().filter(|l| !l.is_empty()).collect();
        let dir = tmp.path().join(&name);
        let calibrate = |out: &Path| {
            let mut c = sendcast();
            c.args(["calibrate", "--sen2", SEN2, "--la", "BCP", "--finance"])
                .arg(case)
                .arg("--out")
                .arg(out);
            c
        };
        let apply = |out: &Path| {
            let mut c = sendcast();
            c.arg("finance")
                .arg(case)
                .args(["--model", "models/england.toml", "--out"])
                .arg(out);
            c
        };
        for (what, mut cmd) in [
            ("calibrate", calibrate(&dir.join("model.toml"))),
            ("finance", apply(&dir.join("scenario.toml"))),
        ] {
            let o = cmd.output().unwrap();
            let err = String::from_utf8_lossy(&o.stderr).to_string();
            let mut problems = Vec::new();
            if o.status.code() != Some(2) {
                problems.push(format!("exit code {:?}", o.status.code()));
            }
            if !located(&err, case, want[0], want[1]) {
                problems.push(format!(
                    "no `{}:{}: key `{}``",
                    case.display(),
                    want[0],
                    want[1]
                ));
            }
            if !err.contains(want[2]) {
                problems.push(format!("missing `{}`", want[2]));
            }
            let left = std::fs::read_dir(&dir).map_or(0, |d| d.count());
            if left > 0 {
                problems.push(format!("{left} files left in the output folder"));
            }
            if !problems.is_empty() {
                failures.push(format!("{name} ({what}): {} — {err}", problems.join("; ")));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_model_on_national_defaults_says_so_in_the_table_page_workbook_and_json() {
    use calamine::{open_workbook, Reader, Xlsx};
    let tmp = tempfile::tempdir().unwrap();
    for (file, defaults) in [(None, true), (Some("bcp.csv"), false)] {
        let dir = tmp.path().join(if defaults { "defaults" } else { "own" });
        std::fs::create_dir_all(&dir).unwrap();
        let (_, path) = calibrated("BCP", file, &dir);
        let out = dir.join("out");
        let printed = run(&path, "40", "html,json,xlsx", &out);
        let title = printed.lines().next().unwrap();
        assert_eq!(title.contains(NOTE), defaults, "{title}");
        let html = read(&out.join("report.html"));
        let headline = &html[html.find("id=\"headline\"").unwrap()..];
        let first = &headline[headline.find("<li>").unwrap() + 4..headline.find("</li>").unwrap()];
        assert_eq!(
            first.contains("national defaults, not this authority&#39;s accounts"),
            defaults,
            "{first}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
        let note = json["finance_note"].as_str().unwrap_or("");
        assert_eq!(note.contains(NOTE), defaults, "{note}");
        assert_eq!(
            json["finance_defaults"].as_array().unwrap().len(),
            if defaults { 10 } else { 0 }
        );
        let mut wb: Xlsx<_> = open_workbook(out.join("workbook.xlsx")).unwrap();
        let sheet = wb.worksheet_range("Financial plan").unwrap();
        let says = sheet
            .rows()
            .take(8)
            .flatten()
            .any(|c| c.to_string().contains(NOTE));
        assert_eq!(says, defaults);
    }
}

#[test]
fn the_finance_command_applies_a_file_to_existing_models() {
    let tmp = tempfile::tempdir().unwrap();
    // Onto a calibrated model: the same money as calibrate --finance (to the pound a plan).
    let plain = tmp.path().join("plain");
    let own = tmp.path().join("own");
    std::fs::create_dir_all(&plain).unwrap();
    std::fs::create_dir_all(&own).unwrap();
    let (_, model) = calibrated("BCP", None, &plain);
    let (_, direct) = calibrated("BCP", Some("bcp.csv"), &own);
    let scenario = tmp.path().join("scenarios/bcp-outturn.toml");
    let o = sendcast()
        .arg("finance")
        .arg(Path::new(FINANCE).join("bcp.csv"))
        .arg("--model")
        .arg(&model)
        .arg("--out")
        .arg(&scenario)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (a, b) = (
        sendcast::load_model(&scenario).unwrap(),
        sendcast::load_model(&direct).unwrap(),
    );
    let v = |m: &sendcast::model::Model, id: sendcast::model::ParamId| {
        m.params.params[id.0 as usize].from_uniform(0.5)
    };
    for s in 0..8 {
        let (x, y) = (
            v(&a, a.finance.cost_per_plan[s]),
            v(&b, b.finance.cost_per_plan[s]),
        );
        assert!((x - y).abs() <= 2.0, "setting {s}: {x} vs {y}");
    }
    let (x, y) = (
        v(&a, a.finance.opening_balance),
        v(&b, b.finance.opening_balance),
    );
    assert!((x - y).abs() < 1e3, "opening {x} vs {y}");
    assert!(a.finance.defaults.is_empty(), "{:?}", a.finance.defaults);
    // Onto the hand-made BCP model (April 2023): its base year is 2022-23, whose balance the
    // file gives; what the file leaves out stays the model's, which is no national default.
    let hand = tmp.path().join("bcp-hand.toml");
    let o = sendcast()
        .arg("finance")
        .arg(Path::new(FINANCE).join("bcp.csv"))
        .args(["--model", "models/bcp.toml", "--out"])
        .arg(&hand)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let m = sendcast::load_model(&hand).unwrap();
    assert_eq!(m.finance.base_year, 2022);
    assert_eq!(v(&m, m.finance.opening_balance), -35.8e6);
    assert!(m.finance.defaults.is_empty());
    assert!(String::from_utf8_lossy(&o.stdout).contains("Base year 2022-23"));
}
