//! The report's headline: plain sentences written from the run's numbers, for a reader who
//! will not read a table (money, the in-year balance, timeliness, backlog, plans).

use super::Report;
use crate::model::Model;
use crate::run::Period;
use crate::stats;

/// The financial year whose end closes the statutory override of DSG deficits (31 March 2028).
pub const OVERRIDE_END: &str = "2027-28";

/// The year a deficit is reported at: the end of the override if the horizon reaches it, else
/// the horizon's last year (`None` with no years).
pub fn key_year(years: &[Period]) -> Option<&str> {
    years
        .iter()
        .find(|p| p.label == OVERRIDE_END)
        .or(years.last())
        .map(|p| p.label.as_str())
}

/// When any of the model's base-year money is national defaults, a sentence that says so
/// in plain words: the printed table's title, the first headline sentence, the workbook's
/// financial plan and summary.json carry it.
pub fn finance_defaults_note(model: &Model) -> Option<String> {
    let d = &model.finance.defaults;
    if d.is_empty() {
        return None;
    }
    let kept = ["hnb_income", "hnb_expenditure", "dsg_in_year_balance"];
    let all = crate::outturn::metric_names()
        .into_iter()
        .filter(|m| !kept.contains(&m.as_str()))
        .all(|m| d.contains(&m));
    if all {
        return Some(
            "The high-needs money in these figures (income, spending by line and the opening balance) is national defaults, not this authority's accounts; its own outturn replaces them (calibrate --finance)."
                .to_string(),
        );
    }
    let labels: Vec<String> = d
        .iter()
        .map(|m| {
            if m == "dsg_cumulative_balance" {
                "the opening balance".to_string()
            } else {
                super::xlsx::plan_label(m).unwrap_or(m).to_string()
            }
        })
        .collect();
    Some(format!(
        "Some of the high-needs money in these figures is national defaults, not this authority's accounts: {}.",
        labels.join("; ")
    ))
}

/// Headline sentences, in reading order. Years the horizon lacks, and outcomes with no events
/// (no plans issued, say), are left out rather than guessed.
pub fn sentences(report: &Report<'_>, model: &Model) -> Vec<String> {
    let r = report.results;
    let Some(first) = r.years.first().map(|p| p.label.as_str()) else {
        return Vec::new();
    };
    let last = r.years.last().map_or(first, |p| p.label.as_str());
    let key = key_year(&r.years).unwrap_or(last);
    let mut out: Vec<String> = finance_defaults_note(model).into_iter().collect();
    deficit(report, key, &mut out);
    if key != last {
        if let Some(s) = defined(report.year("dsg_cumulative_balance", last)) {
            out.push(format!(
                "By {}, the end of the projection, it is most likely {}, with an 80% chance of {}.",
                march(last),
                balance(s.q[3]),
                balance_range(s.q[1], s.q[5])
            ));
        }
    }
    // Flows over a year: the first whole one (a January start's first year is its last
    // quarter).
    let whole = r
        .years
        .iter()
        .find(|p| p.hi - p.lo == 12)
        .map_or(first, |p| p.label.as_str());
    in_year(report, whole, last, &mut out);
    let second = r.years.get(1).map_or(first, |p| p.label.as_str());
    let mut years = vec![second];
    if key != second {
        years.push(key);
    }
    for y in years {
        timeliness(report, y, &mut out);
    }
    plans(report, first, key, &mut out);
    if let Some(s) = defined(report.year("send_service_cost", whole)) {
        let transport = if model.finance.transport.is_some() {
            " and home-to-school transport"
        } else {
            ""
        };
        out.push(format!(
            "The SEND service's General Fund cost (casework staff, agency cover, one-off investments{transport}) is a median {} in {whole}.",
            money(s.q[3])
        ));
    }
    let points = fmt_sig(200.0 * stats::probability_se(0.5, r.runs));
    let plural = if points == "1" { "" } else { "s" };
    out.push(format!(
        "These figures come from {} simulated futures; a probability is good to about ±{points} percentage point{plural} (two standard errors at 50%).",
        count(r.runs as f64),
    ));
    out
}

fn defined(s: Option<&stats::Summary>) -> Option<&stats::Summary> {
    s.filter(|s| s.is_defined())
}

