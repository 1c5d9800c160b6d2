//! The finance file: a CSV with the header `metric,period,value` (and optionally `source`),
//! one recorded amount a row; every cell checked, errors naming the file, line, column and key.

use super::Metric;
use crate::calendar::{fy_label, parse_fy, YearMonth};
use crate::error::{InputError, InputResult, Loc};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Columns of a finance file, in order; `source` may be left out.
pub const COLUMNS: [&str; 4] = ["metric", "period", "value", "source"];
/// Largest amount a finance file may hold, in pounds either way.
const MAX_POUNDS: f64 = 1e11;

/// One recorded amount.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub metric: Metric,
    /// First calendar year of the financial year.
    pub fy: i32,
    /// Pounds; negative = deficit (balances only).
    pub value: f64,
    /// Where the figure comes from, as the file says (may be empty).
    pub source: String,
    /// The value's cell.
    pub loc: Loc,
}

impl Record {
    /// The row's key as errors name it: `hnb_exp_independent,2024-25`.
    pub fn key(&self) -> String {
        format!("{},{}", self.metric.name(), fy_label(self.fy))
    }
}

/// A finance file read and checked cell by cell.
#[derive(Debug, Clone)]
pub struct Outturn {
    pub path: PathBuf,
    pub records: Vec<Record>,
}

impl Outturn {
    pub fn read(path: &Path) -> InputResult<Outturn> {
        let at = Loc::file_start(path);
        let bytes = std::fs::read(path).map_err(|e| {
            InputError::new(
                &at,
                "--finance",
                format!("cannot read `{}`: {e}", path.display()),
            )
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            InputError::new(
                &at,
                "file",
                format!(
                    "not UTF-8 text (invalid byte at offset {}); save the finance file as CSV (UTF-8)",
                    e.utf8_error().valid_up_to()
                ),
            )
        })?;
        Outturn::parse(path, &text)
    }

    /// Read `text` as the file `path`.
    pub fn parse(path: &Path, text: &str) -> InputResult<Outturn> {
        let file = Arc::new(path.to_path_buf());
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let cell = |line: usize, col: usize| Loc {
            file: Arc::clone(&file),
            line,
            col,
        };
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut rows = rdr.records();
        let header = loop {
            match rows.next() {
                None => {
                    return Err(InputError::new(
                        &cell(1, 1),
                        "header",
                        "the file is empty; expected the header `metric,period,value` and a row for each recorded amount",
                    ))
                }
                Some(r) => {
                    let r = r.map_err(|e| csv_error(&file, &e))?;
                    if !r.iter().all(|f| f.trim().is_empty()) {
                        break r;
                    }
                }
            }
        };
        let line0 = header.position().map_or(1, |p| p.line() as usize);
        let columns = header_columns(&header, &|i| cell(line0, col_of(text, &header, i)))?;
        let names = super::metric_names();
        let allowed: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut records: Vec<Record> = Vec::new();
        for r in rows {
            let r = r.map_err(|e| csv_error(&file, &e))?;
            if r.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let line = r.position().map_or(0, |p| p.line() as usize);
            let at = |i: usize| cell(line, col_of(text, &r, i));
            if r.len() > columns.len() {
                return Err(InputError::new(
                    &at(columns.len()),
                    "row",
                    format!(
                        "this row has {} fields but the header has {} ({}); a figure with a comma needs quotes",
                        r.len(),
                        columns.len(),
                        COLUMNS[..columns.len()].join(",")
                    ),
                ));
            }
            let field = |i: usize| r.get(i).unwrap_or("").trim();
            let m = field(0);
            let metric = Metric::parse(m).ok_or_else(|| {
                let hint = crate::scenario::reader::closest(m, &allowed)
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                let what = if m.is_empty() {
                    "an empty metric".to_string()
                } else {
                    format!("`{m}`")
                };
                InputError::new(
                    &at(0),
                    "metric",
                    format!(
                        "{what} is not a finance metric{hint}; allowed: {}",
                        allowed.join(", ")
                    ),
                )
            })?;
            let p = field(1);
            let fy = parse_fy(p)
                .ok_or_else(|| InputError::new(&at(1), "period", period_message(p, metric)))?;
            let key = format!("{m},{p}");
            let v = field(2);
            let value = number(v).ok_or_else(|| {
                InputError::new(
                    &at(2),
                    key.clone(),
                    format!(
                        "`{v}` is not a number; expected pounds as a plain number such as 60900000 or 60.9e6 (no £, commas or `m`){}",
                        if metric.may_be_negative() { ", negative for a deficit" } else { "" }
                    ),
                )
            })?;
            if value.abs() > MAX_POUNDS || (value < 0.0 && !metric.may_be_negative()) {
                let allowed = if metric.may_be_negative() {
                    "an amount in pounds within ±£100bn (negative = deficit)"
                } else {
                    "pounds received or spent, from 0 to £100bn (only the balances can be negative)"
                };
                return Err(InputError::new(
                    &at(2),
                    key,
                    format!("{v} is not allowed; expected {allowed}"),
                ));
            }
            if let Some(first) = records.iter().find(|x| x.metric == metric && x.fy == fy) {
                return Err(InputError::new(
                    &at(0),
                    key,
                    format!(
                        "given twice: line {} already has {} for {}; keep one row for each metric and year",
                        first.loc.line,
                        metric.name(),
                        fy_label(fy)
                    ),
                ));
            }
            records.push(Record {
                metric,
                fy,
                value,
                source: if columns.len() > 3 {
                    field(3).to_string()
                } else {
                    String::new()
                },
                loc: at(2),
            });
        }
        if records.is_empty() {
            return Err(InputError::new(
                &cell(line0, 1),
                "rows",
                "the file has a header but no rows; add a row `metric,period,value` for each recorded amount",
            ));
        }
        Ok(Outturn {
            path: path.to_path_buf(),
            records,
        })
    }

