//! An authority's recorded high-needs outturn (its DSG management plan's lines, under the
//! names sendcast writes out): the finance file, and the base year a model starts its money
//! from.

pub mod base;
pub mod file;

use crate::calendar::{fy_label, YearMonth};
use crate::engine::finance::{
    EXPENDITURE_LINES, INCOME_LINES, N_EXPENDITURE_LINES, N_INCOME_LINES,
};

/// Lines that add up to the totals: income lines then expenditure lines.
pub const N_LINES: usize = N_INCOME_LINES + N_EXPENDITURE_LINES;

/// A metric a finance file may give, by its output name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    /// An income line (`INCOME_LINES` index 0-2) or an expenditure line (3-8).
    Line(usize),
    Income,
    Expenditure,
    InYear,
    /// At 31 March of the period's financial year.
    Cumulative,
}

impl Metric {
    /// Every metric, in the order files and reports list them.
    pub fn all() -> Vec<Metric> {
        let mut v: Vec<Metric> = (0..N_LINES).map(Metric::Line).collect();
        v.extend([
            Metric::Income,
            Metric::Expenditure,
            Metric::InYear,
            Metric::Cumulative,
        ]);
        v
    }

    /// The output metric name (`hnb_exp_independent`, `dsg_cumulative_balance`, ...).
    pub fn name(self) -> String {
        match self {
            Metric::Line(i) if i < N_INCOME_LINES => format!("hnb_income_{}", INCOME_LINES[i]),
            Metric::Line(i) => format!("hnb_exp_{}", EXPENDITURE_LINES[i - N_INCOME_LINES]),
            Metric::Income => "hnb_income".into(),
            Metric::Expenditure => "hnb_expenditure".into(),
            Metric::InYear => "dsg_in_year_balance".into(),
            Metric::Cumulative => "dsg_cumulative_balance".into(),
        }
    }

    pub fn parse(s: &str) -> Option<Metric> {
        Metric::all().into_iter().find(|m| m.name() == s)
    }

    /// Balances may be negative (a deficit); money received or spent may not.
    pub fn may_be_negative(self) -> bool {
        matches!(self, Metric::InYear | Metric::Cumulative)
    }

    pub fn is_income_line(self) -> bool {
        matches!(self, Metric::Line(i) if i < N_INCOME_LINES)
    }

    /// The `[history]` period of a value for financial year `fy`: the 31 March month for the
    /// cumulative balance (a stock), the financial year for the rest.
    pub fn history_period(self, fy: i32) -> String {
        match self {
            Metric::Cumulative => YearMonth::new(fy + 1, 3).to_string(),
            _ => fy_label(fy),
        }
    }
}

/// Names of every metric a finance file may give.
pub fn metric_names() -> Vec<String> {
    Metric::all().into_iter().map(Metric::name).collect()
}

/// The base year a model starting in `start` takes its money from: the financial year of the
/// month before the start, so the first simulated year's opening balance is its closing one
/// (a January start: the year it is in; an April start: the year just ended).
pub fn base_year(start: YearMonth) -> i32 {
    start.plus_months(-1).fy_start_year()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_base_years() {
        let names = metric_names();
        assert_eq!(names.len(), 13);
        assert_eq!(names[0], "hnb_income_allocation");
        assert_eq!(names[8], "hnb_exp_other");
        assert_eq!(
            Metric::parse("dsg_cumulative_balance"),
            Some(Metric::Cumulative)
        );
        assert_eq!(Metric::Cumulative.history_period(2024), "2025-03");
        assert_eq!(Metric::Line(3).history_period(2024), "2024-25");
        assert_eq!(base_year(YearMonth::new(2025, 1)), 2024);
        assert_eq!(base_year(YearMonth::new(2023, 4)), 2022);
        assert_eq!(base_year(YearMonth::new(2023, 5)), 2023);
    }
}
