//! Property tests: the scenario reader never panics on arbitrary or mutated text, and the
//! engine keeps its invariants (conservation of plans and money, no negative counts,
//! percentages in [0, 100], monotone quantiles) for any seed and perturbed inputs.

mod common;

use common::number_spans;
use proptest::prelude::*;
use sendcast::engine::series as s;
use sendcast::model::compile::compile;
use sendcast::run::{run, trajectory, RunOptions};
use sendcast::scenario::{tree, Loaded};
use std::path::PathBuf;
use std::sync::Arc;

fn compile_text(text: &str) -> Result<sendcast::model::Model, sendcast::error::InputError> {
    let file = PathBuf::from("prop.toml");
    let table = tree::parse(&Arc::new(file.clone()), text)?;
    compile(&Loaded {
        table,
        files: vec![file],
        switched_off: Vec::new(),
    })
}

fn bcp_text() -> String {
    std::fs::read_to_string("models/bcp.toml").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let _ = compile_text(&text);
    }

    #[test]
    fn arbitrary_history_is_accepted_or_refused_cleanly(
        points in proptest::collection::vec((
            prop_oneof![
                Just("ehcps".to_string()),
                Just("plans_within_20_weeks_pct".to_string()),
                Just("dsg_cumulative_balance".to_string()),
                Just("requests".to_string()),
                "[a-z_]{1,12}",
            ],
            "[0-9]{1,5}(-[0-9]{1,3})?",
            prop_oneof![
                any::<f64>().prop_map(|x| format!("{x:e}")),
                Just("nan".to_string()),
                Just("-inf".to_string()),
                Just("\"x\"".to_string()),
                (-1e7f64..1e7).prop_map(|x| format!("{x}")),
            ],
        ), 0..8)
    ) {
        let base = std::fs::read_to_string("tests/fixtures/queue.toml").unwrap();
        let mut text = format!("{base}\n[history]\n");
        for (metric, period, value) in &points {
            text.push_str(&format!("{metric}.\"{period}\" = {value}\n"));
        }
        if let Err(e) = compile_text(&text) {
            let msg = e.to_string();
            prop_assert!(msg.contains("prop.toml"), "{msg}");
        }
    }

    #[test]
    fn arbitrary_toml_like_text_never_panics(text in "([a-z_\\.\\[\\]]{1,12} = [-0-9e\\.\"a-z\\{\\}, =]{0,20}\n){0,12}") {
        let _ = compile_text(&text);
    }

    #[test]
    fn mutated_bcp_numbers_are_accepted_or_refused_cleanly(
        which in 0usize..400,
        replacement in prop_oneof![
            Just("-1".to_string()), Just("0".to_string()), Just("1e308".to_string()), Just("nan".to_string()),
            Just("-inf".to_string()), Just("\"x\"".to_string()), Just("[]".to_string()), Just("{}".to_string()),
            Just("2.5".to_string()), Just("5000".to_string()), Just("0.5".to_string()),
        ],
    ) {
        let text = bcp_text();
        let spans = number_spans(&text);
        let (a, b) = spans[which % spans.len()];
        let mutated = format!("{}{}{}", &text[..a], replacement, &text[b..]);
        match compile_text(&mutated) {
            Err(e) => prop_assert!(e.loc.line >= 1 && !e.message.is_empty()),
            Ok(model) => {
                // Accepted inputs must simulate without panicking or producing negative counts.
                let mut raw = vec![0.0; s::N_SERIES * model.clock.months];
                trajectory(&model, 1, 0, &mut Default::default(), &mut raw).unwrap();
                let n = model.clock.months;
                for series in [s::EHCPS, s::OPEN, s::BACKLOG, s::REQUESTS, s::NEW_PLANS, s::CEASED] {
                    prop_assert!(raw[series * n..(series + 1) * n].iter().all(|x| x.is_finite() && *x >= -1e-6));
                }
            }
        }
    }
}