    pub fn get(&self, metric: Metric, fy: i32) -> Option<&Record> {
        self.records
            .iter()
            .find(|r| r.metric == metric && r.fy == fy)
    }

    /// Financial years with at least one value, in order.
    pub fn years(&self) -> Vec<i32> {
        let mut v: Vec<i32> = self.records.iter().map(|r| r.fy).collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// Check the header: `metric,period,value` then optionally `source`, nothing else. Returns
/// the columns present.
fn header_columns(
    header: &csv::StringRecord,
    at: &dyn Fn(usize) -> Loc,
) -> InputResult<Vec<&'static str>> {
    let found: Vec<String> = header
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let first = found.first().map_or("", String::as_str);
    if super::Metric::parse(first).is_some() || parse_fy(first).is_some() {
        return Err(InputError::new(
            &at(0),
            "header",
            "missing header: the first line is a data row; start the file with the line `metric,period,value`",
        ));
    }
    for (i, name) in found.iter().enumerate() {
        let want = COLUMNS.get(i).copied();
        if Some(name.as_str()) != want {
            let hint = crate::scenario::reader::closest(name, &COLUMNS)
                .filter(|c| Some(*c) == want)
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            let expected = match want {
                Some(w) => format!("column {} should be `{w}`", i + 1),
                None => "there is no column after `source`".to_string(),
            };
            return Err(InputError::new(
                &at(i),
                name.clone(),
                format!(
                    "unexpected column `{name}`{hint}: {expected}; the header is `metric,period,value` (then optionally `source`)"
                ),
            ));
        }
    }
    if found.len() < 3 {
        return Err(InputError::new(
            &at(found.len().saturating_sub(1)),
            COLUMNS[found.len()],
            format!(
                "missing column `{}`: the header is `metric,period,value` (then optionally `source`)",
                COLUMNS[found.len()]
            ),
        ));
    }
    Ok(COLUMNS[..found.len()].to_vec())
}

/// Why a period is not a financial year, with what to write instead.
fn period_message(p: &str, metric: Metric) -> String {
    let fix = if p.is_empty() {
        "the period is empty".to_string()
    } else if let Some(y) = p
        .split_once('/')
        .and_then(|(a, b)| parse_fy(&format!("{a}-{b}")))
    {
        format!("`{p}` is written with a slash; write `{}`", fy_label(y))
    } else if let Some(m) = YearMonth::parse(p) {
        let fy = m.fy_start_year();
        if metric == Metric::Cumulative && m.month == 3 {
            format!(
                "`{p}` is a month; the balance at 31 March {} is period `{}`",
                m.year,
                fy_label(fy)
            )
        } else {
            format!(
                "`{p}` is a month; finance files give whole financial years, such as `{}`",
                fy_label(fy)
            )
        }
    } else if p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit()) {
        format!(
            "`{p}` is a calendar year; a financial year runs April to March, such as `{p}-{:02}`",
            (p.parse::<i32>().unwrap_or(0) + 1).rem_euclid(100)
        )
    } else {
        format!("`{p}` is not a financial year")
    };
    format!("{fix}; expected a financial year such as `2024-25` (April 2024 to March 2025)")
}

