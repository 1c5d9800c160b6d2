//! A finance file applied to a model or scenario that already exists: its money refitted to
//! the file's base year, lines the file leaves out kept as the model has them, written as a
//! scenario that extends it.

use super::{base_plans, from_file, FinanceCal, Money, Prior};
use crate::calendar::{fy_label, YearMonth};
use crate::error::InputResult;
use crate::model::history::Span;
use crate::model::{Model, ParamId, N_SETTINGS};
use crate::outturn::file::Outturn;
use std::path::Path;

/// The growth a year of the plans in the model's `[history]`: the last two January
/// censuses up to the start, or `None` without two.
fn history_growth(model: &Model) -> Option<(f64, i32)> {
    let start = model.clock.start;
    let mut censuses: Vec<(i32, f64)> = model
        .history
        .iter()
        .filter(|p| p.metric == "ehcps")
        .filter_map(|p| match p.span {
            Span::Month(m) if m.month == 1 && m <= start && p.value > 0.0 => {
                Some((m.year, p.value))
            }
            _ => None,
        })
        .collect();
    censuses.sort_by_key(|c| c.0);
    match censuses.as_slice() {
        [.., a, b] if b.0 == a.0 + 1 => Some(((b.1 / a.1).clamp(0.7, 1.5), b.0)),
        _ => None,
    }
}

/// The model's money at its own base year, each input at its median, carried to `fy` (a
/// year either way) at the median growth and inflation.
fn model_money(model: &Model, fy: i32) -> (Money, Vec<(i32, f64, String)>) {
    let f = &model.finance;
    let v = |id: ParamId| model.params.median(id);
    let first_fy = model.clock.start.fy_start_year();
    let mut known: Vec<(i32, f64, String)> = f
        .allocation
        .iter()
        .map(|(i, id)| {
            (
                first_fy + *i as i32,
                v(*id),
                "the model's known allocation".to_string(),
            )
        })
        .collect();
    let mut money = super::money::model_medians(model);
    let shift = fy - f.base_year;
    if shift != 0 {
        // One year of the model's own growth, forward or back.
        let k = |g: f64| if shift > 0 { 1.0 + g } else { 1.0 / (1.0 + g) };
        let infl: [f64; N_SETTINGS] = std::array::from_fn(|s| k(v(f.inflation[s])));
        for (c, i) in money.cost.iter_mut().zip(infl) {
            *c *= i;
        }
        let g = k(v(f.other_expenditure_growth));
        money.not_per_plan.iter_mut().for_each(|x| *x *= g);
        if shift < 0 {
            // The model's first-year allocation is known; the base year's is grown back.
            known.push((
                f.base_year,
                money.income[0],
                "the model's hnb_income for its first year".to_string(),
            ));
        }
        money.income[0] = known
            .iter()
            .find(|a| a.0 == fy)
            .map_or(money.income[0] * k(v(f.income_growth)), |a| a.1);
    }
    (money, known)
}

/// Fit `model`'s money to the finance file `o`; `model_path` names it in the notes.
pub fn onto_model(
    model: &Model,
    o: &Outturn,
    model_path: &Path,
) -> InputResult<(FinanceCal, String)> {
    let start = model.clock.start;
    let end = start.plus_months(model.clock.months as i64);
    let fy = crate::outturn::base_year(start);
    let v = |id: ParamId| model.params.median(id);
    let (growth, growth_note) = match history_growth(model) {
        Some((g, y)) => (
            g,
            format!(
                "plans grew {:+.1}% in the year to January {y} ([history] ehcps)",
                100.0 * (g - 1.0)
            ),
        ),
        None => (
            1.0,
            "the model's [history] has no two January censuses up to the start, so the base year's plans are taken as the start's".to_string(),
        ),
    };
    let plans = base_plans(&model.caseload.by_setting.map(v), growth, start, fy);
    let (money, known) = model_money(model, fy);
    let prior = Prior {
        money,
        defaults: model.finance.defaults.clone(),
        note: format!("the model's own ({})", model_path.display()),
    };
    let known = move |_: f64| known.clone();
    let cal = from_file(o, &prior, start, end, plans, growth, &known)?;
    Ok((cal, growth_note))
}

/// The scenario `sendcast finance` writes: extends the model, sets the fitted money and adds
/// the recorded values to `[history]`.
pub fn scenario_text(model: &Model, f: &FinanceCal, extends: &str, growth_note: &str) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# {} with its recorded high-needs outturn, written by `sendcast finance` (sendcast {}).",
        model.name,
        crate::VERSION
    );
    let _ = writeln!(
        s,
        "# Everything else is the model's; this file sets the money of the base year {} so the model reproduces",
        fy_label(f.base_year)
    );
    let _ = writeln!(
        s,
        "# each recorded line, carries the balance on from the recorded one, and adds the file's values to [history]."
    );
    let _ = writeln!(
        s,
        "# Base-year plans: the start's, {}; {growth_note}.",
        month_name_of(model.clock.start)
    );
    let _ = writeln!(s, "extends = \"{}\"", extends.replace('\\', "/"));
    let _ = writeln!(s, "name = \"{}-outturn\"", model.name);
    let _ = writeln!(
        s,
        "description = \"{} — high-needs money from its recorded outturn\"",
        if model.description.is_empty() {
            model.name.replace('"', "'")
        } else {
            model.description.replace('"', "'")
        }
    );
    let _ = writeln!(s, "\n[finance]");
    s.push_str(&super::toml_scalars(f, model.clock.start));
    s.push_str(&super::toml_tables(f, model.clock.start));
    s.push_str(&super::toml_history(f));
    s
}

fn month_name_of(m: YearMonth) -> String {
    super::month_name(m)
}

/// `to` relative to the folder `from`, both existing (for `extends`).
pub fn relative(from: &Path, to: &Path) -> std::io::Result<String> {
    let (from, to) = (from.canonicalize()?, to.canonicalize()?);
    let a: Vec<_> = from.components().collect();
    let b: Vec<_> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_string(); a.len() - common];
    parts.extend(
        b[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Ok(parts.join("/"))
}
