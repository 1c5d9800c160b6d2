//! A corpus of malformed and hostile scenario files (`tests/bad_inputs/*.toml`), each with the
//! two texts its error must contain (`*.expected`: the key, then what is allowed). Every one
//! must exit with code 2, name the file with a line and column, and leave no output behind.

mod common;

use common::sendcast;
use std::path::{Path, PathBuf};

fn cases() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir("tests/bad_inputs")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    v
}

/// `FILE.toml:LINE:COL` somewhere in the text.
fn has_position(err: &str) -> bool {
    err.match_indices(".toml:").any(|(i, m)| {
        let rest = &err[i + m.len()..];
        let line: String = rest.chars().take_while(char::is_ascii_digit).collect();
        !line.is_empty()
            && rest[line.len()..].starts_with(':')
            && rest[line.len() + 1..].starts_with(|c: char| c.is_ascii_digit())
    })
}

#[test]
fn every_bad_file_is_refused_with_a_located_message() {
    let cases = cases();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_stem().unwrap().to_string_lossy().to_string();
        let expected = std::fs::read_to_string(case.with_extension("expected"))
            .unwrap_or_else(|_| panic!("{name}: no .expected file"));
        let want: Vec<&str> = expected.lines().filter(|l| !l.is_empty()).collect();
        let out = tmp.path().join(&name);
        for args in [vec!["run"], vec!["validate"]] {
            let mut cmd = sendcast();
            cmd.args(&args).arg(case);
            if args[0] == "run" {
                cmd.args(["--runs", "2", "--quiet", "--out"]).arg(&out);
            }
            let o = cmd.output().unwrap();
            let err = String::from_utf8_lossy(&o.stderr).to_string();
            let mut problems = Vec::new();
            if o.status.code() != Some(2) {
                problems.push(format!("exit code {:?}", o.status.code()));
            }
            if !has_position(&err) {
                problems.push("no FILE.toml:LINE:COL".to_string());
            }
            for w in &want {
                if !err.contains(w) {
                    problems.push(format!("missing `{w}`"));
                }
            }
            if err.contains("panicked") {
                problems.push("panicked".to_string());
            }
            if out.exists() {
                problems.push("output folder created".to_string());
            }
            if !problems.is_empty() {
                failures.push(format!(
                    "{name} ({}): {}\n    stderr: {}",
                    args[0],
                    problems.join("; "),
                    err.trim()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(!Path::new(tmp.path()).join(".tmp").exists());
}