/// A plain number: digits, sign, decimal point and exponent only.
fn number(s: &str) -> Option<f64> {
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
    {
        return None;
    }
    s.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// The 1-based character column where field `i` of `rec` starts in `text` (the field after
/// the last one for a missing field).
fn col_of(text: &str, rec: &csv::StringRecord, i: usize) -> usize {
    let Some(pos) = rec.position() else { return 1 };
    let start = pos.byte() as usize;
    let line = &text[start.min(text.len())..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let mut field = 0;
    let mut quoted = false;
    for (n, ch) in line.chars().enumerate() {
        if field == i {
            return n + 1;
        }
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => field += 1,
            _ => {}
        }
    }
    line.chars().count() + 1
}

fn csv_error(file: &Arc<PathBuf>, e: &csv::Error) -> InputError {
    let line = e.position().map_or(1, |p| p.line() as usize);
    let loc = Loc {
        file: Arc::clone(file),
        line,
        col: 1,
    };
    let msg = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "the file is not UTF-8 text".to_string(),
        _ => format!("cannot read the file as CSV: {e}"),
    };
    InputError::new(&loc, "row", msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> InputResult<Outturn> {
        Outturn::parse(Path::new("f.csv"), text)
    }

    #[test]
    fn reads_rows_with_and_without_sources() {
        let o = parse(
            "metric,period,value,source\nhnb_income_allocation,2024-25,60.9e6,\"committee paper, May 2025\"\ndsg_cumulative_balance,2024-25,-113300000,\n",
        )
        .unwrap();
        assert_eq!(o.records.len(), 2);
        assert_eq!(o.records[0].value, 60.9e6);
        assert_eq!(o.records[0].source, "committee paper, May 2025");
        assert_eq!(o.records[1].loc.line, 3);
        assert_eq!(o.records[1].loc.col, 32);
        let o = parse("metric,period,value\nhnb_exp_other,2023-24,5\n").unwrap();
        assert_eq!(o.get(Metric::Line(8), 2023).unwrap().value, 5.0);
    }

    #[test]
    fn cells_are_checked() {
        let e = parse("metric,period,value\nhnb_exp_independant,2024-25,5\n").unwrap_err();
        assert_eq!((e.loc.line, e.loc.col, e.key.as_str()), (2, 1, "metric"));
        assert!(
            e.message.contains("did you mean `hnb_exp_independent`"),
            "{e}"
        );
        let e = parse("metric,period,value\nhnb_exp_other,2024/25,5\n").unwrap_err();
        assert_eq!((e.loc.col, e.key.as_str()), (15, "period"));
        assert!(e.message.contains("write `2024-25`"), "{e}");
        let e = parse("metric,period,value\ndsg_cumulative_balance,2025-03,5\n").unwrap_err();
        assert!(e.message.contains("period `2024-25`"), "{e}");
        let e = parse("metric,period,value\nhnb_exp_other,2024-25,£5m\n").unwrap_err();
        assert_eq!((e.loc.col, e.key.as_str()), (23, "hnb_exp_other,2024-25"));
        let e = parse("metric,period,value\nhnb_exp_other,2024-25,-5\n").unwrap_err();
        assert!(e.message.contains("only the balances"), "{e}");
        let e = parse("hnb_exp_other,2024-25,5\n").unwrap_err();
        assert!(e.message.starts_with("missing header"), "{e}");
        let e = parse("metric,year,value\n").unwrap_err();
        assert!(e.message.contains("column 2 should be `period`"), "{e}");
        let e = parse("metric,period\n").unwrap_err();
        assert_eq!(e.key, "value");
        let e = parse("metric,period,value\nhnb_exp_other,2024-25,5\nhnb_exp_other,2024-25,6\n")
            .unwrap_err();
        assert!(e.message.contains("line 2 already"), "{e}");
        let e = parse("metric,period,value\n").unwrap_err();
        assert!(e.message.contains("no rows"), "{e}");
    }
}
