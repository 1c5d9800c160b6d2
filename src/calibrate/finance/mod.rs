//! High-needs money for a model: national defaults fitted to England's published figures
//! (`england.csv`), scaled to an authority by what its plans cost at national
//! prices, or the authority's own recorded base year (`--finance`), fitted so the modelled
//! base year reproduces each line, with the opening balance carried on from the recorded one.

mod money;
mod onto;
mod text;

pub use money::{
    base_plans, census_growth, modelled_base_year, opening, Money, BRIEF_COST, MAX_FACTOR,
};
pub use onto::{onto_model, relative, scenario_text};
pub use text::{check_table, month_name, toml_history, toml_scalars, toml_tables};

use crate::calendar::{fy_label, YearMonth};
use crate::error::InputResult;
use crate::model::N_SETTINGS;
use crate::outturn::base::{self, BaseYear};
use crate::outturn::file::Outturn;
use crate::outturn::{Metric, N_LINES};
use crate::sen2::{Area, Sen2};
use std::path::Path;

/// England's published high-needs figures, under the finance file's names, with sources.
pub const ENGLAND_FILE: &str = include_str!("england.csv");
/// The year of `ENGLAND_FILE` with every line: the national defaults' reference.
const ENGLAND_REFERENCE_YEAR: i32 = 2024;

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
    /// The finance metrics whose base-year values are national defaults, not the
    /// authority's accounts.
    pub defaults: Vec<String>,
    /// The January censuses `growth` comes from, for `[history]` (empty when the model
    /// already has them).
    pub censuses: Vec<(i32, f64)>,
}

/// What a finance file's gaps are filled from: base-year money, which of its metrics are
/// national defaults, and what to say of lines taken from it.
pub struct Prior {
    pub money: Money,
    pub defaults: Vec<String>,
    pub note: String,
}

/// A row's file and line, and its source text.
fn file_note(r: &crate::outturn::file::Record) -> String {
    let src = if r.source.is_empty() {
        String::new()
    } else {
        format!(" {}", r.source)
    };
    format!("{}:{}{src}", r.loc.file.display(), r.loc.line)
}

/// Money fitted to a finance file's base year for a model starting in `start` (horizon to
/// `end`) with base-year plans `plans` growing by `growth`; lines the file leaves out come
/// from `prior`; `known(allocation)` gives allocations after the base year already known
/// for a base-year allocation (the file's own later ones replace them).
pub fn from_file(
    o: &Outturn,
    prior: &Prior,
    start: YearMonth,
    end: YearMonth,
    plans: [f64; N_SETTINGS],
    growth: f64,
    known: &dyn Fn(f64) -> Vec<(i32, f64, String)>,
) -> InputResult<FinanceCal> {
    let fy = crate::outturn::base_year(start);
    let why = format!("the model starts in {}", month_name(start));
    let base = base::resolve(o, fy, &prior.money.lines(&plans), &why)?;
    let money = prior.money.fit(&plans, &base.lines);
    let line_notes = (0..N_LINES)
        .map(|i| match o.get(Metric::Line(i), fy) {
            Some(r) => file_note(r),
            None if base.from_file[i] => "what the file's totals leave for this line".to_string(),
            None => format!(
                "not in the file: {}, scaled to the file's totals where it gives them",
                prior.note
            ),
        })
        .collect();
    let closing_note = match o.get(Metric::Cumulative, fy) {
        Some(r) => file_note(r),
        None => "the year before's balance and the in-year balance in the file".to_string(),
    };
    let last_fy = end.plus_months(-1).fy_start_year();
    let mut allocations: Vec<(i32, f64, String)> = known(base.lines[0])
        .into_iter()
        .filter(|(y, _, _)| *y > fy && *y <= last_fy && o.get(Metric::Line(0), *y).is_none())
        .collect();
    for r in &o.records {
        if r.metric == Metric::Line(0) && r.fy > fy && r.fy <= last_fy {
            allocations.push((r.fy, r.value, file_note(r)));
        }
    }
    allocations.sort_by_key(|a| a.0);
    let defaults: Vec<String> = base
        .defaults()
        .into_iter()
        .filter(|d| prior.defaults.contains(d))
        .collect();
    let provenance = format!(
        "Base year {} from {}{}",
        fy_label(fy),
        o.path.display(),
        if defaults.is_empty() {
            String::new()
        } else {
            format!(
                "; national defaults, not this authority's accounts, for {}",
                defaults.join(", ")
            )
        }
    );
    let opening = opening(&money, &plans, start, fy, base.closing);
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
        history: recorded(o, start, end, &file_note),
        defaults,
        censuses: Vec::new(),
    })
}

