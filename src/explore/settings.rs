//! A request's settings: read from JSON and checked against the controls, written as a TOML
//! file that `extends` the scenario, and compiled by the project's scenario loader — so the
//! page runs exactly what "Save as scenario" saves, and a bad value gets the loader's message.

use super::controls::{self, Control, Kind, Target};
use super::tomlish;
use super::Explorer;
use crate::calendar::YearMonth;
use crate::model::Model;
use crate::scenario::tree::Value;
use crate::scenario::{self, EDIT_KEY, ENABLED_KEY};
use serde_json::Value as Json;
use std::fmt::Write;

/// What a request asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The browser tab asking: each has its own previous setting and its own runs.
    pub session: String,
    pub runs: usize,
    /// (index into the controls, what it is set to)
    pub settings: Vec<(usize, Set)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Set {
    On(bool),
    /// A value (`Kind::Value`) or a shift (`Kind::Shift`).
    Number(f64),
    Month(YearMonth),
}

/// A request the page must correct: the message says what is wrong and what is allowed;
/// `input` names the control it is about, if one.
#[derive(Debug, Clone, PartialEq)]
pub struct BadRequest {
    pub message: String,
    pub input: Option<String>,
}

impl BadRequest {
    fn new(message: impl Into<String>, input: Option<&str>) -> BadRequest {
        BadRequest {
            message: message.into(),
            input: input.map(str::to_string),
        }
    }
}

/// Longest session name accepted.
const MAX_SESSION: usize = 64;

/// Read a request body: `{"session": "...", "runs": N, "settings": {"ID": VALUE, ...}}`,
/// where each ID is a control's and VALUE is true/false for a switch, a number for a value
/// or a shift, and `"YYYY-MM"` for a month. Absent settings keep the file's value.
pub fn parse(ex: &Explorer, body: &[u8]) -> Result<Request, BadRequest> {
    let doc: Json = serde_json::from_slice(body)
        .map_err(|e| BadRequest::new(format!("the request is not JSON: {e}"), None))?;
    let Json::Object(o) = doc else {
        return Err(BadRequest::new(
            "the request must be a JSON object with `session`, `runs` and `settings`",
            None,
        ));
    };
    for k in o.keys() {
        if !["session", "runs", "settings"].contains(&k.as_str()) {
            return Err(BadRequest::new(
                format!("unknown field `{k}`; allowed: session, runs, settings"),
                None,
            ));
        }
    }
    let session = match o.get("session") {
        Some(Json::String(s))
            if !s.is_empty()
                && s.len() <= MAX_SESSION
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            s.clone()
        }
        _ => {
            return Err(BadRequest::new(
                format!("`session` must be a name of 1 to {MAX_SESSION} letters, digits, - or _"),
                None,
            ))
        }
    };
    let runs_msg = || {
        BadRequest::new(
            format!(
                "`runs` must be a whole number from 1 to {} (the cap of this server)",
                crate::report::headline::count(ex.max_runs as f64)
            ),
            Some("runs"),
        )
    };
    let runs = match o.get("runs") {
        None => ex.default_runs,
        Some(v) => match v.as_u64() {
            Some(n) if n >= 1 && n <= ex.max_runs as u64 => n as usize,
            _ => return Err(runs_msg()),
        },
    };
    let mut settings = Vec::new();
    match o.get("settings") {
        None => {}
        Some(Json::Object(s)) => {
            for (id, v) in s {
                settings.push(setting(ex, id, v)?);
            }
            // In page order, whatever order the object came in.
            settings.sort_by_key(|(i, _)| *i);
        }
        Some(_) => {
            return Err(BadRequest::new(
                "`settings` must be an object of control names and values",
                None,
            ))
        }
    }
    Ok(Request {
        session,
        runs,
        settings,
    })
}

