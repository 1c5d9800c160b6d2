//! The explore page: the report's look (its head and style), the controls written from the
//! scenario, empty places for the answer, and the embedded script that wires them.

use super::controls::{Control, Kind};
use super::tomlish::short;
use super::Explorer;
use crate::report::charts::fan;
use crate::report::headline;
use crate::report::html::{esc, page_end, page_start};
use crate::scenario::dist_spec::fmt_num;
use std::fmt::Write;

/// The page's script: reads the controls, asks the server, draws the answer.
pub const SCRIPT: &str = include_str!("explore.js");
/// Layout of the controls beside the answer, on top of the report's style.
const STYLE: &str = include_str!("explore.css");

/// Run counts offered (the default and the cap are added).
const RUNS: [usize; 5] = [100, 300, 1000, 2000, 5000];

pub fn render(ex: &Explorer) -> String {
    let m = &ex.model;
    let mut h = String::new();
    page_start(&mut h, &format!("{} — explore {}", m.authority, m.name));
    let _ = writeln!(h, "<style>{STYLE}</style>");
    let _ = writeln!(
        h,
        "<h1>{}: what if?</h1>\n<p class=\"lead\">Scenario <strong>{}</strong>{} ({}). Change a setting and \
         the scenario is run again on the same random numbers; the previous setting stays drawn in grey.</p>",
        esc(&m.authority),
        esc(&m.name),
        if m.description.is_empty() {
            String::new()
        } else {
            format!(": {}", esc(&m.description))
        },
        esc(&ex.path.display().to_string())
    );
    let _ = writeln!(
        h,
        "<div id=\"explore\" data-runs=\"{}\" data-seed=\"{}\">",
        ex.default_runs, ex.seed
    );
    controls(ex, &mut h);
    h.push_str("<div id=\"answer\">\n<p id=\"status\" role=\"status\">Running the scenario…</p>\n<p id=\"error\" role=\"alert\" hidden></p>\n");
    h.push_str("<section id=\"changed\" hidden>\n<h2>Changed from the file</h2>\n<ul id=\"changes\"></ul>\n</section>\n");
    h.push_str("<section id=\"headline\">\n<h2>What the numbers say</h2>\n<ul id=\"sentences\"></ul>\n<p class=\"note\">“Most likely” is the median of the simulated futures; an 80% range runs from the 10th to the 90th percentile.</p>\n</section>\n");
    h.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
    for metric in fan::METRICS {
        let _ = writeln!(
            h,
            "<div class=\"slot\" id=\"slot-fan_{metric}\"><div class=\"figure\"></div><ul class=\"diff\"></ul></div>"
        );
    }
    h.push_str("</section>\n<div id=\"chances\"></div>\n<div id=\"chance-changes\"></div>\n");
    h.push_str("<section id=\"precision\">\n<h2>How precise</h2>\n<ul id=\"precision-lines\"></ul>\n<p id=\"timing\" class=\"note\"></p>\n</section>\n");
    h.push_str("</div>\n</div>\n<script src=\"/explore.js\"></script>\n");
    page_end(&mut h);
    h
}

fn controls(ex: &Explorer, h: &mut String) {
    h.push_str("<form id=\"controls\" autocomplete=\"off\">\n<div class=\"buttons\"><button type=\"button\" id=\"save\" disabled>Save as scenario</button> <button type=\"button\" id=\"reset\">Back to the file</button></div>\n");
    let _ = write!(
        h,
        "<fieldset class=\"runs\"><legend>Runs</legend><label>Simulated futures <select data-id=\"runs\" data-initial=\"{0}\">",
        ex.default_runs
    );
    let mut runs: Vec<usize> = RUNS
        .iter()
        .copied()
        .chain([ex.default_runs, ex.max_runs])
        .filter(|&n| n <= ex.max_runs)
        .collect();
    runs.sort_unstable();
    runs.dedup();
    for n in runs {
        let _ = write!(
            h,
            "<option value=\"{n}\"{}>{}</option>",
            if n == ex.default_runs {
                " selected"
            } else {
                ""
            },
            headline::count(n as f64)
        );
    }
    h.push_str(
        "</select></label><p class=\"error\" data-error-for=\"runs\" hidden></p></fieldset>\n",
    );
    for g in &ex.groups {
        let _ = writeln!(
            h,
            "<fieldset><legend>{}</legend><p class=\"note\">{}</p>",
            esc(&g.title),
            esc(&g.note)
        );
        let (primary, more): (Vec<&Control>, Vec<&Control>) =
            g.controls.iter().partition(|c| c.primary);
        for c in primary {
            control(c, h);
        }
        if !more.is_empty() {
            let _ = writeln!(h, "<details><summary>{} more</summary>", more.len());
            for c in more {
                control(c, h);
            }
            h.push_str("</details>\n");
        }
        h.push_str("</fieldset>\n");
    }
    h.push_str("</form>\n");
}

fn control(c: &Control, h: &mut String) {
    let id = esc(&c.id);
    let help = esc(&c.help);
    match &c.kind {
        Kind::Switch { on } => {
            let _ = write!(
                h,
                "<div class=\"control switch\"><label title=\"{help}\"><input type=\"checkbox\" data-id=\"{id}\" data-kind=\"switch\" data-initial=\"{on}\"{}> on</label>",
                if *on { " checked" } else { "" }
            );
        }
        Kind::Value {
            value,
            min,
            max,
            step,
        } => {
            let _ = write!(
                h,
                "<div class=\"control\"><label title=\"{help}\">{}<span class=\"pair\"><input type=\"range\" data-for=\"{id}\" min=\"{}\" max=\"{}\" step=\"{}\" value=\"{}\"><input type=\"number\" data-id=\"{id}\" data-kind=\"value\" data-initial=\"{}\" step=\"any\" value=\"{}\"></span></label>",
                esc(&c.label),
                fmt_num(*min),
                fmt_num(*max),
                fmt_num(*step),
                fmt_num(*value),
                fmt_num(*value),
                fmt_num(*value)
            );
        }
        Kind::Shift {
            centre,
            min,
            max,
            step,
        } => {
            let _ = write!(
                h,
                "<div class=\"control\"><label title=\"{help}\">{} <span class=\"centre\" data-centre=\"{}\">median {}</span><span class=\"pair\"><input type=\"range\" data-for=\"{id}\" min=\"{}\" max=\"{}\" step=\"{}\" value=\"0\"><input type=\"number\" data-id=\"{id}\" data-kind=\"shift\" data-initial=\"0\" step=\"any\" value=\"0\"></span></label>",
                esc(&c.label),
                short(*centre),
                short(*centre),
                fmt_num(*min),
                fmt_num(*max),
                fmt_num(*step)
            );
        }
        Kind::Month { value, min, max } => {
            let _ = write!(
                h,
                "<div class=\"control\"><label title=\"{help}\">{} <input type=\"month\" data-id=\"{id}\" data-kind=\"month\" data-initial=\"{value}\" min=\"{min}\" max=\"{max}\" value=\"{value}\"></label>",
                esc(&c.label)
            );
        }
    }
    let _ = writeln!(
        h,
        "<p class=\"error\" data-error-for=\"{id}\" hidden></p></div>"
    );
}
