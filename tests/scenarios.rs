//! The shipped BCP scenarios move their headlines the way the policy should (paired runs on
//! common random numbers).

use sendcast::compare::{compare, Comparison, Row};
use sendcast::run::RunOptions;
use std::path::Path;

fn pair(a: &str, b: &str) -> Comparison {
    let load = |p: &str| sendcast::load_model(Path::new(p)).unwrap();
    compare(&load(a), &load(b), &RunOptions::new(200, 11), false).unwrap()
}

/// B's mean below A's, saying both when not.
#[track_caller]
fn b_lower(r: &Row) {
    assert!(
        r.mean_b < r.mean_a,
        "{} {}: {} vs {}",
        r.metric,
        r.period,
        r.mean_b,
        r.mean_a
    );
}

/// B's mean above A's, saying both when not.
#[track_caller]
fn b_higher(r: &Row) {
    assert!(
        r.mean_b > r.mean_a,
        "{} {}: {} vs {}",
        r.metric,
        r.period,
        r.mean_b,
        r.mean_a
    );
}

fn row<'a>(c: &'a Comparison, metric: &str, period: &str) -> &'a Row {
    c.rows
        .iter()
        .find(|r| r.metric == metric && r.period == period)
        .unwrap_or_else(|| panic!("{metric} {period}"))
}

#[test]
fn the_784k_alone_cuts_the_backlog_and_the_posts_keep_it_down() {
    // The money alone, against doing nothing: fewer overdue cases by March 2025 in nearly every
    // paired run, and a higher General Fund cost while the team works.
    let c = pair(
        "scenarios/bcp/baseline.toml",
        "scenarios/bcp/invest-784k-only.toml",
    );
    let backlog = row(&c, "assessment_backlog", "2024-25");
    assert!(
        backlog.p_b_better.unwrap() >= 0.9,
        "{:?}",
        backlog.p_b_better
    );
    assert!(backlog.mean_b < 0.6 * backlog.mean_a);
    let cost = row(&c, "send_service_cost", "2023-24");
    assert!(cost.mean_b > cost.mean_a);
    // The permanent posts on top: the backlog stays lower and more plans are on time after the
    // temporary team has gone.
    let c = pair(
        "scenarios/bcp/invest-784k-only.toml",
        "scenarios/bcp/invest-784k.toml",
    );
    let backlog = row(&c, "assessment_backlog", "2026-27");
    b_lower(backlog);
    let on_time = row(&c, "plans_within_20_weeks_pct", "2026-27");
    assert!(on_time.mean_b > on_time.mean_a + 5.0);
}

#[test]
fn the_new_schools_take_placements_that_would_go_independent() {
    // The ASC free school (180 places from September 2026): fewer independent placements by
    // March 2030, more academy special places, and a smaller deficit.
    let c = pair(
        "scenarios/bcp/invest-784k.toml",
        "scenarios/bcp/asc-free-school.toml",
    );
    let indep = row(&c, "ehcps_independent_special", "2029-30");
    assert!(indep.p_b_better.unwrap() >= 0.8, "{:?}", indep.p_b_better);
    assert!(
        indep.mean_b < indep.mean_a - 60.0,
        "{} vs {}",
        indep.mean_b,
        indep.mean_a
    );
    let academy = row(&c, "ehcps_academy_special", "2029-30");
    assert!(academy.mean_b > academy.mean_a + 60.0);
    let dsg = row(&c, "dsg_cumulative_balance", "2032-33");
    b_higher(dsg);
    // A further c£5m of maintained special places from September 2025 on top.
    let c = pair(
        "scenarios/bcp/asc-free-school.toml",
        "scenarios/bcp/specialist-capital-5m.toml",
    );
    let la = row(&c, "ehcps_la_special", "2026-27");
    assert!(
        la.mean_b > la.mean_a + 30.0,
        "{} vs {}",
        la.mean_b,
        la.mean_a
    );
    let indep = row(&c, "ehcps_independent_special", "2026-27");
    assert!(indep.mean_b < indep.mean_a - 20.0);
    let dsg = row(&c, "dsg_cumulative_balance", "2028-29");
    assert!(dsg.p_b_better.unwrap() >= 0.7, "{:?}", dsg.p_b_better);
}

#[test]
fn keeping_to_20_weeks_costs_money_and_the_safety_valve_plan_narrows_the_gap() {
    // A team that grows with requests keeps the backlog down and issues more plans, which
    // costs high-needs money.
    let c = pair(
        "scenarios/bcp/specialist-capital-5m.toml",
        "scenarios/bcp/staff-to-demand.toml",
    );
    let backlog = row(&c, "assessment_backlog", "2027-28");
    assert!(backlog.mean_b < 0.7 * backlog.mean_a);
    let spend = row(&c, "hnb_expenditure", "2029-30");
    assert!(spend.mean_b > spend.mean_a);
    // The plan's measures on top narrow the in-year gap every year from 2025-26.
    let c = pair(
        "scenarios/bcp/staff-to-demand.toml",
        "scenarios/bcp/safety-valve-plan.toml",
    );
    for year in ["2025-26", "2026-27", "2028-29", "2032-33"] {
        let r = row(&c, "dsg_in_year_balance", year);
        assert!(
            r.mean_b > r.mean_a && r.p_b_better.unwrap() >= 0.7,
            "{year}: {} vs {} (P {:?})",
            r.mean_b,
            r.mean_a,
            r.p_b_better
        );
    }
    // Inclusion shows in the settings.
    let resourced = row(&c, "ehcps_resourced", "2028-29");
    assert!(resourced.mean_b > resourced.mean_a + 20.0);
}

