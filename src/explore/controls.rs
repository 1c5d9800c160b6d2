//! The page's controls, generated from the scenario rather than written per file: each
//! intervention on or off with its numbers and dates, and the uncertain inputs as a shift of
//! their central value, the ones that move the headline outcomes most first.

use super::tomlish;
use crate::calendar::YearMonth;
use crate::model::dist::Param;
use crate::model::{Model, ParamTable};
use crate::scenario::tree::Value;
use crate::scenario::{dist_spec, Loaded};
use serde_json::{json, Value as Json};

/// What a control sets, and its starting state (the scenario file's own).
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// An intervention switched on or off.
    Switch { on: bool },
    /// A fixed number, set to a new value; `min..max` is the slider's range (the scenario
    /// loader decides what is allowed).
    Value {
        value: f64,
        min: f64,
        max: f64,
        step: f64,
    },
    /// A distribution moved as a whole by a shift of its central value (`centre`, its
    /// median); `min..max` are the shifts the input's range allows, within the slider's.
    Shift {
        centre: f64,
        min: f64,
        max: f64,
        step: f64,
    },
    /// A month, `YYYY-MM`, within the horizon.
    Month {
        value: YearMonth,
        min: YearMonth,
        max: YearMonth,
    },
}

/// Where in the scenario a control writes.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// The `enabled` switch of intervention N.
    Switch(usize),
    /// Key `.1` of intervention N.
    Intervention(usize, String),
    /// A key in nested tables: the tables' names, then the key.
    Input(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct Control {
    /// The input's name as `validate` prints it (`demand.growth`, `interventions[0].budget`),
    /// or `interventions[N]` for a switch.
    pub id: String,
    pub label: String,
    /// The distribution or value in the file, and the file's comment on it.
    pub help: String,
    pub kind: Kind,
    pub target: Target,
    /// Shown at once; the others sit under "more".
    pub primary: bool,
}

/// Controls under one heading: an intervention, or the uncertain inputs.
#[derive(Debug, Clone)]
pub struct Group {
    pub title: String,
    pub note: String,
    pub controls: Vec<Control>,
}

/// Uncertain inputs shown at once; the rest are a click away.
pub const MAIN_INPUTS: usize = 6;
/// Positions of a shift slider either side of zero.
const SHIFT_STEPS: i64 = 20;
/// Keys of an intervention that are words, not sizes or dates.
const WORD_KEYS: [&str; 7] = ["type", "name", "role", "setting", "to", "serves", "line"];

/// Every control for `model`, compiled from `loaded`. `influence` scores each uncertain
/// input (the largest |rank correlation| with a headline outcome) to order them.
pub fn build(model: &Model, loaded: &Loaded, influence: &dyn Fn(&str) -> f64) -> Vec<Group> {
    let comments: std::collections::HashMap<String, String> =
        crate::report::assumptions::collect(model)
            .into_iter()
            .map(|a| (a.name, a.comment))
            .collect();
    let help = |p: &Param| match comments.get(&p.name) {
        Some(c) if !c.is_empty() => format!("{} — {c}", p.desc),
        _ => p.desc.clone(),
    };
    let mut groups = interventions(model, loaded, &help);
    let mut inputs: Vec<(f64, Control)> = model
        .params
        .params
        .iter()
        .filter(|p| !p.dist.is_fixed() && !p.name.starts_with("interventions["))
        .filter_map(|p| {
            let path: Vec<String> = p.name.split('.').map(str::to_string).collect();
            if path.iter().any(|k| k.contains('[')) {
                // Inside an array: an override would have to restate the whole array.
                return None;
            }
            let node = tomlish::get(&loaded.table, &path)?;
            let kind = shift(p, node)?;
            let control = Control {
                id: p.name.clone(),
                label: p.name.clone(),
                help: help(p),
                kind,
                target: Target::Input(path),
                primary: false,
            };
            Some((influence(&p.name), control))
        })
        .collect();
    inputs.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
    let controls: Vec<Control> = inputs
        .into_iter()
        .enumerate()
        .map(|(i, (_, mut c))| {
            c.primary = i < MAIN_INPUTS;
            c
        })
        .collect();
    if !controls.is_empty() {
        groups.push(Group {
            title: "Uncertain inputs".to_string(),
            note:
                "Each moves the input's whole distribution by the shift shown, in the input's own \
                   unit; those that move the DSG balance, timeliness and backlog most come first."
                    .to_string(),
            controls,
        });
    }
    groups
}

fn interventions(model: &Model, loaded: &Loaded, help: &dyn Fn(&Param) -> String) -> Vec<Group> {
    let Some(Value::Array(list)) = loaded.table.get("interventions").map(|e| &e.node.value) else {
        return Vec::new();
    };
    let clock = &model.clock;
    let (first, end) = (clock.start, clock.month(clock.months));
    let mut groups = Vec::new();
    let mut compiled = model.interventions.iter();
    for (i, node) in list.iter().enumerate() {
        let Value::Table(t) = &node.value else {
            continue;
        };
        let on = !loaded.switched_off.contains(&i);
        let word = |k: &str| match t.get(k).map(|e| &e.node.value) {
            Some(Value::Str(s)) => s.clone(),
            _ => String::new(),
        };
        let kind = word("type");
        let title = match word("name") {
            n if n.is_empty() => kind.clone(),
            n => n,
        };
        let note = match on.then(|| compiled.next()).flatten() {
            Some(iv) => crate::validate::what(model, iv),
            None => kind.replace('_', " "),
        };
        let mut controls = vec![Control {
            id: format!("interventions[{i}]"),
            label: "on".to_string(),
            help: format!("interventions[{i}], {kind}"),
            kind: Kind::Switch { on },
            target: Target::Switch(i),
            primary: true,
        }];
        for e in &t.entries {
            if WORD_KEYS.contains(&e.key.as_str()) {
                continue;
            }
            let id = format!("interventions[{i}].{}", e.key);
            let target = Target::Intervention(i, e.key.clone());
            if let Some(ym) = month_of(&e.node.value) {
                controls.push(Control {
                    label: e.key.replace('_', " "),
                    help: format!("{id}: a month from {first} to {end}"),
                    id,
                    kind: Kind::Month {
                        value: ym,
                        min: first,
                        max: end,
                    },
                    target,
                    primary: true,
                });
                continue;
            }
            let Some(p) = param(&model.params, &id) else {
                continue;
            };
            let kind = match p.fixed_value() {
                Some(x) => Some(value(p, x)),
                None => shift(p, &e.node.value),
            };
            if let Some(kind) = kind {
                controls.push(Control {
                    label: e.key.replace('_', " "),
                    help: help(p),
                    id,
                    kind,
                    target,
                    primary: true,
                });
            }
        }
        groups.push(Group {
            title,
            note,
            controls,
        });
    }
    groups
}

fn param<'a>(params: &'a ParamTable, name: &str) -> Option<&'a Param> {
    params.params.iter().find(|p| p.name == name)
}

