//! Effective capacity month by month: the year's draw of `capacity_factor`, moved towards a
//! typical service's (`capacity_typical`) as a share `capacity_reversion` of the gap, in log,
//! closes each year, and by a factor in each year from the start (`capacity_path`; README,
//! "Where the capacity goes"). No engine state.

use super::draw::Draw;
use crate::model::Model;

/// Years from the middle of the year `capacity_factor` describes (the one before the start,
/// as calibrate fits it) to the middle of the first month.
const FIRST_MONTH_YEARS: f64 = 0.5 + 0.5 / 12.0;

/// Share of the gap (in log) closed after `years` when `reversion` of it closes a year.
pub fn gap_closed(reversion: f64, years: f64) -> f64 {
    1.0 - (1.0 - reversion).powf(years)
}

/// The factor on statutory hours in each month of the run.
pub fn by_month(model: &Model, d: &Draw) -> Vec<f64> {
    let clock = &model.clock;
    let id = model.process.capacity_factor;
    let gap = model.process.reversion.map(|(typical, reversion)| {
        // The gap is taken from the factor's centre, so each year's draw keeps its spread.
        let centre = model.params.median(id);
        ((d.get(typical) / centre).ln(), d.get(reversion))
    });
    let path: Vec<f64> = model.process.path.iter().map(|&p| d.get(p)).collect();
    (0..clock.months)
        .map(|m| {
            let x = d.year(id, clock.month_fy[m] as usize)
                * path.get(m / 12).or(path.last()).copied().unwrap_or(1.0);
            match gap {
                Some((log_gap, r)) if log_gap != 0.0 && r > 0.0 => {
                    let years = FIRST_MONTH_YEARS + m as f64 / 12.0;
                    x * (log_gap * gap_closed(r, years)).exp()
                }
                _ => x,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn model(process: &str) -> Model {
        let text = format!("extends = \"models/bcp.toml\"\n[process]\n{process}\n");
        let loaded = crate::scenario::load_text(Path::new("capacity.toml"), &text).unwrap();
        crate::model::compile::compile(&loaded).unwrap()
    }

    #[test]
    fn each_month_moves_towards_the_typical_capacity() {
        let m = model("capacity_factor = 1.0\ncapacity_typical = 2.0\ncapacity_reversion = 0.5");
        let d = Draw::single(&m, 1, 0);
        let c = by_month(&m, &d);
        assert_eq!(c.len(), m.clock.months);
        // Half the gap in log closes a year, counted from the middle of the year before.
        for month in [0, 12, 60] {
            let years = 0.5 + (month as f64 + 0.5) / 12.0;
            let want = 2f64.powf(1.0 - 0.5f64.powf(years));
            assert!(
                (c[month] - want).abs() < 1e-12,
                "month {month}: {}",
                c[month]
            );
        }
        // Without reversion the capacity stays where the factor puts it.
        let held = model("capacity_factor = 1.0");
        let d = Draw::single(&held, 1, 0);
        assert!(by_month(&held, &d).iter().all(|&x| x == 1.0));
    }

    #[test]
    fn a_path_sets_each_year_from_the_start_and_its_last_holds() {
        let m = model("capacity_factor = 1.5\ncapacity_path = [0.5, 2.0]");
        let d = Draw::single(&m, 1, 0);
        let c = by_month(&m, &d);
        assert!(c[..12].iter().all(|&x| x == 0.75), "{:?}", &c[..12]);
        assert!(c[12..].iter().all(|&x| x == 3.0));
    }

    #[test]
    fn the_gap_closes_at_its_rate() {
        assert_eq!(gap_closed(0.0, 3.0), 0.0);
        assert!((gap_closed(0.4, 1.0) - 0.4).abs() < 1e-12);
        assert!((gap_closed(0.4, 2.0) - 0.64).abs() < 1e-12);
        assert_eq!(gap_closed(1.0, 0.5), 1.0);
    }
}
