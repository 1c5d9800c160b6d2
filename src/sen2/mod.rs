//! DfE SEN2 statistics ("Education, health and care plans"): the series sendcast calibrates
//! from, per authority and for England, read from either release layout.

mod csvfile;
mod layout2022;
mod layout2025;

use crate::error::{InputError, InputResult, Loc};
use crate::model::{age_band, N_SETTINGS};
use csvfile::{CsvFile, Row};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const N_BANDS: usize = crate::model::AGE_BANDS.len();

/// The January census of one year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Census {
    pub total: Option<f64>,
    pub by_setting: Option<[f64; N_SETTINGS]>,
    pub by_age: Option<[f64; N_BANDS]>,
}

/// Flows of one calendar year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Flows {
    pub requests: Option<f64>,
    pub refused: Option<f64>,
    pub decided_in_6_weeks: Option<f64>,
    pub decided_late: Option<f64>,
    /// Assessments that ended in a plan, and that ended without one.
    pub assessed_plan: Option<f64>,
    pub assessed_no_plan: Option<f64>,
    /// Requests or assessments still open at the end of the year.
    pub open_at_year_end: Option<f64>,
    /// Of those, requests still waiting for the decision to assess (2023 on).
    pub undecided_at_year_end: Option<f64>,
    pub new_plans: Option<f64>,
    pub new_by_age: Option<[f64; N_BANDS]>,
    pub new_by_setting: Option<[f64; N_SETTINGS]>,
    pub ceased: Option<f64>,
    pub ceased_by_age: Option<[f64; N_BANDS]>,
    pub issued: Option<f64>,
    pub issued_in_20_weeks: Option<f64>,
    /// Plans issued more than 52 weeks after the request (2023 on).
    pub issued_over_52_weeks: Option<f64>,
}

/// One authority's series (or England's).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Area {
    pub code: String,
    pub old_code: String,
    pub name: String,
    /// Keyed by census year (January).
    pub census: BTreeMap<i32, Census>,
    /// Keyed by calendar year.
    pub flows: BTreeMap<i32, Flows>,
}

/// Every area in the files read.
#[derive(Debug, Clone, Default)]
pub struct Sen2 {
    pub areas: Vec<Area>,
    pub england: Area,
    /// Files read, in the order they were applied (later ones win).
    pub files: Vec<PathBuf>,
}

/// Which geography a row is about.
enum Geo {
    England,
    Authority {
        code: String,
        old: String,
        name: String,
    },
    Other,
}

/// Band of a DfE age label: "Under 5", "Age 5 to 10", "age 12", "Aged 3", "age 2 and under",
/// "age 20 and over", "under 3"; `None` for "Age unknown" and totals.
pub fn band_of_label(label: &str) -> Option<usize> {
    let l = label.to_ascii_lowercase();
    if l.contains("unknown") || l.contains("total") {
        return None;
    }
    if l.starts_with("under") {
        return Some(0);
    }
    let first: String = l
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit())
        .collect();
    first.parse::<usize>().ok().map(|a| age_band(a.min(25)))
}

impl Sen2 {
    /// Read the SEN2 files in `dir`, or in its sub-folders (one per release, applied in name
    /// order so that a newer release overrides an older one).
    pub fn load(dir: &Path) -> InputResult<Sen2> {
        let here = Loc::file_start(dir);
        if !dir.is_dir() {
            return Err(InputError::new(
                &here,
                "--sen2",
                format!(
                    "`{}` is not a folder; give the folder holding DfE's SEN2 CSV files",
                    dir.display()
                ),
            ));
        }
        let mut folders = vec![dir.to_path_buf()];
        let mut subs: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| InputError::new(&here, "--sen2", format!("cannot list the folder: {e}")))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        subs.sort();
        folders.extend(subs);
        let mut s = Sen2::default();
        let mut builder = Builder::default();
        for f in &folders {
            if layout2022::present(f) {
                layout2022::read(f, &mut builder, &mut s.files)?;
            }
            if layout2025::present(f) {
                layout2025::read(f, &mut builder, &mut s.files)?;
            }
        }
        if s.files.is_empty() {
            return Err(InputError::new(
                &here,
                "--sen2",
                format!(
                    "no SEN2 files in `{}` or its sub-folders: expected DfE's `caseload.csv`, \
                     `newplans.csv`, `requests.csv` ... (2023 releases on) or `sen2_age_caseload.csv`, \
                     `sen2_mi.csv` ... (up to 2022)",
                    dir.display()
                ),
            ));
        }
        s.england = builder.england;
        s.england.code = "E92000001".into();
        s.england.name = "England".into();
        s.areas = builder.areas.into_values().collect();
        s.areas.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(s)
    }

    /// The area named by a code (new `E0…` or old 3-digit), a name, or `England`; an unknown
    /// one is an error that suggests the closest names.
    pub fn find(&self, query: &str) -> Result<&Area, String> {
        let q = query.trim().to_lowercase();
        if q == "england" || q == "e92000001" {
            return Ok(&self.england);
        }
        if let Some(a) = self.areas.iter().find(|a| {
            a.code.to_lowercase() == q
                || a.old_code == q
                || a.name.to_lowercase() == q
                || (q.len() >= 3 && initials(&a.name) == q)
        }) {
            return Ok(a);
        }
        let mut scored: Vec<(f64, &Area)> = self
            .areas
            .iter()
            .map(|a| {
                let name = a.name.to_lowercase();
                let mut s = strsim::jaro_winkler(&q, &name);
                if name.contains(&q) {
                    s += 0.5;
                }
                (s, a)
            })
            .collect();
        scored.sort_by(|x, y| y.0.total_cmp(&x.0));
        let close: Vec<String> = scored
            .iter()
            .take(3)
            .map(|(_, a)| format!("{} ({})", a.name, a.code))
            .collect();
        Err(format!(
            "no authority `{query}` in the SEN2 files; closest: {}; or give `England`",
            close.join(", ")
        ))
    }
}

