//! How long an authority's timeliness stays apart from England's: the year-to-year
//! correlation of its share of plans issued within 20 weeks less England's, over all
//! authorities and every pair of consecutive years up to the origin. The capacity a calibrated
//! model carries on moves towards a typical service's at that rate (README, "The assessment
//! pipeline": services far behind get money and attention, services far ahead lose staff to
//! the pressure; SEN2 shows the gap closing, not lasting).

use crate::sen2::Area;
use crate::stats::sensitivity::pearson;

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
/// before `origin`; `None` with fewer than `MIN_PAIRS` pairs. (Most services hold on to more
/// of their gap than this says, a few jump far: the retention whose forecast of next year has
/// the least median error is 0.86, against a correlation of 0.56, to 2024. Reverting at
/// 1 - 0.86 was tried on the 2020 and 2022 backtests: the 20-week share's median error was
/// 16.4 and 19.5 points at one and two years, against 13.9 and 20.7 with the correlation.)
pub fn persistence(areas: &[Area], england: &Area, origin: i32) -> Option<f64> {
    let national = in_20_weeks(england, origin);
    let gap = |(y, s): (i32, f64)| national.iter().find(|n| n.0 == y).map(|n| (y, s - n.1));
    let (mut before, mut after) = (Vec::new(), Vec::new());
    for a in areas {
        let gaps: Vec<(i32, f64)> = in_20_weeks(a, origin).into_iter().filter_map(gap).collect();
        for w in gaps.windows(2).filter(|w| w[1].0 == w[0].0 + 1) {
            before.push(w[0].1);
            after.push(w[1].1);
        }
    }
    (before.len() >= MIN_PAIRS).then(|| pearson(&before, &after).clamp(BOUNDS.0, BOUNDS.1))
}
