//! Probability distributions for uncertain inputs, and the domains inputs must stay in.

use rand::Rng;
use rand_distr::{Beta, Distribution, Gamma, LogNormal, Normal, Pert, Triangular};

/// Allowed values of an input, e.g. a probability in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Domain {
    pub min: f64,
    pub max: f64,
    /// Whether `min` itself is excluded (growth rates must exceed -1, counts may be 0).
    pub min_open: bool,
    pub what: &'static str,
}

impl Domain {
    pub const PROB: Domain = Domain::closed(0.0, 1.0, "a probability or share in [0, 1]");
    pub const NONNEG: Domain = Domain::closed(0.0, f64::INFINITY, "a number >= 0");
    pub const POS: Domain = Domain {
        min: 0.0,
        max: f64::INFINITY,
        min_open: true,
        what: "a number > 0",
    };
    pub const GROWTH: Domain = Domain {
        min: -1.0,
        max: f64::INFINITY,
        min_open: true,
        what: "an annual rate > -1 (e.g. 0.05 for +5%)",
    };
    pub const ANY: Domain = Domain::closed(f64::NEG_INFINITY, f64::INFINITY, "any finite number");

    pub const fn closed(min: f64, max: f64, what: &'static str) -> Domain {
        Domain {
            min,
            max,
            min_open: false,
            what,
        }
    }

    pub fn contains(&self, x: f64) -> bool {
        x.is_finite() && (x > self.min || (!self.min_open && x == self.min)) && x <= self.max
    }

    /// Pull a value that sampling pushed a hair outside the domain back inside.
    pub fn clamp(&self, x: f64) -> f64 {
        if self.contains(x) {
            x
        } else if x <= self.min {
            if self.min_open {
                self.min + 1e-9 * (1.0 + self.min.abs())
            } else {
                self.min
            }
        } else {
            self.max
        }
    }
}

/// A sampler for one input.
#[derive(Debug, Clone)]
pub enum Dist {
    Fixed(f64),
    Normal(Normal<f64>),
    LogNormal(LogNormal<f64>),
    Triangular(Triangular<f64>),
    Pert(Pert<f64>),
    Uniform {
        min: f64,
        max: f64,
    },
    Beta {
        beta: Beta<f64>,
        min: f64,
        max: f64,
    },
    Gamma(Gamma<f64>),
    Choice {
        values: Vec<f64>,
        cumulative: Vec<f64>,
    },
}

impl Dist {
    pub fn is_fixed(&self) -> bool {
        matches!(self, Dist::Fixed(_))
    }

    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Fixed(x) => *x,
            Dist::Normal(d) => d.sample(rng),
            Dist::LogNormal(d) => d.sample(rng),
            Dist::Triangular(d) => d.sample(rng),
            Dist::Pert(d) => d.sample(rng),
            Dist::Uniform { min, max } => min + (max - min) * rng.random::<f64>(),
            Dist::Beta { beta, min, max } => min + (max - min) * beta.sample(rng),
            Dist::Gamma(d) => d.sample(rng),
            Dist::Choice { values, cumulative } => {
                let u = rng.random::<f64>() * cumulative[cumulative.len() - 1];
                let i = cumulative.partition_point(|&c| c <= u);
                values[i.min(values.len() - 1)]
            }
        }
    }
}

/// One named input of the compiled model: its distribution, the range it may take and how
/// often it is drawn.
#[derive(Debug, Clone)]
pub struct Param {
    /// Dotted key, e.g. `demand.growth`.
    pub name: String,
    pub dist: Dist,
    /// Human-readable form, e.g. `pert(min=0.1, mode=0.2, max=0.4)`.
    pub desc: String,
    pub domain: Domain,
    /// Truncation bounds given in the file (sampling rejects values outside).
    pub truncate: Option<(f64, f64)>,
    /// Drawn afresh for every financial year rather than once per trajectory.
    pub per_year: bool,
    /// Where it was set, `file:line:col`.
    pub origin: String,
}

impl Param {
    pub fn fixed_value(&self) -> Option<f64> {
        match self.dist {
            Dist::Fixed(x) => Some(x),
            _ => None,
        }
    }

    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let mut x = self.dist.sample(rng);
        if let Some((lo, hi)) = self.truncate {
            let mut tries = 0;
            while !(lo..=hi).contains(&x) && tries < 1000 {
                x = self.dist.sample(rng);
                tries += 1;
            }
            x = x.clamp(lo, hi);
        }
        self.domain.clamp(x)
    }
}
