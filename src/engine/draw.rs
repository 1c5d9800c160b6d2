//! One trajectory's values of every input, drawn from its own random stream.

use crate::model::{sample, Model, ParamId};
use rand::{Rng as _, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

pub type Rng = Xoshiro256PlusPlus;

/// Independent random streams: one per (seed, trajectory, purpose), so results do not depend
/// on how trajectories are spread over threads, and two scenarios can share draws.
pub fn stream(seed: u64, trajectory: u64, purpose: u64) -> Rng {
    let mut z = seed
        ^ trajectory.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ purpose.wrapping_mul(0xD1B5_4A32_D192_ED03);
    // splitmix64 finaliser, so nearby indices give unrelated states
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    Xoshiro256PlusPlus::seed_from_u64(z)
}

/// Process-noise streams of one trajectory, one per part of the system, so that two scenarios
/// run with the same seed see the same arrivals, the same staff turnover and the same case
/// outcomes wherever their systems coincide (common random numbers).
#[derive(Debug, Clone)]
pub struct Streams {
    pub demand: Rng,
    pub cases: Rng,
    pub staff: Rng,
    pub placement: Rng,
    seed: u64,
    trajectory: u64,
}

impl Streams {
    pub fn new(seed: u64, trajectory: u64) -> Streams {
        Streams {
            demand: stream(seed, trajectory, 1),
            cases: stream(seed, trajectory, 2),
            staff: stream(seed, trajectory, 3),
            placement: stream(seed, trajectory, 4),
            seed,
            trajectory,
        }
    }

    /// Fresh case and placement streams for week `w`, and a fresh staff stream when it starts
    /// a month: two scenarios whose casework differs use different numbers of draws, and
    /// streams started afresh keep that from carrying the difference into later weeks.
    pub fn restart(&mut self, w: usize, month_start: bool) {
        let k = 16 * (w as u64 + 1);
        self.cases = stream(self.seed, self.trajectory, k + 2);
        self.placement = stream(self.seed, self.trajectory, k + 4);
        if month_start {
            self.staff = stream(self.seed, self.trajectory, k + 3);
        }
    }
}

/// Drawn values: `n_fy` values per input (identical unless the input is drawn each year).
#[derive(Debug, Clone)]
pub struct Draw {
    n_fy: usize,
    values: Vec<f64>,
}

impl Draw {
    /// Inputs of trajectory `index` on its own: plain Monte Carlo, uncorrelated (a correlation
    /// needs a batch). The same values a Monte Carlo batch gives that trajectory.
    pub fn single(model: &Model, seed: u64, index: u64) -> Draw {
        let inputs = sample::draw_batch(model, seed, index, 1, sample::Sampling::MonteCarlo);
        Draw::from_inputs(model, &inputs.ids, inputs.row(0), seed, index)
    }

    /// Inputs of one trajectory: fixed values, the batch row for inputs drawn once per
    /// trajectory (`ids` ascending, as `sample::uncertain_inputs` gives them), and fresh draws
    /// each year, from the input's own stream, for inputs drawn yearly.
    pub fn from_inputs(
        model: &Model,
        ids: &[usize],
        row: &[f64],
        seed: u64,
        trajectory: u64,
    ) -> Draw {
        let n_fy = model.clock.n_fy.max(1);
        let mut values = Vec::with_capacity(model.params.len() * n_fy);
        let mut next = 0;
        for (i, p) in model.params.params.iter().enumerate() {
            if next < ids.len() && ids[next] == i {
                values.extend(std::iter::repeat_n(row[next], n_fy));
                next += 1;
            } else if let Some(x) = p.fixed_value() {
                values.extend(std::iter::repeat_n(x, n_fy));
            } else {
                let key = sample::name_key(&p.name);
                for y in 0..n_fy {
                    let u: f64 = stream(seed ^ key, trajectory, sample::YEARLY + y as u64).random();
                    values.push(p.from_uniform(u));
                }
            }
        }
        Draw { n_fy, values }
    }

    /// Every input at its fixed value, or the first draw of `rng` otherwise.
    pub fn get(&self, id: ParamId) -> f64 {
        self.values[id.0 as usize * self.n_fy]
    }

    /// Value in financial year `fy` (0-based from the start).
    pub fn year(&self, id: ParamId, fy: usize) -> f64 {
        self.values[id.0 as usize * self.n_fy + fy.min(self.n_fy - 1)]
    }

    /// Overwrite an input (tests and goal-seek).
    pub fn set(&mut self, id: ParamId, x: f64) {
        let i = id.0 as usize * self.n_fy;
        self.values[i..i + self.n_fy].fill(x);
    }
}
