//! Typed, located access to a table of the merged scenario: unknown keys and wrong types are
//! reported with file, line, column, key and what is allowed.

use super::dist_spec;
use super::tree::{Entry, Node, Table, Value};
use crate::calendar::YearMonth;
use crate::error::{InputError, InputResult, Loc};
use crate::model::dist::Domain;
use crate::model::{ParamId, ParamTable};

pub struct Section<'a> {
    pub table: &'a Table,
    pub path: String,
    pub loc: Loc,
}

impl<'a> Section<'a> {
    /// Wrap `table`, rejecting any key not in `allowed`.
    pub fn new(table: &'a Table, path: &str, loc: &Loc, allowed: &[&str]) -> InputResult<Self> {
        let s = Section {
            table,
            path: path.to_string(),
            loc: loc.clone(),
        };
        for e in &table.entries {
            if !allowed.contains(&e.key.as_str()) {
                let hint = closest(&e.key, allowed)
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                return Err(InputError::new(
                    &e.key_loc,
                    s.key(&e.key),
                    format!(
                        "unknown key{hint}; allowed here: {}",
                        if allowed.is_empty() {
                            "no keys".to_string()
                        } else {
                            allowed.join(", ")
                        }
                    ),
                ));
            }
        }
        Ok(s)
    }

    pub fn key(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    pub fn has(&self, key: &str) -> bool {
        self.table.get(key).is_some()
    }

    pub fn opt(&self, key: &str) -> Option<&'a Entry> {
        self.table.get(key)
    }