#[test]
fn the_first_year_a_probability_passes_a_level_is_reported() {
    // In-year balance P about 0.31, 0.58, 0.88 by year (tests/fixtures/milestones.toml).
    let model = sendcast::load_model(Path::new("tests/fixtures/milestones.toml")).unwrap();
    let results = sendcast::run::run(&model, &RunOptions::new(4000, 3)).unwrap();
    let report = sendcast::report::Report::new(&results);
    let e = "dsg_in_year_balance_ge_0";
    assert_eq!(report.first_year(e, 0.5).unwrap().0, "2025-26");
    assert_eq!(report.first_year(e, 0.8).unwrap().0, "2026-27");
    assert!(report.first_year(e, 0.95).is_none());
    assert_eq!(report.best_year(e).unwrap().0, "2026-27");
    // No plans are issued, so timeliness has no year at all.
    assert!(report
        .best_year("plans_within_20_weeks_pct_ge_60")
        .is_none());
    let dir = tempfile::tempdir().unwrap();
    let info = sendcast::report::RunInfo {
        model: &model,
        version: "test",
        sampling: "mc",
        formats: sendcast::report::Formats::DATA,
    };
    sendcast::report::write_into(&report, &info, dir.path()).unwrap();
    let text = std::fs::read_to_string(dir.path().join("milestones.csv")).unwrap();
    assert!(text.contains("milestones-fixture,dsg_in_year_balance_ge_0,0.5,2025-26,"));
    assert!(text.contains("milestones-fixture,plans_within_20_weeks_pct_ge_60,0.8,,\n"));
}

/// (option file, metric that shows its effect on children, period, whether it should rise)
const OPTIONS: [(&str, &str, &str, bool); 5] = [
    ("less-ap", "ehcps_alternative_provision", "2027-28", false),
    ("inclusion", "ehcps_resourced", "2027-28", true),
    ("stricter-threshold", "refusals", "2026-27", true),
    ("independent-fees", "ehcps", "2027-28", false),
    ("transfer-1pct", "ehcps", "2027-28", false),
];

#[test]
fn every_overspend_option_narrows_the_gap_and_shows_its_effect_on_children() {
    for (file, metric, period, rises) in OPTIONS {
        let c = pair(
            "scenarios/bcp/invest-784k.toml",
            &format!("scenarios/bcp/overspend/{file}.toml"),
        );
        let gap = row(&c, "dsg_in_year_balance", "2026-27");
        assert!(
            gap.mean_b > gap.mean_a && gap.p_b_better.unwrap() >= 0.6,
            "{file}: in-year {} vs {} (P {:?})",
            gap.mean_b,
            gap.mean_a,
            gap.p_b_better
        );
        let r = row(&c, metric, period);
        let moved = r.mean_b - r.mean_a;
        match (file, rises) {
            // Money-only options leave children's numbers as they are (common random numbers).
            ("independent-fees" | "transfer-1pct", _) => assert_eq!(moved, 0.0, "{file}"),
            (_, true) => assert!(moved > 0.0, "{file}: {metric} {moved}"),
            (_, false) => assert!(moved < 0.0, "{file}: {metric} {moved}"),
        }
    }
}

#[test]
fn efficiency_cuts_the_backlog_at_its_cost_and_the_growth_bid_buys_more_timeliness() {
    // Processes, technology and in-house plan-writing against the path BCP is on: more plans
    // issued and a smaller backlog by 2027-28, for about £269k a year more General Fund cost.
    let c = pair(
        "scenarios/bcp/invest-784k.toml",
        "scenarios/bcp/efficiency-not-staff.toml",
    );
    let backlog = row(&c, "assessment_backlog", "2027-28");
    b_lower(backlog);
    let plans = row(&c, "new_plans", "2027-28");
    b_higher(plans);
    let cost = row(&c, "send_service_cost", "2026-27");
    let extra = cost.mean_b - cost.mean_a;
    // £268,770 of the efficiency's own cost, and the transport of the extra plans.
    assert!((250_000.0..700_000.0).contains(&extra), "{extra}");
    // Against the growth bid of the same cost, which adds EPs (the scarcer role at BCP): the
    // bid keeps more advice on time by 2027-28.
    let c = pair(
        "scenarios/bcp/growth-bid.toml",
        "scenarios/bcp/efficiency-not-staff.toml",
    );
    let advice = row(&c, "advice_within_6_weeks_pct", "2027-28");
    b_lower(advice);
}
