//! The reported metrics, how each is built from the raw monthly series, and how it rolls up
//! to a financial year (stock at the year's last month, flow summed, ratio of sums).

use crate::engine::finance::{EXPENDITURE_LINES, INCOME_LINES};
use crate::engine::series as s;
use crate::model::{N_SETTINGS, SETTINGS};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Value at the end of the period.
    Stock(usize),
    /// Total over the period.
    Flow(usize),
    /// Income minus expenditure over the period.
    Balance,
    /// `scale * sum(numerator) / sum(denominator)` over the period; undefined when 0 events.
    Ratio(usize, usize, f64),
}

/// Which way is better for a finance officer or a family, if either.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
    Neither,
}

#[derive(Debug, Clone)]
pub struct Metric {
    pub name: String,
    pub kind: Kind,
    pub better: Better,
}

impl Metric {
    /// Whether the metric can be below zero: the DSG balances (a deficit) and net migration
    /// (more plans moving out than in). Counts, money spent or received, and rates cannot.
    pub fn may_be_negative(&self) -> bool {
        matches!(self.kind, Kind::Balance)
            || self.name.starts_with("dsg_")
            || self.name == "net_migration"
    }
}

/// Every metric, in output order.
pub fn all() -> Vec<Metric> {
    let m = |name: &str, kind| Metric {
        name: name.to_string(),
        kind,
        better: better(name),
    };
    let mut v = vec![m("ehcps", Kind::Stock(s::EHCPS))];
    for (i, name) in SETTINGS.iter().enumerate().take(N_SETTINGS) {
        v.push(m(
            &format!("ehcps_{name}"),
            Kind::Stock(s::EHCPS_BY_SETTING + i),
        ));
    }
    v.extend([
        m("requests", Kind::Flow(s::REQUESTS)),
        m("decisions", Kind::Flow(s::DECISIONS)),
        m("refusals", Kind::Flow(s::REFUSALS)),
        m(
            "decisions_within_6_weeks_pct",
            Kind::Ratio(s::DECISIONS_6W, s::DECISIONS, 100.0),
        ),
        m("advice_returned", Kind::Flow(s::ADVICE_DONE)),
        m("new_plans", Kind::Flow(s::NEW_PLANS)),
        m("assessments_without_plan", Kind::Flow(s::NO_PLAN)),
        m(
            "plans_within_20_weeks_pct",
            Kind::Ratio(s::PLANS_20W, s::NEW_PLANS, 100.0),
        ),
        m(
            "plans_over_52_weeks_pct",
            Kind::Ratio(s::PLANS_OVER_52W, s::NEW_PLANS, 100.0),
        ),
        m(
            "advice_within_6_weeks_pct",
            Kind::Ratio(s::ADVICE_6W, s::ADVICE_DONE, 100.0),
        ),
        m(
            "mean_weeks_to_plan",
            Kind::Ratio(s::WEEKS_TO_PLAN, s::NEW_PLANS, 1.0),
        ),
        m("open_assessments", Kind::Stock(s::OPEN)),
        m("assessment_backlog", Kind::Stock(s::BACKLOG)),
        m("assessments_over_52_weeks", Kind::Stock(s::OVER_52)),
        m("annual_reviews_overdue", Kind::Stock(s::REVIEWS_OVERDUE)),
        m("ceased_plans", Kind::Flow(s::CEASED)),
        m("net_migration", Kind::Flow(s::MIGRATION)),
        m("hnb_income", Kind::Flow(s::INCOME)),
        m("hnb_expenditure", Kind::Flow(s::EXPENDITURE)),
        m("dsg_in_year_balance", Kind::Balance),
        m("dsg_cumulative_balance", Kind::Stock(s::CUM_BALANCE)),
        m("send_service_cost", Kind::Flow(s::SERVICE_COST)),
        m("staff_fte_ep", Kind::Stock(s::FTE)),
        m("staff_fte_case_officer", Kind::Stock(s::FTE + 1)),
        m("staff_fte_manager", Kind::Stock(s::FTE + 2)),
    ]);
    for (i, line) in INCOME_LINES.iter().enumerate() {
        v.push(m(
            &format!("hnb_income_{line}"),
            Kind::Flow(s::INCOME_BY_LINE + i),
        ));
    }
    for (i, line) in EXPENDITURE_LINES.iter().enumerate() {
        v.push(m(
            &format!("hnb_exp_{line}"),
            Kind::Flow(s::EXPENDITURE_BY_LINE + i),
        ));
    }
    for (b, name) in AGE_GROUP_METRICS.iter().enumerate() {
        v.push(m(name, Kind::Stock(s::EHCPS_BY_AGE + b)));
    }
    v
}

/// Plans by age group, in `model::AGE_BANDS` order.
pub const AGE_GROUP_METRICS: [&str; 5] = [
    "ehcps_age_under_5",
    "ehcps_age_5_10",
    "ehcps_age_11_15",
    "ehcps_age_16_19",
    "ehcps_age_20_25",
];

fn better(name: &str) -> Better {
    match name {
        "decisions_within_6_weeks_pct"
        | "plans_within_20_weeks_pct"
        | "advice_within_6_weeks_pct"
        | "hnb_income"
        | "hnb_income_allocation"
        | "hnb_income_other"
        | "dsg_in_year_balance"
        | "dsg_cumulative_balance" => Better::Higher,
        "mean_weeks_to_plan"
        | "plans_over_52_weeks_pct"
        | "open_assessments"
        | "assessment_backlog"
        | "assessments_over_52_weeks"
        | "annual_reviews_overdue"
        | "hnb_expenditure"
        | "send_service_cost"
        | "ehcps_independent_special" => Better::Lower,
        _ if name.starts_with("hnb_exp_") => Better::Lower,
        // `hnb_income_transfers`: money the schools block gives up, so more of it is no win.
        _ => Better::Neither,
    }
}

impl Kind {
    /// Value over months `lo..hi` of one trajectory's raw series (`months` per series).
    pub fn value(&self, raw: &[f64], months: usize, lo: usize, hi: usize) -> f64 {
        let sum = |series: usize| {
            raw[series * months + lo..series * months + hi]
                .iter()
                .sum::<f64>()
        };
        match *self {
            Kind::Stock(series) => raw[series * months + hi - 1],
            Kind::Flow(series) => sum(series),
            Kind::Balance => sum(s::INCOME) - sum(s::EXPENDITURE),
            Kind::Ratio(num, den, scale) => ratio(sum(num), sum(den), scale),
        }
    }

    /// Values for each of the first `out.len()` months (`months` per series), the same as
    /// `value` month by month (a one-month sum is the month's value exactly: sums start at
    /// -0.0), a series at a time.
    pub fn fill_months(&self, raw: &[f64], months: usize, out: &mut [f64]) {
        let n = out.len();
        let series = |s: usize| &raw[s * months..s * months + n];
        match *self {
            Kind::Stock(s) | Kind::Flow(s) => out.copy_from_slice(series(s)),
            Kind::Balance => {
                for ((o, i), e) in out
                    .iter_mut()
                    .zip(series(s::INCOME))
                    .zip(series(s::EXPENDITURE))
                {
                    *o = i - e;
                }
            }
            Kind::Ratio(num, den, scale) => {
                for ((o, x), d) in out.iter_mut().zip(series(num)).zip(series(den)) {
                    *o = ratio(*x, *d, scale);
                }
            }
        }
    }
}

/// `scale * num / den`, undefined when `den` is 0 (no events).
#[inline]
fn ratio(num: f64, den: f64, scale: f64) -> f64 {
    if den > 0.0 {
        scale * num / den
    } else {
        f64::NAN
    }
}
