//! High-needs money for a model: national defaults fitted to England's published figures
//! (`england_finance.csv`), scaled to an authority by what its plans cost at national
//! prices, or the authority's own recorded base year (`--finance`), fitted so the modelled
//! base year reproduces each line, with the opening balance carried on from the recorded one.

use crate::calendar::{fy_label, YearMonth};
use crate::engine::finance::{
    add_plan_lines, N_EXPENDITURE_LINES, N_INCOME_LINES, OTHER_EXP, SPLIT_SETTINGS, TOPUP_LINE,
};
use crate::error::InputResult;
use crate::model::{Model, N_SETTINGS, PLACE_FUNDING_DEFAULT};
use crate::outturn::base::{self, BaseYear};
use crate::outturn::file::Outturn;
use crate::outturn::{Metric, N_LINES};
use crate::sen2::{Area, Sen2};
use std::path::Path;

/// England's published high-needs figures, under the finance file's names, with sources.
pub const ENGLAND_FILE: &str = include_str!("england_finance.csv");
/// The year of `ENGLAND_FILE` with every line: the national defaults' reference.
const ENGLAND_REFERENCE_YEAR: i32 = 2024;

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
    /// BRIEF §3's prices with no income: what the national lines are fitted from.
    pub fn brief() -> Money {
        Money {
            cost: BRIEF_COST,
            place: PLACE_FUNDING_DEFAULT,
            academy: [ACADEMY_PRIOR; 2],
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

    /// Income and spending not per plan times `k`; prices a plan as they are.
    pub fn scaled(&self, k: f64) -> Money {
        Money {
            not_per_plan: self.not_per_plan.map(|x| x * k),
            income: self.income.map(|x| x * k),
            ..self.clone()
        }
    }

    /// Spending a year on `plans` at these prices.
    fn plan_cost(&self, plans: &[f64; N_SETTINGS]) -> f64 {
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

/// The balance at the start that reaches `closing` on 31 March of base year `fy`, the
/// months from the start to then at the base year's money with plans growing by `growth`.
pub fn opening(
    money: &Money,
    base: &[f64; N_SETTINGS],
    growth: f64,
    start: YearMonth,
    fy: i32,
    closing: f64,
) -> f64 {
    let months = YearMonth::new(fy + 1, 3).index() - start.index() + 1;
    let lead = lead_months(start, fy);
    let mut balance = closing;
    for m in 0..months.max(0) {
        let t = lead + m as f64 + 1.0;
        let plans = base.map(|x| x * growth.powf(t / 12.0));
        let l = money.lines(&plans);
        let gap = l[..N_INCOME_LINES].iter().sum::<f64>() - l[N_INCOME_LINES..].iter().sum::<f64>();
        balance -= gap / 12.0;
    }
    balance
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

/// A value recorded in a finance file, for `[history]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub metric: String,
    /// As `[history]` takes it: "2024-25", or "2025-03" for a balance at 31 March.
    pub period: String,
    pub value: f64,
    /// File and line, and the file's source text.
    pub note: String,
}

/// A model's high-needs money and where each part came from.
#[derive(Debug, Clone, PartialEq)]
pub struct FinanceCal {
    pub base_year: i32,
    /// Plans by setting on average over the base year.
    pub base_plans: [f64; N_SETTINGS],
    pub growth: f64,
    pub money: Money,
    /// The base year's lines the money reproduces (recorded, filled, or defaults).
    pub base: BaseYear,
    /// Cumulative balance at the start.
    pub opening: f64,
    /// Known allocations after the base year: (financial year, pounds, note).
    pub allocations: Vec<(i32, f64, String)>,
    /// Where each base-year line came from, `Metric::Line` order.
    pub line_notes: Vec<String>,
    pub closing_note: String,
    /// One line saying where the money came from.
    pub provenance: String,
    pub history: Vec<Recorded>,
}

impl FinanceCal {
    /// The finance metrics that are national defaults, not the authority's accounts.
    pub fn defaults(&self) -> Vec<String> {
        self.base.defaults()
    }
}

/// England's money in its base year: the national file fitted at England's plans.
struct National {
    money: Money,
    base: BaseYear,
    plans: [f64; N_SETTINGS],
    file: Outturn,
    /// Why the base year's lines are what they are, when scaled from the reference year.
    note: String,
}

fn england_file() -> Outturn {
    Outturn::parse(Path::new("src/calibrate/england_finance.csv"), ENGLAND_FILE)
        .expect("the national finance file reads")
}

/// Plans by setting at the January census `origin`, scaled to its total.
fn census_plans(area: &Area, origin: i32) -> Option<[f64; N_SETTINGS]> {
    let (_, s) = super::rates::nearest(&area.census, origin, i32::MIN, |c| c.by_setting)?;
    let total = area.census.get(&origin).and_then(|c| c.total)?;
    Some(super::rates::scale(s, total))
}

fn national(sen2: &Sen2, origin: i32, fy: i32) -> National {
    let file = england_file();
    let england = &sen2.england;
    let start = YearMonth::new(origin, 1);
    let plans = base_plans(
        &census_plans(england, origin).unwrap_or([0.0; N_SETTINGS]),
        census_growth(england, origin),
        start,
        fy,
    );
    let prior = Money::brief();
    let reference = |y: i32| {
        base::resolve(&file, y, &prior.lines(&plans), "the national figures")
            .expect("the national reference year resolves")
    };
    let (base, note) = if file.get(Metric::Cumulative, fy).is_some()
        && file.get(Metric::Expenditure, fy).is_some()
    {
        (reference(fy), String::new())
    } else {
        // Only the allocation is published for this year: the reference year's lines and
        // balance scaled to it.
        let mut b = reference(ENGLAND_REFERENCE_YEAR);
        let alloc = |y: i32| file.get(Metric::Line(0), y).map(|r| r.value);
        let k = match (alloc(fy), alloc(ENGLAND_REFERENCE_YEAR)) {
            (Some(a), Some(r)) if r > 0.0 => a / r,
            _ => 1.0,
        };
        b.fy = fy;
        b.lines = b.lines.map(|x| x * k);
        b.closing *= k;
        (
            b,
            format!(
                " ({} lines and balance scaled from {} by the allocations, x{k:.3})",
                fy_label(fy),
                fy_label(ENGLAND_REFERENCE_YEAR)
            ),
        )
    };
    National {
        money: prior.fit(&plans, &base.lines),
        base,
        plans,
        file,
        note,
    }
}

/// What the calibrated model's money is fitted to.
#[derive(Clone, Copy)]
pub enum Source<'a> {
    /// National defaults (England's own figures for England).
    Defaults,
    /// An authority's finance file.
    File(&'a Outturn),
}

/// Fit a model's high-needs money for `area` starting at the January census `origin`.
pub fn fit(
    sen2: &Sen2,
    area: &Area,
    origin: i32,
    horizon_years: usize,
    source: Source<'_>,
) -> InputResult<FinanceCal> {
    let start = YearMonth::new(origin, 1);
    let end = start.plus_months(horizon_years as i64 * 12);
    let fy = crate::outturn::base_year(start);
    let nat = national(sen2, origin, fy);
    let growth = census_growth(area, origin);
    let plans = base_plans(
        &census_plans(area, origin).unwrap_or([0.0; N_SETTINGS]),
        growth,
        start,
        fy,
    );
    let is_england = area.code == sen2.england.code;
    // An authority's defaults: England's money scaled by what its plans cost at national
    // prices against what England's do, so its gap is England's share of its income.
    let k = if is_england {
        1.0
    } else {
        let e = nat.money.plan_cost(&nat.plans);
        if e > 0.0 {
            nat.money.plan_cost(&plans) / e
        } else {
            0.0
        }
    };
    let prior = nat.money.scaled(k);
    let national_note = if is_england {
        "England's published figures (src/calibrate/england_finance.csv)".to_string()
    } else {
        format!(
            "national default: England's {} x {k:.5}, the cost of this authority's plans at national prices against England's",
            fy_label(fy)
        )
    };
    let file_note = |r: &crate::outturn::file::Record| {
        let src = if r.source.is_empty() {
            String::new()
        } else {
            format!(" {}", r.source)
        };
        format!("{}:{}{src}", r.loc.file.display(), r.loc.line)
    };
    let (base, notes_file, history) = match source {
        Source::Defaults => {
            let mut b = BaseYear::from_prior(fy, &prior.lines(&plans), nat.base.closing * k);
            if is_england {
                b.from_file = [true; N_LINES];
                b.closing_from_file = true;
            }
            let history = if is_england {
                recorded(&nat.file, start, end, &file_note)
            } else {
                Vec::new()
            };
            (b, is_england.then_some(&nat.file), history)
        }
        Source::File(o) => {
            let why = format!("the model starts in {}", month_name(start));
            let b = base::resolve(o, fy, &prior.lines(&plans), &why)?;
            (b, Some(o), recorded(o, start, end, &file_note))
        }
    };
    let money = prior.fit(&plans, &base.lines);
    let line_notes = (0..N_LINES)
        .map(
            |i| match notes_file.and_then(|o| o.get(Metric::Line(i), fy)) {
                Some(r) if base.from_file[i] => file_note(r),
                _ if base.from_file[i] => "what the file's totals leave for this line".to_string(),
                _ if notes_file.is_some() && !is_england => format!(
                    "not in the file: {}, scaled to the file's totals where it gives them",
                    national_note
                ),
                _ => national_note.clone() + &nat.note,
            },
        )
        .collect();
    let closing_note = match notes_file.and_then(|o| o.get(Metric::Cumulative, fy)) {
        Some(r) => file_note(r),
        None if base.closing_from_file => {
            "the year before's balance and the in-year balance in the file".to_string()
        }
        None => national_note.clone() + &nat.note,
    };
    // Known allocations after the base year: the file's, else the authority's base
    // allocation grown as England's published ones, up to the year starting at the census.
    let nat_alloc = |y: i32| nat.file.get(Metric::Line(0), y).map(|r| r.value);
    let mut allocations = Vec::new();
    let last_fy = end.plus_months(-1).fy_start_year();
    for y in fy + 1..=last_fy {
        let own = match source {
            Source::File(o) => o.get(Metric::Line(0), y),
            Source::Defaults => None,
        };
        if let Some(r) = own {
            allocations.push((y, r.value, file_note(r)));
        } else if y > origin {
            // Allocations are published the December before their year: later ones were
            // not known at the census the model starts from.
            continue;
        } else if let (Some(a), Some(b)) = (nat_alloc(y), nat_alloc(fy)) {
            if is_england {
                let r = nat.file.get(Metric::Line(0), y).expect("present");
                allocations.push((y, a, file_note(r)));
            } else if b > 0.0 {
                allocations.push((
                    y,
                    base.lines[0] * a / b,
                    format!(
                        "national default: the base year's allocation grown as England's, {} to {} (x{:.4})",
                        fy_label(fy),
                        fy_label(y),
                        a / b
                    ),
                ));
            }
        }
    }
    let provenance = match (source, is_england) {
        (Source::File(o), _) => format!(
            "Base year {} from {}{}",
            fy_label(fy),
            o.path.display(),
            if base.defaults().is_empty() {
                String::new()
            } else {
                format!(
                    "; national defaults, not this authority's accounts, for {}",
                    base.defaults().join(", ")
                )
            }
        ),
        (Source::Defaults, true) => format!(
            "Base year {}: England's published figures{}",
            fy_label(fy),
            nat.note
        ),
        (Source::Defaults, false) => format!(
            "Base year {}: national defaults, not this authority's accounts — England's money x {k:.5} (what this authority's plans cost at national prices against England's); replace with the authority's own outturn (calibrate --finance FILE.csv)",
            fy_label(fy)
        ),
    };
    let opening = opening(&money, &plans, growth, start, fy, base.closing);
    Ok(FinanceCal {
        base_year: fy,
        base_plans: plans,
        growth,
        money,
        base,
        opening,
        allocations,
        line_notes,
        closing_note,
        provenance,
        history,
    })
}

/// The `[finance]` keys a fit sets, before any sub-table: the base year, income, the
/// opening balance, spending not per plan and the defaults list, each with its source.
pub fn toml_scalars(f: &FinanceCal, start: YearMonth) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let m = &f.money;
    let _ = writeln!(s, "# {}.", f.provenance);
    let _ = writeln!(
        s,
        "# Amounts are for the base year, when this authority had {:.0} plans on average; recorded and modelled lines:",
        f.base_plans.iter().sum::<f64>()
    );
    let modelled = m.lines(&f.base_plans);
    for (i, (r, x)) in f.base.lines.iter().zip(modelled).enumerate() {
        let _ = writeln!(
            s,
            "#   {:<36} {:>16.0} {:>16.0}",
            Metric::Line(i).name(),
            r,
            x
        );
    }
    let _ = writeln!(s, "base_year = \"{}\"", fy_label(f.base_year));
    let _ = writeln!(s, "hnb_income = {:.0}   # {}", m.income[0], f.line_notes[0]);
    let _ = writeln!(s, "transfers = {:.0}   # a year from the base year on [U: a transfer needs approving each year]; {}", m.income[1], f.line_notes[1]);
    let _ = writeln!(
        s,
        "other_income = {:.0}   # a year from the base year on; {}",
        m.income[2], f.line_notes[2]
    );
    let _ = writeln!(
        s,
        "# The cumulative balance at 31 March {} is {:.0} ({}); at the start, {}, it is that less the months to then at the base year's money.",
        f.base_year + 1,
        f.base.closing,
        f.closing_note,
        month_name(start)
    );
    let _ = writeln!(s, "opening_balance = {:.0}", f.opening);
    let _ = writeln!(
        s,
        "other_expenditure = {:.0}   # hnb_exp_other not per plan; {}",
        m.not_per_plan[OTHER_EXP],
        f.line_notes[N_LINES - 1]
    );
    let d = f.defaults();
    if !d.is_empty() {
        let _ = writeln!(s, "# Base-year values that are national defaults, not this authority's accounts (the report says so):");
        let list: Vec<String> = d.iter().map(|x| format!("\"{x}\"")).collect();
        let _ = writeln!(s, "defaults = [{}]", list.join(", "));
    }
    s
}

/// The `[finance]` sub-tables a fit sets: known allocations, cost and place element a plan,
/// the academies' share of top-ups and spending not per plan.
pub fn toml_tables(f: &FinanceCal) -> String {
    use crate::model::SETTINGS;
    use std::fmt::Write;
    let mut s = String::new();
    let m = &f.money;
    if !f.allocations.is_empty() {
        let _ = writeln!(s, "[finance.allocation]                 # known allocations: they replace the grown hnb_income");
        for (y, x, note) in &f.allocations {
            let _ = writeln!(s, "\"{}\" = {x:.0}   # {note}", fy_label(*y));
        }
    }
    let _ = writeln!(s, "[finance.cost_per_plan]              # place element + top-up a plan a year, fitted to the base year's lines");
    for (name, x) in SETTINGS.iter().zip(m.cost) {
        let _ = writeln!(s, "{name} = {x:.0}");
    }
    let _ = writeln!(s, "[finance.place_funding]              # the place element (1.0.2), fitted to hnb_exp_place_funding");
    for (name, x) in SETTINGS.iter().zip(m.place) {
        let _ = writeln!(s, "{name} = {x:.0}");
    }
    let _ = writeln!(s, "[finance.academy_share]              # share of top-up money paid to academies and free schools (1.2.2), fitted to the two top-up lines");
    let _ = writeln!(
        s,
        "mainstream = {:.4}\nresourced = {:.4}",
        m.academy[0], m.academy[1]
    );
    let _ = writeln!(s, "[finance.not_per_plan]               # spending on a line beyond what its plans cost (at most {MAX_FACTOR}x the prices it was fitted from)");
    for (l, name) in crate::engine::finance::EXPENDITURE_LINES[..OTHER_EXP]
        .iter()
        .enumerate()
    {
        let _ = writeln!(s, "{name} = {:.0}", m.not_per_plan[l]);
    }
    s
}

/// The `[history]` section of the recorded values (empty without any).
pub fn toml_history(f: &FinanceCal) -> String {
    use std::fmt::Write;
    if f.history.is_empty() {
        return String::new();
    }
    let mut s = String::from("\n[history]\n");
    let _ = writeln!(s, "# Recorded high-needs money (values after the start are what the forecast is judged by); each point's source:");
    for p in &f.history {
        let _ = writeln!(s, "#   {} {}: {}", p.metric, p.period, p.note);
    }
    for name in crate::outturn::metric_names() {
        let points: Vec<String> = f
            .history
            .iter()
            .filter(|p| p.metric == name)
            .map(|p| format!("\"{}\" = {:.0}", p.period, p.value))
            .collect();
        if !points.is_empty() {
            let _ = writeln!(s, "{name} = {{ {} }}", points.join(", "));
        }
    }
    s
}

/// "January 2025".
fn month_name(m: YearMonth) -> String {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    format!("{} {}", NAMES[m.month as usize - 1], m.year)
}

/// A file's values as `[history]` points: those `[history]` takes, from 30 years before
/// `start` to the month before `end`.
pub fn recorded(
    o: &Outturn,
    start: YearMonth,
    end: YearMonth,
    note: &dyn Fn(&crate::outturn::file::Record) -> String,
) -> Vec<Recorded> {
    o.records
        .iter()
        .filter(|r| r.fy >= start.year - 30 && YearMonth::new(r.fy + 1, 3) < end)
        .map(|r| Recorded {
            metric: r.metric.name(),
            period: r.metric.history_period(r.fy),
            value: r.value,
            note: note(r),
        })
        .collect()
}

/// The base year's lines as a compiled model computes them for `plans`, each input at its
/// median: what `calibrate` and `finance` check against the recorded ones.
pub fn modelled_base_year(model: &Model, plans: &[f64; N_SETTINGS]) -> [f64; N_LINES] {
    let f = &model.finance;
    let v = |id: crate::model::ParamId| model.params.params[id.0 as usize].from_uniform(0.5);
    let mut np = [0.0; N_EXPENDITURE_LINES];
    if let Some(ids) = f.not_per_plan {
        for (l, id) in ids.iter().enumerate() {
            np[l] = v(*id);
        }
    }
    np[OTHER_EXP] = v(f.other_expenditure);
    let money = Money {
        cost: f.cost_per_plan.map(v),
        place: f.place_funding.map(v),
        academy: f.academy_share.map_or([0.0; 2], |a| a.map(v)),
        not_per_plan: np,
        income: [
            v(f.hnb_income),
            f.transfers.map_or(0.0, v),
            v(f.other_income),
        ],
    };
    money.lines(plans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fit_reproduces_its_target() {
        let plans = [1000.0, 100.0, 200.0, 150.0, 60.0, 0.0, 300.0, 100.0];
        let prior = Money::brief();
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
    }

    #[test]
    fn the_base_year_is_averaged_and_the_balance_carried_back_to_the_start() {
        let start = YearMonth::new(2025, 1);
        let b = base_plans(&[1000.0; N_SETTINGS], 1.1, start, 2024);
        assert!((b[0] - 1000.0 * 1.1f64.powf(-2.5 / 12.0)).abs() < 1e-9);
        // An April start: the base year is over, nothing to carry back.
        let m = Money::brief();
        assert_eq!(
            opening(&m, &b, 1.1, YearMonth::new(2025, 4), 2024, -5e6),
            -5e6
        );
        // A January start: three months of spending (no income) taken back off.
        let o = opening(&m, &b, 1.0, start, 2024, -5e6);
        let spend: f64 = m.lines(&b)[N_INCOME_LINES..].iter().sum();
        assert!((o - (-5e6 + 0.25 * spend)).abs() < 1e-6);
    }
}
