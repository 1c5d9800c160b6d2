//! report.html of `sendcast compare`: what scenario B changes against A in plain sentences,
//! the overlaid charts, the paired differences by financial year, and links to each
//! scenario's own page.

use super::charts::axis::{self, Unit};
use super::headline::{count, key_year, money};
use super::html::{esc, page_end, page_start, run_table};
use super::{Figure, RunInfo};
use crate::compare::{Comparison, Row};
use anyhow::{Context, Result};
use std::fmt::Write;
use std::path::Path;

/// Headline differences: metric and what it is (its unit follows from the metric; a
/// difference of percentages is in points).
const LINES: [(&str, &str); 7] = [
    (
        "dsg_cumulative_balance",
        "the cumulative DSG balance on 31 March",
    ),
    ("dsg_in_year_balance", "the in-year DSG balance"),
    (
        "plans_within_20_weeks_pct",
        "the share of plans issued within 20 weeks",
    ),
    (
        "assessment_backlog",
        "assessments open past 20 weeks on 31 March",
    ),
    ("ehcps", "plans in place on 31 March"),
    (
        "ehcps_independent_special",
        "plans in independent special schools on 31 March",
    ),
    ("send_service_cost", "the SEND service's General Fund cost"),
];

fn amount(x: f64, unit: Unit) -> String {
    match unit {
        Unit::Money => money(x),
        Unit::Count => count(x),
        Unit::Percent => format!("{} points", axis::trim(x, 1)),
    }
}

/// Nothing at the precision shown: under half the last digit written.
fn is_nil(x: f64, unit: Unit) -> bool {
    match unit {
        Unit::Money => x.abs() < 0.5,
        Unit::Count => x.abs() < 0.5,
        Unit::Percent => x.abs() < 0.05,
    }
}

/// A difference with its sign and unit (`+£4.2m`, `−120`, `+12 points`).
pub fn signed(x: f64, unit: Unit) -> String {
    if is_nil(x, unit) {
        amount(0.0, unit)
    } else if x > 0.0 {
        format!("+{}", amount(x, unit))
    } else {
        amount(x, unit)
    }
}

/// The sentence for one metric in one year, or none when the difference is undefined.
fn sentence(c: &Comparison, r: &Row, what: &str, unit: Unit) -> Option<String> {
    let d = &r.diff;
    if !d.is_defined() {
        return None;
    }
    let (a, b) = (&c.a.scenario, &c.b.scenario);
    if is_nil(d.q[1], unit) && is_nil(d.q[5], unit) {
        return Some(format!(
            "In {}, {b} leaves {what} as it is under {a} in at least 80% of paired futures.",
            r.period
        ));
    }
    let mut s = {
        format!(
            "In {}, {b} changes {what} by a median {} against {a} (80% range {} to {})",
            r.period,
            signed(d.q[3], unit),
            signed(d.q[1], unit),
            signed(d.q[5], unit)
        )
    };
    if let Some(p) = r.p_b_better {
        let _ = write!(s, "; {b} is better in {:.0}% of paired futures", 100.0 * p);
    }
    s.push('.');
    Some(s)
}

pub fn sentences(c: &Comparison) -> Vec<String> {
    let years: Vec<&str> = c.a.years.iter().map(|p| p.label.as_str()).collect();
    let key = key_year(&c.a.years).unwrap_or("");
    let second = years.get(1).or(years.first()).copied().unwrap_or("");
    let mut out = Vec::new();
    for (metric, what) in LINES {
        let unit = Unit::of(metric);
        let when: &[&str] = if metric == "plans_within_20_weeks_pct" && second != key {
            &[second, key]
        } else {
            &[key]
        };
        for y in when {
            if let Some(r) = c.rows.iter().find(|r| r.metric == metric && r.period == *y) {
                out.extend(sentence(c, r, what, unit));
            }
        }
    }
    out
}

pub fn write(
    c: &Comparison,
    a: &RunInfo<'_>,
    b: &RunInfo<'_>,
    links: [&str; 2],
    figures: &[Figure],
    path: &Path,
) -> Result<()> {
    let page = render(c, a, b, links, figures)?;
    std::fs::write(path, page).with_context(|| format!("writing {}", path.display()))
}

