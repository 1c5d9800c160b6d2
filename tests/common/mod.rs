//! What several test files need: the `sendcast` command, and a file's text read or a panic
//! that names it. Not every file uses both.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::Path;

/// The built `sendcast` binary, ready for arguments.
pub fn sendcast() -> Command {
    Command::cargo_bin("sendcast").unwrap()
}

/// The text of `p`, or a panic naming it.
pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub mod explore;