/// England's money in its base year: the national file fitted at England's plans.
struct National {
    money: Money,
    /// Shares of mainstream and resourced plans in academies the money was fitted at.
    academy_plans: [f64; 2],
    base: BaseYear,
    plans: [f64; N_SETTINGS],
    file: Outturn,
    /// Why the base year's lines are what they are, when scaled from the reference year.
    note: String,
}

fn england_file() -> Outturn {
    Outturn::parse(Path::new("src/calibrate/finance/england.csv"), ENGLAND_FILE)
        .expect("the national finance file reads")
}

/// Shares of mainstream and resourced plans in academies at the census `origin`, if SEN2
/// has them.
fn academy_plans(area: &Area, origin: i32) -> Option<[f64; 2]> {
    area.census.get(&origin).and_then(|c| c.academy_share)
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
    let prior = Money::brief(academy_plans(england, origin));
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
        academy_plans: prior.academy,
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
    // An authority's defaults: England's prices, its own plans' academy shares, and England's
    // income and spending not per plan scaled by what its plans cost at those prices against
    // what England's do, so its gap is England's share of its income.
    let prices = match academy_plans(area, origin) {
        Some(own) if !is_england => nat.money.with_academy_plans(nat.academy_plans, own),
        _ => nat.money.clone(),
    };
    let k = if is_england {
        1.0
    } else {
        let e = nat.money.plan_cost(&nat.plans);
        if e > 0.0 {
            prices.plan_cost(&plans) / e
        } else {
            0.0
        }
    };
    let prior = Prior {
        money: prices.scaled(k),
        defaults: if is_england {
            Vec::new()
        } else {
            crate::outturn::metric_names()
        },
        note: if is_england {
            format!("England's published figures{}", nat.note)
        } else {
            format!(
                "national default: England's {} x {k:.5}, the cost of this authority's plans at national prices against England's{}",
                fy_label(fy),
                nat.note
            )
        },
    };
    // Allocations known at the census: the base year's grown as England's published ones,
    // up to the year starting then (published the December before).
    let nat_alloc = |y: i32| nat.file.get(Metric::Line(0), y);
    let known = |own: f64| -> Vec<(i32, f64, String)> {
        let Some(b) = nat_alloc(fy).map(|r| r.value).filter(|b| *b > 0.0) else {
            return Vec::new();
        };
        (fy + 1..=origin)
            .filter_map(|y| {
                let r = nat_alloc(y)?;
                Some(if is_england {
                    (y, r.value, file_note(r))
                } else {
                    (
                        y,
                        own * r.value / b,
                        format!(
                            "national default: the base year's allocation grown as England's, {} to {} (x{:.4})",
                            fy_label(fy),
                            fy_label(y),
                            r.value / b
                        ),
                    )
                })
            })
            .collect()
    };
    let censuses: Vec<(i32, f64)> = [origin - 1, origin]
        .iter()
        .filter_map(|&y| Some((y, area.census.get(&y)?.total?)))
        .collect();
    let mut f = match source {
        Source::File(o) => from_file(o, &prior, start, end, plans, growth, &known),
        Source::Defaults if is_england && nat.note.is_empty() => {
            let mut f = from_file(&nat.file, &prior, start, end, plans, growth, &known)?;
            // The national file runs on past the census; allocations published after it
            // stay in [history] only.
            f.allocations.retain(|a| a.0 <= origin);
            f.provenance = format!("Base year {}: {}", fy_label(fy), prior.note);
            Ok(f)
        }
        Source::Defaults => {
            let base = if is_england {
                // England in a year the national file has only the allocation for.
                BaseYear {
                    from_file: [true; N_LINES],
                    closing_from_file: true,
                    ..nat.base.clone()
                }
            } else {
                BaseYear::from_prior(fy, &prior.money.lines(&plans), nat.base.closing * k)
            };
            let money = prior.money.fit(&plans, &base.lines);
            let provenance = if is_england {
                format!("Base year {}: {}", fy_label(fy), prior.note)
            } else {
                format!(
                    "Base year {}: national defaults, not this authority's accounts — England's money x {k:.5} (what this authority's plans cost at national prices against England's); replace with the authority's own outturn (calibrate --finance FILE.csv)",
                    fy_label(fy)
                )
            };
            Ok(FinanceCal {
                base_year: fy,
                base_plans: plans,
                growth,
                opening: opening(&money, &plans, start, fy, base.closing),
                allocations: known(base.lines[0]),
                line_notes: vec![prior.note.clone(); N_LINES],
                closing_note: prior.note.clone(),
                provenance,
                history: if is_england {
                    recorded(&nat.file, start, end, &file_note)
                } else {
                    Vec::new()
                },
                defaults: if is_england {
                    Vec::new()
                } else {
                    base.defaults()
                },
                money,
                base,
                censuses: Vec::new(),
            })
        }
    }?;
    if censuses.len() == 2 {
        f.censuses = censuses;
    }
    Ok(f)
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
