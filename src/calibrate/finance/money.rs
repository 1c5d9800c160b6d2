//! A base year's high-needs money as a model holds it (cost and place element a plan, the
//! academies' share of top-ups, spending not per plan, income), fitted to a year's lines by
//! the engine's own formula; the base year's average plans, and the balance at the start
//! that the months to the base year's end carry to its closing balance.

use crate::calendar::YearMonth;
use crate::engine::finance::{
    add_plan_lines, N_EXPENDITURE_LINES, N_INCOME_LINES, OTHER_EXP, SPLIT_SETTINGS, TOPUP_LINE,
};
use crate::model::{Model, N_SETTINGS, PLACE_FUNDING_DEFAULT};
use crate::outturn::N_LINES;
use crate::sen2::Area;

/// Cost to the high-needs block a plan a year by setting, place plus top-up (BRIEF §3's
/// table): the prices the national lines are fitted from.
pub const BRIEF_COST: [f64; N_SETTINGS] = [
    8700.0, 15000.0, 26000.0, 26000.0, 64000.0, 22000.0, 12000.0, 18000.0,
];
/// Share of mainstream and resourced plans in academies and free schools before fitting
/// [U: about half of mainstream pupils are in academies]; the fit moves it to the share of
/// top-up money the 1.2.1 and 1.2.2 lines imply.
const ACADEMY_PRIOR: f64 = 0.5;
/// A line more than this many times what its plans cost at the prior's prices is not about
/// plans alone (AP for pupils without plans, say): its plans are priced at this many times,
/// the rest is spending not per plan [U].
pub const MAX_FACTOR: f64 = 4.0;

/// A base year's high-needs money as a model's `[finance]` holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Money {
    /// Cost a plan a year by setting, place element included.
    pub cost: [f64; N_SETTINGS],
    /// Place element a plan by setting (1.0.2).
    pub place: [f64; N_SETTINGS],
    /// Share of mainstream and resourced top-up money paid to academies (1.2.2).
    pub academy: [f64; 2],
    /// Spending not per plan by expenditure line; the last (`other`) is `other_expenditure`.
    pub not_per_plan: [f64; N_EXPENDITURE_LINES],
    /// Allocation, transfers, other income.
    pub income: [f64; N_INCOME_LINES],
}

impl Money {
    /// BRIEF §3's prices with no income, mainstream and resourced plans in academies in the
    /// shares `academy_plans` (half each without them [U]): what the national lines are
    /// fitted from.
    pub fn brief(academy_plans: Option<[f64; 2]>) -> Money {
        Money {
            cost: BRIEF_COST,
            place: PLACE_FUNDING_DEFAULT,
            academy: academy_plans.unwrap_or([ACADEMY_PRIOR; 2]),
            not_per_plan: [0.0; N_EXPENDITURE_LINES],
            income: [0.0; N_INCOME_LINES],
        }
    }

    /// Spending on `plans` (a year's average, by setting) by expenditure line, by the
    /// engine's own formula.
    fn on_plans(&self, plans: &[f64; N_SETTINGS]) -> [f64; N_EXPENDITURE_LINES] {
        let mut lines = [0.0; N_EXPENDITURE_LINES];
        let mut total = 0.0;
        add_plan_lines(
            &mut lines,
            &mut total,
            plans,
            &self.cost,
            &self.place,
            Some(self.academy),
            1.0,
        );
        lines
    }

    /// A year's lines for `plans`: income lines, then expenditure lines.
    pub fn lines(&self, plans: &[f64; N_SETTINGS]) -> [f64; N_LINES] {
        let mut out = [0.0; N_LINES];
        out[..N_INCOME_LINES].copy_from_slice(&self.income);
        for (l, x) in self.on_plans(plans).iter().enumerate() {
            out[N_INCOME_LINES + l] = x + self.not_per_plan[l];
        }
        out
    }

