//! Months, financial years and the weekly simulation clock.

use std::fmt;

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct YearMonth {
    pub year: i32,
    /// 1..=12
    pub month: u32,
}

impl YearMonth {
    pub fn new(year: i32, month: u32) -> YearMonth {
        YearMonth { year, month }
    }

    /// "2023-10", "2023-10-01" or a TOML date-time starting with a date.
    pub fn parse(s: &str) -> Option<YearMonth> {
        let s = s.trim();
        let (y, rest) = s.split_once('-')?;
        let m = rest.get(..2)?;
        let tail = &rest[2..];
        if y.len() != 4 || !(tail.is_empty() || tail.starts_with('-')) {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        let month: u32 = m.parse().ok()?;
        if !(1..=12).contains(&month) || !(1900..=2200).contains(&year) {
            return None;
        }
        Some(YearMonth { year, month })
    }

    /// Months since year 0, for differences.
    pub fn index(self) -> i64 {
        self.year as i64 * 12 + self.month as i64 - 1
    }

    pub fn plus_months(self, n: i64) -> YearMonth {
        let i = self.index() + n;
        YearMonth {
            year: i.div_euclid(12) as i32,
            month: (i.rem_euclid(12) + 1) as u32,
        }
    }

    /// First year of the financial year (April-March) holding this month.
    pub fn fy_start_year(self) -> i32 {
        if self.month >= 4 {
            self.year
        } else {
            self.year - 1
        }
    }

    /// Days since 1970-01-01 of the first day of the month.
    pub fn first_day(self) -> i64 {
        days_from_civil(self.year as i64, self.month as i64, 1)
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Label of a financial year (April to March) from its first calendar year.
///
/// ```
/// assert_eq!(sendcast::calendar::fy_label(2025), "2025-26");
/// assert_eq!(sendcast::calendar::fy_label(1999), "1999-00");
/// ```
pub fn fy_label(start_year: i32) -> String {
    format!("{}-{:02}", start_year, (start_year + 1).rem_euclid(100))
}

/// The first calendar year of a financial year written `2024-25` (the second part the next
/// year's last two digits); `None` for anything else.
///
/// ```
/// assert_eq!(sendcast::calendar::parse_fy("2024-25"), Some(2024));
/// assert_eq!(sendcast::calendar::parse_fy("1999-00"), Some(1999));
/// assert_eq!(sendcast::calendar::parse_fy("2024-26"), None);
/// assert_eq!(sendcast::calendar::parse_fy("2024/25"), None);
/// ```
pub fn parse_fy(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    if b.len() != 7
        || b[4] != b'-'
        || !s[..4]
            .bytes()
            .chain(s[5..].bytes())
            .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let y: i32 = s[..4].parse().ok()?;
    let next: i32 = s[5..].parse().ok()?;
    ((1900..=2200).contains(&y) && next == (y + 1).rem_euclid(100)).then_some(y)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The simulation clock: weeks from the first day of the start month, each belonging to the
/// month of its first day.
#[derive(Debug, Clone)]
pub struct Clock {
    pub start: YearMonth,
    pub months: usize,
    /// Month index (0-based from start) of each week.
    pub week_month: Vec<u32>,
    /// First week of each month.
    pub month_first_week: Vec<u32>,
    /// Financial-year index of each month (0 = the year holding the start month).
    pub month_fy: Vec<u32>,
    pub n_fy: usize,
}

pub const WEEKS_PER_YEAR: f64 = 365.25 / 7.0;

impl Clock {
    pub fn new(start: YearMonth, months: usize) -> Clock {
        let day0 = start.first_day();
        let end_day = start.plus_months(months as i64).first_day();
        let n_weeks = ((end_day - day0) as usize).div_ceil(7);
        let month_starts: Vec<i64> = (0..=months)
            .map(|m| start.plus_months(m as i64).first_day())
            .collect();
        let mut week_month = Vec::with_capacity(n_weeks);
        let mut m = 0usize;
        for w in 0..n_weeks {
            let day = day0 + 7 * w as i64;
            while m + 1 < months && day >= month_starts[m + 1] {
                m += 1;
            }
            week_month.push(m as u32);
        }
        let mut month_first_week = vec![0u32; months];
        for (w, &m) in week_month.iter().enumerate().rev() {
            month_first_week[m as usize] = w as u32;
        }
        let fy0 = start.fy_start_year();
        let month_fy: Vec<u32> = (0..months)
            .map(|i| (start.plus_months(i as i64).fy_start_year() - fy0) as u32)
            .collect();
        let n_fy = month_fy.last().map_or(0, |&f| f as usize + 1);
        Clock {
            start,
            months,
            week_month,
            month_first_week,
            month_fy,
            n_fy,
        }
    }

    pub fn n_weeks(&self) -> usize {
        self.week_month.len()
    }

    pub fn month(&self, i: usize) -> YearMonth {
        self.start.plus_months(i as i64)
    }

    /// Month index of `ym`, if inside the horizon.
    pub fn month_index(&self, ym: YearMonth) -> Option<usize> {
        let d = ym.index() - self.start.index();
        (0..self.months as i64).contains(&d).then_some(d as usize)
    }

    pub fn fy_labels(&self) -> Vec<String> {
        let fy0 = self.start.fy_start_year();
        (0..self.n_fy).map(|i| fy_label(fy0 + i as i32)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_belong_to_the_month_of_their_first_day() {
        let c = Clock::new(YearMonth::new(2023, 4), 24);
        assert_eq!(c.n_fy, 2);
        assert_eq!(c.week_month[0], 0);
        // 2023-04-01 + 5 weeks = 2023-05-06: May.
        assert_eq!(c.week_month[5], 1);
        assert_eq!(c.month_first_week[1], 5);
        assert_eq!(c.fy_labels(), vec!["2023-24", "2024-25"]);
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11017);
    }

    #[test]
    fn parses_months() {
        assert_eq!(YearMonth::parse("2023-10"), Some(YearMonth::new(2023, 10)));
        assert_eq!(
            YearMonth::parse("2023-10-01"),
            Some(YearMonth::new(2023, 10))
        );
        assert_eq!(YearMonth::parse("2023-13"), None);
        assert_eq!(YearMonth::parse("23-10"), None);
        assert_eq!(YearMonth::new(2024, 1).fy_start_year(), 2023);
    }
}