/// Recorded values below zero are accepted for the metrics that can be (balances, net
/// migration) and refused, naming the key and what is allowed, for counts.
#[test]
fn history_takes_negative_values_only_where_the_metric_can_be_negative() {
    let base = std::fs::read_to_string("tests/fixtures/queue.toml").unwrap();
    let with = |line: &str| compile_text(&format!("{base}\n[history]\n{line}\n"));
    for ok in [
        "net_migration = { \"2022\" = -15 }",
        "dsg_in_year_balance = { \"2022-23\" = -1.5e7 }",
        "dsg_cumulative_balance = { \"2023-03\" = -4e7 }",
    ] {
        let m = with(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        assert!(m.history.iter().any(|p| p.value < 0.0), "{ok}");
    }
    let e = with("ehcps = { \"2023-01\" = -3 }")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("prop.toml") && e.contains("history.ehcps") && e.contains("0 or more"),
        "{e}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn engine_invariants_hold_for_any_seed(seed in any::<u64>(), scenario in 0usize..2) {
        let path = ["scenarios/bcp/baseline.toml", "scenarios/bcp/invest-784k.toml"][scenario];
        let model = sendcast::load_model(std::path::Path::new(path)).unwrap();
        let res = run(&model, &RunOptions::new(40, seed)).unwrap();
        let nm = res.months.len();
        let row = res.metrics.len() * res.n_periods();
        let idx = |name: &str| res.metric_index(name).unwrap();
        let (inyear, cum) = (idx("dsg_in_year_balance"), idx("dsg_cumulative_balance"));
        for r in res.values.chunks_exact(row) {
            // Money: each year's cumulative change is that year's in-year balance.
            for y in 1..res.years.len() {
                let change = r[res.column(cum, nm + y)] - r[res.column(cum, nm + y - 1)];
                prop_assert!((change - r[res.column(inyear, nm + y)]).abs() < 1.0);
            }
            // Plans: the yearly stock change is new - ceased + net migration.
            let (e, n, c, g) = (idx("ehcps"), idx("new_plans"), idx("ceased_plans"), idx("net_migration"));
            for y in 1..res.years.len() {
                let change = r[res.column(e, nm + y)] - r[res.column(e, nm + y - 1)];
                let flows = r[res.column(n, nm + y)] - r[res.column(c, nm + y)] + r[res.column(g, nm + y)];
                prop_assert!((change - flows).abs() < 1e-6 * r[res.column(e, nm + y)].max(1.0));
            }
            for (k, m) in res.metrics.iter().enumerate() {
                for p in 0..res.n_periods() {
                    let x = r[res.column(k, p)];
                    if m.name.ends_with("_pct") {
                        prop_assert!(x.is_nan() || (0.0..=100.0).contains(&x), "{} = {}", m.name, x);
                    } else if !m.may_be_negative() {
                        // Ratios are undefined (NaN) in a period without events.
                        let ratio = matches!(m.kind, sendcast::stats::metrics::Kind::Ratio(..));
                        prop_assert!(x >= -1e-6 || (ratio && x.is_nan()), "{} = {}", m.name, x);
                    }
                }
            }
        }
        // Quantiles are monotone and bracket the mean's neighbourhood.
        for sm in res.summaries() {
            if sm.n > 0 {
                prop_assert!(sm.q.windows(2).all(|w| w[0] <= w[1]));
                prop_assert!(sm.q_ci.iter().all(|(lo, hi)| lo <= hi));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    /// The workbook's lines (income by source, spending by section 251 line, plans by age
    /// group) add up to their totals in every month and year of every trajectory, with
    /// transfers, Safety Valve-style savings and the floor at zero spending in play.
    #[test]
    fn finance_and_age_lines_add_up_to_their_totals(seed in any::<u64>(), scenario in 0usize..4) {
        let model = match scenario {
            0..=2 => {
                let path = [
                    "scenarios/bcp/baseline.toml",
                    "scenarios/bcp/safety-valve-plan.toml",
                    "scenarios/bcp/overspend/transfer-1pct.toml",
                ][scenario];
                sendcast::load_model(std::path::Path::new(path)).unwrap()
            }
            // Savings beyond all spending for two years: spending is floored at zero.
            _ => compile_text(&format!(
                "{}\n[[interventions]]\ntype = \"saving\"\nfrom = \"2025-04\"\nuntil = \"2027-04\"\namount_per_year = 1e9\n",
                bcp_text()
            ))
            .unwrap(),
        };
        let res = run(&model, &RunOptions::new(40, seed)).unwrap();
        let row = res.metrics.len() * res.n_periods();
        let idx = |name: &str| res.metric_index(name).unwrap();
        let groups: [(&str, Vec<usize>); 3] = [
            ("hnb_income", ["allocation", "transfers", "other"].map(|l| idx(&format!("hnb_income_{l}"))).to_vec()),
            ("hnb_expenditure", [
                "place_funding", "topups_maintained", "topups_academies_colleges",
                "independent", "alternative_provision", "other",
            ].map(|l| idx(&format!("hnb_exp_{l}"))).to_vec()),
            ("ehcps", ["under_5", "5_10", "11_15", "16_19", "20_25"].map(|g| idx(&format!("ehcps_age_{g}"))).to_vec()),
        ];
        for r in res.values.chunks_exact(row) {
            for (total, parts) in &groups {
                let t = idx(total);
                for p in 0..res.n_periods() {
                    let want = r[res.column(t, p)];
                    let got: f64 = parts.iter().map(|&k| r[res.column(k, p)]).sum();
                    prop_assert!((got - want).abs() <= 1e-6 * want.abs().max(1.0), "{total} period {p}: {got} != {want}");
                }
            }
            // Transfers only where a scenario has them; place funding and every top-up line
            // cannot be negative.
            for l in ["place_funding", "topups_maintained", "topups_academies_colleges", "independent", "alternative_provision"] {
                let k = idx(&format!("hnb_exp_{l}"));
                prop_assert!((0..res.n_periods()).all(|p| r[res.column(k, p)] >= -1e-6), "{l}");
            }
            let transfers = idx("hnb_income_transfers");
            let any = (0..res.n_periods()).any(|p| r[res.column(transfers, p)] > 0.0);
            prop_assert_eq!(any, scenario == 1 || scenario == 2);
            if scenario == 3 {
                let e = idx("hnb_expenditure");
                let y = res.years.iter().position(|p| p.label == "2025-26").unwrap();
                prop_assert_eq!(r[res.column(e, res.months.len() + y)], 0.0);
            }
        }
        // On the mean too: the summary of each line adds up to the summary of its total.
        let sm = res.summaries();
        for (total, parts) in &groups {
            for p in 0..res.n_periods() {
                let want = sm[res.column(idx(total), p)].mean;
                let got: f64 = parts.iter().map(|&k| sm[res.column(k, p)].mean).sum();
                prop_assert!((got - want).abs() <= 1e-6 * want.abs().max(1.0), "{total} mean period {p}");
            }
        }
    }
}
