//! Scenario and model files: reading TOML, following `extends`, merging overrides.

pub mod dist_spec;
pub mod reader;
pub mod tree;

use crate::error::{InputError, InputResult, Loc};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tree::{Table, Value};

/// How many files an `extends` chain may hold.
pub const MAX_EXTENDS_DEPTH: usize = 16;
/// Largest scenario file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 4 << 20;
/// Arrays that a scenario adds to rather than replaces.
const APPEND_KEYS: [&str; 1] = ["interventions"];
/// A table of changes to the interventions a scenario inherits, keyed by their number in the
/// list (`[inherited_interventions.2]` changes `interventions[2]`).
pub const EDIT_KEY: &str = "inherited_interventions";
/// An intervention's switch: `enabled = false` keeps it in the file but out of the run.
pub const ENABLED_KEY: &str = "enabled";

/// A scenario with everything it extends merged in; `files[0]` is the scenario itself.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub table: Table,
    pub files: Vec<PathBuf>,
    /// Numbers of the interventions switched off with `enabled = false`, ascending. They are
    /// still checked, and keep their numbers, so the others' inputs keep their names (and
    /// their random streams).
    pub switched_off: Vec<usize>,
}

/// Read `path` and every file it extends, the base first, overrides on top.
pub fn load(path: &Path) -> InputResult<Loaded> {
    load_chain(path, None)
}

/// A scenario given as `text`, read as if it were the file `path` (which need not exist):
/// its `extends` is found from `path`'s folder, and errors point into `path`.
pub fn load_text(path: &Path, text: &str) -> InputResult<Loaded> {
    load_chain(path, Some(text))
}

fn load_chain(path: &Path, first_text: Option<&str>) -> InputResult<Loaded> {
    let mut chain: Vec<(PathBuf, Table)> = Vec::new();
    let mut next = Some((path.to_path_buf(), None::<Loc>));
    while let Some((file, from)) = next.take() {
        let here = from.clone().unwrap_or_else(|| Loc::file_start(&file));
        let given = if chain.is_empty() { first_text } else { None };
        let canon = match given {
            // A text not on disk cannot be extended by a file, so it cannot close a cycle.
            Some(_) => file.clone(),
            None => file.canonicalize().map_err(|e| {
                let msg = format!("cannot read `{}`: {e}", file.display());
                InputError::new(&here, if from.is_some() { "extends" } else { "" }, msg)
            })?,
        };
        if chain
            .iter()
            .any(|(p, _)| p.canonicalize().ok().as_ref() == Some(&canon))
        {
            let names: Vec<String> = chain.iter().map(|(p, _)| p.display().to_string()).collect();
            return Err(InputError::new(
                &here,
                "extends",
                format!(
                    "`extends` makes a cycle: {} -> {}",
                    names.join(" -> "),
                    file.display()
                ),
            ));
        }
        if chain.len() >= MAX_EXTENDS_DEPTH {
            return Err(InputError::new(
                &here,
                "extends",
                format!("`extends` chain is deeper than {MAX_EXTENDS_DEPTH} files"),
            ));
        }
        let text = match given {
            Some(t) => {
                check_text(&file, t.len() as u64, t)?;
                t.to_string()
            }
            None => read_text(&file, &here, from.is_some())?,
        };
        let file_arc = Arc::new(file.clone());
        let mut table = tree::parse(&file_arc, &text)?;
        if let Some(e) = table.remove("extends") {
            let Value::Str(rel) = &e.node.value else {
                return Err(InputError::new(
                    &e.node.loc,
                    "extends",
                    format!(
                        "expected a path to a model or scenario file, found {}",
                        e.node.value.type_name()
                    ),
                ));
            };
            let base = file.parent().unwrap_or(Path::new(".")).join(rel);
            next = Some((base, Some(e.node.loc.clone())));
        }
        chain.push((file, table));
    }
    let files = chain.iter().map(|(p, _)| p.clone()).collect();
    let mut merged = Table::default();
    for (_, mut t) in chain.into_iter().rev() {
        let edits = t.remove(EDIT_KEY);
        let inherited = interventions(&mut merged).map_or(0, |v| v.len());
        merged.merge(t, &APPEND_KEYS);
        if let Some(e) = edits {
            edit_inherited(&mut merged, e, inherited)?;
        }
    }
    let switched_off = take_switches(&mut merged)?;
    Ok(Loaded {
        table: merged,
        files,
        switched_off,
    })
}

