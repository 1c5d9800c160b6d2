//! report.html: one self-contained page for a councillor or a finance officer — headline
//! sentences, the charts (inline SVG), P10/P50/P90 tables by financial year, probabilities,
//! what drives the outcome, every assumption with its source, and how the run was made.

use super::charts::axis::Unit;
use super::headline::{self, money};
use super::{assumptions, Figure, Report, RunInfo, EVENTS, HEADLINE, MILESTONES};
use anyhow::{Context, Result};
use std::fmt::Write;
use std::path::Path;

/// A row of the tables: the metric and its heading (its unit follows from the metric).
struct Row {
    metric: &'static str,
    label: &'static str,
}

const fn row(metric: &'static str, label: &'static str) -> Row {
    Row { metric, label }
}

/// The tables, each a heading and its rows (stocks at 31 March, flows over the year).
const TABLES: [(&str, &[Row]); 3] = [
    (
        "Money (£m; a negative balance is a deficit)",
        &[
            row("hnb_income", "High-needs income"),
            row("hnb_expenditure", "High-needs spending"),
            row("dsg_in_year_balance", "In-year DSG balance"),
            row("dsg_cumulative_balance", "Cumulative DSG balance, 31 March"),
            row("send_service_cost", "SEND casework service (General Fund)"),
        ],
    ),
    (
        "Children and young people",
        &[
            row("requests", "Requests for assessment"),
            row("new_plans", "New plans issued"),
            row("ceased_plans", "Plans ceased"),
            row("ehcps", "Plans in place, 31 March"),
            row(
                "ehcps_independent_special",
                "… in independent special schools",
            ),
            row("ehcps_alternative_provision", "… in alternative provision"),
        ],
    ),
    (
        "Timeliness",
        &[
            row("decisions_within_6_weeks_pct", "Decisions within 6 weeks"),
            row(
                "advice_within_6_weeks_pct",
                "Advice within 6 weeks of being asked",
            ),
            row("plans_within_20_weeks_pct", "Plans within 20 weeks"),
            row("plans_over_52_weeks_pct", "Plans after more than a year"),
            row("open_assessments", "Open assessments, 31 March"),
            row("assessment_backlog", "Open past 20 weeks, 31 March"),
            row("annual_reviews_overdue", "Annual reviews overdue, 31 March"),
        ],
    ),
];

/// Sensitivity rows shown: the inputs that swing the headline outcome most.
const TOP_INPUTS: usize = 10;

pub fn write(
    report: &Report<'_>,
    info: &RunInfo<'_>,
    figures: &[Figure],
    path: &Path,
) -> Result<()> {
    let page = render(report, info, figures)?;
    std::fs::write(path, page).with_context(|| format!("writing {}", path.display()))
}

pub fn render(report: &Report<'_>, info: &RunInfo<'_>, figures: &[Figure]) -> Result<String> {
    let m = info.model;
    let r = report.results;
    let mut h = String::new();
    page_start(&mut h, &format!("{} — {}", m.authority, m.name));
    let _ = writeln!(h, "<h1>{}</h1>", esc(&m.authority));
    let _ = writeln!(
        h,
        "<p class=\"lead\">Scenario <strong>{}</strong>{}. {} simulated futures from {} to {}.</p>",
        esc(&m.name),
        if m.description.is_empty() {
            String::new()
        } else {
            format!(": {}", esc(&m.description))
        },
        headline::count(r.runs as f64),
        m.clock.start,
        m.clock.month(m.clock.months - 1)
    );

    h.push_str("<section id=\"headline\">\n<h2>What the numbers say</h2>\n<ul>\n");
    for s in headline::sentences(report, m) {
        let _ = writeln!(h, "<li>{}</li>", esc(&s));
    }
    h.push_str("</ul>\n<p class=\"note\">“Most likely” is the median of the simulated futures; an 80% range runs from the 10th to the 90th percentile.</p>\n</section>\n");

    if !figures.is_empty() {
        h.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
        for f in figures {
            figure(&mut h, f);
        }
        h.push_str("</section>\n");
    }

    tables(report, &mut h);
    probabilities(report, &mut h);
    sensitivity(report, &mut h);
    assumptions_section(info, &mut h);
    h.push_str("<section id=\"run\">\n<h2>Run details</h2>\n");
    run_table(&mut h, info, r.runs, r.seed)?;
    h.push_str("</section>\n");
    page_end(&mut h);
    Ok(h)
}

/// The document's head and the opening of its body.
pub fn page_start(h: &mut String, title: &str) {
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        esc(title)
    );
}

pub fn page_end(h: &mut String) {
    h.push_str("</main>\n</body>\n</html>\n");
}

/// A chart with its heading and caption, its SVG inline.
pub fn figure(h: &mut String, f: &Figure) {
    let _ = writeln!(
        h,
        "<figure id=\"fig-{}\" aria-label=\"{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>",
        esc(&f.name),
        esc(&f.title),
        strip_xml_prolog(&f.svg),
        esc(&f.caption)
    );
}

