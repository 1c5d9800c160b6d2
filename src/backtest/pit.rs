//! PIT histograms of sendcast's forecasts by metric and horizon: where each outcome fell in
//! its forecast distribution, in tenths (`pit.csv`, and the chart `pit.svg` / `pit.png`).

use super::score::common;
use super::series::{METRICS, SHARES};
use super::Row;
use crate::report::charts::pit::{self, Pit, BINS};
use std::collections::BTreeSet;

/// The PIT bin counts of one metric at one horizon (`None`: every horizon).
#[derive(Debug, Clone, PartialEq)]
pub struct PitBins {
    pub metric: &'static str,
    pub horizon: Option<usize>,
    pub counts: [usize; BINS],
}

fn bin(p: f64) -> usize {
    ((p * BINS as f64) as usize).min(BINS - 1)
}

/// Bin counts of the sendcast rows scored (the cases every method forecast), by metric and
/// horizon, then by metric over every horizon.
pub fn bins(rows: &[Row]) -> Vec<PitBins> {
    let rows: Vec<&Row> = common(rows)
        .into_iter()
        .filter(|r| r.method == "sendcast")
        .collect();
    let horizons: BTreeSet<usize> = rows.iter().map(|r| r.horizon).collect();
    let mut out = Vec::new();
    for &metric in METRICS.iter().chain(&SHARES) {
        for h in horizons.iter().map(|&h| Some(h)).chain([None]) {
            let mut counts = [0usize; BINS];
            for r in &rows {
                if r.metric == metric && h.is_none_or(|h| r.horizon == h) {
                    if let Some(p) = r.pit {
                        counts[bin(p)] += 1;
                    }
                }
            }
            if counts.iter().sum::<usize>() > 0 {
                out.push(PitBins {
                    metric,
                    horizon: h,
                    counts,
                });
            }
        }
    }
    out
}

/// The chart of the counts' PIT histograms: a row per count metric, a column per horizon.
pub fn chart(bins: &[PitBins], origins: &[i32]) -> Option<crate::report::charts::Chart> {
    let horizons: BTreeSet<usize> = bins.iter().filter_map(|b| b.horizon).collect();
    let metrics: Vec<&str> = METRICS
        .iter()
        .copied()
        .filter(|m| bins.iter().any(|b| b.metric == *m))
        .collect();
    if metrics.is_empty() {
        return None;
    }
    let cells = metrics
        .iter()
        .map(|m| {
            horizons
                .iter()
                .map(|&h| {
                    bins.iter()
                        .find(|b| b.metric == *m && b.horizon == Some(h))
                        .map_or([0; BINS], |b| b.counts)
                })
                .collect()
        })
        .collect();
    let n: usize = bins
        .iter()
        .filter(|b| b.horizon.is_none() && METRICS.contains(&b.metric))
        .map(|b| b.counts.iter().sum::<usize>())
        .sum();
    let from = match (origins.first(), origins.last()) {
        (Some(a), Some(b)) if a != b => format!("origins January {a}-{b}"),
        (Some(a), _) => format!("origin January {a}"),
        _ => String::new(),
    };
    let grid = Pit {
        rows: metrics.iter().map(|m| m.to_string()).collect(),
        cols: horizons
            .iter()
            .map(|h| format!("{h} year{}", if *h == 1 { "" } else { "s" }))
            .collect(),
        cells,
    };
    Some(pit::chart(
        grid,
        format!("{from} · {n} forecasts of counts · flat = calibrated, U = too narrow, hump = too wide, slope = biased"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenths_hold_their_ends() {
        assert_eq!(bin(0.0), 0);
        assert_eq!(bin(0.0999), 0);
        assert_eq!(bin(0.1), 1);
        assert_eq!(bin(1.0), BINS - 1);
    }
}
