//! High-needs block money by month: income with growth and known allocations, cost per
//! placement with inflation, spending not tied to plans, interventions; cumulative DSG
//! balance; General Fund service cost.

use super::caseload::Caseload;
use super::draw::Draw;
use super::staffing::Staffing;
use crate::model::{FundingLine, Intervention, Model, N_SETTINGS};

/// Lines of HNB income as the DSG management plan's financial summary shows them.
pub const INCOME_LINES: [&str; 3] = ["allocation", "transfers", "other"];
const ALLOCATION: usize = 0;
const TRANSFERS: usize = 1;
const OTHER_INC: usize = 2;

/// Lines of HNB expenditure (section 251 budget lines): 1.0.2 place funding; 1.2.1 top-ups to
/// maintained schools; 1.2.2 top-ups to academies, free schools and colleges; 1.2.3
/// independent and non-maintained providers; 1.2.7 alternative provision; everything else.
pub const EXPENDITURE_LINES: [&str; 6] = [
    "place_funding",
    "topups_maintained",
    "topups_academies_colleges",
    "independent",
    "alternative_provision",
    "other",
];
pub const N_INCOME_LINES: usize = INCOME_LINES.len();
pub const N_EXPENDITURE_LINES: usize = EXPENDITURE_LINES.len();
const PLACE: usize = 0;
const MAINTAINED: usize = 1;
const ACADEMIES: usize = 2;
/// The `other` line: `other_expenditure`, the `other` setting's plans and savings.
pub const OTHER_EXP: usize = 5;

/// The line each setting's top-up (its cost less the place element) falls in. Mainstream and
/// resourced top-ups are split between maintained schools (1.2.1) and academies (1.2.2) by
/// `[finance.academy_share]` (all 1.2.1 without it); the `other` setting (education
/// otherwise than at school) is no school's line.
pub const TOPUP_LINE: [usize; N_SETTINGS] = [1, 1, 1, 2, 3, 4, 2, OTHER_EXP];
/// Settings whose top-ups `[finance.academy_share]` splits: mainstream and resourced.
pub const SPLIT_SETTINGS: [usize; 2] = [0, 1];

pub struct Month {
    pub income: f64,
    pub expenditure: f64,
    pub cumulative: f64,
    pub service_cost: f64,
    /// `income` by `INCOME_LINES`; they add up to it.
    pub income_lines: [f64; N_INCOME_LINES],
    /// `expenditure` by `EXPENDITURE_LINES`; they add up to it.
    pub expenditure_lines: [f64; N_EXPENDITURE_LINES],
}

/// Add spending on plans over a period to `lines` and `total`: `plans` by setting at `cost` a
/// plan a year, of which the place element `place` (capped at the cost, 1.0.2), the rest a
/// top-up in the setting's line, mainstream and resourced top-ups split by `academy` (share
/// to 1.2.2); `per` is 12 for a month, 1 for a year.
pub fn add_plan_lines(
    lines: &mut [f64; N_EXPENDITURE_LINES],
    total: &mut f64,
    plans: &[f64; N_SETTINGS],
    cost: &[f64; N_SETTINGS],
    place: &[f64; N_SETTINGS],
    academy: Option<[f64; 2]>,
    per: f64,
) {
    for s in 0..N_SETTINGS {
        let spend = plans[s] * cost[s] / per;
        *total += spend;
        // The place element cannot exceed what a plan costs.
        let p = plans[s] * place[s].min(cost[s]).max(0.0) / per;
        lines[PLACE] += p;
        let topup = spend - p;
        match (academy, SPLIT_SETTINGS.iter().position(|&x| x == s)) {
            (Some(a), Some(i)) => {
                lines[MAINTAINED] += topup * (1.0 - a[i]);
                lines[ACADEMIES] += topup * a[i];
            }
            _ => lines[TOPUP_LINE[s]] += topup,
        }
    }
}

/// Year-indexed amounts built once per trajectory.
#[derive(Debug, Clone)]
pub struct Finance {
    income: Vec<f64>,
    other_exp: Vec<f64>,
    /// Spending not tied to plans on the lines before `other`, by year.
    not_per_plan: Vec<[f64; OTHER_EXP]>,
    cost: Vec<[f64; N_SETTINGS]>,
    transport: Vec<f64>,
    academy: Option<[f64; 2]>,
    /// Plans the first year's months spend for, when it is the recorded base year.
    base_plans: Option<[f64; N_SETTINGS]>,
    cumulative: f64,
}

