//! The `sendcast` command: output files as OUTPUTS.md lists them, byte-identical results
//! across thread counts, exit codes, and the shipped BCP scenarios' headline behaviour.

mod common;

use common::{read, sendcast};
use std::path::Path;

fn run_to(scenario: &str, out: &Path, runs: u32, threads: &str) {
    sendcast()
        .env("RAYON_NUM_THREADS", threads)
        .args([
            "run",
            scenario,
            "--runs",
            &runs.to_string(),
            "--seed",
            "42",
            "--quiet",
            "--out",
        ])
        .arg(out)
        .assert()
        .success();
}

/// (mean, p50) of a metric in a period from summary.csv.
fn summary_value(dir: &Path, metric: &str, period: &str) -> (f64, f64) {
    let text = read(&dir.join("summary.csv"));
    let line = text
        .lines()
        .find(|l| {
            let f: Vec<&str> = l.split(',').collect();
            f[1] == metric && f[2] == period
        })
        .unwrap_or_else(|| panic!("no {metric} {period}"));
    let f: Vec<&str> = line.split(',').collect();
    (f[3].parse().unwrap(), f[8].parse().unwrap())
}

#[test]
fn run_writes_the_output_contract() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("base");
    run_to("scenarios/bcp/baseline.toml", &out, 100, "2");
    let header = "scenario,metric,period,mean,sd,p5,p10,p25,p50,p75,p90,p95";
    let summary = read(&out.join("summary.csv"));
    let monthly = read(&out.join("monthly.csv"));
    assert!(summary.lines().next().unwrap().starts_with(header));
    assert!(monthly.lines().next().unwrap().starts_with(header));
    for metric in [
        "ehcps",
        "ehcps_mainstream",
        "ehcps_resourced",
        "ehcps_la_special",
        "ehcps_academy_special",
        "ehcps_independent_special",
        "ehcps_alternative_provision",
        "ehcps_post16",
        "ehcps_other",
        "requests",
        "decisions_within_6_weeks_pct",
        "new_plans",
        "plans_within_20_weeks_pct",
        "open_assessments",
        "assessment_backlog",
        "annual_reviews_overdue",
        "ceased_plans",
        "hnb_income",
        "hnb_expenditure",
        "dsg_in_year_balance",
        "dsg_cumulative_balance",
        "send_service_cost",
    ] {
        assert!(
            summary.contains(&format!("bcp-baseline,{metric},2023-24,")),
            "summary lacks {metric}"
        );
        assert!(
            monthly.contains(&format!("bcp-baseline,{metric},2024-01,")),
            "monthly lacks {metric}"
        );
    }
    // Ten financial years, 120 months.
    assert!(summary.contains(",ehcps,2032-33,") && !summary.contains(",ehcps,2033-34,"));
    assert_eq!(
        monthly.lines().filter(|l| l.contains(",ehcps,")).count(),
        120
    );
    let probs = read(&out.join("probabilities.csv"));
    assert!(probs
        .lines()
        .next()
        .unwrap()
        .starts_with("scenario,event,period,p"));
    assert!(probs.contains("bcp-baseline,dsg_in_year_balance_ge_0,2027-28,"));
    assert!(probs.contains("bcp-baseline,plans_within_20_weeks_pct_ge_60,2024-25,"));
    let json: serde_json::Value = serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    assert_eq!(json["scenario"], "bcp-baseline");
    assert_eq!(json["runs"], 100);
    assert_eq!(json["seed"], 42);
    assert!(json["version"].is_string());
    let first = &json["metrics"][0];
    for k in [
        "metric", "period", "mean", "sd", "p5", "p10", "p25", "p50", "p75", "p90", "p95",
    ] {
        assert!(first.get(k).is_some(), "summary.json metrics lack {k}");
    }
    assert!(json["probabilities"][0].get("event").is_some());
}

#[test]
fn outputs_are_byte_identical_on_one_and_two_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("one"), tmp.path().join("two"));
    run_to("scenarios/bcp/invest-784k.toml", &a, 300, "1");
    run_to("scenarios/bcp/invest-784k.toml", &b, 300, "2");
    // Every file, the page, the workbook and the charts included.
    let files = |dir: &Path| -> Vec<String> {
        let mut v: Vec<String> = walk(dir)
            .into_iter()
            .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
            .collect();
        v.sort();
        v
    };
    let names = files(&a);
    assert_eq!(names, files(&b));
    for f in [
        "report.html",
        "workbook.xlsx",
        "charts/fan_ehcps.png",
        "summary.csv",
    ] {
        assert!(names.iter().any(|n| n == f), "{f} missing from {names:?}");
    }
    for f in &names {
        assert!(
            std::fs::read(a.join(f)).unwrap() == std::fs::read(b.join(f)).unwrap(),
            "{f} differs between 1 and 2 threads"
        );
    }
}

/// Files below `dir`, at any depth.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn bad_input_exits_2_and_leaves_the_output_folder_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("keep");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("marker"), "old").unwrap();
    let bad = tmp.path().join("bad.toml");
    std::fs::write(
        &bad,
        format!(
            "extends = \"{}\"\n[demand]\nrefusal_rate = 1.5\n",
            std::fs::canonicalize("models/bcp.toml").unwrap().display()
        ),
    )
    .unwrap();
    let assert = sendcast()
        .args(["run"])
        .arg(&bad)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(err.contains("bad.toml:3:16"), "{err}");
    assert!(
        err.contains("demand.refusal_rate") && err.contains("[0, 1]"),
        "{err}"
    );
    assert_eq!(read(&out.join("marker")), "old");
    sendcast()
        .args(["run", "no/such/file.toml"])
        .assert()
        .code(2);
    sendcast()
        .args(["run", "scenarios/bcp/baseline.toml", "--runs", "0"])
        .assert()
        .code(2);
}