/// `links` are the folders, relative to the page, that hold A's and B's own reports.
pub fn render(
    c: &Comparison,
    a: &RunInfo<'_>,
    b: &RunInfo<'_>,
    links: [&str; 2],
    figures: &[Figure],
) -> Result<String> {
    let mut h = String::new();
    page_start(
        &mut h,
        &format!(
            "{} — {} against {}",
            a.model.authority, c.b.scenario, c.a.scenario
        ),
    );
    let _ = writeln!(
        h,
        "<h1>{}: {} against {}</h1>",
        esc(&a.model.authority),
        esc(&c.b.scenario),
        esc(&c.a.scenario)
    );
    let _ = writeln!(
        h,
        "<p class=\"lead\">A: <strong>{}</strong> — {}<br>B: <strong>{}</strong> — {}<br>{} paired futures: both scenarios meet the same random demand, staff turnover and case outcomes, so the difference is what B changes.</p>",
        esc(&c.a.scenario),
        esc(&a.model.description),
        esc(&c.b.scenario),
        esc(&b.model.description),
        count(c.a.runs as f64)
    );
    h.push_str("<section id=\"headline\">\n<h2>What B changes</h2>\n<ul>\n");
    for s in sentences(c) {
        let _ = writeln!(h, "<li>{}</li>", esc(&s));
    }
    h.push_str("</ul>\n<p class=\"note\">Differences are B minus A in the same future; a positive balance difference means less deficit.</p>\n</section>\n");
    if !figures.is_empty() {
        h.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
        for f in figures {
            super::html::figure(&mut h, f);
        }
        h.push_str("</section>\n");
    }
    h.push_str("<section id=\"tables\">\n<h2>Paired difference B − A by financial year: median (10th to 90th percentile), chance B is better</h2>\n");
    for (metric, what) in LINES {
        let unit = Unit::of(metric);
        let rows: Vec<&Row> = c.rows.iter().filter(|r| r.metric == metric).collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(
            h,
            "<h3>{}</h3>\n<div class=\"wide\"><table>\n<thead><tr><th></th>",
            esc(&capitalise(what))
        );
        for r in &rows {
            let _ = write!(h, "<th>{}</th>", esc(&r.period));
        }
        h.push_str("</tr></thead>\n<tbody>\n<tr><th>B − A</th>");
        for r in &rows {
            if r.diff.is_defined() {
                let _ = write!(
                    h,
                    "<td>{}<span>{} to {}</span></td>",
                    esc(&signed(r.diff.q[3], unit)),
                    esc(&signed(r.diff.q[1], unit)),
                    esc(&signed(r.diff.q[5], unit))
                );
            } else {
                h.push_str("<td>–</td>");
            }
        }
        h.push_str("</tr>\n<tr><th>P(B better)</th>");
        for r in &rows {
            match r.p_b_better {
                Some(p) if p.is_finite() => {
                    let _ = write!(h, "<td>{:.0}%</td>", 100.0 * p);
                }
                _ => h.push_str("<td>–</td>"),
            }
        }
        h.push_str("</tr>\n</tbody></table></div>\n");
    }
    h.push_str(
        "</section>\n<section id=\"scenarios\">\n<h2>Each scenario's own report</h2>\n<ul>\n",
    );
    for (info, link) in [(a, links[0]), (b, links[1])] {
        let _ = writeln!(
            h,
            "<li><a href=\"{}/report.html\">{}</a>: its headline, charts, tables and every assumption.</li>",
            esc(link),
            esc(&info.model.name)
        );
    }
    h.push_str("</ul>\n</section>\n");
    h.push_str("<section id=\"run\">\n<h2>Run details</h2>\n");
    for (info, r) in [(a, &c.a), (b, &c.b)] {
        let _ = writeln!(h, "<h3>{}</h3>", esc(&info.model.name));
        run_table(&mut h, info, r.runs, r.seed)?;
    }
    h.push_str("</section>\n");
    page_end(&mut h);
    Ok(h)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_read_with_a_sign_and_a_unit() {
        assert_eq!(signed(4.2e6, Unit::Money), "+£4.2m");
        assert_eq!(signed(-120.0, Unit::Count), "−120");
        assert_eq!(signed(12.0, Unit::Percent), "+12 points");
        assert_eq!(capitalise("the share"), "The share");
    }
}
