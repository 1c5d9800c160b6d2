//! `backtest` across origins and horizons on the SEN2 fixtures: the rows, the scores by origin
//! and horizon (pooled last, as CI reads them), the interval scores, the PIT files, and bad
//! origins and horizons refused.

mod common;

use common::sendcast;
use std::collections::BTreeMap;
use std::path::Path;

const FIXTURES: &str = "tests/fixtures/sen2";

fn records(path: &Path) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let head = rdr.headers().unwrap().iter().map(String::from).collect();
    (head, rdr.records().map(|r| r.unwrap()).collect())
}

fn col(head: &[String], name: &str) -> usize {
    head.iter().position(|h| h == name).unwrap()
}

#[test]
fn several_origins_are_scored_by_origin_and_horizon() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bt");
    let a = sendcast()
        .args(["backtest", "--sen2", FIXTURES, "--la", "Hertfordshire"])
        .args([
            "--origin",
            "2019,2022",
            "--horizon",
            "5",
            "--runs",
            "40",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let printed = String::from_utf8_lossy(&a.get_output().stdout).to_string();
    assert!(
        printed.contains("2 origins (January 2019, 2022)") && printed.contains("horizon"),
        "{printed}"
    );
    let (head, rows) = records(&out.join("backtest.csv"));
    assert_eq!(
        head[15..],
        [
            "origin",
            "horizon",
            "pit",
            "interval_score_80",
            "interval_score_95"
        ]
    );
    let (m, p, o, h) = (col(&head, "metric"), col(&head, "period"), 15, 16);
    let method = col(&head, "method");
    // From 2019 five years are recorded (censuses 2020-2024, flows 2019-2023); from 2022
    // three (censuses 2023-2025, flows 2022-2024).
    let periods = |origin: &str, metric: &str| -> Vec<(String, String)> {
        rows.iter()
            .filter(|r| &r[o] == origin && &r[m] == metric && &r[method] == "sendcast")
            .map(|r| (r[h].to_string(), r[p].to_string()))
            .collect()
    };
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        periods("2019", "ehcps"),
        pairs(&[
            ("1", "2020-01"),
            ("2", "2021-01"),
            ("3", "2022-01"),
            ("4", "2023-01"),
            ("5", "2024-01")
        ])
    );
    assert_eq!(
        periods("2022", "requests"),
        pairs(&[("1", "2022"), ("2", "2023"), ("3", "2024")])
    );
    for r in rows.iter().filter(|r| &r[method] == "sendcast") {
        let x = |i: usize| r[i].parse::<f64>().unwrap();
        let pit = x(17);
        assert!((0.0..=1.0).contains(&pit), "{r:?}");
        // Gneiting & Raftery: width + 2/alpha * distance outside.
        let (actual, p10, p90) = (x(4), x(6), x(8));
        let want = (p90 - p10) + 10.0 * ((p10 - actual).max(0.0) + (actual - p90).max(0.0));
        assert!((x(18) - want).abs() < 0.01 * want.max(1.0), "{r:?}");
        assert_eq!(&r[11] == "true", actual >= p10 && actual <= p90, "{r:?}");
    }
    // A count baseline's interval comes from its past errors over the fixture authorities.
    let last = rows
        .iter()
        .find(|r| &r[method] == "last_value" && &r[m] == "ehcps" && &r[o] == "2022")
        .unwrap();
    let q: Vec<f64> = (5..10).map(|i| last[i].parse().unwrap()).collect();
    assert!(
        q.windows(2).all(|w| w[0] <= w[1]) && q[0] < q[2],
        "{last:?}"
    );
    assert!(last[17].is_empty(), "a baseline has no PIT");

    let (shead, scores) = records(&out.join("scores.csv"));
    assert_eq!(
        shead[..8],
        [
            "method",
            "metric",
            "n",
            "median_ape",
            "coverage_80",
            "coverage_95",
            "median_abs_error",
            "median_bias"
        ]
    );
    assert_eq!(
        shead[8..],
        [
            "origin",
            "horizon",
            "median_bias_pct",
            "interval_score_80",
            "interval_score_95",
            "n_intervals"
        ]
    );
    let n_of = |method: &str, metric: &str, origin: &str, horizon: &str| -> usize {
        scores
            .iter()
            .find(|s| &s[0] == method && &s[1] == metric && &s[8] == origin && &s[9] == horizon)
            .map_or(0, |s| s[2].parse().unwrap())
    };
    // Pooled over origins is the sum of each origin's.
    for hz in ["1", "2", "3", "all"] {
        assert_eq!(
            n_of("sendcast", "ehcps", "all", hz),
            n_of("sendcast", "ehcps", "2019", hz) + n_of("sendcast", "ehcps", "2022", hz),
            "horizon {hz}"
        );
    }
    assert_eq!(n_of("sendcast", "ehcps", "2019", "5"), 1);
    assert_eq!(n_of("sendcast", "ehcps", "2022", "5"), 0);
    // CI reads the last `all` row of each method: everything pooled.
    let mut last_all: BTreeMap<&str, &csv::StringRecord> = BTreeMap::new();
    for s in scores.iter().filter(|s| &s[1] == "all") {
        last_all.insert(&s[0], s);
    }
    assert_eq!(last_all.len(), 4);
    for s in last_all.values() {
        assert_eq!((&s[8], &s[9]), ("all", "all"), "{s:?}");
    }
    assert_eq!(
        last_all["sendcast"][2],
        n_of("sendcast", "all", "all", "all").to_string()
    );

    // The PIT: ten bins per metric and horizon, adding up to the forecasts scored.
    let (phead, pit) = records(&out.join("pit.csv"));
    assert_eq!(
        phead,
        ["metric", "horizon", "bin", "from", "to", "count", "n", "density"]
    );
    let mut sums: BTreeMap<(String, String), (usize, usize, usize)> = BTreeMap::new();
    for r in &pit {
        let e = sums
            .entry((r[0].to_string(), r[1].to_string()))
            .or_default();
        e.0 += 1;
        e.1 += r[5].parse::<usize>().unwrap();
        e.2 = r[6].parse().unwrap();
    }
    let ehcps_all = &sums[&("ehcps".to_string(), "all".to_string())];
    assert_eq!(ehcps_all.1, n_of("sendcast", "ehcps", "all", "all"));
    for (k, (bins, sum, n)) in &sums {
        assert!(*bins == 10 && sum == n, "{k:?}");
    }
    let svg = std::fs::read_to_string(out.join("pit.svg")).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("5 years"),
        "{}",
        &svg[..100]
    );
    let png = std::fs::read(out.join("pit.png")).unwrap();
    assert_eq!(&png[..4], b"\x89PNG");
    // A model per origin.
    assert!(out.join("models/2019/E10000015.toml").exists());
    assert!(out.join("models/2022/E10000015.toml").exists());
}

#[test]
fn bad_origins_and_horizons_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("never");
    for (args, wanted) in [
        (
            ["--origin", "2022..2016", "--horizon", "2"],
            "write 2016..2022",
        ),
        (["--origin", "2022", "--horizon", "0"], "0 is not in 1..=5"),
        (["--origin", "2022", "--horizon", "6"], "6 is not in 1..=5"),
        (
            ["--origin", "2019,x", "--horizon", "2"],
            "`x` is not a year",
        ),
        (
            ["--origin", "2016..2019", "--horizon", "2"],
            "the earliest origin these files allow is 2019",
        ),
        (
            ["--origin", "2025", "--horizon", "2"],
            "leaves nothing to fit or to score",
        ),
    ] {
        let a = sendcast()
            .args(["backtest", "--sen2", FIXTURES, "--la", "BCP"])
            .args(args)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
        assert!(
            err.contains(wanted) && !err.contains("panicked"),
            "{args:?}: {err}"
        );
        assert!(!out.exists());
    }
}