#[test]
fn validate_prints_resolved_inputs() {
    let assert = sendcast()
        .args(["validate", "scenarios/bcp/invest-784k.toml"])
        .assert()
        .success();
    let out = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(
        out.contains("demand.refusal_rate")
            && out.contains("pert(low=0.084, mode=0.152, high=0.24)"),
        "{out}"
    );
    assert!(out.contains("models/bcp.toml"));
    assert!(out.contains("£784k: locum educational psychologists"));
    let assert = sendcast()
        .args(["validate", "tests/fixtures/correlated.toml"])
        .assert()
        .success();
    let out = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(
        out.contains("demand.growth ~ finance.inflation.independent_special: 0.6"),
        "{out}"
    );
}

#[test]
fn bcp_investment_beats_the_baseline_on_timeliness_and_backlog() {
    let tmp = tempfile::tempdir().unwrap();
    let (base, inv) = (tmp.path().join("b"), tmp.path().join("i"));
    run_to("scenarios/bcp/baseline.toml", &base, 400, "2");
    run_to("scenarios/bcp/invest-784k.toml", &inv, 400, "2");
    let (b_pct, _) = summary_value(&base, "plans_within_20_weeks_pct", "2024-25");
    let (i_pct, _) = summary_value(&inv, "plans_within_20_weeks_pct", "2024-25");
    let (_, b_log24) = summary_value(&base, "assessment_backlog", "2023-24");
    let (_, b_log25) = summary_value(&base, "assessment_backlog", "2024-25");
    let (_, i_log25) = summary_value(&inv, "assessment_backlog", "2024-25");
    // Baseline: timeliness stays low and the backlog grows.
    assert!(b_pct < 10.0, "baseline timeliness {b_pct}");
    assert!(
        b_log25 > b_log24 + 100.0,
        "baseline backlog {b_log24} -> {b_log25}"
    );
    // Investment: timeliness well above, backlog far lower.
    assert!(
        i_pct > b_pct + 15.0,
        "investment timeliness {i_pct} vs {b_pct}"
    );
    assert!(
        i_log25 < 0.5 * b_log25,
        "investment backlog {i_log25} vs {b_log25}"
    );
}

#[test]
fn compare_writes_paired_differences_beside_both_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cmp");
    sendcast()
        .args([
            "compare",
            "scenarios/bcp/baseline.toml",
            "scenarios/bcp/invest-784k.toml",
            "--runs",
            "200",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    for f in [
        "compare.csv",
        "compare.json",
        "bcp-baseline/summary.csv",
        "bcp-invest-784k/sensitivity.csv",
    ] {
        assert!(out.join(f).is_file(), "missing {f}");
    }
    let csv = read(&out.join("compare.csv"));
    assert!(csv.starts_with("scenario_a,scenario_b,metric,period,mean_a,mean_b,diff_mean"));
    assert!(csv.contains("bcp-baseline,bcp-invest-784k,plans_within_20_weeks_pct,2024-25,"));
    let json: serde_json::Value = serde_json::from_str(&read(&out.join("compare.json"))).unwrap();
    assert_eq!(json["runs"], 200);
    // Usage errors exit 2.
    sendcast()
        .args(["run", "scenarios/bcp/baseline.toml", "--runs", "auto"])
        .assert()
        .code(2);
    sendcast()
        .args(["run", "scenarios/bcp/baseline.toml", "--precision", "0.01"])
        .assert()
        .code(2);
    sendcast()
        .args([
            "run",
            "scenarios/bcp/baseline.toml",
            "--precision-points",
            "1",
        ])
        .assert()
        .code(2);
    for bad in ["0", "-1", "60", "one"] {
        sendcast()
            .args(["run", "scenarios/bcp/baseline.toml", "--runs", "auto"])
            .args(["--precision", "0.02", "--precision-points", bad])
            .assert()
            .code(2);
    }
    sendcast()
        .args(["run", "scenarios/bcp/baseline.toml", "--sampling", "sobol"])
        .assert()
        .code(2);
}

#[test]
fn latin_hypercube_and_auto_runs_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("auto");
    let assert = sendcast()
        .args([
            "run",
            "tests/fixtures/normals.toml",
            "--runs",
            "auto",
            "--precision",
            "0.2",
            "--sampling",
            "lhs",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let text = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(text.contains("precision 0.2 reached after"), "{text}");
    assert!(text.contains("decided by "), "{text}");
    let json: serde_json::Value = serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    assert!(json["runs"].as_u64().unwrap() >= 1000);
    // Which figure set the count, with the precisions asked.
    let auto = &json["runs_auto"];
    assert_eq!(auto["precision"], 0.2);
    assert_eq!(auto["precision_points"], 1.0);
    assert_eq!(auto["reached"], true);
    let d = &auto["decided_by"];
    assert!(d["metric"].is_string() && d["period"].is_string(), "{auto}");
    assert!(d["half_width"].as_f64().unwrap() <= d["allowed"].as_f64().unwrap());
}
