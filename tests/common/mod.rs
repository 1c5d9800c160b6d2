//! What several test files need: the `sendcast` command, a file's text read or a panic that
//! names it, a Chromium to render pages, and where a model file's numbers are (to mutate
//! them). Not every file uses each.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The built `sendcast` binary, ready for arguments.
pub fn sendcast() -> Command {
    Command::cargo_bin("sendcast").unwrap()
}

/// The text of `p`, or a panic naming it.
pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Chromium's path (`SENDCAST_CHROMIUM`, else the first on PATH). `None` when there is none,
/// after saying so: the caller skips, unless SENDCAST_REQUIRE_BROWSER=1 (as in CI), when a
/// missing browser fails the test.
pub fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("SENDCAST_CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| {
            let path = std::env::var_os("PATH")?;
            ["chromium", "chromium-browser", "google-chrome"]
                .iter()
                .flat_map(|name| std::env::split_paths(&path).map(move |d| d.join(name)))
                .find(|p| p.is_file())
        });
    if found.is_none() {
        assert!(
            std::env::var("SENDCAST_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "SENDCAST_REQUIRE_BROWSER=1 but no chromium on PATH"
        );
        eprintln!("skipped: no chromium on PATH (apt-get install chromium)");
    }
    found
}

/// The flags Chromium needs on this machine's closed network, headless, with a fresh profile
/// in `profile`.
pub fn chromium_flags(profile: &Path) -> Vec<String> {
    let mut v: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ]
    .map(String::from)
    .to_vec();
    v.push(format!("--user-data-dir={}", profile.display()));
    v
}

/// Byte offsets of the numbers outside comments in a model file's text (simple tokens of
/// digits, '.', 'e' not inside a name, a string or after a minus).
pub fn number_spans(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'#' {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if b[i].is_ascii_digit()
            && (i == 0
                || !b[i - 1].is_ascii_alphanumeric()
                    && b[i - 1] != b'_'
                    && b[i - 1] != b'"'
                    && b[i - 1] != b'-')
        {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b'e') {
                i += 1;
            }
            spans.push((start, i));
        } else {
            i += 1;
        }
    }
    spans
}

pub mod explore;