fn deficit(report: &Report<'_>, key: &str, out: &mut Vec<String>) {
    let Some(s) = defined(report.year("dsg_cumulative_balance", key)) else {
        return;
    };
    let when = if key == OVERRIDE_END {
        format!("{}, when the statutory override ends", march(key))
    } else {
        march(key)
    };
    out.push(format!(
        "By {when}, the cumulative DSG high-needs balance is most likely {}, with an 80% chance of {}.",
        balance(s.q[3]),
        balance_range(s.q[1], s.q[5])
    ));
    let r = report.results;
    let (Some(k), Some(j)) = (
        r.metric_index("dsg_cumulative_balance"),
        r.years.iter().position(|p| p.label == key),
    ) else {
        return;
    };
    let deficits: Vec<f64> = r
        .column_values(r.column(k, r.months.len() + j))
        .into_iter()
        .map(|x| -x)
        .collect();
    let median = -s.q[3];
    if median <= 0.0 {
        let p = stats::probability(&deficits, |d| d > 0.0);
        out.push(format!(
            "There is {} chance of a deficit at that date.",
            chance(p)
        ));
        return;
    }
    // Round thresholds near the quartiles, so the two chances bracket the likely range.
    let step = 10f64.powf(median.log10().floor() - 1.0).max(1e5);
    let low = (-s.q[4] / step).floor() * step;
    let high = (-s.q[2] / step).ceil() * step;
    let mut parts = Vec::new();
    for t in [low, high] {
        if t > 0.0 && !parts.iter().any(|(u, _)| *u == t) {
            parts.push((t, stats::probability(&deficits, |d| d > t)));
        }
    }
    let phrases: Vec<String> = parts
        .iter()
        .map(|(t, p)| format!("{} chance the deficit passes {}", chance(*p), money(*t)))
        .collect();
    if !phrases.is_empty() {
        out.push(format!("There is {} by then.", phrases.join(", and ")));
    }
}

fn in_year(report: &Report<'_>, first: &str, last: &str, out: &mut Vec<String>) {
    if let Some(s) = defined(report.year("dsg_in_year_balance", first)) {
        let gap = if s.q[3] < 0.0 {
            format!(
                "high-needs spending most likely exceeds income by {}",
                money(-s.q[3])
            )
        } else {
            format!(
                "high-needs income most likely exceeds spending by {}",
                money(s.q[3])
            )
        };
        out.push(format!(
            "In {first} {gap} (80% range of the in-year balance: {} to {}).",
            money(s.q[1]),
            money(s.q[5])
        ));
    }
    let event = "dsg_in_year_balance_ge_0";
    match report.first_year(event, 0.5) {
        Some((y, p)) => {
            let mut s = format!(
                "An in-year balance (income covering spending) first becomes more likely than not in {y}, with a chance of {}",
                prob(p)
            );
            match report.first_year(event, 0.8) {
                Some((y8, _)) if y8 == y => {}
                Some((y8, p8)) => s.push_str(&format!(
                    "; its chance first reaches 80% in {y8} ({})",
                    prob(p8)
                )),
                None => s.push_str(&format!("; its chance does not reach 80% by {last}")),
            }
            s.push('.');
            out.push(s);
        }
        None => {
            if let Some((y, p)) = report.best_year(event) {
                out.push(format!(
                    "In no year up to {last} is an in-year balance more likely than not; the best chance is {}, in {y}.",
                    prob(p)
                ));
            }
        }
    }
}

fn timeliness(report: &Report<'_>, y: &str, out: &mut Vec<String>) {
    if let Some(s) = defined(report.year("plans_within_20_weeks_pct", y)) {
        let mut t = format!(
            "In {y} a median {} of new plans are issued within the statutory 20 weeks (80% range {} to {})",
            pct(s.q[3]),
            pct(s.q[1]),
            pct(s.q[5])
        );
        if let Some(p) = report.probability("plans_within_20_weeks_pct_ge_60", y) {
            t.push_str(&format!(
                "; the chance that at least 60% are is {}",
                prob(p)
            ));
        }
        t.push('.');
        out.push(t);
    }
    if let Some(s) = defined(report.year("assessment_backlog", y)) {
        out.push(format!(
            "On {} a median of {} open assessments are past 20 weeks (80% range {} to {}).",
            march(y),
            count(s.q[3]),
            count(s.q[1]),
            count(s.q[5])
        ));
    }
}

