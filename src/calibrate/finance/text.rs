//! The text a fit writes: the `[finance]` keys and tables of a model or scenario, each
//! figure with its source, and the `[history]` of recorded values.

use super::money::MAX_FACTOR;
use super::FinanceCal;
use crate::calendar::{fy_label, YearMonth};
use crate::engine::finance::OTHER_EXP;
use crate::outturn::{Metric, N_LINES};

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
        "# The cumulative balance at 31 March {} is {:.0} ({}); at the start, {}, it is that less the base year's gap for the months to then.",
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
    let d = &f.defaults;
    let _ = writeln!(
        s,
        "# Base-year values that are national defaults, not this authority's accounts (the report says so):"
    );
    let list: Vec<String> = d.iter().map(|x| format!("\"{x}\"")).collect();
    let _ = writeln!(s, "defaults = [{}]", list.join(", "));
    s
}

/// The `[finance]` sub-tables a fit sets: known allocations, cost and place element a plan,
/// the academies' share of top-ups and spending not per plan.
pub fn toml_tables(f: &FinanceCal, start: YearMonth) -> String {
    use crate::model::SETTINGS;
    use std::fmt::Write;
    let mut s = String::new();
    let m = &f.money;
    if f.base_year == start.fy_start_year() {
        let _ = writeln!(s, "[finance.base_year_plans]            # plans on average over the base year: its months from the start spend as it did");
        for (name, x) in SETTINGS.iter().zip(f.base_plans) {
            let _ = writeln!(s, "{name} = {x:.1}");
        }
    }
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
    if f.history.is_empty() && f.censuses.is_empty() {
        return String::new();
    }
    let mut s = String::from("\n[history]\n");
    if !f.censuses.is_empty() {
        let _ = writeln!(
            s,
            "# Plans at the January censuses the base year's average plans are placed by [P SEN2]."
        );
        let points: Vec<String> = f
            .censuses
            .iter()
            .map(|(y, n)| format!("\"{y}-01\" = {n:.0}"))
            .collect();
        let _ = writeln!(s, "ehcps = {{ {} }}", points.join(", "));
    }
    if f.history.is_empty() {
        return s;
    }
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
pub fn month_name(m: YearMonth) -> String {
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

/// The base year line by line as recorded (or defaulted) and as the compiled `model`
/// computes it for the base year's plans, and whether every line is within 1%.
pub fn check_table(model: &crate::model::Model, f: &FinanceCal) -> (String, bool) {
    use crate::report::headline::count;
    use std::fmt::Write;
    let modelled = super::modelled_base_year(model, &f.base_plans);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Base year {} ({} plans on average), pounds:",
        fy_label(f.base_year),
        count(f.base_plans.iter().sum())
    );
    let _ = writeln!(
        s,
        "  {:<36} {:>16} {:>16} {:>8}",
        "line", "recorded", "modelled", "diff"
    );
    let mut ok = true;
    for (i, (r, m)) in f.base.lines.iter().zip(modelled).enumerate() {
        let within = (m - r).abs() <= crate::outturn::base::TOLERANCE * r.abs() + 1.0;
        ok &= within;
        let name = Metric::Line(i).name();
        let tag = if f.defaults.contains(&name) {
            " (national default)"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "  {:<36} {:>16} {:>16} {:>7.2}%{tag}",
            name,
            count(*r),
            count(m),
            if r.abs() > 0.0 {
                100.0 * (m - r) / r.abs()
            } else {
                0.0
            }
        );
    }
    let _ = writeln!(
        s,
        "  cumulative balance at 31 March {}: {}{}; the model opens at {} at {}",
        f.base_year + 1,
        count(f.base.closing),
        if f.defaults.iter().any(|d| d == "dsg_cumulative_balance") {
            " (national default)"
        } else {
            ""
        },
        month_name(model.clock.start),
        count(f.opening)
    );
    (s, ok)
}
