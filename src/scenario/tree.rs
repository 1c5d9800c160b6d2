//! An owned TOML tree where every key and value keeps its file, line and column.

use crate::error::{InputError, InputResult, Loc};
use std::path::PathBuf;
use std::sync::Arc;
use toml::de::{DeTable, DeValue};

#[derive(Debug, Clone)]
pub enum Value {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A TOML date or date-time, as written.
    Date(String),
    Array(Vec<Node>),
    Table(Table),
}

#[derive(Debug, Clone)]
pub struct Node {
    pub value: Value,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub key_loc: Loc,
    pub node: Node,
}

/// A table in source order.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub entries: Vec<Entry>,
}

impl Table {
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    fn get_mut(&mut self, key: &str) -> Option<&mut Entry> {
        self.entries.iter_mut().find(|e| e.key == key)
    }

    pub fn remove(&mut self, key: &str) -> Option<Entry> {
        let i = self.entries.iter().position(|e| e.key == key)?;
        Some(self.entries.remove(i))
    }

    /// Lay `over` on top of `self`: tables merge key by key (except distribution tables, which
    /// are values), arrays under a key in `append_keys` are appended, anything else is replaced.
    pub fn merge(&mut self, over: Table, append_keys: &[&str]) {
        for e in over.entries {
            match self.get_mut(&e.key) {
                None => self.entries.push(e),
                Some(mine) => match (&mut mine.node.value, e.node.value) {
                    // A distribution table is one value: an override replaces it whole.
                    (Value::Table(a), Value::Table(b))
                        if a.get("dist").is_none() && b.get("dist").is_none() =>
                    {
                        a.merge(b, append_keys)
                    }
                    (Value::Array(a), Value::Array(b)) if append_keys.contains(&e.key.as_str()) => {
                        a.extend(b)
                    }
                    (_, v) => {
                        mine.node = Node {
                            value: v,
                            loc: e.node.loc,
                        };
                        mine.key_loc = e.key_loc;
                    }
                },
            }
        }
    }
}

impl Value {
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "a string",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Bool(_) => "a boolean",
            Value::Date(_) => "a date",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
        }
    }
}

/// Parse TOML text into a located tree.
pub fn parse(file: &Arc<PathBuf>, text: &str) -> InputResult<Table> {
    let doc = DeTable::parse(text).map_err(|e| {
        let loc = Loc::at(file, text, e.span().map_or(0, |s| s.start));
        InputError::new(
            &loc,
            "",
            format!("TOML syntax error: {}", e.message().trim_end()),
        )
    })?;
    convert_table(file, text, doc.get_ref())
}

fn convert_table(file: &Arc<PathBuf>, text: &str, t: &DeTable<'_>) -> InputResult<Table> {
    let mut entries = Vec::with_capacity(t.len());
    for (k, v) in t.iter() {
        let key_loc = Loc::at(file, text, k.span().start);
        let node = convert_value(file, text, v)?;
        entries.push(Entry {
            key: k.get_ref().to_string(),
            key_loc,
            node,
        });
    }
    Ok(Table { entries })
}

fn convert_value(
    file: &Arc<PathBuf>,
    text: &str,
    v: &toml::Spanned<DeValue<'_>>,
) -> InputResult<Node> {
    let loc = Loc::at(file, text, v.span().start);
    let value = match v.get_ref() {
        DeValue::String(s) => Value::Str(s.to_string()),
        DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            let parsed = i64::from_str_radix(digits.trim_start_matches('+'), i.radix())
                .map_err(|_| InputError::new(&loc, "", "integer out of range (max 9.2e18)"))?;
            Value::Int(parsed)
        }
        DeValue::Float(f) => {
            let s = f.as_str().replace('_', "");
            let parsed: f64 = s
                .parse()
                .map_err(|_| InputError::new(&loc, "", format!("cannot read number `{s}`")))?;
            Value::Float(parsed)
        }
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::Date(d.to_string()),
        DeValue::Array(a) => Value::Array(
            a.iter()
                .map(|x| convert_value(file, text, x))
                .collect::<InputResult<_>>()?,
        ),
        DeValue::Table(t) => Value::Table(convert_table(file, text, t)?),
    };
    Ok(Node { value, loc })
}
