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

/// A scenario with everything it extends merged in; `files[0]` is the scenario itself.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub table: Table,
    pub files: Vec<PathBuf>,
}

/// Read `path` and every file it extends, the base first, overrides on top.
pub fn load(path: &Path) -> InputResult<Loaded> {
    let mut chain: Vec<(PathBuf, Table)> = Vec::new();
    let mut next = Some((path.to_path_buf(), None::<Loc>));
    while let Some((file, from)) = next.take() {
        let here = from.clone().unwrap_or_else(|| Loc::file_start(&file));
        let canon = file.canonicalize().map_err(|e| {
            let msg = format!("cannot read `{}`: {e}", file.display());
            InputError::new(&here, if from.is_some() { "extends" } else { "" }, msg)
        })?;
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
        let text = read_text(&file, &here, from.is_some())?;
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
    for (_, t) in chain.into_iter().rev() {
        merged.merge(t, &APPEND_KEYS);
    }
    Ok(Loaded {
        table: merged,
        files,
    })
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
    if text.trim().is_empty() {
        return Err(InputError::new(
            &Loc::file_start(file),
            "",
            "the file is empty; expected a TOML model or scenario",
        ));
    }
    Ok(text)
}
