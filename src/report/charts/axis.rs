//! Axes a reader can take in at a glance: time as real months, money in £m, percentages with
//! %, counts with thousands separators, and few enough ticks that labels never collide.

use crate::calendar::YearMonth;
use crate::report::headline::count;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use std::ops::Range;

/// A linear axis whose ticks are exactly the given values (labelled by the chart's formatter).
pub struct Ticked {
    pub range: Range<f64>,
    pub ticks: Vec<f64>,
}

impl Ticked {
    pub fn new(range: Range<f64>, ticks: Vec<f64>) -> Ticked {
        Ticked { range, ticks }
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let (a, b) = (self.range.start, self.range.end);
        let t = if b > a { (v - a) / (b - a) } else { 0.0 };
        limit.0 + (t * (limit.1 - limit.0) as f64).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.range.clone()
    }
}

/// Most labels on a date axis; "Mar 2028" at 14px is about 65px, a plot about 850px wide.
pub const MAX_DATE_TICKS: usize = 8;
/// Most labels on a value axis.
pub const VALUE_TICKS: usize = 7;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Time on the x axis: months since year 0, so `x = ym.index()` is the start of month `ym` and
/// `ym.index() + 1` its end.
pub fn month_start(ym: YearMonth) -> f64 {
    ym.index() as f64
}

pub fn month_end(ym: YearMonth) -> f64 {
    ym.index() as f64 + 1.0
}

/// "Mar 2028" for the month ending at `x` (ticks mark month ends).
pub fn date_label(x: f64) -> String {
    month_name(month_of_index(x.round() as i64 - 1))
}

pub fn month_name(ym: YearMonth) -> String {
    format!("{} {}", MONTHS[ym.month as usize - 1], ym.year)
}

fn month_of_index(i: i64) -> YearMonth {
    YearMonth::new(i.div_euclid(12) as i32, (i.rem_euclid(12) + 1) as u32)
}

/// Ticks at the ends of financial years (31 March) within `lo..=hi`, every year or every few
/// years so there are at most `MAX_DATE_TICKS`.
pub fn date_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let all: Vec<f64> = ((lo / 12.0).floor() as i64..=(hi / 12.0).ceil() as i64)
        .map(|y| month_end(YearMonth::new(y as i32, 3)))
        .filter(|&x| x >= lo && x <= hi)
        .collect();
    let step = all.len().div_ceil(MAX_DATE_TICKS).max(1);
    // Keep the last tick (the horizon's end matters most) and step back from it.
    let n = all.len();
    all.into_iter()
        .enumerate()
        .filter(|(i, _)| (n - 1 - i).is_multiple_of(step))
        .map(|(_, x)| x)
        .collect()
}

/// What a value axis shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Pounds, shown in £m.
    Money,
    Percent,
    Count,
}

impl Unit {
    pub fn of(metric: &str) -> Unit {
        if metric.ends_with("_pct") {
            Unit::Percent
        } else if metric.starts_with("dsg_")
            || metric.starts_with("hnb_")
            || metric.ends_with("_cost")
        {
            Unit::Money
        } else {
            Unit::Count
        }
    }

    /// Factor from the metric's own unit to the axis's.
    pub fn scale(self) -> f64 {
        match self {
            Unit::Money => 1e-6,
            _ => 1.0,
        }
    }

    /// A tick label.
    pub fn tick(self, v: f64) -> String {
        match self {
            Unit::Money if v.abs() >= 1000.0 => count(v),
            Unit::Money => signed(trim(v, 1)),
            Unit::Percent => format!("{}%", trim(v, 0)),
            Unit::Count => count(v),
        }
    }

    /// A value in a sentence: "−£113.3m", "77%", "4,432".
    pub fn words(self, v: f64) -> String {
        match self {
            Unit::Money => {
                // Tenths of a million only where they matter.
                let d = if v.abs() >= 100.0 { 0 } else { 1 };
                let s = format!("£{}m", trim(v.abs(), d));
                if v < -0.05 {
                    format!("\u{2212}{s}")
                } else {
                    s
                }
            }
            Unit::Percent => format!("{}%", trim(v, 0)),
            Unit::Count => count(v),
        }
    }
}

/// A typographic minus for negative numbers.
fn signed(s: String) -> String {
    match s.strip_prefix('-') {
        Some(rest) => format!("\u{2212}{rest}"),
        None => s,
    }
}

/// At most `decimals` decimals, without trailing zeros; never "-0".
pub(crate) fn trim(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".to_string()
    } else {
        s
    }
}

/// A range holding every finite value, widened by 5% each side (and to hold 0 if `with_zero`).
pub fn padded_range(values: impl IntoIterator<Item = f64>, with_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.into_iter().filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if with_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    let pad = ((hi - lo) * 0.05)
        .max(hi.abs().max(lo.abs()) * 0.01)
        .max(1e-9);
    (lo - pad, hi + pad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(date_label(month_end(YearMonth::new(2028, 3))), "Mar 2028");
        assert_eq!(Unit::Money.tick(-150.0), "\u{2212}150");
        assert_eq!(Unit::Money.tick(-0.0), "0");
        assert_eq!(Unit::Money.tick(-1200.0), "\u{2212}1,200");
        assert_eq!(Unit::Money.words(-113.26), "\u{2212}£113m");
        assert_eq!(Unit::Money.words(-63.46), "\u{2212}£63.5m");
        assert_eq!(Unit::Count.tick(4432.0), "4,432");
        assert_eq!(Unit::Percent.tick(60.0), "60%");
    }

    #[test]
    fn date_ticks_are_few_and_end_at_march() {
        let lo = month_start(YearMonth::new(2019, 10));
        let hi = month_end(YearMonth::new(2043, 3));
        let t = date_ticks(lo, hi);
        assert!(t.len() <= MAX_DATE_TICKS && t.len() >= 4, "{t:?}");
        assert_eq!(date_label(*t.last().unwrap()), "Mar 2043");
        assert!(t.iter().all(|&x| date_label(x).starts_with("Mar")));
    }
}
