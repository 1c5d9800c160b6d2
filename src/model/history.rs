//! What actually happened (`[history]`): recorded values of reported metrics, drawn on the
//! charts beside the forecast so a reader can judge it against them.

use crate::calendar::{fy_label, YearMonth};
use crate::error::{InputError, InputResult};
use crate::scenario::reader::Section;
use crate::scenario::tree::Value;
use crate::stats::metrics::{self, Kind};

/// The time a recorded value covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// A stock at the end of the month (a January census is that January), or a month's flow.
    Month(YearMonth),
    /// January to December of a year (SEN2 flows and timeliness).
    CalendarYear(i32),
    /// April to March, by its first year (council accounts).
    FinancialYear(i32),
}

impl Span {
    /// First and last month covered.
    pub fn months(self) -> (YearMonth, YearMonth) {
        match self {
            Span::Month(m) => (m, m),
            Span::CalendarYear(y) => (YearMonth::new(y, 1), YearMonth::new(y, 12)),
            Span::FinancialYear(y) => (YearMonth::new(y, 4), YearMonth::new(y + 1, 3)),
        }
    }

    /// As written in the file.
    pub fn label(self) -> String {
        match self {
            Span::Month(m) => m.to_string(),
            Span::CalendarYear(y) => y.to_string(),
            Span::FinancialYear(y) => fy_label(y),
        }
    }
}

/// One recorded value.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub metric: String,
    pub span: Span,
    /// In the metric's own unit (pounds, plans, %).
    pub value: f64,
}

/// Furthest before the start a recorded value may lie: enough for any published series.
const MAX_YEARS_BEFORE_START: i32 = 30;

/// Read `[history]`: `METRIC = { PERIOD = VALUE, ... }` for reported metrics, in file order.
pub fn compile(top: &Section<'_>, start: YearMonth, end: YearMonth) -> InputResult<Vec<Point>> {
    let all = metrics::all();
    let names: Vec<&str> = all.iter().map(|m| m.name.as_str()).collect();
    let Some(sec) = top.section_opt("history", &names)? else {
        return Ok(Vec::new());
    };
    let mut points = Vec::new();
    for e in &sec.table.entries {
        let metric = all
            .iter()
            .find(|m| m.name == e.key)
            .expect("Section::new checked the key");
        let key = sec.key(&e.key);
        let stock = matches!(metric.kind, Kind::Stock(_));
        let Value::Table(t) = &e.node.value else {
            return Err(InputError::new(
                &e.node.loc,
                key,
                format!(
                    "expected a table of values by period such as {{ \"2024-01\" = 3769 }}, found {}",
                    e.node.value.type_name()
                ),
            ));
        };
        for p in &t.entries {
            let pkey = format!("{key}.\"{}\"", p.key);
            let span = parse_span(&p.key, stock).ok_or_else(|| {
                let allowed = if stock {
                    "a month \"YYYY-MM\" (the value at its end; a January census is \"YYYY-01\")"
                        .to_string()
                } else {
                    "a month \"YYYY-MM\", a calendar year \"YYYY\" or a financial year \"YYYY-YY\""
                        .to_string()
                };
                let why = if stock && parse_span(&p.key, false).is_some() {
                    format!("`{}` is a stock, counted at a moment, so ", e.key)
                } else {
                    String::new()
                };
                InputError::new(
                    &p.key_loc,
                    pkey.clone(),
                    format!("`{}` is not a period here; {why}expected {allowed}", p.key),
                )
            })?;
            let (first, last) = span.months();
            if last >= end || first.year < start.year - MAX_YEARS_BEFORE_START {
                return Err(InputError::new(
                    &p.key_loc,
                    pkey,
                    format!(
                        "{} is outside the years history may cover: from {} to the horizon's last month {}",
                        span.label(),
                        start.year - MAX_YEARS_BEFORE_START,
                        end.plus_months(-1)
                    ),
                ));
            }
            let value = match p.node.value {
                Value::Int(i) => i as f64,
                Value::Float(x) => x,
                _ => {
                    return Err(InputError::new(
                        &p.node.loc,
                        pkey,
                        format!("expected a number, found {}", p.node.value.type_name()),
                    ))
                }
            };
            let (ok, what) = if e.key.ends_with("_pct") {
                ((0.0..=100.0).contains(&value), "a percentage from 0 to 100")
            } else if metric.may_be_negative() {
                (
                    value.is_finite(),
                    if e.key.starts_with("dsg_") {
                        "a finite amount in pounds (negative = deficit)"
                    } else {
                        "a finite number (negative = more out than in)"
                    },
                )
            } else {
                (
                    value.is_finite() && value >= 0.0,
                    "a finite number, 0 or more",
                )
            };
            if !ok {
                return Err(InputError::new(
                    &p.node.loc,
                    pkey,
                    format!("{value} is not allowed; expected {what}"),
                ));
            }
            points.push(Point {
                metric: e.key.clone(),
                span,
                value,
            });
        }
    }
    Ok(points)
}

/// "2024-01" (a month), or for flows and ratios also "2022" (calendar) or "2022-23" (financial;
/// "2011-12" is December 2011, the financial years 2000-01 to 2011-12 cannot be written).
fn parse_span(s: &str, stock: bool) -> Option<Span> {
    if s.len() == 7 && s.as_bytes()[4] == b'-' {
        let y: i32 = s[..4].parse().ok()?;
        let rest: u32 = s[5..].parse().ok()?;
        if s[..4].bytes().all(|b| b.is_ascii_digit()) && s[5..].bytes().all(|b| b.is_ascii_digit())
        {
            if let Some(m) = YearMonth::parse(s) {
                return Some(Span::Month(m));
            }
            // "2022-23": the second part is the next year's last two digits.
            if !stock && rest == ((y + 1).rem_euclid(100)) as u32 && rest > 12 {
                return Some(Span::FinancialYear(y));
            }
        }
        return None;
    }
    if !stock && s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        let y: i32 = s.parse().ok()?;
        if (1900..=2200).contains(&y) {
            return Some(Span::CalendarYear(y));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_periods() {
        assert_eq!(
            parse_span("2024-01", true),
            Some(Span::Month(YearMonth::new(2024, 1)))
        );
        assert_eq!(parse_span("2022", false), Some(Span::CalendarYear(2022)));
        assert_eq!(parse_span("2022", true), None);
        assert_eq!(
            parse_span("2022-23", false),
            Some(Span::FinancialYear(2022))
        );
        // Where a month and a financial year read the same, it is the month.
        assert_eq!(
            parse_span("2011-12", false),
            Some(Span::Month(YearMonth::new(2011, 12)))
        );
        assert_eq!(parse_span("2022-24", false), None);
        assert_eq!(parse_span("2022-13", false), None);
        assert_eq!(parse_span("Jan 2022", false), None);
        assert_eq!(
            Span::FinancialYear(2022).months(),
            (YearMonth::new(2022, 4), YearMonth::new(2023, 3))
        );
    }
}