/// The merged `[[interventions]]`, if there is such an array.
fn interventions(t: &mut Table) -> Option<&mut Vec<tree::Node>> {
    match t.entries.iter_mut().find(|e| e.key == "interventions") {
        Some(tree::Entry {
            node:
                tree::Node {
                    value: Value::Array(v),
                    ..
                },
            ..
        }) => Some(v),
        _ => None,
    }
}

/// Lay each `[inherited_interventions.N]` table over intervention N of the `inherited` ones
/// the files below this one define (distribution tables replaced whole, like any override).
fn edit_inherited(merged: &mut Table, edits: tree::Entry, inherited: usize) -> InputResult<()> {
    let Value::Table(t) = edits.node.value else {
        return Err(InputError::new(
            &edits.node.loc,
            EDIT_KEY,
            format!(
                "expected a table of changes by intervention number, such as [{EDIT_KEY}.0], found {}",
                edits.node.value.type_name()
            ),
        ));
    };
    for e in t.entries {
        let key = format!("{EDIT_KEY}.{}", e.key);
        let i = match e.key.parse::<usize>() {
            Ok(i) if i.to_string() == e.key && i < inherited => i,
            _ => {
                let allowed = match inherited {
                    0 => "the files this one extends have no interventions".to_string(),
                    n => format!(
                        "the files this one extends have {n}, numbered 0 to {}",
                        n - 1
                    ),
                };
                return Err(InputError::new(
                    &e.key_loc,
                    key,
                    format!("not the number of an inherited intervention; {allowed}"),
                ));
            }
        };
        let Value::Table(change) = e.node.value else {
            return Err(InputError::new(
                &e.node.loc,
                key,
                format!(
                    "expected a table of the intervention's keys to change, found {}",
                    e.node.value.type_name()
                ),
            ));
        };
        // An inherited entry that is not a table is reported by the compiler at its own line.
        if let Some(Value::Table(mine)) = interventions(merged).map(|v| &mut v[i].value) {
            mine.merge(change, &[]);
        }
    }
    Ok(())
}

/// Remove every intervention's `enabled` key, returning the numbers of those it switches off.
fn take_switches(merged: &mut Table) -> InputResult<Vec<usize>> {
    let mut off = Vec::new();
    let Some(list) = interventions(merged) else {
        return Ok(off);
    };
    for (i, node) in list.iter_mut().enumerate() {
        let Value::Table(t) = &mut node.value else {
            continue;
        };
        let Some(e) = t.remove(ENABLED_KEY) else {
            continue;
        };
        match e.node.value {
            Value::Bool(true) => {}
            Value::Bool(false) => off.push(i),
            ref v => {
                return Err(InputError::new(
                    &e.node.loc,
                    format!("interventions[{i}].{ENABLED_KEY}"),
                    format!("expected true or false, found {}", v.type_name()),
                ))
            }
        }
    }
    Ok(off)
}

fn read_text(file: &Path, here: &Loc, is_extends: bool) -> InputResult<String> {
    let key = if is_extends { "extends" } else { "" };
    let meta = std::fs::metadata(file).map_err(|e| {
        InputError::new(here, key, format!("cannot read `{}`: {e}", file.display()))
    })?;
    if !meta.is_file() {
        return Err(InputError::new(
            here,
            key,
            format!("`{}` is not a file", file.display()),
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(InputError::new(
            here,
            key,
            format!(
                "`{}` is {} bytes; scenario files may be at most {MAX_FILE_BYTES}",
                file.display(),
                meta.len()
            ),
        ));
    }
    let bytes = std::fs::read(file).map_err(|e| {
        InputError::new(here, key, format!("cannot read `{}`: {e}", file.display()))
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let loc = Loc::at(&Arc::new(file.to_path_buf()), "", 0);
        InputError::new(
            &loc,
            "",
            format!(
                "not UTF-8 text (invalid byte at offset {}); scenario files are TOML text",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    check_text(file, 0, &text)?;
    Ok(text)
}

/// A scenario text's own checks: at most `MAX_FILE_BYTES` (`len`, when not read from disk,
/// where the file's size was checked) and not empty.
fn check_text(file: &Path, len: u64, text: &str) -> InputResult<()> {
    if len > MAX_FILE_BYTES {
        return Err(InputError::new(
            &Loc::file_start(file),
            "",
            format!("the scenario is {len} bytes; scenario files may be at most {MAX_FILE_BYTES}"),
        ));
    }
    if text.trim().is_empty() {
        return Err(InputError::new(
            &Loc::file_start(file),
            "",
            "the file is empty; expected a TOML model or scenario",
        ));
    }
    Ok(())
}