/// A month written as `"2023-10"` or as a date.
pub fn month_of(v: &Value) -> Option<YearMonth> {
    match v {
        Value::Str(s) | Value::Date(s) => YearMonth::parse(s),
        _ => None,
    }
}

/// A slider for a fixed number: from the bottom of its range (or as far below as above) to
/// twice the value, or the top of its range when that is near.
fn value(p: &Param, x: f64) -> Kind {
    let d = p.domain;
    let reach = 2.0 * x.abs().max(1e-9);
    let max = if d.max.is_finite() && d.max <= 2.0 * reach {
        d.max
    } else {
        reach.max(1.0).min(d.max)
    };
    let min = if d.min.is_finite() {
        d.min
    } else {
        x - (max - x)
    };
    let step = nice((max - min) / 50.0);
    let min = if d.min_open { min + step } else { min };
    Kind::Value {
        value: x,
        min,
        max,
        step,
    }
}

/// A shift slider for an uncertain input whose file value is `node`: ±its 80% width, trimmed
/// to the shifts its distribution allows (asked of the loader's own check). `None` when the
/// distribution has no location to move (gamma) or no width.
fn shift(p: &Param, node: &Value) -> Option<Kind> {
    let width = p.from_uniform(0.9) - p.from_uniform(0.1);
    if !(width > 0.0 && width.is_finite()) {
        return None;
    }
    let step = nice(width / SHIFT_STEPS as f64);
    tomlish::shifted(node, step, range(p))?;
    let ok = |k: i64| {
        tomlish::shifted(node, k as f64 * step, range(p)).is_some_and(|v| {
            let n = crate::scenario::tree::Node {
                value: v,
                loc: crate::error::Loc::file_start(std::path::Path::new("")),
            };
            dist_spec::param_from_node(&p.name, &n, p.domain, &mut ParamTable::default()).is_ok()
        })
    };
    // The allowed shifts are an interval around 0: find each end by bisection.
    let reach = |dir: i64| {
        let (mut good, mut bad) = (0, SHIFT_STEPS + 1);
        if ok(dir * SHIFT_STEPS) {
            return SHIFT_STEPS;
        }
        while bad - good > 1 {
            let mid = (good + bad) / 2;
            if ok(dir * mid) {
                good = mid;
            } else {
                bad = mid;
            }
        }
        good
    };
    let (down, up) = (reach(-1), reach(1));
    if down == 0 && up == 0 {
        return None;
    }
    Some(Kind::Shift {
        centre: p.from_uniform(0.5),
        min: -(down as f64) * step,
        max: up as f64 * step,
        step,
    })
}

