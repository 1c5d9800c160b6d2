//! The raw monthly series one trajectory records: flows summed over the month, stocks at its end.

pub const REQUESTS: usize = 0;
pub const DECISIONS: usize = 1;
pub const DECISIONS_6W: usize = 2;
pub const REFUSALS: usize = 3;
pub const NEW_PLANS: usize = 4;
pub const PLANS_20W: usize = 5;
pub const WEEKS_TO_PLAN: usize = 6;
pub const OPEN: usize = 7;
pub const BACKLOG: usize = 8;
pub const OVER_52: usize = 9;
pub const REVIEWS_OVERDUE: usize = 10;
pub const CEASED: usize = 11;
pub const MIGRATION: usize = 12;
pub const EHCPS: usize = 13;
/// Eight settings follow, in `model::SETTINGS` order.
pub const EHCPS_BY_SETTING: usize = 14;
pub const INCOME: usize = 22;
pub const EXPENDITURE: usize = 23;
pub const CUM_BALANCE: usize = 24;
pub const SERVICE_COST: usize = 25;
/// Three roles follow, in `model::ROLES` order.
pub const FTE: usize = 26;
pub const NO_PLAN: usize = 29;
/// HNB income by line follows, in `finance::INCOME_LINES` order.
pub const INCOME_BY_LINE: usize = 30;
/// HNB expenditure by line follows, in `finance::EXPENDITURE_LINES` order.
pub const EXPENDITURE_BY_LINE: usize = 33;
/// Plans by age group follow, in `model::AGE_BANDS` order.
pub const EHCPS_BY_AGE: usize = 39;
/// Plans issued more than 52 weeks after the request.
pub const PLANS_OVER_52W: usize = 44;
/// Advice returned, and returned within 6 weeks of being asked.
pub const ADVICE_DONE: usize = 45;
pub const ADVICE_6W: usize = 46;
pub const N_SERIES: usize = 47;

/// The series that are flows, summed over the month.
pub const FLOWS: [usize; 13] = [
    REQUESTS,
    DECISIONS,
    DECISIONS_6W,
    REFUSALS,
    NEW_PLANS,
    PLANS_20W,
    WEEKS_TO_PLAN,
    CEASED,
    MIGRATION,
    NO_PLAN,
    PLANS_OVER_52W,
    ADVICE_DONE,
    ADVICE_6W,
];
