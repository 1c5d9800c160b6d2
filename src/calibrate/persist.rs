//! How long an authority's timeliness stays apart from England's: the year-to-year
//! correlation of its share of plans issued within 20 weeks less England's, over all
//! authorities and every pair of consecutive years up to the origin. The capacity a calibrated
//! model carries on moves towards a typical service's at that rate (README, "The assessment
//! pipeline": services far behind get money and attention, services far ahead lose staff to
//! the pressure; SEN2 shows the gap closing, not lasting).

use crate::sen2::Area;

/// Fewest pairs of consecutive years the correlation is read from.
const MIN_PAIRS: usize = 60;
/// Bounds on the persistence a fit reports: below, hardly anything would be left of a
/// service's record after a year; above, nothing would revert.
const BOUNDS: (f64, f64) = (0.2, 0.95);

/// An area's share of plans issued within 20 weeks (0-1) by calendar year before `origin`.
pub fn in_20_weeks(area: &Area, origin: i32) -> Vec<(i32, f64)> {
    area.flows
        .range(..origin)
        .filter_map(|(y, f)| {
            let d = f.issued.filter(|d| *d > 0.0)?;
            Some((*y, (f.issued_in_20_weeks? / d).clamp(0.0, 1.0)))
        })
        .collect()
}

/// The year-to-year correlation of authorities' 20-week shares less England's, from years
/// before `origin`; `None` with fewer than `MIN_PAIRS` pairs.
pub fn persistence(areas: &[Area], england: &Area, origin: i32) -> Option<f64> {
    let national = in_20_weeks(england, origin);
    let gap = |(y, s): (i32, f64)| national.iter().find(|n| n.0 == y).map(|n| (y, s - n.1));
    let mut pairs = Vec::new();
    for a in areas {
        let gaps: Vec<(i32, f64)> = in_20_weeks(a, origin).into_iter().filter_map(gap).collect();
        pairs.extend(
            gaps.windows(2)
                .filter(|w| w[1].0 == w[0].0 + 1)
                .map(|w| (w[0].1, w[1].1)),
        );
    }
    (pairs.len() >= MIN_PAIRS).then(|| correlation(&pairs).clamp(BOUNDS.0, BOUNDS.1))
}

/// Pearson correlation of the pairs (0 when either side does not vary).
fn correlation(pairs: &[(f64, f64)]) -> f64 {
    let n = pairs.len() as f64;
    let (mx, my) = pairs
        .iter()
        .fold((0.0, 0.0), |(a, b), p| (a + p.0 / n, b + p.1 / n));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for &(x, y) in pairs {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx).powi(2);
        syy += (y - my).powi(2);
    }
    if sxx > 0.0 && syy > 0.0 {
        sxy / (sxx * syy).sqrt()
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlation_of_a_line_and_of_noise() {
        let line: Vec<(f64, f64)> = (0..10)
            .map(|i| (f64::from(i), 2.0 * f64::from(i)))
            .collect();
        assert!((correlation(&line) - 1.0).abs() < 1e-12);
        let flat: Vec<(f64, f64)> = (0..10).map(|i| (f64::from(i), 3.0)).collect();
        assert_eq!(correlation(&flat), 0.0);
    }
}