    /// The money whose lines for `plans` are `target`: income as given; each expenditure
    /// line's parts (place elements, top-ups, spending not per plan) scaled together, up to
    /// `MAX_FACTOR` for the plans' part, the rest not per plan.
    pub fn fit(&self, plans: &[f64; N_SETTINGS], target: &[f64; N_LINES]) -> Money {
        let on_plans = self.on_plans(plans);
        let mut factor = [1.0; N_EXPENDITURE_LINES];
        let mut not_per_plan = self.not_per_plan;
        for l in 0..N_EXPENDITURE_LINES {
            let want = target[N_INCOME_LINES + l];
            let (pp, np) = (on_plans[l], self.not_per_plan[l]);
            if pp + np <= 0.0 {
                not_per_plan[l] = want;
                continue;
            }
            let g = want / (pp + np);
            if pp > 0.0 && g > MAX_FACTOR {
                factor[l] = MAX_FACTOR;
                not_per_plan[l] = want - MAX_FACTOR * pp;
            } else {
                factor[l] = g;
                not_per_plan[l] = np * g;
            }
        }
        let mut out = self.clone();
        for s in 0..N_SETTINGS {
            let place = self.place[s].min(self.cost[s]).max(0.0);
            let topup = self.cost[s] - place;
            out.place[s] = place * factor[0];
            let new_topup = match SPLIT_SETTINGS.iter().position(|&x| x == s) {
                Some(i) => {
                    let a = self.academy[i];
                    let (m, ac) = (topup * (1.0 - a) * factor[1], topup * a * factor[2]);
                    if m + ac > 0.0 {
                        out.academy[i] = ac / (m + ac);
                    }
                    m + ac
                }
                None => topup * factor[TOPUP_LINE[s]],
            };
            out.cost[s] = out.place[s] + new_topup;
        }
        out.not_per_plan = not_per_plan;
        out.income.copy_from_slice(&target[..N_INCOME_LINES]);
        out
    }

    /// The same prices for an authority whose mainstream and resourced plans are in
    /// academies in the shares `to` rather than `from` (the shares these prices were fitted
    /// at): each line's top-up a plan as it is, the blend and the money share moved.
    pub fn with_academy_plans(&self, from: [f64; 2], to: [f64; 2]) -> Money {
        let mut out = self.clone();
        for (i, &s) in SPLIT_SETTINGS.iter().enumerate() {
            let (a, b, m) = (from[i], to[i].clamp(0.0, 1.0), self.academy[i]);
            if !(a > 0.0 && a < 1.0 && m > 0.0 && m < 1.0) {
                continue;
            }
            // Top-up a plan in an academy against one in a maintained school.
            let r = m * (1.0 - a) / (a * (1.0 - m));
            let place = self.place[s].min(self.cost[s]).max(0.0);
            let topup = self.cost[s] - place;
            let q = ((1.0 - b) + b * r) / ((1.0 - a) + a * r);
            out.cost[s] = place + topup * q;
            out.academy[i] = b * r / ((1.0 - b) + b * r);
        }
        out
    }

    /// Income and spending not per plan times `k`; prices a plan as they are.
    pub fn scaled(&self, k: f64) -> Money {
        Money {
            not_per_plan: self.not_per_plan.map(|x| x * k),
            income: self.income.map(|x| x * k),
            ..self.clone()
        }
    }

    /// Spending a year on `plans` at these prices.
    pub fn plan_cost(&self, plans: &[f64; N_SETTINGS]) -> f64 {
        plans.iter().zip(&self.cost).map(|(n, c)| n * c).sum()
    }
}

/// Months from the middle of financial year `fy` (mid-October, the average of its
/// month-end caseloads) to the first day of `start`.
fn lead_months(start: YearMonth, fy: i32) -> f64 {
    (start.index() - YearMonth::new(fy, 10).index()) as f64 - 0.5
}

/// Plans by setting on average over base year `fy` for a model starting in `start` with
/// `plans`, the total growing by the factor `growth` a year.
pub fn base_plans(
    plans: &[f64; N_SETTINGS],
    growth: f64,
    start: YearMonth,
    fy: i32,
) -> [f64; N_SETTINGS] {
    let k = growth.powf(-lead_months(start, fy) / 12.0);
    plans.map(|x| x * k)
}

/// The balance at the start that reaches `closing` on 31 March of base year `fy`: the
/// months from the start to then spend as the base year did (`base` plans at its money).
pub fn opening(
    money: &Money,
    base: &[f64; N_SETTINGS],
    start: YearMonth,
    fy: i32,
    closing: f64,
) -> f64 {
    let months = (YearMonth::new(fy + 1, 3).index() - start.index() + 1).max(0);
    let l = money.lines(base);
    let gap = l[..N_INCOME_LINES].iter().sum::<f64>() - l[N_INCOME_LINES..].iter().sum::<f64>();
    closing - gap * months as f64 / 12.0
}