fn tables(report: &Report<'_>, h: &mut String) {
    let r = report.results;
    h.push_str(
        "<section id=\"tables\">\n<h2>By financial year: median (10th to 90th percentile)</h2>\n",
    );
    for (heading, rows) in TABLES {
        let _ = writeln!(h, "<h3>{}</h3>\n<div class=\"wide\"><table>", esc(heading));
        h.push_str("<thead><tr><th></th>");
        for p in &r.years {
            let _ = write!(h, "<th>{}</th>", esc(&p.label));
        }
        h.push_str("</tr></thead>\n<tbody>\n");
        for row in rows {
            if r.metric_index(row.metric).is_none() {
                continue;
            }
            let _ = write!(h, "<tr><th>{}</th>", esc(row.label));
            let unit = Unit::of(row.metric);
            for p in &r.years {
                match report.year(row.metric, &p.label) {
                    Some(s) if s.n > 0 => {
                        let _ = write!(
                            h,
                            "<td>{}<span>{} to {}</span></td>",
                            cell(s.q[3], unit),
                            cell(s.q[1], unit),
                            cell(s.q[5], unit)
                        );
                    }
                    _ => h.push_str("<td>–</td>"),
                }
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody></table></div>\n");
    }
    h.push_str("</section>\n");
}

/// The chances of meeting targets by financial year, and the first year each is likely.
pub fn probabilities(report: &Report<'_>, h: &mut String) {
    let r = report.results;
    h.push_str("<section id=\"probabilities\">\n<h2>Chances of meeting targets</h2>\n<div class=\"wide\"><table>\n<thead><tr><th></th>");
    for p in &r.years {
        let _ = write!(h, "<th>{}</th>", esc(&p.label));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for e in &EVENTS {
        let _ = write!(h, "<tr><th>{}</th>", esc(e.label));
        for p in &r.years {
            match report.probability(e.name, &p.label) {
                Some(x) if x.is_finite() => {
                    let _ = write!(h, "<td>{:.0}%</td>", 100.0 * x);
                }
                _ => h.push_str("<td>–</td>"),
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table></div>\n<ul>\n");
    for e in &EVENTS {
        for level in MILESTONES {
            let text = match report.first_year(e.name, level) {
                Some((y, p)) => format!(
                    "{}: first at least {:.0}% likely in {y} ({:.0}%).",
                    e.label,
                    100.0 * level,
                    100.0 * p
                ),
                None => format!(
                    "{}: not {:.0}% likely in any year of the projection.",
                    e.label,
                    100.0 * level
                ),
            };
            let _ = writeln!(h, "<li>{}</li>", esc(&text));
        }
    }
    h.push_str("</ul>\n</section>\n");
}

/// The inputs that move the headline money outcome most, in the override's last year (or the
/// horizon's), with the median outcome when each input is in its lowest and highest tenth.
fn sensitivity(report: &Report<'_>, h: &mut String) {
    let r = report.results;
    let metric = HEADLINE[0];
    let Some(year) = headline::key_year(&r.years) else {
        return;
    };
    let rows = report.top_drivers(metric, year, TOP_INPUTS);
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(
        h,
        "<section id=\"sensitivity\">\n<h2>What drives the cumulative DSG balance at {}</h2>\n\
         <p>For each uncertain input: the rank correlation with the balance, and the median balance \
         when the input is in its lowest and its highest tenth of futures.</p>\n<div class=\"wide\"><table>\n\
         <thead><tr><th>Input</th><th>Rank correlation</th><th>Median, input lowest tenth</th>\
         <th>Median, input highest tenth</th><th>Swing</th></tr></thead>\n<tbody>",
        esc(&headline::march(year))
    );
    for s in &rows {
        let _ = writeln!(
            h,
            "<tr><th>{}</th><td>{:.2}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&s.input),
            s.spearman,
            esc(&money(s.median_low)),
            esc(&money(s.median_high)),
            esc(&money((s.median_high - s.median_low).abs()))
        );
    }
    h.push_str("</tbody></table></div>\n</section>\n");
}

fn assumptions_section(info: &RunInfo<'_>, h: &mut String) {
    let all = assumptions::collect(info.model);
    h.push_str("<section id=\"assumptions\">\n<h2>Assumptions</h2>\n");
    let interventions = crate::validate::interventions(info.model);
    if interventions.is_empty() {
        h.push_str("<p>No interventions: the authority as it stands.</p>\n");
    } else {
        h.push_str("<h3>Interventions</h3>\n<ul>\n");
        for line in interventions {
            let _ = writeln!(h, "<li>{}</li>", esc(&line));
        }
        h.push_str("</ul>\n");
    }
    let table = |h: &mut String, rows: &[&assumptions::Assumption]| {
        h.push_str("<div class=\"wide\"><table class=\"inputs\">\n<thead><tr><th>Input</th><th>Value or distribution</th><th>Source (from the scenario file)</th><th>Set in</th></tr></thead>\n<tbody>\n");
        for a in rows {
            let _ = writeln!(
                h,
                "<tr><th>{}</th><td>{}</td><td>{}</td><td class=\"origin\">{}</td></tr>",
                esc(&a.name),
                esc(&a.distribution),
                esc(&a.comment),
                esc(&a.origin)
            );
        }
        h.push_str("</tbody></table></div>\n");
    };
    let uncertain: Vec<_> = all.iter().filter(|a| a.uncertain).collect();
    let fixed: Vec<_> = all.iter().filter(|a| !a.uncertain).collect();
    let _ = writeln!(
        h,
        "<h3>Uncertain inputs ({})</h3>\n<p>Each is drawn afresh in every simulated future (or every year, where marked).</p>",
        uncertain.len()
    );
    table(h, &uncertain);
    let _ = writeln!(
        h,
        "<details>\n<summary>Fixed inputs ({})</summary>",
        fixed.len()
    );
    table(h, &fixed);
    h.push_str("</details>\n</section>\n");
}

/// How a run was made: scenario, runs, seed, sampling, version, the command that repeats it,
/// and a SHA-256 of every file read.
pub fn run_table(h: &mut String, info: &RunInfo<'_>, runs: usize, seed: u64) -> Result<()> {
    let m = info.model;
    h.push_str("<table class=\"run\">\n<tbody>\n");
    let mut kv = |k: &str, v: String| {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", esc(k), v);
    };
    kv("Scenario", esc(&m.name));
    kv(
        "Authority",
        esc(&format!("{} ({})", m.authority, m.la_code)),
    );
    kv("Runs", headline::count(runs as f64));
    kv("Seed", seed.to_string());
    kv("Sampling", esc(info.sampling));
    kv("sendcast version", esc(info.version));
    kv(
        "Reproduce with",
        format!(
            "<code>sendcast run {} --runs {runs} --seed {seed} --sampling {}</code>",
            esc(&m
                .files
                .first()
                .map_or(String::new(), |f| f.display().to_string())),
            esc(info.sampling)
        ),
    );
    h.push_str("</tbody>\n</table>\n<h3>Scenario files (SHA-256)</h3>\n<ul class=\"files\">\n");
    for f in &m.files {
        let _ = writeln!(
            h,
            "<li><code>{}</code> <code class=\"hash\">{}</code></li>",
            esc(&f.display().to_string()),
            super::file_sha256(f)?
        );
    }
    h.push_str("</ul>\n<p class=\"note\">The same files, seed, runs and sampling give the same numbers on any machine and thread count.</p>\n");
    Ok(())
}

/// A table cell in its unit: counts whole, percentages whole, money in £m to one decimal.
fn cell(x: f64, unit: Unit) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    match unit {
        Unit::Count => headline::count(x),
        Unit::Percent => format!("{x:.0}%"),
        Unit::Money => {
            let v = x / 1e6;
            if v < 0.0 {
                format!("−{:.1}", -v)
            } else {
                format!("{v:.1}")
            }
        }
    }
}

/// An `<svg>` document without the XML declaration it may start with, for inlining.
fn strip_xml_prolog(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

/// Text made safe for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
body{margin:0;background:#f6f6f4;color:#1b1b1b;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif}
main{max-width:1200px;margin:0 auto;padding:1.5rem 1.25rem 4rem;background:#fff}
h1{font-size:1.9rem;margin:.2rem 0 .4rem}
h2{font-size:1.35rem;margin:2.2rem 0 .6rem;padding-top:.6rem;border-top:3px solid #1d4e89}
h3{font-size:1.05rem;margin:1.4rem 0 .4rem}
.lead{font-size:1.1rem;color:#333}
.note{color:#555;font-size:.9rem}
#headline ul{padding-left:1.2rem}
#headline li{margin:.45rem 0;font-size:1.05rem}
figure{margin:1rem 0 2rem}
figure svg{max-width:100%;height:auto;display:block}
figcaption{color:#444;font-size:.9rem;margin-top:.3rem}
.wide{overflow-x:auto}
table{border-collapse:collapse;font-size:.85rem;margin:.3rem 0 1rem}
th,td{padding:.25rem .4rem;border-bottom:1px solid #ddd;text-align:right;vertical-align:top}
th{text-align:left;font-weight:600}
tbody th{min-width:11rem}
td{white-space:nowrap}
thead th{text-align:right;background:#eef2f7}
thead th:first-child{text-align:left}
td span{display:block;color:#666;font-size:.75rem;white-space:nowrap}
table.inputs td,table.inputs th{text-align:left}
table.inputs td{max-width:28rem}
td.origin{font-size:.75rem;color:#555;word-break:break-all}
table.run td{text-align:left}
code.hash{font-size:.75rem;word-break:break-all;color:#555}
ul.files li{margin:.3rem 0}
details summary{cursor:pointer;margin:.8rem 0}
@media print{body{background:#fff}main{max-width:none}h2{break-after:avoid}figure{break-inside:avoid}}
";
