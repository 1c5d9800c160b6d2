//! High-needs block money by month: income with growth, cost per placement with inflation,
//! other high-needs lines, interventions; cumulative DSG balance; General Fund service cost.

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
const PLACE: usize = 0;
const OTHER_EXP: usize = 5;

/// The line each setting's top-up (its cost less the place element) falls in. The model
/// does not split mainstream or resourced plans between maintained schools and academies, so
/// all their top-ups are reported under 1.2.1 and 1.2.2 holds academy special schools and
/// colleges (post-16) only; the `other` setting (education otherwise than at school) is no
/// school's line.
const TOPUP_LINE: [usize; N_SETTINGS] = [1, 1, 1, 2, 3, 4, 2, OTHER_EXP];

pub struct Month {
    pub income: f64,
    pub expenditure: f64,
    pub cumulative: f64,
    pub service_cost: f64,
    /// `income` by `INCOME_LINES`; they add up to it.
    pub income_lines: [f64; 3],
    /// `expenditure` by `EXPENDITURE_LINES`; they add up to it.
    pub expenditure_lines: [f64; 6],
}

/// Year-indexed amounts built once per trajectory.
pub struct Finance {
    income: Vec<f64>,
    other_exp: Vec<f64>,
    cost: Vec<[f64; N_SETTINGS]>,
    transport: Vec<f64>,
    cumulative: f64,
}

impl Finance {
    pub fn new(model: &Model, d: &Draw) -> Finance {
        let f = &model.finance;
        let n = model.clock.n_fy;
        let (mut inc, mut oth) = (d.year(f.hnb_income, 0), d.year(f.other_expenditure, 0));
        let mut cost = f.cost_per_plan.map(|id| d.get(id));
        let mut trans = f
            .transport
            .as_ref()
            .map_or(0.0, |t| d.get(t.cost_per_pupil));
        let mut out = Finance {
            income: Vec::with_capacity(n),
            other_exp: Vec::with_capacity(n),
            cost: Vec::with_capacity(n),
            transport: Vec::with_capacity(n),
            cumulative: d.get(f.opening_balance),
        };
        for y in 0..n {
            if y > 0 {
                inc *= 1.0 + d.year(f.income_growth, y);
                oth *= 1.0 + d.year(f.other_expenditure_growth, y);
                for (s, c) in cost.iter_mut().enumerate() {
                    *c *= 1.0 + d.year(f.inflation[s], y);
                }
                if let Some(t) = &f.transport {
                    trans *= 1.0 + d.year(t.inflation, y);
                }
            }
            out.income.push(inc);
            out.other_exp.push(oth);
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
        let mut income = (self.income[fy] + d.year(f.other_income, fy)) / 12.0;
        // Each line is built from its own parts rather than as what is left of the total, so a
        // line with nothing in it is 0, not a rounding residue that shows as (£0) in red.
        let mut income_lines = [0.0; 3];
        income_lines[ALLOCATION] = self.income[fy] / 12.0;
        income_lines[OTHER_INC] = d.year(f.other_income, fy) / 12.0;
        let mut expenditure = self.other_exp[fy] / 12.0;
        let mut lines = [0.0; 6];
        lines[OTHER_EXP] = expenditure;
        for s in 0..N_SETTINGS {
            let cost = cl.by_setting[s] * self.cost[fy][s] / 12.0;
            expenditure += cost;
            // The place element cannot exceed what a plan costs.
            let place_value = d
                .year(f.place_funding[s], fy)
                .min(self.cost[fy][s])
                .max(0.0);
            let place = cl.by_setting[s] * place_value / 12.0;
            lines[PLACE] += place;
            lines[TOPUP_LINE[s]] += cost - place;
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
