//! What SEN2 does not hold, from national defaults (BRIEF.md): open cases at the start, staff
//! sized to the starting workload, and high-needs income a plan.

use crate::sen2::Sen2;

/// Open requests and assessments at the start, by stage and age in weeks, in steady state for
/// the request rate and the share of plans issued in 20 weeks; scaled to the open count the
/// authority reported when there is one.
pub(super) fn pipeline(
    requests: f64,
    agreed: f64,
    p20: f64,
    reported: Option<f64>,
) -> Vec<(&'static str, f64, u32, u32)> {
    let wk = |x: f64| x / 52.0;
    let late = 1.0 - p20.clamp(0.0, 1.0);
    let mut v = vec![
        ("decision", wk(requests) * 4.0, 0, 6),
        ("advice", wk(agreed) * 8.0, 6, 14),
        ("drafting", wk(agreed) * 6.0, 14, 20),
        ("advice", wk(agreed) * late * 12.0, 21, 45),
        ("drafting", wk(agreed) * late * 12.0, 21, 45),
    ];
    if let Some(r) = reported {
        let assess: f64 = v[1..].iter().map(|c| c.1).sum();
        if assess > 0.0 && r > 0.0 {
            let k = (r / assess).clamp(0.25, 4.0);
            v[1..].iter_mut().for_each(|c| c.1 *= k);
        }
    }
    v.iter_mut().for_each(|c| c.1 = c.1.round());
    v.retain(|c| c.1 > 0.0);
    v
}

/// The statutory process where the authority's own is not known [U]: minimum elapsed weeks,
/// mean random extra weeks and weeks of work on an empty desk by stage (decision, advice,
/// drafting), each stage's weight on a shared desk and the share of finished cases that are
/// the oldest. BCP's model (models/bcp.toml) uses the same; `calibrate` fits the decision's
/// weight and the oldest-first share, and the capacity, to each authority's record.
pub const PROCESS: ProcessCard = ProcessCard {
    min_weeks: [3, 2, 5],
    extra_weeks: [1.0, 0.5, 1.0],
    work_weeks: [0.25, 0.4, 0.4],
    priority: [2.0, 1.0, 1.0],
    oldest_first: 0.8,
};

pub struct ProcessCard {
    pub min_weeks: [i32; 3],
    pub extra_weeks: [f64; 3],
    pub work_weeks: [f64; 3],
    pub priority: [f64; 3],
    pub oldest_first: f64,
}

/// Hours a case needs by stage (decision, advice, drafting) and role (EP, case officer,
/// manager), from `HOURS`.
pub fn need() -> [[f64; 3]; 3] {
    let h = &HOURS;
    [
        [0.0, h.decision_co, h.decision_mgr],
        [h.advice_ep, 0.0, 0.0],
        [0.0, h.drafting_co, h.drafting_mgr],
    ]
}

/// Statutory hours a week by role that a year's requests, requests agreed and plans need, case
/// officers' including the share they keep for annual reviews.
pub fn workload_hours(requests: f64, agreed: f64, plans: f64) -> [f64; 3] {
    let need = need();
    let per_week = [requests, agreed, plans].map(|n| n / crate::calendar::WEEKS_PER_YEAR);
    let mut out = [0.0; 3];
    for (r, o) in out.iter_mut().enumerate() {
        *o = (0..3).map(|s| per_week[s] * need[s][r]).sum();
    }
    out[1] /= 1.0 - HOURS.review_reserved;
    out
}

/// Statutory hours over the starting workload: staff are sized to it, and the fitted
/// `capacity_factor` (how much casework those hours get done, `calibrate::fit`) says how far
/// the authority's own record puts it above or below.
pub(super) const CAPACITY_RATIO: f64 = 1.0;

/// Share of posts vacant or filled by new starters still ramping up, in steady state, for the
/// default attrition, recruitment lag and fill rate of each role (EP, case officer, manager).
pub const STAFF_DEFAULTS: [(f64, f64, f64); 3] =
    [(0.12, 4.0, 0.5), (0.18, 3.0, 0.7), (0.10, 4.0, 0.6)];

/// Share of a role's posts lost to vacancies and ramp-up: attrition x (months to fill +
/// half the 3-month ramp) / 12.
pub fn vacancy_share(attrition: f64, months: f64, fill: f64) -> f64 {
    let t = months / fill + 1.5;
    attrition * t / 12.0 / (1.0 + attrition * t / 12.0)
}

/// Default hours a case by role (BRIEF §6) and share of time on statutory work.
pub const HOURS: HoursCard = HoursCard {
    decision_co: 2.0,
    decision_mgr: 1.5,
    advice_ep: 17.4,
    drafting_co: 9.3,
    drafting_mgr: 8.4,
    ep_share: 0.6,
    co_share: 0.85,
    mgr_share: 0.75,
    review_reserved: 0.45,
    hours_per_week: 37.0,
};

pub struct HoursCard {
    pub decision_co: f64,
    pub decision_mgr: f64,
    pub advice_ep: f64,
    pub drafting_co: f64,
    pub drafting_mgr: f64,
    pub ep_share: f64,
    pub co_share: f64,
    pub mgr_share: f64,
    pub review_reserved: f64,
    pub hours_per_week: f64,
}

/// FTE by role (EP, case officer, manager) whose statutory hours, net of vacancies and
/// ramp-up, are `ratio` times the yearly workload.
pub(super) fn staff_fte(requests: f64, agreed: f64, conversion: f64, ratio: f64) -> [f64; 3] {
    let h = &HOURS;
    let hours = workload_hours(requests, agreed, agreed * conversion);
    let share = [h.ep_share, h.co_share, h.mgr_share];
    let mut out = [0.0; 3];
    for (r, (a, m, f)) in STAFF_DEFAULTS.into_iter().enumerate() {
        let fte = hours[r] / (h.hours_per_week * share[r]);
        out[r] = (fte * ratio / (1.0 - vacancy_share(a, m, f)) * 10.0).ceil() / 10.0;
    }
    out
}

/// High-needs block, England, £m, by the year a financial year starts (BRIEF §3).
const ENGLAND_HNB: [(i32, f64); 10] = [
    (2015, 5247.0),
    (2017, 5827.0),
    (2019, 6279.0),
    (2020, 7063.0),
    (2021, 7906.0),
    (2022, 9100.0),
    (2023, 10100.0),
    (2024, 10500.0),
    (2025, 11900.0),
    (2026, 12000.0),
];

/// England's high-needs block a plan in the financial year that holds January `origin`.
pub(super) fn hnb_per_plan(sen2: &Sen2, origin: i32) -> f64 {
    let fy = origin - 1;
    let hnb = ENGLAND_HNB
        .iter()
        .min_by_key(|(y, _)| (y - fy).abs())
        .map_or(10_000.0, |x| x.1);
    let plans = sen2
        .england
        .census
        .range(..=origin)
        .rev()
        .find_map(|(_, c)| c.total)
        .unwrap_or(500_000.0);
    (hnb * 1e6 / plans / 100.0).round() * 100.0
}