impl Finance {
    /// Amounts for each simulated year, grown from the base year's (`base_offset` years
    /// before the first simulated one); a known allocation replaces the grown one.
    pub fn new(model: &Model, d: &Draw) -> Finance {
        let f = &model.finance;
        let n = model.clock.n_fy;
        let (mut inc, mut oth) = (d.year(f.hnb_income, 0), d.year(f.other_expenditure, 0));
        let mut np = f
            .not_per_plan
            .map_or([0.0; OTHER_EXP], |ids| ids.map(|id| d.year(id, 0)));
        let mut cost = f.cost_per_plan.map(|id| d.get(id));
        let mut trans = f
            .transport
            .as_ref()
            .map_or(0.0, |t| d.get(t.cost_per_pupil));
        let mut out = Finance {
            income: Vec::with_capacity(n),
            other_exp: Vec::with_capacity(n),
            not_per_plan: Vec::with_capacity(n),
            cost: Vec::with_capacity(n),
            transport: Vec::with_capacity(n),
            academy: f.academy_share.map(|ids| ids.map(|id| d.get(id))),
            base_plans: f.base_year_plans.map(|ids| ids.map(|id| d.get(id))),
            cumulative: d.get(f.opening_balance),
        };
        for step in 0..n + f.base_offset {
            // Financial year from the first simulated one (-1 for a base year before it).
            let y = step as i64 - f.base_offset as i64;
            let yu = y.max(0) as usize;
            if step > 0 {
                inc *= 1.0 + d.year(f.income_growth, yu);
                let g = 1.0 + d.year(f.other_expenditure_growth, yu);
                oth *= g;
                np.iter_mut().for_each(|x| *x *= g);
                for (s, c) in cost.iter_mut().enumerate() {
                    *c *= 1.0 + d.year(f.inflation[s], yu);
                }
            }
            if let Some(&(_, id)) = f.allocation.iter().find(|(fy, _)| *fy as i64 == y) {
                inc = d.get(id);
            }
            if y < 0 {
                continue;
            }
            if y > 0 {
                if let Some(t) = &f.transport {
                    trans *= 1.0 + d.year(t.inflation, yu);
                }
            }
            out.income.push(inc);
            out.other_exp.push(oth);
            out.not_per_plan.push(np);
            out.cost.push(cost);
            out.transport.push(trans);
        }
        out
    }

    /// Money for month `m` (financial year `fy`), from end-of-month plans and staffing.
    pub fn month(
        &mut self,
        model: &Model,
        d: &Draw,
        m: usize,
        fy: usize,
        cl: &Caseload,
        staff: &Staffing,
    ) -> Month {
        let f = &model.finance;
        let received = self.income[fy] + d.year(f.other_income, fy);
        let mut income = match f.transfers {
            None => received / 12.0,
            Some(t) => (received + d.year(t, fy)) / 12.0,
        };
        // Each line is built from its own parts rather than as what is left of the total, so a
        // line with nothing in it is 0, not a rounding residue that shows as (£0) in red.
        let mut income_lines = [0.0; N_INCOME_LINES];
        income_lines[ALLOCATION] = self.income[fy] / 12.0;
        income_lines[OTHER_INC] = d.year(f.other_income, fy) / 12.0;
        if let Some(t) = f.transfers {
            income_lines[TRANSFERS] = d.year(t, fy) / 12.0;
        }
        let place: [f64; N_SETTINGS] = std::array::from_fn(|s| d.year(f.place_funding[s], fy));
        let mut expenditure = self.other_exp[fy] / 12.0;
        let mut lines = [0.0; N_EXPENDITURE_LINES];
        lines[OTHER_EXP] = expenditure;
        // The recorded base year's months spend as it did, whatever their caseload.
        let plans = match (fy, &self.base_plans) {
            (0, Some(b)) => b,
            _ => &cl.by_setting,
        };
        add_plan_lines(
            &mut lines,
            &mut expenditure,
            plans,
            &self.cost[fy],
            &place,
            self.academy,
            12.0,
        );
        if f.not_per_plan.is_some() {
            for (l, x) in self.not_per_plan[fy].iter().enumerate() {
                lines[l] += x / 12.0;
                expenditure += x / 12.0;
            }
        }
        for iv in &model.interventions {
            match iv.kind {
                Intervention::Funding {
                    from,
                    until,
                    amount_per_year,
                    line,
                } if m >= from && m < until => {
                    let amount = d.year(amount_per_year, fy) / 12.0;
                    income += amount;
                    let i = match line {
                        FundingLine::Transfer => TRANSFERS,
                        FundingLine::Other => OTHER_INC,
                    };
                    income_lines[i] += amount;
                }
                Intervention::Saving {
                    from,
                    until,
                    amount_per_year,
                } if m >= from && m < until => {
                    let amount = d.year(amount_per_year, fy) / 12.0;
                    expenditure -= amount;
                    lines[OTHER_EXP] -= amount;
                }
                _ => {}
            }
        }
        if expenditure < 0.0 {
            // Savings beyond all spending: the total is floored at zero, and the other line,
            // which holds the savings, takes up the difference.
            lines[OTHER_EXP] = -lines[..OTHER_EXP].iter().sum::<f64>();
        }
        let expenditure = expenditure.max(0.0);
        self.cumulative += income - expenditure;
        let mut service_cost: f64 = staff.roles.iter().map(|r| r.monthly_cost).sum();
        for iv in &model.interventions {
            if let Intervention::Efficiency {
                from,
                cost_per_year,
                cost_until,
                ..
            } = iv.kind
            {
                if m >= from && m < cost_until {
                    service_cost += d.year(cost_per_year, fy) / 12.0;
                }
            }
        }
        if let Some(t) = &f.transport {
            service_cost += cl.total() * d.get(t.share) * self.transport[fy] / 12.0;
        }
        Month {
            income,
            expenditure,
            cumulative: self.cumulative,
            service_cost,
            income_lines,
            expenditure_lines: lines,
        }
    }
}
