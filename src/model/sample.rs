//! Draws of the uncertain inputs for a batch of trajectories: plain Monte Carlo or Latin
//! hypercube, each input from its own stream keyed by its name (so two scenarios that share an
//! input share its draws), then rank-correlated (Iman-Conover) where the scenario asks.

use super::Model;
use crate::engine::draw::stream;
use nalgebra::DMatrix;
use rand::seq::SliceRandom;
use rand::Rng;
use statrs::distribution::{ContinuousCDF, Normal};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sampling {
    MonteCarlo,
    LatinHypercube,
}

const INPUT: u64 = 10;
const LHS: u64 = 11;
const RANKS: u64 = 12;
pub const YEARLY: u64 = 13;

/// A stable 64-bit key of an input name (FNV-1a), to seed its own stream.
pub fn name_key(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Inputs drawn once per trajectory from a distribution, by parameter index.
pub fn uncertain_inputs(model: &Model) -> Vec<usize> {
    model
        .params
        .params
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.dist.is_fixed() && !p.per_year)
        .map(|(i, _)| i)
        .collect()
}

/// Values of the uncertain inputs for trajectories `first_run..first_run + n`.
#[derive(Debug, Clone)]
pub struct InputBatch {
    /// Parameter indices, in column order.
    pub ids: Vec<usize>,
    pub n: usize,
    /// Row per trajectory.
    pub values: Vec<f64>,
}

impl InputBatch {
    pub fn row(&self, i: usize) -> &[f64] {
        let k = self.ids.len();
        &self.values[i * k..(i + 1) * k]
    }

    pub fn column(&self, j: usize) -> Vec<f64> {
        let k = self.ids.len();
        (0..self.n).map(|i| self.values[i * k + j]).collect()
    }

    pub fn append(&mut self, other: InputBatch) {
        self.n += other.n;
        self.values.extend(other.values);
    }
}

pub fn draw_batch(
    model: &Model,
    seed: u64,
    first_run: u64,
    n: usize,
    sampling: Sampling,
) -> InputBatch {
    let ids = uncertain_inputs(model);
    let k = ids.len();
    let mut values = vec![0.0; n * k];
    for (j, &id) in ids.iter().enumerate() {
        let p = &model.params.params[id];
        let key = name_key(&p.name);
        let strata: Vec<usize> = match sampling {
            Sampling::MonteCarlo => Vec::new(),
            Sampling::LatinHypercube => {
                let mut s: Vec<usize> = (0..n).collect();
                s.shuffle(&mut stream(seed ^ key, first_run, LHS));
                s
            }
        };
        for i in 0..n {
            let v: f64 = stream(seed ^ key, first_run + i as u64, INPUT).random();
            let u = match sampling {
                Sampling::MonteCarlo => v,
                Sampling::LatinHypercube => (strata[i] as f64 + v) / n as f64,
            };
            values[i * k + j] = p.from_uniform(u);
        }
    }
    let mut batch = InputBatch { ids, n, values };
    if let Some(c) = &model.correlation {
        let cols: Vec<usize> = c
            .params
            .iter()
            .map(|id| {
                batch
                    .ids
                    .iter()
                    .position(|x| x == id)
                    .expect("correlated inputs are uncertain")
            })
            .collect();
        let keys: Vec<u64> = c
            .params
            .iter()
            .map(|&id| name_key(&model.params.params[id].name))
            .collect();
        iman_conover(&mut batch, &cols, &keys, &c.lower, seed, first_run);
    }
    batch
}

/// Reorder the columns `cols` of the batch so their rank correlation approaches the target
/// (lower Cholesky factor `target`), keeping every column's values (its marginal) unchanged.
fn iman_conover(
    batch: &mut InputBatch,
    cols: &[usize],
    keys: &[u64],
    target: &DMatrix<f64>,
    seed: u64,
    first_run: u64,
) {
    let (n, k, kc) = (batch.n, batch.ids.len(), cols.len());
    if n < kc + 2 {
        return; // too few trajectories to carry a correlation
    }
    let normal = Normal::standard();
    let scores: Vec<f64> = (0..n)
        .map(|i| normal.inverse_cdf((i + 1) as f64 / (n + 1) as f64))
        .collect();
    let mut s = DMatrix::<f64>::zeros(n, kc);
    for c in 0..kc {
        let mut col = scores.clone();
        col.shuffle(&mut stream(seed ^ keys[c], first_run, RANKS));
        for i in 0..n {
            s[(i, c)] = col[i];
        }
    }
    let var = scores.iter().map(|x| x * x).sum::<f64>();
    let e = s.transpose() * &s / var;
    let Ok(f) = super::correlation::cholesky(&e) else {
        return;
    };
    let Some(f_inv) = f.try_inverse() else {
        return;
    };
    let t = &s * f_inv.transpose() * target.transpose();
    for (c, &col) in cols.iter().enumerate() {
        let mut sorted: Vec<f64> = (0..n).map(|i| batch.values[i * k + col]).collect();
        sorted.sort_by(f64::total_cmp);
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| t[(a, c)].total_cmp(&t[(b, c)]));
        for (rank, &i) in order.iter().enumerate() {
            batch.values[i * k + col] = sorted[rank];
        }
    }
}
