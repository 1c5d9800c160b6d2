//! High-needs block money by month: income with growth, cost per placement with inflation,
//! other high-needs lines, interventions; cumulative DSG balance; General Fund service cost.

use super::caseload::Caseload;
use super::draw::Draw;
use super::staffing::Staffing;
use crate::model::{Intervention, Model, N_SETTINGS};

pub struct Month {
    pub income: f64,
    pub expenditure: f64,
    pub cumulative: f64,
    pub service_cost: f64,
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
        let mut expenditure = self.other_exp[fy] / 12.0;
        for s in 0..N_SETTINGS {
            expenditure += cl.by_setting[s] * self.cost[fy][s] / 12.0;
        }
        for iv in &model.interventions {
            match iv.kind {
                Intervention::Funding {
                    from,
                    until,
                    amount_per_year,
                } if m >= from && m < until => {
                    income += d.year(amount_per_year, fy) / 12.0;
                }
                Intervention::Saving {
                    from,
                    until,
                    amount_per_year,
                } if m >= from && m < until => {
                    expenditure -= d.year(amount_per_year, fy) / 12.0;
                }
                _ => {}
            }
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
        }
    }
}
