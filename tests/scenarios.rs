//! The shipped BCP scenarios move their headlines the way the policy should (paired runs on
//! common random numbers).

use sendcast::compare::{compare, Comparison, Row};
use sendcast::run::RunOptions;
use std::path::Path;

fn pair(a: &str, b: &str) -> Comparison {
    let load = |p: &str| sendcast::load_model(Path::new(p)).unwrap();
    compare(&load(a), &load(b), &RunOptions::new(200, 11), false).unwrap()
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
    assert!(
        backlog.mean_b < backlog.mean_a,
        "{} vs {}",
        backlog.mean_b,
        backlog.mean_a
    );
    let on_time = row(&c, "plans_within_20_weeks_pct", "2026-27");
    assert!(on_time.mean_b > on_time.mean_a + 5.0);
}