/// The values input `p` may take, as bounds for a shifted distribution's truncation.
pub fn range(p: &Param) -> (f64, f64) {
    (p.domain.min, p.domain.max)
}

/// The largest 1, 2 or 5 times a power of ten not above `x`.
fn nice(x: f64) -> f64 {
    if !(x > 0.0 && x.is_finite()) {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    let m = x / p;
    let f = if m >= 5.0 {
        5.0
    } else if m >= 2.0 {
        2.0
    } else {
        1.0
    };
    tomlish::round(f * p)
}

/// Every control, in page order.
pub fn all(groups: &[Group]) -> impl Iterator<Item = &Control> {
    groups.iter().flat_map(|g| g.controls.iter())
}

/// The controls as JSON, for scripts and tests (`GET /api/controls`).
pub fn to_json(groups: &[Group]) -> Json {
    let groups: Vec<Json> = groups
        .iter()
        .map(|g| {
            let controls: Vec<Json> = g
                .controls
                .iter()
                .map(|c| {
                    let mut o = json!({"id": c.id, "label": c.label, "help": c.help, "primary": c.primary});
                    let k = match &c.kind {
                        Kind::Switch { on } => json!({"kind": "switch", "on": on}),
                        Kind::Value {
                            value,
                            min,
                            max,
                            step,
                        } => json!({"kind": "value", "value": value, "min": min, "max": max, "step": step}),
                        Kind::Shift {
                            centre,
                            min,
                            max,
                            step,
                        } => json!({"kind": "shift", "centre": centre, "min": min, "max": max, "step": step}),
                        Kind::Month { value, min, max } => json!({"kind": "month", "value": value.to_string(), "min": min.to_string(), "max": max.to_string()}),
                    };
                    if let (Some(o), Json::Object(k)) = (o.as_object_mut(), k) {
                        o.extend(k);
                    }
                    o
                })
                .collect();
            json!({"title": g.title, "note": g.note, "controls": controls})
        })
        .collect();
    Json::Array(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps_are_one_two_or_five() {
        assert_eq!(nice(0.0168), 0.01);
        assert_eq!(nice(0.3), 0.2);
        assert_eq!(nice(7.0), 5.0);
        assert_eq!(nice(12_000.0), 10_000.0);
    }
}
