//! Input errors that point at a file, line, column and key, and say what is allowed.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where a value came from: file and 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loc {
    pub file: Arc<PathBuf>,
    pub line: usize,
    pub col: usize,
}

impl Loc {
    /// Location of byte offset `offset` in `text`.
    pub fn at(file: &Arc<PathBuf>, text: &str, offset: usize) -> Loc {
        let offset = offset.min(text.len());
        let before = &text.as_bytes()[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let col = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        Loc {
            file: Arc::clone(file),
            line,
            col,
        }
    }

    /// The start of a file (for errors about the whole file).
    pub fn file_start(file: &Path) -> Loc {
        Loc {
            file: Arc::new(file.to_path_buf()),
            line: 1,
            col: 1,
        }
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.col)
    }
}

/// A problem with a scenario or model file, or with command-line input: exit code 2.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    pub loc: Loc,
    /// Dotted key path, e.g. `demand.refusal_rate` (empty for syntax errors without a key).
    pub key: String,
    pub message: String,
}

impl InputError {
    pub fn new(loc: &Loc, key: impl Into<String>, message: impl Into<String>) -> InputError {
        InputError {
            loc: loc.clone(),
            key: key.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "{}: {}", self.loc, self.message)
        } else {
            write!(f, "{}: key `{}`: {}", self.loc, self.key, self.message)
        }
    }
}

impl std::error::Error for InputError {}

pub type InputResult<T> = Result<T, InputError>;