/// Initials of a name's main words: "Bournemouth, Christchurch and Poole" -> "bcp".
fn initials(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| {
            !w.is_empty()
                && !["and", "of", "the", "upon", "on"].contains(&w.to_lowercase().as_str())
        })
        .filter_map(|w| w.chars().next())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Collects rows from every file into areas.
#[derive(Default)]
struct Builder {
    areas: BTreeMap<String, Area>,
    england: Area,
}

impl Builder {
    /// Lay `newer` over what is here: every value it holds replaces the older one.
    fn overlay(&mut self, newer: Builder) {
        fn merge(old: &mut Area, new: Area) {
            old.code = new.code;
            old.old_code = new.old_code;
            old.name = new.name;
            for (y, c) in new.census {
                let o = old.census.entry(y).or_default();
                over(&mut o.total, c.total);
                over(&mut o.by_setting, c.by_setting);
                over(&mut o.by_age, c.by_age);
            }
            for (y, f) in new.flows {
                let o = old.flows.entry(y).or_default();
                over(&mut o.requests, f.requests);
                over(&mut o.refused, f.refused);
                over(&mut o.decided_in_6_weeks, f.decided_in_6_weeks);
                over(&mut o.decided_late, f.decided_late);
                over(&mut o.assessed_plan, f.assessed_plan);
                over(&mut o.assessed_no_plan, f.assessed_no_plan);
                over(&mut o.open_at_year_end, f.open_at_year_end);
                over(&mut o.new_plans, f.new_plans);
                over(&mut o.new_by_age, f.new_by_age);
                over(&mut o.new_by_setting, f.new_by_setting);
                over(&mut o.ceased, f.ceased);
                over(&mut o.ceased_by_age, f.ceased_by_age);
                over(&mut o.issued, f.issued);
                over(&mut o.issued_in_20_weeks, f.issued_in_20_weeks);
                over(&mut o.issued_over_52_weeks, f.issued_over_52_weeks);
                over(&mut o.undecided_at_year_end, f.undecided_at_year_end);
            }
        }
        fn over<T>(old: &mut Option<T>, new: Option<T>) {
            if new.is_some() {
                *old = new;
            }
        }
        for (code, a) in newer.areas {
            merge(self.areas.entry(code).or_default(), a);
        }
        let name = std::mem::take(&mut self.england.name);
        merge(&mut self.england, newer.england);
        self.england.name = name;
    }

    fn area(&mut self, geo: Geo) -> Option<&mut Area> {
        match geo {
            Geo::England => Some(&mut self.england),
            Geo::Authority { code, old, name } => {
                let a = self.areas.entry(code.clone()).or_default();
                a.code = code;
                a.old_code = old;
                a.name = name;
                Some(a)
            }
            Geo::Other => None,
        }
    }
}

/// Columns every DfE file carries.
struct Common {
    period: usize,
    level: usize,
    code: usize,
    old: usize,
    name: usize,
}

impl Common {
    fn of(f: &CsvFile) -> InputResult<Common> {
        let [period, level, code, old, name] = f.columns([
            "time_period",
            "geographic_level",
            "new_la_code",
            "old_la_code",
            "la_name",
        ])?;
        Ok(Common {
            period,
            level,
            code,
            old,
            name,
        })
    }

    fn geo(&self, r: &Row<'_>) -> Geo {
        match r.text(self.level) {
            "National" => Geo::England,
            "Local authority" => Geo::Authority {
                code: r.text(self.code).to_string(),
                old: r.text(self.old).to_string(),
                name: r.text(self.name).to_string(),
            },
            _ => Geo::Other,
        }
    }
}

/// Add `x` into slot `i` of an optional array (created at zero).
fn add_into<const N: usize>(slot: &mut Option<[f64; N]>, i: usize, x: Option<f64>) {
    if let Some(x) = x {
        slot.get_or_insert([0.0; N])[i] += x;
    }
}

/// Sum of the present values, `None` when none is present.
fn sum_opt(xs: &[Option<f64>]) -> Option<f64> {
    xs.iter().flatten().copied().reduce(|a, b| a + b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_labels_fall_in_bands() {
        for (label, band) in [
            ("Under 5", 0),
            ("under 3", 0),
            ("age 2 and under", 0),
            ("Aged 4", 0),
            ("Age 5 to 10", 1),
            ("age 10", 1),
            ("Age 11 to 15", 2),
            ("Aged 16", 3),
            ("age 19", 3),
            ("age 20 and over", 4),
            ("Age 20 to 25", 4),
        ] {
            assert_eq!(band_of_label(label), Some(band), "{label}");
        }
        assert_eq!(band_of_label("Age unknown"), None);
        assert_eq!(band_of_label("Total"), None);
    }
}