fn setting(ex: &Explorer, id: &str, v: &Json) -> Result<(usize, Set), BadRequest> {
    let Some(i) = ex.controls().position(|c| c.id == id) else {
        let ids: Vec<&str> = ex.controls().map(|c| c.id.as_str()).collect();
        let hint = crate::scenario::reader::closest(id, &ids)
            .map(|c| format!(" (did you mean `{c}`?)"))
            .unwrap_or_default();
        return Err(BadRequest::new(
            format!(
                "unknown input `{id}`{hint}; this scenario's inputs are listed by GET /api/controls"
            ),
            None,
        ));
    };
    let c = ex.control(i);
    let set = match (&c.kind, v) {
        (Kind::Switch { .. }, Json::Bool(b)) => Set::On(*b),
        (Kind::Switch { .. }, _) => {
            return Err(BadRequest::new(
                format!("`{id}` is a switch: true or false, found {}", json_type(v)),
                Some(id),
            ))
        }
        (Kind::Value { .. } | Kind::Shift { .. }, Json::Number(n)) => match n.as_f64() {
            Some(x) if x.is_finite() => Set::Number(tomlish::round(x)),
            _ => {
                return Err(BadRequest::new(
                    format!("`{id}` must be a finite number"),
                    Some(id),
                ))
            }
        },
        (Kind::Value { .. } | Kind::Shift { .. }, _) => {
            let what = if matches!(c.kind, Kind::Shift { .. }) {
                "a number (the shift of its central value)"
            } else {
                "a number"
            };
            return Err(BadRequest::new(
                format!("`{id}` takes {what}, found {}", json_type(v)),
                Some(id),
            ));
        }
        (Kind::Month { .. }, Json::String(s)) => match YearMonth::parse(s) {
            Some(ym) if s.len() == 7 => Set::Month(ym),
            _ => {
                return Err(BadRequest::new(
                    format!("`{id}`: `{s}` is not a month; expected \"YYYY-MM\", e.g. \"2026-09\""),
                    Some(id),
                ))
            }
        },
        (Kind::Month { .. }, _) => {
            return Err(BadRequest::new(
                format!(
                    "`{id}` takes a month as \"YYYY-MM\", found {}",
                    json_type(v)
                ),
                Some(id),
            ))
        }
    };
    Ok((i, set))
}

fn json_type(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "true or false",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

/// One setting that differs from the file, as the overlay writes it and the page lists it.
struct Change<'a> {
    control: &'a Control,
    value: Value,
    /// In words, e.g. `shifted +0.02 (median 0.151 → 0.171)`.
    what: String,
}

fn changes<'a>(ex: &'a Explorer, req: &Request) -> Vec<Change<'a>> {
    let mut out = Vec::new();
    for &(i, ref set) in &req.settings {
        let c = ex.control(i);
        let num = tomlish::short;
        let change = match (&c.kind, set) {
            (Kind::Switch { on }, Set::On(b)) if on != b => Some((
                Value::Bool(*b),
                if *b { "switched on" } else { "switched off" }.to_string(),
            )),
            (Kind::Value { value, .. }, Set::Number(x)) if value != x => {
                Some((Value::Float(*x), format!("{} → {}", num(*value), num(*x))))
            }
            (Kind::Shift { centre, .. }, Set::Number(d)) if *d != 0.0 => {
                let range = ex
                    .model
                    .params
                    .params
                    .iter()
                    .find(|p| p.name == c.id)
                    .map_or((f64::NEG_INFINITY, f64::INFINITY), controls::range);
                original(ex, &c.target)
                    .and_then(|v| tomlish::shifted(v, *d, range))
                    .map(|v| {
                        let sign = if *d > 0.0 { "+" } else { "" };
                        (
                            v,
                            format!(
                                "shifted {sign}{} (median {} → {})",
                                num(*d),
                                num(*centre),
                                num(tomlish::round(centre + d))
                            ),
                        )
                    })
            }
            (Kind::Month { value, .. }, Set::Month(m)) if value != m => {
                Some((Value::Str(m.to_string()), format!("{value} → {m}")))
            }
            _ => None,
        };
        if let Some((value, what)) = change {
            out.push(Change {
                control: c,
                value,
                what,
            });
        }
    }
    out
}

/// The scenario file's own value at a control's target.
fn original<'a>(ex: &'a Explorer, t: &Target) -> Option<&'a Value> {
    match t {
        Target::Input(path) => tomlish::get(&ex.loaded.table, path),
        Target::Intervention(i, key) => match ex.loaded.table.get("interventions") {
            Some(e) => match &e.node.value {
                Value::Array(list) => match &list.get(*i)?.value {
                    Value::Table(t) => t.get(key).map(|e| &e.node.value),
                    _ => None,
                },
                _ => None,
            },
            None => None,
        },
        Target::Switch(_) => None,
    }
}

/// The settings in words, one per change from the file, e.g. `demand.growth: shifted +0.02
/// (median 0.151 → 0.171)`.
pub fn describe(ex: &Explorer, req: &Request) -> Vec<String> {
    changes(ex, req)
        .iter()
        .map(|c| format!("{}: {}", label(ex, c.control), c.what))
        .collect()
}

