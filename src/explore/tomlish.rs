//! Scenario values as the explore page changes them and writes them back as TOML: finding a
//! value in the merged tree, moving a distribution by a shift, and writing a value inline.

use crate::scenario::tree::{Entry, Node, Table, Value};

/// The value at `path` (table names, then the key) in `t`.
pub fn get<'a>(t: &'a Table, path: &[String]) -> Option<&'a Value> {
    let (key, tables) = path.split_last()?;
    let inner = tables
        .iter()
        .try_fold(t, |t, k| match t.get(k).map(|e| &e.node.value) {
            Some(Value::Table(inner)) => Some(inner),
            _ => None,
        })?;
    inner.get(key).map(|e| &e.node.value)
}

/// `x` to 12 significant digits, so that sums such as 0.1507 + 0.02 read as written.
pub fn round(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    format!("{x:.11e}").parse().unwrap_or(x)
}

/// `x` for a reader: 4 significant digits, e.g. `0.1507`, `499.2`, `5127000`.
pub fn short(x: f64) -> String {
    if !x.is_finite() || x == 0.0 {
        return crate::scenario::dist_spec::fmt_num(x);
    }
    let digits = 3 - x.abs().log10().floor() as i32;
    let r = if digits > 0 {
        let f = 10f64.powi(digits);
        (x * f).round() / f
    } else {
        let f = 10f64.powi(-digits);
        (x / f).round() * f
    };
    crate::scenario::dist_spec::fmt_num(round(r))
}

/// Keys of each distribution that move with its location, and the defaults of those a file
/// may leave out (beta's `low` and `high`).
fn location_keys(dist: &str) -> Option<&'static [(&'static str, Option<f64>)]> {
    Some(match dist {
        "normal" | "lognormal" => &[("mean", None)],
        "triangular" | "pert" => &[("low", None), ("mode", None), ("high", None)],
        "uniform" => &[("low", None), ("high", None)],
        "beta" => &[("low", Some(0.0)), ("high", Some(1.0))],
        "choice" => &[("values", None)],
        _ => return None,
    })
}

/// `v` (a number or a distribution table) moved by `by`: a number plus `by`; a distribution
/// with its location and any truncation bounds moved, so each draw moves by `by` (a
/// lognormal keeps its sd, so its mean moves by `by`), the bounds kept within `range` (the
/// input's allowed values), where the draws beyond are cut. `None` for what has no location
/// (gamma) or is not a number.
pub fn shifted(v: &Value, by: f64, range: (f64, f64)) -> Option<Value> {
    let plus = |v: &Value| -> Option<Value> {
        match v {
            Value::Array(items) => Some(Value::Array(
                items
                    .iter()
                    .map(|n| {
                        Some(Node {
                            value: plus_number(&n.value, by)?,
                            loc: n.loc.clone(),
                        })
                    })
                    .collect::<Option<_>>()?,
            )),
            v => plus_number(v, by),
        }
    };
    match v {
        Value::Int(_) | Value::Float(_) => plus(v),
        Value::Table(t) => {
            let Some(Value::Str(dist)) = t.get("dist").map(|e| &e.node.value) else {
                return None;
            };
            let keys = location_keys(dist)?;
            let mut out = t.clone();
            for (key, default) in keys.iter().chain(&[("min", None), ("max", None)]) {
                match out.entries.iter_mut().find(|e| e.key == *key) {
                    Some(e) if ["min", "max"].contains(key) => {
                        let x = match plus(&e.node.value)? {
                            Value::Float(x) => x.clamp(range.0, range.1),
                            _ => return None,
                        };
                        e.node.value = Value::Float(x);
                    }
                    Some(e) => e.node.value = plus(&e.node.value)?,
                    None => {
                        if let Some(d) = default {
                            let loc = crate::error::Loc::file_start(std::path::Path::new(""));
                            out.entries.push(Entry {
                                key: key.to_string(),
                                key_loc: loc.clone(),
                                node: Node {
                                    value: Value::Float(round(d + by)),
                                    loc,
                                },
                            });
                        }
                    }
                }
            }
            Some(Value::Table(out))
        }
        _ => None,
    }
}

fn plus_number(v: &Value, by: f64) -> Option<Value> {
    match v {
        Value::Int(i) => Some(Value::Float(round(*i as f64 + by))),
        Value::Float(f) => Some(Value::Float(round(f + by))),
        _ => None,
    }
}

/// A key as TOML writes it: bare when it can be, else quoted.
pub fn key(k: &str) -> String {
    let bare = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        k.to_string()
    } else {
        toml::Value::String(k.to_string()).to_string()
    }
}

/// A value written inline, as TOML reads it back.
pub fn inline(v: &Value) -> String {
    match v {
        Value::Str(s) => toml::Value::String(s.clone()).to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => toml::Value::Float(*f).to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Date(d) => d.clone(),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(|n| inline(&n.value)).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Table(t) => {
            if t.entries.is_empty() {
                return "{}".to_string();
            }
            let parts: Vec<String> = t
                .entries
                .iter()
                .map(|e| format!("{} = {}", key(&e.key), inline(&e.node.value)))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::sync::Arc;

    const ANY: (f64, f64) = (f64::NEG_INFINITY, f64::INFINITY);

    fn value(text: &str) -> Value {
        let t = crate::scenario::tree::parse(&Arc::new(PathBuf::from("t.toml")), text).unwrap();
        t.entries[0].node.value.clone()
    }

    #[test]
    fn shifts_move_the_location_and_the_truncation() {
        let v = value("x = { dist = \"normal\", mean = 0.1507, sd = 0.1678, min = -0.5, max = 1 }");
        assert_eq!(
            inline(&shifted(&v, 0.02, ANY).unwrap()),
            "{ dist = \"normal\", mean = 0.1707, sd = 0.1678, min = -0.48, max = 1.02 }"
        );
        assert_eq!(
            inline(&shifted(&v, 0.02, (-0.9, 1.0)).unwrap()),
            "{ dist = \"normal\", mean = 0.1707, sd = 0.1678, min = -0.48, max = 1.0 }"
        );
        let v = value("x = { dist = \"pert\", low = 3e6, mode = 5e6, high = 8e6 }");
        assert_eq!(
            inline(&shifted(&v, -1e6, ANY).unwrap()),
            "{ dist = \"pert\", low = 2000000.0, mode = 4000000.0, high = 7000000.0 }"
        );
        let v = value("x = { dist = \"beta\", alpha = 2, beta = 6 }");
        assert_eq!(
            inline(&shifted(&v, 0.1, ANY).unwrap()),
            "{ dist = \"beta\", alpha = 2, beta = 6, low = 0.1, high = 1.1 }"
        );
        assert!(shifted(
            &value("x = { dist = \"gamma\", shape = 2, scale = 1 }"),
            1.0,
            ANY
        )
        .is_none());
        assert_eq!(inline(&shifted(&value("x = 6"), 2.0, ANY).unwrap()), "8.0");
        assert_eq!(key("age_16_19"), "age_16_19");
        assert_eq!(short(499.2458177), "499.2");
        assert_eq!(short(0.15071103852), "0.1507");
        assert_eq!(short(5127354.01), "5127000");
        assert_eq!(short(-0.1), "-0.1");
        assert_eq!(key("a b"), "\"a b\"");
    }
}
