//! One DfE CSV file: header lookup, cells with DfE's missing-value codes, errors with line and column.

use crate::error::{InputError, InputResult, Loc};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What DfE writes where a number is missing: x unavailable, z not applicable, c suppressed,
/// and blanks.
const MISSING: [&str; 7] = ["", "x", "z", "c", "u", ":", "low"];

/// A DfE data file read whole; rows keep their line numbers.
pub struct CsvFile {
    pub path: Arc<PathBuf>,
    headers: Vec<String>,
    rows: Vec<(usize, csv::StringRecord)>,
}

/// A row of a [`CsvFile`].
pub struct Row<'a> {
    file: &'a CsvFile,
    line: usize,
    rec: &'a csv::StringRecord,
}

impl CsvFile {
    pub fn read(path: &Path) -> InputResult<CsvFile> {
        let arc = Arc::new(path.to_path_buf());
        let at = |line: usize| Loc {
            file: Arc::clone(&arc),
            line,
            col: 1,
        };
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(false)
            .from_path(path)
            .map_err(|e| InputError::new(&at(1), "", format!("cannot read the file: {e}")))?;
        let headers: Vec<String> = rdr
            .headers()
            .map_err(|e| csv_error(&arc, &e))?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        if headers.len() < 2 {
            return Err(InputError::new(
                &at(1),
                "",
                "not a DfE data file: the first line should be a header of column names separated by commas",
            ));
        }
        let mut rows = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| csv_error(&arc, &e))?;
            let line = rec.position().map_or(0, |p| p.line() as usize);
            rows.push((line, rec));
        }
        Ok(CsvFile {
            path: arc,
            headers,
            rows,
        })
    }

    /// Index of each wanted column; an error names the first one missing.
    pub fn columns<const N: usize>(&self, names: [&str; N]) -> InputResult<[usize; N]> {
        let mut out = [0; N];
        for (o, name) in out.iter_mut().zip(names) {
            *o = self.column(name)?;
        }
        Ok(out)
    }

    pub fn column(&self, name: &str) -> InputResult<usize> {
        self.column_opt(name).ok_or_else(|| {
            InputError::new(
                &Loc {
                    file: Arc::clone(&self.path),
                    line: 1,
                    col: 1,
                },
                name,
                format!(
                    "column `{name}` is missing from the header; this file's layout is not the DfE one \
                     sendcast reads (columns found: {})",
                    self.headers.join(", ")
                ),
            )
        })
    }

    pub fn column_opt(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(move |(line, rec)| Row {
            file: self,
            line: *line,
            rec,
        })
    }
}

fn csv_error(path: &Arc<PathBuf>, e: &csv::Error) -> InputError {
    let line = e.position().map_or(1, |p| p.line() as usize);
    let loc = Loc {
        file: Arc::clone(path),
        line,
        col: 1,
    };
    let msg = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("this row has {len} fields but the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "the file is not UTF-8 text".to_string(),
        _ => format!("cannot read the file: {e}"),
    };
    InputError::new(&loc, "", msg)
}

impl Row<'_> {
    pub fn text(&self, col: usize) -> &str {
        self.rec.get(col).unwrap_or("").trim()
    }

    fn loc(&self, col: usize) -> Loc {
        Loc {
            file: Arc::clone(&self.file.path),
            line: self.line,
            col: col + 1,
        }
    }

    /// A count or rate: `None` for DfE's missing-value codes; an error for anything else
    /// that is not a finite number of at least zero.
    pub fn number(&self, col: usize) -> InputResult<Option<f64>> {
        let s = self.text(col);
        if MISSING.contains(&s.to_ascii_lowercase().as_str()) {
            return Ok(None);
        }
        match s.replace(',', "").parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => Ok(Some(x)),
            _ => Err(self.bad(col, s)),
        }
    }

    fn bad(&self, col: usize, s: &str) -> InputError {
        InputError::new(
            &self.loc(col),
            &self.file.headers[col],
            format!(
                "`{s}` is not allowed; expected a number of at least 0, or one of DfE's codes \
                 x (unavailable), z (not applicable), c (suppressed)"
            ),
        )
    }

    /// A year from `time_period`: calendar years stay (`2021`); academic years like `202425`
    /// give the January census year (2025).
    pub fn year(&self, col: usize) -> InputResult<i32> {
        let s = self.text(col);
        let ok = |y: i32| (1990..=2100).contains(&y);
        let y = match s.len() {
            4 => s.parse::<i32>().ok().filter(|&y| ok(y)),
            6 => {
                let a = s[..4].parse::<i32>().ok();
                let b = s[4..].parse::<i32>().ok();
                match (a, b) {
                    (Some(a), Some(b)) if ok(a) && (a + 1) % 100 == b => Some(a + 1),
                    _ => None,
                }
            }
            _ => None,
        };
        y.ok_or_else(|| {
            InputError::new(
                &self.loc(col),
                &self.file.headers[col],
                format!(
                    "`{s}` is not a DfE time period; expected a year like 2021 or an academic year \
                     like 202425 (January 2025)"
                ),
            )
        })
    }
}
