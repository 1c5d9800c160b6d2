//! The short table printed after a run: key metrics by financial year, P50 [P10 to P90].

use super::Report;
use std::fmt::Write;

/// (metric, column heading, divisor)
const COLUMNS: [(&str, &str, f64); 6] = [
    ("ehcps", "plans 31 Mar", 1.0),
    ("new_plans", "new plans", 1.0),
    ("plans_within_20_weeks_pct", "% in 20 weeks", 1.0),
    ("assessment_backlog", "backlog 31 Mar", 1.0),
    ("dsg_in_year_balance", "in-year £m", 1e6),
    ("dsg_cumulative_balance", "cumulative £m", 1e6),
];
const WIDTH: usize = 20;

/// The table, its title saying when the money is national defaults.
pub fn render(report: &Report<'_>, model: &crate::model::Model) -> String {
    let r = report.results;
    let mut out = String::new();
    let note =
        super::headline::finance_defaults_note(model).map_or(String::new(), |n| format!(" {n}"));
    let _ = writeln!(
        out,
        "{}: {} runs, seed {}.{note} Each cell: median [P10 to P90]; stocks at 31 March, flows over the year.",
        r.scenario, r.runs, r.seed
    );
    let _ = write!(out, "{:<8}", "year");
    for (_, head, _) in COLUMNS {
        let _ = write!(out, " {head:>WIDTH$}");
    }
    out.push('\n');
    for p in &r.years {
        let _ = write!(out, "{:<8}", p.label);
        for (name, _, scale) in COLUMNS {
            let cell = match report.year(name, &p.label) {
                Some(s) if s.n > 0 => {
                    let f = |x: f64| fmt(x / scale);
                    format!("{} [{}, {}]", f(s.q[3]), f(s.q[1]), f(s.q[5]))
                }
                _ => "-".to_string(),
            };
            let _ = write!(out, " {cell:>WIDTH$}");
        }
        out.push('\n');
    }
    for e in &super::EVENTS {
        let firsts: Vec<String> = super::MILESTONES
            .iter()
            .map(|&level| match report.first_year(e.name, level) {
                Some((y, p)) => format!("{:.0}% in {y} (P {p:.2})", level * 100.0),
                None => format!("{:.0}% not within the horizon", level * 100.0),
            })
            .collect();
        let best = report
            .best_year(e.name)
            .map_or(String::new(), |(y, p)| format!("; highest P {p:.2} in {y}"));
        let _ = writeln!(
            out,
            "P({}) first reaches {}{best}",
            e.name,
            firsts.join(", ")
        );
    }
    out
}

fn fmt(x: f64) -> String {
    if x.abs() < 1000.0 {
        format!("{x:.1}").trim_end_matches(".0").to_string()
    } else {
        format!("{x:.0}")
    }
}