/// A control's name for a reader: an intervention's name before its key.
fn label(ex: &Explorer, c: &Control) -> String {
    match &c.target {
        Target::Switch(i) | Target::Intervention(i, _) => {
            let title = ex
                .groups
                .iter()
                .find(|g| g.controls.iter().any(|x| x.id == c.id))
                .map_or(String::new(), |g| g.title.clone());
            match &c.target {
                Target::Intervention(_, key) => format!("{title} (interventions[{i}]), {key}"),
                _ => format!("{title} (interventions[{i}])"),
            }
        }
        Target::Input(_) => c.id.clone(),
    }
}

/// The scenario file the settings make: it `extends` the explored file by its full path and
/// holds only what differs from it.
pub fn overlay(ex: &Explorer, req: &Request) -> String {
    let changes = changes(ex, req);
    let m = &ex.model;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Settings chosen in `sendcast explore` of {}.",
        one_line(&ex.path.display().to_string())
    );
    let _ = writeln!(
        s,
        "# `sendcast run THIS_FILE --runs {} --seed {}` gives the figures the page showed.",
        req.runs, ex.seed
    );
    let _ = writeln!(
        s,
        "# `extends` names the scenario by its full path; saved beside it, its file name will do."
    );
    let q = |x: &str| tomlish::inline(&Value::Str(x.to_string()));
    let _ = writeln!(s, "extends = {}", q(&ex.path.display().to_string()));
    let _ = writeln!(s, "name = {}", q(&format!("{}-explore", m.name)));
    let mut description = m.description.clone();
    if !changes.is_empty() {
        let what: Vec<String> = changes
            .iter()
            .map(|c| format!("{} {}", c.control.id, c.what))
            .collect();
        if !description.is_empty() {
            description.push_str("; ");
        }
        let _ = write!(description, "explored: {}", what.join("; "));
    }
    let _ = writeln!(s, "description = {}", q(&description));
    // Inputs by their table, in the order first changed; then intervention edits by number.
    let mut tables: Vec<(&[String], Vec<&Change>)> = Vec::new();
    let mut edits: std::collections::BTreeMap<usize, Vec<(&str, &Change)>> = Default::default();
    for c in &changes {
        match &c.control.target {
            Target::Input(path) => {
                let (_, head) = path.split_last().expect("a path has a key");
                match tables.iter_mut().find(|(h, _)| *h == head) {
                    Some((_, v)) => v.push(c),
                    None => tables.push((head, vec![c])),
                }
            }
            Target::Intervention(i, key) => edits.entry(*i).or_default().push((key, c)),
            Target::Switch(i) => edits.entry(*i).or_default().push((ENABLED_KEY, c)),
        }
    }
    for (head, list) in tables {
        let header: Vec<String> = head.iter().map(|k| tomlish::key(k)).collect();
        let _ = writeln!(s, "\n[{}]", header.join("."));
        for c in list {
            let Target::Input(path) = &c.control.target else {
                continue;
            };
            let key = path.last().expect("a path has a key");
            let _ = writeln!(
                s,
                "{} = {}  # {}",
                tomlish::key(key),
                tomlish::inline(&c.value),
                c.what
            );
        }
    }
    for (i, list) in edits {
        let title = ex
            .groups
            .iter()
            .find(|g| g.controls.iter().any(|x| x.target == Target::Switch(i)))
            .map_or(String::new(), |g| one_line(&g.title));
        let _ = writeln!(s, "\n# {title}\n[{EDIT_KEY}.{i}]");
        for (key, c) in list {
            let _ = writeln!(
                s,
                "{} = {}  # {}",
                tomlish::key(key),
                tomlish::inline(&c.value),
                c.what
            );
        }
    }
    s
}

/// `s` fit for a TOML comment: control characters (a line break would end it) as spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Compile the overlay as the file "Save as scenario" writes, beside the explored one.
pub fn compile(ex: &Explorer, text: &str) -> Result<Model, BadRequest> {
    let stem = ex
        .path
        .file_stem()
        .map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
    let path = ex
        .path
        .parent()
        .unwrap_or(std::path::Path::new("."))
        .join(format!("{stem}-explore.toml"));
    scenario::load_text(&path, text)
        .and_then(|l| crate::model::compile::compile(&l))
        .map_err(|e| {
            let input = controls::all(&ex.groups)
                .filter(|c| e.key == c.id || e.key.starts_with(&format!("{}.", c.id)))
                .map(|c| c.id.clone())
                .max_by_key(|id| id.len());
            let message = if e.key.is_empty() {
                e.message
            } else {
                format!("{}: {}", e.key, e.message)
            };
            BadRequest { message, input }
        })
}

/// The file name "Save as scenario" suggests.
pub fn file_name(ex: &Explorer) -> String {
    format!("{}-explore.toml", ex.model.name)
}
