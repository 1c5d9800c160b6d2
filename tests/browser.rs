//! report.html in a real browser: headless Chromium renders the BCP baseline's page, its DOM
//! holds the headline and every chart, and a screenshot shows the charts' colours.
//! Without a Chromium on the machine the test says so and passes, unless
//! SENDCAST_REQUIRE_BROWSER=1 (as in CI), when a missing browser fails it.

mod common;

use common::{chromium, chromium_flags, sendcast};
use std::path::Path;

/// Chromium headless with the flags this machine's closed network needs; `extra` picks the
/// output (`--dump-dom` or `--screenshot=…`). Its stdout.
fn browse(browser: &Path, profile: &Path, page: &Path, extra: &[&str]) -> String {
    let url = format!("file://{}", page.display());
    let out = std::process::Command::new("timeout")
        .arg("120")
        .arg(browser)
        .args(chromium_flags(profile))
        .arg("--window-size=1280,2400")
        .args(extra)
        .arg(url)
        .output()
        .expect("chromium starts");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn report_renders_in_headless_chromium_with_its_charts() {
    let Some(browser) = chromium() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bcp");
    sendcast()
        .args([
            "run",
            "scenarios/bcp/baseline.toml",
            "--runs",
            "200",
            "--quiet",
            "--format",
            "html",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let page = std::fs::canonicalize(out.join("report.html")).unwrap();
    let source = std::fs::read_to_string(&page).unwrap();
    let figures = source.matches("<figure").count();
    assert!(
        figures >= 8,
        "expected the charts in the page, found {figures}"
    );

    let dom = browse(&browser, &tmp.path().join("p1"), &page, &["--dump-dom"]);
    assert!(
        dom.contains("What the numbers say"),
        "the headline is in the DOM"
    );
    assert!(dom.contains("statutory override ends"));
    assert_eq!(
        dom.matches("<svg").count(),
        source.matches("<svg").count(),
        "every inline SVG survives parsing"
    );

    let shot = tmp.path().join("shot.png");
    browse(
        &browser,
        &tmp.path().join("p2"),
        &page,
        &[&format!("--screenshot={}", shot.display())],
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&shot).expect("a screenshot was written"),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buf).unwrap();
    assert_eq!((frame.width, frame.height), (1280, 2400));
    let channels = frame.color_type.samples();
    let pixels = &buf[..frame.buffer_size()];
    // Text and rules are grey; chart bands and lines are coloured. The first screen holds the
    // headline and the first charts, so a good share of it must be colour: 1.7% with BCP's
    // baseline fans at 200 runs (its 20-week fan lies flat near 0%), 0.5% (the rules) with the
    // figures taken out of the page.
    let coloured = pixels
        .chunks_exact(channels)
        .filter(|p| {
            let (r, g, b) = (p[0] as i32, p[1] as i32, p[2] as i32);
            r.max(g).max(b) - r.min(g).min(b) > 40
        })
        .count();
    let share = coloured as f64 / (frame.width * frame.height) as f64;
    assert!(
        share > 0.01,
        "only {:.2}% of the screenshot is coloured: are the charts drawn?",
        100.0 * share
    );
    std::fs::copy(
        &shot,
        std::env::temp_dir().join("sendcast-report-screenshot.png"),
    )
    .ok();
}