fn plans(report: &Report<'_>, first: &str, key: &str, out: &mut Vec<String>) {
    let (Some(a), Some(b)) = (
        defined(report.year("ehcps", first)),
        defined(report.year("ehcps", key)),
    ) else {
        return;
    };
    let mut s = format!(
        "The number of EHC plans is most likely {} on {} (80% range {} to {}), against {} on {}",
        count(b.q[3]),
        march(key),
        count(b.q[1]),
        count(b.q[5]),
        count(a.q[3]),
        march(first)
    );
    if let Some(i) = defined(report.year("ehcps_independent_special", key)) {
        s.push_str(&format!(
            "; of these, {} are in independent or non-maintained special schools (80% range {} to {})",
            count(i.q[3]),
            count(i.q[1]),
            count(i.q[5])
        ));
    }
    s.push('.');
    out.push(s);
}

/// `2027-28` → `31 March 2028`.
pub fn march(fy: &str) -> String {
    match fy.get(..4).and_then(|y| y.parse::<i32>().ok()) {
        Some(y) => format!("31 March {}", y + 1),
        None => fy.to_string(),
    }
}

/// Pounds as `£239m`, `£27.8m`, `£784k` or `£950`.
pub fn money(x: f64) -> String {
    let a = x.abs();
    let sign = if x <= -0.5 { "−" } else { "" };
    if a >= 1e9 {
        format!("{sign}£{:.2}bn", a / 1e9)
    } else if a >= 1e8 {
        format!("{sign}£{:.0}m", a / 1e6)
    } else if a >= 1e6 {
        format!("{sign}£{:.1}m", a / 1e6)
    } else if a >= 1e4 {
        format!("{sign}£{:.0}k", a / 1e3)
    } else {
        format!("{sign}£{a:.0}")
    }
}

fn balance(x: f64) -> String {
    if x < 0.0 {
        format!("a deficit of {}", money(-x))
    } else {
        format!("a surplus of {}", money(x))
    }
}

/// An 80% range of a balance, from its P10 to its P90.
fn balance_range(p10: f64, p90: f64) -> String {
    if p90 < 0.0 {
        format!("a deficit between {} and {}", money(-p90), money(-p10))
    } else if p10 >= 0.0 {
        format!("a surplus between {} and {}", money(p10), money(p90))
    } else {
        format!("anything from {} to {}", balance(p10), balance(p90))
    }
}

/// A chance with its article: `a 62%`, `an 80%`, `a less than 1%`, `no`.
fn chance(p: f64) -> String {
    let n = (100.0 * p).round() as i64;
    if p <= 0.0 {
        "no".to_string()
    } else if p < 0.005 {
        "a less than 1%".to_string()
    } else if p > 0.995 && p < 1.0 {
        "a more than 99%".to_string()
    } else if n == 8 || n == 11 || n == 18 || (80..90).contains(&n) {
        format!("an {n}%")
    } else {
        format!("a {n}%")
    }
}

/// A probability as a percentage that never rounds a possibility to 0% or a doubt to 100%.
fn prob(p: f64) -> String {
    if p > 0.0 && p < 0.005 {
        "under 1%".to_string()
    } else if p > 0.995 && p < 1.0 {
        "over 99%".to_string()
    } else {
        format!("{:.0}%", 100.0 * p)
    }
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x)
}

/// A whole number with thousands separators.
pub fn count(x: f64) -> String {
    let n = x.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut s = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            s.push(',');
        }
        s.push(ch);
    }
    if n < 0 {
        format!("−{s}")
    } else {
        s
    }
}

/// One significant figure, e.g. `2` or `0.6`.
fn fmt_sig(x: f64) -> String {
    if x >= 1.0 {
        format!("{:.0}", x)
    } else {
        format!("{:.1}", x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_for_numbers() {
        assert_eq!(money(-239.4e6), "−£239m");
        assert_eq!(money(27.84e6), "£27.8m");
        assert_eq!(money(784_000.0), "£784k");
        assert_eq!(count(4516.4), "4,516");
        assert_eq!(count(1_234_567.0), "1,234,567");
        assert_eq!(count(-12.0), "−12");
        assert_eq!(chance(0.62), "a 62%");
        assert_eq!(chance(0.8), "an 80%");
        assert_eq!(chance(0.001), "a less than 1%");
        assert_eq!(chance(0.0), "no");
        assert_eq!(march("2027-28"), "31 March 2028");
        assert_eq!(
            balance_range(-287e6, -197e6),
            "a deficit between £197m and £287m"
        );
        assert_eq!(
            balance_range(-5e6, 2e6),
            "anything from a deficit of £5.0m to a surplus of £2.0m"
        );
    }
}
