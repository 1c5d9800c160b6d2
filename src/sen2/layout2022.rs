//! The layout of releases up to 2022 (`sen2_age_caseload.csv`, `sen2_estab_caseload.csv`,
//! `sen2_age_new_plans.csv`, `sen2_estab_new_plans.csv`, `sen2_mi.csv`).

use super::{add_into, band_of_label, sum_opt, Builder, Common, CsvFile};
use crate::error::InputResult;
use crate::model::N_SETTINGS;
use std::path::{Path, PathBuf};

pub fn present(dir: &Path) -> bool {
    dir.join("sen2_age_caseload.csv").is_file() || dir.join("sen2_mi.csv").is_file()
}

pub fn read(dir: &Path, into: &mut Builder, files: &mut Vec<PathBuf>) -> InputResult<()> {
    let mut b = Builder::default();
    let mut open = |name: &str| -> InputResult<Option<CsvFile>> {
        let p = dir.join(name);
        if !p.is_file() {
            return Ok(None);
        }
        files.push(p.clone());
        CsvFile::read(&p).map(Some)
    };
    if let Some(f) = open("sen2_age_caseload.csv")? {
        ages(&f, &mut b, "Total_all", true)?;
    }
    if let Some(f) = open("sen2_age_new_plans.csv")? {
        ages(&f, &mut b, "Total_new_all", false)?;
    }
    if let Some(f) = open("sen2_estab_caseload.csv")? {
        settings(&f, &mut b, "Total_all", true)?;
    }
    if let Some(f) = open("sen2_estab_new_plans.csv")? {
        settings(&f, &mut b, "Total_new_all", false)?;
    }
    if let Some(f) = open("sen2_mi.csv")? {
        mi(&f, &mut b)?;
    }
    into.overlay(b);
    Ok(())
}

fn ages(f: &CsvFile, b: &mut Builder, value: &str, census: bool) -> InputResult<()> {
    let c = Common::of(f)?;
    let [label, v] = f.columns(["characteristic_age", value])?;
    for r in f.rows() {
        let y = r.year(c.period)?;
        let Some(a) = b.area(c.geo(&r)) else { continue };
        let x = r.number(v)?;
        let l = r.text(label);
        match (l == "Total", census) {
            (true, true) => a.census.entry(y).or_default().total = x,
            (true, false) => a.flows.entry(y).or_default().new_plans = x,
            (false, _) => {
                if let Some(k) = band_of_label(l) {
                    if census {
                        add_into(&mut a.census.entry(y).or_default().by_age, k, x);
                    } else {
                        add_into(&mut a.flows.entry(y).or_default().new_by_age, k, x);
                    }
                }
            }
        }
    }
    Ok(())
}

/// sendcast's setting of an establishment row (group, type); `None` for rows left to `other`
/// and for subtotals not used.
fn setting_of(group: &str, kind: &str) -> Option<usize> {
    let k = kind.to_ascii_lowercase();
    match group {
        "Mainstream school" if kind != "Total" => {
            if k.contains("sen unit") || k.contains("resourced") {
                Some(1)
            } else {
                Some(0)
            }
        }
        "Special school" => match kind {
            "Special - LA maintained" => Some(2),
            "Special - Academy/free" | "Special - Academy" | "Special - Free school" => Some(3),
            "Special - Independent" | "Special - Non-maintained" => Some(4),
            _ => None,
        },
        "Alternative provision/Pupil referral unit" if kind == "Total" => Some(5),
        "Further education" if kind == "Total" => Some(6),
        _ => None,
    }
}

fn settings(f: &CsvFile, b: &mut Builder, value: &str, census: bool) -> InputResult<()> {
    let c = Common::of(f)?;
    let [group, kind, v] = f.columns(["establishment_group", "establishment_type", value])?;
    // Totals first, then the settings they are split into.
    let mut parts: std::collections::BTreeMap<(String, i32), [f64; N_SETTINGS]> =
        Default::default();
    for r in f.rows() {
        let y = r.year(c.period)?;
        let (g, k) = (r.text(group), r.text(kind));
        let x = r.number(v)?;
        let geo = c.geo(&r);
        let Some(a) = b.area(geo) else { continue };
        if g == "Total" && k == "Total" {
            if census {
                a.census.entry(y).or_default().total = x;
            } else {
                a.flows.entry(y).or_default().new_plans = x;
            }
        } else if let Some(s) = setting_of(g, k) {
            parts
                .entry((a.code.clone(), y))
                .or_insert([0.0; N_SETTINGS])[s] += x.unwrap_or(0.0);
        }
    }
    for ((code, y), mut s) in parts {
        let a = if code.is_empty() || code == b.england.code {
            &mut b.england
        } else {
            b.areas.get_mut(&code).expect("area seen")
        };
        let total = if census {
            a.census.get(&y).and_then(|e| e.total)
        } else {
            a.flows.get(&y).and_then(|e| e.new_plans)
        };
        let Some(total) = total else { continue };
        s[N_SETTINGS - 1] = (total - s[..N_SETTINGS - 1].iter().sum::<f64>()).max(0.0);
        if census {
            a.census.entry(y).or_default().by_setting = Some(s);
        } else {
            a.flows.entry(y).or_default().new_by_setting = Some(s);
        }
    }
    Ok(())
}

fn mi(f: &CsvFile, b: &mut Builder) -> InputResult<()> {
    let c = Common::of(f)?;
    let [req, refused, plan, no_plan, open_, issued, in20] = f.columns([
        "InreqEHC",
        "AssRefusedEHC",
        "NewallEHC",
        "AssnoneEHC",
        "AssnodecisionEHC",
        "TotIncExcEHC",
        "IncExc20weekEHC",
    ])?;
    let ceased = f.columns([
        "DisleaEHC",
        "DismetEHC",
        "DisothEHC",
        "DisleftEHC",
        "Dislea",
        "Dismet",
        "Disoth",
        "Disleft",
    ])?;
    for r in f.rows() {
        let y = r.year(c.period)?;
        let Some(a) = b.area(c.geo(&r)) else { continue };
        let fl = a.flows.entry(y).or_default();
        fl.requests = r.number(req)?;
        fl.refused = r.number(refused)?;
        fl.assessed_plan = r.number(plan)?;
        fl.assessed_no_plan = r.number(no_plan)?;
        fl.open_at_year_end = r.number(open_)?;
        fl.issued = r.number(issued)?;
        fl.issued_in_20_weeks = r.number(in20)?;
        let parts = ceased
            .iter()
            .map(|&k| r.number(k))
            .collect::<InputResult<Vec<_>>>()?;
        fl.ceased = sum_opt(&parts);
    }
    Ok(())
}