    pub fn req(&self, key: &str, what: &str) -> InputResult<&'a Entry> {
        self.table.get(key).ok_or_else(|| {
            InputError::new(
                &self.loc,
                self.key(key),
                format!("missing; required: {what}"),
            )
        })
    }

    pub fn type_error(&self, key: &str, node: &Node, expected: &str) -> InputError {
        InputError::new(
            &node.loc,
            self.key(key),
            format!("expected {expected}, found {}", node.value.type_name()),
        )
    }

    /// A required number or distribution, registered as a named input.
    pub fn param(
        &self,
        key: &str,
        domain: Domain,
        params: &mut ParamTable,
    ) -> InputResult<ParamId> {
        let e = self.req(key, domain.what)?;
        dist_spec::param_from_node(&self.key(key), &e.node, domain, params)
    }

    /// An optional number or distribution; `default` (documented in the schema) when absent.
    pub fn param_or(
        &self,
        key: &str,
        domain: Domain,
        default: f64,
        params: &mut ParamTable,
    ) -> InputResult<ParamId> {
        match self.opt(key) {
            Some(e) => dist_spec::param_from_node(&self.key(key), &e.node, domain, params),
            None => Ok(params.fixed(&self.key(key), default)),
        }
    }

    /// A plain (not uncertain) number.
    pub fn number(&self, key: &str, domain: Domain) -> InputResult<f64> {
        let e = self.req(key, domain.what)?;
        self.number_node(key, &e.node, domain)
    }

    pub fn number_or(&self, key: &str, domain: Domain, default: f64) -> InputResult<f64> {
        match self.opt(key) {
            Some(e) => self.number_node(key, &e.node, domain),
            None => Ok(default),
        }
    }

    fn number_node(&self, key: &str, node: &Node, domain: Domain) -> InputResult<f64> {
        let x = match node.value {
            Value::Int(i) => i as f64,
            Value::Float(f) => f,
            _ => return Err(self.type_error(key, node, domain.what)),
        };
        if !domain.contains(x) {
            return Err(InputError::new(
                &node.loc,
                self.key(key),
                format!(
                    "{} is not allowed; expected {}",
                    super::dist_spec::fmt_num(x),
                    domain.what
                ),
            ));
        }
        Ok(x)
    }

    /// A whole number within [min, max].
    pub fn int(&self, key: &str, min: i64, max: i64) -> InputResult<i64> {
        let e = self.req(key, &format!("a whole number from {min} to {max}"))?;
        self.int_node(key, &e.node, min, max)
    }

    pub fn int_or(&self, key: &str, min: i64, max: i64, default: i64) -> InputResult<i64> {
        match self.opt(key) {
            Some(e) => self.int_node(key, &e.node, min, max),
            None => Ok(default),
        }
    }

    fn int_node(&self, key: &str, node: &Node, min: i64, max: i64) -> InputResult<i64> {
        match node.value {
            Value::Int(i) if (min..=max).contains(&i) => Ok(i),
            Value::Int(i) => Err(InputError::new(
                &node.loc,
                self.key(key),
                format!("{i} is out of range; expected a whole number from {min} to {max}"),
            )),
            _ => Err(self.type_error(key, node, &format!("a whole number from {min} to {max}"))),
        }
    }

    pub fn string(&self, key: &str) -> InputResult<&'a str> {
        let e = self.req(key, "a string")?;
        self.string_node(key, &e.node)
    }

    pub fn string_opt(&self, key: &str) -> InputResult<Option<&'a str>> {
        self.opt(key)
            .map(|e| self.string_node(key, &e.node))
            .transpose()
    }

    fn string_node(&self, key: &str, node: &'a Node) -> InputResult<&'a str> {
        match &node.value {
            Value::Str(s) => Ok(s),
            _ => Err(self.type_error(key, node, "a string")),
        }
    }

    /// One of a fixed set of words.
    pub fn choice<T: Copy>(&self, key: &str, options: &[(&str, T)]) -> InputResult<T> {
        let e = self.req(key, "a string")?;
        self.choice_node(key, &e.node, options)
    }

    pub fn choice_node<T: Copy>(
        &self,
        key: &str,
        node: &Node,
        options: &[(&str, T)],
    ) -> InputResult<T> {
        let names: Vec<&str> = options.iter().map(|o| o.0).collect();
        let s = match &node.value {
            Value::Str(s) => s,
            _ => return Err(self.type_error(key, node, &format!("one of {}", names.join(", ")))),
        };
        options
            .iter()
            .find(|o| o.0 == s)
            .map(|o| o.1)
            .ok_or_else(|| {
                InputError::new(
                    &node.loc,
                    self.key(key),
                    format!("`{s}` is not allowed; expected one of {}", names.join(", ")),
                )
            })
    }

    /// A month, written "2023-10" or as a date 2023-10-01.
    pub fn month(&self, key: &str) -> InputResult<(YearMonth, Loc)> {
        let e = self.req(key, "a month such as \"2023-10\"")?;
        let text = match &e.node.value {
            Value::Str(s) | Value::Date(s) => s.as_str(),
            _ => return Err(self.type_error(key, &e.node, "a month such as \"2023-10\"")),
        };
        YearMonth::parse(text)
            .map(|ym| (ym, e.node.loc.clone()))
            .ok_or_else(|| {
                InputError::new(
                    &e.node.loc,
                    self.key(key),
                    format!("`{text}` is not a month; expected \"YYYY-MM\" (e.g. \"2023-10\") or a date"),
                )
            })
    }

    pub fn month_opt(&self, key: &str) -> InputResult<Option<(YearMonth, Loc)>> {
        if self.has(key) {
            self.month(key).map(Some)
        } else {
            Ok(None)
        }
    }

    /// A sub-table, checked against its own allowed keys.
    pub fn section(&self, key: &str, allowed: &[&str]) -> InputResult<Section<'a>> {
        let e = self.req(key, "a table")?;
        self.section_node(key, &e.node, allowed)
    }

    pub fn section_opt(&self, key: &str, allowed: &[&str]) -> InputResult<Option<Section<'a>>> {
        match self.opt(key) {
            Some(e) => self.section_node(key, &e.node, allowed).map(Some),
            None => Ok(None),
        }
    }

    fn section_node(
        &self,
        key: &str,
        node: &'a Node,
        allowed: &[&str],
    ) -> InputResult<Section<'a>> {
        match &node.value {
            Value::Table(t) => Section::new(t, &self.key(key), &node.loc, allowed),
            _ => Err(self.type_error(key, node, "a table")),
        }
    }

    /// An array of tables (`[[key]]`), possibly absent.
    pub fn array(&self, key: &str) -> InputResult<Vec<&'a Node>> {
        match self.opt(key) {
            None => Ok(Vec::new()),
            Some(e) => match &e.node.value {
                Value::Array(items) => Ok(items.iter().collect()),
                _ => Err(self.type_error(key, &e.node, "an array")),
            },
        }
    }

    /// Element `i` of array `key` as a section.
    pub fn item(
        &self,
        key: &str,
        i: usize,
        node: &'a Node,
        allowed: &[&str],
    ) -> InputResult<Section<'a>> {
        let path = format!("{}[{i}]", self.key(key));
        match &node.value {
            Value::Table(t) => Section::new(t, &path, &node.loc, allowed),
            _ => Err(InputError::new(
                &node.loc,
                path,
                format!("expected a table, found {}", node.value.type_name()),
            )),
        }
    }

    /// A table of named numbers (e.g. shares by setting): every key must be in `names`,
    /// absent names are 0.
    pub fn named_params(
        &self,
        key: &str,
        names: &[&str],
        domain: Domain,
        params: &mut ParamTable,
    ) -> InputResult<Vec<ParamId>> {
        let sec = self.section(key, names)?;
        names
            .iter()
            .map(|n| sec.param_or(n, domain, 0.0, params))
            .collect()
    }

    /// An array of exactly `len` numbers or distributions.
    pub fn param_array(
        &self,
        key: &str,
        len: usize,
        domain: Domain,
        params: &mut ParamTable,
    ) -> InputResult<Vec<ParamId>> {
        let e = self.req(key, &format!("an array of {len} numbers"))?;
        self.params_of(key, &e.node, len..=len, domain, params)
    }

    /// An array of 1 to `max` numbers or distributions, possibly absent.
    pub fn param_list(
        &self,
        key: &str,
        max: usize,
        domain: Domain,
        params: &mut ParamTable,
    ) -> InputResult<Option<Vec<ParamId>>> {
        self.opt(key)
            .map(|e| self.params_of(key, &e.node, 1..=max, domain, params))
            .transpose()
    }

    fn params_of(
        &self,
        key: &str,
        node: &Node,
        lens: std::ops::RangeInclusive<usize>,
        domain: Domain,
        params: &mut ParamTable,
    ) -> InputResult<Vec<ParamId>> {
        let (lo, hi) = (*lens.start(), *lens.end());
        let expected = if lo == hi {
            format!("exactly {lo}")
        } else {
            format!("{lo} to {hi}")
        };
        let items = match &node.value {
            Value::Array(items) if lens.contains(&items.len()) => items,
            Value::Array(items) => {
                return Err(InputError::new(
                    &node.loc,
                    self.key(key),
                    format!("has {} values; expected {expected}", items.len()),
                ))
            }
            _ => {
                return Err(self.type_error(key, node, &format!("an array of {expected} numbers")))
            }
        };
        items
            .iter()
            .enumerate()
            .map(|(i, n)| {
                dist_spec::param_from_node(&format!("{}[{i}]", self.key(key)), n, domain, params)
            })
            .collect()
    }
}

/// The allowed word closest to a misspelt one, if any is close.
pub fn closest<'b>(word: &str, allowed: &[&'b str]) -> Option<&'b str> {
    allowed
        .iter()
        .map(|a| (strsim::levenshtein(word, a), *a))
        .filter(|(d, a)| *d <= 2.max(a.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}
