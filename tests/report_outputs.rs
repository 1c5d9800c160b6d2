//! Snapshots of what `sendcast run` writes for a small fixture (CSV, JSON and the HTML page's
//! text), and `--format` writing only what it is asked for.

mod common;

use common::{read, sendcast};
use sendcast::report::{self, Formats, Report, RunInfo};
use sendcast::run::{run, RunOptions};
use std::path::Path;

const FIXTURE: &str = "tests/fixtures/queue.toml";

fn info(model: &sendcast::model::Model, formats: Formats) -> RunInfo<'_> {
    RunInfo {
        model,
        version: "snapshot",
        sampling: "mc",
        formats,
    }
}

#[test]
fn data_files_and_html_text_match_their_snapshots() {
    let model = sendcast::load_model(Path::new(FIXTURE)).unwrap();
    let results = run(&model, &RunOptions::new(100, 7)).unwrap();
    let rep = Report::new(&results);
    let dir = tempfile::tempdir().unwrap();
    report::write_into(&rep, &info(&model, Formats::DATA), dir.path()).unwrap();
    for f in [
        "summary.csv",
        "probabilities.csv",
        "milestones.csv",
        "sensitivity.csv",
        "summary.json",
    ] {
        insta::assert_snapshot!(f, read(&dir.path().join(f)));
    }
    // The page without its charts (they have their own tests): headline, tables, assumptions.
    let html = report::html::render(&rep, &info(&model, Formats::ALL), &[]).unwrap();
    insta::assert_snapshot!("report.html", html);
}

#[test]
fn headline_sentences_follow_the_numbers() {
    // The fixture's backlog of 200 clears in about 40 weeks and money is flat.
    let model = sendcast::load_model(Path::new(FIXTURE)).unwrap();
    let results = run(&model, &RunOptions::new(200, 3)).unwrap();
    let rep = Report::new(&results);
    let s = report::headline::sentences(&rep, &model);
    let text = s.join("\n");
    assert!(
        text.contains("By 31 March 2026, the cumulative DSG high-needs balance is most likely"),
        "{text}"
    );
    assert!(text.contains("200 simulated futures"), "{text}");
    assert!(
        text.contains("first becomes more likely than not in 2024-25, with a chance of 100%."),
        "{text}"
    );
    assert!(
        text.contains("On 31 March 2026 a median of 0 open assessments are past 20 weeks"),
        "{text}"
    );
}

#[test]
fn format_writes_only_what_it_is_asked_for() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("html-only");
    sendcast()
        .args([
            "run",
            FIXTURE,
            "--runs",
            "50",
            "--quiet",
            "--format",
            "html,json",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["report.html", "summary.json"]);
    let page = read(&out.join("report.html"));
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("What the numbers say"));
    for fetch in [
        "src=\"http",
        "href=\"http",
        "url(http",
        "@import",
        "<script src",
        "<link ",
    ] {
        assert!(
            !page.contains(fetch),
            "the page must not load anything: {fetch}"
        );
    }

    let bad = sendcast()
        .args(["run", FIXTURE, "--runs", "5", "--format", "pdf", "--out"])
        .arg(tmp.path().join("bad"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("pdf") && err.contains("csv, json, html, xlsx, charts, all"),
        "{err}"
    );
    assert!(!tmp.path().join("bad").exists());
}

#[test]
fn compare_writes_a_page_of_paired_differences_linking_both_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cmp");
    sendcast()
        .args([
            "compare",
            "scenarios/bcp/invest-784k.toml",
            "scenarios/bcp/asc-free-school.toml",
            "--runs",
            "100",
            "--quiet",
            "--format",
            "html",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let page = read(&out.join("report.html"));
    // The school takes children out of independent places in every paired future or nearly.
    let line = page
        .lines()
        .find(|l| l.contains("plans in independent special schools on 31 March by a median −"))
        .unwrap_or_else(|| panic!("no independent-placement sentence in\n{page}"));
    assert!(line.contains("bcp-asc-free-school is better in"), "{line}");
    for sub in ["bcp-invest-784k", "bcp-asc-free-school"] {
        assert!(page.contains(&format!("<a href=\"{sub}/report.html\">")));
        assert!(out.join(sub).join("report.html").is_file());
    }
    assert!(
        !out.join("compare.csv").exists(),
        "--format html writes no CSV"
    );
}
