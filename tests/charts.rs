//! Charts of a small run: the same seed draws the same SVG, with its titles, £m, real dates and
//! the recorded history and no NaN; PNGs decode at their size with the embedded font's text in
//! them; date labels stay few and apart; compare draws its overlays and differences.

use sendcast::compare::compare;
use sendcast::model::Model;
use sendcast::report::charts::{self, axis};
use sendcast::report::figure::Figure;
use sendcast::report::Report;
use sendcast::run::{run, RunOptions};
use std::path::Path;

fn model() -> Model {
    sendcast::load_model(Path::new("tests/fixtures/charts.toml")).unwrap()
}

fn figures(m: &Model, seed: u64) -> Vec<Figure> {
    let r = run(m, &RunOptions::new(40, seed)).unwrap();
    charts::figures(&Report::new(&r), m).unwrap()
}

fn svg<'a>(figs: &'a [Figure], name: &str) -> &'a str {
    &figs
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no figure {name}"))
        .svg
}

/// (x, text) of every `<text>` element.
fn texts(svg: &str) -> Vec<(f64, String)> {
    svg.split("<text ")
        .skip(1)
        .map(|t| {
            let x = t
                .split("x=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .and_then(|v| v.parse().ok())
                .unwrap();
            let body = t.split('>').nth(1).unwrap().split("</text").next().unwrap();
            (x, body.trim().to_string())
        })
        .collect()
}

#[test]
fn history_from_a_scenario_adds_to_its_models() {
    let m = model();
    let backlog: Vec<f64> = m
        .history
        .iter()
        .filter(|p| p.metric == "assessment_backlog")
        .map(|p| p.value)
        .collect();
    assert_eq!(backlog, vec![397.0, 150.0]);
    assert_eq!(m.history.iter().filter(|p| p.metric == "ehcps").count(), 6);
}

#[test]
fn same_seed_same_svg_with_titles_units_dates_and_history() {
    let m = model();
    let a = figures(&m, 7);
    assert_eq!(a, figures(&m, 7), "same seed, different SVG");
    let names: Vec<&str> = a.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "fan_ehcps",
            "fan_plans_within_20_weeks_pct",
            "fan_assessment_backlog",
            "fan_dsg_cumulative_balance",
            "hist_dsg_cumulative_balance_2027-28",
            "caseload_by_setting",
            "tornado_dsg_cumulative_balance_2027-28",
        ]
    );
    for f in &a {
        assert!(f.svg.starts_with("<svg") && f.svg.trim_end().ends_with("</svg>"));
        for bad in ["NaN", "inf", "href", "url("] {
            assert!(!f.svg.contains(bad), "{}: contains {bad}", f.name);
        }
        assert!(f.svg.contains(&f.title), "{}: no title", f.name);
        assert!(!f.caption.is_empty());
    }
    let dsg = svg(&a, "fan_dsg_cumulative_balance");
    assert!(dsg.contains("£m"));
    assert!(dsg.contains("Mar 2025") && dsg.contains("forecast from Apr 2023"));
    // March 2021-2023 before the start (dots), 2024 and 2025 after it (squares).
    assert_eq!(
        dsg.matches("<circle").count(),
        3 + 1,
        "history dots and the legend's"
    );
    assert_eq!(
        dsg.matches("fill=\"#D55E00\"").count(),
        2 + 1,
        "squares since the start and the legend's"
    );
    assert!(dsg.contains("actual since the start"));
    let pct = svg(&a, "fan_plans_within_20_weeks_pct");
    assert!(pct.contains(">\n80%\n<") && pct.contains(">\n0%\n<"));
    let hist = svg(&a, "hist_dsg_cumulative_balance_2027-28");
    assert!(hist.contains("31 March 2028") && hist.contains("£m"));
    let tornado = svg(&a, "tornado_dsg_cumulative_balance_2027-28");
    assert!(tornado.contains("finance.cost_per_plan.independent_special"));
    assert!(figures(&m, 8) != a, "another seed, the same SVG");
}

#[test]
fn date_labels_are_few_and_do_not_touch() {
    let m = model();
    let figs = figures(&m, 1);
    for f in figs
        .iter()
        .filter(|f| f.name.starts_with("fan_") || f.name == "caseload_by_setting")
    {
        let mut xs: Vec<f64> = texts(&f.svg)
            .into_iter()
            .filter(|(_, t)| t.len() == 8 && t.starts_with("Mar 2"))
            .map(|(x, _)| x)
            .collect();
        xs.sort_by(f64::total_cmp);
        assert!(
            (2..=axis::MAX_DATE_TICKS).contains(&xs.len()),
            "{}: {} date labels",
            f.name,
            xs.len()
        );
        // "Mar 2028" is about 60px wide at the tick size.
        assert!(
            xs.windows(2).all(|w| w[1] - w[0] >= 80.0),
            "{}: date labels at {xs:?}",
            f.name
        );
    }
}

#[test]
fn pngs_decode_at_their_size_with_text_drawn() {
    let m = model();
    let r = run(&m, &RunOptions::new(40, 3)).unwrap();
    let rep = Report::new(&r);
    let list = charts::charts(&rep, &m).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let figs = charts::write_files(&list, tmp.path()).unwrap();
    assert_eq!(figs.len(), list.len());
    for f in &figs {
        let dir = tmp.path().join("charts");
        let svg = std::fs::read_to_string(dir.join(format!("{}.svg", f.name))).unwrap();
        assert_eq!(svg, f.svg);
        let bytes = std::fs::read(dir.join(format!("{}.png", f.name))).unwrap();
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (1000, 600), "{}", f.name);
        // The title (dark text from the embedded font) in the top-left corner.
        let dark = (10..40)
            .flat_map(|y| (20..300).map(move |x| (y, x)))
            .filter(|&(y, x)| buf[(y * 1000 + x) * 3] < 100)
            .count();
        assert!(
            dark > 200,
            "{}: {dark} dark pixels where the title is",
            f.name
        );
    }
}

#[test]
fn compare_draws_both_fans_and_the_paired_difference() {
    let a = model();
    let b = sendcast::load_model(Path::new("tests/fixtures/charts-invest.toml")).unwrap();
    let c = compare(&a, &b, &RunOptions::new(30, 5), false).unwrap();
    let (ra, rb) = (Report::new(&c.a), Report::new(&c.b));
    let figs = charts::compare_figures(&c, &ra, &rb, &a).unwrap();
    let names: Vec<&str> = figs.iter().map(|f| f.name.as_str()).collect();
    assert!(names.contains(&"compare_fan_dsg_cumulative_balance"));
    assert!(names.contains(&"compare_diff_dsg_cumulative_balance_2027-28"));
    for f in &figs {
        assert!(!f.svg.contains("NaN"), "{}", f.name);
    }
    let fan = svg(&figs, "compare_fan_ehcps");
    assert!(fan.contains("charts-fixture") && fan.contains(&c.b.scenario));
}
