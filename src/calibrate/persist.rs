//! How much of an authority's lead or lag on England's timeliness is left after a year, two,
//! three...: the retention of its share of plans issued within 20 weeks less England's, over
//! all authorities and every pair of years up to the origin. A calibrated model's median share
//! follows that path (README, "Where the capacity goes": services far behind get money and
//! attention, services far ahead lose staff to the pressure; SEN2 shows the gap closing, not
//! lasting).

use crate::sen2::Area;

/// Fewest pairs of years a lag's retention is read from.
const MIN_PAIRS: usize = 60;
/// Longest lag read (a model's median share follows the path this far, then holds).
pub const MAX_LAG: usize = 5;
/// Steps of the search over retentions from 0 to 1.
const GRID: usize = 200;

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

/// An area's share of decisions to assess made within 6 weeks (0-1) by calendar year before
/// `origin` (recorded from 2023).
pub fn in_6_weeks(area: &Area, origin: i32) -> Vec<(i32, f64)> {
    area.flows
        .range(..origin)
        .filter_map(|(y, f)| {
            let n = f.decided_in_6_weeks?;
            let d = n + f.decided_late?;
            (d > 0.0).then(|| (*y, (n / d).clamp(0.0, 1.0)))
        })
        .collect()
}

/// Fewest pairs of consecutive years a share's year-to-year spread is read from.
const MIN_SPREAD_PAIRS: usize = 30;

/// How far authorities' shares move from one year to the next: the robust sd (1.4826 times
/// the median absolute deviation) of the change in the logit of `share` between consecutive
/// years before `origin`, over all authorities; `None` with fewer than `MIN_SPREAD_PAIRS` pairs.
/// Shares are held within 0.5%-99.5% (a service at 100% would otherwise move infinitely).
pub fn logit_spread(
    areas: &[Area],
    origin: i32,
    share: impl Fn(&Area, i32) -> Vec<(i32, f64)>,
) -> Option<f64> {
    let changes: Vec<f64> = areas
        .iter()
        .flat_map(|a| logit_changes(&share(a, origin)))
        .collect();
    if changes.len() < MIN_SPREAD_PAIRS {
        return None;
    }
    let centre = super::trend::median(changes.clone());
    let deviations: Vec<f64> = changes.iter().map(|c| (c - centre).abs()).collect();
    Some(1.4826 * super::trend::median(deviations))
}

/// The changes in the logit of a share (0-1, held within 0.5%-99.5%) between consecutive years.
pub fn logit_changes(share: &[(i32, f64)]) -> Vec<f64> {
    let logit = |p: f64| {
        let p = p.clamp(0.005, 0.995);
        (p / (1.0 - p)).ln()
    };
    share
        .windows(2)
        .filter(|w| w[1].0 == w[0].0 + 1)
        .map(|w| logit(w[1].1) - logit(w[0].1))
        .collect()
}

/// The retention of authorities' 20-week shares less England's at lags 1, 2, ... up to
/// `MAX_LAG` years, from years before `origin`: at each lag, the `r` whose forecast of the
/// later gap, `r` times the earlier, has the least median absolute error (a median forecast:
/// most services hold on to most of their gap and a few jump far, so the correlation, 0.56
/// at a year to 2024, says less of the typical service than the least-median-error 0.86).
/// A lag with fewer than `MIN_PAIRS` pairs takes the one before times the first; none is
/// above the one before. `None` when the first lag has too few pairs.
pub fn retention(areas: &[Area], england: &Area, origin: i32) -> Option<[f64; MAX_LAG]> {
    let national = in_20_weeks(england, origin);
    let gap = |(y, s): (i32, f64)| national.iter().find(|n| n.0 == y).map(|n| (y, s - n.1));
    let gaps: Vec<Vec<(i32, f64)>> = areas
        .iter()
        .map(|a| in_20_weeks(a, origin).into_iter().filter_map(gap).collect())
        .collect();
    let mut out: Vec<f64> = Vec::new();
    for lag in 1..=MAX_LAG as i32 {
        let pairs: Vec<(f64, f64)> = gaps
            .iter()
            .flat_map(|g| {
                g.iter().filter_map(move |&(y, before)| {
                    g.iter().find(|a| a.0 == y + lag).map(|a| (before, a.1))
                })
            })
            .collect();
        let r = if pairs.len() >= MIN_PAIRS {
            least_median_error(&pairs)
        } else if let (Some(&first), Some(&last)) = (out.first(), out.last()) {
            first * last
        } else {
            return None;
        };
        out.push(out.last().map_or(r, |&l| r.min(l)));
    }
    out.try_into().ok()
}

/// The `r` in [0, 1] (on a grid of `GRID` steps) whose `r * before` forecasts `after` with
/// the least median absolute error, the smallest such.
fn least_median_error(pairs: &[(f64, f64)]) -> f64 {
    let mut errors = vec![0.0; pairs.len()];
    let mut best = (f64::INFINITY, 0.0);
    for i in 0..=GRID {
        let r = i as f64 / GRID as f64;
        for (e, &(before, after)) in errors.iter_mut().zip(pairs) {
            *e = (after - r * before).abs();
        }
        let mid = errors.len() / 2;
        let (_, m, _) = errors.select_nth_unstable_by(mid, f64::total_cmp);
        if *m < best.0 {
            best = (*m, r);
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retention_that_forecasts_the_typical_pair_best() {
        // Most pairs keep 80% of their gap; a few jump far and would pull a correlation down.
        let mut pairs: Vec<(f64, f64)> = (1..=80)
            .map(|i| {
                let x = (i as f64 - 40.5) / 100.0;
                (x, 0.8 * x)
            })
            .collect();
        pairs.extend((0..20).map(|i| (0.3, if i % 2 == 0 { -0.3 } else { 0.3 })));
        assert!((least_median_error(&pairs) - 0.8).abs() < 0.011);
        // Nothing left of the gap: 0.
        let none: Vec<(f64, f64)> = (0..50).map(|i| (i as f64 / 50.0 - 0.5, 0.0)).collect();
        assert_eq!(least_median_error(&none), 0.0);
    }
}