/// Growth of the total of plans over the year to the census `origin` (1 without two).
pub fn census_growth(area: &Area, origin: i32) -> f64 {
    let total = |y: i32| {
        area.census
            .get(&y)
            .and_then(|c| c.total)
            .filter(|t| *t > 0.0)
    };
    match (total(origin), total(origin - 1)) {
        (Some(a), Some(b)) => (a / b).clamp(0.7, 1.5),
        _ => 1.0,
    }
}

/// A compiled model's money at its own base year, each input at its median.
pub fn model_medians(model: &Model) -> Money {
    let f = &model.finance;
    let v = |id: crate::model::ParamId| model.params.median(id);
    let mut np = [0.0; N_EXPENDITURE_LINES];
    if let Some(ids) = f.not_per_plan {
        for (l, id) in ids.iter().enumerate() {
            np[l] = v(*id);
        }
    }
    np[OTHER_EXP] = v(f.other_expenditure);
    Money {
        cost: f.cost_per_plan.map(v),
        place: f.place_funding.map(v),
        academy: f.academy_share.map_or([0.0; 2], |a| a.map(v)),
        not_per_plan: np,
        income: [
            v(f.hnb_income),
            f.transfers.map_or(0.0, v),
            v(f.other_income),
        ],
    }
}

/// The base year's lines as a compiled model computes them for `plans`, each input at its
/// median: what `calibrate` and `finance` check against the recorded ones.
pub fn modelled_base_year(model: &Model, plans: &[f64; N_SETTINGS]) -> [f64; N_LINES] {
    model_medians(model).lines(plans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fit_reproduces_its_target() {
        let plans = [1000.0, 100.0, 200.0, 150.0, 60.0, 0.0, 300.0, 100.0];
        let prior = Money::brief(None);
        let mut target = prior.lines(&plans);
        target[0] = 20e6;
        target[3] *= 1.3; // place funding
        target[4] *= 0.8; // maintained top-ups
        target[5] *= 1.2; // academies
        target[7] = 2e6; // AP with no AP plans: all not per plan
        target[6] *= 9.0; // independent far above its plans: capped at 4x
        let fitted = prior.fit(&plans, &target);
        let got = fitted.lines(&plans);
        for (g, t) in got.iter().zip(&target) {
            assert!(
                (g - t).abs() <= 1e-6 * t.abs().max(1.0),
                "{got:?} vs {target:?}"
            );
        }
        assert_eq!(fitted.not_per_plan[4], 2e6);
        assert!((fitted.cost[4] - 4.0 * 64000.0).abs() < 1e-6);
        assert!(fitted.academy[0] > 0.5);
        // Scaling keeps prices and scales the rest.
        let s = fitted.scaled(0.5);
        assert_eq!(s.cost, fitted.cost);
        assert_eq!(s.income[0], 10e6);
        // Moving the academies' share of plans keeps each kind of school's top-up a plan.
        let moved = fitted.with_academy_plans([0.5; 2], [0.8; 2]);
        let back = moved.with_academy_plans([0.8; 2], [0.5; 2]);
        assert!((back.cost[0] - fitted.cost[0]).abs() < 1e-6);
        assert!(moved.academy[0] > fitted.academy[0]);
    }

    #[test]
    fn the_base_year_is_averaged_and_the_balance_carried_back_to_the_start() {
        let start = YearMonth::new(2025, 1);
        let b = base_plans(&[1000.0; N_SETTINGS], 1.1, start, 2024);
        assert!((b[0] - 1000.0 * 1.1f64.powf(-2.5 / 12.0)).abs() < 1e-9);
        // An April start: the base year is over, nothing to carry back.
        let m = Money::brief(None);
        assert_eq!(opening(&m, &b, YearMonth::new(2025, 4), 2024, -5e6), -5e6);
        // A January start: three months of the base year's spending (no income) taken back off.
        let o = opening(&m, &b, start, 2024, -5e6);
        let spend: f64 = m.lines(&b)[N_INCOME_LINES..].iter().sum();
        assert!((o - (-5e6 + 0.25 * spend)).abs() < 1e-6);
    }
}
