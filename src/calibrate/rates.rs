//! Rates and mixes from recent years of SEN2 flows: new-plan mixes, ceasing by age, and the
//! latest mix on or before a date.

use super::{CalResult, RATE_YEARS};
use crate::sen2::{Area, Sen2, N_BANDS};
use std::collections::BTreeMap;

/// The array `get` gives for the latest year `<= at` and `>= first`.
pub(super) fn nearest<T, const N: usize>(
    map: &BTreeMap<i32, T>,
    at: i32,
    first: i32,
    get: impl Fn(&T) -> Option<[f64; N]>,
) -> Option<(i32, [f64; N])> {
    map.range(first..=at).rev().find_map(|(y, v)| {
        get(v)
            .filter(|a| a.iter().sum::<f64>() > 0.0)
            .map(|a| (*y, a))
    })
}

pub(super) fn scale<const N: usize>(a: [f64; N], total: f64) -> [f64; N] {
    let s: f64 = a.iter().sum();
    a.map(|x| x / s * total)
}

/// A mix of new plans summed over recent years (England's when the area has none).
pub(super) fn mix<const N: usize>(
    area: &Area,
    sen2: &Sen2,
    origin: i32,
    first: i32,
    get: impl Fn(&crate::sen2::Flows) -> Option<[f64; N]>,
    what: &str,
) -> CalResult<([f64; N], String)> {
    let sum = |a: &Area, from: i32| {
        let mut out = [0.0; N];
        let mut years = Vec::new();
        for (y, f) in a.flows.range(from.max(origin - RATE_YEARS)..origin) {
            if let Some(v) = get(f) {
                out.iter_mut().zip(v).for_each(|(o, x)| *o += x);
                years.push(*y);
            }
        }
        (out, years)
    };
    let (v, years) = sum(area, first);
    if v.iter().sum::<f64>() > 0.0 {
        return Ok((v, format!("{what}, {} [P SEN2]", span(&years))));
    }
    let (v, years) = sum(&sen2.england, i32::MIN);
    if v.iter().sum::<f64>() > 0.0 {
        return Ok((
            v,
            format!(
                "{what}, England {} (none for this area) [P SEN2]",
                span(&years)
            ),
        ));
    }
    Err(format!("no {what} before {origin}"))
}

/// Years as ranges: "2010-2019, 2025".
pub fn year_ranges(years: &[i32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < years.len() {
        let mut j = i;
        while j + 1 < years.len() && years[j + 1] == years[j] + 1 {
            j += 1;
        }
        out.push(if i == j {
            years[i].to_string()
        } else {
            format!("{}-{}", years[i], years[j])
        });
        i = j + 1;
    }
    out.join(", ")
}

pub(super) fn span(years: &[i32]) -> String {
    match (years.first(), years.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}-{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    }
}

/// Relative ceasing by age when only totals are known [U, England's 2024 reasons, BRIEF §1].
pub(super) const CEASING_PROFILE: [f64; N_BANDS] = [0.03, 0.03, 0.04, 0.15, 0.28];

/// Ceasing rates by age band from plans ceased by age over the January caseload by age; with
/// only totals, the default age profile scaled to the area's total rate.
pub(super) fn ceasing(
    area: &Area,
    origin: i32,
    first: i32,
    start_age: &[f64; N_BANDS],
) -> ([f64; N_BANDS], String, Vec<(i32, f64)>) {
    let from = first.max(origin - RATE_YEARS);
    let mut ceased = [0.0; N_BANDS];
    let mut stock = [0.0; N_BANDS];
    let mut years = Vec::new();
    let mut share = Vec::new();
    for (y, f) in area.flows.range(from..origin) {
        if let (Some(c), Some(total)) = (f.ceased, area.census.get(y).and_then(|c| c.total)) {
            share.push((*y, c / total));
        }
        let by_age = area.census.get(y).and_then(|c| c.by_age);
        if let (Some(c), Some(s)) = (f.ceased_by_age, by_age) {
            for k in 0..N_BANDS {
                ceased[k] += c[k];
                stock[k] += s[k];
            }
            years.push(*y);
        }
    }
    if stock.iter().all(|&s| s > 0.0) {
        let rates = std::array::from_fn(|k| (ceased[k] / stock[k]).min(0.9));
        return (
            rates,
            format!(
                "plans ceased by age / January caseload by age, {} [P SEN2]",
                span(&years)
            ),
            share,
        );
    }
    let total_share: f64 = start_age.iter().sum();
    let profile_rate: f64 = CEASING_PROFILE
        .iter()
        .zip(start_age)
        .map(|(r, n)| r * n / total_share)
        .sum();
    if share.is_empty() {
        return (
            CEASING_PROFILE,
            "default: no plans-ceased figures before the start [U, BRIEF §1]".into(),
            share,
        );
    }
    let mean = share.iter().map(|s| s.1).sum::<f64>() / share.len() as f64;
    let f = mean / profile_rate;
    (
        CEASING_PROFILE.map(|r| (r * f).min(0.9)),
        format!(
            "age profile [U, BRIEF §1] scaled so the total matches {:.1}% of plans ceasing a year, {} [P SEN2]",
            mean * 100.0,
            span(&share.iter().map(|s| s.0).collect::<Vec<_>>())
        ),
        share,
    )
}
