//! What several test files need: the `sendcast` command, a file's text read or a panic that
//! names it, and a Chromium to render pages. Not every file uses each.
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

pub mod explore;
